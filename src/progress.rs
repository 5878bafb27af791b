//! Progress on a terminal: a line per input file with the bytes read, and a line per stage of a run,
//! drawn on stderr only when stderr is a terminal and the log is plain lines. Without a terminal
//! (cron, systemd, a pipe) nothing is drawn and the log lines are exactly what they were.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

static DISPLAY: OnceLock<MultiProgress> = OnceLock::new();

/// Turns the display on when stderr is a terminal; returns whether it is on.
pub fn enable() -> bool {
    if !std::io::stderr().is_terminal() {
        return false;
    }
    DISPLAY.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    true
}

/// Prints a log line above the bars; false when there is no display (the caller prints it).
pub fn println(line: &str) -> bool {
    match DISPLAY.get() {
        Some(display) => display.println(line).is_ok(),
        None => false,
    }
}

/// One line of the display, or nothing without a terminal. Dropping it leaves its last state.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    fn with(make: impl FnOnce() -> ProgressBar) -> Bar {
        Bar(DISPLAY.get().map(|display| display.add(make())))
    }

    /// Counts `bytes` more read.
    pub fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes);
        }
    }

    /// A handle that counts into this line from another thread, and leaves it open when dropped.
    pub fn ticker(&self) -> Ticker {
        Ticker(self.0.clone())
    }

    /// Ends the line with `message` in place of its progress.
    pub fn finish(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.finish_with_message(message);
        }
    }
}

/// Counts bytes into a file's line (each part of a file read on several threads has one).
#[derive(Clone)]
pub struct Ticker(Option<ProgressBar>);

impl Ticker {
    /// Counts `bytes` more read.
    pub fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            if !bar.is_finished() {
                bar.finish();
            }
        }
    }
}

/// A file being read: its name, bytes read of `total`, a bar and the rate.
pub fn file(name: &str, total: u64) -> Bar {
    Bar::with(|| {
        let style = ProgressStyle::with_template(
            "{msg:<18} {binary_bytes:>10} / {binary_total_bytes:<10} [{bar:30}] {binary_bytes_per_sec}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        ProgressBar::new(total).with_style(style).with_message(name.to_owned())
    })
}

/// A stage of a run, spinning until it finishes.
pub fn stage(name: &str) -> Bar {
    Bar::with(|| {
        let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::new_spinner().with_style(style).with_message(name.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    })
}
