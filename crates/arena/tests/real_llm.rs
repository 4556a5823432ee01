//! Opt-in: a battle between two different real (tiny) local models served by an
//! OpenAI-compatible server that offers both under the model ids `smollm2-135m` and
//! `gemma3-270m`. Set `VERSUS_REAL_LLM_URL` (e.g. `http://127.0.0.1:8011/v1`, as
//! `scripts/real-llm.sh test` does with llama-cpp-python serving SmolLM2-135M-Instruct and
//! Gemma 3 270M). Ignored by default; run with `--ignored` it fails, never skips, without the
//! variable. `.ci/run` sets up both models and runs it.

mod common;

use std::time::Instant;

use common::*;
use serde_json::json;

/// (arena name = the server's model id). Names chosen so that neither is a substring of the other.
const REAL_MODELS: [&str; 2] = ["smollm2-135m", "gemma3-270m"];

#[tokio::test]
#[ignore = "needs two real local models: scripts/real-llm.sh test (.ci/run runs it)"]
async fn a_battle_between_two_real_local_models() {
    let url = std::env::var("VERSUS_REAL_LLM_URL").expect(
        "set VERSUS_REAL_LLM_URL to an OpenAI-compatible server offering smollm2-135m and gemma3-270m (scripts/real-llm.sh test does)",
    );
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let url = url.trim_end_matches('/').to_string();
    versus_arena::state::install_crypto_provider();

    // llama-cpp-python answers an unknown model id with its first model, silently: make sure
    // the server really offers both, or the "battle" could be one model against itself.
    let listed = reqwest::get(format!("{url}/models"))
        .await
        .unwrap_or_else(|e| panic!("cannot reach {url}/models: {e}"));
    let listed = listed.text().await.unwrap();
    let listed: serde_json::Value = serde_json::from_str(&listed)
        .unwrap_or_else(|e| panic!("{url}/models is not JSON ({e}): {listed}"));
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|m| m["id"].as_str()).collect())
        .unwrap_or_default();
    for m in REAL_MODELS {
        assert!(
            ids.contains(&m),
            "the server at {url} does not offer the model {m} (it offers {ids:?}); scripts/real-llm.sh serves both"
        );
    }

    let dir = temp_dir("real-llm");
    let mut config = fixture_config(&dir, "")
        .split("\n\n[[recorded]]")
        .next()
        .unwrap()
        .to_string();
    for m in REAL_MODELS {
        config.push_str(&format!(
            "\n\n[[models]]\nname = \"{m}\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"{m}\"\ntemperature = 0.7\nmax_tokens = 48\ntimeout_secs = 120\nopen_weights = true\n"
        ));
    }
    let t = start("real-llm", Some(config), "").await;
    let me = cookie(1);
    let started = Instant::now();
    let (id, token) = t
        .battle(json!({"prompt": "Name three colours of the rainbow."}), &me)
        .await;
    let stream = t.stream_text(&id).await;
    let streamed = started.elapsed();
    assert!(stream.contains("event: delta"), "{stream}");
    let j = t.wait_settled(&id, &me).await;
    assert_eq!(j["complete"], true, "{j}");
    let (a, b) = (
        j["answers"]["a"].as_str().unwrap(),
        j["answers"]["b"].as_str().unwrap(),
    );
    assert!(
        !a.trim().is_empty() && !b.trim().is_empty(),
        "A: {a:?}\nB: {b:?}"
    );
    // Anonymous until the vote: neither name in the battle nor in its stream.
    for m in REAL_MODELS {
        assert!(
            !j.to_string().contains(m),
            "the battle names {m} before the vote: {j}"
        );
        assert!(!stream.contains(m), "the stream names {m} before the vote");
    }
    let v = t.vote(&id, &token, "tie", &me).await;
    assert_eq!(v.status, 200, "{}", v.text);
    let (model_a, model_b) = (
        v.json()["model_a"].as_str().unwrap().to_string(),
        v.json()["model_b"].as_str().unwrap().to_string(),
    );
    let mut revealed = [model_a.as_str(), model_b.as_str()];
    revealed.sort();
    let mut expected = REAL_MODELS;
    expected.sort();
    assert_eq!(
        revealed, expected,
        "the vote reveals the two different models"
    );
    eprintln!(
        "both answers streamed in {:.1} s (the server answers one request at a time)",
        streamed.as_secs_f64()
    );
    eprintln!("A = {model_a}:\n{a}\n\nB = {model_b}:\n{b}");
}
