//! Ingested columns as polars frames, with derived calendar keys (ISO week).

use polars::prelude::*;

use crate::dates::{self, SECONDS_PER_DAY};
use crate::ingest::{AdminTime, Roster};

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

/// Seconds at the end of a day (the first second of the next).
pub fn end_of_day(day: i32) -> i64 {
    (day as i64 + 1) * SECONDS_PER_DAY
}
