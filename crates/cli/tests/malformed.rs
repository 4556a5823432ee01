//! Every malformed input of the corpus (`crates/battles/tests/malformed/cases.txt`) makes
//! `versus rank` exit with status 2 and a message naming the file, place and field — never a
//! panic. Plus bad flags that only the CLI can see.

use std::path::PathBuf;
use std::process::{Command, Output};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../battles/tests/malformed")
}

fn versus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_versus"))
        .args(args)
        .output()
        .expect("run versus")
}

fn assert_input_error(out: &Output, what: &str, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit {:?}, stderr: {stderr}",
        out.status.code()
    );
    assert!(!stderr.contains("panicked"), "{what}: panicked: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{what}: printed output despite the error"
    );
    for n in needles {
        assert!(stderr.contains(n), "{what}: message lacks {n:?}: {stderr}");
    }
}

#[test]
fn every_malformed_file_exits_2_with_a_precise_message() {
    let manifest = std::fs::read_to_string(corpus().join("cases.txt")).expect("cases.txt");
    let mut n = 0;
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.split('\t');
        let file = fields.next().expect("file name");
        let needles: Vec<&str> = fields.collect();
        let path = corpus().join(file);
        let out = versus(&["rank", path.to_str().expect("utf-8 path")]);
        assert_input_error(&out, file, &needles);
        n += 1;
    }
    assert!(n >= 20, "only {n} cases");
}

#[test]
fn bad_flags_and_unrateable_data_exit_2() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/reference/synthetic-12x5000/battles.csv");
    let f = fixture.to_str().expect("path");
    assert_input_error(
        &versus(&["rank", f, "--anchor", "no-such-model=1114"]),
        "unknown anchor",
        &["--anchor", "no-such-model"],
    );
    assert_input_error(
        &versus(&["rank", f, "--anchor", "model-001"]),
        "anchor syntax",
        &["MODEL=RATING"],
    );
    assert_input_error(
        &versus(&["rank", f, "--level", "1.5"]),
        "level",
        &["--level"],
    );
    assert_input_error(
        &versus(&["rank", f, "--where", "model_a=nobody"]),
        "empty after filter",
        &["no battles left"],
    );
    assert_input_error(
        &versus(&["rank", f, "--where", "no_such_column=1"]),
        "unknown filter column",
        &["no_such_column"],
    );
    assert_input_error(
        &versus(&["rank", "/nonexistent/votes.csv"]),
        "missing file",
        &["/nonexistent/votes.csv"],
    );
    let pairs = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/arena-votes-2024-08-14/chatbotarena_20240814.json");
    assert_input_error(
        &versus(&["rank", pairs.to_str().expect("path"), "--style"]),
        "style without counts",
        &["--style needs per-battle style counts"],
    );
    assert_input_error(
        &versus(&["rank", pairs.to_str().expect("path"), "--method", "elo"]),
        "elo on pair counts",
        &["no order"],
    );

    // A model that never lost: named, not rated with an arbitrary number.
    let dir = std::env::temp_dir().join(format!("versus-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let never_lost = dir.join("never_lost.csv");
    std::fs::write(
        &never_lost,
        "model_a,model_b,winner\nchamp,b,model_a\nc,champ,model_b\nb,c,model_a\nc,b,model_a\n",
    )
    .expect("write");
    assert_input_error(
        &versus(&["rank", never_lost.to_str().expect("path")]),
        "never lost",
        &["never lost", "champ"],
    );
    let split = dir.join("split.csv");
    std::fs::write(
        &split,
        "model_a,model_b,winner\na,b,model_a\nb,a,model_a\nc,d,tie\n",
    )
    .expect("write");
    assert_input_error(
        &versus(&["rank", split.to_str().expect("path")]),
        "disconnected",
        &["disconnected", "group 2"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}
