//! Checks the workload risk score against what clinicians say: the Mini-Z single burnout item
//! (1–5, where 3 or more means burnout). A signal that disagrees with its own clinicians is a
//! signal to re-tune, and the report says so.

use polars::prelude::*;
use std::collections::BTreeMap;

use super::Window;
use crate::ingest::Dataset;

/// Answers older than this, counted back from as_of, are too old to compare with the current score.
pub const ANSWER_MAX_AGE_DAYS: i32 = 90;
/// Fewer matched clinicians than this and the report declines to draw a conclusion.
pub const MIN_MATCHED: usize = 10;
/// Mini-Z single item: 3 or more ("I am beginning to burn out" and above) means burnout.
pub const BURNOUT_FROM: u8 = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub n: usize,
    pub mean_score: Option<f64>,
    pub high_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyCheck {
    /// Clinicians with both a recent answer and a score.
    pub matched: usize,
    pub burnout: Group,
    pub no_burnout: Group,
    /// Spearman rank correlation of score and mini_z (average ranks for ties).
    pub spearman: Option<f64>,
    pub enough: bool,
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = average;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rho: Pearson correlation of the ranks; empty when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

fn group(rows: &[(f64, bool, u8)]) -> Group {
    let n = rows.len();
    let mean = |f: &dyn Fn(&(f64, bool, u8)) -> f64| (n > 0).then(|| rows.iter().map(f).sum::<f64>() / n as f64);
    Group { n, mean_score: mean(&|r| r.0), high_share: mean(&|r| if r.1 { 1.0 } else { 0.0 }) }
}

/// Each clinician's latest answer within ANSWER_MAX_AGE_DAYS of as_of, against their current score.
pub fn compare(data: &Dataset, risk: &DataFrame, window: &Window) -> PolarsResult<Option<SurveyCheck>> {
    let Some(survey) = &data.wellbeing else { return Ok(None) };
    let mut latest: BTreeMap<(u32, u32), (i32, u8)> = BTreeMap::new();
    for i in 0..survey.date.len() {
        let date = survey.date[i];
        if date > window.as_of || date < window.as_of - ANSWER_MAX_AGE_DAYS {
            continue;
        }
        let key = (survey.clinic[i], survey.clinician[i]);
        if latest.get(&key).is_none_or(|&(d, _)| date >= d) {
            latest.insert(key, (date, survey.mini_z[i]));
        }
    }
    let clinics = risk.column("clinic")?.u32()?;
    let clinicians = risk.column("clinician")?.u32()?;
    let scores = risk.column("score")?.f64()?;
    let tiers = risk.column("tier")?.str()?;
    let mut matched: Vec<(f64, bool, u8)> = Vec::new();
    for row in 0..risk.height() {
        let (Some(clinic), Some(clinician), Some(score)) = (clinics.get(row), clinicians.get(row), scores.get(row))
        else {
            continue;
        };
        if let Some(&(_, mini_z)) = latest.get(&(clinic, clinician)) {
            matched.push((score, tiers.get(row) == Some("high"), mini_z));
        }
    }
    let (burnout, no_burnout): (Vec<_>, Vec<_>) = matched.iter().partition(|r| r.2 >= BURNOUT_FROM);
    let score: Vec<f64> = matched.iter().map(|r| r.0).collect();
    let answer: Vec<f64> = matched.iter().map(|r| f64::from(r.2)).collect();
    Ok(Some(SurveyCheck {
        matched: matched.len(),
        burnout: group(&burnout),
        no_burnout: group(&no_burnout),
        spearman: spearman(&score, &answer),
        enough: matched.len() >= MIN_MATCHED,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_by_hand() {
        // Perfectly monotone, reversed, and a hand-computed case with a tie.
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        // x ranks 1,2,3,4; y = [1,1,2,3] ranks 1.5,1.5,3,4: cov 4.5, vx 5, vy 4.5 → 4.5 / √22.5.
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 2.0, 3.0]).unwrap();
        assert!((rho - 4.5 / 22.5f64.sqrt()).abs() < 1e-12, "{rho}");
        assert_eq!(spearman(&[1.0, 2.0], &[5.0, 5.0]), None);
    }
}
