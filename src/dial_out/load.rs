//! How many dial-out calls are up, per meeting and per organization, for the caps. Shared
//! between the SIP loop (which changes it) and the admin API thread (which checks a request
//! before accepting it, so the admin hears a refusal at once).

use std::collections::HashMap;
use std::sync::Mutex;

use dialbridge_store::OrganizationId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub meeting: u32,
    pub organization: u32,
}

#[derive(Debug, Default)]
pub struct DialOutLoadBoard {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    meetings: HashMap<String, u32>,
    organizations: HashMap<OrganizationId, u32>,
}

impl DialOutLoadBoard {
    pub fn counts(&self, meeting: &str, organization: OrganizationId) -> Counts {
        let inner = self.lock();
        Counts {
            meeting: inner.meetings.get(meeting).copied().unwrap_or(0),
            organization: inner.organizations.get(&organization).copied().unwrap_or(0),
        }
    }

    /// A dial-out call started (its INVITE is out).
    pub fn started(&self, meeting: &str, organization: OrganizationId) {
        let mut inner = self.lock();
        *inner.meetings.entry(meeting.to_owned()).or_default() += 1;
        *inner.organizations.entry(organization).or_default() += 1;
    }

    /// A dial-out call is over (failed, or hung up after answering). Once per `started`;
    /// a finish without a start changes nothing.
    pub fn finished(&self, meeting: &str, organization: OrganizationId) {
        let mut inner = self.lock();
        if decrement(&mut inner.meetings, meeting.to_owned()) {
            decrement(&mut inner.organizations, organization);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Counters only: a panic elsewhere cannot leave them half-written.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Takes one off `key`'s count; false when there was none to take.
fn decrement<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, key: K) -> bool {
    let Some(count) = map.get_mut(&key) else {
        return false;
    };
    *count = count.saturating_sub(1);
    if *count == 0 {
        map.remove(&key);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_starts_and_finishes_per_meeting_and_organization() {
        let board = DialOutLoadBoard::default();
        let org = OrganizationId(1);
        board.started("organizer-1", org);
        board.started("organizer-2", org);
        assert_eq!(
            board.counts("organizer-1", org),
            Counts {
                meeting: 1,
                organization: 2
            }
        );
        board.finished("organizer-1", org);
        assert_eq!(
            board.counts("organizer-1", org),
            Counts {
                meeting: 0,
                organization: 1
            }
        );
        // A second finish for the same meeting has nothing to take off.
        board.finished("organizer-1", org);
        assert_eq!(board.counts("organizer-2", org).organization, 1);
    }
}
