//! sessions.csv read in parts on several cores gives exactly what one read from the top gives
//! (SPEC §5, performance): every table, summary, page and reject, on the sample data, on a
//! generated export with quoted multi-line cells and repeated ids in different parts, and on a
//! dirty export. Small parts force part starts inside quoted fields.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// `caseload ARGS` with sessions.csv cut into parts of `part_bytes` (0: one part).
fn caseload(dir: &Dir, part_bytes: u64, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(args)
        .env("CASELOAD_PART_BYTES", part_bytes.to_string())
        .current_dir(&dir.root)
        .output()
        .unwrap()
}

/// Every file of an output folder by its relative path. The manifest keeps only what does not
/// depend on the clock: its inputs and its outputs' hashes.
fn published(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // The lock and the runs' working folders are no part of what is published.
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(&path).unwrap();
            if name.ends_with("manifest.json") {
                let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                bytes = format!("{}\n{}", json["inputs"], json["outputs"]).into_bytes();
            }
            files.insert(name, bytes);
        }
    }
    files
}

fn assert_same(one: &BTreeMap<String, Vec<u8>>, parts: &BTreeMap<String, Vec<u8>>, what: &str) {
    assert_eq!(one.keys().collect::<Vec<_>>(), parts.keys().collect::<Vec<_>>(), "{what}: files differ");
    for (name, bytes) in one {
        assert!(bytes == &parts[name], "{what}: {name} differs from the read in one part");
    }
}

/// Runs `run` and `validate --json` on `input` once in one part and once per size in `sizes`,
/// and checks that every output is the same; returns the one-part validation for more checks.
fn same_in_parts(dir: &Dir, input: &str, extra: &[&str], sizes: &[u64]) -> serde_json::Value {
    let run = |part_bytes: u64, out: &str| {
        let mut args = vec!["run", input, "--out", out];
        args.extend_from_slice(extra);
        assert_ok(&caseload(dir, part_bytes, &args));
        published(&dir.root.join(out))
    };
    let validate = |part_bytes: u64| {
        let output = caseload(dir, part_bytes, &["validate", input, "--json", "--config", "config.toml"]);
        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let one = run(0, "one");
    let (code, json) = validate(0);
    assert!(one.keys().any(|k| k.ends_with("index.html")), "no report written");
    for &size in sizes {
        assert_same(&one, &run(size, &format!("parts-{size}")), &format!("parts of {size} bytes"));
        assert_eq!(validate(size), (code, json.clone()), "validate --json in parts of {size} bytes");
    }
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_sample_data_reads_the_same_in_parts() {
    let dir = Dir::new("parts-sample");
    dir.write("config.toml", "");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let sample = sample.to_str().unwrap();
    same_in_parts(&dir, sample, &[], &[65_536]);
    same_in_parts(&dir, sample, &["--audience", "internal"], &[4_093]);
}

/// A generated export rewritten with a free-text column whose quoted cells hold line breaks,
/// commas and quotes, session ids repeated far apart (one first seen on a row rejected for
/// another reason, so that its later copy is kept), and dirty rows; with `crlf`, every record
/// ends in CRLF while the breaks inside cells stay bare line feeds.
fn messy_export(dir: &Dir, crlf: bool) {
    assert_ok(&dir.caseload(&[
        "generate",
        "--out",
        "in",
        "--clinics",
        "2",
        "--clinicians",
        "14",
        "--weeks",
        "16",
        "--seed",
        "5",
        "--as-of",
        "2026-11-15",
    ]));
    let path = dir.input().join("sessions.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = format!("{},room", lines.next().unwrap());
    let rows: Vec<String> = lines.map(str::to_owned).collect();
    assert!(rows.len() > 1500, "{} rows", rows.len());
    let mut records = vec![header];
    for (i, row) in rows.iter().enumerate() {
        let room = match i % 5 {
            0 => "\"Room 2,\nupstairs \"\"quiet\"\" one\n\"".to_owned(),
            1 => "\"\n\n\"".to_owned(),
            2 => "\"session_id,clinic_id\nS0000009,C01,T001,P1,2026-01-05 09:00,50,attended,therapy,,false,\"\"x\"\"\""
                .to_owned(),
            _ => "annex".to_owned(),
        };
        records.push(format!("{row},{room}"));
        match i {
            // Repeats of rows far earlier, in another part whatever the part size.
            _ if i % 211 == 100 => records.push(format!("{},{room}", rows[i / 3])),
            // A row that fails on its duration, then (much later) the same id valid: the later
            // one is the first valid occurrence and is kept.
            300 => {
                let mut cells: Vec<&str> = rows[i].split(',').collect();
                cells[0] = "S-LATE";
                let bad = cells.iter().enumerate().map(|(n, c)| if n == 5 { "9999" } else { c }).collect::<Vec<_>>();
                records.push(format!("{},annex", bad.join(",")));
                records.push(format!("{},annex", cells.join(",")).replace("S-LATE", "S-LATE-KEPT"));
            }
            400 => records.push(format!("{},annex", rows[i].replace(&rows[i][..8], "S-LATE"))),
            // Dirty rows: too few fields, a bad date, a NUL byte, a blank line, an unclosed quote
            // near the end would swallow the rest, so it stays out.
            500 => records.push("S-X1,C01,T001".to_owned()),
            600 => records.push(format!("{},annex", rows[i].replace("2026-", "26-").replace(&rows[i][..8], "S-X2"))),
            700 => records.push(format!("{},an\0nex", rows[i].replace(&rows[i][..8], "S-X3"))),
            800 => records.push(String::new()),
            900 => records.push("   ".to_owned()),
            _ => {}
        }
    }
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = records.join(end);
    out.push_str(end);
    std::fs::write(&path, out).unwrap();
}

#[test]
fn a_messy_export_reads_the_same_in_parts_of_any_size() {
    for crlf in [false, true] {
        let dir = Dir::new(if crlf { "parts-messy-crlf" } else { "parts-messy" });
        messy_export(&dir, crlf);
        dir.write("config.toml", "max_reject_share = 0.5\n");
        let extra = ["--config", "config.toml", "--as-of", "2026-11-15", "--audience", "internal"];
        // 1 byte: a part starts after every line break, most of them inside quoted cells.
        let json = same_in_parts(&dir, "in", &extra, &[1, 97, 4_096, 50_000]);
        let sessions = json["files"].as_array().unwrap().iter().find(|f| f["file"] == "sessions.csv").unwrap();
        // The fixture is as messy as intended: repeats, dirty rows and multi-line cells all met.
        let reasons = sessions["rejects"].as_array().unwrap();
        let count = |reason: &str| {
            reasons
                .iter()
                .filter(|r| r["reason"].as_str().unwrap().starts_with(reason))
                .map(|r| r["rows"].as_u64().unwrap())
                .sum::<u64>()
        };
        assert!(count("duplicate id") >= 7, "{reasons:?}");
        assert_eq!(count("wrong number of fields"), 1, "{reasons:?}");
        assert_eq!(count("NUL byte"), 1, "{reasons:?}");
        assert_eq!(count("unparseable datetime"), 1, "{reasons:?}");
        assert_eq!(count("duration out of range"), 1, "{reasons:?}");
    }
}
