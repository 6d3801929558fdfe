//! The dial-in flow's side of calls we place: the invited person's "press 1 to join", the
//! `*2` and `*0` requests handed to call control, and the operator bridge.

use std::sync::Arc;
use std::time::Instant;

use dialbridge_admin::services::CallTarget;
use dialbridge_conference::invited::{InvitedAction, InvitedCallee};
use dialbridge_conference::ivr::Role;
use dialbridge_conference::meeting::DialOutResult;
use dialbridge_conference::speech::{keys, Language, SpeechPart, Utterance};
use dialbridge_sip::endpoint::CallHandle;

use super::{meetings, DialIn, DialInCall, Joinable, Phase};
use crate::media_engine::{MediaEngine, WorkerCommand};

/// What the dial-in flow asks of call control about calls to place.
#[derive(Debug)]
pub enum OutboundRequest {
    /// An organizer keyed `*2`, a number and `#`.
    DialOut {
        meeting_key: String,
        by: CallHandle,
        digits: String,
        language: Language,
        target: Arc<CallTarget>,
    },
    /// A caller keyed `*0`: call the operator and bridge them.
    Operator {
        meeting_key: String,
        caller: CallHandle,
        number: String,
        language: Language,
        target: Arc<CallTarget>,
    },
    /// The person we called accepted and is in the meeting (for the dial-out log).
    Joined { call: CallHandle },
}

/// Where an answered dial-out leads.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub meeting_key: String,
    pub target: Arc<CallTarget>,
    /// Joins as the organizer ("call me"), else as an attendee.
    pub organizer: bool,
    pub language: Language,
    /// Ask them to press 1 first.
    pub confirm: bool,
    /// The number we called, for the roster.
    pub number: Option<String>,
}

impl DialIn {
    /// The person we called answered: ask them to press 1 (or join them at once).
    pub fn start_invited(
        &mut self,
        media: &mut MediaEngine,
        now: Instant,
        call: CallHandle,
        invitation: Invitation,
    ) {
        let callee = InvitedCallee::answered(invitation.language.clone(), invitation.confirm);
        let number = invitation.number.clone();
        self.calls.insert(
            call,
            DialInCall::new(
                Phase::Invited {
                    callee: Box::new(callee),
                    invitation,
                },
                number,
            ),
        );
        self.drain_invited(media, now, call);
    }

    pub(super) fn drain_invited(
        &mut self,
        media: &mut MediaEngine,
        now: Instant,
        call: CallHandle,
    ) {
        loop {
            let Some(state) = self.calls.get_mut(&call) else {
                return;
            };
            let Phase::Invited { callee, .. } = &mut state.phase else {
                return;
            };
            let Some(action) = callee.poll_action() else {
                return;
            };
            match action {
                InvitedAction::Say(utterance) => self.say(media, call, &utterance),
                InvitedAction::StopSpeech => {
                    state.playing = None;
                    media.command(call, WorkerCommand::StopPlayback { call });
                }
                InvitedAction::Join => return self.join_invited(media, now, call),
                InvitedAction::Hangup => {
                    tracing::info!(%call, "invited callee did not accept");
                    state.phase = Phase::Leaving;
                    if state.playing.is_some() {
                        state.hangup_after_playback = true;
                    } else {
                        self.hangups.push(call);
                    }
                    return;
                }
            }
        }
    }

    fn join_invited(&mut self, media: &mut MediaEngine, now: Instant, call: CallHandle) {
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        let Phase::Invited { invitation, .. } = &state.phase else {
            return;
        };
        let invitation = invitation.clone();
        let joinable = Joinable {
            key: invitation.meeting_key.clone(),
            target: Some(Arc::clone(&invitation.target)),
        };
        let role = if invitation.organizer {
            Role::Organizer
        } else {
            Role::Attendee
        };
        tracing::info!(%call, ?role, meeting = %joinable.key, "invited callee joins the meeting");
        state.joined = Some((joinable.clone(), role));
        state.phase = Phase::Meeting {
            key: joinable.key.clone(),
        };
        let outcome = self.meetings.join(
            now,
            &joinable,
            call,
            role,
            invitation.language.clone(),
            invitation.number.clone(),
            meetings::JoinKind::Invited,
        );
        if outcome == meetings::Joined::Full {
            self.leave_with(media, call, &invitation.language, keys::MEETING_FULL);
        } else {
            self.outbound.push(OutboundRequest::Joined { call });
        }
        self.drain_meeting(media, now, &joinable.key);
    }

    /// Tells the organizer who keyed `*2` how their call went.
    pub fn dial_out_result(
        &mut self,
        media: &mut MediaEngine,
        meeting_key: &str,
        participant: u64,
        result: DialOutResult,
    ) {
        self.meetings
            .dial_out_result(meeting_key, participant, result);
        self.drain_meeting(media, Instant::now(), meeting_key);
    }

    /// The operator answered: `caller` leaves their meeting and talks with `operator` in a
    /// conference of two. False when the caller is no longer in a meeting to take out.
    pub fn bridge_to_operator(
        &mut self,
        media: &mut MediaEngine,
        now: Instant,
        caller: CallHandle,
        operator: CallHandle,
    ) -> bool {
        let Some(state) = self.calls.get_mut(&caller) else {
            return false;
        };
        let Phase::Meeting { key } = &state.phase else {
            return false;
        };
        let meeting = key.clone();
        let bridge = format!("operator-{}", caller.0);
        tracing::info!(%caller, %operator, %meeting, "caller bridged to the operator");
        state.phase = Phase::Operator { partner: operator };
        self.calls.insert(
            operator,
            DialInCall::new(Phase::Operator { partner: caller }, None),
        );
        self.meetings.leave(now, &meeting, caller);
        self.drain_meeting(media, now, &meeting);
        // Whatever the meeting did to the caller (muted, music), the operator hears them.
        media.command(
            caller,
            WorkerCommand::Music {
                call: caller,
                on: false,
            },
        );
        media.command(
            caller,
            WorkerCommand::SetMuted {
                call: caller,
                muted: false,
            },
        );
        media.join_conference(caller, &bridge);
        media.join_conference(operator, &bridge);
        true
    }

    /// The operator could not be reached: the caller stays in the meeting and hears why.
    pub fn operator_unavailable(&mut self, media: &mut MediaEngine, caller: CallHandle) {
        let Some(state) = self.calls.get(&caller) else {
            return;
        };
        let Phase::Meeting { key } = &state.phase else {
            return;
        };
        let language = self
            .meetings
            .language_of(key, caller)
            .unwrap_or_else(|| Language::new(super::speech::FALLBACK_LANGUAGE));
        let utterance = Utterance {
            language,
            parts: vec![SpeechPart::Prompt(keys::OPERATOR_UNAVAILABLE)],
        };
        self.say(media, caller, &utterance);
    }
}
