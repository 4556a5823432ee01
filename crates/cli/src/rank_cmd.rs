//! `versus rank`: a leaderboard from vote files. The report itself is built by
//! `versus_leaderboard::compute` (shared with the arena's `/api/leaderboard`).

use std::time::Instant;

use clap::Args;
use versus_battles::BattleSet;
#[allow(unused_imports)]
pub use versus_leaderboard::{AnchorMeta, CoefficientLine, Meta, ModelLine, StyleCoefficients};
pub use versus_leaderboard::{CiKind, Method, Report, ReportOptions, StyleFeature, Ties};

use crate::input::InputArgs;
use crate::input_error;
use crate::render::render_leaderboard;
use versus_present::OutputFormat;

#[derive(Args, Debug)]
pub struct RankArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Rating method.
    #[arg(long, value_enum, default_value_t = Method::Bt)]
    pub method: Method,
    /// How ties ("tie" and "both bad") count.
    #[arg(long, value_enum, default_value_t = Ties::Half)]
    pub ties: Ties,
    /// Reweight each battle by 1/max(n_pair, --min-pair-count) (arena-rank's `reweighted`).
    #[arg(long)]
    pub reweight: bool,
    /// The floor of the pair count in reweighting (and in style control's reweighting).
    #[arg(long, default_value_t = 50.0)]
    pub min_pair_count: f64,
    /// Pin a model's rating, e.g. mixtral-8x7b-instruct-v0.1=1114 (LMArena's anchor). Without it the mean is --mean.
    #[arg(long, value_name = "MODEL=RATING")]
    pub anchor: Option<String>,
    /// Mean rating when no anchor is given.
    #[arg(long, default_value_t = 1000.0)]
    pub mean: f64,
    /// Confidence intervals (default: sandwich for Bradley–Terry, none for online Elo).
    #[arg(long, value_enum)]
    pub ci: Option<CiKind>,
    /// Bootstrap rounds.
    #[arg(long, default_value_t = 100)]
    pub rounds: usize,
    /// Seed of every random step.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Coverage of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Style control: arena-rank's contextual Bradley–Terry (ratings at average style).
    #[arg(long)]
    pub style: bool,
    /// Style features to control for (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [StyleFeature::Tokens, StyleFeature::Header, StyleFeature::Bold, StyleFeature::List])]
    pub style_features: Vec<StyleFeature>,
    /// L2 penalty on the style coefficients (arena-rank's default 1.0, on a mean loss).
    #[arg(long, default_value_t = 1.0)]
    pub style_reg: f64,
    /// K factor of online Elo.
    #[arg(long, default_value_t = 4.0)]
    pub elo_k: f64,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, value_enum)]
    pub output: Option<OutputFormat>,
}

impl RankArgs {
    /// The report options these flags ask for.
    pub fn report_options(&self) -> ReportOptions {
        ReportOptions {
            method: self.method,
            ties: self.ties,
            reweight: self.reweight,
            min_pair_count: self.min_pair_count,
            anchor: self.anchor.clone(),
            mean: self.mean,
            ci: self.ci,
            rounds: self.rounds,
            seed: self.seed,
            level: self.level,
            style: self.style,
            style_features: self.style_features.clone(),
            style_reg: self.style_reg,
            elo_k: self.elo_k,
        }
    }
}

/// Builds the leaderboard report (progress bar, notes and warnings on stderr).
pub fn compute(
    args: &RankArgs,
    battles: &BattleSet,
    excluded: Vec<String>,
    dropped: Vec<(String, f64)>,
) -> anyhow::Result<Report> {
    let options = args.report_options();
    let ci = options.ci.unwrap_or(match options.method {
        Method::Bt => CiKind::Sandwich,
        Method::Elo => CiKind::None,
    });
    let provenance = versus_leaderboard::Provenance {
        files: args
            .input
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        excluded,
        dropped,
    };
    let started = Instant::now();
    let progress = crate::progress::Progress::start(
        "bootstrap",
        if ci == CiKind::Bootstrap {
            args.rounds
        } else {
            0
        },
    );
    let tick = || progress.tick();
    let computed = versus_leaderboard::compute(&options, battles, provenance, &tick)
        .map_err(|e| input_error(e.0));
    drop(progress);
    let computed = computed?;
    let elapsed = started.elapsed();
    if elapsed.as_secs_f64() > 1.0 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!(
            "versus: fitted {} models in {:.1} s",
            battles.models.len(),
            elapsed.as_secs_f64()
        );
    }
    for w in &computed.warnings {
        eprintln!("versus: {w}");
    }
    Ok(computed.report)
}

pub fn run(args: RankArgs) -> anyhow::Result<()> {
    let votes = args.input.load()?;
    let report = compute(&args, &votes.battles, votes.excluded, votes.dropped)?;
    let format = OutputFormat::resolve(args.output);
    let text = render_leaderboard(&report, format)?;
    crate::render::write_stdout(&text)
}
