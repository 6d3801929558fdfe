//! In-band DTMF detection (ITU-T Q.23 frequencies, Q.24 acceptance) on 8 kHz linear PCM.
//!
//! Why hand-written: the detector crate we tried misses 40 ms digits, which Q.24 requires us
//! to accept (DESIGN.md, "Hand-written, on purpose"), and talk-off behaviour is something we
//! have to be able to reason about and tune, not inherit.
//!
//! How: every 5 ms (a 40-sample hop) the last 20 ms (160 samples) are analysed with
//! Goertzel filters.
//! - The tones are measured through a Hann window: its sidelobes are ~40 dB down where the
//!   other group's tone sits (>= 268 Hz away), so the strong tone of one group cannot bend
//!   the measurement of the other, and a +-1.5% deviation costs at most ~1.4 dB, so the twist
//!   is measured honestly.
//! - Frequency deviation (Q.24: accept +-1.5%, reject +-3.5%): each detected tone is also
//!   measured 5% below and above its nominal frequency; the nominal must be the strongest of
//!   the three, which puts the decision boundary at +-2.5%, 1 point clear of both limits,
//!   independent of level.
//! - Level: each tone at least -36 dBm0. Twist: the high tone at most 8 dB above the low one
//!   (forward) and at most 4 dB below it (reverse), each with 0.5 dB allowance for measuring
//!   error so that a signal exactly at the limit is accepted.
//! - Purity, against talk-off: the two tones carry at least 60% of the window's power; every
//!   other frequency in each group is at least 6 dB below that group's tone; the second
//!   harmonics of the two tones (which voiced speech has and DTMF does not) together stay
//!   8 dB below the tones; and the two halves of the window are within 4 dB of each other
//!   (a tone is steady; speech and tone edges are not).
//! - Timing: a digit starts after 4 consecutive qualifying windows (a window qualifies when
//!   it is at least ~3/4 tone, so this takes ~30 ms of tone; a 40 ms digit always gives at
//!   least 4) and ends after 4 consecutive windows without it (20 ms), so a 40 ms pause
//!   separates digits and a 10 ms drop-out does not split one. Each digit is reported once,
//!   when it ends, with its duration.
//!
//! Levels: 0 dBm0 is taken as a sine of peak 22654 in 16-bit linear, 3.17 dB below the mu-law
//! theoretical maximum load of G.711 (8159 on its 14-bit scale).

use crate::digit::DtmfDigit;
use crate::goertzel::Goertzel;
use std::collections::VecDeque;
use std::time::Duration;

/// The detector works on 8 kHz audio (decode G.711 first; resample wideband codecs).
pub const SAMPLE_RATE: u32 = 8000;
/// Q.23 low group (keypad rows) and high group (keypad columns), Hz.
pub const ROW_FREQUENCIES: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
pub const COLUMN_FREQUENCIES: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];

const WINDOW: usize = 160;
const HOP: usize = 40;
const PROBE_OFFSET: f32 = 0.05;
/// Mean square of a 0 dBm0 sine (peak 22654).
const DBM0_POWER: f32 = 22654.0 * 22654.0 / 2.0;
const MIN_TONE_DBM0: f32 = -36.0;
// Q.24 limits plus 0.5 dB so a signal exactly at the limit is accepted despite measuring error.
const MAX_FORWARD_TWIST_DB: f32 = 8.5;
const MAX_REVERSE_TWIST_DB: f32 = 4.5;
const MIN_TONE_SHARE: f32 = 0.6;
const MIN_GROUP_MARGIN_DB: f32 = 6.0;
const MAX_HALVES_DIFFERENCE_DB: f32 = 4.0;
const MIN_HARMONIC_MARGIN_DB: f32 = 8.0;
const HITS_TO_START: u32 = 4;
const MISSES_TO_END: u32 = 4;

/// A digit heard in the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetectedDigit {
    pub digit: DtmfDigit,
    /// Sample index (from the first sample pushed) where the tone began, to within ~5 ms.
    pub start_sample: u64,
    /// How long the tone lasted, to within ~10 ms.
    pub duration: Duration,
}

/// The frequencies one group is measured at.
#[derive(Debug)]
struct Group {
    nominal: [Goertzel; 4],
    below: [Goertzel; 4],
    above: [Goertzel; 4],
    harmonic: [Goertzel; 4],
}

impl Group {
    fn new(frequencies: [f32; 4]) -> Self {
        let rate = SAMPLE_RATE as f32;
        let at = |scale: f32| frequencies.map(|f| Goertzel::new(f * scale, rate));
        Self {
            nominal: at(1.0),
            below: at(1.0 - PROBE_OFFSET),
            above: at(1.0 + PROBE_OFFSET),
            harmonic: at(2.0),
        }
    }

    /// The strongest tone of the group in the Hann-windowed `block`, if it is on frequency and
    /// stands clear of the others: (index, power).
    fn strongest_clear_tone(&self, block: &[f32], window_sum: f32) -> Option<(usize, f32)> {
        let power_at = |g: &Goertzel| g.windowed_power(block, window_sum);
        let powers = self.nominal.map(|g| power_at(&g));
        let (index, power) = powers
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let others_clear = powers.iter().enumerate().all(|(i, p)| {
            i == index || db(power / p.max(f32::MIN_POSITIVE)) >= MIN_GROUP_MARGIN_DB
        });
        let on_frequency =
            power_at(&self.below[index]) < power && power_at(&self.above[index]) < power;
        (others_clear && on_frequency).then_some((index, power))
    }
}

fn db(ratio: f32) -> f32 {
    10.0 * ratio.log10()
}

#[derive(Debug, Clone, Copy)]
enum State {
    Idle {
        candidate: Option<(DtmfDigit, u32, u64)>,
    },
    Active {
        digit: DtmfDigit,
        start: u64,
        last_hit_end: u64,
        misses: u32,
    },
}

/// An in-band DTMF detector for one 8 kHz audio stream.
#[derive(Debug)]
pub struct DtmfDetector {
    rows: Group,
    columns: Group,
    hann: [f32; WINDOW],
    hann_sum: f32,
    /// The last WINDOW samples, oldest first once `filled`.
    history: [f32; WINDOW],
    next: usize,
    since_analysis: usize,
    samples_seen: u64,
    state: State,
    digits: VecDeque<DetectedDigit>,
}

impl Default for DtmfDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl DtmfDetector {
    pub fn new() -> Self {
        let hann: [f32; WINDOW] = std::array::from_fn(|i| {
            0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / WINDOW as f32).cos()
        });
        Self {
            rows: Group::new(ROW_FREQUENCIES),
            columns: Group::new(COLUMN_FREQUENCIES),
            hann,
            hann_sum: hann.iter().sum(),
            history: [0.0; WINDOW],
            next: 0,
            since_analysis: 0,
            samples_seen: 0,
            state: State::Idle { candidate: None },
            digits: VecDeque::new(),
        }
    }

    /// Feeds 8 kHz 16-bit linear samples, any number at a time.
    pub fn push_samples(&mut self, samples: &[i16]) {
        for &sample in samples {
            self.history[self.next] = f32::from(sample);
            self.next = (self.next + 1) % WINDOW;
            self.samples_seen += 1;
            self.since_analysis += 1;
            if self.since_analysis == HOP {
                self.since_analysis = 0;
                self.analyse();
            }
        }
    }

    /// Ends the stream: a digit still sounding is reported now.
    pub fn finish(&mut self) {
        if let State::Active { .. } = self.state {
            self.end_digit();
        }
    }

    /// The next detected digit, oldest first.
    pub fn poll_digit(&mut self) -> Option<DetectedDigit> {
        self.digits.pop_front()
    }

    fn analyse(&mut self) {
        let mut block = [0.0f32; WINDOW];
        let (newer, older) = self.history.split_at(self.next);
        block[..older.len()].copy_from_slice(older);
        block[older.len()..].copy_from_slice(newer);
        let hit = if self.samples_seen >= WINDOW as u64 {
            self.classify(&block)
        } else {
            None
        };
        self.advance(hit);
    }

    /// The digit this window holds, if it passes every Q.24 check.
    fn classify(&self, block: &[f32; WINDOW]) -> Option<DtmfDigit> {
        let mean_square =
            |part: &[f32]| part.iter().map(|x| x * x).sum::<f32>() / part.len() as f32;
        let total = mean_square(block);
        let min_power = DBM0_POWER * 10f32.powf(MIN_TONE_DBM0 / 10.0);
        if total < 2.0 * min_power {
            return None;
        }
        let (first, second) = block.split_at(WINDOW / 2);
        let (first, second) = (mean_square(first), mean_square(second));
        if db(first.max(second) / first.min(second).max(f32::MIN_POSITIVE))
            > MAX_HALVES_DIFFERENCE_DB
        {
            return None;
        }
        let windowed: [f32; WINDOW] = std::array::from_fn(|i| block[i] * self.hann[i]);
        let (row, row_power) = self.rows.strongest_clear_tone(&windowed, self.hann_sum)?;
        let (column, column_power) = self
            .columns
            .strongest_clear_tone(&windowed, self.hann_sum)?;
        if row_power < min_power || column_power < min_power {
            return None;
        }
        let twist = db(column_power / row_power);
        if twist > MAX_FORWARD_TWIST_DB || -twist > MAX_REVERSE_TWIST_DB {
            return None;
        }
        let tones = row_power + column_power;
        if tones < MIN_TONE_SHARE * total {
            return None;
        }
        // Harmonics through the plain (rectangular) window: its narrower main lobe keeps a
        // 1.5%-deviated column tone out of the row tone's second harmonic (1394 vs 1356 Hz).
        let harmonics =
            self.rows.harmonic[row].power(block) + self.columns.harmonic[column].power(block);
        if db(tones / harmonics.max(f32::MIN_POSITIVE)) < MIN_HARMONIC_MARGIN_DB {
            return None;
        }
        DtmfDigit::from_keypad_position(row, column)
    }

    /// Runs the timing state machine on one window's verdict.
    fn advance(&mut self, hit: Option<DtmfDigit>) {
        let window_end = self.samples_seen;
        match self.state {
            State::Idle { candidate } => {
                self.state = State::Idle {
                    candidate: match (hit, candidate) {
                        (None, _) => None,
                        (Some(d), Some((c, n, first))) if c == d => Some((d, n + 1, first)),
                        (Some(d), _) => Some((d, 1, window_end)),
                    },
                };
                if let State::Idle {
                    candidate: Some((digit, hits, first_end)),
                } = self.state
                {
                    if hits >= HITS_TO_START {
                        self.state = State::Active {
                            digit,
                            // The first qualifying window was about three quarters tone.
                            start: first_end.saturating_sub(WINDOW as u64 * 3 / 4),
                            last_hit_end: window_end,
                            misses: 0,
                        };
                    }
                }
            }
            State::Active {
                digit,
                start,
                last_hit_end,
                misses,
            } => {
                if hit == Some(digit) {
                    self.state = State::Active {
                        digit,
                        start,
                        last_hit_end: window_end,
                        misses: 0,
                    };
                } else if misses + 1 >= MISSES_TO_END {
                    self.end_digit();
                } else {
                    self.state = State::Active {
                        digit,
                        start,
                        last_hit_end,
                        misses: misses + 1,
                    };
                }
            }
        }
    }

    fn end_digit(&mut self) {
        if let State::Active {
            digit,
            start,
            last_hit_end,
            ..
        } = self.state
        {
            // The last qualifying window was about three quarters tone, too.
            let end = last_hit_end.saturating_sub(WINDOW as u64 / 4);
            let samples = end.saturating_sub(start);
            self.digits.push_back(DetectedDigit {
                digit,
                start_sample: start,
                duration: Duration::from_micros(
                    samples.saturating_mul(1_000_000) / u64::from(SAMPLE_RATE),
                ),
            });
        }
        self.state = State::Idle { candidate: None };
    }
}
