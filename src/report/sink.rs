//! The one way report writers put files into the run's output folder. Each file is produced in
//! memory and written once; its path, size and SHA-256 are recorded as it is written, so the
//! manifest lists exactly what was written without walking the folder again. Writers may share a
//! sink across threads (the charts render in parallel).

use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::charts::{self, Picture};
use super::tables;
use crate::error::{Error, Result};
use crate::privacy::tables::Overrides;

/// One file the report wrote: its path relative to the report folder, size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The output folder of one report and the record of what has been written into it.
pub struct Sink {
    dir: PathBuf,
    written: Mutex<Vec<Written>>,
}

impl Sink {
    pub fn new(dir: &Path) -> Result<Sink> {
        std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
        Ok(Sink { dir: dir.to_owned(), written: Mutex::new(Vec::new()) })
    }

    /// Writes `bytes` to `relative` (folders created as needed) and records it.
    pub fn file(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| Error::output(folder, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::output(&path, e))?;
        let entry = Written {
            path: relative.to_owned(),
            bytes: bytes.len() as u64,
            sha256: format!("{:x}", Sha256::digest(bytes)),
        };
        self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(entry);
        Ok(())
    }

    /// `data/<name>.csv` and `data/<name>.parquet` of one published table; a cell with an override
    /// is written to the CSV as what it shows instead of its value.
    pub fn table(&self, name: &str, frame: &DataFrame, overrides: Option<&Overrides>) -> Result<()> {
        let csv_name = format!("data/{name}.csv");
        let csv = tables::csv_bytes(frame, overrides).map_err(|e| Error::output(self.dir.join(&csv_name), e))?;
        self.file(&csv_name, &csv)?;
        let parquet_name = format!("data/{name}.parquet");
        let parquet = tables::parquet_bytes(frame).map_err(|e| Error::output(self.dir.join(&parquet_name), e))?;
        self.file(&parquet_name, &parquet)
    }

    /// Draws a chart into `charts/<name>` and at print resolution into `charts/print/<name>`;
    /// returns the page's (1×) PNG, which the HTML page embeds.
    pub fn chart(&self, name: &str, draw: impl Fn(&mut Picture) -> Result<()>) -> Result<Vec<u8>> {
        let relative = format!("charts/{name}");
        let page = charts::render(&self.dir.join(&relative), 1, &draw)?;
        self.file(&relative, &page)?;
        let print_relative = format!("charts/print/{name}");
        let print = charts::render(&self.dir.join(&print_relative), charts::PRINT_SCALE, &draw)?;
        self.file(&print_relative, &print)?;
        Ok(page)
    }

    /// Everything written, sorted by path, so the manifest lists it in a stable order.
    pub fn into_written(self) -> Vec<Written> {
        let mut written = self.written.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        written.sort_by(|a, b| a.path.cmp(&b.path));
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_written_is_recorded_with_its_hash() {
        let dir = std::env::temp_dir().join(format!("caseload-sink-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sink = Sink::new(&dir).unwrap();
        sink.file("b/x.txt", b"abc").unwrap();
        sink.file("a.txt", b"").unwrap();
        let written = sink.into_written();
        assert_eq!(written.iter().map(|w| w.path.as_str()).collect::<Vec<_>>(), ["a.txt", "b/x.txt"]);
        // SHA-256 of "abc" (FIPS 180-2 test vector).
        assert_eq!(written[1].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(written[1].bytes, 3);
        assert_eq!(std::fs::read(dir.join("b/x.txt")).unwrap(), b"abc");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
