//! Small helpers for reading CSV by column name, so errors can name file, line and field and so
//! column order changes between source versions do not silently shift values.

use crate::error::{Error, Result};
use csv::StringRecord;

/// Reads all records of a CSV text with its header, addressing columns by name.
pub(crate) struct CsvText {
    pub file: String,
    headers: Vec<String>,
    pub records: Vec<StringRecord>,
}

impl CsvText {
    pub fn parse(file: &str, text: &str) -> Result<CsvText> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|source| Error::Csv {
                file: file.to_string(),
                source,
            })?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut records = Vec::new();
        for record in reader.records() {
            records.push(record.map_err(|source| Error::Csv {
                file: file.to_string(),
                source,
            })?);
        }
        Ok(CsvText {
            file: file.to_string(),
            headers,
            records,
        })
    }

    pub fn read(path: &std::path::Path) -> Result<CsvText> {
        let text = read_text(path)?;
        CsvText::parse(&path.display().to_string(), &text)
    }

    /// The index of a required column.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.optional_column(name)
            .ok_or_else(|| Error::format(&self.file, format!("missing column `{name}`")))
    }

    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.optional_column(name).is_some()
    }
}

/// The 1-based line of a record (the header is line 1).
pub(crate) fn line_of(record: &StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// A field's trimmed text; a short row yields "" rather than a panic.
pub(crate) fn text(record: &StringRecord, index: usize) -> &str {
    record.get(index).unwrap_or("").trim()
}

/// A field that must hold a finite number.
pub(crate) fn number(file: &str, record: &StringRecord, index: usize, field: &str) -> Result<f64> {
    optional_number(file, record, index, field)?
        .ok_or_else(|| Error::field(file, line_of(record), field, "empty, expected a number"))
}

/// A field that may be empty or hold a finite number.
pub(crate) fn optional_number(
    file: &str,
    record: &StringRecord,
    index: usize,
    field: &str,
) -> Result<Option<f64>> {
    let raw = text(record, index);
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(Error::field(
            file,
            line_of(record),
            field,
            format!("`{raw}` is not a finite number"),
        )),
    }
}

pub(crate) fn read_text(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes a CSV with the given header and rows to a string. The writer cannot fail on a
/// `Vec<u8>`, but its errors are still mapped rather than unwrapped.
pub(crate) fn to_csv_string(file: &str, header: &[&str], rows: &[Vec<String>]) -> Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let map = |source| Error::Csv {
        file: file.to_string(),
        source,
    };
    writer.write_record(header).map_err(map)?;
    for row in rows {
        writer.write_record(row).map_err(map)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::format(file, format!("cannot finish CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::format(file, format!("CSV is not UTF-8: {e}")))
}

/// A number in the shortest form that keeps `decimals` decimals, without trailing zeros, so the
/// shipped tables stay compact and byte-stable.
pub(crate) fn compact_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::compact_number;

    #[test]
    fn compact_numbers_drop_trailing_zeros() {
        assert_eq!(compact_number(1287.0, 1), "1287");
        assert_eq!(compact_number(1284.93989, 1), "1284.9");
        assert_eq!(compact_number(0.126, 2), "0.13");
        assert_eq!(compact_number(-0.01, 1), "0");
    }
}
