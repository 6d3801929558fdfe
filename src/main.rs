//! `dialbridge`: the IO shell around the sans-IO crates. It owns the runtime, sockets,
//! clock, configuration and command line; everything it does with a message or a call
//! is decided in the `dialbridge-sip` and `dialbridge-sdp` crates.

mod admin_cli;
mod calls;
mod cli;
mod config;
mod demo;
mod demo_seed;
mod dial_out;
mod dialin;
mod http;
mod logging;
mod media_engine;
mod prompts;
mod rtp_ports;
mod shutdown;
mod sip_io;
mod sip_tcp;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use dialbridge_sip::auth::{Algorithm, DigestServer, DigestServerConfig};
use dialbridge_sip::dialog::session_timer::SessionTimerPolicy;
use dialbridge_sip::endpoint::{Endpoint, EndpointConfig};
use dialbridge_sip::trunk::TrunkTable;
use rand::RngCore;
use tokio::sync::watch;

use dialbridge_admin::mail::{default_eml_dir, MailDelivery};
use dialbridge_admin::rules::pin::PinHasher;
use dialbridge_admin::rules::web_url::WebUrl;
use dialbridge_admin::services::{AdminService, ServiceConfig};
use dialbridge_store::Store;

use crate::calls::{CallControl, CallStats};
use crate::cli::{Cli, Command, ServeArgs};
use crate::config::Settings;
use crate::rtp_ports::RtpPortPool;
use crate::sip_io::SipServer;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = logging::init(&cli.logging) {
        eprintln!("dialbridge: {error:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        // Reports its own errors: `error: <message> (<code>)`, exit status 1.
        Command::Admin(args) => return admin_cli::run(args),
        Command::Serve(args) => run_serve(args),
        Command::Config(args) => print_config(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("dialbridge: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The embedded SQLite file in the data dir, or the database `--database` names.
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = match &settings.database {
        Some(url) => Store::connect(url).await,
        None => Store::open_in_dir(&settings.data_dir).await,
    };
    store.context("cannot open the database")
}

fn admin_service(settings: &Settings, store: Store) -> anyhow::Result<AdminService> {
    let public_base_url = WebUrl::parse(&settings.public_url)
        .map_err(|error| anyhow::anyhow!("invalid [http] public_url: {error}"))?;
    // iCalendar UIDs need a host name: the public URL's, without scheme, port or path.
    let authority = public_base_url
        .as_str()
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let calendar_host = if host.is_empty() {
        "dialbridge.invalid"
    } else {
        host
    }
    .to_owned();
    let config = ServiceConfig {
        default_sender: settings.mail.from.clone(),
        public_base_url,
        calendar_host,
    };
    let service = AdminService::new(store, config, PinHasher::new());
    // Without SMTP mails become .eml files; the API's mail list names them.
    Ok(match &settings.mail.smtp {
        Some(_) => service,
        None => service.with_eml_dir(
            settings
                .mail
                .eml_dir
                .clone()
                .unwrap_or_else(|| default_eml_dir(&settings.data_dir)),
        ),
    })
}

fn print_config(args: &ServeArgs) -> anyhow::Result<()> {
    let mut settings = Settings::load(args)?;
    if settings.demo {
        demo::prepare(&mut settings);
    }
    settings.database = settings.database.as_deref().map(mask_url_password);
    for trunk in &mut settings.trunks {
        if trunk.password.is_some() {
            trunk.password = Some("********".to_owned());
        }
    }
    print!(
        "{}",
        toml::to_string_pretty(&settings).context("cannot print settings")?
    );
    Ok(())
}

/// `postgres://user:secret@host/db` → `postgres://user:********@host/db`.
fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:********@{host}"),
        None => url.to_owned(),
    }
}

fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut settings = Settings::load(&args)?;
    if settings.demo {
        demo::prepare(&mut settings);
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create data dir {}", settings.data_dir.display()))?;
    // A fresh nonce secret per start: nonces from before a restart come back stale and
    // the trunk simply authenticates again.
    let mut nonce_secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut nonce_secret);
    let mut digest_config = DigestServerConfig::new(settings.realm.clone(), nonce_secret);
    digest_config.algorithms = settings
        .digest_algorithms
        .iter()
        .map(|name| name.parse::<Algorithm>())
        .collect::<Result<_, _>>()
        .map_err(|error| {
            anyhow::anyhow!("sip.digest_algorithms: unknown algorithm {:?}", error.0)
        })?;
    let digest = DigestServer::new(digest_config).context("invalid digest settings")?;
    let trunks = TrunkTable::new(settings.trunks.clone(), digest)
        .context("invalid [[trunk]] configuration")?;
    // libphonenumber's metadata loads on first use, which took 0.5 s (debug build) inside
    // the first call's INVITE handling: the 200 OK came late and, its retransmit timer
    // being due at once, twice. Loading it here puts that cost at startup.
    if let Some((_, trunk)) = trunks.iter().next() {
        let _ = dialbridge_sip::trunk::normalize_called_number(trunk, demo_seed::DEMO_NUMBER);
    }
    if settings.trunks.is_empty() {
        tracing::warn!(
            "no [[trunk]] configured: every call will be refused with 403 \
             (see docs/sip-trunks.md, or run `dialbridge serve --demo`)"
        );
    }

    let store = open_store(&settings).await?;
    // Shared by the HTTP handlers; its random source sits behind its own mutex.
    let admin = Arc::new(admin_service(&settings, store.clone())?);
    let demo_details = if settings.demo {
        Some(
            demo_seed::seed(&admin)
                .await
                .context("cannot prepare the demo data")?,
        )
    } else {
        None
    };
    let mail = MailDelivery::new(&settings.mail, &settings.data_dir)
        .map_err(|error| anyhow::anyhow!("invalid [mail] settings: {error}"))?;

    let ports = RtpPortPool::new(settings.sip_listen.ip(), settings.rtp_ports);
    let mut endpoint_config =
        EndpointConfig::new(settings.public_address, settings.sip_listen.port());
    endpoint_config.session_timer = SessionTimerPolicy {
        default_expires: settings.session_expires,
        min_se: settings.min_session_expires,
    };
    endpoint_config.max_message_bytes = settings.max_message_bytes;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let mut endpoint = Endpoint::new(endpoint_config, seed);
    // Sources no trunk could admit get a stateless 403 from the endpoint itself.
    endpoint.set_source_policy(calls::source_policy(&trunks));
    let stats = Arc::new(CallStats {
        refused_untrusted: endpoint.refused_untrusted_counter(),
        ..CallStats::default()
    });
    let prompts = prompts::load(&settings)?;
    let media_stats = Arc::new(media_engine::MediaStats::default());
    let (media, media_events) = media_engine::MediaEngine::start(
        settings.media_workers,
        Arc::clone(&media_stats),
        Arc::clone(&prompts.music),
    )
    .context("cannot start the media workers")?;
    let direct_routes = settings
        .direct_conferences
        .iter()
        .map(|route| (route.number.clone(), route.conference.clone()))
        .collect();
    let mut outbound_trunks = dial_out::OutboundTrunks::resolve(settings.outbound_trunks.clone())?;
    let dial_out_load = Arc::new(dial_out::DialOutLoadBoard::default());
    let dial_out_log = dial_out::record::DialOutLog::start(Arc::clone(&admin));
    if !outbound_trunks.is_empty() {
        // The numbering plan loads on first use (about a second unoptimized): here, not
        // inside the first dial-out.
        let _ = dialbridge_dialout::check(&dialbridge_dialout::DialOutRequest {
            policy: dialbridge_dialout::DialOutPolicy::Domestic,
            organizer_country: "US".parse()?,
            allowed_countries: &[],
            dialed: demo_seed::DEMO_NUMBER,
            national_context: None,
            load: dialbridge_dialout::DialOutLoad {
                meeting_active: 0,
                meeting_cap: 1,
                organization_active: 0,
                organization_cap: 1,
            },
        });
        outbound_trunks.register_all(
            &mut endpoint,
            std::time::Instant::now(),
            &settings.public_address.to_string(),
            settings.sip_listen.port(),
        )?;
    }
    let dial_out_gate = (!outbound_trunks.is_empty()).then(|| dialin::live::DialOutGate {
        load: Arc::clone(&dial_out_load),
        log: dial_out_log.clone(),
    });
    let (dial_in_tx, dial_in_rx) = tokio::sync::mpsc::unbounded_channel();
    let dial_in = dialin::DialIn::new(
        Arc::clone(&admin),
        Arc::clone(&prompts.library),
        dial_in_tx,
        settings.max_participants,
        dial_out_gate,
    );
    let calls = CallControl::new(
        trunks,
        Arc::clone(&ports),
        settings.public_address,
        std::time::Duration::from_millis(settings.answer_after_ms),
        Arc::clone(&stats),
        calls::AnsweredCalls {
            admin: Arc::clone(&admin),
            media,
            media_stats: Arc::clone(&media_stats),
            direct_routes,
            dial_in,
            dial_outs: calls::DialOuts {
                trunks: outbound_trunks,
                load: dial_out_load,
                log: dial_out_log,
                ring_timeout: settings.dial_out_ring_timeout,
            },
        },
    );

    let sip = SipServer::bind(
        settings.sip_listen,
        endpoint,
        calls,
        media_events,
        dial_in_rx,
    )
    .await?;
    let http_listener = http::bind(settings.http_listen).await?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let http_task = tokio::spawn(http::serve(
        http_listener,
        Arc::clone(&stats),
        media_stats,
        Arc::clone(&ports),
        Arc::clone(&admin),
        settings.public_url.clone(),
        shutdown_rx.clone(),
    ));

    tracing::info!(
        sip = %settings.sip_listen, http = %settings.http_listen, rtp = %settings.rtp_ports,
        public_address = %settings.public_address, trunks = settings.trunks.len(),
        outbound_trunks = settings.outbound_trunks.len(),
        "dialbridge is listening"
    );
    if let Some(details) = &demo_details {
        demo::print_banner(&settings, details);
    }

    let mut mail_shutdown = shutdown_rx.clone();
    let mail_task = tokio::spawn(async move {
        mail.run(&store, async move {
            let _ = mail_shutdown.changed().await;
        })
        .await;
    });
    let sip_task = tokio::spawn(sip.run(shutdown_rx));
    let signal = shutdown::requested().await?;
    tracing::info!(signal, "shutting down: hanging up calls");
    let _ = shutdown_tx.send(true);
    sip_task.await.context("SIP task panicked")??;
    http_task.await.context("HTTP task panicked")??;
    mail_task.await.context("mail task panicked")?;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::mask_url_password;

    #[test]
    fn database_passwords_are_masked() {
        assert_eq!(
            mask_url_password("postgres://dial:s3cret@db.example.com/dialbridge"),
            "postgres://dial:********@db.example.com/dialbridge"
        );
        assert_eq!(
            mask_url_password("postgres://dial@db/x"),
            "postgres://dial@db/x"
        );
        assert_eq!(
            mask_url_password("sqlite://data/x.db"),
            "sqlite://data/x.db"
        );
    }
}
