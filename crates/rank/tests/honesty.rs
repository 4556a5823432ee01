//! Do the intervals mean what they say? Seeded simulations from known ratings; plus the
//! identifiability diagnostics and thread-count independence.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use versus_rank::{
    Comparisons, IntervalMethod, RankError, RatingOptions, StyleData, StyleOptions, rate,
    rate_with_style,
};

const ALPHA: f64 = versus_rank::ELO_PER_LOGIT;

/// Battles between `truth.len()` models with uniformly drawn pairs and Bradley–Terry outcomes.
fn simulate(truth: &[f64], n: usize, rng: &mut ChaCha8Rng) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
    let m = truth.len();
    let (mut a, mut b, mut o) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    while a.len() < n {
        let i = rng.random_range(0..m);
        let j = rng.random_range(0..m);
        if i == j {
            continue;
        }
        let p = 1.0 / (1.0 + (-(truth[i] - truth[j]) / ALPHA).exp());
        a.push(i as u32);
        b.push(j as u32);
        o.push(if rng.random::<f64>() < p { 1.0 } else { 0.0 });
    }
    (a, b, o)
}

fn truth(m: usize) -> Vec<f64> {
    // Elo ratings spread over 300 points, mean exactly 1000 (the fit's gauge).
    (0..m)
        .map(|i| 1000.0 + 300.0 * (i as f64 / (m - 1) as f64 - 0.5))
        .collect()
}

fn coverage(method: IntervalMethod, sims: usize, n: usize, seed: u64) -> f64 {
    let t = truth(8);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut covered, mut total) = (0usize, 0usize);
    for s in 0..sims {
        let (a, b, o) = simulate(&t, n, &mut rng);
        let ones = vec![1.0; a.len()];
        let c = Comparisons {
            n_models: t.len(),
            model_a: &a,
            model_b: &b,
            outcome: &o,
            count: &ones,
            weight: &ones,
        };
        let method = match method {
            IntervalMethod::Bootstrap { rounds, .. } => IntervalMethod::Bootstrap {
                rounds,
                seed: 1000 + s as u64,
            },
            other => other,
        };
        let board = rate(
            &c,
            &RatingOptions {
                intervals: method,
                ..Default::default()
            },
        )
        .expect("fit");
        for (m, truth) in board.models.iter().zip(&t) {
            total += 1;
            covered += usize::from(m.lower <= *truth && *truth <= m.upper);
        }
    }
    assert_eq!(
        total,
        sims * t.len(),
        "every model of every simulation is checked"
    );
    covered as f64 / total as f64
}

#[test]
fn sandwich_intervals_cover_95_percent() {
    let c = coverage(IntervalMethod::Sandwich, 400, 3000, 11);
    eprintln!("sandwich 95% coverage: {:.2}%", 100.0 * c);
    assert!((0.93..=0.97).contains(&c), "sandwich coverage {c}");
}

#[test]
fn bootstrap_intervals_cover_95_percent() {
    let c = coverage(
        IntervalMethod::Bootstrap {
            rounds: 200,
            seed: 0,
        },
        250,
        3000,
        12,
    );
    eprintln!("bootstrap 95% coverage: {:.2}%", 100.0 * c);
    assert!((0.93..=0.97).contains(&c), "bootstrap coverage {c}");
}

#[test]
fn a_model_that_never_lost_is_named_not_rated() {
    // 0 beats 1 and 2 every time; 1 and 2 trade wins.
    let a = [0u32, 0, 1, 2, 1];
    let b = [1u32, 2, 2, 1, 0];
    let o = [1.0, 1.0, 1.0, 1.0, 0.0];
    let ones = [1.0; 5];
    let c = Comparisons {
        n_models: 3,
        model_a: &a,
        model_b: &b,
        outcome: &o,
        count: &ones,
        weight: &ones,
    };
    match rate(&c, &RatingOptions::default()) {
        Err(RankError::InfiniteRatings {
            never_lost,
            never_won,
        }) => {
            assert_eq!(never_lost, vec![vec![0]]);
            assert_eq!(never_won, vec![vec![1, 2]]);
            let names: Vec<String> = ["alpha", "beta", "gamma"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let text = RankError::InfiniteRatings {
                never_lost,
                never_won,
            }
            .describe(&names);
            assert!(
                text.contains("never lost to any model outside the group: alpha"),
                "{text}"
            );
        }
        other => panic!("expected InfiniteRatings, got {other:?}"),
    }
    // A tie against the rest makes the estimate finite again.
    let o2 = [1.0, 0.5, 1.0, 1.0, 0.0];
    let c2 = Comparisons { outcome: &o2, ..c };
    let board = rate(&c2, &RatingOptions::default()).expect("finite after a tie");
    assert_eq!(board.models.len(), 3);
    for m in &board.models {
        assert!(
            m.rating.is_finite() && m.lower.is_finite() && m.upper.is_finite(),
            "{m:?}"
        );
    }
}

#[test]
fn a_disconnected_graph_is_reported_with_its_groups() {
    let a = [0u32, 1, 2, 3];
    let b = [1u32, 0, 3, 2];
    let o = [1.0, 1.0, 1.0, 1.0];
    let ones = [1.0; 4];
    let c = Comparisons {
        n_models: 4,
        model_a: &a,
        model_b: &b,
        outcome: &o,
        count: &ones,
        weight: &ones,
    };
    assert_eq!(
        rate(&c, &RatingOptions::default()),
        Err(RankError::Disconnected {
            components: vec![vec![0, 1], vec![2, 3]]
        })
    );
}

#[test]
fn bootstrap_is_identical_for_any_thread_count() {
    let t = truth(6);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (a, b, o) = simulate(&t, 4000, &mut rng);
    let ones = vec![1.0; a.len()];
    let c = Comparisons {
        n_models: t.len(),
        model_a: &a,
        model_b: &b,
        outcome: &o,
        count: &ones,
        weight: &ones,
    };
    let options = RatingOptions {
        intervals: IntervalMethod::Bootstrap {
            rounds: 64,
            seed: 3,
        },
        ..Default::default()
    };
    let style_counts: Vec<(Vec<f64>, Vec<f64>)> = (0..2)
        .map(|k| {
            (
                (0..a.len()).map(|r| ((r * 7 + k) % 13) as f64).collect(),
                (0..a.len()).map(|r| ((r * 5 + k) % 11) as f64).collect(),
            )
        })
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let bt = rate(&c, &options).expect("bt");
            let data = StyleData::new(
                t.len(),
                &a,
                &b,
                &o,
                &ones,
                &style_counts,
                &StyleOptions::default(),
            )
            .expect("data");
            let st = rate_with_style(&data, &StyleOptions::default(), &options).expect("style");
            (bt, st)
        })
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(format!("{one:?}"), format!("{four:?}"));
    // And a different seed gives different bounds (the seed is really used).
    let other = rate(
        &c,
        &RatingOptions {
            intervals: IntervalMethod::Bootstrap {
                rounds: 64,
                seed: 4,
            },
            ..Default::default()
        },
    )
    .expect("bt");
    assert_ne!(format!("{:?}", one.0.models), format!("{:?}", other.models));
}
