//! Server-rendered pages (askama templates in `templates/`, escaped by default); answers and
//! prompts are shown as escaped text (`white-space: pre-wrap`), never as HTML. The script is
//! static and inserts model output with `textContent` only.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use versus_present::{HtmlTable, Table};

use crate::board::BoardError;
use crate::client::{Shared, client, want_style, with_cookie};
use crate::state::{public_view, public_view_stored};

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

/// A page as HTML, or a 500 naming no detail (the template error is logged).
pub(crate) fn html_page(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("page template: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
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

/// One side of a battle: its label, the model's name once voted, and (prompt, answer) turns.
struct Pane<'a> {
    key: &'static str,
    label: &'static str,
    name: &'a str,
    turns: Vec<(&'a str, &'a str)>,
}

/// `templates/battle.html`: the prompt box, the two panes, the vote and follow-up controls.
#[derive(Template)]
#[template(path = "battle.html")]
struct BattlePage<'a> {
    title: &'static str,
    battle_id: &'a str,
    free: bool,
    prompt_id: String,
    status: &'a str,
    hint: &'static str,
    /// A battle is shown, so the prompt box is hidden.
    shown: bool,
    max_prompt_chars: usize,
    prompt_text: &'a str,
    panes: [Pane<'a>; 2],
}

/// `templates/not_found.html`.
#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    title: &'static str,
}

fn battle_page_html(
    state: &Shared,
    view: Option<&View>,
    bundled: Option<&(i64, String)>,
) -> Response {
    let free = state.accepts_free_prompts();
    let (prompt_text, prompt_id) = match (view, bundled) {
        (None, Some((id, text))) => (text.as_str(), id.to_string()),
        _ => ("", String::new()),
    };
    let pane = |side: usize| -> Pane<'_> {
        let (key, label) = if side == 0 {
            ("a", "Model A")
        } else {
            ("b", "Model B")
        };
        Pane {
            key,
            label,
            name: view
                .and_then(|v| v.names.as_ref())
                .map_or("", |(a, b)| if side == 0 { a } else { b }),
            turns: view.map_or_else(Vec::new, |v| {
                v.turns
                    .iter()
                    .map(|(p, a, b)| (p.as_str(), if side == 0 { a.as_str() } else { b.as_str() }))
                    .collect()
            }),
        }
    };
    let hint = if free {
        "Write a prompt (or take a bundled one). Two anonymous models answer side by side; vote for the better answer to see who they are."
    } else {
        "Here is a prompt from the bundled set (ask for another if you like). Two anonymous models answer side by side; vote for the better answer to see who they are."
    };
    html_page(&BattlePage {
        title: "versus arena: battle",
        battle_id: view.map_or("", |v| v.id.as_str()),
        free,
        prompt_id,
        status: view.map_or("", |v| v.status.as_str()),
        hint,
        shown: view.is_some(),
        max_prompt_chars: state.settings.max_prompt_chars,
        prompt_text,
        panes: [pane(0), pane(1)],
    })
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
    with_cookie(battle_page_html(&state, None, bundled.as_ref()), &who)
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
        Some(b) => {
            state.settle_from_store(&b).await;
            Some(public_view(&b, false))
        }
        None => match state.stored_battle(&id).await {
            Ok(Some(rec)) => Some(public_view_stored(&rec, false)),
            _ => None,
        },
    };
    let response = match value {
        Some(v) => battle_page_html(&state, Some(&view_of(&v)), None),
        None => {
            let mut response = html_page(&NotFoundPage {
                title: "versus arena: not found",
            });
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    with_cookie(response, &who)
}

#[derive(Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    style: Option<String>,
}

fn or_dash(s: Option<&str>) -> String {
    s.unwrap_or("—").to_string()
}

fn price(p: Option<f64>) -> String {
    p.map_or("—".to_string(), |v| format!("{v}"))
}

/// `templates/leaderboard.html`: the ranking table and interval plot, or why there is none.
#[derive(Template)]
#[template(path = "leaderboard.html")]
struct LeaderboardPage<'a> {
    title: &'static str,
    style: bool,
    counted: usize,
    /// Set when the board includes recorded (public) answers: shown above the table.
    demo: Option<&'static str>,
    /// The table and the interval plot (SVG from [`crate::board::interval_svg`]), or why the
    /// leaderboard cannot be computed yet.
    board: Result<(HtmlTable<'a>, &'a str), &'a BoardError>,
}

/// The ranking with each model's configured facts.
fn leaderboard_table(
    report: &versus_leaderboard::Report,
    models: &[std::sync::Arc<crate::state::ModelEntry>],
) -> Table {
    let mut table = Table::new(
        "",
        &[
            "Rank",
            "Model",
            "Rating",
            "95% interval",
            "Battles",
            "Organisation",
            "Country",
            "Licence",
            "Open weights",
            "Released",
            "$/M in",
            "$/M out",
        ],
    )
    .with_class(1, "model");
    for m in &report.models {
        let cfg = models
            .iter()
            .find(|e| e.name() == m.model)
            .map(|e| &e.config);
        let open_weights = cfg
            .and_then(|c| c.open_weights)
            .map_or("—", |o| if o { "yes" } else { "no" });
        table.rows.push(vec![
            m.rank.to_string(),
            m.model.clone(),
            format!("{:.0}", m.rating),
            format!("{:.0} – {:.0}", m.lower, m.upper),
            m.battles.to_string(),
            or_dash(cfg.and_then(|c| c.organization.as_deref())),
            or_dash(cfg.and_then(|c| c.country.as_deref())),
            or_dash(cfg.and_then(|c| c.license.as_deref())),
            open_weights.to_string(),
            or_dash(cfg.and_then(|c| c.release_date.as_deref())),
            price(cfg.and_then(|c| c.input_price)),
            price(cfg.and_then(|c| c.output_price)),
        ]);
    }
    table
}

/// `GET /leaderboard`.
pub async fn leaderboard_page(
    State(state): State<Shared>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let style = want_style(&state, &q.style);
    let snap = state.leaderboard.snapshot();
    let models = state.model_list();
    let computed = snap
        .board(style)
        .as_ref()
        .map(|board| (leaderboard_table(&board.report, &models), board));
    let shown = computed
        .as_ref()
        .map(|(table, board)| (HtmlTable::new(table), board.svg.as_str()))
        .map_err(|error| *error);
    html_page(&LeaderboardPage {
        title: "versus arena: leaderboard",
        style,
        counted: snap.counted,
        demo: state.demo_notice(),
        board: shown,
    })
}
