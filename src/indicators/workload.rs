//! `clinician_weeks` and `clinic_weeks` (SPEC §3 and its appendix).

use polars::prelude::*;
use std::collections::BTreeMap;

use super::burnout::{self, Available, Burnout};
use super::frames;
use super::{Window, ALL_CLINICS};
use crate::config::Config;
use crate::dates::{self, Day, Moment};
use crate::ingest::values::{Category, Status};
use crate::ingest::{AdminTime, Dataset, Sessions, NOT_SIGNED};

/// Weeks of clinician-week detail kept for the capacity gap's hours per client (SPEC appendix).
pub const DETAIL_YEAR_WEEKS: u32 = 52;

/// Active caseload looks back over 90 calendar days ending on the week's Sunday (appendix).
const CASELOAD_DAYS: i32 = 90;

pub struct Workload {
    /// Every clinician-week figure, internal columns included (seconds, counts), from the start of
    /// the first risk window that ends in the report window.
    pub detail: DataFrame,
    /// One row per clinician and worked week of the report window: the published columns.
    pub clinician_weeks: DataFrame,
    /// One row per clinic and week, then the network (`clinic` = ALL_CLINICS) per week.
    pub clinic_weeks: DataFrame,
    pub burnout: Burnout,
}

fn keys() -> [Expr; 3] {
    [col("clinic"), col("clinician"), col("week")]
}

fn count_where(condition: Expr, name: &str) -> Expr {
    condition.cast(DataType::Int64).sum().alias(name)
}

fn full_join(left: LazyFrame, right: LazyFrame, on: &[Expr]) -> LazyFrame {
    left.join(right, on, on, JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns))
}

/// `numerator / denominator`, empty where the denominator is 0 (never infinite).
fn ratio(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0)))
        .then(numerator.cast(DataType::Float64) / denominator.cast(DataType::Float64))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// `direct_s` → `direct_hours` in hours; `after_hours_s` → `after_hours`.
fn hours(seconds: &str) -> Expr {
    let stem = seconds.trim_end_matches("_s");
    let name = if stem.ends_with("hours") { stem.to_owned() } else { format!("{stem}_hours") };
    (col(seconds).cast(DataType::Float64) / lit(3600.0)).alias(name)
}

/// Per clinician-week session figures: counts by status, direct time as the union of attended
/// intervals, high-acuity and late-note counts. One sorted scan over the ingested sessions of the
/// window: sorted by clinician and start, a session adds the part of its interval beyond the
/// furthest end reached so far in its week (copying the sessions into polars to sort them there
/// was the run's peak of memory).
fn session_weeks(s: &Sessions, window: &Window, config: &Config, has_notes: bool) -> PolarsResult<LazyFrame> {
    use rayon::slice::ParallelSliceMut;
    let mut order: Vec<(u32, u32, Moment, u32)> = (0..s.len())
        .filter(|&i| {
            let day = dates::day_of(s.start[i]);
            s.status[i] != Status::Scheduled
                && day <= window.as_of
                && (window.first_week..=window.last_week).contains(&dates::week_start(day))
        })
        .map(|i| (s.clinic[i], s.clinician[i], s.start[i], i as u32))
        .collect();
    order.par_sort_unstable();
    let as_of_end = frames::end_of_day(window.as_of);
    let late_after = (config.doc_late_hours * 3600.0) as i64;
    let mut out = SessionWeeks::default();
    let mut covered_until = Moment::MIN;
    for (k, &(clinic, clinician, start, i)) in order.iter().enumerate() {
        let i = i as usize;
        let week = dates::week_start(dates::day_of(start));
        let new_group = k == 0
            || out.clinic.last() != Some(&clinic)
            || out.clinician.last() != Some(&clinician)
            || out.week.last() != Some(&week);
        if new_group {
            out.open(clinic, clinician, week);
            covered_until = Moment::MIN;
        }
        let last = out.week.len() - 1;
        match s.status[i] {
            Status::Attended => {
                let end = s.end(i);
                out.direct_s[last] += (end - covered_until.max(start)).max(0);
                covered_until = covered_until.max(end);
                out.sessions_attended[last] += 1;
                out.high_acuity_sessions[last] += i64::from(s.high_acuity[i]);
                let signed = s.note_signed[i];
                let unsigned_for = if signed == NOT_SIGNED { as_of_end } else { signed } - end;
                out.doc_late_sessions[last] += i64::from(unsigned_for > late_after);
            }
            Status::NoShow => out.no_show[last] += 1,
            Status::CancelledLate => out.cancelled_late[last] += 1,
            Status::CancelledClient => out.cancelled_client[last] += 1,
            Status::CancelledClinician => out.cancelled_clinician[last] += 1,
            Status::Scheduled => {}
        }
    }
    let mut columns = vec![
        Column::new("clinic".into(), out.clinic),
        Column::new("clinician".into(), out.clinician),
        Column::new("week".into(), out.week),
        Column::new("direct_s".into(), out.direct_s),
        Column::new("sessions_attended".into(), out.sessions_attended),
        Column::new("no_show".into(), out.no_show),
        Column::new("cancelled_late".into(), out.cancelled_late),
        Column::new("cancelled_client".into(), out.cancelled_client),
        Column::new("cancelled_clinician".into(), out.cancelled_clinician),
        Column::new("high_acuity_sessions".into(), out.high_acuity_sessions),
    ];
    if has_notes {
        columns.push(Column::new("doc_late_sessions".into(), out.doc_late_sessions));
    }
    Ok(DataFrame::new_infer_height(columns)?.lazy())
}

/// The columns `session_weeks` builds, one entry per clinician-week.
#[derive(Default)]
struct SessionWeeks {
    clinic: Vec<u32>,
    clinician: Vec<u32>,
    week: Vec<Day>,
    direct_s: Vec<i64>,
    sessions_attended: Vec<i64>,
    no_show: Vec<i64>,
    cancelled_late: Vec<i64>,
    cancelled_client: Vec<i64>,
    cancelled_clinician: Vec<i64>,
    high_acuity_sessions: Vec<i64>,
    doc_late_sessions: Vec<i64>,
}

impl SessionWeeks {
    fn open(&mut self, clinic: u32, clinician: u32, week: Day) {
        self.clinic.push(clinic);
        self.clinician.push(clinician);
        self.week.push(week);
        for counts in [
            &mut self.direct_s,
            &mut self.sessions_attended,
            &mut self.no_show,
            &mut self.cancelled_late,
            &mut self.cancelled_client,
            &mut self.cancelled_clinician,
            &mut self.high_acuity_sessions,
            &mut self.doc_late_sessions,
        ] {
            counts.push(0);
        }
    }
}

/// Admin seconds by clinician-week: admin (the categories below supervision), documentation,
/// supervision (received and given), training, supervision received, and after hours. One sorted
/// scan over the entries dated up to as_of in the window's weeks (a polars group-by on the three
/// keys cost several times as much on a network-scale export).
fn admin_weeks(admin: &AdminTime, window: &Window) -> PolarsResult<LazyFrame> {
    use rayon::slice::ParallelSliceMut;
    let mut order: Vec<(u32, u32, i32, u32)> = (0..admin.date.len())
        .filter(|&i| admin.date[i] <= window.as_of)
        .map(|i| (admin.clinic[i], admin.clinician[i], dates::week_start(admin.date[i]), i as u32))
        .filter(|&(_, _, week, _)| (window.first_week..=window.last_week).contains(&week))
        .collect();
    order.par_sort_unstable();
    let (mut clinic, mut clinician, mut week) = (Vec::new(), Vec::new(), Vec::new());
    let mut sums: [Vec<i64>; 6] = Default::default();
    for group in order.chunk_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
        let mut total = [0i64; 6];
        for &(_, _, _, i) in group {
            let (seconds, category) = (admin.seconds[i as usize], admin.category[i as usize]);
            let is = |c: Category| category == c;
            let parts = [
                (category as i32) < (Category::SupervisionReceived as i32),
                is(Category::Documentation),
                is(Category::SupervisionReceived) || is(Category::SupervisionGiven),
                is(Category::Training),
                is(Category::SupervisionReceived),
                admin.after_hours[i as usize],
            ];
            for (sum, counts) in total.iter_mut().zip(parts) {
                if counts {
                    *sum += seconds;
                }
            }
        }
        clinic.push(group[0].0);
        clinician.push(group[0].1);
        week.push(group[0].2);
        for (column, value) in sums.iter_mut().zip(total) {
            column.push(value);
        }
    }
    let names =
        ["admin_s", "documentation_s", "supervision_s", "training_s", "supervision_received_s", "after_hours_s"];
    let mut columns = vec![
        Column::new("clinic".into(), clinic),
        Column::new("clinician".into(), clinician),
        Column::new("week".into(), week),
    ];
    columns.extend(names.iter().zip(sums).map(|(name, values)| Column::new((*name).into(), values)));
    Ok(DataFrame::new_infer_height(columns)?.lazy())
}

/// Distinct clients with an attended session in the 90 days ending on each week's Sunday.
///
/// Each client's attended dates are merged into spans (dates closer than 90 days apart), a span
/// [a, b] keeps the client active for the weeks whose Sunday lies in [a, b + 89], and the weekly
/// count is a running sum of +1/−1 events: one sorted scan, not a 90-day join per week. The scan
/// runs over the ingested columns: sorting 4 keys and grouping by 3 in polars cost several times
/// as much on a network-scale export (bench/run.sh).
fn active_caseload(sessions: &Sessions, worked: LazyFrame, window: &Window) -> PolarsResult<LazyFrame> {
    use rayon::slice::ParallelSliceMut;
    let mut visits: Vec<(u32, u32, u32, i32)> = (0..sessions.len())
        .filter(|&i| sessions.status[i] == Status::Attended)
        .map(|i| (sessions.clinic[i], sessions.clinician[i], sessions.client[i], dates::day_of(sessions.start[i])))
        // A span that ends 90 days and a week before the window opens counts in none of its
        // weeks, and one that reaches into the window starts before it however it began.
        .filter(|v| v.3 <= window.as_of && v.3 >= window.first_week - CASELOAD_DAYS - 7)
        .collect();
    visits.par_sort_unstable();
    let mut events: Vec<(u32, u32, i32, i64)> = Vec::new();
    let mut emit = |clinic: u32, clinician: u32, from: Day, to: Day| {
        let first_week = dates::week_start(from);
        // The last week whose Sunday is on or before to + 89.
        let last_week = dates::week_start(to + CASELOAD_DAYS) - 7;
        if last_week >= window.first_week && first_week <= window.last_week {
            events.push((clinic, clinician, first_week.max(window.first_week), 1));
            events.push((clinic, clinician, last_week + 7, -1));
        }
    };
    let mut span: Option<((u32, u32, u32), Day, Day)> = None;
    for &(clinic, clinician, client, date) in &visits {
        let key = (clinic, clinician, client);
        span = match span {
            Some((k, from, to)) if k == key && date - to < CASELOAD_DAYS => Some((k, from, date)),
            Some((k, from, to)) => {
                emit(k.0, k.1, from, to);
                Some((key, date, date))
            }
            None => Some((key, date, date)),
        };
    }
    if let Some((k, from, to)) = span {
        emit(k.0, k.1, from, to);
    }
    let events = DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), events.iter().map(|e| e.0).collect::<Vec<u32>>()),
        Column::new("clinician".into(), events.iter().map(|e| e.1).collect::<Vec<u32>>()),
        Column::new("week".into(), events.iter().map(|e| e.2).collect::<Vec<i32>>()),
        Column::new("delta".into(), events.iter().map(|e| e.3).collect::<Vec<i64>>()),
    ])?
    .lazy()
    .group_by(keys())
    .agg([col("delta").sum()]);
    Ok(full_join(worked.select(keys()), events, &keys())
        .with_column(col("delta").fill_null(lit(0i64)))
        .sort(["clinic", "clinician", "week"], SortMultipleOptions::default())
        .with_column(col("delta").cum_sum(false).over([col("clinic"), col("clinician")])?.alias("active_caseload"))
        // Int32, as the published clinician_weeks schema has always had it.
        .select([col("clinic"), col("clinician"), col("week"), col("active_caseload").cast(DataType::Int32)]))
}

/// `history`: the clinician-weeks worked, up to this window's last week or later.
pub fn compute(data: &Dataset, history: &WorkedWeeks, window: &Window, config: &Config) -> PolarsResult<Workload> {
    // The first weeks of the report window are scored on risk windows that start before it, and the
    // capacity gap needs a year of direct hours: one pass covers the longest of these.
    let risk_start = window.first_week - 7 * (config.risk_window_weeks as i32 - 1);
    let year_start = window.last_week - 7 * (DETAIL_YEAR_WEEKS.max(config.capacity_window_weeks) as i32 - 1);
    let detail_window = Window { first_week: risk_start.min(year_start), ..*window };
    let by_sessions = session_weeks(&data.sessions, &detail_window, config, data.sessions.has_note_signed)?;
    let mut worked = by_sessions;
    let admin_columns = data.admin.is_some();
    if let Some(admin) = &data.admin {
        worked = full_join(worked, admin_weeks(admin, &detail_window)?, &keys());
    }
    let zero_filled = [
        "direct_s",
        "sessions_attended",
        "no_show",
        "cancelled_late",
        "cancelled_client",
        "cancelled_clinician",
        "high_acuity_sessions",
    ];
    // An export of one status (attended visits only) did not export no-shows or cancellations:
    // their counts are not available, and so no rate rests on them.
    let missed = ["no_show", "cancelled_late", "cancelled_client", "cancelled_clinician"];
    let mut fills: Vec<Expr> = zero_filled
        .iter()
        .map(|c| {
            if data.sessions.status_constant && missed.contains(c) {
                lit(NULL).cast(DataType::Int64).alias(*c)
            } else {
                col(*c).fill_null(lit(0i64))
            }
        })
        .collect();
    fills.push(if data.sessions.has_note_signed {
        col("doc_late_sessions").fill_null(lit(0i64))
    } else {
        lit(NULL).cast(DataType::Int64).alias("doc_late_sessions")
    });
    // An export without an after_hours column says nothing about after-hours work: not available, not 0.
    let after_hours_column = data.admin.as_ref().is_some_and(|a| a.has_after_hours);
    for c in ["admin_s", "documentation_s", "supervision_s", "training_s", "after_hours_s", "supervision_received_s"] {
        let known = admin_columns && (c != "after_hours_s" || after_hours_column);
        fills.push(if known { col(c).fill_null(lit(0i64)) } else { lit(NULL).cast(DataType::Int64).alias(c) });
    }
    // Materialised once: the clinician-week keys feed both the caseload plan and the detail plan.
    let mut worked = worked.with_columns(fills).collect()?.lazy();

    let fte = match &data.roster {
        Some(roster) => {
            let roster = frames::roster(roster)?.lazy();
            worked = worked.left_join(roster, col("clinician"), col("clinician"));
            col("fte").fill_null(lit(1.0))
        }
        None => lit(1.0),
    };
    let caseload = active_caseload(&data.sessions, worked.clone(), &detail_window)?;
    let doc_late = if data.sessions.has_note_signed {
        ratio(col("doc_late_sessions"), col("sessions_attended"))
    } else {
        lit(NULL).cast(DataType::Float64)
    };
    let high_acuity = if data.sessions.has_high_acuity {
        ratio(col("high_acuity_sessions"), col("sessions_attended"))
    } else {
        lit(NULL).cast(DataType::Float64)
    };
    let utilization = if admin_columns {
        let total = col("direct_s") + col("admin_s") + col("supervision_s") + col("training_s");
        total.cast(DataType::Float64) / lit(3600.0) / col("contracted_hours")
    } else {
        // Without admin_time.csv the hours worked are unknown, not merely the client hours.
        lit(NULL).cast(DataType::Float64)
    };
    let detail = worked
        .join(caseload, keys(), keys(), JoinArgs::new(JoinType::Left))
        .with_columns([fte.alias("fte"), col("active_caseload").fill_null(lit(0i64))])
        .with_column((col("fte") * lit(config.full_time_hours)).alias("contracted_hours"))
        .with_columns([
            ratio(col("no_show"), col("sessions_attended") + col("no_show") + col("cancelled_late"))
                .alias("no_show_rate"),
            ratio(col("admin_s"), col("direct_s")).alias("admin_ratio"),
            utilization.alias("utilization"),
            high_acuity.alias("high_acuity_share"),
            doc_late.alias("doc_late_share"),
        ])
        .sort(["clinic", "clinician", "week"], SortMultipleOptions::default())
        .collect()?;

    let worked_weeks = history.up_to(window.last_week)?;
    let burnout = burnout::compute(&detail, &worked_weeks, window, config, &Available::of(data))?;
    let in_window = detail
        .clone()
        .lazy()
        .filter(col("week").gt_eq(lit(window.first_week)))
        .join(
            burnout.history.clone().lazy().select([col("clinic"), col("clinician"), col("week"), col("tier")]),
            keys(),
            keys(),
            JoinArgs::new(JoinType::Left),
        )
        .collect()?;
    let columns = clinic_week_columns();
    let clinic_weeks = clinic_rollup(in_window.clone().lazy(), &[col("clinic"), col("week")]);
    let network = clinic_rollup(in_window.clone().lazy(), &[col("week")])
        .with_column(lit(ALL_CLINICS).cast(DataType::UInt32).alias("clinic"));
    let clinic_weeks = concat([clinic_weeks.select(&columns), network.select(&columns)], UnionArgs::default())?
        .sort(["clinic", "week"], SortMultipleOptions::default())
        .collect()?;
    let clinician_weeks = in_window.lazy().select(clinician_week_columns()).collect()?;
    Ok(Workload { detail, clinician_weeks, clinic_weeks, burnout })
}

/// Every (clinic, clinician, week) up to a last complete week in which the clinician had a session
/// (not merely scheduled) or an admin entry, sorted: the whole history, for the streaks of weeks
/// without a break. A week up to the last complete one has happened in full, so an earlier
/// period's worked weeks are those of the report window up to its own last week: they are
/// collected once per run. Collected as a set over the ingested columns (as a polars union and
/// unique over 6 million keys it was the run's peak of memory; the set holds one entry per
/// clinician-week).
pub struct WorkedWeeks(Vec<(u32, u32, i32)>);

impl WorkedWeeks {
    /// Up to `window`'s last complete week.
    pub fn of(data: &Dataset, window: &Window) -> WorkedWeeks {
        WorkedWeeks(worked_weeks(data, window))
    }

    /// The weeks up to `last_week` as a frame: clinic, clinician, week.
    fn up_to(&self, last_week: Day) -> PolarsResult<DataFrame> {
        let keys: Vec<&(u32, u32, i32)> = self.0.iter().filter(|k| k.2 <= last_week).collect();
        DataFrame::new_infer_height(vec![
            Column::new("clinic".into(), keys.iter().map(|k| k.0).collect::<Vec<u32>>()),
            Column::new("clinician".into(), keys.iter().map(|k| k.1).collect::<Vec<u32>>()),
            Column::new("week".into(), keys.iter().map(|k| k.2).collect::<Vec<i32>>()),
        ])
    }
}

fn worked_weeks(data: &Dataset, window: &Window) -> Vec<(u32, u32, i32)> {
    let s = &data.sessions;
    let mut keys: PlHashSet<(u32, u32, i32)> = PlHashSet::default();
    // Exports list a clinician's rows of a week together more often than not: a key that repeats
    // the one before needs no lookup.
    let mut last = None;
    let mut note = |clinic: u32, clinician: u32, day: Day| {
        let week = dates::week_start(day);
        let key = (clinic, clinician, week);
        if day <= window.as_of && week <= window.last_week && last != Some(key) {
            keys.insert(key);
            last = Some(key);
        }
    };
    for i in (0..s.len()).filter(|&i| s.status[i] != Status::Scheduled) {
        note(s.clinic[i], s.clinician[i], dates::day_of(s.start[i]));
    }
    if let Some(a) = &data.admin {
        for i in 0..a.date.len() {
            note(a.clinic[i], a.clinician[i], a.date[i]);
        }
    }
    let mut keys: Vec<(u32, u32, i32)> = keys.into_iter().collect();
    keys.sort_unstable();
    keys
}

/// The published columns of clinician_weeks, in SPEC §4 order.
fn clinician_week_columns() -> Vec<Expr> {
    vec![
        col("clinic"),
        col("clinician"),
        col("week"),
        hours("direct_s"),
        col("sessions_attended"),
        col("no_show"),
        col("cancelled_late"),
        col("cancelled_client"),
        col("cancelled_clinician"),
        col("no_show_rate"),
        hours("admin_s"),
        hours("documentation_s"),
        hours("supervision_s"),
        hours("training_s"),
        hours("after_hours_s"),
        col("admin_ratio"),
        col("fte"),
        col("contracted_hours"),
        col("utilization"),
        col("active_caseload"),
        col("high_acuity_share"),
        col("doc_late_share"),
    ]
}

/// The published columns of clinic_weeks, in SPEC §4 order (risk tiers follow with burnout risk).
fn clinic_week_columns() -> Vec<Expr> {
    vec![
        col("clinic"),
        col("week"),
        col("clinicians"),
        col("fte"),
        hours("direct_s"),
        hours("admin_s"),
        hours("documentation_s"),
        hours("supervision_s"),
        hours("training_s"),
        hours("after_hours_s"),
        col("admin_ratio"),
        col("sessions_attended"),
        col("no_show_rate"),
        col("median_caseload_per_fte"),
        col("risk_low"),
        col("risk_moderate"),
        col("risk_high"),
    ]
}

/// Sums of the clinician figures; ratios as ratios of sums (SPEC §3).
fn clinic_rollup(clinician_weeks: LazyFrame, by: &[Expr]) -> LazyFrame {
    let sum = |c: &str| col(c).sum().alias(c);
    // Admin figures are empty without admin_time.csv; a plain sum of nothing would say 0.
    let sum_known = |c: &str| {
        when(col(c).count().gt(lit(0))).then(col(c).sum()).otherwise(lit(NULL).cast(DataType::Int64)).alias(c)
    };
    clinician_weeks
        .with_column((col("no_show") + col("sessions_attended") + col("cancelled_late")).alias("kept_or_missed"))
        .group_by(by)
        .agg([
            len().cast(DataType::Int64).alias("clinicians"),
            sum("fte"),
            sum("direct_s"),
            sum_known("admin_s"),
            sum_known("documentation_s"),
            sum_known("supervision_s"),
            sum_known("training_s"),
            sum_known("after_hours_s"),
            sum("sessions_attended"),
            sum("no_show"),
            sum("kept_or_missed"),
            (col("active_caseload").cast(DataType::Float64) / col("fte")).median().alias("median_caseload_per_fte"),
            count_where(col("tier").eq(lit("low")), "risk_low"),
            count_where(col("tier").eq(lit("moderate")), "risk_moderate"),
            count_where(col("tier").eq(lit("high")), "risk_high"),
        ])
        .with_columns([
            ratio(col("admin_s"), col("direct_s")).alias("admin_ratio"),
            ratio(col("no_show"), col("kept_or_missed")).alias("no_show_rate"),
        ])
}

/// Totals over the whole report window per clinic and for the network (`clinic` = ALL_CLINICS):
/// clinicians (distinct), hours, admin_ratio and no_show_rate as ratios of sums; and the figures
/// the clinics are compared on: mean FTE per week with data, median caseload per FTE over the
/// clinician-weeks, documentation's share of admin, supervision hours per FTE-week, after-hours
/// hours per clinician-week, and the logged share of contracted hours ((direct + admin +
/// supervision + training, `logged_hours`) / Σ fte × full_time_hours over the clinician-weeks worked).
pub fn window_totals(clinician_weeks: &DataFrame) -> PolarsResult<DataFrame> {
    // Empty, not 0, when the export has no such column (no admin_time.csv, no after_hours).
    let known_sum =
        |c: &str| when(col(c).count().gt(lit(0))).then(col(c).sum()).otherwise(lit(NULL).cast(DataType::Float64));
    let aggregates = [
        col("clinician").n_unique().cast(DataType::Int64).alias("clinicians"),
        (col("fte").sum() / col("week").n_unique().cast(DataType::Float64)).alias("fte"),
        col("fte").sum().alias("fte_weeks"),
        len().cast(DataType::Float64).alias("clinician_weeks"),
        col("direct_hours").sum(),
        col("admin_hours").sum(),
        col("documentation_hours").sum(),
        known_sum("supervision_hours").alias("supervision_hours"),
        known_sum("training_hours").alias("training_hours"),
        known_sum("after_hours").alias("after_hours"),
        col("contracted_hours").sum(),
        (col("active_caseload").cast(DataType::Float64) / col("fte")).median().alias("median_caseload_per_fte"),
        col("sessions_attended").sum(),
        col("no_show").sum(),
        col("kept_or_missed").sum(),
        known_sum("admin_hours").alias("admin_known"),
    ];
    let ratios = [
        ratio(col("admin_hours"), col("direct_hours")).alias("admin_ratio"),
        ratio(col("no_show"), col("kept_or_missed")).alias("no_show_rate"),
        ratio(col("documentation_hours"), col("admin_hours")).alias("documentation_share"),
        ratio(col("supervision_hours"), col("fte_weeks")).alias("supervision_hours_per_fte"),
        ratio(col("after_hours"), col("clinician_weeks")).alias("after_hours_per_clinician_week"),
        ratio(col("logged_hours"), col("contracted_hours")).alias("logged_share"),
    ];
    let frame = clinician_weeks
        .clone()
        .lazy()
        .with_column((col("no_show") + col("sessions_attended") + col("cancelled_late")).alias("kept_or_missed"));
    // Direct + admin + supervision + training: empty without admin_time.csv, when hours worked are unknown.
    let logged = (col("direct_hours") + col("admin_known") + col("supervision_hours") + col("training_hours"))
        .alias("logged_hours");
    let by_clinic = frame
        .clone()
        .group_by([col("clinic")])
        .agg(aggregates.clone())
        .with_column(logged.clone())
        .with_columns(ratios.clone());
    let network = frame
        .select(aggregates)
        .with_column(logged)
        .with_columns(ratios)
        .with_column(lit(ALL_CLINICS).cast(DataType::UInt32).alias("clinic"));
    let columns = TOTALS_COLUMNS.map(col);
    concat([by_clinic.select(&columns), network.select(&columns)], UnionArgs::default())?
        .sort(["clinic"], SortMultipleOptions::default())
        .collect()
}

/// The columns of `window_totals`.
pub const TOTALS_COLUMNS: [&str; 19] = [
    "clinic",
    "clinicians",
    "fte",
    "direct_hours",
    "admin_hours",
    "documentation_hours",
    "supervision_hours",
    "training_hours",
    "after_hours",
    "contracted_hours",
    "logged_hours",
    "admin_ratio",
    "sessions_attended",
    "no_show_rate",
    "median_caseload_per_fte",
    "documentation_share",
    "supervision_hours_per_fte",
    "after_hours_per_clinician_week",
    "logged_share",
];

/// The admin categories (SPEC §1: documentation, meetings, billing, correspondence, travel, other).
pub const ADMIN_CATEGORIES: [Category; 6] = [
    Category::Documentation,
    Category::Meetings,
    Category::Billing,
    Category::Correspondence,
    Category::Travel,
    Category::Other,
];

/// Admin hours over the report window by category, in `ADMIN_CATEGORIES` order, per clinic and
/// for the network (`ALL_CLINICS`); None without admin_time.csv.
pub fn admin_by_category(data: &Dataset, window: &Window) -> Option<BTreeMap<u32, [f64; 6]>> {
    let admin = data.admin.as_ref()?;
    let mut by_clinic: BTreeMap<u32, [f64; 6]> = BTreeMap::new();
    let last_day = (window.last_week + 6).min(window.as_of);
    for i in 0..admin.date.len() {
        let day = admin.date[i];
        let Some(k) = ADMIN_CATEGORIES.iter().position(|c| *c == admin.category[i]) else { continue };
        if day < window.first_week || day > last_day {
            continue;
        }
        let hours = admin.seconds[i] as f64 / 3600.0;
        by_clinic.entry(admin.clinic[i]).or_default()[k] += hours;
        by_clinic.entry(ALL_CLINICS).or_default()[k] += hours;
    }
    by_clinic.entry(ALL_CLINICS).or_default();
    Some(by_clinic)
}

/// Window weeks in which any clinician worked: the network rows of `clinic_weeks`.
pub fn weeks_with_data(clinic_weeks: &DataFrame) -> u32 {
    clinic_weeks
        .column("clinic")
        .ok()
        .and_then(|c| c.u32().ok().map(|ca| ca.iter().filter(|c| *c == Some(ALL_CLINICS)).count() as u32))
        .unwrap_or(0)
}
