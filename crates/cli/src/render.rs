//! Leaderboards as text through the one table model of `versus-present`: an aligned table,
//! Markdown, CSV or JSON. Also the stdout writer and CSV field quoting the commands share.

use std::io::Write;

use versus_leaderboard::Report;
use versus_present::{Align, OutputFormat, Table};

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

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// The ranking as shown to people: rank, model, rating, interval, battle counts. Text and
/// Markdown differ only in the rank's header (Markdown says the rank is the upper bound).
fn ranking_table(report: &Report, rank_header: &str) -> Table {
    let pct = format!("{:.0}% CI", report.meta.level * 100.0);
    let mut table = Table::new(
        "",
        &[
            rank_header,
            "Model",
            "Rating",
            &pct,
            "Battles",
            "Wins",
            "Losses",
            "Ties",
        ],
    )
    .with_layout(&[
        (Align::Right, 4),
        (Align::Left, 5),
        (Align::Right, 8),
        (Align::Right, 9),
        (Align::Right, 9),
        (Align::Right, 9),
        (Align::Right, 9),
        (Align::Right, 9),
    ])
    .without_rule();
    for m in &report.models {
        table.rows.push(vec![
            m.rank.to_string(),
            m.model.clone(),
            format!("{:.1}", m.rating),
            interval(m.rating, m.lower, m.upper),
            m.battles.to_string(),
            m.wins.to_string(),
            m.losses.to_string(),
            m.ties.to_string(),
        ]);
    }
    table
}

/// Every number of every model, unrounded, for programs (a missing value is an empty field).
fn data_table(report: &Report) -> Table {
    let mut table = Table::new(
        "",
        &[
            "model", "rating", "lower", "upper", "variance", "rank", "battles", "wins", "losses",
            "ties",
        ],
    );
    for m in &report.models {
        table.rows.push(vec![
            m.model.clone(),
            m.rating.to_string(),
            num(m.lower),
            num(m.upper),
            num(m.variance),
            m.rank.to_string(),
            m.battles.to_string(),
            m.wins.to_string(),
            m.losses.to_string(),
            m.ties.to_string(),
        ]);
    }
    table
}

pub fn render_leaderboard(report: &Report, format: OutputFormat) -> anyhow::Result<String> {
    Ok(match format {
        OutputFormat::Json => versus_present::to_json(report)?,
        OutputFormat::Csv => data_table(report).to_csv()?,
        OutputFormat::Markdown => {
            let mut s = ranking_table(report, "Rank (UB)").to_markdown();
            s.push_str(&coefficients_markdown(report));
            s
        }
        OutputFormat::Table => {
            let mut s = ranking_table(report, "Rank").to_text();
            s.push_str(&coefficients_text(report));
            s.push_str(&fit_summary(report));
            s
        }
    })
}

/// The line under the text table: data size, method, interval kind, scale and convergence.
fn fit_summary(report: &Report) -> String {
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
    format!(
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
    )
}

fn coefficient(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x:.4}")
    }
}

fn coefficients_markdown(report: &Report) -> String {
    let Some(coefs) = &report.style_coefficients else {
        return String::new();
    };
    let mut table = Table::new("", &["Style feature", "Coefficient", "Lower", "Upper"])
        .with_layout(&[
            (Align::Left, 0),
            (Align::Right, 0),
            (Align::Right, 0),
            (Align::Right, 0),
        ]);
    for (name, c) in &coefs.0 {
        table.rows.push(vec![
            name.to_string(),
            coefficient(c.value),
            coefficient(c.lower),
            coefficient(c.upper),
        ]);
    }
    format!("\n{}", table.to_markdown())
}

/// The style coefficients as an indented list under the text table.
fn coefficients_text(report: &Report) -> String {
    let Some(coefs) = &report.style_coefficients else {
        return String::new();
    };
    let mut s = String::from("\nStyle coefficients (logits per s.d. of the feature):\n");
    for (name, c) in &coefs.0 {
        s.push_str(&format!(
            "  {name:<22} {:>8}  [{}, {}]\n",
            coefficient(c.value),
            coefficient(c.lower),
            coefficient(c.upper)
        ));
    }
    s
}
