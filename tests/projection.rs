//! The backlog projection end to end: the scenarios a run publishes, the sentence it quotes, the
//! user's own scenario, and projections.csv across nightly runs.

use crate::util::{assert_ok, read_csv, row, Dir};

fn generated(name: &str) -> Dir {
    let dir = Dir::new(name);
    let output = dir.caseload(&[
        "generate",
        "--out",
        "in",
        "--clinics",
        "3",
        "--clinicians",
        "40",
        "--weeks",
        "52",
        "--seed",
        "1",
        "--as-of",
        "2026-06-28",
    ]);
    assert_ok(&output);
    dir
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_year(date: &str) -> String {
    let month: usize = date[5..7].parse().unwrap();
    format!("{} {}", MONTHS[month - 1], &date[..4])
}

#[test]
fn scenarios_are_published_with_the_users_own_and_the_headline_is_true_to_them() {
    let dir = generated("projection-scenarios");
    dir.write("scenarios.toml", "[[scenarios]]\nname = \"two more clinicians\"\nextra_fte = 2.0\n");
    assert_ok(&dir.run(&["--config", "scenarios.toml", "--as-of", "2026-06-28"]));
    let report = dir.report("2026-06-28");
    let scenarios = read_csv(&report.join("data/scenarios.csv"));
    for name in ["as now", "capacity gap", "admin at target", "two more clinicians"] {
        row(&scenarios, &[("clinic_id", "ALL"), ("scenario", name)]);
    }
    let mine = row(&scenarios, &[("clinic_id", "ALL"), ("scenario", "two more clinicians")]);
    assert_eq!(mine["extra_fte"], "2");
    let gap = row(&scenarios, &[("clinic_id", "ALL"), ("scenario", "capacity gap")]);
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("two more clinicians"), "the user's scenario is named on the page");
    let headline = html
        .split("<p class=\"headline\">")
        .find(|p| p.contains("as now it"))
        .map(|p| p[..p.find("</p>").unwrap()].to_owned())
        .expect("the projection headline");
    let extra: f64 = gap["extra_fte"].parse().unwrap();
    if extra > 0.0 {
        assert!(headline.contains(&format!("With {extra:.1} more clinicians")), "{headline}");
    }
    if !gap["target_week_p50"].is_empty() {
        assert!(headline.contains(&month_year(&gap["target_week_p50"])), "{headline} vs {gap:?}");
    }
    let at_horizon: i64 =
        row(&scenarios, &[("clinic_id", "ALL"), ("scenario", "as now")])["backlog_at_horizon_p50"].parse().unwrap();
    let thousands = |n: i64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    assert!(headline.contains(&format!("about {}", thousands(at_horizon))), "{headline} vs {at_horizon}");
    // The weekly percentiles are ordered and cover the horizon.
    let paths = read_csv(&report.join("data/projection.csv"));
    let network: Vec<_> = paths.iter().filter(|r| r["clinic_id"] == "ALL" && r["scenario"] == "as now").collect();
    assert_eq!(network.len(), 52);
    for r in network {
        let [a, b, c] = ["backlog_p10", "backlog_p50", "backlog_p90"].map(|k| r[k].parse::<i64>().unwrap());
        assert!(a <= b && b <= c, "{r:?}");
    }
}

#[test]
fn projections_accumulate_night_by_night_and_meet_what_happened() {
    let dir = generated("projection-nightly");
    let nights = ["2026-05-31", "2026-06-07", "2026-06-14", "2026-06-21", "2026-06-28"];
    let made_on = |text: &str| {
        let mut days: Vec<String> = text.lines().skip(1).map(|l| l[..10].to_owned()).collect();
        days.dedup();
        days
    };
    for (n, night) in nights.iter().enumerate() {
        assert_ok(&dir.run(&["--as-of", night]));
        let text = std::fs::read_to_string(dir.out().join("projections.csv")).unwrap();
        assert_eq!(made_on(&text).len(), n + 1, "one night more after {night}");
        let html = std::fs::read_to_string(dir.report(night).join("index.html")).unwrap();
        let view = html.contains("Projection against what happened: the network");
        assert_eq!(view, n == 4, "the view appears once a projection 4 weeks old is held ({night})");
    }
    let before = std::fs::read(dir.out().join("projections.csv")).unwrap();
    assert_ok(&dir.run(&["--as-of", "2026-06-28"]));
    let after = std::fs::read(dir.out().join("projections.csv")).unwrap();
    assert_eq!(before, after, "re-running a date replaces its rows with the same ones");
    let html = std::fs::read_to_string(dir.report("2026-06-28").join("index.html")).unwrap();
    assert!(html.contains("2026-05-31 (4 weeks ago)"), "the 4-week-old projection is set against the backlog");
    // What it said is what projections.csv holds for this week.
    let stored = read_csv(&dir.out().join("projections.csv"));
    let said = row(&stored, &[("made_on", "2026-05-31"), ("clinic_id", "ALL"), ("week_start", "2026-06-22")]);
    let cell = format!("<th scope=\"row\">2026-05-31 (4 weeks ago)</th><td>{}</td>", said["backlog_p50"]);
    assert!(html.contains(&cell), "{cell}");
}

#[test]
fn the_same_inputs_and_seed_give_the_same_projection() {
    let dir = generated("projection-determinism");
    assert_ok(&dir.run(&["--as-of", "2026-06-28"]));
    let first = std::fs::read(dir.report("2026-06-28").join("data/projection.csv")).unwrap();
    assert_ok(&dir.run(&["--as-of", "2026-06-28"]));
    assert_eq!(first, std::fs::read(dir.report("2026-06-28").join("data/projection.csv")).unwrap());
    dir.write("seed.toml", "[projection]\nseed = 7\n");
    assert_ok(&dir.run(&["--as-of", "2026-06-28", "--config", "seed.toml"]));
    assert_ne!(first, std::fs::read(dir.report("2026-06-28").join("data/projection.csv")).unwrap(), "another seed");
}
