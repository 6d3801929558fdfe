//! The two kinds of outgoing stream and how each turns a tick's mix into packets: one shared
//! stream per codec group (encoded once, sent to all its listeners) and one own stream per
//! speaker (the mix without its voice).

use std::collections::VecDeque;

use bytes::Bytes;
use dialbridge_media::codec::{CodecError, Encoder, Frame};

use crate::limiter::{limit_into, soft_limit};
use crate::output::{CodecKey, MixerEvent, OutgoingPacket};
use crate::payload_arena::PayloadArena;
use crate::schedule::{packet_samples, History, PacketEnds};

/// Where one tick's packets and events go, and what they are cut from.
pub struct TickSink<'a, P> {
    pub clock_after: u64,
    pub shared_mix: &'a History,
    /// The clock at the end of the last tick in which anyone was heard.
    pub audible_until: Option<u64>,
    pub send_silence: bool,
    pub scratch: &'a mut Vec<u8>,
    pub arena: &'a mut PayloadArena,
    pub packets: &'a mut Vec<OutgoingPacket<P>>,
    pub events: &'a mut VecDeque<MixerEvent<P>>,
}

impl<P> TickSink<'_, P> {
    fn encode(&mut self, encoder: &mut dyn Encoder, pcm: &[i16]) -> Result<Bytes, CodecError> {
        self.scratch.clear();
        encoder.encode(pcm, self.scratch)?;
        Ok(self.arena.store(self.scratch))
    }
}

/// The listeners of one [`CodecKey`]: one encoder, one encode per packet, whatever their
/// number.
pub struct Group {
    pub codec: CodecKey,
    packet_samples: usize,
    encoder: Box<dyn Encoder>,
    /// Packets completing this tick and, once a listener needed them, their payloads.
    ends: PacketEnds,
    payloads: [Encoded; 2],
}

#[derive(Clone, Default)]
enum Encoded {
    #[default]
    NotYet,
    Ready(Bytes),
    Failed,
}

impl Group {
    pub fn new(codec: CodecKey, encoder: Box<dyn Encoder>) -> Self {
        Group {
            codec,
            packet_samples: packet_samples(codec.ptime_ms),
            encoder,
            ends: PacketEnds::default(),
            payloads: Default::default(),
        }
    }

    pub fn begin_tick(&mut self, clock_before: u64) {
        self.ends = PacketEnds::within_tick(clock_before, self.packet_samples);
        self.payloads = Default::default();
    }

    /// Drops this tick's payloads, so that once the caller drops its packets too the
    /// payload buffer is free for the next tick.
    pub fn end_tick(&mut self) {
        self.payloads = Default::default();
    }

    /// Sends a listener the shared mix packets completing now, encoding each on first need.
    pub fn serve<P: Copy>(&mut self, listener: P, sink: &mut TickSink<'_, P>) {
        for (slot, &end) in self.ends.as_slice().iter().enumerate() {
            let start = end - self.packet_samples as u64;
            let silent = sink.audible_until.is_none_or(|until| start >= until);
            if silent && !sink.send_silence {
                continue;
            }
            if let Encoded::NotYet = self.payloads[slot] {
                let pcm = sink
                    .shared_mix
                    .packet(sink.clock_after, end, self.packet_samples);
                self.payloads[slot] = match sink.encode(self.encoder.as_mut(), pcm) {
                    Ok(payload) => Encoded::Ready(payload),
                    Err(error) => {
                        sink.events.push_back(MixerEvent::EncodeFailed {
                            codec: self.codec,
                            participant: None,
                            error,
                        });
                        Encoded::Failed
                    }
                };
            }
            if let Encoded::Ready(payload) = &self.payloads[slot] {
                sink.packets.push(OutgoingPacket {
                    participant: listener,
                    payload: payload.clone(),
                });
            }
        }
    }
}

/// What a participant with an own stream hears this tick.
pub enum OwnAudio<'a> {
    /// It is speaking: the speakers' sum less its own frame (if it sent one).
    AllBut {
        sums: &'a [i32],
        own: Option<&'a Frame>,
    },
    /// It has stopped: the shared mix, until its packet under way is complete.
    SharedMix,
}

/// A participant's own stream: the mix without its voice, used from the packet in which it
/// starts speaking until the packet boundary after it stops, so no packet mixes the two
/// streams' encoders and none carries its own voice.
pub struct OwnStream {
    encoder: Box<dyn Encoder>,
    history: History,
    open: bool,
}

impl OwnStream {
    pub fn new(encoder: Box<dyn Encoder>) -> Self {
        OwnStream {
            encoder,
            history: History::new(),
            open: false,
        }
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn close(&mut self) {
        self.open = false;
    }

    /// Adds this tick's audio and sends the packets of `group`'s packet time completing now.
    pub fn serve<P: Copy>(
        &mut self,
        participant: P,
        audio: OwnAudio<'_>,
        group: &Group,
        sink: &mut TickSink<'_, P>,
    ) {
        let newest = if self.open {
            self.history.advance()
        } else {
            // The packet under way so far carried the shared mix: continue it.
            self.history.copy_from(sink.shared_mix);
            self.open = true;
            self.history.newest_mut()
        };
        let speaking = matches!(audio, OwnAudio::AllBut { .. });
        match audio {
            OwnAudio::AllBut {
                sums,
                own: Some(own),
            } => {
                for ((out, &sum), &mine) in newest.iter_mut().zip(sums).zip(own) {
                    *out = soft_limit(sum - mine as i32);
                }
            }
            OwnAudio::AllBut { sums, own: None } => limit_into(sums, newest),
            OwnAudio::SharedMix => newest.copy_from_slice(sink.shared_mix.newest()),
        }
        for &end in group.ends.as_slice() {
            let pcm = self
                .history
                .packet(sink.clock_after, end, group.packet_samples);
            match sink.encode(self.encoder.as_mut(), pcm) {
                Ok(payload) => sink.packets.push(OutgoingPacket {
                    participant,
                    payload,
                }),
                Err(error) => sink.events.push_back(MixerEvent::EncodeFailed {
                    codec: group.codec,
                    participant: Some(participant),
                    error,
                }),
            }
        }
        if !speaking && sink.clock_after % group.packet_samples as u64 == 0 {
            self.open = false;
        }
    }
}
