//! Readers for the public data sets in the shared data directory. Each returns rows plus the
//! facts (names, organisations, licences) the registry is assembled from.

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::history::{HistoryRow, OVERALL_CATEGORY, Source};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What kind of name a fact carries: leaderboard display names identify a key; price tables
/// use marketing names ("GLM-4-Plus" for the key `glm-4-plus-0111`) and are a weaker clue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Leaderboard,
    PriceTable,
}

/// Something a source says about a model key at a date.
#[derive(Clone, Debug)]
pub struct ModelFact {
    pub key: String,
    pub date: Date,
    pub name_kind: NameKind,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub license: Option<String>,
}

fn some_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && text != "-").then(|| text.to_string())
}

/// The first date written in a file name: `2025-04-04T…`, `2024.07.07`, `20240813`.
pub fn date_in_file_name(name: &str) -> Option<Date> {
    let bytes = name.as_bytes();
    for start in 0..bytes.len() {
        for len in [10, 8] {
            if let Some(window) = name.get(start..start + len)
                && let Some(date) = Date::parse(window)
            {
                // Reject a YYYYMMDD run that is part of a longer digit run (commit hashes).
                let before_digit = start > 0 && bytes[start - 1].is_ascii_digit();
                let after_digit = bytes.get(start + len).is_some_and(u8::is_ascii_digit);
                if !before_digit && !after_digit {
                    return Some(date);
                }
            }
        }
    }
    None
}

/// The files of a directory whose names end with `suffix`, sorted by name.
pub fn files_in(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let io = |source| Error::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

fn dated(path: &Path) -> Result<Date> {
    date_in_file_name(&file_name(path))
        .ok_or_else(|| Error::format(&path.display().to_string(), "no date in the file name"))
}

/// The elo-history CSV, de-duplicated on (key, date).
pub struct EloHistory {
    pub rows: Vec<HistoryRow>,
    pub facts: Vec<ModelFact>,
    pub duplicates_removed: usize,
    /// Duplicates whose ratings differ (the first is kept).
    pub conflicting_duplicates: Vec<String>,
}

pub fn read_elo_history(path: &Path) -> Result<EloHistory> {
    let table = CsvText::read(path)?;
    let file = table.file.clone();
    let (key_c, name_c, rating_c, license_c, org_c, date_c) = (
        table.column("key")?,
        table.column("Model")?,
        table.column("rating")?,
        table.column("License")?,
        table.column("Organization")?,
        table.column("date")?,
    );
    let mut seen: HashMap<(String, Date), f64> = HashMap::new();
    let mut out = EloHistory {
        rows: Vec::new(),
        facts: Vec::new(),
        duplicates_removed: 0,
        conflicting_duplicates: Vec::new(),
    };
    for record in &table.records {
        let line = csvio::line_of(record);
        let key = csvio::text(record, key_c).to_string();
        if key.is_empty() {
            return Err(Error::field(&file, line, "key", "empty"));
        }
        let date_text = csvio::text(record, date_c);
        let date = Date::parse(date_text).ok_or_else(|| {
            Error::field(
                &file,
                line,
                "date",
                format!("`{date_text}` is not YYYYMMDD"),
            )
        })?;
        let rating = csvio::number(&file, record, rating_c, "rating")?;
        if let Some(&first) = seen.get(&(key.clone(), date)) {
            out.duplicates_removed += 1;
            if first != rating {
                out.conflicting_duplicates
                    .push(format!("{key} {date}: {first} vs {rating} (line {line})"));
            }
            continue;
        }
        seen.insert((key.clone(), date), rating);
        out.facts.push(ModelFact {
            key: key.clone(),
            date,
            name_kind: NameKind::Leaderboard,
            name: some_text(csvio::text(record, name_c)),
            organization: some_text(csvio::text(record, org_c)),
            license: some_text(csvio::text(record, license_c)),
        });
        out.rows.push(HistoryRow {
            date,
            source: Source::EloHistory,
            style_control: false,
            category: OVERALL_CATEGORY.to_string(),
            key,
            rating,
            lower: None,
            upper: None,
            votes: None,
        });
    }
    Ok(out)
}

/// LMArena's metadata tables (key, display name, organisation, licence). The oldest ones have
/// no key column and are skipped (counted).
pub struct LeaderboardTables {
    pub facts: Vec<ModelFact>,
    pub files_read: usize,
    pub files_without_keys: usize,
}

pub fn read_leaderboard_tables(dir: &Path) -> Result<LeaderboardTables> {
    let mut out = LeaderboardTables {
        facts: Vec::new(),
        files_read: 0,
        files_without_keys: 0,
    };
    for path in files_in(dir, ".csv")? {
        let date = dated(&path)?;
        let table = CsvText::read(&path)?;
        if !table.has_column("key") {
            out.files_without_keys += 1;
            continue;
        }
        out.files_read += 1;
        let key_c = table.column("key")?;
        let name_c = table.column("Model")?;
        let org_c = table.optional_column("Organization");
        let license_c = table.optional_column("License");
        for record in &table.records {
            let key = csvio::text(record, key_c);
            if key.is_empty() {
                continue;
            }
            out.facts.push(ModelFact {
                key: key.to_string(),
                date,
                name_kind: NameKind::Leaderboard,
                name: some_text(csvio::text(record, name_c)),
                organization: org_c.and_then(|c| some_text(csvio::text(record, c))),
                license: license_c.and_then(|c| some_text(csvio::text(record, c))),
            });
        }
    }
    Ok(out)
}

/// One entry of LMArena's price table (`scatterplot-data_*.json`). Prices are strings in most
/// versions and numbers in a few, sometimes empty.
#[derive(Deserialize)]
struct PriceEntry {
    name: Option<String>,
    model_api_name: String,
    input_token_price: serde_json::Value,
    output_token_price: serde_json::Value,
    organization: Option<String>,
    license: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ObservedPrice {
    pub input: f64,
    pub output: f64,
    pub date: Date,
    pub file: String,
}

pub struct ArenaPrices {
    pub facts: Vec<ModelFact>,
    /// Per key, the price in the most recent table listing it with both prices.
    pub latest: BTreeMap<String, ObservedPrice>,
    pub files_read: usize,
}

fn price_value(value: &serde_json::Value) -> Option<f64> {
    let number = match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    (number.is_finite() && number >= 0.0).then_some(number)
}

pub fn read_arena_prices(dir: &Path) -> Result<ArenaPrices> {
    let mut out = ArenaPrices {
        facts: Vec::new(),
        latest: BTreeMap::new(),
        files_read: 0,
    };
    // File names carry a full timestamp, so name order is publication order.
    for path in files_in(dir, ".json")? {
        let date = dated(&path)?;
        let text = csvio::read_text(&path)?;
        let entries: Vec<PriceEntry> =
            serde_json::from_str(&text).map_err(|source| Error::Json {
                file: path.display().to_string(),
                source,
            })?;
        out.files_read += 1;
        for entry in entries {
            let key = entry.model_api_name.trim().to_string();
            if key.is_empty() {
                continue;
            }
            out.facts.push(ModelFact {
                key: key.clone(),
                date,
                name_kind: NameKind::PriceTable,
                name: entry.name.as_deref().and_then(some_text),
                organization: entry.organization.as_deref().and_then(some_text),
                license: entry.license.as_deref().and_then(some_text),
            });
            if let (Some(input), Some(output)) = (
                price_value(&entry.input_token_price),
                price_value(&entry.output_token_price),
            ) {
                out.latest.insert(
                    key,
                    ObservedPrice {
                        input,
                        output,
                        date,
                        file: file_name(&path),
                    },
                );
            }
        }
    }
    Ok(out)
}

/// The shape of LMArena's leaderboard JSON: category → model key → rating and bootstrap bounds.
#[derive(Deserialize)]
struct CatalogEntry {
    rating: f64,
    rating_q025: Option<f64>,
    rating_q975: Option<f64>,
}

pub struct Catalog {
    pub rows: Vec<HistoryRow>,
    pub files_read: usize,
    /// Files replaced by a later file of the same date and style setting.
    pub superseded: Vec<String>,
}

/// The rows of one LMArena leaderboard JSON (arena-catalog: category → model key → `rating`,
/// `rating_q025`, `rating_q975`), published on `date`.
pub fn parse_catalog(
    file: &str,
    text: &str,
    date: Date,
    style_control: bool,
) -> Result<Vec<HistoryRow>> {
    let categories: BTreeMap<String, BTreeMap<String, CatalogEntry>> =
        serde_json::from_str(text).map_err(|source| Error::Json {
            file: file.to_string(),
            source,
        })?;
    let mut rows = Vec::new();
    for (category, models) in categories {
        for (key, entry) in models {
            if !entry.rating.is_finite() {
                return Err(Error::format(
                    file,
                    format!("{category}/{key}: rating is not finite"),
                ));
            }
            rows.push(HistoryRow {
                date,
                source: Source::ArenaCatalog,
                style_control,
                category: category.clone(),
                key,
                rating: entry.rating,
                lower: entry.rating_q025.filter(|v| v.is_finite()),
                upper: entry.rating_q975.filter(|v| v.is_finite()),
                votes: None,
            });
        }
    }
    Ok(rows)
}

/// Reads `arena-catalog-text/` (plain) and `arena-catalog-text-style-control/` (style control).
pub fn read_catalog(plain_dir: &Path, style_dir: &Path) -> Result<Catalog> {
    let mut chosen: BTreeMap<(Date, bool), PathBuf> = BTreeMap::new();
    let mut superseded = Vec::new();
    for (dir, style_control) in [(plain_dir, false), (style_dir, true)] {
        for path in files_in(dir, ".json")? {
            let date = dated(&path)?;
            // Sorted by name = by timestamp, so a later file of the same day replaces an earlier.
            if let Some(previous) = chosen.insert((date, style_control), path) {
                superseded.push(file_name(&previous));
            }
        }
    }
    let mut rows = Vec::new();
    for ((date, style_control), path) in &chosen {
        let text = csvio::read_text(path)?;
        rows.extend(parse_catalog(
            &path.display().to_string(),
            &text,
            *date,
            *style_control,
        )?);
    }
    Ok(Catalog {
        rows,
        files_read: chosen.len(),
        superseded,
    })
}

/// One row of a scraped leaderboard table, before its display name is resolved to a key.
#[derive(Clone, Debug)]
pub struct ScrapedRow {
    pub name: String,
    pub rating: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub votes: Option<u64>,
    pub organization: Option<String>,
    pub license: Option<String>,
    pub line: u64,
}

pub struct ScrapedTable {
    pub file: String,
    pub date: Date,
    pub rows: Vec<ScrapedRow>,
}

/// Parses a confidence interval written `+3/-4` into (plus, minus).
pub fn parse_interval(text: &str) -> Option<(f64, f64)> {
    let (plus, minus) = text.trim().split_once('/')?;
    let plus: f64 = plus.trim().strip_prefix('+')?.parse().ok()?;
    let minus: f64 = minus.trim().strip_prefix('-')?.parse().ok()?;
    (plus.is_finite() && minus.is_finite()).then_some((plus, minus))
}

/// Reads the scraped tables (`lmsys_*.csv`, `lmarena_text_*.csv`) in date order. The score
/// column is `arena_elo` before July 2024 and `arena_score` after; `rank_stylectrl`, where
/// present, is only a rank, so the scores are never style-controlled.
pub fn read_scrapes(dir: &Path) -> Result<Vec<ScrapedTable>> {
    let mut tables = Vec::new();
    for path in files_in(dir, ".csv")? {
        let name = file_name(&path);
        if name.starts_with('_') {
            continue; // the commit index
        }
        let date = dated(&path)?;
        let table = CsvText::read(&path)?;
        let file = table.file.clone();
        let score_name = if table.has_column("arena_score") {
            "arena_score"
        } else {
            "arena_elo"
        };
        let (model_c, score_c, ci_c, votes_c) = (
            table.column("model")?,
            table.column(score_name)?,
            table.column("95_pct_ci")?,
            table.column("votes")?,
        );
        let org_c = table.optional_column("organization");
        let license_c = table.optional_column("license");
        let mut rows = Vec::new();
        for record in &table.records {
            let line = csvio::line_of(record);
            let model = csvio::text(record, model_c);
            if model.is_empty() {
                return Err(Error::field(&file, line, "model", "empty"));
            }
            let rating = csvio::number(&file, record, score_c, score_name)?;
            let ci_text = csvio::text(record, ci_c);
            let (lower, upper) = if ci_text.is_empty() {
                (None, None)
            } else {
                let (plus, minus) = parse_interval(ci_text).ok_or_else(|| {
                    Error::field(
                        &file,
                        line,
                        "95_pct_ci",
                        format!("`{ci_text}` is not +x/-y"),
                    )
                })?;
                (Some(rating - minus), Some(rating + plus))
            };
            let votes_text = csvio::text(record, votes_c).replace(',', "");
            let votes = if votes_text.is_empty() {
                None
            } else {
                Some(votes_text.parse::<u64>().map_err(|_| {
                    Error::field(
                        &file,
                        line,
                        "votes",
                        format!("`{votes_text}` is not a count"),
                    )
                })?)
            };
            rows.push(ScrapedRow {
                name: model.to_string(),
                rating,
                lower,
                upper,
                votes,
                organization: org_c.and_then(|c| some_text(csvio::text(record, c))),
                license: license_c.and_then(|c| some_text(csvio::text(record, c))),
                line,
            });
        }
        tables.push(ScrapedTable {
            file: name,
            date,
            rows,
        });
    }
    tables.sort_by(|a, b| a.date.cmp(&b.date).then(a.file.cmp(&b.file)));
    Ok(tables)
}

/// Epoch AI's organisations: lower-cased name → (name as written, country field).
pub fn read_epoch_organizations(path: &Path) -> Result<BTreeMap<String, (String, String)>> {
    let table = CsvText::read(path)?;
    let (org_c, country_c) = (table.column("Organization")?, table.column("Country")?);
    let mut out = BTreeMap::new();
    for record in &table.records {
        let name = csvio::text(record, org_c);
        if name.is_empty() {
            continue;
        }
        // First entry wins if Epoch lists a name twice.
        out.entry(name.to_lowercase())
            .or_insert_with(|| (name.to_string(), csvio::text(record, country_c).to_string()));
    }
    Ok(out)
}

/// Epoch AI's country field may list several countries ("United States of America,Canada",
/// "Multinational,United Kingdom…"); the first named country is the organisation's home, and
/// an organisation Epoch calls only "Multinational" stays that.
pub fn primary_country(field: &str) -> Option<String> {
    let mut entries = field.split(',').map(str::trim).filter(|c| !c.is_empty());
    let all: Vec<&str> = entries.by_ref().collect();
    all.iter()
        .find(|c| **c != "Multinational")
        .or(all.first())
        .map(|c| crate::registry::short_country_name(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_dates() {
        assert_eq!(
            date_in_file_name("leaderboard-text_2025-04-04T122722_daf5e99f8.json"),
            Date::parse("2025-04-04")
        );
        assert_eq!(
            date_in_file_name("lmsys_2024.07.07.csv"),
            Date::parse("2024-07-07")
        );
        assert_eq!(
            date_in_file_name("lmsys_commit-2024-06-19-3792cf0.csv"),
            Date::parse("2024-06-19")
        );
        assert_eq!(
            date_in_file_name("leaderboard_table_20240813.csv"),
            Date::parse("2024-08-13")
        );
        assert_eq!(date_in_file_name("_index_commit_by_version.csv"), None);
    }

    #[test]
    fn intervals_and_countries() {
        assert_eq!(parse_interval("+3/-4"), Some((3.0, 4.0)));
        assert_eq!(parse_interval("3/-4"), None);
        assert_eq!(
            primary_country("Multinational,United Kingdom of Great Britain and Northern Ireland")
                .as_deref(),
            Some("United Kingdom")
        );
        assert_eq!(
            primary_country("United States of America,Canada").as_deref(),
            Some("United States")
        );
        assert_eq!(primary_country(""), None);
        assert_eq!(
            primary_country("Multinational").as_deref(),
            Some("Multinational")
        );
    }
}
