//! The burnout-risk signal of SPEC §3: nine workload components, each turned into a 0–1 strain by
//! a linear ramp between a green and a red value, combined into a weighted score with tiers.
//! A workload risk signal, not a diagnosis.

use polars::prelude::*;

use super::Window;
use crate::config::{Components, Config};
use crate::ingest::{Dataset, ADMIN_TIME, SESSIONS};

/// Strains and scores are rounded to this many decimals before they are compared (with each other
/// for the top components, with the tier bounds for the tier), so that a value equal to a threshold
/// on paper is equal in the code: 39 / 130 = 0.3 is the red value, whatever the last bit says.
pub const STRAIN_DECIMALS: u32 = 9;

/// Which components' inputs the export carries.
#[derive(Debug, Clone, Copy)]
pub struct Available {
    pub admin: bool,
    /// admin_time.csv has an after_hours column.
    pub after_hours: bool,
    pub high_acuity: bool,
    pub note_signed: bool,
}

impl Available {
    pub fn of(data: &Dataset) -> Available {
        Available {
            admin: data.admin.is_some(),
            after_hours: data.admin.as_ref().is_some_and(|a| a.has_after_hours),
            high_acuity: data.sessions.has_high_acuity,
            note_signed: data.sessions.has_note_signed,
        }
    }

    /// Components left out for lack of input, with the reason the report prints.
    pub fn missing(&self) -> Vec<(&'static str, String)> {
        let mut missing = Vec::new();
        if !self.admin {
            for name in ["admin_ratio", "after_hours_per_week", "utilization", "supervision_hours"] {
                missing.push((name, format!("no {ADMIN_TIME}")));
            }
        } else if !self.after_hours {
            missing.push((
                "after_hours_per_week",
                format!("no after_hours in {ADMIN_TIME}: no column, or one value on every row"),
            ));
        }
        if !self.high_acuity {
            missing.push((
                "high_acuity_share",
                format!("no high_acuity in {SESSIONS}: no column, or one value on every row"),
            ));
        }
        if !self.note_signed {
            missing.push((
                "doc_late_share",
                format!("no note_signed_at in {SESSIONS}: no column, or one value on every row"),
            ));
        }
        missing
    }
}

pub struct Burnout {
    /// Per clinician at the last complete week: score, tier, sustained, top components, and each
    /// component's value and strain (the published `burnout_risk` table).
    pub risk: DataFrame,
    /// Per clinician and report-window week: each week scored on the risk window ending that week.
    pub history: DataFrame,
    pub missing: Vec<(&'static str, String)>,
}

fn ratio(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0)))
        .then(numerator.cast(DataType::Float64) / denominator.cast(DataType::Float64))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

fn hours(seconds: Expr) -> Expr {
    seconds.cast(DataType::Float64) / lit(3600.0)
}

fn unavailable() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// Consecutive worked weeks ending at each worked week (1 for a week after a week off).
fn streaks(worked_weeks: &DataFrame) -> PolarsResult<LazyFrame> {
    let clinician = [col("clinic"), col("clinician")];
    Ok(worked_weeks
        .clone()
        .lazy()
        .sort(["clinic", "clinician", "week"], SortMultipleOptions::default())
        .with_column(
            (col("week") - col("week").shift(lit(1)).over(clinician.clone())?)
                .neq(lit(7))
                .fill_null(lit(true))
                .cast(DataType::Int32)
                .cum_sum(false)
                .over(clinician)?
                .alias("run"),
        )
        .with_column(col("week").cum_count(false).over([col("clinic"), col("clinician"), col("run")])?.alias("streak"))
        .select([col("clinic"), col("clinician"), col("week").alias("at"), col("streak").cast(DataType::Float64)]))
}

/// Scores every clinician at every report-window week on the risk window ending that week.
pub fn compute(
    detail: &DataFrame,
    worked_weeks: &DataFrame,
    window: &Window,
    config: &Config,
    available: &Available,
) -> PolarsResult<Burnout> {
    let weeks = config.risk_window_weeks as i32;
    let shifted: Vec<LazyFrame> =
        (0..weeks).map(|k| detail.clone().lazy().with_column((col("week") + lit(7 * k)).alias("at"))).collect();
    let worked_hours = col("direct_s") + col("admin_s") + col("supervision_s") + col("training_s");
    let per_window = concat(shifted, UnionArgs::default())?
        .filter(col("at").gt_eq(lit(window.first_week)).and(col("at").lt_eq(lit(window.last_week))))
        .group_by([col("clinic"), col("clinician"), col("at")])
        .agg([
            (hours(col("direct_s")) / col("fte")).mean().alias("direct_hours_per_fte"),
            (col("active_caseload")
                .sort_by([col("week")], SortMultipleOptions::default())
                .last()
                .cast(DataType::Float64)
                / col("fte").sort_by([col("week")], SortMultipleOptions::default()).last())
            .alias("caseload_per_fte"),
            col("admin_s").sum(),
            col("direct_s").sum(),
            hours(col("after_hours_s")).mean().alias("after_hours_per_week"),
            worked_hours.sum().alias("worked_s"),
            col("contracted_hours").sum(),
            col("high_acuity_sessions").sum(),
            col("doc_late_sessions").sum(),
            col("sessions_attended").sum(),
            col("supervision_received_s").sum(),
        ]);
    let admin = |e: Expr| if available.admin { e } else { unavailable() };
    let values = [
        col("direct_hours_per_fte"),
        col("caseload_per_fte"),
        admin(ratio(col("admin_s"), col("direct_s"))),
        if available.admin && available.after_hours { col("after_hours_per_week") } else { unavailable() },
        admin(ratio(col("worked_s"), col("contracted_hours") * lit(3600.0))),
        if available.high_acuity {
            ratio(col("high_acuity_sessions"), col("sessions_attended"))
        } else {
            unavailable()
        },
        if available.note_signed { ratio(col("doc_late_sessions"), col("sessions_attended")) } else { unavailable() },
        admin(hours(col("supervision_received_s")) * lit(4.0 / weeks as f64)),
        col("streak"),
    ];
    let ramps = config.components.ramps();
    let with_values: Vec<Expr> =
        values.into_iter().zip(Components::NAMES).map(|(value, name)| value.alias(name)).collect();
    let strains: Vec<Expr> = Components::NAMES
        .iter()
        .zip(ramps)
        .map(|(name, ramp)| {
            ((col(*name) - lit(ramp.green)) / lit(ramp.red - ramp.green))
                .clip_min(lit(0.0))
                .clip_max(lit(1.0))
                .round(STRAIN_DECIMALS, RoundMode::HalfToEven)
                .alias(format!("{name}_strain"))
        })
        .collect();
    let weighted = |f: &dyn Fn(&str) -> Expr| {
        Components::NAMES
            .iter()
            .zip(ramps)
            .map(|(name, ramp)| f(&format!("{name}_strain")) * lit(ramp.weight))
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| lit(0.0))
    };
    let numerator = weighted(&|strain| col(strain).fill_null(lit(0.0)));
    let denominator = weighted(&|strain| col(strain).is_not_null().cast(DataType::Float64));
    let tiers = &config.tiers;
    let history = per_window
        .join(
            streaks(worked_weeks)?,
            [col("clinic"), col("clinician"), col("at")],
            [col("clinic"), col("clinician"), col("at")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("streak").fill_null(lit(0.0)))
        .with_columns(with_values)
        .with_columns(strains)
        .with_column(
            when(denominator.clone().gt(lit(0.0)))
                .then((lit(100.0) * numerator / denominator).round(STRAIN_DECIMALS, RoundMode::HalfToEven))
                .otherwise(unavailable())
                .alias("score"),
        )
        .with_column(
            when(col("score").gt_eq(lit(tiers.high)))
                .then(lit("high"))
                .when(col("score").gt_eq(lit(tiers.moderate)))
                .then(lit("moderate"))
                .when(col("score").is_not_null())
                .then(lit("low"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("tier"),
        )
        .select(
            [col("clinic"), col("clinician"), col("at").alias("week"), col("score"), col("tier")]
                .into_iter()
                .chain(Components::NAMES.iter().flat_map(|n| [col(*n), col(format!("{n}_strain"))]))
                .collect::<Vec<_>>(),
        )
        .sort(["clinic", "clinician", "week"], SortMultipleOptions::default())
        .collect()?;

    let recent = window.last_week - 7 * (tiers.sustained_of as i32 - 1);
    let sustained = history
        .clone()
        .lazy()
        .filter(col("week").gt_eq(lit(recent)))
        .group_by([col("clinic"), col("clinician")])
        .agg([col("tier").eq(lit("high")).cast(DataType::Int64).sum().alias("high_weeks")])
        .with_column(col("high_weeks").gt_eq(lit(tiers.sustained_weeks as i64)).alias("sustained"));
    let mut risk = history
        .clone()
        .lazy()
        .filter(col("week").eq(lit(window.last_week)).and(col("score").is_not_null()))
        .join(
            sustained,
            [col("clinic"), col("clinician")],
            [col("clinic"), col("clinician")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["clinic", "clinician"], SortMultipleOptions::default())
        .collect()?;
    let (first, second) = top_components(&risk, config)?;
    risk.with_column(Column::new("top_component_1".into(), first))?;
    risk.with_column(Column::new("top_component_2".into(), second))?;
    let columns: Vec<Expr> =
        ["clinic", "clinician", "score", "tier", "sustained", "top_component_1", "top_component_2"]
            .into_iter()
            .map(col)
            .chain(Components::NAMES.iter().flat_map(|n| [col(*n), col(format!("{n}_strain"))]))
            .collect();
    let risk = risk.lazy().select(columns).collect()?;
    Ok(Burnout { risk, history, missing: available.missing() })
}

type ComponentNames = Vec<Option<String>>;

/// The two components with the largest weighted strain among those with a value, as SPEC §3 asks,
/// even when the strain is 0 (then the tie-break order decides; the report shows the strains).
fn top_components(risk: &DataFrame, config: &Config) -> PolarsResult<(ComponentNames, ComponentNames)> {
    let ramps = config.components.ramps();
    let strains: Vec<Vec<Option<f64>>> = Components::NAMES
        .iter()
        .map(|n| Ok(risk.column(&format!("{n}_strain"))?.f64()?.iter().collect()))
        .collect::<PolarsResult<_>>()?;
    let ranked = |row: usize| {
        let mut contributions: Vec<(f64, usize)> = strains
            .iter()
            .zip(ramps)
            .enumerate()
            .filter_map(|(i, (column, ramp))| column[row].map(|s| (s * ramp.weight, i)))
            .collect();
        // Largest first; ties keep the SPEC's component order.
        contributions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let name = |k: usize| contributions.get(k).map(|&(_, i)| Components::NAMES[i].to_owned());
        (name(0), name(1))
    };
    Ok((0..risk.height()).map(ranked).unzip())
}

/// Length of one client session, for expressing admin hours as sessions not offered.
pub const SESSION_MINUTES: f64 = 50.0;

/// The network's burnout figures over the clinicians scored at the last complete week, computed
/// once here and published by the privacy stage (staff rule) for every output that uses them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub scored: usize,
    pub low: usize,
    pub moderate: usize,
    pub high: usize,
    pub sustained: usize,
    /// Mean after-hours hours per clinician-week; None without admin_time.csv.
    pub after_hours_per_clinician_week: Option<f64>,
    /// Admin time beyond the green admin ratio, as client sessions a month; None without admin_time.csv.
    pub sessions_lost_per_month: Option<f64>,
    /// Each component with any clinician scored on it, for the components with any.
    pub drivers: Vec<Driver>,
    /// Clinicians scored whose admin ratio over the risk window is at or under the green value.
    pub meeting_admin_target: usize,
    /// Each clinician's admin ratio and caseload per FTE over the risk window (the histograms).
    pub admin_ratio: Spread,
    pub caseload_per_fte: Spread,
}

/// One component's values over the clinicians scored on it, counted against its ramp.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    pub values: Vec<f64>,
    pub at_or_below_green: usize,
    pub between: usize,
    pub above_red: usize,
    /// The median value (the mean of the middle two for an even count); None without values.
    pub median: Option<f64>,
}

impl Spread {
    pub fn of(values: Vec<f64>, ramp: crate::config::Ramp) -> Self {
        let above_red = values.iter().filter(|&&v| v > ramp.red).count();
        let at_or_below_green = values.iter().filter(|&&v| v <= ramp.green).count();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => Some(sorted[n / 2]),
            _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
        };
        Spread { between: n - above_red - at_or_below_green, values, at_or_below_green, above_red, median }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// One burnout component over the clinicians scored on it: its mean strain (its contribution to
/// the score before weighting) and its mean value in its own unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Driver {
    pub name: &'static str,
    pub strain: f64,
    pub value: f64,
    pub clinicians: usize,
}

/// A column as optional floats (empty when the column is missing).
pub fn float_values(frame: &DataFrame, column: &str) -> Vec<Option<f64>> {
    frame
        .column(column)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| c.f64().ok().map(|ca| ca.iter().collect()))
        .unwrap_or_default()
}

/// The figures of `risk` (the per-clinician scores) and of the report window's clinician weeks.
pub fn figures(
    risk: &DataFrame,
    clinician_weeks: &DataFrame,
    has_admin: bool,
    weeks_with_data: u32,
    config: &Config,
) -> Figures {
    let tiers: Vec<Option<String>> = risk
        .column("tier")
        .ok()
        .and_then(|c| c.str().ok().map(|t| t.iter().map(|v| v.map(str::to_owned)).collect()))
        .unwrap_or_default();
    let count = |tier: &str| tiers.iter().filter(|t| t.as_deref() == Some(tier)).count();
    let sustained = risk
        .column("sustained")
        .ok()
        .and_then(|c| c.bool().ok().map(|b| b.iter().filter(|v| *v == Some(true)).count()))
        .unwrap_or(0);
    let after: Vec<f64> = float_values(risk, "after_hours_per_week").into_iter().flatten().collect();
    let target = config.components.admin_ratio.green;
    let excess: f64 = float_values(clinician_weeks, "admin_hours")
        .into_iter()
        .zip(float_values(clinician_weeks, "direct_hours"))
        .map(|(a, d)| (a.unwrap_or(0.0) - target * d.unwrap_or(0.0)).max(0.0))
        .sum();
    let drivers = Components::NAMES
        .iter()
        .filter_map(|name| {
            let strains: Vec<f64> = float_values(risk, &format!("{name}_strain")).into_iter().flatten().collect();
            let values: Vec<f64> = float_values(risk, name).into_iter().flatten().collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            (!strains.is_empty()).then(|| Driver {
                name,
                strain: mean(&strains),
                value: mean(&values),
                clinicians: strains.len(),
            })
        })
        .collect();
    Figures {
        scored: tiers.iter().flatten().count(),
        low: count("low"),
        moderate: count("moderate"),
        high: count("high"),
        sustained,
        after_hours_per_clinician_week: (has_admin && !after.is_empty())
            .then(|| after.iter().sum::<f64>() / after.len() as f64),
        // Weekly excess over the window, × 52/12 weeks a month, in sessions.
        sessions_lost_per_month: has_admin
            .then(|| excess / f64::from(weeks_with_data.max(1)) * 52.0 / 12.0 / (SESSION_MINUTES / 60.0)),
        drivers,
        meeting_admin_target: float_values(risk, "admin_ratio").into_iter().flatten().filter(|r| *r <= target).count(),
        admin_ratio: Spread::of(
            float_values(risk, "admin_ratio").into_iter().flatten().collect(),
            config.components.admin_ratio,
        ),
        caseload_per_fte: Spread::of(
            float_values(risk, "caseload_per_fte").into_iter().flatten().collect(),
            config.components.caseload_per_fte,
        ),
    }
}
