//! One seeded mutation fuzz test per input reader, each run on `VERSUS_FUZZ_CASES` cases
//! (100,000 by default) built from the repository's real fixture files: every case must end in
//! `Ok` (a sane result) or an error that names its file, never a panic. The counts are printed:
//! `cargo test --release -p versus-fuzz --test fuzz_readers -- --ignored --nocapture`.
//!
//! The full runs are `#[ignore]`d because 100,000 cases per reader take about 15 minutes in a
//! debug build on a 2-core machine (Parquet alone, ~6 ms a case); `.ci/run` runs them in
//! release. `smoke_every_reader` runs every reader for a few hundred cases in every
//! `cargo test`. A finding is printed minimised, with the seed and case index that replay it
//! (`VERSUS_FUZZ_SEED`, `VERSUS_FUZZ_ONLY`); once fixed, its input belongs with the reader's
//! malformed-input tests (e.g. crates/battles/tests/malformed/ and its cases.txt).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde_json::Value;
use versus_battles::{BattleSet, Format, ReadOptions, read_file};
use versus_fuzz::rand::RngExt;
use versus_fuzz::rand::rngs::ChaCha8Rng;
use versus_fuzz::{BuildFn, Outcome, RunFn, TOKENS, Target, assert_clean, run};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

fn head_lines(bytes: &[u8], n: usize) -> Vec<u8> {
    let mut end = 0;
    for (k, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        if k == n {
            break;
        }
        end += line.len();
    }
    bytes[..end].to_vec()
}

/// A scratch file for one reader's inputs (the readers take paths). In memory (/dev/shm) where
/// there is one: rewriting a file on ext4 100,000 times waits on writeback at every close.
fn scratch(name: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    };
    let dir = base.join(format!("versus-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the fuzz scratch directory");
    dir.join(name)
}

/// Cuts strings to 40 characters and arrays to 3 elements: the fixture's structure with few
/// bytes, so that 100,000 cases stay fast.
fn shrink(v: &mut Value) {
    match v {
        Value::String(s) if s.chars().count() > 40 => *s = s.chars().take(40).collect(),
        Value::Array(a) => {
            a.truncate(3);
            a.iter_mut().for_each(shrink);
        }
        Value::Object(o) => o.values_mut().for_each(shrink),
        _ => {}
    }
}

/// The first `n` rows of the public arena-human-preference sample, shrunk.
fn preference_rows(n: usize) -> Vec<Value> {
    let text = read("testdata/public/arena-human-preference-sample/sample-100.jsonl");
    head_lines(&text, n)
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut v: Value = serde_json::from_slice(l).expect("sample line is JSON");
            shrink(&mut v);
            v
        })
        .collect()
}

/// The elements of the clean_battle fixture, shrunk.
fn battle_log_rows() -> Vec<Value> {
    let mut v: Value =
        serde_json::from_slice(&read("crates/battles/tests/data/battle_log.json")).expect("JSON");
    let Value::Array(rows) = &mut v else {
        panic!("battle_log.json is not an array")
    };
    rows.iter_mut().for_each(shrink);
    rows.clone()
}

fn malformed(names: &[&str]) -> Vec<Vec<u8>> {
    names
        .iter()
        .map(|n| read(&format!("crates/battles/tests/malformed/{n}")))
        .collect()
}

/// Reader options drawn from the case's RNG, so the filters and sections are fuzzed too.
fn options(format: Format, rng: &mut ChaCha8Rng) -> ReadOptions {
    let mut o = ReadOptions {
        format: (!rng.random_bool(0.15)).then_some(format),
        include_named: rng.random_bool(0.3),
        ..ReadOptions::default()
    };
    match rng.random_range(0..20u32) {
        0 => o.filters = vec![("language".into(), "English".into())],
        1 => o.filters = vec![("anony".into(), "true".into())],
        2 => o.category = Some("math".into()),
        3 => o.category = Some("Real World".into()),
        4 => o.language = Some("English".into()),
        5 => o.filters = vec![("no_such_column".into(), "1".into())],
        _ => {}
    }
    o
}

/// What an `Ok` must satisfy: consistent columns, ids in range, no self-battles, finite
/// non-negative counts and weights.
fn check_set(set: &BattleSet) -> Result<(), String> {
    let n = set.len();
    if [
        set.model_b.len(),
        set.winner.len(),
        set.count.len(),
        set.weight.len(),
    ]
    .iter()
    .any(|&l| l != n)
        || set.tstamp.len() != n && !set.tstamp.is_empty()
    {
        return Err("columns of different lengths".into());
    }
    if let Some(s) = &set.style
        && s.len() != n
    {
        return Err("style column of a different length".into());
    }
    let m = set.models.len() as u32;
    for i in 0..n {
        let (a, b) = (set.model_a[i], set.model_b[i]);
        if a >= m || b >= m {
            return Err(format!("row {i}: model id out of range"));
        }
        if a == b {
            return Err(format!("row {i}: a model against itself"));
        }
        if !(set.count[i].is_finite() && set.count[i] >= 0.0) {
            return Err(format!("row {i}: count {}", set.count[i]));
        }
        if !(set.weight[i].is_finite() && set.weight[i] >= 0.0) {
            return Err(format!("row {i}: weight {}", set.weight[i]));
        }
    }
    Ok(())
}

/// A battle reader on a scratch file: `Ok` must be sane, an error must name the file.
fn battles_target(
    file: &str,
    format: Format,
) -> impl Fn(&[u8], &mut ChaCha8Rng) -> Outcome + Sync + use<> {
    let path = scratch(file);
    let name = file.to_string();
    move |input: &[u8], rng: &mut ChaCha8Rng| {
        std::fs::write(&path, input).expect("write the scratch input");
        let result = read_file(&path, &options(format, rng));
        let _ = std::fs::remove_file(&path);
        match result {
            Ok(set) => match check_set(&set) {
                Ok(()) => Outcome::Ok,
                Err(e) => Outcome::Unclear(format!("accepted, but {e}")),
            },
            Err(e) => clear(&e.to_string(), &name),
        }
    }
}

/// An error is clear when it names the file it is about.
fn clear(message: &str, file: &str) -> Outcome {
    if message.contains(file) {
        Outcome::Err
    } else {
        Outcome::Unclear(message.to_string())
    }
}

fn fuzz(cases: u64, name: &str, seeds: Vec<Vec<u8>>, run_fn: &RunFn) {
    fuzz_structured(cases, name, seeds, run_fn, None);
}

fn fuzz_structured(
    cases: u64,
    name: &str,
    seeds: Vec<Vec<u8>>,
    run_fn: &RunFn<'_>,
    structured: Option<&BuildFn<'_>>,
) {
    let report = run(
        &Target {
            name,
            seeds,
            run: run_fn,
            structured,
        },
        cases,
    );
    assert_clean(&report);
    if std::env::var_os("VERSUS_FUZZ_ONLY").is_some() {
        // Replaying one case: it ends either way; only a panic or an unclear error fails.
        return;
    }
    assert!(
        report.ok > 0,
        "{name}: no case was accepted; the seeds are not valid inputs"
    );
    assert!(
        report.errors > 0,
        "{name}: no case was rejected; the mutations do nothing"
    );
}

fn battle_csv(cases: u64) {
    let mut seeds = vec![head_lines(
        &read("testdata/reference/synthetic-12x5000/battles.csv"),
        25,
    )];
    // The clean_battle fixture as CSV: anony, language, and category_tag JSON in a cell.
    let mut csv = String::from("model_a,model_b,winner,tstamp,anony,language,category_tag\n");
    for r in battle_log_rows() {
        let cell = |k: &str| match &r[k] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            v => v.to_string(),
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},\"{}\"\n",
            cell("model_a"),
            cell("model_b"),
            cell("winner"),
            cell("tstamp"),
            cell("anony"),
            cell("language"),
            r["category_tag"].to_string().replace('"', "\"\"")
        ));
    }
    seeds.push(csv.into_bytes());
    seeds.extend(malformed(&[
        "inf_weight.csv",
        "nan_weight.csv",
        "non_numeric_style.csv",
        "non_numeric_tstamp.csv",
        "ragged.csv",
        "unknown_winner.csv",
        "non_utf8.csv",
    ]));
    fuzz(
        cases,
        "battle CSV",
        seeds,
        &battles_target("input.csv", Format::Csv),
    );
}

fn battle_jsonl(cases: u64) {
    let mut lines = String::new();
    for r in preference_rows(3).into_iter().chain(battle_log_rows()) {
        lines.push_str(&r.to_string());
        lines.push('\n');
    }
    let mut seeds = vec![lines.into_bytes()];
    seeds.extend(malformed(&[
        "invalid_json.jsonl",
        "missing_field.jsonl",
        "negative_weight.jsonl",
        "non_numeric_style.jsonl",
        "non_utf8.jsonl",
        "truncated_line.jsonl",
    ]));
    fuzz(
        cases,
        "battle JSONL",
        seeds,
        &battles_target("input.jsonl", Format::Jsonl),
    );
}

fn clean_battle_json(cases: u64) {
    let mut seeds = vec![read("crates/battles/tests/data/battle_log.json")];
    let shrunk = Value::Array(battle_log_rows());
    seeds.push(serde_json::to_vec_pretty(&shrunk).expect("JSON"));
    seeds.extend(malformed(&[
        "bad_tstamp_log.json",
        "unknown_winner_log.json",
        "truncated_array.json",
        "empty_array.json",
    ]));
    fuzz(
        cases,
        "clean_battle JSON",
        seeds,
        &battles_target("clean_battle.json", Format::BattleLogJson),
    );
}

fn arena_human_preference_json(cases: u64) {
    let rows = Value::Array(preference_rows(4));
    let seeds = vec![
        serde_json::to_vec(&rows).expect("JSON"),
        serde_json::to_vec_pretty(&rows).expect("JSON"),
    ];
    fuzz(
        cases,
        "arena-human-preference JSON",
        seeds,
        &battles_target("preference.json", Format::BattleLogJson),
    );
}

/// A small pair-count file from the 2024 release: the first `n` models and the pairs among them.
fn small_pairs(data: &Value, n: usize) -> Value {
    let models: Vec<Value> = data["models"].as_array().expect("models")[..n].to_vec();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (x, y) in data["X"]
        .as_array()
        .expect("X")
        .iter()
        .zip(data["Y"].as_array().expect("Y"))
    {
        let i = x[0].as_u64().expect("index");
        let j = x[1].as_u64().expect("index");
        if i < n as u64 && j < n as u64 {
            xs.push(x.clone());
            ys.push(y.clone());
        }
    }
    serde_json::json!({"models": models, "X": xs, "Y": ys})
}

fn pair_counts(cases: u64) {
    let all: Value = serde_json::from_slice(&read(
        "data/arena-votes-2024-08-14/chatbotarena_20240814.json",
    ))
    .expect("JSON");
    let cats: Value = serde_json::from_slice(&read(
        "data/arena-votes-2024-08-14/category_specific_data.json",
    ))
    .expect("JSON");
    let mut sections = serde_json::Map::new();
    for (name, section) in cats.as_object().expect("sections").iter().take(2) {
        sections.insert(
            name.clone(),
            serde_json::json!({"n": section["n"], "data": small_pairs(&section["data"], 5)}),
        );
    }
    let mut seeds = vec![
        serde_json::to_vec(&small_pairs(&all, 6)).expect("JSON"),
        serde_json::to_vec_pretty(&Value::Object(sections)).expect("JSON"),
    ];
    seeds.extend(malformed(&[
        "bad_index_pairs.json",
        "length_mismatch_pairs.json",
        "self_pair_pairs.json",
    ]));
    fuzz(
        cases,
        "pair counts",
        seeds,
        &battles_target("pairs.json", Format::PairCounts),
    );
}

/// Columns of the sample the Parquet reader can use (not the conversations), first 6 rows.
fn parquet_seed_batch() -> &'static RecordBatch {
    static BATCH: OnceLock<RecordBatch> = OnceLock::new();
    BATCH.get_or_init(|| {
        let file = std::fs::File::open(repo(
            "testdata/public/arena-human-preference-sample/sample-100.parquet",
        ))
        .expect("open the Parquet sample");
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("Parquet metadata");
        let keep: Vec<usize> = builder
            .parquet_schema()
            .root_schema()
            .get_fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.name().contains("conversation"))
            .map(|(i, _)| i)
            .collect();
        let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), keep);
        let mut reader = builder
            .with_projection(mask)
            .with_batch_size(6)
            .build()
            .expect("Parquet reader");
        reader.next().expect("a batch").expect("decoded batch")
    })
}

fn write_parquet(batch: &RecordBatch, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let props = WriterProperties::builder()
        .set_dictionary_enabled(rng.random_bool(0.5))
        .set_compression(match rng.random_range(0..3u32) {
            0 => Compression::UNCOMPRESSED,
            1 => Compression::SNAPPY,
            _ => Compression::ZSTD(ZstdLevel::default()),
        })
        .set_max_row_group_row_count(Some(rng.random_range(1..=6usize)))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("writer");
    w.write(batch).expect("write batch");
    w.close().expect("close writer");
    out
}

fn token_string(rng: &mut ChaCha8Rng) -> Option<String> {
    match rng.random_range(0..10u32) {
        0 => None,
        1 => Some("x".repeat(rng.random_range(100..5000usize))),
        _ => Some(TOKENS[rng.random_range(0..TOKENS.len())].to_string()),
    }
}

/// A Parquet file from the sample's rows with field-level edits: a column's values replaced
/// (tokens, nulls, NaN, huge numbers), retyped, dropped, or renamed onto another's name.
fn structured_parquet(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let batch = parquet_seed_batch();
    let rows = batch.num_rows();
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    for _ in 0..rng.random_range(1..=3u32) {
        if cols.is_empty() {
            break;
        }
        let c = rng.random_range(0..cols.len());
        let name = fields[c].name().clone();
        let (field, col): (Field, ArrayRef) = match rng.random_range(0..7u32) {
            0 | 1 => {
                let v: Vec<Option<String>> = (0..rows).map(|_| token_string(rng)).collect();
                (
                    Field::new(&name, DataType::Utf8, true),
                    Arc::new(StringArray::from(v)),
                )
            }
            2 => {
                let v: Vec<Option<f64>> = (0..rows)
                    .map(|_| {
                        [
                            None,
                            Some(f64::NAN),
                            Some(f64::INFINITY),
                            Some(-1.0),
                            Some(1e300),
                        ][rng.random_range(0..5usize)]
                    })
                    .collect();
                (
                    Field::new(&name, DataType::Float64, true),
                    Arc::new(Float64Array::from(v)),
                )
            }
            3 => {
                let v: Vec<i64> = (0..rows).map(|_| rng.random()).collect();
                (
                    Field::new(&name, DataType::Int64, false),
                    Arc::new(Int64Array::from(v)),
                )
            }
            4 => {
                let v: Vec<Option<bool>> = (0..rows)
                    .map(|_| [None, Some(true), Some(false)][rng.random_range(0..3usize)])
                    .collect();
                (
                    Field::new(&name, DataType::Boolean, true),
                    Arc::new(BooleanArray::from(v)),
                )
            }
            5 => {
                fields.remove(c);
                cols.remove(c);
                continue;
            }
            _ => {
                let other = fields[rng.random_range(0..fields.len())].name().clone();
                let f = fields[c].clone().with_name(other);
                (f, cols[c].clone())
            }
        };
        fields[c] = field;
        cols[c] = col;
    }
    let batch = if cols.is_empty() {
        return write_parquet(batch, rng);
    } else {
        match RecordBatch::try_new(Arc::new(Schema::new(fields)), cols) {
            Ok(b) => b,
            Err(_) => return write_parquet(batch, rng),
        }
    };
    write_parquet(&batch, rng)
}

fn parquet(cases: u64) {
    let batch = parquet_seed_batch();
    assert!(batch.num_rows() > 0 && batch.num_columns() >= 3);
    let mut rng = versus_fuzz::case_rng(0, 0);
    let mut seeds: Vec<Vec<u8>> = (0..3).map(|_| write_parquet(batch, &mut rng)).collect();
    seeds.extend(malformed(&[
        "missing_column.parquet",
        "unknown_winner.parquet",
        "wrong_schema.parquet",
    ]));
    fuzz_structured(
        cases,
        "Parquet",
        seeds,
        &battles_target("input.parquet", Format::Parquet),
        Some(&structured_parquet),
    );
}

fn arena_config_toml(cases: u64) {
    let seeds = vec![read("config/arena.example.toml"), read("deploy/arena.toml")];
    let run_fn = |input: &[u8], _: &mut ChaCha8Rng| {
        let Ok(text) = std::str::from_utf8(input) else {
            return Outcome::Err; // read_to_string refuses it before the parser sees it
        };
        match versus_arena::config::ArenaConfig::from_toml(text) {
            Ok(_) => Outcome::Ok,
            Err(e) if e.to_string().trim().is_empty() => Outcome::Unclear("empty message".into()),
            Err(_) => Outcome::Err,
        }
    };
    fuzz(cases, "arena config TOML", seeds, &run_fn);
}

/// A text parser of the race crate; `Err(None)` is a refusal before parsing (as the CLI does).
fn text_target<'a>(
    file: &'a str,
    parse: impl Fn(&str) -> Result<(), Option<versus_race::Error>> + Sync + 'a,
) -> impl Fn(&[u8], &mut ChaCha8Rng) -> Outcome + Sync + 'a {
    move |input: &[u8], _: &mut ChaCha8Rng| {
        let Ok(text) = std::str::from_utf8(input) else {
            return Outcome::Err;
        };
        match parse(text) {
            Ok(()) => Outcome::Ok,
            Err(None) => Outcome::Err,
            Err(Some(e)) => clear(&e.to_string(), file),
        }
    }
}

fn registry_csv(cases: u64) {
    use versus_race::overlay::merge_registry;
    use versus_race::registry::Registry;
    let shipped = Registry::shipped().expect("shipped registry");
    // Rows of the shipped registry under new keys: what a user's registry.csv adds (a key the
    // shipped registry has is refused, rightly).
    let all = String::from_utf8(read("data/registry/models.csv")).expect("UTF-8");
    let lines: Vec<&str> = all.lines().collect();
    let user = |rows: &[&str]| {
        let mut out = format!("{}\n", lines[0]);
        for l in rows {
            out.push_str(&l.replacen(',', "-local,", 1));
            out.push('\n');
        }
        out.into_bytes()
    };
    let seeds = vec![user(&lines[1..12]), user(&lines[lines.len() - 8..])];
    let file = "registry.csv";
    let run_fn = text_target(file, |text| {
        let user = Registry::parse(file, text).map_err(Some)?;
        merge_registry(&shipped, &user, file).map_err(Some)?;
        Ok(())
    });
    fuzz(cases, "registry CSV", seeds, &run_fn);
}

fn history_csv(cases: u64) {
    use versus_race::history::History;
    let seeds = vec![head_lines(&read("data/history/history.csv"), 30)];
    let file = "history.csv";
    let run_fn = text_target(file, |text| {
        History::parse(file, text).map(|_| ()).map_err(Some)
    });
    fuzz(cases, "history CSV", seeds, &run_fn);
}

fn overlay_manifest(cases: u64) {
    use versus_race::overlay::Manifest;
    // What `versus data add` writes for the catalog fixtures (the manifest has no file of its
    // own in the repository).
    let seed = "file,kind,origin,sha256,bytes,added,date,style_control,rows\n\
        leaderboards/0c1e2f3a4b5c-leaderboard-text_2025-04-24T045743_ca6b34297.json,arena-catalog,testdata/public/leaderboard-history/arena-catalog-text/leaderboard-text_2025-04-24T045743_ca6b34297.json,0c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6,30773,2026-12-03,2025-04-24,0,214\n\
        leaderboards/9a8b7c6d5e4f-leaderboard-text-style-control_2025-11-06T113829_99f1eadee.json,arena-catalog,testdata/public/leaderboard-history/arena-catalog-text-style-control/leaderboard-text-style-control_2025-11-06T113829_99f1eadee.json,9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9,36095,2026-12-03,2025-11-06,1,250\n";
    let file = "manifest.csv";
    let run_fn = text_target(file, |text| {
        Manifest::parse(file, text).map(|_| ()).map_err(Some)
    });
    fuzz(
        cases,
        "overlay manifest CSV",
        vec![seed.as_bytes().to_vec()],
        &run_fn,
    );
}

/// An arena-catalog file cut to its first categories and models.
fn small_catalog(rel: &str) -> Vec<u8> {
    let v: Value = serde_json::from_slice(&read(rel)).expect("JSON");
    let mut out = serde_json::Map::new();
    for (cat, models) in v.as_object().expect("categories").iter().take(3) {
        let m: serde_json::Map<String, Value> = models
            .as_object()
            .expect("models")
            .iter()
            .take(4)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert(cat.clone(), Value::Object(m));
    }
    serde_json::to_vec_pretty(&Value::Object(out)).expect("JSON")
}

fn arena_catalog_json(cases: u64) {
    use versus_race::build::readers::parse_catalog;
    use versus_race::history::History;
    use versus_race::overlay::{detect, merge_history};
    let history = History::parse(
        "history.csv",
        std::str::from_utf8(&head_lines(&read("data/history/history.csv"), 200)).expect("UTF-8"),
    )
    .expect("history excerpt");
    let seeds = vec![
        small_catalog(
            "testdata/public/leaderboard-history/arena-catalog-text/leaderboard-text_2025-04-24T045743_ca6b34297.json",
        ),
        small_catalog(
            "testdata/public/leaderboard-history/arena-catalog-text-style-control/leaderboard-text-style-control_2025-11-06T113829_99f1eadee.json",
        ),
    ];
    let date = versus_race::Date::parse("2025-04-24").expect("date");
    let file = "leaderboard-text_2025-04-24.json";
    let run_fn = text_target(file, |text| {
        // `versus data add` refuses what detect() does not recognise before parsing it.
        if detect(text).is_none() {
            return Err(None);
        }
        let rows = parse_catalog(file, text, date, false).map_err(Some)?;
        merge_history(&history, rows, file).map_err(Some)?;
        Ok(())
    });
    fuzz(cases, "arena-catalog JSON", seeds, &run_fn);
}

/// Cases per reader in a plain (debug) `cargo test`: enough to run every reader and mutation.
const SMOKE_CASES: u64 = 300;

macro_rules! readers {
    ($($name:ident => $full:ident),* $(,)?) => {
        $(
            #[test]
            #[ignore = "100,000 cases per reader (VERSUS_FUZZ_CASES): .ci/run runs them in release"]
            fn $full() {
                $name(versus_fuzz::cases());
            }
        )*

        /// Every reader for a few hundred cases, in every `cargo test`.
        #[test]
        fn smoke_every_reader() {
            $($name(SMOKE_CASES);)*
        }
    };
}

readers! {
    battle_csv => fuzz_battle_csv,
    battle_jsonl => fuzz_battle_jsonl,
    clean_battle_json => fuzz_clean_battle_json,
    arena_human_preference_json => fuzz_arena_human_preference_json,
    pair_counts => fuzz_pair_counts,
    parquet => fuzz_parquet,
    arena_config_toml => fuzz_arena_config_toml,
    registry_csv => fuzz_registry_csv,
    history_csv => fuzz_history_csv,
    overlay_manifest => fuzz_overlay_manifest,
    arena_catalog_json => fuzz_arena_catalog_json,
}
