//! `caseload schema`: the input contract and the published tables' columns, for people and tools
//! that prepare exports or read the outputs.

use serde::Serialize;

#[derive(Serialize)]
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: &'static str,
}

#[derive(Serialize)]
pub struct Table {
    pub file: &'static str,
    pub role: &'static str,
    pub columns: Vec<Column>,
}

/// The input files, from the column specs the loaders read them by.
pub fn inputs() -> Vec<Table> {
    crate::ingest::INPUTS
        .iter()
        .map(|input| Table {
            file: input.file,
            role: input.role,
            columns: input.columns.iter().map(|c| Column { name: c.name, kind: c.kind, required: c.need }).collect(),
        })
        .collect()
}

fn output(file: &'static str, role: &'static str, columns: &[&'static str]) -> Table {
    Table { file, role, columns: columns.iter().map(|&name| Column { name, kind: "", required: "" }).collect() }
}

pub fn outputs() -> Vec<Table> {
    vec![
        output(
            "data/clinician_weeks.csv",
            "output (internal audience)",
            &[
                "clinic_id",
                "clinician_id",
                "week_start",
                "direct_hours",
                "sessions_attended",
                "no_show",
                "cancelled_late",
                "cancelled_client",
                "cancelled_clinician",
                "no_show_rate",
                "admin_hours",
                "documentation_hours",
                "supervision_hours",
                "training_hours",
                "after_hours",
                "admin_ratio",
                "fte",
                "contracted_hours",
                "utilization",
                "active_caseload",
                "high_acuity_share",
                "doc_late_share",
            ],
        ),
        output(
            "data/clinic_weeks.csv",
            "output",
            &[
                "clinic_id",
                "week_start",
                "clinicians",
                "fte",
                "direct_hours",
                "admin_hours",
                "documentation_hours",
                "supervision_hours",
                "training_hours",
                "after_hours",
                "admin_ratio",
                "sessions_attended",
                "no_show_rate",
                "median_caseload_per_fte",
                "risk_low",
                "risk_moderate",
                "risk_high",
            ],
        ),
        output(
            "data/burnout_risk.csv",
            "output (internal audience)",
            &[
                "clinic_id",
                "clinician_id",
                "score",
                "tier",
                "sustained",
                "top_component_1",
                "top_component_2",
                "<component>",
                "<component>_strain",
            ],
        ),
        output(
            "data/waitlist_weeks.csv",
            "output (with waitlist.csv)",
            &["clinic_id", "week_start", "referrals", "first_seen", "closed_unseen", "backlog"],
        ),
        output(
            "data/waits.csv",
            "output (with waitlist.csv)",
            &[
                "clinic_id",
                "urgency",
                "referrals",
                "seen",
                "still_waiting",
                "closed_unseen",
                "km_median_days",
                "km_p90_days",
                "completed_median_days",
                "standard_days",
                "within_standard_share",
            ],
        ),
        output(
            "data/followup.csv",
            "output",
            &["clinic_id", "clients", "second_wait_median_days", "followup_gaps", "followup_over_standard_share"],
        ),
        output(
            "data/capacity.csv",
            "output (with waitlist.csv)",
            &std::iter::once("clinic_id").chain(crate::indicators::access::CAPACITY_COLUMNS).collect::<Vec<_>>(),
        ),
        output(
            "data/safety.csv",
            "output (with waitlist.csv)",
            &std::iter::once("clinic_id")
                .chain(crate::indicators::access::SAFETY_COLUMNS.iter().map(|(name, _)| *name))
                .collect::<Vec<_>>(),
        ),
    ]
}

pub fn to_text(tables: &[Table]) -> String {
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("{} — {}\n", table.file, table.role));
        for column in &table.columns {
            if column.kind.is_empty() {
                out.push_str(&format!("  {}\n", column.name));
            } else {
                out.push_str(&format!("  {:<16} {:<22} {}\n", column.name, column.required, column.kind));
            }
        }
        out.push('\n');
    }
    out
}
