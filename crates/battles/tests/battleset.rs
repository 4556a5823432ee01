//! BattleSet operations used by the CLI: exclusion, minimum battles, compaction, append.

use versus_battles::{BattleSet, StyleCounts, Winner};

fn st(x: f64) -> Option<StyleCounts> {
    Some(StyleCounts {
        tokens: [x, x],
        header: [0.0; 2],
        list: [0.0; 2],
        bold: [0.0; 2],
    })
}

fn sample() -> BattleSet {
    let mut s = BattleSet::default();
    s.push("a", "b", Winner::ModelA, 1.0, 1.0, 1.0, st(1.0));
    s.push("b", "c", Winner::Tie, 1.0, 1.0, 2.0, st(2.0));
    s.push("c", "a", Winner::ModelB, 3.0, 1.0, 3.0, st(3.0));
    s.push("a", "d", Winner::BothBad, 1.0, 1.0, 4.0, st(4.0));
    s
}

#[test]
fn totals_and_counts() {
    let s = sample();
    assert_eq!(s.len(), 4);
    assert_eq!(s.total_battles(), 6.0);
    assert_eq!(s.models, ["a", "b", "c", "d"]);
    assert_eq!(s.battles_per_model(), [5.0, 2.0, 4.0, 1.0]);
    assert_eq!(s.style.as_ref().map(Vec::len), Some(4));
}

#[test]
fn exclude_models_drops_rows_and_reports_unknown_names() {
    let mut s = sample();
    let missing = s.exclude_models(&["b".into(), "zzz".into()]);
    assert_eq!(missing, ["zzz"]);
    assert_eq!(s.len(), 2);
    assert_eq!(s.models, ["a", "c", "d"], "compacted, relative order kept");
    assert_eq!(s.model_a, [1, 0]);
    assert_eq!(s.model_b, [0, 2]);
    assert_eq!(s.tstamp, [3.0, 4.0]);
    assert_eq!(
        s.style.as_ref().map(|v| v[0].tokens[0]),
        Some(3.0),
        "style rows move with their battles"
    );
}

#[test]
fn drop_models_below_is_one_pass_by_count() {
    let mut s = sample();
    let dropped = s.drop_models_below(2.0);
    assert_eq!(dropped, [("d".to_string(), 1.0)]);
    assert_eq!(s.models, ["a", "b", "c"]);
    assert_eq!(s.total_battles(), 5.0);
    // After removing d, a has 4 battles; nothing else falls below 2 here, but with a threshold
    // of 4.5 only models below it *before* the pass go.
    let mut s = sample();
    let dropped: Vec<String> = s
        .drop_models_below(4.5)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(dropped, ["b", "c", "d"]);
    assert!(s.is_empty());
    assert!(s.models.is_empty());
}

#[test]
fn compact_renumbers_unused_models_away() {
    let mut s = sample();
    s.models.push("unused".into());
    s.models.insert(0, "ghost".into());
    for x in s.model_a.iter_mut().chain(s.model_b.iter_mut()) {
        *x += 1;
    }
    s.compact();
    assert_eq!(s.models, ["a", "b", "c", "d"]);
    assert_eq!(s.model_a, [0, 1, 2, 0]);
}

#[test]
fn append_reinterns_and_merges_style() {
    let mut s = sample();
    let mut t = BattleSet::default();
    t.push("d", "e", Winner::ModelA, 1.0, 2.0, f64::NAN, st(9.0));
    t.push("b", "a", Winner::ModelB, 1.0, 1.0, 5.0, st(8.0));
    s.append(t);
    assert_eq!(s.models, ["a", "b", "c", "d", "e"]);
    assert_eq!(&s.model_a[4..], [3, 1]);
    assert_eq!(&s.model_b[4..], [4, 0]);
    assert_eq!(s.style.as_ref().map(Vec::len), Some(6));
    assert_eq!(s.weight[4], 2.0);

    // Appending rows without style turns style off; an aggregated source marks the set.
    let mut u = BattleSet::default();
    u.push("a", "e", Winner::Tie, 10.0, 1.0, f64::NAN, None);
    u.aggregated = true;
    s.append(u);
    assert!(s.style.is_none());
    assert!(s.aggregated);
    assert_eq!(s.total_battles(), 18.0);

    // Appending into an empty set keeps the other's style.
    let mut e = BattleSet::default();
    e.append(sample());
    assert_eq!(e.style.as_ref().map(Vec::len), Some(4));
    e.append(BattleSet::default());
    assert_eq!(e.style.as_ref().map(Vec::len), Some(4));
}
