//! `[mapping.<table>]`: how a practice system's own export becomes one of the canonical files of
//! SPEC §1 without a code change. Renames, ignores, joins and constants are resolved once from the
//! header; each row is then rewritten into canonical text (value maps, datetime formats, offsets,
//! duration units) that the canonical row parsers read as if the file had been canonical.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;
use regex::Regex;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::columns::{self, CellError, ColumnSpec};
pub use crate::config::mapping::{Derive, DurationUnit, Mapping};
use crate::dates::{self, MomentError};

/// The canonical tables a mapping may describe, with their columns (SPEC §1).
pub const TABLES: &[(&str, &str, &[ColumnSpec])] = &[
    ("sessions", columns::SESSIONS, &columns::SESSIONS_COLUMNS),
    ("waitlist", columns::WAITLIST, &columns::WAITLIST_COLUMNS),
    ("admin_time", columns::ADMIN_TIME, &columns::ADMIN_TIME_COLUMNS),
    ("clinicians", columns::CLINICIANS, &columns::CLINICIANS_COLUMNS),
    ("wellbeing", columns::WELLBEING, &columns::WELLBEING_COLUMNS),
];

const DATETIME_COLUMNS: &[&str] = &["start", "end", "note_signed_at"];
const DATE_COLUMNS: &[&str] = &["referred_on", "first_seen_on", "closed_on", "date", "start_date", "end_date"];
/// Times of day accepted in a joined date + time pair, 24-hour and 12-hour.
const TIME_FORMATS: &[&str] = &["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%I:%M:%S%p", "%H:%M:%S%.f"];
/// Offset-bearing forms tried when a timestamp carries `+hh:mm` or `Z` (ISO 8601 / FHIR instants).
const OFFSET_FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z"];

/// Canonical text of a looked-up column by key, read from another input (see `Derive::lookup`).
pub type LookupValues = HashMap<String, String>;

/// The clinic-local clock: a fixed offset or an IANA zone.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    Fixed(FixedOffset),
    Zone(Tz),
}

impl Clock {
    /// Clinic-local wall-clock time of an instant.
    pub fn local(&self, moment: DateTime<FixedOffset>) -> NaiveDateTime {
        match self {
            Clock::Fixed(offset) => moment.with_timezone(offset).naive_local(),
            Clock::Zone(zone) => moment.with_timezone(zone).naive_local(),
        }
    }

    /// A local time as written, checked against the zone: a time in a spring-forward gap (which no
    /// clock showed) is moved forward by the length of the gap, as RFC 5545 reads it; a time in a
    /// fall-back overlap is kept (it is the wall-clock time either way).
    pub fn wall_clock(&self, local: NaiveDateTime) -> NaiveDateTime {
        let Clock::Zone(zone) = self else { return local };
        match zone.from_local_datetime(&local) {
            LocalResult::Single(_) | LocalResult::Ambiguous(_, _) => local,
            LocalResult::None => {
                // The offset in force before the gap, found a few hours earlier.
                let before = local - chrono::Duration::hours(3);
                let offset = match zone.from_local_datetime(&before) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                    LocalResult::None => return local,
                };
                let instant = local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()));
                zone.from_utc_datetime(&instant).naive_local()
            }
        }
    }
}

/// An IANA zone name such as `America/New_York` or `Europe/London`.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// Seconds east of UTC from `+hh:mm`, `-hhmm`, `+hh`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 { digits[2..].parse().ok()? } else { 0 };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

/// Checks a mapping section against the canonical table it names (called from config loading).
pub fn check(table: &str, mapping: &Mapping) -> Result<(), String> {
    let Some((_, _, specs)) = TABLES.iter().find(|(name, _, _)| *name == table) else {
        let names: Vec<&str> = TABLES.iter().map(|t| t.0).collect();
        return Err(format!("[mapping.{table}]: unknown table; use one of {}", names.join(", ")));
    };
    let columns = columns::column_names(specs);
    let known = |key: &str, what: &str| {
        if columns.contains(&key) {
            Ok(())
        } else {
            Err(format!(
                "[mapping.{table}] {what}: `{key}` is not a column of {table} (columns: {})",
                columns.join(", ")
            ))
        }
    };
    for key in mapping.columns.keys() {
        known(key, "columns")?;
    }
    for (key, pair) in &mapping.join {
        known(key, "join")?;
        if !DATETIME_COLUMNS.contains(&key.as_str()) {
            return Err(format!("[mapping.{table}] join: `{key}` is not a datetime column"));
        }
        if pair.len() != 2 {
            return Err(format!("[mapping.{table}] join.{key}: give [date column, time column]"));
        }
    }
    for key in mapping.constants.keys() {
        known(key, "constants")?;
    }
    for key in mapping.values.keys() {
        known(key, "values")?;
    }
    if let Some(offset) = &mapping.utc_offset {
        if parse_offset(offset).is_none() {
            return Err(format!(
                "[mapping.{table}] utc_offset: `{offset}` is not an offset such as +01:00, -05:00 or Z"
            ));
        }
    }
    if let Some(zone) = &mapping.time_zone {
        if parse_zone(zone).is_none() {
            return Err(format!(
                "[mapping.{table}] time_zone: `{zone}` is not an IANA time zone such as America/New_York or Europe/London"
            ));
        }
        if mapping.utc_offset.is_some() {
            return Err(format!("[mapping.{table}]: give time_zone or utc_offset, not both"));
        }
    }
    for (key, derive) in &mapping.derive {
        known(key, "derive")?;
        check_derive(table, key, derive, mapping)?;
    }
    if let Some(share) = mapping.max_reject_share {
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("[mapping.{table}] max_reject_share must be between 0 and 1"));
        }
    }
    Ok(())
}

fn check_derive(table: &str, key: &str, derive: &Derive, mapping: &Mapping) -> Result<(), String> {
    let at = format!("[mapping.{table}] derive.{key}");
    let kinds = [derive.row_number, !derive.concat.is_empty(), derive.lookup.is_some(), derive.pattern.is_some()];
    if kinds.iter().filter(|&&k| k).count() != 1 {
        return Err(format!(
            "{at}: give exactly one of row_number = true, concat = [...], lookup = \"<table>\" or pattern = \"...\""
        ));
    }
    if mapping.columns.contains_key(key) || mapping.constants.contains_key(key) || mapping.join.contains_key(key) {
        return Err(format!("{at}: `{key}` is also given by columns, constants or join; keep one"));
    }
    if let Some(other) = &derive.lookup {
        let Some((_, _, specs)) = TABLES.iter().find(|(name, _, _)| name == other) else {
            return Err(format!("{at}: lookup `{other}` is not an input table"));
        };
        if other == table {
            return Err(format!("{at}: a table cannot look itself up"));
        }
        let Some(by) = &derive.by else {
            return Err(format!("{at}: a lookup needs by = \"<key column>\", e.g. by = \"clinician_id\""));
        };
        let theirs = columns::column_names(specs);
        let ours =
            TABLES.iter().find(|(name, _, _)| *name == table).map(|t| columns::column_names(t.2)).unwrap_or_default();
        for (column, what) in [(key, "looked-up column"), (by.as_str(), "key")] {
            if !theirs.contains(&column) {
                return Err(format!("{at}: the {what} `{column}` is not a column of {other}"));
            }
        }
        if !ours.contains(&by.as_str()) || by == key {
            return Err(format!("{at}: by = `{by}` must be another column of {table}"));
        }
    } else if derive.by.is_some() || derive.fallback.is_some() {
        return Err(format!("{at}: by and fallback belong to a lookup"));
    }
    if let Some(pattern) = &derive.pattern {
        if derive.column.is_none() {
            return Err(format!("{at}: a pattern needs column = \"<export column>\""));
        }
        if let Err(e) = Regex::new(pattern) {
            return Err(format!("{at}: pattern `{pattern}` is not a regular expression: {e}"));
        }
    } else if derive.column.is_some() {
        return Err(format!("{at}: column belongs to a pattern"));
    }
    if derive.separator.is_some() && derive.concat.is_empty() {
        return Err(format!("{at}: separator belongs to concat"));
    }
    Ok(())
}

/// The mapping section of a canonical file name such as `sessions.csv`.
pub fn table_of(file: &str) -> Option<&'static str> {
    TABLES.iter().find(|(_, canonical, _)| *canonical == file).map(|t| t.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Datetime,
    Date,
    Duration,
}

#[derive(Debug, Clone)]
enum Source {
    Missing,
    Column(usize),
    Constant(String),
    Join(usize, usize),
    RowNumber,
    Concat(Vec<usize>, String),
    /// Spec index of the key column, the values by key, and the fallback.
    Lookup {
        by: usize,
        table: String,
        values: LookupValues,
        fallback: Option<String>,
    },
    Pattern(usize, Regex),
}

#[derive(Debug)]
struct ColumnPlan {
    source: Source,
    /// How rejects name this column: the export's own header text.
    label: String,
    kind: Kind,
    values: HashMap<String, String>,
}

/// A mapping resolved against one file's header.
#[derive(Debug)]
pub struct Plan {
    columns: Vec<ColumnPlan>,
    datetime_formats: Vec<String>,
    date_formats: Vec<String>,
    duration_unit: DurationUnit,
    clock: Option<Clock>,
    /// Every column is read as is: the reader's fast path applies.
    pub passthrough: bool,
}

/// Why a header could not be matched to the mapping: every column that is missing, at once, so
/// that one run shows all that a mapping needs.
pub struct PlanError {
    /// Columns that the header lacks: required canonical names without a mapping, and the export
    /// columns a mapping names, in the order of the table's canonical columns.
    pub missing: Vec<String>,
}

impl Plan {
    /// `keys` are the header's normalised names (`name`, `name#2`, …), `raw` the header as written,
    /// `ignored[i]` whether column i is ignored.
    /// `lookups` holds, per derived lookup column, the other table's values by key.
    pub fn resolve(
        mapping: Option<&Mapping>,
        specs: &[ColumnSpec],
        keys: &[String],
        raw: &[String],
        ignored: &[bool],
        lookups: &HashMap<String, LookupValues>,
    ) -> Result<Plan, PlanError> {
        let default = Mapping::default();
        let mapping = mapping.unwrap_or(&default);
        let find = |name: &str| {
            let key = name.trim().to_lowercase();
            keys.iter().enumerate().position(|(i, k)| *k == key && !ignored[i])
        };
        let mut columns = Vec::with_capacity(specs.len());
        let mut missing = Vec::new();
        let mut find_or_note = |name: &str| {
            let found = find(name);
            if found.is_none() && !missing.iter().any(|m| m == name) {
                missing.push(name.to_owned());
            }
            found
        };
        let mut passthrough = mapping.duration_unit == DurationUnit::Minutes
            && mapping.utc_offset.is_none()
            && mapping.time_zone.is_none()
            && mapping.derive.is_empty()
            && mapping.datetime_formats.is_empty()
            && mapping.date_formats.is_empty();
        for spec in specs {
            let name = spec.name;
            let kind = if DATETIME_COLUMNS.contains(&name) {
                Kind::Datetime
            } else if DATE_COLUMNS.contains(&name) {
                Kind::Date
            } else if name == "duration_min" {
                Kind::Duration
            } else {
                Kind::Text
            };
            let (source, label) = if let Some(derive) = mapping.derive.get(name) {
                passthrough = false;
                if derive.row_number {
                    (Source::RowNumber, format!("{name} (row number)"))
                } else if !derive.concat.is_empty() {
                    let found: Vec<Option<usize>> = derive.concat.iter().map(|c| find_or_note(c)).collect();
                    let label = format!("{name} ({})", derive.concat.join("+"));
                    match found.into_iter().collect::<Option<Vec<usize>>>() {
                        Some(positions) => {
                            (Source::Concat(positions, derive.separator.clone().unwrap_or_else(|| "|".into())), label)
                        }
                        None => (Source::Missing, label),
                    }
                } else if let (Some(table), Some(by)) = (&derive.lookup, &derive.by) {
                    let by_index = specs.iter().position(|s| s.name == by).unwrap_or(0);
                    let values = lookups.get(name).cloned().unwrap_or_default();
                    (
                        Source::Lookup {
                            by: by_index,
                            table: table.clone(),
                            values,
                            fallback: derive.fallback.clone(),
                        },
                        format!("{name} (looked up in {table} by {by})"),
                    )
                } else if let (Some(column), Some(pattern)) = (&derive.column, &derive.pattern) {
                    let regex =
                        Regex::new(pattern).map_err(|_| PlanError { missing: vec![format!("{name}: pattern")] })?;
                    match find_or_note(column) {
                        Some(position) => (Source::Pattern(position, regex), raw[position].clone()),
                        None => (Source::Missing, name.to_owned()),
                    }
                } else {
                    (Source::Missing, name.to_owned())
                }
            } else if let Some(pair) = mapping.join.get(name) {
                passthrough = false;
                match (find_or_note(&pair[0]), find_or_note(&pair[1])) {
                    (Some(date), Some(time)) => (Source::Join(date, time), format!("{}+{}", raw[date], raw[time])),
                    _ => (Source::Missing, name.to_owned()),
                }
            } else if let Some(value) = mapping.constants.get(name) {
                passthrough = false;
                (Source::Constant(value.clone()), format!("{name} (constant)"))
            } else if let Some(column) = mapping.columns.get(name) {
                match find_or_note(column) {
                    Some(position) => (Source::Column(position), raw[position].clone()),
                    None => (Source::Missing, name.to_owned()),
                }
            } else {
                match find(name) {
                    Some(position) => (Source::Column(position), raw[position].clone()),
                    None if spec.required => {
                        find_or_note(name);
                        (Source::Missing, name.to_owned())
                    }
                    None => (Source::Missing, name.to_owned()),
                }
            };
            let values: HashMap<String, String> = mapping
                .values
                .get(name)
                .map(|map| map.iter().map(|(k, v)| (k.trim().to_lowercase(), v.clone())).collect())
                .unwrap_or_default();
            if !values.is_empty() {
                passthrough = false;
            }
            columns.push(ColumnPlan { source, label, kind, values });
        }
        if !missing.is_empty() {
            return Err(PlanError { missing });
        }
        let clock = match (&mapping.time_zone, &mapping.utc_offset) {
            (Some(zone), _) => parse_zone(zone).map(Clock::Zone),
            (None, Some(offset)) => parse_offset(offset).and_then(FixedOffset::east_opt).map(Clock::Fixed),
            (None, None) => None,
        };
        Ok(Plan {
            columns,
            datetime_formats: mapping.datetime_formats.clone(),
            date_formats: mapping.date_formats.clone(),
            duration_unit: mapping.duration_unit,
            clock,
            passthrough,
        })
    }

    /// Header position of each canonical column read straight from one export column.
    pub fn positions(&self) -> Vec<Option<usize>> {
        self.columns
            .iter()
            .map(|c| match c.source {
                Source::Column(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    pub fn present(&self, index: usize) -> bool {
        !matches!(self.columns[index].source, Source::Missing)
    }

    /// Whether canonical column `index` holds one value on every row (a mapping constant).
    pub fn constant(&self, index: usize) -> bool {
        matches!(self.columns[index].source, Source::Constant(_))
    }

    /// Whether a column is derived from the row's line number (then a file is read in one part,
    /// where every line number is known as the row is read).
    pub fn uses_line(&self) -> bool {
        self.columns.iter().any(|c| matches!(c.source, Source::RowNumber))
    }

    /// Per lookup column that used its fallback (`counts`, by column, as `apply` counted them):
    /// the column's label, the other table and the rows.
    pub fn unmatched(&self, counts: BTreeMap<usize, u64>) -> Vec<(String, String, u64)> {
        counts
            .into_iter()
            .map(|(i, u)| {
                let table = match &self.columns[i].source {
                    Source::Lookup { table, .. } => table.clone(),
                    _ => String::new(),
                };
                (self.columns[i].label.clone(), table, u)
            })
            .collect()
    }

    /// The export's name for canonical column `index`, as rejects report it.
    pub fn label(&self, index: usize) -> &str {
        &self.columns[index].label
    }

    /// Rewrites one record (on line `line`) into canonical text, one string per canonical column.
    /// Lookups come last, once the key columns they read are in canonical form; a lookup that takes
    /// its fallback is counted in `unmatched`, by column.
    pub fn apply(
        &self,
        record: &csv::ByteRecord,
        line: u64,
        out: &mut [String],
        unmatched: &mut BTreeMap<usize, u64>,
    ) -> Result<(), CellError> {
        for (plan, slot) in self.columns.iter().zip(out.iter_mut()) {
            slot.clear();
            let text: Cow<str> = match &plan.source {
                Source::Missing | Source::Lookup { .. } => continue,
                Source::Constant(value) => Cow::Borrowed(value.as_str()),
                Source::Column(p) => Cow::Borrowed(cell(record, *p, &plan.label)?),
                Source::RowNumber => Cow::Owned(line.to_string()),
                Source::Concat(positions, separator) => {
                    let mut joined = String::new();
                    for (n, &p) in positions.iter().enumerate() {
                        if n > 0 {
                            joined.push_str(separator);
                        }
                        joined.push_str(cell(record, p, &plan.label)?);
                    }
                    Cow::Owned(joined)
                }
                Source::Pattern(p, regex) => {
                    let text = cell(record, *p, &plan.label)?;
                    if text.is_empty() {
                        continue;
                    }
                    let captured = regex.captures(text).and_then(|c| c.get(1).or_else(|| c.get(0)));
                    match captured {
                        Some(m) => Cow::Owned(m.as_str().trim().to_owned()),
                        None => {
                            return Err(CellError::named(
                                plan.label.clone(),
                                format!("does not match pattern `{}`", regex.as_str()),
                                text,
                            ))
                        }
                    }
                }
                Source::Join(d, t) => {
                    let date = cell(record, *d, &plan.label)?;
                    let time = cell(record, *t, &plan.label)?;
                    if date.is_empty() && time.is_empty() {
                        continue;
                    }
                    Cow::Owned(self.join(date, time).ok_or_else(|| {
                        CellError::named(
                            plan.label.clone(),
                            "unparseable date and time (check date_formats; times such as 14:30 or 02:30 PM)",
                            &format!("{date} {time}"),
                        )
                    })?)
                }
            };
            let text = match plan.values.get(&text.to_lowercase()) {
                Some(mapped) => Cow::Borrowed(mapped.as_str()),
                None => text,
            };
            if text.is_empty() {
                continue;
            }
            match plan.kind {
                Kind::Text => slot.push_str(&text),
                Kind::Datetime => {
                    self.datetime(&text, slot).map_err(|reason| CellError::named(plan.label.clone(), reason, &text))?
                }
                Kind::Date => {
                    self.date(&text, slot).map_err(|reason| CellError::named(plan.label.clone(), reason, &text))?
                }
                Kind::Duration => {
                    self.duration(&text, slot).map_err(|reason| CellError::named(plan.label.clone(), reason, &text))?
                }
            }
        }
        for (index, plan) in self.columns.iter().enumerate() {
            let Source::Lookup { by, table, values, fallback } = &plan.source else { continue };
            let key = out[*by].clone();
            if key.is_empty() {
                continue;
            }
            let value = match (values.get(&key), fallback) {
                (Some(value), _) => value.clone(),
                (None, Some(fallback)) => {
                    *unmatched.entry(index).or_default() += 1;
                    fallback.clone()
                }
                (None, None) => {
                    return Err(CellError::named(plan.label.clone(), format!("key not found in {table}.csv"), &key))
                }
            };
            let value = plan.values.get(&value.to_lowercase()).cloned().unwrap_or(value);
            out[index] = value;
        }
        Ok(())
    }

    fn join(&self, date: &str, time: &str) -> Option<String> {
        let day = self.parse_date(date)?;
        let time = TIME_FORMATS.iter().find_map(|f| NaiveTime::parse_from_str(time, f).ok())?;
        let mut out = String::new();
        self.wall_clock(day.and_time(time), &mut out);
        Some(out)
    }

    fn parse_date(&self, text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .or_else(|| self.date_formats.iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok()))
    }

    fn local(&self, moment: DateTime<FixedOffset>, out: &mut String) -> Result<(), String> {
        let Some(clock) = self.clock else {
            return Err("datetime with a UTC offset (set time_zone or utc_offset in the mapping to convert it)".into());
        };
        out.push_str(&clock.local(moment).format("%Y-%m-%d %H:%M:%S").to_string());
        Ok(())
    }

    /// A local time as written, through the zone's gap rule when a zone is set.
    fn wall_clock(&self, local: NaiveDateTime, out: &mut String) {
        let local = self.clock.map_or(local, |clock| clock.wall_clock(local));
        out.push_str(&local.format("%Y-%m-%d %H:%M:%S").to_string());
    }

    fn datetime(&self, text: &str, out: &mut String) -> Result<(), String> {
        match dates::parse_moment(text) {
            Ok(_) => {
                match (self.clock, canonical_local(text)) {
                    (Some(Clock::Zone(_)), Some(local)) => self.wall_clock(local, out),
                    _ => out.push_str(text),
                }
                return Ok(());
            }
            Err(MomentError::HasOffset) => {
                let normalised = match text.strip_suffix(['Z', 'z']) {
                    Some(rest) => Cow::Owned(format!("{rest}+00:00")),
                    None => Cow::Borrowed(text),
                };
                if let Some(moment) = OFFSET_FORMATS.iter().find_map(|f| DateTime::parse_from_str(&normalised, f).ok())
                {
                    return self.local(moment, out);
                }
            }
            Err(MomentError::Malformed) => {}
        }
        for format in &self.datetime_formats {
            if format.contains("%z") || format.contains("%:z") || format.contains("%#z") {
                if let Ok(moment) = DateTime::parse_from_str(text, format) {
                    return self.local(moment, out);
                }
            } else if let Ok(moment) = NaiveDateTime::parse_from_str(text, format) {
                self.wall_clock(moment, out);
                return Ok(());
            }
        }
        Err(if self.datetime_formats.is_empty() {
            "unparseable datetime (expected YYYY-MM-DD HH:MM[:SS]; set datetime_formats in the mapping)".into()
        } else {
            format!("unparseable datetime (formats tried: {})", self.datetime_formats.join(", "))
        })
    }

    fn date(&self, text: &str, out: &mut String) -> Result<(), String> {
        if dates::parse_day(text).is_some() {
            out.push_str(text);
            return Ok(());
        }
        match self.date_formats.iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok()) {
            Some(day) => {
                out.push_str(&day.format("%Y-%m-%d").to_string());
                Ok(())
            }
            None => Err(format!("unparseable date (expected YYYY-MM-DD or one of: {})", self.date_formats.join(", "))),
        }
    }

    fn duration(&self, text: &str, out: &mut String) -> Result<(), String> {
        let per_minute = match self.duration_unit {
            DurationUnit::Minutes => {
                out.push_str(text);
                return Ok(());
            }
            DurationUnit::Seconds => 60.0,
            DurationUnit::Hours => 1.0 / 60.0,
        };
        let value: f64 = text.parse().map_err(|_| "duration is not a number".to_owned())?;
        if !value.is_finite() || value.abs() > 1e9 {
            return Err("duration is not a number".into());
        }
        // Rounded to the nearest whole minute, the canonical unit.
        out.push_str(&((value / per_minute).round() as i64).to_string());
        Ok(())
    }
}

/// A canonical `YYYY-MM-DD HH:MM[:SS[.f]]` (space or `T`) as a chrono value.
fn canonical_local(text: &str) -> Option<NaiveDateTime> {
    let spaced = text.replacen('T', " ", 1);
    NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%d %H:%M"))
        .ok()
}

fn cell<'r>(record: &'r csv::ByteRecord, position: usize, label: &str) -> Result<&'r str, CellError> {
    let bytes = record.get(position).unwrap_or_default();
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| CellError::named(label.to_owned(), "invalid UTF-8", &String::from_utf8_lossy(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(mapping: &Mapping, header: &[&str]) -> Plan {
        let specs: Vec<ColumnSpec> = ["start", "duration_min", "status"]
            .iter()
            .map(|&name| ColumnSpec { name, required: false, kind: "", need: "no" })
            .collect();
        let keys: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        let raw: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let ignored = vec![false; header.len()];
        match Plan::resolve(Some(mapping), &specs, &keys, &raw, &ignored, &HashMap::new()) {
            Ok(plan) => plan,
            Err(_) => panic!("plan did not resolve"),
        }
    }

    fn apply(plan: &Plan, cells: &[&str]) -> Result<Vec<String>, String> {
        let record = csv::ByteRecord::from(cells.to_vec());
        let mut out = vec![String::new(); 3];
        plan.apply(&record, 2, &mut out, &mut BTreeMap::new()).map_err(|e| e.reason)?;
        Ok(out)
    }

    #[test]
    fn joins_twelve_hour_times_converts_seconds_and_maps_codes() {
        let mut mapping = Mapping {
            duration_unit: DurationUnit::Seconds,
            date_formats: vec!["%m/%d/%Y".into()],
            ..Default::default()
        };
        mapping.join.insert("start".into(), vec!["day".into(), "time".into()]);
        mapping.columns.insert("duration_min".into(), "secs".into());
        mapping.columns.insert("status".into(), "code".into());
        mapping.values.insert("status".into(), BTreeMap::from([("@".into(), "attended".into())]));
        let plan = plan(&mapping, &["day", "time", "secs", "code"]);
        assert_eq!(
            apply(&plan, &["11/02/2026", "02:30 PM", "3000", "@"]).unwrap(),
            ["2026-11-02 14:30:00", "50", "attended"]
        );
        assert_eq!(apply(&plan, &["2026-11-02", "09:05", "3600", "x"]).unwrap(), ["2026-11-02 09:05:00", "60", "x"]);
        assert!(apply(&plan, &["31/31/2026", "09:05", "3600", "@"]).is_err());
    }

    #[test]
    fn offsets_convert_to_the_configured_zone() {
        let mapping = Mapping { utc_offset: Some("+01:00".into()), ..Default::default() };
        let plan = plan(&mapping, &["start"]);
        assert_eq!(apply(&plan, &["2026-11-02T08:00:00Z"]).unwrap()[0], "2026-11-02 09:00:00");
        assert_eq!(apply(&plan, &["2026-11-02T10:00:00+03:00"]).unwrap()[0], "2026-11-02 08:00:00");
        let unzoned = Mapping { datetime_formats: vec!["%m/%d/%Y %H:%M".into()], ..Default::default() };
        let plan = super::tests::plan(&unzoned, &["start"]);
        assert!(apply(&plan, &["2026-11-02T08:00:00Z"]).is_err());
        assert_eq!(apply(&plan, &["11/02/2026 13:15"]).unwrap()[0], "2026-11-02 13:15:00");
    }

    #[test]
    fn a_named_zone_follows_daylight_saving_on_each_date() {
        let mapping = Mapping { time_zone: Some("America/New_York".into()), ..Default::default() };
        let plan = plan(&mapping, &["start"]);
        let local = |text: &str| apply(&plan, &[text]).unwrap()[0].clone();
        // Spring forward on Sunday 2026-03-08: EST (−5) before, EDT (−4) after.
        assert_eq!(local("2026-03-07T15:00:00Z"), "2026-03-07 10:00:00");
        assert_eq!(local("2026-03-09T14:00:00Z"), "2026-03-09 10:00:00");
        // Just after midnight on the Monday in EDT; a fixed −05:00 would put it on Sunday, a week earlier.
        assert_eq!(local("2026-03-09T04:30:00Z"), "2026-03-09 00:30:00");
        // Fall back on Sunday 2026-11-01: each instant of the repeated hour has one local time.
        assert_eq!(local("2026-11-01T05:30:00Z"), "2026-11-01 01:30:00");
        assert_eq!(local("2026-11-01T06:30:00Z"), "2026-11-01 01:30:00");
        assert_eq!(local("2026-11-02T15:00:00Z"), "2026-11-02 10:00:00");
        assert_eq!(local("2026-11-02T10:00:00-05:00"), "2026-11-02 10:00:00");
        // Local times as written are kept; one in the spring-forward gap moves on by the gap.
        assert_eq!(local("2026-03-08 02:30"), "2026-03-08 03:30:00");
        assert_eq!(local("2026-11-01 01:30:00"), "2026-11-01 01:30:00");
        assert_eq!(local("2026-03-08 09:15:00"), "2026-03-08 09:15:00");
    }

    #[test]
    fn derived_ids_rows_joins_and_captures() {
        let specs: Vec<ColumnSpec> = ["session_id", "key", "client_id"]
            .iter()
            .map(|&name| ColumnSpec { name, required: false, kind: "", need: "no" })
            .collect();
        let header = ["a", "b", "label"];
        let keys: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let mut mapping = Mapping::default();
        mapping
            .derive
            .insert("session_id".into(), Derive { concat: vec!["a".into(), "b".into()], ..Default::default() });
        mapping.derive.insert(
            "client_id".into(),
            Derive { column: Some("label".into()), pattern: Some(r"CL\d+-P\d+".into()), ..Default::default() },
        );
        let plan = Plan::resolve(Some(&mapping), &specs, &keys, &keys, &[false; 3], &HashMap::new()).ok().unwrap();
        let mut out = vec![String::new(); 3];
        plan.apply(&csv::ByteRecord::from(vec!["x", "y", "Cliént CL01-P000001"]), 7, &mut out, &mut BTreeMap::new())
            .unwrap();
        assert_eq!(out, ["x|y", "", "CL01-P000001"]);
        let err = plan
            .apply(&csv::ByteRecord::from(vec!["x", "y", "nobody"]), 8, &mut out, &mut BTreeMap::new())
            .unwrap_err();
        assert_eq!(err.reason, r"does not match pattern `CL\d+-P\d+`");
        let mut mapping = Mapping::default();
        mapping.derive.insert("session_id".into(), Derive { row_number: true, ..Default::default() });
        mapping.derive.insert(
            "client_id".into(),
            Derive { lookup: Some("clinicians".into()), by: Some("key".into()), ..Default::default() },
        );
        let lookups = HashMap::from([("client_id".to_owned(), HashMap::from([("k1".to_owned(), "C1".to_owned())]))]);
        let header = ["key"];
        let keys: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let plan = Plan::resolve(Some(&mapping), &specs, &keys, &keys, &[false], &lookups).ok().unwrap();
        plan.apply(&csv::ByteRecord::from(vec!["k1"]), 9, &mut out, &mut BTreeMap::new()).unwrap();
        assert_eq!(out, ["9", "k1", "C1"]);
        let err = plan.apply(&csv::ByteRecord::from(vec!["k2"]), 10, &mut out, &mut BTreeMap::new()).unwrap_err();
        assert_eq!((err.reason.as_str(), err.value.as_str()), ("key not found in clinicians.csv", "k2"));
    }

    #[test]
    fn derive_sections_are_checked() {
        let derive =
            |d: Derive| Mapping { derive: BTreeMap::from([("clinic_id".to_owned(), d)]), ..Default::default() };
        let lookup =
            |table: &str, by: &str| Derive { lookup: Some(table.into()), by: Some(by.into()), ..Default::default() };
        assert!(check("sessions", &derive(lookup("clinicians", "clinician_id"))).is_ok());
        assert!(check("sessions", &derive(lookup("sessions", "clinician_id"))).unwrap_err().contains("itself"));
        assert!(check("sessions", &derive(lookup("clinicians", "client_id"))).unwrap_err().contains("key"));
        assert!(check("sessions", &derive(Derive::default())).unwrap_err().contains("exactly one"));
        let bad = Derive { column: Some("x".into()), pattern: Some("(".into()), ..Default::default() };
        assert!(check("sessions", &derive(bad)).unwrap_err().contains("not a regular expression"));
        let zone = Mapping { time_zone: Some("Mars/Olympus".into()), ..Default::default() };
        assert!(check("sessions", &zone).unwrap_err().contains("IANA"));
    }

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+01:00"), Some(3600));
        assert_eq!(parse_offset("-0530"), Some(-19800));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("Europe/Paris"), None);
    }
}
