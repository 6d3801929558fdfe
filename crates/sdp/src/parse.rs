//! A small, tolerant SDP reader (RFC 4566 / RFC 8866) for negotiation.
//!
//! Why not `ezk-sdp-types` (0.6.1), which DESIGN.md suggested: it rejects the whole body when
//! any `m=` line has a media type other than audio/video/text/application, so a carrier's T.38
//! re-INVITE (`m=image 0 udptl t38`) or an `m=message` line fails to parse, and RFC 3264 §6
//! requires us to answer every `m=` line, rejected or not. It also narrows formats to `u8`
//! (losing `t38`, `*`) and writes an `a=sendrecv` the peer never sent, so it does not
//! round-trip. Negotiation needs a handful of fields, so we read those ourselves.
//!
//! Tolerance (RFC 4566 §5 and the robustness principle): LF or CRLF line ends, trailing
//! whitespace, unknown line types and attributes are ignored, `s=` and `t=` may be missing.
//! Strict where a mistake would misroute media: `v=0` first, `o=` present, `c=` and `m=` well
//! formed.

use std::net::IpAddr;

use crate::error::{MalformedReason, MalformedSdp};

/// One parsed SDP body: only what offer/answer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionDescription {
    pub(crate) connection: Option<IpAddr>,
    pub(crate) attributes: Vec<Attribute>,
    pub(crate) media: Vec<MediaDescription>,
}

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaDescription {
    pub(crate) media_type: String,
    pub(crate) port: u16,
    pub(crate) protocol: String,
    pub(crate) formats: Vec<String>,
    pub(crate) connection: Option<IpAddr>,
    pub(crate) attributes: Vec<Attribute>,
}

/// `a=<name>[:<value>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    pub(crate) name: String,
    pub(crate) value: Option<String>,
}

impl MediaDescription {
    pub(crate) fn is_audio(&self) -> bool {
        self.media_type.eq_ignore_ascii_case("audio")
    }

    /// Values of every `a=<name>:…` in this section, in order.
    pub(crate) fn attribute_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.attributes
            .iter()
            .filter(move |a| a.name.eq_ignore_ascii_case(name))
            .filter_map(|a| a.value.as_deref())
    }

    pub(crate) fn attribute_value<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.attribute_values(name).next()
    }
}

/// Parse an SDP body. Bytes that are not UTF-8 are replaced; only ASCII fields matter here.
pub(crate) fn parse(body: &[u8]) -> Result<SessionDescription, MalformedSdp> {
    let text = String::from_utf8_lossy(body);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim_end()))
        .filter(|(_, line)| !line.is_empty());

    let Some((first_number, first)) = lines.next() else {
        return Err(malformed(0, MalformedReason::Empty));
    };
    if first.trim_start_matches('\u{feff}').trim_start() != "v=0" {
        return Err(malformed(first_number, MalformedReason::MissingVersion));
    }

    let mut session = SessionDescription {
        connection: None,
        attributes: Vec::new(),
        media: Vec::new(),
    };
    let mut saw_origin = false;

    for (number, line) in lines {
        let (kind, value) =
            split_type_value(line).ok_or(malformed(number, MalformedReason::NotTypeValue))?;
        match kind {
            'o' => {
                if value.split_ascii_whitespace().count() != 6 {
                    return Err(malformed(number, MalformedReason::BadOrigin));
                }
                saw_origin = true;
            }
            'c' => {
                let address = parse_connection(value)
                    .ok_or(malformed(number, MalformedReason::BadConnection))?;
                match session.media.last_mut() {
                    Some(media) => media.connection = Some(address),
                    None => session.connection = Some(address),
                }
            }
            'm' => {
                let media =
                    parse_media(value).ok_or(malformed(number, MalformedReason::BadMedia))?;
                session.media.push(media);
            }
            'a' => {
                let attribute = parse_attribute(value);
                match session.media.last_mut() {
                    Some(media) => media.attributes.push(attribute),
                    None => session.attributes.push(attribute),
                }
            }
            // s, t, b, i, u, e, p, z, k, r and anything newer: not needed to negotiate.
            _ => {}
        }
    }

    if !saw_origin {
        return Err(malformed(0, MalformedReason::MissingOrigin));
    }
    Ok(session)
}

fn malformed(line: usize, reason: MalformedReason) -> MalformedSdp {
    MalformedSdp { line, reason }
}

fn split_type_value(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let kind = chars.next().filter(char::is_ascii_alphabetic)?;
    let rest = chars.as_str().strip_prefix('=')?;
    Some((kind.to_ascii_lowercase(), rest))
}

/// `IN IP4 <addr>[/ttl[/n]]` or `IN IP6 <addr>[/n]` (RFC 4566 §5.7).
fn parse_connection(value: &str) -> Option<IpAddr> {
    let mut fields = value.split_ascii_whitespace();
    let network = fields.next()?;
    let address_type = fields.next()?;
    let address = fields.next()?;
    if !network.eq_ignore_ascii_case("IN") {
        return None;
    }
    parse_tagged_address(address_type, address)
}

pub(crate) fn parse_tagged_address(address_type: &str, address: &str) -> Option<IpAddr> {
    let literal = address.split('/').next()?;
    let ip: IpAddr = literal.parse().ok()?;
    let family_matches = match address_type.to_ascii_uppercase().as_str() {
        "IP4" => ip.is_ipv4(),
        "IP6" => ip.is_ipv6(),
        _ => false,
    };
    family_matches.then_some(ip)
}

/// `<media> <port>[/<count>] <proto> <fmt> …` (RFC 4566 §5.14). Port-0 lines may have no
/// formats in the wild; we accept that.
fn parse_media(value: &str) -> Option<MediaDescription> {
    let mut fields = value.split_ascii_whitespace();
    let media_type = fields.next()?.to_owned();
    let port_field = fields.next()?;
    let port = port_field.split('/').next()?.parse().ok()?;
    let protocol = fields.next()?.to_owned();
    let formats = fields.map(str::to_owned).collect();
    Some(MediaDescription {
        media_type,
        port,
        protocol,
        formats,
        connection: None,
        attributes: Vec::new(),
    })
}

fn parse_attribute(value: &str) -> Attribute {
    match value.split_once(':') {
        Some((name, value)) => Attribute {
            name: name.trim().to_owned(),
            value: Some(value.trim().to_owned()),
        },
        None => Attribute {
            name: value.trim().to_owned(),
            value: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lf_only_bodies_and_media_level_connection() {
        let body = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n\
                    m=audio 4000 RTP/AVP 0 8\nc=IN IP6 2001:db8::5\na=sendonly\n";
        let sdp = parse(body.as_bytes()).expect("valid");
        assert_eq!(sdp.media.len(), 1);
        assert_eq!(sdp.media[0].formats, ["0", "8"]);
        assert_eq!(
            sdp.media[0].connection,
            Some("2001:db8::5".parse().expect("ip"))
        );
        assert_eq!(sdp.media[0].attributes[0].name, "sendonly");
    }

    #[test]
    fn keeps_non_rtp_media_lines() {
        let body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=image 0 udptl t38\r\n";
        let sdp = parse(body.as_bytes()).expect("valid");
        assert_eq!(sdp.media[0].media_type, "image");
        assert_eq!(sdp.media[0].formats, ["t38"]);
    }

    #[test]
    fn multicast_ttl_suffix_is_dropped() {
        assert_eq!(
            parse_connection("IN IP4 233.252.0.1/127"),
            Some("233.252.0.1".parse().expect("ip"))
        );
    }

    #[test]
    fn rejects_family_mismatch_and_host_names() {
        assert_eq!(parse_connection("IN IP6 192.0.2.1"), None);
        assert_eq!(parse_connection("IN IP4 media.example.com"), None);
    }

    #[test]
    fn reports_line_numbers() {
        let err = parse(b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio x RTP/AVP 0\r\n")
            .expect_err("bad port");
        assert_eq!(err.line, 3);
        assert_eq!(err.reason, MalformedReason::BadMedia);
    }
}
