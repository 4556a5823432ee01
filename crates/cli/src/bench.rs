//! `versus bench`: end-to-end timings of `versus rank` on synthetic 1M- and 2M-battle files,
//! beside arena-rank on the same files when a Python with arena-rank is available. Each
//! measurement is a fresh process (parsing included) so that peak memory is per run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const REFERENCE_SCRIPT: &str = include_str!("bench_reference.py");

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Battle counts to generate and time.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000_000usize, 2_000_000])]
    pub battles: Vec<usize>,
    /// Models in the synthetic files.
    #[arg(long, default_value_t = 130)]
    pub models: usize,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Bootstrap rounds for versus.
    #[arg(long, default_value_t = 100)]
    pub rounds: usize,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Where the synthetic files go (reused when present).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Python interpreter with arena-rank installed. Default: a virtualenv the bench creates
    /// (`pip install arena-rank`) under the data directory.
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Skip the arena-rank comparison.
    #[arg(long)]
    pub no_reference: bool,
    /// Also time every task on the same battles as Parquet (and report Parquet/CSV).
    #[arg(long)]
    pub parquet: bool,
    /// Bootstrap rounds for arena-rank (its 100 rounds take minutes; fewer rounds are scaled
    /// linearly to 100 and marked as estimates).
    #[arg(long, default_value_t = 10)]
    pub reference_rounds: usize,
}

/// One synthetic battle: models, outcome and the style counts of both answers.
struct Battle {
    tstamp: i64,
    model_a: usize,
    model_b: usize,
    winner: &'static str,
    /// sum_assistant_tokens, header_count, list_count, bold_count; each (a, b).
    counts: [u32; 8],
}

/// The columns of the synthetic files, in order.
const COLUMNS: [&str; 12] = [
    "tstamp",
    "model_a",
    "model_b",
    "winner",
    "sum_assistant_tokens_a",
    "sum_assistant_tokens_b",
    "header_count_a",
    "header_count_b",
    "list_count_a",
    "list_count_b",
    "bold_count_a",
    "bold_count_b",
];

/// LMArena-like battles: Bradley–Terry outcomes with 15% ties, style counts with a genuine
/// length effect, uniformly drawn pairs; a function of (n, models, seed) only.
fn synthetic(n: usize, models: usize, seed: u64) -> impl Iterator<Item = Battle> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let strength: Vec<f64> = (0..models)
        .map(|_| (rng.random::<f64>() - 0.5) * 3.0)
        .collect();
    (0..n).map(move |r| {
        let a = rng.random_range(0..models);
        let mut b = rng.random_range(0..models - 1);
        if b >= a {
            b += 1;
        }
        let (ta, tb) = (rng.random_range(50..1500u32), rng.random_range(50..1500u32));
        let len = (ta as f64 - tb as f64) / (ta as f64 + tb as f64);
        let p = 1.0 / (1.0 + (-(strength[a] - strength[b] + 0.6 * len)).exp());
        let u: f64 = rng.random();
        let winner = if u < 0.15 {
            if u < 0.07 { "tie (bothbad)" } else { "tie" }
        } else if rng.random::<f64>() < p {
            "model_a"
        } else {
            "model_b"
        };
        let mut counts = [ta, tb, 0, 0, 0, 0, 0, 0];
        for (k, hi) in [(2, 6u32), (3, 6), (4, 15), (5, 15), (6, 20), (7, 20)] {
            counts[k] = rng.random_range(0..hi);
        }
        Battle {
            tstamp: 1_700_000_000 + r as i64,
            model_a: a,
            model_b: b,
            winner,
            counts,
        }
    })
}

/// Writes to `path` through a `.partial` file, so an interrupted run leaves no half file.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(std::fs::File) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let tmp = path.with_extension("partial");
    write(std::fs::File::create(&tmp)?)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn generate(path: &Path, n: usize, models: usize, seed: u64) -> anyhow::Result<()> {
    write_atomically(path, |file| {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(w, "{}", COLUMNS.join(","))?;
        for b in synthetic(n, models, seed) {
            write!(
                w,
                "{},model-{:03},model-{:03},{}",
                b.tstamp, b.model_a, b.model_b, b.winner
            )?;
            for c in b.counts {
                write!(w, ",{c}")?;
            }
            writeln!(w)?;
        }
        w.flush()?;
        Ok(())
    })
}

/// The same battles as Parquet, written as pyarrow writes LMArena's releases: strings
/// dictionary-encoded, one row group for up to 1M rows (arrow-rs' default row-group size).
fn generate_parquet(path: &Path, n: usize, models: usize, seed: u64) -> anyhow::Result<()> {
    use std::sync::Arc;
    use versus_battles::arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use versus_battles::arrow_schema::{DataType, Field, Schema};
    let schema = Arc::new(Schema::new(
        COLUMNS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let t = if (1..=3).contains(&i) {
                    DataType::Utf8
                } else {
                    DataType::Int64
                };
                Field::new(*name, t, false)
            })
            .collect::<Vec<_>>(),
    ));
    let names: Vec<String> = (0..models).map(|m| format!("model-{m:03}")).collect();
    write_atomically(path, |file| {
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None)?;
        let battles: Vec<Battle> = synthetic(n, models, seed).collect();
        for chunk in battles.chunks(1 << 16) {
            let mut columns: Vec<ArrayRef> = vec![
                Arc::new(Int64Array::from_iter_values(chunk.iter().map(|b| b.tstamp))),
                Arc::new(StringArray::from_iter_values(
                    chunk.iter().map(|b| &names[b.model_a]),
                )),
                Arc::new(StringArray::from_iter_values(
                    chunk.iter().map(|b| &names[b.model_b]),
                )),
                Arc::new(StringArray::from_iter_values(
                    chunk.iter().map(|b| b.winner),
                )),
            ];
            for k in 0..8 {
                columns.push(Arc::new(Int64Array::from_iter_values(
                    chunk.iter().map(|b| i64::from(b.counts[k])),
                )));
            }
            writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
        }
        writer.close()?;
        Ok(())
    })
}

struct Run {
    seconds: f64,
    peak_mib: f64,
}

fn time_versus(file: &Path, args: &[&str], repeat: usize) -> anyhow::Result<Run> {
    let exe = std::env::current_exe()?;
    let mut secs = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let out = Command::new(&exe)
            .arg("rank")
            .arg(file)
            .args(args)
            .args(["--output", "json"])
            .env("VERSUS_REPORT_PEAK", "1")
            .output()?;
        secs.push(start.elapsed().as_secs_f64());
        if !out.status.success() {
            anyhow::bail!(
                "versus rank {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(kib) = stderr
            .lines()
            .find_map(|l| l.strip_prefix("versus: peak_rss_kib="))
            .and_then(|v| v.trim().parse::<f64>().ok())
        {
            peak = peak.max(kib / 1024.0);
        }
    }
    secs.sort_by(f64::total_cmp);
    Ok(Run {
        seconds: secs[secs.len() / 2],
        peak_mib: peak,
    })
}

/// A Python that can import arena_rank, creating a virtualenv if needed; None (with the
/// reason printed) when that is impossible here.
fn reference_python(args: &BenchArgs, dir: &Path) -> Option<PathBuf> {
    let works = |py: &Path| {
        Command::new(py)
            .args(["-c", "import arena_rank, pandas"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if let Some(py) = &args.python {
        if works(py) {
            return Some(py.clone());
        }
        eprintln!(
            "bench: {} cannot import arena_rank and pandas; skipping the reference",
            py.display()
        );
        return None;
    }
    let venv = dir.join("arena-rank-venv");
    let py = venv.join("bin/python");
    if works(&py) {
        return Some(py);
    }
    eprintln!(
        "bench: creating {} with `pip install arena-rank` …",
        venv.display()
    );
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
        && Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "arena-rank", "pandas"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if ok && works(&py) {
        Some(py)
    } else {
        eprintln!(
            "bench: arena-rank is not available (no python3 -m venv, or pip could not install it); skipping the reference comparison"
        );
        None
    }
}

fn time_reference(
    py: &Path,
    dir: &Path,
    file: &Path,
    rounds: usize,
) -> anyhow::Result<serde_json::Value> {
    let script = dir.join("bench_reference.py");
    std::fs::write(&script, REFERENCE_SCRIPT)?;
    let out = Command::new(py)
        .arg(&script)
        .arg(file)
        .arg(rounds.to_string())
        .arg("point,sandwich,bootstrap,style")
        .output()?;
    if !out.status.success() {
        anyhow::bail!(
            "arena-rank run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    Ok(serde_json::from_str(last)?)
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("versus-bench"));
    std::fs::create_dir_all(&dir)?;
    let python = if args.no_reference {
        None
    } else {
        reference_python(&args, &dir)
    };
    let rounds = args.rounds.to_string();
    let mut table = String::from(
        "| battles | task | input | versus (s) | peak RSS (MiB) | Parquet/CSV | arena-rank (s) | versus is faster by |\n|---:|---|---|---:|---:|---:|---:|---:|\n",
    );
    for &n in &args.battles {
        let file = dir.join(format!("synthetic-{n}-m{}-s{}.csv", args.models, args.seed));
        if !file.exists() {
            eprintln!("bench: generating {} …", file.display());
            generate(&file, n, args.models, args.seed)?;
        }
        let parquet = file.with_extension("parquet");
        if args.parquet && !parquet.exists() {
            eprintln!("bench: generating {} …", parquet.display());
            generate_parquet(&parquet, n, args.models, args.seed)?;
        }
        let tasks: [(&str, Vec<&str>); 5] = [
            ("point", vec!["--ci", "none"]),
            ("sandwich", vec!["--ci", "sandwich"]),
            ("bootstrap", vec!["--ci", "bootstrap", "--rounds", &rounds]),
            ("style", vec!["--style", "--ci", "sandwich"]),
            (
                "style bootstrap",
                vec!["--style", "--ci", "bootstrap", "--rounds", &rounds],
            ),
        ];
        let reference = match &python {
            Some(py) => {
                eprintln!(
                    "bench: arena-rank on {n} battles ({} bootstrap rounds) …",
                    args.reference_rounds
                );
                match time_reference(py, &dir, &file, args.reference_rounds) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        eprintln!("bench: {e}");
                        None
                    }
                }
            }
            None => None,
        };
        for (name, task_args) in &tasks {
            eprintln!("bench: versus {name} on {n} battles …");
            let ours = time_versus(&file, task_args, args.repeat)?;
            let theirs = reference.as_ref().and_then(|r| {
                let seconds = |task: &str| r["seconds"][task].as_f64();
                let s = seconds(name)?;
                if *name == "bootstrap" && args.reference_rounds != args.rounds {
                    // Scale the bootstrap part linearly to versus's round count; the fit is counted once.
                    let point = seconds("point").unwrap_or(0.0);
                    let scaled = point
                        + (s - point) * args.rounds as f64 / args.reference_rounds.max(1) as f64;
                    Some((scaled, true))
                } else {
                    Some((s, false))
                }
            });
            let (their_text, ratio) = match theirs {
                Some((s, est)) => (
                    format!("{s:.2}{}", if est { " (est.)" } else { "" }),
                    format!("{:.0}×", s / ours.seconds),
                ),
                None => ("—".into(), "—".into()),
            };
            table.push_str(&format!(
                "| {n} | {name} | CSV | {:.3} | {:.0} | | {their_text} | {ratio} |\n",
                ours.seconds, ours.peak_mib
            ));
            if args.parquet {
                let pq = time_versus(&parquet, task_args, args.repeat)?;
                table.push_str(&format!(
                    "| {n} | {name} | Parquet | {:.3} | {:.0} | {:.2} | | |\n",
                    pq.seconds,
                    pq.peak_mib,
                    pq.seconds / ours.seconds
                ));
            }
        }
    }
    println!("{table}");
    println!(
        "versus: median of {} fresh `versus rank` processes each (parsing included), {} threads. arena-rank: one run each, pandas.read_csv included{}.",
        args.repeat,
        rayon::current_num_threads(),
        if python.is_some() && args.reference_rounds != args.rounds {
            format!(
                "; its bootstrap ran {} rounds, scaled to {}",
                args.reference_rounds, args.rounds
            )
        } else {
            String::new()
        }
    );
    Ok(())
}
