//! Whole calls over UDP: answer, ACK, BYE; retransmissions; CANCEL; reject; hangup.

use bytes::Bytes;

use super::*;
use crate::message::{Method, Uri};

/// RFC 3261 13.3.1.4: the 2xx goes out at once and again at T1, 2·T1, 4·T1 … capped at
/// T2 until the ACK; the request's Vias, From, Call-ID, CSeq and Record-Routes are
/// echoed (8.2.6.2, 12.1.1), and a BYE afterwards ends the call with nothing leaked.
#[test]
fn basic_udp_call_answer_ack_bye() {
    let mut h = Harness::new();
    let req = invite()
        .lower_via("SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-proxy-1")
        .header("Record-Route: <sip:203.0.113.5;lr>")
        .header("Record-Route: <sip:203.0.113.6;lr;ftag=x>")
        .header("Timestamp: 54");
    h.send(&req);
    let trying = h.sent_one();
    assert_eq!(trying.to, Peer::udp(peer_addr()));
    let trying_msg = &trying.message;
    assert_eq!(trying.status(), 100);
    // 100 carries no To tag (8.2.6.2) and echoes Timestamp (8.2.6.1).
    assert_eq!(to_tag(trying_msg), None);
    assert_eq!(header(trying_msg, &HeaderName::Timestamp), Some("54"));
    assert_eq!(all(trying_msg, &HeaderName::Via).len(), 2);

    let events = h.events();
    let call = match events.as_slice() {
        [Event::IncomingCall(incoming)] => {
            assert_eq!(incoming.offer.as_deref(), Some(OFFER.as_bytes()));
            assert_eq!(incoming.source, Peer::udp(peer_addr()));
            assert_eq!(incoming.invite.method, Method::Invite);
            incoming.call
        }
        other => panic!("expected IncomingCall, got {other:?}"),
    };
    assert_eq!(h.ep.call_count(), 1);

    h.set_time(ms(1200));
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.to, Peer::udp(peer_addr()));
    let msg = &ok.message;
    let tag = to_tag(msg).expect("200 must carry our To tag");
    assert!(!tag.is_empty());
    assert_eq!(
        all(msg, &HeaderName::Via),
        vec![
            "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-inv-1",
            "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-proxy-1"
        ]
    );
    assert_eq!(
        all(msg, &HeaderName::RecordRoute),
        vec!["<sip:203.0.113.5;lr>", "<sip:203.0.113.6;lr;ftag=x>"]
    );
    assert_eq!(
        header(msg, &HeaderName::From),
        Some("\"Caller\" <sip:+15557654321@192.0.2.1>;tag=caller-tag")
    );
    assert_eq!(header(msg, &HeaderName::CallId), Some("call-1@192.0.2.1"));
    assert_eq!(header(msg, &HeaderName::CSeq), Some("1 INVITE"));
    assert_eq!(
        header(msg, &HeaderName::Contact),
        Some("<sip:198.51.100.7:5060>")
    );
    assert_eq!(
        header(msg, &HeaderName::Allow),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO")
    );
    assert_eq!(header(msg, &HeaderName::Supported), Some("timer"));
    assert_eq!(
        header(msg, &HeaderName::ContentType),
        Some("application/sdp")
    );
    assert_eq!(msg.body().as_ref(), ANSWER.as_bytes());
    // Timestamp belongs on the 100 only.
    assert_eq!(header(msg, &HeaderName::Timestamp), None);
    // No session timer: the INVITE neither asked nor supports one.
    assert_eq!(header(msg, &HeaderName::SessionExpires), None);

    // Retransmissions at +T1, +2T1, +4T1, then every T2 (4 s) from the first send.
    let sent = h.run_until(ms(1200) + secs(16));
    let times: Vec<_> = sent.iter().map(|s| s.at - ms(1200)).collect();
    assert_eq!(
        times,
        vec![ms(500), ms(1500), ms(3500), ms(7500), ms(11500), ms(15500)]
    );
    for s in &sent {
        assert_eq!(s.message, ok.message, "retransmissions are byte-identical");
        assert_eq!(s.to, Peer::udp(peer_addr()));
    }

    h.send(&ack_2xx(&tag, 1));
    assert!(h.sent().is_empty());
    assert!(matches!(h.events().as_slice(), [Event::CallConfirmed { call: c }] if *c == call));
    // The ACK stops the retransmissions for good.
    assert!(h.run_for(secs(30)).is_empty());
    // A retransmitted ACK is absorbed silently and is not news.
    h.send(&ack_2xx(&tag, 1));
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());

    h.send(&in_dialog("BYE", &tag, 2));
    let bye_ok = h.sent_one();
    assert_eq!(bye_ok.status(), 200);
    assert_eq!(to_tag(&bye_ok.message).as_deref(), Some(tag.as_str()));
    assert_eq!(header(&bye_ok.message, &HeaderName::CSeq), Some("2 BYE"));
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
    assert_eq!(h.ep.call_count(), 0);
    // A retransmitted BYE gets the same 200 from the transaction, no second event.
    h.send(&in_dialog("BYE", &tag, 2));
    assert_eq!(h.sent_one().message, bye_ok.message);
    assert!(h.events().is_empty());
    h.assert_drained();
}

/// A retransmitted INVITE before the answer gets the 100 again and is not a new call;
/// after the 2xx it is absorbed by the Accepted state (RFC 6026 8.7).
#[test]
fn invite_retransmissions_before_and_after_answer() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.set_time(ms(500));
    h.send(&invite());
    assert_eq!(h.statuses(), vec![100]);
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);

    h.ep.ring(h.now, call, None).unwrap();
    let ringing = h.sent_one();
    assert_eq!(ringing.status(), 180);
    let tag = to_tag(&ringing.message).unwrap();
    h.send(&invite());
    // The latest provisional is what a retransmission gets (17.2.1).
    assert_eq!(h.statuses(), vec![180]);

    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(
        to_tag(&ok.message).as_deref(),
        Some(tag.as_str()),
        "one dialog, one tag"
    );
    h.set_time(ms(700));
    h.send(&invite());
    assert!(h.sent().is_empty(), "absorbed after 2xx (RFC 6026)");
    assert!(h.events().is_empty());
    h.send(&ack_2xx(&tag, 1));
    assert_eq!(h.events().len(), 1);
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    h.send_from(peer_addr(), &bye_ok(bye.request()));
    h.assert_drained();
}

/// RFC 3261 13.3.1.4: no ACK within 64·T1 → BYE and the call ends.
#[test]
fn no_ack_ends_the_call_with_bye_after_64_t1() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    let tag = to_tag(&ok.message).unwrap();
    let sent = h.run_until(T1 * 64 - ms(1));
    assert!(sent.iter().all(|s| s.status() == 200));
    assert!(h.events().is_empty());
    let sent = h.run_until(T1 * 64);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let bye = sent[0].request();
    assert_eq!(sent[0].at, T1 * 64);
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(
        bye.uri,
        Uri::parse("sip:+15557654321@192.0.2.1:5060").unwrap()
    );
    assert_eq!(sent[0].to, Peer::udp(peer_addr()));
    assert_eq!(to_tag(&sent[0].message).as_deref(), Some("caller-tag"));
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::AckTimeout)]);
    let _ = tag;
    // The peer is gone: the BYE is retransmitted until Timer F, then given up.
    let sent = h.run_for(secs(40));
    assert!(sent.iter().all(|s| s.request().method == Method::Bye));
    assert_eq!(sent.len(), 10, "Timer E: T1,2T1,4T1,T2… within 64·T1");
    h.assert_drained();
}

/// RFC 3261 9.2: CANCEL gets 200, the INVITE 487; the ACK for the 487 is absorbed by
/// the INVITE transaction; a CANCEL that matches nothing gets 481.
#[test]
fn cancel_before_answer() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.ring(h.now, call, None).unwrap();
    let ringing = h.sent_one();
    let tag = to_tag(&ringing.message).unwrap();

    h.set_time(secs(2));
    // The CANCEL has the INVITE's branch and CSeq number (9.1).
    let cancel = Req::new("CANCEL").branch("z9hG4bK-inv-1").contact(None);
    h.send(&cancel);
    let mut sent = h.sent();
    assert_eq!(sent.len(), 2, "{sent:#?}");
    // Either order is fine; look at the CANCEL's answer first.
    sent.sort_by_key(|s| s.status());
    assert_eq!(sent[0].status(), 200);
    assert_eq!(cseq_of(&sent[0].message), "1 CANCEL");
    assert_eq!(sent[1].status(), 487);
    assert_eq!(cseq_of(&sent[1].message), "1 INVITE");
    assert_eq!(to_tag(&sent[1].message).as_deref(), Some(tag.as_str()));
    // 9.2: the To tag of the CANCEL's response SHOULD equal the INVITE response's.
    assert_eq!(to_tag(&sent[0].message).as_deref(), Some(tag.as_str()));
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::Cancelled)]);
    assert_eq!(h.ep.call_count(), 0);
    assert_eq!(
        h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes())),
        Err(super::super::CommandError::UnknownCall)
    );

    // The 487 is retransmitted (Timer G) until the ACK.
    let sent = h.run_until(secs(2) + ms(500));
    assert_eq!(sent.iter().map(Sent::status).collect::<Vec<_>>(), vec![487]);
    // ACK for a non-2xx: same branch as the INVITE (17.1.1.3).
    let ack = Req::new("ACK")
        .branch("z9hG4bK-inv-1")
        .with_to_tag(&tag)
        .contact(None);
    h.send(&ack);
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());
    assert!(h.run_for(secs(10)).is_empty(), "no more 487 after the ACK");

    // A CANCEL for an INVITE we never saw.
    let stray = Req::new("CANCEL")
        .branch("z9hG4bK-nothing")
        .call_id("other@192.0.2.1")
        .contact(None);
    h.send(&stray);
    assert_eq!(h.statuses(), vec![481]);
    h.assert_drained();
}

/// `reject_call` sends the final with our tag; Timer G retransmits it on UDP until the
/// ACK (RFC 3261 17.2.1) and the call ends as Rejected.
#[test]
fn reject_call_is_retransmitted_until_ack() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.reject_call(h.now, call, 403, "Forbidden", Vec::new())
        .unwrap();
    let forbidden = h.sent_one();
    assert_eq!(forbidden.status(), 403);
    assert_eq!(forbidden.response().reason, "Forbidden");
    let tag = to_tag(&forbidden.message).expect("403 carries a To tag");
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::Rejected)]);
    assert_eq!(h.ep.call_count(), 0);

    let sent = h.run_until(secs(8));
    let times: Vec<_> = sent.iter().map(|s| s.at).collect();
    assert_eq!(times, vec![ms(500), ms(1500), ms(3500), ms(7500)]);
    assert!(sent.iter().all(|s| s.message == forbidden.message));
    // An INVITE retransmission gets the 403 again.
    h.send(&invite());
    assert_eq!(h.statuses(), vec![403]);
    let ack = Req::new("ACK")
        .branch("z9hG4bK-inv-1")
        .with_to_tag(&tag)
        .contact(None);
    h.send(&ack);
    assert!(h.sent().is_empty());
    assert!(h.run_for(secs(20)).is_empty());
    assert!(h.events().is_empty());
    h.assert_drained();

    // Statuses that are not finals are refused.
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    assert_eq!(
        h.ep.reject_call(h.now, call, 200, "OK", Vec::new()),
        Err(super::super::CommandError::BadStatus(200))
    );
}

/// Without an ACK the 403 stops at Timer H (64·T1) and the transaction goes.
#[test]
fn reject_without_ack_gives_up_at_timer_h() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.reject_call(h.now, call, 486, "Busy Here", Vec::new())
        .unwrap();
    assert_eq!(h.statuses(), vec![486]);
    let sent = h.run_until(T1 * 64);
    // G at 0.5, 1.5, 3.5, 7.5, then every 4 s up to 31.5.
    assert_eq!(sent.len(), 10);
    assert_eq!(h.ep.transaction_count(), 0);
    h.assert_drained();
}

/// An INVITE without SDP: our offer goes in the 200, the answer comes in the ACK.
#[test]
fn offerless_invite_gets_answer_in_ack() {
    let mut h = Harness::new();
    let req = Req::new("INVITE").branch("z9hG4bK-inv-1");
    h.send(&req);
    assert_eq!(h.statuses(), vec![100]);
    let call = match h.events().as_slice() {
        [Event::IncomingCall(incoming)] => {
            assert_eq!(incoming.offer, None);
            incoming.call
        }
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.message.body().as_ref(), ANSWER.as_bytes());
    let tag = to_tag(&ok.message).unwrap();
    h.send(&ack_2xx(&tag, 1).sdp(OFFER));
    let events = h.events();
    assert!(matches!(events[0], Event::CallConfirmed { call: c } if c == call));
    match &events[1] {
        Event::AnswerInAck { call: c, sdp } => {
            assert_eq!(*c, call);
            assert_eq!(sdp.as_ref(), OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events.len(), 2);
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    h.send_from(peer_addr(), &bye_ok(bye.request()));
    h.assert_drained();
}

/// RFC 3261 13.3.1.4 end: an ACK without the answer we need ends the call with BYE.
#[test]
fn offerless_invite_with_bodyless_ack_ends_the_call() {
    let mut h = Harness::new();
    let req = Req::new("INVITE").branch("z9hG4bK-inv-1");
    let call = h.incoming(&req);
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    h.send(&ack_2xx(&tag, 1));
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    let events = h.events();
    assert!(matches!(events[0], Event::CallConfirmed { .. }));
    assert_eq!(ended(&events), vec![(call, CallEndReason::LocalHangup)]);
    // Their 200 to the BYE completes the client transaction.
    let ok = bye_ok(bye.request());
    h.send_from(peer_addr(), &ok);
    assert!(h.sent().is_empty());
    h.assert_drained();
}

/// A 200 to a BYE we sent, as the peer would send it.
pub fn bye_ok(bye: &Request) -> String {
    let mut s = String::from("SIP/2.0 200 OK\r\n");
    for (name, value) in bye.headers.iter() {
        if matches!(
            name,
            HeaderName::Via
                | HeaderName::From
                | HeaderName::To
                | HeaderName::CallId
                | HeaderName::CSeq
        ) {
            s += &format!("{name}: {value}\r\n");
        }
    }
    s + "Content-Length: 0\r\n\r\n"
}

/// `hangup` before the answer is a 480; after it a BYE from us: our tag in From, theirs
/// in To, CSeq counting up from our first, CallEnded exactly once.
#[test]
fn hangup_before_and_after_answer() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.hangup(h.now, call).unwrap();
    let sent = h.sent_one();
    assert_eq!(sent.status(), 480);
    assert!(to_tag(&sent.message).is_some());
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::Rejected)]);
    assert_eq!(
        h.ep.hangup(h.now, call),
        Err(super::super::CommandError::UnknownCall)
    );

    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    let req = bye.request();
    assert_eq!(req.method, Method::Bye);
    assert_eq!(bye.to, Peer::udp(peer_addr()));
    assert_eq!(
        req.uri,
        Uri::parse("sip:+15557654321@192.0.2.1:5060").unwrap()
    );
    let from = NameAddr::parse(req.headers.get(&HeaderName::From).unwrap()).unwrap();
    assert_eq!(from.tag(), Some(tag.as_str()));
    assert_eq!(
        from.uri,
        Uri::parse("sip:+15551230000@198.51.100.7").unwrap()
    );
    let to = NameAddr::parse(req.headers.get(&HeaderName::To).unwrap()).unwrap();
    assert_eq!(to.tag(), Some("caller-tag"));
    assert_eq!(
        req.headers.get(&HeaderName::CallId),
        Some("call-1@192.0.2.1")
    );
    assert_eq!(req.headers.get(&HeaderName::MaxForwards), Some("70"));
    let via = crate::message::Via::parse(req.headers.get(&HeaderName::Via).unwrap()).unwrap();
    assert!(via.branch().unwrap().starts_with("z9hG4bK"));
    assert_eq!(via.transport, "UDP");
    let cseq = crate::message::CSeq::parse(req.headers.get(&HeaderName::CSeq).unwrap()).unwrap();
    assert_eq!(cseq.method, Method::Bye);
    assert!(cseq.seq >= 1 && cseq.seq < 1 << 31, "RFC 3261 8.1.1.5");
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::LocalHangup)]);
    assert_eq!(
        h.ep.hangup(h.now, call),
        Err(super::super::CommandError::UnknownCall)
    );
    // Retransmitted (Timer E) until their 200, then quiet.
    let sent = h.run_for(ms(600));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message, bye.message);
    h.send_from(peer_addr(), &bye_ok(req));
    assert!(h.run_for(secs(40)).is_empty());
    assert!(h.events().is_empty(), "CallEnded exactly once");
    h.assert_drained();
}

/// Two requests we send in one dialog count CSeq up by one (RFC 3261 12.2.1.1).
#[test]
fn our_cseq_increments_across_requests() {
    let mut h = Harness::with_config(|_| {});
    let req = invite()
        .header("Supported: timer")
        .header("Session-Expires: 180;refresher=uas")
        .header("Allow: INVITE, ACK, BYE, CANCEL, UPDATE");
    let (call, _tag) = h.established(&req);
    let sent = h.run_until(secs(90));
    assert_eq!(sent.len(), 1);
    let update = sent[0].request();
    assert_eq!(update.method, Method::Update);
    let first = crate::message::CSeq::parse(update.headers.get(&HeaderName::CSeq).unwrap())
        .unwrap()
        .seq;
    h.send_from(
        peer_addr(),
        &ok_to(update, "Session-Expires: 180;refresher=uac\r\n"),
    );
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    let second = crate::message::CSeq::parse(bye.request().headers.get(&HeaderName::CSeq).unwrap())
        .unwrap()
        .seq;
    assert_eq!(second, first + 1);
}

/// A 2xx (or other response) to a request we sent, with extra header lines.
pub fn ok_to(request: &Request, extra: &str) -> String {
    response_to(request, "200 OK", extra)
}

pub fn response_to(request: &Request, status_line: &str, extra: &str) -> String {
    let mut s = format!("SIP/2.0 {status_line}\r\n");
    for (name, value) in request.headers.iter() {
        if matches!(
            name,
            HeaderName::Via
                | HeaderName::From
                | HeaderName::To
                | HeaderName::CallId
                | HeaderName::CSeq
        ) {
            s += &format!("{name}: {value}\r\n");
        }
    }
    s += "Contact: <sip:+15557654321@192.0.2.1:5060>\r\n";
    s += extra;
    s + "Content-Length: 0\r\n\r\n"
}

/// INFO in the dialog → 200 and an Info event; a request with a CSeq not above the last
/// one → 500 (RFC 3261 12.2.2), no event.
#[test]
fn info_in_dialog_and_stale_cseq() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(
        &in_dialog("INFO", &tag, 5).body("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
    );
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(to_tag(&ok.message).as_deref(), Some(tag.as_str()));
    match h.events().as_slice() {
        [Event::Info {
            call: c,
            content_type,
            body,
        }] => {
            assert_eq!(*c, call);
            assert_eq!(content_type.as_deref(), Some("application/dtmf-relay"));
            assert_eq!(body.as_ref(), b"Signal=5\r\nDuration=160\r\n");
        }
        other => panic!("{other:?}"),
    }
    h.send(&in_dialog("INFO", &tag, 4).branch("z9hG4bK-info-old"));
    let stale = h.sent_one();
    assert_eq!(stale.status(), 500);
    assert!(h.events().is_empty());
    // Equal CSeq in a new transaction is stale too.
    h.send(&in_dialog("INFO", &tag, 5).branch("z9hG4bK-info-same"));
    assert_eq!(h.statuses(), vec![500]);
    h.send(&in_dialog("BYE", &tag, 6));
    assert_eq!(h.statuses(), vec![200]);
    h.assert_drained();
}

/// RFC 2543 peers send branches without the magic cookie: transactions then match on
/// Call-ID, CSeq, From tag, Request-URI and Via (RFC 3261 17.2.3).
#[test]
fn rfc2543_branch_invite_and_retransmission() {
    let mut h = Harness::new();
    let req = invite().branch("1234abcd");
    let call = h.incoming(&req);
    h.send(&req);
    assert_eq!(h.statuses(), vec![100]);
    assert!(h.events().is_empty());
    // Without any branch at all.
    let no_branch = invite()
        .call_id("call-2@192.0.2.1")
        .branch("x")
        .text()
        .replace(";branch=x", "");
    h.send_from(peer_addr(), &no_branch);
    assert_eq!(h.statuses(), vec![100]);
    let second = match h.events().as_slice() {
        [Event::IncomingCall(c)] => c.call,
        other => panic!("{other:?}"),
    };
    h.send_from(peer_addr(), &no_branch);
    assert_eq!(h.statuses(), vec![100]);
    assert!(h.events().is_empty());

    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    h.send(&req);
    assert!(h.sent().is_empty());
    h.send(&ack_2xx(&tag, 1).branch("5678efgh"));
    assert!(matches!(
        h.events().as_slice(),
        [Event::CallConfirmed { .. }]
    ));
    h.ep.reject_call(h.now, second, 486, "Busy Here", Vec::new())
        .unwrap();
    let busy = h.sent_one();
    assert_eq!(busy.status(), 486);
    // The 2543 ACK for the 486 repeats the INVITE's Request-URI and matches it.
    let ack = Req::new("ACK")
        .call_id("call-2@192.0.2.1")
        .with_to_tag(&to_tag(&busy.message).unwrap())
        .branch("x")
        .contact(None)
        .text()
        .replace(";branch=x", "");
    h.send_from(peer_addr(), &ack);
    assert!(h.run_for(secs(5)).is_empty(), "the ACK stopped Timer G");
}

/// RFC 4475 3.4.1: an RFC 2543 INVITE (no From tag, no Contact, no branch) is accepted;
/// the dialog's remote tag is empty (RFC 3261 12.1.1), their BYE without a From tag
/// finds it, and our requests would go to the From address.
#[test]
fn rfc2543_invite_without_from_tag_or_contact() {
    let mut h = Harness::new();
    let strip = |req: Req| {
        req.branch("x")
            .contact(None)
            .text()
            .replace(";branch=x", "")
            .replace(";tag=caller-tag", "")
    };
    h.send_from(peer_addr(), &strip(invite()));
    assert_eq!(h.statuses(), vec![100]);
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => c.call,
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    h.send_from(peer_addr(), &strip(ack_2xx(&tag, 1)));
    assert!(matches!(
        h.events().as_slice(),
        [Event::CallConfirmed { .. }]
    ));
    h.send_from(peer_addr(), &strip(in_dialog("BYE", &tag, 2)));
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
    h.assert_drained();
}

/// RFC 3261 9.2: a CANCEL is answered 200 while the INVITE server transaction exists,
/// even after our final non-2xx; it changes nothing then.
#[test]
fn cancel_after_our_final_rejection_gets_200() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.reject_call(h.now, call, 486, "Busy Here", vec![])
        .unwrap();
    assert_eq!(h.statuses(), vec![486]);
    let _ = h.events();
    h.send(&Req::new("CANCEL").branch("z9hG4bK-inv-1"));
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(cseq_of(&ok.message), "1 CANCEL");
    assert!(h.events().is_empty());
    // Once the INVITE transaction is gone (ACKed, Timer I) and the CANCEL's own (Timer
    // J) that would absorb a retransmission, a CANCEL gets 481 again.
    h.send(&Req::new("ACK").branch("z9hG4bK-inv-1"));
    let _ = h.run_for(secs(40));
    assert_eq!(h.ep.transaction_count(), 0);
    h.send(&Req::new("CANCEL").branch("z9hG4bK-inv-1").cseq(1));
    let again: Vec<u16> = h.statuses();
    assert!(again.contains(&481), "{again:?}");
}

/// RFC 3261 9.2: a CANCEL of a re-INVITE the call logic has not answered: 200 to the
/// CANCEL, 487 to the re-INVITE, and the call goes on.
#[test]
fn cancel_of_a_pending_reinvite_gets_200_and_the_reinvite_487() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&in_dialog("INVITE", &tag, 2).sdp(HOLD_OFFER));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
    let cancel = in_dialog("CANCEL", &tag, 2).branch("z9hG4bK-invite-2");
    h.send(&cancel);
    let sent = h.sent();
    let got: Vec<(u16, String)> = sent
        .iter()
        .map(|s| (s.status(), cseq_of(&s.message)))
        .collect();
    assert_eq!(
        got,
        vec![(200, "2 CANCEL".to_owned()), (487, "2 INVITE".to_owned())]
    );
    assert!(sent
        .iter()
        .all(|s| to_tag(&s.message).as_deref() == Some(tag.as_str())));
    assert!(h.ep.answer_reoffer(h.now, call, Err(488)).is_err());
    assert_eq!(h.ep.call_count(), 1, "the call goes on");
}

/// RFC 3261 8.2.2.2: the same INVITE along a second path (same Call-ID, From tag and
/// CSeq, another branch) is a merged request: 482, and no second call.
#[test]
fn a_merged_invite_gets_482_and_no_second_call() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.send(&invite().branch("z9hG4bK-inv-other-path"));
    let sent = h.sent_one();
    assert_eq!(sent.status(), 482);
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
    // Still merged once the first is answered; a new Call-ID is a new call.
    h.ep.accept_call(h.now, call, Bytes::from(ANSWER)).unwrap();
    let _ = h.sent();
    h.send(&invite().branch("z9hG4bK-inv-third-path"));
    assert_eq!(h.statuses(), vec![482]);
    h.send(&invite().branch("z9hG4bK-inv-new").call_id("another-call"));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
}
