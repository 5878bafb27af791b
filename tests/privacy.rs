//! Safe to publish: no person's id in an advocacy report, and input strings cannot attack the reader.

use crate::util::*;
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
    // The folded group has 2 clinicians: a count under min_cell, published as "<11".
    assert_eq!(row(&rows, &[("clinic_id", "other clinics")])["clinicians"], "<11");
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
