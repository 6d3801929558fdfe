//! The live meetings on this node and what their actions mean for calls and media.

use std::collections::HashMap;
use std::time::Instant;

use dialbridge_conference::ivr;
use dialbridge_conference::meeting::{
    Announcements, Command, DialOutResult, JoinOutcome, KeyMap, Meeting, MeetingAction,
    MeetingConfig, ParticipantInfo, Role, Target,
};
use dialbridge_conference::speech::{Language, Utterance};
use dialbridge_sip::endpoint::CallHandle;

use dialbridge_admin::live::{
    LiveCommand, LiveMeeting as AdminLiveMeeting, LiveParticipant, LiveRole,
};

use super::Joinable;
use crate::media_engine::{MediaEngine, WorkerCommand};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    Admitted,
    Lobby,
    Full,
}

/// How a caller came to the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    CalledIn,
    /// Dialed in and recorded their name for the announcements.
    CalledInWithName,
    /// We called them (dial-out): a locked meeting still lets them in.
    Invited,
}

/// What a meeting's actions ask of the dial-in layer (the rest goes to media directly).
pub enum Effect {
    Say {
        call: CallHandle,
        utterance: Utterance,
    },
    HangupAfterPrompts {
        call: CallHandle,
    },
    /// A call to place (`*2`, `*0`).
    Outbound(super::OutboundRequest),
    /// The meeting ended: its record for the store.
    Ended(dialbridge_admin::services::MeetingRecordInput),
}

struct Member {
    call: CallHandle,
    language: Language,
    in_lobby: bool,
}

struct LiveMeeting {
    meeting: Meeting,
    members: HashMap<u64, Member>,
    /// Whose meeting it is, for the admin center (none for a direct conference).
    owner: Option<std::sync::Arc<dialbridge_admin::services::CallTarget>>,
    /// What the meeting record says when it ends.
    history: MeetingHistory,
}

/// A meeting's course, for its record.
#[derive(Debug, Clone, Copy)]
struct MeetingHistory {
    /// Unix seconds.
    started_at: i64,
    participants_total: u32,
    peak_participants: u32,
    pin_used: bool,
}

impl MeetingHistory {
    fn new() -> Self {
        MeetingHistory {
            started_at: super::lookups::unix_now(),
            participants_total: 0,
            peak_participants: 0,
            pin_used: false,
        }
    }
}

#[derive(Default)]
pub struct Meetings {
    live: HashMap<String, LiveMeeting>,
    /// The service's limit of callers in one meeting (lobby included).
    max_participants: Option<usize>,
    /// Whether an outbound trunk exists, so `*2` and `*0` can work at all.
    dial_out_available: bool,
}

fn participant_id(call: CallHandle) -> u64 {
    call.0
}

impl Meetings {
    pub fn with_max_participants(max_participants: usize, dial_out_available: bool) -> Self {
        Meetings {
            live: HashMap::new(),
            max_participants: Some(max_participants),
            dial_out_available,
        }
    }

    fn base_config(&self) -> MeetingConfig {
        let mut config = MeetingConfig::default();
        if let Some(max) = self.max_participants {
            config.max_participants = max;
        }
        config
    }

    #[allow(clippy::too_many_arguments)]
    pub fn join(
        &mut self,
        now: Instant,
        joinable: &Joinable,
        call: CallHandle,
        role: ivr::Role,
        language: Language,
        caller_number: Option<String>,
        kind: JoinKind,
    ) -> Joined {
        let base = self.base_config();
        let dial_out_available = self.dial_out_available;
        let live = self.live.entry(joinable.key.clone()).or_insert_with(|| {
            let mut config = base;
            if let Some(target) = &joinable.target {
                config.anonymous_start = target.anonymous_start;
                config.mask_phone_numbers = target.mask_phone_numbers;
                config.key_map = key_map(&target.dial_pad_keys);
                if dial_out_available {
                    config.dial_out_allowed =
                        target.dial_out.policy != dialbridge_store::DialOutPolicy::None;
                    config.operator_number = target.dial_out.operator_number.clone();
                }
                config.announcements = match target.announcements {
                    dialbridge_store::Announcements::Tones => Announcements::Tones,
                    dialbridge_store::Announcements::Names => Announcements::Names,
                    dialbridge_store::Announcements::Off => Announcements::Off,
                };
            }
            LiveMeeting {
                meeting: Meeting::new(config, now),
                members: HashMap::new(),
                owner: joinable.target.clone(),
                history: MeetingHistory::new(),
            }
        });
        let role = match role {
            ivr::Role::Organizer => Role::Organizer,
            ivr::Role::Attendee => Role::Attendee,
        };
        live.add(now, call, role, language, caller_number, kind)
    }

    /// A direct-conference caller: anyone starts the meeting.
    pub fn join_direct(
        &mut self,
        now: Instant,
        key: &str,
        call: CallHandle,
        language: Language,
        caller_number: Option<String>,
    ) -> Joined {
        let base = self.base_config();
        let live = self.live.entry(key.to_owned()).or_insert_with(|| {
            let config = MeetingConfig {
                anonymous_start: true,
                ..base
            };
            LiveMeeting {
                meeting: Meeting::new(config, now),
                members: HashMap::new(),
                owner: None,
                history: MeetingHistory::new(),
            }
        });
        live.add(
            now,
            call,
            Role::Attendee,
            language,
            caller_number,
            JoinKind::CalledIn,
        )
    }

    /// Tells the organizer who keyed `*2` how it went.
    pub fn dial_out_result(&mut self, key: &str, participant: u64, result: DialOutResult) {
        if let Some(live) = self.live.get_mut(key) {
            live.meeting.dial_out_result(participant, result);
        }
    }

    /// The language `call` hears prompts in, while in meeting `key`.
    pub fn language_of(&self, key: &str, call: CallHandle) -> Option<Language> {
        let live = self.live.get(key)?;
        live.members
            .get(&participant_id(call))
            .map(|member| member.language.clone())
    }

    pub fn on_digit(&mut self, now: Instant, key: &str, call: CallHandle, digit: char) {
        if let Some(live) = self.live.get_mut(key) {
            live.meeting.on_digit(now, participant_id(call), digit);
        }
    }

    pub fn set_talking(&mut self, key: &str, call: CallHandle, talking: bool) {
        if let Some(live) = self.live.get_mut(key) {
            live.meeting.set_talking(participant_id(call), talking);
        }
    }

    pub fn leave(&mut self, now: Instant, key: &str, call: CallHandle) {
        if let Some(live) = self.live.get_mut(key) {
            live.members.remove(&participant_id(call));
            live.meeting.leave(now, participant_id(call));
        }
    }

    /// An admin's command from the admin center.
    pub fn admin_command(&mut self, now: Instant, key: &str, command: &LiveCommand) {
        let Some(live) = self.live.get_mut(key) else {
            return;
        };
        let meeting = &mut live.meeting;
        let result = match *command {
            LiveCommand::AdmitAll => meeting.admin_admit_all(now).map(|_| ()),
            LiveCommand::Admit { participant } => meeting.admin_admit(now, participant),
            LiveCommand::Mute { participant } => meeting.admin_mute(participant),
            LiveCommand::Unmute { participant } => meeting.admin_unmute(participant),
            LiveCommand::Remove { participant } => meeting.admin_remove(now, participant),
            LiveCommand::Lock => meeting.admin_lock(now),
            LiveCommand::Unlock => meeting.admin_unlock(now),
            LiveCommand::End => meeting.admin_end(),
        };
        if let Err(error) = result {
            tracing::info!(meeting = key, %error, "admin command not applied");
        }
    }

    /// The meeting as the admin center shows it, or `None` once it has ended.
    pub fn view(&self, key: &str, now: Instant, now_unix: i64) -> Option<AdminLiveMeeting> {
        let live = self.live.get(key)?;
        let participants = live
            .meeting
            .roster()
            .into_iter()
            .map(|entry| LiveParticipant {
                id: entry.id,
                number: entry.display_number,
                role: match entry.role {
                    Role::Organizer => LiveRole::Organizer,
                    Role::Attendee => LiveRole::Attendee,
                },
                muted: entry.muted,
                hand_raised: entry.hand_raised,
                talking: entry.talking,
                in_lobby: entry.in_lobby,
                joined_at: now_unix
                    - i64::try_from(now.saturating_duration_since(entry.joined_at).as_secs())
                        .unwrap_or(0),
            })
            .collect();
        Some(AdminLiveMeeting {
            key: key.to_owned(),
            organization_id: live.owner.as_ref().map(|t| t.organization_id),
            organizer_id: live.owner.as_ref().map(|t| t.organizer_id),
            organizer_name: live.owner.as_ref().map(|t| t.organizer_name.clone()),
            started: live.meeting.is_started(),
            locked: live.meeting.is_locked(),
            participants,
        })
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.live
            .values()
            .filter_map(|live| live.meeting.poll_timeout())
            .min()
    }

    pub fn due(&self, now: Instant) -> Vec<String> {
        self.live
            .iter()
            .filter(|(_, live)| live.meeting.poll_timeout().is_some_and(|at| at <= now))
            .map(|(key, _)| key.clone())
            .collect()
    }

    pub fn handle_timeout(&mut self, now: Instant, key: &str) {
        if let Some(live) = self.live.get_mut(key) {
            live.meeting.handle_timeout(now);
        }
    }

    /// Performs the meeting's pending actions: media commands directly, speech and
    /// hang-ups handed back as effects.
    pub fn drain(&mut self, _now: Instant, key: &str, media: &mut MediaEngine) -> Vec<Effect> {
        let mut effects = Vec::new();
        let Some(live) = self.live.get_mut(key) else {
            return effects;
        };
        let mut ended = false;
        while let Some(action) = live.meeting.poll_action() {
            match action {
                MeetingAction::Say { to, utterance } => {
                    for call in live.targets(&to, &utterance.language) {
                        effects.push(Effect::Say {
                            call,
                            utterance: utterance.clone(),
                        });
                    }
                }
                MeetingAction::SetMuted { id, muted } => {
                    if let Some(member) = live.members.get(&id) {
                        let call = member.call;
                        tracing::info!(%call, muted, "caller mute changes");
                        media.command(call, WorkerCommand::SetMuted { call, muted });
                    }
                }
                MeetingAction::MoveToConference { id } => {
                    if let Some(member) = live.members.get_mut(&id) {
                        member.in_lobby = false;
                        let call = member.call;
                        tracing::info!(%call, meeting = key, "caller joins the conference");
                        media.command(call, WorkerCommand::Music { call, on: false });
                        media.join_conference(call, key);
                    }
                }
                MeetingAction::MoveToLobby { id } => {
                    if let Some(member) = live.members.get_mut(&id) {
                        member.in_lobby = true;
                        let call = member.call;
                        tracing::info!(%call, meeting = key, "caller waits in the lobby");
                        media.leave_conference(call);
                        media.command(call, WorkerCommand::Music { call, on: true });
                    }
                }
                MeetingAction::Disconnect { id, reason } => {
                    if let Some(member) = live.members.remove(&id) {
                        tracing::info!(call = %member.call, ?reason, "meeting disconnects caller");
                        media.leave_conference(member.call);
                        effects.push(Effect::HangupAfterPrompts { call: member.call });
                    }
                }
                MeetingAction::TransferToOperator { id, number } => {
                    match (live.members.get(&id), &live.owner) {
                        (Some(member), Some(target)) => {
                            tracing::info!(call = %member.call, "caller asks for the operator");
                            effects.push(Effect::Outbound(super::OutboundRequest::Operator {
                                meeting_key: key.to_owned(),
                                caller: member.call,
                                number,
                                language: member.language.clone(),
                                target: std::sync::Arc::clone(target),
                            }));
                        }
                        _ => tracing::info!(
                            participant = id,
                            "operator transfer without a caller or an organization"
                        ),
                    }
                }
                MeetingAction::StartDialOut { .. } | MeetingAction::DialOutCancelled { .. } => {}
                MeetingAction::DialOut { by, digits } => {
                    match (live.members.get(&by), &live.owner) {
                        (Some(member), Some(target)) => {
                            effects.push(Effect::Outbound(super::OutboundRequest::DialOut {
                                meeting_key: key.to_owned(),
                                by: member.call,
                                digits,
                                language: member.language.clone(),
                                target: std::sync::Arc::clone(target),
                            }));
                        }
                        // A direct conference belongs to no organizer: no policy to dial under.
                        _ => live.meeting.dial_out_result(by, DialOutResult::NotAllowed),
                    }
                }
                MeetingAction::RosterChanged => {}
                MeetingAction::Ended { reason } => {
                    tracing::info!(meeting = key, ?reason, "meeting ended");
                    ended = true;
                    let history = live.history;
                    let owner = live.owner.as_ref();
                    effects.push(Effect::Ended(
                        dialbridge_admin::services::MeetingRecordInput {
                            organization_id: owner.map(|t| t.organization_id),
                            organizer_id: owner.map(|t| t.organizer_id),
                            meeting_id: owner.and_then(|t| t.meeting_id),
                            conference_key: key.to_owned(),
                            started_at: history.started_at,
                            ended_at: super::lookups::unix_now(),
                            end_reason: format!("{reason:?}"),
                            participants_total: i32::try_from(history.participants_total)
                                .unwrap_or(i32::MAX),
                            peak_participants: i32::try_from(history.peak_participants)
                                .unwrap_or(i32::MAX),
                            pin_used: history.pin_used,
                        },
                    ));
                }
            }
        }
        if ended {
            self.live.remove(key);
        }
        effects
    }
}

/// The organization's key map over the defaults. Keys are remapped with the prefix the
/// organization chose (`*` or `#`); a map the meeting rules refuse (a clash, a bad
/// prefix) falls back to the defaults, logged, so callers keep working commands.
fn key_map(keys: &std::collections::BTreeMap<String, String>) -> KeyMap {
    let overrides: Vec<(Command, &str)> = keys
        .iter()
        .filter_map(|(sequence, name)| Command::from_name(name).map(|c| (c, sequence.as_str())))
        .collect();
    KeyMap::with_overrides(overrides).unwrap_or_else(|error| {
        tracing::warn!(%error, "organization dial-pad key map refused; using the defaults");
        KeyMap::default()
    })
}

impl LiveMeeting {
    fn add(
        &mut self,
        now: Instant,
        call: CallHandle,
        role: Role,
        language: Language,
        caller_number: Option<String>,
        kind: JoinKind,
    ) -> Joined {
        let id = participant_id(call);
        let info = ParticipantInfo {
            id,
            role,
            language: language.clone(),
            caller_number,
            recorded_name: kind == JoinKind::CalledInWithName,
            authenticated_with_pin: role == Role::Organizer,
            dialed_out: kind == JoinKind::Invited,
        };
        self.members.insert(
            id,
            Member {
                call,
                language,
                in_lobby: false,
            },
        );
        let outcome = self.meeting.join(now, info);
        if matches!(
            outcome,
            Ok(JoinOutcome::Admitted | JoinOutcome::Lobby { .. })
        ) {
            let history = &mut self.history;
            history.participants_total += 1;
            history.peak_participants = history
                .peak_participants
                .max(u32::try_from(self.members.len()).unwrap_or(u32::MAX));
            // An organizer is in only by their PIN, or by an admin's "call me" for them.
            history.pin_used |= role == Role::Organizer;
        }
        match outcome {
            Ok(JoinOutcome::Admitted) => Joined::Admitted,
            Ok(JoinOutcome::Lobby { .. }) => Joined::Lobby,
            Ok(JoinOutcome::Full) => {
                self.members.remove(&id);
                Joined::Full
            }
            Err(error) => {
                tracing::warn!(%call, %error, "cannot join the meeting");
                self.members.remove(&id);
                Joined::Full
            }
        }
    }

    fn targets(&self, to: &Target, language: &Language) -> Vec<CallHandle> {
        let matches = |member: &&Member| &member.language == language;
        match to {
            Target::One(id) => self.members.get(id).map(|m| m.call).into_iter().collect(),
            Target::All => self
                .members
                .values()
                .filter(|m| !m.in_lobby)
                .filter(matches)
                .map(|m| m.call)
                .collect(),
            Target::AllExcept(except) => self
                .members
                .iter()
                .filter(|(id, m)| *id != except && !m.in_lobby)
                .map(|(_, m)| m)
                .filter(matches)
                .map(|m| m.call)
                .collect(),
            Target::Lobby => self
                .members
                .values()
                .filter(|m| m.in_lobby)
                .filter(matches)
                .map(|m| m.call)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_name_the_admin_center_accepts_is_a_meeting_command() {
        for name in dialbridge_admin::services::DIAL_PAD_COMMANDS {
            assert!(Command::from_name(name).is_some(), "{name}");
        }
        assert_eq!(
            dialbridge_admin::services::DIAL_PAD_COMMANDS.len(),
            Command::ALL.len()
        );
    }

    #[test]
    fn an_organizations_keys_remap_the_commands_and_a_clash_keeps_the_defaults() {
        let mut keys = std::collections::BTreeMap::new();
        keys.insert("#6".to_owned(), "mute".to_owned());
        let map = key_map(&keys);
        assert_eq!(map.sequence(Command::MuteSelf), Some("#6"));
        keys.insert("#6".to_owned(), "hand".to_owned());
        keys.insert("*1".to_owned(), "mute".to_owned());
        let clash = key_map(&keys);
        // "*1" is help's key too: the whole map falls back, hand included.
        assert_eq!(
            clash.sequence(Command::Hand),
            KeyMap::default().sequence(Command::Hand)
        );
        assert_ne!(clash.sequence(Command::Hand), Some("#6"));
    }
}
