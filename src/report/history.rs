//! `history.csv` beside the dated reports: one row of headline figures per as_of, so that a year of
//! nightly runs becomes a time series even though each export holds only recent data.

use std::collections::BTreeMap;
use std::path::Path;

use super::tables::format_number;
use super::Summary;
use crate::dates::{self, Day};
use crate::error::{Error, Result};

pub const FILE: &str = "history.csv";

pub const COLUMNS: [&str; 14] = [
    "as_of",
    "direct_hours",
    "admin_hours",
    "admin_ratio",
    "clinicians",
    "risk_low",
    "risk_moderate",
    "risk_high",
    "risk_sustained",
    "backlog",
    "km_median_days",
    "km_p90_days",
    "followup_over_standard_share",
    "extra_fte",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// as_of → column → cell, in date order.
    rows: BTreeMap<String, BTreeMap<String, String>>,
}

fn opt(value: Option<f64>) -> String {
    value.map(format_number).unwrap_or_default()
}

impl History {
    /// Reads `out/history.csv`; a missing file is an empty history.
    pub fn load(out: &Path) -> Result<History> {
        let path = out.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
            Err(e) => return Err(Error::output(&path, e)),
        };
        let mut reader = csv::Reader::from_reader(text.as_slice());
        let bad = |line: u64, why: String| Error::Data(format!("{}:{line}: {why}", path.display()));
        let header: Vec<String> =
            reader.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(str::to_owned).collect();
        if !header.iter().any(|h| h == "as_of") {
            return Err(bad(1, "no as_of column; move the file aside to start a new history".into()));
        }
        let mut rows = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let row: BTreeMap<String, String> = header.iter().cloned().zip(record.iter().map(str::to_owned)).collect();
            if let Some(as_of) = row.get("as_of").cloned() {
                rows.insert(as_of, row);
            }
        }
        Ok(History { rows })
    }

    /// The history with this run's row added, or replacing the row of the same as_of.
    pub fn with(&self, summary: &Summary) -> History {
        let values = [
            summary.as_of.clone(),
            format_number(summary.direct_hours),
            opt(summary.admin_hours),
            opt(summary.admin_ratio),
            count(summary.clinicians.map(|n| n as usize)),
            count(summary.risk_low),
            count(summary.risk_moderate),
            count(summary.risk_high),
            count(summary.risk_sustained),
            opt(summary.backlog),
            opt(summary.km_median_days),
            opt(summary.km_p90_days),
            opt(summary.followup_over_standard_share),
            opt(summary.extra_fte),
        ];
        let row = COLUMNS.iter().map(|c| c.to_string()).zip(values).collect();
        let mut rows = self.rows.clone();
        rows.insert(summary.as_of.clone(), row);
        History { rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(COLUMNS);
        for row in self.rows.values() {
            let _ = writer.write_record(COLUMNS.iter().map(|c| row.get(*c).map_or("", String::as_str)));
        }
        writer.into_inner().unwrap_or_default()
    }

    /// The newest as_of with a row, whatever its cells hold (a hidden count leaves a cell empty).
    pub fn latest_as_of(&self) -> Option<&str> {
        self.rows.keys().rev().find(|as_of| dates::parse_day(as_of).is_some()).map(String::as_str)
    }

    /// (as_of, value) of one numeric column, in date order, skipping empty cells.
    pub fn series(&self, column: &str) -> Vec<(Day, f64)> {
        self.rows
            .iter()
            .filter_map(|(as_of, row)| Some((dates::parse_day(as_of)?, row.get(column)?.parse().ok()?)))
            .collect()
    }
}

/// A count of people; empty when small-cell suppression hides it.
fn count(value: Option<usize>) -> String {
    value.map_or_else(String::new, |n| n.to_string())
}
