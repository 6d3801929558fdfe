//! The adaptive part of the jitter buffer: what delay to aim for, and when to stretch or
//! shorten playout to reach it.
//!
//! Each arriving packet's *slack* is how long before its audio is due it arrived. With a
//! playout delay `D`, packets that crossed the network fastest have a slack of about `D` and
//! the most delayed ones `D - spread`, where `spread` is the arrival-time jitter. The target
//! delay grows at once when a packet comes too late (negative slack) or the buffer runs dry,
//! and shrinks by small steps once nothing went wrong for a while, never below the spread
//! seen in the last two seconds plus a margin. The actual delay follows the target: one
//! frame is stretched (concealed without consuming audio) when the fastest packets have less
//! slack than the target, and one frame is skipped when they have a frame more than it.

use super::JitterConfig;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back slack observations count.
const WINDOW: Duration = Duration::from_secs(2);
/// Headroom above the observed spread when shrinking.
const MARGIN_US: i64 = 10_000;
/// One mixer frame.
const FRAME_US: i64 = 20_000;
/// Observations needed before the actual delay is corrected.
const MIN_OBSERVATIONS: usize = 8;
/// At most one skip per this long, so shortening is gentle.
const SKIP_INTERVAL: Duration = Duration::from_secs(1);
/// At most one stretch per this long, so concealment is spread thin.
const STRETCH_INTERVAL: Duration = Duration::from_millis(100);

/// What playout should do this tick to bring the actual delay to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Correction {
    None,
    /// Conceal one frame without consuming audio (delay +20 ms).
    Stretch,
    /// Drop one frame of buffered audio (delay -20 ms).
    Skip,
}

#[derive(Debug)]
pub(super) struct DelayController {
    min_us: i64,
    max_us: i64,
    shrink_step_us: i64,
    stable_period: Duration,
    target_us: i64,
    /// (arrival, slack in microseconds)
    slacks: VecDeque<(Instant, i64)>,
    stable_since: Option<Instant>,
    last_shrink: Option<Instant>,
    last_skip: Option<Instant>,
    last_stretch: Option<Instant>,
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

impl DelayController {
    pub fn new(config: &JitterConfig) -> Self {
        let min_us = micros(config.min_delay);
        let max_us = micros(config.max_delay).max(min_us);
        Self {
            min_us,
            max_us,
            shrink_step_us: micros(config.shrink_step).max(1),
            stable_period: config.stable_period,
            target_us: micros(config.initial_delay).clamp(min_us, max_us),
            slacks: VecDeque::with_capacity(256),
            stable_since: None,
            last_shrink: None,
            last_skip: None,
            last_stretch: None,
        }
    }

    pub fn target(&self) -> Duration {
        Duration::from_micros(self.target_us.unsigned_abs())
    }

    pub fn record_slack(&mut self, now: Instant, slack_us: i64) {
        if self.slacks.len() == self.slacks.capacity() {
            self.slacks.pop_front();
        }
        self.slacks.push_back((now, slack_us));
        self.stable_since.get_or_insert(now);
    }

    /// A packet arrived after its audio was due (or the buffer ran dry waiting for it): one
    /// frame more delay per event, so a single straggler costs little and repeated lateness
    /// keeps raising the target until packets are on time.
    pub fn on_late(&mut self, now: Instant) {
        self.grow(now, FRAME_US);
    }

    fn grow(&mut self, now: Instant, by_us: i64) {
        self.target_us = (self.target_us + by_us).clamp(self.min_us, self.max_us);
        self.stable_since = Some(now);
    }

    /// Playout moved by `by_us` (stretch: positive, skip: negative); every observed slack
    /// moves with it.
    pub fn shift(&mut self, by_us: i64) {
        for (_, slack) in &mut self.slacks {
            *slack += by_us;
        }
    }

    /// A new talkspurt starts at the target delay; earlier slacks describe another schedule.
    pub fn restart(&mut self) {
        self.slacks.clear();
    }

    /// Ages the window, shrinks the target when stable, and says how playout should correct.
    pub fn tick(&mut self, now: Instant) -> Correction {
        while self
            .slacks
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) > WINDOW)
        {
            self.slacks.pop_front();
        }
        let Some((lowest, highest)) = self.slack_range() else {
            return Correction::None;
        };
        self.shrink_if_stable(now, highest - lowest);
        if self.slacks.len() < MIN_OBSERVATIONS {
            return Correction::None;
        }
        let since = |at: Option<Instant>, interval: Duration| {
            at.is_none_or(|at| now.saturating_duration_since(at) >= interval)
        };
        if highest < self.target_us {
            if since(self.last_stretch, STRETCH_INTERVAL) {
                self.last_stretch = Some(now);
                return Correction::Stretch;
            }
            return Correction::None;
        }
        let may_skip = since(self.last_skip, SKIP_INTERVAL);
        // Keep the slowest packet on time: never skip into a negative slack.
        if highest - self.target_us >= FRAME_US && lowest >= FRAME_US && may_skip {
            self.last_skip = Some(now);
            return Correction::Skip;
        }
        Correction::None
    }

    fn slack_range(&self) -> Option<(i64, i64)> {
        let mut slacks = self.slacks.iter().map(|(_, slack)| *slack);
        let first = slacks.next()?;
        Some(slacks.fold((first, first), |(lo, hi), s| (lo.min(s), hi.max(s))))
    }

    fn shrink_if_stable(&mut self, now: Instant, spread_us: i64) {
        let stable_for = |since: Option<Instant>| {
            since.is_some_and(|at| now.saturating_duration_since(at) >= self.stable_period)
        };
        if !stable_for(self.stable_since) {
            return;
        }
        if self.last_shrink.is_some() && !stable_for(self.last_shrink) {
            return;
        }
        let floor = (spread_us + MARGIN_US).clamp(self.min_us, self.max_us);
        if self.target_us > floor {
            self.target_us = (self.target_us - self.shrink_step_us).max(floor);
            self.last_shrink = Some(now);
        }
    }
}
