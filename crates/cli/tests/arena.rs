//! `versus serve` as a process: the offline default arena, durability under SIGKILL, and
//! `versus export` → `versus rank` giving the same leaderboard as `/api/leaderboard`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_versus");
const MODELS: [&str; 4] = ["alpha-model", "beta-model", "gamma-model", "delta-model"];

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("versus-cli-arena-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A recorded set of 4 models × 8 prompts (prompt 6: a long answer; prompt 7: an identity word
/// in alpha's answer), and a config using it.
fn fixture(dir: &Path, arena: &str) -> PathBuf {
    let set = dir.join("set");
    std::fs::create_dir_all(&set).unwrap();
    let mut prompts = String::new();
    let mut answers = String::new();
    for p in 0..8 {
        prompts.push_str(&format!(
            "{}\n",
            json!({"prompt_id": p, "prompt": format!("Prompt {p}: say something.")})
        ));
        for (k, m) in MODELS.iter().enumerate() {
            let answer = match p {
                6 => "A long answer that takes a while to stream. ".repeat(40),
                7 if k == 0 => "I am ChatGPT.".to_string(),
                _ => format!(
                    "## Reply {k}\n{}\n**note** {p}",
                    "- item\n".repeat(k + p % 3)
                ),
            };
            answers.push_str(&format!(
                "{}\n",
                json!({"prompt_id": p, "model": m, "answer": answer})
            ));
        }
    }
    std::fs::write(set.join("prompts.jsonl"), prompts).unwrap();
    std::fs::write(set.join("answers.jsonl"), answers).unwrap();
    let config = dir.join("arena.toml");
    std::fs::write(
        &config,
        format!(
            "[arena]\nleaderboard_delay_ms = 10\nvotes_per_minute = 60000\nvote_burst = 10000\nbattles_per_minute = 60000\nbattle_burst = 10000\nip_votes_per_minute = 60000\nip_vote_burst = 10000\n{arena}\n\n[[recorded]]\nname = \"fixture\"\npath = \"{}\"\n",
            set.display()
        ),
    )
    .unwrap();
    config
}

/// A running `versus serve`.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &Path, config: Option<&Path>) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--port", "0", "--log", "warn", "--db"])
            .arg(db);
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let mut child = cmd
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
                if let Some(addr) = line.strip_prefix("versus: arena listening on ") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("versus serve did not start");
        Server { child, base }
    }

    /// SIGKILL: no chance to flush or close anything.
    fn kill9(mut self) {
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

async fn call(
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

/// One whole battle: start, wait for the answers, vote. Returns (id, vote answer) once the vote
/// is acknowledged.
async fn battle_and_vote(
    http: &reqwest::Client,
    base: &str,
    prompt_id: i64,
    winner: &str,
    cookie: &str,
) -> Result<(String, Value), String> {
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
    let id = b["id"].as_str().unwrap().to_string();
    let token = b["vote_token"].as_str().unwrap().to_string();
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
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (code, v) = call(
        http,
        "POST",
        &format!("{base}/api/battles/{id}/vote"),
        Some(json!({"winner": winner, "vote_token": token})),
        cookie,
    )
    .await
    .map_err(e)?;
    if code != 200 {
        return Err(format!("vote: {code} {v}"));
    }
    Ok((id, v))
}

fn runtime() -> tokio::runtime::Runtime {
    // reqwest is built without a default TLS crypto provider (loopback needs none, but the
    // client insists on one).
    versus_arena::state::install_crypto_provider();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn default_arena_runs_offline_with_recorded_models() {
    let dir = temp_dir("default");
    // No --config: the built-in recorded answers, no network.
    let server = Server::start(&dir.join("arena.db"), None);
    runtime().block_on(async {
        let http = reqwest::Client::new();
        let (code, page) = call(&http, "GET", &format!("{}/", server.base), None, "0")
            .await
            .unwrap();
        assert_eq!(code, 200);
        assert!(page.as_str().unwrap().contains("Start battle"));
        let (code, models) = call(
            &http,
            "GET",
            &format!("{}/api/models", server.base),
            None,
            "0",
        )
        .await
        .unwrap();
        assert_eq!(code, 200);
        assert_eq!(models["models"].as_array().unwrap().len(), 24);
        let cookie = format!("{:032x}", 7);
        let (id, v) = battle_and_vote(&http, &server.base, 0, "model_a", &cookie)
            .await
            .unwrap();
        assert!(
            v["model_a"].is_string() && v["model_a"] != v["model_b"],
            "{v}"
        );
        let (_, j) = call(
            &http,
            "GET",
            &format!("{}/api/battles/{id}", server.base),
            None,
            &cookie,
        )
        .await
        .unwrap();
        assert!(
            j["prompt"].as_str().unwrap().contains("Broadway"),
            "prompt 0 of AlpacaEval: {j}"
        );
        assert!(j["answers"]["a"].as_str().unwrap().len() > 20);
    });
}

/// Kill -9 mid vote-storm, three times over (restarting on the same file each time): every
/// acknowledged vote is stored exactly once with its winner, no battle has two votes.
#[test]
fn acknowledged_votes_survive_sigkill() {
    const ROUNDS: usize = 3;
    let dir = temp_dir("durability");
    let db = dir.join("arena.db");
    let config = fixture(&dir, "stream_chunk_ms = 15\nstream_chunk_chars = 8");
    let rt = runtime();
    // (battle id, winner) of every vote answered 200, over all rounds.
    let mut acked_votes: Vec<(String, String)> = Vec::new();
    let mut attempted = 0usize;
    for round in 0..ROUNDS {
        let server = Server::start(&db, Some(&config));
        let base = server.base.clone();
        let (acked, tried) = rt.block_on(async {
            let http = reqwest::Client::new();
            // Slow battles still streaming when the server dies.
            let mut streams = Vec::new();
            for k in 0..3 {
                let (code, b) = call(
                    &http,
                    "POST",
                    &format!("{base}/api/battles"),
                    Some(json!({"prompt_id": 6})),
                    &format!("{:032x}", 900 + k),
                )
                .await
                .unwrap();
                assert_eq!(code, 201);
                let url = format!("{base}/api/battles/{}/stream", b["id"].as_str().unwrap());
                let resp = http.get(url).send().await.unwrap();
                streams.push(tokio::spawn(async move {
                    let mut resp = resp;
                    while let Ok(Some(_)) = resp.chunk().await {}
                }));
            }
            // Voters keep voting until the kill; every acknowledged vote is remembered.
            let stop = Arc::new(AtomicBool::new(false));
            let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
            let tried = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let mut voters = Vec::new();
            for v in 0..6 {
                let (http, base, stop, acked, tried) = (
                    http.clone(),
                    base.clone(),
                    stop.clone(),
                    acked.clone(),
                    tried.clone(),
                );
                voters.push(tokio::spawn(async move {
                    let mut k = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let winner = ["model_a", "model_b", "tie", "both_bad"][(k + v) % 4];
                        tried.fetch_add(1, Ordering::Relaxed);
                        match battle_and_vote(
                            &http,
                            &base,
                            (k % 5) as i64,
                            winner,
                            &format!("{:032x}", 100 * round + v),
                        )
                        .await
                        {
                            Ok((id, _)) => acked.lock().unwrap().push((id, winner.to_string())),
                            Err(_) => break, // the server is gone
                        }
                        k += 1;
                    }
                }));
            }
            let started = Instant::now();
            while acked.lock().unwrap().len() < 40 && started.elapsed() < Duration::from_secs(60) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Kill -9 while votes are in flight and answers are streaming.
            server.kill9();
            stop.store(true, Ordering::Relaxed);
            for v in voters {
                let _ = v.await;
            }
            for s in streams {
                let _ = s.await;
            }
            let acked = acked.lock().unwrap().clone();
            (acked, tried.load(Ordering::Relaxed))
        });
        assert!(
            acked.len() >= 40,
            "round {round}: only {} votes acknowledged",
            acked.len()
        );
        eprintln!(
            "SQLite kill -9 round {}: {} votes acknowledged of {tried} attempted",
            round + 1,
            acked.len()
        );
        acked_votes.extend(acked);
        attempted += tried;
    }
    let acknowledged: Vec<String> = acked_votes.iter().map(|(id, _)| id.clone()).collect();
    let distinct: std::collections::HashSet<&String> = acknowledged.iter().collect();
    assert_eq!(
        distinct.len(),
        acknowledged.len(),
        "a battle acknowledged twice"
    );

    // The database is intact and holds every acknowledged vote, once, with its winner.
    rt.block_on(async {
        let store = versus_store::SqliteStore::open(&db, versus_store::Durability::Normal)
            .await
            .unwrap();
        use versus_store::Store;
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        let voted = store.voted_battles().await.unwrap();
        let stored: std::collections::HashMap<&str, &str> = voted
            .iter()
            .map(|r| (r.id.as_str(), r.vote.as_ref().unwrap().winner.as_str()))
            .collect();
        assert_eq!(stored.len(), voted.len(), "a battle with two stored votes");
        let lost = acked_votes
            .iter()
            .filter(|(id, _)| !stored.contains_key(id.as_str()))
            .count();
        for (id, winner) in &acked_votes {
            if let Some(w) = stored.get(id.as_str()) {
                assert_eq!(w, winner, "battle {id}: stored winner differs");
            }
        }
        eprintln!(
            "SQLite, {ROUNDS} × kill -9 mid-storm: {} votes acknowledged (of {attempted} attempted), {} stored, {lost} lost, 0 duplicated",
            acked_votes.len(),
            voted.len()
        );
        assert_eq!(lost, 0, "acknowledged votes lost");
        // Stored but unacknowledged: at most the votes in flight at the kills.
        assert!(voted.len() <= attempted, "{} stored", voted.len());
        store.close().await;
    });
    // Restarted, the server serves them, and the battles cut mid-stream are closed.
    let server = Server::start(&db, Some(&config));
    rt.block_on(async {
        let http = reqwest::Client::new();
        for id in acknowledged.iter().take(10) {
            let (code, j) = call(
                &http,
                "GET",
                &format!("{}/api/battles/{id}", server.base),
                None,
                "0",
            )
            .await
            .unwrap();
            assert_eq!(code, 200);
            assert_eq!(j["status"], "voted", "{j}");
        }
        let (_, v) = battle_and_vote(&http, &server.base, 1, "tie", &format!("{:032x}", 77))
            .await
            .map(|x| ((), x.1))
            .unwrap();
        assert!(v["model_a"].is_string());
    });
    let out = Command::new(BIN)
        .args(["export", "--format", "jsonl", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for id in &acknowledged {
        assert!(text.contains(id.as_str()), "export misses {id}");
    }
    drop(server);
}

fn close(a: &Value, b: &Value, what: &str, tol: f64) {
    let (x, y) = (
        a.as_f64().unwrap_or(f64::NAN),
        b.as_f64().unwrap_or(f64::NAN),
    );
    assert!((x - y).abs() <= tol * (1.0 + x.abs()), "{what}: {x} vs {y}");
}

/// The ratings, intervals, ranks and counts of two reports agree (within 1e-9).
fn same_board(api: &Value, cli: &Value, what: &str) {
    same_board_within(api, cli, what, 1e-9)
}

/// The ratings, intervals, ranks and counts of two reports agree within `tol` (relative).
fn same_board_within(api: &Value, cli: &Value, what: &str, tol: f64) {
    let (ma, mc) = (
        api["models"].as_array().unwrap(),
        cli["models"].as_array().unwrap(),
    );
    assert_eq!(ma.len(), mc.len(), "{what}: model count");
    assert!(!ma.is_empty(), "{what}: empty leaderboards compare nothing");
    for (a, c) in ma.iter().zip(mc) {
        assert_eq!(a["model"], c["model"], "{what}: order");
        assert_eq!(a["rank"], c["rank"], "{what}: rank of {}", a["model"]);
        for k in [
            "rating", "lower", "upper", "variance", "battles", "wins", "losses", "ties",
        ] {
            close(&a[k], &c[k], &format!("{what}: {k} of {}", a["model"]), tol);
        }
    }
    assert_eq!(api["meta"]["method"], cli["meta"]["method"]);
    assert_eq!(api["meta"]["battles"], cli["meta"]["battles"]);
    match (
        api["style_coefficients"].as_object(),
        cli["style_coefficients"].as_object(),
    ) {
        (Some(sa), Some(sc)) => {
            assert_eq!(sa.len(), sc.len(), "{what}: style features differ");
            assert!(!sa.is_empty(), "{what}: no style coefficients");
            for (k, v) in sa {
                close(
                    &v["value"],
                    &sc[k]["value"],
                    &format!("{what}: style {k}"),
                    tol,
                );
            }
        }
        (None, None) => {}
        _ => panic!("{what}: style coefficients differ"),
    }
}

#[test]
fn export_then_rank_gives_the_arena_leaderboard() {
    let dir = temp_dir("roundtrip");
    let db = dir.join("arena.db");
    let config = fixture(&dir, "stream_chunk_ms = 0");
    let server = Server::start(&db, Some(&config));
    let (api_style, api_plain) = runtime().block_on(async {
        let http = reqwest::Client::new();
        let mut counted = 0;
        for k in 0..80usize {
            let winner = ["model_a", "model_b", "tie", "model_a", "both_bad"][k % 5];
            let (_, v) = battle_and_vote(
                &http,
                &server.base,
                (k % 8) as i64,
                winner,
                &format!("{:032x}", k % 7),
            )
            .await
            .unwrap();
            if v["anonymous"] == true && v["counted"] == true {
                counted += 1;
            }
        }
        assert!(
            counted > 60 && counted < 80,
            "prompt 7 with alpha is not anonymous: {counted}"
        );
        // Wait for the background recomputation to include every counted vote.
        let started = Instant::now();
        loop {
            let (code, style) = call(
                &http,
                "GET",
                &format!("{}/api/leaderboard", server.base),
                None,
                "0",
            )
            .await
            .unwrap();
            if code == 200 && style["meta"]["battles"] == json!(counted as f64) {
                let (_, plain) = call(
                    &http,
                    "GET",
                    &format!("{}/api/leaderboard?style=false", server.base),
                    None,
                    "0",
                )
                .await
                .unwrap();
                break (style, plain);
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "leaderboard never caught up: {style}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert_eq!(api_style["meta"]["method"], "style_control_bt");
    for (format, ext) in [("json", "json"), ("jsonl", "jsonl"), ("csv", "csv")] {
        let file = dir.join(format!("export.{ext}"));
        let out = Command::new(BIN)
            .args(["export", "--format", format, "--db"])
            .arg(&db)
            .arg("-o")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (style, api) in [(true, &api_style), (false, &api_plain)] {
            let mut cmd = Command::new(BIN);
            cmd.arg("rank").arg(&file).args(["--output", "json"]);
            if style {
                cmd.arg("--style");
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "versus rank {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
            // The style board must carry coefficients (else `same_board` skips comparing them).
            assert_eq!(
                cli["style_coefficients"].is_object(),
                style,
                "{format}: style coefficients"
            );
            same_board(api, &cli, &format!("{format}, style={style}"));
        }
    }
    drop(server);
}

/// Runs `versus serve` expecting it to exit at once; returns its exit code and stderr.
fn serve_refused(db: &Path, config: Option<&Path>) -> (Option<i32>, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--port", "0", "--db"]).arg(db);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("versus serve kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

#[test]
fn a_second_server_on_one_sqlite_file_exits_with_the_reason() {
    let dir = temp_dir("second-server");
    let db = dir.join("arena.db");
    let config = fixture(&dir, "");
    let first = Server::start(&db, Some(&config));
    let (code, stderr) = serve_refused(&db, Some(&config));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("another versus serve is using this database")
            && stderr.contains("PostgreSQL")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    // The first server is untouched and still answers.
    let rt = runtime();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let (code, _) = call(&http, "GET", &format!("{}/healthz", first.base), None, "")
            .await
            .unwrap();
        assert_eq!(code, 200);
    });
    // Once it is gone (even by kill -9) the file is free again.
    first.kill9();
    let _again = Server::start(&db, Some(&config));
}

#[test]
fn unusable_settings_are_refused_at_start_with_the_key_named() {
    let dir = temp_dir("bad-settings");
    for (setting, expected) in [
        (
            "ip_votes_per_minute = 0",
            "[arena] ip_votes_per_minute = 0: expected a rate from 0.001 to 1000000 per minute",
        ),
        (
            "battle_ttl_secs = 18446744073709551615",
            "[arena] battle_ttl_secs = 18446744073709551615: expected seconds from 60 to 604800 (a week)",
        ),
        (
            "trust_forwarded_for = true",
            "[arena] trust_forwarded_for is no longer read: use trusted_proxies = N",
        ),
    ] {
        // `fixture` puts its own limits first; a repeated key would be a TOML error, so the
        // setting goes in a config of its own.
        let config = dir.join("bad.toml");
        std::fs::write(&config, format!("[arena]\n{setting}\n")).unwrap();
        let db = dir.join("unused.db");
        let (code, stderr) = serve_refused(&db, Some(&config));
        assert_eq!(code, Some(2), "{setting}: {stderr}");
        assert!(
            stderr.contains(&config.display().to_string()) && stderr.contains(expected),
            "{setting}: {stderr}"
        );
    }
}

/// A recorded set whose prompts fall in known categories: 0–3 English chat, 4–5 Chinese,
/// 6–7 English questions that alpha and gamma answer with a fenced code block (coding by the
/// answers), and a config using it.
fn category_fixture(dir: &Path) -> PathBuf {
    let set = dir.join("set");
    std::fs::create_dir_all(&set).unwrap();
    let mut prompts = String::new();
    let mut answers = String::new();
    for p in 0..8 {
        let prompt = match p {
            4 | 5 => format!("请用几句话介绍一下你最喜欢的城市，第{p}题。"),
            6 | 7 => format!("How would I reverse a list? Question {p}."),
            _ => format!("Tell me something nice about autumn, please. Number {p}."),
        };
        prompts.push_str(&format!("{}\n", json!({"prompt_id": p, "prompt": prompt})));
        for (k, m) in MODELS.iter().enumerate() {
            let answer = match p {
                6 | 7 if k % 2 == 0 => format!("Like this:\n\n```python\nxs[::-1]  # {k}\n```"),
                _ => format!("Reply {k}: {}", "- item\n".repeat(k + p % 3)),
            };
            answers.push_str(&format!(
                "{}\n",
                json!({"prompt_id": p, "model": m, "answer": answer})
            ));
        }
    }
    std::fs::write(set.join("prompts.jsonl"), prompts).unwrap();
    std::fs::write(set.join("answers.jsonl"), answers).unwrap();
    let config = dir.join("arena.toml");
    std::fs::write(
        &config,
        format!(
            "[arena]\nleaderboard_delay_ms = 10\nstream_chunk_ms = 0\nboard_min_votes = 3\nvotes_per_minute = 60000\nvote_burst = 10000\nbattles_per_minute = 60000\nbattle_burst = 10000\nip_votes_per_minute = 60000\nip_vote_burst = 10000\n\n[[recorded]]\nname = \"fixture\"\npath = \"{}\"\n",
            set.display()
        ),
    )
    .unwrap();
    config
}

/// Category tags are stored with each battle, exported as `language` and `category_tag`, and
/// each category board of `/api/leaderboard?category=` equals `versus rank --category` (or
/// `--language`) on the export, with and without style control.
#[test]
fn category_boards_equal_versus_rank_on_the_export() {
    let dir = temp_dir("categories");
    let db = dir.join("arena.db");
    let config = category_fixture(&dir);
    let server = Server::start(&db, Some(&config));
    let boards = [
        ("coding", vec!["--category", "coding"]),
        ("zh", vec!["--language", "Chinese"]),
        ("en", vec!["--language", "English"]),
    ];
    let (ids, api) = runtime().block_on(async {
        let http = reqwest::Client::new();
        let mut ids = Vec::new();
        for k in 0..120usize {
            let winner = ["model_a", "model_b", "tie", "model_b", "model_a"][k % 5];
            let (id, v) = battle_and_vote(
                &http,
                &server.base,
                (k % 8) as i64,
                winner,
                &format!("{:032x}", k % 7),
            )
            .await
            .unwrap();
            assert_eq!(v["counted"], true, "{v}");
            ids.push((id, k % 8, v));
        }
        // A category board holds every acknowledged vote of its category at once.
        let mut api = Vec::new();
        for (cat, _) in &boards {
            for style in [true, false] {
                let (code, board) = call(
                    &http,
                    "GET",
                    &format!(
                        "{}/api/leaderboard?category={cat}&style={style}",
                        server.base
                    ),
                    None,
                    "0",
                )
                .await
                .unwrap();
                assert_eq!(code, 200, "{cat}: {board}");
                api.push(board);
            }
        }
        let (code, err) = call(
            &http,
            "GET",
            &format!("{}/api/leaderboard?category=poetry", server.base),
            None,
            "0",
        )
        .await
        .unwrap();
        assert_eq!(code, 400);
        assert!(
            err["error"]
                .as_str()
                .unwrap()
                .contains("unknown category \"poetry\"; expected one of: coding, math"),
            "{err}"
        );
        (ids, api)
    });
    drop(server);

    let file = dir.join("export.json");
    let out = Command::new(BIN)
        .args(["export", "--format", "json", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The tags of each battle, as its prompt and answers imply.
    let exported: Vec<Value> = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(exported.len(), ids.len());
    let mut coding = 0;
    for (id, prompt, vote) in &ids {
        let e = exported
            .iter()
            .find(|e| e["question_id"] == json!(id))
            .unwrap();
        let language = if (4..=5).contains(prompt) {
            "Chinese"
        } else {
            "English"
        };
        assert_eq!(e["language"], language, "battle {id}, prompt {prompt}");
        let with_code = |m: &Value| MODELS.iter().position(|x| json!(x) == *m).unwrap() % 2 == 0;
        let code = *prompt >= 6 && (with_code(&vote["model_a"]) || with_code(&vote["model_b"]));
        coding += code as usize;
        let tag = &e["category_tag"]["versus_v1"];
        assert_eq!(tag["coding"], code, "battle {id}, prompt {prompt}: {tag}");
        assert_eq!(tag["math"], false);
        assert_eq!(tag["multi_turn"], false);
    }
    assert!(coding >= 10, "only {coding} coding battles");
    let mut i = 0;
    for (cat, flags) in &boards {
        for style in [true, false] {
            let mut cmd = Command::new(BIN);
            cmd.arg("rank")
                .arg(&file)
                .args(["--output", "json"])
                .args(flags);
            if style {
                cmd.arg("--style");
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "versus rank {flags:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
            // The same votes in the same order; a small board can leave a model weakly
            // determined (variance ~1e4), whose solve differs from the export's in the 9th
            // digit, so 1e-7 here.
            same_board_within(&api[i], &cli, &format!("{cat}, style={style}"), 1e-7);
            i += 1;
        }
    }
    // The boards differ from each other (the categories select different votes).
    assert_ne!(api[0]["meta"]["battles"], api[2]["meta"]["battles"]);
    assert_eq!(
        api[2]["meta"]["battles"].as_f64().unwrap() + api[4]["meta"]["battles"].as_f64().unwrap(),
        ids.len() as f64
    );
}
