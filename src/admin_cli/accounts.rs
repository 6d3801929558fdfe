//! `admin accounts ...`

use std::io::BufRead;

use clap::{Subcommand, ValueEnum};
use dialbridge_store::{AdminAccount, OrganizationId, Paged, Role};
use zeroize::Zeroizing;

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliError, CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Everything, everywhere; belongs to no organization.
    PlatformAdmin,
    /// Everything inside one organization (--organization required).
    OrgAdmin,
    /// Looks, changes nothing: one organization's, or all with no --organization.
    ReadOnly,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Create an admin login. The password is read from the first line of standard input,
    /// never from the command line (which other users can see in `ps`).
    ///
    /// Example: `printf '%s\n' "$PASSWORD" | dialbridge admin accounts create
    /// --email ops@example.com --role platform-admin --password-stdin`
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: RoleArg,
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List admin accounts (all, or one organization's).
    List {
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::Create {
            email,
            role,
            organization,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let role = match role {
                RoleArg::PlatformAdmin => Role::PlatformAdmin,
                RoleArg::OrgAdmin => Role::OrgAdmin,
                RoleArg::ReadOnly => Role::ReadOnly,
            };
            let account = ctx
                .admin
                .create_admin_account(
                    &ctx.caller,
                    &email,
                    &password,
                    role,
                    organization.map(OrganizationId),
                )
                .await?;
            ctx.show(&account, |a| {
                list_table(
                    &Paged {
                        items: vec![a.clone()],
                        total: 1,
                    },
                    0,
                )
            })
        }
        Action::List { organization, page } => {
            let list = ctx
                .admin
                .list_admin_accounts(&ctx.caller, organization.map(OrganizationId), page.page())
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
    }
}

/// The first line of stdin, without its line end.
fn read_password() -> CliResult<Zeroizing<String>> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::new("io", format!("cannot read the password from stdin: {e}")))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err(CliError::new(
            "invalid",
            "no password on standard input (pipe it in, one line)",
        ));
    }
    Ok(trimmed)
}

fn list_table(list: &Paged<AdminAccount>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.email.clone(),
                a.role.as_str().replace('_', "-"),
                opt(a.organization_id),
            ]
        })
        .collect();
    table::table(&["id", "email", "role", "organization"], &rows)
        + &footer(list.items.len(), offset, list.total)
}
