//! Calendar dates as qingdan writes them (YYYY-MM-DD, UTC): checked, counted in days between,
//! and today's from the clock. Imports nothing: exceptions and baselines both use it.

/// Days since 1970-01-01 of a valid `YYYY-MM-DD`, else None.
pub fn days(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = date.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > month_len(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// True for a valid `YYYY-MM-DD`.
pub fn is_valid(date: &str) -> bool {
    days(date).is_some()
}

/// Whole days from `from` to `to` (negative when `to` is earlier); None when either is invalid.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some(days(to)? - days(from)?)
}

/// The UTC date of a moment given in seconds since 1970.
pub fn of_unix_seconds(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today's UTC date by the system clock.
pub fn today_by_clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    of_unix_seconds(secs)
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_count() {
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(of_unix_seconds(0), "1970-01-01");
        for d in ["2024-02-29", "2026-12-01", "2000-03-01", "1999-12-31"] {
            assert_eq!(of_unix_seconds(days(d).unwrap() * 86_400 + 3600), d);
        }
        assert_eq!(days_between("2026-11-30", "2026-12-31"), Some(31));
        assert_eq!(days_between("2026-12-31", "2026-12-01"), Some(-30));
    }

    #[test]
    fn bad_dates_are_refused() {
        for d in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "",
            "２０２６-01-01",
        ] {
            assert!(!is_valid(d), "{d}");
        }
    }
}
