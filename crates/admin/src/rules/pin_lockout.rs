//! Locking an organizer's PIN entry after repeated failures, across calls.
//!
//! Three tries per call are the IVR's business; this counter sees every failure on every
//! call and every number, so an attacker cannot reset it by hanging up. It is sans-IO: time
//! comes in as `now` (Unix seconds) and the state serializes so the store can keep it on the
//! organizer row.
//!
//! # The policy table
//!
//! | PIN digits | failures | in a window of | first lock | values | guesses a day, worst case |
//! |---|---|---|---|---|---|
//! | 4    | 10  | 30 min | 4 h    | 10⁴     | ~30 the first day, then 10 |
//! | 5    | 25  | 30 min | 1 h    | 10⁵     | ~150 the first day, then 25 |
//! | 6    | 50  | 30 min | 1 h    | 10⁶     | ~300, then 50 |
//! | 7–12 | 100 | 30 min | 30 min | ≥ 10⁷   | ~700, then 100 |
//!
//! The 5-digit row is the one issue 5 names. Shorter PINs get fewer tries and longer locks
//! because each guess is worth more; every row allows at least three whole calls of honest
//! mistakes (3 tries each) before locking. A lock that follows another within 24 hours lasts
//! twice as long as the one before, up to 24 hours, so a patient attacker settles at one
//! lock's worth of guesses a day: for 5 digits, 25 of 100,000 values (0.025 %) a day.
//! A success, an admin's unlock or a PIN reset clears it all.

use super::pin::PinLength;
use serde::{Deserialize, Serialize};
use thiserror::Error;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
/// Locks this close together escalate; a day without a lock starts over at the first step.
const ESCALATION_MEMORY: i64 = 24 * HOUR;

/// When PIN entry locks, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinLockoutPolicy {
    max_failures: u32,
    window_secs: i64,
    lock_secs: i64,
    max_lock_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinLockoutPolicyError {
    #[error("allow at least 3 failures (one call's tries) before locking, and at most 1000")]
    Failures,
    #[error("the failure window is 1 minute to 24 hours")]
    Window,
    #[error("a lock lasts 1 minute to 7 days, and the longest lock is at least the first")]
    Lock,
}

impl PinLockoutPolicy {
    /// The table in the module docs.
    pub fn for_pin_length(length: PinLength) -> Self {
        let (max_failures, lock_secs) = match length.get() {
            0..=4 => (10, 4 * HOUR),
            5 => (25, HOUR),
            6 => (50, HOUR),
            _ => (100, 30 * MINUTE),
        };
        Self {
            max_failures,
            window_secs: 30 * MINUTE,
            lock_secs,
            max_lock_secs: 24 * HOUR,
        }
    }

    /// An organization's own policy.
    pub fn new(
        max_failures: u32,
        window_secs: i64,
        lock_secs: i64,
        max_lock_secs: i64,
    ) -> Result<Self, PinLockoutPolicyError> {
        if !(3..=1000).contains(&max_failures) {
            return Err(PinLockoutPolicyError::Failures);
        }
        if !(MINUTE..=24 * HOUR).contains(&window_secs) {
            return Err(PinLockoutPolicyError::Window);
        }
        let lock_range = MINUTE..=7 * 24 * HOUR;
        if !lock_range.contains(&lock_secs)
            || !lock_range.contains(&max_lock_secs)
            || max_lock_secs < lock_secs
        {
            return Err(PinLockoutPolicyError::Lock);
        }
        Ok(Self {
            max_failures,
            window_secs,
            lock_secs,
            max_lock_secs,
        })
    }

    pub fn max_failures(&self) -> u32 {
        self.max_failures
    }
    pub fn window_secs(&self) -> i64 {
        self.window_secs
    }
    pub fn lock_secs(&self) -> i64 {
        self.lock_secs
    }
    pub fn max_lock_secs(&self) -> i64 {
        self.max_lock_secs
    }

    /// The lock after `previous` escalations: doubled each time, capped.
    fn lock_duration(&self, previous: u32) -> i64 {
        let factor = 1i64.checked_shl(previous.min(30)).unwrap_or(i64::MAX);
        self.lock_secs
            .saturating_mul(factor)
            .min(self.max_lock_secs)
    }
}

impl Default for PinLockoutPolicy {
    fn default() -> Self {
        Self::for_pin_length(PinLength::DEFAULT)
    }
}

/// One organizer's PIN failure record. `Default` is a clean slate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinLockout {
    /// Times of recent failures, oldest first; never more than the policy's threshold.
    failures: Vec<i64>,
    locked_until: Option<i64>,
    /// Locks so far in the current escalation run, and when the last one ended.
    locks_in_a_row: u32,
    last_unlock_at: Option<i64>,
}

impl PinLockout {
    /// `Some(unlocks_at)` while PIN entry is locked. The IVR checks this before asking for
    /// the PIN (and says the PIN can't be used now; the caller may still wait as an attendee).
    pub fn is_locked(&self, now: i64) -> Option<i64> {
        self.locked_until.filter(|&until| now < until)
    }

    /// Counts a wrong PIN. Returns `Some(unlocks_at)` when this failure locked PIN entry.
    /// Failures while locked are not counted (the IVR should not have asked).
    pub fn record_failure(&mut self, policy: &PinLockoutPolicy, now: i64) -> Option<i64> {
        if self.is_locked(now).is_some() {
            return None;
        }
        self.forget_old(policy, now);
        self.failures.push(now);
        if self.failures.len() < usize::try_from(policy.max_failures).unwrap_or(usize::MAX) {
            return None;
        }
        let escalates = self
            .last_unlock_at
            .is_some_and(|t| now.saturating_sub(t) < ESCALATION_MEMORY);
        if !escalates {
            self.locks_in_a_row = 0;
        }
        let until = now.saturating_add(policy.lock_duration(self.locks_in_a_row));
        self.locks_in_a_row = self.locks_in_a_row.saturating_add(1);
        self.locked_until = Some(until);
        self.last_unlock_at = Some(until);
        self.failures.clear();
        Some(until)
    }

    /// The right PIN: the organizer is who they say, so the slate is wiped.
    pub fn record_success(&mut self, _now: i64) {
        *self = Self::default();
    }

    /// An admin's unlock, or a PIN reset.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Failures that still count toward the next lock.
    pub fn failures_in_window(&self, policy: &PinLockoutPolicy, now: i64) -> u32 {
        let since = now.saturating_sub(policy.window_secs);
        let n = self.failures.iter().filter(|&&t| t > since).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Drops failures that slid out of the window. A failure stamped after `now` (the clock
    /// stepped back) is kept: counting it is the safe side.
    fn forget_old(&mut self, policy: &PinLockoutPolicy, now: i64) {
        let since = now.saturating_sub(policy.window_secs);
        self.failures.retain(|&t| t > since);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const T0: i64 = 1_700_000_000;

    fn five() -> PinLockoutPolicy {
        PinLockoutPolicy::for_pin_length(PinLength::DEFAULT)
    }

    #[test]
    fn table_scales_with_length() {
        let p = |n| PinLockoutPolicy::for_pin_length(PinLength::new(n).unwrap());
        assert_eq!((p(4).max_failures(), p(4).lock_secs()), (10, 4 * HOUR));
        assert_eq!((p(5).max_failures(), p(5).lock_secs()), (25, HOUR));
        assert_eq!((p(6).max_failures(), p(6).lock_secs()), (50, HOUR));
        assert_eq!(
            (p(12).max_failures(), p(12).lock_secs()),
            (100, 30 * MINUTE)
        );
        for n in PinLength::MIN..=PinLength::MAX {
            let policy = p(n);
            assert_eq!(policy.window_secs(), 30 * MINUTE);
            // A lock outlasts the window, so the failures it forgot cannot come back.
            assert!(policy.lock_secs() >= policy.window_secs());
            // Three calls of three tries never lock.
            assert!(policy.max_failures() >= 9);
        }
    }

    #[test]
    fn twenty_five_failures_in_thirty_minutes_lock_for_an_hour() {
        let policy = five();
        let mut s = PinLockout::default();
        // One failure a minute: the 25th, at minute 24, locks.
        for i in 0..24 {
            assert_eq!(
                s.record_failure(&policy, T0 + i * MINUTE),
                None,
                "failure {i}"
            );
            assert_eq!(s.is_locked(T0 + i * MINUTE), None);
        }
        let locked_at = T0 + 24 * MINUTE;
        assert_eq!(s.record_failure(&policy, locked_at), Some(locked_at + HOUR));
        assert_eq!(s.is_locked(locked_at), Some(locked_at + HOUR));
        assert_eq!(s.is_locked(locked_at + HOUR - 1), Some(locked_at + HOUR));
        // Failures while locked are not counted and do not extend the lock.
        assert_eq!(s.record_failure(&policy, locked_at + 10 * MINUTE), None);
        assert_eq!(s.is_locked(locked_at + 10 * MINUTE), Some(locked_at + HOUR));
        // Unlocked on the hour, with a clean window.
        assert_eq!(s.is_locked(locked_at + HOUR), None);
        assert_eq!(s.failures_in_window(&policy, locked_at + HOUR), 0);
    }

    #[test]
    fn slow_failures_slide_out_of_the_window() {
        let policy = five();
        let mut s = PinLockout::default();
        // One failure every 2 minutes: at most 15 in any 30 minutes, for 10 hours.
        for i in 0..300 {
            assert_eq!(s.record_failure(&policy, T0 + i * 2 * MINUTE), None);
        }
        assert_eq!(s.is_locked(T0 + 600 * MINUTE), None);
        assert_eq!(s.failures_in_window(&policy, T0 + 598 * MINUTE), 15);
        assert!(s.failures.len() <= 25);
    }

    #[test]
    fn success_clears_the_count() {
        let policy = five();
        let mut s = PinLockout::default();
        for i in 0..24 {
            s.record_failure(&policy, T0 + i);
        }
        s.record_success(T0 + 30);
        assert_eq!(s.failures_in_window(&policy, T0 + 31), 0);
        for i in 0..24 {
            assert_eq!(s.record_failure(&policy, T0 + 40 + i), None);
        }
    }

    #[test]
    fn repeated_locks_escalate_then_forget_after_a_quiet_day() {
        let policy = five();
        let mut s = PinLockout::default();
        let mut now = T0;
        let burst = |s: &mut PinLockout, now: i64| {
            let mut last = None;
            for i in 0..25 {
                last = s.record_failure(&policy, now + i);
            }
            last.map(|until| until - (now + 24))
        };
        let mut locks = Vec::new();
        for _ in 0..7 {
            let lasted = burst(&mut s, now).unwrap();
            locks.push(lasted / HOUR);
            now = s.is_locked(now + 24).unwrap();
        }
        assert_eq!(locks, vec![1, 2, 4, 8, 16, 24, 24]);
        // A day and more without a lock: back to one hour.
        now += 25 * HOUR;
        assert_eq!(burst(&mut s, now), Some(HOUR));
    }

    #[test]
    fn four_digit_pins_lock_sooner_and_longer() {
        let policy = PinLockoutPolicy::for_pin_length(PinLength::new(4).unwrap());
        let mut s = PinLockout::default();
        for i in 0..9 {
            assert_eq!(s.record_failure(&policy, T0 + i * 30), None);
        }
        assert_eq!(
            s.record_failure(&policy, T0 + 270),
            Some(T0 + 270 + 4 * HOUR)
        );
    }

    #[test]
    fn clock_stepping_back_does_not_unlock_or_forget() {
        let policy = five();
        let mut s = PinLockout::default();
        for i in 0..20 {
            s.record_failure(&policy, T0 + i);
        }
        // The clock steps back an hour: the failures "from the future" still count.
        for i in 0..5 {
            s.record_failure(&policy, T0 - HOUR + i);
        }
        assert!(s.is_locked(T0 - HOUR + 5).is_some());
    }

    #[test]
    fn state_round_trips_through_serde() {
        let policy = five();
        let mut s = PinLockout::default();
        for i in 0..25 {
            s.record_failure(&policy, T0 + i);
        }
        let json = serde_json::to_string(&s).unwrap();
        let back: PinLockout = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.is_locked(T0 + 30), Some(T0 + 24 + HOUR));
        let p: PinLockoutPolicy =
            serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
        assert_eq!(p, policy);
    }

    #[test]
    fn custom_policies_are_checked() {
        assert!(PinLockoutPolicy::new(25, 30 * MINUTE, HOUR, 24 * HOUR).is_ok());
        assert_eq!(
            PinLockoutPolicy::new(2, 30 * MINUTE, HOUR, HOUR),
            Err(PinLockoutPolicyError::Failures)
        );
        assert_eq!(
            PinLockoutPolicy::new(25, 0, HOUR, HOUR),
            Err(PinLockoutPolicyError::Window)
        );
        assert_eq!(
            PinLockoutPolicy::new(25, 30 * MINUTE, 2 * HOUR, HOUR),
            Err(PinLockoutPolicyError::Lock)
        );
    }
}
