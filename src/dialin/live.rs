//! The live meetings as the admin center sees them: a snapshot the dial-in flow refreshes
//! whenever a roster changes, and admins' commands carried back into the SIP loop, which owns
//! the meetings (so the admin API never touches them from another thread).

use std::collections::BTreeMap;
use std::sync::RwLock;

use dialbridge_admin::live::{LiveCommand, LiveCommandError, LiveMeeting, LiveMeetings};
use tokio::sync::{mpsc, watch};

use super::DialInInput;

pub struct LiveBoard {
    meetings: RwLock<BTreeMap<String, LiveMeeting>>,
    version: watch::Sender<u64>,
    commands: mpsc::UnboundedSender<DialInInput>,
}

impl LiveBoard {
    pub fn new(commands: mpsc::UnboundedSender<DialInInput>) -> Self {
        LiveBoard {
            meetings: RwLock::new(BTreeMap::new()),
            version: watch::Sender::new(0),
            commands,
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
}
