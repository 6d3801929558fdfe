//! `admin audit list`: the audit log, over the service method `GET /audit` uses.

use clap::Subcommand;
use dialbridge_admin::services::AuditQuery;
use dialbridge_store::{AuditEntry, OrganizationId, Paged};

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliResult, Ctx};

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List audit rows, newest first.
    List {
        /// Exact actor label: an admin's email, or `system:cli` for this CLI.
        #[arg(long, value_name = "LABEL")]
        actor: Option<String>,
        /// A kind (`organizer`) or one thing (`organizer:7`).
        #[arg(long, value_name = "KIND[:ID]")]
        entity: Option<String>,
        /// Action name, e.g. `organizer.pin_reset`.
        #[arg(long)]
        action: Option<String>,
        /// Only rows at or after this time, in seconds since 1970 (UTC).
        #[arg(long, value_name = "UNIX_SECONDS")]
        since: Option<i64>,
        /// Only this organization's rows.
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List {
            actor,
            entity,
            action,
            since,
            organization,
            page,
        } => {
            let query = AuditQuery {
                organization_id: organization.map(OrganizationId),
                action,
                actor,
                entity,
                since,
            };
            let list = ctx
                .admin
                .list_audit(&ctx.caller, &query, page.page())
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
    }
}

fn list_table(list: &Paged<AuditEntry>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.at.to_string(),
                e.actor.clone(),
                opt(e.organization_id),
                e.action.clone(),
                e.target.clone(),
            ]
        })
        .collect();
    table::table(&["id", "at", "actor", "org", "action", "target"], &rows)
        + &footer(list.items.len(), offset, list.total)
}
