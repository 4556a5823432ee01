//! Online Elo as FastChat computes it (`compute_elo`, METHODS §2.7): battles replayed in
//! time order, each moving both ratings by K·(outcome − expected) (Elo 1978), and the
//! leaderboard FastChat built from it (`compute_bootstrap_elo`: the bootstrap median as the
//! rating, percentile bounds).

use rand::RngExt;
use rayon::prelude::*;

use crate::{
    Anchor, Comparisons, IntervalMethod, Leaderboard, RankError, TieHandling, check_anchor,
    model_ratings, replicate_summary, shift_to_anchor,
};

/// The K factor and starting rating (FastChat: 4 and 1000).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EloConfig {
    pub k: f64,
    pub initial: f64,
}

impl Default for EloConfig {
    fn default() -> Self {
        Self {
            k: 4.0,
            initial: 1000.0,
        }
    }
}

/// One Elo update for a battle with outcome `o` from model `a`'s side.
#[inline]
fn update(rating: &mut [f64], a: usize, b: usize, o: f64, k: f64) {
    let expected = 1.0 / (1.0 + 10f64.powf((rating[b] - rating[a]) / 400.0));
    let delta = k * (o - expected);
    rating[a] += delta;
    rating[b] -= delta;
}

/// Ratings after replaying the battles in the given order. `outcome` is from model A's side
/// (1, 0, or 0.5 for either kind of tie).
pub fn online_elo(
    n_models: usize,
    model_a: &[u32],
    model_b: &[u32],
    outcome: &[f64],
    config: EloConfig,
) -> Vec<f64> {
    let mut rating = vec![config.initial; n_models];
    for ((&a, &b), &o) in model_a.iter().zip(model_b).zip(outcome) {
        update(&mut rating, a as usize, b as usize, o, config.k);
    }
    rating
}

/// FastChat's Elo bootstrap (`compute_bootstrap_elo`): each replicate replays N battles drawn
/// with replacement, in the order drawn. Replicates are seeded per index, so the result does
/// not depend on the thread count.
pub fn bootstrap_online_elo(
    n_models: usize,
    model_a: &[u32],
    model_b: &[u32],
    outcome: &[f64],
    config: EloConfig,
    rounds: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    let n = model_a.len();
    (0..rounds)
        .into_par_iter()
        .map(|r| {
            let mut rng = crate::bt::replicate_rng(seed, r);
            let mut rating = vec![config.initial; n_models];
            for _ in 0..n {
                let i = rng.random_range(0..n);
                update(
                    &mut rating,
                    model_a[i] as usize,
                    model_b[i] as usize,
                    outcome[i],
                    config.k,
                );
            }
            rating
        })
        .collect()
}

/// Battles as online Elo replays them: one entry per battle (a row of count c is c battles),
/// in replay order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EloBattles {
    pub model_a: Vec<u32>,
    pub model_b: Vec<u32>,
    pub outcome: Vec<f64>,
}

impl EloBattles {
    /// The rows of `comparisons` in timestamp order, as FastChat sorts its battles by `tstamp`
    /// before `compute_elo`. The sort is stable; `f64::total_cmp` puts rows without a time
    /// (NaN) after those with one, in their original order. With [`TieHandling::Drop`] tied
    /// rows are left out (FastChat's `exclude_tie`).
    pub fn in_time_order(
        comparisons: &Comparisons<'_>,
        tstamp: &[f64],
        ties: TieHandling,
    ) -> EloBattles {
        let mut order: Vec<usize> = (0..comparisons.len())
            .filter(|&r| !(ties == TieHandling::Drop && comparisons.outcome[r] == 0.5))
            .collect();
        order.sort_by(|&x, &y| tstamp[x].total_cmp(&tstamp[y]));
        let mut battles = EloBattles::default();
        for &r in &order {
            for _ in 0..(comparisons.count[r] as usize) {
                battles.model_a.push(comparisons.model_a[r]);
                battles.model_b.push(comparisons.model_b[r]);
                battles.outcome.push(comparisons.outcome[r]);
            }
        }
        battles
    }

    /// Number of battles replayed.
    pub fn len(&self) -> usize {
        self.model_a.len()
    }

    /// True when there is nothing to replay.
    pub fn is_empty(&self) -> bool {
        self.model_a.is_empty()
    }
}

/// What shapes an online-Elo leaderboard.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OnlineEloOptions {
    pub config: EloConfig,
    /// [`IntervalMethod::None`] or [`IntervalMethod::Bootstrap`]; online Elo has no sandwich.
    pub intervals: IntervalMethod,
    /// Central coverage of the bootstrap bounds, e.g. 0.95.
    pub level: f64,
    /// Shifts every rating (and every replicate) so this model has this rating.
    pub anchor: Option<Anchor>,
}

/// FastChat's online-Elo leaderboard (METHODS §2.7): the ratings after one replay, or with a
/// bootstrap the median of the replicates (FastChat's leaderboard showed the bootstrap median),
/// percentile bounds and the population variance (ddof 0) of the replicates; ranks as
/// [`ranks_with_uncertainty`]. `iterations` is the number of battles replayed.
pub fn rate_online_elo(
    n_models: usize,
    battles: &EloBattles,
    options: &OnlineEloOptions,
) -> Result<Leaderboard, RankError> {
    check_anchor(options.anchor, n_models)?;
    let mut ratings = online_elo(
        n_models,
        &battles.model_a,
        &battles.model_b,
        &battles.outcome,
        options.config,
    );
    if let Some(anchor) = options.anchor {
        shift_to_anchor(&mut ratings, anchor);
    }
    let (mut lower, mut upper, mut variance) = (
        vec![f64::NAN; n_models],
        vec![f64::NAN; n_models],
        vec![f64::NAN; n_models],
    );
    match options.intervals {
        IntervalMethod::None => {}
        IntervalMethod::Sandwich => {
            return Err(RankError::Unsupported(
                "online Elo has no sandwich interval; use a bootstrap".into(),
            ));
        }
        IntervalMethod::Bootstrap { rounds, seed } => {
            let mut replicates = bootstrap_online_elo(
                n_models,
                &battles.model_a,
                &battles.model_b,
                &battles.outcome,
                options.config,
                rounds,
                seed,
            );
            if let Some(anchor) = options.anchor {
                for replicate in &mut replicates {
                    shift_to_anchor(replicate, anchor);
                }
            }
            let summary = replicate_summary(&replicates, n_models, options.level);
            (lower, upper, variance) = (summary.lower, summary.upper, summary.variance);
            ratings = summary.median;
        }
    }
    let models = model_ratings(&ratings, &lower, &upper, &variance);
    Ok(Leaderboard {
        models,
        style_coefficients: None,
        converged: true,
        iterations: battles.len(),
        unconverged_replicates: 0,
        replicates: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comparisons<'a>(
        a: &'a [u32],
        b: &'a [u32],
        outcome: &'a [f64],
        count: &'a [f64],
        weight: &'a [f64],
    ) -> Comparisons<'a> {
        Comparisons {
            n_models: 3,
            model_a: a,
            model_b: b,
            outcome,
            count,
            weight,
        }
    }

    #[test]
    fn replay_is_in_time_order_with_counts_expanded_and_ties_dropped_on_request() {
        let (a, b) = ([0, 1, 2, 0], [1, 2, 0, 2]);
        let (outcome, count, weight) = ([1.0, 0.5, 0.0, 1.0], [1.0, 2.0, 1.0, 1.0], [1.0; 4]);
        let c = comparisons(&a, &b, &outcome, &count, &weight);
        let tstamp = [30.0, 10.0, f64::NAN, 20.0];
        let all = EloBattles::in_time_order(&c, &tstamp, TieHandling::Half);
        assert_eq!(all.model_a, [1, 1, 0, 0, 2]);
        assert_eq!(all.outcome, [0.5, 0.5, 1.0, 1.0, 0.0]);
        let decisive = EloBattles::in_time_order(&c, &tstamp, TieHandling::Drop);
        assert_eq!(decisive.model_a, [0, 0, 2]);
    }

    #[test]
    fn leaderboard_anchors_and_summarises_the_bootstrap() {
        let battles = EloBattles {
            model_a: vec![0, 1, 0, 2, 1, 0],
            model_b: vec![1, 2, 2, 1, 0, 1],
            outcome: vec![1.0, 1.0, 0.5, 0.0, 0.0, 1.0],
        };
        let config = EloConfig::default();
        let anchor = Anchor {
            model: 2,
            rating: 1114.0,
        };
        let mut options = OnlineEloOptions {
            config,
            intervals: IntervalMethod::None,
            level: 0.95,
            anchor: Some(anchor),
        };
        let board = rate_online_elo(3, &battles, &options).unwrap();
        // FastChat's update (K = 4, init 1000, base 10, scale 400) replayed by hand in Python
        // over the six battles, then shifted so that model 2 is at 1114.
        let expected = [1123.9310576504936, 1115.9996701871448, 1114.0];
        let ratings: Vec<f64> = board.models.iter().map(|m| m.rating).collect();
        assert_eq!(ratings.len(), 3);
        for (got, want) in ratings.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{ratings:?} vs {expected:?}");
        }
        assert_eq!(board.models[2].rating, 1114.0);
        assert_eq!(board.iterations, 6);
        assert!(board.models.iter().all(|m| m.lower.is_nan()));

        options.intervals = IntervalMethod::Bootstrap {
            rounds: 20,
            seed: 7,
        };
        let boot = rate_online_elo(3, &battles, &options).unwrap();
        assert_eq!(boot.models.len(), 3);
        for m in &boot.models {
            assert!(m.lower <= m.rating && m.rating <= m.upper, "{m:?}");
            assert!(m.variance >= 0.0);
        }
        assert_eq!(boot.models[2].rating, 1114.0);

        options.intervals = IntervalMethod::Sandwich;
        assert!(matches!(
            rate_online_elo(3, &battles, &options),
            Err(RankError::Unsupported(m)) if m.contains("no sandwich interval")
        ));
        options.anchor = Some(Anchor {
            model: 3,
            rating: 0.0,
        });
        options.intervals = IntervalMethod::None;
        assert!(matches!(
            rate_online_elo(3, &battles, &options),
            Err(RankError::Unsupported(m)) if m.contains("anchor model index 3 out of range")
        ));
    }
}
