//! Request methods (RFC 3261 7.1 and extensions).

use std::fmt;

use super::error::ParseError;
use super::grammar::is_token;

/// A request method. Method names are case-sensitive (RFC 3261 7.1), so `invite` is an
/// extension method, not INVITE.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Bye,
    Cancel,
    Options,
    Register,
    Info,
    Update,
    Prack,
    Subscribe,
    Notify,
    Refer,
    Message,
    Publish,
    Extension(String),
}

const KNOWN: &[(Method, &str)] = &[
    (Method::Invite, "INVITE"),
    (Method::Ack, "ACK"),
    (Method::Bye, "BYE"),
    (Method::Cancel, "CANCEL"),
    (Method::Options, "OPTIONS"),
    (Method::Register, "REGISTER"),
    (Method::Info, "INFO"),
    (Method::Update, "UPDATE"),
    (Method::Prack, "PRACK"),
    (Method::Subscribe, "SUBSCRIBE"),
    (Method::Notify, "NOTIFY"),
    (Method::Refer, "REFER"),
    (Method::Message, "MESSAGE"),
    (Method::Publish, "PUBLISH"),
];

impl Method {
    /// Parses a method token, case-sensitively.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if let Some((known, _)) = KNOWN.iter().find(|(_, name)| *name == s) {
            return Ok(known.clone());
        }
        if is_token(s) {
            Ok(Method::Extension(s.to_owned()))
        } else {
            Err(ParseError::BadMethod)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Method::Extension(name) => name,
            known => KNOWN
                .iter()
                .find(|(m, _)| m == known)
                .map_or("", |(_, name)| name),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_sensitive() {
        assert_eq!(Method::parse("INVITE").unwrap(), Method::Invite);
        assert_eq!(
            Method::parse("invite").unwrap(),
            Method::Extension("invite".into())
        );
        assert_eq!(
            Method::parse("RE%47IST%45R").unwrap().as_str(),
            "RE%47IST%45R"
        );
        assert!(Method::parse("BAD METHOD").is_err());
        assert!(Method::parse("").is_err());
        assert_eq!(Method::Prack.to_string(), "PRACK");
    }
}
