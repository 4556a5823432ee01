//! Load benchmark of the arena's vote path (not a test): many concurrent voters on loopback
//! against recorded backends. Prints votes/s, p50/p99 latency and errors.
//!
//! ```text
//! cargo run --release -p versus-arena --example load -- [--voters 64] [--battles 20000] [--durability normal|full] [--url http://127.0.0.1:8080[,http://127.0.0.1:8081…]]
//! ```
//!
//! With several comma-separated `--url`s (servers sharing one PostgreSQL database), voter `k`
//! starts its battles on server `k mod n` and votes through server `k+1 mod n`: every vote
//! crosses servers.
//!
//! Without `--url` it starts an arena in-process (built-in recorded set, answers revealed at
//! once, rate limits off) on a temporary database, on its own runtime, and the voters run on
//! another runtime of the same process: both share the machine's cores, as on a real host.
//! Phase 1 starts the battles (each voter its own, with its own cookie); phase 2, timed, votes
//! on all of them: each voter sends its next vote as soon as the previous one is acknowledged
//! (committed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use versus_arena::{Arena, ArenaConfig};
use versus_store::{Durability, SqliteStore};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let voters: usize = arg("--voters").map_or(64, |v| v.parse().unwrap());
    let battles: usize = arg("--battles").map_or(20_000, |v| v.parse().unwrap());
    let durability = match arg("--durability").as_deref() {
        Some("full") => Durability::Full,
        _ => Durability::Normal,
    };
    versus_arena::state::install_crypto_provider();
    let dir = std::env::temp_dir().join(format!("versus-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base = match arg("--url") {
        Some(u) => u,
        None => {
            let config = ArenaConfig::from_toml(
                "[arena]\nstream_chunk_ms = 0\nvotes_per_minute = 1e6\nvote_burst = 1e6\nbattles_per_minute = 1e6\nbattle_burst = 1e6\nip_votes_per_minute = 1e6\nip_vote_burst = 1e6\nleaderboard_delay_ms = 1000\n",
            )
            .unwrap();
            let db = dir.join("load.db");
            server_rt.block_on(async {
                let store = SqliteStore::open(&db, durability).await.unwrap();
                let arena = Arena::new(config, Arc::new(store)).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let base = format!("http://{}", listener.local_addr().unwrap());
                tokio::spawn(arena.serve(listener, std::future::pending()));
                base
            })
        }
    };
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let bases: Vec<String> = base.split(',').map(str::to_string).collect();
    client_rt.block_on(run(bases, voters, battles, durability));
    drop(server_rt);
    let _ = std::fs::remove_dir_all(&dir);
}

async fn run(bases: Vec<String>, voters: usize, battles: usize, durability: Durability) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(voters * 2)
        .build()
        .unwrap();
    let per_voter = battles.div_ceil(voters);
    // Phase 1: battles.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for v in 0..voters {
        let (http, base) = (http.clone(), bases[v % bases.len()].clone());
        tasks.push(tokio::spawn(async move {
            let cookie = format!("versus_voter={:032x}", v + 1);
            let mut mine = Vec::with_capacity(per_voter);
            for _ in 0..per_voter {
                let r = http
                    .post(format!("{base}/api/battles"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 201);
                let j: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
                mine.push((
                    j["id"].as_str().unwrap().to_string(),
                    j["vote_token"].as_str().unwrap().to_string(),
                ));
            }
            (cookie, mine)
        }));
    }
    let mut plans = Vec::new();
    for t in tasks {
        plans.push(t.await.unwrap());
    }
    let created = plans.iter().map(|p| p.1.len()).sum::<usize>();
    let create_secs = started.elapsed().as_secs_f64();
    // Answers are revealed at once, but give generation tasks a moment to store them.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Phase 2: votes, timed.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (k, (cookie, mine)) in plans.into_iter().enumerate() {
        let (http, base) = (http.clone(), bases[(k + 1) % bases.len()].clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(mine.len());
            let mut errors = 0usize;
            for (i, (id, token)) in mine.iter().enumerate() {
                let winner = ["model_a", "model_b", "tie", "both_bad"][(i + k) % 4];
                let body = format!("{{\"winner\":\"{winner}\",\"vote_token\":\"{token}\"}}");
                let t0 = Instant::now();
                let ok = match http
                    .post(format!("{base}/api/battles/{id}/vote"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let _ = r.bytes().await;
                        status == 200
                    }
                    Err(_) => false,
                };
                lat.push(t0.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        lat.extend(l);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort();
    let q =
        |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "arena load benchmark: {voters} concurrent voters, {created} battles, {} server(s), durability {durability:?} (in-process server only)",
        bases.len()
    );
    println!(
        "battles started: {:.0}/s ({created} in {create_secs:.2} s)",
        created as f64 / create_secs
    );
    println!(
        "votes: {} in {secs:.2} s = {:.0} votes/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {errors}",
        lat.len(),
        lat.len() as f64 / secs,
        q(0.5),
        q(0.99),
        q(1.0)
    );
}
