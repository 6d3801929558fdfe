//! The live meetings as the admin center sees them: a snapshot the dial-in flow refreshes
//! whenever a roster changes, and admins' commands carried back into the SIP loop, which owns
//! the meetings (so the admin API never touches them from another thread).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use dialbridge_admin::live::{
    DialOutOrder, DialOutPurpose, DialOutRejected, LiveCommand, LiveCommandError, LiveMeeting,
    LiveMeetings,
};
use dialbridge_conference::speech::Language;
use tokio::sync::{mpsc, watch};

use super::DialInInput;
use crate::dial_out::record::{DialOutLog, Status};
use crate::dial_out::{decide, DialOutJob, DialOutLoadBoard, Purpose, Requester};

/// What the admin API thread needs to check a dial-out before accepting it.
#[derive(Clone)]
pub struct DialOutGate {
    pub load: Arc<DialOutLoadBoard>,
    pub log: DialOutLog,
}

pub struct LiveBoard {
    meetings: RwLock<BTreeMap<String, LiveMeeting>>,
    version: watch::Sender<u64>,
    commands: mpsc::UnboundedSender<DialInInput>,
    /// `None` without an outbound trunk: dial-out requests are refused as unavailable.
    dial_out: Option<DialOutGate>,
}

impl LiveBoard {
    pub fn new(
        commands: mpsc::UnboundedSender<DialInInput>,
        dial_out: Option<DialOutGate>,
    ) -> Self {
        LiveBoard {
            meetings: RwLock::new(BTreeMap::new()),
            version: watch::Sender::new(0),
            commands,
            dial_out,
        }
    }

    /// A meeting's new state, or `None` when it ended.
    pub fn update(&self, key: &str, meeting: Option<LiveMeeting>) {
        {
            // Whole values are swapped in, so a poisoned lock still holds a consistent map.
            let mut meetings = self
                .meetings
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match meeting {
                Some(meeting) => {
                    meetings.insert(key.to_owned(), meeting);
                }
                None => {
                    meetings.remove(key);
                }
            }
        }
        self.version.send_modify(|version| *version += 1);
    }
}

impl LiveMeetings for LiveBoard {
    fn snapshot(&self) -> Vec<LiveMeeting> {
        self.meetings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Checked against the snapshot here, so an admin hears at once about a meeting or a
    /// caller that is gone; carried out by the SIP loop right after.
    fn command(&self, meeting_key: &str, command: LiveCommand) -> Result<(), LiveCommandError> {
        {
            let meetings = self
                .meetings
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let meeting = meetings
                .get(meeting_key)
                .ok_or(LiveCommandError::UnknownMeeting)?;
            let participant = match &command {
                LiveCommand::Admit { participant }
                | LiveCommand::Mute { participant }
                | LiveCommand::Unmute { participant }
                | LiveCommand::Remove { participant } => Some(*participant),
                _ => None,
            };
            if let Some(id) = participant {
                let found = meeting
                    .participants
                    .iter()
                    .find(|p| p.id == id)
                    .ok_or(LiveCommandError::UnknownParticipant)?;
                if matches!(command, LiveCommand::Admit { .. }) && !found.in_lobby {
                    return Err(LiveCommandError::Refused(
                        "that caller is not waiting in the lobby".to_owned(),
                    ));
                }
            }
            match command {
                LiveCommand::Lock if meeting.locked => {
                    return Err(LiveCommandError::Refused(
                        "the meeting is locked already".to_owned(),
                    ))
                }
                LiveCommand::Unlock if !meeting.locked => {
                    return Err(LiveCommandError::Refused(
                        "the meeting is not locked".to_owned(),
                    ))
                }
                _ => {}
            }
        }
        self.commands
            .send(DialInInput::Live {
                key: meeting_key.to_owned(),
                command,
            })
            .map_err(|_| LiveCommandError::Refused("the server is stopping".to_owned()))
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Checked by the policy here, so the admin hears a refusal in the response; placed by
    /// the SIP loop, which checks again with the counts of that moment.
    fn dial_out(&self, order: DialOutOrder) -> Result<(), DialOutRejected> {
        let Some(gate) = &self.dial_out else {
            return Err(DialOutRejected::Unavailable(
                "no outbound trunk is configured on this server".to_owned(),
            ));
        };
        let meeting_key = format!("organizer-{}", order.target.organizer_id.0);
        let job = DialOutJob {
            reference: order.reference,
            purpose: match order.purpose {
                DialOutPurpose::CallMe => Purpose::CallMe,
                DialOutPurpose::AddParticipant => Purpose::AddParticipant,
            },
            requester: Requester::Admin,
            requested_by: order.requested_by,
            dialed: order.number,
            meeting_key,
            target: order.target,
            dial_in_number: None,
            language: Language::new(super::speech::FALLBACK_LANGUAGE),
        };
        if let Err(refusal) = decide(&job.target, &job.meeting_key, &job.dialed, &gate.load) {
            let message = refusal.reason.to_string();
            gate.log.write(
                &job,
                refusal.e164.as_deref(),
                None,
                Status::Refused,
                Some(message.clone()),
            );
            return Err(DialOutRejected::Refused {
                reason: crate::dial_out::decide::reason_tag(&refusal),
                message,
            });
        }
        self.commands
            .send(DialInInput::DialOut(Box::new(job)))
            .map_err(|_| DialOutRejected::Unavailable("the server is stopping".to_owned()))
    }
}
