//! The SIP endpoint: a user agent core for calls in both directions, with no IO.
//!
//! ```text
//!             datagrams, stream bytes, time     commands (accept, reject, start_call, hangup …)
//!                      │                                          │
//!                      ▼                                          ▼
//!   ┌──────────────────────────── Endpoint ────────────────────────────────┐
//!   │ parse → validate → server transactions → calls/dialogs → client txns │
//!   └──────────────────────────────────────────────────────────────────────┘
//!          │ poll_transmit()        │ poll_event()           │ poll_timeout()
//!          ▼                        ▼                        ▼
//!     bytes to send     IncomingCall, CallAnswered …  when to call handle_timeout
//! ```
//!
//! The shell feeds what arrives with `handle_datagram` / `handle_stream_data`, calls
//! `handle_timeout` when `poll_timeout` says so, and drains `poll_transmit`,
//! `poll_event` and `poll_close` after each input. Every input takes `now`; nothing
//! here reads a clock, so hours of call time are tested in microseconds.
//!
//! The shell runs `poll_timeout` on every loop turn and the endpoint may hold tens of
//! thousands of transactions (a flood of refused INVITEs lingers 64·T1 each), so nothing
//! per input or per wake-up visits them all: deadlines live in min-heaps (`timers`),
//! `handle_timeout` pops only what is due, and after an input only the transactions and
//! calls it touched are drained and rescheduled (`collect`).
//!
//! Calls they place arrive as `Event::IncomingCall` (`incoming`, answered with the
//! commands in `commands`); calls we place start with `Endpoint::start_call` (`outgoing`).
//! Once answered, both are the same kind of call: one dialog, BYE, re-INVITE, UPDATE and
//! session timers work alike whichever side sent the first INVITE.

mod build;
mod call;
mod call_table;
mod client;
mod commands;
mod incoming;
mod outgoing;
mod registrations;
mod responses;
mod routing;
mod server;
mod source_policy;
mod timers;
mod types;

#[cfg(test)]
mod tests;

pub use registrations::RegistrationHandle;
pub use source_policy::SourcePolicy;
pub use types::{
    CallEndReason, CallHandle, CommandError, ConnectionId, DigestAccount, EndpointConfig, Event,
    IncomingCall, OutgoingCall, Peer, ReofferMethod, Transmit, Transport,
};

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::dialog::session_timer::SessionTimerAction;
use crate::dialog::DialogId;
use crate::message::{parse_message, Message, StreamFramer};
use crate::transaction::TransportKind;

use call_table::Calls;
use client::{ClientOutcome, ClientTransactions};
use outgoing::OutgoingInvite;
use server::{ServerKey, ServerTransactions};
use timers::Timers;

pub struct Endpoint {
    config: EndpointConfig,
    rng: StdRng,
    servers: ServerTransactions,
    clients: ClientTransactions,
    calls: Calls,
    calls_by_dialog: HashMap<DialogId, CallHandle>,
    calls_by_invite: HashMap<ServerKey, CallHandle>,
    /// Calls we placed whose INVITE transaction is still running.
    outgoing: HashMap<CallHandle, OutgoingInvite>,
    /// When each outgoing call whose CANCEL went unanswered is given up (RFC 3261 9.1);
    /// filed by `outgoing_deadline_changed`, dead entries dropped in `collect`.
    outgoing_timers: Timers<CallHandle>,
    framers: HashMap<ConnectionId, StreamFramer>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    closing: VecDeque<ConnectionId>,
    next_call: u64,
    source_filter: source_policy::SourceFilter,
    registrations: HashMap<RegistrationHandle, registrations::RegistrationEntry>,
    registration_events: VecDeque<(RegistrationHandle, crate::registration::RegistrationState)>,
    next_registration: u64,
}

impl Endpoint {
    /// `seed` feeds the generator for tags and branches; give it fresh OS randomness in
    /// production (tags guard dialogs against blind BYEs), a constant in tests.
    pub fn new(config: EndpointConfig, seed: [u8; 32]) -> Self {
        Endpoint {
            config,
            rng: StdRng::from_seed(seed),
            servers: ServerTransactions::default(),
            clients: ClientTransactions::default(),
            calls: Calls::default(),
            calls_by_dialog: HashMap::new(),
            calls_by_invite: HashMap::new(),
            outgoing: HashMap::new(),
            outgoing_timers: Timers::default(),
            framers: HashMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            closing: VecDeque::new(),
            next_call: 1,
            source_filter: Default::default(),
            registrations: HashMap::new(),
            registration_events: VecDeque::new(),
            next_registration: 1,
        }
    }

    pub fn config(&self) -> &EndpointConfig {
        &self.config
    }

    /// A whole UDP datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: std::net::SocketAddr, datagram: Bytes) {
        self.handle_message_bytes(now, Peer::udp(from), datagram);
        self.collect(now);
    }

    /// Bytes read from a stream connection, in any chunking.
    pub fn handle_stream_data(
        &mut self,
        now: Instant,
        connection: ConnectionId,
        from: std::net::SocketAddr,
        data: &[u8],
    ) {
        let max = self.config.max_message_bytes;
        let framer = self
            .framers
            .entry(connection)
            .or_insert_with(|| StreamFramer::new(max));
        framer.push(data);
        let mut messages = Vec::new();
        let mut broken = false;
        while let Some(next) = framer.next_message() {
            match next {
                Ok(message) => messages.push(message),
                Err(error) => {
                    tracing::info!(%from, %error, "closing SIP stream after a framing error");
                    broken = true;
                    break;
                }
            }
        }
        // RFC 5626 4.4.1: each CRLFCRLF keep-alive ping is answered with one CRLF pong,
        // or the client decides the flow is dead and reconnects.
        let pongs = framer.take_pings();
        for _ in 0..pongs {
            self.transmits.push_back(Transmit {
                to: Peer::tcp(from, connection),
                bytes: Bytes::from_static(b"\r\n"),
            });
        }
        for message in messages {
            self.handle_message_bytes(now, Peer::tcp(from, connection), message);
        }
        if broken {
            self.framers.remove(&connection);
            self.closing.push_back(connection);
        }
        self.collect(now);
    }

    /// The shell saw a stream close; forget its framing state.
    pub fn handle_connection_closed(&mut self, connection: ConnectionId) {
        self.framers.remove(&connection);
    }

    /// Fires what is due, and only that: the transactions and calls whose deadline has
    /// come are popped from their heaps; the rest are not visited.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.servers.handle_timeout(now);
        self.clients.handle_timeout(now);
        self.registrations_handle_timeout(now);
        // `outgoing_handle_timeout` looks at every outgoing call: only run it when one of
        // their deadlines has come.
        let mut outgoing_due = false;
        while self.outgoing_timers.pop_due(now).is_some() {
            outgoing_due = true;
        }
        if outgoing_due {
            self.outgoing_handle_timeout(now);
        }
        let mut acks_missing = Vec::new();
        let mut timer_actions = Vec::new();
        for handle in self.calls.take_due(now) {
            let Some(call) = self.calls.get_mut(&handle) else {
                continue;
            };
            if let Some(retransmitter) = call.two_xx.as_mut() {
                retransmitter.handle_timeout(now);
                while let Some(output) = retransmitter.poll_output() {
                    match output {
                        crate::transaction::TwoXxOutput::Transmit(bytes) => {
                            self.transmits.push_back(Transmit {
                                to: call.peer,
                                bytes,
                            })
                        }
                        crate::transaction::TwoXxOutput::AckTimeout => {
                            acks_missing.push(call.handle)
                        }
                    }
                }
            }
            if let Some(action) = call.session_timer.as_ref().and_then(|t| t.poll(now)) {
                timer_actions.push((call.handle, action));
            }
        }
        for handle in acks_missing {
            tracing::info!(call = %handle, "no ACK for our 2xx; ending the call");
            self.end_call_with_bye(now, handle, CallEndReason::AckTimeout);
        }
        for (handle, action) in timer_actions {
            match action {
                SessionTimerAction::SendRefresh => self.send_refresh(now, handle),
                SessionTimerAction::Expire => {
                    tracing::info!(call = %handle, "session timer expired; ending the call");
                    self.end_call_with_bye(now, handle, CallEndReason::SessionExpired);
                }
            }
        }
        self.collect(now);
    }

    /// The earliest moment `handle_timeout` has work to do: the tops of the deadline
    /// heaps, not a scan (the shell asks on every loop turn).
    pub fn poll_timeout(&self) -> Option<Instant> {
        // The heap must agree with the scan it replaces; checked in debug builds only,
        // where the scan's cost does not matter.
        debug_assert_eq!(self.outgoing_timers.next(), self.outgoing_poll_timeout());
        [
            self.servers.poll_timeout(),
            self.clients.poll_timeout(),
            self.calls.poll_timeout(),
            self.outgoing_timers.next(),
            self.registrations_poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Stream connections the shell should close (framing errors, oversized messages).
    pub fn poll_close(&mut self) -> Option<ConnectionId> {
        self.closing.pop_front()
    }

    /// Calls the endpoint is tracking: incoming, answered or confirmed, and outgoing ones
    /// not yet answered or failed.
    pub fn call_count(&self) -> usize {
        let unanswered = self.outgoing.values().filter(|o| o.unsettled()).count();
        self.calls.len() + unanswered
    }

    /// Requests we sent (BYE, refreshes) still waiting for a final answer or a timeout;
    /// a shell that is stopping keeps running until there are none, so its BYEs are
    /// retransmitted like any others.
    pub fn has_outstanding_requests(&self) -> bool {
        self.clients.awaiting_final()
    }

    /// Open transactions, for metrics and leak checks in tests.
    pub fn transaction_count(&self) -> usize {
        self.servers.len() + self.clients.len()
    }

    /// Transactions and calls looked at so far by inputs, timers and `poll_timeout`: the
    /// scale tests count work with it instead of timing it.
    #[cfg(test)]
    fn visited(&self) -> u64 {
        self.servers.visited.get() + self.clients.visited.get() + self.calls.visited.get()
    }

    fn handle_message_bytes(&mut self, now: Instant, source: Peer, bytes: Bytes) {
        match parse_message(bytes.clone()) {
            Ok(Message::Request(request)) => self.handle_request(now, source, request),
            Ok(Message::Response(response)) => self.handle_response(now, source, response),
            Err(error) => self.reply_to_unparseable(source, &bytes, &error),
        }
    }

    /// Moves transaction output into the transmit queue, acts on finished client
    /// transactions and files new deadlines. Only what this input or timer touched is
    /// visited (the dirty sets), so the cost does not grow with the number of live
    /// transactions and calls.
    fn collect(&mut self, now: Instant) {
        let mut outcomes = Vec::new();
        self.servers.drain(&mut self.transmits);
        self.clients.drain(&mut self.transmits, &mut outcomes);
        for outcome in outcomes {
            self.handle_client_outcome(now, outcome);
        }
        // Only a client transaction that ended can leave an outgoing call without its
        // INVITE transaction; otherwise there is nothing to reap.
        if self.clients.take_removed() {
            self.reap_outgoing(now);
        }
        // Acting on outcomes may have started new transactions (a BYE after a failed
        // refresh); their first transmission must not wait for the next input.
        let mut ignored = Vec::new();
        self.servers.drain(&mut self.transmits);
        self.clients.drain(&mut self.transmits, &mut ignored);
        self.calls.reschedule();
        // Outgoing calls settle or go away without telling the heap; drop the deadlines
        // they no longer have from its top, so `poll_timeout` (`&self`) reads a live one.
        let (outgoing, give_up) = (&self.outgoing, self.config.timers.timer_b());
        self.outgoing_timers
            .discard_dead_top(|call, at| outgoing_give_up(outgoing, call, give_up) != Some(at));
    }

    /// Files the give-up deadline of outgoing call `call` after its CANCEL was sent.
    fn outgoing_deadline_changed(&mut self, call: CallHandle) {
        let give_up = self.config.timers.timer_b();
        let at = outgoing_give_up(&self.outgoing, &call, give_up);
        self.outgoing_timers.schedule(&call, at);
    }

    fn handle_client_outcome(&mut self, now: Instant, outcome: ClientOutcome) {
        use client::ClientPurpose;
        let (purpose, status) = match outcome {
            ClientOutcome::Final { purpose, status } => (purpose, Some(status)),
            ClientOutcome::TimedOut { purpose } => (purpose, None),
        };
        let call = match purpose {
            ClientPurpose::Refresh { call, .. } => call,
            ClientPurpose::Invite { call } => {
                // Final responses to our INVITEs are handled as they arrive; only
                // Timer B and transport failures come this way.
                if status.is_none() {
                    self.outgoing_timed_out(call);
                }
                return;
            }
            ClientPurpose::Register { registration } => {
                // Final responses were handed over as they arrived.
                if status.is_none() {
                    self.registration_timed_out(now, registration);
                }
                return;
            }
            ClientPurpose::Bye | ClientPurpose::Cancel => return,
        };
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        state.own_request_in_flight = false;
        match status {
            // RFC 4028 section 10: a refresh that times out or meets 408/481 means the
            // dialog is gone.
            None | Some(408) | Some(481) => {
                self.end_call_with_bye(now, call, CallEndReason::RefreshFailed)
            }
            Some(200..=299) => {
                // The 2xx's Session-Expires was applied as it arrived (refresh_answered:
                // its interval and refresher rule, RFC 4028 7.4); restarting with what
                // the timer now holds repeats it, and keeps a 2xx that reached us some
                // other way a refresh.
                if let Some(timer) = state.session_timer.as_mut() {
                    let (interval, refresher) = (timer.interval, timer.refresher);
                    timer.refreshed(now, interval, refresher);
                }
            }
            Some(status) => {
                // Section 10: only a 2xx refreshes the session. Any other answer leaves
                // the interval running; we try again while time remains and send BYE
                // (SessionExpired) at expiry if no refresh succeeds.
                let retry_in = (status == 491).then(|| {
                    // Glare (RFC 3261 14.1): they have an offer/answer of their own under
                    // way. Retry after a random 2.1 to 4 s, drawn from our generator.
                    std::time::Duration::from_millis(self.rng.gen_range(2100..=4000))
                });
                if let Some(timer) = self
                    .calls
                    .get_mut(&call)
                    .and_then(|c| c.session_timer.as_mut())
                {
                    timer.refresh_failed(now, retry_in);
                }
            }
        }
    }

    fn new_tag(&mut self) -> String {
        self.random_token(12)
    }

    fn new_branch(&mut self) -> String {
        format!("z9hG4bK{}", self.random_token(20))
    }

    fn random_token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.gen_range(0..ALPHABET.len())]))
            .collect()
    }

    fn transport_kind(peer: Peer) -> TransportKind {
        if peer.transport.is_reliable() {
            TransportKind::Reliable
        } else {
            TransportKind::Unreliable
        }
    }
}

/// When an unanswered CANCELled outgoing call is given up: 64·T1 after the CANCEL
/// (RFC 3261 9.1), as `outgoing_handle_timeout` decides it.
fn outgoing_give_up(
    outgoing: &HashMap<CallHandle, OutgoingInvite>,
    call: &CallHandle,
    give_up: std::time::Duration,
) -> Option<Instant> {
    let invite = outgoing.get(call).filter(|o| o.unsettled())?;
    match invite.cancel {
        outgoing::CancelState::Sent { at } => Some(at + give_up),
        _ => None,
    }
}
