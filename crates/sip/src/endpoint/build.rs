//! Building the messages we send: responses to requests, and requests inside a dialog.

use bytes::Bytes;

use crate::dialog::Dialog;
use crate::message::{
    response_for, HeaderName, Headers, Host, Method, NameAddr, Request, Response, Uri,
};

use super::types::{EndpointConfig, Transport};

/// Methods we act on; answered in Allow on OPTIONS, 405 and 501 (RFC 3261 20.5).
pub const ALLOWED_METHODS: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO";
/// Option tags we support (RFC 4028 `timer`).
pub const SUPPORTED_OPTIONS: &[&str] = &["timer"];
/// Body types we accept in requests (RFC 3261 20.1).
pub const ACCEPTED_BODIES: &str = "application/sdp";

pub fn our_host(config: &EndpointConfig) -> Host {
    match config.public_address {
        std::net::IpAddr::V4(ip) => Host::Ipv4(ip),
        std::net::IpAddr::V6(ip) => Host::Ipv6(ip),
    }
}

/// Our Contact URI; stream calls say so, or in-dialog requests would come back over UDP.
pub fn contact_uri(config: &EndpointConfig, transport: Transport) -> Uri {
    let uri = Uri::sip(None, our_host(config), Some(config.port));
    match transport {
        Transport::Udp => uri,
        Transport::Tcp => uri.with_param("transport", Some("tcp")),
    }
}

pub fn contact_header(config: &EndpointConfig, transport: Transport) -> String {
    format!("<{}>", contact_uri(config, transport))
}

/// A response to `request`, with our To tag on everything but 100 (RFC 3261 8.2.6.2).
pub fn response(
    config: &EndpointConfig,
    request: &Request,
    status: u16,
    reason: &str,
    local_tag: &str,
) -> Response {
    let mut response = response_for(request, status, reason);
    if status > 100 {
        if let Some(to) = response.headers.get(&HeaderName::To).map(str::to_owned) {
            let tagged = match NameAddr::parse(&to) {
                Ok(name_addr) if name_addr.tag().is_some() => to,
                Ok(name_addr) => name_addr.with_tag(local_tag).to_string(),
                // Unparseable To: we are answering an error anyway; keep it as it came.
                Err(_) => to,
            };
            response.headers.set(HeaderName::To, tagged);
        }
    }
    response
        .headers
        .push(HeaderName::Server, config.product.clone());
    response
}

/// Whether a message's body is SDP: its Content-Type's media type, parameters ignored
/// (RFC 3261 20.15; media types compare case-insensitively, RFC 2045 5.1).
pub fn is_sdp(headers: &Headers) -> bool {
    headers.get(&HeaderName::ContentType).is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/sdp"))
    })
}

pub fn with_capabilities(mut response: Response) -> Response {
    response.headers.push(HeaderName::Allow, ALLOWED_METHODS);
    response.headers.push(HeaderName::Accept, ACCEPTED_BODIES);
    response
        .headers
        .push(HeaderName::Supported, SUPPORTED_OPTIONS.join(", "));
    response
}

pub fn with_sdp(mut response: Response, sdp: Bytes) -> Response {
    response
        .headers
        .push(HeaderName::ContentType, "application/sdp");
    response.body = sdp;
    response
}

/// A request inside `dialog`, with a fresh branch and the dialog's next CSeq, routed
/// through the route set (RFC 3261 12.2.1.1).
pub fn in_dialog_request(
    config: &EndpointConfig,
    dialog: &mut Dialog,
    method: Method,
    transport: Transport,
    branch: &str,
) -> Request {
    let (uri, routes) = dialog.request_target();
    let cseq = if method == Method::Ack {
        // The ACK for a 2xx carries the INVITE's CSeq number (RFC 3261 13.2.2.4), which
        // the caller set as the dialog's current one.
        dialog.local_cseq
    } else {
        dialog.next_local_cseq()
    };
    let mut request = Request::new(method.clone(), uri);
    let headers = &mut request.headers;
    headers.push(HeaderName::Via, via_value(config, transport, branch));
    headers.push(HeaderName::MaxForwards, "70");
    for route in routes {
        headers.push(HeaderName::Route, route);
    }
    headers.push(HeaderName::From, dialog.local.to_string());
    headers.push(HeaderName::To, dialog.remote.to_string());
    headers.push(HeaderName::CallId, dialog.id.call_id.clone());
    headers.push(HeaderName::CSeq, format!("{cseq} {method}"));
    if matches!(method, Method::Invite | Method::Update) {
        headers.push(HeaderName::Contact, contact_header(config, transport));
        headers.push(HeaderName::Allow, ALLOWED_METHODS);
        headers.push(HeaderName::Supported, SUPPORTED_OPTIONS.join(", "));
    }
    headers.push(HeaderName::UserAgent, config.product.clone());
    request
}

pub fn via_value(config: &EndpointConfig, transport: Transport, branch: &str) -> String {
    // rport (RFC 3581) so responses find us even through a NAT.
    format!(
        "SIP/2.0/{} {}:{};branch={branch};rport",
        transport.via_name(),
        our_host(config),
        config.port
    )
}

/// The ACK a client INVITE transaction sends for a non-2xx final (RFC 3261 17.1.1.3):
/// same Request-URI, Call-ID, From, CSeq number and top Via as the INVITE, To from
/// the response (it carries their tag), and the INVITE's Route headers.
pub fn ack_for_failure(invite: &Request, response: &Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    let headers = &mut ack.headers;
    if let Some(via) = invite.headers.values(&HeaderName::Via).first() {
        headers.push(HeaderName::Via, (*via).to_owned());
    }
    headers.push(HeaderName::MaxForwards, "70");
    for route in invite.headers.get_all(&HeaderName::Route) {
        headers.push(HeaderName::Route, route.to_owned());
    }
    for name in [HeaderName::From, HeaderName::CallId] {
        if let Some(value) = invite.headers.get(&name) {
            headers.push(name, value.to_owned());
        }
    }
    if let Some(to) = response.headers.get(&HeaderName::To) {
        headers.push(HeaderName::To, to.to_owned());
    }
    if let Some(cseq) = invite
        .headers
        .get(&HeaderName::CSeq)
        .and_then(|c| crate::message::CSeq::parse(c).ok())
    {
        headers.push(HeaderName::CSeq, format!("{} ACK", cseq.seq));
    }
    ack
}
