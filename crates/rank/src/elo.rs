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
