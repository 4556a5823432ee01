//! The stop button's API: live answers from a slow in-test OpenAI-compatible endpoint are
//! stopped one side at a time; the vote waits until both have ended, then counts; the stopped
//! answers keep what was written. A model that fails ends the battle without a vote, with the
//! plain public message, and nothing is counted.

mod common;

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use serde_json::{Value, json};

/// Chunks of a slow answer: one every 50 ms, 400 in all (20 s unless stopped).
const SLOW_CHUNKS: usize = 400;

/// A fake OpenAI-compatible endpoint: `slow` streams [`SLOW_CHUNKS`] words slowly, `fails-500`
/// answers an error that a person must never see.
async fn completions(body: Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap();
    match req["model"].as_str().unwrap() {
        "slow" => {
            let chunks = futures_util::stream::unfold(0usize, |i| async move {
                if i > SLOW_CHUNKS {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let line = if i == SLOW_CHUNKS {
                    "data: [DONE]\n\n".to_string()
                } else {
                    format!(
                        "data: {}\n\n",
                        json!({"choices": [{"delta": {"content": format!("word{i} ")}}]})
                    )
                };
                Some((Ok::<_, Infallible>(line), i + 1))
            });
            (
                [("content-type", "text/event-stream")],
                Body::from_stream(chunks),
            )
                .into_response()
        }
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "{\"error\": \"upstream exploded: internal detail 0xdeadbeef\"}",
        )
            .into_response(),
    }
}

async fn fake_server() -> String {
    let app = axum::Router::new().route("/v1/chat/completions", axum::routing::post(completions));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Two live models on the fake endpoint (model ids `a` and `b`), nothing recorded.
fn live_config(dir: &std::path::Path, url: &str, a: &str, b: &str) -> String {
    format!(
        "{}\n\n[[models]]\nname = \"live-one\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"{a}\"\ntimeout_secs = 60\n\n\
         [[models]]\nname = \"live-two\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"{b}\"\ntimeout_secs = 60\n",
        fixture_config(dir, "board_min_votes = 1")
            .split("\n\n[[recorded]]")
            .next()
            .unwrap()
    )
}

async fn battle_json(arena: &TestArena, id: &str, voter: &str) -> Value {
    arena
        .get(&format!("/api/battles/{id}"), Some(voter))
        .await
        .json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_each_side_ends_the_answers_and_then_the_vote_counts() {
    let url = fake_server().await;
    let dir = temp_dir("stop-config");
    let arena = start("stop", Some(live_config(&dir, &url, "slow", "slow")), "").await;
    let voter = cookie(1);
    let started = Instant::now();
    let (id, token) = arena
        .battle(json!({"prompt": "Count slowly, please."}), &voter)
        .await;
    // Both answers have begun.
    loop {
        let j = battle_json(&arena, &id, &voter).await;
        if j["answers"]["a"].as_str().unwrap().contains("word2")
            && j["answers"]["b"].as_str().unwrap().contains("word2")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no answers: {j}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stop = |side: &'static str, token: String| {
        let arena = &arena;
        let id = id.clone();
        let voter = voter.clone();
        async move {
            arena
                .post(
                    &format!("/api/battles/{id}/stop"),
                    json!({"vote_token": token, "side": side}),
                    Some(&voter),
                )
                .await
        }
    };
    // Not yet: both are answering.
    assert_eq!(arena.vote(&id, &token, "model_a", &voter).await.status, 409);
    // Only the person who started it may stop it; the side must be a, b or both.
    assert_eq!(stop("a", "not-the-token".into()).await.status, 403);
    let r = stop("c", token.clone()).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("side must be"), "{}", r.text);
    // Stop A: B still answers, so no vote yet.
    let r = stop("a", token.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["stopped"], json!([true, false]));
    let a_then = battle_json(&arena, &id, &voter).await["answers"]["a"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let j = battle_json(&arena, &id, &voter).await;
    assert_eq!(j["status"], "generating", "{j}");
    assert_eq!(j["answers"]["a"], json!(a_then), "A went on after its stop");
    assert_eq!(j["stopped"], json!([true, false]));
    assert_eq!(arena.vote(&id, &token, "model_a", &voter).await.status, 409);
    // Stop B: both have ended, the battle is votable, each answer keeps what it had.
    assert_eq!(stop("b", token.clone()).await.status, 200);
    let j = arena.wait_settled(&id, &voter).await;
    assert_eq!(j["status"], "complete", "{j}");
    for side in ["a", "b"] {
        let text = j["answers"][side].as_str().unwrap();
        assert!(text.starts_with("word0 word1 word2"), "{side}: {text}");
        assert!(
            !text.contains(&format!("word{}", SLOW_CHUNKS - 1)),
            "{side} was not stopped"
        );
    }
    // Stopping an ended battle is refused.
    assert_eq!(stop("both", token.clone()).await.status, 409);
    let v = arena.vote(&id, &token, "model_b", &voter).await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.json()["counted"], true);
    // Well before the 20 s the answers would have taken.
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
    // Stored: the partial answers, which sides were stopped, the vote.
    let rec = arena.state.stored_battle(&id).await.unwrap().unwrap();
    let meta: Value = serde_json::from_str(&rec.conv_metadata).unwrap();
    assert_eq!(meta["stopped"], json!([true, true]));
    assert!(rec.conversation_a.contains("word2"));
    assert_eq!(rec.vote.unwrap().winner, "model_b");

    // "both" stops the two at once.
    let (id2, token2) = arena
        .battle(json!({"prompt": "Count slowly again."}), &voter)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = arena
        .post(
            &format!("/api/battles/{id2}/stop"),
            json!({"vote_token": token2}),
            Some(&voter),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["stopped"], json!([true, true]));
    let j = arena.wait_settled(&id2, &voter).await;
    assert_eq!(j["status"], "complete", "{j}");
    // The stream tells the page both ended and which were stopped.
    let events = arena.stream_text(&id2).await;
    assert!(
        events.contains("event: complete") && events.contains("\"stopped\":[true,true]"),
        "{events}"
    );
    // A follow-up turn after a stop answers afresh (the stop applied to its own turn only),
    // and can be stopped in turn.
    let r = arena
        .post(
            &format!("/api/battles/{id2}/turns"),
            json!({"prompt": "And again?", "vote_token": token2}),
            Some(&voter),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let started_turn = Instant::now();
    loop {
        let j = battle_json(&arena, &id2, &voter).await;
        assert_eq!(
            j["status"], "generating",
            "the follow-up ended at once: {j}"
        );
        if j["answers"]["a"].as_str().unwrap().contains("word2")
            && j["answers"]["b"].as_str().unwrap().contains("word2")
        {
            assert_eq!(j["stopped"], json!([false, false]));
            break;
        }
        assert!(started_turn.elapsed() < Duration::from_secs(15), "{j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = arena
        .post(
            &format!("/api/battles/{id2}/stop"),
            json!({"vote_token": token2, "side": "both"}),
            Some(&voter),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let j = arena.wait_settled(&id2, &voter).await;
    assert_eq!(j["turns"].as_array().unwrap().len(), 2, "{j}");
    assert_eq!(arena.vote(&id2, &token2, "tie", &voter).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_model_ends_the_battle_plainly_and_nothing_counts() {
    let url = fake_server().await;
    let dir = temp_dir("fail-config");
    let arena = start(
        "fail",
        Some(live_config(&dir, &url, "slow", "fails-500")),
        "",
    )
    .await;
    let voter = cookie(2);
    let (id, token) = arena
        .battle(json!({"prompt": "Say something."}), &voter)
        .await;
    let j = arena.wait_settled(&id, &voter).await;
    assert_eq!(j["status"], "failed", "{j}");
    // The public message, never the backend's words.
    assert_eq!(j["error"], versus_arena::state::PUBLIC_BACKEND_ERROR);
    let events = arena.stream_text(&id).await;
    assert!(events.contains("event: failed"), "{events}");
    for text in [j.to_string(), events] {
        assert!(
            !text.contains("0xdeadbeef") && !text.contains("exploded"),
            "{text}"
        );
    }
    // No vote, no stop, nothing counted.
    assert_eq!(arena.vote(&id, &token, "model_a", &voter).await.status, 409);
    let r = arena
        .post(
            &format!("/api/battles/{id}/stop"),
            json!({"vote_token": token}),
            Some(&voter),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let board = arena.get("/api/leaderboard", None).await;
    assert_eq!(board.status, 503, "{}", board.text);
    assert_eq!(board.json()["counted_votes"], 0);
    let rec = arena.state.stored_battle(&id).await.unwrap().unwrap();
    assert!(rec.vote.is_none());
    assert_eq!(rec.status, versus_store::BattleStatus::Failed);
}
