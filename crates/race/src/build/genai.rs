//! Prices from pydantic's `genai-prices.json`, used for models LMArena's own price table lacks.
//!
//! Only the model maker's own API is consulted (OpenAI's price for an OpenAI model, …): resellers
//! such as OpenRouter or Together price hosting, not the model, and would make the value
//! comparison depend on which host happened to be listed.

use crate::date::Date;
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;

/// Canonical organisation (as in the registry) → genai-prices provider id of its own API.
pub const FIRST_PARTY_PROVIDERS: [(&str, &str); 12] = [
    ("Amazon", "aws"),
    ("Anthropic", "anthropic"),
    ("Cohere", "cohere"),
    ("DeepSeek", "deepseek"),
    ("Google", "google"),
    ("MiniMax", "minimax"),
    ("Mistral AI", "mistral"),
    ("Moonshot", "moonshotai"),
    ("OpenAI", "openai"),
    ("Perplexity AI", "perplexity"),
    ("xAI", "x-ai"),
    ("Zhipu AI", "zhipuai"),
];

/// A model-name matching rule of genai-prices.
#[derive(Clone, Debug)]
enum Clause {
    Equals(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    /// Regex rules (7 of ~1,400) are not evaluated: no regex dependency for so few; they never match.
    Regex,
    Or(Vec<Clause>),
    And(Vec<Clause>),
}

impl Clause {
    fn parse(value: &Value) -> Option<Clause> {
        let object = value.as_object()?;
        let (kind, argument) = object.iter().next()?;
        let text = || argument.as_str().map(str::to_lowercase);
        let list = || {
            argument
                .as_array()
                .map(|items| items.iter().filter_map(Clause::parse).collect())
        };
        match kind.as_str() {
            "equals" => text().map(Clause::Equals),
            "starts_with" => text().map(Clause::StartsWith),
            "ends_with" => text().map(Clause::EndsWith),
            "contains" => text().map(Clause::Contains),
            "regex" => Some(Clause::Regex),
            "or" => list().map(Clause::Or),
            "and" => list().map(Clause::And),
            _ => None,
        }
    }

    fn matches(&self, key: &str) -> bool {
        match self {
            Clause::Equals(s) => key == s,
            Clause::StartsWith(s) => key.starts_with(s.as_str()),
            Clause::EndsWith(s) => key.ends_with(s.as_str()),
            Clause::Contains(s) => key.contains(s.as_str()),
            Clause::Regex => false,
            Clause::Or(clauses) => clauses.iter().any(|c| c.matches(key)),
            Clause::And(clauses) => clauses.iter().all(|c| c.matches(key)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GenaiPrice {
    pub input: f64,
    pub output: f64,
    /// The `start_date` of the price when the table dates it.
    pub start_date: Option<Date>,
    /// `provider/model-id`.
    pub id: String,
}

struct GenaiModel {
    id: String,
    clause: Clause,
    price: Option<(f64, f64, Option<Date>)>,
}

pub struct GenaiPrices {
    providers: Vec<(String, Vec<GenaiModel>)>,
}

/// A price field is a number or `{"base": number, "tiers": …}` (volume tiers; the base applies).
fn per_mtok(prices: &Value, field: &str) -> Option<f64> {
    let value = prices.get(field)?;
    let number = value
        .as_f64()
        .or_else(|| value.get("base").and_then(Value::as_f64))?;
    (number.is_finite() && number >= 0.0).then_some(number)
}

/// The current price: with a dated list, the latest-starting entry that is not a time-of-day
/// discount window (`start_time`/`end_time`).
fn current_price(prices: &Value) -> Option<(f64, f64, Option<Date>)> {
    let pair = |p: &Value| Some((per_mtok(p, "input_mtok")?, per_mtok(p, "output_mtok")?));
    match prices {
        Value::Array(entries) => {
            let mut best: Option<(Option<Date>, (f64, f64))> = None;
            for entry in entries {
                let constraint = entry.get("constraint");
                if constraint
                    .is_some_and(|c| c.get("start_time").is_some() || c.get("end_time").is_some())
                {
                    continue;
                }
                let start = constraint
                    .and_then(|c| c.get("start_date"))
                    .and_then(Value::as_str)
                    .and_then(Date::parse);
                let Some(price) = entry.get("prices").and_then(pair) else {
                    continue;
                };
                if best
                    .as_ref()
                    .is_none_or(|(best_start, _)| start >= *best_start)
                {
                    best = Some((start, price));
                }
            }
            best.map(|(start, (input, output))| (input, output, start))
        }
        Value::Object(_) => pair(prices).map(|(input, output)| (input, output, None)),
        _ => None,
    }
}

impl GenaiPrices {
    pub fn read(path: &Path) -> Result<GenaiPrices> {
        let text = crate::csvio::read_text(path)?;
        GenaiPrices::parse(&path.display().to_string(), &text)
    }

    /// Parses the table: a list of providers, each with an `id` and a list of `models`. A
    /// provider without them is an error naming its position (a different format, or a file
    /// cut short, is never read as an empty table); models without a usable rule are skipped as
    /// genai-prices itself would never match them.
    pub fn parse(file: &str, text: &str) -> Result<GenaiPrices> {
        let root: Value = serde_json::from_str(text).map_err(|source| Error::Json {
            file: file.to_string(),
            source,
        })?;
        let providers_json = root
            .as_array()
            .ok_or_else(|| Error::format(file, "expected a list of providers"))?;
        let mut providers = Vec::new();
        for (i, provider) in providers_json.iter().enumerate() {
            let Some(provider_id) = provider.get("id").and_then(Value::as_str) else {
                return Err(Error::format(
                    file,
                    format!(
                        "provider {} has no `id`: expected {{\"id\", \"models\": [...]}}",
                        i + 1
                    ),
                ));
            };
            let Some(models_json) = provider.get("models").and_then(Value::as_array) else {
                return Err(Error::format(
                    file,
                    format!("provider `{provider_id}` has no `models` list"),
                ));
            };
            let mut models = Vec::new();
            for model in models_json {
                let Some(id) = model.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let Some(clause) = model.get("match").and_then(Clause::parse) else {
                    continue;
                };
                let price = model.get("prices").and_then(current_price);
                models.push(GenaiModel {
                    id: id.to_string(),
                    clause,
                    price,
                });
            }
            providers.push((provider_id.to_string(), models));
        }
        Ok(GenaiPrices { providers })
    }

    /// How many models of the table have a usable price.
    pub fn priced_models(&self) -> usize {
        self.providers
            .iter()
            .map(|(_, models)| models.iter().filter(|m| m.price.is_some()).count())
            .sum()
    }

    /// The latest `start_date` of any current price (the table's newest dated change).
    pub fn newest_price_date(&self) -> Option<Date> {
        self.providers
            .iter()
            .flat_map(|(_, models)| models.iter().filter_map(|m| m.price.and_then(|p| p.2)))
            .max()
    }

    /// The first-party price of a model key, if its organisation has an API listed and a rule
    /// of that provider matches the key (first matching rule, as genai-prices itself does).
    pub fn first_party_price(&self, organization: &str, key: &str) -> Option<GenaiPrice> {
        let provider_id = FIRST_PARTY_PROVIDERS
            .iter()
            .find(|(org, _)| *org == organization)?
            .1;
        let (_, models) = self.providers.iter().find(|(id, _)| id == provider_id)?;
        let key = key.to_lowercase();
        let model = models.iter().find(|m| m.clause.matches(&key))?;
        let (input, output, start_date) = model.price?;
        Some(GenaiPrice {
            input,
            output,
            start_date,
            id: format!("{provider_id}/{}", model.id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn clauses_and_dated_prices() {
        let clause =
            Clause::parse(&json!({"or": [{"starts_with": "claude-2"}, {"contains": "claude-v2"}]}))
                .unwrap();
        assert!(clause.matches("claude-2.1"));
        assert!(!clause.matches("claude-3-opus"));
        let prices = json!([
            {"prices": {"input_mtok": {"base": 5, "tiers": []}, "output_mtok": 25}},
            {"constraint": {"start_date": "2026-03-13"}, "prices": {"input_mtok": 4, "output_mtok": 20}},
            {"constraint": {"start_time": "16:30", "end_time": "00:30"}, "prices": {"input_mtok": 1, "output_mtok": 2}}
        ]);
        assert_eq!(
            current_price(&prices),
            Some((4.0, 20.0, Date::parse("2026-03-13")))
        );
        assert_eq!(
            current_price(&json!({"input_mtok": 1.5, "output_mtok": 2})),
            Some((1.5, 2.0, None))
        );
    }
}
