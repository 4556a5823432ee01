//! A calendar date, just enough for snapshot dates and cluster operational dates. A date crate
//! would be a heavy dependency for parsing three formats and counting days.

use std::fmt;

/// A proleptic Gregorian calendar date. Field order makes the derived `Ord` chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A valid date, or `None` (month 13, 31 April, …).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    pub fn day(&self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD`, `YYYY.MM.DD` or `YYYYMMDD` — the three spellings the sources use.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        // ASCII only, so the byte slicing below cannot split a character.
        if !text.is_ascii() {
            return None;
        }
        let digits: String = match text.len() {
            8 => text.to_string(),
            10 => {
                let sep = text.as_bytes()[4];
                if (sep != b'-' && sep != b'.') || text.as_bytes()[7] != sep {
                    return None;
                }
                format!("{}{}{}", &text[0..4], &text[5..7], &text[8..10])
            }
            _ => return None,
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = digits[0..4].parse().ok()?;
        let month = digits[4..6].parse().ok()?;
        let day = digits[6..8].parse().ok()?;
        Date::new(year, month, day)
    }

    /// Parses a full date, or a bare `YYYY-MM` / `YYYY` as the first day (`end == false`) or
    /// the last day (`end == true`) of that period, so `--to 2025-03` includes all of March.
    pub fn parse_bound(text: &str, end: bool) -> Option<Date> {
        let text = text.trim();
        if let Some(date) = Date::parse(text) {
            return Some(date);
        }
        if !text.is_ascii() {
            return None;
        }
        let (year, month) = match text.len() {
            4 => (text.parse().ok()?, if end { 12 } else { 1 }),
            7 if matches!(text.as_bytes()[4], b'-' | b'.') => {
                (text[0..4].parse().ok()?, text[5..7].parse().ok()?)
            }
            _ => return None,
        };
        if !(1..=12).contains(&month) {
            return None;
        }
        let day = if end { days_in_month(year, month) } else { 1 };
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before), for distances between snapshots and chart axes.
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The UTC date of `seconds` since the Unix epoch (the caller reads the clock).
    pub fn from_unix_seconds(seconds: i64) -> Date {
        Date::from_days_since_epoch(seconds.div_euclid(86_400))
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `YYYY-MM`, the label of the month this date falls in.
    pub fn month_label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// The last day of this date's month.
    pub fn end_of_month(&self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month),
        }
    }

    /// The first day of the month after this date's month.
    pub fn next_month_start(&self) -> Date {
        if self.month == 12 {
            Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        } else {
            Date {
                year: self.year,
                month: self.month + 1,
                day: 1,
            }
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_spellings_and_rejects_nonsense() {
        let expected = Date::new(2024, 8, 13);
        assert_eq!(Date::parse("2024-08-13"), expected);
        assert_eq!(Date::parse("2024.08.13"), expected);
        assert_eq!(Date::parse("20240813"), expected);
        assert_eq!(Date::parse("2024-02-30"), None);
        assert_eq!(Date::parse("2024-08.13"), None);
        assert_eq!(Date::parse("date"), None);
        assert_eq!(Date::parse("2024-0é-1"), None);
        assert_eq!(Date::parse_bound("20é4-1", false), None);
    }

    #[test]
    fn bounds_cover_whole_periods() {
        assert_eq!(Date::parse_bound("2024-02", true), Date::new(2024, 2, 29));
        assert_eq!(Date::parse_bound("2025", false), Date::new(2025, 1, 1));
    }

    #[test]
    fn day_counts_round_trip() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "2025-03-01",
            "1969-12-31",
        ] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days_since_epoch(), 1);
        let a = Date::parse("2024-02-28").unwrap().days_since_epoch();
        let b = Date::parse("2024-03-01").unwrap().days_since_epoch();
        assert_eq!(b - a, 2);
    }
}
