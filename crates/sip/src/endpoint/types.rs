//! The vocabulary between the endpoint and its IO shell: where bytes came from and go
//! to, what happened to a call, and how the endpoint is configured.

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;

use crate::dialog::session_timer::SessionTimerPolicy;
use crate::message::{HeaderName, NameAddr, Request, Uri};
use crate::transaction::TimerConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
}

impl Transport {
    /// The name in a Via header (RFC 3261 20.42).
    pub fn via_name(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        }
    }

    pub fn is_reliable(self) -> bool {
        matches!(self, Transport::Tcp)
    }
}

/// A stream connection, numbered by the shell that accepted or opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u64);

/// The other end of a message: where it came from, or where to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    pub transport: Transport,
    pub addr: SocketAddr,
    /// For TCP: the connection to use; when it is gone the shell may open a new one to `addr`.
    pub connection: Option<ConnectionId>,
}

impl Peer {
    pub fn udp(addr: SocketAddr) -> Self {
        Peer {
            transport: Transport::Udp,
            addr,
            connection: None,
        }
    }

    pub fn tcp(addr: SocketAddr, connection: ConnectionId) -> Self {
        Peer {
            transport: Transport::Tcp,
            addr,
            connection: Some(connection),
        }
    }
}

/// Bytes the shell must send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub to: Peer,
    pub bytes: Bytes,
}

/// Names a call for the lifetime of the endpoint; never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallHandle(pub u64);

impl std::fmt::Display for CallHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "call-{}", self.0)
    }
}

/// What the endpoint tells the call logic.
#[derive(Debug, Clone)]
pub enum Event {
    /// A new INVITE: answer with `accept_call` (after admission and media setup) or
    /// `reject_call`. The endpoint already sent 100 Trying.
    IncomingCall(Box<IncomingCall>),
    /// The ACK for our 2xx arrived: the call is up.
    CallConfirmed { call: CallHandle },
    /// The ACK carried the answer to the offer we put in a 2xx (INVITE without SDP, or an
    /// offerless re-INVITE). Validate it; if unacceptable, `hangup` (RFC 3261 13.3.1.4 end).
    AnswerInAck { call: CallHandle, sdp: Bytes },
    /// A re-INVITE or UPDATE in the call. With an offer, answer it with `answer_reoffer`;
    /// without one (re-INVITE only), give our current SDP as a new offer.
    Reoffer {
        call: CallHandle,
        offer: Option<Bytes>,
        method: ReofferMethod,
    },
    /// An INFO in the call (DTMF relays, RFC 2976 usage).
    Info {
        call: CallHandle,
        content_type: Option<String>,
        body: Bytes,
    },
    /// Our INVITE got a 180 or 183 (`sdp`: early media, when the 183 carries it).
    CallProgress {
        call: CallHandle,
        status: u16,
        sdp: Option<Bytes>,
    },
    /// The first 2xx to our INVITE with an offer: `sdp` is their answer. We already sent
    /// the ACK; the call is up. Ended later by `CallEnded`, never `CallFailed`.
    CallAnswered { call: CallHandle, sdp: Bytes },
    /// The first 2xx to our offerless INVITE: `sdp` is their offer, and the ACK must carry
    /// our answer (RFC 3261 13.2.2.4, RFC 3264 section 5). This stands in for
    /// `CallAnswered`: reply with `ack_with_answer`; until then we send no ACK, and if
    /// the INVITE transaction ends first (64·T1) we end the call (`AckTimeout`).
    OfferInAnswer { call: CallHandle, sdp: Bytes },
    /// Our outgoing call ended without being answered: `status` is the final response
    /// that ended it (3xx–6xx, after any digest retries; 487 after `cancel_call`; a 2xx
    /// that crossed our CANCEL or broke offer/answer, which we then ended with BYE), or
    /// `None` when no final response came (Timer B, transport failure, no answer to our
    /// CANCEL within 64·T1). Sent exactly once, instead of `CallEnded`.
    CallFailed {
        call: CallHandle,
        status: Option<u16>,
        reason: String,
    },
    /// The call is over; free its media. Sent exactly once per call.
    CallEnded {
        call: CallHandle,
        reason: CallEndReason,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReofferMethod {
    Invite,
    Update,
}

#[derive(Debug, Clone)]
pub struct IncomingCall {
    pub call: CallHandle,
    pub source: Peer,
    pub invite: Request,
    /// The SDP offer, if the INVITE carried one; otherwise `accept_call` must give an offer.
    pub offer: Option<Bytes>,
}

/// A call we place (`Endpoint::start_call`).
#[derive(Debug, Clone)]
pub struct OutgoingCall {
    /// The Request-URI.
    pub target: Uri,
    /// Where the INVITE goes (the trunk or proxy); resolving names is the shell's job.
    pub destination: Peer,
    /// Who we are; any tag is replaced by ours.
    pub from: NameAddr,
    /// Whom we call; a tag is removed (this request starts the dialog).
    pub to: NameAddr,
    /// Our SDP offer. `None` sends an offerless INVITE: their offer then comes in the 2xx
    /// (`Event::OfferInAnswer`) and our answer goes in the ACK.
    pub offer: Option<Bytes>,
    /// The account to answer 401/407 challenges with; without one they fail the call.
    pub credentials: Option<DigestAccount>,
    /// Further headers for the INVITE (P-Asserted-Identity, Privacy, …).
    pub extra_headers: Vec<(HeaderName, String)>,
    /// Asks for a session timer of this many seconds (RFC 4028), with `Supported: timer`.
    pub session_expires: Option<u32>,
}

impl OutgoingCall {
    /// A call with an offer and nothing optional.
    pub fn new(target: Uri, destination: Peer, from: NameAddr, to: NameAddr, offer: Bytes) -> Self {
        OutgoingCall {
            target,
            destination,
            from,
            to,
            offer: Some(offer),
            credentials: None,
            extra_headers: Vec::new(),
            session_expires: None,
        }
    }
}

/// A digest username and password (RFC 3261 22.2); `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DigestAccount {
    pub username: String,
    pub password: String,
}

impl DigestAccount {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        DigestAccount {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl std::fmt::Debug for DigestAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestAccount")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEndReason {
    /// They sent BYE.
    RemoteBye,
    /// We hung up (`hangup`).
    LocalHangup,
    /// They cancelled before we answered.
    Cancelled,
    /// We rejected the call (`reject_call`).
    Rejected,
    /// The 2xx was never acknowledged (RFC 3261 13.3.1.4): no ACK came for ours, or, on
    /// an outgoing offerless call, the call logic never gave the answer our ACK must
    /// carry. We sent BYE.
    AckTimeout,
    /// The session timer ran out without a refresh (RFC 4028 section 10): we sent BYE.
    SessionExpired,
    /// A refresh we sent was answered 408 or 481: the dialog is gone.
    RefreshFailed,
}

#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The address we are reached at, written into Via and Contact.
    pub public_address: IpAddr,
    /// The SIP port we listen on (UDP and TCP).
    pub port: u16,
    /// Goes into the Server and User-Agent headers. The default names no version: a
    /// version tells a scanner which known bugs to try, and peers do not need it.
    pub product: String,
    pub timers: TimerConfig,
    pub session_timer: SessionTimerPolicy,
    /// Largest message accepted on a stream before the connection is closed.
    pub max_message_bytes: usize,
}

impl EndpointConfig {
    pub fn new(public_address: IpAddr, port: u16) -> Self {
        EndpointConfig {
            public_address,
            port,
            product: "dialbridge".to_owned(),
            timers: TimerConfig::default(),
            session_timer: SessionTimerPolicy {
                default_expires: 1800,
                min_se: 90,
            },
            max_message_bytes: 64 * 1024,
        }
    }
}

/// A call-logic command that does not fit the call's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("no such call")]
    UnknownCall,
    #[error("the call is not waiting for this ({0})")]
    WrongState(&'static str),
    #[error("status {0} cannot be used here")]
    BadStatus(u16),
}
