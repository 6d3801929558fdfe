//! Deadlines of many entities (transactions, calls), found without scanning them all.
//!
//! A min-heap with lazy deletion: rescheduling or cancelling only updates `scheduled`
//! (the one deadline each key currently has) and pushes the new deadline; heap entries
//! that no longer match `scheduled` are stale and are dropped when they reach the top.
//! The top is kept live after every change, so `next` is a peek and can take `&self`
//! (`Endpoint::poll_timeout` is `&self` and runs on every loop turn of the shell).

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::time::Instant;

#[derive(Debug)]
struct Entry<K> {
    at: Instant,
    /// Insertion order: equal deadlines fire in the order they were scheduled, and keys
    /// need no ordering of their own.
    seq: u64,
    key: K,
}

impl<K> PartialEq for Entry<K> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl<K> Eq for Entry<K> {}

impl<K> PartialOrd for Entry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Entry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Debug)]
pub struct Timers<K> {
    heap: BinaryHeap<Reverse<Entry<K>>>,
    scheduled: HashMap<K, Instant>,
    seq: u64,
}

impl<K> Default for Timers<K> {
    fn default() -> Self {
        Timers {
            heap: BinaryHeap::new(),
            scheduled: HashMap::new(),
            seq: 0,
        }
    }
}

impl<K: Hash + Eq + Clone> Timers<K> {
    /// Sets `key`'s deadline, or cancels it with `None`. O(log n).
    pub fn schedule(&mut self, key: &K, at: Option<Instant>) {
        match at {
            Some(at) => {
                if self.scheduled.insert(key.clone(), at) != Some(at) {
                    self.seq += 1;
                    self.heap.push(Reverse(Entry {
                        at,
                        seq: self.seq,
                        key: key.clone(),
                    }));
                }
            }
            None => {
                self.scheduled.remove(key);
            }
        }
        self.discard_stale();
        self.compact_if_bloated();
    }

    /// The earliest live deadline.
    pub fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(entry)| entry.at)
    }

    /// Removes and returns a key whose deadline is at or before `now`; its deadline is
    /// cleared, so whoever fires it must `schedule` its next one.
    pub fn pop_due(&mut self, now: Instant) -> Option<K> {
        if self.next()? > now {
            return None;
        }
        let Reverse(entry) = self.heap.pop()?;
        self.scheduled.remove(&entry.key);
        self.discard_stale();
        Some(entry.key)
    }

    /// Drops entries from the top while `dead` says their key no longer needs them (for
    /// owners that cannot tell `schedule` of every change): afterwards `next` is live.
    pub fn discard_dead_top(&mut self, mut dead: impl FnMut(&K, Instant) -> bool) {
        while let Some(Reverse(top)) = self.heap.peek() {
            if !dead(&top.key, top.at) {
                break;
            }
            let key = top.key.clone();
            self.heap.pop();
            self.scheduled.remove(&key);
            self.discard_stale();
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.scheduled.len()
    }

    fn is_live(&self, entry: &Entry<K>) -> bool {
        self.scheduled.get(&entry.key) == Some(&entry.at)
    }

    fn discard_stale(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            if self.is_live(top) {
                break;
            }
            self.heap.pop();
        }
    }

    /// Deadlines that move later (a refreshed session timer) leave stale entries deep in
    /// the heap until their old time comes; rebuilding once they outnumber the live ones
    /// keeps memory bounded at amortized O(1) per `schedule`.
    fn compact_if_bloated(&mut self) {
        if self.heap.len() <= 2 * self.scheduled.len() + 64 {
            return;
        }
        let heap = std::mem::take(&mut self.heap);
        self.heap = heap
            .into_vec()
            .into_iter()
            .filter(|Reverse(entry)| self.is_live(entry))
            .collect();
        // A key rescheduled back to an earlier deadline can have two live entries; both
        // are harmless (the second is stale once the first pops), so no dedup is needed.
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::time::Duration;

    #[test]
    fn rescheduled_and_cancelled_keys_do_not_fire_early() {
        let t0 = Instant::now();
        let mut timers = Timers::default();
        timers.schedule(&1, Some(t0 + Duration::from_secs(1)));
        timers.schedule(&2, Some(t0 + Duration::from_secs(2)));
        timers.schedule(&3, Some(t0 + Duration::from_secs(3)));
        timers.schedule(&1, Some(t0 + Duration::from_secs(5)));
        timers.schedule(&2, None);
        assert_eq!(timers.next(), Some(t0 + Duration::from_secs(3)));
        assert_eq!(timers.pop_due(t0 + Duration::from_secs(4)), Some(3));
        assert_eq!(timers.pop_due(t0 + Duration::from_secs(4)), None);
        assert_eq!(timers.pop_due(t0 + Duration::from_secs(5)), Some(1));
        assert_eq!(timers.next(), None);
        assert_eq!(timers.len(), 0);
    }

    #[test]
    fn heap_stays_bounded_under_constant_rescheduling() {
        let t0 = Instant::now();
        let mut timers = Timers::default();
        for i in 0..10_000u64 {
            timers.schedule(&(i % 10), Some(t0 + Duration::from_millis(i)));
        }
        assert!(timers.heap.len() <= 2 * 10 + 64 + 1);
        assert_eq!(timers.len(), 10);
    }
}
