//! The rating math of versus: Bradley–Terry leaderboards with honest uncertainty.
//!
//! Pure computation on slices: no files, no HTTP, no SQL. The caller turns its battles into
//! [`Comparisons`] (or [`StyleData`] for style control), picks [`RatingOptions`], and gets a
//! [`Leaderboard`] on the Elo scale. Every formula cites its source; METHODS.md of the project
//! references documents the conventions matched (arena-rank 0.1.1, FastChat).

// Index loops mirror the formulas (sums over i, j) and are clearer than iterator chains here.
#![allow(clippy::needless_range_loop)]

pub mod bt;
pub mod data;
pub mod elo;
mod error;
mod graph;
pub mod linalg;
pub mod matrix;
mod newton;
pub mod stats;
pub mod style;

pub use data::{Comparisons, RowTable, TieHandling};
pub use error::RankError;
pub use style::{StyleData, StyleOptions};

/// Elo points per natural-logit unit: 400 / ln 10 (FastChat and arena-rank's `scale/ln(base)`).
pub const ELO_PER_LOGIT: f64 = 400.0 / std::f64::consts::LN_10;

/// How the uncertainty of each rating is estimated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntervalMethod {
    /// Point ratings only.
    None,
    /// arena-rank's robust (sandwich) covariance, normal-approximation bounds.
    Sandwich,
    /// Percentile bounds over bootstrap refits.
    Bootstrap { rounds: usize, seed: u64 },
}

/// Pins one model's rating, as FastChat pins mixtral-8x7b-instruct-v0.1 at 1114.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub model: usize,
    pub rating: f64,
}

/// Everything that shapes a leaderboard besides the data.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingOptions {
    pub ties: TieHandling,
    /// arena-rank's inverse pair-frequency reweighting, 1/max(n_pair, m) with this m.
    pub reweight_min_pair: Option<f64>,
    pub intervals: IntervalMethod,
    /// Central coverage of the intervals, e.g. 0.95.
    pub level: f64,
    /// Mean rating when no anchor is given (1000 in every reference tool).
    pub base: f64,
    pub anchor: Option<Anchor>,
}

impl Default for RatingOptions {
    fn default() -> Self {
        Self {
            ties: TieHandling::Half,
            reweight_min_pair: None,
            intervals: IntervalMethod::Sandwich,
            level: 0.95,
            base: 1000.0,
            anchor: None,
        }
    }
}

/// One model's line of a leaderboard, on the Elo scale.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelRating {
    pub rating: f64,
    /// NaN without intervals.
    pub lower: f64,
    pub upper: f64,
    /// Variance of the rating in Elo² (sandwich: its diagonal; bootstrap: ddof 0).
    pub variance: f64,
    /// 1 + number of models whose lower bound exceeds this one's upper bound.
    pub rank: usize,
}

/// A style coefficient with its interval (natural-logit units per feature standard deviation).
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficient {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A fitted leaderboard, models in the caller's index order.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaderboard {
    pub models: Vec<ModelRating>,
    pub style_coefficients: Option<Vec<Coefficient>>,
    pub converged: bool,
    pub iterations: usize,
    /// Bootstrap replicates whose refit did not converge (0 for other methods).
    pub unconverged_replicates: usize,
    /// Anchored Elo-scale ratings of every bootstrap replicate (empty otherwise).
    pub replicates: Vec<Vec<f64>>,
}

/// rank_i = 1 + #{j : lower_j > upper_i} (FastChat's "Rank (UB)", METHODS §2.8). Without
/// intervals (NaN bounds) it is the plain rank by rating.
pub fn ranks_with_uncertainty(ratings: &[f64], lower: &[f64], upper: &[f64]) -> Vec<usize> {
    (0..ratings.len())
        .map(|i| {
            let beaten_by = (0..ratings.len())
                .filter(|&j| {
                    if upper[i].is_nan() || lower[j].is_nan() {
                        ratings[j] > ratings[i]
                    } else {
                        lower[j] > upper[i]
                    }
                })
                .count();
            1 + beaten_by
        })
        .collect()
}

/// One [`ModelRating`] per model from parallel columns, ranked with [`ranks_with_uncertainty`].
fn model_ratings(
    ratings: &[f64],
    lower: &[f64],
    upper: &[f64],
    variance: &[f64],
) -> Vec<ModelRating> {
    let ranks = ranks_with_uncertainty(ratings, lower, upper);
    (0..ratings.len())
        .map(|i| ModelRating {
            rating: ratings[i],
            lower: lower[i],
            upper: upper[i],
            variance: variance[i],
            rank: ranks[i],
        })
        .collect()
}

/// Shifts every rating by the same amount so the anchored model has its rating (FastChat:
/// `R += 1114 − R[mixtral]`, METHODS §2.3). Only differences between ratings are identified,
/// so this changes nothing else.
pub fn shift_to_anchor(ratings: &mut [f64], anchor: Anchor) {
    let shift = anchor.rating - ratings[anchor.model];
    ratings.iter_mut().for_each(|x| *x += shift);
}

/// Turns logits into anchored Elo ratings.
struct EloScale {
    base: f64,
    anchor: Option<Anchor>,
}

impl EloScale {
    fn ratings(&self, theta: &[f64]) -> Vec<f64> {
        let mut r: Vec<f64> = theta
            .iter()
            .map(|t| ELO_PER_LOGIT * t + self.base)
            .collect();
        if let Some(a) = self.anchor {
            shift_to_anchor(&mut r, a);
        }
        r
    }
}

/// Per-model summary of bootstrap replicates: percentile bounds at the level (linear
/// interpolation, as numpy/jnp.quantile), population variance (ddof 0, arena-rank, METHODS
/// §1.4) and the median.
pub(crate) struct ReplicateSummary {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub variance: Vec<f64>,
    pub median: Vec<f64>,
}

pub(crate) fn replicate_summary(
    replicates: &[Vec<f64>],
    n_models: usize,
    level: f64,
) -> ReplicateSummary {
    let tail = (1.0 - level) / 2.0;
    let mut summary = ReplicateSummary {
        lower: vec![f64::NAN; n_models],
        upper: vec![f64::NAN; n_models],
        variance: vec![f64::NAN; n_models],
        median: vec![f64::NAN; n_models],
    };
    for i in 0..n_models {
        let mut column: Vec<f64> = replicates.iter().map(|r| r[i]).collect();
        summary.variance[i] = stats::variance_population(&column);
        column.sort_by(f64::total_cmp);
        summary.lower[i] = stats::quantile_sorted(&column, tail);
        summary.upper[i] = stats::quantile_sorted(&column, 1.0 - tail);
        summary.median[i] = stats::quantile_sorted(&column, 0.5);
    }
    summary
}

fn check_anchor(anchor: Option<Anchor>, n_models: usize) -> Result<(), RankError> {
    match anchor {
        Some(a) if a.model >= n_models => Err(RankError::Unsupported(format!(
            "anchor model index {} out of range",
            a.model
        ))),
        _ => Ok(()),
    }
}

fn assemble(
    theta: &[f64],
    theta_variances: Option<&[f64]>,
    replicates: Option<&bt::Replicates>,
    options: &RatingOptions,
) -> (Vec<ModelRating>, Vec<Vec<f64>>) {
    let scale = EloScale {
        base: options.base,
        anchor: options.anchor,
    };
    let ratings = scale.ratings(theta);
    let m = ratings.len();
    let (mut lower, mut upper, mut variance) =
        (vec![f64::NAN; m], vec![f64::NAN; m], vec![f64::NAN; m]);
    let mut elo_replicates = Vec::new();
    if let Some(var) = theta_variances {
        let z = stats::two_sided_z(options.level);
        for i in 0..m {
            let half = z * var[i].max(0.0).sqrt() * ELO_PER_LOGIT;
            lower[i] = ratings[i] - half;
            upper[i] = ratings[i] + half;
            variance[i] = var[i] * ELO_PER_LOGIT * ELO_PER_LOGIT;
        }
    }
    if let Some(reps) = replicates {
        elo_replicates = reps.theta.iter().map(|t| scale.ratings(t)).collect();
        let summary = replicate_summary(&elo_replicates, m, options.level);
        (lower, upper, variance) = (summary.lower, summary.upper, summary.variance);
    }
    let models = model_ratings(&ratings, &lower, &upper, &variance);
    (models, elo_replicates)
}

/// A Bradley–Terry leaderboard from comparisons.
pub fn rate(
    comparisons: &Comparisons<'_>,
    options: &RatingOptions,
) -> Result<Leaderboard, RankError> {
    check_anchor(options.anchor, comparisons.n_models)?;
    let table = RowTable::build(comparisons, options.ties, options.reweight_min_pair)?;
    rate_table(&table, options)
}

/// A Bradley–Terry leaderboard from an already aggregated table.
pub fn rate_table(table: &RowTable, options: &RatingOptions) -> Result<Leaderboard, RankError> {
    rate_table_reporting(table, options, &|| {})
}

/// [`rate_table`], calling `on_replicate` after each bootstrap replicate (for a progress bar).
pub fn rate_table_reporting(
    table: &RowTable,
    options: &RatingOptions,
    on_replicate: &(dyn Fn() + Sync),
) -> Result<Leaderboard, RankError> {
    check_anchor(options.anchor, table.n_models)?;
    let fit = bt::fit(table)?;
    let (variances, replicates) = match options.intervals {
        IntervalMethod::None => (None, None),
        IntervalMethod::Sandwich => (Some(bt::sandwich_variances(table, &fit)), None),
        IntervalMethod::Bootstrap { rounds, seed } => (
            None,
            Some(bt::bootstrap(table, &fit, rounds, seed, on_replicate)),
        ),
    };
    let (models, elo_replicates) = assemble(
        &fit.theta,
        variances.as_deref(),
        replicates.as_ref(),
        options,
    );
    Ok(Leaderboard {
        models,
        style_coefficients: None,
        converged: fit.converged,
        iterations: fit.iterations,
        unconverged_replicates: replicates.as_ref().map_or(0, |r| r.unconverged),
        replicates: elo_replicates,
    })
}

/// A style-controlled leaderboard (ratings at the dataset's average style) with the style
/// coefficients. The comparison graph is checked as for plain Bradley–Terry: style terms do
/// not make a model that never lost finite in any meaningful sense.
pub fn rate_with_style(
    data: &StyleData,
    style: &StyleOptions,
    options: &RatingOptions,
) -> Result<Leaderboard, RankError> {
    rate_with_style_reporting(data, style, options, &|| {})
}

/// [`rate_with_style`], calling `on_replicate` after each bootstrap replicate.
pub fn rate_with_style_reporting(
    data: &StyleData,
    style: &StyleOptions,
    options: &RatingOptions,
    on_replicate: &(dyn Fn() + Sync),
) -> Result<Leaderboard, RankError> {
    check_anchor(options.anchor, data.n_models)?;
    let ones = vec![1.0; data.len()];
    let comparisons = Comparisons {
        n_models: data.n_models,
        model_a: &data.model_a,
        model_b: &data.model_b,
        outcome: &data.outcome,
        count: &ones,
        weight: &ones,
    };
    let table = RowTable::build(&comparisons, TieHandling::Half, None)?;
    let index = data::PairIndex::new(&table);
    graph::check_identifiable(
        data.n_models,
        &data::PairStats::from_rows(&table, &index, None),
    )?;
    let fit = style::fit(data, style)?;
    let z = stats::two_sided_z(options.level);
    let (variances, replicates, coefficients) = match options.intervals {
        IntervalMethod::None => (
            None,
            None,
            fit.beta
                .iter()
                .map(|&b| Coefficient {
                    value: b,
                    lower: f64::NAN,
                    upper: f64::NAN,
                })
                .collect(),
        ),
        IntervalMethod::Sandwich => {
            let (vt, vb) = style::sandwich_variances(data, &fit, style);
            let coefs = fit
                .beta
                .iter()
                .zip(&vb)
                .map(|(&b, &v)| {
                    let h = z * v.max(0.0).sqrt();
                    Coefficient {
                        value: b,
                        lower: b - h,
                        upper: b + h,
                    }
                })
                .collect();
            (Some(vt), None, coefs)
        }
        IntervalMethod::Bootstrap { rounds, seed } => {
            let reps = style::bootstrap(data, &fit, style, rounds, seed, on_replicate);
            let lo_q = (1.0 - options.level) / 2.0;
            let coefs = (0..data.n_features)
                .map(|f| {
                    let mut col: Vec<f64> = reps.beta.iter().map(|b| b[f]).collect();
                    col.sort_by(f64::total_cmp);
                    Coefficient {
                        value: fit.beta[f],
                        lower: stats::quantile_sorted(&col, lo_q),
                        upper: stats::quantile_sorted(&col, 1.0 - lo_q),
                    }
                })
                .collect();
            (None, Some(reps), coefs)
        }
    };
    let (models, elo_replicates) = assemble(
        &fit.theta,
        variances.as_deref(),
        replicates.as_ref(),
        options,
    );
    Ok(Leaderboard {
        models,
        style_coefficients: Some(coefficients),
        converged: fit.converged,
        iterations: fit.iterations,
        unconverged_replicates: replicates.as_ref().map_or(0, |r| r.unconverged),
        replicates: elo_replicates,
    })
}
