//! Where our in-dialog requests go: route sets from Record-Route (RFC 3261 12.2.1.1).

use bytes::Bytes;

use super::*;
use crate::message::{Method, Uri};

fn bye_after(req: &Req) -> Sent {
    let mut h = Harness::new();
    let (call, _tag) = h.established(req);
    h.ep.hangup(h.now, call).unwrap();
    h.sent_one()
}

/// Loose routing: Route = the Record-Route list in order, Request-URI = their Contact,
/// sent to the first route's address.
#[test]
fn loose_route_set_is_followed() {
    let req = invite()
        .header("Record-Route: <sip:203.0.113.5:5080;lr>")
        .header("Record-Route: <sip:203.0.113.6;lr>");
    let bye = bye_after(&req);
    let r = bye.request();
    assert_eq!(r.method, Method::Bye);
    assert_eq!(
        r.uri,
        Uri::parse("sip:+15557654321@192.0.2.1:5060").unwrap()
    );
    assert_eq!(
        r.headers.get_all(&HeaderName::Route).collect::<Vec<_>>(),
        vec!["<sip:203.0.113.5:5080;lr>", "<sip:203.0.113.6;lr>"]
    );
    assert_eq!(bye.to, Peer::udp("203.0.113.5:5080".parse().unwrap()));
}

/// Both Record-Routes in one header line count the same.
#[test]
fn comma_separated_record_route() {
    let req = invite().header("Record-Route: <sip:203.0.113.5;lr>, <sip:203.0.113.6;lr>");
    let bye = bye_after(&req);
    let routes: Vec<_> = bye
        .request()
        .headers
        .values(&HeaderName::Route)
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(routes, vec!["<sip:203.0.113.5;lr>", "<sip:203.0.113.6;lr>"]);
    assert_eq!(bye.to, Peer::udp("203.0.113.5:5060".parse().unwrap()));
}

/// Strict routing (RFC 2543 proxy, no `lr`): Request-URI = first route, the remaining
/// routes follow, and the remote target is appended last.
#[test]
fn strict_route_set() {
    let req = invite()
        .header("Record-Route: <sip:203.0.113.5>")
        .header("Record-Route: <sip:203.0.113.6;lr>");
    let bye = bye_after(&req);
    let r = bye.request();
    assert_eq!(r.uri, Uri::parse("sip:203.0.113.5").unwrap());
    assert_eq!(
        r.headers.get_all(&HeaderName::Route).collect::<Vec<_>>(),
        vec!["<sip:203.0.113.6;lr>", "<sip:+15557654321@192.0.2.1:5060>"]
    );
    assert_eq!(bye.to, Peer::udp("203.0.113.5:5060".parse().unwrap()));
}

/// No route set and a Contact naming a host we cannot resolve here: the request goes
/// back where the call came from.
#[test]
fn unresolvable_contact_falls_back_to_the_source() {
    let req = invite().contact(Some("<sip:gw@carrier.example.net>"));
    let bye = bye_after(&req);
    assert_eq!(bye.request().uri.to_string(), "sip:gw@carrier.example.net");
    assert_eq!(bye.to, Peer::udp(peer_addr()));
}

/// The 200 to an INVITE that came through proxies keeps their Record-Route lines.
#[test]
fn record_route_is_echoed_in_order_in_provisional_too() {
    let mut h = Harness::new();
    let req = invite()
        .header("Record-Route: <sip:203.0.113.5;lr>")
        .header("Record-Route: <sip:203.0.113.6;lr>");
    let call = h.incoming(&req);
    h.ep.ring(h.now, call, Some(Bytes::from_static(ANSWER.as_bytes())))
        .unwrap();
    let progress = h.sent_one();
    assert_eq!(progress.status(), 183);
    assert_eq!(progress.message.body().as_ref(), ANSWER.as_bytes());
    // RFC 3261 12.1.1: a dialog-creating response (a 1xx with a tag too) copies the
    // Record-Route; without it the early dialog's route set would differ at the UAC.
    assert_eq!(
        all(&progress.message, &HeaderName::RecordRoute),
        vec!["<sip:203.0.113.5;lr>", "<sip:203.0.113.6;lr>"]
    );
}
