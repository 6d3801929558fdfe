//! Our own offers, the answers we accept, and `o=` versioning across a dialog.

mod common;

use common::{crlf, lines, local_at, local_v4, local_v6, media_lines};
use dialbridge_sdp::{
    accept_answer, answer, offer, AnswerMismatch, AudioCodec, Direction, NegotiationError,
    OfferedFormat, SessionOrigin, SessionVersion,
};

#[test]
fn our_offer_lists_codecs_in_preference_order_with_events() {
    let offer = offer(&local_v4());
    assert_eq!(
        lines(&offer.sdp),
        [
            "v=0",
            "o=- 3900000000 3900000000 IN IP4 192.0.2.1",
            "s=-",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "m=audio 40000 RTP/AVP 96 9 0 8 97 101",
            "a=rtpmap:96 opus/48000/2",
            "a=fmtp:96 useinbandfec=1",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:97 telephone-event/48000",
            "a=fmtp:97 0-15",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=ptime:20",
            "a=sendrecv",
        ]
    );
    assert!(offer
        .payload_types()
        .any(|(pt, format)| pt == 96 && format == OfferedFormat::Codec(AudioCodec::Opus)));
}

#[test]
fn g711_only_offer_has_only_8k_events() {
    let mut local = local_v4();
    local.codecs = vec![AudioCodec::Pcma, AudioCodec::Pcmu];
    let offer = offer(&local);
    assert_eq!(media_lines(&offer.sdp), ["m=audio 40000 RTP/AVP 8 0 101"]);
}

#[test]
fn round_trip_between_two_dialbridges() {
    let ours = local_v4();
    let our_offer = offer(&ours);

    let mut peer = local_v6();
    peer.codecs = vec![AudioCodec::G722, AudioCodec::Pcmu];
    peer.rtp_port = 50_000;
    let their_answer = answer(&our_offer.sdp, &peer).expect("peer answers");
    assert_eq!(their_answer.audio.codec.codec, AudioCodec::G722);
    assert_eq!(
        their_answer.audio.remote_rtp,
        "192.0.2.1:40000".parse().expect("addr")
    );

    let agreed = accept_answer(&our_offer, &their_answer.sdp).expect("we accept");
    assert_eq!(agreed.codec.codec, AudioCodec::G722);
    assert_eq!(agreed.codec.payload_type, 9);
    assert_eq!(
        agreed
            .telephone_event
            .as_ref()
            .map(|t| (t.payload_type, t.clock_rate)),
        Some((101, 8000))
    );
    assert_eq!(
        agreed.remote_rtp,
        "[2001:db8::1]:50000".parse().expect("addr")
    );
    assert_eq!(
        agreed.remote_rtcp,
        "[2001:db8::1]:50001".parse().expect("addr")
    );
    assert_eq!(agreed.local_direction, Direction::SendRecv);
    assert_eq!(agreed.ptime_ms, 20);
}

#[test]
fn round_trip_with_opus_both_sides() {
    let our_offer = offer(&local_v4());
    let their_answer = answer(&our_offer.sdp, &local_at("198.51.100.40")).expect("answers");
    let agreed = accept_answer(&our_offer, &their_answer.sdp).expect("accepted");
    assert_eq!(agreed.codec.codec, AudioCodec::Opus);
    assert_eq!(agreed.codec.remote_fmtp.as_deref(), Some("useinbandfec=1"));
    assert_eq!(
        agreed.telephone_event.as_ref().map(|t| t.payload_type),
        Some(97)
    );
}

fn answer_body(media: &str) -> String {
    crlf(&format!(
        "v=0
        o=- 7 7 IN IP4 198.51.100.40
        s=-
        c=IN IP4 198.51.100.40
        t=0 0
        {media}"
    ))
}

#[test]
fn answer_with_a_recvonly_direction_makes_us_sendonly() {
    let our_offer = offer(&local_v4());
    let agreed = accept_answer(
        &our_offer,
        answer_body("m=audio 6000 RTP/AVP 0\na=recvonly\na=ptime:30"),
    )
    .expect("accepted");
    assert_eq!(agreed.local_direction, Direction::SendOnly);
    assert_eq!(agreed.remote_direction, Direction::RecvOnly);
    assert_eq!(agreed.ptime_ms, 30);
    assert_eq!(
        agreed.codec.codec,
        AudioCodec::Pcmu,
        "static PT without rtpmap"
    );
}

#[test]
fn answer_rejecting_our_stream() {
    let our_offer = offer(&local_v4());
    assert_eq!(
        accept_answer(&our_offer, answer_body("m=audio 0 RTP/AVP 0")),
        Err(NegotiationError::StreamRejected)
    );
}

#[test]
fn answer_with_payload_types_we_never_offered() {
    let our_offer = offer(&local_v4());
    assert_eq!(
        accept_answer(
            &our_offer,
            answer_body("m=audio 6000 RTP/AVP 18\na=rtpmap:18 G729/8000")
        ),
        Err(NegotiationError::AnswerMismatch(
            AnswerMismatch::NoOfferedPayloadType
        ))
    );
}

#[test]
fn answer_remapping_our_payload_type() {
    let our_offer = offer(&local_v4());
    assert_eq!(
        accept_answer(
            &our_offer,
            answer_body("m=audio 6000 RTP/AVP 96\na=rtpmap:96 G729/8000")
        ),
        Err(NegotiationError::AnswerMismatch(
            AnswerMismatch::PayloadTypeRemapped { payload_type: 96 }
        ))
    );
}

#[test]
fn answer_with_the_wrong_number_of_streams() {
    let our_offer = offer(&local_v4());
    assert_eq!(
        accept_answer(
            &our_offer,
            answer_body("m=audio 6000 RTP/AVP 0\nm=video 0 RTP/AVP 96")
        ),
        Err(NegotiationError::AnswerMismatch(
            AnswerMismatch::MediaCount {
                offered: 1,
                answered: 2
            }
        ))
    );
    assert!(matches!(
        accept_answer(&our_offer, "not sdp"),
        Err(NegotiationError::Malformed(_))
    ));
}

#[test]
fn dynamic_payload_type_without_rtpmap_in_answer_keeps_our_meaning() {
    let our_offer = offer(&local_v4());
    let agreed =
        accept_answer(&our_offer, answer_body("m=audio 6000 RTP/AVP 96 101")).expect("accepted");
    assert_eq!(agreed.codec.codec, AudioCodec::Opus);
    assert_eq!(agreed.codec.encoding_name, "opus");
    assert_eq!(
        agreed
            .telephone_event
            .as_ref()
            .map(|t| (t.payload_type, t.clock_rate)),
        Some((101, 8000))
    );
}

fn origin_line(sdp: &str) -> String {
    lines(sdp)
        .into_iter()
        .find(|line| line.starts_with("o="))
        .expect("o= line")
        .to_owned()
}

const CALLER_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

#[test]
fn reinvite_answers_bump_the_version_only_when_our_sdp_changes() {
    let mut origin = SessionOrigin::new(SessionVersion {
        id: 42,
        version: 1000,
    });
    let local = local_v4();

    let first = origin.answer(CALLER_OFFER, &local).expect("initial");
    assert_eq!(origin_line(&first.sdp), "o=- 42 1000 IN IP4 192.0.2.1");

    // Session refresh re-INVITE with the same offer: same answer, same version.
    let refresh = origin.answer(CALLER_OFFER, &local).expect("refresh");
    assert_eq!(refresh.sdp, first.sdp);

    // Hold: the answer is built from the new offer (recvonly) and the version moves by one.
    let hold_offer = format!("{CALLER_OFFER}a=sendonly\r\n");
    let hold = origin.answer(&hold_offer, &local).expect("hold");
    assert_eq!(origin_line(&hold.sdp), "o=- 42 1001 IN IP4 192.0.2.1");
    assert!(lines(&hold.sdp).contains(&"a=recvonly"));
    assert_eq!(hold.audio.local_direction, Direction::RecvOnly);

    // Resume.
    let resume = origin.answer(CALLER_OFFER, &local).expect("resume");
    assert_eq!(origin_line(&resume.sdp), "o=- 42 1002 IN IP4 192.0.2.1");
    assert!(lines(&resume.sdp).contains(&"a=sendrecv"));
    assert_eq!(
        origin.current(),
        SessionVersion {
            id: 42,
            version: 1002
        }
    );
}

#[test]
fn failed_negotiation_leaves_the_version_alone() {
    let mut origin = SessionOrigin::new(SessionVersion { id: 7, version: 1 });
    let local = local_v4();
    origin.answer(CALLER_OFFER, &local).expect("initial");
    assert!(origin.answer("garbage", &local).is_err());
    let again = origin.answer(CALLER_OFFER, &local).expect("same again");
    assert_eq!(origin_line(&again.sdp), "o=- 7 1 IN IP4 192.0.2.1");
}

#[test]
fn reoffers_share_the_counter_with_answers() {
    let mut origin = SessionOrigin::new(SessionVersion { id: 9, version: 5 });
    let mut local = local_v4();
    let first = origin.offer(&local);
    assert_eq!(origin_line(&first.sdp), "o=- 9 5 IN IP4 192.0.2.1");
    assert_eq!(
        origin_line(&origin.offer(&local).sdp),
        "o=- 9 5 IN IP4 192.0.2.1"
    );

    local.direction = Direction::SendOnly;
    let hold = origin.offer(&local);
    assert_eq!(origin_line(&hold.sdp), "o=- 9 6 IN IP4 192.0.2.1");
    assert!(lines(&hold.sdp).contains(&"a=sendonly"));

    // The peer answers our hold re-offer with recvonly.
    let agreed =
        accept_answer(&hold, answer_body("m=audio 6000 RTP/AVP 0\na=recvonly")).expect("accepted");
    assert_eq!(agreed.local_direction, Direction::SendOnly);
}
