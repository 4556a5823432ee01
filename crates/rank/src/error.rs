use thiserror::Error;

/// Why a rating could not be computed. Model references are indices into the caller's model
/// list; [`RankError::describe`] turns them into names.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum RankError {
    /// Input columns of different lengths.
    #[error("input columns have different lengths ({0})")]
    LengthMismatch(String),
    /// A row names a model index outside `0..n_models`.
    #[error("row {row}: model index {index} is out of range (there are {n_models} models)")]
    ModelOutOfRange {
        row: usize,
        index: u32,
        n_models: usize,
    },
    /// A row compares a model with itself.
    #[error("row {row}: a model is compared with itself (index {index})")]
    SelfComparison { row: usize, index: u32 },
    /// An outcome outside {0, 0.5, 1}.
    #[error("row {row}: outcome {value} is not 0, 0.5 or 1")]
    BadOutcome { row: usize, value: f64 },
    /// A count or weight that is negative, NaN or infinite.
    #[error("row {row}: {field} {value} is not a finite non-negative number")]
    BadNumber {
        row: usize,
        field: &'static str,
        value: f64,
    },
    /// Nothing left to fit.
    #[error("no battles to fit")]
    Empty,
    /// Fewer than two models.
    #[error("at least two models are needed, found {0}")]
    TooFewModels(usize),
    /// The comparison graph falls apart: ratings of different parts are not comparable.
    #[error("the comparison graph is disconnected into {} groups that never met", components.len())]
    Disconnected { components: Vec<Vec<usize>> },
    /// Some group of models never lost (or never won) against everyone else, so the maximum
    /// likelihood puts it infinitely far away (Zermelo 1929; Ford 1957's condition).
    #[error("the maximum-likelihood ratings are infinite for some models")]
    InfiniteRatings {
        never_lost: Vec<Vec<usize>>,
        never_won: Vec<Vec<usize>>,
    },
    /// A requested feature or option does not fit the data.
    #[error("{0}")]
    Unsupported(String),
}

impl RankError {
    /// The error with model indices replaced by `names`.
    pub fn describe(&self, names: &[String]) -> String {
        let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
        let group = |g: &Vec<usize>| {
            let mut shown: Vec<String> = g.iter().take(12).map(|&i| name(i)).collect();
            if g.len() > 12 {
                shown.push(format!("… {} more", g.len() - 12));
            }
            shown.join(", ")
        };
        match self {
            RankError::Disconnected { components } => {
                let mut s = format!(
                    "the comparison graph is disconnected: {} groups of models never met each other, so their ratings are not comparable. Fit each group separately or drop the smaller groups with --exclude:",
                    components.len()
                );
                for (k, c) in components.iter().enumerate() {
                    s.push_str(&format!(
                        "\n  group {} ({} models): {}",
                        k + 1,
                        c.len(),
                        group(c)
                    ));
                }
                s
            }
            RankError::InfiniteRatings {
                never_lost,
                never_won,
            } => {
                let mut s = String::from(
                    "the maximum-likelihood ratings do not exist (they are infinite) because",
                );
                for g in never_lost {
                    s.push_str(&format!(
                        "\n  never lost to any model outside the group: {}",
                        group(g)
                    ));
                }
                for g in never_won {
                    s.push_str(&format!(
                        "\n  never won against any model outside the group: {}",
                        group(g)
                    ));
                }
                s.push_str(
                    "\nDrop them with --exclude or --min-battles, or count ties (--ties half).",
                );
                s
            }
            RankError::ModelOutOfRange { .. } | RankError::SelfComparison { .. } => {
                self.to_string()
            }
            other => other.to_string(),
        }
    }
}
