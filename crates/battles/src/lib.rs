//! Battle records for versus and the readers that load them.
//!
//! A battle is one human (or judge) vote between two models. Every reader produces the same
//! column-oriented [`BattleSet`], so the rating engine never sees a file format. Supported inputs:
//!
//! * CSV and JSONL, one battle per row/line (`model_a`, `model_b`, `winner`, optional `tstamp`
//!   or `timestamp`, `weight`, `language`, `anony`, style counts flat or as `conv_metadata`);
//! * LMArena's public battle log (`clean_battle_*.json`: one JSON array, read streaming);
//! * Parquet files of LMArena's `arena-human-preference-*` datasets;
//! * pair-count JSON (`{"models", "X", "Y"}`, optionally split into category/language sections).
//!
//! Selection rules shared by all per-battle formats (see [`ReadOptions`]):
//! * only anonymous battles are kept unless `include_named` (a missing `anony` counts as
//!   anonymous, because datasets that drop the field are anonymous-only);
//! * rows whose `dedup_tag` says `sampled: false` are dropped, as LMArena's leaderboard notebook
//!   for the public battle logs does (`battles[battles["dedup_tag"].apply(lambda x:
//!   x.get("sampled", False))]`, after keeping `anony == True`): those are the surplus copies of
//!   prompts above the 0.9999 frequency quantile (FastChat `deduplication.py`; FastChat's own
//!   `elo_analysis.py` reads pre-cleaned data and does not filter on it). A `dedup_tag` object
//!   without `sampled` is dropped too (same `.get(.., False)`); rows without a `dedup_tag` (CSV,
//!   the 2025 datasets) are kept;
//! * every row is validated, kept or not: a broken file is an error even when a filter would
//!   have skipped the broken row;
//! * a file whose rows are all filtered out gives an empty set (the caller decides what that
//!   means); an empty file, or one with a header and no rows, is an error.
//!
//! Categories in battle files come from LMArena's `category_tag` (objects of boolean flags such
//! as `criteria_v0.1.real_world` or `math_v0.1.math`; in CSV a cell holding that JSON). Derived
//! categories LMArena computes from the flags (e.g. `hard_6`) are not reproduced: filter on the
//! flags with `--where` or pre-compute a column.

#![forbid(unsafe_code)]

#[cfg(feature = "arrow")]
mod arrow_reader;
mod csv_reader;
mod detect;
mod error;
mod fields;
mod fxhash;
mod json_reader;
mod pairs;
#[cfg(feature = "parquet")]
mod parquet_reader;
mod row;
mod select;
mod set;
mod split;
mod time;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[cfg(feature = "arrow")]
pub use arrow_reader::read_record_batches;
pub use detect::detect_format;
pub use error::{Location, ReadError};
#[cfg(feature = "parquet")]
pub use parquet_reader::panic_is_caught as parquet_panic_is_caught;
pub use set::{BattleSet, RemovedModels};
pub use time::parse_iso8601;
/// The Arrow crates of [`read_record_batches`]' signature, for callers that build batches.
#[cfg(feature = "arrow")]
pub use {arrow_array, arrow_schema};

/// Outcome of one battle, from model A's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Winner {
    ModelA,
    ModelB,
    Tie,
    /// "tie (bothbad)": both answers were bad; a tie for Bradley–Terry.
    BothBad,
}

impl Winner {
    /// The labels [`Winner::parse`] accepts, for error messages.
    pub const ACCEPTED: &'static str = "model_a, model_b, tie, tie (bothbad), both_bad";

    /// Score of model A: 1 for a win, 0 for a loss, 0.5 for either kind of tie.
    pub fn outcome(&self) -> f64 {
        match self {
            Winner::ModelA => 1.0,
            Winner::ModelB => 0.0,
            Winner::Tie | Winner::BothBad => 0.5,
        }
    }

    /// Parse a winner label as LMArena writes it (2023–24 logs use `tie (bothbad)`, the 2025
    /// datasets `both_bad`). Exact match after trimming; anything else is `None`.
    pub fn parse(label: &str) -> Option<Winner> {
        match label.trim() {
            "model_a" => Some(Winner::ModelA),
            "model_b" => Some(Winner::ModelB),
            "tie" => Some(Winner::Tie),
            "tie (bothbad)" | "both_bad" | "bothbad" | "tie(bothbad)" => Some(Winner::BothBad),
            _ => None,
        }
    }

    /// The canonical label (the one LMArena's battle logs use).
    pub fn label(&self) -> &'static str {
        match self {
            Winner::ModelA => "model_a",
            Winner::ModelB => "model_b",
            Winner::Tie => "tie",
            Winner::BothBad => "tie (bothbad)",
        }
    }
}

impl fmt::Display for Winner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Per-battle style counts as LMArena's conv_metadata gives them; index 0 = model_a side, 1 =
/// model_b side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StyleCounts {
    /// `sum_assistant_{a,b}_tokens`: tokens in all assistant turns.
    pub tokens: [f64; 2],
    /// Markdown headers (h1..h6 summed).
    pub header: [f64; 2],
    /// Markdown list items (ordered + unordered).
    pub list: [f64; 2],
    /// Bold spans (`**` + `__`).
    pub bold: [f64; 2],
}

impl StyleCounts {
    /// Build from the flat order used internally: tokens a/b, header a/b, list a/b, bold a/b.
    pub(crate) fn from_flat(v: [f64; 8]) -> Self {
        StyleCounts {
            tokens: [v[0], v[1]],
            header: [v[2], v[3]],
            list: [v[4], v[5]],
            bold: [v[6], v[7]],
        }
    }
}

/// Input file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One battle per CSV row, with a header.
    Csv,
    /// One battle per JSON object per line.
    Jsonl,
    /// LMArena's public battle log: one JSON array of battle objects.
    BattleLogJson,
    /// LMArena `arena-human-preference-*` Parquet.
    Parquet,
    /// Pair-count JSON (`models`, `X`, `Y`), possibly split into sections.
    PairCounts,
}

impl Format {
    /// Canonical name, as accepted by `FromStr`.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::BattleLogJson => "json",
            Format::Parquet => "parquet",
            Format::PairCounts => "pairs",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?} (expected csv, jsonl, json, battle-log, parquet, pairs)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "json" | "battle-log" | "battlelog" | "battle_log" => Ok(Format::BattleLogJson),
            "parquet" | "pq" => Ok(Format::Parquet),
            "pairs" | "pair-counts" | "paircounts" | "pair_counts" => Ok(Format::PairCounts),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

/// What to read and which rows to keep.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `None`: detect from the extension, then the content (see [`detect_format`]).
    pub format: Option<Format>,
    /// Keep named (non-anonymous) battles too. LMArena ranks anonymous battles only.
    pub include_named: bool,
    /// `COLUMN=VALUE` filters, all of which must match. Values compare as text, or as numbers
    /// when both sides are numbers (`1` = `1.0`), or as booleans when both sides are booleans
    /// (`true` = `True` = `1`). A column the file does not have is an error.
    pub filters: Vec<(String, String)>,
    /// Pair-count files: the section of a category file (`All` by default when present).
    /// Battle files: keep rows whose `category_tag` flags this category true, matching the
    /// inner key after normalising case and separators (`math` and `Math` match
    /// `category_tag["math_v0.1"]["math"]`, `Real World` matches `criteria_v0.1.real_world`).
    pub category: Option<String>,
    /// Pair-count files: the section of a language file. Battle files: rows whose `language`
    /// equals it (ASCII case-insensitive).
    pub language: Option<String>,
}

/// How many leading bytes [`read_file`] looks at to detect the format.
const HEAD_BYTES: usize = 64 * 1024;

/// Read one battle file.
///
/// Model ids are in order of first appearance among the kept rows (pair-count files: the
/// file's `models` order, unused models removed).
pub fn read_file(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let format = match opts.format {
        Some(f) => f,
        None => {
            let mut head = Vec::with_capacity(HEAD_BYTES);
            let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
            file.take(HEAD_BYTES as u64)
                .read_to_end(&mut head)
                .map_err(|e| ReadError::io(path, e))?;
            detect_format(path, &head)
        }
    };
    match format {
        Format::Csv => csv_reader::read(path, opts),
        Format::Jsonl => json_reader::read_jsonl(path, opts),
        Format::BattleLogJson => json_reader::read_battle_log(path, opts),
        Format::PairCounts => pairs::read(path, opts),
        Format::Parquet => read_parquet(path, opts),
    }
}

#[cfg(feature = "parquet")]
fn read_parquet(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    parquet_reader::read(path, opts)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet(path: &Path, _opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    Err(ReadError::data(
        path,
        Location::File,
        None,
        "this build of versus has no Parquet support (feature \"parquet\" disabled)",
    ))
}

/// Read several files and append them in order (names re-interned across files).
pub fn read_files(paths: &[PathBuf], opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let mut all = BattleSet::default();
    for p in paths {
        let set = read_file(p, opts)?;
        all.append(set);
    }
    Ok(all)
}
