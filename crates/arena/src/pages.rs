//! Server-rendered pages. Every interpolated value goes through [`esc`]; answers and prompts
//! are shown as escaped text (`white-space: pre-wrap`), never as HTML. The script is static
//! and inserts model output with `textContent` only.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::api::{Shared, client, want_style, with_cookie};
use crate::state::{public_view, public_view_stored};
use crate::text::esc;

const SCRIPT: &str = include_str!("../static/arena.js");
const STYLE: &str = include_str!("../static/arena.css");

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        SCRIPT,
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        STYLE,
    )
        .into_response()
}

pub(crate) fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/static/arena.css\"></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/\">versus arena</a><nav><a href=\"/\">Battle</a><a href=\"/leaderboard\">Leaderboard</a><a href=\"/race\">Race</a><a href=\"/value\">Value</a><a href=\"/compute\">Compute</a></nav></header>\
         {body}</body></html>\n",
        esc(title)
    )
}

/// A battle's content for the page: turns (prompt, answer A, answer B), names if voted.
struct View {
    id: String,
    turns: Vec<(String, String, String)>,
    names: Option<(String, String)>,
    status: String,
}

fn view_of(v: &serde_json::Value) -> View {
    let turns = v["turns"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| {
                    let s = |k: &str| t[k].as_str().unwrap_or("").to_string();
                    (s("prompt"), s("a"), s("b"))
                })
                .collect()
        })
        .unwrap_or_default();
    let names = v.get("vote").map(|vote| {
        (
            vote["model_a"].as_str().unwrap_or("").to_string(),
            vote["model_b"].as_str().unwrap_or("").to_string(),
        )
    });
    View {
        id: v["id"].as_str().unwrap_or("").to_string(),
        turns,
        names,
        status: v["status"].as_str().unwrap_or("").to_string(),
    }
}

fn battle_html(state: &Shared, view: Option<&View>, bundled: Option<(i64, String)>) -> String {
    let free = state.accepts_free_prompts();
    let (prompt_text, prompt_id) = match (&view, &bundled) {
        (Some(_), _) => (String::new(), String::new()),
        (None, Some((id, text))) => (text.clone(), id.to_string()),
        (None, None) => (String::new(), String::new()),
    };
    let pane = |side: usize, label: &str| -> String {
        let mut turns = String::new();
        if let Some(v) = view {
            for (t, (p, a, b)) in v.turns.iter().enumerate() {
                let ans = if side == 0 { a } else { b };
                turns.push_str(&format!(
                    "<div class=\"turn\" data-turn=\"{t}\"><p class=\"user\">{}</p><div class=\"answer\">{}</div></div>",
                    esc(p),
                    esc(ans)
                ));
            }
        }
        let name = view
            .and_then(|v| v.names.as_ref())
            .map(|(a, b)| if side == 0 { a.clone() } else { b.clone() })
            .unwrap_or_default();
        let key = if side == 0 { "a" } else { "b" };
        format!(
            "<article class=\"pane\" id=\"pane-{key}\"><h2>{} <span class=\"name\" id=\"name-{key}\">{}</span></h2><div class=\"turns\" id=\"turns-{key}\">{turns}</div></article>",
            esc(label),
            esc(&name)
        )
    };
    let hint = if free {
        "Write a prompt (or take a bundled one). Two anonymous models answer side by side; vote for the better answer to see who they are."
    } else {
        "Here is a prompt from the bundled set (ask for another if you like). Two anonymous models answer side by side; vote for the better answer to see who they are."
    };
    let body = format!(
        "<main id=\"arena\" data-battle=\"{}\" data-free=\"{}\" data-prompt-id=\"{}\" data-status=\"{}\">\
         <p class=\"hint\">{}</p>\
         <section id=\"ask\"{}><textarea id=\"prompt\" rows=\"4\" maxlength=\"{}\" placeholder=\"Ask anything…\"{}>{}</textarea>\
         <div class=\"row\"><button id=\"another\" type=\"button\">Another prompt</button><button id=\"start\" type=\"button\" class=\"primary\">Start battle</button></div></section>\
         <p id=\"notice\" role=\"status\"></p>\
         <section class=\"panes\">{}{}</section>\
         <section id=\"vote\" class=\"row\" hidden><button type=\"button\" data-winner=\"model_a\">A is better</button><button type=\"button\" data-winner=\"model_b\">B is better</button>\
         <button type=\"button\" data-winner=\"tie\">Tie</button><button type=\"button\" data-winner=\"both_bad\">Both are bad</button></section>\
         <section id=\"followup\" hidden><textarea id=\"followup-text\" rows=\"2\" placeholder=\"Ask a follow-up (both models answer)…\"></textarea><button id=\"send\" type=\"button\">Send</button></section>\
         <section id=\"after\" class=\"row\" hidden><button id=\"new\" type=\"button\" class=\"primary\">New battle</button><a href=\"/leaderboard\">See the leaderboard</a></section>\
         </main><script src=\"/static/arena.js\"></script>",
        esc(view.map_or("", |v| v.id.as_str())),
        free,
        esc(&prompt_id),
        esc(view.map_or("", |v| v.status.as_str())),
        esc(hint),
        if view.is_some() { " hidden" } else { "" },
        state.settings.max_prompt_chars,
        if free { "" } else { " readonly" },
        esc(&prompt_text),
        pane(0, "Model A"),
        pane(1, "Model B"),
    );
    layout("versus arena: battle", &body)
}

#[derive(Deserialize)]
pub struct IndexQuery {
    /// Start with this bundled prompt (a shareable link to a prompt).
    #[serde(default)]
    prompt_id: Option<i64>,
}

/// `GET /`: a new battle.
pub async fn index(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<IndexQuery>,
) -> Response {
    let who = client(&state, &headers, addr, true);
    let chosen = q.prompt_id.and_then(|id| state.bundled_prompt(id));
    let bundled = chosen.or_else(|| state.random_prompt().map(|(_, id, text)| (id, text)));
    with_cookie(
        Html(battle_html(&state, None, bundled)).into_response(),
        &who.new_cookie,
    )
}

/// `GET /battle/{id}`: a battle so far (names only after the vote).
pub async fn battle_page(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = client(&state, &headers, addr, true);
    let value = match state.battle(&id) {
        Some(b) => Some(public_view(&b, false)),
        None => match state.stored_battle(&id).await {
            Ok(Some(rec)) => Some(public_view_stored(&rec, false)),
            _ => None,
        },
    };
    let response = match value {
        Some(v) => Html(battle_html(&state, Some(&view_of(&v)), None)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html(layout(
                "versus arena: not found",
                "<main><p>No such battle.</p><p><a href=\"/\">Start a battle</a></p></main>",
            )),
        )
            .into_response(),
    };
    with_cookie(response, &who.new_cookie)
}

#[derive(Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    style: Option<String>,
}

fn opt(s: &Option<String>) -> String {
    esc(s.as_deref().unwrap_or("—"))
}

fn price(p: Option<f64>) -> String {
    p.map_or("—".to_string(), |v| format!("{v}"))
}

/// `GET /leaderboard`.
pub async fn leaderboard_page(
    State(state): State<Shared>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let style = want_style(&state, &q.style);
    let snap = state.leaderboard.snapshot();
    let models = state.model_list();
    let toggle = if style {
        "<a href=\"/leaderboard?style=0\">Show without style control</a>"
    } else {
        "<a href=\"/leaderboard?style=1\">Show with style control</a>"
    };
    let mut body = format!(
        "<main class=\"board\"><h1>Leaderboard{}</h1><p class=\"hint\">Bradley–Terry ratings from the arena's anonymous votes, with 95% sandwich intervals{}. \
         A rank is 1 + the number of models whose interval lies wholly above this one's. {}. {toggle}</p>",
        if style { " (style control)" } else { "" },
        if style {
            ", controlling for answer length and markdown (headers, lists, bold) as LMArena does"
        } else {
            ""
        },
        esc(&format!("{} counted votes", snap.counted)),
    );
    match snap.board(style) {
        Ok(board) => {
            body.push_str("<table><thead><tr><th>Rank</th><th>Model</th><th>Rating</th><th>95% interval</th><th>Battles</th><th>Organisation</th><th>Country</th><th>Licence</th><th>Open weights</th><th>Released</th><th>$/M in</th><th>$/M out</th></tr></thead><tbody>");
            for m in &board.report.models {
                let cfg = models
                    .iter()
                    .find(|e| e.name() == m.model)
                    .map(|e| e.config.clone());
                let ow = cfg
                    .as_ref()
                    .and_then(|c| c.open_weights)
                    .map_or("—", |o| if o { "yes" } else { "no" });
                body.push_str(&format!(
                    "<tr><td>{}</td><td class=\"model\">{}</td><td>{:.0}</td><td>{:.0} – {:.0}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    m.rank,
                    esc(&m.model),
                    m.rating,
                    m.lower,
                    m.upper,
                    m.battles,
                    opt(&cfg.as_ref().and_then(|c| c.organization.clone())),
                    opt(&cfg.as_ref().and_then(|c| c.country.clone())),
                    opt(&cfg.as_ref().and_then(|c| c.license.clone())),
                    esc(ow),
                    opt(&cfg.as_ref().and_then(|c| c.release_date.clone())),
                    esc(&price(cfg.as_ref().and_then(|c| c.input_price))),
                    esc(&price(cfg.as_ref().and_then(|c| c.output_price))),
                ));
            }
            body.push_str("</tbody></table><h2>Ratings and intervals</h2><div class=\"plot\">");
            body.push_str(&board.svg);
            body.push_str("</div>");
        }
        Err(msg) => {
            body.push_str(&format!(
                "<p class=\"empty\">No leaderboard yet: {}</p><p>Ratings need enough votes that every model has both won and lost against the others (ties count both ways). <a href=\"/\">Vote in a battle</a>.</p>",
                esc(msg)
            ));
        }
    }
    body.push_str("<p class=\"hint\">JSON: <a href=\"/api/leaderboard\">/api/leaderboard</a> (the same report as <code>versus rank --output json</code> on the arena's export).</p></main>");
    Html(layout("versus arena: leaderboard", &body)).into_response()
}
