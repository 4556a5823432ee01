//! The race views served by the arena: `/api/race/*` answers exactly what `versus race …
//! --output json` prints (the same options through `versus_race::options`, computed here from
//! the race crate directly), the pages show the chart and the numbers, text is escaped, and a
//! bad parameter is a 400 that names it.

mod common;

use std::sync::OnceLock;
use versus_present::Tabular;

use common::*;
use versus_present::OutputFormat;
use versus_race::compute::{self, Cluster, Measure, Period};
use versus_race::gap::{self, Every, GapReport};
use versus_race::group::GroupBy;
use versus_race::history::{History, Source};
use versus_race::options::{ComputeOptions, GapOptions, LeaderboardOptions, ValueOptions};
use versus_race::registry::Registry;
use versus_race::value::{self, ValueReport};

/// Text as the pages write it: through the template engine's HTML escaper.
fn page_escaped(text: &str) -> String {
    let Ok(text) = askama::filters::escape(text, askama::filters::Html);
    text.to_string()
}

struct Shipped {
    registry: Registry,
    history: History,
    clusters: Vec<Cluster>,
}

fn shipped() -> &'static Shipped {
    static DATA: OnceLock<Shipped> = OnceLock::new();
    DATA.get_or_init(|| Shipped {
        registry: Registry::shipped().unwrap(),
        history: History::shipped().unwrap(),
        clusters: compute::shipped_clusters().unwrap(),
    })
}

/// A query string, percent-encoded.
fn qs(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    format!("?{}", parts.join("&"))
}

fn gap_json(options: &GapOptions) -> String {
    let d = shipped();
    gap::gap(
        &d.registry,
        &d.history,
        &options.query(&d.registry).unwrap(),
    )
    .unwrap()
    .render(OutputFormat::Json)
    .unwrap()
}

fn gap_report(options: &GapOptions) -> GapReport {
    let d = shipped();
    gap::gap(
        &d.registry,
        &d.history,
        &options.query(&d.registry).unwrap(),
    )
    .unwrap()
}

fn value_report(options: &ValueOptions) -> ValueReport {
    let d = shipped();
    value::value(
        &d.registry,
        &d.history,
        &options.query(&d.registry).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn race_json_is_the_commands_json() {
    let t = start("race-json", None, "").await;
    // `versus race gap --output json`, and with the flags of the example.
    let cases: Vec<(Vec<(&str, &str)>, GapOptions)> = vec![
        (vec![], GapOptions::default()),
        (
            vec![
                ("by", "country"),
                ("a", "United States"),
                ("b", "China"),
                ("every", "month"),
                ("style_control", "1"),
                ("category", "full"),
            ],
            GapOptions {
                a: Some("United States".into()),
                b: Some("China".into()),
                every: Every::Month,
                leaderboard: LeaderboardOptions {
                    style_control: true,
                    ..LeaderboardOptions::default()
                },
                ..GapOptions::default()
            },
        ),
        (
            vec![("by", "licence"), ("every", "month")],
            GapOptions {
                by: GroupBy::Licence,
                every: Every::Month,
                ..GapOptions::default()
            },
        ),
        (
            vec![
                ("by", "organisation"),
                ("a", "OpenAI"),
                ("b", "DeepSeek"),
                ("from", "2024-06"),
                ("to", "2025-03"),
                ("source", "scrape"),
            ],
            GapOptions {
                by: GroupBy::Organisation,
                a: Some("OpenAI".into()),
                b: Some("DeepSeek".into()),
                from: Some("2024-06".into()),
                to: Some("2025-03".into()),
                leaderboard: LeaderboardOptions {
                    source: Some(Source::LeaderboardScrape),
                    ..LeaderboardOptions::default()
                },
                ..GapOptions::default()
            },
        ),
        (
            vec![("snapshot", "2024-08-13")],
            GapOptions {
                snapshot: Some("2024-08-13".into()),
                ..GapOptions::default()
            },
        ),
    ];
    for (pairs, options) in &cases {
        let r = t.get(&format!("/api/race/gap{}", qs(pairs)), None).await;
        assert_eq!(r.status, 200, "{pairs:?}: {}", r.text);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(r.text, gap_json(options), "{pairs:?}");
        let j = r.json();
        assert!(
            j["points"].as_array().is_some_and(|p| !p.is_empty())
                && j["provenance"].is_object()
                && j["by"].is_string(),
            "{pairs:?}"
        );
    }

    // `versus race value --max-price-fraction 0.1` and `--max-price 1 --snapshot …`.
    let d = shipped();
    // The third field: the error expected (a date the shipped history has no snapshot on:
    // its snapshots nearest 2025-06-23 are 2025-06-18 and 2025-06-25), or None for an answer.
    type ValueCase<'a> = (Vec<(&'a str, &'a str)>, ValueOptions, Option<&'a str>);
    let value_cases: Vec<ValueCase> = vec![
        (vec![], ValueOptions::default(), None),
        (
            vec![("max_price_fraction", "0.1")],
            ValueOptions {
                max_price_fraction: Some(0.1),
                ..ValueOptions::default()
            },
            None,
        ),
        (
            vec![("max_price", "1"), ("snapshot", "2025-06-23")],
            ValueOptions {
                max_price: Some(1.0),
                snapshot: Some("2025-06-23".into()),
                ..ValueOptions::default()
            },
            Some("no snapshot on 2025-06-23"),
        ),
    ];
    for (pairs, options, want_error) in &value_cases {
        let r = t.get(&format!("/api/race/value{}", qs(pairs)), None).await;
        let expected = value::value(
            &d.registry,
            &d.history,
            &options.query(&d.registry).unwrap(),
        )
        .map(|v| v.render(OutputFormat::Json).unwrap());
        match (expected, want_error) {
            (Ok(json), None) => {
                assert_eq!(r.status, 200, "{pairs:?}: {}", r.text);
                assert_eq!(r.text, json, "{pairs:?}");
                assert!(r.json()["comparison"].is_object(), "{pairs:?}: {}", r.text);
            }
            // A snapshot date the history lacks is a 400 with the same message.
            (Err(e), Some(want)) => {
                assert_eq!(r.status, 400, "{pairs:?}: {}", r.text);
                assert_eq!(r.json()["error"], e.to_string());
                assert!(e.to_string().contains(want), "{pairs:?}: {e}");
            }
            (got, want) => panic!("{pairs:?}: expected error {want:?}, got {got:?}"),
        }
    }

    // `versus race compute` at the latest date, at a date, and as a series.
    let compute_cases: Vec<(Vec<(&str, &str)>, ComputeOptions)> = vec![
        (vec![], ComputeOptions::default()),
        (
            vec![("as_of", "2024"), ("measure", "h100e")],
            ComputeOptions {
                as_of: Some("2024".into()),
                measure: Measure::H100Equivalents,
                ..ComputeOptions::default()
            },
        ),
        (
            vec![("every", "year"), ("measure", "h100e")],
            ComputeOptions {
                every: Some(Period::Year),
                measure: Measure::H100Equivalents,
                ..ComputeOptions::default()
            },
        ),
        (
            vec![
                ("every", "month"),
                ("from", "2024-01"),
                ("all_clusters", "1"),
            ],
            ComputeOptions {
                every: Some(Period::Month),
                from: Some("2024-01".into()),
                all_clusters: true,
                ..ComputeOptions::default()
            },
        ),
    ];
    for (pairs, options) in &compute_cases {
        let r = t
            .get(&format!("/api/race/compute{}", qs(pairs)), None)
            .await;
        assert_eq!(r.status, 200, "{pairs:?}: {}", r.text);
        assert_eq!(
            r.text,
            options
                .compute(&d.clusters)
                .unwrap()
                .render(OutputFormat::Json)
                .unwrap(),
            "{pairs:?}"
        );
    }
}

#[tokio::test]
async fn race_pages_show_the_chart_table_and_numbers() {
    let t = start("race-pages", None, "").await;
    // The gap, as in the example.
    let pairs = [
        ("by", "country"),
        ("a", "United States"),
        ("b", "China"),
        ("every", "month"),
        ("style_control", "1"),
        ("category", "full"),
    ];
    let page = t.get(&format!("/race{}", qs(&pairs)), None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    // How old the data are, from the shipped history's newest date.
    let newest = shipped()
        .history
        .rows()
        .iter()
        .map(|r| r.date)
        .max()
        .unwrap();
    assert!(
        page.text
            .contains(&format!("Leaderboard data as of {newest} (")),
        "no data date on the page"
    );
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let report = gap_report(&GapOptions {
        every: Every::Month,
        leaderboard: LeaderboardOptions {
            style_control: true,
            ..LeaderboardOptions::default()
        },
        ..GapOptions::default()
    });
    let last = report.points.last().unwrap();
    let html = &page.text;
    assert!(html.contains("<svg") && html.contains("id=\"chart\""));
    assert!(
        html.contains(&format!(
            "<strong class=\"leader-a\">{}</strong>",
            page_escaped(&last.a.name)
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<strong class=\"leader-b\">{}</strong>",
        page_escaped(&last.b.name)
    )));
    assert!(html.contains(&format!("Gap <strong>{:.1}</strong> points", last.gap)));
    // Every point is a table row; provenance notes and caveats are on the page.
    for p in &report.points {
        assert!(
            html.contains(&format!(
                "<td>{}</td><td>{}</td>",
                page_escaped(&p.date),
                p.snapshot
            )),
            "row {}",
            p.date
        );
    }
    for note in &report.provenance.notes {
        assert!(html.contains(&page_escaped(note)), "note {note}");
    }
    assert!(html.contains("Caveats") && html.contains("Rating drift between snapshots"));
    assert!(html.contains("href=\"/api/race/gap?by=country&#38;a=United%20States&#38;b=China&#38;every=month&#38;category=full&#38;style_control=1\""), "{html}");
    assert!(html.contains("versus race gap --by country --a &#39;United States&#39; --b China --every month --category full --style-control --output json"));
    // The nav reaches the race pages from every page.
    for path in ["/", "/leaderboard", "/race"] {
        let nav = t.get(path, None).await.text;
        assert!(nav.contains("<a href=\"/race\">Race</a><a href=\"/value\">Value</a><a href=\"/compute\">Compute</a>"), "{path}");
    }
    // The only script on the race page is none at all.
    assert!(!html.contains("<script"));

    // Value: the compared pair, the frontier chart, the models table.
    let page = t.get("/value?max_price_fraction=0.1", None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let report = value_report(&ValueOptions {
        max_price_fraction: Some(0.1),
        ..ValueOptions::default()
    });
    let c = report.comparison.as_ref().unwrap();
    let html = &page.text;
    assert!(html.contains("<svg"));
    assert!(
        html.contains(&format!(
            "<strong>{}</strong>",
            page_escaped(&c.a_best.name)
        )) && html.contains(&format!(
            "<strong>{}</strong>",
            page_escaped(&c.b_best.name)
        ))
    );
    assert!(html.contains(&format!("Gap <strong>{:.1}</strong> points", c.gap)));
    assert!(html.contains(&format!(
        "<td>{}</td>",
        page_escaped(&report.models[0].name)
    )));
    assert!(html.contains(&page_escaped(value::PRICE_NOTE)));

    // Compute: the series chart, the shares at the date, Epoch's coverage caveat.
    let page = t.get("/compute?every=year&measure=h100e", None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let d = shipped();
    let options = ComputeOptions {
        measure: Measure::H100Equivalents,
        ..ComputeOptions::default()
    };
    let shares = compute::shares_at(
        &d.clusters,
        options.query(),
        options.as_of(&d.clusters).unwrap(),
    );
    let html = &page.text;
    assert!(html.contains("<svg") && html.contains("id=\"series\""));
    let top = &shares.shares[0];
    assert!(
        html.contains(&format!("{} {:.2}%", page_escaped(&top.country), top.share)),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<td>{}</td><td>{:.2}</td>",
        page_escaped(&top.country),
        top.share
    )));
    assert!(html.contains(&page_escaped(compute::COVERAGE_CAVEAT)));
    // Without `every` the page still draws a (yearly) chart.
    let page = t.get("/compute", None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("<svg") && !page.text.contains("id=\"series\""));
}

/// `/audit` and `/api/race/audit`: the sampling audit of the published vote counts, the figures
/// of `versus_race::audit::history_sampling` (what `versus audit` prints as its history part).
#[tokio::test]
async fn the_audit_page_shows_the_published_vote_counts_audit() {
    let t = start("race-audit", None, "").await;
    let data = shipped();
    let expected = versus_race::audit::history_sampling(&data.registry, data.history.rows());
    assert!(expected.snapshots > 10 && !expected.models.is_empty());
    let api = t.get("/api/race/audit", None).await;
    assert_eq!(api.status, 200, "{}", api.text);
    assert_eq!(
        api.text,
        versus_present::to_json(&expected).unwrap(),
        "the JSON is the audit function's"
    );
    let page = t.get("/audit?top=5", None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let html = &page.text;
    assert!(
        html.contains(&format!(
            "{} snapshots with vote counts, {} to {}: the Gini coefficient of votes gained per day is {:.3}",
            expected.snapshots,
            expected.first.unwrap(),
            expected.last.unwrap(),
            expected.gini_per_day
        )),
        "{html}"
    );
    let top = &expected.models[0];
    assert!(html.contains(&page_escaped(&top.model)));
    // `top=5`: five model rows in the first table.
    let models = &html[html.find("id=\"models\"").unwrap()..];
    let models = &models[..models.find("</table>").unwrap()];
    assert_eq!(models.matches("<tr>").count(), 6, "header + 5 rows");
    assert!(html.contains("href=\"/audit\""), "the nav links the page");
    assert!(html.contains("<main class=\"race\">"));
}

#[tokio::test]
async fn hostile_parameters_are_escaped() {
    let t = start("race-hostile", None, "").await;
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    for (path, pairs) in [
        (
            "/race",
            vec![("by", "organisation"), ("a", hostile), ("b", "OpenAI")],
        ),
        ("/race", vec![("category", hostile)]),
        ("/race", vec![("from", hostile)]),
        ("/value", vec![("max_price", hostile)]),
        ("/compute", vec![("as_of", hostile)]),
        ("/race", vec![(hostile, "1")]),
    ] {
        let page = t.get(&format!("{path}{}", qs(&pairs)), None).await;
        assert_eq!(page.status, 400, "{path} {pairs:?}");
        assert!(
            page.text.contains(
                "&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;"
            ),
            "{}",
            page.text
        );
        assert!(
            !page.text.contains("<script") && !page.text.contains("<img"),
            "{}",
            page.text
        );
    }
    // On a good page, what was typed into the form comes back escaped too.
    let page = t
        .get(
            &format!("/race{}", qs(&[("a", "US"), ("b", "china")])),
            None,
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("name=\"a\" value=\"US\""));
}

#[tokio::test]
async fn bad_parameters_are_400_naming_them() {
    let t = start("race-bad", None, "").await;
    // (view, parameters, the parameter the 400 names)
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    );
    let cases: &[Case] = &[
        ("gap", &[("every", "weekly")], "every"),
        ("gap", &[("by", "planet")], "by"),
        ("gap", &[("style_control", "maybe")], "style_control"),
        ("gap", &[("from", "2024-13")], "from"),
        ("gap", &[("to", "tomorrow")], "to"),
        ("gap", &[("snapshot", "2024-08")], "snapshot"),
        (
            "gap",
            &[("snapshot", "2024-08-13"), ("from", "2024")],
            "snapshot",
        ),
        ("gap", &[("a", "Atlantis")], "a"),
        ("gap", &[("by", "organisation"), ("a", "OpenAI")], "b"),
        ("gap", &[("source", "wiki")], "source"),
        ("gap", &[("a", "US"), ("a", "China")], "a"),
        ("gap", &[("bye", "country")], "bye"),
        ("gap", &[("votes", "file.json")], "votes"),
        ("value", &[("max_price", "cheap")], "max_price"),
        (
            "value",
            &[("max_price_fraction", "-1")],
            "max_price_fraction",
        ),
        (
            "value",
            &[("max_price", "1"), ("max_price_fraction", "0.1")],
            "max_price",
        ),
        ("value", &[("every", "month")], "every"),
        ("compute", &[("measure", "flops")], "measure"),
        ("compute", &[("as_of", "soon")], "as_of"),
        ("compute", &[("every", "decade")], "every"),
        ("compute", &[("from", "2020")], "from"),
        ("audit", &[("top", "0")], "top"),
        ("audit", &[("top", "many")], "top"),
        ("audit", &[("seed", "1")], "seed"),
    ];
    for (view, pairs, name) in cases {
        let api = t.get(&format!("/api/race/{view}{}", qs(pairs)), None).await;
        assert_eq!(api.status, 400, "{view} {pairs:?}: {}", api.text);
        assert!(
            api.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let j = api.json();
        assert_eq!(j["parameter"], *name, "{view} {pairs:?}: {j}");
        assert!(
            j["error"]
                .as_str()
                .unwrap()
                .starts_with(&format!("parameter `{name}`: ")),
            "{j}"
        );
        let page_path = if *view == "gap" {
            "/race".to_string()
        } else {
            format!("/{view}")
        };
        let page = t.get(&format!("{page_path}{}", qs(pairs)), None).await;
        assert_eq!(page.status, 400, "{page_path} {pairs:?}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            page.text.contains(&format!("parameter `{name}`")),
            "{}",
            page.text
        );
    }
    // A question the data cannot answer is a 400 too, with the race crate's message.
    let r = t.get("/api/race/gap?category=no-such-category", None).await;
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("no snapshot publishes category `no-such-category`"),
        "{}",
        r.text
    );
    let r = t.get("/race?snapshot=2024-08-12", None).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("no snapshot on 2024-08-12"), "{}", r.text);
    // Empty values (empty form fields) are no value.
    let r = t.get("/api/race/gap?a=&b=&every=&source=", None).await;
    assert_eq!(r.status, 200);
}
