//! What the call logic tells the endpoint to do with a call.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::dialog::session_timer::{
    parse_session_expires, Refresher, SessionTimer, SessionTimerDecision,
};
use crate::message::{HeaderName, Method, Request, Response};
use crate::transaction::{InviteClient, NonInviteClient, TwoXxRetransmitter};

use super::build;
use super::call::CallState;
use super::client::{ClientMachine, ClientPurpose, ClientTransaction};
use super::routing::in_dialog_destination;
use super::server::ServerKey;
use super::types::{CallEndReason, CallHandle, CommandError, ReofferMethod, Transport};
use super::Endpoint;

/// How long a session refresh that came due during another offer/answer waits before
/// trying again: long enough for the call logic to answer a re-offer and the ACK to
/// arrive, short against any interval (at least 90 s, RFC 4028 section 4).
const REFRESH_POSTPONE: Duration = Duration::from_secs(2);

impl Endpoint {
    /// Sends 180 Ringing (or 183 with early media when `sdp` is given).
    pub fn ring(
        &mut self,
        now: Instant,
        call: CallHandle,
        sdp: Option<Bytes>,
    ) -> Result<(), CommandError> {
        let Unanswered {
            key,
            invite,
            tag,
            transport,
        } = self.unanswered_incoming(call, "ring needs an unanswered call")?;
        let mut response = match &sdp {
            Some(_) => self.response_with_tag(&invite, 183, "Session Progress", &tag),
            None => self.response_with_tag(&invite, 180, "Ringing", &tag),
        };
        // A tagged 1xx creates the early dialog, so like the 2xx it must echo the
        // Record-Route (RFC 3261 12.1.1); without it the UAC's early route set (for
        // UPDATE or BYE in the early dialog) bypasses the proxies that asked to stay in.
        echo_record_route(&invite, &mut response);
        response.headers.push(
            HeaderName::Contact,
            build::contact_header(&self.config, transport),
        );
        if let Some(sdp) = sdp {
            response = build::with_sdp(response, sdp);
        }
        let status = response.status;
        if let Some(super::server::ServerTransaction {
            machine: super::server::ServerMachine::Invite(m),
            ..
        }) = self.servers.get_mut(&key)
        {
            let _ = m.send_response(now, status, response.to_bytes());
        }
        self.servers.flush(&key, &mut self.transmits);
        self.collect(now);
        Ok(())
    }

    /// The call as `ring`, `accept_call` and `reject_call` need it: an incoming call not
    /// answered yet. `needs` says which command refused it otherwise.
    fn unanswered_incoming(
        &self,
        call: CallHandle,
        needs: &'static str,
    ) -> Result<Unanswered, CommandError> {
        let state = self.calls.get(&call).ok_or(CommandError::UnknownCall)?;
        match state.invite_server() {
            Some(key) if state.state == CallState::Incoming => Ok(Unanswered {
                key: key.clone(),
                invite: state.invite.clone(),
                tag: state.dialog.id.local_tag.clone(),
                transport: state.peer.transport,
            }),
            _ => Err(CommandError::WrongState(needs)),
        }
    }

    /// Answers the INVITE with 200 OK carrying `sdp`: our answer when the INVITE had an
    /// offer, our offer when it had none (the answer then comes in the ACK).
    pub fn accept_call(
        &mut self,
        now: Instant,
        call: CallHandle,
        sdp: Bytes,
    ) -> Result<(), CommandError> {
        let Unanswered { key, invite, .. } =
            self.unanswered_incoming(call, "accept needs an unanswered call")?;
        let decision = self.session_timer_decision(&invite);
        let response = self.ok_with_session(call, &invite, decision, sdp.clone());
        let bytes = response.to_bytes();
        self.send_final(now, &key, response);
        let timers = self.config.timers;
        let Some(state) = self.calls.get_mut(&call) else {
            return Err(CommandError::UnknownCall);
        };
        state.state = CallState::Answered;
        state.local_sdp = sdp;
        state.ack_brings_answer = !state.invite_had_offer;
        // The ACK repeats the INVITE's CSeq number (RFC 3261 13.2.2.4). Not the dialog's
        // latest remote CSeq: an INFO or UPDATE in the early dialog moves that, and the
        // ACK would then never match and the call would die at 64·T1.
        state.two_xx_cseq = cseq_number(&invite);
        state.two_xx = Some(TwoXxRetransmitter::new(now, timers, bytes));
        if let SessionTimerDecision::Active {
            interval,
            refresher,
            ..
        } = decision
        {
            state.session_timer = Some(SessionTimer::start(now, interval, refresher));
        }
        self.collect(now);
        Ok(())
    }

    /// Refuses an unanswered call with a final status (3xx to 6xx), adding `headers`
    /// (e.g. WWW-Authenticate for 401, Retry-After for 503).
    pub fn reject_call(
        &mut self,
        now: Instant,
        call: CallHandle,
        status: u16,
        reason: &str,
        headers: Vec<(HeaderName, String)>,
    ) -> Result<(), CommandError> {
        if !(300..700).contains(&status) {
            return Err(CommandError::BadStatus(status));
        }
        let Unanswered {
            key, invite, tag, ..
        } = self.unanswered_incoming(call, "reject needs an unanswered call")?;
        let mut response = self.response_with_tag(&invite, status, reason, &tag);
        for (name, value) in headers {
            response.headers.push(name, value);
        }
        self.send_final(now, &key, response);
        self.forget_call(now, call, CallEndReason::Rejected);
        self.collect(now);
        Ok(())
    }

    /// Answers a pending re-INVITE or UPDATE: `Ok(sdp)` sends 200 with that SDP (our
    /// answer to their offer, or our offer when they sent none); `Err(status)` refuses it
    /// (488 for an offer we cannot take) and the call goes on with the old session.
    pub fn answer_reoffer(
        &mut self,
        now: Instant,
        call: CallHandle,
        answer: Result<Bytes, u16>,
    ) -> Result<(), CommandError> {
        let state = self.calls.get_mut(&call).ok_or(CommandError::UnknownCall)?;
        let pending = state
            .pending_reoffer
            .take()
            .ok_or(CommandError::WrongState("no re-offer is pending"))?;
        let response = match answer {
            Ok(sdp) => {
                let state = self.calls.get_mut(&call).ok_or(CommandError::UnknownCall)?;
                state.local_sdp = sdp.clone();
                state.dialog.refresh_target(&pending.request); // RFC 6141: only on 2xx
                self.session_refresh_response(now, call, &pending.request, Some(sdp))
            }
            Err(status) => {
                let reason = crate::message::default_reason(status);
                self.response_to(&pending.request, status, reason)
            }
        };
        let success = response.status < 300;
        let bytes = response.to_bytes();
        self.send_final(now, &pending.server, response);
        if success && pending.method == ReofferMethod::Invite {
            let timers = self.config.timers;
            if let Some(state) = self.calls.get_mut(&call) {
                state.two_xx = Some(TwoXxRetransmitter::new(now, timers, bytes));
                // The re-INVITE's own CSeq: an INFO (DTMF) that arrived while the call
                // logic was deciding has moved the dialog's remote CSeq past it.
                state.two_xx_cseq = cseq_number(&pending.request);
                state.ack_brings_answer = !pending.had_offer;
            }
        }
        self.collect(now);
        Ok(())
    }

    /// Ends a call from our side: BYE once answered; an unanswered incoming call gets a
    /// final 480 instead (the caller gave up on nothing; we did); an unanswered outgoing
    /// call is cancelled (`cancel_call`).
    pub fn hangup(&mut self, now: Instant, call: CallHandle) -> Result<(), CommandError> {
        if !self.calls.contains_key(&call) && self.outgoing.contains_key(&call) {
            // Our own call, not answered yet: cancelling is how to hang it up.
            return self.cancel_call(now, call);
        }
        let state = self.calls.get(&call).ok_or(CommandError::UnknownCall)?;
        if state.state == CallState::Incoming {
            return self.reject_call(now, call, 480, "Temporarily Unavailable", Vec::new());
        }
        self.ack_before_hangup(call);
        self.end_call_with_bye(now, call, CallEndReason::LocalHangup);
        self.collect(now);
        Ok(())
    }

    pub(super) fn end_call_with_bye(
        &mut self,
        now: Instant,
        call: CallHandle,
        reason: CallEndReason,
    ) {
        if self
            .calls
            .get(&call)
            .is_some_and(|c| c.state != CallState::Incoming)
        {
            // Nobody waits for the BYE's answer: the call is over either way.
            let _ = self.start_in_dialog_request(now, call, Method::Bye, None);
        }
        self.forget_call(now, call, reason);
    }

    /// Sends a session refresh (RFC 4028 section 7.4): UPDATE without a body when they
    /// allow it, else a re-INVITE repeating our SDP unchanged.
    pub(super) fn send_refresh(&mut self, now: Instant, call: CallHandle) {
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(timer) = state.session_timer.as_mut() else {
            return;
        };
        if state.own_request_in_flight || state.pending_reoffer.is_some() || state.two_xx.is_some()
        {
            // Another offer/answer is under way (RFC 3261 14.1: one at a time). Marking
            // the refresh as sent here would leave nothing to restart the timer if that
            // exchange fails (their re-INVITE refused 488), and we would end our own call
            // at expiry. Ask again shortly instead; if their re-offer succeeds with
            // Session-Expires, its 2xx is the refresh (session_refresh_response).
            timer.postpone(now + REFRESH_POSTPONE);
            return;
        }
        // From here on the timer watches for expiry only, so its deadline does not stay
        // in the past (poll_timeout would spin); the answer restarts it
        // (handle_client_outcome).
        timer.refresh_sent();
        let (method, body) = if state.peer_allows_update {
            (Method::Update, None)
        } else {
            (Method::Invite, Some(state.local_sdp.clone()))
        };
        state.own_request_in_flight = true;
        let _ = self.start_in_dialog_request(now, call, method, body);
    }

    /// A 2xx to our refresh: its Session-Expires rules (RFC 4028 section 7.4, processed as
    /// section 7.2 says for the INVITE): the interval it names, and `refresher=uac` there
    /// means we keep refreshing. Without Session-Expires there is no session expiration
    /// any more (7.2), so the timer stops. `handle_client_outcome` then restarts the
    /// timer it leaves, which repeats these values.
    pub(super) fn refresh_answered(&mut self, now: Instant, call: CallHandle, ok: &Response) {
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(timer) = state.session_timer.as_mut() else {
            return;
        };
        let answered = ok.headers.get(&HeaderName::SessionExpires);
        match answered.and_then(parse_session_expires) {
            // The UAS must name the refresher (section 9); if it did not, refreshing
            // ourselves is the safe choice, as for the INVITE's 2xx.
            Some((interval, refresher)) => {
                timer.refreshed_as_uac(now, interval, refresher.unwrap_or(Refresher::Uac))
            }
            // A Session-Expires we cannot parse is not an absent one: keep ours.
            None if answered.is_some() => {
                tracing::info!(%call, "unparseable Session-Expires in a refresh's 2xx");
            }
            None => state.session_timer = None,
        }
    }

    /// Builds and sends a request in the call's dialog through a new client transaction.
    fn start_in_dialog_request(
        &mut self,
        now: Instant,
        call: CallHandle,
        method: Method,
        sdp: Option<Bytes>,
    ) -> Option<()> {
        let branch = self.new_branch();
        let config = self.config.clone();
        let state = self.calls.get_mut(&call)?;
        let (transport, to) = in_dialog_destination(&state.dialog, state.source, state.peer);
        let mut request: Request = build::in_dialog_request(
            &config,
            &mut state.dialog,
            method.clone(),
            transport,
            &branch,
        );
        if let Some(timer) = state
            .session_timer
            .as_ref()
            .filter(|_| method != Method::Bye)
        {
            // The refresher parameter names a role in *this* transaction (RFC 4028 4,
            // 7.4): we send the request, so "we keep refreshing" is `uac`. Saying `uas`
            // would hand the job to the peer while we keep doing it too.
            request.headers.push(
                HeaderName::SessionExpires,
                format!("{};refresher=uac", timer.interval),
            );
        }
        if let Some(sdp) = sdp {
            request
                .headers
                .push(HeaderName::ContentType, "application/sdp");
            request.body = sdp;
        }
        let purpose = match method {
            Method::Bye => ClientPurpose::Bye,
            Method::Invite => ClientPurpose::Refresh {
                call,
                method: ReofferMethod::Invite,
            },
            _ => ClientPurpose::Refresh {
                call,
                method: ReofferMethod::Update,
            },
        };
        let kind = Self::transport_kind(to);
        let bytes = request.to_bytes();
        let machine = if method == Method::Invite {
            ClientMachine::Invite(InviteClient::new(now, kind, config.timers, bytes))
        } else {
            ClientMachine::NonInvite(NonInviteClient::new(now, kind, config.timers, bytes))
        };
        self.clients.insert(
            &branch,
            ClientTransaction {
                to,
                purpose,
                request,
                machine,
                ack_for_2xx: None,
                reported: false,
            },
        );
        Some(())
    }

    /// The 200 OK for an INVITE, re-INVITE or UPDATE: Contact, capabilities, session
    /// timer, Record-Route echoed (RFC 3261 12.1.1), and the SDP if any.
    pub(super) fn ok_with_session(
        &mut self,
        call: CallHandle,
        request: &Request,
        decision: SessionTimerDecision,
        sdp: Bytes,
    ) -> Response {
        let (tag, transport) = self
            .calls
            .get(&call)
            .map(|c| (c.dialog.id.local_tag.clone(), c.peer.transport))
            .unwrap_or((String::new(), Transport::Udp));
        let mut response =
            build::with_capabilities(self.response_with_tag(request, 200, "OK", &tag));
        echo_record_route(request, &mut response);
        response.headers.push(
            HeaderName::Contact,
            build::contact_header(&self.config, transport),
        );
        if let SessionTimerDecision::Active {
            interval,
            refresher,
            require_timer,
        } = decision
        {
            response.headers.push(
                HeaderName::SessionExpires,
                format!("{interval};refresher={}", refresher.as_str()),
            );
            if require_timer {
                response.headers.push(HeaderName::Require, "timer");
            }
        }
        if sdp.is_empty() {
            response
        } else {
            build::with_sdp(response, sdp)
        }
    }

    /// The 2xx to a refresh or re-offer, restarting the session timer it negotiates.
    pub(super) fn session_refresh_response(
        &mut self,
        now: Instant,
        call: CallHandle,
        request: &Request,
        sdp: Option<Bytes>,
    ) -> Response {
        let decision = self.session_timer_decision(request);
        if let Some(state) = self.calls.get_mut(&call) {
            match decision {
                SessionTimerDecision::Active {
                    interval,
                    refresher,
                    ..
                } => match state.session_timer.as_mut() {
                    Some(timer) => timer.refreshed(now, interval, refresher),
                    None => {
                        state.session_timer = Some(SessionTimer::start(now, interval, refresher))
                    }
                },
                // A refresh without Session-Expires turns the timer off (RFC 4028 section 9).
                SessionTimerDecision::None => state.session_timer = None,
                SessionTimerDecision::TooSmall { .. } => {}
            }
        }
        self.ok_with_session(call, request, decision, sdp.unwrap_or_default())
    }
}

/// An incoming call not answered yet (`Endpoint::unanswered_incoming`).
struct Unanswered {
    /// The server transaction of their INVITE.
    key: ServerKey,
    invite: Request,
    /// Our To tag, chosen when the call arrived.
    tag: String,
    transport: Transport,
}

/// The CSeq number of a request that passed validation or that we built (either way it
/// has exactly one CSeq).
pub(super) fn cseq_number(request: &Request) -> u32 {
    request
        .headers
        .get(&HeaderName::CSeq)
        .and_then(|c| crate::message::CSeq::parse(c).ok())
        .map_or(0, |c| c.seq)
}

/// Copies the request's Record-Route into a response that creates a dialog (a tagged
/// 1xx or the 2xx), in order (RFC 3261 12.1.1).
fn echo_record_route(request: &Request, response: &mut Response) {
    for record_route in request.headers.get_all(&HeaderName::RecordRoute) {
        response
            .headers
            .push(HeaderName::RecordRoute, record_route.to_owned());
    }
}
