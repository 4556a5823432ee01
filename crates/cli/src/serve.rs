//! `versus serve` (the arena), `versus export` (its votes as files) and `versus db` (schema
//! migration, copying an arena between SQLite and PostgreSQL).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use versus_arena::export::{ExportFormat, render};
use versus_arena::{Arena, ArenaConfig};
use versus_store::{Durability, Location, ServerLock, SqliteStore, Store};

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
    /// The database (created and migrated on start): a SQLite file path (one server), or
    /// postgres://USER@HOST:PORT/DB for several servers sharing one arena.
    #[arg(long, default_value = "versus-arena.db", env = "VERSUS_DB")]
    pub db: String,
    /// Arena configuration (TOML; see config/arena.example.toml). Default: the built-in
    /// recorded answers of 24 models to 805 AlpacaEval prompts, no network needed.
    #[arg(long, env = "VERSUS_CONFIG")]
    pub config: Option<PathBuf>,
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// How hard each vote's commit tries to reach the disk (SQLite; PostgreSQL commits are
    /// flushed to its WAL by default).
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
    /// The arena's database: a SQLite file path or postgres://USER@HOST:PORT/DB.
    #[arg(long, default_value = "versus-arena.db", env = "VERSUS_DB")]
    pub db: String,
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
    let location = parse_location(&args.db)?;
    // Before anything else touches the file: a second server on one SQLite file exits here
    // (servers sharing a PostgreSQL database need no lock).
    let _lock = lock_if_sqlite(&location)?;
    runtime()?.block_on(async move {
        let store = versus_store::open(&location, durability)
            .await
            .with_context(|| format!("opening the database {location}"))?;
        let store_handle = store.clone();
        let arena = Arena::new(config, store)
            .await
            .map_err(|e| input_error(e.to_string()))?;
        let addr = format!("{}:{}", args.host, args.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        tracing::info!("database {location}");
        // The line scripts and tests wait for.
        eprintln!("versus: arena listening on http://{local}");
        arena.serve(listener, shutdown_signal()).await?;
        store_handle.close().await?;
        Ok(())
    })
}

/// The exclusive hold on a SQLite database (none for PostgreSQL, which many servers share).
fn lock_if_sqlite(location: &Location) -> anyhow::Result<Option<ServerLock>> {
    match location {
        Location::Sqlite(path) => Ok(Some(
            SqliteStore::lock_for_server(path).map_err(|e| input_error(e.to_string()))?,
        )),
        Location::Postgres(_) => Ok(None),
    }
}

/// The `--db` value, or an input error naming it.
fn parse_location(value: &str) -> anyhow::Result<Location> {
    Location::parse(value).map_err(|e| input_error(e.to_string()))
}

/// Opens an existing database (never creates a SQLite file by mistake).
async fn open_existing(location: &Location) -> anyhow::Result<Arc<dyn Store>> {
    if location.is_missing_file() {
        return Err(input_error(format!(
            "{location}: no such database (run `versus serve --db {location}` first)"
        )));
    }
    versus_store::open(location, Durability::Normal)
        .await
        .with_context(|| format!("opening the database {location}"))
}

pub fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let location = parse_location(&args.db)?;
    let format = match args.format {
        ExportFormatArg::Json => ExportFormat::Json,
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
        ExportFormatArg::Csv => ExportFormat::Csv,
    };
    let text = runtime()?.block_on(async {
        let store = open_existing(&location).await?;
        let records = store.voted_battles().await?;
        store.close().await?;
        render(&records, format).map_err(anyhow::Error::from)
    })?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => crate::render::write_stdout(&text),
    }
}

#[derive(Args, Debug)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum DbCommand {
    /// Apply the schema migrations this build knows (servers also do it at start) and print
    /// the schema version.
    Migrate {
        /// A SQLite file path or postgres://USER@HOST:PORT/DB (created if missing).
        #[arg(long, default_value = "versus-arena.db", env = "VERSUS_DB")]
        db: String,
    },
    /// Copy an arena (battles, votes with their order, run-time models, the voter-hash secret)
    /// to an empty database of either backend, then compare the counts.
    Copy {
        /// The source: a SQLite file path, sqlite:PATH or postgres://…
        #[arg(long)]
        from: String,
        /// The destination (must hold no battle): a SQLite file path, sqlite:PATH or postgres://…
        #[arg(long)]
        to: String,
        /// Battles per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
    },
}

pub fn run_db(args: DbArgs) -> anyhow::Result<()> {
    match args.command {
        DbCommand::Migrate { db } => {
            let location = parse_location(&db)?;
            runtime()?.block_on(async {
                let store = versus_store::open(&location, Durability::Normal)
                    .await
                    .with_context(|| format!("opening the database {location}"))?;
                let version = store.schema_version().await?;
                let (battles, votes) = store.counts().await?;
                store.close().await?;
                println!(
                    "{location}: {} schema version {version} (battles {battles}, votes {votes})",
                    store.backend()
                );
                Ok(())
            })
        }
        DbCommand::Copy { from, to, batch } => {
            if batch < 1 {
                return Err(input_error(format!(
                    "--batch {batch}: expected a positive number of battles"
                )));
            }
            let (from, to) = (parse_location(&from)?, parse_location(&to)?);
            if from == to {
                return Err(input_error(format!(
                    "--from and --to are the same database ({from})"
                )));
            }
            runtime()?.block_on(copy(from, to, batch))
        }
    }
}

async fn copy(from: Location, to: Location, batch: i64) -> anyhow::Result<()> {
    // A SQLite end must not be in use by a server (votes cast during the copy would be lost).
    if from.is_missing_file() {
        return Err(input_error(format!(
            "{from}: no such database (run `versus serve --db {from}` first)"
        )));
    }
    let _locks = (lock_if_sqlite(&from)?, lock_if_sqlite(&to)?);
    let source = open_existing(&from).await?;
    let dest = versus_store::open(&to, Durability::Normal)
        .await
        .with_context(|| format!("opening the database {to}"))?;
    let (src_battles, src_votes) = source.counts().await?;
    let (dst_battles, dst_votes) = dest.counts().await?;
    if dst_battles != 0 || dst_votes != 0 {
        return Err(input_error(format!(
            "--to {to}: not empty ({dst_battles} battles, {dst_votes} votes); copy only into a new database"
        )));
    }
    let mut after = String::new();
    loop {
        let page = source.battles_after(&after, batch).await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        dest.import(&page)
            .await
            .with_context(|| format!("writing battles up to {after} to {to}"))?;
    }
    for model in source.models().await? {
        dest.upsert_model(&model).await?;
    }
    dest.set_secret(&source.secret().await?).await?;
    let (out_battles, out_votes) = dest.counts().await?;
    source.close().await?;
    dest.close().await?;
    println!("source      {from}: battles {src_battles}, votes {src_votes}");
    println!("destination {to}: battles {out_battles}, votes {out_votes}");
    if (out_battles, out_votes) != (src_battles, src_votes) {
        anyhow::bail!(
            "the counts differ: source battles {src_battles}, votes {src_votes}; destination battles {out_battles}, votes {out_votes}"
        );
    }
    println!("counts match");
    Ok(())
}
