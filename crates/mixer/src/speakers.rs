//! Who is heard: the loudest few participants above a threshold, with hysteresis (a lower
//! keep threshold, a hangover, a margin to displace) so the set does not flap between words.

use std::time::{Duration, Instant};

use crate::config::{db_to_power_ratio, dbov_to_power, MixerConfig};

/// One participant's voice as the selector sees it; the conference keeps these in a dense
/// array beside its participants so the per-tick scan touches little memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Voice {
    /// Smoothed power (1.0 = 0 dBov).
    pub level: f32,
    /// In the mix and not muted: may be heard.
    pub eligible: bool,
    /// `Some(time last above the keep threshold)` while an active speaker.
    pub active_since_loud: Option<Instant>,
}

impl Voice {
    pub fn is_active(&self) -> bool {
        self.active_since_loud.is_some()
    }
}

/// A change of speaker status, by index into the voices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Started(usize),
    Stopped(usize),
}

/// Picks the active speakers each tick. Keeps its scratch lists so a tick does not allocate.
#[derive(Debug)]
pub struct SpeakerSelector {
    max_speakers: usize,
    start_power: f32,
    keep_power: f32,
    hangover: Duration,
    displace_ratio: f32,
    candidates: Vec<usize>,
    active: Vec<usize>,
}

impl SpeakerSelector {
    pub fn new(config: &MixerConfig) -> Self {
        SpeakerSelector {
            max_speakers: config.max_speakers,
            start_power: dbov_to_power(config.start_threshold_dbov),
            // A keep threshold above the start threshold would make a new speaker stop at once.
            keep_power: dbov_to_power(config.keep_threshold_dbov.min(config.start_threshold_dbov)),
            hangover: config.hangover,
            displace_ratio: db_to_power_ratio(config.displace_margin_db.max(0.0)),
            candidates: Vec::new(),
            active: Vec::new(),
        }
    }

    /// The active speakers after the last `update`, as indices into its voices.
    pub fn active(&self) -> &[usize] {
        &self.active
    }

    /// Applies this tick's levels (already in `voices`) and records every status change.
    pub fn update(&mut self, now: Instant, voices: &mut [Voice], changes: &mut Vec<Change>) {
        self.active.clear();
        self.candidates.clear();
        for (index, voice) in voices.iter_mut().enumerate() {
            match voice.active_since_loud {
                Some(_) if !voice.eligible => {
                    voice.active_since_loud = None;
                    changes.push(Change::Stopped(index));
                }
                Some(last_loud) => {
                    let last_loud = if voice.level >= self.keep_power {
                        now
                    } else {
                        last_loud
                    };
                    if now.saturating_duration_since(last_loud) >= self.hangover {
                        voice.active_since_loud = None;
                        changes.push(Change::Stopped(index));
                    } else {
                        voice.active_since_loud = Some(last_loud);
                        self.active.push(index);
                    }
                }
                None if voice.eligible && voice.level >= self.start_power => {
                    self.candidates.push(index);
                }
                None => {}
            }
        }
        if self.candidates.is_empty() {
            return;
        }
        self.candidates
            .sort_unstable_by(|&a, &b| voices[b].level.total_cmp(&voices[a].level));
        for &candidate in &self.candidates {
            if self.active.len() < self.max_speakers {
                voices[candidate].active_since_loud = Some(now);
                self.active.push(candidate);
                changes.push(Change::Started(candidate));
                continue;
            }
            let Some((slot, &weakest)) = self
                .active
                .iter()
                .enumerate()
                .min_by(|(_, &a), (_, &b)| voices[a].level.total_cmp(&voices[b].level))
            else {
                break;
            };
            let weakest_level = voices[weakest].level;
            let to_beat = if weakest_level < self.keep_power {
                weakest_level
            } else {
                weakest_level * self.displace_ratio
            };
            // Candidates are sorted loudest first: if this one cannot displace anyone, no
            // later one can.
            if voices[candidate].level <= to_beat {
                break;
            }
            voices[weakest].active_since_loud = None;
            changes.push(Change::Stopped(weakest));
            voices[candidate].active_since_loud = Some(now);
            self.active[slot] = candidate;
            changes.push(Change::Started(candidate));
        }
    }
}
