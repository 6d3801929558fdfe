#![allow(clippy::unwrap_used)]

use super::*;
use crate::policy::{Approved, NumberType};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    outbound_trunk: Vec<OutboundTrunkConfig>,
}

fn parse(toml_text: &str) -> Vec<OutboundTrunkConfig> {
    toml::from_str::<File>(toml_text).unwrap().outbound_trunk
}

fn trunk(extra: &str) -> OutboundTrunk {
    let text = format!(
        "[[outbound_trunk]]\nname = \"out\"\nproxy = \"sip.carrier.example:5080\"\n\
         auth = {{ method = \"ip\" }}\ncaller_id = \"dial-in-number\"\nmax_concurrent_calls = 2\n{extra}"
    );
    OutboundTrunk::from_configs(parse(&text)).unwrap().remove(0)
}

fn approved(e164: &str, country: &str) -> Approved {
    Approved {
        e164: e164.to_owned(),
        country: country.parse().unwrap(),
        number_type: NumberType::FixedLine,
    }
}

#[test]
fn a_registering_trunk_parses_with_defaults() {
    let configs = parse(
        r#"
        [[outbound_trunk]]
        name = "carrier-out"
        proxy = "sip.carrier.example"
        transport = "tcp"
        auth = { method = "register", username = "acct1", password = "s3cret", realm = "carrier.example" }
        caller_id = { fixed = "+12025550100" }
        max_concurrent_calls = 30
        "#,
    );
    let trunk = OutboundTrunk::from_configs(configs).unwrap().remove(0);
    assert_eq!(
        trunk.proxy,
        ProxyAddress {
            host: "sip.carrier.example".into(),
            port: 5060
        }
    );
    assert_eq!(trunk.transport, Transport::Tcp);
    assert_eq!(trunk.number_format, NumberFormat::E164);
    assert_eq!(trunk.from_domain, "sip.carrier.example");
    let TrunkAuth::Register(register) = &trunk.auth else {
        panic!("{:?}", trunk.auth)
    };
    assert_eq!(register.expires, 3600);
    assert_eq!(register.realm.as_deref(), Some("carrier.example"));
    assert!(
        !format!("{register:?}").contains("s3cret"),
        "password must not be logged"
    );
}

#[test]
fn unknown_fields_are_refused_at_every_level() {
    let base = "[[outbound_trunk]]\nname = \"a\"\nproxy = \"h:5060\"\ncaller_id = \"dial-in-number\"\nmax_concurrent_calls = 1\n";
    let typo_top = format!("{base}auth = {{ method = \"ip\" }}\nmax_calls = 3\n");
    assert!(toml::from_str::<File>(&typo_top).is_err());
    let typo_auth = format!("{base}auth = {{ method = \"register\", username = \"u\", password = \"p\", expire = 60 }}\n");
    assert!(toml::from_str::<File>(&typo_auth).is_err());
    let unknown_method = format!("{base}auth = {{ method = \"token\" }}\n");
    assert!(toml::from_str::<File>(&unknown_method).is_err());
}

#[test]
fn validation_names_the_trunk_and_the_problem() {
    let config = |extra: &str, auth: &str| {
        parse(&format!(
            "[[outbound_trunk]]\nname = \"t\"\nproxy = \"h:5060\"\nauth = {auth}\n\
             caller_id = \"dial-in-number\"\nmax_concurrent_calls = 1\n{extra}"
        ))
    };
    let ip = "{ method = \"ip\" }";
    let cases: Vec<(Vec<OutboundTrunkConfig>, TrunkConfigError)> = vec![
        (
            config(
                "",
                "{ method = \"register\", username = \"\", password = \"p\" }",
            ),
            TrunkConfigError::InvalidCredentials { trunk: "t".into() },
        ),
        (
            config(
                "",
                "{ method = \"register\", username = \"u\", password = \"p\", expires = 10 }",
            ),
            TrunkConfigError::ExpiresTooShort {
                trunk: "t".into(),
                expires: 10,
            },
        ),
        (
            config("number_format = \"national\"", ip),
            TrunkConfigError::NationalNeedsCountry { trunk: "t".into() },
        ),
        (
            config("prefix = \"9;\"", ip),
            TrunkConfigError::InvalidPrefix {
                trunk: "t".into(),
                prefix: "9;".into(),
            },
        ),
        (
            config("from_domain = \"bad domain\"", ip),
            TrunkConfigError::InvalidFromDomain {
                trunk: "t".into(),
                domain: "bad domain".into(),
            },
        ),
    ];
    for (configs, expected) in cases {
        assert_eq!(OutboundTrunk::from_configs(configs).unwrap_err(), expected);
    }
    let mut zero = config("", ip);
    zero[0].max_concurrent_calls = 0;
    assert_eq!(
        OutboundTrunk::from_configs(zero).unwrap_err(),
        TrunkConfigError::NoCapacity { trunk: "t".into() }
    );
    let mut fixed = config("", ip);
    fixed[0].caller_id = CallerIdRule::Fixed("+1 999".into());
    assert!(matches!(
        OutboundTrunk::from_configs(fixed).unwrap_err(),
        TrunkConfigError::InvalidFixedCallerId { .. }
    ));
    for proxy in ["", "h:0", "h:port", "[::1", "a b:5060", "h:70000"] {
        let mut bad = config("", ip);
        bad[0].proxy = proxy.into();
        assert!(
            matches!(
                OutboundTrunk::from_configs(bad).unwrap_err(),
                TrunkConfigError::InvalidProxy { .. }
            ),
            "{proxy:?}"
        );
    }
    let mut twice = config("", ip);
    twice.push(twice[0].clone());
    assert_eq!(
        OutboundTrunk::from_configs(twice).unwrap_err(),
        TrunkConfigError::DuplicateName("t".into())
    );
}

#[test]
fn ipv6_proxies_are_bracketed_in_uris() {
    let mut t = trunk("");
    t.proxy = ProxyAddress {
        host: "2001:db8::1".into(),
        port: 5060,
    };
    assert_eq!(
        t.request_uri(&approved("+442079460000", "GB")),
        "sip:+442079460000@[2001:db8::1]:5060"
    );
    let configs = parse(
        "[[outbound_trunk]]\nname = \"v6\"\nproxy = \"[2001:db8::1]:5070\"\nauth = { method = \"ip\" }\n\
         caller_id = \"dial-in-number\"\nmax_concurrent_calls = 1\n",
    );
    let v6 = OutboundTrunk::from_configs(configs).unwrap().remove(0);
    assert_eq!(
        v6.proxy,
        ProxyAddress {
            host: "2001:db8::1".into(),
            port: 5070
        }
    );
}

#[test]
fn numbers_are_written_in_the_trunk_format() {
    let gb = approved("+442079460000", "GB");
    let us = approved("+12015550123", "US");
    assert_eq!(trunk("").dial_string(&gb), "+442079460000");
    assert_eq!(
        trunk("").request_uri(&gb),
        "sip:+442079460000@sip.carrier.example:5080"
    );
    assert_eq!(
        trunk("number_format = \"e164-digits\"").dial_string(&gb),
        "442079460000"
    );
    let us_national = trunk("number_format = \"national\"\ncountry = \"US\"");
    assert_eq!(us_national.dial_string(&us), "2015550123");
    assert_eq!(us_national.dial_string(&gb), "011442079460000");
    let gb_national = trunk("number_format = \"national\"\ncountry = \"GB\"\nprefix = \"9\"");
    assert_eq!(gb_national.dial_string(&gb), "902079460000");
    assert_eq!(gb_national.dial_string(&us), "90012015550123");
    let tech_prefix = trunk("number_format = \"e164-digits\"\nprefix = \"1234#\"");
    assert_eq!(tech_prefix.dial_string(&us), "1234#12015550123");
    assert_eq!(
        tech_prefix.request_uri(&us),
        "sip:1234%2312015550123@sip.carrier.example:5080"
    );
}

#[test]
fn caller_id_follows_the_rule() {
    let sources = CallerIdSources {
        dial_in_number: Some("+18005550199"),
        organizer_default: Some("+442079460000"),
    };
    let dial_in = trunk("").caller_id(sources).unwrap();
    assert_eq!(dial_in.e164, "+18005550199");
    assert_eq!(dial_in.from_uri, "sip:+18005550199@sip.carrier.example");
    assert_eq!(
        dial_in.p_asserted_identity,
        "<sip:+18005550199@sip.carrier.example;user=phone>"
    );

    let mut organizer = trunk("number_format = \"e164-digits\"\nfrom_domain = \"pbx.example\"");
    organizer.caller_id = CallerIdRule::OrganizerDefault;
    let id = organizer.caller_id(sources).unwrap();
    assert_eq!(id.from_uri, "sip:442079460000@pbx.example");
    assert_eq!(
        id.p_asserted_identity,
        "<sip:+442079460000@pbx.example;user=phone>"
    );

    let mut fixed = trunk("");
    fixed.caller_id = CallerIdRule::Fixed("+12025550100".into());
    assert_eq!(
        fixed.caller_id(CallerIdSources::default()).unwrap().e164,
        "+12025550100"
    );

    assert_eq!(
        trunk("").caller_id(CallerIdSources::default()),
        Err(CallerIdError::NoDialInNumber)
    );
    assert_eq!(
        organizer.caller_id(CallerIdSources::default()),
        Err(CallerIdError::NoOrganizerDefault)
    );
    let bad = CallerIdSources {
        dial_in_number: Some("12345"),
        organizer_default: None,
    };
    assert_eq!(
        trunk("").caller_id(bad),
        Err(CallerIdError::NotE164("12345".into()))
    );
}

#[test]
fn the_trunk_admits_calls_up_to_its_limit() {
    let t = trunk("");
    assert_eq!(t.admit_call(0), Ok(()));
    assert_eq!(t.admit_call(1), Ok(()));
    assert_eq!(t.admit_call(2), Err(TrunkFull { limit: 2 }));
}

#[test]
fn an_approved_number_becomes_the_endpoints_outgoing_call() {
    let configs = parse(
        r#"
        [[outbound_trunk]]
        name = "carrier-out"
        proxy = "sip.carrier.example:5070"
        auth = { method = "register", username = "acct1", password = "s3cret", expires = 600 }
        caller_id = "dial-in-number"
        max_concurrent_calls = 3
        "#,
    );
    let trunk = OutboundTrunk::from_configs(configs).unwrap().remove(0);
    let caller = trunk
        .caller_id(CallerIdSources {
            dial_in_number: Some("+18005550199"),
            organizer_default: None,
        })
        .unwrap();
    let destination = dialbridge_sip::endpoint::Peer::udp("127.0.0.1:5070".parse().unwrap());
    let call = trunk
        .outgoing_call(
            &approved("+442079460000", "GB"),
            &caller,
            destination,
            bytes::Bytes::from_static(b"v=0\r\n"),
        )
        .unwrap();
    assert_eq!(
        call.target.to_string(),
        "sip:+442079460000@sip.carrier.example:5070"
    );
    assert_eq!(
        call.from.uri.to_string(),
        "sip:+18005550199@sip.carrier.example"
    );
    assert_eq!(
        call.credentials.as_ref().map(|c| c.username.as_str()),
        Some("acct1")
    );
    assert_eq!(
        call.extra_headers[0].1,
        "<sip:+18005550199@sip.carrier.example;user=phone>"
    );

    let registration = trunk
        .registration_config("203.0.113.5", 5060)
        .unwrap()
        .unwrap();
    assert_eq!(
        registration.registrar.to_string(),
        "sip:sip.carrier.example"
    );
    assert_eq!(
        registration.aor.to_string(),
        "sip:acct1@sip.carrier.example"
    );
    assert_eq!(
        registration.contact.to_string(),
        "sip:acct1@203.0.113.5:5060"
    );
    assert_eq!(registration.expires, 600);
    assert!(trunk_ip_only()
        .registration_config("203.0.113.5", 5060)
        .is_none());
}

fn trunk_ip_only() -> OutboundTrunk {
    trunk("")
}

#[test]
fn a_digest_trunk_answers_challenges_on_invites_but_never_registers() {
    let configs = parse(
        r#"
        [[outbound_trunk]]
        name = "challenging"
        proxy = "127.0.0.1:5080"
        auth = { method = "digest", username = "dialout", password = "dialout-secret" }
        caller_id = { fixed = "+14155550199" }
        max_concurrent_calls = 1
        "#,
    );
    let trunk = OutboundTrunk::from_configs(configs).unwrap().remove(0);
    assert!(!format!("{trunk:?}").contains("dialout-secret"));
    assert!(trunk.registration_config("127.0.0.1", 5060).is_none());
    let caller = trunk.caller_id(CallerIdSources::default()).unwrap();
    let call = trunk
        .outgoing_call(
            &approved("+12015550123", "US"),
            &caller,
            dialbridge_sip::endpoint::Peer::udp("127.0.0.1:5080".parse().unwrap()),
            bytes::Bytes::from_static(b"v=0\r\n"),
        )
        .unwrap();
    let account = call.credentials.unwrap();
    assert_eq!(
        (account.username.as_str(), account.password.as_str()),
        ("dialout", "dialout-secret")
    );

    let empty = parse(
        "[[outbound_trunk]]\nname = \"t\"\nproxy = \"h\"\nauth = { method = \"digest\", username = \"\", password = \"p\" }\ncaller_id = \"dial-in-number\"\nmax_concurrent_calls = 1\n",
    );
    assert_eq!(
        OutboundTrunk::from_configs(empty),
        Err(TrunkConfigError::InvalidCredentials {
            trunk: "t".to_owned()
        })
    );
}
