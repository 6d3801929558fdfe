//! When a meeting ends by itself.
//!
//! The seed's table "What is the maximum length of the dial-in conferencing meetings?" has
//! three rows, implemented literally. Every caller here is a phone caller, so the "all of
//! the users are dialed in" rows always apply, together with row 1; the earliest wins:
//!
//! 1. "There are users that have joined using a Skype for Business client or have dialed-in
//!    to the meeting. | The meeting ends if there are no changes to the attendee list after
//!    24 hours." — `roster_unchanged` after the last join, leave or admission.
//! 2. "All of the users are dialed in to the meeting but someone has used a PIN to enter the
//!    meeting. | The meeting ends after 24 hours." — `with_pin` after the meeting began.
//! 3. "All of the users are dialed in to the meeting but there wasn't anyone that used a PIN
//!    to enter the meeting. | The meeting ends after 4 hours." — `without_pin` after the
//!    meeting began. A PIN used later moves the meeting to row 2.
//!
//! Ours, beyond the table: without anonymous start, the callers left behind by the last
//! authenticated organizer hear `meeting-ending-organizer-left` after `after_organizer_left`
//! (90 minutes) and are disconnected, unless an authenticated organizer comes back; and a
//! meeting nobody is in (lobby included) ends at once.

use std::time::Instant;

use crate::speech::{keys as speech_keys, SpeechPart};

use super::actions::{DisconnectReason, EndReason, MeetingAction, Target};
use super::Meeting;

impl Meeting {
    /// The first automatic end still ahead, with its reason.
    pub(super) fn next_end(&self) -> Option<(Instant, EndReason)> {
        if self.ended.is_some() {
            return None;
        }
        let rules = &self.config.end_rules;
        let roster_rule = (
            self.attendee_list_changed_at + rules.roster_unchanged,
            EndReason::RosterUnchanged,
        );
        let length_rule = if self.someone_used_pin {
            (
                self.created_at + rules.with_pin,
                EndReason::TimeLimitWithPin,
            )
        } else {
            (
                self.created_at + rules.without_pin,
                EndReason::TimeLimitWithoutPin,
            )
        };
        let organizer_rule = self
            .organizer_left_at
            .map(|left| (left + rules.after_organizer_left, EndReason::OrganizerLeft));
        [Some(roster_rule), Some(length_rule), organizer_rule]
            .into_iter()
            .flatten()
            .min_by_key(|(at, _)| *at)
    }

    /// The checks after someone left: empty meeting, or the last organizer gone.
    pub(super) fn after_departure(&mut self, now: Instant, departed_was_organizer: bool) {
        if self.participants.is_empty() {
            self.end(EndReason::Empty);
            return;
        }
        let organizer_present = self
            .participants
            .iter()
            .any(|p| p.info.is_authenticated_organizer());
        if !self.config.anonymous_start && !organizer_present && departed_was_organizer {
            self.organizer_left_at = Some(now);
        }
    }

    /// Says goodbye to everyone still here, hangs up on them, and reports the end.
    pub(super) fn end(&mut self, reason: EndReason) {
        if self.ended.is_some() {
            return;
        }
        if !self.participants.is_empty() {
            let prompt = match reason {
                EndReason::OrganizerLeft => speech_keys::MEETING_ENDING_ORGANIZER_LEFT,
                _ => speech_keys::MEETING_ENDED,
            };
            for group in [Target::All, Target::Lobby] {
                self.broadcast(group, vec![SpeechPart::Prompt(prompt)]);
            }
            let everyone: Vec<u64> = self.participants.iter().map(|p| p.id()).collect();
            for id in everyone {
                self.push(MeetingAction::Disconnect {
                    id,
                    reason: DisconnectReason::MeetingEnded(reason),
                });
            }
            self.participants.clear();
            self.push(MeetingAction::RosterChanged);
        }
        self.ended = Some(reason);
        self.push(MeetingAction::Ended { reason });
    }
}
