//! Trunk configuration, admission and called-number tests.

use super::*;
use crate::auth::{
    select_challenge, AuthFailure, Challenge, DigestClient, DigestServer, DigestServerConfig,
};
use serde::Deserialize;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

const REALM: &str = "dialbridge.example.com";
const URI: &str = "sip:+14155550123@dialbridge.example.com";
const T0: u64 = 1_700_000_000;

#[derive(Deserialize)]
struct File {
    trunk: Vec<TrunkConfig>,
}

const TRUNKS_TOML: &str = r#"
[[trunk]]
name = "ip-only"
sources = ["203.0.113.0/24", "2001:db8:a::/48"]
default_country = "us"

[[trunk]]
name = "ip-and-password"
sources = ["198.51.100.7"]
username = "both"
password = "both-secret"
called_number_from = "to"
default_country = "GB"
strip_prefixes = ["1234#"]

[[trunk]]
name = "password-only"
username = "roamer"
password = "roamer-secret"
default_country = "DE"

[[trunk]]
name = "ip-only-narrow"
sources = ["203.0.113.128/25"]
default_country = "FR"
"#;

fn configs(toml_text: &str) -> Vec<TrunkConfig> {
    toml::from_str::<File>(toml_text).expect("valid TOML").trunk
}

fn auth() -> DigestServer {
    DigestServer::new(DigestServerConfig::new(
        REALM,
        b"another test secret of 32 bytes!".to_vec(),
    ))
    .expect("valid")
}

fn table() -> TrunkTable {
    TrunkTable::new(configs(TRUNKS_TOML), auth()).expect("valid trunks")
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("ip")
}

/// Fresh randomness per call, as the IO shell would give, so each challenge has its own nonce.
fn fresh_random() -> [u8; 16] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut random = [0; 16];
    random[..8].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    random
}

fn admit(table: &mut TrunkTable, source: &str, authorizations: &[&str]) -> Admission {
    table.admit(
        &InboundRequest {
            source: ip(source),
            method: "INVITE",
            request_uri: URI,
            authorizations,
        },
        T0,
        fresh_random(),
    )
}

fn name_of(table: &TrunkTable, admission: &Admission) -> String {
    match admission {
        Admission::Admitted { trunk, .. } => table.get(*trunk).expect("trunk").name().to_owned(),
        other => panic!("not admitted: {other:?}"),
    }
}

/// Runs the 401 round: asks, answers the strongest challenge as `user`/`password`.
fn answer_challenge(table: &mut TrunkTable, source: &str, user: &str, password: &str) -> String {
    let Admission::Challenge { www_authenticate } = admit(table, source, &[]) else {
        panic!("expected a challenge");
    };
    let challenge = select_challenge(www_authenticate.iter().map(String::as_str)).expect("usable");
    DigestClient {
        username: user,
        password,
    }
    .authorization(&challenge, "INVITE", URI, "cafebabe", 1)
    .expect("authorization")
}

#[test]
fn toml_shape_deserializes() {
    let table = table();
    let (_, trunk) = table.find_by_name("ip-and-password").expect("present");
    assert_eq!(trunk.username(), Some("both"));
    assert_eq!(trunk.sources(), &["198.51.100.7/32".parse().expect("net")]);
    assert_eq!(trunk.called_number_from(), CalledNumberFrom::To);
    assert_eq!(trunk.default_country(), "GB");
    assert_eq!(trunk.strip_prefixes(), ["1234#"]);
    let (_, ip_only) = table.find_by_name("ip-only").expect("present");
    assert_eq!(ip_only.called_number_from(), CalledNumberFrom::RequestUri);
    assert_eq!(ip_only.default_country(), "US");
    assert!(!format!("{trunk:?}").contains("secret"));
    assert!(!format!("{:?}", configs(TRUNKS_TOML)).contains("secret"));
}

#[test]
fn toml_typos_and_bad_sources_are_errors() {
    let typo = "[[trunk]]\nname = \"a\"\nsource = [\"10.0.0.0/8\"]\ndefault_country = \"US\"\n";
    assert!(toml::from_str::<File>(typo).is_err());
    let bad = "[[trunk]]\nname = \"a\"\nsources = [\"10.0.0.0/33\"]\ndefault_country = \"US\"\n";
    let error = toml::from_str::<File>(bad)
        .err()
        .expect("error")
        .to_string();
    assert!(error.contains("is not an IP address or CIDR"), "{error}");
    let wrong_enum = "[[trunk]]\nname = \"a\"\nsources = [\"10.0.0.1\"]\ndefault_country = \"US\"\ncalled_number_from = \"from\"\n";
    assert!(toml::from_str::<File>(wrong_enum).is_err());
}

#[test]
fn validation_names_the_problem() {
    let check = |toml_text: &str| TrunkTable::new(configs(toml_text), auth()).err();
    let one = |body: &str| check(&format!("[[trunk]]\n{body}\n"));

    assert_eq!(
        one("name = \" \"\nsources = [\"192.0.2.1\"]\ndefault_country = \"US\""),
        Some(ConfigError::EmptyName { index: 0 })
    );
    assert_eq!(
        check(
            "[[trunk]]\nname = \"a\"\nsources = [\"192.0.2.1\"]\ndefault_country = \"US\"\n\
             [[trunk]]\nname = \"a\"\nsources = [\"192.0.2.2\"]\ndefault_country = \"US\"\n"
        ),
        Some(ConfigError::DuplicateName("a".into()))
    );
    assert_eq!(
        one("name = \"a\"\ndefault_country = \"US\""),
        Some(ConfigError::NoWayToAdmit { trunk: "a".into() })
    );
    assert_eq!(
        one("name = \"a\"\nusername = \"u\"\ndefault_country = \"US\""),
        Some(ConfigError::IncompleteCredentials { trunk: "a".into() })
    );
    assert_eq!(
        one("name = \"a\"\nusername = \"u\"\npassword = \"\"\ndefault_country = \"US\""),
        Some(ConfigError::InvalidCredentials { trunk: "a".into() })
    );
    assert_eq!(
        check(
            "[[trunk]]\nname = \"a\"\nusername = \"u\"\npassword = \"p\"\ndefault_country = \"US\"\n\
             [[trunk]]\nname = \"b\"\nusername = \"u\"\npassword = \"q\"\ndefault_country = \"US\"\n"
        ),
        Some(ConfigError::DuplicateUsername {
            username: "u".into(),
            first: "a".into(),
            second: "b".into()
        })
    );
    assert_eq!(
        check(
            "[[trunk]]\nname = \"a\"\nsources = [\"192.0.2.0/24\"]\ndefault_country = \"US\"\n\
             [[trunk]]\nname = \"b\"\nsources = [\"192.0.2.0/24\"]\ndefault_country = \"US\"\n"
        ),
        Some(ConfigError::DuplicateSource {
            net: "192.0.2.0/24".parse().expect("net"),
            first: "a".into(),
            second: "b".into()
        })
    );
    assert_eq!(
        one("name = \"a\"\nsources = [\"192.0.2.5/24\"]\ndefault_country = \"US\""),
        Some(ConfigError::SourceHasHostBits {
            trunk: "a".into(),
            net: "192.0.2.5/24".parse().expect("net"),
            network: "192.0.2.0/24".parse().expect("net"),
        })
    );
    assert!(matches!(
        one("name = \"a\"\nsources = [\"0.0.0.0/0\"]\ndefault_country = \"US\""),
        Some(ConfigError::OpenToEveryone { .. })
    ));
    assert!(one(
        "name = \"a\"\nsources = [\"0.0.0.0/0\"]\nusername = \"u\"\npassword = \"p\"\ndefault_country = \"US\""
    )
    .is_none());
    for code in ["UK", "USA", "", "zz"] {
        assert_eq!(
            one(&format!(
                "name = \"a\"\nsources = [\"192.0.2.1\"]\ndefault_country = \"{code}\""
            )),
            Some(ConfigError::UnknownCountry {
                trunk: "a".into(),
                code: code.into()
            }),
            "{code}"
        );
    }
    assert_eq!(
        one("name = \"a\"\nsources = [\"192.0.2.1\"]\ndefault_country = \"US\"\nstrip_prefixes = [\"ab\"]"),
        Some(ConfigError::InvalidStripPrefix {
            trunk: "a".into(),
            prefix: "ab".into()
        })
    );
}

#[test]
fn ip_only_trunk_admits_by_address_most_specific_first() {
    let mut table = table();
    let admitted = admit(&mut table, "203.0.113.5", &[]);
    assert_eq!(name_of(&table, &admitted), "ip-only");
    assert_eq!(
        admitted,
        Admission::Admitted {
            trunk: table.find_by_name("ip-only").expect("present").0,
            authenticated_as: None
        }
    );
    let narrow = admit(&mut table, "203.0.113.200", &[]);
    assert_eq!(name_of(&table, &narrow), "ip-only-narrow");
    let v6 = admit(&mut table, "2001:db8:a::99", &[]);
    assert_eq!(name_of(&table, &v6), "ip-only");
    let mapped = admit(&mut table, "::ffff:203.0.113.5", &[]);
    assert_eq!(name_of(&table, &mapped), "ip-only");
    // Credentials are irrelevant to an address-only trunk, even garbage ones.
    let with_garbage = admit(&mut table, "203.0.113.5", &["Digest nonsense"]);
    assert_eq!(name_of(&table, &with_garbage), "ip-only");
}

#[test]
fn trunk_with_address_and_password_needs_both() {
    let mut table = table();
    assert!(matches!(
        admit(&mut table, "198.51.100.7", &[]),
        Admission::Challenge { .. }
    ));
    let authorization = answer_challenge(&mut table, "198.51.100.7", "both", "both-secret");
    let admitted = admit(&mut table, "198.51.100.7", &[&authorization]);
    assert_eq!(name_of(&table, &admitted), "ip-and-password");
    assert!(matches!(
        admitted,
        Admission::Admitted { authenticated_as: Some(ref u), .. } if u == "both"
    ));

    // The same valid credentials from elsewhere: that trunk's username is not usable
    // from an unlisted address.
    let authorization = answer_challenge(&mut table, "192.0.2.1", "both", "both-secret");
    assert_eq!(
        admit(&mut table, "192.0.2.1", &[&authorization]),
        Admission::Forbidden {
            reason: Refusal::Credentials(AuthFailure::UnknownUser {
                username: "both".into()
            })
        }
    );

    let wrong = answer_challenge(&mut table, "198.51.100.7", "both", "guess");
    assert!(matches!(
        admit(&mut table, "198.51.100.7", &[&wrong]),
        Admission::Forbidden {
            reason: Refusal::Credentials(AuthFailure::WrongResponse { .. })
        }
    ));
}

#[test]
fn password_only_trunk_accepts_any_source() {
    let mut table = table();
    let Admission::Challenge { www_authenticate } = admit(&mut table, "192.0.2.77", &[]) else {
        panic!("expected a challenge");
    };
    let algorithms: Vec<_> = www_authenticate
        .iter()
        .map(|v| Challenge::parse(v).expect("parses").algorithm.to_string())
        .collect();
    assert_eq!(algorithms, ["SHA-256", "MD5"]);

    let authorization = answer_challenge(&mut table, "192.0.2.77", "roamer", "roamer-secret");
    let admitted = admit(&mut table, "192.0.2.77", &[&authorization]);
    assert_eq!(name_of(&table, &admitted), "password-only");

    // Also from the address of a trunk that has credentials of its own.
    let authorization = answer_challenge(&mut table, "198.51.100.7", "roamer", "roamer-secret");
    let admitted = admit(&mut table, "198.51.100.7", &[&authorization]);
    assert_eq!(name_of(&table, &admitted), "password-only");
}

#[test]
fn unknown_source_without_credential_trunks_is_forbidden_without_challenge() {
    let only_ip =
        "[[trunk]]\nname = \"a\"\nsources = [\"192.0.2.0/24\"]\ndefault_country = \"US\"\n";
    let mut table = TrunkTable::new(configs(only_ip), auth()).expect("valid");
    assert_eq!(
        admit(&mut table, "198.51.100.1", &[]),
        Admission::Forbidden {
            reason: Refusal::UnknownSource
        }
    );
}

#[test]
fn stale_and_foreign_realm_credentials_get_challenged() {
    let mut table = table();
    let authorization = answer_challenge(&mut table, "192.0.2.77", "roamer", "roamer-secret");
    let later = table.admit(
        &InboundRequest {
            source: ip("192.0.2.77"),
            method: "INVITE",
            request_uri: URI,
            authorizations: &[&authorization],
        },
        T0 + 3600,
        [6; 16],
    );
    let Admission::Challenge { www_authenticate } = later else {
        panic!("expected a stale challenge, got {later:?}");
    };
    assert!(www_authenticate
        .iter()
        .all(|v| Challenge::parse(v).is_ok_and(|c| c.stale)));

    let foreign = "Digest username=\"roamer\", realm=\"carrier.example.net\", nonce=\"x\", \
                   uri=\"sip:a@b\", response=\"00\"";
    assert!(matches!(
        admit(&mut table, "192.0.2.77", &[foreign]),
        Admission::Challenge { .. }
    ));
    // Ours is found among several.
    let authorization = answer_challenge(&mut table, "192.0.2.77", "roamer", "roamer-secret");
    let admitted = admit(&mut table, "192.0.2.77", &[foreign, &authorization]);
    assert_eq!(name_of(&table, &admitted), "password-only");
}

#[test]
fn garbage_credentials_are_forbidden() {
    let mut table = table();
    assert!(matches!(
        admit(&mut table, "192.0.2.77", &["Digest username=\"roamer\""]),
        Admission::Forbidden {
            reason: Refusal::Credentials(AuthFailure::Malformed(_))
        }
    ));
    assert!(matches!(
        admit(&mut table, "192.0.2.77", &["\u{7f}\u{0}garbage"]),
        Admission::Forbidden { .. }
    ));
}

#[test]
fn ack_and_cancel_are_never_challenged() {
    let mut table = table();
    for method in ["ACK", "CANCEL"] {
        let verdict = table.admit(
            &InboundRequest {
                source: ip("192.0.2.77"),
                method,
                request_uri: URI,
                authorizations: &[],
            },
            T0,
            [1; 16],
        );
        assert_eq!(
            verdict,
            Admission::Forbidden {
                reason: Refusal::NotChallengeable {
                    method: method.into()
                }
            }
        );
        let by_address = table.admit(
            &InboundRequest {
                source: ip("203.0.113.5"),
                method,
                request_uri: URI,
                authorizations: &[],
            },
            T0,
            [1; 16],
        );
        assert!(matches!(by_address, Admission::Admitted { .. }));
    }
}

#[test]
fn called_numbers_normalize_per_trunk() {
    let table = table();
    let trunk = |name: &str| table.find_by_name(name).expect("present").1;
    let e164 = |name: &str, user: &str| {
        normalize_called_number(trunk(name), user)
            .map(|n| n.to_string())
            .map_err(|e| e.to_string())
    };
    assert_eq!(e164("ip-only", "4155550123"), Ok("+14155550123".into()));
    assert_eq!(e164("ip-only", "14155550123"), Ok("+14155550123".into()));
    assert_eq!(
        e164("ip-only", "+44 20 7946 0000"),
        Ok("+442079460000".into())
    );
    assert_eq!(
        e164("password-only", "00442079460000"),
        Ok("+442079460000".into())
    );
    assert_eq!(
        e164("ip-only-narrow", "01 23 45 67 89"),
        Ok("+33123456789".into())
    );
    assert_eq!(
        e164("ip-and-password", "1234#02079460000"),
        Ok("+442079460000".into())
    );
    assert_eq!(
        normalize_called_number(trunk("ip-only"), "alice"),
        Err(NumberError::NotANumber {
            input: "alice".into()
        })
    );
}
