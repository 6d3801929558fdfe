//! SIP transactions (RFC 3261 section 17, corrected by RFC 6026) as sans-IO state machines.
//!
//! Four machines, one per row of RFC 3261 17: [`InviteClient`], [`NonInviteClient`],
//! [`InviteServer`], [`NonInviteServer`]; plus the UAS core's [`TwoXxRetransmitter`]
//! (RFC 3261 13.3.1.4), which lives beside them because it is timer work of the same kind.
//!
//! # No parsing, no clock, no sockets
//!
//! Transactions never look inside a message. The endpoint matches messages to
//! transactions (see [`ServerTransactionKey`] and [`ClientTransactionKey`]) and feeds each
//! one abstract inputs: "a 1xx with status 180 arrived", "the TU sends this 486, here are
//! its bytes", "an ACK arrived". What a transaction must (re)send it holds as opaque
//! [`bytes::Bytes`]. Time is always an argument; nothing here reads a clock.
//!
//! # The run loop
//!
//! Every machine has the same drain side:
//!
//! ```text
//!   input ──► handle_*(now, …)        handle_timeout(now) ◄── the IO shell's timer
//!                     │                       │
//!                     ▼                       ▼
//!              poll_output() ──► Transmit(bytes) to the peer, or tell the TU
//!              poll_timeout() ──► when to call handle_timeout next (None: no timer)
//! ```
//!
//! After every `handle_*` call, drain `poll_output` until `None`, then re-read
//! `poll_timeout`. Calling `handle_timeout` early is harmless: it fires only timers whose
//! deadline is `<= now`. Once [`Output::Terminated`] is drained (or `is_terminated()` is
//! true) the endpoint drops the transaction.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use bytes::Bytes;
//! use dialbridge_sip::transaction::{
//!     InviteClient, InviteClientState, Output, TimerConfig, TransportKind,
//! };
//!
//! let start = Instant::now();
//! let invite = Bytes::from_static(b"INVITE sip:bob@example.com SIP/2.0\r\n...");
//! let mut tx = InviteClient::new(start, TransportKind::Unreliable, TimerConfig::default(), invite);
//! assert!(matches!(tx.poll_output(), Some(Output::Transmit(_))));
//!
//! // Nothing heard for T1: Timer A retransmits.
//! let a = tx.poll_timeout().unwrap();
//! assert_eq!(a, start + Duration::from_millis(500));
//! tx.handle_timeout(a);
//! assert!(matches!(tx.poll_output(), Some(Output::Transmit(_))));
//!
//! // 180 Ringing: passed up, retransmissions stop.
//! tx.handle_provisional(a, 180).unwrap();
//! assert_eq!(tx.poll_output(), Some(Output::ResponseToTu(180)));
//! assert_eq!(tx.state(), InviteClientState::Proceeding);
//! assert_eq!(tx.poll_timeout(), None);
//! ```
//!
//! # Where this differs from a literal reading of RFC 3261
//!
//! - RFC 6026 Accepted states on both INVITE machines: a 2xx does not terminate them.
//! - Zero-length timers (D, I, J, K on reliable transports) are not armed; the machine
//!   moves to Terminated inside the call that would have armed them.
//! - A deadline past what [`std::time::Instant`] can hold is treated as never.

mod invite_client;
mod invite_server;
mod key;
mod non_invite_client;
mod non_invite_server;
mod output;
mod schedule;
mod timers;
mod two_xx;

#[cfg(test)]
mod tests;

pub use invite_client::{InviteClient, InviteClientState};
pub use invite_server::{InviteServer, InviteServerState};
pub use key::{is_rfc3261_branch, ClientTransactionKey, ServerTransactionKey, BRANCH_MAGIC_COOKIE};
pub use non_invite_client::{NonInviteClient, NonInviteClientState};
pub use non_invite_server::{NonInviteServer, NonInviteServerState};
pub use output::{Output, StatusClass, TransactionError};
pub use timers::{Timer, TimerConfig, TransportKind};
pub use two_xx::{TwoXxOutput, TwoXxRetransmitter, TwoXxState};
