//! `versus.race.gap` and `versus.race.value`: the race figures of `versus race gap|value
//! --output json`, on the leaderboard history and model registry bundled with versus. Plain
//! Rust (no pyo3), so the CLI parity can be tested without Python.

use versus_present::Tabular;
use versus_race::gap::Every;
use versus_race::group::GroupBy;
use versus_race::history::History;
use versus_race::options::{GapOptions, LeaderboardOptions, OptionError, ValueOptions};
use versus_race::registry::Registry;
use versus_race::{gap, value};

/// What a race call asks for; the fields are `versus race gap|value`'s flags.
#[derive(Clone, Debug, Default)]
pub struct RaceCall {
    pub by: Option<String>,
    pub a: Option<String>,
    pub b: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub snapshot: Option<String>,
    pub every: Option<String>,
    pub max_price: Option<f64>,
    pub max_price_fraction: Option<f64>,
    pub category: Option<String>,
    pub style_control: bool,
}

/// An option refused, named as the Python keyword (the CLI names the flag).
fn option_error(e: OptionError) -> String {
    format!("{}: {}", e.option, e.message)
}

fn choice<T: Copy>(option: &str, got: Option<&str>, choices: &[(&str, T)]) -> Result<T, String> {
    let Some(got) = got else {
        return Ok(choices[0].1);
    };
    choices
        .iter()
        .find(|(name, _)| *name == got)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            format!("{option}: {got:?} is not one of {}", names.join(", "))
        })
}

impl RaceCall {
    fn by(&self) -> Result<GroupBy, String> {
        choice(
            "by",
            self.by.as_deref(),
            &[
                ("country", GroupBy::Country),
                ("licence", GroupBy::Licence),
                ("license", GroupBy::Licence),
                ("organisation", GroupBy::Organisation),
                ("organization", GroupBy::Organisation),
            ],
        )
    }

    fn leaderboard(&self) -> LeaderboardOptions {
        let mut l = LeaderboardOptions::default();
        if let Some(c) = &self.category {
            l.category = c.clone();
        }
        l.style_control = self.style_control;
        l
    }
}

fn bundled() -> Result<(Registry, History), String> {
    let registry = Registry::shipped().map_err(|e| e.to_string())?;
    let history = History::shipped().map_err(|e| e.to_string())?;
    Ok((registry, history))
}

/// `versus race gap --output json` on the bundled data.
pub fn gap_json(call: &RaceCall) -> Result<String, String> {
    let (registry, history) = bundled()?;
    let options = GapOptions {
        by: call.by()?,
        a: call.a.clone(),
        b: call.b.clone(),
        from: call.from.clone(),
        to: call.to.clone(),
        snapshot: call.snapshot.clone(),
        every: choice(
            "every",
            call.every.as_deref(),
            &[("snapshot", Every::Snapshot), ("month", Every::Month)],
        )?,
        leaderboard: call.leaderboard(),
    };
    let query = options.query(&registry).map_err(option_error)?;
    let report = gap::gap(&registry, &history, &query).map_err(|e| e.to_string())?;
    report
        .render(versus_present::OutputFormat::Json)
        .map_err(|e| e.to_string())
}

/// `versus race value --output json` on the bundled data.
pub fn value_json(call: &RaceCall) -> Result<String, String> {
    let (registry, history) = bundled()?;
    let options = ValueOptions {
        by: call.by()?,
        a: call.a.clone(),
        b: call.b.clone(),
        snapshot: call.snapshot.clone(),
        max_price: call.max_price,
        max_price_fraction: call.max_price_fraction,
        leaderboard: call.leaderboard(),
    };
    let query = options.query(&registry).map_err(option_error)?;
    let report = value::value(&registry, &history, &query).map_err(|e| e.to_string())?;
    report
        .render(versus_present::OutputFormat::Json)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_gap_is_united_states_against_china() {
        let json: serde_json::Value =
            serde_json::from_str(&gap_json(&RaceCall::default()).expect("gap")).expect("json");
        assert_eq!(json["a"], "United States");
        assert_eq!(json["b"], "China");
        assert!(json["points"].as_array().is_some_and(|p| p.len() > 100));
    }

    #[test]
    fn bad_options_name_the_keyword() {
        let call = RaceCall {
            by: Some("planet".into()),
            ..Default::default()
        };
        let e = gap_json(&call).expect_err("refused");
        assert!(e.starts_with("by: \"planet\" is not one of country"), "{e}");
        let call = RaceCall {
            snapshot: Some("2025-13-40".into()),
            ..Default::default()
        };
        assert!(
            value_json(&call)
                .expect_err("refused")
                .starts_with("snapshot:")
        );
    }
}
