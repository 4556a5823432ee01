//! Rendering of result tables as aligned text, Markdown or CSV, shared by the race commands so
//! every command offers the same `--output` choices.

use crate::csvio;
use crate::error::{Error, Result};
use serde::Serialize;

/// The `--output` formats of the race commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

/// A result that prints as a table (text, Markdown, CSV) or as its own JSON, so every race
/// command offers the same `--output` choices.
pub trait Tabular: Serialize {
    /// The result as a table, with its provenance as notes.
    fn to_table(&self) -> TextTable;

    fn render(&self, format: OutputFormat) -> Result<String> {
        match format {
            OutputFormat::Json => to_json(self),
            other => self.to_table().render(other),
        }
    }
}

/// A header, rows of cells, and notes printed under text and Markdown tables (CSV stays pure
/// data; JSON carries the notes in its provenance object).
#[derive(Clone, Debug, Default)]
pub struct TextTable {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

impl TextTable {
    pub fn new(title: impl Into<String>, header: &[&str]) -> TextTable {
        TextTable {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn render(&self, format: OutputFormat) -> Result<String> {
        match format {
            OutputFormat::Table => Ok(self.to_text()),
            OutputFormat::Markdown => Ok(self.to_markdown()),
            OutputFormat::Csv => {
                // CSV is for programs: a missing value is an empty field, not a dash.
                let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> = self
                    .rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|c| {
                                if c == MISSING {
                                    String::new()
                                } else {
                                    c.clone()
                                }
                            })
                            .collect()
                    })
                    .collect();
                csvio::to_csv_string("output", &header, &rows)
            }
            OutputFormat::Json => Err(Error::Query(
                "JSON is rendered from the report, not the table".into(),
            )),
        }
    }

    fn to_text(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .chain(std::iter::once(&self.header[c]))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, &width)| format!("{cell:<width$}"))
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&self.title);
            out.push_str("\n\n");
        }
        out.push_str(&line(&self.header));
        out.push('\n');
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out.push_str(&rule.join("  "));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                out.push_str("* ");
                out.push_str(note);
                out.push('\n');
            }
        }
        out
    }

    fn to_markdown(&self) -> String {
        let escape = |cell: &String| cell.replace('|', "\\|");
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&format!("### {}\n\n", self.title));
        }
        let header: Vec<String> = self.header.iter().map(escape).collect();
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(self.header.len())));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(escape).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                out.push_str(&format!("- {note}\n"));
            }
        }
        out
    }
}

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|source| Error::Json {
            file: "output".into(),
            source,
        })
}

/// Rounds to `decimals` decimals, for stable, readable numbers in output.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// How text and Markdown tables show a missing value.
pub const MISSING: &str = "–";

/// A number with exactly `decimals` decimals, or [`MISSING`].
pub fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| MISSING.to_string(), |v| format!("{v:.decimals$}"))
}
