//! The loaders: each file read once, streaming, into its columns with rejects; validation and the
//! reject policy; and the orchestration of a whole input folder.

use super::*;

/// Roughly how many rows a file holds, from its size and the line length of its first megabyte
/// (a little over, so that the columns are allocated once instead of doubling as they grow);
/// 0 when the file cannot be read, which the reader itself then reports.
pub(super) fn estimated_rows(dir: &Path, table: &Table) -> usize {
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
            for (column, other, by) in section.lookups() {
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

pub(super) fn table<'a>(
    inputs: &'a Inputs,
    file: &'static str,
    columns: &'a [ColumnSpec],
    optional: bool,
) -> Table<'a> {
    let mapping = mapping::table_of(file).and_then(|name| inputs.config.mapping.get(name));
    Table { file, columns, optional, mapping, lookups: inputs.lookups.get(file), hash: true }
}

pub(super) fn nonempty<'a>(row: &Row<'a>, column: Col) -> Result<&'a str, CellError> {
    let value = row.cell(column)?;
    if value.is_empty() {
        return Err(CellError::new(column.name, "empty value", value));
    }
    Ok(value)
}

pub(super) fn date_cell(row: &Row, column: Col) -> Result<Option<Day>, CellError> {
    let value = row.cell(column)?;
    if value.is_empty() {
        return Ok(None);
    }
    dates::parse_day(value)
        .map(Some)
        .ok_or_else(|| CellError::new(column.name, "unparseable date (expected YYYY-MM-DD)", value))
}

pub(super) fn moment_cell(row: &Row, column: Col) -> Result<Option<Moment>, CellError> {
    let value = row.cell(column)?;
    if value.is_empty() {
        return Ok(None);
    }
    match dates::parse_moment(value) {
        Ok(moment) => Ok(Some(moment)),
        Err(MomentError::Malformed) => {
            Err(CellError::new(column.name, "unparseable datetime (expected YYYY-MM-DD HH:MM[:SS])", value))
        }
        Err(MomentError::HasOffset) => Err(CellError::new(
            column.name,
            "datetime with a UTC offset (set time_zone in the config, or export clinic-local time)",
            value,
        )),
    }
}

pub(super) fn bool_cell(row: &Row, column: Col) -> Result<bool, CellError> {
    let value = row.cell(column)?;
    values::parse_bool(value)
        .ok_or_else(|| CellError::new(column.name, "not a boolean (true/false, yes/no, 1/0)", value))
}

/// How sessions.csv is cut into parts: `CASELOAD_PART_BYTES` when set (0 reads it in one part),
/// else four parts per core for a file of 64 MiB or more, one part below.
fn sessions_split(dir: &Path, config: &Inputs) -> Result<Split> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    if let Some(text) = std::env::var_os("CASELOAD_PART_BYTES").filter(|t| !t.is_empty()) {
        let text = text.to_string_lossy();
        return match text.trim().parse::<u64>() {
            Ok(0) => Ok(Split::One),
            Ok(bytes) => Ok(Split::Bytes(bytes)),
            Err(_) => Err(Error::Data(format!("CASELOAD_PART_BYTES={text}: not a whole number of bytes"))),
        };
    }
    let source = table(config, SESSIONS, &[], false).source().to_owned();
    let size = std::fs::metadata(dir.join(source)).map_or(0, |m| m.len());
    if size < 64 << 20 || threads < 2 {
        return Ok(Split::One);
    }
    Ok(Split::Bytes(size / (4 * threads) + 1))
}

/// One part of sessions.csv as read: its rows, the ids it met and its duplicate check.
struct SessionsPart {
    sessions: Sessions,
    ids: Ids,
    check: IdCheck,
    /// Scratch space for normalising a status.
    status: String,
}

/// sessions.csv, in parts on all cores. Read once collecting the ids' hashes; only an export with
/// a repeated session_id is read a second time, rejecting each repeat after the first on its line.
pub(super) fn load_sessions(
    dir: &Path,
    config: &Inputs,
    ids: &mut Ids,
    split: &Split,
) -> Result<(Sessions, FileReport)> {
    let (parts, report, starts) = read_sessions(dir, config, split, |_| IdCheck::collect())?;
    let repeats = repeated(&parts);
    if repeats.is_empty() {
        return Ok((merge(parts, ids, &report), report));
    }
    // Where each part's accepted rows begin, counted from the top.
    let mut first_row = Vec::with_capacity(parts.len());
    let mut rows = 0u64;
    for part in &parts {
        first_row.push(rows);
        rows += part.sessions.len() as u64;
    }
    drop(parts);
    crate::log::debug(&format!("{SESSIONS}: repeated session_id; reading it again to reject each repeat"));
    let (parts, report, _) = read_sessions(dir, config, &Split::Starts(starts), |index| {
        let begin = first_row.get(index).copied().unwrap_or(rows);
        let end = first_row.get(index + 1).copied().unwrap_or(rows);
        let repeats = repeats.iter().copied().filter(|r| (begin..end).contains(r)).collect();
        IdCheck::Known { repeats, next: begin, at: 0 }
    })?;
    Ok((merge(parts, ids, &report), report))
}

/// The accepted rows (numbered from 0 in file order) whose session_id an earlier accepted row
/// has: a sort of every id's hash, then, only if two are equal, one pass in file order.
fn repeated(parts: &[SessionsPart]) -> Vec<u64> {
    use rayon::slice::ParallelSliceMut;
    let mut sorted: Vec<u64> = Vec::with_capacity(parts.iter().map(|p| p.sessions.len()).sum());
    for part in parts {
        if let IdCheck::Collect(hashes, _) = &part.check {
            sorted.extend_from_slice(hashes);
        }
    }
    sorted.par_sort_unstable();
    let twice: PlHashSet<u64> = sorted.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    drop(sorted);
    if twice.is_empty() {
        return Vec::new();
    }
    let mut seen = PlHashSet::default();
    let mut repeats = Vec::new();
    let mut row = 0u64;
    for part in parts {
        if let IdCheck::Collect(hashes, _) = &part.check {
            for hash in hashes {
                if twice.contains(hash) && !seen.insert(*hash) {
                    repeats.push(row);
                }
                row += 1;
            }
        }
    }
    repeats
}

/// The parts joined in file order, their ids merged into `ids`.
fn merge(parts: Vec<SessionsPart>, ids: &mut Ids, report: &FileReport) -> Sessions {
    let mut renumberings = Vec::with_capacity(parts.len());
    let mut parts = parts;
    for part in &mut parts {
        let own = std::mem::take(&mut part.ids);
        if ids.clinics.is_empty() && ids.clinicians.is_empty() && ids.clients.is_empty() {
            // The first part's codes stand as they are.
            *ids = own;
            renumberings.push(None);
        } else {
            renumberings.push(Some(Renumbering {
                clinics: ids.clinics.absorb(&own.clinics),
                clinicians: ids.clinicians.absorb(&own.clinicians),
                clients: ids.clients.absorb(&own.clients),
            }));
        }
    }
    let mut sessions = if parts.len() == 1 && renumberings[0].is_none() {
        parts.pop().map(|p| p.sessions).unwrap_or_default()
    } else {
        let total: usize = parts.iter().map(|p| p.sessions.len()).sum();
        let mut all = Sessions::default();
        // Column by column, each part's column freed as it is copied: at most one column more
        // than the parts hold is alive at a time.
        macro_rules! join {
            ($column:ident) => {{
                let mut joined = Vec::with_capacity(total);
                for part in &mut parts {
                    joined.append(&mut std::mem::take(&mut part.sessions.$column));
                }
                all.$column = joined;
            }};
            ($column:ident, $kind:ident) => {{
                let mut joined = Vec::with_capacity(total);
                for (part, renumbering) in parts.iter_mut().zip(&renumberings) {
                    let codes = std::mem::take(&mut part.sessions.$column);
                    match renumbering {
                        Some(r) => joined.extend(codes.iter().map(|&c| r.$kind[c as usize])),
                        None => joined.extend_from_slice(&codes),
                    }
                }
                all.$column = joined;
            }};
        }
        join!(clinic, clinics);
        join!(clinician, clinicians);
        join!(client, clients);
        join!(start);
        join!(duration);
        join!(status);
        join!(session_type);
        join!(note_signed);
        join!(high_acuity);
        all
    };
    // A column a mapping sets to one value carries no variation: not exported, not zero.
    let exported = |column: &str| report.columns.contains(&column) && !report.constants.contains(&column);
    sessions.has_note_signed = exported("note_signed_at");
    sessions.has_high_acuity = exported("high_acuity");
    sessions.status_constant = report.constants.contains(&"status");
    sessions
}

/// Reads sessions.csv in parts; `check(index)` gives part `index` its duplicate check.
fn read_sessions(
    dir: &Path,
    config: &Inputs,
    split: &Split,
    check: impl Fn(usize) -> IdCheck + Sync,
) -> Result<(Vec<SessionsPart>, FileReport, Vec<u64>)> {
    let specs = SESSIONS_COLUMNS;
    let sessions_table = table(config, SESSIONS, &specs, false);
    let estimate = estimated_rows(dir, &sessions_table) as u64;
    let size = std::fs::metadata(dir.join(sessions_table.source())).map_or(0, |m| m.len()).max(1);
    let make = |index: usize, bytes: u64| SessionsPart {
        sessions: Sessions::with_capacity((estimate.saturating_mul(bytes) / size) as usize + 16),
        ids: Ids::default(),
        check: check(index),
        status: String::new(),
    };
    const SESSION_ID: Col = col(&SESSIONS_COLUMNS, "session_id");
    const CLINIC: Col = col(&SESSIONS_COLUMNS, "clinic_id");
    const CLINICIAN: Col = col(&SESSIONS_COLUMNS, "clinician_id");
    const CLIENT: Col = col(&SESSIONS_COLUMNS, "client_id");
    const START: Col = col(&SESSIONS_COLUMNS, "start");
    const DURATION: Col = col(&SESSIONS_COLUMNS, "duration_min");
    const END: Col = col(&SESSIONS_COLUMNS, "end");
    const STATUS: Col = col(&SESSIONS_COLUMNS, "status");
    const SESSION_TYPE: Col = col(&SESSIONS_COLUMNS, "session_type");
    const NOTE_SIGNED: Col = col(&SESSIONS_COLUMNS, "note_signed_at");
    const HIGH_ACUITY: Col = col(&SESSIONS_COLUMNS, "high_acuity");
    let parts = read_table_parts(dir, &sessions_table, split, make, |part, row, _line| {
        let session_id = nonempty(row, SESSION_ID)?;
        let clinic = nonempty(row, CLINIC)?;
        let clinician = nonempty(row, CLINICIAN)?;
        let client = nonempty(row, CLIENT)?;
        let start = moment_cell(row, START)?.ok_or_else(|| CellError::new(START.name, "empty value", ""))?;
        let duration_text = row.cell(DURATION)?;
        let duration = if !duration_text.is_empty() {
            let minutes: i64 = duration_text
                .parse()
                .map_err(|_| CellError::new(DURATION.name, "not a whole number of minutes", duration_text))?;
            if !(1..=MAX_DURATION_MIN).contains(&minutes) {
                return Err(CellError::new(DURATION.name, "duration out of range (1–720 minutes)", duration_text));
            }
            minutes * 60
        } else {
            let end = moment_cell(row, END)?
                .ok_or_else(|| CellError::new(DURATION.name, "no duration_min and no end", ""))?;
            let seconds = end - start;
            if seconds <= 0 || seconds > MAX_DURATION_MIN * 60 {
                return Err(CellError::new(END.name, "duration out of range (1–720 minutes)", row.cell(END)?));
            }
            seconds
        };
        let status_text = row.cell(STATUS)?;
        let status = values::parse_status(status_text, &mut part.status)
            .ok_or_else(|| CellError::new(STATUS.name, "unknown status", status_text))?;
        let type_text = row.cell(SESSION_TYPE)?;
        let session_type = values::parse_session_type(type_text)
            .ok_or_else(|| CellError::new(SESSION_TYPE.name, "unknown session_type", type_text))?;
        let note_signed = moment_cell(row, NOTE_SIGNED)?;
        let high_acuity = bool_cell(row, HIGH_ACUITY)?;
        // Checked last, so that a row rejected for another reason does not claim its id.
        if !part.check.first_time(session_id) {
            return Err(CellError::new(SESSION_ID.name, "duplicate id", session_id));
        }
        let (sessions, ids) = (&mut part.sessions, &mut part.ids);
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
    let Parts { report, states, starts } = parts;
    if !report.columns.contains(&"duration_min") && !report.columns.contains(&"end") {
        let file = config.mapping.get("sessions").and_then(|m| m.source.clone()).unwrap_or_else(|| SESSIONS.into());
        return Err(Error::MissingOneOf { file, line: 1, columns: "`duration_min` or `end`".into() });
    }
    Ok((states, report, starts))
}

pub(super) fn load_admin(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(AdminTime, FileReport)>> {
    let specs = ADMIN_TIME_COLUMNS;
    let mut admin = AdminTime::default();
    const CLINIC: Col = col(&ADMIN_TIME_COLUMNS, "clinic_id");
    const CLINICIAN: Col = col(&ADMIN_TIME_COLUMNS, "clinician_id");
    const DATE: Col = col(&ADMIN_TIME_COLUMNS, "date");
    const HOURS: Col = col(&ADMIN_TIME_COLUMNS, "hours");
    const CATEGORY: Col = col(&ADMIN_TIME_COLUMNS, "category");
    const AFTER_HOURS: Col = col(&ADMIN_TIME_COLUMNS, "after_hours");
    let report = read_table(dir, &table(config, ADMIN_TIME, &specs, true), |row, _| {
        let clinic = nonempty(row, CLINIC)?;
        let clinician = nonempty(row, CLINICIAN)?;
        let date = date_cell(row, DATE)?.ok_or_else(|| CellError::new(DATE.name, "empty value", ""))?;
        let hours_text = nonempty(row, HOURS)?;
        let hours: f64 = hours_text.parse().map_err(|_| CellError::new(HOURS.name, "not a number", hours_text))?;
        if !(0.0..=24.0).contains(&hours) {
            return Err(CellError::new(HOURS.name, "hours out of range (0–24)", hours_text));
        }
        let category_text = row.cell(CATEGORY)?;
        let category = values::parse_category(category_text)
            .ok_or_else(|| CellError::new(CATEGORY.name, "unknown category", category_text))?;
        let after_hours = bool_cell(row, AFTER_HOURS)?;
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

pub(super) fn load_waitlist(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Waitlist, FileReport)>> {
    let specs = WAITLIST_COLUMNS;
    let mut waitlist = Waitlist::default();
    let mut seen = SeenIds::default();
    const REFERRAL_ID: Col = col(&WAITLIST_COLUMNS, "referral_id");
    const CLINIC: Col = col(&WAITLIST_COLUMNS, "clinic_id");
    const CLIENT: Col = col(&WAITLIST_COLUMNS, "client_id");
    const REFERRED_ON: Col = col(&WAITLIST_COLUMNS, "referred_on");
    const URGENCY: Col = col(&WAITLIST_COLUMNS, "urgency");
    const FIRST_SEEN_ON: Col = col(&WAITLIST_COLUMNS, "first_seen_on");
    const CLOSED_ON: Col = col(&WAITLIST_COLUMNS, "closed_on");
    let report = read_table(dir, &table(config, WAITLIST, &specs, true), |row, _| {
        let referral_id = nonempty(row, REFERRAL_ID)?;
        let clinic = nonempty(row, CLINIC)?;
        let client = nonempty(row, CLIENT)?;
        let referred_on =
            date_cell(row, REFERRED_ON)?.ok_or_else(|| CellError::new(REFERRED_ON.name, "empty value", ""))?;
        let urgency_text = row.cell(URGENCY)?;
        let urgency = values::parse_urgency(urgency_text)
            .ok_or_else(|| CellError::new(URGENCY.name, "unknown urgency", urgency_text))?;
        let first_seen_on = date_cell(row, FIRST_SEEN_ON)?;
        let closed_on = date_cell(row, CLOSED_ON)?;
        if first_seen_on.is_some_and(|d| d < referred_on) {
            return Err(CellError::new(
                FIRST_SEEN_ON.name,
                "first_seen_on before referred_on",
                row.cell(FIRST_SEEN_ON)?,
            ));
        }
        if closed_on.is_some_and(|d| d < referred_on) {
            return Err(CellError::new(CLOSED_ON.name, "closed_on before referred_on", row.cell(CLOSED_ON)?));
        }
        if !seen.first_time(referral_id) {
            return Err(CellError::new(REFERRAL_ID.name, "duplicate id", referral_id));
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

pub(super) fn load_roster(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Roster, FileReport)>> {
    let specs = CLINICIANS_COLUMNS;
    let mut roster = Roster::default();
    let mut seen = HashSet::new();
    const CLINICIAN: Col = col(&CLINICIANS_COLUMNS, "clinician_id");
    const CLINIC: Col = col(&CLINICIANS_COLUMNS, "clinic_id");
    const FTE: Col = col(&CLINICIANS_COLUMNS, "fte");
    const START_DATE: Col = col(&CLINICIANS_COLUMNS, "start_date");
    const END_DATE: Col = col(&CLINICIANS_COLUMNS, "end_date");
    let report = read_table(dir, &table(config, CLINICIANS, &specs, true), |row, _| {
        let clinician = nonempty(row, CLINICIAN)?;
        let clinic = nonempty(row, CLINIC)?;
        let fte_text = nonempty(row, FTE)?;
        let fte: f64 = fte_text.parse().map_err(|_| CellError::new(FTE.name, "not a number", fte_text))?;
        if !(fte > 0.0 && fte <= 1.5) {
            return Err(CellError::new(FTE.name, "fte out of range (0, 1.5]", fte_text));
        }
        let start_date = date_cell(row, START_DATE)?;
        let end_date = date_cell(row, END_DATE)?;
        if !seen.insert(clinician.to_owned()) {
            return Err(CellError::new(CLINICIAN.name, "duplicate id", clinician));
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

pub(super) fn load_wellbeing(dir: &Path, config: &Inputs, ids: &mut Ids) -> Result<Option<(Wellbeing, FileReport)>> {
    let specs = WELLBEING_COLUMNS;
    let mut wellbeing = Wellbeing::default();
    const CLINICIAN: Col = col(&WELLBEING_COLUMNS, "clinician_id");
    const CLINIC: Col = col(&WELLBEING_COLUMNS, "clinic_id");
    const DATE: Col = col(&WELLBEING_COLUMNS, "date");
    const MINI_Z: Col = col(&WELLBEING_COLUMNS, "mini_z");
    let report = read_table(dir, &table(config, WELLBEING, &specs, true), |row, _| {
        let clinician = nonempty(row, CLINICIAN)?;
        let clinic = nonempty(row, CLINIC)?;
        let date = date_cell(row, DATE)?.ok_or_else(|| CellError::new(DATE.name, "empty value", ""))?;
        let text = nonempty(row, MINI_Z)?;
        let mini_z = text
            .parse::<u8>()
            .ok()
            .filter(|v| (1..=5).contains(v))
            .ok_or_else(|| CellError::new(MINI_Z.name, "mini_z must be a whole number from 1 to 5", text))?;
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
    load_in_parts(dir, config, None)
}

/// `load_unchecked` with sessions.csv cut into parts of about `part_bytes` bytes (0: one part, as
/// a read on one core; None: as `CASELOAD_PART_BYTES` says, else four parts per core for a large
/// file). Every result is the same whatever the parts; tests compare them.
pub fn load_in_parts(dir: &Path, config: &Config, part_bytes: Option<u64>) -> Result<Dataset> {
    if !dir.is_dir() {
        return Err(Error::MissingFile { file: SESSIONS.into(), dir: dir.to_owned() });
    }
    let config = &Inputs::new(dir, config)?;
    let split = match part_bytes {
        Some(0) => Split::One,
        Some(bytes) => Split::Bytes(bytes),
        None => sessions_split(dir, config)?,
    };
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
        let sessions = load_sessions(dir, config, &mut ids, &split);
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
pub(super) fn describe(
    report: &mut FileReport,
    days: impl Iterator<Item = Day>,
    clinics: &[u32],
    clinicians: &[u32],
    ids: &Ids,
) {
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
