//! `versus rank`: a leaderboard from vote files.

use std::time::Instant;

use clap::{Args, ValueEnum};
use serde::Serialize;
use versus_battles::BattleSet;
use versus_rank::style::LMARENA_FEATURES;
use versus_rank::{Anchor, Comparisons, IntervalMethod, RatingOptions, StyleData, StyleOptions, TieHandling};

use crate::input::{InputArgs, outcomes};
use crate::input_error;
use crate::render::{OutputFormat, render_leaderboard};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Bradley–Terry maximum likelihood (LMArena's current method).
    Bt,
    /// FastChat's online Elo, battles in timestamp order.
    Elo,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CiKind {
    Sandwich,
    Bootstrap,
    None,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Ties {
    /// A tie is half a win for each side.
    Half,
    /// Ties are left out.
    Drop,
}

/// Style features by their short names.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum StyleFeature {
    Tokens,
    Header,
    Bold,
    List,
}

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

/// One line of the leaderboard as printed.
#[derive(Serialize, Debug, Clone)]
pub struct ModelLine {
    pub model: String,
    pub rating: f64,
    pub lower: f64,
    pub upper: f64,
    pub variance: f64,
    pub rank: usize,
    pub battles: f64,
    pub wins: f64,
    pub losses: f64,
    pub ties: f64,
}

#[derive(Serialize, Debug, Clone)]
pub struct CoefficientLine {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Style coefficients by feature name, serialised as a JSON object in feature order.
#[derive(Debug, Clone)]
pub struct StyleCoefficients(pub Vec<(String, CoefficientLine)>);

impl Serialize for StyleCoefficients {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, line) in &self.0 {
            map.serialize_entry(name, line)?;
        }
        map.end()
    }
}

#[derive(Serialize, Debug, Clone)]
pub struct AnchorMeta {
    pub model: String,
    pub rating: f64,
}

#[derive(Serialize, Debug, Clone)]
pub struct Meta {
    pub battles: f64,
    pub models: usize,
    pub method: String,
    pub ci: Option<CiKind>,
    pub level: f64,
    pub rounds: Option<usize>,
    pub seed: Option<u64>,
    pub converged: bool,
    pub iterations: usize,
    pub unconverged_replicates: usize,
    pub anchor: Option<AnchorMeta>,
    pub mean: Option<f64>,
    pub ties: &'static str,
    pub reweighted: bool,
    pub style_features: Option<Vec<&'static str>>,
    pub files: Vec<String>,
    pub excluded: Vec<String>,
    pub dropped: Vec<(String, f64)>,
}

#[derive(Serialize, Debug, Clone)]
pub struct Report {
    pub models: Vec<ModelLine>,
    pub style_coefficients: Option<StyleCoefficients>,
    pub meta: Meta,
}

fn parse_anchor(spec: &str, battles: &BattleSet) -> anyhow::Result<Anchor> {
    let (name, rating) = spec
        .rsplit_once('=')
        .ok_or_else(|| input_error(format!("--anchor: expected MODEL=RATING, got {spec:?}")))?;
    let rating: f64 = rating
        .trim()
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite())
        .ok_or_else(|| input_error(format!("--anchor: {rating:?} is not a rating (a finite number)")))?;
    let model = battles
        .model_id(name.trim())
        .ok_or_else(|| input_error(format!("--anchor: model {:?} is not among the rated models", name.trim())))?;
    Ok(Anchor { model: model as usize, rating })
}

fn feature_name(f: StyleFeature) -> &'static str {
    match f {
        StyleFeature::Tokens => LMARENA_FEATURES[0],
        StyleFeature::Header => LMARENA_FEATURES[1],
        StyleFeature::Bold => LMARENA_FEATURES[2],
        StyleFeature::List => LMARENA_FEATURES[3],
    }
}

/// Builds the leaderboard report; shared by the command and the tests of the export round trip.
pub fn compute(args: &RankArgs, battles: &BattleSet, excluded: Vec<String>, dropped: Vec<(String, f64)>) -> anyhow::Result<Report> {
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(input_error(format!("--level must be between 0 and 1, got {}", args.level)));
    }
    let ci = args.ci.unwrap_or(match args.method {
        Method::Bt => CiKind::Sandwich,
        Method::Elo => CiKind::None,
    });
    if ci == CiKind::Bootstrap && args.rounds < 2 {
        return Err(input_error("--rounds must be at least 2 for a bootstrap"));
    }
    let anchor = args.anchor.as_deref().map(|s| parse_anchor(s, battles)).transpose()?;
    let names = &battles.models;
    let outcome = outcomes(battles);
    let ties = match args.ties {
        Ties::Half => TieHandling::Half,
        Ties::Drop => TieHandling::Drop,
    };
    let comparisons = Comparisons {
        n_models: names.len(),
        model_a: &battles.model_a,
        model_b: &battles.model_b,
        outcome: &outcome,
        count: &battles.count,
        weight: &battles.weight,
    };
    let table = versus_rank::RowTable::build(&comparisons, ties, None).map_err(|e| input_error(e.describe(names)))?;
    let totals = table.model_totals();
    let intervals = match ci {
        CiKind::None => IntervalMethod::None,
        CiKind::Sandwich => IntervalMethod::Sandwich,
        CiKind::Bootstrap => IntervalMethod::Bootstrap { rounds: args.rounds, seed: args.seed },
    };
    let options = RatingOptions {
        ties,
        reweight_min_pair: args.reweight.then_some(args.min_pair_count),
        intervals,
        level: args.level,
        base: args.mean,
        anchor,
    };
    let started = Instant::now();
    let progress = crate::progress::Progress::start("bootstrap", if ci == CiKind::Bootstrap { args.rounds } else { 0 });
    let tick = || progress.tick();
    let mut style_features = None;
    let (board, method) = match args.method {
        Method::Elo => {
            if args.style {
                return Err(input_error("--style needs --method bt"));
            }
            if battles.aggregated {
                return Err(input_error("--method elo replays battles in time order; pair-count files have no order"));
            }
            if ci == CiKind::Sandwich {
                return Err(input_error("--method elo has no sandwich interval; use --ci bootstrap (FastChat's Elo bootstrap) or --ci none"));
            }
            let mut order: Vec<usize> = (0..battles.len()).filter(|&r| !(ties == TieHandling::Drop && outcome[r] == 0.5)).collect();
            // Stable sort by timestamp; rows without one keep file order after those with one.
            order.sort_by(|&x, &y| battles.tstamp[x].total_cmp(&battles.tstamp[y]));
            let mut a = Vec::with_capacity(order.len());
            let mut b = Vec::with_capacity(order.len());
            let mut o = Vec::with_capacity(order.len());
            for &r in &order {
                for _ in 0..(battles.count[r] as usize) {
                    a.push(battles.model_a[r]);
                    b.push(battles.model_b[r]);
                    o.push(outcome[r]);
                }
            }
            let mut ratings = versus_rank::elo::online_elo(names.len(), &a, &b, &o, args.elo_k, 1000.0);
            if let Some(an) = anchor {
                let shift = an.rating - ratings[an.model];
                ratings.iter_mut().for_each(|r| *r += shift);
            }
            let m = ratings.len();
            let (mut lower, mut upper, mut variance) = (vec![f64::NAN; m], vec![f64::NAN; m], vec![f64::NAN; m]);
            if ci == CiKind::Bootstrap {
                let mut reps = versus_rank::elo::bootstrap_online_elo(m, &a, &b, &o, args.elo_k, 1000.0, args.rounds, args.seed);
                if let Some(an) = anchor {
                    for rep in &mut reps {
                        let shift = an.rating - rep[an.model];
                        rep.iter_mut().for_each(|r| *r += shift);
                    }
                }
                let tail = (1.0 - args.level) / 2.0;
                for i in 0..m {
                    let mut col: Vec<f64> = reps.iter().map(|r| r[i]).collect();
                    variance[i] = versus_rank::stats::variance_population(&col);
                    col.sort_by(f64::total_cmp);
                    lower[i] = versus_rank::stats::quantile_sorted(&col, tail);
                    upper[i] = versus_rank::stats::quantile_sorted(&col, 1.0 - tail);
                    // FastChat's leaderboard showed the bootstrap median as the Elo rating.
                    ratings[i] = versus_rank::stats::quantile_sorted(&col, 0.5);
                }
            }
            let ranks = versus_rank::ranks_with_uncertainty(&ratings, &lower, &upper);
            let models = (0..m)
                .map(|i| versus_rank::ModelRating { rating: ratings[i], lower: lower[i], upper: upper[i], variance: variance[i], rank: ranks[i] })
                .collect();
            let board = versus_rank::Leaderboard {
                models,
                style_coefficients: None,
                converged: true,
                iterations: order.len(),
                unconverged_replicates: 0,
                replicates: Vec::new(),
            };
            (board, "online_elo")
        }
        Method::Bt if args.style => {
            let style = battles.style.as_ref().ok_or_else(|| {
                input_error("--style needs per-battle style counts (conv_metadata or the sum_assistant_tokens_a/_b, header_count_a/_b, list_count_a/_b, bold_count_a/_b columns); the input has none")
            })?;
            let mut features: Vec<StyleFeature> = Vec::new();
            for f in &args.style_features {
                if !features.contains(f) {
                    features.push(*f);
                }
            }
            let side_counts: Vec<(Vec<f64>, Vec<f64>)> = features
                .iter()
                .map(|f| {
                    let pick = |s: &versus_battles::StyleCounts| match f {
                        StyleFeature::Tokens => s.tokens,
                        StyleFeature::Header => s.header,
                        StyleFeature::Bold => s.bold,
                        StyleFeature::List => s.list,
                    };
                    (style.iter().map(|s| pick(s)[0]).collect(), style.iter().map(|s| pick(s)[1]).collect())
                })
                .collect();
            if battles.count.iter().any(|&c| c != 1.0) {
                return Err(input_error("--style needs one row per battle; the input has aggregated rows"));
            }
            let style_options = StyleOptions { reg: args.style_reg, min_pair_count: args.min_pair_count, reweighted: true, ties };
            let data = StyleData::new(names.len(), &battles.model_a, &battles.model_b, &outcome, &battles.weight, &side_counts, &style_options)
                .map_err(|e| input_error(e.describe(names)))?;
            style_features = Some(features.iter().map(|&f| feature_name(f)).collect::<Vec<_>>());
            let board = versus_rank::rate_with_style_reporting(&data, &style_options, &options, &tick).map_err(|e| input_error(e.describe(names)))?;
            (board, "style_control_bt")
        }
        Method::Bt => {
            let reweighted;
            let fit_table = match options.reweight_min_pair {
                None => &table,
                Some(_) => {
                    reweighted = versus_rank::RowTable::build(&comparisons, ties, options.reweight_min_pair).map_err(|e| input_error(e.describe(names)))?;
                    &reweighted
                }
            };
            (versus_rank::rate_table_reporting(fit_table, &options, &tick).map_err(|e| input_error(e.describe(names)))?, "bradley_terry")
        }
    };
    drop(progress);
    let elapsed = started.elapsed();
    if elapsed.as_secs_f64() > 1.0 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("versus: fitted {} models in {:.1} s", names.len(), elapsed.as_secs_f64());
    }
    if board.unconverged_replicates > 0 {
        eprintln!(
            "versus: warning: {} of {} bootstrap replicates did not converge (a model never won or never lost in that resample); their ratings run off as in the reference tools",
            board.unconverged_replicates, args.rounds
        );
    }
    if !board.converged {
        eprintln!("versus: warning: the fit did not converge after {} iterations", board.iterations);
    }
    let mut models: Vec<ModelLine> = board
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| ModelLine {
            model: names[i].clone(),
            rating: m.rating,
            lower: m.lower,
            upper: m.upper,
            variance: m.variance,
            rank: m.rank,
            battles: totals[i][0],
            wins: totals[i][1],
            losses: totals[i][2],
            ties: totals[i][3],
        })
        .collect();
    models.sort_by(|x, y| y.rating.total_cmp(&x.rating).then_with(|| x.model.cmp(&y.model)));
    let style_coefficients = board.style_coefficients.as_ref().map(|coefs| {
        StyleCoefficients(
            style_features
                .iter()
                .flatten()
                .zip(coefs)
                .map(|(name, c)| ((*name).to_string(), CoefficientLine { value: c.value, lower: c.lower, upper: c.upper }))
                .collect(),
        )
    });
    let uses_ci = ci != CiKind::None;
    Ok(Report {
        models,
        style_coefficients,
        meta: Meta {
            battles: table.battles(),
            models: names.len(),
            method: method.to_string(),
            ci: Some(ci),
            level: args.level,
            rounds: (uses_ci && ci == CiKind::Bootstrap).then_some(args.rounds),
            seed: (uses_ci && ci == CiKind::Bootstrap).then_some(args.seed),
            converged: board.converged,
            iterations: board.iterations,
            unconverged_replicates: board.unconverged_replicates,
            anchor: anchor.map(|a| AnchorMeta { model: names[a.model].clone(), rating: a.rating }),
            mean: anchor.is_none().then_some(args.mean),
            ties: match ties {
                TieHandling::Half => "half",
                TieHandling::Drop => "drop",
            },
            reweighted: args.reweight || args.style,
            style_features,
            files: args.input.files.iter().map(|p| p.display().to_string()).collect(),
            excluded,
            dropped,
        },
    })
}

pub fn run(args: RankArgs) -> anyhow::Result<()> {
    let votes = args.input.load()?;
    let report = compute(&args, &votes.battles, votes.excluded, votes.dropped)?;
    let format = OutputFormat::resolve(args.output);
    let text = render_leaderboard(&report, format)?;
    crate::render::write_stdout(&text)
}
