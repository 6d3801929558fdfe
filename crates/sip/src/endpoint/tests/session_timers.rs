//! Session timers (RFC 4028) as the UAS: negotiation, expiry, refreshes both ways.

use bytes::Bytes;

use super::calls::{ok_to, response_to};
use super::*;
use crate::message::Method;

fn timed_invite(session_expires: &str) -> Req {
    invite()
        .header("Supported: timer")
        .header(&format!("Session-Expires: {session_expires}"))
}

/// RFC 4028 8.1: below our Min-SE the INVITE gets 422 naming our floor.
#[test]
fn too_small_interval_is_422_with_min_se() {
    let mut h = Harness::new();
    h.send(&timed_invite("60"));
    let sent = h.sent();
    assert_eq!(
        sent.iter().map(Sent::status).collect::<Vec<_>>(),
        vec![100, 422]
    );
    assert_eq!(header(&sent[1].message, &HeaderName::MinSE), Some("90"));
    assert!(to_tag(&sent[1].message).is_some());
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 0);
    // The caller retries with our floor and gets a call.
    h.send(&timed_invite("90").branch("z9hG4bK-inv-2").cseq(2));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
}

/// RFC 4028 9: the UAC's interval and refresher are kept and `Require: timer` is added;
/// with no refresh the session ends at interval − min(32, interval/3) (section 10).
#[test]
fn uac_refresher_that_never_refreshes_gets_bye() {
    let mut h = Harness::new();
    let call = h.incoming(&timed_invite("1800;refresher=uac"));
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(
        header(&ok.message, &HeaderName::SessionExpires),
        Some("1800;refresher=uac")
    );
    assert_eq!(header(&ok.message, &HeaderName::Require), Some("timer"));
    let tag = to_tag(&ok.message).unwrap();
    h.send(&ack_2xx(&tag, 1));
    h.events();
    // After the INVITE transaction's Timer L (64·T1) only the session timer is left.
    assert!(h.run_until(secs(40)).is_empty());
    assert_eq!(h.ep.poll_timeout(), Some(h.start + secs(1768)));
    assert!(h.run_until(secs(1768) - ms(1)).is_empty());
    let sent = h.run_until(secs(1768));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].at, secs(1768));
    assert_eq!(sent[0].request().method, Method::Bye);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// A refreshing re-INVITE at 900 s restarts the interval.
#[test]
fn uac_refresh_moves_the_deadline() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite("1800;refresher=uac"));
    assert!(h.run_until(secs(900)).is_empty());
    h.send(
        &in_dialog("INVITE", &tag, 2)
            .sdp(OFFER)
            .header("Supported: timer")
            .header("Session-Expires: 1800;refresher=uac"),
    );
    assert_eq!(h.statuses(), vec![100]);
    assert!(matches!(h.events().as_slice(), [Event::Reoffer { .. }]));
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(
        header(&ok.message, &HeaderName::SessionExpires),
        Some("1800;refresher=uac")
    );
    h.send(&ack_2xx(&tag, 2));
    assert!(h.run_until(secs(900 + 1768) - ms(1)).is_empty());
    assert_eq!(h.ep.call_count(), 1);
    let sent = h.run_until(secs(900 + 1768));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request().method, Method::Bye);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// `refresher=uas`: we refresh at half the interval, with UPDATE when their Allow has
/// it. In our request we are the UAC of the transaction, so keeping the refresher role
/// is `refresher=uac` (RFC 4028 7.4 and 4: the parameter names the role in *that*
/// transaction).
#[test]
fn uas_refresher_sends_update_and_a_200_keeps_the_call() {
    let mut h = Harness::new();
    let req = timed_invite("1800;refresher=uas").header("Allow: INVITE, ACK, CANCEL, BYE, UPDATE");
    let (call, tag) = h.established(&req);
    assert!(h.run_until(secs(40)).is_empty());
    assert_eq!(h.ep.poll_timeout(), Some(h.start + secs(900)));
    let sent = h.run_until(secs(900));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].at, secs(900));
    let update = sent[0].request();
    assert_eq!(update.method, Method::Update);
    assert!(update.body.is_empty());
    assert_eq!(
        update.headers.get(&HeaderName::SessionExpires),
        Some("1800;refresher=uac")
    );
    assert!(update
        .headers
        .values(&HeaderName::Supported)
        .contains(&"timer"));
    let from = NameAddr::parse(update.headers.get(&HeaderName::From).unwrap()).unwrap();
    assert_eq!(from.tag(), Some(tag.as_str()));
    // The 200 confirms it; the next refresh is due 900 s later.
    h.set_time(secs(901));
    h.send_from(
        peer_addr(),
        &ok_to(
            update,
            "Session-Expires: 1800;refresher=uac\r\nRequire: timer\r\n",
        ),
    );
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());
    let sent = h.run_until(secs(1801));
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].at, secs(1801));
    assert_eq!(sent[0].request().method, Method::Update);
    assert_eq!(h.ep.call_count(), 1);
    let _ = call;
}

/// RFC 4028 10: a refresh answered 481 means the dialog is gone: BYE, RefreshFailed.
#[test]
fn refresh_answered_481_ends_the_call() {
    let mut h = Harness::new();
    let req = timed_invite("1800;refresher=uas").header("Allow: INVITE, ACK, CANCEL, BYE, UPDATE");
    let (call, _tag) = h.established(&req);
    let sent = h.run_until(secs(900));
    let update = sent[0].request();
    h.send_from(
        peer_addr(),
        &response_to(update, "481 Call/Transaction Does Not Exist", ""),
    );
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::RefreshFailed)]
    );
}

/// With no UPDATE in their Allow the refresh is a re-INVITE repeating our SDP; its 200
/// gets our ACK, retransmitted 200s get the same ACK again.
#[test]
fn uas_refresher_without_update_sends_reinvite_and_acks() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite("600;refresher=uas"));
    let sent = h.run_until(secs(300));
    assert_eq!(sent.len(), 1);
    let reinvite = sent[0].request().clone();
    assert_eq!(reinvite.method, Method::Invite);
    assert_eq!(reinvite.body.as_ref(), ANSWER.as_bytes());
    assert_eq!(
        reinvite.headers.get(&HeaderName::ContentType),
        Some("application/sdp")
    );
    assert_eq!(
        reinvite.headers.get(&HeaderName::SessionExpires),
        Some("600;refresher=uac")
    );
    let ok = ok_to(&reinvite, "Session-Expires: 600;refresher=uac\r\n");
    h.send_from(peer_addr(), &ok);
    let ack = h.sent_one();
    let ack_req = ack.request();
    assert_eq!(ack_req.method, Method::Ack);
    assert_eq!(
        crate::message::CSeq::parse(ack_req.headers.get(&HeaderName::CSeq).unwrap())
            .unwrap()
            .seq,
        crate::message::CSeq::parse(reinvite.headers.get(&HeaderName::CSeq).unwrap())
            .unwrap()
            .seq,
        "the ACK carries the INVITE's CSeq number (13.2.2.4)"
    );
    let from = NameAddr::parse(ack_req.headers.get(&HeaderName::From).unwrap()).unwrap();
    assert_eq!(from.tag(), Some(tag.as_str()));
    h.send_from(peer_addr(), &ok);
    assert_eq!(h.sent_one().message, ack.message);
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
    let _ = call;
}

/// When our refresh is due while their re-offer waits for the call logic, the endpoint
/// must not ask to be woken in the past again and again (the shell would spin).
#[test]
fn refresh_due_during_pending_reoffer_does_not_spin() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite("600;refresher=uas"));
    h.set_time(secs(299));
    h.send(&in_dialog("INVITE", &tag, 2).sdp(HOLD_OFFER));
    assert_eq!(h.statuses(), vec![100]);
    h.events();
    // The call logic is slow; the refresh comes due meanwhile. run_until panics on a spin.
    let sent = h.run_until(secs(310));
    assert!(sent.is_empty(), "{sent:#?}");
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    h.send(&ack_2xx(&tag, 2));
    // Their re-INVITE (without Session-Expires) refreshed nothing it did not turn off;
    // either way the call survives its answer.
    assert_eq!(h.ep.call_count(), 1);
}
