//! Online Elo as FastChat computes it (`compute_elo`, METHODS §2.7): battles replayed in
//! time order, each moving both ratings by K·(outcome − expected).

/// Ratings after replaying the battles in the given order. `outcome` is from model A's side
/// (1, 0, or 0.5 for either kind of tie).
pub fn online_elo(n_models: usize, model_a: &[u32], model_b: &[u32], outcome: &[f64], k: f64, initial: f64) -> Vec<f64> {
    let mut rating = vec![initial; n_models];
    for ((&a, &b), &o) in model_a.iter().zip(model_b).zip(outcome) {
        let (a, b) = (a as usize, b as usize);
        let expected = 1.0 / (1.0 + 10f64.powf((rating[b] - rating[a]) / 400.0));
        let delta = k * (o - expected);
        rating[a] += delta;
        rating[b] -= delta;
    }
    rating
}

/// FastChat's Elo bootstrap (`compute_bootstrap_elo`, METHODS §2.7): each replicate replays
/// N battles drawn with replacement, in the order drawn. Replicates are seeded per index, so
/// the result does not depend on the thread count.
pub fn bootstrap_online_elo(
    n_models: usize,
    model_a: &[u32],
    model_b: &[u32],
    outcome: &[f64],
    k: f64,
    initial: f64,
    rounds: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    use rand::RngExt;
    use rayon::prelude::*;
    let n = model_a.len();
    (0..rounds)
        .into_par_iter()
        .map(|r| {
            let mut rng = crate::bt::replicate_rng(seed, r);
            let mut rating = vec![initial; n_models];
            for _ in 0..n {
                let i = rng.random_range(0..n);
                let (a, b) = (model_a[i] as usize, model_b[i] as usize);
                let expected = 1.0 / (1.0 + 10f64.powf((rating[b] - rating[a]) / 400.0));
                let delta = k * (outcome[i] - expected);
                rating[a] += delta;
                rating[b] -= delta;
            }
            rating
        })
        .collect()
}
