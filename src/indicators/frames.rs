//! The ingested columns as polars frames, with derived calendar keys (local date, ISO week).

use polars::prelude::*;

use crate::dates::{self, Day, SECONDS_PER_DAY};
use crate::ingest::values::Status;
use crate::ingest::{AdminTime, Roster, Sessions};

pub const ATTENDED: i32 = Status::Attended as i32;
pub const NO_SHOW: i32 = Status::NoShow as i32;
pub const CANCELLED_LATE: i32 = Status::CancelledLate as i32;
pub const CANCELLED_CLIENT: i32 = Status::CancelledClient as i32;
pub const CANCELLED_CLINICIAN: i32 = Status::CancelledClinician as i32;
pub const SCHEDULED: i32 = Status::Scheduled as i32;

/// clinic, clinician, client (u32 codes), start, end, note_signed (seconds), date, week (days),
/// status (code), high_acuity — of the sessions neither scheduled nor after `as_of`, dated from
/// `from` on: only the rows a plan reads are copied into polars.
pub fn sessions(s: &Sessions, from: Day, as_of: Day) -> PolarsResult<DataFrame> {
    let rows: Vec<usize> = (0..s.len())
        .filter(|&i| s.status[i] != Status::Scheduled && (from..=as_of).contains(&dates::day_of(s.start[i])))
        .collect();
    let pick = |values: &[u32]| rows.iter().map(|&i| values[i]).collect::<Vec<u32>>();
    let date: Vec<i32> = rows.iter().map(|&i| dates::day_of(s.start[i])).collect();
    let week: Vec<i32> = date.iter().map(|&d| dates::week_start(d)).collect();
    DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), pick(&s.clinic)),
        Column::new("clinician".into(), pick(&s.clinician)),
        Column::new("client".into(), pick(&s.client)),
        Column::new("start".into(), rows.iter().map(|&i| s.start[i]).collect::<Vec<i64>>()),
        Column::new("end".into(), rows.iter().map(|&i| s.end[i]).collect::<Vec<i64>>()),
        Column::new("note_signed".into(), rows.iter().map(|&i| s.note_signed[i]).collect::<Vec<Option<i64>>>()),
        Column::new("date".into(), date),
        Column::new("week".into(), week),
        Column::new("status".into(), rows.iter().map(|&i| s.status[i] as i32).collect::<Vec<i32>>()),
        Column::new("high_acuity".into(), rows.iter().map(|&i| s.high_acuity[i]).collect::<Vec<bool>>()),
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
