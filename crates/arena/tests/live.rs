//! Live (OpenAI-compatible) models against an in-test streaming server, admin endpoints with a
//! token, backend failures, and API keys kept out of logs, pages, API answers and exports.
//!
//! One test function: it sets environment variables (the API key, the admin token), which is
//! only sound while no other thread runs, so it sets them before starting any runtime.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use common::*;
use serde_json::{Value, json};

const KEY: &str = "sk-test-5ecret-K3y-never-log-me-0123456789";
const ADMIN: &str = "admin-token-for-tests-9f8e7d6c";

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Capture(Arc<Mutex<Vec<u8>>>);
impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> String {
    String::from_utf8_lossy(&LOGS.get().unwrap().lock().unwrap()).to_string()
}

/// What the fake server saw.
#[derive(Default)]
struct Seen {
    authorizations: Vec<String>,
    message_counts: Vec<usize>,
    last_user: Vec<String>,
}

type Fake = Arc<Mutex<Seen>>;

fn sse(chunks: &[Value], done: bool) -> String {
    let mut s = String::new();
    for c in chunks {
        s.push_str(&format!("data: {c}\n\n"));
    }
    if done {
        s.push_str("data: [DONE]\n\n");
    }
    s
}

/// A fake OpenAI-compatible endpoint. The requested model id picks the behaviour.
async fn completions(State(seen): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(req["stream"], true);
    let messages = req["messages"].as_array().unwrap().clone();
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let last = messages.last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    {
        let mut s = seen.lock().unwrap();
        s.authorizations.push(auth.clone());
        s.message_counts.push(messages.len());
        s.last_user.push(last.clone());
    }
    let turn = messages.iter().filter(|m| m["role"] == "user").count();
    let model = req["model"].as_str().unwrap();
    if turn == 2 {
        // Slow follow-ups, so the test can try to vote while they stream.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    let event_stream =
        |text: String| ([("content-type", "text/event-stream")], text).into_response();
    match model {
        "good-a" => event_stream(sse(
            &[
                json!({"id": "x", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]}),
                json!({"choices": [{"index": 0, "delta": {}, "finish_reason": ""}]}),
                json!({"choices": [{"index": 0, "delta": {"content": format!("Turn {turn}: ")}, "finish_reason": ""}]}),
                json!({"choices": []}),
                json!({"choices": [{"index": 0, "delta": {"content": "you said "}, "logprobs": null}]}),
                json!({"choices": [{"index": 0, "delta": {"content": last}, "finish_reason": ""}]}),
                json!({"choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3}}),
            ],
            true,
        )),
        "good-b" => event_stream(format!(
            ": a comment line\n\n{}data:  [DONE] \n\n",
            sse(
                &[
                    json!({"choices": [{"delta": {"role": "assistant", "content": ""}}]}),
                    json!({"choices": [{"delta": {"content": "**Bold** reply"}, "finish_reason": null}], "system_fingerprint": "fp"}),
                    json!({"choices": [{"delta": {"content": format!(" number {turn}.")}, "finish_reason": "length"}]}),
                ],
                false
            )
        )),
        // An error that echoes the key, as some providers do.
        "fails-500" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{{\"error\": \"upstream exploded, your header was {auth}\"}}"),
        )
            .into_response(),
        // Two chunks, then the connection ends without [DONE] or a finish reason.
        "dies-midstream" => event_stream(sse(
            &[
                json!({"choices": [{"delta": {"content": "partial "}}]}),
                json!({"choices": [{"delta": {"content": "answer"}}]}),
            ],
            false,
        )),
        other => (StatusCode::NOT_FOUND, format!("no model {other}")).into_response(),
    }
}

async fn fake_server() -> (String, Fake) {
    let seen: Fake = Arc::default();
    let app = axum::Router::new()
        .route("/v1/chat/completions", axum::routing::post(completions))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn live_config(dir: &std::path::Path, url: &str) -> String {
    format!(
        "{}\nadmin_token_env = \"VERSUS_TEST_ADMIN_TOKEN\"\n\n\
         [[models]]\nname = \"live-one\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"good-a\"\napi_key_env = \"VERSUS_TEST_OPENAI_KEY\"\norganization = \"Org One\"\ntimeout_secs = 20\n\n\
         [[models]]\nname = \"live-two\"\nbackend = \"openai\"\nbase_url = \"{url}/\"\nmodel = \"good-b\"\napi_key_env = \"VERSUS_TEST_OPENAI_KEY\"\nmax_tokens = 64\ntemperature = 0.2\n",
        fixture_config(dir, "")
            .split("\n\n[[recorded]]")
            .next()
            .unwrap()
    )
}

#[test]
fn live_models_admin_and_secrets() {
    // SAFETY: no other thread exists yet in this test binary (one test, no runtime started).
    unsafe {
        std::env::set_var("VERSUS_TEST_OPENAI_KEY", KEY);
        std::env::set_var("VERSUS_TEST_ADMIN_TOKEN", ADMIN);
    }
    let buf = LOGS.get_or_init(Default::default).clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || Capture(buf.clone()))
        .init();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}

async fn run() {
    let (url, seen) = fake_server().await;
    let dir = temp_dir("live");
    let t = start("live", Some(live_config(&dir, &url)), "").await;
    let me = cookie(11);
    let names = ["live-one", "live-two", "live-broken", "live-truncated"];
    let no_names = |text: &str, what: &str| {
        for n in names {
            assert!(!text.contains(n), "{what} leaks {n}: {text}");
        }
    };

    // 1. A battle between two live models, streamed, with a follow-up turn.
    assert!(t.state.accepts_free_prompts());
    let r = t
        .post(
            "/api/battles",
            json!({"prompt": "Hello <there>"}),
            Some(&me),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    no_names(&r.text, "create");
    assert_eq!(r.json()["followups"], true);
    let (id, token) = (
        r.json()["id"].as_str().unwrap().to_string(),
        r.json()["vote_token"].as_str().unwrap().to_string(),
    );
    let stream = t.stream_text(&id).await;
    no_names(&stream, "stream");
    let page = t.get(&format!("/battle/{id}"), Some(&me)).await.text;
    assert!(
        page.contains("Hello &#60;there&#62;") && !page.contains("Hello <there>"),
        "the prompt is escaped on the page"
    );
    assert!(
        stream.contains("event: delta") && stream.contains("event: complete"),
        "{stream}"
    );
    let j = t.wait_settled(&id, &me).await;
    assert_eq!(j["complete"], true, "{j}");
    let answers = [
        j["answers"]["a"].as_str().unwrap().to_string(),
        j["answers"]["b"].as_str().unwrap().to_string(),
    ];
    let mut sorted = answers.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["**Bold** reply number 1.", "Turn 1: you said Hello <there>"]
    );
    // The key went to the endpoint as a bearer token, in both models' requests.
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.authorizations.len(), 2, "{:?}", seen.authorizations);
        assert!(
            seen.authorizations
                .iter()
                .all(|a| a == &format!("Bearer {KEY}")),
            "{:?}",
            seen.authorizations
        );
    }
    // Follow-up: both models get the whole conversation.
    let f = t
        .post(
            &format!("/api/battles/{id}/turns"),
            json!({"prompt": "And again?", "vote_token": token}),
            Some(&me),
        )
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    assert_eq!(
        t.vote(&id, &token, "model_a", &me).await.status,
        409,
        "no vote while the follow-up streams"
    );
    let j = t.wait_settled(&id, &me).await;
    assert_eq!(j["turns"].as_array().unwrap().len(), 2);
    let mut second = [
        j["answers"]["a"].as_str().unwrap().to_string(),
        j["answers"]["b"].as_str().unwrap().to_string(),
    ];
    second.sort();
    assert_eq!(
        second,
        ["**Bold** reply number 2.", "Turn 2: you said And again?"]
    );
    assert_eq!(seen.lock().unwrap().message_counts[2..], [3, 3]);
    // A follow-up needs the token.
    assert_eq!(
        t.post(
            &format!("/api/battles/{id}/turns"),
            json!({"prompt": "x", "vote_token": "0"}),
            Some(&me)
        )
        .await
        .status,
        403
    );
    let v = t.vote(&id, &token, "model_b", &me).await;
    assert_eq!(v.status, 200);
    assert!(names.contains(&v.json()["model_a"].as_str().unwrap()));
    let rec = t.state.store.battle(&id).await.unwrap().unwrap();
    assert_eq!(rec.turns, 2);
    assert!(rec.conv_metadata.contains("\"bold_count_a\""));

    // 2. Admin endpoints need the token.
    assert_eq!(t.get("/api/admin/models", None).await.status, 401);
    let wrong = t
        .http
        .get(format!("{}/api/admin/models", t.base))
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    // The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
    for (header, status) in [
        (format!("bearer {ADMIN}"), 200),
        (format!("BEARER {ADMIN}"), 200),
        (format!("Basic {ADMIN}"), 401),
        (format!("Bearer {}", ADMIN.to_uppercase()), 401),
    ] {
        let resp = t
            .http
            .get(format!("{}/api/admin/models", t.base))
            .header("authorization", &header)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), status, "{header}");
    }
    let admin = |method: &str, path: &str, body: Option<Value>| {
        let url = format!("{}{path}", t.base);
        let mut r = if method == "GET" {
            t.http.get(url)
        } else {
            t.http.post(url)
        };
        r = r.header("authorization", format!("Bearer {ADMIN}"));
        if let Some(b) = body {
            r = r.body(b.to_string());
        }
        async move {
            let resp = r.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (code, listing) = admin("GET", "/api/admin/models", None).await;
    assert_eq!(code, 200);
    assert!(listing.contains("VERSUS_TEST_OPENAI_KEY") && !listing.contains(KEY));

    // 3. A failing backend ends the battle cleanly: no names shown, the cause logged without the key.
    let broken = json!({"name": "live-broken", "backend": "openai", "base_url": url, "model": "fails-500", "api_key_env": "VERSUS_TEST_OPENAI_KEY"});
    assert_eq!(
        admin("POST", "/api/admin/models", Some(broken)).await.0,
        200
    );
    assert_eq!(
        admin("POST", "/api/admin/models/live-two/disable", None)
            .await
            .0,
        200
    );
    assert_eq!(
        admin("POST", "/api/admin/models/no-such/disable", None)
            .await
            .0,
        404
    );
    let (id2, token2) = t.battle(json!({"prompt": "Will this fail?"}), &me).await;
    let j = t.wait_settled(&id2, &me).await;
    assert_eq!(j["status"], "failed");
    assert!(j["error"].as_str().unwrap().contains("could not answer"));
    no_names(&j.to_string(), "failed battle");
    let stream = t.stream_text(&id2).await;
    assert!(stream.contains("event: failed"));
    no_names(&stream, "failed stream");
    no_names(
        &t.get(&format!("/battle/{id2}"), Some(&me)).await.text,
        "failed page",
    );
    assert_eq!(t.vote(&id2, &token2, "tie", &me).await.status, 409);
    let log = logs();
    assert!(
        log.contains("HTTP 500") && log.contains("live-broken"),
        "the operator sees which model failed:\n{log}"
    );

    // A stream that ends without [DONE] or finish_reason is an error too.
    let truncated = json!({"name": "live-truncated", "backend": "openai", "base_url": url, "model": "dies-midstream"});
    assert_eq!(
        admin("POST", "/api/admin/models", Some(truncated)).await.0,
        200
    );
    assert_eq!(
        admin("POST", "/api/admin/models/live-broken/disable", None)
            .await
            .0,
        200
    );
    let (id3, _) = t.battle(json!({"prompt": "Will this be cut?"}), &me).await;
    assert_eq!(t.wait_settled(&id3, &me).await["status"], "failed");
    assert!(logs().contains("ended before the answer was finished"));
    // Admin changes persist in the database.
    assert_eq!(t.state.store.models().await.unwrap().len(), 3);

    // 4. The key appears nowhere: logs, pages, API answers, exports.
    let (code, export) = admin("GET", "/api/admin/export?format=json", None).await;
    assert_eq!(code, 200);
    assert!(export.contains(&id));
    let (_, csv) = admin("GET", "/api/admin/export?format=csv", None).await;
    let mut everything = vec![logs(), export, csv, listing];
    for path in [
        "/",
        "/leaderboard",
        "/api/models",
        &format!("/battle/{id}"),
        &format!("/api/battles/{id}"),
        &format!("/api/battles/{id2}"),
    ] {
        everything.push(t.get(path, Some(&me)).await.text);
    }
    for text in &everything {
        assert!(!text.contains(KEY), "the API key leaked:\n{text}");
        assert!(
            !text.contains(&KEY[8..24]),
            "part of the API key leaked:\n{text}"
        );
        assert!(!text.contains(ADMIN), "the admin token leaked:\n{text}");
    }
    assert!(
        logs().contains("[redacted]"),
        "the echoed key was redacted:\n{}",
        logs()
    );

    // 5. The admin API cannot send a server secret anywhere the config file did not approve.
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_url = format!("http://{}/v1", trap.local_addr().unwrap());
    let knocks = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = knocks.clone();
    tokio::spawn(async move {
        while trap.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let stored_before = t.state.store.models().await.unwrap().len();
    for (name, base_url, env, why) in [
        (
            "exfil-admin",
            &trap_url,
            "VERSUS_TEST_ADMIN_TOKEN",
            "the admin token's variable is never sent",
        ),
        (
            "exfil-default-admin",
            &trap_url,
            "VERSUS_ADMIN_TOKEN",
            "allowed_key_envs",
        ),
        ("exfil-path", &url, "PATH", "allowed_key_envs"),
        (
            "exfil-url",
            &trap_url,
            "VERSUS_TEST_OPENAI_KEY",
            "allowed_base_urls",
        ),
    ] {
        let body = json!({"name": name, "backend": "openai", "base_url": base_url, "model": "good-a", "api_key_env": env});
        let (code, text) = admin("POST", "/api/admin/models", Some(body)).await;
        assert_eq!(code, 400, "{name}: {text}");
        assert!(text.contains(why), "{name}: {text}");
        assert!(!text.contains(ADMIN) && !text.contains(KEY), "{text}");
    }
    // Nothing was stored or enabled: battles go on between the approved models only.
    assert_eq!(t.state.store.models().await.unwrap().len(), stored_before);
    for k in 0..4 {
        let (id, _) = t.battle(json!({"prompt": format!("Trap {k}?")}), &me).await;
        t.wait_settled(&id, &me).await;
    }
    assert_eq!(
        knocks.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the trap endpoint was contacted"
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
}
