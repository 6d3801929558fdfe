//! What the endpoint does with each request and response that arrives.

use std::time::Instant;

use bytes::Bytes;

use crate::dialog::session_timer::{
    parse_min_se, parse_session_expires, SessionTimerDecision, SessionTimerRequest,
};
use crate::dialog::{Dialog, DialogId};
use crate::message::{
    validate_request, CSeq, HeaderName, Method, NameAddr, ParseError, Request, Response, Scheme,
    Via,
};
use crate::transaction::{InviteServer, InviteServerState, NonInviteServer};

use super::build::{self, ACCEPTED_BODIES, ALLOWED_METHODS, SUPPORTED_OPTIONS};
use super::call::{Call, CallState, Direction, PendingReoffer};
use super::routing::response_destination;
use super::server::{ServerKey, ServerMachine, ServerTransaction};
use super::types::{CallEndReason, CallHandle, Event, IncomingCall, Peer, ReofferMethod, Transmit};
use super::Endpoint;

impl Endpoint {
    pub(super) fn handle_request(&mut self, now: Instant, source: Peer, request: Request) {
        if let Err(error) = validate_request(&request) {
            // An ACK is never answered (RFC 3261 17.2.1): there is no transaction for it.
            if request.method != Method::Ack {
                tracing::debug!(from = %source.addr, %error, "refusing an invalid request");
                // Strangers learn nothing about our parser: a plain 403, as for valid requests.
                let (status, reason) = if self.serves_source(source) {
                    (error.status_code(), error.to_string())
                } else {
                    (403, "Forbidden".to_owned())
                };
                self.reply_stateless(source, &request, status, &reason);
            }
            return;
        }
        if request.method == Method::Ack {
            self.handle_ack(now, &request);
            return;
        }
        let Some(key) = ServerKey::of(&request, None) else {
            self.reply_stateless(source, &request, 400, "Missing or bad Via");
            return;
        };
        if let Some(transaction) = self.servers.get_mut(&key) {
            // A retransmission: the transaction resends its last response, if any
            // (RFC 3261 17.2.1 and 17.2.2); the TU never sees it again.
            match &mut transaction.machine {
                ServerMachine::Invite(machine) => machine.handle_request_retransmission(now),
                ServerMachine::NonInvite(machine) => machine.handle_request_retransmission(now),
            }
            return;
        }
        // Before any transaction, 100 Trying or precheck answer: a source no trunk could
        // admit gets one stateless response, so a spoofed request is not amplified by
        // retransmissions and a scanner learns nothing of what we support.
        // A To tag makes it a request inside a dialog (RFC 3261 12.2.2, 8.2.2.2).
        let in_dialog = request
            .headers
            .get(&HeaderName::To)
            .and_then(|to| NameAddr::parse(to).ok())
            .is_some_and(|to| to.tag().is_some());
        if self.refuse_untrusted(source, &request, in_dialog) {
            return;
        }
        if request.method == Method::Cancel {
            self.handle_cancel(now, source, request, key);
            return;
        }
        if let Some((status, reason)) = Self::precheck(&request) {
            let mut response = self.response_to(&request, status, reason);
            if status == 420 {
                let unsupported = unsupported_requirements(&request).join(", ");
                response.headers.push(HeaderName::Unsupported, unsupported);
            }
            if status == 405 || status == 501 {
                response.headers.push(HeaderName::Allow, ALLOWED_METHODS);
            }
            // RFC 3261 21.4.13: a 415 MUST say which formats we do take.
            if status == 415 {
                response.headers.push(HeaderName::Accept, ACCEPTED_BODIES);
            }
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        }
        if in_dialog {
            self.handle_in_dialog(now, source, request, key);
        } else {
            self.handle_out_of_dialog(now, source, request, key);
        }
    }

    /// Checks every new request passes before we act on it, in RFC 3261 8.2 order.
    fn precheck(request: &Request) -> Option<(u16, &'static str)> {
        let known = matches!(
            request.method,
            Method::Invite
                | Method::Ack
                | Method::Cancel
                | Method::Bye
                | Method::Options
                | Method::Update
                | Method::Info
        );
        if !known {
            // 8.2.1: 501 for methods we do not know at all, 405 for SIP methods we
            // know but do not serve (we are no registrar, presence or transfer server).
            return Some(match request.method {
                Method::Extension(_) => (501, "Not Implemented"),
                _ => (405, "Method Not Allowed"),
            });
        }
        // 8.2.2.1: we serve sip:, sips: and tel: Request-URIs only.
        if !matches!(
            request.uri.scheme(),
            Scheme::Sip | Scheme::Sips | Scheme::Tel
        ) {
            return Some((416, "Unsupported URI Scheme"));
        }
        // A request that arrives with no hops left has looped through proxies. OPTIONS
        // is the exception: a probe with Max-Forwards 0 asks us to answer ourselves
        // (RFC 3261 11 and RFC 4475 3.3.11).
        let max_forwards = request.headers.get(&HeaderName::MaxForwards);
        if request.method != Method::Options && max_forwards.map(str::trim) == Some("0") {
            return Some((483, "Too Many Hops"));
        }
        // 8.2.2.3: every Require tag must be one we support (CANCEL excepted).
        if request.method != Method::Cancel && !unsupported_requirements(request).is_empty() {
            return Some((420, "Bad Extension"));
        }
        // 8.2.3 and 21.4.7: they accept no body type we could answer with.
        if matches!(request.method, Method::Invite | Method::Options) && !accepts_sdp(request) {
            return Some((406, "Not Acceptable"));
        }
        // 8.2.3: a body we cannot read. Only INVITE and UPDATE bodies matter to us;
        // INFO bodies go to the call logic as they are.
        if matches!(request.method, Method::Invite | Method::Update)
            && !request.body.is_empty()
            && !build::is_sdp(&request.headers)
        {
            return Some((415, "Unsupported Media Type"));
        }
        None
    }

    fn handle_out_of_dialog(
        &mut self,
        now: Instant,
        source: Peer,
        request: Request,
        key: ServerKey,
    ) {
        match request.method {
            Method::Invite => self.handle_new_invite(now, source, request, key),
            Method::Options => {
                let response = build::with_capabilities(self.response_to(&request, 200, "OK"));
                self.respond_new_transaction(now, source, &request, key, response);
            }
            _ => {
                let response = self.response_to(&request, 481, "Call/Transaction Does Not Exist");
                self.respond_new_transaction(now, source, &request, key, response);
            }
        }
    }

    fn handle_new_invite(&mut self, now: Instant, source: Peer, request: Request, key: ServerKey) {
        if self.is_merged_invite(&request) {
            // RFC 3261 8.2.2.2: the same INVITE forked back to us along another path
            // (same Call-ID, From tag and CSeq, another branch). A second call for it
            // would answer the caller twice.
            let response = self.response_to(&request, 482, "Loop Detected");
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        }
        let respond_to = response_destination(source, top_via(&request).as_ref());
        let mut machine = InviteServer::new(now, Self::transport_kind(source), self.config.timers);
        // We send 100 at once rather than after 200 ms (RFC 3261 17.2.1): the call logic
        // may take longer (admission, database) and trunks retransmit eagerly.
        let trying = build::response(&self.config, &request, 100, "Trying", "");
        let _ = machine.send_response(now, 100, trying.to_bytes());
        self.servers.insert(
            key.clone(),
            ServerTransaction {
                respond_to,
                machine: ServerMachine::Invite(machine),
            },
        );
        self.servers.flush(&key, &mut self.transmits);

        let local_tag = self.new_tag();
        if let SessionTimerDecision::TooSmall { min_se } = self.session_timer_decision(&request) {
            let mut response =
                self.response_with_tag(&request, 422, "Session Interval Too Small", &local_tag);
            response.headers.push(HeaderName::MinSE, min_se.to_string());
            self.send_final(now, &key, response);
            return;
        }
        let Some(dialog) = Dialog::as_uas(&request, &local_tag, self.rng_cseq()) else {
            self.reply_in_transaction(
                now,
                &key,
                &request,
                400,
                "Bad From, To, Contact or Record-Route",
                &local_tag,
            );
            return;
        };
        let handle = CallHandle(self.next_call);
        self.next_call += 1;
        let offer = (!request.body.is_empty()).then(|| request.body.clone());
        let peer_allows_update = request
            .headers
            .values(&HeaderName::Allow)
            .iter()
            .any(|method| method.trim().eq_ignore_ascii_case("UPDATE"));
        let call = Call {
            handle,
            state: CallState::Incoming,
            peer: respond_to,
            source,
            invite: request.clone(),
            direction: Direction::Incoming {
                invite_server: key.clone(),
            },
            dialog,
            invite_had_offer: offer.is_some(),
            two_xx: None,
            two_xx_cseq: 0,
            ack_brings_answer: false,
            pending_reoffer: None,
            own_request_in_flight: false,
            session_timer: None,
            local_sdp: Bytes::new(),
            peer_allows_update,
        };
        self.calls_by_dialog.insert(call.dialog.id.clone(), handle);
        self.calls_by_invite.insert(key, handle);
        self.calls.insert(handle, call);
        self.events
            .push_back(Event::IncomingCall(Box::new(IncomingCall {
                call: handle,
                source,
                invite: request,
                offer,
            })));
    }

    /// Whether an INVITE without a To tag repeats one a call of ours already came from:
    /// a retransmission would have matched its transaction, so this is another branch.
    /// Only INVITEs are checked; a merged OPTIONS costs nothing. A linear scan over the
    /// calls, which number in the hundreds, for new INVITEs only.
    fn is_merged_invite(&self, request: &Request) -> bool {
        let headers = &request.headers;
        let Some(call_id) = headers.get(&HeaderName::CallId).map(str::trim) else {
            return false;
        };
        let Some(cseq) = headers
            .get(&HeaderName::CSeq)
            .and_then(|c| CSeq::parse(c).ok())
        else {
            return false;
        };
        let from_tag = headers
            .get(&HeaderName::From)
            .and_then(|from| NameAddr::parse(from).ok())
            .map(|from| from.tag().unwrap_or_default().to_owned())
            .unwrap_or_default();
        self.calls.values().any(|call| {
            matches!(call.direction, Direction::Incoming { .. })
                && call.dialog.id.call_id == call_id
                && call.dialog.id.remote_tag == from_tag
                && call
                    .invite
                    .headers
                    .get(&HeaderName::CSeq)
                    .and_then(|c| CSeq::parse(c).ok())
                    .is_some_and(|theirs| theirs.seq == cseq.seq)
        })
    }

    fn handle_cancel(&mut self, now: Instant, source: Peer, cancel: Request, key: ServerKey) {
        // RFC 3261 9.2: a CANCEL is answered 200 whenever the INVITE server transaction
        // it names still exists, in whatever state (a final response already sent, or a
        // re-INVITE waiting for the call logic); 481 only when there is none.
        let invite_key = ServerKey::of(&cancel, Some(Method::Invite))
            .filter(|invite_key| self.servers.get_mut(invite_key).is_some());
        let Some(invite_key) = invite_key else {
            let response = self.response_to(&cancel, 481, "Call/Transaction Does Not Exist");
            self.respond_new_transaction(now, source, &cancel, key, response);
            return;
        };
        // The CANCEL's 200 SHOULD carry the To tag of the INVITE's responses (9.2); a
        // fresh one would look like a second dialog to the caller. A re-INVITE's CANCEL
        // already carries our tag. After the call is forgotten (rejected), the tag is
        // gone with it and a fresh one is all we can give.
        let initial = self.calls_by_invite.get(&invite_key).copied();
        let ok = match initial.and_then(|handle| self.calls.get(&handle)) {
            Some(call) => {
                let tag = call.dialog.id.local_tag.clone();
                self.response_with_tag(&cancel, 200, "OK", &tag)
            }
            None => self.response_to(&cancel, 200, "OK"),
        };
        self.respond_new_transaction(now, source, &cancel, key, ok);

        if let Some(handle) = initial {
            let still_ringing = self
                .calls
                .get(&handle)
                .is_some_and(|c| c.state == CallState::Incoming);
            if still_ringing {
                self.terminate_unanswered_invite(now, handle);
                self.forget_call(now, handle, CallEndReason::Cancelled);
            }
            // A CANCEL after our final response changes nothing (RFC 3261 9.2).
            return;
        }
        // A re-INVITE the call logic has not answered yet: 487 ends its transaction
        // (9.2) and the call goes on with the session it had; a later `answer_reoffer`
        // finds nothing pending.
        let reinvite = self.call_for_in_dialog(&cancel).and_then(|handle| {
            let call = self.calls.get_mut(&handle)?;
            if call.pending_reoffer.as_ref()?.server != invite_key {
                return None;
            }
            call.pending_reoffer.take()
        });
        if let Some(pending) = reinvite {
            let response = self.response_to(&pending.request, 487, "Request Terminated");
            self.send_final(now, &pending.server, response);
        }
    }

    fn handle_ack(&mut self, now: Instant, ack: &Request) {
        // An ACK for a non-2xx final belongs to the INVITE transaction (17.2.1).
        if let Some(key) = ServerKey::of(ack, Some(Method::Invite)) {
            if let Some(transaction) = self.servers.get_mut(&key) {
                if let ServerMachine::Invite(machine) = &mut transaction.machine {
                    if machine.state() != InviteServerState::Accepted {
                        machine.handle_ack(now);
                        return;
                    }
                }
            }
        }
        // An ACK for a 2xx is its own transaction inside the dialog (13.2.2.4).
        let Some(handle) = self.call_for_in_dialog(ack) else {
            return;
        };
        let cseq = ack
            .headers
            .get(&HeaderName::CSeq)
            .and_then(|c| CSeq::parse(c).ok());
        let Some(call) = self.calls.get_mut(&handle) else {
            return;
        };
        if call.two_xx.is_none() || cseq.map(|c| c.seq) != Some(call.two_xx_cseq) {
            return; // a retransmitted or stray ACK
        }
        call.two_xx = None;
        if call.state == CallState::Answered {
            call.state = CallState::Confirmed;
            self.events.push_back(Event::CallConfirmed { call: handle });
        }
        if call.ack_brings_answer {
            call.ack_brings_answer = false;
            if ack.body.is_empty() || !build::is_sdp(&ack.headers) {
                tracing::info!(call = %handle, "ACK without the SDP answer we need; ending the call");
                self.end_call_with_bye(now, handle, CallEndReason::LocalHangup);
                return;
            }
            self.events.push_back(Event::AnswerInAck {
                call: handle,
                sdp: ack.body.clone(),
            });
        }
    }

    fn handle_in_dialog(&mut self, now: Instant, source: Peer, request: Request, key: ServerKey) {
        let Some(handle) = self.call_for_in_dialog(&request) else {
            let response = self.response_to(&request, 481, "Call/Transaction Does Not Exist");
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        };
        let cseq = request
            .headers
            .get(&HeaderName::CSeq)
            .and_then(|c| CSeq::parse(c).ok());
        let stale = match (self.calls.get_mut(&handle), cseq) {
            (Some(call), Some(cseq)) => call.dialog.accept_remote_cseq(cseq.seq).is_err(),
            _ => true,
        };
        if stale {
            // RFC 3261 12.2.2: lower CSeq than the last one seen.
            let response = self.response_to(&request, 500, "Stale CSeq");
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        }
        match request.method {
            Method::Bye => {
                let ok = self.response_to(&request, 200, "OK");
                self.respond_new_transaction(now, source, &request, key, ok);
                self.terminate_unanswered_invite(now, handle);
                self.forget_call(now, handle, CallEndReason::RemoteBye);
            }
            Method::Invite | Method::Update => {
                self.handle_reoffer(now, source, request, key, handle)
            }
            Method::Info => {
                let ok = self.response_to(&request, 200, "OK");
                self.respond_new_transaction(now, source, &request, key, ok);
                let content_type = request
                    .headers
                    .get(&HeaderName::ContentType)
                    .map(str::to_owned);
                self.events.push_back(Event::Info {
                    call: handle,
                    content_type,
                    body: request.body,
                });
            }
            _ => {
                let response = build::with_capabilities(self.response_to(&request, 200, "OK"));
                self.respond_new_transaction(now, source, &request, key, response);
            }
        }
    }

    fn handle_reoffer(
        &mut self,
        now: Instant,
        source: Peer,
        request: Request,
        key: ServerKey,
        handle: CallHandle,
    ) {
        let method = if request.method == Method::Invite {
            ReofferMethod::Invite
        } else {
            ReofferMethod::Update
        };
        let Some(call) = self.calls.get(&handle) else {
            return;
        };
        let (busy_status, busy_reason) = if call.own_request_in_flight {
            (491, "Request Pending") // RFC 3261 14.2 glare
        } else if call.pending_reoffer.is_some()
            || (method == ReofferMethod::Invite && call.two_xx.is_some())
        {
            (500, "Server Internal Error") // 14.2: previous INVITE still unanswered
        } else {
            (0, "")
        };
        if call.state == CallState::Incoming && method == ReofferMethod::Invite {
            let response = self.response_to(&request, 491, "Request Pending");
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        }
        // RFC 3311 5.2: an UPDATE offer while an offer/answer exchange is open. Their
        // offer in the INVITE is unanswered until our 2xx (we send no reliable 1xx):
        // 500 with a random Retry-After of 0 to 10 s. Our offer in a 2xx awaits its
        // answer in the ACK: 491. Without this the call logic would answer the UPDATE,
        // and the 2xx to the INVITE would then carry an answer to a stale offer.
        if method == ReofferMethod::Update && !request.body.is_empty() {
            let theirs_unanswered = call.state == CallState::Incoming && call.invite_had_offer;
            let ours_unanswered = call.two_xx.is_some() && call.ack_brings_answer;
            if theirs_unanswered {
                use rand::Rng;
                let retry_after = self.rng.gen_range(0..=10u32);
                let mut response = self.response_to(&request, 500, "Server Internal Error");
                response
                    .headers
                    .push(HeaderName::RetryAfter, retry_after.to_string());
                self.respond_new_transaction(now, source, &request, key, response);
                return;
            }
            if ours_unanswered {
                let response = self.response_to(&request, 491, "Request Pending");
                self.respond_new_transaction(now, source, &request, key, response);
                return;
            }
        }
        if busy_status != 0 {
            let mut response = self.response_to(&request, busy_status, busy_reason);
            if busy_status == 500 {
                response.headers.push(HeaderName::RetryAfter, "1");
            }
            self.respond_new_transaction(now, source, &request, key, response);
            return;
        }
        let respond_to = response_destination(source, top_via(&request).as_ref());
        let machine = match method {
            ReofferMethod::Invite => {
                let mut machine =
                    InviteServer::new(now, Self::transport_kind(source), self.config.timers);
                let trying = build::response(&self.config, &request, 100, "Trying", "");
                let _ = machine.send_response(now, 100, trying.to_bytes());
                ServerMachine::Invite(machine)
            }
            ReofferMethod::Update => ServerMachine::NonInvite(NonInviteServer::new(
                now,
                Self::transport_kind(source),
                self.config.timers,
            )),
        };
        self.servers.insert(
            key.clone(),
            ServerTransaction {
                respond_to,
                machine,
            },
        );
        self.servers.flush(&key, &mut self.transmits);
        if let SessionTimerDecision::TooSmall { min_se } = self.session_timer_decision(&request) {
            let mut response = self.response_to(&request, 422, "Session Interval Too Small");
            response.headers.push(HeaderName::MinSE, min_se.to_string());
            self.send_final(now, &key, response);
            return;
        }
        // The remote target moves only when the target refresh succeeds (RFC 6141
        // section 3.4 and 4): a re-INVITE or UPDATE we refuse, or that is still waiting for
        // the call logic, leaves it where it was. `answer_reoffer` moves it on a 2xx.
        let offer = (!request.body.is_empty()).then(|| request.body.clone());
        if offer.is_none() && method == ReofferMethod::Update {
            // An UPDATE without a body only refreshes the session (RFC 4028 section 9),
            // and is answered 200 at once: that success refreshes the target.
            if let Some(call) = self.calls.get_mut(&handle) {
                call.dialog.refresh_target(&request);
            }
            let response = self.session_refresh_response(now, handle, &request, None);
            self.send_final(now, &key, response);
            return;
        }
        if let Some(call) = self.calls.get_mut(&handle) {
            call.pending_reoffer = Some(PendingReoffer {
                method,
                request,
                server: key,
                had_offer: offer.is_some(),
            });
        }
        self.events.push_back(Event::Reoffer {
            call: handle,
            offer,
            method,
        });
    }

    /// A message too broken to parse: answer 400 if we can still tell where to, so the
    /// sender learns why instead of retransmitting into silence.
    pub(super) fn reply_to_unparseable(&mut self, source: Peer, bytes: &Bytes, error: &ParseError) {
        tracing::debug!(from = %source.addr, %error, "unparseable SIP message");
        let Some(context) = crate::message::parse_for_error_reply(bytes) else {
            return;
        };
        let tag = self.new_tag();
        let mut response = if self.serves_source(source) {
            context.response(error.status_code(), &sanitize_reason(&error.to_string()))
        } else {
            context.response(403, "Forbidden")
        };
        if let Some(to) = response
            .headers
            .get(&HeaderName::To)
            .and_then(|to| NameAddr::parse(to).ok())
        {
            if to.tag().is_none() {
                response
                    .headers
                    .set(HeaderName::To, to.with_tag(&tag).to_string());
            }
        }
        response
            .headers
            .push(HeaderName::Server, self.config.product.clone());
        let top = top_via_of(&response.headers);
        let to = response_destination(source, top.as_ref());
        self.transmits.push_back(Transmit {
            to,
            bytes: response.to_bytes(),
        });
    }

    /// A response sent outside any transaction: for requests we refuse before one exists.
    pub(super) fn reply_stateless(
        &mut self,
        source: Peer,
        request: &Request,
        status: u16,
        reason: &str,
    ) {
        let tag = self.new_tag();
        let response = build::response(
            &self.config,
            request,
            status,
            &sanitize_reason(reason),
            &tag,
        );
        let to = response_destination(source, top_via(request).as_ref());
        self.transmits.push_back(Transmit {
            to,
            bytes: response.to_bytes(),
        });
    }

    /// Starts a server transaction for a request we answer at once and sends its final
    /// response through it: an INVITE server transaction for an INVITE (so the final is
    /// retransmitted until ACKed, RFC 3261 17.2.1), a non-INVITE one otherwise.
    pub(super) fn respond_new_transaction(
        &mut self,
        now: Instant,
        source: Peer,
        request: &Request,
        key: ServerKey,
        response: Response,
    ) {
        let respond_to = response_destination(source, top_via(request).as_ref());
        let kind = Self::transport_kind(source);
        let machine = if request.method == Method::Invite {
            let mut machine = InviteServer::new(now, kind, self.config.timers);
            let _ = machine.send_response(now, response.status, response.to_bytes());
            ServerMachine::Invite(machine)
        } else {
            let mut machine = NonInviteServer::new(now, kind, self.config.timers);
            let _ = machine.send_response(now, response.status, response.to_bytes());
            ServerMachine::NonInvite(machine)
        };
        self.servers.insert(
            key.clone(),
            ServerTransaction {
                respond_to,
                machine,
            },
        );
        self.servers.flush(&key, &mut self.transmits);
    }

    /// Sends a final response through an existing server transaction.
    pub(super) fn send_final(&mut self, now: Instant, key: &ServerKey, response: Response) {
        let Some(transaction) = self.servers.get_mut(key) else {
            return;
        };
        let status = response.status;
        let bytes = response.to_bytes();
        let _ = match &mut transaction.machine {
            ServerMachine::Invite(machine) => machine.send_response(now, status, bytes),
            ServerMachine::NonInvite(machine) => machine.send_response(now, status, bytes),
        };
        self.servers.flush(key, &mut self.transmits);
    }

    fn reply_in_transaction(
        &mut self,
        now: Instant,
        key: &ServerKey,
        request: &Request,
        status: u16,
        reason: &str,
        tag: &str,
    ) {
        let tag = if tag.is_empty() {
            self.new_tag()
        } else {
            tag.to_owned()
        };
        let response = self.response_with_tag(request, status, reason, &tag);
        self.send_final(now, key, response);
    }

    pub(super) fn response_to(&mut self, request: &Request, status: u16, reason: &str) -> Response {
        let tag = self
            .call_for_in_dialog(request)
            .and_then(|h| self.calls.get(&h))
            .map(|c| c.dialog.id.local_tag.clone())
            .unwrap_or_else(|| self.new_tag());
        self.response_with_tag(request, status, reason, &tag)
    }

    pub(super) fn response_with_tag(
        &self,
        request: &Request,
        status: u16,
        reason: &str,
        tag: &str,
    ) -> Response {
        build::response(&self.config, request, status, reason, tag)
    }

    pub(super) fn call_for_in_dialog(&self, request: &Request) -> Option<CallHandle> {
        let headers = &request.headers;
        let call_id = headers.get(&HeaderName::CallId)?.trim().to_owned();
        let local_tag = NameAddr::parse(headers.get(&HeaderName::To)?)
            .ok()?
            .tag()?
            .to_owned();
        // An RFC 2543 peer may send no From tag; its dialog's remote tag is empty
        // (RFC 3261 12.1.1), so its in-dialog requests must still find the call.
        let remote_tag = NameAddr::parse(headers.get(&HeaderName::From)?)
            .ok()?
            .tag()
            .unwrap_or_default()
            .to_owned();
        self.calls_by_dialog
            .get(&DialogId {
                call_id,
                local_tag,
                remote_tag,
            })
            .copied()
    }

    pub(super) fn session_timer_decision(&self, request: &Request) -> SessionTimerDecision {
        let headers = &request.headers;
        let (session_expires, refresher) = headers
            .get(&HeaderName::SessionExpires)
            .and_then(parse_session_expires)
            .map_or((None, None), |(s, r)| (Some(s), r));
        let timer_tag = |name: &HeaderName| {
            headers
                .values(name)
                .iter()
                .any(|tag| tag.trim().eq_ignore_ascii_case("timer"))
        };
        let uac_supports_timer =
            timer_tag(&HeaderName::Supported) || timer_tag(&HeaderName::Require);
        self.config.session_timer.decide(&SessionTimerRequest {
            session_expires,
            refresher,
            min_se: headers.get(&HeaderName::MinSE).and_then(parse_min_se),
            uac_supports_timer,
        })
    }

    /// If an INVITE is still unanswered when the dialog ends, it gets 487 (RFC 3261 15.1.2).
    pub(super) fn terminate_unanswered_invite(&mut self, now: Instant, handle: CallHandle) {
        let Some(call) = self.calls.get(&handle) else {
            return;
        };
        if call.state != CallState::Incoming {
            return;
        }
        let Some(key) = call.invite_server().cloned() else {
            return;
        };
        let (invite, tag) = (call.invite.clone(), call.dialog.id.local_tag.clone());
        let response = self.response_with_tag(&invite, 487, "Request Terminated", &tag);
        self.send_final(now, &key, response);
    }

    /// Drops a call's state and tells the call logic, once.
    ///
    /// A re-INVITE or UPDATE still waiting for the call logic is answered 487 first:
    /// RFC 3261 15.1.2 wants pending requests answered when the dialog ends, and
    /// otherwise its server transaction would wait in Proceeding for ever (no timer runs
    /// there), leaking and leaving the peer retransmitting into silence.
    pub(super) fn forget_call(&mut self, now: Instant, handle: CallHandle, reason: CallEndReason) {
        let pending = self
            .calls
            .get_mut(&handle)
            .and_then(|call| call.pending_reoffer.take());
        if let Some(pending) = pending {
            let response = self.response_to(&pending.request, 487, "Request Terminated");
            self.send_final(now, &pending.server, response);
        }
        let Some(call) = self.calls.remove(&handle) else {
            return;
        };
        self.calls_by_dialog.remove(&call.dialog.id);
        if let Some(key) = call.invite_server() {
            self.calls_by_invite.remove(key);
        }
        self.events.push_back(Event::CallEnded {
            call: handle,
            reason,
        });
    }

    pub(super) fn rng_cseq(&mut self) -> u32 {
        // Our first CSeq in the dialog; any value below 2**31 will do (RFC 3261 8.1.1.5).
        use rand::Rng;
        self.rng.gen_range(1..=0x7fff_ffff / 2)
    }
}

fn top_via(request: &Request) -> Option<Via> {
    top_via_of(&request.headers)
}

pub(super) fn top_via_of(headers: &crate::message::Headers) -> Option<Via> {
    Via::parse(headers.values(&HeaderName::Via).first()?).ok()
}

/// Whether the Accept header, if any, admits `application/sdp` (RFC 3261 20.1).
fn accepts_sdp(request: &Request) -> bool {
    let ranges = request.headers.values(&HeaderName::Accept);
    if ranges.is_empty() {
        return true;
    }
    ranges.iter().any(|range| {
        let media = range.split(';').next().unwrap_or_default().trim();
        ["application/sdp", "application/*", "*/*"]
            .iter()
            .any(|ok| media.eq_ignore_ascii_case(ok))
    })
}

fn unsupported_requirements(request: &Request) -> Vec<String> {
    request
        .headers
        .values(&HeaderName::Require)
        .into_iter()
        .map(str::trim)
        .filter(|tag| {
            !tag.is_empty()
                && !SUPPORTED_OPTIONS
                    .iter()
                    .any(|ours| ours.eq_ignore_ascii_case(tag))
        })
        .map(str::to_owned)
        .collect()
}

/// A reason phrase must be one line of printable text.
fn sanitize_reason(reason: &str) -> String {
    let cleaned: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "Bad Request".to_owned()
    } else {
        cleaned.to_owned()
    }
}
