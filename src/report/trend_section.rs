//! Headline figures across nightly runs, from history.csv.

use super::*;

/// Headline figures across nightly runs, from history.csv.
pub(super) fn trend_section(dir: &Path, history: &History, page: &mut Page) -> Result<()> {
    page.section("trend", "Trend across runs");
    let ratio = history.series("admin_ratio");
    let high = history.series("risk_high");
    if history.len() < 2 {
        page.paragraph(&format!(
            "This is the first run recorded in {}: the trend appears from the second nightly run on.",
            history::FILE
        ));
    } else {
        let path = dir.join("charts").join("trend.png");
        charts::at_both_scales(&path, |p| {
            charts::trend(p, "Admin ratio and clinicians at high risk, run by run", &ratio, &high)
        })?;
        let png = std::fs::read(&path).map_err(|e| Error::output(&path, e))?;
        let first = ratio.first().map(|p| format!("{:.2} on {}", p.1, dates::format_day(p.0))).unwrap_or_default();
        let last = ratio.last().map(|p| format!("{:.2} on {}", p.1, dates::format_day(p.0))).unwrap_or_default();
        page.figure(
            &png,
            &format!("Line chart of the admin ratio across {} runs, from {first} to {last}.", history.len()),
            "One point per as-of date in history.csv; re-running a date replaces its point.",
        );
    }
    let rows: Vec<Vec<String>> = ratio
        .iter()
        .map(|(day, r)| {
            let h = high.iter().find(|(d, _)| d == day).map_or("–".to_owned(), |(_, v)| format!("{v:.0}"));
            vec![dates::format_day(*day), format!("{r:.2}"), h]
        })
        .collect();
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["As of", "Admin ratio", "Clinicians at high risk"], &rows);
    page.raw("</details>");
    page.end_section();
    Ok(())
}
