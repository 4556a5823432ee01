//! CSV battles: one row per battle with a header. Parsed as `csv::ByteRecord`s with a header
//! index and numbers read straight from bytes, so a million rows take a fraction of a second.

use std::fs::File;
use std::path::Path;

use crate::error::{Location, Problem, ReadError};
use crate::fields::{
    STYLE_NAMES, category_from_value, check_style, check_weight, same_model, unknown_winner,
};
use crate::select::{Selector, parse_bool, value_matches};
use crate::set::{BattleSet, Builder};
use crate::time::parse_tstamp;
use crate::{ReadOptions, StyleCounts, Winner};

struct Columns {
    a: usize,
    b: usize,
    winner: usize,
    tstamp: Option<usize>,
    weight: Option<usize>,
    language: Option<usize>,
    anony: Option<usize>,
    category_tag: Option<usize>,
    style: Option<[usize; 8]>,
    /// File column of each selector filter column.
    filters: Vec<usize>,
}

pub(crate) fn read(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let header = rdr.byte_headers().map_err(|e| csv_error(path, e))?.clone();
    if header.is_empty() || (header.len() == 1 && header[0].iter().all(u8::is_ascii_whitespace)) {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "empty file: no header line (expected a CSV header with model_a, model_b, winner)",
        ));
    }
    let mut names = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        let s = std::str::from_utf8(h).map_err(|_| {
            ReadError::data(
                path,
                Location::Line(1),
                None,
                format!("header column {} is not valid UTF-8", i + 1),
            )
        })?;
        names.push(s.trim().to_owned());
    }
    let mut sel = Selector::new(opts);
    let cols = index_columns(path, &names, &mut sel)?;

    let mut b = Builder::new();
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0u64;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e)),
        }
        rows += 1;
        let line = rec.position().map_or(rows + 1, |p| p.line());
        row(&rec, &cols, &mut sel, &mut b).map_err(|p| p.at(path, Location::Line(line)))?;
    }
    if rows == 0 {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "no rows: the file has a header but no battles",
        ));
    }
    sel.check_seen(path, "column")?;
    Ok(b.finish())
}

fn index_columns(path: &Path, names: &[String], sel: &mut Selector) -> Result<Columns, ReadError> {
    let find = |alts: &[&str]| alts.iter().find_map(|a| names.iter().position(|n| n == a));
    let header_list = || names.join(", ");
    let required = |name: &str| {
        find(&[name]).ok_or_else(|| {
            ReadError::data(
                path,
                Location::Line(1),
                Some(name),
                format!("missing required column (header has: {})", header_list()),
            )
        })
    };
    let a = required("model_a")?;
    let b = required("model_b")?;
    let winner = required("winner")?;
    let mut style = [0usize; 8];
    let mut have_all = true;
    for (k, alts) in STYLE_NAMES.iter().enumerate() {
        match find(alts) {
            Some(i) => style[k] = i,
            None => have_all = false,
        }
    }
    let mut filters = Vec::with_capacity(sel.columns.len());
    for i in 0..sel.columns.len() {
        let c = sel.columns[i].clone();
        match find(&[c.as_str()]) {
            Some(j) => {
                filters.push(j);
                sel.saw_column(i);
            }
            None => {
                return Err(ReadError::data(
                    path,
                    Location::Line(1),
                    Some(&c),
                    format!(
                        "--where names a column this file does not have (header has: {})",
                        header_list()
                    ),
                ));
            }
        }
    }
    let language = find(&["language"]);
    if sel.language.is_some() && language.is_none() {
        return Err(ReadError::data(
            path,
            Location::Line(1),
            Some("language"),
            format!(
                "a language was requested but the file has no language column (header has: {})",
                header_list()
            ),
        ));
    }
    let category_tag = find(&["category_tag"]);
    if sel.category.is_some() && category_tag.is_none() {
        return Err(ReadError::data(
            path,
            Location::Line(1),
            Some("category_tag"),
            "a category was requested but the file has no category_tag column (categories \
             come from LMArena's category_tag, or from a pair-count category file)",
        ));
    }
    Ok(Columns {
        a,
        b,
        winner,
        tstamp: find(&["tstamp", "timestamp"]),
        weight: find(&["weight"]),
        language,
        anony: find(&["anony"]),
        category_tag,
        style: have_all.then_some(style),
        filters,
    })
}

fn csv_error(path: &Path, e: csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line());
    let loc = line.map_or(Location::File, Location::Line);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ReadError::io(path, io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ReadError::data(
            path,
            loc,
            None,
            format!("row has {len} fields but the header has {expected_len}"),
        ),
        other => ReadError::data(path, loc, None, format!("CSV error: {other:?}")),
    }
}

#[inline]
fn utf8<'a>(bytes: &'a [u8], field: &str) -> Result<&'a str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        Problem::new(
            field,
            format!("not valid UTF-8 (bad byte at offset {})", e.valid_up_to()),
        )
    })
}

/// Parse a number cell; `Ok(None)` for an empty cell. Plain digit strings (style counts) take
/// a fast path.
#[inline]
pub(crate) fn parse_num(bytes: &[u8]) -> Result<Option<f64>, ()> {
    if !bytes.is_empty() && bytes.len() <= 15 && bytes.iter().all(u8::is_ascii_digit) {
        let mut v = 0u64;
        for &c in bytes {
            v = v * 10 + u64::from(c - b'0');
        }
        return Ok(Some(v as f64));
    }
    let s = std::str::from_utf8(bytes).map_err(|_| ())?.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| ())
}

fn show(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    if s.chars().count() > 40 {
        format!("{:?}…", s.chars().take(40).collect::<String>())
    } else {
        format!("{s:?}")
    }
}

/// Field `i` of a record; a short record reads as empty fields.
#[inline]
fn field(rec: &csv::ByteRecord, i: usize) -> &[u8] {
    rec.get(i).unwrap_or(b"")
}

#[inline]
fn row(
    rec: &csv::ByteRecord,
    c: &Columns,
    sel: &mut Selector,
    b: &mut Builder,
) -> Result<(), Problem> {
    let get = |i: usize| field(rec, i);
    let name_a = utf8(get(c.a), "model_a")?;
    let name_b = utf8(get(c.b), "model_b")?;
    if name_a.is_empty() {
        return Err(Problem::new("model_a", "empty model name"));
    }
    if name_b.is_empty() {
        return Err(Problem::new("model_b", "empty model name"));
    }
    if name_a == name_b {
        return Err(same_model(name_a));
    }
    let wl = utf8(get(c.winner), "winner")?;
    let winner = Winner::parse(wl).ok_or_else(|| unknown_winner(wl))?;
    let tstamp = match c.tstamp {
        Some(i) => tstamp(get(i))?,
        None => f64::NAN,
    };
    let weight = match c.weight {
        Some(i) => weight(get(i))?,
        None => 1.0,
    };
    let style = match &c.style {
        Some(idx) => style(rec, idx)?,
        None => None,
    };
    let anony = match c.anony {
        Some(i) => anony(get(i))?,
        None => true,
    };
    let selected = selected(rec, c, sel)?;
    if (sel.include_named || anony) && selected {
        let a = b.intern(name_a);
        let bb = b.intern(name_b);
        b.push(a, bb, winner, 1.0, weight, tstamp, style);
    }
    Ok(())
}

/// The battle time; blank is NaN (unknown).
#[inline]
fn tstamp(raw: &[u8]) -> Result<f64, Problem> {
    let s = utf8(raw, "tstamp")?;
    if s.trim().is_empty() {
        return Ok(f64::NAN);
    }
    parse_tstamp(s).ok_or_else(|| {
        Problem::new(
            "tstamp",
            format!(
                "expected epoch seconds or an ISO-8601 date-time, got {}",
                show(raw)
            ),
        )
    })
}

/// The row weight; blank is 1.
#[inline]
fn weight(raw: &[u8]) -> Result<f64, Problem> {
    match parse_num(raw) {
        Ok(Some(w)) => check_weight(w, "weight"),
        Ok(None) => Ok(1.0),
        Err(()) => Err(Problem::new(
            "weight",
            format!("expected a number, got {}", show(raw)),
        )),
    }
}

/// The eight flat style-count columns at `idx`; `None` when any is blank.
#[inline]
fn style(rec: &csv::ByteRecord, idx: &[usize; 8]) -> Result<Option<StyleCounts>, Problem> {
    let mut v = [0.0; 8];
    let mut complete = true;
    for k in 0..8 {
        let raw = field(rec, idx[k]);
        match parse_num(raw) {
            Ok(Some(x)) => v[k] = check_style(x, STYLE_NAMES[k][0])?,
            Ok(None) => complete = false,
            Err(()) => {
                return Err(Problem::new(
                    STYLE_NAMES[k][0],
                    format!("expected a style count (number), got {}", show(raw)),
                ));
            }
        }
    }
    Ok(complete.then(|| StyleCounts::from_flat(v)))
}

/// The anonymity flag; blank counts as anonymous.
#[inline]
fn anony(raw: &[u8]) -> Result<bool, Problem> {
    let s = utf8(raw, "anony")?;
    if s.trim().is_empty() {
        return Ok(true);
    }
    parse_bool(s)
        .ok_or_else(|| Problem::new("anony", format!("expected true/false/1/0, got {s:?}")))
}

/// Whether the row passes the language, category and `--where` selection. Every test is
/// evaluated (no short-circuit), because the selector records what it saw.
#[inline]
fn selected(rec: &csv::ByteRecord, c: &Columns, sel: &mut Selector) -> Result<bool, Problem> {
    let lang_ok = match c.language {
        Some(i) => {
            let l = utf8(field(rec, i), "language")?;
            sel.language_matches(Some(l))
        }
        None => true,
    };
    let cat_ok = match (c.category_tag, sel.category.is_some()) {
        (Some(i), true) => {
            let text = utf8(field(rec, i), "category_tag")?;
            if text.trim().is_empty() {
                false
            } else {
                let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                    Problem::new("category_tag", format!("expected a JSON object: {e}"))
                })?;
                category_from_value(sel, &v)
            }
        }
        _ => true,
    };
    let mut filters_ok = true;
    for ((_, want), &col) in sel.filters.iter().zip(&sel.filter_col) {
        let got = utf8(field(rec, c.filters[col]), &sel.columns[col])?;
        if !value_matches(want, got) {
            filters_ok = false;
        }
    }
    Ok(lang_ok && cat_ok && filters_ok)
}
