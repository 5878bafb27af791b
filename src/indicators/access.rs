//! Access and the capacity gap (SPEC §3 "Access", "Capacity gap" and the appendix):
//! `waitlist_weeks`, `waits`, `followup` and `capacity`.
//!
//! The waitlist is small (one row per referral), so its figures are computed in one pass over
//! collected rows; the Kaplan–Meier estimate is a sorted scan per group (see `survival`).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::survival::{kaplan_meier, median, quantile};
use super::{Window, ALL_CLINICS};
use crate::config::Config;
use crate::dates::{self, Day};
use crate::ingest::values::{Status, Urgency};
use crate::ingest::{Dataset, Waitlist};

/// The waits cohort looks back one year including as_of (appendix: referred_on ≥ as_of − 364).
const COHORT_DAYS: Day = 364;
/// hours_per_client and second_wait look back over the last 52 complete weeks.
const YEAR_WEEKS: u32 = 52;

/// Columns of `waits` that are working figures, not part of the published table.
pub const WAITS_INTERNAL: [&str; 3] = ["judged", "within", "not_within"];
/// Columns of `followup` that are working figures, not part of the published table: the gaps over
/// and within the standard, from which its share is published.
pub const FOLLOWUP_INTERNAL: [&str; 2] = ["gaps_over", "gaps_within"];

/// The value columns of `capacity`, after clinic_id (SPEC §4).
pub const CAPACITY_COLUMNS: [&str; CAPACITY_WIDTH] = [
    "referrals_per_week",
    "starts_per_week",
    "backlog",
    "target_backlog",
    "extra_starts_per_week",
    "hours_per_client",
    "extra_fte",
    "annual_cost",
    "admin_reclaim_hours_per_week",
    "admin_reclaim_fte",
    "reclaim_share_of_gap",
    "recurring_fte",
    "clearance_fte",
    "direct_hours_per_fte",
    "extra_fte_at_observed",
    "annual_cost_at_observed",
];

/// How many value columns `capacity` has.
pub const CAPACITY_WIDTH: usize = 16;

pub struct Access {
    /// clinic, week, referrals, first_seen, closed_unseen, backlog.
    pub waitlist_weeks: DataFrame,
    /// clinic, urgency, referrals, seen, still_waiting, closed_unseen, km_median_days, km_p90_days,
    /// completed_median_days, standard_days, within_standard_share; and `judged` (see
    /// `WAITS_INTERNAL`), which is not published.
    pub waits: DataFrame,
    /// clinic, clients, second_wait_median_days, followup_gaps, followup_over_standard_share; and
    /// `FOLLOWUP_INTERNAL`, which is not published.
    pub followup: DataFrame,
    /// clinic, referrals_per_week, starts_per_week, backlog, target_backlog, extra_starts_per_week,
    /// hours_per_client, extra_fte, annual_cost, admin_reclaim_hours_per_week, admin_reclaim_fte,
    /// reclaim_share_of_gap.
    pub capacity: DataFrame,
    /// Network-wide series behind the access charts.
    pub detail: Detail,
    /// The backlog projected under each scenario, per clinic and for the network.
    pub projection: super::projection::Projection,
    /// clinic, urgent_waiting_past_standard, emergency_waiting_past_standard: people still waiting
    /// at as_of for longer than their urgency's standard.
    pub safety: DataFrame,
}

/// The urgencies whose waits are a safety matter, and safety's columns in that order.
pub const SAFETY_COLUMNS: [(&str, Urgency); 2] =
    [("urgent_waiting_past_standard", Urgency::Urgent), ("emergency_waiting_past_standard", Urgency::Emergency)];

/// People still waiting at as_of longer than their urgency's standard, per clinic and for the network.
fn safety_frame(groups: &Groups, as_of: Day, config: &Config) -> PolarsResult<DataFrame> {
    let mut frame = vec![Column::new("clinic".into(), groups.codes())];
    for (name, urgency) in SAFETY_COLUMNS {
        let limit = standard(config, urgency) as Day;
        let counts: Vec<i64> = groups
            .iter()
            .map(|(_, members)| {
                members
                    .iter()
                    .filter(|r| r.urgency == urgency && r.outcome == Outcome::Waiting && as_of - r.referred_on > limit)
                    .count() as i64
            })
            .collect();
        frame.push(Column::new(name.into(), counts));
    }
    DataFrame::new_infer_height(frame)
}

/// The network's survival curve for one urgency row of `waits`.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub urgency: &'static str,
    /// Empty on the `all` row, whose referrals each have their own standard.
    pub standard_days: Option<u32>,
    /// Steps (t, S(t)) of the Kaplan–Meier estimate; S = 1 before the first step.
    pub steps: Vec<(i32, f64)>,
    /// Longest follow-up time in the group (where the curve ends).
    pub last_day: i32,
}

/// Referrals of one referral week whose deadline has passed, and how many were seen within it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekStandard {
    pub week: Day,
    pub judged: u32,
    pub within: u32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detail {
    pub curves: Vec<Curve>,
    /// By week of referral, over the report window (all urgencies, each against its own standard).
    pub within_by_week: Vec<WeekStandard>,
    /// The network's follow-up gaps counted in the report window, by business days.
    pub gap_histogram: GapHistogram,
}

/// Follow-up gaps by length: `gaps[d]` is the number of gaps of `d` business days, the last bin
/// every longer gap too. A bin the privacy stage hides is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GapHistogram {
    /// The standard (followup_business_days): bins above it are over standard.
    pub limit: i32,
    pub gaps: Vec<Option<u32>>,
}

impl GapHistogram {
    /// Bins from 0 to the larger of 3 × the standard, the standard + 10 and 15 business days.
    pub fn of(days: &[i32], limit: i32) -> GapHistogram {
        let last = (limit * 3).max(limit + 10).max(15);
        let mut gaps = vec![0u32; last as usize + 1];
        for &d in days {
            gaps[d.clamp(0, last) as usize] += 1;
        }
        GapHistogram { limit, gaps: gaps.into_iter().map(Some).collect() }
    }

    /// The business days of the last bin, which also collects every longer gap.
    pub fn last(&self) -> i32 {
        self.gaps.len() as i32 - 1
    }
}

/// Where a referral stands at as_of; dates after as_of have not happened yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Seen(Day),
    ClosedUnseen(Day),
    Waiting,
}

#[derive(Debug, Clone, Copy)]
struct Referral {
    clinic: u32,
    referred_on: Day,
    urgency: Urgency,
    outcome: Outcome,
    /// The day it left the backlog: the earlier of first_seen_on and closed_on (appendix "Backlog").
    left_on: Option<Day>,
}

impl Referral {
    /// The day the referral left the list (seen or closed).
    fn exit(&self) -> Option<Day> {
        self.left_on
    }
}

const URGENCIES: [(Option<Urgency>, &str); 4] = [
    (Some(Urgency::Routine), "routine"),
    (Some(Urgency::Urgent), "urgent"),
    (Some(Urgency::Emergency), "emergency"),
    (None, "all"),
];

fn standard(config: &Config, urgency: Urgency) -> u32 {
    match urgency {
        Urgency::Routine => config.standard_days.routine,
        Urgency::Urgent => config.standard_days.urgent,
        Urgency::Emergency => config.standard_days.emergency,
    }
}

/// Referrals received on or before as_of. A referral both seen and closed left the list at the
/// earlier of the two dates: seen if it was seen on or before the closing day, closed unseen otherwise.
fn referrals(waitlist: &Waitlist, as_of: Day) -> Vec<Referral> {
    let happened = |day: &Option<Day>| day.filter(|&d| d <= as_of);
    (0..waitlist.referred_on.len())
        .filter(|&i| waitlist.referred_on[i] <= as_of)
        .map(|i| {
            let seen = happened(&waitlist.first_seen_on[i]);
            let closed = happened(&waitlist.closed_on[i]);
            // Seen is an event whatever closed_on says (the appendix's wait = first_seen_on −
            // referred_on); closed unseen means closed and never seen by as_of.
            let outcome = match (seen, closed) {
                (Some(s), _) => Outcome::Seen(s),
                (None, Some(c)) => Outcome::ClosedUnseen(c),
                (None, None) => Outcome::Waiting,
            };
            let left_on = match (seen, closed) {
                (Some(s), Some(c)) => Some(s.min(c)),
                (s, c) => s.or(c),
            };
            Referral {
                clinic: waitlist.clinic[i],
                referred_on: waitlist.referred_on[i],
                urgency: waitlist.urgency[i],
                outcome,
                left_on,
            }
        })
        .collect()
}

/// The clinics with referrals in code order, then the network, each with its referrals in file
/// order: a group's referrals are sorted out once, not found by scanning everyone's per group.
struct Groups<'a> {
    all: &'a [Referral],
    clinics: Vec<(u32, Vec<Referral>)>,
}

impl<'a> Groups<'a> {
    fn new(referrals: &'a [Referral]) -> Groups<'a> {
        let mut clinics: BTreeMap<u32, Vec<Referral>> = BTreeMap::new();
        for r in referrals {
            clinics.entry(r.clinic).or_default().push(*r);
        }
        Groups { all: referrals, clinics: clinics.into_iter().collect() }
    }

    /// (group, its referrals), the network last.
    fn iter(&self) -> impl Iterator<Item = (u32, &[Referral])> + '_ {
        self.clinics.iter().map(|(code, members)| (*code, members.as_slice())).chain([(ALL_CLINICS, self.all)])
    }

    fn codes(&self) -> Vec<u32> {
        self.iter().map(|(code, _)| code).collect()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WeekCounts {
    referrals: i64,
    first_seen: i64,
    closed_unseen: i64,
    backlog: i64,
}

/// Index of the window week holding `day`, if any.
fn week_index(day: Day, window: &Window) -> Option<usize> {
    (day >= window.first_week && day <= window.last_week + 6)
        .then(|| ((dates::week_start(day) - window.first_week) / 7) as usize)
}

/// Weekly counts of one group's referrals over every week of `window`; backlog at each Sunday D counts
/// referred_on ≤ D and not yet seen or closed on D.
fn weekly(members: &[Referral], window: &Window) -> Vec<WeekCounts> {
    let n = window.weeks().count();
    let mut weeks = vec![WeekCounts::default(); n];
    let mut change = vec![0i64; n];
    let mut before = 0i64;
    for r in members {
        // Exits are never before referral (ingest rejects such rows), so the running sum stays ≥ 0.
        if r.referred_on < window.first_week {
            before += 1;
        } else if let Some(i) = week_index(r.referred_on, window) {
            change[i] += 1;
            weeks[i].referrals += 1;
        }
        match r.outcome {
            Outcome::Seen(day) => {
                if let Some(i) = week_index(day, window) {
                    weeks[i].first_seen += 1;
                }
            }
            Outcome::ClosedUnseen(day) => {
                if let Some(i) = week_index(day, window) {
                    weeks[i].closed_unseen += 1;
                }
            }
            Outcome::Waiting => {}
        }
        let Some(exit) = r.exit() else { continue };
        if exit < window.first_week {
            before -= 1;
        } else if let Some(i) = week_index(exit, window) {
            change[i] -= 1;
        }
    }
    let mut backlog = before;
    for (week, delta) in weeks.iter_mut().zip(change) {
        backlog += delta;
        week.backlog = backlog;
    }
    weeks
}

/// Whether a referral was seen within its standard; `None` when it cannot be judged yet (deadline
/// after as_of) or left the list unseen on or before the deadline (appendix "Within standard").
fn within_standard(r: &Referral, standard_days: u32, as_of: Day) -> Option<bool> {
    let deadline = r.referred_on + standard_days as Day;
    if deadline > as_of {
        return None;
    }
    match r.outcome {
        Outcome::ClosedUnseen(day) if day <= deadline => None,
        Outcome::Seen(day) => Some(day <= deadline),
        _ => Some(false),
    }
}

#[derive(Debug, Default)]
struct WaitRow {
    referrals: i64,
    seen: i64,
    still_waiting: i64,
    closed_unseen: i64,
    km_median: Option<i32>,
    km_p90: Option<i32>,
    completed_median: Option<f64>,
    standard_days: Option<i32>,
    within_share: Option<f64>,
    /// Referrals whose deadline has passed: the base of within_share; and those of them seen within it.
    judged: u32,
    within: u32,
}

fn wait_row(cohort: &[&Referral], urgency: Option<Urgency>, as_of: Day, config: &Config) -> (WaitRow, Curve) {
    let mut row = WaitRow { standard_days: urgency.map(|u| standard(config, u) as i32), ..WaitRow::default() };
    let mut times = Vec::with_capacity(cohort.len());
    let mut completed = Vec::new();
    let (mut judged, mut within) = (0u32, 0u32);
    for r in cohort.iter().filter(|r| urgency.is_none_or(|u| r.urgency == u)) {
        row.referrals += 1;
        match r.outcome {
            Outcome::Seen(day) => {
                row.seen += 1;
                completed.push(day - r.referred_on);
                times.push((day - r.referred_on, true));
            }
            Outcome::ClosedUnseen(day) => {
                row.closed_unseen += 1;
                times.push((day - r.referred_on, false));
            }
            Outcome::Waiting => {
                row.still_waiting += 1;
                times.push((as_of - r.referred_on, false));
            }
        }
        if let Some(ok) = within_standard(r, standard(config, r.urgency), as_of) {
            judged += 1;
            within += u32::from(ok);
        }
    }
    let last_day = times.iter().map(|t| t.0).max().unwrap_or(0);
    let steps = kaplan_meier(&mut times);
    row.km_median = quantile(&steps, 0.5);
    row.km_p90 = quantile(&steps, 0.9);
    row.completed_median = median(&mut completed);
    row.within_share = (judged > 0).then(|| f64::from(within) / f64::from(judged));
    row.judged = judged;
    row.within = within;
    let label = URGENCIES.iter().find(|(u, _)| *u == urgency).map_or("all", |(_, l)| l);
    let curve = Curve { urgency: label, standard_days: row.standard_days.map(|d| d as u32), steps, last_day };
    (row, curve)
}

fn waitlist_weeks_frame(groups: &Groups, window: &Window) -> PolarsResult<DataFrame> {
    let (mut clinic, mut week, mut refs, mut seen, mut closed, mut backlog) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (group, members) in groups.iter() {
        for (day, counts) in window.weeks().zip(weekly(members, window)) {
            clinic.push(group);
            week.push(day);
            refs.push(counts.referrals);
            seen.push(counts.first_seen);
            closed.push(counts.closed_unseen);
            backlog.push(counts.backlog);
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), clinic),
        Column::new("week".into(), week),
        Column::new("referrals".into(), refs),
        Column::new("first_seen".into(), seen),
        Column::new("closed_unseen".into(), closed),
        Column::new("backlog".into(), backlog),
    ])
}

fn waits_frame(groups: &Groups, as_of: Day, config: &Config) -> PolarsResult<(DataFrame, Vec<Curve>)> {
    let mut clinic = Vec::new();
    let mut urgency = Vec::new();
    let mut rows = Vec::new();
    let mut curves = Vec::new();
    for (group, members) in groups.iter() {
        let cohort: Vec<&Referral> = members.iter().filter(|r| r.referred_on >= as_of - COHORT_DAYS).collect();
        for (u, label) in URGENCIES {
            let (row, curve) = wait_row(&cohort, u, as_of, config);
            clinic.push(group);
            urgency.push(label);
            rows.push(row);
            if group == ALL_CLINICS {
                curves.push(curve);
            }
        }
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), clinic),
        Column::new("urgency".into(), urgency),
        Column::new("referrals".into(), rows.iter().map(|r| r.referrals).collect::<Vec<_>>()),
        Column::new("seen".into(), rows.iter().map(|r| r.seen).collect::<Vec<_>>()),
        Column::new("still_waiting".into(), rows.iter().map(|r| r.still_waiting).collect::<Vec<_>>()),
        Column::new("closed_unseen".into(), rows.iter().map(|r| r.closed_unseen).collect::<Vec<_>>()),
        Column::new("km_median_days".into(), rows.iter().map(|r| r.km_median).collect::<Vec<_>>()),
        Column::new("km_p90_days".into(), rows.iter().map(|r| r.km_p90).collect::<Vec<_>>()),
        Column::new("completed_median_days".into(), rows.iter().map(|r| r.completed_median).collect::<Vec<_>>()),
        Column::new("standard_days".into(), rows.iter().map(|r| r.standard_days).collect::<Vec<_>>()),
        Column::new("within_standard_share".into(), rows.iter().map(|r| r.within_share).collect::<Vec<_>>()),
        // Not published (see WAITS_INTERNAL): the count small-cell suppression judges the share on.
        Column::new("judged".into(), rows.iter().map(|r| r.judged).collect::<Vec<_>>()),
        Column::new("within".into(), rows.iter().map(|r| r.within).collect::<Vec<_>>()),
        Column::new("not_within".into(), rows.iter().map(|r| r.judged - r.within).collect::<Vec<_>>()),
    ])?;
    Ok((frame, curves))
}

/// Weekdays (Monday–Friday) in the half-open span (earlier, later].
pub fn business_days(earlier: Day, later: Day) -> i32 {
    // Weekdays from a fixed Monday up to and including `day`; 1970-01-01 was a Thursday, so
    // day + 3 counts from the Monday before it.
    let upto = |day: Day| {
        let from_monday = day + 3;
        5 * from_monday.div_euclid(7) + (from_monday.rem_euclid(7) + 1).min(5)
    };
    upto(later) - upto(earlier)
}

#[derive(Debug, Default)]
struct FollowupStats {
    second_waits: Vec<i32>,
    gaps: i64,
    over_standard: i64,
}

/// Follow-up gaps and second waits per clinic, and for the network pooling every client-and-clinic
/// pair, plus the network's gap lengths for the chart.
/// The follow-up table alone: it needs only sessions, so it is published without waitlist.csv too.
pub fn followup_table(attended: &Attended, window: &Window, config: &Config) -> PolarsResult<DataFrame> {
    Ok(followup(attended, window, config)?.0)
}

/// Every attended session as (clinic, client, day), sorted: the order follow-up gaps are read in,
/// sorted once for the report window and the comparison periods alike. Gaps and waits are counted
/// in days, so the day is all of a session's time they need.
pub struct Attended(Vec<(u32, u32, Day)>);

impl Attended {
    pub fn of(data: &Dataset) -> Attended {
        use rayon::slice::ParallelSliceMut;
        let s = &data.sessions;
        let mut attended: Vec<(u32, u32, Day)> = (0..s.len())
            .filter(|&i| s.status[i] == Status::Attended)
            .map(|i| (s.clinic[i], s.client[i], dates::day_of(s.start[i])))
            .collect();
        attended.par_sort_unstable();
        Attended(attended)
    }
}

fn followup(attended: &Attended, window: &Window, config: &Config) -> PolarsResult<(DataFrame, Vec<i32>)> {
    let window_end = window.last_week + 6;
    let year_start = window.last_week - 7 * (YEAR_WEEKS as Day - 1);
    let limit = config.followup_business_days as i32;
    let mut stats: BTreeMap<u32, FollowupStats> = BTreeMap::new();
    let mut network = FollowupStats::default();
    let mut gap_days = Vec::new();
    let mut days: Vec<Day> = Vec::new();
    for pair in attended.0.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        // Sessions after as_of have not happened yet; a pair's sessions are sorted by day.
        let happened = pair.partition_point(|&(_, _, day)| day <= window.as_of);
        if happened == 0 {
            continue;
        }
        let clinic = stats.entry(pair[0].0).or_default();
        days.clear();
        days.extend(pair[..happened].iter().map(|&(_, _, day)| day));
        if let [first, second, ..] = days[..] {
            if first >= year_start && first <= window_end {
                clinic.second_waits.push(second - first);
                network.second_waits.push(second - first);
            }
        }
        for step in days.windows(2) {
            if step[1] < window.first_week || step[1] > window_end {
                continue;
            }
            let business = business_days(step[0], step[1]);
            let over = i64::from(business > limit);
            for target in [&mut *clinic, &mut network] {
                target.gaps += 1;
                target.over_standard += over;
            }
            gap_days.push(business);
        }
    }
    let mut rows: Vec<(u32, FollowupStats)> = stats.into_iter().collect();
    rows.push((ALL_CLINICS, network));
    let mut clinic = Vec::new();
    let (mut clients, mut median_wait, mut gaps, mut over) = (vec![], vec![], vec![], vec![]);
    let (mut gaps_over, mut gaps_within) = (vec![], vec![]);
    for (code, mut row) in rows {
        clinic.push(code);
        clients.push(row.second_waits.len() as i64);
        median_wait.push(median(&mut row.second_waits));
        gaps.push(row.gaps);
        over.push((row.gaps > 0).then(|| row.over_standard as f64 / row.gaps as f64));
        gaps_over.push(row.over_standard);
        gaps_within.push(row.gaps - row.over_standard);
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), clinic),
        Column::new("clients".into(), clients),
        Column::new("second_wait_median_days".into(), median_wait),
        Column::new("followup_gaps".into(), gaps),
        Column::new("followup_over_standard_share".into(), over),
        // Not published (see FOLLOWUP_INTERNAL).
        Column::new("gaps_over".into(), gaps_over),
        Column::new("gaps_within".into(), gaps_within),
    ])?;
    Ok((frame, gap_days))
}

/// Per clinic (and ALL_CLINICS), Σ of one f64 column of a frame grouped by `clinic`.
fn sums_by_clinic(frame: LazyFrame, value: Expr) -> PolarsResult<BTreeMap<u32, f64>> {
    let by_clinic = frame.clone().group_by([col("clinic")]).agg([value.clone().sum().alias("value")]);
    let network = frame.select([lit(ALL_CLINICS).cast(DataType::UInt32).alias("clinic"), value.sum().alias("value")]);
    let totals = concat([by_clinic, network], UnionArgs::default())?.collect()?;
    let clinics = totals.column("clinic")?.u32()?.clone();
    let values = totals.column("value")?.cast(&DataType::Float64)?;
    let values = values.f64()?;
    Ok(clinics.iter().zip(values.iter()).filter_map(|(c, v)| Some((c?, v.unwrap_or(0.0)))).collect())
}

/// Per clinic (and the network), Σ over clinician-weeks from `first_week` of the admin hours above
/// `target` × direct hours: the hours admin at that ratio would give back. None without admin_time.
fn reclaim_hours(
    data: &Dataset,
    detail: &DataFrame,
    first_week: Day,
    target: f64,
) -> PolarsResult<Option<BTreeMap<u32, f64>>> {
    if data.admin.is_none() {
        return Ok(None);
    }
    let hours = |seconds: &str| col(seconds).cast(DataType::Float64) / lit(3600.0);
    let in_window = detail.clone().lazy().filter(col("week").gt_eq(lit(first_week)));
    Ok(Some(sums_by_clinic(in_window, (hours("admin_s") - lit(target) * hours("direct_s")).clip_min(lit(0.0)))?))
}

/// One capacity row (`CAPACITY_COLUMNS`) from λ, μ, the backlog, the direct hours per client, the
/// admin reclaim in hours per week and the direct hours per FTE-week the clinicians delivered
/// (SPEC §3 "Capacity gap"). The extra FTE splits into the recurring part, first appointments that
/// fall behind referrals every week, and the time-limited clearance of the backlog above target
/// over `clearance_weeks`; the ask is given at the configured direct hours per FTE and again at the
/// observed rate.
pub fn capacity_figures(
    arrival: f64,
    starts: f64,
    backlog: f64,
    hours_per_client: Option<f64>,
    reclaim_hours: Option<f64>,
    observed_hours_per_fte: Option<f64>,
    config: &Config,
) -> [Option<f64>; CAPACITY_WIDTH] {
    let fte_hours = config.components.direct_hours_per_fte.green;
    let routine_weeks = f64::from(config.standard_days.routine) / 7.0;
    let target_backlog = arrival * routine_weeks;
    let recurring_starts = (arrival - starts).max(0.0);
    let clearance_starts = (backlog - target_backlog).max(0.0) / f64::from(config.clearance_weeks);
    let extra_starts = recurring_starts + clearance_starts;
    let in_fte = |starts: f64, per_fte: f64| hours_per_client.map(|h| starts * h / per_fte);
    let extra_fte = in_fte(extra_starts, fte_hours);
    let annual_cost = extra_fte.zip(config.annual_cost_per_fte).map(|(fte, cost)| fte * cost);
    let reclaim_fte = reclaim_hours.map(|h| h / fte_hours);
    let share = match (reclaim_fte, extra_fte) {
        (Some(r), Some(gap)) if gap > 0.0 => Some((r / gap).min(1.0)),
        _ => None,
    };
    let observed = observed_hours_per_fte.filter(|h| *h > 0.0);
    let at_observed = observed.and_then(|per_fte| in_fte(extra_starts, per_fte));
    [
        Some(arrival),
        Some(starts),
        Some(backlog),
        Some(target_backlog),
        Some(extra_starts),
        hours_per_client,
        extra_fte,
        annual_cost,
        reclaim_hours,
        reclaim_fte,
        share,
        in_fte(recurring_starts, fte_hours),
        in_fte(clearance_starts, fte_hours),
        observed,
        at_observed,
        at_observed.zip(config.annual_cost_per_fte).map(|(fte, cost)| fte * cost),
    ]
}

fn capacity_frame(
    data: &Dataset,
    attended: &Attended,
    detail: &DataFrame,
    groups: &Groups,
    window: &Window,
    config: &Config,
) -> PolarsResult<DataFrame> {
    let capacity_window = Window::new(window.as_of, config.capacity_window_weeks);
    let year_start = window.last_week - 7 * (YEAR_WEEKS as Day - 1);
    // The workload pass keeps a year of clinician-week detail (hours in whole seconds).
    let clinician_weeks = detail.clone().lazy();
    let hours = |seconds: &str| col(seconds).cast(DataType::Float64) / lit(3600.0);
    let direct = sums_by_clinic(clinician_weeks.clone().filter(col("week").gt_eq(lit(year_start))), hours("direct_s"))?;
    let reclaim = reclaim_hours(data, detail, capacity_window.first_week, config.components.admin_ratio.green)?;
    // Direct hours per FTE-week worked over the capacity window: what the clinicians deliver.
    let in_capacity_window = clinician_weeks.clone().filter(col("week").gt_eq(lit(capacity_window.first_week)));
    let capacity_direct = sums_by_clinic(in_capacity_window.clone(), hours("direct_s"))?;
    let capacity_fte = sums_by_clinic(in_capacity_window, col("fte").cast(DataType::Float64))?;
    // Distinct clients attended in the last 52 weeks, per clinic; the network pools clients as
    // distinct (clinic, client) pairs, as followup's ALL row does: the same id in two clinics is
    // two clients, each with its own course of care. The attended sessions are sorted by clinic
    // and client, so each pair is one run.
    let mut clients: BTreeMap<u32, usize> = BTreeMap::new();
    let mut network_clients = 0;
    for pair in attended.0.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let seen = pair.iter().any(|&(_, _, day)| day >= year_start && day <= window.last_week + 6);
        if seen {
            *clients.entry(pair[0].0).or_default() += 1;
            network_clients += 1;
        }
    }
    let client_count = |group: u32| {
        if group == ALL_CLINICS {
            network_clients
        } else {
            clients.get(&group).copied().unwrap_or(0)
        }
    };
    let weeks = f64::from(config.capacity_window_weeks);
    let mut columns: [Vec<Option<f64>>; CAPACITY_WIDTH] = Default::default();
    let mut clinic = Vec::new();
    for (group, members) in groups.iter() {
        let counts = weekly(members, &capacity_window);
        let arrival = counts.iter().map(|c| c.referrals).sum::<i64>() as f64 / weeks;
        let starts = counts.iter().map(|c| c.first_seen).sum::<i64>() as f64 / weeks;
        let backlog = members.iter().filter(|r| r.outcome == Outcome::Waiting).count() as f64;
        let clients = client_count(group);
        let hours_per_client = (clients > 0).then(|| direct.get(&group).copied().unwrap_or(0.0) / clients as f64);
        let reclaim_hours = reclaim.as_ref().map(|r| r.get(&group).copied().unwrap_or(0.0) / weeks);
        clinic.push(group);
        let observed = capacity_fte
            .get(&group)
            .filter(|fte| **fte > 0.0)
            .map(|fte| capacity_direct.get(&group).copied().unwrap_or(0.0) / fte);
        let values = capacity_figures(arrival, starts, backlog, hours_per_client, reclaim_hours, observed, config);
        for (column, value) in columns.iter_mut().zip(values) {
            column.push(value);
        }
    }

    let mut frame = vec![Column::new("clinic".into(), clinic)];
    for (name, values) in CAPACITY_COLUMNS.iter().zip(columns) {
        let column = Column::new((*name).into(), values);
        // The backlog is a count of referrals.
        frame.push(if *name == "backlog" { column.cast(&DataType::Int64)? } else { column });
    }
    DataFrame::new_infer_height(frame)
}

/// What each group brings to the projection: its weekly flows over the capacity window and its
/// capacity row (`capacity` has one row per group, in `groups` order).
fn projection_inputs(
    data: &Dataset,
    detail: &DataFrame,
    groups: &Groups,
    window: &Window,
    config: &Config,
    capacity: &DataFrame,
) -> PolarsResult<Vec<super::projection::GroupInput>> {
    use super::projection::{GroupInput, WeekFlow};
    let capacity_window = Window::new(window.as_of, config.capacity_window_weeks);
    let weeks = f64::from(config.capacity_window_weeks);
    let user: Vec<Option<BTreeMap<u32, f64>>> = config
        .scenarios
        .iter()
        .map(|s| {
            let at = s.admin_ratio.map(|target| reclaim_hours(data, detail, capacity_window.first_week, target));
            Ok(at.transpose()?.flatten())
        })
        .collect::<PolarsResult<_>>()?;
    let value =
        |column: &str, row: usize| -> Option<f64> { capacity.column(column).ok()?.get(row).ok()?.extract::<f64>() };
    Ok(groups
        .iter()
        .enumerate()
        .map(|(row, (group, members))| GroupInput {
            clinic: group,
            weeks: weekly(members, &capacity_window)
                .iter()
                .map(|w| WeekFlow {
                    referrals: w.referrals as f64,
                    first_seen: w.first_seen as f64,
                    closed_unseen: w.closed_unseen as f64,
                })
                .collect(),
            backlog: value("backlog", row).unwrap_or(0.0),
            target_backlog: value("target_backlog", row).unwrap_or(0.0),
            hours_per_client: value("hours_per_client", row),
            gap_extra_starts: value("extra_starts_per_week", row).unwrap_or(0.0),
            gap_extra_fte: value("extra_fte", row),
            reclaim_hours: value("admin_reclaim_hours_per_week", row),
            user_reclaim_hours: user
                .iter()
                .map(|by| by.as_ref().map(|m| m.get(&group).copied().unwrap_or(0.0) / weeks))
                .collect(),
        })
        .collect())
}

/// Only weeks whose every referral has reached its deadline: a week judged on its urgent and
/// emergency referrals alone would look better or worse than it is.
fn within_by_week(referrals: &[Referral], window: &Window, config: &Config) -> Vec<WeekStandard> {
    let s = &config.standard_days;
    let longest = s.routine.max(s.urgent).max(s.emergency) as Day;
    let mut weeks: Vec<WeekStandard> = window
        .weeks()
        .take_while(|&week| week + 6 + longest <= window.as_of)
        .map(|week| WeekStandard { week, judged: 0, within: 0 })
        .collect();
    for r in referrals {
        let (Some(i), Some(ok)) =
            (week_index(r.referred_on, window), within_standard(r, standard(config, r.urgency), window.as_of))
        else {
            continue;
        };
        let Some(week) = weeks.get_mut(i) else { continue };
        week.judged += 1;
        week.within += u32::from(ok);
    }
    weeks
}

/// The access tables; `None` without waitlist.csv (follow-up needs only sessions, but is reported
/// with the rest of access).
/// `detail` is the workload pass's clinician-week detail (`Workload::detail`), which covers the
/// last 52 complete weeks and the capacity window.
/// `project`: whether to simulate the projection (a comparison period does without it).
pub fn compute(
    data: &Dataset,
    attended: &Attended,
    detail: &DataFrame,
    window: &Window,
    config: &Config,
    project: bool,
) -> PolarsResult<Option<Access>> {
    let Some(waitlist) = &data.waitlist else { return Ok(None) };
    let referrals = referrals(waitlist, window.as_of);
    let groups = Groups::new(&referrals);
    let waitlist_weeks = waitlist_weeks_frame(&groups, window)?;
    let (waits, curves) = waits_frame(&groups, window.as_of, config)?;
    let (followup, gap_days) = followup(attended, window, config)?;
    let gap_histogram = GapHistogram::of(&gap_days, config.followup_business_days as i32);
    let capacity = capacity_frame(data, attended, detail, &groups, window, config)?;
    let within_by_week = within_by_week(&referrals, window, config);
    let safety = safety_frame(&groups, window.as_of, config)?;
    let projection = if project {
        let inputs = projection_inputs(data, detail, &groups, window, config, &capacity)?;
        super::projection::compute(&inputs, config, window.last_week)
    } else {
        super::projection::Projection { paths: Vec::new(), bootstrap: false }
    };
    Ok(Some(Access {
        waitlist_weeks,
        waits,
        followup,
        capacity,
        detail: Detail { curves, within_by_week, gap_histogram },
        projection,
        safety,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_days_skip_the_weekend() {
        // 2026-11-06 is a Friday. (Fri, Mon] holds Monday only; (Fri, Fri next] holds 5 weekdays;
        // (Sat, Sun] holds none; (Thu, Sat] holds Friday only.
        let friday = dates::parse_day("2026-11-06").unwrap();
        assert_eq!(business_days(friday, friday + 3), 1);
        assert_eq!(business_days(friday, friday + 7), 5);
        assert_eq!(business_days(friday + 1, friday + 2), 0);
        assert_eq!(business_days(friday - 1, friday + 1), 1);
        assert_eq!(business_days(friday, friday), 0);
        // Two weeks and a day from a Wednesday: 10 weekdays, then Thursday = 11.
        assert_eq!(business_days(friday - 2, friday + 13), 11);
    }

    #[test]
    fn backlog_counts_referred_but_not_yet_left() {
        let monday = dates::parse_day("2026-11-02").unwrap();
        let sunday = monday + 6;
        let referral = |referred_on, outcome| {
            let left_on = match outcome {
                Outcome::Seen(day) | Outcome::ClosedUnseen(day) => Some(day),
                Outcome::Waiting => None,
            };
            Referral { clinic: 0, referred_on, urgency: Urgency::Routine, outcome, left_on }
        };
        let referrals = [
            referral(monday - 20, Outcome::Seen(monday + 1)),
            referral(monday - 20, Outcome::ClosedUnseen(sunday)),
            referral(monday - 3, Outcome::Waiting),
            referral(monday + 2, Outcome::Seen(sunday + 1)),
        ];
        let window = Window::new(sunday + 1, 2);
        let weeks = weekly(&referrals, &window);
        // Sunday before: all three earlier referrals still waiting (3); this Sunday: the first seen
        // (Tuesday) and the second closed (Sunday itself) have left, the third waits, the fourth
        // was referred Wednesday and is seen only on Monday after: backlog 2.
        assert_eq!(weeks[0].backlog, 3);
        assert_eq!(weeks[1], WeekCounts { referrals: 1, first_seen: 1, closed_unseen: 1, backlog: 2 });
    }

    #[test]
    fn a_referral_closed_then_seen_leaves_the_backlog_when_closed_and_counts_as_seen() {
        let monday = dates::parse_day("2026-11-02").unwrap();
        let mut waitlist = Waitlist::default();
        // Referred two weeks before, closed on Tuesday of the first week, seen on Wednesday of the next.
        waitlist.clinic.push(0);
        waitlist.client.push(0);
        waitlist.referred_on.push(monday - 14);
        waitlist.urgency.push(Urgency::Routine);
        waitlist.closed_on.push(Some(monday + 1));
        waitlist.first_seen_on.push(Some(monday + 9));
        let referrals = referrals(&waitlist, monday + 13);
        assert_eq!(referrals[0].outcome, Outcome::Seen(monday + 9));
        let weeks = weekly(&referrals, &Window::new(monday + 13, 2));
        // Backlog at the first Sunday: closed on Tuesday, so gone (referred_on ≤ D, closed_on ≤ D).
        assert_eq!(weeks[0], WeekCounts { referrals: 0, first_seen: 0, closed_unseen: 0, backlog: 0 });
        // Its first appointment still counts in the week it happened; it was never closed unseen.
        assert_eq!(weeks[1], WeekCounts { referrals: 0, first_seen: 1, closed_unseen: 0, backlog: 0 });
    }
}
