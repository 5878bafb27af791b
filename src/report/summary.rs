//! The headline figures over the report window (summary.json) and the page's headline sentence.

use super::*;

/// Headline figures over the report window, for the network (summary.json).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub as_of: String,
    pub window_first_week: String,
    pub window_last_week: String,
    pub window_weeks: u32,
    /// Window weeks in which any clinician worked (an export may start inside the window).
    pub weeks_with_data: u32,
    pub clinics: usize,
    /// Counts of people are null in an advocacy report when small-cell suppression hides them
    /// (see `suppressed`).
    pub clinicians: Option<i64>,
    pub direct_hours: f64,
    pub admin_hours: Option<f64>,
    pub documentation_hours: Option<f64>,
    pub after_hours: Option<f64>,
    pub admin_ratio: Option<f64>,
    pub sessions_attended: Option<i64>,
    pub no_show_rate: Option<f64>,
    pub roster: bool,
    /// Clinicians scored at the last complete week, by tier, and how many are sustained high.
    pub risk_low: Option<usize>,
    pub risk_moderate: Option<usize>,
    pub risk_high: Option<usize>,
    pub risk_sustained: Option<usize>,
    /// Access figures for the network; empty without waitlist.csv.
    pub backlog: Option<f64>,
    pub km_median_days: Option<f64>,
    pub km_p90_days: Option<f64>,
    pub followup_over_standard_share: Option<f64>,
    pub extra_fte: Option<f64>,
    /// The same figures over the previous window and the same window a year earlier, where the
    /// export reaches back that far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_window: Option<Box<Summary>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_earlier: Option<Box<Summary>>,
    /// Figures left null by small-cell suppression (advocacy audience).
    pub suppressed: Vec<&'static str>,
    /// Figures left null because the export does not hold what they need, with the reason.
    pub not_available: BTreeMap<&'static str, String>,
    /// The smallest count of people shown as a number, which the report's sentences cite.
    #[serde(skip)]
    pub min_cell: u32,
    /// The smallest group of clinicians whose staff figures are shown.
    #[serde(skip)]
    pub min_group: u32,
}

pub fn summary(input: &ReportInput, totals: &DataFrame) -> Summary {
    let has_admin = input.source.has_admin;
    let network = (0..totals.height()).find(|&r| u32_at(totals, "clinic", r) == ALL_CLINICS);
    let value = |column: &str| network.and_then(|r| f64_at(totals, column, r));
    let admin = |column: &str| if has_admin { value(column).map(round2) } else { None };
    let protection = input.protection;
    // Tier counts are staff figures, published once by the privacy stage (the staff rule).
    let mut suppressed = Vec::new();
    let tiers = input.burnout.tiers;
    if tiers.is_none() && input.burnout.scored > 0 {
        suppressed.extend(["risk_low", "risk_moderate", "risk_high", "risk_sustained"]);
    }
    let (risk_low, risk_moderate, risk_high, risk_sustained) =
        (tiers.map(|t| t.low), tiers.map(|t| t.moderate), tiers.map(|t| t.high), tiers.map(|t| t.sustained));
    let clinicians = network.map_or(0, |r| i64_at(totals, "clinicians", r));
    // Ratios over the whole network are staff figures of its clinicians, withheld by the privacy
    // stage in the totals when the network is too small a group.
    let thin = network
        .is_some_and(|r| ["admin_ratio", "no_show_rate"].iter().any(|c| protection.hidden("totals", c, r).is_some()));
    if thin {
        suppressed.extend(["admin_ratio", "no_show_rate"]);
    }
    let clinicians = Some(clinicians);
    // As the privacy stage publishes it in the totals (the rule for people served).
    let sessions_attended = match network {
        Some(r) if protection.hidden("totals", "sessions_attended", r).is_some() => None,
        Some(r) => Some(i64_at(totals, "sessions_attended", r)),
        None => Some(0),
    };
    if sessions_attended.is_none() {
        suppressed.push("sessions_attended");
    }
    Summary {
        as_of: dates::format_day(input.window.as_of),
        window_first_week: dates::format_day(input.window.first_week),
        window_last_week: dates::format_day(input.window.last_week),
        window_weeks: input.config.window_weeks,
        weeks_with_data: weeks_with_data(input),
        clinics: totals.height().saturating_sub(1),
        clinicians,
        direct_hours: value("direct_hours").map_or(0.0, round2),
        admin_hours: admin("admin_hours"),
        documentation_hours: admin("documentation_hours"),
        after_hours: admin("after_hours"),
        admin_ratio: if has_admin && !thin {
            value("admin_ratio").map(|r| (r * 10_000.0).round() / 10_000.0)
        } else {
            None
        },
        sessions_attended,
        no_show_rate: value("no_show_rate").filter(|_| !thin).map(|r| (r * 10_000.0).round() / 10_000.0),
        roster: input.source.has_roster,
        risk_low,
        risk_moderate,
        risk_high,
        risk_sustained,
        backlog: network_access(input, |a| &a.capacity, "backlog", None),
        km_median_days: network_access(input, |a| &a.waits, "km_median_days", Some("all")),
        km_p90_days: network_access(input, |a| &a.waits, "km_p90_days", Some("all")),
        followup_over_standard_share: network_access(input, |a| &a.followup, "followup_over_standard_share", None)
            .map(|v| (v * 10_000.0).round() / 10_000.0),
        extra_fte: network_access(input, |a| &a.capacity, "extra_fte", None).map(round2),
        previous_window: None,
        year_earlier: None,
        suppressed,
        not_available: input.source.not_exported.iter().cloned().collect(),
        min_cell: protection.threshold().unwrap_or(input.config.min_cell),
        min_group: input.config.min_group_clinicians,
    }
}

pub fn weeks_with_data(input: &ReportInput) -> u32 {
    crate::indicators::workload::weeks_with_data(input.clinic_weeks)
}

/// "the last 26 weeks", or "the 8 weeks with data of the 26-week report window".
pub(super) fn period(summary: &Summary) -> String {
    period_words(summary.window_weeks, summary.weeks_with_data)
}

/// The same words for the report window of `input`.
pub(super) fn window_period(input: &ReportInput) -> String {
    period_words(input.config.window_weeks, weeks_with_data(input))
}

fn period_words(window_weeks: u32, weeks_with_data: u32) -> String {
    if weeks_with_data >= window_weeks {
        format!("the last {window_weeks} weeks")
    } else {
        format!("the {weeks_with_data} weeks with data of the {window_weeks}-week report window")
    }
}

pub(super) fn headline(summary: &Summary) -> String {
    let period = period(summary);
    match (summary.admin_hours, summary.admin_ratio) {
        (Some(admin), Some(ratio)) => format!(
            "In {period}, clinicians logged {} hours of admin work for {} hours with clients: \
             {:.2} hours of paperwork and other admin for every hour of client care.",
            hours(admin),
            hours(summary.direct_hours),
            ratio
        ),
        _ if summary.suppressed.contains(&"admin_ratio") => format!(
            "In {period}, clinicians logged {} hours of admin work for {} hours with clients. The ratio of the two is \
             withheld: fewer than {} clinicians worked in the network (see Methods).",
            summary.admin_hours.map_or_else(|| "no".to_owned(), hours),
            hours(summary.direct_hours),
            summary.min_group
        ),
        _ if summary.admin_hours.is_none() => format!(
            "In {period}, clinicians spent {} hours with clients. The admin-to-client ratio is not \
             available (no {ADMIN_TIME}).",
            hours(summary.direct_hours)
        ),
        _ => format!(
            "In {period} no attended client time was recorded, so the admin-to-client ratio cannot be computed."
        ),
    }
}
