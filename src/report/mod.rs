//! Writers for everything a run publishes: tables, charts, the HTML page, summary.json, rejects.
//! Each takes the computed indicators and writes into the run's (temporary) output folder.

pub mod access_charts;
pub mod access_section;
pub mod burnout_section;
pub mod charts;
pub mod history;
pub mod html;
pub mod projection_section;
pub mod projections;
pub mod tables;

use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::dates;
use crate::error::{Error, Result};
use crate::indicators::access::Access;
use crate::indicators::workload::Workload;
use crate::indicators::{Window, ALL_CLINICS};
use crate::ingest::reader::FileReport;
use crate::ingest::{Dataset, ADMIN_TIME, CLINICIANS};
use crate::privacy::tables::Protection;
use crate::privacy::Audience;
use history::History;
use html::{escape, Page};

/// What the report is about, and what it found in the inputs.
pub struct ReportInput<'a> {
    pub data: &'a Dataset,
    pub config: &'a Config,
    pub window: Window,
    pub workload: &'a Workload,
    /// None without waitlist.csv.
    pub access: Option<&'a Access>,
    pub warnings: &'a [String],
    pub audience: Audience,
    /// Small-cell suppression in force (advocacy): what each protected table shows instead.
    pub protection: &'a Protection,
    /// Earlier nights' as-now projections (projections.csv), for the projection-against-actual view.
    pub projections: &'a projections::Projections,
    /// Totals over the report window by clinic and for the network, as published (the
    /// protection's `totals` table says what hidden cells show).
    pub totals: &'a DataFrame,
}

impl ReportInput<'_> {
    /// A count from a protected table as published: the number, "<11", "suppressed" or "withheld".
    pub fn count(&self, table: &str, frame: &DataFrame, column: &str, row: usize) -> String {
        match self.protection.text(table, column, row) {
            Some(text) => text.to_owned(),
            None => i64_at(frame, column, row).to_string(),
        }
    }

    /// A rate, mean or median from a protected table, formatted by `show`, or why it is not shown.
    pub fn figure(
        &self,
        table: &str,
        frame: &DataFrame,
        column: &str,
        row: usize,
        show: impl Fn(Option<f64>) -> String,
    ) -> String {
        match self.protection.text(table, column, row) {
            Some(text) => text.to_owned(),
            None => show(f64_at(frame, column, row)),
        }
    }
}

/// Headline figures over the report window, for the network (summary.json).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub as_of: String,
    pub window_first_week: String,
    pub window_last_week: String,
    pub window_weeks: u32,
    /// Window weeks in which any clinician worked (an export may start inside the window).
    pub weeks_with_data: u32,
    pub clinics: usize,
    /// Counts of people are null in an advocacy report when small-cell suppression hides them
    /// (see `suppressed`).
    pub clinicians: Option<i64>,
    pub direct_hours: f64,
    pub admin_hours: Option<f64>,
    pub documentation_hours: Option<f64>,
    pub after_hours: Option<f64>,
    pub admin_ratio: Option<f64>,
    pub sessions_attended: Option<i64>,
    pub no_show_rate: Option<f64>,
    pub roster: bool,
    /// Clinicians scored at the last complete week, by tier, and how many are sustained high.
    pub risk_low: Option<usize>,
    pub risk_moderate: Option<usize>,
    pub risk_high: Option<usize>,
    pub risk_sustained: Option<usize>,
    /// Access figures for the network; empty without waitlist.csv.
    pub backlog: Option<f64>,
    pub km_median_days: Option<f64>,
    pub km_p90_days: Option<f64>,
    pub followup_over_standard_share: Option<f64>,
    pub extra_fte: Option<f64>,
    /// Figures left null by small-cell suppression (advocacy audience).
    pub suppressed: Vec<&'static str>,
    /// Figures left null because the export does not hold what they need, with the reason.
    pub not_available: BTreeMap<&'static str, String>,
    /// The smallest count of people shown as a number, which the report's sentences cite.
    #[serde(skip)]
    pub min_cell: u32,
    /// The smallest group of clinicians whose staff figures are shown.
    #[serde(skip)]
    pub min_group: u32,
}

fn f64_at(frame: &DataFrame, column: &str, row: usize) -> Option<f64> {
    frame.column(column).ok()?.get(row).ok()?.extract::<f64>()
}

fn i64_at(frame: &DataFrame, column: &str, row: usize) -> i64 {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<i64>()).unwrap_or(0)
}

fn u32_at(frame: &DataFrame, column: &str, row: usize) -> u32 {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<u32>()).unwrap_or(0)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A whole number with thousands separators.
fn hours(value: f64) -> String {
    let rounded = value.round() as i64;
    // Thousands separators for readability in headline sentences.
    let digits = rounded.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rounded < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", v * 100.0))
}

fn optional(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

pub fn summary(input: &ReportInput, totals: &DataFrame) -> Summary {
    let has_admin = input.data.admin.is_some();
    let network = (0..totals.height()).find(|&r| u32_at(totals, "clinic", r) == ALL_CLINICS);
    let value = |column: &str| network.and_then(|r| f64_at(totals, column, r));
    let admin = |column: &str| if has_admin { value(column).map(round2) } else { None };
    let tiers: Vec<Option<String>> = input
        .workload
        .burnout
        .risk
        .column("tier")
        .ok()
        .and_then(|c| c.str().ok().map(|t| t.iter().map(|v| v.map(str::to_owned)).collect()))
        .unwrap_or_default();
    let tier_count = |tier: &str| tiers.iter().filter(|t| t.as_deref() == Some(tier)).count();
    let protection = input.protection;
    // summary.json counts every clinician scored at the last complete week (burnout_risk), which
    // can be more than clinic_weeks' network row for that week (clinicians who worked in it). A
    // tier is left out when it is small itself, or when clinic_weeks hides it: summary.json never
    // shows a tier count that table hides.
    let cw = &input.workload.clinic_weeks;
    let last = (0..cw.height()).find(|&r| {
        u32_at(cw, "clinic", r) == ALL_CLINICS
            && cw.column("week").ok().and_then(|c| c.get(r).ok()).and_then(|v| v.extract::<i32>())
                == Some(input.window.last_week)
    });
    // Tier counts are staff figures: shown when the network scored at least min_group_clinicians
    // clinicians, withheld otherwise (the network row of clinic_weeks follows the same rule).
    let scored = ["low", "moderate", "high"].map(tier_count).iter().sum::<usize>();
    let last_hidden = last.is_some_and(|r| protection.text("clinic_weeks", "risk_high", r).is_some());
    let staff_hidden = protection.staff_withheld(scored as i64) || last_hidden;
    let mut suppressed = Vec::new();
    let mut tier = |name: &'static str, n: usize| {
        if staff_hidden {
            suppressed.push(name);
            None
        } else {
            Some(n)
        }
    };
    let (risk_low, risk_moderate, risk_high) = (
        tier("risk_low", tier_count("low")),
        tier("risk_moderate", tier_count("moderate")),
        tier("risk_high", tier_count("high")),
    );
    let risk_sustained = tier("risk_sustained", burnout_section::headline(input).sustained);
    let clinicians = network.map_or(0, |r| i64_at(totals, "clinicians", r));
    // Ratios over the whole network are staff figures of its clinicians.
    let thin = protection.staff_withheld(clinicians);
    if thin {
        suppressed.extend(["admin_ratio", "no_show_rate"]);
    }
    let clinicians = Some(clinicians);
    let sessions = network.map_or(0, |r| i64_at(totals, "sessions_attended", r));
    let sessions_attended = protection.published(sessions);
    if sessions_attended.is_none() {
        suppressed.push("sessions_attended");
    }
    Summary {
        as_of: dates::format_day(input.window.as_of),
        window_first_week: dates::format_day(input.window.first_week),
        window_last_week: dates::format_day(input.window.last_week),
        window_weeks: input.config.window_weeks,
        weeks_with_data: weeks_with_data(input),
        clinics: totals.height().saturating_sub(1),
        clinicians,
        direct_hours: value("direct_hours").map_or(0.0, round2),
        admin_hours: admin("admin_hours"),
        documentation_hours: admin("documentation_hours"),
        after_hours: admin("after_hours"),
        admin_ratio: if has_admin && !thin {
            value("admin_ratio").map(|r| (r * 10_000.0).round() / 10_000.0)
        } else {
            None
        },
        sessions_attended,
        no_show_rate: value("no_show_rate").filter(|_| !thin).map(|r| (r * 10_000.0).round() / 10_000.0),
        roster: input.data.roster.is_some(),
        risk_low,
        risk_moderate,
        risk_high,
        risk_sustained,
        backlog: network_access(input, |a| &a.capacity, "backlog", None),
        km_median_days: network_access(input, |a| &a.waits, "km_median_days", Some("all")),
        km_p90_days: network_access(input, |a| &a.waits, "km_p90_days", Some("all")),
        followup_over_standard_share: network_access(input, |a| &a.followup, "followup_over_standard_share", None)
            .map(|v| (v * 10_000.0).round() / 10_000.0),
        extra_fte: network_access(input, |a| &a.capacity, "extra_fte", None).map(round2),
        suppressed,
        not_available: input.data.not_exported().into_iter().collect(),
        min_cell: protection.threshold().unwrap_or(input.config.min_cell),
        min_group: input.config.min_group_clinicians,
    }
}

/// A figure of an access table's network row (`clinic` = ALL, and `urgency` = `all` where given).
fn network_access(
    input: &ReportInput,
    table: fn(&Access) -> &DataFrame,
    column: &str,
    urgency: Option<&str>,
) -> Option<f64> {
    clinic_access(input, table, ALL_CLINICS, column, urgency)
}

/// A figure of one clinic's row of an access table (`urgency` = `all` where given).
fn clinic_access(
    input: &ReportInput,
    table: fn(&Access) -> &DataFrame,
    clinic: u32,
    column: &str,
    urgency: Option<&str>,
) -> Option<f64> {
    let frame = table(input.access?);
    (0..frame.height())
        .find(|&r| {
            u32_at(frame, "clinic", r) == clinic
                && urgency.is_none_or(|u| {
                    frame.column("urgency").ok().and_then(|c| c.get(r).ok()).is_some_and(|v| v.get_str() == Some(u))
                })
        })
        .and_then(|r| f64_at(frame, column, r))
}

/// A figure of one clinic's row of an access table as published: the value formatted by `show`,
/// or what suppression shows instead ("withheld", "<11").
fn clinic_access_text(
    input: &ReportInput,
    name: &str,
    table: fn(&Access) -> &DataFrame,
    clinic: u32,
    column: &str,
    urgency: Option<&str>,
    show: &dyn Fn(Option<f64>) -> String,
) -> String {
    let Some(access) = input.access else { return show(None) };
    let frame = table(access);
    let row = (0..frame.height()).find(|&r| {
        u32_at(frame, "clinic", r) == clinic
            && urgency.is_none_or(|u| {
                frame.column("urgency").ok().and_then(|c| c.get(r).ok()).is_some_and(|v| v.get_str() == Some(u))
            })
    });
    match row.and_then(|r| input.protection.text(name, column, r)) {
        Some(text) => text.to_owned(),
        None => show(row.and_then(|r| f64_at(frame, column, r))),
    }
}

fn network_weeks(clinic_weeks: &DataFrame, protection: &Protection) -> Vec<charts::WeekHours> {
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
            ratio_withheld: protection.text("clinic_weeks", "admin_ratio", r).is_some(),
        })
        .collect()
}

pub fn weeks_with_data(input: &ReportInput) -> u32 {
    let weeks = &input.workload.clinic_weeks;
    (0..weeks.height()).filter(|&r| u32_at(weeks, "clinic", r) == ALL_CLINICS).count() as u32
}

/// "the last 26 weeks", or "the 8 weeks with data of the 26-week report window".
fn period(summary: &Summary) -> String {
    if summary.weeks_with_data >= summary.window_weeks {
        format!("the last {} weeks", summary.window_weeks)
    } else {
        format!("the {} weeks with data of the {}-week report window", summary.weeks_with_data, summary.window_weeks)
    }
}

fn headline(summary: &Summary) -> String {
    let period = period(summary);
    match (summary.admin_hours, summary.admin_ratio) {
        (Some(admin), Some(ratio)) => format!(
            "In {period}, clinicians logged {} hours of admin work for {} hours with clients: \
             {:.2} hours of paperwork and other admin for every hour of client care.",
            hours(admin),
            hours(summary.direct_hours),
            ratio
        ),
        _ if summary.suppressed.contains(&"admin_ratio") => format!(
            "In {period}, clinicians logged {} hours of admin work for {} hours with clients. The ratio of the two is \
             withheld: fewer than {} clinicians worked in the network (see Methods).",
            summary.admin_hours.map_or_else(|| "no".to_owned(), hours),
            hours(summary.direct_hours),
            summary.min_group
        ),
        _ if summary.admin_hours.is_none() => format!(
            "In {period}, clinicians spent {} hours with clients. The admin-to-client ratio is not \
             available (no {ADMIN_TIME}).",
            hours(summary.direct_hours)
        ),
        _ => format!(
            "In {period} no attended client time was recorded, so the admin-to-client ratio cannot be computed."
        ),
    }
}

/// Writes `data/`, `charts/`, `rejects/`, `summary.json` and `index.html` into `dir`; returns the
/// summary and `history` with this run's row, which the page charts as the trend across runs.
pub fn write(dir: &Path, input: &ReportInput, history: &History) -> Result<(Summary, History)> {
    let ids = &input.data.ids;
    for sub in ["data", "charts"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| Error::output(dir.join(sub), e))?;
    }
    // Per-clinician tables are for the clinic's own management only (SPEC §4 audiences).
    let internal = input.audience == Audience::Internal;
    let mut tables = vec![("clinic_weeks", &input.workload.clinic_weeks)];
    if internal {
        tables.extend([
            ("clinician_weeks", &input.workload.clinician_weeks),
            ("burnout_risk", &input.workload.burnout.risk),
            ("risk_weeks", &input.workload.burnout.history),
        ]);
    }
    for (name, frame) in tables {
        let published = tables::publishable(frame, ids)?;
        tables::write_csv(
            &published,
            &dir.join("data").join(format!("{name}.csv")),
            input.protection.tables.get(name),
        )?;
        tables::write_parquet(&published, &dir.join("data").join(format!("{name}.parquet")))?;
    }
    write_rejects(dir, &input.data.files, internal)?;

    let summary = summary(input, input.totals);
    let totals = Totals {
        frame: input.totals.clone(),
        overrides: input.protection.tables.get("totals").cloned().unwrap_or_default(),
    };
    let history = history.with(&summary);
    let weeks = network_weeks(&input.workload.clinic_weeks, input.protection);
    let chart_path = dir.join("charts").join("admin_vs_direct.png");
    let chart_title = match summary.admin_ratio {
        Some(ratio) => format!("Admin takes {ratio:.2} hours for every hour with clients"),
        None => "Direct client hours per week".to_owned(),
    };
    charts::at_both_scales(&chart_path, |p| charts::admin_vs_direct(p, &chart_title, &weeks))?;
    let png = std::fs::read(&chart_path).map_err(|e| Error::output(&chart_path, e))?;
    let access = access_section::write_files(dir, input, input.access)?;
    if input.access.is_none() {
        // Follow-up gaps need only sessions.csv (SPEC §1: never "not available" for want of a file
        // the indicator does not use).
        let mut followup = crate::indicators::access::followup_table(input.data, &input.window, input.config)?;
        let mut protection = input.protection.rules();
        protection.apply("followup", &mut followup, &crate::privacy::tables::rules::FOLLOWUP)?;
        let published = tables::publishable(&followup, ids)?;
        tables::write_csv(&published, &dir.join("data").join("followup.csv"), protection.tables.get("followup"))?;
        tables::write_parquet(&published, &dir.join("data").join("followup.parquet"))?;
    }

    let json = serde_json::to_string_pretty(&summary)
        .map_err(|e| Error::Internal { stage: "summary", message: e.to_string() })?;
    let summary_path = dir.join("summary.json");
    std::fs::write(&summary_path, json + "\n").map_err(|e| Error::output(&summary_path, e))?;

    let chart = WorkloadChart { weeks, png, title: chart_title };
    let page = html_page(dir, input, &summary, &totals, &chart, &history, access.as_ref())?;
    let index = dir.join("index.html");
    std::fs::write(&index, page).map_err(|e| Error::output(&index, e))?;
    Ok((summary, history))
}

/// rejects/<file>.csv; the offending value (which may be an id) only for the internal audience.
fn write_rejects(dir: &Path, files: &[FileReport], with_values: bool) -> Result<()> {
    for report in files.iter().filter(|r| !r.rejects.is_empty()) {
        let folder = dir.join("rejects");
        std::fs::create_dir_all(&folder).map_err(|e| Error::output(&folder, e))?;
        let path = folder.join(&report.file);
        let mut writer =
            csv::Writer::from_path(&path).map_err(|e| Error::output(&path, std::io::Error::other(e.to_string())))?;
        let fail = |e: csv::Error| Error::output(&path, std::io::Error::other(e.to_string()));
        let header: &[&str] =
            if with_values { &["line", "column", "reason", "value"] } else { &["line", "column", "reason"] };
        writer.write_record(header).map_err(fail)?;
        for reject in &report.rejects {
            let line = reject.line.to_string();
            let value = tables::neutralise(&reject.value);
            let mut record = vec![line.as_str(), reject.column.as_str(), reject.reason.as_str()];
            if with_values {
                record.push(&value);
            }
            writer.write_record(&record).map_err(fail)?;
        }
        writer.flush().map_err(|e| Error::output(&path, e))?;
    }
    Ok(())
}

/// The network's weekly hours, drawn, with the numbers behind the drawing.
struct WorkloadChart {
    weeks: Vec<charts::WeekHours>,
    png: Vec<u8>,
    title: String,
}

fn html_page(
    dir: &Path,
    input: &ReportInput,
    summary: &Summary,
    totals: &Totals,
    chart: &WorkloadChart,
    history: &History,
    access: Option<&access_section::Rendered>,
) -> Result<String> {
    let ids = &input.data.ids;
    let has_admin = input.data.admin.is_some();
    let mut page = Page::default();
    page.raw(&format!(
        "<header><h1>Caseload and workload report</h1><p>As of {} · report window: {} weeks, {} to {} · {} clinics, {} clinicians</p></header>",
        escape(&summary.as_of),
        summary.window_weeks,
        escape(&summary.window_first_week),
        escape(&dates::format_day(input.window.last_week + 6)),
        summary.clinics,
        summary.clinicians.map_or_else(|| format!("<{}", input.config.min_cell), |n| n.to_string())
    ));
    page.raw(&format!("<p class=\"headline\">{}</p>", escape(&headline(summary))));
    page.raw(
        "<nav aria-label=\"Contents\" class=\"toc\"><strong>Contents:</strong> <a href=\"#workload\">Workload</a> · \
         <a href=\"#access\">Access and capacity</a> · <a href=\"#burnout\">Burnout risk</a> · <a href=\"#clinics\">Clinic by clinic</a> · \
         <a href=\"#trend\">Trend across runs</a> · <a href=\"#data-quality\">Data quality</a> · \
         <a href=\"#methods\">Methods</a></nav>",
    );
    let na = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "not available".to_owned(), f);
    let cards = [
        (hours(summary.direct_hours), "direct client hours".to_owned()),
        (na(summary.admin_hours, &hours), "admin hours".to_owned()),
        (
            if summary.suppressed.contains(&"admin_ratio") {
                crate::privacy::tables::WITHHELD.to_owned()
            } else {
                na(summary.admin_ratio, &|r| format!("{r:.2}"))
            },
            "admin hours per client hour".to_owned(),
        ),
        (na(summary.after_hours, &hours), "hours worked after hours".to_owned()),
        (
            if summary.not_available.contains_key("no_show_rate") {
                "not available".to_owned()
            } else if summary.suppressed.contains(&"no_show_rate") {
                crate::privacy::tables::WITHHELD.to_owned()
            } else {
                percent(summary.no_show_rate)
            },
            "no-show rate".to_owned(),
        ),
        (
            match summary.risk_high {
                Some(n) => format!("{n} of {}", summary.risk_low.unwrap_or(0) + summary.risk_moderate.unwrap_or(0) + n),
                None if summary.suppressed.contains(&"risk_high") => crate::privacy::tables::WITHHELD.to_owned(),
                None => "not available".to_owned(),
            },
            "clinicians at high burnout risk".to_owned(),
        ),
    ];
    let mut cards = cards.to_vec();
    if input.access.is_some() {
        cards.push((
            match (
                summary.km_median_days,
                input.access.and_then(|a| a.detail.curves.iter().find(|c| c.urgency == "all")),
            ) {
                (Some(days), _) => format!("{days:.0} days"),
                // The curve never fell to a half: the median is longer than anyone has waited yet.
                (None, Some(curve)) => format!("over {} days", curve.last_day),
                (None, None) => crate::privacy::tables::WITHHELD.to_owned(),
            },
            "median wait for a first appointment, counting people still waiting".to_owned(),
        ));
        cards.push((
            match summary.extra_fte {
                Some(fte) if fte >= 0.05 => format!("{fte:.1}"),
                Some(_) => "none".to_owned(),
                None => crate::privacy::tables::WITHHELD.to_owned(),
            },
            "extra full-time clinicians needed to close the capacity gap".to_owned(),
        ));
    }
    page.raw("<div class=\"cards\">");
    for (value, label) in cards {
        page.raw(&format!(
            "<div class=\"card\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>",
            escape(&value),
            escape(&label)
        ));
    }
    page.raw("</div>");
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
                if w.ratio_withheld { crate::privacy::tables::WITHHELD.to_owned() } else { optional(w.ratio, 2) },
            ]
        })
        .collect();
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["Week starting", "Direct client hours", "Admin hours", "Admin ratio"], &rows);
    page.raw("</details>");

    page.raw("<h3>By clinic</h3>");
    let no_show_exported = !input.data.sessions.status_constant;
    let rows: Vec<Vec<String>> = (0..totals.frame.height())
        .map(|r| {
            let text = |column: &str, show: &dyn Fn(Option<f64>) -> String| totals.text(column, r, show);
            let totals = &totals.frame;
            let clinic = u32_at(totals, "clinic", r);
            vec![
                if clinic == ALL_CLINICS { "All clinics".to_owned() } else { ids.clinics.name(clinic).to_owned() },
                text("clinicians", &|v| format!("{:.0}", v.unwrap_or(0.0))),
                hours(f64_at(totals, "direct_hours", r).unwrap_or(0.0)),
                if has_admin { hours(f64_at(totals, "admin_hours", r).unwrap_or(0.0)) } else { "–".into() },
                if has_admin { text("admin_ratio", &|v| optional(v, 2)) } else { "–".into() },
                text("sessions_attended", &|v| hours(v.unwrap_or(0.0))),
                if no_show_exported { text("no_show_rate", &percent) } else { "not available".into() },
            ]
        })
        .collect();
    page.table(
        &format!("Totals over {}", period(summary)),
        &["Clinic", "Clinicians", "Direct hours", "Admin hours", "Admin ratio", "Sessions attended", "No-show rate"],
        &rows,
    );
    page.end_section();
    access_section::section(&mut page, input, input.access, access);

    burnout_section::write(dir, input, input.audience, &mut page)?;
    clinics_section(input, totals, &mut page);
    trend_section(dir, history, &mut page)?;
    data_quality(&mut page, input.data, input.protection);
    methods(&mut page, input.config, input.protection, &totals.overrides);
    page.raw(&format!(
        "<footer><p class=\"note\">Produced by caseload {}. Tables: data/clinician_weeks.csv, data/clinic_weeks.csv (and .parquet); figures: summary.json.</p></footer>",
        env!("CARGO_PKG_VERSION")
    ));
    Ok(page.finish(&format!("Caseload report {}", summary.as_of)))
}

/// One short section per clinic: the same headline figures as the network's, for that clinic.
fn clinics_section(input: &ReportInput, protected: &Totals, page: &mut Page) {
    let totals = &protected.frame;
    let ids = &input.data.ids;
    let has_admin = input.data.admin.is_some();
    // Tier counts as clinic_weeks publishes them for the last complete week (suppressed alike).
    let cw = &input.workload.clinic_weeks;
    let last_week_row = |clinic: u32| {
        (0..cw.height()).find(|&r| u32_at(cw, "clinic", r) == clinic && week_at(cw, r) == Some(input.window.last_week))
    };
    page.section("clinics", "Clinic by clinic");
    page.paragraph(
        "The network's figures for each clinic on its own: workload over the report window, burnout-risk tiers at the \
         last complete week, and access over the last 12 months.",
    );
    for r in (0..totals.height()).filter(|&r| u32_at(totals, "clinic", r) != ALL_CLINICS) {
        let clinic = u32_at(totals, "clinic", r);
        let name = ids.clinics.name(clinic);
        let tier_count = |column: &str| match last_week_row(clinic) {
            Some(row) => input.count("clinic_weeks", cw, column, row),
            None => "0".to_owned(),
        };
        let waits = |column: &str| clinic_access(input, |a| &a.waits, clinic, column, Some("all"));
        let capacity = |column: &str| clinic_access(input, |a| &a.capacity, clinic, column, None);
        let mut sentence = format!(
            "{} clinicians logged {} hours with clients",
            protected.text("clinicians", r, &|v| format!("{:.0}", v.unwrap_or(0.0))),
            hours(f64_at(totals, "direct_hours", r).unwrap_or(0.0))
        );
        if let (true, Some(ratio)) = (has_admin, f64_at(totals, "admin_ratio", r)) {
            sentence.push_str(&format!(", and {ratio:.2} hours of admin for every hour with clients"));
        }
        let high = tier_count("risk_high");
        if high.parse::<i64>().is_ok() {
            sentence.push_str(&format!(
                "; {high} of {} clinicians scored in the last week are at high risk.",
                tier_count("clinicians")
            ));
        } else {
            sentence.push_str(&format!(
                "; its risk tiers are withheld: {} clinicians were scored in the last week, fewer than the {} a \
                 group needs before its staff figures are published.",
                tier_count("clinicians"),
                input.config.min_group_clinicians
            ));
        }
        if let Some(median) = waits("km_median_days") {
            sentence.push_str(&format!(" Half of its referrals wait {median:.0} days or more for a first appointment"));
            match capacity("extra_fte") {
                Some(fte) if fte >= 0.05 => {
                    sentence.push_str(&format!("; closing its gap needs {fte:.1} more full-time clinicians."))
                }
                Some(fte) if fte > 0.0 => sentence.push_str("; its capacity gap is under 0.1 full-time clinicians."),
                Some(_) => sentence.push_str("; it has no capacity gap."),
                None => sentence.push('.'),
            }
        }
        page.raw(&format!("<section id=\"clinic-{r}\" aria-label=\"{}\"><h3>{}</h3>", escape(name), escape(name)));
        page.paragraph(&sentence);
        let na = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "–".to_owned(), f);
        let rows = vec![
            vec!["Direct client hours".to_owned(), hours(f64_at(totals, "direct_hours", r).unwrap_or(0.0))],
            vec![
                "Admin hours per client hour".to_owned(),
                if has_admin {
                    protected.text("admin_ratio", r, &|v| na(v, &|v| format!("{v:.2}")))
                } else {
                    "–".into()
                },
            ],
            vec![
                "After-hours hours".to_owned(),
                if has_admin { na(f64_at(totals, "after_hours", r), &hours) } else { "–".into() },
            ],
            vec![
                "No-show rate".to_owned(),
                if input.data.sessions.status_constant {
                    "not available".to_owned()
                } else {
                    protected.text("no_show_rate", r, &percent)
                },
            ],
            vec![
                "Clinicians by risk tier (low / moderate / high)".to_owned(),
                format!("{} / {} / {}", tier_count("risk_low"), tier_count("risk_moderate"), tier_count("risk_high")),
            ],
            vec![
                "Median wait, Kaplan–Meier (days)".to_owned(),
                clinic_access_text(input, "waits", |a| &a.waits, clinic, "km_median_days", Some("all"), &|v| {
                    na(v, &|v| format!("{v:.0}"))
                }),
            ],
            vec![
                "Seen within standard".to_owned(),
                clinic_access_text(
                    input,
                    "waits",
                    |a| &a.waits,
                    clinic,
                    "within_standard_share",
                    Some("all"),
                    &percent,
                ),
            ],
            vec!["Waiting now".to_owned(), backlog_text(input, clinic)],
            vec![
                "Follow-up gaps over standard".to_owned(),
                clinic_access_text(
                    input,
                    "followup",
                    |a| &a.followup,
                    clinic,
                    "followup_over_standard_share",
                    None,
                    &percent,
                ),
            ],
            vec!["Extra FTE needed".to_owned(), capacity_text(input, clinic, "extra_fte", &|v| format!("{v:.1}"))],
        ];
        page.table("", &["Figure", "Value"], &rows);
        page.raw("</section>");
    }
    page.end_section();
}

/// A figure of a clinic's capacity row as published: the value, "withheld" or "–".
fn capacity_text(input: &ReportInput, clinic: u32, column: &str, show: &dyn Fn(f64) -> String) -> String {
    let Some(access) = input.access else { return "–".to_owned() };
    let capacity = &access.capacity;
    match (0..capacity.height()).find(|&r| u32_at(capacity, "clinic", r) == clinic) {
        Some(r) => input.figure("capacity", capacity, column, r, |v| v.map_or_else(|| "–".to_owned(), show)),
        None => "–".to_owned(),
    }
}

/// A clinic's backlog at the as-of date as the capacity table publishes it.
fn backlog_text(input: &ReportInput, clinic: u32) -> String {
    let Some(access) = input.access else { return "–".to_owned() };
    let capacity = &access.capacity;
    match (0..capacity.height()).find(|&r| u32_at(capacity, "clinic", r) == clinic) {
        Some(r) => input.count("capacity", capacity, "backlog", r),
        None => "–".to_owned(),
    }
}

fn week_at(frame: &DataFrame, row: usize) -> Option<i32> {
    frame.column("week").ok()?.get(row).ok()?.extract::<i32>()
}

/// The window totals by clinic, with what small-cell suppression shows instead of some cells.
pub struct Totals {
    pub frame: DataFrame,
    pub overrides: crate::privacy::tables::Overrides,
}

impl Totals {
    fn text(&self, column: &str, row: usize, show: &dyn Fn(Option<f64>) -> String) -> String {
        match self.overrides.get(column, row) {
            Some(text) => text.to_owned(),
            None => show(f64_at(&self.frame, column, row)),
        }
    }
}

/// Headline figures across nightly runs, from history.csv.
fn trend_section(dir: &Path, history: &History, page: &mut Page) -> Result<()> {
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

/// "appointments.csv (sessions.csv)" for a file read through a mapping's source, else the name.
fn file_name(f: &FileReport) -> String {
    let source = f.source_name();
    if source == f.file {
        source
    } else {
        format!("{source} ({})", f.file)
    }
}

fn data_quality(page: &mut Page, data: &Dataset, protection: &Protection) {
    let files = &data.files;
    page.section("data-quality", "Data quality");
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            // A row of the waitlist is a referral: its counts are counts of people served. (Roster
            // and survey rows are clinicians, a staff count of the whole network.)
            let rows = |n: u64| {
                if f.file == crate::ingest::WAITLIST {
                    protection.people(n as i64)
                } else {
                    n.to_string()
                }
            };
            vec![
                file_name(f),
                rows(f.rows_read),
                rows(f.rows_accepted),
                rows(f.rejects.len() as u64),
                rows(f.after_as_of),
                crate::ingest::quality::date_range(f),
                f.clinics.to_string(),
                f.clinicians.to_string(),
            ]
        })
        .collect();
    page.table(
        "",
        &[
            "File",
            "Rows read",
            "Accepted",
            "Rejected",
            "After as-of (not counted yet)",
            "Dates",
            "Clinics",
            "Clinicians",
        ],
        &rows,
    );
    let notes: Vec<Vec<String>> =
        files.iter().flat_map(|f| f.warnings.iter().map(|w| vec![file_name(f), w.clone()])).collect();
    if !notes.is_empty() {
        page.table("How the files were read", &["File", "Note"], &notes);
    }
    if !data.references.is_empty() {
        // A person's id is published in the internal audience only.
        let internal = !protection.advocacy();
        let rows: Vec<Vec<String>> = data
            .references
            .iter()
            .map(|m| {
                let kind = if m.kind == "clinician" { "Clinicians" } else { "Clinics" };
                let ids = m.ids.to_string();
                let mut row = vec![
                    kind.to_owned(),
                    m.found_in.to_owned(),
                    m.missing_from.to_owned(),
                    ids,
                    format!("{} ({:.1} %)", m.rows, m.share * 100.0),
                ];
                if internal {
                    row.push(m.examples.join(", "));
                }
                row
            })
            .collect();
        let mut header = vec!["Ids", "Found in", "Not in", "How many", "Rows there"];
        if internal {
            header.push("First ids");
        }
        page.table(
            "Ids that match nothing in another file (an export whose ids come from another system reads cleanly \
             and still means nothing: check these before quoting the figures)",
            &header,
            &rows,
        );
    }
    let missing: Vec<&str> = [ADMIN_TIME, crate::ingest::WAITLIST, CLINICIANS]
        .into_iter()
        .filter(|f| !files.iter().any(|r| r.file == *f))
        .collect();
    if !missing.is_empty() {
        page.paragraph(&format!(
            "Not provided: {}. Indicators that need them are shown as not available, never as zero.",
            missing.join(", ")
        ));
    }
    let reasons: Vec<Vec<String>> = files
        .iter()
        .flat_map(|f| {
            let first_lines = |reason: &str| {
                f.rejects
                    .iter()
                    .filter(|r| r.reason == reason)
                    .take(5)
                    .map(|r| r.line.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            f.rejects_by_reason()
                .into_iter()
                .map(|(reason, n)| vec![file_name(f), reason.clone(), n.to_string(), first_lines(&reason)])
                .collect::<Vec<_>>()
        })
        .collect();
    if reasons.is_empty() {
        page.paragraph("No rows were rejected.");
    } else {
        page.table(
            "Rejected rows by reason (each is listed in rejects/<file>.csv with its line and column)",
            &["File", "Reason", "Rows", "First lines"],
            &reasons,
        );
    }
    page.end_section();
}

fn methods(page: &mut Page, config: &Config, protection: &Protection, totals: &crate::privacy::tables::Overrides) {
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
