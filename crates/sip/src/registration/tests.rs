#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::*;
use crate::auth::Credentials;
use crate::message::{response_for, Host};

fn config(expires: u32) -> RegistrationConfig {
    RegistrationConfig {
        registrar: Uri::parse("sip:carrier.example").unwrap(),
        aor: Uri::parse("sip:acct1@carrier.example").unwrap(),
        contact: Uri::sip(
            Some("acct1"),
            Host::Ipv4([203, 0, 113, 5].into()),
            Some(5060),
        ),
        via_sent_by: "203.0.113.5:5060".into(),
        transport: Transport::Udp,
        username: "acct1".into(),
        password: "s3cret".into(),
        realm: None,
        expires,
        user_agent: "dialbridge".into(),
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn header(request: &Request, name: HeaderName) -> &str {
    request
        .headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name:?} in {request:?}"))
}

fn reply(request: &Request, status: u16, extra: &[(HeaderName, &str)]) -> Response {
    let mut response = response_for(request, status, "Test");
    for (name, value) in extra {
        response.headers.push(name.clone(), *value);
    }
    response
}

fn events(registration: &mut Registration) -> Vec<RegistrationState> {
    std::iter::from_fn(|| registration.poll_event())
        .map(|RegistrationEvent::StateChanged(state)| state)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 7616 §3.4.1 with qop=auth, computed here with the hash crates directly so the
/// check does not reuse the code under test.
fn expected_response(c: &Credentials, password: &str, sha256: bool) -> String {
    let h = |text: String| {
        if sha256 {
            hex(&Sha256::digest(text.as_bytes()))
        } else {
            hex(&Md5::digest(text.as_bytes()))
        }
    };
    let qop = c.qop.as_ref().unwrap();
    let ha1 = h(format!("{}:{}:{password}", c.username, c.realm));
    let ha2 = h(format!("REGISTER:{}", c.uri));
    h(format!(
        "{ha1}:{}:{}:{}:auth:{ha2}",
        c.nonce, qop.nc_text, qop.cnonce
    ))
}

const MD5_CHALLENGE: &str =
    r#"Digest realm="carrier.example", nonce="n1", qop="auth", algorithm=MD5"#;

#[test]
fn the_first_register_asks_for_the_configured_expiry() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [1; 32]);
    assert_eq!(registration.poll_timeout(), Some(t0));
    let register = registration.poll_request(t0).unwrap();
    assert_eq!(register.method, Method::Register);
    assert_eq!(register.uri.to_string(), "sip:carrier.example");
    assert_eq!(header(&register, HeaderName::CSeq), "1 REGISTER");
    assert_eq!(
        header(&register, HeaderName::Contact),
        "<sip:acct1@203.0.113.5:5060>;expires=600"
    );
    assert_eq!(header(&register, HeaderName::Expires), "600");
    assert_eq!(
        header(&register, HeaderName::To),
        "<sip:acct1@carrier.example>"
    );
    assert!(header(&register, HeaderName::From).contains(";tag="));
    assert!(header(&register, HeaderName::Via)
        .starts_with("SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK"));
    assert_eq!(
        header(&register, HeaderName::CallId),
        registration.call_id()
    );
    assert!(!register.headers.contains(&HeaderName::Authorization));
    // One request per attempt; nothing more until it is answered.
    assert!(registration.poll_request(t0).is_none());
    assert_eq!(registration.poll_timeout(), None);
    assert!(crate::message::parse_message(register.to_bytes()).is_ok());
}

#[test]
fn a_401_md5_challenge_is_answered_then_200_registers_and_refreshes_before_expiry() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(3600), t0, [2; 32]);
    let first = registration.poll_request(t0).unwrap();
    registration.handle_response(
        t0,
        &reply(&first, 401, &[(HeaderName::WwwAuthenticate, MD5_CHALLENGE)]),
    );
    let second = registration.poll_request(t0).unwrap();
    assert_eq!(header(&second, HeaderName::CSeq), "2 REGISTER");
    assert_eq!(
        header(&second, HeaderName::CallId),
        header(&first, HeaderName::CallId)
    );
    assert_eq!(
        header(&second, HeaderName::From),
        header(&first, HeaderName::From)
    );
    assert_ne!(
        header(&second, HeaderName::Via),
        header(&first, HeaderName::Via),
        "new branch"
    );
    let credentials = Credentials::parse(header(&second, HeaderName::Authorization)).unwrap();
    assert_eq!(credentials.uri, "sip:carrier.example");
    assert_eq!(credentials.qop.as_ref().unwrap().nc_text, "00000001");
    assert_eq!(
        credentials.response,
        expected_response(&credentials, "s3cret", false)
    );

    // The registrar grants 120 s of the 3600 asked, in our Contact.
    let contact = "<sip:other@198.51.100.1>;expires=900, <sip:acct1@203.0.113.5:5060>;expires=120";
    registration.handle_response(t0, &reply(&second, 200, &[(HeaderName::Contact, contact)]));
    assert_eq!(
        events(&mut registration),
        vec![RegistrationState::Registered {
            expires: 120,
            refresh_at: t0 + secs(60)
        }]
    );
    assert_eq!(registration.poll_timeout(), Some(t0 + secs(60)));
    assert!(
        registration.poll_request(t0 + secs(59)).is_none(),
        "not before it is due"
    );

    // The refresh keeps Call-ID, counts CSeq up and answers the remembered challenge.
    let refresh = registration.poll_request(t0 + secs(60)).unwrap();
    assert_eq!(header(&refresh, HeaderName::CSeq), "3 REGISTER");
    assert_eq!(
        header(&refresh, HeaderName::CallId),
        header(&first, HeaderName::CallId)
    );
    let credentials = Credentials::parse(header(&refresh, HeaderName::Authorization)).unwrap();
    assert_eq!(credentials.qop.as_ref().unwrap().nc_text, "00000002");
    assert_eq!(
        credentials.response,
        expected_response(&credentials, "s3cret", false)
    );

    // This time the grant is in the Expires header only; long bindings refresh 60 s early.
    registration.handle_response(
        t0 + secs(60),
        &reply(&refresh, 200, &[(HeaderName::Expires, "3600")]),
    );
    assert_eq!(registration.poll_timeout(), Some(t0 + secs(60 + 3540)));
}

#[test]
fn a_407_sha256_challenge_is_answered_with_proxy_authorization() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [3; 32]);
    let first = registration.poll_request(t0).unwrap();
    let challenges = [
        (
            HeaderName::ProxyAuthenticate,
            r#"Digest realm="carrier.example", nonce="m", qop="auth", algorithm=MD5"#,
        ),
        (
            HeaderName::ProxyAuthenticate,
            r#"Digest realm="carrier.example", nonce="s", qop="auth", algorithm=SHA-256"#,
        ),
    ];
    registration.handle_response(t0, &reply(&first, 407, &challenges));
    let second = registration.poll_request(t0).unwrap();
    assert!(!second.headers.contains(&HeaderName::Authorization));
    let credentials = Credentials::parse(header(&second, HeaderName::ProxyAuthorization)).unwrap();
    assert_eq!(credentials.nonce, "s", "the stronger algorithm is chosen");
    assert_eq!(
        credentials.response,
        expected_response(&credentials, "s3cret", true)
    );
    registration.handle_response(t0, &reply(&second, 200, &[]));
    assert!(matches!(
        registration.state(),
        RegistrationState::Registered { expires: 600, .. }
    ));
}

#[test]
fn wrong_credentials_fail_after_two_answered_challenges() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [4; 32]);
    let mut sent = 0;
    while let Some(request) = registration.poll_request(t0) {
        sent += 1;
        let challenge = format!(r#"Digest realm="carrier.example", nonce="n{sent}", qop="auth""#);
        registration.handle_response(
            t0,
            &reply(&request, 401, &[(HeaderName::WwwAuthenticate, &challenge)]),
        );
    }
    assert_eq!(sent, 3, "the first REGISTER and two answers");
    let RegistrationState::Failed {
        status: Some(401),
        retry_at,
        reason,
    } = registration.state().clone()
    else {
        panic!("{:?}", registration.state())
    };
    assert_eq!(retry_at, t0 + secs(30));
    assert!(reason.contains("credentials"), "{reason}");
}

#[test]
fn a_challenge_for_another_realm_is_not_answered() {
    let t0 = Instant::now();
    let mut config = config(600);
    config.realm = Some("carrier.example".into());
    let mut registration = Registration::new(config, t0, [5; 32]);
    let first = registration.poll_request(t0).unwrap();
    let foreign = r#"Digest realm="evil.example", nonce="x", qop="auth""#;
    registration.handle_response(
        t0,
        &reply(&first, 401, &[(HeaderName::WwwAuthenticate, foreign)]),
    );
    assert!(registration.poll_request(t0).is_none());
    assert!(matches!(
        registration.state(),
        RegistrationState::Failed {
            status: Some(401),
            ..
        }
    ));
}

#[test]
fn failures_back_off_from_30_seconds_to_10_minutes_and_success_resets() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [6; 32]);
    let mut now = t0;
    let mut waits = Vec::new();
    for attempt in 0..8 {
        let request = registration.poll_request(now).unwrap();
        if attempt % 2 == 0 {
            registration.handle_response(now, &reply(&request, 503, &[]));
        } else {
            registration.transaction_failed(now);
        }
        let next = registration.poll_timeout().unwrap();
        waits.push((next - now).as_secs());
        assert!(registration.poll_request(next - secs(1)).is_none());
        now = next;
    }
    assert_eq!(waits, [30, 60, 120, 240, 480, 600, 600, 600]);
    let states = events(&mut registration);
    assert!(states.contains(&RegistrationState::Failed {
        status: None,
        reason: "no response from the registrar".into(),
        retry_at: t0 + secs(30 + 60),
    }));
    assert!(
        states.contains(&RegistrationState::Registering),
        "a retry says so"
    );

    let request = registration.poll_request(now).unwrap();
    registration.handle_response(now, &reply(&request, 200, &[]));
    assert!(matches!(
        registration.state(),
        RegistrationState::Registered { .. }
    ));
    let refresh_at = registration.poll_timeout().unwrap();
    let refresh = registration.poll_request(refresh_at).unwrap();
    registration.handle_response(refresh_at, &reply(&refresh, 500, &[]));
    assert_eq!(
        registration.poll_timeout(),
        Some(refresh_at + secs(30)),
        "backoff starts over"
    );
}

#[test]
fn retry_after_stretches_the_backoff_within_the_cap() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [7; 32]);
    let request = registration.poll_request(t0).unwrap();
    registration.handle_response(
        t0,
        &reply(&request, 503, &[(HeaderName::RetryAfter, "300")]),
    );
    assert_eq!(registration.poll_timeout(), Some(t0 + secs(300)));
    let request = registration.poll_request(t0 + secs(300)).unwrap();
    registration.handle_response(
        t0,
        &reply(&request, 503, &[(HeaderName::RetryAfter, "99999")]),
    );
    assert_eq!(registration.poll_timeout(), Some(t0 + secs(600)));
}

#[test]
fn a_423_raises_the_expiry_to_min_expires() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(60), t0, [8; 32]);
    let first = registration.poll_request(t0).unwrap();
    registration.handle_response(t0, &reply(&first, 423, &[(HeaderName::MinExpires, "1800")]));
    let second = registration.poll_request(t0).unwrap();
    assert_eq!(header(&second, HeaderName::CSeq), "2 REGISTER");
    assert_eq!(header(&second, HeaderName::Expires), "1800");
    assert!(header(&second, HeaderName::Contact).ends_with(";expires=1800"));
    registration.handle_response(t0, &reply(&second, 200, &[]));
    assert!(matches!(
        registration.state(),
        RegistrationState::Registered { expires: 1800, .. }
    ));
    // Refreshes keep asking for what the registrar accepts.
    let refresh = registration
        .poll_request(registration.poll_timeout().unwrap())
        .unwrap();
    assert_eq!(header(&refresh, HeaderName::Expires), "1800");
}

#[test]
fn a_423_without_a_usable_min_expires_is_a_failure() {
    for min_expires in [None, Some("30"), Some("soon"), Some("999999")] {
        let t0 = Instant::now();
        let mut registration = Registration::new(config(60), t0, [9; 32]);
        let first = registration.poll_request(t0).unwrap();
        let extra: Vec<_> = min_expires
            .map(|v| (HeaderName::MinExpires, v))
            .into_iter()
            .collect();
        registration.handle_response(t0, &reply(&first, 423, &extra));
        assert!(registration.poll_request(t0).is_none(), "{min_expires:?}");
        assert!(matches!(
            registration.state(),
            RegistrationState::Failed {
                status: Some(423),
                ..
            }
        ));
    }
}

#[test]
fn responses_to_other_requests_are_ignored() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [10; 32]);
    let first = registration.poll_request(t0).unwrap();
    let mut stray = reply(&first, 200, &[]);
    stray.headers.set(HeaderName::CSeq, "7 REGISTER");
    registration.handle_response(t0, &stray);
    let mut other_call = reply(&first, 200, &[]);
    other_call.headers.set(HeaderName::CallId, "someone-else");
    registration.handle_response(t0, &other_call);
    registration.handle_response(t0, &reply(&first, 100, &[]));
    assert_eq!(registration.state(), &RegistrationState::Registering);
    registration.handle_response(t0, &reply(&first, 200, &[]));
    assert!(matches!(
        registration.state(),
        RegistrationState::Registered { .. }
    ));
}

#[test]
fn a_200_that_keeps_no_binding_is_a_failure() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [11; 32]);
    let first = registration.poll_request(t0).unwrap();
    registration.handle_response(t0, &reply(&first, 200, &[(HeaderName::Expires, "0")]));
    assert!(matches!(
        registration.state(),
        RegistrationState::Failed {
            status: Some(200),
            ..
        }
    ));
}

#[test]
fn unregister_removes_the_binding_and_stops() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [12; 32]);
    let first = registration.poll_request(t0).unwrap();
    registration.handle_response(t0, &reply(&first, 200, &[]));
    registration.unregister();
    let removal = registration.poll_request(t0).unwrap();
    assert_eq!(header(&removal, HeaderName::Expires), "0");
    assert!(header(&removal, HeaderName::Contact).ends_with(";expires=0"));
    registration.handle_response(t0, &reply(&removal, 200, &[]));
    assert_eq!(registration.state(), &RegistrationState::Unregistered);
    assert_eq!(registration.poll_timeout(), None);
    assert!(registration.poll_request(t0 + secs(10_000)).is_none());
}

#[test]
fn unregister_during_a_register_waits_for_its_answer_then_removes() {
    let t0 = Instant::now();
    let mut registration = Registration::new(config(600), t0, [13; 32]);
    let first = registration.poll_request(t0).unwrap();
    registration.unregister();
    assert!(registration.poll_request(t0).is_none());
    registration.handle_response(t0, &reply(&first, 200, &[]));
    let removal = registration.poll_request(t0).unwrap();
    assert_eq!(header(&removal, HeaderName::Expires), "0");
    registration.handle_response(
        t0,
        &reply(
            &removal,
            401,
            &[(HeaderName::WwwAuthenticate, MD5_CHALLENGE)],
        ),
    );
    let answered = registration.poll_request(t0).unwrap();
    assert_eq!(header(&answered, HeaderName::Expires), "0");
    assert!(answered.headers.contains(&HeaderName::Authorization));
    registration.transaction_failed(t0);
    assert_eq!(registration.state(), &RegistrationState::Unregistered);
}

#[test]
fn refresh_and_retry_delays() {
    assert_eq!(refresh_delay(60), secs(30));
    assert_eq!(refresh_delay(120), secs(60));
    assert_eq!(refresh_delay(3600), secs(3540));
    assert_eq!(refresh_delay(1), Duration::from_millis(500));
    assert_eq!(retry_delay(1), secs(30));
    assert_eq!(retry_delay(2), secs(60));
    assert_eq!(retry_delay(5), secs(480));
    assert_eq!(retry_delay(6), MAX_RETRY_DELAY);
    assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
}
