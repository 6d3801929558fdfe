//! Hands messages to an SMTP relay with lettre (plain, STARTTLS or implicit TLS; optional
//! login).

use super::config::{Security, SmtpConfig};
use super::outcome::{classify_smtp, AttemptError};
use super::MailConfigError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A configured relay. Each `send` opens its own connection: the outbox sends a handful of
/// mails a minute, and a fresh connection never trips over one the server timed out.
pub(crate) struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    timeout: Duration,
}

impl SmtpSender {
    pub(crate) fn new(config: &SmtpConfig) -> Result<SmtpSender, MailConfigError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(MailConfigError("mail.smtp.host is empty".to_owned()));
        }
        // `builder_dangerous` only means "no TLS chosen yet": we always set it below.
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port_or_default())
            .timeout(Some(timeout));
        builder = match config.security {
            Security::None => builder.tls(Tls::None),
            Security::Starttls => builder.tls(Tls::Required(tls_parameters(config, host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls_parameters(config, host)?)),
        };
        match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => {
                return Err(MailConfigError(
                    "mail.smtp needs both username and password, or neither".to_owned(),
                ))
            }
        }
        if let Some(name) = &config.hello_name {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            timeout,
        })
    }

    pub(crate) async fn send(&self, message: &Message) -> Result<(), AttemptError> {
        // lettre's async timeout covers connecting only: a server that accepts and then
        // stays silent would hold the outbox forever, so the whole exchange gets a deadline.
        match tokio::time::timeout(self.timeout, self.transport.send(message.clone())).await {
            Ok(result) => result.map(drop).map_err(|e| classify_smtp(&e)),
            Err(_) => Err(AttemptError::Unavailable(format!(
                "SMTP: no answer within {} s",
                self.timeout.as_secs()
            ))),
        }
    }
}

/// The system's roots plus the configured extra CAs; the server's name is always checked.
fn tls_parameters(config: &SmtpConfig, host: &str) -> Result<TlsParameters, MailConfigError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            MailConfigError(format!(
                "cannot read mail.smtp.ca_file {}: {e}",
                path.display()
            ))
        })?;
        // lettre accepts a file without any certificate in it; an operator who named a CA
        // file surely meant one.
        if !pem
            .windows(b"-----BEGIN CERTIFICATE-----".len())
            .any(|w| w == b"-----BEGIN CERTIFICATE-----")
        {
            return Err(MailConfigError(format!(
                "mail.smtp.ca_file {} holds no PEM certificate",
                path.display()
            )));
        }
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| MailConfigError(format!("mail.smtp.ca_file {}: {e}", path.display())))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| MailConfigError(format!("TLS setup for {host}: {e}")))
}
