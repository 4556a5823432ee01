//! The store on both backends: schema creation and versioning, battle life cycle, one vote
//! per battle (also under concurrency and across separately opened stores), the dedup cap,
//! persistence across reopen, paged copy.
//!
//! Each test body runs against SQLite (a fresh file) and, in the `postgres` twin of each test,
//! against PostgreSQL in a fresh schema of the database named by `VERSUS_TEST_POSTGRES`
//! (e.g. `postgres://versus@127.0.0.1:55432/versus`). The twins are ignored by default; run
//! with `--ignored` and without the variable they fail, never skip.

use std::sync::Arc;

use versus_store::*;

/// One test's database: opened (and reopened) by its location, as the binary does.
struct Db {
    location: Location,
}

impl Db {
    async fn sqlite(name: &str) -> Db {
        let dir =
            std::env::temp_dir().join(format!("versus-store-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Db {
            location: Location::Sqlite(dir.join("arena.db")),
        }
    }

    async fn postgres(name: &str) -> Db {
        let url = std::env::var("VERSUS_TEST_POSTGRES").expect(
            "VERSUS_TEST_POSTGRES is not set: this test needs a PostgreSQL URL such as postgres://versus@127.0.0.1:55432/versus",
        );
        let schema = format!("t{}_{name}", std::process::id());
        let url = fresh_schema_url(&url, &schema).await.unwrap();
        Db {
            location: Location::Postgres(url),
        }
    }

    async fn open(&self) -> Arc<dyn Store> {
        open(&self.location, Durability::Normal).await.unwrap()
    }
}

/// `both!(body)`: a `sqlite` test and an ignored `postgres` test, in a module named after the
/// body, each running `body(db)`.
macro_rules! both {
    ($body:ident) => {
        mod $body {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$body(super::Db::sqlite(stringify!($body)).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[ignore = "needs PostgreSQL: set VERSUS_TEST_POSTGRES"]
            async fn postgres() {
                super::$body(super::Db::postgres(stringify!($body)).await).await
            }
        }
    };
}

fn battle(id: &str, key: Option<&str>) -> NewBattle {
    NewBattle {
        id: id.into(),
        created_ms: 1,
        model_a: "m1".into(),
        model_b: "m2".into(),
        vote_token: format!("tok-{id}"),
        voter: "v".into(),
        origin: if key.is_some() {
            PromptOrigin::User
        } else {
            PromptOrigin::Bundled
        },
        prompt_id: None,
        prompt_key: key.map(str::to_string),
        conversation: r#"[{"role":"user","content":"hi"}]"#.into(),
        named: false,
    }
}

fn complete(id: &str, key: Option<&str>) -> BattleUpdate {
    BattleUpdate {
        id: id.into(),
        updated_ms: 2,
        status: BattleStatus::Complete,
        conversation_a: "[]".into(),
        conversation_b: "[]".into(),
        turns: 1,
        anony: true,
        conv_metadata: "{}".into(),
        style: StyleRow {
            tokens: [10.0, 20.0],
            header: [1.0, 0.0],
            list: [2.0, 3.0],
            bold: [0.0, 1.0],
        },
        error: None,
        prompt_key: key.map(str::to_string),
        categories: "en coding".into(),
    }
}

fn vote(id: &str, cap: i64) -> NewVote {
    NewVote {
        battle_id: id.into(),
        winner: "model_a".into(),
        voter: "v".into(),
        voted_ms: 3,
        dedup_cap: cap,
    }
}

both!(battle_life_cycle_and_votes);
async fn battle_life_cycle_and_votes(db: Db) {
    let store = db.open().await;
    store.create_battle(&battle("b1", None)).await.unwrap();
    // Not complete yet: not votable.
    assert_eq!(
        store.record_vote(&vote("b1", 10)).await.unwrap(),
        VoteOutcome::NotVotable
    );
    store.update_battle(&complete("b1", None)).await.unwrap();
    let first = store.record_vote(&vote("b1", 10)).await.unwrap();
    assert!(matches!(first, VoteOutcome::Recorded { counted: true, .. }));
    assert_eq!(
        store.record_vote(&vote("b1", 10)).await.unwrap(),
        VoteOutcome::AlreadyVoted
    );
    assert_eq!(
        store.record_vote(&vote("nope", 10)).await.unwrap(),
        VoteOutcome::NotVotable
    );
    let b = store.battle("b1").await.unwrap().unwrap();
    assert_eq!(b.status, BattleStatus::Complete);
    assert_eq!(b.style.list, [2.0, 3.0]);
    assert!(b.anony);
    assert_eq!(b.vote.as_ref().unwrap().winner, "model_a");
    assert_eq!(b.categories, "en coding");
    assert!(!b.named);
    // A side-by-side battle is stored as named and not anonymous from its creation.
    let mut named = battle("n1", None);
    named.named = true;
    store.create_battle(&named).await.unwrap();
    let n = store.battle("n1").await.unwrap().unwrap();
    assert!(n.named && !n.anony, "{n:?}");
    let secret = store.secret().await.unwrap();
    assert_eq!(secret.len(), 32);
    store.close().await.unwrap();

    // Reopen: everything is still there, the secret is unchanged, the schema is not re-applied.
    let store = db.open().await;
    assert_eq!(store.counts().await.unwrap(), (2, 1));
    assert_eq!(store.secret().await.unwrap(), secret);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    assert_eq!(store.schema_version().await.unwrap(), 2);
    let rows = store.vote_rows().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].style.tokens, [10.0, 20.0]);
    assert_eq!(rows[0].categories, "en coding");
    assert_eq!(store.voted_battles().await.unwrap().len(), 1);
    store.close().await.unwrap();
}

both!(repeated_prompts_beyond_the_cap_do_not_count);
async fn repeated_prompts_beyond_the_cap_do_not_count(db: Db) {
    let store = db.open().await;
    let mut counted = Vec::new();
    for i in 0..5 {
        let id = format!("d{i}");
        store
            .create_battle(&battle(&id, Some("same prompt")))
            .await
            .unwrap();
        store
            .update_battle(&complete(&id, Some("same prompt")))
            .await
            .unwrap();
        match store.record_vote(&vote(&id, 3)).await.unwrap() {
            VoteOutcome::Recorded { counted: c, .. } => counted.push(c),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(counted, [true, true, true, false, false]);
    // Bundled prompts (no key) are exempt.
    for i in 0..5 {
        let id = format!("n{i}");
        store.create_battle(&battle(&id, None)).await.unwrap();
        store.update_battle(&complete(&id, None)).await.unwrap();
        assert!(matches!(
            store.record_vote(&vote(&id, 3)).await.unwrap(),
            VoteOutcome::Recorded { counted: true, .. }
        ));
    }
}

both!(unfinished_battles_are_closed_at_start);
async fn unfinished_battles_are_closed_at_start(db: Db) {
    let store = db.open().await;
    store.create_battle(&battle("u1", None)).await.unwrap();
    let mut recent = battle("u2", None);
    recent.created_ms = 100;
    store.create_battle(&recent).await.unwrap();
    // Another server's battle, updated at 100, is left alone by a cutoff of 50 …
    assert_eq!(store.close_unfinished(200, 50).await.unwrap(), 1);
    assert_eq!(
        store.battle("u2").await.unwrap().unwrap().status,
        BattleStatus::Generating
    );
    // … and closed once idle for longer.
    assert_eq!(store.close_unfinished(300, 201).await.unwrap(), 1);
    assert_eq!(
        store.battle("u1").await.unwrap().unwrap().status,
        BattleStatus::Interrupted
    );
    assert_eq!(
        store.record_vote(&vote("u1", 3)).await.unwrap(),
        VoteOutcome::NotVotable
    );
}

both!(models_round_trip);
async fn models_round_trip(db: Db) {
    let store = db.open().await;
    let m = ModelRecord {
        name: "x".into(),
        config: "{}".into(),
        enabled: true,
        updated_ms: 1,
    };
    store.upsert_model(&m).await.unwrap();
    store
        .upsert_model(&ModelRecord {
            enabled: false,
            ..m.clone()
        })
        .await
        .unwrap();
    let all = store.models().await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(!all[0].enabled);
}

both!(concurrent_votes_on_one_battle_record_exactly_one);
/// Two separately opened stores (two server processes, as far as the database can tell) and
/// many concurrent votes per battle: exactly one is recorded, the rest see `AlreadyVoted`.
/// Concurrent votes on distinct battles of one prompt never exceed the dedup cap.
async fn concurrent_votes_on_one_battle_record_exactly_one(db: Db) {
    let first = db.open().await;
    let second = db.open().await;
    for i in 0..10 {
        let id = format!("c{i}");
        first.create_battle(&battle(&id, None)).await.unwrap();
        first.update_battle(&complete(&id, None)).await.unwrap();
    }
    for i in 0..12 {
        let id = format!("k{i}");
        first
            .create_battle(&battle(&id, Some("hot")))
            .await
            .unwrap();
        first
            .update_battle(&complete(&id, Some("hot")))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..10 {
        for k in 0..8 {
            let store = if k % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let id = format!("c{i}");
            tasks.push(tokio::spawn(async move {
                (id.clone(), store.record_vote(&vote(&id, 3)).await.unwrap())
            }));
        }
    }
    for i in 0..12 {
        let store = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let id = format!("k{i}");
        tasks.push(tokio::spawn(async move {
            (id.clone(), store.record_vote(&vote(&id, 5)).await.unwrap())
        }));
    }
    let mut recorded = std::collections::HashMap::<String, usize>::new();
    let mut already = 0;
    let mut hot_counted = 0;
    let mut seqs = Vec::new();
    for t in tasks {
        let (id, outcome) = t.await.unwrap();
        match outcome {
            VoteOutcome::Recorded { seq, counted } => {
                *recorded.entry(id.clone()).or_default() += 1;
                seqs.push(seq);
                if id.starts_with('k') && counted {
                    hot_counted += 1;
                }
            }
            VoteOutcome::AlreadyVoted => already += 1,
            VoteOutcome::NotVotable => panic!("{id}: not votable"),
        }
    }
    assert_eq!(recorded.len(), 22, "{recorded:?}");
    assert!(recorded.values().all(|&n| n == 1), "{recorded:?}");
    assert_eq!(already, 10 * 7);
    assert_eq!(hot_counted, 5, "the dedup cap of 5 held under concurrency");
    seqs.sort();
    seqs.dedup();
    assert_eq!(seqs.len(), 22, "every recorded vote has its own seq");
    assert_eq!(second.counts().await.unwrap(), (22, 22));
    assert_eq!(second.integrity_check().await.unwrap(), "ok");
    // What one store recorded, the other reads, and the catch-up query sees only newer votes.
    let all = second.vote_rows().await.unwrap();
    assert_eq!(all.len(), 22);
    let pivot = all[10].seq;
    let newer = first.vote_rows_after(pivot).await.unwrap();
    assert_eq!(newer.len(), 11);
    assert!(newer.iter().all(|r| r.seq > pivot));
}

both!(a_database_newer_than_the_build_is_refused);
async fn a_database_newer_than_the_build_is_refused(db: Db) {
    let store = db.open().await;
    store.close().await.unwrap();
    match &db.location {
        Location::Sqlite(path) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
            let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
            sqlx::raw_sql("PRAGMA user_version = 99")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Location::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::raw_sql("INSERT INTO versus_schema (version, applied_ms) VALUES (99, 0)")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
    let err = match open(&db.location, Durability::Normal).await {
        Ok(_) => panic!("a database at schema version 99 was opened"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("schema version 99, newer than this build of versus knows (2)"),
        "{err}"
    );
}

both!(a_version_1_database_gains_category_tags_and_keeps_its_votes);
/// Migration 2 on a database written before it: the battles and votes stay, their category
/// tags are empty (they count on the overall board only), new battles store theirs.
async fn a_version_1_database_gains_category_tags_and_keeps_its_votes(db: Db) {
    let store = db.open().await;
    store.create_battle(&battle("old", None)).await.unwrap();
    store.update_battle(&complete("old", None)).await.unwrap();
    store.record_vote(&vote("old", 10)).await.unwrap();
    store.close().await.unwrap();
    // Back to version 1: the column migration 2 added is removed.
    match &db.location {
        Location::Sqlite(path) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
            let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
            sqlx::raw_sql(
                "ALTER TABLE battles DROP COLUMN categories; ALTER TABLE battles DROP COLUMN mode; PRAGMA user_version = 1",
            )
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Location::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::raw_sql(
                "ALTER TABLE battles DROP COLUMN categories, DROP COLUMN mode; DELETE FROM versus_schema WHERE version = 2",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
    }
    let store = db.open().await;
    assert_eq!(store.schema_version().await.unwrap(), 2);
    assert_eq!(store.counts().await.unwrap(), (1, 1));
    let old = store.battle("old").await.unwrap().unwrap();
    assert_eq!(old.categories, "");
    assert!(!old.named && old.anony);
    assert_eq!(old.vote.as_ref().unwrap().winner, "model_a");
    store.create_battle(&battle("new", None)).await.unwrap();
    store.update_battle(&complete("new", None)).await.unwrap();
    store.record_vote(&vote("new", 10)).await.unwrap();
    let rows = store.vote_rows().await.unwrap();
    let tags: Vec<&str> = rows.iter().map(|r| r.categories.as_str()).collect();
    assert_eq!(tags, ["", "en coding"]);
    store.close().await.unwrap();
}

both!(copy_moves_every_battle_and_vote);
/// The pieces of `versus db copy`: a paged walk over every battle of one store, imported into
/// another (of either backend), keeps battles, votes and their seqs; new votes continue after.
async fn copy_moves_every_battle_and_vote(db: Db) {
    // Named per destination backend: the two twins may run at once.
    let source_name = match db.location {
        Location::Sqlite(_) => "copy-source-for-sqlite",
        Location::Postgres(_) => "copy-source-for-postgres",
    };
    let source = Db::sqlite(source_name).await.open().await;
    for i in 0..7 {
        let id = format!("p{i}");
        source.create_battle(&battle(&id, Some("k"))).await.unwrap();
        if i < 5 {
            source
                .update_battle(&complete(&id, Some("k")))
                .await
                .unwrap();
            source.record_vote(&vote(&id, 3)).await.unwrap();
        }
    }
    let dest = db.open().await;
    let mut after = String::new();
    let mut pages = 0;
    loop {
        let page = source.battles_after(&after, 3).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        dest.import(&page).await.unwrap();
        pages += 1;
    }
    assert_eq!(pages, 3);
    dest.set_secret(&source.secret().await.unwrap())
        .await
        .unwrap();
    assert_eq!(dest.counts().await.unwrap(), (7, 5));
    assert_eq!(dest.secret().await.unwrap(), source.secret().await.unwrap());
    let (from, to) = (
        source.voted_battles().await.unwrap(),
        dest.voted_battles().await.unwrap(),
    );
    assert_eq!(from, to);
    assert_eq!(
        dest.battle("p6").await.unwrap(),
        source.battle("p6").await.unwrap()
    );
    // The destination's own votes get seqs after the copied ones, and the dedup cap still
    // sees the copied votes of the prompt.
    dest.update_battle(&complete("p5", Some("k")))
        .await
        .unwrap();
    match dest.record_vote(&vote("p5", 3)).await.unwrap() {
        VoteOutcome::Recorded { seq, counted } => {
            assert!(
                seq > from
                    .iter()
                    .map(|b| b.vote.as_ref().unwrap().seq)
                    .max()
                    .unwrap()
            );
            assert!(!counted);
        }
        other => panic!("{other:?}"),
    }
}

// SQLite only: the lock that keeps a second server off one file, and error messages.

fn sqlite_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("versus-store-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("arena.db")
}

#[test]
fn one_server_at_a_time_holds_a_database() {
    let db = sqlite_path("locked");
    let first = SqliteStore::lock_for_server(&db).expect("the first server locks");
    let second = SqliteStore::lock_for_server(&db).expect_err("a second server is refused");
    let message = second.to_string();
    assert!(
        message.contains("another versus serve is using this database")
            && message.contains("PostgreSQL")
            && message.contains(&db.display().to_string()),
        "{message}"
    );
    drop(first);
    // Released with its holder (the system does the same when a process dies).
    let _again = SqliteStore::lock_for_server(&db).expect("free again");
}

#[tokio::test]
async fn a_database_error_is_one_line_said_once() {
    let missing = std::env::temp_dir()
        .join(format!("versus-no-such-dir-{}", std::process::id()))
        .join("arena.db");
    let e = match SqliteStore::open(&missing, Durability::Normal).await {
        Ok(_) => panic!("opened a database in a missing directory"),
        Err(e) => e,
    };
    let message = e.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.starts_with("database error: ") && message.contains("unable to open database file"),
        "{message}"
    );
    // Nothing below it repeats the words in an error chain.
    assert!(std::error::Error::source(&e).is_none());
}
