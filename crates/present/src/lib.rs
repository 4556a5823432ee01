//! One way to show things (ARCHITECTURE.md, "present"): the one [`OutputFormat`] of every
//! command, one [`Table`] model with one renderer per format (aligned text, Markdown, CSV, JSON,
//! HTML), and the shared HTML templates. HTML is written only through askama templates, whose
//! default is to escape every interpolated value, so no crate needs an escaper of its own.
//!
//! Other crates reach the shared templates (`base.html`, `table.html`) with an `askama.toml`
//! next to their `Cargo.toml` that lists `../present/templates` among its `dirs`.

mod error;
mod format;
pub mod html;
pub mod table;

pub use error::{Error, Result};
pub use format::OutputFormat;
pub use html::HtmlTable;
pub use table::{Align, MISSING, Table, Tabular, cell, round, to_json};
