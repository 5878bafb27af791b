//! PNG charts drawn with plotters and the embedded DejaVu Sans (no system fonts, no fontconfig).

use image::ImageEncoder;
use plotters::chart::MeshStyle;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::{Path, PathBuf};
use std::sync::Once;

use crate::dates::{self, Day};
use crate::error::{Error, Result};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
pub(crate) const FAMILY: &str = "sans-serif";

/// Okabe–Ito palette, one meaning per colour across every chart.
pub const DIRECT: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ADMIN: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const RATIO: RGBColor = RGBColor(0x33, 0x33, 0x33);

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 620;

thread_local! {
    /// Pixels per design pixel for the chart being drawn on this thread: 1 for the page, 2 for print.
    static SCALE: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// A size in design pixels at the current scale.
pub(crate) fn px(design: u32) -> u32 {
    design * SCALE.with(|s| s.get())
}

/// Resolution of the copies written to `charts/print/` (2 × 1200 px wide: 200 dpi at 6 inches).
pub const PRINT_SCALE: u32 = 2;

/// A chart being drawn: the RGB pixels plotters draws into, and the file it is for (named in
/// errors).
pub struct Picture {
    path: PathBuf,
    size: (u32, u32),
    rgb: Vec<u8>,
}

impl Picture {
    /// The file the chart is for.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Draws a chart at `scale` (1 for the page, `PRINT_SCALE` for print) in memory and returns it
/// encoded as PNG; `path` is the file it is for, named in errors.
pub(crate) fn render(path: &Path, scale: u32, draw: &dyn Fn(&mut Picture) -> Result<()>) -> Result<Vec<u8>> {
    let mut picture = Picture { path: path.to_owned(), size: (0, 0), rgb: Vec::new() };
    SCALE.with(|s| s.set(scale));
    let drawn = draw(&mut picture);
    SCALE.with(|s| s.set(1));
    drawn?;
    let (width, height) = picture.size;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&picture.rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| chart_error(path, e))?;
    Ok(png)
}

pub(crate) fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // Both faces are compiled in; failing to parse them would be a build defect, not bad input.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD);
    });
}

/// A white chart of the house width and `height` (unscaled pixels), with room above the title,
/// which the caption layout does not leave at large font sizes; fonts registered.
pub(crate) fn canvas(
    picture: &mut Picture,
    height: u32,
) -> Result<DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>> {
    register_fonts();
    picture.size = (px(WIDTH), px(height));
    picture.rgb = vec![0; 3 * picture.size.0 as usize * picture.size.1 as usize];
    let root = BitMapBackend::with_buffer(&mut picture.rgb, picture.size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| chart_error(&picture.path, e))?;
    Ok(root.margin(px(8), 0, 0, 0))
}

pub(crate) fn chart_error(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::output(path, std::io::Error::other(format!("chart rendering failed: {err}")))
}

pub(crate) fn short_date(day: Day) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, d) = dates::civil_from_days(day);
    format!("{d} {} {}", MONTHS[month as usize - 1], year % 100)
}

/// The axes in the house style: faint grid, 16 px tick labels, 18 px axis titles.
pub(crate) fn house_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .label_style((FAMILY, px(16)))
        .axis_desc_style((FAMILY, px(18)))
}

/// The legend in the house style: a light box in one corner.
pub(crate) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FAMILY, px(16)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()
}

/// One week of network totals behind the admin-vs-direct chart.
#[derive(Debug, Clone, Copy)]
pub struct WeekHours {
    pub week: Day,
    pub direct: f64,
    pub admin: f64,
    pub ratio: Option<f64>,
    /// The ratio is withheld by small-cell suppression (fewer than min_cell clinicians that week).
    pub ratio_withheld: bool,
}

/// Weekly admin hours against direct client hours (upper panel) and their ratio (lower panel).
/// Two panels rather than two y axes, so that no line's height is read against the wrong scale.
pub fn admin_vs_direct(picture: &mut Picture, title: &str, weeks: &[WeekHours]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT + 200)?;
    let root =
        root.titled(title, (FAMILY, px(28)).into_font().style(FontStyle::Bold).color(&BLACK)).map_err(|e| fail(&e))?;
    let (upper, lower) = root.split_vertically(px(HEIGHT - 90));
    let n = weeks.len().max(1) as f64;
    let x_range = -0.5..n - 0.5;
    let label_every = (weeks.len() / 8).max(1);
    let week_label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= weeks.len() || !(i as usize).is_multiple_of(label_every) {
            return String::new();
        }
        short_date(weeks[i as usize].week)
    };
    let top = weeks.iter().map(|w| w.direct.max(w.admin)).fold(1.0, f64::max) * 1.18;
    let mut chart = ChartBuilder::on(&upper)
        .margin(px(20))
        .margin_bottom(px(6))
        .x_label_area_size(px(36))
        .y_label_area_size(px(92))
        .build_cartesian_2d(x_range.clone(), 0.0..top)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|h| format!("{h:.0}"))
        .y_desc("Hours per week, all clinicians")
        .draw()
        .map_err(|e| fail(&e))?;
    let series = |pick: fn(&WeekHours) -> f64| {
        weeks.iter().enumerate().map(move |(i, w)| (i as f64, pick(w))).collect::<Vec<_>>()
    };
    for (points, colour, label) in
        [(series(|w| w.direct), DIRECT, "Direct client hours"), (series(|w| w.admin), ADMIN, "Admin hours")]
    {
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(px(3))))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(px(3))));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, px(4), colour.filled()))).map_err(|e| fail(&e))?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(|e| fail(&e))?;

    let ratios: Vec<(f64, f64)> =
        weeks.iter().enumerate().filter_map(|(i, w)| w.ratio.map(|r| (i as f64, r))).collect();
    let top_ratio = ratios.iter().map(|p| p.1).fold(0.5, f64::max) * 1.25;
    let mut chart = ChartBuilder::on(&lower)
        .margin(px(20))
        .margin_top(px(4))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(x_range, 0.0..top_ratio)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&week_label)
        .y_labels(5)
        .y_label_formatter(&|r| format!("{r:.2}"))
        .x_desc("Week starting (Monday)")
        .y_desc("Admin h per client h")
        .draw()
        .map_err(|e| fail(&e))?;
    if ratios.is_empty() && weeks.iter().any(|w| w.ratio_withheld) {
        // An empty panel would read as no admin at all: say why it is empty.
        let middle = (weeks.len().saturating_sub(1)) as f64 / 2.0;
        let note = "Admin ratio withheld in every week: too few clinicians worked (see Methods)";
        let style =
            (FAMILY, px(20)).into_font().color(&RGBColor(90, 90, 90)).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        chart.draw_series(std::iter::once(Text::new(note, (middle, top_ratio / 2.0), style))).map_err(|e| fail(&e))?;
    }
    chart.draw_series(LineSeries::new(ratios.clone(), RATIO.stroke_width(px(2)))).map_err(|e| fail(&e))?;
    chart.draw_series(ratios.into_iter().map(|p| Circle::new(p, px(3), RATIO.filled()))).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

pub const LOW: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const MODERATE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const HIGH: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const BAR: RGBColor = RGBColor(0x56, 0xB4, 0xE9);

/// A vertical reference line with its label, e.g. a green or red threshold.
pub struct Marker<'a> {
    pub at: f64,
    pub label: &'a str,
    pub colour: RGBColor,
}

/// Clinicians per bin of one value, with threshold markers.
/// Histogram bars as (first bin, bins spanned, count), neighbouring bins merged from the left until
/// each bar holds at least `min`; a remainder under `min` joins the last bar.
fn merged_bins(counts: &[u32], min: u32) -> Vec<(usize, usize, u32)> {
    let mut bars: Vec<(usize, usize, u32)> = Vec::new();
    let mut open: Option<(usize, u32)> = None;
    let last_filled = counts.iter().rposition(|&c| c > 0).unwrap_or(0);
    for (i, &c) in counts.iter().enumerate() {
        let (start, total) = open.map_or((i, c), |(s, t)| (s, t + c));
        if total >= min {
            bars.push((start, i + 1 - start, total));
            open = None;
        } else if total > 0 {
            open = Some((start, total));
        }
    }
    if let (Some((_, total)), Some(last)) = (open, bars.last_mut()) {
        last.1 = last_filled + 1 - last.0;
        last.2 += total;
    }
    bars
}

/// Histogram of `values` with marker lines. With `min_bin`, neighbouring bins are merged until each
/// bar holds at least that many people (small-cell suppression: no bar counts 1 to min_bin − 1).
pub fn distribution(
    picture: &mut Picture,
    title: &str,
    x_desc: &str,
    values: &[f64],
    markers: &[Marker],
    min_bin: Option<u32>,
) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let lo = values.iter().chain(markers.iter().map(|m| &m.at)).fold(f64::INFINITY, |a, &b| a.min(b)).min(0.0);
    let hi = values.iter().chain(markers.iter().map(|m| &m.at)).fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let hi = if hi.is_finite() && hi > lo { hi * 1.08 } else { lo + 1.0 };
    let bins = 24usize;
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u32; bins];
    for &v in values {
        let bin = (((v - lo) / width) as usize).min(bins - 1);
        counts[bin] += 1;
    }
    let bars = match min_bin {
        None => counts.iter().enumerate().map(|(i, &c)| (i, 1, c)).collect(),
        Some(min) => merged_bins(&counts, min),
    };
    let top = bars.iter().map(|b| b.2).max().unwrap_or(0).max(1) as f64 * 1.25 + 0.5;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, px(26)).into_font().style(FontStyle::Bold))
        .margin(px(24))
        .x_label_area_size(px(60))
        .y_label_area_size(px(80))
        .build_cartesian_2d(lo..hi, 0.0..top)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        // Counts of clinicians: whole numbers only, so small axes do not repeat a label.
        .y_label_formatter(&|c| if (c - c.round()).abs() < 1e-9 { format!("{c:.0}") } else { String::new() })
        .x_label_formatter(&|x| if hi - lo < 5.0 { format!("{x:.1}") } else { format!("{x:.0}") })
        .x_desc(x_desc)
        .y_desc("Clinicians")
        .draw()
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(bars.iter().filter(|b| b.2 > 0).map(|&(i, span, c)| {
            let (x0, x1) = (lo + i as f64 * width, lo + (i + span) as f64 * width);
            Rectangle::new([(x0 + width * 0.06, 0.0), (x1 - width * 0.06, c as f64)], BAR.filled())
        }))
        .map_err(|e| fail(&e))?;
    for marker in markers {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(marker.at, 0.0), (marker.at, top * 0.86)],
                8,
                5,
                marker.colour.stroke_width(px(3)),
            ))
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(std::iter::once(Text::new(
                marker.label.to_owned(),
                (marker.at, top * 0.97),
                (FAMILY, px(16)).into_font().color(&marker.colour).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Top,
                )),
            )))
            .map_err(|e| fail(&e))?;
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// One week of the tier chart: clinicians per tier and in all, None where suppression hides them.
#[derive(Debug, Clone)]
pub struct TierWeek {
    pub week: Day,
    pub tiers: [Option<i64>; 3],
    pub clinicians: Option<i64>,
}

impl TierWeek {
    /// Whether the week has a bar to draw: shown tier counts, or a shown total over hidden tiers.
    pub fn draws_anything(&self) -> bool {
        self.tiers.iter().flatten().sum::<i64>() + self.hidden() > 0
    }

    /// Clinicians in hidden tiers, drawn as one grey block: what the shown total leaves over.
    fn hidden(&self) -> i64 {
        let shown: i64 = self.tiers.iter().flatten().sum();
        self.clinicians.map_or(0, |total| (total - shown).max(0))
    }
}

/// Colour of a block standing for suppressed counts.
const SUPPRESSED: RGBColor = RGBColor(170, 170, 170);

/// Clinicians in each risk tier per week, stacked (low at the bottom); tiers hidden by small-cell
/// suppression are drawn together as one grey block above the shown ones.
pub fn tiers_per_week(picture: &mut Picture, title: &str, weeks: &[TierWeek], min_group: u32) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let n = weeks.len().max(1) as f64;
    let top = weeks
        .iter()
        .map(|w| w.tiers.iter().flatten().sum::<i64>() + w.hidden())
        .max()
        .unwrap_or(1)
        .max(1) as f64
        // Headroom for the legend, which has a fourth entry when tiers are hidden.
        * if weeks.iter().any(|w| w.hidden() > 0) { 1.5 } else { 1.2 };
    let label_every = (weeks.len() / 8).max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, px(26)).into_font().style(FontStyle::Bold))
        .margin(px(24))
        .x_label_area_size(px(60))
        .y_label_area_size(px(80))
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= weeks.len() || !(i as usize).is_multiple_of(label_every)
            {
                return String::new();
            }
            short_date(weeks[i as usize].week)
        })
        .y_label_formatter(&|c| format!("{c:.0}"))
        .x_desc("Week starting (Monday)")
        .y_desc("Clinicians who worked that week")
        .draw()
        .map_err(|e| fail(&e))?;
    for (tier, (colour, label)) in [(LOW, "Low"), (MODERATE, "Moderate"), (HIGH, "High")].into_iter().enumerate() {
        // A tier hidden in every week gets no legend entry for a colour the chart never shows.
        if weeks.iter().all(|w| w.tiers[tier].is_none()) && weeks.iter().any(|w| w.hidden() > 0) {
            continue;
        }
        chart
            .draw_series(weeks.iter().enumerate().filter_map(|(i, w)| {
                let below: i64 = w.tiers[..tier].iter().flatten().sum();
                let count = w.tiers[tier]?;
                let x = i as f64;
                Some(Rectangle::new([(x - 0.4, below as f64), (x + 0.4, (below + count) as f64)], colour.filled()))
            }))
            .map_err(|e| fail(&e))?
            .label(format!("{label} risk"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 16, y + 7)], colour.filled()));
    }
    if weeks.iter().any(|w| w.hidden() > 0) {
        chart
            .draw_series(weeks.iter().enumerate().filter(|(_, w)| w.hidden() > 0).map(|(i, w)| {
                let below: i64 = w.tiers.iter().flatten().sum();
                let x = i as f64;
                Rectangle::new([(x - 0.4, below as f64), (x + 0.4, (below + w.hidden()) as f64)], SUPPRESSED.filled())
            }))
            .map_err(|e| fail(&e))?
            .label(format!("Tiers withheld (fewer than {min_group} clinicians that week)"))
            .legend(|(x, y)| Rectangle::new([(x, y - 7), (x + 16, y + 7)], SUPPRESSED.filled()));
    }
    // A week whose total is hidden too has no bar: a grey cross on the axis says it is not empty.
    let unknown: Vec<usize> = (0..weeks.len()).filter(|&i| weeks[i].clinicians.is_none()).collect();
    if !unknown.is_empty() {
        chart
            .draw_series(
                unknown.iter().map(|&i| Cross::new((i as f64, top * 0.02), px(5), SUPPRESSED.stroke_width(px(2)))),
            )
            .map_err(|e| fail(&e))?
            .label("Week not shown (its total is suppressed)")
            .legend(|(x, y)| Cross::new((x + 8, y), px(5), SUPPRESSED.stroke_width(px(2))));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Horizontal bars: one value per labelled item, on a fixed 0..max scale.
pub fn bars(picture: &mut Picture, title: &str, x_desc: &str, items: &[(String, f64)], max: f64) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let height = 140 + 46 * items.len().max(1) as u32;
    let root = canvas(picture, height)?;
    let n = items.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, px(26)).into_font().style(FontStyle::Bold))
        .margin(px(24))
        .x_label_area_size(px(56))
        .y_label_area_size(px(300))
        .build_cartesian_2d(0.0..max, -0.5..n - 0.5)
        .map_err(|e| fail(&e))?;
    house_mesh(&mut chart.configure_mesh())
        .disable_y_mesh()
        .y_labels(items.len().max(2))
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= items.len() {
                return String::new();
            }
            items[items.len() - 1 - i as usize].0.clone()
        })
        .x_label_formatter(&|x| format!("{x:.1}"))
        .x_desc(x_desc)
        .draw()
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(items.iter().enumerate().map(|(i, (_, v))| {
            let y = (items.len() - 1 - i) as f64;
            Rectangle::new([(0.0, y - 0.32), (*v, y + 0.32)], ADMIN.filled())
        }))
        .map_err(|e| fail(&e))?;
    chart
        .draw_series(items.iter().enumerate().map(|(i, (_, v))| {
            let y = (items.len() - 1 - i) as f64;
            Text::new(format!("{v:.2}"), (*v + max * 0.01, y + 0.15), (FAMILY, px(15)).into_font())
        }))
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Rows of cells coloured by value (white → vermillion), one row per labelled item.
pub fn heat_map(
    picture: &mut Picture,
    title: &str,
    columns: &[Day],
    rows: &[(String, Vec<Option<f64>>)],
    max: f64,
) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let height = 170 + 18 * rows.len().max(1) as u32;
    let root = canvas(picture, height)?;
    let nx = columns.len().max(1) as f64;
    let ny = rows.len().max(1) as f64;
    let label_every = (columns.len() / 8).max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, px(24)).into_font().style(FontStyle::Bold))
        .margin(px(20))
        .x_label_area_size(px(56))
        .y_label_area_size(px(110))
        .build_cartesian_2d(-0.5..nx - 0.5, -0.5..ny - 0.5)
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(columns.len().max(2))
        .y_labels(rows.len().max(2))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 1e-6
                || i < 0.0
                || i as usize >= columns.len()
                || !(i as usize).is_multiple_of(label_every)
            {
                return String::new();
            }
            short_date(columns[i as usize])
        })
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= rows.len() {
                return String::new();
            }
            rows[rows.len() - 1 - i as usize].0.clone()
        })
        .x_desc("Week starting (Monday); grey = no work recorded")
        .label_style((FAMILY, px(12)))
        .axis_desc_style((FAMILY, px(16)))
        .draw()
        .map_err(|e| fail(&e))?;
    let colour = |v: f64| {
        let t = (v / max).clamp(0.0, 1.0);
        let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        RGBColor(mix(0xFF, 0xD5), mix(0xF5, 0x5E), mix(0xE6, 0x00))
    };
    chart
        .draw_series(rows.iter().enumerate().flat_map(|(r, (_, cells))| {
            let y = (rows.len() - 1 - r) as f64;
            cells.iter().enumerate().map(move |(c, v)| {
                let fill = v.map_or(RGBColor(0xE0, 0xE0, 0xE0), colour);
                Rectangle::new([(c as f64 - 0.48, y - 0.45), (c as f64 + 0.48, y + 0.45)], fill.filled())
            })
        }))
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

/// Headline figures across runs: the admin ratio (upper panel) and clinicians at high risk (lower).
pub fn trend(picture: &mut Picture, title: &str, ratio: &[(Day, f64)], high: &[(Day, f64)]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let root = root.titled(title, (FAMILY, px(26)).into_font().style(FontStyle::Bold)).map_err(|e| fail(&e))?;
    let (upper, lower) = root.split_vertically(px(HEIGHT / 2 - 20));
    let days = ratio.iter().chain(high).map(|p| p.0);
    let (first, last) = (days.clone().min().unwrap_or(0), days.max().unwrap_or(1));
    let pad = ((last - first) / 20).max(1);
    for (area, points, colour, desc, bottom) in
        [(upper, ratio, RATIO, "Admin h per client h", false), (lower, high, HIGH, "Clinicians at high risk", true)]
    {
        let top = points.iter().map(|p| p.1).fold(0.5, f64::max) * 1.25;
        let mut chart = ChartBuilder::on(&area)
            .margin(px(16))
            .x_label_area_size(if bottom { 56 } else { 10 })
            .y_label_area_size(px(92))
            .build_cartesian_2d(first - pad..last + pad, 0.0..top)
            .map_err(|e| fail(&e))?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(6)
            .x_label_formatter(&|d| if bottom { short_date(*d) } else { String::new() })
            .y_labels(5)
            .y_label_formatter(&|v| if top < 5.0 { format!("{v:.2}") } else { format!("{v:.0}") })
            .y_desc(desc)
            .x_desc(if bottom { "Week" } else { "" })
            .draw()
            .map_err(|e| fail(&e))?;
        chart.draw_series(LineSeries::new(points.to_vec(), colour.stroke_width(px(3)))).map_err(|e| fail(&e))?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, px(5), colour.filled()))).map_err(|e| fail(&e))?;
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::merged_bins;

    #[test]
    fn merged_histogram_bars_never_count_one_to_ten_people() {
        let counts = [0, 3, 5, 0, 4, 12, 1, 0, 2, 0];
        let bars = merged_bins(&counts, 11);
        // 3 + 5 + 0 + 4 = 12 across bins 1–4; 12 in bin 5; the last 1 + 0 + 2 join it (bins 5–8).
        assert_eq!(bars, [(1, 4, 12), (5, 4, 15)]);
        assert_eq!(bars.iter().map(|b| b.2).sum::<u32>(), counts.iter().sum::<u32>());
        assert!(bars.iter().all(|b| b.2 == 0 || b.2 >= 11));
        // Without small counts nothing changes shape beyond leading and trailing empties.
        assert_eq!(merged_bins(&[0, 11, 20], 11), [(1, 1, 11), (2, 1, 20)]);
    }
}
