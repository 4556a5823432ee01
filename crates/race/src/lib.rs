//! versus-race: the claims people repeat about the AI race, each as a small computation over
//! public data with its provenance, its uncertainty and a chart.
//!
//! - [`audit`]: the leaderboard's own sampling: battle shares, inequality, rank stability.
//! - [`registry`]: who made each leaderboard model, where, under what licence, at what price.
//! - [`history`]: every published LMArena rating over time, from three sources.
//! - [`gap`]: best model of one side against the best of another, snapshot by snapshot.
//! - [`value`]: rating against price, the Pareto frontier, "95% of the performance for less".
//! - [`compute`]: share of AI-cluster compute by country (Epoch AI's GPU clusters).
//! - [`overlay`]: the user's data directory (added snapshots, registry rows) over the shipped data.
//! - [`options`]: the commands' options (CLI flags, the arena's query parameters) as queries.
//! - [`svg`]: the charts (SVG and PNG through `versus-charts`); [`report`]: the HTML report.
//! - [`build`]: rebuilds the shipped data from the public data sets (the only code that reads
//!   outside the repository).
//!
//! The shipped data are embedded with `include_str!`, so the commands run anywhere.

pub mod audit;
pub mod build;
pub mod compute;
mod csvio;
pub mod date;
pub mod error;
pub mod gap;
pub mod group;
pub mod history;
pub mod options;
pub mod overlay;
pub mod registry;
pub mod report;
pub mod svg;
pub mod value;
pub mod votes;

pub use date::Date;
pub use error::{Error, Result};
