//! The adversarial check of disclosure control, written from the published files and the README
//! alone: every count of people an advocacy run publishes becomes a variable whose range is what its
//! cell says (a number, a rounded number, "<8", "<11", "suppressed"), every relation the README
//! states between them becomes a constraint (clinics add up to the network, urgencies to `all`,
//! parts to their total, a backlog changes by referrals − first appointments − closures, the same
//! count in two tables, a rate × its number of weeks), and a linear programme solves them jointly.
//! A hidden count that can take only one integer value is recovered, and the check fails.
//!
//! The internal run of the same export gives the true values: every constraint must hold on them
//! (so the model of the relations is right), but they play no part in what the reader can infer.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};

use crate::util::{assert_ok, read_csv, Dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Round,
    Suppress,
}

impl Mode {
    fn config(self) -> &'static str {
        match self {
            Mode::Round => "disclosure = \"round\"\n",
            Mode::Suppress => "disclosure = \"suppress\"\n",
        }
    }
}

/// What a published count cell tells a reader who knows the rule: the range of the true count, and
/// whether the cell is hidden (not shown as its value, exactly or rounded). A count that is not
/// published at all ("withheld") is 0 or more; it counts as recovered when the relations pin it to
/// a small value.
fn cell_range(text: &str, mode: Mode) -> Option<(f64, f64, bool)> {
    let text = text.trim();
    let off = switched_off();
    match (mode, text) {
        (Mode::Round, "<8") => Some((1.0, 7.0, true)),
        (Mode::Suppress, "<11") => Some((1.0, 10.0, true)),
        (Mode::Suppress, "suppressed") => Some((11.0, f64::INFINITY, true)),
        (Mode::Round, "suppressed") => Some((8.0, f64::INFINITY, true)),
        // A count that is not published is still a count: 0 or more.
        (_, "" | "withheld") => Some((0.0, f64::INFINITY, false)),
        (_, t) if t.starts_with("exact ") => t[6..].parse::<f64>().ok().map(|n| (n, n, false)),
        (Mode::Round, number) => {
            let n: f64 = number.parse().ok()?;
            // Rounded to the nearest 5; a published 0 is a true 0 (1 to 7 read "<8").
            if n == 0.0 || off.contains(&"rounding") || (off.contains(&"small") && n < 8.0) {
                Some((n, n, false))
            } else {
                Some(((n - 2.0).max(8.0), n + 2.0, false))
            }
        }
        (Mode::Suppress, number) => number.parse::<f64>().ok().map(|n| (n, n, false)),
    }
}

/// Σ coefficient × variable, compared with a right-hand side.
type Relation = (Vec<(usize, f64)>, ComparisonOp, f64);

/// The rules the run under attack was told to switch off (`CASELOAD_TEST_DISCLOSURE_OFF`, which the
/// spawned binary inherits): the reader then knows the published numbers are exact.
fn switched_off() -> Vec<&'static str> {
    let value = std::env::var("CASELOAD_TEST_DISCLOSURE_OFF").unwrap_or_default();
    ["rounding", "small", "rates"].into_iter().filter(|r| value.split(',').any(|v| v.trim() == *r)).collect()
}

/// The published counts as variables, the relations between them as constraints.
#[derive(Default)]
struct Model {
    index: BTreeMap<String, usize>,
    names: Vec<String>,
    bounds: Vec<(f64, f64)>,
    hidden: Vec<bool>,
    truth: Vec<f64>,
    rows: Vec<Relation>,
}

impl Model {
    /// The variable of a published count (one per key: the same count in two places is one
    /// variable, whose range is the intersection of what each says).
    fn cell(&mut self, key: String, text: &str, truth: &str, mode: Mode) -> Option<usize> {
        let (lo, hi, hidden) = cell_range(text, mode)?;
        let truth: f64 =
            truth.trim_start_matches("exact ").parse().unwrap_or_else(|_| panic!("{key}: internal value {truth:?}"));
        let next = self.names.len();
        let i = *self.index.entry(key.clone()).or_insert(next);
        if i == next {
            self.names.push(key);
            self.bounds.push((lo, hi));
            self.hidden.push(hidden);
            self.truth.push(truth);
        } else {
            let (a, b) = self.bounds[i];
            self.bounds[i] = (a.max(lo), b.min(hi));
            self.hidden[i] &= hidden;
        }
        Some(i)
    }

    fn relation(&mut self, terms: Vec<(Option<usize>, f64)>, op: ComparisonOp, rhs: f64) {
        // A relation with a term the reader cannot bound (a withheld cell) says nothing.
        let Some(terms) = terms.into_iter().map(|(v, c)| v.map(|v| (v, c))).collect::<Option<Vec<_>>>() else {
            return;
        };
        self.rows.push((terms, op, rhs));
    }

    /// Every constraint must hold on the true values, or the model of the relations is wrong.
    fn check_truth(&self) {
        for (i, &(lo, hi)) in self.bounds.iter().enumerate() {
            let t = self.truth[i];
            assert!(lo - 1e-9 <= t && t <= hi + 1e-9, "{}: true {t} outside the published [{lo}, {hi}]", self.names[i]);
        }
        for (terms, op, rhs) in &self.rows {
            let lhs: f64 = terms.iter().map(|(v, c)| c * self.truth[*v]).sum();
            let holds = match op {
                ComparisonOp::Eq => (lhs - rhs).abs() < 1e-6,
                ComparisonOp::Le => lhs <= rhs + 1e-6,
                ComparisonOp::Ge => lhs >= rhs - 1e-6,
            };
            let named: Vec<String> = terms.iter().map(|(v, c)| format!("{c} × {}", self.names[*v])).collect();
            assert!(holds, "the relation {} {op:?} {rhs} does not hold on the true values ({lhs})", named.join(" + "));
        }
    }

    /// The hidden cells whose every solution has one integer value: (name, that value).
    fn recovered(&self, small_below: f64) -> Vec<(String, f64)> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<_> = self.bounds.iter().map(|&b| problem.add_var(0.0, b)).collect();
        for (terms, op, rhs) in &self.rows {
            let expr: LinearExpr = terms.iter().map(|&(v, c)| (vars[v], c)).collect::<Vec<_>>().into();
            problem.add_constraint(expr, *op, *rhs);
        }
        let base = problem.solve().expect("the published figures are consistent").into_solution();
        let Ok(base) = base else { panic!("the solver stopped before a solution") };
        let feasible = |v: usize, op: ComparisonOp, k: f64| -> bool {
            match base.clone().add_constraint([(vars[v], 1.0)], op, k) {
                Ok(outcome) => outcome.into_solution().is_ok(),
                Err(microlp::Error::Infeasible) => false,
                Err(e) => panic!("{}: {e:?}", self.names[v]),
            }
        };
        let mut recovered = Vec::new();
        for (v, &(lo, hi)) in self.bounds.iter().enumerate() {
            if lo == hi {
                // Shown exactly: a recovery only if it is a small count shown as a number.
                if (1.0..small_below).contains(&lo) {
                    recovered.push((self.names[v].clone(), self.truth[v]));
                }
                continue;
            }
            if !self.hidden[v] && hi.is_finite() {
                // A rounded count is within 2 of what it says and 8 or more: no small count to give away.
                continue;
            }
            let p = base.var_value(vars[v]);
            let f = (p + 1e-6).floor();
            let pinned = if (p - p.round()).abs() < 1e-6 {
                !feasible(v, ComparisonOp::Ge, f + 1.0) && !feasible(v, ComparisonOp::Le, f - 1.0)
            } else {
                let (up, down) = (feasible(v, ComparisonOp::Ge, f + 1.0), feasible(v, ComparisonOp::Le, f));
                match (up, down) {
                    (true, true) => false,
                    (true, false) => !feasible(v, ComparisonOp::Ge, f + 2.0),
                    (false, true) => !feasible(v, ComparisonOp::Le, f - 1.0),
                    (false, false) => unreachable!("the true value is feasible"),
                }
            };
            let small = (1.0..small_below).contains(&p.round());
            if pinned && (self.hidden[v] || small) {
                recovered.push((self.names[v].clone(), self.truth[v]));
            }
        }
        recovered
    }
}

type Rows = Vec<HashMap<String, String>>;

fn keyed(rows: &Rows, keys: &[&str]) -> BTreeMap<Vec<String>, HashMap<String, String>> {
    rows.iter().map(|r| (keys.iter().map(|k| r[*k].clone()).collect(), r.clone())).collect()
}

/// Builds the model from an advocacy report folder and the internal report of the same inputs.
fn model(advocacy: &Path, internal: &Path, mode: Mode, capacity_weeks: usize) -> Model {
    let mut m = Model::default();
    let data = |dir: &Path, name: &str| -> Option<Rows> {
        let path = dir.join("data").join(name);
        path.exists().then(|| read_csv(&path))
    };

    // waitlist_weeks: clinics add up to ALL each week; a backlog changes by the week's flows.
    let columns = ["referrals", "first_seen", "closed_unseen", "backlog"];
    if let (Some(published), Some(truth)) = (data(advocacy, "waitlist_weeks.csv"), data(internal, "waitlist_weeks.csv"))
    {
        let truth = keyed(&truth, &["clinic_id", "week_start"]);
        let mut at: BTreeMap<(String, String, &str), usize> = BTreeMap::new();
        let mut weeks = BTreeSet::new();
        let mut clinics = BTreeSet::new();
        for row in &published {
            let (clinic, week) = (row["clinic_id"].clone(), row["week_start"].clone());
            let true_row = &truth[&vec![clinic.clone(), week.clone()]];
            for column in columns {
                let key = format!("waitlist_weeks {clinic} {week} {column}");
                if let Some(v) = m.cell(key, &row[column], &true_row[column], mode) {
                    at.insert((clinic.clone(), week.clone(), column), v);
                }
            }
            weeks.insert(week);
            clinics.insert(clinic);
        }
        let parts: Vec<&String> = clinics.iter().filter(|c| *c != "ALL").collect();
        for week in &weeks {
            for column in columns {
                let get = |c: &String| at.get(&(c.clone(), week.clone(), column)).copied();
                let mut terms: Vec<(Option<usize>, f64)> = parts.iter().map(|c| (get(c), 1.0)).collect();
                terms.push((get(&"ALL".to_owned()), -1.0));
                m.relation(terms, ComparisonOp::Eq, 0.0);
            }
        }
        let weeks: Vec<&String> = weeks.iter().collect();
        for clinic in &clinics {
            for pair in weeks.windows(2) {
                let get = |w: &String, c: &str| at.get(&(clinic.clone(), w.clone(), c)).copied();
                let (previous, week) = (pair[0], pair[1]);
                m.relation(
                    vec![
                        (get(week, "backlog"), 1.0),
                        (get(previous, "backlog"), -1.0),
                        (get(week, "referrals"), -1.0),
                        (get(week, "first_seen"), 1.0),
                        (get(week, "closed_unseen"), 1.0),
                    ],
                    ComparisonOp::Eq,
                    0.0,
                );
            }
        }

        // capacity: its backlog is the backlog at as-of (the last window week's, when the
        // window ends on as-of), clinics add up to ALL, and λ, μ × the capacity window are the sums
        // of the window's last weeks.
        if let (Some(capacity), Some(capacity_truth)) = (data(advocacy, "capacity.csv"), data(internal, "capacity.csv"))
        {
            let capacity_truth = keyed(&capacity_truth, &["clinic_id"]);
            let last = weeks.last().copied().cloned().unwrap_or_default();
            let recent: Vec<&String> = weeks.iter().rev().take(capacity_weeks).copied().collect();
            let mut backlog_terms = Vec::new();
            let mut sums: BTreeMap<&str, Vec<(Option<usize>, f64)>> = BTreeMap::new();
            let exact_rates = switched_off().contains(&"rates");
            for row in &capacity {
                let clinic = row["clinic_id"].clone();
                let true_row = &capacity_truth[&vec![clinic.clone()]];
                let b = m.cell(format!("capacity {clinic} backlog"), &row["backlog"], &true_row["backlog"], mode);
                let last_backlog = at.get(&(clinic.clone(), last.clone(), "backlog")).copied();
                if true_row["backlog"] == truth[&vec![clinic.clone(), last.clone()]]["backlog"] {
                    m.relation(vec![(b, 1.0), (last_backlog, -1.0)], ComparisonOp::Eq, 0.0);
                }
                backlog_terms.push((b, if clinic == "ALL" { -1.0 } else { 1.0 }));
                for (rate, column) in [("referrals_per_week", "referrals"), ("starts_per_week", "first_seen")] {
                    // λ × the window's weeks is a count: the sum of the window's last weeks.
                    let as_count = |text: &str| match text.parse::<f64>() {
                        Ok(value) if exact_rates => format!("exact {}", (value * capacity_weeks as f64).round()),
                        Ok(value) => format!("{}", (value * capacity_weeks as f64).round()),
                        Err(_) => text.to_owned(),
                    };
                    let sum = m.cell(
                        format!("capacity {clinic} {column} over the window"),
                        &as_count(&row[rate]),
                        &as_count(&true_row[rate]),
                        mode,
                    );
                    sums.entry(column).or_default().push((sum, if clinic == "ALL" { -1.0 } else { 1.0 }));
                    let mut terms: Vec<_> = recent
                        .iter()
                        .map(|w| (at.get(&(clinic.clone(), (*w).clone(), column)).copied(), 1.0))
                        .collect();
                    terms.push((sum, -1.0));
                    m.relation(terms, ComparisonOp::Eq, 0.0);
                }
            }
            for (_, terms) in sums {
                m.relation(terms, ComparisonOp::Eq, 0.0);
            }
            m.relation(backlog_terms, ComparisonOp::Eq, 0.0);
        }
    }

    // waits: seen + still waiting + closed unseen = referrals; urgencies add up to all; clinics
    // to ALL; people still waiting are no more than the backlog at as-of.
    let waits_columns = ["referrals", "seen", "still_waiting", "closed_unseen"];
    if let (Some(published), Some(truth)) = (data(advocacy, "waits.csv"), data(internal, "waits.csv")) {
        let truth = keyed(&truth, &["clinic_id", "urgency"]);
        let mut at: BTreeMap<(String, String, &str), usize> = BTreeMap::new();
        let mut clinics = BTreeSet::new();
        for row in &published {
            let (clinic, urgency) = (row["clinic_id"].clone(), row["urgency"].clone());
            let true_row = &truth[&vec![clinic.clone(), urgency.clone()]];
            for column in waits_columns {
                let key = format!("waits {clinic} {urgency} {column}");
                if let Some(v) = m.cell(key, &row[column], &true_row[column], mode) {
                    at.insert((clinic.clone(), urgency.clone(), column), v);
                }
            }
            clinics.insert(clinic);
        }
        let urgencies = ["routine", "urgent", "emergency"];
        let get = |c: &str, u: &str, col: &str| at.get(&(c.to_owned(), u.to_owned(), col)).copied();
        let mut relations = Vec::new();
        for clinic in &clinics {
            for urgency in urgencies.iter().chain(&["all"]) {
                relations.push(vec![
                    (get(clinic, urgency, "seen"), 1.0),
                    (get(clinic, urgency, "still_waiting"), 1.0),
                    (get(clinic, urgency, "closed_unseen"), 1.0),
                    (get(clinic, urgency, "referrals"), -1.0),
                ]);
            }
            for column in waits_columns {
                let mut terms: Vec<_> = urgencies.iter().map(|u| (get(clinic, u, column), 1.0)).collect();
                terms.push((get(clinic, "all", column), -1.0));
                relations.push(terms);
            }
        }
        for urgency in urgencies.iter().chain(&["all"]) {
            for column in waits_columns {
                let mut terms: Vec<_> =
                    clinics.iter().filter(|c| *c != "ALL").map(|c| (get(c, urgency, column), 1.0)).collect();
                terms.push((get("ALL", urgency, column), -1.0));
                relations.push(terms);
            }
        }
        for terms in relations {
            m.relation(terms, ComparisonOp::Eq, 0.0);
        }
        for clinic in &clinics {
            let backlog = m.index.get(&format!("capacity {clinic} backlog")).copied();
            m.relation(vec![(get(clinic, "all", "still_waiting"), 1.0), (backlog, -1.0)], ComparisonOp::Le, 0.0);
        }
    }

    // safety: people waiting past the urgent and emergency standards; clinics add up to ALL, and
    // each is no more than the people still waiting at that urgency.
    if let (Some(published), Some(truth)) = (data(advocacy, "safety.csv"), data(internal, "safety.csv")) {
        let truth = keyed(&truth, &["clinic_id"]);
        for (column, urgency) in
            [("urgent_waiting_past_standard", "urgent"), ("emergency_waiting_past_standard", "emergency")]
        {
            let mut terms = Vec::new();
            for row in &published {
                let clinic = row["clinic_id"].clone();
                let v = m.cell(
                    format!("safety {clinic} {column}"),
                    &row[column],
                    &truth[&vec![clinic.clone()]][column],
                    mode,
                );
                terms.push((v, if clinic == "ALL" { -1.0 } else { 1.0 }));
                let waiting = m.index.get(&format!("waits {clinic} {urgency} still_waiting")).copied();
                m.relation(vec![(v, 1.0), (waiting, -1.0)], ComparisonOp::Le, 0.0);
            }
            m.relation(terms, ComparisonOp::Eq, 0.0);
        }
    }

    // followup: clients and follow-up gaps add up to ALL (each client and clinic pair counts once).
    // Where the share over standard is the exact fraction of the gaps (suppression, or rounding
    // switched off), share × gaps names the gaps over the standard to within its four decimals.
    if let (Some(published), Some(truth)) = (data(advocacy, "followup.csv"), data(internal, "followup.csv")) {
        let truth = keyed(&truth, &["clinic_id"]);
        let exact_share = mode == Mode::Suppress || switched_off().contains(&"rounding");
        for column in ["clients", "followup_gaps"] {
            let mut terms = Vec::new();
            for row in &published {
                let clinic = row["clinic_id"].clone();
                let v = m.cell(
                    format!("followup {clinic} {column}"),
                    &row[column],
                    &truth[&vec![clinic.clone()]][column],
                    mode,
                );
                terms.push((v, if clinic == "ALL" { -1.0 } else { 1.0 }));
            }
            m.relation(terms, ComparisonOp::Eq, 0.0);
        }
        for row in published.iter().filter(|_| exact_share) {
            let clinic = row["clinic_id"].clone();
            let true_row = &truth[&vec![clinic.clone()]];
            let (Ok(share), Ok(true_share), Ok(true_gaps)) = (
                row["followup_over_standard_share"].parse::<f64>(),
                true_row["followup_over_standard_share"].parse::<f64>(),
                true_row["followup_gaps"].parse::<f64>(),
            ) else {
                continue;
            };
            // Four decimals name one whole number of gaps over standard only below 10,000 gaps.
            if true_gaps >= 10_000.0 {
                continue;
            }
            let over = m.cell(
                format!("followup {clinic} gaps over standard"),
                "withheld",
                &(true_share * true_gaps).round().to_string(),
                mode,
            );
            let gaps = m.index.get(&format!("followup {clinic} followup_gaps")).copied();
            m.relation(vec![(over, 1.0), (gaps, -(share - 5e-5))], ComparisonOp::Ge, 0.0);
            m.relation(vec![(over, 1.0), (gaps, -(share + 5e-5))], ComparisonOp::Le, 0.0);
        }
    }
    m
}

/// Runs one export both ways and returns (hidden counts, those recovered).
fn attack(dir: &Dir, input: &str, as_of: &str, mode: Mode) -> (usize, Vec<(String, f64)>) {
    let config = dir.write("disclosure.toml", mode.config());
    let config = config.to_str().unwrap();
    assert_ok(&dir.caseload(&["run", input, "--out", "advocacy", "--as-of", as_of, "--config", config]));
    assert_ok(&dir.caseload(&[
        "run",
        input,
        "--out",
        "internal",
        "--as-of",
        as_of,
        "--audience",
        "internal",
        "--config",
        config,
    ]));
    let m = model(&dir.root.join("advocacy").join(as_of), &dir.root.join("internal").join(as_of), mode, 13);
    m.check_truth();
    let hidden = m.hidden.iter().filter(|h| **h).count();
    let small_below = match mode {
        Mode::Round => 8.0,
        Mode::Suppress => 11.0,
    };
    (hidden, m.recovered(small_below))
}

fn generated(clinics: &str, clinicians: &str, seed: &str, as_of: &str, mode: Mode) -> (usize, Vec<(String, f64)>) {
    let dir = Dir::new("disclosure");
    assert_ok(&dir.caseload(&[
        "generate",
        "--out",
        "gen",
        "--clinics",
        clinics,
        "--clinicians",
        clinicians,
        "--seed",
        seed,
        "--as-of",
        as_of,
    ]));
    attack(&dir, "gen", as_of, mode)
}

/// Networks from one clinic of five clinicians to twenty clinics.
const NETWORKS: &[(&str, &str, &str, &str)] = &[
    ("1", "5", "4", "2026-11-15"),
    ("1", "6", "1", "2026-11-15"),
    ("1", "8", "2", "2026-09-27"),
    ("3", "20", "1", "2026-06-28"),
    ("3", "18", "3", "2026-11-15"),
    ("3", "24", "5", "2026-10-25"),
    ("5", "60", "2", "2026-11-15"),
    ("5", "40", "6", "2026-08-30"),
    ("12", "150", "3", "2026-11-15"),
    ("12", "130", "4", "2026-07-26"),
    ("20", "240", "5", "2026-11-15"),
];

/// Two clinics of six clinicians; clinic B had 5 referrals in the capacity window, clinic A 30:
/// B's referrals per week × 13 would name its 5.
fn small_rate_export(dir: &Dir) {
    let mut sessions = vec![crate::util::SESSIONS_HEADER.to_owned()];
    for clinic in ["A", "B"] {
        for k in 0..6 {
            for day in 2..=6 {
                sessions.push(format!(
                    "S{clinic}{k}{day},{clinic},{clinic}T{k},{clinic}P{k}{day},2026-11-0{day} 09:00,50,attended,therapy"
                ));
            }
        }
    }
    let mut waitlist =
        vec!["referral_id,clinic_id,client_id,referred_on,urgency,first_seen_on,closed_on,close_reason".to_owned()];
    for (clinic, n) in [("A", 30), ("B", 5)] {
        for k in 0..n {
            waitlist.push(format!("R{clinic}{k},{clinic},W{clinic}{k},2026-10-05,routine,2026-10-20,,"));
        }
    }
    fn lines(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    dir.create("sessions.csv", &lines(&sessions));
    dir.create("waitlist.csv", &lines(&waitlist));
}

fn check_all(mode: Mode) {
    let mut failures = Vec::new();
    let mut hidden_total = 0;
    let fixture = Dir::new("disclosure-rate");
    small_rate_export(&fixture);
    let (hidden, recovered) = attack(&fixture, "in", "2026-11-15", mode);
    hidden_total += hidden;
    failures.extend(recovered.into_iter().map(|(name, t)| format!("a clinic with 5 referrals: {name} = {t}")));
    let sample = Dir::new("disclosure-sample");
    let sample_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (hidden, recovered) = attack(&sample, sample_data.to_str().unwrap(), "2026-11-15", mode);
    hidden_total += hidden;
    println!("{mode:?}: sample-data: {hidden} hidden counts, {} recovered", recovered.len());
    failures.extend(recovered.into_iter().map(|(name, t)| format!("sample-data: {name} = {t}")));
    for (clinics, clinicians, seed, as_of) in NETWORKS {
        let (hidden, recovered) = generated(clinics, clinicians, seed, as_of, mode);
        hidden_total += hidden;
        let network = format!("{clinics} clinics, {clinicians} clinicians, seed {seed}");
        println!("{mode:?}: {network}: {hidden} hidden counts, {} recovered", recovered.len());
        failures.extend(recovered.into_iter().map(|(name, t)| format!("{network}: {name} = {t}")));
    }
    assert!(failures.is_empty(), "{} hidden counts recovered ({mode:?}):\n{}", failures.len(), failures.join("\n"));
    assert!(hidden_total > 0, "the networks have hidden counts to attack");
}

#[test]
fn no_hidden_count_can_be_worked_out_when_rounding() {
    check_all(Mode::Round);
}

#[test]
fn no_hidden_count_can_be_worked_out_when_suppressing() {
    check_all(Mode::Suppress);
}
