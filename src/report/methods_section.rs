//! The methods section: who the report may be shown to, the definitions and the configuration.

use super::*;

pub(super) fn methods(
    page: &mut Page,
    config: &Config,
    protection: &Protection,
    totals: &crate::privacy::tables::Overrides,
) {
    page.section("methods", "Methods");
    page.raw("<h3 id=\"suppression\">Who this report may be shown to</h3>");
    let [small, complementary, withheld] = protection.counts();
    let [s2, c2, w2] = totals.counts();
    let (small, complementary, withheld) = (small + s2, complementary + c2, withheld + w2);
    let staff = format!(
        "Figures about clinicians (risk-tier counts, shares, medians and means over clinicians) are shown for groups of at \
         least {} clinicians and withheld below that, as staff surveys publish their results; how many clinicians a \
         group has is shown.",
        config.min_group_clinicians
    );
    let folded = format!(
        "Advocacy report, safe to publish: no clinician or client id appears, and per-clinician tables are left out. \
         Clinics with fewer than {} clinicians are reported together as \"{}\".",
        config.min_clinicians,
        crate::privacy::OTHER_CLINICS
    );
    match protection.people {
        Some(crate::privacy::tables::PeopleRule::Round(r)) => page.paragraph(&format!(
            "{folded} Counts of people served (referrals, people waiting, first appointments, sessions, clients) follow \
             the rule NHS Digital adopted for its published statistics in 2018: a count from 1 to {h} is shown as \"<{n}\" \
             (never as a number), every other count is rounded to the nearest {b} (0 stays 0), and a mean, median or rate \
             resting on 1 to {h} people is \"withheld\". Shares and the capacity gap are computed from the rounded \
             counts, so that no figure names a count more exactly than the counts do. Rounded counts need not add up to \
             their rounded totals. {staff} In this report: {small} counts shown as \"<{n}\", {withheld} figures withheld. In \
             the Parquet tables these cells are empty.",
            h = r.hide_max,
            n = r.hide_max + 1,
            b = r.base,
        )),
        Some(crate::privacy::tables::PeopleRule::Suppress { min_cell: m }) => page.paragraph(&format!(
            "{folded} A count of people from 1 to {} is shown as \"<{m}\". Where a table's totals would let a reader \
             work such a count out by subtraction, further counts of {m} or more are hidden as \"suppressed\" \
             (complementary suppression), chosen so that every hidden count could take at least two values given \
             everything shown. Rates, means and medians resting on fewer than {m} people are \"withheld\". {staff} In this \
             report: {small} counts shown as \"<{m}\", {complementary} suppressed, {withheld} figures withheld. In the \
             Parquet tables these cells are empty.",
            m - 1,
        )),
        None => page.paragraph(
            "Internal report for the clinic's own management: per-clinician rows under the export's pseudonymous ids, \
             and no disclosure control. Do not publish it; run with --audience advocacy for a report that can be.",
        ),
    };
    let general = String::from(
        "<dl class=\"defs\">\
         <dt>Weeks and window</dt><dd>ISO weeks (Monday to Sunday) in clinic-local time. A week is complete when its Sunday is on or before the as-of date; the report window is the last window_weeks complete weeks (see the configuration below). Anything dated after the as-of date is left out and counted in the data-quality section.</dd>\
         <dt>Direct client hours</dt><dd>Per clinician and week, the length of the union of the clinician's attended session intervals [start, start + duration): a group session exported once per client counts once, and overlapping bookings are not double-counted.</dd>\
         <dt>Admin hours</dt><dd>Hours of admin_time entries in the categories documentation, meetings, billing, correspondence, travel and other. Supervision and training are counted separately.</dd>\
         <dt>Admin ratio</dt><dd>Admin hours divided by direct client hours, computed after summing (a ratio of sums, not a mean of ratios); empty when there were no direct hours.</dd>\
         <dt>No-show rate</dt><dd>No-shows divided by (attended + no-shows + late cancellations).</dd>\
         <dt>Active caseload</dt><dd>Distinct clients with an attended session in the 90 days ending on the week's Sunday.</dd>\
         <dt>Utilization</dt><dd>(Direct + admin + supervision + training hours) divided by contracted hours (FTE × full-time hours).</dd>",
    );
    page.raw(&pairs(&format!(
        "{general}\
         <dt>Comparison periods</dt><dd>Each key figure and the clinic table are compared with the previous {w} weeks (the window of the same length that ends where this one starts) and with the same {w} weeks a year earlier (as-of date less 364 days), each computed exactly as this period is, with its own as-of date, and published under the same rules; a period is left out when the export's first session is after its first week.</dd>\
         <dt>Recurring and time-limited need</dt><dd>The extra FTE splits into the recurring part, max(0, λ − μ) × hours per client / {h}, needed for as long as referrals outpace first appointments as now, and the time-limited clearance, max(0, B − B*) / {c} × hours per client / {h}, needed for the {c} clearance weeks only.</dd>\
         <dt>Direct hours per FTE</dt><dd>The ask uses {h} direct client hours per FTE-week (the green value of the direct-hours component). Beside it the report gives the hours the clinicians delivered: direct hours over the last {cw} weeks divided by the FTE-weeks worked in them, and the ask at that rate.</dd>\
         <dt>Pooling</dt><dd>The network's gap is computed for the network as one service: a clinic's spare first appointments offset another's shortfall. The clinics' own gaps, each computed alone, are added up beside it; the difference is what the network figure assumes can be moved between clinics (clients travelling, or clinicians working across sites).</dd>\
         <dt>Waiting past standard</dt><dd>Referrals neither seen nor closed at the as-of date whose days since referral exceed their urgency's standard (urgent {u}, emergency {e} days).</dd>\
         <dt>Hours accounted for</dt><dd>Logged hours (direct + admin + supervision + training) divided by contracted hours, FTE × {f} hours in each week a clinician worked.</dd>\
         </dl>",
        w = config.window_weeks,
        h = config.components.direct_hours_per_fte.green,
        c = config.clearance_weeks,
        cw = config.capacity_window_weeks,
        u = config.standard_days.urgent,
        e = config.standard_days.emergency,
        f = config.full_time_hours,
    )));
    page.end_section();
    configuration_appendix(page, config);
}

/// Each term with its definition in one block, so that neither is printed apart from the other.
fn pairs(defs: &str) -> String {
    defs.replace("<dt>", "<div class=\"def\"><dt>").replace("</dd>", "</dd></div>")
}

/// The configuration in force as a compact table, three settings to a row.
fn configuration_appendix(page: &mut Page, config: &Config) {
    page.section("configuration", "Appendix: configuration in force");
    let mut section = String::new();
    let mut settings: Vec<(String, String)> = Vec::new();
    for line in config.to_toml().lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[') {
            section = name.trim_matches(|c| c == '[' || c == ']').to_owned();
        } else if let Some((key, value)) = line.split_once(" = ") {
            let key = if section.is_empty() { key.to_owned() } else { format!("{section}.{key}") };
            settings.push((key, value.trim_matches('"').to_owned()));
        }
    }
    let rows: Vec<Vec<String>> = settings
        .chunks(3)
        .map(|chunk| {
            let mut row: Vec<String> = chunk.iter().flat_map(|(k, v)| [k.clone(), v.clone()]).collect();
            row.resize(6, String::new());
            row
        })
        .collect();
    page.raw("<div class=\"config\">");
    page.table(
        "Every setting of this run (caseload init-config writes them all with comments)",
        &["Setting", "Value", "Setting", "Value", "Setting", "Value"],
        &rows,
    );
    page.raw("</div>");
    page.end_section();
}
