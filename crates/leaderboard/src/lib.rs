//! The leaderboard report of versus: what `versus rank --output json` prints and what the
//! arena's `GET /api/leaderboard` returns. Fits a [`BattleSet`] with versus-rank and assembles
//! the serialisable [`Report`]; no I/O (warnings are returned, not printed).

#![forbid(unsafe_code)]

pub mod matrix;

use serde::Serialize;
use versus_battles::BattleSet;
use versus_rank::elo::{EloBattles, EloConfig, OnlineEloOptions};
use versus_rank::style::LMARENA_FEATURES;
use versus_rank::{
    Anchor, Comparisons, IntervalMethod, Leaderboard, RatingOptions, StyleData, StyleOptions,
    TieHandling,
};

/// Rating method.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Bradley–Terry maximum likelihood (LMArena's current method).
    Bt,
    /// FastChat's online Elo, battles in timestamp order.
    Elo,
}

/// Confidence intervals.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CiKind {
    Sandwich,
    Bootstrap,
    None,
}

/// How ties count.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Ties {
    /// A tie is half a win for each side.
    Half,
    /// Ties are left out.
    Drop,
}

/// Style features by their short names.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum StyleFeature {
    Tokens,
    Header,
    Bold,
    List,
}

/// Everything that shapes a report; the defaults are `versus rank`'s.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    pub method: Method,
    pub ties: Ties,
    /// Reweight each battle by 1/max(n_pair, min_pair_count).
    pub reweight: bool,
    pub min_pair_count: f64,
    /// `MODEL=RATING`.
    pub anchor: Option<String>,
    pub mean: f64,
    /// `None`: sandwich for Bradley–Terry, none for online Elo.
    pub ci: Option<CiKind>,
    pub rounds: usize,
    pub seed: u64,
    pub level: f64,
    pub style: bool,
    pub style_features: Vec<StyleFeature>,
    pub style_reg: f64,
    pub elo_k: f64,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            method: Method::Bt,
            ties: Ties::Half,
            reweight: false,
            min_pair_count: 50.0,
            anchor: None,
            mean: 1000.0,
            ci: None,
            rounds: 100,
            seed: 42,
            level: 0.95,
            style: false,
            style_features: vec![
                StyleFeature::Tokens,
                StyleFeature::Header,
                StyleFeature::Bold,
                StyleFeature::List,
            ],
            style_reg: 1.0,
            elo_k: 4.0,
        }
    }
}

/// Where the votes came from and what cleaning removed (reported in `meta`).
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    pub files: Vec<String>,
    pub excluded: Vec<String>,
    pub dropped: Vec<(String, f64)>,
}

/// A problem with the votes or the options (the CLI's exit status 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ReportError(pub String);

fn input_error(message: impl Into<String>) -> ReportError {
    ReportError(message.into())
}

/// A report and the notes and warnings met on the way (for stderr; each starts with
/// `note:` or `warning:`).
#[derive(Debug, Clone)]
pub struct Computed {
    pub report: Report,
    pub warnings: Vec<String>,
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

/// Parses `MODEL=RATING` against the models of `battles`.
pub fn parse_anchor(spec: &str, battles: &BattleSet) -> Result<Anchor, ReportError> {
    let (name, rating) = spec
        .rsplit_once('=')
        .ok_or_else(|| input_error(format!("--anchor: expected MODEL=RATING, got {spec:?}")))?;
    let rating: f64 = rating
        .trim()
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite())
        .ok_or_else(|| {
            input_error(format!(
                "--anchor: {rating:?} is not a rating (a finite number)"
            ))
        })?;
    let model = battles.model_id(name.trim()).ok_or_else(|| {
        input_error(format!(
            "--anchor: model {:?} is not among the rated models",
            name.trim()
        ))
    })?;
    Ok(Anchor {
        model: model as usize,
        rating,
    })
}

fn feature_name(f: StyleFeature) -> &'static str {
    match f {
        StyleFeature::Tokens => LMARENA_FEATURES[0],
        StyleFeature::Header => LMARENA_FEATURES[1],
        StyleFeature::Bold => LMARENA_FEATURES[2],
        StyleFeature::List => LMARENA_FEATURES[3],
    }
}

/// A battle set as versus-rank takes it: [`Comparisons`] borrow the set's columns and the
/// outcomes from model A's side (1, 0, or 0.5 for either kind of tie) held here. The one place
/// a [`BattleSet`] becomes rank input (the leaderboard, `versus matrix` and `race --votes`).
pub struct RankInput<'a> {
    pub battles: &'a BattleSet,
    pub outcome: Vec<f64>,
}

impl<'a> RankInput<'a> {
    pub fn new(battles: &'a BattleSet) -> RankInput<'a> {
        RankInput {
            battles,
            outcome: battles.winner.iter().map(|w| w.outcome()).collect(),
        }
    }

    pub fn comparisons(&self) -> Comparisons<'_> {
        let b = self.battles;
        Comparisons {
            n_models: b.models.len(),
            model_a: &b.model_a,
            model_b: &b.model_b,
            outcome: &self.outcome,
            count: &b.count,
            weight: &b.weight,
        }
    }
}

/// Builds the leaderboard report. `on_replicate` is called after each bootstrap replicate (from
/// worker threads), for a progress bar.
pub fn compute(
    args: &ReportOptions,
    battles: &BattleSet,
    provenance: Provenance,
    on_replicate: &(dyn Fn() + Sync),
) -> Result<Computed, ReportError> {
    let ci = checked_interval_kind(args)?;
    let anchor = args
        .anchor
        .as_deref()
        .map(|s| parse_anchor(s, battles))
        .transpose()?;
    let names = &battles.models;
    let ties = match args.ties {
        Ties::Half => TieHandling::Half,
        Ties::Drop => TieHandling::Drop,
    };
    let input = RankInput::new(battles);
    let comparisons = input.comparisons();
    let table = versus_rank::RowTable::build(&comparisons, ties, None)
        .map_err(|e| input_error(e.describe(names)))?;
    let options = rating_options(args, ci, ties, anchor);
    let (board, method, style_features) = match args.method {
        Method::Elo => (
            fit_online_elo(args, ci, &input, &options)?,
            "online_elo",
            None,
        ),
        Method::Bt if args.style => {
            let (board, features) = fit_style_control(args, &input, &options, on_replicate)?;
            (board, "style_control_bt", Some(features))
        }
        Method::Bt => (
            fit_bradley_terry(&table, &comparisons, &options, names, on_replicate)?,
            "bradley_terry",
            None,
        ),
    };
    let warnings = fit_warnings(&board, args.rounds);
    let uses_bootstrap = ci == CiKind::Bootstrap;
    let report = Report {
        models: model_lines(&board, names, &table.model_totals()),
        style_coefficients: coefficient_lines(&board, style_features.as_deref()),
        meta: Meta {
            battles: table.battles(),
            models: names.len(),
            method: method.to_string(),
            ci: Some(ci),
            level: args.level,
            rounds: uses_bootstrap.then_some(args.rounds),
            seed: uses_bootstrap.then_some(args.seed),
            converged: board.converged,
            iterations: board.iterations,
            unconverged_replicates: board.unconverged_replicates,
            anchor: anchor.map(|a| AnchorMeta {
                model: names[a.model].clone(),
                rating: a.rating,
            }),
            mean: anchor.is_none().then_some(args.mean),
            ties: match ties {
                TieHandling::Half => "half",
                TieHandling::Drop => "drop",
            },
            reweighted: args.reweight || args.style,
            style_features,
            files: provenance.files,
            excluded: provenance.excluded,
            dropped: provenance.dropped,
        },
    };
    Ok(Computed { report, warnings })
}

/// The interval kind asked for (sandwich for Bradley–Terry and none for online Elo by
/// default), after checking the level and the number of bootstrap rounds.
fn checked_interval_kind(args: &ReportOptions) -> Result<CiKind, ReportError> {
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(input_error(format!(
            "--level must be between 0 and 1, got {}",
            args.level
        )));
    }
    let ci = args.ci.unwrap_or(match args.method {
        Method::Bt => CiKind::Sandwich,
        Method::Elo => CiKind::None,
    });
    if ci == CiKind::Bootstrap && args.rounds < 2 {
        return Err(input_error("--rounds must be at least 2 for a bootstrap"));
    }
    Ok(ci)
}

fn rating_options(
    args: &ReportOptions,
    ci: CiKind,
    ties: TieHandling,
    anchor: Option<Anchor>,
) -> RatingOptions {
    let intervals = match ci {
        CiKind::None => IntervalMethod::None,
        CiKind::Sandwich => IntervalMethod::Sandwich,
        CiKind::Bootstrap => IntervalMethod::Bootstrap {
            rounds: args.rounds,
            seed: args.seed,
        },
    };
    RatingOptions {
        ties,
        reweight_min_pair: args.reweight.then_some(args.min_pair_count),
        intervals,
        level: args.level,
        base: args.mean,
        anchor,
    }
}

/// FastChat's online Elo over the battles in time order (the math is versus-rank's).
fn fit_online_elo(
    args: &ReportOptions,
    ci: CiKind,
    input: &RankInput<'_>,
    options: &RatingOptions,
) -> Result<Leaderboard, ReportError> {
    let battles = input.battles;
    if args.style {
        return Err(input_error("--style needs --method bt"));
    }
    if battles.aggregated {
        return Err(input_error(
            "--method elo replays battles in time order; pair-count files have no order",
        ));
    }
    if ci == CiKind::Sandwich {
        return Err(input_error(
            "--method elo has no sandwich interval; use --ci bootstrap (FastChat's Elo bootstrap) or --ci none",
        ));
    }
    let replay = EloBattles::in_time_order(&input.comparisons(), &battles.tstamp, options.ties);
    let elo_options = OnlineEloOptions {
        config: EloConfig {
            k: args.elo_k,
            initial: 1000.0,
        },
        intervals: options.intervals,
        level: options.level,
        anchor: options.anchor,
    };
    versus_rank::elo::rate_online_elo(battles.models.len(), &replay, &elo_options)
        .map_err(|e| input_error(e.describe(&battles.models)))
}

/// arena-rank's contextual Bradley–Terry on the chosen style features (each named once, in
/// the order first given); returns the board and the feature names.
fn fit_style_control(
    args: &ReportOptions,
    input: &RankInput<'_>,
    options: &RatingOptions,
    on_replicate: &(dyn Fn() + Sync),
) -> Result<(Leaderboard, Vec<&'static str>), ReportError> {
    let battles = input.battles;
    let names = &battles.models;
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
        .map(|&f| {
            (
                style.iter().map(|s| feature_counts(s, f)[0]).collect(),
                style.iter().map(|s| feature_counts(s, f)[1]).collect(),
            )
        })
        .collect();
    if battles.count.iter().any(|&c| c != 1.0) {
        return Err(input_error(
            "--style needs one row per battle; the input has aggregated rows",
        ));
    }
    let style_options = StyleOptions {
        reg: args.style_reg,
        min_pair_count: args.min_pair_count,
        reweighted: true,
        ties: options.ties,
    };
    let data = StyleData::new(
        names.len(),
        &battles.model_a,
        &battles.model_b,
        &input.outcome,
        &battles.weight,
        &side_counts,
        &style_options,
    )
    .map_err(|e| input_error(e.describe(names)))?;
    let board =
        versus_rank::rate_with_style_reporting(&data, &style_options, options, on_replicate)
            .map_err(|e| input_error(e.describe(names)))?;
    Ok((board, features.into_iter().map(feature_name).collect()))
}

/// Both sides' counts of one style feature.
fn feature_counts(counts: &versus_battles::StyleCounts, feature: StyleFeature) -> [f64; 2] {
    match feature {
        StyleFeature::Tokens => counts.tokens,
        StyleFeature::Header => counts.header,
        StyleFeature::Bold => counts.bold,
        StyleFeature::List => counts.list,
    }
}

/// Plain Bradley–Terry, on the table reweighted by pair frequency when asked.
fn fit_bradley_terry(
    table: &versus_rank::RowTable,
    comparisons: &Comparisons<'_>,
    options: &RatingOptions,
    names: &[String],
    on_replicate: &(dyn Fn() + Sync),
) -> Result<Leaderboard, ReportError> {
    let reweighted;
    let fit_table = match options.reweight_min_pair {
        None => table,
        Some(_) => {
            reweighted =
                versus_rank::RowTable::build(comparisons, options.ties, options.reweight_min_pair)
                    .map_err(|e| input_error(e.describe(names)))?;
            &reweighted
        }
    };
    versus_rank::rate_table_reporting(fit_table, options, on_replicate)
        .map_err(|e| input_error(e.describe(names)))
}

/// Warnings about replicates or a fit that did not converge.
fn fit_warnings(board: &Leaderboard, rounds: usize) -> Vec<String> {
    let mut warnings = Vec::new();
    if board.unconverged_replicates > 0 {
        warnings.push(format!(
            "warning: {} of {} bootstrap replicates did not converge (a model never won or never lost in that resample); their ratings run off as in the reference tools",
            board.unconverged_replicates, rounds
        ));
    }
    if !board.converged {
        warnings.push(format!(
            "warning: the fit did not converge after {} iterations",
            board.iterations
        ));
    }
    warnings
}

/// One line per model with its battle totals, best rating first (ties by name).
fn model_lines(board: &Leaderboard, names: &[String], totals: &[[f64; 4]]) -> Vec<ModelLine> {
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
    models.sort_by(|x, y| {
        y.rating
            .total_cmp(&x.rating)
            .then_with(|| x.model.cmp(&y.model))
    });
    models
}

/// The style coefficients by feature name (none without style control).
fn coefficient_lines(
    board: &Leaderboard,
    features: Option<&[&'static str]>,
) -> Option<StyleCoefficients> {
    board.style_coefficients.as_ref().map(|coefs| {
        StyleCoefficients(
            features
                .into_iter()
                .flatten()
                .zip(coefs)
                .map(|(name, c)| {
                    (
                        (*name).to_string(),
                        CoefficientLine {
                            value: c.value,
                            lower: c.lower,
                            upper: c.upper,
                        },
                    )
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use versus_battles::{StyleCounts, Winner};

    fn set() -> BattleSet {
        let mut b = BattleSet::default();
        let style = |k: f64| {
            Some(StyleCounts {
                tokens: [100.0 + k, 80.0],
                header: [1.0, 0.0],
                list: [k, 2.0],
                bold: [0.0, k],
            })
        };
        for (i, (a, bb, w)) in [
            ("x", "y", Winner::ModelA),
            ("y", "z", Winner::ModelA),
            ("z", "x", Winner::ModelA),
            ("x", "z", Winner::Tie),
            ("y", "x", Winner::BothBad),
            ("x", "y", Winner::ModelB),
        ]
        .into_iter()
        .enumerate()
        {
            b.push(a, bb, w, 1.0, 1.0, i as f64, style(i as f64));
        }
        b
    }

    #[test]
    fn rank_input_borrows_the_set_with_outcomes_from_model_a() {
        let battles = set();
        let input = RankInput::new(&battles);
        assert_eq!(input.outcome, [1.0, 1.0, 1.0, 0.5, 0.5, 0.0]);
        let comparisons = input.comparisons();
        assert_eq!(comparisons.n_models, 3);
        assert_eq!(comparisons.model_a, battles.model_a.as_slice());
        assert!(comparisons.validate().is_ok());
    }

    #[test]
    fn plain_and_style_reports() {
        let plain = compute(
            &ReportOptions::default(),
            &set(),
            Provenance::default(),
            &|| {},
        )
        .unwrap()
        .report;
        assert_eq!(plain.meta.method, "bradley_terry");
        assert_eq!(plain.models.len(), 3);
        assert_eq!(plain.meta.ci, Some(CiKind::Sandwich));
        assert!((plain.models.iter().map(|m| m.rating).sum::<f64>() / 3.0 - 1000.0).abs() < 1e-9);
        let style = compute(
            &ReportOptions {
                style: true,
                ..ReportOptions::default()
            },
            &set(),
            Provenance::default(),
            &|| {},
        )
        .unwrap()
        .report;
        assert_eq!(style.meta.method, "style_control_bt");
        assert_eq!(style.style_coefficients.as_ref().unwrap().0.len(), 4);
        let bad = compute(
            &ReportOptions {
                level: 1.5,
                ..ReportOptions::default()
            },
            &set(),
            Provenance::default(),
            &|| {},
        );
        assert!(bad.unwrap_err().0.contains("--level"));
    }
}
