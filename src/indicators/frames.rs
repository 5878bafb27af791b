//! Ingested columns as polars frames, with derived calendar keys (ISO week).

use polars::prelude::*;

use crate::dates::{self, Day, SECONDS_PER_DAY};
use crate::ingest::{AdminTime, Roster};

/// clinic, clinician, date, week, seconds, category (code), after_hours — of the entries dated
/// from `from` to `as_of`: only the rows the plans read are copied into polars.
pub fn admin(a: &AdminTime, from: Day, as_of: Day) -> PolarsResult<DataFrame> {
    let rows: Vec<usize> = (0..a.date.len()).filter(|&i| (from..=as_of).contains(&a.date[i])).collect();
    DataFrame::new_infer_height(vec![
        Column::new("clinic".into(), rows.iter().map(|&i| a.clinic[i]).collect::<Vec<u32>>()),
        Column::new("clinician".into(), rows.iter().map(|&i| a.clinician[i]).collect::<Vec<u32>>()),
        Column::new("date".into(), rows.iter().map(|&i| a.date[i]).collect::<Vec<i32>>()),
        Column::new("week".into(), rows.iter().map(|&i| dates::week_start(a.date[i])).collect::<Vec<i32>>()),
        Column::new("seconds".into(), rows.iter().map(|&i| a.seconds[i]).collect::<Vec<i64>>()),
        Column::new("category".into(), rows.iter().map(|&i| a.category[i] as i32).collect::<Vec<i32>>()),
        Column::new("after_hours".into(), rows.iter().map(|&i| a.after_hours[i]).collect::<Vec<bool>>()),
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
