//! What `versus rank` does with a file — read it, fit it — timed per input format, for the
//! Parquet-vs-CSV figures of issue 13 without building the whole CLI in release:
//!
//! `cargo run --release -p versus-leaderboard --example input_formats -- RUNS FILE…`
//!
//! For each file and task (point fit, fit + sandwich), prints the median of RUNS runs of
//! read + fit, and checks every file gives the same leaderboard as the first.

use std::path::PathBuf;
use std::time::Instant;

use versus_battles::{ReadOptions, read_file};
use versus_leaderboard::{CiKind, Provenance, ReportOptions, compute};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let runs: usize = args
        .next()
        .ok_or("usage: input_formats RUNS FILE…")?
        .parse()?;
    let files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    for (task, ci) in [("point", CiKind::None), ("sandwich", CiKind::Sandwich)] {
        let options = ReportOptions {
            ci: Some(ci),
            ..ReportOptions::default()
        };
        let mut first: Option<String> = None;
        let mut base = 0.0;
        for f in &files {
            let mut read_s = Vec::new();
            let mut total_s = Vec::new();
            let mut models = String::new();
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                let battles = read_file(f, &ReadOptions::default())?;
                read_s.push(t.elapsed().as_secs_f64());
                let report = compute(&options, &battles, Provenance::default(), &|| {})?.report;
                total_s.push(t.elapsed().as_secs_f64());
                models = format!("{:?}", report.models);
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (r, t) = (median(&mut read_s), median(&mut total_s));
            match &first {
                None => {
                    first = Some(models);
                    base = t;
                }
                Some(m) => assert_eq!(m, &models, "{} gives another leaderboard", f.display()),
            }
            println!(
                "{task:9} {:40} read {r:.3} s  read+fit {t:.3} s  ({:.2}× the first file)",
                f.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                t / base
            );
        }
    }
    Ok(())
}
