//! Server-rendered pages (askama templates in `templates/`, escaped by default). Prompts are
//! shown as escaped text; answers as HTML from versus-present's one Markdown renderer
//! ([`render_markdown`]), which lets no markup of the model's text through. The script is static
//! and inserts only that renderer's output (sent with each streamed update) or text.
//!
//! Every page is in the visitor's language ([`Lang`]): a `versus_lang` cookie set by the
//! switch (`/lang/{tag}`), else `Accept-Language`.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use versus_present::i18n::fill;
use versus_present::{HtmlTable, Lang, SafeHtml, Table, Ui, render_markdown};

use crate::board::{BoardError, ProvisionalReason};
use crate::client::{BoardQuery, Shared, client, want_style, with_cookie};
use crate::state::{public_view, public_view_stored};

const SCRIPT: &str = include_str!("../static/arena.js");
const BOARD_SCRIPT: &str = include_str!("../static/board.js");
const STYLE: &str = include_str!("../static/arena.css");
const FAVICON: &str = include_str!("../static/favicon.svg");
const LANG_COOKIE: &str = "versus_lang";

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

/// `GET /static/board.js`: sorting and filtering of the leaderboard's tables.
pub async fn board_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        BOARD_SCRIPT,
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

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

/// An answer as the pages show it (also each streamed update of it).
pub(crate) fn answer_html(text: &str) -> String {
    rendered_answer(text).into_string()
}

/// An answer rendered, in a `lang` wrapper when its language is clear (Chinese text then gets
/// Chinese glyph forms on an English page).
fn rendered_answer(text: &str) -> SafeHtml {
    render_markdown(text).with_lang(crate::categories::lang_tag(text))
}

/// The visitor's language: the switch's cookie, else `Accept-Language`.
pub(crate) fn page_lang(headers: &HeaderMap) -> Lang {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|s| s.split(';'))
        .find_map(|part| {
            part.trim()
                .strip_prefix(LANG_COOKIE)
                .and_then(|v| v.strip_prefix('='))
        });
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie, accept)
}

/// One entry of the language switch.
pub(crate) struct LangLink {
    pub tag: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// What every arena page shares: the catalogue of its language and the language switch.
pub(crate) struct Chrome {
    pub ui: &'static Ui,
    pub switch: Vec<LangLink>,
    /// The page's body exists in English only (its `<main>` says `lang="en"`).
    pub english_body: bool,
}

impl Chrome {
    /// The chrome in `lang` for the page at `here` (a local path, where the switch returns).
    pub(crate) fn new(lang: Lang, here: &str) -> Chrome {
        let next = percent_encoding::utf8_percent_encode(here, percent_encoding::NON_ALPHANUMERIC);
        Chrome {
            ui: lang.ui(),
            switch: Lang::ALL
                .iter()
                .map(|l| LangLink {
                    tag: l.tag(),
                    name: l.native_name(),
                    href: format!("/lang/{}?next={next}", l.tag()),
                    current: *l == lang,
                })
                .collect(),
            english_body: false,
        }
    }

    /// For pages whose content is English only (the race views): the header follows the
    /// visitor's language, the body is marked English.
    pub(crate) fn english_body(lang: Lang, here: &str) -> Chrome {
        Chrome {
            english_body: lang != Lang::En,
            ..Chrome::new(lang, here)
        }
    }
}

#[derive(Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    next: Option<String>,
}

/// `GET /lang/{tag}?next=/path`: remembers the language in a cookie and goes back to `next`
/// (a local path only; anything else goes to `/`).
pub async fn set_language(Path(tag): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = q
        .next
        .filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
        })
        .unwrap_or_else(|| "/".to_string());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&next) {
        h.insert(header::LOCATION, v);
    } else {
        h.insert(header::LOCATION, HeaderValue::from_static("/"));
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.tag()
    )) {
        h.append(header::SET_COOKIE, v);
    }
    response
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
    named: bool,
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
    // Names after the vote, or from the start of a side-by-side battle.
    let names = v.get("vote").or_else(|| v.get("models")).map(|m| {
        let name = |k: &str, alt: &str| {
            m.get(k)
                .or_else(|| m.get(alt))
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string()
        };
        (name("model_a", "a"), name("model_b", "b"))
    });
    View {
        id: v["id"].as_str().unwrap_or("").to_string(),
        turns,
        names,
        status: v["status"].as_str().unwrap_or("").to_string(),
        named: v["mode"] == "named",
    }
}

/// Public facts of a model, shown once the vote reveals it.
struct Facts {
    organisation: String,
    country: String,
    licence: String,
    open_weights: &'static str,
}

fn facts_of(state: &Shared, ui: &Ui, name: &str) -> Facts {
    let models = state.model_list();
    let cfg = models.iter().find(|m| m.name() == name).map(|m| &m.config);
    let text = |v: Option<&String>| v.map_or_else(|| ui.unknown.to_string(), Clone::clone);
    Facts {
        organisation: text(cfg.and_then(|c| c.organization.as_ref())),
        country: text(cfg.and_then(|c| c.country.as_ref())),
        licence: text(cfg.and_then(|c| c.license.as_ref())),
        open_weights: match cfg.and_then(|c| c.open_weights) {
            Some(true) => ui.yes,
            Some(false) => ui.no,
            None => ui.unknown,
        },
    }
}

/// One side of a battle: its label, the model's name and facts once voted, and (prompt,
/// rendered answer) turns.
struct Pane<'a> {
    key: &'static str,
    label: &'static str,
    name: &'a str,
    facts: Option<Facts>,
    /// (prompt, the prompt's language tag or "", the rendered answer).
    turns: Vec<(&'a str, &'static str, SafeHtml)>,
}

/// `templates/battle.html`: the prompt box, the two panes, the vote and follow-up controls.
#[derive(Template)]
#[template(path = "battle.html")]
struct BattlePage<'a> {
    title: &'static str,
    chrome: Chrome,
    battle_id: &'a str,
    free: bool,
    prompt_id: String,
    status: &'a str,
    hint: &'static str,
    prompt_label: &'static str,
    /// A battle is shown, so the prompt box is hidden.
    shown: bool,
    max_prompt_chars: usize,
    prompt_text: &'a str,
    panes: [Pane<'a>; 2],
    /// Side by side: the person picks both models (from `choices`) and sees their names.
    named: bool,
    choices: Vec<String>,
}

/// `templates/not_found.html`.
#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    title: &'static str,
    chrome: Chrome,
}

fn battle_page_html(
    state: &Shared,
    lang: Lang,
    here: &str,
    view: Option<&View>,
    bundled: Option<&(i64, String)>,
    named: bool,
) -> Response {
    let ui = lang.ui();
    let named = view.map_or(named, |v| v.named);
    let free = state.accepts_free_prompts();
    let (prompt_text, prompt_id) = match (view, bundled) {
        (None, Some((id, text))) => (text.as_str(), id.to_string()),
        _ => ("", String::new()),
    };
    let pane = |side: usize| -> Pane<'_> {
        let (key, label) = if side == 0 {
            ("a", ui.model_a)
        } else {
            ("b", ui.model_b)
        };
        let name = view
            .and_then(|v| v.names.as_ref())
            .map_or("", |(a, b)| if side == 0 { a } else { b });
        Pane {
            key,
            label,
            name,
            facts: (!name.is_empty()).then(|| facts_of(state, ui, name)),
            turns: view.map_or_else(Vec::new, |v| {
                v.turns
                    .iter()
                    .map(|(p, a, b)| {
                        (
                            p.as_str(),
                            crate::categories::lang_tag(p).unwrap_or(""),
                            rendered_answer(if side == 0 { a } else { b }),
                        )
                    })
                    .collect()
            }),
        }
    };
    html_page(&BattlePage {
        title: ui.battle_title,
        chrome: Chrome::new(lang, here),
        battle_id: view.map_or("", |v| v.id.as_str()),
        free,
        prompt_id,
        status: view.map_or("", |v| v.status.as_str()),
        hint: if named {
            ui.hint_named
        } else if free {
            ui.hint_free
        } else {
            ui.hint_recorded
        },
        prompt_label: if free {
            ui.prompt_label_free
        } else {
            ui.prompt_label_recorded
        },
        shown: view.is_some(),
        max_prompt_chars: state.settings.max_prompt_chars,
        prompt_text,
        panes: [pane(0), pane(1)],
        named,
        choices: state
            .model_list()
            .iter()
            .filter(|m| m.is_enabled())
            .map(|m| m.name().to_string())
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct IndexQuery {
    /// Start with this bundled prompt (a shareable link to a prompt).
    #[serde(default)]
    prompt_id: Option<i64>,
    /// `named`: side by side, the person picks both models.
    #[serde(default)]
    mode: Option<String>,
}

/// `GET /`: a new battle (`?mode=named`: side by side).
pub async fn index(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<IndexQuery>,
) -> Response {
    let who = client(&state, &headers, addr, true);
    let chosen = q.prompt_id.and_then(|id| state.bundled_prompt(id));
    let bundled = chosen.or_else(|| state.random_prompt().map(|(_, id, text)| (id, text)));
    let named = q.mode.as_deref() == Some("named");
    let mut query = Vec::new();
    if named {
        query.push("mode=named".to_string());
    }
    if let Some(id) = q.prompt_id {
        query.push(format!("prompt_id={id}"));
    }
    let here = if query.is_empty() {
        "/".to_string()
    } else {
        format!("/?{}", query.join("&"))
    };
    with_cookie(
        battle_page_html(
            &state,
            page_lang(&headers),
            &here,
            None,
            bundled.as_ref(),
            named,
        ),
        &who,
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
    let lang = page_lang(&headers);
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
        Some(v) => {
            let view = view_of(&v);
            let here = format!("/battle/{}", view.id);
            battle_page_html(&state, lang, &here, Some(&view), None, false)
        }
        None => {
            let mut response = html_page(&NotFoundPage {
                title: lang.ui().not_found_title,
                chrome: Chrome::new(lang, "/"),
            });
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    with_cookie(response, &who)
}

/// One link of the leaderboard's category selector.
pub(crate) struct CategoryLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// The label of a board of [`crate::categories::BOARDS`] in the page's language.
fn category_label(ui: &Ui, id: &str) -> &'static str {
    match id {
        "coding" => ui.cat_coding,
        "math" => ui.cat_math,
        "long_query" => ui.cat_long_query,
        "multi_turn" => ui.cat_multi_turn,
        "zh" => ui.cat_zh,
        "en" => ui.cat_en,
        _ => ui.cat_overall,
    }
}

/// The leaderboard's address with these settings (`style`: only when asked for explicitly).
fn board_href(category: Option<&str>, style: Option<bool>) -> String {
    let mut q = Vec::new();
    if let Some(c) = category {
        q.push(format!("category={c}"));
    }
    if let Some(s) = style {
        q.push(format!("style={}", s as u8));
    }
    if q.is_empty() {
        "/leaderboard".to_string()
    } else {
        format!("/leaderboard?{}", q.join("&"))
    }
}

/// `ms` since the Unix epoch as `YYYY-MM-DD HH:MM UTC`.
fn utc_minutes(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let date = versus_race::Date::from_days_since_epoch(secs.div_euclid(86_400));
    let day = secs.rem_euclid(86_400);
    format!("{date} {:02}:{:02} UTC", day / 3600, day % 3600 / 60)
}

fn or_dash(s: Option<&str>) -> String {
    s.unwrap_or("—").to_string()
}

fn price(p: Option<f64>) -> String {
    p.map_or("—".to_string(), |v| format!("{v}"))
}

/// `templates/leaderboard.html`: the ranking table and interval plot (or why there is none
/// yet), then the provisional models with why each is not ranked.
#[derive(Template)]
#[template(path = "leaderboard.html")]
struct LeaderboardPage<'a> {
    title: &'static str,
    chrome: Chrome,
    style: bool,
    /// The category selector: overall first, then each of [`crate::categories::BOARDS`].
    categories: Vec<CategoryLink>,
    /// The label of the category shown, when not the overall board.
    category: Option<&'static str>,
    /// The other view (with or without style control) of the same category.
    style_toggle: String,
    updated: String,
    json_href: String,
    /// The `versus rank` flag that selects the same votes from an export (` --category coding`).
    rank_flag: String,
    counted: String,
    /// Set when the board includes recorded (public) answers: shown above the table.
    demo: bool,
    /// The table and the interval plot (SVG from [`crate::board::interval_svg`]), or why the
    /// leaderboard cannot be computed yet (in words of the page's language).
    board: Result<(HtmlTable<'a>, &'a str), String>,
    provisional: Option<HtmlTable<'a>>,
    provisional_hint: String,
}

/// The ranking with each model's configured facts.
fn leaderboard_table(
    ui: &Ui,
    report: &versus_leaderboard::Report,
    models: &[std::sync::Arc<crate::state::ModelEntry>],
) -> Table {
    let mut table = Table::new(
        "",
        &[
            ui.col_rank,
            ui.col_model,
            ui.col_rating,
            ui.col_interval,
            ui.col_battles,
            ui.organisation,
            ui.country,
            ui.licence,
            ui.open_weights,
            ui.col_released,
            ui.col_price_in,
            ui.col_price_out,
        ],
    )
    .with_class(1, "model")
    .with_class(2, "rating")
    .with_class(3, "ci");
    for m in &report.models {
        let cfg = models
            .iter()
            .find(|e| e.name() == m.model)
            .map(|e| &e.config);
        let open_weights = cfg
            .and_then(|c| c.open_weights)
            .map_or("—", |o| if o { ui.yes } else { ui.no });
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

/// The models listed apart, with their tallies and why each is not ranked yet.
fn provisional_table(ui: &Ui, snap: &crate::board::Snapshot) -> Table {
    let min = snap.min_votes.to_string();
    let mut table = Table::new(
        "",
        &[
            ui.col_model,
            ui.col_battles,
            ui.col_wins,
            ui.col_losses,
            ui.col_ties,
            ui.col_status,
        ],
    )
    .with_class(0, "model");
    for p in &snap.provisional {
        let reason = match p.reason {
            ProvisionalReason::FewVotes => fill(
                ui.reason_few_votes,
                &[("n", &p.battles.to_string()), ("min", &min)],
            ),
            ProvisionalReason::NotConnected => ui.reason_not_connected.to_string(),
            ProvisionalReason::NeverLost => ui.reason_never_lost.to_string(),
            ProvisionalReason::NeverWon => ui.reason_never_won.to_string(),
            ProvisionalReason::NoFit => ui.reason_no_fit.to_string(),
        };
        table.rows.push(vec![
            format!("{} ({})", p.model, ui.provisional),
            p.battles.to_string(),
            format!("{}", p.wins),
            format!("{}", p.losses),
            format!("{}", p.ties),
            reason,
        ]);
    }
    table
}

/// `GET /leaderboard`.
pub async fn leaderboard_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = page_lang(&headers);
    let ui = lang.ui();
    let style = want_style(&state, &q.style);
    let (board_index, snap) =
        match crate::client::board_snapshot(&state, q.category.as_deref()).await {
            Ok(x) => x,
            // An unknown category (a mistyped address): the overall board, marked as such.
            Err(_) => (None, state.leaderboard.snapshot()),
        };
    let category_id = board_index.map(|i| crate::categories::BOARDS[i].0);
    let explicit_style = q.style.as_ref().map(|_| style);
    let mut categories = vec![CategoryLink {
        label: ui.cat_overall,
        href: board_href(None, explicit_style),
        current: category_id.is_none(),
    }];
    for (id, _) in crate::categories::BOARDS {
        categories.push(CategoryLink {
            label: category_label(ui, id),
            href: board_href(Some(id), explicit_style),
            current: category_id == Some(id),
        });
    }
    let models = state.model_list();
    let computed = snap
        .board(style)
        .as_ref()
        .map(|board| (leaderboard_table(ui, &board.report, &models), board));
    let shown = computed
        .as_ref()
        .map(|(table, board)| (HtmlTable::new(table).with_id("ranked"), board.svg.as_str()))
        .map_err(|error| match error {
            BoardError::NoVotes => ui.board_no_votes.to_string(),
            // Never the engine's own text (written for the command line): the provisional
            // table below says per model why it is not rated.
            BoardError::AllProvisional | BoardError::Report(_) | BoardError::Json(_) => {
                ui.board_none_hint.to_string()
            }
        });
    let provisional = provisional_table(ui, &snap);
    let here = board_href(category_id, explicit_style);
    html_page(&LeaderboardPage {
        title: ui.board_title,
        chrome: Chrome::new(lang, &here),
        style,
        categories,
        category: category_id.map(|id| category_label(ui, id)),
        style_toggle: board_href(category_id, Some(!style)),
        updated: fill(
            ui.board_updated,
            &[("time", &utc_minutes(snap.computed_ms))],
        ),
        json_href: match category_id {
            Some(c) => format!("/api/leaderboard?category={c}"),
            None => "/api/leaderboard".to_string(),
        },
        rank_flag: match board_index.map(|i| crate::categories::BOARDS[i].1) {
            Some(crate::categories::BoardFilter::Category(c)) => format!(" --category {c}"),
            Some(crate::categories::BoardFilter::Language(l)) => format!(" --language {l}"),
            None => String::new(),
        },
        counted: fill(ui.board_counted, &[("n", &snap.counted.to_string())]),
        demo: state.demo_notice().is_some(),
        board: shown,
        provisional: (!provisional.rows.is_empty())
            .then(|| HtmlTable::new(&provisional).with_id("provisional")),
        provisional_hint: fill(
            ui.board_provisional_hint,
            &[("min", &snap.min_votes.to_string())],
        ),
    })
}
