//! The README's worked mapping examples, each read through the README's own TOML from a fixture of
//! that export's shape, and checked against a canonical `sessions.csv` written by hand for the same
//! appointments: the published tables must come out the same.

use crate::util::{assert_close, assert_ok, num, read_csv, readme_mapping, row, stderr, Dir};
use std::collections::HashMap;

const CANONICAL: &str = "session_id,clinic_id,clinician_id,client_id,start,duration_min,status,session_type";

/// A folder holding the hand-built canonical sessions.csv (and any other canonical files).
fn canonical(name: &str, sessions: &[&str], others: &[(&str, &[&str])]) -> Dir {
    let dir = Dir::new(name);
    let mut lines = vec![CANONICAL];
    lines.extend_from_slice(sessions);
    dir.create("sessions.csv", &lines);
    for (file, lines) in others {
        dir.create(file, lines);
    }
    dir
}

/// Runs both folders (internal audience, so that every clinician's row is published).
fn run_both(mapped: &Dir, config: &str, hand: &Dir, hand_config: Option<&str>, as_of: &str) {
    mapped.write("mapping.toml", config);
    let output = mapped.run(&["--config", "mapping.toml", "--as-of", as_of]);
    assert_ok(&output);
    let mut args = vec!["--as-of", as_of];
    if let Some(text) = hand_config {
        hand.write("plain.toml", text);
        args.extend(["--config", "plain.toml"]);
    }
    assert_ok(&hand.run(&args));
}

type Rows = Vec<HashMap<String, String>>;

/// The same table from both runs, every column equal except `differ`, which must be empty in the
/// mapped run (not exported) and filled in the hand-built one.
fn same_table(mapped: &Dir, hand: &Dir, as_of: &str, table: &str, differ: &[&str]) -> Rows {
    let path = |dir: &Dir| dir.report(as_of).join("data").join(table);
    let (ours, theirs) = (read_csv(&path(mapped)), read_csv(&path(hand)));
    assert!(!theirs.is_empty(), "{table}: the hand-built run published no rows");
    assert_eq!(ours.len(), theirs.len(), "{table}: row count");
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        for (column, expected) in b {
            if differ.contains(&column.as_str()) {
                assert_eq!(a[column], "", "{table} row {i}: {column} is not exported, so empty");
            } else {
                assert_eq!(&a[column], expected, "{table} row {i}: {column}");
            }
        }
    }
    ours
}

fn check_same(mapped: &Dir, hand: &Dir, as_of: &str, differ: &[&str]) -> Rows {
    let weeks = same_table(mapped, hand, as_of, "clinician_weeks.csv", differ);
    same_table(mapped, hand, as_of, "clinic_weeks.csv", differ);
    weeks
}

#[test]
fn openemr_calendar_matches_its_canonical_version() {
    let mapped = Dir::new("ex-openemr");
    mapped.create(
        "openemr_postcalendar_events.csv",
        &[
            "pc_eid,pc_catid,pc_aid,pc_pid,pc_title,pc_eventDate,pc_startTime,pc_endTime,pc_duration,pc_apptstatus,pc_facility,lname",
            "1,5,7,101,Office Visit,2026-11-02,09:00:00,09:50:00,3000,@,3,",
            "2,5,7,102,Office Visit,2026-11-02,10:00:00,10:50:00,3000,?,3,",
            "3,10,7,103,New Patient,2026-11-03,14:00:00,15:00:00,3600,>,3,",
            "4,5,7,104,Office Visit,2026-11-04,09:00:00,09:50:00,3000,x,3,",
            "5,5,7,105,Office Visit,2026-11-04,11:00:00,11:50:00,3000,%,3,",
            "6,5,8,106,Office Visit,2026-11-05,09:00:00,09:50:00,3000,@,3,",
            "7,12,8,107,Group,2026-11-06,16:00:00,17:30:00,5400,~,3,",
            "8,5,7,101,Office Visit,2026-11-12,09:00:00,09:50:00,3000,-,3,",
        ],
    );
    let hand = canonical(
        "ex-openemr-hand",
        &[
            "1,3,7,101,2026-11-02 09:00,50,attended,therapy",
            "2,3,7,102,2026-11-02 10:00,50,no_show,therapy",
            "3,3,7,103,2026-11-03 14:00,60,attended,intake",
            "4,3,7,104,2026-11-04 09:00,50,cancelled_client,therapy",
            "5,3,7,105,2026-11-04 11:00,50,cancelled_late,therapy",
            "6,3,8,106,2026-11-05 09:00,50,attended,therapy",
            "7,3,8,107,2026-11-06 16:00,90,attended,group",
            "8,3,7,101,2026-11-12 09:00,50,scheduled,therapy",
        ],
        &[],
    );
    run_both(&mapped, &readme_mapping("openemr"), &hand, None, "2026-11-08");
    let weeks = check_same(&mapped, &hand, "2026-11-08", &[]);
    let t8 = row(&weeks, &[("clinician_id", "8"), ("week_start", "2026-11-02")]);
    assert_close(num(t8, "direct_hours"), 140.0 / 60.0, "50 + 90 minutes from pc_duration in seconds");
}

#[test]
fn fhir_appointments_in_a_named_zone_match_their_canonical_version() {
    let mapped = Dir::new("ex-fhir");
    let tail = "Patient/p1,Practitioner/t1,Organization/c1";
    mapped.create(
        "appointments.csv",
        &[
            "id,status,start,end,minutesDuration,serviceType,participant.patient,participant.practitioner,serviceProvider",
            &format!("a1,fulfilled,2026-11-02T08:00:00Z,2026-11-02T08:50:00Z,50,therapy,{tail}"),
            "a2,noshow,2026-11-02T09:00:00Z,2026-11-02T09:50:00Z,50,therapy,Patient/p2,Practitioner/t1,Organization/c1",
            "a3,arrived,2026-11-03T13:00:00+01:00,2026-11-03T14:00:00+01:00,60,intake,Patient/p3,Practitioner/t1,Organization/c1",
            "a4,checked-in,2026-11-04T08:00:00Z,2026-11-04T08:45:00Z,,therapy,Patient/p5,Practitioner/t1,Organization/c1",
            // 23:30 UTC on a Sunday in July is 00:30 BST on the Monday: a week later than at UTC.
            "a5,fulfilled,2026-07-05T23:30:00Z,2026-07-06T00:20:00Z,50,therapy,Patient/p9,Practitioner/t1,Organization/c1",
            "a6,fulfilled,2026-07-07T08:00:00Z,2026-07-07T08:50:00Z,50,therapy,Patient/p9,Practitioner/t1,Organization/c1",
            "a7,booked,2026-11-20T09:00:00Z,2026-11-20T09:50:00Z,50,therapy,Patient/p1,Practitioner/t1,Organization/c1",
        ],
    );
    let hand = canonical(
        "ex-fhir-hand",
        &[
            "a1,Organization/c1,Practitioner/t1,Patient/p1,2026-11-02 08:00,50,attended,therapy",
            "a2,Organization/c1,Practitioner/t1,Patient/p2,2026-11-02 09:00,50,no_show,therapy",
            "a3,Organization/c1,Practitioner/t1,Patient/p3,2026-11-03 12:00,60,attended,intake",
            "a4,Organization/c1,Practitioner/t1,Patient/p5,2026-11-04 08:00,45,attended,therapy",
            "a5,Organization/c1,Practitioner/t1,Patient/p9,2026-07-06 00:30,50,attended,therapy",
            "a6,Organization/c1,Practitioner/t1,Patient/p9,2026-07-07 09:00,50,attended,therapy",
            "a7,Organization/c1,Practitioner/t1,Patient/p1,2026-11-20 09:00,50,scheduled,therapy",
        ],
        &[],
    );
    run_both(&mapped, &readme_mapping("fhir"), &hand, None, "2026-11-08");
    let weeks = check_same(&mapped, &hand, "2026-11-08", &[]);
    let july = row(&weeks, &[("clinician_id", "Practitioner/t1"), ("week_start", "2026-07-06")]);
    assert_eq!(july["sessions_attended"], "2", "both July sessions fall in the week of Monday 6 July, BST");
    assert!(
        !weeks.iter().any(|r| r["week_start"] == "2026-06-29"),
        "nothing lands in the week before: 23:30 UTC is already Monday in London"
    );
}

/// Windows-1252 bytes of a text whose characters are all in Latin-1.
fn cp1252(lines: &[&str]) -> Vec<u8> {
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character")).collect()
}

const SIMPLEPRACTICE: &[&str] = &[
    "Date,Time,Client,Clinician,Service,Duration,Status,Amount,Amount",
    "11/02/2026,9:00 AM,Cliént CL01-P000001,T01,90837,50,Show,150.00,0.00",
    "11/02/2026,10:00 AM,Cliént CL01-P000002,T01,90837,50,No Show,0.00,0.00",
    "11/03/2026,2:30 PM,Cliént CL01-P000003,T02,90791,60,Show,200.00,120.00",
    "11/04/2026,11:00 AM,Cliént CL02-P000004,T03,90837,50,Late Canceled,50.00,0.00",
    "11/04/2026,3:15 PM,Cliént CL02-P000005,T03,90837,45,Canceled,0.00,0.00",
    "11/05/2026,1:00 PM,Cliént CL02-P000004,T03,90837,50,Show,150.00,0.00",
    "11/06/2026,12:30 PM,Cliént CL02-P000006,T03,90837,50,Show,150.00,0.00",
    "11/12/2026,9:00 AM,Cliént CL01-P000001,T01,90837,50,Scheduled,0.00,0.00",
];
const ROSTER: &[&str] = &["clinician_id,clinic_id,fte", "T01,C01,1.0", "T02,C01,0.8", "T03,C02,1.0"];

#[test]
fn simplepractice_report_matches_its_canonical_version() {
    let mapped = Dir::new("ex-simplepractice");
    std::fs::write(mapped.input().join("appointment_report.csv"), cp1252(SIMPLEPRACTICE)).unwrap();
    mapped.create("clinicians.csv", ROSTER);
    let hand = canonical(
        "ex-simplepractice-hand",
        &[
            "s1,C01,T01,CL01-P000001,2026-11-02 09:00,50,attended,therapy",
            "s2,C01,T01,CL01-P000002,2026-11-02 10:00,50,no_show,therapy",
            "s3,C01,T02,CL01-P000003,2026-11-03 14:30,60,attended,therapy",
            "s4,C02,T03,CL02-P000004,2026-11-04 11:00,50,cancelled_late,therapy",
            "s5,C02,T03,CL02-P000005,2026-11-04 15:15,45,cancelled_client,therapy",
            "s6,C02,T03,CL02-P000004,2026-11-05 13:00,50,attended,therapy",
            "s7,C02,T03,CL02-P000006,2026-11-06 12:30,50,attended,therapy",
            "s8,C01,T01,CL01-P000001,2026-11-12 09:00,50,scheduled,therapy",
        ],
        &[("clinicians.csv", ROSTER)],
    );
    run_both(&mapped, &readme_mapping("simplepractice"), &hand, None, "2026-11-08");
    let weeks = check_same(&mapped, &hand, "2026-11-08", &[]);
    let t3 = row(&weeks, &[("clinician_id", "T03"), ("week_start", "2026-11-02")]);
    assert_eq!((t3["clinic_id"].as_str(), t3["sessions_attended"].as_str()), ("C02", "2"), "clinic from the roster");
    assert_eq!((t3["cancelled_late"].as_str(), t3["cancelled_client"].as_str()), ("1", "1"));
    let html = std::fs::read_to_string(mapped.report("2026-11-08").join("index.html")).unwrap();
    assert!(html.contains("appointment_report.csv (sessions.csv)"), "the file read is named, with its table");
    assert!(html.contains("read as Windows-1252"), "the encoding is reported");
}

#[test]
fn a_clinician_missing_from_the_lookup_table_is_rejected_or_takes_the_fallback() {
    let mut lines = SIMPLEPRACTICE.to_vec();
    lines.push("11/05/2026,9:00 AM,Cliént CL09-P000009,T09,90837,50,Show,150.00,0.00");
    let dir = Dir::new("ex-lookup");
    std::fs::write(dir.input().join("appointment_report.csv"), cp1252(&lines)).unwrap();
    dir.create("clinicians.csv", ROSTER);
    dir.write("mapping.toml", &format!("max_reject_share = 0.2\n{}", readme_mapping("simplepractice")));
    assert_ok(&dir.run(&["--config", "mapping.toml", "--as-of", "2026-11-08"]));
    let rejects = read_csv(&dir.report("2026-11-08").join("rejects/sessions.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(
        (rejects[0]["line"].as_str(), rejects[0]["reason"].as_str(), rejects[0]["value"].as_str()),
        ("10", "key not found in clinicians.csv", "T09")
    );
    let clinics: Vec<String> = read_csv(&dir.report("2026-11-08").join("data/clinic_weeks.csv"))
        .iter()
        .map(|r| r["clinic_id"].clone())
        .collect();
    assert!(!clinics.iter().any(|c| c == "T09" || c.is_empty()), "no clinic of its own: {clinics:?}");

    let fallback = readme_mapping("simplepractice")
        .replace(r#"by = "clinician_id" }"#, r#"by = "clinician_id", fallback = "UNASSIGNED" }"#);
    let dir = Dir::new("ex-fallback");
    std::fs::write(dir.input().join("appointment_report.csv"), cp1252(&lines)).unwrap();
    dir.create("clinicians.csv", ROSTER);
    dir.write("mapping.toml", &fallback);
    let output = dir.caseload(&["validate", "in", "--config", "mapping.toml"]);
    assert_ok(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("1 row(s) have a key that clinicians.csv lacks"), "{text}");
    assert!(text.contains("9 rows read, 9 accepted"), "{text}");
}

const ENCOUNTERS: &str = "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION,\
                          BASE_ENCOUNTER_COST,TOTAL_CLAIM_COST,PAYER_COVERAGE,REASONCODE,REASONDESCRIPTION";
const ORG1: &str = "0a7f1c7e-3b3e-3c5d-9f1e-1c2b3a4d5e6f";
const ORG2: &str = "7d1e2f3a-4b5c-3d6e-8f7a-9b0c1d2e3f4a";
const PROV1: &str = "b1c428d6-4f07-31e0-90f0-68ffa6ff8c76";
const PROV2: &str = "c2d539e7-5a18-32f1-a1a1-79aab7bb9d87";
const PROV3: &str = "d3e64af8-6b29-33a2-b2b2-8abbc8cc0e98";

/// Encounters on both sides of New York's 2026 changes: spring forward on Sunday 8 March, fall back
/// on Sunday 1 November.
fn encounters() -> Vec<String> {
    let rows = [
        ("e1", "2026-03-07T15:00:00Z", "2026-03-07T15:50:00Z", "pat-a1", ORG1, PROV1, "ambulatory"),
        ("e2", "2026-03-09T04:30:00Z", "2026-03-09T05:20:00Z", "pat-a2", ORG1, PROV1, "outpatient"),
        ("e3", "2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z", "pat-a3", ORG1, PROV2, "ambulatory"),
        ("e4", "2026-10-31T14:00:00Z", "2026-10-31T14:50:00Z", "pat-a1", ORG1, PROV1, "ambulatory"),
        ("e5", "2026-11-01T05:30:00Z", "2026-11-01T05:50:00Z", "pat-a4", ORG2, PROV3, "emergency"),
        ("e6", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z", "pat-a5", ORG1, PROV1, "emergency"),
        ("e7", "2026-11-02T15:00:00Z", "2026-11-02T15:50:00Z", "pat-a3", ORG1, PROV2, "wellness"),
    ];
    let mut lines = vec![ENCOUNTERS.to_owned()];
    for (id, start, stop, patient, org, provider, class) in rows {
        lines.push(format!(
            "{id},{start},{stop},{patient},{org},{provider},payer-9a8b,{class},185347001,Encounter for problem,\
             129.16,129.16,0.00,,"
        ));
    }
    lines
}

fn synthea_dir(name: &str, roster: &[&str]) -> Dir {
    let dir = Dir::new(name);
    let lines = encounters();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    dir.create("encounters.csv", &lines);
    dir.create("clinicians.csv", roster);
    dir
}

#[test]
fn synthea_encounters_across_daylight_saving_match_their_canonical_version() {
    let roster_lines = [
        "clinician_id,clinic_id,fte".to_owned(),
        format!("{PROV1},{ORG1},1.0"),
        format!("{PROV2},{ORG1},1.0"),
        format!("{PROV3},{ORG2},0.5"),
    ];
    let roster: Vec<&str> = roster_lines.iter().map(String::as_str).collect();
    let mapped = synthea_dir("ex-synthea", &roster);
    let sessions = [
        format!("e1,{ORG1},{PROV1},pat-a1,2026-03-07 10:00,50,attended,therapy"),
        format!("e2,{ORG1},{PROV1},pat-a2,2026-03-09 00:30,50,attended,therapy"),
        format!("e3,{ORG1},{PROV2},pat-a3,2026-03-09 10:00,60,attended,therapy"),
        format!("e4,{ORG1},{PROV1},pat-a1,2026-10-31 10:00,50,attended,therapy"),
        format!("e5,{ORG2},{PROV3},pat-a4,2026-11-01 01:30,20,attended,crisis"),
        format!("e6,{ORG1},{PROV1},pat-a5,2026-11-01 01:30,30,attended,crisis"),
        format!("e7,{ORG1},{PROV2},pat-a3,2026-11-02 10:00,50,attended,therapy"),
    ];
    let sessions: Vec<&str> = sessions.iter().map(String::as_str).collect();
    let hand = canonical("ex-synthea-hand", &sessions, &[("clinicians.csv", &roster)]);
    // A window long enough to hold March.
    let config = format!("window_weeks = 40\n{}", readme_mapping("synthea"));
    run_both(&mapped, &config, &hand, Some("window_weeks = 40\n"), "2026-11-08");
    // The export holds attended encounters only: no-shows and cancellations were not exported.
    let missed = ["no_show", "cancelled_late", "cancelled_client", "cancelled_clinician", "no_show_rate"];
    let weeks = check_same(&mapped, &hand, "2026-11-08", &missed);
    let hours = |week: &str| num(row(&weeks, &[("clinician_id", PROV1), ("week_start", week)]), "direct_hours");
    // 04:30 UTC on Monday 9 March is 00:30 EDT that Monday; at a fixed −05:00 it would be Sunday.
    assert_close(hours("2026-03-02"), 50.0 / 60.0, "only e1 in the week before the change");
    assert_close(hours("2026-03-09"), 50.0 / 60.0, "e2 in the week after");
    // The two instants of the repeated hour, 05:30Z (EDT) and 06:30Z (EST), are both 01:30 local on
    // Sunday 1 November, in the week of Saturday's e4.
    let p3 = row(&weeks, &[("clinician_id", PROV3), ("week_start", "2026-10-26")]);
    assert_close(num(p3, "direct_hours"), 20.0 / 60.0, "e5, 01:30–01:50 EDT");
    assert_close(hours("2026-10-26"), 80.0 / 60.0, "e4 on Saturday and e6, 01:30–02:00 EST");

    let report = mapped.report("2026-11-08");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("summary.json")).unwrap()).unwrap();
    assert!(summary["no_show_rate"].is_null(), "{}", summary["no_show_rate"]);
    let reason = summary["not_available"]["no_show_rate"].as_str().unwrap_or_default();
    assert!(reason.contains("one status for every row"), "{reason}");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("No-show rate: not available, because the export holds one status"), "page says why");
    assert!(!html.contains("0.0 %</div><div class=\"label\">no-show rate"), "no zero card");
    let hand_summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hand.report("2026-11-08").join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(hand_summary["no_show_rate"], 0.0, "the canonical export did say attended on every row");
}

#[test]
fn synthea_provider_uuids_against_a_staff_number_roster_fail_strict_validation() {
    let roster = ["clinician_id,clinic_id,fte", "T01,C01,1.0", "T02,C01,1.0", "T03,C02,0.5"];
    let dir = synthea_dir("ex-synthea-mismatch", &roster);
    dir.create(
        "admin_time.csv",
        &[
            "clinic_id,clinician_id,date,hours,category",
            "C01,T01,2026-11-02,2,documentation",
            "C02,T03,2026-11-02,1,meetings",
        ],
    );
    dir.write("mapping.toml", &readme_mapping("synthea"));
    let plain = dir.caseload(&["validate", "in", "--config", "mapping.toml"]);
    assert_ok(&plain);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("3 clinicians in sessions.csv (7 rows, 100.0 % of them) not in clinicians.csv"), "{text}");
    let strict = dir.caseload(&["validate", "in", "--config", "mapping.toml", "--strict"]);
    assert_eq!(strict.status.code(), Some(65), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("100.0 % of sessions name a clinician that clinicians.csv does not list"));
    let json = dir.caseload(&["validate", "in", "--config", "mapping.toml", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let references = json["references"].as_array().cloned().unwrap_or_default();
    let unrostered = references
        .iter()
        .find(|m| m["found_in"] == "sessions.csv" && m["missing_from"] == "clinicians.csv" && m["kind"] == "clinician")
        .expect("the mismatch is listed");
    assert_eq!((unrostered["ids"].as_u64(), unrostered["rows"].as_u64()), (Some(3), Some(7)));
    assert_eq!(unrostered["examples"][0], PROV1);
    assert!(references.iter().any(|m| m["found_in"] == "admin_time.csv" && m["missing_from"] == "sessions.csv"));
    assert_eq!(json["files"][0]["source"], "encounters.csv");

    dir.write("run.toml", &format!("window_weeks = 40\n{}", readme_mapping("synthea")));
    assert_ok(&dir.run(&["--config", "run.toml", "--as-of", "2026-11-08"]));
    let html = std::fs::read_to_string(dir.report("2026-11-08").join("index.html")).unwrap();
    assert!(html.contains("Ids that match nothing in another file"), "the data-quality section shows the mismatch");
    assert!(html.contains(PROV1), "internal audience: the first ids are listed");
    let advocacy = dir.caseload(&["run", "in", "--out", "adv", "--config", "run.toml", "--as-of", "2026-11-08"]);
    assert_ok(&advocacy);
    let html = std::fs::read_to_string(dir.root.join("adv/2026-11-08/index.html")).unwrap();
    assert!(html.contains("Ids that match nothing in another file"));
    assert!(!html.contains(PROV1), "advocacy: no clinician's id");
}
