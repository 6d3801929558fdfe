//! The dial-in experience in the binary: one IVR per caller until they join, one meeting
//! per conference. The rules live in `dialbridge_conference` (sans-IO); this module feeds
//! them events and the time, and performs their actions: prompts and music through the
//! media engine, conference ID and PIN checks through the admin services (on tasks that
//! report back through a channel), hang-ups through call control.

mod invited;
pub mod live;
mod lookups;
mod meetings;
pub mod speech;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use dialbridge_admin::services::{AdminService, CallTarget};
use dialbridge_conference::ivr::{Ivr, IvrAction, IvrConfig};
use dialbridge_conference::speech::{Language, Utterance};
use dialbridge_sip::endpoint::CallHandle;
use tokio::sync::mpsc;

use crate::media_engine::{Clip, MediaEngine, MediaEvent, WorkerCommand};
pub use invited::{Invitation, OutboundRequest};
pub use lookups::DialInInput;
use meetings::Meetings;
use speech::{PromptLibrary, FALLBACK_LANGUAGE};

/// What the IVR carries from the conference ID lookup to the join.
#[derive(Debug, Clone)]
pub struct Joinable {
    /// The live meeting's key: one per organizer's static meeting or scheduled meeting.
    pub key: String,
    pub target: Option<Arc<CallTarget>>,
}

enum Phase {
    /// Waiting for the called number's languages before the greeting.
    Starting,
    Ivr(Box<Ivr<Joinable>>),
    Meeting {
        key: String,
    },
    /// A person we dialed out to, being asked to press 1.
    Invited {
        callee: Box<dialbridge_conference::invited::InvitedCallee>,
        invitation: Invitation,
    },
    /// Talking with the operator (a caller who pressed `*0`, or the operator's leg).
    Operator {
        partner: CallHandle,
    },
    /// Told goodbye (or that the meeting is full); hung up when the prompt ends.
    Leaving,
}

struct DialInCall {
    phase: Phase,
    /// Where the caller went and as whom, for the call detail record.
    joined: Option<(Joinable, dialbridge_conference::ivr::Role)>,
    caller_number: Option<String>,
    /// The last batch of clips queued, whose end the worker reports.
    playing: Option<u64>,
    hangup_after_playback: bool,
    recorded_name: Option<Clip>,
}

pub struct DialIn {
    prompts: Arc<PromptLibrary>,
    lookups: lookups::Lookups,
    calls: HashMap<CallHandle, DialInCall>,
    meetings: Meetings,
    next_request: u64,
    /// Calls to hang up now; call control drains it.
    hangups: Vec<CallHandle>,
    /// What the admin center shows of the live meetings.
    board: Arc<live::LiveBoard>,
    /// Dial-outs to place and joins to log; call control drains it.
    outbound: Vec<OutboundRequest>,
}

impl DialIn {
    pub fn new(
        admin: Arc<AdminService>,
        prompts: Arc<PromptLibrary>,
        inputs: mpsc::UnboundedSender<DialInInput>,
        max_participants: usize,
        dial_out: Option<live::DialOutGate>,
    ) -> Self {
        let dial_out_available = dial_out.is_some();
        let board = Arc::new(live::LiveBoard::new(inputs.clone(), dial_out));
        admin
            .set_live_meetings(Arc::clone(&board) as Arc<dyn dialbridge_admin::live::LiveMeetings>);
        DialIn {
            prompts,
            lookups: lookups::Lookups::new(admin, inputs),
            calls: HashMap::new(),
            meetings: Meetings::with_max_participants(max_participants, dial_out_available),
            next_request: 1,
            hangups: Vec::new(),
            board,
            outbound: Vec::new(),
        }
    }

    /// Calls the dial-in flow wants hung up (after their last prompt).
    pub fn take_hangups(&mut self) -> Vec<CallHandle> {
        std::mem::take(&mut self.hangups)
    }

    /// Dial-outs the meetings asked for (`*2`, `*0`) and invitees who joined.
    pub fn take_outbound_requests(&mut self) -> Vec<OutboundRequest> {
        std::mem::take(&mut self.outbound)
    }

    /// A caller was answered on a dial-in number: look up its languages, then greet.
    pub fn start_ivr(&mut self, call: CallHandle, called: &str, caller_number: Option<String>) {
        self.calls
            .insert(call, DialInCall::new(Phase::Starting, caller_number));
        self.lookups.called_number(call, called);
    }

    /// A caller answered on a direct-conference number joins at once, as an attendee of a
    /// meeting that anyone may start.
    pub fn start_direct(
        &mut self,
        media: &mut MediaEngine,
        now: Instant,
        call: CallHandle,
        conference: &str,
        caller_number: Option<String>,
    ) {
        let key = format!("direct-{}", url_safe(conference));
        self.calls.insert(
            call,
            DialInCall::new(Phase::Meeting { key: key.clone() }, caller_number.clone()),
        );
        let language = Language::new(FALLBACK_LANGUAGE);
        let joined = self
            .meetings
            .join_direct(now, &key, call, language.clone(), caller_number);
        if joined == meetings::Joined::Full {
            self.leave_with(
                media,
                call,
                &language,
                dialbridge_conference::speech::keys::MEETING_FULL,
            );
        }
        self.drain_meeting(media, now, &key);
    }

    pub fn handle_input(&mut self, media: &mut MediaEngine, now: Instant, input: DialInInput) {
        match input {
            DialInInput::Live { key, command } => {
                self.meetings.admin_command(now, &key, &command);
                self.drain_meeting(media, now, &key);
            }
            DialInInput::CalledNumber { call, languages } => {
                let Some(state) = self.calls.get_mut(&call) else {
                    return;
                };
                let (primary, secondary) =
                    languages.unwrap_or_else(|| (Language::new(FALLBACK_LANGUAGE), Vec::new()));
                let mut config = IvrConfig::new(primary);
                config.secondary_languages = secondary;
                let mut ivr = match Ivr::new(config) {
                    Ok(ivr) => ivr,
                    Err(error) => {
                        tracing::warn!(%call, %error, "dial-in number languages unusable; using defaults");
                        match Ivr::new(IvrConfig::new(Language::new(FALLBACK_LANGUAGE))) {
                            Ok(ivr) => ivr,
                            Err(_) => return,
                        }
                    }
                };
                ivr.start(now);
                state.phase = Phase::Ivr(Box::new(ivr));
                self.drain_ivr(media, now, call);
            }
            DialInInput::Lookup {
                call,
                request,
                result,
            } => {
                if let Some(ivr) = self.ivr(call) {
                    ivr.on_lookup_result(now, request, result);
                }
                self.drain_ivr(media, now, call);
            }
            DialInInput::Pin {
                call,
                request,
                result,
            } => {
                if let Some(ivr) = self.ivr(call) {
                    ivr.on_pin_result(now, request, result);
                }
                self.drain_ivr(media, now, call);
            }
            // Call control places dial-outs; one reaching here has nowhere to go.
            DialInInput::DialOut(job) => {
                tracing::warn!(reference = %job.reference, "dial-out job not placed")
            }
        }
    }

    pub fn handle_media_event(&mut self, media: &mut MediaEngine, now: Instant, event: MediaEvent) {
        match event {
            MediaEvent::Digit { call, digit } => {
                let key = digit.as_char();
                match self.calls.get_mut(&call).map(|state| &mut state.phase) {
                    Some(Phase::Ivr(ivr)) => {
                        ivr.on_digit(now, key);
                        self.drain_ivr(media, now, call);
                    }
                    Some(Phase::Meeting { key: meeting }) => {
                        let meeting = meeting.clone();
                        self.meetings.on_digit(now, &meeting, call, key);
                        self.drain_meeting(media, now, &meeting);
                    }
                    Some(Phase::Invited { callee, .. }) => {
                        callee.on_digit(now, key);
                        self.drain_invited(media, now, call);
                    }
                    _ => {}
                }
            }
            MediaEvent::PlaybackFinished { call, request } => {
                let Some(state) = self.calls.get_mut(&call) else {
                    return;
                };
                if state.playing != Some(request) {
                    return;
                }
                state.playing = None;
                if state.hangup_after_playback {
                    self.hangups.push(call);
                    return;
                }
                match &mut state.phase {
                    Phase::Ivr(ivr) => {
                        ivr.on_playback_finished(now);
                        self.drain_ivr(media, now, call);
                    }
                    Phase::Invited { callee, .. } => {
                        callee.on_playback_finished(now);
                        self.drain_invited(media, now, call);
                    }
                    _ => {}
                }
            }
            MediaEvent::Recorded { call, audio } => {
                let Some(state) = self.calls.get_mut(&call) else {
                    return;
                };
                state.recorded_name = Some(audio);
                if let Phase::Ivr(ivr) = &mut state.phase {
                    ivr.on_name_recorded(
                        now,
                        Some(dialbridge_conference::ivr::RecordingId(call.0)),
                    );
                    self.drain_ivr(media, now, call);
                }
            }
            MediaEvent::Talking { call, talking } => {
                if let Some(Phase::Meeting { key }) = self.calls.get(&call).map(|s| &s.phase) {
                    let key = key.clone();
                    self.meetings.set_talking(&key, call, talking);
                    self.drain_meeting(media, now, &key);
                }
            }
            MediaEvent::MediaTimeout { call } => {
                tracing::info!(%call, "no media from the caller for too long; hanging up");
                self.hangups.push(call);
            }
        }
    }

    /// The call is gone (BYE, CANCEL, error): forget it and tell its meeting. Returns where
    /// it had gone, for the call detail record.
    pub fn call_ended(
        &mut self,
        media: &mut MediaEngine,
        now: Instant,
        call: CallHandle,
    ) -> Option<(Joinable, dialbridge_conference::ivr::Role)> {
        let state = self.calls.remove(&call)?;
        match &state.phase {
            Phase::Meeting { key } => {
                self.meetings.leave(now, key, call);
                self.drain_meeting(media, now, key);
            }
            Phase::Operator { partner, .. } => {
                // One side of the operator bridge left: the other has no one to talk to.
                let partner = *partner;
                media.leave_conference(partner);
                if let Some(other) = self.calls.get_mut(&partner) {
                    other.phase = Phase::Leaving;
                }
                self.hangups.push(partner);
            }
            _ => {}
        }
        state.joined
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let ivrs = self.calls.values().filter_map(|state| match &state.phase {
            Phase::Ivr(ivr) => ivr.poll_timeout(),
            Phase::Invited { callee, .. } => callee.poll_timeout(),
            _ => None,
        });
        ivrs.chain(self.meetings.poll_timeout()).min()
    }

    pub fn handle_timeout(&mut self, media: &mut MediaEngine, now: Instant) {
        let due: Vec<CallHandle> = self
            .calls
            .iter()
            .filter_map(|(call, state)| match &state.phase {
                Phase::Ivr(ivr) if ivr.poll_timeout().is_some_and(|at| at <= now) => Some(*call),
                _ => None,
            })
            .collect();
        for call in due {
            if let Some(ivr) = self.ivr(call) {
                ivr.handle_timeout(now);
            }
            self.drain_ivr(media, now, call);
        }
        let invited: Vec<CallHandle> = self
            .calls
            .iter()
            .filter_map(|(call, state)| match &state.phase {
                Phase::Invited { callee, .. }
                    if callee.poll_timeout().is_some_and(|at| at <= now) =>
                {
                    Some(*call)
                }
                _ => None,
            })
            .collect();
        for call in invited {
            if let Some(Phase::Invited { callee, .. }) =
                self.calls.get_mut(&call).map(|state| &mut state.phase)
            {
                callee.handle_timeout(now);
            }
            self.drain_invited(media, now, call);
        }
        for key in self.meetings.due(now) {
            self.meetings.handle_timeout(now, &key);
            self.drain_meeting(media, now, &key);
        }
    }

    fn ivr(&mut self, call: CallHandle) -> Option<&mut Ivr<Joinable>> {
        match self.calls.get_mut(&call).map(|state| &mut state.phase) {
            Some(Phase::Ivr(ivr)) => Some(ivr),
            _ => None,
        }
    }

    fn drain_ivr(&mut self, media: &mut MediaEngine, now: Instant, call: CallHandle) {
        while let Some(action) = self.ivr(call).and_then(|ivr| ivr.poll_action()) {
            tracing::debug!(%call, ?action, "IVR action");
            match action {
                IvrAction::Say(utterance) => self.say(media, call, &utterance),
                IvrAction::StopSpeech => {
                    if let Some(state) = self.calls.get_mut(&call) {
                        state.playing = None;
                    }
                    media.command(call, WorkerCommand::StopPlayback { call });
                }
                IvrAction::LookupConference { request, digits } => {
                    self.lookups.conference(call, request, digits);
                }
                IvrAction::VerifyPin {
                    request,
                    meeting,
                    pin,
                } => self.lookups.pin(call, request, meeting, pin),
                IvrAction::RecordName { max } => {
                    let max_ms = u32::try_from(max.as_millis()).unwrap_or(u32::MAX);
                    media.command(call, WorkerCommand::Record { call, max_ms });
                }
                IvrAction::StopRecording => {
                    media.command(call, WorkerCommand::StopRecording { call });
                }
                IvrAction::Join {
                    meeting,
                    role,
                    language,
                    name,
                } => {
                    let Some(state) = self.calls.get_mut(&call) else {
                        return;
                    };
                    tracing::info!(%call, ?role, language = %language.as_str(), meeting = %meeting.key, "IVR done: caller enters the meeting");
                    state.joined = Some((meeting.clone(), role));
                    state.phase = Phase::Meeting {
                        key: meeting.key.clone(),
                    };
                    let caller_number = state.caller_number.clone();
                    let kind = if name.is_some() {
                        meetings::JoinKind::CalledInWithName
                    } else {
                        meetings::JoinKind::CalledIn
                    };
                    let outcome = self.meetings.join(
                        now,
                        &meeting,
                        call,
                        role,
                        language.clone(),
                        caller_number,
                        kind,
                    );
                    if outcome == meetings::Joined::Full {
                        self.leave_with(
                            media,
                            call,
                            &language,
                            dialbridge_conference::speech::keys::MEETING_FULL,
                        );
                    }
                    self.drain_meeting(media, now, &meeting.key);
                    return;
                }
                IvrAction::Hangup { reason } => {
                    tracing::info!(%call, ?reason, "IVR ends the call");
                    if let Some(state) = self.calls.get_mut(&call) {
                        state.phase = Phase::Leaving;
                        if state.playing.is_some() {
                            state.hangup_after_playback = true;
                        } else {
                            self.hangups.push(call);
                        }
                    }
                    return;
                }
            }
        }
    }

    fn leave_with(
        &mut self,
        media: &mut MediaEngine,
        call: CallHandle,
        language: &Language,
        prompt: dialbridge_conference::speech::PromptKey,
    ) {
        let utterance = Utterance {
            language: language.clone(),
            parts: vec![dialbridge_conference::speech::SpeechPart::Prompt(prompt)],
        };
        self.say(media, call, &utterance);
        if let Some(state) = self.calls.get_mut(&call) {
            state.phase = Phase::Leaving;
            state.hangup_after_playback = true;
            if state.playing.is_none() {
                self.hangups.push(call);
            }
        }
    }

    fn drain_meeting(&mut self, media: &mut MediaEngine, now: Instant, key: &str) {
        let effects = self.meetings.drain(now, key, media);
        self.board
            .update(key, self.meetings.view(key, now, lookups::unix_now()));
        for effect in effects {
            match effect {
                meetings::Effect::Say { call, utterance } => self.say(media, call, &utterance),
                meetings::Effect::HangupAfterPrompts { call } => {
                    if let Some(state) = self.calls.get_mut(&call) {
                        state.phase = Phase::Leaving;
                        if state.playing.is_some() {
                            state.hangup_after_playback = true;
                        } else {
                            self.hangups.push(call);
                        }
                    }
                }
                meetings::Effect::Outbound(request) => self.outbound.push(request),
                meetings::Effect::Ended(record) => self.lookups.record_meeting(record),
            }
        }
    }

    fn say(&mut self, media: &mut MediaEngine, call: CallHandle, utterance: &Utterance) {
        if tracing::enabled!(tracing::Level::DEBUG) {
            let prompts: Vec<&str> = utterance
                .parts
                .iter()
                .filter_map(|part| match part {
                    dialbridge_conference::speech::SpeechPart::Prompt(key) => Some(key.0),
                    _ => None,
                })
                .collect();
            tracing::debug!(%call, language = %utterance.language.as_str(), prompts = %prompts.join(","), "saying");
        }
        let names = |id: u64| {
            self.calls
                .get(&CallHandle(id))
                .and_then(|state| state.recorded_name.clone())
        };
        let mut clips = self.prompts.render(utterance, names);
        if clips.is_empty() {
            // Nothing to say (a prompt set without these files): a moment of silence still
            // ends in `PlaybackFinished`, which the IVR's timers wait for.
            clips.push(Clip::from(vec![0i16; 320]));
        }
        let request = self.next_request;
        self.next_request += 1;
        if let Some(state) = self.calls.get_mut(&call) {
            state.playing = Some(request);
        }
        media.command(
            call,
            WorkerCommand::Play {
                call,
                clips,
                request,
            },
        );
    }
}

impl DialInCall {
    fn new(phase: Phase, caller_number: Option<String>) -> Self {
        DialInCall {
            phase,
            joined: None,
            caller_number,
            playing: None,
            hangup_after_playback: false,
            recorded_name: None,
        }
    }
}

/// Meeting keys appear in admin URLs: letters, digits, `-` and `_` only.
fn url_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
