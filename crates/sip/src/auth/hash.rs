//! The digest computation itself (RFC 7616 §3.4.1–§3.4.3; RFC 2617 §3.2.2 for MD5 and
//! the RFC 2069 form without qop). Both sides of the exchange use these functions, so
//! client and server can never disagree on the formula.

use md5::Md5;
use sha2::{Sha256, Sha512_256};
use std::fmt;
use std::str::FromStr;

/// A digest algorithm as named in the `algorithm` parameter (RFC 7616 §3.3, RFC 8760 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
}

impl Algorithm {
    /// Every algorithm we can compute, strongest first.
    pub const ALL_STRONGEST_FIRST: [Algorithm; 6] = [
        Algorithm::Sha512_256,
        Algorithm::Sha512_256Sess,
        Algorithm::Sha256,
        Algorithm::Sha256Sess,
        Algorithm::Md5,
        Algorithm::Md5Sess,
    ];

    /// The name as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
        }
    }

    /// Higher is stronger. Used by the client to pick among several challenges.
    pub fn strength(self) -> u8 {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => 1,
            Algorithm::Sha256 | Algorithm::Sha256Sess => 2,
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => 3,
        }
    }

    /// `-sess` variants mix the nonce and cnonce into HA1 (RFC 7616 §3.4.2).
    pub fn is_session(self) -> bool {
        matches!(
            self,
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess
        )
    }

    /// Lower-case hex of the hash of `parts` joined by `:`. Joining while hashing avoids
    /// building the concatenated string (which would contain the password) in memory.
    pub(crate) fn hash_hex(self, parts: &[&str]) -> String {
        fn run<D: sha2::Digest>(parts: &[&str]) -> String {
            let mut hasher = D::new();
            for (index, part) in parts.iter().enumerate() {
                if index > 0 {
                    hasher.update(b":");
                }
                hasher.update(part.as_bytes());
            }
            hex::encode(hasher.finalize())
        }
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => run::<Md5>(parts),
            Algorithm::Sha256 | Algorithm::Sha256Sess => run::<Sha256>(parts),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => run::<Sha512_256>(parts),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `algorithm` value names nothing we implement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Case-insensitive: RFC 7616 §3.3 compares algorithm names that way, and carriers send
    /// `md5`, `MD5` and `Md5` alike.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Algorithm::ALL_STRONGEST_FIRST
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownAlgorithm(name.to_owned()))
    }
}

/// The `qop` of a response. Only `auth` is implemented: `auth-int` needs the message
/// body, and carriers do not use it for SIP trunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qop {
    Auth,
}

impl Qop {
    pub fn as_str(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
        }
    }
}

/// Everything a digest response depends on. Client and server fill this in from their
/// own side of the exchange and compare the result of [`DigestInput::response`].
#[derive(Clone, Copy)]
pub struct DigestInput<'a> {
    pub algorithm: Algorithm,
    pub username: &'a str,
    pub realm: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    pub digest_uri: &'a str,
    pub nonce: &'a str,
    /// `None` is the RFC 2069 form without qop, nc and cnonce.
    pub qop: Option<QopInput<'a>>,
}

/// The fields that only exist when qop is in use.
#[derive(Debug, Clone, Copy)]
pub struct QopInput<'a> {
    pub qop: Qop,
    /// The nonce count as its eight hex digits were sent (RFC 7616 §3.4: `nc-value`).
    /// Kept as text because the response hashes the exact characters.
    pub nc: &'a str,
    pub cnonce: &'a str,
}

impl DigestInput<'_> {
    /// The `response` value, lower-case hex.
    pub fn response(&self) -> String {
        let alg = self.algorithm;
        let mut ha1 = alg.hash_hex(&[self.username, self.realm, self.password]);
        if alg.is_session() {
            // RFC 7616 §3.4.2: with -sess the cnonce is always present (qop is required).
            let cnonce = self.qop.map(|q| q.cnonce).unwrap_or("");
            ha1 = alg.hash_hex(&[&ha1, self.nonce, cnonce]);
        }
        let ha2 = alg.hash_hex(&[self.method, self.digest_uri]);
        match self.qop {
            Some(q) => alg.hash_hex(&[&ha1, self.nonce, q.nc, q.cnonce, q.qop.as_str(), &ha2]),
            None => alg.hash_hex(&[&ha1, self.nonce, &ha2]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_round_trip_case_insensitively() {
        for alg in Algorithm::ALL_STRONGEST_FIRST {
            assert_eq!(alg.as_str().parse(), Ok(alg));
            assert_eq!(alg.as_str().to_lowercase().parse(), Ok(alg));
        }
        assert_eq!(
            "SHA-1".parse::<Algorithm>(),
            Err(UnknownAlgorithm("SHA-1".into()))
        );
    }

    /// RFC 2617 §3.5.
    #[test]
    fn rfc2617_mufasa_md5() {
        let input = DigestInput {
            algorithm: Algorithm::Md5,
            username: "Mufasa",
            realm: "testrealm@host.com",
            password: "Circle Of Life",
            method: "GET",
            digest_uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop: Some(QopInput {
                qop: Qop::Auth,
                nc: "00000001",
                cnonce: "0a4f113b",
            }),
        };
        assert_eq!(input.response(), "6629fae49393a05397450978507c4ef1");
    }

    /// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
    #[test]
    fn rfc7616_mufasa_sha256_and_md5() {
        let mut input = DigestInput {
            algorithm: Algorithm::Sha256,
            username: "Mufasa",
            realm: "http-auth@example.org",
            password: "Circle of Life",
            method: "GET",
            digest_uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            qop: Some(QopInput {
                qop: Qop::Auth,
                nc: "00000001",
                cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            }),
        };
        assert_eq!(
            input.response(),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        input.algorithm = Algorithm::Md5;
        assert_eq!(input.response(), "8ca523f5e9506fed4657c9700eebdbec");
    }

    /// RFC 2069 form: response = H(HA1:nonce:HA2). Checked against a hand computation of
    /// the formula with the RFC 2617 inputs, so a regression in the branch shows.
    #[test]
    fn no_qop_form_differs_from_qop_form_and_is_stable() {
        let input = DigestInput {
            algorithm: Algorithm::Md5,
            username: "Mufasa",
            realm: "testrealm@host.com",
            password: "Circle Of Life",
            method: "GET",
            digest_uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop: None,
        };
        let ha1 = Algorithm::Md5.hash_hex(&["Mufasa", "testrealm@host.com", "Circle Of Life"]);
        let ha2 = Algorithm::Md5.hash_hex(&["GET", "/dir/index.html"]);
        let expected = Algorithm::Md5.hash_hex(&[&ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", &ha2]);
        assert_eq!(input.response(), expected);
        assert_ne!(input.response(), "6629fae49393a05397450978507c4ef1");
    }
}
