//! The arena's leaderboard: the stored votes, rated by versus-rank through versus-leaderboard
//! (the same report as `versus rank --output json`), recomputed in the background after votes
//! so voting never waits for it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use versus_battles::{BattleSet, StyleCounts, Winner};
use versus_leaderboard::{Provenance, Report, ReportError, ReportOptions};
use versus_store::{Store, StoreError, VoteRow};

/// One vote that counts: anonymous and within the dedup cap.
#[derive(Clone, Debug)]
pub struct CountedVote {
    pub seq: i64,
    pub model_a: Arc<str>,
    pub model_b: Arc<str>,
    pub winner: Winner,
    pub tstamp: f64,
    pub style: StyleCounts,
}

impl CountedVote {
    /// The vote if it counts on the leaderboard.
    pub fn from_row(v: &VoteRow, names: &mut HashMap<String, Arc<str>>) -> Option<CountedVote> {
        if !(v.anony && v.counted) {
            return None;
        }
        let winner = Winner::parse(&v.winner)?;
        let mut intern = |s: &str| {
            names
                .entry(s.to_string())
                .or_insert_with(|| Arc::from(s))
                .clone()
        };
        Some(CountedVote {
            seq: v.seq,
            model_a: intern(&v.model_a),
            model_b: intern(&v.model_b),
            winner,
            tstamp: v.voted_ms as f64 / 1000.0,
            style: StyleCounts {
                tokens: v.style.tokens,
                header: v.style.header,
                list: v.style.list,
                bold: v.style.bold,
            },
        })
    }
}

/// The votes as the rating engine takes them: rows in commit order, models in order of first
/// appearance — exactly what `versus rank` builds when it reads the arena's export.
pub fn battle_set(votes: &[CountedVote]) -> BattleSet {
    let mut order: Vec<&CountedVote> = votes.iter().collect();
    order.sort_by_key(|v| v.seq);
    let mut set = BattleSet {
        style: Some(Vec::with_capacity(order.len())),
        ..BattleSet::default()
    };
    let mut ids: HashMap<Arc<str>, u32> = HashMap::new();
    let mut id = |name: &Arc<str>, set: &mut BattleSet| -> u32 {
        *ids.entry(name.clone()).or_insert_with(|| {
            set.models.push(name.to_string());
            (set.models.len() - 1) as u32
        })
    };
    for v in order {
        let a = id(&v.model_a, &mut set);
        let b = id(&v.model_b, &mut set);
        set.model_a.push(a);
        set.model_b.push(b);
        set.winner.push(v.winner);
        set.count.push(1.0);
        set.weight.push(1.0);
        set.tstamp.push(v.tstamp);
        if let Some(s) = set.style.as_mut() {
            s.push(v.style);
        }
    }
    set
}

/// A computed leaderboard.
#[derive(Debug)]
pub struct Board {
    pub report: Report,
    /// The report as JSON, serialised once.
    pub json: String,
    pub svg: String,
}

/// Why a view of the leaderboard cannot be shown. The pages and `/api/leaderboard` show the
/// message after "no leaderboard yet: ".
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// Nothing to rate: no vote counts yet (an anonymous vote within the dedup cap was expected).
    #[error("no votes yet")]
    NoVotes,
    /// The rating engine refused the votes (it names what it expected, e.g. every model both
    /// winning and losing).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The computed report could not be serialised as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// What the pages, the API and the sampler read.
#[derive(Debug)]
pub struct Snapshot {
    /// Votes that count (anonymous, within the dedup cap) at computation time.
    pub counted: usize,
    pub plain: Result<Arc<Board>, BoardError>,
    pub style: Result<Arc<Board>, BoardError>,
    /// The default view (style-controlled unless configured otherwise).
    pub style_default: bool,
}

impl Snapshot {
    pub fn empty(style_default: bool) -> Snapshot {
        let none = || Err(BoardError::NoVotes);
        Snapshot {
            counted: 0,
            plain: none(),
            style: none(),
            style_default,
        }
    }

    pub fn board(&self, style: bool) -> &Result<Arc<Board>, BoardError> {
        if style { &self.style } else { &self.plain }
    }

    pub fn default_board(&self) -> &Result<Arc<Board>, BoardError> {
        self.board(self.style_default)
    }

    /// Per model: (battles, interval) from the default board (else the plain one).
    pub fn model_stats(&self) -> HashMap<String, (f64, Option<(f64, f64)>)> {
        let board = match (self.default_board(), &self.plain) {
            (Ok(b), _) | (Err(_), Ok(b)) => b,
            _ => return HashMap::new(),
        };
        board
            .report
            .models
            .iter()
            .map(|m| {
                let interval =
                    (m.lower.is_finite() && m.upper.is_finite()).then_some((m.lower, m.upper));
                (m.model.clone(), (m.battles, interval))
            })
            .collect()
    }
}

/// The options of the arena's two views: `versus rank` defaults (Bradley–Terry, sandwich
/// intervals), with and without style control.
pub fn options(style: bool) -> ReportOptions {
    ReportOptions {
        style,
        ..ReportOptions::default()
    }
}

/// Computes both views from the counted votes.
pub fn compute(votes: &[CountedVote], style_default: bool) -> Snapshot {
    if votes.is_empty() {
        return Snapshot::empty(style_default);
    }
    let set = battle_set(votes);
    let run = |style: bool| -> Result<Arc<Board>, BoardError> {
        let computed =
            versus_leaderboard::compute(&options(style), &set, Provenance::default(), &|| {})?;
        let json = serde_json::to_string(&computed.report)?;
        let svg = interval_svg(&computed.report);
        Ok(Arc::new(Board {
            report: computed.report,
            json,
            svg,
        }))
    };
    Snapshot {
        counted: votes.len(),
        plain: run(false),
        style: run(true),
        style_default,
    }
}

/// Shared leaderboard state: counted votes and the latest snapshot.
pub struct Leaderboard {
    votes: Mutex<Vec<CountedVote>>,
    /// Seqs of every vote taken in (counted or not): a vote recorded here and also read back
    /// by [`Leaderboard::sync`] is added once.
    seen: Mutex<HashSet<i64>>,
    /// Where the next [`Leaderboard::sync`] starts reading (the highest seq known when the
    /// previous one started).
    sync_low: Mutex<i64>,
    names: Mutex<HashMap<String, Arc<str>>>,
    snapshot: RwLock<Arc<Snapshot>>,
    dirty: tokio::sync::Notify,
    style_default: bool,
    /// Bumped after each recomputation (tests wait on it).
    generation: tokio::sync::watch::Sender<u64>,
}

impl Leaderboard {
    pub fn new(rows: &[VoteRow], style_default: bool) -> Leaderboard {
        let mut names = HashMap::new();
        let votes: Vec<CountedVote> = rows
            .iter()
            .filter_map(|r| CountedVote::from_row(r, &mut names))
            .collect();
        let snapshot = compute(&votes, style_default);
        Leaderboard {
            votes: Mutex::new(votes),
            seen: Mutex::new(rows.iter().map(|r| r.seq).collect()),
            sync_low: Mutex::new(rows.iter().map(|r| r.seq).max().unwrap_or(0)),
            names: Mutex::new(names),
            snapshot: RwLock::new(Arc::new(snapshot)),
            dirty: tokio::sync::Notify::new(),
            style_default,
            generation: tokio::sync::watch::channel(0).0,
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Adds a committed vote (if it counts and is new) and schedules a recomputation.
    pub fn add(&self, row: &VoteRow) {
        if !self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(row.seq)
        {
            return;
        }
        let vote = {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            CountedVote::from_row(row, &mut names)
        };
        if let Some(v) = vote {
            self.votes.lock().unwrap_or_else(|e| e.into_inner()).push(v);
            self.dirty.notify_one();
        }
    }

    /// Takes in the votes other servers recorded in a shared database; returns how many were
    /// new. Seqs are handed out before commit, so a vote can become visible after one with a
    /// higher seq: each pass re-reads from the highest seq known at the start of the previous
    /// pass (one interval back; duplicates are skipped by seq), and if the database still
    /// holds more votes than are known (a vote in flight for longer than that), reads them all.
    pub async fn sync(&self, store: &dyn Store) -> Result<usize, StoreError> {
        let seen_now = || self.seen.lock().unwrap_or_else(|e| e.into_inner()).len();
        let high = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .max()
            .unwrap_or(0);
        let low = std::mem::replace(
            &mut *self.sync_low.lock().unwrap_or_else(|e| e.into_inner()),
            high,
        );
        let before = seen_now();
        // Counted first: every vote committed before the count is in the rows read after it.
        let (_, stored) = store.counts().await?;
        for row in &store.vote_rows_after(low).await? {
            self.add(row);
        }
        if (seen_now() as i64) < stored {
            for row in &store.vote_rows().await? {
                self.add(row);
            }
        }
        Ok(seen_now() - before)
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.generation.subscribe()
    }

    /// Recomputes after each burst of votes, `delay` after the first of the burst, off the
    /// async workers (rating can take a while with many votes).
    pub async fn run(self: Arc<Self>, delay: Duration) {
        loop {
            self.dirty.notified().await;
            tokio::time::sleep(delay).await;
            let votes = self.votes.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let style_default = self.style_default;
            match tokio::task::spawn_blocking(move || compute(&votes, style_default)).await {
                Ok(snapshot) => {
                    *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
                    self.generation.send_modify(|g| *g += 1);
                }
                Err(e) => tracing::error!("leaderboard computation panicked: {e}"),
            }
        }
    }
}

fn fmt_num(x: f64) -> String {
    format!("{x:.0}")
}

/// The interval plot: one row per model, best first, a dot at the rating and a bar over the
/// confidence interval. Hand-written SVG with presentation attributes only (no inline CSS,
/// so the pages' Content-Security-Policy holds); every name goes through the template engine's
/// HTML escaper.
pub fn interval_svg(report: &Report) -> String {
    let models = &report.models;
    let row = 22.0;
    let left = 270.0;
    let right = 30.0;
    let width = 820.0;
    let top = 30.0;
    let height = top + row * models.len() as f64 + 30.0;
    let finite = |x: f64| x.is_finite();
    let lo = models
        .iter()
        .map(|m| if finite(m.lower) { m.lower } else { m.rating })
        .fold(f64::INFINITY, f64::min);
    let hi = models
        .iter()
        .map(|m| if finite(m.upper) { m.upper } else { m.rating })
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (900.0, 1100.0)
    };
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (width - left - right);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Ratings with confidence intervals\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    // Grid: about six round ticks.
    let span = hi - lo;
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * mag)
        .find(|st| *st >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    while t <= hi {
        let xt = x(t);
        s.push_str(&format!(
            "<line x1=\"{xt:.1}\" y1=\"{top}\" x2=\"{xt:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{xt:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            height - 25.0,
            height - 10.0,
            fmt_num(t)
        ));
        t += step;
    }
    s.push_str(&format!(
        "<text x=\"{left}\" y=\"18\" fill=\"#333\">rating (95% interval)</text>"
    ));
    for (i, m) in models.iter().enumerate() {
        let y = top + row * i as f64 + row / 2.0;
        let Ok(name) = askama::filters::escape(m.model.as_str(), askama::filters::Html);
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#222\">{}. {name}</text>",
            left - 8.0,
            y + 4.0,
            m.rank,
        ));
        if finite(m.lower) && finite(m.upper) {
            s.push_str(&format!("<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#4a6fa5\" stroke-width=\"3\"/>", x(m.lower), x(m.upper)));
        }
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#c0392b\"/>",
            x(m.rating)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_errors_keep_the_texts_the_pages_show() {
        let empty = Snapshot::empty(true);
        assert!(matches!(empty.default_board(), Err(BoardError::NoVotes)));
        assert_eq!(BoardError::NoVotes.to_string(), "no votes yet");
        let refused = BoardError::from(ReportError("every model must both win and lose".into()));
        assert_eq!(refused.to_string(), "every model must both win and lose");
    }

    /// A voted battle with an explicit seq, as another server would have committed it.
    fn voted(seq: i64) -> versus_store::BattleRecord {
        versus_store::BattleRecord {
            id: format!("b{seq}"),
            created_ms: 1,
            updated_ms: 2,
            model_a: "m1".into(),
            model_b: "m2".into(),
            vote_token: "t".into(),
            voter: "v".into(),
            origin: versus_store::PromptOrigin::Bundled,
            prompt_id: Some(seq),
            prompt_key: None,
            status: versus_store::BattleStatus::Complete,
            anony: true,
            turns: 1,
            conversation_a: "[]".into(),
            conversation_b: "[]".into(),
            conv_metadata: "{}".into(),
            style: Default::default(),
            error: None,
            vote: Some(versus_store::VoteRecord {
                seq,
                winner: if seq % 2 == 0 { "model_a" } else { "model_b" }.into(),
                voter: "v".into(),
                voted_ms: 3,
                counted: true,
            }),
        }
    }

    #[tokio::test]
    async fn sync_takes_in_other_servers_votes_once_even_when_they_commit_out_of_seq_order() {
        let dir = std::env::temp_dir().join(format!("versus-board-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = versus_store::SqliteStore::open(&dir.join("a.db"), Default::default())
            .await
            .unwrap();
        let board = Leaderboard::new(&[], false);
        store.import(&[voted(1), voted(3)]).await.unwrap();
        assert_eq!(board.sync(&store).await.unwrap(), 2);
        assert_eq!(
            board.sync(&store).await.unwrap(),
            0,
            "nothing new, nothing added twice"
        );
        // Seq 2 commits late, after 3 was read: found (here by the count check).
        store.import(&[voted(2)]).await.unwrap();
        assert_eq!(board.sync(&store).await.unwrap(), 1);
        store.import(&[voted(4), voted(5)]).await.unwrap();
        assert_eq!(board.sync(&store).await.unwrap(), 2);
        // A vote this server recorded itself and then read back is counted once.
        board.add(&store.vote_rows_after(4).await.unwrap()[0]);
        assert_eq!(board.sync(&store).await.unwrap(), 0);
        let counted: Vec<i64> = {
            let mut v: Vec<i64> = board.votes.lock().unwrap().iter().map(|v| v.seq).collect();
            v.sort();
            v
        };
        assert_eq!(counted, [1, 2, 3, 4, 5]);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
