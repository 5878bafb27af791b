//! The data-quality summary of one input folder: what `caseload validate` prints and the report's
//! data-quality section shows.

use serde::Serialize;

use super::reader::{FileReport, Reject};
use crate::dates;

/// How many line numbers are listed per reject reason.
const FIRST_LINES: usize = 5;
/// How many rejected rows `validate --json` lists in full.
const FIRST_REJECTS: usize = 20;

#[derive(Debug, Serialize)]
pub struct RejectReason {
    pub reason: String,
    pub rows: u64,
    pub first_lines: Vec<u64>,
}

#[derive(Debug, Serialize)]
pub struct FileQuality {
    /// The canonical table (`sessions.csv`) and the file actually read (`appointments.csv`).
    pub file: String,
    pub source: String,
    pub path: String,
    pub bytes: u64,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub max_reject_share: f64,
    pub rejects: Vec<RejectReason>,
    /// The first rejected rows themselves (all of them are in `rejects/<file>.csv` after a run).
    pub first_rejects: Vec<Reject>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub clinics: u64,
    pub clinicians: u64,
    pub warnings: Vec<String>,
}

/// Reject reasons of a file with their counts and first line numbers, most frequent first.
pub fn reject_reasons(report: &FileReport) -> Vec<RejectReason> {
    let mut reasons: Vec<RejectReason> = report
        .rejects_by_reason()
        .into_iter()
        .map(|(reason, rows)| {
            let first_lines =
                report.rejects.iter().filter(|r| r.reason == reason).take(FIRST_LINES).map(|r| r.line).collect();
            RejectReason { reason, rows, first_lines }
        })
        .collect();
    reasons.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.reason.cmp(&b.reason)));
    reasons
}

pub fn summarise(report: &FileReport, max_reject_share: f64) -> FileQuality {
    FileQuality {
        file: report.file.clone(),
        source: report.source_name(),
        path: report.path.clone(),
        bytes: report.bytes,
        rows_read: report.rows_read,
        rows_accepted: report.rows_accepted,
        rows_rejected: report.rejects.len() as u64,
        max_reject_share,
        rejects: reject_reasons(report),
        first_rejects: report.rejects.iter().take(FIRST_REJECTS).cloned().collect(),
        first_date: report.first_day.map(dates::format_day),
        last_date: report.last_day.map(dates::format_day),
        clinics: report.clinics,
        clinicians: report.clinicians,
        warnings: report.warnings.clone(),
    }
}

/// Referential mismatches for a terminal, with their first ids.
pub fn references_text(mismatches: &[super::references::Mismatch]) -> String {
    let mut out = String::new();
    if !mismatches.is_empty() {
        out.push_str("ids that match nothing elsewhere:\n");
    }
    for m in mismatches {
        out.push_str(&format!("  {} (first: {})\n", m.sentence(&|n| n.to_string()), m.examples.join(", ")));
    }
    out
}

/// Plain-text summary for a terminal.
pub fn to_text(files: &[FileQuality]) -> String {
    let mut out = String::new();
    for f in files {
        let name = if f.source == f.file { f.file.clone() } else { format!("{} (as {})", f.source, f.file) };
        out.push_str(&format!(
            "{} ({}): {} rows read, {} accepted, {} rejected (limit {:.1} %)\n",
            name,
            f.path,
            f.rows_read,
            f.rows_accepted,
            f.rows_rejected,
            f.max_reject_share * 100.0
        ));
        if let (Some(first), Some(last)) = (&f.first_date, &f.last_date) {
            out.push_str(&format!("  dates: {first} to {last}\n"));
        }
        out.push_str(&format!("  clinics: {}, clinicians: {}\n", f.clinics, f.clinicians));
        for reason in &f.rejects {
            let lines: Vec<String> = reason.first_lines.iter().map(u64::to_string).collect();
            out.push_str(&format!("  rejected: {} × {} (lines {})\n", reason.rows, reason.reason, lines.join(", ")));
        }
        for warning in &f.warnings {
            out.push_str(&format!("  warning: {warning}\n"));
        }
    }
    out
}
