//! The access section of the report: its tables (data/waitlist_weeks, waits, followup, capacity),
//! its charts, and its HTML with headline sentences and each figure's definition.

use polars::prelude::*;

use super::access_charts::{self, CapacityBar, WeekFlow};
use super::charts::Picture;
use super::html::{escape, Page};
use super::sink::Sink;
use super::{capitalise, f64_at, hours, i64_at, optional, percent, row_of, tables, u32_at, ReportInput};
use crate::dates;
use crate::error::Result;
use crate::indicators::access::{Access, FOLLOWUP_INTERNAL, SAFETY_COLUMNS, WAITS_INTERNAL};
use crate::indicators::ALL_CLINICS;
use crate::ingest::{ADMIN_TIME, WAITLIST};

/// The published access tables, in SPEC §4 order.
pub const TABLES: [&str; 5] = ["waitlist_weeks", "waits", "followup", "capacity", "safety"];

/// One rendered chart: file name, title (states the finding), PNG bytes.
pub struct Chart {
    pub file: &'static str,
    pub title: String,
    pub png: Vec<u8>,
}

/// What the access section shows, once its files are written.
pub struct Rendered {
    pub backlog: Chart,
    pub survival: Chart,
    pub within: Chart,
    pub followup: Chart,
    pub capacity: Chart,
    /// The fan chart of the projection; None when the network's backlog is not published.
    pub projection: Option<Chart>,
}

fn i32_at(frame: &DataFrame, column: &str, row: usize) -> Option<i32> {
    frame.column(column).ok()?.get(row).ok()?.extract::<i32>()
}

fn str_at(frame: &DataFrame, column: &str, row: usize) -> String {
    frame.column(column).ok().and_then(|c| c.str().ok().and_then(|s| s.get(row).map(str::to_owned))).unwrap_or_default()
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") })
}

/// A Kaplan–Meier quantile, or "over N days" when the curve never gets that low.
fn km_days(value: Option<i32>, longest: i32) -> String {
    value.map_or_else(|| format!("over {longest}"), |v| v.to_string())
}

fn clinic_name(input: &ReportInput, code: u32) -> String {
    if code == ALL_CLINICS {
        "All clinics".to_owned()
    } else {
        input.source.ids.clinics.name(code).to_owned()
    }
}

fn render(sink: &Sink, file: &'static str, title: String, draw: impl Fn(&mut Picture) -> Result<()>) -> Result<Chart> {
    let png = sink.chart(file, draw)?;
    Ok(Chart { file, title, png })
}

/// Writes the access tables and charts into the run's folder; `None` without waitlist.csv.
pub fn write_files(sink: &Sink, input: &ReportInput, access: Option<&Access>) -> Result<Option<Rendered>> {
    let Some(access) = access else { return Ok(None) };
    let frames = [&access.waitlist_weeks, &access.waits, &access.followup, &access.capacity, &access.safety];
    for (name, frame) in TABLES.iter().zip(frames) {
        let working = WAITS_INTERNAL.iter().chain(&FOLLOWUP_INTERNAL).copied();
        let published = tables::publishable(&frame.drop_many(working), input.source.ids)?;
        sink.table(name, &published, input.protection.tables.get(*name))?;
    }

    let weeks = &access.waitlist_weeks;
    let flows: Vec<WeekFlow> = (0..weeks.height())
        .filter(|&r| u32_at(weeks, "clinic", r) == ALL_CLINICS)
        .map(|r| WeekFlow {
            week: i32_at(weeks, "week", r).unwrap_or(0),
            referrals: shown_count(input, "waitlist_weeks", weeks, "referrals", r),
            first_seen: shown_count(input, "waitlist_weeks", weeks, "first_seen", r),
            backlog: shown_count(input, "waitlist_weeks", weeks, "backlog", r),
        })
        .collect();
    let backlog_title = backlog_title_for(&flows);
    let draw_backlog = || {
        render(sink, "waitlist_backlog.png", backlog_title.clone(), |p| {
            access_charts::backlog(p, &backlog_title, &flows)
        })
    };

    let waits = &access.waits;
    let all = row_of(waits, ALL_CLINICS, Some("all"));
    let km = all.and_then(|r| i32_at(waits, "km_median_days", r));
    let completed = all.and_then(|r| f64_at(waits, "completed_median_days", r));
    let km_withheld = all.is_some_and(|r| input.protection.hidden("waits", "km_median_days", r).is_some());
    let survival_title = match (km, completed) {
        _ if km_withheld => "Time to a first appointment".to_owned(),
        (Some(k), Some(c)) => {
            format!("Half wait {k} days or more; the median of those already seen says {} days", days(Some(c)))
        }
        (None, _) => "More than half of referrals have not been seen yet".to_owned(),
        _ => "Time to a first appointment".to_owned(),
    };
    let curves = &access.detail.curves;
    let draw_survival = || {
        render(sink, "wait_survival.png", survival_title.clone(), |p| {
            access_charts::survival(p, &survival_title, curves)
        })
    };

    let share = all.and_then(|r| f64_at(waits, "within_standard_share", r));
    let within_title = match share {
        Some(s) => format!("{:.0} % of referrals were seen within their waiting-time standard", s * 100.0),
        None => "Share seen within the waiting-time standard".to_owned(),
    };
    let by_week = &access.detail.within_by_week;
    let draw_within = || {
        render(sink, "within_standard.png", within_title.clone(), |p| {
            access_charts::within_standard(p, &within_title, by_week, share)
        })
    };

    let followup = &access.followup;
    let limit = input.config.followup_business_days as i32;
    let over = row_of(followup, ALL_CLINICS, None).and_then(|r| f64_at(followup, "followup_over_standard_share", r));
    let followup_title = match over {
        Some(s) => format!("{:.0} % of follow-up gaps are longer than {limit} business days", s * 100.0),
        None => "Follow-up gaps between attended sessions".to_owned(),
    };
    let gaps = &access.detail.gap_histogram;
    let draw_followup_chart = || {
        render(sink, "followup_gaps.png", followup_title.clone(), |p| {
            access_charts::followup_gaps(p, &followup_title, gaps)
        })
    };

    let bars = capacity_bars(input, &access.capacity);
    let capacity_title = match bars.first().filter(|b| b.label == clinic_name(input, ALL_CLINICS)) {
        Some(CapacityBar { extra_fte: Ok(extra), reclaim_fte, .. }) if *extra >= 0.05 => {
            let own = input.clinic_gaps.filter(|g| g.extra_fte - extra >= 0.05 && bars.len() > 2);
            match (own, reclaim_fte) {
                (Some(own), _) => format!(
                    "Pooled, the network needs {extra:.1} more FTE clinicians; its clinics on their own need {:.1}",
                    own.extra_fte
                ),
                (None, Some(reclaim)) => {
                    format!("The network needs {extra:.1} more FTE clinicians; cutting admin to target would free {reclaim:.1}")
                }
                (None, None) => format!("The network needs {extra:.1} more FTE clinicians"),
            }
        }
        Some(CapacityBar { extra_fte: Ok(_), .. }) => match input.clinic_gaps.filter(|g| g.extra_fte >= 0.05) {
            Some(own) => format!(
                "Pooled, the network has no capacity gap; its clinics on their own need {:.1} FTE",
                own.extra_fte
            ),
            None => "First appointments keep pace with referrals: no capacity gap".to_owned(),
        },
        Some(CapacityBar { extra_fte: Err(_), .. }) => "Capacity gap by clinic".to_owned(),
        None => "Capacity gap".to_owned(),
    };
    let draw_capacity = || {
        render(sink, "capacity_gap.png", capacity_title.clone(), |p| access_charts::capacity(p, &capacity_title, &bars))
    };
    // The five charts are independent: draw them in parallel.
    let ((backlog, survival), (within, (followup_chart, capacity))) = rayon::join(
        || rayon::join(draw_backlog, draw_survival),
        || rayon::join(draw_within, || rayon::join(draw_followup_chart, draw_capacity)),
    );
    let projection = super::projection_section::write_files(sink, input, access)?;
    Ok(Some(Rendered {
        projection,
        backlog: backlog?,
        survival: survival?,
        within: within?,
        followup: followup_chart?,
        capacity: capacity?,
    }))
}

/// A count as a number, or None when suppression hides it.
fn shown_count(input: &ReportInput, table: &str, frame: &DataFrame, column: &str, row: usize) -> Option<i64> {
    match input.protection.hidden(table, column, row) {
        Some(_) => None,
        None => Some(i64_at(frame, column, row)),
    }
}

fn backlog_title_for(flows: &[WeekFlow]) -> String {
    // Weeks before the export's first referral are empty, not an empty list: start the story at the
    // first week with any movement or anyone waiting (a hidden count is at least one).
    let moving = |v: Option<i64>| v != Some(0);
    let active = flows
        .iter()
        .position(|f| moving(f.backlog) || moving(f.referrals) || moving(f.first_seen))
        .map_or(flows, |first| &flows[first..]);
    let flows = active;
    let ends = (flows.first().map(|f| f.backlog), flows.last().map(|f| f.backlog));
    match ends {
        (Some(Some(a)), Some(Some(b))) if b > a => {
            format!("The waitlist grew from {a} to {b} people in {} weeks", flows.len())
        }
        (Some(Some(a)), Some(Some(b))) if b < a => {
            format!("The waitlist fell from {a} to {b} people in {} weeks", flows.len())
        }
        (_, Some(Some(b))) => format!("{b} people are waiting for a first appointment"),
        (_, Some(None)) => "People waiting for a first appointment, week by week".to_owned(),
        _ => "Waitlist".to_owned(),
    }
}

/// The network first, then each clinic; FTE now is the clinic's FTE in the last complete week.
fn capacity_bars(input: &ReportInput, capacity: &DataFrame) -> Vec<CapacityBar> {
    let weeks = input.clinic_weeks;
    let fte_now = |clinic: u32| {
        (0..weeks.height())
            .find(|&r| u32_at(weeks, "clinic", r) == clinic && i32_at(weeks, "week", r) == Some(input.window.last_week))
            .and_then(|r| f64_at(weeks, "fte", r))
            .unwrap_or(0.0)
    };
    let mut rows: Vec<usize> = (0..capacity.height()).collect();
    rows.sort_by_key(|&r| (u32_at(capacity, "clinic", r) != ALL_CLINICS, u32_at(capacity, "clinic", r)));
    let threshold = input.protection.threshold().unwrap_or(0);
    rows.into_iter()
        .map(|r| {
            let clinic = u32_at(capacity, "clinic", r);
            let hidden = |column: &str| input.protection.hidden("capacity", column, r).is_some();
            let extra_fte = match f64_at(capacity, "extra_fte", r) {
                Some(fte) => Ok(fte),
                None if hidden("backlog") => Err(format!("withheld: fewer than {threshold} waiting")),
                None if hidden("referrals_per_week") || hidden("starts_per_week") => {
                    Err(format!("withheld: fewer than {threshold} referrals or first appointments"))
                }
                None if hidden("extra_fte") => Err("withheld (it would give a hidden count away)".to_owned()),
                None => Err("no client seen in 52 weeks".to_owned()),
            };
            CapacityBar {
                label: clinic_name(input, clinic),
                fte_now: fte_now(clinic),
                extra_fte,
                reclaim_fte: f64_at(capacity, "admin_reclaim_fte", r),
                clearance_fte: f64_at(capacity, "clearance_fte", r),
            }
        })
        .collect()
}

fn definition(page: &mut Page, text: &str) {
    page.raw(&format!("<details><summary>Definition</summary><p>{}</p></details>", escape(text)));
}

/// Thousands-separated whole number for money (no currency symbol: the config does not name one).
fn money(value: f64) -> String {
    hours(value)
}

/// Headline sentences a funder can quote.
fn headlines(input: &ReportInput, access: &Access) -> Vec<String> {
    let waits = &access.waits;
    let mut sentences = Vec::new();
    if let Some(r) = row_of(waits, ALL_CLINICS, Some("all"))
        .filter(|&r| input.protection.hidden("waits", "km_median_days", r).is_none())
    {
        let longest = access.detail.curves.iter().find(|c| c.urgency == "all").map_or(0, |c| c.last_day);
        let completed = f64_at(waits, "completed_median_days", r);
        let seen_only = match completed {
            Some(c) => format!("counting only those already seen would say {} days", days(Some(c))),
            None => "nobody referred in that time has been seen yet".to_owned(),
        };
        sentences.push(match i32_at(waits, "km_median_days", r) {
            Some(k) => format!(
                "Half of the people referred in the last 12 months wait {k} days or more for a first appointment; {seen_only}."
            ),
            None => format!(
                "More than half of the people referred in the last 12 months have waited over {longest} days without a first appointment; {seen_only}."
            ),
        });
    }
    sentences
}

/// FTE with one decimal, or two below one clinician, where one decimal would round a gap away.
fn fte(value: f64) -> String {
    if value > 0.0 && value < 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// The funding ask in words: the network's pooled gap split into its recurring and its
/// time-limited part, at the configured and at the observed direct hours per FTE, priced when a
/// cost is configured; the clinics' own gaps beside it and what pooling assumes; what admin
/// reclaim covers in the network and within each clinic.
fn ask(input: &ReportInput, access: &Access) -> Vec<String> {
    let capacity = &access.capacity;
    let config = input.config;
    let Some(r) = row_of(capacity, ALL_CLINICS, None) else { return Vec::new() };
    if input.protection.hidden("capacity", "extra_fte", r).is_some() {
        return Vec::new();
    }
    let value = |column: &str, row: usize| f64_at(capacity, column, row);
    let cost_of =
        |column: &str, row: usize| value(column, row).map(|c| format!(" (≈ {} a year)", money(c))).unwrap_or_default();
    let per_fte = config.components.direct_hours_per_fte.green;
    let Some(extra) = value("extra_fte", r) else {
        return vec![
            "The capacity gap cannot be put in clinicians: no client was seen in the last 52 weeks.".to_owned()
        ];
    };
    let mut sentences = Vec::new();
    if extra <= 0.0 {
        sentences.push("Pooled as one network, first appointments keep pace with referrals and the backlog is within the routine standard: the network as a whole needs no extra clinicians.".to_owned());
    }
    let recurring = value("recurring_fte", r).unwrap_or(0.0);
    let clearance = value("clearance_fte", r).unwrap_or(0.0);
    let parts = match (recurring > 0.0, clearance > 0.0) {
        (true, true) => format!(
            ": {} every week for as long as referrals outpace first appointments as they do now, and {} more for {} weeks to bring the waitlist down to its target of {}",
            fte(recurring),
            fte(clearance),
            config.clearance_weeks,
            optional(value("target_backlog", r), 0)
        ),
        (true, false) => ": all of it recurring, because referrals outpace first appointments every week".to_owned(),
        (false, _) => format!(
            ": all of it time-limited, to bring the waitlist down to its target of {} over {} weeks; first appointments already keep pace with referrals",
            optional(value("target_backlog", r), 0),
            config.clearance_weeks
        ),
    };
    if extra > 0.0 {
        sentences.push(format!(
            "Closing the network's capacity gap needs {} more full-time clinicians{} at {per_fte} direct client hours per FTE-week{parts}.",
            fte(extra),
            cost_of("annual_cost", r)
        ));
    }
    if let (true, Some(observed), Some(at_observed)) =
        (extra > 0.0, value("direct_hours_per_fte", r), value("extra_fte_at_observed", r))
    {
        sentences.push(format!(
            "The network's clinicians delivered {observed:.1} direct client hours per FTE-week over the last {} weeks; at that rate the gap is {} full-time clinicians{}.",
            config.capacity_window_weeks,
            fte(at_observed),
            cost_of("annual_cost_at_observed", r)
        ));
    }
    if extra > 0.0 && config.annual_cost_per_fte.is_none() {
        sentences.push("No cost is shown: set annual_cost_per_fte in the configuration to price the ask.".to_owned());
    }
    let clinics: Vec<usize> =
        (0..capacity.height()).filter(|&k| u32_at(capacity, "clinic", k) != ALL_CLINICS).collect();
    if clinics.len() > 1 {
        match input.clinic_gaps {
            Some(gaps) => {
                let each: Vec<String> = clinics
                    .iter()
                    .map(|&k| {
                        let gap = value("extra_fte", k).unwrap_or(0.0);
                        let name = clinic_name(input, u32_at(capacity, "clinic", k));
                        if gap >= 0.005 {
                            format!("{name} {}", fte(gap))
                        } else {
                            format!("{name} none")
                        }
                    })
                    .collect();
                let network = if extra > 0.0 { format!("the network's {}", fte(extra)) } else { "the network's none".to_owned() };
                let pooled = if (gaps.extra_fte - extra).abs() < 0.005 {
                    "the same as the network's pooled figure, because no clinic has capacity to spare".to_owned()
                } else if gaps.extra_fte > extra {
                    format!(
                        "more than {network}: the network figure pools the clinics, so it assumes clients or clinicians move between clinics and that spare capacity in one serves another's waitlist"
                    )
                } else {
                    format!("less than {network}")
                };
                if gaps.extra_fte > 0.0 || extra > 0.0 {
                    sentences.push(format!(
                        "Each clinic on its own needs {}: {} in all, {pooled}.",
                        each.join(", "),
                        fte(gaps.extra_fte)
                    ));
                }
            }
            None => sentences.push(
                "The clinics' own gaps are not added up here: the gap of at least one clinic is withheld to protect the people in it."
                    .to_owned(),
            ),
        }
    }
    if input.source.has_admin {
        let target = config.components.admin_ratio.green;
        if let (true, Some(reclaim)) =
            (extra > 0.0 || input.clinic_gaps.is_some_and(|g| g.extra_fte > 0.0), value("admin_reclaim_fte", r))
        {
            let share = value("reclaim_share_of_gap", r)
                .map(|p| format!(", {:.0} % of the pooled gap", p * 100.0))
                .unwrap_or_default();
            let within: Vec<String> = clinics
                .iter()
                .filter_map(|&k| {
                    let gap = value("extra_fte", k).filter(|g| *g >= 0.005)?;
                    let own = value("admin_reclaim_fte", k)?;
                    Some(format!(
                        "{} needs {} and its own admin reclaim would free {}",
                        clinic_name(input, u32_at(capacity, "clinic", k)),
                        fte(gap),
                        fte(own)
                    ))
                })
                .collect();
            let within = if within.is_empty() || clinics.len() < 2 {
                String::new()
            } else {
                format!("; within each clinic, {}", within.join("; "))
            };
            sentences.push(format!(
                "Cutting admin to the target of {target} admin hours per client hour would free the time of {} full-time clinicians across the network{share}{within}.",
                fte(reclaim)
            ));
        }
    } else if extra > 0.0 {
        sentences.push(format!("The admin reclaim is not available (no {ADMIN_TIME})."));
    }
    sentences
}

fn figure(page: &mut Page, chart: &Chart, alt: &str, caption: &str) {
    page.figure(&chart.png, alt, &format!("{}. {caption}", chart.title));
}

/// The access section, after the workload section.
pub fn section(page: &mut Page, input: &ReportInput, access: Option<&Access>, rendered: Option<&Rendered>) {
    page.section("access", "Access: waiting for care, and the capacity to end the wait");
    let (Some(access), Some(rendered)) = (access, rendered) else {
        page.paragraph(&format!("Access and capacity indicators: not available (no {WAITLIST})."));
        page.end_section();
        return;
    };
    for sentence in headlines(input, access) {
        page.raw(&format!("<p class=\"headline\">{}</p>", escape(&sentence)));
    }
    let ask = ask(input, access);
    if !ask.is_empty() {
        page.raw(&format!("<p class=\"headline ask\">{}</p>", escape(&ask.join(" "))));
    }
    let config = input.config;
    let standards = &config.standard_days;

    // Backlog.
    let weeks = &access.waitlist_weeks;
    let network: Vec<usize> = (0..weeks.height()).filter(|&r| u32_at(weeks, "clinic", r) == ALL_CLINICS).collect();
    let alt = format!(
        "Two-panel chart over {} weeks: the number of people waiting at each Sunday, and weekly referrals and first appointments for all clinics.",
        network.len()
    );
    figure(page, &rendered.backlog, &alt, "Upper panel: people waiting at each Sunday. Lower panel: referrals received and first appointments per week, all clinics.");
    definition(page, "Backlog at a Sunday D counts referrals with referred_on ≤ D that were neither first seen nor closed on or before D. Referrals are counted in the week they were received, first appointments in the week of first_seen_on, closed unseen in the week of closed_on. Dates after the as-of date have not happened yet.");
    let rows: Vec<Vec<String>> = network
        .iter()
        .map(|&r| {
            vec![
                i32_at(weeks, "week", r).map(dates::format_day).unwrap_or_default(),
                input.count("waitlist_weeks", weeks, "referrals", r),
                input.count("waitlist_weeks", weeks, "first_seen", r),
                input.count("waitlist_weeks", weeks, "closed_unseen", r),
                input.count("waitlist_weeks", weeks, "backlog", r),
            ]
        })
        .collect();
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["Week starting", "Referrals", "First appointments", "Closed unseen", "Waiting at Sunday"], &rows);
    page.raw("</details>");

    // Waits.
    figure(
        page,
        &rendered.survival,
        "Step curves of the share of referrals still waiting against days since referral, by urgency, with each urgency's standard as a dashed vertical line.",
        "Share still waiting for a first appointment by days since referral (Kaplan–Meier, counting people still waiting), referrals of the last 12 months; dashed lines mark the standards.",
    );
    definition(page, &format!(
        "Cohort: referrals received in the 365 days up to the as-of date. Kaplan–Meier estimate: the event is the first appointment; a referral closed unseen is censored at its closing day, one still waiting at the as-of date. The median is the first day on which the estimated share still waiting is 50 % or less, the 90th percentile the first day it is 10 % or less; when the curve never gets that low the table says \"over N days\" (N = the longest wait observed). The median of completed waits counts only people already seen, so it leaves out the longest waits and understates the wait. Standards: routine {} days, urgent {}, emergency {}.",
        standards.routine, standards.urgent, standards.emergency
    ));
    let waits = &access.waits;
    let longest = |urgency: &str| access.detail.curves.iter().find(|c| c.urgency == urgency).map_or(0, |c| c.last_day);
    let rows: Vec<Vec<String>> = (0..waits.height())
        .filter(|&r| {
            let clinic = u32_at(waits, "clinic", r);
            (clinic == ALL_CLINICS || str_at(waits, "urgency", r) == "all")
                && shown_count(input, "waits", waits, "referrals", r) != Some(0)
        })
        .map(|r| {
            let urgency = str_at(waits, "urgency", r);
            let clinic = u32_at(waits, "clinic", r);
            // Per-clinic rows say "over" the network's longest wait only when it is their own too;
            // the table keeps the simpler "not reached" there.
            let not_reached = |v: Option<i32>| {
                if clinic == ALL_CLINICS {
                    km_days(v, longest(&urgency))
                } else {
                    v.map_or_else(|| "not reached".to_owned(), |d| d.to_string())
                }
            };
            vec![
                clinic_name(input, clinic),
                urgency.clone(),
                input.count("waits", waits, "referrals", r),
                input.count("waits", waits, "seen", r),
                input.count("waits", waits, "still_waiting", r),
                input.count("waits", waits, "closed_unseen", r),
                input.figure("waits", waits, "km_median_days", r, |v| not_reached(v.map(|d| d as i32))),
                input.figure("waits", waits, "km_p90_days", r, |v| not_reached(v.map(|d| d as i32))),
                input.figure("waits", waits, "completed_median_days", r, days),
                input.figure("waits", waits, "within_standard_share", r, percent),
            ]
        })
        .collect();
    page.table(
        "Wait to a first appointment (days), referrals of the last 12 months: the network by urgency, then each clinic",
        &[
            "Clinic",
            "Urgency",
            "Referrals",
            "Seen",
            "Still waiting",
            "Closed unseen",
            "Median (KM)",
            "90th pct (KM)",
            "Median of completed waits",
            "Seen within standard",
        ],
        &rows,
    );

    // Within standard.
    let by_week: Vec<Vec<String>> = access
        .detail
        .within_by_week
        .iter()
        .filter(|w| w.judged > 0)
        .map(|w| {
            // Privacy has already left out (or rounded) the weeks it may not show as they are.
            let (judged, within) = (w.judged.to_string(), w.within.to_string());
            let share = percent(Some(f64::from(w.within) / f64::from(w.judged)));
            vec![dates::format_day(w.week), judged, within, share]
        })
        .collect();
    figure(
        page,
        &rendered.within,
        "Line chart of the weekly share of referrals seen within their standard, by week received, with the 12-month share as a dashed line.",
        &format!(
            "By the week the referral was received, for weeks whose every deadline has passed; each referral is judged against the standard of its urgency. The dashed line is the share over the last 12 months (no target share is configured).{}",
            match input.protection.people {
                Some(crate::privacy::tables::PeopleRule::Suppress { min_cell: m }) => format!(" Weeks with fewer than {m} referrals judged, or fewer than {m} seen within or not within the standard (but some), are left out to protect the people in them."),
                Some(crate::privacy::tables::PeopleRule::Round(r)) => format!(" Counts are rounded to the nearest {} and the share computed from them; weeks with 1 to {} referrals seen within or not within the standard are left out to protect the people in them.", r.base, r.hide_max),
                None => String::new(),
            }
        ),
    );
    definition(page, "Among referrals of the last 12 months whose deadline (referred_on + standard_days) is on or before the as-of date, leaving out those closed unseen on or before the deadline: the share with first_seen_on − referred_on ≤ standard_days. A referral closed unseen after its deadline counts as not seen within standard. Recent weeks drop out until their deadline has passed.");
    page.raw("<details><summary>The numbers behind this chart</summary>");
    page.table("", &["Week received", "Judged", "Seen within standard", "Share"], &by_week);
    page.raw("</details>");

    // Follow-up.
    let limit = config.followup_business_days;
    figure(
        page,
        &rendered.followup,
        &format!("Histogram of follow-up gaps in business days, with the {limit}-business-day standard as a dashed line."),
        &format!("Gaps between consecutive attended sessions of a client at a clinic whose later session is in the report window; dashed line: {limit} business days."),
    );
    definition(page, &format!(
        "For each client and clinic, consecutive attended sessions ordered by start; a gap counts when its later session falls in the report window. Business days are the weekdays in (earlier date, later date]; a gap is over standard when longer than {limit}. The second wait (the hidden wait) is the days from the 1st to the 2nd attended session, for clients whose 1st attended session is in the last 52 complete weeks; clients without a 2nd session yet are not in its median."
    ));
    let followup = &access.followup;
    let rows: Vec<Vec<String>> = (0..followup.height())
        .map(|r| {
            vec![
                clinic_name(input, u32_at(followup, "clinic", r)),
                input.count("followup", followup, "clients", r),
                input.figure("followup", followup, "second_wait_median_days", r, days),
                input.count("followup", followup, "followup_gaps", r),
                input.figure("followup", followup, "followup_over_standard_share", r, percent),
            ]
        })
        .collect();
    page.table(
        "Hidden wait and follow-up gaps",
        &["Clinic", "Clients with a 2nd session", "Median 2nd wait (days)", "Follow-up gaps", "Over standard"],
        &rows,
    );

    // Capacity.
    let capacity = &access.capacity;
    // Every clinic has a row; one whose gap is withheld says why in its row.
    let withheld: Vec<String> = capacity_bars(input, capacity)
        .into_iter()
        .filter_map(|b| b.extra_fte.err().filter(|reason| reason.starts_with("withheld")).map(|_| b.label))
        .collect();
    let withheld_note = if withheld.is_empty() {
        String::new()
    } else {
        format!(
            " The gap of {} is withheld: it would name a count of people the report does not show (see Methods).",
            withheld.join(", ")
        )
    };
    figure(
        page,
        &rendered.capacity,
        "Horizontal bars per clinic: clinician FTE now, the extra FTE needed (recurring, then time-limited backlog clearance), and the FTE admin reclaim would free.",
        &format!(
            "Extra FTE needed: dark, every week to keep pace with referrals; light, for {} weeks to clear the backlog above target. Thin bar: what cutting admin to the target ratio would free.{withheld_note}",
            config.clearance_weeks
        ),
    );
    let cost_note = match config.annual_cost_per_fte {
        Some(cost) => format!(" Annual cost = extra FTE × {} (annual_cost_per_fte).", money(cost)),
        None => " No annual_cost_per_fte is configured, so no cost is shown.".to_owned(),
    };
    definition(page, &format!(
        "Over the last {w} complete weeks: λ = mean referrals per week, μ = mean first appointments per week (weeks without any counted as zero); B = people waiting at the as-of date; target backlog B* = λ × {r} / 7 weeks (the routine standard, by Little's law). Extra first appointments per week = max(0, λ − μ) + max(0, B − B*) / {c} (clearance_weeks). Hours per client = direct client hours over the last 52 complete weeks / distinct clients with an attended session in them. Extra FTE = extra starts × hours per client / {h} direct hours per FTE-week.{cost_note} Admin reclaim = mean weekly Σ over clinicians of max(0, admin hours − {t} × direct hours) over the same {w} weeks, in hours, in FTE (/ {h}), and as a share of the extra FTE (capped at 100 %; empty when there is no gap). The network row is computed as one network, not as a sum of clinics.",
        w = config.capacity_window_weeks,
        r = standards.routine,
        c = config.clearance_weeks,
        h = config.components.direct_hours_per_fte.green,
        t = config.components.admin_ratio.green,
    ));
    let has_admin = input.source.has_admin;
    let rows: Vec<Vec<String>> = (0..capacity.height())
        .map(|r| {
            let na = |v: Option<f64>, digits: usize| if has_admin { optional(v, digits) } else { "–".to_owned() };
            vec![
                clinic_name(input, u32_at(capacity, "clinic", r)),
                optional(f64_at(capacity, "referrals_per_week", r), 1),
                optional(f64_at(capacity, "starts_per_week", r), 1),
                input.count("capacity", capacity, "backlog", r),
                optional(f64_at(capacity, "target_backlog", r), 0),
                input.figure("capacity", capacity, "extra_starts_per_week", r, |v| optional(v, 2)),
                optional(f64_at(capacity, "hours_per_client", r), 1),
                input.figure("capacity", capacity, "extra_fte", r, |v| optional(v, 2)),
                input.figure("capacity", capacity, "recurring_fte", r, |v| optional(v, 2)),
                input.figure("capacity", capacity, "clearance_fte", r, |v| optional(v, 2)),
                optional(f64_at(capacity, "direct_hours_per_fte", r), 1),
                input.figure("capacity", capacity, "extra_fte_at_observed", r, |v| optional(v, 2)),
                input.figure("capacity", capacity, "annual_cost", r, |v| v.map_or_else(|| "–".to_owned(), money)),
                na(f64_at(capacity, "admin_reclaim_hours_per_week", r), 1),
                na(f64_at(capacity, "admin_reclaim_fte", r), 2),
                input.figure("capacity", capacity, "reclaim_share_of_gap", r, percent),
            ]
        })
        .collect();
    page.table(
        "Capacity gap",
        &[
            "Clinic",
            "Referrals / week",
            "First appts / week",
            "Waiting now",
            "Target waiting",
            "Extra starts / week",
            "Hours per client",
            "Extra FTE",
            "of which recurring",
            "of which clearance",
            "Direct h per FTE-week delivered",
            "Extra FTE at that rate",
            "Annual cost",
            "Admin reclaim h / week",
            "Reclaim FTE",
            "Share of gap",
        ],
        &rows,
    );
    super::projection_section::section(page, input, access, rendered.projection.as_ref());
    page.raw(&format!(
        "<p class=\"note\">Tables: {}, data/scenarios.csv, data/projection.csv.</p>",
        escape(&TABLES.iter().map(|t| format!("data/{t}.csv")).collect::<Vec<_>>().join(", "))
    ));
    page.end_section();
}

/// A callout, before everything else, when urgent or emergency referrals miss their standard: the
/// share seen within it over the last 12 months and the people waiting past it today, by clinic.
pub fn safety_callout(page: &mut Page, input: &ReportInput) {
    let Some(access) = input.access else { return };
    let (waits, safety) = (&access.waits, &access.safety);
    let standards = &input.config.standard_days;
    let levels =
        [("emergency", standards.emergency, SAFETY_COLUMNS[1].0), ("urgent", standards.urgent, SAFETY_COLUMNS[0].0)];
    let share = |clinic: u32, urgency: &str| {
        row_of(waits, clinic, Some(urgency)).and_then(|r| f64_at(waits, "within_standard_share", r))
    };
    let waiting = |clinic: u32, column: &str| row_of(safety, clinic, None).map(|r| (r, i64_at(safety, column, r)));
    let missed = levels.iter().any(|&(urgency, _, column)| {
        share(ALL_CLINICS, urgency).is_some_and(|s| s < 1.0)
            || waiting(ALL_CLINICS, column)
                .is_some_and(|(r, n)| n > 0 || input.protection.hidden("safety", column, r).is_some())
    });
    if !missed {
        return;
    }
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{:.0} %", v * 100.0));
    let mut sentences = Vec::new();
    for &(urgency, days, column) in &levels {
        let Some(r) = row_of(waits, ALL_CLINICS, Some(urgency)) else { continue };
        let within = input.figure("waits", waits, "within_standard_share", r, pct);
        let now = waiting(ALL_CLINICS, column)
            .map_or_else(|| "0".to_owned(), |(r, _)| input.count("safety", safety, column, r));
        let plural = if days == 1 { "day" } else { "days" };
        let share = if within.ends_with('%') {
            format!("{within} of {urgency} referrals of the last 12 months were seen within their standard of {days} {plural}")
        } else {
            format!("the share of {urgency} referrals seen within their standard of {days} {plural} is {within}")
        };
        sentences
            .push(format!("{}; referred as {urgency} and waiting longer than that today: {now}.", capitalise(&share)));
    }
    page.raw("<aside class=\"callout\" aria-label=\"Safety\"><h2 class=\"callout-title\">Safety first: urgent and emergency referrals are missing their standards</h2>");
    page.paragraph(&sentences.join(" "));
    let mut rows_order: Vec<usize> = (0..safety.height()).collect();
    rows_order.sort_by_key(|&r| (u32_at(safety, "clinic", r) == ALL_CLINICS, u32_at(safety, "clinic", r)));
    let rows: Vec<Vec<String>> = rows_order
        .into_iter()
        .map(|r| {
            let clinic = u32_at(safety, "clinic", r);
            let mut row = vec![clinic_name(input, clinic)];
            for &(urgency, _, column) in &levels {
                row.push(super::clinic_access_text(
                    input,
                    "waits",
                    |a| &a.waits,
                    clinic,
                    "within_standard_share",
                    Some(urgency),
                    &pct,
                ));
                row.push(input.count("safety", safety, column, r));
            }
            row
        })
        .collect();
    let e = standards.emergency;
    let u = standards.urgent;
    let header = [
        "Clinic".to_owned(),
        format!("Emergency: seen within {e} day{}", if e == 1 { "" } else { "s" }),
        format!("Emergency: waiting over {e} day{} now", if e == 1 { "" } else { "s" }),
        format!("Urgent: seen within {u} days"),
        format!("Urgent: waiting over {u} days now"),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    page.table("", &header, &rows);
    page.raw("<p class=\"note\">Shares: referrals of the last 12 months whose deadline has passed (see Access). People waiting: referrals not seen and not closed at the as-of date, referred longer ago than their standard. Table: data/safety.csv.</p></aside>");
}
