//! `race gap` United States vs China, checked against values read directly from the snapshot
//! files by the test itself.

mod common;

use common::{close, key_country, org_country};
use std::collections::BTreeMap;
use versus_present::OutputFormat;
use versus_present::Tabular;
use versus_race::Date;
use versus_race::gap::{self, Every, GapPoint, GapQuery, GapReport, Separable, SnapshotSelection};
use versus_race::group::GroupBy;
use versus_race::history::{History, Source};
use versus_race::registry::Registry;

fn us_china(every: Every, selection: SnapshotSelection) -> (Registry, GapReport) {
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let a = GroupBy::Country.resolve("US", &registry).unwrap();
    let b = GroupBy::Country.resolve("china", &registry).unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("United States", "China"));
    let report = gap::gap(
        &registry,
        &history,
        &GapQuery {
            by: GroupBy::Country,
            a,
            b,
            every,
            selection,
        },
    )
    .unwrap();
    (registry, report)
}

fn at(date: &str, source: Option<Source>) -> GapPoint {
    let selection = SnapshotSelection {
        snapshot: Date::parse(date),
        source,
        ..SnapshotSelection::overall()
    };
    let (_, report) = us_china(Every::Snapshot, selection);
    assert_eq!(report.points.len(), 1);
    report.points[0].clone()
}

/// Best (key, name, rating) per country among rows of a snapshot, by the test's own org list.
fn best_by_country<'a>(
    rows: impl Iterator<Item = (&'a str, &'a str, f64, &'a str)>,
) -> BTreeMap<&'static str, (String, String, f64)> {
    let mut best: BTreeMap<&'static str, (String, String, f64)> = BTreeMap::new();
    for (key, name, rating, org) in rows {
        let Some(country) = org_country(org) else {
            continue;
        };
        if best.get(country).is_none_or(|(_, _, r)| rating > *r) {
            best.insert(country, (key.to_string(), name.to_string(), rating));
        }
    }
    best
}

#[test]
fn elo_history_snapshot_2024_08_13_matches_the_csv() {
    let path = common::public_data().join("leaderboard-history/elo-history-2023-05-to-2025-03.csv");
    let records: Vec<csv::StringRecord> = csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[5] == "20240813")
        .collect();
    assert!(records.len() > 100);
    let best = best_by_country(
        records
            .iter()
            .map(|r| (&r[0], &r[1], r[2].parse::<f64>().unwrap(), &r[4])),
    );
    let point = at("2024-08-13", None);
    assert_eq!(point.source, Source::EloHistory);
    let (us_key, us_name, us_rating) = &best["US"];
    let (cn_key, cn_name, cn_rating) = &best["CN"];
    assert_eq!((&point.a.model, &point.a.name), (us_key, us_name));
    assert_eq!((&point.b.model, &point.b.name), (cn_key, cn_name));
    assert!(
        close(point.a.rating, *us_rating, 0.051),
        "{} vs {us_rating}",
        point.a.rating
    );
    assert!(
        close(point.b.rating, *cn_rating, 0.051),
        "{} vs {cn_rating}",
        point.b.rating
    );
    // ChatGPT-4o-latest (under its key of that week) against Yi-Large-preview, ~76 points.
    assert_eq!(point.a.model, "chatgpt-4o-latest-2024-08-08");
    assert_eq!(point.b.model, "yi-large-preview");
    assert!(close(point.gap, us_rating - cn_rating, 0.1));
    assert_eq!(
        point.separable,
        Separable::Unknown,
        "elo-history has no intervals"
    );
    let expected_probability = 1.0 / (1.0 + 10f64.powf(-(us_rating - cn_rating) / 400.0));
    assert!(close(point.win_probability, expected_probability, 1e-3));
    assert!(close(
        point.gap_percent,
        (us_rating - cn_rating) / cn_rating * 100.0,
        0.02
    ));
}

fn catalog_file(dir: &str, date: &str) -> serde_json::Value {
    let dir = common::public_data().join("leaderboard-history").join(dir);
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .contains(&format!("_{date}T"))
        })
        .unwrap_or_else(|| panic!("no {date} file in {}", dir.display()));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Best (key, rating, lower, upper) per country in a catalog JSON's `full` category.
fn catalog_best(json: &serde_json::Value) -> BTreeMap<&'static str, (String, f64, f64, f64)> {
    let mut best: BTreeMap<&'static str, (String, f64, f64, f64)> = BTreeMap::new();
    for (key, entry) in json["full"].as_object().unwrap() {
        let Some(country) = key_country(key) else {
            continue;
        };
        let rating = entry["rating"].as_f64().unwrap();
        if best.get(country).is_none_or(|b| rating > b.1) {
            let bound = |f: &str| entry[f].as_f64().unwrap();
            best.insert(
                country,
                (
                    key.clone(),
                    rating,
                    bound("rating_q025"),
                    bound("rating_q975"),
                ),
            );
        }
    }
    best
}

fn assert_matches_catalog(point: &GapPoint, json: &serde_json::Value) {
    let best = catalog_best(json);
    for (leader, country) in [(&point.a, "US"), (&point.b, "CN")] {
        let (key, rating, lower, upper) = &best[country];
        assert_eq!(&leader.model, key, "{country}");
        assert!(close(leader.rating, *rating, 0.051));
        assert!(close(leader.lower.unwrap(), *lower, 0.051));
        assert!(close(leader.upper.unwrap(), *upper, 0.051));
    }
}

#[test]
fn catalog_snapshots_of_2025_match_lmarena_json() {
    let point = at("2025-12-11", None);
    assert_eq!(point.source, Source::ArenaCatalog);
    assert_matches_catalog(&point, &catalog_file("arena-catalog-text", "2025-12-11"));
    assert_eq!(
        (point.a.model.as_str(), point.b.model.as_str()),
        ("gemini-3-pro", "ernie-5.0-preview-1103")
    );
    assert_eq!(point.separable, Separable::Yes);

    let point = at("2025-04-24", None);
    assert_matches_catalog(&point, &catalog_file("arena-catalog-text", "2025-04-24"));

    // Style control reads the other directory.
    let selection = SnapshotSelection {
        snapshot: Date::parse("2025-11-06"),
        style_control: true,
        ..SnapshotSelection::overall()
    };
    let (_, report) = us_china(Every::Snapshot, selection);
    assert_matches_catalog(
        &report.points[0],
        &catalog_file("arena-catalog-text-style-control", "2025-11-06"),
    );
}

#[test]
fn scraped_snapshot_2025_07_18_matches_the_table() {
    let path = common::public_data().join("leaderboard-history/lmsys-scrapes/lmsys_2025.07.18.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (model_c, score_c, ci_c, org_c) = (
        col("model"),
        col("arena_score"),
        col("95_pct_ci"),
        col("organization"),
    );
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let best = best_by_country(records.iter().map(|r| {
        (
            &r[model_c],
            &r[model_c],
            r[score_c].parse::<f64>().unwrap(),
            &r[org_c],
        )
    }));
    let point = at("2025-07-18", Some(Source::LeaderboardScrape));
    let registry = Registry::shipped().unwrap();
    for (leader, country) in [(&point.a, "US"), (&point.b, "CN")] {
        let (_, name, rating) = &best[country];
        let record = registry.get(&leader.model).unwrap();
        assert!(
            record.display_name == *name || record.other_names.contains(name),
            "{country}: {} is not `{name}`",
            leader.model
        );
        assert_eq!(leader.rating, *rating);
        let ci = &records.iter().find(|r| &r[model_c] == name).unwrap()[ci_c];
        let (plus, minus) = ci.trim_start_matches('+').split_once("/-").unwrap();
        assert_eq!(leader.upper, Some(rating + plus.parse::<f64>().unwrap()));
        assert_eq!(leader.lower, Some(rating - minus.parse::<f64>().unwrap()));
    }
}

#[test]
fn us_china_runs_from_the_first_2024_snapshot_to_the_last_shipped_one() {
    let selection = SnapshotSelection {
        from: Date::parse("2024-01-01"),
        ..SnapshotSelection::overall()
    };
    let (_, report) = us_china(Every::Snapshot, selection.clone());
    let first = report.points.first().unwrap();
    let last = report.points.last().unwrap();
    assert_eq!(
        first.snapshot.to_string(),
        "2024-01-09",
        "first elo-history update of 2024"
    );
    assert_eq!(
        last.snapshot.to_string(),
        "2025-12-11",
        "last LMArena JSON (non-style-controlled)"
    );
    assert!(report.points.len() > 80, "{} points", report.points.len());
    assert!(report.provenance.skipped.is_empty());
    for p in &report.points {
        assert!(close(p.gap, p.a.rating - p.b.rating, 0.11), "{p:?}");
        assert!(p.win_probability > 0.0 && p.win_probability < 1.0);
        // Separability is unknown exactly when a leader has no interval.
        let has_intervals = p.a.lower.is_some() && p.b.lower.is_some();
        assert_eq!(p.separable == Separable::Unknown, !has_intervals, "{p:?}");
    }
    // The claim: about 100 points in early 2024, about 20-25 in late January 2025.
    let feb_2024 = report
        .points
        .iter()
        .find(|p| p.snapshot.to_string() == "2024-02-15")
        .unwrap();
    assert!(feb_2024.gap > 90.0, "{feb_2024:?}");
    let jan_2025 = report
        .points
        .iter()
        .find(|p| p.snapshot.to_string() == "2025-01-24")
        .unwrap();
    assert!(
        jan_2025.gap < 30.0 && jan_2025.b.model == "deepseek-r1",
        "{jan_2025:?}"
    );

    // Precedence: no kept lower-precedence snapshot within 7 days of a higher one.
    let history = History::shipped().unwrap();
    let all = history.snapshots("full", false);
    for p in &report.points {
        let clash = all.iter().any(|s| {
            s.source < p.source
                && (s.date.days_since_epoch() - p.snapshot.days_since_epoch()).abs() <= 7
        });
        assert!(
            !clash,
            "{} {:?} kept next to a higher-precedence snapshot",
            p.snapshot, p.source
        );
    }

    // Monthly points are each month's last per-snapshot point.
    let (_, monthly) = us_china(Every::Month, selection);
    let mut last_in_month: BTreeMap<String, Date> = BTreeMap::new();
    for p in &report.points {
        last_in_month.insert(p.snapshot.month_label(), p.snapshot);
    }
    assert_eq!(monthly.points.len(), last_in_month.len());
    for p in &monthly.points {
        assert_eq!(last_in_month[&p.date], p.snapshot, "{}", p.date);
    }
    assert!(monthly.provenance.month_rule.is_some());
}

#[test]
fn json_output_has_the_stable_shape() {
    let selection = SnapshotSelection {
        from: Date::parse("2025-11-01"),
        ..SnapshotSelection::overall()
    };
    let (_, report) = us_china(Every::Snapshot, selection);
    let json: serde_json::Value =
        serde_json::from_str(&report.render(OutputFormat::Json).unwrap()).unwrap();
    for field in ["by", "a", "b", "points", "provenance"] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    assert_eq!(json["by"], "country");
    let point = &json["points"][0];
    for field in [
        "date",
        "snapshot",
        "a",
        "b",
        "gap",
        "win_probability",
        "gap_percent",
        "separable",
    ] {
        assert!(point.get(field).is_some(), "point lacks {field}");
    }
    for field in ["model", "rating", "lower", "upper"] {
        assert!(point["a"].get(field).is_some(), "side lacks {field}");
    }
    assert!(["yes", "no", "unknown"].contains(&point["separable"].as_str().unwrap()));
    let svg = versus_race::svg::gap_chart(&report);
    assert!(
        svg.starts_with("<svg")
            && svg.contains("Gemini-3-Pro")
            && svg.trim_end().ends_with("</svg>")
    );
    let csv_text = report.render(OutputFormat::Csv).unwrap();
    assert_eq!(csv_text.lines().count(), report.points.len() + 1);
}

#[test]
fn open_versus_proprietary_and_errors() {
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let query = GapQuery {
        by: GroupBy::Licence,
        a: GroupBy::Licence.resolve("proprietary", &registry).unwrap(),
        b: GroupBy::Licence.resolve("open-weights", &registry).unwrap(),
        every: Every::Snapshot,
        selection: SnapshotSelection {
            snapshot: Date::parse("2025-01-24"),
            ..SnapshotSelection::overall()
        },
    };
    let report = gap::gap(&registry, &history, &query).unwrap();
    assert_eq!(report.points[0].b.model, "deepseek-r1");

    assert!(
        GroupBy::Country
            .resolve("Atlantis", &registry)
            .unwrap_err()
            .to_string()
            .contains("known:")
    );
    let missing = SnapshotSelection {
        snapshot: Date::parse("2025-09-01"),
        ..SnapshotSelection::overall()
    };
    let message = missing.select(&history).unwrap_err().to_string();
    assert!(
        message.contains("nearest: 2025-08-04, 2025-11-05"),
        "{message}"
    );
}
