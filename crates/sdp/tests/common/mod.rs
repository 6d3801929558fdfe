//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::net::IpAddr;

use dialbridge_sdp::{LocalMedia, SessionVersion};

pub const OUR_IP4: &str = "192.0.2.1";
pub const OUR_IP6: &str = "2001:db8::1";
pub const OUR_PORT: u16 = 40_000;

pub fn local_v4() -> LocalMedia {
    local_at(OUR_IP4)
}

pub fn local_v6() -> LocalMedia {
    local_at(OUR_IP6)
}

pub fn local_at(ip: &str) -> LocalMedia {
    let address: IpAddr = ip.parse().expect("test address");
    LocalMedia::new(
        address,
        OUR_PORT,
        SessionVersion {
            id: 3_900_000_000,
            version: 3_900_000_000,
        },
    )
}

/// Turn a readable multi-line literal into an SDP body with CRLF endings.
pub fn crlf(sdp: &str) -> String {
    sdp.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!("{line}\r\n"))
        .collect()
}

/// Lines of an SDP we produced, after checking it uses CRLF throughout.
pub fn lines(sdp: &str) -> Vec<&str> {
    assert!(sdp.ends_with("\r\n"), "must end with CRLF: {sdp:?}");
    assert!(
        !sdp.replace("\r\n", "").contains(['\r', '\n']),
        "bare CR or LF in {sdp:?}"
    );
    sdp.trim_end_matches("\r\n").split("\r\n").collect()
}

/// The `m=` lines of an SDP we produced.
pub fn media_lines(sdp: &str) -> Vec<&str> {
    lines(sdp)
        .into_iter()
        .filter(|line| line.starts_with("m="))
        .collect()
}
