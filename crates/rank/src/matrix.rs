//! Head-to-head tables (FastChat's `compute_pairwise_win_fraction` and battle counts, and the
//! predicted win rate of the colab notebook, METHODS §2.9).

/// Pairwise battle counts between models, from each model's side. Row i, column j.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadToHead {
    pub n_models: usize,
    /// Decisive wins of i over j (either screen position).
    pub wins: Vec<f64>,
    /// Ties (both kinds) between i and j.
    pub ties: Vec<f64>,
}

impl HeadToHead {
    /// Tallies the battles.
    pub fn new(
        n_models: usize,
        model_a: &[u32],
        model_b: &[u32],
        outcome: &[f64],
        count: &[f64],
    ) -> Self {
        let mut wins = vec![0.0; n_models * n_models];
        let mut ties = vec![0.0; n_models * n_models];
        for r in 0..model_a.len() {
            let (a, b, c) = (model_a[r] as usize, model_b[r] as usize, count[r]);
            if outcome[r] == 1.0 {
                wins[a * n_models + b] += c;
            } else if outcome[r] == 0.0 {
                wins[b * n_models + a] += c;
            } else {
                ties[a * n_models + b] += c;
                ties[b * n_models + a] += c;
            }
        }
        Self {
            n_models,
            wins,
            ties,
        }
    }

    /// Decisive battles between i and j (FastChat's count table, which leaves ties out).
    pub fn decisive(&self, i: usize, j: usize) -> f64 {
        self.wins[i * self.n_models + j] + self.wins[j * self.n_models + i]
    }

    /// All battles between i and j, ties included.
    pub fn battles(&self, i: usize, j: usize) -> f64 {
        self.decisive(i, j) + self.ties[i * self.n_models + j]
    }

    /// Fraction of decisive battles between i and j that i won; None if they never met.
    pub fn win_fraction(&self, i: usize, j: usize) -> Option<f64> {
        let n = self.decisive(i, j);
        (n > 0.0).then(|| self.wins[i * self.n_models + j] / n)
    }
}

/// P(i beats j) = 1 / (1 + 10^((R_j − R_i)/400)) for Elo-scale ratings.
pub fn predicted_win_probability(rating_i: f64, rating_j: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((rating_j - rating_i) / 400.0))
}
