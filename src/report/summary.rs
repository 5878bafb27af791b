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
    let has_admin = input.data.admin.is_some();
    let network = (0..totals.height()).find(|&r| u32_at(totals, "clinic", r) == ALL_CLINICS);
    let value = |column: &str| network.and_then(|r| f64_at(totals, column, r));
    let admin = |column: &str| if has_admin { value(column).map(round2) } else { None };
    let tiers: Vec<Option<String>> = input
        .workload
        .burnout
        .risk
        .column("tier")
        .ok()
        .and_then(|c| c.str().ok().map(|t| t.iter().map(|v| v.map(str::to_owned)).collect()))
        .unwrap_or_default();
    let tier_count = |tier: &str| tiers.iter().filter(|t| t.as_deref() == Some(tier)).count();
    let protection = input.protection;
    // summary.json counts every clinician scored at the last complete week (burnout_risk), which
    // can be more than clinic_weeks' network row for that week (clinicians who worked in it). A
    // tier is left out when it is small itself, or when clinic_weeks hides it: summary.json never
    // shows a tier count that table hides.
    let cw = &input.workload.clinic_weeks;
    let last = (0..cw.height()).find(|&r| {
        u32_at(cw, "clinic", r) == ALL_CLINICS
            && cw.column("week").ok().and_then(|c| c.get(r).ok()).and_then(|v| v.extract::<i32>())
                == Some(input.window.last_week)
    });
    // Tier counts are staff figures: shown when the network scored at least min_group_clinicians
    // clinicians, withheld otherwise (the network row of clinic_weeks follows the same rule).
    let scored = ["low", "moderate", "high"].map(tier_count).iter().sum::<usize>();
    let last_hidden = last.is_some_and(|r| protection.text("clinic_weeks", "risk_high", r).is_some());
    let staff_hidden = protection.staff_withheld(scored as i64) || last_hidden;
    let mut suppressed = Vec::new();
    let mut tier = |name: &'static str, n: usize| {
        if staff_hidden {
            suppressed.push(name);
            None
        } else {
            Some(n)
        }
    };
    let (risk_low, risk_moderate, risk_high) = (
        tier("risk_low", tier_count("low")),
        tier("risk_moderate", tier_count("moderate")),
        tier("risk_high", tier_count("high")),
    );
    let risk_sustained = tier("risk_sustained", burnout_section::headline(input).sustained);
    let clinicians = network.map_or(0, |r| i64_at(totals, "clinicians", r));
    // Ratios over the whole network are staff figures of its clinicians.
    let thin = protection.staff_withheld(clinicians);
    if thin {
        suppressed.extend(["admin_ratio", "no_show_rate"]);
    }
    let clinicians = Some(clinicians);
    let sessions = network.map_or(0, |r| i64_at(totals, "sessions_attended", r));
    let sessions_attended = protection.published(sessions);
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
        roster: input.data.roster.is_some(),
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
        suppressed,
        not_available: input.data.not_exported().into_iter().collect(),
        min_cell: protection.threshold().unwrap_or(input.config.min_cell),
        min_group: input.config.min_group_clinicians,
    }
}

pub fn weeks_with_data(input: &ReportInput) -> u32 {
    let weeks = &input.workload.clinic_weeks;
    (0..weeks.height()).filter(|&r| u32_at(weeks, "clinic", r) == ALL_CLINICS).count() as u32
}

/// "the last 26 weeks", or "the 8 weeks with data of the 26-week report window".
pub(super) fn period(summary: &Summary) -> String {
    if summary.weeks_with_data >= summary.window_weeks {
        format!("the last {} weeks", summary.window_weeks)
    } else {
        format!("the {} weeks with data of the {}-week report window", summary.weeks_with_data, summary.window_weeks)
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
