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
    page.raw(
        "<dl class=\"defs\">\
         <dt>Weeks and window</dt><dd>ISO weeks (Monday to Sunday) in clinic-local time. A week is complete when its Sunday is on or before the as-of date; the report window is the last window_weeks complete weeks (see the configuration below). Anything dated after the as-of date is left out and counted in the data-quality section.</dd>\
         <dt>Direct client hours</dt><dd>Per clinician and week, the length of the union of the clinician's attended session intervals [start, start + duration): a group session exported once per client counts once, and overlapping bookings are not double-counted.</dd>\
         <dt>Admin hours</dt><dd>Hours of admin_time entries in the categories documentation, meetings, billing, correspondence, travel and other. Supervision and training are counted separately.</dd>\
         <dt>Admin ratio</dt><dd>Admin hours divided by direct client hours, computed after summing (a ratio of sums, not a mean of ratios); empty when there were no direct hours.</dd>\
         <dt>No-show rate</dt><dd>No-shows divided by (attended + no-shows + late cancellations).</dd>\
         <dt>Active caseload</dt><dd>Distinct clients with an attended session in the 90 days ending on the week's Sunday.</dd>\
         <dt>Utilization</dt><dd>(Direct + admin + supervision + training hours) divided by contracted hours (FTE × full-time hours).</dd>\
         </dl>",
    );
    page.raw(&format!("<h3>Configuration in force</h3><pre>{}</pre>", escape(&config.to_toml())));
    page.end_section();
}
