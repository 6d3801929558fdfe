//! `admin dial-out`: asks the running server to call a number into an organizer's meeting.
//!
//! The CLI works on the database, but calls live in the `serve` process, so this one command
//! goes through that server's REST API (`POST /api/v1/organizers/{id}/dial-out`, plain HTTP
//! to the configured listen address). It mints an API token for the duration of the request
//! and revokes it afterwards, whatever the answer. Tokens belong to admin accounts, so the
//! token acts as the CLI's own platform account `cli@dialbridge.invalid` (created on first
//! use, with no usable password: nobody signs in with it); the dial-out log and the API's
//! audit name that account.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::http::{header, Method, Request, StatusCode};
use bytes::Bytes;
use clap::{Args, ValueEnum};
use dialbridge_admin::services::Caller;
use dialbridge_store::{Actor, AdminAccountId, NewAdminAccount, Role};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use super::table;
use super::{CliError, CliResult, Ctx};

/// The account the CLI's short-lived tokens act as.
pub const CLI_ACCOUNT_EMAIL: &str = "cli@dialbridge.invalid";

/// Not a PHC string, so no password ever matches it.
const NO_PASSWORD: &str = "!no-password: tokens only";

/// How long the server may take to accept the call (it answers before the phone rings).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PurposeArg {
    /// Call the organizer, who joins their meeting as organizer.
    CallMe,
    /// Call someone who joins the organizer's meeting as an attendee.
    AddParticipant,
}

impl PurposeArg {
    fn wire(self) -> &'static str {
        match self {
            PurposeArg::CallMe => "call_me",
            PurposeArg::AddParticipant => "add_participant",
        }
    }
}

#[derive(Debug, Args)]
pub struct DialOutArgs {
    /// The organizer whose meeting the call joins.
    #[arg(long, value_name = "ID")]
    pub organizer: i64,
    /// The number to call, with its country code, e.g. "+44 20 7946 0000".
    #[arg(long, value_name = "NUMBER")]
    pub number: String,
    #[arg(long, value_enum)]
    pub purpose: PurposeArg,
}

/// The server's address as a client reaches it: a wildcard listen address means this host.
fn reachable(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// The CLI's account, created the first time it is needed.
async fn cli_account(ctx: &Ctx) -> CliResult<AdminAccountId> {
    let store = ctx.admin.store();
    if let Some(login) = store
        .admin_login(CLI_ACCOUNT_EMAIL)
        .await
        .map_err(|e| CliError::new("database", e.to_string()))?
    {
        if login.account.role != Role::PlatformAdmin {
            return Err(CliError::new(
                "conflict",
                format!("the account {CLI_ACCOUNT_EMAIL} exists but is not a platform admin"),
            ));
        }
        return Ok(login.account.id);
    }
    let mut tx = store
        .begin()
        .await
        .map_err(|e| CliError::new("database", e.to_string()))?;
    let account = tx
        .create_admin_account(
            &Actor::system("cli"),
            &NewAdminAccount {
                email: CLI_ACCOUNT_EMAIL.to_owned(),
                password_hash: NO_PASSWORD.to_owned(),
                role: Role::PlatformAdmin,
                organization_id: None,
            },
        )
        .await
        .map_err(|e| CliError::new("database", e.to_string()))?;
    tx.commit()
        .await
        .map_err(|e| CliError::new("database", e.to_string()))?;
    Ok(account.id)
}

/// The API's stable error codes, as the `'static` codes the CLI reports.
fn known_code(code: &str) -> &'static str {
    match code {
        "dial_out_refused" => "dial_out_refused",
        "unavailable" => "unavailable",
        "forbidden" => "forbidden",
        "not_found" => "not_found",
        "conflict" => "conflict",
        "invalid" => "invalid",
        "unauthorized" => "unauthorized",
        _ => "http",
    }
}

async fn post(
    address: SocketAddr,
    token: &str,
    path: &str,
    body: Value,
) -> CliResult<(StatusCode, Value)> {
    let unreachable = |e: &dyn std::fmt::Display| {
        CliError::new(
            "unavailable",
            format!("cannot reach the running server at http://{address}/ ({e}); is `dialbridge serve` running with the same config?"),
        )
    };
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("http://{address}{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| CliError::new("internal", e.to_string()))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = tokio::time::timeout(REQUEST_TIMEOUT, client.request(request))
        .await
        .map_err(|_| unreachable(&"no answer in time"))?
        .map_err(|e| unreachable(&e))?;
    let status = response.status();
    let bytes = tokio::time::timeout(REQUEST_TIMEOUT, response.into_body().collect())
        .await
        .map_err(|_| unreachable(&"the answer did not finish"))?
        .map_err(|e| unreachable(&e))?
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, json))
}

pub async fn run(ctx: &Ctx, args: DialOutArgs) -> CliResult {
    let account = cli_account(ctx).await?;
    let (token, secret) = ctx
        .admin
        .issue_api_token(&ctx.caller, account, "dialbridge admin dial-out")
        .await?;
    let path = format!("/api/v1/organizers/{}/dial-out", args.organizer);
    let body = json!({ "number": args.number, "purpose": args.purpose.wire() });
    let answer = post(reachable(ctx.http_listen), &secret, &path, body).await;
    // Revoked whatever happened: the token must not outlive this command.
    let revoked = ctx
        .admin
        .revoke_api_token(&Caller::system("cli"), token.id)
        .await;
    let (status, json) = answer?;
    revoked?;
    if status == StatusCode::ACCEPTED {
        return ctx.show(&json, |j| {
            table::fields(&[
                (
                    "reference",
                    j["reference"].as_str().unwrap_or("").to_owned(),
                ),
                ("status", j["status"].as_str().unwrap_or("").to_owned()),
            ])
        });
    }
    let code = json["error"]["code"].as_str().unwrap_or("");
    let message = json["error"]["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("the server answered {status}"));
    Err(CliError::new(known_code(code), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_listen_address_is_reached_on_loopback() {
        let v4: SocketAddr = "0.0.0.0:8080"
            .parse()
            .unwrap_or(SocketAddr::from(([1, 1, 1, 1], 1)));
        assert_eq!(reachable(v4), SocketAddr::from(([127, 0, 0, 1], 8080)));
        let v6: SocketAddr = "[::]:8080"
            .parse()
            .unwrap_or(SocketAddr::from(([1, 1, 1, 1], 1)));
        assert_eq!(reachable(v6).ip(), IpAddr::V6(Ipv6Addr::LOCALHOST));
        let fixed = SocketAddr::from(([192, 0, 2, 7], 80));
        assert_eq!(reachable(fixed), fixed);
    }
}
