//! The `[mail]` section of the configuration.
//!
//! ```toml
//! [mail]
//! from = "Dialbridge <dialbridge@example.com>"
//! # eml_dir = "/var/lib/dialbridge/outbox"   # default: <data_dir>/outbox
//! [mail.smtp]                                # absent: mails become .eml files
//! host = "smtp.example.com"
//! port = 587                                 # default: 25, 587 or 465 by security
//! security = "starttls"                      # none | starttls | tls
//! username = "dialbridge"
//! password = "..."
//! ```

use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;

/// How mail leaves: SMTP when `smtp` is set, otherwise `.eml` files in `eml_dir`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// Default sender (`addr@host` or `Name <addr@host>`); also the envelope sender of every
    /// mail, so bounces come back to the service even when an organization sets its own From.
    pub from: String,
    pub smtp: Option<SmtpConfig>,
    /// Where `.eml` files go without SMTP; `None` means `<data_dir>/outbox`.
    pub eml_dir: Option<PathBuf>,
    /// Mails taken from the outbox per round.
    pub batch_size: u32,
    /// Seconds between two looks at the outbox.
    pub poll_secs: u64,
    /// Waits after the 1st, 2nd, ... failed attempt, in seconds; the last one repeats.
    pub backoff_secs: Vec<u64>,
    /// Attempts after which a mail that keeps failing transiently is given up on.
    pub max_attempts: u32,
}

impl Default for MailConfig {
    fn default() -> MailConfig {
        MailConfig {
            from: "Dialbridge <dialbridge@localhost>".to_owned(),
            smtp: None,
            eml_dir: None,
            batch_size: 50,
            poll_secs: 5,
            // 1 min, 5 min, 30 min, 2 h, 2 h, ...: about 10.5 hours before giving up,
            // enough to ride out a mail server's maintenance night.
            backoff_secs: vec![60, 300, 1800, 7200],
            max_attempts: 8,
        }
    }
}

/// The SMTP relay to hand mail to.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 25 for `none`, 587 for `starttls`, 465 for `tls`.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// With `password`, log in (PLAIN or LOGIN, only over TLS unless `security = "none"`).
    pub username: Option<String>,
    pub password: Option<String>,
    /// Limit for one mail's whole SMTP exchange, from connecting to the server's last answer.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// A PEM file of extra certificate authorities to trust besides the system's: a private
    /// CA, or the tests' self-signed certificate. Certificates are always verified; there is
    /// deliberately no switch to turn that off.
    pub ca_file: Option<PathBuf>,
    /// The name we greet the server with (EHLO); default: this host's name.
    pub hello_name: Option<String>,
}

fn default_timeout_secs() -> u64 {
    30
}

// By hand so that the password never reaches a log line.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("timeout_secs", &self.timeout_secs)
            .field("ca_file", &self.ca_file)
            .field("hello_name", &self.hello_name)
            .finish()
    }
}

impl SmtpConfig {
    /// A relay on `host` with the given security, no login, default port and timeout.
    pub fn new(host: &str, security: Security) -> SmtpConfig {
        SmtpConfig {
            host: host.to_owned(),
            port: None,
            security,
            username: None,
            password: None,
            timeout_secs: default_timeout_secs(),
            ca_file: None,
            hello_name: None,
        }
    }

    /// The configured port, or the usual one for the security.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::None => 25,
            Security::Starttls => 587,
            Security::Tls => 465,
        })
    }
}

/// Transport security towards the relay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain SMTP (a relay on localhost or a trusted network).
    None,
    /// Plain connection upgraded with STARTTLS, which is required: a server not offering it
    /// is an error, never a silent fallback to plain text.
    #[default]
    Starttls,
    /// TLS from the first byte ("SMTPS", usually port 465).
    Tls,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Deserialize)]
    struct File {
        mail: MailConfig,
    }

    #[test]
    fn reads_a_mail_section() {
        let file: File = toml::from_str(
            r#"
            [mail]
            from = "Acme <noreply@acme.example>"
            [mail.smtp]
            host = "smtp.acme.example"
            security = "tls"
            username = "dialbridge"
            password = "hunter2"
            "#,
        )
        .unwrap();
        let smtp = file.mail.smtp.clone().unwrap();
        assert_eq!(smtp.security, Security::Tls);
        assert_eq!(smtp.port_or_default(), 465);
        assert_eq!(smtp.timeout_secs, 30);
        assert_eq!(file.mail.batch_size, 50);
        assert!(!format!("{smtp:?}").contains("hunter2"));
    }

    #[test]
    fn empty_section_means_eml_files_and_unknown_keys_are_refused() {
        let file: File = toml::from_str("[mail]\n").unwrap();
        assert_eq!(file.mail, MailConfig::default());
        assert!(toml::from_str::<File>("[mail]\nsmtp_host = \"x\"\n").is_err());
        assert!(toml::from_str::<File>("[mail.smtp]\nhost = \"x\"\nsecurity = \"ssl\"\n").is_err());
    }
}
