//! Call logic for the front door: who may call (trunk admission), which number they
//! dialled, a media port and an SDP answer for those admitted, and cleanup when calls end.
//!
//! An answered call's RTP and RTCP ports are bound for its lifetime and handed to the
//! media engine, which owns everything that happens to its audio. Calls we place
//! (dial-out) live beside them; `outbound` follows those.

mod outbound;

pub use outbound::DialOuts;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use dialbridge_sdp::{LocalMedia, NegotiationError, SessionOrigin, SessionVersion};
use dialbridge_sip::endpoint::{CallHandle, Endpoint, Event, IncomingCall, SourcePolicy};
use dialbridge_sip::message::{HeaderName, Scheme};
use dialbridge_sip::trunk::{
    normalize_called_number, Admission, CalledNumberFrom, InboundRequest, TrunkTable,
};
use rand::RngCore;

use dialbridge_admin::services::{AdminService, CallRecordInput};

use crate::dialin::{DialIn, DialInInput};
use dialbridge_media::sip_info_dtmf::{parse_sip_info_dtmf, SipInfoDtmfFormat};

use crate::media_engine::{
    CallMediaSetup, MediaEngine, MediaEvent, MediaStats, StreamParameters, WorkerCommand,
};
use crate::rtp_ports::{RtpPortLease, RtpPortPool};

/// Counters the HTTP health endpoint and the logs report.
#[derive(Debug, Default)]
pub struct CallStats {
    pub active: AtomicU64,
    pub answered_total: AtomicU64,
    /// Calls the call logic refused (admission, number, SDP, ports).
    pub refused_total: AtomicU64,
    /// Requests the endpoint refused statelessly because no trunk trusts their source;
    /// shared with the endpoint, which counts them before any call exists.
    pub refused_untrusted: Arc<AtomicU64>,
}

/// Which sources the endpoint serves statefully: those a trunk lists, or everyone when a
/// credentials-only trunk exists, since any source may then authenticate (the admission
/// rules in `dialbridge_sip::trunk::table`). With no trunk at all nobody is served.
pub fn source_policy(trunks: &TrunkTable) -> SourcePolicy {
    SourcePolicy {
        trusted: trunks
            .iter()
            .flat_map(|(_, trunk)| trunk.sources().iter().copied())
            .collect(),
        challenge_unknown: trunks
            .iter()
            .any(|(_, trunk)| trunk.sources().is_empty() && trunk.username().is_some()),
    }
}

#[derive(Debug, Clone)]
enum Route {
    /// The IVR: greeting, conference ID, PIN.
    DialIn,
    /// Straight into this conference.
    Direct(String),
    /// A call we placed; the dial-in flow learns of it once answered.
    Outbound,
}

struct ActiveCall {
    trunk: String,
    called: String,
    origin: SessionOrigin,
    local_media: LocalMedia,
    /// What we offered when the INVITE had no SDP; the ACK's answer is checked against it.
    our_offer: Option<dialbridge_sdp::Offer>,
    /// Holds the ports; the media worker owns clones of the sockets.
    _lease: RtpPortLease,
    /// What the dial-in flow does once the call is answered.
    route: Route,
    /// The caller's number from the From header, for the roster.
    caller_number: Option<String>,
    /// Unix seconds, for the call detail record.
    started_unix: i64,
    answered_unix: Option<i64>,
    answered_at: Instant,
    /// Set for a call we placed.
    outbound: Option<Box<outbound::OutboundLeg>>,
}

pub struct CallControl {
    trunks: TrunkTable,
    ports: Arc<RtpPortPool>,
    media_address: IpAddr,
    calls: HashMap<CallHandle, ActiveCall>,
    /// Calls sent 180 Ringing and answered when their time comes (`answer_after`).
    ringing: Vec<(Instant, CallHandle, Bytes)>,
    answer_after: Duration,
    stats: Arc<CallStats>,
    media: MediaEngine,
    /// Called numbers routed straight into a named conference, without the IVR.
    direct_routes: HashMap<String, String>,
    dial_in: DialIn,
    media_stats: Arc<MediaStats>,
    admin: Arc<AdminService>,
    dial_outs: DialOuts,
}

/// Where answered calls go: the media engine for their audio, the dial-in flow (or a
/// direct conference) for what happens in them.
pub struct AnsweredCalls {
    pub admin: Arc<AdminService>,
    pub media: MediaEngine,
    pub media_stats: Arc<MediaStats>,
    /// Called numbers routed straight into a named conference, without the IVR.
    pub direct_routes: HashMap<String, String>,
    pub dial_in: DialIn,
    pub dial_outs: DialOuts,
}

impl CallControl {
    pub fn new(
        trunks: TrunkTable,
        ports: Arc<RtpPortPool>,
        media_address: IpAddr,
        answer_after: Duration,
        stats: Arc<CallStats>,
        answered: AnsweredCalls,
    ) -> Self {
        let AnsweredCalls {
            admin,
            media,
            media_stats,
            direct_routes,
            dial_in,
            dial_outs,
        } = answered;
        CallControl {
            trunks,
            ports,
            media_address,
            calls: HashMap::new(),
            ringing: Vec::new(),
            answer_after,
            stats,
            media,
            direct_routes,
            dial_in,
            media_stats,
            admin,
            dial_outs,
        }
    }

    /// What a media worker reported about one of our calls.
    pub fn handle_media_event(&mut self, endpoint: &mut Endpoint, now: Instant, event: MediaEvent) {
        if let MediaEvent::Digit { call, digit } = &event {
            tracing::debug!(%call, digit = %digit.as_char(), "DTMF");
        }
        self.dial_in.handle_media_event(&mut self.media, now, event);
        self.after_dial_in(endpoint, now);
    }

    /// An answer from the admin services for the dial-in flow.
    pub fn handle_dial_in_input(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        input: DialInInput,
    ) {
        match input {
            DialInInput::DialOut(job) => self.place_dial_out(endpoint, now, *job),
            input => self.dial_in.handle_input(&mut self.media, now, input),
        }
        self.after_dial_in(endpoint, now);
    }

    /// SIP INFO DTMF (`application/dtmf-relay`, `application/dtmf`): the endpoint has
    /// answered the INFO already; the key goes the same way as an RFC 4733 one.
    fn on_info(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        call: CallHandle,
        content_type: Option<&str>,
        body: &[u8],
    ) {
        let Some(format) = content_type.and_then(SipInfoDtmfFormat::from_content_type) else {
            tracing::debug!(%call, ?content_type, "INFO without DTMF ignored");
            return;
        };
        match parse_sip_info_dtmf(format, body) {
            Ok(dtmf) => {
                MediaStats::add(&self.media_stats.dtmf_digits, 1);
                self.handle_media_event(
                    endpoint,
                    now,
                    MediaEvent::Digit {
                        call,
                        digit: dtmf.digit,
                    },
                );
            }
            Err(error) => tracing::info!(%call, %error, "INFO DTMF body not understood"),
        }
    }

    /// Carries out what the dial-in flow asked for: hang-ups, dial-outs, joins to log.
    fn after_dial_in(&mut self, endpoint: &mut Endpoint, now: Instant) {
        loop {
            let hangups = self.dial_in.take_hangups();
            let requests = self.dial_in.take_outbound_requests();
            if hangups.is_empty() && requests.is_empty() {
                return;
            }
            for call in hangups {
                if self.calls.contains_key(&call) {
                    let _ = endpoint.hangup(now, call);
                }
            }
            for request in requests {
                self.handle_outbound_request(endpoint, now, request);
            }
        }
    }

    pub fn handle_event(&mut self, endpoint: &mut Endpoint, now: Instant, event: Event) {
        match event {
            Event::IncomingCall(incoming) => self.on_incoming(endpoint, now, *incoming),
            Event::CallConfirmed { call } => tracing::debug!(%call, "call confirmed by ACK"),
            Event::AnswerInAck { call, sdp } => self.on_answer_in_ack(endpoint, now, call, &sdp),
            Event::Reoffer { call, offer, .. } => self.on_reoffer(endpoint, now, call, offer),
            Event::Info {
                call,
                content_type,
                body,
            } => self.on_info(endpoint, now, call, content_type.as_deref(), &body),
            Event::CallEnded { call, reason } => {
                self.on_ended(call, reason);
                self.after_dial_in(endpoint, now);
            }
            Event::CallProgress { call, status, .. } => self.on_outbound_progress(call, status),
            Event::CallAnswered { call, sdp } => {
                self.on_outbound_answered(endpoint, now, call, &sdp)
            }
            Event::OfferInAnswer { call, .. } => {
                // Every INVITE we send carries an offer, so a 2xx offering is a broken peer.
                tracing::warn!(%call, "offer in a 2xx to our offer; ending the call");
                let _ = endpoint.hangup(now, call);
            }
            Event::CallFailed {
                call,
                status,
                reason,
            } => {
                self.on_outbound_failed(call, status, &reason);
                self.after_dial_in(endpoint, now);
            }
        }
    }

    /// Logs what became of the outbound trunks' registrations.
    pub fn note_registration_events(&mut self, endpoint: &mut Endpoint) {
        self.dial_outs.trunks.note_registration_events(endpoint);
    }

    /// On shutdown: BYE to every answered call, so carriers stop billing at once.
    pub fn hang_up_all(&mut self, endpoint: &mut Endpoint, now: Instant) {
        let handles: Vec<(CallHandle, bool)> = self
            .calls
            .iter()
            .map(|(call, active)| {
                let ringing_out = active.outbound.is_some() && active.answered_unix.is_none();
                (*call, ringing_out)
            })
            .collect();
        for (call, ringing_out) in handles {
            let _ = if ringing_out {
                endpoint.cancel_call(now, call)
            } else {
                endpoint.hangup(now, call)
            };
        }
        while let Some(event) = endpoint.poll_event() {
            self.handle_event(endpoint, now, event);
        }
    }

    fn on_incoming(&mut self, endpoint: &mut Endpoint, now: Instant, incoming: IncomingCall) {
        let call = incoming.call;
        let invite = &incoming.invite;
        let authorizations: Vec<&str> =
            invite.headers.get_all(&HeaderName::Authorization).collect();
        // Our spelling of the Request-URI: the parser keeps no raw text. Digest
        // verification compares it with the digest-uri parsed too, so a trunk that
        // escaped `+` as `%2B` still matches.
        let request_uri = invite.uri.to_string();
        let mut random = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut random);
        let request = InboundRequest {
            source: incoming.source.addr.ip(),
            method: invite.method.as_str(),
            request_uri: &request_uri,
            authorizations: &authorizations,
        };
        let trunk_id = match self.trunks.admit(&request, unix_now(), random) {
            Admission::Admitted { trunk, .. } => trunk,
            Admission::Challenge { www_authenticate } => {
                let headers = www_authenticate
                    .into_iter()
                    .map(|v| (HeaderName::WwwAuthenticate, v))
                    .collect();
                self.refuse(endpoint, now, call, 401, "Unauthorized", headers);
                return;
            }
            Admission::Forbidden { reason } => {
                tracing::info!(%call, from = %incoming.source.addr, ?reason, "call refused");
                self.refuse(endpoint, now, call, 403, "Forbidden", Vec::new());
                return;
            }
        };
        let Some(trunk_config) = self.trunks.get(trunk_id) else {
            self.refuse(
                endpoint,
                now,
                call,
                500,
                "Server Internal Error",
                Vec::new(),
            );
            return;
        };
        let trunk = trunk_config.name().to_owned();
        let user = match trunk_config.called_number_from() {
            CalledNumberFrom::RequestUri => called_user(&invite.uri),
            CalledNumberFrom::To => invite
                .headers
                .get(&HeaderName::To)
                .and_then(|to| dialbridge_sip::message::NameAddr::parse(to).ok())
                .and_then(|to| called_user(&to.uri)),
        };
        let called = match user
            .as_deref()
            .map(|user| normalize_called_number(trunk_config, user))
        {
            Some(Ok(number)) => number.as_str().to_owned(),
            Some(Err(error)) => {
                tracing::info!(%call, %trunk, %error, "call refused: called number not understood");
                self.refuse(endpoint, now, call, 404, "Not Found", Vec::new());
                return;
            }
            None => {
                self.refuse(endpoint, now, call, 404, "Not Found", Vec::new());
                return;
            }
        };
        let Some(lease) = self.ports.allocate() else {
            tracing::warn!(%call, "call refused: no free RTP port in the range");
            let retry = vec![(HeaderName::RetryAfter, "30".to_owned())];
            self.refuse(endpoint, now, call, 503, "Service Unavailable", retry);
            return;
        };
        let session = SessionVersion {
            id: unix_now(),
            version: unix_now(),
        };
        let mut local_media = LocalMedia::new(self.media_address, lease.port, session);
        local_media.srtp_inline_key = Some(srtp_inline_key());
        let mut origin = SessionOrigin::new(session);
        let (sdp, our_offer, stream) = match &incoming.offer {
            Some(offer) => match origin.answer(offer, &local_media) {
                Ok(answer) => {
                    tracing::info!(
                        %call, %trunk, %called, from = %incoming.source.addr,
                        codec = answer.audio.codec.encoding_name, rtp_port = lease.port,
                        srtp = answer.audio.srtp.is_some(),
                        remote_rtp = %answer.audio.remote_rtp, "answering call"
                    );
                    let stream = StreamParameters::from_negotiated(&answer.audio);
                    (answer.sdp, None, Some(stream))
                }
                Err(error) => {
                    let (status, reason) = negotiation_failure_status(&error);
                    tracing::info!(%call, %error, "call refused: SDP offer not acceptable");
                    self.refuse(endpoint, now, call, status, reason, Vec::new());
                    return;
                }
            },
            None => {
                let offer = origin.offer(&local_media);
                tracing::info!(%call, %trunk, %called, rtp_port = lease.port, "answering call (offer in 200 OK)");
                (offer.sdp.clone(), Some(offer), None)
            }
        };
        match (lease.rtp.try_clone(), lease.rtcp.try_clone()) {
            (Ok(rtp), Ok(rtcp)) => {
                // Without an offer the stream is known only from the ACK's answer; until
                // then the worker holds the sockets and sends nothing.
                let media = stream.unwrap_or_else(|| StreamParameters::unknown(&local_media));
                self.media.attach(CallMediaSetup {
                    call,
                    rtp,
                    rtcp,
                    media,
                    inband_dtmf: trunk_config.inband_dtmf(),
                });
            }
            (Err(error), _) | (_, Err(error)) => {
                tracing::warn!(%call, %error, "call refused: cannot share the RTP sockets");
                self.refuse(
                    endpoint,
                    now,
                    call,
                    500,
                    "Server Internal Error",
                    Vec::new(),
                );
                return;
            }
        }
        let route = match self.direct_routes.get(&called) {
            Some(conference) => Route::Direct(conference.clone()),
            None => Route::DialIn,
        };
        let caller_number = invite
            .headers
            .get(&HeaderName::From)
            .and_then(|from| dialbridge_sip::message::NameAddr::parse(from).ok())
            .and_then(|from| called_user(&from.uri));
        let active = ActiveCall {
            trunk,
            called,
            origin,
            local_media,
            our_offer,
            _lease: lease,
            route,
            caller_number,
            started_unix: unix_now_i64(),
            answered_unix: None,
            answered_at: now,
            outbound: None,
        };
        self.calls.insert(call, active);
        if self.answer_after.is_zero() {
            self.answer(endpoint, now, call, Bytes::from(sdp));
        } else {
            let _ = endpoint.ring(now, call, None);
            self.ringing
                .push((now + self.answer_after, call, Bytes::from(sdp)));
        }
    }

    fn answer(&mut self, endpoint: &mut Endpoint, now: Instant, call: CallHandle, sdp: Bytes) {
        if endpoint.accept_call(now, call, sdp).is_err() {
            // Cancelled meanwhile: dropping the call frees its port.
            if self.calls.remove(&call).is_some() {
                self.media.detach(call);
            }
            return;
        }
        if let Some(active) = self.calls.get_mut(&call) {
            active.answered_at = now;
            active.answered_unix = Some(unix_now_i64());
            match &active.route {
                Route::Direct(conference) => self.dial_in.start_direct(
                    &mut self.media,
                    now,
                    call,
                    conference,
                    active.caller_number.clone(),
                ),
                Route::DialIn => {
                    self.dial_in
                        .start_ivr(call, &active.called, active.caller_number.clone())
                }
                Route::Outbound => {}
            }
        }
        self.stats.active.fetch_add(1, Ordering::Relaxed);
        self.stats.answered_total.fetch_add(1, Ordering::Relaxed);
    }

    /// When a ringing call is due to be answered, or a dial-in timer fires.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let ringing = self.ringing.iter().map(|(due, _, _)| *due).min();
        [
            ringing,
            self.dial_in.poll_timeout(),
            self.outbound_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn handle_timeout(&mut self, endpoint: &mut Endpoint, now: Instant) {
        self.dial_in.handle_timeout(&mut self.media, now);
        self.handle_outbound_timeouts(endpoint, now);
        self.after_dial_in(endpoint, now);
        let (due, waiting): (Vec<_>, Vec<_>) =
            self.ringing.drain(..).partition(|(at, _, _)| *at <= now);
        self.ringing = waiting;
        for (_, call, sdp) in due {
            self.answer(endpoint, now, call, sdp);
        }
    }

    fn on_answer_in_ack(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        call: CallHandle,
        sdp: &[u8],
    ) {
        let Some(active) = self.calls.get(&call) else {
            return;
        };
        let Some(offer) = &active.our_offer else {
            return;
        };
        match dialbridge_sdp::accept_answer(offer, sdp) {
            Ok(audio) => {
                let media = StreamParameters::from_negotiated(&audio);
                self.media
                    .command(call, WorkerCommand::UpdateStream { call, media });
            }
            Err(error) => {
                tracing::info!(%call, %error, "answer in ACK not acceptable; hanging up");
                let _ = endpoint.hangup(now, call);
            }
        }
    }

    fn on_reoffer(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        call: CallHandle,
        offer: Option<Bytes>,
    ) {
        let Some(active) = self.calls.get_mut(&call) else {
            let _ = endpoint.answer_reoffer(now, call, Err(500));
            return;
        };
        let mut updated = None;
        let result = match offer {
            // Each re-offer gets an answer made from it, never the previous answer.
            Some(offer) => match active.origin.answer(&offer, &active.local_media) {
                Ok(answer) => {
                    tracing::info!(
                        %call, direction = ?answer.audio.local_direction,
                        codec = answer.audio.codec.encoding_name, "session modified"
                    );
                    updated = Some(StreamParameters::from_negotiated(&answer.audio));
                    Ok(Bytes::from(answer.sdp))
                }
                Err(error) => {
                    tracing::info!(%call, %error, "re-offer refused; the call keeps its session");
                    Err(negotiation_failure_status(&error).0)
                }
            },
            None => {
                let offer = active.origin.offer(&active.local_media);
                let sdp = Bytes::from(offer.sdp.clone());
                active.our_offer = Some(offer);
                Ok(sdp)
            }
        };
        if let Some(media) = updated {
            self.media
                .command(call, WorkerCommand::UpdateStream { call, media });
        }
        let _ = endpoint.answer_reoffer(now, call, result);
    }

    fn on_ended(&mut self, call: CallHandle, reason: dialbridge_sip::endpoint::CallEndReason) {
        let Some(active) = self.calls.remove(&call) else {
            return;
        };
        let joined = self
            .dial_in
            .call_ended(&mut self.media, Instant::now(), call);
        self.media.detach(call);
        if let Some(leg) = &active.outbound {
            self.on_outbound_ended(leg);
        }
        self.record_call(&active, joined, &format!("{reason:?}"));
        let was_ringing = self.ringing.iter().any(|(_, ringing, _)| *ringing == call);
        self.ringing.retain(|(_, ringing, _)| *ringing != call);
        if !was_ringing {
            self.stats.active.fetch_sub(1, Ordering::Relaxed);
        }
        tracing::info!(
            %call, trunk = %active.trunk, called = %active.called, ?reason,
            seconds = active.answered_at.elapsed().as_secs(), "call ended"
        );
    }

    /// Writes the call detail record on a task: the database never holds up signalling.
    fn record_call(
        &self,
        active: &ActiveCall,
        joined: Option<(crate::dialin::Joinable, dialbridge_conference::ivr::Role)>,
        reason: &str,
    ) {
        use dialbridge_store::{CallDirection, CallRole};
        let (target, key, role) = match &joined {
            Some((joinable, role)) => (
                joinable.target.clone(),
                Some(joinable.key.clone()),
                Some(match role {
                    dialbridge_conference::ivr::Role::Organizer => CallRole::Organizer,
                    dialbridge_conference::ivr::Role::Attendee => CallRole::Attendee,
                }),
            ),
            None => (
                None,
                match &active.route {
                    Route::Direct(conference) => Some(format!("direct-{conference}")),
                    Route::DialIn | Route::Outbound => None,
                },
                None,
            ),
        };
        // A dial-out that never joined still belongs to the meeting that placed it.
        let (target, key) = match (&active.outbound, target, key) {
            (Some(leg), None, None) => (
                Some(Arc::clone(&leg.job.target)),
                Some(leg.job.meeting_key.clone()),
            ),
            (_, target, key) => (target, key),
        };
        let direction = match active.outbound {
            Some(_) => CallDirection::Outbound,
            None => CallDirection::Inbound,
        };
        let country = active
            .outbound
            .as_ref()
            .map(|leg| leg.approved.country.as_str().to_owned());
        let input = CallRecordInput {
            direction,
            trunk: active.trunk.clone(),
            called_number: active.called.clone(),
            caller_number: active.caller_number.clone(),
            dial_in_number_kind: None,
            country,
            organization_id: target.as_ref().map(|t| t.organization_id),
            organizer_id: target.as_ref().map(|t| t.organizer_id),
            meeting_id: target.as_ref().and_then(|t| t.meeting_id),
            conference_key: key,
            role,
            started_at: active.started_unix,
            answered_at: active.answered_unix,
            ended_at: unix_now_i64(),
            end_reason: reason.to_owned(),
        };
        let admin = Arc::clone(&self.admin);
        tokio::spawn(async move {
            if let Err(error) = admin.record_call(input).await {
                tracing::warn!(%error, "call detail record not stored");
            }
        });
    }

    fn refuse(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        call: CallHandle,
        status: u16,
        reason: &str,
        headers: Vec<(HeaderName, String)>,
    ) {
        self.stats.refused_total.fetch_add(1, Ordering::Relaxed);
        let _ = endpoint.reject_call(now, call, status, reason, headers);
    }
}

/// The dialled number in a URI: a `tel:` number, or the user part of `sip:`/`sips:`
/// without the `;phone-context` or other user parameters (RFC 3966 section 5.1.5).
fn called_user(uri: &dialbridge_sip::message::Uri) -> Option<String> {
    match uri.scheme() {
        Scheme::Sip | Scheme::Sips | Scheme::Tel => {
            let user = uri.user()?;
            Some(user.split(';').next().unwrap_or(user).to_owned())
        }
        Scheme::Other(_) => None,
    }
}

/// 488 for what we cannot take (RFC 3261 21.4.26); 400 only for SDP we cannot read.
fn negotiation_failure_status(error: &NegotiationError) -> (u16, &'static str) {
    match error {
        NegotiationError::Malformed(_) => (400, "Malformed SDP"),
        _ => (488, "Not Acceptable Here"),
    }
}

/// A fresh SRTP master key and salt for the call (RFC 4568 `inline:`), used only if the
/// caller offers SDES.
fn srtp_inline_key() -> String {
    use base64::Engine as _;
    let mut key =
        [0u8; dialbridge_media::srtp::MASTER_KEY_LEN + dialbridge_media::srtp::MASTER_SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

fn unix_now_i64() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use dialbridge_sip::auth::{DigestServer, DigestServerConfig};
    use dialbridge_sip::trunk::TrunkConfig;

    fn table(toml_text: &str) -> TrunkTable {
        #[derive(serde::Deserialize)]
        struct File {
            trunk: Vec<TrunkConfig>,
        }
        let file: File = toml::from_str(toml_text).unwrap();
        let auth = DigestServer::new(DigestServerConfig::new(
            "test.example",
            b"a test secret of at least 32 bytes".to_vec(),
        ))
        .unwrap();
        TrunkTable::new(file.trunk, auth).unwrap()
    }

    #[test]
    fn source_policy_trusts_listed_sources_and_challenges_only_with_a_credentials_only_trunk() {
        let ip_only = r#"
[[trunk]]
name = "a"
sources = ["203.0.113.0/24"]
default_country = "US"

[[trunk]]
name = "b"
sources = ["198.51.100.7"]
username = "b"
password = "b-secret"
default_country = "US"
"#;
        let policy = source_policy(&table(ip_only));
        assert_eq!(
            policy.trusted,
            vec![
                "203.0.113.0/24".parse().unwrap(),
                "198.51.100.7/32".parse().unwrap()
            ]
        );
        assert!(!policy.challenge_unknown);
        assert!(!policy.serves("192.0.2.1".parse().unwrap()));

        let with_roamer = format!(
            "{ip_only}\n[[trunk]]\nname = \"c\"\nusername = \"c\"\npassword = \"c-secret\"\ndefault_country = \"US\"\n"
        );
        assert!(source_policy(&table(&with_roamer)).challenge_unknown);
        assert!(!source_policy(&table("trunk = []")).serves("127.0.0.1".parse().unwrap()));
    }
}
