//! Parquet files `versus data add` takes in: the column names that decide the kind, and LMArena's
//! leaderboard dataset rows. (Vote releases in Parquet go through `versus_battles`.)

use std::fs::File;
use std::path::Path;

use anyhow::Result;
use arrow_array::{Array, ArrayRef, RecordBatch, cast::AsArray, types};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use versus_race::overlay::{self, LeaderboardRecord};

use crate::input_error;

fn open(path: &Path, name: &str) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).map_err(|e| input_error(format!("{name}: {e}")))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| input_error(format!("{name}: not a readable Parquet file: {e}")))
}

/// The top-level column names of a Parquet file.
pub fn columns(path: &Path, name: &str) -> Result<Vec<String>> {
    Ok(open(path, name)?
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// One cell as text: strings (plain, large, view, dictionary), dates and timestamps as
/// YYYY-MM-DD (a publication date is a day); `None` for null.
fn text_at(column: &ArrayRef, row: usize) -> Option<String> {
    if column.is_null(row) {
        return None;
    }
    let day = |days: i64| versus_race::Date::from_days_since_epoch(days).to_string();
    Some(match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => column.as_string_view().value(row).to_string(),
        DataType::Dictionary(_, _) => return None,
        DataType::Date32 => day(column.as_primitive::<types::Date32Type>().value(row) as i64),
        DataType::Date64 => day(column
            .as_primitive::<types::Date64Type>()
            .value(row)
            .div_euclid(86_400_000)),
        DataType::Timestamp(unit, _) => {
            let per_day: i64 = match unit {
                TimeUnit::Second => 86_400,
                TimeUnit::Millisecond => 86_400_000,
                TimeUnit::Microsecond => 86_400_000_000,
                TimeUnit::Nanosecond => 86_400_000_000_000,
            };
            let v = match unit {
                TimeUnit::Second => column
                    .as_primitive::<types::TimestampSecondType>()
                    .value(row),
                TimeUnit::Millisecond => column
                    .as_primitive::<types::TimestampMillisecondType>()
                    .value(row),
                TimeUnit::Microsecond => column
                    .as_primitive::<types::TimestampMicrosecondType>()
                    .value(row),
                TimeUnit::Nanosecond => column
                    .as_primitive::<types::TimestampNanosecondType>()
                    .value(row),
            };
            day(v.div_euclid(per_day))
        }
        _ => return None,
    })
}

/// A whole column as text; a dictionary column's values are read once.
fn text_column(column: &ArrayRef) -> Vec<Option<String>> {
    if let DataType::Dictionary(_, _) = column.data_type() {
        let dict = column.as_any_dictionary();
        let values = text_column(dict.values());
        return dict
            .normalized_keys()
            .into_iter()
            .enumerate()
            .map(|(row, key)| {
                if column.is_null(row) {
                    None
                } else {
                    values.get(key).cloned().flatten()
                }
            })
            .collect();
    }
    (0..column.len()).map(|row| text_at(column, row)).collect()
}

/// Whether a column holds text (or dates) [`text_at`] can read.
fn is_textual(t: &DataType) -> bool {
    match t {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _) => true,
        DataType::Dictionary(_, v) => is_textual(v),
        _ => false,
    }
}

fn is_numeric(t: &DataType) -> bool {
    t.is_integer() || t.is_floating()
}

fn number_at(column: &ArrayRef, row: usize) -> Option<f64> {
    if column.is_null(row) {
        return None;
    }
    Some(match column.data_type() {
        DataType::Float64 => column.as_primitive::<types::Float64Type>().value(row),
        DataType::Float32 => column.as_primitive::<types::Float32Type>().value(row) as f64,
        DataType::Int64 => column.as_primitive::<types::Int64Type>().value(row) as f64,
        DataType::Int32 => column.as_primitive::<types::Int32Type>().value(row) as f64,
        DataType::Int16 => column.as_primitive::<types::Int16Type>().value(row) as f64,
        DataType::Int8 => column.as_primitive::<types::Int8Type>().value(row) as f64,
        DataType::UInt64 => column.as_primitive::<types::UInt64Type>().value(row) as f64,
        DataType::UInt32 => column.as_primitive::<types::UInt32Type>().value(row) as f64,
        DataType::UInt16 => column.as_primitive::<types::UInt16Type>().value(row) as f64,
        DataType::UInt8 => column.as_primitive::<types::UInt8Type>().value(row) as f64,
        _ => return None,
    })
}

const TEXT_COLUMNS: [&str; 5] = [
    "model_name",
    "organization",
    "license",
    "category",
    "leaderboard_publish_date",
];

/// Reads LMArena's leaderboard dataset rows from a Parquet file, checking the schema (names and
/// types) before any row, then validates them whole ([`overlay::leaderboard_rows`]).
pub fn leaderboard_rows(
    path: &Path,
    name: &str,
    style_control: bool,
) -> Result<overlay::LeaderboardRows> {
    let builder = open(path, name)?;
    let schema = builder.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    overlay::check_leaderboard_columns(name, &names).map_err(|e| input_error(e.to_string()))?;
    for field in schema.fields() {
        let textual = TEXT_COLUMNS.contains(&field.name().as_str());
        let ok = if textual {
            is_textual(field.data_type())
        } else {
            is_numeric(field.data_type())
        };
        if !ok && overlay::LEADERBOARD_ROW_COLUMNS.contains(&field.name().as_str()) {
            return Err(input_error(format!(
                "{name}: column `{}` is {}, expected {}",
                field.name(),
                field.data_type(),
                if textual {
                    "a string (or a date)"
                } else {
                    "a number"
                }
            )));
        }
    }
    let reader = builder
        .build()
        .map_err(|e| input_error(format!("{name}: not a readable Parquet file: {e}")))?;
    let mut records = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| {
            input_error(format!(
                "{name}: the Parquet data end early or are damaged after {} rows: {e}",
                records.len()
            ))
        })?;
        let col = |n: &str| -> Result<&ArrayRef> {
            batch
                .column_by_name(n)
                .ok_or_else(|| input_error(format!("{name}: missing column `{n}`")))
        };
        let (model, org, license, category, date) = (
            text_column(col("model_name")?),
            text_column(col("organization")?),
            text_column(col("license")?),
            text_column(col("category")?),
            text_column(col("leaderboard_publish_date")?),
        );
        let (rating, lower, upper, variance, votes, rank) = (
            col("rating")?,
            col("rating_lower")?,
            col("rating_upper")?,
            col("variance")?,
            col("vote_count")?,
            col("rank")?,
        );
        for row in 0..batch.num_rows() {
            let text = |c: &[Option<String>]| c[row].clone().unwrap_or_default();
            records.push(LeaderboardRecord {
                line: records.len() as u64 + 1,
                model_name: text(&model),
                organization: text(&org),
                license: text(&license),
                rating: number_at(rating, row),
                rating_lower: number_at(lower, row),
                rating_upper: number_at(upper, row),
                variance: number_at(variance, row),
                vote_count: number_at(votes, row),
                rank: number_at(rank, row),
                category: text(&category),
                leaderboard_publish_date: text(&date).chars().take(10).collect(),
            });
        }
    }
    overlay::leaderboard_rows(name, &records, style_control)
        .map_err(|e| input_error(e.to_string().replace(", line ", ", row ")))
}
