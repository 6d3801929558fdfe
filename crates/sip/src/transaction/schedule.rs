//! The armed deadlines of one state machine.

use std::time::{Duration, Instant};

/// A handful of named deadlines. A machine never has more than two armed at once, so a
/// small vector scanned linearly is the whole data structure.
#[derive(Debug, Clone)]
pub(crate) struct Schedule<K> {
    armed: Vec<(K, Instant)>,
}

impl<K: Copy + Eq> Schedule<K> {
    pub(crate) fn new() -> Self {
        Self { armed: Vec::new() }
    }

    /// Arms `timer` to fire `after` from `now`, replacing any earlier arming of it.
    ///
    /// A deadline past what `Instant` can represent means "never": the timer stays
    /// disarmed rather than panicking on overflow.
    pub(crate) fn arm(&mut self, timer: K, now: Instant, after: Duration) {
        self.cancel(timer);
        if let Some(at) = now.checked_add(after) {
            self.armed.push((timer, at));
        }
    }

    pub(crate) fn cancel(&mut self, timer: K) {
        self.armed.retain(|(armed, _)| *armed != timer);
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// The earliest armed deadline and its timer.
    pub(crate) fn next(&self) -> Option<(K, Instant)> {
        self.armed.iter().copied().min_by_key(|(_, at)| *at)
    }

    /// Disarms and returns every timer due at `now`, earliest first.
    ///
    /// Timers re-armed while the returned ones are processed are left for the next call,
    /// so one `handle_timeout` always finishes.
    pub(crate) fn take_due(&mut self, now: Instant) -> Vec<K> {
        let mut due: Vec<(K, Instant)> = self
            .armed
            .iter()
            .copied()
            .filter(|(_, at)| *at <= now)
            .collect();
        self.armed.retain(|(_, at)| *at > now);
        due.sort_by_key(|(_, at)| *at);
        due.into_iter().map(|(timer, _)| timer).collect()
    }
}
