//! Who a report is for, and what it may therefore show (SPEC §4 "Audiences").

pub mod rounding;
pub mod source;
pub mod staff;
pub mod suppress;
pub mod tables;

use clap::ValueEnum;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// For funders, boards and the press: no clinician or client id, small clinics folded.
    #[default]
    Advocacy,
    /// The clinic's own management: per-clinician rows under the export's pseudonymous ids.
    Internal,
}

use std::collections::BTreeSet;

use crate::ingest::Dataset;

/// The name published for clinics folded together because each has too few clinicians.
pub const OTHER_CLINICS: &str = "other clinics";

/// Folds every clinic with fewer than `min_clinicians` distinct clinicians (in sessions, admin time
/// or the roster) into one clinic named "other clinics", in every input table, so that every
/// indicator is computed for the folded group. Returns the folded clinics' ids.
pub fn fold_small_clinics(data: &mut Dataset, min_clinicians: u32) -> Vec<String> {
    let pairs = || {
        let mut pairs: Vec<(&[u32], &[u32])> = vec![(&data.sessions.clinic, &data.sessions.clinician)];
        if let Some(admin) = &data.admin {
            pairs.push((&admin.clinic, &admin.clinician));
        }
        if let Some(roster) = &data.roster {
            pairs.push((&roster.clinic, &roster.clinician));
        }
        pairs.into_iter().flat_map(|(clinic, clinician)| clinic.iter().copied().zip(clinician.iter().copied()))
    };
    let (clinics, width) = (data.ids.clinics.len(), data.ids.clinicians.len());
    let mut clinicians_at = vec![0usize; clinics];
    if clinics.saturating_mul(width) <= 1 << 26 {
        // A clinic × clinician grid of flags: one pass over the rows without hashing.
        let mut works_at = vec![false; clinics * width];
        for (c, k) in pairs() {
            let cell = &mut works_at[c as usize * width + k as usize];
            clinicians_at[c as usize] += usize::from(!*cell);
            *cell = true;
        }
    } else {
        let distinct: std::collections::HashSet<(u32, u32)> = pairs().collect();
        for (c, _) in distinct {
            clinicians_at[c as usize] += 1;
        }
    }
    let small: BTreeSet<u32> =
        (0..clinics as u32).filter(|&c| clinicians_at[c as usize] < min_clinicians as usize).collect();
    if small.is_empty() {
        return Vec::new();
    }
    let folded_names = small.iter().map(|&c| data.ids.clinics.name(c).to_owned()).collect();
    let other = data.ids.clinics.code(OTHER_CLINICS);
    let fold = |codes: &mut Vec<u32>| {
        for code in codes.iter_mut() {
            if small.contains(code) {
                *code = other;
            }
        }
    };
    fold(&mut data.sessions.clinic);
    if let Some(admin) = data.admin.as_mut() {
        fold(&mut admin.clinic);
    }
    if let Some(waitlist) = data.waitlist.as_mut() {
        fold(&mut waitlist.clinic);
    }
    if let Some(roster) = data.roster.as_mut() {
        fold(&mut roster.clinic);
    }
    if let Some(wellbeing) = data.wellbeing.as_mut() {
        fold(&mut wellbeing.clinic);
    }
    folded_names
}
