//! The projection part of the access section: `data/projection.csv`, `data/scenarios.csv`, the
//! fan chart `charts/projection.png`, the sentence an advocate quotes, and what earlier nights'
//! projections said against the backlog that came.

use plotters::prelude::*;
use plotters::style::FontStyle;

use super::access_section::Chart;
use super::charts::{canvas, chart_error, house_mesh, legend, px, short_date, Picture, FAMILY, HEIGHT};
use super::html::{escape, Page};
use super::sink::Sink;
use super::{hours, tables, ReportInput};
use crate::dates::{self, Day};
use crate::error::Result;
use crate::indicators::access::Access;
use crate::indicators::projection::{Path as Scenario, Projection, ADMIN_AT_TARGET, AS_NOW, CAPACITY_GAP};
use crate::indicators::ALL_CLINICS;

/// How many weeks back the report looks for a projection to check against what happened.
pub const LOOK_BACK_WEEKS: [i32; 3] = [4, 13, 26];

/// One colour per scenario, in the order they are listed (Okabe–Ito).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
];

fn month_year(day: Day) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (year, month, _) = dates::civil_from_days(day);
    format!("{} {year}", MONTHS[month as usize - 1])
}

/// Writes data/projection.csv, data/scenarios.csv and the fan chart; None when nothing is projected.
pub fn write_files(sink: &Sink, input: &ReportInput, access: &Access) -> Result<Option<Chart>> {
    let projection = &access.projection;
    let ids = input.source.ids;
    for (name, frame) in [("projection", projection.path_frame()?), ("scenarios", projection.scenario_frame()?)] {
        let published = tables::publishable(&frame, ids)?;
        sink.table(name, &published, None)?;
    }
    let network: Vec<&Scenario> = projection.network().collect();
    if network.is_empty() {
        return Ok(None);
    }
    let title = chart_title(&network);
    let png = sink.chart("projection.png", |p| fan(p, &title, &network))?;
    Ok(Some(Chart { file: "projection.png", title, png }))
}

fn chart_title(network: &[&Scenario]) -> String {
    let as_now = network.iter().find(|p| p.scenario == AS_NOW);
    match as_now.and_then(|p| Some((p.bands.first()?, p.bands.last()?))) {
        Some((today, end)) if end.p50 > today.p50 + 0.5 => format!(
            "As now the waitlist grows from {} to about {} by {}",
            hours(today.p50),
            hours(end.p50),
            month_year(end.week)
        ),
        Some((today, end)) if end.p50 < today.p50 - 0.5 => format!(
            "As now the waitlist falls from {} to about {} by {}",
            hours(today.p50),
            hours(end.p50),
            month_year(end.week)
        ),
        Some((_, end)) => format!("As now the waitlist stays at about {} to {}", hours(end.p50), month_year(end.week)),
        None => "The waitlist under each scenario".to_owned(),
    }
}

/// The network's backlog under each scenario: median line, 10–90 % band, the target, today.
fn fan(picture: &mut Picture, title: &str, network: &[&Scenario]) -> Result<()> {
    let path = picture.path().to_owned();
    let fail = |e: &dyn std::fmt::Display| chart_error(&path, e);
    let root = canvas(picture, HEIGHT)?;
    let root =
        root.titled(title, (FAMILY, px(28)).into_font().style(FontStyle::Bold).color(&BLACK)).map_err(|e| fail(&e))?;
    let weeks: Vec<Day> = network[0].bands.iter().map(|b| b.week).collect();
    let target = network[0].target_backlog;
    let top = network.iter().flat_map(|p| p.bands.iter().map(|b| b.p90)).fold(target, f64::max).max(1.0) * 1.15;
    let horizon = weeks.len().saturating_sub(1).max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(20))
        .x_label_area_size(px(60))
        .y_label_area_size(px(92))
        .build_cartesian_2d(-0.5..horizon + 0.5, 0.0..top)
        .map_err(|e| fail(&e))?;
    let every = (weeks.len() / 7).max(1);
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= weeks.len() || !(i as usize).is_multiple_of(every) {
            return String::new();
        }
        short_date(weeks[i as usize])
    };
    house_mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(weeks.len().max(2))
        .x_label_formatter(&label)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("Week starting (Monday); week 0 is the last complete week")
        .y_desc("People waiting")
        .draw()
        .map_err(|e| fail(&e))?;
    for (i, scenario) in network.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        // Bands for as now and the capacity gap only: more overlapping bands blur into grey.
        if i < 2 {
            let mut band: Vec<(f64, f64)> = scenario.bands.iter().enumerate().map(|(t, b)| (t as f64, b.p90)).collect();
            band.extend(scenario.bands.iter().enumerate().rev().map(|(t, b)| (t as f64, b.p10)));
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15).filled()))).map_err(|e| fail(&e))?;
        }
        let median: Vec<(f64, f64)> = scenario.bands.iter().enumerate().map(|(t, b)| (t as f64, b.p50)).collect();
        let name = scenario_label(scenario);
        chart
            .draw_series(LineSeries::new(median, colour.stroke_width(px(3))))
            .map_err(|e| fail(&e))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(px(3))));
    }
    chart
        .draw_series(DashedLineSeries::new(
            [(-0.5, target), (horizon + 0.5, target)],
            px(10),
            px(6),
            BLACK.stroke_width(px(2)),
        ))
        .map_err(|e| fail(&e))?
        .label(format!("Target: {} waiting (the routine standard)", hours(target)))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLACK.stroke_width(px(2))));
    chart
        .draw_series(std::iter::once(Circle::new((0.0, network[0].bands[0].p50), px(7), BLACK.filled())))
        .map_err(|e| fail(&e))?
        .label("Today")
        .legend(|(x, y)| Circle::new((x + 12, y), px(6), BLACK.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperLeft).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

fn scenario_label(s: &Scenario) -> String {
    let extra = if s.extra_fte > 0.0 { format!(", +{:.1} FTE", s.extra_fte) } else { String::new() };
    match s.scenario.as_str() {
        AS_NOW => "As now (median, 10–90 % band)".to_owned(),
        CAPACITY_GAP => format!("Capacity gap closed{extra}"),
        ADMIN_AT_TARGET => "Admin at its target ratio".to_owned(),
        name => format!("{name}{extra}"),
    }
}

fn when(target: Option<Day>, today: Day) -> String {
    match target {
        Some(week) if week <= today => "already".to_owned(),
        Some(week) => month_year(week),
        None => "not within the horizon".to_owned(),
    }
}

/// The sentence an advocate quotes, from the network's rows of scenarios.csv.
pub fn headline(projection: &Projection, horizon_weeks: u32) -> Option<String> {
    let network: Vec<&Scenario> = projection.network().collect();
    let as_now = network.iter().find(|p| p.scenario == AS_NOW)?;
    let gap = network.iter().find(|p| p.scenario == CAPACITY_GAP)?;
    let today = as_now.bands.first()?.week;
    let end = as_now.bands.last()?;
    let target = hours(gap.target_backlog);
    let first = if gap.extra_starts <= 0.0 {
        format!("The waitlist is within reach of its target of {target} people waiting with today's first appointments")
    } else {
        let who = if gap.extra_fte > 0.0 {
            format!("With {:.1} more clinicians (FTE)", gap.extra_fte)
        } else {
            format!("With {:.1} more first appointments a week", gap.extra_starts)
        };
        match gap.target_week {
            [low, Some(mid), high] => format!(
                "{who} the waitlist reaches its target of {target} people waiting around {} (80 % range: {} to {})",
                month_year(mid),
                when(low, today),
                when(high, today)
            ),
            _ => format!("{who} the waitlist does not reach its target of {target} within {horizon_weeks} weeks"),
        }
    };
    let start = as_now.bands.first()?.p50;
    let second = if end.p50 > start + 0.5 {
        format!("as now it grows to about {} by {}", hours(end.p50), month_year(end.week))
    } else if end.p50 < start - 0.5 {
        format!("as now it falls to about {} by {}", hours(end.p50), month_year(end.week))
    } else {
        format!("as now it stays at about {} to {}", hours(end.p50), month_year(end.week))
    };
    Some(format!("{first}; {second}."))
}

/// The projection subsection, inside the access section.
pub fn section(page: &mut Page, input: &ReportInput, access: &Access, chart: Option<&Chart>) {
    let config = input.config;
    let projection = &access.projection;
    page.raw("<h3 id=\"projection\">What more staff or less paperwork would do, and by when</h3>");
    let Some(chart) = chart else {
        page.paragraph("No projection: the network's backlog is not published in this report.");
        return;
    };
    if let Some(sentence) = headline(projection, config.projection.horizon_weeks) {
        page.raw(&format!("<p class=\"headline\">{}</p>", escape(&sentence)));
    }
    page.figure(
        &chart.png,
        "Fan chart: the network's projected backlog week by week under each scenario, with its 10–90 % band, the target backlog as a dashed line and today's backlog as a dot.",
        &format!(
            "{}. Lines: the median of {} simulated runs; shaded: the 10th to 90th percentile as now and with the capacity gap closed.",
            chart.title, config.projection.runs
        ),
    );
    let today = input.window.last_week;
    let rows: Vec<Vec<String>> = projection
        .paths
        .iter()
        .map(|p| {
            let clinic = if p.clinic == ALL_CLINICS {
                "All clinics".to_owned()
            } else {
                input.source.ids.clinics.name(p.clinic).to_owned()
            };
            vec![
                clinic,
                p.scenario.clone(),
                format!("{:.1}", p.extra_fte),
                format!("{:.1}", p.extra_starts),
                p.annual_cost.map_or_else(|| "–".to_owned(), hours),
                when(p.target_week[1], today),
                match (when(p.target_week[0], today), when(p.target_week[2], today)) {
                    (low, high) if low == high => low,
                    (low, high) => format!("{low} – {high}"),
                },
                p.bands.last().map_or_else(|| "–".to_owned(), |b| hours(b.p50)),
                p.wait_at_horizon_weeks.map_or_else(|| "–".to_owned(), |w| format!("{w:.1}")),
                format!("{:.1}", p.relief_capacity),
                p.variability_capacity.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}")),
            ]
        })
        .collect();
    page.table(
        "Scenarios (data/scenarios.csv; the weekly percentiles are in data/projection.csv)",
        &[
            "Clinic",
            "Scenario",
            "Extra FTE",
            "Extra first appts / week",
            "Annual cost",
            "Target reached (median)",
            "Target reached (80 % range)",
            "Waiting at horizon (median)",
            "Wait at horizon (weeks)",
            "Relief capacity / week",
            "Capacity for variable demand / week",
        ],
        &rows,
    );
    let hidden = access.capacity.height()
        > projection.paths.iter().map(|p| p.clinic).collect::<std::collections::BTreeSet<_>>().len();
    if hidden {
        page.paragraph(
            "A clinic whose backlog is not published in this report has no projection of its own; it still counts in the network's.",
        );
    }
    past(page, input, access);
    definition(page, input);
}

/// What projections made 4, 13 and 26 weeks ago said for this week, against the backlog now.
fn past(page: &mut Page, input: &ReportInput, access: &Access) {
    let week = input.window.last_week;
    let weeks = &access.waitlist_weeks;
    let actual = (0..weeks.height()).find(|&r| {
        super::u32_at(weeks, "clinic", r) == ALL_CLINICS
            && weeks.column("week").ok().and_then(|c| c.get(r).ok()).and_then(|v| v.extract::<i32>()) == Some(week)
    });
    let actual = actual.map(|r| input.count("waitlist_weeks", weeks, "backlog", r));
    let rows: Vec<Vec<String>> = LOOK_BACK_WEEKS
        .iter()
        .filter_map(|&k| input.projections.network_made(input.window.as_of, k, week).map(|(made, s)| (k, made, s)))
        .map(|(k, made, s)| {
            vec![
                format!("{} ({k} weeks ago)", dates::format_day(made)),
                hours(s.p50 as f64),
                format!("{} – {}", hours(s.p10 as f64), hours(s.p90 as f64)),
                actual.clone().unwrap_or_else(|| "–".to_owned()),
            ]
        })
        .collect();
    if rows.is_empty() {
        page.paragraph(&format!(
            "Projection against what happened: each night's as-now projection is kept in projections.csv beside the \
             reports; once it holds one made {} weeks ago, this report sets it against the backlog that came.",
            LOOK_BACK_WEEKS[0]
        ));
        return;
    }
    page.table(
        &format!("Projection against what happened: the network's backlog in the week of {}", dates::format_day(week)),
        &["Projection made on", "It said (median)", "Its 80 % range", "Waiting that week"],
        &rows,
    );
}

fn definition(page: &mut Page, input: &ReportInput) {
    let config = input.config;
    let method = if input.config.capacity_window_weeks as usize >= crate::indicators::projection::MIN_BOOTSTRAP_WEEKS {
        format!("each projected week draws one of the last {} complete weeks at random (referrals, first appointments and closures unseen together)", config.capacity_window_weeks)
    } else {
        format!("each projected week draws referrals, first appointments and closures unseen from Poisson distributions at their means over the last {} weeks (too few weeks to resample)", config.capacity_window_weeks)
    };
    page.raw(&format!(
        "<details><summary>Definition</summary><p>{}</p></details>",
        escape(&format!(
            "Week by week over {h} weeks from the last complete week: backlog(t+1) = backlog(t) + referrals − first appointments − closures unseen, never below 0; first appointments are today's plus the scenario's extra ones and never more than the people waiting. {method}. {runs} runs per scenario with seed {seed}; the tables give the 10th, 50th and 90th percentile. Scenarios: as now (no extra); capacity gap (the extra first appointments of the capacity table); admin at target (the admin-reclaim hours / hours per client); your own from [[scenarios]] (extra_fte × {fte} client hours / hours per client, and admin hours above admin_ratio / hours per client). The target is B* of the capacity table; the week it is reached is the first week a run is at or below it. Wait at horizon = median backlog at the horizon / first appointments per week (Little's law). Relief capacity = λ + (B − B*) / {c} (NHSRwaitinglist calc_relief_capacity). Capacity for variable demand = λ + ((cv_d² + cv_c²) / 2) × {f} / ({r} / 7) (Kingman's G/G/1 approximation, as calc_target_capacity codes it), with cv² estimated as the variance / mean of the weekly counts. The model assumes a steady referral rate and today's closure rate; it cannot know about a new service, a recruitment freeze or a change of practice.",
            h = config.projection.horizon_weeks,
            runs = config.projection.runs,
            seed = config.projection.seed,
            fte = config.components.direct_hours_per_fte.green,
            c = config.clearance_weeks,
            f = config.projection.factor,
            r = config.standard_days.routine,
        ))
    ));
}
