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

pub(super) const fn required(name: &'static str, kind: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: true, kind, need: "yes" }
}

/// A column a file may leave out; `need` says so for the schema ("no", "no (therapy)": the value
/// assumed without it, "this or end").
pub(super) const fn optional(name: &'static str, kind: &'static str, need: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: false, kind, need }
}

const TEXT: &str = "text";
const UNIQUE: &str = "text, unique";
const DATE: &str = "date YYYY-MM-DD";
const DATETIME: &str = "datetime";
const BOOL: &str = "bool";

/// The canonical columns of each input file (SPEC §1), in the order `schema` lists them and
/// `generate` writes them; loaders address them by name (`col`).
pub const SESSIONS_COLUMNS: [ColumnSpec; 11] = [
    required("session_id", UNIQUE),
    required("clinic_id", TEXT),
    required("clinician_id", TEXT),
    required("client_id", TEXT),
    required("start", "datetime YYYY-MM-DD HH:MM[:SS]"),
    // One of duration_min and end is required: checked after reading the header.
    optional("duration_min", "integer 1-720", "this or end"),
    optional("end", DATETIME, "this or duration_min"),
    required(
        "status",
        "attended | no_show | cancelled_late | cancelled_client | cancelled_clinician | scheduled (aliases accepted)",
    ),
    optional("session_type", "intake | assessment | therapy | group | family | crisis | other", "no (therapy)"),
    optional("note_signed_at", DATETIME, "no"),
    optional("high_acuity", BOOL, "no (false)"),
];
pub const WAITLIST_COLUMNS: [ColumnSpec; 8] = [
    required("referral_id", UNIQUE),
    required("clinic_id", TEXT),
    required("client_id", TEXT),
    required("referred_on", DATE),
    optional("urgency", "routine | urgent | emergency", "no (routine)"),
    optional("first_seen_on", "date", "no"),
    optional("closed_on", "date", "no"),
    optional("close_reason", TEXT, "no"),
];
pub const ADMIN_TIME_COLUMNS: [ColumnSpec; 6] = [
    required("clinic_id", TEXT),
    required("clinician_id", TEXT),
    required("date", "date"),
    required("hours", "decimal 0-24"),
    required(
        "category",
        "documentation | meetings | billing | correspondence | travel | other | supervision_received | supervision_given | training",
    ),
    optional("after_hours", BOOL, "no (false)"),
];
pub const CLINICIANS_COLUMNS: [ColumnSpec; 6] = [
    required("clinician_id", UNIQUE),
    required("clinic_id", TEXT),
    required("fte", "decimal (0, 1.5]"),
    optional("role", TEXT, "no"),
    optional("start_date", "date", "no"),
    optional("end_date", "date", "no"),
];
pub const WELLBEING_COLUMNS: [ColumnSpec; 4] = [
    required("clinician_id", TEXT),
    required("clinic_id", TEXT),
    required("date", "date"),
    required("mini_z", "integer 1-5 (3 or more = burnout)"),
];

/// An input file: its name, what it holds and whether the run needs it, and its columns.
pub struct FileSpec {
    pub file: &'static str,
    pub role: &'static str,
    pub columns: &'static [ColumnSpec],
}

/// Every input file of SPEC §1, in the order `schema` lists them.
pub const INPUTS: [FileSpec; 5] = [
    FileSpec {
        file: SESSIONS,
        role: "input, required: one row per scheduled appointment of one client",
        columns: &SESSIONS_COLUMNS,
    },
    FileSpec { file: WAITLIST, role: "input, optional: one row per referral", columns: &WAITLIST_COLUMNS },
    FileSpec {
        file: ADMIN_TIME,
        role: "input, optional: one row per time entry of one clinician",
        columns: &ADMIN_TIME_COLUMNS,
    },
    FileSpec { file: CLINICIANS, role: "input, optional: roster", columns: &CLINICIANS_COLUMNS },
    FileSpec { file: WELLBEING, role: "input, optional: Mini-Z single burnout item", columns: &WELLBEING_COLUMNS },
];

/// The names of a file's columns, for a header.
pub fn column_names(columns: &[ColumnSpec]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// A column a file may carry: its canonical name, whether the file must carry it, the values it
/// takes, and how `schema` states its need.
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: &'static str,
    pub need: &'static str,
}

/// A column as a loader addresses it: its position among its file's canonical columns, found by
/// name when the program is compiled, and the name a reject cites.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub index: usize,
    pub name: &'static str,
}

/// The column `name` of `columns`; a name that is not there stops the build.
pub const fn col(columns: &[ColumnSpec], name: &'static str) -> Col {
    let mut index = 0;
    while index < columns.len() {
        if same(columns[index].name, name) {
            return Col { index, name };
        }
        index += 1;
    }
    panic!("no such column")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_found_by_its_name_wherever_it_stands() {
        assert_eq!(col(&SESSIONS_COLUMNS, "session_id").index, 0);
        assert_eq!(col(&SESSIONS_COLUMNS, "status").index, 7);
        assert_eq!(col(&WAITLIST_COLUMNS, "closed_on").index, 6);
        assert_eq!(col(&WELLBEING_COLUMNS, "mini_z").name, "mini_z");
        for file in &INPUTS {
            for (index, spec) in file.columns.iter().enumerate() {
                assert_eq!(col(file.columns, spec.name).index, index, "{} in {}", spec.name, file.file);
            }
        }
    }
}
