//! Output formats and the real-format readers end to end through the binary.

mod common;

use common::versus;

/// A file of the repository's test data, as a command-line argument.
fn testdata(rel: &str) -> String {
    common::testdata(rel).to_str().expect("path").to_string()
}

#[test]
fn json_has_the_documented_shape_and_sorted_models() {
    let f = testdata("reference/synthetic-12x5000/battles.csv");
    let v: serde_json::Value =
        serde_json::from_str(&versus(&["rank", &f, "--output", "json"])).expect("json");
    let models = v["models"].as_array().expect("models");
    assert_eq!(models.len(), 12);
    for key in [
        "model", "rating", "lower", "upper", "variance", "rank", "battles", "wins", "losses",
        "ties",
    ] {
        assert!(models[0].get(key).is_some(), "missing {key}");
    }
    let ratings: Vec<f64> = models
        .iter()
        .map(|m| m["rating"].as_f64().expect("rating"))
        .collect();
    assert!(
        ratings.windows(2).all(|w| w[0] >= w[1]),
        "not sorted by rating"
    );
    let total: f64 = models
        .iter()
        .map(|m| m["battles"].as_f64().expect("n"))
        .sum();
    assert_eq!(total, 10_000.0, "each battle counts for two models");
    assert!(v["style_coefficients"].is_null());
    for key in [
        "battles",
        "models",
        "method",
        "ci",
        "seed",
        "converged",
        "iterations",
        "anchor",
    ] {
        assert!(v["meta"].get(key).is_some(), "meta lacks {key}");
    }
    // Ranks respect the intervals: rank = 1 + #{lower_j > upper_i}.
    for m in models {
        let beaten = models
            .iter()
            .filter(|o| o["lower"].as_f64() > m["upper"].as_f64())
            .count();
        assert_eq!(m["rank"].as_u64(), Some(1 + beaten as u64));
    }
}

#[test]
fn table_markdown_and_csv_agree_with_json() {
    let f = testdata("reference/synthetic-12x5000/battles.csv");
    let v: serde_json::Value =
        serde_json::from_str(&versus(&["rank", &f, "--output", "json"])).expect("json");
    let top = v["models"][0]["model"].as_str().expect("top").to_string();
    let csv = versus(&["rank", &f, "--output", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("model,rating,lower,upper,variance,rank,battles,wins,losses,ties")
    );
    let first: Vec<&str> = lines.next().expect("row").split(',').collect();
    assert_eq!(first[0], top);
    // serde_json's default float parsing may be off by one ulp; the printed digits are exact.
    let diff = first[1].parse::<f64>().expect("rating")
        - v["models"][0]["rating"].as_f64().expect("rating");
    assert!(diff.abs() < 1e-9);
    let md = versus(&["rank", &f, "--output", "markdown"]);
    assert!(md.starts_with("| Rank (UB) | Model | Rating | 95% CI |"));
    assert_eq!(md.lines().count(), 2 + 12);
    let table = versus(&["rank", &f, "--output", "table", "--style"]);
    // Both parts must be there: the ratings table (with every model) and the style section
    // (with each of the fixture's four style features).
    assert!(table.contains(&top), "{table}");
    assert_eq!(
        table.lines().filter(|l| l.contains("model-0")).count(),
        12,
        "{table}"
    );
    let style = table
        .split_once("Style coefficients")
        .unwrap_or_else(|| panic!("no style section:\n{table}"))
        .1;
    for feature in [
        "sum_assistant_tokens",
        "header_count",
        "list_count",
        "bold_count",
    ] {
        assert!(style.contains(feature), "style section lacks {feature}");
    }
}

#[test]
fn jsonl_and_parquet_samples_give_the_same_leaderboard() {
    let jsonl = testdata("public/arena-human-preference-sample/sample-100.jsonl");
    let parquet = testdata("public/arena-human-preference-sample/sample-100.parquet");
    let strip = |s: String| {
        let mut v: serde_json::Value = serde_json::from_str(&s).expect("json");
        v["meta"]["files"] = serde_json::Value::Null;
        v
    };
    let a = strip(versus(&[
        "rank", &jsonl, "--method", "elo", "--output", "json",
    ]));
    let b = strip(versus(&[
        "rank", &parquet, "--method", "elo", "--output", "json",
    ]));
    assert_eq!(a["meta"]["battles"].as_f64(), Some(100.0));
    assert_eq!(a, b);
    let ma = strip(versus(&["matrix", &jsonl]));
    let mb = strip(versus(&["matrix", &parquet]));
    assert_eq!(ma, mb);
}

#[test]
fn matrix_counts_match_the_votes() {
    let f = testdata("reference/synthetic-12x5000/battles.csv");
    let m: serde_json::Value = serde_json::from_str(&versus(&["matrix", &f])).expect("json");
    let n = m["models"].as_array().expect("models").len();
    assert_eq!(n, 12);
    let mut total = 0.0;
    let mut predicted_pairs = 0;
    for i in 0..n {
        for j in 0..n {
            let b = m["battles"][i][j].as_f64().expect("count");
            assert_eq!(
                b,
                m["battles"][j][i].as_f64().expect("count"),
                "battle counts are symmetric"
            );
            total += b;
            // Every off-diagonal cell has a prediction (the diagonal is null).
            if i != j {
                let p = m["predicted"][i][j].as_f64().expect("predicted");
                let q = m["predicted"][j][i].as_f64().expect("predicted");
                assert!(
                    (p + q - 1.0).abs() < 1e-12,
                    "P({i},{j}) + P({j},{i}) = {}",
                    p + q
                );
                predicted_pairs += 1;
            }
        }
    }
    assert_eq!(total, 2.0 * 5000.0);
    assert_eq!(predicted_pairs, n * (n - 1));
    let svg = versus(&["matrix", &f, "--output", "svg"]);
    assert!(svg.starts_with("<svg") && svg.contains("model-004"));
}
