//! Re-INVITE and UPDATE from the peer: hold, re-offers, glare and ordering rules.

use bytes::Bytes;

use super::super::ReofferMethod;
use super::*;

fn reinvite(tag: &str, cseq: u32) -> Req {
    in_dialog("INVITE", tag, cseq).sdp(HOLD_OFFER)
}

/// Hold: re-INVITE with `a=sendonly` → Reoffer → our answer in a 200 that is
/// retransmitted until the ACK (RFC 3261 14.2, 13.3.1.4).
#[test]
fn reinvite_hold_is_answered_and_retransmitted_until_ack() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.set_time(secs(10));
    h.send(&reinvite(&tag, 2).contact(Some("<sip:+15557654321@192.0.2.1:5062>")));
    assert_eq!(h.statuses(), vec![100]);
    match h.events().as_slice() {
        [Event::Reoffer {
            call: c,
            offer: Some(offer),
            method: ReofferMethod::Invite,
        }] => {
            assert_eq!(*c, call);
            assert_eq!(offer.as_ref(), HOLD_OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    let held = ANSWER.replace("sendrecv", "recvonly");
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from(held.clone())))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(to_tag(&ok.message).as_deref(), Some(tag.as_str()));
    assert_eq!(cseq_of(&ok.message), "2 INVITE");
    assert_eq!(ok.message.body().as_ref(), held.as_bytes());
    assert_eq!(
        header(&ok.message, &HeaderName::ContentType),
        Some("application/sdp")
    );
    assert!(header(&ok.message, &HeaderName::Contact).is_some());
    let sent = h.run_until(secs(10) + ms(1500));
    assert_eq!(
        sent.iter().map(|s| s.at).collect::<Vec<_>>(),
        vec![secs(10) + ms(500), secs(10) + ms(1500)]
    );
    assert!(sent.iter().all(|s| s.message == ok.message));
    h.send(&ack_2xx(&tag, 2));
    assert!(h.events().is_empty(), "re-INVITE ACK confirms nothing new");
    assert!(
        h.run_for(secs(40)).is_empty(),
        "ACK stopped the retransmissions"
    );
    assert_eq!(h.ep.call_count(), 1);

    // The re-INVITE moved the remote target (12.2.2): our BYE goes to the new Contact.
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(
        bye.request().uri.to_string(),
        "sip:+15557654321@192.0.2.1:5062"
    );
    assert_eq!(
        bye.to,
        Peer::udp(SocketAddr::new(IpAddr::V4(PEER_IP), 5062))
    );
}

/// RFC 3261 14.2: a re-INVITE while another is pending gets 500 with Retry-After; one
/// with a lower CSeq gets 500 (12.2.2). A refused re-offer leaves the call as it was.
#[test]
fn overlapping_and_stale_reinvites_get_500() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&reinvite(&tag, 5));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
    h.send(&reinvite(&tag, 6));
    let busy = h.sent_one();
    assert_eq!(busy.status(), 500);
    assert_eq!(to_tag(&busy.message).as_deref(), Some(tag.as_str()));
    let retry = header(&busy.message, &HeaderName::RetryAfter).unwrap();
    assert!(
        retry.trim().parse::<u32>().unwrap() <= 10,
        "RFC 3261 14.2: 0 to 10 s"
    );
    assert!(h.events().is_empty());
    // Lower CSeq than the last one seen.
    h.send(&reinvite(&tag, 3));
    assert_eq!(h.statuses(), vec![500]);
    // The two 500s are INVITE finals: Timer G repeats them until their ACKs.
    assert_eq!(
        h.run_for(ms(500))
            .iter()
            .map(Sent::status)
            .collect::<Vec<_>>(),
        vec![500, 500]
    );
    for cseq in [6, 3] {
        h.send(
            &Req::new("ACK")
                .uri("sip:198.51.100.7:5060")
                .branch(&format!("z9hG4bK-invite-{cseq}"))
                .with_to_tag(&tag)
                .cseq(cseq)
                .contact(None),
        );
    }
    assert!(h.sent().is_empty());
    // Refuse the pending one: 488, the ACK for it goes to the transaction.
    h.ep.answer_reoffer(h.now, call, Err(488)).unwrap();
    let refused = h.sent_one();
    assert_eq!(refused.status(), 488);
    assert_eq!(cseq_of(&refused.message), "5 INVITE");
    h.send(
        &Req::new("ACK")
            .uri("sip:198.51.100.7:5060")
            .branch("z9hG4bK-invite-5")
            .with_to_tag(&tag)
            .cseq(5)
            .contact(None),
    );
    assert!(h.run_for(secs(5)).is_empty());
    assert_eq!(
        h.ep.answer_reoffer(h.now, call, Err(488)),
        Err(super::super::CommandError::WrongState(
            "no re-offer is pending"
        ))
    );
    assert_eq!(h.ep.call_count(), 1);
    // A later re-INVITE is served again.
    h.send(&reinvite(&tag, 7));
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
}

/// An INFO (DTMF) arriving while a re-INVITE waits for the call logic must not stop
/// the re-INVITE's ACK from matching: the 2xx's CSeq is the re-INVITE's, not the last
/// one seen in the dialog.
#[test]
fn info_during_pending_reinvite_does_not_break_its_ack() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&reinvite(&tag, 2));
    assert_eq!(h.statuses(), vec![100]);
    h.send(&in_dialog("INFO", &tag, 3).body("application/dtmf-relay", "Signal=1\r\n"));
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(h.events().len(), 2);
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    h.send(&ack_2xx(&tag, 2));
    assert!(
        h.run_for(secs(40)).is_empty(),
        "the ACK must stop the 2xx; no AckTimeout BYE"
    );
    assert!(h.events().is_empty());
    assert_eq!(h.ep.call_count(), 1);
}

/// The same for the initial INVITE: an UPDATE or INFO in the early dialog moves the
/// remote CSeq, but the ACK still carries the INVITE's.
#[test]
fn early_dialog_request_does_not_break_the_initial_ack() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.ring(h.now, call, None).unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    h.send(&in_dialog("INFO", &tag, 2).body("application/dtmf-relay", "Signal=1\r\n"));
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(h.events().len(), 1);
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    h.send(&ack_2xx(&tag, 1));
    assert!(matches!(
        h.events().as_slice(),
        [Event::CallConfirmed { .. }]
    ));
    assert!(h.run_for(secs(40)).is_empty());
    assert_eq!(h.ep.call_count(), 1);
}

/// RFC 3261 15.1.2: when the dialog ends, pending requests in it are answered (487),
/// and their transactions do not linger.
#[test]
fn bye_during_pending_reinvite_answers_it() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&reinvite(&tag, 2));
    assert_eq!(h.statuses(), vec![100]);
    h.events();
    h.send(&in_dialog("BYE", &tag, 3));
    let mut statuses = h.statuses();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 487]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
    assert_eq!(
        h.ep.answer_reoffer(h.now, call, Err(488)),
        Err(super::super::CommandError::UnknownCall)
    );
    let ack = Req::new("ACK")
        .uri("sip:198.51.100.7:5060")
        .branch("z9hG4bK-invite-2")
        .with_to_tag(&tag)
        .cseq(2)
        .contact(None);
    h.send(&ack);
    h.assert_drained();
}

/// Our own hangup while their re-INVITE waits answers the re-INVITE too.
#[test]
fn hangup_during_pending_update_answers_it() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&in_dialog("UPDATE", &tag, 2).sdp(HOLD_OFFER));
    assert!(h.sent().is_empty(), "no 100 for a non-INVITE");
    h.events();
    h.ep.hangup(h.now, call).unwrap();
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert!(sent
        .iter()
        .any(|s| matches!(&s.message, Message::Response(r) if r.status == 487)));
    let bye = sent
        .iter()
        .find(|s| matches!(&s.message, Message::Request(_)))
        .unwrap();
    h.send_from(peer_addr(), &super::calls::bye_ok(bye.request()));
    h.assert_drained();
}

/// UPDATE with SDP is a re-offer answered in the 200 (RFC 3311); UPDATE without a body
/// is a session refresh answered at once, with Session-Expires when a timer runs
/// (RFC 4028 9).
#[test]
fn update_with_and_without_sdp() {
    let mut h = Harness::new();
    let req = invite()
        .header("Supported: timer")
        .header("Session-Expires: 1800;refresher=uac");
    let (call, tag) = h.established(&req);
    h.send(
        &in_dialog("UPDATE", &tag, 2)
            .sdp(HOLD_OFFER)
            .header("Session-Expires: 1800;refresher=uac")
            .header("Supported: timer"),
    );
    assert!(h.sent().is_empty());
    match h.events().as_slice() {
        [Event::Reoffer {
            call: c,
            offer: Some(o),
            method: ReofferMethod::Update,
        }] => {
            assert_eq!(*c, call);
            assert_eq!(o.as_ref(), HOLD_OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(cseq_of(&ok.message), "2 UPDATE");
    assert_eq!(ok.message.body().as_ref(), ANSWER.as_bytes());
    assert_eq!(
        header(&ok.message, &HeaderName::SessionExpires),
        Some("1800;refresher=uac")
    );
    // Non-INVITE: no 2xx retransmission of its own; the transaction absorbs repeats.
    assert!(h.run_for(secs(5)).is_empty());

    h.send(
        &in_dialog("UPDATE", &tag, 3)
            .header("Session-Expires: 1800;refresher=uac")
            .header("Supported: timer"),
    );
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert!(ok.message.body().is_empty());
    assert_eq!(
        header(&ok.message, &HeaderName::SessionExpires),
        Some("1800;refresher=uac")
    );
    assert_eq!(header(&ok.message, &HeaderName::Require), Some("timer"));
    assert!(
        h.events().is_empty(),
        "a bare refresh is not news to the call logic"
    );
}

/// A re-INVITE without an offer: we offer in the 200, the answer arrives in the ACK.
#[test]
fn offerless_reinvite_gets_answer_in_ack() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    h.send(&in_dialog("INVITE", &tag, 2));
    assert_eq!(h.statuses(), vec![100]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Reoffer {
            offer: None,
            method: ReofferMethod::Invite,
            ..
        }]
    ));
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    h.send(&ack_2xx(&tag, 2).sdp(OFFER));
    match h.events().as_slice() {
        [Event::AnswerInAck { call: c, sdp }] => {
            assert_eq!(*c, call);
            assert_eq!(sdp.as_ref(), OFFER.as_bytes());
        }
        other => panic!("{other:?}"),
    }
}

/// Glare (RFC 3261 14.2): their re-INVITE arriving while our refreshing re-INVITE is
/// unanswered gets 491 Request Pending.
#[test]
fn glare_with_our_own_refresh_is_491() {
    let mut h = Harness::new();
    let req = invite()
        .header("Supported: timer")
        .header("Session-Expires: 180;refresher=uas");
    let (_call, tag) = h.established(&req);
    // At 90 s we send a refreshing re-INVITE (no UPDATE in their Allow).
    let sent = h.run_until(secs(90));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request().method, crate::message::Method::Invite);
    // Their re-INVITE crosses ours.
    h.send(&reinvite(&tag, 2));
    let glare = h.sent_one();
    assert_eq!(glare.status(), 491);
    assert!(h.events().is_empty());
}

/// RFC 6141 section 3.4: a re-INVITE or UPDATE refused with an error leaves the remote
/// target where it was, so a refused request cannot steer our BYE elsewhere.
#[test]
fn a_refused_reinvite_or_update_does_not_move_the_remote_target() {
    for method in ["INVITE", "UPDATE"] {
        let mut h = Harness::new();
        let (call, tag) = h.established(&invite());
        let re = in_dialog(method, &tag, 2)
            .sdp(HOLD_OFFER)
            .contact(Some("<sip:evil@203.0.113.50:9999>"));
        h.send(&re);
        let _ = h.sent();
        assert_eq!(h.events().len(), 1, "{method}: a Reoffer");
        h.ep.answer_reoffer(h.now, call, Err(488)).unwrap();
        assert_eq!(h.statuses(), vec![488], "{method}");
        if method == "INVITE" {
            h.send(
                &Req::new("ACK")
                    .branch("z9hG4bK-invite-2")
                    .with_to_tag(&tag)
                    .cseq(2),
            );
        }
        h.ep.hangup(h.now, call).unwrap();
        let bye = h.sent_one();
        assert_eq!(
            bye.request().method,
            crate::message::Method::Bye,
            "{method}"
        );
        assert_eq!(bye.to, Peer::udp(peer_addr()), "{method}");
        assert!(
            !bye.request().uri.to_string().contains("203.0.113.50"),
            "{method}: {}",
            bye.request().uri
        );
    }
}

/// The same re-INVITE answered 200 does move it (RFC 3261 12.2.2; RFC 6141 on success).
#[test]
fn an_accepted_update_moves_the_remote_target() {
    let mut h = Harness::new();
    let (call, tag) = h.established(&invite());
    let up = in_dialog("UPDATE", &tag, 2)
        .sdp(HOLD_OFFER)
        .contact(Some("<sip:moved@192.0.2.1:5070>"));
    h.send(&up);
    let _ = h.events();
    h.ep.answer_reoffer(h.now, call, Ok(Bytes::from(ANSWER)))
        .unwrap();
    assert_eq!(h.statuses(), vec![200]);
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(bye.request().uri.to_string(), "sip:moved@192.0.2.1:5070");
}

/// RFC 3311 5.2: an UPDATE offer while their INVITE offer is unanswered (ringing) gets
/// 500 with a Retry-After of 0 to 10 s, and the call logic never sees it.
#[test]
fn an_update_offer_while_the_invite_offer_is_unanswered_gets_500() {
    let mut h = Harness::new();
    let call = h.incoming(&invite());
    h.ep.ring(h.now, call, None).unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    h.send(&in_dialog("UPDATE", &tag, 2).sdp(HOLD_OFFER));
    let sent = h.sent_one();
    assert_eq!(sent.status(), 500);
    let retry: u32 = header(&sent.message, &HeaderName::RetryAfter)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(retry <= 10);
    assert!(h.events().is_empty(), "no Reoffer");
    // The INVITE's offer is still the one our 200 answers.
    h.ep.accept_call(h.now, call, Bytes::from(ANSWER)).unwrap();
    assert_eq!(h.statuses(), vec![200]);
}

/// RFC 3311 5.2: an UPDATE offer while our offer in a 2xx awaits its answer in the ACK
/// gets 491.
#[test]
fn an_update_offer_while_our_offer_awaits_the_ack_gets_491() {
    let mut h = Harness::new();
    let call = h.incoming(&Req::new("INVITE").branch("z9hG4bK-inv-1"));
    h.ep.accept_call(h.now, call, Bytes::from(OFFER)).unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    let tag = to_tag(&ok.message).unwrap();
    h.send(&in_dialog("UPDATE", &tag, 2).sdp(HOLD_OFFER));
    assert_eq!(h.statuses(), vec![491]);
    assert!(h.events().is_empty(), "no Reoffer");
    // A bodiless UPDATE (a session refresh) is no offer and is still answered.
    h.send(&in_dialog("UPDATE", &tag, 3));
    assert_eq!(h.statuses(), vec![200]);
}
