//! How long a scheduled meeting's own (dynamic) conference ID keeps working.
//!
//! Teams expires a dynamic conference ID 60 days after the meeting's end (a recurring
//! meeting's last occurrence), so late joiners and follow-up calls still work for a while,
//! and the ID space does not fill up with IDs from meetings long over. We do the same.

/// A dynamic ID works until this long after its meeting ends.
pub const DYNAMIC_ID_GRACE_SECS: i64 = 60 * 24 * 60 * 60;

/// When (Unix seconds) the dynamic ID of a meeting ending at `ends_at` stops working.
pub fn dynamic_id_expires_at(ends_at: i64) -> i64 {
    ends_at.saturating_add(DYNAMIC_ID_GRACE_SECS)
}

/// Whether the dynamic ID of a meeting ending at `ends_at` has expired at `now`.
pub fn dynamic_id_expired(ends_at: i64, now: i64) -> bool {
    now >= dynamic_id_expires_at(ends_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 60 * 60;

    #[test]
    fn works_for_sixty_days_after_the_end_then_stops() {
        let end = 1_800_000_000;
        assert!(!dynamic_id_expired(end, end - DAY));
        assert!(!dynamic_id_expired(end, end + 59 * DAY));
        assert!(!dynamic_id_expired(end, end + 60 * DAY - 1));
        assert!(dynamic_id_expired(end, end + 60 * DAY));
        assert_eq!(dynamic_id_expires_at(i64::MAX - 1), i64::MAX);
    }
}
