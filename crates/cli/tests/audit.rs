//! `versus audit` on the bundled 2024-08-14 pair counts, checked against sums computed here
//! from the file and the registry directly, and against `versus race gap --votes`.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::Value;

const VOTES: &str = "../../data/arena-votes-2024-08-14/chatbotarena_20240814.json";

fn path(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Battles per model and in all, summed from the pair-count file's rows.
fn battles_per_model() -> (HashMap<String, f64>, f64) {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path(VOTES)).unwrap()).unwrap();
    let models: Vec<&str> = file["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let mut per_model = HashMap::new();
    let mut total = 0.0;
    for (pair, counts) in file["X"]
        .as_array()
        .unwrap()
        .iter()
        .zip(file["Y"].as_array().unwrap())
    {
        let n: f64 = counts
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .sum();
        total += n;
        for side in pair.as_array().unwrap() {
            *per_model
                .entry(models[side.as_u64().unwrap() as usize].to_string())
                .or_insert(0.0) += n;
        }
    }
    (per_model, total)
}

/// Organisation of each registry key.
fn organisations() -> HashMap<String, String> {
    let mut reader = csv::Reader::from_path(path("../../data/registry/models.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (key, org) = (col("key"), col("organization"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[key].to_string(), r[org].to_string())
        })
        .collect()
}

#[test]
fn the_audit_of_the_2024_votes_adds_up() {
    let audit = versus_json(&[
        "audit",
        &path(VOTES),
        "--output",
        "json",
        "--rounds",
        "30",
        "--seed",
        "7",
    ]);
    let (per_model, total) = battles_per_model();
    assert_eq!(audit["battles"].as_f64().unwrap(), total);

    // Battle shares by organisation: appearances summed here from the file and the registry.
    let orgs = organisations();
    let mut expected: HashMap<String, f64> = HashMap::new();
    for (model, n) in &per_model {
        let org = orgs.get(model).cloned().unwrap_or_else(|| "unknown".into());
        *expected.entry(org).or_insert(0.0) += n;
    }
    let shares = audit["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0] == "organisation")
        .unwrap()[1]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(shares.len(), expected.len());
    let mut sum = 0.0;
    for s in &shares {
        let org = s["group"].as_str().unwrap();
        assert_eq!(s["appearances"].as_f64().unwrap(), expected[org], "{org}");
        assert!((s["share"].as_f64().unwrap() - expected[org] / (2.0 * total)).abs() < 1e-12);
        sum += s["share"].as_f64().unwrap();
    }
    assert!((sum - 1.0).abs() < 1e-9);
    // Largest first; OpenAI led the sampling in 2024.
    assert_eq!(shares[0]["group"], "OpenAI");

    // Sampling: every model's battles, and the Gini coefficient from its definition (mean
    // absolute difference over all ordered pairs / twice the mean).
    let sampled = audit["sampling"]["models"].as_array().unwrap();
    assert_eq!(sampled.len(), per_model.len());
    for m in sampled {
        assert_eq!(
            m["battles"].as_f64().unwrap(),
            per_model[m["model"].as_str().unwrap()]
        );
        assert!(m["per_day"].is_null(), "pair counts carry no dates");
    }
    let x: Vec<f64> = per_model.values().copied().collect();
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let mad = x
        .iter()
        .flat_map(|a| x.iter().map(move |b| (a - b).abs()))
        .sum::<f64>()
        / (x.len() * x.len()) as f64;
    let gini = audit["sampling"]["gini_battles"].as_f64().unwrap();
    assert!((gini - mad / (2.0 * mean)).abs() < 1e-9, "{gini}");

    // Stability: ten positions, each rank inside its own interval.
    let st = &audit["stability"];
    let top = st["top"].as_array().unwrap();
    assert_eq!(top.len(), 10);
    let mut tied = 0;
    for (k, r) in top.iter().enumerate() {
        let (rank, lo, hi) = (
            r["rank"].as_u64().unwrap(),
            r["rank_low"].as_u64().unwrap(),
            r["rank_high"].as_u64().unwrap(),
        );
        assert_eq!(rank, k as u64 + 1);
        assert!(lo <= rank && rank <= hi, "{r}");
        tied += usize::from(lo < rank || hi > rank);
    }
    assert_eq!(st["tied_positions"].as_u64().unwrap() as usize, tied);

    // The gap as fitted is `versus race gap --votes` with the same rounds and seed.
    let race = versus_json(&[
        "race",
        "gap",
        "--votes",
        &path(VOTES),
        "--rounds",
        "30",
        "--seed",
        "7",
        "--output",
        "json",
    ]);
    let gaps = audit["gaps"].as_array().unwrap();
    assert_eq!(gaps[0]["gap"]["gap"], race["points"][0]["gap"]);
    assert_eq!(gaps[0]["gap"]["gap_lower"], race["points"][0]["gap_lower"]);
    assert_eq!(
        gaps[0]["gap"]["a"]["model"],
        race["points"][0]["a"]["model"]
    );
    // … and the down-weighted fit names the providers it brought down.
    let label = gaps[1]["label"].as_str().unwrap();
    assert!(
        label.starts_with("OpenAI and ") && label.contains("median share"),
        "{label}"
    );

    // Deprecated models are among the voted ones; the others' rank changes are consistent.
    for d in audit["deprecated"].as_array().unwrap() {
        assert!(per_model.contains_key(d.as_str().unwrap()));
    }
}

#[test]
fn the_text_audit_has_a_table_per_question() {
    let text = versus(&[
        "audit",
        &path(VOTES),
        "--rounds",
        "10",
        "--output",
        "markdown",
    ]);
    for title in [
        "Share of battles by country",
        "Share of battles by licence",
        "Share of battles by organisation",
        "Sampling inequality",
        "Rank stability",
        "Deprecation effect",
        "The race gap and its sensitivity to sampling",
    ] {
        assert!(text.contains(title), "{title} missing:\n{text}");
    }
}
