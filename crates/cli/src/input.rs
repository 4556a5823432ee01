//! Flags shared by every command that reads votes, and the loading and cleaning they imply.

use std::path::PathBuf;

use clap::Args;
use versus_battles::{BattleSet, Format, ReadOptions};

use crate::input_error;

/// Which votes to read and which to keep.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Vote files: CSV, JSONL, LMArena battle-log JSON, Parquet, or pair-count JSON; `data:NAME`
    /// for a vote release added with `versus data add`.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Force the input format instead of detecting it: csv, jsonl, json, parquet, pairs.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Keep only rows whose COLUMN equals VALUE (repeatable; all must hold).
    #[arg(long = "where", value_name = "COLUMN=VALUE", value_parser = parse_where)]
    pub filters: Vec<(String, String)>,
    /// Count named (non-anonymous) battles too; LMArena ranks anonymous ones only.
    #[arg(long)]
    pub include_named: bool,
    /// A category: a section of a pair-count category file, or a flagged `category_tag` of battle files.
    #[arg(long)]
    pub category: Option<String>,
    /// A language: a section of a pair-count language file, or the `language` of battle files.
    #[arg(long)]
    pub language: Option<String>,
    /// Drop models with fewer battles than this (they are listed on stderr and in the JSON meta).
    #[arg(long, value_name = "N", default_value_t = 0.0)]
    pub min_battles: f64,
    /// Leave a model out entirely (repeatable).
    #[arg(long, value_name = "MODEL")]
    pub exclude: Vec<String>,
}

fn parse_where(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected COLUMN=VALUE, got {s:?}")),
    }
}

/// Votes after reading and cleaning, with what cleaning removed.
pub struct LoadedVotes {
    pub battles: BattleSet,
    pub excluded: Vec<String>,
    pub dropped: Vec<(String, f64)>,
}

impl InputArgs {
    /// Reads every file and applies --exclude and --min-battles.
    pub fn load(&self) -> anyhow::Result<LoadedVotes> {
        if !(self.min_battles.is_finite() && self.min_battles >= 0.0) {
            return Err(input_error(format!(
                "--min-battles must be a non-negative number, got {}",
                self.min_battles
            )));
        }
        let options = ReadOptions {
            format: self.format,
            include_named: self.include_named,
            filters: self.filters.clone(),
            category: self.category.clone(),
            language: self.language.clone(),
        };
        let files = crate::data_cmd::resolve_votes(&self.files)?;
        let mut battles = versus_battles::read_files(&files, &options)?;
        let removed = battles.remove_models(&self.exclude, self.min_battles);
        for name in &removed.missing {
            eprintln!("versus: warning: --exclude {name}: no such model in the input");
        }
        let dropped = removed.dropped;
        if !dropped.is_empty() {
            let list: Vec<String> = dropped.iter().map(|(m, n)| format!("{m} ({n})")).collect();
            eprintln!(
                "versus: dropped {} models with fewer than {} battles: {}",
                dropped.len(),
                self.min_battles,
                list.join(", ")
            );
        }
        if battles.is_empty() {
            return Err(input_error(format!(
                "no battles left to rate in {} (after anonymity, --where, --category/--language, --exclude and --min-battles)",
                self.files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(LoadedVotes {
            excluded: removed.excluded,
            battles,
            dropped,
        })
    }
}
