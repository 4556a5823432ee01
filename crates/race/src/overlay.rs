//! The user's data directory laid over the shipped data: leaderboard snapshots taken in with
//! `versus data add` (recorded in a manifest with their origin and SHA-256), and registry rows
//! for models the shipped registry does not know. Added data add rows; they never replace a
//! shipped row silently. Pure: the caller reads and writes the files.

use std::collections::HashSet;

use serde::Serialize;

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::history::{History, HistoryRow};
use crate::registry::Registry;

/// The manifest's file name in the data directory.
pub const MANIFEST_FILE: &str = "manifest.csv";
/// Registry rows the user adds (the columns of `data/registry/models.csv`).
pub const REGISTRY_FILE: &str = "registry.csv";
/// Written when a snapshot names unknown models: the rows to fill in and rename.
pub const UNRESOLVED_FILE: &str = "registry-unresolved.csv";
/// Where added leaderboard snapshots are kept.
pub const LEADERBOARDS_DIR: &str = "leaderboards";

const MANIFEST_HEADER: [&str; 9] = [
    "file",
    "kind",
    "origin",
    "sha256",
    "bytes",
    "added",
    "date",
    "style_control",
    "rows",
];

/// What kind of file was added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// LMArena's leaderboard JSON (arena-catalog): category → model → rating and bounds.
    ArenaCatalog,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::ArenaCatalog => "arena-catalog",
        }
    }

    fn parse(text: &str) -> Option<Kind> {
        (text == "arena-catalog").then_some(Kind::ArenaCatalog)
    }
}

/// Recognises a file by its content. Only whole-file validation decides; this picks the parser.
pub fn detect(text: &str) -> Option<Kind> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let categories = value.as_object()?;
    let first_model = categories.values().next()?.as_object()?.values().next()?;
    first_model.get("rating").and(Some(Kind::ArenaCatalog))
}

/// One added file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Added {
    /// Its name inside the data directory.
    pub file: String,
    pub kind: Kind,
    /// The path or URL it came from.
    pub origin: String,
    pub sha256: String,
    pub bytes: u64,
    /// When it was added (UTC date).
    pub added: Date,
    /// The snapshot's publication date.
    pub date: Date,
    pub style_control: bool,
    pub rows: usize,
}

/// Every added file, in the order added.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Manifest {
    pub entries: Vec<Added>,
}

impl Manifest {
    pub fn parse(file: &str, text: &str) -> Result<Manifest> {
        let table = CsvText::parse(file, text)?;
        let cols = MANIFEST_HEADER
            .iter()
            .map(|name| table.column(name))
            .collect::<Result<Vec<usize>>>()?;
        let mut entries = Vec::new();
        for record in &table.records {
            let line = csvio::line_of(record);
            let text = |i: usize| csvio::text(record, cols[i]);
            let field = |i: usize, what: &str| Error::field(file, line, MANIFEST_HEADER[i], what);
            entries.push(Added {
                file: text(0).to_string(),
                kind: Kind::parse(text(1)).ok_or_else(|| field(1, "expected arena-catalog"))?,
                origin: text(2).to_string(),
                sha256: text(3).to_string(),
                bytes: text(4)
                    .parse()
                    .map_err(|_| field(4, "expected a size in bytes"))?,
                added: Date::parse(text(5)).ok_or_else(|| field(5, "expected YYYY-MM-DD"))?,
                date: Date::parse(text(6)).ok_or_else(|| field(6, "expected YYYY-MM-DD"))?,
                style_control: match text(7) {
                    "1" => true,
                    "0" => false,
                    _ => return Err(field(7, "expected 0 or 1")),
                },
                rows: text(8)
                    .parse()
                    .map_err(|_| field(8, "expected a row count"))?,
            });
        }
        Ok(Manifest { entries })
    }

    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| Error::format(MANIFEST_FILE, e.to_string());
        w.write_record(MANIFEST_HEADER).map_err(io)?;
        for e in &self.entries {
            w.write_record([
                e.file.clone(),
                e.kind.name().to_string(),
                e.origin.clone(),
                e.sha256.clone(),
                e.bytes.to_string(),
                e.added.to_string(),
                e.date.to_string(),
                if e.style_control { "1" } else { "0" }.to_string(),
                e.rows.to_string(),
            ])
            .map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::format(MANIFEST_FILE, e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::format(MANIFEST_FILE, e.to_string()))
    }

    pub fn by_hash(&self, sha256: &str) -> Option<&Added> {
        self.entries.iter().find(|e| e.sha256 == sha256)
    }
}

/// The shipped history with the added rows. A snapshot already shipped (same date, source and
/// style setting) is refused: added data add rows, never replace them.
pub fn merge_history(shipped: &History, added: Vec<HistoryRow>, file: &str) -> Result<History> {
    let shipped_snapshots: HashSet<(Date, bool)> = shipped
        .rows()
        .iter()
        .filter(|r| added.first().is_some_and(|a| a.source == r.source))
        .map(|r| (r.date, r.style_control))
        .collect();
    if let Some(r) = added
        .iter()
        .find(|r| shipped_snapshots.contains(&(r.date, r.style_control)))
    {
        return Err(Error::format(
            file,
            format!(
                "the {} snapshot of {}{} is already bundled: added data may add snapshots, not replace them",
                r.source.name(),
                r.date,
                if r.style_control {
                    " (style control)"
                } else {
                    ""
                }
            ),
        ));
    }
    let mut rows = shipped.rows().to_vec();
    rows.extend(added);
    Ok(History::from_rows(rows))
}

/// The shipped registry with the user's rows for models it does not know. A row for a shipped
/// key is refused (it would silently change every table).
pub fn merge_registry(shipped: &Registry, user: &Registry, file: &str) -> Result<Registry> {
    let mut models = shipped.models().to_vec();
    for m in user.models() {
        if shipped.get(&m.key).is_some() {
            return Err(Error::format(
                file,
                format!(
                    "model `{}` is in the shipped registry: this file may only add models it does not know",
                    m.key
                ),
            ));
        }
        models.push(m.clone());
    }
    Registry::from_models(file, models)
}

/// Levenshtein distance between two strings, by characters (Wagner & Fischer 1974).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The `n` registry keys nearest to `key` (case-insensitive edit distance, then name).
pub fn nearest(registry: &Registry, key: &str, n: usize) -> Vec<String> {
    let key = key.to_lowercase();
    // Ties go to the longer shared beginning: a new version is usually an old name extended.
    let mut scored: Vec<(usize, std::cmp::Reverse<usize>, &str)> = registry
        .models()
        .iter()
        .map(|m| {
            let other = m.key.to_lowercase();
            let prefix = key
                .chars()
                .zip(other.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (
                edit_distance(&key, &other),
                std::cmp::Reverse(prefix),
                m.key.as_str(),
            )
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, k)| k.to_string())
        .collect()
}

/// Keys of `rows` the registry does not know, sorted, each once.
pub fn unresolved(registry: &Registry, rows: &[HistoryRow]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .filter(|r| registry.get(&r.key).is_none())
        .map(|r| r.key.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_of_known_pairs() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("gpt-4o", "gpt-4o"), 0);
    }

    #[test]
    fn the_manifest_round_trips_and_names_bad_fields() {
        let m = Manifest {
            entries: vec![Added {
                file: "leaderboards/ab12-x.json".into(),
                kind: Kind::ArenaCatalog,
                origin: "/tmp/x, with a comma.json".into(),
                sha256: "ab12".into(),
                bytes: 10,
                added: Date::parse("2026-12-03").unwrap(),
                date: Date::parse("2026-11-20").unwrap(),
                style_control: true,
                rows: 5,
            }],
        };
        let text = m.to_csv().unwrap();
        assert_eq!(Manifest::parse("m.csv", &text).unwrap(), m);
        let bad = text.replace(",1,5", ",yes,5");
        let e = Manifest::parse("m.csv", &bad).unwrap_err().to_string();
        assert!(e.contains("m.csv") && e.contains("style_control"), "{e}");
    }

    #[test]
    fn detection_reads_the_shape() {
        assert_eq!(
            detect(r#"{"full": {"m": {"rating": 1200.0}}}"#),
            Some(Kind::ArenaCatalog)
        );
        assert_eq!(detect(r#"{"models": ["a"], "X": [], "Y": []}"#), None);
        assert_eq!(detect("model_a,model_b,winner\n"), None);
    }
}
