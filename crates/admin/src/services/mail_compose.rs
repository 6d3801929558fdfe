//! The organizer mails: one per notification kind, plain text and HTML. Everything a person
//! typed (names, labels) is escaped in HTML; the invitation section comes already escaped
//! from `rules::invitation`.

use super::convert;
use super::error::ServiceResult;
use super::invitations::DefaultRows;
use crate::rules::invitation::{escape_html, Invitation};
use crate::rules::notification::NotificationKind;
use dialbridge_store::{
    DialInNumber, NewMail, Organization, OrganizationSettings, Organizer, Provider,
};

/// The `From` of an organization's mails: its override, else the service's default.
/// (The outbox row has no sender column; delivery calls this with the mail's organization.)
pub fn sender_address(settings: &OrganizationSettings, service_default: &str) -> String {
    settings
        .sender_address
        .clone()
        .unwrap_or_else(|| service_default.to_owned())
}

/// What the mails are written from.
pub(crate) struct MailContext<'a> {
    pub org: &'a Organization,
    pub organizer: &'a Organizer,
    pub rows: &'a DefaultRows,
    /// The PIN made by this change, if any: the only time it is ever written down.
    pub new_pin: Option<&'a str>,
    pub invitation: Option<&'a Invitation>,
}

/// A mail body as blocks, so text and HTML say the same thing.
enum Block {
    Para(String),
    /// A label and a value to stand out (the conference ID, the PIN).
    Field(&'static str, String),
    Invitation,
}

fn number_line(kind: &str, n: &DialInNumber) -> String {
    let display = convert::checked_number(n)
        .map(|c| c.display().to_owned())
        .unwrap_or_else(|_| n.fields.e164.clone());
    match &n.fields.city {
        Some(city) => format!("{kind}: {display} ({}, {})", city, n.fields.country),
        None => format!("{kind}: {display} ({})", n.fields.country),
    }
}

fn numbers(ctx: &MailContext<'_>) -> Vec<Block> {
    let rows = [
        ("Toll", &ctx.rows.toll),
        ("Toll-free", &ctx.rows.toll_free),
        ("International", &ctx.rows.international),
    ];
    rows.into_iter()
        .filter_map(|(kind, n)| n.as_ref().map(|n| Block::Para(number_line(kind, n))))
        .collect()
}

fn conference_id(ctx: &MailContext<'_>) -> Option<Block> {
    let code = ctx.organizer.conference_id.as_deref()?;
    let shown = convert::conference_id(code)
        .map(|c| c.grouped())
        .unwrap_or_else(|_| code.to_owned());
    Some(Block::Field("Conference ID", shown))
}

fn pin(ctx: &MailContext<'_>) -> Block {
    match ctx.new_pin {
        Some(pin) => Block::Field("Your PIN", pin.to_owned()),
        None => Block::Para(
            "Your PIN is unchanged. If you forgot it, ask your administrator to reset it."
                .to_owned(),
        ),
    }
}

/// Provider, and for dialbridge the conference ID, PIN and numbers; then the invitation.
fn whole_set(ctx: &MailContext<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    match &ctx.organizer.provider {
        Provider::Dialbridge => {
            blocks.push(Block::Para(
                "Your meetings use dialbridge dial-in conferencing. People join by calling one of the numbers below and entering the conference ID; you start the meeting from a phone with your PIN."
                    .to_owned(),
            ));
            blocks.extend(conference_id(ctx));
            blocks.push(pin(ctx));
            blocks.extend(numbers(ctx));
        }
        Provider::Acp(acp) => blocks.push(Block::Para(format!(
            "Your meetings use {} for dial-in conferencing. Its numbers and passcode are below.",
            acp.provider_name
        ))),
    }
    if ctx.invitation.is_some() {
        blocks.push(Block::Para(
            "This is what your meeting invitations will show:".to_owned(),
        ));
        blocks.push(Block::Invitation);
    }
    blocks
}

fn content(kind: NotificationKind, ctx: &MailContext<'_>) -> (String, Vec<Block>) {
    use NotificationKind::*;
    match kind {
        DialInEnabled => ("Dial-in conferencing is set up for you".to_owned(), whole_set(ctx)),
        ProviderChanged => ("Your dial-in conferencing provider changed".to_owned(), whole_set(ctx)),
        DialInDisabled => (
            "Dial-in conferencing is turned off for you".to_owned(),
            vec![Block::Para(
                "Meetings you schedule no longer include dial-in details, and callers can no longer join your meetings by phone with your conference ID. Ask your administrator if this is unexpected."
                    .to_owned(),
            )],
        ),
        PinReset => {
            let mut blocks = vec![Block::Para(
                "Your dial-in PIN was reset. Use it to start your meetings from a phone; the old PIN no longer works."
                    .to_owned(),
            )];
            blocks.push(pin(ctx));
            if !ctx.organizer.profile.dial_in_enabled {
                blocks.push(Block::Para(
                    "Dial-in conferencing is turned off for you right now. This PIN starts working when your administrator turns it on; keep this mail, as the PIN is not sent again when that happens."
                        .to_owned(),
                ));
            }
            ("Your dial-in PIN was reset".to_owned(), blocks)
        }
        ConferenceIdReset => {
            let mut blocks = vec![Block::Para(
                "Your conference ID changed. The old one no longer works: update meeting invitations you already sent."
                    .to_owned(),
            )];
            blocks.extend(conference_id(ctx));
            if ctx.invitation.is_some() {
                blocks.push(Block::Invitation);
            }
            ("Your conference ID changed".to_owned(), blocks)
        }
        DefaultNumberChanged => {
            let mut blocks = vec![Block::Para(
                "The dial-in numbers on your meeting invitations changed. They are now:".to_owned(),
            )];
            blocks.extend(numbers(ctx));
            if ctx.invitation.is_some() {
                blocks.push(Block::Invitation);
            }
            ("Your dial-in numbers changed".to_owned(), blocks)
        }
    }
}

fn greeting(ctx: &MailContext<'_>) -> String {
    format!("Hello {},", one_line(&ctx.organizer.profile.name))
}

/// Names come from people: no line breaks that could forge lines in the text body.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn signature(ctx: &MailContext<'_>) -> String {
    format!(
        "This mail was sent by the dial-in conferencing service of {}.",
        one_line(&ctx.org.name)
    )
}

fn text(blocks: &[Block], ctx: &MailContext<'_>) -> String {
    let mut parts = vec![greeting(ctx)];
    for block in blocks {
        parts.push(match block {
            Block::Para(p) => one_line(p),
            Block::Field(label, value) => format!("{label}: {value}"),
            Block::Invitation => ctx
                .invitation
                .map(|i| i.text.trim_end().to_owned())
                .unwrap_or_default(),
        });
    }
    parts.push(signature(ctx));
    let mut body = parts.join("\n\n");
    body.push('\n');
    body
}

fn html(blocks: &[Block], ctx: &MailContext<'_>) -> String {
    let mut h = String::from("<!DOCTYPE html>\n<html><body>\n");
    h.push_str(&format!("<p>{}</p>\n", escape_html(&greeting(ctx))));
    for block in blocks {
        match block {
            Block::Para(p) => h.push_str(&format!("<p>{}</p>\n", escape_html(p))),
            Block::Field(label, value) => h.push_str(&format!(
                "<p>{}: <strong>{}</strong></p>\n",
                escape_html(label),
                escape_html(value)
            )),
            Block::Invitation => {
                if let Some(inv) = ctx.invitation {
                    h.push_str(&inv.html);
                }
            }
        }
    }
    h.push_str(&format!(
        "<p><small>{}</small></p>\n",
        escape_html(&signature(ctx))
    ));
    h.push_str("</body></html>\n");
    h
}

/// The mail for one notification.
pub(crate) fn compose(kind: NotificationKind, ctx: &MailContext<'_>) -> ServiceResult<NewMail> {
    let (subject, blocks) = content(kind, ctx);
    Ok(NewMail {
        organization_id: Some(ctx.org.id),
        recipient: ctx.organizer.profile.email.clone(),
        subject,
        body_text: text(&blocks, ctx),
        body_html: Some(html(&blocks, ctx)),
    })
}
