//! Online Elo as FastChat computes it (`compute_elo`, METHODS §2.7): battles replayed in
//! time order, each moving both ratings by K·(outcome − expected) (Elo 1978).

use rand::RngExt;
use rayon::prelude::*;

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
