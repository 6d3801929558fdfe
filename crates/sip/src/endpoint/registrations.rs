//! Registrations with carriers, run through the endpoint's own non-INVITE client
//! transactions: `register` starts one, `poll_registration_event` reports its state.
//!
//! The logic is [`crate::registration::Registration`]; this file only moves its REGISTERs
//! into transactions and their outcomes back. Registrations are few (one per registering
//! trunk), so `poll_timeout` and `handle_timeout` look at each of them.

use std::time::Instant;

use crate::registration::{Registration, RegistrationConfig, RegistrationEvent, RegistrationState};
use crate::transaction::NonInviteClient;

use super::client::{ClientMachine, ClientPurpose, ClientTransaction};
use super::incoming::top_via_of;
use super::types::Peer;
use super::Endpoint;

/// Names a registration for the lifetime of the endpoint; never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationHandle(pub u64);

impl std::fmt::Display for RegistrationHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "registration-{}", self.0)
    }
}

pub(super) struct RegistrationEntry {
    pub registration: Registration,
    pub to: Peer,
}

impl Endpoint {
    /// Starts registering with the registrar at `to`; the first REGISTER leaves now.
    /// `config.via_sent_by`, `transport` and `user_agent` are filled from the endpoint's
    /// configuration and `to`; `registrar`, `aor`, `contact` and the credentials are the
    /// caller's (a contact like `sip:<username>@<public address>:<port>`).
    pub fn register(
        &mut self,
        now: Instant,
        mut config: RegistrationConfig,
        to: Peer,
    ) -> RegistrationHandle {
        let handle = RegistrationHandle(self.next_registration);
        self.next_registration += 1;
        config.via_sent_by = format!(
            "{}:{}",
            super::build::our_host(&self.config),
            self.config.port
        );
        config.transport = to.transport;
        config.user_agent = self.config.product.clone();
        let seed = rand::Rng::gen::<[u8; 32]>(&mut self.rng);
        let registration = Registration::new(config, now, seed);
        self.registrations
            .insert(handle, RegistrationEntry { registration, to });
        self.pump_registration(now, handle);
        self.collect(now);
        handle
    }

    /// Removes the binding (REGISTER with expires 0). The registration reports
    /// `Unregistered` when that is done; then it is forgotten.
    pub fn unregister(&mut self, now: Instant, handle: RegistrationHandle) {
        if let Some(entry) = self.registrations.get_mut(&handle) {
            entry.registration.unregister();
            self.pump_registration(now, handle);
            self.collect(now);
        }
    }

    pub fn registration_state(&self, handle: RegistrationHandle) -> Option<&RegistrationState> {
        self.registrations
            .get(&handle)
            .map(|entry| entry.registration.state())
    }

    /// State changes of registrations, in order. Kept apart from `poll_event` so call
    /// logic that matches every `Event` is not touched by registrations.
    pub fn poll_registration_event(&mut self) -> Option<(RegistrationHandle, RegistrationState)> {
        self.registration_events.pop_front()
    }

    pub(super) fn registrations_poll_timeout(&self) -> Option<Instant> {
        self.registrations
            .values()
            .filter_map(|entry| entry.registration.poll_timeout())
            .min()
    }

    pub(super) fn registrations_handle_timeout(&mut self, now: Instant) {
        let due: Vec<RegistrationHandle> = self
            .registrations
            .iter()
            .filter(|(_, entry)| {
                entry
                    .registration
                    .poll_timeout()
                    .is_some_and(|at| at <= now)
            })
            .map(|(handle, _)| *handle)
            .collect();
        for handle in due {
            self.pump_registration(now, handle);
        }
    }

    /// The final response to a REGISTER of ours.
    pub(super) fn registration_response(
        &mut self,
        now: Instant,
        handle: RegistrationHandle,
        response: &crate::message::Response,
    ) {
        if let Some(entry) = self.registrations.get_mut(&handle) {
            entry.registration.handle_response(now, response);
            self.pump_registration(now, handle);
        }
    }

    /// A REGISTER's transaction ended without a final response.
    pub(super) fn registration_timed_out(&mut self, now: Instant, handle: RegistrationHandle) {
        if let Some(entry) = self.registrations.get_mut(&handle) {
            entry.registration.transaction_failed(now);
            self.pump_registration(now, handle);
        }
    }

    /// Starts transactions for the registration's new REGISTERs and forwards its events.
    fn pump_registration(&mut self, now: Instant, handle: RegistrationHandle) {
        let Some(entry) = self.registrations.get_mut(&handle) else {
            return;
        };
        let to = entry.to;
        let mut requests = Vec::new();
        while let Some(request) = entry.registration.poll_request(now) {
            requests.push(request);
        }
        let mut finished = false;
        while let Some(RegistrationEvent::StateChanged(state)) = entry.registration.poll_event() {
            finished |= state == RegistrationState::Unregistered;
            self.registration_events.push_back((handle, state));
        }
        if finished {
            self.registrations.remove(&handle);
        }
        for request in requests {
            let Some(branch) =
                top_via_of(&request.headers).and_then(|via| via.branch().map(str::to_owned))
            else {
                continue;
            };
            let machine = NonInviteClient::new(
                now,
                Self::transport_kind(to),
                self.config.timers,
                request.to_bytes(),
            );
            self.clients.insert(
                &branch,
                ClientTransaction {
                    to,
                    purpose: ClientPurpose::Register {
                        registration: handle,
                    },
                    request,
                    machine: ClientMachine::NonInvite(machine),
                    ack_for_2xx: None,
                    reported: false,
                },
            );
        }
    }
}
