//! The SQLite store: schema creation, battle life cycle, one vote per battle, dedup cap,
//! persistence across reopen.

use versus_store::*;

fn tmp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("versus-store-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("arena.db")
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

#[tokio::test]
async fn battle_life_cycle_and_votes() {
    let path = tmp_db("cycle");
    let store = SqliteStore::open(&path, Durability::Normal).await.unwrap();
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
    assert_eq!(b.vote.as_ref().unwrap().winner, "model_a");
    let secret = store.secret().await.unwrap();
    assert_eq!(secret.len(), 32);
    store.close().await;

    // Reopen: everything is still there, the secret is unchanged, the schema is not re-applied.
    let store = SqliteStore::open(&path, Durability::Full).await.unwrap();
    assert_eq!(store.counts().await.unwrap(), (1, 1));
    assert_eq!(store.secret().await.unwrap(), secret);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let rows = store.vote_rows().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].style.tokens, [10.0, 20.0]);
    assert_eq!(store.voted_battles().await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test]
async fn repeated_prompts_beyond_the_cap_do_not_count() {
    let store = SqliteStore::open(&tmp_db("dedup"), Durability::Normal)
        .await
        .unwrap();
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

#[tokio::test]
async fn unfinished_battles_are_closed_at_start() {
    let store = SqliteStore::open(&tmp_db("unfinished"), Durability::Normal)
        .await
        .unwrap();
    store.create_battle(&battle("u1", None)).await.unwrap();
    assert_eq!(store.close_unfinished(5).await.unwrap(), 1);
    assert_eq!(
        store.battle("u1").await.unwrap().unwrap().status,
        BattleStatus::Interrupted
    );
    assert_eq!(
        store.record_vote(&vote("u1", 3)).await.unwrap(),
        VoteOutcome::NotVotable
    );
}

#[tokio::test]
async fn models_round_trip() {
    let store = SqliteStore::open(&tmp_db("models"), Durability::Normal)
        .await
        .unwrap();
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

#[test]
fn one_server_at_a_time_holds_a_database() {
    let db = tmp_db("locked");
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
