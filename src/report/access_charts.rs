//! PNG charts of the access section: backlog, waits, standards, follow-up gaps, capacity gap.

use plotters::prelude::*;
use plotters::style::FontStyle;

use super::charts::{canvas, chart_error, house_mesh, legend, px, short_date, Picture, FAMILY, HEIGHT};
use crate::dates::Day;
use crate::error::Result;
use crate::indicators::access::{Curve, GapHistogram, WeekStandard};

/// Okabe–Ito colours: one meaning each within the access charts.
const REFERRALS: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const STARTS: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const BACKLOG: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const NOW: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const GAP: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// The time-limited part of the gap (backlog clearance): the gap's colour, lighter.
const CLEARANCE: RGBColor = RGBColor(0xF0, 0xB0, 0x80);
const RECLAIM: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const WITHIN: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const OVER: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

fn urgency_colour(urgency: &str) -> RGBColor {
    match urgency {
        "routine" => RGBColor(0x00, 0x72, 0xB2),
        "urgent" => RGBColor(0xE6, 0x9F, 0x00),
        "emergency" => RGBColor(0xD5, 0x5E, 0x00),
        _ => RGBColor(0x33, 0x33, 0x33),
    }
}

/// One window week of network waitlist flow.
#[derive(Debug, Clone, Copy)]
pub struct WeekFlow {
    pub week: Day,
    /// None where small-cell suppression hides the count (advocacy).
    pub referrals: Option<i64>,
    pub first_seen: Option<i64>,
    pub backlog: Option<i64>,
}

/// Runs of consecutive shown points: a hidden count breaks a line instead of being drawn as zero.
fn runs(values: &[Option<i64>]) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => runs.last_mut().into_iter().for_each(|run| run.push((i as f64, *v as f64))),
            None => runs.push(Vec::new()),
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// A hidden weekly count: a small grey cross on the axis, so the gap reads as "not shown", not "none".
const HIDDEN: RGBColor = RGBColor(150, 150, 150);

/// One row of the capacity chart: a clinic (or the network) with its FTE now and, when published,
/// its gap; otherwise the plain reason printed in the row.
#[derive(Debug, Clone)]
pub struct CapacityBar {
    pub label: String,
    pub fte_now: f64,
    /// The extra FTE needed, or why the row shows none ("no gap", "withheld: …").
    pub extra_fte: Result<f64, String>,
    /// The FTE that cutting admin to the target would free, when known.
    pub reclaim_fte: Option<f64>,
    /// The time-limited part of `extra_fte` (backlog clearance), when published.
    pub clearance_fte: Option<f64>,
}

fn title_font() -> TextStyle<'static> {
    (FAMILY, px(28)).into_font().style(FontStyle::Bold).color(&BLACK)
}

/// Week labels at most every `len / 8` weeks, so that dates never collide.
fn week_labeller(weeks: &[Day]) -> impl Fn(&f64) -> String + '_ {
    let every = (weeks.len() / 8).max(1);
    move |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= weeks.len() || !(i as usize).is_multiple_of(every) {
            return String::new();
        }
        short_date(weeks[i as usize])
    }
}

/// Grey crosses on the x axis where a count is hidden, once with a legend entry.
fn mark_hidden<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    values: &[Option<i64>],
    top: f64,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if values.iter().all(Option::is_some) {
        return Ok(());
    }
    let y = top * 0.02;
    chart
        .draw_series(
            values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_none())
                .map(|(i, _)| Cross::new((i as f64, y), px(5), HIDDEN.stroke_width(px(2)))),
        )?
        .label("Not shown, to protect small numbers")
        .legend(|(x, y)| Cross::new((x + 12, y), px(5), HIDDEN.stroke_width(px(2))));
    Ok(())
}

/// Backlog at each Sunday (upper panel) above weekly referrals and first appointments (lower).
pub fn backlog(picture: &mut Picture, title: &str, flows: &[WeekFlow]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT + 160)?;
    let root = root.titled(title, title_font()).map_err(|e| fail(&e))?;
    let (upper, lower) = root.split_vertically(px((HEIGHT + 160) / 2 - 20));
    let weeks: Vec<Day> = flows.iter().map(|f| f.week).collect();
    let labels = week_labeller(&weeks);
    let x_range = -0.5..(flows.len().max(1) as f64 - 0.5);
    let top = flows.iter().filter_map(|f| f.backlog).max().unwrap_or(0).max(1) as f64 * 1.2;
    let mut chart = ChartBuilder::on(&upper)
        .margin(px(20))
        .margin_bottom(px(4))
        .x_label_area_size(px(10))
        .y_label_area_size(px(92))
        .build_cartesian_2d(x_range.clone(), 0.0..top)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_desc("Waiting at Sunday")
        .draw()
        .map_err(|e| fail(&e))?;
    let backlog: Vec<Option<i64>> = flows.iter().map(|f| f.backlog).collect();
    for (k, points) in runs(&backlog).into_iter().enumerate() {
        let series = chart
            .draw_series(AreaSeries::new(points, 0.0, BACKLOG.mix(0.18)).border_style(BACKLOG.stroke_width(px(3))))
            .map_err(|e| fail(&e))?;
        if k == 0 {
            series
                .label("People on the waitlist (backlog)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BACKLOG.stroke_width(px(3))));
        }
    }
    // A point on every shown week: a week whose neighbours are hidden is a run of one, which
    // the area alone would draw as an invisible sliver.
    let shown = backlog.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v as f64)));
    chart.draw_series(shown.map(|p| Circle::new(p, px(5), BACKLOG.filled()))).map_err(|e| fail(&e))?;
    mark_hidden(&mut chart, &backlog, top).map_err(|e| fail(&e))?;
    legend(&mut chart, SeriesLabelPosition::LowerLeft).map_err(|e| fail(&e))?;

    let top = flows.iter().filter_map(|f| f.referrals.max(f.first_seen)).max().unwrap_or(0).max(1) as f64 * 1.3;
    let mut chart = ChartBuilder::on(&lower)
        .margin(px(20))
        .margin_top(px(4))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(x_range, 0.0..top)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(flows.len().max(2))
        .x_label_formatter(&labels)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Week starting (Monday)")
        .y_desc("People per week")
        .draw()
        .map_err(|e| fail(&e))?;
    for (pick, colour, label) in [
        ((|f: &WeekFlow| f.referrals) as fn(&WeekFlow) -> Option<i64>, REFERRALS, "Referrals received"),
        (|f: &WeekFlow| f.first_seen, STARTS, "First appointments"),
    ] {
        let values: Vec<Option<i64>> = flows.iter().map(pick).collect();
        for (k, points) in runs(&values).into_iter().enumerate() {
            let series =
                chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(px(3)))).map_err(|e| fail(&e))?;
            if k == 0 {
                series
                    .label(label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(px(3))));
            }
            chart
                .draw_series(points.into_iter().map(|p| Circle::new(p, px(4), colour.filled())))
                .map_err(|e| fail(&e))?;
        }
    }
    // One cross per week in which either count is hidden.
    let either: Vec<Option<i64>> = flows.iter().map(|f| f.referrals.and(f.first_seen).map(|_| 0)).collect();
    mark_hidden(&mut chart, &either, top).map_err(|e| fail(&e))?;
    if either.iter().filter(|v| v.is_none()).count() * 2 > either.len() {
        // A panel of crosses and stray dots would read as weeks without referrals: say why.
        let note = "Most weeks' counts are too small to show; the capacity table gives weekly averages";
        let style =
            (FAMILY, px(20)).into_font().color(&RGBColor(90, 90, 90)).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        let middle = flows.len().saturating_sub(1) as f64 / 2.0;
        chart.draw_series(std::iter::once(Text::new(note, (middle, top * 0.6), style))).map_err(|e| fail(&e))?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Kaplan–Meier step curves of the share still waiting, by urgency, with each standard marked.
pub fn survival(picture: &mut Picture, title: &str, curves: &[Curve]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let root = root.titled(title, title_font()).map_err(|e| fail(&e))?;
    let shown: Vec<&Curve> = curves.iter().filter(|c| c.last_day > 0 || !c.steps.is_empty()).collect();
    let x_max = shown.iter().map(|c| c.last_day).max().unwrap_or(1).max(1) as f64 * 1.03;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(20))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(0.0..x_max, 0.0..1.05)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .y_labels(6)
        .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Days since referral")
        .y_desc("Still waiting for a first appointment")
        .draw()
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.5), (x_max, 0.5)],
            px(6),
            px(6),
            BLACK.mix(0.45).stroke_width(px(1)),
        ))
        .map_err(|e| fail(&e))?;
    for curve in &shown {
        let colour = urgency_colour(curve.urgency);
        let mut points = vec![(0.0, 1.0)];
        let mut level = 1.0;
        for &(t, s) in &curve.steps {
            points.push((f64::from(t), level));
            points.push((f64::from(t), s));
            level = s;
        }
        points.push((f64::from(curve.last_day), level));
        let width = if curve.urgency == "all" { 2 } else { 3 };
        let label = match curve.standard_days {
            Some(days) => format!("{} (standard {days} d, dashed)", curve.urgency),
            None => "all referrals".to_owned(),
        };
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(width)))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(px(3))));
        if let Some(days) = curve.standard_days {
            let x = f64::from(days);
            chart
                .draw_series(DashedLineSeries::new([(x, 0.0), (x, 1.05)], px(8), px(5), colour.stroke_width(px(2))))
                .map_err(|e| fail(&e))?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Share of each referral week's judged referrals seen within their standard, against the share
/// over the whole year (dashed); there is no configured target share.
pub fn within_standard(
    picture: &mut Picture,
    title: &str,
    weeks: &[WeekStandard],
    year_share: Option<f64>,
) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let root = root.titled(title, title_font()).map_err(|e| fail(&e))?;
    let days: Vec<Day> = weeks.iter().map(|w| w.week).collect();
    let labels = week_labeller(&days);
    let x_range = -0.5..(weeks.len().max(1) as f64 - 0.5);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(20))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(x_range.clone(), 0.0..1.1)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&labels)
        .y_labels(6)
        .y_label_formatter(&|v| if *v <= 1.0 { format!("{:.0} %", v * 100.0) } else { String::new() })
        .x_desc("Week the referral was received (Monday)")
        .y_desc("Seen within standard")
        .draw()
        .map_err(|e| fail(&e))?;
    let points: Vec<(f64, f64)> = weeks
        .iter()
        .enumerate()
        .filter(|(_, w)| w.judged > 0)
        .map(|(i, w)| (i as f64, f64::from(w.within) / f64::from(w.judged)))
        .collect();
    if points.is_empty() {
        // No week can be shown on its own: say so instead of a legend entry for a line that is not there.
        let note = "No single week is shown: each has too few referrals judged (see Methods)";
        let style =
            (FAMILY, px(20)).into_font().color(&RGBColor(90, 90, 90)).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        let middle = (x_range.start + x_range.end) / 2.0;
        chart.draw_series(std::iter::once(Text::new(note, (middle, 0.8), style))).map_err(|e| fail(&e))?;
    } else {
        chart
            .draw_series(LineSeries::new(points.clone(), WITHIN.stroke_width(px(3))))
            .map_err(|e| fail(&e))?
            .label("Share of the week's referrals seen within their standard")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], WITHIN.stroke_width(px(3))));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, px(4), WITHIN.filled()))).map_err(|e| fail(&e))?;
    }
    if let Some(share) = year_share {
        chart
            .draw_series(DashedLineSeries::new(
                [(x_range.start, share), (x_range.end, share)],
                8,
                6,
                BLACK.stroke_width(px(2)),
            ))
            .map_err(|e| fail(&e))?
            .label(format!("Last 12 months: {:.0} %", share * 100.0))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLACK.stroke_width(px(2))));
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Histogram of follow-up gaps in business days; the last bar collects everything longer. A bin
/// the privacy stage hides is marked on the axis instead of drawn.
pub fn followup_gaps(picture: &mut Picture, title: &str, histogram: &GapHistogram) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let root = root.titled(title, title_font()).map_err(|e| fail(&e))?;
    let (limit, last) = (histogram.limit, histogram.last());
    let counts = &histogram.gaps;
    let top = counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(20))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(-0.5..(last as f64 + 0.5), 0.0..top)
        .map_err(|e| fail(&e))?;
    let label_every = ((last + 1) / 12).max(1);
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(last as usize + 1)
        .x_label_formatter(&|x| {
            let i = x.round() as i32;
            if (x - f64::from(i)).abs() > 1e-6 || i % label_every != 0 && i != last {
                String::new()
            } else if i == last {
                format!("{last}+")
            } else {
                i.to_string()
            }
        })
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Business days (Monday–Friday) since the previous attended session")
        .y_desc("Follow-up gaps")
        .draw()
        .map_err(|e| fail(&e))?;
    for (over, colour, label) in [
        (false, WITHIN, "Within the follow-up standard".to_owned()),
        (true, OVER, format!("Longer than {limit} business days")),
    ] {
        chart
            .draw_series(counts.iter().enumerate().filter(|(d, _)| (*d as i32 > limit) == over).filter_map(|(d, n)| {
                let x = d as f64;
                n.map(|n| Rectangle::new([(x - 0.42, 0.0), (x + 0.42, f64::from(n))], colour.filled()))
            }))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], colour.filled()));
    }
    let shown: Vec<Option<i64>> = counts.iter().map(|n| n.map(i64::from)).collect();
    mark_hidden(&mut chart, &shown, top).map_err(|e| fail(&e))?;
    let x = f64::from(limit) + 0.5;
    chart
        .draw_series(DashedLineSeries::new([(x, 0.0), (x, top)], px(8), px(5), BLACK.stroke_width(px(2))))
        .map_err(|e| fail(&e))?;
    legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// One row per clinic (the network first): FTE now, the extra FTE needed after it, and below them a
/// thin bar of the FTE that cutting admin to the target would free; a row without a published gap
/// says why in words. The legend has its own strip above the plot.
pub fn capacity(picture: &mut Picture, title: &str, bars: &[CapacityBar]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let height = (300 + 90 * bars.len() as u32).max(420);
    let root = canvas(picture, height)?;
    let root = root.titled(title, title_font()).map_err(|e| fail(&e))?;
    // The legend has a strip of its own above the plot, so no row of the plot is left empty for it.
    let (legend_area, plot) = root.split_vertically(px(78));
    let series: [(&str, RGBColor); 4] = [
        ("Clinician FTE now (last complete week)", NOW),
        ("Extra FTE needed every week (recurring)", GAP),
        ("FTE freed by cutting admin to the target ratio (thin bar)", RECLAIM),
        ("Extra FTE to clear the backlog (time-limited)", CLEARANCE),
    ];
    for (k, (label, colour)) in series.iter().enumerate() {
        let (x, y) = (px(30) as i32 + (k as i32 % 2) * px(560) as i32, px(8) as i32 + (k as i32 / 2) * px(32) as i32);
        legend_area
            .draw(&Rectangle::new([(x, y + px(4) as i32), (x + px(22) as i32, y + px(20) as i32)], colour.filled()))
            .map_err(|e| fail(&e))?;
        legend_area
            .draw(&Text::new(label.to_string(), (x + px(30) as i32, y), (FAMILY, px(17)).into_font()))
            .map_err(|e| fail(&e))?;
    }
    let reach =
        |b: &CapacityBar| b.fte_now + b.extra_fte.as_ref().copied().unwrap_or(0.0).max(b.reclaim_fte.unwrap_or(0.0));
    let right = bars.iter().map(reach).fold(1.0, f64::max) * 1.3;
    let n = bars.len().max(1) as f64;
    let label_width = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4) as u32 * 10 + 30;
    let mut chart = ChartBuilder::on(&plot)
        .margin(px(20))
        .margin_right(px(40))
        .x_label_area_size(px(60))
        .y_label_area_size(label_width.max(90))
        .build_cartesian_2d(0.0..right, -0.5..n - 0.5)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_y_mesh()
        // One label slot per row, so that every row gets its clinic's name.
        .y_labels(bars.len().max(1) * 2 + 1)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i >= n {
                return String::new();
            }
            // Rows run top to bottom in the order given.
            bars.get((n - 1.0 - i) as usize).map_or_else(String::new, |b| b.label.clone())
        })
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Full-time-equivalent clinicians")
        .draw()
        .map_err(|e| fail(&e))?;
    let row = |i: usize| n - 1.0 - i as f64;
    let font = || (FAMILY, px(16)).into_font();
    for (i, b) in bars.iter().enumerate() {
        let y = row(i);
        let mut shapes: Vec<Rectangle<(f64, f64)>> =
            vec![Rectangle::new([(0.0, y + 0.02), (b.fte_now, y + 0.34)], NOW.filled())];
        let gap_end = match &b.extra_fte {
            Ok(extra) if *extra > 0.0 => {
                let clearance = b.clearance_fte.unwrap_or(0.0).clamp(0.0, *extra);
                let recurring_end = b.fte_now + extra - clearance;
                shapes.push(Rectangle::new([(b.fte_now, y + 0.02), (recurring_end, y + 0.34)], GAP.filled()));
                if clearance > 0.0 {
                    shapes.push(Rectangle::new(
                        [(recurring_end, y + 0.02), (b.fte_now + extra, y + 0.34)],
                        CLEARANCE.filled(),
                    ));
                }
                b.fte_now + extra
            }
            _ => b.fte_now,
        };
        if let Some(reclaim) = b.reclaim_fte.filter(|r| *r > 0.0) {
            shapes.push(Rectangle::new([(b.fte_now, y - 0.2), (b.fte_now + reclaim, y - 0.06)], RECLAIM.filled()));
        }
        chart.draw_series(shapes).map_err(|e| fail(&e))?;
        let text = match &b.extra_fte {
            Ok(extra) if *extra >= 0.05 => format!("+{extra:.1} FTE"),
            Ok(extra) if *extra > 0.0 => "+<0.1 FTE".to_owned(),
            Ok(_) => "no gap".to_owned(),
            Err(reason) => reason.clone(),
        };
        chart
            .draw_series(std::iter::once(Text::new(text, (gap_end + right * 0.01, y + 0.26), font())))
            .map_err(|e| fail(&e))?;
        if let Some(reclaim) = b.reclaim_fte.filter(|r| *r > 0.0) {
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{reclaim:.1} freed"),
                    (b.fte_now + reclaim + right * 0.01, y - 0.05),
                    (FAMILY, px(14)).into_font().color(&RGBColor(90, 90, 90)),
                )))
                .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
