//! `versus report`: the page is built into a temporary directory and each section's key numbers
//! are checked against the JSON of the `race` commands (nothing hard-coded); the page loads
//! nothing from outside and escapes its text; the charts are valid SVG and PNG; and the files
//! committed under docs/ are what the commands write today.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn votes_file() -> String {
    repo()
        .join("data/arena-votes-2024-08-14/chatbotarena_20240814.json")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

fn run_in(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run versus");
    assert!(
        out.status.success(),
        "versus {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&run_in(&repo(), args)).expect("json")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("versus-report-test");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

const ROUNDS: &str = "100";

/// The page, generated once per test binary.
fn report() -> &'static str {
    static REPORT: OnceLock<String> = OnceLock::new();
    REPORT.get_or_init(|| {
        let out = tmp("report.html");
        let votes = votes_file();
        run_in(
            &repo(),
            &[
                "report",
                "--out",
                out.to_str().expect("path"),
                "--votes",
                &votes,
                "--rounds",
                ROUNDS,
                "--seed",
                "42",
            ],
        );
        std::fs::read_to_string(&out).expect("report written")
    })
}

fn section(id: &str) -> &'static str {
    let html = report();
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").expect("section end") + start;
    &html[start..end]
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// The page's escaping (the template engine's HTML escaper), applied here to the expected text.
fn page_escaped(s: &str) -> String {
    let Ok(text) = askama::filters::escape(s, askama::filters::Html);
    text.to_string()
}

fn assert_has(section_id: &str, needle: &str) {
    assert!(
        section(section_id).contains(needle),
        "section {section_id} lacks {needle:?}"
    );
}

/// Every monthly gap of a `race gap` JSON report is a table cell of the section, with its snapshot.
fn assert_gap_rows(section_id: &str, report: &Value) {
    let points = report["points"].as_array().expect("points");
    assert!(!points.is_empty());
    for p in points {
        assert_has(
            section_id,
            &format!(
                "<td>{}</td><td>{}</td>",
                text(&p["date"]),
                text(&p["snapshot"])
            ),
        );
        assert_has(
            section_id,
            &format!(
                "<td>{:.1}</td><td>{:.3}</td>",
                num(&p["gap"]),
                num(&p["win_probability"])
            ),
        );
        assert_has(
            section_id,
            &format!("<td>{}</td>", page_escaped(text(&p["b"]["name"]))),
        );
    }
}

fn early_2024_mean(report: &Value) -> f64 {
    let gaps: Vec<f64> = report["points"]
        .as_array()
        .expect("points")
        .iter()
        .filter(|p| ["2024-01", "2024-02", "2024-03"].contains(&text(&p["date"])))
        .map(|p| num(&p["gap"]))
        .collect();
    assert_eq!(gaps.len(), 3);
    gaps.iter().sum::<f64>() / 3.0
}

#[test]
fn us_china_section_states_the_claim_with_the_actual_numbers() {
    let monthly = json(&["race", "gap", "--every", "month", "--output", "json"]);
    assert_gap_rows("gap-country", &monthly);
    assert_has(
        "gap-country",
        &format!("mean {:.1} points", early_2024_mean(&monthly)),
    );
    // February 2025, snapshot by snapshot: its low and the month's last value.
    let feb = json(&[
        "race", "gap", "--from", "2025-02", "--to", "2025-02", "--output", "json",
    ]);
    let low = feb["points"]
        .as_array()
        .expect("points")
        .iter()
        .min_by(|x, y| num(&x["gap"]).total_cmp(&num(&y["gap"])))
        .expect("a February snapshot");
    assert_has(
        "gap-country",
        &format!(
            "to {:.1} at February 2025&#39;s low ({})",
            num(&low["gap"]),
            text(&low["snapshot"])
        ),
    );
    let end = monthly["points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["date"] == "2025-02")
        .expect("2025-02");
    assert_has(
        "gap-country",
        &format!(
            "({}) it was {:.1}",
            text(&end["snapshot"]),
            num(&end["gap"])
        ),
    );
    let latest = monthly["points"]
        .as_array()
        .expect("points")
        .last()
        .expect("latest");
    assert_has(
        "gap-country",
        &format!(
            "Latest month ({}, snapshot {} from {}): {:.1} points",
            text(&latest["date"]),
            text(&latest["snapshot"]),
            text(&latest["source"]),
            num(&latest["gap"])
        ),
    );
    // The chart is inline.
    assert!(
        section("gap-country").contains("<svg")
            && section("gap-country").contains("rating (Elo scale)")
    );
}

#[test]
fn style_control_and_licence_sections_match_race_gap() {
    let styled = json(&[
        "race",
        "gap",
        "--every",
        "month",
        "--style-control",
        "--output",
        "json",
    ]);
    assert_eq!(styled["provenance"]["style_control"], true);
    assert_gap_rows_styled(&styled);
    let licence = json(&[
        "race", "gap", "--by", "licence", "--every", "month", "--output", "json",
    ]);
    assert_gap_rows("gap-licence", &licence);
    assert_has(
        "gap-licence",
        &format!("mean {:.1} points", early_2024_mean(&licence)),
    );
    assert!(section("gap-style").contains("<svg") && section("gap-licence").contains("<svg"));
}

/// The style-control table has its own layout: month, snapshot, leaders, then the gap.
fn assert_gap_rows_styled(report: &Value) {
    let points = report["points"].as_array().expect("points");
    assert!(!points.is_empty(), "no style-control points to check");
    for p in points {
        assert_has(
            "gap-style",
            &format!(
                "<td>{}</td><td>{}</td>",
                text(&p["date"]),
                text(&p["snapshot"])
            ),
        );
        assert_has(
            "gap-style",
            &format!(
                "<td>{:.1}</td><td>{:.3}</td><td>{}</td>",
                num(&p["gap"]),
                num(&p["win_probability"]),
                text(&p["separable"])
            ),
        );
    }
}

#[test]
fn value_section_states_rating_ratio_price_ratio_and_win_probability() {
    for extra in [&[][..], &["--max-price-fraction", "0.1"][..]] {
        let mut args = vec!["race", "value", "--output", "json"];
        args.extend_from_slice(extra);
        let v = json(&args);
        let c = &v["comparison"];
        assert_has(
            "value",
            &format!(
                "{:.2}% of the rating at 1/{:.2} of the price",
                num(&c["rating_percent"]),
                num(&c["price_ratio"])
            ),
        );
        assert_has("value", &format!("it is {:.1} behind", num(&c["gap"])));
        assert_has(
            "value",
            &format!(
                "(win probability {:.3}); 95% intervals separable: {}",
                num(&c["win_probability"]),
                text(&c["separable"])
            ),
        );
        assert_has("value", &page_escaped(text(&c["b_best"]["name"])));
        assert_has("value", &page_escaped(text(&c["a_best"]["name"])));
        assert_has(
            "value",
            &format!("Latest snapshot: {}", text(&v["snapshot"])),
        );
        // Every frontier model is in the frontier table.
        let frontier = v["frontier"].as_array().expect("frontier");
        assert!(!frontier.is_empty(), "an empty frontier checks nothing");
        for key in frontier {
            let model = v["models"]
                .as_array()
                .expect("models")
                .iter()
                .find(|m| m["model"] == *key)
                .expect("frontier model");
            assert_has(
                "value",
                &format!("<td>{}</td>", page_escaped(text(&model["name"]))),
            );
        }
    }
}

#[test]
fn compute_section_matches_race_compute() {
    let now = json(&["race", "compute", "--output", "json"]);
    let h100 = json(&["race", "compute", "--measure", "h100e", "--output", "json"]);
    let share = |report: &Value, country: &str| -> f64 {
        report["shares"]
            .as_array()
            .expect("shares")
            .iter()
            .find(|s| s["country"] == country)
            .map(|s| num(&s["share"]))
            .unwrap_or_else(|| panic!("no share for {country}"))
    };
    assert_has(
        "compute",
        &format!(
            "On {} ({} clusters counted)",
            text(&now["as_of"]),
            now["provenance"]["clusters_counted"]
        ),
    );
    assert_has(
        "compute",
        &format!(
            "United States {:.2}%, China {:.2}%",
            share(&now, "United States"),
            share(&now, "China")
        ),
    );
    assert_has(
        "compute",
        &format!(
            "H100 equivalents instead: United States {:.2}%, China {:.2}%",
            share(&h100, "United States"),
            share(&h100, "China")
        ),
    );
    let shares = now["shares"].as_array().expect("shares");
    assert!(shares.len() >= 2, "US and China at least: {shares:?}");
    for s in shares {
        assert_has(
            "compute",
            &format!(
                "<td>{}</td><td>{:.2}</td>",
                page_escaped(text(&s["country"])),
                num(&s["share"])
            ),
        );
    }
    let yearly = json(&["race", "compute", "--every", "year", "--output", "json"]);
    let years = yearly["points"].as_array().expect("points");
    assert!(!years.is_empty(), "no yearly points");
    for p in years {
        let us = p["shares"]
            .as_array()
            .expect("shares")
            .iter()
            .find(|s| s["country"] == "United States")
            .map(|s| num(&s["share"]))
            .expect("a United States share every year");
        assert_has(
            "compute",
            &format!("<td>{}</td><td>{:.2}</td>", text(&p["as_of"]), us),
        );
    }
    assert!(section("compute").contains("Coverage:"), "coverage caveat");
}

#[test]
fn votes_section_matches_race_gap_votes() {
    let votes = votes_file();
    let v = json(&[
        "race", "gap", "--votes", &votes, "--rounds", ROUNDS, "--seed", "42", "--output", "json",
    ]);
    let p = &v["points"][0];
    assert_has(
        "votes",
        &format!(
            "Gap {:.1} points, 95% bootstrap interval [{:.1}, {:.1}] ({ROUNDS} replicates, seed 42",
            num(&p["gap"]),
            num(&p["gap_lower"]),
            num(&p["gap_upper"])
        ),
    );
    assert_has(
        "votes",
        &format!(
            "win probability {:.3}; separable (interval excludes 0): {}",
            num(&p["win_probability"]),
            text(&p["separable"])
        ),
    );
    assert_has("votes", &page_escaped(text(&p["a"]["name"])));
    let published = json(&[
        "race",
        "gap",
        "--snapshot",
        "2024-08-13",
        "--output",
        "json",
    ]);
    assert_has(
        "votes",
        &format!("gap {:.1} points", num(&published["points"][0]["gap"])),
    );
}

/// Section (g) shows what `versus audit` computes from the same votes, rounds and seed.
#[test]
fn audit_section_matches_versus_audit() {
    let votes = votes_file();
    let a = json(&[
        "audit", &votes, "--rounds", ROUNDS, "--seed", "42", "--output", "json",
    ]);
    let st = &a["stability"];
    assert_has(
        "audit",
        &format!(
            "Rank stability: {} of the top {} positions are statistically tied ({ROUNDS} bootstrap rounds",
            st["tied_positions"],
            st["top"].as_array().expect("top").len()
        ),
    );
    assert_has(
        "audit",
        &format!(
            "the Gini coefficient of battles per model is {:.3}",
            num(&a["sampling"]["gini_battles"])
        ),
    );
    let orgs = a["shares"]
        .as_array()
        .expect("shares")
        .iter()
        .find(|s| s[0] == "organisation")
        .expect("organisation shares");
    let top = &orgs[1][0];
    assert_has(
        "audit",
        &format!(
            "The models of {} have {:.1}% of all appearances in battles",
            page_escaped(text(&top["group"])),
            100.0 * num(&top["share"])
        ),
    );
    for g in a["gaps"].as_array().expect("gaps") {
        assert_has(
            "audit",
            &format!(
                ": {:.1} points [{:.1}, {:.1}]",
                num(&g["gap"]["gap"]),
                num(&g["gap"]["gap_lower"]),
                num(&g["gap"]["gap_upper"])
            ),
        );
    }
    // Its tables are the command's: the stability table's first model is in the section.
    assert_has("audit", &page_escaped(text(&st["top"][0]["model"])));
}

#[test]
fn report_is_self_contained_and_escaped() {
    let html = report();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Links and sources: only in-page anchors; the only URL is the SVG namespace name.
    for attr in ["src=", "href="] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with("\"#"),
                "external {attr}{}",
                &value[..value.len().min(60)]
            );
        }
    }
    assert_eq!(
        html.matches("http").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    for banned in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!html.contains(banned), "page contains {banned}");
    }
    // Text is escaped: every `&` starts an escape, quoted claims are written escaped, and outside
    // the inline charts only the page's own tags occur.
    for (i, _) in html.match_indices('&') {
        assert!(
            ["&#38;", "&#60;", "&#62;", "&#34;", "&#39;"]
                .iter()
                .any(|e| html[i..].starts_with(e)),
            "bare & at {}",
            &html[i..i + 20]
        );
    }
    assert!(html.contains("&#34;The gap between the best American"));
    assert!(html.contains("LMArena&#39;s"));
    let allowed = [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "code",
        "ul",
        "li",
        "a",
        "section",
        "strong",
        "div",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
    ];
    let mut outside = html.to_string();
    while let Some(start) = outside.find("<svg") {
        let end = outside[start..].find("</svg>").expect("svg end") + start + 6;
        outside.replace_range(start..end, "");
    }
    for (i, _) in outside.match_indices('<') {
        let tag = &outside[i + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.starts_with("!DOCTYPE") {
            continue;
        }
        assert!(
            allowed.contains(&name.as_str()),
            "unexpected tag <{}",
            &tag[..tag.len().min(40)]
        );
    }
    assert_eq!(html.matches("<svg").count(), 5, "five inline charts");
}

fn png_ok(path: &Path) {
    let png = std::fs::read(path).expect("png");
    assert_eq!(
        png[..8],
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a],
        "{}",
        path.display()
    );
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert_eq!(width, 1920, "{}", path.display());
    assert!(
        png.len() > 40_000,
        "{} is only {} bytes",
        path.display(),
        png.len()
    );
}

/// The commands behind docs/charts and docs/report.html (see docs/charts/README.md): the
/// committed files must be what they write now, so the docs cannot drift from the data.
#[test]
fn committed_charts_and_report_are_current() {
    let root = repo();
    let charts: [(&str, Vec<&str>); 3] = [
        (
            "gap",
            vec!["race", "gap", "--every", "month", "--output", "csv"],
        ),
        (
            "value",
            vec![
                "race",
                "value",
                "--max-price-fraction",
                "0.1",
                "--output",
                "csv",
            ],
        ),
        (
            "compute",
            vec!["race", "compute", "--every", "month", "--output", "csv"],
        ),
    ];
    let stale = "is stale: regenerate docs/ with the commands in docs/charts/README.md";
    for (name, args) in charts {
        let (svg, png) = (tmp(&format!("{name}.svg")), tmp(&format!("{name}.png")));
        let mut args = args.clone();
        args.extend_from_slice(&[
            "--svg",
            svg.to_str().expect("path"),
            "--png",
            png.to_str().expect("path"),
        ]);
        let csv = run_in(&root, &args);
        let svg_text = std::fs::read_to_string(&svg).expect("svg written");
        assert!(
            svg_text.starts_with("<svg")
                && svg_text.contains("<title>")
                && svg_text.contains("Source: ")
        );
        png_ok(&png);
        let committed = root.join("docs/charts");
        assert_eq!(
            std::fs::read_to_string(committed.join(format!("{name}.svg"))).expect("committed svg"),
            svg_text,
            "docs/charts/{name}.svg {stale}"
        );
        assert_eq!(
            std::fs::read(committed.join(format!("{name}.csv"))).expect("committed csv"),
            csv,
            "docs/charts/{name}.csv {stale}"
        );
        png_ok(&committed.join(format!("{name}.png")));
    }
    let out = tmp("report-docs.html");
    run_in(&root, &["report", "--out", out.to_str().expect("path")]);
    let fresh = std::fs::read_to_string(&out).expect("report");
    let committed =
        std::fs::read_to_string(root.join("docs/report.html")).expect("docs/report.html");
    assert!(committed == fresh, "docs/report.html {stale}");
}

#[test]
fn chart_flags_are_checked() {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .args([
            "race",
            "compute",
            "--svg",
            tmp("x.svg").to_str().expect("path"),
        ])
        .output()
        .expect("run versus");
    // Refused for the stated reason (not any failure): exit 2 and a message naming --every.
    assert_eq!(out.status.code(), Some(2), "a compute chart needs --every");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--every"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_versus"))
        .current_dir(std::env::temp_dir())
        .args(["report", "--out", tmp("never.html").to_str().expect("path")])
        .output()
        .expect("run versus");
    assert_eq!(
        missing.status.code(),
        Some(2),
        "missing default vote file is an input error"
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--votes"));
}

/// `race gap` says how old its data are, and warns once they are over 90 days old (the day is
/// pinned with SOURCE_DATE_EPOCH).
#[test]
fn race_commands_say_how_old_the_data_are() {
    let newest = versus_race::history::History::shipped()
        .unwrap()
        .rows()
        .iter()
        .map(|r| r.date)
        .max()
        .unwrap();
    let stderr_on = |days_later: i64| {
        let seconds = (newest.days_since_epoch() + days_later) * 86_400;
        let out = Command::new(env!("CARGO_BIN_EXE_versus"))
            .args(["race", "gap", "--output", "json"])
            .env("SOURCE_DATE_EPOCH", seconds.to_string())
            .output()
            .expect("run versus");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        stderr
    };
    let fresh = stderr_on(10);
    assert!(
        fresh.contains(&format!(
            "note: leaderboard data as of {newest} (10 days old)"
        )),
        "{fresh}"
    );
    assert!(!fresh.contains("warning"), "{fresh}");
    let stale = stderr_on(120);
    assert!(
        stale.contains(&format!(
            "warning: the newest leaderboard snapshot ({newest}) is 120 days old, over 90"
        )),
        "{stale}"
    );
}
