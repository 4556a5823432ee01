//! Who beat whom (`versus matrix`, `versus.win_matrix`): empirical win fraction among decisive
//! battles, battle counts, and the win probability the Bradley–Terry ratings predict
//! (METHODS §2.9).

use serde::Serialize;
use versus_battles::BattleSet;
use versus_rank::matrix::{HeadToHead, predicted_win_probability};
use versus_rank::{IntervalMethod, RatingOptions};

use crate::{RankInput, ReportError};

/// The three tables, rows and columns in rating order (or by mean win fraction when the
/// ratings do not exist).
#[derive(Serialize, Debug, Clone)]
pub struct Matrices {
    pub models: Vec<String>,
    /// Bradley–Terry ratings (null when the maximum-likelihood ratings do not exist).
    pub ratings: Vec<Option<f64>>,
    /// Decisive battles row won against column, divided by decisive battles between them; null if none.
    pub win_fraction: Vec<Vec<Option<f64>>>,
    /// All battles between row and column, ties included.
    pub battles: Vec<Vec<f64>>,
    /// Bradley–Terry win probability of row over column; null on the diagonal.
    pub predicted: Vec<Vec<Option<f64>>>,
}

/// The matrices of `b`, the `top` best models only when given. The warning (for stderr) says
/// why there are no predicted probabilities, when there are none.
pub fn compute(
    b: &BattleSet,
    top: Option<usize>,
) -> Result<(Matrices, Option<String>), ReportError> {
    let input = RankInput::new(b);
    let h2h = HeadToHead::new(
        b.models.len(),
        &b.model_a,
        &b.model_b,
        &input.outcome,
        &b.count,
    );
    // Predicted probabilities need finite ratings; without them the empirical tables still stand.
    let mut warning = None;
    let ratings: Option<Vec<f64>> = match versus_rank::rate(
        &input.comparisons(),
        &RatingOptions {
            intervals: IntervalMethod::None,
            ..Default::default()
        },
    ) {
        Ok(board) => Some(board.models.iter().map(|m| m.rating).collect()),
        Err(
            e @ (versus_rank::RankError::InfiniteRatings { .. }
            | versus_rank::RankError::Disconnected { .. }),
        ) => {
            warning = Some(format!(
                "warning: no predicted win probabilities: {}",
                e.describe(&b.models)
            ));
            None
        }
        Err(e) => return Err(ReportError(e.describe(&b.models))),
    };
    let n = b.models.len();
    let sort_key: Vec<f64> = match &ratings {
        Some(r) => r.clone(),
        None => (0..n)
            .map(|i| {
                let fr: Vec<f64> = (0..n)
                    .filter(|&j| j != i)
                    .filter_map(|j| h2h.win_fraction(i, j))
                    .collect();
                if fr.is_empty() {
                    0.0
                } else {
                    fr.iter().sum::<f64>() / fr.len() as f64
                }
            })
            .collect(),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| {
        sort_key[y]
            .total_cmp(&sort_key[x])
            .then_with(|| b.models[x].cmp(&b.models[y]))
    });
    if let Some(n) = top {
        order.truncate(n.max(1));
    }
    let m = Matrices {
        models: order.iter().map(|&i| b.models[i].clone()).collect(),
        ratings: order
            .iter()
            .map(|&i| ratings.as_ref().map(|r| r[i]))
            .collect(),
        win_fraction: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| if i == j { None } else { h2h.win_fraction(i, j) })
                    .collect()
            })
            .collect(),
        battles: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| if i == j { 0.0 } else { h2h.battles(i, j) })
                    .collect()
            })
            .collect(),
        predicted: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| match &ratings {
                        Some(r) if i != j => Some(predicted_win_probability(r[i], r[j])),
                        _ => None,
                    })
                    .collect()
            })
            .collect(),
    };
    Ok((m, warning))
}
