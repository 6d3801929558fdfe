//! Counters the workers keep for `/healthz`, metrics and the load harness.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct MediaStats {
    pub rtp_packets_received: AtomicU64,
    pub rtp_packets_sent: AtomicU64,
    /// Ticks that started more than `tick::LATE_AFTER` after their due time.
    pub late_ticks: AtomicU64,
    pub ticks: AtomicU64,
    /// Packets that were not RTP, or RTP from a payload type the call did not negotiate.
    pub rtp_packets_ignored: AtomicU64,
    pub dtmf_digits: AtomicU64,
}

impl MediaStats {
    pub fn add(counter: &AtomicU64, value: u64) {
        counter.fetch_add(value, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
