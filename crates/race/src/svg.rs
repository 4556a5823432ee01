//! Hand-written SVG for the gap chart: a plotting dependency would cost more build time than
//! two panels of lines, bands and ticks are worth. (A shared charts crate can replace this.)

use crate::date::Date;
use crate::gap::GapReport;
use std::fmt::Write as _;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 656.0;
/// Snapshots further apart than this are not joined by a line: the history has holes (none
/// between 2025-08-04 and 2025-11-05) and a straight line would invent the months between.
const MAX_JOIN_DAYS: i64 = 45;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP_PANEL: (f64, f64) = (70.0, 390.0);
const GAP_PANEL: (f64, f64) = (430.0, 570.0);
const COLOR_A: &str = "#1f5fa8";
const COLOR_B: &str = "#c8312b";
const COLOR_GAP: &str = "#333333";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Evenly spaced "nice" tick values (steps of 1, 2 or 5 × 10^k) covering `low..=high`.
fn nice_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let mut ticks = Vec::new();
    let mut value = (low / step).ceil() * step;
    while value <= high + step * 1e-9 {
        ticks.push(if value.abs() < step * 1e-9 {
            0.0
        } else {
            value
        });
        value += step;
    }
    ticks
}

/// First-of-month dates between two days, thinned to at most about eight labels.
fn month_ticks(first: i64, last: i64) -> Vec<Date> {
    let start = Date::from_days_since_epoch(first);
    let mut months = Vec::new();
    let mut cursor = Date::new(start.year(), start.month(), 1).unwrap_or(start);
    if cursor.days_since_epoch() < first {
        cursor = cursor.next_month_start();
    }
    while cursor.days_since_epoch() <= last {
        months.push(cursor);
        cursor = cursor.next_month_start();
    }
    let stride = [1, 2, 3, 6, 12]
        .into_iter()
        .find(|s| months.len() / s <= 8)
        .unwrap_or(12);
    months
        .into_iter()
        .filter(|d| (usize::from(d.month()) - 1) % stride == 0)
        .collect()
}

struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (d1 - d0).abs() < 1e-12 {
            (r0 + r1) / 2.0
        } else {
            r0 + (value - d0) / (d1 - d0) * (r1 - r0)
        }
    }
}

fn polyline(points: &[(f64, f64)], color: &str, width: f64) -> String {
    let coords: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    format!(
        "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\" stroke-linejoin=\"round\" points=\"{}\"/>\n",
        coords.join(" ")
    )
}

/// Bands over runs of consecutive points that have both bounds; a gap in the intervals (a
/// source without them) breaks the band rather than inventing one.
fn bands(
    xs: &[f64],
    bounds: &[Option<(f64, f64)>],
    breaks: &[bool],
    y: &Scale,
    color: &str,
) -> String {
    let mut out = String::new();
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64, f64)>, out: &mut String| {
        if run.len() == 1 {
            let (x, low, high) = run[0];
            let _ = writeln!(
                out,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-opacity=\"0.35\" stroke-width=\"6\"/>",
                y.at(low),
                y.at(high)
            );
        } else if run.len() > 1 {
            let upper: Vec<String> = run
                .iter()
                .map(|(x, _, high)| format!("{x:.1},{:.1}", y.at(*high)))
                .collect();
            let lower: Vec<String> = run
                .iter()
                .rev()
                .map(|(x, low, _)| format!("{x:.1},{:.1}", y.at(*low)))
                .collect();
            let _ = writeln!(
                out,
                "<polygon fill=\"{color}\" fill-opacity=\"0.18\" stroke=\"none\" points=\"{} {}\"/>",
                upper.join(" "),
                lower.join(" ")
            );
        }
        run.clear();
    };
    for ((x, bound), &starts_segment) in xs.iter().zip(bounds).zip(breaks) {
        if starts_segment {
            flush(&mut run, &mut out);
        }
        match bound {
            Some((low, high)) => run.push((*x, *low, *high)),
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The gap chart: top panel, both leaders' ratings with their 95% intervals as bands; bottom
/// panel, the gap in points. Deterministic text, so it can be committed and diffed.
pub fn gap_chart(report: &GapReport) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(svg, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let title = format!(
        "Best {} vs best {} model on LMArena ({}{})",
        report.a,
        report.b,
        report.provenance.category,
        if report.provenance.style_control {
            ", style control"
        } else {
            ""
        }
    );
    let _ = writeln!(
        svg,
        "<text x=\"{LEFT}\" y=\"28\" font-size=\"18\" font-weight=\"bold\">{}</text>",
        escape(&title)
    );
    let subtitle = format!(
        "Leader ratings with 95% intervals (bands, where the source publishes them); below, the gap {} minus {} in points",
        report.a, report.b
    );
    let _ = writeln!(
        svg,
        "<text x=\"{LEFT}\" y=\"48\" fill=\"#555\">{}</text>",
        escape(&subtitle)
    );

    let points = &report.points;
    if points.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"200\">No snapshot in range has a rated model on both sides.</text>"
        );
        svg.push_str("</svg>\n");
        return svg;
    }
    let days: Vec<i64> = points
        .iter()
        .map(|p| p.snapshot.days_since_epoch())
        .collect();
    let (mut first, mut last) = (days[0], days[days.len() - 1]);
    if first == last {
        first -= 15;
        last += 15;
    }
    let x = Scale {
        domain: (first as f64, last as f64),
        range: (LEFT, WIDTH - RIGHT),
    };
    let xs: Vec<f64> = days.iter().map(|&d| x.at(d as f64)).collect();

    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for p in points {
        for leader in [&p.a, &p.b] {
            for v in [Some(leader.rating), leader.lower, leader.upper]
                .into_iter()
                .flatten()
            {
                low = low.min(v);
                high = high.max(v);
            }
        }
    }
    let pad = ((high - low) * 0.06).max(5.0);
    let y = Scale {
        domain: (low - pad, high + pad),
        range: (TOP_PANEL.1, TOP_PANEL.0),
    };
    let gap_low = points.iter().map(|p| p.gap).fold(0.0f64, f64::min);
    let gap_high = points.iter().map(|p| p.gap).fold(0.0f64, f64::max);
    let gap_pad = ((gap_high - gap_low) * 0.1).max(5.0);
    let gy = Scale {
        domain: (gap_low - gap_pad, gap_high + gap_pad),
        range: (GAP_PANEL.1, GAP_PANEL.0),
    };

    // Grid and axes.
    for (scale, ticks, panel, label) in [
        (
            &y,
            nice_ticks(y.domain.0, y.domain.1, 6),
            TOP_PANEL,
            "rating (Elo scale)",
        ),
        (
            &gy,
            nice_ticks(gy.domain.0, gy.domain.1, 4),
            GAP_PANEL,
            "gap (points)",
        ),
    ] {
        for tick in ticks {
            let ty = scale.at(tick);
            let _ = writeln!(
                svg,
                "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"#e4e4e4\"/>",
                WIDTH - RIGHT
            );
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\">{tick}</text>",
                LEFT - 6.0,
                ty + 4.0
            );
        }
        let _ = writeln!(
            svg,
            "<rect x=\"{LEFT}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
            panel.0,
            WIDTH - RIGHT - LEFT,
            panel.1 - panel.0
        );
        let mid = (panel.0 + panel.1) / 2.0;
        let _ = writeln!(
            svg,
            "<text transform=\"translate(16,{mid:.1}) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">{label}</text>"
        );
    }
    let zero = gy.at(0.0);
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>",
        WIDTH - RIGHT
    );
    for month in month_ticks(first, last) {
        let tx = x.at(month.days_since_epoch() as f64);
        let _ = writeln!(
            svg,
            "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
            GAP_PANEL.1,
            GAP_PANEL.1 + 5.0
        );
        let _ = writeln!(
            svg,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
            GAP_PANEL.1 + 18.0,
            month.month_label()
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">snapshot date</text>",
        (LEFT + WIDTH - RIGHT) / 2.0,
        GAP_PANEL.1 + 36.0
    );

    // Bands, then lines and markers on top.
    let a_bounds: Vec<Option<(f64, f64)>> =
        points.iter().map(|p| p.a.lower.zip(p.a.upper)).collect();
    let b_bounds: Vec<Option<(f64, f64)>> =
        points.iter().map(|p| p.b.lower.zip(p.b.upper)).collect();
    // Holes in the data: shaded, and lines are not drawn across them.
    let breaks: Vec<bool> = (0..days.len())
        .map(|i| i > 0 && days[i] - days[i - 1] > MAX_JOIN_DAYS)
        .collect();
    for i in (1..days.len()).filter(|&i| breaks[i]) {
        let (x0, x1) = (xs[i - 1] + 4.0, xs[i] - 4.0);
        for panel in [TOP_PANEL, GAP_PANEL] {
            let _ = writeln!(
                svg,
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#f2f2f2\"/>",
                panel.0 + 1.0,
                (x1 - x0).max(0.0),
                panel.1 - panel.0 - 2.0
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#888\" font-size=\"11\">no snapshots</text>",
            (x0 + x1) / 2.0,
            TOP_PANEL.1 - 8.0
        );
    }
    svg.push_str(&bands(&xs, &a_bounds, &breaks, &y, COLOR_A));
    svg.push_str(&bands(&xs, &b_bounds, &breaks, &y, COLOR_B));
    let segments = |values: &[f64], scale: &Scale, color: &str| -> String {
        let mut out = String::new();
        let mut edges: Vec<usize> = (0..values.len()).filter(|&i| i == 0 || breaks[i]).collect();
        edges.push(values.len());
        for segment in edges.windows(2) {
            let line: Vec<(f64, f64)> = (segment[0]..segment[1])
                .map(|i| (xs[i], scale.at(values[i])))
                .collect();
            out.push_str(&polyline(&line, color, 2.0));
        }
        for (px, value) in xs.iter().zip(values) {
            let _ = writeln!(
                out,
                "<circle cx=\"{px:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{color}\"/>",
                scale.at(*value)
            );
        }
        out
    };
    let a_ratings: Vec<f64> = points.iter().map(|p| p.a.rating).collect();
    let b_ratings: Vec<f64> = points.iter().map(|p| p.b.rating).collect();
    let gaps: Vec<f64> = points.iter().map(|p| p.gap).collect();
    svg.push_str(&segments(&a_ratings, &y, COLOR_A));
    svg.push_str(&segments(&b_ratings, &y, COLOR_B));
    svg.push_str(&segments(&gaps, &gy, COLOR_GAP));

    // The latest leaders, named at the right end.
    if let (Some(p), Some(&px)) = (points.last(), xs.last()) {
        // A's name above its band, B's below its band, so neither sits on a line.
        let a_top = p.a.upper.unwrap_or(p.a.rating).max(p.a.rating);
        let b_bottom = p.b.lower.unwrap_or(p.b.rating).min(p.b.rating);
        for (leader, color, label_y) in [
            (&p.a, COLOR_A, y.at(a_top) - 6.0),
            (&p.b, COLOR_B, y.at(b_bottom) + 14.0),
        ] {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{label_y:.1}\" text-anchor=\"end\" fill=\"{color}\" font-size=\"11\">{} {:.0}</text>",
                px - 4.0,
                escape(&leader.name),
                leader.rating
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{COLOR_GAP}\" font-size=\"11\">{:+.0}</text>",
            px - 4.0,
            gy.at(p.gap) - 6.0,
            p.gap
        );
    }

    // Legend.
    let (lx, ly) = (LEFT + 12.0, TOP_PANEL.0 + 16.0);
    let entries = [
        (
            COLOR_A,
            format!("best {} model (band: 95% interval)", report.a),
        ),
        (
            COLOR_B,
            format!("best {} model (band: 95% interval)", report.b),
        ),
        (
            COLOR_GAP,
            format!("gap {} - {} (lower panel)", report.a, report.b),
        ),
    ];
    let _ = writeln!(
        svg,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"330\" height=\"62\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>",
        lx - 6.0,
        ly - 13.0
    );
    for (i, (color, text)) in entries.iter().enumerate() {
        let ey = ly + i as f64 * 18.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{lx:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"3\"/>",
            lx + 22.0,
            ey - 4.0,
            ey - 4.0
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{ey:.1}\">{}</text>",
            lx + 30.0,
            escape(text)
        );
    }

    // Source lines.
    let sources: Vec<&str> = report
        .provenance
        .sources
        .iter()
        .map(|s| s.source.name())
        .collect();
    let source_lines = [
        format!(
            "Source: LMArena leaderboards ({}), as shipped in {}; ratings compare within a snapshot only.",
            sources.join(", "),
            report.provenance.history
        ),
        format!(
            "Countries and organisations: {} (Epoch AI organisations + hand-kept overrides). Made with versus.",
            report.provenance.registry
        ),
    ];
    for (i, line) in source_lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"{:.1}\" fill=\"#666\" font-size=\"10.5\">{}</text>",
            HEIGHT - 26.0 + i as f64 * 14.0,
            escape(line)
        );
    }
    svg.push_str("</svg>\n");
    svg
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
    }

    #[test]
    fn month_ticks_are_thinned() {
        let from = Date::parse("2023-05-08").unwrap().days_since_epoch();
        let to = Date::parse("2025-12-11").unwrap().days_since_epoch();
        let ticks = month_ticks(from, to);
        assert!(ticks.len() <= 9, "{ticks:?}");
        assert!(ticks.iter().all(|d| d.day() == 1));
    }
}
