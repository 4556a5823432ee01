//! The three small hand-kept tables in `data/registry/` that fill what the public data miss.
//! Each row carries its reason, and the build reports rows that no longer do anything.

use crate::csvio::{self, CsvText};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

pub const ORG_ALIASES_FILE: &str = "org_aliases.csv";
pub const ORG_COUNTRY_OVERRIDES_FILE: &str = "org_country_overrides.csv";
pub const MODEL_OVERRIDES_FILE: &str = "model_overrides.csv";

/// Where an override's country comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountryBasis {
    /// Epoch AI lists the organisation under another name; its country is read from there.
    EpochName(String),
    /// Not in Epoch AI's table at all; the country is stated by hand (with the basis noted).
    Stated(String),
}

#[derive(Clone, Debug)]
pub struct HandKept {
    /// Leaderboard spelling → canonical organisation name.
    pub org_aliases: BTreeMap<String, String>,
    /// Canonical organisation → where its country comes from.
    pub org_countries: BTreeMap<String, CountryBasis>,
    /// Model key → fields that replace (or supply) what the sources say.
    pub models: BTreeMap<String, ModelOverride>,
}

#[derive(Clone, Debug, Default)]
pub struct ModelOverride {
    pub display_name: Option<String>,
    pub organization: Option<String>,
    pub license: Option<String>,
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// org_aliases.csv: leaderboard spelling → canonical organisation, each spelling once.
fn read_org_aliases(registry_dir: &Path) -> Result<BTreeMap<String, String>> {
    let aliases = CsvText::read(&registry_dir.join(ORG_ALIASES_FILE))?;
    let (from_c, to_c) = (
        aliases.column("organization")?,
        aliases.column("canonical")?,
    );
    let mut org_aliases = BTreeMap::new();
    for record in &aliases.records {
        let from = csvio::text(record, from_c);
        let to = csvio::text(record, to_c);
        if from.is_empty() || to.is_empty() {
            return Err(Error::field(
                &aliases.file,
                csvio::line_of(record),
                "canonical",
                "both columns are required",
            ));
        }
        if org_aliases
            .insert(from.to_string(), to.to_string())
            .is_some()
        {
            return Err(Error::field(
                &aliases.file,
                csvio::line_of(record),
                "organization",
                format!("`{from}` listed twice"),
            ));
        }
    }
    Ok(org_aliases)
}

/// org_country_overrides.csv: each canonical organisation once, with exactly one of a stated
/// country or the name Epoch AI lists it under.
fn read_org_countries(
    registry_dir: &Path,
    org_aliases: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, CountryBasis>> {
    let countries = CsvText::read(&registry_dir.join(ORG_COUNTRY_OVERRIDES_FILE))?;
    let (org_c, country_c, epoch_c) = (
        countries.column("organization")?,
        countries.column("country")?,
        countries.column("epoch_organization")?,
    );
    countries.column("basis")?;
    let mut org_countries = BTreeMap::new();
    for record in &countries.records {
        let line = csvio::line_of(record);
        let org = csvio::text(record, org_c);
        let basis = match (
            non_empty(csvio::text(record, country_c)),
            non_empty(csvio::text(record, epoch_c)),
        ) {
            (Some(country), None) => CountryBasis::Stated(country),
            (None, Some(epoch)) => CountryBasis::EpochName(epoch),
            _ => {
                return Err(Error::field(
                    &countries.file,
                    line,
                    "country",
                    "give exactly one of country and epoch_organization",
                ));
            }
        };
        if org.is_empty() {
            return Err(Error::field(&countries.file, line, "organization", "empty"));
        }
        if org_aliases.contains_key(org) {
            return Err(Error::field(
                &countries.file,
                line,
                "organization",
                format!("`{org}` is an alias; use its canonical name"),
            ));
        }
        if org_countries.insert(org.to_string(), basis).is_some() {
            return Err(Error::field(
                &countries.file,
                line,
                "organization",
                format!("`{org}` listed twice"),
            ));
        }
    }
    Ok(org_countries)
}

/// model_overrides.csv: model key → the fields that replace what the sources say, each key once.
fn read_model_overrides(registry_dir: &Path) -> Result<BTreeMap<String, ModelOverride>> {
    let overrides = CsvText::read(&registry_dir.join(MODEL_OVERRIDES_FILE))?;
    let (key_c, name_c, model_org_c, license_c) = (
        overrides.column("key")?,
        overrides.column("display_name")?,
        overrides.column("organization")?,
        overrides.column("license")?,
    );
    let mut models = BTreeMap::new();
    for record in &overrides.records {
        let key = csvio::text(record, key_c);
        if key.is_empty() {
            return Err(Error::field(
                &overrides.file,
                csvio::line_of(record),
                "key",
                "empty",
            ));
        }
        let entry = ModelOverride {
            display_name: non_empty(csvio::text(record, name_c)),
            organization: non_empty(csvio::text(record, model_org_c)),
            license: non_empty(csvio::text(record, license_c)),
        };
        if models.insert(key.to_string(), entry).is_some() {
            return Err(Error::field(
                &overrides.file,
                csvio::line_of(record),
                "key",
                format!("`{key}` listed twice"),
            ));
        }
    }
    Ok(models)
}

impl HandKept {
    /// Reads the three tables from a registry directory (`data/registry`).
    pub fn read(registry_dir: &Path) -> Result<HandKept> {
        let org_aliases = read_org_aliases(registry_dir)?;
        let org_countries = read_org_countries(registry_dir, &org_aliases)?;
        let models = read_model_overrides(registry_dir)?;
        Ok(HandKept {
            org_aliases,
            org_countries,
            models,
        })
    }

    /// The canonical spelling of an organisation as the leaderboards wrote it.
    pub fn canonical_org(&self, name: &str) -> String {
        let name = name.trim();
        self.org_aliases
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }
}
