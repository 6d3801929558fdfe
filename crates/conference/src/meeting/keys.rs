//! Prompt keys the meeting needs that the shared list in `speech::keys` lacks. Each is a file
//! stem under `prompts/<lang>/`, like the shared ones.

use crate::speech::PromptKey;

/// "You have been removed from the meeting." Said before an admin's removal disconnects.
pub const REMOVED_FROM_MEETING: PromptKey = PromptKey("removed-from-meeting");
/// Spoken after a number to the organizer who admitted the lobby: "callers admitted".
pub const ADMITTED_FROM_LOBBY: PromptKey = PromptKey("admitted-from-lobby");

/// Help's description of roll call (which help follows with its keys).
pub const HELP_ROLL_CALL: PromptKey = PromptKey("help-roll-call");

/// Every key above, for checking that each language has each file.
pub const ALL: &[PromptKey] = &[REMOVED_FROM_MEETING, ADMITTED_FROM_LOBBY, HELP_ROLL_CALL];
