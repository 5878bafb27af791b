//! caseload: nightly caseload, workload, burnout-risk and access indicators for mental-health
//! services, from a clinic's anonymized CSV exports to an advocacy report.
//!
//! Data flows one way: [`ingest`] → [`indicators`] → [`report`], driven by [`operation`].

pub mod config;
pub mod dates;
pub mod error;
pub mod generate;
pub mod indicators;
pub mod ingest;
pub mod log;
pub mod operation;
pub mod privacy;
pub mod report;
pub mod schema;

pub use config::Config;
pub use error::{Error, Result};
