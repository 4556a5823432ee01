//! The arena's error answers over HTTP: each status and `{"error": …}` body, exactly, so that
//! typed errors inside the crate keep the API the pages and scripts rely on.

mod common;

use common::*;
use serde_json::{Value, json};

const ADMIN: &str = "admin-token-for-error-tests-1a2b3c";

/// (status, the `error` field of the JSON body).
async fn error_of(
    t: &TestArena,
    method: &str,
    path: &str,
    body: &str,
    admin: bool,
) -> (u16, Value) {
    let url = format!("{}{path}", t.base);
    let mut r = if method == "GET" {
        t.http.get(url)
    } else {
        t.http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    r = r.header("cookie", t.cookie_header(&cookie(9)));
    if admin {
        r = r.header("authorization", format!("Bearer {ADMIN}"));
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let j: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, j["error"].clone())
}

#[test]
fn error_statuses_and_bodies() {
    // SAFETY: no other thread exists yet in this test binary (one test, no runtime started).
    unsafe { std::env::set_var("VERSUS_TEST_ERRORS_ADMIN_TOKEN", ADMIN) };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let t = start(
            "errors",
            None,
            "admin_token_env = \"VERSUS_TEST_ERRORS_ADMIN_TOKEN\"",
        )
        .await;
        let me = cookie(9);

        let (status, error) = error_of(&t, "POST", "/api/battles", "{nope", false).await;
        assert_eq!(status, 400);
        assert!(
            error.as_str().unwrap().starts_with("invalid JSON body: "),
            "{error}"
        );
        let cases = [
            (
                "POST",
                "/api/battles",
                json!({"prompt_id": 999}),
                400,
                "no bundled prompt has id 999",
            ),
            (
                "POST",
                "/api/battles",
                json!({"prompt": "   "}),
                400,
                "the prompt is empty",
            ),
            (
                "POST",
                "/api/battles",
                json!({"prompt": "Something no set has"}),
                422,
                "the models of this arena answer only their bundled prompts: ask for a prompt (POST without \"prompt\", or GET /api/prompt)",
            ),
            (
                "GET",
                "/api/battles/0123456789abcdef0123456789abcdef",
                Value::Null,
                404,
                "no such battle",
            ),
            (
                "POST",
                "/api/battles/0123456789abcdef0123456789abcdef/vote",
                json!({"winner": "tie", "vote_token": "x"}),
                404,
                "no such battle",
            ),
            (
                "POST",
                "/api/battles/0123456789abcdef0123456789abcdef/turns",
                json!({"prompt": "more", "vote_token": "x"}),
                409,
                "this battle can no longer be continued",
            ),
        ];
        for (method, path, body, want_status, want_error) in cases {
            let got = error_of(&t, method, path, &body.to_string(), false).await;
            assert_eq!(got, (want_status, json!(want_error)), "{method} {path} {body}");
        }

        // A battle: wrong token, unknown winner, follow-up of recorded models, a second vote.
        let (id, token) = t.battle(json!({"prompt_id": 1}), &me).await;
        t.wait_settled(&id, &me).await;
        let vote = format!("/api/battles/{id}/vote");
        let cases = [
            (
                json!({"winner": "tie", "vote_token": "wrong"}),
                403,
                "wrong vote token",
            ),
            (
                json!({"winner": "model_c", "vote_token": token}),
                400,
                "winner must be model_a, model_b, tie or both_bad",
            ),
        ];
        for (body, want_status, want_error) in cases {
            let got = error_of(&t, "POST", &vote, &body.to_string(), false).await;
            assert_eq!(got, (want_status, json!(want_error)), "{body}");
        }
        let turn = json!({"prompt": "and then?", "vote_token": token}).to_string();
        assert_eq!(
            error_of(&t, "POST", &format!("/api/battles/{id}/turns"), &turn, false).await,
            (
                409,
                json!("recorded models answer only their bundled prompt: vote, then start a new battle")
            )
        );
        assert_eq!(t.vote(&id, &token, "tie", &me).await.status, 200);
        let again = json!({"winner": "tie", "vote_token": token}).to_string();
        assert_eq!(
            error_of(&t, "POST", &vote, &again, false).await,
            (409, json!("this battle already has a vote"))
        );

        // Admin: an unknown model, a recorded model the set does not have, a bad config.
        assert_eq!(
            error_of(&t, "POST", "/api/admin/models/nobody/disable", "", true).await,
            (404, json!("no such model"))
        );
        let unknown = json!({"name": "nobody", "backend": "recorded", "set": "fixture"});
        assert_eq!(
            error_of(&t, "POST", "/api/admin/models", &unknown.to_string(), true).await,
            (
                400,
                json!("model \"nobody\": the recorded set \"fixture\" has no answers of \"nobody\"")
            )
        );
        let no_url = json!({"name": "live", "backend": "openai"});
        assert_eq!(
            error_of(&t, "POST", "/api/admin/models", &no_url.to_string(), true).await,
            (
                400,
                json!(
                    "model \"live\": base_url: expected an http:// or https:// URL (an openai backend needs one)"
                )
            )
        );
        assert_eq!(
            error_of(&t, "GET", "/api/admin/export?format=xml", "", true).await,
            (400, json!("format must be json, jsonl or csv"))
        );
    });
}
