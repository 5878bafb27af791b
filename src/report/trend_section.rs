//! Headline figures week by week: from the export itself (the report window and the comparison
//! window before it), and from history.csv for the nights before what the export still holds.

use super::*;

/// The weekly trend of the admin ratio and of clinicians at high risk.
pub(super) fn trend_section(sink: &Sink, input: &ReportInput, history: &History, page: &mut Page) -> Result<()> {
    page.section("trend", "Trend");
    let (mut ratio, mut high) = compare::export_trend(input);
    let first_week = ratio.first().map(|p| p.0).into_iter().chain(high.first().map(|p| p.0)).min();
    // Earlier nights' figures the export no longer holds.
    let older = |series: Vec<(Day, f64)>| -> Vec<(Day, f64)> {
        series.into_iter().filter(|(day, _)| first_week.is_none_or(|first| *day < first)).collect()
    };
    let (old_ratio, old_high) = (older(history.series("admin_ratio")), older(history.series("risk_high")));
    let from_history = old_ratio.len().max(old_high.len());
    ratio.splice(0..0, old_ratio);
    high.splice(0..0, old_high);
    if ratio.len() < 2 && high.len() < 2 {
        page.paragraph("Too few weeks with published figures to draw a trend.");
        page.end_section();
        return Ok(());
    }
    let png = sink.chart("trend.png", |p| {
        charts::trend(p, "Admin ratio and clinicians at high risk, week by week", &ratio, &high)
    })?;
    let describe = |p: Option<&(Day, f64)>| {
        p.map(|p| format!("{:.2} in the week of {}", p.1, dates::format_day(p.0))).unwrap_or_default()
    };
    let history_note = if from_history > 0 {
        format!(" Points before the export's first week come from earlier nightly runs ({}).", history::FILE)
    } else {
        String::new()
    };
    page.figure(
        &png,
        &format!(
            "Line charts over {} weeks: the network's weekly admin ratio, from {} to {}, and the clinicians at high risk each week.",
            ratio.len(),
            describe(ratio.first()),
            describe(ratio.last())
        ),
        &format!(
            "Weekly figures for the network from the export: the report window and the {} weeks before it; weeks whose figure is withheld are left out.{}{history_note}",
            input.config.window_weeks,
            compare::risk_settled_from(input)
                .filter(|from| high.iter().any(|p| p.0 >= *from) && ratio.first().is_some_and(|p| p.0 < *from))
                .map(|from| format!(
                    " Clinicians at high risk are drawn from the week of {}: before it the export is too short for their scores (weeks worked in a row, the {}-week risk window).",
                    dates::format_day(from),
                    input.config.risk_window_weeks
                ))
                .unwrap_or_default()
        ),
    );
    let mut days: Vec<Day> = ratio.iter().map(|p| p.0).chain(high.iter().map(|p| p.0)).collect();
    days.sort_unstable();
    days.dedup();
    let rows: Vec<Vec<String>> = days
        .iter()
        .map(|day| {
            let r = ratio.iter().find(|(d, _)| d == day).map_or("–".to_owned(), |(_, v)| format!("{v:.2}"));
            let h = high.iter().find(|(d, _)| d == day).map_or("–".to_owned(), |(_, v)| format!("{v:.0}"));
            vec![dates::format_day(*day), r, h]
        })
        .collect();
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["Week (or as-of date of an earlier run)", "Admin ratio", "Clinicians at high risk"], &rows);
    page.raw("</details>");
    page.end_section();
    Ok(())
}
