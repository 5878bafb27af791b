//! PNG charts drawn with plotters and the embedded DejaVu Sans (no system fonts, no fontconfig).

use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;
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

pub(crate) fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // Both faces are compiled in; failing to parse them would be a build defect, not bad input.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD);
    });
}

pub(crate) fn chart_error(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::output(path, std::io::Error::other(format!("chart rendering failed: {err}")))
}

pub(crate) fn short_date(day: Day) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, d) = dates::civil_from_days(day);
    format!("{d} {} {}", MONTHS[month as usize - 1], year % 100)
}

/// One week of network totals behind the admin-vs-direct chart.
#[derive(Debug, Clone, Copy)]
pub struct WeekHours {
    pub week: Day,
    pub direct: f64,
    pub admin: f64,
    pub ratio: Option<f64>,
}

/// Weekly admin hours against direct client hours (upper panel) and their ratio (lower panel).
/// Two panels rather than two y axes, so that no line's height is read against the wrong scale.
pub fn admin_vs_direct(path: &Path, title: &str, weeks: &[WeekHours]) -> Result<()> {
    register_fonts();
    let fail = |e: &dyn std::fmt::Display| chart_error(path, e);
    let root = BitMapBackend::new(path, (WIDTH, HEIGHT + 200)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let root =
        root.titled(title, (FAMILY, 28).into_font().style(FontStyle::Bold).color(&BLACK)).map_err(|e| fail(&e))?;
    let (upper, lower) = root.split_vertically(HEIGHT - 90);
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
        .margin(20)
        .margin_bottom(6)
        .x_label_area_size(36)
        .y_label_area_size(92)
        .build_cartesian_2d(x_range.clone(), 0.0..top)
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|h| format!("{h:.0}"))
        .y_desc("Hours per week, all clinicians")
        .label_style((FAMILY, 16))
        .axis_desc_style((FAMILY, 18))
        .draw()
        .map_err(|e| fail(&e))?;
    let series = |pick: fn(&WeekHours) -> f64| {
        weeks.iter().enumerate().map(move |(i, w)| (i as f64, pick(w))).collect::<Vec<_>>()
    };
    for (points, colour, label) in
        [(series(|w| w.direct), DIRECT, "Direct client hours"), (series(|w| w.admin), ADMIN, "Admin hours")]
    {
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(3)))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, colour.filled()))).map_err(|e| fail(&e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FAMILY, 16))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| fail(&e))?;

    let ratios: Vec<(f64, f64)> =
        weeks.iter().enumerate().filter_map(|(i, w)| w.ratio.map(|r| (i as f64, r))).collect();
    let top_ratio = ratios.iter().map(|p| p.1).fold(0.5, f64::max) * 1.25;
    let mut chart = ChartBuilder::on(&lower)
        .margin(20)
        .margin_top(4)
        .x_label_area_size(60)
        .y_label_area_size(92)
        .build_cartesian_2d(x_range, 0.0..top_ratio)
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&week_label)
        .y_labels(5)
        .y_label_formatter(&|r| format!("{r:.2}"))
        .x_desc("Week starting (Monday)")
        .y_desc("Admin h per client h")
        .label_style((FAMILY, 16))
        .axis_desc_style((FAMILY, 18))
        .draw()
        .map_err(|e| fail(&e))?;
    chart.draw_series(LineSeries::new(ratios.clone(), RATIO.stroke_width(2))).map_err(|e| fail(&e))?;
    chart.draw_series(ratios.into_iter().map(|p| Circle::new(p, 3, RATIO.filled()))).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
