//! Reading one cell of a published frame and formatting it for the page.

use super::*;
use crate::privacy::tables::{Count, Hidden};
use std::fmt;

/// What the page and the CSV tables print for a figure withheld.
pub(crate) const WITHHELD: &str = "withheld";

/// "<8" (a small count, from 1 to 7), "suppressed" or "withheld".
impl fmt::Display for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Hidden::Small { below } => write!(f, "<{below}"),
            Hidden::Suppressed => f.write_str("suppressed"),
            Hidden::Withheld => f.write_str(WITHHELD),
        }
    }
}

/// The number, or why it is hidden.
impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Count::Shown(n) => write!(f, "{n}"),
            Count::Hidden(hidden) => hidden.fmt(f),
        }
    }
}

pub(super) fn f64_at(frame: &DataFrame, column: &str, row: usize) -> Option<f64> {
    frame.column(column).ok()?.get(row).ok()?.extract::<f64>()
}

pub(super) fn i64_at(frame: &DataFrame, column: &str, row: usize) -> i64 {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<i64>()).unwrap_or(0)
}

pub(super) fn u32_at(frame: &DataFrame, column: &str, row: usize) -> u32 {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<u32>()).unwrap_or(0)
}

pub(super) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A whole number with thousands separators.
pub(super) fn hours(value: f64) -> String {
    let rounded = value.round() as i64;
    // Thousands separators for readability in headline sentences.
    let digits = rounded.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rounded < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

pub(super) fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", v * 100.0))
}

pub(super) fn optional(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

/// The row of `clinic` in a published frame (and of `urgency`, where given).
pub(super) fn row_of(frame: &DataFrame, clinic: u32, urgency: Option<&str>) -> Option<usize> {
    (0..frame.height()).find(|&r| {
        u32_at(frame, "clinic", r) == clinic
            && urgency.is_none_or(|u| {
                frame.column("urgency").ok().and_then(|c| c.get(r).ok()).is_some_and(|v| v.get_str() == Some(u))
            })
    })
}

/// "documentation" → "Documentation".
pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A figure of an access table's network row (`clinic` = ALL, and `urgency` = `all` where given).
pub(super) fn network_access(
    input: &ReportInput,
    table: fn(&Access) -> &DataFrame,
    column: &str,
    urgency: Option<&str>,
) -> Option<f64> {
    clinic_access(input, table, ALL_CLINICS, column, urgency)
}

/// A figure of one clinic's row of an access table (`urgency` = `all` where given).
pub(super) fn clinic_access(
    input: &ReportInput,
    table: fn(&Access) -> &DataFrame,
    clinic: u32,
    column: &str,
    urgency: Option<&str>,
) -> Option<f64> {
    let frame = table(input.access?);
    row_of(frame, clinic, urgency).and_then(|r| f64_at(frame, column, r))
}

/// A figure of one clinic's row of an access table as published: the value formatted by `show`,
/// or what suppression shows instead ("withheld", "<11").
pub(super) fn clinic_access_text(
    input: &ReportInput,
    name: &str,
    table: fn(&Access) -> &DataFrame,
    clinic: u32,
    column: &str,
    urgency: Option<&str>,
    show: &dyn Fn(Option<f64>) -> String,
) -> String {
    let Some(access) = input.access else { return show(None) };
    let frame = table(access);
    let row = row_of(frame, clinic, urgency);
    match row.and_then(|r| input.protection.hidden(name, column, r)) {
        Some(hidden) => hidden.to_string(),
        None => show(row.and_then(|r| f64_at(frame, column, r))),
    }
}

pub(super) fn week_at(frame: &DataFrame, row: usize) -> Option<i32> {
    frame.column("week").ok()?.get(row).ok()?.extract::<i32>()
}
