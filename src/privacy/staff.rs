//! Staff figures: a minimum group size, as staff surveys publish their results. A group's figures
//! about its clinicians (risk-tier counts, shares, medians and means) are shown when the group has
//! at least `min_group_clinicians` (11) clinicians and withheld below it; within a group large
//! enough to show, counts of clinicians are not small cells. How many clinicians a group has is
//! shown either way (a clinic's staff list is no secret; clinics under `min_clinicians` are folded).

use polars::prelude::*;

use super::rounding::hide_where;
use super::tables::Overrides;
use super::tables::{Count, Hidden};
use crate::indicators::burnout::Spread;
use crate::indicators::wellbeing::{Group, SurveyCheck};

/// One table's group size column and the staff figures that need a large enough group.
pub struct StaffRule<'a> {
    pub size: &'a str,
    pub figures: &'a [&'a str],
}

pub const CLINIC_WEEKS: StaffRule<'static> = StaffRule {
    size: "clinicians",
    figures: &["risk_low", "risk_moderate", "risk_high", "admin_ratio", "no_show_rate", "median_caseload_per_fte"],
};

/// The page's totals over the window, by clinic.
pub const WINDOW_TOTALS: StaffRule<'static> = StaffRule {
    size: "clinicians",
    figures: &[
        "admin_ratio",
        "no_show_rate",
        "median_caseload_per_fte",
        "documentation_share",
        "supervision_hours_per_fte",
        "after_hours_per_clinician_week",
        "logged_share",
    ],
};

/// Whether a group of `clinicians` may have its staff figures shown.
pub fn shown(clinicians: i64, min_group: u32) -> bool {
    clinicians >= i64::from(min_group)
}

/// Withholds the staff figures of every row whose group is smaller than `min_group`.
pub fn protect(frame: &DataFrame, rule: &StaffRule, min_group: u32) -> PolarsResult<(DataFrame, Overrides)> {
    let sizes: Vec<i64> =
        frame.column(rule.size)?.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(0)).collect();
    let mut masked = frame.clone();
    let mut overrides = Overrides::default();
    for figure in rule.figures {
        hide_where(&mut masked, &mut overrides, figure, |row| !shown(sizes[row], min_group))?;
    }
    Ok((masked, overrides))
}

/// Tier counts of a group large enough to show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiers {
    pub low: usize,
    pub moderate: usize,
    pub high: usize,
    pub sustained: usize,
}

/// The network's burnout figures as published: the group's size always; every figure about its
/// clinicians only when at least `min_group_clinicians` were scored (each component's mean strain
/// when that many have it). None means withheld (or, for the after-hours mean, not available).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Burnout {
    pub scored: usize,
    pub tiers: Option<Tiers>,
    pub after_hours_per_clinician_week: Option<f64>,
    /// Hours of admin beyond the target, as sessions: a sum of hours, not a figure about a few people.
    pub sessions_lost_per_month: Option<f64>,
    pub drivers: Option<Vec<crate::indicators::burnout::Driver>>,
    /// Clinicians scored who meet the admin-ratio target: a count of the scored group's clinicians.
    pub meeting_admin_target: Option<usize>,
    pub admin_ratio: Option<Spread>,
    pub caseload_per_fte: Option<Spread>,
    /// Whether the group's figures are withheld (fewer than `min_group_clinicians` scored).
    pub withheld: bool,
}

/// Publishes `figures` under the staff rule; everything for the internal audience (`min_group` None).
/// `last_week_withheld`: clinic_weeks withholds the network's tiers of the last complete week (fewer
/// worked in it than were scored), and the scored group's tiers are withheld with them, so that the
/// two groups' difference names no one's tier.
pub fn publish_burnout(
    figures: &crate::indicators::burnout::Figures,
    min_group: Option<u32>,
    last_week_withheld: bool,
) -> Burnout {
    let ok = |n: usize| min_group.is_none_or(|m| shown(n as i64, m));
    let show = ok(figures.scored) && !last_week_withheld;
    let values = |v: &Spread| ok(v.len()).then(|| v.clone());
    Burnout {
        scored: figures.scored,
        tiers: show.then_some(Tiers {
            low: figures.low,
            moderate: figures.moderate,
            high: figures.high,
            sustained: figures.sustained,
        }),
        after_hours_per_clinician_week: figures.after_hours_per_clinician_week.filter(|_| show),
        sessions_lost_per_month: figures.sessions_lost_per_month,
        drivers: show.then(|| figures.drivers.iter().filter(|d| ok(d.clinicians)).copied().collect()),
        meeting_admin_target: (show && !figures.admin_ratio.is_empty()).then_some(figures.meeting_admin_target),
        admin_ratio: values(&figures.admin_ratio),
        caseload_per_fte: values(&figures.caseload_per_fte),
        withheld: !show,
    }
}

/// One survey group as published: its size, and its mean score and high-tier share only when the
/// group has at least `min_group_clinicians` people (`withheld` otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyGroup {
    pub n: Count,
    pub mean_score: Option<f64>,
    pub high_share: Option<f64>,
    pub withheld: bool,
}

/// The check of the score against clinicians' own Mini-Z answers, as published.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub matched: usize,
    pub burnout: SurveyGroup,
    pub no_burnout: SurveyGroup,
    pub spearman: Option<f64>,
    pub enough: bool,
}

/// Publishes `check` under the staff rule: the two groups' sizes are withheld when fewer than
/// `min_group` answered in all (their difference would name answers), and each group's figures
/// when the group itself is smaller than `min_group`. Everything for the internal audience.
pub fn publish_survey(check: &SurveyCheck, min_group: Option<u32>) -> Survey {
    let ok = |n: usize| min_group.is_none_or(|m| shown(n as i64, m));
    let sizes_shown = ok(check.matched);
    let group = |g: &Group| {
        let withheld = !ok(g.n);
        SurveyGroup {
            n: if sizes_shown { Count::Shown(g.n as i64) } else { Count::Hidden(Hidden::Withheld) },
            mean_score: g.mean_score.filter(|_| !withheld),
            high_share: g.high_share.filter(|_| !withheld),
            withheld,
        }
    };
    Survey {
        matched: check.matched,
        burnout: group(&check.burnout),
        no_burnout: group(&check.no_burnout),
        spearman: check.spearman,
        enough: check.enough,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(n: usize, mean: f64, share: f64) -> Group {
        Group { n, mean_score: Some(mean), high_share: Some(share) }
    }

    #[test]
    fn a_small_survey_group_has_its_figures_withheld_and_a_small_answer_count_its_sizes() {
        let check = SurveyCheck {
            matched: 30,
            burnout: group(20, 61.0, 0.4),
            no_burnout: group(10, 35.0, 0.1),
            spearman: Some(0.5),
            enough: true,
        };
        let published = publish_survey(&check, Some(11));
        assert_eq!(published.burnout.n, Count::Shown(20));
        assert_eq!(published.burnout.mean_score, Some(61.0));
        assert!(!published.burnout.withheld);
        assert_eq!(published.no_burnout.n, Count::Shown(10));
        assert_eq!((published.no_burnout.mean_score, published.no_burnout.high_share), (None, None));
        assert!(published.no_burnout.withheld);

        let few = SurveyCheck { matched: 10, burnout: group(6, 61.0, 0.5), no_burnout: group(4, 30.0, 0.0), ..check };
        let published = publish_survey(&few, Some(11));
        assert_eq!(published.burnout.n, Count::Hidden(Hidden::Withheld));
        assert_eq!(published.no_burnout.n, Count::Hidden(Hidden::Withheld));
        assert_eq!(published.matched, 10);
        // The internal audience sees everything.
        let internal = publish_survey(&few, None);
        assert_eq!(internal.burnout.n, Count::Shown(6));
        assert_eq!(internal.no_burnout.high_share, Some(0.0));
    }

    #[test]
    fn a_spread_counts_against_its_ramp_and_takes_the_middle_median() {
        let ramp = crate::config::Ramp { green: 1.5, red: 3.0, weight: 1.0 };
        let spread = Spread::of(vec![4.0, 1.0, 3.0, 2.0], ramp);
        assert_eq!((spread.at_or_below_green, spread.between, spread.above_red), (1, 2, 1));
        assert_eq!(spread.median, Some(2.5));
        assert_eq!(Spread::of(vec![1.5, 9.0, 0.2], ramp).median, Some(1.5));
        assert_eq!(Spread::of(Vec::new(), ramp).median, None);
    }
}
