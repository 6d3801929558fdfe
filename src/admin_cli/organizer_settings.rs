//! `admin organizers set ...` and `admin organizers unlock-pin`: the per-organizer switches
//! and the PIN lockout, over the same service methods `PATCH /organizers/{id}` and
//! `POST /organizers/{id}/pin/unlock` use.

use clap::{Args, ValueEnum};
use dialbridge_admin::services::ProfileUpdate;
use dialbridge_store::{DialOutPolicy, Organizer, OrganizerId};

use super::table::{self, opt, yes_no};
use super::{CliError, CliResult, Ctx, Switch};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialOutArg {
    /// No dial-out from this organizer's meetings.
    None,
    /// Numbers in the organizer's country only.
    Domestic,
    /// Any country.
    International,
}

impl DialOutArg {
    fn policy(self) -> DialOutPolicy {
        match self {
            DialOutArg::None => DialOutPolicy::None,
            DialOutArg::Domestic => DialOutPolicy::Domestic,
            DialOutArg::International => DialOutPolicy::International,
        }
    }
}

/// The profile and switches of one organizer; give at least one.
#[derive(Debug, Args)]
pub struct SetArgs {
    pub id: i64,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[arg(long)]
    pub country: Option<String>,
    /// Whether callers may start this organizer's meetings without the PIN.
    #[arg(long, value_name = "on|off")]
    pub anonymous_start: Option<Switch>,
    /// Whom the organizer's meetings may call out to.
    #[arg(long, value_name = "POLICY")]
    pub dial_out_policy: Option<DialOutArg>,
    /// Whether a toll-free number may be the organizer's default (off also drops a
    /// toll-free default).
    #[arg(long, value_name = "on|off")]
    pub toll_free_allowed: Option<Switch>,
}

pub async fn set(ctx: &Ctx, args: SetArgs) -> CliResult {
    let id = OrganizerId(args.id);
    let profile = ProfileUpdate {
        name: args.name,
        email: args.email,
        country: args.country,
    };
    if profile == ProfileUpdate::default()
        && args.anonymous_start.is_none()
        && args.dial_out_policy.is_none()
        && args.toll_free_allowed.is_none()
    {
        return Err(CliError::new(
            "invalid",
            "nothing to change: give --name, --email, --country, --anonymous-start, \
             --dial-out-policy or --toll-free-allowed",
        ));
    }
    let (admin, caller) = (&ctx.admin, &ctx.caller);
    // One service call per kind of change, as the API does for a PATCH naming several.
    let mut organizer = None;
    if profile != ProfileUpdate::default() {
        organizer = Some(admin.update_organizer_profile(caller, id, &profile).await?);
    }
    if let Some(switch) = args.anonymous_start {
        organizer = Some(
            admin
                .set_anonymous_start(caller, id, switch.enabled())
                .await?,
        );
    }
    if let Some(policy) = args.dial_out_policy {
        organizer = Some(
            admin
                .set_dial_out_policy(caller, id, policy.policy())
                .await?,
        );
    }
    if let Some(switch) = args.toll_free_allowed {
        organizer = Some(
            admin
                .set_toll_free_allowed(caller, id, switch.enabled())
                .await?,
        );
    }
    match organizer {
        Some(organizer) => ctx.show(&organizer, switches),
        None => Ok(()),
    }
}

pub async fn unlock_pin(ctx: &Ctx, id: i64) -> CliResult {
    let organizer = ctx.admin.unlock_pin(&ctx.caller, OrganizerId(id)).await?;
    ctx.show(&organizer, |o| {
        table::fields(&[
            ("organizer", o.id.to_string()),
            ("PIN failures", o.pin_failures.to_string()),
            ("PIN locked until", opt(o.pin_locked_until)),
        ])
    })
}

fn switches(o: &Organizer) -> String {
    let p = &o.profile;
    table::fields(&[
        ("organizer", o.id.to_string()),
        ("name", p.name.clone()),
        ("email", p.email.clone()),
        ("country", p.country.clone()),
        ("anonymous start", yes_no(p.anonymous_start)),
        ("dial-out policy", p.dial_out_policy.as_str().to_owned()),
        ("toll-free allowed", yes_no(p.toll_free_allowed)),
        ("default toll-free number", opt(p.default_toll_free_number)),
    ])
}
