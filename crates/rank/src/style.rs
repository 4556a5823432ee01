//! Style control: arena-rank's contextual Bradley–Terry (METHODS §1.5), the model behind
//! LMArena's "style control" leaderboard (Li et al., "Does style matter?", LMSYS blog 2024).
//! P(a beats b) = σ(θ_a − θ_b + xᵀβ) with x the battle's standardised style differences;
//! the ratings θ are then the strengths at the dataset's average style.

use rand::RngExt;
use rayon::prelude::*;

use crate::RankError;
use crate::bt::replicate_rng;
use crate::data::TieHandling;
use crate::linalg::{Cholesky, Matrix, sandwich_diagonal};
use crate::newton::{chord, minimise};
use crate::stats::{sigmoid, softplus};

/// The style features LMArena controls for, in arena-rank's order (METHODS §1.6).
pub const LMARENA_FEATURES: [&str; 4] = [
    "sum_assistant_tokens",
    "header_count",
    "bold_count",
    "list_count",
];

/// arena-rank's defaults: reweighted by 1/max(n_pair, 50) (mean 1), L2 penalty 1.0 on β.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StyleOptions {
    pub reg: f64,
    pub min_pair_count: f64,
    pub reweighted: bool,
    pub ties: TieHandling,
}

impl Default for StyleOptions {
    fn default() -> Self {
        Self {
            reg: 1.0,
            min_pair_count: 50.0,
            reweighted: true,
            ties: TieHandling::Half,
        }
    }
}

/// One style feature for every battle, LMArena's way (METHODS §1.6): the normalised
/// difference (a−b)/(a+b) (a zero sum counts as 1), standardised with the sample standard
/// deviation (ddof 1, as pandas), then again with the population one (ddof 0, as
/// arena-rank's `ContextualPairDataset`). A constant column becomes zeros.
pub fn lmarena_feature(a: &[f64], b: &[f64]) -> Vec<f64> {
    let raw: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| {
            let s = x + y;
            (x - y) / if s == 0.0 { 1.0 } else { s }
        })
        .collect();
    let once = standardise(&raw, 1.0);
    standardise(&once, 0.0)
}

fn standardise(xs: &[f64], ddof: f64) -> Vec<f64> {
    let n = xs.len() as f64;
    if n == 0.0 {
        return Vec::new();
    }
    let mean = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    let sd = if n - ddof > 0.0 {
        (ss / (n - ddof)).sqrt()
    } else {
        0.0
    };
    let sd = if sd == 0.0 || !sd.is_finite() {
        1.0
    } else {
        sd
    };
    xs.iter().map(|x| (x - mean) / sd).collect()
}

/// Checks battle `r`: model indices in range and distinct, outcome 0, ½ or 1, weight finite and
/// ≥ 0, style counts finite.
fn check_row(
    r: usize,
    n_models: usize,
    model_a: &[u32],
    model_b: &[u32],
    outcome: &[f64],
    weight: &[f64],
    side_counts: &[(Vec<f64>, Vec<f64>)],
) -> Result<(), RankError> {
    let (a, b) = (model_a[r], model_b[r]);
    for idx in [a, b] {
        if idx as usize >= n_models {
            return Err(RankError::ModelOutOfRange {
                row: r,
                index: idx,
                n_models,
            });
        }
    }
    if a == b {
        return Err(RankError::SelfComparison { row: r, index: a });
    }
    let o = outcome[r];
    if o != 0.0 && o != 0.5 && o != 1.0 {
        return Err(RankError::BadOutcome { row: r, value: o });
    }
    if !(weight[r].is_finite() && weight[r] >= 0.0) {
        return Err(RankError::BadNumber {
            row: r,
            field: "weight",
            value: weight[r],
        });
    }
    for (fa, fb) in side_counts {
        for v in [fa[r], fb[r]] {
            if !v.is_finite() {
                return Err(RankError::BadNumber {
                    row: r,
                    field: "style count",
                    value: v,
                });
            }
        }
    }
    Ok(())
}

/// The kept battles' standardised style features (LMArena's normalised a − b differences),
/// as an m × k row-major matrix.
fn feature_matrix(side_counts: &[(Vec<f64>, Vec<f64>)], keep: &[usize]) -> Vec<f64> {
    let k = side_counts.len();
    let columns: Vec<Vec<f64>> = side_counts
        .iter()
        .map(|(fa, fb)| {
            let a: Vec<f64> = keep.iter().map(|&r| fa[r]).collect();
            let b: Vec<f64> = keep.iter().map(|&r| fb[r]).collect();
            lmarena_feature(&a, &b)
        })
        .collect();
    let mut features = vec![0.0; keep.len() * k];
    for (f, col) in columns.iter().enumerate() {
        for (r, v) in col.iter().enumerate() {
            features[r * k + f] = *v;
        }
    }
    features
}

/// The distinct unordered model pairs, in order of first appearance, and each battle's pair:
/// the fit accumulates its rating block per pair.
fn index_pairs(ma: &[u32], mb: &[u32]) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut pair_index = std::collections::HashMap::new();
    let mut pairs = Vec::new();
    let pair_of_row: Vec<u32> = ma
        .iter()
        .zip(mb)
        .map(|(&a, &b)| {
            let key = if a < b { (a, b) } else { (b, a) };
            *pair_index.entry(key).or_insert_with(|| {
                pairs.push(key);
                (pairs.len() - 1) as u32
            })
        })
        .collect();
    (pairs, pair_of_row)
}

/// Divides each battle's weight by its pair's battle count (at least `min_pair_count`), then
/// rescales the weights to mean 1, so over-sampled pairs do not dominate the fit.
fn reweight(w: &mut [f64], pair_of_row: &[u32], n_pairs: usize, min_pair_count: f64) {
    let mut n_pair = vec![0.0f64; n_pairs];
    for &p in pair_of_row {
        n_pair[p as usize] += 1.0;
    }
    for (wr, &p) in w.iter_mut().zip(pair_of_row) {
        *wr /= n_pair[p as usize].max(min_pair_count);
    }
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    if mean > 0.0 {
        w.iter_mut().for_each(|x| *x /= mean);
    }
}

/// Per-battle rows for the contextual fit, features already standardised.
#[derive(Clone, Debug)]
pub struct StyleData {
    pub n_models: usize,
    pub model_a: Vec<u32>,
    pub model_b: Vec<u32>,
    pub outcome: Vec<f64>,
    /// n × k, row-major.
    pub features: Vec<f64>,
    pub n_features: usize,
    /// Per-battle weights after reweighting (mean 1 when reweighted).
    pub weight: Vec<f64>,
    pairs: Vec<(u32, u32)>,
    pair_of_row: Vec<u32>,
}

impl StyleData {
    /// Builds the fit's rows. `side_counts[f]` holds feature f's raw counts for side a and b
    /// of every battle; `weight` multiplies each battle (1 for LMArena).
    pub fn new(
        n_models: usize,
        model_a: &[u32],
        model_b: &[u32],
        outcome: &[f64],
        weight: &[f64],
        side_counts: &[(Vec<f64>, Vec<f64>)],
        options: &StyleOptions,
    ) -> Result<Self, RankError> {
        let n = model_a.len();
        if model_b.len() != n
            || outcome.len() != n
            || weight.len() != n
            || side_counts
                .iter()
                .any(|(a, b)| a.len() != n || b.len() != n)
        {
            return Err(RankError::LengthMismatch("style-control columns".into()));
        }
        if n_models < 2 {
            return Err(RankError::TooFewModels(n_models));
        }
        let keep: Vec<usize> = (0..n)
            .filter(|&r| !(options.ties == TieHandling::Drop && outcome[r] == 0.5))
            .collect();
        if keep.is_empty() {
            return Err(RankError::Empty);
        }
        for &r in &keep {
            check_row(r, n_models, model_a, model_b, outcome, weight, side_counts)?;
        }
        let k = side_counts.len();
        let features = feature_matrix(side_counts, &keep);
        let ma: Vec<u32> = keep.iter().map(|&r| model_a[r]).collect();
        let mb: Vec<u32> = keep.iter().map(|&r| model_b[r]).collect();
        let (pairs, pair_of_row) = index_pairs(&ma, &mb);
        let mut w: Vec<f64> = keep.iter().map(|&r| weight[r]).collect();
        if options.reweighted {
            reweight(&mut w, &pair_of_row, pairs.len(), options.min_pair_count);
        }
        Ok(Self {
            n_models,
            model_a: ma,
            model_b: mb,
            outcome: keep.iter().map(|&r| outcome[r]).collect(),
            features,
            n_features: k,
            weight: w,
            pairs,
            pair_of_row,
        })
    }

    /// Number of battles.
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    /// True when there are no battles.
    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }
}

/// Sums over battles of c_r·v_r v_rᵀ, v_r = [e_a − e_b ; x_r], kept compactly: per pair for
/// the rating block, per model × feature for the cross block, k × k for the feature block.
#[derive(Clone)]
struct Accumulator {
    loss: f64,
    grad: Vec<f64>,
    pair: Vec<f64>,
    cross: Vec<f64>,
    feat: Vec<f64>,
}

impl Accumulator {
    fn new(m: usize, k: usize, pairs: usize) -> Self {
        Self {
            loss: 0.0,
            grad: vec![0.0; m + k],
            pair: vec![0.0; pairs],
            cross: vec![0.0; m * k],
            feat: vec![0.0; k * k],
        }
    }

    fn add(&mut self, o: &Accumulator) {
        self.loss += o.loss;
        for (a, b) in [
            (&mut self.grad, &o.grad),
            (&mut self.pair, &o.pair),
            (&mut self.cross, &o.cross),
            (&mut self.feat, &o.feat),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }

    fn dense(&self, data: &StyleData) -> Matrix {
        let (m, k) = (data.n_models, data.n_features);
        let mut h = Matrix::zeros(m + k);
        for (p, &(i, j)) in data.pairs.iter().enumerate() {
            let (i, j, v) = (i as usize, j as usize, self.pair[p]);
            *h.at(i, i) += v;
            *h.at(j, j) += v;
            *h.at(i, j) -= v;
            *h.at(j, i) -= v;
        }
        for i in 0..m {
            for f in 0..k {
                let v = self.cross[i * k + f];
                *h.at(i, m + f) = v;
                *h.at(m + f, i) = v;
            }
        }
        for f in 0..k {
            for g in 0..k {
                *h.at(m + f, m + g) = self.feat[f * k + g];
            }
        }
        h
    }
}

/// What a pass over the battles accumulates.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Loss only.
    Loss,
    /// Gradient only (the chord steps of a bootstrap replicate).
    Gradient,
    /// Loss, gradient and Hessian (weights w·p(1−p)/n).
    Newton,
    /// The sandwich's meat: weights ((o−p)·w)²/n.
    Meat,
}

/// Rows per chunk of a pass: fixed by n alone, so sums are added in the same order whatever
/// the number of threads (bit-identical results).
fn chunk_rows(n: usize) -> usize {
    n.div_ceil(64).max(16_384)
}

fn pass(
    data: &StyleData,
    theta: &[f64],
    beta: &[f64],
    multiplicity: Option<&[f64]>,
    kind: Pass,
) -> Accumulator {
    let (m, k, n) = (data.n_models, data.n_features, data.len());
    let inv_n = 1.0 / n as f64;
    let size = chunk_rows(n);
    let chunks: Vec<Accumulator> = (0..n.div_ceil(size))
        .into_par_iter()
        .map(|c| {
            let mut acc = Accumulator::new(m, k, data.pairs.len());
            for r in c * size..((c + 1) * size).min(n) {
                let mut w = data.weight[r];
                if let Some(mult) = multiplicity {
                    w *= mult[r];
                    if w == 0.0 {
                        continue;
                    }
                }
                let (a, b) = (data.model_a[r] as usize, data.model_b[r] as usize);
                let x = &data.features[r * k..(r + 1) * k];
                let z = theta[a] - theta[b] + x.iter().zip(beta).map(|(u, v)| u * v).sum::<f64>();
                let o = data.outcome[r];
                if kind != Pass::Gradient {
                    acc.loss += w * (softplus(z) - o * z);
                    if kind == Pass::Loss {
                        continue;
                    }
                }
                let p = sigmoid(z);
                let coef = match kind {
                    Pass::Meat => {
                        let s = (o - p) * w;
                        s * s * inv_n
                    }
                    _ => w * p * (1.0 - p) * inv_n,
                };
                if kind == Pass::Newton || kind == Pass::Gradient {
                    let g = w * (p - o) * inv_n;
                    acc.grad[a] += g;
                    acc.grad[b] -= g;
                    for f in 0..k {
                        acc.grad[m + f] += g * x[f];
                    }
                    if kind == Pass::Gradient {
                        continue;
                    }
                }
                acc.pair[data.pair_of_row[r] as usize] += coef;
                for f in 0..k {
                    let v = coef * x[f];
                    acc.cross[a * k + f] += v;
                    acc.cross[b * k + f] -= v;
                    for g in 0..=f {
                        acc.feat[f * k + g] += v * x[g];
                    }
                }
            }
            acc
        })
        .collect();
    let mut total = Accumulator::new(m, k, data.pairs.len());
    for c in &chunks {
        total.add(c);
    }
    total.loss *= inv_n;
    for f in 0..k {
        for g in 0..f {
            total.feat[g * k + f] = total.feat[f * k + g];
        }
    }
    total
}

/// The style-controlled fit: θ (natural logits, Σθ = 0) and β (logits per feature s.d.).
#[derive(Clone, Debug, PartialEq)]
pub struct StyleFit {
    pub theta: Vec<f64>,
    pub beta: Vec<f64>,
    pub loss: f64,
    pub iterations: usize,
    pub converged: bool,
}

fn objective(data: &StyleData, params: &[f64], reg: f64, mult: Option<&[f64]>) -> f64 {
    let m = data.n_models;
    let beta = &params[m..];
    pass(data, &params[..m], beta, mult, Pass::Loss).loss
        + 0.5 * reg * beta.iter().map(|b| b * b).sum::<f64>()
}

/// Gradient and Hessian of the objective (the ridge on β included).
fn derivatives(
    data: &StyleData,
    params: &[f64],
    reg: f64,
    mult: Option<&[f64]>,
) -> (Vec<f64>, Matrix) {
    let (m, k) = (data.n_models, data.n_features);
    let acc = pass(data, &params[..m], &params[m..], mult, Pass::Newton);
    let mut h = acc.dense(data);
    let mut g = acc.grad;
    for f in 0..k {
        g[m + f] += reg * params[m + f];
        *h.at(m + f, m + f) += reg;
    }
    (g, h)
}

/// Gradient of the objective (the ridge on β included).
fn gradient(data: &StyleData, params: &[f64], reg: f64, mult: Option<&[f64]>) -> Vec<f64> {
    let m = data.n_models;
    let mut g = pass(data, &params[..m], &params[m..], mult, Pass::Gradient).grad;
    for (gf, b) in g[m..].iter_mut().zip(&params[m..]) {
        *gf += reg * b;
    }
    g
}

/// θ re-centred to Σθ = 0, and β: the parameter vector split.
fn centred(data: &StyleData, mut params: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let m = data.n_models;
    let mean = params[..m].iter().sum::<f64>() / m as f64;
    params[..m].iter_mut().for_each(|x| *x -= mean);
    let beta = params.split_off(m);
    (params, beta)
}

fn newton(
    data: &StyleData,
    start: &[f64],
    reg: f64,
    mult: Option<&[f64]>,
    reference: usize,
) -> StyleFit {
    let found = minimise(
        start,
        reference,
        1.0,
        |p| objective(data, p, reg, mult),
        |p| derivatives(data, p, reg, mult),
    );
    let (theta, beta) = centred(data, found.params);
    StyleFit {
        theta,
        beta,
        loss: found.value,
        iterations: found.iterations,
        converged: found.converged,
    }
}

fn most_played(data: &StyleData) -> usize {
    let mut w = vec![0.0; data.n_models];
    for r in 0..data.len() {
        w[data.model_a[r] as usize] += 1.0;
        w[data.model_b[r] as usize] += 1.0;
    }
    (0..data.n_models).fold(0, |best, i| if w[i] > w[best] { i } else { best })
}

/// The exact optimum of arena-rank's contextual objective
/// L = mean_r w_r·[softplus(z_r) − o_r·z_r] + ½·reg·‖β‖².
pub fn fit(data: &StyleData, options: &StyleOptions) -> Result<StyleFit, RankError> {
    if data.is_empty() {
        return Err(RankError::Empty);
    }
    let start = vec![0.0; data.n_models + data.n_features];
    Ok(newton(data, &start, options.reg, None, most_played(data)))
}

/// arena-rank's sandwich variances for θ and β (METHODS §1.5, written out there):
/// diag(H⁻¹ G H⁻¹)/n with H = Σ h·vvᵀ + 1e-5·I, G = Σ s²·vvᵀ − (reg²/n)·[0;β][0;β]ᵀ.
pub fn sandwich_variances(
    data: &StyleData,
    fit: &StyleFit,
    options: &StyleOptions,
) -> (Vec<f64>, Vec<f64>) {
    let (m, n) = (data.n_models, data.len() as f64);
    let bread = pass(data, &fit.theta, &fit.beta, None, Pass::Newton);
    let mut h = bread.dense(data);
    h.add_diagonal(1e-5);
    let meat = pass(data, &fit.theta, &fit.beta, None, Pass::Meat);
    let mut g = meat.dense(data);
    let c = options.reg * options.reg / n;
    for (f, bf) in fit.beta.iter().enumerate() {
        for (e, be) in fit.beta.iter().enumerate() {
            *g.at(m + f, m + e) -= c * bf * be;
        }
    }
    let var: Vec<f64> = match Cholesky::new(&h) {
        Some(ch) => sandwich_diagonal(&ch.inverse(), &g)
            .into_iter()
            .map(|v| v / n)
            .collect(),
        None => vec![f64::NAN; m + data.n_features],
    };
    (var[..m].to_vec(), var[m..].to_vec())
}

/// Style-control bootstrap replicates: battles resampled with replacement (row resampling,
/// as arena-rank), features and weights not recomputed, refit warm-started at the full fit.
pub fn bootstrap(
    data: &StyleData,
    fit: &StyleFit,
    options: &StyleOptions,
    rounds: usize,
    seed: u64,
    on_replicate: &(dyn Fn() + Sync),
) -> crate::bt::Replicates {
    let n = data.len();
    let reference = most_played(data);
    let start: Vec<f64> = fit.theta.iter().chain(&fit.beta).copied().collect();
    // The chord iteration's fixed matrix: the full data's Hessian at its optimum (see
    // `newton::chord`); a replicate that does not contract with it gets the damped Newton method.
    let factor = Cholesky::new(
        &derivatives(data, &start, options.reg, None)
            .1
            .without(reference),
    );
    // Replicates keep θ and β (their loss is never read, so no loss pass is spent on it).
    let fits: Vec<(Vec<f64>, Vec<f64>, bool)> = (0..rounds)
        .into_par_iter()
        .map(|r| {
            let mut rng = replicate_rng(seed, r);
            let mut mult = vec![0.0; n];
            for _ in 0..n {
                mult[rng.random_range(0..n)] += 1.0;
            }
            let mult = Some(mult.as_slice());
            let chorded = factor.as_ref().and_then(|f| {
                chord(&start, reference, f, |p| {
                    gradient(data, p, options.reg, mult)
                })
            });
            let refit = match chorded {
                Some((params, _)) => {
                    let (theta, beta) = centred(data, params);
                    (theta, beta, true)
                }
                None => {
                    let f = newton(data, &start, options.reg, mult, reference);
                    (f.theta, f.beta, f.converged)
                }
            };
            on_replicate();
            refit
        })
        .collect();
    crate::bt::Replicates {
        unconverged: fits.iter().filter(|f| !f.2).count(),
        beta: fits.iter().map(|f| f.1.clone()).collect(),
        theta: fits.into_iter().map(|f| f.0).collect(),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;

    /// Battles of 10 models whose outcomes depend on strength and on a length difference.
    fn data(n: usize, seed: u64) -> (StyleData, StyleOptions) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut a, mut b, mut o) = (Vec::new(), Vec::new(), Vec::new());
        let (mut la, mut lb) = (Vec::new(), Vec::new());
        while a.len() < n {
            let (i, j) = (rng.random_range(0..10u32), rng.random_range(0..10u32));
            if i == j {
                continue;
            }
            let (x, y) = (
                rng.random_range(50.0..1500.0),
                rng.random_range(50.0..1500.0),
            );
            let z = (i as f64 - j as f64) * 0.2 + 0.6 * (x - y) / (x + y);
            o.push(if rng.random::<f64>() < sigmoid(z) {
                1.0
            } else {
                0.0
            });
            a.push(i);
            b.push(j);
            la.push(x);
            lb.push(y);
        }
        let options = StyleOptions::default();
        let ones = vec![1.0; n];
        let d = StyleData::new(10, &a, &b, &o, &ones, &[(la, lb)], &options).expect("data");
        (d, options)
    }

    #[test]
    fn style_bootstrap_replicates_are_the_newton_optimum() {
        let (d, options) = data(20_000, 3);
        let full = fit(&d, &options).expect("fit");
        let reps = bootstrap(&d, &full, &options, 6, 11, &|| {});
        assert_eq!(reps.unconverged, 0);
        let reference = most_played(&d);
        let start: Vec<f64> = full.theta.iter().chain(&full.beta).copied().collect();
        let factor = Cholesky::new(
            &derivatives(&d, &start, options.reg, None)
                .1
                .without(reference),
        )
        .expect("positive definite");
        let n = d.len();
        for r in 0..6 {
            // The replicate's multiplicities, drawn as `bootstrap` draws them.
            let mut rng = replicate_rng(11, r);
            let mut mult = vec![0.0; n];
            for _ in 0..n {
                mult[rng.random_range(0..n)] += 1.0;
            }
            let m = Some(mult.as_slice());
            assert!(
                chord(&start, reference, &factor, |p| gradient(
                    &d,
                    p,
                    options.reg,
                    m
                ))
                .is_some(),
                "the chord iteration contracts on replicate {r}"
            );
            let newtons = newton(&d, &start, options.reg, m, reference);
            assert!(newtons.converged);
            let worst = reps.theta[r]
                .iter()
                .zip(&newtons.theta)
                .chain(reps.beta[r].iter().zip(&newtons.beta))
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            assert!(worst < 1e-10, "replicate {r}: max |Δ| = {worst:e}");
        }
    }
}
