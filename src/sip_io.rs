//! The SIP event loop: the only place where the sans-IO endpoint meets sockets and the
//! clock. One task owns the endpoint and the call logic, so neither needs a lock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use dialbridge_sip::endpoint::{Endpoint, Transmit, Transport};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, watch};

use crate::calls::CallControl;
use crate::dialin::DialInInput;
use crate::media_engine::MediaEvent;
use crate::sip_tcp::{StreamInput, TcpConnections, TcpLimits};

/// How long a stopping server waits for its BYEs to be answered (a little more than the
/// 4 s a UDP BYE takes to reach its T2 retransmission interval).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// After a failed accept (out of file descriptors, typically) the listener stays
/// readable; pausing keeps the loop from spinning while calls free descriptors.
const ACCEPT_PAUSE: Duration = Duration::from_millis(250);

/// How often idle TCP connections are looked for.
const IDLE_SWEEP: Duration = Duration::from_secs(30);

/// Largest UDP datagram we read; SIP over UDP must stay far below it (RFC 3261 18.1.1).
const MAX_DATAGRAM: usize = 65_535;

pub struct SipServer {
    endpoint: Endpoint,
    calls: CallControl,
    udp: Arc<UdpSocket>,
    tcp: TcpListener,
    connections: TcpConnections,
    stream_rx: mpsc::Receiver<StreamInput>,
    media_events: mpsc::UnboundedReceiver<MediaEvent>,
    dial_in_inputs: mpsc::UnboundedReceiver<DialInInput>,
}

impl SipServer {
    pub async fn bind(
        listen: SocketAddr,
        endpoint: Endpoint,
        calls: CallControl,
        media_events: mpsc::UnboundedReceiver<MediaEvent>,
        dial_in_inputs: mpsc::UnboundedReceiver<DialInInput>,
    ) -> anyhow::Result<Self> {
        let udp = UdpSocket::bind(listen)
            .await
            .with_context(|| format!("cannot bind SIP UDP {listen}"))?;
        let tcp = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot bind SIP TCP {listen}"))?;
        let (connections, stream_rx) = TcpConnections::new(TcpLimits::default());
        Ok(SipServer {
            endpoint,
            calls,
            udp: Arc::new(udp),
            tcp,
            connections,
            stream_rx,
            media_events,
            dial_in_inputs,
        })
    }

    /// Runs until `shutdown` flips, then hangs up every call and keeps serving until
    /// those BYEs are answered (or `SHUTDOWN_GRACE` passes), so a lost BYE is
    /// retransmitted and carriers stop billing.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        let mut datagram = vec![0u8; MAX_DATAGRAM];
        let mut stopping_until: Option<Instant> = None;
        let mut accept_paused_until: Option<Instant> = None;
        let mut next_idle_sweep = Instant::now() + IDLE_SWEEP;
        // REGISTERs queued at startup leave now, not at the first packet's arrival.
        self.pump().await;
        loop {
            let now = Instant::now();
            if let Some(deadline) = stopping_until {
                if !self.endpoint.has_outstanding_requests() || now >= deadline {
                    break;
                }
            }
            if accept_paused_until.is_some_and(|until| now >= until) {
                accept_paused_until = None;
            }
            let accepting = stopping_until.is_none() && accept_paused_until.is_none();
            let wake_at = [
                self.endpoint.poll_timeout(),
                self.calls.poll_timeout(),
                stopping_until,
                accept_paused_until,
                Some(next_idle_sweep),
            ]
            .into_iter()
            .flatten()
            .min();
            let sleep = async {
                match wake_at {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = self.udp.recv_from(&mut datagram) => match received {
                    Ok((len, from)) => {
                        let bytes = Bytes::copy_from_slice(datagram.get(..len).unwrap_or_default());
                        self.endpoint.handle_datagram(Instant::now(), from, bytes);
                    }
                    // Linux reports ICMP errors for earlier sends on the next receive;
                    // they concern one peer, not the socket.
                    Err(error) => tracing::debug!(%error, "SIP UDP receive error"),
                },
                accepted = self.tcp.accept(), if accepting => match accepted {
                    Ok((stream, remote)) => self.connections.adopt(stream, remote, Instant::now()),
                    Err(error) => {
                        tracing::debug!(%error, "SIP TCP accept failed; pausing accepts");
                        accept_paused_until = Some(Instant::now() + ACCEPT_PAUSE);
                    }
                },
                Some(input) = self.stream_rx.recv() => self.handle_stream_input(input),
                Some(event) = self.media_events.recv() => {
                    self.calls.handle_media_event(&mut self.endpoint, Instant::now(), event);
                }
                Some(input) = self.dial_in_inputs.recv() => {
                    self.calls.handle_dial_in_input(&mut self.endpoint, Instant::now(), input);
                }
                () = sleep => {
                    let now = Instant::now();
                    self.endpoint.handle_timeout(now);
                    self.calls.handle_timeout(&mut self.endpoint, now);
                    if now >= next_idle_sweep {
                        for id in self.connections.close_idle(now) {
                            self.endpoint.handle_connection_closed(id);
                        }
                        next_idle_sweep = now + IDLE_SWEEP;
                    }
                }
                _ = shutdown.changed(), if stopping_until.is_none() => {
                    let now = Instant::now();
                    self.calls.hang_up_all(&mut self.endpoint, now);
                    stopping_until = Some(now + SHUTDOWN_GRACE);
                }
            }
            self.pump().await;
        }
        // Closing the queues ends the TCP writer tasks once their last bytes are written;
        // give them a moment before the runtime goes away.
        self.connections.close_all();
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(())
    }

    /// Drains the endpoint: sends what it produced and hands events to the call logic,
    /// until neither has more (call logic answers produce new transmits).
    async fn pump(&mut self) {
        loop {
            let mut progressed = false;
            while let Some(transmit) = self.endpoint.poll_transmit() {
                progressed = true;
                self.send(transmit).await;
            }
            while let Some(event) = self.endpoint.poll_event() {
                progressed = true;
                self.calls
                    .handle_event(&mut self.endpoint, Instant::now(), event);
            }
            while let Some(connection) = self.endpoint.poll_close() {
                progressed = true;
                self.connections.close(connection);
            }
            self.calls.note_registration_events(&mut self.endpoint);
            if !progressed {
                break;
            }
        }
    }

    async fn send(&mut self, transmit: Transmit) {
        match transmit.to.transport {
            Transport::Udp => {
                if let Err(error) = self.udp.send_to(&transmit.bytes, transmit.to.addr).await {
                    tracing::debug!(to = %transmit.to.addr, %error, "SIP UDP send failed");
                }
            }
            Transport::Tcp => self
                .connections
                .send(transmit.to, transmit.bytes, Instant::now()),
        }
    }

    fn handle_stream_input(&mut self, input: StreamInput) {
        let now = Instant::now();
        match input {
            // Data still queued from a connection we closed is not read: its stream
            // position is unknown after a framing error.
            StreamInput::Data(id, remote, data) => {
                if self.connections.note_data(id, now) {
                    self.endpoint.handle_stream_data(now, id, remote, &data);
                }
            }
            StreamInput::Closed(id) => {
                self.connections.close(id);
                self.endpoint.handle_connection_closed(id);
            }
            StreamInput::Opened(id, remote, tasks) => {
                self.connections.opened(id, remote, tasks, now)
            }
        }
    }
}
