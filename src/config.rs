//! Effective settings: built-in defaults, overlaid by the TOML file, overlaid by
//! `DIALBRIDGE_*` variables and flags (clap merges those two).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context};
use dialbridge_sip::trunk::TrunkConfig;
use serde::{Deserialize, Serialize};

use crate::cli::ServeArgs;

/// An inclusive UDP port range, written `MIN-MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub min: u16,
    pub max: u16,
}

impl FromStr for PortRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (min, max) = text
            .split_once('-')
            .ok_or_else(|| format!("expected MIN-MAX, got {text:?}"))?;
        let min: u16 = min
            .trim()
            .parse()
            .map_err(|_| format!("bad minimum port {min:?}"))?;
        let max: u16 = max
            .trim()
            .parse()
            .map_err(|_| format!("bad maximum port {max:?}"))?;
        if min == 0 || min > max {
            return Err(format!("port range {min}-{max} is empty or starts at 0"));
        }
        // RTP takes an even port and RTCP the odd one above it (RFC 3550 11), so a range must
        // hold at least one such pair.
        let first_even = min + (min % 2);
        if first_even.checked_add(1).is_none_or(|odd| odd > max) {
            return Err(format!(
                "port range {min}-{max} holds no even/odd RTP/RTCP pair"
            ));
        }
        Ok(PortRange { min, max })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.min, self.max)
    }
}

impl Serialize for PortRange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The TOML file, section by section. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    /// `sqlite://PATH` or `postgres://...`; the embedded SQLite file in the data dir when unset.
    pub database: Option<String>,
    /// Organizer mail: SMTP relay and sender (`.eml` files in the data dir without SMTP).
    pub mail: Option<dialbridge_admin::mail::MailConfig>,
    #[serde(default)]
    pub sip: SipSection,
    #[serde(default)]
    pub http: HttpSection,
    #[serde(default)]
    pub media: MediaSection,
    #[serde(default)]
    pub conference: ConferenceSection,
    /// `[[trunk]]` tables: who may send us calls.
    #[serde(default, rename = "trunk")]
    pub trunks: Vec<TrunkConfig>,
    /// `[[direct_conference]]` tables: called numbers that skip the IVR.
    #[serde(default, rename = "direct_conference")]
    pub direct_conferences: Vec<DirectConference>,
    /// `[[outbound_trunk]]` tables: where dial-out calls go.
    #[serde(default, rename = "outbound_trunk")]
    pub outbound_trunks: Vec<dialbridge_dialout::trunk::OutboundTrunkConfig>,
    #[serde(default)]
    pub dial_out: DialOutSection,
}

/// `[dial_out]`: how dial-out calls behave on every trunk.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialOutSection {
    /// Seconds a dial-out rings before we give up (no answer) [default: 45].
    pub ring_timeout_secs: Option<u64>,
}

/// A called number that puts callers straight into a named conference, without greeting,
/// conference ID or PIN, and with anonymous start: for tests, load benchmarks and open
/// rooms an operator wants reachable by number alone. Only callers a trunk admits reach it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DirectConference {
    /// The called number in E.164, as the trunk normalizes it (`+15550100`).
    pub number: String,
    pub conference: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SipSection {
    pub listen: Option<SocketAddr>,
    pub public_address: Option<IpAddr>,
    /// Session-Expires we propose and the smallest we accept (RFC 4028), in seconds.
    pub session_expires: Option<u32>,
    pub min_session_expires: Option<u32>,
    /// Largest SIP message accepted on a TCP connection, in bytes.
    pub max_message_bytes: Option<usize>,
    /// Digest realm in our challenges to trunks that authenticate (RFC 3261 22.1).
    pub realm: Option<String>,
    /// Send 180 Ringing and answer after this many milliseconds (0: answer at once).
    pub answer_after_ms: Option<u64>,
    /// Digest algorithms offered to authenticating trunks, one challenge each, strongest
    /// first (RFC 8760). Some older UACs read only the first challenge: list "MD5" alone
    /// for them.
    pub digest_algorithms: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    pub listen: Option<SocketAddr>,
    /// How people reach the HTTP listener from outside (links in mails and invitations).
    pub public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSection {
    pub rtp_ports: Option<PortRange>,
    /// Media worker threads; default one per core.
    pub workers: Option<usize>,
    /// Where the prompt set is: `<dir>/<language>/<key>.opus` (or an operator's `.wav`).
    pub prompts_dir: Option<PathBuf>,
    /// Prompt languages to load (each takes 10-20 MB decoded); default every one found.
    pub prompt_languages: Option<Vec<String>>,
    /// Music on hold, Ogg Opus or WAV; default `<prompts_dir>/music/default.opus`.
    pub music_on_hold: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceSection {
    /// Callers in one meeting, lobby included; the next hears "this meeting is full".
    pub max_participants: Option<usize>,
}

/// What `serve` runs with, every value decided.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// None: the embedded SQLite file in `data_dir`.
    pub database: Option<String>,
    #[serde(skip)]
    pub mail: dialbridge_admin::mail::MailConfig,
    pub public_url: String,
    pub sip_listen: SocketAddr,
    pub http_listen: SocketAddr,
    pub rtp_ports: PortRange,
    /// The address peers should reach us at (Contact, Via, SDP `c=`).
    pub public_address: IpAddr,
    pub session_expires: u32,
    pub min_session_expires: u32,
    pub max_message_bytes: usize,
    pub realm: String,
    pub answer_after_ms: u64,
    pub digest_algorithms: Vec<String>,
    pub demo: bool,
    #[serde(rename = "trunk")]
    pub trunks: Vec<TrunkConfig>,
    pub media_workers: usize,
    pub max_participants: usize,
    pub prompts_dir: Option<PathBuf>,
    pub prompt_languages: Option<Vec<String>>,
    pub music_on_hold: Option<PathBuf>,
    #[serde(rename = "direct_conference")]
    pub direct_conferences: Vec<DirectConference>,
    /// Validated `[[outbound_trunk]]`s; empty means no dial-out.
    #[serde(serialize_with = "outbound_trunk_summaries")]
    pub outbound_trunks: Vec<dialbridge_dialout::trunk::OutboundTrunk>,
    #[serde(serialize_with = "whole_seconds")]
    pub dial_out_ring_timeout: std::time::Duration,
}

/// `print-config` shows each outbound trunk's name, proxy and way of authenticating, never
/// its password.
fn outbound_trunk_summaries<S: serde::Serializer>(
    trunks: &[dialbridge_dialout::trunk::OutboundTrunk],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use dialbridge_dialout::trunk::TrunkAuth;
    serializer.collect_seq(trunks.iter().map(|trunk| {
        let auth = match &trunk.auth {
            TrunkAuth::Ip => "ip".to_owned(),
            TrunkAuth::Digest(digest) => format!("digest as {}", digest.username),
            TrunkAuth::Register(register) => format!("register as {}", register.username),
        };
        format!("{} via {} ({auth})", trunk.name, trunk.proxy.uri_hostport())
    }))
}

fn whole_seconds<S: serde::Serializer>(
    duration: &std::time::Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(duration.as_secs())
}

pub const DEFAULT_SIP_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 5060);
pub const DEFAULT_HTTP_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
pub const DEFAULT_RTP_PORTS: PortRange = PortRange {
    min: 20000,
    max: 30000,
};
/// RFC 4028 recommends 1800 s; 90 s is its floor for Min-SE.
pub const DEFAULT_SESSION_EXPIRES: u32 = 1800;
pub const DEFAULT_MIN_SESSION_EXPIRES: u32 = 90;
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024;

impl Settings {
    pub fn load(args: &ServeArgs) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let sip_listen = args
            .sip_listen
            .or(file.sip.listen)
            .unwrap_or(DEFAULT_SIP_LISTEN);
        let public_address = args
            .public_address
            .or(file.sip.public_address)
            .unwrap_or_else(|| guess_public_address(sip_listen));
        let session_expires = file.sip.session_expires.unwrap_or(DEFAULT_SESSION_EXPIRES);
        let min_session_expires = file
            .sip
            .min_session_expires
            .unwrap_or(DEFAULT_MIN_SESSION_EXPIRES);
        if min_session_expires < 90 {
            bail!("sip.min_session_expires must be at least 90 (RFC 4028 section 4)");
        }
        if session_expires < min_session_expires {
            bail!("sip.session_expires ({session_expires}) is below sip.min_session_expires ({min_session_expires})");
        }
        let http_listen = args
            .http_listen
            .or(file.http.listen)
            .unwrap_or(DEFAULT_HTTP_LISTEN);
        Ok(Settings {
            database: args.database.clone().or(file.database),
            mail: file.mail.unwrap_or_default(),
            public_url: file
                .http
                .public_url
                .unwrap_or_else(|| format!("http://{http_listen}/")),
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            sip_listen,
            http_listen,
            rtp_ports: args
                .rtp_ports
                .or(file.media.rtp_ports)
                .unwrap_or(DEFAULT_RTP_PORTS),
            public_address,
            session_expires,
            min_session_expires,
            max_message_bytes: file
                .sip
                .max_message_bytes
                .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES),
            realm: file.sip.realm.unwrap_or_else(|| "dialbridge".to_owned()),
            answer_after_ms: file.sip.answer_after_ms.unwrap_or(0),
            digest_algorithms: file
                .sip
                .digest_algorithms
                .unwrap_or_else(|| vec!["SHA-256".to_owned(), "MD5".to_owned()]),
            demo: args.demo,
            trunks: file.trunks,
            media_workers: match file.media.workers {
                Some(0) => bail!("media.workers must be at least 1"),
                Some(workers) => workers,
                None => std::thread::available_parallelism().map_or(1, usize::from),
            },
            direct_conferences: validate_direct_conferences(file.direct_conferences)?,
            max_participants: match file.conference.max_participants {
                Some(0) => bail!("conference.max_participants must be at least 1"),
                Some(max) => max,
                None => dialbridge_conference::meeting::DEFAULT_MAX_PARTICIPANTS,
            },
            outbound_trunks: dialbridge_dialout::trunk::OutboundTrunk::from_configs(
                file.outbound_trunks,
            )
            .map_err(|error| anyhow::anyhow!("invalid [[outbound_trunk]]: {error}"))?,
            dial_out_ring_timeout: match file.dial_out.ring_timeout_secs {
                Some(0) => bail!("dial_out.ring_timeout_secs must be at least 1"),
                Some(secs) => std::time::Duration::from_secs(secs),
                None => dialbridge_dialout::outcome::DEFAULT_RING_TIMEOUT,
            },
            prompts_dir: file.media.prompts_dir.or_else(default_prompts_dir),
            prompt_languages: file.media.prompt_languages,
            music_on_hold: file.media.music_on_hold,
        })
    }
}

/// `./prompts` when run from a checkout or an unpacked release, else the checkout this
/// binary was built from (a developer's `cargo run` anywhere).
fn default_prompts_dir() -> Option<PathBuf> {
    [
        PathBuf::from("prompts"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"),
    ]
    .into_iter()
    .find(|dir| {
        dir.join(dialbridge_media::prompt::FALLBACK_LANGUAGE)
            .is_dir()
    })
}

fn validate_direct_conferences(
    routes: Vec<DirectConference>,
) -> anyhow::Result<Vec<DirectConference>> {
    let mut seen = std::collections::HashSet::new();
    for route in &routes {
        let digits = route.number.strip_prefix('+').unwrap_or("");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            bail!(
                "direct_conference number {:?} must be E.164, like \"+15550100\"",
                route.number
            );
        }
        if route.conference.trim().is_empty() {
            bail!(
                "direct_conference {:?} needs a conference name",
                route.number
            );
        }
        if !seen.insert(route.number.as_str()) {
            bail!(
                "direct_conference number {:?} is listed twice",
                route.number
            );
        }
    }
    Ok(routes)
}

fn read_file_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// A wildcard listen address cannot be written into a Contact header; without a
/// configured public address, loopback is the only safe guess (it works for the demo
/// and for a softphone on the same machine).
fn guess_public_address(listen: SocketAddr) -> IpAddr {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_parses_and_rejects() {
        assert_eq!(
            "20000-30000".parse(),
            Ok(PortRange {
                min: 20000,
                max: 30000
            })
        );
        assert!("30000-20000".parse::<PortRange>().is_err());
        assert!("0-10".parse::<PortRange>().is_err());
        assert!("20001-20001".parse::<PortRange>().is_err());
        assert!("20001-20002".parse::<PortRange>().is_err());
        assert!("20001-20003".parse::<PortRange>().is_ok());
        assert!("abc".parse::<PortRange>().is_err());
    }

    #[test]
    fn flags_override_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("dialbridge.toml");
        std::fs::write(
            &path,
            "data_dir = \"/var/lib/x\"\n[sip]\nlisten = \"127.0.0.1:5070\"\n[media]\nrtp_ports = \"40000-40100\"\n",
        )
        .expect("write config");
        let args = ServeArgs {
            config: Some(path),
            rtp_ports: Some(PortRange {
                min: 50000,
                max: 50010,
            }),
            ..ServeArgs::default()
        };
        let settings = Settings::load(&args).expect("load");
        assert_eq!(settings.sip_listen, "127.0.0.1:5070".parse().expect("addr"));
        assert_eq!(
            settings.rtp_ports,
            PortRange {
                min: 50000,
                max: 50010
            }
        );
        assert_eq!(settings.data_dir, PathBuf::from("/var/lib/x"));
        assert_eq!(settings.http_listen, DEFAULT_HTTP_LISTEN);
        assert_eq!(
            settings.public_address,
            "127.0.0.1".parse::<IpAddr>().expect("ip")
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[sip]\nlisten_addr = \"1.2.3.4:5\"\n").expect("write");
        let args = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        let error = Settings::load(&args).expect_err("must fail");
        assert!(format!("{error:#}").contains("listen_addr"), "{error:#}");
    }
}

#[cfg(test)]
mod example_file {
    use super::*;

    /// The example in the repository is what the docs point operators to: it must load.
    #[test]
    fn example_config_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialbridge.example.toml");
        let args = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        let settings = Settings::load(&args).expect("example config loads");
        assert_eq!(settings.trunks.len(), 2);
        assert_eq!(settings.digest_algorithms, ["SHA-256", "MD5"]);
        assert_eq!(settings.rtp_ports, DEFAULT_RTP_PORTS);
        let digest = dialbridge_sip::auth::DigestServer::new(
            dialbridge_sip::auth::DigestServerConfig::new("test", vec![7u8; 32]),
        )
        .expect("digest server");
        dialbridge_sip::trunk::TrunkTable::new(settings.trunks, digest)
            .expect("example trunks are valid");
        assert!(settings.outbound_trunks.is_empty(), "dial-out is off");
    }

    /// The commented outbound trunk, once uncommented as an operator would, is valid.
    #[test]
    fn example_outbound_trunk_loads_when_uncommented() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialbridge.example.toml");
        let text = std::fs::read_to_string(path).expect("example");
        let start = text.find("# [[outbound_trunk]]").expect("outbound example");
        let uncommented: String = text[start..]
            .lines()
            .map(|line| {
                line.strip_prefix("# ")
                    .unwrap_or(line.trim_start_matches('#'))
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("dialbridge.toml");
        std::fs::write(&file, uncommented).expect("write");
        let args = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        };
        let settings = Settings::load(&args).expect("uncommented example loads");
        assert_eq!(settings.outbound_trunks.len(), 1);
        assert_eq!(settings.outbound_trunks[0].name, "carrier-out");
        assert_eq!(
            settings.dial_out_ring_timeout,
            std::time::Duration::from_secs(45)
        );
    }
}
