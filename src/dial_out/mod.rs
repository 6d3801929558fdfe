//! Dial-out in the binary. The rules are `dialbridge_dialout`'s (sans-IO); here they meet
//! the meetings' settings, the live counts behind the caps, the outbound trunks and the
//! dial-out log.
//!
//! ```text
//!  admin API ──LiveBoard::dial_out──► decide() ──refused──► log, 403 to the admin
//!                                       │ ok
//!  *2 on the phone ─┐                   ▼
//!  *0 (operator) ───┴────────► SIP loop: decide() again (counts may have moved),
//!                              pick a trunk, INVITE, follow the outcome, join or bridge
//! ```

pub mod decide;
pub mod job;
pub mod load;
pub mod record;
pub mod trunks;

pub use decide::decide;
pub use job::{DialOutJob, Purpose, Requester};
pub use load::DialOutLoadBoard;
pub use trunks::OutboundTrunks;
