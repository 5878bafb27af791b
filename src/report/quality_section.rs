//! The data-quality section: what was read, rejected and left out, and ids that match nothing.

use super::*;

/// "appointments.csv (sessions.csv)" for a file read through a mapping's source, else the name.
pub(super) fn file_name(f: &SourceFile) -> String {
    if f.source == f.file {
        f.source.clone()
    } else {
        format!("{} ({})", f.source, f.file)
    }
}

/// `first – last`, or `–` when the file has no dated accepted row.
fn date_range(first: Option<Day>, last: Option<Day>) -> String {
    match (first, last) {
        (Some(first), Some(last)) => format!("{} – {}", dates::format_day(first), dates::format_day(last)),
        _ => "–".into(),
    }
}

pub(super) fn data_quality(page: &mut Page, source: &Source, internal: bool) {
    let files = &source.files;
    page.section("data-quality", "Data quality");
    // Counts of a waitlist's rows are counts of referrals, published as the privacy stage decided.
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            vec![
                file_name(f),
                f.rows_read.to_string(),
                f.rows_accepted.to_string(),
                f.rejected.to_string(),
                f.after_as_of.to_string(),
                date_range(f.first_day, f.last_day),
                f.clinics.to_string(),
                f.clinicians.to_string(),
            ]
        })
        .collect();
    page.table(
        "",
        &[
            "File",
            "Rows read",
            "Accepted",
            "Rejected",
            "After as-of (not counted yet)",
            "Dates",
            "Clinics",
            "Clinicians",
        ],
        &rows,
    );
    let notes: Vec<Vec<String>> =
        files.iter().flat_map(|f| f.warnings.iter().map(|w| vec![file_name(f), w.clone()])).collect();
    if !notes.is_empty() {
        page.table("How the files were read", &["File", "Note"], &notes);
    }
    if !source.unmatched.is_empty() {
        // A person's id is published in the internal audience only.
        let rows: Vec<Vec<String>> = source
            .unmatched
            .iter()
            .map(|m| {
                let kind = if m.kind == "clinician" { "Clinicians" } else { "Clinics" };
                let share = m.share.map_or_else(|| WITHHELD.to_owned(), |s| format!("{:.1} %", s * 100.0));
                let mut row = vec![
                    kind.to_owned(),
                    m.found_in.to_owned(),
                    m.missing_from.to_owned(),
                    m.ids.to_string(),
                    format!("{} ({share})", m.rows),
                ];
                if internal {
                    row.push(m.examples.join(", "));
                }
                row
            })
            .collect();
        let mut header = vec!["Ids", "Found in", "Not in", "How many", "Rows there"];
        if internal {
            header.push("First ids");
        }
        page.table(
            "Ids that match nothing in another file (an export whose ids come from another system reads cleanly \
             and still means nothing: check these before quoting the figures)",
            &header,
            &rows,
        );
    }
    let missing: Vec<&str> = [ADMIN_TIME, crate::ingest::WAITLIST, CLINICIANS]
        .into_iter()
        .filter(|f| !files.iter().any(|r| r.file == *f))
        .collect();
    if !missing.is_empty() {
        page.paragraph(&format!(
            "Not provided: {}. Indicators that need them are shown as not available, never as zero.",
            missing.join(", ")
        ));
    }
    let reasons: Vec<Vec<String>> = files
        .iter()
        .flat_map(|f| {
            let first_lines = |reason: &str| {
                f.rejects
                    .iter()
                    .filter(|r| r.reason == reason)
                    .take(5)
                    .map(|r| r.line.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            f.rejects_by_reason
                .iter()
                .map(|(reason, n)| vec![file_name(f), reason.clone(), n.to_string(), first_lines(reason)])
                .collect::<Vec<_>>()
        })
        .collect();
    if reasons.is_empty() {
        page.paragraph("No rows were rejected.");
    } else {
        page.table(
            "Rejected rows by reason (each is listed in rejects/<file>.csv with its line and column)",
            &["File", "Reason", "Rows", "First lines"],
            &reasons,
        );
    }
}

/// Logged hours (direct + admin + supervision + training) against contracted hours (FTE ×
/// full_time_hours in the weeks worked), per clinic: how much of the working week the logs cover.
pub(super) fn hours_accounted(page: &mut Page, input: &ReportInput, totals: &Totals) {
    page.raw("<h3>Hours accounted for</h3>");
    if !input.source.has_admin {
        page.paragraph(&format!(
            "Not available (no {ADMIN_TIME}): without admin entries the logged hours are client hours only."
        ));
        return;
    }
    let frame = &totals.frame;
    let mut order: Vec<usize> = (0..frame.height()).collect();
    order.sort_by_key(|&r| (u32_at(frame, "clinic", r) == ALL_CLINICS, u32_at(frame, "clinic", r)));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&r| {
            let clinic = u32_at(frame, "clinic", r);
            vec![
                if clinic == ALL_CLINICS {
                    "All clinics".to_owned()
                } else {
                    input.source.ids.clinics.name(clinic).to_owned()
                },
                hours(f64_at(frame, "logged_hours", r).unwrap_or(0.0)),
                hours(f64_at(frame, "contracted_hours", r).unwrap_or(0.0)),
                totals
                    .text("logged_share", r, &|v| v.map_or_else(|| "–".to_owned(), |v| format!("{:.0} %", v * 100.0))),
            ]
        })
        .collect();
    let network = order.iter().copied().find(|&r| u32_at(frame, "clinic", r) == ALL_CLINICS);
    let share = network.and_then(|r| f64_at(frame, "logged_share", r));
    let full_time = input.config.full_time_hours;
    let sentence = match share {
        Some(s) if s < LOW_LOGGED_SHARE => format!(
            "The logs account for {:.0} % of contracted hours: the rest is leave, breaks or time nobody logged. If admin is              the part left unlogged, the admin hours and the admin ratio in this report understate it; if client time is,              they overstate it. Check with the clinics how completely admin time is logged before quoting the ratio.",
            s * 100.0
        ),
        Some(s) => format!("The logs account for {:.0} % of contracted hours.", s * 100.0),
        None => "The logged share of contracted hours is withheld (too few clinicians).".to_owned(),
    };
    page.paragraph(&sentence);
    page.table(
        &format!(
            "Logged hours (direct + admin + supervision + training) against contracted hours (FTE × {full_time} hours in each week a clinician worked), over {}",
            window_period(input)
        ),
        &["Clinic", "Logged hours", "Contracted hours", "Share logged"],
        &rows,
    );
}

/// Below this share of contracted hours logged, the report says the logs may be incomplete.
const LOW_LOGGED_SHARE: f64 = 0.85;
