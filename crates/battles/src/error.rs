//! Read errors: every one names the file, the place in it and the field when known, so a user
//! can fix a multi-gigabyte input without bisecting it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (schema, header-level or option problems).
    File,
    /// 1-based text line (CSV, JSONL).
    Line(u64),
    /// 0-based index into the top-level array (battle-log JSON).
    Element(u64),
    /// 0-based row index (Parquet).
    Row(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(n) => write!(f, ":{n}"),
            Location::Element(n) => write!(f, ": element {n}"),
            Location::Row(n) => write!(f, ": row {n}"),
        }
    }
}

/// Error from reading a battle file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The content is not what the format requires.
    #[error("{}{location}: {}{message}", .path.display(), FieldPrefix(.field.as_deref()))]
    Data {
        path: PathBuf,
        location: Location,
        /// The column / JSON field concerned, when known.
        field: Option<String>,
        /// What was wrong and what was expected.
        message: String,
    },
}

impl ReadError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        ReadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn data(
        path: &Path,
        location: Location,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ReadError::Data {
            path: path.to_path_buf(),
            location,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. } | ReadError::Data { path, .. } => path,
        }
    }
}

struct FieldPrefix<'a>(Option<&'a str>);

impl fmt::Display for FieldPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, "field {name:?}: "),
            None => Ok(()),
        }
    }
}

/// A problem inside one row, before the path and location are attached.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Problem {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    pub fn at(self, path: &Path, location: Location) -> ReadError {
        ReadError::Data {
            path: path.to_path_buf(),
            location,
            field: self.field,
            message: self.message,
        }
    }
}
