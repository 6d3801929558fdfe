//! The worker's 20 ms clock: absolute deadlines, so sleep overshoot never accumulates into
//! drift, and a stall (a paused VM, an overloaded host) is skipped rather than replayed as
//! a burst of catch-up ticks that would flood every phone at once.

use std::time::{Duration, Instant};

pub const TICK: Duration = Duration::from_millis(20);
/// A tick this late counts as late in the statistics (a frame leaves a quarter slot late).
pub const LATE_AFTER: Duration = Duration::from_millis(5);
/// Beyond this many missed ticks the clock restarts from now.
const MAX_CATCH_UP: u32 = 5;

#[derive(Debug)]
pub struct TickClock {
    next: Instant,
}

/// What one call to [`TickClock::advance`] found.
#[derive(Debug, PartialEq, Eq)]
pub struct TickTiming {
    pub late: bool,
    /// Whole ticks skipped after a stall.
    pub skipped: u32,
}

impl TickClock {
    pub fn starting_at(now: Instant) -> Self {
        TickClock { next: now }
    }

    pub fn deadline(&self) -> Instant {
        self.next
    }

    /// Call when `now >= deadline()`: moves the deadline one tick on.
    pub fn advance(&mut self, now: Instant) -> TickTiming {
        let lateness = now.saturating_duration_since(self.next);
        let late = lateness > LATE_AFTER;
        let behind = u32::try_from(lateness.as_nanos() / TICK.as_nanos()).unwrap_or(u32::MAX);
        if behind > MAX_CATCH_UP {
            self.next = now + TICK;
            return TickTiming {
                late,
                skipped: behind,
            };
        }
        self.next += TICK;
        TickTiming { late, skipped: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_time_ticks_advance_by_exactly_twenty_ms() {
        let start = Instant::now();
        let mut clock = TickClock::starting_at(start);
        assert_eq!(
            clock.advance(start + Duration::from_micros(300)),
            TickTiming {
                late: false,
                skipped: 0
            }
        );
        assert_eq!(clock.deadline(), start + TICK);
    }

    #[test]
    fn a_slightly_late_tick_keeps_the_grid_and_counts_as_late() {
        let start = Instant::now();
        let mut clock = TickClock::starting_at(start);
        let timing = clock.advance(start + Duration::from_millis(8));
        assert!(timing.late);
        assert_eq!(clock.deadline(), start + TICK);
    }

    #[test]
    fn a_long_stall_restarts_the_grid_instead_of_bursting() {
        let start = Instant::now();
        let mut clock = TickClock::starting_at(start);
        let now = start + Duration::from_millis(500);
        let timing = clock.advance(now);
        assert_eq!(timing.skipped, 25);
        assert_eq!(clock.deadline(), now + TICK);
    }
}
