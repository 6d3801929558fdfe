//! How a conference picks its active speakers and what it sends when nobody talks.

use std::time::Duration;

/// Tuning for one conference. `Default` suits telephone audio.
#[derive(Debug, Clone, PartialEq)]
pub struct MixerConfig {
    /// How many participants are heard at once: the loudest this many above the threshold.
    pub max_speakers: usize,
    /// The smoothed level (dBov, 0 = full-scale square wave) a participant must reach to
    /// become an active speaker. Telephone speech sits around -20 to -30 dBov, line noise
    /// below -55.
    pub start_threshold_dbov: f32,
    /// Once active, a speaker counts as still talking while above this level (lower than
    /// the start threshold, so a speaker hovering around it does not flap).
    pub keep_threshold_dbov: f32,
    /// How long a speaker stays active after falling below the keep threshold: bridges the
    /// pauses between words so the roster and the mixes do not flap.
    pub hangover: Duration,
    /// A new talker displaces a speaker who is still above the keep threshold only when
    /// louder by this many dB (a speaker in hangover is displaced by any louder talker).
    pub displace_margin_db: f32,
    /// When nobody talks, still send encoded silence to every listener (true), or send
    /// nothing (false). Phones and carriers expect continuous RTP and some hang up after a
    /// few seconds without it, so sending silence is the default.
    pub send_silence: bool,
}

impl Default for MixerConfig {
    fn default() -> Self {
        MixerConfig {
            max_speakers: 3,
            start_threshold_dbov: -42.0,
            keep_threshold_dbov: -48.0,
            hangover: Duration::from_millis(300),
            displace_margin_db: 6.0,
            send_silence: true,
        }
    }
}

/// A level in dBov as the linear power the level meter keeps (mean square over full scale
/// squared), so the per-tick comparisons need no logarithm.
pub(crate) fn dbov_to_power(dbov: f32) -> f32 {
    10f32.powf(dbov / 10.0)
}

/// A power ratio in dB as a linear factor.
pub(crate) fn db_to_power_ratio(db: f32) -> f32 {
    10f32.powf(db / 10.0)
}
