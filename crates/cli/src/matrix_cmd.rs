//! `versus matrix`: who beat whom. Empirical win fraction among decisive battles, battle
//! counts, and the win probability the Bradley–Terry ratings predict (METHODS §2.9).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use versus_charts::{HeatCell, HeatMap};
use versus_leaderboard::RankInput;
use versus_rank::matrix::{HeadToHead, predicted_win_probability};
use versus_rank::{IntervalMethod, RatingOptions};

use crate::input::InputArgs;
use crate::input_error;
use crate::render::write_stdout;
use versus_present::{MISSING, Table};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Csv,
    Json,
    Svg,
}

#[derive(Args, Debug)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MatrixFormat::Json)]
    pub output: MatrixFormat,
    /// Only the N best-rated models (all by default; the SVG shows at most 40 unless given).
    #[arg(long)]
    pub top: Option<usize>,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// The three tables, rows and columns in rating order (or by mean win fraction when the
/// ratings do not exist).
#[derive(Serialize)]
pub struct Matrices {
    pub models: Vec<String>,
    /// Bradley–Terry ratings (null when the maximum-likelihood ratings do not exist).
    pub ratings: Vec<Option<f64>>,
    /// Decisive battles row won against column, divided by decisive battles between them; null if none.
    pub win_fraction: Vec<Vec<Option<f64>>>,
    /// All battles between row and column, ties included.
    pub battles: Vec<Vec<f64>>,
    /// Bradley–Terry win probability of row over column; null on the diagonal.
    pub predicted: Vec<Vec<Option<f64>>>,
}

pub fn compute(input: &InputArgs, top: Option<usize>) -> anyhow::Result<Matrices> {
    let votes = input.load()?;
    let b = &votes.battles;
    let input = RankInput::new(b);
    let h2h = HeadToHead::new(
        b.models.len(),
        &b.model_a,
        &b.model_b,
        &input.outcome,
        &b.count,
    );
    // Predicted probabilities need finite ratings; without them the empirical tables still stand.
    let ratings: Option<Vec<f64>> = match versus_rank::rate(
        &input.comparisons(),
        &RatingOptions {
            intervals: IntervalMethod::None,
            ..Default::default()
        },
    ) {
        Ok(board) => Some(board.models.iter().map(|m| m.rating).collect()),
        Err(
            e @ (versus_rank::RankError::InfiniteRatings { .. }
            | versus_rank::RankError::Disconnected { .. }),
        ) => {
            eprintln!(
                "versus: warning: no predicted win probabilities: {}",
                e.describe(&b.models)
            );
            None
        }
        Err(e) => return Err(input_error(e.describe(&b.models))),
    };
    let n = b.models.len();
    let sort_key: Vec<f64> = match &ratings {
        Some(r) => r.clone(),
        None => (0..n)
            .map(|i| {
                let fr: Vec<f64> = (0..n)
                    .filter(|&j| j != i)
                    .filter_map(|j| h2h.win_fraction(i, j))
                    .collect();
                if fr.is_empty() {
                    0.0
                } else {
                    fr.iter().sum::<f64>() / fr.len() as f64
                }
            })
            .collect(),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| {
        sort_key[y]
            .total_cmp(&sort_key[x])
            .then_with(|| b.models[x].cmp(&b.models[y]))
    });
    if let Some(n) = top {
        order.truncate(n.max(1));
    }
    Ok(Matrices {
        models: order.iter().map(|&i| b.models[i].clone()).collect(),
        ratings: order
            .iter()
            .map(|&i| ratings.as_ref().map(|r| r[i]))
            .collect(),
        win_fraction: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| if i == j { None } else { h2h.win_fraction(i, j) })
                    .collect()
            })
            .collect(),
        battles: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| if i == j { 0.0 } else { h2h.battles(i, j) })
                    .collect()
            })
            .collect(),
        predicted: order
            .iter()
            .map(|&i| {
                order
                    .iter()
                    .map(|&j| match &ratings {
                        Some(r) if i != j => Some(predicted_win_probability(r[i], r[j])),
                        _ => None,
                    })
                    .collect()
            })
            .collect(),
    })
}

/// A heat map of the empirical win fraction (blue: row wins, red: row loses, grey: never met),
/// drawn by versus-charts; each cell's tooltip names the pair, the fraction and the battles.
pub fn heat_map(m: &Matrices) -> HeatMap {
    let cells = (0..m.models.len())
        .map(|i| {
            (0..m.models.len())
                .map(|j| {
                    let fraction = m.win_fraction[i][j];
                    let percent = fraction.map(|f| format!("{:.0}", f * 100.0));
                    HeatCell {
                        value: fraction,
                        title: Some(format!(
                            "{} vs {}: {} ({} battles)",
                            m.models[i],
                            m.models[j],
                            percent
                                .as_ref()
                                .map_or_else(|| "never met".to_string(), |p| format!("{p}% won")),
                            m.battles[i][j]
                        )),
                        text: percent.unwrap_or_default(),
                    }
                })
                .collect()
        })
        .collect();
    HeatMap {
        title: "Fraction of decisive battles won by row model against column model".into(),
        labels: m.models.clone(),
        cells,
        notes: vec![
            "Cells: % of decisive battles won (ties excluded); grey: never met. Rows and columns in Bradley–Terry rating order. Made by versus.".into(),
        ],
    }
}

/// One row per ordered pair of distinct models, for programs (`--output csv`): battles, the
/// empirical win fraction and the Bradley–Terry prediction, empty where there is none.
fn pair_table(m: &Matrices) -> Table {
    let mut table = Table::new(
        "",
        &["model_a", "model_b", "battles", "win_fraction", "predicted"],
    );
    let value = |x: Option<f64>| x.map_or(MISSING.to_string(), |v| v.to_string());
    for i in 0..m.models.len() {
        for j in (0..m.models.len()).filter(|&j| j != i) {
            table.rows.push(vec![
                m.models[i].clone(),
                m.models[j].clone(),
                m.battles[i][j].to_string(),
                value(m.win_fraction[i][j]),
                value(m.predicted[i][j]),
            ]);
        }
    }
    table
}

pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    let top = args
        .top
        .or((args.output == MatrixFormat::Svg).then_some(40));
    let m = compute(&args.input, top)?;
    let text = match args.output {
        MatrixFormat::Json => serde_json::to_string_pretty(&m)? + "\n",
        MatrixFormat::Svg => heat_map(&m).scene().to_svg(),
        MatrixFormat::Csv => pair_table(&m).to_csv()?,
    };
    match args.out {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => write_stdout(&text),
    }
}
