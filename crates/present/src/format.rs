//! The output formats every command offers (`--output`).

use std::io::IsTerminal;

/// The `--output` choices of `versus rank`, `versus race …` and the tables of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    Table,
    Markdown,
    Csv,
    Json,
}

impl OutputFormat {
    /// The format asked for, or a table on a terminal and JSON in a pipe.
    pub fn resolve(asked: Option<OutputFormat>) -> OutputFormat {
        asked.unwrap_or_else(|| {
            if std::io::stdout().is_terminal() {
                OutputFormat::Table
            } else {
                OutputFormat::Json
            }
        })
    }
}
