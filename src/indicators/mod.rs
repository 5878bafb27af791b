//! Indicator definitions of SPEC §3, written as polars lazy plans over the ingested columns.

pub mod access;
pub mod burnout;
pub mod frames;
pub mod projection;
pub mod survival;
pub mod wellbeing;
pub mod workload;

use crate::dates::{self, Day};

/// Sentinel clinic code of the network rows (`clinic_id` = `ALL`).
pub const ALL_CLINICS: u32 = u32::MAX;

/// The time frame of one run (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub as_of: Day,
    /// Monday of the first and of the last complete week of the report window.
    pub first_week: Day,
    pub last_week: Day,
}

impl Window {
    pub fn new(as_of: Day, window_weeks: u32) -> Window {
        let last_week = dates::last_complete_week(as_of);
        Window { as_of, first_week: last_week - 7 * (window_weeks as Day - 1), last_week }
    }

    pub fn weeks(&self) -> impl Iterator<Item = Day> {
        (self.first_week..=self.last_week).step_by(7)
    }
}
