//! `versus race value`: rating against price at one snapshot — the price-performance Pareto
//! frontier, and "the best of B for at most this price against the best of A" (the claim
//! "95% of the performance at a tenth of the price").

use crate::date::Date;
use crate::error::{Error, Result};
use crate::gap::{self, Separable, SnapshotSelection};
use crate::group::GroupBy;
use crate::history::{self, History, HistoryRow, Source};
use crate::registry::{self, Registry};
use serde::Serialize;
use versus_present::{self as present, Table, Tabular};

/// Upper bound on side B's blended price.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceBound {
    /// USD per million tokens (blended).
    Absolute(f64),
    /// A fraction of side A's leader's blended price (0.1 = "a tenth of the price").
    FractionOfA(f64),
}

#[derive(Clone, Debug)]
pub struct ValueQuery {
    pub by: GroupBy,
    pub a: String,
    pub b: String,
    pub price_bound: Option<PriceBound>,
    /// Which snapshot (the latest selected one unless `selection.snapshot` is set).
    pub selection: SnapshotSelection,
}

#[derive(Clone, Debug, Serialize)]
pub struct ValueModel {
    pub model: String,
    pub name: String,
    pub organization: String,
    /// The model's group under the query's grouping (country, open/proprietary, organisation).
    pub group: String,
    pub rating: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Blended USD per million tokens.
    pub price: f64,
    pub input_price: f64,
    pub output_price: f64,
    pub price_date: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub price_bound: Option<PriceBound>,
    /// The bound in USD per million tokens, after resolving a fraction of A's price.
    pub price_bound_usd: Option<f64>,
    pub a_best: ValueModel,
    pub b_best: ValueModel,
    /// A's model minus B's model, in rating points.
    pub gap: f64,
    /// Probability that A's model beats B's in one vote.
    pub win_probability: f64,
    /// B's rating as a percentage of A's — the "95% of the performance" number; fragile because
    /// the rating scale's zero is arbitrary.
    pub rating_percent: f64,
    /// A's price divided by B's price ("a tenth of the price" is 10); none if B is free.
    pub price_ratio: Option<f64>,
    pub separable: Separable,
}

#[derive(Clone, Debug, Serialize)]
pub struct ValueProvenance {
    pub history: &'static str,
    pub registry: &'static str,
    pub source: Source,
    pub category: String,
    pub style_control: bool,
    pub rated_models: usize,
    pub priced_models: usize,
    pub price_note: &'static str,
    pub frontier_rule: &'static str,
    /// Why there is no comparison, when there is none; or a caveat about it.
    pub comparison_note: Option<String>,
    pub notes: Vec<&'static str>,
}

pub const PRICE_NOTE: &str = "Prices are each model's latest list price in the registry (LMArena's price table, else the maker's own API in pydantic/genai-prices), not necessarily the price on the snapshot date; models without a known price are left out.";
pub const FRONTIER_RULE: &str = "a model is on the frontier when no other model is at most as expensive and at least as highly rated (one of them strictly); exact ties are all kept";
pub const NOTE_RATING_PERCENT: &str = "rating_percent = B's rating / A's rating x 100 is fragile: arena ratings have an arbitrary zero (about 1000 here), so '95% of the rating' is not '95% of the performance'; the gap and win probability are the meaningful numbers.";

#[derive(Clone, Debug, Serialize)]
pub struct ValueReport {
    pub snapshot: Date,
    pub blend: &'static str,
    pub models: Vec<ValueModel>,
    /// Frontier model keys, cheapest first.
    pub frontier: Vec<String>,
    pub comparison: Option<Comparison>,
    pub provenance: ValueProvenance,
}

/// The Pareto frontier of (low price, high rating), cheapest first.
pub fn pareto_frontier(models: &[ValueModel]) -> Vec<String> {
    let mut order: Vec<&ValueModel> = models.iter().collect();
    order.sort_by(|x, y| {
        x.price
            .total_cmp(&y.price)
            .then(y.rating.total_cmp(&x.rating))
            .then(x.model.cmp(&y.model))
    });
    // Walk price groups cheapest first: a group's top-rated models are on the frontier when
    // they beat every cheaper model.
    let mut best_cheaper = f64::NEG_INFINITY;
    let mut frontier = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let price = order[start].price;
        let end = order[start..]
            .iter()
            .position(|m| m.price != price)
            .map_or(order.len(), |n| start + n);
        let top = order[start].rating;
        if top > best_cheaper {
            frontier.extend(
                order[start..end]
                    .iter()
                    .filter(|m| m.rating == top)
                    .map(|m| m.model.clone()),
            );
            best_cheaper = top;
        }
        start = end;
    }
    frontier
}

fn best<'a>(
    models: &'a [ValueModel],
    group: &str,
    max_price: Option<f64>,
) -> Option<&'a ValueModel> {
    models
        .iter()
        .filter(|m| m.group == group && max_price.is_none_or(|bound| m.price <= bound))
        .max_by(|x, y| {
            x.rating
                .total_cmp(&y.rating)
                .then_with(|| y.model.cmp(&x.model))
        })
}

/// The snapshot's rated models that have a known price, best-rated first (ties by key).
fn priced_models(registry: &Registry, rated: &[&HistoryRow], by: &GroupBy) -> Vec<ValueModel> {
    let mut models: Vec<ValueModel> = rated
        .iter()
        .filter_map(|row| {
            let record = registry.get(&row.key)?;
            let price = record.price.as_ref()?;
            Some(ValueModel {
                model: row.key.clone(),
                name: record.display_name.clone(),
                organization: record.organization.clone(),
                group: by.group_of(record),
                rating: row.rating,
                lower: row.lower,
                upper: row.upper,
                price: present::round(price.blended(), 4),
                input_price: price.input_usd_per_mtok,
                output_price: price.output_usd_per_mtok,
                price_date: price.date,
            })
        })
        .collect();
    models.sort_by(|x, y| y.rating.total_cmp(&x.rating).then(x.model.cmp(&y.model)));
    models
}

/// Compares group a's best priced model with group b's best within the price bound, and says
/// why there is no comparison, or why it may mislead (a's best-rated model is unpriced).
fn compare(
    registry: &Registry,
    rated: &[&HistoryRow],
    models: &[ValueModel],
    query: &ValueQuery,
) -> (Option<Comparison>, Option<String>) {
    let Some(a_best) = best(models, &query.a, None) else {
        let note = format!("no priced model of {} in this snapshot", query.a);
        return (None, Some(note));
    };
    let bound_usd = query.price_bound.map(|bound| match bound {
        PriceBound::Absolute(usd) => usd,
        PriceBound::FractionOfA(fraction) => a_best.price * fraction,
    });
    let Some(b_best) = best(models, &query.b, bound_usd) else {
        let note = format!(
            "no priced model of {}{} in this snapshot",
            query.b,
            bound_usd
                .map(|b| format!(" at or below {b:.4} USD/Mtok"))
                .unwrap_or_default()
        );
        return (None, Some(note));
    };
    let unpriced_better = rated.iter().any(|row| {
        registry.get(&row.key).is_some_and(|r| {
            r.price.is_none() && query.by.group_of(r) == query.a && row.rating > a_best.rating
        })
    });
    let note = unpriced_better.then(|| {
        format!(
            "{}'s best-rated model in this snapshot has no known price; the comparison uses its best priced model",
            query.a
        )
    });
    (Some(comparison(query, a_best, b_best, bound_usd)), note)
}

/// The figures of a's best against b's best: gap, win probability, rating and price ratios,
/// and whether their intervals separate.
fn comparison(
    query: &ValueQuery,
    a_best: &ValueModel,
    b_best: &ValueModel,
    bound_usd: Option<f64>,
) -> Comparison {
    let gap = a_best.rating - b_best.rating;
    let leader = |m: &ValueModel| gap::Leader {
        model: m.model.clone(),
        name: m.name.clone(),
        organization: m.organization.clone(),
        rating: m.rating,
        lower: m.lower,
        upper: m.upper,
    };
    Comparison {
        a: query.a.clone(),
        b: query.b.clone(),
        price_bound: query.price_bound,
        price_bound_usd: bound_usd.map(|b| present::round(b, 4)),
        gap: present::round(gap, 1),
        win_probability: present::round(gap::win_probability(gap), 4),
        rating_percent: present::round(b_best.rating / a_best.rating * 100.0, 2),
        price_ratio: (b_best.price > 0.0).then(|| present::round(a_best.price / b_best.price, 2)),
        separable: Separable::of(&leader(a_best), &leader(b_best)),
        a_best: a_best.clone(),
        b_best: b_best.clone(),
    }
}

pub fn value(registry: &Registry, history: &History, query: &ValueQuery) -> Result<ValueReport> {
    let snapshots = query.selection.select(history)?;
    let snapshot = *snapshots
        .last()
        .ok_or_else(|| Error::Query("no snapshot in the requested range".into()))?;
    let category = &query.selection.category;
    let rated: Vec<_> = history
        .snapshot_rows(snapshot, category, query.selection.style_control)
        .collect();
    let models = priced_models(registry, &rated, &query.by);
    let frontier = pareto_frontier(&models);
    let (comparison, comparison_note) = compare(registry, &rated, &models, query);
    Ok(ValueReport {
        snapshot: snapshot.date,
        blend: registry::BLEND_DESCRIPTION,
        frontier,
        comparison,
        provenance: ValueProvenance {
            history: history::HISTORY_FILE,
            registry: registry::MODELS_FILE,
            source: snapshot.source,
            category: category.clone(),
            style_control: query.selection.style_control,
            rated_models: rated.len(),
            priced_models: models.len(),
            price_note: PRICE_NOTE,
            frontier_rule: FRONTIER_RULE,
            comparison_note,
            notes: vec![
                gap::NOTE_COMPARABLE,
                gap::NOTE_WIN_PROBABILITY,
                NOTE_RATING_PERCENT,
            ],
        },
        models,
    })
}

impl Tabular for ValueReport {
    /// The models as a table, with the comparison, blend, frontier rule and data as notes.
    fn to_table(&self) -> Table {
        let mut out = Table::new(
            format!(
                "Rating vs blended price, {} snapshot of {} (category `{}`{})",
                self.provenance.source.name(),
                self.snapshot,
                self.provenance.category,
                if self.provenance.style_control {
                    ", style-controlled"
                } else {
                    ""
                }
            ),
            &[
                "model",
                "organization",
                "group",
                "rating",
                "price_usd_per_mtok",
                "input",
                "output",
                "price_date",
                "frontier",
            ],
        );
        for m in &self.models {
            out.rows.push(vec![
                m.name.clone(),
                m.organization.clone(),
                m.group.clone(),
                format!("{:.1}", m.rating),
                format!("{:.3}", m.price),
                format!("{}", m.input_price),
                format!("{}", m.output_price),
                m.price_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "undated".into()),
                if self.frontier.contains(&m.model) {
                    "yes"
                } else {
                    ""
                }
                .to_string(),
            ]);
        }
        out.notes.push(format!("Blend: {}.", self.blend));
        if let Some(c) = &self.comparison {
            out.notes.push(format!(
                "Best {a}: {an} ({ar:.1}, {ap:.3} USD/Mtok). Best {b}{bound}: {bn} ({br:.1}, {bp:.3} USD/Mtok). Gap {gap:.1} points, P({a} model wins) = {wp:.3}, {b} model at {rp:.2}% of the rating for {ratio} of the price; intervals separable: {sep}.",
                a = c.a,
                an = c.a_best.name,
                ar = c.a_best.rating,
                ap = c.a_best.price,
                b = c.b,
                bound = c.price_bound_usd.map(|u| format!(" at <= {u:.3} USD/Mtok")).unwrap_or_default(),
                bn = c.b_best.name,
                br = c.b_best.rating,
                bp = c.b_best.price,
                gap = c.gap,
                wp = c.win_probability,
                rp = c.rating_percent,
                ratio = c.price_ratio.map_or_else(|| "none".to_string(), |r| format!("1/{r:.2}")),
                sep = c.separable.as_str(),
            ));
        }
        if let Some(note) = &self.provenance.comparison_note {
            out.notes.push(format!("Comparison: {note}."));
        }
        out.notes.push(format!(
            "{} of {} rated models have a price. {}",
            self.provenance.priced_models, self.provenance.rated_models, self.provenance.price_note
        ));
        out.notes
            .push(format!("Frontier: {}.", self.provenance.frontier_rule));
        out.notes.push(format!(
            "Data: {} and {}; see data/registry/SOURCES.md.",
            self.provenance.registry, self.provenance.history
        ));
        for note in &self.provenance.notes {
            out.notes.push(note.to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(key: &str, rating: f64, price: f64) -> ValueModel {
        ValueModel {
            model: key.into(),
            name: key.into(),
            organization: String::new(),
            group: String::new(),
            rating,
            lower: None,
            upper: None,
            price,
            input_price: price,
            output_price: price,
            price_date: None,
        }
    }

    #[test]
    fn frontier_keeps_only_undominated_models() {
        let models = [
            model("cheap", 1200.0, 0.1),
            model("dominated", 1190.0, 0.5),
            model("mid", 1300.0, 1.0),
            model("same-price-worse", 1250.0, 1.0),
            model("mid-twin", 1300.0, 1.0),
            model("top", 1400.0, 10.0),
        ];
        assert_eq!(
            pareto_frontier(&models),
            ["cheap", "mid", "mid-twin", "top"]
        );
    }
}
