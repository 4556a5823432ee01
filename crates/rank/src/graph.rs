//! When does the Bradley–Terry maximum-likelihood estimate exist? Exactly when the directed
//! "beat" graph (an edge i→j when i has any win, or half-win from a tie, over j) is strongly
//! connected (Zermelo 1929; Ford 1957). Otherwise some group's ratings run off to ±∞ and any
//! printed number is an artefact of where the optimiser stopped.

use crate::RankError;
use crate::data::PairStats;

/// Ok when the maximum-likelihood ratings exist; otherwise which models break it.
pub fn check_identifiable(n_models: usize, stats: &PairStats) -> Result<(), RankError> {
    let mut beats: Vec<Vec<usize>> = vec![Vec::new(); n_models];
    let mut undirected: Vec<Vec<usize>> = vec![Vec::new(); n_models];
    for (k, &(i, j)) in stats.pairs.iter().enumerate() {
        let (i, j) = (i as usize, j as usize);
        let (total, wins) = (stats.total[k], stats.wins[k]);
        if total <= 0.0 {
            continue;
        }
        undirected[i].push(j);
        undirected[j].push(i);
        if wins > 0.0 {
            beats[i].push(j);
        }
        if total - wins > 0.0 {
            beats[j].push(i);
        }
    }
    let components = connected_components(&undirected);
    if components.len() > 1 {
        return Err(RankError::Disconnected { components });
    }
    let scc = strongly_connected_components(&beats);
    let n_scc = scc.iter().max().map_or(0, |m| m + 1);
    if n_scc <= 1 {
        return Ok(());
    }
    let mut beaten_from_outside = vec![false; n_scc];
    let mut beat_outside = vec![false; n_scc];
    for (i, out) in beats.iter().enumerate() {
        for &j in out {
            if scc[i] != scc[j] {
                beat_outside[scc[i]] = true;
                beaten_from_outside[scc[j]] = true;
            }
        }
    }
    let members = |c: usize| (0..n_models).filter(|&i| scc[i] == c).collect::<Vec<_>>();
    let never_lost = (0..n_scc)
        .filter(|&c| !beaten_from_outside[c])
        .map(members)
        .collect();
    let never_won = (0..n_scc)
        .filter(|&c| !beat_outside[c])
        .map(members)
        .collect();
    Err(RankError::InfiniteRatings {
        never_lost,
        never_won,
    })
}

/// Components of an undirected graph, each sorted, ordered by their smallest member.
fn connected_components(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut stack = vec![s];
        let mut comp = Vec::new();
        while let Some(v) = stack.pop() {
            comp.push(v);
            for &w in &adj[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        comp.sort_unstable();
        out.push(comp);
    }
    out
}

/// Component id of every vertex (Kosaraju's algorithm, iterative).
fn strongly_connected_components(adj: &[Vec<usize>]) -> Vec<usize> {
    let n = adj.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut stack = vec![(s, 0usize)];
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < adj[v].len() {
                let w = adj[v][*next];
                *next += 1;
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
                stack.pop();
            }
        }
    }
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, out) in adj.iter().enumerate() {
        for &w in out {
            reverse[w].push(v);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut next_id = 0;
    for &s in order.iter().rev() {
        if comp[s] != usize::MAX {
            continue;
        }
        comp[s] = next_id;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for &w in &reverse[v] {
                if comp[w] == usize::MAX {
                    comp[w] = next_id;
                    stack.push(w);
                }
            }
        }
        next_id += 1;
    }
    comp
}
