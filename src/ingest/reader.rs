//! One streaming pass over a CSV file: dialect detection, header matching, field-count checks and
//! row-level rejects with line numbers. Typed parsing of the cells is the caller's, per file.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use super::columns::{CellError, ColumnSpec};
use super::mapping::{LookupValues, Mapping, Plan};
use super::privacy;
use crate::dates::Day;
use crate::error::{Error, Result};

/// Why one row could not be used.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reject {
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub value: String,
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
    /// Canonical columns the file provides (directly or through its mapping).
    pub columns: Vec<&'static str>,
    /// Canonical columns a mapping sets to one value for every row (not exported).
    pub constants: Vec<&'static str>,
    /// First and last day the accepted rows are about.
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    /// Distinct clinics and clinicians among the accepted rows.
    pub clinics: u64,
    pub clinicians: u64,
}

impl FileReport {
    /// The name of the file actually read: the mapping's `source` (`appointments.csv`) where one
    /// is set, else the canonical name.
    pub fn source_name(&self) -> String {
        Path::new(&self.path).file_name().map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned())
    }

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
    /// Canonical text per spec column when a mapping rewrote the row.
    mapped: Option<&'r [String]>,
}

impl<'r> Row<'r> {
    /// The trimmed cell of spec column `index`, or "" when the file lacks that column.
    pub fn get(&self, index: usize) -> std::result::Result<&'r str, CellError> {
        if let Some(mapped) = self.mapped {
            return Ok(mapped.get(index).map_or("", String::as_str));
        }
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
    /// None when the caller hashes the file itself, on another thread.
    hasher: Option<Sha256>,
    bytes: u64,
    /// The file's line of the progress display (nothing without a terminal).
    progress: crate::progress::Bar,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(&buf[..n]);
        }
        self.bytes += n as u64;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// How a file's bytes are turned into text, decided once from its first chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// Windows-1252's characters for bytes 0x80–0x9F; the five undefined bytes keep their Latin-1 code.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn cp1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9f => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// UTF-8 if the chunk is valid UTF-8 or holds at least one valid multi-byte sequence (then its
/// invalid bytes are damage, rejected row by row); Windows-1252 if it has invalid bytes and no
/// multi-byte sequence at all, the mark of a legacy single-byte export.
pub fn detect_encoding(chunk: &[u8]) -> Encoding {
    let mut rest = chunk;
    let mut multibyte = 0usize;
    let mut invalid = 0usize;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                multibyte += text.bytes().filter(|&b| b >= 0xc0).count();
                break;
            }
            Err(e) => {
                let (good, after) = rest.split_at(e.valid_up_to());
                multibyte += good.iter().filter(|&&b| b >= 0xc0).count();
                // A sequence cut by the end of the chunk is not evidence either way.
                let Some(len) = e.error_len() else { break };
                invalid += 1;
                rest = &after[len..];
            }
        }
    }
    if invalid > 0 && multibyte == 0 {
        Encoding::Windows1252
    } else {
        Encoding::Utf8
    }
}

/// The file's text as UTF-8: passed through, or transcoded from Windows-1252 chunk by chunk.
enum Decoded<R> {
    Utf8(R),
    Windows1252 { inner: R, raw: Vec<u8>, text: Vec<u8>, at: usize },
}

impl<R: Read> Decoded<R> {
    fn into_inner(self) -> R {
        match self {
            Decoded::Utf8(inner) | Decoded::Windows1252 { inner, .. } => inner,
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Utf8(inner) => inner.read(buf),
            Decoded::Windows1252 { inner, raw, text, at } => {
                if *at >= text.len() {
                    raw.resize(1 << 16, 0);
                    let n = inner.read(raw)?;
                    text.clear();
                    *at = 0;
                    let mut utf8 = [0u8; 4];
                    for &byte in &raw[..n] {
                        if byte < 0x80 {
                            text.push(byte);
                        } else {
                            text.extend_from_slice(cp1252_char(byte).encode_utf8(&mut utf8).as_bytes());
                        }
                    }
                }
                let n = buf.len().min(text.len() - *at);
                buf[..n].copy_from_slice(&text[*at..*at + n]);
                *at += n;
                Ok(n)
            }
        }
    }
}

/// Picks the delimiter that occurs most often in the header line (comma on a tie).
fn detect_delimiter(header_line: &[u8]) -> u8 {
    let count = |d: u8| header_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// A header cell as written, without byte-order mark or surrounding spaces.
fn header_text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).trim_start_matches('\u{feff}').trim().to_owned()
}

/// Header keys: the lowercased name, and `name#2`, `name#3`, … for later columns of the same name.
fn header_keys(names: &[String]) -> Vec<String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    names
        .iter()
        .map(|name| {
            let n = seen.entry(name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                name.clone()
            } else {
                format!("{name}#{n}")
            }
        })
        .collect()
}

/// One canonical file to read, and how its export maps onto it.
pub struct Table<'a> {
    /// Canonical file name (`sessions.csv`): the name of rejects and report rows.
    pub file: &'static str,
    pub columns: &'a [ColumnSpec],
    pub optional: bool,
    pub mapping: Option<&'a Mapping>,
    /// Values of the mapping's lookup columns by key, read from the other tables beforehand.
    pub lookups: Option<&'a HashMap<String, LookupValues>>,
    /// Whether to hash the file while reading it (else `FileReport::sha256` stays empty for the
    /// caller to fill in, see `sha256_file`).
    pub hash: bool,
}

impl Table<'_> {
    /// The file actually read: the mapping's `source`, else the canonical name.
    pub fn source(&self) -> &str {
        self.mapping.and_then(|m| m.source.as_deref()).unwrap_or(self.file)
    }
}

/// The SHA-256 of a whole file, in hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(format!("{:x}", hasher.finalize()));
        }
        hasher.update(&buffer[..n]);
    }
}

/// Reads the table's file (the mapping's `source`, else the canonical name) row by row.
/// `parse_row` turns a row into typed values (kept by the caller) or a cell error, which becomes a
/// reject. Returns `Ok(None)` when the file is absent and optional.
pub fn read_table(
    dir: &Path,
    table: &Table,
    mut parse_row: impl FnMut(&Row, u64) -> std::result::Result<(), CellError>,
) -> Result<Option<FileReport>> {
    let columns = table.columns;
    let file: &str = table.mapping.and_then(|m| m.source.as_deref()).unwrap_or(table.file);
    let path = dir.join(file);
    let handle = match File::open(&path) {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if table.optional {
                Ok(None)
            } else {
                Err(Error::MissingFile { file: file.to_owned(), dir: dir.to_owned() })
            };
        }
        Err(source) => return Err(Error::Unreadable { file: file.to_owned(), source }),
    };
    let unreadable = |source| Error::Unreadable { file: file.to_owned(), source };
    let mut buffered = BufReader::with_capacity(1 << 20, handle);
    let first = buffered.fill_buf().map_err(unreadable)?;
    if first.starts_with(&[0xff, 0xfe]) || first.starts_with(&[0xfe, 0xff]) {
        return Err(Error::NotCsv {
            file: file.to_owned(),
            line: 1,
            reason: "UTF-16 text; save the export as UTF-8 or Windows-1252".into(),
        });
    }
    let encoding = detect_encoding(first);
    let first_line = first.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = detect_delimiter(first_line);
    // The csv crate counts a CRLF record's line break only once it reads past it, so in CRLF files
    // every record after the header is reported one line early.
    let line_shift = u64::from(first_line.ends_with(b"\r") && first.len() > first_line.len());
    let size = buffered.get_ref().metadata().map_or(0, |m| m.len());
    let progress = crate::progress::file(file, size);
    let hashing = HashingReader { inner: buffered, hasher: table.hash.then(Sha256::new), bytes: 0, progress };
    let decoded = match encoding {
        Encoding::Utf8 => Decoded::Utf8(hashing),
        Encoding::Windows1252 => Decoded::Windows1252 { inner: hashing, raw: Vec::new(), text: Vec::new(), at: 0 },
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(decoded);

    let mut record = csv::ByteRecord::new();
    let not_csv = |line: u64, e: csv::Error| Error::NotCsv { file: file.to_owned(), line, reason: e.to_string() };
    if !reader.read_byte_record(&mut record).map_err(|e| not_csv(1, e))? {
        return Err(Error::EmptyFile { file: file.to_owned() });
    }
    let raw: Vec<String> = record.iter().map(header_text).collect();
    let header: Vec<String> = raw.iter().map(|h| h.to_lowercase()).collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(Error::EmptyFile { file: file.to_owned() });
    }
    let keys = header_keys(&header);
    let header_line = record.position().map_or(1, |p| p.line());
    let ignore: Vec<String> =
        table.mapping.map(|m| m.ignore.iter().map(|i| i.trim().to_lowercase()).collect()).unwrap_or_default();
    let ignored: Vec<bool> = keys.iter().zip(&header).map(|(k, h)| ignore.contains(k) || ignore.contains(h)).collect();
    for (i, name) in raw.iter().enumerate() {
        if !ignored[i] {
            if let Some(what) = privacy::identifier_column(name) {
                return Err(Error::Identifier {
                    file: file.to_owned(),
                    line: header_line,
                    column: name.clone(),
                    what: format!("its name says it holds {what}"),
                });
            }
        }
    }
    let no_lookups = HashMap::new();
    let plan = Plan::resolve(table.mapping, columns, &keys, &raw, &ignored, table.lookups.unwrap_or(&no_lookups))
        .map_err(|e| {
            let names: Vec<String> = e.missing.iter().map(|c| format!("`{c}`")).collect();
            let column = match names.len() {
                1 => format!("required column {} is", names[0]),
                _ => format!("required columns {} are", names.join(", ")),
            };
            Error::MissingColumn { file: file.to_owned(), line: header_line, column }
        })?;
    let positions = plan.positions();
    let id_columns: Vec<usize> =
        columns.iter().enumerate().filter(|(_, c)| c.name.ends_with("_id")).map(|(i, _)| i).collect();

    let mut report = FileReport {
        file: table.file.to_owned(),
        path: path.display().to_string(),
        columns: (0..columns.len()).filter(|&i| plan.present(i)).map(|i| columns[i].name).collect(),
        constants: (0..columns.len()).filter(|&i| plan.constant(i)).map(|i| columns[i].name).collect(),
        ..Default::default()
    };
    if file != table.file {
        report.warnings.push(format!("read from {file} through [mapping.{}]", table.file.trim_end_matches(".csv")));
    }
    if encoding == Encoding::Windows1252 {
        report.warnings.push("not UTF-8: read as Windows-1252 and transcoded".into());
    }
    match delimiter {
        b';' => report.warnings.push("semicolon-delimited".into()),
        b'\t' => report.warnings.push("tab-delimited".into()),
        _ => {}
    }
    for (key, name) in keys.iter().zip(&raw) {
        if let Some(n) = key.rsplit_once('#').map(|(_, n)| n).filter(|n| *n == "2") {
            report.warnings.push(format!(
                "column `{name}` appears more than once; `{name}` is the first, `{name}#{n}` the second"
            ));
        }
    }
    let mut mapped = vec![String::new(); columns.len()];
    loop {
        let line = reader.position().line() + line_shift;
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
        let line = record.position().map_or(line, |p| p.line() + line_shift);
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
        // A NUL byte is no part of any id, date or number: the row is unreadable, like invalid UTF-8.
        if record.as_slice().contains(&0) {
            let field = (0..record.len()).find(|&i| record.get(i).is_some_and(|f| f.contains(&0))).unwrap_or(0);
            report.rejects.push(Reject {
                line,
                column: raw.get(field).cloned().unwrap_or_default(),
                reason: "NUL byte in cell".into(),
                value: String::from_utf8_lossy(record.get(field).unwrap_or_default()).replace('\0', "\\0"),
            });
            continue;
        }
        let mut reject = |cell: CellError| {
            // Rejects name the export's own column, which is the canonical one on a canonical file.
            let column = match columns.iter().position(|c| c.name == cell.column) {
                Some(i) if !plan.passthrough || table.mapping.is_some() => plan.label(i).to_owned(),
                _ => cell.column.into_owned(),
            };
            report.rejects.push(Reject { line, column, reason: cell.reason, value: cell.value });
        };
        if !plan.passthrough {
            if let Err(cell) = plan.apply(&record, line, &mut mapped) {
                reject(cell);
                continue;
            }
        }
        let row = Row {
            record: &record,
            positions: &positions,
            names: columns,
            mapped: (!plan.passthrough).then_some(mapped.as_slice()),
        };
        for &i in &id_columns {
            if let Some(what) = row.get(i).ok().and_then(privacy::contact_value) {
                return Err(Error::Identifier {
                    file: file.to_owned(),
                    line,
                    column: plan.label(i).to_owned(),
                    what: format!("its values look like {what}"),
                });
            }
        }
        match parse_row(&row, line) {
            Ok(()) => report.rows_accepted += 1,
            Err(cell) => reject(cell),
        }
    }
    for (label, other, unmatched) in plan.unmatched() {
        report
            .warnings
            .push(format!("{unmatched} row(s) have a key that {other}.csv lacks; {label} took the mapping's fallback"));
    }
    let hashing = reader.into_inner().into_inner();
    report.bytes = hashing.bytes;
    if let Some(hasher) = hashing.hasher {
        report.sha256 = format!("{:x}", hasher.finalize());
    }
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
        assert_eq!(header_text("\u{feff} Session_ID ".as_bytes()).to_lowercase(), "session_id");
        assert_eq!(header_keys(&["a".into(), "b".into(), "a".into()]), ["a", "b", "a#2"]);
    }
}
