//! The media engine's IO shell: a fixed set of worker threads, one per core, each owning
//! whole calls and whole conferences, so mixing needs no locks (DESIGN.md, the media
//! path). The control plane (call control, IVR, meeting rules) talks to the workers with
//! commands and hears back through events; nothing here decides what a caller hears.

mod call_media;
mod commands;
mod playback;
mod stats;
mod tick;
mod worker;

use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;

use dialbridge_sip::endpoint::CallHandle;
use tokio::sync::mpsc;

pub use commands::{CallMediaSetup, Clip, MediaEvent, StreamParameters, WorkerCommand};
pub use stats::MediaStats;

/// A conference as the media engine knows it: a name unique on this node.
pub type ConferenceKey = String;

/// Where each call and conference lives, and the way to reach the workers.
pub struct MediaEngine {
    workers: Vec<std_mpsc::Sender<WorkerCommand>>,
    call_worker: HashMap<CallHandle, usize>,
    conference_worker: HashMap<ConferenceKey, (usize, usize)>,
    call_conference: HashMap<CallHandle, ConferenceKey>,
    calls_per_worker: Vec<usize>,
}

impl MediaEngine {
    /// Starts `worker_count` worker threads (at least one). Events come out of the
    /// returned receiver, which the SIP event loop reads.
    pub fn start(
        worker_count: usize,
        stats: Arc<MediaStats>,
        music: Clip,
    ) -> std::io::Result<(Self, mpsc::UnboundedReceiver<MediaEvent>)> {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let worker_count = worker_count.max(1);
        let mut senders = Vec::with_capacity(worker_count);
        let mut receivers = Vec::with_capacity(worker_count);
        for _ in 0..worker_count {
            let (tx, rx) = std_mpsc::channel();
            senders.push(tx);
            receivers.push(rx);
        }
        for (index, commands) in receivers.into_iter().enumerate() {
            let worker = worker::Worker::new(
                index,
                commands,
                senders.clone(),
                events_tx.clone(),
                Arc::clone(&stats),
                Arc::clone(&music),
            );
            std::thread::Builder::new()
                .name(format!("media-{index}"))
                .spawn(move || worker.run())?;
        }
        Ok((
            MediaEngine {
                workers: senders,
                call_worker: HashMap::new(),
                conference_worker: HashMap::new(),
                call_conference: HashMap::new(),
                calls_per_worker: vec![0; worker_count],
            },
            events_rx,
        ))
    }

    /// Hands a new call's sockets and negotiated media to the least loaded worker.
    pub fn attach(&mut self, setup: CallMediaSetup) {
        let call = setup.call;
        let worker = self.least_loaded();
        self.call_worker.insert(call, worker);
        self.calls_per_worker[worker] += 1;
        self.send(worker, WorkerCommand::Attach(Box::new(setup)));
    }

    /// Puts the call into a conference's mix, moving it to the worker that owns the
    /// conference first when it lives elsewhere.
    pub fn join_conference(&mut self, call: CallHandle, conference: &str) {
        let Some(&current) = self.call_worker.get(&call) else {
            return;
        };
        if self.call_conference.get(&call).map(String::as_str) == Some(conference) {
            return;
        }
        self.leave_conference(call);
        self.call_conference.insert(call, conference.to_owned());
        let owner = match self.conference_worker.get_mut(conference) {
            Some((owner, members)) => {
                *members += 1;
                *owner
            }
            None => {
                self.conference_worker
                    .insert(conference.to_owned(), (current, 1));
                current
            }
        };
        if owner != current {
            self.calls_per_worker[current] -= 1;
            self.calls_per_worker[owner] += 1;
            self.call_worker.insert(call, owner);
            self.send(
                current,
                WorkerCommand::MoveTo {
                    call,
                    worker: owner,
                    conference: Some(conference.to_owned()),
                },
            );
        } else {
            self.send(
                owner,
                WorkerCommand::JoinConference {
                    call,
                    conference: conference.to_owned(),
                },
            );
        }
    }

    /// Takes the call out of its conference's mix (to the lobby, or before it leaves).
    pub fn leave_conference(&mut self, call: CallHandle) {
        if let Some(conference) = self.call_conference.remove(&call) {
            self.forget_member(&conference);
            self.command(call, WorkerCommand::LeaveConference { call });
        }
    }

    /// Sends a command about one call to the worker that owns it.
    pub fn command(&mut self, call: CallHandle, command: WorkerCommand) {
        if let Some(&worker) = self.call_worker.get(&call) {
            self.send(worker, command);
        }
    }

    /// The call ended: the worker drops its sockets and state.
    pub fn detach(&mut self, call: CallHandle) {
        if let Some(conference) = self.call_conference.remove(&call) {
            self.forget_member(&conference);
        }
        if let Some(worker) = self.call_worker.remove(&call) {
            self.calls_per_worker[worker] -= 1;
            self.send(worker, WorkerCommand::Detach { call });
        }
    }

    fn forget_member(&mut self, conference: &str) {
        if let Some((_, members)) = self.conference_worker.get_mut(conference) {
            *members = members.saturating_sub(1);
            if *members == 0 {
                self.conference_worker.remove(conference);
            }
        }
    }

    fn least_loaded(&self) -> usize {
        self.calls_per_worker
            .iter()
            .enumerate()
            .min_by_key(|(_, calls)| **calls)
            .map_or(0, |(index, _)| index)
    }

    fn send(&self, worker: usize, command: WorkerCommand) {
        if let Some(sender) = self.workers.get(worker) {
            // A worker only stops when the engine is dropped; a failed send means the
            // process is shutting down.
            let _ = sender.send(command);
        }
    }
}

impl Drop for MediaEngine {
    fn drop(&mut self) {
        for worker in &self.workers {
            let _ = worker.send(WorkerCommand::Stop);
        }
    }
}
