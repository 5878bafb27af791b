//! Unattended-run safety for one output folder: a lock, atomic publication of a dated report, the
//! `latest` pointer, and cleanup of what a killed run left behind.
//!
//! Layout of `--out`:
//! ```text
//! .caseload.lock             held (flock) while a run is in progress; holds the holder's pid
//! .runs/<as_of>.<run id>/    complete reports, one folder per publication
//! .staging-<run id>/         a report being written (removed on the next run)
//! <as_of> -> .runs/<as_of>.<run id>    symlink switched atomically by rename
//! latest  -> <as_of>                   switched last
//! history.csv                replaced atomically by rename
//! ```
//!
//! Every file is flushed to disk (`fsync`), and then its folder, before the rename that publishes
//! it, and the folder holding a renamed entry is flushed after the rename: after a power cut a
//! published name never points at a file whose data was lost.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const LOCK_FILE: &str = ".caseload.lock";
pub const RUNS: &str = ".runs";
const STAGING_PREFIX: &str = ".staging-";
pub const LATEST: &str = "latest";

/// An exclusive advisory lock on `--out`, released when dropped or when the process dies, so a
/// killed run never blocks the next night.
pub struct Lock {
    _file: File,
}

impl Lock {
    pub fn acquire(out: &Path) -> Result<Lock> {
        let path = out.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::output(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "pid unknown".to_owned() } else { format!("pid {holder}") };
                return Err(Error::Locked { path, holder });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::output(&path, e)),
        }
        file.set_len(0).map_err(|e| Error::output(&path, e))?;
        file.seek(SeekFrom::Start(0)).map_err(|e| Error::output(&path, e))?;
        write!(file, "{}", std::process::id()).map_err(|e| Error::output(&path, e))?;
        file.flush().map_err(|e| Error::output(&path, e))?;
        Ok(Lock { _file: file })
    }
}

/// A name unique to this run: time and pid.
pub fn run_id() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos}-{}", std::process::id())
}

fn staging_dir(out: &Path, run_id: &str) -> PathBuf {
    out.join(format!("{STAGING_PREFIX}{run_id}"))
}

/// A staging folder that removes itself when the run fails before publishing it (a killed run's
/// is removed by the next run instead). Once published it has been renamed away and nothing is left
/// to remove.
pub struct Staging {
    pub path: PathBuf,
}

impl Staging {
    pub fn create(out: &Path, run_id: &str) -> Result<Staging> {
        let path = staging_dir(out, run_id);
        std::fs::create_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        Ok(Staging { path })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.path).is_ok() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Flushes one file or folder to disk.
fn sync(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|e| Error::output(path, e))
}

/// Flushes every file under `dir`, then every folder from the deepest up, so that the whole tree is
/// on disk before it is renamed into place.
pub fn sync_tree(dir: &Path) -> Result<()> {
    let mut folders = vec![dir.to_owned()];
    let mut at = 0;
    while at < folders.len() {
        let folder = folders[at].clone();
        at += 1;
        for entry in std::fs::read_dir(&folder).map_err(|e| Error::output(&folder, e))? {
            let path = entry.map_err(|e| Error::output(&folder, e))?.path();
            let kind = std::fs::symlink_metadata(&path).map_err(|e| Error::output(&path, e))?.file_type();
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                sync(&path)?;
            }
        }
    }
    for folder in folders.iter().rev() {
        sync(folder)?;
    }
    Ok(())
}

/// Removes staging folders, half-made links and unreferenced report versions of earlier runs that
/// were killed or failed. Only called while holding the lock, so nothing found here is in use.
pub fn clean_leftovers(out: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(removed) };
    let mut referenced = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if name.starts_with(STAGING_PREFIX) || name.ends_with(".tmp-link") || name.starts_with(".history.csv.") {
            if path.is_dir() && !is_link {
                std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
            } else {
                std::fs::remove_file(&path).map_err(|e| Error::output(&path, e))?;
            }
            removed.push(path);
        } else if is_link {
            if let Ok(target) = std::fs::read_link(&path) {
                referenced.push(out.join(target));
            }
        }
    }
    if let Ok(versions) = std::fs::read_dir(out.join(RUNS)) {
        for entry in versions.flatten() {
            let path = entry.path();
            if !referenced.contains(&path) {
                std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
                removed.push(path);
            }
        }
    }
    Ok(removed)
}

/// Points `link` at `target` atomically: a new symlink is made beside it and renamed over it.
fn switch_symlink(out: &Path, link: &str, target: &Path) -> Result<()> {
    let temporary = out.join(format!(".{link}.tmp-link"));
    let _ = std::fs::remove_file(&temporary);
    std::os::unix::fs::symlink(target, &temporary).map_err(|e| Error::output(&temporary, e))?;
    let destination = out.join(link);
    if std::fs::symlink_metadata(&destination).is_ok_and(|m| m.is_dir()) {
        // A real folder of that name (written by hand or by an older layout) is moved into the
        // versions folder so that the rename below can replace it.
        let runs = out.join(RUNS);
        std::fs::create_dir_all(&runs).map_err(|e| Error::output(&runs, e))?;
        let kept = runs.join(format!("{link}.previous-{}", run_id()));
        std::fs::rename(&destination, &kept).map_err(|e| Error::output(&destination, e))?;
    }
    std::fs::rename(&temporary, &destination).map_err(|e| Error::output(&destination, e))?;
    sync(out)
}

/// Moves the finished staging folder into `.runs/` and switches `<as_of>` to it. Returns the
/// version folder the date pointed at before, to remove once everything else is in place.
pub fn publish_report(out: &Path, staging: &Path, as_of: &str, run_id: &str) -> Result<Option<PathBuf>> {
    let runs = out.join(RUNS);
    std::fs::create_dir_all(&runs).map_err(|e| Error::output(&runs, e))?;
    let version = Path::new(RUNS).join(format!("{as_of}.{run_id}"));
    sync_tree(staging)?;
    std::fs::rename(staging, out.join(&version)).map_err(|e| Error::output(out.join(&version), e))?;
    sync(&runs)?;
    let previous = std::fs::read_link(out.join(as_of)).ok().map(|t| out.join(t));
    switch_symlink(out, as_of, &version)?;
    Ok(previous)
}

/// Replaces a file in `out` by a complete new version, atomically.
pub fn replace_file(out: &Path, name: &str, contents: &[u8]) -> Result<()> {
    let temporary = out.join(format!(".{name}.{}", run_id()));
    let mut file = File::create(&temporary).map_err(|e| Error::output(&temporary, e))?;
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(|e| Error::output(&temporary, e))?;
    drop(file);
    std::fs::rename(&temporary, out.join(name)).map_err(|e| Error::output(out.join(name), e))?;
    sync(out)
}

pub fn switch_latest(out: &Path, as_of: &str) -> Result<()> {
    switch_symlink(out, LATEST, Path::new(as_of))
}
