//! `serve --demo`: what a newcomer needs for a first call on a fresh machine.

use dialbridge_sip::trunk::{CalledNumberFrom, TrunkConfig};

use crate::config::Settings;
use crate::demo_seed::{DemoDetails, DEMO_ORGANIZATION, DEMO_ORGANIZER_EMAIL};

/// The trunk the demo trusts: loopback only.
pub const DEMO_TRUNK: &str = "demo-loopback";

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
        name: DEMO_TRUNK.to_owned(),
        sources: loopback,
        username: None,
        password: None,
        called_number_from: CalledNumberFrom::RequestUri,
        default_country: "US".to_owned(),
        strip_prefixes: Vec::new(),
        inband_dtmf: false,
    });
}

pub fn print_banner(settings: &Settings, details: &DemoDetails) {
    let port = settings.sip_listen.port();
    let host = settings.public_address;
    let host = if host.is_ipv6() {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let number = &details.number;
    let digits = number.trim_start_matches('+');
    let http = settings.http_listen;
    let lines = [
        String::new(),
        "dialbridge demo is running.".to_owned(),
        String::new(),
        "  Call in from a softphone on this machine (calls from loopback are trusted):".to_owned(),
        format!("      sip:{number}@{host}:{port}"),
        format!("  e.g. baresip:  /dial sip:{number}@{host}:{port}"),
        format!("       SIPp:     sipp -sn uac -s {digits} -p 5070 -m 1 {host}:{port}"),
        String::new(),
        format!("  {DEMO_ORGANIZATION}, organizer {DEMO_ORGANIZER_EMAIL}:"),
        format!(
            "      dial-in number {number}, conference ID {}, organizer PIN {}",
            details.conference_id, details.pin
        ),
        "  (the PIN is new at every demo start; it is stored only as a hash)".to_owned(),
        String::new(),
        "  You hear a greeting and are asked for the conference ID (then #). Press * and"
            .to_owned(),
        "  the PIN (then #) to start the meeting as its organizer; other callers wait in"
            .to_owned(),
        "  the lobby with music until then. In the meeting: *1 help, *6 mute.".to_owned(),
        format!(
            "  Mail to the organizer: {}/outbox/*.eml",
            settings.data_dir.display()
        ),
        format!("  Health: http://{http}/healthz        Stop: Ctrl-C"),
        String::new(),
    ];
    println!("{}", lines.join("\n"));
}
