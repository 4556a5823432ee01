//! Where an arena's database is: the one `--db` value (`VERSUS_DB`) every command takes.

use std::path::PathBuf;
use std::sync::Arc;

use crate::{Durability, PostgresStore, SqliteStore, Store, StoreError, StoreResult};

/// A database location: a SQLite file (a plain path or `sqlite:PATH`) or a PostgreSQL URL
/// (`postgres://…` or `postgresql://…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// Reads a `--db` value. Any other `scheme://` is refused rather than taken as a file
    /// name, so a mistyped URL does not silently create a SQLite file called `postgre://…`.
    pub fn parse(value: &str) -> Result<Location, StoreError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(StoreError::Other(
                "--db: empty; expected a SQLite file path, sqlite:PATH or postgres://USER@HOST:PORT/DB".into(),
            ));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Location::Postgres(value.to_string()));
        }
        if let Some(path) = value.strip_prefix("sqlite://") {
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if let Some(path) = value.strip_prefix("sqlite:") {
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = value.split_once("://") {
            return Err(StoreError::Other(format!(
                "--db {value:?}: unknown scheme {scheme:?}; expected a SQLite file path, sqlite:PATH or postgres://USER@HOST:PORT/DB"
            )));
        }
        Ok(Location::Sqlite(PathBuf::from(value)))
    }

    /// The location for messages and logs, with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => redact_password(url),
        }
    }

    /// True for a SQLite file that does not exist yet (opening would create it).
    pub fn is_missing_file(&self) -> bool {
        matches!(self, Location::Sqlite(p) if !p.exists())
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Opens (creating and migrating as needed) the database at `location`. `durability` applies
/// to SQLite; PostgreSQL's is its own `synchronous_commit` (on by default: durable commits).
pub async fn open(location: &Location, durability: Durability) -> StoreResult<Arc<dyn Store>> {
    Ok(match location {
        Location::Sqlite(path) => Arc::new(SqliteStore::open(path, durability).await?),
        Location::Postgres(url) => Arc::new(PostgresStore::open(url).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_values_are_read_by_their_form() {
        assert_eq!(
            Location::parse("arena.db").unwrap(),
            Location::Sqlite("arena.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:/tmp/a.db").unwrap(),
            Location::Sqlite("/tmp/a.db".into())
        );
        assert_eq!(
            Location::parse("postgres://v@127.0.0.1:5432/arena").unwrap(),
            Location::Postgres("postgres://v@127.0.0.1:5432/arena".into())
        );
        let err = Location::parse("postgre://v@h/db").unwrap_err().to_string();
        assert!(err.contains("unknown scheme \"postgre\""), "{err}");
        assert!(Location::parse("  ").is_err());
    }

    #[test]
    fn passwords_never_reach_messages() {
        let l = Location::parse("postgres://arena:hunter2@db.internal:5432/versus?x=1").unwrap();
        assert_eq!(
            l.redacted(),
            "postgres://arena:***@db.internal:5432/versus?x=1"
        );
        assert!(!l.to_string().contains("hunter2"));
        let l = Location::parse("postgres://arena@db/versus").unwrap();
        assert_eq!(l.redacted(), "postgres://arena@db/versus");
    }
}
