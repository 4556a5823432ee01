//! One way to show things (ARCHITECTURE.md, "present"): the one [`OutputFormat`] of every
//! command, one [`Table`] model with one renderer per format (aligned text, Markdown, CSV, JSON,
//! HTML), and the shared HTML templates. HTML is written only through askama templates, whose
//! default is to escape every interpolated value, so no crate needs an escaper of its own.
//!
//! Other crates reach the shared templates (`base.html`, `table.html`) with an `askama.toml`
//! next to their `Cargo.toml` that lists `../present/templates` among its `dirs`.
//!
//! Compile cost of askama 0.16.1 (measured 2026-12-03 on the project's 2-core machine, a throwaway
//! crate with one template, cold, own target directory, load 4.5–7 from other builds): debug with
//! `derive,std` 19.4 CPU-s (37.8 s wall); with `config` too (what the workspace uses, for the
//! shared template dirs) 27.7 CPU-s (45.9 s wall); release with `derive,std` 20.7 CPU-s (25.2 s
//! wall). New in Cargo.lock: askama, askama_derive, askama_macros, askama_parser, basic-toml, glob
//! and rustc-hash (syn, winnow, memchr and serde were already in the tree).

mod error;
mod format;
pub mod html;
pub mod i18n;
pub mod markdown;
pub mod table;

pub use error::{Error, Result};
pub use format::OutputFormat;
pub use html::HtmlTable;
pub use i18n::{Lang, Ui};
pub use markdown::{SafeHtml, render_markdown};
pub use table::{Align, MISSING, Table, Tabular, cell, round, to_json};
