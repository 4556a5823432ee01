//! The Arrow path: Parquet files with several row groups and dictionary-encoded columns (read
//! in parallel), and record batches handed over directly, must give what the JSONL reader gives
//! for the same battles — same model ids, rows, winners, weights and times — and bad rows must
//! be reported with their row number across row groups. (JSONL, not CSV, is the twin: the
//! structured readers number a model at its first row, kept or not, before dropping unused
//! names; the CSV reader numbers it at its first kept row.)

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use versus_battles::arrow_array::types::Int8Type;
use versus_battles::arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int64Array, LargeStringArray,
    RecordBatch, StringArray,
};
use versus_battles::arrow_schema::ArrowError;
use versus_battles::{BattleSet, ReadOptions, read_file, read_record_batches};

/// model_a, model_b, winner, weight, tstamp, anony.
type Row = (String, String, &'static str, f64, i64, bool);

const WINNERS: [&str; 5] = ["model_a", "model_b", "tie", "tie (bothbad)", "both_bad"];

/// Seeded rows: (model_a, model_b, winner, weight, tstamp, anony). Models first appear in an
/// order unrelated to their names, so interning order is visible.
fn rows(n: usize) -> Vec<Row> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    (0..n)
        .map(|i| {
            let a = next(23);
            let b = (a + 1 + next(22)) % 23;
            (
                format!("model-{}", (a * 7) % 23),
                format!("model-{}", (b * 7) % 23),
                WINNERS[next(5) as usize],
                (1 + next(4)) as f64 / 2.0,
                1_700_000_000 + i as i64,
                next(10) != 0,
            )
        })
        .collect()
}

fn write_jsonl(path: &Path, rows: &[Row]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for (a, b, w, wt, t, an) in rows {
        writeln!(
            f,
            r#"{{"model_a":"{a}","model_b":"{b}","winner":"{w}","weight":{wt},"tstamp":{t},"anony":{an}}}"#
        )
        .expect("write");
    }
    f.flush().expect("flush");
}

fn batch(rows: &[Row]) -> RecordBatch {
    let col = |f: &dyn Fn(&Row) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    RecordBatch::try_from_iter([
        ("model_a", col(&|r| r.0.clone())),
        ("model_b", col(&|r| r.1.clone())),
        ("winner", col(&|r| r.2.to_owned())),
        (
            "weight",
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.3))) as ArrayRef,
        ),
        (
            "tstamp",
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.4))) as ArrayRef,
        ),
        (
            "anony",
            Arc::new(BooleanArray::from_iter(rows.iter().map(|r| Some(r.5)))) as ArrayRef,
        ),
    ])
    .expect("batch")
}

fn write_parquet(path: &Path, batch: &RecordBatch, rows_per_group: usize) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows_per_group))
        .build();
    let file = std::fs::File::create(path).expect("create");
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
}

fn assert_same(got: &BattleSet, want: &BattleSet) {
    assert_eq!(got.models, want.models);
    assert_eq!(got.model_a, want.model_a);
    assert_eq!(got.model_b, want.model_b);
    assert_eq!(got.winner, want.winner);
    assert_eq!(got.weight, want.weight);
    assert_eq!(got.tstamp, want.tstamp);
    assert_eq!(got.count, want.count);
}

#[test]
fn parquet_row_groups_read_in_parallel_equal_the_jsonl_twin() {
    let rows = rows(5000);
    let jsonl = common::tmp("twin.jsonl");
    write_jsonl(&jsonl, &rows);
    let pq = common::tmp("twin-7rg.parquet");
    write_parquet(&pq, &batch(&rows), 700);
    let meta = parquet::file::reader::FileReader::metadata(
        &parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&pq).expect("open"))
            .expect("parquet"),
    )
    .num_row_groups();
    assert_eq!(meta, 8, "the file must have several row groups");
    for opts in [
        ReadOptions::default(),
        ReadOptions {
            include_named: true,
            ..Default::default()
        },
        ReadOptions {
            filters: vec![("winner".into(), "tie".into())],
            ..Default::default()
        },
    ] {
        let want = read_file(&jsonl, &opts).expect("jsonl");
        let got = read_file(&pq, &opts).expect("parquet");
        assert!(got.len() > 100);
        assert_same(&got, &want);
    }
}

#[test]
fn a_bad_row_in_a_later_row_group_is_named_by_its_file_row() {
    let mut rows = rows(3000);
    rows[2345].2 = "draw";
    rows[2900].2 = "also bad";
    let pq = common::tmp("bad-later-group.parquet");
    write_parquet(&pq, &batch(&rows), 500);
    let e = read_file(&pq, &ReadOptions::default())
        .expect_err("bad winner")
        .to_string();
    assert!(
        e.contains("bad-later-group.parquet: row 2345: field \"winner\": unknown label \"draw\""),
        "{e}"
    );
}

#[test]
fn record_batches_of_any_string_layout_equal_the_jsonl_twin() {
    let rows = rows(2000);
    let jsonl = common::tmp("twin-batches.jsonl");
    write_jsonl(&jsonl, &rows);
    let want = read_file(&jsonl, &ReadOptions::default()).expect("jsonl");
    let plain = batch(&rows);
    // The same columns as Int8-keyed dictionaries and as large strings, in two batches.
    let dict = |i: usize| -> ArrayRef {
        let s = plain
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("strings");
        Arc::new(s.iter().collect::<DictionaryArray<Int8Type>>())
    };
    let large = |i: usize| -> ArrayRef {
        let s = plain
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("strings");
        Arc::new(s.iter().collect::<LargeStringArray>())
    };
    let recoded = RecordBatch::try_from_iter([
        ("model_a", dict(0)),
        ("model_b", large(1)),
        ("winner", dict(2)),
        ("weight", plain.column(3).clone()),
        ("tstamp", plain.column(4).clone()),
        ("anony", plain.column(5).clone()),
    ])
    .expect("batch");
    let parts = [recoded.slice(0, 1234), recoded.slice(1234, 766)];
    let got = read_record_batches(
        Path::new("<table>"),
        &recoded.schema(),
        parts.into_iter().map(Ok::<_, ArrowError>),
        &ReadOptions::default(),
    )
    .expect("batches");
    assert_same(&got, &want);
}

#[test]
fn record_batches_with_a_missing_or_numeric_column_are_refused_before_any_row() {
    let rows = rows(10);
    let b = batch(&rows);
    let no_winner = b.project(&[0, 1, 3]).expect("project");
    let e = read_record_batches(
        Path::new("<table>"),
        &no_winner.schema(),
        [Ok::<_, ArrowError>(no_winner.clone())],
        &ReadOptions::default(),
    )
    .expect_err("missing")
    .to_string();
    assert_eq!(
        e,
        "<table>: field \"winner\": wrong schema: missing required column (columns: model_a, model_b, weight)"
    );
    let numeric = RecordBatch::try_from_iter([
        ("model_a", b.column(0).clone()),
        ("model_b", b.column(1).clone()),
        ("winner", b.column(3).clone()),
    ])
    .expect("batch");
    let e = read_record_batches(
        Path::new("<table>"),
        &numeric.schema(),
        [Ok::<_, ArrowError>(numeric.clone())],
        &ReadOptions::default(),
    )
    .expect_err("numeric winner")
    .to_string();
    assert_eq!(
        e,
        "<table>: field \"winner\": wrong schema: column has type Float64, expected a string"
    );
}
