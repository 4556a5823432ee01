//! `versus race build-registry`: builds the shipped registry and history from the public data
//! sets (the shared data directory) plus the hand-kept tables in `data/registry/`.
//!
//! This is the only code that reads outside the repository; the race commands read the result.

pub mod genai;
pub mod hand_kept;
pub mod readers;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::history::{History, HistoryRow, OVERALL_CATEGORY, Source};
use crate::registry::{ModelRecord, OpenWeights, Price, Registry};
use hand_kept::{CountryBasis, HandKept, ModelOverride};
use readers::{ModelFact, NameKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Where each input lives inside the shared data directory.
pub struct SharedPaths {
    pub root: PathBuf,
}

impl SharedPaths {
    pub fn new(root: impl Into<PathBuf>) -> SharedPaths {
        SharedPaths { root: root.into() }
    }
    pub fn elo_history(&self) -> PathBuf {
        self.root
            .join("leaderboard-history/elo-history-2023-05-to-2025-03.csv")
    }
    pub fn leaderboard_tables(&self) -> PathBuf {
        self.root.join("leaderboard-history/leaderboard-tables")
    }
    pub fn scrapes(&self) -> PathBuf {
        self.root.join("leaderboard-history/lmsys-scrapes")
    }
    pub fn catalog_plain(&self) -> PathBuf {
        self.root.join("leaderboard-history/arena-catalog-text")
    }
    pub fn catalog_style_control(&self) -> PathBuf {
        self.root
            .join("leaderboard-history/arena-catalog-text-style-control")
    }
    pub fn arena_prices(&self) -> PathBuf {
        self.root.join("models/arena-catalog-prices")
    }
    pub fn genai_prices(&self) -> PathBuf {
        self.root.join("models/genai-prices.json")
    }
    pub fn epoch_organizations(&self) -> PathBuf {
        self.root.join("models/organizations.csv")
    }
    pub fn gpu_clusters(&self) -> PathBuf {
        self.root.join("compute/gpu_clusters.csv")
    }
}

/// What the build did and what it could not do. A build is complete when every scraped
/// display name resolved to a key, every model has an organisation and every organisation a
/// country.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    pub history_rows: usize,
    pub history_rows_by_source: BTreeMap<&'static str, usize>,
    pub registry_models: usize,
    pub elo_duplicates_removed: usize,
    pub elo_conflicting_duplicates: Vec<String>,
    pub leaderboard_tables_read: usize,
    pub leaderboard_tables_without_keys: usize,
    pub catalog_files: usize,
    pub catalog_files_superseded: Vec<String>,
    pub scrape_files: usize,
    /// Scrapes identical to the previous scrape (the page had not changed): not a new snapshot.
    pub scrape_files_unchanged: Vec<String>,
    /// Two display names of one file resolving to the same key; the higher-ranked row is kept.
    pub scrape_rows_collapsed: Vec<String>,
    pub price_files: usize,
    pub priced_models: BTreeMap<String, usize>,
    pub unresolved_names: Vec<String>,
    pub models_without_organization: Vec<String>,
    pub organizations_without_country: Vec<String>,
    /// Hand-kept rows that changed nothing (stale or redundant).
    pub unused_hand_kept_rows: Vec<String>,
}

impl BuildReport {
    pub fn is_complete(&self) -> bool {
        self.unresolved_names.is_empty()
            && self.models_without_organization.is_empty()
            && self.organizations_without_country.is_empty()
    }

    /// A human-readable account, unresolved items first.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        let mut list = |title: &str, items: &[String]| {
            if !items.is_empty() {
                lines.push(format!("{title} ({}):", items.len()));
                lines.extend(items.iter().map(|i| format!("  {i}")));
            }
        };
        list("UNRESOLVED display names", &self.unresolved_names);
        list(
            "UNRESOLVED models without organisation",
            &self.models_without_organization,
        );
        list(
            "UNRESOLVED organisations without country",
            &self.organizations_without_country,
        );
        list("hand-kept rows with no effect", &self.unused_hand_kept_rows);
        list(
            "elo-history duplicates with conflicting ratings",
            &self.elo_conflicting_duplicates,
        );
        list(
            "scrapes identical to the previous one (dropped)",
            &self.scrape_files_unchanged,
        );
        list(
            "scrape rows collapsed onto one key",
            &self.scrape_rows_collapsed,
        );
        list(
            "catalog files superseded by a later one of the same day",
            &self.catalog_files_superseded,
        );
        lines.push(format!(
            "history: {} rows ({}); registry: {} models",
            self.history_rows,
            self.history_rows_by_source
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.registry_models
        ));
        lines.push(format!(
            "inputs: {} leaderboard tables with keys ({} older without keys skipped), {} catalog files, {} scrapes, {} price tables; {} elo-history duplicate rows removed",
            self.leaderboard_tables_read,
            self.leaderboard_tables_without_keys,
            self.catalog_files,
            self.scrape_files,
            self.price_files,
            self.elo_duplicates_removed
        ));
        lines.push(format!(
            "prices: {}",
            self.priced_models
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        lines.push(if self.is_complete() {
            "complete: every model resolved".into()
        } else {
            "INCOMPLETE: see UNRESOLVED above".into()
        });
        lines.join("\n")
    }
}

pub struct BuildOutput {
    pub registry: Registry,
    pub history: History,
    pub report: BuildReport,
}

/// Maps a scraped display name to a model key using every (name, key, date) the keyed sources
/// give. Display names were reused across keys (a preview key renamed to its release key,
/// "ChatGPT-4o-latest" pointing at successive dated keys), so the pairing closest in time to
/// the scrape wins. Clues are tried strongest first: the hand-kept table, leaderboard display
/// names (exact, then ignoring case), the key itself spelt in another case, price-table names.
struct NameResolver {
    overrides: HashMap<String, String>,
    exact: HashMap<String, Vec<(Date, String)>>,
    lowercase: HashMap<String, Vec<(Date, String)>>,
    keys_lowercase: HashMap<String, String>,
    price_names: HashMap<String, Vec<(Date, String)>>,
}

impl NameResolver {
    fn new(facts: &[ModelFact], hand: &HandKept, known_keys: &BTreeSet<String>) -> NameResolver {
        let mut exact: HashMap<String, Vec<(Date, String)>> = HashMap::new();
        let mut lowercase: HashMap<String, Vec<(Date, String)>> = HashMap::new();
        let mut price_names: HashMap<String, Vec<(Date, String)>> = HashMap::new();
        for fact in facts {
            let Some(name) = &fact.name else { continue };
            match fact.name_kind {
                NameKind::Leaderboard => {
                    exact
                        .entry(name.clone())
                        .or_default()
                        .push((fact.date, fact.key.clone()));
                    lowercase
                        .entry(name.to_lowercase())
                        .or_default()
                        .push((fact.date, fact.key.clone()));
                }
                NameKind::PriceTable => {
                    price_names
                        .entry(name.clone())
                        .or_default()
                        .push((fact.date, fact.key.clone()));
                }
            }
        }
        let overrides = hand
            .models
            .iter()
            .filter_map(|(key, o)| o.display_name.clone().map(|name| (name, key.clone())))
            .collect();
        let keys_lowercase = known_keys
            .iter()
            .map(|k| (k.to_lowercase(), k.clone()))
            .collect();
        NameResolver {
            overrides,
            exact,
            lowercase,
            keys_lowercase,
            price_names,
        }
    }

    fn nearest(candidates: &[(Date, String)], date: Date) -> Option<String> {
        candidates
            .iter()
            .min_by(|(d1, k1), (d2, k2)| {
                let distance = |d: &Date| (d.days_since_epoch() - date.days_since_epoch()).abs();
                distance(d1)
                    .cmp(&distance(d2))
                    .then(d2.cmp(d1))
                    .then(k1.cmp(k2))
            })
            .map(|(_, key)| key.clone())
    }

    fn resolve(&self, name: &str, date: Date) -> Option<String> {
        if let Some(key) = self.overrides.get(name) {
            return Some(key.clone());
        }
        if let Some(found) = self
            .exact
            .get(name)
            .and_then(|c| NameResolver::nearest(c, date))
        {
            return Some(found);
        }
        let lower = name.to_lowercase();
        if let Some(found) = self
            .lowercase
            .get(&lower)
            .and_then(|c| NameResolver::nearest(c, date))
        {
            return Some(found);
        }
        // Newer display names are often the key itself in another case ("Gemini-2.5-Pro").
        if let Some(key) = self.keys_lowercase.get(&lower) {
            return Some(key.clone());
        }
        self.price_names
            .get(name)
            .and_then(|c| NameResolver::nearest(c, date))
    }
}

/// Choices that change what is shipped.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Keep only these LMArena categories from the catalog JSON (all when `None`). The overall
    /// category `full` is always kept: the other sources publish only it.
    pub categories: Option<BTreeSet<String>>,
}

/// Builds registry and history. Unresolved items do not abort the build; they are listed in
/// the report (and make [`BuildReport::is_complete`] false).
pub fn build(
    shared: &SharedPaths,
    registry_dir: &Path,
    options: &BuildOptions,
) -> Result<BuildOutput> {
    let hand = HandKept::read(registry_dir)?;
    let mut report = BuildReport::default();
    let sources = Sources::read(shared, &mut report)?;

    // Facts in a fixed source order; a stable sort by date later keeps it for equal dates.
    let mut facts: Vec<ModelFact> = Vec::new();
    facts.extend(sources.elo.facts);
    facts.extend(sources.tables.facts);
    facts.extend(sources.prices.facts);

    let mut rows: Vec<HistoryRow> = Vec::new();
    rows.extend(sources.elo.rows);
    rows.extend(sources.catalog.rows.into_iter().filter(|row| {
        row.category == OVERALL_CATEGORY
            || options
                .categories
                .as_ref()
                .is_none_or(|keep| keep.contains(&row.category))
    }));

    let known_keys: BTreeSet<String> = facts
        .iter()
        .map(|f| f.key.clone())
        .chain(rows.iter().map(|r| r.key.clone()))
        .collect();
    let resolver = NameResolver::new(&facts, &hand, &known_keys);

    let scrapes = readers::read_scrapes(&shared.scrapes())?;
    report.scrape_files = scrapes.len();
    add_scrapes(scrapes, &resolver, &mut facts, &mut rows, &mut report);
    facts.sort_by_key(|f| f.date);

    let mut facts_by_key: BTreeMap<&str, Vec<&ModelFact>> = BTreeMap::new();
    for fact in &facts {
        facts_by_key
            .entry(fact.key.as_str())
            .or_default()
            .push(fact);
    }
    let mut first_seen: BTreeMap<&str, Date> = BTreeMap::new();
    for row in &rows {
        let entry = first_seen.entry(row.key.as_str()).or_insert(row.date);
        if row.date < *entry {
            *entry = row.date;
        }
    }

    let mut records = RecordMaker {
        hand: &hand,
        countries: Countries::new(&sources.epoch, &hand),
        arena_prices: &sources.prices.latest,
        genai: &sources.genai,
        used_aliases: BTreeSet::new(),
    };
    let mut models = Vec::new();
    for (&key, &seen) in &first_seen {
        let key_facts = facts_by_key.get(key).map(Vec::as_slice).unwrap_or(&[]);
        models.push(records.record(key, seen, key_facts, &mut report)?);
    }
    report.unused_hand_kept_rows =
        records.unused_hand_kept_rows(|key| first_seen.contains_key(key));
    report.organizations_without_country = records.countries.unresolved.into_iter().collect();

    let history = History::from_rows(rows);
    report.history_rows = history.rows().len();
    for row in history.rows() {
        *report
            .history_rows_by_source
            .entry(row.source.code())
            .or_default() += 1;
    }
    let registry = Registry::from_models("build", models)?;
    report.registry_models = registry.models().len();
    Ok(BuildOutput {
        registry,
        history,
        report,
    })
}

/// Every public input but the scrapes, read once; what they say about themselves goes into the
/// report.
struct Sources {
    elo: readers::EloHistory,
    tables: readers::LeaderboardTables,
    catalog: readers::Catalog,
    prices: readers::ArenaPrices,
    genai: genai::GenaiPrices,
    /// Epoch AI's organisations by lower-cased name: (name, country field).
    epoch: BTreeMap<String, (String, String)>,
}

impl Sources {
    fn read(shared: &SharedPaths, report: &mut BuildReport) -> Result<Sources> {
        let mut elo = readers::read_elo_history(&shared.elo_history())?;
        report.elo_duplicates_removed = elo.duplicates_removed;
        report.elo_conflicting_duplicates = std::mem::take(&mut elo.conflicting_duplicates);
        let tables = readers::read_leaderboard_tables(&shared.leaderboard_tables())?;
        report.leaderboard_tables_read = tables.files_read;
        report.leaderboard_tables_without_keys = tables.files_without_keys;
        let mut catalog =
            readers::read_catalog(&shared.catalog_plain(), &shared.catalog_style_control())?;
        report.catalog_files = catalog.files_read;
        report.catalog_files_superseded = std::mem::take(&mut catalog.superseded);
        let prices = readers::read_arena_prices(&shared.arena_prices())?;
        report.price_files = prices.files_read;
        let genai = genai::GenaiPrices::read(&shared.genai_prices())?;
        let epoch = readers::read_epoch_organizations(&shared.epoch_organizations())?;
        Ok(Sources {
            elo,
            tables,
            catalog,
            prices,
            genai,
            epoch,
        })
    }
}

/// Adds the scraped leaderboards: each row resolved to a key (by [`NameResolver`]) becomes a
/// fact and a history row. A scrape identical to the previous one is not a new snapshot; two
/// names of one file resolving to the same key keep the first (higher-ranked) row.
fn add_scrapes(
    scrapes: Vec<readers::ScrapedTable>,
    resolver: &NameResolver,
    facts: &mut Vec<ModelFact>,
    rows: &mut Vec<HistoryRow>,
    report: &mut BuildReport,
) {
    let mut previous_signature: Option<Vec<String>> = None;
    for table in scrapes {
        let signature: Vec<String> = table
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}|{}|{:?}|{:?}|{:?}",
                    r.name, r.rating, r.lower, r.upper, r.votes
                )
            })
            .collect();
        let unchanged = previous_signature.as_ref() == Some(&signature);
        previous_signature = Some(signature);
        if unchanged {
            report.scrape_files_unchanged.push(table.file.clone());
            continue;
        }
        let mut keys_in_file: BTreeMap<String, String> = BTreeMap::new();
        for row in table.rows {
            let Some(key) = resolver.resolve(&row.name, table.date) else {
                report
                    .unresolved_names
                    .push(format!("{} line {}: {}", table.file, row.line, row.name));
                continue;
            };
            if let Some(first_name) = keys_in_file.get(&key) {
                report.scrape_rows_collapsed.push(format!(
                    "{}: `{}` and `{}` → {key}",
                    table.file, first_name, row.name
                ));
                continue;
            }
            keys_in_file.insert(key.clone(), row.name.clone());
            facts.push(ModelFact {
                key: key.clone(),
                date: table.date,
                name_kind: NameKind::Leaderboard,
                name: Some(row.name.clone()),
                organization: row.organization.clone(),
                license: row.license.clone(),
            });
            rows.push(HistoryRow {
                date: table.date,
                source: Source::LeaderboardScrape,
                style_control: false,
                category: OVERALL_CATEGORY.to_string(),
                key,
                rating: row.rating,
                lower: row.lower,
                upper: row.upper,
                votes: row.votes,
            });
        }
    }
}

/// The country of an organisation: Epoch AI's first, else the hand-kept override (a stated
/// country or another Epoch AI name); remembers which overrides were used and which
/// organisations stayed without a country.
struct Countries<'a> {
    epoch: &'a BTreeMap<String, (String, String)>,
    hand: &'a HandKept,
    used_overrides: BTreeSet<String>,
    unresolved: BTreeSet<String>,
}

impl<'a> Countries<'a> {
    fn new(epoch: &'a BTreeMap<String, (String, String)>, hand: &'a HandKept) -> Countries<'a> {
        Countries {
            epoch,
            hand,
            used_overrides: BTreeSet::new(),
            unresolved: BTreeSet::new(),
        }
    }

    /// "Unknown" (and noted) when no source knows; an error when an override names an Epoch
    /// AI organisation without a country.
    fn country_of(&mut self, org: &str) -> Result<String> {
        if let Some((_, field)) = self.epoch.get(&org.to_lowercase())
            && let Some(country) = readers::primary_country(field)
        {
            return Ok(country);
        }
        match self.hand.org_countries.get(org) {
            Some(CountryBasis::Stated(country)) => {
                self.used_overrides.insert(org.to_string());
                Ok(country.clone())
            }
            Some(CountryBasis::EpochName(epoch_name)) => {
                self.used_overrides.insert(org.to_string());
                let field = self
                    .epoch
                    .get(&epoch_name.to_lowercase())
                    .map(|(_, f)| f.as_str())
                    .unwrap_or("");
                readers::primary_country(field).ok_or_else(|| {
                    Error::format(
                        hand_kept::ORG_COUNTRY_OVERRIDES_FILE,
                        format!("`{org}`: Epoch AI has no country for `{epoch_name}`"),
                    )
                })
            }
            None => {
                self.unresolved.insert(org.to_string());
                Ok("Unknown".to_string())
            }
        }
    }
}

/// Makes one registry row per model key from its facts (oldest first), the hand-kept tables
/// (which win) and the price tables; remembers which organisation aliases were used.
struct RecordMaker<'a> {
    hand: &'a HandKept,
    countries: Countries<'a>,
    arena_prices: &'a BTreeMap<String, readers::ObservedPrice>,
    genai: &'a genai::GenaiPrices,
    used_aliases: BTreeSet<String>,
}

impl RecordMaker<'_> {
    fn record(
        &mut self,
        key: &str,
        seen: Date,
        key_facts: &[&ModelFact],
        report: &mut BuildReport,
    ) -> Result<ModelRecord> {
        let manual = self.hand.models.get(key);
        let latest = |pick: fn(&ModelFact) -> Option<&String>| {
            key_facts.iter().rev().find_map(|f| pick(f)).cloned()
        };
        let display_name = display_name(manual, key_facts, key);
        let other_names: BTreeSet<String> = key_facts
            .iter()
            .filter_map(|f| f.name.clone())
            .filter(|n| *n != display_name)
            .collect();
        // Every spelling any source used must resolve, not just the latest one.
        for fact in key_facts {
            if let Some(org) = &fact.organization {
                let canonical = self.canonical_org(org);
                self.countries.country_of(&canonical)?;
            }
        }
        let organization = match manual
            .and_then(|m| m.organization.clone())
            .or_else(|| latest(|f| f.organization.as_ref()))
        {
            Some(org) => self.canonical_org(&org),
            None => {
                report.models_without_organization.push(key.to_string());
                "Unknown".to_string()
            }
        };
        let country = if organization == "Unknown" {
            "Unknown".to_string()
        } else {
            self.countries.country_of(&organization)?
        };
        let license = manual
            .and_then(|m| m.license.clone())
            .or_else(|| latest(|f| f.license.as_ref()))
            .unwrap_or_default();
        let price = self.price(key, &organization, report);
        Ok(ModelRecord {
            key: key.to_string(),
            display_name,
            other_names: other_names.into_iter().collect(),
            organization,
            country,
            open_weights: OpenWeights::from_license(&license),
            license,
            first_seen: Some(seen),
            price,
        })
    }

    /// The hand-kept canonical spelling of an organisation, noting a used alias.
    fn canonical_org(&mut self, org: &str) -> String {
        if self.hand.org_aliases.contains_key(org.trim()) {
            self.used_aliases.insert(org.trim().to_string());
        }
        self.hand.canonical_org(org)
    }

    /// LMArena's observed price first, else the first-party list price from genai-prices;
    /// counted per source in the report.
    fn price(&self, key: &str, organization: &str, report: &mut BuildReport) -> Option<Price> {
        if let Some(observed) = self.arena_prices.get(key) {
            *report
                .priced_models
                .entry("lmarena-prices".into())
                .or_default() += 1;
            Some(Price {
                input_usd_per_mtok: observed.input,
                output_usd_per_mtok: observed.output,
                date: Some(observed.date),
                source: format!("lmarena-prices {}", observed.file),
            })
        } else if let Some(found) = self.genai.first_party_price(organization, key) {
            *report
                .priced_models
                .entry("genai-prices".into())
                .or_default() += 1;
            Some(Price {
                input_usd_per_mtok: found.input,
                output_usd_per_mtok: found.output,
                date: found.start_date,
                source: format!("genai-prices {}", found.id),
            })
        } else {
            None
        }
    }

    /// Hand-kept rows that changed nothing: aliases and country overrides never used, model
    /// overrides for keys not in the history.
    fn unused_hand_kept_rows(&self, in_history: impl Fn(&str) -> bool) -> Vec<String> {
        let hand = self.hand;
        let mut unused = Vec::new();
        for alias in hand.org_aliases.keys() {
            if !self.used_aliases.contains(alias) {
                unused.push(format!("{}: {alias}", hand_kept::ORG_ALIASES_FILE));
            }
        }
        for org in hand.org_countries.keys() {
            if !self.countries.used_overrides.contains(org) {
                let why = if self.countries.epoch.contains_key(&org.to_lowercase()) {
                    " (Epoch AI already lists it)"
                } else {
                    ""
                };
                unused.push(format!(
                    "{}: {org}{why}",
                    hand_kept::ORG_COUNTRY_OVERRIDES_FILE
                ));
            }
        }
        for key in hand.models.keys() {
            if !in_history(key) {
                unused.push(format!(
                    "{}: {key} (not in the history)",
                    hand_kept::MODEL_OVERRIDES_FILE
                ));
            }
        }
        unused
    }
}

/// The hand-kept name, else the latest leaderboard display name, else the latest price-table
/// (marketing) name, else the key.
fn display_name(manual: Option<&ModelOverride>, key_facts: &[&ModelFact], key: &str) -> String {
    let latest = |pick: fn(&ModelFact) -> Option<&String>| {
        key_facts.iter().rev().find_map(|f| pick(f)).cloned()
    };
    manual
        .and_then(|m| m.display_name.clone())
        .or_else(|| {
            latest(|f| {
                f.name
                    .as_ref()
                    .filter(|_| f.name_kind == NameKind::Leaderboard)
            })
        })
        .or_else(|| latest(|f| f.name.as_ref()))
        .unwrap_or_else(|| key.to_string())
}

/// Writes `registry/models.csv` and `history/history.csv` under a data directory.
pub fn write(output: &BuildOutput, data_dir: &Path) -> Result<Vec<PathBuf>> {
    let targets = [
        (
            data_dir.join("registry/models.csv"),
            output.registry.to_csv()?,
        ),
        (
            data_dir.join("history/history.csv"),
            output.history.to_csv()?,
        ),
    ];
    let mut written = Vec::new();
    for (path, text) in targets {
        std::fs::write(&path, text).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
