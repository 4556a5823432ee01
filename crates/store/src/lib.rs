//! Battles, votes and models of the versus arena.
//!
//! [`Store`] is the narrow, async interface the arena uses; [`SqliteStore`] implements it on an
//! embedded SQLite file (the default, one server process), [`PostgresStore`] on a PostgreSQL
//! database that several server processes share. [`open`] picks one from a `--db` value
//! ([`Location`]). This crate is the only place in versus that speaks SQL.
//!
//! Both backends number their schema migrations alike (version N is the same tables), apply
//! the missing ones when a store is opened, and refuse a database whose version is newer than
//! the build.
//!
//! # Durability
//!
//! The database runs in WAL mode. A vote is one `INSERT` statement in its own transaction; the
//! arena answers the voter only after that statement has returned, i.e. after the commit.
//!
//! * [`Durability::Normal`] (`synchronous=NORMAL`, the default): a commit appends the
//!   transaction to the WAL file with `write(2)` before returning, and fsyncs only at
//!   checkpoints. Once `write(2)` has returned, the data is in the operating system's page cache
//!   and survives the death of the process at any instant (`kill -9`, a panic, an OOM kill): the
//!   next open replays the WAL. It does not survive a power cut or a kernel crash, which can lose
//!   the last transactions (never corrupt the database; SQLite's documentation: "WAL mode is
//!   always consistent with synchronous=NORMAL, but WAL mode does lose durability").
//! * [`Durability::Full`] (`synchronous=FULL`): each commit also fsyncs the WAL, so acknowledged
//!   votes survive power loss too, at the cost of one fsync per vote.
//!
//! All writes go through one connection (a pool of one), so writers queue in the pool in
//! arrival order instead of sleeping in SQLite's busy handler; reads use a separate pool and
//! never block writers (WAL readers see the last committed snapshot).

#![forbid(unsafe_code)]

mod location;
mod postgres;

pub use location::{Location, open};
pub use postgres::{POSTGRES_SCHEMA_VERSION, PostgresStore, fresh_schema_url};

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A storage failure (the database, not the caller, is at fault).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not a `source`: sqlx's message already includes its cause, and an error chain would
    /// print the same words again (one line, once).
    #[error("database error: {}", database_message(.0))]
    Database(sqlx::Error),
    #[error("{0}")]
    Other(String),
    /// Another server holds the database (see [`SqliteStore::lock_for_server`]).
    #[error(
        "{}: another versus serve is using this database (it holds {}); one SQLite file serves one server: to run several servers, give them one PostgreSQL database",
        db.display(), lock.display()
    )]
    Locked { db: PathBuf, lock: PathBuf },
    #[error("{}: cannot lock the database: {source}", lock.display())]
    Lock {
        lock: PathBuf,
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError::Database(e)
    }
}

/// sqlx's message for a failure, on one line: the database's own words where it gave some.
fn database_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
    .replace('\n', " ")
}

/// Why a reachable database refused to write: nothing was written, and no retry helps until an
/// operator acts (frees disk space, makes the database writable again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefusal {
    /// SQLite `SQLITE_READONLY` (file or connection read-only), PostgreSQL 25006
    /// (read-only transaction, e.g. `default_transaction_read_only` or a hot standby).
    ReadOnly,
    /// SQLite `SQLITE_FULL` (disk full, or the file at `max_page_count`), PostgreSQL 53100.
    Full,
}

impl StoreError {
    /// True when the database could not be reached (down, restarting, pool exhausted) rather
    /// than refusing the request: the caller may retry later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed => true,
                // SQLite's codes are numbers that could share these prefixes.
                sqlx::Error::Database(d)
                    if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() =>
                {
                    false
                }
                sqlx::Error::Database(d) => d.code().is_some_and(|c| {
                    // 08xxx connection exception, 57P0x shutdown / cannot connect now,
                    // 53xxx insufficient resources (too many connections), except 53100 disk
                    // full (a write refusal, see `write_refusal`).
                    c != "53100"
                        && (c.starts_with("08") || c.starts_with("57P") || c.starts_with("53"))
                }),
                _ => false,
            },
            StoreError::Other(_) | StoreError::Locked { .. } | StoreError::Lock { .. } => false,
        }
    }

    /// The database refused the write because it is read-only or full (see [`WriteRefusal`]).
    pub fn write_refusal(&self) -> Option<WriteRefusal> {
        let StoreError::Database(sqlx::Error::Database(d)) = self else {
            return None;
        };
        let code = d.code()?;
        if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            // The extended result code; its low byte is the primary code.
            return match code.parse::<i64>().ok()? & 0xff {
                8 => Some(WriteRefusal::ReadOnly),
                13 => Some(WriteRefusal::Full),
                _ => None,
            };
        }
        match code.as_ref() {
            "25006" => Some(WriteRefusal::ReadOnly),
            "53100" => Some(WriteRefusal::Full),
            _ => None,
        }
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The future every [`Store`] method returns (boxed so the trait is object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// Where a battle's first prompt came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptOrigin {
    /// Typed by the person.
    User,
    /// One of the bundled prompts of a recorded prompt set, drawn by the server.
    Bundled,
}

impl PromptOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            PromptOrigin::User => "user",
            PromptOrigin::Bundled => "bundled",
        }
    }

    pub fn parse(s: &str) -> PromptOrigin {
        if s == "bundled" {
            PromptOrigin::Bundled
        } else {
            PromptOrigin::User
        }
    }
}

/// Life cycle of a battle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BattleStatus {
    /// Answers are being generated (the first turn or a follow-up).
    Generating,
    /// Both answers of the last turn are complete: the battle can be voted on.
    Complete,
    /// A backend failed; the battle is closed and cannot be voted on.
    Failed,
    /// The server stopped while the answers were being generated.
    Interrupted,
}

impl BattleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BattleStatus::Generating => "generating",
            BattleStatus::Complete => "complete",
            BattleStatus::Failed => "failed",
            BattleStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> BattleStatus {
        match s {
            "complete" => BattleStatus::Complete,
            "failed" => BattleStatus::Failed,
            "interrupted" => BattleStatus::Interrupted,
            _ => BattleStatus::Generating,
        }
    }
}

/// LMArena's style counts of one battle, index 0 = model A, 1 = model B (summed over the
/// assistant turns; markdown counted after removing fenced code blocks).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StyleRow {
    pub tokens: [f64; 2],
    pub header: [f64; 2],
    pub list: [f64; 2],
    pub bold: [f64; 2],
}

/// A battle as created, before any answer.
#[derive(Clone, Debug)]
pub struct NewBattle {
    pub id: String,
    pub created_ms: i64,
    pub model_a: String,
    pub model_b: String,
    pub vote_token: String,
    /// Hashed IP address or cookie id of the person who started the battle.
    pub voter: String,
    pub origin: PromptOrigin,
    /// Index of the bundled prompt, for recorded prompt sets.
    pub prompt_id: Option<i64>,
    /// Dedup key (normalised user turns); `None` for bundled prompts, which are exempt.
    pub prompt_key: Option<String>,
    /// Conversation so far, as JSON `[{"role","content"}]` (the first user turn).
    pub conversation: String,
    /// The person chose both models (side by side): stored as mode `named` and not anonymous.
    pub named: bool,
}

/// The state of a battle after a turn finished (or failed).
#[derive(Clone, Debug)]
pub struct BattleUpdate {
    pub id: String,
    pub updated_ms: i64,
    pub status: BattleStatus,
    /// Conversations as JSON `[{"role","content"}]`, both sides.
    pub conversation_a: String,
    pub conversation_b: String,
    pub turns: i64,
    /// False when an answer (or prompt) reveals a model's identity.
    pub anony: bool,
    /// LMArena-style `conv_metadata` JSON object.
    pub conv_metadata: String,
    pub style: StyleRow,
    /// For the operator (model name and cause); never shown to the person.
    pub error: Option<String>,
    /// Dedup key of all user turns so far (`None` keeps bundled prompts exempt).
    pub prompt_key: Option<String>,
    /// Category tags of the conversation so far, space-separated (the arena's categories
    /// module decides them; the store keeps the words as given).
    pub categories: String,
}

/// A vote to record.
#[derive(Clone, Debug)]
pub struct NewVote {
    pub battle_id: String,
    /// `model_a`, `model_b`, `tie` or `both_bad`.
    pub winner: String,
    pub voter: String,
    pub voted_ms: i64,
    /// Votes on battles with the same non-null prompt key count towards the leaderboard only
    /// while fewer than `dedup_cap` of them already do.
    pub dedup_cap: i64,
}

/// What happened to a vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteOutcome {
    /// Committed. `seq` orders votes by commit; `counted` is false for a prompt over the cap.
    Recorded { seq: i64, counted: bool },
    /// The battle already had a vote: nothing written.
    AlreadyVoted,
    /// No such battle, or not complete: nothing written.
    NotVotable,
}

/// A vote as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct VoteRecord {
    pub seq: i64,
    pub winner: String,
    pub voter: String,
    pub voted_ms: i64,
    pub counted: bool,
}

/// A battle as stored, with its vote if any.
#[derive(Clone, Debug, PartialEq)]
pub struct BattleRecord {
    pub id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub model_a: String,
    pub model_b: String,
    pub vote_token: String,
    pub voter: String,
    pub origin: PromptOrigin,
    pub prompt_id: Option<i64>,
    pub prompt_key: Option<String>,
    pub status: BattleStatus,
    pub anony: bool,
    pub turns: i64,
    pub conversation_a: String,
    pub conversation_b: String,
    pub conv_metadata: String,
    pub style: StyleRow,
    pub error: Option<String>,
    /// Category tags, space-separated; empty for battles stored before schema version 2.
    pub categories: String,
    /// Side by side: the person chose both models (see [`NewBattle::named`]).
    pub named: bool,
    pub vote: Option<VoteRecord>,
}

/// What the leaderboard needs of one vote (no conversations).
#[derive(Clone, Debug, PartialEq)]
pub struct VoteRow {
    pub seq: i64,
    pub model_a: String,
    pub model_b: String,
    pub winner: String,
    pub voted_ms: i64,
    pub anony: bool,
    pub counted: bool,
    pub style: StyleRow,
    /// The battle's category tags, space-separated (see [`BattleRecord::categories`]).
    pub categories: String,
}

/// A model added or changed at run time (by the operator), stored so it survives restarts.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelRecord {
    pub name: String,
    /// The model's configuration as JSON (never an API key: only the variable's name).
    pub config: String,
    pub enabled: bool,
    pub updated_ms: i64,
}

/// The storage the arena needs, and nothing more.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`, for messages.
    fn backend(&self) -> &'static str;
    /// True when other processes may write to the same database (so a server must reload
    /// votes it did not record itself).
    fn shared(&self) -> bool {
        false
    }
    /// Stores a new battle (status `generating`).
    fn create_battle<'a>(&'a self, battle: &'a NewBattle) -> BoxFuture<'a, ()>;
    /// Stores the answers and status after a turn.
    fn update_battle<'a>(&'a self, update: &'a BattleUpdate) -> BoxFuture<'a, ()>;
    /// One battle with its vote.
    fn battle<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Option<BattleRecord>>;
    /// Records a vote in its own committed transaction: once this returns `Recorded`, the vote
    /// is durable (see the crate docs). At most one vote per battle; only complete battles.
    fn record_vote<'a>(&'a self, vote: &'a NewVote) -> BoxFuture<'a, VoteOutcome>;
    /// Every vote in commit order, for the leaderboard.
    fn vote_rows(&self) -> BoxFuture<'_, Vec<VoteRow>>;
    /// The votes with `seq` greater than `seq`, in seq order (the leaderboard's catch-up with
    /// votes other processes recorded).
    fn vote_rows_after(&self, seq: i64) -> BoxFuture<'_, Vec<VoteRow>>;
    /// Up to `limit` battles (voted or not) with ids greater than `after`, in id order: a
    /// paged walk over every battle, for `versus db copy`.
    fn battles_after<'a>(&'a self, after: &'a str, limit: i64) -> BoxFuture<'a, Vec<BattleRecord>>;
    /// Inserts complete records (battles and their votes, keeping each vote's seq) in one
    /// transaction, for `versus db copy`.
    fn import<'a>(&'a self, battles: &'a [BattleRecord]) -> BoxFuture<'a, ()>;
    /// Replaces the voter-hash secret (a copied arena keeps hashing voters the same way).
    fn set_secret<'a>(&'a self, secret: &'a [u8]) -> BoxFuture<'a, ()>;
    /// The schema version applied (the number of migrations).
    fn schema_version(&self) -> BoxFuture<'_, i64>;
    /// Closes the connections (SQLite: checkpoints the WAL into the database file).
    fn close(&self) -> BoxFuture<'_, ()>;
    /// Every voted battle in commit order of the votes, for export.
    fn voted_battles(&self) -> BoxFuture<'_, Vec<BattleRecord>>;
    /// Marks battles still `generating` whose last update is older than `idle_before_ms` as
    /// `interrupted` (at start-up); returns how many. A lone server passes its start time
    /// (every such battle died with the previous run); on a shared database other servers may
    /// be generating right now, so only long-idle battles are closed.
    fn close_unfinished(&self, now_ms: i64, idle_before_ms: i64) -> BoxFuture<'_, u64>;
    /// Models added or changed at run time.
    fn models(&self) -> BoxFuture<'_, Vec<ModelRecord>>;
    fn upsert_model<'a>(&'a self, model: &'a ModelRecord) -> BoxFuture<'a, ()>;
    /// A random secret made when the database was created (keys the voter hashes).
    fn secret(&self) -> BoxFuture<'_, Vec<u8>>;
    /// Counts: (battles, votes).
    fn counts(&self) -> BoxFuture<'_, (i64, i64)>;
    /// "ok" when the database is intact (SQLite: `PRAGMA integrity_check`).
    fn integrity_check(&self) -> BoxFuture<'_, String>;
}

/// How hard a commit tries to reach the disk (see the crate docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Durability {
    /// WAL + `synchronous=NORMAL`: survives process crashes (kill -9), not power loss.
    #[default]
    Normal,
    /// WAL + `synchronous=FULL`: an fsync per commit; survives power loss.
    Full,
}

/// The schema version this build writes (the number of SQLite migrations).
pub const SQLITE_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Schema migrations, applied in order; `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    // 1: battles, votes, models, meta.
    r#"
    CREATE TABLE battles (
        id              TEXT PRIMARY KEY,
        created_ms      INTEGER NOT NULL,
        updated_ms      INTEGER NOT NULL,
        model_a         TEXT NOT NULL,
        model_b         TEXT NOT NULL,
        vote_token      TEXT NOT NULL,
        voter           TEXT NOT NULL,
        prompt_origin   TEXT NOT NULL,
        prompt_id       INTEGER,
        prompt_key      TEXT,
        status          TEXT NOT NULL,
        anony           INTEGER NOT NULL DEFAULT 1,
        turns           INTEGER NOT NULL DEFAULT 1,
        conversation_a  TEXT NOT NULL,
        conversation_b  TEXT NOT NULL,
        conv_metadata   TEXT NOT NULL DEFAULT '{}',
        tokens_a REAL NOT NULL DEFAULT 0, tokens_b REAL NOT NULL DEFAULT 0,
        header_a REAL NOT NULL DEFAULT 0, header_b REAL NOT NULL DEFAULT 0,
        list_a   REAL NOT NULL DEFAULT 0, list_b   REAL NOT NULL DEFAULT 0,
        bold_a   REAL NOT NULL DEFAULT 0, bold_b   REAL NOT NULL DEFAULT 0,
        error           TEXT
    ) STRICT;
    CREATE INDEX battles_status ON battles(status);
    CREATE TABLE votes (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        battle_id   TEXT NOT NULL UNIQUE REFERENCES battles(id),
        winner      TEXT NOT NULL,
        voter       TEXT NOT NULL,
        voted_ms    INTEGER NOT NULL,
        prompt_key  TEXT,
        counted     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX votes_prompt_key ON votes(prompt_key) WHERE prompt_key IS NOT NULL;
    CREATE TABLE models (
        name        TEXT PRIMARY KEY,
        config      TEXT NOT NULL,
        enabled     INTEGER NOT NULL,
        updated_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE meta (
        key         TEXT PRIMARY KEY,
        value       BLOB NOT NULL
    ) STRICT;
    "#,
    // 2: category tags of each battle (from its prompts and answers), for per-category boards;
    // the mode: 'anony' (the sampler drew the models) or 'named' (the person chose both, side
    // by side; never on the anonymous board).
    r#"
    ALTER TABLE battles ADD COLUMN categories TEXT NOT NULL DEFAULT '';
    ALTER TABLE battles ADD COLUMN mode TEXT NOT NULL DEFAULT 'anony';
    "#,
];

/// The exclusive hold of one server on a SQLite database ([`SqliteStore::lock_for_server`]).
#[derive(Debug)]
pub struct ServerLock {
    _file: std::fs::File,
}

/// The SQLite [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path, durability: Durability) -> StoreResult<SqliteStore> {
        SqliteStore::open_with_pragmas(path, durability, &[]).await
    }

    /// [`SqliteStore::open`] with extra `PRAGMA`s on every connection, e.g. `max_page_count`
    /// (caps the file's size: writes past it fail as on a full disk) or `query_only` (refuses
    /// every write as on a read-only file). The tests use them to check what a full disk or a
    /// read-only database does to a running arena without needing root for a small filesystem.
    pub async fn open_with_pragmas(
        path: &Path,
        durability: Durability,
        pragmas: &[(&'static str, String)],
    ) -> StoreResult<SqliteStore> {
        let sync = match durability {
            Durability::Normal => SqliteSynchronous::Normal,
            Durability::Full => SqliteSynchronous::Full,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let options = pragmas
            .iter()
            .fold(options, |o, (key, value)| o.pragma(*key, value.clone()));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    /// Takes the lock that makes one server the only writer of the database at `db`: an
    /// exclusive lock on `DB.lock` beside it, held until the returned value is dropped (the
    /// system releases it when the process ends, even by kill -9). A second server on the same
    /// file would keep its own leaderboard and close the first one's battles as unfinished.
    /// Readers (`versus export`) do not take it.
    pub fn lock_for_server(db: &Path) -> StoreResult<ServerLock> {
        let mut name = db.as_os_str().to_owned();
        name.push(".lock");
        let lock = PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(|source| StoreError::Lock {
                lock: lock.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(ServerLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                db: db.to_path_buf(),
                lock,
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Lock { lock, source }),
        }
    }

    /// Closes both pools (checkpointing the WAL into the database file).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    let mut conn = pool.acquire().await?;
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await?;
    let version = usize::try_from(version)
        .map_err(|_| StoreError::Other(format!("bad schema version {version}")))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::Other(format!(
            "the database has schema version {version}, newer than this build of versus knows ({}); use a newer versus",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::raw_sql(*sql).execute(&mut *tx).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "PRAGMA user_version = {}",
            i + 1
        )))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    // The voter-hash secret, made once per database.
    let secret: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'voter_secret'")
            .fetch_optional(&mut *conn)
            .await?;
    if secret.is_none() {
        let bytes = random_bytes(32).map_err(|e| {
            StoreError::Other(format!("the operating system's random source failed: {e}"))
        })?;
        sqlx::query("INSERT INTO meta(key, value) VALUES ('voter_secret', $1)")
            .bind(bytes)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `n` bytes from the operating system's random source (getrandom: `getrandom(2)` on Linux).
pub fn random_bytes(n: usize) -> Result<Vec<u8>, getrandom::Error> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// The columns of a battle and its vote (a macro so queries stay `&'static str`).
macro_rules! battle_columns {
    () => {
        "b.id, b.created_ms, b.updated_ms, b.model_a, b.model_b, b.vote_token, b.voter, b.prompt_origin, b.prompt_id, \
     b.prompt_key, b.status, b.anony, b.turns, b.conversation_a, b.conversation_b, b.conv_metadata, b.tokens_a, b.tokens_b, \
     b.header_a, b.header_b, b.list_a, b.list_b, b.bold_a, b.bold_b, b.error, b.categories, b.mode, \
     v.seq, v.winner, v.voter AS vote_voter, v.voted_ms, v.counted"
    };
}

fn style_of(row: &sqlx::sqlite::SqliteRow) -> Result<StyleRow, sqlx::Error> {
    Ok(StyleRow {
        tokens: [row.try_get("tokens_a")?, row.try_get("tokens_b")?],
        header: [row.try_get("header_a")?, row.try_get("header_b")?],
        list: [row.try_get("list_a")?, row.try_get("list_b")?],
        bold: [row.try_get("bold_a")?, row.try_get("bold_b")?],
    })
}

fn battle_of(row: &sqlx::sqlite::SqliteRow) -> Result<BattleRecord, sqlx::Error> {
    let seq: Option<i64> = row.try_get("seq")?;
    let vote = match seq {
        Some(seq) => Some(VoteRecord {
            seq,
            winner: row.try_get("winner")?,
            voter: row.try_get("vote_voter")?,
            voted_ms: row.try_get("voted_ms")?,
            counted: row.try_get::<i64, _>("counted")? != 0,
        }),
        None => None,
    };
    Ok(BattleRecord {
        id: row.try_get("id")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        model_a: row.try_get("model_a")?,
        model_b: row.try_get("model_b")?,
        vote_token: row.try_get("vote_token")?,
        voter: row.try_get("voter")?,
        origin: PromptOrigin::parse(row.try_get::<&str, _>("prompt_origin")?),
        prompt_id: row.try_get("prompt_id")?,
        prompt_key: row.try_get("prompt_key")?,
        status: BattleStatus::parse(row.try_get::<&str, _>("status")?),
        anony: row.try_get::<i64, _>("anony")? != 0,
        turns: row.try_get("turns")?,
        conversation_a: row.try_get("conversation_a")?,
        conversation_b: row.try_get("conversation_b")?,
        conv_metadata: row.try_get("conv_metadata")?,
        style: style_of(row)?,
        error: row.try_get("error")?,
        categories: row.try_get("categories")?,
        named: row.try_get::<&str, _>("mode")? == "named",
        vote,
    })
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn create_battle<'a>(&'a self, b: &'a NewBattle) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO battles (id, created_ms, updated_ms, model_a, model_b, vote_token, voter, prompt_origin, prompt_id, prompt_key, \
                 status, conversation_a, conversation_b, mode, anony) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, 'generating', $10, $10, $11, $12)",
            )
            .bind(&b.id)
            .bind(b.created_ms)
            .bind(&b.model_a)
            .bind(&b.model_b)
            .bind(&b.vote_token)
            .bind(&b.voter)
            .bind(b.origin.as_str())
            .bind(b.prompt_id)
            .bind(&b.prompt_key)
            .bind(&b.conversation)
            .bind(if b.named { "named" } else { "anony" })
            .bind(!b.named as i64)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
    }

    fn update_battle<'a>(&'a self, u: &'a BattleUpdate) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let s = &u.style;
            sqlx::query(
                "UPDATE battles SET updated_ms = $2, status = $3, conversation_a = $4, conversation_b = $5, turns = $6, anony = $7, \
                 conv_metadata = $8, tokens_a = $9, tokens_b = $10, header_a = $11, header_b = $12, list_a = $13, list_b = $14, \
                 bold_a = $15, bold_b = $16, error = $17, prompt_key = $18, categories = $19 WHERE id = $1",
            )
            .bind(&u.id)
            .bind(u.updated_ms)
            .bind(u.status.as_str())
            .bind(&u.conversation_a)
            .bind(&u.conversation_b)
            .bind(u.turns)
            .bind(u.anony as i64)
            .bind(&u.conv_metadata)
            .bind(s.tokens[0])
            .bind(s.tokens[1])
            .bind(s.header[0])
            .bind(s.header[1])
            .bind(s.list[0])
            .bind(s.list[1])
            .bind(s.bold[0])
            .bind(s.bold[1])
            .bind(&u.error)
            .bind(&u.prompt_key)
            .bind(&u.categories)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
    }

    fn battle<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Option<BattleRecord>> {
        Box::pin(async move {
            let sql = concat!(
                "SELECT ",
                battle_columns!(),
                " FROM battles b LEFT JOIN votes v ON v.battle_id = b.id WHERE b.id = $1"
            );
            let row = sqlx::query(sql)
                .bind(id)
                .fetch_optional(&self.reader)
                .await?;
            Ok(row.as_ref().map(battle_of).transpose()?)
        })
    }

    fn record_vote<'a>(&'a self, v: &'a NewVote) -> BoxFuture<'a, VoteOutcome> {
        Box::pin(async move {
            // One statement, so one transaction: the dedup count, the insert and the
            // one-vote-per-battle check (UNIQUE battle_id) are atomic.
            let row = sqlx::query(
                "INSERT INTO votes (battle_id, winner, voter, voted_ms, prompt_key, counted) \
                 SELECT b.id, $2, $3, $4, b.prompt_key, \
                        b.prompt_key IS NULL OR (SELECT COUNT(*) FROM votes w WHERE w.prompt_key = b.prompt_key AND w.counted = 1) < $5 \
                 FROM battles b WHERE b.id = $1 AND b.status = 'complete' \
                 ON CONFLICT (battle_id) DO NOTHING \
                 RETURNING seq, counted",
            )
            .bind(&v.battle_id)
            .bind(&v.winner)
            .bind(&v.voter)
            .bind(v.voted_ms)
            .bind(v.dedup_cap)
            .fetch_optional(&self.writer)
            .await?;
            if let Some(row) = row {
                return Ok(VoteOutcome::Recorded {
                    seq: row.try_get("seq")?,
                    counted: row.try_get::<i64, _>("counted")? != 0,
                });
            }
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT seq FROM votes WHERE battle_id = $1")
                    .bind(&v.battle_id)
                    .fetch_optional(&self.writer)
                    .await?;
            Ok(if exists.is_some() {
                VoteOutcome::AlreadyVoted
            } else {
                VoteOutcome::NotVotable
            })
        })
    }

    fn vote_rows(&self) -> BoxFuture<'_, Vec<VoteRow>> {
        self.vote_rows_after(i64::MIN)
    }

    fn vote_rows_after(&self, seq: i64) -> BoxFuture<'_, Vec<VoteRow>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT v.seq, b.model_a, b.model_b, v.winner, v.voted_ms, b.anony, v.counted, b.tokens_a, b.tokens_b, b.header_a, \
                 b.header_b, b.list_a, b.list_b, b.bold_a, b.bold_b, b.categories FROM votes v JOIN battles b ON b.id = v.battle_id \
                 WHERE v.seq > $1 ORDER BY v.seq",
            )
            .bind(seq)
            .fetch_all(&self.reader)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(VoteRow {
                    seq: row.try_get("seq")?,
                    model_a: row.try_get("model_a")?,
                    model_b: row.try_get("model_b")?,
                    winner: row.try_get("winner")?,
                    voted_ms: row.try_get("voted_ms")?,
                    anony: row.try_get::<i64, _>("anony")? != 0,
                    counted: row.try_get::<i64, _>("counted")? != 0,
                    style: style_of(row)?,
                    categories: row.try_get("categories")?,
                });
            }
            Ok(out)
        })
    }

    fn battles_after<'a>(&'a self, after: &'a str, limit: i64) -> BoxFuture<'a, Vec<BattleRecord>> {
        Box::pin(async move {
            let sql = concat!(
                "SELECT ",
                battle_columns!(),
                " FROM battles b LEFT JOIN votes v ON v.battle_id = b.id WHERE b.id > $1 ORDER BY b.id LIMIT $2"
            );
            let rows = sqlx::query(sql)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.reader)
                .await?;
            Ok(rows.iter().map(battle_of).collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn import<'a>(&'a self, battles: &'a [BattleRecord]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut tx = self.writer.begin().await?;
            for b in battles {
                let s = &b.style;
                sqlx::query(
                    "INSERT INTO battles (id, created_ms, updated_ms, model_a, model_b, vote_token, voter, prompt_origin, prompt_id, \
                     prompt_key, status, anony, turns, conversation_a, conversation_b, conv_metadata, tokens_a, tokens_b, header_a, \
                     header_b, list_a, list_b, bold_a, bold_b, error, categories, mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                     $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)",
                )
                .bind(&b.id)
                .bind(b.created_ms)
                .bind(b.updated_ms)
                .bind(&b.model_a)
                .bind(&b.model_b)
                .bind(&b.vote_token)
                .bind(&b.voter)
                .bind(b.origin.as_str())
                .bind(b.prompt_id)
                .bind(&b.prompt_key)
                .bind(b.status.as_str())
                .bind(b.anony as i64)
                .bind(b.turns)
                .bind(&b.conversation_a)
                .bind(&b.conversation_b)
                .bind(&b.conv_metadata)
                .bind(s.tokens[0])
                .bind(s.tokens[1])
                .bind(s.header[0])
                .bind(s.header[1])
                .bind(s.list[0])
                .bind(s.list[1])
                .bind(s.bold[0])
                .bind(s.bold[1])
                .bind(&b.error)
                .bind(&b.categories)
                .bind(if b.named { "named" } else { "anony" })
                .execute(&mut *tx)
                .await?;
                if let Some(v) = &b.vote {
                    sqlx::query(
                        "INSERT INTO votes (seq, battle_id, winner, voter, voted_ms, prompt_key, counted) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(v.seq)
                    .bind(&b.id)
                    .bind(&v.winner)
                    .bind(&v.voter)
                    .bind(v.voted_ms)
                    .bind(&b.prompt_key)
                    .bind(v.counted as i64)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn set_secret<'a>(&'a self, secret: &'a [u8]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('voter_secret', $1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(secret)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
    }

    fn schema_version(&self) -> BoxFuture<'_, i64> {
        Box::pin(async move {
            let v: i64 = sqlx::query_scalar("PRAGMA user_version")
                .fetch_one(&self.reader)
                .await?;
            Ok(v)
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            SqliteStore::close(self).await;
            Ok(())
        })
    }

    fn voted_battles(&self) -> BoxFuture<'_, Vec<BattleRecord>> {
        Box::pin(async move {
            let sql = concat!(
                "SELECT ",
                battle_columns!(),
                " FROM votes v JOIN battles b ON b.id = v.battle_id ORDER BY v.seq"
            );
            let rows = sqlx::query(sql).fetch_all(&self.reader).await?;
            Ok(rows.iter().map(battle_of).collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn close_unfinished(&self, now_ms: i64, idle_before_ms: i64) -> BoxFuture<'_, u64> {
        Box::pin(async move {
            let r = sqlx::query("UPDATE battles SET status = 'interrupted', updated_ms = $1 WHERE status = 'generating' AND updated_ms < $2")
                .bind(now_ms)
                .bind(idle_before_ms)
                .execute(&self.writer)
                .await?;
            Ok(r.rows_affected())
        })
    }

    fn models(&self) -> BoxFuture<'_, Vec<ModelRecord>> {
        Box::pin(async move {
            let rows =
                sqlx::query("SELECT name, config, enabled, updated_ms FROM models ORDER BY name")
                    .fetch_all(&self.reader)
                    .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(ModelRecord {
                    name: row.try_get("name")?,
                    config: row.try_get("config")?,
                    enabled: row.try_get::<i64, _>("enabled")? != 0,
                    updated_ms: row.try_get("updated_ms")?,
                });
            }
            Ok(out)
        })
    }

    fn upsert_model<'a>(&'a self, m: &'a ModelRecord) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO models (name, config, enabled, updated_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET config = excluded.config, enabled = excluded.enabled, updated_ms = excluded.updated_ms",
            )
            .bind(&m.name)
            .bind(&m.config)
            .bind(m.enabled as i64)
            .bind(m.updated_ms)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
    }

    fn secret(&self) -> BoxFuture<'_, Vec<u8>> {
        Box::pin(async move {
            let v: Vec<u8> =
                sqlx::query_scalar("SELECT value FROM meta WHERE key = 'voter_secret'")
                    .fetch_one(&self.reader)
                    .await?;
            Ok(v)
        })
    }

    fn counts(&self) -> BoxFuture<'_, (i64, i64)> {
        Box::pin(async move {
            let battles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM battles")
                .fetch_one(&self.reader)
                .await?;
            let votes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM votes")
                .fetch_one(&self.reader)
                .await?;
            Ok((battles, votes))
        })
    }

    fn integrity_check(&self) -> BoxFuture<'_, String> {
        Box::pin(async move {
            let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&self.writer)
                .await?;
            Ok(rows.join("; "))
        })
    }
}
