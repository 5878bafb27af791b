//! Writers for everything a run publishes, one module per thing written: the tables, the charts,
//! the HTML page and its sections, summary.json, rejects. `write` runs them in turn into the run's
//! (temporary) output folder; the figures come from the privacy stage as published.

pub mod access_charts;
pub mod access_section;
pub mod burnout_section;
mod cells;
pub mod charts;
mod clinics_section;
mod compare;
pub mod history;
pub mod html;
mod methods_section;
mod page;
mod paperwork;
pub mod projection_section;
pub mod projections;
mod quality_section;
mod rejects;
pub mod sink;
mod summary;
pub mod tables;
mod trend_section;

use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::dates;
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::indicators::access::{Access, FOLLOWUP_INTERNAL};
use crate::indicators::workload::Workload;
use crate::indicators::{Window, ALL_CLINICS};
use crate::ingest::{ADMIN_TIME, CLINICIANS};
use crate::privacy::source::{File as SourceFile, Source};
use crate::privacy::tables::Protection;
use crate::privacy::Audience;
use cells::*;
use clinics_section::*;
use history::History;
use html::{escape, Page};
use methods_section::*;
use page::*;
use paperwork::*;
use quality_section::*;
use rejects::*;
use sink::Sink;
pub use sink::Written;
use summary::{headline, period, window_period};
pub use summary::{summary, weeks_with_data, Summary};
use trend_section::*;

/// What the report is about, and what it found in the inputs.
pub struct ReportInput<'a> {
    /// The export as the privacy stage lets the report describe it.
    pub source: &'a crate::privacy::source::Source<'a>,
    pub config: &'a Config,
    pub window: Window,
    /// clinic_weeks as published.
    pub clinic_weeks: &'a DataFrame,
    /// Burnout components left out for lack of input, with the reason.
    pub burnout_missing: &'a [(&'static str, String)],
    /// The per-clinician tables (clinician_weeks, burnout_risk, risk_weeks): only for the internal
    /// audience, None in an advocacy run, so that no report code can reach them there.
    pub internal: Option<&'a Workload>,
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
    /// The follow-up table as published, when there is no waitlist.csv (with one, it is `access`'s).
    pub followup: Option<&'a DataFrame>,
    /// The workload score against clinicians' own Mini-Z answers; None without wellbeing.csv.
    pub survey: Option<&'a crate::privacy::staff::Survey>,
    /// The network's burnout figures as published (the staff rule).
    pub burnout: &'a crate::privacy::staff::Burnout,
    /// Admin hours over the window by category (`workload::ADMIN_CATEGORIES`), per clinic and for
    /// the network; None without admin_time.csv.
    pub admin_categories: Option<&'a BTreeMap<u32, [f64; 6]>>,
    /// The sum of the clinics' own extra FTE, as the privacy stage publishes it (None when a
    /// clinic's gap is withheld, or without waitlist.csv).
    pub clinic_gaps: Option<crate::privacy::tables::ClinicGaps>,
    /// The comparison periods the export reaches: the previous window, the same window a year
    /// earlier.
    pub comparisons: &'a [Comparison<'a>],
}

/// Which period a comparison is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparedWith {
    PreviousWindow,
    YearEarlier,
}

impl ComparedWith {
    /// "the previous 26 weeks", "the same 26 weeks a year earlier".
    pub fn describe(self, weeks: u32) -> String {
        match self {
            ComparedWith::PreviousWindow => format!("the previous {weeks} weeks"),
            ComparedWith::YearEarlier => format!("the same {weeks} weeks a year earlier"),
        }
    }
}

/// A comparison period's tables as published, for the changes the page shows.
pub struct PeriodFigures<'a> {
    pub window: Window,
    pub totals: &'a DataFrame,
    pub clinic_weeks: &'a DataFrame,
    pub capacity: Option<&'a DataFrame>,
    pub waits: Option<&'a DataFrame>,
    pub protection: &'a Protection,
}

/// One comparison period: its headline figures and its tables, as published.
pub struct Comparison<'a> {
    pub label: ComparedWith,
    pub summary: Summary,
    pub period: PeriodFigures<'a>,
}

impl ReportInput<'_> {
    /// A count from a protected table as published: the number, "<11", "suppressed" or "withheld".
    pub fn count(&self, table: &str, frame: &DataFrame, column: &str, row: usize) -> String {
        match self.protection.hidden(table, column, row) {
            Some(hidden) => hidden.to_string(),
            None => cells::hours(i64_at(frame, column, row) as f64),
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
        match self.protection.hidden(table, column, row) {
            Some(hidden) => hidden.to_string(),
            None => show(f64_at(frame, column, row)),
        }
    }
}

/// What `write` produced: the headline figures, history.csv with this run's row (which the page
/// charts as the trend across runs), and every file written into the report folder.
pub struct Report {
    pub summary: Summary,
    pub history: History,
    pub files: Vec<Written>,
}

/// Writes `data/`, `charts/`, `rejects/`, `summary.json` and `index.html` into `dir`.
pub fn write(dir: &Path, input: &ReportInput, history: &History) -> Result<Report> {
    let sink = Sink::new(dir)?;
    let ids = input.source.ids;
    // Per-clinician tables are for the clinic's own management only (SPEC §4 audiences).
    let internal = input.audience == Audience::Internal;
    let mut tables = vec![("clinic_weeks", input.clinic_weeks)];
    if let Some(workload) = input.internal {
        tables.extend([
            ("clinician_weeks", &workload.clinician_weeks),
            ("burnout_risk", &workload.burnout.risk),
            ("risk_weeks", &workload.burnout.history),
        ]);
    }
    for (name, frame) in tables {
        sink.table(name, &tables::publishable(frame, ids)?, input.protection.tables.get(name))?;
    }
    write_rejects(&sink, &input.source.files, internal)?;

    let mut summary = summary(input, input.totals);
    for comparison in input.comparisons {
        let earlier = Some(Box::new(comparison.summary.clone()));
        match comparison.label {
            ComparedWith::PreviousWindow => summary.previous_window = earlier,
            ComparedWith::YearEarlier => summary.year_earlier = earlier,
        }
    }
    let totals = Totals {
        frame: input.totals.clone(),
        overrides: input.protection.tables.get("totals").cloned().unwrap_or_default(),
    };
    let history = history.with(&summary);
    let weeks = network_weeks(input.clinic_weeks, input.protection);
    let chart_title = match summary.admin_ratio {
        Some(ratio) => format!("Admin takes {ratio:.2} hours for every hour with clients"),
        None => "Direct client hours per week".to_owned(),
    };
    let png = sink.chart("admin_vs_direct.png", |p| charts::admin_vs_direct(p, &chart_title, &weeks))?;
    let access = access_section::write_files(&sink, input, input.access)?;
    if let (None, Some(followup)) = (input.access, input.followup) {
        // Follow-up gaps need only sessions.csv (SPEC §1: never "not available" for want of a file
        // the indicator does not use).
        let published = tables::publishable(&followup.drop_many(FOLLOWUP_INTERNAL), ids)?;
        sink.table("followup", &published, input.protection.tables.get("followup"))?;
    }

    let json = serde_json::to_string_pretty(&summary)
        .map_err(|e| Error::Internal { stage: "summary", message: e.to_string() })?;
    sink.file("summary.json", (json + "\n").as_bytes())?;

    let chart = WorkloadChart { weeks, png, title: chart_title };
    let page = html_page(&sink, input, &summary, &totals, &chart, &history, access.as_ref())?;
    sink.file("index.html", page.as_bytes())?;
    Ok(Report { summary, history, files: sink.into_written() })
}

/// The window totals by clinic, with what small-cell suppression shows instead of some cells.
pub struct Totals {
    pub frame: DataFrame,
    pub overrides: crate::privacy::tables::Overrides,
}

impl Totals {
    fn text(&self, column: &str, row: usize, show: &dyn Fn(Option<f64>) -> String) -> String {
        match self.overrides.get(column, row) {
            Some(hidden) => hidden.to_string(),
            None => show(f64_at(&self.frame, column, row)),
        }
    }
}
