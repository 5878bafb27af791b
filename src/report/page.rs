//! The HTML page: header, key-figure cards, the workload section, then each section in turn.

use super::*;

pub(super) fn network_weeks(clinic_weeks: &DataFrame, protection: &Protection) -> Vec<charts::WeekHours> {
    (0..clinic_weeks.height())
        .filter(|&r| u32_at(clinic_weeks, "clinic", r) == ALL_CLINICS)
        .map(|r| charts::WeekHours {
            week: clinic_weeks
                .column("week")
                .ok()
                .and_then(|c| c.get(r).ok())
                .and_then(|v| v.extract::<i32>())
                .unwrap_or(0),
            direct: f64_at(clinic_weeks, "direct_hours", r).unwrap_or(0.0),
            admin: f64_at(clinic_weeks, "admin_hours", r).unwrap_or(0.0),
            ratio: f64_at(clinic_weeks, "admin_ratio", r),
            ratio_withheld: protection.hidden("clinic_weeks", "admin_ratio", r).is_some(),
        })
        .collect()
}

/// The network's weekly hours, drawn, with the numbers behind the drawing.
pub(super) struct WorkloadChart {
    pub(super) weeks: Vec<charts::WeekHours>,
    pub(super) png: Vec<u8>,
    pub(super) title: String,
}

pub(super) fn html_page(
    sink: &Sink,
    input: &ReportInput,
    summary: &Summary,
    totals: &Totals,
    chart: &WorkloadChart,
    history: &History,
    access: Option<&access_section::Rendered>,
) -> Result<String> {
    let ids = input.source.ids;
    let has_admin = input.source.has_admin;
    let mut page = Page::default();
    page.raw(&format!(
        "<header><h1>Caseload and workload report</h1><p>As of {} · report window: {} weeks, {} to {} · {} {}, {} clinicians</p></header>",
        escape(&summary.as_of),
        summary.window_weeks,
        escape(&summary.window_first_week),
        escape(&dates::format_day(input.window.last_week + 6)),
        summary.clinics,
        if summary.clinics == 1 { "clinic" } else { "clinics" },
        summary.clinicians.map_or_else(|| format!("<{}", input.config.min_cell), |n| n.to_string())
    ));
    page.raw(&format!("<p class=\"headline\">{}</p>", escape(&headline(summary))));
    page.raw(
        "<nav aria-label=\"Contents\" class=\"toc\"><strong>Contents:</strong> <a href=\"#workload\">Workload</a> · \
         <a href=\"#access\">Access and capacity</a> · <a href=\"#burnout\">Burnout risk</a> · <a href=\"#clinics\">Clinic by clinic</a> · \
         <a href=\"#trend\">Trend</a> · <a href=\"#data-quality\">Data quality</a> · \
         <a href=\"#methods\">Methods</a></nav>",
    );
    let na = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "not available".to_owned(), f);
    let h = |v: f64| hours(v);
    let r2 = |v: f64| format!("{v:.2}");
    let d0 = |v: f64| format!("{v:.0} days");
    let ratio_shown = !summary.suppressed.contains(&"admin_ratio");
    let mut cards: Vec<(String, String, Vec<String>)> = vec![
        (
            hours(summary.direct_hours),
            "direct client hours".to_owned(),
            compare::card_changes(
                input,
                Some(summary.direct_hours),
                |s| Some(s.direct_hours),
                compare::Kind::Hours,
                &h,
            ),
        ),
        (
            na(summary.admin_hours, &hours),
            "admin hours".to_owned(),
            compare::card_changes(input, summary.admin_hours, |s| s.admin_hours, compare::Kind::Hours, &h),
        ),
        (
            if ratio_shown { na(summary.admin_ratio, &|r| format!("{r:.2}")) } else { WITHHELD.to_owned() },
            "admin hours per client hour".to_owned(),
            compare::card_changes(input, summary.admin_ratio, |s| s.admin_ratio, compare::Kind::Ratio, &r2),
        ),
        (
            na(summary.after_hours, &hours),
            "hours worked after hours".to_owned(),
            compare::card_changes(input, summary.after_hours, |s| s.after_hours, compare::Kind::Hours, &h),
        ),
        (
            if summary.not_available.contains_key("no_show_rate") {
                "not available".to_owned()
            } else if summary.suppressed.contains(&"no_show_rate") {
                WITHHELD.to_owned()
            } else {
                percent(summary.no_show_rate)
            },
            "no-show rate".to_owned(),
            compare::card_changes(input, summary.no_show_rate, |s| s.no_show_rate, compare::Kind::Share, &|v| {
                percent(Some(v))
            }),
        ),
        (
            match summary.risk_high {
                Some(n) => format!("{n} of {}", summary.risk_low.unwrap_or(0) + summary.risk_moderate.unwrap_or(0) + n),
                None if summary.suppressed.contains(&"risk_high") => WITHHELD.to_owned(),
                None => "not available".to_owned(),
            },
            "clinicians at high burnout risk".to_owned(),
            compare::card_changes(
                input,
                summary.risk_high.map(|n| n as f64),
                // An earlier period whose scores the export's start cuts short is not compared.
                |s| {
                    let settled = compare::risk_settled_from(input);
                    let last_week = dates::parse_day(&s.window_last_week);
                    let full = match (settled, last_week) {
                        (Some(from), Some(week)) => week >= from,
                        _ => true,
                    };
                    s.risk_high.filter(|_| full).map(|n| n as f64)
                },
                compare::Kind::People,
                &|v| hours(v),
            ),
        ),
    ];
    if input.access.is_some() {
        cards.push((
            match (
                summary.km_median_days,
                input.access.and_then(|a| a.detail.curves.iter().find(|c| c.urgency == "all")),
            ) {
                (Some(days), _) => format!("{days:.0} days"),
                // The curve never fell to a half: the median is longer than anyone has waited yet.
                (None, Some(curve)) => format!("over {} days", curve.last_day),
                (None, None) => WITHHELD.to_owned(),
            },
            "median wait for a first appointment, counting people still waiting".to_owned(),
            compare::card_changes(input, summary.km_median_days, |s| s.km_median_days, compare::Kind::Days, &d0),
        ));
        cards.push((
            summary.backlog.map_or_else(|| backlog_text(input, ALL_CLINICS), hours),
            "people waiting for a first appointment now".to_owned(),
            compare::card_changes(input, summary.backlog, |s| s.backlog, compare::Kind::People, &|v| hours(v)),
        ));
        cards.push((
            match summary.extra_fte {
                Some(fte) if fte >= 1.0 => format!("{fte:.1}"),
                Some(fte) if fte >= 0.005 => format!("{fte:.2}"),
                Some(_) => "none".to_owned(),
                None => WITHHELD.to_owned(),
            },
            format!(
                "extra full-time clinicians needed to close the capacity gap, at {} direct client hours per FTE-week",
                input.config.components.direct_hours_per_fte.green
            ),
            compare::card_changes(input, summary.extra_fte, |s| s.extra_fte, compare::Kind::Fte, &|v| {
                format!("{v:.1}")
            }),
        ));
    }
    page.raw("<div class=\"cards\">");
    for (value, label, changes) in cards {
        page.raw(&format!(
            "<div class=\"card\"><div class=\"value\">{}</div><div class=\"label\">{}</div>",
            escape(&value),
            escape(&label)
        ));
        for line in changes {
            page.raw(&format!("<div class=\"change\">{}</div>", escape(&line)));
        }
        page.raw("</div>");
    }
    page.raw("</div>");
    page.raw(&format!("<p class=\"note\">{}</p>", escape(&compare::periods_note(input))));
    access_section::safety_callout(&mut page, input);
    for warning in input.warnings {
        page.raw(&format!("<p class=\"note warn\">Note: {}</p>", escape(warning)));
    }
    if let Some(reason) = summary.not_available.get("no_show_rate") {
        page.raw(&format!("<p class=\"note\">No-show rate: not available, because {}.</p>", escape(reason)));
    }
    if let Some(rule) = input.protection.people {
        let [small, complementary, withheld] = input.protection.counts();
        let [s2, c2, w2] = totals.overrides.counts();
        if small + complementary + withheld + s2 + c2 + w2 > 0 {
            let m = rule.threshold();
            let how = match rule {
                crate::privacy::tables::PeopleRule::Round(r) => format!(
                    "counts of people from 1 to {} read \"&lt;{m}\", other counts of people are rounded to the nearest {}",
                    r.hide_max, r.base
                ),
                crate::privacy::tables::PeopleRule::Suppress { .. } => format!(
                    "counts under {m} read \"&lt;{m}\", counts that would give one away by subtraction from a total read \"suppressed\""
                ),
            };
            page.raw(&format!(
                "<p class=\"note\">To protect the people behind small numbers, {how}, rates resting on fewer than {m} people \
                 read \"withheld\", and figures about fewer than {} clinicians are withheld (<a href=\"#suppression\">how</a>).</p>",
                input.config.min_group_clinicians
            ));
        }
    }

    page.section("workload", "Workload: admin time against client time");
    let alt = format!(
        "Line chart of weekly network hours from {} to {}: direct client hours {}, admin hours {}, admin ratio {}.",
        summary.window_first_week,
        summary.window_last_week,
        hours(summary.direct_hours),
        na(summary.admin_hours, &hours),
        na(summary.admin_ratio, &|r| format!("{r:.2}"))
    );
    page.figure(
        &chart.png,
        &alt,
        &format!("{}. Upper panel: weekly totals for all clinicians. Lower panel: admin hours per direct client hour in each week.", chart.title),
    );
    let rows: Vec<Vec<String>> = chart
        .weeks
        .iter()
        .map(|w| {
            vec![
                dates::format_day(w.week),
                format!("{:.1}", w.direct),
                if has_admin { format!("{:.1}", w.admin) } else { "–".into() },
                if w.ratio_withheld { WITHHELD.to_owned() } else { optional(w.ratio, 2) },
            ]
        })
        .collect();
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["Week starting", "Direct client hours", "Admin hours", "Admin ratio"], &rows);
    page.raw("</details>");
    paperwork(&mut page, input, summary);

    page.raw("<h3>By clinic</h3>");
    let no_show_exported = input.source.status_exported;
    let rows: Vec<Vec<String>> = (0..totals.frame.height())
        .map(|r| {
            let text = |column: &str, show: &dyn Fn(Option<f64>) -> String| totals.text(column, r, show);
            let totals = &totals.frame;
            let clinic = u32_at(totals, "clinic", r);
            vec![
                if clinic == ALL_CLINICS { "All clinics".to_owned() } else { ids.clinics.name(clinic).to_owned() },
                text("clinicians", &|v| format!("{:.0}", v.unwrap_or(0.0))),
                hours(f64_at(totals, "direct_hours", r).unwrap_or(0.0)),
                compare::change(
                    f64_at(totals, "direct_hours", r),
                    compare::previous_total(input, clinic, "direct_hours"),
                    compare::Kind::Hours,
                )
                .unwrap_or_else(|| "–".to_owned()),
                if has_admin { hours(f64_at(totals, "admin_hours", r).unwrap_or(0.0)) } else { "–".into() },
                if has_admin { text("admin_ratio", &|v| optional(v, 2)) } else { "–".into() },
                text("sessions_attended", &|v| hours(v.unwrap_or(0.0))),
                if no_show_exported { text("no_show_rate", &percent) } else { "not available".into() },
            ]
        })
        .collect();
    page.table(
        &format!("Totals over {}", period(summary)),
        &[
            "Clinic",
            "Clinicians",
            "Direct hours",
            "Change since the previous window",
            "Admin hours",
            "Admin ratio",
            "Sessions attended",
            "No-show rate",
        ],
        &rows,
    );
    page.end_section();
    access_section::section(&mut page, input, input.access, access);

    burnout_section::write(sink, input, input.audience, &mut page)?;
    clinics_section(input, totals, &mut page);
    trend_section(sink, input, history, &mut page)?;
    data_quality(&mut page, input.source, input.audience == Audience::Internal);
    hours_accounted(&mut page, input, totals);
    page.end_section();
    methods(&mut page, input.config, input.protection, &totals.overrides);
    let mut tables = vec!["clinic_weeks"];
    if input.internal.is_some() {
        tables.extend(["clinician_weeks", "burnout_risk", "risk_weeks"]);
    }
    if input.access.is_some() {
        tables.extend(access_section::TABLES);
        tables.extend(["scenarios", "projection"]);
    } else {
        tables.push("followup");
    }
    let rejects = if input.source.files.iter().any(|f| f.rejected > 0) { ", rejected rows: rejects/" } else { "" };
    page.raw(&format!(
        "<footer><p class=\"note\">Produced by caseload {}. Tables (CSV and Parquet): {}; figures: summary.json; inputs, outputs and their hashes: manifest.json{rejects}.</p></footer>",
        env!("CARGO_PKG_VERSION"),
        escape(&tables.iter().map(|t| format!("data/{t}.csv")).collect::<Vec<_>>().join(", "))
    ));
    Ok(page.finish(&format!("Caseload report {}", summary.as_of)))
}
