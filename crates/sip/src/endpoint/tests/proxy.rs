//! Calls that come through a record-routing proxy (Kamailio and the like), as found
//! with a real Kamailio in `tests/behind_proxy.rs`.

use bytes::Bytes;

use super::super::ConnectionId;
use super::*;
use crate::message::Method;

const PROXY_CONN: ConnectionId = ConnectionId(7);

/// The proxy's side of its TCP connection to us: an ephemeral port. It listens on 5060,
/// which its Via and Record-Route say.
fn proxy_source() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(PEER_IP), 40312)
}

fn proxy_listen() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(PEER_IP), 5060)
}

/// An INVITE as a proxy relays it over TCP: its own Via on top (sent-by 192.0.2.1:5060),
/// the caller's below, its Record-Route, the caller's Contact.
fn proxied_tcp_invite() -> String {
    invite()
        .lower_via("SIP/2.0/UDP 203.0.113.50:5070;branch=z9hG4bK-caller-1")
        .header("Record-Route: <sip:192.0.2.1;transport=tcp;r2=on;lr>")
        .header("Record-Route: <sip:192.0.2.1;r2=on;lr>")
        .contact(Some("<sip:+15557654321@203.0.113.50:5070>"))
        .text()
        .replacen("SIP/2.0/UDP 192.0.2.1", "SIP/2.0/TCP 192.0.2.1", 1)
}

/// RFC 3261 18.2.2: a response over TCP goes on the connection the request came on;
/// if that is closed, on a new connection to the received address and the Via's
/// sent-by port. Proxies open connections from ephemeral ports and close them when
/// idle (Kamailio's tcp_connection_lifetime), so a call answered after a long ring
/// must reach the proxy's listening port, not the port of its closed connection.
#[test]
fn tcp_answer_after_the_proxy_closed_its_connection_goes_to_the_via_port() {
    let mut h = Harness::new();
    h.ep.handle_stream_data(
        h.now,
        PROXY_CONN,
        proxy_source(),
        proxied_tcp_invite().as_bytes(),
    );
    let trying = h.sent_one();
    assert_eq!(trying.status(), 100);
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => {
            // The call logic still sees who really sent it (the trunk ACL needs it).
            assert_eq!(c.source, Peer::tcp(proxy_source(), PROXY_CONN));
            c.call
        }
        other => panic!("{other:?}"),
    };
    let expected = Peer::tcp(proxy_listen(), PROXY_CONN);
    // The shell uses the connection while it is open, and reconnects to `addr` after.
    assert_eq!(trying.to, expected);
    h.ep.handle_connection_closed(PROXY_CONN);
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let ok = h.sent_one();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.to, expected);
    // The 2xx retransmissions (RFC 3261 13.3.1.4) go the same way.
    let again = h.run_until(ms(500));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].to, expected);
}

/// Our BYE behind a proxy that switched transports: to the TCP Record-Route entry, the
/// proxy's listening address, over TCP; Request-URI the caller's Contact.
#[test]
fn tcp_bye_follows_the_double_record_route() {
    let mut h = Harness::new();
    h.ep.handle_stream_data(
        h.now,
        PROXY_CONN,
        proxy_source(),
        proxied_tcp_invite().as_bytes(),
    );
    h.sent();
    let call = match h.events().as_slice() {
        [Event::IncomingCall(c)] => c.call,
        other => panic!("{other:?}"),
    };
    h.ep.accept_call(h.now, call, Bytes::from_static(ANSWER.as_bytes()))
        .unwrap();
    let tag = to_tag(&h.sent_one().message).unwrap();
    let ack = ack_2xx(&tag, 1)
        .text()
        .replacen("SIP/2.0/UDP", "SIP/2.0/TCP", 1);
    h.ep.handle_stream_data(h.now, PROXY_CONN, proxy_source(), ack.as_bytes());
    h.events();
    h.ep.hangup(h.now, call).unwrap();
    let bye = h.sent_one();
    let request = bye.request();
    assert_eq!(request.method, Method::Bye);
    assert_eq!(
        request.uri.to_string(),
        "sip:+15557654321@203.0.113.50:5070"
    );
    assert_eq!(
        all(&bye.message, &HeaderName::Route),
        vec![
            "<sip:192.0.2.1;transport=tcp;r2=on;lr>",
            "<sip:192.0.2.1;r2=on;lr>"
        ]
    );
    assert_eq!(bye.to.transport, super::super::Transport::Tcp);
    assert_eq!(bye.to.addr, proxy_listen());
}
