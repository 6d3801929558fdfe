//! `admin organizations ...`

use clap::Subcommand;
use dialbridge_admin::services::{NewOrganization, SettingsPatch};
use dialbridge_store::{Organization, OrganizationId, Page, Paged};

use super::table::{self, opt, yes_no};
use super::{CliResult, Ctx, Switch};

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List organizations (optionally those whose name contains TEXT).
    List {
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Create an organization with the default settings.
    Create {
        /// Unique name, as admins and organizers see it.
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country code, e.g. US or FR.
        #[arg(long)]
        country: String,
    },
    /// Show one organization and its settings.
    Show { id: i64 },
    /// Change an organization's settings; options not given stay as they are.
    Set {
        id: i64,
        /// Mail organizers when their dial-in settings change.
        #[arg(long, value_name = "on|off")]
        send_emails: Option<Switch>,
        /// Sender of those mails instead of the service's (`--sender ""` goes back to it).
        #[arg(long, value_name = "ADDRESS")]
        sender: Option<String>,
        /// Whether new organizers let callers start meetings without the PIN.
        #[arg(long, value_name = "on|off")]
        anonymous_start_default: Option<Switch>,
        /// Ask callers to record their name on entry.
        #[arg(long, value_name = "on|off")]
        record_names: Option<Switch>,
        /// Show callers' numbers masked in rosters and logs.
        #[arg(long, value_name = "on|off")]
        mask_phone_numbers: Option<Switch>,
        /// Digits of new PINs.
        #[arg(long, value_name = "DIGITS")]
        pin_length: Option<u8>,
        /// Digits of new conference IDs (5 to 10).
        #[arg(long, value_name = "DIGITS")]
        conference_id_length: Option<u8>,
        /// Wrong PINs in a row before the PIN locks.
        #[arg(long, value_name = "N")]
        pin_max_failures: Option<u32>,
        /// How long a locked PIN stays locked.
        #[arg(long, value_name = "SECONDS")]
        pin_lockout_seconds: Option<u32>,
        #[command(flatten)]
        extra: super::organization_extras::ExtraArgs,
        #[command(flatten)]
        dial_out: Box<super::organization_dial_out::DialOutArgs>,
    },
}

/// `--limit` and `--offset` of list commands.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PageArgs {
    /// Rows to print (at most 500).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

impl PageArgs {
    pub fn page(self) -> Page {
        Page::new(self.limit, self.offset)
    }
}

/// The line under a list saying how much of it was shown.
pub fn footer(shown: usize, offset: u64, total: i64) -> String {
    if shown as i64 >= total && offset == 0 {
        format!("{total} in all\n")
    } else {
        format!(
            "rows {}-{} of {total} (use --offset and --limit for more)\n",
            offset + 1,
            offset + shown as u64
        )
    }
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List { search, page } => {
            let list = ctx
                .admin
                .list_organizations(&ctx.caller, search.as_deref(), page.page())
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
        Action::Create { name, country } => {
            let new = NewOrganization {
                name,
                country,
                settings: SettingsPatch::default(),
            };
            let org = ctx.admin.create_organization(&ctx.caller, &new).await?;
            ctx.show(&org, details)
        }
        Action::Show { id } => {
            let org = ctx
                .admin
                .organization(&ctx.caller, OrganizationId(id))
                .await?;
            ctx.show(&org, details)
        }
        Action::Set {
            id,
            send_emails,
            sender,
            anonymous_start_default,
            record_names,
            mask_phone_numbers,
            pin_length,
            conference_id_length,
            pin_max_failures,
            pin_lockout_seconds,
            extra,
            dial_out,
        } => {
            let mut patch = SettingsPatch {
                send_emails: send_emails.map(Switch::enabled),
                sender_address: sender.map(|s| Some(s).filter(|s| !s.trim().is_empty())),
                anonymous_start_default: anonymous_start_default.map(Switch::enabled),
                record_names: record_names.map(Switch::enabled),
                mask_phone_numbers: mask_phone_numbers.map(Switch::enabled),
                pin_length,
                conference_id_length,
                pin_max_failures,
                pin_lockout_seconds,
                ..SettingsPatch::default()
            };
            super::organization_extras::apply(ctx, OrganizationId(id), extra, &mut patch).await?;
            super::organization_dial_out::apply(*dial_out, &mut patch);
            let org = ctx
                .admin
                .update_organization_settings(&ctx.caller, OrganizationId(id), &patch)
                .await?;
            ctx.show(&org, details)
        }
    }
}

fn list_table(list: &Paged<Organization>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|o| {
            vec![
                o.id.to_string(),
                o.name.clone(),
                o.country.clone(),
                yes_no(o.settings.send_emails),
            ]
        })
        .collect();
    table::table(&["id", "name", "country", "send emails"], &rows)
        + &footer(list.items.len(), offset, list.total)
}

fn details(o: &Organization) -> String {
    let s = &o.settings;
    table::fields(&[
        ("id", o.id.to_string()),
        ("name", o.name.clone()),
        ("country", o.country.clone()),
        ("send emails", yes_no(s.send_emails)),
        ("sender", opt(s.sender_address.as_deref())),
        ("anonymous start default", yes_no(s.anonymous_start_default)),
        ("record names", yes_no(s.record_names)),
        ("mask phone numbers", yes_no(s.mask_phone_numbers)),
        ("PIN length", s.pin_length.to_string()),
        ("conference ID length", s.conference_id_length.to_string()),
        ("PIN max failures", s.pin_max_failures.to_string()),
        ("PIN lockout seconds", s.pin_lockout_seconds.to_string()),
        (
            "dial-out countries",
            if s.dial_out_countries.is_empty() {
                "all".to_owned()
            } else {
                s.dial_out_countries.join(",")
            },
        ),
        (
            "dial-out max per meeting",
            s.dial_out_max_per_meeting.to_string(),
        ),
        (
            "dial-out max per organization",
            s.dial_out_max_per_organization.to_string(),
        ),
        (
            "dial-out join confirmation",
            yes_no(s.dial_out_join_confirmation),
        ),
        ("operator number", opt(s.operator_number.as_deref())),
    ])
}
