//! Mail delivery: drains the store's `mail_outbox` over SMTP (lettre, rustls) or, with no
//! SMTP relay configured (the embedded default), into `.eml` files in the data directory.
//!
//! ```text
//!  change + enqueue_mail (one tx) ──► mail_outbox ──► MailDelivery::deliver_due(now)
//!                                        ▲                 ├─ SMTP relay (plain/STARTTLS/TLS, AUTH)
//!                                        │                 └─ <eml_dir>/<id>.eml
//!                                        └── sent | retry at now + backoff | failed
//! ```
//!
//! * [`MailDelivery::new`] checks a [`MailConfig`] once; [`MailDelivery::run`] polls the
//!   outbox until shutdown; [`MailDelivery::deliver_due`] is one round at a given time.
//! * Outcomes ([`AttemptError`]): a 5xx about the mail, a bad address or a header-injection
//!   attempt fails the mail at once; a 4xx or a full disk retries it; an unusable relay
//!   (refused connection, timeout, TLS failure, 421, login refused 530/534/535/538) retries
//!   it and the rest of the round's batch. A wrong password is retried, not failed: it is
//!   the service's fault, and fixing it should let the queued mails out.
//! * Retries follow [`Backoff`] (default 1 min, 5 min, 30 min, 2 h, then every 2 h, giving
//!   up after 8 attempts), a pure function of the attempts made and `now`.
//! * Messages: From is the organization's sender override or `mail.from`; `mail.from` is
//!   always the envelope sender and, when they differ, the `Sender:` header. Date and
//!   Message-ID derive from the row, so a retry is the same message.
//! * TLS certificates are always verified against the system roots plus `ca_file`.

mod backoff;
mod config;
mod delivery;
mod eml;
mod message;
mod outcome;
mod smtp;

pub use backoff::Backoff;
pub use config::{MailConfig, Security, SmtpConfig};
pub use delivery::{default_eml_dir, DeliveryReport, MailDelivery};
pub use eml::{eml_path, list_eml_files, read_eml, EmlFile};
pub use outcome::AttemptError;

/// A `[mail]` configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mail configuration: {0}")]
pub struct MailConfigError(pub String);
