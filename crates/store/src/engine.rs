//! Which engine a database URL selects, and a URL type whose `Debug` hides its password.

use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    engine: Engine,
}

#[derive(Debug, thiserror::Error)]
#[error("the database URL must start with postgres://, postgresql:// or sqlite://")]
pub struct UnknownEngine;

impl DatabaseUrl {
    /// # Errors
    /// A URL for an engine Boundary does not support.
    pub fn parse(url: &str) -> Result<Self, UnknownEngine> {
        let engine = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else {
            return Err(UnknownEngine);
        };
        Ok(Self {
            url: SecretString::from(url.to_owned()),
            engine,
        })
    }

    /// The embedded default: a SQLite file in the data folder, created if missing.
    #[must_use]
    pub fn sqlite_in(data: &Path) -> Self {
        let file = data.join("boundary.db");
        Self {
            url: SecretString::from(format!("sqlite://{}?mode=rwc", file.display())),
            engine: Engine::Sqlite,
        }
    }

    /// The SQLite database file this URL names, if it names one (not `:memory:`).
    #[must_use]
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        if self.engine != Engine::Sqlite {
            return None;
        }
        let u = self.url.expose_secret();
        let rest = u
            .strip_prefix("sqlite://")
            .or_else(|| u.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && !path.starts_with(':')).then(|| path.into())
    }

    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The URL with any password in it: only for handing to the driver.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }

    /// The URL without its password, for messages.
    #[must_use]
    pub fn redacted(&self) -> String {
        let u = self.url.expose_secret();
        match (u.find("://"), u.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &u[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &u[..s + 3], &u[at..]),
                    None => u.to_owned(),
                }
            }
            _ => u.to_owned(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let u = DatabaseUrl::parse("postgres://boundary:s3cret@db:5432/b").unwrap();
        assert_eq!(u.redacted(), "postgres://boundary:***@db:5432/b");
        assert!(!format!("{u:?}").contains("s3cret"));
        assert_eq!(u.engine(), Engine::Postgres);
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert_eq!(u.sqlite_file(), None);
    }

    #[test]
    fn the_sqlite_file_is_found_in_its_url() {
        let u = DatabaseUrl::sqlite_in(Path::new("/srv/data"));
        assert_eq!(u.sqlite_file(), Some("/srv/data/boundary.db".into()));
        let u = DatabaseUrl::parse("sqlite:other.db?mode=rwc").unwrap();
        assert_eq!(u.sqlite_file(), Some("other.db".into()));
        let u = DatabaseUrl::parse("sqlite::memory:").unwrap();
        assert_eq!(u.sqlite_file(), None);
    }
}
