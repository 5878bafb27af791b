//! One streaming pass over a CSV file: dialect detection, header matching, field-count checks and
//! row-level rejects with line numbers. Typed parsing of the cells is the caller's, per file.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// A column a file may carry.
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
}

/// Why one row could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub value: String,
}

/// A cell-level problem found by a file's row parser; the reader adds the line.
#[derive(Debug)]
pub struct CellError {
    pub column: &'static str,
    pub reason: String,
    pub value: String,
}

impl CellError {
    pub fn new(column: &'static str, reason: impl Into<String>, value: &str) -> Self {
        CellError { column, reason: reason.into(), value: value.to_owned() }
    }
}

/// What reading one file found: sizes, hash, counts and rejects (the data-quality record).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub file: String,
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rejects: Vec<Reject>,
    /// Accepted rows dated after as_of, left out of every indicator (SPEC §2).
    pub after_as_of: u64,
    pub warnings: Vec<String>,
}

impl FileReport {
    pub fn rejects_by_reason(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for reject in &self.rejects {
            *counts.entry(reject.reason.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// The cells of one data row, trimmed, addressed by the spec's column order.
pub struct Row<'r> {
    record: &'r csv::ByteRecord,
    positions: &'r [Option<usize>],
    names: &'r [ColumnSpec],
}

impl<'r> Row<'r> {
    /// The trimmed cell of spec column `index`, or "" when the file lacks that column.
    pub fn get(&self, index: usize) -> std::result::Result<&'r str, CellError> {
        let Some(position) = self.positions[index] else {
            return Ok("");
        };
        let bytes = self.record.get(position).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.trim()),
            Err(_) => Err(CellError::new(self.names[index].name, "invalid UTF-8", &String::from_utf8_lossy(bytes))),
        }
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Picks the delimiter that occurs most often in the header line (comma on a tie).
fn detect_delimiter(header_line: &[u8]) -> u8 {
    let count = |d: u8| header_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

fn normalise_header(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Reads `dir/file` row by row. `parse_row` turns a row into typed values (kept by the caller) or a
/// cell error, which becomes a reject. Returns `Ok(None)` when the file is absent and `optional`.
pub fn read_table(
    dir: &Path,
    file: &str,
    columns: &[ColumnSpec],
    optional: bool,
    mut parse_row: impl FnMut(&Row, u64) -> std::result::Result<(), CellError>,
) -> Result<Option<FileReport>> {
    let path = dir.join(file);
    let handle = match File::open(&path) {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if optional {
                Ok(None)
            } else {
                Err(Error::MissingFile { file: file.to_owned(), dir: dir.to_owned() })
            };
        }
        Err(source) => return Err(Error::Unreadable { file: file.to_owned(), source }),
    };
    let unreadable = |source| Error::Unreadable { file: file.to_owned(), source };
    let mut buffered = BufReader::with_capacity(1 << 20, handle);
    let delimiter =
        detect_delimiter(buffered.fill_buf().map_err(unreadable)?.split(|&b| b == b'\n').next().unwrap_or_default());
    let hashing = HashingReader { inner: buffered, hasher: Sha256::new(), bytes: 0 };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(hashing);

    let mut record = csv::ByteRecord::new();
    let not_csv = |line: u64, e: csv::Error| Error::NotCsv { file: file.to_owned(), line, reason: e.to_string() };
    if !reader.read_byte_record(&mut record).map_err(|e| not_csv(1, e))? {
        return Err(Error::EmptyFile { file: file.to_owned() });
    }
    let header: Vec<String> = record.iter().map(normalise_header).collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(Error::EmptyFile { file: file.to_owned() });
    }
    let header_line = record.position().map_or(1, |p| p.line());
    let mut positions = Vec::with_capacity(columns.len());
    for spec in columns {
        let position = header.iter().position(|h| h == spec.name);
        if spec.required && position.is_none() {
            return Err(Error::MissingColumn {
                file: file.to_owned(),
                line: header_line,
                column: spec.name.to_owned(),
            });
        }
        positions.push(position);
    }

    let mut report = FileReport { file: file.to_owned(), path: path.display().to_string(), ..Default::default() };
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // An I/O failure mid-file is not a data problem of one row.
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(not_csv(line, e));
                }
                report.rows_read += 1;
                report.rejects.push(Reject {
                    line,
                    column: String::new(),
                    reason: "malformed CSV row".into(),
                    value: e.to_string(),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        report.rows_read += 1;
        if record.len() != header.len() {
            let blank = record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace));
            if blank {
                report.rows_read -= 1;
                continue;
            }
            report.rejects.push(Reject {
                line,
                column: String::new(),
                reason: "wrong number of fields".into(),
                value: format!("expected {}, found {}", header.len(), record.len()),
            });
            continue;
        }
        let row = Row { record: &record, positions: &positions, names: columns };
        match parse_row(&row, line) {
            Ok(()) => report.rows_accepted += 1,
            Err(cell) => report.rejects.push(Reject {
                line,
                column: cell.column.to_owned(),
                reason: cell.reason,
                value: cell.value,
            }),
        }
    }
    let hashing = reader.into_inner();
    report.bytes = hashing.bytes;
    report.sha256 = format!("{:x}", hashing.hasher.finalize());
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_detected_from_the_header() {
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"single"), b',');
    }

    #[test]
    fn header_names_are_trimmed_lowercased_and_unbommed() {
        assert_eq!(normalise_header("\u{feff} Session_ID ".as_bytes()), "session_id");
    }
}
