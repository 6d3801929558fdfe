//! When to refresh a binding and when to try again after a failure.

use std::time::Duration;

/// How long before expiry a refresh goes out at the latest: room for a lost REGISTER's
/// full Timer F (32 s) and a challenge round trip.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The longest wait between attempts after failures.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(600);

/// The first wait after a failure; it doubles with each further failure.
const FIRST_RETRY_DELAY: Duration = Duration::from_secs(30);

/// The refresh of a binding granted for `expires` seconds: at half its life for short
/// bindings, `REFRESH_MARGIN` before expiry for long ones.
pub fn refresh_delay(expires: u32) -> Duration {
    let life = Duration::from_secs(expires.into());
    life - (life / 2).min(REFRESH_MARGIN)
}

/// The wait before the next attempt after `consecutive_failures` (≥ 1) failures in a row:
/// 30 s, 60 s, 120 s … up to 10 minutes, so a carrier outage is not hammered.
pub fn retry_delay(consecutive_failures: u32) -> Duration {
    let doublings = consecutive_failures.saturating_sub(1).min(16);
    FIRST_RETRY_DELAY
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_DELAY)
}
