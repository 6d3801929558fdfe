//! Calls we place (the UAC side): the INVITE as it leaves, its retransmissions, the
//! answers a carrier or proxy gives, digest retries, CANCEL, forks and hang-ups.
//!
//! The peer is simulated by [`Uas`], which answers the INVITE we actually sent, so every
//! assertion is about what went over the wire.

use bytes::Bytes;

use super::super::{DigestAccount, OutgoingCall};
use super::*;
use crate::auth::{Algorithm, DigestServer, DigestServerConfig};
use crate::message::{validate_request, CSeq, Method, Uri, Via};

const TARGET: &str = "sip:+15550001111@192.0.2.1";
/// What the called party's 2xx names as its Contact.
const THEIR_CONTACT: &str = "sip:callee@192.0.2.20:5070";
/// Record-Route as the 2xx carries it: the proxy next to the callee first.
const RECORD_ROUTE: &str = "<sip:192.0.2.11;lr>, <sip:192.0.2.10;lr>";

fn call_to_peer(offer: Option<&str>) -> OutgoingCall {
    let mut call = OutgoingCall::new(
        Uri::parse(TARGET).unwrap(),
        Peer::udp(peer_addr()),
        NameAddr::parse("\"Dial Bridge\" <sip:conference@198.51.100.7>").unwrap(),
        NameAddr::parse("<sip:+15550001111@192.0.2.1>").unwrap(),
        Bytes::from_static(ANSWER.as_bytes()),
    );
    call.offer = offer.map(|o| Bytes::copy_from_slice(o.as_bytes()));
    call
}

fn cseq(message: &Message) -> CSeq {
    CSeq::parse(header(message, &HeaderName::CSeq).unwrap()).unwrap()
}

fn branch(message: &Message) -> String {
    let via = Via::parse(message.headers().values(&HeaderName::Via)[0]).unwrap();
    via.branch().unwrap().to_owned()
}

fn from_tag(message: &Message) -> String {
    let from = NameAddr::parse(header(message, &HeaderName::From).unwrap()).unwrap();
    from.tag().unwrap().to_owned()
}

/// The called side: builds responses to the INVITE we sent, and requests in its dialog.
struct Uas {
    invite: Request,
    tag: String,
}

impl Uas {
    fn new(invite: &Sent) -> Uas {
        Uas {
            invite: invite.request().clone(),
            tag: "callee-tag".to_owned(),
        }
    }

    /// A response to `request` (our INVITE unless told otherwise) with `lines` added.
    fn response_to(
        &self,
        request: &Request,
        status: u16,
        tag: Option<&str>,
        lines: &[&str],
    ) -> String {
        let reason = crate::message::default_reason(status);
        let mut s = format!("SIP/2.0 {status} {reason}\r\n");
        for via in request.headers.get_all(&HeaderName::Via) {
            s += &format!("Via: {via}\r\n");
        }
        for name in [HeaderName::From, HeaderName::CallId, HeaderName::CSeq] {
            s += &format!(
                "{}: {}\r\n",
                name.as_str(),
                request.headers.get(&name).unwrap()
            );
        }
        let to = request.headers.get(&HeaderName::To).unwrap();
        match tag {
            Some(tag) => s += &format!("To: {to};tag={tag}\r\n"),
            None => s += &format!("To: {to}\r\n"),
        }
        let mut body = None;
        for line in lines {
            match line.strip_prefix("SDP:") {
                Some(sdp) => body = Some(sdp.to_owned()),
                None => s += &format!("{line}\r\n"),
            }
        }
        match body {
            Some(sdp) => {
                s += &format!(
                    "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                    sdp.len()
                )
            }
            None => s += "Content-Length: 0\r\n\r\n",
        }
        s
    }

    fn reply(&self, status: u16, lines: &[&str]) -> String {
        let tag = (status > 100).then_some(self.tag.as_str());
        self.response_to(&self.invite, status, tag, lines)
    }

    /// The 200 OK with Contact, Record-Route and their answer.
    fn ok(&self) -> String {
        let contact = format!("Contact: <{THEIR_CONTACT}>");
        let record_route = format!("Record-Route: {RECORD_ROUTE}");
        let sdp = format!("SDP:{OFFER}");
        self.reply(200, &[&contact, &record_route, &sdp])
    }

    /// A request from them in the dialog (To: us with our tag, From: them with theirs).
    fn request(&self, method: &str, cseq: u32, lines: &[&str]) -> String {
        let from = self.invite.headers.get(&HeaderName::From).unwrap();
        let to = self.invite.headers.get(&HeaderName::To).unwrap();
        let call_id = self.invite.headers.get(&HeaderName::CallId).unwrap();
        let mut s = format!("{method} sip:198.51.100.7:5060 SIP/2.0\r\n");
        s += &format!("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-them-{method}-{cseq}\r\n");
        s += "Max-Forwards: 69\r\n";
        s += &format!("From: {to};tag={}\r\n", self.tag);
        s += &format!("To: {from}\r\n");
        s += &format!("Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n");
        s += &format!("Contact: <{THEIR_CONTACT}>\r\n");
        let mut body = None;
        for line in lines {
            match line.strip_prefix("SDP:") {
                Some(sdp) => body = Some(sdp.to_owned()),
                None => s += &format!("{line}\r\n"),
            }
        }
        match body {
            Some(sdp) => {
                s += &format!(
                    "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                    sdp.len()
                )
            }
            None => s += "Content-Length: 0\r\n\r\n",
        }
        s
    }
}

impl Harness {
    fn reply(&mut self, text: &str) {
        self.send_from(peer_addr(), text);
    }

    /// `start_call`, and the INVITE it sent.
    fn place(&mut self, call: OutgoingCall) -> (CallHandle, Sent) {
        let handle = self.ep.start_call(self.now, call);
        let invite = self.sent_one();
        assert_eq!(invite.request().method, Method::Invite);
        (handle, invite)
    }

    /// A call placed and answered with [`Uas::ok`]; returns the call, the callee and the
    /// ACK we sent.
    fn answered(&mut self) -> (CallHandle, Uas, Sent) {
        let (call, invite) = self.place(call_to_peer(Some(ANSWER)));
        let uas = Uas::new(&invite);
        self.reply(&uas.reply(180, &[]));
        self.reply(&uas.ok());
        let ack = self.sent_one();
        let events = self.events();
        assert!(
            matches!(events.last(), Some(Event::CallAnswered { call: c, .. }) if *c == call),
            "{events:?}"
        );
        (call, uas, ack)
    }
}

fn failed(events: &[Event]) -> Vec<(CallHandle, Option<u16>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::CallFailed { call, status, .. } => Some((*call, *status)),
            _ => None,
        })
        .collect()
}

/// RFC 3261 8.1.1 and 13.2.1: everything a new INVITE must carry.
#[test]
fn invite_carries_what_rfc3261_requires() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.to = NameAddr::parse("<sip:+15550001111@192.0.2.1>;tag=stale").unwrap();
    call.extra_headers.push((
        HeaderName::Other("P-Asserted-Identity".into()),
        "<sip:+15551230000@198.51.100.7>".into(),
    ));
    let (_, invite) = h.place(call);
    assert_eq!(invite.to, Peer::udp(peer_addr()));
    let request = invite.request();
    validate_request(request).unwrap();
    assert_eq!(request.uri.to_string(), TARGET);
    let via = Via::parse(request.headers.get(&HeaderName::Via).unwrap()).unwrap();
    assert_eq!(via.host.to_string(), "198.51.100.7");
    assert_eq!(via.port, Some(5060));
    assert!(via.branch().unwrap().starts_with("z9hG4bK"));
    assert_eq!(via.rport(), Some(None), "rport asked for (RFC 3581)");
    let m = &invite.message;
    assert_eq!(header(m, &HeaderName::MaxForwards), Some("70"));
    assert!(from_tag(m).len() >= 8);
    assert!(header(m, &HeaderName::From)
        .unwrap()
        .starts_with("\"Dial Bridge\" <sip:conference@198.51.100.7>"));
    assert_eq!(to_tag(m), None, "a dialog-creating request has no To tag");
    assert!(header(m, &HeaderName::CallId)
        .unwrap()
        .ends_with("@198.51.100.7"));
    let cseq = cseq(m);
    assert_eq!(cseq.method, Method::Invite);
    assert!(cseq.seq >= 1 && cseq.seq < 1 << 31);
    assert_eq!(
        header(m, &HeaderName::Contact),
        Some("<sip:198.51.100.7:5060>")
    );
    assert!(header(m, &HeaderName::Allow)
        .unwrap()
        .contains("INVITE, ACK, CANCEL, BYE"));
    assert_eq!(header(m, &HeaderName::Supported), Some("timer"));
    assert_eq!(header(m, &HeaderName::SessionExpires), None);
    assert_eq!(
        header(m, &HeaderName::Other("P-Asserted-Identity".into())),
        Some("<sip:+15551230000@198.51.100.7>")
    );
    assert_eq!(header(m, &HeaderName::ContentType), Some("application/sdp"));
    assert_eq!(m.body().as_ref(), ANSWER.as_bytes());
    assert_eq!(h.ep.call_count(), 1);

    // Two calls never share a Call-ID, tag or branch.
    let (_, second) = h.place(call_to_peer(Some(ANSWER)));
    for (name, value) in [
        (
            "Call-ID",
            header(&second.message, &HeaderName::CallId) == header(m, &HeaderName::CallId),
        ),
        ("From tag", from_tag(&second.message) == from_tag(m)),
        ("branch", branch(&second.message) == branch(m)),
    ] {
        assert!(!value, "{name} repeated");
    }
}

/// RFC 3261 17.1.1.2: over UDP the INVITE is resent at T1, 2·T1, 4·T1 … until Timer B
/// (64·T1) ends it; the call then fails with no status.
#[test]
fn unanswered_invite_is_retransmitted_then_times_out() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let sent = h.run_until(secs(32) - ms(1));
    assert_eq!(
        sent.iter().map(|s| s.at).collect::<Vec<_>>(),
        vec![ms(500), ms(1500), ms(3500), ms(7500), ms(15500), ms(31500)]
    );
    assert!(sent.iter().all(|s| s.message == invite.message));
    assert!(h.events().is_empty());
    assert!(h.run_until(secs(32)).is_empty());
    match h.events().as_slice() {
        [Event::CallFailed {
            call: c,
            status: None,
            ..
        }] => assert_eq!(*c, call),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.ep.call_count(), 0);
    assert!(h.ep.hangup(h.now, call).is_err(), "the call is gone");
    h.assert_drained();
}

/// 100 stops the retransmissions; 180 and 183 are reported, 183 with its early media.
#[test]
fn provisional_responses_are_reported() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(100, &[]));
    assert!(h.events().is_empty(), "100 is hop-by-hop news only");
    assert!(
        h.run_for(secs(60)).is_empty(),
        "no retransmission once Proceeding"
    );
    h.reply(&uas.reply(180, &[]));
    h.reply(&uas.reply(183, &[&format!("SDP:{OFFER}")]));
    match h.events().as_slice() {
        [Event::CallProgress {
            call: a,
            status: 180,
            sdp: None,
        }, Event::CallProgress {
            call: b,
            status: 183,
            sdp: Some(sdp),
        }] => {
            assert_eq!((*a, *b), (call, call));
            assert_eq!(sdp.as_ref(), OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.ep.call_count(), 1);
}

/// RFC 3261 13.2.2.4 and 12.1.2: the 2xx is ACKed by us in a new transaction with the
/// INVITE's CSeq number, sent to their Contact through the Record-Route in reverse;
/// retransmitted 2xx get the same ACK and no new event.
#[test]
fn answer_is_acked_through_the_reversed_route_set() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(180, &[]));
    h.events();
    h.reply(&uas.ok());
    let ack = h.sent_one();
    match h.events().as_slice() {
        [Event::CallAnswered { call: c, sdp }] => {
            assert_eq!(*c, call);
            assert_eq!(sdp.as_ref(), OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    let request = ack.request();
    assert_eq!(request.method, Method::Ack);
    assert_eq!(request.uri.to_string(), THEIR_CONTACT);
    assert_eq!(
        all(&ack.message, &HeaderName::Route),
        vec!["<sip:192.0.2.10;lr>", "<sip:192.0.2.11;lr>"]
    );
    assert_eq!(ack.to, Peer::udp("192.0.2.10:5060".parse().unwrap()));
    let (invite_cseq, ack_cseq) = (cseq(&invite.message), cseq(&ack.message));
    assert_eq!(ack_cseq.seq, invite_cseq.seq);
    assert_eq!(ack_cseq.method, Method::Ack);
    assert_ne!(branch(&ack.message), branch(&invite.message));
    assert_eq!(to_tag(&ack.message).as_deref(), Some("callee-tag"));
    assert_eq!(from_tag(&ack.message), from_tag(&invite.message));
    assert!(ack.message.body().is_empty());

    h.set_time(ms(500));
    h.reply(&uas.ok());
    assert_eq!(h.sent_one().message, ack.message);
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
    // The INVITE transaction leaves at Timer M; the call stays.
    assert!(h.run_for(secs(60)).is_empty());
    assert_eq!(h.ep.transaction_count(), 0);
    assert_eq!(h.ep.call_count(), 1);
}

/// BYE from them ends the call: 200, CallEnded(RemoteBye); nothing leaks.
#[test]
fn bye_from_them_ends_an_outgoing_call() {
    let mut h = Harness::new();
    let (call, uas, _) = h.answered();
    h.set_time(secs(5));
    h.reply(&uas.request("BYE", 1, &[]));
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.to, Peer::udp(peer_addr()));
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
    h.assert_drained();
}

/// Our BYE uses the dialog as the UAC made it: From with our tag, To with theirs, the
/// next CSeq, their Contact through the reversed route set.
#[test]
fn hangup_of_an_outgoing_call_sends_bye() {
    let mut h = Harness::new();
    let (call, uas, ack) = h.answered();
    h.set_time(secs(5));
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    assert_eq!(bye.request().uri.to_string(), THEIR_CONTACT);
    assert_eq!(bye.to, Peer::udp("192.0.2.10:5060".parse().unwrap()));
    assert_eq!(
        all(&bye.message, &HeaderName::Route),
        vec!["<sip:192.0.2.10;lr>", "<sip:192.0.2.11;lr>"]
    );
    assert_eq!(cseq(&bye.message).seq, cseq(&ack.message).seq + 1);
    assert_eq!(from_tag(&bye.message), from_tag(&ack.message));
    assert_eq!(to_tag(&bye.message).as_deref(), Some("callee-tag"));
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::LocalHangup)]);
    h.reply(&uas.response_to(bye.request(), 200, None, &[]));
    h.assert_drained();
}

/// RFC 3261 17.1.1.3: a failure is ACKed by the transaction (same branch, To with their
/// tag), retransmissions re-ACKed, and the call logic hears it once.
#[test]
fn busy_is_acked_and_fails_the_call() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(486, &[]));
    let ack = h.sent_one();
    assert_eq!(ack.request().method, Method::Ack);
    assert_eq!(ack.request().uri.to_string(), TARGET);
    assert_eq!(branch(&ack.message), branch(&invite.message));
    assert_eq!(cseq(&ack.message).seq, cseq(&invite.message).seq);
    assert_eq!(to_tag(&ack.message).as_deref(), Some("callee-tag"));
    match h.events().as_slice() {
        [Event::CallFailed {
            call: c,
            status: Some(486),
            reason,
        }] => {
            assert_eq!(*c, call);
            assert_eq!(reason, "Busy Here");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.ep.call_count(), 0);
    h.reply(&uas.reply(486, &[]));
    assert_eq!(h.sent_one().message, ack.message);
    assert!(h.events().is_empty());
    h.assert_drained();
}

fn digest_server(realm: &str, algorithms: Vec<Algorithm>) -> DigestServer {
    let mut config = DigestServerConfig::new(realm, b"0123456789abcdef0123".to_vec());
    config.algorithms = algorithms;
    DigestServer::new(config).unwrap()
}

const NOW_UNIX: u64 = 1_700_000_000;

fn challenge_lines(header: &str, server: &DigestServer) -> Vec<String> {
    server
        .challenge(NOW_UNIX, [9; 16])
        .into_iter()
        .map(|value| format!("{header}: {value}"))
        .collect()
}

fn account() -> Option<DigestAccount> {
    Some(DigestAccount::new("trunk-user", "s3cret"))
}

/// RFC 3261 22.2 and 22.3, RFC 8760: a proxy's 407 (SHA-256 preferred over MD5) and then
/// the callee's 401 (MD5 only) are each answered once, keeping the earlier credentials;
/// the retries share Call-ID and From tag, count CSeq up and take new branches; the ACK
/// for the 2xx carries the credentials too.
#[test]
fn challenges_are_answered_with_digest_credentials() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.credentials = account();
    let (call, first) = h.place(call);
    let mut proxy = digest_server("proxy.example", vec![Algorithm::Sha256, Algorithm::Md5]);
    let mut callee = digest_server("callee.example", vec![Algorithm::Md5]);

    let uas = Uas::new(&first);
    let lines = challenge_lines("Proxy-Authenticate", &proxy);
    h.reply(&uas.reply(407, &lines.iter().map(String::as_str).collect::<Vec<_>>()));
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "ACK for the 407, then the retry: {sent:#?}");
    assert_eq!(sent[0].request().method, Method::Ack);
    let second = &sent[1];
    assert_eq!(second.request().method, Method::Invite);
    assert!(h.events().is_empty(), "a challenge answered is no news");
    assert_eq!(
        header(&second.message, &HeaderName::CallId),
        header(&first.message, &HeaderName::CallId)
    );
    assert_eq!(from_tag(&second.message), from_tag(&first.message));
    assert_eq!(to_tag(&second.message), None);
    assert_eq!(cseq(&second.message).seq, cseq(&first.message).seq + 1);
    assert_ne!(branch(&second.message), branch(&first.message));
    let proxy_auth = header(&second.message, &HeaderName::ProxyAuthorization).unwrap();
    assert!(proxy_auth.contains("algorithm=SHA-256"), "{proxy_auth}");
    let ok = proxy
        .verify("INVITE", TARGET, proxy_auth, NOW_UNIX + 1, |user| {
            (user == "trunk-user").then_some("s3cret")
        })
        .unwrap();
    assert_eq!(ok.algorithm, Algorithm::Sha256);

    let uas = Uas::new(second);
    let lines = challenge_lines("WWW-Authenticate", &callee);
    h.reply(&uas.reply(401, &lines.iter().map(String::as_str).collect::<Vec<_>>()));
    let sent = h.sent();
    assert_eq!(sent.len(), 2);
    let third = &sent[1];
    assert_eq!(cseq(&third.message).seq, cseq(&first.message).seq + 2);
    assert_eq!(
        header(&third.message, &HeaderName::ProxyAuthorization),
        Some(proxy_auth),
        "the proxy's credentials are kept"
    );
    let auth = header(&third.message, &HeaderName::Authorization).unwrap();
    let ok = callee
        .verify("INVITE", TARGET, auth, NOW_UNIX + 1, |_| Some("s3cret"))
        .unwrap();
    assert_eq!(ok.algorithm, Algorithm::Md5);

    let uas = Uas::new(third);
    h.reply(&uas.ok());
    let ack = h.sent_one();
    assert_eq!(cseq(&ack.message).seq, cseq(&third.message).seq);
    assert_eq!(header(&ack.message, &HeaderName::Authorization), Some(auth));
    assert_eq!(
        header(&ack.message, &HeaderName::ProxyAuthorization),
        Some(proxy_auth)
    );
    assert!(matches!(
        h.events().as_slice(),
        [Event::CallAnswered { call: c, .. }] if *c == call
    ));
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    h.reply(&uas.response_to(bye.request(), 200, None, &[]));
    h.events();
    h.assert_drained();
}

/// A second challenge for a realm we already answered means the credentials are wrong:
/// the call fails with that status after exactly one retry. Without credentials the
/// first challenge fails it.
#[test]
fn refused_credentials_fail_the_call() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.credentials = Some(DigestAccount::new("trunk-user", "wrong"));
    let (call, first) = h.place(call);
    let server = digest_server("callee.example", vec![Algorithm::Md5]);
    let lines = challenge_lines("WWW-Authenticate", &server);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    h.reply(&Uas::new(&first).reply(401, &lines));
    let retry = h.sent().pop().unwrap();
    assert_eq!(retry.request().method, Method::Invite);
    h.reply(&Uas::new(&retry).reply(401, &lines));
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "only the ACK: {sent:#?}");
    assert_eq!(sent[0].request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(401))]);
    h.assert_drained();

    let (call, first) = h.place(call_to_peer(Some(ANSWER)));
    h.reply(&Uas::new(&first).reply(
        407,
        &["Proxy-Authenticate: Digest realm=\"p\", nonce=\"n\""],
    ));
    assert_eq!(h.sent_one().request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(407))]);
    h.assert_drained();
}

/// RFC 3261 9.1: no CANCEL before a provisional response; it leaves when one arrives,
/// with the INVITE's branch, Request-URI, Call-ID, From, To and CSeq number. The 487
/// is ACKed and fails the call.
#[test]
fn cancel_waits_for_a_provisional_response() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    h.ep.cancel_call(h.now, call).unwrap();
    assert!(h.sent().is_empty(), "no CANCEL before a provisional");
    h.set_time(ms(200));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(100, &[]));
    let cancel = h.sent_one();
    let request = cancel.request();
    assert_eq!(request.method, Method::Cancel);
    assert_eq!(request.uri, invite.request().uri);
    assert_eq!(branch(&cancel.message), branch(&invite.message));
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        assert_eq!(
            header(&cancel.message, &name),
            header(&invite.message, &name)
        );
    }
    assert_eq!(cseq(&cancel.message).seq, cseq(&invite.message).seq);
    assert_eq!(cseq(&cancel.message).method, Method::Cancel);
    assert!(
        h.ep.cancel_call(h.now, call).is_ok(),
        "asking twice is harmless"
    );
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());

    h.reply(&uas.response_to(request, 200, Some("callee-tag"), &[]));
    h.reply(&uas.reply(487, &[]));
    let ack = h.sent_one();
    assert_eq!(ack.request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(487))]);
    h.assert_drained();
}

/// After a 180 the CANCEL goes at once; `hangup` on an unanswered outgoing call cancels
/// too. Ringing after the cancel is not reported.
#[test]
fn cancel_after_ringing_is_sent_at_once() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(180, &[]));
    assert_eq!(h.events().len(), 1);
    h.ep.hangup(h.now, call).unwrap();
    let cancel = h.sent_one();
    assert_eq!(cancel.request().method, Method::Cancel);
    h.reply(&uas.reply(180, &[]));
    assert!(h.events().is_empty());
    h.reply(&uas.response_to(cancel.request(), 200, Some("callee-tag"), &[]));
    h.reply(&uas.reply(487, &[]));
    assert_eq!(h.sent_one().request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(487))]);
    h.assert_drained();
}

/// A 2xx that crosses our CANCEL made a dialog anyway: ACK it, then BYE it (RFC 3261
/// 9.1, 15). The call logic gets CallFailed with that 2xx, never CallAnswered.
#[test]
fn answer_crossing_the_cancel_is_acked_and_hung_up() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(180, &[]));
    h.events();
    h.ep.cancel_call(h.now, call).unwrap();
    let cancel = h.sent_one();
    h.reply(&uas.ok());
    let sent = h.sent();
    let methods: Vec<_> = sent.iter().map(|s| s.request().method.clone()).collect();
    assert_eq!(methods, vec![Method::Ack, Method::Bye]);
    assert_eq!(sent[1].request().uri.to_string(), THEIR_CONTACT);
    assert_eq!(to_tag(&sent[1].message).as_deref(), Some("callee-tag"));
    assert_eq!(failed(&h.events()), vec![(call, Some(200))]);
    assert_eq!(h.ep.call_count(), 0);
    // The 2xx again: the same ACK, no second BYE.
    h.reply(&uas.ok());
    assert_eq!(h.sent_one().message, sent[0].message);
    h.reply(&uas.response_to(cancel.request(), 200, Some("callee-tag"), &[]));
    h.reply(&uas.response_to(sent[1].request(), 200, None, &[]));
    assert!(h.events().is_empty());
    h.assert_drained();
}

/// RFC 3261 9.1: when no final response follows our CANCEL within 64·T1, the INVITE is
/// given up and the call fails without a status.
#[test]
fn cancel_without_any_final_response_gives_up() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    h.reply(&Uas::new(&invite).reply(180, &[]));
    h.events();
    h.ep.cancel_call(h.now, call).unwrap();
    assert_eq!(h.sent_one().request().method, Method::Cancel);
    h.run_until(secs(32) - ms(1));
    assert!(h.events().is_empty());
    h.run_until(secs(32));
    assert_eq!(failed(&h.events()), vec![(call, None)]);
    h.assert_drained();
}

/// RFC 3264 section 5 and RFC 3261 13.2.2.4: an offerless INVITE gets their offer in the
/// 2xx; we ACK only once the call logic gives the answer, and put it in the ACK.
#[test]
fn offerless_invite_puts_our_answer_in_the_ack() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(None));
    assert!(invite.message.body().is_empty());
    assert_eq!(header(&invite.message, &HeaderName::ContentType), None);
    let uas = Uas::new(&invite);
    h.reply(&uas.ok());
    assert!(h.sent().is_empty(), "no ACK without our answer");
    match h.events().as_slice() {
        [Event::OfferInAnswer { call: c, sdp }] => {
            assert_eq!(*c, call);
            assert_eq!(sdp.as_ref(), OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    h.set_time(ms(500));
    h.reply(&uas.ok());
    assert!(h.sent().is_empty() && h.events().is_empty());
    assert!(h
        .ep
        .ack_with_answer(h.now, CallHandle(99), Bytes::new())
        .is_err());
    h.ep.ack_with_answer(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ack = h.sent_one();
    assert_eq!(ack.request().method, Method::Ack);
    assert_eq!(ack.message.body().as_ref(), ANSWER.as_bytes());
    assert_eq!(
        header(&ack.message, &HeaderName::ContentType),
        Some("application/sdp")
    );
    assert!(
        h.ep.ack_with_answer(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
            .is_err(),
        "only one answer"
    );
    h.set_time(ms(1500));
    h.reply(&uas.ok());
    assert_eq!(h.sent_one().message, ack.message);
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    h.reply(&uas.response_to(bye.request(), 200, None, &[]));
    h.events();
    h.assert_drained();
}

/// If the call logic never answers their offer, the call ends when the INVITE
/// transaction does (Timer M): BYE, CallEnded(AckTimeout).
#[test]
fn offerless_invite_without_our_answer_ends_the_call() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(None));
    h.reply(&Uas::new(&invite).ok());
    assert_eq!(h.events().len(), 1);
    let sent = h.run_until(secs(32));
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].request().method, Method::Bye);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::AckTimeout)]);
}

/// RFC 3261 13.2.2.4: a second 2xx with another To tag is a fork that answered too: it is
/// ACKed and sent BYE, and only the first dialog is kept.
#[test]
fn second_fork_answering_is_acked_and_hung_up() {
    let mut h = Harness::new();
    let (call, uas, _) = h.answered();
    let mut fork = Uas::new(&Sent {
        at: ms(0),
        to: Peer::udp(peer_addr()),
        message: Message::Request(uas.invite.clone()),
    });
    fork.tag = "fork-tag".to_owned();
    let fork_ok = fork.reply(
        200,
        &[
            "Contact: <sip:other@192.0.2.30:5060>",
            &format!("SDP:{OFFER}"),
        ],
    );
    h.reply(&fork_ok);
    let sent = h.sent();
    let methods: Vec<_> = sent.iter().map(|s| s.request().method.clone()).collect();
    assert_eq!(methods, vec![Method::Ack, Method::Bye]);
    for s in &sent {
        assert_eq!(to_tag(&s.message).as_deref(), Some("fork-tag"));
        assert_eq!(s.request().uri.to_string(), "sip:other@192.0.2.30:5060");
        assert_eq!(s.to, Peer::udp("192.0.2.30:5060".parse().unwrap()));
    }
    assert!(h.events().is_empty());
    h.reply(&fork_ok);
    assert_eq!(h.sent_one().message, sent[0].message);
    h.reply(&fork.response_to(sent[1].request(), 200, None, &[]));
    assert_eq!(h.ep.call_count(), 1);
    // The kept call is untouched.
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(to_tag(&bye.message).as_deref(), Some("callee-tag"));
    h.reply(&uas.response_to(bye.request(), 200, None, &[]));
    h.events();
    h.assert_drained();
}

/// Their re-INVITE (hold) in a dialog we created: the existing in-dialog code answers it
/// with our tags the right way round; our later BYE still uses the reversed route set.
#[test]
fn reinvite_from_them_works_in_a_uac_dialog() {
    let mut h = Harness::new();
    let (call, uas, _) = h.answered();
    h.set_time(secs(10));
    h.reply(&uas.request("INVITE", 7, &[&format!("SDP:{HOLD_OFFER}")]));
    assert_eq!(h.statuses(), vec![100]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Reoffer { call: c, offer: Some(_), .. }] if *c == call
    ));
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        to_tag(&ok.message),
        Some(from_tag(&uas.invite.clone().into()))
    );
    h.reply(&uas.request("ACK", 7, &[]));
    assert!(h.run_for(secs(5)).is_empty(), "ACK matched our 2xx");
    h.reply(&uas.request("BYE", 6, &[]));
    assert_eq!(h.statuses(), vec![500], "stale CSeq after 7");
    h.reply(&uas.request("BYE", 8, &[]));
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
    h.assert_drained();
}

/// RFC 4028: we ask with Session-Expires and Supported: timer; refresher=uac in the 2xx
/// makes us refresh at half the interval (UPDATE, which they allow).
#[test]
fn session_timer_with_us_as_refresher() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.session_expires = Some(1800);
    let (call, invite) = h.place(call);
    assert_eq!(
        header(&invite.message, &HeaderName::SessionExpires),
        Some("1800")
    );
    assert_eq!(
        header(&invite.message, &HeaderName::Supported),
        Some("timer")
    );
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(
        200,
        &[
            &format!("Contact: <{THEIR_CONTACT}>"),
            "Session-Expires: 120;refresher=uac",
            "Require: timer",
            "Allow: INVITE, ACK, BYE, CANCEL, UPDATE",
            &format!("SDP:{OFFER}"),
        ],
    ));
    assert_eq!(h.sent_one().request().method, Method::Ack);
    h.events();
    let sent = h.run_until(secs(60));
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].at, secs(60));
    let update = sent[0].request();
    assert_eq!(update.method, Method::Update);
    assert_eq!(
        header(&sent[0].message, &HeaderName::SessionExpires),
        Some("120;refresher=uac")
    );
    h.reply(&uas.response_to(update, 200, None, &["Session-Expires: 120;refresher=uac"]));
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
    let sent = h.run_until(secs(120));
    assert_eq!(sent.len(), 1, "the next refresh at 60 s after the last");
    assert_eq!(sent[0].request().method, Method::Update);
    let _ = call;
}

/// refresher=uas in the 2xx: they refresh; if they do not, we end the session at
/// interval − min(32, interval/3) with BYE (RFC 4028 section 10).
#[test]
fn session_timer_with_them_as_refresher_expires() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.session_expires = Some(120);
    let (call, invite) = h.place(call);
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(
        200,
        &[
            &format!("Contact: <{THEIR_CONTACT}>"),
            "Session-Expires: 120;refresher=uas",
            &format!("SDP:{OFFER}"),
        ],
    ));
    h.sent();
    h.events();
    assert!(h.run_until(secs(88) - ms(1)).is_empty());
    let sent = h.run_until(secs(88));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request().method, Method::Bye);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// Broken answers do not panic and do not leave half a call: a 2xx without SDP is ACKed,
/// sent BYE and fails the call; responses for unknown transactions are dropped.
#[test]
fn broken_answers_fail_cleanly() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(200, &[&format!("Contact: <{THEIR_CONTACT}>")]));
    let sent = h.sent();
    let methods: Vec<_> = sent.iter().map(|s| s.request().method.clone()).collect();
    assert_eq!(methods, vec![Method::Ack, Method::Bye]);
    assert_eq!(failed(&h.events()), vec![(call, Some(200))]);
    h.reply(&uas.response_to(sent[1].request(), 200, None, &[]));

    let (call, invite) = h.place(call_to_peer(Some(ANSWER)));
    let uas = Uas::new(&invite);
    h.reply(&uas.reply(200, &["Contact: <not a uri", &format!("SDP:{OFFER}")]));
    assert!(h.sent().is_empty());
    assert_eq!(failed(&h.events()), vec![(call, Some(200))]);
    h.reply(
        &uas.reply(180, &[])
            .replace("branch=z9hG4bK", "branch=z9hG4bKx"),
    );
    assert!(h.sent().is_empty() && h.events().is_empty());
    h.assert_drained();
}

/// RFC 4028 section 6: a 422 names the smallest interval the callee takes; we retry once
/// with Session-Expires and Min-SE at that value.
#[test]
fn session_interval_too_small_is_retried_with_min_se() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.session_expires = Some(90);
    let (call, first) = h.place(call);
    h.reply(&Uas::new(&first).reply(422, &["Min-SE: 600"]));
    let sent = h.sent();
    let methods: Vec<_> = sent.iter().map(|s| s.request().method.clone()).collect();
    assert_eq!(methods, vec![Method::Ack, Method::Invite]);
    let retry = &sent[1];
    assert_eq!(
        header(&retry.message, &HeaderName::SessionExpires),
        Some("600")
    );
    assert_eq!(header(&retry.message, &HeaderName::MinSE), Some("600"));
    assert_eq!(cseq(&retry.message).seq, cseq(&first.message).seq + 1);
    assert!(h.events().is_empty());
    // A second 422 asking for no more than we sent is final.
    h.reply(&Uas::new(retry).reply(422, &["Min-SE: 600"]));
    assert_eq!(h.sent_one().request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(422))]);
    h.assert_drained();
}

/// RFC 4028 7.3 needs one retry after 422; a second 422, even naming a larger Min-SE,
/// fails the call instead of retrying without end.
#[test]
fn session_interval_too_small_is_retried_only_once() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.session_expires = Some(90);
    let (call, first) = h.place(call);
    h.reply(&Uas::new(&first).reply(422, &["Min-SE: 600"]));
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "{sent:#?}");
    let retry = &sent[1];
    assert_eq!(retry.request().method, Method::Invite);
    h.reply(&Uas::new(retry).reply(422, &["Min-SE: 1200"]));
    assert_eq!(h.sent_one().request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(422))]);
    h.assert_drained();
}

/// Over TCP nothing is retransmitted, Via and Contact say TCP, and a failure ends the
/// transaction at once (Timer D is zero on reliable transports).
#[test]
fn call_over_tcp() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    let connection = crate::endpoint::ConnectionId(4);
    call.destination = Peer::tcp(peer_addr(), connection);
    let (call, invite) = h.place(call);
    assert_eq!(invite.to, Peer::tcp(peer_addr(), connection));
    assert!(header(&invite.message, &HeaderName::Via)
        .unwrap()
        .starts_with("SIP/2.0/TCP "));
    assert_eq!(
        header(&invite.message, &HeaderName::Contact),
        Some("<sip:198.51.100.7:5060;transport=tcp>")
    );
    assert!(h.run_until(secs(20)).is_empty(), "no Timer A on TCP");
    let busy = Uas::new(&invite).reply(603, &[]);
    h.ep.handle_stream_data(h.now, connection, peer_addr(), busy.as_bytes());
    assert_eq!(h.sent_one().request().method, Method::Ack);
    assert_eq!(failed(&h.events()), vec![(call, Some(603))]);
    assert_eq!(h.ep.transaction_count(), 0);
    h.assert_drained();
}

/// Hanging up while their offer waits for our answer: ACK first (so their 2xx stops),
/// then BYE.
#[test]
fn hangup_before_answering_their_offer_acks_then_byes() {
    let mut h = Harness::new();
    let (call, invite) = h.place(call_to_peer(None));
    let uas = Uas::new(&invite);
    h.reply(&uas.ok());
    h.events();
    h.ep.hangup(h.now, call).unwrap();
    let sent = h.sent();
    let methods: Vec<_> = sent.iter().map(|s| s.request().method.clone()).collect();
    assert_eq!(methods, vec![Method::Ack, Method::Bye]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::LocalHangup)]);
    h.reply(&uas.ok());
    assert_eq!(h.sent_one().message, sent[0].message, "the 2xx is re-ACKed");
    h.reply(&uas.response_to(sent[1].request(), 200, None, &[]));
    h.assert_drained();
}

/// A header value with CR or LF (say, a caller ID from a form) is dropped, not sent as
/// extra header lines.
#[test]
fn extra_header_with_line_breaks_is_dropped() {
    let mut h = Harness::new();
    let mut call = call_to_peer(Some(ANSWER));
    call.extra_headers.push((
        HeaderName::Other("X-Caller".into()),
        "Alice\r\nBYE sip:x SIP/2.0".into(),
    ));
    call.extra_headers
        .push((HeaderName::Other("X-Room".into()), "42".into()));
    let (_, invite) = h.place(call);
    assert_eq!(
        header(&invite.message, &HeaderName::Other("X-Caller".into())),
        None
    );
    assert_eq!(
        header(&invite.message, &HeaderName::Other("X-Room".into())),
        Some("42")
    );
}
