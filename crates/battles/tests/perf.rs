//! Speed checks on 1M-row inputs (ignored by default; run with
//! `cargo test -p versus-battles --release --test perf -- --ignored --nocapture`).

mod common;

use std::io::Write;
use std::time::Instant;

use versus_battles::{ReadOptions, read_file};

fn million_csv() -> std::path::PathBuf {
    let src = std::fs::read_to_string(common::testdata(
        "reference/synthetic-60x100000/battles.csv",
    ))
    .expect("fixture");
    let (header, body) = src.split_once('\n').expect("header");
    let p = common::tmp("million.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
    writeln!(f, "{header}").expect("write");
    for _ in 0..10 {
        f.write_all(body.as_bytes()).expect("write");
    }
    f.flush().expect("flush");
    p
}

#[test]
#[ignore = "speed check"]
fn csv_million_rows() {
    let p = million_csv();
    let t = Instant::now();
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    let dt = t.elapsed();
    let _ = std::fs::remove_file(&p);
    assert_eq!(set.len(), 1_000_000);
    println!("CSV 1M rows: {dt:?}");
}

#[test]
#[ignore = "speed check"]
fn jsonl_and_battle_log_million_rows() {
    let src = std::fs::read_to_string(common::testdata(
        "reference/synthetic-60x100000/battles.csv",
    ))
    .expect("fixture");
    let mut lines = src.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<String> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!(
                "{{\"model_a\":\"{}\",\"model_b\":\"{}\",\"winner\":\"{}\",\"tstamp\":{},\"anony\":true,\"language\":\"English\",\
                 \"dedup_tag\":{{\"high_freq\":false,\"sampled\":true}},\"conv_metadata\":{{\"sum_assistant_a_tokens\":{},\"sum_assistant_b_tokens\":{},\
                 \"header_count_a\":{{\"h1\":{},\"h2\":0,\"h3\":0,\"h4\":0,\"h5\":0,\"h6\":0}},\"header_count_b\":{{\"h1\":{},\"h2\":0,\"h3\":0,\"h4\":0,\"h5\":0,\"h6\":0}},\
                 \"list_count_a\":{{\"ordered\":{},\"unordered\":0}},\"list_count_b\":{{\"ordered\":{},\"unordered\":0}},\
                 \"bold_count_a\":{{\"**\":{},\"__\":0}},\"bold_count_b\":{{\"**\":{},\"__\":0}}}},\"turn\":1,\"question_id\":\"abcdef0123456789\"}}",
                f[1], f[2], f[3], f[0], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]
            )
        })
        .collect();
    assert_eq!(header.len(), 12);
    let pj = common::tmp("million.jsonl");
    let pl = common::tmp("million.json");
    {
        let mut j = std::io::BufWriter::new(std::fs::File::create(&pj).expect("create"));
        let mut l = std::io::BufWriter::new(std::fs::File::create(&pl).expect("create"));
        l.write_all(b"[\n").expect("w");
        for k in 0..10 {
            for (i, r) in rows.iter().enumerate() {
                writeln!(j, "{r}").expect("w");
                if k > 0 || i > 0 {
                    l.write_all(b",\n").expect("w");
                }
                l.write_all(r.as_bytes()).expect("w");
            }
        }
        l.write_all(b"\n]\n").expect("w");
    }
    let size = std::fs::metadata(&pl).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    let a = read_file(&pj, &ReadOptions::default()).expect("jsonl");
    println!("JSONL 1M rows ({} MB): {:?}", size >> 20, t.elapsed());
    let t = Instant::now();
    let b = read_file(&pl, &ReadOptions::default()).expect("log");
    println!("battle-log 1M rows: {:?}", t.elapsed());
    let _ = std::fs::remove_file(&pj);
    let _ = std::fs::remove_file(&pl);
    assert_eq!(a.len(), 1_000_000);
    assert_eq!(b.len(), 1_000_000);
    assert!(a.style.is_some(), "style counts were read");
    assert_eq!(a.style, b.style);
}

/// Parquet against CSV on the same million rows (the 100k fixture ten times): one row group
/// as pyarrow writes 1M rows by default, and eight row groups decoded in parallel. Prints the
/// median of five reads of each and the ratios; checks the three sets are equal.
#[test]
#[ignore = "speed check"]
fn parquet_and_csv_million_rows() {
    use std::sync::Arc;

    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    use versus_battles::arrow_array::{
        ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray,
    };

    let csv = million_csv();
    let text = std::fs::read_to_string(&csv).expect("read");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let columns: Vec<(&str, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let a: ArrayRef = match *name {
                "model_a" | "model_b" | "winner" => {
                    Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r[j])))
                }
                "tstamp" => Arc::new(Float64Array::from_iter_values(
                    rows.iter().map(|r| r[j].parse::<f64>().expect("number")),
                )),
                _ => Arc::new(Int64Array::from_iter_values(
                    rows.iter().map(|r| r[j].parse::<i64>().expect("count")),
                )),
            };
            (*name, a)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(columns).expect("batch");
    let write = |name: &str, groups: usize| {
        let p = common::tmp(name);
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(rows.len().div_ceil(groups)))
            .build();
        let mut w = ArrowWriter::try_new(
            std::fs::File::create(&p).expect("create"),
            batch.schema(),
            Some(props),
        )
        .expect("writer");
        w.write(&batch).expect("write");
        w.close().expect("close");
        p
    };
    let one = write("million-1rg.parquet", 1);
    let eight = write("million-8rg.parquet", 8);
    let time = |p: &std::path::Path| {
        let mut t: Vec<f64> = (0..5)
            .map(|_| {
                let s = Instant::now();
                let set = read_file(p, &ReadOptions::default()).expect("reads");
                assert_eq!(set.len(), 1_000_000);
                s.elapsed().as_secs_f64()
            })
            .collect();
        t.sort_by(f64::total_cmp);
        t[2]
    };
    let (c, o, e) = (time(&csv), time(&one), time(&eight));
    let a = read_file(&csv, &ReadOptions::default()).expect("csv");
    for p in [&one, &eight] {
        let b = read_file(p, &ReadOptions::default()).expect("parquet");
        assert_eq!(
            (&a.models, &a.model_a, &a.model_b),
            (&b.models, &b.model_a, &b.model_b)
        );
        assert_eq!(
            (&a.winner, &a.tstamp, &a.style),
            (&b.winner, &b.tstamp, &b.style)
        );
    }
    println!(
        "1M rows, median of 5 reads: CSV {c:.3} s; Parquet 1 row group {o:.3} s ({:.2}× CSV); 8 row groups {e:.3} s ({:.2}× CSV); {} threads",
        o / c,
        e / c,
        rayon_threads()
    );
    for p in [csv, one, eight] {
        let _ = std::fs::remove_file(p);
    }
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
