//! Registering with a carrier through the endpoint's client transactions.

use super::*;
use crate::endpoint::{RegistrationHandle, Transport};
use crate::message::{response_for, Host, Method, Uri};
use crate::registration::{RegistrationConfig, RegistrationState};

fn registration_config() -> RegistrationConfig {
    RegistrationConfig {
        registrar: Uri::parse("sip:carrier.example").unwrap(),
        aor: Uri::parse("sip:acct1@carrier.example").unwrap(),
        contact: Uri::sip(Some("acct1"), Host::Ipv4(OUR_IP), Some(5060)),
        // Filled in by the endpoint.
        via_sent_by: String::new(),
        transport: Transport::Tcp,
        username: "acct1".into(),
        password: "s3cret".into(),
        realm: None,
        expires: 60,
        user_agent: String::new(),
    }
}

fn reply(h: &mut Harness, request: &Request, status: u16, extra: &[(HeaderName, &str)]) {
    let mut response = response_for(request, status, "Test");
    for (name, value) in extra {
        response.headers.push(name.clone(), *value);
    }
    let text = String::from_utf8(response.to_bytes().to_vec()).unwrap();
    h.send_from(peer_addr(), &text);
}

fn registration_events(h: &mut Harness) -> Vec<(RegistrationHandle, RegistrationState)> {
    std::iter::from_fn(|| h.ep.poll_registration_event()).collect()
}

#[test]
fn registers_after_a_challenge_and_refreshes_at_half_the_granted_time() {
    let mut h = Harness::new();
    let handle =
        h.ep.register(h.now, registration_config(), Peer::udp(peer_addr()));
    let first = h.sent_one();
    assert_eq!(first.to, Peer::udp(peer_addr()));
    let first = first.request().clone();
    assert_eq!(first.method, Method::Register);
    let via = first.headers.get(&HeaderName::Via).unwrap();
    assert!(
        via.starts_with("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK"),
        "{via}"
    );
    assert_eq!(
        first.headers.get(&HeaderName::UserAgent),
        Some("dialbridge-test")
    );

    // Unanswered, it is retransmitted by its transaction (Timer E).
    let again = h.run_for(T1);
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].request().headers.get(&HeaderName::CSeq),
        Some("1 REGISTER")
    );

    let challenge = r#"Digest realm="carrier.example", nonce="abc", qop="auth", algorithm=SHA-256"#;
    reply(
        &mut h,
        &first,
        401,
        &[(HeaderName::WwwAuthenticate, challenge)],
    );
    let second = h.sent_one().request().clone();
    assert_eq!(second.headers.get(&HeaderName::CSeq), Some("2 REGISTER"));
    assert!(second
        .headers
        .get(&HeaderName::Authorization)
        .unwrap()
        .contains("algorithm=SHA-256"));

    reply(&mut h, &second, 200, &[(HeaderName::Expires, "60")]);
    assert!(h.sent().is_empty());
    let registered_at = h.now;
    assert_eq!(
        registration_events(&mut h),
        vec![(
            handle,
            RegistrationState::Registered {
                expires: 60,
                refresh_at: registered_at + secs(30)
            }
        )]
    );
    assert!(matches!(
        h.ep.registration_state(handle),
        Some(RegistrationState::Registered { .. })
    ));

    let at = h.elapsed() + secs(30);
    let sent = h.run_until(at);
    let refreshes: Vec<_> = sent
        .iter()
        .filter(|s| s.request().method == Method::Register)
        .collect();
    assert_eq!(refreshes.len(), 1, "{sent:#?}");
    assert_eq!(refreshes[0].at, at);
    assert_eq!(
        refreshes[0].request().headers.get(&HeaderName::CSeq),
        Some("3 REGISTER")
    );
}

#[test]
fn an_unanswered_register_fails_after_timer_f_and_is_retried_after_30_seconds() {
    let mut h = Harness::new();
    let handle =
        h.ep.register(h.now, registration_config(), Peer::udp(peer_addr()));
    h.sent_one();
    h.run_for(64 * T1);
    let events = registration_events(&mut h);
    let failed_at = h.start + 64 * T1;
    assert_eq!(
        events,
        vec![(
            handle,
            RegistrationState::Failed {
                status: None,
                reason: "no response from the registrar".into(),
                retry_at: failed_at + secs(30),
            }
        )]
    );
    let at = h.elapsed() + secs(30);
    let sent = h.run_until(at);
    let retry = sent
        .iter()
        .find(|s| s.request().headers.get(&HeaderName::CSeq) == Some("2 REGISTER"));
    assert_eq!(retry.map(|s| s.at), Some(64 * T1 + secs(30)));
}

#[test]
fn unregister_sends_expires_zero_and_forgets_the_registration() {
    let mut h = Harness::new();
    let handle =
        h.ep.register(h.now, registration_config(), Peer::udp(peer_addr()));
    let first = h.sent_one().request().clone();
    reply(&mut h, &first, 200, &[]);
    h.ep.unregister(h.now, handle);
    let removal = h.sent_one().request().clone();
    assert_eq!(removal.headers.get(&HeaderName::Expires), Some("0"));
    reply(&mut h, &removal, 200, &[]);
    let events = registration_events(&mut h);
    assert_eq!(
        events.last(),
        Some(&(handle, RegistrationState::Unregistered))
    );
    assert_eq!(h.ep.registration_state(handle), None);
    // Only the transactions' Timer K is left, then nothing.
    h.run_for(secs(3600));
    assert_eq!(h.ep.poll_timeout(), None);
}
