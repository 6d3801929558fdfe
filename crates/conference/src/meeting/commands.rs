//! Dial-pad commands: each caller's keys are parsed on their own (a prefix key starts a
//! command, the next keys complete it) and the command is run with the caller's rights.
//! Nothing a caller types goes unanswered: what is not a command gets the error tone.

use std::time::Instant;

use crate::speech::{keys as speech_keys, SpeechPart, Tone};

use super::actions::{LobbyReason, MeetingAction, Target};
use super::config::Announcements;
use super::keymap::{is_dial_pad_key, Command, Lookup};
use super::Meeting;

const ROLL_CALL_PAUSE_MS: u32 = 300;

/// Where one caller is in typing a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum KeyState {
    Idle,
    /// A prefix key and maybe more, waiting for the rest of a sequence.
    Typing {
        typed: String,
        deadline: Instant,
    },
    /// An organizer entering the number to dial out to, ended by `#`.
    CollectingDialOut {
        digits: String,
        deadline: Instant,
    },
}

impl KeyState {
    pub(super) fn deadline(&self) -> Option<Instant> {
        match self {
            KeyState::Idle => None,
            KeyState::Typing { deadline, .. } | KeyState::CollectingDialOut { deadline, .. } => {
                Some(*deadline)
            }
        }
    }
}

impl Meeting {
    /// A key the caller pressed (`0`–`9`, `*`, `#`, `A`–`D`). Unknown callers are ignored.
    pub fn on_digit(&mut self, now: Instant, id: u64, key: char) {
        if self.ended.is_some() {
            return;
        }
        self.expire_keys(now, id);
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        let state = std::mem::replace(&mut participant.keys, KeyState::Idle);
        if !is_dial_pad_key(key) {
            participant.keys = state;
            self.error_tone(id);
            return;
        }
        match state {
            KeyState::Idle => {
                if self.config.key_map.is_prefix_key(key) {
                    self.set_keys(id, typing(key.to_string(), now, self));
                } else {
                    self.error_tone(id);
                }
            }
            KeyState::Typing { mut typed, .. } => {
                typed.push(key);
                match self.config.key_map.lookup(&typed) {
                    Lookup::Command(command) => self.run_command(now, id, command),
                    Lookup::Partial => self.set_keys(id, typing(typed, now, self)),
                    Lookup::Unknown => self.error_tone(id),
                }
            }
            KeyState::CollectingDialOut { digits, .. } => self.dial_out_key(now, id, digits, key),
        }
    }

    /// Cancels this caller's half-typed command if its time is up.
    pub(super) fn expire_keys(&mut self, now: Instant, id: u64) {
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        if participant
            .keys
            .deadline()
            .is_none_or(|deadline| now < deadline)
        {
            return;
        }
        let state = std::mem::replace(&mut participant.keys, KeyState::Idle);
        self.error_tone(id);
        if matches!(state, KeyState::CollectingDialOut { .. }) {
            self.push(MeetingAction::DialOutCancelled { by: id });
        }
    }

    pub(super) fn set_keys(&mut self, id: u64, state: KeyState) {
        if let Some(participant) = self.find_mut(id) {
            participant.keys = state;
        }
    }

    pub(super) fn error_tone(&mut self, id: u64) {
        self.say_to(id, vec![SpeechPart::Tone(Tone::Error)]);
    }

    pub(super) fn say_prompt(&mut self, id: u64, prompt: crate::speech::PromptKey) {
        self.say_to(id, vec![SpeechPart::Prompt(prompt)]);
    }

    /// Whether this caller may use `command` now (help lists exactly these).
    fn may_use(&self, id: u64, command: Command) -> bool {
        let is_organizer = self.find(id).is_some_and(|p| p.is_organizer());
        (is_organizer || !command.organizer_only()) && self.is_available(command)
    }

    fn is_available(&self, command: Command) -> bool {
        match command {
            Command::Operator => self.config.operator_number.is_some(),
            Command::DialOut => self.config.dial_out_allowed,
            _ => true,
        }
    }

    fn run_command(&mut self, now: Instant, id: u64, command: Command) {
        let Some(participant) = self.find(id) else {
            return;
        };
        if participant.in_lobby {
            let prompt = match self.current_lobby_reason() {
                LobbyReason::NotStarted => speech_keys::LOBBY_WAITING,
                LobbyReason::Locked => speech_keys::MEETING_LOCKED,
            };
            return self.say_prompt(id, prompt);
        }
        if command.organizer_only() && !participant.is_organizer() {
            return self.say_prompt(id, speech_keys::ONLY_ORGANIZER);
        }
        match command {
            Command::Help => self.help(id),
            Command::MuteSelf => self.toggle_self_mute(id),
            Command::Hand => self.toggle_hand(id),
            Command::Count => {
                let count = u32::try_from(self.participant_count()).unwrap_or(u32::MAX);
                self.say_to(
                    id,
                    vec![
                        SpeechPart::Prompt(speech_keys::PARTICIPANT_COUNT_BEFORE),
                        SpeechPart::Number(count),
                        SpeechPart::Prompt(speech_keys::PARTICIPANT_COUNT_AFTER),
                    ],
                );
            }
            Command::MuteAll => self.set_mute_all(!self.mute_all_active),
            Command::Lock => self.set_locked(now, !self.locked),
            Command::AdmitLobby => self.admit_lobby_by(now, id),
            Command::Announcements => self.toggle_announcements(id),
            Command::Operator => match self.config.operator_number.clone() {
                Some(number) => {
                    self.say_prompt(id, speech_keys::OPERATOR_TRANSFER);
                    self.push(MeetingAction::TransferToOperator { id, number });
                }
                None => self.say_prompt(id, speech_keys::OPERATOR_UNAVAILABLE),
            },
            Command::DialOut => self.start_dial_out(now, id),
            Command::RollCall => self.roll_call(id),
        }
    }

    fn help(&mut self, id: u64) {
        let mut parts = vec![SpeechPart::Prompt(speech_keys::HELP_INTRO)];
        for (command, sequence) in self.config.key_map.entries() {
            if self.may_use(id, command) {
                parts.push(SpeechPart::Prompt(command.help_prompt()));
                parts.push(SpeechPart::Digits(sequence.to_owned()));
            }
        }
        self.say_to(id, parts);
    }

    fn toggle_self_mute(&mut self, id: u64) {
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        participant.muted = !participant.muted;
        participant.muted_by_mute_all = false;
        let muted = participant.muted;
        self.push(MeetingAction::SetMuted { id, muted });
        self.say_prompt(
            id,
            if muted {
                speech_keys::MUTED
            } else {
                speech_keys::UNMUTED
            },
        );
        self.push(MeetingAction::RosterChanged);
    }

    fn toggle_hand(&mut self, id: u64) {
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        participant.hand_raised = !participant.hand_raised;
        let raised = participant.hand_raised;
        self.say_prompt(
            id,
            if raised {
                speech_keys::HAND_RAISED
            } else {
                speech_keys::HAND_LOWERED
            },
        );
        self.push(MeetingAction::RosterChanged);
    }

    /// Mutes every attendee in the meeting (organizers keep talking), or unmutes those it
    /// muted. Attendees may unmute themselves meanwhile, as in Teams.
    pub(super) fn set_mute_all(&mut self, active: bool) {
        self.mute_all_active = active;
        let mut changed = Vec::new();
        for participant in &mut self.participants {
            if participant.in_lobby || participant.is_organizer() {
                continue;
            }
            if active && !participant.muted {
                participant.muted = true;
                participant.muted_by_mute_all = true;
                changed.push(participant.id());
            } else if !active && participant.muted_by_mute_all {
                participant.muted = false;
                participant.muted_by_mute_all = false;
                changed.push(participant.id());
            }
        }
        for id in changed {
            self.push(MeetingAction::SetMuted { id, muted: active });
        }
        let prompt = if active {
            speech_keys::ALL_MUTED
        } else {
            speech_keys::ALL_UNMUTED
        };
        self.broadcast(Target::All, vec![SpeechPart::Prompt(prompt)]);
        self.push(MeetingAction::RosterChanged);
    }

    /// Each recorded name in the meeting, in join order; callers without one are skipped.
    fn roll_call(&mut self, id: u64) {
        let mut parts = vec![SpeechPart::Prompt(speech_keys::ROLL_CALL_INTRO)];
        for participant in &self.participants {
            if !participant.in_lobby && participant.info.recorded_name {
                parts.push(SpeechPart::RecordedName(participant.id()));
                parts.push(SpeechPart::Pause(ROLL_CALL_PAUSE_MS));
            }
        }
        self.say_to(id, parts);
    }

    fn toggle_announcements(&mut self, id: u64) {
        let prompt = if self.announcements == Announcements::Off {
            self.announcements = match self.config.announcements {
                Announcements::Off => Announcements::Tones,
                configured => configured,
            };
            speech_keys::ANNOUNCEMENTS_ON
        } else {
            self.announcements = Announcements::Off;
            speech_keys::ANNOUNCEMENTS_OFF
        };
        self.say_prompt(id, prompt);
    }
}

fn typing(typed: String, now: Instant, meeting: &Meeting) -> KeyState {
    KeyState::Typing {
        typed,
        deadline: now + meeting.config.command_timeout,
    }
}
