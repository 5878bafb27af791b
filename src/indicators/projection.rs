//! The funding ask as a projection: each clinic's and the network's backlog week by week over the
//! horizon under named scenarios (as now, the capacity gap closed, admin at target, the config's
//! own), simulated many times from the weekly counts of the capacity window, with the weeks in
//! which the backlog reaches its target; and two capacity figures from the queueing literature.
//!
//! The model is a weekly queue: backlog(t+1) = backlog(t) + referrals − first appointments −
//! closures unseen, never below 0, where first appointments are today's plus the scenario's extra
//! ones and cannot exceed the people on the list that week.

use polars::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use rayon::prelude::*;

use super::ALL_CLINICS;
use crate::config::Config;
use crate::dates::Day;

/// With fewer weeks in the capacity window than this, weekly counts are drawn from a Poisson
/// distribution at the window's means instead of from the window's own weeks.
pub const MIN_BOOTSTRAP_WEEKS: usize = 8;

/// Built-in scenario names, as `scenarios.csv` writes them.
pub const AS_NOW: &str = "as now";
pub const CAPACITY_GAP: &str = "capacity gap";
pub const ADMIN_AT_TARGET: &str = "admin at target";

/// Relief capacity (NHSRwaitinglist `calc_relief_capacity`): the first appointments per week that
/// bring `queue` to `target_queue` in `weeks` weeks while referrals keep arriving at `demand`.
pub fn relief_capacity(demand: f64, queue: f64, target_queue: f64, weeks: f64) -> f64 {
    demand + (queue - target_queue) / weeks
}

/// Capacity for variable demand (Kingman's G/G/1 approximation, as NHSRwaitinglist's
/// `calc_target_capacity` codes it): near full load the mean wait is about
/// ((cv_d² + cv_c²) / 2) / (capacity − demand), so a mean wait of `target_wait / factor` needs
/// capacity = demand + ((cv_d² + cv_c²) / 2) · factor / target_wait.
pub fn variability_capacity(demand: f64, target_wait: f64, factor: f64, cv_demand: f64, cv_capacity: f64) -> f64 {
    demand + ((cv_demand * cv_demand + cv_capacity * cv_capacity) / 2.0) * (factor / target_wait)
}

/// One week of the capacity window: referrals, first appointments and closures unseen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekFlow {
    pub referrals: f64,
    pub first_seen: f64,
    pub closed_unseen: f64,
}

/// What one clinic (or the network) brings to the projection, from its capacity row.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    pub clinic: u32,
    pub weeks: Vec<WeekFlow>,
    pub backlog: f64,
    pub target_backlog: f64,
    pub hours_per_client: Option<f64>,
    pub gap_extra_starts: f64,
    pub gap_extra_fte: Option<f64>,
    /// Admin hours per week above the target ratio (admin at target), if admin_time is there.
    pub reclaim_hours: Option<f64>,
    /// The same at each user scenario's admin_ratio (None where the scenario sets none).
    pub user_reclaim_hours: Vec<Option<f64>>,
}

/// One scenario as applied to one group.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    name: String,
    extra_fte: f64,
    extra_starts: f64,
    /// Extra first appointments once the target is reached: the capacity gap's clearance part
    /// ends there and only keeping pace with referrals goes on; other scenarios keep theirs.
    sustain: f64,
}

/// Percentiles of the backlog at the end of one projected week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub week: Day,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// One scenario's projection for one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub clinic: u32,
    pub scenario: String,
    pub extra_fte: f64,
    pub extra_starts: f64,
    pub annual_cost: Option<f64>,
    /// Week 0 is the last complete week (today's backlog); then one band per week of the horizon.
    pub bands: Vec<Band>,
    /// Monday of the week in which the backlog first reaches the target, at the 10th, 50th and
    /// 90th percentile of the runs; None when not within the horizon.
    pub target_week: [Option<Day>; 3],
    pub wait_at_horizon_weeks: Option<f64>,
    pub relief_capacity: f64,
    pub variability_capacity: Option<f64>,
    pub target_backlog: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    pub paths: Vec<Path>,
    /// Whether weekly counts were resampled from the capacity window (else Poisson at its means).
    pub bootstrap: bool,
}

impl Projection {
    /// clinic, scenario, week, backlog_p10, backlog_p50, backlog_p90.
    pub fn path_frame(&self) -> PolarsResult<DataFrame> {
        let rows = self.paths.iter().flat_map(|p| p.bands.iter().skip(1).map(move |b| (p, b)));
        let (mut clinic, mut scenario, mut week, mut p10, mut p50, mut p90) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (p, b) in rows {
            clinic.push(p.clinic);
            scenario.push(p.scenario.clone());
            week.push(b.week);
            p10.push(b.p10.round() as i64);
            p50.push(b.p50.round() as i64);
            p90.push(b.p90.round() as i64);
        }
        DataFrame::new_infer_height(vec![
            Column::new("clinic".into(), clinic),
            Column::new("scenario".into(), scenario),
            Column::new("week".into(), week).cast(&DataType::Date)?,
            Column::new("backlog_p10".into(), p10),
            Column::new("backlog_p50".into(), p50),
            Column::new("backlog_p90".into(), p90),
        ])
    }

    /// clinic, scenario, extra_fte, extra_first_appointments_per_week, annual_cost,
    /// target_week_p10/p50/p90, backlog_at_horizon_p50, wait_at_horizon_weeks, relief_capacity,
    /// variability_capacity.
    pub fn scenario_frame(&self) -> PolarsResult<DataFrame> {
        let p = &self.paths;
        let target = |i: usize| -> PolarsResult<Column> {
            let name = ["target_week_p10", "target_week_p50", "target_week_p90"][i];
            Column::new(name.into(), p.iter().map(|p| p.target_week[i]).collect::<Vec<_>>()).cast(&DataType::Date)
        };
        DataFrame::new_infer_height(vec![
            Column::new("clinic".into(), p.iter().map(|p| p.clinic).collect::<Vec<_>>()),
            Column::new("scenario".into(), p.iter().map(|p| p.scenario.clone()).collect::<Vec<_>>()),
            Column::new("extra_fte".into(), p.iter().map(|p| p.extra_fte).collect::<Vec<_>>()),
            Column::new(
                "extra_first_appointments_per_week".into(),
                p.iter().map(|p| p.extra_starts).collect::<Vec<_>>(),
            ),
            Column::new("annual_cost".into(), p.iter().map(|p| p.annual_cost).collect::<Vec<_>>()),
            target(0)?,
            target(1)?,
            target(2)?,
            Column::new(
                "backlog_at_horizon_p50".into(),
                p.iter().map(|p| p.bands.last().map(|b| b.p50.round() as i64)).collect::<Vec<_>>(),
            ),
            Column::new("wait_at_horizon_weeks".into(), p.iter().map(|p| p.wait_at_horizon_weeks).collect::<Vec<_>>()),
            Column::new("relief_capacity".into(), p.iter().map(|p| p.relief_capacity).collect::<Vec<_>>()),
            Column::new("variability_capacity".into(), p.iter().map(|p| p.variability_capacity).collect::<Vec<_>>()),
        ])
    }

    /// The network's paths, for the chart and the headline.
    pub fn network(&self) -> impl Iterator<Item = &Path> {
        self.paths.iter().filter(|p| p.clinic == ALL_CLINICS)
    }

    /// Keeps only the groups `keep` accepts (the privacy stage's decision).
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        self.paths.retain(|p| keep(p.clinic));
    }
}

/// var / mean of weekly counts: for a renewal process the index of dispersion of counts over long
/// intervals tends to the squared coefficient of variation of the times between events.
fn dispersion(values: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let n = values.clone().count();
    if n < 2 {
        return None;
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    if mean <= 0.0 {
        return None;
    }
    let variance = values.map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(variance / mean)
}

fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Poisson by Knuth's method, in pieces of mean at most 30 (the sum of Poisson draws is Poisson).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    let mut left = mean.max(0.0);
    let mut total = 0u64;
    while left > 0.0 {
        let part = left.min(30.0);
        left -= part;
        let limit = (-part).exp();
        let mut product = unit(rng);
        while product > limit {
            total += 1;
            product *= unit(rng);
        }
    }
    total as f64
}

/// The `p`-th percentile (nearest rank) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Runs × (horizon + 1) backlogs of one scenario, and the first week each run reaches the target.
fn simulate(input: &GroupInput, plan: &Plan, horizon: usize, runs: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let bootstrap = input.weeks.len() >= MIN_BOOTSTRAP_WEEKS;
    let n = input.weeks.len().max(1) as f64;
    let mean = |f: fn(&WeekFlow) -> f64| input.weeks.iter().map(f).sum::<f64>() / n;
    let means = WeekFlow {
        referrals: mean(|w| w.referrals),
        first_seen: mean(|w| w.first_seen),
        closed_unseen: mean(|w| w.closed_unseen),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut paths = Vec::with_capacity(runs);
    let mut reached = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut backlog = input.backlog;
        let mut path = Vec::with_capacity(horizon + 1);
        path.push(backlog);
        let mut first = (backlog <= input.target_backlog).then_some(0);
        for t in 1..=horizon {
            let week = if bootstrap {
                input.weeks[(rng.next_u64() % input.weeks.len() as u64) as usize]
            } else if input.weeks.is_empty() {
                means
            } else {
                WeekFlow {
                    referrals: poisson(&mut rng, means.referrals),
                    first_seen: poisson(&mut rng, means.first_seen),
                    closed_unseen: poisson(&mut rng, means.closed_unseen),
                }
            };
            let waiting = backlog + week.referrals;
            let extra = if first.is_some() { plan.sustain } else { plan.extra_starts };
            let seen = (week.first_seen + extra).min(waiting);
            let closed = week.closed_unseen.min(waiting - seen);
            backlog = (waiting - seen - closed).max(0.0);
            path.push(backlog);
            if first.is_none() && backlog <= input.target_backlog + 1e-9 {
                first = Some(t);
            }
        }
        paths.push(path);
        reached.push(first.unwrap_or(usize::MAX));
    }
    (paths, reached)
}

/// Every scenario for every group. `last_week` is the Monday of the last complete week (week 0).
pub fn compute(groups: &[GroupInput], config: &Config, last_week: Day) -> Projection {
    let p = &config.projection;
    let fte_hours = config.components.direct_hours_per_fte.green;
    let horizon = p.horizon_weeks as usize;
    let runs = p.runs.max(1) as usize;
    let target_wait = f64::from(config.standard_days.routine) / 7.0;
    let clearance = f64::from(config.clearance_weeks);
    let mut work: Vec<(usize, &GroupInput, Plan)> = Vec::new();
    for (g, input) in groups.iter().enumerate() {
        let per_client = |hours: f64| input.hours_per_client.filter(|h| *h > 0.0).map(|h| hours / h);
        let n = input.weeks.len().max(1) as f64;
        let pace = (input.weeks.iter().map(|w| w.referrals - w.first_seen).sum::<f64>() / n).max(0.0);
        let mut plans = vec![
            Plan { name: AS_NOW.into(), extra_fte: 0.0, extra_starts: 0.0, sustain: 0.0 },
            Plan {
                name: CAPACITY_GAP.into(),
                extra_fte: input.gap_extra_fte.unwrap_or(0.0),
                extra_starts: input.gap_extra_starts,
                sustain: pace.min(input.gap_extra_starts),
            },
        ];
        if let Some(extra) = input.reclaim_hours.and_then(per_client) {
            plans.push(Plan { name: ADMIN_AT_TARGET.into(), extra_fte: 0.0, extra_starts: extra, sustain: extra });
        }
        for (scenario, reclaim) in config.scenarios.iter().zip(&input.user_reclaim_hours) {
            let staff = scenario.extra_fte.unwrap_or(0.0);
            let from_staff = if staff == 0.0 { Some(0.0) } else { per_client(staff * fte_hours) };
            let from_admin = match (scenario.admin_ratio, reclaim) {
                (None, _) => Some(0.0),
                (Some(_), Some(hours)) => per_client(*hours),
                (Some(_), None) => None,
            };
            // A scenario that needs admin_time or hours per client where there are none is left out.
            if let (Some(a), Some(b)) = (from_staff, from_admin) {
                plans.push(Plan { name: scenario.name.clone(), extra_fte: staff, extra_starts: a + b, sustain: a + b });
            }
        }
        work.extend(plans.into_iter().map(|plan| (g, input, plan)));
    }
    let paths = work
        .par_iter()
        .enumerate()
        .map(|(i, (g, input, plan))| {
            // A seed per (group, scenario) position, so that a result never depends on thread order.
            let seed = p.seed ^ ((*g as u64) << 32) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let (runs_paths, reached) = simulate(input, plan, horizon, runs, seed);
            let bands = (0..=horizon)
                .map(|t| {
                    let mut values: Vec<f64> = runs_paths.iter().map(|path| path[t]).collect();
                    values.sort_by(f64::total_cmp);
                    Band {
                        week: last_week + 7 * t as Day,
                        p10: percentile(&values, 0.1),
                        p50: percentile(&values, 0.5),
                        p90: percentile(&values, 0.9),
                    }
                })
                .collect::<Vec<_>>();
            let mut reached: Vec<f64> = reached.iter().map(|&t| t as f64).collect();
            reached.sort_by(f64::total_cmp);
            let target_week = [0.1, 0.5, 0.9].map(|q| {
                let t = percentile(&reached, q);
                (t <= horizon as f64).then(|| last_week + 7 * t as Day)
            });
            let mean_starts = input.weeks.iter().map(|w| w.first_seen).sum::<f64>() / input.weeks.len().max(1) as f64;
            let mean_referrals = input.weeks.iter().map(|w| w.referrals).sum::<f64>() / input.weeks.len().max(1) as f64;
            // First appointments per week at the horizon: the clearance part has ended if the target was reached.
            let starts = mean_starts + if target_week[1].is_some() { plan.sustain } else { plan.extra_starts };
            let at_horizon = bands.last().map_or(0.0, |b| b.p50);
            let cv_demand = dispersion(input.weeks.iter().map(|w| w.referrals)).map(f64::sqrt);
            let cv_capacity = dispersion(input.weeks.iter().map(|w| w.first_seen)).map(f64::sqrt);
            Path {
                clinic: input.clinic,
                scenario: plan.name.clone(),
                extra_fte: plan.extra_fte,
                extra_starts: plan.extra_starts,
                annual_cost: config.annual_cost_per_fte.map(|c| c * plan.extra_fte),
                bands,
                target_week,
                wait_at_horizon_weeks: (starts > 0.0).then(|| at_horizon / starts),
                relief_capacity: relief_capacity(mean_referrals, input.backlog, input.target_backlog, clearance),
                variability_capacity: cv_demand
                    .zip(cv_capacity)
                    .map(|(d, c)| variability_capacity(mean_referrals, target_wait, p.factor, d, c)),
                target_backlog: input.target_backlog,
            }
        })
        .collect();
    Projection { paths, bootstrap: groups.iter().all(|g| g.weeks.len() >= MIN_BOOTSTRAP_WEEKS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady(referrals: f64, first_seen: f64, weeks: usize) -> Vec<WeekFlow> {
        vec![WeekFlow { referrals, first_seen, closed_unseen: 0.0 }; weeks]
    }

    fn group(weeks: Vec<WeekFlow>, backlog: f64, target: f64, gap: f64) -> GroupInput {
        GroupInput {
            clinic: ALL_CLINICS,
            weeks,
            backlog,
            target_backlog: target,
            hours_per_client: Some(10.0),
            gap_extra_starts: gap,
            gap_extra_fte: Some(gap * 10.0 / 20.0),
            reclaim_hours: None,
            user_reclaim_hours: Vec::new(),
        }
    }

    #[test]
    fn worked_examples_of_the_sources() {
        // NHSRwaitinglist calc_relief_capacity(30, 1200, 390, 26) = 61.153846.
        assert!((relief_capacity(30.0, 1200.0, 390.0, 26.0) - 61.153846).abs() < 1e-6);
        // calc_target_capacity(30, 52, 3, 1.1, 1.2) = 30.076442 and calc_target_capacity(4, 52) = 4.076923.
        assert!((variability_capacity(30.0, 52.0, 3.0, 1.1, 1.2) - 30.076442).abs() < 1e-6);
        assert!((variability_capacity(4.0, 52.0, 4.0, 1.0, 1.0) - 4.076923).abs() < 1e-6);
    }

    #[test]
    fn without_variation_the_projection_is_the_arithmetic_path() {
        let config = Config::default();
        let input = group(steady(30.0, 25.0, 13), 100.0, 180.0, 0.0);
        let projection = compute(&[input], &config, 0);
        let as_now = projection.paths.iter().find(|p| p.scenario == AS_NOW).unwrap();
        for (t, band) in as_now.bands.iter().enumerate() {
            let expected = 100.0 + t as f64 * (30.0 - 25.0);
            assert_eq!((band.p10, band.p50, band.p90), (expected, expected, expected), "week {t}");
            assert_eq!(band.week, 7 * t as Day);
        }
        // 100 is already within the target of 180: reached at week 0.
        assert_eq!(as_now.target_week, [Some(0); 3]);
    }

    #[test]
    fn closing_the_capacity_gap_reaches_the_target_within_a_week_of_clearance_weeks() {
        let config = Config::default();
        let (referrals, starts, backlog, target) = (40.0, 36.0, 600.0, 240.0);
        let gap = (referrals - starts) + (backlog - target) / f64::from(config.clearance_weeks);
        let projection = compute(&[group(steady(referrals, starts, 13), backlog, target, gap)], &config, 0);
        let closed = projection.paths.iter().find(|p| p.scenario == CAPACITY_GAP).unwrap();
        let week = closed.target_week[1].unwrap() / 7;
        assert!((week - config.clearance_weeks as Day).abs() <= 1, "reached in week {week}");
        let end = closed.bands.last().unwrap().p50;
        assert!((end - target).abs() < 1e-6 + (referrals - starts), "then it keeps pace, near the target: {end}");
        let as_now = projection.paths.iter().find(|p| p.scenario == AS_NOW).unwrap();
        assert_eq!(as_now.target_week, [None; 3], "as now the list only grows");
        assert_eq!(as_now.bands.last().unwrap().p50, backlog + 52.0 * (referrals - starts));
    }

    #[test]
    fn with_variation_the_median_path_follows_the_mean_path() {
        let mut config = Config::default();
        config.projection.runs = 2000;
        // Referrals alternate 20 and 40 (mean 30), first appointments 22 and 28 (mean 25).
        let weeks: Vec<WeekFlow> = (0..13)
            .map(|i| WeekFlow {
                referrals: if i % 2 == 0 { 20.0 } else { 40.0 },
                first_seen: if i % 3 == 0 { 22.0 } else { 28.0 },
                closed_unseen: 0.0,
            })
            .collect();
        let n = weeks.len() as f64;
        let mean = weeks.iter().map(|w| w.referrals - w.first_seen).sum::<f64>() / n;
        let projection = compute(&[group(weeks.clone(), 500.0, 100.0, 0.0)], &config, 0);
        let as_now = projection.paths.iter().find(|p| p.scenario == AS_NOW).unwrap();
        for (t, band) in as_now.bands.iter().enumerate() {
            let expected = 500.0 + t as f64 * mean;
            // The spread of a sum of t draws grows as √t; the median is within 2 % of the mean path
            // plus one draw's worth.
            assert!((band.p50 - expected).abs() <= 0.02 * expected + 10.0, "week {t}: {} vs {expected}", band.p50);
            assert!(band.p10 <= band.p50 && band.p50 <= band.p90);
        }
        let last = as_now.bands.last().unwrap();
        assert!(last.p90 - last.p10 > 20.0, "the band shows the variation: {last:?}");
        // Same seed, same projection; another seed, another draw.
        assert_eq!(projection, compute(&[group(weeks.clone(), 500.0, 100.0, 0.0)], &config, 0));
        config.projection.seed = 2;
        assert_ne!(projection, compute(&[group(weeks, 500.0, 100.0, 0.0)], &config, 0));
    }
}
