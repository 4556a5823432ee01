//! `versus race gap`: at each leaderboard snapshot, the best model of side A against the best of
//! side B — the gap in rating points, what it means as a head-to-head win probability, and
//! whether the two leaders can be told apart at all given their intervals.
//!
//! The computation takes [`RatedSnapshot`]s rather than reading the history itself, so ratings
//! fitted from a vote file (the planned `--votes` mode, using `versus-rank`) can be fed in as one
//! more snapshot without touching this code.

use crate::date::Date;
use crate::error::{Error, Result};
use crate::group::GroupBy;
use crate::history::{self, History, SnapshotId, Source};
use crate::registry::{self, Registry};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use versus_present::{self as present, Table, Tabular};

/// One model's rating inside a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct RatedModel {
    pub key: String,
    pub rating: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// A whole leaderboard at one moment: the unit the gap is computed on.
#[derive(Clone, Debug)]
pub struct RatedSnapshot {
    pub id: SnapshotId,
    pub ratings: Vec<RatedModel>,
}

/// The rating of every model in one snapshot of the shipped history.
pub fn rated_snapshot(
    history: &History,
    id: SnapshotId,
    category: &str,
    style_control: bool,
) -> RatedSnapshot {
    RatedSnapshot {
        id,
        ratings: history
            .snapshot_rows(id, category, style_control)
            .map(|r| RatedModel {
                key: r.key.clone(),
                rating: r.rating,
                lower: r.lower,
                upper: r.upper,
            })
            .collect(),
    }
}

/// How densely to sample the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// One point per selected snapshot.
    Snapshot,
    /// One point per calendar month: the month's last selected snapshot.
    Month,
}

impl Every {
    pub const ALL: [Every; 2] = [Every::Snapshot, Every::Month];

    pub fn name(&self) -> &'static str {
        match self {
            Every::Snapshot => "snapshot",
            Every::Month => "month",
        }
    }

    pub fn from_name(text: &str) -> Option<Every> {
        Every::ALL.into_iter().find(|e| e.name() == text.trim())
    }
}

pub const MONTH_RULE: &str = "each month is represented by its last selected snapshot in which both sides have a rated model";

/// Which snapshots of the history to use.
#[derive(Clone, Debug)]
pub struct SnapshotSelection {
    pub category: String,
    pub style_control: bool,
    /// Restrict to one source instead of applying the precedence rule.
    pub source: Option<Source>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// A single snapshot date (overrides from/to).
    pub snapshot: Option<Date>,
}

impl SnapshotSelection {
    pub fn overall() -> SnapshotSelection {
        SnapshotSelection {
            category: history::OVERALL_CATEGORY.to_string(),
            style_control: false,
            source: None,
            from: None,
            to: None,
            snapshot: None,
        }
    }

    /// The rule text for provenance.
    pub fn rule(&self) -> String {
        match (self.snapshot, self.source) {
            (Some(date), _) => {
                format!("the snapshot of {date} (highest-precedence source publishing that date)")
            }
            (None, Some(source)) => format!("only {} snapshots (--source)", source.name()),
            (None, None) => history::PRECEDENCE_RULE.to_string(),
        }
    }

    /// Applies the selection to the history.
    pub fn select(&self, history: &History) -> Result<Vec<SnapshotId>> {
        let candidates: Vec<SnapshotId> = history
            .snapshots(&self.category, self.style_control)
            .into_iter()
            .filter(|s| self.source.is_none_or(|source| s.source == source))
            .collect();
        if candidates.is_empty() {
            return Err(Error::Query(format!(
                "no snapshot publishes category `{}`{}{}; categories: {}",
                self.category,
                if self.style_control {
                    " with style control"
                } else {
                    " without style control"
                },
                self.source
                    .map(|s| format!(" from {}", s.name()))
                    .unwrap_or_default(),
                history.categories().join(", ")
            )));
        }
        if let Some(date) = self.snapshot {
            return match candidates
                .iter()
                .filter(|s| s.date == date)
                .min_by_key(|s| s.source)
            {
                Some(found) => Ok(vec![*found]),
                None => {
                    let before = candidates.iter().rev().find(|s| s.date < date);
                    let after = candidates.iter().find(|s| s.date > date);
                    let near: Vec<String> = before
                        .iter()
                        .chain(after.iter())
                        .map(|s| s.date.to_string())
                        .collect();
                    Err(Error::Query(format!(
                        "no snapshot on {date} for category `{}`; nearest: {}",
                        self.category,
                        if near.is_empty() {
                            "none".to_string()
                        } else {
                            near.join(", ")
                        }
                    )))
                }
            };
        }
        let chosen = if self.source.is_some() {
            candidates
        } else {
            history::select_by_precedence(&candidates)
        };
        Ok(chosen
            .into_iter()
            .filter(|s| {
                self.from.is_none_or(|from| s.date >= from) && self.to.is_none_or(|to| s.date <= to)
            })
            .collect())
    }
}

/// A gap request with sides already resolved to registry group names.
#[derive(Clone, Debug)]
pub struct GapQuery {
    pub by: GroupBy,
    pub a: String,
    pub b: String,
    pub every: Every,
    pub selection: SnapshotSelection,
}

/// A side's best model in a snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct Leader {
    /// The leaderboard key.
    pub model: String,
    /// The display name.
    pub name: String,
    pub organization: String,
    pub rating: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Whether two leaders are told apart by their 95% intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Separable {
    Yes,
    No,
    /// The source publishes no intervals.
    Unknown,
}

impl Separable {
    pub fn as_str(&self) -> &'static str {
        match self {
            Separable::Yes => "yes",
            Separable::No => "no",
            Separable::Unknown => "unknown",
        }
    }

    /// "yes" when the intervals do not overlap. This is conservative: two overlapping 95%
    /// intervals can still belong to significantly different ratings.
    pub fn of(a: &Leader, b: &Leader) -> Separable {
        match (a.lower, a.upper, b.lower, b.upper) {
            (Some(a_low), Some(a_high), Some(b_low), Some(b_high)) => {
                if a_low > b_high || b_low > a_high {
                    Separable::Yes
                } else {
                    Separable::No
                }
            }
            _ => Separable::Unknown,
        }
    }
}

/// Elo/Bradley–Terry probability that a model rated `gap` points higher wins a single vote
/// (ties ignored), on LMArena's 400-point logistic scale.
pub fn win_probability(gap: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf(-gap / 400.0))
}

#[derive(Clone, Debug, Serialize)]
pub struct GapPoint {
    /// The period the point stands for: the snapshot date, or `YYYY-MM` with `--every month`.
    pub date: String,
    /// The snapshot the numbers come from.
    pub snapshot: Date,
    pub source: Source,
    pub a: Leader,
    pub b: Leader,
    /// A's leader minus B's leader, in rating points.
    pub gap: f64,
    /// Probability that A's leader beats B's leader in one vote.
    pub win_probability: f64,
    /// The gap as a percentage of B's leader's rating (fragile: see the provenance notes).
    pub gap_percent: f64,
    pub separable: Separable,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceUse {
    pub source: Source,
    pub origin: &'static str,
    pub snapshots_used: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SkippedSnapshot {
    pub snapshot: Date,
    pub source: Source,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct GapProvenance {
    pub history: &'static str,
    pub registry: &'static str,
    pub category: String,
    pub style_control: bool,
    pub selection: String,
    pub month_rule: Option<&'static str>,
    pub sources: Vec<SourceUse>,
    pub skipped: Vec<SkippedSnapshot>,
    /// Rated keys missing from the registry (they cannot be assigned to a side).
    pub unregistered_keys: Vec<String>,
    pub notes: Vec<&'static str>,
}

pub const NOTE_COMPARABLE: &str = "Ratings are comparable only within one snapshot (each publication refits the scale); read the gap over time, not the ratings.";
pub const NOTE_WIN_PROBABILITY: &str = "win_probability = 1 / (1 + 10^(-gap/400)): the chance A's leader is preferred to B's in one vote under the Bradley-Terry model the ratings come from, ties left out.";
pub const NOTE_GAP_PERCENT: &str = "gap_percent = gap / B's rating x 100 is fragile: arena ratings are anchored arbitrarily (adding a constant to every rating changes no prediction), so the percentage depends on the anchor; the gap in points and the win probability do not.";
pub const NOTE_SEPARABLE: &str = "separable: 'yes' when the two leaders' 95% intervals do not overlap, 'no' when they do (a conservative test), 'unknown' when the source publishes no intervals (elo-history).";

#[derive(Clone, Debug, Serialize)]
pub struct GapReport {
    pub by: GroupBy,
    pub a: String,
    pub b: String,
    pub points: Vec<GapPoint>,
    pub provenance: GapProvenance,
}

fn best_of(
    registry: &Registry,
    by: GroupBy,
    group: &str,
    ratings: &[RatedModel],
) -> Option<Leader> {
    ratings
        .iter()
        .filter_map(|r| registry.get(&r.key).map(|m| (r, m)))
        .filter(|(_, m)| by.group_of(m) == group)
        // Highest rating; among equal ratings the smallest key, so output never depends on order.
        .max_by(|(x, _), (y, _)| {
            x.rating
                .total_cmp(&y.rating)
                .then_with(|| y.key.cmp(&x.key))
        })
        .map(|(r, m)| Leader {
            model: r.key.clone(),
            name: m.display_name.clone(),
            organization: m.organization.clone(),
            rating: r.rating,
            lower: r.lower,
            upper: r.upper,
        })
}

/// The gap at one snapshot, or why there is none.
pub fn gap_at(
    registry: &Registry,
    query: &GapQuery,
    snapshot: &RatedSnapshot,
) -> std::result::Result<GapPoint, String> {
    let a = best_of(registry, query.by, &query.a, &snapshot.ratings);
    let b = best_of(registry, query.by, &query.b, &snapshot.ratings);
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (None, _) => return Err(format!("no rated model of {}", query.a)),
        (_, None) => return Err(format!("no rated model of {}", query.b)),
    };
    let gap = a.rating - b.rating;
    let separable = Separable::of(&a, &b);
    let gap_percent = if b.rating != 0.0 {
        gap / b.rating * 100.0
    } else {
        f64::NAN
    };
    Ok(GapPoint {
        date: snapshot.id.date.to_string(),
        snapshot: snapshot.id.date,
        source: snapshot.id.source,
        gap: present::round(gap, 1),
        win_probability: present::round(win_probability(gap), 4),
        gap_percent: present::round(gap_percent, 2),
        separable,
        a,
        b,
    })
}

/// Computes the gap report from already-rated snapshots (sorted by date).
pub fn gap_report(registry: &Registry, query: &GapQuery, snapshots: &[RatedSnapshot]) -> GapReport {
    let mut points = Vec::new();
    let mut skipped = Vec::new();
    let mut unregistered = BTreeSet::new();
    for snapshot in snapshots {
        for rated in &snapshot.ratings {
            if registry.get(&rated.key).is_none() {
                unregistered.insert(rated.key.clone());
            }
        }
        match gap_at(registry, query, snapshot) {
            Ok(point) => points.push(point),
            Err(reason) => skipped.push(SkippedSnapshot {
                snapshot: snapshot.id.date,
                source: snapshot.id.source,
                reason,
            }),
        }
    }
    if query.every == Every::Month {
        let mut by_month: BTreeMap<String, GapPoint> = BTreeMap::new();
        for mut point in points {
            let month = point.snapshot.month_label();
            point.date = month.clone();
            // Points arrive in date order, so the last insert per month wins.
            by_month.insert(month, point);
        }
        points = by_month.into_values().collect();
    }
    let mut sources = Vec::new();
    for source in Source::ALL {
        let dates: Vec<Date> = points
            .iter()
            .filter(|p| p.source == source)
            .map(|p| p.snapshot)
            .collect();
        if !dates.is_empty() {
            sources.push(SourceUse {
                source,
                origin: source.origin(),
                snapshots_used: dates.len(),
                first: dates.first().copied(),
                last: dates.last().copied(),
            });
        }
    }
    GapReport {
        by: query.by,
        a: query.a.clone(),
        b: query.b.clone(),
        points,
        provenance: GapProvenance {
            history: history::HISTORY_FILE,
            registry: registry::MODELS_FILE,
            category: query.selection.category.clone(),
            style_control: query.selection.style_control,
            selection: query.selection.rule(),
            month_rule: (query.every == Every::Month).then_some(MONTH_RULE),
            sources,
            skipped,
            unregistered_keys: unregistered.into_iter().collect(),
            notes: vec![
                NOTE_COMPARABLE,
                NOTE_WIN_PROBABILITY,
                NOTE_GAP_PERCENT,
                NOTE_SEPARABLE,
            ],
        },
    }
}

/// Selects snapshots from the shipped-format history and computes the report.
pub fn gap(registry: &Registry, history: &History, query: &GapQuery) -> Result<GapReport> {
    let ids = query.selection.select(history)?;
    let snapshots: Vec<RatedSnapshot> = ids
        .into_iter()
        .map(|id| {
            rated_snapshot(
                history,
                id,
                &query.selection.category,
                query.selection.style_control,
            )
        })
        .collect();
    Ok(gap_report(registry, query, &snapshots))
}

impl Tabular for GapReport {
    fn to_table(&self) -> Table {
        let title = format!(
            "Best {a} vs best {b} model ({by}), LMArena text, category `{cat}`{style}",
            a = self.a,
            b = self.b,
            by = self.by.name(),
            cat = self.provenance.category,
            style = if self.provenance.style_control {
                ", style-controlled"
            } else {
                ""
            },
        );
        let mut table = Table::new(
            title,
            &[
                "date",
                "snapshot",
                "source",
                "a_model",
                "a_rating",
                "a_lower",
                "a_upper",
                "b_model",
                "b_rating",
                "b_lower",
                "b_upper",
                "gap",
                "win_probability",
                "gap_percent",
                "separable",
            ],
        );
        for p in &self.points {
            table.rows.push(vec![
                p.date.clone(),
                p.snapshot.to_string(),
                p.source.name().to_string(),
                p.a.name.clone(),
                present::cell(Some(p.a.rating), 1),
                present::cell(p.a.lower, 1),
                present::cell(p.a.upper, 1),
                p.b.name.clone(),
                present::cell(Some(p.b.rating), 1),
                present::cell(p.b.lower, 1),
                present::cell(p.b.upper, 1),
                present::cell(Some(p.gap), 1),
                present::cell(Some(p.win_probability), 3),
                present::cell(Some(p.gap_percent), 2),
                p.separable.as_str().to_string(),
            ]);
        }
        table
            .notes
            .push(format!("Selection: {}.", self.provenance.selection));
        if let Some(rule) = self.provenance.month_rule {
            table.notes.push(format!("Months: {rule}."));
        }
        for used in &self.provenance.sources {
            table.notes.push(format!(
                "{} ({} snapshots, {}..{}): {}.",
                used.source.name(),
                used.snapshots_used,
                used.first.map(|d| d.to_string()).unwrap_or_default(),
                used.last.map(|d| d.to_string()).unwrap_or_default(),
                used.origin
            ));
        }
        if !self.provenance.skipped.is_empty() {
            table.notes.push(format!(
                "{} snapshot(s) skipped because a side had no rated model (first: {} {}).",
                self.provenance.skipped.len(),
                self.provenance.skipped[0].snapshot,
                self.provenance.skipped[0].reason
            ));
        }
        table.notes.push(format!(
            "Data: {} (countries, organisations) and {} (ratings), both built from public data; see data/registry/SOURCES.md.",
            self.provenance.registry, self.provenance.history
        ));
        for note in &self.provenance.notes {
            table.notes.push(note.to_string());
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_probability_is_logistic_on_400_points() {
        assert!((win_probability(0.0) - 0.5).abs() < 1e-12);
        assert!((win_probability(400.0) - 10.0 / 11.0).abs() < 1e-12);
        assert!((win_probability(-100.0) + win_probability(100.0) - 1.0).abs() < 1e-12);
    }

    fn leader(lower: Option<f64>, upper: Option<f64>) -> Leader {
        Leader {
            model: String::new(),
            name: String::new(),
            organization: String::new(),
            rating: 0.0,
            lower,
            upper,
        }
    }

    #[test]
    fn separability_needs_disjoint_intervals() {
        assert_eq!(
            Separable::of(
                &leader(Some(10.0), Some(20.0)),
                &leader(Some(0.0), Some(9.0))
            ),
            Separable::Yes
        );
        assert_eq!(
            Separable::of(
                &leader(Some(10.0), Some(20.0)),
                &leader(Some(0.0), Some(10.0))
            ),
            Separable::No
        );
        assert_eq!(
            Separable::of(&leader(None, None), &leader(Some(0.0), Some(9.0))),
            Separable::Unknown
        );
    }
}
