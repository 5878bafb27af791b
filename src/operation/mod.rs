//! One run from input folder to published report: ingest, indicators, report, then an atomic move
//! of the finished folder into place, with stage timings and input/output hashes in manifest.json.

pub mod publish;

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::config::Config;
use crate::dates::{self, Day};
use crate::error::{Error, Result};
use crate::indicators::{access, workload, Window};
use crate::ingest::{self, CLINICIANS};
use crate::log;
use crate::privacy::tables::{rules, Protection};
use crate::privacy::Audience;
use crate::report::history::{self, History};
use crate::report::{self, ReportInput, Summary};

pub struct RunOptions {
    pub input: PathBuf,
    pub out: PathBuf,
    pub as_of: Option<Day>,
    pub config: Config,
    pub config_text: String,
    pub audience: Audience,
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
struct Manifest {
    tool: &'static str,
    version: &'static str,
    as_of: String,
    config_sha256: String,
    audience: Audience,
    started_unix: u64,
    inputs: Vec<ManifestInput>,
    stage_seconds: Vec<(String, f64)>,
    outputs: Vec<report::Written>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

struct Stages {
    clock: Instant,
    done: Vec<(String, f64)>,
    /// The running stage's line of the progress display (nothing without a terminal).
    running: crate::progress::Bar,
}

impl Stages {
    fn lap(&mut self, name: &str) {
        let seconds = self.clock.elapsed().as_secs_f64();
        self.done.push((name.to_owned(), (seconds * 1000.0).round() / 1000.0));
        self.clock = Instant::now();
        self.running.finish(format!("{name}: {seconds:.2} s"));
        self.running = crate::progress::stage("working…");
        if let Some(peak) = peak_memory_mb() {
            log::debug(&format!("stage {name}: {seconds:.2} s; peak memory so far {peak} MB"));
        }
    }
}

/// The process's peak resident memory (Linux: VmHWM), for the debug log.
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Test hook: `CASELOAD_TEST_PAUSE=<stage>` makes a run sleep at that point so that a test can kill
/// it there; `CASELOAD_TEST_FAIL=<stage>` makes it fail there as an internal error. Stages:
/// `after-ingest`, `charts`, `publish` (before the dated report is switched), `publish-history`
/// (after it, before history.csv and `latest`).
fn checkpoint(stage: &'static str) -> Result<()> {
    if std::env::var("CASELOAD_TEST_PAUSE").is_ok_and(|s| s == stage) {
        log::info(&format!("pausing at {stage} (CASELOAD_TEST_PAUSE)"));
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
    if std::env::var("CASELOAD_TEST_FAIL").is_ok_and(|s| s == stage) {
        return Err(Error::Internal { stage, message: "failure requested by CASELOAD_TEST_FAIL".into() });
    }
    Ok(())
}

/// One period's indicators, as the privacy stage publishes them: the report window's, or a
/// comparison period's.
struct Period {
    window: Window,
    workload: workload::Workload,
    access: Option<access::Access>,
    totals: polars::prelude::DataFrame,
    followup: Option<polars::prelude::DataFrame>,
    burnout: crate::privacy::staff::Burnout,
    protection: Protection,
    admin_categories: Option<std::collections::BTreeMap<u32, [f64; 6]>>,
}

impl Period {
    /// `comparison`: a comparison period, which needs neither the projection nor, once computed,
    /// the per-clinician detail.
    fn compute(
        data: &ingest::Dataset,
        attended: &access::Attended,
        worked_weeks: &workload::WorkedWeeks,
        window: Window,
        config: &Config,
        audience: Audience,
        comparison: bool,
    ) -> Result<Period> {
        let mut workload = workload::compute(data, worked_weeks, &window, config)?;
        let mut access = access::compute(data, attended, &workload.detail, &window, config, !comparison)?;
        let burnout_figures = crate::indicators::burnout::figures(
            &workload.burnout.risk,
            &workload.clinician_weeks,
            data.admin.is_some(),
            workload::weeks_with_data(&workload.clinic_weeks),
            config,
        );
        let mut protection = Protection::new(audience, config);
        protection.apply_staff(
            "clinic_weeks",
            &mut workload.clinic_weeks,
            &crate::privacy::staff::CLINIC_WEEKS,
            &["sessions_attended"],
            Some("week"),
        )?;
        let mut totals = workload::window_totals(&workload.clinician_weeks)?;
        protection.apply_staff(
            "totals",
            &mut totals,
            &crate::privacy::staff::WINDOW_TOTALS,
            &["sessions_attended"],
            None,
        )?;
        let last_week_withheld = {
            let cw = &workload.clinic_weeks;
            let clinics = cw.column("clinic")?.u32()?.clone();
            let weeks = cw.column("week")?.i32()?.clone();
            (0..cw.height()).any(|r| {
                clinics.get(r) == Some(crate::indicators::ALL_CLINICS)
                    && weeks.get(r) == Some(window.last_week)
                    && protection.hidden("clinic_weeks", "risk_high", r).is_some()
            })
        };
        let burnout =
            crate::privacy::staff::publish_burnout(&burnout_figures, protection.min_group, last_week_withheld);
        let mut followup = None;
        if let Some(access) = access.as_mut() {
            protection.apply_access(access, config)?;
            protection.apply("followup", &mut access.followup, &rules::FOLLOWUP)?;
        } else {
            // Follow-up gaps need only sessions.csv.
            let mut table = access::followup_table(attended, &window, config)?;
            protection.apply("followup", &mut table, &rules::FOLLOWUP)?;
            followup = Some(table);
        }
        // The page shows admin by category for the report window only.
        let admin_categories = if comparison { None } else { workload::admin_by_category(data, &window) };
        if comparison {
            // Only the published tables are compared; the per-clinician frames go.
            workload.detail = polars::prelude::DataFrame::empty();
            workload.clinician_weeks = polars::prelude::DataFrame::empty();
            workload.burnout.history = polars::prelude::DataFrame::empty();
            workload.burnout.risk = polars::prelude::DataFrame::empty();
        }
        Ok(Period { window, workload, access, totals, followup, burnout, protection, admin_categories })
    }

    /// The report's input for this period (without warnings or comparisons).
    fn input<'a>(
        &'a self,
        source: &'a crate::privacy::source::Source<'a>,
        config: &'a Config,
        audience: Audience,
        projections: &'a crate::report::projections::Projections,
        survey: Option<&'a crate::privacy::staff::Survey>,
    ) -> ReportInput<'a> {
        ReportInput {
            source,
            config,
            window: self.window,
            clinic_weeks: &self.workload.clinic_weeks,
            burnout_missing: &self.workload.burnout.missing,
            internal: (audience == Audience::Internal).then_some(&self.workload),
            access: self.access.as_ref(),
            warnings: &[],
            audience,
            protection: &self.protection,
            projections,
            totals: &self.totals,
            followup: self.followup.as_ref(),
            survey,
            burnout: &self.burnout,
            admin_categories: self.admin_categories.as_ref(),
            clinic_gaps: self.access.as_ref().and_then(|a| crate::privacy::tables::clinic_gaps(&a.capacity)),
            comparisons: &[],
        }
    }

    /// This period as a comparison for the report window: its headline figures and its tables.
    fn comparison<'a>(
        &'a self,
        label: report::ComparedWith,
        source: &'a crate::privacy::source::Source<'a>,
        config: &'a Config,
        audience: Audience,
        projections: &'a crate::report::projections::Projections,
    ) -> report::Comparison<'a> {
        let input = self.input(source, config, audience, projections, None);
        report::Comparison { label, summary: report::summary(&input, &self.totals), period: self.published() }
    }

    /// What a comparison needs of this period, as published.
    fn published(&self) -> report::PeriodFigures<'_> {
        report::PeriodFigures {
            window: self.window,
            totals: &self.totals,
            clinic_weeks: &self.workload.clinic_weeks,
            capacity: self.access.as_ref().map(|a| &a.capacity),
            waits: self.access.as_ref().map(|a| &a.waits),
            protection: &self.protection,
        }
    }
}

pub fn run(options: &RunOptions) -> Result<RunOutcome> {
    let started_unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut stages = Stages { clock: Instant::now(), done: Vec::new(), running: crate::progress::stage("working…") };
    let config = &options.config;
    let out = &options.out;
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    let _lock = publish::Lock::acquire(out)?;
    for leftover in publish::clean_leftovers(out)? {
        log::warn(&format!("removed {} left by an interrupted run", leftover.display()));
    }
    let history = History::load(out)?;
    let projections = crate::report::projections::Projections::load(out)?;

    log::info(&format!("reading {}", options.input.display()));
    let mut data = ingest::load(&options.input, config)?;
    for file in &data.files {
        log::info(&format!(
            "{}: {} rows read, {} accepted, {} rejected",
            file.file,
            file.rows_read,
            file.rows_accepted,
            file.rejects.len()
        ));
    }
    // Counted before small clinics are folded together, while every clinic is still its own. A
    // count of clinicians over the whole network is a staff figure of a large group, not a small cell.
    data.note_roster_elsewhere(|n| n.to_string());
    let folded = match options.audience {
        Audience::Advocacy => crate::privacy::fold_small_clinics(&mut data, config.min_clinicians),
        Audience::Internal => Vec::new(),
    };
    stages.lap("ingest");
    checkpoint("after-ingest")?;

    let as_of = match options.as_of.or_else(|| data.latest_event_day()) {
        Some(day) => day,
        None => return Err(Error::Data(format!("{}: no dated events to report on", ingest::SESSIONS))),
    };
    data.count_after(as_of);
    let window = Window::new(as_of, config.window_weeks);
    let mut warnings = Vec::new();
    if data.roster.is_none() {
        warnings.push(format!("no {CLINICIANS}: every clinician seen in the data counts as 1.0 FTE."));
    } else if let Some(roster) = &data.roster {
        let listed: std::collections::BTreeSet<u32> = roster.clinician.iter().copied().collect();
        let unlisted: std::collections::BTreeSet<u32> = data
            .sessions
            .clinician
            .iter()
            .chain(data.admin.iter().flat_map(|a| a.clinician.iter()))
            .copied()
            .filter(|c| !listed.contains(c))
            .collect();
        if !unlisted.is_empty() {
            let count = unlisted.len();
            let share = ingest::references::unrostered_share(&data.references) * 100.0;
            warnings.push(format!(
                "{count} clinician(s) in the data are not on the roster ({CLINICIANS}) and count as 1.0 FTE; \
                 {share:.1} % of the sessions are theirs (see the data-quality section)."
            ));
        }
    }
    if !folded.is_empty() {
        warnings.push(format!(
            "{} clinic(s) with fewer than {} clinicians are reported together as \"{}\" to protect the people in them.",
            folded.len(),
            config.min_clinicians,
            crate::privacy::OTHER_CLINICS
        ));
    }
    for warning in &warnings {
        log::warn(warning);
    }
    // Sorted once for the report window and both comparison periods.
    let attended = access::Attended::of(&data);
    let worked_weeks = workload::WorkedWeeks::of(&data, &window);
    let current = Period::compute(&data, &attended, &worked_weeks, window, config, options.audience, false)?;
    let survey = crate::indicators::wellbeing::compare(&data, &current.workload.burnout.risk, &window)?
        .map(|check| crate::privacy::staff::publish_survey(&check, current.protection.min_group));
    stages.lap("indicators and privacy");
    // The comparison periods: the previous window of the same length, and the same window a year
    // earlier, each only where the export reaches back to its first week.
    let reaches = |w: &Window| data.first_event_day().is_some_and(|first| first <= w.first_week + 6);
    let previous_window = Window::new(as_of - 7 * config.window_weeks as Day, config.window_weeks);
    let year_window = Window::new(as_of - 364, config.window_weeks);
    let previous = reaches(&previous_window)
        .then(|| Period::compute(&data, &attended, &worked_weeks, previous_window, config, options.audience, true))
        .transpose()?;
    let year_ago = reaches(&year_window)
        .then(|| Period::compute(&data, &attended, &worked_weeks, year_window, config, options.audience, true))
        .transpose()?;
    drop((attended, worked_weeks));
    stages.lap("comparison periods");

    let name = dates::format_day(as_of);
    let run_id = publish::run_id();
    // Removed again if anything below fails before the report is published.
    let staged = publish::Staging::create(out, &run_id)?;
    let staging = staged.path.clone();
    let source = crate::privacy::source::Source::publish(&data, &current.protection);
    let comparisons: Vec<report::Comparison> = [
        (previous.as_ref(), report::ComparedWith::PreviousWindow),
        (year_ago.as_ref(), report::ComparedWith::YearEarlier),
    ]
    .into_iter()
    .filter_map(|(period, label)| Some(period?.comparison(label, &source, config, options.audience, &projections)))
    .collect();
    let mut input = current.input(&source, config, options.audience, &projections, survey.as_ref());
    input.warnings = &warnings;
    input.comparisons = &comparisons;
    let report::Report { summary, history, files } = report::write(&staging, &input, &history)?;
    stages.lap("report");
    checkpoint("charts")?;

    let manifest = Manifest {
        tool: "caseload",
        version: env!("CARGO_PKG_VERSION"),
        as_of: name.clone(),
        config_sha256: sha256_hex(options.config_text.as_bytes()),
        audience: options.audience,
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
        outputs: files,
    };
    let manifest_path = staging.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Internal { stage: "manifest", message: e.to_string() })?;
    std::fs::write(&manifest_path, json + "\n").map_err(|e| Error::output(&manifest_path, e))?;

    // Publication: the dated report, then history.csv, then `latest`; each step is one rename, so
    // a run killed between two of them leaves every earlier step complete and the rest untouched.
    checkpoint("publish")?;
    let previous = publish::publish_report(out, &staging, &name, &run_id)?;
    checkpoint("publish-history")?;
    publish::replace_file(out, history::FILE, &history.to_csv())?;
    if let Some(access) = current.access.as_ref() {
        let projections = projections.with(as_of, &access.projection, &data.ids);
        publish::replace_file(out, crate::report::projections::FILE, &projections.to_csv())?;
    }
    // `latest` follows the newest as_of in the history, this run's included.
    let no_latest = std::fs::symlink_metadata(out.join(publish::LATEST)).is_err();
    if no_latest || history.latest_as_of().is_none_or(|latest| latest <= name.as_str()) {
        publish::switch_latest(out, &name)?;
    }
    if let Some(previous) = previous {
        std::fs::remove_dir_all(&previous).map_err(|e| Error::output(&previous, e))?;
    }
    let report_dir = out.join(&name);
    log::info(&format!("report for {name} published at {}", report_dir.join("index.html").display()));
    let rejected_rows = data.files.iter().map(|f| f.rejects.len() as u64).sum();
    stages.running.finish("published".to_owned());
    Ok(RunOutcome { report_dir, summary, rejected_rows })
}
