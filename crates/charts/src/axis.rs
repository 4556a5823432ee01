//! Scales and ticks: value → pixel mappings, "nice" linear ticks, 1-2-5 logarithmic ticks.

/// A linear map from a value domain to a pixel range (either may be reversed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Linear {
        Linear { domain, range }
    }

    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (d1 - d0).abs() < 1e-12 {
            (r0 + r1) / 2.0
        } else {
            r0 + (value - d0) / (d1 - d0) * (r1 - r0)
        }
    }
}

/// A base-10 logarithmic map; the domain must be positive (values ≤ 0 map to the low end).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Log10 {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Log10 {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Log10 {
        Log10 { domain, range }
    }

    pub fn at(&self, value: f64) -> f64 {
        let floor = self.domain.0.min(self.domain.1);
        let log = |v: f64| v.max(floor).log10();
        Linear::new((log(self.domain.0), log(self.domain.1)), self.range).at(log(value))
    }
}

/// Evenly spaced "nice" tick values (steps of 1, 2 or 5 × 10^k) covering `low..=high`.
pub fn nice_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    // Round away binary noise (0.6000000000000001) at one digit below the step's.
    let digits = (1 - magnitude.log10().floor() as i32).max(0);
    let unit = 10f64.powi(digits);
    let mut ticks = Vec::new();
    let mut index = (low / step).ceil();
    while index * step <= high + step * 1e-9 {
        let value = (index * step * unit).round() / unit;
        ticks.push(if value.abs() < step * 1e-9 {
            0.0
        } else {
            value
        });
        index += 1.0;
    }
    ticks
}

/// Ticks of a log axis over a positive range: every 1, 2 and 5 × 10^k inside it, flagged
/// `true` for the powers of ten (labelled and gridded more strongly).
pub fn log_ticks(low: f64, high: f64) -> Vec<(f64, bool)> {
    if !(low > 0.0 && high > low) {
        return Vec::new();
    }
    let mut ticks = Vec::new();
    let first = low.log10().floor() as i32;
    let last = high.log10().ceil() as i32;
    for exponent in first..=last {
        let decade = 10f64.powi(exponent);
        for (mantissa, major) in [(1.0, true), (2.0, false), (5.0, false)] {
            let value = mantissa * decade;
            if value >= low * (1.0 - 1e-9) && value <= high * (1.0 + 1e-9) {
                ticks.push((value, major));
            }
        }
    }
    ticks
}

/// A tick label without trailing zeros: 0.01, 0.5, 2, 1500, 1e-5 for tiny values.
pub fn format_number(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    if value.abs() < 1e-4 || value.abs() >= 1e9 {
        return format!("{value:e}");
    }
    let text = format!("{value:.6}");
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_the_range() {
        assert_eq!(
            nice_ticks(1003.0, 1098.0, 5),
            vec![1020.0, 1040.0, 1060.0, 1080.0]
        );
        assert_eq!(nice_ticks(-12.0, 40.0, 4), vec![0.0, 20.0, 40.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn log_ticks_are_one_two_five() {
        let ticks: Vec<f64> = log_ticks(0.05, 30.0).iter().map(|t| t.0).collect();
        assert_eq!(ticks, vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
        assert!(log_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn scales_map_ends_to_ends() {
        let x = Log10::new((0.01, 100.0), (0.0, 400.0));
        assert!((x.at(1.0) - 200.0).abs() < 1e-9);
        let y = Linear::new((0.0, 10.0), (100.0, 0.0));
        assert_eq!(y.at(10.0), 0.0);
        assert_eq!(format_number(0.010000000001), "0.01");
        assert_eq!(format_number(1500.0), "1500");
    }
}
