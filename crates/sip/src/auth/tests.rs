//! Client → server round trips and the failure cases of verification.

use super::*;

const REALM: &str = "dialbridge.example.com";
const SECRET: &[u8] = b"a test secret of thirty-two byte";
const URI: &str = "sip:+14155550123@dialbridge.example.com";
const T0: u64 = 1_700_000_000;

fn server() -> DigestServer {
    DigestServer::new(DigestServerConfig::new(REALM, SECRET)).expect("valid config")
}

fn carrier() -> DigestClient<'static> {
    DigestClient {
        username: "carrier-a",
        password: "correct horse",
    }
}

fn lookup(username: &str) -> Option<&'static str> {
    (username == "carrier-a").then_some("correct horse")
}

/// The client answers the challenge it prefers among those `server` issued at `at`.
fn answer(
    server: &DigestServer,
    client: &DigestClient<'_>,
    at: u64,
    pick: impl Fn(&[String]) -> Challenge,
) -> String {
    let challenges = server.challenge(at, [9; 16]);
    let challenge = pick(&challenges);
    client
        .authorization(&challenge, "INVITE", URI, "0a4f113b", 1)
        .expect("authorization")
}

fn strongest(values: &[String]) -> Challenge {
    select_challenge(values.iter().map(String::as_str)).expect("usable")
}

fn md5_only(values: &[String]) -> Challenge {
    values
        .iter()
        .filter_map(|v| Challenge::parse(v).ok())
        .find(|c| c.algorithm == Algorithm::Md5)
        .expect("md5 offered")
}

#[test]
fn challenge_offers_sha256_then_md5_with_qop_auth() {
    let values = server().challenge(T0, [1; 16]);
    assert_eq!(values.len(), 2);
    let first = Challenge::parse(&values[0]).expect("parses");
    let second = Challenge::parse(&values[1]).expect("parses");
    assert_eq!(first.algorithm, Algorithm::Sha256);
    assert_eq!(second.algorithm, Algorithm::Md5);
    assert_eq!(first.realm, REALM);
    assert_eq!(first.qop_options, Some(vec!["auth".to_owned()]));
    assert!(!first.stale);
    assert!(values[0].starts_with("Digest realm=\"dialbridge.example.com\", nonce=\""));
    assert!(values[0].ends_with("\", algorithm=SHA-256, qop=\"auth\""));
}

#[test]
fn round_trip_sha256() {
    let mut server = server();
    let authorization = answer(&server, &carrier(), T0, strongest);
    assert!(authorization.contains("algorithm=SHA-256"));
    let ok = server
        .verify("INVITE", URI, &authorization, T0 + 1, lookup)
        .expect("authenticates");
    assert_eq!(ok.username, "carrier-a");
    assert_eq!(ok.algorithm, Algorithm::Sha256);
    assert_eq!(ok.nonce_issued_at, T0);
}

#[test]
fn round_trip_md5() {
    let mut server = server();
    let authorization = answer(&server, &carrier(), T0, md5_only);
    let ok = server
        .verify("INVITE", URI, &authorization, T0 + 1, lookup)
        .expect("authenticates");
    assert_eq!(ok.algorithm, Algorithm::Md5);
}

#[test]
fn round_trip_sha512_256_sess_when_configured() {
    let mut config = DigestServerConfig::new(REALM, SECRET);
    config.algorithms = vec![Algorithm::Sha512_256Sess, Algorithm::Md5Sess];
    let mut server = DigestServer::new(config).expect("valid");
    let authorization = answer(&server, &carrier(), T0, strongest);
    let ok = server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .expect("authenticates");
    assert_eq!(ok.algorithm, Algorithm::Sha512_256Sess);
}

#[test]
fn wrong_password_is_rejected() {
    let mut server = server();
    let intruder = DigestClient {
        username: "carrier-a",
        password: "guess",
    };
    let authorization = answer(&server, &intruder, T0, strongest);
    let failure = server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .expect_err("refused");
    assert_eq!(
        failure,
        AuthFailure::WrongResponse {
            username: "carrier-a".into()
        }
    );
    assert_eq!(failure.remedy(), Remedy::Reject);
}

#[test]
fn unknown_user_is_rejected() {
    let mut server = server();
    let stranger = DigestClient {
        username: "mallory",
        password: "correct horse",
    };
    let authorization = answer(&server, &stranger, T0, strongest);
    let failure = server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .expect_err("refused");
    assert!(matches!(failure, AuthFailure::UnknownUser { .. }));
    assert_eq!(failure.remedy(), Remedy::Reject);
}

#[test]
fn wrong_realm_gets_a_fresh_challenge() {
    let mut server = server();
    let mut challenge = strongest(&server.challenge(T0, [1; 16]));
    challenge.realm = "carrier.example.net".into();
    let authorization = carrier()
        .authorization(&challenge, "INVITE", URI, "c", 1)
        .expect("authorization");
    let failure = server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .expect_err("refused");
    assert_eq!(
        failure,
        AuthFailure::WrongRealm {
            realm: "carrier.example.net".into()
        }
    );
    assert_eq!(failure.remedy(), Remedy::Challenge { stale: false });
}

#[test]
fn tampered_nonce_is_invalid_not_stale() {
    let mut server = server();
    let mut challenge = strongest(&server.challenge(T0, [1; 16]));
    // Claim a later issue time to stretch the nonce's life: the MAC catches it.
    challenge
        .nonce
        .replace_range(0..16, &format!("{:016x}", T0 + 3600));
    let authorization = carrier()
        .authorization(&challenge, "INVITE", URI, "c", 1)
        .expect("authorization");
    let failure = server
        .verify("INVITE", URI, &authorization, T0 + 3600, lookup)
        .expect_err("refused");
    assert_eq!(failure, AuthFailure::InvalidNonce);
    assert_eq!(failure.remedy(), Remedy::Challenge { stale: false });

    let other_node = DigestServer::new(DigestServerConfig::new(
        REALM,
        b"some other secret, 32 bytes long".to_vec(),
    ))
    .expect("valid");
    let foreign = answer(&other_node, &carrier(), T0, strongest);
    assert_eq!(
        server.verify("INVITE", URI, &foreign, T0, lookup),
        Err(AuthFailure::InvalidNonce)
    );
}

#[test]
fn expired_nonce_with_right_password_is_stale() {
    let mut server = server();
    let authorization = answer(&server, &carrier(), T0, strongest);
    let failure = server
        .verify("INVITE", URI, &authorization, T0 + 301, lookup)
        .expect_err("refused");
    assert!(matches!(failure, AuthFailure::StaleNonce { .. }));
    assert_eq!(failure.remedy(), Remedy::Challenge { stale: true });
    // At exactly the lifetime it is still good.
    assert!(server
        .verify("INVITE", URI, &authorization, T0 + 300, lookup)
        .is_ok());

    let stale_challenge = server.challenge_with_stale(T0 + 301, [2; 16], true);
    assert!(stale_challenge
        .iter()
        .all(|v| Challenge::parse(v).is_ok_and(|c| c.stale)));
}

#[test]
fn expired_nonce_with_wrong_password_is_not_stale() {
    let mut server = server();
    let intruder = DigestClient {
        username: "carrier-a",
        password: "guess",
    };
    let authorization = answer(&server, &intruder, T0, strongest);
    assert!(matches!(
        server.verify("INVITE", URI, &authorization, T0 + 301, lookup),
        Err(AuthFailure::WrongResponse { .. })
    ));
}

#[test]
fn replayed_nonce_count_is_refused_and_next_count_accepted() {
    let mut server = server();
    let challenge = strongest(&server.challenge(T0, [1; 16]));
    let first = carrier()
        .authorization(&challenge, "INVITE", URI, "c1", 1)
        .expect("authorization");
    assert!(server.verify("INVITE", URI, &first, T0, lookup).is_ok());
    let replay = server
        .verify("INVITE", URI, &first, T0 + 1, lookup)
        .expect_err("replay refused");
    assert!(matches!(replay, AuthFailure::Replayed { .. }));
    assert_eq!(replay.remedy(), Remedy::Challenge { stale: true });

    let second = carrier()
        .authorization(&challenge, "BYE", URI, "c2", 2)
        .expect("authorization");
    assert!(server.verify("BYE", URI, &second, T0 + 2, lookup).is_ok());
}

#[test]
fn replay_tracking_can_be_turned_off() {
    let mut config = DigestServerConfig::new(REALM, SECRET);
    config.replay_tracking_capacity = 0;
    let mut server = DigestServer::new(config).expect("valid");
    let authorization = answer(&server, &carrier(), T0, strongest);
    assert!(server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .is_ok());
    assert!(server
        .verify("INVITE", URI, &authorization, T0, lookup)
        .is_ok());
}

#[test]
fn response_is_bound_to_method_and_request_uri() {
    let mut server = server();
    let authorization = answer(&server, &carrier(), T0, strongest);
    assert!(matches!(
        server.verify("REGISTER", URI, &authorization, T0, lookup),
        Err(AuthFailure::WrongResponse { .. })
    ));
    assert_eq!(
        server.verify(
            "INVITE",
            "sip:+442079460000@dialbridge.example.com",
            &authorization,
            T0,
            lookup
        ),
        Err(AuthFailure::UriMismatch {
            digest_uri: URI.into()
        })
    );
    // Case of scheme and host does not matter.
    assert!(server
        .verify("INVITE", &URI.to_uppercase(), &authorization, T0, lookup)
        .is_ok());
}

#[test]
fn no_qop_is_refused_by_default_and_single_use_when_allowed() {
    let challenge_without_qop = |server: &DigestServer| {
        let mut c = strongest(&server.challenge(T0, [1; 16]));
        c.qop_options = None;
        c
    };
    let mut strict = server();
    let legacy = carrier()
        .authorization(&challenge_without_qop(&strict), "INVITE", URI, "", 0)
        .expect("authorization");
    assert!(!legacy.contains("qop"));
    let failure = strict
        .verify("INVITE", URI, &legacy, T0, lookup)
        .expect_err("refused");
    assert_eq!(failure, AuthFailure::QopRequired);

    let mut config = DigestServerConfig::new(REALM, SECRET);
    config.allow_no_qop = true;
    let mut lenient = DigestServer::new(config).expect("valid");
    assert!(lenient.verify("INVITE", URI, &legacy, T0, lookup).is_ok());
    assert!(matches!(
        lenient.verify("INVITE", URI, &legacy, T0, lookup),
        Err(AuthFailure::Replayed { .. })
    ));
}

#[test]
fn algorithm_not_offered_is_refused() {
    let mut config = DigestServerConfig::new(REALM, SECRET);
    config.algorithms = vec![Algorithm::Sha256];
    let mut sha_only = DigestServer::new(config).expect("valid");
    let mut challenge = strongest(&sha_only.challenge(T0, [1; 16]));
    challenge.algorithm = Algorithm::Md5;
    let authorization = carrier()
        .authorization(&challenge, "INVITE", URI, "c", 1)
        .expect("authorization");
    assert_eq!(
        sha_only.verify("INVITE", URI, &authorization, T0, lookup),
        Err(AuthFailure::AlgorithmNotOffered(Algorithm::Md5))
    );
}

#[test]
fn garbage_headers_are_malformed_never_panics() {
    let mut server = server();
    for garbage in [
        "",
        "Basic Zm9vOmJhcg==",
        "Digest",
        "Digest username=",
        "Digest username=\"carrier-a\", realm=\"dialbridge.example.com\"",
        "Digest username=\"a\", realm=\"b\", nonce=\"c\", uri=\"d\", response=\"e\", qop=auth, nc=zz, cnonce=\"f\"",
        "\u{0}\u{1}\u{2}",
        "Digest realm=\"\\",
    ] {
        let failure = server
            .verify("INVITE", URI, garbage, T0, lookup)
            .expect_err(garbage);
        assert!(
            matches!(failure, AuthFailure::Malformed(_)),
            "{garbage:?}: {failure:?}"
        );
        assert_eq!(failure.remedy(), Remedy::Reject);
    }
    // A syntactically fine header whose nonce is not ours.
    assert_eq!(
        server.verify(
            "INVITE",
            URI,
            "Digest username=\"carrier-a\", realm=\"dialbridge.example.com\", nonce=\"xyz\", \
             uri=\"sip:+14155550123@dialbridge.example.com\", response=\"00\", qop=auth, \
             nc=00000001, cnonce=\"c\", algorithm=SHA-256",
            T0,
            lookup
        ),
        Err(AuthFailure::InvalidNonce)
    );
}

#[test]
fn server_config_is_validated() {
    let bad = |change: fn(&mut DigestServerConfig)| {
        let mut config = DigestServerConfig::new(REALM, SECRET);
        change(&mut config);
        DigestServer::new(config).expect_err("invalid")
    };
    assert_eq!(bad(|c| c.realm.clear()), ServerConfigError::InvalidRealm);
    assert_eq!(
        bad(|c| c.realm = "a\r\nb".into()),
        ServerConfigError::InvalidRealm
    );
    assert_eq!(
        bad(|c| c.secret.truncate(8)),
        ServerConfigError::SecretTooShort(8)
    );
    assert_eq!(
        bad(|c| c.algorithms.clear()),
        ServerConfigError::NoAlgorithms
    );
    assert_eq!(
        bad(|c| c.algorithms.push(Algorithm::Md5)),
        ServerConfigError::DuplicateAlgorithm(Algorithm::Md5)
    );
    assert_eq!(
        bad(|c| c.nonce_lifetime_secs = 0),
        ServerConfigError::ZeroNonceLifetime
    );
    let debug = format!("{:?}", DigestServerConfig::new(REALM, SECRET));
    assert!(!debug.contains("thirty-two"));
}

#[test]
fn client_picks_strongest_supported_challenge() {
    let md5 = "Digest realm=\"carrier\", nonce=\"n1\", qop=\"auth\"";
    let sha = "Digest realm=\"carrier\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth,auth-int\"";
    let unknown = "Digest realm=\"carrier\", nonce=\"n3\", algorithm=SHA3-512";
    let auth_int_only =
        "Digest realm=\"carrier\", nonce=\"n4\", algorithm=SHA-512-256, qop=\"auth-int\"";
    let chosen = select_challenge([md5, unknown, auth_int_only, sha]).expect("usable");
    assert_eq!(chosen.algorithm, Algorithm::Sha256);
    assert_eq!(chosen.nonce, "n2");
    let chosen = select_challenge([md5, "Digest realm=\"carrier\", nonce=\"n5\""]).expect("usable");
    assert_eq!(chosen.nonce, "n1", "ties go to the first listed");

    match select_challenge([unknown, "Basic realm=\"x\"", auth_int_only]) {
        Err(ClientError::NoUsableChallenge { reasons }) => assert_eq!(reasons.len(), 3),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        select_challenge([]),
        Err(ClientError::NoUsableChallenge { .. })
    ));
}

#[test]
fn client_reproduces_rfc2617_and_rfc7616_headers() {
    let mufasa = DigestClient {
        username: "Mufasa",
        password: "Circle Of Life",
    };
    let challenge = Challenge::parse(
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    )
    .expect("parses");
    let credentials = mufasa
        .credentials(&challenge, "GET", "/dir/index.html", "0a4f113b", 1)
        .expect("credentials");
    assert_eq!(credentials.response, "6629fae49393a05397450978507c4ef1");
    assert_eq!(
        credentials.opaque.as_deref(),
        Some("5ccc069c403ebaf9f0171e9517f40e41")
    );
    assert_eq!(
        credentials.qop.as_ref().map(|q| q.nc_text.as_str()),
        Some("00000001")
    );

    let mufasa = DigestClient {
        username: "Mufasa",
        password: "Circle of Life",
    };
    let sha = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, \
        nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    let md5 = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, \
        nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    let chosen = select_challenge([md5, sha]).expect("usable");
    let header = mufasa
        .authorization(
            &chosen,
            "GET",
            "/dir/index.html",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            1,
        )
        .expect("authorization");
    assert!(header
        .contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""));
    assert!(header.contains("algorithm=SHA-256"));
    assert!(header.contains("qop=auth, nc=00000001"));
}

#[test]
fn client_refuses_bad_input() {
    let challenge = Challenge::parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"").expect("ok");
    let client = carrier();
    assert_eq!(
        client.authorization(&challenge, "INVITE", URI, "c", 0),
        Err(ClientError::ZeroNonceCount)
    );
    assert_eq!(
        client.authorization(&challenge, "INVITE", URI, "", 1),
        Err(ClientError::InvalidInput("cnonce"))
    );
    assert_eq!(
        client.authorization(&challenge, "INVITE", "sip:a\r\nX: y", "c", 1),
        Err(ClientError::InvalidInput("request URI"))
    );
    let evil = DigestClient {
        username: "a\"\r\nVia: x",
        password: "p",
    };
    assert_eq!(
        evil.authorization(&challenge, "INVITE", URI, "c", 1),
        Err(ClientError::InvalidInput("username"))
    );
    assert!(!format!("{client:?}").contains("horse"));
}

/// A cheap deterministic fuzz: random strings over the characters that matter to the
/// grammar must never panic any parser or the verifier.
#[test]
fn random_header_values_never_panic() {
    const ALPHABET: &[&str] = &[
        "Digest ",
        "digest",
        " ",
        "\t",
        "\r\n ",
        "\r",
        "\n",
        ",",
        "=",
        "\"",
        "\\",
        "realm",
        "nonce",
        "uri",
        "response",
        "qop",
        "nc",
        "cnonce",
        "algorithm",
        "SHA-256",
        "MD5-sess",
        "auth",
        "00000001",
        "username",
        "username*",
        "stale",
        "ü",
        "\u{0}",
        "a",
        "0",
    ];
    let mut server = server();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut value = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 24) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            value.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
        }
        let _ = Challenge::parse(&value);
        let _ = Credentials::parse(&value);
        let _ = select_challenge([value.as_str()]);
        let _ = server.verify("INVITE", URI, &value, T0, lookup);
    }
}
