//! Side by side ("named" mode): the person picks both models and sees their names from the
//! start; the votes are stored as named (not anonymous) and never reach the anonymous board,
//! while anonymous votes beside them do; the export marks them `anony: false`.

mod common;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn side_by_side_votes_are_stored_apart_and_never_on_the_anonymous_board() {
    let arena = start("named", None, "board_min_votes = 1").await;
    let voter = cookie(3);
    // Refused pairs: the same model twice, an unknown model.
    for models in [
        json!(["alpha-model", "alpha-model"]),
        json!(["alpha-model", "no-such-model"]),
    ] {
        let r = arena
            .post(
                "/api/battles",
                json!({"prompt_id": 1, "models": models}),
                Some(&voter),
            )
            .await;
        assert_eq!(r.status, 400, "{models}: {}", r.text);
        assert!(
            r.text
                .contains("side by side needs two different enabled models"),
            "{}",
            r.text
        );
    }
    // Named battles: the chosen models, in the chosen order, named from the start.
    let mut named_ids = Vec::new();
    for k in 0..6 {
        let (a, b) = if k % 2 == 0 {
            ("alpha-model", "beta-model")
        } else {
            ("gamma-model", "alpha-model")
        };
        let r = arena
            .post(
                "/api/battles",
                json!({"prompt_id": k % 5, "models": [a, b]}),
                Some(&voter),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let j = r.json();
        assert_eq!(j["mode"], "named");
        assert_eq!(j["models"], json!({"a": a, "b": b}));
        let (id, token) = (
            j["id"].as_str().unwrap().to_string(),
            j["vote_token"].as_str().unwrap().to_string(),
        );
        let view = arena.wait_settled(&id, &voter).await;
        assert_eq!(view["mode"], "named");
        assert_eq!(view["models"], json!({"a": a, "b": b}));
        let page = arena.get(&format!("/battle/{id}"), Some(&voter)).await.text;
        assert!(
            page.contains(a) && page.contains(b),
            "the page names the chosen models"
        );
        let v = arena.vote(&id, &token, "model_a", &voter).await;
        assert_eq!(v.status, 200, "{}", v.text);
        assert_eq!(v.json()["anonymous"], false);
        named_ids.push(id);
    }
    // No named vote counts: the anonymous board is still empty.
    let board = arena.get("/api/leaderboard", None).await;
    assert_eq!(board.status, 503, "{}", board.text);
    assert_eq!(board.json()["counted_votes"], 0);
    // Anonymous battles beside them count (and hide the names until the vote).
    let mut anonymous = 0;
    for k in 0..6 {
        let (id, token) = arena.battle(json!({"prompt_id": k % 5}), &voter).await;
        let view = arena.wait_settled(&id, &voter).await;
        assert_eq!(view["mode"], "anony");
        assert!(view.get("models").is_none(), "{view}");
        let v = arena
            .vote(&id, &token, ["model_a", "model_b"][k % 2], &voter)
            .await;
        assert_eq!(v.status, 200, "{}", v.text);
        anonymous += (v.json()["anonymous"] == true) as usize;
    }
    assert!(anonymous >= 1);
    let started = std::time::Instant::now();
    while arena.state.leaderboard.snapshot().counted != anonymous {
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Stored apart: mode named, not anonymous; exported with anony false.
    for id in &named_ids {
        let rec = arena.state.stored_battle(id).await.unwrap().unwrap();
        assert!(rec.named && !rec.anony, "{id}");
    }
    let records = arena.state.store.voted_battles().await.unwrap();
    let export =
        versus_arena::export::render(&records, versus_arena::export::ExportFormat::Jsonl).unwrap();
    let named_lines: Vec<&str> = export
        .lines()
        .filter(|l| named_ids.iter().any(|id| l.contains(id.as_str())))
        .collect();
    assert_eq!(named_lines.len(), named_ids.len());
    assert!(named_lines.iter().all(|l| l.contains("\"anony\":false")));
}
