//! Nightly operation: interrupted runs, the lock, history across runs, and every exit code.

use crate::util::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn generate(dir: &Dir, folder: &str, seed: &str) {
    // 12: enough people that the advocacy report shows the network's rates (min_cell 11).
    generate_network(dir, folder, "12", "10", seed);
}

/// One clinic of `clinicians`, `weeks` weeks of data up to 2026-11-15.
fn generate_network(dir: &Dir, folder: &str, clinicians: &str, weeks: &str, seed: &str) {
    assert_ok(&dir.caseload(&[
        "generate",
        "--out",
        folder,
        "--clinics",
        "1",
        "--clinicians",
        clinicians,
        "--weeks",
        weeks,
        "--seed",
        seed,
        "--as-of",
        "2026-11-15",
    ]));
}

/// Starts `caseload run` paused at `stage`; returns once it says it is there.
fn paused_run(dir: &Dir, input: &str, as_of: &str, stage: &str) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["run", input, "--out", "out", "--as-of", as_of])
        .current_dir(&dir.root)
        .env("CASELOAD_TEST_PAUSE", stage)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains(&format!("pausing at {stage}")) => break,
            Some(_) => continue,
            None => panic!("run ended before reaching {stage}: {:?}", child.wait()),
        }
    }
    child
}

fn kill(mut child: Child) {
    // SIGKILL: no destructor, no cleanup: what a power cut or the OOM killer does.
    child.kill().unwrap();
    child.wait().unwrap();
}

fn read(path: std::path::PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_killed_run_leaves_the_previous_report_and_latest_intact() {
    let dir = Dir::new("kill");
    generate(&dir, "in", "1");
    generate(&dir, "changed", "2");
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08"]));
    let index = read(dir.out().join("2026-11-08/index.html"));
    let history = read(dir.out().join("history.csv"));
    for (stage, as_of) in [
        ("after-ingest", "2026-11-08"),
        ("charts", "2026-11-08"),
        ("publish", "2026-11-08"),
        ("publish-history", "2026-11-15"),
    ] {
        kill(paused_run(&dir, "changed", as_of, stage));
        assert_eq!(read(dir.out().join("2026-11-08/index.html")), index, "report changed by a run killed at {stage}");
        assert_eq!(read(dir.out().join("latest/index.html")), index, "latest moved by a run killed at {stage}");
        assert_eq!(std::fs::read_link(dir.out().join("latest")).unwrap().to_string_lossy(), "2026-11-08");
        assert_eq!(read(dir.out().join("history.csv")), history, "history changed by a run killed at {stage}");
        if stage == "charts" {
            assert!(entries(&dir.out()).iter().any(|n| n.starts_with(".staging-")), "a half-written report is left");
        }
    }
    // The next run succeeds and clears what the killed ones left.
    let output = dir.caseload(&["run", "changed", "--out", "out", "--as-of", "2026-11-15"]);
    assert_ok(&output);
    assert_eq!(std::fs::read_link(dir.out().join("latest")).unwrap().to_string_lossy(), "2026-11-15");
    assert!(!entries(&dir.out()).iter().any(|n| n.starts_with(".staging-") || n.ends_with(".tmp-link")));
    // One complete version per published date, nothing else.
    assert_eq!(entries(&dir.out().join(".runs")).len(), 2, "{:?}", entries(&dir.out().join(".runs")));
    assert_eq!(read_csv(&dir.out().join("history.csv")).len(), 2);
}

#[test]
fn a_second_run_on_the_same_folder_exits_75_without_writing() {
    let dir = Dir::new("lock");
    generate(&dir, "in", "1");
    let first = paused_run(&dir, "in", "2026-11-08", "after-ingest");
    let before = entries(&dir.out());
    let second = dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-15"]);
    assert_eq!(second.status.code(), Some(75), "{}", stderr(&second));
    let message = stderr(&second);
    assert!(message.contains(&format!("another caseload run holds the lock (pid {})", first.id())), "{message}");
    assert_eq!(entries(&dir.out()), before, "the refused run wrote nothing");
    kill(first);
    // The lock of a killed run does not block the next one.
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-15"]));
}

#[test]
fn history_keeps_one_row_per_as_of_and_replaces_a_rerun() {
    let dir = Dir::new("history");
    generate(&dir, "in", "1");
    for as_of in ["2026-11-01", "2026-11-08", "2026-11-15"] {
        assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", as_of]));
    }
    let before = read_csv(&dir.out().join("history.csv"));
    assert_eq!(
        before.iter().map(|r| r["as_of"].as_str()).collect::<Vec<_>>(),
        ["2026-11-01", "2026-11-08", "2026-11-15"]
    );
    // Re-run the middle date on different data: its row is replaced, the others are kept.
    generate(&dir, "changed", "2");
    assert_ok(&dir.caseload(&["run", "changed", "--out", "out", "--as-of", "2026-11-08"]));
    let after = read_csv(&dir.out().join("history.csv"));
    assert_eq!(after.len(), 3);
    assert_eq!(after[0], before[0]);
    assert_eq!(after[2], before[2]);
    assert_ne!(after[1]["direct_hours"], before[1]["direct_hours"], "middle row replaced");
    let summary: serde_json::Value =
        serde_json::from_str(&String::from_utf8(read(dir.out().join("2026-11-08/summary.json"))).unwrap()).unwrap();
    assert_close(summary["direct_hours"].as_f64().unwrap(), num(&after[1], "direct_hours"), "history = summary");
    // Re-running an older date does not move `latest` back.
    assert_eq!(std::fs::read_link(dir.out().join("latest")).unwrap().to_string_lossy(), "2026-11-15");
    let html = String::from_utf8(read(dir.out().join("2026-11-08/index.html"))).unwrap();
    // The trend comes from the export's own weeks from the first run on.
    assert!(html.contains("Weekly figures for the network from the export"), "weekly trend chart");
    let trend = &html[html.find("<section id=\"trend\">").unwrap()..];
    let trend = &trend[..trend.find("</section>").unwrap()];
    // Weekly rows from the export itself, not one per run (there were three runs).
    assert!(trend.matches("<tr>").count() > 4, "a row per week with data");
}

#[test]
fn exit_codes() {
    let dir = Dir::new("exit-codes");
    generate(&dir, "in", "1");
    let code = |args: &[&str], env: Option<(&str, &str)>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
        command.args(args).current_dir(&dir.root);
        if let Some((k, v)) = env {
            command.env(k, v);
        }
        command.output().unwrap().status.code()
    };
    assert_eq!(code(&["run", "in", "--out", "ok"], None), Some(0));
    assert_eq!(code(&["run", "in", "--no-such-flag"], None), Some(2));
    assert_eq!(code(&["run", "in", "--as-of", "2026-13-01"], None), Some(2));
    std::fs::create_dir_all(dir.root.join("bad")).unwrap();
    std::fs::write(dir.root.join("bad/sessions.csv"), "session_id,clinic_id\nS1,C1\n").unwrap();
    assert_eq!(code(&["run", "bad", "--out", "x"], None), Some(65));
    assert_eq!(code(&["run", "nowhere", "--out", "x"], None), Some(66));
    assert_eq!(code(&["run", "in", "--out", "x"], Some(("CASELOAD_TEST_FAIL", "charts"))), Some(70));
    std::fs::write(dir.root.join("a-file"), "").unwrap();
    assert_eq!(code(&["run", "in", "--out", "a-file"], None), Some(73));
    let holder = paused_run(&dir, "in", "2026-11-15", "after-ingest");
    assert_eq!(code(&["run", "in", "--out", "out"], None), Some(75));
    kill(holder);
    // The failed run (70) left no report behind it.
    assert!(!dir.root.join("x").join("2026-11-15").exists());
}

#[test]
fn logs_are_lines_with_time_and_level_or_json() {
    let dir = Dir::new("logs");
    generate(&dir, "in", "1");
    let plain = dir.caseload(&["run", "in", "--out", "out"]);
    let first = stderr(&plain).lines().next().unwrap_or_default().to_owned();
    // 2026-11-23T02:00:01Z INFO reading in
    let parts: Vec<&str> = first.splitn(3, ' ').collect();
    assert_eq!(parts.len(), 3, "{first}");
    assert!(parts[0].len() == 20 && parts[0].ends_with('Z') && parts[0].as_bytes()[10] == b'T', "{first}");
    assert_eq!(parts[1], "INFO");
    let json = dir.caseload(&["run", "in", "--out", "out", "--log-format", "json"]);
    for line in stderr(&json).lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(value["time"].is_string() && value["level"].is_string() && value["message"].is_string());
    }
    let quiet = dir.caseload(&["run", "in", "--out", "out", "-q"]);
    assert_ok(&quiet);
    assert_eq!(stderr(&quiet), "", "-q prints nothing on success");
}

#[test]
fn latest_follows_the_newest_as_of_even_when_its_history_cells_are_hidden() {
    let dir = Dir::new("latest-hidden");
    // One clinic of six clinicians: the advocacy report withholds its staff figures.
    generate_network(&dir, "sm", "6", "20", "3");
    assert_ok(&dir.caseload(&["run", "sm", "--out", "out", "--as-of", "2026-11-15"]));
    assert_ok(&dir.caseload(&["run", "sm", "--out", "out", "--as-of", "2026-11-01"]));
    let history = read_csv(&dir.out().join("history.csv"));
    assert_eq!(history.len(), 2);
    assert!(
        history.iter().all(|r| r["clinicians"] == "6" && r["risk_high"].is_empty() && r["admin_ratio"].is_empty()),
        "the group's size is shown and its staff figures withheld: {history:?}"
    );
    assert_eq!(std::fs::read_link(dir.out().join("latest")).unwrap().to_string_lossy(), "2026-11-15");
}

#[test]
fn a_failed_run_removes_its_own_staging_folder() {
    let dir = Dir::new("failed-staging");
    generate(&dir, "in", "1");
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08"]));
    for stage in ["charts", "publish"] {
        let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
            .args(["run", "in", "--out", "out", "--as-of", "2026-11-15"])
            .current_dir(&dir.root)
            .env("CASELOAD_TEST_FAIL", stage)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(70), "{}", stderr(&output));
        let left: Vec<String> = entries(&dir.out()).into_iter().filter(|n| n.starts_with(".staging-")).collect();
        assert!(left.is_empty(), "a run failing at {stage} left {left:?}");
        assert_eq!(std::fs::read_link(dir.out().join("latest")).unwrap().to_string_lossy(), "2026-11-08");
    }
}

#[test]
fn errors_print_their_context_chain_once() {
    let dir = Dir::new("error-chain");
    generate(&dir, "in", "1");
    std::fs::write(dir.root.join("a-file"), "").unwrap();
    let output = dir.caseload(&["run", "in", "--out", "a-file"]);
    assert_eq!(output.status.code(), Some(73));
    let message = stderr(&output);
    let errors: Vec<&str> = message.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "{message}");
    let line = errors[0];
    // The CLI's context, then the library's error, then its cause, which is not repeated.
    assert!(line.contains("run on in failed: a-file: cannot write output: "), "{line}");
    let cause = line.rsplit("cannot write output: ").next().unwrap_or_default();
    assert!(!cause.is_empty() && line.matches(cause).count() == 1, "{line}");
}

/// Each fsync and rename of a run, in order, as strace reports them with the paths of the file
/// descriptors (`-y`).
fn traced_run(dir: &Dir, as_of: &str) -> Vec<String> {
    let trace = dir.root.join(format!("trace-{as_of}"));
    let status = Command::new("strace")
        .args(["-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_caseload"))
        .args(["run", "in", "--out", "out", "--as-of", as_of, "-q"])
        .current_dir(&dir.root)
        .status()
        .expect("strace (Debian package `strace`) runs this test; .ci/run installs it");
    assert!(status.success(), "traced run failed: {status:?}");
    std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, call)| call).trim_start().to_owned())
        .collect()
}

#[test]
fn every_published_file_and_folder_is_flushed_before_its_rename() {
    let dir = Dir::new("durability");
    generate(&dir, "in", "1");
    assert_ok(&dir.caseload(&["run", "in", "--out", "out", "--as-of", "2026-11-08"]));
    let calls = traced_run(&dir, "2026-11-15");
    let root = std::fs::canonicalize(&dir.root).unwrap().display().to_string();
    let out = format!("{root}/out");
    let synced = |path: &str, before: usize| {
        calls[..before]
            .iter()
            .any(|c| (c.starts_with("fsync(") || c.starts_with("fdatasync(")) && c.contains(&format!("<{path}>")))
    };
    let position = |what: &str| calls.iter().position(|c| c.starts_with("rename") && c.contains(what));
    // The staging folder becomes the dated report: every file in it and the folder itself first.
    let report = position("/.staging-").unwrap_or_else(|| panic!("no rename of the staging folder: {calls:#?}"));
    let staging = calls[report].split('"').nth(1).unwrap().to_owned();
    let staging = if staging.starts_with('/') { staging } else { format!("{root}/{staging}") };
    let published = dir.out().join("2026-11-15");
    for relative in ["index.html", "summary.json", "manifest.json", "charts/admin_vs_direct.png"] {
        assert!(published.join(relative).exists(), "{relative} published");
        assert!(
            synced(&format!("{staging}/{relative}"), report),
            "{relative} not flushed before the rename: {calls:#?}"
        );
    }
    assert!(synced(&staging, report), "staging folder not flushed before the rename");
    // history.csv: its new version is flushed before it replaces the old one, and the folder after.
    let history = position("history.csv\"").unwrap_or_else(|| panic!("no rename onto history.csv: {calls:#?}"));
    let temporary = calls[history].split('"').nth(1).unwrap().to_owned();
    let temporary = if temporary.starts_with('/') { temporary } else { format!("{root}/{temporary}") };
    assert!(synced(&temporary, history), "history.csv's new version not flushed: {calls:#?}");
    let latest = position("latest\"").unwrap_or_else(|| panic!("no rename onto latest: {calls:#?}"));
    assert!(
        calls[latest..].iter().any(|c| c.starts_with("fsync(") && c.contains(&format!("<{out}>"))),
        "the output folder is not flushed after `latest` is switched: {calls:#?}"
    );
}

/// `script` (util-linux) runs the binary on a pseudo-terminal and copies what it drew.
fn on_a_terminal(dir: &Dir, args: &str) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_caseload"));
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm-256color")
        .current_dir(&dir.root)
        .output()
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_terminal_gets_progress_per_file_and_stage_and_a_pipe_plain_lines() {
    let dir = Dir::new("progress");
    generate(&dir, "in", "1");
    let drawn = on_a_terminal(&dir, "run in --out tty --as-of 2026-11-15");
    // Each input file with its bytes read (binary units), each stage with its time, drawn with
    // terminal control sequences; the log lines are there too.
    for file in ["sessions.csv", "admin_time.csv", "waitlist.csv"] {
        assert!(drawn.contains(file), "{file} in the display: {drawn}");
    }
    assert!(drawn.contains(" KiB / "), "bytes read of the file's size");
    assert!(drawn.contains("ingest: ") && drawn.contains("report: "), "stages with their times");
    assert!(drawn.contains('\u{1b}'), "drawn with terminal control sequences");
    assert!(drawn.contains("INFO report for 2026-11-15 published"), "log lines above the bars");
    // Through a pipe (cron, systemd): plain log lines only, no control sequences, no bars.
    let piped = dir.caseload(&["run", "in", "--out", "piped", "--as-of", "2026-11-15"]);
    assert_ok(&piped);
    let lines = stderr(&piped);
    assert!(!lines.contains('\u{1b}') && !lines.contains(" KiB / "), "{lines}");
    assert!(lines.lines().all(|l| l.contains(" INFO ") || l.contains(" WARN ")), "{lines}");
    // The report is the same either way.
    assert_eq!(
        read(dir.root.join("tty/2026-11-15/summary.json")),
        read(dir.root.join("piped/2026-11-15/summary.json"))
    );
}

/// Every file under `dir`, relative with `/` separators, sorted.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_manifest_lists_every_file_of_the_report_with_its_size_and_hash() {
    use sha2::{Digest, Sha256};
    let dir = Dir::new("manifest");
    generate(&dir, "in", "5");
    // A row that is rejected, so that rejects/ is written too.
    let sessions = dir.input().join("sessions.csv");
    let mut text = std::fs::read_to_string(&sessions).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let duration = header.iter().position(|c| *c == "duration_min").unwrap();
    let mut broken: Vec<String> = text.lines().last().unwrap().split(',').map(str::to_owned).collect();
    broken[0] = "S-broken".to_owned();
    broken[duration] = "not-a-duration".to_owned();
    text.push_str(&(broken.join(",") + "\n"));
    std::fs::write(&sessions, text).unwrap();
    for audience in ["advocacy", "internal"] {
        let out = format!("out-{audience}");
        assert_ok(&dir.caseload(&["run", "in", "--out", &out, "--as-of", "2026-11-15", "--audience", audience]));
        let report = dir.root.join(&out).join("2026-11-15");
        let manifest: serde_json::Value = serde_json::from_slice(&read(report.join("manifest.json"))).unwrap();
        let listed: Vec<(String, u64, String)> = manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["path"].as_str().unwrap().to_owned(),
                    o["bytes"].as_u64().unwrap(),
                    o["sha256"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let on_disk: Vec<(String, u64, String)> = files_under(&report)
            .into_iter()
            .filter(|path| path != "manifest.json")
            .map(|path| {
                let bytes = read(report.join(&path));
                (path, bytes.len() as u64, format!("{:x}", Sha256::digest(&bytes)))
            })
            .collect();
        assert_eq!(listed, on_disk, "{audience}: the manifest's outputs against the report folder");
        assert!(on_disk.iter().any(|(path, ..)| path == "rejects/sessions.csv"), "{audience}: rejects written");
        assert!(on_disk.iter().any(|(path, ..)| path.starts_with("charts/print/")), "{audience}: print charts");
    }
}
