//! Replay protection for stateless nonces: remember, per nonce, the highest nonce count
//! (`nc`) accepted, in a map of bounded size (RFC 7616 §3.4 and §5.5: a server that
//! tracks `nc` can reject a replayed request).
//!
//! The map only holds nonces that produced a correct response, so a flood of garbage
//! cannot fill it. When it is full we evict the oldest nonce and remember its issue time
//! as a floor: a nonce issued at or before the floor that is not in the map may have been
//! evicted, so we refuse it as stale (the client simply answers a fresh challenge) rather
//! than risk accepting a replay. Bounded memory, and never a silent replay window.

use std::collections::HashMap;

/// Why a nonce count was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplayRefusal {
    /// `nc` is not above the highest already accepted for this nonce.
    Replayed,
    /// The nonce may have been evicted; its history is unknown.
    Forgotten,
}

#[derive(Debug, Clone)]
pub(crate) struct NonceCounts {
    capacity: usize,
    lifetime_secs: u64,
    /// nonce → (issued_at, highest nc accepted)
    entries: HashMap<String, (u64, u32)>,
    eviction_floor: Option<u64>,
}

impl NonceCounts {
    pub(crate) fn new(capacity: usize, lifetime_secs: u64) -> Self {
        Self {
            capacity: capacity.max(1),
            lifetime_secs,
            entries: HashMap::new(),
            eviction_floor: None,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Accepts `nc` for `nonce` if it is higher than any accepted before, and records it.
    pub(crate) fn accept(
        &mut self,
        nonce: &str,
        issued_at: u64,
        nc: u32,
        now_unix_secs: u64,
    ) -> Result<(), ReplayRefusal> {
        if let Some((_, highest)) = self.entries.get_mut(nonce) {
            if nc <= *highest {
                return Err(ReplayRefusal::Replayed);
            }
            *highest = nc;
            return Ok(());
        }
        if self.eviction_floor.is_some_and(|floor| issued_at <= floor) {
            return Err(ReplayRefusal::Forgotten);
        }
        if self.entries.len() >= self.capacity {
            self.make_room(now_unix_secs);
        }
        self.entries.insert(nonce.to_owned(), (issued_at, nc));
        Ok(())
    }

    fn make_room(&mut self, now_unix_secs: u64) {
        let lifetime = self.lifetime_secs;
        // Expired nonces fail the age check anyway, so forgetting them is free.
        self.entries
            .retain(|_, (issued_at, _)| issued_at.saturating_add(lifetime) >= now_unix_secs);
        while self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (issued_at, _))| *issued_at)
                .map(|(nonce, (issued_at, _))| (nonce.clone(), *issued_at));
            let Some((nonce, issued_at)) = oldest else {
                break;
            };
            self.entries.remove(&nonce);
            self.eviction_floor = Some(self.eviction_floor.map_or(issued_at, |f| f.max(issued_at)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_must_increase_per_nonce() {
        let mut counts = NonceCounts::new(8, 60);
        assert_eq!(counts.accept("a", 100, 1, 100), Ok(()));
        assert_eq!(
            counts.accept("a", 100, 1, 101),
            Err(ReplayRefusal::Replayed)
        );
        assert_eq!(counts.accept("a", 100, 3, 101), Ok(()));
        assert_eq!(
            counts.accept("a", 100, 2, 101),
            Err(ReplayRefusal::Replayed)
        );
        assert_eq!(counts.accept("b", 100, 1, 101), Ok(()));
    }

    #[test]
    fn expired_entries_are_dropped_first() {
        let mut counts = NonceCounts::new(2, 60);
        counts.accept("old", 0, 1, 0).expect("fresh");
        counts.accept("mid", 50, 1, 50).expect("fresh");
        // At t=100 "old" is past its lifetime and goes without raising the floor.
        counts.accept("new", 100, 1, 100).expect("fresh");
        assert_eq!(counts.len(), 2);
        assert_eq!(counts.eviction_floor, None);
    }

    #[test]
    fn eviction_raises_a_floor_that_refuses_unknown_older_nonces() {
        let mut counts = NonceCounts::new(2, 600);
        counts.accept("n10", 10, 1, 10).expect("fresh");
        counts.accept("n20", 20, 1, 20).expect("fresh");
        counts.accept("n30", 30, 1, 30).expect("fresh"); // evicts n10, floor = 10
        assert_eq!(counts.len(), 2);
        assert_eq!(
            counts.accept("n10", 10, 2, 31),
            Err(ReplayRefusal::Forgotten)
        );
        assert_eq!(
            counts.accept("n05", 5, 1, 31),
            Err(ReplayRefusal::Forgotten)
        );
        assert_eq!(counts.accept("n20", 20, 2, 31), Ok(()));
    }
}
