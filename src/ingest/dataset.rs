//! The ingested data model: one struct of plain columns per input file, and the dataset.

use super::*;

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
    pub(super) fn with_capacity(rows: usize) -> Sessions {
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
    pub(super) fn shrink_to_fit(&mut self) {
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
    pub(super) fn shrink_to_fit(&mut self) {
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

impl Dataset {
    pub(super) fn describe_files(&mut self) {
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
