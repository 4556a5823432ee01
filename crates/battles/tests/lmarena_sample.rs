//! LMArena's 2025 preference data: the JSONL and Parquet twins of the same 100 battles must
//! give identical battle sets, and the style counts must be the sums of conv_metadata's dicts.

mod common;

use serde_json::Value;
use versus_battles::{BattleSet, ReadOptions, StyleCounts, Winner, parse_iso8601, read_file};

const DIR: &str = "public/arena-human-preference-sample";

fn read(name: &str, opts: &ReadOptions) -> BattleSet {
    read_file(&common::testdata(&format!("{DIR}/{name}")), opts).expect("sample reads")
}

fn raw_rows() -> Vec<Value> {
    let text = std::fs::read_to_string(common::testdata(&format!("{DIR}/sample-100.jsonl")))
        .expect("read");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

/// A conv_metadata entry: an int, or a dict whose values are summed.
fn count(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("number"),
        Value::Object(m) => m.values().map(count).sum(),
        other => panic!("unexpected {other}"),
    }
}

fn assert_same(a: &BattleSet, b: &BattleSet) {
    assert_eq!(a.models, b.models);
    assert_eq!(a.model_a, b.model_a);
    assert_eq!(a.model_b, b.model_b);
    assert_eq!(a.winner, b.winner);
    assert_eq!(a.count, b.count);
    assert_eq!(a.weight, b.weight);
    assert_eq!(a.tstamp.len(), b.tstamp.len());
    for (x, y) in a.tstamp.iter().zip(&b.tstamp) {
        assert_eq!(x.to_bits(), y.to_bits(), "tstamp {x} vs {y}");
    }
    assert_eq!(a.style, b.style);
    assert_eq!(a.aggregated, b.aggregated);
}

#[test]
fn jsonl_and_parquet_agree_field_by_field() {
    let opts = ReadOptions::default();
    let j = read("sample-100.jsonl", &opts);
    let p = read("sample-100.parquet", &opts);
    assert_eq!(j.len(), 100);
    assert_same(&j, &p);
}

#[test]
fn values_match_an_independent_reading() {
    let set = read("sample-100.parquet", &ReadOptions::default());
    let rows = raw_rows();
    assert_eq!(rows.len(), set.len());
    let style = set.style.as_ref().expect("every row has conv_metadata");
    let mut tally = [0; 4];
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(
            set.models[set.model_a[i] as usize],
            r["model_a"].as_str().expect("str")
        );
        assert_eq!(
            set.models[set.model_b[i] as usize],
            r["model_b"].as_str().expect("str")
        );
        let w = Winner::parse(r["winner"].as_str().expect("str")).expect("label");
        assert_eq!(set.winner[i], w);
        tally[w as usize] += 1;
        let m = &r["conv_metadata"];
        let expected = StyleCounts {
            tokens: [
                count(&m["sum_assistant_a_tokens"]),
                count(&m["sum_assistant_b_tokens"]),
            ],
            header: [count(&m["header_count_a"]), count(&m["header_count_b"])],
            list: [count(&m["list_count_a"]), count(&m["list_count_b"])],
            bold: [count(&m["bold_count_a"]), count(&m["bold_count_b"])],
        };
        assert_eq!(style[i], expected, "row {i}");
        let t = parse_iso8601(r["timestamp"].as_str().expect("str")).expect("iso");
        assert_eq!(set.tstamp[i], t);
    }
    assert_eq!(
        tally,
        [38, 33, 19, 10],
        "model_a / model_b / tie / both_bad"
    );
    // Row 0 by hand: 2025-05-29T14:48:41.602925 (date -u: 1748530121), h3 = 8, 39 unordered.
    assert!((set.tstamp[0] - 1_748_530_121.602_925).abs() < 1e-6);
    assert_eq!(style[0].header, [8.0, 1.0]);
    assert_eq!(style[0].list, [39.0, 0.0]);
    assert_eq!(style[0].bold, [65.0, 5.0]);
    // Style counts are not all zero somewhere (a reader summing nothing would pass above only
    // if the raw data were all zeros).
    assert!(style.iter().any(|s| s.header[1] > 0.0 && s.list[0] > 0.0));
}

#[test]
fn category_and_language_filters_agree_across_formats() {
    let rows = raw_rows();
    let math = rows
        .iter()
        .filter(|r| r["category_tag"]["math_v0.1"]["math"].as_bool() == Some(true))
        .count();
    let real_world = rows
        .iter()
        .filter(|r| r["category_tag"]["criteria_v0.1"]["real_world"].as_bool() == Some(true))
        .count();
    let english = rows.iter().filter(|r| r["language"] == "en").count();
    assert!(math > 0 && math < 100 && real_world > 0 && english > 0 && english < 100);
    for (opts, n) in [
        (
            ReadOptions {
                category: Some("math".into()),
                ..Default::default()
            },
            math,
        ),
        (
            ReadOptions {
                category: Some("Math".into()),
                ..Default::default()
            },
            math,
        ),
        (
            ReadOptions {
                category: Some("Real World".into()),
                ..Default::default()
            },
            real_world,
        ),
        (
            ReadOptions {
                language: Some("en".into()),
                ..Default::default()
            },
            english,
        ),
    ] {
        let j = read("sample-100.jsonl", &opts);
        let p = read("sample-100.parquet", &opts);
        assert_eq!(j.len(), n, "{opts:?}");
        assert_same(&j, &p);
    }
}

#[test]
fn where_filters_compare_text_numbers_and_booleans() {
    let rows = raw_rows();
    let code = rows.iter().filter(|r| r["is_code"] == true).count();
    let first = rows.iter().filter(|r| r["evaluation_order"] == 1).count();
    assert!(code > 0 && code < 100 && first > 0 && first < 100);
    for file in ["sample-100.jsonl", "sample-100.parquet"] {
        let f = |c: &str, v: &str| ReadOptions {
            filters: vec![(c.into(), v.into())],
            ..Default::default()
        };
        assert_eq!(read(file, &f("is_code", "true")).len(), code, "{file}");
        assert_eq!(read(file, &f("is_code", "True")).len(), code, "{file}");
        assert_eq!(
            read(file, &f("evaluation_order", "1")).len(),
            first,
            "{file}"
        );
        assert_eq!(
            read(file, &f("evaluation_order", "1.0")).len(),
            first,
            "{file}"
        );
        assert_eq!(read(file, &f("winner", "both_bad")).len(), 10, "{file}");
        let both = ReadOptions {
            filters: vec![
                ("winner".into(), "both_bad".into()),
                ("is_code".into(), "false".into()),
            ],
            ..Default::default()
        };
        let n = rows
            .iter()
            .filter(|r| r["winner"] == "both_bad" && r["is_code"] == false)
            .count();
        assert_eq!(read(file, &both).len(), n, "{file}");
        // A column the file does not have is an error naming it.
        let e = read_file(&common::testdata(&format!("{DIR}/{file}")), &f("nope", "1"))
            .expect_err("unknown column");
        assert!(e.to_string().contains("\"nope\""), "{e}");
    }
}

#[test]
fn absent_category_or_language_is_an_error_listing_present_ones() {
    for file in ["sample-100.jsonl", "sample-100.parquet"] {
        let p = common::testdata(&format!("{DIR}/{file}"));
        let e = read_file(
            &p,
            &ReadOptions {
                category: Some("cooking".into()),
                ..Default::default()
            },
        )
        .expect_err("absent category");
        let msg = e.to_string();
        assert!(msg.contains("\"cooking\"") && msg.contains("math"), "{msg}");
        let e = read_file(
            &p,
            &ReadOptions {
                language: Some("Klingon".into()),
                ..Default::default()
            },
        )
        .expect_err("absent language");
        let msg = e.to_string();
        assert!(msg.contains("\"Klingon\"") && msg.contains("en"), "{msg}");
    }
}
