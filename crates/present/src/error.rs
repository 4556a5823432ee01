//! What can fail while rendering: the CSV writer, JSON serialisation, a template.

/// Why an output could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("CSV output: {0}")]
    Csv(#[from] csv::Error),
    #[error("CSV output: {0}")]
    CsvFinish(String),
    #[error("JSON output: {0}")]
    Json(#[from] serde_json::Error),
    #[error("HTML template: {0}")]
    Template(#[from] askama::Error),
}

pub type Result<T> = std::result::Result<T, Error>;
