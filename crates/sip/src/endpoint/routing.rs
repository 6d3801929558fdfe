//! Where responses and requests go.

use std::net::SocketAddr;

use crate::dialog::Dialog;
use crate::message::{Host, Uri, Via};

use super::types::{Peer, Transport};

/// Where to send responses to a request that arrived from `source` with `top_via`.
///
/// Over a stream: back on the same connection (RFC 3261 18.2.2), and, once that is
/// closed, on a new one to the source IP and the Via's sent-by port. Over UDP: to the
/// source IP, which is what `received` would say; to the source port when the client
/// asked for `rport` (RFC 3581 section 4, the NAT case), otherwise to the Via's port.
pub fn response_destination(source: Peer, top_via: Option<&Via>) -> Peer {
    if source.transport == Transport::Tcp {
        // `addr` is where the shell reconnects when the connection is gone. The source
        // port is the far end of a connection the peer opened, usually an ephemeral
        // port nobody listens on: Kamailio closes idle connections after
        // tcp_connection_lifetime, and our answer to a call that rang longer than that
        // went to a refused port and was lost. 18.2.2 names the sent-by port instead.
        return match top_via {
            Some(via) => Peer {
                addr: SocketAddr::new(source.addr.ip(), via.port.unwrap_or(5060)),
                ..source
            },
            None => source,
        };
    }
    let port = match top_via {
        Some(via) if via.rport().is_some() => source.addr.port(),
        Some(via) => via.port.unwrap_or(5060),
        None => source.addr.port(),
    };
    Peer::udp(SocketAddr::new(source.addr.ip(), port))
}

/// The address a request for `uri` goes to, when the URI names an IP literal. Names
/// that need DNS are not resolved here (the endpoint is sans-IO), so the caller falls
/// back to the address the dialog's peer used.
pub fn uri_destination(uri: &Uri) -> Option<SocketAddr> {
    let ip = match uri.host()? {
        Host::Ipv4(ip) => std::net::IpAddr::V4(*ip),
        Host::Ipv6(ip) => std::net::IpAddr::V6(*ip),
        Host::Domain(_) => return None,
    };
    let default_port = if matches!(uri.scheme(), crate::message::Scheme::Sips) {
        5061
    } else {
        5060
    };
    Some(SocketAddr::new(ip, uri.port().unwrap_or(default_port)))
}

/// The transport a URI asks for with `;transport=`, if any we speak.
pub fn uri_transport(uri: &Uri) -> Option<Transport> {
    match uri.param("transport")?? {
        t if t.eq_ignore_ascii_case("tcp") => Some(Transport::Tcp),
        t if t.eq_ignore_ascii_case("udp") => Some(Transport::Udp),
        _ => None,
    }
}

/// Where a request inside `dialog` goes, and over which transport: the next hop's address
/// when it is an IP literal (RFC 3261 12.2.1.1, 8.1.2), otherwise `fallback`, the address
/// the dialog's signalling uses (no DNS here: this layer does no IO).
pub fn in_dialog_destination(dialog: &Dialog, source: Peer, fallback: Peer) -> (Transport, Peer) {
    let transport = uri_transport(dialog.next_hop()).unwrap_or(fallback.transport);
    let to = match uri_destination(dialog.next_hop()) {
        // The next hop is the far end of the connection the call came on: reuse it.
        Some(addr) if transport == source.transport && addr == source.addr => source,
        Some(addr) if transport == Transport::Udp => Peer::udp(addr),
        Some(addr) => Peer {
            transport,
            addr,
            connection: None,
        },
        None => fallback,
    };
    (transport, to)
}
