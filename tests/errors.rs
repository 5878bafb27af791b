//! Bad input: clear messages naming file, line and column, and the exit codes of SPEC §5.

use crate::util::*;

#[test]
fn missing_sessions_file_exits_66() {
    let dir = Dir::new("missing-file");
    dir.create("admin_time.csv", &[ADMIN_HEADER, "C1,T1,2026-11-02,2,documentation,false"]);
    let output = dir.run(&[]);
    assert_eq!(output.status.code(), Some(66), "{}", stderr(&output));
    assert!(stderr(&output).contains("sessions.csv: input file not found"), "{}", stderr(&output));
    assert!(!dir.out().join("2026-11-02").exists());
}

#[test]
fn missing_required_column_exits_65_naming_file_and_column() {
    let dir = Dir::new("missing-column");
    dir.create(
        "sessions.csv",
        &["session_id,clinic_id,clinician_id,client_id,start,duration_min", "S1,C1,T1,A,2026-11-02 09:00,50"],
    );
    let output = dir.run(&[]);
    assert_eq!(output.status.code(), Some(65), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("sessions.csv:1: required column `status` is missing"), "{message}");
    let errors: Vec<&str> = message.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "one clear error line: {message}");
    assert!(errors[0].ends_with("sessions.csv:1: required column `status` is missing from the header"), "{message}");
}

#[test]
fn empty_file_exits_65() {
    let dir = Dir::new("empty");
    std::fs::write(dir.input().join("sessions.csv"), "").unwrap();
    let output = dir.run(&[]);
    assert_eq!(output.status.code(), Some(65));
    assert!(stderr(&output).contains("sessions.csv: file is empty"), "{}", stderr(&output));
}

#[test]
fn rejected_rows_are_written_with_line_column_and_reason() {
    let dir = Dir::new("rejects");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,C1,T1,A,2026-11-02 09:00,50,attended,therapy",
            "S2,C1,T1,B,2026-11-02 10:00,50,maybe,therapy",
            "S3,C1,T1,B,2026-11-02 11:00,0,attended,therapy",
            "S1,C1,T1,C,2026-11-02 12:00,50,attended,therapy",
            "S4,C1,T1,C,02/11/2026 13:00,50,attended,therapy",
            "S5,C1,T1,C,2026-11-03 13:00,50,attended",
            "S6,C1,T1,D,2026-11-03 14:00,50,attended,therapy",
        ],
    );
    dir.write("lenient.toml", "max_reject_share = 0.9\n");
    assert_ok(&dir.run(&["--config", "lenient.toml", "--as-of", "2026-11-08"]));
    let rejects = read_csv(&dir.report("2026-11-08").join("rejects/sessions.csv"));
    let expected = [
        ("3", "status", "unknown status"),
        ("4", "duration_min", "duration out of range (1–720 minutes)"),
        ("5", "session_id", "duplicate id"),
        ("6", "start", "unparseable datetime (expected YYYY-MM-DD HH:MM[:SS])"),
        ("7", "", "wrong number of fields"),
    ];
    assert_eq!(rejects.len(), expected.len(), "{rejects:?}");
    for (reject, (line, column, reason)) in rejects.iter().zip(expected) {
        assert_eq!(
            (reject["line"].as_str(), reject["column"].as_str(), reject["reason"].as_str()),
            (line, column, reason)
        );
    }
    let clinician_weeks = read_csv(&dir.report("2026-11-08").join("data/clinician_weeks.csv"));
    assert_eq!(clinician_weeks[0]["sessions_attended"], "2", "only S1 and S6 are accepted");
    let html = std::fs::read_to_string(dir.report("2026-11-08").join("index.html")).unwrap();
    assert!(html.contains("unknown status"), "data-quality section lists reasons");
}

#[test]
fn too_many_rejects_fail_the_run_and_publish_nothing() {
    let dir = Dir::new("reject-share");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            "S1,C1,T1,A,2026-11-02 09:00,50,attended,therapy",
            "S2,C1,T1,B,2026-11-02 10:00,50,maybe,therapy",
        ],
    );
    let output = dir.run(&[]);
    assert_eq!(output.status.code(), Some(65), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("sessions.csv: 1 of 2 rows rejected"), "{message}");
    assert!(message.contains("line 3"), "{message}");
    // Nothing published: no dated report, no history, no latest pointer.
    let published: Vec<String> = std::fs::read_dir(dir.out())
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(published.iter().all(|n| n == ".caseload.lock"), "{published:?}");
}

#[test]
fn unknown_config_key_is_a_usage_error_naming_it() {
    let dir = Dir::new("config");
    dir.create("sessions.csv", &[SESSIONS_HEADER, "S1,C1,T1,A,2026-11-02 09:00,50,attended,therapy"]);
    dir.write("bad.toml", "window_weks = 4\n");
    let output = dir.run(&["--config", "bad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("window_weks"), "{}", stderr(&output));
}

#[test]
fn reject_lines_are_right_in_crlf_files_with_embedded_newlines() {
    let dir = Dir::new("crlf-lines");
    let text = format!(
        "{SESSIONS_HEADER}\r\nS1,C1,T1,\"A\r\nB\",2026-11-02 09:00,50,attended,therapy\r\n\
         S2,C1,T1,A,2026-11-02 10:00,50,maybe,therapy\r\nS3,C1,T1,A,2026-11-02 11:00,50,attended,therapy\r\n"
    );
    std::fs::write(dir.input().join("sessions.csv"), text).unwrap();
    dir.write("lenient.toml", "max_reject_share = 0.9\n");
    assert_ok(&dir.run(&["--config", "lenient.toml", "--as-of", "2026-11-08"]));
    let rejects = read_csv(&dir.report("2026-11-08").join("rejects/sessions.csv"));
    // Header on line 1, S1 on lines 2–3 (a quoted line break), S2 on line 4.
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["line"], "4");
}
