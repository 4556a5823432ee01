//! Parquet files of LMArena's `arena-human-preference-*` datasets, read with parquet's row API
//! (no Arrow). Only the columns a battle needs are projected, so the conversation columns —
//! nearly all of the bytes — are never decoded.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Type as PhysicalType;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use parquet::schema::types::Type;

use crate::error::{Location, Problem, ReadError};
use crate::fields::{
    Known, STYLE_NAMES, check_style, check_weight, classify, style_index, unknown_winner,
};
use crate::row::{RowData, finish_row};
use crate::select::{Selector, parse_bool};
use crate::set::{BattleSet, Builder};
use crate::time::parse_tstamp;
use crate::{ReadOptions, Winner};

pub(crate) fn read(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| {
        ReadError::data(
            path,
            Location::File,
            None,
            format!("not a readable Parquet file: {e}"),
        )
    })?;
    let meta = reader.metadata().file_metadata();
    let root = meta.schema();
    let schema = Schema {
        path,
        fields: root.get_fields(),
    };
    schema.check_required()?;
    let mut sel = Selector::new(opts);
    schema.check_selected(&mut sel)?;
    let projection = schema.projection(root.name(), &sel)?;
    let rows = reader.get_row_iter(Some(projection)).map_err(|e| {
        ReadError::data(
            path,
            Location::File,
            None,
            format!("cannot read Parquet rows: {e}"),
        )
    })?;

    let mut b = Builder::new();
    let mut data = RowData::default();
    let mut n = 0u64;
    for r in rows {
        let loc = Location::Row(n);
        let r =
            r.map_err(|e| ReadError::data(path, loc, None, format!("Parquet decode error: {e}")))?;
        data.reset(sel.columns.len());
        fill(&r, &mut data, &mut sel, &mut b).map_err(|p| p.at(path, loc))?;
        finish_row(&data, &mut sel, &mut b).map_err(|p| p.at(path, loc))?;
        n += 1;
    }
    if n == 0 {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "no rows: the Parquet file is empty",
        ));
    }
    sel.check_seen(path, "column")?;
    Ok(b.finish())
}

/// The file's top-level columns, checked against what a battle needs and what the options ask
/// for before any row is decoded.
struct Schema<'a> {
    path: &'a Path,
    fields: &'a [Arc<Type>],
}

impl Schema<'_> {
    /// A schema error on column `field`.
    fn err(&self, field: &str, msg: String) -> ReadError {
        ReadError::data(self.path, Location::File, Some(field), msg)
    }

    /// The column names, for error messages.
    fn column_list(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the file has a top-level column `name`.
    fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name() == name)
    }

    /// model_a, model_b and winner must be present and be strings.
    fn check_required(&self) -> Result<(), ReadError> {
        for req in ["model_a", "model_b", "winner"] {
            let Some(f) = self.fields.iter().find(|f| f.name() == req) else {
                return Err(self.err(
                    req,
                    format!(
                        "wrong Parquet schema: missing required column (columns: {})",
                        self.column_list()
                    ),
                ));
            };
            let ok = f.is_primitive() && f.get_physical_type() == PhysicalType::BYTE_ARRAY;
            if !ok {
                let got = if f.is_primitive() {
                    format!("{}", f.get_physical_type())
                } else {
                    "a group".to_owned()
                };
                return Err(self.err(
                    req,
                    format!(
                        "wrong Parquet schema: column has type {got}, expected a string (BYTE_ARRAY)"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every `--where` column, and the language/category_tag column when a language or category
    /// is requested, must exist.
    fn check_selected(&self, sel: &mut Selector) -> Result<(), ReadError> {
        for i in 0..sel.columns.len() {
            let c = sel.columns[i].clone();
            if self.has(&c) {
                sel.saw_column(i);
            } else {
                return Err(self.err(
                    &c,
                    format!(
                        "--where names a column this file does not have (columns: {})",
                        self.column_list()
                    ),
                ));
            }
        }
        if sel.language.is_some() && !self.has("language") {
            return Err(self.err(
                "language",
                format!(
                    "a language was requested but the file has no language column (columns: {})",
                    self.column_list()
                ),
            ));
        }
        if sel.category.is_some() && !self.has("category_tag") {
            return Err(self.err(
                "category_tag",
                format!(
                    "a category was requested but the file has no category_tag column (columns: {})",
                    self.column_list()
                ),
            ));
        }
        Ok(())
    }

    /// The projected schema: only known battle columns and `--where` columns, so the
    /// conversation columns are never decoded.
    fn projection(&self, root_name: &str, sel: &Selector) -> Result<Type, ReadError> {
        let wanted: Vec<Arc<Type>> = self
            .fields
            .iter()
            .filter(|f| {
                !matches!(classify(f.name()), Known::Other) || sel.column_index(f.name()).is_some()
            })
            .cloned()
            .collect();
        Type::group_type_builder(root_name)
            .with_fields(wanted)
            .build()
            .map_err(|e| {
                ReadError::data(
                    self.path,
                    Location::File,
                    None,
                    format!("cannot project Parquet schema: {e}"),
                )
            })
    }
}

fn kind(f: &Field) -> &'static str {
    match f {
        Field::Null => "null",
        Field::Bool(_) => "a boolean",
        Field::Str(_) | Field::Bytes(_) => "a string",
        Field::Group(_) => "a struct",
        Field::ListInternal(_) => "a list",
        Field::MapInternal(_) => "a map",
        _ if num(f).is_some() => "a number",
        _ => "another type",
    }
}

fn num(f: &Field) -> Option<f64> {
    Some(match f {
        Field::Byte(v) => f64::from(*v),
        Field::Short(v) => f64::from(*v),
        Field::Int(v) => f64::from(*v),
        Field::Long(v) => *v as f64,
        Field::UByte(v) => f64::from(*v),
        Field::UShort(v) => f64::from(*v),
        Field::UInt(v) => f64::from(*v),
        Field::ULong(v) => *v as f64,
        Field::Float16(v) => v.to_f64(),
        Field::Float(v) => f64::from(*v),
        Field::Double(v) => *v,
        _ => return None,
    })
}

/// Text of a field for `--where`: strings bare, everything else as parquet prints it.
fn text(f: &Field) -> String {
    match f {
        Field::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

fn fill(r: &Row, d: &mut RowData, sel: &mut Selector, b: &mut Builder) -> Result<(), Problem> {
    for (name, f) in r.get_column_iter() {
        if let Some(i) = sel.column_index(name) {
            d.filter_vals[i] = Some(text(f));
        }
        match classify(name) {
            Known::ModelA => d.a = model(f, "model_a", b)?,
            Known::ModelB => d.b = model(f, "model_b", b)?,
            Known::Winner => d.winner = winner(f)?,
            Known::Anony => d.anony = anony(f)?,
            Known::Tstamp => d.tstamp = time(f, "tstamp")?,
            Known::Timestamp => d.timestamp = time(f, "timestamp")?,
            Known::Weight => d.weight = weight(f)?,
            Known::Language => language(f, d)?,
            Known::ConvMetadata => d.meta = conv_metadata(f)?,
            Known::DedupTag => d.dedup_sampled = dedup_sampled(f),
            Known::CategoryTag => {
                if sel.category.is_some() {
                    d.category_flag = category(sel, f);
                }
            }
            Known::Style(k) => d.flat[k] = count(f, STYLE_NAMES[k][0])?,
            Known::Other => {}
        }
    }
    Ok(())
}

/// The winner label; null means a row without a winner.
#[inline]
fn winner(f: &Field) -> Result<Option<Winner>, Problem> {
    match f {
        Field::Str(s) => Ok(Some(Winner::parse(s).ok_or_else(|| unknown_winner(s))?)),
        Field::Null => Ok(None),
        other => Err(Problem::new(
            "winner",
            format!("expected a winner label string, got {}", kind(other)),
        )),
    }
}

/// The anonymity flag, as a boolean, a "true"/"false"-like string or a 0/1 number.
#[inline]
fn anony(f: &Field) -> Result<Option<bool>, Problem> {
    match f {
        Field::Bool(v) => Ok(Some(*v)),
        Field::Null => Ok(None),
        Field::Str(s) if parse_bool(s).is_some() => Ok(parse_bool(s)),
        other => match num(other) {
            Some(v) if v == 0.0 || v == 1.0 => Ok(Some(v == 1.0)),
            _ => Err(Problem::new(
                "anony",
                format!("expected true/false/1/0, got {other}"),
            )),
        },
    }
}

/// The row weight, as a number or a numeric string, checked by `check_weight`.
#[inline]
fn weight(f: &Field) -> Result<Option<f64>, Problem> {
    match f {
        Field::Null => Ok(None),
        Field::Str(s) => match s.trim().parse::<f64>() {
            Ok(v) => Ok(Some(check_weight(v, "weight")?)),
            Err(_) => Err(Problem::new(
                "weight",
                format!("expected a number, got {s:?}"),
            )),
        },
        other => match num(other) {
            Some(v) => Ok(Some(check_weight(v, "weight")?)),
            None => Err(Problem::new(
                "weight",
                format!("expected a number, got {}", kind(other)),
            )),
        },
    }
}

/// The language, appended to the row's reused buffer (no per-row allocation).
#[inline]
fn language(f: &Field, d: &mut RowData) -> Result<(), Problem> {
    match f {
        Field::Str(s) => {
            d.has_language = true;
            d.language.push_str(s);
            Ok(())
        }
        Field::Null => Ok(()),
        other => Err(Problem::new(
            "language",
            format!("expected a string, got {}", kind(other)),
        )),
    }
}

/// The style counts nested in the `conv_metadata` struct, in `STYLE_NAMES` order.
#[inline]
fn conv_metadata(f: &Field) -> Result<Option<[Option<f64>; 8]>, Problem> {
    match f {
        Field::Group(g) => {
            let mut out = [None; 8];
            for (k, v) in g.get_column_iter() {
                if let Some(i) = style_index(k) {
                    let field = format!("conv_metadata.{k}");
                    out[i] = count(v, &field)?;
                }
            }
            Ok(Some(out))
        }
        Field::Null => Ok(None),
        other => Err(Problem::new(
            "conv_metadata",
            format!("expected a struct, got {}", kind(other)),
        )),
    }
}

/// Whether the `dedup_tag` struct marks the row as sampled; anything unreadable counts as absent.
#[inline]
fn dedup_sampled(f: &Field) -> Option<bool> {
    match f {
        Field::Group(g) => Some(g.get_column_iter().any(|(k, v)| {
            k == "sampled"
                && match v {
                    Field::Bool(b) => *b,
                    Field::Str(s) => parse_bool(s).unwrap_or(false),
                    other => num(other).is_some_and(|x| x != 0.0),
                }
        })),
        _ => None,
    }
}

fn model(f: &Field, field: &str, b: &mut Builder) -> Result<Option<u32>, Problem> {
    match f {
        Field::Str(s) if s.is_empty() => Err(Problem::new(field, "empty model name")),
        Field::Str(s) => Ok(Some(b.intern(s))),
        Field::Null => Ok(None),
        other => Err(Problem::new(
            field,
            format!("expected a model name string, got {}", kind(other)),
        )),
    }
}

fn time(f: &Field, field: &str) -> Result<Option<f64>, Problem> {
    let bad = |got: String| {
        Problem::new(
            field,
            format!("expected epoch seconds or an ISO-8601 date-time, got {got}"),
        )
    };
    match f {
        Field::Null => Ok(None),
        Field::Str(s) if s.trim().is_empty() => Ok(None),
        Field::Str(s) => parse_tstamp(s)
            .map(Some)
            .ok_or_else(|| bad(format!("{s:?}"))),
        Field::TimestampMillis(ms) => Ok(Some(*ms as f64 / 1e3)),
        Field::TimestampMicros(us) => Ok(Some(*us as f64 / 1e6)),
        Field::Date(days) => Ok(Some(f64::from(*days) * 86_400.0)),
        other => match num(other) {
            Some(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(bad(other.to_string())),
        },
    }
}

/// A style count: a number, or a struct/map whose numeric values are summed (nulls add 0).
fn count(f: &Field, field: &str) -> Result<Option<f64>, Problem> {
    let bad =
        |got: &str| Problem::new(field, format!("expected a style count (number), got {got}"));
    match f {
        Field::Null => Ok(None),
        Field::Group(g) => {
            let mut s = 0.0;
            for (_, v) in g.get_column_iter() {
                s += count(v, field)?.unwrap_or(0.0);
            }
            Ok(Some(s))
        }
        Field::MapInternal(m) => {
            let mut s = 0.0;
            for (_, v) in m.entries() {
                s += count(v, field)?.unwrap_or(0.0);
            }
            Ok(Some(s))
        }
        Field::Str(s) => match s.trim().parse::<f64>() {
            Ok(v) => check_style(v, field).map(Some),
            Err(_) => Err(bad(&format!("{s:?}"))),
        },
        other => match num(other) {
            Some(v) => check_style(v, field).map(Some),
            None => Err(bad(kind(other))),
        },
    }
}

/// `Some(flag)` if the requested category key occurs as a boolean anywhere in `category_tag`.
fn category(sel: &mut Selector, f: &Field) -> Option<bool> {
    let Field::Group(g) = f else { return None };
    let mut flag = None;
    for (k, v) in g.get_column_iter() {
        match v {
            Field::Bool(b) if sel.note_category_key(k) => {
                flag = Some(flag.unwrap_or(false) || *b);
            }
            Field::Group(_) => {
                if let Some(x) = category(sel, v) {
                    flag = Some(flag.unwrap_or(false) || x);
                }
            }
            _ => {}
        }
    }
    flag
}
