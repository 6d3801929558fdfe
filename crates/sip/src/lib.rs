//! Sans-IO SIP for dialbridge: messages, transactions, dialogs and digest auth.
//!
//! Nothing here touches a socket or reads a clock: callers pass bytes and the current
//! time in, and drain what should be sent out.

pub mod auth;
pub mod dialog;
pub mod endpoint;
pub mod message;
pub mod registration;
pub mod transaction;
pub mod trunk;
