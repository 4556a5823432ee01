//! `versus data add|list`: a newer leaderboard taken in without recompiling moves every race
//! figure; re-adding is a no-op; unknown models stop the add with their nearest names and
//! nothing written; a bundled snapshot cannot be replaced. Each test has its own data dir.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CATALOG: &str = "public/leaderboard-history/arena-catalog-text/leaderboard-text_2025-12-11T173256_ea8297b54.json";

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("versus-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs versus with `--data-dir DIR`; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The 2025-12-11 leaderboard published again "on" `date`, with `edit` applied to its models.
fn snapshot(dir: &Path, date: &str, edit: impl Fn(&mut serde_json::Map<String, Value>)) -> String {
    let text = std::fs::read_to_string(common::testdata(CATALOG)).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    edit(json["full"].as_object_mut().unwrap());
    let path = dir.join(format!("leaderboard-text_{date}T120000_test.json"));
    std::fs::write(&path, json.to_string()).unwrap();
    path.display().to_string()
}

fn last_gap_point(dir: &Path) -> Value {
    let (code, out, err) = run(dir, &["race", "gap", "--output", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    report["points"].as_array().unwrap().last().unwrap().clone()
}

#[test]
fn a_newer_snapshot_moves_the_race_without_recompiling() {
    let dir = tmp("newer");
    let before = last_gap_point(&dir);
    let file = snapshot(&dir, "2026-11-20", |_| {});
    let (code, out, err) = run(&dir, &["data", "add", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("added as leaderboards/") && out.contains("2026-11-20"),
        "{out}"
    );
    let after = last_gap_point(&dir);
    assert_eq!(after["date"], "2026-11-20");
    assert_ne!(before["date"], after["date"]);
    let (_, _, err) = run(&dir, &["race", "gap", "--output", "json"]);
    assert!(err.contains("leaderboard data as of 2026-11-20"), "{err}");

    // Adding the same content again changes nothing.
    let manifest = dir.join("data/manifest.csv");
    let recorded = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        recorded.lines().count() == 2 && recorded.contains(&file),
        "{recorded}"
    );
    let (code, out, _) = run(&dir, &["data", "add", &file]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), recorded);

    // The list shows the bundled sets and the added one with its date.
    let (code, out, _) = run(&dir, &["data", "list", "--output", "csv"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("bundled (data/history)") && out.contains(",2026-11-20,"),
        "{out}"
    );
}

#[test]
fn unknown_models_stop_the_add_with_their_nearest_names() {
    let dir = tmp("unknown");
    let file = snapshot(&dir, "2026-11-21", |models| {
        let entry =
            serde_json::json!({"rating": 1600.0, "rating_q025": 1590.0, "rating_q975": 1610.0});
        models.insert("gemini-3-pro-2026".into(), entry.clone());
        models.insert("qwen9-max".into(), entry);
    });
    let (code, out, err) = run(&dir, &["data", "add", &file]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("2 models the registry does not know; nothing was added"),
        "{err}"
    );
    let line = err
        .lines()
        .find(|l| l.contains("gemini-3-pro-2026"))
        .unwrap();
    assert!(line.contains("nearest known: gemini-3-pro"), "{line}");
    assert!(!dir.join("data/manifest.csv").exists());
    assert!(!dir.join("data/leaderboards").exists());
    let template = std::fs::read_to_string(dir.join("data/registry-unresolved.csv")).unwrap();
    assert!(template.contains("\nqwen9-max,qwen9-max,"), "{template}");

    // Filled in and saved as registry.csv, the models are known: one of them now leads China.
    let filled = template
        .replace(
            "gemini-3-pro-2026,gemini-3-pro-2026,,,,,unknown,",
            "gemini-3-pro-2026,Gemini 3 Pro 2026,,Google,United States,Proprietary,no,",
        )
        .replace(
            "qwen9-max,qwen9-max,,,,,unknown,",
            "qwen9-max,Qwen9 Max,,Alibaba,China,Proprietary,no,",
        );
    std::fs::write(dir.join("data/registry.csv"), filled).unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &file]);
    assert_eq!(code, 0, "{err}");
    let last = last_gap_point(&dir);
    assert_eq!(last["b"]["model"], "qwen9-max");
    assert_eq!(last["gap"].as_f64().unwrap(), 0.0);
}

#[test]
fn unresolved_models_may_be_kept_as_unknown() {
    let dir = tmp("allow");
    let file = snapshot(&dir, "2026-11-22", |models| {
        models.insert(
            "mystery-model".into(),
            serde_json::json!({"rating": 1700.0}),
        );
    });
    let (code, out, err) = run(&dir, &["data", "add", "--allow-unresolved", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(1 models kept as unknown)"), "{out}");
    // Assigned to no side: the leaders are the registry's.
    let last = last_gap_point(&dir);
    assert_eq!(last["date"], "2026-11-22");
    assert_ne!(last["a"]["model"], "mystery-model");
}

#[test]
fn bundled_snapshots_and_other_files_are_refused_by_name() {
    let dir = tmp("refused");
    // The bundled 2025-12-11 leaderboard itself, under another name: refused, not replaced.
    let same_day = snapshot(&dir, "2025-12-11", |models| {
        models.insert("gemini-3-pro".into(), serde_json::json!({"rating": 1.0}));
    });
    let (code, _, err) = run(&dir, &["data", "add", &same_day]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("snapshot of 2025-12-11 is already bundled"),
        "{err}"
    );
    // A vote file is not a leaderboard.
    let csv = dir.join("votes.csv");
    std::fs::write(&csv, "model_a,model_b,winner\na,b,model_a\n").unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &csv.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("votes.csv: not a kind versus can add"),
        "{err}"
    );
    // No date in the name and none given.
    let undated = dir.join("board.json");
    std::fs::write(&undated, r#"{"full": {"gemini-3-pro": {"rating": 1500}}}"#).unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &undated.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("--date YYYY-MM-DD"), "{err}");
    let (code, _, err) = run(
        &dir,
        &[
            "data",
            "add",
            "--date",
            "2026-11-23",
            &undated.display().to_string(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!dir.join("data/manifest.csv.tmp").exists());
}

/// A one-thread HTTP server on loopback answering each path with a canned response; returns
/// its base URL.
fn serve(responses: Vec<(&'static str, Vec<u8>)>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let answer = responses
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                });
            let _ = stream.write_all(&answer);
        }
    });
    base
}

fn http(content_type: &str, body: &[u8], declared: usize) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn downloads_are_validated_like_files() {
    let dir = tmp("download");
    let file = snapshot(&dir, "2026-11-25", |_| {});
    let good = std::fs::read(&file).unwrap();
    let base = serve(vec![
        (
            "/lb/leaderboard-text_2026-11-25T1200.json",
            http("application/json", &good, good.len()),
        ),
        (
            "/lb/cut_2026-11-26.json",
            http("application/json", &good[..good.len() / 2], good.len()),
        ),
        (
            "/lb/page_2026-11-27.json",
            http("text/html; charset=utf-8", b"<html>sign in</html>", 20),
        ),
        (
            "/lb/votes_2026-11-28.csv",
            http("text/csv", b"model_a,model_b,winner\n", 23),
        ),
    ]);
    let url = |p: &str| format!("{base}/lb/{p}");
    for (path, expected) in [
        ("cut_2026-11-26.json", "the download ended after"),
        ("page_2026-11-27.json", "sent an HTML page"),
        ("votes_2026-11-28.csv", "not a kind versus can add"),
        ("missing.json", "HTTP 404 Not Found"),
    ] {
        let (code, _, err) = run(&dir, &["data", "add", &url(path)]);
        assert_eq!(code, 2, "{path}: {err}");
        assert!(
            err.contains(expected) && err.contains(&url(path)),
            "{path}: {err}"
        );
        assert!(
            !dir.join("data/manifest.csv").exists(),
            "{path} wrote something"
        );
    }
    let good_url = url("leaderboard-text_2026-11-25T1200.json");
    let (code, out, err) = run(&dir, &["data", "add", &good_url]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("leaderboards/") && out.contains("2026-11-25"),
        "{out}"
    );
    let manifest = std::fs::read_to_string(dir.join("data/manifest.csv")).unwrap();
    assert!(
        manifest.contains(&good_url),
        "the origin is the URL: {manifest}"
    );
    assert_eq!(last_gap_point(&dir)["date"], "2026-11-25");
    // Nothing listens here: a clear connection error, not a hang.
    let (code, _, err) = run(
        &dir,
        &[
            "data",
            "add",
            "--timeout-secs",
            "5",
            "http://127.0.0.1:9/x_2026-01-01.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("could not connect"), "{err}");
}
