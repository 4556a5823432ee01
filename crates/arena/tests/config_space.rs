//! A property over the whole `[arena]` configuration space (seeded, so every run tries the
//! same cases): a configuration is either refused at start with a message naming the key, its
//! value and the allowed range, or every request the arena serves with it gets an answer
//! below 500 — no handler can panic on a configured value.

mod common;

use common::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::json;
use versus_arena::ArenaConfig;

/// A numeric key, its allowed range, and whether it is a float.
struct Key {
    name: &'static str,
    low: f64,
    high: f64,
    float: bool,
}

const fn key(name: &'static str, low: f64, high: f64, float: bool) -> Key {
    Key {
        name,
        low,
        high,
        float,
    }
}

/// Every numeric `[arena]` key with its documented range.
const KEYS: &[Key] = &[
    key("stream_chunk_chars", 1.0, 1e6, false),
    key("stream_chunk_ms", 0.0, 600_000.0, false),
    key("stream_max_ms", 0.0, 600_000.0, false),
    key("dedup_cap", 1.0, 1e9, false),
    key("votes_per_minute", 0.001, 1e6, true),
    key("vote_burst", 1.0, 1e6, true),
    key("battles_per_minute", 0.001, 1e6, true),
    key("battle_burst", 1.0, 1e6, true),
    key("ip_votes_per_minute", 0.001, 1e6, true),
    key("ip_vote_burst", 1.0, 1e6, true),
    key("leaderboard_delay_ms", 0.0, 600_000.0, false),
    key("leaderboard_sync_ms", 50.0, 600_000.0, false),
    key("max_prompt_chars", 1.0, 1e6, false),
    key("max_turns", 1.0, 100.0, false),
    key("battle_ttl_secs", 60.0, 604_800.0, false),
    key("trusted_proxies", 0.0, 16.0, false),
    key("header_timeout_secs", 1.0, 600.0, false),
    key("body_timeout_secs", 1.0, 600.0, false),
    key("max_body_bytes", 1024.0, 67_108_864.0, false),
    key("max_connections_per_address", 1.0, 1e6, false),
    key("max_connections", 1.0, 1e6, false),
    key("board_min_votes", 1.0, 1e6, false),
];

/// A value inside the range: a bound, or log-uniform between them. Connection caps start at
/// 4 here: with fewer, the test's own client (which may open a second connection) would be
/// turned away, which is the cap working (tested on its own in `abuse.rs`).
fn inside(rng: &mut ChaCha8Rng, k: &Key) -> String {
    let low = if k.name.starts_with("max_connections") {
        4.0
    } else {
        k.low
    };
    let v = match rng.random_range(0..4) {
        0 => low,
        1 => k.high,
        _ => {
            let (lo, hi) = ((low + 1.0).ln(), (k.high + 1.0).ln());
            (rng.random_range(lo..=hi)).exp() - 1.0
        }
    };
    let v = v.clamp(low, k.high);
    if k.float {
        format!("{v:?}")
    } else {
        format!("{}", v.round() as u64)
    }
}

/// A value a careless or hostile operator might write: out of range, zero, negative, huge,
/// not a number. `None` when it happens to be in range after all.
fn hostile(rng: &mut ChaCha8Rng, k: &Key) -> Option<String> {
    let candidates: Vec<String> = if k.float {
        vec![
            "0.0".into(),
            "-1.0".into(),
            "nan".into(),
            "inf".into(),
            "1e-300".into(),
            "1e300".into(),
            format!("{:?}", k.low / 2.0),
            format!("{:?}", k.high * 2.0),
        ]
    } else {
        let mut v = vec![
            "18446744073709551615".to_string(),
            "9223372036854775807".to_string(),
            format!("{}", k.high as u64 + 1),
        ];
        if k.low >= 1.0 {
            v.push(format!("{}", k.low as u64 - 1));
        }
        v
    };
    let v = candidates[rng.random_range(0..candidates.len())].clone();
    let parsed: f64 = v.parse().unwrap_or(f64::NAN);
    (!(parsed >= k.low && parsed <= k.high)).then_some(v)
}

#[tokio::test]
async fn every_configuration_is_refused_by_name_or_served_without_a_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let dir = temp_dir("config-space");
    write_fixture(&dir);
    let (mut refused, mut served) = (0, 0);
    for case in 0..80 {
        let mut lines: Vec<(usize, String)> = KEYS
            .iter()
            .enumerate()
            .map(|(i, k)| (i, inside(&mut rng, k)))
            .collect();
        // Half the cases carry one hostile value (integers that TOML cannot hold are a
        // parse error naming the line, which is also a refusal by name).
        let bad = if rng.random_bool(0.5) {
            let i = rng.random_range(0..KEYS.len());
            hostile(&mut rng, &KEYS[i]).map(|v| {
                lines[i].1 = v;
                i
            })
        } else {
            None
        };
        let arena: String = lines
            .iter()
            .map(|(i, v)| format!("{} = {v}\n", KEYS[*i].name))
            .collect();
        let toml = format!(
            "[arena]\n{arena}\n[[recorded]]\nname = \"fixture\"\npath = \"{}\"\n",
            dir.display()
        );
        match ArenaConfig::from_toml(&toml) {
            Err(e) => {
                let i = bad
                    .unwrap_or_else(|| panic!("case {case}: refused a valid config: {e}\n{toml}"));
                let message = e.to_string();
                assert!(message.contains(KEYS[i].name), "case {case}: {message}");
                refused += 1;
            }
            Ok(_) => {
                assert!(
                    bad.is_none(),
                    "case {case}: accepted a hostile value\n{toml}"
                );
                serve_one(case, toml).await;
                served += 1;
            }
        }
    }
    assert!(
        refused >= 20 && served >= 30,
        "{refused} refused, {served} served"
    );
}

/// Plays the whole flow against a configuration; every answer must be below 500.
async fn serve_one(case: usize, toml: String) {
    let t = start(&format!("config-space-{case}"), Some(toml), "").await;
    let me = cookie(case as u32);
    let ok = |r: &Reply, what: &str| {
        // 503 is the designed answer while there are too few votes for a leaderboard.
        let waiting = r.status == 503 && r.text.contains("no leaderboard yet");
        assert!(
            r.status < 500 || waiting,
            "case {case}: {what}: HTTP {} {}",
            r.status,
            r.text
        );
    };
    ok(&t.get("/", Some(&me)).await, "index");
    let created = t.post("/api/battles", json!({}), Some(&me)).await;
    ok(&created, "create");
    if created.status == 201 {
        let j = created.json();
        let id = j["id"].as_str().unwrap();
        let token = j["vote_token"].as_str().unwrap();
        ok(
            &t.get(&format!("/api/battles/{id}"), Some(&me)).await,
            "battle",
        );
        ok(
            &t.get(&format!("/battle/{id}"), Some(&me)).await,
            "battle page",
        );
        ok(&t.vote(id, token, "tie", &me).await, "vote");
        let turn = t
            .post(
                &format!("/api/battles/{id}/turns"),
                json!({"prompt": "and then?", "vote_token": token}),
                Some(&me),
            )
            .await;
        ok(&turn, "follow-up");
    }
    ok(
        &t.post("/api/battles", json!({"prompt": "free text"}), Some(&me))
            .await,
        "free prompt",
    );
    ok(&t.get("/api/leaderboard", None).await, "leaderboard");
    ok(&t.get("/leaderboard", None).await, "leaderboard page");
    ok(&t.get("/healthz", None).await, "still alive");
}
