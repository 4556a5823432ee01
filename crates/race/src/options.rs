//! The race commands' options as people give them — `versus race …` flags on the command line,
//! query parameters of the arena's `/race`, `/value` and `/compute` pages — turned into queries
//! in one place, so both front-ends answer the same question the same way.
//!
//! Dates and side names stay text until the query is built. A problem is an [`OptionError`]
//! naming the option by its snake-case name (`as_of`), which each front-end spells its own way
//! (`--as-of`, `?as_of=`).

use std::fmt;
use versus_present::Tabular;

use crate::compute::{self, Cluster, ComputeQuery, ComputeSeries, ComputeShares, Measure, Period};
use crate::date::Date;
use crate::error::Result;
use crate::gap::{Every, GapQuery, SnapshotSelection};
use crate::group::GroupBy;
use crate::history::{self, Source};
use crate::registry::Registry;
use crate::value::{PriceBound, ValueQuery};
use versus_present::OutputFormat;

/// An option the data cannot be asked with: which one (snake case) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    pub option: &'static str,
    pub message: String,
}

impl OptionError {
    pub fn new(option: &'static str, message: impl Into<String>) -> OptionError {
        OptionError {
            option,
            message: message.into(),
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.option, self.message)
    }
}

impl std::error::Error for OptionError {}

type Checked<T> = std::result::Result<T, OptionError>;

/// A range bound: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `end` makes a year or month its last day.
pub fn date_bound(option: &'static str, text: &str, end: bool) -> Checked<Date> {
    Date::parse_bound(text, end).ok_or_else(|| {
        OptionError::new(
            option,
            format!("`{text}` is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
        )
    })
}

/// A single day: `YYYY-MM-DD`.
pub fn exact_date(option: &'static str, text: &str) -> Checked<Date> {
    Date::parse(text).ok_or_else(|| {
        OptionError::new(
            option,
            format!("`{text}` is not a date (expected YYYY-MM-DD)"),
        )
    })
}

/// Resolves the two sides of a comparison ("US", "open-weights", "openai") to the registry's
/// group names, falling back to the grouping's default pair for a side not given.
pub fn resolve_sides(
    by: GroupBy,
    a: Option<&str>,
    b: Option<&str>,
    registry: &Registry,
) -> Checked<(String, String)> {
    let defaults = by.default_sides();
    let side = |option: &'static str, given: Option<&str>, default: Option<&str>| {
        let name = given.or(default).ok_or_else(|| {
            OptionError::new(
                option,
                format!(
                    "needed when grouping by {} (there is no default side)",
                    by.name()
                ),
            )
        })?;
        by.resolve(name, registry)
            .map_err(|e| OptionError::new(option, e.to_string()))
    };
    Ok((
        side("a", a, defaults.map(|d| d.0))?,
        side("b", b, defaults.map(|d| d.1))?,
    ))
}

/// Which leaderboard snapshots to read (gap and value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderboardOptions {
    /// LMArena category (`full` is the overall leaderboard).
    pub category: String,
    pub style_control: bool,
    /// One source only, instead of the precedence rule.
    pub source: Option<Source>,
}

impl Default for LeaderboardOptions {
    fn default() -> LeaderboardOptions {
        LeaderboardOptions {
            category: history::OVERALL_CATEGORY.to_string(),
            style_control: false,
            source: None,
        }
    }
}

impl LeaderboardOptions {
    fn selection(&self) -> Checked<SnapshotSelection> {
        let category = self.category.trim();
        if category.is_empty() {
            return Err(OptionError::new("category", "is empty"));
        }
        Ok(SnapshotSelection {
            category: category.to_string(),
            style_control: self.style_control,
            source: self.source,
            from: None,
            to: None,
            snapshot: None,
        })
    }
}

/// `race gap`: best model of side A against best of side B, snapshot by snapshot.
#[derive(Clone, Debug)]
pub struct GapOptions {
    pub by: GroupBy,
    /// Side A (default: the grouping's first default side, e.g. United States).
    pub a: Option<String>,
    /// Side B (default: e.g. China).
    pub b: Option<String>,
    /// First snapshot date (YYYY, YYYY-MM or YYYY-MM-DD).
    pub from: Option<String>,
    /// Last snapshot date, inclusive.
    pub to: Option<String>,
    /// A single snapshot date (YYYY-MM-DD) instead of a range.
    pub snapshot: Option<String>,
    pub every: Every,
    pub leaderboard: LeaderboardOptions,
}

impl Default for GapOptions {
    fn default() -> GapOptions {
        GapOptions {
            by: GroupBy::Country,
            a: None,
            b: None,
            from: None,
            to: None,
            snapshot: None,
            every: Every::Snapshot,
            leaderboard: LeaderboardOptions::default(),
        }
    }
}

impl GapOptions {
    pub fn sides(&self, registry: &Registry) -> Checked<(String, String)> {
        resolve_sides(self.by, self.a.as_deref(), self.b.as_deref(), registry)
    }

    pub fn query(&self, registry: &Registry) -> Checked<GapQuery> {
        let (a, b) = self.sides(registry)?;
        if self.snapshot.is_some() && (self.from.is_some() || self.to.is_some()) {
            return Err(OptionError::new(
                "snapshot",
                "cannot be combined with from or to",
            ));
        }
        let mut selection = self.leaderboard.selection()?;
        selection.from = self
            .from
            .as_deref()
            .map(|t| date_bound("from", t, false))
            .transpose()?;
        selection.to = self
            .to
            .as_deref()
            .map(|t| date_bound("to", t, true))
            .transpose()?;
        selection.snapshot = self
            .snapshot
            .as_deref()
            .map(|t| exact_date("snapshot", t))
            .transpose()?;
        Ok(GapQuery {
            by: self.by,
            a,
            b,
            every: self.every,
            selection,
        })
    }
}

/// `race value`: rating against blended price at one snapshot.
#[derive(Clone, Debug)]
pub struct ValueOptions {
    pub by: GroupBy,
    pub a: Option<String>,
    pub b: Option<String>,
    /// Snapshot date (YYYY-MM-DD; default: the latest).
    pub snapshot: Option<String>,
    /// Bound on B's blended price, USD per million tokens.
    pub max_price: Option<f64>,
    /// Bound on B's blended price as a fraction of A's model's price.
    pub max_price_fraction: Option<f64>,
    pub leaderboard: LeaderboardOptions,
}

impl Default for ValueOptions {
    fn default() -> ValueOptions {
        ValueOptions {
            by: GroupBy::Country,
            a: None,
            b: None,
            snapshot: None,
            max_price: None,
            max_price_fraction: None,
            leaderboard: LeaderboardOptions::default(),
        }
    }
}

impl ValueOptions {
    pub fn price_bound(&self) -> Checked<Option<PriceBound>> {
        match (self.max_price, self.max_price_fraction) {
            (Some(_), Some(_)) => Err(OptionError::new(
                "max_price",
                "cannot be combined with max_price_fraction",
            )),
            (Some(usd), None) if usd.is_finite() && usd >= 0.0 => {
                Ok(Some(PriceBound::Absolute(usd)))
            }
            (Some(usd), None) => Err(OptionError::new(
                "max_price",
                format!("`{usd}` is not a price (USD per million tokens, 0 or more)"),
            )),
            (None, Some(fraction)) if fraction.is_finite() && fraction > 0.0 => {
                Ok(Some(PriceBound::FractionOfA(fraction)))
            }
            (None, Some(fraction)) => Err(OptionError::new(
                "max_price_fraction",
                format!("`{fraction}` is not a positive fraction of A's price (0.1 = a tenth)"),
            )),
            (None, None) => Ok(None),
        }
    }

    pub fn query(&self, registry: &Registry) -> Checked<ValueQuery> {
        let (a, b) = resolve_sides(self.by, self.a.as_deref(), self.b.as_deref(), registry)?;
        let mut selection = self.leaderboard.selection()?;
        selection.snapshot = self
            .snapshot
            .as_deref()
            .map(|t| exact_date("snapshot", t))
            .transpose()?;
        Ok(ValueQuery {
            by: self.by,
            a,
            b,
            price_bound: self.price_bound()?,
            selection,
        })
    }
}

/// First date of a compute series when `from` is not given.
pub const SERIES_START: &str = "2018-01-01";

/// `race compute`: compute share by country at a date, or over time.
#[derive(Clone, Debug)]
pub struct ComputeOptions {
    /// Date of the shares (YYYY, YYYY-MM or YYYY-MM-DD; default: the latest operational date
    /// in the data).
    pub as_of: Option<String>,
    /// Over time: one point per year or month end from `from` to `as_of`.
    pub every: Option<Period>,
    /// Start of the series (only with `every`; default [`SERIES_START`]).
    pub from: Option<String>,
    pub measure: Measure,
    /// Count every cluster, not only Epoch's standard-analysis rows.
    pub all_clusters: bool,
}

impl Default for ComputeOptions {
    fn default() -> ComputeOptions {
        ComputeOptions {
            as_of: None,
            every: None,
            from: None,
            measure: Measure::Op16,
            all_clusters: false,
        }
    }
}

/// Shares at one date, or a series of them.
#[derive(Clone, Debug)]
pub enum ComputeOutput {
    Shares(ComputeShares),
    Series(ComputeSeries),
}

impl ComputeOutput {
    pub fn render(&self, format: OutputFormat) -> Result<String> {
        match self {
            ComputeOutput::Shares(shares) => Ok(shares.render(format)?),
            ComputeOutput::Series(series) => Ok(series.render(format)?),
        }
    }
}

impl ComputeOptions {
    pub fn query(&self) -> ComputeQuery {
        ComputeQuery {
            measure: self.measure,
            standard_only: !self.all_clusters,
        }
    }

    /// The date of the shares: the option, else the latest operational date the query counts
    /// (so output does not depend on today's date).
    pub fn as_of(&self, clusters: &[Cluster]) -> Checked<Date> {
        match self.as_of.as_deref() {
            Some(text) => date_bound("as_of", text, true),
            None => compute::latest_date(clusters, self.query()).ok_or_else(|| {
                OptionError::new("as_of", "no dated cluster in the data to default to")
            }),
        }
    }

    pub fn compute(&self, clusters: &[Cluster]) -> Checked<ComputeOutput> {
        let query = self.query();
        let as_of = self.as_of(clusters)?;
        let Some(period) = self.every else {
            if self.from.is_some() {
                return Err(OptionError::new(
                    "from",
                    "starts a series: give every (year or month) too",
                ));
            }
            return Ok(ComputeOutput::Shares(compute::shares_at(
                clusters, query, as_of,
            )));
        };
        let from = date_bound("from", self.from.as_deref().unwrap_or(SERIES_START), false)?;
        let dates = compute::period_ends(from, as_of, period == Period::Month);
        compute::series(clusters, query, &dates)
            .map(ComputeOutput::Series)
            .ok_or_else(|| OptionError::new("from", "is after as_of"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_values_parse_as_the_command_line_spells_them() {
        assert_eq!(GroupBy::from_name("License"), Some(GroupBy::Licence));
        assert_eq!(GroupBy::from_name("org"), Some(GroupBy::Organisation));
        assert_eq!(GroupBy::from_name("planet"), None);
        assert_eq!(Every::from_name("month"), Some(Every::Month));
        assert_eq!(Measure::from_code("h100e"), Some(Measure::H100Equivalents));
        assert_eq!(Period::from_name("year"), Some(Period::Year));
        assert_eq!(Source::from_code("scrape"), Some(Source::LeaderboardScrape));
    }

    #[test]
    fn problems_name_the_option() {
        let registry = Registry::shipped().unwrap();
        let bad_date = GapOptions {
            from: Some("2024-13".into()),
            ..GapOptions::default()
        };
        assert_eq!(bad_date.query(&registry).unwrap_err().option, "from");
        let no_side = GapOptions {
            by: GroupBy::Organisation,
            a: Some("OpenAI".into()),
            ..GapOptions::default()
        };
        assert_eq!(no_side.query(&registry).unwrap_err().option, "b");
        let unknown = GapOptions {
            a: Some("Atlantis".into()),
            ..GapOptions::default()
        };
        let e = unknown.query(&registry).unwrap_err();
        assert_eq!(e.option, "a");
        assert!(e.message.contains("unknown country `Atlantis`"), "{e}");
        let both = ValueOptions {
            max_price: Some(1.0),
            max_price_fraction: Some(0.1),
            ..ValueOptions::default()
        };
        assert_eq!(both.query(&registry).unwrap_err().option, "max_price");
        let negative = ValueOptions {
            max_price_fraction: Some(-1.0),
            ..ValueOptions::default()
        };
        assert_eq!(
            negative.query(&registry).unwrap_err().option,
            "max_price_fraction"
        );
        assert_eq!(
            ComputeOptions::default().compute(&[]).unwrap_err().option,
            "as_of"
        );
        let orphan_from = ComputeOptions {
            as_of: Some("2024".into()),
            from: Some("2020".into()),
            ..ComputeOptions::default()
        };
        assert_eq!(orphan_from.compute(&[]).unwrap_err().option, "from");
    }
}
