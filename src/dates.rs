//! Calendar arithmetic on plain integers: a date is days since 1970-01-01, a moment is seconds since
//! 1970-01-01 00:00 in clinic-local time. Parsing and week keys are hot paths of ingest, so they avoid
//! allocation and general-purpose format parsers.

/// Days since 1970-01-01 (proleptic Gregorian).
pub type Day = i32;
/// Seconds since 1970-01-01 00:00, clinic-local wall-clock time.
pub type Moment = i64;

pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days from civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Day {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date from days since 1970-01-01.
pub fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: Day) -> i32 {
    (day + 3).rem_euclid(7)
}

/// Monday of the ISO week holding `day`.
pub fn week_start(day: Day) -> Day {
    day - weekday(day)
}

/// Monday of the last ISO week whose Sunday is on or before `as_of`.
pub fn last_complete_week(as_of: Day) -> Day {
    week_start(as_of + 1) - 7
}

pub fn day_of(moment: Moment) -> Day {
    moment.div_euclid(SECONDS_PER_DAY) as Day
}

pub fn format_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn format_moment(moment: Moment) -> String {
    let day = day_of(moment);
    let secs = moment - day as i64 * SECONDS_PER_DAY;
    format!("{} {:02}:{:02}", format_day(day), secs / 3600, (secs % 3600) / 60)
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() {
        return None;
    }
    bytes.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Day> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])? as i32;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Why a timestamp was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentError {
    Malformed,
    /// An offset or `Z` needs a configured time zone to become clinic-local time.
    HasOffset,
}

/// `YYYY-MM-DD HH:MM[:SS]`, with a space or `T` between date and time.
pub fn parse_moment(text: &str) -> Result<Moment, MomentError> {
    let b = text.as_bytes();
    if b.len() < 16 || (b[10] != b' ' && b[10] != b'T') || b[13] != b':' {
        return Err(MomentError::Malformed);
    }
    let day = parse_day(&text[..10]).ok_or(MomentError::Malformed)?;
    let hour = digits(&b[11..13]).ok_or(MomentError::Malformed)?;
    let minute = digits(&b[14..16]).ok_or(MomentError::Malformed)?;
    let mut rest = &b[16..];
    let mut second = 0;
    if rest.len() >= 3 && rest[0] == b':' {
        second = digits(&rest[1..3]).ok_or(MomentError::Malformed)?;
        rest = &rest[3..];
        // Fractional seconds are accepted and dropped.
        if rest.first() == Some(&b'.') {
            let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 {
                return Err(MomentError::Malformed);
            }
            rest = &rest[1 + frac..];
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(MomentError::Malformed);
    }
    if !rest.is_empty() {
        let offset_like = matches!(rest[0], b'Z' | b'z' | b'+' | b'-');
        return Err(if offset_like { MomentError::HasOffset } else { MomentError::Malformed });
    }
    Ok(day as i64 * SECONDS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for day in -800_000..800_000 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }

    #[test]
    fn iso_weeks_start_on_monday() {
        // 2026-11-23 is a Monday, 2026-11-29 a Sunday.
        let monday = parse_day("2026-11-23").unwrap();
        assert_eq!(weekday(monday), 0);
        assert_eq!(week_start(monday + 6), monday);
        assert_eq!(week_start(monday + 7), monday + 7);
        // A week is complete once its Sunday is on or before as_of.
        assert_eq!(last_complete_week(monday + 6), monday);
        assert_eq!(last_complete_week(monday + 5), monday - 7);
    }

    #[test]
    fn moments_parse_strictly() {
        let t = parse_moment("2026-11-23 09:30").unwrap();
        assert_eq!(format_moment(t), "2026-11-23 09:30");
        assert_eq!(parse_moment("2026-11-23T09:30:15").unwrap(), t + 15);
        assert_eq!(parse_moment("2026-11-23 09:30:15.250").unwrap(), t + 15);
        assert_eq!(parse_moment("2026-11-23 09:30Z"), Err(MomentError::HasOffset));
        assert_eq!(parse_moment("2026-11-23 24:00"), Err(MomentError::Malformed));
        assert_eq!(parse_moment("2026-02-29 10:00"), Err(MomentError::Malformed));
        assert_eq!(parse_moment("23/11/2026 10:00"), Err(MomentError::Malformed));
        assert!(parse_day("2024-02-29").is_some());
        assert!(parse_day("2026-13-01").is_none());
    }
}
