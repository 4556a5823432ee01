//! Parquet files of LMArena's `arena-human-preference-*` datasets, decoded by arrow-rs into
//! record batches and read by the Arrow path ([`crate::arrow_reader`]). Only the columns a
//! battle needs are projected, so the conversation columns — nearly all of the bytes — are never
//! decoded; model and winner columns stay dictionary-encoded, so a model name is looked up once
//! per dictionary entry; row groups are decoded in parallel and joined in file order.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema as ArrowSchema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::Type as PhysicalType;
use rayon::prelude::*;

use crate::ReadOptions;
use crate::arrow_reader::{BatchRows, SchemaCheck, SchemaColumn};
use crate::error::{Location, ReadError};
use crate::fields::{Known, classify};
use crate::select::Selector;
use crate::set::BattleSet;

/// Rows per record batch: large enough that per-batch set-up is noise, small enough that a
/// batch of the projected columns stays in cache-friendly megabytes.
const BATCH_ROWS: usize = 64 * 1024;

pub(crate) fn read(path: &Path, opts: &ReadOptions) -> Result<BattleSet, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let not_parquet = |e: parquet::errors::ParquetError| {
        ReadError::data(
            path,
            Location::File,
            None,
            format!("not a readable Parquet file: {e}"),
        )
    };
    let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(not_parquet)?;
    let parquet_schema = meta.parquet_schema();
    let fields = parquet_schema.root_schema().get_fields();
    let columns: Vec<SchemaColumn> = fields
        .iter()
        .map(|f| SchemaColumn {
            name: f.name().to_owned(),
            wrong_type: if !f.is_primitive() {
                Some("a group".to_owned())
            } else if f.get_physical_type() == PhysicalType::BYTE_ARRAY {
                None
            } else {
                Some(f.get_physical_type().to_string())
            },
        })
        .collect();
    let check = SchemaCheck {
        path,
        columns: &columns,
        kind: "Parquet ",
        expected: "a string (BYTE_ARRAY)",
    };
    check.required()?;
    let mut sel = Selector::new(opts);
    check.selected(&mut sel)?;

    // Only known battle columns and `--where` columns are decoded.
    let wanted: Vec<usize> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            !matches!(classify(f.name()), Known::Other) || sel.column_index(f.name()).is_some()
        })
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::roots(parquet_schema, wanted);
    let meta = with_dictionary_hints(meta);

    let row_groups = meta.metadata().row_groups();
    // arrow-rs asserts (panics) on a column chunk whose byte range is negative; a corrupt
    // footer can say so. Checked here so that such a file is an error like any other.
    let file_len = file.metadata().map_err(|e| ReadError::io(path, e))?.len();
    for (r, rg) in row_groups.iter().enumerate() {
        for (c, col) in rg.columns().iter().enumerate() {
            let start = col
                .dictionary_page_offset()
                .unwrap_or_else(|| col.data_page_offset());
            let len = col.compressed_size();
            let end = u64::try_from(start)
                .ok()
                .zip(u64::try_from(len).ok())
                .and_then(|(s, l)| s.checked_add(l));
            if end.is_none_or(|e| e > file_len) {
                return Err(ReadError::data(
                    path,
                    Location::File,
                    None,
                    format!(
                        "not a readable Parquet file: row group {r}, column {c} lies outside the file (offset {start}, {len} bytes, file {file_len} bytes)"
                    ),
                ));
            }
        }
    }
    let mut first_rows = Vec::with_capacity(row_groups.len());
    let mut total = 0u64;
    for rg in row_groups {
        first_rows.push(total);
        total += u64::try_from(rg.num_rows()).unwrap_or(0);
    }
    if total == 0 {
        return Err(ReadError::data(
            path,
            Location::File,
            None,
            "no rows: the Parquet file is empty",
        ));
    }
    let parts: Vec<Result<(Selector, BattleSet), ReadError>> = first_rows
        .par_iter()
        .enumerate()
        .map(|(rg, &first)| {
            // arrow-rs still asserts on some corrupt pages (the fuzzer's Parquet cases 41130 and
            // 78036: "Decoder for dict should have been set"); such a file is an error too.
            CATCHING.with(|c| c.set(true));
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_row_group(path, &meta, &mask, rg, first, sel.clone())
            }));
            CATCHING.with(|c| c.set(false));
            read.unwrap_or_else(|panic| {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "the decoder stopped".into());
                Err(ReadError::data(
                    path,
                    Location::File,
                    None,
                    format!(
                        "not a readable Parquet file: row group {rg} cannot be decoded ({why})"
                    ),
                ))
            })
        })
        .collect();
    let mut all: Option<BattleSet> = None;
    for part in parts {
        let (part_sel, set) = part?;
        sel.merge(part_sel);
        match &mut all {
            None => all = Some(set),
            Some(a) => a.append(set),
        }
    }
    sel.check_seen(path, "column")?;
    let mut set = all.unwrap_or_default();
    set.compact();
    Ok(set)
}

thread_local! {
    /// Set while this thread decodes a row group under the panic guard above.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic on this thread happens inside a Parquet row-group decode that the reader
/// catches and reports as "not a readable Parquet file". A binary's panic hook can stay silent
/// about such a panic (the user gets the clear error instead of arrow-rs' assertion text).
pub fn panic_is_caught() -> bool {
    CATCHING.with(|c| c.get())
}

/// Ask arrow-rs to keep text columns whose values repeat (models, winner, language)
/// dictionary-encoded, as Parquet stores them, instead of expanding every row's string.
fn with_dictionary_hints(meta: ArrowReaderMetadata) -> ArrowReaderMetadata {
    let schema = meta.schema();
    let fields: Vec<Arc<Field>> = schema
        .fields()
        .iter()
        .map(|f| {
            let repeats = matches!(
                classify(f.name()),
                Known::ModelA | Known::ModelB | Known::Winner | Known::Language
            );
            let text = matches!(
                f.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            );
            if repeats && text {
                Arc::new(f.as_ref().clone().with_data_type(DataType::Dictionary(
                    Box::new(DataType::Int32),
                    Box::new(DataType::Utf8),
                )))
            } else {
                f.clone()
            }
        })
        .collect();
    let hinted = Arc::new(ArrowSchema::new_with_metadata(
        fields,
        schema.metadata().clone(),
    ));
    let options = ArrowReaderOptions::new().with_schema(hinted);
    // A schema arrow-rs will not take as a hint is read as the file says.
    ArrowReaderMetadata::try_new(meta.metadata().clone(), options).unwrap_or(meta)
}

/// One row group's battles (names not compacted) and what its selector saw. Each group opens
/// the file anew: a shared handle would share its seek position between threads.
fn read_row_group(
    path: &Path,
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    rg: usize,
    first: u64,
    sel: Selector,
) -> Result<(Selector, BattleSet), ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta.clone())
        .with_projection(mask.clone())
        .with_row_groups(vec![rg])
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| {
            ReadError::data(
                path,
                Location::File,
                None,
                format!("cannot read Parquet rows: {e}"),
            )
        })?;
    let mut rows = BatchRows::new(sel);
    let mut n = first;
    for batch in reader {
        let batch = batch.map_err(|e| {
            ReadError::data(
                path,
                Location::Row(n),
                None,
                format!("Parquet decode error: {e}"),
            )
        })?;
        rows.push(&batch, n)
            .map_err(|(p, row)| p.at(path, Location::Row(row)))?;
        n += batch.num_rows() as u64;
    }
    Ok(rows.into_parts())
}
