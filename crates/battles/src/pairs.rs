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
    let err =
        |loc: Location, field: Option<&str>, msg: String| ReadError::data(path, loc, field, msg);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(err(
            Location::File,
            None,
            "empty file (expected pair-count JSON)".into(),
        ));
    }
    let top: Value = serde_json::from_slice(&bytes).map_err(|e| {
        let what = if e.is_eof() {
            "truncated JSON"
        } else {
            "invalid JSON"
        };
        err(Location::File, None, format!("{what}: {e}"))
    })?;
    if !opts.filters.is_empty() {
        return Err(err(
            Location::File,
            None,
            "--where filters need per-battle data; pair-count files have no columns".into(),
        ));
    }
    let Value::Object(obj) = &top else {
        return Err(err(
            Location::File,
            None,
            "expected a JSON object with models, X, Y".into(),
        ));
    };
    let (data, field_prefix) = if obj.contains_key("models") || obj.contains_key("X") {
        if let Some(s) = opts.category.as_ref().or(opts.language.as_ref()) {
            return Err(err(
                Location::File,
                None,
                format!(
                    "{s:?} requested but this pair-count file has no category/language sections \
                     (use category_specific_data.json or language_specific_data.json)"
                ),
            ));
        }
        (&top, String::new())
    } else {
        let (want, what) = match (&opts.category, &opts.language) {
            (Some(_), Some(_)) => {
                return Err(err(
                    Location::File,
                    None,
                    "give either a category or a language for a sectioned pair-count file, not both"
                        .into(),
                ));
            }
            (Some(c), None) => (Some(c.as_str()), "category"),
            (None, Some(l)) => (Some(l.as_str()), "language"),
            (None, None) => (None, "section"),
        };
        // Largest sections first: the useful ones to suggest.
        let mut sized: Vec<(&String, f64)> = obj
            .iter()
            .map(|(k, v)| (k, v.get("n").and_then(Value::as_f64).unwrap_or(0.0)))
            .collect();
        sized.sort_by(|a, b| b.1.total_cmp(&a.1));
        let names: Vec<&String> = sized.into_iter().map(|(k, _)| k).collect();
        let key = match want {
            Some(w) => obj
                .keys()
                .find(|k| k.as_str() == w)
                .or_else(|| obj.keys().find(|k| eq_normalized(k, &normalize_key(w)))),
            None => obj.keys().find(|k| k.as_str() == "All"),
        };
        let Some(key) = key else {
            let msg = match want {
                Some(w) => format!("{what} {w:?} not present (present: {})", list_some(names)),
                None => format!(
                    "this file has sections and no \"All\"; choose a category or language \
                     (present: {})",
                    list_some(names)
                ),
            };
            return Err(err(Location::File, Some(what), msg));
        };
        let section = &obj[key];
        let Some(d) = section.get("data") else {
            return Err(err(
                Location::File,
                Some(&format!("{key}.data")),
                "missing (expected {\"n\": votes, \"data\": {models, X, Y}})".into(),
            ));
        };
        (d, format!("{key}.data."))
    };
    let f = |name: &str| format!("{field_prefix}{name}");
    let get = |name: &str| {
        data.get(name).ok_or_else(|| {
            err(
                Location::File,
                Some(&f(name)),
                "missing required field".into(),
            )
        })
    };
    let models_v = get("models")?;
    let x_v = get("X")?;
    let y_v = get("Y")?;
    let Some(models_a) = models_v.as_array() else {
        return Err(err(
            Location::File,
            Some(&f("models")),
            "expected an array of names".into(),
        ));
    };
    let mut models = Vec::with_capacity(models_a.len());
    for (k, m) in models_a.iter().enumerate() {
        match m.as_str() {
            Some(s) if !s.is_empty() => {
                if models.iter().any(|x: &String| x == s) {
                    return Err(err(
                        Location::Element(k as u64),
                        Some(&f("models")),
                        format!("duplicate model name {s:?}"),
                    ));
                }
                models.push(s.to_owned())
            }
            _ => {
                return Err(err(
                    Location::Element(k as u64),
                    Some(&f("models")),
                    format!("expected a non-empty model name string, got {m}"),
                ));
            }
        }
    }
    let (Some(xs), Some(ys)) = (x_v.as_array(), y_v.as_array()) else {
        return Err(err(
            Location::File,
            Some(&f("X")),
            "X and Y must be arrays".into(),
        ));
    };
    if xs.len() != ys.len() {
        return Err(err(
            Location::File,
            Some(&f("Y")),
            format!(
                "X has {} pairs but Y has {} rows (they must match)",
                xs.len(),
                ys.len()
            ),
        ));
    }
    if xs.is_empty() {
        return Err(err(
            Location::File,
            Some(&f("X")),
            "no pairs (X is empty)".into(),
        ));
    }
    let n = models.len() as u64;
    let mut set = BattleSet {
        models,
        aggregated: true,
        style: None,
        ..BattleSet::default()
    };
    for (k, (x, y)) in xs.iter().zip(ys).enumerate() {
        let loc = Location::Element(k as u64);
        let idx = x
            .as_array()
            .filter(|a| a.len() == 2)
            .and_then(|a| Some((a[0].as_u64()?, a[1].as_u64()?)));
        let Some((i, j)) = idx else {
            return Err(err(
                loc,
                Some(&f("X")),
                format!("expected [i, j] with indices ≥ 0, got {x}"),
            ));
        };
        if i >= n || j >= n {
            return Err(err(
                loc,
                Some(&f("X")),
                format!(
                    "index out of range in {x} ({n} models, valid 0..{})",
                    n.saturating_sub(1)
                ),
            ));
        }
        if i == j {
            return Err(err(
                loc,
                Some(&f("X")),
                format!("pair {x} puts a model against itself"),
            ));
        }
        let counts: Option<Vec<f64>> = y
            .as_array()
            .filter(|a| (2..=4).contains(&a.len()))
            .map(|a| a.iter().map(Value::as_f64).collect())
            .and_then(|v: Vec<Option<f64>>| v.into_iter().collect());
        let Some(counts) = counts else {
            return Err(err(
                loc,
                Some(&f("Y")),
                format!("expected [wins_i, wins_j, ties, ties_bothbad] numbers, got {y}"),
            ));
        };
        if let Some(bad) = counts.iter().find(|c| !c.is_finite() || **c < 0.0) {
            return Err(err(
                loc,
                Some(&f("Y")),
                format!("count {bad} must be finite and ≥ 0"),
            ));
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
    }
    set.compact();
    Ok(set)
}
