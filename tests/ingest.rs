//! Real exports: encodings, dialects, mappings, the privacy guard and data quality (SPEC §1, §5).
//! A table of unusual or malformed inputs, each checked through `caseload validate --json`; a
//! property test over arbitrary bytes; and the README's two mapping examples run end to end.

use crate::util::*;
use proptest::prelude::*;
use serde_json::Value;

const H: &str = "session_id,clinic_id,clinician_id,client_id,start,duration_min,status";
const ROW1: &str = "S1,C1,T1,A,2026-11-02 09:00,50,attended";
const ROW2: &str = "S2,C1,T1,B,2026-11-03 10:00,50,no show";
/// Rejects are tolerated here: each case says what it expects them to be.
const LENIENT: &str = "max_reject_share = 1.0\n";

enum Expect {
    /// Accepted rows of the sessions file, its rejects as (line, column, reason prefix), and a
    /// warning the file report must carry (empty: none required).
    Rows { accepted: u64, rejects: &'static [(u64, &'static str, &'static str)], warning: &'static str },
    /// Exit code and a fragment of the one-line error.
    Fails { code: i32, message: &'static str },
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    config: &'static str,
    expect: Expect,
}

fn text(lines: &[&str]) -> Vec<u8> {
    let mut t = lines.join("\n");
    t.push('\n');
    t.into_bytes()
}

fn sessions(lines: &[&str]) -> Vec<(&'static str, Vec<u8>)> {
    vec![("sessions.csv", text(lines))]
}

fn rows(accepted: u64, rejects: &'static [(u64, &'static str, &'static str)]) -> Expect {
    Expect::Rows { accepted, rejects, warning: "" }
}

fn fails(code: i32, message: &'static str) -> Expect {
    Expect::Fails { code, message }
}

fn corpus() -> Vec<Case> {
    let case = |name, files, config, expect| Case { name, files, config, expect };
    let mut latin1 = text(&[H, ROW1]);
    latin1.extend_from_slice(b"S2,Z\xfcrich,T1,B,2026-11-03 10:00,50,attended\n");
    let mut damaged = text(&[H, "S1,Montr\u{e9}al,T1,A,2026-11-02 09:00,50,attended"]);
    damaged.extend_from_slice(b"S2,C\xff1,T1,B,2026-11-03 10:00,50,attended\n");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text(&[H, ROW1]).iter().flat_map(|&b| [b, 0]));
    vec![
        case("crlf", vec![("sessions.csv", format!("{H}\r\n{ROW1}\r\n{ROW2}\r\n").into_bytes())], LENIENT, rows(2, &[])),
        case("utf8-bom", vec![("sessions.csv", [&b"\xef\xbb\xbf"[..], &text(&[H, ROW1])].concat())], LENIENT, rows(1, &[])),
        case(
            "semicolons",
            sessions(&[&H.replace(',', ";"), &ROW1.replace(',', ";"), &ROW2.replace(',', ";")]),
            LENIENT,
            Expect::Rows { accepted: 2, rejects: &[], warning: "semicolon-delimited" },
        ),
        case(
            "tabs",
            sessions(&[&H.replace(',', "\t"), &ROW1.replace(',', "\t")]),
            LENIENT,
            Expect::Rows { accepted: 1, rejects: &[], warning: "tab-delimited" },
        ),
        case("quoted-delimiter", sessions(&[H, "S1,\"C1, north\",T1,\"A\",2026-11-02 09:00,50,attended"]), LENIENT, rows(1, &[])),
        case(
            "embedded-newline-keeps-line-numbers",
            sessions(&[&format!("{H},note"), &format!("{ROW1},\"two\nlines\""), "S2,C1,T1,B,2026-11-03 10:00,50,maybe,x"]),
            LENIENT,
            rows(1, &[(4, "status", "unknown status")]),
        ),
        case(
            "stray-spaces",
            sessions(&[" session_id , clinic_id,clinician_id ,client_id,start,duration_min, status", " S1 , C1 ,T1,A, 2026-11-02 09:00 , 50 , attended "]),
            LENIENT,
            rows(1, &[]),
        ),
        case("header-case", sessions(&["Session_ID,CLINIC_ID,Clinician_Id,client_id,Start,Duration_Min,Status", ROW1]), LENIENT, rows(1, &[])),
        case(
            "duplicate-header-first-wins",
            sessions(&[&format!("{H},status"), &format!("{ROW1},maybe")]),
            LENIENT,
            Expect::Rows { accepted: 1, rejects: &[], warning: "appears more than once" },
        ),
        case(
            "duplicate-header-second-by-mapping",
            sessions(&[&format!("{H},status"), &format!("{ROW1},maybe")]),
            "max_reject_share = 1.0\n[mapping.sessions]\ncolumns = { status = \"status#2\" }\n",
            rows(0, &[(2, "status", "unknown status")]),
        ),
        case(
            "windows-1252",
            vec![("sessions.csv", latin1)],
            LENIENT,
            Expect::Rows { accepted: 2, rejects: &[], warning: "Windows-1252" },
        ),
        case("damaged-utf8", vec![("sessions.csv", damaged)], LENIENT, rows(1, &[(3, "clinic_id", "invalid UTF-8")])),
        case("utf16", vec![("sessions.csv", utf16)], LENIENT, fails(65, "UTF-16")),
        case("empty", vec![("sessions.csv", Vec::new())], LENIENT, fails(65, "sessions.csv: file is empty")),
        case("header-only", sessions(&[H]), LENIENT, fails(65, "sessions.csv: no data rows")),
        case(
            "missing-column",
            sessions(&["session_id,clinic_id,clinician_id,client_id,start,duration_min", "S1,C1,T1,A,2026-11-02 09:00,50"]),
            LENIENT,
            fails(65, "sessions.csv:1: required column `status`"),
        ),
        case(
            "every-missing-column-at-once",
            sessions(&["session_id,clinic_id,clinician_id,client_id,duration_min", "S1,C1,T1,A,50"]),
            LENIENT,
            fails(65, "sessions.csv:1: required columns `start`, `status` are missing from the header"),
        ),
        case(
            "no-duration-no-end",
            sessions(&["session_id,clinic_id,clinician_id,client_id,start,status", "S1,C1,T1,A,2026-11-02 09:00,attended"]),
            LENIENT,
            fails(65, "needs one of the columns `duration_min` or `end`"),
        ),
        case("field-count", sessions(&[H, ROW1, "S2,C1,T1,B,2026-11-03 10:00,50"]), LENIENT, rows(1, &[(3, "", "wrong number of fields")])),
        case("unclosed-quote", sessions(&[H, ROW1, "S2,\"C1,T1,B,2026-11-03 10:00,50,attended"]), LENIENT, rows(1, &[(3, "", "wrong number of fields")])),
        case("nul-byte-in-id", sessions(&[H, ROW1, "S2,C0\u{0}001,T1,B,2026-11-03 10:00,50,attended"]), LENIENT, rows(1, &[(3, "clinic_id", "NUL byte in cell")])),
        case("unknown-status", sessions(&[H, ROW1, "S2,C1,T1,B,2026-11-03 10:00,50,maybe"]), LENIENT, rows(1, &[(3, "status", "unknown status")])),
        case("duration-range", sessions(&[H, ROW1, "S2,C1,T1,B,2026-11-03 10:00,721,attended"]), LENIENT, rows(1, &[(3, "duration_min", "duration out of range")])),
        case("bad-date", sessions(&[H, ROW1, "S2,C1,T1,B,03/11/2026 10:00,50,attended"]), LENIENT, rows(1, &[(3, "start", "unparseable datetime")])),
        case("offset-unconfigured", sessions(&[H, "S1,C1,T1,A,2026-11-02T09:00:00Z,50,attended"]), LENIENT, rows(0, &[(2, "start", "datetime with a UTC offset")])),
        case(
            "offset-converted",
            sessions(&[H, "S1,C1,T1,A,2026-11-02T09:00:00+02:00,50,attended", "S2,C1,T1,A,2026-11-02T09:00:00Z,50,attended"]),
            "max_reject_share = 1.0\n[mapping.sessions]\nutc_offset = \"+01:00\"\n",
            rows(2, &[]),
        ),
        case("duplicate-id", sessions(&[H, ROW1, "S1,C1,T1,B,2026-11-03 10:00,50,attended"]), LENIENT, rows(1, &[(3, "session_id", "duplicate id")])),
        case("blank-lines", sessions(&[H, ROW1, "", ROW2, ""]), LENIENT, rows(2, &[])),
        case(
            "end-instead-of-duration",
            sessions(&["session_id,clinic_id,clinician_id,client_id,start,end,status", "S1,C1,T1,A,2026-11-02 09:00,2026-11-02 09:50,attended", "S2,C1,T1,A,2026-11-02 10:00,2026-11-02 09:50,attended"]),
            LENIENT,
            rows(1, &[(3, "end", "duration out of range")]),
        ),
        case("name-column", sessions(&[&format!("{H},Patient Name"), &format!("{ROW1},x")]), LENIENT, fails(65, "sessions.csv:1: column `Patient Name` looks like a direct identifier")),
        case("dob-column", sessions(&[&format!("{H},D.O.B"), &format!("{ROW1},x")]), LENIENT, fails(65, "column `D.O.B`")),
        case(
            "ignored-name-column",
            sessions(&[&format!("{H},Patient Name"), &format!("{ROW1},x")]),
            "max_reject_share = 1.0\n[mapping.sessions]\nignore = [\"patient name\"]\n",
            rows(1, &[]),
        ),
        case("email-id", sessions(&[H, ROW1, "S2,C1,T1,jo@example.org,2026-11-03 10:00,50,attended"]), LENIENT, fails(65, "sessions.csv:3: column `client_id`")),
        case("phone-id", sessions(&[H, "S1,C1,T1,+44 7700 900123,2026-11-02 09:00,50,attended"]), LENIENT, fails(65, "values look like phone numbers")),
        case(
            "datetime-format",
            sessions(&[H, "S1,C1,T1,A,11/02/2026 09:00,50,attended", "S2,C1,T1,A,2026-13-45 09:00,50,attended"]),
            "max_reject_share = 1.0\n[mapping.sessions]\ndatetime_formats = [\"%m/%d/%Y %H:%M\"]\n",
            rows(1, &[(3, "start", "unparseable datetime (formats tried: %m/%d/%Y %H:%M)")]),
        ),
        case(
            "join-twelve-hour",
            vec![("visits.csv", text(&["Visit,Site,Doc,Pt,Day,Time,Mins,Outcome", "1,C1,T1,A,11/02/2026,02:30 PM,50,Kept", "2,C1,T1,A,11/02/2026,25:00,50,Kept"]))],
            "max_reject_share = 1.0\n[mapping.sessions]\nsource = \"visits.csv\"\ncolumns = { session_id = \"visit\", clinic_id = \"site\", clinician_id = \"doc\", client_id = \"pt\", duration_min = \"mins\", status = \"outcome\" }\njoin = { start = [\"Day\", \"Time\"] }\ndate_formats = [\"%m/%d/%Y\"]\n",
            rows(1, &[(3, "Day+Time", "unparseable date and time")]),
        ),
        case(
            "duration-seconds",
            sessions(&[H, "S1,C1,T1,A,2026-11-02 09:00,3000,attended", "S2,C1,T1,A,2026-11-03 09:00,fifty,attended"]),
            "max_reject_share = 1.0\n[mapping.sessions]\nduration_unit = \"seconds\"\n",
            rows(1, &[(3, "duration_min", "duration is not a number")]),
        ),
        case(
            "constant-status-and-value-map",
            sessions(&["session_id,clinic_id,clinician_id,client_id,start,duration_min,kind", "S1,C1,T1,A,2026-11-02 09:00,50,IND", "S2,C1,T1,A,2026-11-03 09:00,50,GRP"]),
            "max_reject_share = 1.0\n[mapping.sessions]\nconstants = { status = \"attended\" }\ncolumns = { session_type = \"kind\" }\n[mapping.sessions.values.session_type]\nIND = \"therapy\"\ngrp = \"group\"\n",
            rows(2, &[]),
        ),
        case("mapping-unknown-column", sessions(&[H, ROW1]), "[mapping.sessions]\ncolumns = { patient = \"pt\" }\n", fails(2, "`patient` is not a column of sessions")),
        case("mapping-unknown-key", sessions(&[H, ROW1]), "[mapping.sessions]\ntimezone = \"Europe/Paris\"\n", fails(2, "timezone")),
        case("mapping-source-missing", sessions(&[H, ROW1]), "[mapping.sessions]\nsource = \"encounters.csv\"\n", fails(66, "encounters.csv: input file not found")),
        case(
            "too-many-rejects-names-the-file-read",
            vec![("appointments.csv", text(&[H, ROW1, "S2,C1,T1,B,2026-11-03 10:00,50,maybe"]))],
            "[mapping.sessions]\nsource = \"appointments.csv\"\n",
            fails(65, "appointments.csv: 1 of 2 rows rejected"),
        ),
        case("mapping-renamed-column-absent", sessions(&[H, ROW1]), "[mapping.sessions]\ncolumns = { status = \"outcome\" }\n", fails(65, "column `outcome` is missing")),
        case(
            "per-file-reject-limit",
            sessions(&[H, ROW1, ROW2, "S3,C1,T1,B,2026-11-03 10:00,50,maybe"]),
            "max_reject_share = 1.0\n[mapping.sessions]\nmax_reject_share = 0.2\n",
            fails(65, "sessions.csv: 1 of 3 rows rejected"),
        ),
        case("binary", vec![("sessions.csv", vec![0, 159, 146, 150, 0, 255, 10, 1, 2, 3])], LENIENT, fails(65, "required columns `session_id`, `clinic_id`")),
        case("trailing-delimiter", sessions(&[&format!("{H},"), &format!("{ROW1},")]), LENIENT, rows(1, &[])),
    ]
}

fn sessions_report(json: &Value) -> &Value {
    json["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["file"] == "sessions.csv"))
        .expect("sessions.csv report")
}

#[test]
fn corpus_of_unusual_and_malformed_exports() {
    let cases = corpus();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in cases {
        let dir = Dir::new(&format!("corpus-{}", case.name));
        for (name, bytes) in &case.files {
            std::fs::write(dir.input().join(name), bytes).unwrap();
        }
        dir.write("config.toml", case.config);
        let output = dir.caseload(&["validate", "in", "--config", "config.toml", "--json"]);
        let err = stderr(&output);
        let stdout = String::from_utf8_lossy(&output.stdout);
        // The same read in parts, one after every line break: the same outcome to the byte.
        let in_parts = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .args(["validate", "in", "--config", "config.toml", "--json"])
            .env("CASELOAD_PART_BYTES", "1")
            .current_dir(&dir.root)
            .output()
            .unwrap();
        // Log lines begin with the time, which may tick between the two runs.
        let untimed = |text: &str| {
            text.lines().map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest).to_owned()).collect::<Vec<_>>()
        };
        if (in_parts.status.code(), &in_parts.stdout) != (output.status.code(), &output.stdout)
            || untimed(&stderr(&in_parts)) != untimed(&err)
        {
            failures.push(format!(
                "{}: read in parts differs: {}\n{}",
                case.name,
                String::from_utf8_lossy(&in_parts.stdout),
                stderr(&in_parts)
            ));
        }
        if err.contains("panicked") {
            failures.push(format!("{}: panic: {err}", case.name));
            continue;
        }
        match case.expect {
            Expect::Fails { code, message } => {
                if output.status.code() != Some(code) || !err.contains(message) {
                    failures.push(format!(
                        "{}: expected exit {code} with {message:?}, got {:?}: {err}",
                        case.name,
                        output.status.code()
                    ));
                }
            }
            Expect::Rows { accepted, rejects, warning } => {
                let Ok(json) = serde_json::from_str::<Value>(&stdout) else {
                    failures.push(format!("{}: no JSON (exit {:?}): {err}", case.name, output.status.code()));
                    continue;
                };
                let report = sessions_report(&json);
                let found: Vec<(u64, String, String)> = report["first_rejects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["line"].as_u64().unwrap(),
                            r["column"].as_str().unwrap().to_owned(),
                            r["reason"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect();
                let matches = found.len() == rejects.len()
                    && found.iter().zip(rejects).all(|(f, e)| f.0 == e.0 && f.1 == e.1 && f.2.starts_with(e.2));
                let warned = warning.is_empty()
                    || report["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains(warning));
                let read = report["rows_read"].as_u64().unwrap();
                if report["rows_accepted"] != accepted || !matches || !warned || read != accepted + found.len() as u64 {
                    failures.push(format!(
                        "{}: expected {accepted} accepted, rejects {rejects:?}, warning {warning:?}; got {report}",
                        case.name
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn validate_prints_a_summary_and_fails_on_too_many_rejects() {
    let dir = Dir::new("validate-text");
    dir.create("sessions.csv", &[H, ROW1, ROW2, "S3,C2,T2,B,2026-11-04 10:00,50,maybe"]);
    dir.create("admin_time.csv", &[ADMIN_HEADER, "C1,T1,2026-11-02,2,documentation,false"]);
    let output = dir.caseload(&["validate", "in"]);
    assert_eq!(output.status.code(), Some(65), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "sessions.csv (in/sessions.csv): 3 rows read, 2 accepted, 1 rejected (limit 5.0 %)",
        "dates: 2026-11-02 to 2026-11-03",
        "clinics: 1, clinicians: 1",
        "rejected: 1 × unknown status (lines 4)",
        "admin_time.csv (in/admin_time.csv): 1 rows read, 1 accepted",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(stderr(&output).contains("sessions.csv: 1 of 3 rows rejected"), "{}", stderr(&output));
    assert!(!dir.out().exists(), "validate writes nothing");
}

#[test]
fn report_data_quality_shows_dates_clinics_and_how_files_were_read() {
    let dir = Dir::new("quality-html");
    let mut bytes = text(&[&H.replace(',', ";"), &ROW1.replace(',', ";")]);
    bytes.extend_from_slice(b"S2;Z\xfcrich;T2;B;2026-11-03 10:00;50;attended\n");
    std::fs::write(dir.input().join("sessions.csv"), bytes).unwrap();
    assert_ok(&dir.run(&["--as-of", "2026-11-08"]));
    let html = std::fs::read_to_string(dir.report("2026-11-08").join("index.html")).unwrap();
    for expected in
        ["2026-11-02 – 2026-11-03", "read as Windows-1252 and transcoded", "semicolon-delimited", "Clinicians"]
    {
        assert!(html.contains(expected), "{expected:?} missing from the data-quality section");
    }
}

#[test]
fn readme_openemr_mapping_runs() {
    let dir = Dir::new("openemr");
    dir.create(
        "openemr_postcalendar_events.csv",
        &[
            "pc_eid,pc_catid,pc_aid,pc_pid,pc_title,pc_eventDate,pc_startTime,pc_endTime,pc_duration,pc_apptstatus,pc_facility,lname",
            "1,5,7,101,Office Visit,2026-11-02,09:00:00,09:50:00,3000,@,3,",
            "2,5,7,102,Office Visit,2026-11-02,10:00:00,10:50:00,3000,?,3,",
            "3,10,7,103,New Patient,2026-11-03,14:00:00,15:00:00,3600,>,3,",
            "4,5,7,104,Office Visit,2026-11-04,09:00:00,09:50:00,3000,x,3,",
            "5,5,7,105,Office Visit,2026-11-04,11:00:00,11:50:00,3000,%,3,",
            "6,5,8,106,Office Visit,2026-11-05,09:00:00,09:50:00,3000,@,3,",
            "7,5,7,107,Office Visit,2026-11-12,09:00:00,09:50:00,3000,-,3,",
        ],
    );
    dir.write("openemr.toml", &readme_mapping("openemr"));
    let output = dir.caseload(&["validate", "in", "--config", "openemr.toml"]);
    assert_ok(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("7 rows read, 7 accepted"));
    assert_ok(&dir.run(&["--config", "openemr.toml", "--as-of", "2026-11-08"]));
    let weeks = read_csv(&dir.report("2026-11-08").join("data/clinician_weeks.csv"));
    let t7 = row(&weeks, &[("clinician_id", "7"), ("week_start", "2026-11-02")]);
    assert_eq!(t7["sessions_attended"], "2");
    assert_eq!(
        (t7["no_show"].as_str(), t7["cancelled_late"].as_str(), t7["cancelled_client"].as_str()),
        ("1", "1", "1")
    );
    assert_close(num(t7, "direct_hours"), 110.0 / 60.0, "50 + 60 minutes from pc_duration in seconds");
}

#[test]
fn readme_fhir_mapping_runs() {
    let dir = Dir::new("fhir");
    dir.create(
        "appointments.csv",
        &[
            "id,status,start,end,minutesDuration,serviceType,participant.patient,participant.practitioner,serviceProvider",
            "a1,fulfilled,2026-11-02T08:00:00Z,2026-11-02T08:50:00Z,50,therapy,Patient/p1,Practitioner/t1,Organization/c1",
            "a2,noshow,2026-11-02T09:00:00Z,2026-11-02T09:50:00Z,50,therapy,Patient/p2,Practitioner/t1,Organization/c1",
            "a3,arrived,2026-11-03T13:00:00+01:00,2026-11-03T14:00:00+01:00,60,intake,Patient/p3,Practitioner/t1,Organization/c1",
            "a4,cancelled,2026-11-03T15:00:00Z,2026-11-03T15:50:00Z,50,therapy,Patient/p4,Practitioner/t1,Organization/c1",
            "a5,checked-in,2026-11-04T08:00:00Z,2026-11-04T08:45:00Z,,therapy,Patient/p5,Practitioner/t1,Organization/c1",
            "a6,entered-in-error,2026-11-04T09:00:00Z,2026-11-04T09:50:00Z,50,therapy,Patient/p6,Practitioner/t1,Organization/c1",
            "a7,booked,2026-11-20T09:00:00Z,2026-11-20T09:50:00Z,50,therapy,Patient/p1,Practitioner/t1,Organization/c1",
            "a8,proposed,2026-11-21T09:00:00Z,,50,therapy,Patient/p7,Practitioner/t1,Organization/c1",
            "a9,waitlist,2026-11-22T09:00:00Z,,50,therapy,Patient/p8,Practitioner/t1,Organization/c1",
        ],
    );
    dir.write("fhir.toml", &readme_mapping("fhir"));
    assert_ok(&dir.run(&["--config", "fhir.toml", "--as-of", "2026-11-08"]));
    let report = dir.report("2026-11-08");
    let rejects = read_csv(&report.join("rejects/sessions.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!((rejects[0]["line"].as_str(), rejects[0]["column"].as_str()), ("7", "status"));
    let weeks = read_csv(&report.join("data/clinician_weeks.csv"));
    let t1 = row(&weeks, &[("clinician_id", "Practitioner/t1"), ("week_start", "2026-11-02")]);
    assert_eq!(
        (t1["sessions_attended"].as_str(), t1["no_show"].as_str(), t1["cancelled_client"].as_str()),
        ("3", "1", "1")
    );
    // 50 + 60 + 45 minutes; a5's duration comes from end − start.
    assert_close(num(t1, "direct_hours"), 155.0 / 60.0, "direct hours");
}

#[test]
fn init_config_mapping_example_parses_once_uncommented() {
    let dir = Dir::new("init-mapping");
    let output = dir.caseload(&["init-config"]);
    assert_ok(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    let example: String = text[text.find("# [mapping.sessions]").expect("mapping example")..]
        .lines()
        .map(|l| l.trim_start_matches("# ").to_owned() + "\n")
        .collect();
    dir.write("example.toml", &example);
    dir.create(
        "appointments.csv",
        &["appt_id,provider,patient,outcome,appt_date,appt_time,length", "1,T1,A,Seen,11/02/2026,02:30 PM,3000"],
    );
    let output = dir.caseload(&["validate", "in", "--config", "example.toml"]);
    assert_ok(&output);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 rows read, 1 accepted"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

fn ingest_counts(bytes: &[u8], config: &caseload::Config) -> Result<(), TestCaseError> {
    let dir = Dir::new("prop");
    std::fs::write(dir.input().join("sessions.csv"), bytes).unwrap();
    if let Ok(found) = caseload::ingest::validate(&dir.input(), config, false) {
        for f in found.files {
            prop_assert_eq!(f.rows_read, f.rows_accepted + f.rows_rejected, "{}", f.file);
        }
    }
    // Read in parts (a part after every line break, or every 13 bytes), the same rows, ids,
    // rejects and errors as one read from the top.
    let read = |part_bytes: u64| match caseload::ingest::load_in_parts(&dir.input(), config, Some(part_bytes)) {
        Ok(data) => {
            let names = |ids: &caseload::ingest::Interner| {
                (0..ids.len() as u32).map(|c| ids.name(c).to_owned()).collect::<Vec<_>>()
            };
            format!(
                "{:?}\n{:?}\n{:?} {:?} {:?}",
                data.sessions,
                data.files,
                names(&data.ids.clinics),
                names(&data.ids.clinicians),
                names(&data.ids.clients)
            )
        }
        Err(e) => format!("error: {e}"),
    };
    let one = read(0);
    for part_bytes in [1, 13] {
        prop_assert_eq!(&one, &read(part_bytes), "parts of {} bytes", part_bytes);
    }
    Ok(())
}

/// Pieces that make CSV interesting: delimiters, quotes, line ends, bad bytes, valid cells.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xfc".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just(b"S1".to_vec()),
        Just(b"2026-11-02 09:00".to_vec()),
        Just(b"2026-11-02T09:00:00+01:00".to_vec()),
        Just(b"50".to_vec()),
        Just(b"attended".to_vec()),
        Just(b"@".to_vec()),
        Just(ROW1.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_and_every_row_is_counted(body in prop::collection::vec(any::<u8>(), 0..600)) {
        let config = caseload::Config::parse(LENIENT).unwrap();
        ingest_counts(&body, &config)?;
    }

    #[test]
    fn csv_like_bytes_under_a_valid_header_never_panic(
        header in prop_oneof![Just(H.to_owned()), Just(H.replace(',', ";")), Just(format!("{H},status"))],
        body in prop::collection::vec(fragment(), 0..80),
        mapped in any::<bool>(),
    ) {
        let mut bytes = header.into_bytes();
        bytes.push(b'\n');
        bytes.extend(body.concat());
        let config = if mapped {
            "max_reject_share = 1.0\n[mapping.sessions]\nutc_offset = \"+01:00\"\nduration_unit = \"seconds\"\ndatetime_formats = [\"%m/%d/%Y %H:%M\"]\n[mapping.sessions.values.status]\n\"@\" = \"attended\"\n"
        } else {
            LENIENT
        };
        ingest_counts(&bytes, &caseload::Config::parse(config).unwrap())?;
    }
}
