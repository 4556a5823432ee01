//! Errors of the race crate. Every variant names the file and, where there is one, the line and
//! field, so a bad row in a 150k-row table can be found without a debugger.

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Csv {
        file: String,
        #[source]
        source: csv::Error,
    },
    #[error("{file}: invalid JSON: {source}")]
    Json {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    /// A value that does not parse or violates a rule, located by file, line and field.
    #[error("{file}, line {line}, field `{field}`: {message}")]
    Field {
        file: String,
        line: u64,
        field: String,
        message: String,
    },
    /// A structural problem with a whole file (missing column, unexpected shape, bad file name).
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    /// A request that the data cannot answer (unknown country, no snapshot on that date, …).
    #[error("{0}")]
    Query(String),
    /// A chart could not be rasterised.
    #[error("chart: {0}")]
    Chart(#[from] versus_charts::Error),
    /// A table or page could not be rendered.
    #[error(transparent)]
    Present(#[from] versus_present::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn field(file: &str, line: u64, field: &str, message: impl Into<String>) -> Error {
        Error::Field {
            file: file.to_string(),
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn format(file: &str, message: impl Into<String>) -> Error {
        Error::Format {
            file: file.to_string(),
            message: message.into(),
        }
    }
}
