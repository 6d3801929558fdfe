//! One call as the endpoint tracks it: its dialog, the transactions it is waiting on,
//! and the offer/answer and session-timer state.

use bytes::Bytes;

use crate::dialog::session_timer::SessionTimer;
use crate::dialog::Dialog;
use crate::message::Request;
use crate::transaction::TwoXxRetransmitter;

use super::server::ServerKey;
use super::types::{CallHandle, Peer, ReofferMethod};

/// Who placed the call, and so which role we play in its dialog (RFC 3261 12.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    /// They called us; `invite_server` is the transaction we answer their INVITE on.
    Incoming { invite_server: ServerKey },
    /// We called them (`start_call`); the call exists from their first 2xx.
    Outgoing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// INVITE received, waiting for the call logic to accept or reject it.
    Incoming,
    /// 2xx sent, waiting for the ACK.
    Answered,
    /// ACK received (incoming), or 2xx received (outgoing: our ACK confirms it).
    Confirmed,
}

/// A re-INVITE or UPDATE from them that the call logic has not answered yet.
#[derive(Debug)]
pub struct PendingReoffer {
    pub method: ReofferMethod,
    pub request: Request,
    pub server: ServerKey,
    pub had_offer: bool,
}

#[derive(Debug)]
pub struct Call {
    pub handle: CallHandle,
    pub state: CallState,
    /// Where our responses go (the connection, or once it is closed the Via's sent-by)
    /// and our requests when the route set and Contact name no usable address.
    pub peer: Peer,
    /// Where the INVITE came from: for TCP the connection's far end, which `peer` is
    /// not (its `addr` is the Via's sent-by, where responses reconnect to).
    pub source: Peer,
    /// The INVITE that created the call: theirs, or ours (the last one, after digest retries).
    pub invite: Request,
    pub direction: Direction,
    pub dialog: Dialog,
    /// Whether the INVITE carried an offer; if not, the ACK carries the answer.
    pub invite_had_offer: bool,
    /// Our 2xx to the INVITE or a re-INVITE, retransmitted until ACKed (RFC 3261 13.3.1.4).
    pub two_xx: Option<TwoXxRetransmitter>,
    /// CSeq of the INVITE whose 2xx is being retransmitted: the ACK must match it.
    pub two_xx_cseq: u32,
    /// Whether the ACK for `two_xx` brings the answer to an offer we made.
    pub ack_brings_answer: bool,
    pub pending_reoffer: Option<PendingReoffer>,
    /// A re-INVITE or UPDATE we sent that has not been answered yet (glare detection).
    pub own_request_in_flight: bool,
    pub session_timer: Option<SessionTimer>,
    /// Our last SDP, re-sent unchanged when we refresh the session with a re-INVITE.
    pub local_sdp: Bytes,
    /// Whether they allow UPDATE, which refreshes a session without SDP (RFC 4028 section 9).
    pub peer_allows_update: bool,
}

impl Call {
    /// The server transaction of their INVITE, for a call they placed.
    pub fn invite_server(&self) -> Option<&ServerKey> {
        match &self.direction {
            Direction::Incoming { invite_server } => Some(invite_server),
            Direction::Outgoing => None,
        }
    }
}
