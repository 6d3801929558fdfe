//! Live meetings: who is in each running conference right now, and the admin's commands on it.
//!
//! ```text
//!  binary (owns the conferences) ──impl LiveMeetings──► AdminService::set_live_meetings
//!  API / web ──► AdminService::live_meetings(caller)   (scoped to the caller's organization)
//!            ──► AdminService::live_command(caller, key, command)
//!            ──► LiveMeetings::subscribe()  (a version bumped on every roster change: SSE)
//! ```
//!
//! The admin crate never holds a conference: the binary answers snapshots and carries out
//! commands, so this module is only the contract and its authorization.

use crate::services::{AdminService, Caller, ServiceError, ServiceResult};
use dialbridge_store::{OrganizationId, OrganizerId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::watch;
use utoipa::ToSchema;

/// What the binary provides: its running meetings, and the admin's commands on them.
pub trait LiveMeetings: Send + Sync + 'static {
    /// Every running meeting (lobbies included), numbers already masked per organization.
    fn snapshot(&self) -> Vec<LiveMeeting>;
    /// Carries out `command` on the meeting with `meeting_key`.
    fn command(&self, meeting_key: &str, command: LiveCommand) -> Result<(), LiveCommandError>;
    /// A version number that changes on every roster change (join, leave, mute, hand,
    /// talking, lobby, lock, end); watchers take a fresh [`LiveMeetings::snapshot`] then.
    fn subscribe(&self) -> watch::Receiver<u64>;
    /// Checks `order` against the dial-out policy and starts placing the call; returns once
    /// the attempt is accepted (the outcome is recorded later, under `order.reference`).
    /// Provided so providers without outbound trunks need not implement it.
    fn dial_out(&self, order: DialOutOrder) -> Result<(), DialOutRejected> {
        let _ = order;
        Err(DialOutRejected::Unavailable(
            "dial-out is not available on this server".into(),
        ))
    }
}

/// Why a dial-out is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DialOutPurpose {
    /// Calls the organizer, who joins their meeting as organizer.
    CallMe,
    /// Calls someone who joins the organizer's meeting as an attendee.
    AddParticipant,
}

impl DialOutPurpose {
    /// As in the JSON and the dial-out log's `purpose` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DialOutPurpose::CallMe => "call_me",
            DialOutPurpose::AddParticipant => "add_participant",
        }
    }
}

/// One dial-out asked for in the admin center, resolved for the binary to check and place.
#[derive(Debug, Clone)]
pub struct DialOutOrder {
    /// 16 random lower-case hex characters: the attempt's name in the API, log and store.
    pub reference: String,
    pub purpose: DialOutPurpose,
    /// As the admin typed it.
    pub number: String,
    /// Who asked, as audit rows name actors (e.g. "user:3", "token:5", "system:cli").
    pub requested_by: String,
    /// The organizer's static meeting (its key in the binary is `organizer-<id>`).
    pub target: std::sync::Arc<crate::services::CallTarget>,
}

/// Why the binary did not accept a dial-out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialOutRejected {
    /// The policy refused it; `reason` is the machine tag (e.g. "international_not_allowed"),
    /// `message` the sentence for people.
    #[error("{message}")]
    Refused { reason: String, message: String },
    /// Dial-out cannot be placed at all (no outbound trunk configured, server stopping).
    #[error("{0}")]
    Unavailable(String),
}

/// One running meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LiveMeeting {
    /// URL-safe and stable while the meeting runs, e.g. `organizer-12`, `meeting-5`,
    /// `direct-room`.
    pub key: String,
    /// `None` for a direct conference outside any organization (platform admins only).
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<OrganizationId>,
    #[schema(value_type = Option<i64>)]
    pub organizer_id: Option<OrganizerId>,
    pub organizer_name: Option<String>,
    /// The organizer is in (or the meeting started without one); callers before that wait.
    pub started: bool,
    /// Nobody new gets in.
    pub locked: bool,
    pub participants: Vec<LiveParticipant>,
}

/// One caller in a meeting or its lobby.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LiveParticipant {
    /// Unique within the meeting while the call lasts.
    pub id: u64,
    /// The caller's number, already masked per the organization's setting; `None` when
    /// withheld.
    pub number: Option<String>,
    pub role: LiveRole,
    pub muted: bool,
    pub hand_raised: bool,
    pub talking: bool,
    /// Waiting to be admitted.
    pub in_lobby: bool,
    /// Unix seconds.
    pub joined_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveRole {
    Organizer,
    Attendee,
}

/// What an admin can do to a running meeting: `{"command": "mute", "participant": 3}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum LiveCommand {
    /// Everyone waiting in the lobby.
    AdmitAll,
    Admit {
        participant: u64,
    },
    Mute {
        participant: u64,
    },
    Unmute {
        participant: u64,
    },
    /// Hangs up on the participant.
    Remove {
        participant: u64,
    },
    Lock,
    Unlock,
    /// Hangs up on everyone.
    End,
}

impl LiveCommand {
    /// Stable name, as in the JSON `command` field and the web forms' paths.
    pub fn name(&self) -> &'static str {
        match self {
            LiveCommand::AdmitAll => "admit_all",
            LiveCommand::Admit { .. } => "admit",
            LiveCommand::Mute { .. } => "mute",
            LiveCommand::Unmute { .. } => "unmute",
            LiveCommand::Remove { .. } => "remove",
            LiveCommand::Lock => "lock",
            LiveCommand::Unlock => "unlock",
            LiveCommand::End => "end",
        }
    }

    /// The command called `name`, aimed at `participant` where it needs one.
    pub fn parse(name: &str, participant: Option<u64>) -> Option<LiveCommand> {
        Some(match (name, participant) {
            ("admit_all", _) => LiveCommand::AdmitAll,
            ("admit", Some(participant)) => LiveCommand::Admit { participant },
            ("mute", Some(participant)) => LiveCommand::Mute { participant },
            ("unmute", Some(participant)) => LiveCommand::Unmute { participant },
            ("remove", Some(participant)) => LiveCommand::Remove { participant },
            ("lock", _) => LiveCommand::Lock,
            ("unlock", _) => LiveCommand::Unlock,
            ("end", _) => LiveCommand::End,
            _ => return None,
        })
    }
}

/// Why the binary did not carry out a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiveCommandError {
    #[error("no such live meeting (it may have ended)")]
    UnknownMeeting,
    #[error("no such participant in this meeting (they may have hung up)")]
    UnknownParticipant,
    /// The meeting cannot do this now; the text says why.
    #[error("{0}")]
    Refused(String),
}

/// Stable `what` of the conflict answered when no conferences run in this process.
pub const UNAVAILABLE: &str = "live_meetings_unavailable";

fn visible(caller: &Caller, meeting: &LiveMeeting) -> bool {
    match (caller.organization_id(), meeting.organization_id) {
        (None, _) => true,
        (Some(own), Some(org)) => own == org,
        (Some(_), None) => false,
    }
}

impl AdminService {
    /// Gives the services the binary's running meetings. Only the first call counts: the
    /// provider lives as long as the process.
    pub fn set_live_meetings(&self, provider: Arc<dyn LiveMeetings>) {
        if self.live.set(provider).is_err() {
            tracing::warn!("the live meetings provider was set twice; the first one stays");
        }
    }

    /// The running meetings `caller` may see: its organization's, or all of them (direct
    /// conferences included) for a caller not confined to one organization.
    pub fn live_meetings(&self, caller: &Caller) -> Vec<LiveMeeting> {
        let Some(provider) = self.live.get() else {
            return Vec::new();
        };
        let mut meetings: Vec<LiveMeeting> = provider
            .snapshot()
            .into_iter()
            .filter(|meeting| visible(caller, meeting))
            .collect();
        meetings.sort_by(|a, b| a.key.cmp(&b.key));
        meetings
    }

    /// Changes on every roster change; `None` when no conferences run in this process.
    pub fn live_meetings_changes(&self) -> Option<watch::Receiver<u64>> {
        self.live.get().map(|provider| provider.subscribe())
    }

    /// Carries out an admin's command on a running meeting of its organization.
    pub fn live_command(
        &self,
        caller: &Caller,
        meeting_key: &str,
        command: LiveCommand,
    ) -> ServiceResult<()> {
        caller.may_write_something()?;
        let provider = self.live.get().ok_or_else(|| ServiceError::Conflict {
            what: UNAVAILABLE.to_owned(),
            message: "live meetings are not available: this server runs no conferences".into(),
        })?;
        let meeting = provider
            .snapshot()
            .into_iter()
            .find(|meeting| meeting.key == meeting_key);
        let unknown = || {
            caller.hide_missing(ServiceError::NotFound {
                what: "live meeting",
            })
        };
        let meeting = meeting.ok_or_else(unknown)?;
        if !visible(caller, &meeting) {
            return Err(ServiceError::Forbidden);
        }
        let result = provider.command(meeting_key, command);
        // The store's audit log records database changes only (its writer takes an entity
        // row), so live commands go to the tracing log, under the same actor label.
        tracing::info!(
            target: "audit",
            actor = %caller.actor().label,
            organization_id = ?meeting.organization_id,
            meeting = meeting_key,
            command = command.name(),
            participant = ?participant_of(command),
            ok = result.is_ok(),
            "live meeting command"
        );
        result.map_err(|err| match err {
            LiveCommandError::UnknownMeeting => unknown(),
            LiveCommandError::UnknownParticipant => ServiceError::NotFound {
                what: "participant",
            },
            LiveCommandError::Refused(message) => ServiceError::Conflict {
                what: "live_command_refused".to_owned(),
                message,
            },
        })
    }
}

fn participant_of(command: LiveCommand) -> Option<u64> {
    match command {
        LiveCommand::Admit { participant }
        | LiveCommand::Mute { participant }
        | LiveCommand::Unmute { participant }
        | LiveCommand::Remove { participant } => Some(participant),
        LiveCommand::AdmitAll | LiveCommand::Lock | LiveCommand::Unlock | LiveCommand::End => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_as_the_api_documents_them() {
        let mute: LiveCommand = serde_json::from_str(r#"{"command": "mute", "participant": 3}"#)
            .unwrap_or(LiveCommand::End);
        assert_eq!(mute, LiveCommand::Mute { participant: 3 });
        let lock: LiveCommand =
            serde_json::from_str(r#"{"command": "lock"}"#).unwrap_or(LiveCommand::End);
        assert_eq!(lock, LiveCommand::Lock);
        assert!(serde_json::from_str::<LiveCommand>(r#"{"command": "mute"}"#).is_err());
        for command in [
            LiveCommand::AdmitAll,
            LiveCommand::Admit { participant: 1 },
            LiveCommand::Mute { participant: 1 },
            LiveCommand::Unmute { participant: 1 },
            LiveCommand::Remove { participant: 1 },
            LiveCommand::Lock,
            LiveCommand::Unlock,
            LiveCommand::End,
        ] {
            assert_eq!(LiveCommand::parse(command.name(), Some(1)), Some(command));
        }
        assert_eq!(LiveCommand::parse("mute", None), None);
        assert_eq!(LiveCommand::parse("explode", Some(1)), None);
    }
}
