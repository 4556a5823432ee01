//! `versus race gap --votes`: the US–China gap fitted from LMArena's 2024-08-14 votes, with a
//! bootstrap interval, checked against the published 2024-08-13 leaderboard.

mod common;

use std::path::PathBuf;

use common::versus_json as json;

fn published(key: &str) -> f64 {
    let path = common::testdata("public/leaderboard-history/elo-history-2023-05-to-2025-03.csv");
    let text = std::fs::read_to_string(path).expect("history");
    text.lines()
        .filter(|l| l.starts_with(&format!("{key},")) && l.ends_with(",20240813"))
        .find_map(|l| {
            l.split(',')
                .find_map(|f| f.contains('.').then(|| f.parse::<f64>().ok()).flatten())
        })
        .unwrap_or_else(|| panic!("{key} not published on 2024-08-13"))
}

#[test]
fn votes_gap_is_consistent_with_the_published_snapshot() {
    let votes = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/arena-votes-2024-08-14/chatbotarena_20240814.json");
    let v = json(&[
        "race",
        "gap",
        "--votes",
        votes.to_str().expect("path"),
        "--rounds",
        "100",
        "--output",
        "json",
    ]);
    let p = &v["points"][0];
    assert_eq!(v["a"], "United States");
    assert_eq!(v["b"], "China");
    // The leaders: the log's chatgpt-4o-latest is the table's chatgpt-4o-latest-2024-08-08.
    assert_eq!(p["a"]["model"], "chatgpt-4o-latest");
    assert_eq!(p["b"]["model"], "yi-large-preview");
    let published_gap = published("chatgpt-4o-latest-2024-08-08") - published("yi-large-preview");
    let (gap, lo, hi) = (
        p["gap"].as_f64().expect("gap"),
        p["gap_lower"].as_f64().expect("lo"),
        p["gap_upper"].as_f64().expect("hi"),
    );
    eprintln!("votes gap {gap} [{lo}, {hi}] vs published {published_gap:.1}");
    assert!(lo < gap && gap < hi, "the interval brackets the point");
    assert!(
        lo <= published_gap && published_gap <= hi,
        "published gap {published_gap} outside [{lo}, {hi}]"
    );
    assert!((gap - published_gap).abs() < 3.0);
    assert!(
        hi - lo > 2.0 && hi - lo < 30.0,
        "an implausible interval width {}",
        hi - lo
    );
    assert_eq!(p["separable"], "yes");
    // The history tool picks the same two leaders on 2024-08-13.
    let h = json(&[
        "race",
        "gap",
        "--snapshot",
        "2024-08-13",
        "--output",
        "json",
    ]);
    assert_eq!(h["points"][0]["a"]["model"], "chatgpt-4o-latest-2024-08-08");
    assert_eq!(h["points"][0]["b"]["model"], p["b"]["model"]);
    // Same seed, same answer; the anchor moves ratings but not the gap.
    let again = json(&[
        "race",
        "gap",
        "--votes",
        votes.to_str().expect("path"),
        "--rounds",
        "100",
        "--output",
        "json",
        "--anchor",
        "mixtral-8x7b-instruct-v0.1=1114",
    ]);
    assert_eq!(again["points"][0]["gap_lower"], p["gap_lower"]);
    assert_ne!(again["points"][0]["a"]["rating"], p["a"]["rating"]);
}
