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
    /// Bit `i` set when the vote belongs to the board [`crate::categories::BOARDS`]`[i]`.
    pub boards: u8,
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
            boards: crate::categories::board_mask(&v.categories),
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
    /// Votes count, but fewer than two models have enough of them and are linked to each other
    /// by wins and losses: every model is provisional for now.
    #[error("every model is provisional: fewer than two can be rated yet")]
    AllProvisional,
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
    /// Models with counted votes that are not rated (both views), each with why.
    pub provisional: Vec<Provisional>,
    /// The fewest counted votes a model needs to be rated.
    pub min_votes: usize,
    /// When this snapshot was computed (ms since the Unix epoch), shown as "last updated".
    pub computed_ms: i64,
}

/// Why a model with counted votes is listed apart instead of rated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvisionalReason {
    /// Fewer counted votes than the configured minimum.
    FewVotes,
    /// No vote against any rated model (its group never met the main one).
    NotConnected,
    /// It met the rated models but never lost or tied against them: no finite rating.
    NeverLost,
    /// It met the rated models but never won or tied against them: no finite rating.
    NeverWon,
    /// Enough votes and linked, but the rating could not be computed (logged).
    NoFit,
}

/// A model listed apart, with its tallies over all its counted votes.
#[derive(Clone, Debug)]
pub struct Provisional {
    pub model: String,
    pub battles: usize,
    pub wins: f64,
    pub losses: f64,
    pub ties: f64,
    pub reason: ProvisionalReason,
}

#[derive(Clone, Copy, Default)]
struct Tally {
    battles: usize,
    wins: f64,
    losses: f64,
    ties: f64,
}

impl Tally {
    /// One more vote with this score (1 win, 0 loss, else tie).
    fn add(&mut self, score: f64) {
        self.battles += 1;
        if score == 1.0 {
            self.wins += 1.0;
        } else if score == 0.0 {
            self.losses += 1.0;
        } else {
            self.ties += 1.0;
        }
    }
}

/// Which models can be rated: at least `min_votes` counted votes each, then the largest group
/// of them that is strongly connected by "beat or tied" (Zermelo's condition for finite
/// Bradley–Terry ratings; ties count both ways). Returns the rated models and every other
/// model with why it is left out, in order of votes (most first).
pub fn split_rated(votes: &[CountedVote], min_votes: usize) -> (Vec<Arc<str>>, Vec<Provisional>) {
    let mut tally: HashMap<Arc<str>, Tally> = HashMap::new();
    for v in votes {
        let o = v.winner.outcome();
        for (m, score) in [(&v.model_a, o), (&v.model_b, 1.0 - o)] {
            tally.entry(m.clone()).or_default().add(score);
        }
    }
    let mut names: Vec<Arc<str>> = tally.keys().cloned().collect();
    names.sort_by(|a, b| tally[b].battles.cmp(&tally[a].battles).then(a.cmp(b)));
    let eligible: Vec<Arc<str>> = names
        .iter()
        .filter(|m| tally[*m].battles >= min_votes.max(1))
        .cloned()
        .collect();
    let index: HashMap<&Arc<str>, usize> =
        eligible.iter().enumerate().map(|(i, m)| (m, i)).collect();
    let n = eligible.len();
    // beats[i][j]: i won or tied against j at least once.
    let mut beats = vec![vec![false; n]; n];
    let mut met = vec![vec![false; n]; n];
    for v in votes {
        let (Some(&a), Some(&b)) = (index.get(&v.model_a), index.get(&v.model_b)) else {
            continue;
        };
        let o = v.winner.outcome();
        met[a][b] = true;
        met[b][a] = true;
        if o > 0.0 {
            beats[a][b] = true;
        }
        if o < 1.0 {
            beats[b][a] = true;
        }
    }
    let reach = |from: usize, forward: bool| -> Vec<bool> {
        let mut seen = vec![false; n];
        seen[from] = true;
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            for w in 0..n {
                let edge = if forward { beats[v][w] } else { beats[w][v] };
                if edge && !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    };
    // The largest strongly connected group (ties: the one with most votes, listed first).
    let mut assigned = vec![false; n];
    let mut best: Vec<usize> = Vec::new();
    for s in 0..n {
        if assigned[s] {
            continue;
        }
        let (f, b) = (reach(s, true), reach(s, false));
        let group: Vec<usize> = (0..n).filter(|&i| f[i] && b[i]).collect();
        for &i in &group {
            assigned[i] = true;
        }
        if group.len() > best.len() {
            best = group;
        }
    }
    let main: Vec<bool> = (0..n)
        .map(|i| best.len() >= 2 && best.contains(&i))
        .collect();
    let rated: Vec<Arc<str>> = (0..n)
        .filter(|&i| main[i])
        .map(|i| eligible[i].clone())
        .collect();
    let provisional = names
        .iter()
        .filter_map(|m| {
            let t = tally[m];
            let reason = match index.get(m) {
                None => ProvisionalReason::FewVotes,
                Some(&i) if main[i] => return None,
                Some(&i) => {
                    let others = (0..n).filter(|&j| main[j]);
                    if best.len() < 2 || !others.clone().any(|j| met[i][j]) {
                        ProvisionalReason::NotConnected
                    } else if !others.clone().any(|j| beats[j][i]) {
                        ProvisionalReason::NeverLost
                    } else {
                        ProvisionalReason::NeverWon
                    }
                }
            };
            Some(Provisional {
                model: m.to_string(),
                battles: t.battles,
                wins: t.wins,
                losses: t.losses,
                ties: t.ties,
                reason,
            })
        })
        .collect();
    (rated, provisional)
}

impl Snapshot {
    pub fn empty(style_default: bool) -> Snapshot {
        let none = || Err(BoardError::NoVotes);
        Snapshot {
            counted: 0,
            plain: none(),
            style: none(),
            style_default,
            provisional: Vec::new(),
            min_votes: DEFAULT_MIN_VOTES,
            computed_ms: now_ms(),
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

/// The fewest counted votes a model needs to be rated, unless configured.
pub const DEFAULT_MIN_VOTES: usize = 5;

/// Computes both views from the counted votes: the models that can be rated (see
/// [`split_rated`]) on their votes with each other, the others listed as provisional.
pub fn compute(votes: &[CountedVote], style_default: bool, min_votes: usize) -> Snapshot {
    if votes.is_empty() {
        return Snapshot {
            min_votes,
            ..Snapshot::empty(style_default)
        };
    }
    let (rated, mut provisional) = split_rated(votes, min_votes);
    let rated_votes: Vec<CountedVote> = votes
        .iter()
        .filter(|v| rated.contains(&v.model_a) && rated.contains(&v.model_b))
        .cloned()
        .collect();
    let set = battle_set(&rated_votes);
    let run = |style: bool| -> Result<Arc<Board>, BoardError> {
        if rated.len() < 2 {
            return Err(BoardError::AllProvisional);
        }
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
    let (plain, style) = (run(false), run(true));
    if let Err(e @ (BoardError::Report(_) | BoardError::Json(_))) = &plain {
        tracing::warn!("leaderboard: the rated models could not be fitted: {e}");
    }
    if rated.len() >= 2 && plain.is_err() && style.is_err() {
        // Nothing could be fitted: the rated models are provisional too, with why in words.
        for m in &rated {
            let mut t = Tally::default();
            for v in votes {
                if &v.model_a == m {
                    t.add(v.winner.outcome());
                } else if &v.model_b == m {
                    t.add(1.0 - v.winner.outcome());
                }
            }
            provisional.push(Provisional {
                model: m.to_string(),
                battles: t.battles,
                wins: t.wins,
                losses: t.losses,
                ties: t.ties,
                reason: ProvisionalReason::NoFit,
            });
        }
    }
    Snapshot {
        counted: votes.len(),
        plain,
        style,
        style_default,
        provisional,
        min_votes,
        computed_ms: now_ms(),
    }
}

/// The counted votes of one category board ([`crate::categories::BOARDS`]`[board]`).
pub fn board_votes(votes: &[CountedVote], board: usize) -> Vec<CountedVote> {
    votes
        .iter()
        .filter(|v| v.boards & (1 << board) != 0)
        .cloned()
        .collect()
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
    min_votes: usize,
    /// Bumped after each recomputation (tests wait on it).
    generation: tokio::sync::watch::Sender<u64>,
    /// Category boards computed on request, each with the number of counted votes it saw
    /// (votes only grow, so an equal count means nothing new).
    category: Mutex<HashMap<usize, (usize, Arc<Snapshot>)>>,
}

impl Leaderboard {
    pub fn new(rows: &[VoteRow], style_default: bool, min_votes: usize) -> Leaderboard {
        let mut names = HashMap::new();
        let votes: Vec<CountedVote> = rows
            .iter()
            .filter_map(|r| CountedVote::from_row(r, &mut names))
            .collect();
        let snapshot = compute(&votes, style_default, min_votes);
        Leaderboard {
            votes: Mutex::new(votes),
            seen: Mutex::new(rows.iter().map(|r| r.seq).collect()),
            sync_low: Mutex::new(rows.iter().map(|r| r.seq).max().unwrap_or(0)),
            names: Mutex::new(names),
            snapshot: RwLock::new(Arc::new(snapshot)),
            dirty: tokio::sync::Notify::new(),
            style_default,
            min_votes,
            generation: tokio::sync::watch::channel(0).0,
            category: Mutex::new(HashMap::new()),
        }
    }

    /// The board of category `board` ([`crate::categories::BOARDS`] index), computed on the
    /// first request after new votes (off the async workers) and kept until the next vote.
    /// Per-category boards are asked for far less often than the overall one, so they are not
    /// recomputed after every vote.
    pub async fn category_snapshot(self: &Arc<Self>, board: usize) -> Arc<Snapshot> {
        let votes = self.votes.lock().unwrap_or_else(|e| e.into_inner()).len();
        if let Some((n, snap)) = self
            .category
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&board)
            && *n == votes
        {
            return snap.clone();
        }
        let me = self.clone();
        let computed = tokio::task::spawn_blocking(move || {
            let all = me.votes.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let n = all.len();
            (
                n,
                compute(&board_votes(&all, board), me.style_default, me.min_votes),
            )
        })
        .await;
        match computed {
            Ok((n, snap)) => {
                let snap = Arc::new(snap);
                self.category
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(board, (n, snap.clone()));
                snap
            }
            Err(e) => {
                tracing::error!("category leaderboard computation panicked: {e}");
                Arc::new(Snapshot::empty(self.style_default))
            }
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
            let (style_default, min_votes) = (self.style_default, self.min_votes);
            match tokio::task::spawn_blocking(move || compute(&votes, style_default, min_votes))
                .await
            {
                Ok(snapshot) => {
                    *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
                    self.generation.send_modify(|g| *g += 1);
                }
                Err(e) => tracing::error!("leaderboard computation panicked: {e}"),
            }
        }
    }
}

/// Milliseconds since the Unix epoch (0 before it), for "last updated".
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
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
            categories: String::new(),
            named: false,
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
        let board = Leaderboard::new(&[], false, 1);
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

    fn vote(seq: i64, a: &str, b: &str, winner: Winner) -> CountedVote {
        CountedVote {
            seq,
            model_a: Arc::from(a),
            model_b: Arc::from(b),
            winner,
            tstamp: seq as f64,
            style: StyleCounts {
                tokens: [100.0, 120.0],
                header: [0.0; 2],
                list: [0.0; 2],
                bold: [0.0; 2],
            },
            boards: 0,
        }
    }

    #[test]
    fn few_votes_and_unlinked_models_are_provisional_with_a_reason() {
        // x, y, z are linked by wins both ways; w only ever beat x; v met nobody rated; u has
        // one vote.
        let mut votes = Vec::new();
        let mut seq = 0;
        let mut add = |a: &str, b: &str, w: Winner, n: usize| {
            for _ in 0..n {
                seq += 1;
                votes.push(vote(seq, a, b, w));
            }
        };
        add("x", "y", Winner::ModelA, 2);
        add("y", "z", Winner::ModelA, 2);
        add("z", "x", Winner::ModelA, 2);
        add("w", "x", Winner::ModelA, 3);
        add("v", "q", Winner::Tie, 3);
        add("u", "x", Winner::ModelB, 1);
        let (rated, provisional) = split_rated(&votes, 3);
        let mut rated: Vec<&str> = rated.iter().map(|m| &**m).collect();
        rated.sort_unstable();
        assert_eq!(rated, ["x", "y", "z"]);
        let reason = |m: &str| provisional.iter().find(|p| p.model == m).map(|p| p.reason);
        assert_eq!(reason("w"), Some(ProvisionalReason::NeverLost));
        assert_eq!(reason("v"), Some(ProvisionalReason::NotConnected));
        assert_eq!(reason("q"), Some(ProvisionalReason::NotConnected));
        assert_eq!(reason("u"), Some(ProvisionalReason::FewVotes));
        let u = provisional.iter().find(|p| p.model == "u").unwrap();
        assert_eq!((u.battles, u.losses), (1, 1.0));
        // The page's snapshot rates x, y, z on their votes with each other only.
        let snap = compute(&votes, false, 3);
        let board = snap.plain.as_ref().unwrap();
        assert_eq!(board.report.models.len(), 3);
        assert_eq!(board.report.meta.battles, 6.0);
        assert_eq!(snap.provisional.len(), 4);
        // Three votes among four models: nothing can be rated yet, everything is listed.
        let few = compute(&votes[..3], false, 5);
        assert!(matches!(few.plain, Err(BoardError::AllProvisional)));
        assert_eq!(few.provisional.len(), 3);
        assert!(
            few.provisional
                .iter()
                .all(|p| p.reason == ProvisionalReason::FewVotes)
        );
    }
}
