//! One media worker thread. It owns its calls and conferences outright; commands arrive
//! on a channel and are applied between ticks, so joining or leaving never waits on a
//! tick in progress. With no calls the thread sleeps on the channel and costs nothing.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

use dialbridge_sip::endpoint::CallHandle;
use tokio::sync::mpsc::UnboundedSender;

use super::call_media::{receive_buffer, CallMedia};
use super::commands::{MediaEvent, WorkerCommand};
use super::stats::MediaStats;
use super::tick::TickClock;

pub struct Worker {
    index: usize,
    commands: Receiver<WorkerCommand>,
    peers: Vec<Sender<WorkerCommand>>,
    #[allow(dead_code)]
    events: UnboundedSender<MediaEvent>,
    stats: Arc<MediaStats>,
    calls: HashMap<CallHandle, CallMedia>,
    clock: Option<TickClock>,
    buffer: Vec<u8>,
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
    ) -> Self {
        Worker {
            index,
            commands,
            peers,
            events,
            stats,
            calls: HashMap::new(),
            clock: None,
            buffer: receive_buffer(),
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
        match command {
            WorkerCommand::Attach(setup) => {
                let media = CallMedia::new(*setup);
                self.adopt(media);
            }
            WorkerCommand::Adopt(media) => self.adopt(*media),
            WorkerCommand::MoveTo { call, worker } => {
                if let (Some(media), Some(peer)) =
                    (self.calls.remove(&call), self.peers.get(worker))
                {
                    tracing::debug!(%call, from = self.index, to = worker, "call moves to its conference's worker");
                    let _ = peer.send(WorkerCommand::Adopt(Box::new(media)));
                }
            }
            WorkerCommand::JoinConference { call, conference } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.conference = Some(conference);
                }
            }
            WorkerCommand::LeaveConference { call } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.conference = None;
                }
            }
            WorkerCommand::SetMuted { call, muted } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.muted = muted;
                }
            }
            WorkerCommand::UpdateStream {
                call,
                media: stream,
            } => {
                if let Some(media) = self.calls.get_mut(&call) {
                    media.update_stream(stream);
                }
            }
            WorkerCommand::Play { .. }
            | WorkerCommand::StopPlayback { .. }
            | WorkerCommand::Music { .. }
            | WorkerCommand::Record { .. }
            | WorkerCommand::StopRecording { .. } => {}
            WorkerCommand::Detach { call } => {
                self.calls.remove(&call);
                if self.calls.is_empty() {
                    self.clock = None;
                }
            }
            WorkerCommand::Stop => return Flow::Stop,
        }
        Flow::Continue
    }

    fn adopt(&mut self, media: CallMedia) {
        self.calls.insert(media.call, media);
        if self.clock.is_none() {
            self.clock = Some(TickClock::starting_at(Instant::now()));
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
        for media in self.calls.values_mut() {
            media.receive(now, &self.stats, &mut self.buffer);
        }
    }
}
