//! Delivers the due mails of the outbox: one round at a time (`deliver_due`, given `now`),
//! and the polling loop around it (`run`).

use super::backoff::Backoff;
use super::config::MailConfig;
use super::eml::EmlWriter;
use super::message::{self, Senders};
use super::outcome::AttemptError;
use super::smtp::SmtpSender;
use super::MailConfigError;
use dialbridge_store::{Mail, OrganizationId, Store, StoreError};
use lettre::message::Mailbox;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Delivered (or written as `.eml`).
    pub sent: u32,
    /// Failed this time, tried again later.
    pub retried: u32,
    /// Given up on: a permanent error, or the last allowed attempt failed.
    pub failed: u32,
}

impl DeliveryReport {
    /// Mails the round dealt with.
    pub fn total(&self) -> u32 {
        self.sent + self.retried + self.failed
    }
}

enum Transport {
    Smtp(SmtpSender),
    Eml(EmlWriter),
}

/// Delivers the outbox over SMTP, or as `.eml` files when no SMTP relay is configured.
pub struct MailDelivery {
    transport: Transport,
    service: Mailbox,
    batch_size: u32,
    poll: Duration,
    backoff: Backoff,
}

impl MailDelivery {
    /// Checks the configuration (sender address, TLS roots, credentials) once, up front.
    /// `data_dir` holds the default `.eml` directory, `<data_dir>/outbox`.
    pub fn new(config: &MailConfig, data_dir: &Path) -> Result<MailDelivery, MailConfigError> {
        let service = message::parse_mailbox("mail.from", &config.from).map_err(MailConfigError)?;
        let transport = match &config.smtp {
            Some(smtp) => Transport::Smtp(SmtpSender::new(smtp)?),
            None => Transport::Eml(EmlWriter::new(
                config
                    .eml_dir
                    .clone()
                    .unwrap_or_else(|| default_eml_dir(data_dir)),
            )),
        };
        Ok(MailDelivery {
            transport,
            service,
            batch_size: config.batch_size.max(1),
            poll: Duration::from_secs(config.poll_secs.max(1)),
            backoff: Backoff::new(&config.backoff_secs, config.max_attempts),
        })
    }

    /// Where `.eml` files go, when mails are written rather than sent (for the admin API's
    /// listing, with [`super::list_eml_files`]).
    pub fn eml_dir(&self) -> Option<&Path> {
        match &self.transport {
            Transport::Eml(writer) => Some(writer.dir()),
            Transport::Smtp(_) => None,
        }
    }

    /// One round: takes up to a batch of mails due at `now` and tries each once, recording
    /// the outcome in the outbox. A store error ends the round early; the mails not yet
    /// recorded stay due for the next one.
    pub async fn deliver_due(&self, store: &Store, now: i64) -> Result<DeliveryReport, StoreError> {
        let due = store.due_mail(now, self.batch_size).await?;
        let mut report = DeliveryReport::default();
        let mut senders = SenderCache::default();
        // Set when the relay itself is unusable: the rest of the batch shares the failure
        // instead of each mail waiting out the same refused connection or timeout.
        let mut unavailable: Option<String> = None;
        for mail in &due {
            let result = match &unavailable {
                Some(error) => Err(AttemptError::Unavailable(error.clone())),
                None => {
                    let senders = senders
                        .get(store, &self.service, mail.organization_id)
                        .await?;
                    self.attempt(mail, &senders).await
                }
            };
            if let Err(AttemptError::Unavailable(error)) = &result {
                unavailable.get_or_insert_with(|| error.clone());
            }
            self.record(store, mail, result, now, &mut report).await?;
        }
        Ok(report)
    }

    /// Runs rounds until `shutdown` completes: another round at once after a full batch,
    /// otherwise after the poll interval. A round in progress is finished, not cut short (a
    /// mail cut off mid-send could go out twice); SMTP timeouts bound how long that takes.
    pub async fn run(&self, store: &Store, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let mut full = false;
            match self.deliver_due(store, store.now()).await {
                Ok(report) => {
                    if report.total() > 0 {
                        tracing::info!(
                            sent = report.sent,
                            retried = report.retried,
                            failed = report.failed,
                            "mail outbox round"
                        );
                    }
                    full = report.total() >= self.batch_size;
                }
                Err(e) => tracing::warn!(error = %e, "mail outbox round failed"),
            }
            let pause = if full { Duration::ZERO } else { self.poll };
            tokio::select! {
                biased;
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    async fn attempt(&self, mail: &Mail, senders: &Senders) -> Result<(), AttemptError> {
        let message = message::build(mail, senders).map_err(AttemptError::Permanent)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(&message).await,
            Transport::Eml(writer) => writer.write(mail.id, message.formatted()).await,
        }
    }

    async fn record(
        &self,
        store: &Store,
        mail: &Mail,
        result: Result<(), AttemptError>,
        now: i64,
        report: &mut DeliveryReport,
    ) -> Result<(), StoreError> {
        let marked = match result {
            Ok(()) => {
                report.sent += 1;
                store.mark_mail_sent(mail.id, now).await
            }
            Err(AttemptError::Permanent(error)) => {
                tracing::warn!(mail = %mail.id, %error, "mail failed permanently");
                report.failed += 1;
                store.mark_mail_failed(mail.id, &error, None).await
            }
            Err(AttemptError::Transient(error) | AttemptError::Unavailable(error)) => {
                match self.backoff.retry_at(mail.attempts, now) {
                    Some(at) => {
                        report.retried += 1;
                        store.mark_mail_failed(mail.id, &error, Some(at)).await
                    }
                    None => {
                        let error = format!(
                            "{error} (gave up after {} attempts)",
                            self.backoff.max_attempts()
                        );
                        tracing::warn!(mail = %mail.id, %error, "mail failed");
                        report.failed += 1;
                        store.mark_mail_failed(mail.id, &error, None).await
                    }
                }
            }
        };
        match marked {
            // Another node recorded this mail first (several nodes share a PostgreSQL outbox).
            Err(StoreError::NotFound { .. }) => {
                tracing::warn!(mail = %mail.id, "mail was no longer queued when recorded");
                Ok(())
            }
            other => other,
        }
    }
}

/// `<data_dir>/outbox`.
pub fn default_eml_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("outbox")
}

/// The From of each organization's mails, looked up once per round.
#[derive(Default)]
struct SenderCache {
    overrides: HashMap<OrganizationId, Option<Mailbox>>,
}

impl SenderCache {
    async fn get(
        &mut self,
        store: &Store,
        service: &Mailbox,
        organization: Option<OrganizationId>,
    ) -> Result<Senders, StoreError> {
        let from = match organization {
            None => None,
            Some(id) => match self.overrides.get(&id) {
                Some(cached) => cached.clone(),
                None => {
                    let found = sender_override(store, id).await?;
                    self.overrides.insert(id, found.clone());
                    found
                }
            },
        };
        Ok(Senders {
            service: service.clone(),
            from: from.unwrap_or_else(|| service.clone()),
        })
    }
}

/// The organization's sender address, if it set a usable one. A deleted organization or an
/// unparsable address falls back to the service's sender rather than losing the mail.
async fn sender_override(store: &Store, id: OrganizationId) -> Result<Option<Mailbox>, StoreError> {
    let organization = match store.organization(id).await {
        Ok(organization) => organization,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(address) = organization.settings.sender_address else {
        return Ok(None);
    };
    match message::parse_mailbox("sender address", &address) {
        Ok(mailbox) => Ok(Some(mailbox)),
        Err(error) => {
            tracing::warn!(organization = %id, %error, "using the service's sender instead");
            Ok(None)
        }
    }
}
