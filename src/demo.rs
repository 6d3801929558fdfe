//! `serve --demo`: what a newcomer needs for a first call on a fresh machine.

use dialbridge_sip::trunk::{CalledNumberFrom, TrunkConfig};

use crate::config::Settings;

/// The number the banner tells people to dial; any number is answered in the demo.
pub const DEMO_NUMBER: &str = "+15550100";

/// Trusts loopback (and nothing else) when no trunk is configured, so a softphone on
/// this machine can call in while the outside world still gets 403.
pub fn prepare(settings: &mut Settings) {
    if !settings.trunks.is_empty() {
        return;
    }
    let loopback = ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|net| net.parse().ok())
        .collect();
    settings.trunks.push(TrunkConfig {
        name: "demo-loopback".to_owned(),
        sources: loopback,
        username: None,
        password: None,
        called_number_from: CalledNumberFrom::RequestUri,
        default_country: "US".to_owned(),
        strip_prefixes: Vec::new(),
    });
}

pub fn print_banner(settings: &Settings) {
    let port = settings.sip_listen.port();
    let host = settings.public_address;
    let host = if host.is_ipv6() {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let number = DEMO_NUMBER.trim_start_matches('+');
    let http = settings.http_listen;
    let lines = [
        String::new(),
        "dialbridge demo is running.".to_owned(),
        String::new(),
        "  Call in from a softphone on this machine (calls from loopback are trusted):".to_owned(),
        format!("      sip:{DEMO_NUMBER}@{host}:{port}"),
        format!("  e.g. baresip:  /dial sip:{DEMO_NUMBER}@{host}:{port}"),
        format!("       SIPp:     sipp -sn uac -s {number} -p 5070 -m 1 {host}:{port}"),
        String::new(),
        "  The call is answered with a correct SIP/SDP exchange and an RTP port; it is".to_owned(),
        "  silent for now (prompts, conference IDs and PINs arrive with the media and".to_owned(),
        "  dial-in work).".to_owned(),
        format!("  Health: http://{http}/healthz        Stop: Ctrl-C"),
        String::new(),
    ];
    println!("{}", lines.join("\n"));
}
