//! Row selection shared by the per-battle readers: anonymity, `--where`, category, language.
//! It also remembers what it saw, so that a filter naming something absent from the file is an
//! error instead of a silently empty result.

use std::collections::BTreeMap;
use std::path::Path;

use crate::ReadOptions;
use crate::error::{Location, ReadError};

/// How many distinct values to quote when a requested language/category is absent.
const LIST_MAX: usize = 12;

#[derive(Clone)]
pub(crate) struct Selector {
    pub include_named: bool,
    /// `(column, wanted value)` in option order.
    pub filters: Vec<(String, String)>,
    /// Distinct filter columns; `filter_col[i]` indexes this for filter `i`.
    pub columns: Vec<String>,
    pub filter_col: Vec<usize>,
    column_seen: Vec<bool>,
    pub language: Option<String>,
    language_matched: bool,
    /// Languages met (up to a cap) with their row counts, for the error message.
    languages_seen: BTreeMap<String, u64>,
    /// Normalised category key (see [`normalize_key`]).
    pub category: Option<String>,
    category_raw: String,
    category_seen: bool,
    category_keys: BTreeMap<String, u64>,
}

/// Lower-case and unify separators so `Real World`, `real-world` and `real_world` agree.
pub(crate) fn normalize_key(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// `normalize_key(raw) == norm` without allocating.
pub(crate) fn eq_normalized(raw: &str, norm: &str) -> bool {
    let mut n = norm.chars();
    for c in raw.trim().chars() {
        let c = match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        };
        if n.next() != Some(c) {
            return false;
        }
    }
    n.next().is_none()
}

/// The boolean spellings accepted for `anony` and for boolean comparisons.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "True" | "TRUE" | "1" | "1.0" => Some(true),
        "false" | "False" | "FALSE" | "0" | "0.0" => Some(false),
        _ => None,
    }
}

/// `--where` equality: exact text, or equal numbers, or equal booleans.
pub(crate) fn value_matches(want: &str, got: &str) -> bool {
    if want == got {
        return true;
    }
    let (w, g) = (want.trim(), got.trim());
    if w == g {
        return true;
    }
    if let (Ok(a), Ok(b)) = (w.parse::<f64>(), g.parse::<f64>()) {
        return a == b;
    }
    matches!((parse_bool(w), parse_bool(g)), (Some(a), Some(b)) if a == b)
}

impl Selector {
    pub fn new(opts: &ReadOptions) -> Self {
        let mut columns: Vec<String> = Vec::new();
        let mut filter_col = Vec::new();
        for (c, _) in &opts.filters {
            let i = match columns.iter().position(|x| x == c) {
                Some(i) => i,
                None => {
                    columns.push(c.clone());
                    columns.len() - 1
                }
            };
            filter_col.push(i);
        }
        Selector {
            include_named: opts.include_named,
            filters: opts.filters.clone(),
            column_seen: vec![false; columns.len()],
            columns,
            filter_col,
            language: opts.language.clone(),
            language_matched: false,
            languages_seen: BTreeMap::new(),
            category: opts.category.as_deref().map(normalize_key),
            category_raw: opts.category.clone().unwrap_or_default(),
            category_seen: false,
            category_keys: BTreeMap::new(),
        }
    }

    /// Index of a filter column, if `name` is one.
    #[inline]
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Record that column `i` exists in the file.
    pub fn saw_column(&mut self, i: usize) {
        self.column_seen[i] = true;
    }

    /// Do the values of the filter columns (`values[column index]`, `None` = absent in this
    /// row) satisfy every filter?
    pub fn filters_match<S: AsRef<str>>(&self, values: &[Option<S>]) -> bool {
        self.filters
            .iter()
            .zip(&self.filter_col)
            .all(|((_, want), &c)| match values.get(c) {
                Some(Some(v)) => value_matches(want, v.as_ref()),
                _ => false,
            })
    }

    /// Does this row's language pass? (`true` when no language was requested.)
    pub fn language_matches(&mut self, lang: Option<&str>) -> bool {
        let Some(want) = &self.language else {
            return true;
        };
        match lang {
            Some(l) if l.trim().eq_ignore_ascii_case(want.trim()) => {
                self.language_matched = true;
                true
            }
            Some(l) => {
                if !self.language_matched {
                    tally(&mut self.languages_seen, l);
                }
                false
            }
            None => false,
        }
    }

    /// Report a boolean flag `raw` met in a row's `category_tag`; returns whether it is the
    /// requested category.
    pub fn note_category_key(&mut self, raw: &str) -> bool {
        let Some(c) = &self.category else {
            return false;
        };
        if eq_normalized(raw, c) {
            self.category_seen = true;
            return true;
        }
        if !self.category_seen {
            tally(&mut self.category_keys, raw);
        }
        false
    }

    /// Take in what a copy of this selector saw over another part of the same file (row
    /// groups read in parallel); `other` is the later part.
    pub fn merge(&mut self, other: Selector) {
        for (s, o) in self.column_seen.iter_mut().zip(other.column_seen) {
            *s |= o;
        }
        self.language_matched |= other.language_matched;
        self.category_seen |= other.category_seen;
        for (k, n) in other.languages_seen {
            add_tally(&mut self.languages_seen, k, n);
        }
        for (k, n) in other.category_keys {
            add_tally(&mut self.category_keys, k, n);
        }
    }

    /// After the whole file: a filter, language or category that matched nothing because the
    /// file does not have it is an error.
    pub fn check_seen(&self, path: &Path, field_word: &str) -> Result<(), ReadError> {
        for (i, seen) in self.column_seen.iter().enumerate() {
            if !seen {
                return Err(ReadError::data(
                    path,
                    Location::File,
                    Some(&self.columns[i]),
                    format!("--where names a {field_word} this file does not have"),
                ));
            }
        }
        if let Some(want) = &self.language
            && !self.language_matched
        {
            let msg = if self.languages_seen.is_empty() {
                format!("language {want:?} requested but no row has a language")
            } else {
                format!(
                    "language {want:?} not present (present: {})",
                    list_some(&by_count(&self.languages_seen))
                )
            };
            return Err(ReadError::data(path, Location::File, Some("language"), msg));
        }
        if self.category.is_some() && !self.category_seen {
            let msg = if self.category_keys.is_empty() {
                format!(
                    "category {:?} requested but no row has a category_tag",
                    self.category_raw
                )
            } else {
                format!(
                    "category {:?} not present (present: {})",
                    self.category_raw,
                    list_some(&by_count(&self.category_keys))
                )
            };
            return Err(ReadError::data(
                path,
                Location::File,
                Some("category_tag"),
                msg,
            ));
        }
        Ok(())
    }
}

/// Count `key` in a capped tally (no allocation once the key is known).
fn tally(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else if map.len() < 4 * LIST_MAX {
        map.insert(key.to_owned(), 1);
    }
}

/// Add `n` sightings of `key` to a capped tally.
fn add_tally(map: &mut BTreeMap<String, u64>, key: String, n: u64) {
    if let Some(m) = map.get_mut(&key) {
        *m += n;
    } else if map.len() < 4 * LIST_MAX {
        map.insert(key, n);
    }
}

/// Keys by descending count (most common first: the likeliest intended values).
fn by_count(map: &BTreeMap<String, u64>) -> Vec<String> {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1));
    v.into_iter().map(|(k, _)| k.clone()).collect()
}

/// "a, b, c, … (N more)" for error messages.
pub(crate) fn list_some<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let all: Vec<&String> = items.into_iter().collect();
    let mut s = all
        .iter()
        .take(LIST_MAX)
        .map(|x| x.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if all.len() > LIST_MAX {
        s.push_str(&format!(", … ({} more)", all.len() - LIST_MAX));
    }
    s
}
