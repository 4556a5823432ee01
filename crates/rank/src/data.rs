//! Comparison rows as the fits take them, and their aggregation into the sufficient
//! statistics of the Bradley–Terry likelihood (unique (a, b, outcome) rows, as arena-rank's
//! `PairDataset` does with `jnp.unique`, METHODS §1.1).

use std::collections::HashMap;

use crate::RankError;

/// How tied battles ("tie" and "both bad") enter the fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TieHandling {
    /// A tie counts as half a win for each side (LMArena, FastChat, arena-rank).
    #[default]
    Half,
    /// Ties are left out of the fit.
    Drop,
}

/// Borrowed comparison columns. Outcomes are from model A's side: 1 (A won), 0 (B won) or
/// 0.5 (tie). `count` is how many identical battles the row stands for; `weight` multiplies
/// each battle's log-likelihood.
#[derive(Clone, Copy, Debug)]
pub struct Comparisons<'a> {
    pub n_models: usize,
    pub model_a: &'a [u32],
    pub model_b: &'a [u32],
    pub outcome: &'a [f64],
    pub count: &'a [f64],
    pub weight: &'a [f64],
}

impl Comparisons<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.model_a.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.model_a.is_empty()
    }

    /// Checks lengths, indices, outcomes, counts and weights; the fits call it first.
    pub fn validate(&self) -> Result<(), RankError> {
        let n = self.model_a.len();
        if [
            self.model_b.len(),
            self.outcome.len(),
            self.count.len(),
            self.weight.len(),
        ]
        .iter()
        .any(|&l| l != n)
        {
            return Err(RankError::LengthMismatch(format!(
                "model_a {}, model_b {}, outcome {}, count {}, weight {}",
                n,
                self.model_b.len(),
                self.outcome.len(),
                self.count.len(),
                self.weight.len()
            )));
        }
        for r in 0..n {
            let (a, b) = (self.model_a[r], self.model_b[r]);
            for idx in [a, b] {
                if idx as usize >= self.n_models {
                    return Err(RankError::ModelOutOfRange {
                        row: r,
                        index: idx,
                        n_models: self.n_models,
                    });
                }
            }
            if a == b {
                return Err(RankError::SelfComparison { row: r, index: a });
            }
            let o = self.outcome[r];
            if o != 0.0 && o != 0.5 && o != 1.0 {
                return Err(RankError::BadOutcome { row: r, value: o });
            }
            for (field, v) in [("count", self.count[r]), ("weight", self.weight[r])] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(RankError::BadNumber {
                        row: r,
                        field,
                        value: v,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Unique (a, b, outcome) rows with their multiplicities: everything the Bradley–Terry
/// likelihood and its sandwich need. Sorted by (a, b, outcome) so results never depend on
/// input order.
#[derive(Clone, Debug, PartialEq)]
pub struct RowTable {
    pub n_models: usize,
    pub model_a: Vec<u32>,
    pub model_b: Vec<u32>,
    pub outcome: Vec<f64>,
    /// Battles the row stands for (c_r).
    pub count: Vec<f64>,
    /// Σ over those battles of their weight (= c_r·w_r, arena-rank's `opt_weights`).
    pub weight_sum: Vec<f64>,
    /// Σ of squared weights (= c_r·w_r², the sandwich's meat).
    pub weight_sq_sum: Vec<f64>,
    /// True when every battle has weight exactly 1; arena-rank then scales its Hessian ridge by N.
    pub unit_weights: bool,
}

/// Up to this many models, aggregation indexes a dense M×M×3 array instead of hashing.
const DENSE_MODELS: usize = 1024;

fn outcome_code(o: f64) -> u64 {
    if o == 0.0 {
        0
    } else if o == 1.0 {
        2
    } else {
        1
    }
}

impl RowTable {
    /// Aggregates validated comparisons. With `reweight_min_pair = Some(m)` every battle's
    /// weight is multiplied by 1/max(n_pair, m), n_pair being the battles of its unordered
    /// pair (arena-rank's `reweighted=True`, METHODS §1.1).
    pub fn build(
        c: &Comparisons<'_>,
        ties: TieHandling,
        reweight_min_pair: Option<f64>,
    ) -> Result<Self, RankError> {
        c.validate()?;
        // Slot of each (a, b, outcome) key: a dense array for the usual few hundred models,
        // a hash map beyond (M² grows too fast).
        let dense = c.n_models <= DENSE_MODELS;
        let mut dense_slot: Vec<u32> = if dense {
            vec![u32::MAX; c.n_models * c.n_models * 3]
        } else {
            Vec::new()
        };
        let mut index: HashMap<u64, usize> = HashMap::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut count = Vec::new();
        let mut wsum = Vec::new();
        let mut w2sum = Vec::new();
        let mut unit = true;
        for r in 0..c.len() {
            let o = c.outcome[r];
            if ties == TieHandling::Drop && o == 0.5 {
                continue;
            }
            if c.count[r] == 0.0 {
                continue;
            }
            let (a, b, code) = (c.model_a[r] as u64, c.model_b[r] as u64, outcome_code(o));
            let key = (a << 34) | (b << 2) | code;
            let mut new_slot = || {
                keys.push(key);
                count.push(0.0);
                wsum.push(0.0);
                w2sum.push(0.0);
                keys.len() - 1
            };
            let slot = if dense {
                let cell =
                    &mut dense_slot[((a as usize) * c.n_models + b as usize) * 3 + code as usize];
                if *cell == u32::MAX {
                    *cell = new_slot() as u32;
                }
                *cell as usize
            } else {
                *index.entry(key).or_insert_with(new_slot)
            };
            let (n, w) = (c.count[r], c.weight[r]);
            unit &= w == 1.0;
            count[slot] += n;
            wsum[slot] += n * w;
            w2sum[slot] += n * w * w;
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        let mut t = RowTable {
            n_models: c.n_models,
            model_a: order.iter().map(|&i| (keys[i] >> 34) as u32).collect(),
            model_b: order
                .iter()
                .map(|&i| ((keys[i] >> 2) & 0xFFFF_FFFF) as u32)
                .collect(),
            outcome: order.iter().map(|&i| (keys[i] & 3) as f64 / 2.0).collect(),
            count: order.iter().map(|&i| count[i]).collect(),
            weight_sum: order.iter().map(|&i| wsum[i]).collect(),
            weight_sq_sum: order.iter().map(|&i| w2sum[i]).collect(),
            unit_weights: unit,
        };
        if let Some(min_pair) = reweight_min_pair {
            t.reweight_by_pair(min_pair);
        }
        Ok(t)
    }

    /// Number of unique rows.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// N, the number of battles.
    pub fn battles(&self) -> f64 {
        self.count.iter().sum()
    }

    fn reweight_by_pair(&mut self, min_pair: f64) {
        let pairs = PairIndex::new(self);
        let mut n_pair = vec![0.0; pairs.pairs.len()];
        for (r, &p) in pairs.pair_of_row.iter().enumerate() {
            n_pair[p as usize] += self.count[r];
        }
        for (r, &p) in pairs.pair_of_row.iter().enumerate() {
            let f = 1.0 / n_pair[p as usize].max(min_pair);
            self.weight_sum[r] *= f;
            self.weight_sq_sum[r] *= f * f;
        }
        self.unit_weights = false;
    }

    /// The same battles with every row turned to its pair's order (a < b, outcome flipped when
    /// needed) and rows that become identical merged. The fits see only pair statistics, and
    /// merging categories of a multinomial leaves a multinomial, so resampling this table is
    /// the same bootstrap with about half the categories. `None` when merging would mix battles
    /// of different weights (their mean weight would change under resampling).
    pub fn oriented(&self) -> Option<RowTable> {
        let mut slot: HashMap<u64, usize> = HashMap::new();
        let mut keys = Vec::new();
        let (mut count, mut wsum, mut w2sum) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..self.len() {
            let (a, b, o) = (self.model_a[r], self.model_b[r], self.outcome[r]);
            let (i, j, o) = if a < b { (a, b, o) } else { (b, a, 1.0 - o) };
            let key = ((i as u64) << 34) | ((j as u64) << 2) | outcome_code(o);
            let k = *slot.entry(key).or_insert_with(|| {
                keys.push(key);
                count.push(0.0);
                wsum.push(0.0);
                w2sum.push(0.0);
                keys.len() - 1
            });
            if count[k] > 0.0 && wsum[k] / count[k] != self.weight_sum[r] / self.count[r] {
                return None;
            }
            count[k] += self.count[r];
            wsum[k] += self.weight_sum[r];
            w2sum[k] += self.weight_sq_sum[r];
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&k| keys[k]);
        Some(RowTable {
            n_models: self.n_models,
            model_a: order.iter().map(|&k| (keys[k] >> 34) as u32).collect(),
            model_b: order
                .iter()
                .map(|&k| ((keys[k] >> 2) & 0xFFFF_FFFF) as u32)
                .collect(),
            outcome: order.iter().map(|&k| (keys[k] & 3) as f64 / 2.0).collect(),
            count: order.iter().map(|&k| count[k]).collect(),
            weight_sum: order.iter().map(|&k| wsum[k]).collect(),
            weight_sq_sum: order.iter().map(|&k| w2sum[k]).collect(),
            unit_weights: self.unit_weights,
        })
    }

    /// Per-model totals: (battles, wins, losses, ties) with ties of both kinds together.
    pub fn model_totals(&self) -> Vec<[f64; 4]> {
        let mut out = vec![[0.0; 4]; self.n_models];
        for r in 0..self.len() {
            let (a, b, c) = (
                self.model_a[r] as usize,
                self.model_b[r] as usize,
                self.count[r],
            );
            out[a][0] += c;
            out[b][0] += c;
            match outcome_code(self.outcome[r]) {
                2 => {
                    out[a][1] += c;
                    out[b][2] += c;
                }
                0 => {
                    out[b][1] += c;
                    out[a][2] += c;
                }
                _ => {
                    out[a][3] += c;
                    out[b][3] += c;
                }
            }
        }
        out
    }
}

/// The unordered model pairs of a [`RowTable`], and for each row its pair and orientation.
/// The likelihood depends on a row only through its pair's rating difference, so the fits
/// work on pairs (at most M(M−1)/2 of them) rather than rows.
#[derive(Clone, Debug)]
pub struct PairIndex {
    /// (i, j) with i < j.
    pub pairs: Vec<(u32, u32)>,
    pub pair_of_row: Vec<u32>,
    /// True when the row's model A is the pair's j (so its outcome is flipped for i).
    pub flipped: Vec<bool>,
}

impl PairIndex {
    pub fn new(t: &RowTable) -> Self {
        let mut index: HashMap<(u32, u32), u32> = HashMap::new();
        let mut pairs = Vec::new();
        let mut pair_of_row = Vec::with_capacity(t.len());
        let mut flipped = Vec::with_capacity(t.len());
        for r in 0..t.len() {
            let (a, b) = (t.model_a[r], t.model_b[r]);
            let key = if a < b { (a, b) } else { (b, a) };
            let p = *index.entry(key).or_insert_with(|| {
                pairs.push(key);
                (pairs.len() - 1) as u32
            });
            pair_of_row.push(p);
            flipped.push(a > b);
        }
        Self {
            pairs,
            pair_of_row,
            flipped,
        }
    }
}

/// Per-pair sufficient statistics, from model i's side of the pair (i, j), i < j:
/// `total` = Σ W, `wins` = Σ W·o, and for the sandwich `q0` = Σ W₂, `q1` = Σ W₂·o,
/// `q2` = Σ W₂·o², W = weight sums, W₂ = squared-weight sums.
#[derive(Clone, Debug, Default)]
pub struct PairStats {
    pub pairs: Vec<(u32, u32)>,
    pub total: Vec<f64>,
    pub wins: Vec<f64>,
    pub q0: Vec<f64>,
    pub q1: Vec<f64>,
    pub q2: Vec<f64>,
}

impl PairStats {
    /// Statistics of the table, optionally with resampled battle counts in place of `count`
    /// (each row's mean weights kept, as arena-rank's bootstrap keeps `weights`).
    pub fn from_rows(t: &RowTable, index: &PairIndex, counts: Option<&[f64]>) -> Self {
        let np = index.pairs.len();
        let mut s = PairStats {
            pairs: index.pairs.clone(),
            total: vec![0.0; np],
            wins: vec![0.0; np],
            q0: vec![0.0; np],
            q1: vec![0.0; np],
            q2: vec![0.0; np],
        };
        for r in 0..t.len() {
            let (w, w2) = match counts {
                None => (t.weight_sum[r], t.weight_sq_sum[r]),
                Some(c) => {
                    let f = c[r] / t.count[r];
                    (t.weight_sum[r] * f, t.weight_sq_sum[r] * f)
                }
            };
            if w == 0.0 && w2 == 0.0 {
                continue;
            }
            let p = index.pair_of_row[r] as usize;
            let o = if index.flipped[r] {
                1.0 - t.outcome[r]
            } else {
                t.outcome[r]
            };
            s.total[p] += w;
            s.wins[p] += w * o;
            s.q0[p] += w2;
            s.q1[p] += w2 * o;
            s.q2[p] += w2 * o * o;
        }
        s
    }
}
