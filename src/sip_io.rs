//! The SIP event loop: the only place where the sans-IO endpoint meets sockets and the
//! clock. One task owns the endpoint and the call logic, so neither needs a lock.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use bytes::Bytes;
use dialbridge_sip::endpoint::{ConnectionId, Endpoint, Peer, Transmit, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};

use crate::calls::CallControl;

/// How long a stopping server waits for its BYEs to be answered (a little more than the
/// 4 s a UDP BYE takes to reach its T2 retransmission interval).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Largest UDP datagram we read; SIP over UDP must stay far below it (RFC 3261 18.1.1).
const MAX_DATAGRAM: usize = 65_535;

enum StreamInput {
    Data(ConnectionId, SocketAddr, Bytes),
    Closed(ConnectionId),
    Opened(ConnectionId, SocketAddr, mpsc::UnboundedSender<Bytes>),
}

struct Connection {
    remote: SocketAddr,
    writer: mpsc::UnboundedSender<Bytes>,
}

pub struct SipServer {
    endpoint: Endpoint,
    calls: CallControl,
    udp: Arc<UdpSocket>,
    tcp: TcpListener,
    connections: HashMap<ConnectionId, Connection>,
    next_connection: u64,
    stream_tx: mpsc::UnboundedSender<StreamInput>,
    stream_rx: mpsc::UnboundedReceiver<StreamInput>,
}

impl SipServer {
    pub async fn bind(
        listen: SocketAddr,
        endpoint: Endpoint,
        calls: CallControl,
    ) -> anyhow::Result<Self> {
        let udp = UdpSocket::bind(listen)
            .await
            .with_context(|| format!("cannot bind SIP UDP {listen}"))?;
        let tcp = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot bind SIP TCP {listen}"))?;
        let (stream_tx, stream_rx) = mpsc::unbounded_channel();
        Ok(SipServer {
            endpoint,
            calls,
            udp: Arc::new(udp),
            tcp,
            connections: HashMap::new(),
            next_connection: 1,
            stream_tx,
            stream_rx,
        })
    }

    /// Runs until `shutdown` flips, then hangs up every call and keeps serving until
    /// those BYEs are answered (or `SHUTDOWN_GRACE` passes), so a lost BYE is
    /// retransmitted and carriers stop billing.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        let mut datagram = vec![0u8; MAX_DATAGRAM];
        let mut stopping_until: Option<Instant> = None;
        loop {
            if let Some(deadline) = stopping_until {
                if !self.endpoint.has_outstanding_requests() || Instant::now() >= deadline {
                    break;
                }
            }
            let wake_at = [
                self.endpoint.poll_timeout(),
                self.calls.poll_timeout(),
                stopping_until,
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
                accepted = self.tcp.accept(), if stopping_until.is_none() => match accepted {
                    Ok((stream, remote)) => self.adopt_stream(stream, remote),
                    Err(error) => tracing::warn!(%error, "SIP TCP accept failed"),
                },
                Some(input) = self.stream_rx.recv() => self.handle_stream_input(input),
                () = sleep => {
                    let now = Instant::now();
                    self.endpoint.handle_timeout(now);
                    self.calls.handle_timeout(&mut self.endpoint, now);
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
        self.connections.clear();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
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
                self.connections.remove(&connection);
            }
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
            Transport::Tcp => self.send_stream(transmit.to, transmit.bytes),
        }
    }

    fn send_stream(&mut self, to: Peer, bytes: Bytes) {
        let existing = to
            .connection
            .filter(|id| self.connections.contains_key(id))
            .or_else(|| {
                self.connections
                    .iter()
                    .find(|(_, c)| c.remote == to.addr)
                    .map(|(id, _)| *id)
            });
        if let Some(connection) = existing.and_then(|id| self.connections.get(&id)) {
            if connection.writer.send(bytes.clone()).is_ok() {
                return;
            }
        }
        // The connection is gone (RFC 3261 18.2.2: then open a new one to the same address).
        let id = self.new_connection_id();
        let inputs = self.stream_tx.clone();
        tokio::spawn(async move {
            match TcpStream::connect(to.addr).await {
                Ok(stream) => {
                    let writer = spawn_stream_tasks(id, to.addr, stream, inputs.clone());
                    let _ = writer.send(bytes);
                    let _ = inputs.send(StreamInput::Opened(id, to.addr, writer));
                }
                Err(error) => tracing::debug!(to = %to.addr, %error, "SIP TCP connect failed"),
            }
        });
    }

    fn adopt_stream(&mut self, stream: TcpStream, remote: SocketAddr) {
        let id = self.new_connection_id();
        let writer = spawn_stream_tasks(id, remote, stream, self.stream_tx.clone());
        self.connections.insert(id, Connection { remote, writer });
    }

    fn handle_stream_input(&mut self, input: StreamInput) {
        match input {
            StreamInput::Data(id, remote, data) => {
                self.endpoint
                    .handle_stream_data(Instant::now(), id, remote, &data)
            }
            StreamInput::Closed(id) => {
                self.connections.remove(&id);
                self.endpoint.handle_connection_closed(id);
            }
            StreamInput::Opened(id, remote, writer) => {
                self.connections.insert(id, Connection { remote, writer });
            }
        }
    }

    fn new_connection_id(&mut self) -> ConnectionId {
        let id = ConnectionId(self.next_connection);
        self.next_connection += 1;
        id
    }
}

/// Starts a reader task feeding the loop and a writer task draining a queue; returns the
/// queue. Dropping the queue's sender (connection closed by us) ends the writer, which
/// shuts the socket down.
fn spawn_stream_tasks(
    id: ConnectionId,
    remote: SocketAddr,
    stream: TcpStream,
    inputs: mpsc::UnboundedSender<StreamInput>,
) -> mpsc::UnboundedSender<Bytes> {
    let (mut reader, mut writer) = stream.into_split();
    let (writer_tx, mut writer_rx) = mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        while let Some(bytes) = writer_rx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = writer.shutdown().await;
    });
    tokio::spawn(async move {
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(len) => {
                    let data = Bytes::copy_from_slice(buffer.get(..len).unwrap_or_default());
                    if inputs.send(StreamInput::Data(id, remote, data)).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = inputs.send(StreamInput::Closed(id));
    });
    writer_tx
}
