//! Stateless server nonces (the construction RFC 7616 §3.3 suggests: a time stamp plus a
//! keyed hash of it). A nonce carries its own issue time and an HMAC-SHA-256 over that
//! time, the caller's randomness and the realm, so the server needs no table to tell
//! a nonce it issued (check its age: maybe stale) from one it did not (forged, or issued
//! under a previous key).
//!
//! Wire form: 80 lower-case hex digits = issue time (8 bytes, big-endian) ‖ random
//! (16 bytes) ‖ first 16 bytes of the MAC. Hex keeps it a token and a quoted-string alike.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

const TIME_LEN: usize = 8;
const RANDOM_LEN: usize = 16;
const MAC_LEN: usize = 16;
const NONCE_BYTES: usize = TIME_LEN + RANDOM_LEN + MAC_LEN;
/// Separates this MAC from any other use of the same key.
const DOMAIN: &[u8] = b"dialbridge digest nonce v1\0";

/// Issues and checks nonces under one key and realm.
#[derive(Clone)]
pub(crate) struct NonceKey {
    key: Vec<u8>,
    realm: String,
}

/// A nonce that verified: we issued it at `issued_at` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VerifiedNonce {
    pub issued_at: u64,
}

impl NonceKey {
    pub(crate) fn new(key: &[u8], realm: &str) -> Self {
        Self {
            key: key.to_vec(),
            realm: realm.to_owned(),
        }
    }

    pub(crate) fn issue(&self, now_unix_secs: u64, random: [u8; RANDOM_LEN]) -> String {
        let time = now_unix_secs.to_be_bytes();
        let mac = self.mac(&time, &random);
        let mut bytes = Vec::with_capacity(NONCE_BYTES);
        bytes.extend_from_slice(&time);
        bytes.extend_from_slice(&random);
        bytes.extend_from_slice(&mac);
        hex::encode(bytes)
    }

    /// `None` for anything we did not issue under this key and realm.
    pub(crate) fn verify(&self, nonce: &str) -> Option<VerifiedNonce> {
        let mut bytes = [0u8; NONCE_BYTES];
        hex::decode_to_slice(nonce, &mut bytes).ok()?;
        let (time, rest) = bytes.split_at(TIME_LEN);
        let (random, mac) = rest.split_at(RANDOM_LEN);
        let expected = self.mac(time, random);
        if !bool::from(expected.as_slice().ct_eq(mac)) {
            return None;
        }
        let time: [u8; TIME_LEN] = time.try_into().ok()?;
        Some(VerifiedNonce {
            issued_at: u64::from_be_bytes(time),
        })
    }

    fn mac(&self, time: &[u8], random: &[u8]) -> [u8; MAC_LEN] {
        let mut out = [0u8; MAC_LEN];
        // HMAC takes keys of any length, so this cannot fail; fall back to a zero MAC
        // (which then never verifies) rather than panic.
        if let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) {
            mac.update(DOMAIN);
            mac.update(self.realm.as_bytes());
            mac.update(b"\0");
            mac.update(time);
            mac.update(random);
            let full = mac.finalize().into_bytes();
            out.copy_from_slice(&full[..MAC_LEN]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_nonce_verifies_with_its_time() {
        let key = NonceKey::new(b"0123456789abcdef0123456789abcdef", "dialbridge");
        let nonce = key.issue(1_700_000_000, [7; 16]);
        assert_eq!(nonce.len(), 80);
        assert_eq!(
            key.verify(&nonce),
            Some(VerifiedNonce {
                issued_at: 1_700_000_000
            })
        );
    }

    #[test]
    fn tampering_other_key_other_realm_and_garbage_fail() {
        let key = NonceKey::new(b"0123456789abcdef0123456789abcdef", "dialbridge");
        let nonce = key.issue(1_700_000_000, [7; 16]);

        // Move the time forward by one second: the MAC no longer matches.
        let mut later = nonce.clone().into_bytes();
        later[15] = if later[15] == b'0' { b'1' } else { b'0' };
        let later = String::from_utf8(later).expect("ascii");
        assert_eq!(key.verify(&later), None);

        let other_key = NonceKey::new(b"another key, just as long as one", "dialbridge");
        assert_eq!(other_key.verify(&nonce), None);
        let other_realm = NonceKey::new(b"0123456789abcdef0123456789abcdef", "elsewhere");
        assert_eq!(other_realm.verify(&nonce), None);

        for garbage in ["", "zz", &nonce[..78], &format!("{nonce}00"), "ä"] {
            assert_eq!(key.verify(garbage), None, "{garbage:?}");
        }
    }
}
