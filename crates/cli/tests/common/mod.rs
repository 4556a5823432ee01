//! Helpers shared by the binary's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Runs the `versus` binary, asserts it succeeded (showing its stderr if not) and returns stdout.
pub fn versus(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_versus"))
        .args(args)
        .output()
        .expect("run versus");
    assert!(
        out.status.success(),
        "versus {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// [`versus`], its stdout parsed as JSON.
pub fn versus_json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&versus(args)).expect("json")
}

/// A file of the repository's test data (`testdata/`, see its SOURCES.md).
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}
