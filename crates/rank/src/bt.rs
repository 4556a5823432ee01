//! Bradley–Terry maximum likelihood (Bradley & Terry 1952; Zermelo 1929) solved exactly by
//! Newton's method on the pair sufficient statistics, with arena-rank's sandwich interval
//! (METHODS §1.3) and a multinomial bootstrap over unique rows (METHODS §1.4).

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use crate::RankError;
use crate::data::{PairIndex, PairStats, RowTable};
use crate::graph::check_identifiable;
use crate::linalg::{Cholesky, Matrix, sandwich_diagonal};
use crate::newton::{chord, minimise};
use crate::stats::{sigmoid, softplus};

/// A fitted Bradley–Terry model on the natural-logit scale, Σθ = 0.
#[derive(Clone, Debug, PartialEq)]
pub struct BtFit {
    pub theta: Vec<f64>,
    /// Mean negative log-likelihood per unit of weight at θ.
    pub loss: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Negative log-likelihood Σ_pairs [T·softplus(d) − S·d] at θ.
fn loss(stats: &PairStats, theta: &[f64]) -> f64 {
    let mut l = 0.0;
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        let d = theta[i as usize] - theta[j as usize];
        l += stats.total[k] * softplus(d) - stats.wins[k] * d;
    }
    l
}

/// Gradient of the negative log-likelihood.
fn gradient(stats: &PairStats, theta: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; theta.len()];
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        let (i, j) = (i as usize, j as usize);
        let r = stats.total[k] * sigmoid(theta[i] - theta[j]) - stats.wins[k];
        g[i] += r;
        g[j] -= r;
    }
    g
}

/// Gradient and Hessian of the negative log-likelihood.
fn gradient_hessian(stats: &PairStats, theta: &[f64]) -> (Vec<f64>, Matrix) {
    let m = theta.len();
    let mut g = vec![0.0; m];
    let mut h = Matrix::zeros(m);
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        let (i, j) = (i as usize, j as usize);
        let p = sigmoid(theta[i] - theta[j]);
        let r = stats.total[k] * p - stats.wins[k];
        g[i] += r;
        g[j] -= r;
        let w = stats.total[k] * p * (1.0 - p);
        *h.at(i, i) += w;
        *h.at(j, j) += w;
        *h.at(i, j) -= w;
        *h.at(j, i) -= w;
    }
    (g, h)
}

/// Minimises the negative log-likelihood from `start` with θ_ref held fixed (the likelihood
/// only sees differences), then centres θ to sum zero.
pub(crate) fn newton(stats: &PairStats, start: &[f64], reference: usize) -> BtFit {
    let scale = stats.total.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let found = minimise(
        start,
        reference,
        scale,
        |t| loss(stats, t),
        |t| gradient_hessian(stats, t),
    );
    let mut theta = found.params;
    let mean = theta.iter().sum::<f64>() / theta.len() as f64;
    theta.iter_mut().for_each(|x| *x -= mean);
    BtFit {
        loss: found.value / scale,
        theta,
        iterations: found.iterations,
        converged: found.converged,
    }
}

/// A bootstrap replicate's fit from the full data's optimum: chord steps with the full data's
/// Hessian factor (`factor`, θ_ref removed), else the damped Newton method.
fn refit(stats: &PairStats, full: &BtFit, reference: usize, factor: Option<&Cholesky>) -> BtFit {
    let chorded = factor.and_then(|f| chord(&full.theta, reference, f, |t| gradient(stats, t)));
    let Some((mut theta, iterations)) = chorded else {
        return newton(stats, &full.theta, reference);
    };
    let mean = theta.iter().sum::<f64>() / theta.len() as f64;
    theta.iter_mut().for_each(|x| *x -= mean);
    let scale = stats.total.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    BtFit {
        loss: loss(stats, &theta) / scale,
        theta,
        iterations,
        converged: true,
    }
}

/// The Cholesky factor of the full data's Hessian at its optimum, θ_ref removed: the chord
/// iteration's fixed matrix for every replicate.
fn full_factor(stats: &PairStats, fit: &BtFit, reference: usize) -> Option<Cholesky> {
    Cholesky::new(&gradient_hessian(stats, &fit.theta).1.without(reference))
}

/// The model with the most weight: the best-conditioned one to hold fixed.
fn reference_model(stats: &PairStats, m: usize) -> usize {
    let mut w = vec![0.0; m];
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        w[i as usize] += stats.total[k];
        w[j as usize] += stats.total[k];
    }
    let mut best = 0;
    for i in 1..m {
        if w[i] > w[best] {
            best = i;
        }
    }
    best
}

/// The exact maximum-likelihood Bradley–Terry ratings, or why they do not exist.
pub fn fit(table: &RowTable) -> Result<BtFit, RankError> {
    if table.is_empty() {
        return Err(RankError::Empty);
    }
    if table.n_models < 2 {
        return Err(RankError::TooFewModels(table.n_models));
    }
    let index = PairIndex::new(table);
    let stats = PairStats::from_rows(table, &index, None);
    check_identifiable(table.n_models, &stats)?;
    let reference = reference_model(&stats, table.n_models);
    Ok(newton(&stats, &vec![0.0; table.n_models], reference))
}

/// arena-rank's sandwich covariance diagonal (METHODS §1.3), in logits²:
/// diag(H⁻¹ G H⁻¹) with H = Σ ow·p(1−p)·xxᵀ + λI, G = Σ c·w²·(o−p)²·xxᵀ, λ = 1e-5·N for unit
/// weights and 1e-5 otherwise (Huber 1967; White 1980).
pub fn sandwich_variances(table: &RowTable, fit: &BtFit) -> Vec<f64> {
    let m = table.n_models;
    let index = PairIndex::new(table);
    let stats = PairStats::from_rows(table, &index, None);
    let (_, mut h) = gradient_hessian(&stats, &fit.theta);
    let lambda = 1e-5
        * if table.unit_weights {
            table.battles()
        } else {
            1.0
        };
    h.add_diagonal(lambda);
    let mut g = Matrix::zeros(m);
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        let (i, j) = (i as usize, j as usize);
        let p = sigmoid(fit.theta[i] - fit.theta[j]);
        // Σ W₂ (o − p)² = q2 − 2p·q1 + p²·q0
        let v = stats.q2[k] - 2.0 * p * stats.q1[k] + p * p * stats.q0[k];
        *g.at(i, i) += v;
        *g.at(j, j) += v;
        *g.at(i, j) -= v;
        *g.at(j, i) -= v;
    }
    match Cholesky::new(&h) {
        Some(c) => sandwich_diagonal(&c.inverse(), &g),
        None => vec![f64::NAN; m],
    }
}

/// Bootstrap replicates of θ (each Σθ = 0), one row per replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct Replicates {
    pub theta: Vec<Vec<f64>>,
    /// Style coefficients per replicate (empty for plain Bradley–Terry).
    pub beta: Vec<Vec<f64>>,
    /// Replicates whose optimum did not converge (typically a model that, in that resample,
    /// never lost or never won: its rating runs off as in arena-rank's own replicates).
    pub unconverged: usize,
}

/// The generator for replicate `r`: a function of (seed, r) only, so the output never
/// depends on how many threads run the replicates.
pub fn replicate_rng(seed: u64, r: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(
        seed ^ (r as u64)
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    )
}

/// Multinomial(N, counts/N) over the rows, drawn as a chain of conditional binomials.
pub fn multinomial_counts(counts: &[f64], rng: &mut ChaCha8Rng) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    let mut remaining_n = total.round() as u64;
    let mut remaining_mass = total;
    let mut out = vec![0.0; counts.len()];
    for (k, &c) in counts.iter().enumerate() {
        if remaining_n == 0 {
            break;
        }
        if k + 1 == counts.len() || c >= remaining_mass {
            out[k] = remaining_n as f64;
            break;
        }
        let p = (c / remaining_mass).clamp(0.0, 1.0);
        let draw = match Binomial::new(remaining_n, p) {
            Ok(b) => b.sample(rng),
            Err(_) => 0,
        };
        out[k] = draw as f64;
        remaining_n -= draw;
        remaining_mass -= c;
    }
    out
}

/// Multinomial bootstrap of unique rows (arena-rank's `ci_method="bootstrap"`): each replicate
/// redraws N battles from the observed rows and refits, warm-started at the full-data optimum.
/// `on_replicate` is called once per finished replicate (from worker threads), for progress.
pub fn bootstrap(
    table: &RowTable,
    fit: &BtFit,
    rounds: usize,
    seed: u64,
    on_replicate: &(dyn Fn() + Sync),
) -> Replicates {
    let oriented = table.oriented();
    let table = oriented.as_ref().unwrap_or(table);
    let index = PairIndex::new(table);
    let full = PairStats::from_rows(table, &index, None);
    let reference = reference_model(&full, table.n_models);
    let factor = full_factor(&full, fit, reference);
    let results: Vec<BtFit> = (0..rounds)
        .into_par_iter()
        .map(|r| {
            let mut rng = replicate_rng(seed, r);
            let counts = multinomial_counts(&table.count, &mut rng);
            let stats = PairStats::from_rows(table, &index, Some(&counts));
            let refit = refit(&stats, fit, reference, factor.as_ref());
            on_replicate();
            refit
        })
        .collect();
    Replicates {
        unconverged: results.iter().filter(|f| !f.converged).count(),
        theta: results.into_iter().map(|f| f.theta).collect(),
        beta: Vec::new(),
    }
}

/// Bootstrap from caller-supplied replicate counts (one vector of row counts per replicate),
/// e.g. to replay another tool's draws in a parity test.
pub fn bootstrap_with_counts(table: &RowTable, fit: &BtFit, counts: &[Vec<f64>]) -> Replicates {
    let index = PairIndex::new(table);
    let full = PairStats::from_rows(table, &index, None);
    let reference = reference_model(&full, table.n_models);
    let factor = full_factor(&full, fit, reference);
    let results: Vec<BtFit> = counts
        .par_iter()
        .map(|c| {
            let stats = PairStats::from_rows(table, &index, Some(c));
            refit(&stats, fit, reference, factor.as_ref())
        })
        .collect();
    Replicates {
        unconverged: results.iter().filter(|f| !f.converged).count(),
        theta: results.into_iter().map(|f| f.theta).collect(),
        beta: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use rand::RngExt;

    use super::*;
    use crate::data::{Comparisons, TieHandling};

    /// Simulated battles of `m` models with Elo-like strengths: (a, b, outcome).
    fn battles(m: usize, n: usize, seed: u64) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let strength: Vec<f64> = (0..m).map(|i| i as f64 * 2.0 / m as f64).collect();
        let (mut a, mut b, mut o) = (Vec::new(), Vec::new(), Vec::new());
        while a.len() < n {
            let (i, j) = (rng.random_range(0..m), rng.random_range(0..m));
            if i == j {
                continue;
            }
            let u: f64 = rng.random();
            let outcome = if u < 0.1 {
                0.5
            } else if rng.random::<f64>() < sigmoid(strength[i] - strength[j]) {
                1.0
            } else {
                0.0
            };
            a.push(i as u32);
            b.push(j as u32);
            o.push(outcome);
        }
        (a, b, o)
    }

    #[test]
    fn chord_replicates_are_the_newton_optimum() {
        let (a, b, o) = battles(12, 20_000, 9);
        let ones = vec![1.0; a.len()];
        let c = Comparisons {
            n_models: 12,
            model_a: &a,
            model_b: &b,
            outcome: &o,
            count: &ones,
            weight: &ones,
        };
        let table = RowTable::build(&c, TieHandling::Half, None).expect("table");
        let full = fit(&table).expect("fit");
        let index = PairIndex::new(&table);
        let stats = PairStats::from_rows(&table, &index, None);
        let reference = reference_model(&stats, table.n_models);
        let factor = full_factor(&stats, &full, reference).expect("positive definite");
        let mut worst = 0.0f64;
        for r in 0..20 {
            let counts = multinomial_counts(&table.count, &mut replicate_rng(4, r));
            let stats = PairStats::from_rows(&table, &index, Some(&counts));
            assert!(
                chord(&full.theta, reference, &factor, |t| gradient(&stats, t)).is_some(),
                "the chord iteration contracts on replicate {r}"
            );
            let chorded = refit(&stats, &full, reference, Some(&factor));
            let newtons = newton(&stats, &full.theta, reference);
            assert!(chorded.converged && newtons.converged);
            // Few chord steps: the resampling noise is small against the Hessian.
            assert!(
                chorded.iterations <= 12,
                "{} chord steps",
                chorded.iterations
            );
            for (x, y) in chorded.theta.iter().zip(&newtons.theta) {
                worst = worst.max((x - y).abs());
            }
        }
        assert!(worst < 1e-10, "chord vs Newton: max |Δθ| = {worst:e}");
    }
}
