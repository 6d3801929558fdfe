//! Calls over TCP: framing in any chunking, replies on the same connection, closing
//! broken streams.

use bytes::Bytes;

use super::super::ConnectionId;
use super::calls::bye_ok;
use super::*;
use crate::message::Method;

const CONN: ConnectionId = ConnectionId(42);

fn tcp_peer() -> Peer {
    Peer::tcp(SocketAddr::new(IpAddr::V4(PEER_IP), 51000), CONN)
}

/// Where our responses go: the same connection, and if it closed, the Via's sent-by
/// (192.0.2.1:5060 in these requests), not the connection's ephemeral port (18.2.2).
fn reply_peer() -> Peer {
    Peer::tcp(SocketAddr::new(IpAddr::V4(PEER_IP), 5060), CONN)
}

fn tcp(req: Req) -> String {
    req.text().replace("SIP/2.0/UDP", "SIP/2.0/TCP")
}

fn feed(h: &mut Harness, data: &[u8]) {
    h.ep.handle_stream_data(h.now, CONN, tcp_peer().addr, data);
}

/// RFC 3261 18.3: messages are cut by Content-Length whatever the chunking; responses
/// go back on the same connection (18.2.2).
#[test]
fn tcp_call_in_chunks() {
    let mut h = Harness::new();
    let inv = tcp(invite().contact(Some("<sip:+15557654321@192.0.2.1:5060;transport=tcp>")));
    let bytes = inv.as_bytes();
    for chunk in [&bytes[..10], &bytes[10..200], &bytes[200..bytes.len() - 3]] {
        feed(&mut h, chunk);
        assert!(h.sent().is_empty());
        assert!(h.events().is_empty());
    }
    feed(&mut h, &bytes[bytes.len() - 3..]);
    let trying = h.sent_one();
    assert_eq!(trying.status(), 100);
    assert_eq!(trying.to, reply_peer());
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => {
            assert_eq!(c.source, tcp_peer());
            assert_eq!(c.offer.as_deref(), Some(OFFER.as_bytes()));
            c.call
        }
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.to, reply_peer());
    assert_eq!(
        header(&ok.message, &HeaderName::Contact),
        Some("<sip:198.51.100.7:5060;transport=tcp>")
    );
    let tag = to_tag(&ok.message).unwrap();
    // RFC 3261 13.3.1.4 retransmits the 2xx "even if the transport is reliable": the
    // 2xx travels end to end and a later hop may be UDP. The retransmitter does so; the
    // first retransmission at T1 proves it. (A TCP peer that ACKs promptly never sees one.)
    let sent = h.run_until(ms(500));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, reply_peer());

    // The ACK and a BYE arrive in one chunk.
    let both = tcp(ack_2xx(&tag, 1)) + &tcp(in_dialog("BYE", &tag, 2));
    feed(&mut h, both.as_bytes());
    let bye_ok = h.sent_one();
    assert_eq!(bye_ok.status(), 200);
    assert_eq!(bye_ok.to, reply_peer());
    let events = h.events();
    assert!(matches!(events[0], Event::CallConfirmed { .. }));
    assert_eq!(ended(&events), vec![(call, CallEndReason::RemoteBye)]);
    // Reliable transport: Timer J is zero, nothing lingers (RFC 3261 17.2.2) except the
    // INVITE's Accepted state (Timer L, RFC 6026).
    h.assert_drained();
    assert_eq!(h.ep.poll_close(), None);
}

/// Our BYE on a TCP call goes over TCP to the Contact (transport=tcp), reusing the
/// connection when the Contact is the connection's own address.
#[test]
fn tcp_bye_from_us() {
    let mut h = Harness::new();
    let inv = tcp(invite().contact(Some("<sip:+15557654321@192.0.2.1:51000;transport=tcp>")));
    feed(&mut h, inv.as_bytes());
    assert_eq!(h.statuses(), vec![100]);
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => c.call,
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    feed(&mut h, tcp(ack_2xx(&tag, 1)).as_bytes());
    h.events();
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    assert_eq!(bye.request().method, Method::Bye);
    assert_eq!(bye.to, tcp_peer());
    assert!(bye
        .request()
        .headers
        .get(&HeaderName::Via)
        .unwrap()
        .starts_with("SIP/2.0/TCP "));
    // Reliable: no Timer E retransmission.
    assert!(h.run_for(secs(1)).is_empty());
    let ok = bye_ok(bye.request());
    feed(&mut h, ok.as_bytes());
    h.assert_drained();
}

/// A message larger than the configured limit closes the connection (RFC 3261 18.3
/// leaves no way to resynchronise); other connections and UDP carry on.
#[test]
fn oversized_message_closes_the_connection() {
    let mut h = Harness::with_config(|c| c.max_message_bytes = 2000);
    let big = "a=x-padding:".to_owned() + &"y".repeat(3000) + "\r\n";
    let inv = tcp(invite().sdp(&(OFFER.to_owned() + &big)));
    feed(&mut h, inv.as_bytes());
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());
    assert_eq!(h.ep.poll_close(), Some(CONN));
    assert_eq!(h.ep.poll_close(), None);
    // A new connection with the same id after the shell closed it starts clean.
    h.ep.handle_connection_closed(CONN);
    feed(&mut h, tcp(invite().branch("z9hG4bK-fresh")).as_bytes());
    assert_eq!(h.statuses(), vec![100]);
    assert_eq!(h.events().len(), 1);
}

/// A stream without Content-Length cannot be framed: closed.
#[test]
fn missing_content_length_on_tcp_closes() {
    let mut h = Harness::new();
    let text = tcp(Req::new("OPTIONS").contact(None)).replace("Content-Length: 0\r\n", "");
    feed(&mut h, text.as_bytes());
    assert_eq!(h.ep.poll_close(), Some(CONN));
}

/// RFC 5626 4.4.1: a CRLFCRLF keep-alive ping gets a single CRLF pong on the same
/// connection, and a message after it is handled as usual.
#[test]
fn keepalive_ping_gets_a_pong() {
    let mut h = Harness::new();
    feed(&mut h, b"\r\n\r\n");
    let pong = h.ep.poll_transmit().expect("a pong");
    assert_eq!(pong.bytes.as_ref(), b"\r\n");
    assert_eq!(pong.to, tcp_peer());
    assert!(h.ep.poll_transmit().is_none(), "one pong per ping");
    feed(&mut h, tcp(Req::new("OPTIONS")).as_bytes());
    assert_eq!(h.statuses(), vec![200]);
}
