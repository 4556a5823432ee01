//! A database that refuses writes while the arena runs — its disk full, or read-only — must
//! give the voter a clear JSON error (507 / 503 with the catalogue's message in the visitor's
//! language and a `reason`, never SQLite's words), log one clear line for the operator, and
//! lose nothing already stored; once writable again, the refused battles can still be voted.
//!
//! The refusals are SQLite's own: the arena's store is switched mid-run to connections on the
//! same file opened with `PRAGMA max_page_count = 1` (clamped to the file's current size, so
//! the next page it needs fails with SQLITE_FULL, as on a full disk) or `PRAGMA query_only`
//! (SQLITE_READONLY, as on a read-only file). No root is needed for a small filesystem, and
//! file permissions do not bind root, under which CI runs.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;
use versus_arena::{Arena, ArenaConfig};
use versus_store::{
    BattleRecord, BattleUpdate, BoxFuture, Durability, ModelRecord, NewBattle, NewVote,
    PostgresStore, SqliteStore, Store, VoteOutcome, VoteRow,
};

/// The arena's store: the normal one, or (while `refusing`) one on the same file whose
/// connections refuse writes.
struct SwitchStore {
    normal: SqliteStore,
    refusing_store: OnceLock<SqliteStore>,
    refusing: AtomicBool,
}

impl SwitchStore {
    fn cur(&self) -> &SqliteStore {
        match self.refusing_store.get() {
            Some(s) if self.refusing.load(Ordering::SeqCst) => s,
            _ => &self.normal,
        }
    }
}

impl Store for SwitchStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
    fn create_battle<'a>(&'a self, b: &'a NewBattle) -> BoxFuture<'a, ()> {
        self.cur().create_battle(b)
    }
    fn update_battle<'a>(&'a self, u: &'a BattleUpdate) -> BoxFuture<'a, ()> {
        self.cur().update_battle(u)
    }
    fn battle<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Option<BattleRecord>> {
        self.cur().battle(id)
    }
    fn record_vote<'a>(&'a self, v: &'a NewVote) -> BoxFuture<'a, VoteOutcome> {
        self.cur().record_vote(v)
    }
    fn vote_rows(&self) -> BoxFuture<'_, Vec<VoteRow>> {
        self.cur().vote_rows()
    }
    fn vote_rows_after(&self, seq: i64) -> BoxFuture<'_, Vec<VoteRow>> {
        self.cur().vote_rows_after(seq)
    }
    fn battles_after<'a>(&'a self, after: &'a str, limit: i64) -> BoxFuture<'a, Vec<BattleRecord>> {
        self.cur().battles_after(after, limit)
    }
    fn import<'a>(&'a self, b: &'a [BattleRecord]) -> BoxFuture<'a, ()> {
        self.cur().import(b)
    }
    fn set_secret<'a>(&'a self, s: &'a [u8]) -> BoxFuture<'a, ()> {
        self.cur().set_secret(s)
    }
    fn schema_version(&self) -> BoxFuture<'_, i64> {
        self.cur().schema_version()
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        Store::close(&self.normal)
    }
    fn voted_battles(&self) -> BoxFuture<'_, Vec<BattleRecord>> {
        self.cur().voted_battles()
    }
    fn close_unfinished(&self, now_ms: i64, idle_before_ms: i64) -> BoxFuture<'_, u64> {
        self.cur().close_unfinished(now_ms, idle_before_ms)
    }
    fn models(&self) -> BoxFuture<'_, Vec<ModelRecord>> {
        self.cur().models()
    }
    fn upsert_model<'a>(&'a self, m: &'a ModelRecord) -> BoxFuture<'a, ()> {
        self.cur().upsert_model(m)
    }
    fn secret(&self) -> BoxFuture<'_, Vec<u8>> {
        self.cur().secret()
    }
    fn counts(&self) -> BoxFuture<'_, (i64, i64)> {
        self.cur().counts()
    }
    fn integrity_check(&self) -> BoxFuture<'_, String> {
        self.cur().integrity_check()
    }
}

/// The arena's log, captured (one subscriber for the whole test binary).
fn log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || LogWriter(sink.clone()))
            .try_init();
        buf
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log_text() -> String {
    String::from_utf8_lossy(&log().lock().unwrap()).into_owned()
}

/// A SQLite arena whose store starts refusing writes through connections opened with `pragma`.
async fn sqlite_scenario(name: &str, pragma: (&'static str, &str), status: u16, reason: &str) {
    let dir = common::temp_dir(name);
    let db = dir.join("arena.db");
    let store = Arc::new(SwitchStore {
        normal: SqliteStore::open(&db, Durability::Normal).await.unwrap(),
        refusing_store: OnceLock::new(),
        refusing: AtomicBool::new(false),
    });
    let refuse = async || {
        let refusing = SqliteStore::open_with_pragmas(
            &db,
            Durability::Normal,
            &[(pragma.0, pragma.1.to_string())],
        )
        .await
        .unwrap();
        assert!(store.refusing_store.set(refusing).is_ok());
        store.refusing.store(true, Ordering::SeqCst);
    };
    let allow = async || store.refusing.store(false, Ordering::SeqCst);
    let stored = async || {
        let s = SqliteStore::open(&db, Durability::Normal).await.unwrap();
        let v = stored_votes(&s).await;
        Store::close(&s).await.unwrap();
        v
    };
    refusal_scenario(
        name,
        &dir,
        store.clone(),
        refuse,
        allow,
        stored,
        status,
        reason,
    )
    .await;
}

/// Every vote in the database: (battle id, winner, seq), sorted; checks the database's
/// integrity.
async fn stored_votes(s: &dyn Store) -> Vec<(String, String, i64)> {
    let mut v: Vec<(String, String, i64)> = s
        .voted_battles()
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            let vote = b.vote.expect("a voted battle has its vote");
            (b.id, vote.winner, vote.seq)
        })
        .collect();
    assert_eq!(s.integrity_check().await.unwrap(), "ok");
    v.sort();
    v
}

/// 12 votes stored; then the database refuses writes (`refuse`) while 80 more votes come in:
/// each is acknowledged (stored) or refused with `status`, the catalogue's message and
/// `reason`; one clear log line; nothing stored lost. Then `allow`: the refused battles take
/// their votes.
#[allow(clippy::too_many_arguments)]
async fn refusal_scenario(
    name: &str,
    dir: &Path,
    store: Arc<dyn Store>,
    refuse: impl AsyncFnOnce(),
    allow: impl AsyncFnOnce(),
    stored: impl AsyncFn() -> Vec<(String, String, i64)>,
    status: u16,
    reason: &str,
) {
    log();
    common::write_fixture(dir);
    let config = ArenaConfig::from_toml(&common::fixture_config(dir, "")).unwrap();
    let arena = Arena::new(config, store).await.unwrap();
    let state = arena.state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(arena.serve(listener, std::future::pending()));
    versus_arena::state::install_crypto_provider();
    let t = common::TestArena {
        base,
        state,
        http: reqwest::Client::new(),
        dir: dir.to_path_buf(),
    };
    // 12 votes stored normally; 80 battles complete and waiting for their votes.
    let winners = ["model_a", "model_b", "tie", "both_bad"];
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut waiting = Vec::new();
    for n in 0..92u32 {
        let cookie = common::cookie(n + 1);
        let (id, token) = t.battle(json!({}), &cookie).await;
        t.wait_settled(&id, &cookie).await;
        if n < 12 {
            let w = winners[n as usize % 4];
            let r = t.vote(&id, &token, w, &cookie).await;
            assert_eq!(r.status, 200, "{}", r.text);
            acknowledged.push((id, w.to_string()));
        } else {
            waiting.push((id, token, cookie));
        }
    }
    let before = stored().await;
    assert_eq!(before.len(), 12);

    // The database starts refusing writes.
    refuse().await;
    let mut refused = Vec::new();
    for (k, (id, token, cookie)) in waiting.iter().enumerate() {
        let w = winners[k % 4];
        // Half the voters read Chinese: the message comes from their catalogue.
        let zh = k % 2 == 1;
        let mut req = t
            .http
            .post(format!("{}/api/battles/{id}/vote", t.base))
            .header("cookie", t.cookie_header(cookie))
            .header("content-type", "application/json")
            .body(json!({"winner": w, "vote_token": token}).to_string());
        if zh {
            req = req.header("accept-language", "zh-CN,zh;q=0.9");
        }
        let resp = req.send().await.unwrap();
        let code = resp.status().as_u16();
        let retry = resp.headers().get("retry-after").cloned();
        let text = resp.text().await.unwrap();
        match code {
            200 => acknowledged.push((id.clone(), w.to_string())),
            c if c == status => {
                let j: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(j["reason"], reason, "{text}");
                let msg = j["error"].as_str().unwrap();
                let lang = if zh {
                    versus_present::Lang::ZhHans
                } else {
                    versus_present::Lang::En
                };
                let ui = lang.ui();
                let expected = if status == 507 {
                    ui.msg_db_full
                } else {
                    ui.msg_db_read_only
                };
                assert_eq!(msg, expected, "{text}");
                for raw in [
                    "SQLITE",
                    "sqlite",
                    "database or disk is full",
                    "readonly",
                    "read-only transaction",
                ] {
                    assert!(!text.contains(raw), "raw database text in {text}");
                }
                assert!(retry.is_some(), "no Retry-After");
                refused.push((id.clone(), token.clone(), cookie.clone(), w));
            }
            other => panic!("vote on battle {k}: unexpected {other}: {text}"),
        }
    }
    println!(
        "{name}: {} votes acknowledged before, {} during the refusal, {} refused with {status}",
        12,
        acknowledged.len() - 12,
        refused.len()
    );
    assert!(
        refused.len() >= 10,
        "only {} of {} votes were refused",
        refused.len(),
        waiting.len()
    );
    let log = log_text();
    let why = if status == 507 {
        "nothing recorded: the database is full"
    } else {
        "nothing recorded: the database is read-only"
    };
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.contains(why) && l.contains("storing the vote")),
        "no clear log line {why:?} in:\n{log}"
    );

    // Nothing stored was lost or changed; every acknowledged vote is there once.
    let during = stored().await;
    for v in &before {
        assert!(during.contains(v), "{v:?} lost");
    }
    let mut expected: Vec<(String, String)> = acknowledged.clone();
    expected.sort();
    let got: Vec<(String, String)> = during
        .iter()
        .map(|(i, w, _)| (i.clone(), w.clone()))
        .collect();
    assert_eq!(got, expected);

    // Writable again: the refused battles take their votes.
    allow().await;
    for (id, token, cookie, w) in &refused {
        let r = t.vote(id, token, w, cookie).await;
        assert_eq!(r.status, 200, "{}", r.text);
        acknowledged.push((id.clone(), w.to_string()));
    }
    let after = stored().await;
    let mut expected = acknowledged;
    expected.sort();
    let got: Vec<(String, String)> = after
        .iter()
        .map(|(i, w, _)| (i.clone(), w.clone()))
        .collect();
    assert_eq!(got, expected);
    for v in &before {
        assert!(after.contains(v), "{v:?} lost");
    }
    println!("{name}: {} votes stored at the end", after.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_refuses_votes_with_507_and_keeps_the_stored_ones() {
    sqlite_scenario("db-full", ("max_page_count", "1"), 507, "database_full").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_database_refuses_votes_with_503_and_keeps_the_stored_ones() {
    sqlite_scenario(
        "db-read-only",
        ("query_only", "1"),
        503,
        "database_read_only",
    )
    .await;
}

/// PostgreSQL made read-only under a running arena (`ALTER SYSTEM SET
/// default_transaction_read_only`, reloaded: every open connection's next transaction is
/// read-only, as on a hot standby): 503 with the catalogue's message, nothing lost. Changes a
/// cluster-wide setting: `.ci/run` runs it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set VERSUS_TEST_POSTGRES (changes a cluster setting: run alone)"]
async fn read_only_postgres_refuses_votes_with_503_and_keeps_the_stored_ones() {
    let base = std::env::var("VERSUS_TEST_POSTGRES").expect(
        "VERSUS_TEST_POSTGRES is not set: this test needs a PostgreSQL URL such as postgres://versus@127.0.0.1:55432/versus",
    );
    let schema = format!("refusal{}", std::process::id());
    let url = versus_store::fresh_schema_url(&base, &schema)
        .await
        .unwrap();
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    let set_read_only = async |on: bool| {
        // A session setting of its own, so that this connection can undo the change.
        let mut c = admin.acquire().await.unwrap();
        sqlx::raw_sql("SET default_transaction_read_only = off")
            .execute(&mut *c)
            .await
            .unwrap();
        let sql = if on {
            "ALTER SYSTEM SET default_transaction_read_only = on"
        } else {
            "ALTER SYSTEM RESET default_transaction_read_only"
        };
        sqlx::raw_sql(sql).execute(&mut *c).await.unwrap();
        sqlx::raw_sql("SELECT pg_reload_conf()")
            .execute(&mut *c)
            .await
            .unwrap();
        // The backends take the new setting at their next command.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    let store = Arc::new(PostgresStore::open(&url).await.unwrap());
    let dir = common::temp_dir("db-read-only-pg");
    let refuse = async || set_read_only(true).await;
    let allow = async || set_read_only(false).await;
    // Opened before the cluster turns read-only (opening checks the schema with a write).
    let reader = PostgresStore::open(&url).await.unwrap();
    let stored = async || stored_votes(&reader).await;
    // Undo the cluster setting even when the scenario fails.
    struct Reset(String);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = std::process::Command::new("psql")
                .args([
                    self.0.as_str(),
                    "-c",
                    "SET default_transaction_read_only = off",
                    "-c",
                    "ALTER SYSTEM RESET default_transaction_read_only",
                    "-c",
                    "SELECT pg_reload_conf()",
                ])
                .output();
        }
    }
    let _reset = Reset(base.clone());
    refusal_scenario(
        "db-read-only-pg",
        &dir,
        store,
        refuse,
        allow,
        stored,
        503,
        "database_read_only",
    )
    .await;
}
