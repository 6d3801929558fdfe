//! What one OPTIONS costs the endpoint with 0, 1,000 and 20,000 live transactions: each
//! live one is an INVITE refused 403 over UDP, which lingers 64·T1 (Timer H), as under a
//! flood of spoofed INVITEs. Measured per message as the shell pays it: the input, the
//! responses drained, then `poll_timeout`.
//!
//! The OPTIONS come over TCP, where the transaction ends with its response (Timer J is
//! zero), so the number of live transactions stays what the benchmark says.
//!
//! `cargo bench -p dialbridge-sip --bench endpoint -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use dialbridge_sip::endpoint::{ConnectionId, Endpoint, EndpointConfig, Event};

const OUR_IP: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);

fn invite(i: u32) -> String {
    format!(
        "INVITE sip:+15551230000@198.51.100.7 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-flood-{i}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:+15557654321@10.0.0.1>;tag=flood-{i}\r\n\
         To: <sip:+15551230000@198.51.100.7>\r\n\
         Call-ID: flood-{i}@10.0.0.1\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:+15557654321@10.0.0.1:5060>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

fn options(i: u64) -> String {
    format!(
        "OPTIONS sip:198.51.100.7 SIP/2.0\r\n\
         Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-options-{i}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:monitor@192.0.2.1>;tag=options-{i}\r\n\
         To: <sip:198.51.100.7>\r\n\
         Call-ID: options-{i}@192.0.2.1\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// An endpoint holding `live` transactions of refused INVITEs, each from its own address.
fn flooded(now: Instant, live: u32) -> Endpoint {
    let mut ep = Endpoint::new(EndpointConfig::new(IpAddr::V4(OUR_IP), 5060), [7; 32]);
    for i in 0..live {
        let [_, a, b, c] = i.to_be_bytes();
        let from = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, a, b, c)), 5060);
        ep.handle_datagram(now, from, Bytes::from(invite(i)));
        while let Some(event) = ep.poll_event() {
            if let Event::IncomingCall(call) = event {
                ep.reject_call(now, call.call, 403, "Forbidden", vec![])
                    .unwrap();
            }
        }
        while ep.poll_transmit().is_some() {}
        let _ = ep.poll_timeout();
    }
    assert_eq!(ep.transaction_count(), live as usize);
    ep
}

fn options_under_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("options_with_live_transactions");
    let monitor = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 5060);
    for live in [0u32, 1_000, 20_000] {
        let now = Instant::now();
        let mut ep = flooded(now, live);
        let mut n = 0u64;
        group.bench_with_input(BenchmarkId::from_parameter(live), &live, |b, _| {
            b.iter_custom(|iters| {
                // Built outside the timed part: only the endpoint's work is measured.
                let messages: Vec<String> = (0..iters).map(|k| options(n + k)).collect();
                n += iters;
                let start = Instant::now();
                for message in &messages {
                    ep.handle_stream_data(now, ConnectionId(1), monitor, message.as_bytes());
                    while let Some(transmit) = ep.poll_transmit() {
                        black_box(transmit);
                    }
                    black_box(ep.poll_timeout());
                }
                start.elapsed()
            });
        });
        assert_eq!(ep.transaction_count(), live as usize);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = options_under_load
}
criterion_main!(benches);
