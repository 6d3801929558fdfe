//! The trunk in the SIP endpoint's terms: the `OutgoingCall` for `Endpoint::start_call`
//! and the `RegistrationConfig` for `Endpoint::register`.

use bytes::Bytes;
use dialbridge_sip::endpoint::{DigestAccount, OutgoingCall, Peer, Transport as SipTransport};
use dialbridge_sip::message::{HeaderName, NameAddr, Uri};
use dialbridge_sip::registration::RegistrationConfig;
use thiserror::Error;

use super::config::{OutboundTrunk, Transport, TrunkAuth};
use super::format::CallerId;
use crate::policy::Approved;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SipBuildError {
    #[error("{what} {text:?} is not a valid SIP URI")]
    InvalidUri { what: &'static str, text: String },
}

fn uri(what: &'static str, text: String) -> Result<Uri, SipBuildError> {
    Uri::parse(&text).map_err(|_| SipBuildError::InvalidUri { what, text })
}

impl OutboundTrunk {
    /// The call to place for an approved number: Request-URI and To in the trunk's number
    /// format, From and P-Asserted-Identity from `caller`, the trunk's digest account for
    /// 401/407 when it registers. `destination` is the proxy as the shell resolved it.
    pub fn outgoing_call(
        &self,
        approved: &Approved,
        caller: &CallerId,
        destination: Peer,
        offer: Bytes,
    ) -> Result<OutgoingCall, SipBuildError> {
        let target = uri("request URI", self.request_uri(approved))?;
        let from = NameAddr::new(uri("From URI", caller.from_uri.clone())?);
        let to = NameAddr::new(target.clone());
        let mut call = OutgoingCall::new(target, destination, from, to, offer);
        call.credentials = match &self.auth {
            TrunkAuth::Register(register) => Some(DigestAccount::new(
                register.username.clone(),
                register.password.clone(),
            )),
            TrunkAuth::Digest(digest) => Some(DigestAccount::new(
                digest.username.clone(),
                digest.password.clone(),
            )),
            TrunkAuth::Ip => None,
        };
        call.extra_headers.push((
            HeaderName::Other("P-Asserted-Identity".to_owned()),
            caller.p_asserted_identity.clone(),
        ));
        Ok(call)
    }

    /// For a registering trunk, what `Endpoint::register` needs: registrar `sip:<domain>`,
    /// address of record `sip:<username>@<domain>` (domain: `from_domain`, by default the
    /// proxy's host) and Contact `sip:<username>@<contact_host>:<contact_port>`, our public
    /// address. `None` for an IP-authenticated trunk.
    pub fn registration_config(
        &self,
        contact_host: &str,
        contact_port: u16,
    ) -> Option<Result<RegistrationConfig, SipBuildError>> {
        let TrunkAuth::Register(register) = &self.auth else {
            return None;
        };
        let domain = if self.from_domain.contains(':') {
            format!("[{}]", self.from_domain)
        } else {
            self.from_domain.clone()
        };
        let host = if contact_host.contains(':') && !contact_host.starts_with('[') {
            format!("[{contact_host}]")
        } else {
            contact_host.to_owned()
        };
        let transport_param = match self.transport {
            Transport::Udp => "",
            Transport::Tcp => ";transport=tcp",
        };
        let build = || {
            Ok(RegistrationConfig {
                registrar: uri("registrar", format!("sip:{domain}"))?,
                aor: uri(
                    "address of record",
                    format!("sip:{}@{domain}", register.username),
                )?,
                contact: uri(
                    "Contact",
                    format!(
                        "sip:{}@{host}:{contact_port}{transport_param}",
                        register.username
                    ),
                )?,
                via_sent_by: format!("{host}:{contact_port}"),
                transport: match self.transport {
                    Transport::Udp => SipTransport::Udp,
                    Transport::Tcp => SipTransport::Tcp,
                },
                username: register.username.clone(),
                password: register.password.clone(),
                realm: register.realm.clone(),
                expires: register.expires,
                user_agent: "dialbridge".to_owned(),
            })
        };
        Some(build())
    }
}
