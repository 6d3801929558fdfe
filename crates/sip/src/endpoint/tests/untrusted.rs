//! The source policy: untrusted sources get one stateless answer and no state.

use super::*;
use crate::endpoint::SourcePolicy;

/// A source no trunk lists (TEST-NET-3).
fn stranger() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9)), 5060)
}

/// Trusts only the harness's default peer; no credentials-only trunk.
fn guarded() -> Harness {
    let mut h = Harness::new();
    h.ep.set_source_policy(SourcePolicy {
        trusted: vec!["192.0.2.0/24".parse().unwrap()],
        challenge_unknown: false,
    });
    h
}

#[test]
fn the_default_policy_serves_everyone() {
    let mut h = Harness::new();
    h.send_from(stranger(), &invite().text());
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.ep.call_count(), 1);
    assert_eq!(h.ep.refused_untrusted(), 0);
}

#[test]
fn an_untrusted_invite_gets_one_stateless_403_and_nothing_after() {
    let mut h = guarded();
    let text = Req::new("INVITE")
        .branch("z9hG4bK-flood-1")
        .sdp(OFFER)
        .call_id("flood-1")
        .text();
    h.send_from(stranger(), &text);
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "exactly one packet, no 100 Trying");
    assert_eq!(sent[0].status(), 403);
    assert_eq!(sent[0].to.addr, stranger());
    assert!(
        sent[0].message.to_bytes().len() < text.len(),
        "the answer is no bigger than the request"
    );
    assert!(h.events().is_empty(), "the call logic never hears of it");
    assert_eq!(h.ep.call_count(), 0);
    assert_eq!(h.ep.transaction_count(), 0);
    assert_eq!(
        h.ep.poll_timeout(),
        None,
        "no Timer G to retransmit the 403"
    );
    assert!(h.run_for(secs(40)).is_empty());
    assert_eq!(h.ep.refused_untrusted(), 1);

    // A retransmission of the INVITE is refused again, statelessly.
    h.send_from(stranger(), &text);
    assert_eq!(h.statuses(), vec![403]);
    assert_eq!(h.ep.refused_untrusted(), 2);
    assert_eq!(h.ep.transaction_count(), 0);
}

#[test]
fn an_untrusted_ack_is_never_answered() {
    let mut h = guarded();
    let ack = Req::new("ACK").with_to_tag("abc");
    h.send_from(stranger(), &ack.text());
    h.send_from(stranger(), &Req::new("ACK").text());
    assert!(h.sent().is_empty());
    assert_eq!(h.ep.refused_untrusted(), 0);
}

#[test]
fn untrusted_options_and_other_methods_learn_nothing() {
    let mut h = guarded();
    for method in [
        "OPTIONS",
        "CANCEL",
        "BYE",
        "INFO",
        "REGISTER",
        "SUBSCRIBE",
        "FOO",
    ] {
        let req = Req::new(method).branch(&format!("z9hG4bK-x-{method}"));
        h.send_from(stranger(), &req.text());
        let sent = h.sent_one();
        assert_eq!(sent.status(), 403, "{method}");
        for name in [HeaderName::Allow, HeaderName::Accept, HeaderName::Supported] {
            assert_eq!(header(&sent.message, &name), None, "{method}: {name:?}");
        }
    }
    assert_eq!(h.ep.refused_untrusted(), 7);
    assert_eq!(h.ep.transaction_count(), 0);
}

#[test]
fn untrusted_in_dialog_request_without_a_dialog_gets_a_stateless_481() {
    let mut h = guarded();
    h.send_from(stranger(), &in_dialog("BYE", "no-such-tag", 2).text());
    assert_eq!(h.statuses(), vec![481]);
    assert_eq!(h.ep.transaction_count(), 0);
    // Not an admission refusal: a stray in-dialog request is no call attempt.
    assert_eq!(h.ep.refused_untrusted(), 0);
}

#[test]
fn trusted_sources_keep_the_stateful_path() {
    let mut h = guarded();
    let call = h.incoming(&invite());
    h.ep.reject_call(h.now, call, 403, "Forbidden", vec![])
        .unwrap();
    assert_eq!(h.statuses(), vec![403]);
    // Over UDP the 403 is retransmitted until ACKed (RFC 3261 17.2.1), as before.
    let again = h.run_for(secs(1));
    assert!(again.iter().any(|s| s.status() == 403));
    assert_eq!(h.ep.refused_untrusted(), 0);

    h.send(&Req::new("OPTIONS").branch("z9hG4bK-opt"));
    let sent = h.sent_one();
    assert_eq!(sent.status(), 200);
    assert!(header(&sent.message, &HeaderName::Allow).is_some());
}

#[test]
fn a_credentials_only_trunk_lets_everyone_be_challenged() {
    let mut h = Harness::new();
    h.ep.set_source_policy(SourcePolicy {
        trusted: vec!["192.0.2.0/24".parse().unwrap()],
        challenge_unknown: true,
    });
    h.send_from(stranger(), &invite().text());
    assert_eq!(h.statuses(), vec![100]);
    let call = match h.events().pop() {
        Some(Event::IncomingCall(c)) => c.call,
        other => panic!("expected a call, got {other:?}"),
    };
    h.ep.reject_call(h.now, call, 401, "Unauthorized", vec![])
        .unwrap();
    assert_eq!(h.statuses(), vec![401]);
    assert_eq!(h.ep.refused_untrusted(), 0);
}

#[test]
fn ipv4_mapped_sources_match_ipv4_networks() {
    let policy = SourcePolicy {
        trusted: vec!["192.0.2.0/24".parse().unwrap()],
        challenge_unknown: false,
    };
    assert!(policy.serves("::ffff:192.0.2.55".parse().unwrap()));
    assert!(!policy.serves("::ffff:203.0.113.9".parse().unwrap()));
    assert!(SourcePolicy::default().serves("203.0.113.9".parse().unwrap()));
}

#[test]
fn the_default_product_names_no_version() {
    let config = EndpointConfig::new(IpAddr::V4(OUR_IP), 5060);
    assert_eq!(config.product, "dialbridge");
}

/// A malformed request from a stranger gets the same plain 403 as a valid one: the reason
/// phrase of a 400 would describe our parser to whoever scans us.
#[test]
fn malformed_request_from_a_stranger_gets_a_plain_403() {
    let mut h = Harness::new();
    h.ep.set_source_policy(SourcePolicy {
        trusted: vec!["10.0.0.0/8".parse().unwrap()],
        challenge_unknown: false,
    });
    let broken = invite().text().replace("CSeq: 1 INVITE", "CSeq: x INVITE");
    h.ep.handle_datagram(h.now, peer_addr(), Bytes::from(broken));
    let sent = h.sent_one();
    assert_eq!(sent.status(), 403);
}
