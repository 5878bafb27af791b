//! Small-cell suppression with complementary suppression, for tables of counts of people that
//! carry their own totals (SPEC §4).
//!
//! A table is a cube: every axis lists its categories and then their total (a clinic axis ends with
//! `ALL`, an urgency axis with `all`, the tier axis with the clinicians scored). A reader who sees the
//! shown cells and knows the rule can bound each hidden cell: a cell shown as "<m" lies in 1..m−1,
//! and a complementary cell — always chosen among cells of m or more — lies in m.. without bound.
//!
//! A hidden cell is safe when another table, equal on every shown cell, consistent with every total
//! and inside those bounds, gives it a different value. Each hidden cell carries such a witness: a
//! *box*, one other category on every axis, whose 2ⁿ corners are all hidden and can move by one in
//! alternating directions. Every line of the cube through a corner meets exactly one other corner,
//! moving the other way, so all totals still add up. Cells are hidden until every hidden cell has
//! a witness; that is sufficient (never claims a recoverable cell safe), though not the fewest cells.
//! When no box exists even with every count of min_cell or more hidden (about 1 % of random small
//! tables, all of them with many zeros), the cell stays hidden without a witness; the exhaustive
//! search in the tests still finds two or more values for every such cell it meets.

/// How one count cell is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Shown,
    /// A count of people from 1 to min_cell − 1, shown as "<min_cell".
    Small,
    /// A count of min_cell or more, hidden so that no small cell can be worked out from the totals.
    Complementary,
}

impl Mark {
    pub fn hidden(self) -> bool {
        self != Mark::Shown
    }
}

/// Counts in row-major order over `shape`; on every axis the last category is the total of the others.
pub struct Cube<'a> {
    pub shape: &'a [usize],
    pub values: &'a [i64],
}

impl Cube<'_> {
    fn coords(&self, mut index: usize) -> Vec<usize> {
        let mut coords = vec![0; self.shape.len()];
        for (axis, &n) in self.shape.iter().enumerate().rev() {
            coords[axis] = index % n;
            index /= n;
        }
        coords
    }

    fn index(&self, coords: &[usize]) -> usize {
        coords.iter().zip(self.shape).fold(0, |index, (&c, &n)| index * n + c)
    }

    /// The corners of the box spanned by `cell` and `other` (one category per axis), each with the
    /// direction its count moves in one of the box's two moves (the other move is the opposite).
    fn corners(&self, cell: &[usize], other: &[usize]) -> Vec<(usize, i64)> {
        let axes = self.shape.len();
        (0..1usize << axes)
            .map(|subset| {
                let mut coords = cell.to_vec();
                let mut direction = 1;
                for axis in (0..axes).filter(|a| subset >> a & 1 == 1) {
                    coords[axis] = other[axis];
                    direction = -direction;
                }
                // A total moves against its parts: with totals negated every line sums to zero, and
                // the alternating box keeps each line balanced.
                for (axis, &c) in coords.iter().enumerate() {
                    if c == self.shape[axis] - 1 {
                        direction = -direction;
                    }
                }
                (self.index(&coords), direction)
            })
            .collect()
    }
}

fn allowed(mark: Mark, value: i64, min_cell: i64) -> bool {
    match mark {
        Mark::Shown => false,
        Mark::Small => (1..min_cell).contains(&value),
        Mark::Complementary => value >= min_cell,
    }
}

/// Marks every count from 1 to min_cell − 1 small, then hides further cells until each hidden cell
/// has a witness (see the module comment). Deterministic: the same table always gets the same marks.
pub fn suppress(cube: &Cube, min_cell: i64) -> Vec<Mark> {
    suppress_with(cube, min_cell, &[], &[])
}

/// `suppress`, with the cells flagged in `forced` hidden from the start (those of min_cell or
/// more, as complementary cells): cells another relation of the table needs hidden. Cells flagged
/// in `precious` are chosen as complementary cells only when no box avoids them (a headline
/// figure, or one that other tables would have to hide too).
pub fn suppress_with(cube: &Cube, min_cell: i64, forced: &[bool], precious: &[bool]) -> Vec<Mark> {
    let values = cube.values;
    let mut marks: Vec<Mark> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if (1..min_cell).contains(&v) {
                Mark::Small
            } else if v >= min_cell && forced.get(i).copied().unwrap_or(false) {
                Mark::Complementary
            } else {
                Mark::Shown
            }
        })
        .collect();
    let mut pending: std::collections::BTreeSet<usize> = (0..values.len()).filter(|&i| marks[i].hidden()).collect();
    while let Some(cell) = pending.pop_first() {
        if witness(cube, &marks, cell, min_cell, false, precious).is_some() {
            continue;
        }
        let added = match witness(cube, &marks, cell, min_cell, true, precious) {
            Some(corners) => corners,
            // No box can protect it: hide every count of min_cell or more in the table.
            None => (0..values.len()).filter(|&i| !marks[i].hidden() && values[i] >= min_cell).collect(),
        };
        if added.is_empty() {
            continue;
        }
        for i in added {
            marks[i] = Mark::Complementary;
            pending.insert(i);
        }
        pending.insert(cell);
    }
    marks
}

/// A box that protects `cell`. Without `hiding`, one whose corners are all hidden already (returns
/// an empty list); with it, the box that needs the fewest and smallest extra cells of min_cell or
/// more (returns those cells).
fn witness(
    cube: &Cube,
    marks: &[Mark],
    cell: usize,
    min_cell: i64,
    hiding: bool,
    precious: &[bool],
) -> Option<Vec<usize>> {
    let values = cube.values;
    let here = cube.coords(cell);
    let mut best: Option<((usize, usize, i64), Vec<usize>)> = None;
    let mut other = here.clone();
    // Every combination of one other category per axis, in a fixed order.
    let combinations: usize = cube.shape.iter().map(|n| n - 1).product();
    for mut k in 0..combinations {
        for (axis, &n) in cube.shape.iter().enumerate().rev() {
            let pick = k % (n - 1);
            k /= n - 1;
            other[axis] = if pick >= here[axis] { pick + 1 } else { pick };
        }
        let corners = cube.corners(&here, &other);
        let new: Vec<usize> = corners.iter().map(|&(i, _)| i).filter(|&i| !marks[i].hidden()).collect();
        if !hiding && !new.is_empty() {
            continue;
        }
        if new.iter().any(|&i| values[i] < min_cell) {
            continue;
        }
        let mark = |i: usize| if marks[i].hidden() { marks[i] } else { Mark::Complementary };
        let moves =
            |step: i64| corners.iter().all(|&(i, direction)| allowed(mark(i), values[i] + step * direction, min_cell));
        if !(moves(1) || moves(-1)) {
            continue;
        }
        if !hiding {
            return Some(Vec::new());
        }
        let dear = new.iter().filter(|&&i| precious.get(i).copied().unwrap_or(false)).count();
        let cost = (dear, new.len(), new.iter().map(|&i| values[i]).sum::<i64>());
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, new));
        }
    }
    best.map(|(_, new)| new)
}

/// Why a cell with this mark is hidden; None when it is shown.
pub fn hidden(mark: Mark, min_cell: u32) -> Option<super::tables::Hidden> {
    use super::tables::Hidden;
    match mark {
        Mark::Shown => None,
        Mark::Small => Some(Hidden::Small { below: min_cell }),
        Mark::Complementary => Some(Hidden::Suppressed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The lines of a cube written out independently of the code under test: for every axis and
    /// every choice of the other coordinates, (the parts, the total).
    fn lines(shape: &[usize]) -> Vec<(Vec<usize>, usize)> {
        let size: usize = shape.iter().product();
        let index = |coords: &[usize]| coords.iter().zip(shape).fold(0, |i, (&c, &n)| i * n + c);
        let mut out = Vec::new();
        for axis in 0..shape.len() {
            for start in 0..size {
                let mut coords = vec![0; shape.len()];
                let mut rest = start;
                for (a, &n) in shape.iter().enumerate().rev() {
                    coords[a] = rest % n;
                    rest /= n;
                }
                if coords[axis] != 0 {
                    continue;
                }
                let mut parts = Vec::new();
                for c in 0..shape[axis] - 1 {
                    coords[axis] = c;
                    parts.push(index(&coords));
                }
                coords[axis] = shape[axis] - 1;
                out.push((parts, index(&coords)));
            }
        }
        out
    }

    /// Every value each hidden cell can take in some table that agrees with the shown cells and
    /// every total, with small cells in 1..m−1 and complementary cells in m..=bound, by exhaustive
    /// search (a line whose other cells are known fixes the last one).
    fn feasible(values: &[i64], marks: &[Mark], shape: &[usize], m: i64, bound: i64) -> Vec<BTreeSet<i64>> {
        let lines = lines(shape);
        let hidden: Vec<usize> = (0..values.len()).filter(|&i| marks[i].hidden()).collect();
        let mut known: Vec<bool> = marks.iter().map(|m| !m.hidden()).collect();
        let mut trial = values.to_vec();
        let mut seen = vec![BTreeSet::new(); values.len()];
        #[allow(clippy::too_many_arguments)]
        fn go(
            k: usize,
            hidden: &[usize],
            known: &mut Vec<bool>,
            trial: &mut Vec<i64>,
            seen: &mut Vec<BTreeSet<i64>>,
            lines: &[(Vec<usize>, usize)],
            marks: &[Mark],
            m: i64,
            bound: i64,
        ) {
            // Prune: every line must still be able to add up, given the bounds of its unknown cells.
            let low = |i: usize| {
                if known[i] {
                    trial[i]
                } else if marks[i] == Mark::Small {
                    1
                } else {
                    m
                }
            };
            let high = |i: usize| {
                if known[i] {
                    trial[i]
                } else if marks[i] == Mark::Small {
                    m - 1
                } else {
                    bound
                }
            };
            for (parts, total) in lines {
                let (lo, hi) = parts.iter().fold((0, 0), |(lo, hi), &p| (lo + low(p), hi + high(p)));
                if lo > high(*total) || hi < low(*total) {
                    return;
                }
            }
            if k == hidden.len() {
                for &i in hidden {
                    seen[i].insert(trial[i]);
                }
                return;
            }
            let cell = hidden[k];
            let forced = lines.iter().find_map(|(parts, total)| {
                let cells = || parts.iter().copied().chain(std::iter::once(*total));
                if !cells().any(|c| c == cell) || cells().any(|c| c != cell && !known[c]) {
                    return None;
                }
                let others: i64 = parts.iter().filter(|&&p| p != cell).map(|&p| trial[p]).sum();
                Some(if *total == cell { others } else { trial[*total] - others })
            });
            let range: Vec<i64> = match marks[cell] {
                Mark::Small => (1..m).collect(),
                _ => (m..=bound).collect(),
            };
            for v in range.into_iter().filter(|v| forced.is_none_or(|f| f == *v)) {
                trial[cell] = v;
                known[cell] = true;
                go(k + 1, hidden, known, trial, seen, lines, marks, m, bound);
                known[cell] = false;
            }
        }
        go(0, &hidden, &mut known, &mut trial, &mut seen, &lines, marks, m, bound);
        seen
    }

    /// The table with every axis's total appended.
    fn with_totals(inner: &[usize], body: &[i64]) -> (Vec<usize>, Vec<i64>) {
        let shape: Vec<usize> = inner.iter().map(|n| n + 1).collect();
        let size: usize = shape.iter().product();
        let mut values = vec![0; size];
        let mut coords = vec![0; inner.len()];
        for (k, &v) in body.iter().enumerate() {
            let mut rest = k;
            for (a, &n) in inner.iter().enumerate().rev() {
                coords[a] = rest % n;
                rest /= n;
            }
            // Add the value to every cell that totals over any subset of its coordinates.
            for subset in 0..1usize << inner.len() {
                let target: Vec<usize> =
                    coords.iter().enumerate().map(|(a, &c)| if subset >> a & 1 == 1 { inner[a] } else { c }).collect();
                let i = target.iter().zip(&shape).fold(0, |i, (&c, &n)| i * n + c);
                values[i] += v;
            }
        }
        (shape, values)
    }

    fn assert_protected(inner: &[usize], body: &[i64]) -> Vec<Mark> {
        let (shape, values) = with_totals(inner, body);
        let marks = suppress(&Cube { shape: &shape, values: &values }, 11);
        for (i, &v) in values.iter().enumerate() {
            assert_eq!(marks[i] == Mark::Small, (1..11).contains(&v), "cell {i} = {v} of {body:?}");
            assert!(marks[i] != Mark::Complementary || v >= 11, "complementary cells are 11 or more");
        }
        // A reader who knew an upper bound just above the largest count would be stronger than a
        // real one; the witnesses move cells by one, so they must survive it.
        let bound = values.iter().copied().max().unwrap_or(0) + 1;
        let seen = feasible(&values, &marks, &shape, 11, bound);
        for i in (0..marks.len()).filter(|&i| marks[i].hidden()) {
            assert!(seen[i].contains(&values[i]), "the true table must be feasible");
            assert!(seen[i].len() >= 2, "cell {i} of {body:?} is recoverable as {:?}; marks {marks:?}", seen[i]);
        }
        marks
    }

    #[test]
    fn one_small_cell_in_a_row_forces_a_second_suppression() {
        // clinics × tiers: C1 = 3, 14, 20; C2 = 15, 12, 30.
        let marks = assert_protected(&[2, 3], &[3, 14, 20, 15, 12, 30]);
        let (shape, _) = with_totals(&[2, 3], &[3, 14, 20, 15, 12, 30]);
        for (parts, total) in lines(&shape) {
            let hidden = parts.iter().chain(std::iter::once(&total)).filter(|&&i| marks[i].hidden()).count();
            assert_ne!(hidden, 1, "a line with a single hidden cell gives it away by subtraction");
        }
        assert_eq!(marks.iter().filter(|m| **m == Mark::Small).count(), 1);
        assert!(marks.iter().filter(|m| **m == Mark::Complementary).count() >= 3);
    }

    #[test]
    fn small_cells_that_pin_each_other_are_protected() {
        for (inner, body) in [
            (vec![3], vec![10, 10, 0]),
            (vec![3], vec![1, 1, 0]),
            (vec![2, 3], vec![1, 1, 20, 15, 12, 30]),
            (vec![2, 3], vec![0, 15, 12, 1, 6, 1]),
            (vec![3, 3], vec![12, 16, 5, 0, 10, 14, 0, 8, 0]),
            (vec![2, 3], vec![0, 0, 1, 11, 15, 0]),
            (vec![3, 3], vec![2, 0, 0, 0, 0, 13, 12, 14, 15]),
            (vec![2, 2], vec![10, 10, 10, 10]),
        ] {
            assert_protected(&inner, &body);
        }
    }

    #[test]
    fn random_tables_never_reveal_a_hidden_cell() {
        use rand_chacha::ChaCha8Rng;
        use rand_core::{Rng, SeedableRng};
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for round in 0..400 {
            let inner: Vec<usize> = match round % 5 {
                0 => vec![4],
                1 | 2 => vec![2, 3],
                3 => vec![3, 3],
                _ => vec![2, 2, 2],
            };
            let body: Vec<i64> = (0..inner.iter().product::<usize>())
                .map(|_| match rng.next_u64() % 4 {
                    0 => 0,
                    1 | 2 => 1 + (rng.next_u64() % 10) as i64,
                    _ => 11 + (rng.next_u64() % 6) as i64,
                })
                .collect();
            assert_protected(&inner, &body);
        }
    }

    #[test]
    fn nothing_small_means_nothing_hidden() {
        let (shape, values) = with_totals(&[2, 3], &[0, 14, 20, 15, 12, 30]);
        assert!(suppress(&Cube { shape: &shape, values: &values }, 11).iter().all(|m| *m == Mark::Shown));
    }

    #[test]
    fn the_same_table_gets_the_same_marks() {
        let (shape, values) = with_totals(&[3, 3], &[12, 16, 5, 0, 10, 14, 0, 8, 0]);
        let cube = Cube { shape: &shape, values: &values };
        assert_eq!(suppress(&cube, 11), suppress(&cube, 11));
    }
}
