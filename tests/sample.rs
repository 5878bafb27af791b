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
    assert_eq!(checked, 6);
}
