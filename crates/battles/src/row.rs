//! One parsed row of a structured source (JSONL, battle-log JSON, Parquet) and the shared logic
//! that validates it and decides whether it is kept.

use crate::StyleCounts;
use crate::Winner;
use crate::error::Problem;
use crate::fields::same_model;
use crate::select::Selector;
use crate::set::Builder;

/// Fields of one row; reused across rows so buffers are allocated once.
#[derive(Default)]
pub(crate) struct RowData {
    pub a: Option<u32>,
    pub b: Option<u32>,
    pub winner: Option<Winner>,
    pub anony: Option<bool>,
    pub tstamp: Option<f64>,
    pub timestamp: Option<f64>,
    pub weight: Option<f64>,
    pub has_language: bool,
    pub language: String,
    /// Flat style columns (`sum_assistant_tokens_a`, …).
    pub flat: [Option<f64>; 8],
    /// Style from `conv_metadata`, when that object is present.
    pub meta: Option<[Option<f64>; 8]>,
    /// `Some(sampled)` when a `dedup_tag` object is present.
    pub dedup_sampled: Option<bool>,
    /// `Some(flag)` when the requested category key was found in `category_tag`.
    pub category_flag: Option<bool>,
    /// Text of each `--where` column (`Selector::columns` order); `None` if absent.
    pub filter_vals: Vec<Option<String>>,
}

impl RowData {
    pub fn reset(&mut self, n_filter_cols: usize) {
        self.a = None;
        self.b = None;
        self.winner = None;
        self.anony = None;
        self.tstamp = None;
        self.timestamp = None;
        self.weight = None;
        self.has_language = false;
        self.language.clear();
        self.flat = [None; 8];
        self.meta = None;
        self.dedup_sampled = None;
        self.category_flag = None;
        self.filter_vals.clear();
        self.filter_vals.resize(n_filter_cols, None);
    }
}

fn complete(v: &[Option<f64>; 8]) -> Option<StyleCounts> {
    let mut out = [0.0; 8];
    for (o, x) in out.iter_mut().zip(v) {
        *o = (*x)?;
    }
    Some(StyleCounts::from_flat(out))
}

/// Validate a parsed row and push it if every selection rule passes.
pub(crate) fn finish_row(
    row: &RowData,
    sel: &mut Selector,
    b: &mut Builder,
) -> Result<(), Problem> {
    let a = row
        .a
        .ok_or_else(|| Problem::new("model_a", "missing required field"))?;
    let bb = row
        .b
        .ok_or_else(|| Problem::new("model_b", "missing required field"))?;
    let winner = row
        .winner
        .ok_or_else(|| Problem::new("winner", "missing required field"))?;
    if a == bb {
        let name = b.set.models.get(a as usize).map_or("", String::as_str);
        return Err(same_model(name));
    }
    let tstamp = row.tstamp.or(row.timestamp).unwrap_or(f64::NAN);
    let weight = row.weight.unwrap_or(1.0);
    let style = row
        .meta
        .as_ref()
        .and_then(complete)
        .or_else(|| complete(&row.flat));
    let anony_ok = sel.include_named || row.anony.unwrap_or(true);
    let dedup_ok = row.dedup_sampled.unwrap_or(true);
    let lang_ok = sel.language_matches(row.has_language.then_some(row.language.as_str()));
    let cat_ok = sel.category.is_none() || row.category_flag == Some(true);
    let filters_ok = sel.filters_match(&row.filter_vals);
    if anony_ok && dedup_ok && lang_ok && cat_ok && filters_ok {
        b.push(a, bb, winner, 1.0, weight, tstamp, style);
    }
    Ok(())
}
