//! The leaderboard history: every published rating of every model at every snapshot we have,
//! from three kinds of source, in one long table (`data/history/history.csv`, embedded).
//!
//! Ratings are comparable only within one snapshot (each publication refits the whole scale),
//! so everything downstream compares models inside a snapshot and only then across time.

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeSet;

/// The shipped history, embedded so the binary is self-contained.
pub const HISTORY_CSV: &str = include_str!("../../../data/history/history.csv");
pub const HISTORY_FILE: &str = "data/history/history.csv";
pub const HISTORY_HEADER: [&str; 9] = [
    "date",
    "source",
    "style_control",
    "category",
    "key",
    "rating",
    "lower",
    "upper",
    "votes",
];

/// The overall leaderboard's category name in LMArena's JSON; the other sources only publish it.
pub const OVERALL_CATEGORY: &str = "full";

/// Where a snapshot's ratings come from. The declaration order is the precedence order used
/// when two sources publish near the same date: LMArena's own JSON first (full precision and
/// bootstrap intervals), then the pickle extraction (full precision, no intervals), then the
/// scraped web tables (integers, but with intervals and vote counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Source {
    #[serde(rename = "arena-catalog")]
    ArenaCatalog,
    /// LMArena's leaderboard dataset (one row per model, category and publication date), taken
    /// in with `versus data add`; as precise as the JSON, with vote counts.
    #[serde(rename = "lmarena-dataset")]
    LeaderboardDataset,
    #[serde(rename = "elo-history")]
    EloHistory,
    #[serde(rename = "leaderboard-scrape")]
    LeaderboardScrape,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::ArenaCatalog,
        Source::LeaderboardDataset,
        Source::EloHistory,
        Source::LeaderboardScrape,
    ];

    /// The code used in `history.csv` and on the command line.
    pub fn code(&self) -> &'static str {
        match self {
            Source::ArenaCatalog => "catalog",
            Source::LeaderboardDataset => "dataset",
            Source::EloHistory => "elo",
            Source::LeaderboardScrape => "scrape",
        }
    }

    pub fn from_code(code: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Source::ArenaCatalog => "arena-catalog",
            Source::LeaderboardDataset => "lmarena-dataset",
            Source::EloHistory => "elo-history",
            Source::LeaderboardScrape => "leaderboard-scrape",
        }
    }

    /// What the source is and who published it, for provenance output.
    pub fn origin(&self) -> &'static str {
        match self {
            Source::ArenaCatalog => {
                "LMArena's own leaderboard JSON (GitHub lmarena/arena-catalog), ratings with bootstrap 95% intervals (rating_q025..rating_q975), dated by file name"
            }
            Source::LeaderboardDataset => {
                "LMArena's leaderboard dataset rows (model_name, rating, rating_lower..rating_upper, vote_count, category, leaderboard_publish_date), added with versus data add"
            }
            Source::EloHistory => {
                "overall ratings extracted from LMArena's elo_results_YYYYMMDD.pkl (GitHub jasontrigg0/chatbot-arena-history); no intervals"
            }
            Source::LeaderboardScrape => {
                "leaderboard tables as displayed on lmarena.ai, scraped (GitHub fboulnois/llm-leaderboard-csv, MPL-2.0); integer scores, 95% CI as +x/-y, votes; display names resolved to keys"
            }
        }
    }
}

/// One model's rating in one snapshot, category and style-control setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryRow {
    pub date: Date,
    pub source: Source,
    pub style_control: bool,
    pub category: String,
    pub key: String,
    pub rating: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub votes: Option<u64>,
}

/// A published leaderboard: the date and the source it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SnapshotId {
    pub date: Date,
    pub source: Source,
}

/// All history rows, sorted by date, source, style control, category, then descending rating.
#[derive(Clone, Debug, Default)]
pub struct History {
    rows: Vec<HistoryRow>,
}

/// Two snapshots from different sources closer than this are the same moment in the race; the
/// lower-precedence one is dropped so a time series does not zig-zag between sources whose
/// scales differ by a few points.
pub const PRECEDENCE_WINDOW_DAYS: i64 = 7;

pub const PRECEDENCE_RULE: &str = "one source per moment: arena-catalog (LMArena JSON) > lmarena-dataset (LMArena dataset rows) > elo-history (pkl extraction) > leaderboard-scrape; a snapshot is dropped when a higher-precedence source has a snapshot within 7 days of it";

/// A leaderboard older than this is flagged wherever a race figure is shown: the race moves
/// every week, and a months-old snapshot misses the newest models.
pub const STALE_AFTER_DAYS: i64 = 90;

/// How current the leaderboard data are, relative to `today` (passed in: this crate reads no
/// clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Freshness {
    /// The newest snapshot's date.
    pub as_of: Date,
    pub age_days: i64,
}

impl Freshness {
    pub fn is_stale(&self) -> bool {
        self.age_days > STALE_AFTER_DAYS
    }

    /// "Leaderboard data as of 2025-12-11 (357 days old)."
    pub fn note(&self) -> String {
        format!(
            "Leaderboard data as of {} ({} days old).",
            self.as_of, self.age_days
        )
    }

    /// The warning when the data are older than [`STALE_AFTER_DAYS`].
    pub fn warning(&self) -> Option<String> {
        self.is_stale().then(|| {
            format!(
                "the newest leaderboard snapshot ({}) is {} days old, over {STALE_AFTER_DAYS}: models released since are missing from every race figure",
                self.as_of, self.age_days
            )
        })
    }
}

impl History {
    /// The date of the newest snapshot, and its age on `today`.
    pub fn freshness(&self, today: Date) -> Option<Freshness> {
        self.rows
            .iter()
            .map(|r| r.date)
            .max()
            .map(|as_of| Freshness {
                as_of,
                age_days: today.days_since_epoch() - as_of.days_since_epoch(),
            })
    }

    pub fn shipped() -> Result<History> {
        History::parse(HISTORY_FILE, HISTORY_CSV)
    }

    pub fn from_rows(mut rows: Vec<HistoryRow>) -> History {
        rows.sort_by(|a, b| {
            (a.date, a.source, a.style_control, &a.category)
                .cmp(&(b.date, b.source, b.style_control, &b.category))
                .then(b.rating.total_cmp(&a.rating))
                .then(a.key.cmp(&b.key))
        });
        History { rows }
    }

    pub fn parse(file: &str, text: &str) -> Result<History> {
        let table = CsvText::parse(file, text)?;
        let cols: Vec<usize> = HISTORY_HEADER
            .iter()
            .map(|name| table.column(name))
            .collect::<Result<_>>()?;
        let [
            date_c,
            source_c,
            style_c,
            category_c,
            key_c,
            rating_c,
            lower_c,
            upper_c,
            votes_c,
        ] = cols[..]
        else {
            return Err(Error::format(file, "unexpected column layout"));
        };
        let mut rows = Vec::with_capacity(table.records.len());
        for record in &table.records {
            let line = csvio::line_of(record);
            let date_text = csvio::text(record, date_c);
            let date = Date::parse(date_text).ok_or_else(|| {
                Error::field(file, line, "date", format!("`{date_text}` is not a date"))
            })?;
            let source_text = csvio::text(record, source_c);
            let source = Source::from_code(source_text).ok_or_else(|| {
                Error::field(
                    file,
                    line,
                    "source",
                    format!("`{source_text}` is not catalog/elo/scrape"),
                )
            })?;
            let style_control = match csvio::text(record, style_c) {
                "1" => true,
                "0" => false,
                other => {
                    return Err(Error::field(
                        file,
                        line,
                        "style_control",
                        format!("`{other}` is not 0/1"),
                    ));
                }
            };
            let key = csvio::text(record, key_c).to_string();
            if key.is_empty() {
                return Err(Error::field(file, line, "key", "empty"));
            }
            let votes_text = csvio::text(record, votes_c);
            let votes = if votes_text.is_empty() {
                None
            } else {
                Some(votes_text.parse::<u64>().map_err(|_| {
                    Error::field(
                        file,
                        line,
                        "votes",
                        format!("`{votes_text}` is not a count"),
                    )
                })?)
            };
            rows.push(HistoryRow {
                date,
                source,
                style_control,
                category: csvio::text(record, category_c).to_string(),
                key,
                rating: csvio::number(file, record, rating_c, "rating")?,
                lower: csvio::optional_number(file, record, lower_c, "lower")?,
                upper: csvio::optional_number(file, record, upper_c, "upper")?,
                votes,
            });
        }
        Ok(History::from_rows(rows))
    }

    pub fn rows(&self) -> &[HistoryRow] {
        &self.rows
    }

    /// Every snapshot that publishes the given category and style-control setting.
    pub fn snapshots(&self, category: &str, style_control: bool) -> Vec<SnapshotId> {
        let set: BTreeSet<SnapshotId> = self
            .rows
            .iter()
            .filter(|r| r.category == category && r.style_control == style_control)
            .map(|r| SnapshotId {
                date: r.date,
                source: r.source,
            })
            .collect();
        set.into_iter().collect()
    }

    /// The rows of one snapshot, category and style-control setting, best rating first.
    pub fn snapshot_rows<'a>(
        &'a self,
        snapshot: SnapshotId,
        category: &'a str,
        style_control: bool,
    ) -> impl Iterator<Item = &'a HistoryRow> + 'a {
        // Rows are sorted by (date, source, …): binary-search the start, then walk.
        let start = self
            .rows
            .partition_point(|r| (r.date, r.source) < (snapshot.date, snapshot.source));
        self.rows[start..]
            .iter()
            .take_while(move |r| r.date == snapshot.date && r.source == snapshot.source)
            .filter(move |r| r.category == category && r.style_control == style_control)
    }

    /// All categories present, sorted.
    pub fn categories(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.rows.iter().map(|r| r.category.as_str()).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// The history as the CSV text shipped in `data/history/history.csv`. Ratings and bounds
    /// keep one decimal: LMArena itself displays integers, and a tenth of a point is far below
    /// any interval, while the table stays about a third smaller.
    pub fn to_csv(&self) -> Result<String> {
        let number = |v: Option<f64>| v.map(|v| csvio::compact_number(v, 1)).unwrap_or_default();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.date.to_string(),
                    r.source.code().to_string(),
                    if r.style_control { "1" } else { "0" }.to_string(),
                    r.category.clone(),
                    r.key.clone(),
                    csvio::compact_number(r.rating, 1),
                    number(r.lower),
                    number(r.upper),
                    r.votes.map(|v| v.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        csvio::to_csv_string(HISTORY_FILE, &HISTORY_HEADER, &rows)
    }
}

/// Applies [`PRECEDENCE_RULE`]: keeps a snapshot unless a source of higher precedence has one
/// within [`PRECEDENCE_WINDOW_DAYS`] days. Input need not be sorted; output is sorted by date.
pub fn select_by_precedence(snapshots: &[SnapshotId]) -> Vec<SnapshotId> {
    let mut kept: Vec<SnapshotId> = snapshots
        .iter()
        .filter(|candidate| {
            !snapshots.iter().any(|other| {
                other.source < candidate.source
                    && (other.date.days_since_epoch() - candidate.date.days_since_epoch()).abs()
                        <= PRECEDENCE_WINDOW_DAYS
            })
        })
        .copied()
        .collect();
    kept.sort();
    kept.dedup();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_counts_days_from_the_newest_snapshot() {
        let h = History::parse(
            "h.csv",
            "date,source,style_control,category,key,rating,lower,upper,votes\n\
             2025-01-01,elo,0,full,a,1000,,,\n2025-03-01,elo,0,full,a,1001,,,\n",
        )
        .unwrap();
        let on = |d: &str| h.freshness(Date::parse(d).unwrap()).unwrap();
        let fresh = on("2025-05-30");
        assert_eq!(
            (fresh.as_of.to_string(), fresh.age_days),
            ("2025-03-01".into(), 90)
        );
        assert_eq!(fresh.warning(), None, "90 days is not yet stale");
        let stale = on("2025-05-31");
        assert!(
            stale
                .warning()
                .unwrap()
                .contains("2025-03-01) is 91 days old, over 90")
        );
        assert_eq!(
            stale.note(),
            "Leaderboard data as of 2025-03-01 (91 days old)."
        );
        assert_eq!(
            History::default().freshness(Date::parse("2025-01-01").unwrap()),
            None
        );
    }

    fn id(date: &str, source: Source) -> SnapshotId {
        SnapshotId {
            date: Date::parse(date).unwrap(),
            source,
        }
    }

    #[test]
    fn precedence_drops_nearby_lower_sources_only() {
        let input = [
            id("2025-03-07", Source::ArenaCatalog),
            id("2025-03-11", Source::EloHistory),
            id("2025-03-01", Source::LeaderboardScrape),
            id("2025-02-20", Source::LeaderboardScrape),
            id("2025-02-21", Source::EloHistory),
            id("2025-06-03", Source::LeaderboardScrape),
        ];
        let kept = select_by_precedence(&input);
        assert_eq!(
            kept,
            vec![
                id("2025-02-21", Source::EloHistory),
                id("2025-03-07", Source::ArenaCatalog),
                id("2025-06-03", Source::LeaderboardScrape),
            ]
        );
    }

    #[test]
    fn history_round_trips_and_rejects_bad_rows() {
        let text = "date,source,style_control,category,key,rating,lower,upper,votes\n\
                    2024-08-13,elo,0,full,a,1300.26,,,\n\
                    2024-08-14,scrape,0,full,b,1287,1284,1290,55826\n";
        let history = History::parse("inline", text).unwrap();
        assert_eq!(history.rows().len(), 2);
        assert!(
            history
                .to_csv()
                .unwrap()
                .contains("2024-08-13,elo,0,full,a,1300.3,,,\n")
        );
        let bad = "date,source,style_control,category,key,rating,lower,upper,votes\n\
                   2024-08-13,pkl,0,full,a,1300,,,\n";
        let message = History::parse("bad.csv", bad).unwrap_err().to_string();
        assert!(
            message.contains("bad.csv, line 2, field `source`"),
            "{message}"
        );
    }
}
