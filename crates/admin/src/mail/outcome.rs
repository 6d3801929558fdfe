//! What a failed delivery attempt means for the mail: give up now, or try again later.

use lettre::transport::smtp;

/// A failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptError {
    /// Trying again would fail the same way (5xx about this mail, a bad address, an
    /// injection attempt): the mail is failed at once.
    Permanent(String),
    /// May work later (a 4xx reply about this mail, a full disk): retried with backoff.
    Transient(String),
    /// The relay cannot be used at the moment (refused connection, timeout, TLS or login
    /// trouble, 421): retried with backoff, and so is the rest of the round's batch, without
    /// waiting for the same failure once per mail.
    Unavailable(String),
}

impl AttemptError {
    /// The error text stored in the outbox row.
    pub fn message(&self) -> &str {
        match self {
            AttemptError::Permanent(m)
            | AttemptError::Transient(m)
            | AttemptError::Unavailable(m) => m,
        }
    }
}

/// Reply codes that are permanent by SMTP's rules but say the *service* is misconfigured
/// (authentication required, 530; too weak, 534; bad credentials, 535; encryption
/// required, 538), not that this mail is undeliverable. Failing every queued mail for a
/// wrong password would lose them all; retrying lets an operator fix the password and the
/// outbox drain, until the backoff schedule gives up.
const SERVICE_CONFIG_CODES: [u16; 4] = [530, 534, 535, 538];

/// 421: the server is closing the connection (shutting down, overloaded).
const SERVICE_UNAVAILABLE: u16 = 421;

/// Classifies an SMTP reply code (>= 400).
pub fn classify_code(code: u16, message: String) -> AttemptError {
    if code == SERVICE_UNAVAILABLE || SERVICE_CONFIG_CODES.contains(&code) {
        AttemptError::Unavailable(message)
    } else if (500..600).contains(&code) {
        AttemptError::Permanent(message)
    } else {
        AttemptError::Transient(message)
    }
}

/// Classifies a lettre SMTP error: only a negative reply can be permanent; connection,
/// network, TLS, timeout and client-side errors say the relay is unavailable.
pub fn classify_smtp(err: &smtp::Error) -> AttemptError {
    let message = format!("SMTP: {err}");
    match err.status() {
        Some(code) => classify_code(u16::from(code), message),
        None => AttemptError::Unavailable(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(code: u16) -> &'static str {
        match classify_code(code, String::new()) {
            AttemptError::Permanent(_) => "permanent",
            AttemptError::Transient(_) => "transient",
            AttemptError::Unavailable(_) => "unavailable",
        }
    }

    #[test]
    fn five_hundreds_are_permanent_except_login_trouble() {
        for code in [550, 551, 552, 553, 554] {
            assert_eq!(class(code), "permanent", "{code}");
        }
        for code in [450, 451, 452] {
            assert_eq!(class(code), "transient", "{code}");
        }
        for code in [421, 530, 534, 535, 538] {
            assert_eq!(class(code), "unavailable", "{code}");
        }
    }
}
