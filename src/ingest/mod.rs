//! Reading the canonical input files of SPEC §1 into typed columns.
//!
//! Each file is parsed once, streaming: every row is either accepted into plain vectors or written
//! to the file's rejects with line, column and reason. Ids are interned to dense integer codes whose
//! order follows the ids' text, so later stages group and sort on integers.

pub mod mapping;
pub mod privacy;
pub mod quality;
pub mod reader;
pub mod references;
pub mod values;

use polars::prelude::{PlFixedStateQuality, PlHashSet};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault};
use std::path::Path;

use crate::config::Config;
use crate::dates::{self, Day, Moment, MomentError};
use crate::error::{Error, Result};
use reader::{read_table, CellError, ColumnSpec, FileReport, Row, Table};
use values::{Category, SessionType, Status, Urgency};

pub const SESSIONS: &str = "sessions.csv";
pub const WAITLIST: &str = "waitlist.csv";
pub const ADMIN_TIME: &str = "admin_time.csv";
pub const CLINICIANS: &str = "clinicians.csv";
pub const WELLBEING: &str = "wellbeing.csv";

/// Longest plausible appointment (SPEC §1: duration_min 1–720).
const MAX_DURATION_MIN: i64 = 720;
// Sessions keep their length in seconds in 16 bits.
const _: () = assert!(MAX_DURATION_MIN * 60 <= u16::MAX as i64);

/// Dense integer codes for the ids of one kind.
///
/// The ids' text lies in one string, end to end, and the map goes from a 64-bit hash of the text
/// to its code: a lookup touches the compact text, not a heap allocation per id (with a million
/// client ids, those cache misses were a fifth of a network-scale run). Two ids with the same hash
/// are still told apart: the later one is kept in `collided` by its text.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    by_hash: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    collided: HashMap<Box<str>, u32>,
    text: String,
    /// Where each code's text ends in `text` (it starts where the previous one ends).
    ends: Vec<usize>,
    hasher: PlFixedStateQuality,
    /// The last code handed out: exports list a clinic's or a clinician's rows together, so most
    /// lookups repeat the previous one and skip the hash.
    last: Option<u32>,
}

/// The map's keys are hashes already.
#[derive(Default)]
struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

impl Interner {
    pub fn code(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last {
            if self.name(last) == name {
                return last;
            }
        }
        let hash = self.hasher.hash_one(name);
        let code = match self.by_hash.get(&hash) {
            Some(&code) if self.name(code) == name => code,
            Some(_) => match self.collided.get(name) {
                Some(&code) => code,
                None => {
                    let code = self.push(name);
                    self.collided.insert(name.into(), code);
                    code
                }
            },
            None => {
                let code = self.push(name);
                self.by_hash.insert(hash, code);
                code
            }
        };
        self.last = Some(code);
        code
    }

    fn push(&mut self, name: &str) -> u32 {
        self.text.push_str(name);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn name(&self, code: u32) -> &str {
        let code = code as usize;
        let start = if code == 0 { 0 } else { self.ends[code - 1] };
        &self.text[start..self.ends[code]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Interns every id of `other`; returns other's code → this interner's code.
    fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        (0..other.len() as u32).map(|code| self.code(other.name(code))).collect()
    }

    /// Renumbers codes so that code order is the ids' text order; returns old code → new code.
    fn sort(&mut self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_by(|&a, &b| self.name(a).cmp(self.name(b)));
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut sorted = Interner { hasher: self.hasher.clone(), ..Interner::default() };
        for &old in &order {
            sorted.code(self.name(old));
        }
        *self = sorted;
        remap
    }
}

/// Old code → new code for each kind of id.
struct Renumbering {
    clinics: Vec<u32>,
    clinicians: Vec<u32>,
    clients: Vec<u32>,
}

impl Renumbering {
    fn apply(
        &self,
        sessions: Option<&mut Sessions>,
        waitlist: Option<&mut Waitlist>,
        admin: Option<&mut AdminTime>,
        roster: Option<&mut Roster>,
        wellbeing: Option<&mut Wellbeing>,
    ) {
        if let Some(s) = sessions {
            apply(&self.clinics, &mut s.clinic);
            apply(&self.clinicians, &mut s.clinician);
            apply(&self.clients, &mut s.client);
        }
        if let Some(w) = waitlist {
            apply(&self.clinics, &mut w.clinic);
            apply(&self.clients, &mut w.client);
        }
        let staff =
            [admin.map(|a| (&mut a.clinic, &mut a.clinician)), roster.map(|r| (&mut r.clinic, &mut r.clinician))];
        for (clinic, clinician) in
            staff.into_iter().flatten().chain(wellbeing.map(|w| (&mut w.clinic, &mut w.clinician)))
        {
            apply(&self.clinics, clinic);
            apply(&self.clinicians, clinician);
        }
    }
}

fn apply(remap: &[u32], codes: &mut [u32]) {
    for code in codes {
        *code = remap[*code as usize];
    }
}

/// Duplicate-id detection without keeping every id's text: a 64-bit hash per id, from a hasher
/// with a fixed seed so that runs are repeatable.
#[derive(Default)]
struct SeenIds(PlHashSet<u64>, PlFixedStateQuality);

impl SeenIds {
    fn first_time(&mut self, id: &str) -> bool {
        let hash = self.1.hash_one(id);
        self.0.insert(hash)
    }
}

/// Duplicate detection for millions of ids, where a hash-set insert per row (a cache miss each)
/// costs more than parsing the row: the hashes are only collected, and sorted once at the end.
/// `Exact` rejects each repeat as it comes; `Collect` only tells whether there was any.
enum IdCheck {
    Exact(SeenIds),
    Collect(Vec<u64>, PlFixedStateQuality),
}

impl IdCheck {
    fn first_time(&mut self, id: &str) -> bool {
        match self {
            IdCheck::Exact(seen) => seen.first_time(id),
            IdCheck::Collect(hashes, state) => {
                hashes.push(state.hash_one(id));
                true
            }
        }
    }

    /// Whether a collected id came twice (always false for `Exact`, which rejected repeats).
    fn any_repeat(self) -> bool {
        use rayon::slice::ParallelSliceMut;
        match self {
            IdCheck::Exact(_) => false,
            IdCheck::Collect(mut hashes, _) => {
                hashes.par_sort_unstable();
                hashes.windows(2).any(|pair| pair[0] == pair[1])
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Ids {
    pub clinics: Interner,
    pub clinicians: Interner,
    pub clients: Interner,
}

/// `Sessions::note_signed` of a note not signed (or an export without the column).
pub const NOT_SIGNED: Moment = Moment::MIN;

/// sessions.csv, one entry per accepted row.
#[derive(Debug, Default, Clone)]
pub struct Sessions {
    pub clinic: Vec<u32>,
    pub clinician: Vec<u32>,
    pub client: Vec<u32>,
    pub start: Vec<Moment>,
    /// Length in seconds (at most 720 minutes, so 16 bits; see `end`).
    pub duration: Vec<u16>,
    pub status: Vec<Status>,
    pub session_type: Vec<SessionType>,
    /// When the session's note was signed; `NOT_SIGNED` if it was not (half the memory of an Option).
    pub note_signed: Vec<Moment>,
    pub high_acuity: Vec<bool>,
    /// The export carries note_signed_at at all (doc_late_share is empty otherwise).
    pub has_note_signed: bool,
    pub has_high_acuity: bool,
    /// The mapping sets one status for every row (an export of attended visits only): no-shows
    /// and cancellations were not exported, so their counts and rates are not available.
    pub status_constant: bool,
}

impl Sessions {
    fn with_capacity(rows: usize) -> Sessions {
        Sessions {
            clinic: Vec::with_capacity(rows),
            clinician: Vec::with_capacity(rows),
            client: Vec::with_capacity(rows),
            start: Vec::with_capacity(rows),
            duration: Vec::with_capacity(rows),
            status: Vec::with_capacity(rows),
            session_type: Vec::with_capacity(rows),
            note_signed: Vec::with_capacity(rows),
            high_acuity: Vec::with_capacity(rows),
            ..Sessions::default()
        }
    }

    /// Gives back the spare capacity the columns grew while reading (up to half of each).
    fn shrink_to_fit(&mut self) {
        self.clinic.shrink_to_fit();
        self.clinician.shrink_to_fit();
        self.client.shrink_to_fit();
        self.start.shrink_to_fit();
        self.duration.shrink_to_fit();
        self.status.shrink_to_fit();
        self.session_type.shrink_to_fit();
        self.note_signed.shrink_to_fit();
        self.high_acuity.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    /// When session `i` ends.
    pub fn end(&self, i: usize) -> Moment {
        self.start[i] + Moment::from(self.duration[i])
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }
}

/// admin_time.csv; hours are kept as whole seconds so that sums are exact and order-independent.
#[derive(Debug, Default, Clone)]
pub struct AdminTime {
    pub clinic: Vec<u32>,
    pub clinician: Vec<u32>,
    pub date: Vec<Day>,
    pub seconds: Vec<i64>,
    pub category: Vec<Category>,
    pub after_hours: Vec<bool>,
    /// Whether the export has an after_hours column (or a mapping gives one); without it the
    /// after-hours figures are not available rather than 0.
    pub has_after_hours: bool,
}

impl AdminTime {
    fn shrink_to_fit(&mut self) {
        self.clinic.shrink_to_fit();
        self.clinician.shrink_to_fit();
        self.date.shrink_to_fit();
        self.seconds.shrink_to_fit();
        self.category.shrink_to_fit();
        self.after_hours.shrink_to_fit();
    }
}

#[derive(Debug, Default, Clone)]
pub struct Waitlist {
    pub clinic: Vec<u32>,
    pub client: Vec<u32>,
    pub referred_on: Vec<Day>,
    pub urgency: Vec<Urgency>,
    pub first_seen_on: Vec<Option<Day>>,
    pub closed_on: Vec<Option<Day>>,
}

#[derive(Debug, Default, Clone)]
pub struct Roster {
    pub clinician: Vec<u32>,
    pub clinic: Vec<u32>,
    pub fte: Vec<f64>,
    pub start_date: Vec<Option<Day>>,
    pub end_date: Vec<Option<Day>>,
}

/// wellbeing.csv: clinicians' own answers to the Mini-Z single burnout item (1–5; 3 or more = burnout).
#[derive(Debug, Default, Clone)]
pub struct Wellbeing {
    pub clinician: Vec<u32>,
    pub clinic: Vec<u32>,
    pub date: Vec<Day>,
    pub mini_z: Vec<u8>,
}

/// Everything read from one input folder.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    pub ids: Ids,
    pub sessions: Sessions,
    pub admin: Option<AdminTime>,
    pub waitlist: Option<Waitlist>,
    pub roster: Option<Roster>,
    pub wellbeing: Option<Wellbeing>,
    /// One report per file present, in SPEC order.
    pub files: Vec<FileReport>,
    /// Clinicians and clinics found in one file and not in another.
    pub references: Vec<references::Mismatch>,
}

const fn required(name: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: true }
}

const fn optional(name: &'static str) -> ColumnSpec {
    ColumnSpec { name, required: false }
}

/// The canonical columns of each input file (SPEC §1), in the order its loader addresses them.
pub const SESSIONS_COLUMNS: [ColumnSpec; 11] = [
    required("session_id"),
    required("clinic_id"),
    required("clinician_id"),
    required("client_id"),
    required("start"),
    // One of duration_min and end is required: checked after reading the header.
    optional("duration_min"),
    optional("end"),
    required("status"),
    optional("session_type"),
    optional("note_signed_at"),
    optional("high_acuity"),
];
pub const WAITLIST_COLUMNS: [ColumnSpec; 8] = [
    required("referral_id"),
    required("clinic_id"),
    required("client_id"),
    required("referred_on"),
    optional("urgency"),
    optional("first_seen_on"),
    optional("closed_on"),
    optional("close_reason"),
];
pub const ADMIN_TIME_COLUMNS: [ColumnSpec; 6] = [
    required("clinic_id"),
    required("clinician_id"),
    required("date"),
    required("hours"),
    required("category"),
    optional("after_hours"),
];
pub const CLINICIANS_COLUMNS: [ColumnSpec; 6] = [
    required("clinician_id"),
    required("clinic_id"),
    required("fte"),
    optional("role"),
    optional("start_date"),
    optional("end_date"),
];
pub const WELLBEING_COLUMNS: [ColumnSpec; 4] =
    [required("clinician_id"), required("clinic_id"), required("date"), required("mini_z")];

/// The names of a file's columns, for a header.
pub fn column_names(columns: &[ColumnSpec]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// Roughly how many rows a file holds, from its size and the line length of its first megabyte
/// (a little over, so that the columns are allocated once instead of doubling as they grow);
/// 0 when the file cannot be read, which the reader itself then reports.
fn estimated_rows(dir: &Path, table: &Table) -> usize {
    use std::io::Read;
    let Ok(mut handle) = std::fs::File::open(dir.join(table.source())) else { return 0 };
    let size = handle.metadata().map_or(0, |m| m.len()) as usize;
    let mut head = vec![0u8; size.min(1 << 20)];
    if handle.read_exact(&mut head).is_err() {
        return 0;
    }
    let lines = head.iter().filter(|&&b| b == b'\n').count();
    if lines < 2 {
        return 0;
    }
    let rows = size / (head.len() / lines).max(1);
    rows + rows / 16
}

/// The configuration as the readers use it: the global time zone carried into every mapping that
/// sets no clock of its own, and the values of each mapping's lookups, read beforehand.
pub struct Inputs {
    config: Config,
    lookups: HashMap<&'static str, HashMap<String, mapping::LookupValues>>,
}

impl std::ops::Deref for Inputs {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

impl Inputs {
    pub fn new(dir: &Path, config: &Config) -> Result<Inputs> {
        let mut config = config.clone();
        if let Some(zone) = &config.time_zone {
            for (name, _, _) in mapping::TABLES {
                let section = config.mapping.entry((*name).to_owned()).or_default();
                if section.time_zone.is_none() && section.utc_offset.is_none() {
                    section.time_zone = Some(zone.clone());
                }
            }
        }
        let mut inputs = Inputs { config, lookups: HashMap::new() };
        let mut lookups = HashMap::new();
        for (name, file, _) in mapping::TABLES {
            let Some(section) = inputs.config.mapping.get(*name) else { continue };
            let mut values = HashMap::new();
            for (column, other, by) in mapping::lookups(section) {
                values.insert(column.to_owned(), inputs.lookup_values(dir, other, by, column)?);
            }
            if !values.is_empty() {
                lookups.insert(*file, values);
            }
        }
        inputs.lookups = lookups;
        Ok(inputs)
    }

    /// `column` by `by` in table `other`, from every row with both cells filled (the first row
    /// of a key wins). The table is read through its own mapping.
    fn lookup_values(&self, dir: &Path, other: &str, by: &str, column: &str) -> Result<mapping::LookupValues> {
        let Some((_, file, specs)) = mapping::TABLES.iter().find(|(name, _, _)| *name == other) else {
            return Ok(HashMap::new());
        };
        let index = |name: &str| specs.iter().position(|s| s.name == name).unwrap_or(0);
        let (key_at, value_at) = (index(by), index(column));
        let mut values = HashMap::new();
        read_table(dir, &Table { hash: false, ..table(self, file, specs, false) }, |row, _| {
            let (key, value) = (row.get(key_at)?, row.get(value_at)?);
            if !key.is_empty() && !value.is_empty() {
                values.entry(key.to_owned()).or_insert_with(|| value.to_owned());
            }
            Ok(())
        })?;
        Ok(values)
    }
}

fn table<'a>(inputs: &'a Inputs, file: &'static str, columns: &'a [ColumnSpec], optional: bool) -> Table<'a> {
    let mapping = mapping::table_of(file).and_then(|name| inputs.config.mapping.get(name));
    Table { file, columns, optional, mapping, lookups: inputs.lookups.get(file), hash: true }
}

fn nonempty<'a>(row: &Row<'a>, index: usize, column: &'static str) -> Result<&'a str, CellError> {
    let value = row.get(index)?;
    if value.is_empty() {
        return Err(CellError::new(column, "empty value", value));
    }
    Ok(value)
}

fn date_cell(row: &Row, index: usize, column: &'static str) -> Result<Option<Day>, CellError> {
    let value = row.get(index)?;
    if value.is_empty() {
        return Ok(None);
    }
    dates::parse_day(value)
        .map(Some)
        .ok_or_else(|| CellError::new(column, "unparseable date (expected YYYY-MM-DD)", value))
}

fn moment_cell(row: &Row, index: usize, column: &'static str) -> Result<Option<Moment>, CellError> {
    let value = row.get(index)?;
    if value.is_empty() {
        return Ok(None);
    }
    match dates::parse_moment(value) {
        Ok(moment) => Ok(Some(moment)),
        Err(MomentError::Malformed) => {
            Err(CellError::new(column, "unparseable datetime (expected YYYY-MM-DD HH:MM[:SS])", value))
        }
        Err(MomentError::HasOffset) => Err(CellError::new(
            column,
            "datetime with a UTC offset (set time_zone in the config, or export clinic-local time)",
            value,
        )),
    }
}

fn bool_cell(row: &Row, index: usize, column: &'static str) -> Result<bool, CellError> {
    let value = row.get(index)?;
    values::parse_bool(value).ok_or_else(|| CellError::new(column, "not a boolean (true/false, yes/no, 1/0)", value))
}

/// sessions.csv. Read once collecting the ids' hashes; only an export with a repeated session_id
/// is read a second time, rejecting each repeat on its line.
fn load_sessions(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<(Sessions, FileReport)> {
    let mut trial_ids = ids.clone();
    let (sessions, report, check) =
        read_sessions(dir, config, &mut trial_ids, IdCheck::Collect(Vec::new(), PlFixedStateQuality::default()))?;
    if !check.any_repeat() {
        *ids = trial_ids;
        return Ok((sessions, report));
    }
    drop(sessions);
    crate::log::debug(&format!("{SESSIONS}: repeated session_id; reading it again to reject each repeat"));
    let (sessions, report, _) = read_sessions(dir, config, ids, IdCheck::Exact(SeenIds::default()))?;
    Ok((sessions, report))
}

fn read_sessions(
    dir: &Path,
    config: &Inputs,
    ids: &mut Ids,
    mut seen: IdCheck,
) -> Result<(Sessions, FileReport, IdCheck)> {
    let specs = SESSIONS_COLUMNS;
    let mut sessions = Sessions::with_capacity(estimated_rows(dir, &table(config, SESSIONS, &specs, false)));
    let mut status_buffer = String::new();
    // Hashed by the caller on the other core (see `load_unchecked`).
    let sessions_table = Table { hash: false, ..table(config, SESSIONS, &specs, false) };
    let report = read_table(dir, &sessions_table, |row, _line| {
        let session_id = nonempty(row, 0, "session_id")?;
        let clinic = nonempty(row, 1, "clinic_id")?;
        let clinician = nonempty(row, 2, "clinician_id")?;
        let client = nonempty(row, 3, "client_id")?;
        let start = moment_cell(row, 4, "start")?.ok_or_else(|| CellError::new("start", "empty value", ""))?;
        let duration_text = row.get(5)?;
        let duration = if !duration_text.is_empty() {
            let minutes: i64 = duration_text
                .parse()
                .map_err(|_| CellError::new("duration_min", "not a whole number of minutes", duration_text))?;
            if !(1..=MAX_DURATION_MIN).contains(&minutes) {
                return Err(CellError::new("duration_min", "duration out of range (1–720 minutes)", duration_text));
            }
            minutes * 60
        } else {
            let end = moment_cell(row, 6, "end")?
                .ok_or_else(|| CellError::new("duration_min", "no duration_min and no end", ""))?;
            let seconds = end - start;
            if seconds <= 0 || seconds > MAX_DURATION_MIN * 60 {
                return Err(CellError::new("end", "duration out of range (1–720 minutes)", row.get(6)?));
            }
            seconds
        };
        let status_text = row.get(7)?;
        let status = values::parse_status(status_text, &mut status_buffer)
            .ok_or_else(|| CellError::new("status", "unknown status", status_text))?;
        let type_text = row.get(8)?;
        let session_type = values::parse_session_type(type_text)
            .ok_or_else(|| CellError::new("session_type", "unknown session_type", type_text))?;
        let note_signed = moment_cell(row, 9, "note_signed_at")?;
        let high_acuity = bool_cell(row, 10, "high_acuity")?;
        // Checked last, so that a row rejected for another reason does not claim its id.
        if !seen.first_time(session_id) {
            return Err(CellError::new("session_id", "duplicate id", session_id));
        }
        sessions.clinic.push(ids.clinics.code(clinic));
        sessions.clinician.push(ids.clinicians.code(clinician));
        sessions.client.push(ids.clients.code(client));
        sessions.start.push(start);
        // In 1..=MAX_DURATION_MIN minutes, checked above.
        sessions.duration.push(u16::try_from(duration).unwrap_or(u16::MAX));
        sessions.status.push(status);
        sessions.session_type.push(session_type);
        sessions.note_signed.push(note_signed.unwrap_or(NOT_SIGNED));
        sessions.high_acuity.push(high_acuity);
        Ok(())
    })?
    .ok_or_else(|| Error::MissingFile { file: SESSIONS.into(), dir: dir.to_owned() })?;
    if !report.columns.contains(&"duration_min") && !report.columns.contains(&"end") {
        let file = config.mapping.get("sessions").and_then(|m| m.source.clone()).unwrap_or_else(|| SESSIONS.into());
        return Err(Error::MissingOneOf { file, line: 1, columns: "`duration_min` or `end`".into() });
    }
    // A column a mapping sets to one value carries no variation: not exported, not zero.
    let exported = |column: &str| report.columns.contains(&column) && !report.constants.contains(&column);
    sessions.has_note_signed = exported("note_signed_at");
    sessions.has_high_acuity = exported("high_acuity");
    sessions.status_constant = report.constants.contains(&"status");
    Ok((sessions, report, seen))
}

fn load_admin(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(AdminTime, FileReport)>> {
    let specs = ADMIN_TIME_COLUMNS;
    let mut admin = AdminTime::default();
    let report = read_table(dir, &table(config, ADMIN_TIME, &specs, true), |row, _| {
        let clinic = nonempty(row, 0, "clinic_id")?;
        let clinician = nonempty(row, 1, "clinician_id")?;
        let date = date_cell(row, 2, "date")?.ok_or_else(|| CellError::new("date", "empty value", ""))?;
        let hours_text = nonempty(row, 3, "hours")?;
        let hours: f64 = hours_text.parse().map_err(|_| CellError::new("hours", "not a number", hours_text))?;
        if !(0.0..=24.0).contains(&hours) {
            return Err(CellError::new("hours", "hours out of range (0–24)", hours_text));
        }
        let category_text = row.get(4)?;
        let category = values::parse_category(category_text)
            .ok_or_else(|| CellError::new("category", "unknown category", category_text))?;
        let after_hours = bool_cell(row, 5, "after_hours")?;
        admin.clinic.push(ids.clinics.code(clinic));
        admin.clinician.push(ids.clinicians.code(clinician));
        admin.date.push(date);
        admin.seconds.push((hours * 3600.0).round() as i64);
        admin.category.push(category);
        admin.after_hours.push(after_hours);
        Ok(())
    })?;
    admin.has_after_hours =
        report.as_ref().is_some_and(|r| r.columns.contains(&"after_hours") && !r.constants.contains(&"after_hours"));
    Ok(report.map(|r| (admin, r)))
}

fn load_waitlist(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Waitlist, FileReport)>> {
    let specs = WAITLIST_COLUMNS;
    let mut waitlist = Waitlist::default();
    let mut seen = SeenIds::default();
    let report = read_table(dir, &table(config, WAITLIST, &specs, true), |row, _| {
        let referral_id = nonempty(row, 0, "referral_id")?;
        let clinic = nonempty(row, 1, "clinic_id")?;
        let client = nonempty(row, 2, "client_id")?;
        let referred_on =
            date_cell(row, 3, "referred_on")?.ok_or_else(|| CellError::new("referred_on", "empty value", ""))?;
        let urgency_text = row.get(4)?;
        let urgency = values::parse_urgency(urgency_text)
            .ok_or_else(|| CellError::new("urgency", "unknown urgency", urgency_text))?;
        let first_seen_on = date_cell(row, 5, "first_seen_on")?;
        let closed_on = date_cell(row, 6, "closed_on")?;
        if first_seen_on.is_some_and(|d| d < referred_on) {
            return Err(CellError::new("first_seen_on", "first_seen_on before referred_on", row.get(5)?));
        }
        if closed_on.is_some_and(|d| d < referred_on) {
            return Err(CellError::new("closed_on", "closed_on before referred_on", row.get(6)?));
        }
        if !seen.first_time(referral_id) {
            return Err(CellError::new("referral_id", "duplicate id", referral_id));
        }
        waitlist.clinic.push(ids.clinics.code(clinic));
        waitlist.client.push(ids.clients.code(client));
        waitlist.referred_on.push(referred_on);
        waitlist.urgency.push(urgency);
        waitlist.first_seen_on.push(first_seen_on);
        waitlist.closed_on.push(closed_on);
        Ok(())
    })?;
    Ok(report.map(|r| (waitlist, r)))
}

fn load_roster(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Roster, FileReport)>> {
    let specs = CLINICIANS_COLUMNS;
    let mut roster = Roster::default();
    let mut seen = HashSet::new();
    let report = read_table(dir, &table(config, CLINICIANS, &specs, true), |row, _| {
        let clinician = nonempty(row, 0, "clinician_id")?;
        let clinic = nonempty(row, 1, "clinic_id")?;
        let fte_text = nonempty(row, 2, "fte")?;
        let fte: f64 = fte_text.parse().map_err(|_| CellError::new("fte", "not a number", fte_text))?;
        if !(fte > 0.0 && fte <= 1.5) {
            return Err(CellError::new("fte", "fte out of range (0, 1.5]", fte_text));
        }
        let start_date = date_cell(row, 4, "start_date")?;
        let end_date = date_cell(row, 5, "end_date")?;
        if !seen.insert(clinician.to_owned()) {
            return Err(CellError::new("clinician_id", "duplicate id", clinician));
        }
        roster.clinician.push(ids.clinicians.code(clinician));
        roster.clinic.push(ids.clinics.code(clinic));
        roster.fte.push(fte);
        roster.start_date.push(start_date);
        roster.end_date.push(end_date);
        Ok(())
    })?;
    Ok(report.map(|r| (roster, r)))
}

fn load_wellbeing(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Wellbeing, FileReport)>> {
    let specs = WELLBEING_COLUMNS;
    let mut wellbeing = Wellbeing::default();
    let report = read_table(dir, &table(config, WELLBEING, &specs, true), |row, _| {
        let clinician = nonempty(row, 0, "clinician_id")?;
        let clinic = nonempty(row, 1, "clinic_id")?;
        let date = date_cell(row, 2, "date")?.ok_or_else(|| CellError::new("date", "empty value", ""))?;
        let text = nonempty(row, 3, "mini_z")?;
        let mini_z = text
            .parse::<u8>()
            .ok()
            .filter(|v| (1..=5).contains(v))
            .ok_or_else(|| CellError::new("mini_z", "mini_z must be a whole number from 1 to 5", text))?;
        wellbeing.clinician.push(ids.clinicians.code(clinician));
        wellbeing.clinic.push(ids.clinics.code(clinic));
        wellbeing.date.push(date);
        wellbeing.mini_z.push(mini_z);
        Ok(())
    })?;
    Ok(report.map(|r| (wellbeing, r)))
}

/// Reads the input folder. File-level problems are errors; row-level problems are rejects, and a
/// file whose reject share exceeds its `max_reject_share` fails the whole load.
pub fn load(dir: &Path, config: &Config) -> Result<Dataset> {
    let data = load_unchecked(dir, config)?;
    check_reject_shares(&data.files, config)?;
    Ok(data)
}

/// The share of a file's rows that may be rejected: its mapping's, else the global one.
pub fn max_reject_share(config: &Config, file: &str) -> f64 {
    mapping::table_of(file)
        .and_then(|name| config.mapping.get(name))
        .and_then(|m| m.max_reject_share)
        .unwrap_or(config.max_reject_share)
}

/// Fails on the first file whose rejected share exceeds its limit.
pub fn check_reject_shares(files: &[FileReport], config: &Config) -> Result<()> {
    for report in files {
        let rejected = report.rejects.len() as u64;
        if report.rows_read > 0 {
            let share = rejected as f64 / report.rows_read as f64;
            let limit = max_reject_share(config, &report.file);
            if share > limit {
                return Err(Error::TooManyRejects {
                    file: report.source_name(),
                    read: report.rows_read,
                    rejected,
                    share: share * 100.0,
                    limit: limit * 100.0,
                    first: report
                        .rejects
                        .first()
                        .map(|r| format!("line {}, column `{}`: {} ({:?})", r.line, r.column, r.reason, r.value))
                        .unwrap_or_default(),
                });
            }
        }
    }

    Ok(())
}

/// What `caseload validate` found: the data-quality summary, the referential mismatches, and the
/// failure to report after them, if any (file-level errors come back as `Err` instead).
pub struct Validation {
    pub files: Vec<quality::FileQuality>,
    pub references: Vec<references::Mismatch>,
    pub outcome: Result<()>,
}

/// `caseload validate`: reads the folder once. Fails after the summary on a reject share over its
/// limit, and with `strict` also when more than `max_unrostered_share` of the sessions name a
/// clinician that the roster does not list.
pub fn validate(dir: &Path, config: &Config, strict: bool) -> Result<Validation> {
    let mut data = load_unchecked(dir, config)?;
    data.note_roster_elsewhere(|n| n.to_string());
    let files = data.files.iter().map(|f| quality::summarise(f, max_reject_share(config, &f.file))).collect();
    let mut outcome = check_reject_shares(&data.files, config);
    let share = references::unrostered_share(&data.references);
    if outcome.is_ok() && strict && share > config.max_unrostered_share {
        let source = data.files.first().map_or_else(|| SESSIONS.to_owned(), FileReport::source_name);
        let first = data
            .references
            .iter()
            .find(|m| m.found_in == SESSIONS && m.missing_from == CLINICIANS && m.kind == "clinician")
            .map(|m| m.examples.join(", "))
            .unwrap_or_default();
        outcome = Err(Error::Data(format!(
            "{source}: {:.1} % of sessions name a clinician that {CLINICIANS} does not list, more than \
             max_unrostered_share ({:.1} %); first: {first}",
            share * 100.0,
            config.max_unrostered_share * 100.0
        )));
    }
    Ok(Validation { files, references: data.references, outcome })
}

/// Reads the input folder without judging reject shares (`validate` reports them first).
pub fn load_unchecked(dir: &Path, config: &Config) -> Result<Dataset> {
    if !dir.is_dir() {
        return Err(Error::MissingFile { file: SESSIONS.into(), dir: dir.to_owned() });
    }
    let config = &Inputs::new(dir, config)?;
    // sessions.csv on one core, the other files on the other, each with its own ids; the second
    // set of codes is then mapped onto the first. Errors are reported in file order.
    let mut ids = Ids::default();
    let mut other_ids = Ids::default();
    let (sessions, others) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let waitlist = load_waitlist(dir, config, &mut other_ids);
            let admin = load_admin(dir, config, &mut other_ids);
            let roster = load_roster(dir, config, &mut other_ids);
            let wellbeing = load_wellbeing(dir, config, &mut other_ids);
            // sessions.csv is by far the largest file: its hash is taken here rather than while
            // it is parsed, so that the two cores share the work.
            let sessions_source = table(config, SESSIONS, &[], false).source().to_owned();
            let sessions_sha256 = reader::sha256_file(&dir.join(sessions_source));
            (waitlist, admin, roster, wellbeing, sessions_sha256)
        });
        let sessions = load_sessions(dir, config, &mut ids);
        (sessions, others.join())
    });
    let (mut sessions, mut sessions_report) = sessions?;
    if sessions_report.rows_read == 0 {
        return Err(Error::NoRows { file: sessions_report.source_name() });
    }
    let (waitlist, admin, roster, wellbeing, sessions_sha256) =
        others.map_err(|_| Error::Internal { stage: "ingest", message: "a reader thread panicked".into() })?;
    sessions_report.sha256 =
        sessions_sha256.map_err(|source| Error::Unreadable { file: sessions_report.file.clone(), source })?;
    let (mut waitlist, mut admin, mut roster, mut wellbeing) = (waitlist?, admin?, roster?, wellbeing?);
    let to_main = Renumbering {
        clinics: ids.clinics.absorb(&other_ids.clinics),
        clinicians: ids.clinicians.absorb(&other_ids.clinicians),
        clients: ids.clients.absorb(&other_ids.clients),
    };
    to_main.apply(
        None,
        waitlist.as_mut().map(|w| &mut w.0),
        admin.as_mut().map(|a| &mut a.0),
        roster.as_mut().map(|r| &mut r.0),
        wellbeing.as_mut().map(|w| &mut w.0),
    );

    let mut files = vec![sessions_report];
    let waitlist = waitlist.map(|(w, r)| {
        files.push(r);
        w
    });
    let mut admin = admin.map(|(a, r)| {
        files.push(r);
        a
    });
    let mut roster = roster.map(|(c, r)| {
        files.push(r);
        c
    });
    let mut waitlist = waitlist;
    let mut wellbeing = wellbeing.map(|(w, r)| {
        files.push(r);
        w
    });

    let sorted =
        Renumbering { clinics: ids.clinics.sort(), clinicians: ids.clinicians.sort(), clients: ids.clients.sort() };
    sorted.apply(Some(&mut sessions), waitlist.as_mut(), admin.as_mut(), roster.as_mut(), wellbeing.as_mut());
    sessions.shrink_to_fit();
    if let Some(a) = admin.as_mut() {
        a.shrink_to_fit();
    }
    let mut data = Dataset { ids, sessions, admin, waitlist, roster, wellbeing, files, references: Vec::new() };
    data.describe_files();
    data.references = references::check(&data);
    Ok(data)
}

/// First day, last day and distinct clinics and clinicians of one file's accepted rows.
fn describe(report: &mut FileReport, days: impl Iterator<Item = Day>, clinics: &[u32], clinicians: &[u32], ids: &Ids) {
    let (mut first, mut last) = (None::<Day>, None::<Day>);
    for day in days {
        first = Some(first.map_or(day, |f| f.min(day)));
        last = Some(last.map_or(day, |l| l.max(day)));
    }
    let distinct = |codes: &[u32], total: usize| {
        let mut seen = vec![false; total];
        codes.iter().filter(|&&c| !std::mem::replace(&mut seen[c as usize], true)).count() as u64
    };
    report.first_day = first;
    report.last_day = last;
    report.clinics = distinct(clinics, ids.clinics.len());
    report.clinicians = distinct(clinicians, ids.clinicians.len());
}

impl Dataset {
    fn describe_files(&mut self) {
        let ids = &self.ids;
        for report in &mut self.files {
            match report.file.as_str() {
                SESSIONS => {
                    let s = &self.sessions;
                    describe(report, s.start.iter().map(|&m| dates::day_of(m)), &s.clinic, &s.clinician, ids)
                }
                ADMIN_TIME => {
                    if let Some(a) = &self.admin {
                        describe(report, a.date.iter().copied(), &a.clinic, &a.clinician, ids)
                    }
                }
                WAITLIST => {
                    if let Some(w) = &self.waitlist {
                        describe(report, w.referred_on.iter().copied(), &w.clinic, &[], ids)
                    }
                }
                CLINICIANS => {
                    if let Some(r) = &self.roster {
                        describe(report, std::iter::empty(), &r.clinic, &r.clinician, ids)
                    }
                }
                WELLBEING => {
                    if let Some(w) = &self.wellbeing {
                        describe(report, w.date.iter().copied(), &w.clinic, &w.clinician, ids)
                    }
                }
                _ => {}
            }
        }
    }

    /// Clinicians on the roster who have sessions or admin time in a clinic that no roster row of
    /// theirs names. Their roster fte is used in every clinic all the same (SPEC §3); the count tells
    /// the reader that the roster and the data disagree.
    fn roster_elsewhere(&self) -> usize {
        let Some(roster) = &self.roster else { return 0 };
        let mut listed: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
        for (&clinician, &clinic) in roster.clinician.iter().zip(&roster.clinic) {
            listed.entry(clinician).or_default().push(clinic);
        }
        let mut pairs: Vec<(&[u32], &[u32])> = vec![(&self.sessions.clinic, &self.sessions.clinician)];
        if let Some(admin) = &self.admin {
            pairs.push((&admin.clinic, &admin.clinician));
        }
        let elsewhere: std::collections::BTreeSet<u32> = pairs
            .into_iter()
            .flat_map(|(clinic, clinician)| clinic.iter().zip(clinician))
            .filter(|(clinic, clinician)| listed.get(clinician).is_some_and(|at| !at.contains(clinic)))
            .map(|(_, &clinician)| clinician)
            .collect();
        elsewhere.len()
    }

    /// Adds the data-quality note on clinicians who work in a clinic their roster row does not
    /// name, when there are any; `count` writes the number (an advocacy run applies its small-count
    /// rule there).
    pub fn note_roster_elsewhere(&mut self, count: impl Fn(usize) -> String) {
        let n = self.roster_elsewhere();
        if n == 0 {
            return;
        }
        let count = count(n);
        if let Some(report) = self.files.iter_mut().find(|f| f.file == CLINICIANS) {
            report.warnings.push(format!(
                "{count} clinician(s) work in a clinic that their roster row does not name; the roster's fte is \
                 used for them in every clinic"
            ));
        }
    }

    /// Figures that the export cannot give, although their file is there, with the reason: a
    /// column set to one value for every row carries no variation, so what rests on it is not
    /// available rather than 0.
    pub fn not_exported(&self) -> Vec<(&'static str, String)> {
        let mut figures = Vec::new();
        if self.sessions.status_constant {
            let source = self.files.first().map_or_else(|| SESSIONS.to_owned(), FileReport::source_name);
            let reason = format!(
                "the export holds one status for every row ({source}: status set by a constant in the mapping, \
                 e.g. attended visits only), so no-shows and cancellations were not exported"
            );
            figures.push(("no_show_rate", reason));
        }
        figures
    }

    /// SPEC §2: the latest date of anything that has happened in the inputs.
    pub fn latest_event_day(&self) -> Option<Day> {
        let sessions = self
            .sessions
            .start
            .iter()
            .zip(&self.sessions.status)
            .filter(|(_, &s)| s != Status::Scheduled)
            .map(|(&start, _)| dates::day_of(start));
        let admin = self.admin.iter().flat_map(|a| a.date.iter().copied());
        let waitlist = self.waitlist.iter().flat_map(|w| {
            w.referred_on
                .iter()
                .copied()
                .chain(w.first_seen_on.iter().flatten().copied())
                .chain(w.closed_on.iter().flatten().copied())
        });
        sessions.chain(admin).chain(waitlist).max()
    }

    /// The day of the export's earliest session that happened (not merely scheduled): how far back
    /// the export reaches.
    pub fn first_event_day(&self) -> Option<Day> {
        self.sessions
            .start
            .iter()
            .zip(&self.sessions.status)
            .filter(|(_, &s)| s != Status::Scheduled)
            .map(|(&start, _)| dates::day_of(start))
            .min()
    }

    /// Counts, per file, the accepted rows dated after `as_of` (left out of every indicator).
    pub fn count_after(&mut self, as_of: Day) {
        let counts = [
            (SESSIONS, self.sessions.start.iter().filter(|&&s| dates::day_of(s) > as_of).count()),
            (ADMIN_TIME, self.admin.as_ref().map_or(0, |a| a.date.iter().filter(|&&d| d > as_of).count())),
            (WAITLIST, self.waitlist.as_ref().map_or(0, |w| w.referred_on.iter().filter(|&&d| d > as_of).count())),
        ];
        for report in &mut self.files {
            if let Some((_, n)) = counts.iter().find(|(file, _)| *file == report.file) {
                report.after_as_of = *n as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_ids_keep_their_text_and_sort_by_it() {
        let mut ids = Interner::default();
        let names = ["C-02", "C-10", "C-01", "C-02", "", "C-1"];
        let codes: Vec<u32> = names.iter().map(|n| ids.code(n)).collect();
        assert_eq!(codes, [0, 1, 2, 0, 3, 4]);
        assert_eq!(ids.len(), 5);
        for (name, code) in names.iter().zip(&codes) {
            assert_eq!(ids.name(*code), *name);
        }
        let remap = ids.sort();
        let sorted: Vec<&str> = (0..ids.len() as u32).map(|c| ids.name(c)).collect();
        assert_eq!(sorted, ["", "C-01", "C-02", "C-1", "C-10"]);
        assert_eq!(ids.name(remap[codes[0] as usize]), "C-02");
        assert_eq!(ids.code("C-10"), 4, "lookups after sorting use the new codes");
    }

    #[test]
    fn two_ids_with_the_same_hash_stay_apart() {
        let mut ids = Interner::default();
        assert_eq!(ids.code("A"), 0);
        // Pretend "B" hashes like "A": it must get a code of its own, found again by its text.
        let hash_b = ids.hasher.hash_one("B");
        ids.by_hash.insert(hash_b, 0);
        ids.last = None;
        assert_eq!(ids.code("B"), 1);
        assert_eq!(ids.code("A"), 0);
        assert_eq!(ids.code("B"), 1);
        assert_eq!(ids.name(1), "B");
    }
}
