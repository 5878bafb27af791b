//! The ingested columns as polars frames, with derived calendar keys (local date, ISO week).

use polars::prelude::*;

use crate::dates::{self, SECONDS_PER_DAY};
use crate::ingest::values::Status;
use crate::ingest::{AdminTime, Roster, Sessions};

pub const ATTENDED: i32 = Status::Attended as i32;
pub const NO_SHOW: i32 = Status::NoShow as i32;
pub const CANCELLED_LATE: i32 = Status::CancelledLate as i32;
pub const CANCELLED_CLIENT: i32 = Status::CancelledClient as i32;
pub const CANCELLED_CLINICIAN: i32 = Status::CancelledClinician as i32;
pub const SCHEDULED: i32 = Status::Scheduled as i32;

/// clinic, clinician, client (u32 codes), start, end, note_signed (seconds), date, week (days),
/// status (code), high_acuity.
pub fn sessions(s: &Sessions) -> PolarsResult<DataFrame> {
    let date: Vec<i32> = s.start.iter().map(|&t| dates::day_of(t)).collect();
    let week: Vec<i32> = date.iter().map(|&d| dates::week_start(d)).collect();
    let status: Vec<i32> = s.status.iter().map(|&st| st as i32).collect();
    DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), &s.clinic),
        Column::new("clinician".into(), &s.clinician),
        Column::new("client".into(), &s.client),
        Column::new("start".into(), &s.start),
        Column::new("end".into(), &s.end),
        Column::new("note_signed".into(), &s.note_signed),
        Column::new("date".into(), date),
        Column::new("week".into(), week),
        Column::new("status".into(), status),
        Column::new("high_acuity".into(), &s.high_acuity),
    ])
}

/// clinic, clinician, date, week, seconds, category (code), after_hours.
pub fn admin(a: &AdminTime) -> PolarsResult<DataFrame> {
    let week: Vec<i32> = a.date.iter().map(|&d| dates::week_start(d)).collect();
    let category: Vec<i32> = a.category.iter().map(|&c| c as i32).collect();
    DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), &a.clinic),
        Column::new("clinician".into(), &a.clinician),
        Column::new("date".into(), &a.date),
        Column::new("week".into(), week),
        Column::new("seconds".into(), &a.seconds),
        Column::new("category".into(), category),
        Column::new("after_hours".into(), &a.after_hours),
    ])
}

/// clinician, fte.
pub fn roster(r: &Roster) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![Column::new("clinician".into(), &r.clinician), Column::new("fte".into(), &r.fte)])
}

/// Monday of the ISO week of a day-number expression.
pub fn week_of(day: Expr) -> Expr {
    day.clone() - ((day + lit(3)) % lit(7) + lit(7)) % lit(7)
}

/// Seconds at the end of a day (the first second of the next).
pub fn end_of_day(day: i32) -> i64 {
    (day as i64 + 1) * SECONDS_PER_DAY
}
