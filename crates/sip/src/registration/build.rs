//! The REGISTER request and what its 2xx says.

use crate::message::{parse_delta_seconds, HeaderName, Method, NameAddr, Request, Response, Uri};

use super::RegistrationConfig;

/// Allow in our REGISTERs: what the carrier may send to the Contact we register.
const ALLOWED_METHODS: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO";

pub struct Ids<'a> {
    pub call_id: &'a str,
    pub from_tag: &'a str,
    pub cseq: u32,
    pub branch: &'a str,
}

pub fn register(
    config: &RegistrationConfig,
    ids: &Ids<'_>,
    expires: u32,
    authorization: Option<(HeaderName, String)>,
) -> Request {
    let mut request = Request::new(Method::Register, config.registrar.clone());
    let headers = &mut request.headers;
    headers.push(
        HeaderName::Via,
        format!(
            "SIP/2.0/{} {};branch={};rport",
            config.transport.via_name(),
            config.via_sent_by,
            ids.branch
        ),
    );
    headers.push(HeaderName::MaxForwards, "70");
    let aor = NameAddr::new(config.aor.clone());
    headers.push(
        HeaderName::From,
        aor.clone().with_tag(ids.from_tag).to_string(),
    );
    headers.push(HeaderName::To, aor.to_string());
    headers.push(HeaderName::CallId, ids.call_id.to_owned());
    headers.push(HeaderName::CSeq, format!("{} REGISTER", ids.cseq));
    headers.push(
        HeaderName::Contact,
        format!("<{}>;expires={expires}", config.contact),
    );
    headers.push(HeaderName::Expires, expires.to_string());
    headers.push(HeaderName::Allow, ALLOWED_METHODS);
    headers.push(HeaderName::UserAgent, config.user_agent.clone());
    if let Some((name, value)) = authorization {
        headers.push(name, value);
    }
    request
}

/// The lifetime the registrar granted our binding (RFC 3261 §10.2.4): the `expires`
/// parameter of the Contact that is ours, else the Expires header. `None` when the 2xx
/// says neither (the caller assumes what it asked for).
pub fn granted_expires(response: &Response, our_contact: &Uri) -> Option<u32> {
    let from_contact = response
        .headers
        .values(&HeaderName::Contact)
        .into_iter()
        .filter_map(|value| NameAddr::parse(value).ok())
        .find(|contact| same_binding(&contact.uri, our_contact))
        .and_then(|contact| contact.param("expires").flatten().map(str::to_owned))
        .and_then(|value| parse_delta_seconds(&value).ok());
    from_contact.or_else(|| {
        response
            .headers
            .get(&HeaderName::Expires)
            .and_then(|value| parse_delta_seconds(value).ok())
    })
}

/// Registrars echo our Contact with their own formatting and parameters; user, host and
/// port identify it.
fn same_binding(theirs: &Uri, ours: &Uri) -> bool {
    let port = |uri: &Uri| uri.port().unwrap_or(5060);
    theirs.user() == ours.user() && theirs.host() == ours.host() && port(theirs) == port(ours)
}
