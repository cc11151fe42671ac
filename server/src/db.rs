//! The database, on either engine behind one pool type (`sqlx::Any`), so the store
//! writes each query once in portable SQL (`$1` placeholders, standard types).
//!
//! - **SQLite** (`sqlite://path`): one writer connection (SQLite has one writer
//!   anyway, and a single writer never sees `SQLITE_BUSY`), several readers, WAL,
//!   `synchronous=FULL` so that a write acknowledged to a client survives a crash.
//! - **PostgreSQL** (`postgres://...`): one pool for reads and writes, shared by as
//!   many fapi-server instances as run against the database. Every change that
//!   must not race is a single conditional statement, which PostgreSQL's row locks
//!   serialise just as SQLite's single writer does.

use std::{sync::Arc, time::Duration};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::MigrateDatabase,
    AnyPool, Executor,
};

#[derive(Clone)]
pub struct Db {
    pub write: AnyPool,
    /// The same pool as `write` on PostgreSQL; read-only connections on SQLite.
    pub read: AnyPool,
    pub engine: Engine,
    /// The last second's session and client reads (see `store::recent`).
    pub recent: Arc<crate::store::recent::RecentReads>,
    /// Whether any webhook endpoint is configured: without one, no event is
    /// recorded (`store::webhook_events`), and sign-ins write nothing for them.
    pub webhooks: Arc<std::sync::atomic::AtomicBool>,
}

/// Which database engine a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine of `url`, from its scheme.
    pub fn of(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://path/to/file.db or postgres://user@host/database")]
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

/// Connections per instance on PostgreSQL: enough to keep both cores busy while
/// others wait on the network, few enough that ten instances fit PostgreSQL's
/// default of 100.
const POSTGRES_CONNECTIONS: u32 = 8;

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates the database. Several
    /// instances may start at once on one PostgreSQL: the migrator takes a lock.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        match Engine::of(url) {
            Some(Engine::Sqlite) => Self::open_sqlite(url).await,
            Some(Engine::Postgres) => Self::open_postgres(url).await,
            None => Err(DbError::Unsupported(url.to_owned())),
        }
    }

    /// Creates the database when the server may and it is missing, as the SQLite
    /// file is: a fresh cluster needs no step but the URL.
    async fn open_postgres(url: &str) -> Result<Db, DbError> {
        let options: AnyConnectOptions = url.parse()?;
        let connect = || {
            AnyPoolOptions::new()
                .max_connections(POSTGRES_CONNECTIONS)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
        };
        let pool = match connect().await {
            Err(e) if is_code(&e, "3D000") => {
                // Another instance creating it at the same moment: 42P04, or
                // 23505 from the catalog when the two really are simultaneous.
                match sqlx::Any::create_database(url).await {
                    Err(e) if !is_code(&e, "42P04") && !is_code(&e, "23505") => {
                        return Err(e.into())
                    }
                    _ => connect().await?,
                }
            }
            other => other?,
        };
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Db {
            write: pool.clone(),
            read: pool,
            engine: Engine::Postgres,
            recent: Arc::default(),
            webhooks: Arc::default(),
        })
    }

    async fn open_sqlite(url: &str) -> Result<Db, DbError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| DbError::Unsupported(url.to_owned()))?;
        let file = path.split('?').next().unwrap_or(path);
        create_private(std::path::Path::new(file)).map_err(|source| DbError::Folder {
            path: file.to_owned(),
            source,
        })?;
        // The Any driver takes SQLite's options from the URL alone, and a URL's
        // host is lower-cased: name the file by its absolute path, escaped.
        let absolute = std::path::absolute(file).map_err(|source| DbError::Folder {
            path: file.to_owned(),
            source,
        })?;
        const ESCAPED: &AsciiSet = &CONTROLS.add(b' ').add(b'?').add(b'#').add(b'%');
        let escaped = utf8_percent_encode(&absolute.to_string_lossy(), ESCAPED).to_string();
        let writer: AnyConnectOptions = format!("sqlite://{escaped}?mode=rwc").parse()?;
        let reader: AnyConnectOptions = format!("sqlite://{escaped}?mode=ro").parse()?;
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            })
            .connect_with(writer)
            .await?;
        sqlx::migrate!("./migrations").run(&write).await?;
        let read = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000;").await?;
                    Ok(())
                })
            })
            .connect_with(reader)
            .await?;
        Ok(Db {
            write,
            read,
            engine: Engine::Sqlite,
            recent: Arc::default(),
            webhooks: Arc::default(),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// The SQLite file of a `sqlite://` URL; `None` for other engines.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(path.split('?').next().unwrap_or(path).into())
}

/// The database holds the signing key, the code key and every hash: a new file is
/// the owner's alone (0600, in a 0700 folder when the folder is new too). SQLite
/// gives its `-wal` and `-shm` files the database file's mode.
fn create_private(file: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether `e` is the database's error with this SQLSTATE code.
fn is_code(e: &sqlx::Error, code: &str) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some(code))
}
