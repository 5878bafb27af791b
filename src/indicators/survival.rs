//! Kaplan–Meier estimate of the wait to a first appointment, as one sorted scan.

/// The survival curve S(t) of `(time, event)` pairs: one step `(t, S(t))` per time with at least
/// one event, S just after the step. Sorts its input.
///
/// At one time, events are counted before censorings (SPEC appendix): someone censored on the day
/// others were seen was still at risk on that day.
pub fn kaplan_meier(times_events: &mut [(i32, bool)]) -> Vec<(i32, f64)> {
    // `!event` sorts events (false) first among equal times.
    times_events.sort_unstable_by_key(|&(time, event)| (time, !event));
    let mut steps = Vec::new();
    let mut at_risk = times_events.len();
    let mut survival = 1.0;
    let mut i = 0;
    while i < times_events.len() {
        let time = times_events[i].0;
        let mut events = 0;
        let mut leaving = 0;
        while i < times_events.len() && times_events[i].0 == time {
            events += usize::from(times_events[i].1);
            leaving += 1;
            i += 1;
        }
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            steps.push((time, survival));
        }
        at_risk -= leaving;
    }
    steps
}

/// Smallest t with S(t) ≤ 1 − `share` (share 0.5 = median, 0.9 = 90th percentile); `None` when
/// the curve never gets that low.
pub fn quantile(steps: &[(i32, f64)], share: f64) -> Option<i32> {
    // A small tolerance so that S = 0.5 reached through rounding (e.g. 7/14) still counts as 0.5.
    let level = 1.0 - share + 1e-12;
    steps.iter().find(|&&(_, s)| s <= level).map(|&(t, _)| t)
}

/// Median of a slice of days (mean of the middle two for an even count); `None` when empty.
pub fn median(values: &mut [i32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        f64::from(values[n / 2])
    } else {
        (f64::from(values[n / 2 - 1]) + f64::from(values[n / 2])) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Freireich et al. (1963), 6-MP group, remission in weeks; `false` = censored (+).
    fn six_mp() -> Vec<(i32, bool)> {
        let weeks = [
            (6, true),
            (6, true),
            (6, true),
            (6, false),
            (7, true),
            (9, false),
            (10, true),
            (10, false),
            (11, false),
            (13, true),
            (16, true),
            (17, false),
            (19, false),
            (20, false),
            (22, true),
            (23, true),
            (25, false),
            (32, false),
            (32, false),
            (34, false),
            (35, false),
        ];
        weeks.to_vec()
    }

    #[test]
    fn freireich_six_mp_median_is_23_weeks() {
        let mut data = six_mp();
        let curve = kaplan_meier(&mut data);
        // Textbook steps: S(6) = 18/21 = 0.857, S(7) = 0.857 × 16/17 = 0.807, S(10) = 0.807 × 14/15
        // = 0.753, S(13) = 0.753 × 11/12 = 0.690, S(16) = 0.690 × 10/11 = 0.627,
        // S(22) = 0.627 × 6/7 = 0.538, S(23) = 0.538 × 5/6 = 0.448.
        let expected = [(6, 0.857), (7, 0.807), (10, 0.753), (13, 0.690), (16, 0.627), (22, 0.538), (23, 0.448)];
        assert_eq!(curve.len(), expected.len());
        for ((t, s), (et, es)) in curve.iter().zip(expected) {
            assert_eq!(*t, et);
            assert!((s - es).abs() < 0.001, "S({t}) = {s}, expected {es}");
        }
        assert_eq!(quantile(&curve, 0.5), Some(23));
        // The curve never falls to 0.1: the 90th percentile is not reached.
        assert_eq!(quantile(&curve, 0.9), None);
    }

    #[test]
    fn events_come_before_censorings_at_the_same_time() {
        // At t = 5 one event and one censoring among 2 at risk: S(5) = 1 − 1/2. Were the censoring
        // counted first, only 1 would be at risk and S(5) would be 0.
        let mut data = vec![(5, false), (5, true)];
        assert_eq!(kaplan_meier(&mut data), vec![(5, 0.5)]);
    }

    #[test]
    fn exact_half_counts_as_median() {
        // 2 of 4 seen at day 3: S(3) = 0.5 exactly, so the median is 3.
        let mut data = vec![(3, true), (3, true), (8, false), (9, false)];
        let curve = kaplan_meier(&mut data);
        assert_eq!(quantile(&curve, 0.5), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
