//! A live meeting: lobby, lock, roles, dial-pad commands, announcements, limits, end rules.
//!
//! [`Meeting`] is sans-IO. The binary feeds it what happened (`join`, `leave`, `on_digit`,
//! `set_talking`, the `admin_*` commands, `handle_timeout`) with the current time, then
//! drains [`Meeting::poll_action`] and sleeps until [`Meeting::poll_timeout`]:
//!
//! ```text
//!   join / leave / on_digit / admin_* / set_talking / handle_timeout   (+ now)
//!                                   │
//!                                   ▼
//!       ┌────────────── Meeting ─────────────────────────────┐
//!       │ lobby · lock · key parsing · roster · end rules     │
//!       └─────────────────────────────────────────────────────┘
//!          │ poll_action()                    │ poll_timeout()
//!          ▼                                  ▼
//!   Say, SetMuted, MoveTo*, Disconnect,   when to call handle_timeout
//!   TransferToOperator, DialOut, Ended …
//! ```
//!
//! Mute-all (`*4` by default) mutes every attendee but leaves them free to unmute
//! themselves with `*6`, as Teams does; pressing it again unmutes those it muted.

mod actions;
mod admin;
mod commands;
mod config;
mod dial_out;
mod end_rules;
pub mod keymap;
pub mod keys;
mod lobby;
mod roster;
mod timers;

use std::collections::{BTreeSet, VecDeque};
use std::time::Instant;

pub use actions::{
    DisconnectReason, EndReason, JoinOutcome, LobbyReason, MeetingAction, MeetingError, Target,
};
pub use config::{Announcements, EndRuleDurations, MeetingConfig, DEFAULT_MAX_PARTICIPANTS};
pub use dial_out::DialOutResult;
pub use keymap::{Command, KeyMap, KeyMapError};
pub use roster::{display_number, ParticipantInfo, Role, RosterEntry};

use crate::speech::{keys as speech_keys, Language, SpeechPart, Utterance};
use roster::Participant;

/// One meeting's state. Create it when the first caller arrives for a conference ID.
#[derive(Debug)]
pub struct Meeting {
    config: MeetingConfig,
    created_at: Instant,
    /// An authenticated organizer (or, with anonymous start, any caller) has opened it.
    started: bool,
    locked: bool,
    announcements: Announcements,
    mute_all_active: bool,
    /// In join order, lobby included.
    participants: Vec<Participant>,
    someone_used_pin: bool,
    attendee_list_changed_at: Instant,
    /// When the last authenticated organizer left (only tracked without anonymous start).
    organizer_left_at: Option<Instant>,
    ended: Option<EndReason>,
    actions: VecDeque<MeetingAction>,
}

impl Meeting {
    pub fn new(config: MeetingConfig, now: Instant) -> Self {
        Self {
            announcements: config.announcements,
            config,
            created_at: now,
            started: false,
            locked: false,
            mute_all_active: false,
            participants: Vec::new(),
            someone_used_pin: false,
            attendee_list_changed_at: now,
            organizer_left_at: None,
            ended: None,
            actions: VecDeque::new(),
        }
    }

    /// A caller arrives from the IVR (or answers a dial-out).
    pub fn join(
        &mut self,
        now: Instant,
        info: ParticipantInfo,
    ) -> Result<JoinOutcome, MeetingError> {
        self.check_open()?;
        if self.find(info.id).is_some() {
            return Err(MeetingError::AlreadyJoined(info.id));
        }
        if self.participants.len() >= self.config.max_participants {
            return Ok(JoinOutcome::Full);
        }
        self.someone_used_pin |= info.authenticated_with_pin;
        self.attendee_list_changed_at = now;
        let id = info.id;
        let opens_meeting = info.is_authenticated_organizer();
        match self.lobby_reason_for(&info) {
            Some(reason) => {
                self.participants.push(Participant::new(info, now, true));
                let prompt = match reason {
                    LobbyReason::NotStarted => speech_keys::LOBBY_WAITING,
                    LobbyReason::Locked => speech_keys::MEETING_LOCKED,
                };
                self.say_to(id, vec![SpeechPart::Prompt(prompt)]);
                self.push(MeetingAction::MoveToLobby { id });
                self.push(MeetingAction::RosterChanged);
                Ok(JoinOutcome::Lobby { reason })
            }
            None => {
                self.started = true;
                if opens_meeting {
                    self.organizer_left_at = None;
                }
                self.participants.push(Participant::new(info, now, false));
                self.say_to(id, vec![SpeechPart::Prompt(speech_keys::JOINED)]);
                self.enter_conference(id);
                if opens_meeting && self.lobby_may_open() {
                    self.admit_all_from_lobby(now);
                }
                self.push(MeetingAction::RosterChanged);
                Ok(JoinOutcome::Admitted)
            }
        }
    }

    /// The caller hung up (or was transferred away). Unknown ids are ignored, so a `leave`
    /// after the meeting's own `Disconnect` is harmless.
    pub fn leave(&mut self, now: Instant, id: u64) {
        if self.ended.is_some() {
            return;
        }
        if let Some(departed) = self.remove_participant(now, id) {
            self.after_departure(now, departed.info.is_authenticated_organizer());
        }
    }

    /// The mixer's voice activity for the roster.
    pub fn set_talking(&mut self, id: u64, talking: bool) {
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        if participant.talking != talking {
            participant.talking = talking;
            self.push(MeetingAction::RosterChanged);
        }
    }

    /// The next thing to do, in order.
    pub fn poll_action(&mut self) -> Option<MeetingAction> {
        self.actions.pop_front()
    }

    /// Everyone in the meeting and the lobby, in join order.
    pub fn roster(&self) -> Vec<RosterEntry> {
        self.participants
            .iter()
            .map(|participant| participant.entry(self.config.mask_phone_numbers))
            .collect()
    }

    pub fn config(&self) -> &MeetingConfig {
        &self.config
    }

    pub fn is_started(&self) -> bool {
        self.started
    }

    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// The announcements now in force (`*9` changes them).
    pub fn announcements(&self) -> Announcements {
        self.announcements
    }

    /// Whether mute-all is in force.
    pub fn is_mute_all_active(&self) -> bool {
        self.mute_all_active
    }

    /// Callers in the meeting, not counting the lobby.
    pub fn participant_count(&self) -> usize {
        self.participants.iter().filter(|p| !p.in_lobby).count()
    }

    pub fn lobby_count(&self) -> usize {
        self.participants.iter().filter(|p| p.in_lobby).count()
    }

    /// Why the meeting ended, once it has.
    pub fn end_reason(&self) -> Option<EndReason> {
        self.ended
    }

    fn check_open(&self) -> Result<(), MeetingError> {
        match self.ended {
            Some(_) => Err(MeetingError::Ended),
            None => Ok(()),
        }
    }

    fn push(&mut self, action: MeetingAction) {
        self.actions.push_back(action);
    }

    fn find(&self, id: u64) -> Option<&Participant> {
        self.participants.iter().find(|p| p.id() == id)
    }

    fn find_mut(&mut self, id: u64) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| p.id() == id)
    }

    /// Takes a caller off the roster and tells the others; the end checks come after.
    fn remove_participant(&mut self, now: Instant, id: u64) -> Option<Participant> {
        let index = self.participants.iter().position(|p| p.id() == id)?;
        let participant = self.participants.remove(index);
        self.attendee_list_changed_at = now;
        if !participant.in_lobby {
            self.announce_exit(&participant);
        }
        self.push(MeetingAction::RosterChanged);
        Some(participant)
    }

    /// Puts an admitted caller into the mix, muted if mute-all is in force, and announces it.
    fn enter_conference(&mut self, id: u64) {
        let mute_all_active = self.mute_all_active;
        let Some(participant) = self.find_mut(id) else {
            return;
        };
        participant.in_lobby = false;
        let muted = mute_all_active && !participant.is_organizer();
        if muted {
            participant.muted = true;
            participant.muted_by_mute_all = true;
        }
        self.push(MeetingAction::MoveToConference { id });
        if muted {
            self.push(MeetingAction::SetMuted { id, muted: true });
        }
        self.announce_entry(id);
    }

    fn announce_entry(&mut self, id: u64) {
        let has_name = self.find(id).is_some_and(|p| p.info.recorded_name);
        let parts = match (self.announcements, has_name) {
            (Announcements::Off, _) => return,
            (Announcements::Names, true) => vec![
                SpeechPart::RecordedName(id),
                SpeechPart::Prompt(speech_keys::HAS_JOINED),
            ],
            _ => vec![SpeechPart::Tone(crate::speech::Tone::Entry)],
        };
        self.broadcast(Target::AllExcept(id), parts);
    }

    fn announce_exit(&mut self, participant: &Participant) {
        let parts = match (self.announcements, participant.info.recorded_name) {
            (Announcements::Off, _) => return,
            (Announcements::Names, true) => vec![
                SpeechPart::RecordedName(participant.id()),
                SpeechPart::Prompt(speech_keys::HAS_LEFT),
            ],
            _ => vec![SpeechPart::Tone(crate::speech::Tone::Exit)],
        };
        self.broadcast(Target::All, parts);
    }

    /// Says `parts` to one caller in the caller's language.
    fn say_to(&mut self, id: u64, parts: Vec<SpeechPart>) {
        let Some(language) = self.find(id).map(|p| p.info.language.clone()) else {
            return;
        };
        self.push(MeetingAction::Say {
            to: Target::One(id),
            utterance: Utterance { language, parts },
        });
    }

    /// Says `parts` to a group, once per language spoken in it (see [`Target`]).
    fn broadcast(&mut self, to: Target, parts: Vec<SpeechPart>) {
        let languages: BTreeSet<Language> = self
            .participants
            .iter()
            .filter(|p| is_in_target(p, to))
            .map(|p| p.info.language.clone())
            .collect();
        for language in languages {
            self.push(MeetingAction::Say {
                to,
                utterance: Utterance {
                    language,
                    parts: parts.clone(),
                },
            });
        }
    }
}

fn is_in_target(participant: &Participant, target: Target) -> bool {
    match target {
        Target::One(id) => participant.id() == id,
        Target::All => !participant.in_lobby,
        Target::AllExcept(id) => !participant.in_lobby && participant.id() != id,
        Target::Lobby => participant.in_lobby,
    }
}
