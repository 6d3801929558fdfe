//! Test databases: a SQLite file in a temp dir, or a fresh database on a PostgreSQL server
//! that this test binary starts once (on a Unix socket in a temp dir) and that stops when the
//! binary exits.
//!
//! How PostgreSQL is started (all from the Debian package `postgresql`):
//! 1. the binaries are found in `$DIALBRIDGE_PG_BINDIR`, else `pg_config --bindir`, else the
//!    newest `/usr/lib/postgresql/*/bin`;
//! 2. a temp dir is made (and, when running as root, given to the `postgres` user, because
//!    PostgreSQL refuses to run as root; the server then runs under `setpriv`);
//! 3. `initdb -D DIR/data -U postgres -A trust -E UTF8 --no-sync`;
//! 4. a small `sh` watchdog starts `postgres -D DIR/data -k DIR -c listen_addresses=''` (no TCP
//!    at all, only the socket in DIR) and then blocks reading its stdin, a pipe from this
//!    process. When the test binary exits, however it exits, the pipe closes and the watchdog
//!    stops the server (SIGINT, a fast shutdown) and deletes DIR;
//! 5. `pg_isready` is polled until the server accepts connections.
//!
//! Each test then gets its own database (`CREATE DATABASE t<n>`), so tests run in parallel.

use dialbridge_store::Store;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A store on a database of its own, and how to open it again.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Another `Store` on the same database (as a second process or a restart would open it).
    pub async fn reopen(&self) -> Store {
        Store::connect(&self.url).await.expect("reconnect")
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.expect("open SQLite");
    TestDb {
        store,
        url,
        _dir: Some(dir),
    }
}

pub async fn postgres() -> TestDb {
    let server = match PG.get_or_init(PgServer::start) {
        Ok(server) => server,
        Err(why) => panic!("{why}"),
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&server.url("postgres"))
        .await
        .expect("connect to the test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let url = server.url(&name);
    let store = Store::connect(&url).await.expect("open PostgreSQL");
    TestDb {
        store,
        url,
        _dir: None,
    }
}

static PG: OnceLock<Result<PgServer, String>> = OnceLock::new();

struct PgServer {
    dir: PathBuf,
    /// Held open for the life of the process: its closing is the watchdog's signal to stop.
    _lifeline: Mutex<ChildStdin>,
}

const PORT: u16 = 5432;

const WATCHDOG: &str = r#"
dir="$1"; shift
"$@" -D "$dir/data" -k "$dir" -p 5432 -c listen_addresses= \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    >"$dir/postgres.log" 2>&1 &
pid=$!
cat >/dev/null
kill -INT "$pid" 2>/dev/null
wait "$pid"
rm -rf "$dir"
"#;

impl PgServer {
    fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{PORT}/{database}?host={}",
            self.dir.display()
        )
    }

    fn start() -> Result<PgServer, String> {
        let bindir = find_bindir()?;
        let dir = tempfile::Builder::new()
            .prefix("dialbridge-store-pg-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?
            .keep();
        let as_postgres = running_as_root();
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir))?;
        }
        let wrap = |program: &str| -> Command {
            let binary = bindir.join(program);
            if as_postgres {
                let mut cmd = Command::new("setpriv");
                cmd.args([
                    "--reuid=postgres",
                    "--regid=postgres",
                    "--init-groups",
                    "--reset-env",
                ])
                .arg(binary);
                cmd
            } else {
                Command::new(binary)
            }
        };
        run(wrap("initdb").arg("-D").arg(dir.join("data")).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;

        let postgres = wrap("postgres");
        let mut watchdog = Command::new("sh");
        watchdog
            .arg("-c")
            .arg(WATCHDOG)
            .arg("sh")
            .arg(&dir)
            .arg(postgres.get_program())
            .args(postgres.get_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = watchdog
            .spawn()
            .map_err(|e| format!("cannot start the PostgreSQL watchdog shell: {e}"))?;
        let lifeline = child.stdin.take().ok_or("watchdog has no stdin")?;
        let server = PgServer {
            dir,
            _lifeline: Mutex::new(lifeline),
        };
        server.wait_ready(&bindir)?;
        Ok(server)
    }

    fn wait_ready(&self, bindir: &Path) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(bindir.join("pg_isready"))
                .arg("-q")
                .arg("-h")
                .arg(&self.dir)
                .args(["-p", &PORT.to_string(), "-U", "postgres"])
                .status()
                .map_err(|e| format!("pg_isready: {e}"))?;
            if ready.success() {
                return Ok(());
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
                return Err(format!("PostgreSQL did not start within 30 s:\n{log}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn find_bindir() -> Result<PathBuf, String> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("DIALBRIDGE_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        return if has_initdb(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "DIALBRIDGE_PG_BINDIR={} holds no initdb and postgres",
                dir.display()
            ))
        };
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_initdb(&dir) {
            return Ok(dir);
        }
    }
    // Debian installs the server binaries under a versioned path, outside $PATH.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_initdb(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL server binaries not found: the store tests start a real PostgreSQL. \
         Install the Debian package `postgresql` (or set DIALBRIDGE_PG_BINDIR to the directory \
         holding initdb and postgres)."
            .to_owned()
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed: {}\n{}",
            cmd,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Runs each listed `async fn name(db: TestDb)` once on SQLite and once on PostgreSQL, as
/// `<module>::sqlite::name` and `<module>::postgres::name`.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::harness::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::harness::postgres().await).await
                }
            )*
        }
    };
}
pub(crate) use backend_tests;
