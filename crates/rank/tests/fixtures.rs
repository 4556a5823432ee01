//! The rating math against the reference fixtures (`testdata/reference/`, see its SOURCES.md): exact
//! Bradley–Terry, arena-rank's sandwich, style control and FastChat's online Elo.

use std::path::PathBuf;

use serde_json::Value;
use versus_rank::{
    Comparisons, IntervalMethod, RatingOptions, StyleData, StyleOptions, TieHandling, bt, elo,
    rate, rate_with_style,
};

struct Fixture {
    name: String,
    competitors: Vec<String>,
    a: Vec<u32>,
    b: Vec<u32>,
    outcome: Vec<f64>,
    /// tokens, header, bold, list (arena-rank's order), each (side a, side b).
    style: Vec<(Vec<f64>, Vec<f64>)>,
    expected: Value,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/reference")
}

fn load(name: &str) -> Fixture {
    let dir = fixtures_dir().join(name);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let competitors: Vec<String> = expected["competitors"]
        .as_array()
        .expect("competitors")
        .iter()
        .map(|v| v.as_str().expect("name").to_string())
        .collect();
    let text = std::fs::read_to_string(dir.join("battles.csv")).expect("battles.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .unwrap_or_else(|| panic!("column {n}"))
    };
    let (ca, cb, cw) = (col("model_a"), col("model_b"), col("winner"));
    let style_cols: Vec<(usize, usize)> = [
        "sum_assistant_tokens",
        "header_count",
        "bold_count",
        "list_count",
    ]
    .iter()
    .map(|f| (col(&format!("{f}_a")), col(&format!("{f}_b"))))
    .collect();
    let index = |n: &str| {
        competitors
            .iter()
            .position(|c| c == n)
            .expect("known model") as u32
    };
    let mut fx = Fixture {
        name: name.into(),
        a: vec![],
        b: vec![],
        outcome: vec![],
        style: vec![(vec![], vec![]); 4],
        competitors: competitors.clone(),
        expected,
    };
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        fx.a.push(index(f[ca]));
        fx.b.push(index(f[cb]));
        fx.outcome.push(match f[cw] {
            "model_a" => 1.0,
            "model_b" => 0.0,
            "tie" | "tie (bothbad)" | "both_bad" => 0.5,
            other => panic!("label {other}"),
        });
        for (k, &(x, y)) in style_cols.iter().enumerate() {
            fx.style[k].0.push(f[x].parse().expect("count"));
            fx.style[k].1.push(f[y].parse().expect("count"));
        }
    }
    fx
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

const FIXTURES: [&str; 2] = ["synthetic-12x5000", "synthetic-60x100000"];

fn comparisons<'a>(fx: &'a Fixture, ones: &'a [f64]) -> Comparisons<'a> {
    Comparisons {
        n_models: fx.competitors.len(),
        model_a: &fx.a,
        model_b: &fx.b,
        outcome: &fx.outcome,
        count: ones,
        weight: ones,
    }
}

#[test]
fn exact_bradley_terry_and_sandwich_match_to_1e_6() {
    for name in FIXTURES {
        let fx = load(name);
        let ones = vec![1.0; fx.a.len()];
        let board = rate(&comparisons(&fx, &ones), &RatingOptions::default()).expect("fit");
        assert!(board.converged, "{name}: not converged");
        let ours: Vec<f64> = board.models.iter().map(|m| m.rating).collect();
        let d = max_abs_diff(&ours, &floats(&fx.expected["bt_exact"]["ratings"]));
        assert!(d < 1e-6, "{name}: bt_exact max diff {d}");
        let sw = &fx.expected["bt_sandwich_exact"];
        let lower: Vec<f64> = board.models.iter().map(|m| m.lower).collect();
        let upper: Vec<f64> = board.models.iter().map(|m| m.upper).collect();
        let var: Vec<f64> = board.models.iter().map(|m| m.variance).collect();
        for (label, ours, theirs) in [
            ("lower", &lower, "rating_lower"),
            ("upper", &upper, "rating_upper"),
            ("variance", &var, "variances"),
        ] {
            let d = max_abs_diff(ours, &floats(&sw[theirs]));
            assert!(d < 1e-6, "{name}: sandwich {label} max diff {d}");
        }
        // arena-rank's own output differs only by its optimiser's early stop (~0.07 Elo here).
        let d = max_abs_diff(&ours, &floats(&fx.expected["arena_rank_bt"]["ratings"]));
        assert!(d < 0.1, "{name}: vs arena-rank output {d}");
        eprintln!("{name}: exact BT ok; max |versus − arena-rank| = {d:.4} Elo");
    }
}

#[test]
fn style_control_matches_exact_optimum_to_1e_6() {
    for name in FIXTURES {
        let fx = load(name);
        let ones = vec![1.0; fx.a.len()];
        let data = StyleData::new(
            fx.competitors.len(),
            &fx.a,
            &fx.b,
            &fx.outcome,
            &ones,
            &fx.style,
            &StyleOptions::default(),
        )
        .expect("data");
        let board = rate_with_style(&data, &StyleOptions::default(), &RatingOptions::default())
            .expect("fit");
        assert!(board.converged);
        let ours: Vec<f64> = board.models.iter().map(|m| m.rating).collect();
        let d = max_abs_diff(&ours, &floats(&fx.expected["style_exact"]["ratings"]));
        assert!(d < 1e-6, "{name}: style ratings max diff {d}");
        let coefs: Vec<f64> = board
            .style_coefficients
            .as_ref()
            .expect("coefs")
            .iter()
            .map(|c| c.value)
            .collect();
        let d = max_abs_diff(&coefs, &floats(&fx.expected["style_exact"]["coeffs"]));
        assert!(d < 1e-6, "{name}: style coefficients max diff {d}");
        // arena-rank's own output (its L-BFGS stops early): ratings and sandwich bounds within ~0.2 Elo.
        let ar = &fx.expected["arena_rank_style"];
        let d = max_abs_diff(&ours, &floats(&ar["ratings"]));
        assert!(d < 0.25, "{name}: style vs arena-rank {d}");
        let lower: Vec<f64> = board.models.iter().map(|m| m.lower).collect();
        let upper: Vec<f64> = board.models.iter().map(|m| m.upper).collect();
        let dl = max_abs_diff(&lower, &floats(&ar["rating_lower"]));
        let du = max_abs_diff(&upper, &floats(&ar["rating_upper"]));
        assert!(
            dl < 0.3 && du < 0.3,
            "{name}: style sandwich bounds vs arena-rank {dl} {du}"
        );
        eprintln!("{name}: style ok; vs arena-rank ratings {d:.4}, bounds {dl:.4}/{du:.4}");
    }
}

#[test]
fn online_elo_matches_fastchat_to_1e_9() {
    for name in FIXTURES {
        let fx = load(name);
        let ours = elo::online_elo(
            fx.competitors.len(),
            &fx.a,
            &fx.b,
            &fx.outcome,
            elo::EloConfig::default(),
        );
        let d = max_abs_diff(&ours, &floats(&fx.expected["online_elo"]["ratings"]));
        assert!(d < 1e-9, "{name}: online Elo max diff {d}");
    }
}

#[test]
fn bootstrap_and_sandwich_half_widths_agree_within_15_percent() {
    for name in FIXTURES {
        let fx = load(name);
        let ones = vec![1.0; fx.a.len()];
        let c = comparisons(&fx, &ones);
        let sandwich = rate(&c, &RatingOptions::default()).expect("sandwich");
        let boot = rate(
            &c,
            &RatingOptions {
                intervals: IntervalMethod::Bootstrap {
                    rounds: 400,
                    seed: 7,
                },
                ..Default::default()
            },
        )
        .expect("bootstrap");
        assert_eq!(sandwich.models.len(), fx.competitors.len());
        assert_eq!(boot.models.len(), fx.competitors.len());
        let mut worst: f64 = 0.0;
        for (s, b) in sandwich.models.iter().zip(&boot.models) {
            let hs = (s.upper - s.lower) / 2.0;
            let hb = (b.upper - b.lower) / 2.0;
            worst = worst.max((hb / hs - 1.0).abs());
        }
        assert!(
            worst < 0.15,
            "{name}: worst relative half-width difference {worst}"
        );
        eprintln!(
            "{name}: bootstrap vs sandwich half-widths within {:.1}%",
            worst * 100.0
        );
    }
}

#[test]
fn ties_drop_and_reweighting_change_the_fit_as_documented() {
    let fx = load("synthetic-12x5000");
    let ones = vec![1.0; fx.a.len()];
    let c = comparisons(&fx, &ones);
    let half = versus_rank::RowTable::build(&c, TieHandling::Half, None).expect("table");
    let drop = versus_rank::RowTable::build(&c, TieHandling::Drop, None).expect("table");
    let ties = fx.outcome.iter().filter(|&&o| o == 0.5).count() as f64;
    assert!(ties > 0.0, "the fixture has ties");
    assert_eq!(half.battles() - drop.battles(), ties);
    // Dropping the ties changes the fit (ties count as half a win each otherwise).
    let dropped = bt::fit(&drop).expect("fit");
    // Reweighting with a minimum pair count larger than any pair's count is a constant factor:
    // the optimum is unchanged, only the sandwich ridge switches from 1e-5·N to 1e-5.
    let rw = versus_rank::RowTable::build(&c, TieHandling::Half, Some(1e9)).expect("table");
    let f1 = bt::fit(&half).expect("fit");
    let f2 = bt::fit(&rw).expect("fit");
    assert!(max_abs_diff(&f1.theta, &f2.theta) < 1e-9);
    let moved = max_abs_diff(&f1.theta, &dropped.theta);
    assert!(
        moved > 1e-3,
        "dropping ties left the fit unchanged ({moved})"
    );
    assert!(!rw.unit_weights && half.unit_weights);
    let _ = fx.name;
}

#[test]
fn oriented_table_keeps_the_pair_statistics() {
    let fx = load("synthetic-12x5000");
    let ones = vec![1.0; fx.a.len()];
    let table = versus_rank::RowTable::build(&comparisons(&fx, &ones), TieHandling::Half, None)
        .expect("table");
    let oriented = table.oriented().expect("unit weights merge");
    assert!(oriented.len() < table.len());
    assert_eq!(oriented.battles(), table.battles());
    assert!(
        oriented
            .model_a
            .iter()
            .zip(&oriented.model_b)
            .all(|(a, b)| a < b)
    );
    let (f1, f2) = (
        bt::fit(&table).expect("fit"),
        bt::fit(&oriented).expect("fit"),
    );
    assert!(max_abs_diff(&f1.theta, &f2.theta) < 1e-12);
    let (s1, s2) = (
        bt::sandwich_variances(&table, &f1),
        bt::sandwich_variances(&oriented, &f2),
    );
    assert!(max_abs_diff(&s1, &s2) < 1e-12);
}
