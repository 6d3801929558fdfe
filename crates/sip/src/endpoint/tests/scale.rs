//! Work per input with many live transactions: a flood of refused INVITEs keeps each
//! transaction alive 64·T1 (Timer H), and neither a message nor a timer may pay for the
//! ones it does not concern. Work is counted (`Endpoint::visited`), never timed.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bytes::Bytes;

use super::*;

const FLOOD: u32 = 20_000;

/// Spoofed sources, one per INVITE, none of them the default peer.
fn flooder(i: u32) -> SocketAddr {
    let [_, a, b, c] = i.to_be_bytes();
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, a, b, c)), 5060)
}

/// `FLOOD` INVITEs, each refused with 403 as the call logic would refuse an unknown
/// caller, sent `spacing` apart from time zero. Their transactions stay in Completed,
/// retransmitting the 403 (Timer G) until Timer H.
fn flood(h: &mut Harness, spacing: Duration) {
    for i in 0..FLOOD {
        h.set_time(spacing * i);
        let req = invite()
            .branch(&format!("z9hG4bK-flood-{i}"))
            .call_id(&format!("flood-{i}"));
        h.send_from(flooder(i), &req.text());
        for event in h.events() {
            if let Event::IncomingCall(call) = event {
                h.ep.reject_call(h.now, call.call, 403, "Forbidden", vec![])
                    .unwrap();
            }
        }
        // The rejections' own `CallEnded` events.
        let _ = h.events();
        let statuses: Vec<u16> = h.sent().iter().map(Sent::status).collect();
        assert_eq!(statuses, [100, 403]);
        let _ = h.ep.poll_timeout();
    }
    assert_eq!(h.ep.transaction_count(), FLOOD as usize);
    assert_eq!(h.ep.call_count(), 0);
}

#[test]
fn an_options_visits_a_bounded_number_of_transactions() {
    let mut h = Harness::new();
    flood(&mut h, Duration::from_micros(10));
    let before = h.ep.visited();
    h.send(
        &Req::new("OPTIONS")
            .branch("z9hG4bK-options-1")
            .call_id("options-1"),
    );
    assert_eq!(h.statuses(), [200]);
    let _ = h.ep.poll_timeout();
    let visited = h.ep.visited() - before;
    // Its own transaction, flushed when answered and again when drained; nothing else.
    assert!(visited <= 4, "one OPTIONS visited {visited} transactions");
    assert_eq!(h.ep.transaction_count(), FLOOD as usize + 1);
}

#[test]
fn poll_timeout_visits_nothing_between_inputs() {
    let mut h = Harness::new();
    flood(&mut h, Duration::from_micros(10));
    let before = h.ep.visited();
    for _ in 0..1000 {
        let _ = h.ep.poll_timeout();
    }
    assert_eq!(h.ep.visited(), before);
    // The first INVITE's first 403 retransmission (Timer G = T1) is the next deadline.
    assert_eq!(h.ep.poll_timeout(), Some(h.start + T1));
}

#[test]
fn handle_timeout_visits_only_the_due_transactions() {
    let mut h = Harness::new();
    // 20 µs apart: the whole flood arrives within 400 ms, before any Timer G.
    flood(&mut h, Duration::from_micros(20));
    let before = h.ep.visited();
    h.now = h.start + T1 + ms(10);
    h.ep.handle_timeout(h.now);
    let sent = h.sent();
    // INVITEs sent in the first 10 ms (every 20 µs, both ends included) are due.
    assert_eq!(sent.len(), 501);
    assert!(sent.iter().all(|s| s.status() == 403));
    let visited = h.ep.visited() - before;
    // Each due transaction is popped, then drained once; the other 19,499 are not seen.
    assert!(
        visited <= 2 * 501 + 4,
        "handle_timeout visited {visited} for 501 due transactions"
    );
}

#[test]
fn a_legitimate_call_works_during_a_flood_and_everything_is_reaped() {
    let mut h = Harness::new();
    flood(&mut h, Duration::from_micros(10));
    h.set_time(ms(300));
    let req = invite();
    let (call, tag) = h.established(&req);
    assert_eq!(h.ep.call_count(), 1);
    h.send(&in_dialog("BYE", &tag, 2));
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(cseq_of(&ok.message), "2 BYE");
    assert!(h
        .events()
        .iter()
        .any(|e| matches!(e, Event::CallEnded { call: c, .. } if *c == call)));
    assert_eq!(h.ep.call_count(), 0);

    // Every 403 is retransmitted until Timer H (64·T1) and every transaction then ends.
    let sent = h.run_for(T1 * 64 + secs(1));
    assert!(sent.iter().all(|s| s.status() == 403 || s.status() == 200));
    assert_eq!(h.ep.transaction_count(), 0);
    assert_eq!(h.ep.call_count(), 0);
    assert_eq!(h.ep.poll_timeout(), None);
}

/// Answered calls waiting for their ACK, `spacing` apart from time zero: each has a 2xx
/// retransmitter (RFC 3261 13.3.1.4) with its own deadline.
fn answered_calls(h: &mut Harness, count: u32, spacing: Duration) {
    for i in 0..count {
        h.set_time(spacing * i);
        let req = invite()
            .branch(&format!("z9hG4bK-call-{i}"))
            .call_id(&format!("call-{i}"));
        let call = h.incoming(&req);
        h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
            .unwrap();
        assert_eq!(h.sent_one().status(), 200);
    }
    assert_eq!(h.ep.call_count(), count as usize);
}

#[test]
fn calls_are_visited_only_when_touched_or_due() {
    let mut h = Harness::new();
    // 100 µs apart: all 2,000 answered within 200 ms, before any retransmission (T1).
    answered_calls(&mut h, 2_000, Duration::from_micros(100));

    let before = h.ep.visited();
    h.send(
        &Req::new("OPTIONS")
            .branch("z9hG4bK-options-1")
            .call_id("options-1"),
    );
    assert_eq!(h.statuses(), [200]);
    let _ = h.ep.poll_timeout();
    let visited = h.ep.visited() - before;
    assert!(
        visited <= 4,
        "one OPTIONS visited {visited} calls and transactions"
    );

    let before = h.ep.visited();
    h.now = h.start + T1 + ms(1);
    h.ep.handle_timeout(h.now);
    let sent = h.sent();
    // Calls answered in the first millisecond (every 100 µs, both ends included).
    assert_eq!(sent.len(), 11);
    assert!(sent.iter().all(|s| s.status() == 200));
    let visited = h.ep.visited() - before;
    // Each due call is popped, then rescheduled; the other 1,989 are not seen.
    assert!(
        visited <= 2 * 11 + 4,
        "handle_timeout visited {visited} for 11 due calls"
    );
}
