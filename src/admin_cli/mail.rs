//! `admin mail list`: the outbox without bodies, over the service method `GET /mail` uses.

use clap::{Subcommand, ValueEnum};
use dialbridge_admin::services::{MailQuery, MailSummary};
use dialbridge_store::{MailStatus, OrganizationId, Paged};

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Waiting for its next attempt.
    Queued,
    Sent,
    /// Given up on.
    Failed,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List outbox mails, newest first (bodies are never shown: a queued one may carry a PIN).
    List {
        #[arg(long)]
        status: Option<StatusArg>,
        /// Only this organization's mails.
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List {
            status,
            organization,
            page,
        } => {
            let query = MailQuery {
                organization_id: organization.map(OrganizationId),
                status: status.map(|s| match s {
                    StatusArg::Queued => MailStatus::Queued,
                    StatusArg::Sent => MailStatus::Sent,
                    StatusArg::Failed => MailStatus::Failed,
                }),
            };
            let list = ctx
                .admin
                .list_mail(&ctx.caller, &query, page.page())
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
    }
}

fn list_table(list: &Paged<MailSummary>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.created_at.to_string(),
                m.status.as_str().to_owned(),
                m.attempts.to_string(),
                m.recipient.clone(),
                opt(m.eml_file.as_deref()),
                m.subject.clone(),
            ]
        })
        .collect();
    table::table(
        &[
            "id",
            "created",
            "status",
            "attempts",
            "recipient",
            "eml file",
            "subject",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}
