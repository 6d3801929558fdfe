//! The requests a UAC call sends: the INVITE (RFC 3261 8.1.1, 13.2.1), its retry with
//! credentials (22.2, 22.3), its CANCEL (9.1) and the ACK for a 2xx (13.2.2.4).

use bytes::Bytes;

use crate::auth::{select_challenge, DigestClient};
use crate::dialog::session_timer::{parse_min_se, parse_session_expires};
use crate::dialog::Dialog;
use crate::message::{CSeq, HeaderName, Method, Request, Response};

use super::super::build::{self, ALLOWED_METHODS, SUPPORTED_OPTIONS};
use super::super::types::{DigestAccount, EndpointConfig, OutgoingCall};

/// What is random in a new INVITE; drawn from the endpoint's generator by the caller.
pub struct Fresh {
    pub from_tag: String,
    pub call_id: String,
    pub cseq: u32,
    pub branch: String,
}

/// The INVITE that starts `call`.
pub fn invite(config: &EndpointConfig, call: &OutgoingCall, fresh: &Fresh) -> Request {
    let transport = call.destination.transport;
    let mut to = call.to.clone();
    // The To of a dialog-creating request has no tag (RFC 3261 8.1.1.2).
    to.params
        .retain(|(name, _)| !name.eq_ignore_ascii_case("tag"));
    let from = call.from.clone().with_tag(&fresh.from_tag);
    let mut request = Request::new(Method::Invite, call.target.clone());
    let headers = &mut request.headers;
    headers.push(
        HeaderName::Via,
        build::via_value(config, transport, &fresh.branch),
    );
    headers.push(HeaderName::MaxForwards, "70");
    headers.push(HeaderName::From, from.to_string());
    headers.push(HeaderName::To, to.to_string());
    headers.push(HeaderName::CallId, fresh.call_id.clone());
    headers.push(HeaderName::CSeq, format!("{} INVITE", fresh.cseq));
    headers.push(
        HeaderName::Contact,
        build::contact_header(config, transport),
    );
    headers.push(HeaderName::Allow, ALLOWED_METHODS);
    headers.push(HeaderName::Supported, SUPPORTED_OPTIONS.join(", "));
    if let Some(interval) = call.session_expires {
        // No refresher parameter: RFC 4028 7.1 leaves the choice to the UAS, and we
        // follow whatever its 2xx says.
        headers.push(HeaderName::SessionExpires, interval.to_string());
    }
    headers.push(HeaderName::UserAgent, config.product.clone());
    for (name, value) in &call.extra_headers {
        // A value may come from user input (a caller ID typed in the admin center); a CR
        // or LF in it would let it write header lines of its own.
        if value.chars().any(char::is_control) {
            tracing::warn!(
                header = name.as_str(),
                "dropping a header value with control characters"
            );
            continue;
        }
        headers.push(name.clone(), value.clone());
    }
    if let Some(offer) = &call.offer {
        headers.push(HeaderName::ContentType, "application/sdp");
        request.body = offer.clone();
    }
    request
}

/// Why a 401/407 is not retried.
#[derive(Debug)]
pub enum NoRetry {
    /// No usable Digest challenge, or our account cannot form an answer.
    Unusable(String),
    /// We already answered this realm once and were refused again (22.2).
    RealmRefused(String),
}

/// The INVITE again with credentials for the challenge in `response` (401 or 407):
/// same Call-ID, From tag and To, CSeq one higher, a new branch (RFC 3261 22.2), and
/// every credential sent before kept (22.3: a later hop's challenge does not void an
/// earlier one). Returns the request and the realm it answers.
pub fn retry_with_credentials(
    previous: &Request,
    response: &Response,
    account: &DigestAccount,
    realms_tried: &[String],
    branch: &str,
    cnonce: &str,
) -> Result<(Request, String), NoRetry> {
    let (challenge_header, answer_header) = if response.status == 407 {
        (
            HeaderName::ProxyAuthenticate,
            HeaderName::ProxyAuthorization,
        )
    } else {
        (HeaderName::WwwAuthenticate, HeaderName::Authorization)
    };
    // Each field line is one challenge: their parameters are comma-separated, so the
    // list view of the header would cut them apart.
    let challenge = select_challenge(response.headers.get_all(&challenge_header))
        .map_err(|e| NoRetry::Unusable(e.to_string()))?;
    if realms_tried.contains(&challenge.realm) {
        return Err(NoRetry::RealmRefused(challenge.realm));
    }
    let uri = previous.uri.to_string();
    let client = DigestClient {
        username: &account.username,
        password: &account.password,
    };
    let authorization = client
        .authorization(&challenge, Method::Invite.as_str(), &uri, cnonce, 1)
        .map_err(|e| NoRetry::Unusable(e.to_string()))?;
    let mut request = next_attempt(previous, branch);
    request.headers.push(answer_header, authorization);
    Ok((request, challenge.realm))
}

/// The INVITE again after a 422 (RFC 4028 section 6, 7.4): the same request with CSeq one
/// higher, a new branch, and `Session-Expires` and `Min-SE` raised to the `Min-SE` the
/// 422 demands. `None` when the 422 names no usable Min-SE or no larger one than we sent.
pub fn retry_with_min_se(previous: &Request, response: &Response, branch: &str) -> Option<Request> {
    let min_se = response
        .headers
        .get(&HeaderName::MinSE)
        .and_then(parse_min_se)?;
    let sent = previous
        .headers
        .get(&HeaderName::SessionExpires)
        .and_then(parse_session_expires)
        .map(|(interval, _)| interval)?;
    if min_se <= sent {
        return None;
    }
    let mut request = next_attempt(previous, branch);
    request
        .headers
        .set(HeaderName::SessionExpires, min_se.to_string());
    request.headers.set(HeaderName::MinSE, min_se.to_string());
    Some(request)
}

/// `previous` as a new transaction of the same call: CSeq one higher, a new branch
/// (RFC 3261 8.1.3.5, 22.2).
fn next_attempt(previous: &Request, branch: &str) -> Request {
    let cseq = previous
        .headers
        .get(&HeaderName::CSeq)
        .and_then(|c| CSeq::parse(c).ok())
        .map_or(1, |c| c.seq.wrapping_add(1));
    let mut request = previous.clone();
    let via = previous
        .headers
        .get(&HeaderName::Via)
        .map(|via| with_branch(via, branch))
        .unwrap_or_default();
    request.headers.set(HeaderName::Via, via);
    request
        .headers
        .set(HeaderName::CSeq, format!("{cseq} INVITE"));
    request
}

/// Our own Via value with its branch replaced (we wrote it: `…;branch=X;rport`).
fn with_branch(via: &str, branch: &str) -> String {
    via.split(';')
        .map(|part| {
            if part
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("branch=")
            {
                format!("branch={branch}")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The CANCEL for `invite` (RFC 3261 9.1): the same Request-URI, Call-ID, To, From, CSeq
/// number and top Via (so the same branch), method CANCEL, and the INVITE's Route headers.
pub fn cancel(invite: &Request) -> Request {
    let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
    let headers = &mut cancel.headers;
    if let Some(via) = invite.headers.values(&HeaderName::Via).first() {
        headers.push(HeaderName::Via, (*via).to_owned());
    }
    headers.push(HeaderName::MaxForwards, "70");
    for route in invite.headers.get_all(&HeaderName::Route) {
        headers.push(HeaderName::Route, route.to_owned());
    }
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        if let Some(value) = invite.headers.get(&name) {
            headers.push(name, value.to_owned());
        }
    }
    let seq = invite
        .headers
        .get(&HeaderName::CSeq)
        .and_then(|c| CSeq::parse(c).ok())
        .map_or(1, |c| c.seq);
    headers.push(HeaderName::CSeq, format!("{seq} CANCEL"));
    cancel
}

/// The ACK for a 2xx to `invite` in `dialog` (RFC 3261 13.2.2.4): a request of the dialog
/// with the INVITE's CSeq number (the dialog's local CSeq when just created), the
/// INVITE's credentials, and `answer` when the INVITE had no offer.
pub fn ack_for_2xx(
    config: &EndpointConfig,
    dialog: &mut Dialog,
    invite: &Request,
    transport: super::super::types::Transport,
    branch: &str,
    answer: Option<&Bytes>,
) -> Request {
    let mut ack = build::in_dialog_request(config, dialog, Method::Ack, transport, branch);
    for name in [HeaderName::Authorization, HeaderName::ProxyAuthorization] {
        for value in invite.headers.get_all(&name) {
            ack.headers.push(name.clone(), value.to_owned());
        }
    }
    if let Some(answer) = answer {
        ack.headers.push(HeaderName::ContentType, "application/sdp");
        ack.body = answer.clone();
    }
    ack
}
