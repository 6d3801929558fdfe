//! Shared helpers for the `meeting_*` tests, included with `#[path]`.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use dialbridge_conference::meeting::{
    Meeting, MeetingAction, MeetingConfig, ParticipantInfo, Role, Target,
};
use dialbridge_conference::speech::{Language, SpeechPart};

pub const MINUTE: Duration = Duration::from_secs(60);
pub const HOUR: Duration = Duration::from_secs(3600);

pub fn en() -> Language {
    Language::new("en-US")
}

pub fn caller(id: u64, role: Role, pin: bool) -> ParticipantInfo {
    ParticipantInfo {
        id,
        role,
        language: en(),
        caller_number: Some(format!("+1 425 555 01{id:02}")),
        recorded_name: false,
        authenticated_with_pin: pin,
        dialed_out: false,
    }
}

/// An organizer who entered the PIN.
pub fn organizer(id: u64) -> ParticipantInfo {
    caller(id, Role::Organizer, true)
}

pub fn attendee(id: u64) -> ParticipantInfo {
    caller(id, Role::Attendee, false)
}

pub fn meeting(config: MeetingConfig) -> (Meeting, Instant) {
    let start = Instant::now();
    (Meeting::new(config, start), start)
}

pub fn drain(meeting: &mut Meeting) -> Vec<MeetingAction> {
    std::iter::from_fn(|| meeting.poll_action()).collect()
}

/// Presses each key at `now` and returns what the meeting did.
pub fn press(meeting: &mut Meeting, now: Instant, id: u64, keys: &str) -> Vec<MeetingAction> {
    drain(meeting);
    for key in keys.chars() {
        meeting.on_digit(now, id, key);
    }
    drain(meeting)
}

/// The parts of every `Say` to exactly this target, in order.
pub fn said(actions: &[MeetingAction], to: Target) -> Vec<Vec<SpeechPart>> {
    actions
        .iter()
        .filter_map(|action| match action {
            MeetingAction::Say {
                to: target,
                utterance,
            } if *target == to => Some(utterance.parts.clone()),
            _ => None,
        })
        .collect()
}

pub fn said_to(actions: &[MeetingAction], id: u64) -> Vec<Vec<SpeechPart>> {
    said(actions, Target::One(id))
}

pub fn prompt(key: dialbridge_conference::PromptKey) -> Vec<SpeechPart> {
    vec![SpeechPart::Prompt(key)]
}

/// Runs every timer up to and including `until`, like the binary's loop would.
pub fn run_until(meeting: &mut Meeting, until: Instant) -> Vec<MeetingAction> {
    let mut actions = Vec::new();
    while let Some(at) = meeting.poll_timeout() {
        if at > until {
            break;
        }
        meeting.handle_timeout(at);
        actions.extend(drain(meeting));
    }
    actions
}
