//! Helpers of the PostgreSQL tests (`postgres.rs`, `postgres_restart.rs`): a fresh schema per
//! test, `versus serve` processes, the arena's JSON API.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_versus");

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("versus-cli-pg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn runtime() -> tokio::runtime::Runtime {
    versus_arena::state::install_crypto_provider();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The URL of a fresh schema for test `name` in the database of `VERSUS_TEST_POSTGRES`.
pub fn pg_url(rt: &tokio::runtime::Runtime, name: &str) -> String {
    let base = std::env::var("VERSUS_TEST_POSTGRES").expect(
        "VERSUS_TEST_POSTGRES is not set: this test needs a PostgreSQL URL such as postgres://versus@127.0.0.1:55432/versus",
    );
    let schema = format!("cli{}_{name}", std::process::id());
    rt.block_on(versus_store::fresh_schema_url(&base, &schema))
        .unwrap()
}

/// The built-in offline arena, answers at once, rate limits out of the way, a fast
/// leaderboard and fast catch-up with the other server's votes.
pub fn config(dir: &Path) -> PathBuf {
    let path = dir.join("arena.toml");
    std::fs::write(
        &path,
        "[arena]\nstream_chunk_ms = 0\nleaderboard_delay_ms = 10\nleaderboard_sync_ms = 100\nvotes_per_minute = 60000\nvote_burst = 10000\nbattles_per_minute = 60000\nbattle_burst = 10000\nip_votes_per_minute = 60000\nip_vote_burst = 10000\n",
    )
    .unwrap();
    path
}

/// A running `versus serve`.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &str, config: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args([
                "serve", "--port", "0", "--log", "warn", "--db", db, "--config",
            ])
            .arg(config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix("versus: arena listening on ") {
                    Some(addr) => {
                        let _ = tx.send(addr.to_string());
                    }
                    None => eprintln!("[server] {line}"),
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("versus serve did not start");
        Server { child, base }
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    body: Option<Value>,
    cookie: &str,
) -> Result<(u16, Value), reqwest::Error> {
    let mut r = if method == "GET" {
        http.get(url)
    } else {
        http.post(url)
    };
    r = r.header("cookie", format!("versus_voter={cookie}"));
    if let Some(b) = body {
        r = r
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let resp = r.send().await?;
    let status = resp.status().as_u16();
    let text = resp.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

/// Starts a battle on `base` and waits until its answers are complete there: (id, vote token).
pub async fn start_battle(
    http: &reqwest::Client,
    base: &str,
    prompt_id: i64,
    cookie: &str,
) -> Result<(String, String), String> {
    let e = |x: reqwest::Error| x.to_string();
    let (code, b) = call(
        http,
        "POST",
        &format!("{base}/api/battles"),
        Some(json!({"prompt_id": prompt_id})),
        cookie,
    )
    .await
    .map_err(e)?;
    if code != 201 {
        return Err(format!("create: {code} {b}"));
    }
    let id = b["id"].as_str().ok_or("no id")?.to_string();
    let token = b["vote_token"].as_str().ok_or("no token")?.to_string();
    loop {
        let (_, j) = call(
            http,
            "GET",
            &format!("{base}/api/battles/{id}"),
            None,
            cookie,
        )
        .await
        .map_err(e)?;
        if j["complete"] == true {
            return Ok((id, token));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub async fn vote(
    http: &reqwest::Client,
    base: &str,
    id: &str,
    token: &str,
    winner: &str,
    cookie: &str,
) -> Result<(u16, Value), reqwest::Error> {
    call(
        http,
        "POST",
        &format!("{base}/api/battles/{id}/vote"),
        Some(json!({"winner": winner, "vote_token": token})),
        cookie,
    )
    .await
}

pub const WINNERS: [&str; 4] = ["model_a", "model_b", "tie", "both_bad"];
