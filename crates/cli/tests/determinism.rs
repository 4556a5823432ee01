//! Same input and seed → byte-identical JSON, whatever the thread count.

use std::path::PathBuf;
use std::process::Command;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/reference/synthetic-12x5000/battles.csv")
}

fn run(threads: &str, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .arg("rank")
        .arg(fixture())
        .args(["--output", "json", "--threads", threads])
        .args(extra)
        .output()
        .expect("run versus");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn bootstrap_json_is_byte_identical_for_1_and_all_threads() {
    let args = ["--ci", "bootstrap", "--rounds", "60", "--seed", "9"];
    let one = run("1", &args);
    let all = run(
        &std::thread::available_parallelism()
            .map_or(2, |n| n.get().max(2))
            .to_string(),
        &args,
    );
    assert_eq!(one, all);
    assert_eq!(one, run("1", &args), "not even repeatable");
    let other_seed = run(
        "1",
        &["--ci", "bootstrap", "--rounds", "60", "--seed", "10"],
    );
    assert_ne!(one, other_seed, "the seed changed nothing");
}

#[test]
fn style_control_json_is_byte_identical_for_1_and_all_threads() {
    for ci in ["sandwich", "bootstrap"] {
        let args = ["--style", "--ci", ci, "--rounds", "20"];
        assert_eq!(run("1", &args), run("3", &args), "style control with {ci}");
    }
}

#[test]
fn elo_bootstrap_is_byte_identical_and_brackets_the_ratings() {
    let args = ["--method", "elo", "--ci", "bootstrap", "--rounds", "40"];
    let one = run("1", &args);
    assert_eq!(one, run("3", &args));
    let v: serde_json::Value = serde_json::from_slice(&one).expect("json");
    let models = v["models"].as_array().expect("models");
    assert_eq!(models.len(), 12, "the fixture has 12 models");
    for m in models {
        let (lo, rating, hi) = (
            m["lower"].as_f64().expect("lower"),
            m["rating"].as_f64().expect("rating"),
            m["upper"].as_f64().expect("upper"),
        );
        assert!(lo < hi && hi - lo < 200.0, "{m}");
        assert!(
            lo <= rating && rating <= hi,
            "interval misses the rating: {m}"
        );
    }
}
