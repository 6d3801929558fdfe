//! Parsing and serializing a typical carrier INVITE.
//!
//! `cargo bench -p dialbridge-sip -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dialbridge_sip::message::{
    parse_message, validate_request, HeaderName, Message, NameAddr, Via,
};

const SDP: &str = "v=0\r\n\
o=- 2890844526 2890844526 IN IP4 198.51.100.20\r\n\
s=-\r\n\
c=IN IP4 198.51.100.20\r\n\
t=0 0\r\n\
m=audio 31400 RTP/AVP 0 8 9 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=maxptime:40\r\n\
a=sendrecv\r\n";

fn carrier_invite() -> Bytes {
    let head = format!(
        "INVITE sip:+14155550123@dialbridge.example.com:5060;user=phone SIP/2.0\r\n\
Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK-524287-1---8a9e6b1f2c3d4e5f;rport\r\n\
Via: SIP/2.0/UDP 203.0.113.7:5060;received=203.0.113.7;branch=z9hG4bK3f1c.5b2a9e71d0c4e8f2.0\r\n\
Via: SIP/2.0/TCP 192.0.2.44:5060;branch=z9hG4bKsbc-7d2f9a1e\r\n\
Record-Route: <sip:198.51.100.10;lr;ftag=as5e2f7c1a>\r\n\
Record-Route: <sip:203.0.113.7;transport=udp;lr>\r\n\
Max-Forwards: 67\r\n\
From: \"WIRELESS CALLER\" <sip:+12125550199@carrier.example.net;user=phone>;tag=as5e2f7c1a\r\n\
To: <sip:+14155550123@dialbridge.example.com;user=phone>\r\n\
Call-ID: 4f1a9e2c7b3d5e6f8a0b1c2d3e4f5a6b@198.51.100.10\r\n\
CSeq: 102 INVITE\r\n\
Contact: <sip:+12125550199@198.51.100.10:5060;transport=udp>\r\n\
P-Asserted-Identity: \"WIRELESS CALLER\" <sip:+12125550199@carrier.example.net;user=phone>\r\n\
P-Asserted-Identity: <tel:+12125550199>\r\n\
Privacy: none\r\n\
Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PRACK, UPDATE\r\n\
Supported: 100rel, timer, replaces, norefersub\r\n\
Session-Expires: 1800;refresher=uac\r\n\
Min-SE: 90\r\n\
User-Agent: CarrierSBC 9.4\r\n\
Content-Type: application/sdp\r\n\
Content-Length: {}\r\n\r\n",
        SDP.len()
    );
    Bytes::from(head + SDP)
}

fn bench(c: &mut Criterion) {
    let wire = carrier_invite();
    let Message::Request(parsed) = parse_message(wire.clone()).unwrap() else {
        panic!("expected a request")
    };
    validate_request(&parsed).unwrap();

    let mut group = c.benchmark_group("carrier_invite");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    group.bench_function("parse_message", |b| {
        b.iter(|| parse_message(black_box(wire.clone())).unwrap())
    });
    group.bench_function("parse_and_validate", |b| {
        b.iter(|| {
            let Ok(Message::Request(r)) = parse_message(black_box(wire.clone())) else {
                panic!()
            };
            validate_request(&r).unwrap();
            r
        })
    });
    group.bench_function("typed_vias_and_from", |b| {
        b.iter(|| {
            let vias: Vec<Via> = parsed
                .headers
                .values(&HeaderName::Via)
                .into_iter()
                .map(|v| Via::parse(v).unwrap())
                .collect();
            let from = NameAddr::parse(parsed.headers.get(&HeaderName::From).unwrap()).unwrap();
            (vias, from)
        })
    });
    group.bench_function("to_bytes", |b| b.iter(|| black_box(&parsed).to_bytes()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
