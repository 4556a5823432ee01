//! API tests of the arena: names stay hidden until the vote, one vote per battle, vote tokens,
//! rate limits, hostile answers escaped, admin token, identity words, leaderboard updates.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn names_never_leave_the_server_before_the_vote() {
    let t = start("names", None, "").await;
    let me = cookie(1);
    // Every kind of prompt: drawn by the server, chosen by id, typed verbatim.
    for body in [
        json!({}),
        json!({"prompt_id": 2}),
        json!({"prompt": "Question number 3: what is 3 plus 3?"}),
    ] {
        let r = t.post("/api/battles", body, Some(&me)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_no_names(&r.text, "POST /api/battles");
        let id = r.json()["id"].as_str().unwrap().to_string();
        let token = r.json()["vote_token"].as_str().unwrap().to_string();
        // While generating and after completion: JSON, stream, page. Each answer must be a
        // real one (200): an error page would hold no names trivially.
        let ok_text = |r: Reply, what: &str| {
            assert_eq!(r.status, 200, "{what}: {}", r.text);
            r.text
        };
        assert_no_names(
            &ok_text(
                t.get(&format!("/api/battles/{id}"), Some(&me)).await,
                "GET /api/battles/{id}",
            ),
            "GET /api/battles/{id}",
        );
        assert_no_names(
            &ok_text(
                t.get(&format!("/battle/{id}"), Some(&me)).await,
                "GET /battle/{id}",
            ),
            "GET /battle/{id}",
        );
        let j = t.wait_settled(&id, &me).await;
        assert_eq!(j["complete"], true);
        assert!(j.get("vote").is_none());
        assert_no_names(&j.to_string(), "GET /api/battles/{id} (complete)");
        assert_no_names(&t.stream_text(&id).await, "GET /api/battles/{id}/stream");
        assert_no_names(
            &ok_text(
                t.get(&format!("/battle/{id}"), None).await,
                "GET /battle/{id} (complete)",
            ),
            "GET /battle/{id} (complete)",
        );
        assert_no_names(&ok_text(t.get("/", Some(&me)).await, "GET /"), "GET /");
        // The vote reveals them, and from then on the battle shows them.
        let v = t.vote(&id, &token, "model_a", &me).await;
        assert_eq!(v.status, 200, "{}", v.text);
        let names = v.json();
        let (a, b) = (
            names["model_a"].as_str().unwrap().to_string(),
            names["model_b"].as_str().unwrap().to_string(),
        );
        assert!(MODELS.contains(&a.as_str()) && MODELS.contains(&b.as_str()) && a != b);
        let after = t.get(&format!("/api/battles/{id}"), Some(&me)).await.json();
        assert_eq!(after["vote"]["model_a"], a.as_str());
        assert!(
            t.get(&format!("/battle/{id}"), None)
                .await
                .text
                .contains(&a)
        );
    }
}

#[tokio::test]
async fn one_vote_per_battle_even_when_votes_race() {
    let t = start("onevote", None, "").await;
    let me = cookie(2);
    let (id, token) = t.battle(json!({}), &me).await;
    t.wait_settled(&id, &me).await;
    let mut tasks = Vec::new();
    for k in 0..12 {
        let (base, id, token, cookie) = (
            t.base.clone(),
            id.clone(),
            token.clone(),
            t.cookie_header(&me),
        );
        let winner = ["model_a", "model_b", "tie", "both_bad"][k % 4];
        tasks.push(tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(format!("{base}/api/battles/{id}/vote"))
                .header("cookie", cookie)
                .header("content-type", "application/json")
                .body(json!({"winner": winner, "vote_token": token}).to_string())
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|&&c| c == 200).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|&c| c == 200 || c == 409), "{codes:?}");
    assert_eq!(t.vote(&id, &token, "tie", &me).await.status, 409);
    let (battles, votes) = t.state.store.counts().await.unwrap();
    assert_eq!((battles, votes), (1, 1));
}

#[tokio::test]
async fn votes_need_the_battle_token_and_complete_answers() {
    let t = start("token", None, "stream_chunk_ms = 100").await;
    let me = cookie(3);
    let (id, token) = t.battle(json!({"prompt_id": 6}), &me).await;
    // Still streaming: too early.
    let early = t.vote(&id, &token, "model_a", &me).await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_no_names(&early.text, "early vote");
    // Wrong or missing tokens, bad winners, unknown battles.
    assert_eq!(
        t.vote(&id, "00000000000000000000000000000000", "model_a", &me)
            .await
            .status,
        403
    );
    assert_eq!(
        t.post(
            &format!("/api/battles/{id}/vote"),
            json!({"winner": "model_a"}),
            Some(&me)
        )
        .await
        .status,
        400
    );
    assert_eq!(t.vote(&id, &token, "model_c", &me).await.status, 400);
    assert_eq!(
        t.vote("ffffffffffffffffffffffffffffffff", &token, "tie", &me)
            .await
            .status,
        404
    );
    // Someone else viewing the battle is not given its token.
    let other = t
        .get(&format!("/api/battles/{id}"), Some(&cookie(99)))
        .await
        .json();
    // A real view of the battle (not an error body, which would lack the token trivially).
    assert_eq!(other["id"], id.as_str(), "{other}");
    assert!(other.get("vote_token").is_none());
    let mine = t.get(&format!("/api/battles/{id}"), Some(&me)).await.json();
    assert_eq!(mine["vote_token"], token.as_str());
    let done = t.wait_settled(&id, &me).await;
    assert_eq!(done["complete"], true);
    assert_eq!(
        t.vote(&id, "00000000000000000000000000000000", "model_a", &me)
            .await
            .status,
        403
    );
    assert_eq!(t.vote(&id, &token, "model_a", &me).await.status, 200);
}

#[tokio::test]
async fn votes_are_rate_limited_per_voter() {
    // A tight limit: a burst of 2, then one vote every 2 minutes.
    let t = start("ratelimit", None, "votes_per_minute = 0.5\nvote_burst = 2").await;
    let me = cookie(4);
    let mut codes = Vec::new();
    for _ in 0..3 {
        let (id, token) = t.battle(json!({}), &me).await;
        t.wait_settled(&id, &me).await;
        let r = t.vote(&id, &token, "tie", &me).await;
        if r.status == 429 {
            assert!(r.headers.get("retry-after").is_some());
            // The refused battle is still votable later and its names stay hidden.
            assert_no_names(&r.text, "429");
        }
        codes.push(r.status);
    }
    assert_eq!(codes, [200, 200, 429]);
    // Another voter is not affected.
    let other = cookie(5);
    let (id, token) = t.battle(json!({}), &other).await;
    t.wait_settled(&id, &other).await;
    assert_eq!(t.vote(&id, &token, "tie", &other).await.status, 200);
}

#[tokio::test]
async fn hostile_answers_are_escaped_everywhere() {
    let t = start("hostile", None, "").await;
    let me = cookie(6);
    let hostile_prompt = "<script>alert('prompt')</script>Question?";
    let (id, token) = t.battle(json!({"prompt_id": HOSTILE_PROMPT}), &me).await;
    t.wait_settled(&id, &me).await;
    let page = t.get(&format!("/battle/{id}"), Some(&me)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    // The answer is on the page, rendered as Markdown by versus-present's one renderer: raw
    // HTML in it is escaped text, no tag of it survives.
    assert!(
        page.text
            .contains("&lt;script&gt;alert(\"pwned\")&lt;/script&gt;"),
        "{}",
        page.text
    );
    assert!(page.text.contains("&lt;img src=x onerror=\"alert(1)\"&gt;"));
    assert!(page.text.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"));
    assert!(!page.text.contains("<script>alert"));
    assert!(!page.text.contains("<img"));
    assert!(!page.text.contains("<b>x</b>"));
    // The only script on any page is the static file.
    assert_eq!(page.text.matches("<script").count(), 1);
    assert!(
        page.text
            .contains("<script src=\"/static/arena.js\"></script>")
    );
    // JSON carries it as a string, with a JSON content type (not HTML).
    let api = t.get(&format!("/api/battles/{id}"), Some(&me)).await;
    assert!(
        api.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(api.json()["answers"]["a"], HOSTILE);
    // The stream sends each update rendered by the same renderer: no tag of the answer in it.
    let stream = t.stream_text(&id).await;
    let htmls: Vec<String> = stream
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d.trim()).ok())
        .filter_map(|v| v["html"].as_str().map(str::to_string))
        .collect();
    assert!(!htmls.is_empty(), "{stream}");
    for h in &htmls {
        assert!(
            !h.contains("<script")
                && !h.contains("<img")
                && !h.contains("<b>x")
                && !h.contains("href=\"javascript"),
            "{h}"
        );
    }
    // The last update is what the page shows.
    let last = htmls.last().unwrap();
    assert!(page.text.contains(last.as_str()), "{last}");
    // The script inserts markup in one place only: the server's rendering sent with each
    // streamed update.
    let js = t.get("/static/arena.js", None).await.text;
    assert_eq!(js.matches("innerHTML").count(), 1, "{js}");
    assert!(
        js.contains("box.innerHTML = html;")
            && js.contains("setAnswer(answerBox(d.side, d.turn), d.html)")
            && !js.contains("insertAdjacentHTML")
            && !js.contains("document.write")
    );
    // After the vote the page is still escaped; free prompts are refused by a recorded-only arena.
    assert_eq!(t.vote(&id, &token, "model_a", &me).await.status, 200);
    let voted = t.get(&format!("/battle/{id}"), Some(&me)).await.text;
    assert!(!voted.contains("<script>alert"));
    let r = t
        .post("/api/battles", json!({"prompt": hostile_prompt}), Some(&me))
        .await;
    assert_eq!(
        r.status, 422,
        "recorded-only arenas refuse free prompts: {}",
        r.text
    );
    let board = t.get("/leaderboard", None).await;
    assert_eq!(board.status, 200);
    assert!(!board.text.contains("<script>alert"));
}

#[tokio::test]
async fn admin_endpoints_need_the_token() {
    // No token variable set for this arena: admin is off.
    let t = start(
        "admin",
        None,
        "admin_token_env = \"VERSUS_TEST_ADMIN_TOKEN_NEVER_SET\"",
    )
    .await;
    let r = t.get("/api/admin/export", None).await;
    assert_eq!(r.status, 403);
    let r = t
        .post("/api/admin/models/alpha-model/disable", json!({}), None)
        .await;
    assert_eq!(r.status, 403);
    assert!(t.state.find_model("alpha-model").unwrap().is_enabled());
}

#[tokio::test]
async fn identity_words_keep_the_battle_but_not_on_the_leaderboard() {
    let t = start("identity", None, "").await;
    let me = cookie(7);
    let mut rx = t.state.leaderboard.subscribe();
    let (mut seen_named, mut anonymous) = (false, 0.0);
    for _ in 0..30 {
        let (id, token) = t.battle(json!({"prompt_id": 7}), &me).await;
        t.wait_settled(&id, &me).await;
        let v = t.vote(&id, &token, "tie", &me).await.json();
        let involves_alpha = v["model_a"] == "alpha-model" || v["model_b"] == "alpha-model";
        // alpha's answer to prompt 7 names OpenAI: the battle is stored, marked non-anonymous.
        assert_eq!(v["anonymous"], !involves_alpha, "{v}");
        let rec = t.state.store.battle(&id).await.unwrap().unwrap();
        assert_eq!(rec.anony, !involves_alpha);
        assert!(rec.vote.is_some());
        seen_named |= involves_alpha;
        if !involves_alpha {
            anonymous += 1.0;
        }
    }
    assert!(seen_named && anonymous > 0.0, "{anonymous} anonymous of 30");
    // The leaderboard counts the anonymous votes only: the named battles are kept off it.
    let mut board = serde_json::Value::Null;
    for _ in 0..200 {
        let r = t.get("/api/leaderboard", None).await;
        if r.status == 200 {
            board = r.json();
            if board["meta"]["battles"] == anonymous {
                break;
            }
        }
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), rx.changed()).await;
    }
    assert_eq!(
        board["meta"]["battles"], anonymous,
        "leaderboard counts named battles: {board}"
    );
}

#[tokio::test]
async fn the_leaderboard_follows_the_votes() {
    let t = start("board", None, "").await;
    let me = cookie(8);
    let before = t.get("/api/leaderboard", None).await;
    assert_eq!(before.status, 503);
    let mut rx = t.state.leaderboard.subscribe();
    let n = 36;
    for k in 0..n {
        let (id, token) = t.battle(json!({"prompt_id": k % 5}), &me).await;
        t.wait_settled(&id, &me).await;
        let winner = ["model_a", "model_b", "tie"][k as usize % 3];
        assert_eq!(t.vote(&id, &token, winner, &me).await.status, 200);
    }
    // Recomputed in the background; wait for it to catch up.
    let mut board = serde_json::Value::Null;
    for _ in 0..200 {
        let r = t.get("/api/leaderboard", None).await;
        if r.status == 200 && r.json()["meta"]["battles"] == n as f64 {
            board = r.json();
            break;
        }
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), rx.changed()).await;
    }
    assert_eq!(board["meta"]["battles"], n as f64, "{board}");
    assert_eq!(board["meta"]["method"], "style_control_bt");
    assert_eq!(board["models"].as_array().unwrap().len(), 3);
    let plain = t.get("/api/leaderboard?style=false", None).await.json();
    assert_eq!(plain["meta"]["method"], "bradley_terry");
    let page = t.get("/leaderboard", None).await.text;
    for m in MODELS {
        assert!(page.contains(m));
    }
    assert!(page.contains("<svg") && page.contains("Alpha Org"));
    let svg = t.get("/api/leaderboard.svg", None).await;
    assert!(
        svg.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    // Every model's battles add up to twice the votes.
    let total: f64 = board["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["battles"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 2.0 * n as f64);
}
