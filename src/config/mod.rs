//! Every threshold, weight, window and standard the indicators use, with the defaults of SPEC §2–§3.
//! Loaded from TOML; unknown keys are rejected so that a typo never silently falls back to a default.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub mod mapping;

use crate::error::{Error, Result};
use crate::ingest::mapping as contract;
pub use mapping::Mapping;

/// A linear ramp from a green value (strain 0) to a red value (strain 1), clipped, and the
/// component's weight in the burnout-risk score. A red value below green means lower is worse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    pub green: f64,
    pub red: f64,
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

impl Ramp {
    const fn new(green: f64, red: f64) -> Ramp {
        Ramp { green, red, weight: 1.0 }
    }

    /// 0 at green, 1 at red, linear between, clipped to [0, 1].
    pub fn strain(&self, value: f64) -> f64 {
        ((value - self.green) / (self.red - self.green)).clamp(0.0, 1.0)
    }
}

/// The nine burnout-risk components of SPEC §3, in the order the report lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Components {
    /// Direct client hours per FTE-week (mean over worked weeks of the risk window).
    pub direct_hours_per_fte: Ramp,
    /// Active caseload (90 days) per FTE, at the last worked week of the risk window.
    pub caseload_per_fte: Ramp,
    /// Σ admin hours / Σ direct hours over the risk window.
    pub admin_ratio: Ramp,
    /// Mean hours per worked week flagged after hours.
    pub after_hours_per_week: Ramp,
    /// Σ (direct + admin + supervision + training) / Σ contracted hours.
    pub utilization: Ramp,
    /// Attended high-acuity sessions / attended sessions.
    pub high_acuity_share: Ramp,
    /// Attended sessions with a late or missing note / attended sessions.
    pub doc_late_share: Ramp,
    /// Supervision received, hours per 4 weeks (protective: lower is worse).
    pub supervision_hours: Ramp,
    /// Consecutive complete weeks worked without a week off.
    pub weeks_without_break: Ramp,
}

impl Default for Components {
    fn default() -> Self {
        Components {
            direct_hours_per_fte: Ramp::new(20.0, 30.0),
            caseload_per_fte: Ramp::new(25.0, 45.0),
            admin_ratio: Ramp::new(0.4, 0.8),
            after_hours_per_week: Ramp::new(1.0, 4.0),
            utilization: Ramp::new(1.0, 1.2),
            high_acuity_share: Ramp::new(0.25, 0.5),
            doc_late_share: Ramp::new(0.1, 0.3),
            supervision_hours: Ramp::new(2.0, 0.0),
            weeks_without_break: Ramp::new(10.0, 20.0),
        }
    }
}

impl Components {
    pub const NAMES: [&'static str; 9] = [
        "direct_hours_per_fte",
        "caseload_per_fte",
        "admin_ratio",
        "after_hours_per_week",
        "utilization",
        "high_acuity_share",
        "doc_late_share",
        "supervision_hours",
        "weeks_without_break",
    ];

    /// The ramps in `NAMES` order.
    pub fn ramps(&self) -> [Ramp; 9] {
        [
            self.direct_hours_per_fte,
            self.caseload_per_fte,
            self.admin_ratio,
            self.after_hours_per_week,
            self.utilization,
            self.high_acuity_share,
            self.doc_late_share,
            self.supervision_hours,
            self.weeks_without_break,
        ]
    }
}

/// Score bounds of the risk tiers: low < moderate ≤ score < high ≤ score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tiers {
    pub moderate: f64,
    pub high: f64,
    /// "Sustained": high tier in at least this many of the last `sustained_of` weeks.
    pub sustained_weeks: u32,
    pub sustained_of: u32,
}

impl Default for Tiers {
    fn default() -> Self {
        Tiers { moderate: 40.0, high: 65.0, sustained_weeks: 3, sustained_of: 4 }
    }
}

/// The backlog projection (the funding ask as a projection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectionSettings {
    /// Weeks projected after the last complete week.
    pub horizon_weeks: u32,
    /// Simulated runs per scenario; the report gives their 10th, 50th and 90th percentiles.
    pub runs: u32,
    /// Seed of the simulation: same inputs, config, as_of and seed give the same projection.
    pub seed: u64,
    /// Capacity for variable demand: the mean wait aimed at is the routine standard / factor
    /// (4 keeps about 98 % within the standard when waits are roughly exponential).
    pub factor: f64,
}

impl Default for ProjectionSettings {
    fn default() -> Self {
        ProjectionSettings { horizon_weeks: 52, runs: 1000, seed: 1, factor: 4.0 }
    }
}

/// A user scenario (`[[scenarios]]`): extra clinicians, admin brought to a ratio, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// FTE added; each gives direct_hours_per_fte.green client hours a week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_fte: Option<f64>,
    /// Admin hours above this ratio to direct hours turned into client time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_ratio: Option<f64>,
}

/// How an advocacy report publishes counts of people served (SPEC §4 "Audiences").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosure {
    /// Counts from 1 to `round_hide_max` hidden, every other count rounded to the nearest
    /// `round_base`; rates from the published counts.
    #[default]
    Round,
    /// Counts under `min_cell` hidden, with complementary suppression.
    Suppress,
}

impl Disclosure {
    pub fn name(self) -> &'static str {
        match self {
            Disclosure::Round => "round",
            Disclosure::Suppress => "suppress",
        }
    }
}

/// Days within which a referral should be seen, by urgency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Standards {
    pub routine: u32,
    pub urgent: u32,
    pub emergency: u32,
}

impl Default for Standards {
    fn default() -> Self {
        Standards { routine: 42, urgent: 7, emergency: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Complete ISO weeks shown in the report (SPEC §2).
    pub window_weeks: u32,
    /// Complete ISO weeks behind trailing indicators such as burnout risk (SPEC §2).
    pub risk_window_weeks: u32,
    /// Complete weeks behind the capacity gap's referral and start rates (SPEC §3).
    pub capacity_window_weeks: u32,
    /// Weeks over which the excess backlog should be cleared (SPEC §3).
    pub clearance_weeks: u32,
    /// Hours of a full-time contracted week; contracted_hours = fte × this (SPEC §3).
    pub full_time_hours: f64,
    /// A note signed more than this many hours after the session ended is late (SPEC §3).
    pub doc_late_hours: f64,
    /// A follow-up gap longer than this many business days is over standard (SPEC §3).
    pub followup_business_days: u32,
    /// Yearly cost of one FTE clinician; when set, the capacity gap is also shown in money.
    pub annual_cost_per_fte: Option<f64>,
    /// Share of a file's rows that may be rejected before the run fails (SPEC §1).
    pub max_reject_share: f64,
    /// `validate --strict` fails when more than this share of sessions name a clinician the
    /// roster does not list.
    pub max_unrostered_share: f64,
    /// The clinics' IANA time zone for every file whose mapping sets neither time_zone nor utc_offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Advocacy audience: how counts of people served are published (see `Disclosure`).
    pub disclosure: Disclosure,
    /// `disclosure = "round"`: counts from 1 to this are hidden ("<round_hide_max + 1").
    pub round_hide_max: u32,
    /// `disclosure = "round"`: every other count is rounded to the nearest multiple of this.
    pub round_base: u32,
    /// `disclosure = "suppress"`: counts of people from 1 to min_cell − 1 are shown as "<min_cell"
    /// and protected by complementary suppression (SPEC §4).
    pub min_cell: u32,
    /// Advocacy audience: a group's staff figures (risk tiers, shares, medians and means over
    /// clinicians) are shown for groups of at least this many clinicians and withheld below.
    pub min_group_clinicians: u32,
    /// Advocacy audience: clinics with fewer clinicians are folded into "other clinics" (SPEC §4).
    pub min_clinicians: u32,
    pub standard_days: Standards,
    pub tiers: Tiers,
    pub components: Components,
    pub projection: ProjectionSettings,
    /// `[[scenarios]]`: named projections of the user's own (extra FTE, an admin-ratio target).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// `[mapping.<table>]`: how a practice system's export maps onto a canonical file (SPEC §1).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mapping: BTreeMap<String, Mapping>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window_weeks: 26,
            risk_window_weeks: 4,
            capacity_window_weeks: 13,
            clearance_weeks: 26,
            full_time_hours: 37.5,
            doc_late_hours: 72.0,
            followup_business_days: 10,
            annual_cost_per_fte: None,
            max_reject_share: 0.05,
            max_unrostered_share: 0.05,
            time_zone: None,
            disclosure: Disclosure::Round,
            round_hide_max: 7,
            round_base: 5,
            min_cell: 11,
            min_group_clinicians: 11,
            min_clinicians: 5,
            standard_days: Standards::default(),
            tiers: Tiers::default(),
            components: Components::default(),
            projection: ProjectionSettings::default(),
            scenarios: Vec::new(),
            mapping: BTreeMap::new(),
        }
    }
}

/// The commented `[mapping]` example that `init-config` appends (see the README for more).
const MAPPING_EXAMPLE: &str = "\
# Mapping another system's export onto a canonical file (SPEC 1): one [mapping.<table>] section per
# file, where <table> is sessions, waitlist, admin_time, clinicians or wellbeing. Every key is optional.
# [mapping.sessions]
# source = \"appointments.csv\"            # file to read instead of sessions.csv
# columns = { session_id = \"appt_id\", clinician_id = \"provider\", client_id = \"patient\", status = \"outcome\", duration_min = \"length\" }
# join = { start = [\"appt_date\", \"appt_time\"] }   # a date column and a time column (14:30 or 02:30 PM)
# date_formats = [\"%m/%d/%Y\"]            # chrono formats for dates; datetime_formats for single-column datetimes
# datetime_formats = [\"%m/%d/%Y %H:%M\"]
# time_zone = \"America/New_York\"        # IANA zone: offset or Z timestamps become local time, DST included (or utc_offset = \"+01:00\")
# duration_unit = \"seconds\"              # minutes (default), seconds or hours
# constants = { clinic_id = \"MAIN\", session_type = \"therapy\" }
# ignore = [\"patient_name\"]             # columns left unread, also exempt from the privacy guard
# max_reject_share = 0.05                 # this file's own limit
#                                         # derived columns (row numbers, joined columns, roster lookups, regex captures): see the README
# [mapping.sessions.values.status]         # export value = canonical value
# \"DNA\" = \"no_show\"
# \"Seen\" = \"attended\"
";

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config { path: path.to_owned(), message: e.to_string() })?;
        Self::parse(&text).map_err(|message| Error::Config { path: path.to_owned(), message })
    }

    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.message().trim().to_owned())?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.window_weeks == 0 || self.risk_window_weeks == 0 || self.capacity_window_weeks == 0 {
            return Err("window_weeks, risk_window_weeks and capacity_window_weeks must be at least 1".into());
        }
        if self.clearance_weeks == 0 {
            return Err("clearance_weeks must be at least 1".into());
        }
        if self.full_time_hours.is_nan() || self.full_time_hours <= 0.0 {
            return Err("full_time_hours must be positive".into());
        }
        if !(0.0..=1.0).contains(&self.max_reject_share) {
            return Err("max_reject_share must be between 0 and 1".into());
        }
        for (name, ramp) in Components::NAMES.iter().zip(self.components.ramps()) {
            if ramp.green == ramp.red || !ramp.green.is_finite() || !ramp.red.is_finite() {
                return Err(format!("components.{name}: green and red must be different finite numbers"));
            }
            if ramp.weight.is_nan() || ramp.weight < 0.0 {
                return Err(format!("components.{name}: weight must be 0 or more"));
            }
        }
        if self.min_cell < 1 {
            return Err("min_cell must be at least 1".into());
        }
        if self.round_base < 1 || self.round_hide_max < self.round_base / 2 {
            return Err("round_base must be at least 1 and round_hide_max at least half of it (a rounded count must not name a hidden one)".into());
        }
        if self.min_group_clinicians < 1 {
            return Err("min_group_clinicians must be at least 1".into());
        }
        if self.tiers.moderate > self.tiers.high {
            return Err("tiers.moderate must not exceed tiers.high".into());
        }
        if self.tiers.sustained_weeks > self.tiers.sustained_of {
            return Err("tiers.sustained_weeks must not exceed tiers.sustained_of".into());
        }
        let p = &self.projection;
        if p.horizon_weeks == 0 || p.horizon_weeks > 520 || p.runs == 0 || p.runs > 100_000 {
            return Err("projection: horizon_weeks must be 1–520 and runs 1–100000".into());
        }
        if !(p.factor.is_finite() && p.factor > 0.0) {
            return Err("projection.factor must be positive".into());
        }
        for s in &self.scenarios {
            if s.name.trim().is_empty() {
                return Err("[[scenarios]]: every scenario needs a name".into());
            }
            if s.extra_fte.is_none() && s.admin_ratio.is_none() {
                return Err(format!("[[scenarios]] {}: give extra_fte, admin_ratio or both", s.name));
            }
            if s.extra_fte.is_some_and(|f| !(f.is_finite() && f >= 0.0))
                || s.admin_ratio.is_some_and(|r| !(r.is_finite() && r >= 0.0))
            {
                return Err(format!("[[scenarios]] {}: extra_fte and admin_ratio must be 0 or more", s.name));
            }
            if [
                crate::indicators::projection::AS_NOW,
                crate::indicators::projection::CAPACITY_GAP,
                crate::indicators::projection::ADMIN_AT_TARGET,
            ]
            .contains(&s.name.as_str())
                || self.scenarios.iter().filter(|o| o.name == s.name).count() > 1
            {
                return Err(format!("[[scenarios]] {}: the name is taken", s.name));
            }
        }
        if !(0.0..=1.0).contains(&self.max_unrostered_share) {
            return Err("max_unrostered_share must be between 0 and 1".into());
        }
        if let Some(zone) = &self.time_zone {
            if contract::parse_zone(zone).is_none() {
                return Err(format!(
                    "time_zone: `{zone}` is not an IANA time zone such as America/New_York or Europe/London"
                ));
            }
        }
        for (table, section) in &self.mapping {
            contract::check(table, section)?;
            for (column, other, _) in section.lookups() {
                if self.mapping.get(other).is_some_and(|m| !m.lookups().is_empty()) {
                    return Err(format!(
                        "[mapping.{table}] derive.{column}: {other} has lookups of its own; a lookup table must be read as it is"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The config as TOML with a comment on each value saying what it means and where its default
    /// comes from (`caseload init-config`).
    pub fn commented_toml(&self) -> String {
        let mut out = String::from(
            "# caseload configuration. Every key is optional: a missing key keeps the default shown here.\n\
             # Unknown keys are rejected, so a typo never silently falls back to a default.\n\n",
        );
        let line = |out: &mut String, comment: &str, key: &str, value: String| {
            out.push_str(&format!("# {comment}\n{key} = {value}\n\n"));
        };
        line(
            &mut out,
            "Complete ISO weeks (Monday-Sunday) in the report window (SPEC 2).",
            "window_weeks",
            self.window_weeks.to_string(),
        );
        line(
            &mut out,
            "Complete weeks behind trailing indicators: the burnout-risk score and its tiers (SPEC 2).",
            "risk_window_weeks",
            self.risk_window_weeks.to_string(),
        );
        line(
            &mut out,
            "Complete weeks behind the capacity gap's referral and start rates (SPEC 3, one quarter).",
            "capacity_window_weeks",
            self.capacity_window_weeks.to_string(),
        );
        line(
            &mut out,
            "Weeks over which the backlog above target should be cleared in the capacity gap (SPEC 3, six months).",
            "clearance_weeks",
            self.clearance_weeks.to_string(),
        );
        line(
            &mut out,
            "Hours of a full-time contracted week; contracted_hours = fte x this (SPEC 3; a common public-sector week).",
            "full_time_hours",
            format!("{:?}", self.full_time_hours),
        );
        line(
            &mut out,
            "A note signed more than this many hours after its session ended is late (SPEC 3; a common 72-hour documentation rule).",
            "doc_late_hours",
            format!("{:?}", self.doc_late_hours),
        );
        line(
            &mut out,
            "A gap between attended sessions longer than this many business days is over standard (SPEC 3; a 10-business-day timely-access rule for follow-up).",
            "followup_business_days",
            self.followup_business_days.to_string(),
        );
        match self.annual_cost_per_fte {
            Some(cost) => line(
                &mut out,
                "Yearly cost of one FTE clinician; shows the capacity gap in money.",
                "annual_cost_per_fte",
                format!("{cost:?}"),
            ),
            None => out.push_str(
                "# Yearly cost of one FTE clinician; when set, the capacity gap is also shown in money. No default.\n\
                 # annual_cost_per_fte = 95000.0\n\n",
            ),
        }
        line(
            &mut out,
            "Share of a file's rows that may be rejected before the run fails and publishes nothing (SPEC 1).",
            "max_reject_share",
            format!("{:?}", self.max_reject_share),
        );
        line(
            &mut out,
            "validate --strict fails when more than this share of sessions name a clinician that clinicians.csv does not list.",
            "max_unrostered_share",
            format!("{:?}", self.max_unrostered_share),
        );
        match &self.time_zone {
            Some(zone) => line(
                &mut out,
                "The clinics' IANA time zone: timestamps with an offset or Z become local time by its rules, daylight saving included.",
                "time_zone",
                format!("{zone:?}"),
            ),
            None => out.push_str(
                "# The clinics' IANA time zone for every file whose mapping sets neither time_zone nor utc_offset:
                 # timestamps with an offset or Z become local time by the zone's rules on their date. No default.
                 # time_zone = \"America/New_York\"\n\n",
            ),
        }
        line(
            &mut out,
            "How advocacy reports publish counts of people served: \"round\" (counts from 1 to round_hide_max hidden, every other count rounded to the nearest round_base, the rule NHS Digital adopted in 2018) or \"suppress\" (counts under min_cell hidden, with complementary suppression).",
            "disclosure",
            format!("{:?}", self.disclosure.name()),
        );
        line(
            &mut out,
            "disclosure = \"round\": counts from 1 to this are shown as \"<8\" (a range, never a number); means, medians and rates resting on so few people are withheld.",
            "round_hide_max",
            self.round_hide_max.to_string(),
        );
        line(
            &mut out,
            "disclosure = \"round\": every other count is rounded to the nearest multiple of this (0 stays 0).",
            "round_base",
            self.round_base.to_string(),
        );
        line(
            &mut out,
            "disclosure = \"suppress\": counts of people from 1 to min_cell - 1 are shown as \"<min_cell\" and withhold rates resting on fewer people (11 follows the CMS cell-size rule).",
            "min_cell",
            self.min_cell.to_string(),
        );
        line(
            &mut out,
            "Advocacy reports show a group's staff figures (risk tiers, shares, medians, means over clinicians) only for groups of at least this many clinicians, as staff surveys do.",
            "min_group_clinicians",
            self.min_group_clinicians.to_string(),
        );
        line(
            &mut out,
            "Advocacy reports fold clinics with fewer clinicians than this into \"other clinics\" (SPEC 4).",
            "min_clinicians",
            self.min_clinicians.to_string(),
        );
        out.push_str("# Days within which a referral should be seen, by urgency (SPEC 3).\n[standard_days]\n");
        out.push_str(&format!(
            "routine = {}\nurgent = {}\nemergency = {}\n\n",
            self.standard_days.routine, self.standard_days.urgent, self.standard_days.emergency
        ));
        out.push_str(&format!(
            "# Burnout-risk tiers by score (SPEC 3): low < moderate <= score < high <= score.\n\
             # sustained = high in at least sustained_weeks of the last sustained_of weeks.\n\
             [tiers]\nmoderate = {:?}\nhigh = {:?}\nsustained_weeks = {}\nsustained_of = {}\n\n",
            self.tiers.moderate, self.tiers.high, self.tiers.sustained_weeks, self.tiers.sustained_of
        ));
        let p = &self.projection;
        out.push_str(&format!(
            "# The backlog projection: weeks after the last complete week, simulated runs per scenario, the\n\
             # simulation's seed, and the factor of the capacity for variable demand (mean wait = routine standard / factor).\n\
             [projection]\nhorizon_weeks = {}\nruns = {}\nseed = {}\nfactor = {:?}\n\n\
             # Scenarios of your own, each projected beside as now, the capacity gap and admin at target:\n\
             # [[scenarios]]\n# name = \"two more clinicians\"\n# extra_fte = 2.0          # and/or admin_ratio = 0.5\n\n",
            p.horizon_weeks, p.runs, p.seed, p.factor
        ));
        let why = [
            "Direct client hours per FTE-week, mean over worked weeks of the risk window (SPEC 3 table: 20 sustainable, 30 overloaded).",
            "Active caseload (distinct clients seen in 90 days) per FTE at the last worked week (SPEC 3 table).",
            "Admin hours per direct client hour over the risk window (SPEC 3 table; also the admin-reclaim target).",
            "Hours per worked week flagged after hours (SPEC 3 table).",
            "Hours worked / contracted hours over the risk window (SPEC 3 table: above 1 is unpaid overtime).",
            "Share of attended sessions with crisis, risk or trauma content (SPEC 3 table; compassion-fatigue exposure).",
            "Share of attended sessions whose note is late or missing (SPEC 3 table).",
            "Supervision received, hours per 4 weeks; protective, so red is below green (SPEC 3 table).",
            "Consecutive complete weeks worked without a week off (SPEC 3 table).",
        ];
        for ((name, ramp), why) in Self::component_rows(self).into_iter().zip(why) {
            out.push_str(&format!(
                "# {why}\n# Strain 0 at green, 1 at red, linear between; weight in the score's weighted mean.\n\
                 [components.{name}]\ngreen = {:?}\nred = {:?}\nweight = {:?}\n\n",
                ramp.green, ramp.red, ramp.weight
            ));
        }
        out.push_str(MAPPING_EXAMPLE);
        out
    }

    fn component_rows(&self) -> Vec<(&'static str, Ramp)> {
        Components::NAMES.into_iter().zip(self.components.ramps()).collect()
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
        let err = Config::parse("[components.admin_ratio]\ngreen = 0.3\nred = 0.9\ncolour = 1\n").unwrap_err();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn partial_config_keeps_other_defaults() {
        let config = Config::parse("window_weeks = 8\n[components.admin_ratio]\ngreen = 0.3\nred = 0.9\n").unwrap();
        assert_eq!(config.window_weeks, 8);
        assert_eq!(config.full_time_hours, 37.5);
        assert_eq!(config.components.admin_ratio, Ramp { green: 0.3, red: 0.9, weight: 1.0 });
        assert_eq!(config.components.utilization, Ramp::new(1.0, 1.2));
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let config = Config::default();
        assert_eq!(Config::parse(&config.to_toml()).unwrap(), config);
    }

    #[test]
    fn commented_defaults_parse_back_to_the_defaults() {
        let text = Config::default().commented_toml();
        assert_eq!(Config::parse(&text).unwrap(), Config::default());
        // Every block of keys opens with a comment saying what they mean.
        for block in text.split("\n\n").filter(|b| b.lines().any(|l| l.contains(" = ") && !l.starts_with('#'))) {
            assert!(block.starts_with('#'), "no comment above {block:?}");
        }
    }

    #[test]
    fn ramp_is_linear_clipped_and_can_be_inverted() {
        let hours = Ramp::new(20.0, 30.0);
        assert_eq!(hours.strain(15.0), 0.0);
        assert_eq!(hours.strain(25.0), 0.5);
        assert_eq!(hours.strain(40.0), 1.0);
        let supervision = Ramp::new(2.0, 0.0);
        assert_eq!(supervision.strain(3.0), 0.0);
        assert_eq!(supervision.strain(0.5), 0.75);
        assert_eq!(supervision.strain(0.0), 1.0);
    }
}
