//! When a failed mail is tried again: a pure function of the attempts made, tested in
//! simulated time (no clock here).

/// The retry schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    delays: Vec<i64>,
    max_attempts: u32,
}

impl Backoff {
    /// `delays[i]` seconds after the (i+1)-th failed attempt, the last delay repeating;
    /// give up once `max_attempts` attempts have failed. An empty schedule retries after a
    /// minute; `max_attempts` of 0 counts as 1.
    pub fn new(delays_secs: &[u64], max_attempts: u32) -> Backoff {
        let mut delays: Vec<i64> = delays_secs
            .iter()
            .map(|&d| i64::try_from(d).unwrap_or(i64::MAX).max(1))
            .collect();
        if delays.is_empty() {
            delays.push(60);
        }
        Backoff {
            delays,
            max_attempts: max_attempts.max(1),
        }
    }

    /// After an attempt at `now` failed transiently, with `attempts_before` attempts made
    /// before it: when to try again, or `None` to give up.
    pub fn retry_at(&self, attempts_before: i32, now: i64) -> Option<i64> {
        // A negative count can only come from a corrupted row; treat it as none.
        let failed = u32::try_from(attempts_before)
            .unwrap_or(0)
            .saturating_add(1);
        if failed >= self.max_attempts {
            return None;
        }
        let index = usize::try_from(failed - 1).unwrap_or(usize::MAX);
        let delay = self
            .delays
            .get(index)
            .or(self.delays.last())
            .copied()
            .unwrap_or(60);
        Some(now.saturating_add(delay))
    }

    /// The attempts after which a mail is given up on.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replays a mail that fails every time, in simulated time: the attempt times.
    fn attempt_times(backoff: &Backoff, start: i64) -> Vec<i64> {
        let mut times = vec![start];
        let mut now = start;
        let mut attempts = 0;
        while let Some(next) = backoff.retry_at(attempts, now) {
            assert!(next > now, "retries move forward in time");
            attempts += 1;
            now = next;
            times.push(now);
        }
        times
    }

    #[test]
    fn default_schedule_spaces_attempts_then_gives_up() {
        let backoff = Backoff::new(&[60, 300, 1800, 7200], 8);
        let t = attempt_times(&backoff, 1_000);
        assert_eq!(t.len(), 8, "eight attempts in all");
        let gaps: Vec<i64> = t.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(gaps, [60, 300, 1800, 7200, 7200, 7200, 7200]);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        assert_eq!(Backoff::new(&[60], 1).retry_at(0, 5), None);
        assert_eq!(Backoff::new(&[60], 0).retry_at(0, 5), None);
    }

    #[test]
    fn odd_inputs_never_panic_or_go_backwards() {
        let b = Backoff::new(&[], 3);
        assert_eq!(b.retry_at(0, 0), Some(60));
        let b = Backoff::new(&[0, u64::MAX], 5);
        assert_eq!(
            b.retry_at(0, 0),
            Some(1),
            "a zero delay still waits a second"
        );
        assert_eq!(b.retry_at(1, i64::MAX - 1), Some(i64::MAX));
        assert_eq!(
            b.retry_at(-7, 0),
            Some(1),
            "a corrupt negative count is a first try"
        );
        assert_eq!(b.retry_at(i32::MAX, 0), None);
    }
}
