//! The meeting's deadlines: half-typed commands and the end rules.

use std::time::Instant;

use super::Meeting;

impl Meeting {
    /// When to call [`Meeting::handle_timeout`] next; `None` once the meeting has ended.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let keys = self.participants.iter().filter_map(|p| p.keys.deadline());
        let end = self.next_end().map(|(at, _)| at);
        keys.chain(end).min()
    }

    /// Acts on every deadline at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.ended.is_some() {
            return;
        }
        let typing: Vec<u64> = self
            .participants
            .iter()
            .filter(|p| p.keys.deadline().is_some_and(|deadline| deadline <= now))
            .map(|p| p.id())
            .collect();
        for id in typing {
            self.expire_keys(now, id);
        }
        match self.next_end() {
            Some((at, reason)) if at <= now => self.end(reason),
            _ => {}
        }
    }
}
