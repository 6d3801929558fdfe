//! Who waits in the lobby, and when they are let in.
//!
//! Seed, "scenarios when the organizer and all of the attendees dial in": without anonymous
//! start, an attendee who calls before the organizer "will listen to music in the lobby
//! until the organizer joins"; with it, "each attendee can start the meeting". Seed
//! comparison table: "Users listen to music on hold if meeting hasn't started or if the
//! meeting has been locked."

use std::time::Instant;

use crate::speech::{keys as speech_keys, SpeechPart};

use super::actions::{LobbyReason, MeetingAction, Target};
use super::roster::ParticipantInfo;
use super::{keys, Meeting};

impl Meeting {
    /// Where a new caller goes: `None` is straight into the meeting.
    pub(super) fn lobby_reason_for(&self, info: &ParticipantInfo) -> Option<LobbyReason> {
        if info.is_authenticated_organizer() {
            return None;
        }
        if !self.started && !self.config.anonymous_start {
            return Some(LobbyReason::NotStarted);
        }
        // The organizer's own dial-out invited this caller, so the lock is not for them.
        if self.locked && !info.dialed_out {
            return Some(LobbyReason::Locked);
        }
        None
    }

    /// Why those in the lobby are waiting now.
    pub(super) fn current_lobby_reason(&self) -> LobbyReason {
        if !self.started && !self.config.anonymous_start {
            LobbyReason::NotStarted
        } else {
            LobbyReason::Locked
        }
    }

    /// Whether callers waiting would be let in without anyone admitting them.
    pub(super) fn lobby_may_open(&self) -> bool {
        !self.locked && (self.started || self.config.anonymous_start)
    }

    /// Lets everyone in the lobby in, in join order; returns how many.
    pub(super) fn admit_all_from_lobby(&mut self, now: Instant) -> usize {
        let waiting: Vec<u64> = self
            .participants
            .iter()
            .filter(|p| p.in_lobby)
            .map(|p| p.id())
            .collect();
        for &id in &waiting {
            self.admit_from_lobby(now, id);
        }
        waiting.len()
    }

    /// Lets one caller in. Admitting someone opens the meeting, even before an organizer.
    pub(super) fn admit_from_lobby(&mut self, now: Instant, id: u64) {
        self.started = true;
        self.attendee_list_changed_at = now;
        self.say_to(id, vec![SpeechPart::Prompt(speech_keys::LOBBY_ADMITTED)]);
        self.enter_conference(id);
    }

    pub(super) fn set_locked(&mut self, now: Instant, locked: bool) {
        if self.locked == locked {
            return;
        }
        self.locked = locked;
        let prompt = if locked {
            speech_keys::MEETING_LOCKED_NOW
        } else {
            speech_keys::MEETING_UNLOCKED_NOW
        };
        self.broadcast(Target::All, vec![SpeechPart::Prompt(prompt)]);
        if !locked && self.lobby_may_open() && self.admit_all_from_lobby(now) > 0 {
            self.push(MeetingAction::RosterChanged);
        }
    }

    /// The organizer's `*8`: tells them how many came in.
    pub(super) fn admit_lobby_by(&mut self, now: Instant, organizer: u64) {
        let admitted = self.admit_all_from_lobby(now);
        if admitted > 0 {
            self.push(MeetingAction::RosterChanged);
        }
        let count = u32::try_from(admitted).unwrap_or(u32::MAX);
        self.say_to(
            organizer,
            vec![
                SpeechPart::Number(count),
                SpeechPart::Prompt(keys::ADMITTED_FROM_LOBBY),
            ],
        );
    }
}
