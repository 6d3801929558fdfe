//! Resolves when the process is asked to stop (SIGINT from a terminal, SIGTERM from
//! systemd or a container runtime), so every task can finish its work and exit cleanly.

use tokio::signal::unix::{signal, SignalKind};

pub async fn requested() -> anyhow::Result<&'static str> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let name = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    };
    Ok(name)
}
