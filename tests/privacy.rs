//! Safe to publish: no person's id in an advocacy report, and input strings cannot attack the reader.

use crate::util::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn advocacy_outputs_hold_no_clinician_or_client_id() {
    let dir = Dir::new("no-ids");
    let mut sessions = vec![SESSIONS_HEADER.to_owned()];
    let mut admin = vec![ADMIN_HEADER.to_owned()];
    // Six clinicians, so the clinic is not folded; distinctive ids that cannot occur by chance.
    for k in 0..6 {
        for day in 2..=6 {
            for slot in 0..3 {
                sessions.push(format!(
                    "S{k}-{day}-{slot},C1,ZQXCLIN{k},ZQXCLIENT{k}{slot},2026-11-0{day} {:02}:00,50,attended,therapy",
                    9 + slot
                ));
            }
            admin.push(format!("C1,ZQXCLIN{k},2026-11-0{day},1.5,documentation,false"));
        }
    }
    // A rejected row whose value is a client id.
    sessions.push("S-bad,C1,ZQXCLIN0,ZQXCLIENTBAD,2026-11-02 09:00,50,maybe,therapy".into());
    let sessions: Vec<&str> = sessions.iter().map(String::as_str).collect();
    let admin: Vec<&str> = admin.iter().map(String::as_str).collect();
    dir.create("sessions.csv", &sessions);
    dir.create("admin_time.csv", &admin);
    dir.write("lenient.toml", "max_reject_share = 0.5\n");
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08", "--config", "lenient.toml"]));
    let outputs = files_under(&dir.out());
    assert!(
        outputs.iter().any(|p| p.ends_with("index.html"))
            && outputs.iter().any(|p| p.ends_with("rejects/sessions.csv"))
    );
    for path in outputs {
        let bytes = std::fs::read(&path).unwrap();
        for needle in ["ZQXCLIN", "ZQXCLIENT"] {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{needle} found in {}", path.display());
        }
    }
    // The internal audience does show the pseudonymous clinician ids.
    assert_ok(&dir.caseload(&[
        "run",
        "in",
        "--out",
        "internal",
        "--as-of",
        "2026-11-08",
        "--config",
        "lenient.toml",
        "--audience",
        "internal",
    ]));
    let html = std::fs::read_to_string(dir.root.join("internal/2026-11-08/index.html")).unwrap();
    assert!(html.contains("ZQXCLIN0"));
}

#[test]
fn small_clinics_are_folded_in_the_advocacy_report() {
    let dir = Dir::new("fold");
    let mut sessions = vec![SESSIONS_HEADER.to_owned()];
    for (clinic, clinicians) in [("BIG", 5), ("TINY", 2)] {
        for k in 0..clinicians {
            sessions.push(format!(
                "S-{clinic}-{k},{clinic},{clinic}-T{k},P{clinic}{k},2026-11-03 09:00,60,attended,therapy"
            ));
        }
    }
    let sessions: Vec<&str> = sessions.iter().map(String::as_str).collect();
    dir.create("sessions.csv", &sessions);
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08"]));
    let rows = read_csv(&dir.report("2026-11-08").join("data/clinic_weeks.csv"));
    let clinics: Vec<&str> = rows.iter().map(|r| r["clinic_id"].as_str()).collect();
    assert_eq!(clinics, ["BIG", "other clinics", "ALL"]);
    // The folded group has 2 clinicians: its size is shown, its staff figures (risk tiers) are
    // withheld, as a group needs at least 11 clinicians for them.
    let other = row(&rows, &[("clinic_id", "other clinics")]);
    assert_eq!(other["clinicians"], "2");
    assert_eq!(other["risk_low"], "withheld");
    let html = std::fs::read_to_string(dir.report("2026-11-08").join("index.html")).unwrap();
    assert!(!html.contains("TINY") && html.contains("reported together as &quot;other clinics&quot;"));
}

#[test]
fn input_strings_cannot_attack_the_reader_or_escape_the_output_folder() {
    let dir = Dir::new("injection");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,<script>alert(1)</script>,T1,A,2026-11-03 09:00,60,attended,therapy",
            "S2,\"=HYPERLINK(\"\"http://x\"\")\",T2,B,2026-11-03 09:00,60,attended,therapy",
            "S3,../../etc,T3,C,2026-11-03 09:00,60,attended,therapy",
        ],
    );
    assert_ok(&dir.run(&["--as-of", "2026-11-08"]));
    let report = dir.report("2026-11-08");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(!html.contains("<script>alert(1)</script>"), "markup from the input is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "and shown as text");
    assert!(!html.contains("<script"), "the page carries no script at all");
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    let rows = read_csv(&report.join("data/clinic_weeks.csv"));
    assert!(rows.iter().any(|r| r["clinic_id"] == "'=HYPERLINK(\"http://x\")"), "formula neutralised");
    assert!(rows.iter().any(|r| r["clinic_id"] == "../../etc"), "kept as a value, never as a path");
    // Nothing was written outside the output folder: the only entries beside in/ and out/ are ours.
    let mut top: Vec<String> =
        std::fs::read_dir(&dir.root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    top.sort();
    assert_eq!(top, ["in", "out"]);
    assert!(!dir.root.parent().unwrap().join("etc").exists());
}

const WAITLIST_HEADER: &str =
    "referral_id,clinic_id,client_id,referred_on,urgency,first_seen_on,closed_on,close_reason";

/// Two clinics of six clinicians (not folded) and a waitlist whose counts are mostly large, with a
/// few small cells: clinic A has 3 emergency referrals, clinic B 5 people still waiting.
fn small_cell_exports(dir: &Dir) {
    let mut sessions = vec![SESSIONS_HEADER.to_owned()];
    for clinic in ["A", "B"] {
        for k in 0..6 {
            for day in 2..=6 {
                sessions.push(format!(
                    "S{clinic}{k}{day},{clinic},{clinic}T{k},{clinic}P{k}{day},2026-11-0{day} 09:00,50,attended,therapy"
                ));
            }
        }
    }
    let mut waitlist = vec![WAITLIST_HEADER.to_owned()];
    let mut referral = |clinic: &str, urgency: &str, n: usize, seen: bool| {
        for _ in 0..n {
            let k = waitlist.len();
            let first_seen = if seen { "2026-10-20" } else { "" };
            waitlist.push(format!("R{k},{clinic},W{k},2026-10-05,{urgency},{first_seen},,"));
        }
    };
    referral("A", "routine", 30, true);
    referral("A", "emergency", 3, true);
    referral("B", "routine", 20, true);
    referral("B", "routine", 5, false);
    referral("B", "urgent", 12, true);
    let sessions: Vec<&str> = sessions.iter().map(String::as_str).collect();
    let waitlist: Vec<&str> = waitlist.iter().map(String::as_str).collect();
    dir.create("sessions.csv", &sessions);
    dir.create("waitlist.csv", &waitlist);
}

/// A cell of the waits table: (clinic, urgency, column).
type Key = (String, String, String);
/// A sum: its parts and its total.
type Line = (Vec<Key>, Key);

const STATUSES: [&str; 3] = ["seen", "still_waiting", "closed_unseen"];
const URGENCIES: [&str; 3] = ["routine", "urgent", "emergency"];

/// The waits table as a grid of counts: (clinic, urgency, column) → published text.
fn waits_cells(rows: &[HashMap<String, String>]) -> BTreeMap<Key, String> {
    let mut cells = BTreeMap::new();
    for r in rows {
        for column in STATUSES.iter().chain(&["referrals"]) {
            cells.insert((r["clinic_id"].clone(), r["urgency"].clone(), column.to_string()), r[*column].clone());
        }
    }
    cells
}

/// Every sum the waits table carries, written from the SPEC: referrals = seen + still waiting +
/// closed unseen; urgency `all` = the three urgencies; clinic ALL = the clinics.
fn waits_lines(clinics: &[&str]) -> Vec<Line> {
    let key = |c: &str, u: &str, s: &str| (c.to_owned(), u.to_owned(), s.to_owned());
    let all_clinics: Vec<&str> = clinics.iter().copied().chain(["ALL"]).collect();
    let all_urgencies: Vec<&str> = URGENCIES.iter().copied().chain(["all"]).collect();
    let all_columns: Vec<&str> = STATUSES.iter().copied().chain(["referrals"]).collect();
    let mut lines = Vec::new();
    for c in &all_clinics {
        for u in &all_urgencies {
            lines.push((STATUSES.iter().map(|s| key(c, u, s)).collect(), key(c, u, "referrals")));
        }
        for s in &all_columns {
            lines.push((URGENCIES.iter().map(|u| key(c, u, s)).collect(), key(c, "all", s)));
        }
    }
    for u in &all_urgencies {
        for s in &all_columns {
            lines.push((clinics.iter().map(|c| key(c, u, s)).collect(), key("ALL", u, s)));
        }
    }
    lines
}

/// How many values each hidden cell can take given every shown cell and sum, with "<11" in 1..=10
/// and "suppressed" in 11..=bound: exhaustive search, cell by cell, pruning lines that cannot add up.
fn recoverable(truth: &BTreeMap<Key, i64>, shown: &BTreeMap<Key, String>, lines: &[Line], bound: i64) -> Vec<Key> {
    let hidden: Vec<Key> = shown.iter().filter(|(_, t)| t.parse::<i64>().is_err()).map(|(k, _)| k.clone()).collect();
    let range = |k: &Key| if shown[k].starts_with('<') { (1, 10) } else { (11, bound) };
    let mut values: BTreeMap<&Key, Option<i64>> =
        shown.iter().map(|(k, t)| (k, t.parse::<i64>().ok().or(Some(0)).filter(|_| !hidden.contains(k)))).collect();
    let mut seen: BTreeMap<Key, std::collections::BTreeSet<i64>> = BTreeMap::new();
    fn go<'a>(
        i: usize,
        hidden: &'a [Key],
        values: &mut BTreeMap<&'a Key, Option<i64>>,
        lines: &[Line],
        range: &dyn Fn(&Key) -> (i64, i64),
        seen: &mut BTreeMap<Key, std::collections::BTreeSet<i64>>,
    ) {
        for (parts, total) in lines {
            let bounds = |k: &Key| values[k].map_or_else(|| range(k), |v| (v, v));
            let (lo, hi) = parts.iter().map(bounds).fold((0, 0), |(a, b), (l, h)| (a + l, b + h));
            let (tlo, thi) = bounds(total);
            if lo > thi || hi < tlo {
                return;
            }
        }
        let Some(key) = hidden.get(i) else {
            for k in hidden {
                seen.entry(k.clone()).or_default().insert(values[k].unwrap_or(-1));
            }
            return;
        };
        let (lo, hi) = range(key);
        for v in lo..=hi {
            values.insert(key, Some(v));
            go(i + 1, hidden, values, lines, range, seen);
        }
        values.insert(key, None);
    }
    for k in &hidden {
        values.insert(k, None);
    }
    go(0, &hidden, &mut values, lines, &range, &mut seen);
    hidden
        .into_iter()
        .filter(|k| {
            let options = seen.get(k).cloned().unwrap_or_default();
            assert!(options.contains(&truth[k]), "the true value of {k:?} must be feasible");
            options.len() < 2
        })
        .collect()
}

#[test]
fn small_counts_are_hidden_and_totals_do_not_give_them_away() {
    let dir = Dir::new("suppression");
    small_cell_exports(&dir);
    dir.write("suppress.toml", "disclosure = \"suppress\"\n");
    let run = |out: &str, audience: &str| {
        dir.caseload(&[
            "run",
            "in",
            "--out",
            out,
            "--as-of",
            "2026-11-08",
            "--audience",
            audience,
            "--config",
            "suppress.toml",
        ])
    };
    assert_ok(&run("advocacy", "advocacy"));
    assert_ok(&run("internal", "internal"));
    let table = |audience: &str, name: &str| {
        read_csv(&dir.root.join(audience).join("2026-11-08/data").join(format!("{name}.csv")))
    };
    let internal = waits_cells(&table("internal", "waits"));
    let advocacy = waits_cells(&table("advocacy", "waits"));
    let truth: BTreeMap<_, i64> = internal.iter().map(|(k, v)| (k.clone(), v.parse().unwrap())).collect();
    let lines = waits_lines(&["A", "B"]);
    for (parts, total) in &lines {
        let sum: i64 = parts.iter().map(|k| truth[k]).sum();
        assert_eq!(sum, truth[total], "the internal table adds up along {total:?}");
    }

    // The internal audience shows every count; advocacy shows the same number, "<11" for 1 to 10,
    // or "suppressed" for a complementary count of 11 or more.
    assert_eq!(truth[&("A".into(), "emergency".into(), "seen".into())], 3);
    for (key, value) in &truth {
        let published = &advocacy[key];
        match *value {
            1..=10 => assert_eq!(published, "<11", "{key:?}"),
            v if published == "suppressed" => assert!(v >= 11, "{key:?}"),
            v => assert_eq!(published, &v.to_string(), "{key:?}"),
        }
    }
    // A row with one small cell forces a second suppression: A's emergency referrals (3, all seen)
    // sit in lines with large totals, so more than the small cells are hidden.
    assert!(advocacy.values().any(|t| t == "suppressed"), "complementary cells were needed");
    for (parts, total) in &lines {
        let hidden = parts.iter().chain([total]).filter(|k| advocacy[*k].parse::<i64>().is_err()).count();
        assert_ne!(hidden, 1, "a single hidden cell in {total:?}'s line is recovered by subtraction");
    }
    let bound = truth.values().max().copied().unwrap_or(0) + 1;
    assert_eq!(recoverable(&truth, &advocacy, &lines, bound), Vec::<Key>::new());

    // Rates resting on fewer than 11 people are withheld; the report says why.
    let waits = table("advocacy", "waits");
    assert_eq!(row(&waits, &[("clinic_id", "A"), ("urgency", "emergency")])["within_standard_share"], "withheld");
    assert_ne!(row(&waits, &[("clinic_id", "A"), ("urgency", "routine")])["within_standard_share"], "withheld");
    // Staff figures follow the staff rule in either mode: clinic A's 6 clinicians are shown as a
    // group size, its ratios withheld. The capacity gap, whose backlog term is (backlog − target) /
    // weeks, is withheld with the hidden backlog.
    let weeks = table("advocacy", "clinic_weeks");
    assert_eq!(row(&weeks, &[("clinic_id", "A")])["clinicians"], "6");
    assert_eq!(row(&weeks, &[("clinic_id", "A")])["risk_high"], "withheld");
    let capacity = table("advocacy", "capacity");
    assert_eq!(row(&capacity, &[("clinic_id", "B")])["backlog"], "<11");
    assert_eq!(row(&capacity, &[("clinic_id", "B")])["extra_fte"], "withheld");
    assert_eq!(row(&table("internal", "capacity"), &[("clinic_id", "B")])["backlog"], "5");
    let html = std::fs::read_to_string(dir.root.join("advocacy/2026-11-08/index.html")).unwrap();
    assert!(html.contains("&lt;11") && html.contains("complementary suppression"), "the page says what was hidden");
    let html = std::fs::read_to_string(dir.root.join("internal/2026-11-08/index.html")).unwrap();
    assert!(html.contains("no disclosure control"));
}

#[test]
fn summary_and_history_leave_small_counts_of_people_out() {
    let dir = Dir::new("suppressed-summary");
    small_cell_exports(&dir);
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08"]));
    assert_ok(&dir.caseload(&["run", "in", "--out", "internal", "--as-of", "2026-11-08", "--audience", "internal"]));
    let json = |out: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.root.join(out).join("2026-11-08/summary.json")).unwrap())
            .unwrap()
    };
    let (summary, truth) = (json("out"), json("internal"));
    // 12 clinicians in all, each scored: a group large enough for its tiers to be shown as they are.
    assert_eq!(summary["clinicians"], 12);
    let tiers: Vec<i64> =
        ["risk_low", "risk_moderate", "risk_high"].iter().map(|t| summary[t].as_i64().unwrap()).collect();
    assert_eq!(tiers.iter().sum::<i64>(), 12, "{tiers:?}");
    // 60 sessions attended, a count of people served: rounded to 5 (it is already a multiple).
    let sessions = truth["sessions_attended"].as_i64().unwrap();
    let published = summary["sessions_attended"].as_i64().unwrap();
    assert!(published % 5 == 0 && (published - sessions).abs() <= 2, "{published} for {sessions}");
    // B's 5 people still waiting: the network backlog (5 + 0) is hidden wherever it appears.
    assert_eq!(truth["backlog"], 5.0);
    assert!(summary["backlog"].is_null(), "{}", summary["backlog"]);
    let history = read_csv(&dir.out().join("history.csv"));
    assert_eq!(history[0]["backlog"], "", "history.csv leaves it out too");
}

#[test]
fn weekly_waitlist_flows_do_not_give_a_hidden_count_away() {
    // Generated networks: clinics with small weekly counts; one clinic whose weeks are mostly 11 or
    // more (where a single small week is easiest to work out from a weekly mean); and clinics
    // whose people waiting are few.
    let coupled: usize = [
        ("2", "14", "30", "7", "2026-11-15"),
        ("1", "23", "29", "26", "2026-09-30"),
        ("3", "18", "26", "3", "2026-11-15"),
    ]
    .into_iter()
    .map(|(clinics, clinicians, weeks, seed, as_of)| waitlist_checks(clinics, clinicians, weeks, seed, as_of))
    .sum();
    assert!(coupled > 0, "a fixture has a clinic whose waiting count is hidden");
}

/// Runs one generated network both ways and checks the advocacy waitlist tables; returns how many
/// clinics have their waiting count hidden.
fn waitlist_checks(clinics: &str, clinicians: &str, weeks: &str, seed: &str, as_of: &str) -> usize {
    let dir = Dir::new("suppressed-flows");
    assert_ok(&dir.caseload(&[
        "generate",
        "--out",
        "in",
        "--clinics",
        clinics,
        "--clinicians",
        clinicians,
        "--weeks",
        weeks,
        "--seed",
        seed,
        "--as-of",
        as_of,
    ]));
    dir.write("suppress.toml", "disclosure = \"suppress\"\n");
    let config = ["--config", "suppress.toml"];
    assert_ok(&dir.caseload(&[&["run", "in", "--out", "advocacy", "--as-of", as_of][..], &config].concat()));
    assert_ok(&dir.caseload(
        &[&["run", "in", "--out", "internal", "--as-of", as_of, "--audience", "internal"][..], &config].concat(),
    ));
    let table = |audience: &str| read_csv(&dir.root.join(audience).join(as_of).join("data/waitlist_weeks.csv"));
    let (advocacy, internal) = (table("advocacy"), table("internal"));
    let key = |r: &HashMap<String, String>| (r["clinic_id"].clone(), r["week_start"].clone());
    let shown: BTreeMap<_, _> = advocacy.iter().map(|r| (key(r), r.clone())).collect();
    let hidden = |r: &HashMap<String, String>, column: &str| r[column].parse::<i64>().is_err();
    let columns = ["referrals", "first_seen", "closed_unseen", "backlog"];
    let mut small = 0;
    for row in &internal {
        let published = &shown[&key(row)];
        for column in columns {
            let truth: i64 = row[column].parse().unwrap();
            // Weekly closures and a clinic's weekly flows are not published: with the backlog they
            // would complete an identity a reader can chain across weeks and clinics.
            let weekly = column == "backlog" || (column != "closed_unseen" && row["clinic_id"] == "ALL");
            if !weekly {
                assert_eq!(published[column], "withheld", "{column} of {:?}", key(row));
            } else if (1..=10).contains(&truth) {
                small += 1;
                assert_eq!(published[column], "<11", "{column} of {:?}", key(row));
            } else if !hidden(published, column) {
                assert_eq!(published[column], row[column]);
            }
        }
    }
    assert!(small > 0, "the fixture has small weekly counts to protect");
    // Each week: the clinics' backlogs add up to ALL, and no such line has a single hidden cell.
    let weeks: std::collections::BTreeSet<String> = advocacy.iter().map(|r| r["week_start"].clone()).collect();
    for week in &weeks {
        let cells = advocacy.iter().filter(|r| &r["week_start"] == week);
        assert_ne!(cells.filter(|r| hidden(r, "backlog")).count(), 1, "backlog in the week of {week}");
    }

    // A clinic's people waiting, in three tables: hidden in one, hidden (or zero) in all.
    let report = dir.root.join("advocacy").join(as_of).join("data");
    let capacity = read_csv(&report.join("capacity.csv"));
    let waits = read_csv(&report.join("waits.csv"));
    let last_week = weeks.iter().next_back().unwrap();
    let mut coupled = 0;
    for row in &capacity {
        let clinic = &row["clinic_id"];
        let texts = [
            row["backlog"].clone(),
            row_of(&waits, clinic, "all")["still_waiting"].clone(),
            shown[&(clinic.clone(), last_week.clone())]["backlog"].clone(),
        ];
        if texts.iter().any(|t| t.parse::<i64>().is_err()) {
            coupled += 1;
            assert!(texts.iter().all(|t| t.parse::<i64>().is_err() || t == "0"), "{clinic}: {texts:?}");
        }
    }
    coupled
}

fn row_of<'a>(rows: &'a [HashMap<String, String>], clinic: &str, urgency: &str) -> &'a HashMap<String, String> {
    rows.iter().find(|r| r["clinic_id"] == clinic && r["urgency"] == urgency).unwrap()
}

#[test]
fn referrals_from_a_clinic_without_sessions_are_counted_by_the_rule_for_people_served() {
    let dir = Dir::new("unmatched-referrals");
    let mut sessions = vec![SESSIONS_HEADER.to_owned()];
    for k in 0..6 {
        for day in 2..=6 {
            sessions.push(format!("S{k}-{day},C1,T{k},P{k}{day},2026-11-0{day} 09:00,50,attended,therapy"));
        }
    }
    let mut waitlist =
        vec!["referral_id,clinic_id,client_id,referred_on,urgency,first_seen_on,closed_on,close_reason".to_owned()];
    // 40 referrals to C1, 3 to a clinic that sessions.csv never names.
    for r in 0..40 {
        waitlist.push(format!("R{r},C1,W{r},2026-10-{:02},routine,,,", 1 + r % 28));
    }
    for r in 0..3 {
        waitlist.push(format!("X{r},C9,X{r},2026-10-05,routine,,,"));
    }
    let sessions: Vec<&str> = sessions.iter().map(String::as_str).collect();
    let waitlist: Vec<&str> = waitlist.iter().map(String::as_str).collect();
    dir.create("sessions.csv", &sessions);
    dir.create("waitlist.csv", &waitlist);
    let page = |out: &str, audience: &str| {
        assert_ok(&dir.caseload(&["run", "in", "--out", out, "--as-of", "2026-11-08", "--audience", audience]));
        let html = std::fs::read_to_string(dir.root.join(out).join("2026-11-08/index.html")).unwrap();
        let start = html.find("Ids that match nothing").expect("the mismatch table");
        let row = html[start..].split("<tr>").find(|r| r.contains("waitlist.csv")).expect("a waitlist row").to_owned();
        row
    };
    // 3 of 43 rows: the internal audience reads the count and its share.
    let internal = page("int", "internal");
    assert!(internal.contains("3 (7.0 %)"), "{internal}");
    // Advocacy: 3 referrals are a small count; its share would give it back (43 rounds to 45).
    let advocacy = page("adv", "advocacy");
    assert!(advocacy.contains("&lt;8 (withheld)") || advocacy.contains("<8 (withheld)"), "{advocacy}");
    assert!(!advocacy.contains("7.0 %") && !advocacy.contains("(6.7 %)"), "{advocacy}");
}

#[test]
fn the_header_counts_one_clinic_as_one_clinic() {
    let dir = Dir::new("one-clinic-header");
    dir.create("sessions.csv", &[SESSIONS_HEADER, "S1,C1,T1,A,2026-11-03 09:00,60,attended,therapy"]);
    assert_ok(&dir.run(&["--as-of", "2026-11-08"]));
    let html = std::fs::read_to_string(dir.report("2026-11-08").join("index.html")).unwrap();
    assert!(html.contains("· 1 clinic, "), "one clinic, not \"1 clinics\"");
    assert!(!html.contains("1 clinics"));
}
