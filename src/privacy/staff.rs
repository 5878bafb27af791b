//! Staff figures: a minimum group size, as staff surveys publish their results. A group's figures
//! about its clinicians (risk-tier counts, shares, medians and means) are shown when the group has
//! at least `min_group_clinicians` (11) clinicians and withheld below it; within a group large
//! enough to show, counts of clinicians are not small cells. How many clinicians a group has is
//! shown either way (a clinic's staff list is no secret; clinics under `min_clinicians` are folded).

use polars::prelude::*;

use super::rounding::hide_where;
use super::tables::Overrides;

/// One table's group size column and the staff figures that need a large enough group.
pub struct StaffRule<'a> {
    pub size: &'a str,
    pub figures: &'a [&'a str],
}

pub const CLINIC_WEEKS: StaffRule<'static> = StaffRule {
    size: "clinicians",
    figures: &["risk_low", "risk_moderate", "risk_high", "admin_ratio", "no_show_rate", "median_caseload_per_fte"],
};

/// The page's totals over the window, by clinic.
pub const WINDOW_TOTALS: StaffRule<'static> = StaffRule {
    size: "clinicians",
    figures: &[
        "admin_ratio",
        "no_show_rate",
        "median_caseload_per_fte",
        "documentation_share",
        "supervision_hours_per_fte",
        "after_hours_per_clinician_week",
        "logged_share",
    ],
};

/// Whether a group of `clinicians` may have its staff figures shown.
pub fn shown(clinicians: i64, min_group: u32) -> bool {
    clinicians >= i64::from(min_group)
}

/// Withholds the staff figures of every row whose group is smaller than `min_group`.
pub fn protect(frame: &DataFrame, rule: &StaffRule, min_group: u32) -> PolarsResult<(DataFrame, Overrides)> {
    let sizes: Vec<i64> =
        frame.column(rule.size)?.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(0)).collect();
    let mut masked = frame.clone();
    let mut overrides = Overrides::default();
    for figure in rule.figures {
        hide_where(&mut masked, &mut overrides, figure, |row| !shown(sizes[row], min_group))?;
    }
    Ok((masked, overrides))
}

/// Tier counts of a group large enough to show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiers {
    pub low: usize,
    pub moderate: usize,
    pub high: usize,
    pub sustained: usize,
}

/// The network's burnout figures as published: the group's size always; every figure about its
/// clinicians only when at least `min_group_clinicians` were scored (each component's mean strain
/// when that many have it). None means withheld (or, for the after-hours mean, not available).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Burnout {
    pub scored: usize,
    pub tiers: Option<Tiers>,
    pub after_hours_per_clinician_week: Option<f64>,
    /// Hours of admin beyond the target, as sessions: a sum of hours, not a figure about a few people.
    pub sessions_lost_per_month: Option<f64>,
    pub drivers: Option<Vec<crate::indicators::burnout::Driver>>,
    /// Clinicians scored who meet the admin-ratio target: a count of the scored group's clinicians.
    pub meeting_admin_target: Option<usize>,
    pub admin_ratio: Option<Vec<f64>>,
    pub caseload_per_fte: Option<Vec<f64>>,
    /// Whether the group's figures are withheld (fewer than `min_group_clinicians` scored).
    pub withheld: bool,
}

/// Publishes `figures` under the staff rule; everything for the internal audience (`min_group` None).
/// `last_week_withheld`: clinic_weeks withholds the network's tiers of the last complete week (fewer
/// worked in it than were scored), and the scored group's tiers are withheld with them, so that the
/// two groups' difference names no one's tier.
pub fn publish_burnout(
    figures: &crate::indicators::burnout::Figures,
    min_group: Option<u32>,
    last_week_withheld: bool,
) -> Burnout {
    let ok = |n: usize| min_group.is_none_or(|m| shown(n as i64, m));
    let show = ok(figures.scored) && !last_week_withheld;
    let values = |v: &Vec<f64>| ok(v.len()).then(|| v.clone());
    Burnout {
        scored: figures.scored,
        tiers: show.then_some(Tiers {
            low: figures.low,
            moderate: figures.moderate,
            high: figures.high,
            sustained: figures.sustained,
        }),
        after_hours_per_clinician_week: figures.after_hours_per_clinician_week.filter(|_| show),
        sessions_lost_per_month: figures.sessions_lost_per_month,
        drivers: show.then(|| figures.drivers.iter().filter(|d| ok(d.clinicians)).copied().collect()),
        meeting_admin_target: (show && !figures.admin_ratio.is_empty()).then_some(figures.meeting_admin_target),
        admin_ratio: values(&figures.admin_ratio),
        caseload_per_fte: values(&figures.caseload_per_fte),
        withheld: !show,
    }
}
