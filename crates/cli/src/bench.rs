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
    /// Bootstrap rounds for arena-rank (its 100 rounds take minutes; fewer rounds are scaled
    /// linearly to 100 and marked as estimates).
    #[arg(long, default_value_t = 10)]
    pub reference_rounds: usize,
}

/// A synthetic LMArena-like battle file: Bradley–Terry outcomes with 15% ties, style counts
/// with a genuine length effect, uniformly drawn pairs.
fn generate(path: &Path, n: usize, models: usize, seed: u64) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let strength: Vec<f64> = (0..models)
        .map(|_| (rng.random::<f64>() - 0.5) * 3.0)
        .collect();
    let tmp = path.with_extension("partial");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    writeln!(
        w,
        "tstamp,model_a,model_b,winner,sum_assistant_tokens_a,sum_assistant_tokens_b,header_count_a,header_count_b,list_count_a,list_count_b,bold_count_a,bold_count_b"
    )?;
    for r in 0..n {
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
        writeln!(
            w,
            "{},model-{a:03},model-{b:03},{winner},{ta},{tb},{},{},{},{},{},{}",
            1_700_000_000 + r,
            rng.random_range(0..6u32),
            rng.random_range(0..6u32),
            rng.random_range(0..15u32),
            rng.random_range(0..15u32),
            rng.random_range(0..20u32),
            rng.random_range(0..20u32)
        )?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, path)?;
    Ok(())
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
        "| battles | task | versus (s) | peak RSS (MiB) | arena-rank (s) | ratio |\n|---:|---|---:|---:|---:|---:|\n",
    );
    for &n in &args.battles {
        let file = dir.join(format!("synthetic-{n}-m{}-s{}.csv", args.models, args.seed));
        if !file.exists() {
            eprintln!("bench: generating {} …", file.display());
            generate(&file, n, args.models, args.seed)?;
        }
        let tasks: [(&str, Vec<&str>); 4] = [
            ("point", vec!["--ci", "none"]),
            ("sandwich", vec!["--ci", "sandwich"]),
            ("bootstrap", vec!["--ci", "bootstrap", "--rounds", &rounds]),
            ("style", vec!["--style", "--ci", "sandwich"]),
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
            let theirs = reference
                .as_ref()
                .and_then(|r| r["seconds"][*name].as_f64())
                .map(|s| {
                    if *name == "bootstrap" && args.reference_rounds != args.rounds {
                        // Scale the bootstrap part linearly to versus's round count; the fit is counted once.
                        let point = reference
                            .as_ref()
                            .and_then(|r| r["seconds"]["point"].as_f64())
                            .unwrap_or(0.0);
                        (
                            point
                                + (s - point) * args.rounds as f64
                                    / args.reference_rounds.max(1) as f64,
                            true,
                        )
                    } else {
                        (s, false)
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
                "| {n} | {name} | {:.3} | {:.0} | {their_text} | {ratio} |\n",
                ours.seconds, ours.peak_mib
            ));
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
