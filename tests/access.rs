//! waitlist_weeks, waits, followup and capacity against hand-computed cases (SPEC §3 "Access",
//! "Capacity gap" and the appendix).

use crate::util::*;

/// Sunday; the last complete week starts Monday 2026-11-02.
const AS_OF: &str = "2026-11-08";
const WAITLIST_HEADER: &str =
    "referral_id,clinic_id,client_id,referred_on,urgency,first_seen_on,closed_on,close_reason";

fn one_session(dir: &Dir) {
    dir.create("sessions.csv", &[SESSIONS_HEADER, "S1,C1,T1,X,2026-11-03 09:00,60,attended,therapy"]);
}

#[test]
fn backlog_counts_referred_not_yet_seen_or_closed_at_each_sunday() {
    let dir = Dir::new("backlog");
    one_session(&dir);
    dir.create(
        "waitlist.csv",
        &[
            WAITLIST_HEADER,
            "R1,C1,A,2026-10-01,routine,2026-10-30,,",
            // Closed on the Sunday itself: closed_on ≤ D, so no longer waiting at that Sunday.
            "R2,C1,B,2026-10-01,routine,,2026-11-01,declined",
            "R3,C1,C,2026-10-20,routine,,,",
            "R4,C1,D,2026-10-28,,2026-11-03,,",
            // Seen after as_of: that has not happened yet, so still waiting.
            "R5,C1,E,2026-11-05,routine,2026-11-20,,",
            // Referred after as_of: left out.
            "R6,C1,F,2026-11-10,routine,,,",
        ],
    );
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/waitlist_weeks.csv"));
    // 26 window weeks for C1 and 26 for ALL, zero weeks included.
    assert_eq!(rows.len(), 52);
    let first = row(&rows, &[("clinic_id", "ALL"), ("week_start", "2026-05-11")]);
    assert_eq!((first["referrals"].as_str(), first["backlog"].as_str()), ("0", "0"));
    // Sunday 10-25: R1, R2 (10-01) and R3 (10-20) waiting = 3.
    assert_eq!(row(&rows, &[("clinic_id", "C1"), ("week_start", "2026-10-19")])["backlog"], "3");
    // Sunday 11-01: R1 seen 10-30, R2 closed 11-01; R3 and R4 (referred 10-28) wait = 2.
    let week = row(&rows, &[("clinic_id", "C1"), ("week_start", "2026-10-26")]);
    assert_eq!(week["referrals"], "1");
    assert_eq!(week["first_seen"], "1");
    assert_eq!(week["closed_unseen"], "1");
    assert_eq!(week["backlog"], "2");
    // Sunday 11-08: R4 seen 11-03; R3 and R5 wait = 2; R6 is not counted.
    let week = row(&rows, &[("clinic_id", "ALL"), ("week_start", "2026-11-02")]);
    assert_eq!(week["referrals"], "1");
    assert_eq!(week["first_seen"], "1");
    assert_eq!(week["closed_unseen"], "0");
    assert_eq!(week["backlog"], "2");
}

#[test]
fn within_standard_and_kaplan_meier_count_people_still_waiting() {
    let dir = Dir::new("within");
    one_session(&dir);
    dir.create(
        "waitlist.csv",
        &[
            WAITLIST_HEADER,
            // Urgent standard 7 days; referred 10-01, deadline 10-08.
            "U1,C1,A,2026-10-01,urgent,2026-10-05,,",
            "U2,C1,B,2026-10-01,urgent,2026-10-09,,",
            "U3,C1,C,2026-10-01,urgent,,2026-10-06,no contact",
            "U4,C1,D,2026-10-01,urgent,,2026-10-08,no contact",
            "U5,C1,E,2026-10-01,urgent,,2026-10-12,declined",
            "U6,C1,F,2026-11-05,urgent,,,",
            "U7,C1,G,2026-10-01,urgent,2026-10-08,,",
        ],
    );
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/waits.csv"));
    let urgent = row(&rows, &[("clinic_id", "C1"), ("urgency", "urgent")]);
    assert_eq!(urgent["referrals"], "7");
    assert_eq!(urgent["seen"], "3");
    assert_eq!(urgent["still_waiting"], "1");
    assert_eq!(urgent["closed_unseen"], "3");
    assert_eq!(urgent["standard_days"], "7");
    // Judged: U1 (4 d, within), U2 (8 d, not), U5 (closed after the deadline: not), U7 (7 d, within);
    // U3 and U4 closed on or before the deadline and U6's deadline 11-12 is after as_of: 2 / 4.
    assert_close(num(urgent, "within_standard_share"), 0.5, "within_standard_share");
    // Times: 3+ (U6: 11-08 − 11-05), 4, 5+, 7 and 7+, 8, 11+. S(4) = 5/6 (6 at risk after the
    // censoring at 3); S(7) = 5/6 × 3/4 = 0.625 (event before the censoring at 7, 4 at risk);
    // S(8) = 0.625 × 1/2 = 0.3125 ≤ 0.5 → median 8. The last time (11) is censored: no p90.
    assert_eq!(urgent["km_median_days"], "8");
    assert_eq!(urgent["km_p90_days"], "");
    // Completed waits 4, 7, 8 → 7.
    assert_eq!(urgent["completed_median_days"], "7");
    let all = row(&rows, &[("clinic_id", "ALL"), ("urgency", "all")]);
    assert_eq!(all["standard_days"], "");
    assert_close(num(all, "within_standard_share"), 0.5, "all within_standard_share");
    let routine = row(&rows, &[("clinic_id", "C1"), ("urgency", "routine")]);
    assert_eq!(routine["referrals"], "0");
    assert_eq!(routine["within_standard_share"], "");
}

#[test]
fn follow_up_gaps_count_business_days_across_weekends() {
    let dir = Dir::new("followup");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // A: Fri 10-16 → Fri 10-30 = 10 business days (not over 10); Fri 10-30 → Mon 11-02 = 1.
            "A1,C1,T1,A,2026-10-16 09:00,50,attended,therapy",
            "A2,C1,T1,A,2026-10-23 09:00,50,no_show,therapy",
            "A3,C1,T1,A,2026-10-30 09:00,50,attended,therapy",
            "A4,C1,T1,A,2026-11-02 09:00,50,attended,therapy",
            // B: Thu 10-15 → Mon 11-02 = Fri + 5 + 5 + Mon = 12 business days: over standard.
            "B1,C1,T1,B,2026-10-15 09:00,50,attended,therapy",
            "B2,C1,T1,B,2026-11-02 10:00,50,attended,therapy",
            // C: one attended session only, so no second wait and no gap.
            "C1,C1,T1,C,2026-10-20 09:00,50,attended,therapy",
        ],
    );
    dir.create("waitlist.csv", &[WAITLIST_HEADER, "R1,C1,A,2026-10-01,routine,2026-10-16,,"]);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/followup.csv"));
    for clinic in ["C1", "ALL"] {
        let r = row(&rows, &[("clinic_id", clinic)]);
        // Second waits: A 14 days (10-16 → 10-30), B 18 days (10-15 → 11-02); median 16.
        assert_eq!(r["clients"], "2");
        assert_eq!(r["second_wait_median_days"], "16");
        assert_eq!(r["followup_gaps"], "3");
        assert_close(num(r, "followup_over_standard_share"), 1.0 / 3.0, "over standard share");
    }
}

#[test]
fn capacity_gap_when_referrals_outpace_first_appointments() {
    let dir = Dir::new("capacity-up");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // 60 + 60 + 120 minutes = 4 h for clients X and Y: 2 h per client.
            "S1,C1,T1,X,2026-11-03 09:00,60,attended,therapy",
            "S2,C1,T1,Y,2026-11-04 09:00,60,attended,therapy",
            "S3,C1,T1,Y,2026-10-27 09:00,120,attended,therapy",
        ],
    );
    dir.create(
        "admin_time.csv",
        &[
            ADMIN_HEADER,
            // Week 11-02: 3 − 0.4 × 2 h direct = 2.2 h over target; week 10-26: 0.5 − 0.4 × 2 < 0 → 0.
            "C1,T1,2026-11-05,3,documentation,false",
            "C1,T1,2026-10-28,0.5,meetings,false",
        ],
    );
    dir.create(
        "waitlist.csv",
        &[
            WAITLIST_HEADER,
            "R1,C1,P1,2026-10-26,routine,2026-11-04,,",
            "R2,C1,P2,2026-10-27,routine,,,",
            "R3,C1,P3,2026-10-28,routine,,,",
            "R4,C1,P4,2026-10-29,routine,,,",
            "R5,C1,P5,2026-11-02,routine,,,",
            "R6,C1,P6,2026-11-03,routine,,,",
        ],
    );
    let config =
        dir.write("config.toml", "capacity_window_weeks = 2\nclearance_weeks = 2\nannual_cost_per_fte = 80000\n");
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let rows = read_csv(&dir.report(AS_OF).join("data/capacity.csv"));
    for clinic in ["C1", "ALL"] {
        let r = row(&rows, &[("clinic_id", clinic)]);
        // λ = (4 + 2) / 2 = 3; μ = (0 + 1) / 2 = 0.5; B = 5 waiting; B* = 3 × 42 / 7 = 18 > B.
        assert_close(num(r, "referrals_per_week"), 3.0, "λ");
        assert_close(num(r, "starts_per_week"), 0.5, "μ");
        assert_eq!(r["backlog"], "5");
        assert_close(num(r, "target_backlog"), 18.0, "B*");
        // 3 − 0.5 + 0 = 2.5 extra starts; × 2 h per client / 20 h per FTE = 0.25 FTE; × 80,000.
        assert_close(num(r, "extra_starts_per_week"), 2.5, "extra starts");
        assert_close(num(r, "hours_per_client"), 2.0, "h");
        assert_close(num(r, "extra_fte"), 0.25, "extra FTE");
        assert_close(num(r, "annual_cost"), 20_000.0, "annual cost");
        // (2.2 + 0) / 2 weeks = 1.1 h/week = 0.055 FTE, covering 0.055 / 0.25 = 22 % of the gap.
        assert_close(num(r, "admin_reclaim_hours_per_week"), 1.1, "reclaim hours");
        assert_close(num(r, "admin_reclaim_fte"), 0.055, "reclaim FTE");
        assert_close(num(r, "reclaim_share_of_gap"), 0.22, "reclaim share");
        // All of it recurring (referrals outpace first appointments), none backlog clearance.
        assert_close(num(r, "recurring_fte"), 0.25, "recurring FTE");
        assert_close(num(r, "clearance_fte"), 0.0, "clearance FTE");
        // T1 worked two weeks at 1.0 FTE for 4 direct hours: 2 h per FTE-week delivered, so the
        // same 2.5 extra starts × 2 h need 2.5 FTE at that rate, costing 200,000.
        assert_close(num(r, "direct_hours_per_fte"), 2.0, "observed direct hours per FTE-week");
        assert_close(num(r, "extra_fte_at_observed"), 2.5, "extra FTE at the observed rate");
        assert_close(num(r, "annual_cost_at_observed"), 200_000.0, "annual cost at the observed rate");
    }
    let html = std::fs::read_to_string(dir.report(AS_OF).join("index.html")).unwrap();
    assert!(
        html.contains(
            "Closing the network&#39;s capacity gap needs 0.25 more full-time clinicians (≈ 20,000 a year) at 20 direct \
             client hours per FTE-week: all of it recurring"
        ),
        "headline"
    );
    assert!(
        html.contains("2.0 direct client hours per FTE-week over the last 2 weeks; at that rate the gap is 2.5 full-time clinicians (≈ 200,000 a year)"),
        "the ask at the observed rate"
    );
}

#[test]
fn capacity_gap_from_backlog_when_first_appointments_outpace_referrals() {
    let dir = Dir::new("capacity-down");
    // 90 minutes for one client: 1.5 h per client.
    dir.create("sessions.csv", &[SESSIONS_HEADER, "S1,C1,T1,X,2026-11-03 09:00,90,attended,therapy"]);
    let mut lines = vec![WAITLIST_HEADER.to_owned()];
    // 20 referred long before the window and still waiting.
    for i in 0..20 {
        lines.push(format!("W{i},C1,W{i},2026-09-01,routine,,,"));
    }
    // 4 older referrals seen in the window, two in each week; 1 new referral, waiting.
    for (i, seen) in ["2026-10-27", "2026-10-28", "2026-11-03", "2026-11-04"].iter().enumerate() {
        lines.push(format!("S{i},C1,S{i},2026-09-01,routine,{seen},,"));
    }
    lines.push("N1,C1,N1,2026-11-02,routine,,,".to_owned());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    dir.create("waitlist.csv", &lines);
    let config = dir.write("config.toml", "capacity_window_weeks = 2\nclearance_weeks = 2\n");
    assert_ok(&dir.run(&["--as-of", AS_OF, "--config", config.to_str().unwrap()]));
    let rows = read_csv(&dir.report(AS_OF).join("data/capacity.csv"));
    let r = row(&rows, &[("clinic_id", "ALL")]);
    // λ = 1 / 2 = 0.5 < μ = 4 / 2 = 2; B = 20 + 1 = 21; B* = 0.5 × 6 = 3.
    assert_close(num(r, "referrals_per_week"), 0.5, "λ");
    assert_close(num(r, "starts_per_week"), 2.0, "μ");
    assert_eq!(r["backlog"], "21");
    assert_close(num(r, "target_backlog"), 3.0, "B*");
    // max(0, 0.5 − 2) + (21 − 3) / 2 = 9 extra starts; 9 × 1.5 / 20 = 0.675 FTE.
    assert_close(num(r, "extra_starts_per_week"), 9.0, "extra starts");
    assert_close(num(r, "extra_fte"), 0.675, "extra FTE");
    // All of it the time-limited clearance of the backlog above target.
    assert_close(num(r, "recurring_fte"), 0.0, "recurring FTE");
    assert_close(num(r, "clearance_fte"), 0.675, "clearance FTE");
    // One worked week at 1.0 FTE with 1.5 direct hours: 9 × 1.5 / 1.5 = 9 FTE at that rate.
    assert_close(num(r, "direct_hours_per_fte"), 1.5, "observed direct hours per FTE-week");
    assert_close(num(r, "extra_fte_at_observed"), 9.0, "extra FTE at the observed rate");
    // No admin_time.csv and no cost configured: empty, not zero.
    assert_eq!(r["annual_cost"], "");
    assert_eq!(r["admin_reclaim_hours_per_week"], "");
    assert_eq!(r["reclaim_share_of_gap"], "");
}

#[test]
fn without_waitlist_the_access_section_is_not_available_and_the_run_succeeds() {
    let dir = Dir::new("no-waitlist");
    one_session(&dir);
    let output = dir.run(&["--as-of", AS_OF]);
    assert_ok(&output);
    assert_eq!(output.status.code(), Some(0));
    let report = dir.report(AS_OF);
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("not available (no waitlist.csv)"), "access section says not available");
    assert!(!report.join("data/waits.csv").exists(), "no access tables without waitlist.csv");
}

#[test]
fn the_network_counts_a_client_id_seen_in_two_clinics_as_two_clients() {
    let dir = Dir::new("capacity-shared-id");
    dir.create(
        "sessions.csv",
        &[
            SESSIONS_HEADER,
            // Client X is seen in C1 (1 h) and in C2 (2 h); Y in C2 (3 h): 6 h over 3 (clinic, client) pairs.
            "S1,C1,T1,X,2026-11-03 09:00,60,attended,therapy",
            "S2,C2,T2,X,2026-11-03 09:00,120,attended,therapy",
            "S3,C2,T2,Y,2026-11-04 09:00,180,attended,therapy",
        ],
    );
    dir.create("waitlist.csv", &[WAITLIST_HEADER, "R1,C1,P1,2026-10-26,routine,,,", "R2,C2,P2,2026-10-26,routine,,,"]);
    assert_ok(&dir.run(&["--as-of", AS_OF]));
    let rows = read_csv(&dir.report(AS_OF).join("data/capacity.csv"));
    assert_close(num(row(&rows, &[("clinic_id", "C1")]), "hours_per_client"), 1.0, "C1: 1 h / 1 client");
    assert_close(num(row(&rows, &[("clinic_id", "C2")]), "hours_per_client"), 2.5, "C2: 5 h / 2 clients");
    // 6 h / 3 pairs = 2, not 6 h / 2 distinct ids = 3.
    assert_close(num(row(&rows, &[("clinic_id", "ALL")]), "hours_per_client"), 2.0, "network");
}
