//! Seeded synthetic exports in the canonical columns of SPEC §1, for the sample data, tests and
//! benchmarks. The structure follows what clinic exports show: recurring clients who finish and are
//! replaced from the waitlist, intakes, groups exported once per client, no-shows and cancellations,
//! weeks off, light and overloaded clinicians, after-hours documentation, late notes, high-acuity
//! work, supervision for some clinicians only, and one clinic whose referrals outgrow its capacity.
//!
//! Same options, same bytes on any machine: ChaCha8 with a fixed seed, integer-only calendar
//! arithmetic, no hash-map iteration, fixed decimal formatting.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::dates::{self, Day, SECONDS_PER_DAY};
use crate::error::{Error, Result};
use crate::ingest::{column_names, ADMIN_TIME_COLUMNS, CLINICIANS_COLUMNS, WAITLIST_COLUMNS, WELLBEING_COLUMNS};

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub out: PathBuf,
    pub clinics: u32,
    pub clinicians: u32,
    pub weeks: u32,
    pub seed: u64,
    /// Last day with events; later weeks hold only booked (scheduled) sessions.
    pub as_of: Day,
}

/// Row counts written, per file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    pub sessions: u64,
    pub admin_entries: u64,
    pub referrals: u64,
    pub clinicians: u64,
}

struct Random(ChaCha8Rng);

impl Random {
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.unit() * (hi - lo + 1) as f64) as i64
    }

    fn poisson(&mut self, mean: f64) -> u32 {
        // Knuth's method; means here are small (referrals per clinic-week).
        let limit = (-mean).exp();
        let mut product = self.unit();
        let mut n = 0;
        while product > limit {
            n += 1;
            product *= self.unit();
        }
        n
    }

    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Load {
    Light,
    Normal,
    Overloaded,
}

struct Clinician {
    id: String,
    clinic: usize,
    fte: f64,
    load: Load,
    target_caseload: usize,
    doc_minutes: f64,
    after_hours_share: f64,
    acuity: f64,
    sign_lag_hours: f64,
    supervision_every: Option<u32>,
    gives_supervision: bool,
    weeks_off: Vec<u32>,
    leaves_after: Option<u32>,
    clients: Vec<Client>,
    group: Option<Vec<String>>,
}

struct Appointment<'a> {
    client: &'a str,
    start: i64,
    minutes: i64,
    kind: &'static str,
    /// A fixed outcome; otherwise one is drawn.
    status: Option<&'static str>,
}

struct Client {
    id: String,
    weekday: i64,
    slot: i64,
    every: u32,
    next_week: u32,
    remaining: u32,
}

#[derive(Clone)]
struct Referral {
    id: String,
    client: String,
    referred_on: Day,
    urgency: &'static str,
    first_seen_on: Option<Day>,
    closed_on: Option<Day>,
    close_reason: &'static str,
}

struct Writers {
    sessions: csv::Writer<BufWriter<std::fs::File>>,
    admin: csv::Writer<BufWriter<std::fs::File>>,
    path: PathBuf,
}

fn writer(path: &Path, header: &[&str]) -> Result<csv::Writer<BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(path).map_err(|e| Error::output(path, e))?;
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    w.write_record(header).map_err(|e| Error::output(path, std::io::Error::other(e.to_string())))?;
    Ok(w)
}

fn io(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::output(path, std::io::Error::other(e.to_string()))
}

/// sessions.csv's canonical columns without `end` (the generator writes duration_min).
const SESSION_HEADER: [&str; 10] = [
    "session_id",
    "clinic_id",
    "clinician_id",
    "client_id",
    "start",
    "duration_min",
    "status",
    "session_type",
    "note_signed_at",
    "high_acuity",
];

/// Appointment slots of a clinic day: 08:00 … 16:00.
const SLOTS: i64 = 9;
/// Weeks of booked appointments exported after as_of.
const BOOKED_WEEKS: u32 = 2;
const MEAN_EPISODE_WEEKS: f64 = 24.0;

struct Simulation {
    rng: Random,
    clinic_ids: Vec<String>,
    clinicians: Vec<Clinician>,
    queues: Vec<VecDeque<usize>>,
    referrals: Vec<Referral>,
    referral_clinic: Vec<usize>,
    arrivals: Vec<f64>,
    next_client: u64,
    next_session: u64,
    first_monday: Day,
    as_of: Day,
    rows: Generated,
}

impl Simulation {
    fn new_client_id(&mut self) -> String {
        self.next_client += 1;
        format!("P{:06}", self.next_client)
    }

    fn new_referral(&mut self, clinic: usize, referred_on: Day) -> usize {
        let roll = self.rng.unit();
        let urgency = if roll < 0.04 {
            "emergency"
        } else if roll < 0.19 {
            "urgent"
        } else {
            "routine"
        };
        let client = self.new_client_id();
        let index = self.referrals.len();
        self.referrals.push(Referral {
            id: format!("R{:06}", index + 1),
            client,
            referred_on,
            urgency,
            first_seen_on: None,
            closed_on: None,
            close_reason: "",
        });
        self.referral_clinic.push(clinic);
        let queue = &mut self.queues[clinic];
        // Emergencies and urgent referrals go ahead of routine ones.
        let position = match urgency {
            "emergency" => queue.iter().position(|&r| self.referrals[r].urgency != "emergency").unwrap_or(queue.len()),
            "urgent" => queue.iter().position(|&r| self.referrals[r].urgency == "routine").unwrap_or(queue.len()),
            _ => queue.len(),
        };
        queue.insert(position, index);
        index
    }

    /// Writes one appointment row of clinician `c`; returns the status it drew.
    fn session(&mut self, out: &mut Writers, c: usize, appointment: Appointment) -> Result<&'static str> {
        let Appointment { client, start, minutes, kind, status: status_override } = appointment;
        let day = dates::day_of(start);
        let clinician = &self.clinicians[c];
        let status = if day > self.as_of {
            "scheduled"
        } else if let Some(s) = status_override {
            s
        } else {
            let roll = self.rng.unit();
            let no_show = if clinician.load == Load::Overloaded { 0.10 } else { 0.07 };
            if roll < no_show {
                "no_show"
            } else if roll < no_show + 0.04 {
                "cancelled_late"
            } else if roll < no_show + 0.09 {
                "cancelled_client"
            } else if roll < no_show + 0.105 {
                "cancelled_clinician"
            } else {
                "attended"
            }
        };
        let high_acuity = status == "attended" && (kind == "crisis" || self.rng.chance(clinician.acuity));
        let signed = if status != "attended" || self.rng.chance(0.015) {
            String::new()
        } else {
            let lag = 0.25 + self.rng.exponential(clinician.sign_lag_hours);
            let at = start + minutes * 60 + (lag * 3600.0) as i64;
            if dates::day_of(at) > self.as_of {
                String::new()
            } else {
                dates::format_moment(at)
            }
        };
        self.next_session += 1;
        self.rows.sessions += 1;
        let path = out.path.join("sessions.csv");
        out.sessions
            .write_record([
                format!("S{:07}", self.next_session).as_str(),
                &self.clinic_ids[clinician.clinic],
                &clinician.id,
                client,
                &dates::format_moment(start),
                &minutes.to_string(),
                status,
                kind,
                &signed,
                if high_acuity { "true" } else { "false" },
            ])
            .map_err(io(&path))?;
        Ok(status)
    }

    fn admin(&mut self, out: &mut Writers, c: usize, day: Day, hours: f64, category: &str, after: bool) -> Result<()> {
        if hours < 0.05 || day > self.as_of {
            return Ok(());
        }
        let clinician = &self.clinicians[c];
        self.rows.admin_entries += 1;
        let path = out.path.join("admin_time.csv");
        out.admin
            .write_record([
                self.clinic_ids[clinician.clinic].as_str(),
                &clinician.id,
                &dates::format_day(day),
                &format!("{:.2}", (hours * 4.0).round() / 4.0),
                category,
                if after { "true" } else { "false" },
            ])
            .map_err(io(&path))
    }

    fn week(&mut self, out: &mut Writers, w: u32) -> Result<()> {
        let monday = self.first_monday + 7 * w as Day;
        // Referrals arrive on weekdays; a few close unseen each week.
        for clinic in 0..self.clinic_ids.len() {
            let arrivals = self.rng.poisson(self.arrivals[clinic]);
            for _ in 0..arrivals {
                let day = monday + self.rng.between(0, 4) as Day;
                if day <= self.as_of {
                    self.new_referral(clinic, day);
                }
            }
            let mut kept = VecDeque::with_capacity(self.queues[clinic].len());
            while let Some(r) = self.queues[clinic].pop_front() {
                let waited = monday - self.referrals[r].referred_on;
                let p_close = if waited > 120 { 0.035 } else { 0.012 };
                let day = monday + self.rng.between(0, 4) as Day;
                if waited > 7 && day <= self.as_of && self.rng.chance(p_close) {
                    let reasons = ["declined", "no contact", "referred elsewhere"];
                    self.referrals[r].closed_on = Some(day);
                    self.referrals[r].close_reason = reasons[self.rng.between(0, 2) as usize];
                } else {
                    kept.push_back(r);
                }
            }
            self.queues[clinic] = kept;
        }

        for c in 0..self.clinicians.len() {
            if self.clinicians[c].leaves_after.is_some_and(|last| w > last) {
                continue;
            }
            if self.clinicians[c].weeks_off.contains(&w) {
                for client in &mut self.clinicians[c].clients {
                    if client.next_week == w {
                        client.next_week += 1;
                    }
                }
                continue;
            }
            self.clinician_week(out, c, w, monday)?;
        }
        Ok(())
    }

    fn clinician_week(&mut self, out: &mut Writers, c: usize, w: u32, monday: Day) -> Result<()> {
        let mut minutes_by_day = [0.0f64; 5];
        let mut previous_start: Option<i64> = None;
        let mut index = 0;
        while index < self.clinicians[c].clients.len() {
            let client = &self.clinicians[c].clients[index];
            if client.next_week != w {
                index += 1;
                continue;
            }
            let (weekday, slot, id, every) = (client.weekday, client.slot, client.id.clone(), client.every);
            let mut start = (monday as i64 + weekday) * SECONDS_PER_DAY + (8 + slot) * 3600;
            // Occasional double booking: the same slot as the previous appointment.
            if let Some(previous) = previous_start {
                if self.rng.chance(0.015) {
                    start = previous;
                }
            }
            previous_start = Some(start);
            let crisis = self.rng.chance(self.clinicians[c].acuity * 0.08);
            let (kind, minutes) = if crisis { ("crisis", 60) } else { ("therapy", 50) };
            let status = self.session(out, c, Appointment { client: &id, start, minutes, kind, status: None })?;
            if status == "attended" {
                minutes_by_day[weekday as usize] += minutes as f64;
            }
            let client = &mut self.clinicians[c].clients[index];
            client.next_week = w + every;
            if status == "attended" || status == "no_show" {
                client.remaining = client.remaining.saturating_sub(1);
            }
            let drop_out = status == "no_show" && self.rng.chance(0.15);
            if client.remaining == 0 || drop_out {
                self.clinicians[c].clients.swap_remove(index);
            } else {
                index += 1;
            }
        }

        // Weekly group, exported once per client with the same start.
        if let Some(members) = self.clinicians[c].group.clone() {
            let start = (monday as i64 + 3) * SECONDS_PER_DAY + 16 * 3600 + 30 * 60;
            let mut attended = false;
            for member in &members {
                let appointment = Appointment { client: member, start, minutes: 90, kind: "group", status: None };
                attended |= self.session(out, c, appointment)? == "attended";
            }
            if attended {
                minutes_by_day[3] += 90.0;
            }
        }

        // Intakes from the clinic's queue while the caseload is below target.
        let clinic = self.clinicians[c].clinic;
        let mut intakes = 0;
        while self.clinicians[c].clients.len() < self.clinicians[c].target_caseload && intakes < 4 {
            let weekday = self.rng.between(0, 4);
            let day = monday + weekday as Day;
            // The first waiting referral, in priority order, that arrived before the offered day.
            let Some(position) = self.queues[clinic].iter().position(|&r| self.referrals[r].referred_on < day) else {
                break;
            };
            let Some(r) = self.queues[clinic].remove(position) else { break };
            intakes += 1;
            let slot = self.rng.between(0, SLOTS - 1);
            let start = (day as i64) * SECONDS_PER_DAY + (8 + slot) * 3600;
            let client = self.referrals[r].client.clone();
            let shows_up = self.rng.chance(0.93);
            let outcome = Some(if shows_up { "attended" } else { "no_show" });
            let appointment = Appointment { client: &client, start, minutes: 75, kind: "intake", status: outcome };
            let status = self.session(out, c, appointment)?;
            if status == "attended" {
                self.referrals[r].first_seen_on = Some(day);
                minutes_by_day[weekday as usize] += 75.0;
                let every = if self.rng.chance(0.85) { 1 } else { 2 };
                let remaining = 6 + (self.rng.exponential(22.0) as u32).min(80);
                self.clinicians[c].clients.push(Client {
                    id: client,
                    weekday: self.rng.between(0, 4),
                    slot: self.rng.between(0, SLOTS - 1),
                    every,
                    next_week: w + 1,
                    remaining,
                });
            } else if status != "scheduled" {
                // Not seen: back to the front of the queue for another offer.
                self.queues[clinic].push_front(r);
                break;
            } else {
                self.queues[clinic].push_front(r);
                break;
            }
        }
        self.week_admin(out, c, monday, &minutes_by_day)
    }

    fn week_admin(&mut self, out: &mut Writers, c: usize, monday: Day, minutes_by_day: &[f64; 5]) -> Result<()> {
        let (doc_minutes, after_share, load) = {
            let k = &self.clinicians[c];
            (k.doc_minutes, k.after_hours_share, k.load)
        };
        for (weekday, &minutes) in minutes_by_day.iter().enumerate() {
            let day = monday + weekday as Day;
            let documentation = minutes / 50.0 * doc_minutes / 60.0 * (0.8 + 0.4 * self.rng.unit());
            if self.rng.chance(after_share) {
                let later = documentation * (0.3 + 0.4 * self.rng.unit());
                self.admin(out, c, day, documentation - later, "documentation", false)?;
                self.admin(out, c, day, later, "documentation", true)?;
            } else {
                self.admin(out, c, day, documentation, "documentation", false)?;
            }
        }
        // Documentation that did not fit the week spills into the weekend, unpaid.
        if self.rng.chance(after_share * 0.6) {
            let hours = 1.0 + 2.0 * self.rng.unit();
            let weekend_day = monday + 5 + self.rng.between(0, 1) as Day;
            self.admin(out, c, weekend_day, hours, "documentation", true)?;
        }
        let meetings = if load == Load::Overloaded { 2.0 } else { 1.0 };
        // (chance in a week, weekday, base hours, random extra hours, category)
        let weekly: [(f64, Day, f64, f64, &str); 6] = [
            (1.0, 1, meetings, 0.75, "meetings"),
            (1.0, 2, 0.25, 0.75, "correspondence"),
            (0.5, 4, 0.5, 0.5, "billing"),
            (0.1, 3, 1.0, 1.0, "travel"),
            (0.15, 4, 0.5, 0.5, "other"),
            (0.12, 2, 2.0, 2.0, "training"),
        ];
        for (chance, weekday, base, extra, category) in weekly {
            if self.rng.chance(chance) {
                let hours = base + extra * self.rng.unit();
                self.admin(out, c, monday + weekday, hours, category, false)?;
            }
        }
        let week_number = ((monday - self.first_monday) / 7) as u32;
        if let Some(every) = self.clinicians[c].supervision_every {
            if week_number % every == c as u32 % every {
                self.admin(out, c, monday + 3, 1.0, "supervision_received", false)?;
            }
        }
        if self.clinicians[c].gives_supervision {
            self.admin(out, c, monday + 3, 2.0, "supervision_given", false)?;
        }
        Ok(())
    }
}

pub fn generate(options: &GenerateOptions) -> Result<Generated> {
    if options.clinics == 0 || options.clinicians < options.clinics || options.weeks == 0 {
        return Err(Error::Data(
            "generate: need at least one clinic, at least one clinician per clinic and at least one week".into(),
        ));
    }
    std::fs::create_dir_all(&options.out).map_err(|e| Error::output(&options.out, e))?;
    let mut rng = Random(ChaCha8Rng::seed_from_u64(options.seed));
    let as_of = options.as_of;
    let first_monday = dates::week_start(as_of) - 7 * (options.weeks as Day - 1);
    let clinic_ids: Vec<String> = (1..=options.clinics).map(|i| format!("C{i:02}")).collect();
    let width = options.clinicians.to_string().len().max(3);

    let mut clinicians = Vec::new();
    for i in 0..options.clinicians {
        let fte = match rng.unit() {
            r if r < 0.55 => 1.0,
            r if r < 0.8 => 0.8,
            r if r < 0.92 => 0.6,
            _ => 0.5,
        };
        let load = match rng.unit() {
            r if r < 0.2 => Load::Light,
            r if r < 0.72 => Load::Normal,
            _ => Load::Overloaded,
        };
        let (caseload_per_fte, doc_minutes, after_share, lag, off_weeks) = match load {
            Load::Light => (15.0, 6.0 + 4.0 * rng.unit(), 0.05, 14.0, 6),
            Load::Normal => (22.0, 9.0 + 6.0 * rng.unit(), 0.15, 26.0, 5),
            Load::Overloaded => (42.0, 16.0 + 10.0 * rng.unit(), 0.6, 70.0, 1),
        };
        let off_count = ((off_weeks as f64) * options.weeks as f64 / 52.0).round() as u32;
        let mut weeks_off: Vec<u32> = (0..off_count).map(|_| rng.between(0, options.weeks as i64 - 1) as u32).collect();
        weeks_off.sort_unstable();
        let acuity = if rng.chance(0.2) { 0.35 + 0.3 * rng.unit() } else { 0.05 + 0.2 * rng.unit() };
        // Supervision is the first thing to go when a caseload overflows.
        let unsupervised = if load == Load::Overloaded { 0.6 } else { 0.25 };
        let supervision_every = match rng.unit() {
            r if r < unsupervised => None,
            r if r < (1.0 + unsupervised) / 2.0 => Some(2),
            _ => Some(1),
        };
        let target_caseload = ((caseload_per_fte * fte) as usize).max(3);
        let clinic = (i % options.clinics) as usize;
        let leaves_after = (options.weeks >= 20 && i % 19 == 7).then_some(options.weeks * 3 / 4);
        clinicians.push(Clinician {
            id: format!("T{:0width$}", i + 1),
            clinic,
            fte,
            load,
            target_caseload,
            doc_minutes,
            after_hours_share: after_share,
            acuity,
            sign_lag_hours: lag,
            supervision_every,
            gives_supervision: i % 9 == 0,
            weeks_off,
            leaves_after,
            clients: Vec::new(),
            group: None,
        });
    }

    let mut sim = Simulation {
        rng,
        clinic_ids,
        clinicians,
        queues: vec![VecDeque::new(); options.clinics as usize],
        referrals: Vec::new(),
        referral_clinic: Vec::new(),
        arrivals: vec![0.0; options.clinics as usize],
        next_client: 0,
        next_session: 0,
        first_monday,
        as_of,
        rows: Generated::default(),
    };

    // Initial caseloads, groups, and referral rates matched to each clinic's capacity; the last
    // clinic receives more referrals than it can start, so its backlog grows.
    let mut capacity = vec![0.0; options.clinics as usize];
    for c in 0..sim.clinicians.len() {
        let target = sim.clinicians[c].target_caseload;
        for _ in 0..(target * 9 / 10) {
            let id = sim.new_client_id();
            let every = if sim.rng.chance(0.85) { 1 } else { 2 };
            let client = Client {
                id,
                weekday: sim.rng.between(0, 4),
                slot: sim.rng.between(0, SLOTS - 1),
                every,
                next_week: sim.rng.between(0, every as i64 - 1) as u32,
                remaining: 1 + sim.rng.between(0, 40) as u32,
            };
            sim.clinicians[c].clients.push(client);
        }
        if sim.rng.chance(0.3) {
            let members = (0..sim.rng.between(5, 8)).map(|_| sim.new_client_id()).collect();
            sim.clinicians[c].group = Some(members);
        }
        capacity[sim.clinicians[c].clinic] += target as f64 / MEAN_EPISODE_WEEKS;
    }
    let last = options.clinics as usize - 1;
    for (clinic, starts) in capacity.iter().enumerate() {
        sim.arrivals[clinic] = starts * if clinic == last && options.clinics > 1 { 1.45 } else { 0.95 };
    }
    for clinic in 0..options.clinics as usize {
        let initial = (sim.arrivals[clinic] * 4.0) as usize;
        for k in 0..initial {
            let referred_on = first_monday - 1 - (k as Day * 42 / initial.max(1) as Day);
            sim.new_referral(clinic, referred_on);
        }
    }

    let mut out = Writers {
        sessions: writer(&options.out.join("sessions.csv"), &SESSION_HEADER)?,
        admin: writer(&options.out.join("admin_time.csv"), &column_names(&ADMIN_TIME_COLUMNS))?,
        path: options.out.clone(),
    };
    for w in 0..options.weeks + BOOKED_WEEKS {
        sim.week(&mut out, w)?;
    }
    let flush = |w: csv::Writer<BufWriter<std::fs::File>>, name: &str| -> Result<()> {
        let path = options.out.join(name);
        w.into_inner().map_err(|e| Error::output(&path, e.into_error()))?.flush().map_err(|e| Error::output(&path, e))
    };
    flush(out.sessions, "sessions.csv")?;
    flush(out.admin, "admin_time.csv")?;
    write_waitlist(&options.out, &sim)?;
    write_roster(&options.out, &sim, first_monday, as_of)?;
    write_wellbeing(&options.out, &mut sim)?;
    let mut rows = sim.rows.clone();
    rows.referrals = sim.referrals.len() as u64;
    rows.clinicians = sim.clinicians.len() as u64;
    Ok(rows)
}

fn write_waitlist(dir: &Path, sim: &Simulation) -> Result<()> {
    let path = dir.join("waitlist.csv");
    let mut w = writer(&path, &column_names(&WAITLIST_COLUMNS))?;
    for (r, clinic) in sim.referrals.iter().zip(&sim.referral_clinic) {
        let day = |d: Option<Day>| d.map(dates::format_day).unwrap_or_default();
        w.write_record([
            r.id.as_str(),
            &sim.clinic_ids[*clinic],
            &r.client,
            &dates::format_day(r.referred_on),
            r.urgency,
            &day(r.first_seen_on),
            &day(r.closed_on),
            r.close_reason,
        ])
        .map_err(io(&path))?;
    }
    w.flush().map_err(|e| Error::output(&path, e))
}

fn write_roster(dir: &Path, sim: &Simulation, first_monday: Day, as_of: Day) -> Result<()> {
    let path = dir.join("clinicians.csv");
    let mut w = writer(&path, &column_names(&CLINICIANS_COLUMNS))?;
    let roles = ["psychologist", "counsellor", "social worker", "psychotherapist"];
    for (i, k) in sim.clinicians.iter().enumerate() {
        let end = k.leaves_after.map(|last| (first_monday + 7 * last as Day + 4).min(as_of));
        w.write_record([
            k.id.as_str(),
            &sim.clinic_ids[k.clinic],
            &format!("{:.1}", k.fte),
            roles[i % roles.len()],
            &dates::format_day(first_monday - 7 * (52 + (i as Day * 37) % 400)),
            &end.map(dates::format_day).unwrap_or_default(),
        ])
        .map_err(io(&path))?;
    }
    w.flush().map_err(|e| Error::output(&path, e))
}

/// One survey round ten days before as_of; answers lean with workload, with noise, and some
/// clinicians do not answer.
fn write_wellbeing(dir: &Path, sim: &mut Simulation) -> Result<()> {
    let path = dir.join("wellbeing.csv");
    let mut w = writer(&path, &column_names(&WELLBEING_COLUMNS))?;
    let date = dates::format_day(sim.as_of - 10);
    for c in 0..sim.clinicians.len() {
        if sim.clinicians[c].leaves_after.is_some() || !sim.rng.chance(0.85) {
            continue;
        }
        let lean = match sim.clinicians[c].load {
            Load::Light => 1.6,
            Load::Normal => 2.3,
            Load::Overloaded => 3.4,
        };
        let answer = (lean + 1.6 * (sim.rng.unit() - 0.5)).round().clamp(1.0, 5.0) as u8;
        let clinician = &sim.clinicians[c];
        w.write_record([clinician.id.as_str(), &sim.clinic_ids[clinician.clinic], &date, &answer.to_string()])
            .map_err(io(&path))?;
    }
    w.flush().map_err(|e| Error::output(&path, e))
}
