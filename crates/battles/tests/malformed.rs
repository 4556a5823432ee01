//! Every file in tests/malformed/ must give an error (never a panic or a silent default) whose
//! message contains the substrings listed for it in tests/malformed/cases.txt. The manifest is
//! also used by the CLI's tests (exit code 2).

mod common;

use std::path::Path;

use versus_battles::{ReadOptions, read_file};

fn cases() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(common::malformed("cases.txt")).expect("read cases.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split('\t');
            let name = parts.next().unwrap_or_default().to_owned();
            (name, parts.map(str::to_owned).collect())
        })
        .collect()
}

#[test]
fn every_malformed_file_is_an_error_with_context() {
    let cases = cases();
    assert!(cases.len() >= 25, "manifest has only {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, subs) in &cases {
        assert!(!subs.is_empty(), "{name}: no expected substrings");
        let path = common::malformed(name);
        assert!(path.exists(), "{name} listed in cases.txt but missing");
        match read_file(&path, &ReadOptions::default()) {
            Ok(set) => failures.push(format!(
                "{name}: read OK ({} rows), expected an error",
                set.len()
            )),
            Err(e) => {
                let msg = e.to_string();
                for s in subs {
                    if !msg.contains(s.as_str()) {
                        failures.push(format!("{name}: message {msg:?} lacks {s:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_in_the_directory_is_in_the_manifest() {
    let listed: Vec<String> = cases().into_iter().map(|(n, _)| n).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    for entry in std::fs::read_dir(&dir).expect("read dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name != "cases.txt" {
            assert!(listed.contains(&name), "{name} is not in cases.txt");
        }
    }
}

/// The committed Parquet cases are what the helper writes (and still fail the same way when
/// freshly written by this parquet version).
#[test]
fn regenerated_parquet_cases_fail_the_same_way() {
    let dir = common::tmp("parquet-cases");
    std::fs::create_dir_all(&dir).expect("mkdir");
    common::write_malformed_parquet(&dir);
    for name in [
        "wrong_schema.parquet",
        "missing_column.parquet",
        "unknown_winner.parquet",
    ] {
        let fresh = read_file(&dir.join(name), &ReadOptions::default()).map(|s| s.len());
        let committed =
            read_file(&common::malformed(name), &ReadOptions::default()).map(|s| s.len());
        let (Err(a), Err(b)) = (fresh, committed) else {
            panic!("{name}: expected errors")
        };
        // Same message apart from the directory.
        assert_eq!(
            a.to_string().replace(&dir.display().to_string(), ""),
            b.to_string().replace(
                &common::malformed("")
                    .display()
                    .to_string()
                    .trim_end_matches('/')
                    .to_string(),
                ""
            )
        );
    }
}

#[test]
#[ignore = "writes the committed Parquet fixtures"]
fn regenerate_committed_parquet_cases() {
    common::write_malformed_parquet(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed"));
}
