//! Requests the endpoint refuses or answers by itself (RFC 3261 8.2), and where the
//! answers go (RFC 3261 18.2.2, RFC 3581).

use bytes::Bytes;

use super::*;

fn reply(h: &mut Harness, req: &Req) -> Sent {
    h.send(req);
    let sent = h.sent_one();
    assert!(h.events().is_empty(), "a refused request is not news");
    sent
}

/// After whatever came before, a normal call still works end to end.
fn normal_call_works(h: &mut Harness) {
    let req = invite().call_id("after@192.0.2.1").branch("z9hG4bK-after");
    let (call, tag) = h.established(&req);
    h.send(
        &in_dialog("BYE", &tag, 2)
            .call_id("after@192.0.2.1")
            .branch("z9hG4bK-after-bye"),
    );
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
}

#[test]
fn options_out_of_dialog_lists_capabilities() {
    let mut h = Harness::new();
    let ok = reply(&mut h, &Req::new("OPTIONS").contact(None));
    assert_eq!(ok.status(), 200);
    let msg = &ok.message;
    assert!(to_tag(msg).is_some());
    assert_eq!(
        header(msg, &HeaderName::Allow),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO")
    );
    assert_eq!(header(msg, &HeaderName::Accept), Some("application/sdp"));
    assert_eq!(header(msg, &HeaderName::Supported), Some("timer"));
    assert_eq!(header(msg, &HeaderName::Server), Some("dialbridge-test"));
    // A probe with no hops left is answered by us (RFC 3261 11, RFC 4475 3.3.11).
    let probe = Req::new("OPTIONS")
        .branch("z9hG4bK-probe")
        .max_forwards(Some("0"))
        .contact(None);
    assert_eq!(reply(&mut h, &probe).status(), 200);
    h.assert_drained();
}

#[test]
fn invite_with_no_hops_left_is_483() {
    let mut h = Harness::new();
    let req = invite().max_forwards(Some("0"));
    let sent = reply(&mut h, &req);
    assert_eq!(sent.status(), 483);
    assert!(to_tag(&sent.message).is_some());
    // It went through an INVITE transaction: retransmitted until the ACK.
    let again = h.run_for(ms(500));
    assert_eq!(again.len(), 1);
    h.send(
        &Req::new("ACK")
            .branch("z9hG4bK-inv-1")
            .with_to_tag(&to_tag(&sent.message).unwrap())
            .contact(None),
    );
    assert!(h.run_for(secs(5)).is_empty());
    normal_call_works(&mut h);
}

#[test]
fn unknown_and_unserved_methods() {
    let mut h = Harness::new();
    let sent = reply(&mut h, &Req::new("FROBNICATE").contact(None));
    assert_eq!(sent.status(), 501);
    assert_eq!(
        header(&sent.message, &HeaderName::Allow),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO")
    );
    for method in ["REGISTER", "SUBSCRIBE", "MESSAGE", "REFER"] {
        let sent = reply(&mut h, &Req::new(method));
        assert_eq!(sent.status(), 405, "{method}");
        assert_eq!(
            header(&sent.message, &HeaderName::Allow),
            Some("INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO"),
            "RFC 3261 21.4.6: 405 MUST carry Allow"
        );
    }
    normal_call_works(&mut h);
}

#[test]
fn unsupported_requirement_is_420_with_unsupported() {
    let mut h = Harness::new();
    let sent = reply(&mut h, &invite().header("Require: 100rel"));
    assert_eq!(sent.status(), 420);
    assert_eq!(
        header(&sent.message, &HeaderName::Unsupported),
        Some("100rel")
    );
    let sent = reply(
        &mut h,
        &Req::new("OPTIONS")
            .branch("z9hG4bK-o2")
            .header("Require: timer, foo, bar")
            .contact(None),
    );
    assert_eq!(sent.status(), 420);
    assert_eq!(
        header(&sent.message, &HeaderName::Unsupported),
        Some("foo, bar")
    );
    // `timer` alone is ours.
    let sent = reply(
        &mut h,
        &Req::new("OPTIONS")
            .branch("z9hG4bK-o3")
            .header("Require: timer")
            .contact(None),
    );
    assert_eq!(sent.status(), 200);
    normal_call_works(&mut h);
}

#[test]
fn unsupported_uri_scheme_is_416() {
    let mut h = Harness::new();
    let sent = reply(&mut h, &invite().uri("http://example.com/x"));
    assert_eq!(sent.status(), 416);
    assert!(to_tag(&sent.message).is_some());
    // tel: is served.
    h.send(&invite().uri("tel:+15551230000").branch("z9hG4bK-tel"));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
}

/// RFC 3261 8.2.3 and 21.4.13: 415 for a body we cannot read, listing what we can in
/// Accept.
#[test]
fn unreadable_body_is_415_with_accept() {
    let mut h = Harness::new();
    let sent = reply(&mut h, &Req::new("INVITE").body("text/plain", "hello"));
    assert_eq!(sent.status(), 415);
    assert_eq!(
        header(&sent.message, &HeaderName::Accept),
        Some("application/sdp")
    );
    normal_call_works(&mut h);
}

#[test]
fn unsupported_version_is_505() {
    let mut h = Harness::new();
    h.send(&Req::new("OPTIONS").version("SIP/3.0").contact(None));
    let sent = h.sent_one();
    assert_eq!(sent.status(), 505);
    assert!(to_tag(&sent.message).is_some());
    normal_call_works(&mut h);
}

/// RFC 3261 8.2 / 21.4.1: malformed requests get 400 with a reason saying why, and
/// the endpoint carries on.
#[test]
fn malformed_requests_are_400_with_a_reason() {
    let mut h = Harness::new();
    let cases: Vec<(String, &str)> = vec![
        (
            invite()
                .text()
                .replace("CSeq: 1 INVITE", "CSeq: one INVITE"),
            "bad CSeq",
        ),
        (
            invite().text().replace("CSeq: 1 INVITE", "CSeq: 1 OPTIONS"),
            "CSeq method does not match request method",
        ),
        (
            invite().text().replace("Call-ID: call-1@192.0.2.1\r\n", ""),
            "missing Call-ID",
        ),
        (
            invite().text().replace(
                &format!("Content-Length: {}", OFFER.len()),
                "Content-Length: -1",
            ),
            "bad Content-Length",
        ),
        (
            invite().text().replace(
                &format!("Content-Length: {}", OFFER.len()),
                "Content-Length: 9999",
            ),
            "Content-Length larger than message",
        ),
        (
            invite().contact(Some("<sip:broken@>")).text(),
            "bad Contact",
        ),
    ];
    for (i, (text, reason)) in cases.iter().enumerate() {
        let text = text.replace("z9hG4bK-inv-1", &format!("z9hG4bK-bad-{i}"));
        h.send_from(peer_addr(), &text);
        let sent = h.sent();
        let last = sent
            .last()
            .unwrap_or_else(|| panic!("no reply to case {i}"));
        assert_eq!(last.status(), 400, "case {i}: {text}");
        assert_eq!(last.response().reason, *reason, "case {i}");
        assert!(to_tag(&last.message).is_some(), "case {i}");
        assert!(h.events().is_empty());
    }
    // An ACK is never answered, even when broken (17.1.1.3).
    h.send_from(
        peer_addr(),
        &Req::new("ACK")
            .with_to_tag("x")
            .text()
            .replace("CSeq: 1 ACK", "CSeq: x ACK"),
    );
    assert!(h.sent().is_empty());
    // Garbage gets nothing.
    h.send_from(peer_addr(), "\x00\x01 not sip at all\r\n\r\n");
    assert!(h.sent().is_empty());
    normal_call_works(&mut h);
}

/// RFC 3261 12.2.2: requests naming a dialog we do not have get 481.
#[test]
fn unknown_dialog_is_481() {
    let mut h = Harness::new();
    let (_call, tag) = h.established(&invite());
    for (method, req) in [
        ("BYE", in_dialog("BYE", "not-our-tag", 2)),
        ("INVITE", in_dialog("INVITE", "not-our-tag", 2).sdp(OFFER)),
        (
            "UPDATE",
            in_dialog("UPDATE", &tag, 2).with_from_tag("other-caller"),
        ),
        (
            "BYE",
            in_dialog("BYE", &tag, 2)
                .call_id("other-call")
                .branch("z9hG4bK-x"),
        ),
        ("INFO", in_dialog("INFO", "nope", 3)),
    ] {
        h.send(&req);
        let sent = h.sent_one();
        assert_eq!(sent.status(), 481, "{method}");
        assert!(h.events().is_empty());
    }
    // The real call was not touched.
    assert_eq!(h.ep.call_count(), 1);
    // An ACK for an unknown dialog is dropped silently.
    h.send(&ack_2xx("nope", 1));
    assert!(h.sent().is_empty());
    // BYE out of dialog (no To tag) is 481 too.
    h.send(&Req::new("BYE").branch("z9hG4bK-oob").call_id("zzz"));
    assert_eq!(h.statuses(), vec![481]);
}

/// RFC 3581 4: with `rport` the response goes back to the source port; without it to
/// the Via's sent-by port (default 5060) at the source IP (RFC 3261 18.2.2).
#[test]
fn responses_follow_rport_and_via() {
    let nat = SocketAddr::new(IpAddr::V4(PEER_IP), 40000);
    let mut h = Harness::new();
    h.send_from(nat, &invite().via_params(";rport").text());
    let trying = h.sent_one();
    assert_eq!(trying.to, Peer::udp(nat));
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => c.call,
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    assert_eq!(h.sent_one().to, Peer::udp(nat));
    assert!(h.run_for(ms(500)).iter().all(|s| s.to == Peer::udp(nat)));

    // No rport: the Via's port at the source IP.
    let mut h = Harness::new();
    let text = invite()
        .text()
        .replace("192.0.2.1:5060;branch", "192.0.2.99:5070;branch");
    h.send_from(nat, &text);
    assert_eq!(
        h.sent_one().to,
        Peer::udp(SocketAddr::new(IpAddr::V4(PEER_IP), 5070))
    );
    // No rport, no port in Via: 5060.
    let mut h = Harness::new();
    let text = invite()
        .text()
        .replace("192.0.2.1:5060;branch", "carrier.example.net;branch");
    h.send_from(nat, &text);
    assert_eq!(h.sent_one().to, Peer::udp(peer_addr()));
    // Stateless error replies follow the same rule.
    h.send_from(
        nat,
        &Req::new("OPTIONS")
            .version("SIP/3.0")
            .via_params(";rport")
            .text(),
    );
    assert_eq!(h.sent_one().to, Peer::udp(nat));
}
