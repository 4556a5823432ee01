//! Abuse an outside tester tried (issue 9): limits dodged with made-up cookies or forwarded
//! headers, cross-site posts, oversized or trickled requests, connections held open.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Starts `n` battles, each with the headers `headers(k)`; returns how many were accepted and
/// the cookies the server issued.
async fn create_many(
    t: &TestArena,
    n: usize,
    headers: impl Fn(usize) -> Vec<(&'static str, String)>,
) -> (usize, Vec<String>) {
    let mut accepted = 0;
    let mut issued = Vec::new();
    for k in 0..n {
        let mut r = t
            .http
            .post(format!("{}/api/battles", t.base))
            .header("content-type", "application/json")
            .body("{}");
        for (name, value) in headers(k) {
            r = r.header(name, value);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        if let Some(c) = resp.headers().get("set-cookie") {
            let c = c.to_str().unwrap();
            let value = c
                .split(';')
                .next()
                .unwrap()
                .trim_start_matches("versus_voter=");
            issued.push(value.to_string());
        }
        let body = resp.text().await.unwrap();
        match status {
            201 => accepted += 1,
            429 => assert!(body.contains("retry_after_secs"), "{body}"),
            other => panic!("battle {k}: HTTP {other}: {body}"),
        }
    }
    (accepted, issued)
}

/// Limits with no refill to speak of during a test: a burst of 10 battles per voter, 50 per
/// address.
const TIGHT: &str = "battles_per_minute = 0.001\nbattle_burst = 10\nip_votes_per_minute = 0.001\nip_vote_burst = 50";

#[tokio::test]
async fn made_up_cookies_gain_nothing_over_the_address_budget() {
    let t = start("abuse-cookies", None, TIGHT).await;
    // 500 battles, each with a fresh made-up cookie (bare ids, and ids with a forged tag).
    let (accepted, issued) = create_many(&t, 500, |k| {
        let forged = if k % 2 == 0 {
            format!("{k:032x}")
        } else {
            format!("{k:032x}.{:032x}", k * 7)
        };
        vec![("cookie", format!("versus_voter={forged}"))]
    })
    .await;
    assert_eq!(
        accepted, 10,
        "a made-up cookie counts as none: one voter's burst from this address"
    );
    // Each request without a valid cookie is offered a new, signed one.
    assert_eq!(issued.len(), 500);
    assert!(
        issued
            .iter()
            .all(|c| c.len() == 65 && c.as_bytes()[32] == b'.')
    );

    // Real cookies the server issued, one per request: each voter has its own burst, but the
    // address's budget (50) backs them all.
    let cookies: Vec<String> = issued.into_iter().take(20).collect();
    let (more, _) = create_many(&t, 200, |k| {
        vec![("cookie", format!("versus_voter={}", cookies[k % 20]))]
    })
    .await;
    assert_eq!(accepted + more, 50, "the address's burst is the ceiling");
}

#[tokio::test]
async fn forwarded_headers_count_only_from_trusted_proxies() {
    // Behind one trusted proxy, which appends the address it saw (here always 127.0.0.1):
    // whatever the client writes further left changes nothing.
    let proxied = start("abuse-xff", None, &format!("{TIGHT}\ntrusted_proxies = 1")).await;
    let (accepted, _) = create_many(&proxied, 500, |k| {
        vec![
            (
                "x-forwarded-for",
                format!("10.{}.{}.{}, 127.0.0.1", k % 250, k / 250, k % 7),
            ),
            ("cookie", format!("versus_voter={k:032x}")),
        ]
    })
    .await;
    assert_eq!(accepted, 10, "one client's burst");
    // The proxy's own entry is read: 20 different clients are 20 voters.
    let (distinct, _) = create_many(&proxied, 20, |k| {
        vec![("x-forwarded-for", format!("6.6.6.6, 198.51.100.{k}"))]
    })
    .await;
    assert_eq!(distinct, 20);

    // Without trusted proxies (the default) the header is the client's word and ignored.
    let direct = start("abuse-direct", None, TIGHT).await;
    let (accepted, _) = create_many(&direct, 100, |k| {
        vec![("x-forwarded-for", format!("198.51.100.{k}"))]
    })
    .await;
    assert_eq!(accepted, 10);
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_proxy_saw_https() {
    let set_cookie = |t: &TestArena, proto: &'static str| {
        let r = t
            .http
            .get(format!("{}/", t.base))
            .header("x-forwarded-for", "203.0.113.7")
            .header("x-forwarded-proto", proto);
        async move {
            let resp = r.send().await.unwrap();
            resp.headers()["set-cookie"].to_str().unwrap().to_string()
        }
    };
    let proxied = start("abuse-secure", None, "trusted_proxies = 1").await;
    let https = set_cookie(&proxied, "https").await;
    assert!(
        https.ends_with("; Secure") && https.contains("HttpOnly"),
        "{https}"
    );
    assert!(!set_cookie(&proxied, "http").await.contains("Secure"));
    // A direct client cannot claim HTTPS.
    let direct = start("abuse-insecure", None, "").await;
    assert!(!set_cookie(&direct, "https").await.contains("Secure"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let t = start("abuse-csrf", None, "").await;
    let me = cookie(21);
    let post = |content_type: &'static str, extra: Option<(&'static str, &str)>| {
        let mut r = t
            .http
            .post(format!("{}/api/battles", t.base))
            .header("cookie", t.cookie_header(&me))
            .header("content-type", content_type)
            .body("{}");
        if let Some((k, v)) = extra {
            r = r.header(k, v);
        }
        async move {
            let resp = r.send().await.unwrap();
            let status = resp.status().as_u16();
            let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
            (status, ct, resp.text().await.unwrap())
        }
    };
    let host = t.base.trim_start_matches("http://").to_string();
    let (before, _) = t.state.store.counts().await.unwrap();
    // What an HTML form on another site can send.
    let (status, ct, body) = post("text/plain", None).await;
    assert_eq!((status, ct.as_str()), (415, "application/json"), "{body}");
    assert!(body.contains("application/json"), "{body}");
    assert_eq!(post("application/x-www-form-urlencoded", None).await.0, 415);
    // A cross-site fetch says where it comes from.
    assert_eq!(
        post("application/json", Some(("origin", "https://evil.example")))
            .await
            .0,
        403
    );
    assert_eq!(
        post("application/json", Some(("sec-fetch-site", "cross-site")))
            .await
            .0,
        403
    );
    assert_eq!(
        post("application/json", Some(("sec-fetch-site", "same-site")))
            .await
            .0,
        403
    );
    assert_eq!(
        post("application/json", Some(("origin", "null"))).await.0,
        403
    );
    let (after, _) = t.state.store.counts().await.unwrap();
    assert_eq!(after, before, "no refused request started a battle");
    // The arena's own pages: same origin.
    let origin = format!("http://{host}");
    assert_eq!(
        post("application/json", Some(("origin", &origin))).await.0,
        201
    );
    assert_eq!(
        post(
            "application/json; charset=utf-8",
            Some(("sec-fetch-site", "same-origin"))
        )
        .await
        .0,
        201
    );
}

#[tokio::test]
async fn oversized_and_trickled_bodies_get_json_errors() {
    let t = start(
        "abuse-body",
        None,
        "max_body_bytes = 2048\nbody_timeout_secs = 1",
    )
    .await;
    let big = json!({"prompt": "x".repeat(5000)}).to_string();
    let resp = t
        .http
        .post(format!("{}/api/battles", t.base))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let j: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(j["error"], "request body over 2048 bytes");
    // Without a Content-Length (chunked): counted while read.
    let stream = futures_util::stream::iter(
        big.into_bytes()
            .chunks(500)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let resp = t
        .http
        .post(format!("{}/api/battles", t.base))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);

    // A body that never finishes: 408 after body_timeout_secs.
    let addr = t.base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(
        format!("POST /api/battles HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"pro")
            .as_bytes(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut reply = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut reply))
        .await
        .expect("answered")
        .unwrap();
    let reply = String::from_utf8_lossy(&reply[..n]);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("took longer than 1 s"), "{reply}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Reads until the server closes the connection; how long that took (None: still open after
/// `limit`).
async fn closed_within(conn: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), conn.read(&mut buf))
            .await
        {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue, // a response (e.g. 408) before the close
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed() {
    let t = start("abuse-slow", None, "header_timeout_secs = 1").await;
    let addr = t.base.trim_start_matches("http://").to_string();
    // 50 clients that send part of their headers and then nothing.
    let mut conns = Vec::new();
    for _ in 0..50 {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        conns.push(c);
    }
    let waits = futures_util::future::join_all(
        conns
            .iter_mut()
            .map(|c| closed_within(c, Duration::from_secs(5))),
    )
    .await;
    let closed: Vec<Duration> = waits.iter().flatten().copied().collect();
    assert_eq!(
        closed.len(),
        50,
        "still open after 5 s: {}",
        50 - closed.len()
    );
    let slowest = closed.iter().max().unwrap();
    assert!(
        *slowest < Duration::from_millis(2500),
        "slowest close {slowest:?}"
    );

    // A kept-alive connection that goes quiet after its request is closed by the same clock.
    let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = c.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let idle = closed_within(&mut c, Duration::from_secs(5)).await;
    assert!(
        idle.is_some_and(|d| d < Duration::from_millis(2500)),
        "{idle:?}"
    );
}

#[tokio::test]
async fn connections_per_address_are_capped() {
    let t = start("abuse-conns", None, "max_connections_per_address = 5").await;
    let addr = t.base.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    // The sixth is closed at once, without a response.
    let mut sixth = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _ = sixth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), sixth.read(&mut buf))
        .await
        .expect("closed, not left waiting");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    // A place is given back when a connection closes.
    drop(held.pop());
    let started = Instant::now();
    loop {
        match t.http.get(format!("{}/healthz", t.base)).send().await {
            Ok(r) if r.status() == 200 => break,
            _ if started.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            other => panic!("no place given back: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_recorded_board_is_labelled_a_demo() {
    let t = start("abuse-demo", None, "").await;
    let me = cookie(22);
    for winner in ["model_a", "model_b", "tie"] {
        let (id, token) = t.battle(json!({}), &me).await;
        t.wait_settled(&id, &me).await;
        assert_eq!(t.vote(&id, &token, winner, &me).await.status, 200);
    }
    let r = t.get("/api/leaderboard", None).await;
    let j = r.json();
    assert_eq!(j["arena"]["demo"], true, "{}", r.text);
    assert!(
        j["arena"]["notice"]
            .as_str()
            .unwrap()
            .contains("public recorded answers")
    );
    let page = t.get("/leaderboard", None).await.text;
    assert!(
        page.contains("class=\"demo\"") && page.contains("Demo board"),
        "{page}"
    );
}
