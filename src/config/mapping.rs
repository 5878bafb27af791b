//! `[mapping.<table>]` sections of the config: how a practice system's own export becomes one of
//! the canonical files of SPEC §1. `ingest::mapping` checks a section against the input contract
//! and applies it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// The clinics' IANA time zone (`America/New_York`): timestamps with an offset or `Z` become
    /// local time by the zone's rules on their date, daylight saving included. Overrides the
    /// global `time_zone`; not together with `utc_offset`.
    pub time_zone: Option<String>,
    /// Canonical column = how to build it from the export: a row number, several columns joined,
    /// a lookup in another input, or a regular-expression capture.
    pub derive: BTreeMap<String, Derive>,
    /// Export columns to leave unread (also exempts them from the privacy guard).
    pub ignore: Vec<String>,
    /// Overrides the global max_reject_share for this file.
    pub max_reject_share: Option<f64>,
}

/// One derived column of a mapping; exactly one of `row_number`, `concat`, `lookup` and
/// `pattern` is given.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Derive {
    /// The row's line number in the export (the header is line 1): an id for exports without one.
    pub row_number: bool,
    /// Export columns whose trimmed cells are joined, e.g. `["Date", "Time", "Client", "Clinician"]`.
    pub concat: Vec<String>,
    /// What goes between the joined cells (default `|`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// Another input table (`clinicians`) in which this column is looked up, by the key `by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup: Option<String>,
    /// The canonical key column shared by both tables, e.g. `clinician_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Value for a key the other table lacks; such rows are counted in a warning. Without it they
    /// are rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Export column a `pattern` is matched against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Regular expression (`regex` crate syntax); its first capture group, or the whole match
    /// without one, is the value. A cell that does not match is rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Mapping {
    /// The lookups this mapping asks for: (derived column, other table, key column).
    pub fn lookups(&self) -> Vec<(&str, &str, &str)> {
        self.derive
            .iter()
            .filter_map(|(column, d)| Some((column.as_str(), d.lookup.as_deref()?, d.by.as_deref()?)))
            .collect()
    }
}
