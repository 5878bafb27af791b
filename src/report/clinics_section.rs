//! One short section per clinic: the network's headline figures for that clinic.

use super::*;

/// One short section per clinic: the same headline figures as the network's, for that clinic.
pub(super) fn clinics_section(input: &ReportInput, protected: &Totals, page: &mut Page) {
    let totals = &protected.frame;
    let ids = input.source.ids;
    let has_admin = input.source.has_admin;
    // Tier counts as clinic_weeks publishes them for the last complete week (suppressed alike).
    let cw = input.clinic_weeks;
    let last_week_row = |clinic: u32| {
        (0..cw.height()).find(|&r| u32_at(cw, "clinic", r) == clinic && week_at(cw, r) == Some(input.window.last_week))
    };
    page.section("clinics", "Clinic by clinic");
    page.paragraph(
        "The network's figures for each clinic on its own: workload over the report window, burnout-risk tiers at the \
         last complete week, and access over the last 12 months.",
    );
    compare::clinic_table(input, protected, page);
    for r in (0..totals.height()).filter(|&r| u32_at(totals, "clinic", r) != ALL_CLINICS) {
        let clinic = u32_at(totals, "clinic", r);
        let name = ids.clinics.name(clinic);
        let tier_count = |column: &str| match last_week_row(clinic) {
            Some(row) => input.count("clinic_weeks", cw, column, row),
            None => "0".to_owned(),
        };
        let waits = |column: &str| clinic_access(input, |a| &a.waits, clinic, column, Some("all"));
        let capacity = |column: &str| clinic_access(input, |a| &a.capacity, clinic, column, None);
        let mut sentence = format!(
            "{} clinicians logged {} hours with clients",
            protected.text("clinicians", r, &|v| format!("{:.0}", v.unwrap_or(0.0))),
            hours(f64_at(totals, "direct_hours", r).unwrap_or(0.0))
        );
        if let (true, Some(ratio)) = (has_admin, f64_at(totals, "admin_ratio", r)) {
            sentence.push_str(&format!(", and {ratio:.2} hours of admin for every hour with clients"));
        }
        let high = tier_count("risk_high");
        if high.parse::<i64>().is_ok() {
            sentence.push_str(&format!(
                "; {high} of {} clinicians scored in the last week are at high risk.",
                tier_count("clinicians")
            ));
        } else {
            sentence.push_str(&format!(
                "; its risk tiers are withheld: {} clinicians were scored in the last week, fewer than the {} a \
                 group needs before its staff figures are published.",
                tier_count("clinicians"),
                input.config.min_group_clinicians
            ));
        }
        if let Some(median) = waits("km_median_days") {
            sentence.push_str(&format!(" Half of its referrals wait {median:.0} days or more for a first appointment"));
            match capacity("extra_fte") {
                Some(fte) if fte >= 0.05 => {
                    let recurring = capacity("recurring_fte").unwrap_or(0.0);
                    let clearance = capacity("clearance_fte").unwrap_or(0.0);
                    sentence.push_str(&format!(
                        "; on its own, closing its gap needs {fte:.1} more full-time clinicians ({recurring:.1} recurring, {clearance:.1} for {} weeks to clear its waitlist above target).",
                        input.config.clearance_weeks
                    ))
                }
                Some(fte) if fte > 0.0 => sentence.push_str("; its capacity gap is under 0.1 full-time clinicians."),
                Some(_) => sentence.push_str("; it has no capacity gap."),
                None => sentence.push('.'),
            }
        }
        page.raw(&format!("<section id=\"clinic-{r}\" aria-label=\"{}\"><h3>{}</h3>", escape(name), escape(name)));
        page.paragraph(&sentence);
        page.raw("</section>");
    }
    page.end_section();
}

/// A clinic's backlog at the as-of date as the capacity table publishes it.
pub(super) fn backlog_text(input: &ReportInput, clinic: u32) -> String {
    let Some(access) = input.access else { return "–".to_owned() };
    let capacity = &access.capacity;
    match (0..capacity.height()).find(|&r| u32_at(capacity, "clinic", r) == clinic) {
        Some(r) => input.count("capacity", capacity, "backlog", r),
        None => "–".to_owned(),
    }
}
