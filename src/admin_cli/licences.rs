//! `admin licences ...`

use clap::Subcommand;
use dialbridge_store::{LicencePool, OrganizationId, OrganizerId};
use serde_json::json;

use super::table;
use super::{CliResult, Ctx};

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Seats bought, assigned and free in an organization.
    Show {
        /// Organization ID.
        organization: i64,
    },
    /// Set the seats an organization has bought (not below those assigned).
    SetSeats {
        /// Organization ID.
        organization: i64,
        seats: u32,
    },
    /// Give an organizer a seat (needed to use dialbridge for dial-in).
    Assign {
        /// Organizer ID.
        organizer: i64,
    },
    /// Take an organizer's seat back (refused while they use dialbridge with dial-in on).
    Remove {
        /// Organizer ID.
        organizer: i64,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::Show { organization } => {
            let pool = ctx
                .admin
                .licence_pool(&ctx.caller, OrganizationId(organization))
                .await?;
            show_pool(ctx, &pool)
        }
        Action::SetSeats {
            organization,
            seats,
        } => {
            let pool = ctx
                .admin
                .set_licence_seats(&ctx.caller, OrganizationId(organization), seats)
                .await?;
            show_pool(ctx, &pool)
        }
        Action::Assign { organizer } => {
            let changed = ctx
                .admin
                .assign_licence(&ctx.caller, OrganizerId(organizer))
                .await?;
            let value = json!({ "organizer_id": organizer, "licensed": true, "changed": changed });
            ctx.show(&value, |_| {
                if changed {
                    format!("organizer {organizer} now holds a licence\n")
                } else {
                    format!("organizer {organizer} already held a licence\n")
                }
            })
        }
        Action::Remove { organizer } => {
            let changed = ctx
                .admin
                .remove_licence(&ctx.caller, OrganizerId(organizer))
                .await?;
            let value = json!({ "organizer_id": organizer, "licensed": false, "changed": changed });
            ctx.show(&value, |_| {
                if changed {
                    format!("organizer {organizer} no longer holds a licence\n")
                } else {
                    format!("organizer {organizer} held no licence\n")
                }
            })
        }
    }
}

fn show_pool(ctx: &Ctx, pool: &LicencePool) -> CliResult {
    let value = json!({
        "organization_id": pool.organization_id,
        "seats_bought": pool.seats_bought,
        "seats_assigned": pool.seats_assigned,
        "seats_free": pool.seats_free(),
    });
    ctx.show(&value, |_| {
        table::fields(&[
            ("organization", pool.organization_id.to_string()),
            ("seats bought", pool.seats_bought.to_string()),
            ("seats assigned", pool.seats_assigned.to_string()),
            ("seats free", pool.seats_free().to_string()),
        ])
    })
}
