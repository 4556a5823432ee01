//! `versus data add|list`: newer data taken in without recompiling — LMArena's leaderboard JSON
//! or dataset rows, vote releases, Epoch AI's GPU clusters, genai-prices tables. Files are
//! validated whole before anything is written, stored in the user's data directory with their
//! origin and SHA-256 (adding the same content twice changes nothing), and every race command
//! reads the shipped data with them (`versus_race::overlay`); `versus rank data:NAME` and
//! `versus audit data:NAME` read an added vote release.

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
    /// Take in data from local files or URLs: LMArena leaderboard JSON or dataset rows (CSV,
    /// Parquet), vote releases (Parquet, JSON, JSONL), Epoch AI GPU clusters (CSV), genai-prices
    /// tables (JSON).
    Add(AddArgs),
    /// The bundled data sets and those added, with the newest date of each.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Files, or https:// (http://) URLs.
    #[arg(required = true, value_name = "FILE|URL")]
    pub files: Vec<PathBuf>,
    /// The snapshot's publication date for leaderboard JSON, the table's date for prices
    /// (default: the date in the file name; prices: else today).
    #[arg(long)]
    pub date: Option<String>,
    /// The file is a style-controlled leaderboard (default: when its name says `style-control`
    /// or `style_control`).
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
fn registry_rows() -> Result<Registry> {
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

/// The manifest's entries of one kind, in the order added.
fn entries_of(kind: Kind) -> Result<Vec<(PathBuf, Added)>> {
    let Some(dir) = data_dir() else {
        return Ok(Vec::new());
    };
    Ok(read_manifest(&dir)?
        .entries
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| (dir.join(&e.file), e))
        .collect())
}

/// The shipped registry with the data directory's `registry.csv` and the prices of every added
/// price table (in the order added).
pub fn registry() -> Result<Registry> {
    let mut registry = registry_rows()?;
    for (path, e) in entries_of(Kind::Prices)? {
        let file = path.display().to_string();
        let text = read_text(&path)?;
        let table = versus_race::build::genai::GenaiPrices::parse(&file, &text)?;
        let date = e.date.unwrap_or(e.added);
        registry = overlay::reprice(&registry, &table, date, &e.file)?.0;
    }
    Ok(registry)
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn is_parquet(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"PAR1"
}

/// Leaderboard-dataset rows of a stored or incoming file (CSV or Parquet, by content).
fn dataset_rows(path: &Path, name: &str, style_control: bool) -> Result<overlay::LeaderboardRows> {
    if is_parquet(path) {
        crate::data_parquet::leaderboard_rows(path, name, style_control)
    } else {
        let text = read_text(path)?;
        overlay::parse_leaderboard_csv(name, &text, style_control)
            .map_err(|e| input_error(e.to_string()))
    }
}

/// The shipped history with every added snapshot.
pub fn history() -> Result<History> {
    let mut history = History::shipped()?;
    let Some(dir) = data_dir() else {
        return Ok(history);
    };
    for e in read_manifest(&dir)?.entries {
        let path = dir.join(&e.file);
        let file = path.display().to_string();
        match e.kind {
            Kind::ArenaCatalog => {
                let date = e.date.ok_or_else(|| {
                    input_error(format!(
                        "{}: the manifest gives {} no date",
                        overlay::MANIFEST_FILE,
                        e.file
                    ))
                })?;
                let rows = versus_race::build::readers::parse_catalog(
                    &file,
                    &read_text(&path)?,
                    date,
                    e.style_control,
                )?;
                history = overlay::merge_history(&history, rows, &e.file)?;
            }
            Kind::LeaderboardRows => {
                let rows = dataset_rows(&path, &file, e.style_control)?;
                history = overlay::merge_dataset_rows(&history, rows.rows).0;
            }
            Kind::Votes | Kind::GpuClusters | Kind::Prices => {}
        }
    }
    Ok(history)
}

/// The GPU clusters: the newest added table, else the bundled extract.
pub fn clusters() -> Result<Vec<versus_race::compute::Cluster>> {
    match entries_of(Kind::GpuClusters)?.pop() {
        Some((path, _)) => Ok(versus_race::compute::parse_clusters(
            &path.display().to_string(),
            &read_text(&path)?,
        )?),
        None => Ok(versus_race::compute::shipped_clusters()?),
    }
}

/// Vote files as given, with `data:NAME` resolved to an added vote release (NAME: the stored
/// file as `data list` shows it, or the name it was added under).
pub fn resolve_votes(files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let text = f.to_string_lossy();
        let Some(name) = text.strip_prefix("data:") else {
            out.push(f.clone());
            continue;
        };
        let votes = entries_of(Kind::Votes)?;
        let found = votes.iter().find(|(_, e)| {
            e.file == name
                || e.file.strip_prefix("votes/") == Some(name)
                || e.file
                    .strip_prefix("votes/")
                    .and_then(|s| s.split_once('-'))
                    .is_some_and(|(_, base)| base == name)
        });
        match found {
            Some((path, _)) => out.push(path.clone()),
            None => {
                let known: Vec<&str> = votes.iter().map(|(_, e)| e.file.as_str()).collect();
                return Err(input_error(format!(
                    "{text}: no added vote release of that name (added: {}); add one with versus data add FILE",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
    }
    Ok(out)
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

/// A file validated whole, ready to be stored.
enum Parsed {
    Catalog(Vec<versus_race::history::HistoryRow>),
    Rows(overlay::LeaderboardRows),
    Votes { battles: usize, models: usize },
    Clusters(usize),
    Prices(usize),
}

/// A copy of incoming bytes in the system's temporary directory, for the readers that take a
/// path (Parquet, vote files); removed when dropped, so a refused file leaves nothing behind.
struct Incoming(PathBuf);

impl Incoming {
    fn new(sha256: &str, base: &str, bytes: &[u8]) -> Result<Incoming> {
        let path = std::env::temp_dir().join(format!(
            "versus-incoming-{}-{}-{base}",
            std::process::id(),
            &sha256[..12]
        ));
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(Incoming(path))
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes the registry template for models a leaderboard names but the registry lacks, and
/// returns the error that stops the add (nothing else is written).
fn unresolved_error(
    name: &str,
    dir: &Path,
    registry: &Registry,
    unknown: &[String],
    date: Option<versus_race::Date>,
    facts: &std::collections::BTreeMap<String, (String, String)>,
) -> Result<anyhow::Error> {
    let template = dir.join(overlay::UNRESOLVED_FILE);
    // The template has the registry's own columns, so that it can be filled in and added.
    let mut w = csv_line(&versus_race::registry::MODELS_HEADER);
    let mut listing = String::new();
    for key in unknown {
        let (org, license) = facts.get(key).cloned().unwrap_or_default();
        let date = date.map_or_else(String::new, |d| d.to_string());
        w.push_str(&csv_line(&[
            key, key, "", &org, "", &license, "unknown", &date, "", "", "", "",
        ]));
        listing.push_str(&format!(
            "\n  {key}  (nearest known: {})",
            overlay::nearest(registry, key, 3).join(", ")
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_atomically(&template, w.as_bytes())?;
    Ok(input_error(format!(
        "{name}: {} models the registry does not know; nothing was added:{listing}\nFill in their organisation, country and licence in {} and save it as {}, or add with --allow-unresolved to keep them as unknown.",
        unknown.len(),
        template.display(),
        dir.join(overlay::REGISTRY_FILE).display()
    )))
}

/// One CSV line (quoted where needed).
fn csv_line(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Which kind a file is, from its content: a Parquet schema's columns, else the text's shape.
fn detect_kind(name: &str, bytes: &[u8], incoming: &dyn Fn() -> Result<PathBuf>) -> Result<Kind> {
    let expected = || {
        input_error(format!(
            "{name}: not a kind versus can add: {}",
            overlay::KINDS_EXPECTED
        ))
    };
    if bytes.starts_with(b"PAR1") {
        let columns = crate::data_parquet::columns(&incoming()?, name)?;
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        return match overlay::kind_of_columns(&columns) {
            Some(k @ (Kind::LeaderboardRows | Kind::Votes)) => Ok(k),
            _ => Err(input_error(format!(
                "{name}: a Parquet file with columns {}: not a kind versus can add: {}",
                columns.join(", "),
                overlay::KINDS_EXPECTED
            ))),
        };
    }
    // Enough for a CSV header or the first battle of a release (a conversation can be long).
    let head = &bytes[..bytes.len().min(4 << 20)];
    // A cut inside a multi-byte character at the end of the head is not an error.
    let head = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => {
            return Err(input_error(format!(
                "{name}: not UTF-8 text, and not Parquet: {}",
                overlay::KINDS_EXPECTED
            )));
        }
    };
    // A whole small JSON object may be longer than the head: the catalog check needs all of it.
    let kind = if head.trim_start().starts_with('{') && bytes.len() <= 64 << 20 {
        std::str::from_utf8(bytes).ok().and_then(overlay::detect)
    } else {
        overlay::detect(head)
    };
    kind.ok_or_else(expected)
}

fn utf8_text<'a>(name: &str, kind: Kind, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        input_error(format!(
            "{name}: not UTF-8 text (byte {}): expected a {} file",
            e.valid_up_to(),
            kind.name()
        ))
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
    // The last path segment of a URL (without its query), or the file's name.
    let base = if is_url {
        name.split(['?', '#'])
            .next()
            .and_then(|u| u.rsplit('/').next())
            .filter(|s| !s.is_empty())
            .unwrap_or("download")
            .to_string()
    } else {
        file.file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
    };
    let incoming: std::cell::OnceCell<Incoming> = std::cell::OnceCell::new();
    let incoming_path = || -> Result<PathBuf> {
        if let Some(i) = incoming.get() {
            return Ok(i.0.clone());
        }
        let i = Incoming::new(&sha256, &base, &bytes)?;
        let path = i.0.clone();
        let _ = incoming.set(i);
        Ok(path)
    };
    let kind = detect_kind(&name, &bytes, &incoming_path)?;
    let text = || utf8_text(&name, kind, &bytes);
    let given_date = match &args.date {
        Some(d) => Some(
            versus_race::Date::parse(d)
                .ok_or_else(|| input_error(format!("--date {d:?}: expected YYYY-MM-DD")))?,
        ),
        None => None,
    };
    let name_date = versus_race::build::readers::date_in_file_name(&base);
    let lower = base.to_ascii_lowercase();
    let style_control =
        args.style_control || lower.contains("style-control") || lower.contains("style_control");
    let (parsed, date) = match kind {
        Kind::ArenaCatalog => {
            let date = given_date.or(name_date).ok_or_else(|| {
                input_error(format!(
                    "{name}: no date in the file name: give the snapshot's date with --date YYYY-MM-DD"
                ))
            })?;
            let rows =
                versus_race::build::readers::parse_catalog(&name, text()?, date, style_control)
                    .map_err(|e| input_error(e.to_string()))?;
            if rows.is_empty() {
                return Err(input_error(format!("{name}: no ratings in the file")));
            }
            (Parsed::Catalog(rows), Some(date))
        }
        Kind::LeaderboardRows => {
            let rows = dataset_rows(&incoming_path()?, &name, style_control)?;
            let newest = rows.newest();
            (Parsed::Rows(rows), newest)
        }
        Kind::Votes => {
            let path = incoming_path()?;
            let options = versus_battles::ReadOptions {
                include_named: true,
                ..Default::default()
            };
            let battles = versus_battles::read_file(&path, &options).map_err(|e| {
                input_error(format!(
                    "{}: not a vote file versus can read: {}",
                    name,
                    e.to_string().replace(&path.display().to_string(), &name)
                ))
            })?;
            if battles.is_empty() {
                return Err(input_error(format!("{name}: no battles in the file")));
            }
            let newest = battles
                .tstamp
                .iter()
                .copied()
                .filter(|t| t.is_finite())
                .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))))
                .map(|t| versus_race::Date::from_unix_seconds(t as i64));
            (
                Parsed::Votes {
                    battles: battles.len(),
                    models: battles.models.len(),
                },
                newest,
            )
        }
        Kind::GpuClusters => {
            let clusters = versus_race::compute::parse_clusters(&name, text()?)
                .map_err(|e| input_error(e.to_string()))?;
            if clusters.is_empty() {
                return Err(input_error(format!("{name}: no clusters in the file")));
            }
            let newest = clusters
                .iter()
                .filter(|c| c.status == versus_race::compute::Status::Existing)
                .filter_map(|c| c.first_operational)
                .max();
            (Parsed::Clusters(clusters.len()), newest)
        }
        Kind::Prices => {
            let table = versus_race::build::genai::GenaiPrices::parse(&name, text()?)
                .map_err(|e| input_error(e.to_string()))?;
            if table.priced_models() == 0 {
                return Err(input_error(format!(
                    "{name}: no priced models in the table"
                )));
            }
            let date = given_date
                .or(name_date)
                .or(table.newest_price_date())
                .unwrap_or_else(today);
            (Parsed::Prices(table.priced_models()), Some(date))
        }
    };
    // Unknown models stop a leaderboard; a snapshot already bundled or added is refused (JSON)
    // or skipped (dataset rows, which repeat every earlier publication) — all before writing.
    let mut note = String::new();
    let rows_count = match &parsed {
        Parsed::Catalog(rows) | Parsed::Rows(overlay::LeaderboardRows { rows, .. }) => {
            let registry = registry()?;
            let unknown = overlay::unresolved(&registry, rows);
            if !unknown.is_empty() && !args.allow_unresolved {
                let facts = match &parsed {
                    Parsed::Rows(r) => r.facts.clone(),
                    _ => Default::default(),
                };
                return Err(unresolved_error(
                    &name, dir, &registry, &unknown, date, &facts,
                )?);
            }
            if !unknown.is_empty() {
                note = format!(" ({} models kept as unknown)", unknown.len());
            }
            match &parsed {
                Parsed::Catalog(rows) => {
                    overlay::merge_history(&history()?, rows.clone(), &name)
                        .map_err(|e| input_error(e.to_string()))?;
                }
                _ => {
                    let (_, taken, skipped) =
                        overlay::merge_dataset_rows(&history()?, rows.clone());
                    if taken.is_empty() {
                        println!(
                            "{name}: every snapshot in it ({}) was already added; nothing changed",
                            skipped.len()
                        );
                        return Ok(());
                    }
                    let dates: std::collections::BTreeSet<String> =
                        taken.iter().map(|(d, _)| d.to_string()).collect();
                    note.push_str(&format!(
                        "; new snapshots: {}{}",
                        dates.into_iter().collect::<Vec<_>>().join(", "),
                        if skipped.is_empty() {
                            String::new()
                        } else {
                            format!(" ({} already added, skipped)", skipped.len())
                        }
                    ));
                }
            }
            rows.len()
        }
        Parsed::Votes { battles, models } => {
            note = format!(" ({models} models); rank them with versus rank data:{base}");
            *battles
        }
        Parsed::Clusters(n) => {
            note = " (used by versus race compute and the report in place of the bundled extract)"
                .into();
            *n
        }
        Parsed::Prices(n) => {
            let (_, changed) = overlay::reprice(
                &registry()?,
                &versus_race::build::genai::GenaiPrices::parse(&name, text()?)?,
                date.unwrap_or_else(today),
                &name,
            )?;
            note = format!(" ({changed} registry models repriced)");
            *n
        }
    };
    let stored = format!("{}/{}-{}", kind.dir(), &sha256[..12], base);
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
        added: today(),
        date,
        style_control: style_control && matches!(kind, Kind::ArenaCatalog | Kind::LeaderboardRows),
        rows: rows_count,
    });
    write_atomically(
        &dir.join(overlay::MANIFEST_FILE),
        manifest.to_csv()?.as_bytes(),
    )?;
    let what = match kind {
        Kind::ArenaCatalog => format!(
            "{rows_count} ratings of the {} leaderboard of {}",
            kind.name(),
            date.map_or_else(|| "–".into(), |d| d.to_string())
        ),
        Kind::LeaderboardRows => format!("{rows_count} leaderboard-dataset rows"),
        Kind::Votes => format!(
            "{rows_count} battles{}",
            date.map_or_else(|| ", no timestamps".to_string(), |d| format!(" up to {d}"))
        ),
        Kind::GpuClusters => format!(
            "{rows_count} GPU clusters{}",
            date.map_or_else(String::new, |d| format!(", newest operational {d}"))
        ),
        Kind::Prices => format!(
            "{rows_count} prices as of {}",
            date.map_or_else(|| "–".into(), |d| d.to_string())
        ),
    };
    println!("{name}: added as {stored}: {what}{note}");
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
        clusters
            .iter()
            .filter(|c| c.status == versus_race::compute::Status::Existing)
            .filter_map(|c| c.first_operational)
            .max()
            .map_or_else(String::new, |d| d.to_string()),
        clusters.len().to_string(),
    ]);
    t.rows.push(vec![
        "votes".into(),
        "votes".into(),
        "bundled (data/arena-votes-2024-08-14)".into(),
        "2024-08-14".into(),
        "1670250".into(),
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
                e.date.map_or_else(String::new, |d| d.to_string()),
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

/// Today's UTC date from the system clock, or `SOURCE_DATE_EPOCH` when set (reproducible
/// output, as in reproducible builds).
pub fn today() -> versus_race::Date {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    versus_race::Date::from_unix_seconds(seconds)
}

/// Says on stderr how old the leaderboard data are, and warns when they are stale.
pub fn say_data_age(history: &History) {
    if let Some(f) = history.freshness(today()) {
        eprintln!("note: {}", f.note().to_lowercase().trim_end_matches('.'));
        if let Some(w) = f.warning() {
            eprintln!("warning: {w}");
        }
    }
}
