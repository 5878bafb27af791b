//! Changes against the comparison periods, and the side-by-side clinic table.

use super::*;

/// How a figure's change reads.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// Hours: "+312 h (+3 %)".
    Hours,
    /// A ratio with two decimals: "+0.04".
    Ratio,
    /// Days: "+6 days".
    Days,
    /// People: "+25".
    People,
    /// Full-time clinicians: "+0.8".
    Fte,
    /// A share shown as a percentage with one decimal: "+0.4 percentage points".
    Share,
}

/// The change from `earlier` to `now` as a reader quotes it, or None when either is not published.
pub(super) fn change(now: Option<f64>, earlier: Option<f64>, kind: Kind) -> Option<String> {
    let (now, earlier) = (now?, earlier?);
    // The change between the figures as shown, so that it never contradicts them.
    let scale = match kind {
        Kind::Ratio => 100.0,
        Kind::Fte => 10.0,
        Kind::Share => 1000.0,
        Kind::Hours | Kind::Days | Kind::People => 1.0,
    };
    let delta = ((now * scale).round() - (earlier * scale).round()) / scale;
    if delta == 0.0 {
        return Some("no change".to_owned());
    }
    let sign = |v: f64, text: String| if v > 0.0 { format!("+{text}") } else { text };
    Some(match kind {
        Kind::Hours => {
            let share = (earlier > 0.0)
                .then(|| format!(" ({}{:.0} %)", if delta > 0.0 { "+" } else { "" }, delta / earlier * 100.0));
            format!("{} h{}", sign(delta, hours(delta)), share.unwrap_or_default())
        }
        Kind::Ratio => sign(delta, format!("{delta:.2}")),
        Kind::Days => sign(delta, format!("{delta:.0} days")),
        Kind::People => sign(delta, hours(delta)),
        Kind::Fte => sign(delta, format!("{delta:.1}")),
        Kind::Share => sign(delta, format!("{:.1} percentage points", delta * 100.0)),
    })
}

/// "+0.04 on the previous 26 weeks (0.86)" for each comparison period the export reaches.
pub(super) fn card_changes(
    input: &ReportInput,
    now: Option<f64>,
    earlier: impl Fn(&Summary) -> Option<f64>,
    kind: Kind,
    show: &dyn Fn(f64) -> String,
) -> Vec<String> {
    input
        .comparisons
        .iter()
        .filter_map(|c| {
            let then = earlier(&c.summary);
            let text = change(now, then, kind)?;
            Some(format!("{text} on {} ({})", c.label.describe(input.config.window_weeks), show(then?)))
        })
        .collect()
}

/// The window's dates of the comparison periods, for the page's note on what is compared.
pub(super) fn periods_note(input: &ReportInput) -> String {
    let weeks = input.config.window_weeks;
    let parts: Vec<String> = input
        .comparisons
        .iter()
        .map(|c| {
            format!(
                "{} ({} to {})",
                c.label.describe(weeks),
                dates::format_day(c.period.window.first_week),
                dates::format_day(c.period.window.last_week + 6)
            )
        })
        .collect();
    let missing: Vec<String> = [ComparedWith::PreviousWindow, ComparedWith::YearEarlier]
        .into_iter()
        .filter(|label| !input.comparisons.iter().any(|c| c.label == *label))
        .map(|label| label.describe(weeks))
        .collect();
    let not_reached = match missing.len() {
        0 => String::new(),
        _ => {
            format!(" The export does not reach back to {}, so no change against it is shown.", missing.join(" or to "))
        }
    };
    if parts.is_empty() {
        format!("No change is shown: the export does not reach back to {}.", missing.join(" or to "))
    } else {
        format!("Changes are against {}.{not_reached}", parts.join(" and "))
    }
}

/// One figure of a comparison period's table as published (None when hidden or missing).
fn earlier_figure(frame: Option<&DataFrame>, clinic: u32, column: &str, urgency: Option<&str>) -> Option<f64> {
    let frame = frame?;
    f64_at(frame, column, row_of(frame, clinic, urgency)?)
}

/// A clinic's figure of the previous window's totals as published.
pub(super) fn previous_total(input: &ReportInput, clinic: u32, column: &str) -> Option<f64> {
    let previous = input.comparisons.iter().find(|c| c.label == ComparedWith::PreviousWindow)?;
    earlier_figure(Some(previous.period.totals), clinic, column, None)
}

/// A cell as published with its change against the previous window in brackets.
fn with_change(shown: String, now: Option<f64>, earlier: Option<f64>, kind: Kind) -> String {
    match change(now, earlier, kind) {
        Some(delta) => format!("{shown} ({delta})"),
        None => shown,
    }
}

/// The clinics side by side on the figures a director compares them on, with the network's row;
/// figures in brackets are the change since the previous window.
pub(super) fn clinic_table(input: &ReportInput, totals: &Totals, page: &mut Page) {
    let frame = &totals.frame;
    let ids = input.source.ids;
    let has_admin = input.source.has_admin;
    let previous = input.comparisons.iter().find(|c| c.label == ComparedWith::PreviousWindow);
    let mut rows_order: Vec<usize> = (0..frame.height()).collect();
    rows_order.sort_by_key(|&r| (u32_at(frame, "clinic", r) == ALL_CLINICS, u32_at(frame, "clinic", r)));
    let rows: Vec<Vec<String>> = rows_order
        .into_iter()
        .map(|r| {
            let clinic = u32_at(frame, "clinic", r);
            let text = |column: &str, show: &dyn Fn(Option<f64>) -> String| totals.text(column, r, show);
            let admin_text = |column: &str, show: &dyn Fn(Option<f64>) -> String| {
                if has_admin {
                    text(column, show)
                } else {
                    "–".to_owned()
                }
            };
            let capacity = |column: &str| clinic_access(input, |a| &a.capacity, clinic, column, None);
            let prev_totals =
                |column: &str| previous.and_then(|p| earlier_figure(Some(p.period.totals), clinic, column, None));
            let prev_capacity =
                |column: &str| previous.and_then(|p| earlier_figure(p.period.capacity, clinic, column, None));
            let prev_waits =
                |column: &str| previous.and_then(|p| earlier_figure(p.period.waits, clinic, column, Some("all")));
            let now_waits = |column: &str| clinic_access(input, |a| &a.waits, clinic, column, Some("all"));
            vec![
                if clinic == ALL_CLINICS { "All clinics".to_owned() } else { ids.clinics.name(clinic).to_owned() },
                optional(f64_at(frame, "fte", r), 1),
                clinic_access_text(input, "capacity", |a| &a.capacity, clinic, "referrals_per_week", None, &|v| {
                    optional(v, 1)
                }),
                clinic_access_text(input, "capacity", |a| &a.capacity, clinic, "starts_per_week", None, &|v| {
                    optional(v, 1)
                }),
                text("median_caseload_per_fte", &|v| optional(v, 1)),
                with_change(
                    admin_text("admin_ratio", &|v| optional(v, 2)),
                    f64_at(frame, "admin_ratio", r).filter(|_| has_admin),
                    prev_totals("admin_ratio"),
                    Kind::Ratio,
                ),
                admin_text("documentation_share", &|v| {
                    v.map_or_else(|| "–".to_owned(), |v| format!("{:.0} %", v * 100.0))
                }),
                admin_text("supervision_hours_per_fte", &|v| optional(v, 2)),
                admin_text("after_hours_per_clinician_week", &|v| optional(v, 1)),
                with_change(
                    clinic_access_text(input, "waits", |a| &a.waits, clinic, "km_median_days", Some("all"), &|v| {
                        v.map_or_else(|| "not reached".to_owned(), |d| format!("{d:.0}"))
                    }),
                    now_waits("km_median_days"),
                    prev_waits("km_median_days"),
                    Kind::Days,
                ),
                clinic_access_text(input, "waits", |a| &a.waits, clinic, "within_standard_share", Some("all"), &|v| {
                    v.map_or_else(|| "–".to_owned(), |v| format!("{:.0} %", v * 100.0))
                }),
                with_change(backlog_text(input, clinic), capacity("backlog"), prev_capacity("backlog"), Kind::People),
            ]
        })
        .collect();
    let since = match previous {
        Some(_) => format!(
            " In brackets: the change since {}.",
            ComparedWith::PreviousWindow.describe(input.config.window_weeks)
        ),
        None => String::new(),
    };
    page.raw("<div class=\"wide\">");
    page.table(
        &format!(
            "The clinics side by side: workload over {}, referrals and first appointments per week over the last {} weeks, waits for referrals of the last 12 months, people waiting at the as-of date.{since}",
            window_period(input),
            input.config.capacity_window_weeks
        ),
        &[
            "Clinic",
            "FTE",
            "Referrals / week",
            "First appts / week",
            "Caseload per FTE (median)",
            "Admin h per client h",
            "Documentation share of admin",
            "Supervision h per FTE-week",
            "After-hours h per clinician-week",
            "Median wait, days (KM)",
            "Seen within standard",
            "Waiting now",
        ],
        &rows,
    );
    page.raw("</div>");
}

/// The first week whose risk scores rest on a full look-back: a score counts the weeks worked in a
/// row up to the red value of that component and averages over the risk window, both of which an
/// export's first weeks cut short, so that the scores would seem to rise as the export goes on.
pub(super) fn risk_settled_from(input: &ReportInput) -> Option<Day> {
    let config = input.config;
    let weeks = (config.components.weeks_without_break.red.ceil() as i32).max(config.risk_window_weeks as i32);
    input.source.first_event_day.map(|first| dates::week_start(first) + 7 * weeks)
}

/// Points (week or as-of date, value) of a trend line.
pub(super) type Points = Vec<(Day, f64)>;

/// The network's weekly admin ratio and clinicians at high risk, as published, from the oldest
/// comparison period the export holds to the report window's last week: the trend the export
/// itself holds.
pub(super) fn export_trend(input: &ReportInput) -> (Points, Points) {
    let mut frames: Vec<(&DataFrame, &Protection)> = input
        .comparisons
        .iter()
        .filter(|c| c.label == ComparedWith::PreviousWindow)
        .map(|c| (c.period.clinic_weeks, c.period.protection))
        .collect();
    frames.push((input.clinic_weeks, input.protection));
    let settled = risk_settled_from(input);
    let (mut ratio, mut high) = (Vec::new(), Vec::new());
    for (frame, protection) in frames {
        for r in (0..frame.height()).filter(|&r| u32_at(frame, "clinic", r) == ALL_CLINICS) {
            let Some(week) = week_at(frame, r) else { continue };
            if ratio.last().is_some_and(|(d, _)| *d >= week) || high.last().is_some_and(|(d, _)| *d >= week) {
                continue;
            }
            if protection.hidden("clinic_weeks", "admin_ratio", r).is_none() {
                if let Some(v) = f64_at(frame, "admin_ratio", r) {
                    ratio.push((week, v));
                }
            }
            if protection.hidden("clinic_weeks", "risk_high", r).is_none() && settled.is_none_or(|from| week >= from) {
                if let Some(v) = f64_at(frame, "risk_high", r) {
                    high.push((week, v));
                }
            }
        }
    }
    (ratio, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_at_the_precision_of_its_figure() {
        assert_eq!(change(Some(11_651.4), Some(12_094.2), Kind::Hours).as_deref(), Some("-443 h (-4 %)"));
        assert_eq!(change(Some(6.0), Some(2.0), Kind::Hours).as_deref(), Some("+4 h (+200 %)"));
        // 0.67 against 0.66 as shown, however close the unrounded figures are.
        assert_eq!(change(Some(0.6651), Some(0.664), Kind::Ratio).as_deref(), Some("+0.01"));
        assert_eq!(change(Some(0.662), Some(0.660), Kind::Ratio).as_deref(), Some("no change"));
        assert_eq!(change(Some(43.0), Some(32.0), Kind::Days).as_deref(), Some("+11 days"));
        assert_eq!(change(Some(6.0), Some(6.0), Kind::People).as_deref(), Some("no change"));
        assert_eq!(change(Some(1_250.0), Some(1_200.0), Kind::People).as_deref(), Some("+50"));
        assert_eq!(change(Some(3.7), Some(4.8), Kind::Fte).as_deref(), Some("-1.1"));
        // Either figure withheld: no change is claimed.
        assert_eq!(change(None, Some(4.8), Kind::Fte), None);
        assert_eq!(change(Some(4.8), None, Kind::Fte), None);
    }

    #[test]
    fn a_share_changes_by_the_percentage_points_between_the_figures_as_shown() {
        // 9.1 % against 9.0 % (0.0904 reads 9.0 %).
        assert_eq!(change(Some(0.091), Some(0.0904), Kind::Share).as_deref(), Some("+0.1 percentage points"));
        assert_eq!(change(Some(0.0851), Some(0.097), Kind::Share).as_deref(), Some("-1.2 percentage points"));
        assert_eq!(change(Some(0.0904), Some(0.0901), Kind::Share).as_deref(), Some("no change"));
    }
}
