//! Throw-away databases for tests: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database (created here, dropped when the handle is dropped) on the server
//! named by `BOUNDARY_TEST_POSTGRES_URL` (default: local trust auth as `postgres`).

use crate::{DatabaseUrl, Engine};
use sqlx::{Connection, Executor};

pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that exists for as long as this value does.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub dir: tempfile::TempDir,
    admin_url: Option<String>,
    name: Option<String>,
}

fn admin_url() -> String {
    std::env::var("BOUNDARY_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.into())
}

impl TestDb {
    /// # Errors
    /// The temporary folder or the PostgreSQL database cannot be made.
    pub async fn new(engine: Engine) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let dir = tempfile::tempdir()?;
        // Private, as `boundary init` makes a data folder: servers refuse one others can read.
        #[cfg(unix)]
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;
        match engine {
            Engine::Sqlite => Ok(Self {
                url: DatabaseUrl::sqlite_in(dir.path()),
                dir,
                admin_url: None,
                name: None,
            }),
            Engine::Postgres => {
                let admin = admin_url();
                let name = format!("boundary_test_{}", uuid_like());
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                conn.close().await?;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Ok(Self {
                    url: DatabaseUrl::parse(&format!("{base}/{name}"))?,
                    dir,
                    admin_url: Some(admin),
                    name: Some(name),
                })
            }
        }
    }

    /// The PostgreSQL database's name, for tools like `pg_dump`.
    #[must_use]
    pub fn postgres_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

fn uuid_like() -> String {
    let mut b = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (Some(admin), Some(name)) = (self.admin_url.take(), self.name.take()) else {
            return;
        };
        // Drop runs outside any async context we can rely on; a short-lived runtime on
        // its own thread does the clean-up.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = c
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            });
        })
        .join();
    }
}
