//! The calls by handle, with their deadlines (2xx retransmission, session timer) in a
//! heap, so that `poll_timeout` and `handle_timeout` do not visit every call.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::call::Call;
use super::timers::Timers;
use super::types::CallHandle;

/// A map of calls whose mutable accesses are tracked: whatever code changes a call (an
/// ACK stops its 2xx retransmitter, a refresh restarts its session timer) goes through
/// `get_mut`, which marks the call dirty; `reschedule` then files its new deadline.
#[derive(Debug, Default)]
pub struct Calls {
    table: HashMap<CallHandle, Call>,
    timers: Timers<CallHandle>,
    dirty: HashSet<CallHandle>,
    /// Calls looked at, for tests that check the work per input stays bounded.
    #[cfg(test)]
    pub visited: std::cell::Cell<u64>,
}

/// Reading needs no tracking: `get`, `contains_key`, `len`, `values`, `iter` … are the
/// map's own, so code written against a plain `HashMap` keeps compiling.
impl std::ops::Deref for Calls {
    type Target = HashMap<CallHandle, Call>;

    fn deref(&self) -> &Self::Target {
        &self.table
    }
}

impl Calls {
    pub fn get_mut(&mut self, handle: &CallHandle) -> Option<&mut Call> {
        let call = self.table.get_mut(handle)?;
        self.dirty.insert(*handle);
        Some(call)
    }

    pub fn insert(&mut self, handle: CallHandle, call: Call) -> Option<Call> {
        self.dirty.insert(handle);
        match self.table.entry(handle) {
            Entry::Occupied(mut slot) => Some(std::mem::replace(slot.get_mut(), call)),
            Entry::Vacant(slot) => {
                slot.insert(call);
                None
            }
        }
    }

    pub fn remove(&mut self, handle: &CallHandle) -> Option<Call> {
        self.timers.schedule(handle, None);
        self.dirty.remove(handle);
        self.table.remove(handle)
    }

    /// Files the new deadlines of the calls changed since the last time.
    pub fn reschedule(&mut self) {
        for handle in std::mem::take(&mut self.dirty) {
            #[cfg(test)]
            self.visited.set(self.visited.get() + 1);
            let deadline = self.table.get(&handle).and_then(deadline);
            self.timers.schedule(&handle, deadline);
        }
    }

    /// The earliest deadline of any call.
    pub fn poll_timeout(&self) -> Option<Instant> {
        #[cfg(test)]
        self.visited
            .set(self.visited.get() + self.dirty.len() as u64);
        let pending = self
            .dirty
            .iter()
            .filter_map(|handle| self.table.get(handle).and_then(deadline));
        self.timers.next().into_iter().chain(pending).min()
    }

    /// The calls whose deadline has come, each marked dirty: firing changes its deadline.
    pub fn take_due(&mut self, now: Instant) -> Vec<CallHandle> {
        let mut due = Vec::new();
        while let Some(handle) = self.timers.pop_due(now) {
            #[cfg(test)]
            self.visited.set(self.visited.get() + 1);
            if self.table.contains_key(&handle) {
                self.dirty.insert(handle);
                due.push(handle);
            }
        }
        due
    }
}

/// When the call next needs `handle_timeout`: 2xx retransmission or session timer.
fn deadline(call: &Call) -> Option<Instant> {
    let retransmit = call.two_xx.as_ref().and_then(|r| r.poll_timeout());
    let session = call.session_timer.as_ref().map(|t| t.deadline());
    retransmit.into_iter().chain(session).min()
}
