//! The PyO3 functions. Long work (reading the stream, fitting) runs with the GIL released.

use std::ffi::CStr;
use std::path::Path;
use std::sync::Arc;

use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{ArrayRef, Float64Array, RecordBatch, RecordBatchReader, StringArray};
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use versus_battles::{BattleSet, ReadOptions};
use versus_leaderboard::{CiKind, Method, ReportOptions, StyleFeature, Ties};

#[pymodule]
fn _versus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(run_columns, m)?)?;
    m.add_function(wrap_pyfunction!(race, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// Which source columns play `model_a`, `model_b`, `winner` and `weight`.
struct Names {
    model_a: String,
    model_b: String,
    winner: String,
    weight: Option<String>,
}

impl Names {
    fn from_dict(d: &Bound<'_, PyDict>) -> PyResult<Names> {
        let get = |k: &str| -> PyResult<Option<String>> {
            match d.get_item(k)? {
                Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
                _ => Ok(None),
            }
        };
        Ok(Names {
            model_a: get("model_a")?.unwrap_or_else(|| "model_a".into()),
            model_b: get("model_b")?.unwrap_or_else(|| "model_b".into()),
            winner: get("winner")?.unwrap_or_else(|| "winner".into()),
            weight: get("weight")?,
        })
    }

    /// (source name, battle name) pairs that differ.
    fn renames(&self) -> Vec<(&str, &'static str)> {
        let mut v = vec![
            (self.model_a.as_str(), "model_a"),
            (self.model_b.as_str(), "model_b"),
            (self.winner.as_str(), "winner"),
        ];
        if let Some(w) = &self.weight {
            v.push((w.as_str(), "weight"));
        }
        v.retain(|(from, to)| from != to);
        v
    }
}

/// The schema with the user's columns renamed to the battle names; a column already carrying
/// a battle name that another column now takes is left out (it is not the one asked for).
/// Returns the kept column positions and the new schema.
fn renamed(schema: &Schema, names: &Names) -> (Vec<usize>, SchemaRef) {
    let renames = names.renames();
    let mut keep = Vec::new();
    let mut fields = Vec::new();
    for (i, f) in schema.fields().iter().enumerate() {
        if let Some((_, to)) = renames.iter().find(|(from, _)| *from == f.name()) {
            keep.push(i);
            fields.push(Arc::new(f.as_ref().clone().with_name(*to)));
        } else if !renames.iter().any(|(_, to)| *to == f.name()) {
            keep.push(i);
            fields.push(f.clone());
        }
    }
    (keep, Arc::new(Schema::new(fields)))
}

/// Options of `versus.rank` as the Python layer passes them (already validated for type).
fn report_options(o: &Bound<'_, PyDict>) -> PyResult<ReportOptions> {
    let mut r = ReportOptions::default();
    for (k, v) in o.iter() {
        let key: String = k.extract()?;
        if v.is_none() && key != "ci" {
            continue;
        }
        match key.as_str() {
            "method" => {
                r.method = match v.extract::<String>()?.as_str() {
                    "bt" => Method::Bt,
                    "elo" => Method::Elo,
                    other => return Err(bad_choice("method", other, "bt, elo")),
                }
            }
            "ties" => {
                r.ties = match v.extract::<String>()?.as_str() {
                    "half" => Ties::Half,
                    "drop" => Ties::Drop,
                    other => return Err(bad_choice("ties", other, "half, drop")),
                }
            }
            "ci" => {
                r.ci = if v.is_none() {
                    Some(CiKind::None)
                } else {
                    Some(match v.extract::<String>()?.as_str() {
                        "sandwich" => CiKind::Sandwich,
                        "bootstrap" => CiKind::Bootstrap,
                        "none" => CiKind::None,
                        other => {
                            return Err(bad_choice("ci", other, "sandwich, bootstrap, none"));
                        }
                    })
                }
            }
            "reweight" => r.reweight = v.extract()?,
            "min_pair_count" => r.min_pair_count = v.extract()?,
            "anchor" => r.anchor = Some(v.extract()?),
            "mean" => r.mean = v.extract()?,
            "rounds" => r.rounds = v.extract()?,
            "seed" => r.seed = v.extract()?,
            "level" => r.level = v.extract()?,
            "style" => r.style = v.extract()?,
            "style_features" => {
                let names: Vec<String> = v.extract()?;
                r.style_features = names
                    .iter()
                    .map(|n| match n.as_str() {
                        "tokens" => Ok(StyleFeature::Tokens),
                        "header" => Ok(StyleFeature::Header),
                        "bold" => Ok(StyleFeature::Bold),
                        "list" => Ok(StyleFeature::List),
                        other => Err(bad_choice(
                            "style_features",
                            other,
                            "tokens, header, bold, list",
                        )),
                    })
                    .collect::<PyResult<_>>()?;
            }
            "style_reg" => r.style_reg = v.extract()?,
            "elo_k" => r.elo_k = v.extract()?,
            other => return Err(PyTypeError::new_err(format!("unknown option {other:?}"))),
        }
    }
    Ok(r)
}

fn bad_choice(option: &str, got: &str, expected: &str) -> PyErr {
    PyValueError::new_err(format!("{option}: {got:?} is not one of {expected}"))
}

/// What to read and which models to leave out: `versus rank`'s input options.
struct Input {
    read: ReadOptions,
    exclude: Vec<String>,
    min_battles: f64,
}

impl Input {
    /// The battles of `battles` after `exclude=` and `min_battles=` (as `--exclude` and
    /// `--min-battles`), and what that removed, for the report's meta and the warnings.
    fn clean(&self, battles: &mut BattleSet) -> (Vec<String>, Vec<(String, f64)>, Vec<String>) {
        let removed = battles.remove_models(&self.exclude, self.min_battles);
        let mut notes: Vec<String> = removed
            .missing
            .iter()
            .map(|m| format!("exclude {m}: no such model in the input"))
            .collect();
        if !removed.dropped.is_empty() {
            let list: Vec<String> = removed
                .dropped
                .iter()
                .map(|(m, n)| format!("{m} ({n})"))
                .collect();
            notes.push(format!(
                "dropped {} models with fewer than {} battles: {}",
                removed.dropped.len(),
                self.min_battles,
                list.join(", ")
            ));
        }
        (removed.excluded, removed.dropped, notes)
    }
}

/// Reading options: anonymity, `where`, language, category, exclude, min_battles.
fn read_options(o: &Bound<'_, PyDict>) -> PyResult<Input> {
    let mut r = ReadOptions::default();
    if let Some(v) = o.get_item("include_named")? {
        r.include_named = v.extract()?;
    }
    if let Some(v) = o.get_item("where")?
        && !v.is_none()
    {
        r.filters = v.extract()?;
    }
    if let Some(v) = o.get_item("language")? {
        r.language = v.extract()?;
    }
    if let Some(v) = o.get_item("category")? {
        r.category = v.extract()?;
    }
    let exclude: Vec<String> = match o.get_item("exclude")? {
        Some(v) if !v.is_none() => v.extract()?,
        _ => Vec::new(),
    };
    let min_battles: f64 = match o.get_item("min_battles")? {
        Some(v) if !v.is_none() => v.extract()?,
        _ => 0.0,
    };
    if !(min_battles.is_finite() && min_battles >= 0.0) {
        return Err(PyValueError::new_err(format!(
            "min_battles must be a non-negative number, got {min_battles}"
        )));
    }
    Ok(Input {
        read: r,
        exclude,
        min_battles,
    })
}

/// Battles from an object with `__arrow_c_stream__` (pyarrow, pandas ≥ 2.2, polars ≥ 1.2…).
fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<RecordBatchStreamReader> {
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a PyCapsule"))?;
    const NAME: &CStr = c"arrow_array_stream";
    let ptr = capsule.pointer_checked(Some(NAME))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an `ArrowArrayStream` (the Arrow
    // PyCapsule interface). `from_raw` moves the stream out and leaves a released one behind,
    // which the capsule's destructor then ignores, so the stream is released exactly once.
    unsafe { RecordBatchStreamReader::from_raw(ptr.cast::<FFI_ArrowArrayStream>().as_ptr()) }
        .map_err(|e| PyValueError::new_err(format!("cannot import the Arrow stream: {e}")))
}

/// What to compute from the battles: `versus rank` or `versus matrix`.
enum Task {
    Rank(ReportOptions),
    Matrix(Option<usize>),
}

impl Task {
    fn new(task: &str, options: &Bound<'_, PyDict>) -> PyResult<Task> {
        match task {
            "rank" => Ok(Task::Rank(report_options(options)?)),
            "matrix" => Ok(Task::Matrix(match options.get_item("top")? {
                Some(v) if !v.is_none() => Some(v.extract()?),
                _ => None,
            })),
            other => Err(PyValueError::new_err(format!("unknown task {other:?}"))),
        }
    }

    /// The JSON the CLI prints for this task, and its notes and warnings for stderr.
    fn run(
        &self,
        mut battles: BattleSet,
        input: &Input,
        source: &str,
    ) -> Result<(String, Vec<String>), String> {
        let (excluded, dropped, mut notes) = input.clean(&mut battles);
        if battles.is_empty() {
            return Err(format!(
                "no battles left to rate in {source} (after anonymity, --where, --category/--language, --exclude and --min-battles)"
            ));
        }
        let (json, warnings) = match self {
            Task::Rank(options) => {
                let provenance = versus_leaderboard::Provenance {
                    files: vec![source.to_owned()],
                    excluded,
                    dropped,
                };
                report(&battles, provenance, options)?
            }
            Task::Matrix(top) => {
                let (m, warning) =
                    versus_leaderboard::matrix::compute(&battles, *top).map_err(|e| e.0)?;
                let json = serde_json::to_string(&m).map_err(|e| e.to_string())?;
                (json, warning.into_iter().collect())
            }
        };
        notes.extend(warnings);
        Ok((json, notes))
    }
}

/// Compute `task` on the battles of an Arrow stream. Returns the JSON the CLI prints
/// (`versus rank --output json`, `versus matrix`), and the notes and warnings the CLI would
/// print on stderr.
#[pyfunction]
fn run_arrow(
    py: Python<'_>,
    task: &str,
    data: &Bound<'_, PyAny>,
    source: String,
    columns: &Bound<'_, PyDict>,
    read: &Bound<'_, PyDict>,
    options: &Bound<'_, PyDict>,
) -> PyResult<(String, Vec<String>)> {
    let names = Names::from_dict(columns)?;
    let input = read_options(read)?;
    let task = Task::new(task, options)?;
    let reader = import_stream(data)?;
    py.detach(move || {
        let (keep, schema) = renamed(&reader.schema(), &names);
        let batches = reader.map(|b| {
            b.and_then(|b| {
                RecordBatch::try_new(schema.clone(), b.project(&keep)?.columns().to_vec())
            })
        });
        let battles =
            versus_battles::read_record_batches(Path::new(&source), &schema, batches, &input.read)
                .map_err(|e| e.to_string())?;
        task.run(battles, &input, &source)
    })
    .map_err(PyValueError::new_err)
}

/// Compute `task` on battles given as plain columns (lists of str / float): the same reader,
/// on one batch.
#[pyfunction]
#[pyo3(signature = (task, model_a, model_b, winner, weight, source, read, options))]
#[allow(clippy::too_many_arguments)]
fn run_columns(
    py: Python<'_>,
    task: &str,
    model_a: Vec<Option<String>>,
    model_b: Vec<Option<String>>,
    winner: Vec<Option<String>>,
    weight: Option<Vec<Option<f64>>>,
    source: String,
    read: &Bound<'_, PyDict>,
    options: &Bound<'_, PyDict>,
) -> PyResult<(String, Vec<String>)> {
    let input = read_options(read)?;
    let task = Task::new(task, options)?;
    let n = model_a.len();
    if model_b.len() != n || winner.len() != n || weight.as_ref().is_some_and(|w| w.len() != n) {
        return Err(PyValueError::new_err(format!(
            "{source}: the columns have different lengths"
        )));
    }
    py.detach(move || {
        let mut cols: Vec<(&str, ArrayRef)> = vec![
            ("model_a", Arc::new(StringArray::from(model_a))),
            ("model_b", Arc::new(StringArray::from(model_b))),
            ("winner", Arc::new(StringArray::from(winner))),
        ];
        if let Some(w) = weight {
            cols.push(("weight", Arc::new(Float64Array::from(w))));
        }
        let fields: Vec<Field> = cols
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch =
            RecordBatch::try_new(schema.clone(), cols.into_iter().map(|(_, a)| a).collect())
                .map_err(|e| e.to_string())?;
        let battles = versus_battles::read_record_batches(
            Path::new(&source),
            &schema,
            [Ok::<_, ArrowError>(batch)],
            &input.read,
        )
        .map_err(|e| e.to_string())?;
        task.run(battles, &input, &source)
    })
    .map_err(PyValueError::new_err)
}

/// The leaderboard JSON and warnings; the same checks and messages as `versus rank`.
fn report(
    battles: &BattleSet,
    provenance: versus_leaderboard::Provenance,
    options: &ReportOptions,
) -> Result<(String, Vec<String>), String> {
    let computed =
        versus_leaderboard::compute(options, battles, provenance, &|| {}).map_err(|e| e.0)?;
    let json = serde_json::to_string(&computed.report).map_err(|e| e.to_string())?;
    Ok((json, computed.warnings))
}

/// `versus race gap|value --output json` on the bundled data; `options` holds the keywords of
/// `versus.race.gap` / `versus.race.value`.
#[pyfunction]
fn race(py: Python<'_>, kind: &str, options: &Bound<'_, PyDict>) -> PyResult<String> {
    fn get<'py, T: FromPyObjectOwned<'py>>(
        o: &Bound<'py, PyDict>,
        key: &str,
    ) -> PyResult<Option<T>> {
        match o.get_item(key)? {
            Some(v) if !v.is_none() => Ok(Some(v.extract().map_err(Into::into)?)),
            _ => Ok(None),
        }
    }
    let call = crate::race::RaceCall {
        by: get(options, "by")?,
        a: get(options, "a")?,
        b: get(options, "b")?,
        from: get(options, "from")?,
        to: get(options, "to")?,
        snapshot: get(options, "snapshot")?,
        every: get(options, "every")?,
        max_price: get(options, "max_price")?,
        max_price_fraction: get(options, "max_price_fraction")?,
        category: get(options, "category")?,
        style_control: get(options, "style_control")?.unwrap_or(false),
    };
    let run = match kind {
        "gap" => crate::race::gap_json,
        "value" => crate::race::value_json,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown race figure {other:?}"
            )));
        }
    };
    py.detach(move || run(&call)).map_err(PyValueError::new_err)
}
