//! Referential checks across the input files: clinicians and clinics that appear in one file but
//! not in another. An export whose ids come from another system (provider UUIDs against a roster
//! of staff numbers) reads cleanly row by row and still means nothing; these counts say so.

use serde::Serialize;

use super::{Dataset, Interner, ADMIN_TIME, CLINICIANS, SESSIONS, WAITLIST};

/// How many ids a mismatch lists as examples.
const EXAMPLES: usize = 5;

/// Ids of one kind found in one file and missing from another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// `clinician` or `clinic`.
    pub kind: &'static str,
    /// The canonical file the ids were found in, and the one that lacks them.
    pub found_in: &'static str,
    pub missing_from: &'static str,
    /// Distinct ids.
    pub ids: usize,
    /// Rows of `found_in` that carry them, and their share of its rows.
    pub rows: u64,
    pub share: f64,
    /// The first ids in id order.
    pub examples: Vec<String>,
}

impl Mismatch {
    /// "3 clinicians in sessions.csv (120 rows, 40.0 %) are not in clinicians.csv", with the count
    /// written by `count` (an advocacy run applies its small-count rule there).
    pub fn sentence(&self, count: &dyn Fn(usize) -> String) -> String {
        let kind = if self.ids == 1 { self.kind.to_owned() } else { format!("{}s", self.kind) };
        format!(
            "{} {kind} in {} ({} rows, {:.1} % of them) not in {}",
            count(self.ids),
            self.found_in,
            self.rows,
            self.share * 100.0,
            self.missing_from
        )
    }
}

/// One file's ids of a kind: which codes occur, and on how many rows.
struct Occurrence<'a> {
    file: &'static str,
    codes: &'a [u32],
}

fn present(codes: &[u32], total: usize) -> Vec<bool> {
    let mut seen = vec![false; total];
    for &c in codes {
        seen[c as usize] = true;
    }
    seen
}

fn compare(kind: &'static str, names: &Interner, found: &Occurrence, other: &Occurrence) -> Option<Mismatch> {
    let theirs = present(other.codes, names.len());
    let mut missing = vec![false; names.len()];
    let mut rows = 0u64;
    for &c in found.codes {
        if !theirs[c as usize] {
            missing[c as usize] = true;
            rows += 1;
        }
    }
    let ids: Vec<usize> = (0..names.len()).filter(|&c| missing[c]).collect();
    if ids.is_empty() {
        return None;
    }
    Some(Mismatch {
        kind,
        found_in: found.file,
        missing_from: other.file,
        ids: ids.len(),
        rows,
        share: rows as f64 / found.codes.len().max(1) as f64,
        examples: ids.iter().take(EXAMPLES).map(|&c| names.name(c as u32).to_owned()).collect(),
    })
}

/// Every mismatch between the files present, the roster and the sessions first.
pub fn check(data: &Dataset) -> Vec<Mismatch> {
    let s = &data.sessions;
    let mut clinicians = vec![Occurrence { file: SESSIONS, codes: &s.clinician }];
    let mut clinics = vec![Occurrence { file: SESSIONS, codes: &s.clinic }];
    if let Some(r) = &data.roster {
        clinicians.push(Occurrence { file: CLINICIANS, codes: &r.clinician });
        clinics.push(Occurrence { file: CLINICIANS, codes: &r.clinic });
    }
    if let Some(a) = &data.admin {
        clinicians.push(Occurrence { file: ADMIN_TIME, codes: &a.clinician });
        clinics.push(Occurrence { file: ADMIN_TIME, codes: &a.clinic });
    }
    if let Some(w) = &data.waitlist {
        clinics.push(Occurrence { file: WAITLIST, codes: &w.clinic });
    }
    let mut found = Vec::new();
    for (kind, names, files) in
        [("clinician", &data.ids.clinicians, &clinicians), ("clinic", &data.ids.clinics, &clinics)]
    {
        for a in files.iter() {
            for b in files.iter().filter(|b| b.file != a.file) {
                // A referral's clinic needs no roster row; its sessions are what matter.
                if a.file == WAITLIST && b.file != SESSIONS {
                    continue;
                }
                if let Some(m) = compare(kind, names, a, b) {
                    found.push(m);
                }
            }
        }
    }
    found
}

/// The share of sessions whose clinician the roster does not list (0 without a roster).
pub fn unrostered_share(mismatches: &[Mismatch]) -> f64 {
    mismatches
        .iter()
        .find(|m| m.kind == "clinician" && m.found_in == SESSIONS && m.missing_from == CLINICIANS)
        .map_or(0.0, |m| m.share)
}
