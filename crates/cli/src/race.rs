//! `versus race …`: the AI-race claims as commands. Flag parsing only; the computations, the
//! shipped data and the rendering live in the `versus-race` crate.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use versus_present::{OutputFormat, Tabular};
use versus_race::build::{self, SharedPaths};
use versus_race::compute::{self, Measure, Period};
use versus_race::gap::{self, Every};
use versus_race::group::GroupBy;
use versus_race::history::Source;
use versus_race::options::{
    ComputeOptions, ComputeOutput, GapOptions, LeaderboardOptions, OptionError, ValueOptions,
};
use versus_race::registry::Registry;
use versus_race::svg;
use versus_race::value;

#[derive(Debug, Args)]
pub struct RaceArgs {
    #[command(subcommand)]
    pub command: RaceCommand,
}

#[derive(Debug, Subcommand)]
pub enum RaceCommand {
    /// Best model of side A against best of side B at each LMArena snapshot (default: United States vs China).
    Gap(GapArgs),
    /// Rating against blended price at one snapshot: Pareto frontier, and the best B model under a price bound against the best A model.
    Value(ValueArgs),
    /// Share of AI-cluster compute by country (Epoch AI GPU clusters), at a date or over time.
    Compute(ComputeArgs),
    /// Rebuild data/registry/models.csv and data/history/history.csv from the public data sets.
    BuildRegistry(BuildRegistryArgs),
    /// Rebuild the shipped extract of Epoch AI's GPU clusters dataset.
    BuildCompute(BuildComputeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    Country,
    #[value(alias = "license")]
    Licence,
    #[value(alias = "organization", alias = "org")]
    Organisation,
}

impl From<By> for GroupBy {
    fn from(by: By) -> GroupBy {
        match by {
            By::Country => GroupBy::Country,
            By::Licence => GroupBy::Licence,
            By::Organisation => GroupBy::Organisation,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SourceArg {
    /// LMArena's own leaderboard JSON (2025-03 → 2025-12, with intervals).
    Catalog,
    /// Ratings extracted from LMArena's pickles (2023-05 → 2025-03, no intervals).
    Elo,
    /// Scraped leaderboard tables (2024-06 → 2025-08, integer scores with intervals).
    Scrape,
}

impl From<SourceArg> for Source {
    fn from(source: SourceArg) -> Source {
        match source {
            SourceArg::Catalog => Source::ArenaCatalog,
            SourceArg::Elo => Source::EloHistory,
            SourceArg::Scrape => Source::LeaderboardScrape,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EveryArg {
    Snapshot,
    Month,
}

/// Which leaderboard snapshots to read.
#[derive(Debug, Args)]
pub struct LeaderboardArgs {
    /// LMArena category (`full` is the overall leaderboard; others exist only in LMArena's JSON, 2025-03 on).
    #[arg(long, default_value = "full")]
    pub category: String,
    /// Use style-controlled ratings (LMArena's JSON only, 2025-03 on).
    #[arg(long)]
    pub style_control: bool,
    /// Use one source only instead of the precedence rule (catalog > elo > scrape within 7 days).
    #[arg(long, value_enum)]
    pub source: Option<SourceArg>,
}

#[derive(Debug, Args)]
pub struct GapArgs {
    /// What the sides are.
    #[arg(long, value_enum, default_value_t = By::Country)]
    pub by: By,
    /// Side A (default: United States; `proprietary` with --by licence).
    #[arg(long)]
    pub a: Option<String>,
    /// Side B (default: China; `open` with --by licence).
    #[arg(long)]
    pub b: Option<String>,
    /// First snapshot date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last snapshot date (YYYY, YYYY-MM or YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub to: Option<String>,
    /// One point per snapshot, or per month (the month's last snapshot).
    #[arg(long, value_enum, default_value_t = EveryArg::Snapshot)]
    pub every: EveryArg,
    /// A single snapshot date instead of a range.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub snapshot: Option<String>,
    #[command(flatten)]
    pub leaderboard: LeaderboardArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Also write the chart as SVG to this file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Also write the chart as PNG to this file.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// Instead of the published history: fit these vote files (any format `versus rank` reads)
    /// and bootstrap the gap itself.
    #[arg(long, num_args = 1.., value_name = "FILE", conflicts_with_all = ["from", "to", "snapshot", "svg", "png"])]
    pub votes: Vec<PathBuf>,
    /// Bootstrap rounds for --votes.
    #[arg(long, default_value_t = 200, requires = "votes")]
    pub rounds: usize,
    /// Seed of the bootstrap for --votes.
    #[arg(long, default_value_t = 42, requires = "votes")]
    pub seed: u64,
    /// Pin a model's rating in the --votes fit (the gap does not depend on it), e.g. mixtral-8x7b-instruct-v0.1=1114.
    #[arg(long, requires = "votes", value_name = "MODEL=RATING")]
    pub anchor: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValueArgs {
    #[arg(long, value_enum, default_value_t = By::Country)]
    pub by: By,
    /// Side A, whose best priced model is the reference (default: United States).
    #[arg(long)]
    pub a: Option<String>,
    /// Side B, whose best model under the price bound is compared (default: China).
    #[arg(long)]
    pub b: Option<String>,
    /// Snapshot date (default: the latest snapshot).
    #[arg(long)]
    pub snapshot: Option<String>,
    /// Price bound for side B in USD per million tokens (3:1 blend).
    #[arg(long, conflicts_with = "max_price_fraction")]
    pub max_price: Option<f64>,
    /// Price bound for side B as a fraction of A's model's price (0.1 = a tenth of the price).
    #[arg(long)]
    pub max_price_fraction: Option<f64>,
    #[command(flatten)]
    pub leaderboard: LeaderboardArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Also write the chart (rating vs log price, frontier, compared pair) as SVG to this file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Also write the chart as PNG to this file.
    #[arg(long)]
    pub png: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MeasureArg {
    /// Peak 16-bit operations per second.
    Op16,
    /// H100-equivalent chips.
    H100e,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PeriodArg {
    Year,
    Month,
}

#[derive(Debug, Args)]
pub struct ComputeArgs {
    /// Date of the shares (default: the latest operational date in the data).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Over time: one point per year or month end from --from to --as-of.
    #[arg(long, value_enum)]
    pub every: Option<PeriodArg>,
    /// Start of the series (with --every; default 2018).
    #[arg(long, requires = "every")]
    pub from: Option<String>,
    #[arg(long, value_enum, default_value_t = MeasureArg::Op16)]
    pub measure: MeasureArg,
    /// Count every cluster, not only Epoch's `Include in Standard Analysis` rows.
    #[arg(long)]
    pub all_clusters: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Also write the stacked-area chart of the series as SVG to this file (needs --every).
    #[arg(long, requires = "every")]
    pub svg: Option<PathBuf>,
    /// Also write the chart as PNG to this file (needs --every).
    #[arg(long, requires = "every")]
    pub png: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildRegistryArgs {
    /// The public data directory (leaderboard-history/, models/, …).
    #[arg(long, env = "VERSUS_SHARED_DATA")]
    pub shared: PathBuf,
    /// The repository's data directory: hand-kept tables are read from its registry/, and
    /// registry/models.csv and history/history.csv are written.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,
    /// Write even if something could not be resolved (it is listed either way).
    #[arg(long)]
    pub allow_unresolved: bool,
    /// Report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep only these LMArena categories (comma-separated; `full` is always kept). Default: all,
    /// which makes history.csv about 11 MB; `full` alone makes it about 2 MB.
    #[arg(long, value_delimiter = ',')]
    pub categories: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct BuildComputeArgs {
    /// The public data directory (compute/gpu_clusters.csv inside it).
    #[arg(long, env = "VERSUS_SHARED_DATA")]
    pub shared: PathBuf,
    /// Where to write the extract.
    #[arg(long, default_value = "data/compute/gpu_clusters.csv")]
    pub out: PathBuf,
}

/// An option the race crate refused, spelt as the flag the user typed.
fn flag_error(e: OptionError) -> anyhow::Error {
    crate::input_error(format!("--{}: {}", e.option.replace('_', "-"), e.message))
}

/// Writes a chart to the requested SVG and PNG files (either may be absent).
fn write_chart(scene: &svg::Scene, svg_path: Option<&Path>, png_path: Option<&Path>) -> Result<()> {
    if let Some(path) = svg_path {
        std::fs::write(path, scene.to_svg())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = png_path {
        std::fs::write(path, svg::png(scene)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

impl LeaderboardArgs {
    fn options(&self) -> LeaderboardOptions {
        LeaderboardOptions {
            category: self.category.clone(),
            style_control: self.style_control,
            source: self.source.map(Source::from),
        }
    }
}

impl GapArgs {
    fn options(&self) -> GapOptions {
        GapOptions {
            by: self.by.into(),
            a: self.a.clone(),
            b: self.b.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            snapshot: self.snapshot.clone(),
            every: match self.every {
                EveryArg::Snapshot => Every::Snapshot,
                EveryArg::Month => Every::Month,
            },
            leaderboard: self.leaderboard.options(),
        }
    }
}

impl ValueArgs {
    fn options(&self) -> ValueOptions {
        ValueOptions {
            by: self.by.into(),
            a: self.a.clone(),
            b: self.b.clone(),
            snapshot: self.snapshot.clone(),
            max_price: self.max_price,
            max_price_fraction: self.max_price_fraction,
            leaderboard: self.leaderboard.options(),
        }
    }
}

impl ComputeArgs {
    fn options(&self) -> ComputeOptions {
        ComputeOptions {
            as_of: self.as_of.clone(),
            every: self.every.map(|p| match p {
                PeriodArg::Year => Period::Year,
                PeriodArg::Month => Period::Month,
            }),
            from: self.from.clone(),
            measure: match self.measure {
                MeasureArg::Op16 => Measure::Op16,
                MeasureArg::H100e => Measure::H100Equivalents,
            },
            all_clusters: self.all_clusters,
        }
    }
}

pub fn run(args: RaceArgs) -> Result<()> {
    match args.command {
        RaceCommand::Gap(args) => run_gap(args),
        RaceCommand::Value(args) => run_value(args),
        RaceCommand::Compute(args) => run_compute(args),
        RaceCommand::BuildRegistry(args) => run_build_registry(args),
        RaceCommand::BuildCompute(args) => run_build_compute(args),
    }
}

fn run_gap(args: GapArgs) -> Result<()> {
    let registry = crate::data_cmd::registry()?;
    let options = args.options();
    if !args.votes.is_empty() {
        let (a, b) = options.sides(&registry).map_err(flag_error)?;
        return run_votes_gap(&args, &registry, options.by, a, b);
    }
    let query = options.query(&registry).map_err(flag_error)?;
    let history = crate::data_cmd::history()?;
    crate::data_cmd::say_data_age(&history);
    let report = gap::gap(&registry, &history, &query)?;
    print!("{}", report.render(args.output)?);
    if args.svg.is_some() || args.png.is_some() {
        write_chart(
            &svg::gap_scene(&report),
            args.svg.as_deref(),
            args.png.as_deref(),
        )?;
    }
    Ok(())
}

/// `race gap --votes`: one Bradley–Terry fit with a bootstrap, the gap recomputed per replicate.
fn run_votes_gap(
    args: &GapArgs,
    registry: &Registry,
    by: GroupBy,
    a: String,
    b: String,
) -> Result<()> {
    let fit = VotesFit {
        files: &args.votes,
        rounds: args.rounds,
        seed: args.seed,
        anchor: args.anchor.as_deref(),
    };
    let report = votes_gap(&fit, registry, by, &a, &b)?;
    print!("{}", report.render(args.output)?);
    Ok(())
}

/// How to fit a vote file for the gap (shared with `versus report`).
pub struct VotesFit<'a> {
    pub files: &'a [PathBuf],
    pub rounds: usize,
    pub seed: u64,
    /// `MODEL=RATING` pinning one model's rating (moves every rating, not the gap).
    pub anchor: Option<&'a str>,
}

/// Fits the votes once with a bootstrap and computes the gap between the two sides' leaders.
pub fn votes_gap(
    fit: &VotesFit<'_>,
    registry: &Registry,
    by: GroupBy,
    a: &str,
    b: &str,
) -> Result<versus_race::votes::VotesGapReport> {
    use versus_rank::{IntervalMethod, RatingOptions};
    if fit.rounds < 2 {
        return Err(crate::input_error("--rounds must be at least 2"));
    }
    let mut battles =
        versus_battles::read_files(fit.files, &versus_battles::ReadOptions::default())?;
    battles.compact();
    if battles.is_empty() {
        return Err(crate::input_error("no anonymous battles in the vote files"));
    }
    let anchor = fit
        .anchor
        .map(|spec| versus_leaderboard::parse_anchor(spec, &battles))
        .transpose()
        .map_err(|e| crate::input_error(e.0))?;
    let input = versus_leaderboard::RankInput::new(&battles);
    let options = RatingOptions {
        intervals: IntervalMethod::Bootstrap {
            rounds: fit.rounds,
            seed: fit.seed,
        },
        anchor,
        ..Default::default()
    };
    let board = versus_rank::rate(&input.comparisons(), &options)
        .map_err(|e| crate::input_error(e.describe(&battles.models)))?;
    let ratings: Vec<f64> = board.models.iter().map(|m| m.rating).collect();
    let lower: Vec<f64> = board.models.iter().map(|m| m.lower).collect();
    let upper: Vec<f64> = board.models.iter().map(|m| m.upper).collect();
    let newest = battles
        .tstamp
        .iter()
        .copied()
        .filter(|t| t.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let date = newest.is_finite().then(|| {
        versus_race::Date::from_days_since_epoch((newest / 86_400.0).floor() as i64).to_string()
    });
    let provenance = versus_race::votes::VotesProvenance {
        votes: fit.files.iter().map(|p| p.display().to_string()).collect(),
        battles: battles.total_battles(),
        method: "bradley_terry (ties = 1/2), percentile bootstrap over unique rows".into(),
        rounds: fit.rounds,
        seed: fit.seed,
        level: options.level,
        unregistered_keys: Vec::new(),
        notes: Vec::new(),
    };
    let fitted = versus_race::votes::FittedVotes {
        models: &battles.models,
        ratings: &ratings,
        lower: &lower,
        upper: &upper,
        replicates: &board.replicates,
        level: options.level,
    };
    Ok(versus_race::votes::gap_from_votes(
        registry, by, a, b, &fitted, date, provenance,
    )?)
}

fn run_value(args: ValueArgs) -> Result<()> {
    let registry = crate::data_cmd::registry()?;
    let query = args.options().query(&registry).map_err(flag_error)?;
    let history = crate::data_cmd::history()?;
    crate::data_cmd::say_data_age(&history);
    let report = value::value(&registry, &history, &query)?;
    print!("{}", report.render(args.output)?);
    if args.svg.is_some() || args.png.is_some() {
        write_chart(
            &svg::value_scene(&report),
            args.svg.as_deref(),
            args.png.as_deref(),
        )?;
    }
    Ok(())
}

fn run_compute(args: ComputeArgs) -> Result<()> {
    let clusters = crate::data_cmd::clusters()?;
    let output = args.options().compute(&clusters).map_err(flag_error)?;
    print!("{}", output.render(args.output)?);
    if let ComputeOutput::Series(series) = &output
        && (args.svg.is_some() || args.png.is_some())
    {
        write_chart(
            &svg::compute_scene(series),
            args.svg.as_deref(),
            args.png.as_deref(),
        )?;
    }
    Ok(())
}

fn run_build_registry(args: BuildRegistryArgs) -> Result<()> {
    let options = build::BuildOptions {
        categories: args.categories.map(|c| c.into_iter().collect()),
    };
    let output = build::build(
        &SharedPaths::new(&args.shared),
        &args.out.join("registry"),
        &options,
    )?;
    eprintln!("{}", output.report.summary());
    if args.dry_run {
        return Ok(());
    }
    if !output.report.is_complete() && !args.allow_unresolved {
        bail!(
            "not written: resolve the items above (hand-kept tables in {}/registry) or pass --allow-unresolved",
            args.out.display()
        );
    }
    for path in build::write(&output, &args.out)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn run_build_compute(args: BuildComputeArgs) -> Result<()> {
    let text = compute::build_extract(&SharedPaths::new(&args.shared).gpu_clusters())?;
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
