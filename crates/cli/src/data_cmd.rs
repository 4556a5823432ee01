//! `versus data add|list`: newer leaderboards taken in without recompiling. Files are validated
//! whole before anything is written, stored in the user's data directory with their origin and
//! SHA-256 (adding the same content twice changes nothing), and every race command reads the
//! shipped data with them (`versus_race::overlay`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use versus_present::{OutputFormat, Table};
use versus_race::history::History;
use versus_race::overlay::{self, Added, Kind, Manifest};
use versus_race::registry::Registry;

use crate::input_error;

#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Take in LMArena leaderboard snapshots (arena-catalog JSON) from local files or URLs.
    Add(AddArgs),
    /// The bundled data sets and those added, with the newest date of each.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Files, or https:// (http://) URLs.
    #[arg(required = true, value_name = "FILE|URL")]
    pub files: Vec<PathBuf>,
    /// The snapshot's publication date (default: the date in the file name).
    #[arg(long)]
    pub date: Option<String>,
    /// The file is a style-controlled leaderboard (default: when its name says `style-control`).
    #[arg(long)]
    pub style_control: bool,
    /// Keep models the registry does not know, as "unknown" (assigned to no side).
    #[arg(long)]
    pub allow_unresolved: bool,
    /// Longest wait for a download (files given as https:// or http:// URLs).
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum)]
    pub output: Option<OutputFormat>,
}

static DATA_DIR: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Sets the data directory given by `--data-dir` (before any command runs).
pub fn set_data_dir(dir: Option<PathBuf>) {
    let _ = DATA_DIR.set(dir);
}

/// `--data-dir`, else `VERSUS_DATA_DIR` (both read by clap), else `$XDG_DATA_HOME/versus`, else
/// `~/.local/share/versus` (the XDG base directory default).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(Some(dir)) = DATA_DIR.get() {
        return Some(dir.clone());
    }
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    nonempty("XDG_DATA_HOME")
        .map(|d| PathBuf::from(d).join("versus"))
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".local/share/versus")))
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(overlay::MANIFEST_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Manifest::parse(&path.display().to_string(), &text)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The shipped registry with the data directory's `registry.csv`.
pub fn registry() -> Result<Registry> {
    let shipped = Registry::shipped()?;
    let Some(dir) = data_dir() else {
        return Ok(shipped);
    };
    let path = dir.join(overlay::REGISTRY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let file = path.display().to_string();
            let user = Registry::parse(&file, &text)?;
            Ok(overlay::merge_registry(&shipped, &user, &file)?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(shipped),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The rows of one added file.
fn rows_of(dir: &Path, e: &Added) -> Result<Vec<versus_race::history::HistoryRow>> {
    let path = dir.join(&e.file);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(versus_race::build::readers::parse_catalog(
        &path.display().to_string(),
        &text,
        e.date,
        e.style_control,
    )?)
}

/// The shipped history with every added snapshot.
pub fn history() -> Result<History> {
    let mut history = History::shipped()?;
    let Some(dir) = data_dir() else {
        return Ok(history);
    };
    for e in read_manifest(&dir)?.entries {
        history = overlay::merge_history(&history, rows_of(&dir, &e)?, &e.file)?;
    }
    Ok(history)
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `text` to `path` through a temporary file and a rename, so a crash leaves either the
/// old file or the new one.
fn write_atomically(path: &Path, text: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

/// Downloads `url` whole (system roots, `HTTPS_PROXY`/`HTTP_PROXY` honoured), showing bytes
/// and rate on a terminal; refuses HTML pages, error statuses and truncated bodies.
fn download(url: &str, timeout_secs: u64) -> Result<Vec<u8>> {
    use futures_util::StreamExt;
    use std::io::{IsTerminal, Write};
    versus_arena::state::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(timeout_secs))
            .build()
            .context("building the HTTP client")?;
        let fail = |what: String| input_error(format!("{url}: {what}"));
        let describe = |e: reqwest::Error| {
            if e.is_timeout() {
                format!("no complete answer within {timeout_secs} s (--timeout-secs)")
            } else if e.is_connect() {
                "could not connect (check the address, and HTTPS_PROXY if you need a proxy)".into()
            } else {
                // The error chain in one line (reqwest's own text names no cause).
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                text
            }
        };
        let response = client.get(url).send().await.map_err(|e| fail(describe(e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("the server answered HTTP {status}")));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("text/html") {
            return Err(fail(
                "the server sent an HTML page (Content-Type: text/html), not a data file: use the file's raw URL".into(),
            ));
        }
        let expected = response.content_length();
        let progress = std::io::stderr().is_terminal();
        let started = std::time::Instant::now();
        let mut body = Vec::with_capacity(expected.unwrap_or(0).min(1 << 30) as usize);
        let mut stream = response.bytes_stream();
        let mut last = std::time::Instant::now();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                let of = expected.map_or_else(String::new, |n| format!(" of {n}"));
                fail(format!(
                    "the download ended after {}{of} bytes: {}",
                    body.len(),
                    describe(e)
                ))
            })?;
            body.extend_from_slice(&chunk);
            if progress && last.elapsed().as_millis() >= 250 {
                last = std::time::Instant::now();
                let rate = body.len() as f64 / started.elapsed().as_secs_f64().max(1e-3) / 1e6;
                let total = expected.map_or_else(String::new, |n| format!(" of {:.1} MB", n as f64 / 1e6));
                eprint!("\r{:.1} MB{total} at {rate:.1} MB/s", body.len() as f64 / 1e6);
                let _ = std::io::stderr().flush();
            }
        }
        if progress {
            eprintln!();
        }
        if let Some(n) = expected
            && body.len() as u64 != n
        {
            return Err(fail(format!(
                "the download ended after {} of {n} bytes",
                body.len()
            )));
        }
        Ok(body)
    })
}

fn add(args: &AddArgs, file: &Path, dir: &Path) -> Result<()> {
    let name = file.display().to_string();
    let is_url = name.starts_with("http://") || name.starts_with("https://");
    let bytes = if is_url {
        download(&name, args.timeout_secs)?
    } else {
        std::fs::read(file).map_err(|e| input_error(format!("{name}: {e}")))?
    };
    let sha256 = sha256_hex(&bytes);
    let mut manifest = read_manifest(dir)?;
    if let Some(e) = manifest.by_hash(&sha256) {
        println!(
            "{name}: already added on {} as {} (same SHA-256); nothing changed",
            e.added, e.file
        );
        return Ok(());
    }
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| input_error(format!("{name}: not UTF-8 text")))?;
    let kind = overlay::detect(&text).ok_or_else(|| {
        input_error(format!(
            "{name}: not a kind versus can add: expected LMArena's leaderboard JSON (arena-catalog: category → model → {{\"rating\", \"rating_q025\", \"rating_q975\"}})"
        ))
    })?;
    // The last path segment of a URL (without its query), or the file's name.
    let base = if is_url {
        name.split(['?', '#'])
            .next()
            .and_then(|u| u.rsplit('/').next())
            .filter(|s| !s.is_empty())
            .unwrap_or("snapshot.json")
            .to_string()
    } else {
        file.file_name().map_or_else(
            || "snapshot.json".into(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let date = match &args.date {
        Some(d) => versus_race::Date::parse(d)
            .ok_or_else(|| input_error(format!("--date {d:?}: expected YYYY-MM-DD")))?,
        None => versus_race::build::readers::date_in_file_name(&base).ok_or_else(|| {
            input_error(format!(
                "{name}: no date in the file name: give the snapshot's date with --date YYYY-MM-DD"
            ))
        })?,
    };
    let style_control = args.style_control || base.contains("style-control");
    let rows = match kind {
        Kind::ArenaCatalog => {
            versus_race::build::readers::parse_catalog(&name, &text, date, style_control)
                .map_err(|e| input_error(e.to_string()))?
        }
    };
    if rows.is_empty() {
        return Err(input_error(format!("{name}: no ratings in the file")));
    }
    let registry = registry()?;
    let unknown = overlay::unresolved(&registry, &rows);
    if !unknown.is_empty() && !args.allow_unresolved {
        let template = dir.join(overlay::UNRESOLVED_FILE);
        let mut csv = String::from(
            "key,display_name,other_names,organization,country,license,open_weights,first_seen,input_usd_per_mtok,output_usd_per_mtok,price_date,price_source\n",
        );
        let mut listing = String::new();
        for key in &unknown {
            csv.push_str(&format!("{key},{key},,,,,unknown,{date},,,,\n"));
            listing.push_str(&format!(
                "\n  {key}  (nearest known: {})",
                overlay::nearest(&registry, key, 3).join(", ")
            ));
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        write_atomically(&template, csv.as_bytes())?;
        return Err(input_error(format!(
            "{name}: {} models the registry does not know; nothing was added:{listing}\nFill in their organisation, country and licence in {} and save it as {}, or add with --allow-unresolved to keep them as unknown.",
            unknown.len(),
            template.display(),
            dir.join(overlay::REGISTRY_FILE).display()
        )));
    }
    // Refuses a snapshot already bundled or added, before anything is written.
    let rows_count = rows.len();
    overlay::merge_history(&history()?, rows, &name).map_err(|e| input_error(e.to_string()))?;
    let stored = format!("{}/{}-{}", overlay::LEADERBOARDS_DIR, &sha256[..12], base);
    let target = dir.join(&stored);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    write_atomically(&target, &bytes)?;
    let origin = if is_url {
        name.clone()
    } else {
        std::fs::canonicalize(file).map_or(name.clone(), |p| p.display().to_string())
    };
    manifest.entries.push(Added {
        file: stored.clone(),
        kind,
        origin,
        sha256,
        bytes: bytes.len() as u64,
        added: crate::race::today(),
        date,
        style_control,
        rows: rows_count,
    });
    write_atomically(
        &dir.join(overlay::MANIFEST_FILE),
        manifest.to_csv()?.as_bytes(),
    )?;
    println!(
        "{name}: added as {stored}: {rows_count} ratings of the {} leaderboard of {date}{}",
        kind.name(),
        if unknown.is_empty() {
            String::new()
        } else {
            format!(" ({} models kept as unknown)", unknown.len())
        }
    );
    Ok(())
}

fn list(args: &ListArgs) -> Result<()> {
    let history = history()?;
    let registry = registry()?;
    let newest = history.rows().iter().map(|r| r.date).max();
    let mut t = Table::new(
        "Data sets (bundled, then added)",
        &["Set", "Kind", "Origin", "Newest date", "Rows"],
    );
    let shipped_history = History::shipped()?;
    let shipped_newest = shipped_history.rows().iter().map(|r| r.date).max();
    t.rows.push(vec![
        "history".into(),
        "leaderboard history".into(),
        "bundled (data/history)".into(),
        shipped_newest.map_or_else(String::new, |d| d.to_string()),
        shipped_history.rows().len().to_string(),
    ]);
    t.rows.push(vec![
        "registry".into(),
        "models".into(),
        "bundled (data/registry) + data directory".into(),
        String::new(),
        registry.models().len().to_string(),
    ]);
    let clusters = versus_race::compute::shipped_clusters()?;
    t.rows.push(vec![
        "compute".into(),
        "GPU clusters".into(),
        "bundled (data/compute)".into(),
        String::new(),
        clusters.len().to_string(),
    ]);
    let dir = data_dir();
    if let Some(dir) = &dir {
        for e in read_manifest(dir)?.entries {
            t.rows.push(vec![
                e.file.clone(),
                format!(
                    "{}{}",
                    e.kind.name(),
                    if e.style_control {
                        " (style control)"
                    } else {
                        ""
                    }
                ),
                e.origin.clone(),
                e.date.to_string(),
                e.rows.to_string(),
            ]);
        }
    }
    t.notes.push(format!(
        "Data directory: {}. Leaderboard data as of {}.",
        dir.map_or_else(|| "none (no HOME)".into(), |d| d.display().to_string()),
        newest.map_or_else(|| "–".into(), |d| d.to_string())
    ));
    crate::render::write_stdout(&t.render(OutputFormat::resolve(args.output))?)
}

pub fn run(args: DataArgs) -> Result<()> {
    match args.command {
        DataCommand::Add(a) => {
            let dir = data_dir().ok_or_else(|| {
                input_error("no data directory: pass --data-dir DIR or set VERSUS_DATA_DIR")
            })?;
            for file in &a.files {
                add(&a, file, &dir)?;
            }
            Ok(())
        }
        DataCommand::List(l) => list(&l),
    }
}
