//! `versus rank` on LMArena's real votes of 2024-08-14 against LMArena's published ratings
//! of 2024-08-13 (the `elo_results_20240813` leaderboard).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// A file of the repository's test data (`testdata/`, see its SOURCES.md).
fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Keys LMArena renamed between its vote log and its published table.
const PUBLISHED_KEY: [(&str, &str); 1] = [("chatgpt-4o-latest", "chatgpt-4o-latest-2024-08-08")];

fn published_20240813() -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(testdata(
        "public/leaderboard-history/elo-history-2023-05-to-2025-03.csv",
    ))
    .expect("history csv");
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        // key,Model,rating,License,Organization,date — names may be quoted but key, rating and date are plain.
        let fields: Vec<&str> = line.split(',').collect();
        let (Some(key), Some(date)) = (fields.first(), fields.last()) else {
            continue;
        };
        if *date != "20240813" {
            continue;
        }
        // The rating is the first field after the key that parses as a number with a decimal point.
        let rating = fields
            .iter()
            .skip(1)
            .find_map(|f| f.contains('.').then(|| f.parse::<f64>().ok()).flatten())
            .expect("rating");
        out.insert(key.to_string(), rating); // duplicated (key, date) rows carry the same rating
    }
    out
}

fn rank_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .arg("rank")
        .args(args)
        .output()
        .expect("run versus");
    assert!(
        out.status.success(),
        "versus failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn recomputes_lmarena_2024_08_13_leaderboard() {
    // The bundled copy of LMArena's votes: the file the README's main command uses.
    let bundled = repo("data/arena-votes-2024-08-14/chatbotarena_20240814.json");

    let report = rank_json(&[
        bundled.to_str().expect("path"),
        "--anchor",
        "mixtral-8x7b-instruct-v0.1=1114",
        "--output",
        "json",
    ]);
    assert_eq!(report["meta"]["battles"].as_f64(), Some(1_670_250.0));
    assert_eq!(report["meta"]["converged"].as_bool(), Some(true));
    let published = published_20240813();
    let mut rows = Vec::new();
    for m in report["models"].as_array().expect("models") {
        let ours_key = m["model"].as_str().expect("name");
        let key = PUBLISHED_KEY
            .iter()
            .find(|(k, _)| *k == ours_key)
            .map_or(ours_key, |(_, p)| p);
        if let Some(&p) = published.get(key) {
            rows.push((key.to_string(), m["rating"].as_f64().expect("rating"), p));
        }
    }
    assert!(
        rows.len() >= 127,
        "only {} models matched the published table",
        rows.len()
    );
    let diffs: Vec<f64> = rows.iter().map(|(_, o, p)| (o - p).abs()).collect();
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    let max = diffs.iter().cloned().fold(0.0, f64::max);
    let mut inversions = Vec::new();
    for x in &rows {
        for y in &rows {
            if x.2 - y.2 > 3.0 && x.1 < y.1 {
                inversions.push(format!("{} vs {}", x.0, y.0));
            }
        }
    }
    eprintln!("model                                      versus   LMArena   diff");
    for (k, o, p) in rows.iter().take(25) {
        eprintln!("{k:<40} {o:>8.2} {p:>9.2} {:>6.2}", o - p);
    }
    eprintln!(
        "{} models: mean |diff| = {mean:.3}, max = {max:.3}, order inversions beyond 3 points: {}",
        rows.len(),
        inversions.len()
    );
    assert!(mean <= 0.3, "mean absolute difference {mean}");
    assert!(max <= 3.0, "max absolute difference {max}");
    assert!(inversions.is_empty(), "inversions: {inversions:?}");
}

#[test]
fn categories_and_languages_of_the_bundled_files() {
    let cat = repo("data/arena-votes-2024-08-14/category_specific_data.json");
    let math = rank_json(&[
        cat.to_str().expect("path"),
        "--category",
        "Math",
        "--ci",
        "none",
        "--output",
        "json",
    ]);
    assert_eq!(math["meta"]["battles"].as_f64(), Some(216_398.0));
    let lang = repo("data/arena-votes-2024-08-14/language_specific_data.json");
    let zh = rank_json(&[
        lang.to_str().expect("path"),
        "--language",
        "Chinese",
        "--min-battles",
        "300",
        "--output",
        "json",
    ]);
    assert_eq!(
        zh["meta"]["battles"].as_f64().map(|b| b > 100_000.0),
        Some(true)
    );
    assert!(
        !zh["meta"]["dropped"]
            .as_array()
            .expect("dropped")
            .is_empty(),
        "some models have < 300 Chinese votes"
    );
    let zh_models = zh["models"].as_array().expect("models");
    assert!(
        zh_models.len() >= 10,
        "only {} models rated",
        zh_models.len()
    );
    for m in zh_models {
        assert!(m["battles"].as_f64().expect("battles") >= 300.0);
    }
}
