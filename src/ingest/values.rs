//! The enumerations of SPEC §1 and their accepted spellings.

/// Appointment outcome. Codes are stable: they are stored in polars columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Attended = 0,
    NoShow = 1,
    CancelledLate = 2,
    CancelledClient = 3,
    CancelledClinician = 4,
    Scheduled = 5,
}

/// Aliases accepted for each status, after lowercasing and turning `_` and `-` into spaces.
pub const STATUS_ALIASES: &[(Status, &[&str])] = &[
    (
        Status::Attended,
        &["attended", "show", "shown", "kept", "fulfilled", "arrived", "seen", "attended late", "completed"],
    ),
    (Status::NoShow, &["no show", "noshow", "dna", "did not attend", "missed"]),
    (Status::CancelledLate, &["cancelled late", "late cancel", "late cancelled", "late canceled", "late cancellation"]),
    (Status::CancelledClient, &["cancelled client", "cancelled", "canceled", "client cancelled", "client canceled"]),
    (
        Status::CancelledClinician,
        &[
            "cancelled clinician",
            "provider cancelled",
            "provider canceled",
            "clinician cancelled",
            "clinician canceled",
        ],
    ),
    (Status::Scheduled, &["scheduled", "booked", "future"]),
];

fn normalise(text: &str, buffer: &mut String) {
    buffer.clear();
    buffer.extend(text.chars().map(|c| match c {
        '_' | '-' => ' ',
        c => c.to_ascii_lowercase(),
    }));
}

pub fn parse_status(text: &str, buffer: &mut String) -> Option<Status> {
    normalise(text, buffer);
    STATUS_ALIASES.iter().find(|(_, aliases)| aliases.contains(&buffer.as_str())).map(|(status, _)| *status)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionType {
    Intake = 0,
    Assessment = 1,
    Therapy = 2,
    Group = 3,
    Family = 4,
    Crisis = 5,
    Other = 6,
}

pub fn parse_session_type(text: &str) -> Option<SessionType> {
    use SessionType::*;
    if text.is_empty() {
        return Some(Therapy);
    }
    [
        ("intake", Intake),
        ("assessment", Assessment),
        ("therapy", Therapy),
        ("group", Group),
        ("family", Family),
        ("crisis", Crisis),
        ("other", Other),
    ]
    .into_iter()
    .find(|(name, _)| text.eq_ignore_ascii_case(name))
    .map(|(_, t)| t)
}

/// Admin-time categories and the group each belongs to (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Documentation = 0,
    Meetings = 1,
    Billing = 2,
    Correspondence = 3,
    Travel = 4,
    Other = 5,
    SupervisionReceived = 6,
    SupervisionGiven = 7,
    Training = 8,
}

pub const CATEGORY_NAMES: &[(&str, Category)] = &[
    ("documentation", Category::Documentation),
    ("meetings", Category::Meetings),
    ("billing", Category::Billing),
    ("correspondence", Category::Correspondence),
    ("travel", Category::Travel),
    ("other", Category::Other),
    ("supervision_received", Category::SupervisionReceived),
    ("supervision_given", Category::SupervisionGiven),
    ("training", Category::Training),
];

pub fn parse_category(text: &str) -> Option<Category> {
    CATEGORY_NAMES.iter().find(|(name, _)| text.eq_ignore_ascii_case(name)).map(|(_, c)| *c)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Routine = 0,
    Urgent = 1,
    Emergency = 2,
}

pub fn parse_urgency(text: &str) -> Option<Urgency> {
    if text.is_empty() || text.eq_ignore_ascii_case("routine") {
        Some(Urgency::Routine)
    } else if text.eq_ignore_ascii_case("urgent") {
        Some(Urgency::Urgent)
    } else if text.eq_ignore_ascii_case("emergency") {
        Some(Urgency::Emergency)
    } else {
        None
    }
}

/// Empty counts as false (SPEC appendix).
pub fn parse_bool(text: &str) -> Option<bool> {
    const TRUE: &[&str] = &["true", "t", "yes", "y", "1"];
    const FALSE: &[&str] = &["", "false", "f", "no", "n", "0"];
    if TRUE.iter().any(|t| text.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|f| text.eq_ignore_ascii_case(f)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_aliases_are_case_and_separator_insensitive() {
        let mut buffer = String::new();
        assert_eq!(parse_status("Attended Late", &mut buffer), Some(Status::Attended));
        assert_eq!(parse_status("DNA", &mut buffer), Some(Status::NoShow));
        assert_eq!(parse_status("no-show", &mut buffer), Some(Status::NoShow));
        assert_eq!(parse_status("Late_Cancelled", &mut buffer), Some(Status::CancelledLate));
        assert_eq!(parse_status("canceled", &mut buffer), Some(Status::CancelledClient));
        assert_eq!(parse_status("Provider Cancelled", &mut buffer), Some(Status::CancelledClinician));
        assert_eq!(parse_status("booked", &mut buffer), Some(Status::Scheduled));
        assert_eq!(parse_status("maybe", &mut buffer), None);
    }

    #[test]
    fn booleans_and_defaults() {
        assert_eq!(parse_bool(""), Some(false));
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("2"), None);
        assert_eq!(parse_session_type(""), Some(SessionType::Therapy));
        assert_eq!(parse_urgency("URGENT"), Some(Urgency::Urgent));
        assert_eq!(parse_category("Supervision_Received"), Some(Category::SupervisionReceived));
    }
}
