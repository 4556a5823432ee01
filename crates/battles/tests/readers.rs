//! Per-format behaviour on small inputs: battle-log JSON (anony, dedup_tag, style sums),
//! CSV/JSONL optional columns, Parquet written by the parquet crate, and option handling.

mod common;

use std::io::Write;
use std::path::Path;

use common::Col;
use versus_battles::{
    BattleSet, Format, ReadOptions, StyleCounts, Winner, detect_format, read_file,
};

fn write(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = common::tmp(name);
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(bytes).expect("write");
    p
}

fn names(set: &BattleSet) -> Vec<(String, String)> {
    (0..set.len())
        .map(|i| {
            (
                set.models[set.model_a[i] as usize].clone(),
                set.models[set.model_b[i] as usize].clone(),
            )
        })
        .collect()
}

#[test]
fn battle_log_keeps_anonymous_sampled_battles() {
    let p = common::test_data("battle_log.json");
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    // q2 is named, q3 is a high-frequency prompt not sampled by dedup: both dropped.
    assert_eq!(set.len(), 4);
    assert_eq!(
        set.models,
        [
            "gpt-4-0613",
            "claude-2.1",
            "llama-2-70b-chat",
            "m\u{e9}lange-7b"
        ]
    );
    assert_eq!(
        set.winner,
        [
            Winner::ModelA,
            Winner::BothBad,
            Winner::ModelB,
            Winner::ModelB
        ]
    );
    assert_eq!(
        set.tstamp,
        [
            1_700_000_000.25,
            1_700_000_100.0,
            1_700_000_400.0,
            1_700_000_500.0
        ]
    );
    let style = set.style.as_ref().expect("style");
    // q0: tokens 120/80, header 1/0, list 4/2 (ordered+unordered), bold 3/0 (** + __).
    assert_eq!(
        style[0],
        StyleCounts {
            tokens: [120.0, 80.0],
            header: [1.0, 0.0],
            list: [4.0, 2.0],
            bold: [3.0, 0.0]
        }
    );
    // q1: header_count_b = {h1: 1, h2: 2} → 3; bold_count_a = {"**": 0, "__": 1} → 1.
    assert_eq!(style[1].header, [0.0, 3.0]);
    assert_eq!(style[1].bold, [1.0, 2.0]);
    assert_eq!(style[2].bold, [5.0, 4.0]);

    let all = read_file(
        &p,
        &ReadOptions {
            include_named: true,
            ..Default::default()
        },
    )
    .expect("reads");
    assert_eq!(
        all.len(),
        5,
        "named battle added, unsampled one still dropped"
    );
    assert!(names(&all).contains(&("gpt-4-0613".into(), "llama-2-70b-chat".into())));

    let en = read_file(
        &p,
        &ReadOptions {
            language: Some("english".into()),
            ..Default::default()
        },
    )
    .expect("reads");
    assert_eq!(en.len(), 2);
    let math = read_file(
        &p,
        &ReadOptions {
            category: Some("math".into()),
            ..Default::default()
        },
    )
    .expect("reads");
    let pair = ("gpt-4-0613".to_string(), "claude-2.1".to_string());
    assert_eq!(names(&math), [pair.clone(), pair]);
    let turn = ReadOptions {
        filters: vec![("turn".into(), "1".into())],
        ..Default::default()
    };
    assert_eq!(read_file(&p, &turn).expect("reads").len(), 2);
    let judge = ReadOptions {
        filters: vec![("judge".into(), "arena_user_2".into())],
        ..Default::default()
    };
    assert_eq!(
        read_file(&p, &judge).expect("reads").winner,
        [Winner::BothBad]
    );
}

#[test]
fn battle_log_and_jsonl_of_the_same_rows_agree() {
    let text = std::fs::read_to_string(common::test_data("battle_log.json")).expect("read");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    let jsonl: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let p = write("battle_log_as.jsonl", jsonl.as_bytes());
    for opts in [
        ReadOptions::default(),
        ReadOptions {
            include_named: true,
            ..Default::default()
        },
        ReadOptions {
            category: Some("Real World".into()),
            ..Default::default()
        },
    ] {
        let a = read_file(&common::test_data("battle_log.json"), &opts).expect("log");
        let b = read_file(&p, &opts).expect("jsonl");
        assert!(!a.is_empty(), "{opts:?}: no rows to compare");
        assert_eq!(a.len(), b.len(), "{opts:?}");
        assert_eq!(a.models, b.models);
        assert_eq!(a.model_a, b.model_a);
        assert_eq!(a.model_b, b.model_b);
        assert_eq!(a.winner, b.winner);
        assert_eq!(a.tstamp, b.tstamp);
        assert_eq!(a.weight, b.weight);
        assert_eq!(a.style, b.style);
    }
}

#[test]
fn csv_optional_columns() {
    let csv = "model_a,model_b,winner,tstamp,weight,language,anony\n\
               a,b,model_a,2025-05-29T14:48:41.5,2,en,true\n\
               b,c,both_bad,,0.5,de,False\n\
               c,a,tie,1700000000,,en,1\n\
               a,c,model_b,1700000001,1,en,\n";
    let p = write("optional.csv", csv.as_bytes());
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    assert_eq!(
        set.len(),
        3,
        "anony=False dropped; empty anony counts as anonymous"
    );
    assert_eq!(set.weight, [2.0, 1.0, 1.0], "empty weight is 1");
    assert_eq!(
        set.tstamp,
        [1_748_530_121.5, 1_700_000_000.0, 1_700_000_001.0]
    );
    assert!(set.style.is_none(), "no style columns");
    let named = read_file(
        &p,
        &ReadOptions {
            include_named: true,
            ..Default::default()
        },
    )
    .expect("reads");
    assert_eq!(named.len(), 4);
    assert!(named.tstamp[1].is_nan(), "empty tstamp is unknown");
    assert_eq!(named.winner[1], Winner::BothBad);
    let en = read_file(
        &p,
        &ReadOptions {
            language: Some("en".into()),
            include_named: true,
            ..Default::default()
        },
    )
    .expect("reads");
    assert_eq!(en.len(), 3);
    let w = ReadOptions {
        filters: vec![("weight".into(), "2.0".into())],
        ..Default::default()
    };
    assert_eq!(read_file(&p, &w).expect("reads").len(), 1);
    // Errors: unknown --where column, absent language, category without category_tag.
    let bad = ReadOptions {
        filters: vec![("judge".into(), "x".into())],
        ..Default::default()
    };
    let e = read_file(&p, &bad)
        .expect_err("no judge column")
        .to_string();
    assert!(e.contains("\"judge\"") && e.contains("optional.csv"), "{e}");
    let e = read_file(
        &p,
        &ReadOptions {
            language: Some("fr".into()),
            ..Default::default()
        },
    )
    .expect_err("absent language")
    .to_string();
    assert!(e.contains("\"fr\"") && e.contains("en"), "{e}");
    let e = read_file(
        &p,
        &ReadOptions {
            category: Some("math".into()),
            ..Default::default()
        },
    )
    .expect_err("no category_tag")
    .to_string();
    assert!(e.contains("category_tag"), "{e}");
}

#[test]
fn a_file_whose_rows_are_all_filtered_out_is_an_empty_set() {
    let p = write(
        "all_named.csv",
        b"model_a,model_b,winner,anony\na,b,model_a,false\n",
    );
    let set = read_file(&p, &ReadOptions::default()).expect("not an error");
    assert!(set.is_empty());
    assert!(set.models.is_empty());
}

#[test]
fn jsonl_flat_style_timestamp_and_escapes() {
    let jsonl = concat!(
        "{\"model_a\": \"x\\u0041\", \"model_b\": \"y\", \"winner\": \"model_b\", \"timestamp\": \"2024-01-01T00:00:00Z\", ",
        "\"sum_assistant_tokens_a\": 10, \"sum_assistant_tokens_b\": 20, \"header_count_a\": 1, \"header_count_b\": 2, ",
        "\"list_count_a\": 3, \"list_count_b\": 4, \"bold_count_a\": 5, \"bold_count_b\": 6, \"weight\": \"0.25\"}\r\n",
        "\n",
        "{\"model_a\": \"y\", \"model_b\": \"xA\", \"winner\": \"tie\", \"tstamp\": 5, ",
        "\"sum_assistant_tokens_a\": 1, \"sum_assistant_tokens_b\": 2, \"header_count_a\": 0, \"header_count_b\": 0, ",
        "\"list_count_a\": 0, \"list_count_b\": 0, \"bold_count_a\": 0, \"bold_count_b\": {\"**\": 2, \"__\": 1}}\n",
    );
    let p = write("flat.jsonl", jsonl.as_bytes());
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    assert_eq!(
        set.models,
        ["xA", "y"],
        "\\u0041 unescaped and interned with the plain spelling"
    );
    assert_eq!(set.model_a, [0, 1]);
    assert_eq!(set.tstamp, [1_704_067_200.0, 5.0]);
    assert_eq!(set.weight, [0.25, 1.0]);
    let st = set.style.as_ref().expect("style");
    assert_eq!(
        st[0],
        StyleCounts {
            tokens: [10.0, 20.0],
            header: [1.0, 2.0],
            list: [3.0, 4.0],
            bold: [5.0, 6.0]
        }
    );
    assert_eq!(st[1].bold, [0.0, 3.0]);
}

#[test]
fn style_is_none_unless_every_kept_row_has_it() {
    let jsonl = "{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\",\"conv_metadata\":{\"sum_assistant_a_tokens\":1,\"sum_assistant_b_tokens\":1,\"header_count_a\":0,\"header_count_b\":0,\"list_count_a\":0,\"list_count_b\":0,\"bold_count_a\":0,\"bold_count_b\":0}}\n\
                 {\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"}\n";
    let p = write("partial_style.jsonl", jsonl.as_bytes());
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    assert_eq!(set.len(), 2);
    assert!(set.style.is_none());
}

#[test]
fn parquet_with_plain_columns() {
    let p = common::tmp("plain.parquet");
    common::write_parquet(
        &p,
        "message schema { REQUIRED BYTE_ARRAY model_a (UTF8); REQUIRED BYTE_ARRAY model_b (UTF8); \
         REQUIRED BYTE_ARRAY winner (UTF8); REQUIRED DOUBLE tstamp; REQUIRED DOUBLE weight; \
         REQUIRED BOOLEAN anony; REQUIRED INT32 turn; }",
        vec![
            Col::Str(vec!["a", "b", "c"]),
            Col::Str(vec!["b", "c", "a"]),
            Col::Str(vec!["model_a", "tie (bothbad)", "model_b"]),
            Col::F64(vec![1.0, 2.0, 3.0]),
            Col::F64(vec![1.0, 0.5, 2.0]),
            Col::Bool(vec![true, true, false]),
            Col::I32(vec![1, 2, 1]),
        ],
    );
    assert_eq!(
        detect_format(Path::new("x.bin"), &std::fs::read(&p).expect("read")[..8]),
        Format::Parquet
    );
    let set = read_file(&p, &ReadOptions::default()).expect("reads");
    assert_eq!(set.len(), 2);
    assert_eq!(set.winner, [Winner::ModelA, Winner::BothBad]);
    assert_eq!(set.weight, [1.0, 0.5]);
    assert_eq!(set.tstamp, [1.0, 2.0]);
    assert!(set.style.is_none());
    let t = ReadOptions {
        filters: vec![("turn".into(), "1".into())],
        include_named: true,
        ..Default::default()
    };
    assert_eq!(read_file(&p, &t).expect("reads").len(), 2);

    let bad = common::tmp("negative_weight.parquet");
    common::write_parquet(
        &bad,
        "message schema { REQUIRED BYTE_ARRAY model_a (UTF8); REQUIRED BYTE_ARRAY model_b (UTF8); \
         REQUIRED BYTE_ARRAY winner (UTF8); REQUIRED DOUBLE weight; }",
        vec![
            Col::Str(vec!["a", "a"]),
            Col::Str(vec!["b", "b"]),
            Col::Str(vec!["tie", "tie"]),
            Col::F64(vec![1.0, -2.0]),
        ],
    );
    let e = read_file(&bad, &ReadOptions::default())
        .expect_err("negative")
        .to_string();
    assert!(e.contains("row 1") && e.contains("\"weight\""), "{e}");
}

#[test]
fn non_parquet_bytes_with_parquet_extension() {
    let p = write("fake.parquet", b"model_a,model_b,winner\n");
    let e = read_file(&p, &ReadOptions::default())
        .expect_err("not parquet")
        .to_string();
    assert!(e.contains("fake.parquet") && e.contains("Parquet"), "{e}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = read_file(
        Path::new("/nonexistent/battles.csv"),
        &ReadOptions::default(),
    )
    .expect_err("missing");
    assert!(e.to_string().contains("/nonexistent/battles.csv"), "{e}");
}

#[test]
fn winner_and_format_parsing() {
    for (l, w) in [
        ("model_a", Winner::ModelA),
        ("model_b", Winner::ModelB),
        ("tie", Winner::Tie),
        ("tie (bothbad)", Winner::BothBad),
        ("both_bad", Winner::BothBad),
        ("bothbad", Winner::BothBad),
    ] {
        assert_eq!(Winner::parse(l), Some(w), "{l}");
    }
    assert_eq!(Winner::parse("draw"), None);
    assert_eq!(Winner::parse("Model_A"), None);
    assert_eq!(
        [Winner::ModelA, Winner::ModelB, Winner::Tie, Winner::BothBad].map(|w| w.outcome()),
        [1.0, 0.0, 0.5, 0.5]
    );
    for f in [
        Format::Csv,
        Format::Jsonl,
        Format::BattleLogJson,
        Format::Parquet,
        Format::PairCounts,
    ] {
        assert_eq!(f.to_string().parse::<Format>(), Ok(f));
    }
    assert_eq!("battle-log".parse::<Format>(), Ok(Format::BattleLogJson));
    assert!("xlsx".parse::<Format>().is_err());
}
