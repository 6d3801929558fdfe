//! RFC 3264 §6 answer rules: directions and hold, declined streams, ptime, errors.

mod common;

use common::{crlf, lines, local_v4, media_lines};
use dialbridge_sdp::{answer, AudioCodec, Direction, MalformedReason, NegotiationError};

/// A minimal PCMU offer with `extra` lines appended to the media section.
fn pcmu_offer(connection: &str, extra: &str) -> String {
    crlf(&format!(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 {connection}
        t=0 0
        m=audio 5004 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        {extra}"
    ))
}

fn direction_line(sdp: &str) -> String {
    lines(sdp)
        .into_iter()
        .filter(|line| ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"].contains(line))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn directions_are_mirrored() {
    for (offered, answered, theirs) in [
        ("a=sendrecv", "a=sendrecv", Direction::SendRecv),
        ("a=sendonly", "a=recvonly", Direction::SendOnly),
        ("a=recvonly", "a=sendonly", Direction::RecvOnly),
        ("a=inactive", "a=inactive", Direction::Inactive),
    ] {
        let answer = answer(pcmu_offer("198.51.100.7", offered), &local_v4()).expect("negotiates");
        assert_eq!(direction_line(&answer.sdp), answered, "for {offered}");
        assert_eq!(answer.audio.remote_direction, theirs);
    }
    let plain = answer(pcmu_offer("198.51.100.7", ""), &local_v4()).expect("negotiates");
    assert_eq!(
        direction_line(&plain.sdp),
        "a=sendrecv",
        "no attribute means sendrecv"
    );
    assert!(!plain.audio.is_held_by_remote());
}

#[test]
fn sendonly_hold_is_answered_recvonly() {
    let answer = answer(pcmu_offer("198.51.100.7", "a=sendonly"), &local_v4()).expect("hold");
    assert_eq!(answer.audio.local_direction, Direction::RecvOnly);
    assert!(answer.audio.is_held_by_remote());
}

#[test]
fn session_level_direction_applies_and_media_level_overrides() {
    let session_hold = crlf(
        "v=0
        o=- 1 2 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        a=sendonly
        m=audio 5004 RTP/AVP 0",
    );
    let held = answer(&session_hold, &local_v4()).expect("hold");
    assert_eq!(held.audio.local_direction, Direction::RecvOnly);

    let overridden = format!("{session_hold}a=sendrecv\r\n");
    let resumed = answer(&overridden, &local_v4()).expect("resume");
    assert_eq!(resumed.audio.local_direction, Direction::SendRecv);
}

#[test]
fn rfc2543_hold_with_zero_connection_is_answered_recvonly() {
    let answer = answer(pcmu_offer("0.0.0.0", ""), &local_v4()).expect("old hold");
    assert_eq!(direction_line(&answer.sdp), "a=recvonly");
    assert!(answer.audio.remote_rtp.ip().is_unspecified());
    assert!(answer.audio.is_held_by_remote());
    // We still advertise our real address so the peer can send to us.
    assert!(lines(&answer.sdp).contains(&"c=IN IP4 192.0.2.1"));
}

#[test]
fn our_own_hold_preference_limits_the_answer() {
    let mut holding = local_v4();
    holding.direction = Direction::SendOnly;
    let answer = answer(pcmu_offer("198.51.100.7", ""), &holding).expect("negotiates");
    assert_eq!(direction_line(&answer.sdp), "a=sendonly");
}

#[test]
fn disabled_streams_are_kept_in_place_with_port_zero() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 0 RTP/AVP 0
        m=audio 5004 RTP/AVP 8
        a=rtpmap:8 PCMA/8000",
    );
    let answer = answer(&offer, &local_v4()).expect("second stream");
    assert_eq!(answer.audio.media_index, 1);
    assert_eq!(
        media_lines(&answer.sdp),
        ["m=audio 0 RTP/AVP 0", "m=audio 40000 RTP/AVP 8"]
    );
}

#[test]
fn video_and_t38_are_declined_and_audio_accepted() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=video 5006 RTP/AVP 96 97
        a=rtpmap:96 H264/90000
        a=fmtp:96 profile-level-id=42e01f
        a=rtpmap:97 VP8/90000
        m=audio 5004 RTP/AVP 0
        m=image 5008 udptl t38
        a=T38FaxVersion:0",
    );
    let answer = answer(&offer, &local_v4()).expect("audio");
    assert_eq!(answer.audio.media_index, 1);
    assert_eq!(
        media_lines(&answer.sdp),
        [
            "m=video 0 RTP/AVP 96 97",
            "m=audio 40000 RTP/AVP 0",
            "m=image 0 udptl t38"
        ]
    );
    assert!(
        !answer.sdp.contains("H264"),
        "no attributes on declined streams"
    );
}

#[test]
fn only_the_first_acceptable_audio_stream_is_taken() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 18
        a=rtpmap:18 G729/8000
        m=audio 5006 RTP/AVP 0
        m=audio 5008 RTP/AVP 8",
    );
    let answer = answer(&offer, &local_v4()).expect("second stream");
    assert_eq!(answer.audio.media_index, 1);
    assert_eq!(answer.audio.remote_rtp.port(), 5006);
    assert_eq!(
        media_lines(&answer.sdp),
        [
            "m=audio 0 RTP/AVP 18",
            "m=audio 40000 RTP/AVP 0",
            "m=audio 0 RTP/AVP 8"
        ]
    );
}

#[test]
fn media_level_connection_overrides_session_level() {
    let offer = pcmu_offer("198.51.100.7", "c=IN IP4 198.51.100.99");
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(
        answer.audio.remote_rtp,
        "198.51.100.99:5004".parse().expect("addr")
    );
}

#[test]
fn ptime_30_and_60_are_honoured() {
    for ptime in [30, 60] {
        let offer = pcmu_offer("198.51.100.7", &format!("a=ptime:{ptime}"));
        let answer = answer(&offer, &local_v4()).expect("negotiates");
        assert_eq!(answer.audio.ptime_ms, ptime);
        assert!(lines(&answer.sdp).contains(&format!("a=ptime:{ptime}").as_str()));
    }
}

#[test]
fn ptime_outside_10_to_60_is_clamped() {
    let short = answer(pcmu_offer("198.51.100.7", "a=ptime:5"), &local_v4()).expect("ok");
    assert_eq!(short.audio.ptime_ms, 10);
    let long = answer(pcmu_offer("198.51.100.7", "a=ptime:200"), &local_v4()).expect("ok");
    assert_eq!(long.audio.ptime_ms, 60);
}

#[test]
fn maxptime_caps_our_preference_and_default_is_20() {
    let plain = answer(pcmu_offer("198.51.100.7", ""), &local_v4()).expect("ok");
    assert_eq!(plain.audio.ptime_ms, 20);
    let mut slow = local_v4();
    slow.ptime_ms = 40;
    let capped = answer(pcmu_offer("198.51.100.7", "a=maxptime:30"), &slow).expect("ok");
    assert_eq!(capped.audio.ptime_ms, 30);
}

#[test]
fn no_common_codec_is_an_error() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 18 4 101
        a=rtpmap:18 G729/8000
        a=rtpmap:4 G723/8000
        a=rtpmap:101 telephone-event/8000",
    );
    assert_eq!(
        answer(&offer, &local_v4()),
        Err(NegotiationError::NoCommonCodec)
    );

    let mut ulaw_only = local_v4();
    ulaw_only.codecs = vec![AudioCodec::Pcmu];
    let alaw = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 8",
    );
    assert_eq!(
        answer(&alaw, &ulaw_only),
        Err(NegotiationError::NoCommonCodec)
    );
}

#[test]
fn stereo_g711_is_not_taken_for_mono() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 110
        a=rtpmap:110 PCMU/8000/2",
    );
    assert_eq!(
        answer(&offer, &local_v4()),
        Err(NegotiationError::NoCommonCodec)
    );
}

#[test]
fn no_audio_at_all_is_its_own_error() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=image 5008 udptl t38",
    );
    assert_eq!(
        answer(&offer, &local_v4()),
        Err(NegotiationError::NoAudioStream)
    );
}

#[test]
fn garbage_is_malformed() {
    for body in [
        &b"hello world"[..],
        b"",
        b"\r\n\r\n",
        b"INVITE sip:bob@example.com SIP/2.0\r\n",
        b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nthis is not sdp\r\n",
        b"v=0\r\nm=audio 5004 RTP/AVP 0\r\n",
        b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 not-an-ip\r\nm=audio 5004 RTP/AVP 0\r\n",
        b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\nm=audio 99999 RTP/AVP 0\r\n",
        &[0xff, 0x00, 0x13, 0x37],
    ] {
        let result = answer(body, &local_v4());
        assert!(
            matches!(result, Err(NegotiationError::Malformed(_))),
            "{:?} gave {result:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn missing_connection_for_the_chosen_stream_is_malformed() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        t=0 0
        m=audio 5004 RTP/AVP 0",
    );
    match answer(&offer, &local_v4()) {
        Err(NegotiationError::Malformed(malformed)) => {
            assert_eq!(malformed.reason, MalformedReason::MissingConnection);
        }
        other => panic!("expected malformed, got {other:?}"),
    }
}

#[test]
fn dynamic_telephone_event_numbers_are_preserved() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 8 126
        a=rtpmap:8 PCMA/8000
        a=rtpmap:126 telephone-event/8000
        a=fmtp:126 0-16",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(
        answer
            .audio
            .telephone_event
            .as_ref()
            .map(|t| t.payload_type),
        Some(126)
    );
    let sdp = lines(&answer.sdp);
    assert!(sdp.contains(&"m=audio 40000 RTP/AVP 8 126"));
    assert!(sdp.contains(&"a=rtpmap:126 telephone-event/8000"));
    assert!(sdp.contains(&"a=fmtp:126 0-15"));
}

#[test]
fn telephone_event_can_be_turned_off() {
    let mut no_events = local_v4();
    no_events.telephone_event = false;
    let answer = answer(pcmu_offer("198.51.100.7", ""), &no_events).expect("negotiates");
    assert_eq!(answer.audio.telephone_event, None);
    assert!(!answer.sdp.contains("telephone-event"));
}

#[test]
fn encoding_names_match_case_insensitively_and_keep_the_offerers_spelling() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 111 0 100
        a=rtpmap:111 OPUS/48000/2
        a=rtpmap:0 pcmu/8000
        a=rtpmap:100 Telephone-Event/48000",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::Opus);
    assert_eq!(answer.audio.codec.payload_type, 111);
    assert_eq!(
        answer
            .audio
            .telephone_event
            .as_ref()
            .map(|t| t.payload_type),
        Some(100)
    );
    assert!(lines(&answer.sdp).contains(&"a=rtpmap:111 OPUS/48000/2"));

    let mut ulaw_first = local_v4();
    ulaw_first.codecs = vec![AudioCodec::Pcmu];
    let ulaw = negotiated(&offer, &ulaw_first);
    assert_eq!(ulaw.codec.encoding_name, "pcmu");
}

fn negotiated(offer: &str, local: &dialbridge_sdp::LocalMedia) -> dialbridge_sdp::NegotiatedAudio {
    answer(offer, local).expect("negotiates").audio
}

#[test]
fn static_payload_types_need_no_rtpmap() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 9 0 8",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::G722);
    assert_eq!(answer.audio.codec.encoding_name, "G722");
    // We write the rtpmap anyway: some gateways ignore bare static PTs.
    assert!(lines(&answer.sdp).contains(&"a=rtpmap:9 G722/8000"));
}

#[test]
fn g722_only_offer() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 9
        a=rtpmap:9 G722/8000
        a=ptime:20",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::G722);
    assert_eq!(media_lines(&answer.sdp), ["m=audio 40000 RTP/AVP 9"]);
}

#[test]
fn opus_without_channel_count_is_still_opus() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/AVP 98
        a=rtpmap:98 opus/48000
        a=ptime:30",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::Opus);
    assert_eq!(
        answer.audio.ptime_ms, 20,
        "Opus snaps 30 ms down to a 20 ms frame"
    );
    assert!(lines(&answer.sdp).contains(&"a=rtpmap:98 opus/48000/2"));
}

#[test]
fn sdes_only_offer_is_an_unsupported_profile() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/SAVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32",
    );
    assert_eq!(
        answer(&offer, &local_v4()),
        Err(NegotiationError::UnsupportedProfile {
            profile: "RTP/SAVP".to_owned()
        })
    );
}

#[test]
fn sdes_stream_is_declined_when_plain_rtp_is_also_offered() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/SAVP 0
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz
        m=audio 5006 RTP/AVP 0",
    );
    let answer = answer(&offer, &local_v4()).expect("plain RTP");
    assert_eq!(answer.audio.media_index, 1);
    assert_eq!(
        media_lines(&answer.sdp),
        ["m=audio 0 RTP/SAVP 0", "m=audio 40000 RTP/AVP 0"]
    );
    assert!(!answer.sdp.contains("a=crypto"));
}

#[test]
fn no_common_codec_beats_unsupported_profile_when_both_apply() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/SAVP 0
        m=audio 5006 RTP/AVP 18",
    );
    assert_eq!(
        answer(&offer, &local_v4()),
        Err(NegotiationError::NoCommonCodec)
    );
}

#[test]
fn garbled_rtcp_attribute_falls_back_to_port_plus_one() {
    let offer = pcmu_offer("198.51.100.7", "a=rtcp:\na=rtcp-mux");
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(
        answer.audio.remote_rtcp,
        "198.51.100.7:5005".parse().expect("addr")
    );
}

#[test]
fn rtcp_attribute_with_ipv6_address() {
    let offer = pcmu_offer("198.51.100.7", "a=rtcp:6001 IN IP6 2001:db8::77");
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(
        answer.audio.remote_rtcp,
        "[2001:db8::77]:6001".parse().expect("addr")
    );
}

#[test]
fn sdes_offer_is_answered_with_srtp_and_our_key_under_the_offered_tag() {
    let offer = crlf(
        "v=0
        o=- 1 1 IN IP4 198.51.100.7
        s=-
        c=IN IP4 198.51.100.7
        t=0 0
        m=audio 5004 RTP/SAVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:d2hhdGV2ZXIgdGhpcyBpcyBub3QgYSByZWFsIGtleSBhdCBhbGwgcmVhbGx5
        a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32
        a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
    );
    let mut local = local_v4();
    local.srtp_inline_key = Some("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk".to_owned());
    let answer = answer(&offer, &local).expect("SRTP");
    assert_eq!(media_lines(&answer.sdp), ["m=audio 40000 RTP/SAVP 0 101"]);
    // Suite 1 is not ours, tag 2 has an MKI: tag 3 is the one we can take.
    assert!(answer.sdp.contains(
        "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk\r\n"
    ));
    let keys = answer.audio.srtp.expect("keys");
    assert!(keys
        .remote
        .starts_with("3 AES_CM_128_HMAC_SHA1_32 inline:WVNf"));
    assert!(
        !format!("{keys:?}").contains("inline"),
        "keys stay out of Debug"
    );
}
