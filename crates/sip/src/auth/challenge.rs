//! `WWW-Authenticate` / `Proxy-Authenticate` values: RFC 3261 §22.1 and §25.1 `challenge`,
//! RFC 7616 §3.3 parameters, RFC 8760 algorithms.

use super::error::DigestHeaderError;
use super::hash::{Algorithm, Qop};
use super::params::{parse_auth_params, AuthParam};
use super::quote::quoted;

/// A parsed `Digest` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    /// RFC 7616 §3.3: absent means MD5.
    pub algorithm: Algorithm,
    /// The `qop` options offered, as sent. `None` means none offered: the RFC 2069 form.
    pub qop_options: Option<Vec<String>>,
    pub opaque: Option<String>,
    /// RFC 7616 §3.3: case-insensitive `true`; any other value counts as false.
    pub stale: bool,
    pub domain: Option<String>,
    /// Parameters this crate does not interpret, kept for logs and forwarding.
    pub other_params: Vec<AuthParam>,
}

impl Challenge {
    /// Parses one header value. A 401 or 407 may carry several such header fields; parse
    /// each and let [`super::client::select_challenge`] choose.
    pub fn parse(header_value: &str) -> Result<Self, DigestHeaderError> {
        let parsed = parse_auth_params(header_value)?;
        let mut realm = None;
        let mut nonce = None;
        let mut algorithm = Algorithm::Md5;
        let mut qop_options = None;
        let mut opaque = None;
        let mut stale = false;
        let mut domain = None;
        let mut other_params = Vec::new();

        for param in parsed.params {
            match param.name.as_str() {
                "realm" => realm = Some(param.value),
                "nonce" => nonce = Some(param.value),
                // Both `algorithm=SHA-256` (RFC 7616) and `algorithm="SHA-256"` occur.
                "algorithm" => {
                    algorithm = param
                        .value
                        .parse()
                        .map_err(|_| DigestHeaderError::UnsupportedAlgorithm(param.value))?
                }
                "qop" => {
                    qop_options = Some(
                        param
                            .value
                            .split(',')
                            .map(str::trim)
                            .filter(|o| !o.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    )
                }
                "opaque" => opaque = Some(param.value),
                "stale" => stale = param.value.eq_ignore_ascii_case("true"),
                "domain" => domain = Some(param.value),
                _ => other_params.push(param),
            }
        }

        Ok(Challenge {
            realm: realm.ok_or(DigestHeaderError::MissingParam("realm"))?,
            nonce: nonce.ok_or(DigestHeaderError::MissingParam("nonce"))?,
            algorithm,
            qop_options,
            opaque,
            stale,
            domain,
            other_params,
        })
    }

    /// The qop a client should answer with: `Ok(None)` when none was offered (RFC 2069),
    /// `Ok(Some(Auth))` when `auth` is among the options, and an error when only options
    /// we do not implement (such as `auth-int`) were offered, since RFC 7616 §3.4 requires
    /// the client to use one of those offered.
    pub fn usable_qop(&self) -> Result<Option<Qop>, DigestHeaderError> {
        let qop = match &self.qop_options {
            None => None,
            Some(options) if options.iter().any(|o| o.eq_ignore_ascii_case("auth")) => {
                Some(Qop::Auth)
            }
            Some(options) => return Err(DigestHeaderError::UnsupportedQop(options.join(","))),
        };
        if qop.is_none() && self.algorithm.is_session() {
            return Err(DigestHeaderError::SessionAlgorithmWithoutQop(
                self.algorithm,
            ));
        }
        Ok(qop)
    }

    /// The header value to send. Quoting follows RFC 7616 §3.3: `realm`, `nonce`, `opaque`,
    /// `domain` and the `qop` list are quoted-strings; `algorithm` and `stale` are tokens.
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "Digest realm={}, nonce={}, algorithm={}",
            quoted(&self.realm),
            quoted(&self.nonce),
            self.algorithm
        );
        if let Some(options) = &self.qop_options {
            out.push_str(", qop=");
            out.push_str(&quoted(&options.join(",")));
        }
        if let Some(opaque) = &self.opaque {
            out.push_str(", opaque=");
            out.push_str(&quoted(opaque));
        }
        if let Some(domain) = &self.domain {
            out.push_str(", domain=");
            out.push_str(&quoted(domain));
        }
        if self.stale {
            out.push_str(", stale=true");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc7616_style_sha256_challenge() {
        let c = Challenge::parse(
            "Digest\r\n realm=\"http-auth@example.org\",\r\n qop=\"auth, auth-int\",\r\n \
             algorithm=SHA-256,\r\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        )
        .expect("parses");
        assert_eq!(c.realm, "http-auth@example.org");
        assert_eq!(c.algorithm, Algorithm::Sha256);
        assert_eq!(
            c.qop_options,
            Some(vec!["auth".to_owned(), "auth-int".to_owned()])
        );
        assert_eq!(c.usable_qop(), Ok(Some(Qop::Auth)));
        assert_eq!(
            c.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
        assert!(!c.stale);
    }

    #[test]
    fn quoted_algorithm_stale_and_unknown_params() {
        let c = Challenge::parse(
            "digest realm=\"r\", nonce=\"n\", algorithm=\"sha-256-sess\", stale=TRUE, foo=bar",
        )
        .expect("parses");
        assert_eq!(c.algorithm, Algorithm::Sha256Sess);
        assert!(c.stale);
        assert_eq!(c.other_params.len(), 1);
        assert_eq!(c.other_params[0].name, "foo");
        assert_eq!(
            c.usable_qop(),
            Err(DigestHeaderError::SessionAlgorithmWithoutQop(
                Algorithm::Sha256Sess
            ))
        );
    }

    #[test]
    fn defaults_and_refusals() {
        let c = Challenge::parse("Digest realm=\"r\", nonce=\"n\"").expect("parses");
        assert_eq!(c.algorithm, Algorithm::Md5);
        assert_eq!(c.usable_qop(), Ok(None));

        let only_int =
            Challenge::parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"").expect("parses");
        assert_eq!(
            only_int.usable_qop(),
            Err(DigestHeaderError::UnsupportedQop("auth-int".into()))
        );
        assert_eq!(
            Challenge::parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1"),
            Err(DigestHeaderError::UnsupportedAlgorithm("SHA-1".into()))
        );
        assert_eq!(
            Challenge::parse("Digest nonce=\"n\""),
            Err(DigestHeaderError::MissingParam("realm"))
        );
        assert_eq!(
            Challenge::parse("Digest realm=\"r\""),
            Err(DigestHeaderError::MissingParam("nonce"))
        );
        assert!(matches!(
            Challenge::parse("Basic realm=\"r\""),
            Err(DigestHeaderError::Syntax(_))
        ));
    }

    #[test]
    fn header_value_round_trips() {
        let c = Challenge {
            realm: "dial \"bridge\"".into(),
            nonce: "abc".into(),
            algorithm: Algorithm::Sha256,
            qop_options: Some(vec!["auth".into()]),
            opaque: None,
            stale: true,
            domain: None,
            other_params: Vec::new(),
        };
        let value = c.to_header_value();
        assert_eq!(
            value,
            r#"Digest realm="dial \"bridge\"", nonce="abc", algorithm=SHA-256, qop="auth", stale=true"#
        );
        assert_eq!(Challenge::parse(&value), Ok(c));
    }
}
