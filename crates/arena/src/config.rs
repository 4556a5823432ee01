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
            if m.api_key_env.as_ref() == Some(&self.arena.admin_token_env) {
                return Err(ConfigError::KeyEnvNotAllowed {
                    model: m.name.clone(),
                    value: self.arena.admin_token_env.clone(),
                    admin: true,
                });
            }
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
    #[error("[arena] {key} is no longer read: use {replacement}")]
    Replaced {
        key: &'static str,
        replacement: &'static str,
    },
    #[error("model {model:?}: {key} = {value}: expected {expected}")]
    ModelSetting {
        model: String,
        key: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "model {model:?}: api_key_env = {value:?}: {}",
        if *admin { "the admin token's variable is never sent to a model endpoint" } else { "expected a variable the config file approves ([arena] allowed_key_envs, or one its own [[models]] use)" }
    )]
    KeyEnvNotAllowed {
        model: String,
        value: String,
        admin: bool,
    },
    /// The URL itself is not repeated: it may carry credentials.
    #[error(
        "model {model:?}: base_url: expected a URL the config file approves ([arena] allowed_base_urls, or under one its own [[models]] use)"
    )]
    BaseUrlNotAllowed { model: String },
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

/// Which header a trusted reverse proxy writes the client address into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, …` (and `X-Forwarded-Proto`), as nginx and Caddy write.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=…`.
    Forwarded,
}

/// `[arena]`: behaviour and limits. Every number has a documented range (see [`Settings::validate`]).
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
    /// Per voter (signed cookie, or client address without one): sustained votes per minute
    /// and burst.
    pub votes_per_minute: f64,
    pub vote_burst: f64,
    /// Per voter: battles started per minute and burst (live models cost money).
    pub battles_per_minute: f64,
    pub battle_burst: f64,
    /// Per client address, whatever the cookie: votes per minute and burst (battles started
    /// are limited per address with the same numbers, in a bucket of their own). This backs
    /// every per-voter limit, so discarding cookies gains nothing beyond the address's budget.
    pub ip_votes_per_minute: f64,
    pub ip_vote_burst: f64,
    /// The environment variable holding the admin token (admin endpoints are off without it).
    pub admin_token_env: String,
    /// Environment variables that models added through the admin API may name as
    /// `api_key_env` (besides those the config file's own models use). The admin token's
    /// variable can never be one.
    pub allowed_key_envs: Vec<String>,
    /// Base URLs that models added through the admin API may use (besides the config file's
    /// own models' URLs): a model's URL must have the same scheme, host and port and a path
    /// under one of these.
    pub allowed_base_urls: Vec<String>,
    /// Leaderboard recomputation waits this long after a vote, to batch bursts of votes.
    pub leaderboard_delay_ms: u64,
    /// On a database shared by several servers (PostgreSQL), every this many milliseconds
    /// each server reads the votes the others recorded, so all serve the same leaderboard
    /// within about this interval (plus `leaderboard_delay_ms`).
    pub leaderboard_sync_ms: u64,
    /// The default leaderboard is style-controlled (LMArena's default view).
    pub style_control: bool,
    /// Reverse proxies in front of this server (0: forwarded headers are ignored). With N, the
    /// client address is the N-th entry from the right of the proxy header, the one the
    /// outermost trusted proxy wrote; entries further left are the client's own words.
    pub trusted_proxies: usize,
    /// The header those proxies write.
    pub proxy_header: ProxyHeader,
    /// Replaced by `trusted_proxies`; kept only to name the replacement when an old
    /// configuration still sets it.
    #[serde(rename = "trust_forwarded_for")]
    pub replaced_trust_forwarded_for: Option<toml::Value>,
    /// Longest prompt accepted, in characters.
    pub max_prompt_chars: usize,
    /// Most user turns in one battle (live models only).
    pub max_turns: usize,
    /// Battles stay in memory this long after their last activity (they stay in the database).
    pub battle_ttl_secs: u64,
    /// A client must send a request's headers within this many seconds; the same clock runs
    /// while a kept-alive connection waits idle for its next request.
    pub header_timeout_secs: u64,
    /// … and a request's body within this many seconds.
    pub body_timeout_secs: u64,
    /// Largest request body, in bytes (a larger one gets a JSON 413).
    pub max_body_bytes: usize,
    /// Open connections per client address (further ones are closed at once). Applies to
    /// direct clients; behind trusted proxies every connection comes from the proxy.
    pub max_connections_per_address: usize,
    /// Open connections in all (keeps the server below its file-descriptor limit).
    pub max_connections: usize,
    /// A model is rated on the leaderboard from this many counted votes on (before: listed
    /// apart as provisional).
    pub board_min_votes: usize,
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
            allowed_key_envs: Vec::new(),
            allowed_base_urls: Vec::new(),
            leaderboard_delay_ms: 300,
            leaderboard_sync_ms: 2000,
            style_control: true,
            trusted_proxies: 0,
            proxy_header: ProxyHeader::XForwardedFor,
            replaced_trust_forwarded_for: None,
            max_prompt_chars: 10_000,
            max_turns: 5,
            battle_ttl_secs: 3600,
            header_timeout_secs: 10,
            body_timeout_secs: 10,
            max_body_bytes: 1 << 20,
            max_connections_per_address: 256,
            max_connections: 4096,
            board_min_votes: crate::board::DEFAULT_MIN_VOTES,
        }
    }
}

/// An inclusive range a setting must lie in; `name` is how the message states it.
struct Range<T> {
    low: T,
    high: T,
    name: &'static str,
}

fn check<T: PartialOrd + std::fmt::Display>(
    key: &'static str,
    value: T,
    range: Range<T>,
) -> Result<(), ConfigError> {
    // NaN fails both comparisons.
    if value >= range.low && value <= range.high {
        Ok(())
    } else {
        Err(ConfigError::Setting {
            key,
            value: value.to_string(),
            expected: range.name,
        })
    }
}

/// Requests per minute: from one per 1000 minutes up to a million.
const RATE: Range<f64> = Range {
    low: 0.001,
    high: 1e6,
    name: "a rate from 0.001 to 1000000 per minute",
};
/// Token-bucket sizes: at least one request, at most a million.
const BURST: Range<f64> = Range {
    low: 1.0,
    high: 1e6,
    name: "a number from 1 to 1000000",
};
const MILLIS: Range<u64> = Range {
    low: 0,
    high: 600_000,
    name: "milliseconds from 0 to 600000 (10 minutes)",
};
const TIMEOUT_SECS: Range<u64> = Range {
    low: 1,
    high: 600,
    name: "seconds from 1 to 600",
};

impl Settings {
    /// Checks every number against its range (so no request handler meets a value it cannot
    /// work with: a zero rate, an overflowing duration) and the keys that were replaced.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.replaced_trust_forwarded_for.is_some() {
            return Err(ConfigError::Replaced {
                key: "trust_forwarded_for",
                replacement: "trusted_proxies = N (the number of reverse proxies in front of this server; 0, the default, ignores forwarded headers)",
            });
        }
        check(
            "stream_chunk_chars",
            self.stream_chunk_chars,
            Range {
                low: 1,
                high: 1_000_000,
                name: "a number of characters from 1 to 1000000",
            },
        )?;
        check("stream_chunk_ms", self.stream_chunk_ms, MILLIS)?;
        check("stream_max_ms", self.stream_max_ms, MILLIS)?;
        check(
            "dedup_cap",
            self.dedup_cap,
            Range {
                low: 1,
                high: 1_000_000_000,
                name: "an integer from 1 to 1000000000",
            },
        )?;
        check("votes_per_minute", self.votes_per_minute, RATE)?;
        check("vote_burst", self.vote_burst, BURST)?;
        check("battles_per_minute", self.battles_per_minute, RATE)?;
        check("battle_burst", self.battle_burst, BURST)?;
        check("ip_votes_per_minute", self.ip_votes_per_minute, RATE)?;
        check("ip_vote_burst", self.ip_vote_burst, BURST)?;
        check("leaderboard_delay_ms", self.leaderboard_delay_ms, MILLIS)?;
        check(
            "leaderboard_sync_ms",
            self.leaderboard_sync_ms,
            Range {
                low: 50,
                high: 600_000,
                name: "milliseconds from 50 to 600000 (10 minutes)",
            },
        )?;
        check(
            "max_prompt_chars",
            self.max_prompt_chars,
            Range {
                low: 1,
                high: 1_000_000,
                name: "a number of characters from 1 to 1000000",
            },
        )?;
        check(
            "max_turns",
            self.max_turns,
            Range {
                low: 1,
                high: 100,
                name: "a number of turns from 1 to 100",
            },
        )?;
        check(
            "battle_ttl_secs",
            self.battle_ttl_secs,
            Range {
                low: 60,
                high: 604_800,
                name: "seconds from 60 to 604800 (a week)",
            },
        )?;
        check(
            "trusted_proxies",
            self.trusted_proxies,
            Range {
                low: 0,
                high: 16,
                name: "a number of proxies from 0 to 16",
            },
        )?;
        check(
            "board_min_votes",
            self.board_min_votes,
            Range {
                low: 1,
                high: 1_000_000,
                name: "a number of votes from 1 to 1000000",
            },
        )?;
        check(
            "header_timeout_secs",
            self.header_timeout_secs,
            TIMEOUT_SECS,
        )?;
        check("body_timeout_secs", self.body_timeout_secs, TIMEOUT_SECS)?;
        check(
            "max_body_bytes",
            self.max_body_bytes,
            Range {
                low: 1024,
                high: 64 << 20,
                name: "bytes from 1024 to 67108864 (64 MiB)",
            },
        )?;
        let connections = Range {
            low: 1,
            high: 1_000_000,
            name: "a number of connections from 1 to 1000000",
        };
        check(
            "max_connections_per_address",
            self.max_connections_per_address,
            connections,
        )?;
        check(
            "max_connections",
            self.max_connections,
            Range {
                low: 1,
                high: 1_000_000,
                name: "a number of connections from 1 to 1000000",
            },
        )?;
        if !is_env_name(&self.admin_token_env) {
            return Err(ConfigError::Setting {
                key: "admin_token_env",
                value: format!("{:?}", self.admin_token_env),
                expected: "the name of an environment variable (A-Z, a-z, 0-9, _)",
            });
        }
        for env in &self.allowed_key_envs {
            if !is_env_name(env) {
                return Err(ConfigError::Setting {
                    key: "allowed_key_envs",
                    value: format!("{env:?}"),
                    expected: "names of environment variables (A-Z, a-z, 0-9, _)",
                });
            }
            if *env == self.admin_token_env {
                return Err(ConfigError::Setting {
                    key: "allowed_key_envs",
                    value: format!("{env:?}"),
                    expected: "API-key variables other than the admin token's (admin_token_env)",
                });
            }
        }
        for url in &self.allowed_base_urls {
            if parse_http_url(url).is_none() {
                // The URL itself is not repeated: it may carry credentials.
                return Err(ConfigError::Setting {
                    key: "allowed_base_urls",
                    value: "an entry".into(),
                    expected: "http:// or https:// URLs",
                });
            }
        }
        Ok(())
    }
}

/// An environment variable's name as configs may give it.
fn is_env_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An `http://` or `https://` URL with a host.
pub(crate) fn parse_http_url(s: &str) -> Option<reqwest::Url> {
    let url = reqwest::Url::parse(s).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some()).then_some(url)
}

/// Whether `url` lies under `approved`: same scheme, host and port, and a path at or below
/// the approved path (`/v1` approves `/v1` and `/v1/x`, not `/v10`).
pub(crate) fn url_is_under(url: &reqwest::Url, approved: &reqwest::Url) -> bool {
    if url.scheme() != approved.scheme()
        || url.host_str() != approved.host_str()
        || url.port_or_known_default() != approved.port_or_known_default()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return false;
    }
    let base = approved.path().trim_end_matches('/');
    let path = url.path();
    path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
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
                    && !is_env_name(env)
                {
                    return Err(ConfigError::ApiKeyEnv {
                        model: self.name.clone(),
                        value: env.clone(),
                    });
                }
                self.validate_numbers()?;
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

    /// The request settings of a live model, each within what an endpoint can be asked for.
    fn validate_numbers(&self) -> Result<(), ConfigError> {
        let setting = |key, value: String, expected| ConfigError::ModelSetting {
            model: self.name.clone(),
            key,
            value,
            expected,
        };
        if let Some(t) = self.timeout_secs
            && !(1..=3600).contains(&t)
        {
            return Err(setting(
                "timeout_secs",
                t.to_string(),
                "seconds from 1 to 3600",
            ));
        }
        if let Some(n) = self.max_tokens
            && !(1..=1_000_000).contains(&n)
        {
            return Err(setting(
                "max_tokens",
                n.to_string(),
                "a number of tokens from 1 to 1000000",
            ));
        }
        if let Some(t) = self.temperature
            && !(0.0..=2.0).contains(&t)
        {
            return Err(setting(
                "temperature",
                t.to_string(),
                "a number from 0 to 2",
            ));
        }
        for (key, price) in [
            ("input_price", self.input_price),
            ("output_price", self.output_price),
        ] {
            if let Some(p) = price
                && !(0.0..=1e6).contains(&p)
            {
                return Err(setting(
                    key,
                    p.to_string(),
                    "USD per million tokens from 0 to 1000000",
                ));
            }
        }
        Ok(())
    }
}

/// Which API-key variables and base URLs a model added through the admin API may use: those
/// the config file approved, by listing them or by using them in its own models. The admin
/// token's variable is never approved, so the admin API cannot send a server secret anywhere.
#[derive(Clone, Debug)]
pub struct KeyPolicy {
    admin_token_env: String,
    envs: std::collections::HashSet<String>,
    urls: Vec<reqwest::Url>,
}

impl KeyPolicy {
    pub fn new(config: &ArenaConfig) -> KeyPolicy {
        let file_models = config
            .models
            .iter()
            .filter(|m| m.backend == BackendKind::Openai);
        let envs = config
            .arena
            .allowed_key_envs
            .iter()
            .cloned()
            .chain(file_models.clone().filter_map(|m| m.api_key_env.clone()))
            .filter(|e| *e != config.arena.admin_token_env)
            .collect();
        let urls = config
            .arena
            .allowed_base_urls
            .iter()
            .map(String::as_str)
            .chain(file_models.filter_map(|m| m.base_url.as_deref()))
            .filter_map(parse_http_url)
            .collect();
        KeyPolicy {
            admin_token_env: config.arena.admin_token_env.clone(),
            envs,
            urls,
        }
    }

    /// Checks a model from the admin API (or one stored by it) against the config file.
    pub fn approve(&self, model: &ModelConfig) -> Result<(), ConfigError> {
        if model.backend != BackendKind::Openai {
            return Ok(());
        }
        if let Some(env) = &model.api_key_env
            && !self.envs.contains(env)
        {
            return Err(ConfigError::KeyEnvNotAllowed {
                model: model.name.clone(),
                value: env.clone(),
                admin: *env == self.admin_token_env,
            });
        }
        let url = model.base_url.as_deref().and_then(parse_http_url);
        if !url.is_some_and(|u| self.urls.iter().any(|a| url_is_under(&u, a))) {
            return Err(ConfigError::BaseUrlNotAllowed {
                model: model.name.clone(),
            });
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
        for (toml, message) in [
            (
                "votes_per_minute = -1",
                "[arena] votes_per_minute = -1: expected a rate from 0.001 to 1000000 per minute",
            ),
            (
                "ip_votes_per_minute = 0",
                "[arena] ip_votes_per_minute = 0: expected a rate from 0.001 to 1000000 per minute",
            ),
            (
                "ip_vote_burst = 0.5",
                "[arena] ip_vote_burst = 0.5: expected a number from 1 to 1000000",
            ),
            (
                "battles_per_minute = nan",
                "[arena] battles_per_minute = NaN: expected a rate from 0.001 to 1000000 per minute",
            ),
            (
                "dedup_cap = 0",
                "[arena] dedup_cap = 0: expected an integer from 1 to 1000000000",
            ),
            (
                "battle_ttl_secs = 18446744073709551615",
                "[arena] battle_ttl_secs = 18446744073709551615: expected seconds from 60 to 604800 (a week)",
            ),
            (
                "header_timeout_secs = 0",
                "[arena] header_timeout_secs = 0: expected seconds from 1 to 600",
            ),
            (
                "trusted_proxies = 17",
                "[arena] trusted_proxies = 17: expected a number of proxies from 0 to 16",
            ),
            (
                "max_body_bytes = 10",
                "[arena] max_body_bytes = 10: expected bytes from 1024 to 67108864 (64 MiB)",
            ),
            (
                "allowed_key_envs = [\"VERSUS_ADMIN_TOKEN\"]",
                "[arena] allowed_key_envs = \"VERSUS_ADMIN_TOKEN\": expected API-key variables other than the admin token's (admin_token_env)",
            ),
            (
                "trust_forwarded_for = true",
                "[arena] trust_forwarded_for is no longer read: use trusted_proxies = N (the number of reverse proxies in front of this server; 0, the default, ignores forwarded headers)",
            ),
        ] {
            assert_eq!(error_of(&format!("[arena]\n{toml}\n")), message);
        }
        assert!(error_of("[arena]\nsampelr = \"uniform\"\n").contains("sampelr"));
        let secret_url = "[arena]\nallowed_base_urls = [\"ftp://user:sk-secret@host\"]\n";
        assert!(!error_of(secret_url).contains("sk-secret"));
    }

    #[test]
    fn a_live_model_s_numbers_are_checked() {
        let openai = "[[models]]\nname = \"m\"\nbackend = \"openai\"\nbase_url = \"http://h/v1\"\n";
        for (line, message) in [
            (
                "timeout_secs = 0",
                "model \"m\": timeout_secs = 0: expected seconds from 1 to 3600",
            ),
            (
                "max_tokens = 0",
                "model \"m\": max_tokens = 0: expected a number of tokens from 1 to 1000000",
            ),
            (
                "temperature = nan",
                "model \"m\": temperature = NaN: expected a number from 0 to 2",
            ),
            (
                "input_price = -1",
                "model \"m\": input_price = -1: expected USD per million tokens from 0 to 1000000",
            ),
        ] {
            assert_eq!(error_of(&format!("{openai}{line}\n")), message);
        }
        let admin_key = format!("{openai}api_key_env = \"VERSUS_ADMIN_TOKEN\"\n");
        assert_eq!(
            error_of(&admin_key),
            "model \"m\": api_key_env = \"VERSUS_ADMIN_TOKEN\": the admin token's variable is never sent to a model endpoint"
        );
    }

    #[test]
    fn the_admin_api_may_use_only_keys_and_urls_the_config_approves() {
        let config = ArenaConfig::from_toml(
            "[arena]\nallowed_key_envs = [\"EXTRA_KEY\"]\nallowed_base_urls = [\"https://api.example.com/v1\"]\n\n\
             [[models]]\nname = \"file\"\nbackend = \"openai\"\nbase_url = \"http://127.0.0.1:8000/v1\"\napi_key_env = \"FILE_KEY\"\n",
        )
        .unwrap();
        let policy = KeyPolicy::new(&config);
        let model = |url: &str, env: Option<&str>| ModelConfig {
            base_url: Some(url.to_string()),
            api_key_env: env.map(str::to_string),
            ..ModelConfig::recorded("new", "x", ModelMeta::default())
        };
        let live = |url: &str, env: Option<&str>| ModelConfig {
            backend: BackendKind::Openai,
            set: None,
            ..model(url, env)
        };
        for (url, env) in [
            ("https://api.example.com/v1", Some("EXTRA_KEY")),
            ("https://api.example.com/v1/", Some("FILE_KEY")),
            ("https://api.example.com:443/v1/deeper", None),
            ("http://127.0.0.1:8000/v1", None),
        ] {
            assert!(policy.approve(&live(url, env)).is_ok(), "{url} {env:?}");
        }
        for (url, env, why) in [
            (
                "https://api.example.com/v1",
                Some("VERSUS_ADMIN_TOKEN"),
                "admin token",
            ),
            (
                "https://api.example.com/v1",
                Some("PATH"),
                "allowed_key_envs",
            ),
            (
                "https://evil.example/v1",
                Some("EXTRA_KEY"),
                "allowed_base_urls",
            ),
            (
                "https://api.example.com.evil.example/v1",
                None,
                "allowed_base_urls",
            ),
            ("https://api.example.com/v10", None, "allowed_base_urls"),
            ("http://api.example.com/v1", None, "allowed_base_urls"),
            (
                "https://user:pw@api.example.com/v1",
                None,
                "allowed_base_urls",
            ),
            ("http://127.0.0.1:8001/v1", None, "allowed_base_urls"),
        ] {
            let e = policy.approve(&live(url, env)).expect_err(url).to_string();
            assert!(e.contains(why), "{url}: {e}");
            assert!(!e.contains("pw@"), "{e}");
        }
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
