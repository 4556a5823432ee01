//! The gap from one vote file instead of the published history: every model rated in one
//! Bradley–Terry fit, and the gap's own uncertainty from the bootstrap — in each replicate the
//! best model of each side is found again (it may change), so the interval covers "who leads"
//! as well as "by how much" (Efron & Tibshirani 1993, percentile interval of a statistic).

use crate::error::{Error, Result};
use crate::gap::{Leader, NOTE_GAP_PERCENT, NOTE_WIN_PROBABILITY, win_probability};
use crate::group::GroupBy;
use crate::registry::Registry;
use serde::Serialize;
use versus_present::{self as present, OutputFormat, Table};

/// Ratings of one fit, in model order, with the Elo-scale bootstrap replicates.
pub struct FittedVotes<'a> {
    pub models: &'a [String],
    pub ratings: &'a [f64],
    pub lower: &'a [f64],
    pub upper: &'a [f64],
    /// One row of ratings per bootstrap replicate (same model order).
    pub replicates: &'a [Vec<f64>],
    /// Central coverage of the intervals (e.g. 0.95).
    pub level: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct VotesGapPoint {
    /// Date of the newest vote, when the votes carry timestamps.
    pub date: Option<String>,
    pub snapshot: &'static str,
    pub a: Leader,
    pub b: Leader,
    pub gap: f64,
    /// Percentile bootstrap interval of the gap (best of A minus best of B, recomputed per replicate).
    pub gap_lower: f64,
    pub gap_upper: f64,
    pub win_probability: f64,
    pub gap_percent: f64,
    /// "yes" when the gap's interval excludes 0.
    pub separable: &'static str,
    /// Share of replicates in which A's (B's) leader is the same model as in the full fit.
    pub a_leader_stability: f64,
    pub b_leader_stability: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct VotesProvenance {
    pub votes: Vec<String>,
    pub battles: f64,
    pub method: String,
    pub rounds: usize,
    pub seed: u64,
    pub level: f64,
    /// Rated models the registry does not know (assigned to no side).
    pub unregistered_keys: Vec<String>,
    pub notes: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VotesGapReport {
    pub by: GroupBy,
    pub a: String,
    pub b: String,
    pub points: Vec<VotesGapPoint>,
    pub provenance: VotesProvenance,
}

const NOTE_GAP_INTERVAL: &str = "gap_lower/gap_upper: percentile bootstrap interval of (best rating of A) - (best rating of B), with both maxima recomputed in every replicate; it accounts for the leader itself being uncertain.";

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The best model of each side in the full fit and in every replicate.
pub fn gap_from_votes(
    registry: &Registry,
    by: GroupBy,
    a: &str,
    b: &str,
    fit: &FittedVotes<'_>,
    date: Option<String>,
    provenance: VotesProvenance,
) -> Result<VotesGapReport> {
    let side = |i: usize| registry.get(&fit.models[i]).map(|m| by.group_of(m));
    let members = |group: &str| -> Vec<usize> {
        (0..fit.models.len())
            .filter(|&i| side(i).as_deref() == Some(group))
            .collect()
    };
    let (in_a, in_b) = (members(a), members(b));
    for (name, m) in [(a, &in_a), (b, &in_b)] {
        if m.is_empty() {
            return Err(Error::Query(format!(
                "no rated model of {name} in the votes"
            )));
        }
    }
    let best = |ids: &[usize], r: &[f64]| -> usize {
        ids.iter().copied().fold(ids[0], |best, i| {
            if r[i] > r[best] || (r[i] == r[best] && fit.models[i] < fit.models[best]) {
                i
            } else {
                best
            }
        })
    };
    let (ia, ib) = (best(&in_a, fit.ratings), best(&in_b, fit.ratings));
    let leader = |i: usize| -> Leader {
        let record = registry.get(&fit.models[i]);
        Leader {
            model: fit.models[i].clone(),
            name: record.map_or_else(|| fit.models[i].clone(), |m| m.display_name.clone()),
            organization: record.map_or_else(String::new, |m| m.organization.clone()),
            rating: fit.ratings[i],
            lower: fit.lower[i].is_finite().then_some(fit.lower[i]),
            upper: fit.upper[i].is_finite().then_some(fit.upper[i]),
        }
    };
    let mut gaps = Vec::with_capacity(fit.replicates.len());
    let (mut same_a, mut same_b) = (0usize, 0usize);
    for rep in fit.replicates {
        let (ra, rb) = (best(&in_a, rep), best(&in_b, rep));
        same_a += usize::from(ra == ia);
        same_b += usize::from(rb == ib);
        gaps.push(rep[ra] - rep[rb]);
    }
    gaps.sort_by(f64::total_cmp);
    let tail = (1.0 - fit.level) / 2.0;
    let (gap_lower, gap_upper) = (quantile(&gaps, tail), quantile(&gaps, 1.0 - tail));
    let gap = fit.ratings[ia] - fit.ratings[ib];
    let n = fit.replicates.len().max(1) as f64;
    let separable = if gaps.is_empty() {
        "unknown"
    } else if gap_lower > 0.0 || gap_upper < 0.0 {
        "yes"
    } else {
        "no"
    };
    let point = VotesGapPoint {
        date,
        snapshot: "votes",
        a: leader(ia),
        b: leader(ib),
        gap: present::round(gap, 1),
        gap_lower: present::round(gap_lower, 1),
        gap_upper: present::round(gap_upper, 1),
        win_probability: present::round(win_probability(gap), 4),
        gap_percent: present::round(gap / fit.ratings[ib] * 100.0, 2),
        separable,
        a_leader_stability: same_a as f64 / n,
        b_leader_stability: same_b as f64 / n,
    };
    let mut provenance = provenance;
    provenance.unregistered_keys = (0..fit.models.len())
        .filter(|&i| side(i).is_none())
        .map(|i| fit.models[i].clone())
        .collect();
    provenance.notes = vec![NOTE_GAP_INTERVAL, NOTE_WIN_PROBABILITY, NOTE_GAP_PERCENT];
    Ok(VotesGapReport {
        by,
        a: a.to_string(),
        b: b.to_string(),
        points: vec![point],
        provenance,
    })
}

impl VotesGapReport {
    pub fn render(&self, format: OutputFormat) -> Result<String> {
        if format == OutputFormat::Json {
            return Ok(present::to_json(self)?);
        }
        let mut t = Table::new(
            format!(
                "Best {} vs best {} model ({}), one Bradley–Terry fit of {}",
                self.a,
                self.b,
                self.by.name(),
                self.provenance.votes.join(", ")
            ),
            &[
                "a_model",
                "a_rating",
                "a_lower",
                "a_upper",
                "b_model",
                "b_rating",
                "b_lower",
                "b_upper",
                "gap",
                "gap_lower",
                "gap_upper",
                "win_probability",
                "gap_percent",
                "separable",
            ],
        );
        let f =
            |x: Option<f64>| x.map_or_else(|| present::MISSING.to_string(), |v| format!("{v:.1}"));
        for p in &self.points {
            t.rows.push(vec![
                p.a.name.clone(),
                format!("{:.1}", p.a.rating),
                f(p.a.lower),
                f(p.a.upper),
                p.b.name.clone(),
                format!("{:.1}", p.b.rating),
                f(p.b.lower),
                f(p.b.upper),
                format!("{:.1}", p.gap),
                format!("{:.1}", p.gap_lower),
                format!("{:.1}", p.gap_upper),
                format!("{:.3}", p.win_probability),
                format!("{:.2}", p.gap_percent),
                p.separable.to_string(),
            ]);
            t.notes.push(format!(
                "The leaders were the same models in {:.0}% (A) and {:.0}% (B) of {} bootstrap replicates (seed {}).",
                100.0 * p.a_leader_stability,
                100.0 * p.b_leader_stability,
                self.provenance.rounds,
                self.provenance.seed
            ));
        }
        if !self.provenance.unregistered_keys.is_empty() {
            t.notes.push(format!(
                "Not in the registry (on no side): {}",
                self.provenance.unregistered_keys.join(", ")
            ));
        }
        t.notes
            .extend(self.provenance.notes.iter().map(|n| n.to_string()));
        Ok(t.render(format)?)
    }
}
