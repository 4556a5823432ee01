//! `versus matrix`: who beat whom. Empirical win fraction among decisive battles, battle
//! counts, and the win probability the Bradley–Terry ratings predict (METHODS §2.9).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use versus_charts::{HeatCell, HeatMap};
pub use versus_leaderboard::matrix::Matrices;

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

/// The matrices of the votes `input` selects (see versus_leaderboard::matrix).
pub fn compute(input: &InputArgs, top: Option<usize>) -> anyhow::Result<Matrices> {
    let votes = input.load()?;
    let (m, warning) =
        versus_leaderboard::matrix::compute(&votes.battles, top).map_err(|e| input_error(e.0))?;
    if let Some(w) = warning {
        eprintln!("versus: {w}");
    }
    Ok(m)
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
