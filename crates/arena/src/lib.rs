//! The versus arena: an HTTP server where people compare two anonymous models' answers and
//! vote, and a leaderboard computed from those votes.
//!
//! * [`config`]: the TOML configuration (recorded and OpenAI-compatible models, limits).
//! * [`model`]: public facts about a model (shared by `config` and `recorded`).
//! * [`state`]: battles, generation, voting (names hidden until the vote is committed).
//! * [`api`]: routes — pages, JSON API, server-sent events, admin endpoints.
//! * [`board`]: the leaderboard, recomputed in the background after votes.
//! * [`sampler`]: which two models meet. `server`: the accept loop (timeouts, connection caps).
//! * [`text`]: style counts, identity words, escaping.
//! * [`export`]: LMArena battle-log JSON, JSONL and CSV exports.
//! * [`race_pages`]: the race views (`/race`, `/value`, `/compute`) and their JSON, from `versus-race`.
//!
//! Errors are typed, one enum per stage, each message naming what was expected:
//! [`config::ConfigError`], [`recorded::RecordedError`], [`backend::BackendError`] (upstream
//! failures, API keys redacted), [`state::FlowError`] (the battle flow; `api` maps each variant
//! to an HTTP status), [`state::StartError`], [`export::ExportError`], [`board::BoardError`] (why
//! a leaderboard view is missing) and [`race_pages::RaceDataError`] (which shipped race table
//! failed to load).

#![forbid(unsafe_code)]

pub mod api;
pub mod backend;
pub mod board;
pub mod categories;
pub mod client;
pub mod config;
pub mod export;
pub mod model;
mod pages;
pub mod race_pages;
pub mod recorded;
pub mod sampler;
mod server;
pub mod state;
pub mod text;

use std::future::Future;
use std::sync::Arc;

pub use config::{ArenaConfig, ConfigError, ModelConfig, Settings};
pub use state::{AppState, StartError};
use versus_store::Store;

/// A configured arena, ready to serve.
pub struct Arena {
    pub state: Arc<AppState>,
}

impl Arena {
    /// Builds the arena on `store` (which must already be migrated) and starts its background
    /// tasks (call inside a tokio runtime).
    pub async fn new(config: ArenaConfig, store: Arc<dyn Store>) -> Result<Arena, StartError> {
        let state = AppState::new(config, store).await?;
        state.spawn_background();
        Ok(Arena { state })
    }

    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` completes, with the configured header and body
    /// timeouts and connection caps (see [`Settings`]).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self.router();
        server::serve(app, &self.state.settings, listener, shutdown).await
    }
}
