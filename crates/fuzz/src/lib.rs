//! Seeded mutation fuzzing for versus' input readers, on stable Rust and without a fuzzing
//! engine: the real fixture files of the repository are mutated (byte flips, truncation,
//! splicing, duplicated/removed/swapped lines, field-level edits: empty, huge numbers, NaN,
//! unicode, wrong JSON types) and fed to a reader. Every case must end in `Ok` or an error; a
//! panic is caught, counted and reported with the seed and case index that reproduce it.
//!
//! Each case has its own RNG derived from `(seed, index)`, so one case replays without the ones
//! before it (`VERSUS_FUZZ_SEED`, `VERSUS_FUZZ_ONLY`). `VERSUS_FUZZ_CASES` sets the number of
//! cases per reader for longer runs.

#![forbid(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

pub use rand;

/// Cases per reader unless `VERSUS_FUZZ_CASES` says otherwise.
pub const DEFAULT_CASES: u64 = 100_000;
/// The base seed unless `VERSUS_FUZZ_SEED` says otherwise (fixed, so CI runs are repeatable).
pub const DEFAULT_SEED: u64 = 0x7665_7273_7573_0012;

/// Values a field is replaced with: empty, huge and non-finite numbers, odd unicode, the wrong
/// JSON type, separators, and values the readers give meaning to.
pub const TOKENS: &[&str] = &[
    "",
    "0",
    "-1",
    "-0",
    "00001",
    "1e309",
    "-1e309",
    "1e-400",
    "1.7976931348623157e308",
    "4.9e-324",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775809",
    "340282366920938463463374607431768211456",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1_000",
    "0x10",
    "null",
    "true",
    "false",
    "True",
    "[]",
    "{}",
    "[[]]",
    "[null]",
    "{\"a\":1}",
    "\"\"",
    "\"x\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\\",
    "\"",
    "'",
    ",",
    "\n",
    "\r\n",
    "\t",
    "=",
    "[",
    "{",
    "é",
    "模型",
    "🦀",
    "\u{202e}",
    "\u{feff}",
    "\u{0}",
    "2024-02-30",
    "9999-12-31T23:59:59Z",
    "1970-01-01",
    "0000-00-00",
    "-1000000-01-01",
    "model_a",
    "model_b",
    "tie",
    "tie (bothbad)",
    "both_bad",
];

/// A reader under test: gets the input and an RNG for its options.
pub type RunFn<'a> = dyn Fn(&[u8], &mut ChaCha8Rng) -> Outcome + Sync + 'a;
/// A builder of structurally valid inputs with field-level edits.
pub type BuildFn<'a> = dyn Fn(&mut ChaCha8Rng) -> Vec<u8> + Sync + 'a;

/// One fuzz target: its fixtures and the reader to run on a mutated input.
pub struct Target<'a> {
    pub name: &'a str,
    /// The starting inputs (real fixture files, or small excerpts of them).
    pub seeds: Vec<Vec<u8>>,
    /// The reader. `Err` carries the message it returned; the closure may check it is a clear
    /// one (names the file and place) and return [`Outcome::Unclear`] when not.
    pub run: &'a RunFn<'a>,
    /// For binary formats: builds a structurally valid file with field-level edits (used for
    /// half the cases; its output may be byte-mutated further).
    pub structured: Option<&'a BuildFn<'a>>,
}

/// What a reader did with one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok,
    Err,
    /// An error that does not say where (file, line, field): a finding like a panic.
    Unclear(String),
}

/// One finding: enough to replay it and the input that caused it (minimised).
#[derive(Debug, Clone)]
pub struct Finding {
    pub index: u64,
    pub message: String,
    pub input: Vec<u8>,
}

/// The counts of one run, for the closing note.
#[derive(Debug, Clone)]
pub struct Report {
    pub name: String,
    pub seed: u64,
    pub cases: u64,
    pub ok: u64,
    pub errors: u64,
    pub panics: Vec<Finding>,
    pub unclear: Vec<Finding>,
    pub elapsed: Duration,
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "fuzz {}: {} cases ({} ok, {} errors, {} panics, {} unclear errors) in {:.1} s, seed {:#x}",
            self.name,
            self.cases,
            self.ok,
            self.errors,
            self.panics.len(),
            self.unclear.len(),
            self.elapsed.as_secs_f64(),
            self.seed
        )
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

/// Cases per reader: `VERSUS_FUZZ_CASES`, or [`DEFAULT_CASES`].
pub fn cases() -> u64 {
    env_u64("VERSUS_FUZZ_CASES").unwrap_or(DEFAULT_CASES)
}

/// The base seed: `VERSUS_FUZZ_SEED`, or [`DEFAULT_SEED`].
pub fn seed() -> u64 {
    env_u64("VERSUS_FUZZ_SEED").unwrap_or(DEFAULT_SEED)
}

/// The RNG of case `index` under `seed` (SplitMix64 of both, so neighbouring cases differ).
pub fn case_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ChaCha8Rng::seed_from_u64(z ^ (z >> 31))
}

thread_local! {
    /// Set while a case runs on this thread: its panics are recorded, not printed.
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics inside fuzz cases and leaves every other
/// panic (a failing assertion) to the default hook.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(Cell::get) {
                let msg = match info.payload().downcast_ref::<&str>() {
                    Some(s) => (*s).to_string(),
                    None => match info.payload().downcast_ref::<String>() {
                        Some(s) => s.clone(),
                        None => "(non-string panic payload)".to_string(),
                    },
                };
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{place}")));
            } else {
                default(info);
            }
        }));
    });
}

/// Runs the reader on one input; `Err(message)` for a panic.
pub fn run_one(target: &Target<'_>, input: &[u8], rng: &mut ChaCha8Rng) -> Result<Outcome, String> {
    install_hook();
    IN_CASE.with(|c| c.set(true));
    LAST_PANIC.with(|p| p.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input, rng)));
    IN_CASE.with(|c| c.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "panic (message not captured: it happened on another thread)".into())
    })
}

/// The input of case `index`: a seed file mutated 1–4 times.
pub fn case_input(seeds: &[Vec<u8>], rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut data = seeds[rng.random_range(0..seeds.len())].clone();
    let rounds = 1 + rng.random_range(0..4u32).min(rng.random_range(0..4u32));
    for _ in 0..rounds {
        mutate(&mut data, seeds, rng);
    }
    data
}

/// Runs `cases` cases (or only case `VERSUS_FUZZ_ONLY`) and returns the counts; findings are
/// minimised.
pub fn run(target: &Target<'_>, cases: u64) -> Report {
    assert!(!target.seeds.is_empty(), "{}: no seed inputs", target.name);
    let seed = seed();
    let only = env_u64("VERSUS_FUZZ_ONLY");
    let indices: Box<dyn Iterator<Item = u64>> = match only {
        Some(i) => Box::new(std::iter::once(i)),
        None => Box::new(0..cases),
    };
    let started = Instant::now();
    let mut report = Report {
        name: target.name.to_string(),
        seed,
        cases: 0,
        ok: 0,
        errors: 0,
        panics: Vec::new(),
        unclear: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for index in indices {
        let mut rng = case_rng(seed, index);
        let input = match target.structured {
            Some(build) if rng.random_bool(0.5) => {
                let mut data = build(&mut rng);
                if rng.random_bool(0.3) {
                    mutate(&mut data, &target.seeds, &mut rng);
                }
                data
            }
            _ => case_input(&target.seeds, &mut rng),
        };
        let reader_seed: u64 = rng.random();
        report.cases += 1;
        match run_one(target, &input, &mut ChaCha8Rng::seed_from_u64(reader_seed)) {
            Ok(Outcome::Ok) => report.ok += 1,
            Ok(Outcome::Err) => report.errors += 1,
            Ok(Outcome::Unclear(message)) => {
                report.errors += 1;
                if report.unclear.len() < 5 {
                    let input = minimise(target, input, reader_seed, |o| {
                        matches!(o, Ok(Outcome::Unclear(_)))
                    });
                    report.unclear.push(Finding {
                        index,
                        message,
                        input,
                    });
                }
            }
            Err(message) => {
                if report.panics.len() < 5 {
                    let input = minimise(target, input, reader_seed, |o| o.is_err());
                    report.panics.push(Finding {
                        index,
                        message,
                        input,
                    });
                } else {
                    report.panics.push(Finding {
                        index,
                        message,
                        input: Vec::new(),
                    });
                }
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

/// Shrinks an input while `still` holds for it: removes chunks from large to single bytes
/// (a simple delta debugging), at most a few thousand reader runs.
fn minimise(
    target: &Target<'_>,
    mut input: Vec<u8>,
    reader_seed: u64,
    still: impl Fn(&Result<Outcome, String>) -> bool,
) -> Vec<u8> {
    let mut budget = 4000u32;
    let mut chunk = input.len().div_ceil(2).max(1);
    while chunk >= 1 && budget > 0 {
        let mut start = 0;
        let mut removed_any = false;
        while start < input.len() && budget > 0 {
            let end = (start + chunk).min(input.len());
            let mut candidate = input[..start].to_vec();
            candidate.extend_from_slice(&input[end..]);
            budget -= 1;
            if still(&run_one(
                target,
                &candidate,
                &mut ChaCha8Rng::seed_from_u64(reader_seed),
            )) {
                input = candidate;
                removed_any = true;
            } else {
                start += chunk;
            }
        }
        if chunk == 1 && !removed_any {
            break;
        }
        if !removed_any {
            chunk /= 2;
        }
    }
    input
}

/// Panics (failing the test) when the report has findings, printing how to replay them;
/// prints the counts either way.
pub fn assert_clean(report: &Report) {
    println!("{}", report.summary());
    // `VERSUS_FUZZ_DUMP=DIR`: the minimised inputs as files, to commit as regression cases.
    if let Ok(dir) = std::env::var("VERSUS_FUZZ_DUMP") {
        let _ = std::fs::create_dir_all(&dir);
        for f in report
            .panics
            .iter()
            .chain(&report.unclear)
            .filter(|f| !f.input.is_empty())
        {
            let name = format!("{}-{}.bin", report.name.replace(' ', "_"), f.index);
            let _ = std::fs::write(std::path::Path::new(&dir).join(name), &f.input);
        }
    }
    if report.panics.is_empty() && report.unclear.is_empty() {
        return;
    }
    let mut text = report.summary();
    for (kind, list) in [
        ("panic", &report.panics),
        ("unclear error", &report.unclear),
    ] {
        for f in list.iter().take(5) {
            text.push_str(&format!(
                "\n{kind} in case {} (replay: VERSUS_FUZZ_SEED={:#x} VERSUS_FUZZ_ONLY={}): {}\n  minimised input ({} bytes): {:?}",
                f.index,
                report.seed,
                f.index,
                f.message,
                f.input.len(),
                String::from_utf8_lossy(&f.input)
            ));
        }
    }
    panic!("{text}");
}

/// Applies one random mutation.
pub fn mutate(data: &mut Vec<u8>, seeds: &[Vec<u8>], rng: &mut ChaCha8Rng) {
    match rng.random_range(0..100u32) {
        0..=9 => flip_bits(data, rng),
        10..=14 => set_bytes(data, rng),
        15..=21 => truncate(data, rng),
        22..=29 => splice(data, seeds, rng),
        30..=36 => duplicate_line(data, rng),
        37..=43 => remove_line(data, rng),
        44..=47 => swap_lines(data, rng),
        48..=84 => edit_field(data, rng),
        85..=92 => insert_token(data, rng),
        _ => repeat_chunk(data, rng),
    }
}

fn pos(data: &[u8], rng: &mut ChaCha8Rng) -> usize {
    rng.random_range(0..=data.len())
}

fn flip_bits(data: &mut [u8], rng: &mut ChaCha8Rng) {
    if data.is_empty() {
        return;
    }
    for _ in 0..rng.random_range(1..=4u32) {
        let i = rng.random_range(0..data.len());
        data[i] ^= 1 << rng.random_range(0..8u32);
    }
}

fn set_bytes(data: &mut [u8], rng: &mut ChaCha8Rng) {
    const SPECIAL: &[u8] = &[
        0, 0xff, 0xfe, 0xc3, 0x80, b'"', b',', b'\n', b'{', b']', b'\\',
    ];
    if data.is_empty() {
        return;
    }
    let i = rng.random_range(0..data.len());
    data[i] = if rng.random_bool(0.5) {
        SPECIAL[rng.random_range(0..SPECIAL.len())]
    } else {
        rng.random()
    };
}

fn truncate(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let at = pos(data, rng);
    data.truncate(at);
}

/// Inserts a piece of some seed (this one or another) at a random place, or replaces the tail
/// from there with another seed's tail.
fn splice(data: &mut Vec<u8>, seeds: &[Vec<u8>], rng: &mut ChaCha8Rng) {
    let other = &seeds[rng.random_range(0..seeds.len())];
    let a = pos(other, rng);
    let b = (a + rng.random_range(0..=256usize)).min(other.len());
    let at = pos(data, rng);
    if rng.random_bool(0.5) {
        data.splice(at..at, other[a..b].iter().copied());
    } else {
        data.truncate(at);
        data.extend_from_slice(&other[a..]);
    }
}

/// Byte ranges of the lines (without their `\n`).
fn lines(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < data.len() {
        out.push((start, data.len()));
    }
    out
}

fn duplicate_line(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let ls = lines(data);
    if ls.is_empty() {
        return;
    }
    let (s, e) = ls[rng.random_range(0..ls.len())];
    let line = data[s..e].to_vec();
    let at = ls[rng.random_range(0..ls.len())].0;
    data.splice(at..at, line);
}

fn remove_line(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let ls = lines(data);
    if ls.is_empty() {
        return;
    }
    let (s, e) = ls[rng.random_range(0..ls.len())];
    data.drain(s..e);
}

fn swap_lines(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let ls = lines(data);
    if ls.len() < 2 {
        return;
    }
    let i = rng.random_range(0..ls.len());
    let j = rng.random_range(0..ls.len());
    let (a, b) = if ls[i].0 <= ls[j].0 {
        (ls[i], ls[j])
    } else {
        (ls[j], ls[i])
    };
    if a == b {
        return;
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..a.0]);
    out.extend_from_slice(&data[b.0..b.1]);
    out.extend_from_slice(&data[a.1..b.0]);
    out.extend_from_slice(&data[a.0..a.1]);
    out.extend_from_slice(&data[b.1..]);
    *data = out;
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b',' | b'\n' | b'\r' | b':' | b'[' | b']' | b'{' | b'}' | b' ' | b'\t' | b'='
    )
}

/// Byte ranges of the fields: maximal runs between CSV/JSON/TOML delimiters (a quoted JSON
/// string with no delimiter inside is one field, quotes included).
pub fn fields(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in data.iter().enumerate() {
        match (is_delimiter(b), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, data.len()));
    }
    out
}

/// A value for a field: a token from [`TOKENS`], quoted or not, a very long string or number,
/// deep nesting, or invalid UTF-8.
pub fn token(rng: &mut ChaCha8Rng) -> Vec<u8> {
    match rng.random_range(0..20u32) {
        0 => "a".repeat(rng.random_range(1000..20_000usize)).into_bytes(),
        1 => "9".repeat(rng.random_range(20..500usize)).into_bytes(),
        2 => {
            let depth = rng.random_range(100..600usize);
            let mut s = "[".repeat(depth);
            s.push_str(&"]".repeat(depth));
            s.into_bytes()
        }
        3 => vec![0xff, 0xfe, b'x', 0xc3],
        4 => format!("\"{}\"", TOKENS[rng.random_range(0..TOKENS.len())]).into_bytes(),
        5 => format!(
            "{}",
            rng.random::<f64>() * 10f64.powi(rng.random_range(-30..30))
        )
        .into_bytes(),
        6 => format!("{}", rng.random::<i64>()).into_bytes(),
        _ => TOKENS[rng.random_range(0..TOKENS.len())]
            .as_bytes()
            .to_vec(),
    }
}

/// Replaces one field with a token; keeps JSON quotes around it half the time when the field
/// was a string.
fn edit_field(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let fs = fields(data);
    if fs.is_empty() {
        insert_token(data, rng);
        return;
    }
    let (s, e) = fs[rng.random_range(0..fs.len())];
    let mut value = token(rng);
    let quoted = e - s >= 2 && data[s] == b'"' && data[e - 1] == b'"';
    if quoted && rng.random_bool(0.5) {
        let mut q = vec![b'"'];
        q.extend(
            value
                .iter()
                .copied()
                .filter(|&b| b != b'"' && b != b'\\' && b != b'\n'),
        );
        q.push(b'"');
        value = q;
    }
    data.splice(s..e, value);
}

fn insert_token(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let at = pos(data, rng);
    let t = token(rng);
    data.splice(at..at, t);
}

fn repeat_chunk(data: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    if data.is_empty() {
        return;
    }
    let a = rng.random_range(0..data.len());
    let b = (a + rng.random_range(1..=64usize)).min(data.len());
    let chunk = data[a..b].to_vec();
    let times = rng.random_range(2..50usize);
    let at = pos(data, rng);
    let rep: Vec<u8> = chunk
        .iter()
        .copied()
        .cycle()
        .take(chunk.len() * times)
        .collect();
    data.splice(at..at, rep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_replays_from_seed_and_index() {
        let seeds = vec![b"a,b,c\n1,2,3\n4,5,6\n".to_vec()];
        let one = case_input(&seeds, &mut case_rng(7, 12345));
        let two = case_input(&seeds, &mut case_rng(7, 12345));
        assert_eq!(one, two);
        let other: Vec<Vec<u8>> = (0..50)
            .map(|i| case_input(&seeds, &mut case_rng(7, i)))
            .collect();
        assert!(other.iter().filter(|o| **o != seeds[0]).count() > 40);
    }

    #[test]
    fn a_panic_is_caught_counted_and_minimised() {
        let run = |input: &[u8], _: &mut ChaCha8Rng| {
            if input.windows(3).any(|w| w == b"BAD") {
                panic!("found it");
            }
            Outcome::Ok
        };
        let target = Target {
            name: "self-test",
            seeds: vec![b"xxxxxxxxxxxxBADxxxxxxxxxxx".to_vec()],
            run: &run,
            structured: None,
        };
        let r = run_one(&target, b"..BAD..", &mut case_rng(1, 1));
        assert!(matches!(r, Err(ref m) if m.contains("found it")), "{r:?}");
        let min = minimise(&target, b"1234BAD5678".to_vec(), 1, |o| o.is_err());
        assert_eq!(min, b"BAD");
        assert!(fields(b"a,\"b\":[1, 2]").len() == 4);
    }
}
