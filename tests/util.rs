use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder per test, removed on success.
pub struct Dir {
    pub root: PathBuf,
}

impl Dir {
    pub fn new(name: &str) -> Dir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("caseload-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("in")).unwrap();
        Dir { root }
    }

    pub fn input(&self) -> PathBuf {
        self.root.join("in")
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("out")
    }

    /// Writes `in/<name>` with the given text (lines joined by newlines).
    pub fn create(&self, name: &str, lines: &[&str]) {
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(self.input().join(name), text).unwrap();
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn caseload(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_caseload")).args(args).current_dir(&self.root).output().unwrap()
    }

    /// `caseload run in --out out --audience internal` (per-clinician tables, no folding) plus
    /// extra arguments.
    pub fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec!["run", "in", "--out", "out", "--audience", "internal"];
        args.extend_from_slice(extra);
        self.caseload(&args)
    }

    pub fn report(&self, as_of: &str) -> PathBuf {
        self.out().join(as_of)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn assert_ok(output: &Output) {
    assert!(output.status.success(), "exit {:?}\nstderr: {}", output.status.code(), stderr(output));
}

/// A CSV file as rows of column → value.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect()
}

/// The row whose key columns have the given values.
pub fn row<'a>(rows: &'a [HashMap<String, String>], keys: &[(&str, &str)]) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| keys.iter().all(|(k, v)| r.get(*k).map(String::as_str) == Some(*v)))
        .unwrap_or_else(|| panic!("no row with {keys:?}"))
}

pub fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    let text = &row[column];
    text.parse().unwrap_or_else(|_| panic!("{column} = {text:?} is not a number"))
}

pub fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() < 1e-3, "{what}: got {actual}, expected {expected}");
}

pub const SESSIONS_HEADER: &str = "session_id,clinic_id,clinician_id,client_id,start,duration_min,status,session_type";
pub const ADMIN_HEADER: &str = "clinic_id,clinician_id,date,hours,category,after_hours";

/// The TOML block that follows `<!-- mapping: NAME -->` in the README.
pub fn readme_mapping(name: &str) -> String {
    let readme = include_str!("../README.md");
    let marker = format!("<!-- mapping: {name} -->");
    let after = &readme[readme.find(&marker).unwrap_or_else(|| panic!("README lacks {marker}")) + marker.len()..];
    let start = after.find("```toml\n").expect("toml block") + "```toml\n".len();
    let end = after[start..].find("```").expect("end of block");
    after[start..start + end].to_owned()
}
