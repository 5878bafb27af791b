//! Typed errors of the library, each with the process exit code SPEC §5 assigns to it.

use std::path::PathBuf;

/// Exit codes of SPEC §5 (sysexits-style, so cron wrappers can tell failures apart).
pub mod exit {
    pub const OK: u8 = 0;
    pub const USAGE: u8 = 2;
    pub const DATA: u8 = 65;
    pub const NO_INPUT: u8 = 66;
    pub const SOFTWARE: u8 = 70;
    pub const CANT_CREATE: u8 = 73;
    pub const TEMP_FAIL: u8 = 75;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: input file not found in {}", dir.display())]
    MissingFile { file: String, dir: PathBuf },
    #[error("{file}: cannot read: {source}")]
    Unreadable { file: String, source: std::io::Error },
    #[error("{file}: file is empty (no header line)")]
    EmptyFile { file: String },
    #[error("{file}: no data rows below the header")]
    NoRows { file: String },
    /// `column` reads "required column `x` is" or "required columns `x`, `y` are".
    #[error("{file}:{line}: {column} missing from the header")]
    MissingColumn { file: String, line: u64, column: String },
    #[error("{file}:{line}: needs one of the columns {columns}")]
    MissingOneOf { file: String, line: u64, columns: String },
    #[error("{file}:{line}: not CSV: {reason}")]
    NotCsv { file: String, line: u64, reason: String },
    #[error(
        "{file}: {rejected} of {read} rows rejected ({share:.1} %), more than max_reject_share \
         ({limit:.1} %); first reject at {first}; no report published"
    )]
    TooManyRejects { file: String, read: u64, rejected: u64, share: f64, limit: f64, first: String },
    #[error("{file}:{line}: column `{column}` looks like a direct identifier ({what}); exports must be anonymized. Remove the column, or list it under `ignore` in the file's [mapping] section if it is not what it seems")]
    Identifier { file: String, line: u64, column: String, what: String },
    #[error("{0}")]
    Data(String),
    #[error("config {}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("{}: cannot write output: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },
    #[error("{}: another caseload run holds the lock ({holder}); not starting a second one", path.display())]
    Locked { path: PathBuf, holder: String },
    #[error("internal error in {stage}: {message}")]
    Internal { stage: &'static str, message: String },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::MissingFile { .. } | Error::Unreadable { .. } => exit::NO_INPUT,
            Error::EmptyFile { .. }
            | Error::NoRows { .. }
            | Error::MissingColumn { .. }
            | Error::MissingOneOf { .. }
            | Error::NotCsv { .. }
            | Error::TooManyRejects { .. }
            | Error::Identifier { .. }
            | Error::Data(_) => exit::DATA,
            Error::Config { .. } => exit::USAGE,
            Error::Output { .. } => exit::CANT_CREATE,
            Error::Locked { .. } => exit::TEMP_FAIL,
            Error::Internal { .. } => exit::SOFTWARE,
        }
    }

    pub fn output(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Output { path: path.into(), source }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(err: polars::error::PolarsError) -> Self {
        Error::Internal { stage: "indicators", message: err.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
