//! JSONL (one battle object per line) and LMArena's battle-log JSON (one top-level array).
//!
//! Both use the same serde visitor for a battle object: it recognises the keys it needs,
//! interns model names straight from the parser's buffer (no `String` per row for known
//! models), sums `conv_metadata` style counts, and skips everything else (conversations) with
//! `IgnoredAny`. The battle log is read streaming: [`crate::split`] cuts the top-level array
//! into elements chunk by chunk and each is parsed on its own, so a 2 GB file never sits in
//! memory, let alone as a `serde_json::Value`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Location, Problem, ReadError};
use crate::fields::{
    Known, STYLE_NAMES, check_style, check_weight, classify, style_index, unknown_winner,
};
use crate::row::{RowData, finish_row};
use crate::select::{Selector, parse_bool};
use crate::set::{BattleSet, Builder};
use crate::split::{ArraySplitter, Element, SplitError};
use crate::time::parse_tstamp;
use crate::{ReadOptions, Winner};

/// Message of the serde error raised after a row problem was stored in the context.
const ROW_PROBLEM: &str = "versus row problem";

/// Field names used in messages about `conv_metadata` counts, in flat style order.
const CONV_FIELDS: [&str; 8] = [
    "conv_metadata.sum_assistant_a_tokens",
    "conv_metadata.sum_assistant_b_tokens",
    "conv_metadata.header_count_a",
    "conv_metadata.header_count_b",
    "conv_metadata.list_count_a",
    "conv_metadata.list_count_b",
    "conv_metadata.bold_count_a",
    "conv_metadata.bold_count_b",
];

pub(crate) struct Ctx {
    pub b: Builder,
    pub sel: Selector,
    pub row: RowData,
    pub problem: Option<Problem>,
}

impl Ctx {
    pub fn new(opts: &ReadOptions) -> Self {
        Ctx {
            b: Builder::new(),
            sel: Selector::new(opts),
            row: RowData::default(),
            problem: None,
        }
    }

    fn reset_row(&mut self) {
        self.problem = None;
        let n = self.sel.columns.len();
        self.row.reset(n);
    }
}

// ---------------------------------------------------------------------------------------------
// Readers

pub(crate) fn read_jsonl(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let mut rdr = BufReader::with_capacity(1 << 20, file);
    let mut ctx = Ctx::new(opts);
    let mut buf = Vec::with_capacity(1 << 16);
    let mut line_no = 0u64;
    let mut rows = 0u64;
    loop {
        buf.clear();
        let n = rdr
            .read_until(b'\n', &mut buf)
            .map_err(|e| ReadError::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut line: &[u8] = &buf;
        while let [rest @ .., b'\n' | b'\r'] = line {
            line = rest;
        }
        if line_no == 1 {
            line = line
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(line);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let loc = Location::Line(line_no);
        let text = std::str::from_utf8(line).map_err(|e| {
            ReadError::data(
                path,
                loc,
                None,
                format!(
                    "not valid UTF-8 (bad byte at column {})",
                    e.valid_up_to() + 1
                ),
            )
        })?;
        rows += 1;
        ctx.reset_row();
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = RowSeed { ctx: &mut ctx }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Err(e) = parsed {
            return Err(json_error(path, loc, &mut ctx, &e));
        }
        finish_row(&ctx.row, &mut ctx.sel, &mut ctx.b).map_err(|p| p.at(path, loc))?;
    }
    if rows == 0 {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "empty file: no JSON lines",
        ));
    }
    ctx.sel.check_seen(path, "field")?;
    Ok(ctx.b.finish())
}

pub(crate) fn read_battle_log(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let mut split = ArraySplitter::new(file);
    let mut ctx = Ctx::new(opts);
    let mut count = 0u64;
    loop {
        let Element { index, line, bytes } = match split.next_element() {
            Ok(Some(x)) => x,
            Ok(None) => break,
            Err(e) => return Err(split_error(path, e)),
        };
        let loc = Location::Element(index);
        ctx.reset_row();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let parsed = RowSeed { ctx: &mut ctx }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Err(e) = parsed {
            if let Some(p) = ctx.problem.take() {
                return Err(p.at(path, loc));
            }
            // Report the file line: the element starts at `line`.
            let full = e.to_string();
            let base = full
                .rfind(" at line ")
                .map_or(full.as_str(), |i| &full[..i]);
            let abs = line + (e.line() as u64).saturating_sub(1);
            return Err(ReadError::data(
                path,
                loc,
                None,
                format!("invalid JSON: {base} (line {abs})"),
            ));
        }
        finish_row(&ctx.row, &mut ctx.sel, &mut ctx.b).map_err(|p| p.at(path, loc))?;
        count += 1;
    }
    if count == 0 {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "no battles: the array is empty",
        ));
    }
    ctx.sel.check_seen(path, "field")?;
    Ok(ctx.b.finish())
}

fn split_error(path: &Path, e: SplitError) -> ReadError {
    match e {
        SplitError::Io(e) => ReadError::io(path, e),
        SplitError::Empty => ReadError::data(
            path,
            Location::File,
            None,
            "empty file (expected a JSON array of battles)",
        ),
        SplitError::Syntax { line, message } => ReadError::data(
            path,
            Location::File,
            None,
            format!("invalid JSON at line {line}: {message}"),
        ),
        SplitError::Truncated { index, line } => ReadError::data(
            path,
            Location::Element(index),
            None,
            format!(
                "truncated JSON: the file ends inside the array (element starts at line {line})"
            ),
        ),
    }
}

/// Turn a serde error into a `ReadError`, preferring the row problem a visitor recorded.
fn json_error(path: &Path, loc: Location, ctx: &mut Ctx, e: &serde_json::Error) -> ReadError {
    if let Some(p) = ctx.problem.take() {
        return p.at(path, loc);
    }
    // Within one JSONL line serde's "line 1" is noise; keep the column.
    let full = e.to_string();
    let base = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    let msg = format!("{base} (column {})", e.column());
    let what = if e.is_eof() {
        "truncated JSON"
    } else {
        "invalid JSON"
    };
    ReadError::data(path, loc, None, format!("{what}: {msg}"))
}

// ---------------------------------------------------------------------------------------------
// The battle-object visitor

/// Deserialize a map key and hand it, borrowed, to a closure.
struct KeyWith<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for KeyWith<F> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for KeyWith<F> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

struct RowSeed<'c> {
    ctx: &'c mut Ctx,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a battle object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        loop {
            let sel = &ctx.sel;
            let Some((known, filter)) =
                map.next_key_seed(KeyWith(|s: &str| (classify(s), sel.column_index(s))))?
            else {
                return Ok(());
            };
            match filter {
                None => map.next_value_seed(FieldSeed {
                    ctx: &mut *ctx,
                    known,
                })?,
                Some(i) => {
                    ctx.sel.saw_column(i);
                    let v: serde_json::Value = map.next_value()?;
                    ctx.row.filter_vals[i] = Some(value_text(&v));
                    if !matches!(known, Known::Other) {
                        FieldSeed {
                            ctx: &mut *ctx,
                            known,
                        }
                        .deserialize(v)
                        .map_err(de::Error::custom)?;
                    }
                }
            }
        }
    }
}

/// Text of a JSON value for `--where` comparison.
fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct FieldSeed<'c> {
    ctx: &'c mut Ctx,
    known: Known,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let Ctx {
            b,
            sel,
            row,
            problem,
        } = self.ctx;
        match self.known {
            Known::ModelA => row.a = Some(scalar(d, problem, |s| model(b, s, "model_a"))?),
            Known::ModelB => row.b = Some(scalar(d, problem, |s| model(b, s, "model_b"))?),
            Known::Winner => {
                row.winner = Some(scalar(d, problem, |s| match s {
                    Scalar::Str(x) => Winner::parse(x).ok_or_else(|| unknown_winner(x)),
                    other => Err(Problem::new(
                        "winner",
                        format!("expected a winner label string, got {}", other.kind()),
                    )),
                })?)
            }
            Known::Anony => {
                row.anony = scalar(d, problem, |s| match s {
                    Scalar::Bool(v) => Ok(Some(v)),
                    Scalar::Null => Ok(None),
                    Scalar::Num(v) if v == 0.0 || v == 1.0 => Ok(Some(v == 1.0)),
                    Scalar::Str(x) if parse_bool(x).is_some() => Ok(parse_bool(x)),
                    other => Err(Problem::new(
                        "anony",
                        format!("expected true/false/1/0, got {}", other.describe()),
                    )),
                })?
            }
            Known::Tstamp => row.tstamp = scalar(d, problem, |s| time(s, "tstamp"))?,
            Known::Timestamp => row.timestamp = scalar(d, problem, |s| time(s, "timestamp"))?,
            Known::Weight => {
                row.weight = Some(scalar(d, problem, |s| match s {
                    Scalar::Num(v) => check_weight(v, "weight"),
                    Scalar::Str(x) => match x.trim().parse::<f64>() {
                        Ok(v) => check_weight(v, "weight"),
                        Err(_) => Err(Problem::new(
                            "weight",
                            format!("expected a number, got {x:?}"),
                        )),
                    },
                    other => Err(Problem::new(
                        "weight",
                        format!("expected a number, got {}", other.kind()),
                    )),
                })?)
            }
            Known::Language => {
                let buf = &mut row.language;
                row.has_language = scalar(d, problem, |s| match s {
                    Scalar::Str(x) => {
                        buf.push_str(x);
                        Ok(true)
                    }
                    Scalar::Null => Ok(false),
                    other => Err(Problem::new(
                        "language",
                        format!("expected a string, got {}", other.kind()),
                    )),
                })?
            }
            Known::ConvMetadata => row.meta = d.deserialize_any(MetaSeed { problem })?,
            Known::DedupTag => row.dedup_sampled = d.deserialize_any(DedupSeed)?,
            Known::CategoryTag => {
                if sel.category.is_some() {
                    row.category_flag = match d.deserialize_any(CatSeed { sel })? {
                        Cat::Map(f) => f,
                        _ => None,
                    };
                } else {
                    IgnoredAny::deserialize(d)?;
                }
            }
            Known::Style(k) => {
                row.flat[k] = d.deserialize_any(CountSeed {
                    problem,
                    field: STYLE_NAMES[k][0],
                })?
            }
            Known::Other => {
                IgnoredAny::deserialize(d)?;
            }
        }
        Ok(())
    }
}

fn model(b: &mut Builder, s: Scalar<'_>, field: &str) -> Result<u32, Problem> {
    match s {
        Scalar::Str("") => Err(Problem::new(field, "empty model name")),
        Scalar::Str(x) => Ok(b.intern(x)),
        other => Err(Problem::new(
            field,
            format!("expected a model name string, got {}", other.kind()),
        )),
    }
}

fn time(s: Scalar<'_>, field: &str) -> Result<Option<f64>, Problem> {
    match s {
        Scalar::Num(v) if v.is_finite() => Ok(Some(v)),
        Scalar::Null => Ok(None),
        Scalar::Str(x) if x.trim().is_empty() => Ok(None),
        Scalar::Str(x) => parse_tstamp(x).map(Some).ok_or_else(|| {
            Problem::new(
                field,
                format!("expected epoch seconds or an ISO-8601 date-time, got {x:?}"),
            )
        }),
        other => Err(Problem::new(
            field,
            format!(
                "expected epoch seconds or an ISO-8601 date-time, got {}",
                other.describe()
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars

/// A JSON value seen without allocating: strings are borrowed from the parser's buffer.
#[derive(Clone, Copy)]
pub(crate) enum Scalar<'x> {
    Str(&'x str),
    Num(f64),
    Bool(bool),
    Null,
    Object,
    Array,
}

impl Scalar<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::Num(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
            Scalar::Object => "an object",
            Scalar::Array => "an array",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Scalar::Str(s) => format!("{s:?}"),
            Scalar::Num(v) => format!("{v}"),
            Scalar::Bool(b) => format!("{b}"),
            other => other.kind().to_owned(),
        }
    }
}

/// Read one value as a [`Scalar`] and map it with `f`; a `Problem` is stored in `problem` and
/// aborts the parse.
fn scalar<'de, D, T, F>(d: D, problem: &mut Option<Problem>, f: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(Scalar<'_>) -> Result<T, Problem>,
{
    d.deserialize_any(ScalarVisitor { problem, f })
}

struct ScalarVisitor<'p, F> {
    problem: &'p mut Option<Problem>,
    f: F,
}

impl<F> ScalarVisitor<'_, F> {
    fn run<T, E: de::Error>(self, s: Scalar<'_>) -> Result<T, E>
    where
        F: FnOnce(Scalar<'_>) -> Result<T, Problem>,
    {
        match (self.f)(s) {
            Ok(v) => Ok(v),
            Err(p) => {
                *self.problem = Some(p);
                Err(E::custom(ROW_PROBLEM))
            }
        }
    }
}

impl<'de, T, F: FnOnce(Scalar<'_>) -> Result<T, Problem>> DeserializeSeed<'de>
    for ScalarVisitor<'_, F>
{
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T, F: FnOnce(Scalar<'_>) -> Result<T, Problem>> Visitor<'de> for ScalarVisitor<'_, F> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.run(Scalar::Str(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.run(Scalar::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.run(Scalar::Num(v as f64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.run(Scalar::Num(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.run(Scalar::Num(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.run(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.run(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.run(Scalar::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.run(Scalar::Array)
    }
}

// ---------------------------------------------------------------------------------------------
// Style counts

/// A style count: a number, or an object whose (numeric) values are summed, as LMArena's
/// `header_count_a: {h1..h6}`. `None` for null.
struct CountSeed<'p> {
    problem: &'p mut Option<Problem>,
    field: &'static str,
}

impl<'de> DeserializeSeed<'de> for CountSeed<'_> {
    type Value = Option<f64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl CountSeed<'_> {
    fn num<E: de::Error>(self, v: f64) -> Result<Option<f64>, E> {
        match check_style(v, self.field) {
            Ok(v) => Ok(Some(v)),
            Err(p) => self.fail(p),
        }
    }
    fn fail<T, E: de::Error>(self, p: Problem) -> Result<T, E> {
        *self.problem = Some(p);
        Err(E::custom(ROW_PROBLEM))
    }
    fn bad<T, E: de::Error>(self, got: &str) -> Result<T, E> {
        let field = self.field;
        self.fail(Problem::new(
            field,
            format!("expected a style count (number), got {got}"),
        ))
    }
}

impl<'de> Visitor<'de> for CountSeed<'_> {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a count or an object of counts")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.num(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.num(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.num(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().parse::<f64>() {
            Ok(x) => self.num(x),
            Err(_) => self.bad(&format!("{v:?}")),
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.bad(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.bad("an array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut sum = 0.0;
        while map.next_key::<IgnoredAny>()?.is_some() {
            // A null inside the object adds nothing, as Python's sum over present values.
            let v = map.next_value_seed(CountSeed {
                problem: &mut *self.problem,
                field: self.field,
            })?;
            sum += v.unwrap_or(0.0);
        }
        Ok(Some(sum))
    }
}

/// `conv_metadata`: the eight counts LMArena's style control uses; other keys skipped.
struct MetaSeed<'p> {
    problem: &'p mut Option<Problem>,
}

impl<'de> Visitor<'de> for MetaSeed<'_> {
    type Value = Option<[Option<f64>; 8]>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a conv_metadata object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = [None; 8];
        while let Some(k) = map.next_key_seed(KeyWith(style_index))? {
            match k {
                Some(k) => {
                    out[k] = map.next_value_seed(CountSeed {
                        problem: &mut *self.problem,
                        field: CONV_FIELDS[k],
                    })?
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(out))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        *self.problem = Some(Problem::new(
            "conv_metadata",
            "expected an object, got a string",
        ));
        Err(E::custom(ROW_PROBLEM))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        *self.problem = Some(Problem::new(
            "conv_metadata",
            "expected an object, got an array",
        ));
        Err(de::Error::custom(ROW_PROBLEM))
    }
}

// ---------------------------------------------------------------------------------------------
// dedup_tag and category_tag

/// `dedup_tag`: `Some(sampled)` for an object (missing `sampled` → false, as LMArena's
/// `x.get("sampled", False)`), `None` for null or any non-object.
struct DedupSeed;

impl<'de> Visitor<'de> for DedupSeed {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a dedup_tag object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut sampled = false;
        while let Some(is_sampled) = map.next_key_seed(KeyWith(|s: &str| s == "sampled"))? {
            if is_sampled {
                let mut dummy = None;
                sampled = map.next_value_seed(ScalarVisitor {
                    problem: &mut dummy,
                    f: |s: Scalar<'_>| {
                        Ok(match s {
                            Scalar::Bool(b) => b,
                            Scalar::Num(v) => v != 0.0,
                            Scalar::Str(x) => parse_bool(x).unwrap_or(false),
                            _ => false,
                        })
                    },
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Some(sampled))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Result of walking part of a `category_tag`.
enum Cat {
    Bool(bool),
    /// An object; `Some(flag)` if the requested key was found inside (true if any was true).
    Map(Option<bool>),
    Other,
}

/// Walks `category_tag` (objects of objects of flags) looking for the requested category key
/// among boolean flags at any depth.
struct CatSeed<'s> {
    sel: &'s mut Selector,
}

impl<'de> DeserializeSeed<'de> for CatSeed<'_> {
    type Value = Cat;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cat, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CatSeed<'_> {
    type Value = Cat;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a category_tag object")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cat, E> {
        Ok(Cat::Bool(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cat, A::Error> {
        let mut flag: Option<bool> = None;
        let mut key = String::new();
        while map
            .next_key_seed(KeyWith(|s: &str| {
                key.clear();
                key.push_str(s);
            }))?
            .is_some()
        {
            match map.next_value_seed(CatSeed {
                sel: &mut *self.sel,
            })? {
                Cat::Bool(v) => {
                    if self.sel.note_category_key(&key) {
                        flag = Some(flag.unwrap_or(false) || v);
                    }
                }
                Cat::Map(Some(v)) => flag = Some(flag.unwrap_or(false) || v),
                Cat::Map(None) | Cat::Other => {}
            }
        }
        Ok(Cat::Map(flag))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Cat, E> {
        Ok(Cat::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cat, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cat, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cat::Other)
    }
}
