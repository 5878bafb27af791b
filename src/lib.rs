//! caseload: nightly caseload, workload, burnout-risk and access indicators for mental-health
//! services, from a clinic's anonymized CSV exports to an advocacy report.
//!
//! Data flows one way: [`ingest`] → [`indicators`] → [`report`], driven by [`operation`].

// Reports are published through symlinks switched by rename, and the lock is an advisory file
// lock: the tool is written for Unix (Linux, macOS, the BSDs).
#[cfg(not(unix))]
compile_error!("caseload runs on Unix only: it publishes reports through symlinks");

pub mod config;
pub mod dates;
pub mod error;
pub mod generate;
pub mod indicators;
pub mod ingest;
pub mod log;
pub mod operation;
pub mod privacy;
pub mod progress;
pub mod report;
pub mod schema;

pub use config::Config;
pub use error::{Error, Result};
