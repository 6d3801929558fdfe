//! Turns an outbox row into an RFC 5322 message with lettre, refusing anything that could
//! smuggle a header in.

use dialbridge_store::Mail;
use lettre::address::{Address, Envelope};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Who a mail is from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Senders {
    /// The service's address: envelope sender (bounces) and, when an organization overrides
    /// the From, the `Sender:` header, so the message says who really sent it.
    pub service: Mailbox,
    /// The From header: the organization's sender override, or `service`.
    pub from: Mailbox,
}

/// Parses a configured sender (`addr@host` or `Name <addr@host>`), refusing line breaks.
pub fn parse_mailbox(what: &str, text: &str) -> Result<Mailbox, String> {
    refuse_line_breaks(what, text)?;
    Mailbox::from_str(text.trim())
        .map_err(|e| format!("{what} {text:?} is not a valid address: {e}"))
}

/// Builds the message for `mail`. Errors are permanent: the same row would fail again.
pub fn build(mail: &Mail, senders: &Senders) -> Result<Message, String> {
    refuse_line_breaks("subject", &mail.subject)?;
    refuse_line_breaks("recipient", &mail.recipient)?;
    let to = Address::from_str(mail.recipient.trim())
        .map_err(|e| format!("recipient {:?} is not a valid address: {e}", mail.recipient))?;
    let envelope = Envelope::new(Some(senders.service.email.clone()), vec![to.clone()])
        .map_err(|e| format!("cannot address the mail: {e}"))?;

    let mut builder = Message::builder()
        .from(senders.from.clone())
        .to(Mailbox::new(None, to))
        // lettre encodes a non-ASCII subject as RFC 2047 encoded words.
        .subject(mail.subject.as_str())
        // Date and Message-ID come from the row, not the clock: a retried mail is the same
        // message, so a receiver that saw an earlier attempt arrive can drop the duplicate.
        .date(created_time(mail.created_at))
        .message_id(Some(message_id(mail, &senders.service)))
        // RFC 3834: no vacation auto-replies to notifications.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ))
        .envelope(envelope);
    if senders.from.email != senders.service.email {
        builder = builder.sender(senders.service.clone());
    }
    let result = match &mail.body_html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.body_text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(mail.body_text.clone())),
    };
    result.map_err(|e| format!("cannot build the message: {e}"))
}

/// CR or LF in a header value would end the header and start another one (header
/// injection); other control characters have no business there either.
fn refuse_line_breaks(what: &str, text: &str) -> Result<(), String> {
    if text.contains(['\r', '\n']) {
        return Err(format!(
            "header injection refused: the {what} contains a line break"
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("the {what} contains a control character"));
    }
    Ok(())
}

fn created_time(created_at: i64) -> SystemTime {
    u64::try_from(created_at)
        .ok()
        .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
        .unwrap_or(UNIX_EPOCH)
}

fn message_id(mail: &Mail, service: &Mailbox) -> String {
    format!(
        "<dialbridge.mail.{}.{}@{}>",
        mail.id.0,
        mail.created_at,
        service.email.domain()
    )
}
