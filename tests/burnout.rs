//! burnout_risk against a hand-computed case (SPEC §3 burnout-risk table and appendix).

use crate::util::*;

const AS_OF: &str = "2026-11-08";
const HEADER: &str =
    "session_id,clinic_id,clinician_id,client_id,start,duration_min,status,session_type,note_signed_at,high_acuity";

/// T1 (0.5 FTE) works the weeks of 10-19, 10-26 and 11-02 of the risk window 10-12 … 11-02 and is
/// off in the week of 10-12. T2 (1.0 FTE) works 30 client hours and 30 admin hours every week.
fn write_fixture(dir: &Dir, with_notes: bool) {
    let mut sessions = vec![
        // T1, week of 10-19: 7.5 h, high acuity, note signed 30 minutes after the end (on time).
        "S1,C1,T1,D,2026-10-20 09:00,450,attended,therapy,2026-10-20 17:00,true",
        // T1, week of 10-26: 10 h + 2.5 h; C's note 87 h after the end (late), A's never (late).
        "S2,C1,T1,C,2026-10-27 08:00,600,attended,therapy,2026-10-31 09:00,false",
        "S3,C1,T1,A,2026-10-28 08:00,150,attended,therapy,,false",
        // T1, week of 11-02: 7.5 h + 5 h; A on time, B unsigned 107 h after the end (late), high acuity.
        "S4,C1,T1,A,2026-11-03 08:00,450,attended,therapy,2026-11-03 16:00,false",
        "S5,C1,T1,B,2026-11-04 08:00,300,attended,therapy,,true",
    ];
    let mut t2 = Vec::new();
    for (week, monday) in [(1, 12), (2, 19), (3, 26)] {
        for (day, client) in [(0, "P"), (1, "Q"), (2, "R")] {
            t2.push(format!("T2-{week}-{day},C1,T2,{client},2026-10-{:02} 08:00,600,attended,therapy,,", monday + day));
        }
    }
    for (day, client) in [(2, "P"), (3, "Q"), (4, "R")] {
        t2.push(format!("T2-4-{day},C1,T2,{client},2026-11-{day:02} 08:00,600,attended,therapy,,"));
    }
    sessions.extend(t2.iter().map(String::as_str));
    let text: Vec<String> = std::iter::once(HEADER.to_owned())
        .chain(sessions.iter().map(|s| s.to_string()))
        .map(|line| {
            if with_notes {
                line
            } else {
                // Drop the note_signed_at column entirely.
                let mut cells: Vec<&str> = line.split(',').collect();
                cells.remove(8);
                cells.join(",")
            }
        })
        .collect();
    let lines: Vec<&str> = text.iter().map(String::as_str).collect();
    dir.create("sessions.csv", &lines);
    let mut admin = vec![
        ADMIN_HEADER.to_owned(),
        "C1,T1,2026-10-20,8,documentation,false".into(),
        "C1,T1,2026-10-21,2.5,documentation,true".into(),
        "C1,T1,2026-10-27,10,meetings,false".into(),
        "C1,T1,2026-10-28,2.5,billing,true".into(),
        "C1,T1,2026-11-03,7,correspondence,false".into(),
        "C1,T1,2026-11-05,2.5,other,true".into(),
        "C1,T1,2026-11-05,1,supervision_received,false".into(),
    ];
    for monday in ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"] {
        admin.push(format!("C1,T2,{monday},15,documentation,true"));
        admin.push(format!("C1,T2,{monday},15,meetings,true"));
    }
    let admin: Vec<&str> = admin.iter().map(String::as_str).collect();
    dir.create("admin_time.csv", &admin);
    dir.create("clinicians.csv", &["clinician_id,clinic_id,fte", "T1,C1,0.5", "T2,C1,1.0"]);
}

fn risk_rows(dir: &Dir) -> Vec<std::collections::HashMap<String, String>> {
    read_csv(&dir.report(AS_OF).join("data/burnout_risk.csv"))
}

#[test]
fn components_strains_score_and_tier_by_hand() {
    let dir = Dir::new("burnout");
    write_fixture(&dir, true);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = risk_rows(&dir);
    let t1 = row(&rows, &[("clinician_id", "T1")]);
    let expect = |name: &str, value: f64, strain: f64| {
        assert_close(num(t1, name), value, name);
        assert_close(num(t1, &format!("{name}_strain")), strain, &format!("{name}_strain"));
    };
    // Mean of 7.5/0.5, 12.5/0.5, 12.5/0.5 = (15 + 25 + 25) / 3; between green 20 and red 30.
    expect("direct_hours_per_fte", 65.0 / 3.0, (65.0 / 3.0 - 20.0) / 10.0);
    // Clients D, C, A, B attended in the 90 days to 11-08: 4 / 0.5 FTE; below green 25.
    expect("caseload_per_fte", 8.0, 0.0);
    // 32.5 admin hours / 32.5 direct hours; above red 0.8, clipped to 1.
    expect("admin_ratio", 1.0, 1.0);
    // 7.5 after-hours hours over 3 worked weeks (the week off does not count).
    expect("after_hours_per_week", 2.5, 0.5);
    // (32.5 direct + 32.5 admin + 1 supervision) / (3 weeks × 0.5 × 37.5).
    expect("utilization", 66.0 / 56.25, (66.0 / 56.25 - 1.0) / 0.2);
    // 2 high-acuity of 5 attended.
    expect("high_acuity_share", 0.4, 0.6);
    // 3 late or missing notes of 5 attended.
    expect("doc_late_share", 0.6, 1.0);
    // 1 hour received in the 4-week window; lower is worse: (1 − 2) / (0 − 2).
    expect("supervision_hours", 1.0, 0.5);
    // Worked 10-19, 10-26, 11-02; off 10-12.
    expect("weeks_without_break", 3.0, 0.0);
    let score = 100.0 * ((65.0 / 3.0 - 20.0) / 10.0 + 1.0 + 0.5 + (66.0 / 56.25 - 1.0) / 0.2 + 0.6 + 1.0 + 0.5) / 9.0;
    assert_close(num(t1, "score"), score, "T1 score");
    assert_eq!(t1["tier"], "moderate", "40 ≤ {score} < 65");
    // admin_ratio and doc_late_share both strain 1; the SPEC's order breaks the tie.
    assert_eq!(t1["top_component_1"], "admin_ratio");
    assert_eq!(t1["top_component_2"], "doc_late_share");
    assert_eq!(t1["sustained"], "false");

    // T2: direct 30/FTE (1), caseload 3 (0), admin ratio 1 (1), after hours 30 (1), utilization 1.6 (1),
    // no high acuity (0), every note missing (1), no supervision (1), 4 weeks without a break (0).
    let t2 = row(&rows, &[("clinician_id", "T2")]);
    assert_close(num(t2, "score"), 600.0 / 9.0, "T2 score");
    assert_eq!(t2["tier"], "high");
    assert_eq!(t2["sustained"], "true", "high in each of the last 4 weeks");
    assert_eq!(t2["top_component_1"], "direct_hours_per_fte");
    assert_eq!(t2["top_component_2"], "admin_ratio");

    let clinics = read_csv(&dir.report(AS_OF).join("data/clinic_weeks.csv"));
    let week = row(&clinics, &[("clinic_id", "C1"), ("week_start", "2026-11-02")]);
    assert_eq!(
        (week["risk_low"].as_str(), week["risk_moderate"].as_str(), week["risk_high"].as_str()),
        ("0", "1", "1")
    );
    let week = row(&clinics, &[("clinic_id", "C1"), ("week_start", "2026-10-12")]);
    assert_eq!(week["risk_high"], "1", "only T2 worked that week");
    assert_eq!(week["clinicians"], "1");
}

#[test]
fn a_missing_component_is_left_out_and_named() {
    let dir = Dir::new("burnout-missing");
    write_fixture(&dir, false);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = risk_rows(&dir);
    let t1 = row(&rows, &[("clinician_id", "T1")]);
    assert_eq!(t1["doc_late_share"], "");
    assert_eq!(t1["doc_late_share_strain"], "");
    // The same strains as above without doc_late_share, over 8 components.
    let score = 100.0 * ((65.0 / 3.0 - 20.0) / 10.0 + 1.0 + 0.5 + (66.0 / 56.25 - 1.0) / 0.2 + 0.6 + 0.5) / 8.0;
    assert_close(num(t1, "score"), score, "T1 score without doc_late_share");
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(
        html.contains(
            "doc_late_share: not available (no note_signed_at in sessions.csv: no column, or one value on every row)"
        ),
        "named"
    );
}

#[test]
fn a_config_override_changes_a_tier() {
    let dir = Dir::new("burnout-config");
    write_fixture(&dir, true);
    dir.write("strict.toml", "[tiers]\nmoderate = 30\nhigh = 50\n");
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", "strict.toml"]));
    let rows = risk_rows(&dir);
    assert_eq!(row(&rows, &[("clinician_id", "T1")])["tier"], "high", "51.5 ≥ 50");
    dir.write("lenient.toml", "[components.doc_late_share]\ngreen = 0.1\nred = 0.3\nweight = 0\n[tiers]\nhigh = 70\n");
    assert_ok(&dir.caseload(&[
        "run",
        "in",
        "--as-of",
        AS_OF,
        "--config",
        "lenient.toml",
        "--out",
        "lenient",
        "--audience",
        "internal",
    ]));
    let rows = read_csv(&dir.root.join("lenient").join(AS_OF).join("data/burnout_risk.csv"));
    let t2 = row(&rows, &[("clinician_id", "T2")]);
    // Weight 0 drops doc_late_share from T2's mean: 5 strains of 1 over weights summing to 8.
    assert_close(num(t2, "score"), 500.0 / 8.0, "T2 score with doc_late_share weighted 0");
    assert_eq!(t2["tier"], "moderate");
}

#[test]
fn survey_answers_are_matched_and_small_samples_are_called_small() {
    let dir = Dir::new("wellbeing");
    write_fixture(&dir, true);
    dir.create(
        "wellbeing.csv",
        &[
            "clinician_id,clinic_id,date,mini_z",
            // T1's later answer wins; T2's only answer is older than 90 days before as_of and is ignored.
            "T1,C1,2026-09-01,2",
            "T1,C1,2026-10-30,4",
            "T2,C1,2026-08-01,5",
        ],
    );
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(html.contains("Only 1 clinicians answered the Mini-Z burnout item"), "one match: T1");
    assert!(html.contains("too few (at least 10 are needed) to conclude anything"));
    // T1 reports burnout (4 ≥ 3) with a score of 51.48: the burnout row shows 1 clinician, mean 51.
    assert!(
        html.contains("<th scope=\"row\">Reports burnout (Mini-Z ≥ 3)</th><td>1</td><td>51</td><td>0 %</td>"),
        "{html}"
    );

    let bad = Dir::new("wellbeing-bad");
    write_fixture(&bad, true);
    bad.create("wellbeing.csv", &["clinician_id,clinic_id,date,mini_z", "T1,C1,2026-10-30,7"]);
    bad.write("lenient.toml", "max_reject_share = 1.0\n");
    assert_ok(&bad.run(&["--as-of", AS_OF, "--config", "lenient.toml"]));
    let rejects = read_csv(&bad.report(AS_OF).join("rejects/wellbeing.csv"));
    assert_eq!(rejects[0]["line"], "2");
    assert_eq!(rejects[0]["column"], "mini_z");
}

#[test]
fn tier_bounds_are_inclusive_from_below() {
    let dir = Dir::new("burnout-bounds");
    write_fixture(&dir, true);
    // With doc_late_share weighted 0, T2 scores exactly 500 / 8 = 62.5.
    let weights = "[components.doc_late_share]\ngreen = 0.1\nred = 0.3\nweight = 0\n";
    dir.write("at-high.toml", &format!("{weights}[tiers]\nmoderate = 40\nhigh = 62.5\n"));
    dir.write("at-moderate.toml", &format!("{weights}[tiers]\nmoderate = 62.5\nhigh = 80\n"));
    dir.write("above.toml", &format!("{weights}[tiers]\nmoderate = 62.6\nhigh = 80\n"));
    for (config, tier) in [("at-high.toml", "high"), ("at-moderate.toml", "moderate"), ("above.toml", "low")] {
        let out = format!("out-{config}");
        assert_ok(&dir.caseload(&[
            "run",
            "in",
            "--as-of",
            AS_OF,
            "--config",
            config,
            "--out",
            &out,
            "--audience",
            "internal",
        ]));
        let rows = read_csv(&dir.root.join(&out).join(AS_OF).join("data/burnout_risk.csv"));
        assert_eq!(row(&rows, &[("clinician_id", "T2")])["tier"], tier, "{config}");
    }
}

#[test]
fn a_strain_equal_to_its_red_value_on_paper_ties_in_the_code() {
    let dir = Dir::new("burnout-tie");
    // 40 clinicians alike (enough rows for polars' vectorised arithmetic, where the last bit of
    // (0.3 − 0.1) / 0.2 came out below 1). Each works one week: ten 50-minute sessions with ten
    // clients; three notes are signed 100 h after the session (late), seven within the hour.
    // doc_late_share = 3 / 10 = 0.3, the red value.
    let mut sessions =
        vec!["session_id,clinic_id,clinician_id,client_id,start,duration_min,status,note_signed_at".to_owned()];
    let mut admin = vec![ADMIN_HEADER.to_owned()];
    let mut roster = vec!["clinician_id,clinic_id,fte".to_owned()];
    for t in 1..=40 {
        for i in 0..10 {
            let day = 2 + i / 2;
            let hour = 9 + 2 * (i % 2);
            let signed = if i < 3 {
                format!("2026-11-{:02} {:02}:00", day + 4, hour + 5)
            } else {
                format!("2026-11-{day:02} {hour:02}:55")
            };
            sessions.push(format!("S{t}-{i},C1,T{t:02},K{t}-{i},2026-11-{day:02} {hour:02}:00,50,attended,{signed}"));
        }
        // 2 h of documentation, none of it after hours, and no supervision received (strain 1).
        admin.push(format!("C1,T{t:02},2026-11-02,2,documentation,false"));
        roster.push(format!("T{t:02},C1,1.0"));
    }
    for (file, lines) in [("sessions.csv", &sessions), ("admin_time.csv", &admin), ("clinicians.csv", &roster)] {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        dir.create(file, &lines);
    }
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = risk_rows(&dir);
    assert_eq!(rows.len(), 40);
    for r in &rows {
        let who = &r["clinician_id"];
        assert_close(num(r, "doc_late_share"), 0.3, "doc_late_share");
        assert_eq!(r["doc_late_share_strain"], "1", "{who}: 0.3 is the red value: strain 1 exactly");
        assert_eq!(r["supervision_hours_strain"], "1");
        // Every other component strains 0 (high acuity is not in the export): 2 of 8 at 1.
        assert_close(num(r, "score"), 25.0, "score");
        // Two strains of 1 tie; the component table's order puts doc_late_share first.
        assert_eq!(
            (r["top_component_1"].as_str(), r["top_component_2"].as_str()),
            ("doc_late_share", "supervision_hours"),
            "{who}"
        );
    }
}

#[test]
fn an_admin_export_without_after_hours_leaves_that_component_out() {
    let dir = Dir::new("burnout-no-after-hours");
    write_fixture(&dir, true);
    // The same admin entries without the after_hours column.
    let admin = std::fs::read_to_string(dir.input().join("admin_time.csv")).unwrap();
    let admin: Vec<String> = admin.lines().map(|l| l.rsplit_once(',').map_or(l, |(keep, _)| keep).to_owned()).collect();
    let admin: Vec<&str> = admin.iter().map(String::as_str).collect();
    assert_eq!(admin[0], "clinic_id,clinician_id,date,hours,category");
    dir.create("admin_time.csv", &admin);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let t1 = row(&risk_rows(&dir), &[("clinician_id", "T1")]).clone();
    assert_eq!((t1["after_hours_per_week"].as_str(), t1["after_hours_per_week_strain"].as_str()), ("", ""));
    // The strains of the hand-computed case without after_hours_per_week, over 8 components.
    let score = 100.0 * ((65.0 / 3.0 - 20.0) / 10.0 + 1.0 + (66.0 / 56.25 - 1.0) / 0.2 + 0.6 + 1.0 + 0.5) / 8.0;
    assert_close(num(&t1, "score"), score, "T1 score without after-hours");
    let report = dir.report(AS_OF);
    for table in ["clinician_weeks", "clinic_weeks"] {
        let rows = read_csv(&report.join(format!("data/{table}.csv")));
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r["after_hours"].is_empty()), "{table}: after_hours not available, not 0");
        assert!(rows.iter().any(|r| !r["admin_hours"].is_empty()), "{table}: admin hours still there");
    }
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(
        html.contains("after_hours_per_week: not available (no after_hours in admin_time.csv: no column, or one value on every row)"),
        "the component is named as left out"
    );
}

#[test]
fn a_roster_row_naming_another_clinic_is_counted_and_its_fte_kept() {
    let dir = Dir::new("burnout-roster-elsewhere");
    write_fixture(&dir, true);
    // T1 works in C1, but the roster places T1 in C2.
    dir.create("clinicians.csv", &["clinician_id,clinic_id,fte", "T1,C2,0.5", "T2,C1,1.0"]);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let t1 = row(&risk_rows(&dir), &[("clinician_id", "T1")]).clone();
    assert_close(num(&t1, "direct_hours_per_fte"), 65.0 / 3.0, "the roster's 0.5 FTE is still used");
    let note = "1 clinician(s) work in a clinic that their roster row does not name";
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(html.contains(note), "data-quality section names the disagreement");
    let validate = dir.caseload(&["validate", "in"]);
    assert!(String::from_utf8_lossy(&validate.stdout).contains(note), "validate says so too");
    // A roster that agrees with the data says nothing.
    dir.create("clinicians.csv", &["clinician_id,clinic_id,fte", "T1,C1,0.5", "T2,C1,1.0"]);
    let validate = dir.caseload(&["validate", "in"]);
    assert!(!String::from_utf8_lossy(&validate.stdout).contains("roster row does not name"));
}
