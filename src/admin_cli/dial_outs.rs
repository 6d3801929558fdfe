//! `admin dial-outs list|show`: the dial-out log, refusals with their reasons and outcomes.

use clap::{Subcommand, ValueEnum};
use dialbridge_admin::services::DialOutQuery;
use dialbridge_store::{DialOutAttempt, DialOutStatus, OrganizationId, OrganizerId, Paged};

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliResult, Ctx};

/// The statuses as operators type them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Refused,
    Calling,
    Ringing,
    Answered,
    Joined,
    DeclinedByCallee,
    Busy,
    Declined,
    NoAnswer,
    Failed,
    Cancelled,
}

impl From<StatusArg> for DialOutStatus {
    fn from(s: StatusArg) -> DialOutStatus {
        match s {
            StatusArg::Refused => DialOutStatus::Refused,
            StatusArg::Calling => DialOutStatus::Calling,
            StatusArg::Ringing => DialOutStatus::Ringing,
            StatusArg::Answered => DialOutStatus::Answered,
            StatusArg::Joined => DialOutStatus::Joined,
            StatusArg::DeclinedByCallee => DialOutStatus::DeclinedByCallee,
            StatusArg::Busy => DialOutStatus::Busy,
            StatusArg::Declined => DialOutStatus::Declined,
            StatusArg::NoAnswer => DialOutStatus::NoAnswer,
            StatusArg::Failed => DialOutStatus::Failed,
            StatusArg::Cancelled => DialOutStatus::Cancelled,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Dial-out attempts, newest first.
    List {
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[arg(long, value_name = "ID")]
        organizer: Option<i64>,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Only attempts the policy refused.
        #[arg(long, conflicts_with = "status")]
        refused: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// One attempt, by the reference the API answered.
    Show { reference: String },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List {
            organization,
            organizer,
            status,
            refused,
            page,
        } => {
            let query = DialOutQuery {
                organization_id: organization.map(OrganizationId),
                organizer_id: organizer.map(OrganizerId),
                status: status.map(DialOutStatus::from),
                refused_only: refused,
            };
            let list = ctx
                .admin
                .list_dial_outs(&ctx.caller, &query, page.page())
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
        Action::Show { reference } => {
            let attempt = ctx.admin.dial_out_attempt(&ctx.caller, &reference).await?;
            ctx.show(&attempt, details)
        }
    }
}

fn list_table(list: &Paged<DialOutAttempt>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|a| {
            let w = &a.attempt;
            vec![
                w.reference.clone(),
                a.created_at.to_string(),
                w.organization_id.to_string(),
                opt(a.organizer_name.as_deref()),
                w.purpose.to_string(),
                w.dialed.clone(),
                w.status.to_string(),
                opt(w.reason.as_deref()),
            ]
        })
        .collect();
    table::table(
        &[
            "reference",
            "asked",
            "organization",
            "organizer",
            "purpose",
            "number",
            "status",
            "reason",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}

fn details(a: &DialOutAttempt) -> String {
    let w = &a.attempt;
    table::fields(&[
        ("reference", w.reference.clone()),
        ("organization", w.organization_id.to_string()),
        ("organizer", opt(w.organizer_id)),
        ("organizer name", opt(a.organizer_name.as_deref())),
        ("meeting", opt(w.conference_key.as_deref())),
        ("purpose", w.purpose.to_string()),
        ("requested by", w.requested_by.clone()),
        ("number as typed", w.dialed.clone()),
        ("E.164", opt(w.e164.as_deref())),
        ("country", opt(w.destination_country.as_deref())),
        ("status", w.status.to_string()),
        ("reason", opt(w.reason.as_deref())),
        ("asked at", a.created_at.to_string()),
        ("updated at", a.updated_at.to_string()),
    ])
}
