//! The burnout-risk part of the page: headline sentences, the four risk charts (and the hours
//! heat map for the internal audience), components left out, and the per-clinician table.

use polars::prelude::*;
use rayon::prelude::*;

use super::cells::WITHHELD;
use super::charts::{self, Marker};
use super::html::{escape, Page};
use super::sink::Sink;
use super::{capitalise, ReportInput};
use crate::error::Result;
use crate::indicators::ALL_CLINICS;
use crate::privacy::Audience;

use crate::indicators::burnout::SESSION_MINUTES;

use crate::indicators::burnout::float_values as floats;

fn texts(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    frame
        .column(column)
        .ok()
        .and_then(|c| c.str().ok().map(|ca| ca.iter().map(|v| v.map(str::to_owned)).collect()))
        .unwrap_or_default()
}

fn codes(frame: &DataFrame, column: &str) -> Vec<u32> {
    frame.column(column).ok().and_then(|c| c.u32().ok().map(|ca| ca.iter().flatten().collect())).unwrap_or_default()
}

type Render = Box<dyn Fn(&mut charts::Picture) -> Result<()> + Send + Sync>;

/// The numbers behind a chart, shown in a collapsed table beneath it.
type ChartData = (Vec<&'static str>, Vec<Vec<String>>);

struct Chart {
    file: &'static str,
    alt: String,
    caption: String,
    render: Render,
    data: Option<ChartData>,
}

pub fn write(sink: &Sink, input: &ReportInput, audience: Audience, page: &mut Page) -> Result<()> {
    let config = input.config;
    let head = input.burnout;
    page.section("burnout", "Burnout risk from workload");
    page.raw(&format!(
        "<p class=\"note\">A transparent workload risk signal, not a diagnosis: nine workload components are each \
         scored from 0 (at or better than the green value) to 1 (at or beyond the red value) over the last {} complete \
         weeks, and averaged with their weights into a score of 0–100. Tiers: low below {}, moderate from {}, high from {}. \
         Sustained means high in at least {} of the last {} weeks.</p>",
        config.risk_window_weeks,
        config.tiers.moderate,
        config.tiers.moderate,
        config.tiers.high,
        config.tiers.sustained_weeks,
        config.tiers.sustained_of
    ));
    let mut sentences = Vec::new();
    // The same figures as summary.json and the key-figure card, as the privacy stage published them.
    match head.tiers {
        _ if head.scored == 0 => {}
        None => sentences.push(format!(
            "{} clinicians were scored on their workload of the last {} weeks. How many are at high risk is withheld: \
             a group needs at least {} clinicians before figures about its clinicians are published, so that no one \
             can be picked out.",
            head.scored, config.risk_window_weeks, config.min_group_clinicians
        )),
        Some(tiers) => sentences.push(format!(
            "{} of {} clinicians ({:.0} %) are at high risk on their workload of the last {} weeks; {} of them have been \
             high in at least {} of the last {} weeks.",
            tiers.high,
            head.scored,
            100.0 * tiers.high as f64 / head.scored as f64,
            config.risk_window_weeks,
            tiers.sustained,
            config.tiers.sustained_weeks,
            config.tiers.sustained_of
        )),
    }
    if let Some(after) = head.after_hours_per_clinician_week {
        sentences.push(format!("Each clinician works {after:.1} hours a week after hours on average."));
    }
    if let Some(sessions) = head.sessions_lost_per_month {
        sentences.push(format!(
            "Admin time beyond {:.1} hours per client hour costs the equivalent of {:.0} {}-minute client sessions a month.",
            config.components.admin_ratio.green, sessions, SESSION_MINUTES
        ));
    }
    for sentence in &sentences {
        page.raw(&format!("<p class=\"lead\">{}</p>", escape(sentence)));
    }
    for (name, reason) in input.burnout_missing {
        page.raw(&format!(
            "<p class=\"note warn\">{}: not available ({}), left out of every score.</p>",
            escape(name),
            escape(reason)
        ));
    }

    let ramps = config.components.ramps();
    let mut charts_to_draw: Vec<Chart> = Vec::new();

    // Clinicians per tier per week, network rows of clinic_weeks.
    let cw = input.clinic_weeks;
    let clinic = codes(cw, "clinic");
    let weeks_col: Vec<i32> =
        cw.column("week").ok().and_then(|c| c.i32().ok().map(|ca| ca.iter().flatten().collect())).unwrap_or_default();
    // Suppressed cells are null in the advocacy frame; their published text stands in for them.
    let [low, moderate, high, all] = ["risk_low", "risk_moderate", "risk_high", "clinicians"].map(|c| floats(cw, c));
    let network_rows: Vec<usize> = (0..clinic.len()).filter(|&r| clinic[r] == ALL_CLINICS).collect();
    let tier_weeks: Vec<charts::TierWeek> = network_rows
        .iter()
        .map(|&r| {
            let n = |v: &Vec<Option<f64>>| v.get(r).copied().flatten().map(|x| x as i64);
            charts::TierWeek { week: weeks_col[r], tiers: [n(&low), n(&moderate), n(&high)], clinicians: n(&all) }
        })
        .collect();
    let text =
        |row: Option<&usize>, column: &str| row.map_or("0".to_owned(), |&r| input.count("clinic_weeks", cw, column, r));
    let last = network_rows.last();
    let last_high = text(last, "risk_high");
    let tier_title = if last_high.parse::<i64>().is_err() {
        "Clinicians by risk tier, week by week".to_owned()
    } else {
        format!("{last_high} clinicians at high risk in the last week")
    };
    let tier_rows = tier_weeks.clone();
    let min_group = input.config.min_group_clinicians;
    let withheld_weeks = tier_weeks.iter().any(|w| w.tiers.iter().any(Option::is_none));
    let suppressed_note = if withheld_weeks {
        format!(
            " Grey: tiers withheld in weeks when fewer than {min_group} clinicians worked, so that no one can be \
             picked out; the table gives \"withheld\" for them."
        )
    } else {
        String::new()
    };
    // A chart of hidden weeks only would be an empty frame: say why instead.
    let drawable = tier_weeks.iter().any(|w| w.tiers.iter().all(Option::is_some) && w.draws_anything());
    if !drawable {
        page.raw(&format!(
            "<p class=\"note\">Clinicians by risk tier, week by week: withheld. Fewer than {min_group} clinicians \
             worked in every week, and a group needs at least that many before figures about its clinicians are \
             published.</p>"
        ));
    }
    charts_to_draw.extend(drawable.then(|| {
        Chart {
            file: "risk_tiers.png",
            alt: format!(
                "Stacked bars of clinicians by risk tier per week; in the last week {} low, {} moderate, {} high.",
                text(last, "risk_low"),
                text(last, "risk_moderate"),
                last_high
            ),
            caption: format!("Each week's tier is scored on the risk window ending that week.{suppressed_note}"),
            render: Box::new(move |path| charts::tiers_per_week(path, &tier_title, &tier_rows, min_group)),
            data: Some((
                vec!["Week starting", "Low", "Moderate", "High"],
                network_rows
                    .iter()
                    .map(|&r| {
                        vec![
                            crate::dates::format_day(weeks_col[r]),
                            input.count("clinic_weeks", cw, "risk_low", r),
                            input.count("clinic_weeks", cw, "risk_moderate", r),
                            input.count("clinic_weeks", cw, "risk_high", r),
                        ]
                    })
                    .collect(),
            )),
        }
    }));

    // Mean strain per component among scored clinicians, as published, beside its mean value in
    // its own unit and the green and red values between which the strain rises from 0 to 1.
    let component_ramps: Vec<(&str, crate::config::Ramp)> =
        crate::config::Components::NAMES.into_iter().zip(config.components.ramps()).collect();
    let mut published_drivers: Vec<crate::indicators::burnout::Driver> =
        head.drivers.iter().flatten().copied().collect();
    published_drivers.sort_by(|a, b| b.strain.total_cmp(&a.strain).then(a.name.cmp(b.name)));
    let drivers: Vec<(String, f64)> = published_drivers.iter().map(|d| (display(d.name), d.strain)).collect();
    let driver_title = drivers
        .first()
        .map_or("Burnout components".to_owned(), |d| format!("{} contributes most to the score", capitalise(&d.0)));
    let driver_alt = drivers.iter().map(|(n, v)| format!("{n} {v:.2}")).collect::<Vec<_>>().join(", ");
    let driver_rows = drivers.clone();
    let withheld_note = |what: &str| {
        format!(
            "{what}: withheld in this report, because fewer than {} clinicians were scored (see Methods).",
            config.min_group_clinicians
        )
    };
    if head.drivers.is_none() && head.scored > 0 {
        page.paragraph(&withheld_note("Burnout components (mean strain per component)"));
    } else {
        let rows: Vec<Vec<String>> = published_drivers
            .iter()
            .map(|d| {
                let ramp = component_ramps.iter().find(|(n, _)| *n == d.name).map(|(_, r)| *r);
                let (unit, show): (&str, fn(f64) -> String) = component_unit(d.name);
                vec![
                    display(d.name),
                    format!("{} {unit}", show(d.value)),
                    ramp.map_or_else(String::new, |r| show(r.green)),
                    ramp.map_or_else(String::new, |r| show(r.red)),
                    format!("{:.2}", d.strain),
                ]
            })
            .collect();
        charts_to_draw.push(Chart {
            file: "risk_drivers.png",
            alt: format!("Bars of mean strain per component: {driver_alt}."),
            caption:
                "Mean strain (0 = at the green value or better, 1 = at the red value or worse) per component over the \
                      clinicians scored: how much each contributes to the score on average, not what causes burnout."
                    .into(),
            render: Box::new(move |path| {
                charts::bars(path, &driver_title, "Mean strain across clinicians (0–1)", &driver_rows, 1.0)
            }),
            data: Some((vec!["Component", "Mean value", "Green", "Red", "Mean strain"], rows)),
        });
    }

    for (file, name, x_desc, ramp_index, published) in [
        (
            "admin_ratio_distribution.png",
            "admin_ratio",
            "Admin hours per direct client hour",
            2usize,
            &head.admin_ratio,
        ),
        (
            "caseload_per_fte.png",
            "caseload_per_fte",
            "Active caseload (distinct clients in 90 days) per FTE",
            1usize,
            &head.caseload_per_fte,
        ),
    ] {
        let x_desc = format!("{x_desc}, last {} weeks", config.risk_window_weeks);
        // A histogram over fewer than min_group_clinicians clinicians is withheld.
        let Some(spread) = published.clone() else {
            page.paragraph(&withheld_note(&format!("The distribution of {}", display(name))));
            continue;
        };
        if spread.is_empty() {
            continue;
        }
        let ramp = ramps[ramp_index];
        // Within a group large enough to show, counts of clinicians are not small cells.
        let [n_text, below_text, between_text, over_text] =
            [spread.len(), spread.at_or_below_green, spread.between, spread.above_red].map(|n| n.to_string());
        let median_text = spread.median.map_or_else(|| "–".to_owned(), |m| format!("{m:.2}"));
        let values = spread.values;
        let data = (
            vec!["Clinicians", "At or below green", "Between green and red", "Above red", "Median"],
            vec![vec![n_text.clone(), below_text, between_text, over_text.clone(), median_text]],
        );
        let over_words = over_text.clone();
        let title = match name {
            "admin_ratio" => {
                format!("{over_words} of {n_text} clinicians spend more than {} h on admin per client hour", ramp.red)
            }
            _ => format!("{over_words} of {n_text} clinicians carry more than {} active clients per FTE", ramp.red),
        };
        let green = format!("green {}", ramp.green);
        let red = format!("red {}", ramp.red);
        // Within a group large enough to show, counts of clinicians are not small cells: every bar
        // is drawn as it is.
        let min_bin: Option<u32> = None;
        charts_to_draw.push(Chart {
            file,
            alt: format!(
                "Histogram of {} across {} clinicians; {} above the red value {}.",
                name.replace('_', " "),
                n_text,
                over_text,
                ramp.red
            ),
            caption: format!(
                "Clinicians by {} over the last {} weeks, with the green and red values of the risk score.{}",
                display(name),
                config.risk_window_weeks,
                min_bin.map_or_else(String::new, |m| format!(
                    " Neighbouring ranges are merged until each bar holds at least {m} clinicians."
                ))
            ),
            render: Box::new(move |path| {
                charts::distribution(
                    path,
                    &title,
                    &x_desc,
                    &values,
                    &[
                        Marker { at: ramp.green, label: &green, colour: charts::LOW },
                        Marker { at: ramp.red, label: &red, colour: charts::HIGH },
                    ],
                    min_bin,
                )
            }),
            data: Some(data),
        });
    }

    if audience == Audience::Internal {
        if let Some(chart) = heat_map_chart(input) {
            charts_to_draw.push(chart);
        }
    }

    let rendered: Vec<Result<Vec<u8>>> =
        charts_to_draw.par_iter().map(|chart| sink.chart(chart.file, |p| (chart.render)(p))).collect();
    for (chart, png) in charts_to_draw.iter().zip(rendered) {
        let png = png?;
        page.figure(&png, &chart.alt, &chart.caption);
        if let Some((header, rows)) = &chart.data {
            if chart.file == "risk_drivers.png" {
                // Each component in its own unit is part of the case, not a footnote: shown open.
                page.table(
                    "Each component over the clinicians scored: its mean value in its own unit, the green and red values between which its strain rises from 0 to 1, and its mean strain",
                    header,
                    rows,
                );
            } else {
                page.raw("<details><summary>The numbers behind this chart</summary>");
                page.table("", header, rows);
                page.raw("</details>");
            }
        }
    }

    survey_check(input, page)?;
    if audience == Audience::Internal {
        clinician_table(input, page);
    } else {
        page.paragraph("Per-clinician scores are shown only in the internal report (--audience internal).");
    }
    page.end_section();
    Ok(())
}

/// A component's name as the page prints it.
fn display(name: &str) -> String {
    name.replace('_', " ").replace(" fte", " FTE")
}

use crate::privacy::staff::SurveyGroup;

fn survey_check(input: &ReportInput, page: &mut Page) -> Result<()> {
    use crate::indicators::wellbeing::{ANSWER_MAX_AGE_DAYS, MIN_MATCHED};
    page.raw("<h3>Does the score match what clinicians say?</h3>");
    let Some(check) = input.survey else {
        page.paragraph(
            "Not available (no wellbeing.csv): the workload score has not been checked against clinicians' own answers.",
        );
        return Ok(());
    };
    let [burnout_n, no_burnout_n] = [&check.burnout, &check.no_burnout].map(|g| g.n.to_string());
    let matched = check.matched;
    // A survey group's mean and share are published only for a group large enough to show.
    let pct = |g: &SurveyGroup, v: Option<f64>| {
        if g.withheld {
            return WITHHELD.to_owned();
        }
        v.map_or("–".to_owned(), |v| format!("{:.0} %", v * 100.0))
    };
    let mean = |g: &SurveyGroup, v: Option<f64>| {
        if g.withheld {
            return WITHHELD.to_owned();
        }
        v.map_or("–".to_owned(), |v| format!("{v:.0}"))
    };
    if !check.enough {
        page.paragraph(&format!(
            "Only {} clinicians answered the Mini-Z burnout item in the {ANSWER_MAX_AGE_DAYS} days to the as-of date and have a score: too few (at least {MIN_MATCHED} are needed) to conclude anything about how well the score matches.",
            matched
        ));
    } else if check.burnout.withheld || check.no_burnout.withheld {
        page.paragraph(&format!(
            "{matched} clinicians answered the Mini-Z burnout item in the last {ANSWER_MAX_AGE_DAYS} days. One of the two \
             survey groups has fewer than {} people, so its figures are withheld in this report. Rank correlation \
             between score and answer: {}.",
            input.config.min_group_clinicians,
            check.spearman.map_or("not defined".to_owned(), |r| format!("{r:.2}"))
        ));
    } else {
        page.paragraph(&format!(
            "Of {} clinicians who answered the Mini-Z burnout item in the last {ANSWER_MAX_AGE_DAYS} days, the {} reporting burnout (answer 3 or more) have a mean workload score of {} against {} for the {} who do not; {} of them are in the high tier against {}. Rank correlation between score and answer: {}.",
            matched,
            burnout_n,
            mean(&check.burnout, check.burnout.mean_score),
            mean(&check.no_burnout, check.no_burnout.mean_score),
            no_burnout_n,
            pct(&check.burnout, check.burnout.high_share),
            pct(&check.no_burnout, check.no_burnout.high_share),
            check.spearman.map_or("not defined".to_owned(), |r| format!("{r:.2}"))
        ));
    }
    page.table(
        "Latest answer per clinician against the current score",
        &["Survey group", "Clinicians", "Mean score", "Share in high tier"],
        &[
            vec![
                "Reports burnout (Mini-Z ≥ 3)".into(),
                burnout_n.clone(),
                mean(&check.burnout, check.burnout.mean_score),
                pct(&check.burnout, check.burnout.high_share),
            ],
            vec![
                "No burnout (Mini-Z 1–2)".into(),
                no_burnout_n.clone(),
                mean(&check.no_burnout, check.no_burnout.mean_score),
                pct(&check.no_burnout, check.no_burnout.high_share),
            ],
        ],
    );
    Ok(())
}

fn heat_map_chart(input: &ReportInput) -> Option<Chart> {
    let cw = &input.internal?.clinician_weeks;
    let ids = input.source.ids;
    let clinicians = codes(cw, "clinician");
    let weeks: Vec<i32> = cw.column("week").ok()?.i32().ok()?.iter().flatten().collect();
    let hours: Vec<f64> = ["direct_hours", "admin_hours", "supervision_hours", "training_hours"]
        .iter()
        .map(|c| floats(cw, c))
        .fold(vec![0.0; cw.height()], |acc, col| acc.iter().zip(col).map(|(a, v)| a + v.unwrap_or(0.0)).collect());
    let columns: Vec<i32> = input.window.weeks().collect();
    let mut rows: Vec<(String, Vec<Option<f64>>)> = Vec::new();
    for r in 0..cw.height() {
        let name = ids.clinicians.name(clinicians[r]).to_owned();
        if rows.last().map(|(n, _)| n != &name).unwrap_or(true) {
            rows.push((name, vec![None; columns.len()]));
        }
        if let (Some(row), Some(c)) = (rows.last_mut(), columns.iter().position(|&w| w == weeks[r])) {
            row.1[c] = Some(hours[r]);
        }
    }
    let max = 50.0;
    let n = rows.len();
    Some(Chart {
        file: "hours_heat_map.png",
        alt: format!("Heat map of weekly hours worked (client, admin, supervision, training) for {n} clinicians."),
        caption: "Hours worked per clinician and week; darker is more (scale to 50 hours), grey is a week off.".into(),
        render: Box::new(move |path| charts::heat_map(path, "Weekly hours worked per clinician", &columns, &rows, max)),
        data: None,
    })
}

fn clinician_table(input: &ReportInput, page: &mut Page) {
    let Some(workload) = input.internal else { return };
    let risk = &workload.burnout.risk;
    let ids = input.source.ids;
    let clinicians = codes(risk, "clinician");
    let clinics = codes(risk, "clinic");
    let scores = floats(risk, "score");
    let tiers = texts(risk, "tier");
    let top1 = texts(risk, "top_component_1");
    let top2 = texts(risk, "top_component_2");
    let sustained: Vec<Option<bool>> =
        risk.column("sustained").ok().and_then(|c| c.bool().ok().map(|b| b.iter().collect())).unwrap_or_default();
    let mut order: Vec<usize> = (0..risk.height()).collect();
    order.sort_by(|&a, &b| scores[b].unwrap_or(0.0).total_cmp(&scores[a].unwrap_or(0.0)).then(a.cmp(&b)));
    let rows: Vec<Vec<String>> = order
        .into_iter()
        .map(|r| {
            vec![
                ids.clinicians.name(clinicians[r]).to_owned(),
                ids.clinics.name(clinics[r]).to_owned(),
                scores[r].map_or("–".into(), |s| format!("{s:.0}")),
                tiers[r].clone().unwrap_or_default(),
                if sustained.get(r).copied().flatten() == Some(true) { "yes".into() } else { "no".into() },
                [top1[r].clone(), top2[r].clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                    .replace('_', " "),
            ]
        })
        .collect();
    page.raw("<h3>Per clinician (internal)</h3>");
    page.table(
        "Highest score first; ids are the export's pseudonymous keys",
        &["Clinician", "Clinic", "Score", "Tier", "Sustained", "Largest contributions"],
        &rows,
    );
}

/// The unit a burnout component is measured in, and how to show a value of it.
fn component_unit(name: &str) -> (&'static str, fn(f64) -> String) {
    fn one(v: f64) -> String {
        format!("{v:.1}")
    }
    fn two(v: f64) -> String {
        format!("{v:.2}")
    }
    fn share(v: f64) -> String {
        format!("{:.0} %", v * 100.0)
    }
    match name {
        "direct_hours_per_fte" => ("h with clients per FTE-week", one),
        "caseload_per_fte" => ("clients per FTE", one),
        "admin_ratio" => ("admin h per client h", two),
        "after_hours_per_week" => ("h after hours per week", one),
        "utilization" => ("of contracted hours logged", share),
        "high_acuity_share" => ("of sessions high-acuity", share),
        "doc_late_share" => ("of notes signed late", share),
        "supervision_hours" => ("h of supervision received per 4 weeks", one),
        "weeks_without_break" => ("weeks worked in a row", one),
        _ => ("", two),
    }
}
