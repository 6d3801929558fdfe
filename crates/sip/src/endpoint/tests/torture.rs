//! RFC 4475 torture messages: nothing panics, the invalid ones get the status the RFC
//! asks for, and a normal call works afterwards.

use std::path::PathBuf;

use bytes::Bytes;

use super::*;

fn torture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/sip-torture/rfc4475")
}

/// What a UAS like ours answers to each file, with the RFC 4475 section. `None`: no
/// answer at all (responses are dropped, 3.1.2.5 / 3.1.2.19 / 3.3.10). "call": a valid
/// INVITE that reaches the call logic as IncomingCall after a 100.
const EXPECTED: &[(&str, &[u16], &str)] = &[
    // 3.1.1 valid messages: served as any other.
    (
        "wsinv.dat",
        &[481],
        "3.1.1.1 valid, but its To tag names no dialog of ours",
    ),
    ("intmeth.dat", &[501], "3.1.1.2 unknown method"),
    ("esc01.dat", &[100], "3.1.1.3 valid INVITE"),
    (
        "escnull.dat",
        &[405],
        "3.1.1.4 REGISTER: we are no registrar",
    ),
    (
        "esc02.dat",
        &[501],
        "3.1.1.5 RE%47IST%45R is an unknown method",
    ),
    ("lwsdisp.dat", &[200], "3.1.1.6 OPTIONS"),
    ("longreq.dat", &[100], "3.1.1.7 valid INVITE"),
    (
        "dblreq.dat",
        &[405],
        "3.1.1.8 REGISTER, trailing octets ignored",
    ),
    ("semiuri.dat", &[200], "3.1.1.9 OPTIONS"),
    ("transports.dat", &[200], "3.1.1.10 OPTIONS"),
    ("mpart01.dat", &[405], "3.1.1.11 MESSAGE: not served here"),
    ("unreason.dat", &[], "3.1.1.12 a response matching nothing"),
    ("noreason.dat", &[], "3.1.1.13 a response matching nothing"),
    // 3.1.2 invalid messages.
    ("badinv01.dat", &[400], "3.1.2.1"),
    ("clerr.dat", &[400], "3.1.2.2"),
    ("ncl.dat", &[400], "3.1.2.3"),
    ("scalar02.dat", &[400], "3.1.2.4"),
    ("scalarlg.dat", &[], "3.1.2.5 response: dropped"),
    ("quotbal.dat", &[400], "3.1.2.6"),
    ("ltgtruri.dat", &[400], "3.1.2.7"),
    ("lwsruri.dat", &[400], "3.1.2.8"),
    ("lwsstart.dat", &[400], "3.1.2.9"),
    ("trws.dat", &[400], "3.1.2.10"),
    ("escruri.dat", &[400], "3.1.2.11"),
    ("baddate.dat", &[400], "3.1.2.12"),
    ("regbadct.dat", &[400], "3.1.2.13"),
    ("badaspec.dat", &[400], "3.1.2.14"),
    ("baddn.dat", &[400], "3.1.2.15"),
    ("badvers.dat", &[505], "3.1.2.16"),
    ("mismatch01.dat", &[400], "3.1.2.17"),
    ("mismatch02.dat", &[400], "3.1.2.18"),
    ("bigcode.dat", &[], "3.1.2.19 response: dropped"),
    // 3.2 and 3.3.
    ("badbranch.dat", &[200], "3.2.1 RFC 2543 fallback"),
    ("insuf.dat", &[400], "3.3.1"),
    ("unkscm.dat", &[416], "3.3.2"),
    ("novelsc.dat", &[416], "3.3.3"),
    (
        "unksm2.dat",
        &[405],
        "3.3.4 REGISTER; the unknown schemes are in To/From",
    ),
    ("bext01.dat", &[420], "3.3.5"),
    ("invut.dat", &[415], "3.3.6"),
    ("regaut01.dat", &[405], "3.3.7 REGISTER"),
    ("multi01.dat", &[400], "3.3.8"),
    ("mcl01.dat", &[400], "3.3.9"),
    ("bcast.dat", &[], "3.3.10 response: dropped"),
    ("zeromf.dat", &[200], "3.3.11 OPTIONS with Max-Forwards 0"),
    ("cparam01.dat", &[405], "3.3.12 REGISTER"),
    ("cparam02.dat", &[405], "3.3.13 REGISTER"),
    ("regescrt.dat", &[405], "3.3.14 REGISTER"),
    (
        "sdp01.dat",
        &[406],
        "3.3.15 Accept excludes application/sdp",
    ),
    ("inv2543.dat", &[100], "3.4.1 RFC 2543 INVITE"),
];

#[test]
fn rfc4475_torture_messages() {
    let mut h = Harness::new();
    let mut files: Vec<_> = std::fs::read_dir(torture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dat"))
        .collect();
    files.sort();
    assert!(files.len() >= 49, "torture files missing: {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        h.send_from(peer_addr(), "");
        h.ep.handle_datagram(h.now, peer_addr(), Bytes::from(bytes.clone()));
        let statuses: Vec<u16> = h.sent().iter().map(Sent::status).collect();
        // Calls that reached the call logic are refused so none linger.
        for event in h.events() {
            if let Event::IncomingCall(call) = event {
                h.ep.reject_call(h.now, call.call, 486, "Busy Here", Vec::new())
                    .unwrap();
                h.sent();
                h.events();
            }
        }
        // Also over TCP, where framing comes first; must not panic either.
        h.ep.handle_stream_data(
            h.now,
            super::super::ConnectionId(1000 + files.iter().position(|p| p == path).unwrap() as u64),
            peer_addr(),
            &bytes,
        );
        h.sent();
        for event in h.events() {
            if let Event::IncomingCall(call) = event {
                let _ =
                    h.ep.reject_call(h.now, call.call, 486, "Busy Here", Vec::new());
            }
        }
        h.sent();
        h.events();
        while h.ep.poll_close().is_some() {}
        match EXPECTED.iter().find(|(file, _, _)| *file == name) {
            Some((_, want, section)) if statuses != *want => failures.push(format!(
                "{name} ({section}): got {statuses:?}, want {want:?}"
            )),
            Some(_) => {}
            None if name == "test.dat" => {}
            None => failures.push(format!("{name}: no expectation")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    h.run_for(secs(60));
    let req = invite()
        .call_id("after-torture@192.0.2.1")
        .branch("z9hG4bK-after");
    let (call, tag) = h.established(&req);
    h.send(&in_dialog("BYE", &tag, 2).call_id("after-torture@192.0.2.1"));
    assert_eq!(h.statuses(), vec![200]);
    assert_eq!(ended(&h.events()), vec![(call, CallEndReason::RemoteBye)]);
}
