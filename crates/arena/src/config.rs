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
    pub fn from_toml(text: &str) -> Result<ArenaConfig, String> {
        let mut c: ArenaConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.recorded.is_empty() && c.models.is_empty() {
            c.recorded.push(RecordedSetConfig::builtin());
        }
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<(), String> {
        let mut names = std::collections::HashSet::new();
        for m in &self.models {
            m.validate()?;
            if !names.insert(m.name.as_str()) {
                return Err(format!("model {:?} is configured twice", m.name));
            }
        }
        let s = &self.arena;
        if s.dedup_cap < 1 {
            return Err("arena.dedup_cap must be at least 1".into());
        }
        if !(s.votes_per_minute > 0.0
            && s.vote_burst >= 1.0
            && s.battles_per_minute > 0.0
            && s.battle_burst >= 1.0)
        {
            return Err("arena rate limits must be positive (bursts at least 1)".into());
        }
        Ok(())
    }
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
            style_control: true,
            trust_forwarded_for: false,
            max_prompt_chars: 10_000,
            max_turns: 5,
            battle_ttl_secs: 3600,
        }
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

    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty()
            || self.name.len() > 200
            || self.name.chars().any(char::is_control)
        {
            return Err(format!(
                "model name {:?}: must be 1..200 printable characters",
                self.name
            ));
        }
        match self.backend {
            BackendKind::Openai => {
                let url = self.base_url.as_deref().unwrap_or("");
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "model {:?}: an openai backend needs base_url = \"http(s)://…\"",
                        self.name
                    ));
                }
                if let Some(env) = &self.api_key_env
                    && (env.is_empty()
                        || !env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                {
                    return Err(format!(
                        "model {:?}: api_key_env must name an environment variable (A-Z, 0-9, _)",
                        self.name
                    ));
                }
            }
            BackendKind::Recorded => {
                if self.base_url.is_some() || self.api_key_env.is_some() {
                    return Err(format!(
                        "model {:?}: base_url and api_key_env are for openai backends",
                        self.name
                    ));
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
}
