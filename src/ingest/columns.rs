//! The input files and their canonical columns (SPEC §1), from which `schema` is generated.

use std::borrow::Cow;

pub const SESSIONS: &str = "sessions.csv";
pub const WAITLIST: &str = "waitlist.csv";
pub const ADMIN_TIME: &str = "admin_time.csv";
pub const CLINICIANS: &str = "clinicians.csv";
pub const WELLBEING: &str = "wellbeing.csv";

/// Longest plausible appointment (SPEC §1: duration_min 1–720).
pub(super) const MAX_DURATION_MIN: i64 = 720;
// Sessions keep their length in seconds in 16 bits.
const _: () = assert!(MAX_DURATION_MIN * 60 <= u16::MAX as i64);

pub(super) const fn required(name: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: true }
}

pub(super) const fn optional(name: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: false }
}

/// The canonical columns of each input file (SPEC §1), in the order its loader addresses them.
pub const SESSIONS_COLUMNS: [ColumnSpec; 11] = [
    required("session_id"),
    required("clinic_id"),
    required("clinician_id"),
    required("client_id"),
    required("start"),
    // One of duration_min and end is required: checked after reading the header.
    optional("duration_min"),
    optional("end"),
    required("status"),
    optional("session_type"),
    optional("note_signed_at"),
    optional("high_acuity"),
];
pub const WAITLIST_COLUMNS: [ColumnSpec; 8] = [
    required("referral_id"),
    required("clinic_id"),
    required("client_id"),
    required("referred_on"),
    optional("urgency"),
    optional("first_seen_on"),
    optional("closed_on"),
    optional("close_reason"),
];
pub const ADMIN_TIME_COLUMNS: [ColumnSpec; 6] = [
    required("clinic_id"),
    required("clinician_id"),
    required("date"),
    required("hours"),
    required("category"),
    optional("after_hours"),
];
pub const CLINICIANS_COLUMNS: [ColumnSpec; 6] = [
    required("clinician_id"),
    required("clinic_id"),
    required("fte"),
    optional("role"),
    optional("start_date"),
    optional("end_date"),
];
pub const WELLBEING_COLUMNS: [ColumnSpec; 4] =
    [required("clinician_id"), required("clinic_id"), required("date"), required("mini_z")];

/// The names of a file's columns, for a header.
pub fn column_names(columns: &[ColumnSpec]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// A column a file may carry.
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
}

/// A cell-level problem found by a file's row parser; the reader adds the line.
#[derive(Debug)]
pub struct CellError {
    pub column: Cow<'static, str>,
    pub reason: String,
    pub value: String,
}

impl CellError {
    pub fn new(column: &'static str, reason: impl Into<String>, value: &str) -> Self {
        CellError { column: Cow::Borrowed(column), reason: reason.into(), value: value.to_owned() }
    }

    /// A cell error naming a column by the export's own header text.
    pub fn named(column: String, reason: impl Into<String>, value: &str) -> Self {
        CellError { column: Cow::Owned(column), reason: reason.into(), value: value.to_owned() }
    }
}
