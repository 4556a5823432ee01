//! Which two models meet.
//!
//! Rule (`sampler = "uncertainty"`, the default): every unordered pair {i, j} of distinct
//! models that can both answer the prompt gets the weight
//!
//! ```text
//! w(i, j) = (0.1 + overlap(i, j)) × (1/√(1 + n_i) + 1/√(1 + n_j))
//! ```
//!
//! where `n` is a model's number of counted battles and `overlap` is the length of the
//! intersection of the two models' confidence intervals on the current leaderboard divided by
//! the length of the shorter one (0 for disjoint intervals, 1 when one contains the other, and 1
//! when either model has no interval yet). So pairs whose order is still uncertain, and models
//! with few battles, are drawn more often; the 0.1 floor keeps every pair possible, so the
//! comparison graph stays connected. `sampler = "uniform"` gives every pair weight 1. The pair
//! is drawn with probability proportional to its weight, then which model is "A" is a fair coin.
//! A model never meets itself.

use rand::RngExt;

use crate::config::SamplerKind;

/// A model that may take part in the battle.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Battles counted on the leaderboard.
    pub battles: f64,
    /// The leaderboard's confidence interval, when it has one.
    pub interval: Option<(f64, f64)>,
}

/// Overlap of two intervals relative to the shorter one, in [0, 1].
pub fn overlap(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> f64 {
    match (a, b) {
        (Some((al, au)), Some((bl, bu)))
            if al.is_finite() && au.is_finite() && bl.is_finite() && bu.is_finite() =>
        {
            let inter = (au.min(bu) - al.max(bl)).max(0.0);
            let shorter = (au - al).min(bu - bl);
            if shorter <= 0.0 {
                // A zero-width interval: inside the other or not.
                if inter > 0.0 || (al.max(bl) <= au.min(bu)) {
                    1.0
                } else {
                    0.0
                }
            } else {
                (inter / shorter).clamp(0.0, 1.0)
            }
        }
        _ => 1.0,
    }
}

/// The weight of the pair (i, j) under `kind`.
pub fn pair_weight(kind: SamplerKind, a: &Candidate, b: &Candidate) -> f64 {
    match kind {
        SamplerKind::Uniform => 1.0,
        SamplerKind::Uncertainty => {
            let scarcity =
                1.0 / (1.0 + a.battles.max(0.0)).sqrt() + 1.0 / (1.0 + b.battles.max(0.0)).sqrt();
            (0.1 + overlap(a.interval, b.interval)) * scarcity
        }
    }
}

/// Draws a pair (index of model A, index of model B) among `candidates`; `None` with fewer than
/// two candidates.
pub fn draw_pair(
    kind: SamplerKind,
    candidates: &[Candidate],
    rng: &mut impl rand::Rng,
) -> Option<(usize, usize)> {
    let n = candidates.len();
    if n < 2 {
        return None;
    }
    let mut pairs = Vec::with_capacity(n * (n - 1) / 2);
    let mut total = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let w = pair_weight(kind, &candidates[i], &candidates[j]);
            let w = if w.is_finite() && w > 0.0 { w } else { 0.0 };
            total += w;
            pairs.push((i, j, total));
        }
    }
    let (i, j) = if total > 0.0 {
        let x = rng.random_range(0.0..total);
        let k = pairs
            .partition_point(|&(_, _, cum)| cum <= x)
            .min(pairs.len() - 1);
        (pairs[k].0, pairs[k].1)
    } else {
        let k = rng.random_range(0..pairs.len());
        (pairs[k].0, pairs[k].1)
    };
    Some(if rng.random_bool(0.5) { (i, j) } else { (j, i) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn never_a_model_against_itself_and_uncertain_pairs_more_often() {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
        let c = vec![
            Candidate {
                battles: 1000.0,
                interval: Some((1000.0, 1010.0)),
            },
            Candidate {
                battles: 1000.0,
                interval: Some((1005.0, 1015.0)),
            },
            Candidate {
                battles: 1000.0,
                interval: Some((1200.0, 1210.0)),
            },
        ];
        let mut close = 0;
        for _ in 0..2000 {
            let (a, b) = draw_pair(SamplerKind::Uncertainty, &c, &mut rng).unwrap();
            assert_ne!(a, b);
            if a + b == 1 {
                close += 1;
            }
        }
        // Weight of the overlapping pair is (0.1 + 0.5) vs 0.1 for each disjoint pair: 75 %,
        // 1500 of 2000 draws with a standard deviation of about 19; ±100 is about 5 s.d.
        assert!(close > 1400 && close < 1600, "{close}");
        let mut uniform_close = 0;
        for _ in 0..3000 {
            let (a, b) = draw_pair(SamplerKind::Uniform, &c, &mut rng).unwrap();
            if a + b == 1 {
                uniform_close += 1;
            }
        }
        assert!(
            uniform_close > 850 && uniform_close < 1150,
            "{uniform_close}"
        );
        assert!(draw_pair(SamplerKind::Uniform, &c[..1], &mut rng).is_none());
    }

    #[test]
    fn overlap_cases() {
        assert_eq!(overlap(None, Some((0.0, 1.0))), 1.0);
        assert_eq!(overlap(Some((0.0, 1.0)), Some((2.0, 3.0))), 0.0);
        assert_eq!(overlap(Some((0.0, 10.0)), Some((2.0, 3.0))), 1.0);
        assert!((overlap(Some((0.0, 2.0)), Some((1.0, 3.0))) - 0.5).abs() < 1e-12);
    }
}
