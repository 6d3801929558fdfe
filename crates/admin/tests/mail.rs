//! Mail delivery against a real SMTP server (aiosmtpd) started by each test, and the `.eml`
//! fallback. Needs Debian's `python3-aiosmtpd`.

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_admin::mail::{
    list_eml_files, DeliveryReport, MailConfig, MailDelivery, Security, SmtpConfig,
};
use dialbridge_store::{MailId, MailStatus, NewMail, Store};
use mailparse::{MailHeaderMap, ParsedMail};
use support::*;

const SERVICE_FROM: &str = "Dialbridge <noreply@dialbridge.test>";

fn config(smtp: Option<SmtpConfig>) -> MailConfig {
    MailConfig {
        from: SERVICE_FROM.to_owned(),
        smtp,
        ..MailConfig::default()
    }
}

fn smtp(port: u16, security: Security) -> SmtpConfig {
    SmtpConfig {
        port: Some(port),
        timeout_secs: 5,
        ..SmtpConfig::new("127.0.0.1", security)
    }
}

fn delivery(config: &MailConfig, data_dir: &std::path::Path) -> MailDelivery {
    MailDelivery::new(config, data_dir).unwrap()
}

fn report(sent: u32, retried: u32, failed: u32) -> DeliveryReport {
    DeliveryReport {
        sent,
        retried,
        failed,
    }
}

async fn status(store: &Store, id: MailId) -> (MailStatus, i32, i64, Option<String>) {
    let m = store.mail(id).await.unwrap();
    (m.status, m.attempts, m.next_attempt_at, m.last_error)
}

fn header(m: &ParsedMail<'_>, name: &str) -> String {
    m.headers
        .get_first_value(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The text/plain and text/html bodies of a multipart/alternative message.
fn alternative_bodies(m: &ParsedMail<'_>) -> (String, String) {
    assert_eq!(m.ctype.mimetype, "multipart/alternative");
    assert_eq!(m.subparts.len(), 2);
    assert_eq!(m.subparts[0].ctype.mimetype, "text/plain");
    assert_eq!(m.subparts[1].ctype.mimetype, "text/html");
    (
        m.subparts[0].get_body().unwrap(),
        m.subparts[1].get_body().unwrap(),
    )
}

#[tokio::test]
async fn plain_smtp_delivers_headers_and_both_bodies() {
    let server = SmtpServer::start(ServerOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let org = organization_with_sender(&store, "it@acme.example").await;
    let subject = "Ihre PIN wurde zurückgesetzt — 新しいPIN";
    let a = enqueue(
        &store,
        NewMail {
            organization_id: Some(org),
            ..new_mail("alice@example.com", subject)
        },
    )
    .await;
    let b = enqueue(
        &store,
        NewMail {
            body_html: None,
            ..new_mail("bob@example.com", "Plain only")
        },
    )
    .await;

    let d = delivery(&config(Some(smtp(server.port, Security::None))), dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(2, 0, 0));
    assert_eq!(status(&store, a).await.0, MailStatus::Sent);
    assert_eq!(store.mail(b).await.unwrap().sent_at, Some(T0));

    let received = server.received();
    assert_eq!(received.len(), 2);
    // The service is the envelope sender even when the organization sets the From.
    assert_eq!(received[0].mail_from, "noreply@dialbridge.test");
    assert_eq!(received[0].rcpt_tos, ["alice@example.com"]);
    let m = mailparse::parse_mail(&received[0].raw).unwrap();
    assert_eq!(header(&m, "From"), "it@acme.example");
    assert!(header(&m, "Sender").contains("noreply@dialbridge.test"));
    assert_eq!(header(&m, "To"), "alice@example.com");
    assert_eq!(header(&m, "Subject"), subject);
    let raw_subject = m.headers.get_all_headers("Subject")[0].get_value_raw();
    assert!(raw_subject.is_ascii(), "the non-ASCII subject is encoded");
    assert_eq!(
        header(&m, "Message-ID"),
        format!("<dialbridge.mail.{}.{T0}@dialbridge.test>", a.0)
    );
    assert_eq!(
        mailparse::dateparse(&header(&m, "Date")).unwrap(),
        T0,
        "Date is when the mail was queued"
    );
    assert_eq!(header(&m, "Auto-Submitted"), "auto-generated");
    let (text, html) = alternative_bodies(&m);
    assert_eq!(
        text.replace("\r\n", "\n"),
        format!("Text body of {subject}\nSecond line.\n")
    );
    assert_eq!(html, format!("<p>HTML body of {subject}</p>"));

    let m = mailparse::parse_mail(&received[1].raw).unwrap();
    assert_eq!(header(&m, "From"), SERVICE_FROM);
    assert!(m.headers.get_first_value("Sender").is_none());
    assert_eq!(m.ctype.mimetype, "text/plain");
}

#[tokio::test]
async fn starttls_with_login_delivers() {
    let cert = TestCert::new();
    let server = SmtpServer::start(ServerOptions {
        mode: "starttls",
        cert: Some(&cert),
        auth: Some(("dialbridge", "s3cret")),
        ..ServerOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let id = enqueue(&store, new_mail("alice@example.com", "Over STARTTLS")).await;
    let cfg = config(Some(SmtpConfig {
        username: Some("dialbridge".into()),
        password: Some("s3cret".into()),
        // The test's self-signed certificate, trusted explicitly.
        ca_file: Some(cert.cert.clone()),
        ..smtp(server.port, Security::Starttls)
    }));
    let d = delivery(&cfg, dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(1, 0, 0));
    assert_eq!(status(&store, id).await.0, MailStatus::Sent);
    let received = server.received();
    assert_eq!(received.len(), 1);
    let m = mailparse::parse_mail(&received[0].raw).unwrap();
    assert_eq!(header(&m, "Subject"), "Over STARTTLS");
}

#[tokio::test]
async fn implicit_tls_with_login_delivers() {
    let cert = TestCert::new();
    let server = SmtpServer::start(ServerOptions {
        mode: "tls",
        cert: Some(&cert),
        auth: Some(("dialbridge", "s3cret")),
        ..ServerOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    enqueue(&store, new_mail("alice@example.com", "Over TLS")).await;
    let cfg = config(Some(SmtpConfig {
        username: Some("dialbridge".into()),
        password: Some("s3cret".into()),
        ca_file: Some(cert.cert.clone()),
        ..smtp(server.port, Security::Tls)
    }));
    let d = delivery(&cfg, dir.path());
    let id = store.due_mail(T0, 1).await.unwrap()[0].id;
    let r = d.deliver_due(&store, T0).await.unwrap();
    assert_eq!(r, report(1, 0, 0), "{:?}", status(&store, id).await.3);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn self_signed_certificate_is_not_trusted_by_default() {
    let cert = TestCert::new();
    let server = SmtpServer::start(ServerOptions {
        mode: "starttls",
        cert: Some(&cert),
        ..ServerOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let id = enqueue(&store, new_mail("alice@example.com", "Untrusted")).await;
    let d = delivery(
        &config(Some(smtp(server.port, Security::Starttls))),
        dir.path(),
    );
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 1, 0));
    let (st, attempts, next, error) = status(&store, id).await;
    assert_eq!((st, attempts, next), (MailStatus::Queued, 1, T0 + 60));
    let error = error.unwrap();
    assert!(error.contains("invalid peer certificate"), "{error}");
    assert!(server.received().is_empty());
}

/// A wrong password is the service's fault, not the mail's: retried with backoff, so that
/// fixing the configuration lets the queued mails out.
#[tokio::test]
async fn wrong_password_is_retried_not_failed() {
    let cert = TestCert::new();
    let server = SmtpServer::start(ServerOptions {
        mode: "starttls",
        cert: Some(&cert),
        auth: Some(("dialbridge", "s3cret")),
        ..ServerOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let a = enqueue(&store, new_mail("alice@example.com", "One")).await;
    let b = enqueue(&store, new_mail("bob@example.com", "Two")).await;
    let bad = config(Some(SmtpConfig {
        username: Some("dialbridge".into()),
        password: Some("wrong".into()),
        ca_file: Some(cert.cert.clone()),
        ..smtp(server.port, Security::Starttls)
    }));
    let d = delivery(&bad, dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 2, 0));
    let (st, _, next, error) = status(&store, a).await;
    assert_eq!((st, next), (MailStatus::Queued, T0 + 60));
    assert!(error.unwrap().contains("535"));
    assert_eq!(status(&store, b).await.2, T0 + 60);

    let mut good = bad.clone();
    if let Some(s) = good.smtp.as_mut() {
        s.password = Some("s3cret".into());
    }
    let d = delivery(&good, dir.path());
    assert_eq!(
        d.deliver_due(&store, T0 + 60).await.unwrap(),
        report(2, 0, 0)
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn server_down_retries_with_backoff_then_delivers() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let a = enqueue(&store, new_mail("alice@example.com", "Patience")).await;
    let b = enqueue(&store, new_mail("bob@example.com", "Patience 2")).await;
    let d = delivery(&config(Some(smtp(port, Security::None))), dir.path());

    // Down: both wait a minute (the second without a second connection attempt).
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 2, 0));
    for id in [a, b] {
        let (st, attempts, next, error) = status(&store, id).await;
        assert_eq!((st, attempts, next), (MailStatus::Queued, 1, T0 + 60));
        assert!(error.unwrap().contains("onnection"));
    }
    // Not due yet.
    assert_eq!(
        d.deliver_due(&store, T0 + 59).await.unwrap(),
        report(0, 0, 0)
    );
    // Still down at the second attempt: the next wait is five minutes.
    assert_eq!(
        d.deliver_due(&store, T0 + 60).await.unwrap(),
        report(0, 2, 0)
    );
    assert_eq!(status(&store, a).await.2, T0 + 60 + 300);

    let server = SmtpServer::start(ServerOptions {
        port,
        ..ServerOptions::default()
    });
    assert_eq!(
        d.deliver_due(&store, T0 + 360).await.unwrap(),
        report(2, 0, 0)
    );
    let (st, attempts, _, _) = status(&store, a).await;
    assert_eq!((st, attempts), (MailStatus::Sent, 3));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn gives_up_after_the_last_attempt() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let id = enqueue(&store, new_mail("alice@example.com", "Never")).await;
    let cfg = MailConfig {
        backoff_secs: vec![10],
        max_attempts: 2,
        ..config(Some(smtp(port, Security::None)))
    };
    let d = delivery(&cfg, dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 1, 0));
    assert_eq!(
        d.deliver_due(&store, T0 + 10).await.unwrap(),
        report(0, 0, 1)
    );
    let (st, attempts, _, error) = status(&store, id).await;
    assert_eq!((st, attempts), (MailStatus::Failed, 2));
    assert!(error.unwrap().contains("gave up after 2 attempts"));
}

#[tokio::test]
async fn rejected_recipient_fails_at_once_others_go_out() {
    let server = SmtpServer::start(ServerOptions {
        reject: &["nobody@example.com"],
        ..ServerOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let bad = enqueue(&store, new_mail("nobody@example.com", "Bounce")).await;
    let good = enqueue(&store, new_mail("alice@example.com", "Fine")).await;
    let d = delivery(&config(Some(smtp(server.port, Security::None))), dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(1, 0, 1));
    let (st, attempts, _, error) = status(&store, bad).await;
    assert_eq!((st, attempts), (MailStatus::Failed, 1));
    assert!(error.unwrap().contains("550"));
    assert_eq!(status(&store, good).await.0, MailStatus::Sent);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["alice@example.com"]);
}

#[tokio::test]
async fn header_injection_is_refused_permanently() {
    let server = SmtpServer::start(ServerOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let subject = enqueue(
        &store,
        new_mail("alice@example.com", "Hello\r\nBcc: evil@example.net"),
    )
    .await;
    let recipient = enqueue(
        &store,
        new_mail("alice@example.com\nBcc: evil@example.net", "Hello"),
    )
    .await;
    let d = delivery(&config(Some(smtp(server.port, Security::None))), dir.path());
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 0, 2));
    for id in [subject, recipient] {
        let (st, _, _, error) = status(&store, id).await;
        assert_eq!(st, MailStatus::Failed);
        assert!(error.unwrap().contains("header injection refused"));
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn without_smtp_mails_become_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let a = enqueue(&store, new_mail("alice@example.com", "Größe")).await;
    let b = enqueue(&store, new_mail("bob@example.com", "Second")).await;
    let d = delivery(&MailConfig::default(), dir.path());
    let outbox = dir.path().join("outbox");
    assert_eq!(d.eml_dir(), Some(outbox.as_path()));
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(2, 0, 0));
    assert_eq!(status(&store, a).await.0, MailStatus::Sent);

    let files = list_eml_files(&outbox).await.unwrap();
    let names: Vec<_> = files.iter().map(|f| f.file_name.clone()).collect();
    assert_eq!(names, [format!("{}.eml", a.0), format!("{}.eml", b.0)]);
    assert_eq!(files[0].id, a);
    // Only the mails: no temporary file left behind.
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 2);

    let raw = dialbridge_admin::mail::read_eml(&outbox, a).await.unwrap();
    assert_eq!(files[0].size, raw.len() as u64);
    let m = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(header(&m, "Subject"), "Größe");
    assert_eq!(header(&m, "To"), "alice@example.com");
    assert_eq!(header(&m, "From"), "Dialbridge <dialbridge@localhost>");
    let (text, _) = alternative_bodies(&m);
    assert!(text.starts_with("Text body of Größe"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(outbox.join(&files[0].file_name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mails carry PINs");
    }
}

#[tokio::test]
async fn missing_outbox_lists_no_files() {
    let dir = tempfile::tempdir().unwrap();
    assert!(list_eml_files(&dir.path().join("none"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn run_delivers_until_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    // The loop reads the store's clock; let it be real time here.
    let store = Store::open_in_dir(dir.path()).await.unwrap();
    let id = enqueue(&store, new_mail("alice@example.com", "Looped")).await;
    let cfg = MailConfig {
        poll_secs: 1,
        ..MailConfig::default()
    };
    let d = delivery(&cfg, dir.path());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let outbox = dir.path().join("outbox");
    let watcher = async {
        for _ in 0..100 {
            if outbox.join(format!("{}.eml", id.0)).exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        stop.send(()).unwrap();
    };
    let run = d.run(&store, async {
        let _ = stopped.await;
    });
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        tokio::join!(run, watcher)
    })
    .await
    .unwrap();
    assert_eq!(store.mail(id).await.unwrap().status, MailStatus::Sent);
}

#[tokio::test]
async fn bad_configuration_is_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let bad_from = MailConfig {
        from: "not an address".into(),
        ..MailConfig::default()
    };
    assert!(MailDelivery::new(&bad_from, dir.path()).is_err());
    let half_login = config(Some(SmtpConfig {
        username: Some("u".into()),
        ..smtp(25, Security::None)
    }));
    assert!(MailDelivery::new(&half_login, dir.path()).is_err());
    let empty_ca = dir.path().join("empty.pem");
    std::fs::write(&empty_ca, "").unwrap();
    let no_cert = config(Some(SmtpConfig {
        ca_file: Some(empty_ca),
        ..smtp(25, Security::Starttls)
    }));
    assert!(MailDelivery::new(&no_cert, dir.path()).is_err());
}

#[tokio::test]
async fn silent_server_times_out_and_is_retried() {
    // Accepts connections (the kernel completes the handshake) but never greets.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let a = enqueue(&store, new_mail("alice@example.com", "Slow")).await;
    let b = enqueue(&store, new_mail("bob@example.com", "Slow 2")).await;
    let cfg = config(Some(SmtpConfig {
        timeout_secs: 1,
        ..smtp(port, Security::None)
    }));
    let d = delivery(&cfg, dir.path());
    let started = std::time::Instant::now();
    assert_eq!(d.deliver_due(&store, T0).await.unwrap(), report(0, 2, 0));
    // One timeout for the round, not one per mail.
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    for id in [a, b] {
        let (_, _, next, error) = status(&store, id).await;
        assert_eq!(next, T0 + 60);
        assert!(error.unwrap().contains("no answer within 1 s"));
    }
}
