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
    /// Take in LMArena leaderboard snapshots (arena-catalog JSON) from local files.
    Add(AddArgs),
    /// The bundled data sets and those added, with the newest date of each.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(required = true, value_name = "FILE")]
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

fn add(args: &AddArgs, file: &Path, dir: &Path) -> Result<()> {
    let name = file.display().to_string();
    if name.starts_with("http://") || name.starts_with("https://") {
        return Err(input_error(format!(
            "{name}: downloads are not supported yet: download the file and add it from disk"
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| input_error(format!("{name}: {e}")))?;
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
    let base = file.file_name().map_or_else(
        || "snapshot.json".into(),
        |n| n.to_string_lossy().into_owned(),
    );
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
    let origin = std::fs::canonicalize(file).map_or(name.clone(), |p| p.display().to_string());
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
