//! The model registry: one row per leaderboard model key with its names, organisation, country,
//! licence, open-weights status, first appearance and API price. Built once from the public data
//! by [`crate::build`], shipped as `data/registry/models.csv` and embedded in the binary, so the
//! race commands never read anything outside the repository at run time.

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;

/// The shipped registry, embedded so the binary is self-contained.
pub const MODELS_CSV: &str = include_str!("../../../data/registry/models.csv");
/// Where the shipped registry lives in the repository (for provenance lines and errors).
pub const MODELS_FILE: &str = "data/registry/models.csv";

/// Column order of `models.csv`; also the order the builder writes.
pub const MODELS_HEADER: [&str; 12] = [
    "key",
    "display_name",
    "other_names",
    "organization",
    "country",
    "license",
    "open_weights",
    "first_seen",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "price_date",
    "price_source",
];

/// Separator of alternative display names inside the `other_names` field.
pub const NAME_SEPARATOR: &str = " | ";

/// Whether a model's weights are published. Derived from the licence string the leaderboards
/// give; "unknown" when the licence is missing or says nothing ("-", "N/A", "Other").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenWeights {
    Yes,
    No,
    Unknown,
}

impl OpenWeights {
    pub fn as_str(&self) -> &'static str {
        match self {
            OpenWeights::Yes => "yes",
            OpenWeights::No => "no",
            OpenWeights::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<OpenWeights> {
        match text {
            "yes" => Some(OpenWeights::Yes),
            "no" => Some(OpenWeights::No),
            "unknown" => Some(OpenWeights::Unknown),
            _ => None,
        }
    }

    /// The leaderboards mark closed models "Proprietary" (once misspelt "Propretary"); every
    /// other named licence (Apache, MIT, Llama, Gemma, Qwen, "Non-commercial", …) is a weights
    /// licence.
    pub fn from_license(license: &str) -> OpenWeights {
        let lower = license.trim().to_ascii_lowercase();
        match lower.as_str() {
            "" | "-" | "n/a" | "other" | "unknown" => OpenWeights::Unknown,
            "proprietary" | "propretary" => OpenWeights::No,
            _ => OpenWeights::Yes,
        }
    }
}

/// An API list price in US dollars per million tokens.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Price {
    pub input_usd_per_mtok: f64,
    pub output_usd_per_mtok: f64,
    /// When the price was published (the price table's file date); `None` for undated tables.
    pub date: Option<Date>,
    pub source: String,
}

/// Weight of input tokens in the blended price: 3 input tokens per output token, the blend
/// LMArena's and Artificial Analysis's price plots use.
pub const BLEND_INPUT_WEIGHT: f64 = 3.0;
pub const BLEND_OUTPUT_WEIGHT: f64 = 1.0;
pub const BLEND_DESCRIPTION: &str =
    "3:1 input:output — (3 × input + 1 × output) / 4 USD per million tokens";

impl Price {
    /// The 3:1 input:output blended price in USD per million tokens.
    pub fn blended(&self) -> f64 {
        (BLEND_INPUT_WEIGHT * self.input_usd_per_mtok
            + BLEND_OUTPUT_WEIGHT * self.output_usd_per_mtok)
            / (BLEND_INPUT_WEIGHT + BLEND_OUTPUT_WEIGHT)
    }
}

/// One model key of the leaderboards.
#[derive(Clone, Debug, Serialize)]
pub struct ModelRecord {
    pub key: String,
    /// The most recent display name the leaderboards used for this key.
    pub display_name: String,
    /// Earlier or alternative display names.
    pub other_names: Vec<String>,
    pub organization: String,
    pub country: String,
    pub license: String,
    pub open_weights: OpenWeights,
    /// First snapshot date the key appears in the shipped history.
    pub first_seen: Option<Date>,
    pub price: Option<Price>,
}

/// All models, sorted by key.
#[derive(Clone, Debug)]
pub struct Registry {
    models: Vec<ModelRecord>,
    index: HashMap<String, usize>,
}

impl Registry {
    /// The registry shipped in `data/registry/models.csv`.
    pub fn shipped() -> Result<Registry> {
        Registry::parse(MODELS_FILE, MODELS_CSV)
    }

    pub fn parse(file: &str, text: &str) -> Result<Registry> {
        let table = CsvText::parse(file, text)?;
        let col = |name: &str| table.column(name);
        let (key_c, name_c, other_c, org_c, country_c, license_c, open_c, seen_c) = (
            col("key")?,
            col("display_name")?,
            col("other_names")?,
            col("organization")?,
            col("country")?,
            col("license")?,
            col("open_weights")?,
            col("first_seen")?,
        );
        let (input_c, output_c, date_c, source_c) = (
            col("input_usd_per_mtok")?,
            col("output_usd_per_mtok")?,
            col("price_date")?,
            col("price_source")?,
        );
        let mut models = Vec::with_capacity(table.records.len());
        for record in &table.records {
            let line = csvio::line_of(record);
            let key = csvio::text(record, key_c).to_string();
            if key.is_empty() {
                return Err(Error::field(file, line, "key", "empty"));
            }
            let open_text = csvio::text(record, open_c);
            let open_weights = OpenWeights::parse(open_text).ok_or_else(|| {
                Error::field(
                    file,
                    line,
                    "open_weights",
                    format!("`{open_text}` is not yes/no/unknown"),
                )
            })?;
            let first_seen =
                parse_optional_date(file, line, "first_seen", csvio::text(record, seen_c))?;
            let input = csvio::optional_number(file, record, input_c, "input_usd_per_mtok")?;
            let output = csvio::optional_number(file, record, output_c, "output_usd_per_mtok")?;
            let price = match (input, output) {
                (Some(input), Some(output)) => Some(Price {
                    input_usd_per_mtok: input,
                    output_usd_per_mtok: output,
                    date: parse_optional_date(
                        file,
                        line,
                        "price_date",
                        csvio::text(record, date_c),
                    )?,
                    source: csvio::text(record, source_c).to_string(),
                }),
                (None, None) => None,
                _ => {
                    return Err(Error::field(
                        file,
                        line,
                        "output_usd_per_mtok",
                        "input and output prices must both be present or both empty",
                    ));
                }
            };
            let other_names = csvio::text(record, other_c)
                .split(NAME_SEPARATOR.trim())
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            models.push(ModelRecord {
                key,
                display_name: csvio::text(record, name_c).to_string(),
                other_names,
                organization: csvio::text(record, org_c).to_string(),
                country: csvio::text(record, country_c).to_string(),
                license: csvio::text(record, license_c).to_string(),
                open_weights,
                first_seen,
                price,
            });
        }
        Registry::from_models(file, models)
    }

    /// Sorts by key and rejects duplicate keys.
    pub fn from_models(file: &str, mut models: Vec<ModelRecord>) -> Result<Registry> {
        models.sort_by(|a, b| a.key.cmp(&b.key));
        let mut index = HashMap::with_capacity(models.len());
        for (position, model) in models.iter().enumerate() {
            if index.insert(model.key.clone(), position).is_some() {
                return Err(Error::format(
                    file,
                    format!("duplicate model key `{}`", model.key),
                ));
            }
        }
        Ok(Registry { models, index })
    }

    pub fn get(&self, key: &str) -> Option<&ModelRecord> {
        self.index.get(key).and_then(|&i| self.models.get(i))
    }

    pub fn models(&self) -> &[ModelRecord] {
        &self.models
    }

    /// The registry as the CSV text shipped in `data/registry/models.csv`.
    pub fn to_csv(&self) -> Result<String> {
        let rows: Vec<Vec<String>> = self
            .models
            .iter()
            .map(|m| {
                let (input, output, date, source) = match &m.price {
                    Some(p) => (
                        csvio::compact_number(p.input_usd_per_mtok, 4),
                        csvio::compact_number(p.output_usd_per_mtok, 4),
                        p.date.map(|d| d.to_string()).unwrap_or_default(),
                        p.source.clone(),
                    ),
                    None => Default::default(),
                };
                vec![
                    m.key.clone(),
                    m.display_name.clone(),
                    m.other_names.join(NAME_SEPARATOR),
                    m.organization.clone(),
                    m.country.clone(),
                    m.license.clone(),
                    m.open_weights.as_str().to_string(),
                    m.first_seen.map(|d| d.to_string()).unwrap_or_default(),
                    input,
                    output,
                    date,
                    source,
                ]
            })
            .collect();
        csvio::to_csv_string(MODELS_FILE, &MODELS_HEADER, &rows)
    }
}

fn parse_optional_date(file: &str, line: u64, field: &str, text: &str) -> Result<Option<Date>> {
    if text.is_empty() {
        return Ok(None);
    }
    Date::parse(text).map(Some).ok_or_else(|| {
        Error::field(
            file,
            line,
            field,
            format!("`{text}` is not a YYYY-MM-DD date"),
        )
    })
}

/// Epoch AI spells countries the UN way; the registry uses the short common names people type.
pub fn short_country_name(name: &str) -> String {
    match name.trim() {
        "United States of America" => "United States".to_string(),
        "United Kingdom of Great Britain and Northern Ireland" => "United Kingdom".to_string(),
        "Korea (Republic of)" => "South Korea".to_string(),
        "Iran (Islamic Republic of)" => "Iran".to_string(),
        "Russian Federation" => "Russia".to_string(),
        "Viet Nam" => "Vietnam".to_string(),
        "" => "Unknown".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_map_to_open_weights() {
        assert_eq!(OpenWeights::from_license("Proprietary"), OpenWeights::No);
        assert_eq!(OpenWeights::from_license("Propretary"), OpenWeights::No);
        assert_eq!(
            OpenWeights::from_license("Llama 3.1 Community"),
            OpenWeights::Yes
        );
        assert_eq!(OpenWeights::from_license("-"), OpenWeights::Unknown);
    }

    #[test]
    fn blend_is_three_to_one() {
        let price = Price {
            input_usd_per_mtok: 2.0,
            output_usd_per_mtok: 10.0,
            date: None,
            source: String::new(),
        };
        assert!((price.blended() - 4.0).abs() < 1e-12);
    }

    #[test]
    fn registry_round_trips_through_csv() {
        let text = "key,display_name,other_names,organization,country,license,open_weights,first_seen,input_usd_per_mtok,output_usd_per_mtok,price_date,price_source\n\
                    m1,M One,Old M | Older M,Org,China,MIT,yes,2024-01-09,0.5,1.5,2025-02-01,test\n\
                    m0,M Zero,,Org,United States,Proprietary,no,,,,,\n";
        let registry = Registry::parse("inline", text).unwrap();
        assert_eq!(registry.models()[0].key, "m0");
        assert_eq!(
            registry.get("m1").unwrap().other_names,
            vec!["Old M", "Older M"]
        );
        let again = Registry::parse("again", &registry.to_csv().unwrap()).unwrap();
        assert_eq!(again.to_csv().unwrap(), registry.to_csv().unwrap());
        // The values survive the round trip (not only the text reproducing itself).
        let m1 = again.get("m1").unwrap();
        assert_eq!(
            (m1.display_name.as_str(), m1.country.as_str()),
            ("M One", "China")
        );
        assert_eq!(m1.other_names, vec!["Old M", "Older M"]);
        assert_eq!(m1.open_weights, OpenWeights::Yes);
        assert_eq!(m1.first_seen, Date::parse("2024-01-09"));
        let price = m1.price.as_ref().unwrap();
        assert_eq!(
            (price.input_usd_per_mtok, price.output_usd_per_mtok),
            (0.5, 1.5)
        );
        assert_eq!(price.date, Date::parse("2025-02-01"));
        assert!(again.get("m0").unwrap().price.is_none());
    }
}
