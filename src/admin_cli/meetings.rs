//! `admin meetings ...`: scheduled meetings with their own conference IDs, over the service
//! methods the `/organizers/{id}/meetings` and `/meetings/{id}` routes use.

use clap::{Args, Subcommand};
use dialbridge_admin::rules::meeting_expiry::dynamic_id_expires_at;
use dialbridge_store::{Meeting, MeetingFields, MeetingId, OrganizerId, Paged};
use serde::Serialize;
use serde_json::json;

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliResult, Ctx};

/// Subject and times of a meeting.
#[derive(Debug, Args)]
pub struct Times {
    #[arg(long)]
    pub subject: String,
    /// Start, in seconds since 1970 (UTC).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub start: i64,
    /// End, in seconds since 1970 (UTC); after the start.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub end: i64,
}

impl Times {
    fn fields(self) -> MeetingFields {
        MeetingFields {
            subject: self.subject,
            starts_at: self.start,
            ends_at: self.end,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Schedule a meeting for an organizer on dialbridge with dial-in on; prints its own
    /// conference ID.
    Create {
        #[arg(long, value_name = "ID")]
        organizer: i64,
        #[command(flatten)]
        times: Times,
    },
    /// List an organizer's meetings by start time.
    List {
        #[arg(long, value_name = "ID")]
        organizer: i64,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show one meeting.
    Show { id: i64 },
    /// Change subject and times (all three); the conference ID stays.
    Update {
        id: i64,
        #[command(flatten)]
        times: Times,
    },
    /// Cancel a meeting; its conference ID stops working at once.
    Delete { id: i64 },
    /// Meetings that ended (any organizer's), newest first: participants, peak, PIN, end.
    History(super::meeting_history::HistoryArgs),
}

/// A meeting as the API answers it: with the day its conference ID stops working.
#[derive(Debug, Clone, Serialize)]
struct MeetingView {
    #[serde(flatten)]
    meeting: Meeting,
    conference_id_expires_at: i64,
}

fn view(meeting: Meeting) -> MeetingView {
    MeetingView {
        conference_id_expires_at: dynamic_id_expires_at(meeting.fields.ends_at),
        meeting,
    }
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    let (admin, caller) = (&ctx.admin, &ctx.caller);
    match action {
        Action::Create { organizer, times } => {
            let meeting = admin
                .create_meeting(caller, OrganizerId(organizer), &times.fields())
                .await?;
            ctx.show(&view(meeting), details)
        }
        Action::List { organizer, page } => {
            let list = admin
                .list_meetings(caller, OrganizerId(organizer), page.page())
                .await?;
            let list = Paged {
                items: list.items.into_iter().map(view).collect(),
                total: list.total,
            };
            ctx.show(&list, |l| list_table(l, page.offset))
        }
        Action::Show { id } => {
            let meeting = admin.meeting(caller, MeetingId(id)).await?;
            ctx.show(&view(meeting), details)
        }
        Action::Update { id, times } => {
            let meeting = admin
                .update_meeting(caller, MeetingId(id), &times.fields())
                .await?;
            ctx.show(&view(meeting), details)
        }
        Action::Delete { id } => {
            admin.delete_meeting(caller, MeetingId(id)).await?;
            let value = json!({ "deleted": id });
            ctx.show(&value, |_| format!("meeting {id} deleted\n"))
        }
        Action::History(args) => super::meeting_history::run(ctx, args).await,
    }
}

fn details(v: &MeetingView) -> String {
    let m = &v.meeting;
    table::fields(&[
        ("id", m.id.to_string()),
        ("organizer", m.organizer_id.to_string()),
        ("organization", m.organization_id.to_string()),
        ("subject", m.fields.subject.clone()),
        ("starts at", m.fields.starts_at.to_string()),
        ("ends at", m.fields.ends_at.to_string()),
        ("conference ID", opt(m.conference_id.as_deref())),
        (
            "conference ID expires",
            v.conference_id_expires_at.to_string(),
        ),
    ])
}

fn list_table(list: &Paged<MeetingView>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|v| {
            let m = &v.meeting;
            vec![
                m.id.to_string(),
                m.organizer_id.to_string(),
                m.fields.starts_at.to_string(),
                m.fields.ends_at.to_string(),
                opt(m.conference_id.as_deref()),
                m.fields.subject.clone(),
            ]
        })
        .collect();
    table::table(
        &[
            "id",
            "organizer",
            "starts at",
            "ends at",
            "conference id",
            "subject",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}
