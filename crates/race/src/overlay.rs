//! The user's data directory laid over the shipped data: leaderboard snapshots (LMArena's JSON
//! or its leaderboard dataset rows), vote releases, Epoch AI's GPU-cluster table and price
//! tables taken in with `versus data add` (recorded in a manifest with their origin and
//! SHA-256), and registry rows for models the shipped registry does not know. Added data add
//! rows; they never replace a shipped row silently. Pure: the caller reads and writes the files.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::history::{History, HistoryRow};
use crate::registry::Registry;

/// The manifest's file name in the data directory.
pub const MANIFEST_FILE: &str = "manifest.csv";
/// Registry rows the user adds (the columns of `data/registry/models.csv`).
pub const REGISTRY_FILE: &str = "registry.csv";
/// Written when a snapshot names unknown models: the rows to fill in and rename.
pub const UNRESOLVED_FILE: &str = "registry-unresolved.csv";
/// Where added leaderboard snapshots are kept.
pub const LEADERBOARDS_DIR: &str = "leaderboards";
/// Where added vote releases are kept (read by `versus rank data:NAME`, `versus audit data:NAME`).
pub const VOTES_DIR: &str = "votes";
/// Where added GPU-cluster tables are kept (the newest added one replaces the bundled extract).
pub const COMPUTE_DIR: &str = "compute";
/// Where added price tables are kept.
pub const PRICES_DIR: &str = "prices";

const MANIFEST_HEADER: [&str; 9] = [
    "file",
    "kind",
    "origin",
    "sha256",
    "bytes",
    "added",
    "date",
    "style_control",
    "rows",
];

/// What kind of file was added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// LMArena's leaderboard JSON (arena-catalog): category → model → rating and bounds.
    ArenaCatalog,
    /// LMArena's leaderboard dataset: one row per model, category and publication date
    /// (CSV or Parquet), [`LEADERBOARD_ROW_COLUMNS`].
    LeaderboardRows,
    /// A vote release (arena-human-preference-* Parquet/JSON/JSONL, clean_battle JSON).
    Votes,
    /// Epoch AI's GPU Clusters CSV.
    GpuClusters,
    /// A price table in pydantic's genai-prices JSON format.
    Prices,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::ArenaCatalog,
        Kind::LeaderboardRows,
        Kind::Votes,
        Kind::GpuClusters,
        Kind::Prices,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Kind::ArenaCatalog => "arena-catalog",
            Kind::LeaderboardRows => "leaderboard-rows",
            Kind::Votes => "votes",
            Kind::GpuClusters => "gpu-clusters",
            Kind::Prices => "prices",
        }
    }

    /// The folder of the data directory where files of this kind are kept.
    pub fn dir(&self) -> &'static str {
        match self {
            Kind::ArenaCatalog | Kind::LeaderboardRows => LEADERBOARDS_DIR,
            Kind::Votes => VOTES_DIR,
            Kind::GpuClusters => COMPUTE_DIR,
            Kind::Prices => PRICES_DIR,
        }
    }

    fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// What `versus data add` takes, for the error when a file is none of them.
pub const KINDS_EXPECTED: &str = "expected one of: LMArena's leaderboard JSON (arena-catalog: category → model → {\"rating\", \"rating_q025\", \"rating_q975\"}); LMArena's leaderboard dataset rows (CSV or Parquet with columns model_name, organization, license, rating, rating_lower, rating_upper, variance, vote_count, rank, category, leaderboard_publish_date); a vote release (arena-human-preference-* Parquet, JSON or JSONL, or a clean_battle JSON array with model_a, model_b, winner); Epoch AI's GPU clusters CSV (Name, Status, Country, First Operational Date, 16-bit OP/s, H100 equivalents, …); a genai-prices JSON price table (a list of providers with id and models)";

/// The columns of LMArena's leaderboard dataset, in its spelling.
pub const LEADERBOARD_ROW_COLUMNS: [&str; 11] = [
    "model_name",
    "organization",
    "license",
    "rating",
    "rating_lower",
    "rating_upper",
    "variance",
    "vote_count",
    "rank",
    "category",
    "leaderboard_publish_date",
];

/// The kind a table with these columns (a CSV header, a Parquet schema) holds, if any.
pub fn kind_of_columns(columns: &[&str]) -> Option<Kind> {
    let has = |name: &str| columns.contains(&name);
    if has("leaderboard_publish_date") || (has("model_name") && has("rating_lower")) {
        Some(Kind::LeaderboardRows)
    } else if has("model_a") && has("model_b") && has("winner") {
        Some(Kind::Votes)
    } else if has("Name") && has("First Operational Date") {
        Some(Kind::GpuClusters)
    } else {
        None
    }
}

/// Recognises a text file by its content. Only whole-file validation decides; this picks the
/// parser. `head` is the file's start (enough for a CSV header or a first JSON object).
pub fn detect(head: &str) -> Option<Kind> {
    let body = head.trim_start_matches('\u{feff}').trim_start();
    match body.as_bytes().first()? {
        b'{' => {
            // A whole JSON object (the catalog) or the first line of JSONL votes.
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
                let categories = value.as_object()?;
                if categories.contains_key("model_a") {
                    return Some(Kind::Votes);
                }
                let first_model = categories.values().next()?.as_object()?.values().next()?;
                return first_model.get("rating").and(Some(Kind::ArenaCatalog));
            }
            let first_line = body.lines().next()?;
            let value: serde_json::Value = serde_json::from_str(first_line).ok()?;
            value.get("model_a").and(Some(Kind::Votes))
        }
        b'[' => {
            // The first element's keys: a battle (model_a) or a genai-prices provider.
            let first = first_json_object(body)?;
            if first.contains_key("model_a") {
                Some(Kind::Votes)
            } else if first.contains_key("models") && first.contains_key("id") {
                Some(Kind::Prices)
            } else {
                None
            }
        }
        _ => {
            let header = body.lines().next()?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(header.as_bytes());
            let record = reader.records().next()?.ok()?;
            let columns: Vec<&str> = record.iter().map(str::trim).collect();
            kind_of_columns(&columns)
        }
    }
}

/// The first object of a JSON array, read without parsing the rest (a vote release can be
/// gigabytes).
fn first_json_object(body: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let rest = body.strip_prefix('[')?;
    let mut stream = serde_json::Deserializer::from_str(rest.trim_start())
        .into_iter::<serde_json::Map<String, serde_json::Value>>();
    stream.next()?.ok()
}

/// One added file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Added {
    /// Its name inside the data directory.
    pub file: String,
    pub kind: Kind,
    /// The path or URL it came from.
    pub origin: String,
    pub sha256: String,
    pub bytes: u64,
    /// When it was added (UTC date).
    pub added: Date,
    /// The newest date in the file (a snapshot's publication date, the last vote, the last
    /// cluster to start operating, a price table's date); `None` when the file has none
    /// (arena-human-preference-140k carries no timestamps).
    pub date: Option<Date>,
    pub style_control: bool,
    pub rows: usize,
}

/// Every added file, in the order added.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Manifest {
    pub entries: Vec<Added>,
}

impl Manifest {
    pub fn parse(file: &str, text: &str) -> Result<Manifest> {
        let table = CsvText::parse(file, text)?;
        let cols = MANIFEST_HEADER
            .iter()
            .map(|name| table.column(name))
            .collect::<Result<Vec<usize>>>()?;
        let mut entries = Vec::new();
        for record in &table.records {
            let line = csvio::line_of(record);
            let text = |i: usize| csvio::text(record, cols[i]);
            let field = |i: usize, what: &str| Error::field(file, line, MANIFEST_HEADER[i], what);
            entries.push(Added {
                file: text(0).to_string(),
                kind: Kind::parse(text(1)).ok_or_else(|| {
                    field(
                        1,
                        "expected arena-catalog, leaderboard-rows, votes, gpu-clusters or prices",
                    )
                })?,
                origin: text(2).to_string(),
                sha256: text(3).to_string(),
                bytes: text(4)
                    .parse()
                    .map_err(|_| field(4, "expected a size in bytes"))?,
                added: Date::parse(text(5)).ok_or_else(|| field(5, "expected YYYY-MM-DD"))?,
                date: match text(6) {
                    "" => None,
                    d => Some(Date::parse(d).ok_or_else(|| field(6, "expected YYYY-MM-DD"))?),
                },
                style_control: match text(7) {
                    "1" => true,
                    "0" => false,
                    _ => return Err(field(7, "expected 0 or 1")),
                },
                rows: text(8)
                    .parse()
                    .map_err(|_| field(8, "expected a row count"))?,
            });
        }
        Ok(Manifest { entries })
    }

    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| Error::format(MANIFEST_FILE, e.to_string());
        w.write_record(MANIFEST_HEADER).map_err(io)?;
        for e in &self.entries {
            w.write_record([
                e.file.clone(),
                e.kind.name().to_string(),
                e.origin.clone(),
                e.sha256.clone(),
                e.bytes.to_string(),
                e.added.to_string(),
                e.date.map_or_else(String::new, |d| d.to_string()),
                if e.style_control { "1" } else { "0" }.to_string(),
                e.rows.to_string(),
            ])
            .map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::format(MANIFEST_FILE, e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::format(MANIFEST_FILE, e.to_string()))
    }

    pub fn by_hash(&self, sha256: &str) -> Option<&Added> {
        self.entries.iter().find(|e| e.sha256 == sha256)
    }
}

/// The shipped history with the added rows. A snapshot already shipped (same date, source and
/// style setting) is refused: added data add rows, never replace them.
pub fn merge_history(shipped: &History, added: Vec<HistoryRow>, file: &str) -> Result<History> {
    let shipped_snapshots: HashSet<(Date, bool)> = shipped
        .rows()
        .iter()
        .filter(|r| added.first().is_some_and(|a| a.source == r.source))
        .map(|r| (r.date, r.style_control))
        .collect();
    if let Some(r) = added
        .iter()
        .find(|r| shipped_snapshots.contains(&(r.date, r.style_control)))
    {
        return Err(Error::format(
            file,
            format!(
                "the {} snapshot of {}{} is already bundled: added data may add snapshots, not replace them",
                r.source.name(),
                r.date,
                if r.style_control {
                    " (style control)"
                } else {
                    ""
                }
            ),
        ));
    }
    let mut rows = shipped.rows().to_vec();
    rows.extend(added);
    Ok(History::from_rows(rows))
}

/// One row of LMArena's leaderboard dataset as read from CSV or Parquet, before validation.
/// Numbers are `None` when the cell is empty (null).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeaderboardRecord {
    /// Where the row is: a CSV line or a Parquet row number (1-based), for messages.
    pub line: u64,
    pub model_name: String,
    pub organization: String,
    pub license: String,
    pub rating: Option<f64>,
    pub rating_lower: Option<f64>,
    pub rating_upper: Option<f64>,
    pub variance: Option<f64>,
    pub vote_count: Option<f64>,
    pub rank: Option<f64>,
    pub category: String,
    pub leaderboard_publish_date: String,
}

/// The dataset's name for the overall leaderboard; the history's is [`crate::history::OVERALL_CATEGORY`].
pub const DATASET_OVERALL_CATEGORY: &str = "overall";

/// Validated rows of one leaderboard-dataset file.
#[derive(Clone, Debug, Default)]
pub struct LeaderboardRows {
    pub rows: Vec<HistoryRow>,
    /// Each model's organisation and licence as the file gives them (to pre-fill the registry
    /// template of unknown models).
    pub facts: BTreeMap<String, (String, String)>,
}

impl LeaderboardRows {
    /// The newest publication date in the file.
    pub fn newest(&self) -> Option<Date> {
        self.rows.iter().map(|r| r.date).max()
    }
}

/// Checks that a table has exactly the dataset's columns (any order): a missing column or one
/// the format does not have is an error naming it, so a changed schema is never half-read.
pub fn check_leaderboard_columns(file: &str, columns: &[&str]) -> Result<()> {
    let missing: Vec<&str> = LEADERBOARD_ROW_COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.contains(c))
        .collect();
    let unknown: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| {
            !LEADERBOARD_ROW_COLUMNS.contains(c) && !c.is_empty() && *c != "__index_level_0__"
        })
        .collect();
    if missing.is_empty() && unknown.is_empty() {
        return Ok(());
    }
    let mut what = Vec::new();
    if !missing.is_empty() {
        what.push(format!("missing column(s) {}", missing.join(", ")));
    }
    if !unknown.is_empty() {
        what.push(format!("unknown column(s) {}", unknown.join(", ")));
    }
    Err(Error::format(
        file,
        format!(
            "{}: LMArena's leaderboard dataset has exactly the columns {}",
            what.join("; "),
            LEADERBOARD_ROW_COLUMNS.join(", ")
        ),
    ))
}

/// Validates leaderboard-dataset rows whole and turns them into history rows (category
/// `overall` becomes the history's `full`). Every row must have a model, a category, a date
/// and a finite rating; bounds must bracket the rating; vote counts are whole and non-negative;
/// a model twice in one (date, category) is an error.
pub fn leaderboard_rows(
    file: &str,
    records: &[LeaderboardRecord],
    style_control: bool,
) -> Result<LeaderboardRows> {
    use crate::history::{OVERALL_CATEGORY, Source};
    let mut out = LeaderboardRows::default();
    let mut seen: HashSet<(Date, &str, &str)> = HashSet::new();
    for r in records {
        let field = |name: &str, what: String| Error::field(file, r.line, name, what);
        if r.model_name.trim().is_empty() {
            return Err(field("model_name", "empty, expected a model key".into()));
        }
        if r.category.trim().is_empty() {
            return Err(field("category", "empty, expected a category".into()));
        }
        let date = Date::parse(r.leaderboard_publish_date.trim()).ok_or_else(|| {
            field(
                "leaderboard_publish_date",
                format!(
                    "`{}` is not a date (expected YYYY-MM-DD)",
                    r.leaderboard_publish_date
                ),
            )
        })?;
        let finite = |name: &str, v: Option<f64>| -> Result<Option<f64>> {
            match v {
                Some(x) if !x.is_finite() => Err(field(name, format!("{x} is not finite"))),
                other => Ok(other),
            }
        };
        let rating = finite("rating", r.rating)?
            .ok_or_else(|| field("rating", "empty, expected a number".into()))?;
        let lower = finite("rating_lower", r.rating_lower)?;
        let upper = finite("rating_upper", r.rating_upper)?;
        finite("variance", r.variance)?;
        finite("rank", r.rank)?;
        if lower.is_some_and(|l| l > rating + 1e-9) || upper.is_some_and(|u| u < rating - 1e-9) {
            return Err(field(
                "rating_lower",
                format!(
                    "the interval {}..{} does not contain the rating {rating}",
                    lower.map_or("–".into(), |v| v.to_string()),
                    upper.map_or("–".into(), |v| v.to_string())
                ),
            ));
        }
        let votes = match finite("vote_count", r.vote_count)? {
            None => None,
            Some(v) if v >= 0.0 && v.fract() == 0.0 => Some(v as u64),
            Some(v) => {
                return Err(field(
                    "vote_count",
                    format!("{v} is not a whole non-negative count"),
                ));
            }
        };
        let key = r.model_name.trim();
        let category = match r.category.trim() {
            DATASET_OVERALL_CATEGORY => OVERALL_CATEGORY,
            other => other,
        };
        if !seen.insert((date, category, key)) {
            return Err(field(
                "model_name",
                format!("`{key}` appears twice in the {category} leaderboard of {date}"),
            ));
        }
        out.facts.entry(key.to_string()).or_insert_with(|| {
            (
                r.organization.trim().to_string(),
                r.license.trim().to_string(),
            )
        });
        out.rows.push(HistoryRow {
            date,
            source: Source::LeaderboardDataset,
            style_control,
            category: category.to_string(),
            key: key.to_string(),
            rating,
            lower,
            upper,
            votes,
        });
    }
    if out.rows.is_empty() {
        return Err(Error::format(
            file,
            "no rows: expected at least one model's rating",
        ));
    }
    Ok(out)
}

/// Reads leaderboard-dataset rows from CSV text.
pub fn parse_leaderboard_csv(
    file: &str,
    text: &str,
    style_control: bool,
) -> Result<LeaderboardRows> {
    let table = CsvText::parse(file, text)?;
    let columns: Vec<&str> = table.headers().iter().map(String::as_str).collect();
    check_leaderboard_columns(file, &columns)?;
    let col = |name: &str| table.column(name);
    let [
        model,
        org,
        license,
        rating,
        lower,
        upper,
        variance,
        votes,
        rank,
        category,
        date,
    ] = [
        col("model_name")?,
        col("organization")?,
        col("license")?,
        col("rating")?,
        col("rating_lower")?,
        col("rating_upper")?,
        col("variance")?,
        col("vote_count")?,
        col("rank")?,
        col("category")?,
        col("leaderboard_publish_date")?,
    ];
    let mut records = Vec::with_capacity(table.records.len());
    for record in &table.records {
        let number = |c: usize, name: &str| csvio::optional_number(file, record, c, name);
        records.push(LeaderboardRecord {
            line: csvio::line_of(record),
            model_name: csvio::text(record, model).to_string(),
            organization: csvio::text(record, org).to_string(),
            license: csvio::text(record, license).to_string(),
            rating: number(rating, "rating")?,
            rating_lower: number(lower, "rating_lower")?,
            rating_upper: number(upper, "rating_upper")?,
            variance: number(variance, "variance")?,
            vote_count: number(votes, "vote_count")?,
            rank: number(rank, "rank")?,
            category: csvio::text(record, category).to_string(),
            // Timestamps ("2025-12-11 00:00:00") count by their day.
            leaderboard_publish_date: csvio::text(record, date)
                .get(..10)
                .unwrap_or(csvio::text(record, date))
                .to_string(),
        });
    }
    leaderboard_rows(file, &records, style_control)
}

/// A snapshot of one source: its date and style-control setting.
pub type Snapshot = (Date, bool);

/// The history with a dataset file's rows for the snapshots it does not have yet: a dataset
/// export repeats every earlier publication, so snapshots (date, style setting) already present
/// from the same source are kept as they are and their rows here skipped. Returns the merged
/// history, the snapshots taken and those skipped.
pub fn merge_dataset_rows(
    history: &History,
    added: Vec<HistoryRow>,
) -> (History, Vec<Snapshot>, Vec<Snapshot>) {
    let present: HashSet<(Date, bool)> = history
        .rows()
        .iter()
        .filter(|r| r.source == crate::history::Source::LeaderboardDataset)
        .map(|r| (r.date, r.style_control))
        .collect();
    let mut taken = std::collections::BTreeSet::new();
    let mut skipped = std::collections::BTreeSet::new();
    let mut rows = history.rows().to_vec();
    for r in added {
        let snapshot = (r.date, r.style_control);
        if present.contains(&snapshot) {
            skipped.insert(snapshot);
        } else {
            taken.insert(snapshot);
            rows.push(r);
        }
    }
    (
        History::from_rows(rows),
        taken.into_iter().collect(),
        skipped.into_iter().collect(),
    )
}

/// The registry with prices from an added genai-prices table: a model gets the table's
/// first-party price when it has none, or when the table's price is dated later than the one it
/// has (an undated table entry counts as of `table_date`). Returns how many models changed.
pub fn reprice(
    registry: &Registry,
    prices: &crate::build::genai::GenaiPrices,
    table_date: Date,
    file: &str,
) -> Result<(Registry, usize)> {
    let mut changed = 0;
    let models = registry
        .models()
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if let Some(found) = prices.first_party_price(&m.organization, &m.key) {
                let date = found.start_date.unwrap_or(table_date);
                let newer = m
                    .price
                    .as_ref()
                    .is_none_or(|p| p.date.is_none_or(|d| date > d));
                let same = m.price.as_ref().is_some_and(|p| {
                    p.input_usd_per_mtok == found.input && p.output_usd_per_mtok == found.output
                });
                if newer && !same {
                    changed += 1;
                    m.price = Some(crate::registry::Price {
                        input_usd_per_mtok: found.input,
                        output_usd_per_mtok: found.output,
                        date: Some(date),
                        source: format!("genai-prices {} (added: {file})", found.id),
                    });
                }
            }
            m
        })
        .collect();
    Ok((Registry::from_models(file, models)?, changed))
}

/// The shipped registry with the user's rows for models it does not know. A row for a shipped
/// key is refused (it would silently change every table).
pub fn merge_registry(shipped: &Registry, user: &Registry, file: &str) -> Result<Registry> {
    let mut models = shipped.models().to_vec();
    for m in user.models() {
        if shipped.get(&m.key).is_some() {
            return Err(Error::format(
                file,
                format!(
                    "model `{}` is in the shipped registry: this file may only add models it does not know",
                    m.key
                ),
            ));
        }
        models.push(m.clone());
    }
    Registry::from_models(file, models)
}

/// Levenshtein distance between two strings, by characters (Wagner & Fischer 1974).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The `n` registry keys nearest to `key` (case-insensitive edit distance, then name).
pub fn nearest(registry: &Registry, key: &str, n: usize) -> Vec<String> {
    let key = key.to_lowercase();
    // Ties go to the longer shared beginning: a new version is usually an old name extended.
    let mut scored: Vec<(usize, std::cmp::Reverse<usize>, &str)> = registry
        .models()
        .iter()
        .map(|m| {
            let other = m.key.to_lowercase();
            let prefix = key
                .chars()
                .zip(other.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (
                edit_distance(&key, &other),
                std::cmp::Reverse(prefix),
                m.key.as_str(),
            )
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, k)| k.to_string())
        .collect()
}

/// Keys of `rows` the registry does not know, sorted, each once.
pub fn unresolved(registry: &Registry, rows: &[HistoryRow]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .filter(|r| registry.get(&r.key).is_none())
        .map(|r| r.key.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_of_known_pairs() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("gpt-4o", "gpt-4o"), 0);
    }

    #[test]
    fn the_manifest_round_trips_and_names_bad_fields() {
        let m = Manifest {
            entries: vec![Added {
                file: "leaderboards/ab12-x.json".into(),
                kind: Kind::ArenaCatalog,
                origin: "/tmp/x, with a comma.json".into(),
                sha256: "ab12".into(),
                bytes: 10,
                added: Date::parse("2026-12-03").unwrap(),
                date: Date::parse("2026-11-20"),
                style_control: true,
                rows: 5,
            }],
        };
        let text = m.to_csv().unwrap();
        assert_eq!(Manifest::parse("m.csv", &text).unwrap(), m);
        let bad = text.replace(",1,5", ",yes,5");
        let e = Manifest::parse("m.csv", &bad).unwrap_err().to_string();
        assert!(e.contains("m.csv") && e.contains("style_control"), "{e}");
    }

    #[test]
    fn detection_reads_the_shape() {
        assert_eq!(
            detect(r#"{"full": {"m": {"rating": 1200.0}}}"#),
            Some(Kind::ArenaCatalog)
        );
        assert_eq!(detect(r#"{"models": ["a"], "X": [], "Y": []}"#), None);
        assert_eq!(detect("model_a,model_b,winner\n"), Some(Kind::Votes));
        assert_eq!(
            detect("{\"model_a\": \"x\", \"model_b\": \"y\"}\n{\"model_a\": \"y\"}\n"),
            Some(Kind::Votes)
        );
        assert_eq!(
            detect(r#"[{"model_a": "x", "model_b": "y", "winner": "tie"}, {"#),
            Some(Kind::Votes),
            "a battle log is told by its first battle, even cut short"
        );
        assert_eq!(
            detect(r#"[{"id": "openai", "models": []}]"#),
            Some(Kind::Prices)
        );
        assert_eq!(detect(r#"[{"name": "x"}]"#), None);
        assert_eq!(
            detect(&format!("{}\n", LEADERBOARD_ROW_COLUMNS.join(","))),
            Some(Kind::LeaderboardRows)
        );
        assert_eq!(
            detect("Name,Status,Country,First Operational Date\n"),
            Some(Kind::GpuClusters)
        );
        assert_eq!(detect("Organization,Country\n"), None);
        assert_eq!(detect(""), None);
    }

    const ROWS_HEADER: &str = "model_name,organization,license,rating,rating_lower,rating_upper,variance,vote_count,rank,category,leaderboard_publish_date\n";

    #[test]
    fn leaderboard_rows_are_validated_whole() {
        let good = format!(
            "{ROWS_HEADER}a,Org,MIT,1300.5,1290,1310,25,1000,1,overall,2026-01-15\nb,Org,MIT,1200,,,,,2,coding,2026-01-15 00:00:00\n"
        );
        let rows = parse_leaderboard_csv("f.csv", &good, true).unwrap();
        assert_eq!(rows.rows.len(), 2);
        let a = &rows.rows[0];
        assert_eq!(
            (a.category.as_str(), a.votes, a.lower, a.style_control),
            ("full", Some(1000), Some(1290.0), true)
        );
        assert_eq!(rows.rows[1].date, Date::parse("2026-01-15").unwrap());
        assert_eq!(rows.facts["a"], ("Org".to_string(), "MIT".to_string()));
        for (bad, expected) in [
            (
                good.replace("1300.5,1290", "1300.5,1301"),
                "line 2, field `rating_lower`",
            ),
            (good.replace(",1000,", ",10.5,"), "field `vote_count`"),
            (
                good.replace("2026-01-15\nb", "15/01/2026\nb"),
                "field `leaderboard_publish_date`",
            ),
            (
                good.replace(",coding,", ",overall,")
                    .replace("\nb,", "\na,"),
                "`a` appears twice",
            ),
            (good.replace("1200,", "x,"), "field `rating`"),
            (
                good.replace(",rank,", ",position,"),
                "missing column(s) rank; unknown column(s) position",
            ),
            (ROWS_HEADER.to_string(), "no rows"),
        ] {
            let e = parse_leaderboard_csv("f.csv", &bad, false)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("f.csv") && e.contains(expected),
                "{expected}: {e}"
            );
        }
    }

    #[test]
    fn a_dataset_export_adds_only_its_new_snapshots() {
        let rows = |text: &str| parse_leaderboard_csv("f.csv", text, false).unwrap().rows;
        let first = rows(&format!(
            "{ROWS_HEADER}a,O,L,1300,,,,,1,overall,2026-01-08\na,O,L,1301,,,,,1,overall,2026-01-15\n"
        ));
        let (history, taken, skipped) = merge_dataset_rows(&History::default(), first);
        assert_eq!((taken.len(), skipped.len()), (2, 0));
        // A later export repeats 2026-01-15 (with other numbers): the first stays.
        let later = rows(&format!(
            "{ROWS_HEADER}a,O,L,1350,,,,,1,overall,2026-01-15\na,O,L,1302,,,,,1,overall,2026-01-22\n"
        ));
        let (history, taken, skipped) = merge_dataset_rows(&history, later);
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(taken, vec![(d("2026-01-22"), false)]);
        assert_eq!(skipped, vec![(d("2026-01-15"), false)]);
        let ratings: Vec<f64> = history.rows().iter().map(|r| r.rating).collect();
        assert_eq!(ratings, vec![1300.0, 1301.0, 1302.0]);
    }
}
