//! `versus`: the one binary. Parses flags and calls the library crates; input problems exit
//! with status 2 and a message naming the file, line and field.

mod audit_cmd;
mod bench;
mod data_cmd;
mod data_parquet;
mod input;
mod matrix_cmd;
mod progress;
mod race;
mod rank_cmd;
mod render;
mod report;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A problem with what the user gave us (files, flags): exit status 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Shorthand for an input error wrapped in anyhow.
pub fn input_error(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(InputError(message.into()))
}

#[derive(Parser)]
#[command(
    name = "versus",
    version,
    about = "The open instrument for the AI race: arena ratings, leaderboards with honest uncertainty, race analytics."
)]
struct Cli {
    /// Worker threads for bootstrap and large fits (default: all cores). Results do not depend on it.
    #[arg(long, global = true, env = "VERSUS_THREADS")]
    threads: Option<usize>,
    /// The data directory that `versus data add` writes and every race command reads over the
    /// bundled data (default: $XDG_DATA_HOME/versus, else ~/.local/share/versus).
    #[arg(long, global = true, env = "VERSUS_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bradley–Terry leaderboard with confidence intervals from vote files.
    Rank(rank_cmd::RankArgs),
    /// Head-to-head win fractions, battle counts and predicted win probabilities.
    Matrix(matrix_cmd::MatrixArgs),
    /// Time the engine on synthetic 1M/2M-battle files (and arena-rank when available).
    Bench(bench::BenchArgs),
    /// The AI race: gap between groups, price–performance value, compute share by country.
    Race(race::RaceArgs),
    /// One self-contained HTML page recomputing each race claim from the shipped data.
    Report(report::ReportArgs),
    /// Audit a leaderboard from its votes: battle shares by organisation, country and licence, sampling inequality, rank stability, deprecated models, and the gap's sensitivity to sampling.
    Audit(audit_cmd::AuditArgs),
    /// Take in newer leaderboards, votes, GPU clusters and prices (`data add FILE|URL`) and list the data sets (`data list`).
    Data(data_cmd::DataArgs),
    /// The arena: an HTTP server where people vote between two anonymous models (default: recorded answers, offline).
    Serve(serve::ServeArgs),
    /// Write the arena's voted battles as LMArena battle-log JSON, JSONL or CSV.
    Export(serve::ExportArgs),
    /// The arena's database: apply migrations, copy an arena between SQLite and PostgreSQL.
    Db(serve::DbArgs),
}

/// Keeps Rust's panic message for real bugs but not for the arrow-rs assertions that
/// versus-battles catches while decoding a corrupt Parquet file: those end as a clear read
/// error, and "thread panicked at …decoder.rs" before it would only alarm.
fn quiet_caught_parquet_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !versus_battles::parquet_panic_is_caught() {
            report(info);
        }
    }));
}

fn main() -> ExitCode {
    quiet_caught_parquet_panics();
    let cli = Cli::parse();
    data_cmd::set_data_dir(cli.data_dir.clone());
    if let Some(n) = cli.threads
        && let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
    {
        eprintln!("versus: warning: could not set {n} threads: {e}");
    }
    let result = match cli.command {
        Command::Rank(args) => rank_cmd::run(args),
        Command::Matrix(args) => matrix_cmd::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Race(args) => race::run(args),
        Command::Report(args) => report::run(args),
        Command::Audit(args) => audit_cmd::run(args),
        Command::Data(args) => data_cmd::run(args),
        Command::Serve(args) => serve::run_serve(args),
        Command::Export(args) => serve::run_export(args),
        Command::Db(args) => serve::run_db(args),
    };
    report_peak_memory();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let is_input = e.downcast_ref::<InputError>().is_some()
                || e.downcast_ref::<versus_battles::ReadError>().is_some();
            eprintln!("versus: error: {e:#}");
            if is_input {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// With VERSUS_REPORT_PEAK set, prints the process's peak resident memory (for `versus bench`).
fn report_peak_memory() {
    if std::env::var_os("VERSUS_REPORT_PEAK").is_none() {
        return;
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(kib) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    {
        eprintln!("versus: peak_rss_kib={kib}");
    }
}
