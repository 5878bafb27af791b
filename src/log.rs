//! Plain log lines on stderr (`2026-11-23T02:00:01Z INFO message`), or one JSON object per line
//! for log collectors. A nightly job has no terminal: lines, not progress bars (those are drawn only
//! on a terminal, see `progress`).

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::dates;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
}

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);
static JSON: AtomicU8 = AtomicU8::new(0);

pub fn configure(max_level: Level, json: bool) {
    MAX_LEVEL.store(max_level as u8, Ordering::Relaxed);
    JSON.store(u8::from(json), Ordering::Relaxed);
}

/// UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    dates::format_moment(seconds).replace(' ', "T") + &format!(":{:02}Z", seconds.rem_euclid(60))
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

pub fn write(level: Level, message: &str) {
    if level as u8 > MAX_LEVEL.load(Ordering::Relaxed) {
        return;
    }
    let name = match level {
        Level::Error => "ERROR",
        Level::Warn => "WARN",
        Level::Info => "INFO",
        Level::Debug => "DEBUG",
    };
    if JSON.load(Ordering::Relaxed) == 1 {
        eprintln!(
            "{{\"time\":\"{}\",\"level\":\"{}\",\"message\":{}}}",
            now_utc(),
            name.to_lowercase(),
            json_string(message)
        );
    } else {
        let line = format!("{} {name} {message}", now_utc());
        // On a terminal with the progress display, above its bars.
        if !crate::progress::println(&line) {
            eprintln!("{line}");
        }
    }
}

pub fn error(message: &str) {
    write(Level::Error, message);
}

pub fn warn(message: &str) {
    write(Level::Warn, message);
}

pub fn info(message: &str) {
    write(Level::Info, message);
}

pub fn debug(message: &str) {
    write(Level::Debug, message);
}
