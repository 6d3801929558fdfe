//! `admin acp export|import`: the third-party provider round trip of `dialbridge_admin::acp_csv`.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Subcommand;
use dialbridge_admin::acp_csv;
use dialbridge_store::OrganizationId;
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
    let bytes = ctx.admin.export_acp(&ctx.caller, org, all).await?;
    // CSV is the output even with --json: it is a file, not a report.
    std::io::stdout()
        .write_all(&bytes)
        .map_err(|e| CliError::new("io", format!("cannot write the file: {e}")))
}

async fn import(ctx: &Ctx, org: OrganizationId, file: &PathBuf, dry_run: bool) -> CliResult {
    let bytes = read_limited(file)?;
    let outcome = ctx
        .admin
        .import_acp(&ctx.caller, org, &bytes, dry_run)
        .await?;
    let summary = &outcome.summary;
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
    let value = json!({
        "dry_run": false, "summary": summary, "changed": outcome.changed,
        "mails_queued": outcome.mails.len(),
    });
    ctx.show(&value, |_| {
        table::fields(&[
            ("changed", outcome.changed.len().to_string()),
            ("unchanged", summary.unchanged.to_string()),
            ("left blank", summary.left_blank.to_string()),
            ("mails queued", outcome.mails.len().to_string()),
        ])
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
