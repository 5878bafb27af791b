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
pub const WINDOW_TOTALS: StaffRule<'static> =
    StaffRule { size: "clinicians", figures: &["admin_ratio", "no_show_rate"] };

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
