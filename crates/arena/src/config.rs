//! The arena's configuration: a TOML file (`versus serve --config`), or the default — every
//! model of the built-in recorded prompt set (AlpacaEval answers), no network needed.
//!
//! See `config/arena.example.toml` for every key with ready-made live model entries.

use serde::{Deserialize, Serialize};

use crate::model::ModelMeta;

/// The whole configuration file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArenaConfig {
    #[serde(default)]
    pub arena: Settings,
    /// Recorded prompt sets whose models all take part (`all_models = true`).
    #[serde(default)]
    pub recorded: Vec<RecordedSetConfig>,
    /// Individual models (recorded or live).
    #[serde(default)]
    pub models: Vec<ModelConfig>,
}

impl ArenaConfig {
    /// The configuration used when none is given: the built-in AlpacaEval set, all 24 models.
    pub fn default_offline() -> ArenaConfig {
        ArenaConfig {
            arena: Settings::default(),
            recorded: vec![RecordedSetConfig::builtin()],
            models: Vec::new(),
        }
    }

    /// Parses a TOML configuration. With neither `[[recorded]]` nor `[[models]]`, the default
    /// recorded set is used.
    pub fn from_toml(text: &str) -> Result<ArenaConfig, ConfigError> {
        let mut c: ArenaConfig = toml::from_str(text).map_err(ConfigError::Toml)?;
        if c.recorded.is_empty() && c.models.is_empty() {
            c.recorded.push(RecordedSetConfig::builtin());
        }
        c.validate()?;
        Ok(c)
    }

    /// Checks what the TOML types alone cannot: unique names, usable limits, complete models.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut names = std::collections::HashSet::new();
        for m in &self.models {
            m.validate()?;
            if !names.insert(m.name.as_str()) {
                return Err(ConfigError::DuplicateModel {
                    name: m.name.clone(),
                });
            }
        }
        let mut sets = std::collections::HashSet::new();
        for r in &self.recorded {
            if !sets.insert(r.name.as_str()) {
                return Err(ConfigError::DuplicateRecordedSet {
                    name: r.name.clone(),
                });
            }
        }
        self.arena.validate()
    }
}

/// Why a configuration cannot be used. Each message names the key, the value given and what
/// was expected; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, a misspelt key, or a value of the wrong type (the parser's message names the
    /// line and key).
    #[error("{0}")]
    Toml(#[source] toml::de::Error),
    #[error("[arena] {key} = {value}: expected {expected}")]
    Setting {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("model {name:?} is configured twice: expected each [[models]] name once")]
    DuplicateModel { name: String },
    #[error("recorded set {name:?} is configured twice: expected each [[recorded]] name once")]
    DuplicateRecordedSet { name: String },
    #[error("model name {name:?}: expected 1 to 200 printable characters")]
    ModelName { name: String },
    /// The URL itself is not repeated: it may carry credentials.
    #[error(
        "model {model:?}: base_url: expected an http:// or https:// URL (an openai backend needs one)"
    )]
    BaseUrl { model: String },
    #[error(
        "model {model:?}: api_key_env = {value:?}: expected the name of an environment variable (A-Z, a-z, 0-9, _)"
    )]
    ApiKeyEnv { model: String, value: String },
    #[error(
        "model {model:?}: {key} is for openai backends, expected no {key} with backend = \"recorded\""
    )]
    OpenaiOnly { model: String, key: &'static str },
}

/// How pairs are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SamplerKind {
    /// Weight pairs by interval overlap and by how few battles the models have (see `sampler`).
    #[default]
    Uncertainty,
    /// Every allowed pair equally likely.
    Uniform,
}

/// `[arena]`: behaviour and limits.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub sampler: SamplerKind,
    /// Recorded answers are revealed in chunks of about this many characters …
    pub stream_chunk_chars: usize,
    /// … one chunk every this many milliseconds (0: all at once) …
    pub stream_chunk_ms: u64,
    /// … but an answer never takes longer than this to reveal (chunks grow instead).
    pub stream_max_ms: u64,
    /// Identical user-written prompts count towards the leaderboard for at most this many votes.
    pub dedup_cap: i64,
    /// Per voter (cookie id, or IP without a cookie): sustained votes per minute and burst.
    pub votes_per_minute: f64,
    pub vote_burst: f64,
    /// Per voter: battles started per minute and burst (live models cost money).
    pub battles_per_minute: f64,
    pub battle_burst: f64,
    /// Per client IP address, whatever the cookie: votes per minute and burst (battles started
    /// are limited per IP with the same numbers, in a bucket of their own).
    pub ip_votes_per_minute: f64,
    pub ip_vote_burst: f64,
    /// The environment variable holding the admin token (admin endpoints are off without it).
    pub admin_token_env: String,
    /// Leaderboard recomputation waits this long after a vote, to batch bursts of votes.
    pub leaderboard_delay_ms: u64,
    /// On a database shared by several servers (PostgreSQL), every this many milliseconds
    /// each server reads the votes the others recorded, so all serve the same leaderboard
    /// within about this interval (plus `leaderboard_delay_ms`).
    pub leaderboard_sync_ms: u64,
    /// The default leaderboard is style-controlled (LMArena's default view).
    pub style_control: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Longest prompt accepted, in characters.
    pub max_prompt_chars: usize,
    /// Most user turns in one battle (live models only).
    pub max_turns: usize,
    /// Battles stay in memory this long after their last activity (they stay in the database).
    pub battle_ttl_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sampler: SamplerKind::Uncertainty,
            stream_chunk_chars: 24,
            stream_chunk_ms: 20,
            stream_max_ms: 4000,
            dedup_cap: 20,
            votes_per_minute: 30.0,
            vote_burst: 10.0,
            battles_per_minute: 30.0,
            battle_burst: 10.0,
            ip_votes_per_minute: 600.0,
            ip_vote_burst: 100.0,
            admin_token_env: "VERSUS_ADMIN_TOKEN".into(),
            leaderboard_delay_ms: 300,
            leaderboard_sync_ms: 2000,
            style_control: true,
            trust_forwarded_for: false,
            max_prompt_chars: 10_000,
            max_turns: 5,
            battle_ttl_secs: 3600,
        }
    }
}

impl Settings {
    /// Rate limits must refill and let at least one request through; the dedup cap must let
    /// at least one vote count.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let setting = |key, value: f64, expected| ConfigError::Setting {
            key,
            value: value.to_string(),
            expected,
        };
        // NaN fails both tests.
        let positive = |key, value: f64| {
            if value > 0.0 {
                Ok(())
            } else {
                Err(setting(key, value, "a positive number"))
            }
        };
        let at_least_one = |key, value: f64| {
            if value >= 1.0 {
                Ok(())
            } else {
                Err(setting(key, value, "a number of at least 1"))
            }
        };
        positive("votes_per_minute", self.votes_per_minute)?;
        at_least_one("vote_burst", self.vote_burst)?;
        positive("battles_per_minute", self.battles_per_minute)?;
        at_least_one("battle_burst", self.battle_burst)?;
        positive("ip_votes_per_minute", self.ip_votes_per_minute)?;
        at_least_one("ip_vote_burst", self.ip_vote_burst)?;
        if self.dedup_cap < 1 {
            return Err(ConfigError::Setting {
                key: "dedup_cap",
                value: self.dedup_cap.to_string(),
                expected: "an integer of at least 1",
            });
        }
        Ok(())
    }
}

/// `[[recorded]]`: a recorded prompt set.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSetConfig {
    /// `alpacaeval` is built in; any other name needs `path`.
    pub name: String,
    /// A directory with `prompts.jsonl[.gz]`, `answers.jsonl[.gz]` and optionally `models.csv`.
    #[serde(default)]
    pub path: Option<String>,
    /// Every model of the set takes part (metadata from its models.csv).
    #[serde(default = "yes")]
    pub all_models: bool,
}

fn yes() -> bool {
    true
}

impl RecordedSetConfig {
    pub fn builtin() -> RecordedSetConfig {
        RecordedSetConfig {
            name: crate::recorded::BUILTIN_SET.into(),
            path: None,
            all_models: true,
        }
    }
}

/// Which kind of backend answers for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Recorded answers of a prompt set.
    Recorded,
    /// An OpenAI-compatible chat-completions endpoint.
    Openai,
}

/// `[[models]]`: one model.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The name on the leaderboard (unique).
    pub name: String,
    pub backend: BackendKind,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// recorded: the prompt set (default `alpacaeval`).
    #[serde(default)]
    pub set: Option<String>,
    /// recorded: the model's name in the set (default: `name`).
    #[serde(default)]
    pub source: Option<String>,
    /// openai: e.g. `https://api.openai.com/v1` (`/chat/completions` is appended).
    #[serde(default)]
    pub base_url: Option<String>,
    /// openai: the model id sent to the endpoint (default: `name`).
    #[serde(default)]
    pub model: Option<String>,
    /// openai: the environment variable holding the API key (none for local servers).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// openai: whole-request timeout in seconds.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    #[serde(default)]
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub open_weights: Option<bool>,
    /// ISO date.
    #[serde(default)]
    pub release_date: Option<String>,
    /// USD per million input tokens.
    #[serde(default)]
    pub input_price: Option<f64>,
    /// USD per million output tokens.
    #[serde(default)]
    pub output_price: Option<f64>,
}

impl ModelConfig {
    /// A recorded model of a set, with metadata.
    pub fn recorded(name: &str, set: &str, meta: ModelMeta) -> ModelConfig {
        ModelConfig {
            name: name.to_string(),
            backend: BackendKind::Recorded,
            enabled: true,
            set: Some(set.to_string()),
            source: None,
            base_url: None,
            model: None,
            api_key_env: None,
            timeout_secs: None,
            max_tokens: None,
            temperature: None,
            organization: meta.organization,
            country: meta.country,
            license: meta.license,
            open_weights: meta.open_weights,
            release_date: meta.release_date,
            input_price: meta.input_price,
            output_price: meta.output_price,
        }
    }

    pub fn meta(&self) -> ModelMeta {
        ModelMeta {
            organization: self.organization.clone(),
            country: self.country.clone(),
            license: self.license.clone(),
            open_weights: self.open_weights,
            release_date: self.release_date.clone(),
            input_price: self.input_price,
            output_price: self.output_price,
        }
    }

    /// Checks the name and that the keys given fit the backend.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty()
            || self.name.len() > 200
            || self.name.chars().any(char::is_control)
        {
            return Err(ConfigError::ModelName {
                name: self.name.clone(),
            });
        }
        match self.backend {
            BackendKind::Openai => {
                let url = self.base_url.as_deref().unwrap_or("");
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError::BaseUrl {
                        model: self.name.clone(),
                    });
                }
                if let Some(env) = &self.api_key_env
                    && (env.is_empty()
                        || !env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                {
                    return Err(ConfigError::ApiKeyEnv {
                        model: self.name.clone(),
                        value: env.clone(),
                    });
                }
            }
            BackendKind::Recorded => {
                let key = if self.base_url.is_some() {
                    Some("base_url")
                } else if self.api_key_env.is_some() {
                    Some("api_key_env")
                } else {
                    None
                };
                if let Some(key) = key {
                    return Err(ConfigError::OpenaiOnly {
                        model: self.name.clone(),
                        key,
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses() {
        let text = include_str!("../../../config/arena.example.toml");
        let c = ArenaConfig::from_toml(text).unwrap();
        assert_eq!(c.recorded.len(), 1);
        assert!(c.models.len() >= 8);
        assert!(
            c.models
                .iter()
                .all(|m| m.backend == BackendKind::Openai && !m.enabled)
        );
        for provider in [
            "api.openai.com",
            "api.deepseek.com",
            "dashscope",
            "volces.com",
            "qianfan",
            "127.0.0.1:8081",
            "127.0.0.1:8000",
            "127.0.0.1:11434",
        ] {
            assert!(
                c.models
                    .iter()
                    .any(|m| m.base_url.as_deref().unwrap_or("").contains(provider)),
                "{provider}"
            );
        }
    }

    #[test]
    fn no_config_means_the_builtin_set_and_typos_are_errors() {
        let c = ArenaConfig::from_toml("[arena]\nsampler = \"uniform\"\n").unwrap();
        assert_eq!(c.recorded.len(), 1);
        assert_eq!(c.arena.sampler, SamplerKind::Uniform);
        assert!(ArenaConfig::from_toml("[arena]\nsampelr = \"uniform\"\n").is_err());
        assert!(
            ArenaConfig::from_toml("[[models]]\nname = \"x\"\nbackend = \"openai\"\n").is_err(),
            "openai needs base_url"
        );
    }

    fn error_of(toml: &str) -> String {
        match ArenaConfig::from_toml(toml) {
            Ok(_) => panic!("accepted: {toml}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_bad_setting_names_the_key_the_value_and_what_was_expected() {
        assert_eq!(
            error_of("[arena]\nvotes_per_minute = -1\n"),
            "[arena] votes_per_minute = -1: expected a positive number"
        );
        assert_eq!(
            error_of("[arena]\nip_vote_burst = 0.5\n"),
            "[arena] ip_vote_burst = 0.5: expected a number of at least 1"
        );
        assert_eq!(
            error_of("[arena]\nbattles_per_minute = nan\n"),
            "[arena] battles_per_minute = NaN: expected a positive number"
        );
        assert_eq!(
            error_of("[arena]\ndedup_cap = 0\n"),
            "[arena] dedup_cap = 0: expected an integer of at least 1"
        );
        assert!(error_of("[arena]\nsampelr = \"uniform\"\n").contains("sampelr"));
    }

    #[test]
    fn a_bad_model_names_the_model_and_the_key() {
        let openai = "[[models]]\nname = \"m\"\nbackend = \"openai\"\n";
        assert_eq!(
            error_of(openai),
            "model \"m\": base_url: expected an http:// or https:// URL (an openai backend needs one)"
        );
        let secret_url = format!("{openai}base_url = \"ftp://user:sk-secret@host\"\n");
        assert!(!error_of(&secret_url).contains("sk-secret"));
        assert_eq!(
            error_of(&format!(
                "{openai}base_url = \"http://h\"\napi_key_env = \"MY-KEY\"\n"
            )),
            "model \"m\": api_key_env = \"MY-KEY\": expected the name of an environment variable (A-Z, a-z, 0-9, _)"
        );
        assert_eq!(
            error_of("[[models]]\nname = \"r\"\nbackend = \"recorded\"\napi_key_env = \"K\"\n"),
            "model \"r\": api_key_env is for openai backends, expected no api_key_env with backend = \"recorded\""
        );
        let twice = "[[models]]\nname = \"r\"\nbackend = \"recorded\"\n";
        assert_eq!(
            error_of(&format!("{twice}{twice}")),
            "model \"r\" is configured twice: expected each [[models]] name once"
        );
        let set = "[[recorded]]\nname = \"alpacaeval\"\n";
        assert!(matches!(
            ArenaConfig::from_toml(&format!("{set}{set}")),
            Err(ConfigError::DuplicateRecordedSet { name }) if name == "alpacaeval"
        ));
    }
}
