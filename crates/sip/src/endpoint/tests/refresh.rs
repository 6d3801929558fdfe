//! Our session refreshes (RFC 4028 sections 7.4 and 10) when they do not simply get a
//! 2xx: a refresh due while another offer/answer is open, refreshes answered with
//! errors, and the interval the 2xx to a refresh sets.

use bytes::Bytes;

use super::calls::{ok_to, response_to};
use super::*;
use crate::message::{Method, Request};

fn timed_invite(session_expires: &str) -> Req {
    invite()
        .header("Supported: timer")
        .header(&format!("Session-Expires: {session_expires}"))
}

/// As `timed_invite`, from a peer that allows UPDATE, so our refreshes are UPDATEs.
fn timed_invite_update(session_expires: &str) -> Req {
    timed_invite(session_expires).header("Allow: INVITE, ACK, CANCEL, BYE, UPDATE")
}

fn requests(sent: &[Sent]) -> Vec<(Duration, Method)> {
    sent.iter()
        .filter_map(|s| match &s.message {
            Message::Request(r) => Some((s.at, r.method.clone())),
            Message::Response(_) => None,
        })
        .collect()
}

/// The one request in `sent`, which must be a refresh of `method` sent at `at`.
fn refresh_at(sent: &[Sent], at: Duration, method: Method) -> Request {
    assert_eq!(requests(sent), vec![(at, method)], "{sent:#?}");
    sent.iter()
        .find(|s| matches!(s.message, Message::Request(_)))
        .unwrap()
        .request()
        .clone()
}

/// Finding from review: we are the refresher (120 s, refresher=uas); their re-INVITE
/// is pending when our refresh comes due at 60 s, and the call logic refuses it (488).
/// The refresh must still go out, shortly after, instead of our own BYE at expiry.
#[test]
fn refresh_postponed_by_pending_reoffer_is_sent_after_it_fails() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite("120;refresher=uas"));
    h.set_time(secs(59));
    h.send(&in_dialog("INVITE", &tag, 2).sdp(HOLD_OFFER));
    assert_eq!(h.statuses(), vec![100]);
    h.events();
    // T/2 passes while the re-offer waits for the call logic: nothing is sent.
    assert!(h.run_until(secs(61)).is_empty());
    h.ep.answer_reoffer(h.now, call, Err(488)).unwrap();
    assert_eq!(h.statuses(), vec![488]);
    h.send(&in_dialog("ACK", &tag, 2).branch("z9hG4bK-invite-2"));
    // The postponed refresh goes out 2 s after it came due (no UPDATE in their Allow:
    // a re-INVITE), still keeping the refresher role.
    let sent = h.run_until(secs(62));
    let reinvite = refresh_at(&sent, secs(62), Method::Invite);
    assert_eq!(
        reinvite.headers.get(&HeaderName::SessionExpires),
        Some("120;refresher=uac")
    );
    h.send_from(
        peer_addr(),
        &ok_to(&reinvite, "Session-Expires: 120;refresher=uac\r\n"),
    );
    assert_eq!(h.sent_one().request().method, Method::Ack);
    // Refreshed at 62 s: the next refresh is due at 122 s, and no BYE comes before.
    let sent = h.run_until(secs(122));
    assert_eq!(
        requests(&sent),
        vec![(secs(122), Method::Invite)],
        "{sent:#?}"
    );
    assert!(ended(&h.events()).is_empty());
    assert_eq!(h.ep.call_count(), 1);
}

/// While their re-offer stays unanswered the refresh keeps being postponed, not
/// spun on; if it is never answered the session still ends at expiry.
#[test]
fn refresh_postponed_until_expiry_ends_the_call() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite("120;refresher=uas"));
    h.set_time(secs(59));
    h.send(&in_dialog("UPDATE", &tag, 2).sdp(HOLD_OFFER));
    h.sent();
    h.events();
    // Expiry: 120 − min(32, 40) = 88 s. run_until panics on a spin.
    let sent = h.run_until(secs(87));
    assert!(requests(&sent).is_empty(), "{sent:#?}");
    assert_eq!(h.ep.call_count(), 1);
    let sent = h.run_until(secs(88));
    assert_eq!(requests(&sent), vec![(secs(88), Method::Bye)]);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// Their re-offer answered 2xx with Session-Expires is itself a refresh (RFC 4028 9):
/// the postponed refresh is not sent.
#[test]
fn successful_reoffer_replaces_the_postponed_refresh() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&timed_invite_update("120;refresher=uas"));
    h.set_time(secs(59));
    h.send(
        &in_dialog("UPDATE", &tag, 2)
            .sdp(HOLD_OFFER)
            .header("Supported: timer")
            .header("Session-Expires: 120;refresher=uas"),
    );
    h.sent();
    h.events();
    assert!(h.run_until(secs(61)).is_empty());
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    // Refreshed at 61 s, we refresh next at 121 s.
    let sent = h.run_until(secs(121));
    assert_eq!(
        requests(&sent),
        vec![(secs(121), Method::Update)],
        "{sent:#?}"
    );
}

/// RFC 4028 10: only a 2xx refreshes. A 491 (glare, RFC 3261 14.1) is retried after a
/// random 2.1 to 4 s, and the retry's 2xx then refreshes the session.
#[test]
fn refresh_answered_491_is_retried_after_glare_delay() {
    let mut h = Harness::new();
    let (call, _tag) = h.established(&timed_invite_update("120;refresher=uas"));
    let sent = h.run_until(secs(60));
    let update = refresh_at(&sent, secs(60), Method::Update);
    h.send_from(
        peer_addr(),
        &response_to(&update, "491 Request Pending", ""),
    );
    assert!(h.sent().is_empty());
    let wake = h.ep.poll_timeout().unwrap() - h.start;
    assert!(
        (ms(62_100)..=secs(64)).contains(&wake),
        "retry at {wake:?}, not 2.1 to 4 s after the 491"
    );
    let sent = h.run_until(wake);
    let retry = refresh_at(&sent, wake, Method::Update);
    assert_ne!(
        retry.headers.get(&HeaderName::CSeq),
        update.headers.get(&HeaderName::CSeq),
        "a new request, not a retransmission"
    );
    h.send_from(
        peer_addr(),
        &ok_to(&retry, "Session-Expires: 120;refresher=uac\r\n"),
    );
    assert!(h.sent().is_empty());
    // Refreshed at `wake`: next refresh 60 s later, no BYE at the old expiry (88 s).
    let sent = h.run_until(wake + secs(60));
    assert_eq!(requests(&sent), vec![(wake + secs(60), Method::Update)]);
    assert!(ended(&h.events()).is_empty());
    let _ = call;
}

/// A refresh answered 5xx is retried with back-off while the session lasts; the
/// interval is not restarted, so with every retry refused the session ends at expiry
/// (120 − 32 = 88 s) with our BYE and SessionExpired, not RefreshFailed.
#[test]
fn refresh_answered_500_backs_off_then_expires() {
    let mut h = Harness::new();
    let (call, _tag) = h.established(&timed_invite_update("120;refresher=uas"));
    for at in [60, 62, 66, 74] {
        let sent = h.run_until(secs(at));
        let update = refresh_at(&sent, secs(at), Method::Update);
        h.send_from(
            peer_addr(),
            &response_to(&update, "500 Server Internal Error", ""),
        );
        assert!(h.sent().is_empty());
        assert!(h.events().is_empty());
    }
    // The next back-off (16 s) would pass expiry: BYE at 88 s instead.
    let sent = h.run_until(secs(88));
    assert_eq!(requests(&sent), vec![(secs(88), Method::Bye)], "{sent:#?}");
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// 408 to a refresh still means the dialog is gone (RFC 4028 10).
#[test]
fn refresh_answered_408_ends_the_call() {
    let mut h = Harness::new();
    let (call, _tag) = h.established(&timed_invite_update("120;refresher=uas"));
    let sent = h.run_until(secs(60));
    let update = refresh_at(&sent, secs(60), Method::Update);
    h.send_from(
        peer_addr(),
        &response_to(&update, "408 Request Timeout", ""),
    );
    assert_eq!(h.sent_one().request().method, Method::Bye);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::RefreshFailed)]
    );
}

/// RFC 4028 7.4/9: the 2xx to our refresh rules. A shorter interval there is ours from
/// then on, and `refresher=uac` (us, the UAC of that request) keeps us refreshing.
#[test]
fn refresh_2xx_sets_the_interval() {
    let mut h = Harness::new();
    let (_call, _tag) = h.established(&timed_invite_update("1800;refresher=uas"));
    let sent = h.run_until(secs(900));
    let update = refresh_at(&sent, secs(900), Method::Update);
    h.send_from(
        peer_addr(),
        &ok_to(&update, "Session-Expires: 600;refresher=uac\r\n"),
    );
    assert!(h.sent().is_empty());
    let sent = h.run_until(secs(1200));
    let update = refresh_at(&sent, secs(1200), Method::Update);
    assert_eq!(
        update.headers.get(&HeaderName::SessionExpires),
        Some("600;refresher=uac")
    );
}

/// `refresher=uas` in the 2xx to our refresh hands the job to them: we send no more
/// refreshes and end the session at its expiry if none of theirs arrives.
#[test]
fn refresh_2xx_can_hand_the_refresher_role_to_them() {
    let mut h = Harness::new();
    let (call, _tag) = h.established(&timed_invite_update("1800;refresher=uas"));
    let sent = h.run_until(secs(900));
    let update = refresh_at(&sent, secs(900), Method::Update);
    h.send_from(
        peer_addr(),
        &ok_to(&update, "Session-Expires: 300;refresher=uas\r\n"),
    );
    // Expiry 300 − min(32, 100) = 268 s after the refresh; nothing from us before.
    let sent = h.run_until(secs(900 + 267));
    assert!(requests(&sent).is_empty(), "{sent:#?}");
    let sent = h.run_until(secs(900 + 268));
    assert_eq!(requests(&sent), vec![(secs(1168), Method::Bye)]);
    assert_eq!(
        ended(&h.events()),
        vec![(call, CallEndReason::SessionExpired)]
    );
}

/// No Session-Expires in the 2xx to our refresh: no session expiration (RFC 4028 7.2,
/// which 7.4 applies to refreshes); the call goes on with no timer at all.
#[test]
fn refresh_2xx_without_session_expires_stops_the_timer() {
    let mut h = Harness::new();
    let (_call, _tag) = h.established(&timed_invite_update("120;refresher=uas"));
    let sent = h.run_until(secs(60));
    let update = refresh_at(&sent, secs(60), Method::Update);
    h.send_from(peer_addr(), &ok_to(&update, ""));
    let sent = h.run_until(secs(3600));
    assert!(requests(&sent).is_empty(), "{sent:#?}");
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
    assert_eq!(h.ep.poll_timeout(), None);
}

/// RFC 4028 9: the UAS must not choose an interval below the request's Min-SE. An
/// INVITE asking for less than its own Min-SE gets 422 with that Min-SE.
#[test]
fn session_expires_below_the_requests_min_se_is_422() {
    let mut h = Harness::new();
    h.send(&timed_invite("300").header("Min-SE: 600"));
    let sent = h.sent();
    assert_eq!(
        sent.iter().map(Sent::status).collect::<Vec<_>>(),
        vec![100, 422]
    );
    assert_eq!(header(&sent[1].message, &HeaderName::MinSE), Some("600"));
    assert!(h.events().is_empty());
}
