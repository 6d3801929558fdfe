//! One media worker thread. It owns its calls and conferences outright; commands arrive
//! on a channel and are applied between ticks, so joining or leaving never waits on a
//! tick in progress. With no calls the thread sleeps on the channel and costs nothing.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

use dialbridge_media::codec::new_encoder;
use dialbridge_mixer::{CodecKey, Conference, MixerConfig, MixerEvent};
use dialbridge_sip::endpoint::CallHandle;
use tokio::sync::mpsc::UnboundedSender;

use super::call_media::{packet_buffer, CallMedia};
use super::commands::{Clip, MediaEvent, WorkerCommand};
use super::stats::MediaStats;
use super::tick::TickClock;

/// Commands for a call that is on its way from another worker are kept this many ticks.
const ORPHAN_TICKS: u32 = 50;

struct WorkerConference {
    mixer: Conference<CallHandle>,
    members: Vec<CallHandle>,
}

pub struct Worker {
    index: usize,
    commands: Receiver<WorkerCommand>,
    peers: Vec<Sender<WorkerCommand>>,
    events: UnboundedSender<MediaEvent>,
    stats: Arc<MediaStats>,
    music: Clip,
    calls: HashMap<CallHandle, CallMedia>,
    conferences: HashMap<String, WorkerConference>,
    /// Commands that arrived before the call they concern (it is moving here).
    orphans: HashMap<CallHandle, (u32, Vec<WorkerCommand>)>,
    clock: Option<TickClock>,
    buffer: Vec<u8>,
    out: Vec<MediaEvent>,
}

enum Flow {
    Continue,
    Stop,
}

impl Worker {
    pub fn new(
        index: usize,
        commands: Receiver<WorkerCommand>,
        peers: Vec<Sender<WorkerCommand>>,
        events: UnboundedSender<MediaEvent>,
        stats: Arc<MediaStats>,
        music: Clip,
    ) -> Self {
        Worker {
            index,
            commands,
            peers,
            events,
            stats,
            music,
            calls: HashMap::new(),
            conferences: HashMap::new(),
            orphans: HashMap::new(),
            clock: None,
            buffer: packet_buffer(),
            out: Vec::new(),
        }
    }

    pub fn run(mut self) {
        loop {
            let command = match &self.clock {
                // Idle: sleep until there is work.
                None => match self.commands.recv() {
                    Ok(command) => Some(command),
                    Err(_) => return,
                },
                Some(clock) => {
                    let wait = clock.deadline().saturating_duration_since(Instant::now());
                    match self.commands.recv_timeout(wait) {
                        Ok(command) => Some(command),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            };
            if let Some(command) = command {
                if let Flow::Stop = self.apply(command) {
                    return;
                }
                continue;
            }
            self.tick(Instant::now());
        }
    }

    fn apply(&mut self, command: WorkerCommand) -> Flow {
        let now = Instant::now();
        match command {
            WorkerCommand::Attach(setup) => {
                let call = setup.call;
                match CallMedia::new(*setup, now) {
                    Ok(media) => self.adopt(media),
                    Err(error) => {
                        tracing::warn!(%call, %error, "cannot set up the call's codec");
                    }
                }
            }
            WorkerCommand::Adopt(media) => self.adopt(*media),
            WorkerCommand::MoveTo {
                call,
                worker,
                conference,
            } => {
                self.leave_conference(call);
                if let (Some(mut media), Some(peer)) =
                    (self.calls.remove(&call), self.peers.get(worker))
                {
                    tracing::debug!(%call, from = self.index, to = worker, "call moves to its conference's worker");
                    media.conference = conference;
                    let _ = peer.send(WorkerCommand::Adopt(Box::new(media)));
                }
                self.sleep_if_idle();
            }
            WorkerCommand::Detach { call } => {
                self.leave_conference(call);
                self.calls.remove(&call);
                self.orphans.remove(&call);
                self.sleep_if_idle();
            }
            WorkerCommand::Stop => return Flow::Stop,
            command => {
                let Some(call) = command.call() else {
                    return Flow::Continue;
                };
                if self.calls.contains_key(&call) {
                    self.apply_to_call(call, command);
                } else {
                    self.orphans
                        .entry(call)
                        .or_insert_with(|| (0, Vec::new()))
                        .1
                        .push(command);
                }
            }
        }
        Flow::Continue
    }

    fn apply_to_call(&mut self, call: CallHandle, command: WorkerCommand) {
        match command {
            WorkerCommand::JoinConference { conference, .. } => {
                self.leave_conference(call);
                self.join_conference(call, conference);
            }
            WorkerCommand::LeaveConference { .. } => self.leave_conference(call),
            WorkerCommand::SetMuted { muted, .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.muted = muted;
                    if let Some(conference) = media
                        .conference
                        .as_ref()
                        .and_then(|key| self.conferences.get_mut(key))
                    {
                        let _ = conference.mixer.set_muted(call, muted);
                    }
                }
            }
            WorkerCommand::UpdateStream { media: stream, .. } => {
                let codec = CodecKey {
                    kind: stream.codec,
                    ptime_ms: stream.ptime_ms,
                };
                let Some(media) = self.calls.get_mut(&call) else {
                    return;
                };
                if let Err(error) = media.update_stream(stream) {
                    tracing::warn!(%call, %error, "cannot switch the call's codec");
                    return;
                }
                // The mixer serves the call by codec and packet time: re-add it.
                if let Some(key) = media.conference.clone() {
                    let muted = media.muted;
                    if let Some(conference) = self.conferences.get_mut(&key) {
                        let _ = conference.mixer.remove(call);
                        if conference.mixer.add(call, codec).is_ok() {
                            let _ = conference.mixer.set_muted(call, muted);
                        }
                    }
                }
            }
            WorkerCommand::Play { clips, request, .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.playback.queue(clips, request);
                }
            }
            WorkerCommand::StopPlayback { .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.playback.stop();
                }
            }
            WorkerCommand::Music { on, .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.music = on;
                }
            }
            WorkerCommand::Record { max_ms, .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.start_recording(max_ms);
                }
            }
            WorkerCommand::StopRecording { .. } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.finish_recording(&mut self.out);
                }
                self.flush_events();
            }
            WorkerCommand::Attach(_)
            | WorkerCommand::Adopt(_)
            | WorkerCommand::MoveTo { .. }
            | WorkerCommand::Detach { .. }
            | WorkerCommand::Stop => {}
        }
    }

    fn adopt(&mut self, media: CallMedia) {
        let call = media.call;
        let conference = media.conference.clone();
        let mut media = media;
        media.conference = None;
        self.calls.insert(call, media);
        if let Some(conference) = conference {
            self.join_conference(call, conference);
        }
        if let Some((_, commands)) = self.orphans.remove(&call) {
            for command in commands {
                self.apply_to_call(call, command);
            }
        }
        if self.clock.is_none() {
            self.clock = Some(TickClock::starting_at(Instant::now()));
        }
    }

    fn join_conference(&mut self, call: CallHandle, key: String) {
        let Some(media) = self.calls.get_mut(&call) else {
            return;
        };
        let codec = CodecKey {
            kind: media.stream().codec,
            ptime_ms: media.stream().ptime_ms,
        };
        let conference = self
            .conferences
            .entry(key.clone())
            .or_insert_with(|| WorkerConference {
                mixer: Conference::new(MixerConfig::default(), |codec: CodecKey| {
                    new_encoder(codec.kind, codec.ptime_ms)
                }),
                members: Vec::new(),
            });
        match conference.mixer.add(call, codec) {
            Ok(()) => {
                let _ = conference.mixer.set_muted(call, media.muted);
                conference.members.push(call);
                media.conference = Some(key);
            }
            Err(error) => tracing::warn!(%call, %error, "cannot add the call to the mix"),
        }
    }

    fn leave_conference(&mut self, call: CallHandle) {
        let Some(media) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(key) = media.conference.take() else {
            return;
        };
        if let Some(conference) = self.conferences.get_mut(&key) {
            let _ = conference.mixer.remove(call);
            conference.members.retain(|member| *member != call);
            while let Some(event) = conference.mixer.poll_event() {
                if let MixerEvent::TalkingStopped(call) = event {
                    self.out.push(MediaEvent::Talking {
                        call,
                        talking: false,
                    });
                }
            }
            if conference.members.is_empty() {
                self.conferences.remove(&key);
            }
        }
    }

    fn sleep_if_idle(&mut self) {
        if self.calls.is_empty() {
            self.clock = None;
        }
    }

    fn tick(&mut self, now: Instant) {
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        let timing = clock.advance(now);
        MediaStats::add(&self.stats.ticks, 1);
        if timing.late {
            MediaStats::add(&self.stats.late_ticks, 1);
        }
        let stats = &*self.stats;
        for media in self.calls.values_mut() {
            media.receive(now, stats, &mut self.buffer, &mut self.out);
            media.pull(now, stats, &mut self.out);
        }
        for conference in self.conferences.values_mut() {
            let calls = &self.calls;
            let inputs = conference
                .members
                .iter()
                .filter_map(|member| calls.get(member).map(|media| (*member, &media.frame)));
            // The frames are only borrowed for the tick: the packets borrow the mixer alone,
            // so they go out as they come, with no list in between.
            for packet in conference.mixer.tick(now, inputs) {
                if let Some(media) = self.calls.get_mut(&packet.participant) {
                    if !media.hears_own_stream() {
                        media.send_mixed(&packet.payload, now, stats, &mut self.buffer);
                    }
                }
            }
            while let Some(event) = conference.mixer.poll_event() {
                match event {
                    MixerEvent::TalkingStarted(call) => self.out.push(MediaEvent::Talking {
                        call,
                        talking: true,
                    }),
                    MixerEvent::TalkingStopped(call) => self.out.push(MediaEvent::Talking {
                        call,
                        talking: false,
                    }),
                    MixerEvent::EncodeFailed { codec, error, .. } => {
                        tracing::warn!(?codec, %error, "mix encode failed");
                    }
                }
            }
        }
        for media in self.calls.values_mut() {
            if media.hears_own_stream() {
                media.send_own_stream(now, &self.music, stats, &mut self.buffer, &mut self.out);
            }
            media.send_rtcp(now, &mut self.buffer);
        }
        self.orphans.retain(|_, (age, _)| {
            *age += 1;
            *age < ORPHAN_TICKS
        });
        self.flush_events();
    }

    fn flush_events(&mut self) {
        for event in self.out.drain(..) {
            let _ = self.events.send(event);
        }
    }
}
