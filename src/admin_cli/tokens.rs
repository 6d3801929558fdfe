//! `admin tokens ...`

use clap::Subcommand;
use dialbridge_store::{AdminAccountId, ApiTokenId};
use serde_json::json;

use super::table;
use super::{CliResult, Ctx};

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Issue an API token acting as an admin account. The token is printed once, now;
    /// only its SHA-256 is stored, so it cannot be shown again.
    Create {
        #[arg(long, value_name = "ID")]
        account: i64,
        /// What the token is for, e.g. "provisioning script".
        #[arg(long)]
        name: String,
    },
    /// List an account's tokens (never the tokens themselves).
    List {
        #[arg(long, value_name = "ID")]
        account: i64,
    },
    /// Revoke a token: the API refuses it from the next request on.
    Revoke { id: i64 },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List { account } => {
            let tokens = ctx
                .admin
                .list_api_tokens(&ctx.caller, AdminAccountId(account))
                .await?;
            ctx.show(&tokens, |tokens| {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        vec![
                            t.id.to_string(),
                            t.created_at.to_string(),
                            table::opt(t.last_used_at),
                            t.name.clone(),
                        ]
                    })
                    .collect();
                table::table(&["id", "created", "last used", "name"], &rows)
            })
        }
        Action::Create { account, name } => {
            let (token, clear) = ctx
                .admin
                .issue_api_token(&ctx.caller, AdminAccountId(account), &name)
                .await?;
            let value = json!({
                "id": token.id,
                "account_id": token.account_id,
                "name": token.name,
                "created_at": token.created_at,
                "token": clear,
            });
            ctx.show(&value, |_| {
                table::fields(&[
                    ("id", token.id.to_string()),
                    ("account", token.account_id.to_string()),
                    ("name", token.name.clone()),
                    ("token", clear.clone()),
                ]) + "Copy the token now: it is shown only once.\n"
            })
        }
        Action::Revoke { id } => {
            ctx.admin
                .revoke_api_token(&ctx.caller, ApiTokenId(id))
                .await?;
            let value = json!({ "revoked": id });
            ctx.show(&value, |_| format!("token {id} revoked\n"))
        }
    }
}
