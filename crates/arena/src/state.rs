//! The arena's shared state and battle flow: models, battles in progress, generation, voting.
//! HTTP handlers (`api.rs`) are thin wrappers over this.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use serde_json::json;
use versus_store::{
    BattleRecord, BattleStatus, BattleUpdate, NewBattle, NewVote, PromptOrigin, Store, StoreError,
    StyleRow, VoteOutcome, VoteRow,
};

use crate::backend::{Backend, ChatMessage, OpenAiBackend, PromptRef};
use crate::board::Leaderboard;
use crate::config::{ArenaConfig, BackendKind, ConfigError, KeyPolicy, ModelConfig, Settings};
use crate::recorded::{RecordedError, RecordedSet};
use crate::sampler::{Candidate, draw_pair};
use crate::text;

/// What the person sees when a backend fails: no model name, no cause.
pub const PUBLIC_BACKEND_ERROR: &str = "One of the two models could not answer, so this battle has ended without a vote. Please start a new battle.";

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// 128 random bits as 32 hex digits (battle ids, vote tokens, voter cookies).
pub fn random_hex() -> String {
    let bytes = versus_store::random_bytes(16)
        .expect("the operating system's random source (getrandom) failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equality that takes the same time wherever the first difference is (for secrets).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

/// A configured model.
pub struct ModelEntry {
    pub config: ModelConfig,
    pub backend: Backend,
    pub enabled: AtomicBool,
}

impl ModelEntry {
    pub fn name(&self) -> &str {
        &self.config.name
    }
    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }
}

/// Where a battle is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Generating,
    Complete,
    /// A vote is being committed.
    Voting,
    Voted {
        winner: String,
        counted: bool,
    },
    Failed,
}

/// The mutable part of a battle.
pub struct Inner {
    pub prompts: Vec<String>,
    /// Answers per side, one per turn.
    pub answers: [Vec<String>; 2],
    pub phase: Phase,
    pub anony: bool,
    /// Style counts of the completed answers (set when a turn completes).
    pub style: StyleRow,
    /// Per side: the person stopped this side's answer (in any turn). The partial answer is
    /// kept and the vote allowed once both sides have ended; stored in `conv_metadata`.
    pub stopped: [bool; 2],
    /// Per side: stopped in the turn being answered (cleared when a follow-up starts).
    pub stopped_now: [bool; 2],
}

/// A battle held in memory while people use it.
pub struct Battle {
    pub id: String,
    pub vote_token: String,
    /// Voter key of the person who started it.
    pub owner: String,
    pub created_ms: i64,
    pub models: [Arc<ModelEntry>; 2],
    pub prompt_ref: PromptRef,
    pub origin: PromptOrigin,
    pub prompt_id: Option<i64>,
    /// Side by side: the person chose both models, whose names are shown from the start; the
    /// battle is stored as named and never counted on the anonymous board.
    pub named: bool,
    pub inner: Mutex<Inner>,
    /// Bumped on every change; streams wait on it.
    pub changed: tokio::sync::watch::Sender<u64>,
    pub touched_ms: AtomicI64,
}

impl Battle {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.touched_ms.store(now_ms(), Ordering::Relaxed);
        self.changed.send_modify(|v| *v += 1);
    }

    /// Follow-up turns need two live models (recorded models answer one fixed prompt).
    pub fn followups_allowed(&self) -> bool {
        self.models
            .iter()
            .all(|m| m.backend.kind() == BackendKind::Openai)
    }
}

/// Errors of the battle flow, mapped to HTTP statuses by the API (the groups below). The
/// message is what the client reads in `{"error": …}`, except for the server's own failures
/// (the last group), whose detail goes to the log only.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    // 400 Bad Request: the request itself is wrong.
    #[error("invalid JSON body: {0}")]
    InvalidJson(#[source] serde_json::Error),
    #[error("no bundled prompt has id {0}")]
    UnknownPromptId(i64),
    #[error("the prompt is empty")]
    EmptyPrompt,
    #[error("the prompt is longer than {max} characters")]
    PromptTooLong { max: usize },
    #[error("write a prompt: this arena has no bundled prompts")]
    NoBundledPrompts,
    #[error("winner must be model_a, model_b, tie or both_bad")]
    UnknownWinner,
    /// An admin's model configuration is invalid.
    #[error(transparent)]
    InvalidModel(#[from] ConfigError),
    /// An admin's recorded model names a set or source that is not loaded.
    #[error(transparent)]
    UnusableModel(#[from] RecordedError),
    // 404 Not Found.
    #[error("no such battle")]
    NoSuchBattle,
    #[error("no such model")]
    NoSuchModel,
    // 403 Forbidden.
    #[error("wrong vote token")]
    WrongVoteToken,
    // 409 Conflict: the battle is not in a state that allows this.
    #[error("this battle already has a vote")]
    AlreadyVoted,
    #[error("this battle cannot be voted on")]
    NotVotable,
    #[error("the answers are not complete yet")]
    AnswersIncomplete,
    #[error("this battle ended without answers")]
    NoAnswers,
    #[error("recorded models answer only their bundled prompt: vote, then start a new battle")]
    RecordedFollowUp,
    #[error("a follow-up needs both answers complete and no vote yet")]
    FollowUpNotReady,
    #[error("the answers have already ended")]
    NotGenerating,
    #[error("side by side needs two different enabled models that can answer this prompt; got {0}")]
    BadModelPair(String),
    #[error("side must be \"a\", \"b\" or \"both\"")]
    UnknownSide,
    #[error("at most {max} turns per battle")]
    TooManyTurns { max: usize },
    #[error("this battle can no longer be continued")]
    NotContinuable,
    // 422 Unprocessable Content: no two models can answer.
    #[error("fewer than two enabled models can answer this prompt")]
    TooFewModels,
    #[error(
        "the models of this arena answer only their bundled prompts: ask for a prompt (POST without \"prompt\", or GET /api/prompt)"
    )]
    BundledPromptsOnly,
    // 429 Too Many Requests, with how long until the next request is allowed.
    #[error("too many requests: slow down")]
    RateLimited(Duration),
    // 500 Internal Server Error: the server's fault.
    #[error("{action}: {source}")]
    Store {
        action: &'static str,
        #[source]
        source: StoreError,
    },
    #[error("encoding {what}: {source}")]
    Encode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// A state that should not occur.
    #[error("{0}")]
    Internal(&'static str),
}

impl FlowError {
    fn store(action: &'static str) -> impl FnOnce(StoreError) -> FlowError {
        move |source| FlowError::Store { action, source }
    }
}

/// Why the arena could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Recorded(#[from] RecordedError),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    #[error("{action}: {source}")]
    Store {
        action: &'static str,
        #[source]
        source: StoreError,
    },
    #[error("the database's secret has {len} bytes, expected at least 16")]
    ShortSecret { len: usize },
    #[error("reading the operating system's random source: {0}")]
    Random(#[source] getrandom::Error),
}

impl StartError {
    fn store(action: &'static str) -> impl FnOnce(StoreError) -> StartError {
        move |source| StartError::Store { action, source }
    }
}

/// The label of a leaderboard that includes recorded answers (see [`AppState::demo_notice`]).
pub const DEMO_NOTICE: &str = "Demo board: recorded models answer with public recorded answers, which a determined voter can look up before voting, so these votes are not reliably anonymous. Use it to try the arena; rank models with live endpoints.";

/// Token buckets per key.
pub struct Limiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// The wait until a refused client may try again, kept between 1 ms and a day: a tiny rate
/// (or a NaN from a rate of zero) must not panic `Duration::from_secs_f64` in a handler.
fn retry_after(seconds: f64) -> Duration {
    if seconds.is_nan() {
        return Duration::from_secs(86_400);
    }
    Duration::from_secs_f64(seconds.clamp(0.001, 86_400.0))
}

impl Limiter {
    fn new() -> Limiter {
        Limiter {
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `key`'s bucket (refilling `per_minute`, holding at most `burst`);
    /// on refusal, how long until a token is back.
    pub fn take(&self, key: &str, per_minute: f64, burst: f64) -> Result<(), Duration> {
        let now = Instant::now();
        let rate = per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let entry = buckets.entry(key.to_string()).or_insert((burst, now));
        let refill = now.duration_since(entry.1).as_secs_f64() * rate;
        entry.0 = (entry.0 + refill).min(burst);
        entry.1 = now;
        if entry.0 >= 1.0 {
            entry.0 -= 1.0;
            Ok(())
        } else {
            Err(retry_after((1.0 - entry.0) / rate))
        }
    }

    /// Forgets buckets idle long enough to be full again.
    fn sweep(&self, idle: Duration) {
        let now = Instant::now();
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, last)| now.duration_since(*last) < idle);
    }
}

/// Everything the handlers share.
pub struct AppState {
    pub settings: Settings,
    pub store: Arc<dyn Store>,
    pub models: RwLock<Vec<Arc<ModelEntry>>>,
    pub sets: Vec<Arc<RecordedSet>>,
    pub battles: Mutex<HashMap<String, Arc<Battle>>>,
    pub leaderboard: Arc<Leaderboard>,
    pub limiter: Limiter,
    /// HMAC-SHA256 key from the database's secret, for [`AppState::hash_key`].
    client_key: ring::hmac::Key,
    /// What the admin API may configure (API-key variables, base URLs).
    key_policy: KeyPolicy,
    pub admin_token: Option<String>,
    rng: Mutex<ChaCha8Rng>,
    pub http: reqwest::Client,
}

/// Installs ring as rustls's crypto provider (reqwest is built without one); idempotent.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The recorded sets and model entries the config file names: each configured set (with all
/// its models when `all_models`), the built-in set when a model refers to it, and explicit
/// `[[models]]` entries replacing a set's default entry of the same name.
fn configured_models(
    config: &ArenaConfig,
) -> Result<(Vec<Arc<RecordedSet>>, Vec<ModelConfig>), StartError> {
    let load_set = |name: &str, path: Option<&str>| -> Result<Arc<RecordedSet>, RecordedError> {
        match path {
            Some(p) => RecordedSet::from_dir(name, std::path::Path::new(p)).map(Arc::new),
            None if name == crate::recorded::BUILTIN_SET => RecordedSet::builtin(),
            None => Err(RecordedError::NotBuiltIn {
                set: name.to_string(),
            }),
        }
    };
    let mut sets: Vec<Arc<RecordedSet>> = Vec::new();
    let mut model_configs: Vec<ModelConfig> = Vec::new();
    for rc in &config.recorded {
        let set = load_set(&rc.name, rc.path.as_deref())?;
        if rc.all_models {
            for (name, meta) in &set.models {
                model_configs.push(ModelConfig::recorded(name, &set.name, meta.clone()));
            }
        }
        sets.push(set);
    }
    for m in &config.models {
        if m.backend == BackendKind::Recorded {
            let set_name = m.set.as_deref().unwrap_or(crate::recorded::BUILTIN_SET);
            if !sets.iter().any(|s| s.name == set_name) {
                sets.push(load_set(set_name, None)?);
            }
        }
        model_configs.retain(|c| c.name != m.name);
        model_configs.push(m.clone());
    }
    Ok((sets, model_configs))
}

/// On a shared database, a battle counts as left behind by a dead server once it has been
/// generating this long without an update (no turn takes that long).
const SHARED_IDLE_MS: i64 = 15 * 60 * 1000;

/// Battles generating since before this are closed at start (see [`Store::close_unfinished`]).
fn unfinished_cutoff(store: &dyn Store, now: i64) -> i64 {
    if store.shared() {
        now - SHARED_IDLE_MS
    } else {
        now + 1
    }
}

/// Models the operator added or changed at run time (stored in the database) replace the
/// config file's entries of the same name; an unreadable stored entry is logged and skipped.
async fn overlay_stored_models(
    store: &dyn Store,
    policy: &KeyPolicy,
    model_configs: &mut Vec<ModelConfig>,
) -> Result<(), StartError> {
    let stored_models = store
        .models()
        .await
        .map_err(StartError::store("reading the stored models"))?;
    for rec in stored_models {
        match serde_json::from_str::<ModelConfig>(&rec.config) {
            Ok(mut c) => {
                // The config file may have changed since: a stored model whose key or URL it
                // no longer approves stays in the database but is not loaded.
                if let Err(e) = policy.approve(&c) {
                    tracing::warn!("stored model {:?} is not loaded: {e}", rec.name);
                    continue;
                }
                c.enabled = rec.enabled;
                model_configs.retain(|x| x.name != c.name);
                model_configs.push(c);
            }
            Err(e) => {
                tracing::warn!("stored model {:?} is unreadable and skipped: {e}", rec.name)
            }
        }
    }
    Ok(())
}

/// The HMAC-SHA256 key of the client-key hash, from the database's secret.
fn client_key(secret: &[u8]) -> Result<ring::hmac::Key, StartError> {
    if secret.len() < 16 {
        return Err(StartError::ShortSecret { len: secret.len() });
    }
    Ok(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret))
}

impl AppState {
    /// Builds the state: loads recorded sets, configures models (config file, then models added
    /// at run time from the database), closes battles a previous run left unfinished, and loads
    /// the votes for the leaderboard.
    pub async fn new(
        config: ArenaConfig,
        store: Arc<dyn Store>,
    ) -> Result<Arc<AppState>, StartError> {
        install_crypto_provider();
        // Also rejects a recorded set configured twice.
        config.validate()?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(StartError::HttpClient)?;
        let (sets, mut model_configs) = configured_models(&config)?;
        let key_policy = KeyPolicy::new(&config);
        overlay_stored_models(store.as_ref(), &key_policy, &mut model_configs).await?;
        let mut models = Vec::new();
        for c in model_configs {
            models.push(Arc::new(build_model(c, &sets, &http)?));
        }
        let secret = store
            .secret()
            .await
            .map_err(StartError::store("reading the database's secret"))?;
        let client_key = client_key(&secret)?;
        let closed = store
            .close_unfinished(now_ms(), unfinished_cutoff(store.as_ref(), now_ms()))
            .await
            .map_err(StartError::store("closing unfinished battles"))?;
        if closed > 0 {
            tracing::info!(
                "{closed} battles left unfinished by the previous run are closed (no vote possible)"
            );
        }
        let rows = store
            .vote_rows()
            .await
            .map_err(StartError::store("reading the votes"))?;
        let leaderboard = Arc::new(Leaderboard::new(
            &rows,
            config.arena.style_control,
            config.arena.board_min_votes,
        ));
        let admin_token = std::env::var(&config.arena.admin_token_env)
            .ok()
            .filter(|t| !t.is_empty());
        if admin_token.is_none() {
            tracing::info!(
                "admin endpoints are off ({} is not set)",
                config.arena.admin_token_env
            );
        }
        let seed = versus_store::random_bytes(8).map_err(StartError::Random)?;
        let rng =
            ChaCha8Rng::seed_from_u64(u64::from_le_bytes(seed[..8].try_into().unwrap_or([0; 8])));
        tracing::info!(
            "arena: {} models ({} enabled), {} recorded prompt sets, {} stored votes",
            models.len(),
            models.iter().filter(|m| m.is_enabled()).count(),
            sets.len(),
            rows.len()
        );
        Ok(Arc::new(AppState {
            settings: config.arena,
            store,
            models: RwLock::new(models),
            sets,
            battles: Mutex::new(HashMap::new()),
            leaderboard,
            limiter: Limiter::new(),
            client_key,
            key_policy,
            admin_token,
            rng: Mutex::new(rng),
            http,
        }))
    }

    /// Starts the background tasks: leaderboard recomputation and the sweeper of idle battles.
    pub fn spawn_background(self: &Arc<Self>) {
        let lb = self.leaderboard.clone();
        tokio::spawn(lb.run(Duration::from_millis(self.settings.leaderboard_delay_ms)));
        // Several servers on one database: each catches up with the others' votes (each
        // recomputes its own leaderboard from the same rows, so all converge on the same
        // numbers; no coordination between servers is needed).
        if self.store.shared() {
            let weak = Arc::downgrade(self);
            let every = Duration::from_millis(self.settings.leaderboard_sync_ms);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let Some(state) = weak.upgrade() else { return };
                    if let Err(e) = state.leaderboard.sync(state.store.as_ref()).await {
                        tracing::warn!("reading other servers' votes: {e}");
                    }
                }
            });
        }
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let Some(state) = weak.upgrade() else { return };
                state.sweep();
            }
        });
    }

    fn sweep(&self) {
        let cutoff = now_ms() - (self.settings.battle_ttl_secs as i64) * 1000;
        self.battles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, b| b.touched_ms.load(Ordering::Relaxed) >= cutoff);
        // A bucket may be forgotten once it would be full again (forgetting it earlier would
        // hand its owner a fresh burst); at most a day is remembered.
        let s = &self.settings;
        let full_after_secs = [
            (s.vote_burst, s.votes_per_minute),
            (s.battle_burst, s.battles_per_minute),
            (s.ip_vote_burst, s.ip_votes_per_minute),
        ]
        .iter()
        .map(|(burst, per_minute)| burst / per_minute * 60.0)
        .fold(600.0, f64::max);
        self.limiter.sweep(retry_after(full_after_secs));
    }

    /// A keyed hash (HMAC-SHA256 with this database's secret, RFC 2104, truncated to 128
    /// bits): voter keys never store raw IP addresses or cookie values.
    pub fn hash_key(&self, kind: &str, value: &str) -> String {
        let mut context = ring::hmac::Context::with_key(&self.client_key);
        context.update(kind.as_bytes());
        context.update(&[0]);
        context.update(value.as_bytes());
        let tag = context.sign();
        let hex: String = tag.as_ref()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{kind}:{hex}")
    }

    /// Why the leaderboard is only a demonstration, when it is: battles between recorded
    /// models show public answers, which a determined voter can look up before voting, so
    /// anonymity (and with it the ranking) cannot be relied on.
    pub fn demo_notice(&self) -> Option<&'static str> {
        self.model_list()
            .iter()
            .any(|m| m.config.backend == BackendKind::Recorded)
            .then_some(DEMO_NOTICE)
    }

    pub fn model_list(&self) -> Vec<Arc<ModelEntry>> {
        self.models
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn find_model(&self, name: &str) -> Option<Arc<ModelEntry>> {
        self.model_list().into_iter().find(|m| m.name() == name)
    }

    /// Sets that have at least two enabled models.
    fn playable_sets(&self) -> Vec<Arc<RecordedSet>> {
        let models = self.model_list();
        self.sets
            .iter()
            .filter(|s| {
                models.iter().filter(|m| m.is_enabled() && matches!(&m.backend, Backend::Recorded { set, .. } if set.name == s.name)).count() >= 2
            })
            .cloned()
            .collect()
    }

    /// Whether people may type their own prompts (some enabled model is live).
    pub fn accepts_free_prompts(&self) -> bool {
        self.model_list()
            .iter()
            .filter(|m| m.is_enabled() && m.backend.kind() == BackendKind::Openai)
            .count()
            >= 2
    }

    /// A bundled prompt by id, if some playable set has it: (id, text).
    pub fn bundled_prompt(&self, id: i64) -> Option<(i64, String)> {
        self.playable_sets()
            .iter()
            .find_map(|s| s.index_of_id(id).map(|i| (id, s.prompts[i].text.clone())))
    }

    /// A bundled prompt drawn at random: (set name, prompt id, text).
    pub fn random_prompt(&self) -> Option<(String, i64, String)> {
        use rand::RngExt;
        let sets = self.playable_sets();
        if sets.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        for _ in 0..50 {
            let set = &sets[rng.random_range(0..sets.len())];
            let idx = rng.random_range(0..set.prompts.len());
            let pref = PromptRef {
                recorded: vec![(set.name.clone(), idx)],
            };
            let able = self
                .model_list()
                .iter()
                .filter(|m| m.is_enabled() && m.backend.can_answer(&pref, 1))
                .count();
            if able >= 2 {
                let p = &set.prompts[idx];
                return Some((set.name.clone(), p.id, p.text.clone()));
            }
        }
        None
    }

    pub fn battle(&self, id: &str) -> Option<Arc<Battle>> {
        let b = self
            .battles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned();
        if let Some(b) = &b {
            b.touched_ms.store(now_ms(), Ordering::Relaxed);
        }
        b
    }

    /// Starts a battle: resolves the prompt, draws two models, stores the battle, starts both
    /// answers. Returns the battle (whose model names the caller must not reveal).
    /// `limit_key` is the voter key for rate limiting (the IP key when the client came without a
    /// cookie, so that dropping cookies does not escape the limit).
    pub async fn start_battle(
        self: &Arc<Self>,
        owner: &str,
        limit_key: &str,
        client_ip_key: &str,
        prompt: Option<String>,
        prompt_id: Option<i64>,
        named: Option<[String; 2]>,
    ) -> Result<Arc<Battle>, FlowError> {
        let s = &self.settings;
        self.limiter
            .take(
                &format!("battle:{limit_key}"),
                s.battles_per_minute,
                s.battle_burst,
            )
            .map_err(FlowError::RateLimited)?;
        self.limiter
            .take(
                &format!("battle-ip:{client_ip_key}"),
                s.ip_votes_per_minute,
                s.ip_vote_burst,
            )
            .map_err(FlowError::RateLimited)?;
        let (text, prompt_ref, origin, pid) = self.resolve_prompt(prompt, prompt_id)?;
        let chosen = match &named {
            Some(pair) => Some(self.named_pair(pair, &prompt_ref)?),
            None => None,
        };
        let candidates: Vec<Arc<ModelEntry>> = self
            .model_list()
            .into_iter()
            .filter(|m| m.is_enabled() && m.backend.can_answer(&prompt_ref, 1))
            .collect();
        if chosen.is_none() && candidates.len() < 2 {
            return Err(if self.accepts_free_prompts() {
                FlowError::TooFewModels
            } else {
                FlowError::BundledPromptsOnly
            });
        }
        let stats = self.leaderboard.snapshot().model_stats();
        let cands: Vec<Candidate> = candidates
            .iter()
            .map(|m| {
                let (battles, interval) = stats.get(m.name()).cloned().unwrap_or((0.0, None));
                Candidate { battles, interval }
            })
            .collect();
        let models = match chosen {
            Some(pair) => pair,
            None => {
                let (ia, ib) = {
                    let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
                    draw_pair(s.sampler, &cands, &mut *rng).ok_or(FlowError::Internal("no pair"))?
                };
                [candidates[ia].clone(), candidates[ib].clone()]
            }
        };
        let now = now_ms();
        let id = random_hex();
        let vote_token = random_hex();
        let prompt_key = (origin == PromptOrigin::User).then(|| text::prompt_key([text.as_str()]));
        let conversation = serde_json::to_string(&[ChatMessage {
            role: "user".into(),
            content: text.clone(),
        }])
        .unwrap_or_default();
        let record = NewBattle {
            id: id.clone(),
            created_ms: now,
            model_a: models[0].name().to_string(),
            model_b: models[1].name().to_string(),
            vote_token: vote_token.clone(),
            voter: owner.to_string(),
            origin,
            prompt_id: pid,
            prompt_key,
            conversation,
            named: named.is_some(),
        };
        self.store
            .create_battle(&record)
            .await
            .map_err(FlowError::store("storing the battle"))?;
        let battle = Arc::new(Battle {
            id: id.clone(),
            vote_token,
            owner: owner.to_string(),
            created_ms: now,
            models,
            prompt_ref,
            origin,
            prompt_id: pid,
            named: named.is_some(),
            inner: Mutex::new(Inner {
                prompts: vec![text],
                answers: [vec![String::new()], vec![String::new()]],
                phase: Phase::Generating,
                anony: named.is_none(),
                style: StyleRow::default(),
                stopped: [false; 2],
                stopped_now: [false; 2],
            }),
            changed: tokio::sync::watch::channel(0).0,
            touched_ms: AtomicI64::new(now),
        });
        self.battles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, battle.clone());
        tokio::spawn(generate(self.clone(), battle.clone(), 0));
        Ok(battle)
    }

    /// The two models a person chose for a side-by-side battle: both known, enabled, different,
    /// and able to answer this prompt.
    fn named_pair(
        &self,
        pair: &[String; 2],
        prompt: &PromptRef,
    ) -> Result<[Arc<ModelEntry>; 2], FlowError> {
        let bad = || FlowError::BadModelPair(format!("{:?} and {:?}", pair[0], pair[1]));
        if pair[0] == pair[1] {
            return Err(bad());
        }
        let pick = |name: &str| {
            self.find_model(name)
                .filter(|m| m.is_enabled() && m.backend.can_answer(prompt, 1))
                .ok_or_else(bad)
        };
        Ok([pick(&pair[0])?, pick(&pair[1])?])
    }

    fn resolve_prompt(
        &self,
        prompt: Option<String>,
        prompt_id: Option<i64>,
    ) -> Result<(String, PromptRef, PromptOrigin, Option<i64>), FlowError> {
        if let Some(id) = prompt_id {
            for set in self.playable_sets() {
                if let Some(idx) = set.index_of_id(id) {
                    let text = set.prompts[idx].text.clone();
                    let pref = self.prompt_ref_of(&text, Some((&set, idx)));
                    return Ok((text, pref, PromptOrigin::Bundled, Some(id)));
                }
            }
            return Err(FlowError::UnknownPromptId(id));
        }
        match prompt {
            Some(p) => {
                let p = p.trim().to_string();
                self.check_prompt(&p)?;
                let pref = self.prompt_ref_of(&p, None);
                // A bundled prompt typed (or pasted) verbatim is a bundled prompt.
                let (origin, pid) = match pref.recorded.first() {
                    Some((set_name, idx)) => {
                        let id = self
                            .sets
                            .iter()
                            .find(|s| &s.name == set_name)
                            .map(|s| s.prompts[*idx].id);
                        (PromptOrigin::Bundled, id)
                    }
                    None => (PromptOrigin::User, None),
                };
                Ok((p, pref, origin, pid))
            }
            None => {
                let (set_name, id, text) =
                    self.random_prompt().ok_or(FlowError::NoBundledPrompts)?;
                let set = self
                    .sets
                    .iter()
                    .find(|s| s.name == set_name)
                    .cloned()
                    .ok_or(FlowError::Internal("set vanished"))?;
                let idx = set.index_of_id(id).unwrap_or(0);
                Ok((
                    text.clone(),
                    self.prompt_ref_of(&text, Some((&set, idx))),
                    PromptOrigin::Bundled,
                    Some(id),
                ))
            }
        }
    }

    /// A prompt (already trimmed) must have text and fit `max_prompt_chars`.
    fn check_prompt(&self, prompt: &str) -> Result<(), FlowError> {
        if prompt.is_empty() {
            return Err(FlowError::EmptyPrompt);
        }
        let max = self.settings.max_prompt_chars;
        if prompt.chars().count() > max {
            return Err(FlowError::PromptTooLong { max });
        }
        Ok(())
    }

    fn prompt_ref_of(&self, text: &str, known: Option<(&Arc<RecordedSet>, usize)>) -> PromptRef {
        let mut recorded = Vec::new();
        if let Some((set, idx)) = known {
            recorded.push((set.name.clone(), idx));
        }
        for set in &self.sets {
            if recorded.iter().any(|(n, _)| *n == set.name) {
                continue;
            }
            if let Some(idx) = set.prompt_index(text) {
                recorded.push((set.name.clone(), idx));
            }
        }
        PromptRef { recorded }
    }

    /// Adds a follow-up turn (live models only, before the vote; owner's token required).
    pub async fn follow_up(
        self: &Arc<Self>,
        battle: &Arc<Battle>,
        token: &str,
        prompt: String,
    ) -> Result<usize, FlowError> {
        if !constant_time_eq(token.as_bytes(), battle.vote_token.as_bytes()) {
            return Err(FlowError::WrongVoteToken);
        }
        let prompt = prompt.trim().to_string();
        self.check_prompt(&prompt)?;
        if !battle.followups_allowed() {
            return Err(FlowError::RecordedFollowUp);
        }
        let turn = {
            let mut inner = battle.lock();
            if inner.phase != Phase::Complete {
                return Err(FlowError::FollowUpNotReady);
            }
            if inner.prompts.len() >= self.settings.max_turns {
                return Err(FlowError::TooManyTurns {
                    max: self.settings.max_turns,
                });
            }
            inner.prompts.push(prompt);
            inner.answers[0].push(String::new());
            inner.answers[1].push(String::new());
            inner.stopped_now = [false; 2];
            inner.phase = Phase::Generating;
            inner.prompts.len() - 1
        };
        // The stored battle leaves "complete" before any answer starts, so no vote can land.
        let update = self.battle_update(battle, BattleStatus::Generating, None);
        self.store
            .update_battle(&update)
            .await
            .map_err(FlowError::store("updating the battle"))?;
        battle.bump();
        tokio::spawn(generate(self.clone(), battle.clone(), turn));
        Ok(turn)
    }

    /// Stops the answers of `sides` (0 = A, 1 = B) of a battle still answering: each stopped
    /// side keeps what it has written so far and counts as ended. Only the person who
    /// started the battle (the vote token) may stop it.
    pub fn stop(&self, battle: &Battle, token: &str, sides: &[usize]) -> Result<(), FlowError> {
        if !constant_time_eq(token.as_bytes(), battle.vote_token.as_bytes()) {
            return Err(FlowError::WrongVoteToken);
        }
        {
            let mut inner = battle.lock();
            if inner.phase != Phase::Generating {
                return Err(FlowError::NotGenerating);
            }
            for &side in sides {
                inner.stopped[side] = true;
                inner.stopped_now[side] = true;
            }
        }
        battle.bump();
        Ok(())
    }

    /// The stored form of a battle's current state (style counts, anonymity, metadata).
    fn battle_update(
        &self,
        battle: &Battle,
        status: BattleStatus,
        error: Option<String>,
    ) -> BattleUpdate {
        let inner = battle.lock();
        let conv = |side: usize| -> String {
            let mut msgs = Vec::new();
            for (t, p) in inner.prompts.iter().enumerate() {
                msgs.push(ChatMessage {
                    role: "user".into(),
                    content: p.clone(),
                });
                if let Some(a) = inner.answers[side].get(t)
                    && (!a.is_empty() || status != BattleStatus::Generating)
                {
                    msgs.push(ChatMessage {
                        role: "assistant".into(),
                        content: a.clone(),
                    });
                }
            }
            serde_json::to_string(&msgs).unwrap_or_default()
        };
        let a = text::side_counts(inner.answers[0].iter().map(String::as_str));
        let b = text::side_counts(inner.answers[1].iter().map(String::as_str));
        let user_tokens: u32 = inner.prompts.iter().map(|p| text::token_count(p)).sum();
        let mut meta = text::conv_metadata(user_tokens, a, b, inner.prompts.len());
        if inner.stopped.iter().any(|s| *s)
            && let Some(map) = meta.as_object_mut()
        {
            map.insert("stopped".into(), serde_json::json!(inner.stopped));
        }
        let style = StyleRow {
            tokens: [a.0 as f64, b.0 as f64],
            header: [a.1.header_total() as f64, b.1.header_total() as f64],
            list: [a.1.list_total() as f64, b.1.list_total() as f64],
            bold: [a.1.bold_total() as f64, b.1.bold_total() as f64],
        };
        let prompt_key = (battle.origin == PromptOrigin::User)
            .then(|| text::prompt_key(inner.prompts.iter().map(String::as_str)));
        let categories = categories_of(&inner);
        BattleUpdate {
            id: battle.id.clone(),
            updated_ms: now_ms(),
            status,
            conversation_a: conv(0),
            conversation_b: conv(1),
            turns: inner.prompts.len() as i64,
            anony: inner.anony,
            conv_metadata: meta.to_string(),
            style,
            error,
            prompt_key,
            categories,
        }
    }

    /// Records a vote. The answer is sent only after the vote is committed.
    pub async fn vote(
        &self,
        id: &str,
        token: &str,
        winner: &str,
        voter: &str,
        ip_key: &str,
    ) -> Result<VoteResult, FlowError> {
        let winner = match winner {
            "model_a" | "model_b" | "tie" | "both_bad" => winner.to_string(),
            _ => return Err(FlowError::UnknownWinner),
        };
        let s = &self.settings;
        match self.battle(id) {
            Some(battle) => {
                if !constant_time_eq(token.as_bytes(), battle.vote_token.as_bytes()) {
                    return Err(FlowError::WrongVoteToken);
                }
                {
                    let mut inner = battle.lock();
                    match inner.phase {
                        Phase::Complete => {}
                        Phase::Voted { .. } | Phase::Voting => {
                            return Err(FlowError::AlreadyVoted);
                        }
                        Phase::Generating => return Err(FlowError::AnswersIncomplete),
                        Phase::Failed => return Err(FlowError::NoAnswers),
                    }
                    self.limit_vote(voter, ip_key)?;
                    inner.phase = Phase::Voting;
                }
                let anony = battle.lock().anony;
                let result = self
                    .commit_vote(
                        id,
                        &winner,
                        voter,
                        [battle.models[0].name(), battle.models[1].name()],
                        anony,
                    )
                    .await;
                let mut inner = battle.lock();
                match &result {
                    Ok(r) => {
                        inner.phase = Phase::Voted {
                            winner: winner.clone(),
                            counted: r.counted,
                        }
                    }
                    // The database says the battle is settled: it stays settled here too.
                    Err(FlowError::AlreadyVoted | FlowError::NotVotable) => {
                        inner.phase = Phase::Voted {
                            winner: String::new(),
                            counted: false,
                        }
                    }
                    Err(_) => inner.phase = Phase::Complete,
                }
                drop(inner);
                battle.bump();
                result
            }
            None => {
                // Not in memory (older, or the server restarted): the database decides.
                let rec = self
                    .store
                    .battle(id)
                    .await
                    .map_err(FlowError::store("reading the battle"))?
                    .ok_or(FlowError::NoSuchBattle)?;
                if !constant_time_eq(token.as_bytes(), rec.vote_token.as_bytes()) {
                    return Err(FlowError::WrongVoteToken);
                }
                if rec.vote.is_some() {
                    return Err(FlowError::AlreadyVoted);
                }
                if rec.status != BattleStatus::Complete {
                    return Err(FlowError::NotVotable);
                }
                let _ = s;
                self.limit_vote(voter, ip_key)?;
                self.commit_vote(id, &winner, voter, [&rec.model_a, &rec.model_b], rec.anony)
                    .await
            }
        }
    }

    fn limit_vote(&self, voter: &str, ip_key: &str) -> Result<(), FlowError> {
        let s = &self.settings;
        self.limiter
            .take(&format!("vote:{voter}"), s.votes_per_minute, s.vote_burst)
            .map_err(FlowError::RateLimited)?;
        if ip_key != voter {
            self.limiter
                .take(
                    &format!("vote-ip:{ip_key}"),
                    s.ip_votes_per_minute,
                    s.ip_vote_burst,
                )
                .map_err(FlowError::RateLimited)?;
        }
        Ok(())
    }

    async fn commit_vote(
        &self,
        id: &str,
        winner: &str,
        voter: &str,
        names: [&str; 2],
        anony: bool,
    ) -> Result<VoteResult, FlowError> {
        let vote = NewVote {
            battle_id: id.to_string(),
            winner: winner.to_string(),
            voter: voter.to_string(),
            voted_ms: now_ms(),
            dedup_cap: self.settings.dedup_cap,
        };
        match self.store.record_vote(&vote).await {
            Ok(VoteOutcome::Recorded { seq, counted }) => {
                // Committed: now (and only now) the leaderboard and the voter hear of it.
                if counted
                    && anony
                    && let Ok(Some(rec)) = self
                        .store_row_for(id, seq, winner, vote.voted_ms, counted)
                        .await
                {
                    self.leaderboard.add(&rec);
                }
                Ok(VoteResult {
                    model_a: names[0].to_string(),
                    model_b: names[1].to_string(),
                    winner: winner.to_string(),
                    counted,
                    anonymous: anony,
                })
            }
            Ok(VoteOutcome::AlreadyVoted) => Err(FlowError::AlreadyVoted),
            Ok(VoteOutcome::NotVotable) => Err(FlowError::NotVotable),
            Err(source) => Err(FlowError::Store {
                action: "storing the vote",
                source,
            }),
        }
    }

    /// The leaderboard row of a just-committed vote (style counts from memory when the battle
    /// is there, else from the database).
    async fn store_row_for(
        &self,
        id: &str,
        seq: i64,
        winner: &str,
        voted_ms: i64,
        counted: bool,
    ) -> Result<Option<VoteRow>, FlowError> {
        let from_memory = self.battle(id).map(|b| {
            let inner = b.lock();
            (
                b.models[0].name().to_string(),
                b.models[1].name().to_string(),
                inner.anony,
                inner.style,
                categories_of(&inner),
            )
        });
        let (model_a, model_b, anony, style, categories) = match from_memory {
            Some(x) => x,
            None => {
                let rec = self
                    .store
                    .battle(id)
                    .await
                    .map_err(FlowError::store("reading the battle"))?;
                let Some(rec) = rec else { return Ok(None) };
                (
                    rec.model_a,
                    rec.model_b,
                    rec.anony,
                    rec.style,
                    rec.categories,
                )
            }
        };
        Ok(Some(VoteRow {
            seq,
            model_a,
            model_b,
            winner: winner.to_string(),
            voted_ms,
            anony,
            counted,
            style,
            categories,
        }))
    }

    /// On a database shared with other servers, a battle this server holds as complete may
    /// have been voted through another server: the stored vote settles it here too (one read,
    /// only for complete battles on a shared database).
    pub async fn settle_from_store(&self, battle: &Battle) {
        if !self.store.shared() || battle.lock().phase != Phase::Complete {
            return;
        }
        match self.store.battle(&battle.id).await {
            Ok(Some(BattleRecord {
                vote: Some(vote), ..
            })) => {
                let mut inner = battle.lock();
                if inner.phase == Phase::Complete {
                    inner.phase = Phase::Voted {
                        winner: vote.winner,
                        counted: vote.counted,
                    };
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("reading battle {}: {e}", battle.id),
        }
    }

    /// A battle as stored, for battles no longer in memory.
    pub async fn stored_battle(&self, id: &str) -> Result<Option<BattleRecord>, FlowError> {
        self.store
            .battle(id)
            .await
            .map_err(FlowError::store("reading the battle"))
    }

    /// Adds or replaces a model at run time (persisted). Its API-key variable and base URL
    /// must be ones the config file approves ([`KeyPolicy`]).
    pub async fn put_model(&self, config: ModelConfig) -> Result<(), FlowError> {
        config.validate()?;
        self.key_policy.approve(&config)?;
        let entry = Arc::new(build_model(config.clone(), &self.sets, &self.http)?);
        let rec = versus_store::ModelRecord {
            name: config.name.clone(),
            config: serde_json::to_string(&config).map_err(|source| FlowError::Encode {
                what: "the model's configuration",
                source,
            })?,
            enabled: config.enabled,
            updated_ms: now_ms(),
        };
        self.store
            .upsert_model(&rec)
            .await
            .map_err(FlowError::store("storing the model"))?;
        let mut models = self.models.write().unwrap_or_else(|e| e.into_inner());
        models.retain(|m| m.name() != config.name);
        models.push(entry);
        tracing::info!(
            "admin: model {} added or replaced ({:?})",
            config.name,
            config.backend
        );
        Ok(())
    }

    /// Enables or disables a model (persisted).
    pub async fn set_enabled(&self, name: &str, enabled: bool) -> Result<(), FlowError> {
        let entry = self.find_model(name).ok_or(FlowError::NoSuchModel)?;
        let mut config = entry.config.clone();
        config.enabled = enabled;
        let rec = versus_store::ModelRecord {
            name: name.to_string(),
            config: serde_json::to_string(&config).map_err(|source| FlowError::Encode {
                what: "the model's configuration",
                source,
            })?,
            enabled,
            updated_ms: now_ms(),
        };
        self.store
            .upsert_model(&rec)
            .await
            .map_err(FlowError::store("storing the model"))?;
        entry.enabled.store(enabled, Ordering::Relaxed);
        tracing::info!(
            "admin: model {name} {}",
            if enabled { "enabled" } else { "disabled" }
        );
        Ok(())
    }
}

/// What a committed vote reveals.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VoteResult {
    pub model_a: String,
    pub model_b: String,
    pub winner: String,
    /// False when the prompt was over the dedup cap.
    pub counted: bool,
    /// False when an answer revealed a model's identity (the vote is kept, not ranked).
    pub anonymous: bool,
}

fn build_model(
    config: ModelConfig,
    sets: &[Arc<RecordedSet>],
    http: &reqwest::Client,
) -> Result<ModelEntry, RecordedError> {
    let backend = match config.backend {
        BackendKind::Recorded => {
            let set_name = config
                .set
                .as_deref()
                .unwrap_or(crate::recorded::BUILTIN_SET);
            let set = sets.iter().find(|s| s.name == set_name).ok_or_else(|| {
                RecordedError::UnknownSet {
                    model: config.name.clone(),
                    set: set_name.to_string(),
                    loaded: sets
                        .iter()
                        .map(|s| format!("{:?}", s.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?;
            let source = config.source.clone().unwrap_or_else(|| config.name.clone());
            if !set.has_model(&source) {
                return Err(RecordedError::UnknownModel {
                    model: config.name.clone(),
                    set: set_name.to_string(),
                    source_model: source,
                });
            }
            Backend::Recorded {
                set: set.clone(),
                source,
            }
        }
        BackendKind::Openai => {
            if let Some(var) = &config.api_key_env
                && std::env::var_os(var).is_none()
            {
                tracing::warn!(
                    "model {}: environment variable {var} is not set; its battles will fail until it is",
                    config.name
                );
            }
            Backend::OpenAi(OpenAiBackend::new(&config, http.clone()))
        }
    };
    let enabled = AtomicBool::new(config.enabled);
    Ok(ModelEntry {
        config,
        backend,
        enabled,
    })
}

/// Resolves once `side` of `battle` is asked to stop (see [`AppState::stop`]).
async fn stop_requested(battle: &Battle, side: usize) {
    let mut rx = battle.changed.subscribe();
    loop {
        rx.borrow_and_update();
        if battle.lock().stopped_now[side] {
            return;
        }
        if rx.changed().await.is_err() {
            return std::future::pending().await;
        }
    }
}

/// Generates turn `turn` of both sides, then stores the battle as complete (or failed). A side
/// the person stops ends there with its partial answer, as if its model had finished.
async fn generate(state: Arc<AppState>, battle: Arc<Battle>, turn: usize) {
    let run_side = |side: usize| {
        let state = state.clone();
        let battle = battle.clone();
        async move {
            let messages: Vec<ChatMessage> = {
                let inner = battle.lock();
                let mut m = Vec::new();
                for t in 0..=turn {
                    m.push(ChatMessage {
                        role: "user".into(),
                        content: inner.prompts[t].clone(),
                    });
                    if t < turn {
                        m.push(ChatMessage {
                            role: "assistant".into(),
                            content: inner.answers[side][t].clone(),
                        });
                    }
                }
                m
            };
            let b2 = battle.clone();
            let mut sink = move |chunk: &str| {
                b2.lock().answers[side][turn].push_str(chunk);
                b2.bump();
            };
            let answer = battle.models[side].backend.stream(
                &messages,
                &battle.prompt_ref,
                &state.settings,
                &mut sink,
            );
            tokio::select! {
                r = answer => r,
                () = stop_requested(&battle, side) => Ok(()),
            }
        }
    };
    let result = futures_util::future::try_join(run_side(0), run_side(1)).await;
    match result {
        Ok(_) => {
            {
                let mut inner = battle.lock();
                let texts = inner
                    .prompts
                    .iter()
                    .chain(inner.answers[0].iter())
                    .chain(inner.answers[1].iter())
                    .map(String::as_str);
                if let Some(word) = text::identity_word(texts) {
                    if inner.anony {
                        tracing::info!(
                            "battle {}: the conversation contains the identity word {word:?}; kept as non-anonymous",
                            battle.id
                        );
                    }
                    inner.anony = false;
                }
            }
            let update = state.battle_update(&battle, BattleStatus::Complete, None);
            match state.store.update_battle(&update).await {
                Ok(()) => {
                    let mut inner = battle.lock();
                    inner.style = update.style;
                    inner.phase = Phase::Complete;
                }
                Err(e) => {
                    tracing::error!("battle {}: storing the answers failed: {e}", battle.id);
                    battle.lock().phase = Phase::Failed;
                }
            }
        }
        Err(e) => {
            // For the operator: which model and why (the text never holds an API key).
            tracing::warn!(
                "battle {} failed: {} (models {} vs {})",
                battle.id,
                e,
                battle.models[0].name(),
                battle.models[1].name()
            );
            let update = state.battle_update(&battle, BattleStatus::Failed, Some(e.to_string()));
            if let Err(err) = state.store.update_battle(&update).await {
                tracing::error!("battle {}: storing the failure failed: {err}", battle.id);
            }
            battle.lock().phase = Phase::Failed;
        }
    }
    battle.bump();
}

/// The stored category tags of a battle's conversation so far (prompts and answers).
fn categories_of(inner: &Inner) -> String {
    crate::categories::categorize_battle(
        &inner.prompts,
        inner.answers.iter().flatten().map(String::as_str),
    )
    .stored()
}

/// A battle's public view (no model names unless voted).
pub fn public_view(battle: &Battle, include_token: bool) -> serde_json::Value {
    let inner = battle.lock();
    let last = inner.prompts.len() - 1;
    let turns: Vec<serde_json::Value> = (0..inner.prompts.len())
        .map(|t| json!({"prompt": inner.prompts[t], "a": inner.answers[0][t], "b": inner.answers[1][t]}))
        .collect();
    let (status, complete) = match &inner.phase {
        Phase::Generating => ("generating", false),
        Phase::Complete | Phase::Voting => ("complete", true),
        Phase::Voted { .. } => ("voted", true),
        Phase::Failed => ("failed", false),
    };
    let mut v = json!({
        "id": battle.id,
        "prompt": inner.prompts[0],
        "answers": {"a": inner.answers[0][last], "b": inner.answers[1][last]},
        "turns": turns,
        "complete": complete,
        "status": status,
        "followups": battle.followups_allowed() && inner.phase == Phase::Complete,
        "stopped": inner.stopped_now,
        "mode": if battle.named { "named" } else { "anony" },
    });
    if battle.named {
        // Side by side: the person chose these models, so their names are no secret.
        v["models"] = json!({"a": battle.models[0].name(), "b": battle.models[1].name()});
    }
    if include_token && matches!(inner.phase, Phase::Complete | Phase::Generating) {
        v["vote_token"] = json!(battle.vote_token);
    }
    if inner.phase == Phase::Failed {
        v["error"] = json!(PUBLIC_BACKEND_ERROR);
    }
    if let Phase::Voted { winner, .. } = &inner.phase {
        v["vote"] = json!({"winner": winner, "model_a": battle.models[0].name(), "model_b": battle.models[1].name(), "anonymous": inner.anony});
    }
    v
}

/// The public view of a stored battle (no longer in memory).
pub fn public_view_stored(rec: &BattleRecord, include_token: bool) -> serde_json::Value {
    let parse = |s: &str| serde_json::from_str::<Vec<ChatMessage>>(s).unwrap_or_default();
    let a = parse(&rec.conversation_a);
    let b = parse(&rec.conversation_b);
    let prompts: Vec<String> = a
        .iter()
        .filter(|m| m.role == "user")
        .map(|m| m.content.clone())
        .collect();
    let answers = |c: &[ChatMessage]| -> Vec<String> {
        c.iter()
            .filter(|m| m.role == "assistant")
            .map(|m| m.content.clone())
            .collect()
    };
    let (aa, bb) = (answers(&a), answers(&b));
    let turns: Vec<serde_json::Value> = prompts
        .iter()
        .enumerate()
        .map(|(t, p)| json!({"prompt": p, "a": aa.get(t).cloned().unwrap_or_default(), "b": bb.get(t).cloned().unwrap_or_default()}))
        .collect();
    let voted = rec.vote.is_some();
    let status = if voted { "voted" } else { rec.status.as_str() };
    let complete = voted || rec.status == BattleStatus::Complete;
    let mut v = json!({
        "id": rec.id,
        "prompt": prompts.first().cloned().unwrap_or_default(),
        "answers": {"a": aa.last().cloned().unwrap_or_default(), "b": bb.last().cloned().unwrap_or_default()},
        "turns": turns,
        "complete": complete,
        "status": status,
        "followups": false,
        "mode": if rec.named { "named" } else { "anony" },
    });
    if rec.named {
        v["models"] = json!({"a": rec.model_a, "b": rec.model_b});
    }
    if include_token && !voted && rec.status == BattleStatus::Complete {
        v["vote_token"] = json!(rec.vote_token);
    }
    if matches!(rec.status, BattleStatus::Failed | BattleStatus::Interrupted) && !voted {
        v["error"] = json!(PUBLIC_BACKEND_ERROR);
    }
    if let Some(vote) = &rec.vote {
        v["vote"] = json!({"winner": vote.winner, "model_a": rec.model_a, "model_b": rec.model_b, "anonymous": rec.anony});
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_key_is_an_hmac_key_from_at_least_16_secret_bytes() {
        assert!(matches!(
            client_key(&[7; 15]),
            Err(StartError::ShortSecret { len: 15 })
        ));
        // RFC 4231, test case 1: the key we build is plain HMAC-SHA256.
        let key = client_key(&[0x0b; 20]).expect("20 bytes suffice");
        let tag = ring::hmac::sign(&key, b"Hi There");
        let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn the_limiter_never_panics_on_extreme_rates() {
        let limiter = Limiter::new();
        // Rates so small the wait overflows a Duration: refused, for a day at most.
        for per_minute in [1e-300, 0.0, f64::MIN_POSITIVE] {
            let key = format!("k{per_minute}");
            assert!(limiter.take(&key, per_minute, 1.0).is_ok());
            assert_eq!(
                limiter.take(&key, per_minute, 1.0),
                Err(Duration::from_secs(86_400))
            );
        }
        // Huge rates refill at once.
        for per_minute in [1e300, f64::INFINITY] {
            let key = format!("k{per_minute}");
            assert!(limiter.take(&key, per_minute, 1.0).is_ok());
            let _ = limiter.take(&key, per_minute, 1.0);
        }
        assert_eq!(retry_after(f64::NAN), Duration::from_secs(86_400));
        assert_eq!(retry_after(1e300), Duration::from_secs(86_400));
        assert_eq!(retry_after(0.0), Duration::from_millis(1));
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }

    fn build_error(config: ModelConfig) -> RecordedError {
        install_crypto_provider();
        let sets = vec![RecordedSet::builtin().unwrap()];
        match build_model(config, &sets, &reqwest::Client::new()) {
            Ok(_) => panic!("built"),
            Err(e) => e,
        }
    }

    #[test]
    fn an_unknown_recorded_model_or_set_is_named() {
        let unknown = ModelConfig::recorded("no-such-model", "alpacaeval", Default::default());
        assert_eq!(
            build_error(unknown).to_string(),
            "model \"no-such-model\": the recorded set \"alpacaeval\" has no answers of \"no-such-model\""
        );
        let elsewhere = ModelConfig::recorded("m", "other-set", Default::default());
        assert_eq!(
            build_error(elsewhere).to_string(),
            "model \"m\": recorded set \"other-set\" is not loaded (expected one of: \"alpacaeval\")"
        );
    }
}
