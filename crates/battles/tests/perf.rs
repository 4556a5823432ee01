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
