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
    // A table of none of the kinds.
    let csv = dir.join("orgs.csv");
    std::fs::write(&csv, "Organization,Country\nOpenAI,United States\n").unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &csv.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("orgs.csv: not a kind versus can add"), "{err}");
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
            http("text/csv", b"Organization,Country\n", 21),
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

const DATASET: &str = "derived/leaderboard-dataset/text_2026-01-15.csv";
const DATASET_STYLE: &str = "derived/leaderboard-dataset/text_style_control_2026-01-15.csv";

/// The CSV fixture of LMArena's leaderboard dataset written as Parquet (strings dictionary-
/// encoded and dates typed, as the dataset's own Parquet files have them).
fn dataset_parquet(csv_text: &str, path: &Path) {
    use arrow_array::{
        ArrayRef, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
        types::Int32Type,
    };
    use std::sync::Arc;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let texts =
        |name: &str| -> Vec<String> { records.iter().map(|r| r[col(name)].to_string()).collect() };
    let numbers = |name: &str| -> ArrayRef {
        Arc::new(Float64Array::from(
            records
                .iter()
                .map(|r| r[col(name)].parse::<f64>().ok())
                .collect::<Vec<_>>(),
        ))
    };
    let dict = |name: &str| -> ArrayRef {
        Arc::new(
            texts(name)
                .iter()
                .map(String::as_str)
                .collect::<DictionaryArray<Int32Type>>(),
        )
    };
    let days = |d: &str| {
        let date = versus_race::Date::parse(d).unwrap();
        date.days_since_epoch() as i32
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "model_name",
            Arc::new(StringArray::from(texts("model_name"))),
        ),
        ("organization", dict("organization")),
        ("license", dict("license")),
        ("rating", numbers("rating")),
        ("rating_lower", numbers("rating_lower")),
        ("rating_upper", numbers("rating_upper")),
        ("variance", numbers("variance")),
        (
            "vote_count",
            Arc::new(Int64Array::from(
                records
                    .iter()
                    .map(|r| r[col("vote_count")].parse::<i64>().ok())
                    .collect::<Vec<_>>(),
            )),
        ),
        (
            "rank",
            Arc::new(Int64Array::from(
                records
                    .iter()
                    .map(|r| r[col("rank")].parse::<i64>().unwrap())
                    .collect::<Vec<_>>(),
            )),
        ),
        ("category", dict("category")),
        (
            "leaderboard_publish_date",
            Arc::new(Date32Array::from(
                texts("leaderboard_publish_date")
                    .iter()
                    .map(|d| days(d))
                    .collect::<Vec<_>>(),
            )),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn read_testdata(rel: &str) -> String {
    std::fs::read_to_string(common::testdata(rel)).unwrap()
}

#[test]
fn leaderboard_dataset_rows_move_the_race_as_csv_and_as_parquet() {
    let dir = tmp("dataset");
    let before = last_gap_point(&dir);
    let csv = common::testdata(DATASET).display().to_string();
    let (code, out, err) = run(&dir, &["data", "add", &csv]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("added as leaderboards/")
            && out.contains("564 leaderboard-dataset rows")
            && out.contains("new snapshots: 2026-01-08, 2026-01-15"),
        "{out}"
    );
    let after = last_gap_point(&dir);
    assert_eq!(after["date"], "2026-01-15");
    assert_eq!(after["source"], "lmarena-dataset");
    assert_ne!(before["date"], after["date"]);
    // Same ratings as the bundled 2025-12-11 JSON, so the same leaders and gap.
    assert_eq!(after["a"]["model"], before["a"]["model"]);
    assert_eq!(after["gap"], before["gap"]);
    let (_, _, err) = run(&dir, &["race", "gap", "--output", "json"]);
    assert!(err.contains("leaderboard data as of 2026-01-15"), "{err}");
    let (code, out, _) = run(&dir, &["data", "list", "--output", "csv"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.contains("leaderboard-rows") && l.contains(",2026-01-15,564")),
        "{out}"
    );

    // The style-controlled configuration, told by its name.
    let style = common::testdata(DATASET_STYLE).display().to_string();
    let (code, out, err) = run(&dir, &["data", "add", &style]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("new snapshots: 2026-01-15"), "{out}");
    let manifest = std::fs::read_to_string(dir.join("data/manifest.csv")).unwrap();
    assert!(
        manifest
            .lines()
            .any(|l| l.contains("text_style_control") && l.ends_with(",2026-01-15,1,259")),
        "{manifest}"
    );

    // A later export repeats the earlier publications: only the new date is taken.
    let later = read_testdata(DATASET).replace(",2026-01-08\n", ",2026-01-22\n");
    let later_path = dir.join("text_2026-01-22.csv");
    std::fs::write(&later_path, later).unwrap();
    let (code, out, err) = run(&dir, &["data", "add", &later_path.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("new snapshots: 2026-01-22 (1 already added, skipped)"),
        "{out}"
    );
    assert_eq!(last_gap_point(&dir)["date"], "2026-01-22");

    // The same rows as Parquet, in a fresh data directory: the same race.
    let pq_dir = tmp("dataset-parquet");
    let pq = pq_dir.join("text_2026-01-15.parquet");
    dataset_parquet(&read_testdata(DATASET), &pq);
    let (code, out, err) = run(&pq_dir, &["data", "add", &pq.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("564 leaderboard-dataset rows"), "{out}");
    let from_parquet = last_gap_point(&pq_dir);
    let dir_csv = tmp("dataset-csv-only");
    assert_eq!(run(&dir_csv, &["data", "add", &csv]).0, 0);
    assert_eq!(from_parquet, last_gap_point(&dir_csv));
}

#[test]
fn bad_leaderboard_rows_are_refused_whole_by_file_line_and_field() {
    let dir = tmp("dataset-bad");
    let good = read_testdata(DATASET);
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let mut lines: Vec<&str> = good.lines().collect();
    // An extra column.
    let extra: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},arena_id\n")
            } else {
                format!("{l},x\n")
            }
        })
        .collect();
    // Cut short inside the last row (the fixture is ASCII).
    let cut = &good[..good.len() - 30];
    // A rating outside its interval on line 4.
    let fields: Vec<&str> = lines[3].split(',').collect();
    let mut moved = fields.clone();
    let high = format!("{}", fields[5].parse::<f64>().unwrap() + 50.0);
    moved[3] = &high;
    let moved_line = moved.join(",");
    lines[3] = &moved_line;
    let outside = lines.join("\n");
    for (name, text, expected) in [
        (
            "extra_2026-02-01.csv",
            extra.as_str(),
            "unknown column(s) arena_id",
        ),
        ("cut_2026-02-01.csv", cut, "cut_2026-02-01.csv"),
        (
            "outside_2026-02-01.csv",
            outside.as_str(),
            "line 4, field `rating_lower`",
        ),
    ] {
        let path = write(name, text);
        let (code, _, err) = run(&dir, &["data", "add", &path]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(expected) && err.contains(name),
            "{name}: {err}"
        );
        assert!(!dir.join("data").exists(), "{name} wrote something");
    }
    // The cut file names the line it stops on (the header is line 1, the last row line 565).
    let (_, _, err) = run(&dir, &["data", "add", &write("cut_2026-02-01.csv", cut)]);
    assert!(err.contains("line: 565") && err.contains("fields"), "{err}");
}

#[test]
fn vote_releases_are_kept_for_rank_and_audit() {
    let dir = tmp("votes");
    let parquet = common::testdata("public/arena-human-preference-sample/sample-100.parquet");
    let (code, out, err) = run(&dir, &["data", "add", &parquet.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("added as votes/") && out.contains("100 battles up to 2025-0"),
        "{out}"
    );
    // `data:NAME` reads the stored copy: the same leaderboard as the original file.
    // (100 battles are too few for Bradley–Terry to exist; online Elo always does.)
    let (code, stored, err) = run(
        &dir,
        &[
            "rank",
            "data:sample-100.parquet",
            "--method",
            "elo",
            "--output",
            "csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, direct, _) = run(
        &dir,
        &[
            "rank",
            &parquet.display().to_string(),
            "--method",
            "elo",
            "--output",
            "csv",
        ],
    );
    assert_eq!(stored, direct);
    assert!(stored.lines().count() > 10, "{stored}");
    // A CSV battle file is a vote file too; `versus audit data:NAME` audits the stored copy
    // exactly as the original.
    let synthetic = common::testdata("reference/synthetic-12x5000/battles.csv");
    let (code, out, err) = run(&dir, &["data", "add", &synthetic.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("5000 battles up to 2023-"), "{out}");
    let audit = |file: &str| -> Value {
        let (code, out, err) = run(&dir, &["audit", file, "--rounds", "5", "--output", "json"]);
        assert_eq!(code, 0, "{err}");
        let mut v: Value = serde_json::from_str(&out).unwrap();
        v.as_object_mut().unwrap().remove("votes");
        v
    };
    assert_eq!(
        audit("data:battles.csv"),
        audit(&synthetic.display().to_string())
    );

    // A JSON release without timestamps (as arena-human-preference-140k): no date, still votes.
    let jsonl = read_testdata("public/arena-human-preference-sample/sample-100.jsonl");
    let battles: Vec<Value> = jsonl
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("timestamp");
            v
        })
        .collect();
    let json = dir.join("arena-140k-sample.json");
    std::fs::write(&json, Value::Array(battles).to_string()).unwrap();
    let (code, out, err) = run(&dir, &["data", "add", &json.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("100 battles, no timestamps"), "{out}");
    let (code, out, _) = run(&dir, &["data", "list", "--output", "csv"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.contains("arena-140k-sample.json,votes,") && l.ends_with(",,100")),
        "{out}"
    );
    // A battle with a winner no release uses: refused, with the row named; nothing written.
    let bad = jsonl.replacen("\"winner\": \"", "\"winner\": \"nobody", 1);
    let bad_path = dir.join("bad.jsonl");
    std::fs::write(&bad_path, &bad).unwrap();
    let before = std::fs::read_to_string(dir.join("data/manifest.csv")).unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &bad_path.display().to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.jsonl") && err.contains("winner"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("data/manifest.csv")).unwrap(),
        before
    );
    let (code, _, err) = run(&dir, &["rank", "data:nothing-such"]);
    assert_eq!(code, 2);
    assert!(err.contains("no added vote release of that name"), "{err}");
}

#[test]
fn an_added_gpu_cluster_table_replaces_the_bundled_extract() {
    let dir = tmp("clusters");
    let share = |dir: &Path| -> f64 {
        let (code, out, err) = run(
            dir,
            &[
                "race",
                "compute",
                "--as-of",
                "2026-01-01",
                "--output",
                "json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["shares"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["country"] == "China")
            .map_or(0.0, |s| s["share"].as_f64().unwrap())
    };
    let before = share(&dir);
    // Epoch's full table with one more (made-up) Chinese cluster as large as all the rest.
    let mut table = read_testdata("public/compute/gpu_clusters.csv");
    let header: Vec<String> = table
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    let row: Vec<&str> = header
        .iter()
        .map(|h| match h.as_str() {
            "Name" => "Test cluster",
            "Status" => "Existing",
            "Certainty" => "Confirmed",
            "Country" => "China",
            "First Operational Date" => "2025-06-01",
            "16-bit OP/s" => "1e24",
            "H100 equivalents" => "1e9",
            "Include in Standard Analysis" => "True",
            _ => "",
        })
        .collect();
    table.push_str(&row.join(","));
    table.push('\n');
    let path = dir.join("gpu_clusters_2026-04.csv");
    std::fs::write(&path, table).unwrap();
    let (code, out, err) = run(&dir, &["data", "add", &path.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("787 GPU clusters"), "{out}");
    let after = share(&dir);
    assert!(before < 50.0 && after > 90.0, "{before}% → {after}%");
    // A broken status is named by line and field; nothing is added.
    let bad = read_testdata("public/compute/gpu_clusters.csv").replacen(",Planned,", ",Soon,", 1);
    let bad_path = dir.join("bad_clusters.csv");
    std::fs::write(&bad_path, bad).unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &bad_path.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad_clusters.csv, line 2, field `Status`"),
        "{err}"
    );
}

#[test]
fn an_added_price_table_reprices_the_registry() {
    let dir = tmp("prices");
    let dated = |dir: &Path, date: &str| -> usize {
        let (code, out, err) = run(dir, &["race", "value", "--output", "json"]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["models"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["price_date"] == date)
            .count()
    };
    assert_eq!(dated(&dir, "2027-01-01"), 0);
    let extract = read_testdata("public/models/genai-prices-extract.json");
    let path = dir.join("genai-prices_2027-01-01.json");
    std::fs::write(&path, &extract).unwrap();
    let (code, out, err) = run(&dir, &["data", "add", &path.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("prices as of 2027-01-01"), "{out}");
    let repriced: usize = out
        .split(" registry models repriced")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(repriced > 0, "{out}");
    // Undated entries of the table count as of its date: those models now show it.
    assert!(dated(&dir, "2027-01-01") > 0);
    // A table cut short is a JSON error naming the file; nothing is added.
    let cut = dir.join("cut-prices.json");
    std::fs::write(&cut, &extract.as_bytes()[..extract.len() / 2]).unwrap();
    let (code, _, err) = run(&dir, &["data", "add", &cut.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("cut-prices.json"), "{err}");
    let manifest = std::fs::read_to_string(dir.join("data/manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 2, "{manifest}");
}

#[test]
fn downloads_of_every_kind_are_validated_before_anything_is_written() {
    let dir = tmp("download-kinds");
    let csv = read_testdata(DATASET).into_bytes();
    let pq_path = dir.join("text.parquet");
    dataset_parquet(&read_testdata(DATASET), &pq_path);
    let pq = std::fs::read(&pq_path).unwrap();
    let other = std::fs::read(common::testdata("public/models/organizations.csv")).unwrap();
    let half = pq.len() / 2;
    let base = serve(vec![
        ("/d/text_2026-01-15.csv", http("text/csv", &csv, csv.len())),
        (
            "/d/short_2026-01-15.parquet",
            http("application/octet-stream", &pq[..half], half),
        ),
        (
            "/d/cut_2026-01-15.csv",
            http("text/csv", &csv[..csv.len() - 100], csv.len()),
        ),
        ("/d/page_2026-01-15.csv", http("text/html", &csv, csv.len())),
        (
            "/d/organizations.csv",
            http("text/csv", &other, other.len()),
        ),
    ]);
    let url = |p: &str| format!("{base}/d/{p}");
    for (path, expected) in [
        ("short_2026-01-15.parquet", "not a readable Parquet file"),
        ("cut_2026-01-15.csv", "the download ended after"),
        ("page_2026-01-15.csv", "sent an HTML page"),
        ("organizations.csv", "not a kind versus can add"),
        ("missing_2026-01-15.parquet", "HTTP 404 Not Found"),
    ] {
        let (code, _, err) = run(&dir, &["data", "add", &url(path)]);
        assert_eq!(code, 2, "{path}: {err}");
        assert!(
            err.contains(expected) && err.contains(&url(path)),
            "{path}: {err}"
        );
        assert!(!dir.join("data").exists(), "{path} wrote something");
    }
    let (code, out, err) = run(&dir, &["data", "add", &url("text_2026-01-15.csv")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("new snapshots: 2026-01-08, 2026-01-15"),
        "{out}"
    );
    assert_eq!(last_gap_point(&dir)["date"], "2026-01-15");
}
