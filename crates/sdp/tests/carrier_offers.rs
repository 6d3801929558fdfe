//! Offers as real carriers, PBXes and softphones send them, and the answers we give.

mod common;

use common::{crlf, lines, local_v4, local_v6, media_lines, OUR_PORT};
use dialbridge_sdp::{answer, AudioCodec, Direction};

#[test]
fn sonus_ribbon_g711_with_g729_and_maxptime() {
    let offer = crlf(
        "v=0
        o=Sonus_UAC 245817 101512 IN IP4 198.51.100.10
        s=SIP Media Capabilities
        c=IN IP4 198.51.100.11
        t=0 0
        m=audio 20362 RTP/AVP 0 8 18 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=sendrecv
        a=maxptime:20",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    let audio = &answer.audio;
    assert_eq!(audio.codec.codec, AudioCodec::Pcmu);
    assert_eq!(audio.codec.payload_type, 0);
    assert_eq!(
        audio.telephone_event.as_ref().map(|t| t.payload_type),
        Some(101)
    );
    assert_eq!(audio.ptime_ms, 20);
    assert_eq!(
        audio.remote_rtp,
        "198.51.100.11:20362".parse().expect("addr")
    );
    assert_eq!(
        audio.remote_rtcp,
        "198.51.100.11:20363".parse().expect("addr")
    );
    assert_eq!(audio.local_direction, Direction::SendRecv);

    assert_eq!(
        lines(&answer.sdp),
        [
            "v=0",
            "o=- 3900000000 3900000000 IN IP4 192.0.2.1",
            "s=-",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "m=audio 40000 RTP/AVP 0 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=ptime:20",
            "a=sendrecv",
        ]
    );
}

#[test]
fn twilio_pcmu_only_with_event_range_0_16() {
    let offer = crlf(
        "v=0
        o=root 1681234567 1681234567 IN IP4 203.0.113.5
        s=Twilio Media Gateway
        c=IN IP4 203.0.113.5
        t=0 0
        m=audio 12044 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::Pcmu);
    assert_eq!(answer.audio.codec.remote_fmtp, None);
    assert_eq!(media_lines(&answer.sdp), ["m=audio 40000 RTP/AVP 0 101"]);
}

#[test]
fn telnyx_prefers_our_g722_and_reads_a_rtcp() {
    let offer = crlf(
        "v=0
        o=- 1700000000 1700000001 IN IP4 203.0.113.20
        s=Telnyx
        c=IN IP4 203.0.113.20
        t=0 0
        m=audio 31000 RTP/AVP 0 8 9 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=sendrecv
        a=rtcp:31005 IN IP4 203.0.113.21",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    let audio = &answer.audio;
    assert_eq!(audio.codec.codec, AudioCodec::G722);
    assert_eq!(audio.codec.payload_type, 9);
    assert_eq!(
        audio.codec.clock_rate, 8000,
        "G.722's RTP clock is 8000 (RFC 3551)"
    );
    assert_eq!(
        audio.telephone_event.as_ref().map(|t| t.clock_rate),
        Some(8000)
    );
    assert_eq!(
        audio.remote_rtcp,
        "203.0.113.21:31005".parse().expect("addr")
    );
    let sdp = lines(&answer.sdp);
    assert!(sdp.contains(&"m=audio 40000 RTP/AVP 9 101"));
    assert!(sdp.contains(&"a=rtpmap:9 G722/8000"));
}

#[test]
fn asterisk_alaw_first_is_answered_by_our_preference_or_theirs_if_configured() {
    let offer = crlf(
        "v=0
        o=- 1234 1234 IN IP4 192.0.2.50
        s=Asterisk
        c=IN IP4 192.0.2.50
        t=0 0
        m=audio 14000 RTP/AVP 8 0 3 101
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:3 GSM/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv",
    );
    let by_default = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(by_default.audio.codec.codec, AudioCodec::Pcmu);

    let mut alaw_first = local_v4();
    alaw_first.codecs = vec![AudioCodec::Pcma, AudioCodec::Pcmu];
    let configured = answer(&offer, &alaw_first).expect("negotiates");
    assert_eq!(configured.audio.codec.codec, AudioCodec::Pcma);
    assert_eq!(configured.audio.codec.payload_type, 8);
}

#[test]
fn freeswitch_opus_with_8k_events_only() {
    let offer = crlf(
        "v=0
        o=FreeSWITCH 1700000000 1700000001 IN IP4 192.0.2.60
        s=FreeSWITCH
        c=IN IP4 192.0.2.60
        t=0 0
        m=audio 24576 RTP/AVP 102 9 0 8 101 13
        a=rtpmap:102 opus/48000/2
        a=fmtp:102 useinbandfec=1; maxaveragebitrate=30000; maxplaybackrate=48000; ptime=20; minptime=10; maxptime=40
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=rtpmap:13 CN/8000
        a=ptime:20
        a=sendrecv
        a=rtcp:24577 IN IP4 192.0.2.60",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    let audio = &answer.audio;
    assert_eq!(audio.codec.codec, AudioCodec::Opus);
    assert_eq!(audio.codec.payload_type, 102);
    assert_eq!(audio.codec.channels, 2);
    assert!(audio
        .codec
        .remote_fmtp
        .as_deref()
        .is_some_and(|fmtp| fmtp.contains("maxplaybackrate=48000")));
    // Only an 8 kHz event PT was offered: take it rather than lose DTMF.
    assert_eq!(
        audio
            .telephone_event
            .as_ref()
            .map(|t| (t.payload_type, t.clock_rate)),
        Some((101, 8000))
    );
    let sdp = lines(&answer.sdp);
    assert!(sdp.contains(&"m=audio 40000 RTP/AVP 102 101"));
    assert!(sdp.contains(&"a=rtpmap:102 opus/48000/2"));
    assert!(sdp.contains(&"a=fmtp:102 useinbandfec=1"));
}

#[test]
fn linphone_opus_picks_48k_telephone_event() {
    let offer = crlf(
        "v=0
        o=alice 3017 2342 IN IP4 192.0.2.70
        s=Talk
        c=IN IP4 192.0.2.70
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtpmap:97 SILK/16000
        a=rtpmap:98 speex/16000
        a=fmtp:98 vbr=on
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=yes
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:99 telephone-event/16000
        a=rtpmap:100 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        a=rtcp-fb:* ccm tmmbr",
    );
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::Opus);
    assert_eq!(answer.audio.codec.payload_type, 96);
    assert_eq!(
        answer
            .audio
            .telephone_event
            .as_ref()
            .map(|t| (t.payload_type, t.clock_rate)),
        Some((101, 48_000))
    );
    assert!(lines(&answer.sdp).contains(&"a=rtpmap:101 telephone-event/48000"));
}

#[test]
fn baresip_over_ipv6_with_bandwidth_and_unknown_attributes() {
    let offer = crlf(
        "v=0
        o=- 1234567 7654321 IN IP6 2001:db8::10
        s=-
        c=IN IP6 2001:db8::10
        b=AS:64
        t=0 0
        m=audio 10000 RTP/AVP 96 9 0 8 101
        b=TIAS:64000
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 stereo=1;sprop-stereo=1
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=sendrecv
        a=label:1
        a=ssrc:123456 cname:abc
        a=rtcp-rsize
        a=ptime:20",
    );
    let answer = answer(&offer, &local_v6()).expect("negotiates");
    assert_eq!(
        answer.audio.remote_rtp,
        "[2001:db8::10]:10000".parse().expect("addr")
    );
    assert_eq!(
        answer.audio.remote_rtcp,
        "[2001:db8::10]:10001".parse().expect("addr")
    );
    let sdp = lines(&answer.sdp);
    assert!(sdp.contains(&"o=- 3900000000 3900000000 IN IP6 2001:db8::1"));
    assert!(sdp.contains(&"c=IN IP6 2001:db8::1"));
}

#[test]
fn sipp_default_uac_with_lf_line_ends() {
    // SIPp's uac scenario with [auto_media_port] etc. filled in, as a file saved with LF.
    let offer = "v=0\n\
                 o=user1 53655765 2353687637 IN IP4 127.0.0.1\n\
                 s=-\n\
                 c=IN IP4 127.0.0.1\n\
                 t=0 0\n\
                 m=audio 6000 RTP/AVP 0\n\
                 a=rtpmap:0 PCMU/8000\n";
    let answer = answer(offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.payload_type, 0);
    assert_eq!(answer.audio.telephone_event, None, "none offered");
    assert_eq!(
        media_lines(&answer.sdp),
        [format!("m=audio {OUR_PORT} RTP/AVP 0").as_str()]
    );
}

#[test]
fn accepts_bytes_with_invalid_utf8_in_session_name() {
    let mut offer = b"v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=".to_vec();
    offer.extend_from_slice(&[0xff, 0xfe]);
    offer.extend_from_slice(b"\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 8\r\n");
    let answer = answer(&offer, &local_v4()).expect("negotiates");
    assert_eq!(answer.audio.codec.codec, AudioCodec::Pcma);
}
