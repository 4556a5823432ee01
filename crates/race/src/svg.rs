//! The race charts — gap over time, rating vs price, compute share — each drawn once as a
//! [`Scene`] (crate `versus-charts`) and written as SVG ([`Scene::to_svg`]) or PNG ([`png`]),
//! so the two formats show the same picture. Every chart has a title, axis labels, a legend
//! and a source line; all text that comes from data is escaped by the SVG writer.

use crate::compute::{self, ComputeSeries};
use crate::date::Date;
use crate::error::Result;
use crate::gap::{GapPoint, GapReport};
use crate::value::{Comparison, PriceBound, ValueModel, ValueReport};
use std::collections::BTreeMap;
use versus_charts::{
    Anchor, Color, Fill, Linear, Log10, Stroke, TextStyle, format_number, log_ticks, nice_ticks,
    text_width, wrap,
};

pub use versus_charts::Scene;

/// Device pixels per chart pixel in PNG output: sharp text in documents and on dense screens.
pub const PNG_SCALE: f64 = 2.0;

const WIDTH: f64 = 960.0;
/// Snapshots further apart than this are not joined by a line: the history has holes (none
/// between 2025-08-04 and 2025-11-05) and a straight line would invent the months between.
const MAX_JOIN_DAYS: i64 = 45;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const COLOR_A: Color = Color::hex(0x1f5fa8);
const COLOR_B: Color = Color::hex(0xc8312b);
const COLOR_GAP: Color = Color::hex(0x333333);
const INK: Color = Color::hex(0x222222);
const MUTED: Color = Color::hex(0x555555);
const AXIS_TEXT: Color = Color::hex(0x444444);
const SOURCE_TEXT: Color = Color::hex(0x666666);
const GRID: Color = Color::hex(0xe4e4e4);
const FRAME: Color = Color::hex(0x999999);
/// Colours for groups other than the two compared sides, then grey for the rest.
const PALETTE: [Color; 6] = [
    Color::hex(0x2a9d8f),
    Color::hex(0xe09f3e),
    Color::hex(0x7b4fa0),
    Color::hex(0x6a994e),
    Color::hex(0xd17ab0),
    Color::hex(0x4f8fbf),
];
const OTHER_COLOR: Color = Color::hex(0xa8a8a8);
const SOURCE_SIZE: f64 = 10.5;
const SOURCE_LINE: f64 = 14.0;

/// The chart as PNG bytes at [`PNG_SCALE`].
pub fn png(scene: &Scene) -> Result<Vec<u8>> {
    Ok(scene.to_png(PNG_SCALE)?)
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

/// Title in bold and wrapped subtitle lines; returns the y below them.
fn header(scene: &mut Scene, title: &str, subtitles: &[String]) -> f64 {
    scene.text((LEFT, 30.0), title, TextStyle::new(18.0).bold().color(INK));
    let mut y = 50.0;
    for subtitle in subtitles {
        for line in wrap(subtitle, WIDTH - LEFT - RIGHT, 12.0) {
            scene.text((LEFT, y), line, TextStyle::new(12.0).color(MUTED));
            y += 16.0;
        }
    }
    y
}

/// Source lines wrapped to the chart width.
fn source_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| wrap(l, WIDTH - LEFT - RIGHT, SOURCE_SIZE))
        .collect()
}

fn draw_source(scene: &mut Scene, lines: &[String], top: f64) {
    for (i, line) in lines.iter().enumerate() {
        scene.text(
            (LEFT, top + i as f64 * SOURCE_LINE),
            line.clone(),
            TextStyle::new(SOURCE_SIZE).color(SOURCE_TEXT),
        );
    }
}

/// What a legend row shows before its text.
#[derive(Clone, Copy)]
enum Swatch {
    Line(Color),
    Band(Color),
    Dot(Color),
    Ring(Color),
    Block(Color),
}

const LEGEND_ROW: f64 = 18.0;
const LEGEND_PAD: f64 = 8.0;

fn legend_size(entries: &[(Swatch, String)]) -> (f64, f64) {
    let text = entries
        .iter()
        .map(|(_, t)| text_width(t, 12.0, false))
        .fold(0.0, f64::max);
    (
        LEGEND_PAD * 2.0 + 30.0 + text,
        LEGEND_PAD * 2.0 + entries.len() as f64 * LEGEND_ROW - 4.0,
    )
}

fn draw_legend(scene: &mut Scene, x: f64, y: f64, entries: &[(Swatch, String)]) {
    let (w, h) = legend_size(entries);
    scene.rect(
        x,
        y,
        w,
        h,
        Some(Fill::new(Color::WHITE).opacity(0.9)),
        Some(Stroke::new(Color::hex(0xcccccc), 1.0)),
    );
    for (i, (swatch, text)) in entries.iter().enumerate() {
        let mid = y + LEGEND_PAD + i as f64 * LEGEND_ROW + 7.0;
        let (sx, ex) = (x + LEGEND_PAD, x + LEGEND_PAD + 22.0);
        match *swatch {
            Swatch::Line(c) => scene.line((sx, mid), (ex, mid), Stroke::new(c, 3.0)),
            Swatch::Band(c) => {
                scene.rect(
                    sx,
                    mid - 6.0,
                    22.0,
                    12.0,
                    Some(Fill::new(c).opacity(0.18)),
                    None,
                );
                scene.line((sx, mid), (ex, mid), Stroke::new(c, 2.0));
            }
            Swatch::Dot(c) => scene.circle(
                ((sx + ex) / 2.0, mid),
                4.5,
                Some(Fill::new(c).opacity(0.85)),
                None,
            ),
            Swatch::Ring(c) => {
                scene.circle(((sx + ex) / 2.0, mid), 6.0, None, Some(Stroke::new(c, 2.0)))
            }
            Swatch::Block(c) => {
                scene.rect(sx + 3.0, mid - 6.0, 16.0, 12.0, Some(Fill::new(c)), None)
            }
        }
        scene.text(
            (x + LEGEND_PAD + 30.0, mid + 4.5),
            text.clone(),
            TextStyle::new(12.0).color(INK),
        );
    }
}

/// Horizontal grid lines with labels at the left edge of a plot.
fn y_grid(scene: &mut Scene, y: &Linear, ticks: &[f64], plot: (f64, f64), suffix: &str) {
    for &tick in ticks {
        let ty = y.at(tick);
        scene.line((plot.0, ty), (plot.1, ty), Stroke::new(GRID, 1.0));
        scene.text(
            (plot.0 - 6.0, ty + 4.0),
            format!("{}{suffix}", format_number(tick)),
            TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::End),
        );
    }
}

fn y_axis_label(scene: &mut Scene, text: &str, top: f64, bottom: f64) {
    scene.text(
        (18.0, (top + bottom) / 2.0),
        text,
        TextStyle::new(12.0)
            .color(AXIS_TEXT)
            .anchor(Anchor::Middle)
            .rotate(-90.0),
    );
}

fn frame(scene: &mut Scene, left: f64, top: f64, right: f64, bottom: f64) {
    scene.rect(
        left,
        top,
        right - left,
        bottom - top,
        None,
        Some(Stroke::new(FRAME, 1.0)),
    );
}

/// Bands over runs of consecutive points that have both bounds; a gap in the intervals (a
/// source without them) breaks the band rather than inventing one.
fn bands(
    scene: &mut Scene,
    xs: &[f64],
    bounds: &[Option<(f64, f64)>],
    breaks: &[bool],
    y: &Linear,
    color: Color,
) {
    let flush = |run: &mut Vec<(f64, f64, f64)>, scene: &mut Scene| {
        if run.len() == 1 {
            let (x, low, high) = run[0];
            scene.line(
                (x, y.at(low)),
                (x, y.at(high)),
                Stroke::new(color, 6.0).opacity(0.35),
            );
        } else if run.len() > 1 {
            let mut outline: Vec<(f64, f64)> =
                run.iter().map(|(x, _, high)| (*x, y.at(*high))).collect();
            outline.extend(run.iter().rev().map(|(x, low, _)| (*x, y.at(*low))));
            scene.polygon(outline, Fill::new(color).opacity(0.18), None);
        }
        run.clear();
    };
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    for ((x, bound), &starts_segment) in xs.iter().zip(bounds).zip(breaks) {
        if starts_segment {
            flush(&mut run, scene);
        }
        match bound {
            Some((low, high)) => run.push((*x, *low, *high)),
            None => flush(&mut run, scene),
        }
    }
    flush(&mut run, scene);
}

/// The gap chart as SVG text (see [`gap_scene`]).
pub fn gap_chart(report: &GapReport) -> String {
    gap_scene(report).to_svg()
}

/// The gap chart: top panel, both leaders' ratings with their 95% intervals as bands; bottom
/// panel, the gap in points. Deterministic, so it can be committed and diffed.
pub fn gap_scene(report: &GapReport) -> Scene {
    let title = gap_title(report);
    let footer = gap_footer(report);
    let mut scene = Scene::new(WIDTH, 0.0, title.clone());
    let top = header(
        &mut scene,
        &title,
        &[format!(
            "Leader ratings with 95% intervals (bands, where the source publishes them); below, the gap {} minus {} in points",
            report.a, report.b
        )],
    ) + 8.0;
    let ratings_panel = (top, top + 320.0);
    let panels = GapPanels {
        left: LEFT,
        right: WIDTH - RIGHT,
        ratings: ratings_panel,
        gap: (ratings_panel.1 + 40.0, ratings_panel.1 + 180.0),
    };
    scene.height = panels.gap.1 + 48.0 + footer.len() as f64 * SOURCE_LINE + 6.0;
    draw_source(&mut scene, &footer, panels.gap.1 + 56.0);

    let points = &report.points;
    if points.is_empty() {
        scene.text(
            (LEFT, top + 120.0),
            "No snapshot in range has a rated model on both sides.",
            TextStyle::new(14.0).color(INK),
        );
        return scene;
    }
    let scales = GapScales::new(points, &panels);
    draw_gap_axes(&mut scene, &scales, &panels);
    draw_holes(&mut scene, &scales, &panels);

    // Bands, then lines and markers on top.
    let a_bounds: Vec<Option<(f64, f64)>> =
        points.iter().map(|p| p.a.lower.zip(p.a.upper)).collect();
    let b_bounds: Vec<Option<(f64, f64)>> =
        points.iter().map(|p| p.b.lower.zip(p.b.upper)).collect();
    bands(
        &mut scene,
        &scales.xs,
        &a_bounds,
        &scales.breaks,
        &scales.y,
        COLOR_A,
    );
    bands(
        &mut scene,
        &scales.xs,
        &b_bounds,
        &scales.breaks,
        &scales.y,
        COLOR_B,
    );
    let a_ratings: Vec<f64> = points.iter().map(|p| p.a.rating).collect();
    let b_ratings: Vec<f64> = points.iter().map(|p| p.b.rating).collect();
    let gaps: Vec<f64> = points.iter().map(|p| p.gap).collect();
    // Each marker's tooltip (SVG <title>): the snapshot, the model and its number.
    let tips = |f: &dyn Fn(&GapPoint) -> String| -> Vec<String> { points.iter().map(f).collect() };
    let a_tips = tips(&|p| {
        format!(
            "{}: {} ({}), rating {:.1}",
            p.date, p.a.name, report.a, p.a.rating
        )
    });
    let b_tips = tips(&|p| {
        format!(
            "{}: {} ({}), rating {:.1}",
            p.date, p.b.name, report.b, p.b.rating
        )
    });
    let gap_tips = tips(&|p| {
        format!(
            "{}: gap {:.1} rating points ({} leader wins a vote with probability {:.0}%)",
            p.date,
            p.gap,
            report.a,
            p.win_probability * 100.0
        )
    });
    scales.segments(&mut scene, &a_ratings, &a_tips, &scales.y, COLOR_A);
    scales.segments(&mut scene, &b_ratings, &b_tips, &scales.y, COLOR_B);
    scales.segments(&mut scene, &gaps, &gap_tips, &scales.gap, COLOR_GAP);

    if let (Some(p), Some(&px)) = (points.last(), scales.xs.last()) {
        label_latest_leaders(&mut scene, p, px, &scales, &panels);
    }

    let entries = [
        (
            Swatch::Band(COLOR_A),
            format!("best {} model (band: 95% interval)", report.a),
        ),
        (
            Swatch::Band(COLOR_B),
            format!("best {} model (band: 95% interval)", report.b),
        ),
        (
            Swatch::Line(COLOR_GAP),
            format!("gap {} - {} (lower panel)", report.a, report.b),
        ),
    ];
    draw_legend(
        &mut scene,
        panels.left + 8.0,
        panels.ratings.0 + 8.0,
        &entries,
    );
    scene
}

fn gap_title(report: &GapReport) -> String {
    format!(
        "Best {} vs best {} model on LMArena ({}{})",
        report.a,
        report.b,
        report.provenance.category,
        if report.provenance.style_control {
            ", style control"
        } else {
            ""
        }
    )
}

fn gap_footer(report: &GapReport) -> Vec<String> {
    let sources: Vec<&str> = report
        .provenance
        .sources
        .iter()
        .map(|s| s.source.name())
        .collect();
    source_lines(&[
        format!(
            "Source: LMArena leaderboards ({}), as shipped in {}; ratings compare within a snapshot only.",
            sources.join(", "),
            report.provenance.history
        ),
        format!(
            "Countries and organisations: {} (Epoch AI organisations + hand-kept overrides). Made with versus.",
            report.provenance.registry
        ),
    ])
}

/// The two panels of the gap chart: shared left and right edges, (top, bottom) of each.
struct GapPanels {
    left: f64,
    right: f64,
    ratings: (f64, f64),
    gap: (f64, f64),
}

/// Where the snapshots go: x per snapshot, the rating and gap scales, and which snapshots
/// start a new segment after a hole in the data.
struct GapScales {
    days: Vec<i64>,
    first: i64,
    last: i64,
    x: Linear,
    xs: Vec<f64>,
    y: Linear,
    gap: Linear,
    breaks: Vec<bool>,
}

impl GapScales {
    fn new(points: &[GapPoint], panels: &GapPanels) -> GapScales {
        let days: Vec<i64> = points
            .iter()
            .map(|p| p.snapshot.days_since_epoch())
            .collect();
        let (mut first, mut last) = (days[0], days[days.len() - 1]);
        if first == last {
            first -= 15;
            last += 15;
        }
        let x = Linear::new((first as f64, last as f64), (panels.left, panels.right));
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
        let y = Linear::new(
            (low - pad, high + pad),
            (panels.ratings.1, panels.ratings.0),
        );
        let gap_low = points.iter().map(|p| p.gap).fold(0.0f64, f64::min);
        let gap_high = points.iter().map(|p| p.gap).fold(0.0f64, f64::max);
        let gap_pad = ((gap_high - gap_low) * 0.1).max(5.0);
        let gap = Linear::new(
            (gap_low - gap_pad, gap_high + gap_pad),
            (panels.gap.1, panels.gap.0),
        );
        // Holes in the data: lines are not drawn across them.
        let breaks: Vec<bool> = (0..days.len())
            .map(|i| i > 0 && days[i] - days[i - 1] > MAX_JOIN_DAYS)
            .collect();
        GapScales {
            days,
            first,
            last,
            x,
            xs,
            y,
            gap,
            breaks,
        }
    }

    /// A line per run of snapshots without a hole, and a marker at every snapshot.
    fn segments(
        &self,
        scene: &mut Scene,
        values: &[f64],
        tips: &[String],
        scale: &Linear,
        color: Color,
    ) {
        let mut edges: Vec<usize> = (0..values.len())
            .filter(|&i| i == 0 || self.breaks[i])
            .collect();
        edges.push(values.len());
        for segment in edges.windows(2) {
            let line: Vec<(f64, f64)> = (segment[0]..segment[1])
                .map(|i| (self.xs[i], scale.at(values[i])))
                .collect();
            scene.polyline(line, Stroke::new(color, 2.0));
        }
        for ((px, value), tip) in self.xs.iter().zip(values).zip(tips) {
            scene.group(Some(tip.clone()), |g| {
                g.circle((*px, scale.at(*value)), 2.5, Some(Fill::new(color)), None);
            });
        }
    }
}

/// Grids and axis labels of both panels, the zero line of the gap and the month ticks.
fn draw_gap_axes(scene: &mut Scene, scales: &GapScales, panels: &GapPanels) {
    let (y, gy) = (&scales.y, &scales.gap);
    let edges = (panels.left, panels.right);
    y_grid(scene, y, &nice_ticks(y.domain.0, y.domain.1, 6), edges, "");
    y_grid(
        scene,
        gy,
        &nice_ticks(gy.domain.0, gy.domain.1, 4),
        edges,
        "",
    );
    y_axis_label(
        scene,
        "rating (Elo scale)",
        panels.ratings.0,
        panels.ratings.1,
    );
    y_axis_label(scene, "gap (points)", panels.gap.0, panels.gap.1);
    let zero = gy.at(0.0);
    scene.line(
        (panels.left, zero),
        (panels.right, zero),
        Stroke::new(Color::hex(0x888888), 1.0).dashed(4.0, 3.0),
    );
    let bottom = panels.gap.1;
    for month in month_ticks(scales.first, scales.last) {
        let tx = scales.x.at(month.days_since_epoch() as f64);
        scene.line((tx, bottom), (tx, bottom + 5.0), Stroke::new(FRAME, 1.0));
        scene.text(
            (tx, bottom + 18.0),
            month.month_label(),
            TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
        );
    }
    scene.text(
        ((panels.left + panels.right) / 2.0, bottom + 36.0),
        "snapshot date",
        TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
    );
}

/// Holes in the data shaded in both panels, then the panel frames.
fn draw_holes(scene: &mut Scene, scales: &GapScales, panels: &GapPanels) {
    let (days, xs) = (&scales.days, &scales.xs);
    for i in (1..days.len()).filter(|&i| scales.breaks[i]) {
        let (x0, x1) = (xs[i - 1] + 4.0, xs[i] - 4.0);
        for panel in [panels.ratings, panels.gap] {
            scene.rect(
                x0,
                panel.0 + 1.0,
                x1 - x0,
                panel.1 - panel.0 - 2.0,
                Some(Fill::new(Color::hex(0xf2f2f2))),
                None,
            );
        }
        scene.text(
            ((x0 + x1) / 2.0, panels.ratings.1 - 8.0),
            "no snapshots",
            TextStyle::new(11.0)
                .color(Color::hex(0x888888))
                .anchor(Anchor::Middle),
        );
    }
    for panel in [panels.ratings, panels.gap] {
        frame(scene, panels.left, panel.0, panels.right, panel.1);
    }
}

/// The latest leaders, named at the right end: A's above its band, B's below its band, and
/// the latest gap.
fn label_latest_leaders(
    scene: &mut Scene,
    p: &GapPoint,
    px: f64,
    scales: &GapScales,
    panels: &GapPanels,
) {
    let (y, gy) = (&scales.y, &scales.gap);
    let a_top = p.a.upper.unwrap_or(p.a.rating).max(p.a.rating);
    let b_bottom = p.b.lower.unwrap_or(p.b.rating).min(p.b.rating);
    for (leader, color, label_y) in [
        (
            &p.a,
            COLOR_A,
            (y.at(a_top) - 7.0).max(panels.ratings.0 + 16.0),
        ),
        (
            &p.b,
            COLOR_B,
            (y.at(b_bottom) + 16.0).min(panels.ratings.1 - 6.0),
        ),
    ] {
        backed_text(
            scene,
            (px - 4.0, label_y),
            &format!("{} {:.0}", leader.name, leader.rating),
            TextStyle::new(12.0).color(color).anchor(Anchor::End).bold(),
        );
    }
    backed_text(
        scene,
        (px - 4.0, (gy.at(p.gap) - 7.0).max(panels.gap.0 + 16.0)),
        &format!("{:+.0}", p.gap),
        TextStyle::new(12.0)
            .color(COLOR_GAP)
            .anchor(Anchor::End)
            .bold(),
    );
}

/// Box (x0, y0, x1, y1) covered by a one-line text, with a little margin.
fn text_box(at: (f64, f64), text: &str, style: &TextStyle) -> (f64, f64, f64, f64) {
    let width = text_width(text, style.size, style.bold);
    let x0 = match style.anchor {
        Anchor::Start => at.0,
        Anchor::End => at.0 - width,
        Anchor::Middle => at.0 - width / 2.0,
    };
    (
        x0 - 2.0,
        at.1 - style.size * 0.8,
        x0 + width + 2.0,
        at.1 + style.size * 0.25,
    )
}

/// Text on a translucent white box, readable where it crosses lines and dots.
fn backed_text(scene: &mut Scene, at: (f64, f64), text: &str, style: TextStyle) {
    let b = text_box(at, text, &style);
    scene.rect(
        b.0,
        b.1,
        b.2 - b.0,
        b.3 - b.1,
        Some(Fill::new(Color::WHITE).opacity(0.8)),
        None,
    );
    scene.text(at, text, style);
}

/// A label placer: tries positions around a point until one fits inside the plot without
/// covering an earlier label, so names stay readable in crowded corners.
struct Labels {
    taken: Vec<(f64, f64, f64, f64)>,
    bounds: (f64, f64, f64, f64),
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

impl Labels {
    fn place(
        &mut self,
        scene: &mut Scene,
        point: (f64, f64),
        radius: f64,
        text: &str,
        style: TextStyle,
    ) {
        let size = style.size;
        let base = size * 0.35;
        let mut candidates = vec![
            (radius + 3.0, base, Anchor::Start),
            (-(radius + 3.0), base, Anchor::End),
            (0.0, -(radius + 4.0), Anchor::Middle),
            (0.0, radius + size + 1.0, Anchor::Middle),
        ];
        for k in 1..=10 {
            let step = k as f64 * (size + 3.0);
            for sign in [-1.0, 1.0] {
                candidates.push((radius + 8.0, base + sign * step, Anchor::Start));
                candidates.push((-(radius + 8.0), base + sign * step, Anchor::End));
            }
        }
        let boxed = |(dx, dy, anchor): (f64, f64, Anchor)| {
            text_box((point.0 + dx, point.1 + dy), text, &style.anchor(anchor))
        };
        let inside = |b: (f64, f64, f64, f64)| {
            b.0 >= self.bounds.0
                && b.1 >= self.bounds.1
                && b.2 <= self.bounds.2
                && b.3 <= self.bounds.3
        };
        let chosen = candidates
            .iter()
            .copied()
            .find(|&c| {
                let b = boxed(c);
                inside(b) && !self.taken.iter().any(|t| overlaps(*t, b))
            })
            .unwrap_or(candidates[0]);
        let (dx, dy, anchor) = chosen;
        let b = boxed(chosen);
        if dy.abs() > size {
            // Far from its point: a thin leader line says which dot the name belongs to.
            let edge_x = if anchor == Anchor::End { b.2 } else { b.0 };
            scene.line(
                point,
                (edge_x, (b.1 + b.3) / 2.0),
                Stroke::new(Color::hex(0x888888), 0.8),
            );
        }
        backed_text(
            scene,
            (point.0 + dx, point.1 + dy),
            text,
            style.anchor(anchor),
        );
        self.taken.push(b);
    }
}

/// Groups in the order of the legend: the compared sides first, then by size, then by name.
fn group_colors(report: &ValueReport) -> Vec<(String, Color, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &report.models {
        *counts.entry(m.group.as_str()).or_default() += 1;
    }
    let sides: Vec<&str> = report
        .comparison
        .iter()
        .flat_map(|c| [c.a.as_str(), c.b.as_str()])
        .collect();
    let mut groups: Vec<(&str, usize)> = counts.into_iter().collect();
    groups.sort_by(|x, y| {
        let rank = |g: &str| sides.iter().position(|s| *s == g).unwrap_or(sides.len());
        rank(x.0)
            .cmp(&rank(y.0))
            .then(y.1.cmp(&x.1))
            .then(x.0.cmp(y.0))
    });
    let mut palette = PALETTE.iter().copied();
    groups
        .into_iter()
        .map(|(group, count)| {
            let color = match sides.iter().position(|s| *s == group) {
                Some(0) => COLOR_A,
                Some(_) => COLOR_B,
                None => palette.next().unwrap_or(OTHER_COLOR),
            };
            (group.to_string(), color, count)
        })
        .collect()
}

/// "1/10" for a fraction bound, "0.45 USD" for an absolute one.
fn bound_text(bound: PriceBound, usd: f64, a_name: &str) -> String {
    match bound {
        PriceBound::FractionOfA(f) if f > 0.0 && (1.0 / f).fract().abs() < 1e-9 => {
            format!(
                "price bound {} USD = 1/{:.0} of {a_name}'s",
                format_number(usd),
                1.0 / f
            )
        }
        PriceBound::FractionOfA(f) => {
            format!("price bound {} USD = {f} x {a_name}'s", format_number(usd))
        }
        PriceBound::Absolute(_) => format!("price bound {} USD", format_number(usd)),
    }
}

/// The value chart as SVG text (see [`value_scene`]).
pub fn value_chart(report: &ValueReport) -> String {
    value_scene(report).to_svg()
}

/// Rating against blended price (log scale) at one snapshot: one dot per priced model coloured
/// by group, the Pareto frontier as a step line (the best rating available at or below each
/// price), names for the frontier models and the compared pair.
pub fn value_scene(report: &ValueReport) -> Scene {
    let title = value_title(report);
    let footer = value_footer(report);
    let mut scene = Scene::new(WIDTH, 0.0, title.clone());
    let top = header(&mut scene, &title, &value_subtitles(report)) + 8.0;
    let plot = Plot {
        left: LEFT,
        right: WIDTH - RIGHT,
        top,
        bottom: top + 470.0,
    };
    scene.height = plot.bottom + 48.0 + footer.len() as f64 * SOURCE_LINE + 6.0;
    draw_source(&mut scene, &footer, plot.bottom + 56.0);

    let Some(scales) = ValueScales::new(&report.models, &plot) else {
        scene.text(
            (LEFT, top + 120.0),
            "No priced model in this snapshot.",
            TextStyle::new(14.0).color(INK),
        );
        return scene;
    };
    draw_value_axes(&mut scene, &scales, &plot);

    let mut labels = Labels {
        taken: Vec::new(),
        bounds: (
            plot.left + 2.0,
            plot.top + 2.0,
            plot.right - 2.0,
            plot.bottom - 2.0,
        ),
    };
    if let Some(c) = &report.comparison {
        draw_price_bound(&mut scene, c, &scales, &plot, &mut labels);
    }
    let frontier = frontier_models(report);
    draw_frontier(&mut scene, &frontier, &scales, &plot);

    let groups = group_colors(report);
    let color_of = |group: &str| {
        groups
            .iter()
            .find(|(g, _, _)| g == group)
            .map_or(OTHER_COLOR, |(_, c, _)| *c)
    };
    draw_value_dots(&mut scene, report, &scales, &color_of);
    for m in &frontier {
        scene.circle(scales.at(m), 6.0, None, Some(Stroke::new(COLOR_GAP, 1.2)));
    }
    let pair: Vec<&ValueModel> = report
        .comparison
        .iter()
        .flat_map(|c| [&c.a_best, &c.b_best])
        .collect();
    for m in &pair {
        scene.circle(
            scales.at(m),
            8.5,
            None,
            Some(Stroke::new(color_of(&m.group), 2.4)),
        );
    }

    // Legend: bottom right, the plot's emptiest corner (expensive and weak).
    let entries = value_legend_entries(&groups, !pair.is_empty());
    let (lw, lh) = legend_size(&entries);
    let (lx, ly) = (plot.right - lw - 8.0, plot.bottom - lh - 8.0);
    draw_legend(&mut scene, lx, ly, &entries);
    labels.taken.push((lx, ly, lx + lw, ly + lh));

    label_value_models(
        &mut scene,
        &mut labels,
        &pair,
        &frontier,
        &scales,
        &color_of,
    );
    scene
}

fn value_title(report: &ValueReport) -> String {
    let prov = &report.provenance;
    format!(
        "Rating vs API price on LMArena, {} snapshot of {}{}",
        prov.source.name(),
        report.snapshot,
        match (prov.category.as_str(), prov.style_control) {
            ("full", false) => String::new(),
            ("full", true) => " (style control)".to_string(),
            (c, false) => format!(" (category {c})"),
            (c, true) => format!(" (category {c}, style control)"),
        }
    )
}

/// What a dot is, and the comparison in one sentence when there is one.
fn value_subtitles(report: &ValueReport) -> Vec<String> {
    let prov = &report.provenance;
    let mut subtitles = vec![format!(
        "Each dot is a model with a known price ({} of {} rated models). Step line: the price-performance frontier, the best rating available at or below each price.",
        prov.priced_models, prov.rated_models
    )];
    if let Some(c) = &report.comparison {
        subtitles.push(format!(
            "Best {a}: {an} ({ar:.0}). Best {b}{bound}: {bn} ({br:.0}): {gap:.1} points lower (a {a} win in {wp:.1}% of votes), {ratio}.",
            a = c.a,
            an = c.a_best.name,
            ar = c.a_best.rating,
            b = c.b,
            bound = if c.price_bound_usd.is_some() { " within the price bound" } else { "" },
            bn = c.b_best.name,
            br = c.b_best.rating,
            gap = c.gap,
            wp = c.win_probability * 100.0,
            ratio = c
                .price_ratio
                .map_or_else(|| "free".to_string(), |r| format!("at 1/{r:.1} of the price")),
        ));
    }
    subtitles
}

fn value_footer(report: &ValueReport) -> Vec<String> {
    let prov = &report.provenance;
    source_lines(&[
        format!(
            "Source: LMArena leaderboard ({}, {}) in {}; prices in {} (LMArena's price table, else pydantic/genai-prices): latest list prices, not necessarily those of the snapshot date.",
            prov.source.name(),
            report.snapshot,
            prov.history,
            prov.registry
        ),
        format!("Blend: {}. Made with versus.", report.blend),
    ])
}

/// A plot area in canvas pixels.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// Price (log) and rating scales of the value chart.
struct ValueScales {
    x: Log10,
    y: Linear,
}

impl ValueScales {
    /// `None` when no model has a positive price (a log axis needs one).
    fn new(models: &[ValueModel], plot: &Plot) -> Option<ValueScales> {
        let price_low = models
            .iter()
            .map(|m| m.price)
            .filter(|p| *p > 0.0)
            .fold(f64::INFINITY, f64::min);
        let price_high = models.iter().map(|m| m.price).fold(0.0f64, f64::max);
        if models.is_empty() || !price_low.is_finite() || price_high <= 0.0 {
            return None;
        }
        // Free models sit at the left edge (a log axis has no zero).
        let x = Log10::new((price_low / 1.4, price_high * 1.4), (plot.left, plot.right));
        let low = models
            .iter()
            .map(|m| m.rating)
            .fold(f64::INFINITY, f64::min);
        let high = models
            .iter()
            .map(|m| m.rating)
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = ((high - low) * 0.05).max(5.0);
        let y = Linear::new((low - pad, high + pad * 1.5), (plot.bottom, plot.top));
        Some(ValueScales { x, y })
    }

    fn at(&self, m: &ValueModel) -> (f64, f64) {
        (self.x.at(m.price), self.y.at(m.rating))
    }
}

/// Rating grid, logarithmic price ticks, axis labels and the frame.
fn draw_value_axes(scene: &mut Scene, scales: &ValueScales, plot: &Plot) {
    let (x, y) = (&scales.x, &scales.y);
    y_grid(
        scene,
        y,
        &nice_ticks(y.domain.0, y.domain.1, 7),
        (plot.left, plot.right),
        "",
    );
    let ticks = log_ticks(x.domain.0, x.domain.1);
    let label_all = ticks.len() <= 14;
    for (value, major) in ticks {
        let tx = x.at(value);
        scene.line(
            (tx, plot.top),
            (tx, plot.bottom),
            Stroke::new(if major { Color::hex(0xd4d4d4) } else { GRID }, 1.0),
        );
        if major || label_all {
            scene.text(
                (tx, plot.bottom + 18.0),
                format_number(value),
                TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
            );
        }
    }
    scene.text(
        ((plot.left + plot.right) / 2.0, plot.bottom + 36.0),
        "blended API price, USD per million tokens (3 input : 1 output), log scale",
        TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
    );
    y_axis_label(scene, "rating (Elo scale)", plot.top, plot.bottom);
    frame(scene, plot.left, plot.top, plot.right, plot.bottom);
}

/// The price bound of the comparison, if any: a dashed line and its label (kept clear of
/// later labels).
fn draw_price_bound(
    scene: &mut Scene,
    c: &Comparison,
    scales: &ValueScales,
    plot: &Plot,
    labels: &mut Labels,
) {
    let (Some(bound), Some(usd)) = (c.price_bound, c.price_bound_usd) else {
        return;
    };
    if usd <= 0.0 {
        return;
    }
    let bx = scales.x.at(usd);
    scene.line(
        (bx, plot.top),
        (bx, plot.bottom),
        Stroke::new(COLOR_B, 1.2).dashed(5.0, 4.0),
    );
    let text = bound_text(bound, usd, &c.a_best.name);
    let style = TextStyle::new(11.0).color(COLOR_B);
    let width = text_width(&text, 11.0, false);
    let (tx, anchor) = if bx + 4.0 + width < plot.right {
        (bx + 4.0, Anchor::Start)
    } else {
        (bx - 4.0, Anchor::End)
    };
    scene.text((tx, plot.top + 14.0), text, style.anchor(anchor));
    let x0 = if anchor == Anchor::Start {
        tx
    } else {
        tx - width
    };
    labels
        .taken
        .push((x0, plot.top, x0 + width, plot.top + 18.0));
}

/// The frontier's models in the report's order (cheapest first).
fn frontier_models(report: &ValueReport) -> Vec<&ValueModel> {
    let by_key: BTreeMap<&str, &ValueModel> = report
        .models
        .iter()
        .map(|m| (m.model.as_str(), m))
        .collect();
    report
        .frontier
        .iter()
        .filter_map(|k| by_key.get(k.as_str()).copied())
        .collect()
}

/// Frontier as a step line: right along each model's rating to the next model's price, then
/// up; after the most expensive one, flat to the edge.
fn draw_frontier(scene: &mut Scene, frontier: &[&ValueModel], scales: &ValueScales, plot: &Plot) {
    let mut step = Vec::new();
    for (i, m) in frontier.iter().enumerate() {
        let (px, py) = scales.at(m);
        if i > 0 {
            let previous_y = step.last().map_or(py, |p: &(f64, f64)| p.1);
            step.push((px, previous_y));
        }
        step.push((px, py));
    }
    if let Some(&(_, last_y)) = step.last() {
        step.push((plot.right, last_y));
    }
    scene.polyline(step, Stroke::new(COLOR_GAP, 1.6));
}

/// One dot per model; other groups first so the compared sides stay on top.
fn draw_value_dots(
    scene: &mut Scene,
    report: &ValueReport,
    scales: &ValueScales,
    color_of: &dyn Fn(&str) -> Color,
) {
    let mut order: Vec<&ValueModel> = report.models.iter().collect();
    let side_rank = |m: &ValueModel| {
        report
            .comparison
            .as_ref()
            .map_or(0, |c| usize::from(m.group == c.a || m.group == c.b))
    };
    order.sort_by(|p, q| side_rank(p).cmp(&side_rank(q)).then(p.model.cmp(&q.model)));
    for m in order {
        let tip = format!(
            "{} ({}, {}): rating {:.0}, {:.2} USD per million tokens (blended)",
            m.name, m.organization, m.group, m.rating, m.price
        );
        scene.group(Some(tip), |g| {
            g.circle(
                scales.at(m),
                3.8,
                Some(Fill::new(color_of(&m.group)).opacity(0.8)),
                Some(Stroke::new(Color::WHITE, 0.6)),
            );
        });
    }
}

/// Groups (the largest few, then "other groups"), the frontier and the compared pair.
fn value_legend_entries(
    groups: &[(String, Color, usize)],
    has_pair: bool,
) -> Vec<(Swatch, String)> {
    let mut entries: Vec<(Swatch, String)> = groups
        .iter()
        .take(PALETTE.len() + 2)
        .map(|(g, c, n)| (Swatch::Dot(*c), format!("{g} ({n})")))
        .collect();
    if groups.len() > PALETTE.len() + 2 {
        entries.push((Swatch::Dot(OTHER_COLOR), "other groups".to_string()));
    }
    entries.push((
        Swatch::Line(COLOR_GAP),
        "price-performance frontier (ringed)".to_string(),
    ));
    if has_pair {
        entries.push((
            Swatch::Ring(COLOR_GAP),
            "compared pair (thick ring)".to_string(),
        ));
    }
    entries
}

/// Names the compared pair (bold, with rating and price) and the frontier models, best
/// first; the markers of all named models are obstacles for every label.
fn label_value_models(
    scene: &mut Scene,
    labels: &mut Labels,
    pair: &[&ValueModel],
    frontier: &[&ValueModel],
    scales: &ValueScales,
    color_of: &dyn Fn(&str) -> Color,
) {
    let mut named: Vec<&ValueModel> = pair.to_vec();
    let mut rest: Vec<&ValueModel> = frontier.to_vec();
    rest.sort_by(|p, q| q.rating.total_cmp(&p.rating).then(p.model.cmp(&q.model)));
    for m in rest {
        if !named.iter().any(|n| n.model == m.model) {
            named.push(m);
        }
    }
    for m in &named {
        let (px, py) = scales.at(m);
        labels.taken.push((px - 5.0, py - 5.0, px + 5.0, py + 5.0));
    }
    for (i, m) in named.iter().enumerate() {
        let is_pair = i < pair.len();
        let mut style = TextStyle::new(11.5).color(if is_pair { color_of(&m.group) } else { INK });
        if is_pair {
            style = style.bold();
        }
        // The pair carries its numbers; frontier names alone keep the crowded corner legible.
        let text = if is_pair {
            format!(
                "{} ({:.0}, {} USD)",
                m.name,
                m.rating,
                format_number(m.price)
            )
        } else {
            m.name.clone()
        };
        labels.place(
            scene,
            scales.at(m),
            if is_pair { 8.5 } else { 6.0 },
            &text,
            style,
        );
    }
}

/// The compute chart as SVG text (see [`compute_scene`]).
pub fn compute_chart(series: &ComputeSeries) -> String {
    compute_scene(series).to_svg()
}

/// Countries drawn separately in the compute chart; the rest are stacked as "Other".
const TOP_COUNTRIES: usize = 5;

/// Stacked area of each country's share of recorded AI-cluster compute over time: the largest
/// countries at the latest date (unknown country excluded), everything else as "Other".
pub fn compute_scene(series: &ComputeSeries) -> Scene {
    let measure = series.measure.name();
    let (first, last) = match (series.points.first(), series.points.last()) {
        (Some(f), Some(l)) => (f.as_of, l.as_of),
        _ => {
            let mut scene = Scene::new(WIDTH, 200.0, "Share of AI-cluster compute by country");
            scene.text(
                (LEFT, 100.0),
                "No dates in the series.",
                TextStyle::new(14.0),
            );
            return scene;
        }
    };
    let monthly = series
        .points
        .windows(2)
        .next()
        .is_some_and(|w| w[1].as_of.days_since_epoch() - w[0].as_of.days_since_epoch() < 40);
    let title = format!(
        "Share of recorded AI-cluster compute by country, {}\u{2013}{}",
        first.year(),
        last.year()
    );
    let top = top_countries(series);
    let subtitle = format!(
        "Stacked shares of {measure} of the operational GPU clusters in Epoch AI's dataset, at each {} end to {last}; the {} largest countries at the last date, the rest (and unknown countries) as Other.",
        if monthly { "month" } else { "year" },
        top.len()
    );
    let footer = source_lines(&[
        format!(
            "Source: {} ({}), filter: Epoch's standard-analysis rows. Made with versus.",
            compute::ORIGIN,
            series.provenance.data
        ),
        compute::COVERAGE_CAVEAT.to_string(),
    ]);
    let mut scene = Scene::new(WIDTH, 0.0, title.clone());
    let plot_top = header(&mut scene, &title, &[subtitle]) + 8.0;
    let legend_width = 190.0;
    let plot = Plot {
        left: LEFT,
        right: WIDTH - RIGHT - legend_width - 12.0,
        top: plot_top,
        bottom: plot_top + 380.0,
    };
    scene.height = plot.bottom + 48.0 + footer.len() as f64 * SOURCE_LINE + 6.0;
    draw_source(&mut scene, &footer, plot.bottom + 56.0);

    let layers = share_layers(series, &top);
    let (d0, d1) = day_range(first, last);
    let x = Linear::new((d0 as f64, d1 as f64), (plot.left, plot.right));
    let y = Linear::new((0.0, 100.0), (plot.bottom, plot.top));
    let xs: Vec<f64> = series
        .points
        .iter()
        .map(|p| x.at(p.as_of.days_since_epoch() as f64))
        .collect();
    draw_stack(&mut scene, &layers, &xs, &y);
    draw_compute_axes(&mut scene, (first, last), &x, &y, &plot);
    y_axis_label(
        &mut scene,
        &format!("share of {measure}"),
        plot.top,
        plot.bottom,
    );
    frame(&mut scene, plot.left, plot.top, plot.right, plot.bottom);

    // Legend to the right, in stack order (top layer first), with the latest share.
    let entries: Vec<(Swatch, String)> = layers
        .iter()
        .rev()
        .map(|(name, color, values)| {
            (
                Swatch::Block(*color),
                format!("{name} {:.1}%", values.last().copied().unwrap_or(0.0)),
            )
        })
        .collect();
    let lx = plot.right + 12.0;
    scene.text(
        (lx, plot.top + 12.0),
        format!("share on {last}"),
        TextStyle::new(12.0).color(AXIS_TEXT),
    );
    draw_legend(&mut scene, lx, plot.top + 20.0, &entries);
    scene
}

/// Days since the epoch of the x axis: first to last date, at least one day.
fn day_range(first: Date, last: Date) -> (i64, i64) {
    (
        first.days_since_epoch(),
        last.days_since_epoch().max(first.days_since_epoch() + 1),
    )
}

/// The largest countries at the latest date (unknown excluded); the United States when none.
fn top_countries(series: &ComputeSeries) -> Vec<String> {
    let mut top: Vec<String> = series
        .points
        .last()
        .map(|p| {
            p.shares
                .iter()
                .filter(|s| s.country != "Unknown" && s.share > 0.0)
                .take(TOP_COUNTRIES)
                .map(|s| s.country.clone())
                .collect()
        })
        .unwrap_or_default();
    if top.is_empty() {
        top.push("United States".to_string());
    }
    top
}

/// Layers bottom-up: the top countries in order, then Other (the rest of 100%, unknown
/// countries included), each with its colour and its share at every point.
fn share_layers(series: &ComputeSeries, top: &[String]) -> Vec<(String, Color, Vec<f64>)> {
    let mut layers: Vec<(String, Color, Vec<f64>)> = top
        .iter()
        .enumerate()
        .map(|(i, country)| {
            let color = match (country.as_str(), i) {
                ("United States", _) => COLOR_A,
                ("China", _) => COLOR_B,
                (_, i) => PALETTE[i % PALETTE.len()],
            };
            (country.clone(), color, Vec::new())
        })
        .collect();
    let mut other = Vec::new();
    for point in &series.points {
        let total: f64 = point.shares.iter().map(|s| s.share).sum();
        let mut named = 0.0;
        for (country, _, values) in &mut layers {
            let share = point
                .shares
                .iter()
                .find(|s| &s.country == country)
                .map_or(0.0, |s| s.share);
            named += share;
            values.push(share);
        }
        other.push(if total > 0.0 {
            (100.0 - named).max(0.0)
        } else {
            0.0
        });
    }
    layers.push(("Other".to_string(), OTHER_COLOR, other));
    layers
}

/// The layers stacked as polygons, each on top of the sum of those below.
fn draw_stack(scene: &mut Scene, layers: &[(String, Color, Vec<f64>)], xs: &[f64], y: &Linear) {
    let mut base = vec![0.0; xs.len()];
    for (_, color, values) in layers {
        let upper: Vec<f64> = base.iter().zip(values).map(|(b, v)| b + v).collect();
        let mut outline: Vec<(f64, f64)> = xs
            .iter()
            .zip(&upper)
            .map(|(px, v)| (*px, y.at(*v)))
            .collect();
        outline.extend(xs.iter().zip(&base).rev().map(|(px, v)| (*px, y.at(*v))));
        scene.polygon(
            outline,
            Fill::new(*color).opacity(0.85),
            Some(Stroke::new(Color::WHITE, 0.6)),
        );
        base = upper;
    }
}

/// Percent grid over the stack, a tick at each 1 January (labels thinned to about ten) and
/// the x-axis label.
fn draw_compute_axes(
    scene: &mut Scene,
    (first, last): (Date, Date),
    x: &Linear,
    y: &Linear,
    plot: &Plot,
) {
    for tick in nice_ticks(0.0, 100.0, 5) {
        let ty = y.at(tick);
        scene.line(
            (plot.left, ty),
            (plot.right, ty),
            Stroke::new(Color::WHITE, 0.8).opacity(0.6),
        );
        scene.text(
            (plot.left - 6.0, ty + 4.0),
            format!("{}%", format_number(tick)),
            TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::End),
        );
    }
    let (d0, d1) = day_range(first, last);
    let years: Vec<i32> = (first.year()..=last.year() + 1)
        .filter(|&year| {
            Date::new(year, 1, 1).is_some_and(|d| (d0..=d1).contains(&d.days_since_epoch()))
        })
        .collect();
    let stride = years.len().div_ceil(10).max(1);
    for (i, year) in years.iter().enumerate() {
        let Some(date) = Date::new(*year, 1, 1) else {
            continue;
        };
        let tx = x.at(date.days_since_epoch() as f64);
        scene.line(
            (tx, plot.bottom),
            (tx, plot.bottom + 5.0),
            Stroke::new(FRAME, 1.0),
        );
        if i % stride == 0 {
            scene.text(
                (tx, plot.bottom + 18.0),
                year.to_string(),
                TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
            );
        }
    }
    scene.text(
        ((plot.left + plot.right) / 2.0, plot.bottom + 36.0),
        "date (start of year marked)",
        TextStyle::new(12.0).color(AXIS_TEXT).anchor(Anchor::Middle),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ticks_are_thinned() {
        let from = Date::parse("2023-05-08").unwrap().days_since_epoch();
        let to = Date::parse("2025-12-11").unwrap().days_since_epoch();
        let ticks = month_ticks(from, to);
        // 31 months, thinned to at most 9 ticks (and not to none: an empty list passed before).
        assert!((4..=9).contains(&ticks.len()), "{ticks:?}");
        assert!(ticks.iter().all(|d| d.day() == 1));
    }

    #[test]
    fn labels_avoid_each_other() {
        let mut scene = Scene::new(400.0, 300.0, "t");
        let mut labels = Labels {
            taken: Vec::new(),
            bounds: (0.0, 0.0, 400.0, 300.0),
        };
        for _ in 0..3 {
            labels.place(
                &mut scene,
                (200.0, 150.0),
                4.0,
                "same spot",
                TextStyle::new(12.0),
            );
        }
        let boxes = &labels.taken;
        assert!(
            !overlaps(boxes[0], boxes[1])
                && !overlaps(boxes[1], boxes[2])
                && !overlaps(boxes[0], boxes[2])
        );
    }
}
