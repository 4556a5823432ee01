//! Timestamps: epoch seconds or ISO-8601 text (the 2025 LMArena datasets write
//! `2025-05-29T14:48:41.602925`). A few lines of calendar arithmetic instead of a date crate.

/// Parse an ISO-8601 date or date-time into seconds since the Unix epoch.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fraction]]`, and an
/// optional `Z` or `±HH[:MM]` offset. Without an offset the time is taken as UTC (LMArena's
/// timestamps carry none). Returns `None` for anything else, including impossible dates.
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4)? as i64;
    p.expect(b'-')?;
    let month = p.digits(2)?;
    p.expect(b'-')?;
    let day = p.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) as f64 * 86_400.0;
    if p.done() {
        return Some(secs);
    }
    match p.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = p.digits(2)?;
    p.expect(b':')?;
    let minute = p.digits(2)?;
    let mut second = 0u32;
    let mut frac = 0.0;
    if p.peek() == Some(b':') {
        p.i += 1;
        second = p.digits(2)?;
        if p.peek() == Some(b'.') || p.peek() == Some(b',') {
            p.i += 1;
            let start = p.i;
            let mut scale = 0.1;
            while let Some(d) = p.peek().filter(u8::is_ascii_digit) {
                frac += f64::from(d - b'0') * scale;
                scale *= 0.1;
                p.i += 1;
            }
            if p.i == start {
                return None;
            }
        }
    }
    // 60 allows a leap second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    secs += f64::from(hour * 3600 + minute * 60 + second) + frac;
    match p.peek() {
        None => {}
        Some(b'Z') | Some(b'z') => {
            p.i += 1;
        }
        Some(sign @ (b'+' | b'-')) => {
            p.i += 1;
            let oh = p.digits(2)?;
            if p.peek() == Some(b':') {
                p.i += 1;
            }
            let om = if p.done() { 0 } else { p.digits(2)? };
            if oh > 23 || om > 59 {
                return None;
            }
            let off = f64::from(oh * 3600 + om * 60);
            // Local time = UTC + offset, so UTC = local − offset.
            if sign == b'+' {
                secs -= off;
            } else {
                secs += off;
            }
        }
        Some(_) => return None,
    }
    if p.done() { Some(secs) } else { None }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let c = self.next()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A timestamp cell: a number of epoch seconds or ISO-8601 text.
pub(crate) fn parse_tstamp(s: &str) -> Option<f64> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => None,
        Err(_) => parse_iso8601(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(parse_iso8601("1970-01-01"), Some(0.0));
        assert_eq!(parse_iso8601("1970-01-02T00:00:00Z"), Some(86_400.0));
        // 2000-03-01 = 11017 days after the epoch (crosses the 2000 leap day).
        assert_eq!(parse_iso8601("2000-03-01 00:00"), Some(11_017.0 * 86_400.0));
        // date -u -d 2025-05-29T14:48:41 +%s → 1748530121
        let t = parse_iso8601("2025-05-29T14:48:41.602925").unwrap_or(f64::NAN);
        assert!((t - 1_748_530_121.602_925).abs() < 1e-5, "{t}");
        assert_eq!(
            parse_iso8601("2025-05-29T16:48:41+02:00"),
            Some(1_748_530_121.0)
        );
        assert_eq!(
            parse_iso8601("2025-05-29T12:48:41-0200"),
            Some(1_748_530_121.0)
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2025",
            "2025-13-01",
            "2025-02-29",
            "2025-05-29T25:00",
            "2025-05-29x",
            "yesterday",
        ] {
            assert_eq!(parse_iso8601(s), None, "{s}");
        }
        assert!(parse_iso8601("2024-02-29").is_some());
        assert_eq!(parse_tstamp(" 1700000000.5 "), Some(1_700_000_000.5));
        assert_eq!(parse_tstamp("nan"), None);
    }
}
