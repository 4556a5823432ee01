//! `race compute` and `race value` against values computed here, by hand, from the files.

mod common;

use common::{close, key_country};
use std::collections::BTreeMap;
use versus_present::OutputFormat;
use versus_present::Tabular;
use versus_race::Date;
use versus_race::compute::{self, ComputeQuery, Measure};
use versus_race::gap::SnapshotSelection;
use versus_race::group::GroupBy;
use versus_race::history::{History, Source};
use versus_race::registry::Registry;
use versus_race::value::{self, PriceBound, ValueQuery};

/// Sum of a measure per country for Epoch's standard-analysis, existing clusters operational
/// by `as_of`, straight from Epoch's full CSV.
fn hand_sums(column: &str, as_of: &str) -> BTreeMap<String, f64> {
    let mut reader =
        csv::Reader::from_path(common::public_data().join("compute/gpu_clusters.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (status, date, standard, country, value) = (
        col("Status"),
        col("First Operational Date"),
        col("Include in Standard Analysis"),
        col("Country"),
        col(column),
    );
    let mut sums = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        if &r[standard] != "True"
            || &r[status] != "Existing"
            || r[date].is_empty()
            || &r[date] > as_of
            || r[value].is_empty()
        {
            continue;
        }
        *sums.entry(r[country].to_string()).or_insert(0.0) += r[value].parse::<f64>().unwrap();
    }
    sums
}

#[test]
fn compute_shares_match_a_hand_sum_of_epoch_clusters() {
    let clusters = compute::shipped_clusters().unwrap();
    for (as_of, measure, column) in [
        ("2025-01-01", Measure::Op16, "16-bit OP/s"),
        ("2023-06-30", Measure::Op16, "16-bit OP/s"),
        ("2025-07-22", Measure::H100Equivalents, "H100 equivalents"),
    ] {
        let sums = hand_sums(column, as_of);
        let total: f64 = sums.values().sum();
        let shares = compute::shares_at(
            &clusters,
            ComputeQuery {
                measure,
                standard_only: true,
            },
            Date::parse(as_of).unwrap(),
        );
        for (epoch_name, short_name) in [
            ("United States of America", "United States"),
            ("China", "China"),
        ] {
            let expected = sums[epoch_name] / total * 100.0;
            let actual = shares
                .shares
                .iter()
                .find(|s| s.country == short_name)
                .unwrap()
                .share;
            assert!(
                close(actual, expected, 0.006),
                "{as_of} {column} {short_name}: {actual} vs {expected}"
            );
        }
        let percent: f64 = shares.shares.iter().map(|s| s.share).sum();
        assert!(close(percent, 100.0, 0.2), "{percent}");
    }
    // The claim "the US hosts three quarters": 76.46% of recorded 16-bit OP/s at the latest date.
    let latest = compute::latest_date(
        &clusters,
        ComputeQuery {
            measure: Measure::Op16,
            standard_only: true,
        },
    )
    .unwrap();
    assert_eq!(latest.to_string(), "2025-07-22");
    let shares = compute::shares_at(
        &clusters,
        ComputeQuery {
            measure: Measure::Op16,
            standard_only: true,
        },
        latest,
    );
    assert_eq!(shares.shares[0].country, "United States");
    assert!(
        close(shares.shares[0].share, 76.46, 0.01),
        "{}",
        shares.shares[0].share
    );
    let json: serde_json::Value =
        serde_json::from_str(&shares.render(OutputFormat::Json).unwrap()).unwrap();
    for field in ["as_of", "measure", "shares", "provenance"] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    assert!(
        json["provenance"]["coverage"]
            .as_str()
            .unwrap()
            .contains("minority")
    );
}

#[test]
fn the_shipped_compute_extract_is_current() {
    let rebuilt =
        compute::build_extract(&common::public_data().join("compute/gpu_clusters.csv")).unwrap();
    assert!(
        rebuilt == compute::CLUSTERS_CSV,
        "data/compute/gpu_clusters.csv is stale"
    );
}

/// Latest LMArena price per key (`model_api_name`), read directly from the price tables.
fn lmarena_prices() -> BTreeMap<String, (f64, f64)> {
    let dir = common::public_data().join("models/arena-catalog-prices");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let number = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.parse::<f64>().ok(),
        other => other.as_f64(),
    };
    let mut prices = BTreeMap::new();
    for file in files {
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for e in entries {
            if let (Some(i), Some(o)) = (
                number(&e["input_token_price"]),
                number(&e["output_token_price"]),
            ) {
                prices.insert(e["model_api_name"].as_str().unwrap().to_string(), (i, o));
            }
        }
    }
    prices
}

#[test]
fn value_comparison_matches_a_hand_computation_at_2025_12_11() {
    // Ratings straight from LMArena's JSON, prices straight from LMArena's price tables.
    let dir = common::public_data().join("leaderboard-history/arena-catalog-text");
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_str().unwrap().contains("_2025-12-11T"))
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let prices = lmarena_prices();
    let blended = |key: &str| prices.get(key).map(|(i, o)| (3.0 * i + o) / 4.0);
    let mut us_best: Option<(String, f64, f64)> = None;
    for (key, entry) in json["full"].as_object().unwrap() {
        let (Some("US"), Some(price)) = (key_country(key), blended(key)) else {
            continue;
        };
        let rating = entry["rating"].as_f64().unwrap();
        if us_best.as_ref().is_none_or(|b| rating > b.1) {
            us_best = Some((key.clone(), rating, price));
        }
    }
    let (us_key, us_rating, us_price) = us_best.unwrap();
    let bound = us_price / 10.0;
    let mut cn_best: Option<(String, f64, f64)> = None;
    for (key, entry) in json["full"].as_object().unwrap() {
        let (Some("CN"), Some(price)) = (key_country(key), blended(key)) else {
            continue;
        };
        let rating = entry["rating"].as_f64().unwrap();
        if price <= bound && cn_best.as_ref().is_none_or(|b| rating > b.1) {
            cn_best = Some((key.clone(), rating, price));
        }
    }
    let (cn_key, cn_rating, cn_price) = cn_best.unwrap();

    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let query = ValueQuery {
        by: GroupBy::Country,
        a: "United States".into(),
        b: "China".into(),
        price_bound: Some(PriceBound::FractionOfA(0.1)),
        selection: SnapshotSelection {
            snapshot: Date::parse("2025-12-11"),
            ..SnapshotSelection::overall()
        },
    };
    let report = value::value(&registry, &history, &query).unwrap();
    assert_eq!(report.provenance.source, Source::ArenaCatalog);
    let c = report.comparison.as_ref().unwrap();
    assert_eq!(
        (c.a_best.model.as_str(), c.b_best.model.as_str()),
        (us_key.as_str(), cn_key.as_str())
    );
    assert!(close(c.a_best.price, us_price, 1e-3) && close(c.b_best.price, cn_price, 1e-3));
    assert!(
        close(c.gap, us_rating - cn_rating, 0.11),
        "{} vs {}",
        c.gap,
        us_rating - cn_rating
    );
    assert!(close(c.price_ratio.unwrap(), us_price / cn_price, 0.01));
    assert!(close(c.rating_percent, cn_rating / us_rating * 100.0, 0.01));
    assert!(close(
        c.win_probability,
        1.0 / (1.0 + 10f64.powf(-(us_rating - cn_rating) / 400.0)),
        1e-3
    ));
    assert_eq!(
        (us_key.as_str(), cn_key.as_str()),
        ("gemini-3-pro", "deepseek-v3.2-exp")
    );

    // The frontier is exactly the undominated set.
    assert!(
        report.models.len() >= 2,
        "{} priced models",
        report.models.len()
    );
    assert!(!report.frontier.is_empty(), "an empty frontier");
    for m in &report.models {
        let dominated = report.models.iter().any(|o| {
            o.price <= m.price && o.rating >= m.rating && (o.price < m.price || o.rating > m.rating)
        });
        assert_eq!(
            report.frontier.contains(&m.model),
            !dominated,
            "{}",
            m.model
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&report.render(OutputFormat::Json).unwrap()).unwrap();
    for field in ["snapshot", "blend", "models", "frontier", "comparison"] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    for field in ["model", "group", "rating", "price"] {
        assert!(
            json["models"][0].get(field).is_some(),
            "model lacks {field}"
        );
    }
}
