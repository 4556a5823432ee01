//! `versus report --out FILE.html`: one self-contained page that recomputes each race claim
//! from the shipped data. Flag parsing and the votes fit only (the fit needs `versus-rank`); the
//! page itself is built by `versus_race::report`.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use versus_race::group::GroupBy;
use versus_race::report::{self, DEFAULT_VOTES_FILE, ReportInput};

use crate::race::{VotesFit, votes_gap};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write the HTML page.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// The vote file refitted in section (f) (default: the bundled 2024-08-14 LMArena votes,
    /// relative to the repository root).
    #[arg(long, value_name = "FILE", default_value = DEFAULT_VOTES_FILE)]
    pub votes: PathBuf,
    /// Bootstrap rounds of the votes fit.
    #[arg(long, default_value_t = 200)]
    pub rounds: usize,
    /// Seed of the votes bootstrap.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub fn run(args: ReportArgs) -> Result<()> {
    let registry = crate::data_cmd::registry()?;
    let history = crate::data_cmd::history()?;
    crate::data_cmd::say_data_age(&history);
    let clusters = crate::data_cmd::clusters()?;
    if !args.votes.is_file() {
        return Err(crate::input_error(format!(
            "vote file {} not found: run from the repository root or pass --votes FILE",
            args.votes.display()
        )));
    }
    let by = GroupBy::Country;
    let (a, b) = (
        by.resolve("United States", &registry)?,
        by.resolve("China", &registry)?,
    );
    let files = [args.votes.clone()];
    let fit = VotesFit {
        files: &files,
        rounds: args.rounds,
        seed: args.seed,
        anchor: None,
    };
    let votes = votes_gap(&fit, &registry, by, &a, &b)?;
    let audit = crate::audit_cmd::compute(&crate::audit_cmd::AuditArgs {
        votes: files.to_vec(),
        top: 10,
        rounds: args.rounds,
        seed: args.seed,
        a: "United States".into(),
        b: "China".into(),
        output: None,
    })?;
    let html = report::report_html(&ReportInput {
        registry: &registry,
        history: &history,
        clusters: &clusters,
        votes: Some(&votes),
        votes_rounds: args.rounds,
        votes_seed: args.seed,
        audit: Some(&audit),
    })?;
    std::fs::write(&args.out, html)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
