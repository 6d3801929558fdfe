//! SDES key exchange (RFC 4568): the `a=crypto` attribute of SDP.
//!
//! `a=crypto:<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>]
//! [<session params>]`. We support the two suites every SIP trunk offers,
//! `AES_CM_128_HMAC_SHA1_80` and `AES_CM_128_HMAC_SHA1_32`, one key per attribute, without
//! MKI and without session parameters (they would change the transform: `UNENCRYPTED_SRTP`,
//! `KDR=`...), and refuse the rest so the SDP answer picks another line or refuses.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Master key and salt lengths of the AES_CM_128 suites (RFC 3711 §8.2).
pub const MASTER_KEY_LEN: usize = 16;
pub const MASTER_SALT_LEN: usize = 14;

/// The SRTP crypto suites we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CryptoSuite {
    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag.
    AesCm128HmacSha1_80,
    /// The same with a 32-bit tag on SRTP (SRTCP keeps 80 bits, RFC 4568 §6.2.2).
    AesCm128HmacSha1_32,
}

impl CryptoSuite {
    pub fn name(self) -> &'static str {
        match self {
            Self::AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
            Self::AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::AesCm128HmacSha1_80, Self::AesCm128HmacSha1_32]
            .into_iter()
            .find(|suite| suite.name().eq_ignore_ascii_case(name))
    }

    /// Bytes of authentication tag on SRTP packets.
    pub fn rtp_tag_len(self) -> usize {
        match self {
            Self::AesCm128HmacSha1_80 => 10,
            Self::AesCm128HmacSha1_32 => 4,
        }
    }
}

/// One parsed `a=crypto` attribute.
#[derive(Clone, PartialEq, Eq)]
pub struct SdesCrypto {
    pub tag: u32,
    pub suite: CryptoSuite,
    pub master_key: [u8; MASTER_KEY_LEN],
    pub master_salt: [u8; MASTER_SALT_LEN],
    /// Packets the master key may protect (`2^20` or decimal), when given.
    pub lifetime: Option<u64>,
}

impl std::fmt::Debug for SdesCrypto {
    // Keys stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SdesCrypto")
            .field("tag", &self.tag)
            .field("suite", &self.suite)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// Why an `a=crypto` attribute cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdesError {
    #[error("a=crypto attribute is malformed: {0}")]
    Malformed(&'static str),
    #[error("unsupported crypto suite {0}")]
    UnsupportedSuite(String),
    #[error("only inline: key methods are defined")]
    UnsupportedKeyMethod,
    #[error("key parameters with MKI are not supported")]
    UnsupportedMki,
    #[error("session parameter {0} is not supported")]
    UnsupportedSessionParameter(String),
    #[error("inline key is not base64 of 30 bytes")]
    BadKey,
}

/// Parses an `a=crypto` attribute value (`1 AES_CM_128_HMAC_SHA1_80 inline:...`), with or
/// without the leading `a=crypto:`.
pub fn parse_crypto_attribute(attribute: &str) -> Result<SdesCrypto, SdesError> {
    let value = attribute.trim();
    let value = value
        .strip_prefix("a=crypto:")
        .or_else(|| value.strip_prefix("crypto:"))
        .unwrap_or(value);
    let mut fields = value.split_ascii_whitespace();
    let tag = fields
        .next()
        .and_then(|tag| tag.parse::<u32>().ok())
        .ok_or(SdesError::Malformed("tag is not a number"))?;
    let suite_name = fields
        .next()
        .ok_or(SdesError::Malformed("no crypto suite"))?;
    let suite = CryptoSuite::from_name(suite_name)
        .ok_or_else(|| SdesError::UnsupportedSuite(suite_name.to_owned()))?;
    let key_params = fields
        .next()
        .ok_or(SdesError::Malformed("no key parameters"))?;
    if let Some(parameter) = fields.next() {
        return Err(SdesError::UnsupportedSessionParameter(parameter.to_owned()));
    }
    // Several keys are separated by ';'; the first one is used.
    let first_key = key_params.split(';').next().unwrap_or(key_params);
    let inline = first_key
        .strip_prefix("inline:")
        .ok_or(SdesError::UnsupportedKeyMethod)?;
    let mut parts = inline.split('|');
    let material = STANDARD
        .decode(parts.next().unwrap_or(""))
        .map_err(|_| SdesError::BadKey)?;
    if material.len() != MASTER_KEY_LEN + MASTER_SALT_LEN {
        return Err(SdesError::BadKey);
    }
    let mut lifetime = None;
    for part in parts {
        if part.contains(':') {
            return Err(SdesError::UnsupportedMki);
        }
        lifetime = Some(parse_lifetime(part)?);
    }
    let mut master_key = [0; MASTER_KEY_LEN];
    let mut master_salt = [0; MASTER_SALT_LEN];
    master_key.copy_from_slice(&material[..MASTER_KEY_LEN]);
    master_salt.copy_from_slice(&material[MASTER_KEY_LEN..]);
    Ok(SdesCrypto {
        tag,
        suite,
        master_key,
        master_salt,
        lifetime,
    })
}

fn parse_lifetime(text: &str) -> Result<u64, SdesError> {
    let bad = SdesError::Malformed("lifetime is neither 2^n nor a number");
    match text.strip_prefix("2^") {
        Some(exponent) => exponent
            .parse::<u32>()
            .ok()
            .and_then(|e| 1u64.checked_shl(e))
            .filter(|_| exponent.len() <= 2)
            .ok_or(bad),
        None => text.parse::<u64>().map_err(|_| bad),
    }
}

/// Our `a=crypto` attribute value for an offer or answer. The caller draws `key_and_salt`
/// from a cryptographic random source (sans-IO: no randomness in here).
pub fn format_crypto_attribute(
    tag: u32,
    suite: CryptoSuite,
    key_and_salt: &[u8; MASTER_KEY_LEN + MASTER_SALT_LEN],
) -> String {
    format!(
        "{tag} {} inline:{}",
        suite.name(),
        STANDARD.encode(key_and_salt)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc4568_example() {
        let crypto = parse_crypto_attribute(
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20",
        )
        .unwrap();
        assert_eq!(crypto.tag, 1);
        assert_eq!(crypto.suite, CryptoSuite::AesCm128HmacSha1_80);
        assert_eq!(crypto.lifetime, Some(1 << 20));
        let material = STANDARD
            .decode("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")
            .unwrap();
        assert_eq!(crypto.master_key[..], material[..16]);
        assert_eq!(crypto.master_salt[..], material[16..]);
    }

    #[test]
    fn round_trips_our_own_attribute() {
        let material: [u8; 30] = std::array::from_fn(|i| i as u8);
        let line = format_crypto_attribute(2, CryptoSuite::AesCm128HmacSha1_32, &material);
        let crypto = parse_crypto_attribute(&line).unwrap();
        assert_eq!(
            (crypto.tag, crypto.suite),
            (2, CryptoSuite::AesCm128HmacSha1_32)
        );
        assert_eq!(crypto.master_key[..], material[..16]);
        assert_eq!(crypto.master_salt[..], material[16..]);
        assert_eq!(crypto.lifetime, None);
        assert!(!format!("{crypto:?}").contains("master_key"));
    }

    #[test]
    fn refuses_what_we_do_not_support() {
        let key = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
        let cases = [
            (
                format!("1 AES_256_CM_HMAC_SHA1_80 {key}"),
                SdesError::UnsupportedSuite("AES_256_CM_HMAC_SHA1_80".into()),
            ),
            (
                format!("1 AES_CM_128_HMAC_SHA1_80 {key}|2^20|1:4"),
                SdesError::UnsupportedMki,
            ),
            (
                format!("1 AES_CM_128_HMAC_SHA1_80 {key} UNENCRYPTED_SRTP"),
                SdesError::UnsupportedSessionParameter("UNENCRYPTED_SRTP".into()),
            ),
            (
                "1 AES_CM_128_HMAC_SHA1_80 uri:https://example.invalid".to_owned(),
                SdesError::UnsupportedKeyMethod,
            ),
            (
                "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA".to_owned(),
                SdesError::BadKey,
            ),
            (
                "1 AES_CM_128_HMAC_SHA1_80 inline:!!!!".to_owned(),
                SdesError::BadKey,
            ),
            (
                format!("x AES_CM_128_HMAC_SHA1_80 {key}"),
                SdesError::Malformed("tag is not a number"),
            ),
            ("1".to_owned(), SdesError::Malformed("no crypto suite")),
            (
                "1 AES_CM_128_HMAC_SHA1_80".to_owned(),
                SdesError::Malformed("no key parameters"),
            ),
        ];
        for (line, error) in cases {
            assert_eq!(parse_crypto_attribute(&line), Err(error), "{line}");
        }
        assert!(parse_crypto_attribute(&format!("1 AES_CM_128_HMAC_SHA1_80 {key}|2^99")).is_err());
        assert_eq!(
            parse_crypto_attribute(&format!("1 AES_CM_128_HMAC_SHA1_80 {key}|1000"))
                .unwrap()
                .lifetime,
            Some(1000)
        );
    }
}
