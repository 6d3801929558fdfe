//! The SRTP and SRTCP transforms (RFC 3711) for AES-CM with HMAC-SHA1, in place on the
//! caller's buffer.

use super::sdes::{CryptoSuite, SdesCrypto, MASTER_KEY_LEN, MASTER_SALT_LEN};
use aes::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha1::Sha1;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;
type HmacSha1 = Hmac<Sha1>;

const RTP_HEADER_LEN: usize = 12;
/// SRTCP encrypts after the first RTCP header and sender SSRC.
const RTCP_HEADER_LEN: usize = 8;
const SRTCP_INDEX_LEN: usize = 4;
const SRTCP_TAG_LEN: usize = 10;
const AUTH_KEY_LEN: usize = 20;
/// Packets remembered behind the highest index for replay protection (RFC 3711 §3.3.2).
const REPLAY_WINDOW: u64 = 64;
/// RFC 3711 §4.3.1 key derivation labels.
const LABEL_RTP_ENCRYPTION: u8 = 0;
const LABEL_RTP_AUTH: u8 = 1;
const LABEL_RTP_SALT: u8 = 2;
const LABEL_RTCP_ENCRYPTION: u8 = 3;
const LABEL_RTCP_AUTH: u8 = 4;
const LABEL_RTCP_SALT: u8 = 5;

/// Why a packet could not be protected or unprotected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrtpError {
    #[error("packet too short for its header and tag")]
    TooShort,
    #[error("buffer has no room for the authentication tag")]
    NoRoom,
    #[error("authentication failed")]
    AuthenticationFailed,
    #[error("replayed or too old packet")]
    Replayed,
}

/// The session keys for one direction and packet kind.
#[derive(Clone)]
struct SessionKeys {
    cipher_key: [u8; MASTER_KEY_LEN],
    salt: [u8; MASTER_SALT_LEN],
    auth: HmacSha1,
}

/// Per-SSRC state: the rollover counter and replay window (RFC 3711 §3.3.1, appendix A).
#[derive(Debug, Clone, Copy)]
struct StreamState {
    ssrc: u32,
    rollover: u32,
    highest_sequence: u16,
    /// Bit n set: index `highest - n` was seen.
    replay_bits: u64,
    started: bool,
    /// SRTCP: the next index we send / the highest received.
    rtcp_index: u32,
    rtcp_replay_bits: u64,
    rtcp_started: bool,
}

impl StreamState {
    fn new(ssrc: u32) -> Self {
        Self {
            ssrc,
            rollover: 0,
            highest_sequence: 0,
            replay_bits: 0,
            started: false,
            rtcp_index: 0,
            rtcp_replay_bits: 0,
            rtcp_started: false,
        }
    }

    fn highest_index(&self) -> u64 {
        (u64::from(self.rollover) << 16) | u64::from(self.highest_sequence)
    }

    /// RFC 3711 appendix A: the rollover counter a received sequence number belongs to.
    fn estimate_rollover(&self, sequence: u16) -> u32 {
        if !self.started {
            return self.rollover;
        }
        let (s_l, seq) = (i32::from(self.highest_sequence), i32::from(sequence));
        if s_l < 32_768 {
            if seq - s_l > 32_768 {
                self.rollover.wrapping_sub(1)
            } else {
                self.rollover
            }
        } else if s_l - 32_768 > seq {
            self.rollover.wrapping_add(1)
        } else {
            self.rollover
        }
    }
}

/// One direction of SRTP and SRTCP under one master key: use one context with our key to
/// protect what we send, and one with the far end's key to unprotect what it sends.
pub struct SrtpContext {
    suite: CryptoSuite,
    rtp: SessionKeys,
    rtcp: SessionKeys,
    streams: Vec<StreamState>,
}

impl std::fmt::Debug for SrtpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrtpContext")
            .field("suite", &self.suite)
            .field("streams", &self.streams.len())
            .finish_non_exhaustive()
    }
}

/// At most this many SSRCs are tracked; the oldest is forgotten (a call has one or two).
const MAX_STREAMS: usize = 8;

impl SrtpContext {
    pub fn new(
        suite: CryptoSuite,
        master_key: &[u8; MASTER_KEY_LEN],
        master_salt: &[u8; MASTER_SALT_LEN],
    ) -> Self {
        Self {
            suite,
            rtp: derive_keys(
                master_key,
                master_salt,
                [LABEL_RTP_ENCRYPTION, LABEL_RTP_AUTH, LABEL_RTP_SALT],
            ),
            rtcp: derive_keys(
                master_key,
                master_salt,
                [LABEL_RTCP_ENCRYPTION, LABEL_RTCP_AUTH, LABEL_RTCP_SALT],
            ),
            streams: Vec::with_capacity(MAX_STREAMS),
        }
    }

    pub fn from_sdes(crypto: &SdesCrypto) -> Self {
        Self::new(crypto.suite, &crypto.master_key, &crypto.master_salt)
    }

    /// Bytes `protect_rtp` adds.
    pub fn rtp_overhead(&self) -> usize {
        self.suite.rtp_tag_len()
    }

    /// Bytes `protect_rtcp` adds.
    pub fn rtcp_overhead(&self) -> usize {
        SRTCP_INDEX_LEN + SRTCP_TAG_LEN
    }

    fn stream(&mut self, ssrc: u32) -> &mut StreamState {
        let at = match self.streams.iter().position(|s| s.ssrc == ssrc) {
            Some(at) => at,
            None => {
                if self.streams.len() == MAX_STREAMS {
                    self.streams.remove(0);
                }
                self.streams.push(StreamState::new(ssrc));
                self.streams.len() - 1
            }
        };
        &mut self.streams[at]
    }

    /// Encrypts and authenticates the RTP packet in `buf[..len]` in place, appending the
    /// tag; returns the SRTP length. `buf` needs `rtp_overhead()` bytes of room after `len`.
    pub fn protect_rtp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        let tag_len = self.suite.rtp_tag_len();
        if buf.len() < len + tag_len {
            return Err(SrtpError::NoRoom);
        }
        let header_len = rtp_header_len(&buf[..len])?;
        let sequence = u16::from_be_bytes([buf[2], buf[3]]);
        let ssrc = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
        let stream = self.stream(ssrc);
        // The sender's rollover counter counts its own wraps.
        if stream.started
            && sequence < stream.highest_sequence
            && stream.highest_sequence - sequence > 32_768
        {
            stream.rollover = stream.rollover.wrapping_add(1);
        }
        if !stream.started || sequence.wrapping_sub(stream.highest_sequence) < 32_768 {
            stream.highest_sequence = sequence;
        }
        stream.started = true;
        let rollover = stream.rollover;
        let index = (u64::from(rollover) << 16) | u64::from(sequence);
        apply_keystream(&self.rtp, ssrc, index, &mut buf[header_len..len]);
        let tag = rtp_tag(&self.rtp.auth, &buf[..len], rollover);
        buf[len..len + tag_len].copy_from_slice(&tag[..tag_len]);
        Ok(len + tag_len)
    }

    /// Authenticates and decrypts the SRTP packet in `buf` in place; returns the RTP length.
    /// Replayed packets and forged or damaged ones are refused and leave the state alone.
    pub fn unprotect_rtp(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let tag_len = self.suite.rtp_tag_len();
        let Some(len) = buf.len().checked_sub(tag_len) else {
            return Err(SrtpError::TooShort);
        };
        let header_len = rtp_header_len(&buf[..len])?;
        let sequence = u16::from_be_bytes([buf[2], buf[3]]);
        let ssrc = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
        let stream = *self.stream(ssrc);
        let rollover = stream.estimate_rollover(sequence);
        let index = (u64::from(rollover) << 16) | u64::from(sequence);
        if stream.started {
            let highest = stream.highest_index();
            if index <= highest {
                let behind = highest - index;
                if behind >= REPLAY_WINDOW || stream.replay_bits & (1 << behind) != 0 {
                    return Err(SrtpError::Replayed);
                }
            }
        }
        let mut mac = self.rtp.auth.clone();
        mac.update(&buf[..len]);
        mac.update(&rollover.to_be_bytes());
        mac.verify_truncated_left(&buf[len..])
            .map_err(|_| SrtpError::AuthenticationFailed)?;
        apply_keystream(&self.rtp, ssrc, index, &mut buf[header_len..len]);

        let stream = self.stream(ssrc);
        if !stream.started || index > stream.highest_index() {
            let shift = if stream.started {
                index - stream.highest_index()
            } else {
                REPLAY_WINDOW
            };
            stream.replay_bits = if shift >= REPLAY_WINDOW {
                1
            } else {
                (stream.replay_bits << shift) | 1
            };
            stream.rollover = rollover;
            stream.highest_sequence = sequence;
            stream.started = true;
        } else {
            stream.replay_bits |= 1 << (stream.highest_index() - index);
        }
        Ok(len)
    }

    /// Encrypts and authenticates the compound RTCP packet in `buf[..len]` in place,
    /// appending E flag, SRTCP index and tag; returns the SRTCP length.
    pub fn protect_rtcp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        let total = len + SRTCP_INDEX_LEN + SRTCP_TAG_LEN;
        if buf.len() < total {
            return Err(SrtpError::NoRoom);
        }
        if len < RTCP_HEADER_LEN {
            return Err(SrtpError::TooShort);
        }
        let ssrc = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        let stream = self.stream(ssrc);
        let index = stream.rtcp_index & 0x7FFF_FFFF;
        stream.rtcp_index = (index + 1) & 0x7FFF_FFFF;
        apply_keystream(
            &self.rtcp,
            ssrc,
            u64::from(index),
            &mut buf[RTCP_HEADER_LEN..len],
        );
        buf[len..len + SRTCP_INDEX_LEN].copy_from_slice(&(index | 0x8000_0000).to_be_bytes());
        let authenticated = len + SRTCP_INDEX_LEN;
        let mut mac = self.rtcp.auth.clone();
        mac.update(&buf[..authenticated]);
        let tag = mac.finalize().into_bytes();
        buf[authenticated..total].copy_from_slice(&tag[..SRTCP_TAG_LEN]);
        Ok(total)
    }

    /// Authenticates and (when the E flag says so) decrypts an SRTCP packet in place;
    /// returns the RTCP length.
    pub fn unprotect_rtcp(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let Some(authenticated) = buf.len().checked_sub(SRTCP_TAG_LEN) else {
            return Err(SrtpError::TooShort);
        };
        let Some(len) = authenticated.checked_sub(SRTCP_INDEX_LEN) else {
            return Err(SrtpError::TooShort);
        };
        if len < RTCP_HEADER_LEN {
            return Err(SrtpError::TooShort);
        }
        let field = u32::from_be_bytes([buf[len], buf[len + 1], buf[len + 2], buf[len + 3]]);
        let (encrypted, index) = (field & 0x8000_0000 != 0, field & 0x7FFF_FFFF);
        let ssrc = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        let stream = *self.stream(ssrc);
        if stream.rtcp_started && index <= stream.rtcp_index {
            let behind = u64::from(stream.rtcp_index - index);
            if behind >= REPLAY_WINDOW || stream.rtcp_replay_bits & (1 << behind) != 0 {
                return Err(SrtpError::Replayed);
            }
        }
        let mut mac = self.rtcp.auth.clone();
        mac.update(&buf[..authenticated]);
        mac.verify_truncated_left(&buf[authenticated..])
            .map_err(|_| SrtpError::AuthenticationFailed)?;
        if encrypted {
            apply_keystream(
                &self.rtcp,
                ssrc,
                u64::from(index),
                &mut buf[RTCP_HEADER_LEN..len],
            );
        }
        let stream = self.stream(ssrc);
        if !stream.rtcp_started || index > stream.rtcp_index {
            let shift = if stream.rtcp_started {
                u64::from(index - stream.rtcp_index)
            } else {
                REPLAY_WINDOW
            };
            stream.rtcp_replay_bits = if shift >= REPLAY_WINDOW {
                1
            } else {
                (stream.rtcp_replay_bits << shift) | 1
            };
            stream.rtcp_index = index;
            stream.rtcp_started = true;
        } else {
            stream.rtcp_replay_bits |= 1 << (stream.rtcp_index - index);
        }
        Ok(len)
    }
}

/// RTP header length with CSRCs and the extension; the payload (and padding) is encrypted.
fn rtp_header_len(packet: &[u8]) -> Result<usize, SrtpError> {
    if packet.len() < RTP_HEADER_LEN {
        return Err(SrtpError::TooShort);
    }
    let mut len = RTP_HEADER_LEN + 4 * usize::from(packet[0] & 0x0F);
    if packet[0] & 0x10 != 0 {
        let words = packet.get(len + 2..len + 4).ok_or(SrtpError::TooShort)?;
        len += 4 + 4 * usize::from(u16::from_be_bytes([words[0], words[1]]));
    }
    if len > packet.len() {
        return Err(SrtpError::TooShort);
    }
    Ok(len)
}

/// AES-CM (RFC 3711 §4.1.1): IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16).
fn apply_keystream(keys: &SessionKeys, ssrc: u32, index: u64, data: &mut [u8]) {
    let mut iv = [0u8; 16];
    iv[..MASTER_SALT_LEN].copy_from_slice(&keys.salt);
    for (byte, ssrc_byte) in iv[4..8].iter_mut().zip(ssrc.to_be_bytes()) {
        *byte ^= ssrc_byte;
    }
    for (byte, index_byte) in iv[8..14].iter_mut().zip(&index.to_be_bytes()[2..]) {
        *byte ^= index_byte;
    }
    let mut cipher = Aes128Ctr::new(&keys.cipher_key.into(), &iv.into());
    cipher.apply_keystream(data);
}

fn rtp_tag(auth: &HmacSha1, authenticated: &[u8], rollover: u32) -> [u8; 20] {
    let mut mac = auth.clone();
    mac.update(authenticated);
    mac.update(&rollover.to_be_bytes());
    mac.finalize().into_bytes().into()
}

/// RFC 3711 §4.3 with a key derivation rate of 0 (the SDES default): each session key is
/// the AES-CM keystream under the master key with IV = (master salt XOR label << 48) << 16.
fn derive_session_key(
    master_key: &[u8; MASTER_KEY_LEN],
    master_salt: &[u8; MASTER_SALT_LEN],
    label: u8,
    out: &mut [u8],
) {
    let mut iv = [0u8; 16];
    iv[..MASTER_SALT_LEN].copy_from_slice(master_salt);
    iv[7] ^= label;
    out.fill(0);
    let mut cipher = Aes128Ctr::new(&(*master_key).into(), &iv.into());
    cipher.apply_keystream(out);
}

fn derive_keys(
    master_key: &[u8; MASTER_KEY_LEN],
    master_salt: &[u8; MASTER_SALT_LEN],
    [encryption, auth, salt]: [u8; 3],
) -> SessionKeys {
    let mut cipher_key = [0u8; MASTER_KEY_LEN];
    let mut session_salt = [0u8; MASTER_SALT_LEN];
    let mut auth_key = [0u8; AUTH_KEY_LEN];
    derive_session_key(master_key, master_salt, encryption, &mut cipher_key);
    derive_session_key(master_key, master_salt, salt, &mut session_salt);
    derive_session_key(master_key, master_salt, auth, &mut auth_key);
    SessionKeys {
        cipher_key,
        salt: session_salt,
        auth: hmac_with_key(&auth_key),
    }
}

fn hmac_with_key(key: &[u8]) -> HmacSha1 {
    // HMAC takes keys of any length, so this cannot fail.
    <HmacSha1 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn rfc_master() -> ([u8; 16], [u8; 14]) {
        (
            hex("E1F97A0D3E018BE0D64FA32C06DE4139").try_into().unwrap(),
            hex("0EC675AD498AFEEBB6960B3AABE6").try_into().unwrap(),
        )
    }

    #[test]
    fn rfc3711_b2_aes_cm_keystream() {
        let keys = SessionKeys {
            cipher_key: hex("2B7E151628AED2A6ABF7158809CF4F3C").try_into().unwrap(),
            salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD").try_into().unwrap(),
            auth: hmac_with_key(&[0; 20]),
        };
        let mut stream = [0u8; 48];
        apply_keystream(&keys, 0, 0, &mut stream);
        assert_eq!(
            stream[..],
            hex(concat!(
                "E03EAD0935C95E80E166B16DD92B4EB4",
                "D23513162B02D0F72A43A2FE4A5F97AB",
                "41E95B3BB0A2E8DD477901E4FCA894C0"
            ))[..]
        );
    }

    #[test]
    fn rfc3711_b3_key_derivation() {
        let (key, salt) = rfc_master();
        let keys = derive_keys(&key, &salt, [0, 1, 2]);
        assert_eq!(
            keys.cipher_key[..],
            hex("C61E7A93744F39EE10734AFE3FF7A087")[..]
        );
        assert_eq!(keys.salt[..], hex("30CBBC08863D8C85D49DB34A9AE1")[..]);
        let mut auth_key = [0u8; 20];
        derive_session_key(&key, &salt, LABEL_RTP_AUTH, &mut auth_key);
        assert_eq!(
            auth_key[..],
            hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")[..]
        );
        // The SRTCP labels, as other implementations derive them.
        let rtcp = derive_keys(&key, &salt, [3, 4, 5]);
        assert_eq!(
            rtcp.cipher_key[..],
            hex("4C1AA45A81F73D61C800BBB00FBB1EAA")[..]
        );
        assert_eq!(rtcp.salt[..], hex("9581C7AD87B3E530BF3E4454A8B3")[..]);
        derive_session_key(&key, &salt, LABEL_RTCP_AUTH, &mut auth_key);
        assert_eq!(
            auth_key[..],
            hex("8D54534FEB49AE8E7993A6BD0B844FC323A93DFD")[..]
        );
    }

    /// libsrtp's `srtp_driver` reference packet under the RFC 3711 B.3 master key.
    #[test]
    fn srtp_reference_packet_protects_and_unprotects() {
        let (key, salt) = rfc_master();
        let plain = hex("800f1234decafbadcafebabeabababababababababababababababab");
        let expected = hex(concat!(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402",
            "b78d6acc99ea179b8dbb"
        ));
        let mut sender = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_80, &key, &salt);
        let mut buf = [0u8; 64];
        buf[..plain.len()].copy_from_slice(&plain);
        let len = sender.protect_rtp(&mut buf, plain.len()).unwrap();
        assert_eq!(buf[..len], expected[..]);

        let mut receiver = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_80, &key, &salt);
        let mut packet = expected.clone();
        let len = receiver.unprotect_rtp(&mut packet).unwrap();
        assert_eq!(packet[..len], plain[..]);
        let mut replay = expected.clone();
        assert_eq!(
            receiver.unprotect_rtp(&mut replay),
            Err(SrtpError::Replayed)
        );
    }

    #[test]
    fn srtcp_reference_packet_protects_and_unprotects() {
        let (key, salt) = rfc_master();
        let plain = hex("81c8000bcafebabeabababababababababababababababab");
        let expected = hex(concat!(
            "81c8000bcafebabe7128035be487b9bdbef89041f977a5a8",
            "80000001993e08cd54d6c1230798"
        ));
        let mut sender = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_80, &key, &salt);
        let mut buf = [0u8; 64];
        // The reference packet carries SRTCP index 1: protect twice.
        for _ in 0..2 {
            buf[..plain.len()].copy_from_slice(&plain);
            let len = sender.protect_rtcp(&mut buf, plain.len()).unwrap();
            assert_eq!(len, expected.len());
        }
        assert_eq!(buf[..expected.len()], expected[..]);
        let mut receiver = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_80, &key, &salt);
        let mut packet = expected.clone();
        let len = receiver.unprotect_rtcp(&mut packet).unwrap();
        assert_eq!(packet[..len], plain[..]);
        let mut replay = expected.clone();
        assert_eq!(
            receiver.unprotect_rtcp(&mut replay),
            Err(SrtpError::Replayed)
        );
    }

    #[test]
    fn tampered_or_truncated_packets_are_refused() {
        let (key, salt) = rfc_master();
        let mut receiver = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_80, &key, &salt);
        let good = hex(concat!(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402",
            "b78d6acc99ea179b8dbb"
        ));
        for at in [1, 14, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            assert_eq!(
                receiver.unprotect_rtp(&mut bad),
                Err(SrtpError::AuthenticationFailed),
                "byte {at}"
            );
        }
        for len in 0..good.len() {
            let mut short = good[..len].to_vec();
            assert!(receiver.unprotect_rtp(&mut short).is_err(), "length {len}");
        }
        // The good packet still passes: failures did not touch the replay state.
        let mut packet = good.clone();
        assert!(receiver.unprotect_rtp(&mut packet).is_ok());
    }

    #[test]
    fn round_trip_across_sequence_wrap_with_reordering_for_both_tag_lengths() {
        for suite in [
            CryptoSuite::AesCm128HmacSha1_80,
            CryptoSuite::AesCm128HmacSha1_32,
        ] {
            let key: [u8; 16] = std::array::from_fn(|i| i as u8 * 7);
            let salt: [u8; 14] = std::array::from_fn(|i| i as u8 * 3);
            let mut sender = SrtpContext::new(suite, &key, &salt);
            let mut receiver = SrtpContext::new(suite, &key, &salt);
            let mut protected = Vec::new();
            for i in 0..40u16 {
                let sequence = 65_520u16.wrapping_add(i);
                let mut buf = vec![0u8; 12 + 160 + sender.rtp_overhead()];
                buf[0] = 0x80;
                buf[2..4].copy_from_slice(&sequence.to_be_bytes());
                buf[4..8].copy_from_slice(&(u32::from(i) * 160).to_be_bytes());
                buf[8..12].copy_from_slice(&0xCAFE_BABEu32.to_be_bytes());
                buf[12..172].fill(i as u8);
                let len = sender.protect_rtp(&mut buf, 172).unwrap();
                assert_eq!(len, 172 + suite.rtp_tag_len());
                assert_ne!(buf[12..172], [i as u8; 160][..], "payload is encrypted");
                protected.push(buf);
            }
            // Packets around the wrap arrive out of order.
            protected.swap(15, 16);
            protected.swap(17, 19);
            for mut packet in protected {
                let len = receiver.unprotect_rtp(&mut packet).unwrap();
                assert_eq!(len, 172);
                let value = packet[12];
                assert!(packet[12..172].iter().all(|&b| b == value));
                let sequence = u16::from_be_bytes([packet[2], packet[3]]);
                assert_eq!(sequence, 65_520u16.wrapping_add(u16::from(value)));
            }
        }
    }

    #[test]
    fn rtcp_round_trip_keeps_an_80_bit_tag_for_the_32_bit_suite() {
        let key = [9u8; 16];
        let salt = [4u8; 14];
        let mut sender = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_32, &key, &salt);
        let mut receiver = SrtpContext::new(CryptoSuite::AesCm128HmacSha1_32, &key, &salt);
        let plain = hex("80c90001cafebabe");
        let mut buf = [0u8; 64];
        buf[..8].copy_from_slice(&plain);
        let len = sender.protect_rtcp(&mut buf, 8).unwrap();
        assert_eq!(len, 8 + 4 + 10);
        let len = receiver.unprotect_rtcp(&mut buf[..len]).unwrap();
        assert_eq!(buf[..len], plain[..]);
    }
}
