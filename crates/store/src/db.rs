//! Connecting, migrating, and the two handles every repository works through: [`Store`] (a
//! pool, for reads and single-statement call-path updates) and [`StoreTx`] (one transaction,
//! for every admin write).

use crate::{Result, StoreError};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "dialbridge.db";

/// How long a SQLite writer waits for another writer before giving up. Admin writes are short,
/// so waiting beats failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// The embedded default: one file in the data directory.
    Sqlite,
    /// A PostgreSQL server (several dialbridge nodes can share it).
    Postgres,
}

/// Where the store reads the time for `created_at`, audit rows and so on: unix seconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: a connection pool plus a clock. Cheap to clone (clones share the pool).
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

fn system_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// SQLite is opened in WAL mode (readers never block the writer), with foreign keys on (SQLite
/// leaves them off by default) and a busy timeout, so concurrent writers wait for each other
/// instead of failing.
async fn sqlite_pool(options: SqliteConnectOptions) -> Result<Pool> {
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    Ok(Pool::Sqlite(pool))
}

impl Store {
    /// Connects to `sqlite://path?mode=rwc` or `postgres://...` and applies the migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("sqlite:") {
            sqlite_pool(SqliteConnectOptions::from_str(url)?).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        Store::with_pool(pool).await
    }

    /// Opens (creating if needed) the embedded database `dialbridge.db` in `data_dir`.
    pub async fn open_in_dir(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Invalid(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(SQLITE_FILE_NAME))
            .create_if_missing(true);
        Store::with_pool(sqlite_pool(options).await?).await
    }

    async fn with_pool(pool: Pool) -> Result<Store> {
        let store = Store {
            pool,
            clock: Arc::new(system_clock),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Replaces the clock (tests pin time with it).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Store {
        self.clock = Arc::new(clock);
        self
    }

    /// The current time according to the store's clock, in unix seconds.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> BackendKind {
        match self.pool {
            Pool::Sqlite(_) => BackendKind::Sqlite,
            Pool::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Applies the embedded migrations that are not applied yet. [`Store::connect`] already
    /// does; running it again is a no-op. On PostgreSQL sqlx takes an advisory lock, so nodes
    /// starting together do not race.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Versions of the applied migrations, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let sql = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let versions = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
            Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
        };
        Ok(versions)
    }

    /// Starts a transaction for admin writes.
    ///
    /// On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken up front, so two writers
    /// queue on the busy timeout instead of one failing when it upgrades a read snapshot.
    pub async fn begin(&self) -> Result<StoreTx> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(StoreTx {
            inner,
            now: self.now(),
            failed: false,
        })
    }

    /// Closes the pool; waits for connections in use to be returned.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    pub(crate) async fn acquire(&self) -> Result<PooledConn> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => PooledConn::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => PooledConn::Postgres(pool.acquire().await?),
        })
    }
}

enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// One database transaction. Every admin write is a method on it and writes its audit row in
/// it; several writes (an import, a change plus its notification mail) commit or vanish
/// together. Dropping it without [`StoreTx::commit`] rolls back.
///
/// A write that fails may already have changed some rows (SQLite keeps earlier statements of
/// a transaction), so after any failed write the transaction only rolls back: `commit`
/// returns [`StoreError::RolledBack`].
///
/// Keep transactions short and never open a second one while holding one in the same task: on
/// SQLite the second `begin` waits for the first's write lock (busy timeout) and then fails.
pub struct StoreTx {
    inner: Tx,
    now: i64,
    failed: bool,
}

impl std::fmt::Debug for StoreTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreTx")
            .field("now", &self.now)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl StoreTx {
    /// Commits, unless an earlier write failed (then rolls back and says so).
    pub async fn commit(self) -> Result<()> {
        if self.failed {
            self.rollback().await?;
            return Err(StoreError::RolledBack);
        }
        match self.inner {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls back every write of this transaction.
    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    /// The time this transaction was started, used for every timestamp it writes, so rows
    /// written together carry the same time.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Whether a write in this transaction failed (it can then only roll back).
    pub fn has_failed(&self) -> bool {
        self.failed
    }

    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Every write method passes its result through here, so a failed write poisons the
    /// transaction (see the type's doc).
    pub(crate) fn track<T>(&mut self, result: Result<T>) -> Result<T> {
        if result.is_err() {
            self.failed = true;
        }
        result
    }
}

pub(crate) enum PooledConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl PooledConn {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            PooledConn::Sqlite(c) => Conn::Sqlite(c),
            PooledConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A borrowed connection of either backend; repositories take `&mut Conn` and run the same
/// SQL text on whichever it is through [`on!`](crate::db::on).
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection (`&mut SqliteConnection` or
/// `&mut PgConnection`). The body is written once and compiled for both drivers, so each keeps
/// its native types and error codes.
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(inner) => {
                let $c = &mut **inner;
                $body
            }
            $crate::db::Conn::Postgres(inner) => {
                let $c = &mut **inner;
                $body
            }
        }
    };
}
pub(crate) use on;
