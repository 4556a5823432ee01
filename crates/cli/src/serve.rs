//! `versus serve` (the arena) and `versus export` (its votes as files).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use versus_arena::export::{ExportFormat, render};
use versus_arena::{Arena, ArenaConfig};
use versus_store::{Durability, SqliteStore, Store};

use crate::input_error;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// WAL + synchronous=NORMAL: acknowledged votes survive a crash or kill -9 of the server.
    Normal,
    /// WAL + synchronous=FULL: an fsync per vote; acknowledged votes survive power loss too.
    Full,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The SQLite database (created and migrated on start).
    #[arg(long, default_value = "versus-arena.db", env = "VERSUS_DB")]
    pub db: PathBuf,
    /// Arena configuration (TOML; see config/arena.example.toml). Default: the built-in
    /// recorded answers of 24 models to 805 AlpacaEval prompts, no network needed.
    #[arg(long, env = "VERSUS_CONFIG")]
    pub config: Option<PathBuf>,
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// How hard each vote's commit tries to reach the disk.
    #[arg(long, value_enum, default_value_t = DurabilityArg::Normal)]
    pub durability: DurabilityArg,
    /// Reverse proxies in front of this server (overrides `[arena] trusted_proxies`): the
    /// client address is the N-th entry from the right of X-Forwarded-For (or Forwarded with
    /// `proxy_header = "forwarded"`). 0 ignores forwarded headers.
    #[arg(long, env = "VERSUS_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<usize>,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, default_value = "info", env = "VERSUS_LOG")]
    pub log: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// LMArena's battle-log JSON (one array), readable by `versus rank`.
    Json,
    /// The same objects, one per line.
    Jsonl,
    /// Flat CSV with style columns (`versus rank --where dedup_sampled=true` leaves out
    /// prompts over the repetition cap, as the arena does).
    Csv,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The arena's SQLite database.
    #[arg(long, default_value = "versus-arena.db", env = "VERSUS_DB")]
    pub db: PathBuf,
    #[arg(long, value_enum, default_value_t = ExportFormatArg::Json)]
    pub format: ExportFormatArg,
    /// Output file (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

fn init_logging(level: &str) -> anyhow::Result<()> {
    let level: tracing::Level = level.parse().map_err(|_| {
        input_error(format!(
            "--log: unknown level {level:?} (error, warn, info, debug, trace)"
        ))
    })?;
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    // Open event streams and live generations would hold a graceful shutdown open; every
    // acknowledged vote is already committed, so after a short grace period just exit.
    tracing::info!("shutting down (at most 10 s)");
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(10));
        std::process::exit(0);
    });
}

pub fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(&args.log)?;
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
            ArenaConfig::from_toml(&text)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?
        }
        None => ArenaConfig::default_offline(),
    };
    if let Some(n) = args.trusted_proxies {
        config.arena.trusted_proxies = n;
        config
            .validate()
            .map_err(|e| input_error(format!("--trusted-proxies: {e}")))?;
    }
    let durability = match args.durability {
        DurabilityArg::Normal => Durability::Normal,
        DurabilityArg::Full => Durability::Full,
    };
    // Before anything else touches the file: a second server exits here.
    let _lock = SqliteStore::lock_for_server(&args.db).map_err(|e| input_error(e.to_string()))?;
    runtime()?.block_on(async move {
        let store = SqliteStore::open(&args.db, durability)
            .await
            .with_context(|| format!("opening the database {}", args.db.display()))?;
        let store_handle = store.clone();
        let arena = Arena::new(config, Arc::new(store))
            .await
            .map_err(|e| input_error(e.to_string()))?;
        let addr = format!("{}:{}", args.host, args.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        tracing::info!("database {}", args.db.display());
        // The line scripts and tests wait for.
        eprintln!("versus: arena listening on http://{local}");
        arena.serve(listener, shutdown_signal()).await?;
        store_handle.close().await;
        Ok(())
    })
}

pub fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    if !args.db.exists() {
        return Err(input_error(format!(
            "{}: no such database (run `versus serve --db {}` first)",
            args.db.display(),
            args.db.display()
        )));
    }
    let format = match args.format {
        ExportFormatArg::Json => ExportFormat::Json,
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
        ExportFormatArg::Csv => ExportFormat::Csv,
    };
    let text = runtime()?.block_on(async {
        let store = SqliteStore::open(&args.db, Durability::Normal)
            .await
            .with_context(|| format!("opening the database {}", args.db.display()))?;
        let records = store.voted_battles().await?;
        store.close().await;
        render(&records, format).map_err(anyhow::Error::from)
    })?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => crate::render::write_stdout(&text),
    }
}
