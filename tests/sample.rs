//! The bundled sample data is exactly what its recorded `generate` command writes.

use crate::util::*;
use std::path::Path;

/// The `caseload generate …` line recorded in sample-data/README.md, as arguments.
fn recorded_command() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/README.md")).unwrap();
    let line = readme.lines().find(|l| l.trim_start().starts_with("caseload generate")).expect("recorded command");
    line.split_whitespace().skip(1).map(str::to_owned).collect()
}

#[test]
fn sample_data_regenerates_byte_identical() {
    let dir = Dir::new("sample");
    let mut args = recorded_command();
    let out = args.iter().position(|a| a == "--out").expect("--out");
    args[out + 1] = dir.root.join("regenerated").display().to_string();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_ok(&dir.caseload(&args));
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for file in ["sessions.csv", "waitlist.csv", "admin_time.csv", "clinicians.csv", "wellbeing.csv"] {
        let expected = std::fs::read(sample.join(file)).unwrap();
        let actual = std::fs::read(dir.root.join("regenerated").join(file)).unwrap();
        assert!(expected == actual, "{file} drifted from its recorded generate command");
    }
}

#[test]
fn schema_lists_the_columns_the_tables_really_have() {
    let dir = Dir::new("schema");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let sample = sample.to_str().unwrap();
    assert_ok(&dir.caseload(&["run", sample, "--out", "out", "--audience", "internal", "-q"]));
    let schema = dir.caseload(&["schema", "--json"]);
    assert_ok(&schema);
    let tables: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    let mut checked = 0;
    for table in tables.as_array().unwrap() {
        let file = table["file"].as_str().unwrap();
        let Some(name) = file.strip_prefix("data/") else { continue };
        let columns: Vec<&str> =
            table["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        if columns.iter().any(|c| c.starts_with('<')) {
            continue;
        }
        let header = std::fs::read_to_string(dir.out().join("latest").join("data").join(name)).unwrap();
        let header: Vec<&str> = header.lines().next().unwrap().split(',').collect();
        assert_eq!(header, columns, "{file}");
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn totals_agree_between_clinician_clinic_and_network_tables() {
    use std::collections::BTreeMap;
    let dir = Dir::new("totals");
    assert_ok(&dir.caseload(&[
        "generate",
        "--out",
        "in",
        "--clinics",
        "4",
        "--clinicians",
        "48",
        "--weeks",
        "40",
        "--seed",
        "3",
        "--as-of",
        "2026-10-25",
    ]));
    assert_ok(&dir.run(&["--as-of", "2026-10-25", "-q"]));
    let report = dir.report("2026-10-25");
    let clinicians = read_csv(&report.join("data/clinician_weeks.csv"));
    let clinics = read_csv(&report.join("data/clinic_weeks.csv"));
    let columns = ["direct_hours", "admin_hours", "after_hours", "sessions_attended"];
    // Σ over clinicians per clinic-week, and over clinics per week, from the clinician table.
    let mut by_clinic: BTreeMap<(String, String), [f64; 5]> = BTreeMap::new();
    let mut by_week: BTreeMap<String, [f64; 5]> = BTreeMap::new();
    for row in &clinicians {
        let key = (row["clinic_id"].clone(), row["week_start"].clone());
        for (i, column) in columns.iter().enumerate() {
            by_clinic.entry(key.clone()).or_default()[i] += num(row, column);
            by_week.entry(row["week_start"].clone()).or_default()[i] += num(row, column);
        }
        by_clinic.entry(key.clone()).or_default()[4] += 1.0;
        by_week.entry(row["week_start"].clone()).or_default()[4] += 1.0;
    }
    assert!(by_week.len() >= 26, "every window week has clinicians");
    for row in &clinics {
        let expected = if row["clinic_id"] == "ALL" {
            by_week[&row["week_start"]]
        } else {
            by_clinic[&(row["clinic_id"].clone(), row["week_start"].clone())]
        };
        for (i, column) in columns.iter().enumerate() {
            assert_close(
                num(row, column),
                expected[i],
                &format!("{column} of {} {}", row["clinic_id"], row["week_start"]),
            );
        }
        assert_close(num(row, "clinicians"), expected[4], "clinicians");
        let tiers = num(row, "risk_low") + num(row, "risk_moderate") + num(row, "risk_high");
        assert_close(tiers, expected[4], "every clinician who worked the week has a tier");
        assert_close(num(row, "admin_ratio"), expected[1] / expected[0], "admin_ratio is a ratio of sums");
    }
    assert_eq!(clinics.len(), by_clinic.len() + by_week.len());
}
