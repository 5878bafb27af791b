//! clinician_weeks and clinic_weeks against hand-computed cases (SPEC §3 and appendix).

use crate::util::*;

/// Week of Monday 2026-11-02; as_of is its Sunday, so it is the last complete week.
const AS_OF: &str = "2026-11-08";

#[test]
fn direct_hours_count_a_group_once_and_merge_a_double_booking() {
    let dir = Dir::new("direct");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // Double booking: [09:00, 09:50) and [09:30, 10:30) → 90 minutes, not 110.
            "S1,C1,T1,A,2026-11-02 09:00,50,attended,therapy",
            "S2,C1,T1,B,2026-11-02 09:30,60,attended,therapy",
            // A group of four exported once per client: 90 minutes once; one member missed it.
            "G1,C1,T1,C,2026-11-03 14:00,90,attended,group",
            "G2,C1,T1,D,2026-11-03 14:00,90,attended,group",
            "G3,C1,T1,E,2026-11-03 14:00,90,attended,group",
            "G4,C1,T1,F,2026-11-03 14:00,90,no_show,group",
            // A no-show adds no direct time; touching sessions add their full lengths (100 minutes).
            "S5,C1,T1,G,2026-11-04 10:00,50,no show,therapy",
            "S6,C1,T1,H,2026-11-04 11:00,50,attended,therapy",
            "S7,C1,T1,A,2026-11-04T11:50:00,50,Seen,therapy",
            // Booked for after as_of: not counted anywhere.
            "S8,C1,T1,A,2026-11-10 11:00,50,scheduled,therapy",
        ],
    );
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/clinician_weeks.csv"));
    assert_eq!(rows.len(), 1, "one clinician-week: {rows:?}");
    let week = row(&rows, &[("clinician_id", "T1"), ("week_start", "2026-11-02")]);
    // 90 + 90 + 100 minutes.
    assert_close(num(week, "direct_hours"), 280.0 / 60.0, "direct_hours");
    assert_eq!(week["sessions_attended"], "7");
    assert_eq!(week["no_show"], "2");
    // 2 / (7 attended + 2 no-shows + 0 late cancellations).
    assert_close(num(week, "no_show_rate"), 2.0 / 9.0, "no_show_rate");
    // No admin_time.csv: admin figures are not available, not zero.
    assert_eq!(week["admin_hours"], "");
    assert_eq!(week["admin_ratio"], "");
    // Clients A, B, C, D, E, H attended in the 90 days ending 2026-11-08 (G and F did not attend).
    assert_eq!(week["active_caseload"], "6");
    // No roster: 1.0 FTE and 37.5 contracted hours.
    assert_eq!(week["fte"], "1");
    assert_eq!(week["contracted_hours"], "37.5");
}

#[test]
fn clinic_admin_ratio_is_a_ratio_of_sums_and_admin_only_weeks_have_no_ratio() {
    let dir = Dir::new("ratio");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,C1,T1,A,2026-11-02 08:00,300,attended,therapy",
            "S2,C1,T1,B,2026-11-03 08:00,300,attended,therapy",
            "S3,C1,T2,C,2026-11-02 08:00,60,attended,therapy",
        ],
    );
    dir.create(
        "admin_time.csv",
        &[
            ADMIN_HEADER,
            "C1,T1,2026-11-02,2,documentation,false",
            "C1,T2,2026-11-04,3,meetings,true",
            // T3 only did admin this week (and supervision, which is not admin).
            "C2,T3,2026-11-05,1.5,billing,",
            "C2,T3,2026-11-05,1,supervision_received,no",
        ],
    );
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let report = dir.report(AS_OF);
    let clinicians = read_csv(&report.join("data/clinician_weeks.csv"));
    let t1 = row(&clinicians, &[("clinician_id", "T1")]);
    let t2 = row(&clinicians, &[("clinician_id", "T2")]);
    let t3 = row(&clinicians, &[("clinician_id", "T3")]);
    assert_close(num(t1, "admin_ratio"), 0.2, "T1 admin_ratio (2 h / 10 h)");
    assert_close(num(t2, "admin_ratio"), 3.0, "T2 admin_ratio (3 h / 1 h)");
    assert_close(num(t2, "after_hours"), 3.0, "T2 after_hours");
    assert_close(num(t3, "admin_hours"), 1.5, "T3 admin_hours");
    assert_close(num(t3, "supervision_hours"), 1.0, "T3 supervision_hours");
    assert_eq!(t3["direct_hours"], "0");
    assert_eq!(t3["admin_ratio"], "", "admin-only week: ratio empty, not infinite");
    // utilization = (0 direct + 1.5 admin + 1 supervision) / 37.5
    assert_close(num(t3, "utilization"), 2.5 / 37.5, "T3 utilization");

    let clinics = read_csv(&report.join("data/clinic_weeks.csv"));
    let c1 = row(&clinics, &[("clinic_id", "C1"), ("week_start", "2026-11-02")]);
    // Σadmin / Σdirect = 5 / 11, while the mean of the two ratios would be 1.6.
    assert_close(num(c1, "admin_ratio"), 5.0 / 11.0, "C1 admin_ratio");
    assert_eq!(c1["clinicians"], "2");
    assert_close(num(c1, "direct_hours"), 11.0, "C1 direct_hours");
    let c2 = row(&clinics, &[("clinic_id", "C2"), ("week_start", "2026-11-02")]);
    assert_eq!(c2["admin_ratio"], "");
    let network = row(&clinics, &[("clinic_id", "ALL"), ("week_start", "2026-11-02")]);
    assert_close(num(network, "admin_ratio"), 6.5 / 11.0, "network admin_ratio");
    assert_eq!(network["clinicians"], "3");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("summary.json")).unwrap()).unwrap();
    assert_close(summary["admin_ratio"].as_f64().unwrap(), 6.5 / 11.0, "summary admin_ratio");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("0.59 hours of paperwork and other admin for every hour of client care"), "headline");
    assert!(html.contains("data:image/png;base64,"), "chart embedded");
    // The clinic-by-clinic section repeats C1's ratio of sums (5 / 11).
    assert!(
        html.contains("<h3>C1</h3>") && html.contains("0.45 hours of admin for every hour with clients"),
        "clinic section"
    );
    assert!(!html.contains("src=\"http"), "no network loads");
}

#[test]
fn window_and_as_of_rules() {
    let dir = Dir::new("window");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // Week of 2026-10-26: complete.
            "S1,C1,T1,A,2026-10-27 09:00,60,attended,therapy",
            // Week of 2026-11-02 is incomplete on as_of 2026-11-04: not a clinician-week.
            "S2,C1,T1,A,2026-11-03 09:00,60,attended,therapy",
            // After as_of: counted as such, in no indicator.
            "S3,C1,T1,A,2026-11-06 09:00,60,attended,therapy",
        ],
    );
    dir.write("short.toml", "window_weeks = 1\n");
    assert_ok(&dir.run(&["--as-of", "2026-11-04", "--config", "short.toml"]));
    let report = dir.report("2026-11-04");
    let rows = read_csv(&report.join("data/clinician_weeks.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["week_start"], "2026-10-26");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"][0]["rows_after_as_of"], 1);
    assert_eq!(manifest["inputs"][0]["rows_read"], 3);
    // The input's hash (taken on another thread than the one parsing it) is the file's.
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(dir.input().join("sessions.csv")).unwrap();
    assert_eq!(manifest["inputs"][0]["sha256"], format!("{:x}", Sha256::digest(&bytes)));
    assert_eq!(manifest["inputs"][0]["bytes"], bytes.len());

    // Without --as-of, the default is the latest day with a non-scheduled session.
    assert_ok(&dir.run(&[]));
    assert!(dir.report("2026-11-06").join("index.html").is_file());
}

#[test]
fn outputs_are_deterministic() {
    let dir = Dir::new("determinism");
    let gen = dir.caseload(&[
        "generate",
        "--out",
        "in",
        "--clinics",
        "2",
        "--clinicians",
        "8",
        "--weeks",
        "12",
        "--seed",
        "7",
        "--as-of",
        "2026-03-29",
    ]);
    assert_ok(&gen);
    assert_ok(&dir.caseload(&["run", "in", "--out", "a", "--as-of", "2026-03-29", "--audience", "internal"]));
    assert_ok(&dir.caseload(&["run", "in", "--out", "b", "--as-of", "2026-03-29", "--audience", "internal"]));
    for file in ["data/clinician_weeks.csv", "data/clinic_weeks.csv", "summary.json", "index.html"] {
        let a = std::fs::read(dir.root.join("a/2026-03-29").join(file)).unwrap();
        let b = std::fs::read(dir.root.join("b/2026-03-29").join(file)).unwrap();
        assert!(a == b, "{file} differs between two runs on the same inputs");
    }
}

#[test]
fn active_caseload_looks_back_90_days_from_each_sunday() {
    let dir = Dir::new("caseload");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,C1,T1,D,2026-05-20 09:00,50,attended,therapy",
            "S2,C1,T1,A,2026-08-10 09:00,50,attended,therapy",
            "S3,C1,T1,B,2026-08-11 09:00,50,attended,therapy",
            "S4,C1,T1,D,2026-09-01 09:00,50,attended,therapy",
            "S5,C1,T1,C,2026-11-03 09:00,50,attended,therapy",
            // Not attended: never part of a caseload.
            "S6,C1,T1,E,2026-11-03 10:00,50,no_show,therapy",
        ],
    );
    dir.create("admin_time.csv", &[ADMIN_HEADER, "C1,T1,2026-08-18,1,documentation,false"]);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/clinician_weeks.csv"));
    let caseload = |week: &str| row(&rows, &[("week_start", week)])["active_caseload"].clone();
    // Sunday 2026-08-16, window from 2026-05-19: D (05-20), A, B.
    assert_eq!(caseload("2026-08-10"), "3");
    // Sunday 2026-08-23, window from 2026-05-26: D's visit of 05-20 has dropped out.
    assert_eq!(caseload("2026-08-17"), "2");
    // Sunday 2026-09-06, window from 2026-06-09: A, B, and D again.
    assert_eq!(caseload("2026-08-31"), "3");
    // Sunday 2026-11-08, window from 2026-08-11: B (on the first day), D, C; not A (one day earlier).
    assert_eq!(caseload("2026-11-02"), "3");
    // Week of 2026-05-18 has only D.
    assert_eq!(caseload("2026-05-18"), "1");
}

#[test]
fn missing_files_give_empty_figures_never_zero() {
    let dir = Dir::new("missing-inputs");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,C1,T1,A,2026-10-27 09:00,60,attended,therapy",
            "S2,C1,T1,A,2026-11-03 09:00,60,attended,therapy",
            // Wednesday to the next Monday: (Wed, Mon] holds Thu, Fri, Mon = 3 business days.
            "S3,C1,T1,A,2026-11-04 09:00,60,attended,therapy",
            "S4,C1,T1,A,2026-11-09 09:00,60,attended,therapy",
        ],
    );
    assert_ok(&dir.run(&["--as-of", "2026-11-15"]));
    let report = dir.report("2026-11-15");
    let clinics = read_csv(&report.join("data/clinic_weeks.csv"));
    let network = row(&clinics, &[("clinic_id", "ALL"), ("week_start", "2026-11-02")]);
    for column in
        ["admin_hours", "documentation_hours", "supervision_hours", "training_hours", "after_hours", "admin_ratio"]
    {
        assert_eq!(network[column], "", "{column} without admin_time.csv");
    }
    // Follow-up needs only sessions.csv: gaps of 7 days (Tue 10-27 → Tue 11-03: 5 business days),
    // 1 day (Tue → Wed: 1) and 5 days (Wed → Mon: 3); the first gap's later session is in the window too.
    let followup = read_csv(&report.join("data/followup.csv"));
    let c1 = row(&followup, &[("clinic_id", "C1")]);
    assert_eq!(c1["followup_gaps"], "3");
    assert_eq!(c1["followup_over_standard_share"], "0");
    assert_eq!(c1["second_wait_median_days"], "7");
}
