//! Opt-in: a battle between two real (tiny) local models served by an OpenAI-compatible
//! server. Set `VERSUS_REAL_LLM_URL` (e.g. `http://127.0.0.1:8011/v1`, as `scripts/real-llm.sh
//! test` does with llama-cpp-python and SmolLM2-135M); without it the test skips.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn a_battle_between_real_local_models() {
    let Ok(url) = std::env::var("VERSUS_REAL_LLM_URL") else {
        eprintln!("SKIPPED: set VERSUS_REAL_LLM_URL to an OpenAI-compatible server (scripts/real-llm.sh test) to run the real-model test");
        return;
    };
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let dir = temp_dir("real-llm");
    let config = format!(
        "{}\n\n[[models]]\nname = \"smol-cool\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"local\"\ntemperature = 0.2\nmax_tokens = 48\ntimeout_secs = 120\n\n\
         [[models]]\nname = \"smol-warm\"\nbackend = \"openai\"\nbase_url = \"{url}\"\nmodel = \"local\"\ntemperature = 0.9\nmax_tokens = 48\ntimeout_secs = 120\n",
        fixture_config(&dir, "").split("\n\n[[recorded]]").next().unwrap()
    );
    let t = start("real-llm", Some(config), "").await;
    let me = cookie(1);
    let (id, token) = t.battle(json!({"prompt": "Name three colours of the rainbow."}), &me).await;
    let stream = t.stream_text(&id).await;
    assert!(stream.contains("event: delta"), "{stream}");
    let j = t.wait_settled(&id, &me).await;
    assert_eq!(j["complete"], true, "{j}");
    let (a, b) = (j["answers"]["a"].as_str().unwrap(), j["answers"]["b"].as_str().unwrap());
    eprintln!("A: {a}\nB: {b}");
    assert!(!a.trim().is_empty() && !b.trim().is_empty());
    assert!(!j.to_string().contains("smol-"));
    let v = t.vote(&id, &token, "tie", &me).await;
    assert_eq!(v.status, 200);
    assert!(v.json()["model_a"].as_str().unwrap().starts_with("smol-"));
}
