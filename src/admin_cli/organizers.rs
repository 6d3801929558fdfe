//! `admin organizers ...`

use clap::{Subcommand, ValueEnum};
use dialbridge_admin::rules::provider::AcpDetails;
use dialbridge_admin::services::{
    CalendarEvent, DefaultNumbers, DialInOutcome, NewOrganizerInput, OrganizerQuery, PinChoice,
    ProviderChoice,
};
use dialbridge_store::{
    DialInNumberId, OrganizationId, Organizer, OrganizerId, Paged, Provider, ProviderKind,
};
use serde_json::json;

use super::organizations::{footer, PageArgs};
use super::table::{self, opt, yes_no};
use super::{CliError, CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    /// dialbridge itself: conference IDs and PINs from this service.
    Dialbridge,
    /// A third-party audio conferencing provider.
    Acp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Html,
    /// An iCalendar file (text/calendar) for a meeting with the organizer's dial-in details.
    Ics,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List organizers, optionally filtered.
    List {
        /// Only this organization's.
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        /// Only those on this provider.
        #[arg(long)]
        provider: Option<ProviderArg>,
        /// Part of the name or email.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Create an organizer (on dialbridge, dial-in off: enable it to draw an ID and PIN).
    Create {
        #[arg(long, value_name = "ID")]
        organization: i64,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// ISO 3166-1 alpha-2 [default: the organization's].
        #[arg(long)]
        country: Option<String>,
    },
    /// Show one organizer (the PIN is never shown, only whether there is one).
    Show { id: i64 },
    /// Turn dial-in on; on dialbridge this needs a licence and prints the conference ID and,
    /// when one is drawn, the new PIN (shown only now).
    EnableDialIn { id: i64 },
    /// Turn dial-in off.
    DisableDialIn { id: i64 },
    /// Draw a new conference ID; the old one stops working at once.
    ResetConferenceId { id: i64 },
    /// Set a new PIN (random unless --pin) and clear any lockout; prints it once.
    ResetPin {
        id: i64,
        /// The PIN to set instead of a random one (refused when trivial or too short).
        #[arg(long, value_name = "DIGITS")]
        pin: Option<String>,
    },
    /// Change name, email, country, anonymous start, dial-out policy or toll-free allowed.
    Set(super::organizer_settings::SetArgs),
    /// Lift a PIN lockout after too many wrong PINs (the PIN stays).
    UnlockPin { id: i64 },
    /// Switch the organizer to dialbridge, or to a third-party provider with its details.
    SetProvider {
        id: i64,
        provider: ProviderArg,
        /// ACP: the provider's name.
        #[arg(long, required_if_eq("provider", "acp"))]
        name: Option<String>,
        /// ACP: the toll number, E.164.
        #[arg(long, value_name = "E164", required_if_eq("provider", "acp"))]
        toll: Option<String>,
        /// ACP: a toll-free number, E.164 (repeat for more).
        #[arg(long, value_name = "E164")]
        toll_free: Vec<String>,
        /// ACP: the participant passcode.
        #[arg(long, required_if_eq("provider", "acp"))]
        passcode: Option<String>,
        /// ACP: the meeting web page.
        #[arg(long)]
        url: Option<String>,
    },
    /// Set the numbers printed on the organizer's invitations (ID or E.164 of a listed number).
    SetDefaultNumbers {
        id: i64,
        #[arg(long, value_name = "NUM")]
        toll: String,
        #[arg(long, value_name = "NUM")]
        toll_free: Option<String>,
        /// A number from another country than the toll number's.
        #[arg(long, value_name = "NUM")]
        international: Option<String>,
    },
    /// Print the dial-in section for the organizer's meetings.
    Invitation {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// ics: the meeting's subject.
        #[arg(long, default_value = "Meeting")]
        subject: String,
        /// ics: start, in seconds since 1970 (UTC) [default: now].
        #[arg(long, value_name = "UNIX_SECONDS")]
        start: Option<i64>,
        /// ics: length in minutes.
        #[arg(long, default_value_t = 60)]
        minutes: u32,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    let admin = &ctx.admin;
    let caller = &ctx.caller;
    match action {
        Action::List {
            organization,
            provider,
            search,
            page,
        } => {
            let query = OrganizerQuery {
                organization_id: organization.map(OrganizationId),
                provider: provider.map(|p| match p {
                    ProviderArg::Dialbridge => ProviderKind::Dialbridge,
                    ProviderArg::Acp => ProviderKind::Acp,
                }),
                search,
                ..OrganizerQuery::default()
            };
            let list = admin.list_organizers(caller, &query, page.page()).await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
        Action::Create {
            organization,
            name,
            email,
            country,
        } => {
            let input = NewOrganizerInput {
                organization_id: OrganizationId(organization),
                name,
                email,
                country,
                anonymous_start: None,
                dial_out_policy: None,
            };
            let organizer = admin.create_organizer(caller, &input).await?;
            ctx.show(&organizer, details)
        }
        Action::Show { id } => {
            let organizer = admin.organizer(caller, OrganizerId(id)).await?;
            ctx.show(&organizer, details)
        }
        Action::EnableDialIn { id } => {
            outcome(ctx, admin.enable_dial_in(caller, OrganizerId(id)).await?)
        }
        Action::DisableDialIn { id } => {
            outcome(ctx, admin.disable_dial_in(caller, OrganizerId(id)).await?)
        }
        Action::ResetConferenceId { id } => outcome(
            ctx,
            admin.reset_conference_id(caller, OrganizerId(id)).await?,
        ),
        Action::ResetPin { id, pin } => {
            let choice = pin.map_or(PinChoice::Random, PinChoice::Chosen);
            outcome(ctx, admin.reset_pin(caller, OrganizerId(id), choice).await?)
        }
        Action::Set(args) => super::organizer_settings::set(ctx, args).await,
        Action::UnlockPin { id } => super::organizer_settings::unlock_pin(ctx, id).await,
        Action::SetProvider {
            id,
            provider,
            name,
            toll,
            toll_free,
            passcode,
            url,
        } => {
            let choice = match provider {
                ProviderArg::Dialbridge => ProviderChoice::Dialbridge,
                ProviderArg::Acp => {
                    let toll_free: Vec<&str> = toll_free.iter().map(String::as_str).collect();
                    let details = AcpDetails::new(
                        name.as_deref().unwrap_or_default(),
                        toll.as_deref().unwrap_or_default(),
                        &toll_free,
                        passcode.as_deref().unwrap_or_default(),
                        url.as_deref(),
                    )
                    .map_err(|e| CliError::new("invalid", e.to_string()))?;
                    ProviderChoice::ThirdParty(details)
                }
            };
            outcome(
                ctx,
                admin.set_provider(caller, OrganizerId(id), choice).await?,
            )
        }
        Action::SetDefaultNumbers {
            id,
            toll,
            toll_free,
            international,
        } => {
            let numbers = DefaultNumbers {
                toll: Some(number_id(ctx, &toll).await?),
                toll_free: match toll_free {
                    Some(n) => Some(number_id(ctx, &n).await?),
                    None => None,
                },
                international: match international {
                    Some(n) => Some(number_id(ctx, &n).await?),
                    None => None,
                },
            };
            outcome(
                ctx,
                admin
                    .set_default_numbers(caller, OrganizerId(id), numbers)
                    .await?,
            )
        }
        Action::Invitation {
            id,
            format,
            subject,
            start,
            minutes,
        } => invitation(ctx, OrganizerId(id), format, subject, start, minutes).await,
    }
}

/// A number named by ID or by E.164 (what operators have at hand).
async fn number_id(ctx: &Ctx, text: &str) -> CliResult<DialInNumberId> {
    let text = text.trim();
    // Digits only: `i64::from_str` would also take "+14155550100" as an ID.
    if !text.starts_with('+') {
        return text.parse::<i64>().map(DialInNumberId).map_err(|_| {
            CliError::new(
                "invalid",
                format!("{text:?} is neither a number ID nor an E.164 number (+ and digits)"),
            )
        });
    }
    let found = ctx
        .admin
        .store()
        .dial_in_number_by_e164(text)
        .await
        .map_err(|e| CliError::from(dialbridge_admin::services::ServiceError::from(e)))?;
    found.map(|n| n.id).ok_or_else(|| {
        CliError::new(
            "not_found",
            format!(
                "no dial-in number {text} is listed (give its ID or E.164 form, e.g. +14255550100)"
            ),
        )
    })
}

async fn invitation(
    ctx: &Ctx,
    id: OrganizerId,
    format: Format,
    subject: String,
    start: Option<i64>,
    minutes: u32,
) -> CliResult {
    let invitation = match format {
        Format::Text | Format::Html => ctx.admin.organizer_invitation(&ctx.caller, id).await?,
        Format::Ics => {
            let starts_at = start.unwrap_or_else(|| ctx.admin.store().now());
            let event = CalendarEvent {
                uid: format!(
                    "organizer-{id}-{starts_at}@{}",
                    ctx.admin.config().calendar_host
                ),
                subject,
                starts_at,
                ends_at: starts_at.saturating_add(i64::from(minutes) * 60),
            };
            ctx.admin
                .organizer_calendar_invitation(&ctx.caller, id, &event)
                .await?
        }
    };
    let body = match format {
        Format::Text => invitation.text.clone(),
        Format::Html => invitation.html.clone(),
        Format::Ics => invitation.icalendar.clone().unwrap_or_default(),
    };
    let value = json!({
        "organizer_id": id,
        "text": invitation.text,
        "html": invitation.html,
        "icalendar": invitation.icalendar,
    });
    // The invitation is printed as is (not through the table's control-character filter):
    // it is our own rendering, meant to be pasted or saved to a file.
    ctx.show(&value, |_| {
        if body.ends_with('\n') {
            body.clone()
        } else {
            format!("{body}\n")
        }
    })
}

/// What a dial-in change did. The new PIN is printed here and nowhere else.
fn outcome(ctx: &Ctx, outcome: DialInOutcome) -> CliResult {
    let o = &outcome.organizer;
    let pin = outcome.new_pin.as_ref().map(|p| p.reveal().to_owned());
    let value = json!({
        "organizer": o,
        "new_pin": pin,
        "notifications": outcome.notifications,
        "mails_queued": outcome.mails.len(),
    });
    ctx.show(&value, |_| {
        let mut pairs = vec![
            ("organizer", o.id.to_string()),
            ("dial-in", on_off(o.profile.dial_in_enabled)),
            ("provider", provider_name(&o.provider)),
            ("conference ID", opt(o.conference_id.as_deref())),
        ];
        if let Some(pin) = &pin {
            pairs.push(("new PIN", pin.clone()));
        }
        pairs.push(("mails queued", outcome.mails.len().to_string()));
        let mut out = table::fields(&pairs);
        if pin.is_some() {
            out.push_str("The PIN is shown only now; it is stored as a hash.\n");
        }
        out
    })
}

fn on_off(value: bool) -> String {
    if value { "on" } else { "off" }.to_owned()
}

fn provider_name(provider: &Provider) -> String {
    match provider {
        Provider::Dialbridge => "dialbridge".to_owned(),
        Provider::Acp(acp) => format!("acp ({})", acp.provider_name),
    }
}

fn list_table(list: &Paged<Organizer>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|o| {
            vec![
                o.id.to_string(),
                o.organization_id.to_string(),
                o.profile.name.clone(),
                o.profile.email.clone(),
                provider_name(&o.provider),
                yes_no(o.licensed),
                on_off(o.profile.dial_in_enabled),
                opt(o.conference_id.as_deref()),
            ]
        })
        .collect();
    table::table(
        &[
            "id",
            "org",
            "name",
            "email",
            "provider",
            "licensed",
            "dial-in",
            "conference id",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}

fn details(o: &Organizer) -> String {
    let p = &o.profile;
    let mut pairs = vec![
        ("id", o.id.to_string()),
        ("organization", o.organization_id.to_string()),
        ("name", p.name.clone()),
        ("email", p.email.clone()),
        ("country", p.country.clone()),
        ("provider", provider_name(&o.provider)),
        ("licensed", yes_no(o.licensed)),
        ("dial-in", on_off(p.dial_in_enabled)),
        ("conference ID", opt(o.conference_id.as_deref())),
        ("has PIN", yes_no(o.has_pin)),
        ("PIN failures", o.pin_failures.to_string()),
        ("PIN locked until", opt(o.pin_locked_until)),
        ("default toll number", opt(p.default_toll_number)),
        ("default toll-free number", opt(p.default_toll_free_number)),
        ("default international", opt(p.default_international_number)),
        ("toll-free allowed", yes_no(p.toll_free_allowed)),
        ("anonymous start", yes_no(p.anonymous_start)),
    ];
    if let Provider::Acp(acp) = &o.provider {
        pairs.push(("ACP toll number", opt(acp.toll_number.as_deref())));
        pairs.push(("ACP toll-free numbers", acp.toll_free_numbers.join(", ")));
        pairs.push(("ACP conference ID", opt(acp.conference_id.as_deref())));
        pairs.push(("ACP URL", opt(acp.url.as_deref())));
    }
    table::fields(&pairs)
}
