//! What the configuration and the recorded sets both say about a model. It lives here, below
//! both, so that `config` (which names the built-in recorded set) and `recorded` (which reads
//! model metadata from a set's models.csv) do not import each other.

use serde::{Deserialize, Serialize};

/// Public facts about a model, shown on the leaderboard (never during a battle).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelMeta {
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub open_weights: Option<bool>,
    /// ISO date.
    #[serde(default)]
    pub release_date: Option<String>,
    /// USD per million input tokens.
    #[serde(default)]
    pub input_price: Option<f64>,
    /// USD per million output tokens.
    #[serde(default)]
    pub output_price: Option<f64>,
}
