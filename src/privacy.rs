//! Who a report is for, and what it may therefore show (SPEC §4 "Audiences").

use clap::ValueEnum;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Safe to publish: no per-clinician tables or heat map in the page.
    #[default]
    Advocacy,
    /// The clinic's own management: per-clinician rows under the export's pseudonymous ids.
    Internal,
}
