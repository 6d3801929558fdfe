//! SIP over TCP: the connections, each with a reader task feeding the event loop and a
//! writer task draining a bounded queue, and the limits that keep a peer from exhausting
//! us: connections in all and per source address, an idle timeout, a full write queue.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dialbridge_sip::endpoint::{ConnectionId, Peer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// Limits on TCP connections; the defaults suit a server facing a few trunks and proxies.
#[derive(Debug, Clone, Copy)]
pub struct TcpLimits {
    /// Connections in all; new ones beyond it are closed at once. Each costs a file
    /// descriptor, which calls also need for their RTP ports.
    pub max_connections: usize,
    /// Connections from one address: a trunk or proxy needs a handful, not hundreds.
    pub max_per_address: usize,
    /// A connection with nothing read or written for this long is closed; if a dialog
    /// needs it later we reconnect to the peer's sent-by address (RFC 3261 18.2.2).
    pub idle_timeout: Duration,
    /// Messages waiting to be written to one connection; a peer that stops reading is
    /// dropped rather than allowed to grow our memory.
    pub write_queue: usize,
}

impl Default for TcpLimits {
    fn default() -> Self {
        TcpLimits {
            max_connections: 512,
            max_per_address: 64,
            idle_timeout: Duration::from_secs(600),
            write_queue: 256,
        }
    }
}

/// What the connection tasks report to the event loop.
pub enum StreamInput {
    Data(ConnectionId, SocketAddr, Bytes),
    Closed(ConnectionId),
    Opened(ConnectionId, SocketAddr, StreamTasks),
}

/// The two tasks of one connection: closing the queue ends the writer (which shuts the
/// socket down for writing); aborting the reader stops anything more coming in.
pub struct StreamTasks {
    writer: mpsc::Sender<Bytes>,
    reader: AbortHandle,
}

struct Connection {
    remote: SocketAddr,
    tasks: StreamTasks,
    last_activity: Instant,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.tasks.reader.abort();
    }
}

/// Readers wait when the loop falls behind instead of buffering without bound.
const INPUT_QUEUE: usize = 1024;

pub struct TcpConnections {
    limits: TcpLimits,
    connections: HashMap<ConnectionId, Connection>,
    next_id: u64,
    inputs: mpsc::Sender<StreamInput>,
}

impl TcpConnections {
    pub fn new(limits: TcpLimits) -> (Self, mpsc::Receiver<StreamInput>) {
        let (inputs, receiver) = mpsc::channel(INPUT_QUEUE);
        let connections = TcpConnections {
            limits,
            connections: HashMap::new(),
            next_id: 1,
            inputs,
        };
        (connections, receiver)
    }

    /// Takes an accepted connection, unless it would pass a limit.
    pub fn adopt(&mut self, stream: TcpStream, remote: SocketAddr, now: Instant) {
        if !self.has_room_for(remote.ip()) {
            tracing::debug!(%remote, "refusing a SIP TCP connection: limit reached");
            return; // dropping the stream closes it
        }
        let id = self.new_id();
        let tasks = spawn_tasks(
            id,
            remote,
            stream,
            self.inputs.clone(),
            self.limits.write_queue,
        );
        self.insert(id, remote, tasks, now);
    }

    /// Queues `bytes` on the peer's connection, or opens one to its address when there
    /// is none (RFC 3261 18.2.2 for responses, 18.1.1 for requests).
    pub fn send(&mut self, to: Peer, bytes: Bytes, now: Instant) {
        let existing = to
            .connection
            .filter(|id| self.connections.contains_key(id))
            .or_else(|| {
                self.connections
                    .iter()
                    .find(|(_, c)| c.remote == to.addr)
                    .map(|(id, _)| *id)
            });
        if let Some(id) = existing {
            let Some(connection) = self.connections.get_mut(&id) else {
                return;
            };
            match connection.tasks.writer.try_send(bytes.clone()) {
                Ok(()) => {
                    connection.last_activity = now;
                    return;
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::info!(remote = %connection.remote, "closing a SIP TCP connection whose peer does not read");
                    self.close(id);
                    return;
                }
                // The writer ended (write error); reconnect below.
                Err(mpsc::error::TrySendError::Closed(_)) => self.close(id),
            }
        }
        if !self.has_room_for(to.addr.ip()) {
            tracing::warn!(to = %to.addr, "cannot open a SIP TCP connection: limit reached");
            return;
        }
        let id = self.new_id();
        let inputs = self.inputs.clone();
        let queue = self.limits.write_queue;
        tokio::spawn(async move {
            match TcpStream::connect(to.addr).await {
                Ok(stream) => {
                    let tasks = spawn_tasks(id, to.addr, stream, inputs.clone(), queue);
                    let _ = tasks.writer.try_send(bytes);
                    let _ = inputs.send(StreamInput::Opened(id, to.addr, tasks)).await;
                }
                Err(error) => tracing::debug!(to = %to.addr, %error, "SIP TCP connect failed"),
            }
        });
    }

    /// Records a connection a connect task opened.
    pub fn opened(
        &mut self,
        id: ConnectionId,
        remote: SocketAddr,
        tasks: StreamTasks,
        now: Instant,
    ) {
        self.insert(id, remote, tasks, now);
    }

    /// Whether data from `id` should still be handled: not after we closed it.
    pub fn note_data(&mut self, id: ConnectionId, now: Instant) -> bool {
        match self.connections.get_mut(&id) {
            Some(connection) => {
                connection.last_activity = now;
                true
            }
            None => false,
        }
    }

    /// Closes a connection: no more reading, and the writer finishes what is queued.
    pub fn close(&mut self, id: ConnectionId) {
        self.connections.remove(&id);
    }

    /// Closes connections idle for longer than the limit; returns them so the endpoint
    /// can forget their framing state.
    pub fn close_idle(&mut self, now: Instant) -> Vec<ConnectionId> {
        let idle_timeout = self.limits.idle_timeout;
        let idle: Vec<ConnectionId> = self
            .connections
            .iter()
            .filter(|(_, c)| now.saturating_duration_since(c.last_activity) >= idle_timeout)
            .map(|(id, _)| *id)
            .collect();
        for id in &idle {
            self.close(*id);
        }
        idle
    }

    pub fn close_all(&mut self) {
        self.connections.clear();
    }

    fn has_room_for(&self, ip: IpAddr) -> bool {
        let from_address = self
            .connections
            .values()
            .filter(|c| c.remote.ip() == ip)
            .count();
        self.connections.len() < self.limits.max_connections
            && from_address < self.limits.max_per_address
    }

    fn insert(&mut self, id: ConnectionId, remote: SocketAddr, tasks: StreamTasks, now: Instant) {
        let connection = Connection {
            remote,
            tasks,
            last_activity: now,
        };
        self.connections.insert(id, connection);
    }

    fn new_id(&mut self) -> ConnectionId {
        let id = ConnectionId(self.next_id);
        self.next_id += 1;
        id
    }
}

fn spawn_tasks(
    id: ConnectionId,
    remote: SocketAddr,
    stream: TcpStream,
    inputs: mpsc::Sender<StreamInput>,
    write_queue: usize,
) -> StreamTasks {
    let (mut reader, mut writer) = stream.into_split();
    let (writer_tx, mut writer_rx) = mpsc::channel::<Bytes>(write_queue.max(1));
    tokio::spawn(async move {
        while let Some(bytes) = writer_rx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = writer.shutdown().await;
    });
    let reader_task = tokio::spawn(async move {
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(len) => {
                    let data = Bytes::copy_from_slice(buffer.get(..len).unwrap_or_default());
                    if inputs
                        .send(StreamInput::Data(id, remote, data))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        let _ = inputs.send(StreamInput::Closed(id)).await;
    });
    StreamTasks {
        writer: writer_tx,
        reader: reader_task.abort_handle(),
    }
}
