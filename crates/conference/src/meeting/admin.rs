//! What an admin (or the organizer's client) does to a meeting from the admin center.

use std::time::Instant;

use crate::speech::{keys as speech_keys, SpeechPart};

use super::actions::{DisconnectReason, EndReason, MeetingAction, MeetingError};
use super::{keys, Meeting};

impl Meeting {
    /// Lets everyone in the lobby in (even while locked); returns how many.
    pub fn admin_admit_all(&mut self, now: Instant) -> Result<usize, MeetingError> {
        self.check_open()?;
        let admitted = self.admit_all_from_lobby(now);
        if admitted > 0 {
            self.push(MeetingAction::RosterChanged);
        }
        Ok(admitted)
    }

    /// Lets one caller in from the lobby (even while locked).
    pub fn admin_admit(&mut self, now: Instant, id: u64) -> Result<(), MeetingError> {
        self.check_open()?;
        let participant = self.find(id).ok_or(MeetingError::UnknownParticipant(id))?;
        if !participant.in_lobby {
            return Err(MeetingError::NotInLobby(id));
        }
        self.admit_from_lobby(now, id);
        self.push(MeetingAction::RosterChanged);
        Ok(())
    }

    pub fn admin_mute(&mut self, id: u64) -> Result<(), MeetingError> {
        self.admin_set_muted(id, true)
    }

    pub fn admin_unmute(&mut self, id: u64) -> Result<(), MeetingError> {
        self.admin_set_muted(id, false)
    }

    /// Tells the caller, hangs up on them and takes them off the roster.
    pub fn admin_remove(&mut self, now: Instant, id: u64) -> Result<(), MeetingError> {
        self.check_open()?;
        if self.find(id).is_none() {
            return Err(MeetingError::UnknownParticipant(id));
        }
        self.say_to(id, vec![SpeechPart::Prompt(keys::REMOVED_FROM_MEETING)]);
        self.push(MeetingAction::Disconnect {
            id,
            reason: DisconnectReason::Removed,
        });
        if let Some(departed) = self.remove_participant(now, id) {
            self.after_departure(now, departed.info.is_authenticated_organizer());
        }
        Ok(())
    }

    pub fn admin_lock(&mut self, now: Instant) -> Result<(), MeetingError> {
        self.check_open()?;
        self.set_locked(now, true);
        Ok(())
    }

    /// Unlocks, and lets the lobby in if the meeting has started.
    pub fn admin_unlock(&mut self, now: Instant) -> Result<(), MeetingError> {
        self.check_open()?;
        self.set_locked(now, false);
        Ok(())
    }

    /// Ends the meeting for everyone now.
    pub fn admin_end(&mut self) -> Result<(), MeetingError> {
        self.check_open()?;
        self.end(EndReason::Admin);
        Ok(())
    }

    fn admin_set_muted(&mut self, id: u64, muted: bool) -> Result<(), MeetingError> {
        self.check_open()?;
        let participant = self
            .find_mut(id)
            .ok_or(MeetingError::UnknownParticipant(id))?;
        if participant.in_lobby {
            return Err(MeetingError::InLobby(id));
        }
        participant.muted_by_mute_all = false;
        if participant.muted == muted {
            return Ok(());
        }
        participant.muted = muted;
        self.push(MeetingAction::SetMuted { id, muted });
        let prompt = if muted {
            speech_keys::MUTED
        } else {
            speech_keys::UNMUTED
        };
        self.say_to(id, vec![SpeechPart::Prompt(prompt)]);
        self.push(MeetingAction::RosterChanged);
        Ok(())
    }
}
