//! HTTP routes: the JSON API (which the pages use too), server-sent events, admin endpoints.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use versus_present::Lang;
use versus_store::WriteRefusal;

use crate::client::{BoardQuery, Shared, board_snapshot, client, want_style, with_cookie};
use crate::config::ModelConfig;
use crate::export;
use crate::pages;
use crate::race_pages;
use crate::state::{
    AppState, Battle, FlowError, PUBLIC_BACKEND_ERROR, Phase, constant_time_eq, public_view,
    public_view_stored,
};

fn json_response(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// The HTTP status of a flow error.
fn error_status(e: &FlowError) -> StatusCode {
    use FlowError::*;
    match e {
        InvalidJson(_)
        | UnknownPromptId(_)
        | EmptyPrompt
        | PromptTooLong { .. }
        | NoBundledPrompts
        | UnknownWinner
        | UnknownSide
        | BadModelPair(_)
        | InvalidModel(_)
        | UnusableModel(_) => StatusCode::BAD_REQUEST,
        NoSuchBattle | NoSuchModel => StatusCode::NOT_FOUND,
        WrongVoteToken => StatusCode::FORBIDDEN,
        AlreadyVoted
        | NotVotable
        | AnswersIncomplete
        | NoAnswers
        | RecordedFollowUp
        | FollowUpNotReady
        | NotGenerating
        | TooManyTurns { .. }
        | NotContinuable => StatusCode::CONFLICT,
        TooFewModels | BundledPromptsOnly => StatusCode::UNPROCESSABLE_ENTITY,
        RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        // The database is down or restarting: nothing was recorded, the client may retry.
        Store { source, .. } if source.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        // Reachable but refusing writes: nothing was recorded; an operator must act.
        Store { source, .. } => match source.write_refusal() {
            Some(WriteRefusal::Full) => StatusCode::INSUFFICIENT_STORAGE,
            Some(WriteRefusal::ReadOnly) => StatusCode::SERVICE_UNAVAILABLE,
            None => StatusCode::INTERNAL_SERVER_ERROR,
        },
        Encode { .. } | Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Retry-After of a 503 while the database is unreachable (a restart takes seconds).
const UNAVAILABLE_RETRY_SECS: u64 = 2;

/// Retry-After of a 503/507 while the database refuses writes (read-only, full): an operator
/// has to act, so clients should not hammer it.
const REFUSED_RETRY_SECS: u64 = 60;

/// The answer when the database refuses a write because it is read-only or full: the
/// catalogue's message in the visitor's language (never the database's own words), a `reason`
/// for scripts, and one log line for the operator with the database's error.
fn refusal_response(e: &FlowError, refusal: WriteRefusal, lang: Lang) -> Response {
    let ui = lang.ui();
    let (status, reason, message, why) = match refusal {
        WriteRefusal::Full => (
            StatusCode::INSUFFICIENT_STORAGE,
            "database_full",
            ui.msg_db_full,
            "the database is full (disk full or its size limit reached)",
        ),
        WriteRefusal::ReadOnly => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database_read_only",
            ui.msg_db_read_only,
            "the database is read-only",
        ),
    };
    tracing::error!(
        "nothing recorded: {why}; votes cannot be stored until an operator fixes it ({e})"
    );
    let mut r = json_response(
        status,
        json!({"error": message, "reason": reason, "retry_after_secs": REFUSED_RETRY_SECS}),
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(REFUSED_RETRY_SECS));
    r
}

/// [`error_response`] in the visitor's language where the message comes from the catalogue.
fn error_response_for(e: FlowError, headers: &HeaderMap) -> Response {
    if let FlowError::Store { source, .. } = &e
        && let Some(refusal) = source.write_refusal()
    {
        return refusal_response(&e, refusal, crate::pages::page_lang(headers));
    }
    error_response(e)
}

/// `{"error": message}` with the error's status; the server's own failures are logged and
/// answered with a generic message.
fn error_response(e: FlowError) -> Response {
    if let FlowError::Store { source, .. } = &e
        && let Some(refusal) = source.write_refusal()
    {
        return refusal_response(&e, refusal, Lang::En);
    }
    if let FlowError::RateLimited(wait) = e {
        let mut r = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": e.to_string(), "retry_after_secs": wait.as_secs_f64()}),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let status = error_status(&e);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        tracing::warn!("database unavailable: {e}");
        let mut r = json_response(
            status,
            json!({"error": "the database is unavailable; try again shortly", "retry_after_secs": UNAVAILABLE_RETRY_SECS}),
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(UNAVAILABLE_RETRY_SECS),
        );
        return r;
    }
    let msg = if status.is_server_error() {
        tracing::error!("internal error: {e}");
        "internal error".to_string()
    } else {
        e.to_string()
    };
    json_response(status, json!({"error": msg}))
}

fn parse_json<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, FlowError> {
    let body: &[u8] = if body.iter().all(|b| b.is_ascii_whitespace()) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(FlowError::InvalidJson)
}

/// Security headers on every response: no sniffing, no framing, and a Content-Security-Policy
/// that allows only this server's own scripts and styles (no inline script can run even if
/// some text escaped escaping).
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The media type of a request, without parameters (`application/json; charset=utf-8` →
/// `application/json`).
fn media_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
}

/// Why a state-changing request that a browser may have sent from another site is refused
/// (CSRF): a form cannot send `Content-Type: application/json`, and a cross-site `fetch`
/// gives itself away by `Origin` or `Sec-Fetch-Site`. Admin routes need a Bearer token,
/// which a browser never adds on its own, so they are not checked here.
fn cross_site_refusal(headers: &HeaderMap) -> Option<(StatusCode, &'static str)> {
    if !media_type(headers).is_some_and(|t| t.eq_ignore_ascii_case("application/json")) {
        return Some((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected Content-Type: application/json",
        ));
    }
    let refused = (
        StatusCode::FORBIDDEN,
        "cross-site request refused: send it from this arena's own pages",
    );
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: typed by the user; anything else but same-origin came from another page.
        if !(site == "same-origin" || site == "none") {
            return Some(refused);
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let authority = origin.to_str().ok().and_then(|o| {
            o.strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
        });
        if !matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h)) {
            return Some(refused);
        }
    }
    None
}

/// Reads the whole request body under the configured size limit and time limit (a client
/// that trickles a body cannot hold a handler), refuses cross-site state changes, and answers
/// every refusal as the API's JSON error.
async fn guard_request(
    State(state): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use futures_util::StreamExt;
    let refuse =
        |status: StatusCode, message: String| json_response(status, json!({"error": message}));
    let (parts, body) = request.into_parts();
    if parts.method == axum::http::Method::POST
        && !parts.uri.path().starts_with("/api/admin/")
        && let Some((status, message)) = cross_site_refusal(&parts.headers)
    {
        return refuse(status, message.to_string());
    }
    let s = &state.settings;
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body over {} bytes", s.max_body_bytes),
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > s.max_body_bytes as u64) {
        return too_large();
    }
    let read = async {
        let mut stream = body.into_data_stream();
        let mut buf = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| None)?;
            if buf.len() + chunk.len() > s.max_body_bytes {
                return Err(Some(()));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf)
    };
    let timeout = std::time::Duration::from_secs(s.body_timeout_secs);
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(buf)) => {
            let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(buf));
            next.run(request).await
        }
        Ok(Err(Some(()))) => too_large(),
        Ok(Err(None)) => refuse(
            StatusCode::BAD_REQUEST,
            "the request body could not be read".into(),
        ),
        Err(_) => refuse(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body took longer than {} s",
                s.body_timeout_secs
            ),
        ),
    }
}

/// All routes.
pub fn router(state: Shared) -> Router {
    let body_limit = state.settings.max_body_bytes;
    Router::new()
        .route("/", get(pages::index))
        .route("/battle/{id}", get(pages::battle_page))
        .route("/leaderboard", get(pages::leaderboard_page))
        .route("/race", get(race_pages::gap_page))
        .route("/value", get(race_pages::value_page))
        .route("/compute", get(race_pages::compute_page))
        .route("/audit", get(race_pages::audit_page))
        .route("/static/arena.js", get(pages::script))
        .route("/static/board.js", get(pages::board_script))
        .route("/static/arena.css", get(pages::stylesheet))
        .route("/static/favicon.svg", get(pages::favicon))
        .route("/favicon.ico", get(pages::favicon))
        .route("/lang/{tag}", get(pages::set_language))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/prompt", get(api_prompt))
        .route("/api/battles", post(create_battle))
        .route("/api/battles/{id}", get(get_battle))
        .route("/api/battles/{id}/stream", get(stream_battle))
        .route("/api/battles/{id}/vote", post(vote))
        .route("/api/battles/{id}/turns", post(follow_up))
        .route("/api/battles/{id}/stop", post(stop))
        .route("/api/leaderboard", get(api_leaderboard))
        .route("/api/leaderboard.svg", get(api_leaderboard_svg))
        .route("/api/models", get(api_models))
        .route("/api/race/gap", get(race_pages::api_gap))
        .route("/api/race/value", get(race_pages::api_value))
        .route("/api/race/compute", get(race_pages::api_compute))
        .route("/api/race/audit", get(race_pages::api_audit))
        .route("/api/admin/models", get(admin_models).post(admin_put_model))
        .route("/api/admin/models/{name}/enable", post(admin_enable))
        .route("/api/admin/models/{name}/disable", post(admin_disable))
        .route("/api/admin/export", get(admin_export))
        // The guard has read the body already under its own limit.
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard_request,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn api_prompt(State(state): State<Shared>) -> Response {
    match state.random_prompt() {
        Some((set, id, text)) => json_response(
            StatusCode::OK,
            json!({"set": set, "prompt_id": id, "prompt": text}),
        ),
        None => json_response(
            StatusCode::NOT_FOUND,
            json!({"error": "this arena has no bundled prompts"}),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    prompt_id: Option<i64>,
    /// Side by side: the two models, A then B (absent: an anonymous battle).
    #[serde(default)]
    models: Option<[String; 2]>,
}

async fn create_battle(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = client(&state, &headers, addr, true);
    let body: CreateBody = match parse_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(e),
    };
    match state
        .start_battle(
            &who.voter,
            who.limit_key(),
            &who.ip_key,
            body.prompt,
            body.prompt_id,
            body.models,
        )
        .await
    {
        Ok(battle) => {
            let inner = battle.lock();
            let mut v = json!({
                "mode": if battle.named { "named" } else { "anony" },
                "id": battle.id,
                "vote_token": battle.vote_token,
                "prompt": inner.prompts[0],
                "prompt_id": battle.prompt_id,
                "followups": battle.followups_allowed(),
                "stream": format!("/api/battles/{}/stream", battle.id),
            });
            drop(inner);
            if battle.named {
                v["models"] = json!({"a": battle.models[0].name(), "b": battle.models[1].name()});
            }
            with_cookie(json_response(StatusCode::CREATED, v), &who)
        }
        Err(e) => with_cookie(error_response(e), &who),
    }
}

async fn get_battle(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = client(&state, &headers, addr, false);
    if let Some(b) = state.battle(&id) {
        state.settle_from_store(&b).await;
        let owner = constant_time_eq(who.voter.as_bytes(), b.owner.as_bytes());
        return json_response(StatusCode::OK, public_view(&b, owner));
    }
    match state.stored_battle(&id).await {
        Ok(Some(rec)) => {
            let owner = constant_time_eq(who.voter.as_bytes(), rec.voter.as_bytes());
            json_response(StatusCode::OK, public_view_stored(&rec, owner))
        }
        Ok(None) => error_response(FlowError::NoSuchBattle),
        Err(e) => error_response(e),
    }
}

/// Per-connection progress of a stream.
struct StreamState {
    battle: Arc<Battle>,
    rx: tokio::sync::watch::Receiver<u64>,
    sent_turns: usize,
    offsets: [Vec<usize>; 2],
    queue: VecDeque<Event>,
    started: bool,
    finished: bool,
}

fn event(name: &str, data: serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

impl StreamState {
    /// Queues everything new since the last call; true once the battle is settled.
    fn collect(&mut self) -> bool {
        let inner = self.battle.lock();
        if !self.started {
            self.started = true;
            self.queue
                .push_back(event("reset", json!({"turns": inner.prompts.len()})));
        }
        while self.sent_turns < inner.prompts.len() {
            let t = self.sent_turns;
            self.queue.push_back(event(
                "turn",
                json!({"turn": t, "prompt": inner.prompts[t]}),
            ));
            self.offsets[0].push(0);
            self.offsets[1].push(0);
            self.sent_turns += 1;
        }
        for side in 0..2 {
            for t in 0..inner.prompts.len() {
                let text = &inner.answers[side][t];
                let off = self.offsets[side][t];
                if text.len() > off {
                    let label = if side == 0 { "a" } else { "b" };
                    // `html`: the whole answer so far through the pages' one renderer.
                    self.queue.push_back(event(
                        "delta",
                        json!({"side": label, "turn": t, "text": &text[off..], "html": pages::answer_html(text)}),
                    ));
                    self.offsets[side][t] = text.len();
                }
            }
        }
        match &inner.phase {
            Phase::Generating => false,
            Phase::Complete | Phase::Voting => {
                self.queue.push_back(event("complete", json!({"turns": inner.prompts.len(), "followups": self.battle.followups_allowed(), "stopped": inner.stopped_now})));
                true
            }
            Phase::Voted { .. } => {
                self.queue.push_back(event("voted", json!({})));
                true
            }
            Phase::Failed => {
                self.queue
                    .push_back(event("failed", json!({"message": PUBLIC_BACKEND_ERROR})));
                true
            }
        }
    }
}

async fn stream_battle(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let battle = match state.battle(&id) {
        Some(b) => b,
        None => {
            // Not in memory: a settled battle; send it whole and finish.
            return match state.stored_battle(&id).await {
                Ok(Some(rec)) => {
                    let v = public_view_stored(&rec, false);
                    let mut events: Vec<Result<Event, Infallible>> =
                        vec![Ok(event("reset", json!({})))];
                    if let Some(turns) = v["turns"].as_array() {
                        for (t, turn) in turns.iter().enumerate() {
                            events.push(Ok(event(
                                "turn",
                                json!({"turn": t, "prompt": turn["prompt"]}),
                            )));
                            let text = turn["a"].as_str().unwrap_or("");
                            events.push(Ok(event(
                                "delta",
                                json!({"side": "a", "turn": t, "text": text, "html": pages::answer_html(text)}),
                            )));
                            let text = turn["b"].as_str().unwrap_or("");
                            events.push(Ok(event(
                                "delta",
                                json!({"side": "b", "turn": t, "text": text, "html": pages::answer_html(text)}),
                            )));
                        }
                    }
                    let last = match v["status"].as_str() {
                        Some("voted") => event("voted", json!({})),
                        Some("complete") => event(
                            "complete",
                            json!({"turns": v["turns"].as_array().map_or(1, Vec::len), "followups": false}),
                        ),
                        _ => event("failed", json!({"message": PUBLIC_BACKEND_ERROR})),
                    };
                    events.push(Ok(last));
                    Sse::new(futures_util::stream::iter(events)).into_response()
                }
                Ok(None) => error_response(FlowError::NoSuchBattle),
                Err(e) => error_response(e),
            };
        }
    };
    let rx = battle.changed.subscribe();
    let st = StreamState {
        battle,
        rx,
        sent_turns: 0,
        offsets: [Vec::new(), Vec::new()],
        queue: VecDeque::new(),
        started: false,
        finished: false,
    };
    let stream = futures_util::stream::unfold(st, |mut st| async move {
        loop {
            if let Some(e) = st.queue.pop_front() {
                return Some((Ok::<Event, Infallible>(e), st));
            }
            if st.finished {
                return None;
            }
            // Mark the current version seen before reading, so no change is missed.
            st.rx.borrow_and_update();
            if st.collect() {
                st.finished = true;
                continue;
            }
            if !st.queue.is_empty() {
                continue;
            }
            if st.rx.changed().await.is_err() {
                return None;
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    winner: String,
    vote_token: String,
}

async fn vote(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let who = client(&state, &headers, addr, false);
    let body: VoteBody = match parse_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(e),
    };
    match state
        .vote(&id, &body.vote_token, &body.winner, &who.voter, &who.ip_key)
        .await
    {
        Ok(r) => json_response(StatusCode::OK, serde_json::to_value(&r).unwrap_or_default()),
        Err(e) => error_response_for(e, &headers),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StopBody {
    vote_token: String,
    /// "a", "b" or "both" (the default).
    #[serde(default)]
    side: Option<String>,
}

/// `POST /api/battles/{id}/stop`: stops one or both answers while they stream.
async fn stop(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body: StopBody = match parse_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(e),
    };
    let sides: &[usize] = match body.side.as_deref().unwrap_or("both") {
        "a" => &[0],
        "b" => &[1],
        "both" => &[0, 1],
        _ => return error_response(FlowError::UnknownSide),
    };
    // Not in memory: the battle ended long ago (or the server restarted).
    let Some(battle) = state.battle(&id) else {
        return match state.stored_battle(&id).await {
            Ok(Some(_)) => error_response(FlowError::NotGenerating),
            Ok(None) => error_response(FlowError::NoSuchBattle),
            Err(e) => error_response(e),
        };
    };
    match state.stop(&battle, &body.vote_token, sides) {
        Ok(()) => {
            let stopped = battle.lock().stopped_now;
            json_response(StatusCode::OK, json!({ "stopped": stopped }))
        }
        Err(e) => error_response(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TurnBody {
    prompt: String,
    vote_token: String,
}

async fn follow_up(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body: TurnBody = match parse_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(e),
    };
    let Some(battle) = state.battle(&id) else {
        return error_response(FlowError::NotContinuable);
    };
    match state
        .follow_up(&battle, &body.vote_token, body.prompt)
        .await
    {
        Ok(turn) => json_response(
            StatusCode::OK,
            json!({"turn": turn, "stream": format!("/api/battles/{id}/stream")}),
        ),
        Err(e) => error_response(e),
    }
}

async fn api_leaderboard(State(state): State<Shared>, Query(q): Query<BoardQuery>) -> Response {
    let snap = match board_snapshot(&state, q.category.as_deref()).await {
        Ok((_, snap)) => snap,
        Err(e) => return json_response(StatusCode::BAD_REQUEST, json!({ "error": e })),
    };
    let demo = state.demo_notice();
    match snap.board(want_style(&state, &q.style)) {
        Ok(b) if demo.is_none() => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            b.json.clone(),
        )
            .into_response(),
        Ok(b) => {
            // The report as `versus rank` writes it, plus the arena's label.
            let mut v: serde_json::Value = serde_json::from_str(&b.json).unwrap_or_default();
            if let Some(map) = v.as_object_mut() {
                map.insert("arena".into(), json!({"demo": true, "notice": demo}));
            }
            json_response(StatusCode::OK, v)
        }
        Err(msg) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": format!("no leaderboard yet: {msg}"), "counted_votes": snap.counted, "arena": {"demo": demo.is_some(), "notice": demo}}),
        ),
    }
}

async fn api_leaderboard_svg(State(state): State<Shared>, Query(q): Query<BoardQuery>) -> Response {
    let snap = match board_snapshot(&state, q.category.as_deref()).await {
        Ok((_, snap)) => snap,
        Err(e) => return json_response(StatusCode::BAD_REQUEST, json!({ "error": e })),
    };
    match snap.board(want_style(&state, &q.style)) {
        Ok(b) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "image/svg+xml")],
            b.svg.clone(),
        )
            .into_response(),
        Err(msg) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": format!("no leaderboard yet: {msg}")}),
        ),
    }
}

fn model_json(m: &crate::state::ModelEntry, admin: bool) -> serde_json::Value {
    let c = &m.config;
    let mut v = json!({
        "name": c.name,
        "backend": c.backend,
        "enabled": m.is_enabled(),
        "organization": c.organization,
        "country": c.country,
        "license": c.license,
        "open_weights": c.open_weights,
        "release_date": c.release_date,
        "input_price": c.input_price,
        "output_price": c.output_price,
    });
    if admin {
        // The variable's name only, never its value.
        v["base_url"] = json!(c.base_url);
        v["model"] = json!(c.model);
        v["api_key_env"] = json!(c.api_key_env);
        v["set"] = json!(c.set);
    }
    v
}

async fn api_models(State(state): State<Shared>) -> Response {
    let list: Vec<serde_json::Value> = state
        .model_list()
        .iter()
        .filter(|m| m.is_enabled())
        .map(|m| model_json(m, false))
        .collect();
    json_response(StatusCode::OK, json!({"models": list}))
}

/// Admin endpoints need `Authorization: Bearer <token>` (the scheme in any case, RFC 9110
/// §11.1) with the token from the environment variable named by `arena.admin_token_env`,
/// compared in constant time.
#[allow(clippy::result_large_err)]
fn check_admin(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(expected) = &state.admin_token else {
        return Err(json_response(
            StatusCode::FORBIDDEN,
            json!({"error": "admin endpoints are off: set the admin token's environment variable"}),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token);
    if constant_time_eq(given.trim().as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error": "admin token required"}),
        ))
    }
}

async fn admin_models(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = check_admin(&state, &headers) {
        return r;
    }
    let list: Vec<serde_json::Value> = state
        .model_list()
        .iter()
        .map(|m| model_json(m, true))
        .collect();
    json_response(StatusCode::OK, json!({"models": list}))
}

async fn admin_put_model(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check_admin(&state, &headers) {
        return r;
    }
    let config: ModelConfig = match parse_json(&body) {
        Ok(c) => c,
        Err(e) => return error_response(e),
    };
    let name = config.name.clone();
    match state.put_model(config).await {
        Ok(()) => json_response(StatusCode::OK, json!({"ok": true, "name": name})),
        Err(e) => error_response(e),
    }
}

async fn admin_enable(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    admin_toggle(state, headers, name, true).await
}

async fn admin_disable(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    admin_toggle(state, headers, name, false).await
}

async fn admin_toggle(state: Shared, headers: HeaderMap, name: String, enabled: bool) -> Response {
    if let Err(r) = check_admin(&state, &headers) {
        return r;
    }
    match state.set_enabled(&name, enabled).await {
        Ok(()) => json_response(
            StatusCode::OK,
            json!({"ok": true, "name": name, "enabled": enabled}),
        ),
        Err(e) => error_response(e),
    }
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: Option<String>,
}

async fn admin_export(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> Response {
    if let Err(r) = check_admin(&state, &headers) {
        return r;
    }
    let format = match export::ExportFormat::parse(q.format.as_deref().unwrap_or("json")) {
        Some(f) => f,
        None => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": "format must be json, jsonl or csv"}),
            );
        }
    };
    let records = match state.store.voted_battles().await {
        Ok(r) => r,
        Err(source) => {
            return error_response(FlowError::Store {
                action: "reading the voted battles",
                source,
            });
        }
    };
    match export::render(&records, format) {
        Ok(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, format.content_type())],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("internal error: {e}");
            json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": "internal error"}),
            )
        }
    }
}
