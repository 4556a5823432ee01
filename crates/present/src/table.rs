//! One table model and its renderers: aligned text, Markdown, CSV and JSON here, HTML through
//! the `table.html` template ([`crate::HtmlTable`]).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::format::OutputFormat;

/// How text and Markdown tables show a missing value (CSV writes an empty field, JSON `null`).
pub const MISSING: &str = "–";

/// Where a column's cells sit in aligned text, and Markdown's alignment row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Right,
}

/// A column: its header, alignment, the narrowest it may be in aligned text, and the class of
/// its HTML cells (for a page's stylesheet).
#[derive(Clone, Debug, Default)]
pub struct Column {
    pub header: String,
    pub align: Align,
    pub min_width: usize,
    pub class: Option<String>,
}

/// A title, columns, rows of cells (already formatted text; [`MISSING`] for no value), and
/// notes printed under text and Markdown tables (CSV stays pure data).
#[derive(Clone, Debug)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
    /// Aligned text draws a line of dashes under the header.
    pub rule: bool,
}

impl Table {
    /// A table of left-aligned columns.
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            columns: headers
                .iter()
                .map(|h| Column {
                    header: h.to_string(),
                    ..Column::default()
                })
                .collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            rule: true,
        }
    }

    /// Sets the alignment and minimum text width of each column, in order.
    pub fn with_layout(mut self, layout: &[(Align, usize)]) -> Table {
        for (column, &(align, min_width)) in self.columns.iter_mut().zip(layout) {
            column.align = align;
            column.min_width = min_width;
        }
        self
    }

    /// Gives the HTML cells of column `index` a class.
    pub fn with_class(mut self, index: usize, class: &str) -> Table {
        if let Some(column) = self.columns.get_mut(index) {
            column.class = Some(class.to_string());
        }
        self
    }

    /// Aligned text without the line of dashes under the header.
    pub fn without_rule(mut self) -> Table {
        self.rule = false;
        self
    }

    pub fn headers(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.header.as_str())
    }

    /// The table in a text format, or as JSON of its cells (a result with a richer JSON form of
    /// its own renders through [`Tabular::render`]).
    pub fn render(&self, format: OutputFormat) -> Result<String> {
        match format {
            OutputFormat::Table => Ok(self.to_text()),
            OutputFormat::Markdown => Ok(self.to_markdown()),
            OutputFormat::Csv => self.to_csv(),
            OutputFormat::Json => self.to_json(),
        }
    }

    /// Columns padded to their widest cell and separated by two spaces, the title above and the
    /// notes below as a list.
    pub fn to_text(&self) -> String {
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell.chars().count())
                    .chain([column.header.chars().count(), column.min_width])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let padded: Vec<String> = cells
                .zip(self.columns.iter().zip(&widths))
                .map(|(cell, (column, &width))| match column.align {
                    Align::Left => format!("{cell:<width$}"),
                    Align::Right => format!("{cell:>width$}"),
                })
                .collect();
            let mut text = padded.join("  ").trim_end().to_string();
            text.push('\n');
            text
        };
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&self.title);
            out.push_str("\n\n");
        }
        out.push_str(&line(&mut self.headers()));
        if self.rule {
            let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
        for row in &self.rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
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

    /// A GitHub-flavoured Markdown table (`|` in cells escaped), the title as a heading above and
    /// the notes as a list below.
    pub fn to_markdown(&self) -> String {
        let escape_pipes = |cell: &str| cell.replace('|', "\\|");
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&format!("### {}\n\n", self.title));
        }
        let header: Vec<String> = self.headers().map(escape_pipes).collect();
        out.push_str(&format!("| {} |\n|", header.join(" | ")));
        for column in &self.columns {
            out.push_str(match column.align {
                Align::Left => "---|",
                Align::Right => "---:|",
            });
        }
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| escape_pipes(c)).collect();
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

    /// RFC 4180 CSV with a header line; a missing value is an empty field, for programs.
    pub fn to_csv(&self) -> Result<String> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(self.headers())?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|c| if c == MISSING { "" } else { c }))?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| Error::CsvFinish(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::CsvFinish(e.to_string()))
    }

    /// `{"title", "columns", "rows": [{header: cell}], "notes"}`, a missing value as `null`.
    pub fn to_json(&self) -> Result<String> {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|row| {
                self.headers()
                    .zip(row)
                    .map(|(header, cell)| {
                        let value = if cell == MISSING {
                            serde_json::Value::Null
                        } else {
                            serde_json::Value::String(cell.clone())
                        };
                        (header.to_string(), value)
                    })
                    .collect()
            })
            .collect();
        to_json(&serde_json::json!({
            "title": self.title,
            "columns": self.headers().collect::<Vec<_>>(),
            "rows": rows,
            "notes": self.notes,
        }))
    }
}

/// A result that prints as a [`Table`] (text, Markdown, CSV) or as its own JSON, so every
/// command offers the same `--output` choices.
pub trait Tabular: Serialize {
    /// The result as a table, with its provenance as notes.
    fn to_table(&self) -> Table;

    fn render(&self, format: OutputFormat) -> Result<String> {
        match format {
            OutputFormat::Json => to_json(self),
            other => self.to_table().render(other),
        }
    }
}

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// Rounds to `decimals` decimals, for stable, readable numbers in output.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A number with exactly `decimals` decimals, or [`MISSING`].
pub fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| MISSING.to_string(), |v| format!("{v:.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table =
            Table::new("T", &["name", "n"]).with_layout(&[(Align::Left, 0), (Align::Right, 3)]);
        table.rows.push(vec!["a|b".into(), "1".into()]);
        table.rows.push(vec!["x, \"y\"".into(), MISSING.into()]);
        table.notes.push("note".into());
        table
    }

    #[test]
    fn text_is_aligned_with_a_rule_and_notes() {
        assert_eq!(
            sample().to_text(),
            "T\n\nname      n\n------  ---\na|b       1\nx, \"y\"    –\n\n* note\n"
        );
        assert_eq!(
            sample().without_rule().to_text().lines().nth(3),
            Some("a|b       1")
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_aligns() {
        assert_eq!(
            sample().to_markdown(),
            "### T\n\n| name | n |\n|---|---:|\n| a\\|b | 1 |\n| x, \"y\" | – |\n\n- note\n"
        );
    }

    #[test]
    fn csv_quotes_and_leaves_missing_empty() {
        assert_eq!(
            sample().to_csv().ok().as_deref(),
            Some("name,n\na|b,1\n\"x, \"\"y\"\"\",\n")
        );
    }

    #[test]
    fn json_has_null_for_missing() {
        let json = sample().to_json().unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        // The key is there with null (indexing a missing key would also give Null).
        assert_eq!(value["rows"][1].get("n"), Some(&serde_json::Value::Null));
        assert_eq!(value["rows"][0]["name"], "a|b");
    }
}
