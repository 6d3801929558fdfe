//! `Authorization` / `Proxy-Authorization` values: RFC 3261 §22.2 and §25.1 `credentials`,
//! RFC 7616 §3.4 parameters.

use super::error::DigestHeaderError;
use super::hash::{Algorithm, Qop};
use super::params::{parse_auth_params, AuthParam};
use super::quote::quoted;

/// The qop-related fields of a response, present together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QopFields {
    pub qop: Qop,
    /// The `nc` value exactly as sent (8 hex digits); the response hashes these characters.
    pub nc_text: String,
    pub nc: u32,
    pub cnonce: String,
}

/// A parsed `Digest` credentials header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    /// The `digest-uri`: the Request-URI the client signed.
    pub uri: String,
    /// Lower-cased hex, as the client sent it.
    pub response: String,
    /// RFC 7616 §3.4: absent means MD5.
    pub algorithm: Algorithm,
    /// `None` is the RFC 2069 form without qop.
    pub qop: Option<QopFields>,
    pub opaque: Option<String>,
    /// Parameters this crate does not interpret.
    pub other_params: Vec<AuthParam>,
}

impl Credentials {
    pub fn parse(header_value: &str) -> Result<Self, DigestHeaderError> {
        let parsed = parse_auth_params(header_value)?;
        let mut username = None;
        let mut realm = None;
        let mut nonce = None;
        let mut uri = None;
        let mut response = None;
        let mut algorithm = Algorithm::Md5;
        let mut qop = None;
        let mut nc = None;
        let mut cnonce = None;
        let mut opaque = None;
        let mut other_params = Vec::new();

        for param in parsed.params {
            match param.name.as_str() {
                "username" => username = Some(param.value),
                "username*" => return Err(DigestHeaderError::EncodedUsernameUnsupported),
                "userhash" if param.value.eq_ignore_ascii_case("true") => {
                    return Err(DigestHeaderError::UserhashUnsupported)
                }
                "realm" => realm = Some(param.value),
                "nonce" => nonce = Some(param.value),
                "uri" => uri = Some(param.value),
                "response" => response = Some(param.value.to_ascii_lowercase()),
                "algorithm" => {
                    algorithm = param
                        .value
                        .parse()
                        .map_err(|_| DigestHeaderError::UnsupportedAlgorithm(param.value))?
                }
                // RFC 3261 writes qop as a token here; some UAs quote it. Accept both.
                "qop" => {
                    if !param.value.eq_ignore_ascii_case("auth") {
                        return Err(DigestHeaderError::UnsupportedQop(param.value));
                    }
                    qop = Some(Qop::Auth)
                }
                "nc" => nc = Some(param.value),
                "cnonce" => cnonce = Some(param.value),
                "opaque" => opaque = Some(param.value),
                _ => other_params.push(param),
            }
        }

        // RFC 7616 §3.4: cnonce and nc MUST be sent when qop is, and MUST NOT otherwise.
        let qop = match qop {
            Some(qop) => {
                let nc_text = nc.ok_or(DigestHeaderError::MissingParam("nc"))?;
                let nc = parse_nonce_count(&nc_text)?;
                let cnonce = cnonce.ok_or(DigestHeaderError::MissingParam("cnonce"))?;
                Some(QopFields {
                    qop,
                    nc_text,
                    nc,
                    cnonce,
                })
            }
            None if algorithm.is_session() => {
                return Err(DigestHeaderError::SessionAlgorithmWithoutQop(algorithm))
            }
            None => None,
        };

        Ok(Credentials {
            username: username.ok_or(DigestHeaderError::MissingParam("username"))?,
            realm: realm.ok_or(DigestHeaderError::MissingParam("realm"))?,
            nonce: nonce.ok_or(DigestHeaderError::MissingParam("nonce"))?,
            uri: uri.ok_or(DigestHeaderError::MissingParam("uri"))?,
            response: response.ok_or(DigestHeaderError::MissingParam("response"))?,
            algorithm,
            qop,
            opaque,
            other_params,
        })
    }

    /// The header value to send. RFC 7616 §3.4: `qop`, `nc` and `algorithm` are tokens,
    /// everything else a quoted-string.
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "Digest username={}, realm={}, nonce={}, uri={}, response={}, algorithm={}",
            quoted(&self.username),
            quoted(&self.realm),
            quoted(&self.nonce),
            quoted(&self.uri),
            quoted(&self.response),
            self.algorithm,
        );
        if let Some(q) = &self.qop {
            out.push_str(&format!(
                ", qop={}, nc={}, cnonce={}",
                q.qop.as_str(),
                q.nc_text,
                quoted(&q.cnonce)
            ));
        }
        if let Some(opaque) = &self.opaque {
            out.push_str(", opaque=");
            out.push_str(&quoted(opaque));
        }
        out
    }
}

/// RFC 7616 §3.4: `nc-value = 8LHEX`. Upper-case hex is accepted; zero is not a count.
fn parse_nonce_count(text: &str) -> Result<u32, DigestHeaderError> {
    let invalid = || DigestHeaderError::InvalidNonceCount(text.to_owned());
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    match u32::from_str_radix(text, 16) {
        Ok(0) | Err(_) => Err(invalid()),
        Ok(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC2617_AUTHORIZATION: &str = "Digest username=\"Mufasa\",\r\n \
        realm=\"testrealm@host.com\",\r\n \
        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n \
        uri=\"/dir/index.html\",\r\n \
        qop=auth,\r\n \
        nc=00000001,\r\n \
        cnonce=\"0a4f113b\",\r\n \
        response=\"6629fae49393a05397450978507c4ef1\",\r\n \
        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    #[test]
    fn parses_rfc2617_example() {
        let c = Credentials::parse(RFC2617_AUTHORIZATION).expect("parses");
        assert_eq!(c.username, "Mufasa");
        assert_eq!(c.realm, "testrealm@host.com");
        assert_eq!(c.uri, "/dir/index.html");
        assert_eq!(c.algorithm, Algorithm::Md5);
        let q = c.qop.as_ref().expect("qop");
        assert_eq!((q.nc, q.nc_text.as_str()), (1, "00000001"));
        assert_eq!(q.cnonce, "0a4f113b");
        assert_eq!(
            c.opaque.as_deref(),
            Some("5ccc069c403ebaf9f0171e9517f40e41")
        );
    }

    #[test]
    fn header_value_round_trips() {
        let c = Credentials::parse(RFC2617_AUTHORIZATION).expect("parses");
        assert_eq!(Credentials::parse(&c.to_header_value()), Ok(c));
    }

    #[test]
    fn quoted_qop_and_algorithm_accepted() {
        let c = Credentials::parse(
            "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a@b\", \
             response=\"ABCDEF\", algorithm=\"SHA-256\", qop=\"auth\", nc=0000000A, cnonce=\"c\"",
        )
        .expect("parses");
        assert_eq!(c.algorithm, Algorithm::Sha256);
        assert_eq!(c.response, "abcdef");
        assert_eq!(c.qop.map(|q| q.nc), Some(10));
    }

    #[test]
    fn refusals_are_precise() {
        let base =
            "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a@b\", response=\"x\"";
        assert!(Credentials::parse(base).is_ok());
        let with = |extra: &str| Credentials::parse(&format!("{base}, {extra}"));
        assert_eq!(
            with("qop=auth, cnonce=\"c\""),
            Err(DigestHeaderError::MissingParam("nc"))
        );
        assert_eq!(
            with("qop=auth, nc=00000001"),
            Err(DigestHeaderError::MissingParam("cnonce"))
        );
        assert_eq!(
            with("qop=auth, nc=1, cnonce=\"c\""),
            Err(DigestHeaderError::InvalidNonceCount("1".into()))
        );
        assert_eq!(
            with("qop=auth, nc=00000000, cnonce=\"c\""),
            Err(DigestHeaderError::InvalidNonceCount("00000000".into()))
        );
        assert_eq!(
            with("qop=auth-int, nc=00000001, cnonce=\"c\""),
            Err(DigestHeaderError::UnsupportedQop("auth-int".into()))
        );
        assert_eq!(
            with("algorithm=MD5-sess"),
            Err(DigestHeaderError::SessionAlgorithmWithoutQop(
                Algorithm::Md5Sess
            ))
        );
        assert_eq!(
            with("algorithm=SHA-384"),
            Err(DigestHeaderError::UnsupportedAlgorithm("SHA-384".into()))
        );
        assert_eq!(
            with("userhash=true"),
            Err(DigestHeaderError::UserhashUnsupported)
        );
        assert!(with("userhash=false").is_ok());
        assert_eq!(
            Credentials::parse("Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""),
            Err(DigestHeaderError::MissingParam("username"))
        );
        assert_eq!(
            Credentials::parse(
                "Digest username*=UTF-8''J%C3%A4s, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""
            ),
            Err(DigestHeaderError::EncodedUsernameUnsupported)
        );
    }
}
