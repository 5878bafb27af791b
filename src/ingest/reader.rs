//! One streaming pass over a CSV file: dialect detection, header matching, field-count checks and
//! row-level rejects with line numbers. Typed parsing of the cells is the caller's, per file.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use super::columns::{CellError, Col, ColumnSpec};
use super::mapping::{LookupValues, Plan};
use super::privacy;
use crate::config::Mapping;
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
    /// The trimmed cell of `column`, or "" when the file lacks it.
    pub fn cell(&self, column: Col) -> std::result::Result<&'r str, CellError> {
        self.get(column.index)
    }

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
    progress: crate::progress::Ticker,
}

impl<R> HashingReader<R> {
    fn new(inner: R, hash: bool, progress: crate::progress::Ticker) -> HashingReader<R> {
        HashingReader { inner, hasher: hash.then(Sha256::new), bytes: 0, progress }
    }
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

/// How a file is cut into parts read on several threads. Every part starts where a record may
/// start, just after a line break; whether it really does (and not inside a quoted field) is
/// checked as the parts are joined, so the result is that of one read from the top in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// One part, read on the calling thread.
    One,
    /// Parts of about this many bytes.
    Bytes(u64),
    /// The parts' starts as an earlier read of the same file used them (`Parts::starts`).
    Starts(Vec<u64>),
}

/// What a read in parts returns: the file's report, each part's own state in file order, and
/// where the parts that were used start (for a second read of the same file).
pub struct Parts<S> {
    pub report: FileReport,
    pub states: Vec<S>,
    pub starts: Vec<u64>,
}

/// Everything the header decided, shared by the parts of one file.
struct Opened<'a> {
    table: &'a Table<'a>,
    file: &'a str,
    path: std::path::PathBuf,
    size: u64,
    delimiter: u8,
    encoding: Encoding,
    /// 1 when the header ends with CRLF (see `read_table`).
    line_shift: u64,
    raw: Vec<String>,
    width: usize,
    plan: Plan,
    positions: Vec<Option<usize>>,
    id_columns: Vec<usize>,
    /// Where the first data record may start (just after the header).
    data_start: u64,
    report: FileReport,
    progress: crate::progress::Bar,
}

type HeaderReader = csv::Reader<Decoded<HashingReader<BufReader<File>>>>;

/// What one part's scan found.
#[derive(Default)]
struct Scanned {
    rows_read: u64,
    rows_accepted: u64,
    rejects: Vec<Reject>,
    unmatched: BTreeMap<usize, u64>,
    /// The part (by index) at whose start this scan ended between two records; None at the end
    /// of the file.
    ended_at: Option<usize>,
    /// Line breaks read from the part's start to where it ended (when it ended at a part).
    newlines: u64,
    /// Bytes read from the part's start (to the end of the file for the last part used).
    bytes: u64,
}

/// Opens the table's file and reads its header; `Ok(None)` when the file is absent and optional.
fn open<'a>(dir: &Path, table: &'a Table<'a>) -> Result<Option<(Opened<'a>, HeaderReader)>> {
    let columns = table.columns;
    let file: &str = table.source();
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
    let hashing = HashingReader::new(buffered, table.hash, progress.ticker());
    let decoded = match encoding {
        Encoding::Utf8 => Decoded::Utf8(hashing),
        Encoding::Windows1252 => Decoded::Windows1252 { inner: hashing, raw: Vec::new(), text: Vec::new(), at: 0 },
    };
    let mut reader = csv_reader(delimiter, decoded);

    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(|e| not_csv(file, 1, e))? {
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
    let data_start = reader.position().byte();
    let opened = Opened {
        table,
        file,
        path,
        size,
        delimiter,
        encoding,
        line_shift,
        width: header.len(),
        raw,
        plan,
        positions,
        id_columns,
        data_start,
        report,
        progress,
    };
    Ok(Some((opened, reader)))
}

fn csv_reader<R: Read>(delimiter: u8, inner: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(inner)
}

fn not_csv(file: &str, line: u64, e: csv::Error) -> Error {
    Error::NotCsv { file: file.to_owned(), line, reason: e.to_string() }
}

/// Reads records until the end of the file or until the reader stands between two records
/// exactly where one of the `later` parts starts. `base` is the file offset of the reader's
/// first byte, and `first_later` the index of `later[0]` among all parts. Lines are counted
/// from the reader's first byte; the caller adds the lines before it.
fn scan<R: Read>(
    o: &Opened,
    reader: &mut csv::Reader<R>,
    base: u64,
    later: &[u64],
    first_later: usize,
    out: &mut Scanned,
    parse_row: &mut dyn FnMut(&Row, u64) -> std::result::Result<(), CellError>,
) -> Result<()> {
    let (columns, table, file, plan) = (o.table.columns, o.table, o.file, &o.plan);
    let mut record = csv::ByteRecord::new();
    let mut mapped = vec![String::new(); columns.len()];
    let mut next = 0;
    loop {
        let at = base + reader.position().byte();
        while let Some(&start) = later.get(next) {
            if at < start {
                break;
            }
            if at == start {
                out.ended_at = Some(first_later + next);
                out.newlines = reader.position().line() - 1;
                return Ok(());
            }
            // A record ran across this start: the part there began inside it.
            next += 1;
        }
        let line = reader.position().line() + o.line_shift;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // An I/O failure mid-file is not a data problem of one row.
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(not_csv(file, line, e));
                }
                out.rows_read += 1;
                out.rejects.push(Reject {
                    line,
                    column: String::new(),
                    reason: "malformed CSV row".into(),
                    value: e.to_string(),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line() + o.line_shift);
        out.rows_read += 1;
        if record.len() != o.width {
            let blank = record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace));
            if blank {
                out.rows_read -= 1;
                continue;
            }
            out.rejects.push(Reject {
                line,
                column: String::new(),
                reason: "wrong number of fields".into(),
                value: format!("expected {}, found {}", o.width, record.len()),
            });
            continue;
        }
        // A NUL byte is no part of any id, date or number: the row is unreadable, like invalid UTF-8.
        if record.as_slice().contains(&0) {
            let field = (0..record.len()).find(|&i| record.get(i).is_some_and(|f| f.contains(&0))).unwrap_or(0);
            out.rejects.push(Reject {
                line,
                column: o.raw.get(field).cloned().unwrap_or_default(),
                reason: "NUL byte in cell".into(),
                value: String::from_utf8_lossy(record.get(field).unwrap_or_default()).replace('\0', "\\0"),
            });
            continue;
        }
        let rejects = &mut out.rejects;
        let mut reject = |cell: CellError| {
            // Rejects name the export's own column, which is the canonical one on a canonical file.
            let column = match columns.iter().position(|c| c.name == cell.column) {
                Some(i) if !plan.passthrough || table.mapping.is_some() => plan.label(i).to_owned(),
                _ => cell.column.into_owned(),
            };
            rejects.push(Reject { line, column, reason: cell.reason, value: cell.value });
        };
        if !plan.passthrough {
            if let Err(cell) = plan.apply(&record, line, &mut mapped, &mut out.unmatched) {
                reject(cell);
                continue;
            }
        }
        let row = Row {
            record: &record,
            positions: &o.positions,
            names: columns,
            mapped: (!plan.passthrough).then_some(mapped.as_slice()),
        };
        for &i in &o.id_columns {
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
            Ok(()) => out.rows_accepted += 1,
            Err(cell) => reject(cell),
        }
    }
    out.ended_at = None;
    Ok(())
}

/// The file's report once its parts are read: the header's findings, the rows and rejects of
/// every part in file order, and the lookups that took a fallback.
fn finish(mut o: Opened, scans: Vec<Scanned>, sha256: Option<String>) -> FileReport {
    let mut report = std::mem::take(&mut o.report);
    let mut unmatched = BTreeMap::new();
    for scan in scans {
        report.rows_read += scan.rows_read;
        report.rows_accepted += scan.rows_accepted;
        report.rejects.extend(scan.rejects);
        for (column, n) in scan.unmatched {
            *unmatched.entry(column).or_insert(0) += n;
        }
        report.bytes = scan.bytes;
    }
    for (label, other, unmatched) in o.plan.unmatched(unmatched) {
        report
            .warnings
            .push(format!("{unmatched} row(s) have a key that {other}.csv lacks; {label} took the mapping's fallback"));
    }
    report.sha256 = sha256.unwrap_or_default();
    report
}

/// Reads the table's file (the mapping's `source`, else the canonical name) row by row.
/// `parse_row` turns a row into typed values (kept by the caller) or a cell error, which becomes a
/// reject. Returns `Ok(None)` when the file is absent and optional.
pub fn read_table(
    dir: &Path,
    table: &Table,
    mut parse_row: impl FnMut(&Row, u64) -> std::result::Result<(), CellError>,
) -> Result<Option<FileReport>> {
    let Some((opened, mut reader)) = open(dir, table)? else { return Ok(None) };
    let mut scanned = Scanned::default();
    scan(&opened, &mut reader, 0, &[], 0, &mut scanned, &mut parse_row)?;
    let hashing = reader.into_inner().into_inner();
    scanned.bytes = hashing.bytes;
    let sha256 = hashing.hasher.map(|h| format!("{:x}", h.finalize()));
    Ok(Some(finish(opened, vec![scanned], sha256)))
}

/// Where the parts of a file start: just after a line break near every `part_bytes`, past the
/// header, never where the next line begins with a byte-order mark (a fresh reader would drop it).
/// In a CRLF file a part starts on the line feed, where a reader from the top stands after a record.
fn part_starts(o: &Opened, part_bytes: u64) -> std::io::Result<Vec<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut starts = vec![0];
    if part_bytes == 0 || o.encoding != Encoding::Utf8 || o.plan.uses_line() {
        return Ok(starts);
    }
    let mut handle = File::open(&o.path)?;
    let mut window = vec![0u8; 1 << 16];
    let mut candidate = o.data_start + part_bytes;
    while candidate + 1 < o.size {
        handle.seek(SeekFrom::Start(candidate))?;
        let n = handle.read(&mut window)?;
        let found = window[..n].iter().position(|&b| b == b'\n').map(|i| candidate + i as u64 + 1);
        match found {
            Some(after) if after < o.size => {
                let peek = &window[(after - candidate) as usize..n];
                if !peek.starts_with(&[0xef, 0xbb, 0xbf]) && after - o.line_shift > o.data_start {
                    starts.push(after - o.line_shift);
                }
                candidate = (after + part_bytes).max(candidate + 1);
            }
            Some(_) => break,
            // No line break in the window: look again further on.
            None if n > 0 => candidate += n as u64,
            None => break,
        }
    }
    Ok(starts)
}

/// One part's outcome, once a thread has read it.
type PartRead<S> = Option<Result<(Scanned, S)>>;

/// Reads the table's file like `read_table`, in parts on all cores: `make(index, bytes)` gives
/// each part its own state, which `parse_row` fills. A part that began inside a quoted field is dropped,
/// the part before it reading on past its end, so rows, rejects, line numbers and the order of
/// both are those of one read from the top. The file is not hashed (`Table::hash` is ignored).
pub fn read_table_parts<S: Send>(
    dir: &Path,
    table: &Table,
    split: &Split,
    make: impl Fn(usize, u64) -> S + Sync,
    parse_row: impl Fn(&mut S, &Row, u64) -> std::result::Result<(), CellError> + Sync,
) -> Result<Option<Parts<S>>> {
    let table = &Table { hash: false, ..*table };
    let Some((opened, header_reader)) = open(dir, table)? else { return Ok(None) };
    let unreadable = |source| Error::Unreadable { file: opened.file.to_owned(), source };
    let starts = match split {
        Split::One => vec![0],
        Split::Bytes(bytes) => part_starts(&opened, *bytes).map_err(unreadable)?,
        Split::Starts(starts) => starts.clone(),
    };
    let ends: Vec<u64> = starts.iter().skip(1).copied().chain([opened.size]).collect();
    let slots: Vec<std::sync::Mutex<PartRead<S>>> = starts.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let header_reader = std::sync::Mutex::new(Some(header_reader));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(starts.len());
    let read_part = |index: usize| -> Result<(Scanned, S)> {
        let (start, end) = (starts[index], ends[index]);
        let mut state = make(index, end - start);
        let mut scanned = Scanned::default();
        let mut parse = |row: &Row, line: u64| parse_row(&mut state, row, line);
        let later = &starts[index + 1..];
        if index == 0 {
            let taken = header_reader.lock().ok().and_then(|mut r| r.take());
            let mut reader = taken.ok_or_else(|| Error::Internal {
                stage: "ingest",
                message: "the header's reader was taken twice".into(),
            })?;
            scan(&opened, &mut reader, 0, later, index + 1, &mut scanned, &mut parse)?;
            scanned.bytes = reader.into_inner().into_inner().bytes;
        } else {
            use std::io::{Seek, SeekFrom};
            let mut handle = File::open(&opened.path).map_err(unreadable)?;
            handle.seek(SeekFrom::Start(start)).map_err(unreadable)?;
            let buffered = BufReader::with_capacity(1 << 20, handle);
            let hashing = HashingReader::new(buffered, false, opened.progress.ticker());
            let mut reader = csv_reader(opened.delimiter, hashing);
            scan(&opened, &mut reader, start, later, index + 1, &mut scanned, &mut parse)?;
            scanned.bytes = reader.into_inner().bytes;
        }
        Ok((scanned, state))
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(slot) = slots.get(index) else { break };
                let result = read_part(index);
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    // Join the parts from the top: each used part ends where the next used one starts.
    let mut results: Vec<PartRead<S>> = slots.into_iter().map(|slot| slot.into_inner().ok().flatten()).collect();
    let mut lines_before = 0;
    let mut used = Vec::new();
    let mut index = 0;
    let (mut scans, mut states) = (Vec::new(), Vec::new());
    loop {
        let result = results[index].take().ok_or_else(|| Error::Internal {
            stage: "ingest",
            message: format!("part {index} of {} was not read", opened.file),
        })?;
        let (mut scanned, state) = result.map_err(|e| shift_line(e, lines_before))?;
        for reject in &mut scanned.rejects {
            reject.line += lines_before;
        }
        used.push(index);
        let ended_at = scanned.ended_at;
        // The next part's lines follow the line breaks this one read up to its start.
        lines_before += scanned.newlines;
        scans.push(scanned);
        states.push(state);
        match ended_at {
            Some(next) => index = next,
            None => break,
        }
    }
    // The last part used read to the end of the file.
    if let (Some(last), Some(&index)) = (scans.last_mut(), used.last()) {
        last.bytes += starts[index];
    }
    let starts = used.iter().map(|&i| starts[i]).collect();
    let report = finish(opened, scans, None);
    Ok(Some(Parts { report, states, starts }))
}

/// An error found in a part, with its line counted from the top of the file.
fn shift_line(error: Error, lines_before: u64) -> Error {
    match error {
        Error::NotCsv { file, line, reason } => Error::NotCsv { file, line: line + lines_before, reason },
        Error::Identifier { file, line, column, what } => {
            Error::Identifier { file, line: line + lines_before, column, what }
        }
        other => other,
    }
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
