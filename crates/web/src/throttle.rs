//! Sign-in rate limiting, sans-IO (every call takes `now`): after `max_failures` wrong
//! passwords within `window` from one source address, or for one account, further attempts
//! from there or for it are refused until the oldest of those failures leaves the window.
//! A correct password during the wait is refused too, so guessing cannot go on.
//!
//! Hand-written on purpose: rate-limit crates (`governor`, `tower_governor`) meter requests
//! with a token bucket; this counts failures only, per account as well as per address, and
//! must say how long to wait.
//!
//! IPv6 addresses are counted by /64, the block one subscriber usually holds.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many failures lock, and for how long they count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Failures per source and per account.
#[derive(Debug)]
pub(crate) struct SignInThrottle {
    policy: ThrottlePolicy,
    by_source: HashMap<IpAddr, VecDeque<Instant>>,
    by_account: HashMap<String, VecDeque<Instant>>,
}

/// The source an address counts as.
fn source_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// Emails in any case and with stray spaces are one account, as the store looks them up.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl SignInThrottle {
    pub fn new(policy: ThrottlePolicy) -> SignInThrottle {
        SignInThrottle {
            policy,
            by_source: HashMap::new(),
            by_account: HashMap::new(),
        }
    }

    /// `Err(wait)` when this attempt must be refused without checking the password.
    pub fn check(
        &mut self,
        source: Option<IpAddr>,
        email: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let policy = self.policy;
        let by_source = source
            .map(source_key)
            .and_then(|key| self.by_source.get_mut(&key))
            .and_then(|failures| wait(policy, failures, now));
        let by_account = self
            .by_account
            .get_mut(&account_key(email))
            .and_then(|failures| wait(policy, failures, now));
        match by_source.max(by_account) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn record_failure(&mut self, source: Option<IpAddr>, email: &str, now: Instant) {
        self.sweep(now);
        if let Some(source) = source {
            self.by_source
                .entry(source_key(source))
                .or_default()
                .push_back(now);
        }
        self.by_account
            .entry(account_key(email))
            .or_default()
            .push_back(now);
    }

    /// A correct password clears the account's count (not the source's: one good account
    /// must not reset an address that is guessing others).
    pub fn record_success(&mut self, email: &str) {
        self.by_account.remove(&account_key(email));
    }

    /// Forgets failures that left the window, so the maps hold only recent sources.
    fn sweep(&mut self, now: Instant) {
        let window = self.policy.window;
        let recent = |failures: &mut VecDeque<Instant>| {
            forget_old(window, failures, now);
            !failures.is_empty()
        };
        self.by_source.retain(|_, f| recent(f));
        self.by_account.retain(|_, f| recent(f));
    }
}

fn forget_old(window: Duration, failures: &mut VecDeque<Instant>, now: Instant) {
    while failures
        .front()
        .is_some_and(|first| now.saturating_duration_since(*first) >= window)
    {
        failures.pop_front();
    }
}

/// How long until one more attempt is allowed, if the failures reach the limit.
fn wait(
    policy: ThrottlePolicy,
    failures: &mut VecDeque<Instant>,
    now: Instant,
) -> Option<Duration> {
    forget_old(policy.window, failures, now);
    if failures.len() < policy.max_failures {
        return None;
    }
    // The attempt is allowed again once only max_failures - 1 failures are in the window.
    let unlocking = failures.len() - policy.max_failures;
    failures
        .get(unlocking)
        .map(|t| (*t + policy.window).saturating_duration_since(now))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn addr(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn five_failures_lock_the_account_for_the_rest_of_the_window() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for i in 0..5 {
            let now = t0 + i * MINUTE;
            assert_eq!(throttle.check(addr("192.0.2.1"), "a@x", now), Ok(()));
            throttle.record_failure(addr("192.0.2.1"), "a@x", now);
        }
        // From another address and in another case: still the same account.
        assert_eq!(
            throttle.check(addr("198.51.100.7"), " A@X ", t0 + 5 * MINUTE),
            Err(10 * MINUTE)
        );
        assert!(throttle
            .check(
                addr("198.51.100.7"),
                "a@x",
                t0 + 15 * MINUTE - Duration::from_secs(1)
            )
            .is_err());
        // The first failure left the window: one more try.
        assert_eq!(
            throttle.check(addr("198.51.100.7"), "a@x", t0 + 15 * MINUTE),
            Ok(())
        );
    }

    #[test]
    fn five_failures_lock_the_source_for_every_account() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for i in 0..5 {
            throttle.record_failure(addr("192.0.2.1"), &format!("user{i}@x"), t0);
        }
        assert!(throttle
            .check(addr("192.0.2.1"), "someone-else@x", t0)
            .is_err());
        assert_eq!(
            throttle.check(addr("192.0.2.2"), "someone-else@x", t0),
            Ok(())
        );
    }

    #[test]
    fn ipv6_counts_by_64_and_mapped_v4_as_v4() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for i in 0..5 {
            let source = format!("2001:db8:1:2::{i}");
            throttle.record_failure(addr(&source), &format!("u{i}@x"), t0);
        }
        assert!(throttle
            .check(addr("2001:db8:1:2:ffff::1"), "v@x", t0)
            .is_err());
        assert_eq!(throttle.check(addr("2001:db8:1:3::1"), "v@x", t0), Ok(()));
        for i in 0..5 {
            throttle.record_failure(addr("::ffff:192.0.2.9"), &format!("w{i}@x"), t0);
        }
        assert!(throttle.check(addr("192.0.2.9"), "v@x", t0).is_err());
    }

    #[test]
    fn success_clears_the_account_but_not_the_source() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for _ in 0..4 {
            throttle.record_failure(addr("192.0.2.1"), "a@x", t0);
        }
        throttle.record_success("a@x");
        throttle.record_failure(addr("192.0.2.1"), "a@x", t0);
        assert_eq!(throttle.check(addr("192.0.2.3"), "a@x", t0), Ok(()));
        assert!(throttle.check(addr("192.0.2.1"), "b@x", t0).is_err());
    }

    #[test]
    fn old_failures_are_forgotten() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for i in 0..100 {
            throttle.record_failure(addr("192.0.2.1"), &format!("u{i}@x"), t0);
        }
        throttle.record_failure(addr("192.0.2.2"), "z@x", t0 + 16 * MINUTE);
        assert_eq!(throttle.by_account.len(), 1);
        assert_eq!(throttle.by_source.len(), 1);
    }

    #[test]
    fn unknown_source_still_counts_per_account() {
        let t0 = Instant::now();
        let mut throttle = SignInThrottle::new(ThrottlePolicy::default());
        for _ in 0..5 {
            throttle.record_failure(None, "a@x", t0);
        }
        assert!(throttle.check(None, "a@x", t0).is_err());
        assert_eq!(throttle.check(None, "b@x", t0), Ok(()));
    }
}
