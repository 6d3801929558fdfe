//! What a meeting invitation says about joining by phone: plain text, HTML, and iCalendar
//! (RFC 5545).
//!
//! Everything that came from a person (organizer name, footer, numbers' labels, meeting
//! subject) is escaped for where it lands: HTML entities in HTML, RFC 5545 TEXT escaping in
//! iCalendar, and control characters flattened in plain text so a name cannot forge a line
//! like "Conference ID: …". URLs are [`WebUrl`]s, so only `http(s)` links are ever printed.
//!
//! The iCalendar output is written with the `icalendar` crate, which does CRLF line ends,
//! folding at 75 octets on UTF-8 boundaries and escaping of `\`, `;`, `,` and newlines in
//! TEXT values. Two gaps we close before handing it text: it leaves a bare CR in place (we
//! turn CRLF and CR into LF first), and it stamps DTSTAMP with the clock and UID with a
//! random UUID when they are missing (we always set both, from the caller).

use super::conference_id::ConferenceId;
use super::dial_in_number::DialInNumber;
use super::provider::AcpDetails;
use super::web_url::WebUrl;
use icalendar::{Calendar, Component, EventLike};
use std::fmt::Write as _;
use thiserror::Error;

/// The organization's invitation customization (the seed's logo, help, legal and footer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Customization {
    pub logo_url: Option<WebUrl>,
    pub help_url: Option<WebUrl>,
    pub legal_url: Option<WebUrl>,
    footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvitationError {
    #[error("the footer is longer than {max} characters", max = Customization::MAX_FOOTER)]
    FooterTooLong,
    #[error("{0} is not a representable time")]
    BadTime(i64),
    #[error("the meeting ends before it starts")]
    EndsBeforeStart,
    #[error("the event UID is empty or has control characters")]
    BadUid,
}

impl Customization {
    pub const MAX_FOOTER: usize = 2000;

    pub fn new(
        logo_url: Option<WebUrl>,
        help_url: Option<WebUrl>,
        legal_url: Option<WebUrl>,
        footer: Option<&str>,
    ) -> Result<Self, InvitationError> {
        let footer = footer
            .map(normalize_newlines)
            .filter(|f| !f.trim().is_empty());
        if footer
            .as_ref()
            .is_some_and(|f| f.chars().count() > Self::MAX_FOOTER)
        {
            return Err(InvitationError::FooterTooLong);
        }
        Ok(Self {
            logo_url,
            help_url,
            legal_url,
            footer,
        })
    }

    /// Plain text; newlines kept, other control characters turned into spaces.
    pub fn footer(&self) -> Option<&str> {
        self.footer.as_deref()
    }
}

/// A number as listed on an invitation, with the caller's label ("United States, San
/// Francisco") from the dial-in number's country and city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedNumber {
    pub number: DialInNumber,
    pub label: Option<String>,
}

/// How to join by phone: our bridge, or the organizer's ACP.
// One value per rendered invitation, never stored in bulk: the variants' size difference
// costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialIn {
    Dialbridge {
        toll: ListedNumber,
        toll_free: Option<ListedNumber>,
        international: Option<ListedNumber>,
        conference_id: ConferenceId,
        /// The organization's public dial-in numbers page.
        find_local_number_url: WebUrl,
        /// Where the organizer learns how to get a PIN reset; without it the note says to
        /// ask the administrator.
        pin_help_url: Option<WebUrl>,
    },
    ThirdParty(AcpDetails),
}

/// Everything an invitation's dial-in section is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationInput {
    pub organizer_name: String,
    pub dial_in: DialIn,
    pub customization: Customization,
}

/// The rendered dial-in section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub text: String,
    pub html: String,
}

/// CRLF and lone CR become LF; other control characters (tabs included) become spaces.
fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| if c != '\n' && c.is_control() { ' ' } else { c })
        .collect()
}

/// One line of plain text: every control character, newlines too, becomes a space.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `tel:` link that dials the number and, after two pauses, keys in `digits` (the
/// conference ID and `#`, or an ACP passcode). Phones treat `,` as a pause; `#` must be
/// percent-encoded in a URI.
fn tel_link(number: &DialInNumber, digits: &str) -> String {
    let keyed: String = digits
        .chars()
        .map(|c| match c {
            '#' => "%23".to_owned(),
            c => c.to_string(),
        })
        .collect();
    format!("{},,{keyed}", number.tel_uri())
}

/// One listed number's line pieces: kind and label.
fn describe(kind: &str, label: Option<&str>) -> String {
    match label.map(one_line).filter(|l| !l.is_empty()) {
        Some(label) => format!("{kind}, {label}"),
        None => kind.to_owned(),
    }
}

/// The numbers to list, with their kinds, in invitation order.
fn numbers(dial_in: &DialIn) -> Vec<(&DialInNumber, String)> {
    match dial_in {
        DialIn::Dialbridge {
            toll,
            toll_free,
            international,
            ..
        } => {
            let mut v = vec![(&toll.number, describe("toll", toll.label.as_deref()))];
            if let Some(n) = toll_free {
                v.push((&n.number, describe("toll-free", n.label.as_deref())));
            }
            if let Some(n) = international {
                v.push((&n.number, describe("toll", n.label.as_deref())));
            }
            v
        }
        DialIn::ThirdParty(acp) => {
            let mut v = vec![(acp.toll_number(), "toll".to_owned())];
            v.extend(
                acp.toll_free_numbers()
                    .iter()
                    .map(|n| (n, "toll-free".to_owned())),
            );
            v
        }
    }
}

/// The digits a caller keys after dialing, and how we name them.
fn keyed(dial_in: &DialIn) -> (&'static str, String) {
    match dial_in {
        DialIn::Dialbridge { conference_id, .. } => {
            ("Conference ID", format!("{}#", conference_id.grouped()))
        }
        DialIn::ThirdParty(acp) => (
            "Participant passcode",
            acp.participant_passcode().to_owned(),
        ),
    }
}

/// The digits for a one-tap `tel:` link (no spaces).
fn keyed_compact(dial_in: &DialIn) -> String {
    match dial_in {
        DialIn::Dialbridge { conference_id, .. } => format!("{conference_id}#"),
        DialIn::ThirdParty(acp) => acp.participant_passcode().to_owned(),
    }
}

/// The links under the numbers, in order: (text, url).
fn links(input: &InvitationInput) -> Vec<(&'static str, &WebUrl)> {
    let mut v = Vec::new();
    match &input.dial_in {
        DialIn::Dialbridge {
            find_local_number_url,
            pin_help_url,
            ..
        } => {
            v.push(("Find a local number", find_local_number_url));
            if let Some(u) = pin_help_url {
                v.push(("Dial-in PIN help", u));
            }
        }
        DialIn::ThirdParty(acp) => {
            if let Some(u) = acp.url() {
                v.push(("More ways to join", u));
            }
        }
    }
    if let Some(u) = &input.customization.help_url {
        v.push(("Help", u));
    }
    if let Some(u) = &input.customization.legal_url {
        v.push(("Legal", u));
    }
    v
}

const PIN_NOTE: &str =
    "Organizer: start the meeting from a phone by pressing * and entering your PIN. \
     Forgot your dial-in PIN? Your administrator can reset it; the new one comes by email.";

fn heading(dial_in: &DialIn) -> String {
    match dial_in {
        DialIn::Dialbridge { .. } => "Join by phone".to_owned(),
        DialIn::ThirdParty(acp) => format!("Join by phone ({})", one_line(acp.provider_name())),
    }
}

/// Renders the dial-in section as plain text and HTML.
pub fn render(input: &InvitationInput) -> Invitation {
    Invitation {
        text: render_text(input),
        html: render_html(input),
    }
}

fn render_text(input: &InvitationInput) -> String {
    let mut t = String::new();
    let organizer = one_line(&input.organizer_name);
    // `writeln!` into a String cannot fail.
    let _ = writeln!(t, "{}", heading(&input.dial_in));
    if !organizer.is_empty() {
        let _ = writeln!(t, "Meeting organized by {organizer}");
    }
    t.push('\n');
    for (number, kind) in numbers(&input.dial_in) {
        let _ = writeln!(t, "{} ({kind})", number.display());
    }
    let (what, digits) = keyed(&input.dial_in);
    let _ = writeln!(t, "{what}: {digits}");
    t.push('\n');
    for (text, url) in links(input) {
        let _ = writeln!(t, "{text}: {url}");
    }
    if matches!(input.dial_in, DialIn::Dialbridge { .. }) {
        let _ = writeln!(t, "{PIN_NOTE}");
    }
    if let Some(footer) = input.customization.footer() {
        t.push('\n');
        let _ = writeln!(t, "{footer}");
    }
    t
}

fn render_html(input: &InvitationInput) -> String {
    let mut h = String::new();
    let organizer = one_line(&input.organizer_name);
    h.push_str("<div class=\"dialbridge-invitation\">\n");
    if let Some(logo) = &input.customization.logo_url {
        let _ = writeln!(
            h,
            "<p><img src=\"{}\" alt=\"\" style=\"max-height:60px\"></p>",
            escape_html(logo.as_str())
        );
    }
    let _ = writeln!(
        h,
        "<p><strong>{}</strong></p>",
        escape_html(&heading(&input.dial_in))
    );
    if !organizer.is_empty() {
        let _ = writeln!(h, "<p>Meeting organized by {}</p>", escape_html(&organizer));
    }
    let tap = keyed_compact(&input.dial_in);
    h.push_str("<p>\n");
    for (number, kind) in numbers(&input.dial_in) {
        let _ = writeln!(
            h,
            "<a href=\"{}\">{}</a> ({})<br>",
            escape_html(&tel_link(number, &tap)),
            escape_html(number.display()),
            escape_html(&kind)
        );
    }
    h.push_str("</p>\n");
    let (what, digits) = keyed(&input.dial_in);
    let _ = writeln!(
        h,
        "<p>{what}: <strong>{}</strong></p>",
        escape_html(&digits)
    );
    let links: Vec<String> = links(input)
        .into_iter()
        .map(|(text, url)| {
            format!(
                "<a href=\"{}\">{}</a>",
                escape_html(url.as_str()),
                escape_html(text)
            )
        })
        .collect();
    if !links.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", links.join(" | "));
    }
    if matches!(input.dial_in, DialIn::Dialbridge { .. }) {
        let _ = writeln!(h, "<p>{}</p>", escape_html(PIN_NOTE));
    }
    if let Some(footer) = input.customization.footer() {
        let lines: Vec<String> = footer.lines().map(escape_html).collect();
        let _ = writeln!(h, "<p>{}</p>", lines.join("<br>\n"));
    }
    h.push_str("</div>\n");
    h
}

/// The VEVENT's DESCRIPTION value, before iCalendar escaping: the plain-text section.
pub fn ics_description(input: &InvitationInput) -> String {
    render_text(input)
}

/// The meeting an invitation is for, as the calendar needs it. Times are Unix seconds (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingEvent {
    /// Globally unique and stable across updates of the same meeting (RFC 5545 §3.8.4.7),
    /// like `<meeting id>@<dialbridge host>`.
    pub uid: String,
    pub summary: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// When this calendar object was made (DTSTAMP): the caller's `now`.
    pub stamped_at: i64,
}

fn utc(secs: i64) -> Result<chrono::DateTime<chrono::Utc>, InvitationError> {
    chrono::DateTime::from_timestamp(secs, 0).ok_or(InvitationError::BadTime(secs))
}

/// A whole `VCALENDAR` with one `VEVENT` (METHOD:PUBLISH: a file to add, not a scheduling
/// request that would need attendees), CRLF line ends and folded lines.
pub fn vcalendar(input: &InvitationInput, event: &MeetingEvent) -> Result<String, InvitationError> {
    if event.ends_at < event.starts_at {
        return Err(InvitationError::EndsBeforeStart);
    }
    let uid = event.uid.trim();
    if uid.is_empty() || uid.chars().any(char::is_control) {
        return Err(InvitationError::BadUid);
    }
    let description = normalize_newlines(&ics_description(input));
    let first = numbers(&input.dial_in)
        .first()
        .map(|(n, _)| n.display().to_owned())
        .unwrap_or_default();
    let (what, digits) = keyed(&input.dial_in);
    let location = format!("Phone: {first}, {what}: {digits}");
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(uid)
        .timestamp(utc(event.stamped_at)?)
        .starts(utc(event.starts_at)?)
        .ends(utc(event.ends_at)?)
        .summary(&one_line(&event.summary))
        .location(&location)
        .description(&description);
    if let DialIn::Dialbridge {
        find_local_number_url,
        ..
    } = &input.dial_in
    {
        vevent.url(find_local_number_url.as_str());
    }
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//dialbridge//admin//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .push(vevent.done());
    Ok(cal.to_string())
}

#[cfg(test)]
mod tests;
