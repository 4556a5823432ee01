//! The battle fields every reader knows, shared so that the readers depend on this module and
//! not on each other: the accepted names of the style columns, the checks of a weight or a style
//! count, the problems reported for a bad winner label or a self-battle, the classification of
//! a field name (JSON keys, Parquet columns) and the category walk over a parsed JSON value.

use crate::Winner;
use crate::error::Problem;
use crate::select::Selector;

/// Accepted names of the eight style columns, in [`crate::StyleCounts::from_flat`] order. The first
/// spelling is the one of versus' fixtures, the second LMArena's conv_metadata key.
pub(crate) const STYLE_NAMES: [[&str; 2]; 8] = [
    ["sum_assistant_tokens_a", "sum_assistant_a_tokens"],
    ["sum_assistant_tokens_b", "sum_assistant_b_tokens"],
    ["header_count_a", "header_count_a"],
    ["header_count_b", "header_count_b"],
    ["list_count_a", "list_count_a"],
    ["list_count_b", "list_count_b"],
    ["bold_count_a", "bold_count_a"],
    ["bold_count_b", "bold_count_b"],
];

/// A weight must be a finite number ≥ 0. Called once per row: the check is inlined and the
/// message is built out of line, only on the error path.
#[inline]
pub(crate) fn check_weight(w: f64, field: &str) -> Result<f64, Problem> {
    if w.is_finite() && w >= 0.0 {
        Ok(w)
    } else {
        Err(not_a_count("weight", w, field))
    }
}

/// A style count must be a finite number ≥ 0 (eight per row; inlined as [`check_weight`]).
#[inline]
pub(crate) fn check_style(v: f64, field: &str) -> Result<f64, Problem> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(not_a_count("style count", v, field))
    }
}

#[cold]
#[inline(never)]
fn not_a_count(what: &str, v: f64, field: &str) -> Problem {
    Problem::new(
        field,
        format!("{what} must be a finite number ≥ 0, got {v}"),
    )
}

/// The problem of a winner label that is none of [`Winner::ACCEPTED`].
pub(crate) fn unknown_winner(label: &str) -> Problem {
    Problem::new(
        "winner",
        format!("unknown label {label:?} (expected {})", Winner::ACCEPTED),
    )
}

/// The problem of a battle of a model against itself.
pub(crate) fn same_model(name: &str) -> Problem {
    Problem::new(
        "model_b",
        format!("model {name:?} is listed against itself"),
    )
}

/// A field name the structured readers (JSON, Parquet) act on.
#[derive(Clone, Copy)]
pub(crate) enum Known {
    ModelA,
    ModelB,
    Winner,
    Anony,
    Tstamp,
    Timestamp,
    Weight,
    Language,
    ConvMetadata,
    DedupTag,
    CategoryTag,
    Style(usize),
    Other,
}

/// The field a key or column name stands for.
pub(crate) fn classify(s: &str) -> Known {
    match s {
        "model_a" => Known::ModelA,
        "model_b" => Known::ModelB,
        "winner" => Known::Winner,
        "anony" => Known::Anony,
        "tstamp" => Known::Tstamp,
        "timestamp" => Known::Timestamp,
        "weight" => Known::Weight,
        "language" => Known::Language,
        "conv_metadata" => Known::ConvMetadata,
        "dedup_tag" => Known::DedupTag,
        "category_tag" => Known::CategoryTag,
        _ => style_index(s).map_or(Known::Other, Known::Style),
    }
}

/// Position of a style column name in [`STYLE_NAMES`], either spelling.
pub(crate) fn style_index(s: &str) -> Option<usize> {
    STYLE_NAMES.iter().position(|alts| alts.contains(&s))
}

/// The JSON reader's category walk (`CatSeed`) over an already-parsed value (CSV cells holding
/// JSON text, Parquet converted rows). Returns whether the requested category is flagged true.
pub(crate) fn category_from_value(sel: &mut Selector, v: &serde_json::Value) -> bool {
    fn walk(sel: &mut Selector, v: &serde_json::Value) -> Option<bool> {
        let serde_json::Value::Object(m) = v else {
            return None;
        };
        let mut flag = None;
        for (k, v) in m {
            match v {
                serde_json::Value::Bool(b) if sel.note_category_key(k) => {
                    flag = Some(flag.unwrap_or(false) || *b);
                }
                serde_json::Value::Object(_) => {
                    if let Some(f) = walk(sel, v) {
                        flag = Some(flag.unwrap_or(false) || f);
                    }
                }
                _ => {}
            }
        }
        flag
    }
    walk(sel, v) == Some(true)
}
