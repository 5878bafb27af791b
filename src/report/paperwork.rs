//! The paperwork case: where admin time goes, and how many clinicians meet the admin target.

use super::*;
use crate::indicators::workload::ADMIN_CATEGORIES;

/// Admin hours by category for the network and each clinic, and the clinicians meeting the
/// admin-ratio target (a staff count, as the privacy stage publishes it).
pub(super) fn paperwork(page: &mut Page, input: &ReportInput, summary: &Summary) {
    page.raw("<h3>Where admin time goes</h3>");
    let Some(categories) = input.admin_categories else {
        page.paragraph(&format!("Admin time by category: not available (no {ADMIN_TIME})."));
        return;
    };
    let network = categories.get(&ALL_CLINICS).copied().unwrap_or_default();
    let total: f64 = network.iter().sum();
    let name = |k: usize| crate::ingest::values::CATEGORY_NAMES[k].0;
    let mut sentences = Vec::new();
    if total > 0.0 {
        let mut order: Vec<usize> = (0..ADMIN_CATEGORIES.len()).collect();
        order.sort_by(|&a, &b| network[b].total_cmp(&network[a]).then(a.cmp(&b)));
        let top = order[0];
        sentences.push(format!(
            "{} takes {:.0} % of admin time: {} of the {} admin hours logged in {}.",
            capitalise(name(top)),
            network[top] / total * 100.0,
            hours(network[top]),
            hours(total),
            period(summary)
        ));
    }
    let target = input.config.components.admin_ratio.green;
    let weeks = input.config.risk_window_weeks;
    match (input.burnout.meeting_admin_target, input.burnout.admin_ratio.as_ref()) {
        (Some(n), Some(scored)) if scored.len() == 1 => sentences.push(format!(
            "The one clinician scored {} the target of {target} admin hours per client hour over their last {weeks} weeks.",
            if n == 1 { "meets" } else { "does not meet" }
        )),
        (Some(0), Some(scored)) => sentences.push(format!(
            "None of the {} clinicians scored meets the target of {target} admin hours per client hour over their last {weeks} weeks.",
            scored.len()
        )),
        (Some(n), Some(scored)) => sentences.push(format!(
            "{n} of the {} clinicians scored meet{} the target of {target} admin hours per client hour over their last {weeks} weeks.",
            scored.len(),
            if n == 1 { "s" } else { "" }
        )),
        _ if input.burnout.scored > 0 => sentences.push(format!(
            "How many clinicians meet the target of {target} admin hours per client hour is withheld: fewer than {} were scored.",
            input.config.min_group_clinicians
        )),
        _ => {}
    }
    if !sentences.is_empty() {
        page.paragraph(&sentences.join(" "));
    }
    let clinics: Vec<u32> = categories.keys().copied().filter(|&c| c != ALL_CLINICS).collect();
    let share = |value: f64, of: f64| if of > 0.0 { format!("{:.0} %", value / of * 100.0) } else { "–".to_owned() };
    let rows: Vec<Vec<String>> = (0..ADMIN_CATEGORIES.len())
        .map(|k| {
            let mut row = vec![capitalise(name(k)), hours(network[k]), share(network[k], total)];
            for clinic in &clinics {
                let of = categories[clinic];
                row.push(format!("{} ({})", hours(of[k]), share(of[k], of.iter().sum())));
            }
            row
        })
        .collect();
    let mut header = vec!["Category".to_owned(), "All clinics, hours".to_owned(), "Share".to_owned()];
    header.extend(clinics.iter().map(|&c| format!("{}, hours (share)", input.source.ids.clinics.name(c))));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    page.table(
        &format!(
            "Admin hours by category over {} (supervision and training are logged apart and are not admin)",
            period(summary)
        ),
        &header,
        &rows,
    );
}
