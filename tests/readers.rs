//! What the report's readers quote: changes against the previous window, the split and pooled ask,
//! the safety callout, admin time by category and hours accounted for, against hand-computed cases.

use crate::util::*;

/// Sunday. With a 2-week window the report window is 2026-10-26 to 2026-11-08 and the previous
/// window 2026-10-12 to 2026-10-25 (as-of 2026-10-25).
const AS_OF: &str = "2026-11-08";
const WAITLIST_HEADER: &str =
    "referral_id,clinic_id,client_id,referred_on,urgency,first_seen_on,closed_on,close_reason";

fn two_clinics(dir: &Dir) -> std::path::PathBuf {
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // Previous window: T1 1 h + 1 h. Report window: T1 2 h + 2 h, T2 1 h + 1 h.
            "S1,C1,T1,X,2026-10-13 09:00,60,attended,therapy",
            "S2,C1,T1,X,2026-10-20 09:00,60,attended,therapy",
            "S3,C1,T1,X,2026-10-27 09:00,120,attended,therapy",
            "S4,C1,T1,X,2026-11-03 09:00,120,attended,therapy",
            "S5,C2,T2,Y,2026-10-27 10:00,60,attended,therapy",
            "S6,C2,T2,Z,2026-11-03 10:00,60,attended,therapy",
        ],
    );
    dir.create(
        "admin_time.csv",
        &[
            ADMIN_HEADER,
            "C1,T1,2026-10-14,0.5,documentation,false",
            "C1,T1,2026-10-28,1,meetings,false",
            "C1,T1,2026-11-04,3,documentation,false",
        ],
    );
    dir.create(
        "waitlist.csv",
        &[
            WAITLIST_HEADER,
            // C1: a routine and an urgent referral waiting since October, an emergency since
            // 11-05, a routine one since 11-06, and an urgent one seen in 2 days.
            "R1,C1,P1,2026-10-01,routine,,,",
            "U1,C1,P2,2026-10-20,urgent,,,",
            "E1,C1,P3,2026-11-05,emergency,,,",
            "R2,C1,P5,2026-11-06,routine,,,",
            "U2,C1,P4,2026-10-01,urgent,2026-10-03,,",
            // C2: three first appointments in the capacity window for two referrals in it.
            "V1,C2,Y0,2026-09-01,routine,2026-10-29,,",
            "Y1,C2,Y,2026-10-26,routine,2026-10-27,,",
            "Z1,C2,Z,2026-11-02,routine,2026-11-03,,",
        ],
    );
    dir.write("config.toml", "window_weeks = 2\ncapacity_window_weeks = 2\nclearance_weeks = 2\n")
}

#[test]
fn key_figures_show_the_change_since_the_previous_window() {
    let dir = Dir::new("readers-change");
    let config = two_clinics(&dir);
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let report = dir.report(AS_OF);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("summary.json")).unwrap()).unwrap();
    // Report window: 4 + 2 = 6 direct hours, 4 admin hours; previous: 2 direct, 0.5 admin.
    assert_close(summary["direct_hours"].as_f64().unwrap(), 6.0, "direct hours");
    let previous = &summary["previous_window"];
    assert_eq!(previous["as_of"], "2026-10-25");
    assert_close(previous["direct_hours"].as_f64().unwrap(), 2.0, "previous direct hours");
    assert_close(previous["admin_ratio"].as_f64().unwrap(), 0.25, "previous admin ratio");
    // People waiting: R1, U1, E1, R2 now; R1, U1 and V1 (seen only on 10-29) at 2026-10-25.
    assert_close(summary["backlog"].as_f64().unwrap(), 4.0, "backlog");
    assert_close(previous["backlog"].as_f64().unwrap(), 3.0, "previous backlog");
    // A 2026 export does not reach the same weeks of 2025.
    assert!(summary.get("year_earlier").is_none(), "no year-earlier period");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("+4 h (+200 %) on the previous 2 weeks (2)"), "direct hours change");
    // 4 / 6 = 0.67 against 0.25: +0.42.
    assert!(html.contains("+0.42 on the previous 2 weeks (0.25)"), "admin ratio change");
    assert!(html.contains("+1 on the previous 2 weeks (3)"), "backlog change");
    assert!(
        html.contains("Changes are against the previous 2 weeks (2026-10-12 to 2026-10-25)."),
        "the period compared"
    );
    assert!(
        html.contains(
            "The export does not reach back to the same 2 weeks a year earlier, so no change against it is shown."
        ),
        "the period the export does not reach"
    );
}

#[test]
fn the_ask_is_split_and_the_clinics_own_gaps_stand_beside_the_pooled_one() {
    let dir = Dir::new("readers-ask");
    let config = two_clinics(&dir);
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let rows = read_csv(&dir.report(AS_OF).join("data/capacity.csv"));
    // C1: λ = 2 / 2 (E1, R2), μ = 0; B = 4 ≤ B* = 1 × 6, so no clearance. Hours per client: 6 h
    // for X. Extra FTE = 1 × 6 / 20 = 0.3, all of it recurring.
    let c1 = row(&rows, &[("clinic_id", "C1")]);
    assert_close(num(c1, "extra_fte"), 0.3, "C1 extra FTE");
    assert_close(num(c1, "recurring_fte"), 0.3, "C1 recurring");
    assert_close(num(c1, "clearance_fte"), 0.0, "C1 clearance");
    // C2: λ = 2 / 2 = 1 < μ = 3 / 2: no gap.
    assert_close(num(row(&rows, &[("clinic_id", "C2")]), "extra_fte"), 0.0, "C2 extra FTE");
    // The network pooled: λ = 2, μ = 1.5, B = 4 ≤ B* = 12; 8 h for 3 clients: 0.5 × 8 / 3 / 20.
    assert_close(num(row(&rows, &[("clinic_id", "ALL")]), "extra_fte"), 0.5 * 8.0 / 3.0 / 20.0, "network extra FTE");
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(
        html.contains("Each clinic on its own needs C1 0.30, C2 none: 0.30 in all, more than the network&#39;s 0.07"),
        "the clinics' own gaps beside the pooled one"
    );
    assert!(html.contains("assumes clients or clinicians move between clinics"), "what pooling assumes");
}

#[test]
fn urgent_and_emergency_referrals_past_their_standard_make_a_safety_callout() {
    let dir = Dir::new("readers-safety");
    let config = two_clinics(&dir);
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let rows = read_csv(&dir.report(AS_OF).join("data/safety.csv"));
    for clinic in ["C1", "ALL"] {
        let r = row(&rows, &[("clinic_id", clinic)]);
        // U1: 19 days waiting > 7; E1: 3 days > 1.
        assert_eq!(r["urgent_waiting_past_standard"], "1", "{clinic}");
        assert_eq!(r["emergency_waiting_past_standard"], "1", "{clinic}");
    }
    let c2 = row(&rows, &[("clinic_id", "C2")]);
    assert_eq!(c2["urgent_waiting_past_standard"], "0");
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(html.contains("Safety first"), "callout");
    // Urgent referrals past their deadline: U2 seen in 2 days, U1 not seen: 50 %.
    assert!(
        html.contains("50 % of urgent referrals of the last 12 months were seen within their standard of 7 days; referred as urgent and waiting longer than that today: 1."),
        "urgent sentence"
    );
}

#[test]
fn admin_time_by_category_and_hours_accounted_for() {
    let dir = Dir::new("readers-paperwork");
    let config = two_clinics(&dir);
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    // Report window: documentation 3 h, meetings 1 h.
    assert!(
        html.contains("Documentation takes 75 % of admin time: 3 of the 4 admin hours logged in the last 2 weeks."),
        "largest category"
    );
    // Logged: 6 direct + 4 admin = 10 h against 4 clinician-weeks × 37.5 = 150 contracted: 7 %.
    assert!(html.contains("The logs account for 7 % of contracted hours"), "hours accounted for");
}
