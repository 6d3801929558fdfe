//! `dialbridge admin ...`: the admin domain services from a shell, for operators and scripts.
//!
//! It runs in-process over the same database `serve` uses (found the same way: --config,
//! --data-dir, --database) and acts as the platform administrator, like a root shell: whoever
//! can read the database can change it anyway. Output is an aligned table, or JSON with
//! `--json`; errors go to stderr as `error: <message> (<code>)` with exit status 1.

mod accounts;
mod acp;
mod audit;
mod calls;
mod dial_out;
mod dial_outs;
mod licences;
mod mail;
mod meeting_history;
mod meetings;
mod number_update;
mod numbers;
mod organization_dial_out;
mod organization_extras;
mod organizations;
mod organizer_settings;
mod organizers;
mod table;
mod tokens;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use dialbridge_admin::services::{AdminService, Caller, ServiceError};
use dialbridge_store::Actor;
use serde::Serialize;

use crate::cli::ServeArgs;
use crate::config::Settings;

/// Administer organizations, organizers, numbers, licences, accounts and tokens; read call
/// history and usage.
///
/// Runs on the server, directly on the database `serve` uses (same --config, --data-dir and
/// --database), as the platform administrator: anyone who can run this can read and change
/// everything, like a root shell. Changes are audited as `system:cli`. `serve` may keep
/// running meanwhile.
#[derive(Debug, Args)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct AdminArgs {
    /// TOML configuration file (the one `serve` uses).
    #[arg(long, value_name = "FILE", env = "DIALBRIDGE_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// Directory of dialbridge's state [default: ./data].
    #[arg(long, value_name = "DIR", env = "DIALBRIDGE_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB` [default: the embedded
    /// SQLite file in the data dir].
    #[arg(long, value_name = "URL", env = "DIALBRIDGE_DATABASE", global = true)]
    pub database: Option<String>,

    /// Print JSON instead of tables (errors too, on stderr), for scripts.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub resource: Resource,
}

#[derive(Debug, Subcommand)]
pub enum Resource {
    /// Organizations (tenants): list, create, show, change settings.
    #[command(subcommand)]
    Organizations(organizations::Action),
    /// Licence seats: how many an organization has, and who holds one.
    #[command(subcommand)]
    Licences(licences::Action),
    /// Organizers: dial-in, conference IDs, PINs, providers, invitations.
    #[command(subcommand)]
    Organizers(organizers::Action),
    /// Dial-in numbers callers dial.
    #[command(subcommand)]
    Numbers(numbers::Action),
    /// Admin center logins.
    #[command(subcommand)]
    Accounts(accounts::Action),
    /// API tokens of admin accounts.
    #[command(subcommand)]
    Tokens(tokens::Action),
    /// Scheduled meetings, each with its own conference ID.
    #[command(subcommand)]
    Meetings(meetings::Action),
    /// The audit log: who changed what, when.
    #[command(subcommand)]
    Audit(audit::Action),
    /// The mail outbox (without bodies).
    #[command(subcommand)]
    Mail(mail::Action),
    /// Export organizers for a third-party audio conferencing provider (ACP), import its answer.
    #[command(subcommand)]
    Acp(acp::Action),
    /// Call history (call detail records) and the monthly usage report for chargeback.
    #[command(subcommand)]
    Calls(calls::Action),
    /// The dial-out log: every attempt to call out, refused or placed, and its outcome.
    #[command(subcommand)]
    DialOuts(dial_outs::Action),
    /// Call a number into an organizer's meeting, through the running server's API.
    DialOut(dial_out::DialOutArgs),
}

/// `on` or `off`, as operators type switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn enabled(self) -> bool {
        self == Switch::On
    }
}

/// What every command gets: the services, who acts, and how to print.
pub struct Ctx {
    pub admin: AdminService,
    pub caller: Caller,
    pub json: bool,
    /// Where `serve` listens for HTTP (same config): what `dial-out` calls.
    pub http_listen: std::net::SocketAddr,
}

impl Ctx {
    /// Prints `value` as JSON, or what `human` makes of it.
    pub fn show<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce(&T) -> String,
    ) -> CliResult {
        if self.json {
            let text = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::new("internal", format!("cannot print JSON: {e}")))?;
            println!("{text}");
        } else {
            print!("{}", human(value));
        }
        Ok(())
    }
}

/// A failed command: what to tell the operator and a stable code for scripts.
#[derive(Debug)]
pub struct CliError {
    pub code: &'static str,
    pub message: String,
    /// More lines (e.g. every bad row of a CSV file), printed after the message.
    pub details: Vec<String>,
}

impl CliError {
    pub fn new(code: &'static str, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }
}

impl From<ServiceError> for CliError {
    fn from(err: ServiceError) -> CliError {
        if let ServiceError::Internal(detail) = &err {
            // On the host the operator is the one who reads the log: show the detail.
            return CliError::new("internal", format!("{err} ({detail})"));
        }
        if let ServiceError::InvalidFile(errors) = &err {
            let mut error = CliError::new(
                err.code(),
                format!(
                    "the file was not imported; {} problem(s)",
                    errors.errors.len()
                ),
            );
            error.details = errors.errors.iter().map(ToString::to_string).collect();
            return error;
        }
        CliError::new(err.code(), err.to_string())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// Runs one admin command; the exit status is 0, or 1 with the error on stderr.
pub fn run(args: AdminArgs) -> ExitCode {
    let json = args.json;
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new("internal", format!("cannot start the runtime: {e}")))
        .and_then(|runtime| runtime.block_on(execute(args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error, json);
            ExitCode::FAILURE
        }
    }
}

fn report(error: &CliError, json: bool) {
    if json {
        let body = serde_json::json!({
            "error": { "code": error.code, "message": error.message, "details": error.details }
        });
        eprintln!("{body}");
    } else {
        eprintln!("error: {} ({})", error.message, error.code);
        for line in &error.details {
            eprintln!("  {line}");
        }
    }
}

async fn execute(args: AdminArgs) -> CliResult {
    let ctx = connect(&args).await?;
    match args.resource {
        Resource::Organizations(action) => organizations::run(&ctx, action).await,
        Resource::Licences(action) => licences::run(&ctx, action).await,
        Resource::Organizers(action) => organizers::run(&ctx, action).await,
        Resource::Numbers(action) => numbers::run(&ctx, action).await,
        Resource::Accounts(action) => accounts::run(&ctx, action).await,
        Resource::Tokens(action) => tokens::run(&ctx, action).await,
        Resource::Acp(action) => acp::run(&ctx, action).await,
        Resource::Calls(action) => calls::run(&ctx, action).await,
        Resource::Meetings(action) => meetings::run(&ctx, action).await,
        Resource::Audit(action) => audit::run(&ctx, action).await,
        Resource::Mail(action) => mail::run(&ctx, action).await,
        Resource::DialOuts(action) => dial_outs::run(&ctx, action).await,
        Resource::DialOut(args) => dial_out::run(&ctx, args).await,
    }
}

/// Opens the database exactly as `serve` does (same settings, same functions).
async fn connect(args: &AdminArgs) -> CliResult<Ctx> {
    let serve_args = ServeArgs {
        config: args.config.clone(),
        data_dir: args.data_dir.clone(),
        database: args.database.clone(),
        ..ServeArgs::default()
    };
    let settings =
        Settings::load(&serve_args).map_err(|e| CliError::new("config", format!("{e:#}")))?;
    // As `serve`: a first `admin` run on a fresh machine may come before the first `serve`.
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        CliError::new(
            "io",
            format!(
                "cannot create data dir {}: {e}",
                settings.data_dir.display()
            ),
        )
    })?;
    let store = crate::open_store(&settings)
        .await
        .map_err(|e| CliError::new("database", format!("{e:#}")))?;
    let admin = crate::admin_service(&settings, store)
        .map_err(|e| CliError::new("config", format!("{e:#}")))?;
    Ok(Ctx {
        admin,
        caller: Caller::platform_admin(Actor::system("cli")),
        json: args.json,
        http_listen: settings.http_listen,
    })
}
