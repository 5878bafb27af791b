//! `projections.csv` beside the dated reports: each night's *as now* projection of the network and
//! of each clinic whose backlog is published, so that a later report can set what a projection
//! said against the backlog that came.

use std::collections::BTreeMap;
use std::path::Path;

use crate::dates::{self, Day};
use crate::error::{Error, Result};
use crate::indicators::projection::{Projection, AS_NOW};
use crate::indicators::ALL_CLINICS;
use crate::ingest::Ids;

pub const FILE: &str = "projections.csv";

pub const COLUMNS: [&str; 6] = ["made_on", "clinic_id", "week_start", "backlog_p10", "backlog_p50", "backlog_p90"];

/// The network's clinic_id in this file, as in the published tables.
pub const NETWORK: &str = "ALL";

/// One stored projected week.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub week: Day,
    pub p10: i64,
    pub p50: i64,
    pub p90: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projections {
    /// made_on → clinic_id → weeks, in order.
    rows: BTreeMap<Day, BTreeMap<String, Vec<Stored>>>,
}

impl Projections {
    /// Reads `out/projections.csv`; a missing file holds no projection yet.
    pub fn load(out: &Path) -> Result<Projections> {
        let path = out.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Projections::default()),
            Err(e) => return Err(Error::output(&path, e)),
        };
        let bad = |line: u64, why: &str| Error::Data(format!("{}:{line}: {why}", path.display()));
        let mut reader = csv::Reader::from_reader(text.as_slice());
        let header: Vec<String> =
            reader.headers().map_err(|e| bad(1, &e.to_string()))?.iter().map(str::to_owned).collect();
        if header != COLUMNS {
            return Err(bad(1, "not a projections file; move it aside to start a new one"));
        }
        let mut rows: BTreeMap<Day, BTreeMap<String, Vec<Stored>>> = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), &e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line());
            let day = |i: usize| dates::parse_day(&record[i]).ok_or_else(|| bad(line, "unparseable date"));
            let count = |i: usize| record[i].parse::<i64>().map_err(|_| bad(line, "not a whole number"));
            let stored = Stored { week: day(2)?, p10: count(3)?, p50: count(4)?, p90: count(5)? };
            rows.entry(day(0)?).or_default().entry(record[1].to_owned()).or_default().push(stored);
        }
        Ok(Projections { rows })
    }

    /// The store with tonight's *as now* projection added, replacing one made on the same date.
    pub fn with(&self, made_on: Day, projection: &Projection, ids: &Ids) -> Projections {
        let mut next = self.clone();
        let night = next.rows.entry(made_on).or_default();
        night.clear();
        for path in projection.paths.iter().filter(|p| p.scenario == AS_NOW) {
            let clinic =
                if path.clinic == ALL_CLINICS { NETWORK.to_owned() } else { ids.clinics.name(path.clinic).to_owned() };
            let weeks = path
                .bands
                .iter()
                .skip(1)
                .map(|b| Stored {
                    week: b.week,
                    p10: b.p10.round() as i64,
                    p50: b.p50.round() as i64,
                    p90: b.p90.round() as i64,
                })
                .collect();
            night.insert(clinic, weeks);
        }
        next
    }

    pub fn nights(&self) -> usize {
        self.rows.len()
    }

    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(COLUMNS);
        for (made_on, clinics) in &self.rows {
            for (clinic, weeks) in clinics {
                for w in weeks {
                    let _ = writer.write_record([
                        dates::format_day(*made_on),
                        clinic.clone(),
                        dates::format_day(w.week),
                        w.p10.to_string(),
                        w.p50.to_string(),
                        w.p90.to_string(),
                    ]);
                }
            }
        }
        writer.into_inner().unwrap_or_default()
    }

    /// The network projection made `weeks_ago` weeks before `as_of` (the night closest to that
    /// date within three days), and what it said for week `week`.
    pub fn network_made(&self, as_of: Day, weeks_ago: i32, week: Day) -> Option<(Day, Stored)> {
        let aim = as_of - 7 * weeks_ago;
        let (made_on, clinics) =
            self.rows.range(aim - 3..=aim + 3).min_by_key(|(made_on, _)| ((**made_on - aim).abs(), **made_on))?;
        let stored = clinics.get(NETWORK)?.iter().find(|s| s.week == week)?;
        Some((*made_on, stored.clone()))
    }
}
