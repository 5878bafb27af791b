//! One run from input folder to published report: ingest, indicators, report, then an atomic move
//! of the finished folder into place, with stage timings and input/output hashes in manifest.json.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::config::Config;
use crate::dates::{self, Day};
use crate::error::{Error, Result};
use crate::indicators::{access, workload, Window};
use crate::ingest::{self, CLINICIANS};
use crate::report::{self, ReportInput, Summary};

pub struct RunOptions {
    pub input: PathBuf,
    pub out: PathBuf,
    pub as_of: Option<Day>,
    pub config: Config,
    pub config_text: String,
}

/// Where the report went and what it says.
pub struct RunOutcome {
    pub report_dir: PathBuf,
    pub summary: Summary,
    pub rejected_rows: u64,
}

#[derive(Serialize)]
struct ManifestInput {
    file: String,
    path: String,
    bytes: u64,
    sha256: String,
    rows_read: u64,
    rows_accepted: u64,
    rows_rejected: u64,
    rows_after_as_of: u64,
}

#[derive(Serialize)]
struct ManifestOutput {
    path: String,
    bytes: u64,
    sha256: String,
}

#[derive(Serialize)]
struct Manifest {
    tool: &'static str,
    version: &'static str,
    as_of: String,
    config_sha256: String,
    started_unix: u64,
    inputs: Vec<ManifestInput>,
    stage_seconds: Vec<(String, f64)>,
    outputs: Vec<ManifestOutput>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Files under `dir`, relative and sorted, so the manifest lists them in a stable order.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.push(relative.to_owned());
            }
        }
    }
    found.sort();
    found
}

struct Stages {
    clock: Instant,
    done: Vec<(String, f64)>,
}

impl Stages {
    fn lap(&mut self, name: &str) {
        let seconds = self.clock.elapsed().as_secs_f64();
        self.done.push((name.to_owned(), (seconds * 1000.0).round() / 1000.0));
        self.clock = Instant::now();
    }
}

pub fn run(options: &RunOptions) -> Result<RunOutcome> {
    let started_unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut stages = Stages { clock: Instant::now(), done: Vec::new() };
    let config = &options.config;
    let mut data = ingest::load(&options.input, config)?;
    stages.lap("ingest");

    let as_of = match options.as_of.or_else(|| data.latest_event_day()) {
        Some(day) => day,
        None => return Err(Error::Data(format!("{}: no dated events to report on", ingest::SESSIONS))),
    };
    data.count_after(as_of);
    let window = Window::new(as_of, config.window_weeks);
    let mut warnings = Vec::new();
    if data.roster.is_none() {
        warnings.push(format!("no {CLINICIANS}: every clinician seen in the data counts as 1.0 FTE."));
    }
    let workload = workload::compute(&data, &window, config)?;
    let access = access::compute(&data, &window, config)?;
    stages.lap("indicators");

    std::fs::create_dir_all(&options.out).map_err(|e| Error::output(&options.out, e))?;
    let name = dates::format_day(as_of);
    let staging = options.out.join(format!(".{name}.tmp-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::output(&staging, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| Error::output(&staging, e))?;
    let input =
        ReportInput { data: &data, config, window, workload: &workload, access: access.as_ref(), warnings: &warnings };
    let summary = report::write(&staging, &input)?;
    stages.lap("report");

    let outputs = files_under(&staging)
        .into_iter()
        .map(|relative| {
            let path = staging.join(&relative);
            let bytes = std::fs::read(&path).map_err(|e| Error::output(&path, e))?;
            Ok(ManifestOutput {
                path: relative.display().to_string(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    stages.lap("manifest");
    let manifest = Manifest {
        tool: "caseload",
        version: env!("CARGO_PKG_VERSION"),
        as_of: name.clone(),
        config_sha256: sha256_hex(options.config_text.as_bytes()),
        started_unix,
        inputs: data
            .files
            .iter()
            .map(|f| ManifestInput {
                file: f.file.clone(),
                path: f.path.clone(),
                bytes: f.bytes,
                sha256: f.sha256.clone(),
                rows_read: f.rows_read,
                rows_accepted: f.rows_accepted,
                rows_rejected: f.rejects.len() as u64,
                rows_after_as_of: f.after_as_of,
            })
            .collect(),
        stage_seconds: stages.done,
        outputs,
    };
    let manifest_path = staging.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Internal { stage: "manifest", message: e.to_string() })?;
    std::fs::write(&manifest_path, json + "\n").map_err(|e| Error::output(&manifest_path, e))?;

    let report_dir = options.out.join(&name);
    publish(&staging, &report_dir)?;
    let rejected_rows = data.files.iter().map(|f| f.rejects.len() as u64).sum();
    Ok(RunOutcome { report_dir, summary, rejected_rows })
}

/// Moves the finished staging folder into place; a previous report for the same date is moved
/// aside first and removed only after the new one is in place.
fn publish(staging: &Path, target: &Path) -> Result<()> {
    let previous = target.with_extension("old");
    if target.exists() {
        if previous.exists() {
            std::fs::remove_dir_all(&previous).map_err(|e| Error::output(&previous, e))?;
        }
        std::fs::rename(target, &previous).map_err(|e| Error::output(target, e))?;
    }
    std::fs::rename(staging, target).map_err(|e| Error::output(target, e))?;
    if previous.exists() {
        std::fs::remove_dir_all(&previous).map_err(|e| Error::output(&previous, e))?;
    }
    Ok(())
}
