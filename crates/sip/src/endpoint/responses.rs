//! Responses to the requests we sent: matched to their client transaction (RFC 3261
//! 17.1.3), then handed to whoever is waiting. Our INVITEs' responses go to the UAC call
//! logic in `outgoing`; BYE and session-refresh responses are handled here.

use std::time::Instant;

use bytes::Bytes;

use crate::message::{CSeq, HeaderName, Method, Response};
use crate::transaction::ClientTransactionKey;

use super::build;
use super::client::{ClientMachine, ClientOutcome, ClientPurpose};
use super::incoming::top_via_of;
use super::types::{Peer, Transmit};
use super::Endpoint;

/// The client transaction a response belongs to: its top Via's branch and CSeq method.
pub(super) fn client_key(response: &Response) -> Option<ClientTransactionKey> {
    let via = top_via_of(&response.headers)?;
    let branch = via.branch()?;
    let cseq = CSeq::parse(response.headers.get(&HeaderName::CSeq)?).ok()?;
    Some(ClientTransactionKey::new(branch, cseq.method.as_str()))
}

impl Endpoint {
    pub(super) fn handle_response(&mut self, now: Instant, _source: Peer, response: Response) {
        let Some(key) = client_key(&response) else {
            return;
        };
        let Some(transaction) = self.clients.get_mut(&key) else {
            // RFC 3261 18.1.2: responses matching no transaction are dropped.
            return;
        };
        if let ClientPurpose::Invite { call } = transaction.purpose {
            self.handle_outgoing_invite_response(now, &key, call, response);
            return;
        }
        let status = response.status;
        let purpose = transaction.purpose;
        let mut finished = None;
        match &mut transaction.machine {
            ClientMachine::NonInvite(machine) => {
                let _ = machine.handle_response(now, status);
                if status >= 200 {
                    finished = Some(status);
                }
            }
            ClientMachine::Invite(machine) => {
                if status < 200 {
                    let _ = machine.handle_provisional(now, status);
                } else if status < 300 {
                    let _ = machine.handle_success(now, status);
                    finished = Some(status);
                } else {
                    let ack = build::ack_for_failure(&transaction.request, &response);
                    let _ = machine.handle_failure(now, status, ack.to_bytes());
                    finished = Some(status);
                }
            }
        }
        if (200..300).contains(&status) && matches!(transaction.machine, ClientMachine::Invite(_)) {
            // The ACK for a 2xx is ours to send, once per 2xx received (13.2.2.4).
            let to = transaction.to;
            let ack = match transaction.ack_for_2xx.clone() {
                Some(ack) => ack,
                None => {
                    let ack = self.ack_for_refresh_2xx(&purpose, &response);
                    if let Some(transaction) = self.clients.get_mut(&key) {
                        transaction.ack_for_2xx = ack.clone();
                    }
                    ack.unwrap_or_default()
                }
            };
            if !ack.is_empty() {
                self.transmits.push_back(Transmit { to, bytes: ack });
            }
        }
        if let Some(status) = finished {
            let first_final = self
                .clients
                .get_mut(&key)
                .is_some_and(|t| !std::mem::replace(&mut t.reported, true));
            if first_final {
                if let (ClientPurpose::Refresh { call, .. }, 200..=299) = (purpose, status) {
                    self.refresh_answered(now, call, &response);
                }
                if let ClientPurpose::Register { registration } = purpose {
                    self.registration_response(now, registration, &response);
                }
                self.handle_client_outcome(now, ClientOutcome::Final { purpose, status });
            }
        }
    }

    /// The ACK for a 2xx to one of our refreshing re-INVITEs.
    fn ack_for_refresh_2xx(
        &mut self,
        purpose: &ClientPurpose,
        response: &Response,
    ) -> Option<Bytes> {
        let ClientPurpose::Refresh { call, .. } = purpose else {
            return None;
        };
        let branch = self.new_branch();
        let cseq = response
            .headers
            .get(&HeaderName::CSeq)
            .and_then(|c| CSeq::parse(c).ok())?;
        let config = self.config.clone();
        let call = self.calls.get_mut(call)?;
        let saved = call.dialog.local_cseq;
        call.dialog.local_cseq = cseq.seq;
        let ack = build::in_dialog_request(
            &config,
            &mut call.dialog,
            Method::Ack,
            call.peer.transport,
            &branch,
        );
        call.dialog.local_cseq = saved;
        Some(ack.to_bytes())
    }
}
