//! `versus report`: one self-contained HTML page (inline CSS and SVG, no scripts, no external
//! requests) that recomputes each race claim from the shipped data every time it is built, with
//! the provenance and caveats of each number next to it. Nothing on the page is typed in by
//! hand except the claims being checked; every finding is a sentence filled from a computation.

use crate::compute::{self, Cluster, ComputeQuery, ComputeSeries, ComputeShares, Measure};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::gap::{self, Every, GapPoint, GapQuery, GapReport, SnapshotSelection};
use crate::group::GroupBy;
use crate::history::{self, History, Source};
use crate::registry::{self, Registry};
use crate::svg;
use crate::value::{self, Comparison, PriceBound, ValueQuery, ValueReport};
use crate::votes::{VotesGapPoint, VotesGapReport};
use askama::Template;
use std::fmt::Write as _;
use versus_present::{HtmlTable, Table};

/// The bundled LMArena votes of 2024-08-14, relative to the repository root.
pub const DEFAULT_VOTES_FILE: &str = "data/arena-votes-2024-08-14/chatbotarena_20240814.json";

/// The published leaderboard closest to the bundled votes, compared with the votes fit.
const VOTES_PUBLISHED_SNAPSHOT: &str = "2024-08-13";

/// Everything the page is computed from. The votes fit needs the rating engine (`versus-rank`),
/// which this crate does not depend on, so the caller fits it and passes the result.
pub struct ReportInput<'a> {
    pub registry: &'a Registry,
    pub history: &'a History,
    pub clusters: &'a [Cluster],
    pub votes: Option<&'a VotesGapReport>,
    /// Bootstrap rounds and seed of the votes fit, for the provenance line.
    pub votes_rounds: usize,
    pub votes_seed: u64,
    /// `versus audit` of the same votes (the caller fits it, as for `votes`).
    pub audit: Option<&'a crate::audit::AuditReport>,
}

/// A table of a section; long ones go inside a closed `<details>` element.
struct SectionTable {
    table: Table,
    collapsed: bool,
}

impl SectionTable {
    /// The table's own template (escapes every cell); embedded as is in the page.
    fn html(&self) -> HtmlTable<'_> {
        HtmlTable::new(&self.table).collapsed(self.collapsed)
    }
}

impl From<Table> for SectionTable {
    fn from(table: Table) -> SectionTable {
        SectionTable {
            table,
            collapsed: false,
        }
    }
}

/// One claim: what is said, what the data say, the chart, the tables, where it comes from and
/// what to keep in mind. All text is plain; the page template escapes it.
struct Section {
    id: &'static str,
    title: String,
    claim: String,
    findings: Vec<String>,
    /// (SVG from the chart writer, caption).
    figure: Option<(String, String)>,
    tables: Vec<SectionTable>,
    provenance: Vec<(&'static str, String)>,
    caveats: Vec<String>,
    /// One line for the summary at the top of the page.
    summary: String,
}

// Caveats of the report, shown on the arena's race pages too.
pub const CAVEAT_DRIFT: &str = "Rating drift between snapshots: every leaderboard publication refits the whole scale, so a model's rating moves without the model changing. Only differences inside one snapshot are compared; the series is a sequence of within-snapshot gaps, and sources (LMArena's JSON, the pickle extraction, scraped tables) are not mixed within a moment.";
pub const CAVEAT_ANCHOR: &str = "The anchor is arbitrary: adding a constant to every rating changes no prediction, so a gap as a percentage of a rating (gap_percent) or 'x% of the rating' depends on where the scale's zero happens to be. The gap in points and the win probability do not.";
pub const CAVEAT_STYLE: &str = "Style control: raw arena ratings reward longer, more formatted answers. LMArena publishes style-controlled ratings only from 2025-03 on (in its own JSON); earlier numbers are raw.";
pub const CAVEAT_TIES: &str = "Statistical ties: 'separable' means the two leaders' 95% intervals do not overlap (a conservative test); when they overlap the leaders are not told apart, and the elo-history source (2023-05 to 2025-03) publishes no intervals at all, so its separability is unknown.";
pub const CAVEAT_COUNTRY: &str = "Country and licence come from the registry (Epoch AI's organisation table plus hand-kept overrides in data/registry); a model counts for its developer's country, not where it is served or trained.";

fn rating_cell(rating: f64, lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) => format!("{rating:.1} [{l:.1}, {u:.1}]"),
        _ => format!("{rating:.1}"),
    }
}

fn gap_table(report: &GapReport, caption: String) -> Table {
    let a_header = format!("best {}", report.a);
    let b_header = format!("best {}", report.b);
    let a_rating = format!("{} rating [95% CI]", report.a);
    let b_rating = format!("{} rating [95% CI]", report.b);
    let wins = format!("P({} wins)", report.a);
    let mut table = Table::new(
        caption,
        &[
            "month",
            "snapshot",
            "source",
            &a_header,
            &a_rating,
            &b_header,
            &b_rating,
            "gap",
            &wins,
            "separable",
        ],
    );
    for p in &report.points {
        table.rows.push(vec![
            p.date.clone(),
            p.snapshot.to_string(),
            p.source.name().to_string(),
            p.a.name.clone(),
            rating_cell(p.a.rating, p.a.lower, p.a.upper),
            p.b.name.clone(),
            rating_cell(p.b.rating, p.b.lower, p.b.upper),
            format!("{:.1}", p.gap),
            format!("{:.3}", p.win_probability),
            p.separable.as_str().to_string(),
        ]);
    }
    table
}

/// Provenance lines shared by the gap sections.
fn gap_provenance(
    report: &GapReport,
    filters: String,
    command: &str,
) -> Vec<(&'static str, String)> {
    let mut dates = Vec::new();
    for used in &report.provenance.sources {
        dates.push(format!(
            "{}: {} snapshot(s), {} to {}",
            used.source.name(),
            used.snapshots_used,
            used.first.map(|d| d.to_string()).unwrap_or_default(),
            used.last.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    let mut rule = report.provenance.selection.clone();
    if let Some(month) = report.provenance.month_rule {
        rule.push_str("; ");
        rule.push_str(month);
    }
    if !report.provenance.skipped.is_empty() {
        let _ = write!(
            rule,
            "; {} snapshot(s) skipped because a side had no rated model",
            report.provenance.skipped.len()
        );
    }
    vec![
        (
            "Files",
            format!(
                "{} (ratings), {} (country, organisation, licence of each model)",
                report.provenance.history, report.provenance.registry
            ),
        ),
        ("Dates", dates.join("; ")),
        ("Filters", filters),
        ("Selection rule", rule),
        ("Recompute", command.to_string()),
    ]
}

fn query(
    registry: &Registry,
    by: GroupBy,
    sides: (&str, &str),
    every: Every,
    selection: SnapshotSelection,
) -> Result<GapQuery> {
    Ok(GapQuery {
        by,
        a: by.resolve(sides.0, registry)?,
        b: by.resolve(sides.1, registry)?,
        every,
        selection,
    })
}

fn date(text: &str) -> Result<Date> {
    Date::parse(text).ok_or_else(|| Error::Query(format!("bad date {text}")))
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn points_in<'a>(report: &'a GapReport, months: &[&str]) -> Vec<&'a GapPoint> {
    report
        .points
        .iter()
        .filter(|p| months.contains(&p.date.as_str()))
        .collect()
}

fn min_point(points: &[GapPoint]) -> Option<&GapPoint> {
    points
        .iter()
        .min_by(|x, y| x.gap.total_cmp(&y.gap).then(x.snapshot.cmp(&y.snapshot)))
}

fn latest_sentence(report: &GapReport) -> Option<String> {
    let p = report.points.last()?;
    Some(format!(
        "Latest month ({}, snapshot {} from {}): {:.1} points, {} {:.1} vs {} {:.1}; the {} model wins a vote with probability {:.3}; separable: {}.",
        p.date,
        p.snapshot,
        p.source.name(),
        p.gap,
        p.a.name,
        p.a.rating,
        p.b.name,
        p.b.rating,
        report.a,
        p.win_probability,
        p.separable.as_str()
    ))
}

const EARLY_2024: [&str; 3] = ["2024-01", "2024-02", "2024-03"];

fn early_sentence(report: &GapReport) -> (String, f64) {
    let early = points_in(report, &EARLY_2024);
    let listed: Vec<String> = early
        .iter()
        .map(|p| {
            format!(
                "{:.1} points on {} ({} vs {})",
                p.gap, p.snapshot, p.a.name, p.b.name
            )
        })
        .collect();
    let gaps: Vec<f64> = early.iter().map(|p| p.gap).collect();
    let average = mean(&gaps);
    (
        format!(
            "Early 2024 (the last snapshot of January, February and March): {}; mean {:.1} points, a win probability of {:.3} for the {} leader.",
            listed.join("; "),
            average,
            gap::win_probability(average),
            report.a
        ),
        average,
    )
}

/// February 2025 snapshot by snapshot, in runs of the same two leaders: the range of the gap
/// in each run.
fn february_runs(feb: &GapReport) -> Vec<String> {
    let mut runs: Vec<Vec<&GapPoint>> = Vec::new();
    for p in &feb.points {
        match runs.last_mut() {
            Some(run) if run[0].a.model == p.a.model && run[0].b.model == p.b.model => run.push(p),
            _ => runs.push(vec![p]),
        }
    }
    runs.iter()
        .map(|run| {
            let low = run.iter().map(|p| p.gap).fold(f64::INFINITY, f64::min);
            let high = run.iter().map(|p| p.gap).fold(f64::NEG_INFINITY, f64::max);
            format!(
                "{low:.1} to {high:.1} points from {} to {} ({} vs {})",
                run[0].snapshot,
                run[run.len() - 1].snapshot,
                run[0].a.name,
                run[0].b.name
            )
        })
        .collect()
}

/// What the US-China series says about the claim (early 2024, February 2025, the latest month,
/// the smallest gap), and the summary line.
fn gap_country_findings(monthly: &GapReport, feb: &GapReport) -> (Vec<String>, String) {
    let (early, early_mean) = early_sentence(monthly);
    let mut findings = vec![early];

    let run_text = february_runs(feb);
    let feb_low = min_point(&feb.points);
    let feb_end = monthly.points.iter().find(|p| p.date == "2025-02");
    findings.push(format!(
        "February 2025 ({} snapshots): {}.",
        feb.points.len(),
        run_text.join("; then ")
    ));
    let summary = match (feb_low, feb_end) {
        (Some(low), Some(end)) => {
            findings.push(format!(
                "So the gap went from about {:.0} points (early-2024 mean) to {:.1} at February 2025's low ({}), a fall of {:.0} points; by the month's last snapshot ({}) it was {:.1}{}.",
                early_mean,
                low.gap,
                low.snapshot,
                early_mean - low.gap,
                end.snapshot,
                end.gap,
                if end.a.model != low.a.model {
                    format!(", after {} took the {} lead", end.a.name, monthly.a)
                } else if end.b.model != low.b.model {
                    format!(", after {} took the {} lead", end.b.name, monthly.b)
                } else {
                    String::new()
                }
            ));
            format!(
                "{:.1} points (early-2024 mean) to {:.1} at the February 2025 low ({}), {:.1} at that month's end",
                early_mean, low.gap, low.snapshot, end.gap
            )
        }
        _ => {
            findings.push("February 2025 has no snapshot with both sides rated.".to_string());
            format!("{early_mean:.1} points in early 2024")
        }
    };
    let summary = match monthly.points.last() {
        Some(p) => format!("{summary}; {:.1} in {}.", p.gap, p.date),
        None => format!("{summary}."),
    };
    if let Some(line) = latest_sentence(monthly) {
        findings.push(line);
    }
    if let Some(low) = min_point(&monthly.points) {
        findings.push(format!(
            "Smallest monthly gap in the series: {:.1} points in {} ({} vs {}).",
            low.gap, low.date, low.a.name, low.b.name
        ));
    }
    (findings, summary)
}

/// (a) The US–China gap over time.
fn section_gap_country(input: &ReportInput<'_>) -> Result<(Section, GapReport)> {
    let by = GroupBy::Country;
    let sides = ("United States", "China");
    let monthly = gap::gap(
        input.registry,
        input.history,
        &query(
            input.registry,
            by,
            sides,
            Every::Month,
            SnapshotSelection::overall(),
        )?,
    )?;
    let mut february = SnapshotSelection::overall();
    february.from = Some(date("2025-02-01")?);
    february.to = Some(date("2025-02-28")?);
    let feb = gap::gap(
        input.registry,
        input.history,
        &query(input.registry, by, sides, Every::Snapshot, february)?,
    )?;
    let (findings, summary) = gap_country_findings(&monthly, &feb);
    let mut feb_table = gap_table(
        &feb,
        "February 2025, every selected snapshot (the claim's month)".to_string(),
    );
    for row in &mut feb_table.rows {
        row[0] = "2025-02".to_string();
    }
    let section = Section {
        id: "gap-country",
        title: "(a) The US-China gap over time".to_string(),
        claim: "\"The gap between the best American and the best Chinese model shrank from about 100 points in early 2024 to about 20 in February 2025.\"".to_string(),
        findings,
        figure: Some((
            svg::gap_chart(&monthly),
            "Best United States and best China model on LMArena's overall leaderboard, one point per month (the month's last snapshot); bands are 95% intervals where the source publishes them; grey: months without snapshots.".to_string(),
        )),
        tables: vec![
            gap_table(&monthly, "US-China gap, monthly".to_string()).into(),
            feb_table.into(),
        ],
        provenance: gap_provenance(
            &monthly,
            "category `full` (overall leaderboard), raw ratings (no style control), sides by the developer's country: United States vs China".to_string(),
            "versus race gap --every month; versus race gap --from 2025-02 --to 2025-02",
        ),
        caveats: vec![
            CAVEAT_DRIFT.to_string(),
            CAVEAT_TIES.to_string(),
            CAVEAT_ANCHOR.to_string(),
            CAVEAT_STYLE.to_string(),
            CAVEAT_COUNTRY.to_string(),
        ],
        summary,
    };
    Ok((section, monthly))
}

/// The raw (not style-controlled) leaders of the same source and date as `point`, or of the
/// nearest raw snapshot within the precedence window (LMArena sometimes published only the
/// style-controlled table).
fn raw_point_near(input: &ReportInput<'_>, point: &GapPoint) -> Result<Option<GapPoint>> {
    let by = GroupBy::Country;
    let sides = ("United States", "China");
    let nearest = input
        .history
        .snapshots(history::OVERALL_CATEGORY, false)
        .into_iter()
        .filter(|id| id.source == point.source)
        .map(|id| {
            (
                (id.date.days_since_epoch() - point.snapshot.days_since_epoch()).abs(),
                id,
            )
        })
        .filter(|(distance, _)| *distance <= history::PRECEDENCE_WINDOW_DAYS)
        .min()
        .map(|(_, id)| id);
    Ok(match nearest {
        Some(id) => {
            let mut raw_selection = SnapshotSelection::overall();
            raw_selection.snapshot = Some(id.date);
            raw_selection.source = Some(id.source);
            gap::gap(
                input.registry,
                input.history,
                &query(input.registry, by, sides, Every::Snapshot, raw_selection)?,
            )
            .ok()
            .and_then(|r| r.points.into_iter().next())
        }
        None => None,
    })
}

/// Month by month: the style-controlled gap next to the raw gap of the same snapshot. Also the
/// differences (style control minus raw) and the latest month's raw leaders.
fn style_comparison(
    input: &ReportInput<'_>,
    styled: &GapReport,
) -> Result<(Table, Vec<f64>, Option<GapPoint>)> {
    let mut table = Table::new(
        "US-China gap with and without style control, same snapshot",
        &[
            "month",
            "snapshot",
            "best United States (style control)",
            "best China (style control)",
            "gap, style control",
            "P(United States wins)",
            "separable",
            "gap, raw (snapshot)",
            "style control minus raw",
        ],
    );
    let mut differences = Vec::new();
    let mut latest_raw = None;
    for p in &styled.points {
        let raw = raw_point_near(input, p)?;
        let (raw_cell, diff_cell) = match &raw {
            Some(r) => {
                differences.push(p.gap - r.gap);
                (
                    format!("{:.1} ({})", r.gap, r.snapshot),
                    format!("{:+.1}", p.gap - r.gap),
                )
            }
            None => (
                versus_present::MISSING.to_string(),
                versus_present::MISSING.to_string(),
            ),
        };
        latest_raw = raw;
        table.rows.push(vec![
            p.date.clone(),
            p.snapshot.to_string(),
            rating_name(&p.a.name, p.a.rating),
            rating_name(&p.b.name, p.b.rating),
            format!("{:.1}", p.gap),
            format!("{:.3}", p.win_probability),
            p.separable.as_str().to_string(),
            raw_cell,
            diff_cell,
        ]);
    }
    Ok((table, differences, latest_raw))
}

/// What the style-controlled series says, and the summary line.
fn gap_style_findings(
    styled: &GapReport,
    differences: &[f64],
    latest_raw: Option<&GapPoint>,
) -> (Vec<String>, String) {
    let mut findings = Vec::new();
    let (first, last) = (styled.points.first(), styled.points.last());
    if let (Some(first), Some(last)) = (first, last) {
        findings.push(format!(
            "Style-controlled ratings exist in the shipped history from {} to {} ({} monthly points, LMArena's own JSON only): the claim's period (2024 to February 2025) cannot be checked with style control.",
            first.snapshot,
            last.snapshot,
            styled.points.len()
        ));
        findings.push(format!(
            "Latest month ({}, snapshot {}): {:.1} points with style control ({} vs {}), against {}.",
            last.date,
            last.snapshot,
            last.gap,
            last.a.name,
            last.b.name,
            latest_raw.map_or_else(
                || "no raw leaderboard within 7 days".to_string(),
                |r| format!(
                    "{:.1} points without it ({} vs {}, raw snapshot of {})",
                    r.gap, r.a.name, r.b.name, r.snapshot
                )
            )
        ));
    }
    if !differences.is_empty() {
        let low = differences.iter().copied().fold(f64::INFINITY, f64::min);
        let high = differences
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        findings.push(format!(
            "Over these {} months style control changes the gap by {:+.1} points on average (from {:+.1} to {:+.1}); leaders separable in every month: {}.",
            differences.len(),
            mean(differences),
            low,
            high,
            if styled.points.iter().all(|p| p.separable == gap::Separable::Yes) { "yes" } else { "no" }
        ));
    }
    if let Some(low) = min_point(&styled.points) {
        findings.push(format!(
            "Smallest style-controlled monthly gap: {:.1} points in {} ({} vs {}).",
            low.gap, low.date, low.a.name, low.b.name
        ));
    }
    let summary = match last {
        Some(p) => format!(
            "{:.1} points in {} (style control exists from 2025-03); mean change vs raw {:+.1}.",
            p.gap,
            p.date,
            mean(differences)
        ),
        None => "No style-controlled snapshot in the shipped history.".to_string(),
    };
    (findings, summary)
}

/// (b) The same with style control, against the raw gap of the same snapshots.
fn section_gap_style(input: &ReportInput<'_>) -> Result<Section> {
    let by = GroupBy::Country;
    let sides = ("United States", "China");
    let mut selection = SnapshotSelection::overall();
    selection.style_control = true;
    let styled = gap::gap(
        input.registry,
        input.history,
        &query(input.registry, by, sides, Every::Month, selection)?,
    )?;
    let (table, differences, latest_raw) = style_comparison(input, &styled)?;
    let (findings, summary) = gap_style_findings(&styled, &differences, latest_raw.as_ref());
    Ok(Section {
        id: "gap-style",
        title: "(b) The same gap with style control".to_string(),
        claim: "Does the gap survive style control? Longer, more formatted answers win votes; LMArena's style control takes that effect out of the ratings.".to_string(),
        findings,
        figure: Some((
            svg::gap_chart(&styled),
            "As (a), with LMArena's style-controlled ratings (published from 2025-03).".to_string(),
        )),
        tables: vec![table.into()],
        provenance: gap_provenance(
            &styled,
            "category `full`, style-controlled ratings; raw comparison from the same source on the same date, or the nearest within 7 days; sides by country: United States vs China".to_string(),
            "versus race gap --every month --style-control; versus race gap --snapshot DATE --source catalog",
        ),
        caveats: vec![
            CAVEAT_STYLE.to_string(),
            CAVEAT_DRIFT.to_string(),
            CAVEAT_TIES.to_string(),
            CAVEAT_ANCHOR.to_string(),
        ],
        summary,
    })
}

/// 1670250 as "1,670,250".
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

fn rating_name(name: &str, rating: f64) -> String {
    format!("{name} ({rating:.1})")
}

/// (c) Proprietary vs open weights.
fn section_gap_licence(input: &ReportInput<'_>) -> Result<Section> {
    let by = GroupBy::Licence;
    let monthly = gap::gap(
        input.registry,
        input.history,
        &query(
            input.registry,
            by,
            ("proprietary", "open"),
            Every::Month,
            SnapshotSelection::overall(),
        )?,
    )?;
    let (early, early_mean) = early_sentence(&monthly);
    let mut findings = vec![early];
    if let Some(line) = latest_sentence(&monthly) {
        findings.push(line);
    }
    if let Some(low) = min_point(&monthly.points) {
        findings.push(format!(
            "Smallest monthly gap: {:.1} points in {} ({} vs {}).",
            low.gap, low.date, low.a.name, low.b.name
        ));
    }
    let recent: Vec<&GapPoint> = monthly.points.iter().rev().take(12).collect();
    let chinese = recent
        .iter()
        .filter(|p| {
            input
                .registry
                .get(&p.b.model)
                .is_some_and(|m| m.country == "China")
        })
        .count();
    findings.push(format!(
        "The best open-weights model was Chinese in {} of the last {} monthly points.",
        chinese,
        recent.len()
    ));
    let summary = match monthly.points.last() {
        Some(p) => format!(
            "{:.1} points (early-2024 mean) to {:.1} in {}; best open model Chinese in {} of the last {} months.",
            early_mean,
            p.gap,
            p.date,
            chinese,
            recent.len()
        ),
        None => "no data.".to_string(),
    };
    Ok(Section {
        id: "gap-licence",
        title: "(c) Proprietary vs open-weights models".to_string(),
        claim: "\"Open-weights models have caught up with proprietary ones.\"".to_string(),
        findings,
        figure: Some((
            svg::gap_chart(&monthly),
            "Best proprietary and best open-weights model on LMArena's overall leaderboard, one point per month.".to_string(),
        )),
        tables: vec![gap_table(&monthly, "Proprietary-open gap, monthly".to_string()).into()],
        provenance: gap_provenance(
            &monthly,
            "category `full`, raw ratings; sides by licence: proprietary vs open (any published weights licence); models of unknown licence are on neither side".to_string(),
            "versus race gap --by licence --every month",
        ),
        caveats: vec![
            CAVEAT_DRIFT.to_string(),
            CAVEAT_TIES.to_string(),
            CAVEAT_ANCHOR.to_string(),
            CAVEAT_STYLE.to_string(),
            "Licence comes from the leaderboards' licence column: 'open' means downloadable weights under any licence (including non-commercial ones), not open source.".to_string(),
        ],
        summary,
    })
}

/// The comparison in words: the rating ratio and the price ratio people quote, then what the
/// gap means in votes.
fn value_sentence(c: &Comparison) -> String {
    let ratio = c.price_ratio.map_or_else(
        || "for free".to_string(),
        |r| format!("at 1/{r:.2} of the price"),
    );
    format!(
        "{bn} ({b}, {br:.1}) against {an} ({a}, {ar:.1}): {rp:.2}% of the rating {ratio} ({bp:.3} vs {ap:.3} USD per million tokens). In rating points it is {gap:.1} behind, so {an} is preferred in {wpp:.1}% of head-to-head votes (win probability {wp:.3}); 95% intervals separable: {sep}.",
        bn = c.b_best.name,
        b = c.b,
        br = c.b_best.rating,
        an = c.a_best.name,
        a = c.a,
        ar = c.a_best.rating,
        rp = c.rating_percent,
        bp = c.b_best.price,
        ap = c.a_best.price,
        gap = c.gap,
        wpp = c.win_probability * 100.0,
        wp = c.win_probability,
        sep = c.separable.as_str(),
    )
}

/// The same rating ratio with the scale's zero moved: the number changes, no prediction does.
fn anchor_sentence(c: &Comparison, shift: f64) -> String {
    let shifted = (c.b_best.rating - shift) / (c.a_best.rating - shift) * 100.0;
    format!(
        "Why the percentage is fragile: with every rating lowered by {shift:.0} points (no prediction changes), the same pair would be at {shifted:.1}% of the rating instead of {:.2}%.",
        c.rating_percent
    )
}

/// The two value comparisons of the report: best United States model against best China model,
/// and the best China model within a tenth of the price (plain, tenth).
fn value_reports(input: &ReportInput<'_>) -> Result<(ValueReport, ValueReport)> {
    let by = GroupBy::Country;
    let make = |bound: Option<PriceBound>| -> Result<ValueReport> {
        value::value(
            input.registry,
            input.history,
            &ValueQuery {
                by,
                a: by.resolve("United States", input.registry)?,
                b: by.resolve("China", input.registry)?,
                price_bound: bound,
                selection: SnapshotSelection::overall(),
            },
        )
    };
    Ok((make(None)?, make(Some(PriceBound::FractionOfA(0.1)))?))
}

/// What the value comparisons say, and the summary line.
fn value_findings(plain: &ValueReport, tenth: &ValueReport) -> (Vec<String>, String) {
    let mut findings = vec![format!(
        "Latest snapshot: {} ({}), {} of {} rated models have a known price.",
        tenth.snapshot,
        tenth.provenance.source.name(),
        tenth.provenance.priced_models,
        tenth.provenance.rated_models
    )];
    let mut summary_parts = Vec::new();
    for (label, report) in [
        ("Best against best", plain),
        ("Within a tenth of the price", tenth),
    ] {
        match &report.comparison {
            Some(c) => {
                findings.push(format!("{label}: {}", value_sentence(c)));
                summary_parts.push(format!(
                    "{} at {:.1}% of the rating for 1/{:.1} of the price (gap {:.1}, P = {:.3})",
                    c.b_best.name,
                    c.rating_percent,
                    c.price_ratio.unwrap_or(f64::NAN),
                    c.gap,
                    c.win_probability
                ));
            }
            None => findings.push(format!(
                "{label}: no comparison ({}).",
                report
                    .provenance
                    .comparison_note
                    .clone()
                    .unwrap_or_default()
            )),
        }
        if let (Some(note), Some(_)) = (&report.provenance.comparison_note, &report.comparison) {
            findings.push(format!("Note: {note}."));
        }
    }
    if let Some(c) = &tenth.comparison {
        findings.push(format!(
            "Stated precisely: \"{b} reaches {rp:.1}% of {a}'s rating (not of its performance) at 1/{ratio:.1} of the price; head-to-head {a} still wins {wp:.1}% of votes, {gap:.1} points ahead.\"",
            b = c.b_best.name,
            a = c.a_best.name,
            rp = c.rating_percent,
            ratio = c.price_ratio.unwrap_or(f64::NAN),
            wp = c.win_probability * 100.0,
            gap = c.gap
        ));
        findings.push(anchor_sentence(c, 1000.0));
    }
    let frontier_names: Vec<String> = tenth
        .frontier
        .iter()
        .filter_map(|k| tenth.models.iter().find(|m| &m.model == k))
        .map(|m| format!("{} ({})", m.name, m.group))
        .collect();
    findings.push(format!(
        "Price-performance frontier, cheapest first: {}.",
        frontier_names.join(", ")
    ));
    let summary = format!("{}.", summary_parts.join("; "));

    (findings, summary)
}

/// The frontier models with their roles in the comparisons, and every priced model (frontier,
/// full).
fn value_tables(plain: &ValueReport, tenth: &ValueReport) -> (Table, Table) {
    let mut frontier_table = Table::new(
        "Frontier models and the compared pairs",
        &[
            "model",
            "organization",
            "group",
            "rating [95% CI]",
            "price (USD/Mtok, 3:1)",
            "role",
        ],
    );
    let mut full = Table::new(
        "All priced models in the snapshot",
        &[
            "model",
            "organization",
            "group",
            "rating [95% CI]",
            "price (USD/Mtok, 3:1)",
            "frontier",
        ],
    );
    for m in &tenth.models {
        let on_frontier = tenth.frontier.contains(&m.model);
        let mut roles = Vec::new();
        for (label, report) in [("best vs best", plain), ("within 1/10 price", tenth)] {
            if let Some(c) = &report.comparison {
                if c.a_best.model == m.model {
                    roles.push(format!("{label}: best {}", c.a));
                }
                if c.b_best.model == m.model {
                    roles.push(format!("{label}: best {}", c.b));
                }
            }
        }
        if on_frontier {
            roles.push("frontier".to_string());
        }
        let rating = rating_cell(m.rating, m.lower, m.upper);
        let price = format!("{:.3}", m.price);
        if !roles.is_empty() {
            frontier_table.rows.push(vec![
                m.name.clone(),
                m.organization.clone(),
                m.group.clone(),
                rating.clone(),
                price.clone(),
                roles.join("; "),
            ]);
        }
        full.rows.push(vec![
            m.name.clone(),
            m.organization.clone(),
            m.group.clone(),
            rating,
            price,
            if on_frontier { "yes" } else { "" }.to_string(),
        ]);
    }
    (frontier_table, full)
}

/// Where the value section's numbers come from.
fn value_provenance(tenth: &ValueReport) -> Vec<(&'static str, String)> {
    vec![
        (
            "Files",
            format!(
                "{} (ratings), {} (prices, country, organisation)",
                tenth.provenance.history, tenth.provenance.registry
            ),
        ),
        (
            "Dates",
            format!(
                "the latest selected snapshot, {} ({}); prices are each model's latest list price",
                tenth.snapshot,
                tenth.provenance.source.name()
            ),
        ),
        (
            "Filters",
            format!(
                "category `full`, raw ratings; priced models only; blend: {}",
                tenth.blend
            ),
        ),
        (
            "Selection rule",
            format!(
                "best = highest-rated priced model of the side; 'within a tenth' = highest-rated China model whose blended price is at most 0.1 x the best United States model's; frontier: {}",
                tenth.provenance.frontier_rule
            ),
        ),
        (
            "Recompute",
            "versus race value; versus race value --max-price-fraction 0.1".to_string(),
        ),
    ]
}

/// (d) Value: performance per price at the latest snapshot.
fn section_value(input: &ReportInput<'_>) -> Result<Section> {
    let (plain, tenth) = value_reports(input)?;
    let (findings, summary) = value_findings(&plain, &tenth);
    let (frontier_table, full) = value_tables(&plain, &tenth);
    Ok(Section {
        id: "value",
        title: "(d) Performance per price".to_string(),
        claim: "\"Chinese models give 95% of the performance at a tenth of the price.\"".to_string(),
        findings,
        figure: Some((
            svg::value_chart(&tenth),
            "Rating against blended API price (log scale) at the latest snapshot; step line: the price-performance frontier; thick rings: the best United States model and the best China model within a tenth of its price (dashed line).".to_string(),
        )),
        tables: vec![
            frontier_table.into(),
            SectionTable {
                table: full,
                collapsed: true,
            },
        ],
        provenance: value_provenance(&tenth),
        caveats: vec![
            value::NOTE_RATING_PERCENT.to_string(),
            CAVEAT_ANCHOR.to_string(),
            value::PRICE_NOTE.to_string(),
            CAVEAT_TIES.to_string(),
            CAVEAT_STYLE.to_string(),
        ],
        summary,
    })
}

fn share_of(shares: &ComputeShares, country: &str) -> f64 {
    shares
        .shares
        .iter()
        .find(|s| s.country == country)
        .map_or(0.0, |s| s.share)
}

fn series_share(point: &compute::SeriesPoint, country: &str) -> f64 {
    point
        .shares
        .iter()
        .find(|s| s.country == country)
        .map_or(0.0, |s| s.share)
}

/// The compute data of the report: shares of the latest date in two measures, and the monthly
/// and yearly series since 2018.
struct ComputeData {
    as_of: Date,
    start: Date,
    now: ComputeShares,
    h100: ComputeShares,
    monthly: ComputeSeries,
    yearly: ComputeSeries,
}

fn compute_data(input: &ReportInput<'_>) -> Result<ComputeData> {
    let query = ComputeQuery {
        measure: Measure::Op16,
        standard_only: true,
    };
    let as_of = compute::latest_date(input.clusters, query)
        .ok_or_else(|| Error::Query("no dated cluster in the compute data".into()))?;
    let now = compute::shares_at(input.clusters, query, as_of);
    let h100 = compute::shares_at(
        input.clusters,
        ComputeQuery {
            measure: Measure::H100Equivalents,
            ..query
        },
        as_of,
    );
    let start = date("2018-01-01")?;
    let monthly: ComputeSeries = compute::series(
        input.clusters,
        query,
        &compute::period_ends(start, as_of, true),
    )
    .ok_or_else(|| Error::Query("empty compute series".into()))?;
    let yearly: ComputeSeries = compute::series(
        input.clusters,
        query,
        &compute::period_ends(start, as_of, false),
    )
    .ok_or_else(|| Error::Query("empty compute series".into()))?;
    Ok(ComputeData {
        as_of,
        start,
        now,
        h100,
        monthly,
        yearly,
    })
}

/// What the compute data say (shares now, in both measures, extremes and year ends), and the
/// summary line.
fn compute_findings(data: &ComputeData) -> (Vec<String>, String) {
    let ComputeData {
        as_of,
        start,
        now,
        h100,
        monthly,
        yearly,
    } = data;
    let top: Vec<String> = now
        .shares
        .iter()
        .take(4)
        .map(|s| format!("{} {:.2}%", s.country, s.share))
        .collect();
    let mut findings = vec![
        format!(
            "On {} ({} clusters counted), shares of 16-bit OP/s: {}.",
            as_of,
            now.provenance.clusters_counted,
            top.join(", ")
        ),
        format!(
            "Measured in H100 equivalents instead: United States {:.2}%, China {:.2}%.",
            share_of(h100, "United States"),
            share_of(h100, "China")
        ),
    ];
    let extreme = |country: &str, highest: bool| {
        monthly
            .points
            .iter()
            .map(|p| (p.as_of, series_share(p, country)))
            .reduce(|best, next| {
                let better = if highest {
                    next.1 > best.1
                } else {
                    next.1 < best.1
                };
                if better { next } else { best }
            })
    };
    if let (Some(cn), Some(us)) = (extreme("China", true), extreme("United States", false)) {
        findings.push(format!(
            "Over time (month ends since {}): China's share peaked at {:.2}% on {}; the United States' share was lowest, {:.2}%, on {}.",
            start.year(),
            cn.1,
            cn.0,
            us.1,
            us.0
        ));
    }
    let year_text: Vec<String> = yearly
        .points
        .iter()
        .map(|p| {
            format!(
                "{}: US {:.1}%, China {:.1}%",
                p.as_of.year(),
                series_share(p, "United States"),
                series_share(p, "China")
            )
        })
        .collect();
    findings.push(format!("Year ends: {}.", year_text.join("; ")));
    let summary = format!(
        "On {} (Epoch AI clusters): United States {:.1}%, China {:.1}% of recorded 16-bit OP/s.",
        as_of,
        share_of(now, "United States"),
        share_of(now, "China")
    );
    (findings, summary)
}

/// The shares on the latest date (collapsed when long) and at each year end.
fn compute_tables(data: &ComputeData) -> (SectionTable, Table) {
    let ComputeData {
        as_of,
        now,
        h100,
        yearly,
        ..
    } = data;
    let mut now_table = Table::new(
        format!("Share of recorded AI-cluster compute by country on {as_of}"),
        &[
            "country",
            "share of 16-bit OP/s (%)",
            "share of H100 equivalents (%)",
            "clusters",
        ],
    );
    for s in &now.shares {
        now_table.rows.push(vec![
            s.country.clone(),
            format!("{:.2}", s.share),
            format!("{:.2}", share_of(h100, &s.country)),
            s.clusters.to_string(),
        ]);
    }
    let mut year_table = Table::new(
        "Share of 16-bit OP/s at each year end",
        &[
            "as of",
            "United States (%)",
            "China (%)",
            "all others (%)",
            "largest other",
        ],
    );
    for p in &yearly.points {
        let us = series_share(p, "United States");
        let cn = series_share(p, "China");
        let other = p
            .shares
            .iter()
            .find(|s| s.country != "United States" && s.country != "China")
            .map_or_else(String::new, |s| format!("{} {:.2}", s.country, s.share));
        year_table.rows.push(vec![
            p.as_of.to_string(),
            format!("{us:.2}"),
            format!("{cn:.2}"),
            format!("{:.2}", (100.0 - us - cn).max(0.0)),
            other,
        ]);
    }
    (
        SectionTable {
            table: now_table,
            collapsed: now.shares.len() > 12,
        },
        year_table,
    )
}

/// Where the compute section's numbers come from and which clusters count.
fn compute_provenance(data: &ComputeData) -> Vec<(&'static str, String)> {
    let ComputeData {
        as_of, start, now, ..
    } = data;
    let excluded = &now.provenance.excluded;
    vec![
            ("Files", format!("{} ({})", now.provenance.data, now.provenance.origin)),
            (
                "Dates",
                format!(
                    "as of {as_of} (the latest First Operational Date among counted clusters); series from {start} at month and year ends"
                ),
            ),
            ("Filters", format!("{}.", now.provenance.filter)),
            (
                "Selection rule",
                format!(
                    "{}; on {as_of}: {} counted, excluded {} not in standard analysis, {} planned, {} without date, {} not yet operational, {} decommissioned, {} without a value",
                    now.provenance.status_rule,
                    now.provenance.clusters_counted,
                    excluded.not_in_standard_analysis,
                    excluded.planned,
                    excluded.no_operational_date,
                    excluded.not_yet_operational,
                    excluded.decommissioned,
                    excluded.no_value_for_measure
                ),
            ),
            (
                "Recompute",
                "versus race compute; versus race compute --measure h100e; versus race compute --every month".to_string(),
            ),
        ]
}

/// (e) Compute share by country, now and over time.
fn section_compute(input: &ReportInput<'_>) -> Result<Section> {
    let data = compute_data(input)?;
    let (findings, summary) = compute_findings(&data);
    let (now_table, year_table) = compute_tables(&data);
    Ok(Section {
        id: "compute",
        title: "(e) Where the AI compute is".to_string(),
        claim: "Who holds the compute: each country's share of the world's AI-cluster compute, now and over time.".to_string(),
        findings,
        figure: Some((
            svg::compute_chart(&data.monthly),
            "Stacked share of the recorded 16-bit OP/s of operational GPU clusters by country, at each month end.".to_string(),
        )),
        tables: vec![
            now_table,
            year_table.into(),
        ],
        provenance: compute_provenance(&data),
        caveats: vec![
            compute::COVERAGE_CAVEAT.to_string(),
            "Shares depend on the measure: peak 16-bit OP/s and H100 equivalents weight chip generations differently (both shown above).".to_string(),
            "A cluster counts for the country where it stands, whoever owns or rents it.".to_string(),
        ],
        summary,
    })
}

/// The leaders in LMArena's published leaderboard closest to the bundled votes.
fn published_votes_point(input: &ReportInput<'_>) -> Result<Option<GapPoint>> {
    let mut published_selection = SnapshotSelection::overall();
    published_selection.snapshot = Some(date(VOTES_PUBLISHED_SNAPSHOT)?);
    Ok(gap::gap(
        input.registry,
        input.history,
        &query(
            input.registry,
            GroupBy::Country,
            ("United States", "China"),
            Every::Snapshot,
            published_selection,
        )?,
    )
    .ok()
    .and_then(|r| r.points.into_iter().next()))
}

/// What one fit of the votes says, compared with the published leaderboard, and the summary line.
fn votes_findings(
    report: &VotesGapReport,
    p: &VotesGapPoint,
    published: Option<&GapPoint>,
) -> (Vec<String>, String) {
    let mut findings = vec![format!(
        "One Bradley-Terry fit of {} votes: best {} {} at {:.1} [{:.1}, {:.1}], best {} {} at {:.1} [{:.1}, {:.1}].",
        thousands(report.provenance.battles),
        report.a,
        p.a.name,
        p.a.rating,
        p.a.lower.unwrap_or(f64::NAN),
        p.a.upper.unwrap_or(f64::NAN),
        report.b,
        p.b.name,
        p.b.rating,
        p.b.lower.unwrap_or(f64::NAN),
        p.b.upper.unwrap_or(f64::NAN),
    )];
    findings.push(format!(
        "Gap {:.1} points, 95% bootstrap interval [{:.1}, {:.1}] ({} replicates, seed {}, the best model of each side re-chosen in every replicate); win probability {:.3}; separable (interval excludes 0): {}.",
        p.gap,
        p.gap_lower,
        p.gap_upper,
        report.provenance.rounds,
        report.provenance.seed,
        p.win_probability,
        p.separable
    ));
    findings.push(format!(
        "The leaders were the same models in {:.0}% ({}) and {:.0}% ({}) of the replicates.",
        p.a_leader_stability * 100.0,
        report.a,
        p.b_leader_stability * 100.0,
        report.b
    ));
    if let Some(pub_point) = published {
        findings.push(format!(
            "LMArena's published leaderboard of {} ({}): {} {:.1} vs {} {:.1}, gap {:.1} points — {} the votes' interval.",
            pub_point.snapshot,
            pub_point.source.name(),
            pub_point.a.name,
            pub_point.a.rating,
            pub_point.b.name,
            pub_point.b.rating,
            pub_point.gap,
            if pub_point.gap >= p.gap_lower && pub_point.gap <= p.gap_upper { "inside" } else { "outside" }
        ));
        findings.push(format!(
            "The anchor at work: this fit puts the {} leader at {:.1}, the published table at {:.1} — the two scales sit {:.1} points apart (different anchors), yet the gaps agree within {:.1} points, while gap_percent reads {:.2}% here and {:.2}% there.",
            report.a,
            p.a.rating,
            pub_point.a.rating,
            pub_point.a.rating - p.a.rating,
            (pub_point.gap - p.gap).abs(),
            p.gap_percent,
            pub_point.gap_percent
        ));
    }
    let summary = format!(
        "gap {:.1} [{:.1}, {:.1}] points ({} vs {}), separable: {}.",
        p.gap, p.gap_lower, p.gap_upper, p.a.name, p.b.name, p.separable
    );
    (findings, summary)
}

/// The two leaders and the gap from the votes, and the published gap for comparison.
fn votes_table(report: &VotesGapReport, p: &VotesGapPoint, published: Option<&GapPoint>) -> Table {
    let mut table = Table::new(
        "US-China gap from one fit of the votes",
        &[
            "side",
            "best model",
            "rating",
            "95% CI",
            "same leader in replicates",
        ],
    );
    for (side, leader, stability) in [
        (&report.a, &p.a, p.a_leader_stability),
        (&report.b, &p.b, p.b_leader_stability),
    ] {
        table.rows.push(vec![
            side.clone(),
            leader.name.clone(),
            format!("{:.1}", leader.rating),
            match (leader.lower, leader.upper) {
                (Some(l), Some(u)) => format!("[{l:.1}, {u:.1}]"),
                _ => versus_present::MISSING.to_string(),
            },
            format!("{:.0}%", stability * 100.0),
        ]);
    }
    table.rows.push(vec![
        "gap".to_string(),
        format!("{} - {}", report.a, report.b),
        format!("{:.1}", p.gap),
        format!("[{:.1}, {:.1}]", p.gap_lower, p.gap_upper),
        format!("P({} wins) = {:.3}", report.a, p.win_probability),
    ]);
    if let Some(pub_point) = published {
        table.rows.push(vec![
            format!("published {}", pub_point.snapshot),
            format!("{} vs {}", pub_point.a.name, pub_point.b.name),
            format!("{:.1}", pub_point.gap),
            versus_present::MISSING.to_string(),
            format!("P = {:.3}", pub_point.win_probability),
        ]);
    }
    table
}

/// Where the votes section's numbers come from.
fn votes_provenance(
    input: &ReportInput<'_>,
    report: &VotesGapReport,
) -> Vec<(&'static str, String)> {
    vec![
            (
                "Files",
                format!(
                    "{} (LMArena's public battle log of 2024-08-14 counted per model pair, via leaderbot; see data/arena-votes-2024-08-14/SOURCES.md); {} (country of each model)",
                    report.provenance.votes.join(", "),
                    registry::MODELS_FILE
                ),
            ),
            (
                "Dates",
                format!(
                    "votes up to 2024-08-14 (no timestamps in the file); compared with the published snapshot of {VOTES_PUBLISHED_SNAPSHOT} in {}",
                    history::HISTORY_FILE
                ),
            ),
            (
                "Filters",
                "all anonymous votes in the file, ties counted as half a win; models unknown to the registry are on neither side".to_string(),
            ),
            (
                "Selection rule",
                format!(
                    "{}; {} bootstrap rounds, seed {}; best model per side by rating",
                    report.provenance.method, input.votes_rounds, input.votes_seed
                ),
            ),
            (
                "Recompute",
                format!(
                    "versus race gap --votes {} --rounds {} --seed {}",
                    report.provenance.votes.join(" "),
                    input.votes_rounds,
                    input.votes_seed
                ),
            ),
        ]
}

/// (f) The gap from one fit of the bundled 2024-08-14 votes, with its bootstrap interval.
fn section_votes(input: &ReportInput<'_>) -> Result<Section> {
    let published = published_votes_point(input)?;
    let Some(report) = input.votes else {
        return Ok(Section {
            id: "votes",
            title: "(f) The gap from the votes themselves".to_string(),
            claim: "The published gap is reproducible from LMArena's raw votes.".to_string(),
            findings: vec!["Not computed: no vote file was given.".to_string()],
            figure: None,
            tables: Vec::new(),
            provenance: vec![(
                "Recompute",
                format!("versus report --votes {DEFAULT_VOTES_FILE}"),
            )],
            caveats: Vec::new(),
            summary: "Votes: not computed.".to_string(),
        });
    };
    let p = report
        .points
        .first()
        .ok_or_else(|| Error::Query("the votes fit has no point".into()))?;
    let (findings, summary) = votes_findings(report, p, published.as_ref());
    let table = votes_table(report, p, published.as_ref());
    Ok(Section {
        id: "votes",
        title: "(f) The gap from the votes themselves (2024-08-14)".to_string(),
        claim: "The published gap is not an artefact of LMArena's pipeline: refitting its public vote log gives the same gap, and an interval for it.".to_string(),
        findings,
        figure: None,
        tables: vec![table.into()],
        provenance: votes_provenance(input, report),
        caveats: vec![
            "The interval is the gap's own: in every bootstrap replicate the best model of each side is found again, so it covers who leads as well as by how much.".to_string(),
            CAVEAT_ANCHOR.to_string(),
            "The vote log has no style features, so this fit cannot be style-controlled.".to_string(),
            "Model keys in the vote log and in the published table differ slightly (chatgpt-4o-latest vs chatgpt-4o-latest-2024-08-08 for the same model).".to_string(),
        ],
        summary,
    })
}

/// (g) The leaderboard audited from its own votes: the figures and tables of `versus audit`
/// (`crate::audit`), computed by the caller from the same vote file as (f).
fn section_audit(input: &ReportInput<'_>) -> Section {
    let recompute = format!(
        "versus audit {DEFAULT_VOTES_FILE} --rounds {} --seed {}",
        input.votes_rounds, input.votes_seed
    );
    let claim = "The Leaderboard Illusion (Singh et al., 2025, arXiv:2504.20879): a few providers get far more battles than the rest, many top places are statistically tied, and removing models changes the ranks of the others, so the leaderboard partly measures sampling.".to_string();
    let Some(audit) = input.audit else {
        return Section {
            id: "audit",
            title: "(g) The leaderboard audited from its votes".to_string(),
            claim,
            findings: vec!["Not computed: no vote file was given.".to_string()],
            figure: None,
            tables: Vec::new(),
            provenance: vec![("Recompute", recompute)],
            caveats: Vec::new(),
            summary: "Audit: not computed.".to_string(),
        };
    };
    let mut findings = Vec::new();
    let organisations = audit
        .shares
        .iter()
        .find(|(by, _)| *by == GroupBy::Organisation)
        .map(|(_, s)| s.as_slice())
        .unwrap_or_default();
    if let Some(top) = organisations.first() {
        let top3: f64 = organisations.iter().take(3).map(|s| s.share).sum();
        findings.push(format!(
            "The models of {} have {:.1}% of all appearances in battles; the three most-sampled organisations together {:.1}% ({} organisations in all).",
            top.group,
            100.0 * top.share,
            100.0 * top3,
            organisations.len()
        ));
    }
    findings.push(format!(
        "Sampling inequality: the Gini coefficient of battles per model is {:.3}{}.",
        audit.sampling.gini_battles,
        audit
            .sampling
            .gini_per_day
            .map_or_else(String::new, |g| format!(
                ", of battles per active day {g:.3}"
            ))
    ));
    let st = &audit.stability;
    findings.push(format!(
        "Rank stability: {} of the top {} positions are statistically tied ({} bootstrap rounds, {:.0}% rank intervals).",
        st.tied_positions,
        st.top.len(),
        st.rounds,
        100.0 * st.level
    ));
    findings.push(format!(
        "{} models of these votes are missing from the newest published leaderboard; without their battles, {} of the others change rank.",
        audit.deprecated.len(),
        audit
            .deprecation_changes
            .iter()
            .filter(|c| c.rank_with != c.rank_without)
            .count()
    ));
    for g in &audit.gaps {
        findings.push(format!(
            "Gap, {}: {:.1} points [{:.1}, {:.1}] ({} vs {}).",
            g.label, g.gap.gap, g.gap.gap_lower, g.gap.gap_upper, g.gap.a.name, g.gap.b.name
        ));
    }
    if let Some(note) = &audit.gap_note {
        findings.push(note.clone());
    }
    let summary = format!(
        "top organisation {:.1}% of appearances, Gini {:.3}, {} of the top {} tied",
        organisations.first().map_or(0.0, |s| 100.0 * s.share),
        audit.sampling.gini_battles,
        st.tied_positions,
        st.top.len()
    );
    let tables = audit
        .tables()
        .into_iter()
        .map(|table| SectionTable {
            collapsed: table.rows.len() > 12,
            table,
        })
        .collect();
    Section {
        id: "audit",
        title: "(g) The leaderboard audited from its votes (2024-08-14)".to_string(),
        claim,
        findings,
        figure: None,
        tables,
        provenance: vec![
            ("Files", audit.votes.join(", ")),
            (
                "Method",
                "battle shares per appearance; Gini coefficient of battles per model; bootstrap rank intervals (percentile); deprecated models = rated in the votes but absent from the newest published overall leaderboard; the gap refitted with each side's most-sampled organisation down-weighted to the median organisation's share".to_string(),
            ),
            ("Recompute", recompute),
        ],
        caveats: vec![
            "The bundled votes are counted per model pair, without dates: battles per day and monthly shares need a vote file with timestamps (a vote release added with versus data add).".to_string(),
            "A statistical tie is an overlap of bootstrap rank intervals, a conservative test.".to_string(),
        ],
        summary,
    }
}

/// The whole page (`templates/report.html`): the data line, the summary, the sections and the
/// caveats that apply throughout.
#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    version: &'static str,
    /// The newest leaderboard snapshot's date (the page says it; its age depends on the reader's
    /// day, so `versus report` warns on stderr instead).
    as_of: String,
    history_file: &'static str,
    history_rows: String,
    snapshot_count: usize,
    models_file: &'static str,
    model_count: usize,
    clusters_file: &'static str,
    cluster_count: usize,
    /// The vote files and the number of votes, when the votes section was computed.
    votes: Option<(String, String)>,
    sections: &'a [Section],
    caveats: &'a [&'a str],
}

/// Caveats that apply to every section, listed at the end of the page.
const CAVEATS_THROUGHOUT: [&str; 8] = [
    CAVEAT_DRIFT,
    CAVEAT_ANCHOR,
    CAVEAT_STYLE,
    CAVEAT_TIES,
    compute::COVERAGE_CAVEAT,
    CAVEAT_COUNTRY,
    gap::NOTE_WIN_PROBABILITY,
    "The leaderboard history has a hole between 2025-08-04 and 2025-11-05 (no snapshot in the public sources); charts shade it and draw no line across it.",
];

/// The whole page. Deterministic: the same data give the same bytes (no clock, no randomness
/// beyond the seeded bootstrap the caller ran).
pub fn report_html(input: &ReportInput<'_>) -> Result<String> {
    let (gap_country, _) = section_gap_country(input)?;
    let sections = [
        gap_country,
        section_gap_style(input)?,
        section_gap_licence(input)?,
        section_value(input)?,
        section_compute(input)?,
        section_votes(input)?,
        section_audit(input),
    ];
    let snapshot_count = Source::ALL
        .iter()
        .map(|s| {
            input
                .history
                .snapshots(history::OVERALL_CATEGORY, false)
                .iter()
                .filter(|id| id.source == *s)
                .count()
        })
        .sum::<usize>();
    let page = ReportPage {
        version: env!("CARGO_PKG_VERSION"),
        as_of: input
            .history
            .rows()
            .iter()
            .map(|r| r.date)
            .max()
            .map_or_else(|| "no snapshot".to_string(), |d| d.to_string()),
        history_file: history::HISTORY_FILE,
        history_rows: thousands(input.history.rows().len() as f64),
        snapshot_count,
        models_file: registry::MODELS_FILE,
        model_count: input.registry.models().len(),
        clusters_file: compute::CLUSTERS_FILE,
        cluster_count: input.clusters.len(),
        votes: input.votes.map(|v| {
            (
                v.provenance.votes.join(", "),
                thousands(v.provenance.battles),
            )
        }),
        sections: &sections,
        caveats: &CAVEATS_THROUGHOUT,
    };
    let mut html = page.render().map_err(versus_present::Error::from)?;
    html.push('\n');
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_670_250.0), "1,670,250");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1000.0), "-1,000");
    }

    #[test]
    fn section_text_is_escaped_by_the_template() {
        let mut table = Table::new("<caption>", &["a&b"]);
        table
            .rows
            .push(vec!["<script>alert('x')</script>".to_string()]);
        let section = Section {
            id: "s",
            title: "<b>title</b>".into(),
            claim: "\"quoted\"".into(),
            findings: vec!["a < b".into()],
            figure: Some(("<svg></svg>".into(), "fig & caption".into())),
            tables: vec![table.into()],
            provenance: vec![("Files", "x > y".into())],
            caveats: vec!["it's".into()],
            summary: "sum".into(),
        };
        let page = ReportPage {
            version: "0",
            as_of: "2025-12-11".into(),
            history_file: "h",
            history_rows: "1".into(),
            snapshot_count: 1,
            models_file: "m",
            model_count: 1,
            clusters_file: "c",
            cluster_count: 1,
            votes: None,
            sections: std::slice::from_ref(&section),
            caveats: &["<caveat>"],
        };
        let html = page.render().unwrap_or_default();
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(
            !html.contains("<script>") && html.contains("&#60;script&#62;"),
            "{html}"
        );
        assert!(html.contains("<th>a&#38;b</th>") && html.contains("&#60;caption&#62;"));
        assert!(
            html.contains("<h2>&#60;b&#62;title&#60;/b&#62;</h2>"),
            "{html}"
        );
        assert!(
            html.contains("<figure>\n<svg></svg><figcaption>fig &#38; caption"),
            "{html}"
        );
        assert!(html.contains("<li>&#60;caveat&#62;</li>"), "{html}");
    }
}
