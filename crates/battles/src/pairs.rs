//! Pair-count JSON, as published with leaderbot: `{"models", "X": [[i, j]…], "Y": [[wins_i,
//! wins_j, ties, ties_bothbad]…]}`, optionally split into sections
//! `{name: {"n": votes, "data": {models, X, Y}}}` by category or language.
//!
//! Each pair becomes up to four aggregated rows (one per outcome with a non-zero count), so the
//! 1.67M votes of the 2024 release load as ~12k rows.

use std::path::Path;

use serde_json::Value;

use crate::error::{Location, ReadError};
use crate::select::{eq_normalized, list_some, normalize_key};
use crate::set::BattleSet;
use crate::{ReadOptions, Winner};

pub(crate) fn read(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::io(path, e))?;
    let top = parse_json(path, &bytes)?;
    if !opts.filters.is_empty() {
        return Err(file_err(
            path,
            None,
            "--where filters need per-battle data; pair-count files have no columns".into(),
        ));
    }
    let Value::Object(obj) = &top else {
        return Err(file_err(
            path,
            None,
            "expected a JSON object with models, X, Y".into(),
        ));
    };
    let (data, prefix) = if obj.contains_key("models") || obj.contains_key("X") {
        if let Some(s) = opts.category.as_ref().or(opts.language.as_ref()) {
            return Err(file_err(
                path,
                None,
                format!(
                    "{s:?} requested but this pair-count file has no category/language sections \
                     (use category_specific_data.json or language_specific_data.json)"
                ),
            ));
        }
        (&top, String::new())
    } else {
        select_section(path, obj, opts)?
    };
    let fields = Fields { path, prefix, data };
    let (models_v, x_v, y_v) = (fields.get("models")?, fields.get("X")?, fields.get("Y")?);
    let models = fields.models(models_v)?;
    let (xs, ys) = fields.pairs(x_v, y_v)?;
    let n = models.len() as u64;
    let mut set = BattleSet {
        models,
        aggregated: true,
        style: None,
        ..BattleSet::default()
    };
    for (k, (x, y)) in xs.iter().zip(ys).enumerate() {
        fields.push_pair(&mut set, Location::Element(k as u64), n, x, y)?;
    }
    set.compact();
    Ok(set)
}

/// A file-level data error: most of this format's checks are about the document as a whole.
fn file_err(path: &Path, field: Option<&str>, msg: String) -> ReadError {
    ReadError::data(path, Location::File, field, msg)
}

/// Parses the whole file as JSON, telling an empty or truncated file from a malformed one.
fn parse_json(path: &Path, bytes: &[u8]) -> Result<Value, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_err(
            path,
            None,
            "empty file (expected pair-count JSON)".into(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_eof() {
            "truncated JSON"
        } else {
            "invalid JSON"
        };
        file_err(path, None, format!("{what}: {e}"))
    })
}

/// Picks the `{models, X, Y}` payload of a sectioned file (by category, language or "All") and
/// the field-name prefix (`"{key}.data."`) its errors are reported under.
fn select_section<'a>(
    path: &Path,
    obj: &'a serde_json::Map<String, Value>,
    opts: &ReadOptions,
) -> Result<(&'a Value, String), ReadError> {
    let (want, what) = match (&opts.category, &opts.language) {
        (Some(_), Some(_)) => {
            return Err(file_err(
                path,
                None,
                "give either a category or a language for a sectioned pair-count file, not both"
                    .into(),
            ));
        }
        (Some(c), None) => (Some(c.as_str()), "category"),
        (None, Some(l)) => (Some(l.as_str()), "language"),
        (None, None) => (None, "section"),
    };
    let key = match want {
        Some(w) => obj
            .keys()
            .find(|k| k.as_str() == w)
            .or_else(|| obj.keys().find(|k| eq_normalized(k, &normalize_key(w)))),
        None => obj.keys().find(|k| k.as_str() == "All"),
    };
    let Some(key) = key else {
        let names = sections_by_size(obj);
        let msg = match want {
            Some(w) => format!("{what} {w:?} not present (present: {})", list_some(names)),
            None => format!(
                "this file has sections and no \"All\"; choose a category or language \
                 (present: {})",
                list_some(names)
            ),
        };
        return Err(file_err(path, Some(what), msg));
    };
    let Some(d) = obj[key].get("data") else {
        return Err(file_err(
            path,
            Some(&format!("{key}.data")),
            "missing (expected {\"n\": votes, \"data\": {models, X, Y}})".into(),
        ));
    };
    Ok((d, format!("{key}.data.")))
}

/// Section names, largest (by vote count `n`) first: the useful ones to suggest when the
/// requested section is absent.
fn sections_by_size(obj: &serde_json::Map<String, Value>) -> Vec<&String> {
    let mut sized: Vec<(&String, f64)> = obj
        .iter()
        .map(|(k, v)| (k, v.get("n").and_then(Value::as_f64).unwrap_or(0.0)))
        .collect();
    sized.sort_by(|a, b| b.1.total_cmp(&a.1));
    sized.into_iter().map(|(k, _)| k).collect()
}

/// The selected `{models, X, Y}` payload, with what its errors need: the file and the field
/// prefix of the section it came from.
struct Fields<'a> {
    path: &'a Path,
    prefix: String,
    data: &'a Value,
}

impl<'a> Fields<'a> {
    /// A data error on field `name`, named as the user sees it (with the section prefix).
    fn err(&self, loc: Location, name: &str, msg: String) -> ReadError {
        ReadError::data(self.path, loc, Some(&format!("{}{name}", self.prefix)), msg)
    }

    /// A required field of the payload.
    fn get(&self, name: &str) -> Result<&'a Value, ReadError> {
        self.data
            .get(name)
            .ok_or_else(|| self.err(Location::File, name, "missing required field".into()))
    }

    /// The model names: non-empty and distinct, since pairs refer to them by index.
    fn models(&self, models_v: &Value) -> Result<Vec<String>, ReadError> {
        let Some(models_a) = models_v.as_array() else {
            return Err(self.err(
                Location::File,
                "models",
                "expected an array of names".into(),
            ));
        };
        let mut models = Vec::with_capacity(models_a.len());
        for (k, m) in models_a.iter().enumerate() {
            match m.as_str() {
                Some(s) if !s.is_empty() => {
                    if models.iter().any(|x: &String| x == s) {
                        return Err(self.err(
                            Location::Element(k as u64),
                            "models",
                            format!("duplicate model name {s:?}"),
                        ));
                    }
                    models.push(s.to_owned())
                }
                _ => {
                    return Err(self.err(
                        Location::Element(k as u64),
                        "models",
                        format!("expected a non-empty model name string, got {m}"),
                    ));
                }
            }
        }
        Ok(models)
    }

    /// The X (index pairs) and Y (outcome counts) arrays: parallel and non-empty.
    fn pairs(
        &self,
        x_v: &'a Value,
        y_v: &'a Value,
    ) -> Result<(&'a [Value], &'a [Value]), ReadError> {
        let (Some(xs), Some(ys)) = (x_v.as_array(), y_v.as_array()) else {
            return Err(self.err(Location::File, "X", "X and Y must be arrays".into()));
        };
        if xs.len() != ys.len() {
            return Err(self.err(
                Location::File,
                "Y",
                format!(
                    "X has {} pairs but Y has {} rows (they must match)",
                    xs.len(),
                    ys.len()
                ),
            ));
        }
        if xs.is_empty() {
            return Err(self.err(Location::File, "X", "no pairs (X is empty)".into()));
        }
        Ok((xs, ys))
    }

    /// Checks one pair `x` = `[i, j]` and its counts `y`, and adds a row per non-zero outcome.
    fn push_pair(
        &self,
        set: &mut BattleSet,
        loc: Location,
        n: u64,
        x: &Value,
        y: &Value,
    ) -> Result<(), ReadError> {
        let idx = x
            .as_array()
            .filter(|a| a.len() == 2)
            .and_then(|a| Some((a[0].as_u64()?, a[1].as_u64()?)));
        let Some((i, j)) = idx else {
            return Err(self.err(
                loc,
                "X",
                format!("expected [i, j] with indices ≥ 0, got {x}"),
            ));
        };
        if i >= n || j >= n {
            return Err(self.err(
                loc,
                "X",
                format!(
                    "index out of range in {x} ({n} models, valid 0..{})",
                    n.saturating_sub(1)
                ),
            ));
        }
        if i == j {
            return Err(self.err(loc, "X", format!("pair {x} puts a model against itself")));
        }
        let counts: Option<Vec<f64>> = y
            .as_array()
            .filter(|a| (2..=4).contains(&a.len()))
            .map(|a| a.iter().map(Value::as_f64).collect())
            .and_then(|v: Vec<Option<f64>>| v.into_iter().collect());
        let Some(counts) = counts else {
            return Err(self.err(
                loc,
                "Y",
                format!("expected [wins_i, wins_j, ties, ties_bothbad] numbers, got {y}"),
            ));
        };
        if let Some(bad) = counts.iter().find(|c| !c.is_finite() || **c < 0.0) {
            return Err(self.err(loc, "Y", format!("count {bad} must be finite and ≥ 0")));
        }
        const OUTCOMES: [Winner; 4] =
            [Winner::ModelA, Winner::ModelB, Winner::Tie, Winner::BothBad];
        for (w, &c) in OUTCOMES.iter().zip(&counts) {
            if c > 0.0 {
                set.model_a.push(i as u32);
                set.model_b.push(j as u32);
                set.winner.push(*w);
                set.count.push(c);
                set.weight.push(1.0);
                set.tstamp.push(f64::NAN);
            }
        }
        Ok(())
    }
}
