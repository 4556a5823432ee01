//! An arena on a temporary database with a small recorded fixture, served on a loopback port.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use versus_arena::{AppState, Arena, ArenaConfig};
use versus_store::{Durability, SqliteStore};

pub const MODELS: [&str; 3] = ["alpha-model", "beta-model", "gamma-model"];
/// The fixture prompt whose answers are hostile HTML/Markdown.
pub const HOSTILE_PROMPT: i64 = 5;
pub const HOSTILE: &str = "<script>alert(\"pwned\")</script>\n<img src=x onerror=\"alert(1)\">\n**bold** [link](javascript:alert(1)) </textarea><b>x</b>";

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("versus-arena-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the fixture set: 3 models × 8 prompts; prompt 5's answers are hostile; prompt 6's
/// answers are long (for slow streams); prompt 7's answer of alpha names its maker (identity
/// word).
pub fn write_fixture(dir: &std::path::Path) {
    let mut prompts = String::new();
    let mut answers = String::new();
    for p in 0..8 {
        prompts.push_str(&serde_json::json!({"prompt_id": p, "source": "test", "prompt": format!("Question number {p}: what is {p} plus {p}?")}).to_string());
        prompts.push('\n');
        for (k, m) in MODELS.iter().enumerate() {
            let answer = match p {
                5 => HOSTILE.to_string(),
                6 => "A rather long answer that streams slowly. ".repeat(60),
                7 if k == 0 => "I was trained by OpenAI.".to_string(),
                _ => format!(
                    "# Answer {k}\n\nThe sum is {}.\n\n- first point\n- second point\n\n**Sure** thing, variant {k}.",
                    2 * p
                ),
            };
            answers.push_str(
                &serde_json::json!({"prompt_id": p, "model": m, "answer": answer}).to_string(),
            );
            answers.push('\n');
        }
    }
    std::fs::write(dir.join("prompts.jsonl"), prompts).unwrap();
    std::fs::write(dir.join("answers.jsonl"), answers).unwrap();
    std::fs::write(
        dir.join("models.csv"),
        "model,organization,country,license,open_weights,release_date,input_usd_per_mtok,output_usd_per_mtok\nalpha-model,Alpha Org,France,Apache-2.0,true,2024-01-01,1,2\nbeta-model,Beta Org,China,Proprietary,false,2024-02-01,,\ngamma-model,Gamma Org,United States,,,,,\n",
    )
    .unwrap();
}

/// A fast test configuration over the fixture (generous limits unless overridden).
/// `extra_arena` lines (`key = value`) replace the defaults of the same key.
pub fn fixture_config(dir: &std::path::Path, extra_arena: &str) -> String {
    let defaults = "stream_chunk_ms = 1\nstream_chunk_chars = 16\nleaderboard_delay_ms = 10\nvotes_per_minute = 60000\nvote_burst = 10000\nbattles_per_minute = 60000\nbattle_burst = 10000\nip_votes_per_minute = 60000\nip_vote_burst = 10000";
    let key = |l: &str| l.split('=').next().unwrap_or("").trim().to_string();
    let overrides: Vec<&str> = extra_arena.lines().filter(|l| l.contains('=')).collect();
    let mut lines: Vec<String> = defaults
        .lines()
        .filter(|d| !overrides.iter().any(|o| key(o) == key(d)))
        .map(str::to_string)
        .collect();
    lines.extend(overrides.iter().map(|s| s.to_string()));
    format!(
        "[arena]\n{}\n\n[[recorded]]\nname = \"fixture\"\npath = \"{}\"\n",
        lines.join("\n"),
        dir.display()
    )
}

pub struct TestArena {
    pub base: String,
    pub state: Arc<AppState>,
    pub http: reqwest::Client,
    pub dir: PathBuf,
}

pub async fn start(name: &str, config_toml: Option<String>, extra_arena: &str) -> TestArena {
    let dir = temp_dir(name);
    write_fixture(&dir);
    let text = config_toml.unwrap_or_else(|| fixture_config(&dir, extra_arena));
    let config = ArenaConfig::from_toml(&text).unwrap();
    let store = SqliteStore::open(&dir.join("arena.db"), Durability::Normal)
        .await
        .unwrap();
    let arena = Arena::new(config, Arc::new(store)).await.unwrap();
    let state = arena.state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(arena.serve(listener, std::future::pending()));
    versus_arena::state::install_crypto_provider();
    TestArena {
        base,
        state,
        http: reqwest::Client::new(),
        dir,
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestArena {
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "GET" => self.http.get(&url),
            "POST" => self.http.post(&url),
            _ => panic!("{method}"),
        };
        if let Some(c) = cookie {
            r = r.header("cookie", self.cookie_header(c));
        }
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        self.request("GET", path, None, cookie).await
    }

    pub async fn post(&self, path: &str, body: Value, cookie: Option<&str>) -> Reply {
        self.request("POST", path, Some(body), cookie).await
    }

    /// Starts a battle; returns (id, vote_token).
    pub async fn battle(&self, body: Value, cookie: &str) -> (String, String) {
        let r = self.post("/api/battles", body, Some(cookie)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let j = r.json();
        (
            j["id"].as_str().unwrap().to_string(),
            j["vote_token"].as_str().unwrap().to_string(),
        )
    }

    /// Polls until the battle is complete (or failed); returns its JSON.
    pub async fn wait_settled(&self, id: &str, cookie: &str) -> Value {
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let j = self
                .get(&format!("/api/battles/{id}"), Some(cookie))
                .await
                .json();
            if j["complete"] == true || j["status"] == "failed" {
                return j;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("battle {id} never settled");
    }

    pub async fn vote(&self, id: &str, token: &str, winner: &str, cookie: &str) -> Reply {
        self.post(
            &format!("/api/battles/{id}/vote"),
            serde_json::json!({"winner": winner, "vote_token": token}),
            Some(cookie),
        )
        .await
    }

    /// The raw SSE text of a battle's stream, until the server ends it.
    pub async fn stream_text(&self, id: &str) -> String {
        let resp = self
            .http
            .get(format!("{}/api/battles/{id}/stream", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        tokio::time::timeout(Duration::from_secs(30), resp.text())
            .await
            .expect("stream did not end")
            .unwrap()
    }
}

impl TestArena {
    /// The `Cookie` header of voter `id` (one of [`cookie`]'s ids), signed by this server as
    /// if it had issued it.
    pub fn cookie_header(&self, id: &str) -> String {
        format!(
            "versus_voter={}",
            versus_arena::client::sign_cookie(&self.state, id)
        )
    }
}

/// A voter id (32 hex digits); [`TestArena`] requests sign it as the server would.
pub fn cookie(n: u32) -> String {
    format!("{n:032x}")
}

/// Asserts that no model name occurs in `text`.
pub fn assert_no_names(text: &str, what: &str) {
    for m in MODELS {
        assert!(!text.contains(m), "{what} leaks the model name {m}: {text}");
    }
    // Nor the organisations (metadata would identify the model too).
    for o in ["Alpha Org", "Beta Org", "Gamma Org"] {
        assert!(!text.contains(o), "{what} leaks the organisation {o}");
    }
}
