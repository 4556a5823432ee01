//! PostgreSQL restarted (`pg_ctl restart -m immediate`, a crash and recovery) under two
//! `versus serve` processes in the middle of a vote storm: while it is down, clients get 503
//! with `Retry-After`, never a 500; the servers recover by themselves (no restart); every
//! acknowledged vote is stored exactly once.
//!
//! Needs `VERSUS_TEST_POSTGRES` (the URL), `VERSUS_TEST_PG_CTL` (the `pg_ctl` binary) and
//! `VERSUS_TEST_PG_DATA` (the cluster's data directory), all set by `.ci/run`. As root, `pg_ctl`
//! runs as the `postgres` user. A separate test binary, because restarting the database would
//! break tests running beside it.

#[path = "common/pg.rs"]
mod pg;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pg::*;
use serde_json::{Value, json};
use versus_store::Location;

/// What the voters saw.
#[derive(Default)]
struct Seen {
    acked: Vec<String>,
    /// Votes answered 409 after a 503 on the same vote: committed, but the reply was lost.
    acked_late: Vec<String>,
    unavailable: usize,
    without_retry_after: usize,
    unexpected: Vec<String>,
}

/// POST with the status, the Retry-After header and the body.
async fn post(
    http: &reqwest::Client,
    url: &str,
    body: Value,
    cookie: &str,
) -> Result<(u16, Option<String>, Value), reqwest::Error> {
    let resp = http
        .post(url)
        .header("cookie", format!("versus_voter={cookie}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?;
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = resp.text().await?;
    Ok((
        status,
        retry,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

/// A 503 must say when to retry; sleeps that long (shortened, to keep the storm going).
async fn on_unavailable(seen: &std::sync::Mutex<Seen>, retry: Option<String>) {
    {
        let mut s = seen.lock().unwrap();
        s.unavailable += 1;
        if retry
            .as_deref()
            .and_then(|r| r.parse::<u64>().ok())
            .is_none()
        {
            s.without_retry_after += 1;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// One voter's loop: start a battle on `create`, vote through `cast`, retrying after 503s.
async fn voter(
    http: reqwest::Client,
    create: String,
    cast: String,
    v: usize,
    stop: Arc<AtomicBool>,
    seen: Arc<std::sync::Mutex<Seen>>,
) {
    let cookie = format!("{:032x}", 700 + v);
    let mut k = 0usize;
    while !stop.load(Ordering::Relaxed) {
        k += 1;
        let (code, retry, b) = match post(
            &http,
            &format!("{create}/api/battles"),
            json!({"prompt_id": (k % 6) as i64}),
            &cookie,
        )
        .await
        {
            Ok(x) => x,
            Err(e) => {
                seen.lock().unwrap().unexpected.push(format!("create: {e}"));
                return;
            }
        };
        match code {
            201 => {}
            503 => {
                on_unavailable(&seen, retry).await;
                continue;
            }
            _ => {
                seen.lock()
                    .unwrap()
                    .unexpected
                    .push(format!("create: {code} {b}"));
                continue;
            }
        }
        let (Some(id), Some(token)) = (b["id"].as_str(), b["vote_token"].as_str()) else {
            seen.lock().unwrap().unexpected.push(format!("create: {b}"));
            continue;
        };
        let (id, token) = (id.to_string(), token.to_string());
        // Wait for the answers; a battle whose answers could not be stored fails (skip it).
        let complete = loop {
            let resp = http
                .get(format!("{create}/api/battles/{id}"))
                .header("cookie", format!("versus_voter={cookie}"))
                .send()
                .await;
            let Ok(resp) = resp else { return };
            let status = resp.status().as_u16();
            let j: Value = resp
                .text()
                .await
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null);
            if status == 200 && j["complete"] == true {
                break true;
            }
            if status == 200 && j["status"] == "failed" {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        if !complete {
            continue;
        }
        let mut had_503 = false;
        loop {
            let body = json!({"winner": WINNERS[(k + v) % 4], "vote_token": token});
            let (code, retry, j) = match post(
                &http,
                &format!("{cast}/api/battles/{id}/vote"),
                body,
                &cookie,
            )
            .await
            {
                Ok(x) => x,
                Err(e) => {
                    seen.lock().unwrap().unexpected.push(format!("vote: {e}"));
                    return;
                }
            };
            match code {
                200 => {
                    seen.lock().unwrap().acked.push(id.clone());
                    break;
                }
                409 if had_503 => {
                    seen.lock().unwrap().acked_late.push(id.clone());
                    break;
                }
                503 => {
                    had_503 = true;
                    on_unavailable(&seen, retry).await;
                }
                _ => {
                    seen.lock()
                        .unwrap()
                        .unexpected
                        .push(format!("vote on {id}: {code} {j}"));
                    break;
                }
            }
        }
    }
}

fn pg_ctl(args: &[&str]) {
    let pg_ctl = std::env::var("VERSUS_TEST_PG_CTL")
        .expect("VERSUS_TEST_PG_CTL is not set (the pg_ctl binary)");
    let data = std::env::var("VERSUS_TEST_PG_DATA")
        .expect("VERSUS_TEST_PG_DATA is not set (the cluster's data directory)");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
        c
    } else {
        Command::new(&pg_ctl)
    };
    // The restarted server logs to a file: with its output on a pipe, waiting for pg_ctl's
    // output would wait for the server to exit.
    let log = Path::new(&data).join("versus-test-restart.log");
    let status = cmd
        .args(["-D", &data, "-l"])
        .arg(&log)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run pg_ctl");
    assert!(
        status.success(),
        "pg_ctl {args:?} failed (log: {})",
        log.display()
    );
}

#[test]
#[ignore = "needs PostgreSQL: set VERSUS_TEST_POSTGRES, VERSUS_TEST_PG_CTL and VERSUS_TEST_PG_DATA"]
fn servers_ride_out_a_postgres_restart() {
    // Checked first: without them the test fails here, before starting anything.
    for var in ["VERSUS_TEST_PG_CTL", "VERSUS_TEST_PG_DATA"] {
        assert!(std::env::var_os(var).is_some(), "{var} is not set");
    }
    let rt = runtime();
    let db = pg_url(&rt, "restart");
    let dir = temp_dir("restart");
    let config = config(&dir);
    let a = Server::start(&db, &config);
    let b = Server::start(&db, &config);
    let seen = Arc::new(std::sync::Mutex::new(Seen::default()));
    let (before, after) = rt.block_on(async {
        let http = reqwest::Client::new();
        let stop = Arc::new(AtomicBool::new(false));
        let mut voters = Vec::new();
        for v in 0..6 {
            let (create, cast) = if v % 2 == 0 {
                (a.base.clone(), b.base.clone())
            } else {
                (b.base.clone(), a.base.clone())
            };
            voters.push(tokio::spawn(voter(
                http.clone(),
                create,
                cast,
                v,
                stop.clone(),
                seen.clone(),
            )));
        }
        let acked = || seen.lock().unwrap().acked.len();
        let started = Instant::now();
        while acked() < 30 && started.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before = acked();
        // A crash of PostgreSQL (immediate shutdown: no checkpoint), then recovery.
        tokio::task::spawn_blocking(|| pg_ctl(&["restart", "-m", "immediate", "-w"]))
            .await
            .unwrap();
        let restarted = acked();
        let started = Instant::now();
        while acked() < restarted + 30 && started.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.store(true, Ordering::Relaxed);
        for v in voters {
            let _ = v.await;
        }
        (before, acked() - restarted)
    });
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        seen.unexpected.is_empty(),
        "unexpected answers: {:?}",
        seen.unexpected
    );
    assert!(before >= 30, "only {before} votes before the restart");
    assert!(
        after >= 30,
        "only {after} votes acknowledged after the restart: the servers did not recover"
    );
    assert!(seen.unavailable > 0, "no 503 while PostgreSQL was down");
    assert_eq!(seen.without_retry_after, 0, "503s without Retry-After");
    let acknowledged: Vec<&String> = seen.acked.iter().chain(&seen.acked_late).collect();
    let (stored, lost) = rt.block_on(async {
        let store = versus_store::open(&Location::Postgres(db.clone()), Default::default())
            .await
            .unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        let voted = store.voted_battles().await.unwrap();
        let ids: HashSet<&str> = voted.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), voted.len(), "a battle with two stored votes");
        let lost = acknowledged
            .iter()
            .filter(|id| !ids.contains(id.as_str()))
            .count();
        store.close().await.unwrap();
        (voted.len(), lost)
    });
    eprintln!(
        "PostgreSQL restart mid-storm: {} votes acknowledged ({} of them 409 after a 503), {stored} stored, {lost} lost; {} answers 503 (all with Retry-After)",
        acknowledged.len(),
        seen.acked_late.len(),
        seen.unavailable
    );
    assert_eq!(lost, 0, "acknowledged votes lost");
    assert_eq!(
        stored,
        acknowledged.len(),
        "stored votes nobody was told about"
    );
    drop((a, b));
}
