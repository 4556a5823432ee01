//! The reference fixtures' battles.csv files read completely and exactly: every row is checked
//! against an independent plain-text split of the same file.

mod common;

use versus_battles::{BattleSet, Format, ReadOptions, Winner, read_file};

fn check_fixture(dir: &str, rows: usize, models: usize) -> BattleSet {
    let path = common::testdata(&format!("reference/{dir}/battles.csv"));
    let set = read_file(&path, &ReadOptions::default()).expect("fixture reads");
    assert_eq!(set.len(), rows);
    assert_eq!(set.models.len(), models);
    assert_eq!(set.total_battles(), rows as f64);
    assert!(!set.aggregated);
    assert!(set.weight.iter().all(|&w| w == 1.0));
    let style = set.style.as_ref().expect("fixtures carry style counts");
    assert_eq!(style.len(), rows);

    let text = std::fs::read_to_string(&path).expect("read raw");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (ta, ma, mb, w) = (col("tstamp"), col("model_a"), col("model_b"), col("winner"));
    let s = |n: &str| col(n);
    let mut winners = [0usize; 4];
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let num = |c: usize| f[c].parse::<f64>().expect("number");
        assert_eq!(
            set.models[set.model_a[i] as usize], f[ma],
            "row {i} model_a"
        );
        assert_eq!(
            set.models[set.model_b[i] as usize], f[mb],
            "row {i} model_b"
        );
        let expected = match f[w] {
            "model_a" => Winner::ModelA,
            "model_b" => Winner::ModelB,
            "tie" => Winner::Tie,
            "tie (bothbad)" | "both_bad" => Winner::BothBad,
            other => panic!("unexpected label {other}"),
        };
        assert_eq!(set.winner[i], expected, "row {i} winner");
        winners[expected as usize] += 1;
        assert_eq!(set.tstamp[i], num(ta), "row {i} tstamp");
        let st = style[i];
        assert_eq!(
            st.tokens,
            [
                num(s("sum_assistant_tokens_a")),
                num(s("sum_assistant_tokens_b"))
            ],
            "row {i}"
        );
        assert_eq!(
            st.header,
            [num(s("header_count_a")), num(s("header_count_b"))],
            "row {i}"
        );
        assert_eq!(
            st.list,
            [num(s("list_count_a")), num(s("list_count_b"))],
            "row {i}"
        );
        assert_eq!(
            st.bold,
            [num(s("bold_count_a")), num(s("bold_count_b"))],
            "row {i}"
        );
    }
    // Every outcome occurs, and the reader's tally matches the text's.
    assert!(winners.iter().all(|&n| n > 0), "{winners:?}");
    assert_eq!(
        winners.iter().sum::<usize>(),
        rows,
        "every row of the text was compared"
    );
    for (k, wv) in [Winner::ModelA, Winner::ModelB, Winner::Tie, Winner::BothBad]
        .iter()
        .enumerate()
    {
        assert_eq!(set.winner.iter().filter(|x| *x == wv).count(), winners[k]);
    }
    set
}

#[test]
fn fixture_12x5000() {
    let set = check_fixture("synthetic-12x5000", 5000, 12);
    // Spot checks against the raw text (lines 2 and 3 of the file).
    assert_eq!(set.models[set.model_a[0] as usize], "model-011");
    assert_eq!(set.models[set.model_b[0] as usize], "model-010");
    assert_eq!(set.winner[0], Winner::Tie);
    let st = set.style.as_ref().map(|s| s[0]).expect("style");
    assert_eq!(
        (st.tokens, st.header, st.list, st.bold),
        ([368.0, 384.0], [0.0, 1.0], [0.0, 1.0], [4.0, 26.0])
    );
    assert_eq!(set.tstamp[1], 1_700_000_037.0);
    assert_eq!(set.winner[1], Winner::ModelA);
    // Ids in order of first appearance.
    assert_eq!(&set.models[..2], ["model-011", "model-010"]);
    assert_eq!(
        set.winner.iter().filter(|w| **w == Winner::BothBad).count(),
        189
    );
}

#[test]
fn fixture_60x100000() {
    let set = check_fixture("synthetic-60x100000", 100_000, 60);
    assert_eq!(set.models[set.model_a[1] as usize], "model-027");
    assert_eq!(set.winner[1], Winner::ModelB);
    let st = set.style.as_ref().map(|s| s[0]).expect("style");
    assert_eq!((st.tokens, st.bold), ([675.0, 580.0], [0.0, 11.0]));
}

#[test]
fn explicit_format_and_read_files_append() {
    let p = common::testdata("reference/synthetic-12x5000/battles.csv");
    let opts = ReadOptions {
        format: Some(Format::Csv),
        ..ReadOptions::default()
    };
    let both = versus_battles::read_files(&[p.clone(), p], &opts).expect("reads");
    assert_eq!(both.len(), 10_000);
    assert_eq!(both.models.len(), 12, "names re-interned, not duplicated");
    assert_eq!(both.model_a[0], both.model_a[5000]);
    assert_eq!(both.style.as_ref().map(Vec::len), Some(10_000));
}
