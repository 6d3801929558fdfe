//! Parse and validation errors, phrased to fit a 400 reason phrase.

use super::header_name::HeaderName;

/// Why a message or a value could not be accepted. `Display` is a short human reason that
/// can go straight into a response's reason phrase; [`ParseError::status_code`] says which
/// response RFC 3261 asks for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty message")]
    Empty,
    #[error("message ends before the end of the headers")]
    Incomplete,
    #[error("bad request line")]
    BadRequestLine,
    #[error("bad status line")]
    BadStatusLine,
    #[error("bad method")]
    BadMethod,
    #[error("invalid request-URI")]
    BadRequestUri,
    /// RFC 3261 8.2.2.1 / 21.5.26: answered with 416.
    #[error("unsupported URI scheme")]
    UnsupportedUriScheme,
    /// RFC 3261 8.1.1 / 21.5.26 (RFC 4475 3.1.2.16): answered with 505.
    #[error("SIP version not supported")]
    UnsupportedVersion,
    #[error("bad status code")]
    BadStatusCode,
    #[error("malformed header line")]
    BadHeaderLine,
    #[error("header is not UTF-8")]
    NotUtf8,
    #[error("missing {0}")]
    MissingHeader(HeaderName),
    #[error("more than one {0}")]
    DuplicateHeader(HeaderName),
    #[error("bad {0}")]
    BadHeader(HeaderName),
    #[error("Content-Length larger than message")]
    ContentLengthTooLarge,
    #[error("CSeq method does not match request method")]
    CSeqMethodMismatch,
    #[error("invalid URI")]
    InvalidUri,
    #[error("invalid host")]
    InvalidHost,
    #[error("invalid address")]
    InvalidNameAddr,
    #[error("invalid Via")]
    InvalidVia,
    #[error("invalid parameter")]
    InvalidParam,
    #[error("invalid number")]
    InvalidNumber,
    #[error("invalid token")]
    InvalidToken,
    #[error("invalid date")]
    InvalidDate,
}

impl ParseError {
    /// The header field this error is about, if any.
    pub fn header(&self) -> Option<&HeaderName> {
        match self {
            ParseError::MissingHeader(h)
            | ParseError::DuplicateHeader(h)
            | ParseError::BadHeader(h) => Some(h),
            ParseError::ContentLengthTooLarge => Some(&HeaderName::ContentLength),
            ParseError::CSeqMethodMismatch => Some(&HeaderName::CSeq),
            _ => None,
        }
    }

    /// The status code of the response a UAS sends for a request failing this way.
    pub fn status_code(&self) -> u16 {
        match self {
            ParseError::UnsupportedVersion => 505,
            ParseError::UnsupportedUriScheme => 416,
            _ => 400,
        }
    }

    /// Turns an error from parsing a typed value into one naming the header it came from.
    pub(crate) fn in_header(self, name: HeaderName) -> ParseError {
        match self {
            ParseError::MissingHeader(_)
            | ParseError::DuplicateHeader(_)
            | ParseError::BadHeader(_) => self,
            _ => ParseError::BadHeader(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_a_reason_phrase() {
        assert_eq!(
            ParseError::BadHeader(HeaderName::CSeq).to_string(),
            "bad CSeq"
        );
        assert_eq!(
            ParseError::MissingHeader(HeaderName::CallId).to_string(),
            "missing Call-ID"
        );
        assert_eq!(
            ParseError::ContentLengthTooLarge.to_string(),
            "Content-Length larger than message"
        );
        assert_eq!(ParseError::BadRequestUri.to_string(), "invalid request-URI");
        assert_eq!(ParseError::UnsupportedVersion.status_code(), 505);
        assert_eq!(
            ParseError::BadHeader(HeaderName::To).header(),
            Some(&HeaderName::To)
        );
    }
}
