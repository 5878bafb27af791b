//! Small-cell suppression applied to the published tables (SPEC §4, advocacy audience).
//!
//! Each table is cut into cubes of counts of people that carry their own totals — per week where a
//! table is weekly — and `suppress` marks them. Hidden counts become null in the frame (and so in
//! Parquet); the CSV and the HTML show "<11" or "suppressed" in their place. Rates, means and
//! medians resting on fewer than min_cell people become null and read "withheld".

use polars::prelude::*;
use std::collections::BTreeMap;

use super::rounding::{round_table, Rounded, Rounding};
use super::staff;
use super::suppress::{hidden, suppress_with, Cube, Mark};
use crate::config::Disclosure;
use crate::indicators::access::CAPACITY_WIDTH;
use crate::indicators::ALL_CLINICS;

/// How a table's counts add up, over clinics and the network row (`clinic` = ALL_CLINICS).
pub enum Layout<'a> {
    /// Every column on its own: the network row is the sum of the clinic rows.
    Columns(&'a [&'a str]),
    /// Part columns and the column that is their sum, e.g. the risk tiers and `clinicians`.
    Parts { parts: &'a [&'a str], total: &'a str },
    /// One more axis in a text column whose last level is the total, e.g. urgency with `all`.
    Levels { column: &'a str, levels: &'a [&'a str], parts: &'a [&'a str], total: &'a str },
}

/// What to protect in one table.
pub struct Rule<'a> {
    /// A column whose values cut the table into separate cubes (`week`).
    pub group: Option<&'a str>,
    pub layout: Layout<'a>,
    /// (rate, mean or median column, the count of people it rests on).
    pub rates: &'a [(&'a str, &'a str)],
    /// (share, count): a share whose numerator (or its complement) is this count, withheld when the
    /// count is from 1 to min_cell − 1 — four decimals of a share over a known range of bases name
    /// the fraction, and so the count.
    pub numerators: &'a [(&'a str, &'a str)],
    /// (column, count): figures from which the count could be worked back (a clinic's FTE is
    /// close to its number of clinicians), withheld wherever that count is hidden.
    pub follows: &'a [(&'a str, &'a str)],
    /// A stock and its flows from one group (week) to the next: stock − previous stock = inflows −
    /// outflows, per clinic. No such identity may be left with a single hidden cell.
    pub flow: Option<Flow<'a>>,
    /// (column, level or "" for every level): cells hidden as complementary cells only when no
    /// other choice protects a small one — figures other tables repeat, or a headline.
    pub precious: &'a [(&'a str, &'a str)],
}

/// See `Rule::flow`; `step` is the difference between consecutive groups (7 days for weeks).
pub struct Flow<'a> {
    pub stock: &'a str,
    pub inflows: &'a [&'a str],
    pub outflows: &'a [&'a str],
    pub step: i64,
}

/// Why a published cell does not show its figure. The report decides only how each reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A small count of people, published as a range: from 1 to `below` − 1.
    Small { below: u32 },
    /// A count hidden so that no small count can be worked back from the totals (complementary
    /// suppression).
    Suppressed,
    /// A rate, mean, median or staff figure resting on too few people or clinicians, or a figure
    /// from which a hidden count could be worked back.
    Withheld,
}

/// A count as published: its number (rounded where the rule rounds), or why it is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Shown(i64),
    Hidden(Hidden),
}

/// The cells of a table that are not shown as their value, by column and row, and why.
#[derive(Debug, Default, Clone)]
pub struct Overrides(BTreeMap<String, Vec<Option<Hidden>>>);

impl Overrides {
    pub fn get(&self, column: &str, row: usize) -> Option<Hidden> {
        *self.0.get(column)?.get(row)?
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|cells| cells.iter().all(Option::is_none))
    }

    /// How many cells are hidden as small, suppressed and withheld.
    pub fn counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for hidden in self.0.values().flatten().flatten() {
            counts[match hidden {
                Hidden::Small { .. } => 0,
                Hidden::Suppressed => 1,
                Hidden::Withheld => 2,
            }] += 1;
        }
        counts
    }

    pub(crate) fn set(&mut self, column: &str, height: usize, row: usize, hidden: Hidden) {
        self.0.entry(column.to_owned()).or_insert_with(|| vec![None; height])[row] = Some(hidden);
    }
}

fn counts(frame: &DataFrame, column: &str) -> PolarsResult<Vec<i64>> {
    Ok(frame.column(column)?.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

/// Hides the table's small counts and their complements and withholds rates resting on too few
/// people; returns the masked frame and what the published cells say instead.
pub fn protect(frame: &DataFrame, rule: &Rule, min_cell: u32) -> PolarsResult<(DataFrame, Overrides)> {
    protect_with(frame, rule, min_cell, &|_, _| false)
}

/// `protect`, with the cells for which `hide(column, row)` holds hidden from the start (when they
/// are counts of min_cell or more): the same count hidden in another table.
pub fn protect_with(
    frame: &DataFrame,
    rule: &Rule,
    min_cell: u32,
    hide: &dyn Fn(&str, usize) -> bool,
) -> PolarsResult<(DataFrame, Overrides)> {
    let m = i64::from(min_cell);
    let height = frame.height();
    let clinics: Vec<u32> = frame.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect();
    let groups: Vec<i64> = match rule.group {
        Some(column) => counts(frame, column)?,
        None => vec![0; height],
    };
    let (parts, total, level_column, levels): (Vec<&str>, Option<&str>, Option<&str>, &[&str]) = match &rule.layout {
        Layout::Columns(columns) => (columns.to_vec(), None, None, &[]),
        Layout::Parts { parts, total } => (parts.to_vec(), Some(*total), None, &[]),
        Layout::Levels { column, levels, parts, total } => (parts.to_vec(), Some(*total), Some(*column), levels),
    };
    let level_of: Vec<usize> = match level_column {
        Some(column) => {
            let texts = frame.column(column)?.str()?.clone();
            texts.iter().map(|t| t.and_then(|t| levels.iter().position(|l| *l == t)).unwrap_or(usize::MAX)).collect()
        }
        None => vec![0; height],
    };
    let value_columns: Vec<&str> = parts.iter().copied().chain(total).collect();
    let values: BTreeMap<&str, Vec<i64>> =
        value_columns.iter().map(|c| Ok((*c, counts(frame, c)?))).collect::<PolarsResult<_>>()?;

    let mut by_group: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (row, group) in groups.iter().enumerate() {
        by_group.entry(*group).or_default().push(row);
    }
    // Cells a flow identity needs hidden on top of the small cells; grows until no identity gives
    // a hidden cell away, and the totals are protected again each time.
    let mut forced: BTreeMap<&str, Vec<bool>> =
        value_columns.iter().map(|c| (*c, (0..height).map(|row| hide(c, row)).collect())).collect();
    let marks = loop {
        let mut marks: BTreeMap<&str, Vec<Mark>> =
            value_columns.iter().map(|c| (*c, vec![Mark::Shown; height])).collect();
        for rows in by_group.values() {
            // Clinics in code order, then the network; a table without a network row still gets one
            // (as if shown), so that a reader who adds the clinics up gains nothing.
            let mut clinic_axis: Vec<u32> = rows.iter().map(|&r| clinics[r]).filter(|&c| c != ALL_CLINICS).collect();
            clinic_axis.sort_unstable();
            clinic_axis.dedup();
            clinic_axis.push(ALL_CLINICS);
            let clinic_index = |c: u32| clinic_axis.iter().position(|&x| x == c).unwrap_or(clinic_axis.len() - 1);
            let level_count = levels.len().max(1);
            let cubes: Vec<Vec<&str>> = match total {
                Some(_) => vec![value_columns.clone()],
                None => value_columns.iter().map(|c| vec![*c]).collect(),
            };
            for columns in cubes {
                let shape: Vec<usize> = if level_column.is_some() {
                    vec![clinic_axis.len(), level_count, columns.len()]
                } else if columns.len() > 1 {
                    vec![clinic_axis.len(), columns.len()]
                } else {
                    vec![clinic_axis.len()]
                };
                let size: usize = shape.iter().product();
                let mut cube = vec![0i64; size];
                let mut force = vec![false; size];
                let mut dear = vec![false; size];
                let mut row_at = vec![None; size];
                for &row in rows {
                    if level_of[row] == usize::MAX {
                        continue;
                    }
                    for (k, column) in columns.iter().enumerate() {
                        let index = match shape.len() {
                            3 => (clinic_index(clinics[row]) * level_count + level_of[row]) * columns.len() + k,
                            2 => clinic_index(clinics[row]) * columns.len() + k,
                            _ => clinic_index(clinics[row]),
                        };
                        cube[index] = values[column][row];
                        force[index] = forced[column][row];
                        dear[index] = rule.precious.iter().any(|(c, level)| {
                            c == column
                                && (level.is_empty()
                                    || level_column.is_some() && levels.get(level_of[row]) == Some(level))
                        });
                        row_at[index] = Some((row, *column));
                    }
                }
                fill_missing_totals(&shape, &mut cube, &row_at);
                let cube_marks = suppress_with(&Cube { shape: &shape, values: &cube }, m, &force, &dear);
                for (index, place) in row_at.iter().enumerate() {
                    if let Some((row, column)) = place {
                        if let Some(column_marks) = marks.get_mut(column) {
                            column_marks[*row] = cube_marks[index];
                        }
                    }
                }
            }
        }

        let Some(flow) = &rule.flow else { break marks };
        if !force_flow_cells(flow, &clinics, &groups, &values, &marks, &mut forced, m) {
            break marks;
        }
    };
    let mut overrides = Overrides::default();
    let mut masked = frame.clone();
    for (column, column_marks) in &marks {
        for (row, why) in column_marks.iter().enumerate().filter_map(|(r, mark)| Some((r, hidden(*mark, min_cell)?))) {
            overrides.set(column, height, row, why);
        }
        let keep: BooleanChunked = column_marks.iter().map(|m| !m.hidden()).collect();
        mask(&mut masked, column, &keep)?;
    }
    for (column, count) in rule.follows {
        let Some(count_marks) = marks.get(count) else { continue };
        let hide: Vec<bool> = count_marks.iter().map(|m| m.hidden()).collect();
        let Ok(values) = frame.column(column) else { continue };
        for (row, _) in hide.iter().enumerate().filter(|(_, h)| **h) {
            if !values.get(row).is_ok_and(|v| v.is_null()) {
                overrides.set(column, height, row, Hidden::Withheld);
            }
        }
        mask(&mut masked, column, &hide.iter().map(|h| !h).collect())?;
    }
    for (share, count) in rule.numerators {
        let Ok(numerator) = counts(frame, count) else { continue };
        let Ok(values) = frame.column(share) else { continue };
        let mut keep = Vec::with_capacity(height);
        for (row, &n) in numerator.iter().enumerate() {
            let small = (1..m).contains(&n) && !values.get(row).is_ok_and(|v| v.is_null());
            if small {
                overrides.set(share, height, row, Hidden::Withheld);
            }
            keep.push(!small);
        }
        mask(&mut masked, share, &keep.into_iter().collect())?;
    }
    for (rate, base) in rule.rates {
        let Ok(base_values) = counts(frame, base) else { continue };
        let Ok(rate_column) = frame.column(rate) else { continue };
        let mut keep = Vec::with_capacity(height);
        for (row, &n) in base_values.iter().enumerate() {
            let thin = n < m && !rate_column.get(row).is_ok_and(|v| v.is_null());
            if thin {
                overrides.set(rate, height, row, Hidden::Withheld);
            }
            keep.push(!thin);
        }
        mask(&mut masked, rate, &keep.into_iter().collect())?;
    }
    Ok((masked, overrides))
}

/// Hides one more cell in every flow identity (stock − previous stock − inflows + outflows = 0, per
/// clinic and consecutive groups) that has exactly one hidden cell: a stock of min_cell or more if
/// there is one, else a flow. Returns whether it hid anything.
fn force_flow_cells<'a>(
    flow: &Flow<'a>,
    clinics: &[u32],
    groups: &[i64],
    values: &BTreeMap<&'a str, Vec<i64>>,
    marks: &BTreeMap<&'a str, Vec<Mark>>,
    forced: &mut BTreeMap<&'a str, Vec<bool>>,
    m: i64,
) -> bool {
    let row_of: std::collections::HashMap<(u32, i64), usize> =
        clinics.iter().zip(groups).enumerate().map(|(row, (&c, &g))| ((c, g), row)).collect();
    let mut changed = false;
    for row in 0..clinics.len() {
        let Some(&previous) = row_of.get(&(clinics[row], groups[row] - flow.step)) else { continue };
        let mut cells: Vec<(&'a str, usize)> = vec![(flow.stock, row), (flow.stock, previous)];
        cells.extend(flow.inflows.iter().chain(flow.outflows).map(|c| (*c, row)));
        let hidden = |(column, r): &(&str, usize)| marks[column][*r].hidden() || forced[column][*r];
        if cells.iter().filter(|c| hidden(c)).count() != 1 {
            continue;
        }
        // The latest stock is the headline (and other tables repeat it): hidden only if nothing
        // else in the identity can be.
        let latest = groups.iter().copied().max();
        let headline = |(column, r): &(&str, usize)| *column == flow.stock && Some(groups[*r]) == latest;
        let mut candidates: Vec<&(&str, usize)> =
            cells.iter().filter(|c| !hidden(c) && values[c.0][c.1] >= m).collect();
        candidates.sort_by_key(|c| headline(c));
        if let Some(&&(column, r)) = candidates.first() {
            if let Some(flags) = forced.get_mut(column) {
                flags[r] = true;
                changed = true;
            }
        }
    }
    changed
}

/// Cells of the cube with no row behind them: a total is the sum of its parts (a reader could add
/// them up), a part is zero.
fn fill_missing_totals(shape: &[usize], cube: &mut [i64], row_at: &[Option<(usize, &str)>]) {
    let coords = |mut index: usize| {
        let mut coords = vec![0; shape.len()];
        for (axis, &n) in shape.iter().enumerate().rev() {
            coords[axis] = index % n;
            index /= n;
        }
        coords
    };
    let is_total = |c: &[usize]| c.iter().zip(shape).any(|(c, n)| *c == n - 1);
    let inner: Vec<(Vec<usize>, i64)> =
        (0..cube.len()).map(|i| (coords(i), cube[i])).filter(|(c, _)| !is_total(c)).collect();
    for index in 0..cube.len() {
        let here = coords(index);
        if row_at[index].is_some() || !is_total(&here) {
            continue;
        }
        cube[index] = inner
            .iter()
            .filter(|(c, _)| c.iter().zip(&here).zip(shape).all(|((c, h), n)| *h == n - 1 || c == h))
            .map(|(_, v)| v)
            .sum();
    }
}

fn mask(frame: &mut DataFrame, column: &str, keep: &BooleanChunked) -> PolarsResult<()> {
    let Ok(original) = frame.column(column) else { return Ok(()) };
    let nulls = Series::full_null(column.into(), frame.height(), original.dtype());
    let kept = original.as_materialized_series().zip_with(keep, &nulls)?;
    frame.replace(column, kept.into_column())?;
    Ok(())
}

/// Every advocacy table's rule (SPEC §4; the columns are those of SPEC §4's table list).
pub mod rules {
    use super::{Layout, Rule};

    pub const CLINIC_WEEKS: Rule<'static> = Rule {
        group: Some("week"),
        layout: Layout::Parts { parts: &["risk_low", "risk_moderate", "risk_high"], total: "clinicians" },
        rates: &[
            ("admin_ratio", "clinicians"),
            ("no_show_rate", "clinicians"),
            ("median_caseload_per_fte", "clinicians"),
        ],
        numerators: &[],
        follows: &[("fte", "clinicians")],
        flow: None,
        precious: &[],
    };
    /// Each week's backlog, clinics adding up to ALL.
    pub const WAITLIST_BACKLOG: Rule<'static> = Rule {
        group: Some("week"),
        layout: Layout::Columns(&["backlog"]),
        rates: &[],
        numerators: &[],
        follows: &[],
        flow: None,
        precious: &[("backlog", "")],
    };
    /// The network's weekly referrals and first appointments (clinic rows do not publish flows).
    pub const NETWORK_FLOWS: Rule<'static> = Rule {
        group: Some("week"),
        layout: Layout::Columns(&["referrals", "first_seen"]),
        rates: &[],
        numerators: &[],
        follows: &[],
        flow: None,
        precious: &[],
    };
    /// The capacity window's referrals and first appointments (λ, μ × its weeks) by clinic.
    pub const CAPACITY_SUMS: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["referrals", "first_seen"]),
        rates: &[],
        numerators: &[],
        follows: &[],
        flow: None,
        precious: &[],
    };
    pub const WAITS: Rule<'static> = Rule {
        group: None,
        layout: Layout::Levels {
            column: "urgency",
            levels: &["routine", "urgent", "emergency", "all"],
            parts: &["seen", "still_waiting", "closed_unseen"],
            total: "referrals",
        },
        rates: &[
            ("km_median_days", "referrals"),
            ("km_p90_days", "referrals"),
            ("completed_median_days", "seen"),
            ("within_standard_share", "judged"),
        ],
        numerators: &[("within_standard_share", "within"), ("within_standard_share", "not_within")],
        follows: &[],
        flow: None,
        // People still waiting, all urgencies: the backlog that capacity and waitlist_weeks repeat.
        precious: &[("still_waiting", "all")],
    };
    /// Clients with a second session and follow-up gaps (appointments) are both counts of people
    /// served; the share over standard rests on the gaps and is published from the gaps over and
    /// within the standard.
    pub const FOLLOWUP: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["clients", "followup_gaps"]),
        rates: &[("second_wait_median_days", "clients"), ("followup_over_standard_share", "followup_gaps")],
        numerators: &[("followup_over_standard_share", "gaps_over"), ("followup_over_standard_share", "gaps_within")],
        follows: &[],
        flow: None,
        precious: &[],
    };
    /// The gap's extra starts add (backlog − target) / clearance weeks: with the target and the
    /// rates shown, they would give a hidden backlog back.
    pub const CAPACITY: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["backlog"]),
        rates: &[],
        numerators: &[],
        follows: &[
            ("extra_starts_per_week", "backlog"),
            ("extra_fte", "backlog"),
            ("annual_cost", "backlog"),
            ("reclaim_share_of_gap", "backlog"),
            ("clearance_fte", "backlog"),
            ("extra_fte_at_observed", "backlog"),
            ("annual_cost_at_observed", "backlog"),
        ],
        flow: None,
        precious: &[],
    };
    /// People waiting past the urgent and emergency standards: clinics add up to the network.
    pub const SAFETY: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["urgent_waiting_past_standard", "emergency_waiting_past_standard"]),
        rates: &[],
        numerators: &[],
        follows: &[],
        flow: None,
        precious: &[],
    };
    /// The report's totals over the window, by clinic.
    pub const WINDOW_TOTALS: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["clinicians"]),
        rates: &[("admin_ratio", "clinicians"), ("no_show_rate", "clinicians")],
        numerators: &[],
        follows: &[],
        flow: None,
        precious: &[],
    };
}

/// How counts of people served are published in the advocacy audience (`disclosure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleRule {
    /// Counts from 1 to `hide_max` hidden, every other count rounded (see `rounding`).
    Round(Rounding),
    /// Counts under `min_cell` hidden, with complementary suppression (see `suppress`).
    Suppress { min_cell: u32 },
}

impl PeopleRule {
    pub fn from_config(config: &crate::config::Config) -> PeopleRule {
        match config.disclosure {
            Disclosure::Round => PeopleRule::Round(Rounding {
                hide_max: config.round_hide_max,
                base: config.round_base,
                off: super::rounding::Off::from_env(),
            }),
            Disclosure::Suppress => PeopleRule::Suppress { min_cell: config.min_cell },
        }
    }

    /// The smallest count shown as a number (8 when rounding, min_cell when suppressing).
    pub fn threshold(self) -> u32 {
        match self {
            PeopleRule::Round(r) => r.hide_max + 1,
            PeopleRule::Suppress { min_cell } => min_cell,
        }
    }
}

/// What the report may show of each table: empty for the internal audience.
#[derive(Debug, Default)]
pub struct Protection {
    /// How counts of people served are published; None for the internal audience.
    pub people: Option<PeopleRule>,
    /// The smallest group whose staff figures are shown; None for the internal audience.
    pub min_group: Option<u32>,
    pub tables: BTreeMap<&'static str, Overrides>,
}

impl Protection {
    /// The protection an audience gets under `config`.
    pub fn new(audience: super::Audience, config: &crate::config::Config) -> Protection {
        let advocacy = audience == super::Audience::Advocacy;
        Protection {
            people: advocacy.then(|| PeopleRule::from_config(config)),
            min_group: advocacy.then_some(config.min_group_clinicians),
            tables: BTreeMap::new(),
        }
    }

    /// The same rules, without any table decided yet.
    pub fn rules(&self) -> Protection {
        Protection { people: self.people, min_group: self.min_group, tables: BTreeMap::new() }
    }

    pub fn advocacy(&self) -> bool {
        self.people.is_some()
    }

    /// The smallest count of people shown as a number, when counts are protected.
    pub fn threshold(&self) -> Option<u32> {
        self.people.map(PeopleRule::threshold)
    }

    /// Why a cell of a protected table is not shown as its value; None when it is.
    pub fn hidden(&self, table: &str, column: &str, row: usize) -> Option<Hidden> {
        self.tables.get(table)?.get(column, row)
    }

    /// A count of people served for a sentence or a table without totals, as published: hidden
    /// from 1 to 7 or rounded to 5 (round), hidden under min_cell (suppress), or the count.
    pub fn people(&self, n: i64) -> Count {
        match self.people {
            Some(PeopleRule::Round(r)) => match r.count(n) {
                Rounded::Shown(v) => Count::Shown(v),
                Rounded::Hidden => Count::Hidden(r.small()),
            },
            Some(PeopleRule::Suppress { min_cell }) if (1..i64::from(min_cell)).contains(&n) => {
                Count::Hidden(Hidden::Small { below: min_cell })
            }
            _ => Count::Shown(n),
        }
    }

    /// Whether a count of people served must not be shown as a number.
    pub fn hides(&self, n: i64) -> bool {
        self.people.is_some_and(|rule| (1..i64::from(rule.threshold())).contains(&n))
    }

    /// Whether a mean, median or rate over `n` people served must be withheld.
    pub fn too_few(&self, n: i64) -> bool {
        self.people.is_some_and(|rule| n < i64::from(rule.threshold()))
    }

    /// Cells shown as "<8" or "<11", as "suppressed" and as "withheld", over every table.
    pub fn counts(&self) -> [usize; 3] {
        self.tables.values().map(Overrides::counts).fold([0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    }

    /// Protects the access tables together (see `protect_access` and `round_access`); unchanged
    /// for the internal audience.
    pub fn apply_access(
        &mut self,
        access: &mut crate::indicators::access::Access,
        config: &crate::config::Config,
    ) -> PolarsResult<()> {
        let [weeks, waits, capacity] = match self.people {
            None => return Ok(()),
            Some(PeopleRule::Suppress { min_cell }) => {
                thin_access_detail(&mut access.detail, &access.waits, min_cell)?;
                protect_access(
                    &mut access.waitlist_weeks,
                    &mut access.waits,
                    &mut access.capacity,
                    min_cell,
                    config.capacity_window_weeks,
                )?
            }
            Some(PeopleRule::Round(rounding)) => round_access(access, rounding, config)?,
        };
        self.tables.insert("waitlist_weeks", weeks);
        self.tables.insert("waits", waits);
        self.tables.insert("capacity", capacity);
        self.apply_safety(access)?;
        // A clinic whose backlog is not published gets no projection of its own (it still counts
        // in the network's, which is projected from the network's own flows).
        let clinics = access.capacity.column("clinic")?.u32()?.clone();
        let hidden: std::collections::BTreeSet<u32> = (0..access.capacity.height())
            .filter(|&r| self.hidden("capacity", "backlog", r).is_some())
            .filter_map(|r| clinics.get(r))
            .collect();
        access.projection.retain(|clinic| !hidden.contains(&clinic));
        self.publish_projection(access)
    }

    /// The projection as published: the capacity table's figures (the target backlog is λ × the
    /// routine standard; the capacity gap's extra starts add (B − B*) / clearance weeks) are those
    /// the capacity table publishes, so that no figure of scenarios.csv undoes its rounding or
    /// suppression; a group whose gap is withheld gets no projection of its own; relief and
    /// variability capacity (λ plus a term) are whole first appointments per week and the wait at
    /// the horizon (backlog / μ) has one decimal; and when
    /// rounding, the projected backlogs are rounded to the same base as the counts.
    fn publish_projection(&self, access: &mut crate::indicators::access::Access) -> PolarsResult<()> {
        let capacity = &access.capacity;
        let figure = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
            Ok(capacity.column(name)?.cast(&DataType::Float64)?.f64()?.iter().collect())
        };
        let (target, starts, fte) = (figure("target_backlog")?, figure("extra_starts_per_week")?, figure("extra_fte")?);
        // Per clinic: the published target backlog, extra starts and extra FTE.
        type Gap = (Option<f64>, Option<f64>, Option<f64>);
        let published: BTreeMap<u32, Gap> = capacity
            .column("clinic")?
            .u32()?
            .iter()
            .enumerate()
            .filter_map(|(r, c)| c.map(|c| (c, (target[r], starts[r], fte[r]))))
            .collect();
        access.projection.retain(|clinic| published.get(&clinic).is_some_and(|(t, s, _)| t.is_some() && s.is_some()));
        let base = match self.people {
            Some(PeopleRule::Round(r)) => Some(f64::from(r.base.max(1))),
            _ => None,
        };
        for path in &mut access.projection.paths {
            let Some(&(Some(target), Some(starts), fte)) = published.get(&path.clinic) else { continue };
            path.target_backlog = target;
            if path.scenario == crate::indicators::projection::CAPACITY_GAP {
                path.extra_starts = starts;
                if let Some(fte) = fte {
                    // The cost is FTE × annual_cost_per_fte: it follows the published FTE.
                    if path.extra_fte > 0.0 {
                        path.annual_cost = path.annual_cost.map(|c| c * fte / path.extra_fte);
                    }
                    path.extra_fte = fte;
                }
            }
            path.relief_capacity = path.relief_capacity.round();
            // Backlog / μ with four decimals would name μ more exactly than the rates do.
            path.wait_at_horizon_weeks = path.wait_at_horizon_weeks.map(|w| (w * 10.0).round() / 10.0);
            path.variability_capacity = path.variability_capacity.map(f64::round);
            if let Some(base) = base {
                for band in &mut path.bands {
                    for value in [&mut band.p10, &mut band.p50, &mut band.p90] {
                        *value = (*value / base).round() * base;
                    }
                }
            }
        }
        Ok(())
    }

    /// Publishes a table of counts of people served by `rule` under the configured disclosure and
    /// keeps its overrides under `table`; unchanged for the internal audience.
    pub fn apply(&mut self, table: &'static str, frame: &mut DataFrame, rule: &Rule) -> PolarsResult<()> {
        let (masked, overrides) = match self.people {
            None => return Ok(()),
            Some(PeopleRule::Suppress { min_cell }) => protect(frame, rule, min_cell)?,
            Some(PeopleRule::Round(rounding)) => round_table(frame, rule, rounding)?,
        };
        *frame = masked;
        self.tables.insert(table, overrides);
        Ok(())
    }

    /// People waiting past the urgent and emergency standards. Under suppression a clinic's count
    /// is hidden where `waits` hides that clinic's people still waiting at that urgency (it can be
    /// the same number, and is never larger), then protected with its complements.
    fn apply_safety(&mut self, access: &mut crate::indicators::access::Access) -> PolarsResult<()> {
        let (masked, overrides) = match self.people {
            None => return Ok(()),
            Some(PeopleRule::Round(rounding)) => round_table(&access.safety, &rules::SAFETY, rounding)?,
            Some(PeopleRule::Suppress { min_cell }) => {
                let waits = &access.waits;
                let waits_clinic: Vec<Option<u32>> = waits.column("clinic")?.u32()?.iter().collect();
                let urgency: Vec<Option<&str>> = waits.column("urgency")?.str()?.iter().collect();
                let clinics: Vec<Option<u32>> = access.safety.column("clinic")?.u32()?.iter().collect();
                let hidden_waiting = |clinic: Option<u32>, level: &str| {
                    (0..waits.height()).any(|r| {
                        waits_clinic[r] == clinic
                            && urgency[r] == Some(level)
                            && self.hidden("waits", "still_waiting", r).is_some()
                    })
                };
                protect_with(&access.safety, &rules::SAFETY, min_cell, &|column, row| {
                    let level = if column.starts_with("urgent") { "urgent" } else { "emergency" };
                    hidden_waiting(clinics[row], level)
                })?
            }
        };
        access.safety = masked;
        self.tables.insert("safety", overrides);
        Ok(())
    }

    /// Withholds the staff figures of groups under the minimum size (both disclosure modes), and
    /// protects the table's counts of appointments by the rule for people served: rounded, or
    /// hidden under min_cell with complementary suppression within each `group` (a week), where
    /// clinics add up to the network. Keeps the overrides under `table`.
    pub fn apply_staff(
        &mut self,
        table: &'static str,
        frame: &mut DataFrame,
        rule: &staff::StaffRule,
        appointments: &[&str],
        group: Option<&str>,
    ) -> PolarsResult<()> {
        let Some(min_group) = self.min_group else { return Ok(()) };
        let (mut masked, mut overrides) = staff::protect(frame, rule, min_group)?;
        let people = Rule {
            group,
            layout: Layout::Columns(appointments),
            rates: &[],
            numerators: &[],
            follows: &[],
            flow: None,
            precious: &[],
        };
        let protected = match self.people {
            Some(PeopleRule::Round(rounding)) => Some(round_table(&masked, &people, rounding)?),
            Some(PeopleRule::Suppress { min_cell }) => Some(protect(&masked, &people, min_cell)?),
            None => None,
        };
        if let Some((published, more)) = protected {
            masked = published;
            overrides.merge(more);
        }
        *frame = masked;
        self.tables.insert(table, overrides);
        Ok(())
    }
}

impl Overrides {
    fn merge(&mut self, other: Overrides) {
        for (column, cells) in other.0 {
            let mine = self.0.entry(column).or_insert_with(|| vec![None; cells.len()]);
            for (slot, cell) in mine.iter_mut().zip(cells) {
                if cell.is_some() {
                    *slot = cell;
                }
            }
        }
    }
}

/// The capacity figures that rest on a clinic's backlog: withheld with it.
const BACKLOG_FIGURES: [&str; 8] = [
    "backlog",
    "extra_starts_per_week",
    "extra_fte",
    "annual_cost",
    "reclaim_share_of_gap",
    "clearance_fte",
    "extra_fte_at_observed",
    "annual_cost_at_observed",
];

/// The access tables rounded: each count on its own value (the same count in two tables is
/// published the same way), capacity's rates as rounded sums over the capacity window divided by
/// its weeks, and capacity's gap recomputed from those published figures, so that no figure of
/// `capacity` names a count more exactly than the counts themselves.
fn round_access(
    access: &mut crate::indicators::access::Access,
    rounding: Rounding,
    config: &crate::config::Config,
) -> PolarsResult<[Overrides; 3]> {
    let every_column = Rule {
        layout: Layout::Columns(&["referrals", "first_seen", "closed_unseen", "backlog"]),
        ..rules::WAITLIST_BACKLOG
    };
    let (mut weeks, mut weeks_overrides) = round_table(&access.waitlist_weeks, &every_column, rounding)?;
    withhold_unpublished(&mut weeks, &mut weeks_overrides)?;
    let coupled = guard_backlog_weeks(&access.waitlist_weeks, &mut weeks, &mut weeks_overrides, rounding)?;
    let (waits, waits_overrides) = round_table(&access.waits, &rules::WAITS, rounding)?;
    access.waitlist_weeks = weeks;
    access.waits = waits;
    let capacity = &access.capacity;
    let height = capacity.height();
    let float = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        Ok(capacity.column(name)?.cast(&DataType::Float64)?.f64()?.iter().collect())
    };
    let (arrival, starts, backlog) = (float("referrals_per_week")?, float("starts_per_week")?, float("backlog")?);
    let (hours_per_client, reclaim) = (float("hours_per_client")?, float("admin_reclaim_hours_per_week")?);
    let observed = float("direct_hours_per_fte")?;
    let weeks = f64::from(config.capacity_window_weeks);
    let mut overrides = Overrides::default();
    let mut rows: Vec<[Option<f64>; CAPACITY_WIDTH]> = Vec::with_capacity(height);
    let rate = |value: Option<f64>| {
        value.map(|v| {
            let sum = (v * weeks).round() as i64;
            if rounding.off.rates {
                Rounded::Shown(sum)
            } else {
                rounding.count(sum)
            }
        })
    };
    for row in 0..height {
        let (a, s) = (rate(arrival[row]), rate(starts[row]));
        let b = backlog[row].map(|b| rounding.count(b.round() as i64));
        let published = |r: Option<Rounded>| match r {
            Some(Rounded::Shown(n)) => Some(n as f64),
            _ => None,
        };
        let (a, s, b) = (published(a), published(s), published(b));
        let hidden_backlog = backlog[row].is_some() && b.is_none();
        for (column, value, original) in
            [("referrals_per_week", a, arrival[row]), ("starts_per_week", s, starts[row]), ("backlog", b, backlog[row])]
        {
            if value.is_none() && original.is_some() {
                let text = if column == "backlog" { rounding.small() } else { Hidden::Withheld };
                overrides.set(column, height, row, text);
            }
        }
        let mut figures = match (a, s) {
            (Some(a), Some(s)) => {
                // A hidden backlog (1 to hide_max) at or under the published target adds nothing
                // to the gap whatever its value, so the gap can still be shown.
                let target = a / weeks * f64::from(config.standard_days.routine) / 7.0;
                let bound = (hidden_backlog && target >= f64::from(rounding.hide_max)).then_some(0.0);
                let known = b.or(bound);
                let figures = crate::indicators::access::capacity_figures(
                    a / weeks,
                    s / weeks,
                    known.unwrap_or(0.0),
                    hours_per_client[row],
                    reclaim[row],
                    observed[row],
                    config,
                );
                // The recurring part rests on λ and μ alone: shown whatever the backlog.
                const RECURRING: usize = 11;
                match known {
                    Some(_) => figures,
                    None => std::array::from_fn(|i| if i == RECURRING { figures[i] } else { None }),
                }
            }
            _ => [None; CAPACITY_WIDTH],
        };
        figures[0] = a.map(|a| a / weeks);
        figures[1] = s.map(|s| s / weeks);
        figures[2] = b;
        // The clinicians' direct hours per FTE-week rest on no count of people.
        figures[13] = observed[row];
        rows.push(figures);
    }
    let mut frame = vec![capacity.column("clinic")?.clone()];
    let original = access.capacity.clone();
    for (i, name) in crate::indicators::access::CAPACITY_COLUMNS.iter().enumerate() {
        let values: Vec<Option<f64>> = rows.iter().map(|r| r[i]).collect();
        let had: Vec<bool> =
            (0..height).map(|r| !original.column(name).is_ok_and(|c| c.get(r).is_ok_and(|v| v.is_null()))).collect();
        for row in 0..height {
            if values[row].is_none() && had[row] && overrides.get(name, row).is_none() {
                overrides.set(name, height, row, Hidden::Withheld);
            }
        }
        let column = Column::new((*name).into(), values);
        frame.push(if *name == "backlog" { column.cast(&DataType::Int64)? } else { column });
    }
    access.capacity = DataFrame::new_infer_height(frame)?;
    // A clinic whose last week's backlog the guard withheld has its people waiting withheld in
    // capacity and waits as well (the same count), and the gap that rests on it.
    let capacity_clinics: Vec<u32> =
        access.capacity.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect();
    for column in BACKLOG_FIGURES {
        super::rounding::hide_where(&mut access.capacity, &mut overrides, column, |r| {
            coupled.contains(&capacity_clinics[r])
        })?;
    }
    // The chart's weekly shares seen within standard, from rounded counts.
    access.detail.within_by_week = access
        .detail
        .within_by_week
        .iter()
        .filter_map(|w| {
            let round = |n: u32| match rounding.count(i64::from(n)) {
                Rounded::Shown(v) => u32::try_from(v).ok(),
                Rounded::Hidden => None,
            };
            let (within, not_within) = (round(w.within)?, round(w.judged - w.within)?);
            (within + not_within > 0).then_some(crate::indicators::access::WeekStandard {
                week: w.week,
                judged: within + not_within,
                within,
            })
        })
        .collect();
    // The chart's follow-up gaps by length, each bin rounded or hidden.
    for bin in &mut access.detail.gap_histogram.gaps {
        *bin = bin.and_then(|n| match rounding.count(i64::from(n)) {
            Rounded::Shown(v) => u32::try_from(v).ok(),
            Rounded::Hidden => None,
        });
    }
    // Hidden counts read 0 here, so a curve over a hidden count is not drawn.
    let referrals = network_referrals(&access.waits)?;
    access.detail.curves.retain(|curve| !rounding.too_few(referrals.get(curve.urgency).copied().unwrap_or(0)));
    let waits_clinics: Vec<u32> =
        access.waits.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect();
    let all: Vec<bool> = access.waits.column("urgency")?.str()?.iter().map(|u| u == Some("all")).collect();
    let mut waits_overrides = waits_overrides;
    super::rounding::hide_where(&mut access.waits, &mut waits_overrides, "still_waiting", |r| {
        all[r] && coupled.contains(&waits_clinics[r])
    })?;
    Ok([weeks_overrides, waits_overrides, overrides])
}

/// What a reader knows of one published count: its smallest and largest possible value.
fn bounds(published: Option<i64>, hidden: Option<Hidden>, rounding: Rounding) -> (i64, i64) {
    let half = i64::from(rounding.base) / 2;
    match (published, hidden) {
        (Some(0), _) => (0, 0),
        (Some(n), _) => ((n - half).max(i64::from(rounding.hide_max) + 1), n + half),
        (None, Some(Hidden::Withheld)) => (0, i64::MAX / 4),
        _ => (1, i64::from(rounding.hide_max)),
    }
}

/// Each week's clinic backlogs add up to the network's. Rounded cells leave a hidden one (1 to
/// hide_max) a range, but when every other term sits at the edge of its rounding the range can
/// close to a single value. Where it would, the largest other clinic's backlog that week is
/// withheld too, until every hidden backlog keeps two values or more. Returns the clinics whose
/// last week's backlog was withheld so (their people waiting are withheld elsewhere too).
fn guard_backlog_weeks(
    truth: &DataFrame,
    published: &mut DataFrame,
    overrides: &mut Overrides,
    rounding: Rounding,
) -> PolarsResult<std::collections::BTreeSet<u32>> {
    let clinics: Vec<u32> = truth.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect();
    let weeks = counts(truth, "week")?;
    let last_week = weeks.iter().copied().max();
    let values = optional_counts(published, "backlog")?;
    let height = clinics.len();
    let mut by_week: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (row, &week) in weeks.iter().enumerate() {
        by_week.entry(week).or_default().push(row);
    }
    let mut withheld = vec![false; height];
    let mut coupled = std::collections::BTreeSet::new();
    for rows in by_week.values() {
        let Some(&total) = rows.iter().find(|&&r| clinics[r] == ALL_CLINICS) else { continue };
        let parts: Vec<usize> = rows.iter().copied().filter(|&r| clinics[r] != ALL_CLINICS).collect();
        loop {
            let bound = |r: usize| {
                if withheld[r] {
                    (0, i64::MAX / 4)
                } else {
                    bounds(values[r], overrides.get("backlog", r), rounding)
                }
            };
            let (total_lo, total_hi) = bound(total);
            let pinned = parts.iter().any(|&h| {
                if values[h].is_some() || withheld[h] {
                    return false;
                }
                let (others_lo, others_hi) = parts
                    .iter()
                    .filter(|&&o| o != h)
                    .map(|&o| bound(o))
                    .fold((0i64, 0i64), |(a, b), (lo, hi)| (a + lo, b.saturating_add(hi)));
                let lo = (total_lo - others_hi).max(1);
                let hi = (total_hi - others_lo).min(i64::from(rounding.hide_max));
                hi - lo < 1
            });
            if !pinned {
                break;
            }
            let Some(&largest) =
                parts.iter().filter(|&&o| values[o].is_some() && !withheld[o]).max_by_key(|&&o| (values[o], o))
            else {
                break;
            };
            withheld[largest] = true;
            if Some(weeks[largest]) == last_week {
                coupled.insert(clinics[largest]);
            }
        }
    }
    let height = published.height();
    super::rounding::hide_where(published, overrides, "backlog", |r| withheld[r])?;
    for (row, &w) in withheld.iter().enumerate() {
        if w {
            overrides.set("backlog", height, row, Hidden::Withheld);
        }
    }
    Ok(coupled)
}

/// The network's referrals by urgency in `waits` (a hidden count reads 0).
fn network_referrals(waits: &DataFrame) -> PolarsResult<BTreeMap<String, i64>> {
    let clinics = waits.column("clinic")?.u32()?.clone();
    let urgency = waits.column("urgency")?.str()?.clone();
    let referrals = counts(waits, "referrals")?;
    Ok((0..waits.height())
        .filter(|&r| clinics.get(r) == Some(ALL_CLINICS))
        .filter_map(|r| urgency.get(r).map(|u| (u.to_owned(), referrals[r])))
        .collect())
}

/// Drops what the access charts would draw over fewer than min_cell people: the survival curve of
/// an urgency with fewer referrals in the network, and the weekly shares seen within standard
/// that rest on fewer referrals or would give a small count back.
/// `waits` must be the unmasked table.
pub fn thin_access_detail(
    detail: &mut crate::indicators::access::Detail,
    waits: &DataFrame,
    min_cell: u32,
) -> PolarsResult<()> {
    let m = i64::from(min_cell);
    let by_urgency = network_referrals(waits)?;
    let network_referrals = |u: &str| by_urgency.get(u).copied().unwrap_or(0);
    detail.curves.retain(|curve| network_referrals(curve.urgency) >= m);
    // A weekly share shown next to its base gives its numerator back: a week is left out unless
    // the referrals judged, those seen within the standard and those not are each 0 or min_cell+.
    let shown = |n: u32| n == 0 || i64::from(n) >= m;
    detail.within_by_week.retain(|w| i64::from(w.judged) >= m && shown(w.within) && shown(w.judged - w.within));
    suppress_gap_histogram(&mut detail.gap_histogram, min_cell);
    Ok(())
}

/// Hides the histogram's bins of 1 to min_cell − 1 gaps. The bins within the standard add up to
/// the gaps within it, and those over it to the gaps over it, both of which `followup` gives (its
/// gaps times its share): on each side, further bins are hidden, smallest first, until the hidden
/// bins are at least two and hold more gaps than bins, so that no hidden bin has a single value.
/// Where the side's bins run out first (every gap at a length of its own), the whole side is
/// hidden, its empty bins too: a hidden bin may then hold no gap at all.
pub fn suppress_gap_histogram(histogram: &mut crate::indicators::access::GapHistogram, min_cell: u32) {
    let limit = histogram.limit.max(-1);
    let split = ((limit + 1) as usize).min(histogram.gaps.len());
    let (within, over) = histogram.gaps.split_at_mut(split);
    for side in [within, over] {
        let mut hidden: Vec<usize> =
            (0..side.len()).filter(|&d| side[d].is_some_and(|n| (1..min_cell).contains(&n))).collect();
        if hidden.is_empty() {
            continue;
        }
        loop {
            let sum: u32 = hidden.iter().filter_map(|&d| side[d]).sum();
            if hidden.len() >= 2 && sum as usize > hidden.len() {
                break;
            }
            let next = (0..side.len())
                .filter(|d| !hidden.contains(d))
                .filter_map(|d| side[d].filter(|&n| n > 0).map(|n| (n, d)))
                .min();
            let Some((_, d)) = next else {
                hidden = (0..side.len()).collect();
                break;
            };
            hidden.push(d);
        }
        for d in hidden {
            side[d] = None;
        }
    }
}

/// Whether a cell of `waitlist_weeks` is published at all. A clinic's weekly flows and anyone's
/// weekly closures are not: with the backlog, they complete the identity backlog − last week's
/// backlog = referrals − first appointments − closures, which a reader can chain across weeks and
/// clinics to solve for hidden counts. The network's weekly referrals and first appointments and
/// every weekly backlog are published; a clinic's flows appear as capacity's rates over its window.
pub fn published_weekly(clinic: u32, column: &str) -> bool {
    match column {
        "closed_unseen" => false,
        "referrals" | "first_seen" => clinic == ALL_CLINICS,
        _ => true,
    }
}

fn optional_counts(frame: &DataFrame, column: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(frame.column(column)?.cast(&DataType::Int64)?.i64()?.iter().collect())
}

/// Nulls (and marks "withheld") every cell of `waitlist_weeks` that is not published weekly.
fn withhold_unpublished(frame: &mut DataFrame, overrides: &mut Overrides) -> PolarsResult<()> {
    let clinics: Vec<u32> = frame.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect();
    for column in ["referrals", "first_seen", "closed_unseen"] {
        super::rounding::hide_where(frame, overrides, column, |row| !published_weekly(clinics[row], column))?;
        // A small count that is not published at all reads "withheld", not "<11".
        let height = clinics.len();
        for (row, &clinic) in clinics.iter().enumerate() {
            if !published_weekly(clinic, column) && overrides.get(column, row).is_some() {
                overrides.set(column, height, row, Hidden::Withheld);
            }
        }
    }
    Ok(())
}

/// The access tables, protected together (`disclosure = "suppress"`). `waitlist_weeks` publishes
/// each week's backlog (clinics adding up to ALL) and the network's referrals and first
/// appointments, each protected as its own table (see `published_weekly`). A clinic's people
/// waiting appear in `waits` (still waiting, urgency `all`), in `capacity` (backlog) and in
/// `waitlist_weeks` (the last week's backlog), often as the same number: hidden in one, they are
/// hidden in all three, and each table's totals are protected again, until the three agree.
/// `capacity`'s λ and μ × `mean_weeks` are counts of people: they are protected as a table of
/// their own, and the network's are withheld when any week they add up is hidden.
pub fn protect_access(
    waitlist_weeks: &mut DataFrame,
    waits: &mut DataFrame,
    capacity: &mut DataFrame,
    min_cell: u32,
    mean_weeks: u32,
) -> PolarsResult<[Overrides; 3]> {
    let codes = |frame: &DataFrame| -> PolarsResult<Vec<u32>> {
        Ok(frame.column("clinic")?.u32()?.iter().map(|c| c.unwrap_or(ALL_CLINICS)).collect())
    };
    let weeks_clinic = codes(waitlist_weeks)?;
    let weeks: Vec<i64> = counts(waitlist_weeks, "week")?;
    let last_week = weeks.iter().copied().max();
    let waits_clinic = codes(waits)?;
    let all_urgencies: Vec<bool> = waits.column("urgency")?.str()?.iter().map(|u| u == Some("all")).collect();
    let capacity_clinic = codes(capacity)?;

    // The network's weekly flows: small counts hidden, nothing adds up to them.
    let network: BooleanChunked = weeks_clinic.iter().map(|&c| c == ALL_CLINICS).collect();
    let network_rows: Vec<usize> = (0..weeks_clinic.len()).filter(|&r| weeks_clinic[r] == ALL_CLINICS).collect();
    let flows_frame = waitlist_weeks.filter(&network)?.select(["clinic", "week", "referrals", "first_seen"])?;
    let closed = counts(waitlist_weeks, "closed_unseen")?;
    let mean_from = last_week.map(|w| w - 7 * (i64::from(mean_weeks) - 1));
    // λ and μ × mean_weeks, by clinic, as counts.
    let weeks_f = f64::from(mean_weeks);
    let sum_of = |column: &str| -> PolarsResult<Vec<Option<i64>>> {
        Ok(capacity
            .column(column)?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .map(|v| v.map(|v| (v * weeks_f).round() as i64))
            .collect())
    };
    let sums = DataFrame::new_infer_height(vec![
        capacity.column("clinic")?.clone(),
        Column::new("referrals".into(), sum_of("referrals_per_week")?),
        Column::new("first_seen".into(), sum_of("starts_per_week")?),
    ])?;

    let backlog_frame = waitlist_weeks.select(["clinic", "week", "backlog"])?;
    let mut waiting_hidden: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    loop {
        let set = &waiting_hidden;
        let (backlog_published, backlog_overrides) =
            protect_with(&backlog_frame, &rules::WAITLIST_BACKLOG, min_cell, &|_, r| {
                Some(weeks[r]) == last_week && set.contains(&weeks_clinic[r])
            })?;
        let (waits_frame, waits_overrides) = protect_with(waits, &rules::WAITS, min_cell, &|c, r| {
            c == "still_waiting" && all_urgencies[r] && set.contains(&waits_clinic[r])
        })?;
        let (mut capacity_frame, mut capacity_overrides) =
            protect_with(capacity, &rules::CAPACITY, min_cell, &|c, r| {
                c == "backlog" && set.contains(&capacity_clinic[r])
            })?;
        let mut now = waiting_hidden.clone();
        for r in 0..weeks_clinic.len() {
            if Some(weeks[r]) == last_week && backlog_overrides.get("backlog", r).is_some() {
                now.insert(weeks_clinic[r]);
            }
        }
        for r in 0..waits_clinic.len() {
            if all_urgencies[r] && waits_overrides.get("still_waiting", r).is_some() {
                now.insert(waits_clinic[r]);
            }
        }
        for (r, &clinic) in capacity_clinic.iter().enumerate() {
            if capacity_overrides.get("backlog", r).is_some() {
                now.insert(clinic);
            }
        }
        if now != waiting_hidden {
            waiting_hidden = now;
            continue;
        }
        // A week's closures are not published, but backlog − last week's backlog = referrals −
        // first appointments − closures gives them back: where they are small and every other
        // term is shown, that week's first appointments are hidden too.
        let backlog_hidden = |r: usize| backlog_overrides.get("backlog", r).is_some();
        let m = i64::from(min_cell);
        let forced: std::collections::BTreeSet<usize> = network_rows
            .iter()
            .enumerate()
            .filter(|&(k, &r)| {
                k > 0 && (1..m).contains(&closed[r]) && !backlog_hidden(r) && !backlog_hidden(network_rows[k - 1])
            })
            .map(|(k, _)| k)
            .collect();
        let (flows_published, flows_overrides) =
            protect_with(&flows_frame, &rules::NETWORK_FLOWS, min_cell, &|c, k| {
                c == "first_seen" && forced.contains(&k)
            })?;
        // A week of the network's flows under min_cell among those λ, μ add up would be pinned by
        // the sum; weeks suppressed only as complements (11 or more, each beside its week's small
        // closures) are not.
        let network_hidden_in_means = |column: &str| {
            network_rows.iter().enumerate().any(|(k, &r)| {
                mean_from.is_some_and(|from| weeks[r] >= from)
                    && matches!(flows_overrides.get(column, k), Some(Hidden::Small { .. }))
            })
        };
        // The clinics' sums add up to the network's: a network sum withheld because a week of it
        // is hidden is hidden in that table too, so that the clinics' sums do not give it back.
        let (_, sum_overrides) = protect_with(&sums, &rules::CAPACITY_SUMS, min_cell, &|c, r| {
            capacity_clinic[r] == ALL_CLINICS && network_hidden_in_means(c)
        })?;
        let rate_hidden = |column: &str, r: usize| sum_overrides.get(column, r).is_some();
        // The rates, and every figure computed from them (the target backlog is λ × the routine
        // standard in weeks), withheld where their count is hidden.
        let gap = [
            "target_backlog",
            "extra_starts_per_week",
            "extra_fte",
            "annual_cost",
            "reclaim_share_of_gap",
            "recurring_fte",
            "clearance_fte",
            "extra_fte_at_observed",
            "annual_cost_at_observed",
        ];
        for (rate, sum) in [("referrals_per_week", "referrals"), ("starts_per_week", "first_seen")] {
            super::rounding::hide_where(&mut capacity_frame, &mut capacity_overrides, rate, |r| rate_hidden(sum, r))?;
        }
        for column in gap {
            super::rounding::hide_where(&mut capacity_frame, &mut capacity_overrides, column, |r| {
                rate_hidden("referrals", r) || rate_hidden("first_seen", r)
            })?;
        }

        // waitlist_weeks as published: every backlog, the network's flows.
        let mut published = waitlist_weeks.clone();
        let mut overrides = Overrides::default();
        let height = published.height();
        published.replace("backlog", backlog_published.column("backlog")?.clone())?;
        if let Some(cells) = backlog_overrides.0.get("backlog") {
            overrides.0.insert("backlog".to_owned(), cells.clone());
        }
        for column in ["referrals", "first_seen"] {
            let network_values = optional_counts(&flows_published, column)?;
            let mut values: Vec<Option<i64>> = optional_counts(waitlist_weeks, column)?;
            for (k, &r) in network_rows.iter().enumerate() {
                values[r] = network_values[k];
                if let Some(hidden) = flows_overrides.get(column, k) {
                    overrides.set(column, height, r, hidden);
                }
            }
            let dtype = waitlist_weeks.column(column)?.dtype().clone();
            published.replace(column, Series::new(column.into(), values).cast(&dtype)?.into_column())?;
        }
        withhold_unpublished(&mut published, &mut overrides)?;
        *waitlist_weeks = published;
        *waits = waits_frame;
        *capacity = capacity_frame;
        return Ok([overrides, waits_overrides, capacity_overrides]);
    }
}

/// The clinics' own capacity gaps added up, beside the network's pooled gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClinicGaps {
    pub extra_fte: f64,
    pub recurring_fte: f64,
    pub clearance_fte: f64,
}

/// The sum of the clinics' extra FTE in `capacity` as published; None when any clinic's is not
/// published, since the sum less the others would give it back.
pub fn clinic_gaps(capacity: &DataFrame) -> Option<ClinicGaps> {
    let clinics: Vec<Option<u32>> = capacity.column("clinic").ok()?.u32().ok()?.iter().collect();
    let column = |name: &str| -> Option<Vec<Option<f64>>> {
        Some(capacity.column(name).ok()?.cast(&DataType::Float64).ok()?.f64().ok()?.iter().collect())
    };
    let sum = |name: &str| -> Option<f64> {
        let values = column(name)?;
        clinics.iter().zip(values).filter(|(c, _)| **c != Some(ALL_CLINICS)).map(|(_, v)| v).sum()
    };
    Some(ClinicGaps {
        extra_fte: sum("extra_fte")?,
        recurring_fte: sum("recurring_fte")?,
        clearance_fte: sum("clearance_fte")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::access::GapHistogram;

    /// Every value a hidden bin can take, given what is shown: each hidden bin holds at least one
    /// gap, and the hidden bins of a side hold that side's total less its shown bins.
    /// A shown empty bin says that hidden bins hold at least one gap each, unless the whole side is
    /// hidden.
    fn values_of_each_hidden_bin(side: &[Option<u32>], total: u32) -> Vec<std::collections::BTreeSet<u32>> {
        let hidden: Vec<usize> = (0..side.len()).filter(|&d| side[d].is_none()).collect();
        let rest = total - side.iter().flatten().sum::<u32>();
        let least = if hidden.len() == side.len() { 0 } else { 1 };
        let mut seen = vec![std::collections::BTreeSet::new(); hidden.len()];
        // Enumerate compositions of `rest` into hidden.len() parts of at least `least`.
        fn walk(parts: &mut Vec<u32>, left: u32, k: usize, least: u32, seen: &mut [std::collections::BTreeSet<u32>]) {
            if parts.len() + 1 == k {
                if left >= least {
                    parts.push(left);
                    for (i, v) in parts.iter().enumerate() {
                        seen[i].insert(*v);
                    }
                    parts.pop();
                }
                return;
            }
            for v in least..=left {
                parts.push(v);
                walk(parts, left - v, k, least, seen);
                parts.pop();
            }
        }
        if !hidden.is_empty() {
            walk(&mut Vec::new(), rest, hidden.len(), least, &mut seen);
        }
        seen
    }

    #[test]
    fn no_hidden_bin_of_the_gap_histogram_can_be_worked_back_from_its_sides_totals() {
        // The last three: every gap over the standard at a length of its own; a single small bin
        // over it with nothing to pair it with.
        let cases: [&[u32]; 8] = [
            &[0, 3, 40, 12, 1, 9, 2, 30, 0],
            &[0, 1, 1, 50, 20, 20, 1, 0, 0],
            &[5, 5],
            &[0, 0, 2, 100, 100, 4, 100],
            &[9, 9, 9, 1],
            &[0, 40, 30, 20, 1, 1, 0, 1, 1, 0],
            &[0, 40, 30, 20, 0, 3, 0, 0],
            &[0, 40, 30, 20, 1, 1, 1],
        ];
        for gaps in cases {
            let limit = 3;
            let mut histogram = GapHistogram { limit, gaps: gaps.iter().copied().map(Some).collect() };
            suppress_gap_histogram(&mut histogram, 5);
            for (d, (&original, published)) in gaps.iter().zip(&histogram.gaps).enumerate() {
                if let Some(n) = published {
                    assert!(*n == 0 || *n >= 5, "bin {d} of {gaps:?} shows {n}");
                    assert_eq!(*n, original);
                }
            }
            let split = ((limit + 1) as usize).min(gaps.len());
            for (range, published) in
                [(0..split, &histogram.gaps[..split]), (split..gaps.len(), &histogram.gaps[split..])]
            {
                let total: u32 = gaps[range].iter().sum();
                for values in values_of_each_hidden_bin(published, total) {
                    assert!(values.len() >= 2, "{gaps:?}: a hidden bin can only be {values:?}");
                }
            }
        }
    }
}
