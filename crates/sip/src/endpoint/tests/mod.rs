//! Endpoint tests in simulated time: raw SIP text in, as a carrier or softphone sends it;
//! the exact responses out, parsed back with `parse_message`; events; `poll_timeout`.
//!
//! Every test drives one `Endpoint` through a [`Harness`] that owns the simulated clock.
//! Timers fire only when the harness advances to `poll_timeout()` instants, exactly as
//! the IO shell would run them, so retransmission schedules can be asserted to the
//! millisecond.

#![allow(clippy::unwrap_used)]

mod calls;
mod errors;
mod outgoing;
mod proxy;
mod refresh;
mod registration;
mod reinvite;
mod routing;
mod scale;
mod session_timers;
mod stream;
mod torture;
mod untrusted;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{CallEndReason, CallHandle, Endpoint, EndpointConfig, Event, Peer, Transmit};
use crate::message::{parse_message, HeaderName, Message, NameAddr, Request, Response};

pub const T1: Duration = Duration::from_millis(500);

/// Our address as the endpoint is configured.
pub const OUR_IP: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);
/// The carrier (or softphone) sending us calls.
pub const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

pub fn peer_addr() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(PEER_IP), 5060)
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub const OFFER: &str = "v=0\r\n\
o=carrier 1 1 IN IP4 192.0.2.1\r\n\
s=-\r\n\
c=IN IP4 192.0.2.1\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 0 8 101\r\n\
a=sendrecv\r\n";

pub const ANSWER: &str = "v=0\r\n\
o=dialbridge 7 7 IN IP4 198.51.100.7\r\n\
s=-\r\n\
c=IN IP4 198.51.100.7\r\n\
t=0 0\r\n\
m=audio 20000 RTP/AVP 0 101\r\n\
a=sendrecv\r\n";

pub const HOLD_OFFER: &str = "v=0\r\n\
o=carrier 1 2 IN IP4 192.0.2.1\r\n\
s=-\r\n\
c=IN IP4 192.0.2.1\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 0 101\r\n\
a=sendonly\r\n";

/// A request as a peer sends it. Defaults describe the caller's INVITE dialog
/// (`Call-ID: call-1`, From tag `caller-tag`); the builder changes one thing at a time.
#[derive(Clone)]
pub struct Req {
    method: String,
    uri: String,
    branch: String,
    via_extra: String,
    extra_vias: Vec<String>,
    pub call_id: String,
    from_tag: String,
    to_tag: Option<String>,
    pub cseq: u32,
    headers: Vec<String>,
    body: Option<(String, String)>,
    max_forwards: Option<String>,
    contact: Option<String>,
    version: String,
}

impl Req {
    pub fn new(method: &str) -> Req {
        Req {
            method: method.to_owned(),
            uri: "sip:+15551230000@198.51.100.7".to_owned(),
            branch: format!("z9hG4bK-{}-1", method.to_ascii_lowercase()),
            via_extra: String::new(),
            extra_vias: Vec::new(),
            call_id: "call-1@192.0.2.1".to_owned(),
            from_tag: "caller-tag".to_owned(),
            to_tag: None,
            cseq: 1,
            headers: Vec::new(),
            body: None,
            max_forwards: Some("70".to_owned()),
            contact: Some("<sip:+15557654321@192.0.2.1:5060>".to_owned()),
            version: "SIP/2.0".to_owned(),
        }
    }

    pub fn branch(mut self, branch: &str) -> Req {
        self.branch = branch.to_owned();
        self
    }
    /// Parameters after the branch in the top Via, e.g. `;rport`.
    pub fn via_params(mut self, params: &str) -> Req {
        self.via_extra = params.to_owned();
        self
    }
    /// A further Via below ours (a proxy on the path).
    pub fn lower_via(mut self, via: &str) -> Req {
        self.extra_vias.push(via.to_owned());
        self
    }
    pub fn uri(mut self, uri: &str) -> Req {
        self.uri = uri.to_owned();
        self
    }
    pub fn call_id(mut self, call_id: &str) -> Req {
        self.call_id = call_id.to_owned();
        self
    }
    pub fn with_from_tag(mut self, tag: &str) -> Req {
        self.from_tag = tag.to_owned();
        self
    }
    pub fn with_to_tag(mut self, tag: &str) -> Req {
        self.to_tag = Some(tag.to_owned());
        self
    }
    pub fn cseq(mut self, cseq: u32) -> Req {
        self.cseq = cseq;
        self
    }
    pub fn header(mut self, line: &str) -> Req {
        self.headers.push(line.to_owned());
        self
    }
    pub fn sdp(self, sdp: &str) -> Req {
        self.body("application/sdp", sdp)
    }
    pub fn body(mut self, content_type: &str, body: &str) -> Req {
        self.body = Some((content_type.to_owned(), body.to_owned()));
        self
    }
    pub fn max_forwards(mut self, value: Option<&str>) -> Req {
        self.max_forwards = value.map(str::to_owned);
        self
    }
    pub fn contact(mut self, value: Option<&str>) -> Req {
        self.contact = value.map(str::to_owned);
        self
    }
    pub fn version(mut self, version: &str) -> Req {
        self.version = version.to_owned();
        self
    }

    pub fn text(&self) -> String {
        let mut s = format!("{} {} {}\r\n", self.method, self.uri, self.version);
        s += &format!(
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch={}{}\r\n",
            self.branch, self.via_extra
        );
        for via in &self.extra_vias {
            s += &format!("Via: {via}\r\n");
        }
        if let Some(mf) = &self.max_forwards {
            s += &format!("Max-Forwards: {mf}\r\n");
        }
        s += &format!(
            "From: \"Caller\" <sip:+15557654321@192.0.2.1>;tag={}\r\n",
            self.from_tag
        );
        match &self.to_tag {
            Some(tag) => s += &format!("To: <sip:+15551230000@198.51.100.7>;tag={tag}\r\n"),
            None => s += "To: <sip:+15551230000@198.51.100.7>\r\n",
        }
        s += &format!("Call-ID: {}\r\n", self.call_id);
        s += &format!("CSeq: {} {}\r\n", self.cseq, self.method);
        if let Some(contact) = &self.contact {
            s += &format!("Contact: {contact}\r\n");
        }
        for line in &self.headers {
            s += line;
            s += "\r\n";
        }
        match &self.body {
            Some((content_type, body)) => {
                s += &format!(
                    "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
            None => s += "Content-Length: 0\r\n\r\n",
        }
        s
    }
}

/// The caller's first INVITE with an SDP offer.
pub fn invite() -> Req {
    Req::new("INVITE").branch("z9hG4bK-inv-1").sdp(OFFER)
}

/// The caller's ACK for our 2xx: a new transaction (new branch), the INVITE's CSeq
/// number, sent to our Contact (RFC 3261 13.2.2.4).
pub fn ack_2xx(to_tag: &str, cseq: u32) -> Req {
    Req::new("ACK")
        .uri("sip:198.51.100.7:5060")
        .branch(&format!("z9hG4bK-ack-{cseq}"))
        .with_to_tag(to_tag)
        .cseq(cseq)
}

/// An in-dialog request from the caller.
pub fn in_dialog(method: &str, to_tag: &str, cseq: u32) -> Req {
    Req::new(method)
        .uri("sip:198.51.100.7:5060")
        .branch(&format!("z9hG4bK-{}-{cseq}", method.to_ascii_lowercase()))
        .with_to_tag(to_tag)
        .cseq(cseq)
}

/// One message the endpoint sent, parsed back, and when.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Duration,
    pub to: Peer,
    pub message: Message,
}

impl Sent {
    pub fn response(&self) -> &Response {
        match &self.message {
            Message::Response(r) => r,
            Message::Request(r) => panic!("expected a response, sent {} {}", r.method, r.uri),
        }
    }
    pub fn request(&self) -> &Request {
        match &self.message {
            Message::Request(r) => r,
            Message::Response(r) => panic!("expected a request, sent {} {}", r.status, r.reason),
        }
    }
    pub fn status(&self) -> u16 {
        self.response().status
    }
}

pub fn header<'a>(message: &'a Message, name: &HeaderName) -> Option<&'a str> {
    message.headers().get(name)
}

pub fn all<'a>(message: &'a Message, name: &HeaderName) -> Vec<&'a str> {
    message.headers().get_all(name).collect()
}

pub fn to_tag(message: &Message) -> Option<String> {
    let to = message.headers().get(&HeaderName::To)?;
    NameAddr::parse(to).ok()?.tag().map(str::to_owned)
}

pub fn cseq_of(message: &Message) -> String {
    message.headers().get(&HeaderName::CSeq).unwrap().to_owned()
}

pub struct Harness {
    pub ep: Endpoint,
    pub start: Instant,
    pub now: Instant,
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with_config(|_| {})
    }

    pub fn with_config(change: impl FnOnce(&mut EndpointConfig)) -> Harness {
        let mut config = EndpointConfig::new(IpAddr::V4(OUR_IP), 5060);
        config.product = "dialbridge-test".to_owned();
        change(&mut config);
        let start = Instant::now();
        Harness {
            ep: Endpoint::new(config, [7; 32]),
            start,
            now: start,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Sends `req` over UDP from the default peer address.
    pub fn send(&mut self, req: &Req) {
        self.send_from(peer_addr(), &req.text());
    }

    pub fn send_from(&mut self, from: SocketAddr, text: &str) {
        self.ep
            .handle_datagram(self.now, from, Bytes::copy_from_slice(text.as_bytes()));
    }

    /// Everything queued for sending, parsed back.
    pub fn sent(&mut self) -> Vec<Sent> {
        let mut out = Vec::new();
        while let Some(Transmit { to, bytes }) = self.ep.poll_transmit() {
            let message = parse_message(bytes.clone()).unwrap_or_else(|e| {
                panic!(
                    "the endpoint sent something unparseable ({e}):\n{}",
                    String::from_utf8_lossy(&bytes)
                )
            });
            out.push(Sent {
                at: self.elapsed(),
                to,
                message,
            });
        }
        out
    }

    /// Exactly one message must have been sent; returns it.
    pub fn sent_one(&mut self) -> Sent {
        let mut sent = self.sent();
        assert_eq!(sent.len(), 1, "expected exactly one message, got {sent:#?}");
        sent.remove(0)
    }

    pub fn statuses(&mut self) -> Vec<u16> {
        self.sent().iter().map(Sent::status).collect()
    }

    pub fn events(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(event) = self.ep.poll_event() {
            out.push(event);
        }
        out
    }

    /// Runs the shell's timer loop until `at` (since start), firing every timer at its
    /// own deadline, and returns what was sent in between. Panics if the endpoint asks
    /// to be woken in the past over and over (a busy loop in a real shell).
    pub fn run_until(&mut self, at: Duration) -> Vec<Sent> {
        let until = self.start + at;
        let mut sent = Vec::new();
        let mut spins = 0;
        while let Some(wake) = self.ep.poll_timeout() {
            if wake > until {
                break;
            }
            if wake <= self.now {
                spins += 1;
                assert!(
                    spins < 100,
                    "poll_timeout stays at {:?} <= now {:?}: the shell would spin",
                    wake - self.start,
                    self.elapsed()
                );
            } else {
                spins = 0;
                self.now = wake;
            }
            self.ep.handle_timeout(self.now);
            sent.extend(self.sent());
        }
        self.now = self.now.max(until);
        self.ep.handle_timeout(self.now);
        sent.extend(self.sent());
        sent
    }

    /// Runs the timers for `d` more.
    pub fn run_for(&mut self, d: Duration) -> Vec<Sent> {
        let at = self.elapsed() + d;
        self.run_until(at)
    }

    /// Moves the clock without firing anything (the shell was slow); inputs after
    /// this happen at the new time.
    pub fn set_time(&mut self, at: Duration) {
        self.now = self.start + at;
    }

    /// INVITE with an offer → 100 and IncomingCall; returns the call.
    pub fn incoming(&mut self, req: &Req) -> CallHandle {
        self.send(req);
        let sent = self.sent_one();
        assert_eq!(sent.status(), 100);
        match self.events().as_slice() {
            [Event::IncomingCall(call)] => call.call,
            other => panic!("expected IncomingCall, got {other:?}"),
        }
    }

    /// A whole call set up over UDP: INVITE, 100, accept → 200, ACK. Returns the
    /// call and our tag.
    pub fn established(&mut self, req: &Req) -> (CallHandle, String) {
        let call = self.incoming(req);
        self.ep
            .accept_call(self.now, call, Bytes::from_static(ANSWER.as_bytes()))
            .unwrap();
        let ok = self.sent_one();
        assert_eq!(ok.status(), 200);
        let tag = to_tag(&ok.message).unwrap();
        self.send(&ack_2xx(&tag, req.cseq).call_id(&req.call_id));
        assert!(self.sent().is_empty());
        assert!(matches!(
            self.events().as_slice(),
            [Event::CallConfirmed { call: c }] if *c == call
        ));
        (call, tag)
    }

    /// After enough simulated time every transaction must be gone.
    pub fn assert_drained(&mut self) {
        let at = self.elapsed() + secs(120);
        let late = self.run_until(at);
        assert!(late.is_empty(), "unexpected late messages: {late:#?}");
        assert_eq!(self.ep.call_count(), 0, "calls leaked");
        assert_eq!(self.ep.transaction_count(), 0, "transactions leaked");
        assert_eq!(self.ep.poll_timeout(), None);
    }
}

pub fn ended(events: &[Event]) -> Vec<(CallHandle, CallEndReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::CallEnded { call, reason } => Some((*call, *reason)),
            _ => None,
        })
        .collect()
}
