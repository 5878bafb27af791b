//! Every threshold, window and standard the indicators use, with the defaults of SPEC §2–§3.
//! Loaded from TOML; unknown keys are rejected so that a typo never silently falls back to a default.

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Complete ISO weeks shown in the report (SPEC §2).
    pub window_weeks: u32,
    /// Complete ISO weeks behind trailing indicators such as burnout risk (SPEC §2).
    pub risk_window_weeks: u32,
    /// Hours of a full-time contracted week; contracted_hours = fte × this (SPEC §3).
    pub full_time_hours: f64,
    /// A note signed more than this many hours after the session ended is late (SPEC §3).
    pub doc_late_hours: f64,
    /// Share of a file's rows that may be rejected before the run fails (SPEC §1).
    pub max_reject_share: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window_weeks: 26,
            risk_window_weeks: 4,
            full_time_hours: 37.5,
            doc_late_hours: 72.0,
            max_reject_share: 0.05,
        }
    }
}

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config { path: path.to_owned(), message: e.to_string() })?;
        Self::parse(&text).map_err(|message| Error::Config { path: path.to_owned(), message })
    }

    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.window_weeks == 0 || self.risk_window_weeks == 0 {
            return Err("window_weeks and risk_window_weeks must be at least 1".into());
        }
        if self.full_time_hours.is_nan() || self.full_time_hours <= 0.0 {
            return Err("full_time_hours must be positive".into());
        }
        if !(0.0..=1.0).contains(&self.max_reject_share) {
            return Err("max_reject_share must be between 0 and 1".into());
        }
        Ok(())
    }

    /// The config as TOML, the form hashed into the manifest and printed in the methods section.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = Config::parse("window_weks = 4\n").unwrap_err();
        assert!(err.contains("window_weks"), "{err}");
    }

    #[test]
    fn partial_config_keeps_other_defaults() {
        let config = Config::parse("window_weeks = 8\n").unwrap();
        assert_eq!(config.window_weeks, 8);
        assert_eq!(config.full_time_hours, 37.5);
    }
}
