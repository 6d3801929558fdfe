//! What transactions ask of their caller, and what they refuse.

use std::fmt;

use bytes::Bytes;

use super::timers::Timer;

/// One thing a transaction wants done, drained with `poll_output`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send these bytes to the transaction's peer over the transaction's transport.
    Transmit(Bytes),
    /// Client transactions: pass the response just handled, with this status, to the TU.
    /// Responses the transaction absorbs (retransmissions) produce no such output.
    ResponseToTu(u16),
    /// INVITE server transaction in Accepted: pass the ACK just handled to the TU
    /// (RFC 6026 7.1: ACKs in Accepted are not absorbed).
    AckToTu,
    /// The named timer (B, F or H) fired: the transaction failed and the TU must be told.
    Timeout(Timer),
    /// A transport error was reported for this transaction and the TU must be told.
    TransportError,
    /// The transaction reached Terminated; the endpoint should forget it now.
    Terminated,
}

/// Response classes as the transaction layer tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusClass {
    /// 100–199.
    Provisional,
    /// 200–299.
    Success,
    /// 300–699: a final response that is not a 2xx.
    Failure,
}

impl StatusClass {
    /// The class of `status`, or `None` outside 100..=699.
    pub fn of(status: u16) -> Option<Self> {
        match status {
            100..=199 => Some(Self::Provisional),
            200..=299 => Some(Self::Success),
            300..=699 => Some(Self::Failure),
            _ => None,
        }
    }
}

impl fmt::Display for StatusClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Provisional => "provisional (1xx)",
            Self::Success => "success (2xx)",
            Self::Failure => "non-2xx final (300-699)",
        })
    }
}

/// A misuse by the caller. The transaction is left exactly as it was.
///
/// Network input that arrives late or twice is never an error: the machines absorb it
/// as RFC 3261 prescribes. Only caller contract violations are reported here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The status code is outside 100..=699.
    #[error("{0} is not a SIP status code (100..=699)")]
    InvalidStatus(u16),
    /// The method was called with a status of the wrong class.
    #[error("status {status} is not a {expected} response")]
    WrongStatusClass {
        /// The status passed in.
        status: u16,
        /// The class this method takes.
        expected: StatusClass,
    },
    /// The TU passed a response the transaction may not send in its current state
    /// (for example a second final response, RFC 3261 17.2.1 and 17.2.2).
    #[error("a {status} response cannot be sent in the {state} state")]
    ResponseNotAllowed {
        /// The status of the refused response.
        status: u16,
        /// The state the transaction was in.
        state: &'static str,
    },
}

/// Checks that `status` is of class `expected`.
pub(crate) fn expect_class(status: u16, expected: StatusClass) -> Result<(), TransactionError> {
    match StatusClass::of(status) {
        None => Err(TransactionError::InvalidStatus(status)),
        Some(class) if class == expected => Ok(()),
        Some(_) => Err(TransactionError::WrongStatusClass { status, expected }),
    }
}

/// The class of `status`, or the error for a non-status.
pub(crate) fn classify(status: u16) -> Result<StatusClass, TransactionError> {
    StatusClass::of(status).ok_or(TransactionError::InvalidStatus(status))
}
