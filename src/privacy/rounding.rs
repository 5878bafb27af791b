//! `disclosure = "round"`: the rule NHS Digital adopted for its secondary-care statistics in 2018.
//! A count of people from 1 to `hide_max` (7) is hidden and published as a range ("<8"); every
//! other count is rounded to the nearest `base` (5), 0 staying 0; a mean, median or rate resting on
//! 1 to `hide_max` people is withheld; and a share is computed from the rounded counts, so that no
//! rate names a count more exactly than the counts themselves.
//!
//! Each cell is decided on its own value: the same count in two tables is published the same way
//! in both, and no secondary cells are needed, because a rounded cell says only that the count is
//! within `base / 2` of what is shown.

use polars::prelude::*;

use super::tables::{Hidden, Overrides, Rule};

/// The thresholds of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    /// Counts from 1 to this are hidden.
    pub hide_max: u32,
    /// Every other count is rounded to the nearest multiple of this.
    pub base: u32,
    /// Rules switched off by the `CASELOAD_TEST_DISCLOSURE_OFF` testing hook, to show that the
    /// disclosure check catches each one: counts not rounded, small counts shown, rates exact.
    pub off: Off,
}

/// See `Rounding::off`; all false outside the tests of the disclosure check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Off {
    pub rounding: bool,
    pub small: bool,
    pub rates: bool,
}

impl Off {
    /// `CASELOAD_TEST_DISCLOSURE_OFF=rounding,small,rates` (any of them).
    pub fn from_env() -> Off {
        let value = std::env::var("CASELOAD_TEST_DISCLOSURE_OFF").unwrap_or_default();
        let has = |name: &str| value.split(',').any(|v| v.trim() == name);
        Off { rounding: has("rounding"), small: has("small"), rates: has("rates") }
    }
}

/// One count as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounded {
    /// 0, or a count rounded to the nearest `base`.
    Shown(i64),
    /// From 1 to `hide_max`: shown as a range.
    Hidden,
}

impl Rounding {
    pub fn count(self, n: i64) -> Rounded {
        let (hide, base) = (i64::from(self.hide_max), i64::from(self.base.max(1)));
        if n == 0 {
            Rounded::Shown(0)
        } else if (1..=hide).contains(&n) {
            if self.off.small {
                Rounded::Shown(n)
            } else {
                Rounded::Hidden
            }
        } else if self.off.rounding {
            Rounded::Shown(n)
        } else {
            // Nearest multiple; a tie (only for an even base) goes up.
            let sign = n.signum();
            let n = n.abs();
            Rounded::Shown(sign * ((n + base / 2) / base) * base)
        }
    }

    /// A hidden count: below 8 for counts from 1 to 7.
    pub fn small(self) -> Hidden {
        Hidden::Small { below: self.hide_max + 1 }
    }

    /// Whether a figure resting on `n` people is withheld (1 to `hide_max`; 0 people give no figure).
    pub fn too_few(self, n: i64) -> bool {
        n <= i64::from(self.hide_max)
    }

    /// A share `part / (part + rest)` from the rounded counts; None when either is hidden or the
    /// rounded base is 0.
    pub fn share(self, part: i64, rest: i64) -> Option<f64> {
        match (self.count(part), self.count(rest)) {
            (Rounded::Shown(a), Rounded::Shown(b)) if a + b > 0 => Some(a as f64 / (a + b) as f64),
            _ => None,
        }
    }
}

fn counts(frame: &DataFrame, column: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(frame.column(column)?.cast(&DataType::Int64)?.i64()?.iter().collect())
}

/// Rounds and hides the table's counts, withholds what rests on too few people, and recomputes
/// its shares from the rounded counts; returns the published frame and the text of hidden cells.
pub fn round_table(frame: &DataFrame, rule: &Rule, rounding: Rounding) -> PolarsResult<(DataFrame, Overrides)> {
    let height = frame.height();
    let mut overrides = Overrides::default();
    let mut masked = frame.clone();
    let (parts, total): (&[&str], Option<&str>) = match &rule.layout {
        super::tables::Layout::Columns(columns) => (columns, None),
        super::tables::Layout::Parts { parts, total } => (parts, Some(*total)),
        super::tables::Layout::Levels { parts, total, .. } => (parts, Some(*total)),
    };
    for column in parts.iter().copied().chain(total) {
        let Ok(original) = frame.column(column) else { continue };
        let dtype = original.dtype().clone();
        let mut published = Vec::with_capacity(height);
        for (row, value) in counts(frame, column)?.into_iter().enumerate() {
            published.push(match value.map(|n| rounding.count(n)) {
                Some(Rounded::Shown(n)) => Some(n),
                Some(Rounded::Hidden) => {
                    overrides.set(column, height, row, rounding.small());
                    None
                }
                None => None,
            });
        }
        let series = Series::new(column.into(), published).cast(&dtype)?;
        masked.replace(column, series.into_column())?;
    }
    // A figure that follows a count (capacity's extra starts follow its backlog) goes with it.
    for (column, count) in rule.follows {
        let Ok(values) = counts(frame, count) else { continue };
        hide_where(&mut masked, &mut overrides, column, |row| {
            values[row].is_some_and(|n| rounding.count(n) == Rounded::Hidden)
        })?;
    }
    for (rate, base) in rule.rates {
        let Ok(values) = counts(frame, base) else { continue };
        hide_where(&mut masked, &mut overrides, rate, |row| values[row].is_some_and(|n| rounding.too_few(n)))?;
    }
    // (share, count) pairs name a share's numerator and its complement: the share is recomputed
    // from both, rounded, and withheld when either is hidden.
    let mut pairs: Vec<(&str, &str, &str)> = Vec::new();
    for (i, (share, part)) in rule.numerators.iter().enumerate() {
        if let Some((_, rest)) = rule.numerators[i + 1..].iter().find(|(s, _)| s == share) {
            pairs.push((share, part, rest));
        }
    }
    for (share, part, rest) in pairs {
        let (Ok(a), Ok(b)) = (counts(frame, part), counts(frame, rest)) else { continue };
        let Ok(original) = frame.column(share) else { continue };
        let mut values = Vec::with_capacity(height);
        for row in 0..height {
            let had = !original.get(row).is_ok_and(|v| v.is_null());
            let value = match (a[row], b[row]) {
                (Some(a), Some(b)) if had => rounding.share(a, b),
                _ => None,
            };
            if had && value.is_none() {
                overrides.set(share, height, row, Hidden::Withheld);
            }
            values.push(value);
        }
        masked.replace(share, Series::new(share.into(), values).into_column())?;
    }
    Ok((masked, overrides))
}

/// Sets `column` to null (and "withheld") in every row where `hide` holds and it had a value.
pub fn hide_where(
    frame: &mut DataFrame,
    overrides: &mut Overrides,
    column: &str,
    hide: impl Fn(usize) -> bool,
) -> PolarsResult<()> {
    let Ok(original) = frame.column(column) else { return Ok(()) };
    let height = frame.height();
    let keep: BooleanChunked = (0..height)
        .map(|row| {
            let withheld = hide(row) && !original.get(row).is_ok_and(|v| v.is_null());
            if withheld {
                overrides.set(column, height, row, Hidden::Withheld);
            }
            !withheld
        })
        .collect();
    let nulls = Series::full_null(column.into(), height, original.dtype());
    let kept = original.as_materialized_series().zip_with(&keep, &nulls)?;
    frame.replace(column, kept.into_column())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rounding = Rounding { hide_max: 7, base: 5, off: Off { rounding: false, small: false, rates: false } };

    #[test]
    fn counts_round_to_five_and_small_ones_hide() {
        let published: Vec<Rounded> = [0, 1, 7, 8, 12, 13, 17, 18, 100, 102, 103].map(|n| RULE.count(n)).to_vec();
        use Rounded::*;
        assert_eq!(
            published,
            [
                Shown(0),
                Hidden,
                Hidden,
                Shown(10),
                Shown(10),
                Shown(15),
                Shown(15),
                Shown(20),
                Shown(100),
                Shown(100),
                Shown(105)
            ]
        );
    }

    #[test]
    fn a_rounded_count_is_within_half_a_base_of_the_truth() {
        for n in 8..2000 {
            let Rounded::Shown(r) = RULE.count(n) else { panic!("{n} hidden") };
            assert!((r - n).abs() <= 2 && r % 5 == 0, "{n} → {r}");
        }
    }

    #[test]
    fn shares_come_from_the_rounded_counts() {
        assert_eq!(RULE.share(12, 28), Some(10.0 / 40.0));
        assert_eq!(RULE.share(3, 40), None);
        assert_eq!(RULE.share(0, 40), Some(0.0));
        assert!(RULE.too_few(7) && !RULE.too_few(8));
    }
}
