//! `admin calls list|usage`: call history and the monthly usage report for chargeback.

use std::io::Write;

use clap::{Subcommand, ValueEnum};
use dialbridge_admin::services::{parse_time, usage_csv, CallRecordQuery};
use dialbridge_store::{CallDirection, OrganizationId, OrganizerId, Page};

use super::table;
use super::{CliError, CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl From<Direction> for CallDirection {
    fn from(d: Direction) -> CallDirection {
        match d {
            Direction::Inbound => CallDirection::Inbound,
            Direction::Outbound => CallDirection::Outbound,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Call detail records, newest first. `--csv` writes every match as CSV to standard
    /// output (columns in docs/admin-guide.md, "Call history and usage").
    List {
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[arg(long, value_name = "ID")]
        organizer: Option<i64>,
        #[arg(long, value_enum)]
        direction: Option<Direction>,
        /// Calls that ended on or after this day (YYYY-MM-DD, UTC) or Unix time.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Calls that ended before this day (YYYY-MM-DD, UTC) or Unix time.
        #[arg(long, value_name = "WHEN")]
        until: Option<String>,
        /// Rows to show (1 to 500).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Every matching record as CSV on standard output.
        #[arg(long)]
        csv: bool,
    },
    /// Calls and billed minutes (each call rounded up to a whole minute) per organization,
    /// organizer, direction, dial-in number kind and country, for one month or a range.
    Usage {
        /// The month, YYYY-MM (UTC); with --to, the first month.
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// The last month of a range (inclusive).
        #[arg(long, value_name = "YYYY-MM")]
        to: Option<String>,
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        /// CSV on standard output.
        #[arg(long)]
        csv: bool,
    },
}

fn write_out(bytes: &[u8]) -> CliResult {
    std::io::stdout()
        .write_all(bytes)
        .map_err(|e| CliError::new("io", format!("cannot write the file: {e}")))
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List {
            organization,
            organizer,
            direction,
            since,
            until,
            limit,
            offset,
            csv,
        } => {
            let query = CallRecordQuery {
                organization_id: organization.map(OrganizationId),
                organizer_id: organizer.map(OrganizerId),
                direction: direction.map(CallDirection::from),
                since: since.as_deref().map(parse_time).transpose()?,
                until: until.as_deref().map(parse_time).transpose()?,
            };
            if csv {
                let bytes = ctx.admin.export_call_records(&ctx.caller, &query).await?;
                return write_out(&bytes);
            }
            let page = ctx
                .admin
                .list_call_records(&ctx.caller, &query, Page::new(limit, offset))
                .await?;
            ctx.show(&page, |page| {
                let rows: Vec<Vec<String>> = page
                    .items
                    .iter()
                    .map(|r| {
                        let c = &r.call;
                        vec![
                            r.id.to_string(),
                            c.ended_at.to_string(),
                            c.direction.to_string(),
                            c.called_number.clone(),
                            table::opt(c.caller_number.as_deref()),
                            table::opt(c.organization_id),
                            table::opt(c.organizer_id),
                            c.duration_secs.to_string(),
                            c.end_reason.clone(),
                        ]
                    })
                    .collect();
                table::table(
                    &[
                        "id",
                        "ended",
                        "direction",
                        "called",
                        "caller",
                        "organization",
                        "organizer",
                        "seconds",
                        "end",
                    ],
                    &rows,
                ) + &format!("{} of {} calls\n", page.items.len(), page.total)
            })
        }
        Action::Usage {
            month,
            to,
            organization,
            csv,
        } => {
            let to = to.unwrap_or_else(|| month.clone());
            let rows = ctx
                .admin
                .usage_report(&ctx.caller, organization.map(OrganizationId), &month, &to)
                .await?;
            if csv {
                return write_out(&usage_csv(&rows)?);
            }
            ctx.show(&rows, |rows| {
                let lines: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.month.clone(),
                            table::opt(r.organization_name.as_deref()),
                            table::opt(r.organizer_name.as_deref()),
                            r.direction.to_string(),
                            table::opt(r.dial_in_number_kind),
                            table::opt(r.country.as_deref()),
                            r.calls.to_string(),
                            r.minutes.to_string(),
                        ]
                    })
                    .collect();
                table::table(
                    &[
                        "month",
                        "organization",
                        "organizer",
                        "direction",
                        "number",
                        "country",
                        "calls",
                        "minutes",
                    ],
                    &lines,
                )
            })
        }
    }
}
