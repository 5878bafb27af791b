//! Small-cell suppression applied to the published tables (SPEC §4, advocacy audience).
//!
//! Each table is cut into cubes of counts of people that carry their own totals — per week where a
//! table is weekly — and `suppress` marks them. Hidden counts become null in the frame (and so in
//! Parquet); the CSV and the HTML show "<11" or "suppressed" in their place. Rates, means and
//! medians resting on fewer than min_cell people become null and read "withheld".

use polars::prelude::*;
use std::collections::BTreeMap;

use super::suppress::{describe, suppress, suppress_with, Cube, Mark};
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

/// The published text of a cell that is not shown as its value, by column and row.
#[derive(Debug, Default, Clone)]
pub struct Overrides(BTreeMap<String, Vec<Option<String>>>);

impl Overrides {
    pub fn get(&self, column: &str, row: usize) -> Option<&str> {
        self.0.get(column)?.get(row)?.as_deref()
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|cells| cells.iter().all(Option::is_none))
    }

    /// How many cells are shown as "<min_cell", "suppressed" and "withheld".
    pub fn counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for text in self.0.values().flatten().flatten() {
            let slot = if text.starts_with('<') {
                0
            } else if text == SUPPRESSED {
                1
            } else {
                2
            };
            counts[slot] += 1;
        }
        counts
    }

    fn set(&mut self, column: &str, height: usize, row: usize, text: String) {
        self.0.entry(column.to_owned()).or_insert_with(|| vec![None; height])[row] = Some(text);
    }
}

pub const SUPPRESSED: &str = "suppressed";
pub const WITHHELD: &str = "withheld";

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
        for (row, mark) in column_marks.iter().enumerate().filter(|(_, m)| m.hidden()) {
            overrides.set(column, height, row, describe(*mark, values[column][row], m));
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
                overrides.set(column, height, row, WITHHELD.to_owned());
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
                overrides.set(share, height, row, WITHHELD.to_owned());
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
                overrides.set(rate, height, row, WITHHELD.to_owned());
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
    use super::{Flow, Layout, Rule};

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
    pub const WAITLIST_WEEKS: Rule<'static> = Rule {
        group: Some("week"),
        layout: Layout::Columns(&["referrals", "first_seen", "closed_unseen", "backlog"]),
        rates: &[],
        numerators: &[],
        follows: &[],
        flow: Some(Flow {
            stock: "backlog",
            inflows: &["referrals"],
            outflows: &["first_seen", "closed_unseen"],
            step: 7,
        }),
        precious: &[("backlog", "")],
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
    pub const FOLLOWUP: Rule<'static> = Rule {
        group: None,
        layout: Layout::Columns(&["clients"]),
        rates: &[("second_wait_median_days", "clients"), ("followup_over_standard_share", "clients")],
        numerators: &[],
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
        ],
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

/// What the report may show of each table: empty for the internal audience.
#[derive(Debug, Default)]
pub struct Protection {
    /// Some(min_cell) when small-cell suppression is in force (advocacy audience).
    pub min_cell: Option<u32>,
    pub tables: BTreeMap<&'static str, Overrides>,
}

impl Protection {
    /// The text shown in place of a cell of a protected table, if it is not shown as its value.
    pub fn text(&self, table: &str, column: &str, row: usize) -> Option<&str> {
        self.tables.get(table)?.get(column, row)
    }

    /// A count of people for a sentence or a table without totals: "<11" from 1 to min_cell − 1.
    pub fn people(&self, n: i64) -> String {
        if self.hides(n) {
            format!("<{}", self.min_cell.unwrap_or(0))
        } else {
            n.to_string()
        }
    }

    /// Whether a count of people (or a rate resting on them) must not be shown as it is.
    pub fn hides(&self, n: i64) -> bool {
        self.min_cell.is_some_and(|m| (1..i64::from(m)).contains(&n))
    }

    /// Whether a mean, median or rate over `n` people must be withheld.
    pub fn too_few(&self, n: i64) -> bool {
        self.min_cell.is_some_and(|m| n < i64::from(m))
    }

    /// Cells shown as "<min_cell", as "suppressed" and as "withheld", over every table.
    pub fn counts(&self) -> [usize; 3] {
        self.tables.values().map(Overrides::counts).fold([0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    }

    /// Protects the access tables together (see `protect_access`); unchanged for the internal audience.
    pub fn apply_access(
        &mut self,
        access: &mut crate::indicators::access::Access,
        mean_weeks: u32,
    ) -> PolarsResult<()> {
        let Some(m) = self.min_cell else { return Ok(()) };
        let [weeks, waits, capacity] =
            protect_access(&mut access.waitlist_weeks, &mut access.waits, &mut access.capacity, m, mean_weeks)?;
        self.tables.insert("waitlist_weeks", weeks);
        self.tables.insert("waits", waits);
        self.tables.insert("capacity", capacity);
        // A clinic whose backlog is not published gets no projection of its own (it still counts
        // in the network's, which is projected from the network's own flows).
        let clinics = access.capacity.column("clinic")?.u32()?.clone();
        let hidden: std::collections::BTreeSet<u32> = (0..access.capacity.height())
            .filter(|&r| self.text("capacity", "backlog", r).is_some())
            .filter_map(|r| clinics.get(r))
            .collect();
        access.projection.retain(|clinic| !hidden.contains(&clinic));
        Ok(())
    }

    /// Masks `frame` by `rule` and keeps its overrides under `table`; unchanged for the internal audience.
    pub fn apply(&mut self, table: &'static str, frame: &mut DataFrame, rule: &Rule) -> PolarsResult<()> {
        let Some(m) = self.min_cell else { return Ok(()) };
        let (masked, overrides) = protect(frame, rule, m)?;
        *frame = masked;
        self.tables.insert(table, overrides);
        Ok(())
    }
}

impl Protection {
    /// Parts and their total (one line, e.g. clinicians below, between and above two thresholds) as
    /// published: the numbers, or "<11" and "suppressed" so that no part can be worked out.
    pub fn line(&self, parts: &[i64], total: i64) -> Vec<String> {
        let values: Vec<i64> = parts.iter().copied().chain(std::iter::once(total)).collect();
        match self.min_cell {
            Some(m) => {
                let marks = suppress(&Cube { shape: &[values.len()], values: &values }, i64::from(m));
                values.iter().zip(marks).map(|(&v, mark)| describe(mark, v, i64::from(m))).collect()
            }
            None => values.iter().map(i64::to_string).collect(),
        }
    }
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
    let clinics = waits.column("clinic")?.u32()?.clone();
    let urgency = waits.column("urgency")?.str()?.clone();
    let referrals = counts(waits, "referrals")?;
    let network_referrals = |u: &str| {
        (0..waits.height())
            .find(|&r| clinics.get(r) == Some(ALL_CLINICS) && urgency.get(r) == Some(u))
            .map_or(0, |r| referrals[r])
    };
    detail.curves.retain(|curve| network_referrals(curve.urgency) >= m);
    // A weekly share shown next to its base gives its numerator back: a week is left out unless
    // the referrals judged, those seen within the standard and those not are each 0 or min_cell+.
    let shown = |n: u32| n == 0 || i64::from(n) >= m;
    detail.within_by_week.retain(|w| i64::from(w.judged) >= m && shown(w.within) && shown(w.judged - w.within));
    Ok(())
}

/// The access tables, protected together: a clinic's people waiting appear in `waits` (still
/// waiting, urgency `all`), in `capacity` (backlog) and in `waitlist_weeks` (the last week's
/// backlog), often as the same number. Hidden in one, they are hidden in all three, and each
/// table's totals are protected again, until the three agree. And `capacity`'s referrals and
/// first appointments per week × `mean_weeks` are the sums of the last weeks of `waitlist_weeks`:
/// no clinic may have a single hidden week among them.
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
    let mean_from = last_week.map(|w| w - 7 * (i64::from(mean_weeks) - 1));
    let in_means = |r: usize| mean_from.is_some_and(|from| weeks[r] >= from);
    let weeks_values: BTreeMap<&str, Vec<i64>> = ["referrals", "first_seen"]
        .into_iter()
        .map(|c| Ok((c, counts(waitlist_weeks, c)?)))
        .collect::<PolarsResult<_>>()?;
    let mut waiting_hidden: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    let mut flow_hidden: std::collections::BTreeSet<(&str, usize)> = std::collections::BTreeSet::new();
    loop {
        let set = &waiting_hidden;
        let flows = &flow_hidden;
        let (weeks_frame, weeks_overrides) =
            protect_with(waitlist_weeks, &rules::WAITLIST_WEEKS, min_cell, &|c, r| {
                (c == "backlog" && Some(weeks[r]) == last_week && set.contains(&weeks_clinic[r]))
                    || flows.contains(&(c, r))
            })?;
        let (waits_frame, waits_overrides) = protect_with(waits, &rules::WAITS, min_cell, &|c, r| {
            c == "still_waiting" && all_urgencies[r] && set.contains(&waits_clinic[r])
        })?;
        let (capacity_frame, capacity_overrides) = protect_with(capacity, &rules::CAPACITY, min_cell, &|c, r| {
            c == "backlog" && set.contains(&capacity_clinic[r])
        })?;
        let mut now = waiting_hidden.clone();
        for r in 0..weeks_clinic.len() {
            if Some(weeks[r]) == last_week && weeks_overrides.get("backlog", r).is_some() {
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
        // A clinic with one hidden week among those capacity's means add up: hide its largest
        // other week of that column too.
        let mut more_flows = flow_hidden.clone();
        for column in ["referrals", "first_seen"] {
            let mut by_clinic: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
            for r in (0..weeks_clinic.len()).filter(|&r| in_means(r)) {
                by_clinic.entry(weeks_clinic[r]).or_default().push(r);
            }
            for rows in by_clinic.values() {
                let hidden = rows.iter().filter(|&&r| weeks_overrides.get(column, r).is_some()).count();
                if hidden != 1 {
                    continue;
                }
                let candidate = rows
                    .iter()
                    .copied()
                    .filter(|&r| {
                        weeks_overrides.get(column, r).is_none() && weeks_values[column][r] >= i64::from(min_cell)
                    })
                    .max_by_key(|&r| (weeks_values[column][r], std::cmp::Reverse(r)));
                if let Some(r) = candidate {
                    more_flows.insert((column, r));
                }
            }
        }
        if now == waiting_hidden && more_flows == flow_hidden {
            *waitlist_weeks = weeks_frame;
            *waits = waits_frame;
            *capacity = capacity_frame;
            return Ok([weeks_overrides, waits_overrides, capacity_overrides]);
        }
        waiting_hidden = now;
        flow_hidden = more_flows;
    }
}
