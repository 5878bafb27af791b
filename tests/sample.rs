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
