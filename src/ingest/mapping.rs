//! `[mapping.<table>]`: how a practice system's own export becomes one of the canonical files of
//! SPEC §1 without a code change. Renames, ignores, joins and constants are resolved once from the
//! header; each row is then rewritten into canonical text (value maps, datetime formats, offsets,
//! duration units) that the canonical row parsers read as if the file had been canonical.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::reader::{CellError, ColumnSpec};
use crate::dates::{self, MomentError};

/// The canonical tables a mapping may describe, with their columns (SPEC §1).
pub const TABLES: &[(&str, &str, &[ColumnSpec])] = &[
    ("sessions", super::SESSIONS, &super::SESSIONS_COLUMNS),
    ("waitlist", super::WAITLIST, &super::WAITLIST_COLUMNS),
    ("admin_time", super::ADMIN_TIME, &super::ADMIN_TIME_COLUMNS),
    ("clinicians", super::CLINICIANS, &super::CLINICIANS_COLUMNS),
    ("wellbeing", super::WELLBEING, &super::WELLBEING_COLUMNS),
];

const DATETIME_COLUMNS: &[&str] = &["start", "end", "note_signed_at"];
const DATE_COLUMNS: &[&str] = &["referred_on", "first_seen_on", "closed_on", "date", "start_date", "end_date"];
/// Times of day accepted in a joined date + time pair, 24-hour and 12-hour.
const TIME_FORMATS: &[&str] = &["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%I:%M:%S%p", "%H:%M:%S%.f"];
/// Offset-bearing forms tried when a timestamp carries `+hh:mm` or `Z` (ISO 8601 / FHIR instants).
const OFFSET_FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    #[default]
    Minutes,
    Seconds,
    Hours,
}

/// One `[mapping.<table>]` section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mapping {
    /// The export's file name in the input folder, read instead of the canonical one.
    pub source: Option<String>,
    /// Canonical column = the export's header name (case-insensitive; `name#2` is the second
    /// column called `name`).
    pub columns: BTreeMap<String, String>,
    /// Canonical datetime column = [date column, time column], e.g. `start = ["pc_eventDate", "pc_startTime"]`.
    pub join: BTreeMap<String, Vec<String>>,
    /// Canonical column = a value used on every row, for a column the export lacks.
    pub constants: BTreeMap<String, String>,
    /// Canonical column → { export value = canonical value }; values not listed keep the built-in aliases.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// chrono formats tried for datetime cells, e.g. `%m/%d/%Y %H:%M` or `%d.%m.%Y %I:%M %p`.
    pub datetime_formats: Vec<String>,
    /// chrono formats tried for date cells (and the date half of a join), e.g. `%d/%m/%Y`.
    pub date_formats: Vec<String>,
    /// Unit of the duration_min column in the export.
    pub duration_unit: DurationUnit,
    /// Clinic-local offset from UTC (`+01:00`, `-05:00`, `Z`) to which offset-bearing timestamps are
    /// converted. A fixed offset: daylight-saving changes are not applied.
    pub utc_offset: Option<String>,
    /// Export columns to leave unread (also exempts them from the privacy guard).
    pub ignore: Vec<String>,
    /// Overrides the global max_reject_share for this file.
    pub max_reject_share: Option<f64>,
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
    let columns = super::column_names(specs);
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
    if let Some(share) = mapping.max_reject_share {
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("[mapping.{table}] max_reject_share must be between 0 and 1"));
        }
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
    offset: Option<FixedOffset>,
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
    pub fn resolve(
        mapping: Option<&Mapping>,
        specs: &[ColumnSpec],
        keys: &[String],
        raw: &[String],
        ignored: &[bool],
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
            let (source, label) = if let Some(pair) = mapping.join.get(name) {
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
        let offset = mapping.utc_offset.as_deref().and_then(parse_offset).and_then(FixedOffset::east_opt);
        Ok(Plan {
            columns,
            datetime_formats: mapping.datetime_formats.clone(),
            date_formats: mapping.date_formats.clone(),
            duration_unit: mapping.duration_unit,
            offset,
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

    /// The export's name for canonical column `index`, as rejects report it.
    pub fn label(&self, index: usize) -> &str {
        &self.columns[index].label
    }

    /// Rewrites one record into canonical text, one string per canonical column.
    pub fn apply(&self, record: &csv::ByteRecord, out: &mut [String]) -> Result<(), CellError> {
        for (plan, slot) in self.columns.iter().zip(out.iter_mut()) {
            slot.clear();
            let text: Cow<str> = match &plan.source {
                Source::Missing => continue,
                Source::Constant(value) => Cow::Borrowed(value.as_str()),
                Source::Column(p) => Cow::Borrowed(cell(record, *p, &plan.label)?),
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
        Ok(())
    }

    fn join(&self, date: &str, time: &str) -> Option<String> {
        let day = self.parse_date(date)?;
        let time = TIME_FORMATS.iter().find_map(|f| NaiveTime::parse_from_str(time, f).ok())?;
        Some(day.and_time(time).format("%Y-%m-%d %H:%M:%S").to_string())
    }

    fn parse_date(&self, text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .or_else(|| self.date_formats.iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok()))
    }

    fn local(&self, moment: DateTime<FixedOffset>, out: &mut String) -> Result<(), String> {
        let Some(zone) = self.offset else {
            return Err("datetime with a UTC offset (set utc_offset in the mapping to convert it)".into());
        };
        out.push_str(&moment.with_timezone(&zone).naive_local().format("%Y-%m-%d %H:%M:%S").to_string());
        Ok(())
    }

    fn datetime(&self, text: &str, out: &mut String) -> Result<(), String> {
        match dates::parse_moment(text) {
            Ok(_) => {
                out.push_str(text);
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
                out.push_str(&moment.format("%Y-%m-%d %H:%M:%S").to_string());
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
        let specs: Vec<ColumnSpec> =
            ["start", "duration_min", "status"].iter().map(|&name| ColumnSpec { name, required: false }).collect();
        let keys: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        let raw: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let ignored = vec![false; header.len()];
        match Plan::resolve(Some(mapping), &specs, &keys, &raw, &ignored) {
            Ok(plan) => plan,
            Err(_) => panic!("plan did not resolve"),
        }
    }

    fn apply(plan: &Plan, cells: &[&str]) -> Result<Vec<String>, String> {
        let record = csv::ByteRecord::from(cells.to_vec());
        let mut out = vec![String::new(); 3];
        plan.apply(&record, &mut out).map_err(|e| e.reason)?;
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
    fn offsets_parse() {
        assert_eq!(parse_offset("+01:00"), Some(3600));
        assert_eq!(parse_offset("-0530"), Some(-19800));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("Europe/Paris"), None);
    }
}
