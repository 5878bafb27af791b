//! What a report may say about the export itself: which files and columns were provided, the
//! clinic names its rows are labelled with, and each file's row counts as published. The report
//! takes this instead of the data set, so that no count of referrals reaches it unprotected.

use crate::dates::Day;
use crate::ingest::reader::{FileReport, Reject};
use crate::ingest::{references::Mismatch, Dataset, Ids, WAITLIST};

use super::tables::{Count, Hidden, Protection};

/// One input file as published: a waitlist file's row counts are counts of referrals (people
/// served) and follow the rule for them; the other files' rows are sessions, admin entries or
/// clinicians, shown as they are.
#[derive(Debug, Clone)]
pub struct File<'a> {
    /// The canonical name (`sessions.csv`) and the name of the file actually read.
    pub file: &'a str,
    pub source: String,
    pub rows_read: Count,
    pub rows_accepted: Count,
    /// Rows rejected, which enter no figure: shown as counted, as each is listed in `rejects/`.
    pub rejected: usize,
    pub rejects: &'a [Reject],
    pub rejects_by_reason: Vec<(String, u64)>,
    pub after_as_of: Count,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    pub clinics: u64,
    pub clinicians: u64,
    pub warnings: &'a [String],
}

/// Ids of one file that match nothing in another, as published.
#[derive(Debug, Clone)]
pub struct Unmatched<'a> {
    pub kind: &'static str,
    pub found_in: &'static str,
    pub missing_from: &'static str,
    pub ids: usize,
    pub rows: Count,
    /// The rows' share of the file's rows, from the published counts; None when withheld.
    pub share: Option<f64>,
    /// The first ids, for the internal audience only (empty in an advocacy run).
    pub examples: &'a [String],
}

/// The export as a report may describe it.
pub struct Source<'a> {
    /// Display names of clinics (and, for the internal audience's tables, of clinicians).
    pub ids: &'a Ids,
    pub has_admin: bool,
    pub has_roster: bool,
    /// Whether sessions.csv carries its own status (else no-show figures are not available).
    pub status_exported: bool,
    pub first_event_day: Option<Day>,
    /// Figures not available because a mapping sets their column to one value, with why.
    pub not_exported: Vec<(&'static str, String)>,
    pub files: Vec<File<'a>>,
    pub unmatched: Vec<Unmatched<'a>>,
}

impl<'a> Source<'a> {
    pub fn publish(data: &'a Dataset, protection: &Protection) -> Self {
        let referrals = |report: &FileReport, n: u64| {
            if report.file == WAITLIST {
                protection.people(n as i64)
            } else {
                Count::Shown(n as i64)
            }
        };
        let files = data
            .files
            .iter()
            .map(|f| File {
                file: &f.file,
                source: f.source_name(),
                rows_read: referrals(f, f.rows_read),
                rows_accepted: referrals(f, f.rows_accepted),
                rejected: f.rejects.len(),
                rejects: &f.rejects,
                rejects_by_reason: f.rejects_by_reason().into_iter().collect(),
                after_as_of: referrals(f, f.after_as_of),
                first_day: f.first_day,
                last_day: f.last_day,
                clinics: f.clinics,
                clinicians: f.clinicians,
                warnings: &f.warnings,
            })
            .collect();
        let unmatched = data.references.iter().map(|m| unmatched(m, data, protection)).collect();
        Source {
            ids: &data.ids,
            has_admin: data.admin.is_some(),
            has_roster: data.roster.is_some(),
            status_exported: !data.sessions.status_constant,
            first_event_day: data.first_event_day(),
            not_exported: data.not_exported(),
            files,
            unmatched,
        }
    }
}

/// A mismatch as published: rows of the waitlist are referrals, so their count follows the rule
/// for people served and their share is taken of the published counts (withheld when either is
/// hidden), so that no share gives a hidden count back.
fn unmatched<'a>(m: &'a Mismatch, data: &Dataset, protection: &Protection) -> Unmatched<'a> {
    let (rows, share) = if m.found_in == WAITLIST {
        let rows = protection.people(m.rows as i64);
        let accepted = data
            .files
            .iter()
            .find(|f| f.file == WAITLIST)
            .map_or(Count::Hidden(Hidden::Withheld), |f| protection.people(f.rows_accepted as i64));
        let share = match (rows, accepted) {
            (Count::Shown(r), Count::Shown(a)) if a > 0 => Some(r as f64 / a as f64),
            _ => None,
        };
        (rows, share)
    } else {
        (Count::Shown(m.rows as i64), Some(m.share))
    };
    let examples: &[String] = if protection.advocacy() { &[] } else { &m.examples };
    Unmatched { kind: m.kind, found_in: m.found_in, missing_from: m.missing_from, ids: m.ids, rows, share, examples }
}
