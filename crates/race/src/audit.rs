//! Auditing a human-preference leaderboard from the votes themselves: who got sampled, how
//! unequally, and how much the ranking depends on it. The questions are those of Singh et al.,
//! "The Leaderboard Illusion" (arXiv:2504.20879): shares of battles by provider, sampling rates,
//! the effect of silently deprecated models, and rank stability. Pure computation over battle
//! rows (model ids, counts, optional timestamps) and the registry; the fits are the caller's.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::date::Date;
use crate::group::GroupBy;
use crate::registry::Registry;

/// Battles as parallel columns (one row per battle, or per aggregated pair with its count).
pub struct Battles<'a> {
    pub models: &'a [String],
    pub model_a: &'a [u32],
    pub model_b: &'a [u32],
    /// Battles each row stands for.
    pub count: &'a [f64],
    /// Unix seconds, NaN when unknown.
    pub tstamp: &'a [f64],
}

/// One group's part of the battles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    pub group: String,
    /// Distinct models of the group that appear in the battles.
    pub models: usize,
    /// Battles with at least one model of the group… counted per appearance: a battle between
    /// two models of the group counts twice, so the appearances of all groups sum to twice the
    /// battles and the shares to 1.
    pub appearances: f64,
    pub share: f64,
}

/// The group of model `i` (`unknown` when the registry does not know it).
fn group_of(registry: &Registry, by: GroupBy, name: &str) -> String {
    registry.get(name).map_or_else(
        || crate::group::UNKNOWN_GROUP.to_string(),
        |m| by.group_of(m),
    )
}

/// Shares of model appearances by group over the rows `rows`, largest first.
fn shares_of(
    registry: &Registry,
    by: GroupBy,
    b: &Battles<'_>,
    rows: impl Iterator<Item = usize>,
) -> Vec<Share> {
    let groups: Vec<String> = b.models.iter().map(|m| group_of(registry, by, m)).collect();
    let mut appearances: BTreeMap<&str, (f64, std::collections::BTreeSet<u32>)> = BTreeMap::new();
    let mut total = 0.0;
    for r in rows {
        for id in [b.model_a[r], b.model_b[r]] {
            let entry = appearances.entry(groups[id as usize].as_str()).or_default();
            entry.0 += b.count[r];
            entry.1.insert(id);
            total += b.count[r];
        }
    }
    let mut out: Vec<Share> = appearances
        .into_iter()
        .map(|(group, (n, models))| Share {
            group: group.to_string(),
            models: models.len(),
            appearances: n,
            share: if total > 0.0 { n / total } else { 0.0 },
        })
        .collect();
    out.sort_by(|x, y| {
        y.appearances
            .total_cmp(&x.appearances)
            .then(x.group.cmp(&y.group))
    });
    out
}

/// Shares of battles by group over all the battles.
pub fn battle_shares(registry: &Registry, by: GroupBy, b: &Battles<'_>) -> Vec<Share> {
    shares_of(registry, by, b, 0..b.model_a.len())
}

/// Shares per calendar month (UTC) of the timestamped battles; empty without timestamps.
pub fn monthly_shares(
    registry: &Registry,
    by: GroupBy,
    b: &Battles<'_>,
) -> Vec<(String, Vec<Share>)> {
    let mut months: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (r, t) in b.tstamp.iter().enumerate() {
        if t.is_finite() {
            let date = Date::from_days_since_epoch((t / 86_400.0).floor() as i64).to_string();
            months.entry(date[..7].to_string()).or_default().push(r);
        }
    }
    months
        .into_iter()
        .map(|(month, rows)| (month, shares_of(registry, by, b, rows.into_iter())))
        .collect()
}

/// The Gini coefficient of non-negative values: the mean absolute difference over all pairs
/// divided by twice the mean (Gini 1912; computed on sorted values as
/// Σ (2i − n − 1) x_(i) / (n Σ x), i = 1..n). 0: all equal; → 1: one takes everything.
pub fn gini(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    let sum: f64 = v.iter().sum();
    if n == 0 || sum <= 0.0 {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let weighted: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * x)
        .sum();
    weighted / (n as f64 * sum)
}

/// How often one model was sampled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelSampling {
    pub model: String,
    pub group: String,
    pub battles: f64,
    /// Days between its first and last timestamped battle, inclusive (None without timestamps).
    pub active_days: Option<f64>,
    /// Battles per active day.
    pub per_day: Option<f64>,
}

/// Sampling of every model, most sampled first, and the inequality across models.
#[derive(Clone, Debug, Serialize)]
pub struct Sampling {
    pub models: Vec<ModelSampling>,
    /// Gini coefficient of battles per model.
    pub gini_battles: f64,
    /// Gini coefficient of battles per active day (None without timestamps).
    pub gini_per_day: Option<f64>,
}

pub fn sampling(registry: &Registry, by: GroupBy, b: &Battles<'_>) -> Sampling {
    let n = b.models.len();
    let mut battles = vec![0.0; n];
    let mut span = vec![(f64::INFINITY, f64::NEG_INFINITY); n];
    for r in 0..b.model_a.len() {
        for id in [b.model_a[r] as usize, b.model_b[r] as usize] {
            battles[id] += b.count[r];
            let t = b.tstamp.get(r).copied().unwrap_or(f64::NAN);
            if t.is_finite() {
                span[id] = (span[id].0.min(t), span[id].1.max(t));
            }
        }
    }
    let mut models: Vec<ModelSampling> = (0..n)
        .filter(|&i| battles[i] > 0.0)
        .map(|i| {
            let (first, last) = span[i];
            let active_days = (first.is_finite())
                .then(|| ((last / 86_400.0).floor() - (first / 86_400.0).floor()) + 1.0);
            ModelSampling {
                model: b.models[i].clone(),
                group: group_of(registry, by, &b.models[i]),
                battles: battles[i],
                active_days,
                per_day: active_days.map(|d| battles[i] / d),
            }
        })
        .collect();
    models.sort_by(|x, y| y.battles.total_cmp(&x.battles).then(x.model.cmp(&y.model)));
    let gini_battles = gini(&models.iter().map(|m| m.battles).collect::<Vec<_>>());
    let per_day: Vec<f64> = models.iter().filter_map(|m| m.per_day).collect();
    let gini_per_day = (!per_day.is_empty()).then(|| gini(&per_day));
    Sampling {
        models,
        gini_battles,
        gini_per_day,
    }
}

/// Each model's rank in each bootstrap replicate: 1 + the number of models rated higher.
fn replicate_ranks(replicates: &[Vec<f64>], n: usize) -> Vec<Vec<usize>> {
    let mut ranks = vec![Vec::with_capacity(replicates.len()); n];
    for rep in replicates {
        for i in 0..n {
            let above = rep.iter().filter(|&&r| r > rep[i]).count();
            ranks[i].push(1 + above);
        }
    }
    ranks
}

/// One model's place and its bootstrap rank interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankSpread {
    pub model: String,
    pub rank: usize,
    pub rating: f64,
    /// 2.5% and 97.5% quantiles (at `level`) of its rank over the replicates.
    pub rank_low: usize,
    pub rank_high: usize,
}

/// Rank stability of the top `top` models: their bootstrap rank intervals, and how many of
/// those positions are statistically tied (the model's interval covers another position).
#[derive(Clone, Debug, Serialize)]
pub struct Stability {
    pub top: Vec<RankSpread>,
    pub tied_positions: usize,
    pub rounds: usize,
    pub level: f64,
}

/// Bootstrap rank intervals (percentile, Hall 1992 §3) from a fit's replicates.
pub fn stability(
    models: &[String],
    ratings: &[f64],
    replicates: &[Vec<f64>],
    level: f64,
    top: usize,
) -> Stability {
    let n = models.len();
    let ranks = replicate_ranks(replicates, n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| {
        ratings[j]
            .total_cmp(&ratings[i])
            .then(models[i].cmp(&models[j]))
    });
    let tail = (1.0 - level) / 2.0;
    let quantile = |sorted: &[usize], q: f64| -> usize {
        if sorted.is_empty() {
            return 0;
        }
        sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
    };
    let spreads: Vec<RankSpread> = order
        .iter()
        .take(top)
        .enumerate()
        .map(|(place, &i)| {
            let mut r = ranks[i].clone();
            r.sort_unstable();
            RankSpread {
                model: models[i].clone(),
                rank: place + 1,
                rating: ratings[i],
                rank_low: quantile(&r, tail).max(1),
                rank_high: quantile(&r, 1.0 - tail).max(1),
            }
        })
        .collect();
    let tied_positions = spreads
        .iter()
        .filter(|s| s.rank_low < s.rank || s.rank_high > s.rank)
        .count();
    Stability {
        top: spreads,
        tied_positions,
        rounds: replicates.len(),
        level,
    }
}

/// A model whose rank moves when some battles are left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankChange {
    pub model: String,
    pub rank_with: usize,
    pub rank_without: usize,
    pub rating_with: f64,
    pub rating_without: f64,
}

/// Ranks (1 = best) by rating, ties broken by name.
fn plain_ranks(models: &[String], ratings: &[f64]) -> HashMap<String, (usize, f64)> {
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&i, &j| {
        ratings[j]
            .total_cmp(&ratings[i])
            .then(models[i].cmp(&models[j]))
    });
    order
        .iter()
        .enumerate()
        .map(|(place, &i)| (models[i].clone(), (place + 1, ratings[i])))
        .collect()
}

/// The rank changes of the models rated in both fits, largest first: a fit on all battles
/// against one without some (e.g. of models later removed from the leaderboard). Ranks are
/// compared among the common models only, so a removed model's own place does not count.
pub fn rank_changes(with: (&[String], &[f64]), without: (&[String], &[f64])) -> Vec<RankChange> {
    let in_without: std::collections::HashSet<&String> = without.0.iter().collect();
    let common = |fit: (&[String], &[f64])| -> (Vec<String>, Vec<f64>) {
        fit.0
            .iter()
            .zip(fit.1)
            .filter(|(m, _)| in_without.contains(m))
            .map(|(m, r)| (m.clone(), *r))
            .unzip()
    };
    let (wm, wr) = common(with);
    let a = plain_ranks(&wm, &wr);
    let b = plain_ranks(without.0, without.1);
    let mut out: Vec<RankChange> = a
        .iter()
        .filter_map(|(m, &(rank_with, rating_with))| {
            b.get(m).map(|&(rank_without, rating_without)| RankChange {
                model: m.clone(),
                rank_with,
                rank_without,
                rating_with,
                rating_without,
            })
        })
        .collect();
    out.sort_by(|x, y| {
        let d = |c: &RankChange| (c.rank_with as i64 - c.rank_without as i64).abs();
        d(y).cmp(&d(x)).then(x.rank_with.cmp(&y.rank_with))
    });
    out
}

/// Per-battle weights that bring each named organisation's share of appearances down to the
/// median organisation's share (their battles count less; other battles keep weight 1). The
/// question: does a side lead because its most-sampled provider got more battles?
pub fn downweight_to_median(
    registry: &Registry,
    b: &Battles<'_>,
    organisations: &[&str],
) -> (Vec<f64>, f64) {
    let shares = battle_shares(registry, GroupBy::Organisation, b);
    let mut values: Vec<f64> = shares.iter().map(|s| s.share).collect();
    values.sort_by(f64::total_cmp);
    let median = if values.is_empty() {
        0.0
    } else if values.len() % 2 == 1 {
        values[values.len() / 2]
    } else {
        (values[values.len() / 2 - 1] + values[values.len() / 2]) / 2.0
    };
    let factor: HashMap<&str, f64> = shares
        .iter()
        .filter(|s| organisations.contains(&s.group.as_str()) && s.share > median)
        .map(|s| (s.group.as_str(), median / s.share))
        .collect();
    let orgs: Vec<String> = b
        .models
        .iter()
        .map(|m| group_of(registry, GroupBy::Organisation, m))
        .collect();
    let weights = (0..b.model_a.len())
        .map(|r| {
            let f = |id: u32| {
                factor
                    .get(orgs[id as usize].as_str())
                    .copied()
                    .unwrap_or(1.0)
            };
            // A battle between two down-weighted providers takes the smaller factor.
            f(b.model_a[r]).min(f(b.model_b[r]))
        })
        .collect();
    (weights, median)
}

/// Sampling read from a published leaderboard history's vote counts (LMArena's scraped tables
/// carry each model's cumulative votes): the votes a model gained between its first and last
/// snapshot, per day, and each organisation's share of the votes gained per month.
#[derive(Clone, Debug, Serialize)]
pub struct HistorySampling {
    /// Snapshots with vote counts (overall leaderboard, no style control).
    pub snapshots: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
    pub models: Vec<ModelSampling>,
    pub gini_per_day: f64,
    pub monthly: Vec<(String, Vec<Share>)>,
}

/// [`HistorySampling`] from `rows` (any order); only the overall leaderboard without style
/// control, and only rows with a vote count, are read. A model's count that goes down between
/// snapshots (a re-scrape, a merged key) adds nothing rather than a negative.
pub fn history_sampling(
    registry: &Registry,
    rows: &[crate::history::HistoryRow],
) -> HistorySampling {
    let mut by_model: BTreeMap<&str, Vec<(Date, u64)>> = BTreeMap::new();
    let mut dates = std::collections::BTreeSet::new();
    for r in rows {
        if r.category != crate::history::OVERALL_CATEGORY || r.style_control {
            continue;
        }
        if let Some(v) = r.votes {
            by_model
                .entry(r.key.as_str())
                .or_default()
                .push((r.date, v));
            dates.insert(r.date);
        }
    }
    let mut models = Vec::new();
    let mut gained: BTreeMap<String, BTreeMap<String, (f64, std::collections::BTreeSet<String>)>> =
        BTreeMap::new();
    for (key, mut series) in by_model {
        series.sort();
        series.dedup_by_key(|(d, _)| *d);
        let group = group_of(registry, GroupBy::Organisation, key);
        let mut total = 0.0;
        for pair in series.windows(2) {
            let ((_, before), (date, after)) = (pair[0], pair[1]);
            let delta = after.saturating_sub(before) as f64;
            total += delta;
            let month = gained.entry(date.month_label()).or_default();
            let entry = month.entry(group.clone()).or_default();
            entry.0 += delta;
            entry.1.insert(key.to_string());
        }
        if let (Some((first, _)), Some((last, _))) = (series.first(), series.last())
            && last > first
        {
            let days = (last.days_since_epoch() - first.days_since_epoch()) as f64;
            models.push(ModelSampling {
                model: key.to_string(),
                group,
                battles: total,
                active_days: Some(days),
                per_day: Some(total / days),
            });
        }
    }
    models.sort_by(|x, y| {
        y.per_day
            .unwrap_or(0.0)
            .total_cmp(&x.per_day.unwrap_or(0.0))
            .then(x.model.cmp(&y.model))
    });
    let per_day: Vec<f64> = models.iter().filter_map(|m| m.per_day).collect();
    let monthly = gained
        .into_iter()
        .map(|(month, groups)| {
            let total: f64 = groups.values().map(|(n, _)| n).sum();
            let mut shares: Vec<Share> = groups
                .into_iter()
                .map(|(group, (n, keys))| Share {
                    group,
                    models: keys.len(),
                    appearances: n,
                    share: if total > 0.0 { n / total } else { 0.0 },
                })
                .collect();
            shares.sort_by(|x, y| {
                y.appearances
                    .total_cmp(&x.appearances)
                    .then(x.group.cmp(&y.group))
            });
            (month, shares)
        })
        .collect();
    HistorySampling {
        snapshots: dates.len(),
        first: dates.first().copied(),
        last: dates.last().copied(),
        gini_per_day: gini(&per_day),
        models,
        monthly,
    }
}

/// The US–China (or any two sides') gap, as fitted and with the most-sampled provider of each
/// side brought down to the median provider's share.
#[derive(Clone, Debug, Serialize)]
pub struct GapCheck {
    pub label: String,
    pub gap: crate::votes::VotesGapPoint,
}

/// The tables of [`HistorySampling`]: votes gained per day by model (`top` rows) and each
/// organisation's share of the votes gained per month (top 3 a month). `versus audit`, the
/// report and the arena's audit page show these same tables.
pub fn history_tables(h: &HistorySampling, top: usize) -> Vec<versus_present::Table> {
    use versus_present::Table;
    let mut tables = Vec::new();
    let mut t = Table::new(
        format!(
            "Sampling from the published vote counts: votes gained per day ({} leaderboard snapshots with counts, {} to {}; Gini {:.3})",
            h.snapshots,
            h.first.map_or_else(|| "–".into(), |d| d.to_string()),
            h.last.map_or_else(|| "–".into(), |d| d.to_string()),
            h.gini_per_day
        ),
        &[
            "Model",
            "Organisation",
            "Votes gained",
            "Days",
            "Votes per day",
        ],
    );
    for m in h.models.iter().take(top) {
        t.rows.push(vec![
            m.model.clone(),
            m.group.clone(),
            format!("{:.0}", m.battles),
            versus_present::cell(m.active_days, 0),
            versus_present::cell(m.per_day, 1),
        ]);
    }
    tables.push(t);
    tables.push(monthly_top_shares(
        "Share of the votes gained each month, by organisation (top 3; from the published vote counts)",
        &h.monthly,
    ));
    tables
}

/// The three largest organisation shares of each month, as a table.
fn monthly_top_shares(title: &str, monthly: &[(String, Vec<Share>)]) -> versus_present::Table {
    let mut t = versus_present::Table::new(title, &["Month", "Organisation", "Models", "Share"]);
    for (month, shares) in monthly {
        for s in shares.iter().take(3) {
            t.rows.push(vec![
                month.clone(),
                s.group.clone(),
                s.models.to_string(),
                pct(s.share),
            ]);
        }
    }
    t
}

/// Everything `versus audit` reports.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub votes: Vec<String>,
    pub battles: f64,
    pub shares: Vec<(GroupBy, Vec<Share>)>,
    pub monthly: Vec<(String, Vec<Share>)>,
    pub sampling: Sampling,
    pub stability: Stability,
    /// Models of the votes missing from the newest published leaderboard, and the largest
    /// rank changes of the others when their battles are left out.
    pub deprecated: Vec<String>,
    pub deprecation_changes: Vec<RankChange>,
    pub gaps: Vec<GapCheck>,
    /// Why there is no gap (no registered model of a side in the votes).
    pub gap_note: Option<String>,
    /// The same questions asked of the published history's vote counts.
    pub history: HistorySampling,
    /// How many rows each table shows in text output.
    #[serde(skip)]
    pub top: usize,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

impl AuditReport {
    /// JSON as is; otherwise one table per question.
    pub fn render(&self, format: versus_present::OutputFormat) -> crate::Result<String> {
        use versus_present::OutputFormat;
        if format == OutputFormat::Json {
            return Ok(versus_present::to_json(self)?);
        }
        let mut out = String::new();
        for t in self.tables() {
            out.push_str(&t.render(format)?);
            out.push('\n');
        }
        Ok(out)
    }

    /// One table per question (the command's text output, and the report's audit section).
    pub fn tables(&self) -> Vec<versus_present::Table> {
        use versus_present::Table;
        let mut tables = Vec::new();
        for (by, shares) in &self.shares {
            let mut t = Table::new(
                format!(
                    "Share of battles by {} ({} battles; each battle counts once for each of its two models)",
                    by.name(),
                    self.battles
                ),
                &[by.name(), "Models", "Appearances", "Share"],
            );
            for s in shares.iter().take(self.top) {
                t.rows.push(vec![
                    s.group.clone(),
                    s.models.to_string(),
                    format!("{:.0}", s.appearances),
                    pct(s.share),
                ]);
            }
            if shares.len() > self.top {
                t.notes.push(format!(
                    "{} more groups not shown (all in --output json).",
                    shares.len() - self.top
                ));
            }
            tables.push(t);
        }
        if !self.monthly.is_empty() {
            tables.push(monthly_top_shares(
                "Share of battles by organisation, per month (top 3 each month)",
                &self.monthly,
            ));
        }
        let mut t = Table::new(
            format!(
                "Sampling inequality: battles per model (Gini {:.3}{})",
                self.sampling.gini_battles,
                self.sampling
                    .gini_per_day
                    .map_or_else(String::new, |g| format!("; per active day {g:.3}"))
            ),
            &[
                "Model",
                "Group",
                "Battles",
                "Active days",
                "Battles per day",
            ],
        );
        for m in self.sampling.models.iter().take(self.top) {
            t.rows.push(vec![
                m.model.clone(),
                m.group.clone(),
                format!("{:.0}", m.battles),
                versus_present::cell(m.active_days, 0),
                versus_present::cell(m.per_day, 1),
            ]);
        }
        t.notes.push("Gini coefficient: 0 when every model has as many battles, towards 1 when a few take them all.".into());
        tables.push(t);
        tables.extend(history_tables(&self.history, self.top));
        let st = &self.stability;
        let mut t = Table::new(
            format!(
                "Rank stability: {} of the top {} positions are statistically tied ({} bootstrap rounds, {:.0}% rank intervals)",
                st.tied_positions,
                st.top.len(),
                st.rounds,
                100.0 * st.level
            ),
            &["Rank", "Model", "Rating", "Rank interval"],
        );
        for r in &st.top {
            t.rows.push(vec![
                r.rank.to_string(),
                r.model.clone(),
                format!("{:.1}", r.rating),
                format!("{}–{}", r.rank_low, r.rank_high),
            ]);
        }
        tables.push(t);
        let mut t = Table::new(
            format!(
                "Deprecation effect: {} models of these votes are missing from the newest published leaderboard; ranks of the others refitted without their battles",
                self.deprecated.len()
            ),
            &[
                "Model",
                "Rank with",
                "Rank without",
                "Rating with",
                "Rating without",
            ],
        );
        for c in self.deprecation_changes.iter().take(self.top) {
            t.rows.push(vec![
                c.model.clone(),
                c.rank_with.to_string(),
                c.rank_without.to_string(),
                format!("{:.1}", c.rating_with),
                format!("{:.1}", c.rating_without),
            ]);
        }
        if self.deprecated.is_empty() {
            t.notes.push(
                "No model of the votes has left the leaderboard (or no history was given).".into(),
            );
        }
        tables.push(t);
        let mut t = Table::new(
            "The race gap and its sensitivity to sampling",
            &[
                "Fit",
                "Leader A",
                "Leader B",
                "Gap",
                "95% interval",
                "Significant",
            ],
        );
        for g in &self.gaps {
            t.rows.push(vec![
                g.label.clone(),
                g.gap.a.name.clone(),
                g.gap.b.name.clone(),
                format!("{:.1}", g.gap.gap),
                format!("{:.1} – {:.1}", g.gap.gap_lower, g.gap.gap_upper),
                g.gap.separable.to_string(),
            ]);
        }
        tables.push(t);
        tables
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry of four models from three organisations in two countries.
    fn registry() -> Registry {
        Registry::parse(
            "test.csv",
            "key,display_name,other_names,organization,country,license,open_weights,first_seen,input_usd_per_mtok,output_usd_per_mtok,price_date,price_source\n\
             big-1,Big 1,,BigCo,United States,Proprietary,no,,,,,\n\
             big-2,Big 2,,BigCo,United States,Proprietary,no,,,,,\n\
             mid,Mid,,MidLab,China,MIT,yes,,,,,\n\
             small,Small,,SmallAI,France,Apache 2.0,yes,,,,,\n",
        )
        .expect("test registry")
    }

    /// Model names, model_a, model_b, counts, timestamps.
    type Columns = (Vec<String>, Vec<u32>, Vec<u32>, Vec<f64>, Vec<f64>);

    /// Battles with known sampling: BigCo's two models appear in 60% of appearances, MidLab's
    /// in 30%, SmallAI's in 10%.
    fn battles() -> Columns {
        let models: Vec<String> = ["big-1", "big-2", "mid", "small"].map(String::from).into();
        // (a, b, count): appearances big-1 40+20+10=… see the assertions.
        let rows = [
            (0, 2, 30.0),
            (1, 2, 30.0),
            (0, 1, 20.0),
            (0, 3, 10.0),
            (2, 3, 0.0),
            (1, 3, 10.0),
        ];
        let day = 86_400.0;
        let t0 = 1_700_000_000.0;
        let (a, b, c): (Vec<u32>, Vec<u32>, Vec<f64>) = (
            rows.iter().map(|r| r.0).collect(),
            rows.iter().map(|r| r.1).collect(),
            rows.iter().map(|r| r.2).collect(),
        );
        let t = vec![
            t0,
            t0 + 40.0 * day,
            t0 + day,
            t0 + 2.0 * day,
            t0,
            t0 + 9.0 * day,
        ];
        (models, a, b, c, t)
    }

    #[test]
    fn shares_follow_the_known_sampling() {
        let reg = registry();
        let (m, a, b, c, t) = battles();
        let set = Battles {
            models: &m,
            model_a: &a,
            model_b: &b,
            count: &c,
            tstamp: &t,
        };
        let orgs = battle_shares(&reg, GroupBy::Organisation, &set);
        // 100 battles, 200 appearances: BigCo 30+30+40+10+10 = 120, MidLab 60, SmallAI 20.
        let got: Vec<(&str, usize, f64)> = orgs
            .iter()
            .map(|s| (s.group.as_str(), s.models, s.share))
            .collect();
        assert_eq!(
            got,
            [("BigCo", 2, 0.6), ("MidLab", 1, 0.3), ("SmallAI", 1, 0.1)]
        );
        let licence = battle_shares(&reg, GroupBy::Licence, &set);
        assert_eq!(licence[0].group, "proprietary");
        assert!((licence[0].share - 0.6).abs() < 1e-12);
        // By month: the battle 40 days later falls in the next month.
        let months = monthly_shares(&reg, GroupBy::Organisation, &set);
        assert_eq!(months.len(), 2);
        assert_eq!(months[1].1.iter().map(|s| s.appearances).sum::<f64>(), 60.0);
    }

    #[test]
    fn vote_counts_between_snapshots_give_rates_and_shares() {
        let reg = registry();
        let row = |date: &str, key: &str, votes: u64| crate::history::HistoryRow {
            date: Date::parse(date).unwrap(),
            source: crate::history::Source::LeaderboardScrape,
            style_control: false,
            category: crate::history::OVERALL_CATEGORY.to_string(),
            key: key.to_string(),
            rating: 1000.0,
            lower: None,
            upper: None,
            votes: Some(votes),
        };
        let rows = vec![
            row("2024-01-01", "big-1", 1000),
            row("2024-01-11", "big-1", 1300),
            row("2024-02-10", "big-1", 1900),
            row("2024-01-01", "mid", 500),
            row("2024-01-11", "mid", 600),
            // A count that drops adds nothing.
            row("2024-02-10", "mid", 550),
        ];
        let h = history_sampling(&reg, &rows);
        assert_eq!(h.snapshots, 3);
        let big = h.models.iter().find(|m| m.model == "big-1").unwrap();
        // 900 votes over 40 days.
        assert_eq!(
            (big.battles, big.active_days, big.per_day),
            (900.0, Some(40.0), Some(22.5))
        );
        let mid = h.models.iter().find(|m| m.model == "mid").unwrap();
        assert_eq!(mid.battles, 100.0);
        // January: BigCo 300 of 400 gained; February: BigCo 600 of 600.
        assert_eq!(h.monthly[0].0, "2024-01");
        assert_eq!(h.monthly[0].1[0].group, "BigCo");
        assert!((h.monthly[0].1[0].share - 0.75).abs() < 1e-12);
        assert_eq!(h.monthly[1].1[0].share, 1.0);
    }

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini(&[5.0, 5.0, 5.0, 5.0]), 0.0);
        // One of n takes everything: (n-1)/n.
        assert!((gini(&[0.0, 0.0, 0.0, 12.0]) - 0.75).abs() < 1e-12);
        // 1, 2, 3: mean |difference| over all 9 ordered pairs = 8/9, mean 2 → 2/9.
        assert!((gini(&[3.0, 1.0, 2.0]) - 2.0 / 9.0).abs() < 1e-12);
        assert_eq!(gini(&[]), 0.0);
    }

    #[test]
    fn sampling_rates_per_active_day() {
        let reg = registry();
        let (m, a, b, c, t) = battles();
        let set = Battles {
            models: &m,
            model_a: &a,
            model_b: &b,
            count: &c,
            tstamp: &t,
        };
        let s = sampling(&reg, GroupBy::Organisation, &set);
        let big1 = s.models.iter().find(|x| x.model == "big-1").unwrap();
        // big-1: 30 + 20 + 10 battles on days 0, 1, 2.
        assert_eq!(
            (big1.battles, big1.active_days, big1.per_day),
            (60.0, Some(3.0), Some(20.0))
        );
        let mid = s.models.iter().find(|x| x.model == "mid").unwrap();
        // mid: days 0 … 40 (the 0-count row still dates it).
        assert_eq!(mid.active_days, Some(41.0));
        assert!((s.gini_battles - gini(&[60.0, 60.0, 60.0, 20.0])).abs() < 1e-12);
    }

    #[test]
    fn rank_intervals_count_the_ties() {
        let models: Vec<String> = ["a", "b", "c"].map(String::from).into();
        // a and b swap places in half the replicates; c is always last.
        let reps = vec![
            vec![3.0, 2.0, 0.0],
            vec![2.0, 3.0, 0.0],
            vec![3.0, 2.0, 0.0],
            vec![2.0, 3.0, 0.0],
        ];
        let s = stability(&models, &[2.6, 2.4, 0.0], &reps, 0.95, 10);
        let spans: Vec<(usize, usize, usize)> = s
            .top
            .iter()
            .map(|x| (x.rank, x.rank_low, x.rank_high))
            .collect();
        assert_eq!(spans, [(1, 1, 2), (2, 1, 2), (3, 3, 3)]);
        assert_eq!(s.tied_positions, 2);
    }

    #[test]
    fn rank_changes_compare_common_models_only() {
        let with: Vec<String> = ["gone", "x", "y", "z"].map(String::from).into();
        let without: Vec<String> = ["x", "y", "z"].map(String::from).into();
        let changes = rank_changes((&with, &[9.0, 3.0, 2.0, 1.0]), (&without, &[1.0, 2.0, 3.0]));
        assert_eq!(changes[0].model, "x");
        assert_eq!((changes[0].rank_with, changes[0].rank_without), (1, 3));
        assert_eq!(
            changes
                .iter()
                .find(|c| c.model == "y")
                .unwrap()
                .rank_without,
            2
        );
    }

    #[test]
    fn down_weighting_brings_a_provider_to_the_median_share() {
        let reg = registry();
        let (m, a, b, c, t) = battles();
        let set = Battles {
            models: &m,
            model_a: &a,
            model_b: &b,
            count: &c,
            tstamp: &t,
        };
        let (w, median) = downweight_to_median(&reg, &set, &["BigCo"]);
        assert!((median - 0.3).abs() < 1e-12);
        // BigCo battles count half (0.3 / 0.6); the mid–small battle keeps 1.
        assert_eq!(w, [0.5, 0.5, 0.5, 0.5, 1.0, 0.5]);
    }
}
