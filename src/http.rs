//! The HTTP listener: health, and the REST API under `/api/v1` (`dialbridge_admin::api`).
//! The web UI arrives with its own issue and mounts here.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use tokio::sync::watch;

use dialbridge_admin::services::AdminService;

use crate::calls::CallStats;
use crate::media_engine::MediaStats;
use crate::rtp_ports::RtpPortPool;

#[derive(Clone)]
struct Health {
    stats: Arc<CallStats>,
    media: Arc<MediaStats>,
    ports: Arc<RtpPortPool>,
}

pub async fn bind(listen: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot bind HTTP {listen}"))
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    stats: Arc<CallStats>,
    media: Arc<MediaStats>,
    ports: Arc<RtpPortPool>,
    admin: Arc<AdminService>,
    public_url: String,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/healthz", get(health))
        .with_state(Health {
            stats,
            media,
            ports,
        })
        .merge(dialbridge_admin::api::public_pages(Arc::clone(&admin)))
        .nest("/api/v1", dialbridge_admin::api::router(Arc::clone(&admin)))
        .merge(dialbridge_web::router(
            admin,
            dialbridge_web::WebSettings::for_public_url(&public_url),
        ));
    // The client's address reaches the handlers: sign-in throttling counts per address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = shutdown.changed().await;
    })
    .await
    .context("HTTP server failed")
}

async fn health(State(health): State<Health>) -> Json<serde_json::Value> {
    let stats = &health.stats;
    Json(serde_json::json!({
        "status": "ok",
        "active_calls": stats.active.load(Ordering::Relaxed),
        "answered_calls": stats.answered_total.load(Ordering::Relaxed),
        "refused_calls": stats.refused_total.load(Ordering::Relaxed),
        "refused_untrusted": stats.refused_untrusted.load(Ordering::Relaxed),
        "rtp_ports_in_use": health.ports.in_use(),
        "rtp_ports_capacity": health.ports.capacity(),
        "rtp_packets_received": MediaStats::get(&health.media.rtp_packets_received),
        "rtp_packets_sent": MediaStats::get(&health.media.rtp_packets_sent),
        "media_ticks": MediaStats::get(&health.media.ticks),
        "media_late_ticks": MediaStats::get(&health.media.late_ticks),
        "dtmf_digits": MediaStats::get(&health.media.dtmf_digits),
    }))
}
