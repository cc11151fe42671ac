//! The database: one writer connection (SQLite has one writer anyway, and a single
//! writer never sees `SQLITE_BUSY`), several readers, WAL, `synchronous=FULL` so that
//! a write acknowledged to a client survives a crash.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

#[derive(Clone)]
pub struct Db {
    pub write: SqlitePool,
    pub read: SqlitePool,
    /// The last second's session and client reads (see `store::recent`).
    pub recent: Arc<crate::store::recent::RecentReads>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: this build speaks sqlite:// (PostgreSQL is planned)")]
    Unsupported(String),
    #[error("creating the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating if needed) and migrates the database.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| DbError::Unsupported(url.to_owned()))?;
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(file).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|source| DbError::Folder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db {
            write,
            read,
            recent: Arc::default(),
        })
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}
