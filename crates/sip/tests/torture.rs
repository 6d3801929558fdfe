//! RFC 4475 torture messages. Every file named in INDEX.tsv is a test case below; the
//! `index_is_fully_covered` test fails if one is added without a case.
//!
//! Valid messages must parse and show the trick that makes them tortuous. Invalid ones
//! must be refused by `parse_message` or `validate_request` for the reason the RFC gives.
//! Application-level cases assert what the RFC says the response is.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use bytes::Bytes;
use dialbridge_sip::message::*;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/sip-torture/rfc4475")
}

fn load(file: &str) -> Bytes {
    let path = corpus_dir().join(file);
    Bytes::from(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn request(file: &str) -> Request {
    match parse_message(load(file)) {
        Ok(Message::Request(r)) => r,
        other => panic!("{file}: expected a request, got {other:?}"),
    }
}

fn valid_request(file: &str) -> Request {
    let r = request(file);
    assert_eq!(validate_request(&r), Ok(()), "{file}");
    r
}

fn response(file: &str) -> Response {
    match parse_message(load(file)) {
        Ok(Message::Response(r)) => r,
        other => panic!("{file}: expected a response, got {other:?}"),
    }
}

fn parse_error(file: &str) -> ParseError {
    parse_message(load(file)).expect_err(file)
}

fn validation_error(file: &str) -> ParseError {
    validate_request(&request(file)).expect_err(file)
}

fn name_addr(r: &Request, name: HeaderName) -> NameAddr {
    NameAddr::parse(r.headers.get(&name).unwrap()).unwrap()
}

fn all_vias(h: &Headers) -> Vec<Via> {
    vias(h).unwrap()
}

/// Files covered by a test below, by name.
const COVERED: &[&str] = &[
    "wsinv.dat",
    "intmeth.dat",
    "esc01.dat",
    "escnull.dat",
    "esc02.dat",
    "lwsdisp.dat",
    "longreq.dat",
    "dblreq.dat",
    "semiuri.dat",
    "transports.dat",
    "mpart01.dat",
    "unreason.dat",
    "noreason.dat",
    "badinv01.dat",
    "clerr.dat",
    "ncl.dat",
    "scalar02.dat",
    "scalarlg.dat",
    "quotbal.dat",
    "ltgtruri.dat",
    "lwsruri.dat",
    "lwsstart.dat",
    "trws.dat",
    "escruri.dat",
    "baddate.dat",
    "regbadct.dat",
    "badaspec.dat",
    "baddn.dat",
    "badvers.dat",
    "mismatch01.dat",
    "mismatch02.dat",
    "bigcode.dat",
    "badbranch.dat",
    "insuf.dat",
    "unkscm.dat",
    "novelsc.dat",
    "unksm2.dat",
    "bext01.dat",
    "invut.dat",
    "regaut01.dat",
    "multi01.dat",
    "mcl01.dat",
    "bcast.dat",
    "zeromf.dat",
    "cparam01.dat",
    "cparam02.dat",
    "regescrt.dat",
    "sdp01.dat",
    "inv2543.dat",
    "test.dat",
];

fn index_files() -> Vec<String> {
    let index = std::fs::read_to_string(corpus_dir().join("INDEX.tsv")).unwrap();
    index
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn index_is_fully_covered() {
    let files = index_files();
    assert!(files.len() >= 49, "INDEX.tsv looks truncated");
    for file in &files {
        assert!(COVERED.contains(&file.as_str()), "{file} has no test case");
    }
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".dat") {
            assert!(files.contains(&name), "{name} is not in INDEX.tsv");
        }
    }
}

/// Nothing panics on any prefix of any message, whichever entry point gets it.
#[test]
fn every_truncation_is_handled_without_panic() {
    for file in index_files() {
        let data = load(&file);
        for end in 0..=data.len() {
            let prefix = data.slice(..end);
            if let Ok(Message::Request(r)) = parse_message(prefix.clone()) {
                let _ = validate_request(&r);
            }
            let _ = parse_for_error_reply(&prefix);
            let mut framer = StreamFramer::new(64 * 1024);
            framer.push(&prefix);
            while let Some(Ok(frame)) = framer.next_message() {
                let _ = parse_message(frame);
            }
        }
    }
}

/// Content-Length as serialization writes it: one line with the real body length.
fn normalise_content_length(mut message: Message) -> Message {
    let (headers, length) = match &mut message {
        Message::Request(r) => (&mut r.headers, r.body.len()),
        Message::Response(r) => (&mut r.headers, r.body.len()),
    };
    headers.set(HeaderName::ContentLength, length.to_string());
    message
}

/// parse(serialize(parse(x))) == parse(x) for every message that parses, up to the
/// Content-Length that serialization always writes (inv2543 has none).
#[test]
fn every_parsable_message_round_trips() {
    for file in index_files() {
        if let Ok(message) = parse_message(load(&file)) {
            let again = parse_message(message.to_bytes()).unwrap();
            assert_eq!(again, normalise_content_length(message), "{file}");
            assert_eq!(parse_message(again.to_bytes()).unwrap(), again, "{file}");
        }
    }
}

/// Every message also survives the stream framer when it has a Content-Length.
#[test]
fn framer_yields_each_message_with_content_length() {
    for file in index_files() {
        let data = load(&file);
        let Ok(message) = parse_message(data.clone()) else {
            continue;
        };
        if !message.headers().contains(&HeaderName::ContentLength) {
            continue;
        }
        let mut framer = StreamFramer::new(64 * 1024);
        framer.push(&message.to_bytes());
        let frame = framer.next_message().unwrap().unwrap();
        assert_eq!(
            parse_message(frame).unwrap(),
            normalise_content_length(message),
            "{file}"
        );
    }
}

// ---- 3.1.1 valid messages -------------------------------------------------------------

#[test]
fn wsinv_short_tortuous_invite() {
    let r = valid_request("wsinv.dat");
    assert_eq!(r.method, Method::Invite);
    assert_eq!(r.uri.param("unknownparam"), Some(None));
    let to = name_addr(&r, HeaderName::To);
    assert_eq!(to.tag(), Some("1918181833n"));
    let from = name_addr(&r, HeaderName::From);
    assert_eq!(from.display_name.as_deref(), Some(r#"J Rosenberg \""#));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(max_forwards(&r.headers), Ok(68));
    assert_eq!(cseq(&r.headers).unwrap(), CSeq::new(9, Method::Invite));
    assert_eq!(r.headers.get(&HeaderName::Subject), Some(""));
    assert_eq!(
        r.headers.get(&HeaderName::Other("newfangledheader".into())),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(
        r.headers
            .get(&HeaderName::Other("UnknownHeaderWithUnusualValue".into())),
        Some(";;,,;;,;")
    );
    let vias = all_vias(&r.headers);
    let summary: Vec<_> = vias
        .iter()
        .map(|v| {
            (
                v.transport.as_str(),
                v.host.to_string(),
                v.branch().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("UDP", "192.0.2.2".to_owned(), "390skdjuw"),
            ("TCP", "spindle.example.com".to_owned(), "z9hG4bK9ikj8"),
            ("UDP", "192.168.255.111".to_owned(), "z9hG4bK30239"),
        ]
    );
    let route = name_addr(&r, HeaderName::Route);
    assert_eq!(route.uri.param("lr"), Some(None));
    assert_eq!(route.uri.param("unknownwith"), Some(Some("value")));
    assert_eq!(route.uri.param("unknown-no-value"), Some(None));
    let contact = name_addr(&r, HeaderName::Contact);
    assert_eq!(contact.display_name.as_deref(), Some(r#"Quoted string """#));
    assert_eq!(contact.param("newparam"), Some(Some("newvalue")));
    assert_eq!(contact.param("secondparam"), Some(None));
    assert_eq!(contact.param("q"), Some(Some("0.33")));
    assert_eq!(r.headers.get(&HeaderName::ContentLength), Some("150"));
    assert_eq!(r.body.len(), 150);
}

#[test]
fn intmeth_wide_range_of_valid_characters() {
    let r = valid_request("intmeth.dat");
    let method = "!interesting-Method0123456789_*+`.%indeed'~";
    assert_eq!(r.method, Method::Extension(method.into()));
    assert_eq!(
        r.uri.user(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        r.uri.password(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(
        all_vias(&r.headers)[0].branch(),
        Some("z9hG4bK-.!%66*_+`'~")
    );
    let to = name_addr(&r, HeaderName::To);
    assert_eq!(to.display_name.as_deref(), Some("BEL:\x07 NUL:\0 DEL:\x7f"));
    assert_eq!(
        to.uri.user(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    let from = name_addr(&r, HeaderName::From);
    assert_eq!(
        from.display_name.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));
    let odd = from.param("fromParam''~+*_!.-%").unwrap().unwrap();
    assert!(odd.starts_with('"') && !odd.is_ascii());
    assert_eq!(
        r.headers.get(&HeaderName::CallId),
        Some("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
    );
    assert_eq!(cseq(&r.headers).unwrap().method.as_str(), method);
    assert_eq!(max_forwards(&r.headers), Ok(255));
    assert_eq!(
        r.headers
            .get(&HeaderName::Other("extensionHeader-!.%*+_`'~".into())),
        Some("\u{feff}大停電")
    );
}

#[test]
fn esc01_valid_escaping() {
    let r = valid_request("esc01.dat");
    assert_eq!(r.uri.user(), Some("sips:user@example.com"));
    assert_eq!(r.uri.host(), Some(&Host::Domain("example.net".into())));
    assert_eq!(name_addr(&r, HeaderName::To).uri.user(), Some("user"));
    assert_eq!(
        name_addr(&r, HeaderName::From).uri.user(),
        Some("I have spaces")
    );
    let contact = name_addr(&r, HeaderName::Contact);
    assert_eq!(contact.uri.user(), Some("caller"));
    assert_eq!(contact.uri.param("lr"), Some(None));
    assert_eq!(contact.uri.param("name"), Some(Some("value%41")));
    assert_eq!(
        r.headers.get(&HeaderName::ContentType),
        Some("application/sdp")
    );
}

#[test]
fn escnull_escaped_nulls() {
    let r = valid_request("escnull.dat");
    assert_eq!(
        name_addr(&r, HeaderName::To).uri.user(),
        Some("null-\0-null")
    );
    let users: Vec<String> = r
        .headers
        .values(&HeaderName::Contact)
        .into_iter()
        .map(|c| NameAddr::parse(c).unwrap().uri.user().unwrap().to_owned())
        .collect();
    assert_eq!(users, ["\0", "\0\0"]);
}

#[test]
fn esc02_percent_that_is_not_an_escape() {
    let r = valid_request("esc02.dat");
    // An extension method, not REGISTER: methods are not unescaped.
    assert_eq!(r.method, Method::Extension("RE%47IST%45R".into()));
    assert_eq!(
        name_addr(&r, HeaderName::To).display_name.as_deref(),
        Some("%Z%45")
    );
    assert_eq!(
        all_vias(&r.headers)[0].branch(),
        Some("z9hG4bK209%fzsnel234")
    );
    // `C%6Fntact` is an unknown header, not a third Contact.
    assert_eq!(r.headers.values(&HeaderName::Contact).len(), 2);
    assert!(r.headers.contains(&HeaderName::Other("C%6Fntact".into())));
}

#[test]
fn lwsdisp_no_lws_before_laquot() {
    let r = valid_request("lwsdisp.dat");
    let from = name_addr(&r, HeaderName::From);
    assert_eq!(from.display_name.as_deref(), Some("caller"));
    assert_eq!(from.tag(), Some("323"));
}

#[test]
fn longreq_long_values() {
    let r = valid_request("longreq.dat");
    let to = name_addr(&r, HeaderName::To);
    assert!(to.display_name.unwrap().contains("extremeextreme"));
    assert_eq!(to.uri.port(), Some(6000));
    assert_eq!(to.uri.params().len(), 3);
    let from = name_addr(&r, HeaderName::From);
    assert!(from.tag().unwrap().len() > 100);
    assert!(from
        .uri
        .user()
        .unwrap()
        .starts_with("amazinglylongcallername"));
    let vias = all_vias(&r.headers);
    assert_eq!(vias.len(), 34);
    assert_eq!(vias[0].host, Host::Domain("sip33.example.com".into()));
    let last = vias.last().unwrap();
    assert_eq!(last.received(), Some("192.0.2.5"));
    assert!(last.branch().unwrap().len() > 100);
    let unknown = r
        .headers
        .iter()
        .find(|(n, _)| n.as_str().starts_with("Unknown-LongLong"))
        .unwrap();
    assert!(unknown.1.len() > 100);
    assert_eq!(r.body.len(), 150);
}

#[test]
fn dblreq_extra_octets_are_ignored() {
    let r = valid_request("dblreq.dat");
    assert_eq!(r.method, Method::Register);
    assert!(
        r.body.is_empty(),
        "the INVITE after the REGISTER is discarded"
    );
    assert_eq!(
        r.headers.get(&HeaderName::CallId),
        Some("dblreq.0ha0isndaksdj99sdfafnl3lk233412")
    );
}

#[test]
fn semiuri_semicolons_in_user() {
    let r = valid_request("semiuri.dat");
    assert_eq!(r.uri.user(), Some("user;par=u@example.net"));
    assert_eq!(r.uri.host(), Some(&Host::Domain("example.com".into())));
    assert!(r.uri.params().is_empty());
    assert_eq!(
        r.headers.values(&HeaderName::Accept),
        [
            "application/sdp",
            "application/pkcs7-mime",
            "multipart/mixed",
            "multipart/signed",
            "message/sip",
            "message/sipfrag"
        ]
    );
}

#[test]
fn transports_varied_and_unknown() {
    let r = valid_request("transports.dat");
    let transports: Vec<String> = all_vias(&r.headers)
        .into_iter()
        .map(|v| v.transport)
        .collect();
    assert_eq!(transports, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
}

#[test]
fn mpart01_multipart_body() {
    let r = valid_request("mpart01.dat");
    assert_eq!(r.method, Method::Message);
    assert_eq!(r.body.len(), 553);
    assert!(r.body.starts_with(b"--7a9cbec02ceef655\r\n"));
    assert!(r.body.ends_with(b"--7a9cbec02ceef655--\r\n"));
    assert_eq!(
        r.headers.get(&HeaderName::ContentType),
        Some("multipart/mixed;boundary=7a9cbec02ceef655")
    );
    assert_eq!(all_vias(&r.headers)[0].rport(), Some(None));
}

#[test]
fn unreason_unusual_reason_phrase() {
    let r = response("unreason.dat");
    assert_eq!(validate_response(&r), Ok(()));
    assert_eq!(r.status, 200);
    assert!(r.reason.starts_with("= 2**3 * 5**2 "));
    assert!(!r.reason.is_ascii());
    assert_eq!(r.body.len(), 154);
}

#[test]
fn noreason_empty_reason_phrase() {
    let r = response("noreason.dat");
    assert_eq!(validate_response(&r), Ok(()));
    assert_eq!((r.status, r.reason.as_str()), (100, ""));
}

// ---- 3.1.2 invalid messages: each answered with 400 unless noted ------------------------

#[test]
fn badinv01_extraneous_separators() {
    assert_eq!(
        validation_error("badinv01.dat"),
        ParseError::BadHeader(HeaderName::Via)
    );
    let contact = request("badinv01.dat");
    assert!(NameAddr::parse(contact.headers.get(&HeaderName::Contact).unwrap()).is_err());
}

#[test]
fn clerr_content_length_larger_than_message() {
    let e = parse_error("clerr.dat");
    assert_eq!(e, ParseError::ContentLengthTooLarge);
    assert_eq!(e.to_string(), "Content-Length larger than message");
    // Still answerable: the reply context is readable.
    let ctx = parse_for_error_reply(&load("clerr.dat")).unwrap();
    let resp = ctx.response(e.status_code(), &e.to_string());
    assert_eq!(resp.status, 400);
    assert_eq!(
        resp.headers.get(&HeaderName::CallId),
        Some("clerr.0ha0isndaksdjweiafasdk3")
    );
}

#[test]
fn ncl_negative_content_length() {
    assert_eq!(
        parse_error("ncl.dat"),
        ParseError::BadHeader(HeaderName::ContentLength)
    );
    assert!(parse_for_error_reply(&load("ncl.dat")).is_some());
}

#[test]
fn scalar02_overlarge_request_scalars() {
    // The RFC: respond 400 "due to the CSeq error".
    assert_eq!(
        validation_error("scalar02.dat"),
        ParseError::BadHeader(HeaderName::CSeq)
    );
    let r = request("scalar02.dat");
    assert!(parse_max_forwards(r.headers.get(&HeaderName::MaxForwards).unwrap()).is_err());
    assert!(parse_delta_seconds(r.headers.get(&HeaderName::Expires).unwrap()).is_err());
    let contact = name_addr(&r, HeaderName::Contact);
    assert!(parse_delta_seconds(contact.param("expires").unwrap().unwrap()).is_err());
}

#[test]
fn scalarlg_overlarge_response_scalars() {
    let r = response("scalarlg.dat");
    assert_eq!(
        validate_response(&r),
        Err(ParseError::BadHeader(HeaderName::CSeq))
    );
    assert!(parse_delta_seconds(r.headers.get(&HeaderName::RetryAfter).unwrap()).is_err());
}

#[test]
fn quotbal_unterminated_quote() {
    assert_eq!(
        validation_error("quotbal.dat"),
        ParseError::BadHeader(HeaderName::To)
    );
}

#[test]
fn ltgtruri_angle_brackets_around_request_uri() {
    assert_eq!(parse_error("ltgtruri.dat"), ParseError::BadRequestUri);
}

#[test]
fn lwsruri_lws_inside_request_uri() {
    assert_eq!(parse_error("lwsruri.dat"), ParseError::BadRequestUri);
}

#[test]
fn lwsstart_multiple_sp_in_request_line() {
    assert_eq!(parse_error("lwsstart.dat"), ParseError::BadRequestLine);
}

#[test]
fn trws_trailing_sp_in_request_line() {
    assert_eq!(parse_error("trws.dat"), ParseError::BadRequestLine);
}

#[test]
fn escruri_headers_in_request_uri() {
    assert_eq!(validation_error("escruri.dat"), ParseError::BadRequestUri);
}

#[test]
fn baddate_non_gmt_date() {
    assert_eq!(
        validation_error("baddate.dat"),
        ParseError::BadHeader(HeaderName::Date)
    );
}

#[test]
fn regbadct_unbracketed_uri_with_question_mark() {
    assert_eq!(
        validation_error("regbadct.dat"),
        ParseError::BadHeader(HeaderName::Contact)
    );
}

#[test]
fn badaspec_spaces_inside_angle_brackets() {
    assert_eq!(
        validation_error("badaspec.dat"),
        ParseError::BadHeader(HeaderName::To)
    );
}

#[test]
fn baddn_non_token_display_name() {
    // Both From and To are bad; From is checked first.
    assert_eq!(
        validation_error("baddn.dat"),
        ParseError::BadHeader(HeaderName::From)
    );
    let r = request("baddn.dat");
    assert!(NameAddr::parse(r.headers.get(&HeaderName::To).unwrap()).is_err());
}

#[test]
fn badvers_unknown_version_gets_505() {
    let e = parse_error("badvers.dat");
    assert_eq!(e, ParseError::UnsupportedVersion);
    assert_eq!(e.status_code(), 505);
    let resp = parse_for_error_reply(&load("badvers.dat"))
        .unwrap()
        .response(505, default_reason(505));
    assert_eq!(resp.headers.get(&HeaderName::CSeq), Some("1 OPTIONS"));
}

#[test]
fn mismatch01_cseq_method_mismatch() {
    assert_eq!(
        validation_error("mismatch01.dat"),
        ParseError::CSeqMethodMismatch
    );
}

#[test]
fn mismatch02_unknown_method_and_mismatch() {
    // The RFC prefers 501 but accepts 400; the mismatch is what we report.
    let r = request("mismatch02.dat");
    assert_eq!(r.method, Method::Extension("NEWMETHOD".into()));
    assert_eq!(validate_request(&r), Err(ParseError::CSeqMethodMismatch));
}

#[test]
fn bigcode_overlarge_status_code() {
    assert_eq!(parse_error("bigcode.dat"), ParseError::BadStatusCode);
    assert!(
        parse_for_error_reply(&load("bigcode.dat")).is_none(),
        "never answer a response"
    );
}

// ---- 3.2 transaction layer semantics --------------------------------------------------

#[test]
fn badbranch_magic_cookie_only() {
    let r = valid_request("badbranch.dat");
    let via = &all_vias(&r.headers)[0];
    assert_eq!(via.branch(), Some("z9hG4bK"));
    assert_eq!(via.rfc3261_branch(), None, "fall back to RFC 2543 matching");
}

// ---- 3.3 application layer semantics --------------------------------------------------

#[test]
fn insuf_missing_required_headers() {
    let e = validation_error("insuf.dat");
    assert!(
        matches!(&e, ParseError::MissingHeader(h) if [HeaderName::To, HeaderName::From, HeaderName::CallId].contains(h)),
        "{e:?}"
    );
    assert_eq!(e.status_code(), 400);
}

#[test]
fn unkscm_unknown_request_uri_scheme_gets_416() {
    let r = request("unkscm.dat");
    assert_eq!(
        r.uri.scheme(),
        &Scheme::Other("nobodyknowsthisscheme".into())
    );
    let e = validate_request(&r).unwrap_err();
    assert_eq!(
        (e.clone(), e.status_code()),
        (ParseError::UnsupportedUriScheme, 416)
    );
}

#[test]
fn novelsc_atypical_request_uri_scheme_gets_416() {
    let r = request("novelsc.dat");
    assert_eq!(r.uri.scheme(), &Scheme::Other("soap.beep".into()));
    assert_eq!(validate_request(&r).unwrap_err().status_code(), 416);
}

#[test]
fn unksm2_unknown_schemes_in_header_fields() {
    let r = valid_request("unksm2.dat");
    let scheme = |name| name_addr(&r, name).uri.scheme().clone();
    assert_eq!(scheme(HeaderName::To), Scheme::Other("isbn".into()));
    assert_eq!(scheme(HeaderName::From), Scheme::Other("http".into()));
    assert_eq!(scheme(HeaderName::Contact), Scheme::Other("name".into()));
    assert_eq!(name_addr(&r, HeaderName::From).tag(), Some("3234233"));
}

#[test]
fn bext01_unknown_requirements_get_420() {
    let r = valid_request("bext01.dat");
    assert_eq!(
        unsupported_requirements(&r, &["100rel", "timer"]),
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );
    let proxy_require = r.headers.get(&HeaderName::ProxyRequire).unwrap();
    assert_eq!(parse_option_tags(proxy_require).unwrap().len(), 2);
}

#[test]
fn invut_unknown_content_type_gets_415() {
    let r = valid_request("invut.dat");
    assert_eq!(
        r.headers.get(&HeaderName::ContentType),
        Some("application/unknownformat")
    );
    assert_eq!(r.body.len(), 40);
}

#[test]
fn regaut01_unknown_authorization_scheme() {
    let r = valid_request("regaut01.dat");
    let auth = r.headers.get(&HeaderName::Authorization).unwrap();
    assert!(auth.starts_with("NoOneKnowsThisScheme "));
}

#[test]
fn multi01_repeated_single_value_headers() {
    let e = validation_error("multi01.dat");
    assert!(matches!(e, ParseError::DuplicateHeader(_)), "{e:?}");
    assert_eq!(e.status_code(), 400);
}

#[test]
fn mcl01_conflicting_content_lengths() {
    let e = parse_error("mcl01.dat");
    assert_eq!(e, ParseError::DuplicateHeader(HeaderName::ContentLength));
    assert!(parse_for_error_reply(&load("mcl01.dat")).is_some());
}

#[test]
fn bcast_broadcast_via() {
    let r = response("bcast.dat");
    assert_eq!(validate_response(&r), Ok(()));
    let vias = all_vias(&r.headers);
    assert_eq!(vias[1].host, Host::Ipv4(std::net::Ipv4Addr::BROADCAST));
}

#[test]
fn zeromf_max_forwards_zero_is_processed_by_a_uas() {
    let r = valid_request("zeromf.dat");
    assert_eq!(max_forwards(&r.headers), Ok(0), "a proxy would answer 483");
}

#[test]
fn cparam01_addr_spec_param_is_a_header_param() {
    let r = valid_request("cparam01.dat");
    let contact = name_addr(&r, HeaderName::Contact);
    assert_eq!(contact.param("unknownparam"), Some(None));
    assert_eq!(contact.uri.param("unknownparam"), None);
}

#[test]
fn cparam02_bracketed_param_is_a_uri_param() {
    let r = valid_request("cparam02.dat");
    let contact = name_addr(&r, HeaderName::Contact);
    assert_eq!(contact.param("unknownparam"), None);
    assert_eq!(contact.uri.param("unknownparam"), Some(None));
}

#[test]
fn regescrt_escaped_header_in_contact() {
    let r = valid_request("regescrt.dat");
    let contact = name_addr(&r, HeaderName::Contact);
    assert_eq!(
        contact.uri.headers(),
        [("Route".to_owned(), "<sip:sip.example.com>".to_owned())]
    );
}

#[test]
fn sdp01_unacceptable_accept_gets_406() {
    let r = valid_request("sdp01.dat");
    assert_eq!(
        r.headers.values(&HeaderName::Accept),
        ["text/nobodyKnowsThis"]
    );
}

// ---- 3.4 backward compatibility -------------------------------------------------------

#[test]
fn inv2543_rfc2543_syntax_is_accepted() {
    let r = valid_request("inv2543.dat");
    let via = &all_vias(&r.headers)[0];
    assert_eq!(via.branch(), None);
    assert_eq!(max_forwards(&r.headers), Ok(70));
    assert_eq!(name_addr(&r, HeaderName::From).tag(), None);
    assert!(!r.headers.contains(&HeaderName::ContentLength));
    assert!(
        r.body.starts_with(b"v=0"),
        "UDP without Content-Length: body is the rest"
    );
    let rr = name_addr(&r, HeaderName::RecordRoute);
    assert_eq!(rr.uri.param("maddr"), Some(Some("ss1.example.com")));
}

// ---- Appendix A extra -----------------------------------------------------------------

#[test]
fn test_dat_request_line_without_version() {
    assert_eq!(parse_error("test.dat"), ParseError::BadRequestLine);
}
