//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// A file of the repository's test data (`testdata/`, see its SOURCES.md).
pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// A file of the repository's bundled data (`data/`), which the binary ships.
pub fn repo_data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

pub fn malformed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(name)
}

pub fn test_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A scratch file path unique to this test process.
pub fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("versus-battles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create tmp dir");
    dir.join(name)
}

pub enum Col {
    Str(Vec<&'static str>),
    I32(Vec<i32>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

/// Write a flat Parquet file whose columns are all REQUIRED, in `schema` order.
pub fn write_parquet(path: &Path, schema: &str, cols: Vec<Col>) {
    let schema = Arc::new(parse_message_type(schema).expect("schema"));
    let file = std::fs::File::create(path).expect("create parquet");
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(file, schema, props).expect("writer");
    let mut rg = w.next_row_group().expect("row group");
    let mut cols = cols.into_iter();
    while let Some(mut cw) = rg.next_column().expect("column") {
        match cols.next().expect("as many columns as the schema") {
            Col::Str(v) => {
                let vals: Vec<ByteArray> = v.iter().map(|s| ByteArray::from(*s)).collect();
                cw.typed::<ByteArrayType>()
                    .write_batch(&vals, None, None)
                    .expect("write");
            }
            Col::I32(v) => {
                cw.typed::<Int32Type>()
                    .write_batch(&v, None, None)
                    .expect("write");
            }
            Col::F64(v) => {
                cw.typed::<DoubleType>()
                    .write_batch(&v, None, None)
                    .expect("write");
            }
            Col::Bool(v) => {
                cw.typed::<BoolType>()
                    .write_batch(&v, None, None)
                    .expect("write");
            }
        }
        cw.close().expect("close column");
    }
    rg.close().expect("close row group");
    w.close().expect("close file");
}

/// The malformed Parquet inputs committed under tests/malformed/ (regenerate with
/// `cargo test -p versus-battles --test malformed -- --ignored`).
pub fn write_malformed_parquet(dir: &Path) {
    write_parquet(
        &dir.join("wrong_schema.parquet"),
        "message schema { REQUIRED BYTE_ARRAY model_a (UTF8); REQUIRED BYTE_ARRAY model_b (UTF8); REQUIRED INT32 winner; }",
        vec![
            Col::Str(vec!["m1", "m2"]),
            Col::Str(vec!["m2", "m1"]),
            Col::I32(vec![1, 0]),
        ],
    );
    write_parquet(
        &dir.join("missing_column.parquet"),
        "message schema { REQUIRED BYTE_ARRAY model_a (UTF8); REQUIRED BYTE_ARRAY winner (UTF8); }",
        vec![Col::Str(vec!["m1", "m2"]), Col::Str(vec!["model_a", "tie"])],
    );
    write_parquet(
        &dir.join("unknown_winner.parquet"),
        "message schema { REQUIRED BYTE_ARRAY model_a (UTF8); REQUIRED BYTE_ARRAY model_b (UTF8); REQUIRED BYTE_ARRAY winner (UTF8); }",
        vec![
            Col::Str(vec!["m1", "m2", "m1"]),
            Col::Str(vec!["m2", "m1", "m2"]),
            Col::Str(vec!["model_a", "tie", "draw"]),
        ],
    );
}
