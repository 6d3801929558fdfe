//! Command-line interface. Every flag an operator changes often also reads a
//! `DIALBRIDGE_*` variable, so containers and systemd units need no config file.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::PortRange;

/// dialbridge: self-hosted dial-in audio conferencing.
///
/// Callers dial a number that your SIP trunk routes to dialbridge, enter a
/// conference ID (and, for organizers, a PIN) and talk in a mixed audio meeting.
#[derive(Debug, Parser)]
#[command(name = "dialbridge", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub logging: LoggingArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service: SIP front door (UDP and TCP), media ports and the HTTP listener.
    ///
    /// Settings come from, in order of precedence: these flags, `DIALBRIDGE_*`
    /// variables, the TOML file given with --config, built-in defaults.
    /// `dialbridge serve --demo` needs nothing else on a fresh machine.
    Serve(ServeArgs),
    /// Print the effective configuration (after file, variables and flags) as TOML and exit.
    ///
    /// Useful to check what `serve` would run with; secrets are masked.
    Config(ServeArgs),
    /// Administer organizations, organizers, numbers, licences, accounts and API tokens.
    ///
    /// Runs on the server, directly on the database `serve` uses (same --config, --data-dir
    /// and --database), as the platform administrator: like a root shell, anyone who can run
    /// it can read and change everything. Changes are audited as `system:cli`; `serve` may
    /// keep running. `--json` prints JSON for scripts.
    Admin(crate::admin_cli::AdminArgs),
}

#[derive(Debug, Clone, Args)]
pub struct LoggingArgs {
    /// Log format: human-readable lines or one JSON object per line (for log shippers).
    #[arg(
        long,
        global = true,
        value_enum,
        env = "DIALBRIDGE_LOG_FORMAT",
        default_value = "human"
    )]
    pub log_format: LogFormat,

    /// Log filter in `tracing` syntax, e.g. `info` or `dialbridge=debug,dialbridge_sip=trace`.
    #[arg(long, global = true, env = "DIALBRIDGE_LOG", default_value = "info")]
    pub log: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// TOML configuration file (see docs/operator-guide.md for every key).
    #[arg(long, value_name = "FILE", env = "DIALBRIDGE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address for SIP over UDP and TCP [default: 0.0.0.0:5060].
    #[arg(long, value_name = "ADDR:PORT", env = "DIALBRIDGE_SIP_LISTEN")]
    pub sip_listen: Option<SocketAddr>,

    /// Address for the HTTP listener: health and the REST API (/api/v1) [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR:PORT", env = "DIALBRIDGE_HTTP_LISTEN")]
    pub http_listen: Option<SocketAddr>,

    /// UDP port range for RTP media; each call takes an even port (RTCP on the next odd one)
    /// [default: 20000-30000].
    #[arg(long, value_name = "MIN-MAX", env = "DIALBRIDGE_RTP_PORTS")]
    pub rtp_ports: Option<PortRange>,

    /// Directory for dialbridge's state, created if missing [default: ./data].
    #[arg(long, value_name = "DIR", env = "DIALBRIDGE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB` [default: the embedded
    /// SQLite file `dialbridge.db` in the data dir].
    #[arg(long, value_name = "URL", env = "DIALBRIDGE_DATABASE")]
    pub database: Option<String>,

    /// Address written into Contact, Via and SDP when it differs from the listen address
    /// (behind NAT, or when listening on 0.0.0.0).
    #[arg(long, value_name = "IP", env = "DIALBRIDGE_PUBLIC_ADDRESS")]
    pub public_address: Option<std::net::IpAddr>,

    /// First-run mode for a fresh machine: trust calls from loopback, answer any number,
    /// and print how to call in.
    #[arg(long, env = "DIALBRIDGE_DEMO")]
    pub demo: bool,
}
