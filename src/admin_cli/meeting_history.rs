//! `admin meetings history`: meetings that ended (meeting records), newest first.

use clap::Args;
use dialbridge_admin::services::MeetingRecordQuery;
use dialbridge_store::{MeetingRecord, OrganizationId, OrganizerId, Paged};

use super::organizations::{footer, PageArgs};
use super::table::{self, opt, yes_no};
use super::{CliResult, Ctx};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[arg(long, value_name = "ID")]
    pub organization: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub organizer: Option<i64>,
    /// Meetings that ended in this month (UTC).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
}

pub async fn run(ctx: &Ctx, args: HistoryArgs) -> CliResult {
    let query = MeetingRecordQuery {
        organization_id: args.organization.map(OrganizationId),
        organizer_id: args.organizer.map(OrganizerId),
        month: args.month,
    };
    let list = ctx
        .admin
        .list_meeting_records(&ctx.caller, &query, args.page.page())
        .await?;
    let offset = args.page.offset;
    ctx.show(&list, |l| history_table(l, offset))
}

fn history_table(list: &Paged<MeetingRecord>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|r| {
            let m = &r.meeting;
            vec![
                r.id.to_string(),
                m.conference_key.clone(),
                opt(m.organization_id),
                opt(m.organizer_id),
                m.started_at.to_string(),
                m.ended_at.to_string(),
                m.participants_total.to_string(),
                m.peak_participants.to_string(),
                yes_no(m.pin_used),
                m.end_reason.clone(),
            ]
        })
        .collect();
    table::table(
        &[
            "id",
            "meeting",
            "organization",
            "organizer",
            "started",
            "ended",
            "participants",
            "peak",
            "PIN used",
            "end",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}
