//! The SIP message layer: parsing and serializing RFC 3261 messages, URIs and typed
//! header values, and framing messages on streams.
//!
//! # Receiving
//!
//! ```text
//! datagram ──► parse_message ──► validate_request ──► transaction layer
//!                   │ Err                 │ Err(e)
//!                   ▼                     ▼
//!      parse_for_error_reply       response_for(&req, e.status_code(), &e.to_string())
//!      .map(|c| c.response(400 or 505, reason))
//! ```
//!
//! Parsing and validation are two steps on purpose. [`parse_message`] checks what is
//! needed to hold a message at all (start line, header lines, request-URI,
//! Content-Length); [`validate_request`] checks what a UAS needs before acting (RFC 3261
//! 8.2: mandatory headers present once, CSeq matching, well-formed addresses, supported
//! URI scheme). A request that parses but fails validation is answered with
//! [`response_for`] and the error's [`ParseError::status_code`] and `Display` text as the
//! reason phrase. A request that does not even parse can still be answered when its
//! Via, From, To, Call-ID and CSeq are readable: [`parse_for_error_reply`]. Responses
//! are checked with [`validate_response`] and dropped when they fail.
//!
//! On TCP and TLS, [`StreamFramer`] cuts the byte stream into messages first.
//!
//! Typed values ([`Uri`], [`NameAddr`], [`Via`], [`CSeq`], ...) are parsed on demand from
//! header text: `Via::parse(v)` for each `v` in `headers.values(&HeaderName::Via)`.

// Tests unwrap freely; the library code itself may not (the lint still runs on it).
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod error;
mod framer;
mod grammar;
mod head;
mod header_name;
mod headers;
mod host;
mod method;
mod name_addr;
mod params;
mod parse;
mod reply;
mod scalar;
mod serialize;
mod types;
mod uri;
mod validate;
mod via;

pub use error::ParseError;
pub use framer::{FramingError, StreamFramer};
pub use header_name::HeaderName;
pub use headers::{HeaderValue, Headers};
pub use host::Host;
pub use method::Method;
pub use name_addr::NameAddr;
pub use parse::parse_message;
pub use reply::{default_reason, parse_for_error_reply, response_for, ErrorReplyContext};
pub use scalar::{
    is_valid_call_id, is_valid_sip_date, parse_content_length, parse_delta_seconds,
    parse_max_forwards, parse_option_tags, CSeq, DEFAULT_MAX_FORWARDS,
};
pub use types::{Message, Request, Response};
pub use uri::{Param, Scheme, Uri};
pub use validate::{
    cseq, max_forwards, unsupported_requirements, validate_request, validate_response, vias,
};
pub use via::{Via, BRANCH_MAGIC_COOKIE};
