//! Dial-out for dialbridge, sans-IO: may this meeting call this number, and how is the
//! number and caller ID sent to the outbound trunk.
//!
//! - [`policy::check`] is the toll-fraud gate every dial-out passes before an INVITE is
//!   built: the organizer's policy, the organization's allowed countries, the number type
//!   (premium rate, shared cost and friends are refused) and the concurrency caps.
//! - [`trunk`] holds the outbound trunk configuration (`[[outbound_trunk]]`) and formats an
//!   approved number and caller ID the way the trunk wants them.
//!
//! Nothing here reads a clock, opens a socket or touches the database: the caller passes
//! in what it knows (including current call counts) and gets a decision back.

mod country;
pub mod outcome;
pub mod policy;
pub mod trunk;

pub use country::{Country, CountryError};
pub use outcome::{AttemptAction, DialOutAttempt, DialOutOutcome};
pub use policy::{
    check, Approved, DialOutLoad, DialOutPolicy, DialOutRequest, NumberType, Refusal, RefusalReason,
};
