//! Which RTP transport profiles (the `m=` protocol field) we can carry.

/// Plain RTP. AVPF (RFC 4585) is accepted too: without `a=rtcp-fb` it behaves as AVP apart
/// from RTCP timing, and answering with the offered protocol is what RFC 3264 §6 asks.
pub(crate) fn is_plain_rtp(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("RTP/AVP") || protocol.eq_ignore_ascii_case("RTP/AVPF")
}

/// SRTP with keys in the SDP (RFC 4568 SDES): `RTP/SAVP`, or `RTP/SAVPF` (RFC 5124).
/// DTLS-SRTP (`UDP/TLS/RTP/SAVP`) is a different key exchange we do not do.
pub(crate) fn is_sdes_srtp(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("RTP/SAVP") || protocol.eq_ignore_ascii_case("RTP/SAVPF")
}

/// The crypto suites our SRTP implements (RFC 4568 §6.2), in our order of preference.
pub const SDES_SUITES: [&str; 2] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"];

/// The offered `a=crypto` line we can take: the first whose suite we implement, keyed by
/// one inline key without MKI, and without session parameters (RFC 4568 §6.3: an answerer
/// that does not understand a parameter must not pick that line). Returns its tag and suite.
pub(crate) fn usable_crypto(value: &str) -> Option<(&str, &str)> {
    let mut fields = value.split_ascii_whitespace();
    let tag = fields.next()?;
    let suite = fields.next()?;
    let key_params = fields.next()?;
    if fields.next().is_some()
        || !tag.bytes().all(|b| b.is_ascii_digit())
        || tag.len() > 9
        || !SDES_SUITES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(suite))
        || !key_params.starts_with("inline:")
        || key_params.contains(';')
        || key_params.matches('|').count() > 1
        || key_params
            .split('|')
            .nth(1)
            .is_some_and(|second| second.contains(':'))
    {
        return None;
    }
    Some((tag, suite))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_crypto_lines_are_ours_single_key_without_mki_or_session_parameters() {
        let key = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoc2VsZi5v";
        assert_eq!(
            usable_crypto(&format!("1 AES_CM_128_HMAC_SHA1_80 {key}")),
            Some(("1", "AES_CM_128_HMAC_SHA1_80"))
        );
        assert_eq!(
            usable_crypto(&format!("2 AES_CM_128_HMAC_SHA1_32 {key}|2^20")),
            Some(("2", "AES_CM_128_HMAC_SHA1_32"))
        );
        assert_eq!(
            usable_crypto(&format!("1 AES_256_CM_HMAC_SHA1_80 {key}")),
            None
        );
        assert_eq!(
            usable_crypto(&format!("1 AES_CM_128_HMAC_SHA1_80 {key}|2^20|1:4")),
            None
        );
        assert_eq!(
            usable_crypto(&format!("1 AES_CM_128_HMAC_SHA1_80 {key} KDR=1")),
            None
        );
        assert_eq!(usable_crypto("1 AES_CM_128_HMAC_SHA1_80"), None);
        assert!(is_sdes_srtp("RTP/SAVP") && !is_sdes_srtp("UDP/TLS/RTP/SAVP"));
    }
}
