//! Battles from Arrow record batches: the one path for Parquet files (decoded by arrow-rs) and
//! for tables handed over through the Arrow C data interface (the Python package). Columns are
//! read in place; a dictionary-encoded model column is mapped to model ids once per dictionary
//! entry, not once per row. The per-field rules (what a winner, weight, style count… may be, and
//! the error each bad value gets) are those of the other structured readers.

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, LargeStringArray, MapArray, RecordBatch, StringArray,
    StringViewArray, StructArray,
};
use arrow_schema::{DataType, TimeUnit};

use crate::error::{Location, Problem, ReadError};
use crate::fields::{
    Known, STYLE_NAMES, check_style, check_weight, classify, style_index, unknown_winner,
};
use crate::row::{RowData, finish_row};
use crate::select::{Selector, parse_bool};
use crate::set::{BattleSet, Builder};
use crate::time::parse_tstamp;
use crate::{ReadOptions, Winner};

/// Read battles from record batches that all have the schema `schema`. `source` names the
/// input in errors (a file path, or a label such as `<DataFrame>`); rows are numbered from 0.
pub fn read_record_batches<I, E>(
    source: &Path,
    schema: &arrow_schema::Schema,
    batches: I,
    opts: &ReadOptions,
) -> Result<BattleSet, ReadError>
where
    I: IntoIterator<Item = Result<RecordBatch, E>>,
    E: std::fmt::Display,
{
    let columns: Vec<SchemaColumn> = schema
        .fields()
        .iter()
        .map(|f| SchemaColumn {
            name: f.name().clone(),
            wrong_type: (!is_text(f.data_type())).then(|| f.data_type().to_string()),
        })
        .collect();
    let check = SchemaCheck {
        path: source,
        columns: &columns,
        kind: "",
        expected: "a string",
    };
    check.required()?;
    let mut sel = Selector::new(opts);
    check.selected(&mut sel)?;
    let mut rows = BatchRows::new(sel);
    let mut n = 0u64;
    for batch in batches {
        let batch = batch.map_err(|e| {
            ReadError::data(
                source,
                Location::Row(n),
                None,
                format!("cannot read Arrow data: {e}"),
            )
        })?;
        rows.push(&batch, n)
            .map_err(|(p, row)| p.at(source, Location::Row(row)))?;
        n += batch.num_rows() as u64;
    }
    if n == 0 {
        return Err(ReadError::data(
            source,
            Location::File,
            None,
            "no rows: the table is empty",
        ));
    }
    rows.finish(source)
}

/// Whether a column type holds text that model, winner and language columns accept.
pub(crate) fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => matches!(
            v.as_ref(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ),
        _ => false,
    }
}

/// A top-level column as the schema checks see it.
pub(crate) struct SchemaColumn {
    pub name: String,
    /// `Some(type)` when the column is not text.
    pub wrong_type: Option<String>,
}

/// The schema checks done before any row is read: the required columns exist and hold text;
/// every `--where` column and, when asked for, the language or category column exists.
pub(crate) struct SchemaCheck<'a> {
    pub path: &'a Path,
    pub columns: &'a [SchemaColumn],
    /// The format word in "wrong … schema" (`"Parquet "`, or empty).
    pub kind: &'a str,
    /// What a required column should be, e.g. "a string (BYTE_ARRAY)".
    pub expected: &'a str,
}

impl SchemaCheck<'_> {
    fn err(&self, field: &str, msg: String) -> ReadError {
        ReadError::data(self.path, Location::File, Some(field), msg)
    }

    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name)
    }

    pub fn required(&self) -> Result<(), ReadError> {
        for req in ["model_a", "model_b", "winner"] {
            let Some(c) = self.columns.iter().find(|c| c.name == req) else {
                return Err(self.err(
                    req,
                    format!(
                        "wrong {}schema: missing required column (columns: {})",
                        self.kind,
                        self.column_list()
                    ),
                ));
            };
            if let Some(got) = &c.wrong_type {
                return Err(self.err(
                    req,
                    format!(
                        "wrong {}schema: column has type {got}, expected {}",
                        self.kind, self.expected
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn selected(&self, sel: &mut Selector) -> Result<(), ReadError> {
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
}

/// Turns batches into battles row by row, with one [`Selector`] and [`Builder`] throughout.
/// Names are interned in the order a row-by-row reader meets them (columns in schema order),
/// so the model ids equal those of the other readers.
pub(crate) struct BatchRows {
    sel: Selector,
    b: Builder,
    data: RowData,
    /// Model-id caches of the dictionary-encoded columns, by column position.
    caches: Vec<DictCache>,
}

/// Model ids of one dictionary's entries, filled as rows first use them. The dictionary is
/// held so that the next batch can be checked to share it (arrow-rs hands every batch of a
/// column chunk the same dictionary) without the address being reused by another array.
#[derive(Default)]
struct DictCache {
    values: Option<ArrayRef>,
    ids: Vec<u32>,
}

impl DictCache {
    /// Reset unless `values` is the dictionary already cached.
    fn prepare(&mut self, values: &ArrayRef) {
        if self.values.as_ref().is_some_and(|v| Arc::ptr_eq(v, values)) {
            return;
        }
        self.values = Some(values.clone());
        self.ids.clear();
        self.ids.resize(values.len(), u32::MAX);
    }
}

/// What a column is for, decided once per batch from its name.
struct Role {
    known: Known,
    filter: Option<usize>,
}

impl BatchRows {
    pub fn new(sel: Selector) -> Self {
        BatchRows {
            sel,
            b: Builder::new(),
            data: RowData::default(),
            caches: Vec::new(),
        }
    }

    /// Read every row of `batch`, whose first row is row `first` of the input. On a bad row,
    /// the problem and that row's number.
    pub fn push(&mut self, batch: &RecordBatch, first: u64) -> Result<(), (Problem, u64)> {
        let schema = batch.schema();
        let roles: Vec<Role> = schema
            .fields()
            .iter()
            .map(|f| Role {
                known: classify(f.name()),
                filter: self.sel.column_index(f.name()),
            })
            .collect();
        let cells: Vec<Cells<'_>> = batch.columns().iter().map(Cells::new).collect();
        if self.caches.len() < cells.len() {
            self.caches.resize_with(cells.len(), DictCache::default);
        }
        for (c, cache) in cells.iter().zip(&mut self.caches) {
            if let Cells::Dict(d) = c {
                cache.prepare(d.array.values());
            }
        }
        let n_filters = self.sel.columns.len();
        for i in 0..batch.num_rows() {
            self.data.reset(n_filters);
            self.row(&roles, &cells, i)
                .and_then(|()| finish_row(&self.data, &mut self.sel, &mut self.b))
                .map_err(|p| (p, first + i as u64))?;
        }
        Ok(())
    }

    fn row(&mut self, roles: &[Role], cells: &[Cells<'_>], i: usize) -> Result<(), Problem> {
        let d = &mut self.data;
        for ((role, c), cache) in roles.iter().zip(cells).zip(&mut self.caches) {
            if let Some(k) = role.filter {
                d.filter_vals[k] = Some(text(&c.get(i)));
            }
            match role.known {
                Known::ModelA => d.a = model(c, cache, i, "model_a", &mut self.b)?,
                Known::ModelB => d.b = model(c, cache, i, "model_b", &mut self.b)?,
                Known::Winner => d.winner = winner(&c.get(i))?,
                Known::Anony => d.anony = anony(&c.get(i))?,
                Known::Tstamp => d.tstamp = time(&c.get(i), "tstamp")?,
                Known::Timestamp => d.timestamp = time(&c.get(i), "timestamp")?,
                Known::Weight => d.weight = weight(&c.get(i))?,
                Known::Language => language(&c.get(i), d)?,
                Known::ConvMetadata => d.meta = conv_metadata(&c.get(i))?,
                Known::DedupTag => d.dedup_sampled = dedup_sampled(&c.get(i)),
                Known::CategoryTag => {
                    if self.sel.category.is_some() {
                        d.category_flag = category(&mut self.sel, &c.get(i));
                    }
                }
                Known::Style(k) => d.flat[k] = count(&c.get(i), STYLE_NAMES[k][0])?,
                Known::Other => {}
            }
        }
        Ok(())
    }

    /// After the last batch: the selection checks, then the set (unused names dropped).
    pub fn finish(self, source: &Path) -> Result<BattleSet, ReadError> {
        self.sel.check_seen(source, "column")?;
        Ok(self.b.finish())
    }

    /// The rows read so far, names not yet compacted (for concatenating row groups read in
    /// parallel: compacting each part would change the order of first appearance).
    pub fn into_parts(self) -> (Selector, BattleSet) {
        (self.sel, self.b.set)
    }
}

/// One value of a row, typed as much as the readers care.
enum Cell<'a> {
    Null,
    Str(&'a str),
    Num(f64),
    Bool(bool),
    /// Seconds since the epoch, from a timestamp or date column.
    Time(f64),
    Struct(&'a StructArray, usize),
    Map(&'a MapArray, usize),
    /// Anything else, by the word errors use for it.
    Other(&'static str),
}

fn kind(c: &Cell) -> &'static str {
    match c {
        Cell::Null => "null",
        Cell::Str(_) => "a string",
        Cell::Num(_) => "a number",
        Cell::Bool(_) => "a boolean",
        Cell::Time(_) => "a timestamp",
        Cell::Struct(..) => "a struct",
        Cell::Map(..) => "a map",
        Cell::Other(k) => k,
    }
}

/// A value as error messages quote it.
fn shown(c: &Cell) -> String {
    match c {
        Cell::Str(s) => format!("{s:?}"),
        Cell::Num(v) | Cell::Time(v) => v.to_string(),
        Cell::Bool(b) => b.to_string(),
        other => kind(other).to_owned(),
    }
}

/// Text of a value for `--where`: strings bare, numbers and booleans as written.
fn text(c: &Cell) -> String {
    match c {
        Cell::Str(s) => (*s).to_owned(),
        Cell::Null => "null".to_owned(),
        other => shown(other),
    }
}

/// A text column, plain or as the values of a dictionary.
enum Text<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Text<'a> {
    fn new(a: &'a dyn Array) -> Option<Text<'a>> {
        if let Some(s) = a.as_string_opt::<i32>() {
            Some(Text::Utf8(s))
        } else if let Some(s) = a.as_string_opt::<i64>() {
            Some(Text::Large(s))
        } else {
            a.as_string_view_opt().map(Text::View)
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(s) => s.is_valid(i).then(|| s.value(i)),
            Text::Large(s) => s.is_valid(i).then(|| s.value(i)),
            Text::View(s) => s.is_valid(i).then(|| s.value(i)),
        }
    }
}

/// A dictionary-encoded text column: per-row keys into `values`, `NULL_KEY` for a null row
/// (resolved once per batch, so a row costs one lookup).
struct Dict<'a> {
    array: &'a dyn arrow_array::AnyDictionaryArray,
    keys: Vec<usize>,
    values: Text<'a>,
}

const NULL_KEY: usize = usize::MAX;

impl<'a> Dict<'a> {
    fn new(array: &'a dyn arrow_array::AnyDictionaryArray, values: Text<'a>) -> Dict<'a> {
        let mut keys = array.normalized_keys();
        let values_have_nulls = array.values().null_count() > 0;
        if array.null_count() > 0 || values_have_nulls {
            for (i, k) in keys.iter_mut().enumerate() {
                if array.is_null(i) || (values_have_nulls && values.get(*k).is_none()) {
                    *k = NULL_KEY;
                }
            }
        }
        Dict {
            array,
            keys,
            values,
        }
    }

    /// The dictionary entry of row `i`, `None` if the row is null.
    #[inline]
    fn key(&self, i: usize) -> Option<usize> {
        let k = self.keys[i];
        (k != NULL_KEY).then_some(k)
    }
}

/// One column of a batch, downcast once so that each row is a cheap lookup.
enum Cells<'a> {
    Text(Text<'a>),
    Dict(Dict<'a>),
    /// Numbers (any integer or float width), timestamps and dates (`time`), converted to f64
    /// column by column.
    Num {
        values: Vec<f64>,
        /// Per row, whether it is null (`None`: no nulls).
        nulls: Option<Vec<bool>>,
        time: bool,
    },
    Bool(&'a BooleanArray),
    Null,
    Nested(&'a dyn Array),
}

macro_rules! prim {
    ($t:ty, $div:expr) => {
        |a: &dyn Array, i: usize| a.as_primitive::<$t>().value(i) as f64 / $div
    };
}

/// A whole numeric column as f64 (seconds for times), in one tight loop per type; and whether
/// it is a time. Null slots hold whatever the buffer holds.
fn f64_column(a: &dyn Array) -> Option<(Vec<f64>, bool)> {
    macro_rules! conv {
        ($t:ty, $div:expr) => {
            a.as_primitive::<$t>()
                .values()
                .iter()
                .map(|&v| v as f64 / $div)
                .collect()
        };
    }
    let v: Vec<f64> = match a.data_type() {
        DataType::Int8 => conv!(Int8Type, 1.0),
        DataType::Int16 => conv!(Int16Type, 1.0),
        DataType::Int32 => conv!(Int32Type, 1.0),
        DataType::Int64 => conv!(Int64Type, 1.0),
        DataType::UInt8 => conv!(UInt8Type, 1.0),
        DataType::UInt16 => conv!(UInt16Type, 1.0),
        DataType::UInt32 => conv!(UInt32Type, 1.0),
        DataType::UInt64 => conv!(UInt64Type, 1.0),
        DataType::Float32 => conv!(Float32Type, 1.0),
        DataType::Float64 => conv!(Float64Type, 1.0),
        DataType::Float16 | DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => {
            let (f, time) = numeric(a.data_type())?;
            return Some(((0..a.len()).map(|i| f(a, i)).collect(), time));
        }
        _ => return None,
    };
    Some((v, false))
}

/// Reads row `i` of a numeric column as f64 (seconds for times).
type NumFn = fn(&dyn Array, usize) -> f64;

/// The reader of a numeric column, and whether it is a time.
fn numeric(t: &DataType) -> Option<(NumFn, bool)> {
    let f: NumFn = match t {
        DataType::Int8 => prim!(Int8Type, 1.0),
        DataType::Int16 => prim!(Int16Type, 1.0),
        DataType::Int32 => prim!(Int32Type, 1.0),
        DataType::Int64 => prim!(Int64Type, 1.0),
        DataType::UInt8 => prim!(UInt8Type, 1.0),
        DataType::UInt16 => prim!(UInt16Type, 1.0),
        DataType::UInt32 => prim!(UInt32Type, 1.0),
        DataType::UInt64 => prim!(UInt64Type, 1.0),
        DataType::Float16 => {
            |a: &dyn Array, i: usize| a.as_primitive::<Float16Type>().value(i).to_f64()
        }
        DataType::Float32 => prim!(Float32Type, 1.0),
        DataType::Float64 => prim!(Float64Type, 1.0),
        DataType::Timestamp(TimeUnit::Second, _) => {
            return Some((prim!(TimestampSecondType, 1.0), true));
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            return Some((prim!(TimestampMillisecondType, 1e3), true));
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            return Some((prim!(TimestampMicrosecondType, 1e6), true));
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            return Some((prim!(TimestampNanosecondType, 1e9), true));
        }
        DataType::Date32 => {
            let f: NumFn = |a, i| f64::from(a.as_primitive::<Date32Type>().value(i)) * 86_400.0;
            return Some((f, true));
        }
        DataType::Date64 => return Some((prim!(Date64Type, 1e3), true)),
        _ => return None,
    };
    Some((f, false))
}

impl<'a> Cells<'a> {
    fn new(a: &'a ArrayRef) -> Cells<'a> {
        let a: &dyn Array = a.as_ref();
        if let Some(t) = Text::new(a) {
            return Cells::Text(t);
        }
        if let Some(d) = a.as_any_dictionary_opt()
            && let Some(values) = Text::new(d.values().as_ref())
        {
            return Cells::Dict(Dict::new(d, values));
        }
        if let Some((values, time)) = f64_column(a) {
            let nulls = (a.null_count() > 0).then(|| (0..a.len()).map(|i| a.is_null(i)).collect());
            return Cells::Num {
                values,
                nulls,
                time,
            };
        }
        match a.data_type() {
            DataType::Boolean => Cells::Bool(a.as_boolean()),
            DataType::Null => Cells::Null,
            _ => Cells::Nested(a),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Cell<'a> {
        match self {
            Cells::Text(t) => t.get(i).map_or(Cell::Null, Cell::Str),
            Cells::Dict(d) => match d.key(i) {
                Some(k) => d.values.get(k).map_or(Cell::Null, Cell::Str),
                None => Cell::Null,
            },
            Cells::Num {
                values,
                nulls,
                time,
            } => {
                if nulls.as_ref().is_some_and(|n| n[i]) {
                    Cell::Null
                } else if *time {
                    Cell::Time(values[i])
                } else {
                    Cell::Num(values[i])
                }
            }
            Cells::Bool(a) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Bool(a.value(i))
                }
            }
            Cells::Null => Cell::Null,
            Cells::Nested(a) => cell_at(*a, i),
        }
    }
}

/// Row `i` of any array (the slow, general path: nested fields).
fn cell_at(a: &dyn Array, i: usize) -> Cell<'_> {
    if a.data_type() == &DataType::Null || a.is_null(i) {
        return Cell::Null;
    }
    if let Some(t) = Text::new(a) {
        return t.get(i).map_or(Cell::Null, Cell::Str);
    }
    if let Some(d) = a.as_any_dictionary_opt() {
        let k = d.normalized_keys()[i];
        return cell_at(d.values().as_ref(), k);
    }
    if let Some((f, time)) = numeric(a.data_type()) {
        let v = f(a, i);
        return if time { Cell::Time(v) } else { Cell::Num(v) };
    }
    match a.data_type() {
        DataType::Boolean => Cell::Bool(a.as_boolean().value(i)),
        DataType::Struct(_) => Cell::Struct(a.as_struct(), i),
        DataType::Map(..) => Cell::Map(a.as_map(), i),
        DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) => Cell::Other("a list"),
        DataType::FixedSizeList(..) => Cell::Other("a list"),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Cell::Other("a string"),
        _ => Cell::Other("another type"),
    }
}

/// The (name, value) pairs of a struct row.
fn struct_fields<'a>(s: &'a StructArray, i: usize) -> impl Iterator<Item = (&'a str, Cell<'a>)> {
    s.fields()
        .iter()
        .zip(s.columns())
        .map(move |(f, c)| (f.name().as_str(), cell_at(c.as_ref(), i)))
}

/// A model name; a dictionary entry is interned the first time a row uses it.
#[inline]
fn model(
    c: &Cells<'_>,
    cache: &mut DictCache,
    i: usize,
    field: &str,
    b: &mut Builder,
) -> Result<Option<u32>, Problem> {
    if let Cells::Dict(d) = c {
        let Some(k) = d.key(i) else { return Ok(None) };
        let id = cache.ids[k];
        if id != u32::MAX {
            return Ok(Some(id));
        }
        let id = model_name(&c.get(i), field, b)?;
        if let Some(id) = id {
            cache.ids[k] = id;
        }
        return Ok(id);
    }
    model_name(&c.get(i), field, b)
}

fn model_name(c: &Cell, field: &str, b: &mut Builder) -> Result<Option<u32>, Problem> {
    match c {
        Cell::Str("") => Err(Problem::new(field, "empty model name")),
        Cell::Str(s) => Ok(Some(b.intern(s))),
        Cell::Null => Ok(None),
        other => Err(Problem::new(
            field,
            format!("expected a model name string, got {}", kind(other)),
        )),
    }
}

/// The winner label; null means a row without a winner.
#[inline]
fn winner(c: &Cell) -> Result<Option<Winner>, Problem> {
    match c {
        Cell::Str(s) => Ok(Some(Winner::parse(s).ok_or_else(|| unknown_winner(s))?)),
        Cell::Null => Ok(None),
        other => Err(Problem::new(
            "winner",
            format!("expected a winner label string, got {}", kind(other)),
        )),
    }
}

/// The anonymity flag, as a boolean, a "true"/"false"-like string or a 0/1 number.
#[inline]
fn anony(c: &Cell) -> Result<Option<bool>, Problem> {
    match c {
        Cell::Bool(v) => Ok(Some(*v)),
        Cell::Null => Ok(None),
        Cell::Str(s) if parse_bool(s).is_some() => Ok(parse_bool(s)),
        Cell::Num(v) if *v == 0.0 || *v == 1.0 => Ok(Some(*v == 1.0)),
        other => Err(Problem::new(
            "anony",
            format!("expected true/false/1/0, got {}", shown(other)),
        )),
    }
}

/// The row weight, as a number or a numeric string, checked by `check_weight`.
#[inline]
fn weight(c: &Cell) -> Result<Option<f64>, Problem> {
    match c {
        Cell::Null => Ok(None),
        Cell::Str(s) => match s.trim().parse::<f64>() {
            Ok(v) => Ok(Some(check_weight(v, "weight")?)),
            Err(_) => Err(Problem::new(
                "weight",
                format!("expected a number, got {s:?}"),
            )),
        },
        Cell::Num(v) => Ok(Some(check_weight(*v, "weight")?)),
        other => Err(Problem::new(
            "weight",
            format!("expected a number, got {}", kind(other)),
        )),
    }
}

/// The language, appended to the row's reused buffer (no per-row allocation).
#[inline]
fn language(c: &Cell, d: &mut RowData) -> Result<(), Problem> {
    match c {
        Cell::Str(s) => {
            d.has_language = true;
            d.language.push_str(s);
            Ok(())
        }
        Cell::Null => Ok(()),
        other => Err(Problem::new(
            "language",
            format!("expected a string, got {}", kind(other)),
        )),
    }
}

/// The style counts nested in the `conv_metadata` struct, in `STYLE_NAMES` order.
fn conv_metadata(c: &Cell) -> Result<Option<[Option<f64>; 8]>, Problem> {
    match c {
        Cell::Struct(s, i) => {
            let mut out = [None; 8];
            for (k, v) in struct_fields(s, *i) {
                if let Some(j) = style_index(k) {
                    out[j] = count(&v, &format!("conv_metadata.{k}"))?;
                }
            }
            Ok(Some(out))
        }
        Cell::Null => Ok(None),
        other => Err(Problem::new(
            "conv_metadata",
            format!("expected a struct, got {}", kind(other)),
        )),
    }
}

/// Whether the `dedup_tag` struct marks the row as sampled; anything unreadable counts as absent.
fn dedup_sampled(c: &Cell) -> Option<bool> {
    match c {
        Cell::Struct(s, i) => Some(struct_fields(s, *i).any(|(k, v)| {
            k == "sampled"
                && match v {
                    Cell::Bool(b) => b,
                    Cell::Str(s) => parse_bool(s).unwrap_or(false),
                    Cell::Num(x) => x != 0.0,
                    _ => false,
                }
        })),
        _ => None,
    }
}

fn time(c: &Cell, field: &str) -> Result<Option<f64>, Problem> {
    let bad = |got: String| {
        Problem::new(
            field,
            format!("expected epoch seconds or an ISO-8601 date-time, got {got}"),
        )
    };
    match c {
        Cell::Null => Ok(None),
        Cell::Str(s) if s.trim().is_empty() => Ok(None),
        Cell::Str(s) => parse_tstamp(s)
            .map(Some)
            .ok_or_else(|| bad(format!("{s:?}"))),
        Cell::Time(v) => Ok(Some(*v)),
        Cell::Num(v) if v.is_finite() => Ok(Some(*v)),
        other => Err(bad(shown(other))),
    }
}

/// A style count: a number, or a struct/map whose numeric values are summed (nulls add 0).
fn count(c: &Cell, field: &str) -> Result<Option<f64>, Problem> {
    let bad =
        |got: &str| Problem::new(field, format!("expected a style count (number), got {got}"));
    match c {
        Cell::Null => Ok(None),
        Cell::Struct(s, i) => {
            let mut sum = 0.0;
            for (_, v) in struct_fields(s, *i) {
                sum += count(&v, field)?.unwrap_or(0.0);
            }
            Ok(Some(sum))
        }
        Cell::Map(m, i) => {
            let offsets = m.value_offsets();
            let (start, end) = (offsets[*i] as usize, offsets[*i + 1] as usize);
            let mut sum = 0.0;
            for j in start..end {
                sum += count(&cell_at(m.values().as_ref(), j), field)?.unwrap_or(0.0);
            }
            Ok(Some(sum))
        }
        Cell::Str(s) => match s.trim().parse::<f64>() {
            Ok(v) => check_style(v, field).map(Some),
            Err(_) => Err(bad(&format!("{s:?}"))),
        },
        Cell::Num(v) => check_style(*v, field).map(Some),
        other => Err(bad(kind(other))),
    }
}

/// `Some(flag)` if the requested category key occurs as a boolean anywhere in `category_tag`.
fn category(sel: &mut Selector, c: &Cell) -> Option<bool> {
    let Cell::Struct(s, i) = c else { return None };
    let mut flag = None;
    for (k, v) in struct_fields(s, *i) {
        match v {
            Cell::Bool(b) if sel.note_category_key(k) => {
                flag = Some(flag.unwrap_or(false) || b);
            }
            Cell::Struct(..) => {
                if let Some(x) = category(sel, &v) {
                    flag = Some(flag.unwrap_or(false) || x);
                }
            }
            _ => {}
        }
    }
    flag
}
