use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use caseload::error::exit;
use caseload::privacy::Audience;
use caseload::{dates, generate, ingest, log, operation, Config, Error};

/// Caseload, workload and access indicators for mental-health services, as an advocacy report.
#[derive(Parser)]
#[command(name = "caseload", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Debug lines too.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// `plain` lines (time, level, message) or `json`, one object per line, for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Plain)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Compute every indicator from an export folder and write the report to OUT/<as_of>/.
    Run {
        /// Folder holding sessions.csv and, optionally, waitlist.csv, admin_time.csv, clinicians.csv.
        input: PathBuf,
        /// Where dated report folders are written.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Report date (YYYY-MM-DD); default: the latest date of anything that happened in the inputs.
        #[arg(long, value_parser = parse_day)]
        as_of: Option<i32>,
        /// TOML file overriding thresholds, windows and standards.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Who the report is for: `advocacy` (no person's id, small clinics folded) or `internal` (per-clinician detail).
        #[arg(long, value_enum, default_value_t = Audience::Advocacy)]
        audience: Audience,
    },
    /// Check an export folder: rows read and accepted, rejects by reason, dates, clinics and
    /// clinicians, warnings. Writes nothing; exits non-zero on file-level errors or too many rejects.
    Validate {
        /// Folder holding sessions.csv (or the files named by the config's mappings).
        input: PathBuf,
        /// TOML file with thresholds and [mapping.<table>] sections.
        #[arg(long)]
        config: Option<PathBuf>,
        /// One JSON document on standard output instead of text.
        #[arg(long)]
        json: bool,
        /// Also fail (exit 65) when more than max_unrostered_share of the sessions name a
        /// clinician that clinicians.csv does not list.
        #[arg(long)]
        strict: bool,
    },
    /// Print the input contract (columns, types, required) and the published tables' columns.
    Schema {
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the default configuration, with a comment on every value, to FILE or standard output.
    InitConfig {
        /// Where to write it; standard output when omitted. An existing file is not overwritten.
        file: Option<PathBuf>,
    },
    /// Write seeded synthetic exports (same options, same bytes).
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 3)]
        clinics: u32,
        #[arg(long, default_value_t = 40)]
        clinicians: u32,
        #[arg(long, default_value_t = 52)]
        weeks: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Last day with events (YYYY-MM-DD); later weeks hold booked sessions only.
        #[arg(long, value_parser = parse_day, default_value = "2026-06-28")]
        as_of: i32,
    },
}

fn parse_day(text: &str) -> Result<i32, String> {
    dates::parse_day(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run { input, out, as_of, config, audience } => {
            let (config, config_text) = match &config {
                Some(path) => {
                    let config = Config::load(path)?;
                    let text = config.to_toml();
                    (config, text)
                }
                None => (Config::default(), Config::default().to_toml()),
            };
            let outcome = operation::run(&operation::RunOptions {
                input: input.clone(),
                out,
                as_of,
                config,
                config_text,
                audience,
            })
            .with_context(|| format!("run on {} failed", input.display()))?;
            log::debug(&format!(
                "{} rows rejected in all; admin ratio {:?}; clinicians at high risk: {:?}",
                outcome.rejected_rows, outcome.summary.admin_ratio, outcome.summary.risk_high
            ));
        }
        Command::Schema { json } => {
            let tables: Vec<_> = caseload::schema::inputs().into_iter().chain(caseload::schema::outputs()).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&tables)?);
            } else {
                print!("{}", caseload::schema::to_text(&tables));
            }
        }
        Command::Validate { input, config, json, strict } => {
            let config = match &config {
                Some(path) => Config::load(path)?,
                None => Config::default(),
            };
            let found = ingest::validate(&input, &config, strict)
                .with_context(|| format!("validation of {} failed", input.display()))?;
            if json {
                let text = serde_json::to_string_pretty(
                    &serde_json::json!({ "files": found.files, "references": found.references }),
                )?;
                println!("{text}");
            } else {
                print!("{}", ingest::quality::to_text(&found.files));
                print!("{}", ingest::quality::references_text(&found.references));
            }
            found.outcome.with_context(|| format!("validation of {} failed", input.display()))?;
        }
        Command::InitConfig { file } => {
            let text = Config::default().commented_toml();
            match file {
                None => print!("{text}"),
                Some(path) => {
                    use std::io::Write;
                    let mut handle = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(|e| Error::output(&path, e))?;
                    handle.write_all(text.as_bytes()).map_err(|e| Error::output(&path, e))?;
                    log::info(&format!("wrote the default configuration to {}", path.display()));
                }
            }
        }
        Command::Generate { out, clinics, clinicians, weeks, seed, as_of } => {
            let rows = generate::generate(&generate::GenerateOptions {
                out: out.clone(),
                clinics,
                clinicians,
                weeks,
                seed,
                as_of,
            })?;
            log::info(&format!(
                "wrote {} sessions, {} admin entries, {} referrals, {} clinicians to {}",
                rows.sessions,
                rows.admin_entries,
                rows.referrals,
                rows.clinicians,
                out.display()
            ));
        }
    }
    Ok(())
}

/// "context: inner: cause", leaving out a cause whose text the message before it already holds
/// (a library error names its I/O cause in its own words).
fn error_chain(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = if cli.quiet {
        log::Level::Error
    } else if cli.verbose {
        log::Level::Debug
    } else {
        log::Level::Info
    };
    log::configure(level, cli.log_format == LogFormat::Json);
    // A progress display for a person at a terminal; plain lines for cron, systemd and pipes.
    let long_running = matches!(cli.command, Command::Run { .. } | Command::Validate { .. });
    if long_running && !cli.quiet && cli.log_format != LogFormat::Json {
        caseload::progress::enable();
    }
    match run(cli) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(err) => {
            // The library error, if any, decides the exit code; the message is the whole chain,
            // outermost context first, each cause once.
            let code = err.chain().find_map(|e| e.downcast_ref::<Error>()).map_or(exit::SOFTWARE, Error::exit_code);
            log::error(&error_chain(&err));
            ExitCode::from(code)
        }
    }
}
