//! Prompt keys the IVR needs beyond the shared set in [`crate::speech::keys`]. Each is a file
//! stem under `prompts/<lang>/`; the suggested English wording is on each key.

use crate::speech::PromptKey;

/// "You will join the meeting as an attendee." After the last wrong organizer PIN, after a
/// locked PIN, or when the PIN could not be checked.
pub const JOIN_AS_ATTENDEE: PromptKey = PromptKey("join-as-attendee");

/// "Sorry, we can't reach the meeting service right now. Please try again later."
pub const SERVICE_UNAVAILABLE: PromptKey = PromptKey("service-unavailable");

/// Every key above, for checking that each language has each file.
pub const ALL: &[PromptKey] = &[JOIN_AS_ATTENDEE, SERVICE_UNAVAILABLE];
