//! Pair-count files of the 2024-08-14 LMArena release (leaderbot's counts).

mod common;

use serde_json::Value;
use versus_battles::{BattleSet, Format, ReadOptions, Winner, read_file};

const DIR: &str = "arena-votes-2024-08-14";

fn path(name: &str) -> std::path::PathBuf {
    common::repo_data(&format!("{DIR}/{name}"))
}

fn by_outcome(set: &BattleSet) -> [f64; 4] {
    let mut t = [0.0; 4];
    for (w, c) in set.winner.iter().zip(&set.count) {
        t[*w as usize] += c;
    }
    t
}

fn section_n(file: &str, section: &str) -> f64 {
    let v: Value = serde_json::from_slice(&std::fs::read(path(file)).expect("read")).expect("json");
    v[section]["n"].as_f64().expect("n")
}

#[test]
fn main_file_totals_match_the_readme() {
    let t = std::time::Instant::now();
    let set =
        read_file(&path("chatbotarena_20240814.json"), &ReadOptions::default()).expect("reads");
    let elapsed = t.elapsed();
    assert_eq!(set.models.len(), 129);
    assert_eq!(set.total_battles(), 1_670_250.0);
    assert_eq!(
        by_outcome(&set),
        [595_570.0, 498_305.0, 281_121.0, 295_254.0]
    );
    assert!(set.aggregated);
    assert!(set.style.is_none());
    assert!(set.tstamp.iter().all(|t| t.is_nan()));
    assert!(
        set.count.iter().all(|&c| c > 0.0),
        "zero counts are skipped"
    );
    assert!(
        set.model_a.iter().zip(&set.model_b).all(|(a, b)| a < b),
        "pairs keep i < j"
    );
    // 3,460 pairs, at most 4 rows each.
    assert!(set.len() > 3_460 && set.len() <= 4 * 3_460);
    // The first pair [0, 1] is [103, 94, 18, 85] between the first two models.
    assert_eq!(set.models[0], "RWKV-4-Raven-14B");
    assert_eq!(set.models[1], "alpaca-13b");
    assert_eq!(&set.count[..4], [103.0, 94.0, 18.0, 85.0]);
    assert_eq!(
        &set.winner[..4],
        [Winner::ModelA, Winner::ModelB, Winner::Tie, Winner::BothBad]
    );
    assert!(elapsed.as_secs_f64() < 2.0, "{elapsed:?}");
}

#[test]
fn category_sections() {
    let f = path("category_specific_data.json");
    let math = read_file(
        &f,
        &ReadOptions {
            category: Some("Math".into()),
            ..Default::default()
        },
    )
    .expect("Math");
    assert_eq!(
        math.total_battles(),
        section_n("category_specific_data.json", "Math")
    );
    assert_eq!(math.total_battles(), 216_398.0);
    // Case/separator-insensitive lookup.
    let lower = read_file(
        &f,
        &ReadOptions {
            category: Some("math".into()),
            ..Default::default()
        },
    )
    .expect("math");
    assert_eq!(lower.total_battles(), math.total_battles());
    let ps = read_file(
        &f,
        &ReadOptions {
            category: Some("problem_solving".into()),
            ..Default::default()
        },
    )
    .expect("Problem Solving");
    assert_eq!(
        ps.total_battles(),
        section_n("category_specific_data.json", "Problem Solving")
    );
    // Default section: All.
    let all = read_file(&f, &ReadOptions::default()).expect("All");
    assert_eq!(all.total_battles(), 1_670_250.0);
    // Absent category: error listing present ones.
    let e = read_file(
        &f,
        &ReadOptions {
            category: Some("Cooking".into()),
            ..Default::default()
        },
    )
    .expect_err("absent");
    let msg = e.to_string();
    assert!(
        msg.contains("\"Cooking\"")
            && msg.contains("Math")
            && msg.contains("category_specific_data.json"),
        "{msg}"
    );
}

#[test]
fn language_sections() {
    let f = path("language_specific_data.json");
    let zh = read_file(
        &f,
        &ReadOptions {
            language: Some("Chinese".into()),
            ..Default::default()
        },
    )
    .expect("Chinese");
    assert_eq!(zh.total_battles(), 176_980.0);
    assert_eq!(
        zh.total_battles(),
        section_n("language_specific_data.json", "Chinese")
    );
    // A small language: models without votes in it are dropped (computed with Python: 58).
    let mfe = read_file(
        &f,
        &ReadOptions {
            language: Some("Morisyen".into()),
            ..Default::default()
        },
    )
    .expect("Morisyen");
    assert_eq!(
        mfe.total_battles(),
        section_n("language_specific_data.json", "Morisyen")
    );
    assert_eq!(mfe.models.len(), 58);
    assert!(mfe.battles_per_model().iter().all(|&n| n > 0.0));
    let e = read_file(
        &f,
        &ReadOptions {
            language: Some("Elvish".into()),
            ..Default::default()
        },
    )
    .expect_err("absent");
    assert!(e.to_string().contains("English"), "{e}");
    let both = ReadOptions {
        language: Some("Chinese".into()),
        category: Some("Math".into()),
        ..Default::default()
    };
    let e = read_file(&f, &both).expect_err("category and language together");
    assert!(e.to_string().contains("not both"), "{e}");
}

#[test]
fn options_that_need_per_battle_data_are_errors() {
    let f = path("chatbotarena_20240814.json");
    let e = read_file(
        &f,
        &ReadOptions {
            category: Some("Math".into()),
            ..Default::default()
        },
    )
    .expect_err("no sections");
    assert!(e.to_string().contains("category_specific_data.json"), "{e}");
    let w = ReadOptions {
        filters: vec![("language".into(), "English".into())],
        ..Default::default()
    };
    let e = read_file(&f, &w).expect_err("--where on pair counts");
    assert!(e.to_string().contains("need per-battle data"), "{e}");
}

#[test]
fn detection_and_explicit_format() {
    let head = std::fs::read(path("chatbotarena_20240814.json")).expect("read");
    assert_eq!(
        versus_battles::detect_format(&path("x.json"), &head[..200]),
        Format::PairCounts
    );
    let head = std::fs::read(path("category_specific_data.json")).expect("read");
    assert_eq!(
        versus_battles::detect_format(&path("x.json"), &head[..200]),
        Format::PairCounts
    );
    let opts = ReadOptions {
        format: Some(Format::PairCounts),
        ..Default::default()
    };
    assert_eq!(
        read_file(&path("chatbotarena_20240814.json"), &opts)
            .expect("reads")
            .models
            .len(),
        129
    );
}
