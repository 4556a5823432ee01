//! The registry and history: complete, reproducible from the public data, and small where
//! kept by hand.

mod common;

use std::collections::BTreeSet;
use versus_race::build::{self, BuildOptions, SharedPaths};
use versus_race::history::{self, History, Source};
use versus_race::registry::{self, OpenWeights, Registry};

#[test]
fn every_model_in_the_shipped_history_has_an_organisation_and_a_country() {
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let keys: BTreeSet<&str> = history.rows().iter().map(|r| r.key.as_str()).collect();
    assert!(keys.len() > 300, "history has only {} models", keys.len());
    let mut problems = Vec::new();
    for key in &keys {
        match registry.get(key) {
            None => problems.push(format!("{key}: not in the registry")),
            Some(m) if m.organization.is_empty() || m.organization == "Unknown" => {
                problems.push(format!("{key}: no organisation"))
            }
            Some(m) if m.country.is_empty() || m.country == "Unknown" => problems.push(format!(
                "{key}: organisation {} has no country",
                m.organization
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "unresolved:\n{}", problems.join("\n"));
    // No registry row without history either: first_seen must be a real history date.
    for model in registry.models() {
        let seen = model.first_seen.expect("first_seen");
        assert!(
            history
                .rows()
                .iter()
                .any(|r| r.key == model.key && r.date == seen),
            "{}: first_seen {seen} is not a history date",
            model.key
        );
    }
}

/// Reads every public data set (about 60 MB), so it is opt-in; `.ci/run` runs it.
#[test]
#[ignore = "needs the full public data sets: VERSUS_PUBLIC_DATA=…/shared/data, run with --ignored"]
fn a_fresh_build_from_public_data_is_complete_and_equals_the_shipped_copy() {
    // Build with whatever categories were shipped (all, unless `--categories` trimmed them).
    let shipped_categories: BTreeSet<String> = History::shipped()
        .unwrap()
        .categories()
        .into_iter()
        .collect();
    let options = BuildOptions {
        categories: Some(shipped_categories),
    };
    let output = build::build(
        &SharedPaths::new(common::full_public_data()),
        &common::repo_data().join("registry"),
        &options,
    )
    .unwrap();
    assert!(output.report.is_complete(), "{}", output.report.summary());
    assert!(
        output.report.unused_hand_kept_rows.is_empty(),
        "hand-kept rows that do nothing: {:?}",
        output.report.unused_hand_kept_rows
    );
    assert_eq!(
        output.report.elo_duplicates_removed, 96,
        "the README documents 96 duplicated (key, date) rows"
    );
    assert!(output.report.elo_conflicting_duplicates.is_empty());
    // Byte-equal: the shipped files are current and the build is deterministic.
    assert!(
        output.registry.to_csv().unwrap() == registry::MODELS_CSV,
        "data/registry/models.csv is stale: rebuild"
    );
    assert!(
        output.history.to_csv().unwrap() == history::HISTORY_CSV,
        "data/history/history.csv is stale: rebuild"
    );
}

#[test]
fn every_organisation_spelling_in_the_elo_history_resolves_to_a_country() {
    // Read the raw CSV here, independently of the builder's reader.
    let path = common::public_data().join("leaderboard-history/elo-history-2023-05-to-2025-03.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let registry = Registry::shipped().unwrap();
    let mut organisations = BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let (key, organisation) = (&record[0], &record[4]);
        organisations.insert(organisation.to_string());
        let model = registry
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from the registry"));
        assert_ne!(model.country, "Unknown", "{key} ({organisation})");
    }
    assert!(
        organisations.len() > 40,
        "only {} organisations",
        organisations.len()
    );
}

#[test]
fn the_hand_kept_tables_are_small_and_only_fill_what_epoch_misses() {
    let registry_dir = common::repo_data().join("registry");
    let count = |file: &str| {
        csv::Reader::from_path(registry_dir.join(file))
            .unwrap()
            .records()
            .count()
    };
    let overrides = count("org_country_overrides.csv");
    let organisations: BTreeSet<String> = Registry::shipped()
        .unwrap()
        .models()
        .iter()
        .map(|m| m.organization.clone())
        .collect();
    assert!(overrides <= 25, "{overrides} country overrides");
    assert!(
        overrides * 2 < organisations.len(),
        "{overrides} overrides for {} organisations",
        organisations.len()
    );
    assert!(count("org_aliases.csv") <= 15);
    assert!(count("model_overrides.csv") <= 30);

    // Every override names an organisation Epoch AI does not list under that name.
    let mut epoch =
        csv::Reader::from_path(common::public_data().join("models/organizations.csv")).unwrap();
    let epoch_names: BTreeSet<String> = epoch
        .records()
        .map(|r| r.unwrap()[0].trim().to_lowercase())
        .collect();
    let mut reader =
        csv::Reader::from_path(registry_dir.join("org_country_overrides.csv")).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        assert!(
            !epoch_names.contains(&record[0].to_lowercase()),
            "{} is in Epoch AI's table already",
            &record[0]
        );
        if !record[2].is_empty() {
            assert!(
                epoch_names.contains(&record[2].to_lowercase()),
                "Epoch AI has no `{}`",
                &record[2]
            );
        }
    }
}

#[test]
fn spot_checks_of_registry_rows() {
    let registry = Registry::shipped().unwrap();
    let check = |key: &str, organisation: &str, country: &str, open: OpenWeights| {
        let m = registry.get(key).unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(
            (m.organization.as_str(), m.country.as_str(), m.open_weights),
            (organisation, country, open),
            "{key}"
        );
    };
    check("deepseek-r1", "DeepSeek", "China", OpenWeights::Yes);
    check(
        "gpt-4o-2024-05-13",
        "OpenAI",
        "United States",
        OpenWeights::No,
    );
    check("yi-lightning", "01 AI", "China", OpenWeights::No);
    check("mistral-large-3", "Mistral AI", "France", OpenWeights::Yes);
    check("command-r-plus", "Cohere", "Canada", OpenWeights::Yes);
    check("glm-4.6", "Zhipu AI", "China", OpenWeights::Yes); // listed as "Z.ai" by the scrapes
    check("qwen3-max-preview", "Alibaba", "China", OpenWeights::No); // hand-corrected licence
    check(
        "llama-3.1-405b-instruct",
        "Meta",
        "United States",
        OpenWeights::Yes,
    );

    // A scraped display name resolves through the pairing nearest in time: LMArena keyed
    // "ChatGPT-4o-latest (2024-08-08)" as chatgpt-4o-latest-2024-08-08 on 13 August and as
    // chatgpt-4o-latest from 22 August.
    let history = History::shipped().unwrap();
    let scraped_keys = |date: &str| -> Vec<String> {
        let date = versus_race::Date::parse(date).unwrap();
        history
            .rows()
            .iter()
            .filter(|r| {
                r.source == Source::LeaderboardScrape
                    && r.date == date
                    && r.key.starts_with("chatgpt-4o-latest")
            })
            .map(|r| r.key.clone())
            .collect()
    };
    assert_eq!(scraped_keys("2024-08-14"), ["chatgpt-4o-latest-2024-08-08"]);
    assert_eq!(scraped_keys("2024-08-24"), ["chatgpt-4o-latest"]);

    // Prices: LMArena's table first, with its date.
    let gemini = registry
        .get("gemini-3-pro")
        .unwrap()
        .price
        .as_ref()
        .unwrap();
    assert_eq!(
        (gemini.input_usd_per_mtok, gemini.output_usd_per_mtok),
        (2.0, 12.0)
    );
    assert_eq!(
        gemini.date.map(|d| d.to_string()).as_deref(),
        Some("2025-12-17")
    );
}

#[test]
fn the_history_holds_each_source_de_duplicated() {
    let history = History::shipped().unwrap();
    let mut seen = BTreeSet::new();
    let mut with_intervals = 0;
    for row in history.rows() {
        assert!(
            seen.insert((
                row.date,
                row.source,
                row.style_control,
                row.category.as_str(),
                row.key.as_str()
            )),
            "duplicate row {row:?}"
        );
        if let (Some(lower), Some(upper)) = (row.lower, row.upper) {
            assert!(
                lower <= row.rating + 0.1 && row.rating <= upper + 0.1,
                "{row:?}"
            );
            with_intervals += 1;
        }
    }
    // LMArena's JSON and the scrapes carry intervals: the bound check above must have run.
    assert!(
        with_intervals > 1000,
        "only {with_intervals} rows with intervals"
    );
    let elo_snapshots = history
        .snapshots("full", false)
        .into_iter()
        .filter(|s| s.source == Source::EloHistory)
        .count();
    assert_eq!(
        elo_snapshots, 105,
        "the README documents 105 leaderboard updates"
    );
    let catalog_dates: BTreeSet<String> = history
        .snapshots("full", true)
        .into_iter()
        .map(|s| s.date.to_string())
        .collect();
    assert!(catalog_dates.contains("2025-12-17"), "{catalog_dates:?}");
}
