//! Calls we place: the UAC side of RFC 3261 (13.2 INVITE, 9.1 CANCEL, 22.2 digest
//! retries, 13.2.2.4 ACK for every 2xx).
//!
//! An outgoing call is an [`OutgoingInvite`] from `start_call` until its INVITE
//! transaction ends. At the first 2xx it also becomes a [`super::call::Call`] (direction
//! `Outgoing`), from then on handled like any other call: BYE, re-INVITE, UPDATE, session
//! timer. The `OutgoingInvite` stays beside it until Timer M, to re-ACK retransmitted 2xx
//! and to ACK and BYE the 2xx of forks (RFC 3261 13.2.2.4, RFC 6026).

mod requests;
mod responses;

use std::time::Instant;

use bytes::Bytes;

use crate::message::Request;
use crate::transaction::{ClientTransactionKey, InviteClient, NonInviteClient};

use super::build::our_host;
use super::client::{ClientMachine, ClientPurpose, ClientTransaction};
use super::commands::cseq_number;
use super::types::{
    CallEndReason, CallHandle, CommandError, DigestAccount, Event, OutgoingCall, Peer, Transmit,
};
use super::Endpoint;

/// Where cancelling stands (RFC 3261 9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelState {
    NotAsked,
    /// `cancel_call` came before any provisional: the CANCEL waits for one.
    Waiting,
    /// CANCEL sent at this instant; without a final answer in 64·T1 we give up.
    Sent {
        at: Instant,
    },
}

/// A call we placed, as long as its INVITE transaction lives.
#[derive(Debug)]
pub struct OutgoingInvite {
    /// The INVITE last sent (after digest retries, the one with credentials).
    pub request: Request,
    /// Its client transaction.
    pub key: ClientTransactionKey,
    pub destination: Peer,
    pub account: Option<DigestAccount>,
    /// Realms we answered a challenge for; a second challenge from one ends the call.
    pub realms_tried: Vec<String>,
    /// A 1xx arrived for the current INVITE, so a CANCEL may be sent (9.1).
    pub provisional_seen: bool,
    pub cancel: CancelState,
    /// The INVITE carried an offer; otherwise the ACK must carry our answer.
    pub offered: bool,
    /// The To tag of the 2xx whose dialog we kept.
    pub answered_tag: Option<String>,
    /// The ACK sent for each 2xx To tag, re-sent for each retransmission of that 2xx.
    pub acks: Vec<SentAck>,
    /// `CallFailed` was sent (or the call was answered): no second verdict.
    pub settled: bool,
    /// We already retried once after a 422. RFC 4028 7.3 needs one retry (the 422 names
    /// the largest Min-SE on the path so far); a peer raising it again and again would
    /// otherwise keep the call retrying without end.
    pub min_se_retried: bool,
}

/// An ACK we sent for a 2xx, kept for that 2xx's retransmissions.
#[derive(Debug)]
pub struct SentAck {
    /// The 2xx's To tag: which dialog (fork) it answers.
    pub tag: String,
    pub to: Peer,
    pub bytes: Bytes,
}

impl OutgoingInvite {
    fn ack_for(&self, tag: &str) -> Option<&SentAck> {
        self.acks.iter().find(|ack| ack.tag == tag)
    }

    /// Still waiting for a verdict: counts as a call the endpoint tracks.
    pub fn unsettled(&self) -> bool {
        !self.settled
    }
}

impl Endpoint {
    /// Places a call: sends the INVITE to `call.destination` and returns its handle. What
    /// follows comes as events: `CallProgress`, then `CallAnswered` (or `OfferInAnswer`
    /// for an offerless INVITE) and later `CallEnded`, or `CallFailed`.
    pub fn start_call(&mut self, now: Instant, call: OutgoingCall) -> CallHandle {
        let handle = CallHandle(self.next_call);
        self.next_call += 1;
        let fresh = requests::Fresh {
            from_tag: self.new_tag(),
            call_id: format!("{}@{}", self.random_token(20), our_host(&self.config)),
            cseq: self.rng_cseq(),
            branch: self.new_branch(),
        };
        let request = requests::invite(&self.config, &call, &fresh);
        let key = self.send_invite(
            now,
            handle,
            call.destination,
            request.clone(),
            &fresh.branch,
        );
        self.outgoing.insert(
            handle,
            OutgoingInvite {
                request,
                key,
                destination: call.destination,
                account: call.credentials,
                realms_tried: Vec::new(),
                provisional_seen: false,
                cancel: CancelState::NotAsked,
                offered: call.offer.is_some(),
                answered_tag: None,
                acks: Vec::new(),
                settled: false,
                min_se_retried: false,
            },
        );
        self.collect(now);
        handle
    }

    /// Gives up on an outgoing call before it is answered. The CANCEL goes out once a
    /// provisional response has arrived (RFC 3261 9.1 forbids it earlier); the call then
    /// ends with `CallFailed { status: Some(487) }`, or, if a 2xx crosses the CANCEL, we
    /// ACK and BYE it and report `CallFailed` with that 2xx. Once the call is answered
    /// this is `hangup`.
    pub fn cancel_call(&mut self, now: Instant, call: CallHandle) -> Result<(), CommandError> {
        if self.calls.contains_key(&call) {
            return self.hangup(now, call);
        }
        let outgoing = self
            .outgoing
            .get_mut(&call)
            .filter(|o| o.unsettled())
            .ok_or(CommandError::UnknownCall)?;
        if outgoing.cancel != CancelState::NotAsked {
            return Ok(());
        }
        if outgoing.provisional_seen {
            self.send_cancel(now, call);
        } else {
            outgoing.cancel = CancelState::Waiting;
        }
        self.collect(now);
        Ok(())
    }

    /// Sends the ACK carrying our `answer` to the offer in their 2xx
    /// (`Event::OfferInAnswer`); the call is then up.
    pub fn ack_with_answer(
        &mut self,
        now: Instant,
        call: CallHandle,
        answer: Bytes,
    ) -> Result<(), CommandError> {
        if !self.calls.contains_key(&call) {
            return Err(CommandError::UnknownCall);
        }
        let waiting_tag = self.outgoing.get(&call).and_then(|o| {
            o.answered_tag
                .clone()
                .filter(|tag| o.ack_for(tag).is_none())
        });
        let Some(tag) = waiting_tag else {
            return Err(CommandError::WrongState(
                "no offer in a 2xx is waiting for our answer",
            ));
        };
        if let Some(state) = self.calls.get_mut(&call) {
            state.local_sdp = answer.clone();
        }
        self.send_ack_in_call(call, &tag, Some(&answer));
        self.collect(now);
        Ok(())
    }

    /// Before we BYE an outgoing call whose 2xx still waits for the answer our ACK must
    /// carry, ACK it without one: otherwise the peer keeps retransmitting the 2xx. RFC
    /// 3261 13.2.2.4 would have an answer in it; the call logic gave none, and the BYE
    /// follows at once.
    pub(super) fn ack_before_hangup(&mut self, call: CallHandle) {
        let waiting_tag = self.outgoing.get(&call).and_then(|o| {
            o.answered_tag
                .clone()
                .filter(|tag| o.ack_for(tag).is_none())
        });
        if let Some(tag) = waiting_tag {
            self.send_ack_in_call(call, &tag, None);
        }
    }

    /// Starts the INVITE client transaction for `request`.
    fn send_invite(
        &mut self,
        now: Instant,
        call: CallHandle,
        to: Peer,
        request: Request,
        branch: &str,
    ) -> ClientTransactionKey {
        let machine = InviteClient::new(
            now,
            Self::transport_kind(to),
            self.config.timers,
            request.to_bytes(),
        );
        let key = ClientTransactionKey::new(branch, request.method.as_str());
        self.clients.insert(
            branch,
            ClientTransaction {
                to,
                purpose: ClientPurpose::Invite { call },
                request,
                machine: ClientMachine::Invite(machine),
                ack_for_2xx: None,
                reported: false,
            },
        );
        key
    }

    fn send_cancel(&mut self, now: Instant, call: CallHandle) {
        let Some(outgoing) = self.outgoing.get_mut(&call) else {
            return;
        };
        outgoing.cancel = CancelState::Sent { at: now };
        let request = requests::cancel(&outgoing.request);
        let to = outgoing.destination;
        let branch = outgoing.key.branch().to_owned();
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
                purpose: ClientPurpose::Cancel,
                request,
                machine: ClientMachine::NonInvite(machine),
                ack_for_2xx: None,
                reported: false,
            },
        );
        self.outgoing_deadline_changed(call);
    }

    /// Reports the end of an unanswered outgoing call, once.
    fn fail_outgoing(&mut self, call: CallHandle, status: Option<u16>, reason: &str) {
        let Some(outgoing) = self.outgoing.get_mut(&call) else {
            return;
        };
        if std::mem::replace(&mut outgoing.settled, true) {
            return;
        }
        tracing::info!(%call, ?status, reason, "outgoing call failed");
        self.events.push_back(Event::CallFailed {
            call,
            status,
            reason: reason.to_owned(),
        });
    }

    /// Timer B or a transport failure on an outgoing INVITE.
    pub(super) fn outgoing_timed_out(&mut self, call: CallHandle) {
        self.fail_outgoing(call, None, "no final response to our INVITE");
        if self
            .outgoing
            .get(&call)
            .is_some_and(|o| o.answered_tag.is_none())
        {
            self.outgoing.remove(&call);
        }
    }

    /// RFC 3261 9.1: no final answer 64·T1 after our CANCEL: the INVITE is given up.
    pub(super) fn outgoing_handle_timeout(&mut self, now: Instant) {
        let give_up = self.config.timers.timer_b();
        let expired: Vec<CallHandle> = self
            .outgoing
            .iter()
            .filter(|(_, o)| {
                o.unsettled() && matches!(o.cancel, CancelState::Sent { at } if now >= at + give_up)
            })
            .map(|(call, _)| *call)
            .collect();
        for call in expired {
            self.fail_outgoing(call, None, "no final response after our CANCEL");
            if let Some(outgoing) = self.outgoing.remove(&call) {
                self.clients.remove(&outgoing.key);
            }
        }
    }

    pub(super) fn outgoing_poll_timeout(&self) -> Option<Instant> {
        let give_up = self.config.timers.timer_b();
        self.outgoing
            .values()
            .filter(|o| o.unsettled())
            .filter_map(|o| match o.cancel {
                CancelState::Sent { at } => Some(at + give_up),
                _ => None,
            })
            .min()
    }

    /// Drops outgoing INVITEs whose transaction has ended. An answered offerless call
    /// whose ACK still waits for the call logic's answer ends now: the peer has stopped
    /// retransmitting its 2xx and will hang up on its own (RFC 3261 13.3.1.4).
    pub(super) fn reap_outgoing(&mut self, now: Instant) {
        let finished: Vec<CallHandle> = self
            .outgoing
            .iter()
            .filter(|(_, o)| !self.clients.contains(&o.key))
            .map(|(call, _)| *call)
            .collect();
        for call in finished {
            // Normally reported already (final response, Timer B); this is the backstop.
            self.fail_outgoing(call, None, "the INVITE transaction ended");
            let Some(outgoing) = self.outgoing.remove(&call) else {
                continue;
            };
            let ack_missing = outgoing
                .answered_tag
                .as_deref()
                .is_some_and(|tag| outgoing.ack_for(tag).is_none());
            if ack_missing && self.calls.contains_key(&call) {
                tracing::info!(%call, "no answer for the ACK of their offer; ending the call");
                self.end_call_with_bye(now, call, CallEndReason::AckTimeout);
            }
        }
    }

    /// Builds, records and sends the ACK for the 2xx with To tag `tag` of `call`'s dialog.
    fn send_ack_in_call(&mut self, call: CallHandle, tag: &str, answer: Option<&Bytes>) {
        let branch = self.new_branch();
        let config = self.config.clone();
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        let (transport, to) =
            super::routing::in_dialog_destination(&state.dialog, state.source, state.peer);
        // The ACK carries the INVITE's CSeq number whatever the dialog sent since.
        let mut dialog = state.dialog.clone();
        dialog.local_cseq = cseq_number(&state.invite);
        let ack = requests::ack_for_2xx(
            &config,
            &mut dialog,
            &state.invite,
            transport,
            &branch,
            answer,
        );
        let bytes = ack.to_bytes();
        if let Some(outgoing) = self.outgoing.get_mut(&call) {
            outgoing.acks.push(SentAck {
                tag: tag.to_owned(),
                to,
                bytes: bytes.clone(),
            });
        }
        self.transmits.push_back(Transmit { to, bytes });
    }
}
