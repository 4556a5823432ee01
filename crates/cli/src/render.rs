//! Leaderboards as text: an aligned table, Markdown, CSV or JSON.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;

use crate::rank_cmd::Report;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

impl OutputFormat {
    /// The format asked for, or a table on a terminal and JSON in a pipe.
    pub fn resolve(asked: Option<OutputFormat>) -> OutputFormat {
        asked.unwrap_or_else(|| {
            if std::io::stdout().is_terminal() {
                OutputFormat::Table
            } else {
                OutputFormat::Json
            }
        })
    }
}

/// Writes to stdout, treating a closed pipe (`| head`) as success.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn interval(r: f64, lo: f64, hi: f64) -> String {
    if lo.is_nan() || hi.is_nan() {
        String::new()
    } else {
        format!("+{:.0}/-{:.0}", hi - r, r - lo)
    }
}

/// CSV field quoting (RFC 4180): model names may contain commas or quotes.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

pub fn render_leaderboard(report: &Report, format: OutputFormat) -> anyhow::Result<String> {
    let pct = format!("{:.0}% CI", report.meta.level * 100.0);
    Ok(match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(report)?;
            s.push('\n');
            s
        }
        OutputFormat::Csv => {
            let mut s =
                String::from("model,rating,lower,upper,variance,rank,battles,wins,losses,ties\n");
            for m in &report.models {
                s.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{}\n",
                    csv_field(&m.model),
                    m.rating,
                    num(m.lower),
                    num(m.upper),
                    num(m.variance),
                    m.rank,
                    m.battles,
                    m.wins,
                    m.losses,
                    m.ties
                ));
            }
            s
        }
        OutputFormat::Markdown => {
            let mut s = format!(
                "| Rank (UB) | Model | Rating | {pct} | Battles | Wins | Losses | Ties |\n|---:|---|---:|---:|---:|---:|---:|---:|\n"
            );
            for m in &report.models {
                s.push_str(&format!(
                    "| {} | {} | {:.1} | {} | {} | {} | {} | {} |\n",
                    m.rank,
                    markdown_cell(&m.model),
                    m.rating,
                    interval(m.rating, m.lower, m.upper),
                    m.battles,
                    m.wins,
                    m.losses,
                    m.ties
                ));
            }
            s.push_str(&coefficients_text(report, true));
            s
        }
        OutputFormat::Table => {
            let width = report
                .models
                .iter()
                .map(|m| m.model.chars().count())
                .max()
                .unwrap_or(5)
                .max(5);
            let mut s = format!(
                "{:>4}  {:<width$}  {:>8}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}\n",
                "Rank", "Model", "Rating", pct, "Battles", "Wins", "Losses", "Ties"
            );
            for m in &report.models {
                s.push_str(&format!(
                    "{:>4}  {:<width$}  {:>8.1}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}\n",
                    m.rank,
                    m.model,
                    m.rating,
                    interval(m.rating, m.lower, m.upper),
                    m.battles,
                    m.wins,
                    m.losses,
                    m.ties
                ));
            }
            s.push_str(&coefficients_text(report, false));
            let meta = &report.meta;
            let anchor = match &meta.anchor {
                Some(a) => format!("anchor {}={}", a.model, a.rating),
                None => format!("mean {}", meta.mean.unwrap_or(1000.0)),
            };
            let ci = match (meta.ci, meta.rounds) {
                (Some(c), Some(r)) => {
                    format!("{c:?} ({r} rounds, seed {})", meta.seed.unwrap_or(0)).to_lowercase()
                }
                (Some(c), None) => format!("{c:?}").to_lowercase(),
                (None, _) => "none".into(),
            };
            s.push_str(&format!(
                "\n{} battles, {} models; {}; ties {}; intervals {}; {}; {} after {} iterations\n",
                meta.battles,
                meta.models,
                meta.method,
                meta.ties,
                ci,
                anchor,
                if meta.converged {
                    "converged"
                } else {
                    "NOT converged"
                },
                meta.iterations
            ));
            s
        }
    })
}

fn coefficients_text(report: &Report, markdown: bool) -> String {
    let Some(coefs) = &report.style_coefficients else {
        return String::new();
    };
    let mut s = String::from(if markdown {
        "\n| Style feature | Coefficient | Lower | Upper |\n|---|---:|---:|---:|\n"
    } else {
        "\nStyle coefficients (logits per s.d. of the feature):\n"
    });
    let num = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x:.4}")
        }
    };
    for (name, c) in &coefs.0 {
        if markdown {
            s.push_str(&format!(
                "| {name} | {} | {} | {} |\n",
                num(c.value),
                num(c.lower),
                num(c.upper)
            ));
        } else {
            s.push_str(&format!(
                "  {name:<22} {:>8}  [{}, {}]\n",
                num(c.value),
                num(c.lower),
                num(c.upper)
            ));
        }
    }
    s
}
