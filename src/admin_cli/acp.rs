//! `admin acp export|import`: the third-party provider round trip of `dialbridge_admin::acp_csv`.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Subcommand;
use dialbridge_admin::acp_csv::{self, ApplyError, PlanError};
use dialbridge_admin::services::ServiceError;
use dialbridge_store::{OrganizationId, OrganizerFilter};
use serde_json::json;

use super::table;
use super::{CliError, CliResult, Ctx};

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Write the organization's dial-in organizers as CSV to standard output, for the ACP
    /// (columns in docs/acp-csv.md). Example: `... acp export --organization 1 > acp.csv`
    Export {
        #[arg(long, value_name = "ID")]
        organization: i64,
        /// Every organizer, not only those with dial-in on.
        #[arg(long)]
        all: bool,
    },
    /// Read the CSV the ACP sent back and move the organizers it fills in to the ACP. Every
    /// row is checked first: with any problem, each is listed by line on stderr, the exit
    /// status is 1 and nothing is written.
    Import {
        #[arg(long, value_name = "ID")]
        organization: i64,
        /// The CSV file (`-` for standard input).
        file: PathBuf,
        /// Check the file and print what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::Export { organization, all } => {
            export(ctx, OrganizationId(organization), all).await
        }
        Action::Import {
            organization,
            file,
            dry_run,
        } => import(ctx, OrganizationId(organization), &file, dry_run).await,
    }
}

async fn export(ctx: &Ctx, org: OrganizationId, all: bool) -> CliResult {
    // Through the service first: it checks the caller and that the organization exists.
    ctx.admin.organization(&ctx.caller, org).await?;
    let filter = OrganizerFilter {
        dial_in_enabled: if all { None } else { Some(true) },
        ..OrganizerFilter::default()
    };
    let bytes = acp_csv::export_organizers(ctx.admin.store(), org, &filter)
        .await
        .map_err(|e| CliError::new("internal", e.to_string()))?;
    // CSV is the output even with --json: it is a file, not a report.
    std::io::stdout()
        .write_all(&bytes)
        .map_err(|e| CliError::new("io", format!("cannot write the file: {e}")))
}

/// `apply_import` leaves the "provider changed" mails to its caller, and no service queues
/// them for an import yet: say so rather than let the operator assume organizers were told.
const NOT_MAILED: &str =
    "note: the organizers were not mailed about the change; tell them, or send invitations\n";

async fn import(ctx: &Ctx, org: OrganizationId, file: &PathBuf, dry_run: bool) -> CliResult {
    ctx.admin.organization(&ctx.caller, org).await?;
    let bytes = read_limited(file)?;
    let plan = match acp_csv::plan_import(ctx.admin.store(), org, &bytes).await {
        Ok(plan) => plan,
        Err(PlanError::Rejected(errors)) => {
            let mut error = CliError::new(
                "invalid_file",
                format!(
                    "the file was not imported; {} problem(s)",
                    errors.errors.len()
                ),
            );
            error.details = errors.errors.iter().map(ToString::to_string).collect();
            return Err(error);
        }
        Err(PlanError::Store(e)) => return Err(ServiceError::from(e).into()),
    };
    let summary = plan.summary();
    if dry_run {
        let value = json!({ "dry_run": true, "summary": summary });
        return ctx.show(&value, |_| {
            table::fields(&[
                ("rows", summary.rows.to_string()),
                ("would change", summary.changes.to_string()),
                ("moving to the ACP", summary.moving_to_acp.to_string()),
                ("ACP details updated", summary.acp_updates.to_string()),
                ("unchanged", summary.unchanged.to_string()),
                ("left blank", summary.left_blank.to_string()),
            ]) + "Dry run: nothing was written.\n"
        });
    }
    let report = acp_csv::apply_import(ctx.admin.store(), ctx.caller.actor(), &plan)
        .await
        .map_err(|e| match e {
            ApplyError::Stale { .. } => CliError::new("conflict", e.to_string()),
            ApplyError::Store(inner) => ServiceError::from(inner).into(),
        })?;
    let value = json!({
        "dry_run": false, "summary": summary, "report": report, "mails_queued": 0,
    });
    ctx.show(&value, |_| {
        table::fields(&[
            ("changed", report.changed.len().to_string()),
            ("unchanged", report.unchanged.to_string()),
            ("left blank", report.left_blank.to_string()),
        ]) + NOT_MAILED
    })
}

/// The file, refused past `acp_csv::MAX_FILE_BYTES` without reading it all.
fn read_limited(file: &PathBuf) -> CliResult<Vec<u8>> {
    let limit = acp_csv::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let result = if file.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|e| CliError::new("io", format!("cannot read {}: {e}", file.display())))?;
    if bytes.len() > acp_csv::MAX_FILE_BYTES {
        return Err(CliError::new(
            "invalid_file",
            format!(
                "the file is larger than {} MiB; split it",
                acp_csv::MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}
