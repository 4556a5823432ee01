//! The race views as pages of the arena — `/race` (best model of one side against the best of
//! another, snapshot by snapshot), `/value` (rating against price), `/compute` (compute share by
//! country) — and their JSON: `/api/race/gap`, `/api/race/value` and `/api/race/compute` answer
//! exactly what `versus race gap|value|compute … --output json` prints for the same options.
//!
//! Query parameters mirror the command's flags in snake case (`?every=month&style_control=1`);
//! they become queries through `versus_race::options`, the code the command line uses too, so
//! nothing is computed here. A parameter that cannot be used is a 400 naming it. The shipped data
//! are parsed once per process, on first use. Every piece of text from the data or the request
//! goes through [`esc`]; charts are the race crate's SVG, whose writer escapes its own text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use askama::Template;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use versus_race::compute::{self, Cluster, ComputeSeries, ComputeShares, Measure, Period};
use versus_race::gap::{self, Every, GapPoint, GapReport};
use versus_race::group::GroupBy;
use versus_race::history::{self, History, Source};
use versus_race::options::{
    ComputeOptions, ComputeOutput, GapOptions, LeaderboardOptions, OptionError, ValueOptions,
};
use versus_race::registry::Registry;
use versus_race::value::{self, ValueReport};
use versus_race::{report, svg};

use versus_present::{HtmlTable, OutputFormat, Tabular};

use crate::pages::{Chrome, html_page, page_lang};
use versus_present::Lang;

/// The shipped registry, leaderboard history and GPU clusters.
pub struct RaceData {
    pub registry: Registry,
    pub history: History,
    pub clusters: Vec<Cluster>,
}

/// Which of the shipped race tables failed to load, and why (the race crate's error names the
/// file, line and field that did not parse).
#[derive(Debug, thiserror::Error)]
pub enum RaceDataError {
    #[error("the model registry: {0}")]
    Registry(#[source] versus_race::Error),
    #[error("the leaderboard history: {0}")]
    History(#[source] versus_race::Error),
    #[error("the GPU clusters: {0}")]
    Clusters(#[source] versus_race::Error),
}

static DATA: OnceLock<Result<RaceData, RaceDataError>> = OnceLock::new();

/// The shipped data, parsed on first use and kept for the life of the process (a failure too).
pub fn race_data() -> Result<&'static RaceData, &'static RaceDataError> {
    DATA.get_or_init(|| {
        Ok(RaceData {
            registry: Registry::shipped().map_err(RaceDataError::Registry)?,
            history: History::shipped().map_err(RaceDataError::History)?,
            clusters: compute::shipped_clusters().map_err(RaceDataError::Clusters)?,
        })
    })
    .as_ref()
}

const GAP_PARAMS: &[&str] = &[
    "by",
    "a",
    "b",
    "from",
    "to",
    "snapshot",
    "every",
    "category",
    "style_control",
    "source",
];
const VALUE_PARAMS: &[&str] = &[
    "by",
    "a",
    "b",
    "snapshot",
    "max_price",
    "max_price_fraction",
    "category",
    "style_control",
    "source",
];
const COMPUTE_PARAMS: &[&str] = &["as_of", "every", "from", "measure", "all_clusters"];
const AUDIT_PARAMS: &[&str] = &["top"];
/// Rows of the audit page's per-model table when `top` is not given.
const AUDIT_TOP: usize = 20;
/// Parameters that are switches (`=1` / `=0`), written as bare flags on the command line.
const SWITCHES: &[&str] = &["style_control", "all_clusters"];

/// The query string as name–value pairs (a malformed one is answered as a bad parameter).
type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Why a request gets no answer.
#[derive(Debug)]
enum Problem {
    /// A parameter that cannot be used (400).
    Param { name: String, message: String },
    /// A question the data cannot answer, such as a category no snapshot publishes (400).
    Unanswerable(String),
    /// The shipped data did not parse or a computation failed (500).
    Internal(String),
}

impl Problem {
    fn param(name: &str, message: impl Into<String>) -> Problem {
        Problem::Param {
            name: name.to_string(),
            message: message.into(),
        }
    }

    fn message(&self) -> String {
        match self {
            Problem::Param { name, message } => format!("parameter `{name}`: {message}"),
            Problem::Unanswerable(m) => m.clone(),
            Problem::Internal(_) => "internal error".to_string(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Problem::Internal(m) => {
                tracing::error!("race: {m}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn json(&self) -> Response {
        let status = self.status();
        let mut body = json!({"error": self.message()});
        if let Problem::Param { name, .. } = self {
            body["parameter"] = json!(name);
        }
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }

    fn page(&self, path: &str, lang: Lang) -> Response {
        let mut response = html_page(&ProblemPage {
            title: "versus: bad request",
            chrome: Chrome::english_body(lang, path),
            message: self.message(),
            path,
        });
        *response.status_mut() = self.status();
        response
    }
}

impl From<OptionError> for Problem {
    fn from(e: OptionError) -> Problem {
        Problem::param(e.option, e.message)
    }
}

impl From<versus_present::Error> for Problem {
    fn from(e: versus_present::Error) -> Problem {
        Problem::Internal(e.to_string())
    }
}

impl From<askama::Error> for Problem {
    fn from(e: askama::Error) -> Problem {
        Problem::Internal(format!("page template: {e}"))
    }
}

impl From<versus_race::Error> for Problem {
    fn from(e: versus_race::Error) -> Problem {
        match e {
            versus_race::Error::Query(m) => Problem::Unanswerable(m),
            other => Problem::Internal(other.to_string()),
        }
    }
}

/// The query parameters of a request: known names only, each at most once; an empty value (an
/// empty form field) is no value.
struct Params {
    allowed: &'static [&'static str],
    values: BTreeMap<&'static str, String>,
    /// The visitor's language, for the page's header (the views themselves are English).
    lang: Lang,
}

impl Params {
    fn parse(query: RawQuery, allowed: &'static [&'static str]) -> Result<Params, Problem> {
        let Query(pairs) = query.map_err(|e| Problem::param("query string", e.body_text()))?;
        let mut values = BTreeMap::new();
        for (key, value) in pairs {
            let Some(name) = allowed.iter().copied().find(|a| *a == key) else {
                return Err(Problem::param(
                    &key,
                    format!("unknown parameter; known: {}", allowed.join(", ")),
                ));
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if values.insert(name, value.to_string()).is_some() {
                return Err(Problem::param(name, "given more than once"));
            }
        }
        Ok(Params {
            allowed,
            values,
            lang: Lang::En,
        })
    }

    fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// One of a fixed set of names (`parse` accepts the command line's spellings).
    fn choice<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        names: &[&str],
    ) -> Result<Option<T>, Problem> {
        let Some(text) = self.values.get(name) else {
            return Ok(None);
        };
        parse(&text.to_ascii_lowercase()).map(Some).ok_or_else(|| {
            Problem::param(name, format!("`{text}` is not one of {}", names.join(", ")))
        })
    }

    fn switch(&self, name: &str) -> Result<bool, Problem> {
        match self
            .values
            .get(name)
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("0" | "false" | "no" | "off") => Ok(false),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some(_) => Err(Problem::param(name, "must be 1 or 0 (true or false)")),
        }
    }

    fn number(&self, name: &str) -> Result<Option<f64>, Problem> {
        self.values
            .get(name)
            .map(|text| {
                text.parse::<f64>()
                    .map_err(|_| Problem::param(name, format!("`{text}` is not a number")))
            })
            .transpose()
    }

    /// The parameters as a canonical query string (for links), `&` not yet escaped for HTML.
    fn query_string(&self) -> String {
        let parts: Vec<String> = self
            .allowed
            .iter()
            .filter_map(|n| self.values.get(n).map(|v| format!("{n}={}", url_encode(v))))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The same options as `versus race …` flags.
    fn flags(&self) -> String {
        let mut out = String::new();
        for name in self.allowed {
            let Some(value) = self.values.get(name) else {
                continue;
            };
            let flag = name.replace('_', "-");
            if SWITCHES.contains(name) {
                if self.switch(name).unwrap_or(false) {
                    let _ = write!(out, " --{flag}");
                }
            } else {
                let _ = write!(out, " --{flag} {}", shell_word(value));
            }
        }
        out
    }
}

/// Everything but RFC 3986's unreserved characters is percent-encoded in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// A value as one word for a POSIX shell.
fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'=')
        })
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn leaderboard_options(p: &Params) -> Result<LeaderboardOptions, Problem> {
    Ok(LeaderboardOptions {
        category: p
            .text("category")
            .unwrap_or_else(|| history::OVERALL_CATEGORY.to_string()),
        style_control: p.switch("style_control")?,
        source: p.choice("source", Source::from_code, &Source::ALL.map(|s| s.code()))?,
    })
}

fn gap_options(p: &Params) -> Result<GapOptions, Problem> {
    Ok(GapOptions {
        by: p
            .choice("by", GroupBy::from_name, &GroupBy::ALL.map(|g| g.name()))?
            .unwrap_or(GroupBy::Country),
        a: p.text("a"),
        b: p.text("b"),
        from: p.text("from"),
        to: p.text("to"),
        snapshot: p.text("snapshot"),
        every: p
            .choice("every", Every::from_name, &Every::ALL.map(|e| e.name()))?
            .unwrap_or(Every::Snapshot),
        leaderboard: leaderboard_options(p)?,
    })
}

fn value_options(p: &Params) -> Result<ValueOptions, Problem> {
    Ok(ValueOptions {
        by: p
            .choice("by", GroupBy::from_name, &GroupBy::ALL.map(|g| g.name()))?
            .unwrap_or(GroupBy::Country),
        a: p.text("a"),
        b: p.text("b"),
        snapshot: p.text("snapshot"),
        max_price: p.number("max_price")?,
        max_price_fraction: p.number("max_price_fraction")?,
        leaderboard: leaderboard_options(p)?,
    })
}

fn compute_options(p: &Params) -> Result<ComputeOptions, Problem> {
    Ok(ComputeOptions {
        as_of: p.text("as_of"),
        every: p.choice("every", Period::from_name, &Period::ALL.map(|e| e.name()))?,
        from: p.text("from"),
        measure: p
            .choice(
                "measure",
                Measure::from_code,
                &Measure::ALL.map(|m| m.code()),
            )?
            .unwrap_or(Measure::Op16),
        all_clusters: p.switch("all_clusters")?,
    })
}

fn gap_report(data: &RaceData, p: &Params) -> Result<GapReport, Problem> {
    let query = gap_options(p)?.query(&data.registry)?;
    Ok(gap::gap(&data.registry, &data.history, &query)?)
}

fn value_report(data: &RaceData, p: &Params) -> Result<ValueReport, Problem> {
    let query = value_options(p)?.query(&data.registry)?;
    Ok(value::value(&data.registry, &data.history, &query)?)
}

/// Parses the parameters, then computes off the async runtime (the first request also parses
/// the shipped data) and answers with HTML or JSON.
async fn answer(
    query: RawQuery,
    allowed: &'static [&'static str],
    path: &'static str,
    page: Option<Lang>,
    compute: fn(&RaceData, &Params) -> Result<String, Problem>,
) -> Response {
    let result = match Params::parse(query, allowed) {
        Err(problem) => Err(problem),
        Ok(mut params) => tokio::task::spawn_blocking(move || {
            params.lang = page.unwrap_or(Lang::En);
            let data = race_data()
                .map_err(|e| Problem::Internal(format!("the shipped race data: {e}")))?;
            compute(data, &params)
        })
        .await
        .unwrap_or_else(|e| Err(Problem::Internal(format!("{path}: {e}")))),
    };
    match result {
        Ok(body) if page.is_some() => Html(body).into_response(),
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(problem) if page.is_some() => problem.page(path, page.unwrap_or(Lang::En)),
        Err(problem) => problem.json(),
    }
}

/// `GET /api/race/gap`: `versus race gap --output json`.
pub async fn api_gap(query: RawQuery) -> Response {
    answer(query, GAP_PARAMS, "/race", None, |data, p| {
        Ok(gap_report(data, p)?.render(OutputFormat::Json)?)
    })
    .await
}

/// `GET /api/race/value`: `versus race value --output json`.
pub async fn api_value(query: RawQuery) -> Response {
    answer(query, VALUE_PARAMS, "/value", None, |data, p| {
        Ok(value_report(data, p)?.render(OutputFormat::Json)?)
    })
    .await
}

/// `GET /api/race/compute`: `versus race compute --output json` (shares at a date, or a series
/// with `every`).
pub async fn api_compute(query: RawQuery) -> Response {
    answer(query, COMPUTE_PARAMS, "/compute", None, |data, p| {
        Ok(compute_options(p)?
            .compute(&data.clusters)?
            .render(OutputFormat::Json)?)
    })
    .await
}

/// The audit of the shipped history's published vote counts ([`versus_race::audit`]) and the
/// page's row count (`top`, 1 to 1000).
fn audit_of(
    data: &RaceData,
    p: &Params,
) -> Result<(versus_race::audit::HistorySampling, usize), Problem> {
    let top = match p.number("top")? {
        None => AUDIT_TOP,
        Some(n) if n.fract() == 0.0 && (1.0..=1000.0).contains(&n) => n as usize,
        Some(_) => {
            return Err(Problem::param(
                "top",
                "expected a whole number from 1 to 1000",
            ));
        }
    };
    Ok((
        versus_race::audit::history_sampling(&data.registry, data.history.rows()),
        top,
    ))
}

/// `GET /api/race/audit`: the sampling read from the published vote counts (the `history` part
/// of `versus audit VOTES --output json`).
pub async fn api_audit(query: RawQuery) -> Response {
    answer(query, AUDIT_PARAMS, "/audit", None, |data, p| {
        let (sampling, _) = audit_of(data, p)?;
        Ok(versus_present::to_json(&sampling)?)
    })
    .await
}

/// `GET /audit`.
pub async fn audit_page(headers: HeaderMap, query: RawQuery) -> Response {
    answer(
        query,
        AUDIT_PARAMS,
        "/audit",
        Some(page_lang(&headers)),
        |data, p| {
            let (sampling, top) = audit_of(data, p)?;
            audit_html(&sampling, top, p)
        },
    )
    .await
}

/// `GET /race`.
pub async fn gap_page(headers: HeaderMap, query: RawQuery) -> Response {
    answer(
        query,
        GAP_PARAMS,
        "/race",
        Some(page_lang(&headers)),
        |data, p| gap_html(&gap_report(data, p)?, p),
    )
    .await
}

/// `GET /value`.
pub async fn value_page(headers: HeaderMap, query: RawQuery) -> Response {
    answer(
        query,
        VALUE_PARAMS,
        "/value",
        Some(page_lang(&headers)),
        |data, p| value_html(&value_report(data, p)?, p),
    )
    .await
}

/// `GET /compute`.
pub async fn compute_page(headers: HeaderMap, query: RawQuery) -> Response {
    answer(
        query,
        COMPUTE_PARAMS,
        "/compute",
        Some(page_lang(&headers)),
        |data, p| {
            let options = compute_options(p)?;
            // Checked and computed as the command would; the page adds the shares at the date and,
            // without `every`, a yearly series for the chart.
            let requested = options.compute(&data.clusters)?;
            let shares = compute::shares_at(
                &data.clusters,
                options.query(),
                options.as_of(&data.clusters)?,
            );
            let series = match requested {
                ComputeOutput::Series(series) => series,
                ComputeOutput::Shares(_) => match (ComputeOptions {
                    every: Some(Period::Year),
                    ..options.clone()
                })
                .compute(&data.clusters)?
                {
                    ComputeOutput::Series(series) => series,
                    ComputeOutput::Shares(_) => {
                        return Err(Problem::Internal(
                            "a yearly series came back as shares".into(),
                        ));
                    }
                },
            };
            compute_html(&shares, &series, options.every.is_some(), p)
        },
    )
    .await
}

// ---- HTML ----

/// `templates/race_problem.html`: why a view cannot be shown, and a way back.
#[derive(Template)]
#[template(path = "race_problem.html")]
struct ProblemPage<'a> {
    title: &'static str,
    chrome: Chrome,
    message: String,
    path: &'a str,
}

/// One control of a page's form, filled in from the request.
enum FormField {
    Text {
        name: &'static str,
        label: &'static str,
        value: String,
        placeholder: &'static str,
    },
    Select {
        name: &'static str,
        label: &'static str,
        /// (value, text, selected)
        options: Vec<(&'static str, &'static str, bool)>,
    },
    Check {
        name: &'static str,
        label: &'static str,
        checked: bool,
    },
}

/// The form of a race page (`templates/race_form.html`): its fields, then Show and Reset.
struct Form {
    action: &'static str,
    fields: Vec<FormField>,
}

/// The notes and caveats, the JSON link and the equivalent command
/// (`templates/race_footer.html`).
struct Footer<'a> {
    notes: Vec<String>,
    caveats: &'a [&'a str],
    /// The JSON endpoint with the page's query string.
    api_link: String,
    command: String,
}

impl<'a> Footer<'a> {
    fn new(
        notes: Vec<String>,
        caveats: &'a [&'a str],
        api: &str,
        command: &str,
        p: &Params,
    ) -> Footer<'a> {
        let mut notes = notes;
        // How old the leaderboard data are, first, with the warning when they are stale.
        if let Ok(data) = race_data() {
            let today = versus_race::Date::from_unix_seconds(crate::state::now_ms() / 1000);
            if let Some(f) = data.history.freshness(today) {
                let mut line = f.note();
                if let Some(w) = f.warning() {
                    line = format!("{line} Warning: {w}.");
                }
                notes.insert(0, line);
            }
        }
        Footer {
            notes,
            caveats,
            api_link: format!("{api}{}", p.query_string()),
            command: format!("versus race {command}{} --output json", p.flags()),
        }
    }
}

fn field(
    name: &'static str,
    label: &'static str,
    p: &Params,
    placeholder: &'static str,
) -> FormField {
    FormField::Text {
        name,
        label,
        value: p.text(name).unwrap_or_default(),
        placeholder,
    }
}

fn select(
    name: &'static str,
    label: &'static str,
    p: &Params,
    choices: &[(&'static str, &'static str)],
) -> FormField {
    let current = p.text(name).unwrap_or_default().to_ascii_lowercase();
    FormField::Select {
        name,
        label,
        options: choices
            .iter()
            .map(|&(value, text)| (value, text, value == current))
            .collect(),
    }
}

fn checkbox(name: &'static str, label: &'static str, p: &Params) -> FormField {
    FormField::Check {
        name,
        label,
        checked: p.switch(name).unwrap_or(false),
    }
}

const BY_CHOICES: &[(&str, &str)] = &[
    ("country", "country"),
    ("licence", "licence (open weights?)"),
    ("organisation", "organisation"),
];
const SOURCE_CHOICES: &[(&str, &str)] = &[
    ("", "all (precedence rule)"),
    ("catalog", "LMArena JSON"),
    ("elo", "pickle extraction"),
    ("scrape", "scraped tables"),
];

fn leaderboard_fields(p: &Params) -> Vec<FormField> {
    vec![
        field("category", "category", p, "full"),
        select("source", "source", p, SOURCE_CHOICES),
        checkbox("style_control", "style control", p),
    ]
}

fn rating(rating: f64, lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) => format!("{rating:.1} [{l:.1}, {u:.1}]"),
        _ => format!("{rating:.1}"),
    }
}

/// `templates/race_gap.html`.
#[derive(Template)]
#[template(path = "race_gap.html")]
struct GapPage<'a> {
    title: String,
    chrome: Chrome,
    report: &'a GapReport,
    form: Form,
    latest: Option<&'a GapPoint>,
    a_rating: String,
    b_rating: String,
    chart: String,
    table: HtmlTable<'a>,
    footer: Footer<'a>,
}

const GAP_CAVEATS: &[&str] = &[
    report::CAVEAT_DRIFT,
    report::CAVEAT_ANCHOR,
    report::CAVEAT_STYLE,
    report::CAVEAT_TIES,
    report::CAVEAT_COUNTRY,
];

fn gap_html(report: &GapReport, p: &Params) -> Result<String, Problem> {
    let sides = report.by.default_sides();
    let mut fields = vec![
        select("by", "sides by", p, BY_CHOICES),
        field("a", "side A", p, sides.map_or("", |d| d.0)),
        field("b", "side B", p, sides.map_or("", |d| d.1)),
        select(
            "every",
            "one point per",
            p,
            &[("snapshot", "snapshot"), ("month", "month")],
        ),
        field("from", "from", p, "YYYY-MM"),
        field("to", "to", p, "YYYY-MM"),
        field("snapshot", "single snapshot", p, "YYYY-MM-DD"),
    ];
    fields.extend(leaderboard_fields(p));
    let latest = report.points.last();
    let mut table = report.to_table();
    let (a, b) = (report.a.to_string(), report.b.to_string());
    human_headers(
        &mut table,
        &[
            ("date", "Date".into()),
            ("snapshot", "Snapshot".into()),
            ("source", "Source".into()),
            ("a_model", format!("{a} leader")),
            ("a_rating", format!("{a} rating (points)")),
            ("a_lower", format!("{a} 95% low (points)")),
            ("a_upper", format!("{a} 95% high (points)")),
            ("b_model", format!("{b} leader")),
            ("b_rating", format!("{b} rating (points)")),
            ("b_lower", format!("{b} 95% low (points)")),
            ("b_upper", format!("{b} 95% high (points)")),
            ("gap", "Gap (rating points)".into()),
            (
                "win_probability",
                format!("{a} leader preferred in a vote (probability)"),
            ),
            ("gap_percent", format!("Gap (% of {b} rating)")),
            ("separable", "Intervals apart".into()),
        ],
    );
    let page = GapPage {
        chrome: Chrome::english_body(p.lang, "/race"),
        title: format!("versus: best {} vs best {} model", report.a, report.b),
        report,
        form: Form {
            action: "/race",
            fields,
        },
        latest,
        a_rating: latest.map_or_else(String::new, |l| rating(l.a.rating, l.a.lower, l.a.upper)),
        b_rating: latest.map_or_else(String::new, |l| rating(l.b.rating, l.b.lower, l.b.upper)),
        chart: svg::gap_scene(report).to_svg(),
        table: HtmlTable::new(&table).with_id("points"),
        footer: Footer::new(table.notes.clone(), GAP_CAVEATS, "/api/race/gap", "gap", p),
    };
    Ok(page.render()?)
}

/// `templates/race_value.html`.
#[derive(Template)]
#[template(path = "race_value.html")]
struct ValuePage<'a> {
    title: String,
    chrome: Chrome,
    report: &'a ValueReport,
    form: Form,
    /// " at or below … USD/Mtok" when B's price is bounded.
    bound: String,
    /// B's price as a fraction of A's, in words.
    ratio: String,
    /// Why there is no comparison, when there is none.
    no_comparison: &'a str,
    chart: String,
    table: HtmlTable<'a>,
    footer: Footer<'a>,
}

const VALUE_CAVEATS: &[&str] = &[
    report::CAVEAT_ANCHOR,
    report::CAVEAT_STYLE,
    report::CAVEAT_COUNTRY,
];

fn value_html(report: &ValueReport, p: &Params) -> Result<String, Problem> {
    let mut fields = vec![
        select("by", "sides by", p, BY_CHOICES),
        field("a", "side A", p, "United States"),
        field("b", "side B", p, "China"),
        field(
            "max_price_fraction",
            "B's price ≤ fraction of A's",
            p,
            "0.1",
        ),
        field("max_price", "or ≤ USD/Mtok", p, ""),
        field("snapshot", "snapshot", p, "latest"),
    ];
    fields.extend(leaderboard_fields(p));
    let comparison = report.comparison.as_ref();
    let mut table = report.to_table();
    human_headers(
        &mut table,
        &[
            ("model", "Model".into()),
            ("organization", "Organisation".into()),
            ("group", "Group".into()),
            ("rating", "Rating (points)".into()),
            (
                "price_usd_per_mtok",
                "Blended price (USD per million tokens)".into(),
            ),
            ("input", "Input (USD per million tokens)".into()),
            ("output", "Output (USD per million tokens)".into()),
            ("price_date", "Price as of".into()),
            ("frontier", "On the price–rating frontier".into()),
        ],
    );
    let page = ValuePage {
        chrome: Chrome::english_body(p.lang, "/value"),
        title: format!("versus: rating against price, {}", report.snapshot),
        report,
        form: Form {
            action: "/value",
            fields,
        },
        bound: comparison
            .and_then(|c| c.price_bound_usd)
            .map(|u| format!(" at or below {u:.3} USD/Mtok"))
            .unwrap_or_default(),
        ratio: comparison.and_then(|c| c.price_ratio).map_or_else(
            || "B is free".to_string(),
            |r| format!("1/{r:.2} of the price"),
        ),
        no_comparison: report
            .provenance
            .comparison_note
            .as_deref()
            .unwrap_or("no priced model of a side"),
        chart: svg::value_scene(report).to_svg(),
        table: HtmlTable::new(&table).with_id("models"),
        footer: Footer::new(
            table.notes.clone(),
            VALUE_CAVEATS,
            "/api/race/value",
            "value",
            p,
        ),
    };
    Ok(page.render()?)
}

/// `templates/race_compute.html`.
#[derive(Template)]
#[template(path = "race_compute.html")]
struct ComputePage<'a> {
    title: String,
    chrome: Chrome,
    shares: &'a ComputeShares,
    show_series: bool,
    form: Form,
    /// The four largest shares, in words.
    top: String,
    chart: String,
    table: HtmlTable<'a>,
    series_table: Option<HtmlTable<'a>>,
    footer: Footer<'a>,
}

fn compute_html(
    shares: &ComputeShares,
    series: &ComputeSeries,
    show_series: bool,
    p: &Params,
) -> Result<String, Problem> {
    let fields = vec![
        field("as_of", "as of", p, "latest"),
        select(
            "every",
            "series every",
            p,
            &[
                ("", "year (chart only)"),
                ("year", "year"),
                ("month", "month"),
            ],
        ),
        field("from", "series from", p, "2018"),
        select(
            "measure",
            "measure",
            p,
            &[("op16", "16-bit OP/s"), ("h100e", "H100 equivalents")],
        ),
        checkbox(
            "all_clusters",
            "all clusters (not only Epoch's standard analysis)",
            p,
        ),
    ];
    let top: Vec<String> = shares
        .shares
        .iter()
        .take(4)
        .map(|s| format!("{} {:.2}%", s.country, s.share))
        .collect();
    let mut table = shares.to_table();
    let mut series_table = series.to_table();
    let compute_names = [
        ("as_of", "As of".to_string()),
        ("country", "Country".into()),
        ("share_percent", "Share (%)".into()),
        ("value", format!("Compute ({})", shares.measure.name())),
        ("clusters", "Clusters (count)".into()),
    ];
    human_headers(&mut table, &compute_names);
    human_headers(&mut series_table, &compute_names);
    // The coverage caveat is listed with the caveats, not again with the notes.
    let notes: Vec<String> = table
        .notes
        .iter()
        .filter(|n| n.as_str() != compute::COVERAGE_CAVEAT)
        .cloned()
        .collect();
    let page = ComputePage {
        chrome: Chrome::english_body(p.lang, "/compute"),
        title: format!("versus: compute share by country, {}", shares.as_of),
        shares,
        show_series,
        form: Form {
            action: "/compute",
            fields,
        },
        top: top.join(", "),
        chart: svg::compute_scene(series).to_svg(),
        table: HtmlTable::new(&table).with_id("shares"),
        series_table: show_series.then(|| HtmlTable::new(&series_table).with_id("series")),
        footer: Footer::new(
            notes,
            &[compute::COVERAGE_CAVEAT],
            "/api/race/compute",
            "compute",
            p,
        ),
    };
    Ok(page.render()?)
}

/// `templates/race_audit.html`.
#[derive(Template)]
#[template(path = "race_audit.html")]
struct AuditPage<'a> {
    title: String,
    chrome: Chrome,
    sampling: &'a versus_race::audit::HistorySampling,
    form: Form,
    /// The figures in words.
    key: String,
    /// HTML of the tables, each written by versus-present's table template (which escapes it).
    tables: Vec<String>,
    footer: Footer<'a>,
}

/// Caveats of the audit page.
const AUDIT_CAVEATS: [&str; 2] = [
    "Published vote counts are cumulative totals of the overall leaderboard as scraped on each date: votes gained between two snapshots are the difference, and a count that went down (a re-scrape, a merged key) adds nothing.",
    "These are the leaderboard's own published counts, not its battles: which opponents a model met, and whether the battles were anonymous, are not in them (versus audit VOTES answers that from a vote file).",
];

fn audit_html(
    sampling: &versus_race::audit::HistorySampling,
    top: usize,
    p: &Params,
) -> Result<String, Problem> {
    let fields = vec![field("top", "models shown", p, "20")];
    let busiest = sampling.models.first().map_or_else(
        || "no model gained votes between two snapshots".to_string(),
        |m| {
            format!(
                "the most-sampled model, {} ({}), gained {:.0} votes a day",
                m.model,
                m.group,
                m.per_day.unwrap_or(0.0)
            )
        },
    );
    let last_month = sampling.monthly.last().and_then(|(month, shares)| {
        shares.first().map(|s| {
            format!(
                "; in {month}, {} had {:.1}% of the votes gained",
                s.group,
                100.0 * s.share
            )
        })
    });
    let key = format!(
        "{} snapshots with vote counts, {} to {}: the Gini coefficient of votes gained per day is {:.3}; {busiest}{}.",
        sampling.snapshots,
        sampling.first.map_or_else(|| "–".into(), |d| d.to_string()),
        sampling.last.map_or_else(|| "–".into(), |d| d.to_string()),
        sampling.gini_per_day,
        last_month.unwrap_or_default()
    );
    let tables = versus_race::audit::history_tables(sampling, top);
    let html = tables
        .iter()
        .zip(["models", "monthly"])
        .map(|(t, id)| t.to_html(Some(id)))
        .collect::<Result<Vec<String>, _>>()?;
    let mut footer = Footer::new(
        vec![
            "Gini coefficient: 0 when every model gains votes at the same rate, towards 1 when a few take them all.".into(),
            format!("Data: {} ({} rows).", history::HISTORY_FILE, data_rows()),
        ],
        &AUDIT_CAVEATS,
        "/api/race/audit",
        "audit",
        p,
    );
    footer.command = "versus audit VOTES --output json (its \"history\" part)".into();
    let page = AuditPage {
        chrome: Chrome::english_body(p.lang, "/audit"),
        title: "versus: sampling on the leaderboard, from its published vote counts".into(),
        sampling,
        form: Form {
            action: "/audit",
            fields,
        },
        key,
        tables: html,
        footer,
    };
    Ok(page.render()?)
}

fn data_rows() -> usize {
    race_data().map_or(0, |d| d.history.rows().len())
}

/// The pages' column headers: words and units instead of the CSV field names (the JSON and
/// CSV outputs keep the field names).
fn human_headers(table: &mut versus_present::Table, names: &[(&str, String)]) {
    for column in &mut table.columns {
        if let Some((_, human)) = names.iter().find(|(field, _)| *field == column.header) {
            column.header = human.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(url_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(url_encode("United States"), "United%20States");
        assert_eq!(url_encode("a&b=c/d?ü"), "a%26b%3Dc%2Fd%3F%C3%BC");
    }
    use versus_race::Date;
    use versus_race::gap::{GapQuery, RatedModel, RatedSnapshot, SnapshotSelection};
    use versus_race::history::SnapshotId;

    fn params(pairs: &[(&str, &str)], allowed: &'static [&'static str]) -> Result<Params, Problem> {
        Params::parse(
            Ok(Query(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            allowed,
        )
    }

    #[test]
    fn model_names_are_escaped_on_the_page() {
        let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        let csv = format!(
            "key,display_name,other_names,organization,country,license,open_weights,first_seen,input_usd_per_mtok,output_usd_per_mtok,price_date,price_source\n\
             m1,\"{hostile}\",,\"Org <b>\",United States,Proprietary,no,,,,,\nm2,Other,,Org2,China,MIT,yes,,,,,\n"
        );
        let registry = Registry::parse("inline", &csv).unwrap();
        let query = GapQuery {
            by: GroupBy::Country,
            a: "United States".into(),
            b: "China".into(),
            every: Every::Snapshot,
            selection: SnapshotSelection::overall(),
        };
        let snapshot = RatedSnapshot {
            id: SnapshotId {
                date: Date::parse("2025-01-02").unwrap(),
                source: Source::ArenaCatalog,
            },
            ratings: vec![
                RatedModel {
                    key: "m1".into(),
                    rating: 1300.0,
                    lower: Some(1290.0),
                    upper: Some(1310.0),
                },
                RatedModel {
                    key: "m2".into(),
                    rating: 1250.0,
                    lower: Some(1240.0),
                    upper: Some(1260.0),
                },
            ],
        };
        let report = gap::gap_report(&registry, &query, &[snapshot]);
        let page = gap_html(
            &report,
            &params(&[("a", "\"><script>x</script>")], GAP_PARAMS)
                .unwrap_or_else(|_| panic!("params")),
        )
        .unwrap_or_else(|_| panic!("page"));
        assert!(
            !page.contains("<script") && !page.contains("<img") && !page.contains("<b>"),
            "{page}"
        );
        assert!(page.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;"));
        assert!(page.contains("<svg"));
    }

    #[test]
    fn parameters_are_checked_by_name() {
        let Err(Problem::Param { name, .. }) = params(&[("bye", "country")], GAP_PARAMS) else {
            panic!("unknown name accepted")
        };
        assert_eq!(name, "bye");
        let Err(Problem::Param { name, .. }) = params(&[("a", "x"), ("a", "y")], GAP_PARAMS) else {
            panic!("twice accepted")
        };
        assert_eq!(name, "a");
        let p = params(
            &[("every", "weekly"), ("style_control", "maybe"), ("a", "")],
            GAP_PARAMS,
        )
        .unwrap_or_else(|_| panic!("params"));
        assert!(matches!(
            p.choice("every", Every::from_name, &["snapshot", "month"]),
            Err(Problem::Param { .. })
        ));
        assert!(matches!(
            p.switch("style_control"),
            Err(Problem::Param { .. })
        ));
        assert_eq!(p.text("a"), None);
        let p = params(
            &[
                ("a", "United States"),
                ("style_control", "1"),
                ("by", "country"),
            ],
            GAP_PARAMS,
        )
        .unwrap_or_else(|_| panic!("params"));
        assert_eq!(
            p.query_string(),
            "?by=country&a=United%20States&style_control=1"
        );
        assert_eq!(
            p.flags(),
            " --by country --a 'United States' --style-control"
        );
    }
}
