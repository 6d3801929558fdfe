//! Test support for the mail tests: a real SMTP server (aiosmtpd, `smtp_server.py` beside
//! this file) on a free local port, a self-signed certificate, and an outbox on a temporary
//! SQLite store.

#![allow(dead_code, clippy::unwrap_used)]

use dialbridge_store::{Actor, MailId, NewMail, OrganizationId, Store};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The store's fixed time in these tests.
pub const T0: i64 = 1_800_000_000;

/// A store in a temporary directory, its clock pinned at `T0`.
pub async fn store(dir: &Path) -> Store {
    Store::open_in_dir(dir).await.unwrap().with_clock(|| T0)
}

pub async fn enqueue(store: &Store, mail: NewMail) -> MailId {
    let mut tx = store.begin().await.unwrap();
    let id = tx.enqueue_mail(&mail).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub fn new_mail(to: &str, subject: &str) -> NewMail {
    NewMail {
        organization_id: None,
        recipient: to.to_owned(),
        subject: subject.to_owned(),
        body_text: format!("Text body of {subject}\nSecond line.\n"),
        body_html: Some(format!("<p>HTML body of {subject}</p>")),
    }
}

/// An organization whose mails come from `sender`.
pub async fn organization_with_sender(store: &Store, sender: &str) -> OrganizationId {
    let mut fields = dialbridge_store::OrganizationFields {
        name: "Acme".to_owned(),
        country: "DE".to_owned(),
        settings: Default::default(),
    };
    fields.settings.sender_address = Some(sender.to_owned());
    let mut tx = store.begin().await.unwrap();
    let org = tx
        .create_organization(&Actor::system("test"), &fields)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    org.id
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A self-signed certificate for 127.0.0.1 and localhost, as PEM files.
pub struct TestCert {
    _dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCert {
    pub fn new() -> TestCert {
        let dir = tempfile::tempdir().unwrap();
        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, ck.cert.pem()).unwrap();
        std::fs::write(&key, ck.key_pair.serialize_pem()).unwrap();
        TestCert {
            _dir: dir,
            cert,
            key,
        }
    }
}

/// How to run the server.
#[derive(Default)]
pub struct ServerOptions<'a> {
    /// 0: any free port.
    pub port: u16,
    /// "plain" (default), "starttls" or "tls".
    pub mode: &'a str,
    pub cert: Option<&'a TestCert>,
    /// Required login.
    pub auth: Option<(&'a str, &'a str)>,
    /// Recipients answered with 550.
    pub reject: &'a [&'a str],
}

/// A message the server accepted.
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub raw: Vec<u8>,
}

/// A running aiosmtpd server; stopped (stdin closed, then killed) when dropped.
pub struct SmtpServer {
    child: Child,
    stdin: Option<ChildStdin>,
    pub port: u16,
    maildir: tempfile::TempDir,
}

/// The Python with aiosmtpd: `DIALBRIDGE_TEST_PYTHON`, else Debian's (a pyenv or venv
/// `python3` first in PATH would not see the python3-aiosmtpd package).
fn python() -> String {
    if let Ok(p) = std::env::var("DIALBRIDGE_TEST_PYTHON") {
        return p;
    }
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_owned()
    } else {
        "python3".to_owned()
    }
}

impl SmtpServer {
    pub fn start(opts: ServerOptions<'_>) -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut cmd = Command::new(python());
        cmd.arg(script)
            .arg("--port")
            .arg(opts.port.to_string())
            .arg("--maildir")
            .arg(maildir.path())
            .arg("--mode")
            .arg(if opts.mode.is_empty() {
                "plain"
            } else {
                opts.mode
            });
        if let Some(cert) = opts.cert {
            cmd.arg("--cert")
                .arg(&cert.cert)
                .arg("--key")
                .arg(&cert.key);
        }
        if let Some((user, password)) = opts.auth {
            cmd.args(["--user", user, "--password", password]);
        }
        for r in opts.reject {
            cmd.args(["--reject", r]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP test server (needs python3 and python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("SMTP test server did not start (is python3-aiosmtpd installed?): {line:?}")
            });
        SmtpServer {
            stdin: child.stdin.take(),
            child,
            port,
            maildir,
        }
    }

    /// The messages received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut out = Vec::new();
        for n in 1.. {
            let base = self.maildir.path().join(n.to_string());
            let Ok(raw) = std::fs::read(base.with_extension("eml")) else {
                break;
            };
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(base.with_extension("json")).unwrap())
                    .unwrap();
            out.push(Received {
                mail_from: meta["mail_from"].as_str().unwrap().to_owned(),
                rcpt_tos: meta["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect(),
                raw,
            });
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
