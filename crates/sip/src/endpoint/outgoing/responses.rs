//! What a UAC call does with each response to its INVITE.

use std::time::Instant;

use crate::dialog::session_timer::{parse_session_expires, Refresher, SessionTimer};
use crate::dialog::Dialog;
use crate::message::{HeaderName, NameAddr, Response};
use crate::transaction::{ClientTransactionKey, InviteClientState, NonInviteClient};

use super::super::build;
use super::super::call::{Call, CallState, Direction};
use super::super::client::{ClientMachine, ClientPurpose, ClientTransaction};
use super::super::routing::in_dialog_destination;
use super::super::types::{CallHandle, Event, Transmit};
use super::super::Endpoint;
use super::requests::{self, NoRetry};
use super::{CancelState, SentAck};

impl Endpoint {
    /// Drives the INVITE client transaction with `response`, then acts for the call.
    pub(in super::super) fn handle_outgoing_invite_response(
        &mut self,
        now: Instant,
        key: &ClientTransactionKey,
        call: CallHandle,
        response: Response,
    ) {
        let status = response.status;
        let Some(transaction) = self.clients.get_mut(key) else {
            return;
        };
        let ClientMachine::Invite(machine) = &mut transaction.machine else {
            return;
        };
        match status {
            100..=199 => {
                let _ = machine.handle_provisional(now, status);
                if machine.state() == InviteClientState::Proceeding {
                    self.on_provisional(now, key, call, &response);
                }
            }
            200..=299 => {
                let _ = machine.handle_success(now, status);
                // Accepted passes every 2xx up (RFC 6026 8.4): retransmissions and forks.
                if machine.state() == InviteClientState::Accepted {
                    self.on_success(now, call, &response);
                }
            }
            _ => {
                // The transaction ACKs a failure itself, and re-ACKs its retransmissions
                // without passing them up (RFC 3261 17.1.1.3).
                let ack = build::ack_for_failure(&transaction.request, &response);
                let _ = machine.handle_failure(now, status, ack.to_bytes());
                let first = !std::mem::replace(&mut transaction.reported, true);
                self.clients.flush(key, &mut self.transmits);
                if first {
                    self.on_failure(now, key, call, &response);
                }
            }
        }
    }

    fn on_provisional(
        &mut self,
        now: Instant,
        key: &ClientTransactionKey,
        call: CallHandle,
        response: &Response,
    ) {
        let Some(outgoing) = self.outgoing.get_mut(&call) else {
            return;
        };
        // A 1xx for an INVITE we already replaced (digest retry), or after the answer.
        if outgoing.key != *key || outgoing.answered_tag.is_some() {
            return;
        }
        outgoing.provisional_seen = true;
        match outgoing.cancel {
            CancelState::Waiting => self.send_cancel(now, call),
            CancelState::Sent { .. } => {}
            CancelState::NotAsked if response.status > 100 => {
                let sdp = (!response.body.is_empty() && build::is_sdp(&response.headers))
                    .then(|| response.body.clone());
                self.events.push_back(Event::CallProgress {
                    call,
                    status: response.status,
                    sdp,
                });
            }
            CancelState::NotAsked => {}
        }
    }

    fn on_failure(
        &mut self,
        now: Instant,
        key: &ClientTransactionKey,
        call: CallHandle,
        response: &Response,
    ) {
        let Some(outgoing) = self.outgoing.get(&call) else {
            return;
        };
        if outgoing.key != *key || outgoing.settled {
            return;
        }
        if response.status == 422
            && outgoing.cancel == CancelState::NotAsked
            && !outgoing.min_se_retried
        {
            let branch = self.new_branch();
            let retry = self
                .outgoing
                .get(&call)
                .and_then(|o| requests::retry_with_min_se(&o.request, response, &branch));
            if let Some(request) = retry {
                self.resend_invite(now, call, request, &branch, None);
                if let Some(outgoing) = self.outgoing.get_mut(&call) {
                    outgoing.min_se_retried = true;
                }
                return;
            }
        }
        let Some(outgoing) = self.outgoing.get(&call) else {
            return;
        };
        let challenged = matches!(response.status, 401 | 407);
        if challenged && outgoing.cancel == CancelState::NotAsked {
            if let Some(account) = outgoing.account.clone() {
                let branch = self.new_branch();
                let cnonce = self.random_token(16);
                let Some(outgoing) = self.outgoing.get(&call) else {
                    return;
                };
                match requests::retry_with_credentials(
                    &outgoing.request,
                    response,
                    &account,
                    &outgoing.realms_tried,
                    &branch,
                    &cnonce,
                ) {
                    Ok((request, realm)) => {
                        self.resend_invite(now, call, request, &branch, Some(realm));
                        return;
                    }
                    Err(NoRetry::RealmRefused(realm)) => {
                        tracing::info!(%call, realm, "credentials refused");
                    }
                    Err(NoRetry::Unusable(why)) => {
                        tracing::info!(%call, why, "cannot answer the challenge");
                    }
                }
            }
        }
        self.fail_outgoing(call, Some(response.status), &response.reason);
        self.outgoing.remove(&call);
    }

    /// Sends the next INVITE of the call (a retry after 401, 407 or 422) and makes it the
    /// one whose responses count.
    fn resend_invite(
        &mut self,
        now: Instant,
        call: CallHandle,
        request: crate::message::Request,
        branch: &str,
        realm_answered: Option<String>,
    ) {
        let Some(to) = self.outgoing.get(&call).map(|o| o.destination) else {
            return;
        };
        let key = self.send_invite(now, call, to, request.clone(), branch);
        if let Some(outgoing) = self.outgoing.get_mut(&call) {
            outgoing.request = request;
            outgoing.key = key;
            outgoing.realms_tried.extend(realm_answered);
            outgoing.provisional_seen = false;
        }
    }

    fn on_success(&mut self, now: Instant, call: CallHandle, response: &Response) {
        let tag = response
            .headers
            .get(&HeaderName::To)
            .and_then(|to| NameAddr::parse(to).ok())
            .and_then(|to| to.tag().map(str::to_owned))
            .unwrap_or_default();
        let Some(outgoing) = self.outgoing.get(&call) else {
            return;
        };
        if let Some(ack) = outgoing.ack_for(&tag) {
            // A retransmission: ACK it again (13.2.2.4); the call logic heard it once.
            let transmit = Transmit {
                to: ack.to,
                bytes: ack.bytes.clone(),
            };
            self.transmits.push_back(transmit);
            return;
        }
        if outgoing.answered_tag.as_deref() == Some(tag.as_str()) {
            return; // retransmitted while the call logic works out the ACK's answer
        }
        let (invite, destination) = (outgoing.request.clone(), outgoing.destination);
        let Some(dialog) = Dialog::as_uac(&invite, response) else {
            self.fail_outgoing(
                call,
                Some(response.status),
                "unusable 2xx (To, Contact or Record-Route)",
            );
            return;
        };
        if outgoing.answered_tag.is_some() || outgoing.settled {
            // Another fork answered too (13.2.2.4), or a 2xx came after we gave up
            // (it crossed our CANCEL): ACK it so it stops, then BYE it. Only one
            // dialog is kept.
            let first_answer = outgoing.answered_tag.is_none();
            self.ack_and_bye(now, call, &tag, dialog, &invite, destination);
            if first_answer {
                self.fail_outgoing(
                    call,
                    Some(response.status),
                    "answered after we gave up; hung up with BYE",
                );
            }
            return;
        }
        if outgoing.cancel != CancelState::NotAsked {
            self.ack_and_bye(now, call, &tag, dialog, &invite, destination);
            self.fail_outgoing(
                call,
                Some(response.status),
                "answered as our CANCEL crossed it; hung up with BYE",
            );
            return;
        }
        let offered = outgoing.offered;
        let sdp_ok = !response.body.is_empty() && build::is_sdp(&response.headers);
        if !sdp_ok {
            // RFC 3264 section 5 / RFC 3261 13.2.1: the 2xx must carry their answer (or,
            // to an offerless INVITE, their offer). Without it there is no session.
            self.ack_and_bye(now, call, &tag, dialog, &invite, destination);
            self.fail_outgoing(call, Some(response.status), "2xx without SDP");
            return;
        }
        self.establish(now, call, dialog, invite, destination, response);
        if let Some(outgoing) = self.outgoing.get_mut(&call) {
            outgoing.answered_tag = Some(tag.clone());
            outgoing.settled = true;
        }
        let sdp = response.body.clone();
        if offered {
            self.send_ack_in_call(call, &tag, None);
            self.events.push_back(Event::CallAnswered { call, sdp });
        } else {
            self.events.push_back(Event::OfferInAnswer { call, sdp });
        }
    }

    /// The call as every call is kept, now that its dialog exists (RFC 3261 12.1.2).
    fn establish(
        &mut self,
        now: Instant,
        call: CallHandle,
        dialog: Dialog,
        invite: crate::message::Request,
        destination: super::super::types::Peer,
        response: &Response,
    ) {
        // RFC 4028 7.2: the 2xx's Session-Expires decides; none means no session timer.
        let session_timer = response
            .headers
            .get(&HeaderName::SessionExpires)
            .and_then(parse_session_expires)
            .map(|(interval, refresher)| {
                // The UAS must name the refresher; if it did not, refreshing ourselves is
                // the safe choice (a refresh costs little, a dead session costs a port).
                SessionTimer::start_as_uac(now, interval, refresher.unwrap_or(Refresher::Uac))
            });
        let peer_allows_update = response
            .headers
            .values(&HeaderName::Allow)
            .iter()
            .any(|method| method.trim().eq_ignore_ascii_case("UPDATE"));
        let local_sdp = invite.body.clone();
        self.calls_by_dialog.insert(dialog.id.clone(), call);
        self.calls.insert(
            call,
            Call {
                handle: call,
                state: CallState::Confirmed,
                peer: destination,
                source: destination,
                invite_had_offer: !invite.body.is_empty(),
                invite,
                direction: Direction::Outgoing,
                dialog,
                two_xx: None,
                two_xx_cseq: 0,
                ack_brings_answer: false,
                pending_reoffer: None,
                own_request_in_flight: false,
                session_timer,
                local_sdp,
                peer_allows_update,
            },
        );
    }

    /// ACKs a 2xx (To tag `tag`) whose dialog we do not keep and ends that dialog with
    /// BYE. The ACK is remembered so that retransmissions of that 2xx get it again.
    fn ack_and_bye(
        &mut self,
        now: Instant,
        call: CallHandle,
        tag: &str,
        mut dialog: Dialog,
        invite: &crate::message::Request,
        fallback: super::super::types::Peer,
    ) {
        let (transport, to) = in_dialog_destination(&dialog, fallback, fallback);
        let branch = self.new_branch();
        let ack =
            requests::ack_for_2xx(&self.config, &mut dialog, invite, transport, &branch, None);
        let bytes = ack.to_bytes();
        if let Some(outgoing) = self.outgoing.get_mut(&call) {
            outgoing.acks.push(SentAck {
                tag: tag.to_owned(),
                to,
                bytes: bytes.clone(),
            });
        }
        self.transmits.push_back(Transmit { to, bytes });
        let branch = self.new_branch();
        let bye = build::in_dialog_request(
            &self.config,
            &mut dialog,
            crate::message::Method::Bye,
            transport,
            &branch,
        );
        let machine = NonInviteClient::new(
            now,
            Self::transport_kind(to),
            self.config.timers,
            bye.to_bytes(),
        );
        self.clients.insert(
            &branch,
            ClientTransaction {
                to,
                purpose: ClientPurpose::Bye,
                request: bye,
                machine: ClientMachine::NonInvite(machine),
                ack_for_2xx: None,
                reported: false,
            },
        );
    }
}
