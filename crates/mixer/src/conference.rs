//! One meeting's mixer: participants in, one tick of packets out.

use std::collections::VecDeque;
use std::fmt::Debug;
use std::hash::Hash;
use std::time::Instant;

use dialbridge_media::codec::{CodecError, Encoder, Frame, FRAME_SAMPLES};
use rustc_hash::FxHashMap;

use crate::config::MixerConfig;
use crate::level::{frame_power, smooth};
use crate::limiter::limit_into;
use crate::output::{AddError, CodecKey, MixerEvent, OutgoingPacket, UnknownParticipant};
use crate::payload_arena::PayloadArena;
use crate::schedule::{packet_samples, ptime_supported, History, MAX_PTIME_MS};
use crate::speakers::{Change, SpeakerSelector, Voice};
use crate::streams::{Group, OwnAudio, OwnStream, TickSink};

/// Makes encoders for the conference: one per distinct [`CodecKey`] for the shared mix, and
/// one per participant for its own mix while it speaks. Any
/// `FnMut(CodecKey) -> Result<Box<dyn Encoder>, CodecError> + Send` closure is one.
pub trait EncoderFactory: Send {
    fn make(&mut self, codec: CodecKey) -> Result<Box<dyn Encoder>, CodecError>;
}

impl<F> EncoderFactory for F
where
    F: FnMut(CodecKey) -> Result<Box<dyn Encoder>, CodecError> + Send,
{
    fn make(&mut self, codec: CodecKey) -> Result<Box<dyn Encoder>, CodecError> {
        self(codec)
    }
}

struct Participant<P> {
    id: P,
    group: usize,
    muted: bool,
    in_lobby: bool,
    /// This tick's decoded audio, valid while `fed`.
    input: Frame,
    fed: bool,
    own: OwnStream,
}

impl<P> Participant<P> {
    fn in_mix(&self) -> bool {
        !self.in_lobby
    }

    fn may_be_heard(&self) -> bool {
        !self.in_lobby && !self.muted
    }
}

/// One meeting's mixer (sans-IO). Feed it every 20 ms with [`Conference::tick`]; it picks the
/// active speakers, mixes, encodes and hands back one payload per participant whose packet
/// is complete. See the crate documentation for the whole cycle.
pub struct Conference<P> {
    config: MixerConfig,
    selector: SpeakerSelector,
    factory: Box<dyn EncoderFactory>,
    index: FxHashMap<P, usize>,
    participants: Vec<Participant<P>>,
    /// Beside `participants`, same order: what the speaker selection scans every tick.
    voices: Vec<Voice>,
    groups: Vec<Group>,
    shared: History,
    /// Samples mixed since the conference was made.
    clock: u64,
    /// The clock at the end of the last tick in which anyone was heard.
    audible_until: Option<u64>,
    /// Nothing was fed last tick, nobody is active and every level is zero.
    quiet: bool,
    arena: PayloadArena,
    encoded: Vec<u8>,
    changes: Vec<Change>,
    outgoing: Vec<OutgoingPacket<P>>,
    events: VecDeque<MixerEvent<P>>,
}

impl<P> Conference<P>
where
    P: Copy + Eq + Hash + Debug,
{
    pub fn new(config: MixerConfig, factory: impl EncoderFactory + 'static) -> Self {
        Conference {
            selector: SpeakerSelector::new(&config),
            config,
            factory: Box::new(factory),
            index: FxHashMap::default(),
            participants: Vec::new(),
            voices: Vec::new(),
            groups: Vec::new(),
            shared: History::new(),
            clock: 0,
            audible_until: None,
            quiet: true,
            arena: PayloadArena::new(),
            encoded: Vec::new(),
            changes: Vec::new(),
            outgoing: Vec::new(),
            events: VecDeque::new(),
        }
    }

    pub fn config(&self) -> &MixerConfig {
        &self.config
    }

    /// Adds a participant who hears the mix from the next tick on, and may be heard once
    /// it talks. Makes its encoders now (never during a tick).
    pub fn add(&mut self, id: P, codec: CodecKey) -> Result<(), AddError> {
        if self.index.contains_key(&id) {
            return Err(AddError::AlreadyPresent);
        }
        if !ptime_supported(codec.ptime_ms) {
            return Err(AddError::UnsupportedPtime(codec.ptime_ms));
        }
        let own_encoder = self.make_encoder(codec)?;
        let group = match self.groups.iter().position(|g| g.codec == codec) {
            Some(group) => group,
            None => {
                let encoder = self.make_encoder(codec)?;
                self.groups.push(Group::new(codec, encoder));
                self.groups.len() - 1
            }
        };
        self.index.insert(id, self.participants.len());
        self.participants.push(Participant {
            id,
            group,
            muted: false,
            in_lobby: false,
            input: [0; FRAME_SAMPLES],
            fed: false,
            own: OwnStream::new(own_encoder),
        });
        self.voices.push(Voice {
            eligible: true,
            ..Voice::default()
        });
        Ok(())
    }

    fn make_encoder(&mut self, codec: CodecKey) -> Result<Box<dyn Encoder>, AddError> {
        let encoder = self
            .factory
            .make(codec)
            .map_err(|error| AddError::Encoder { codec, error })?;
        let made = CodecKey {
            kind: encoder.kind(),
            ptime_ms: encoder.ptime_ms(),
        };
        if made != codec {
            return Err(AddError::EncoderMismatch { asked: codec, made });
        }
        Ok(encoder)
    }

    /// Removes a participant; if it was speaking, a `TalkingStopped` event follows.
    pub fn remove(&mut self, id: P) -> Result<(), UnknownParticipant> {
        let index = self.index.remove(&id).ok_or(UnknownParticipant)?;
        if self.voices[index].is_active() {
            self.events.push_back(MixerEvent::TalkingStopped(id));
        }
        self.participants.swap_remove(index);
        self.voices.swap_remove(index);
        if let Some(moved) = self.participants.get(index) {
            self.index.insert(moved.id, index);
        }
        Ok(())
    }

    /// Muted participants still hear the mix but are never heard nor counted as speakers
    /// (listen-only callers are muted participants).
    pub fn set_muted(&mut self, id: P, muted: bool) -> Result<(), UnknownParticipant> {
        let index = self.position(id)?;
        self.participants[index].muted = muted;
        self.refresh_eligibility(index);
        Ok(())
    }

    /// Participants in the lobby (or on hold) are outside the mix: neither heard nor sent
    /// the mix (the caller plays them music). They keep their place and codec.
    pub fn set_in_lobby(&mut self, id: P, in_lobby: bool) -> Result<(), UnknownParticipant> {
        let index = self.position(id)?;
        let participant = &mut self.participants[index];
        participant.in_lobby = in_lobby;
        if in_lobby {
            participant.own.close();
        }
        self.refresh_eligibility(index);
        Ok(())
    }

    fn refresh_eligibility(&mut self, index: usize) {
        let participant = &self.participants[index];
        let voice = &mut self.voices[index];
        voice.eligible = participant.may_be_heard();
        if !voice.eligible {
            voice.level = 0.0;
            if voice.active_since_loud.take().is_some() {
                self.events
                    .push_back(MixerEvent::TalkingStopped(participant.id));
            }
        }
    }

    fn position(&self, id: P) -> Result<usize, UnknownParticipant> {
        self.index.get(&id).copied().ok_or(UnknownParticipant)
    }

    pub fn contains(&self, id: P) -> bool {
        self.index.contains_key(&id)
    }

    pub fn len(&self) -> usize {
        self.participants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.participants.is_empty()
    }

    /// The active speakers right now.
    pub fn speakers(&self) -> impl Iterator<Item = P> + '_ {
        self.voices
            .iter()
            .zip(&self.participants)
            .filter(|(voice, _)| voice.is_active())
            .map(|(_, participant)| participant.id)
    }

    /// True when ticking would neither send anything nor change any state, so the worker
    /// may stop ticking this conference until new audio arrives for it: nobody is in the
    /// mix, or (with `send_silence` off) nothing was heard, fed or is still being sent.
    pub fn is_idle(&self) -> bool {
        let nobody_listens = self.participants.iter().all(|p| !p.in_mix());
        nobody_listens
            || (!self.config.send_silence
                && self.quiet
                && self
                    .audible_until
                    .is_none_or(|until| self.clock >= until + packet_samples(MAX_PTIME_MS) as u64)
                && self.participants.iter().all(|p| !p.own.is_open()))
    }

    /// Takes the next event (speaker changes, encode failures).
    pub fn poll_event(&mut self) -> Option<MixerEvent<P>> {
        self.events.pop_front()
    }

    /// Mixes one 20 ms tick. `inputs` gives this tick's decoded audio of the participants
    /// that have some; the others count as silent. Unknown, muted and lobby participants'
    /// audio is ignored, as is a second frame for the same participant.
    ///
    /// Returns the packets to send now, in participant order (a participant at 10 ms gets
    /// two, to be sent 10 ms apart; at 40 ms, one every other tick). Events are queued
    /// for [`Conference::poll_event`].
    pub fn tick<'f>(
        &mut self,
        now: Instant,
        inputs: impl IntoIterator<Item = (P, &'f Frame)>,
    ) -> Outgoing<'_, P> {
        let fed_any = self.take_inputs(inputs);
        if fed_any || !self.quiet {
            self.update_speakers(now, fed_any);
        }
        let sums = self.mix_shared();
        self.send(&sums);
        Outgoing {
            packets: self.outgoing.drain(..),
        }
    }

    /// Levels, speaker selection and its events. Skipped while quiet: nothing to update.
    fn update_speakers(&mut self, now: Instant, fed_any: bool) {
        for (participant, voice) in self.participants.iter().zip(&mut self.voices) {
            if !participant.fed && voice.level > 0.0 {
                voice.level = smooth(voice.level, 0.0);
            }
        }
        self.selector
            .update(now, &mut self.voices, &mut self.changes);
        for change in self.changes.drain(..) {
            self.events.push_back(match change {
                Change::Started(i) => MixerEvent::TalkingStarted(self.participants[i].id),
                Change::Stopped(i) => MixerEvent::TalkingStopped(self.participants[i].id),
            });
        }
        self.quiet = !fed_any
            && self.selector.active().is_empty()
            && self.voices.iter().all(|v| v.level == 0.0);
    }

    /// Sums the active speakers' frames, appends the limited sum to the shared mix and
    /// returns the sum (each speaker's own mix is computed from it).
    fn mix_shared(&mut self) -> [i32; FRAME_SAMPLES] {
        let mut sums = [0i32; FRAME_SAMPLES];
        let speakers = if self.quiet {
            &[][..]
        } else {
            self.selector.active()
        };
        for &speaker in speakers {
            let participant = &self.participants[speaker];
            if participant.fed {
                for (sum, &sample) in sums.iter_mut().zip(&participant.input) {
                    *sum += sample as i32;
                }
            }
        }
        limit_into(&sums, self.shared.advance());
        if !speakers.is_empty() {
            self.audible_until = Some(self.clock + FRAME_SAMPLES as u64);
        }
        sums
    }

    /// Advances the clock and queues the packets completing in this tick.
    fn send(&mut self, sums: &[i32; FRAME_SAMPLES]) {
        let clock_before = self.clock;
        self.clock += FRAME_SAMPLES as u64;
        self.arena.begin_tick();
        for group in &mut self.groups {
            group.begin_tick(clock_before);
        }
        let mut sink = TickSink {
            clock_after: self.clock,
            shared_mix: &self.shared,
            audible_until: self.audible_until,
            send_silence: self.config.send_silence,
            scratch: &mut self.encoded,
            arena: &mut self.arena,
            packets: &mut self.outgoing,
            events: &mut self.events,
        };
        for (participant, voice) in self.participants.iter_mut().zip(&self.voices) {
            let fed = std::mem::replace(&mut participant.fed, false);
            if !participant.in_mix() {
                continue;
            }
            let group = &mut self.groups[participant.group];
            if voice.is_active() && !self.quiet {
                let own = fed.then_some(&participant.input);
                let audio = OwnAudio::AllBut { sums, own };
                participant
                    .own
                    .serve(participant.id, audio, group, &mut sink);
            } else if participant.own.is_open() {
                participant
                    .own
                    .serve(participant.id, OwnAudio::SharedMix, group, &mut sink);
            } else {
                group.serve(participant.id, &mut sink);
            }
        }
        for group in &mut self.groups {
            group.end_tick();
        }
    }

    /// Copies this tick's frames in and measures them; true if any was taken.
    fn take_inputs<'f>(&mut self, inputs: impl IntoIterator<Item = (P, &'f Frame)>) -> bool {
        let mut fed_any = false;
        for (id, frame) in inputs {
            let Some(&index) = self.index.get(&id) else {
                continue;
            };
            let participant = &mut self.participants[index];
            if participant.fed || !participant.may_be_heard() {
                continue;
            }
            participant.input = *frame;
            participant.fed = true;
            let voice = &mut self.voices[index];
            voice.level = smooth(voice.level, frame_power(frame));
            fed_any = true;
        }
        fed_any
    }
}

/// The packets of one tick, to send in order. Dropping it early discards the rest.
pub struct Outgoing<'a, P> {
    packets: std::vec::Drain<'a, OutgoingPacket<P>>,
}

impl<P> Iterator for Outgoing<'_, P> {
    type Item = OutgoingPacket<P>;

    fn next(&mut self) -> Option<Self::Item> {
        self.packets.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.packets.size_hint()
    }
}

impl<P> ExactSizeIterator for Outgoing<'_, P> {}
