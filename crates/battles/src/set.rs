//! The in-memory battle table and the builder every reader fills.

use crate::fxhash::FxHashMap;
use crate::{StyleCounts, Winner};

/// Column-oriented battle table with interned model names (ids index `models`, in order of
/// first appearance).
///
/// Columns rather than a `Vec` of structs because the rating engine scans them many times
/// (bootstrap) and only ever needs a few at once.
/// The models [`BattleSet::remove_models`] took out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemovedModels {
    /// Excluded names that were in the input.
    pub excluded: Vec<String>,
    /// Excluded names that were not (typos, worth a warning).
    pub missing: Vec<String>,
    /// Models dropped for too few battles, with their battle counts when dropped.
    pub dropped: Vec<(String, f64)>,
}

#[derive(Clone, Debug, Default)]
pub struct BattleSet {
    /// Model names; `model_a`/`model_b` hold indices into this.
    pub models: Vec<String>,
    pub model_a: Vec<u32>,
    pub model_b: Vec<u32>,
    pub winner: Vec<Winner>,
    /// Multiplicity of the row: 1.0 for per-battle sources; pair-count files give aggregated
    /// rows.
    pub count: Vec<f64>,
    /// Per-battle weight, 1.0 unless a `weight` column says otherwise.
    pub weight: Vec<f64>,
    /// Seconds since the Unix epoch (UTC); NaN when unknown.
    pub tstamp: Vec<f64>,
    /// `Some` iff every kept row has style counts.
    pub style: Option<Vec<StyleCounts>>,
    /// True if any row came from a pair-count file (no order, no style, no screen position).
    pub aggregated: bool,
}

impl BattleSet {
    /// Number of rows (aggregated rows count once; see [`BattleSet::total_battles`]).
    pub fn len(&self) -> usize {
        self.model_a.len()
    }

    pub fn is_empty(&self) -> bool {
        self.model_a.is_empty()
    }

    /// Number of battles: Σ count.
    pub fn total_battles(&self) -> f64 {
        self.count.iter().sum()
    }

    /// Id of a model name, if present.
    pub fn model_id(&self, name: &str) -> Option<u32> {
        self.models.iter().position(|m| m == name).map(|i| i as u32)
    }

    /// Σ count of the battles each model took part in, indexed by model id.
    pub fn battles_per_model(&self) -> Vec<f64> {
        let mut n = vec![0.0; self.models.len()];
        for ((&a, &b), &c) in self.model_a.iter().zip(&self.model_b).zip(&self.count) {
            n[a as usize] += c;
            n[b as usize] += c;
        }
        n
    }

    /// Append one battle, interning the names (linear lookup: for tests and small inputs; the
    /// readers intern with a hash map).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        model_a: &str,
        model_b: &str,
        winner: Winner,
        count: f64,
        weight: f64,
        tstamp: f64,
        style: Option<StyleCounts>,
    ) {
        let was_empty = self.is_empty();
        let a = self.intern_linear(model_a);
        let b = self.intern_linear(model_b);
        self.model_a.push(a);
        self.model_b.push(b);
        self.winner.push(winner);
        self.count.push(count);
        self.weight.push(weight);
        self.tstamp.push(tstamp);
        match (style, &mut self.style) {
            (Some(s), Some(v)) => v.push(s),
            (Some(s), None) if was_empty => self.style = Some(vec![s]),
            _ => self.style = None,
        }
    }

    fn intern_linear(&mut self, name: &str) -> u32 {
        match self.model_id(name) {
            Some(i) => i,
            None => {
                self.models.push(name.to_owned());
                (self.models.len() - 1) as u32
            }
        }
    }

    /// Drop every row that involves one of `names`, then [`compact`](Self::compact) (ids
    /// change). Returns the names that were not present, so the caller can warn about typos.
    pub fn exclude_models(&mut self, names: &[String]) -> Vec<String> {
        let mut drop = vec![false; self.models.len()];
        let mut missing = Vec::new();
        for n in names {
            match self.model_id(n) {
                Some(i) => drop[i as usize] = true,
                None => {
                    if !missing.contains(n) {
                        missing.push(n.clone());
                    }
                }
            }
        }
        self.retain_rows(|a, b| !drop[a as usize] && !drop[b as usize]);
        self.compact();
        missing
    }

    /// Drop, in one pass, every model with fewer than `min_battles` battles (Σ count over the
    /// rows it appears in) and the rows that involve it, then [`compact`](Self::compact).
    /// Not repeated: a model pushed below the threshold by the removal stays (as LMArena's
    /// one-pass filter does). Returns the dropped models with their battle counts, in id order.
    pub fn drop_models_below(&mut self, min_battles: f64) -> Vec<(String, f64)> {
        let n = self.battles_per_model();
        let drop: Vec<bool> = n.iter().map(|&c| c < min_battles).collect();
        let dropped: Vec<(String, f64)> = self
            .models
            .iter()
            .zip(&n)
            .zip(&drop)
            .filter(|(_, d)| **d)
            .map(|((m, &c), _)| (m.clone(), c))
            .collect();
        if !dropped.is_empty() {
            self.retain_rows(|a, b| !drop[a as usize] && !drop[b as usize]);
        }
        self.compact();
        dropped
    }

    /// `--exclude` then `--min-battles`, as `versus rank` and the Python package apply them:
    /// drops the named models, then repeats [`drop_models_below`](Self::drop_models_below)
    /// until every model left has at least `min_battles` battles among the models left
    /// (dropping a model lowers its opponents' counts). `min_battles = 0` keeps every model.
    pub fn remove_models(&mut self, exclude: &[String], min_battles: f64) -> RemovedModels {
        let missing = self.exclude_models(exclude);
        let mut dropped = Vec::new();
        if min_battles > 0.0 {
            loop {
                let round = self.drop_models_below(min_battles);
                if round.is_empty() {
                    break;
                }
                dropped.extend(round);
            }
        }
        // Both steps compact already (model ids change), so no pass is needed here.
        let excluded = exclude
            .iter()
            .filter(|e| !missing.contains(e))
            .cloned()
            .collect();
        RemovedModels {
            excluded,
            missing,
            dropped,
        }
    }

    /// Keep the rows for which `keep(model_a, model_b)` holds.
    fn retain_rows(&mut self, keep: impl Fn(u32, u32) -> bool) {
        let mut w = 0;
        for r in 0..self.len() {
            if keep(self.model_a[r], self.model_b[r]) {
                self.model_a[w] = self.model_a[r];
                self.model_b[w] = self.model_b[r];
                self.winner[w] = self.winner[r];
                self.count[w] = self.count[r];
                self.weight[w] = self.weight[r];
                self.tstamp[w] = self.tstamp[r];
                if let Some(s) = &mut self.style {
                    s[w] = s[r];
                }
                w += 1;
            }
        }
        self.model_a.truncate(w);
        self.model_b.truncate(w);
        self.winner.truncate(w);
        self.count.truncate(w);
        self.weight.truncate(w);
        self.tstamp.truncate(w);
        if let Some(s) = &mut self.style {
            s.truncate(w);
        }
    }

    /// Remove model names no row uses and re-number ids, keeping the models' relative order.
    pub fn compact(&mut self) {
        let mut used = vec![false; self.models.len()];
        for (&a, &b) in self.model_a.iter().zip(&self.model_b) {
            used[a as usize] = true;
            used[b as usize] = true;
        }
        if used.iter().all(|&u| u) {
            return;
        }
        let mut new_id = vec![u32::MAX; self.models.len()];
        let mut next = 0u32;
        for (i, &u) in used.iter().enumerate() {
            if u {
                new_id[i] = next;
                next += 1;
            }
        }
        let old = std::mem::take(&mut self.models);
        self.models = old
            .into_iter()
            .zip(&used)
            .filter(|(_, u)| **u)
            .map(|(m, _)| m)
            .collect();
        for a in &mut self.model_a {
            *a = new_id[*a as usize];
        }
        for b in &mut self.model_b {
            *b = new_id[*b as usize];
        }
    }

    /// Append `other`, re-interning its names into this set's ids. Style counts survive only if
    /// both sides have them (an empty side does not count against it).
    pub fn append(&mut self, other: BattleSet) {
        if other.is_empty() && other.models.is_empty() {
            self.aggregated |= other.aggregated;
            return;
        }
        let self_empty = self.is_empty();
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        for (i, m) in self.models.iter().enumerate() {
            index.insert(m.as_str(), i as u32);
        }
        let mut map = Vec::with_capacity(other.models.len());
        let mut new_names = Vec::new();
        let base = self.models.len() as u32;
        for m in &other.models {
            match index.get(m.as_str()) {
                Some(&i) => map.push(i),
                None => {
                    map.push(base + new_names.len() as u32);
                    new_names.push(m.clone());
                }
            }
        }
        drop(index);
        self.models.extend(new_names);
        self.model_a
            .extend(other.model_a.iter().map(|&a| map[a as usize]));
        self.model_b
            .extend(other.model_b.iter().map(|&b| map[b as usize]));
        self.winner.extend(other.winner);
        self.count.extend(other.count);
        self.weight.extend(other.weight);
        self.tstamp.extend(other.tstamp);
        self.style = match (self.style.take(), other.style) {
            (Some(mut a), Some(b)) => {
                a.extend(b);
                Some(a)
            }
            (None, Some(b)) if self_empty => Some(b),
            (Some(a), None) if other.model_a.is_empty() => Some(a),
            _ => None,
        };
        self.aggregated |= other.aggregated;
    }
}

/// Fills a [`BattleSet`] with hash-map interning: one lookup per name per row and no
/// allocation for names already seen.
pub(crate) struct Builder {
    pub set: BattleSet,
    ids: FxHashMap<Box<str>, u32>,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            set: BattleSet {
                style: Some(Vec::new()),
                ..BattleSet::default()
            },
            ids: FxHashMap::default(),
        }
    }

    #[inline]
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.set.models.len() as u32;
        self.set.models.push(name.to_owned());
        self.ids.insert(name.into(), id);
        id
    }

    /// Append a row; `style: None` turns the set's style off for good.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        a: u32,
        b: u32,
        winner: Winner,
        count: f64,
        weight: f64,
        tstamp: f64,
        style: Option<StyleCounts>,
    ) {
        self.set.model_a.push(a);
        self.set.model_b.push(b);
        self.set.winner.push(winner);
        self.set.count.push(count);
        self.set.weight.push(weight);
        self.set.tstamp.push(tstamp);
        match (style, &mut self.set.style) {
            (Some(s), Some(v)) => v.push(s),
            (None, Some(_)) => self.set.style = None,
            _ => {}
        }
    }

    /// Names are interned before a row's filters are decided, so drop the unused ones.
    pub fn finish(mut self) -> BattleSet {
        self.set.compact();
        self.set
    }
}
