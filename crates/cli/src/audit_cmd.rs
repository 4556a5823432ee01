//! `versus audit VOTES…`: the leaderboard audited from its own votes — battle shares by
//! organisation, country and licence, sampling inequality, rank stability under the bootstrap,
//! the effect of deprecated models, and how the US–China gap moves when the most-sampled
//! providers are brought down to the median share. Flags only; the computation is
//! `versus_race::audit`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use versus_battles::BattleSet;
use versus_present::OutputFormat;
use versus_race::audit::{self, AuditReport, Battles, GapCheck};
use versus_race::group::GroupBy;
use versus_race::registry::Registry;
use versus_rank::{IntervalMethod, RatingOptions};

use crate::input_error;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Vote files (any format `versus rank` reads: battle logs, CSV, JSONL, Parquet, pair counts),
    /// or `data:NAME` for a vote release added with `versus data add`.
    #[arg(required = true, value_name = "FILE")]
    pub votes: Vec<PathBuf>,
    /// Rows per table in text output (and the size of the top examined for stability).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Bootstrap rounds for the rank intervals and the gap's interval.
    #[arg(long, default_value_t = 100)]
    pub rounds: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The two sides of the gap (countries as the registry spells them).
    #[arg(long, default_value = "United States")]
    pub a: String,
    #[arg(long, default_value = "China")]
    pub b: String,
    #[arg(long, value_enum)]
    pub output: Option<OutputFormat>,
}

/// One Bradley–Terry fit with bootstrap replicates: (ratings, lower, upper, replicates).
type Fit = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<Vec<f64>>);

fn fit(battles: &BattleSet, rounds: usize, seed: u64) -> Result<Fit> {
    let input = versus_leaderboard::RankInput::new(battles);
    let options = RatingOptions {
        intervals: if rounds >= 2 {
            IntervalMethod::Bootstrap { rounds, seed }
        } else {
            IntervalMethod::None
        },
        ..Default::default()
    };
    let board = versus_rank::rate(&input.comparisons(), &options)
        .map_err(|e| input_error(e.describe(&battles.models)))?;
    Ok((
        board.models.iter().map(|m| m.rating).collect(),
        board.models.iter().map(|m| m.lower).collect(),
        board.models.iter().map(|m| m.upper).collect(),
        board.replicates,
    ))
}

fn columns(b: &BattleSet) -> Battles<'_> {
    Battles {
        models: &b.models,
        model_a: &b.model_a,
        model_b: &b.model_b,
        count: &b.count,
        tstamp: &b.tstamp,
    }
}

/// The gap between the sides' leaders in one fit, with its bootstrap interval.
fn gap_of(
    registry: &Registry,
    battles: &BattleSet,
    fitted: &Fit,
    args: &AuditArgs,
    label: String,
) -> Result<GapCheck> {
    let provenance = versus_race::votes::VotesProvenance {
        votes: args.votes.iter().map(|p| p.display().to_string()).collect(),
        battles: battles.total_battles(),
        method: "bradley_terry".into(),
        rounds: args.rounds,
        seed: args.seed,
        level: 0.95,
        unregistered_keys: Vec::new(),
        notes: Vec::new(),
    };
    let report = versus_race::votes::gap_from_votes(
        registry,
        GroupBy::Country,
        &args.a,
        &args.b,
        &versus_race::votes::FittedVotes {
            models: &battles.models,
            ratings: &fitted.0,
            lower: &fitted.1,
            upper: &fitted.2,
            replicates: &fitted.3,
            level: 0.95,
        },
        None,
        provenance,
    )?;
    let gap = report
        .points
        .into_iter()
        .next()
        .ok_or_else(|| input_error("no gap point"))?;
    Ok(GapCheck { label, gap })
}

pub fn run(args: AuditArgs) -> Result<()> {
    let report = compute(&args)?;
    crate::render::write_stdout(&report.render(OutputFormat::resolve(args.output))?)
}

/// The audit of `args.votes` (also the report's audit section).
pub fn compute(args: &AuditArgs) -> Result<AuditReport> {
    if args.top == 0 {
        return Err(input_error("--top must be at least 1"));
    }
    let registry = crate::data_cmd::registry()?;
    let history = crate::data_cmd::history()?;
    let mut battles = versus_battles::read_files(
        &crate::data_cmd::resolve_votes(&args.votes)?,
        &versus_battles::ReadOptions::default(),
    )?;
    battles.compact();
    if battles.is_empty() {
        return Err(input_error("no anonymous battles in the vote files"));
    }
    let cols = columns(&battles);
    let shares = GroupBy::ALL
        .iter()
        .map(|&by| (by, audit::battle_shares(&registry, by, &cols)))
        .collect();
    let monthly = audit::monthly_shares(&registry, GroupBy::Organisation, &cols);
    let sampling = audit::sampling(&registry, GroupBy::Organisation, &cols);
    let full = fit(&battles, args.rounds, args.seed)?;
    let stability = audit::stability(&battles.models, &full.0, &full.3, 0.95, args.top);

    // Deprecated: rated here, absent from the newest overall leaderboard of the shipped history.
    let newest = history
        .snapshots("full", false)
        .into_iter()
        .max()
        .map(|id| {
            history
                .snapshot_rows(id, "full", false)
                .map(|r| r.key.clone())
                .collect::<std::collections::HashSet<String>>()
        })
        .unwrap_or_default();
    let deprecated: Vec<String> = battles
        .models
        .iter()
        .filter(|m| !newest.contains(*m))
        .cloned()
        .collect();
    let deprecation_changes = if deprecated.is_empty() || deprecated.len() == battles.models.len() {
        Vec::new()
    } else {
        let mut kept = battles.clone();
        kept.exclude_models(&deprecated);
        kept.compact();
        let without = fit(&kept, 0, args.seed)?;
        audit::rank_changes((&battles.models, &full.0), (&kept.models, &without.0))
    };

    // The gap as fitted, then with each side's most-sampled provider at the median share.
    // Votes with no registered model of a side have no gap: the rest of the audit stands.
    let (gaps, gap_note) = match gap_of(
        &registry,
        &battles,
        &full,
        args,
        "all battles as sampled".into(),
    ) {
        Err(e) => (Vec::new(), Some(format!("no gap: {e:#}"))),
        Ok(as_sampled) => {
            let mut gaps = vec![as_sampled];
            let top_org = |country: &str| {
                audit::battle_shares(&registry, GroupBy::Organisation, &cols)
                    .into_iter()
                    .find(|s| {
                        registry
                            .models()
                            .iter()
                            .any(|m| m.organization == s.group && m.country == country)
                    })
                    .map(|s| s.group)
            };
            let orgs: Vec<String> = [top_org(&args.a), top_org(&args.b)]
                .into_iter()
                .flatten()
                .collect();
            if !orgs.is_empty() {
                let names: Vec<&str> = orgs.iter().map(String::as_str).collect();
                let (weights, median) = audit::downweight_to_median(&registry, &cols, &names);
                let mut weighted = battles.clone();
                weighted.weight = weights;
                let refit = fit(&weighted, args.rounds, args.seed)?;
                gaps.push(gap_of(
                    &registry,
                    &weighted,
                    &refit,
                    args,
                    format!(
                        "{} down-weighted to the median share ({:.1}%)",
                        orgs.join(" and "),
                        100.0 * median
                    ),
                )?);
            }
            (gaps, None)
        }
    };
    let report = AuditReport {
        votes: args.votes.iter().map(|p| p.display().to_string()).collect(),
        battles: battles.total_battles(),
        shares,
        monthly,
        sampling,
        stability,
        deprecated,
        deprecation_changes,
        gaps,
        gap_note,
        history: audit::history_sampling(&registry, history.rows()),
        top: args.top,
    };
    Ok(report)
}
