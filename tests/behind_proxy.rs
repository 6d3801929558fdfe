//! Calls behind a record-routing proxy: a real Kamailio (tests/kamailio/proxy.cfg) sits
//! between SIPp and the server, as a carrier's edge proxy or our own load balancer will.
//!
//! Topology inside each lab namespace:
//!
//! ```text
//!   SIPp 127.0.0.1:5070 ──► Kamailio 127.0.0.3:5060 ──► dialbridge 127.0.0.1:5060
//!                           record_route(), loose_route()
//! ```
//!
//! The trunk trusts only the proxy's address, never SIPp's, so a call that bypasses the
//! proxy is refused: the ACL is by source address, not by what the message claims.
//! The proxy refuses in-dialog requests that lack its Route, so a route set that is
//! wrong on either side makes these tests fail rather than quietly go direct.

mod support;

use support::{Lab, LabRun};

/// Trusts the proxy's address only (not 127.0.0.1, where SIPp and the server live).
const TRUST_PROXY: &str = r#"
[[trunk]]
name = "edge-proxy"
sources = ["127.0.0.3/32"]
default_country = "US"
"#;

const START_PROXY: &str = "kamailio_start edge 127.0.0.3 sip:127.0.0.1:5060\n";

fn file(lab: &Lab, name: &str) -> String {
    std::fs::read_to_string(lab.path().join(name)).unwrap_or_default()
}

/// The lines the proxy logged for in-dialog requests of `method` (see proxy.cfg).
fn proxied(log: &str, method: &str) -> Vec<String> {
    let needle = format!("PROXY in-dialog {method} ");
    log.lines()
        .filter_map(|l| l.find(&needle).map(|at| l[at..].to_owned()))
        .collect()
}

/// Like `LabRun::assert_passed`, but the failure shows the proxy's log too.
fn passed(run: &LabRun, what: &str, why: &str) {
    let line = format!("{what} exit 0");
    assert!(
        run.output.lines().any(|l| l.trim() == line),
        "{what} did not pass\n{why}"
    );
}

fn context(run: &LabRun, proxy_log: &str) -> String {
    format!(
        "--- lab output ---\n{}\n--- proxy log ---\n{proxy_log}\n--- server log ---\n{}",
        run.output, run.server_log
    )
}

#[test]
fn call_through_the_proxy_keeps_it_in_the_dialog() {
    let lab = Lab::with_config(TRUST_PROXY);
    let steps = format!("{START_PROXY}SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_uac_basic\nhealth");
    let run = lab.run(&steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    passed(&run, "kamailio edge", &why);
    // The scenario checks our 200 OK echoed the proxy's Record-Route and that the BYE
    // through the proxy got its 200.
    passed(&run, "sipp proxy_uac_basic", &why);
    assert!(
        proxy_log.contains("PROXY initial INVITE from 127.0.0.1:5070"),
        "{why}"
    );
    // SIPp's ACK and BYE reached the proxy carrying its Route (it refuses them otherwise).
    // Two ACKs are fine: SIPp ACKs each copy of a retransmitted 200.
    for method in ["ACK", "BYE"] {
        let lines = proxied(&proxy_log, method);
        assert!(!lines.is_empty(), "no {method} through the proxy\n{why}");
        for line in &lines {
            assert!(
                line.contains("from 127.0.0.1:5070") && line.contains("route=[<sip:127.0.0.3;lr"),
                "{method} without the proxy's Route: {line}\n{why}"
            );
        }
    }
    assert!(
        run.server_log.contains("call confirmed by ACK"),
        "the ACK must reach us through the proxy\n{why}"
    );
    assert_eq!(run.health("answered_calls"), 1, "{why}");
    assert_eq!(run.health("active_calls"), 0, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}

#[test]
fn our_bye_follows_the_route_set_through_the_proxy() {
    let lab = Lab::with_config(TRUST_PROXY);
    // SIPp waits for our BYE; SIGTERM makes the server hang up every call.
    let steps = format!(
        r#"{START_PROXY}
SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_uac_wait_bye &
SIPP=$!
for _ in $(seq 1 100); do grep -q "call confirmed" server.log && break; sleep 0.05; done
kill -TERM $(server_pid)
wait $SIPP
"#
    );
    let run = lab.run(&steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    passed(&run, "kamailio edge", &why);
    // The scenario checks, on the BYE SIPp received: the Route we sent (as the proxy saw
    // it), the proxy's Via above ours, and the Request-URI (SIPp's Contact).
    passed(&run, "sipp proxy_uac_wait_bye", &why);
    // The BYE went to the proxy, from us, with its Route; not straight to SIPp.
    let byes = proxied(&proxy_log, "BYE");
    assert_eq!(byes.len(), 1, "one BYE through the proxy\n{why}");
    assert!(
        byes[0].contains("from 127.0.0.1:5060")
            && byes[0].contains("ruri=sip:+14155550100@127.0.0.1:5070")
            && byes[0].contains("route=[<sip:127.0.0.3;lr"),
        "{}\n{why}",
        byes[0]
    );
}

#[test]
fn the_same_call_bypassing_the_proxy_is_refused() {
    let lab = Lab::with_config(TRUST_PROXY);
    // First straight from SIPp's own address, then the very same call via the proxy:
    // only the source address differs, so only the ACL can tell them apart.
    let steps = format!(
        "{START_PROXY}sipp_run uac_refused\nhealth\nSIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_uac_basic\nhealth"
    );
    let run = lab.run(&steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    // uac_refused fails on anything but 403.
    passed(&run, "sipp uac_refused", &why);
    assert!(
        file(&lab, "sipp-uac_refused.msg").contains("SIP/2.0 403 Forbidden"),
        "{why}"
    );
    passed(&run, "sipp proxy_uac_basic", &why);
    // The source policy refuses the direct INVITE statelessly, before any call exists.
    assert_eq!(run.health("refused_untrusted"), 1, "{why}");
    assert_eq!(run.health("refused_calls"), 0, "{why}");
    assert_eq!(run.health("answered_calls"), 1, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}

#[test]
fn two_record_routing_proxies_stay_in_the_dialog_in_order() {
    // SIPp -> edge (127.0.0.3) -> inner (127.0.0.4) -> server; only the inner proxy,
    // the one next to us, is trusted.
    let lab = Lab::with_config(
        r#"
[[trunk]]
name = "inner-proxy"
sources = ["127.0.0.4/32"]
default_country = "US"
"#,
    );
    let steps = r#"
kamailio_start inner 127.0.0.4 sip:127.0.0.1:5060
kamailio_start edge 127.0.0.3 sip:127.0.0.4:5060
SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_two_hops_wait_bye &
SIPP=$!
for _ in $(seq 1 100); do grep -q "call confirmed" server.log && break; sleep 0.05; done
kill -TERM $(server_pid)
wait $SIPP
"#;
    let run = lab.run(steps);
    let inner_log = file(&lab, "kamailio-inner.log");
    let edge_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &format!("(inner)\n{inner_log}\n(edge)\n{edge_log}"));
    passed(&run, "kamailio inner", &why);
    passed(&run, "kamailio edge", &why);
    // The scenario checks both Record-Routes in our 200 OK, and on our BYE the Route
    // each proxy saw and the Via order (edge, inner, us).
    passed(&run, "sipp proxy_two_hops_wait_bye", &why);
    // Our BYE went first to the inner proxy, naming both proxies in Route, inner first.
    let byes = proxied(&inner_log, "BYE");
    assert_eq!(byes.len(), 1, "{why}");
    assert!(
        byes[0].contains("from 127.0.0.1:5060") && byes[0].contains("route=[<sip:127.0.0.4;lr"),
        "{}\n{why}",
        byes[0]
    );
    let byes = proxied(&edge_log, "BYE");
    assert_eq!(byes.len(), 1, "{why}");
    assert!(
        byes[0].contains("from 127.0.0.4:5060") && byes[0].contains("route=[<sip:127.0.0.3;lr"),
        "{}\n{why}",
        byes[0]
    );
    // SIPp's ACK passed both proxies by their Routes (once per 200 it saw).
    let acks = proxied(&edge_log, "ACK");
    assert!(!acks.is_empty(), "{why}");
    assert!(
        acks.iter()
            .all(|l| l.contains("route=[<sip:127.0.0.3;lr;ftag=")
                && l.contains(">, <sip:127.0.0.4;lr;ftag=")),
        "{acks:?}\n{why}"
    );
    assert_eq!(proxied(&inner_log, "ACK").len(), acks.len(), "{why}");
    assert!(run.server_log.contains("call confirmed by ACK"), "{why}");
}

#[test]
fn proxy_speaking_tcp_to_us_and_udp_to_the_caller() {
    // A common edge: carriers on UDP, TCP inside. The proxy record-routes twice (one
    // entry per transport); the scenario checks both in our 200 OK and our
    // transport=tcp Contact, and its ACK and BYE reach us over TCP by those routes.
    let lab = Lab::with_config(TRUST_PROXY);
    let steps = r#"
kamailio_start edge 127.0.0.3 "sip:127.0.0.1:5060;transport=tcp"
SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_tcp_inside
health
"#;
    let run = lab.run(steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    passed(&run, "kamailio edge", &why);
    passed(&run, "sipp proxy_tcp_inside", &why);
    assert!(
        proxy_log.contains("PROXY reply 200 BYE from 127.0.0.1:5060"),
        "{why}"
    );
    assert!(run.server_log.contains("call confirmed by ACK"), "{why}");
    assert_eq!(run.health("answered_calls"), 1, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}

#[test]
fn our_bye_on_shutdown_takes_the_tcp_route_to_the_proxy() {
    // The server hangs up on SIGTERM: its BYE must go to the proxy's TCP Record-Route
    // entry (127.0.0.3:5060, a new connection: the proxy's own came from an ephemeral
    // port) and reach SIPp over UDP.
    let lab = Lab::with_config(TRUST_PROXY);
    let steps = r#"
kamailio_start edge 127.0.0.3 "sip:127.0.0.1:5060;transport=tcp"
SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_tcp_inside_wait_bye &
SIPP=$!
for _ in $(seq 1 100); do grep -q "call confirmed" server.log && break; sleep 0.05; done
kill -TERM $(server_pid)
wait $SIPP
"#;
    let run = lab.run(steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    passed(&run, "sipp proxy_tcp_inside_wait_bye", &why);
    let byes = proxied(&proxy_log, "BYE");
    assert_eq!(byes.len(), 1, "{why}");
    assert!(
        byes[0].contains("from 127.0.0.1:")
            && byes[0].contains("route=[<sip:127.0.0.3;transport=tcp;r2=on;lr"),
        "{}\n{why}",
        byes[0]
    );
}

#[test]
fn cancel_through_the_proxy_gets_487_and_frees_the_port() {
    // CANCEL is hop by hop: the proxy answers it and sends its own CANCEL to us, then
    // ACKs our 487 itself.
    let lab = Lab::with_config(&format!("[sip]\nanswer_after_ms = 3000\n{TRUST_PROXY}"));
    let steps = format!("{START_PROXY}SIPP_REMOTE=127.0.0.3:5060 sipp_run uac_cancel\nhealth");
    let run = lab.run(&steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    passed(&run, "sipp uac_cancel", &why);
    assert!(
        proxy_log.contains("PROXY reply 487 INVITE from 127.0.0.1:5060"),
        "{why}"
    );
    assert_eq!(run.health("answered_calls"), 0, "{why}");
    assert_eq!(run.health("active_calls"), 0, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}

#[test]
fn reinvites_through_the_proxy_hold_and_resume() {
    let lab = Lab::with_config(TRUST_PROXY);
    let steps = format!("{START_PROXY}SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_uac_hold\nhealth");
    let run = lab.run(&steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    // The scenario checks the answers: recvonly to the hold, sendrecv to the resume.
    passed(&run, "sipp proxy_uac_hold", &why);
    let reinvites = proxied(&proxy_log, "INVITE");
    assert!(reinvites.len() >= 2, "both re-INVITEs via the proxy\n{why}");
    assert!(
        reinvites
            .iter()
            .all(|l| l.contains("route=[<sip:127.0.0.3;lr")),
        "{why}"
    );
    assert!(run.server_log.contains("session modified"), "{why}");
    assert_eq!(run.health("answered_calls"), 1, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}

#[test]
fn answer_reaches_a_proxy_that_closed_its_tcp_connection() {
    // Proxies close idle TCP connections (Kamailio after tcp_connection_lifetime, here
    // 1 s, checked about 10 s after the last message). A call still ringing then has no
    // connection to answer on, and RFC 3261 18.2.2 says to open one to the Via's sent-by
    // port: the proxy's listening port, not the port its closed connection came from.
    let lab = Lab::with_config(&format!("[sip]\nanswer_after_ms = 13000\n{TRUST_PROXY}"));
    let steps = r#"
kamailio_start edge 127.0.0.3 "sip:127.0.0.1:5060;transport=tcp" -A TCP_LIFETIME=1
SIPP_REMOTE=127.0.0.3:5060 sipp_run proxy_tcp_inside
health
"#;
    let run = lab.run(steps);
    let proxy_log = file(&lab, "kamailio-edge.log");
    let why = context(&run, &proxy_log);
    // Before the fix the answer went to the closed connection's port: refused, retried
    // until the 2xx timed out, and the caller never heard it.
    assert!(!run.server_log.contains("SIP TCP connect failed"), "{why}");
    passed(&run, "sipp proxy_tcp_inside", &why);
    assert!(run.server_log.contains("call confirmed by ACK"), "{why}");
    assert_eq!(run.health("answered_calls"), 1, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}
