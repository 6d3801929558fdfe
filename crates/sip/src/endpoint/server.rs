//! Server transactions by key, and the peer their responses go to.

use std::collections::HashMap;
use std::time::Instant;

use crate::message::{CSeq, HeaderName, Method, NameAddr, Request, Via};
use crate::transaction::{InviteServer, NonInviteServer, Output};

use super::types::{Peer, Transmit};

/// Matches a request to its server transaction (RFC 3261 17.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerKey {
    branch: String,
    sent_by: String,
    /// ACK and CANCEL are keyed as INVITE when looking for the INVITE they refer to.
    method: Method,
}

const MAGIC_COOKIE: &str = "z9hG4bK";

impl ServerKey {
    /// The key of `request`'s own transaction, or of the INVITE it refers to when
    /// `as_method` is given (ACK and CANCEL look up `Method::Invite`).
    pub fn of(request: &Request, as_method: Option<Method>) -> Option<ServerKey> {
        let top = Via::parse(request.headers.values(&HeaderName::Via).first()?).ok()?;
        let method = as_method.unwrap_or_else(|| request.method.clone());
        let sent_by = match top.port {
            Some(port) => format!("{}:{port}", top.host),
            None => top.host.to_string(),
        };
        match top.branch() {
            Some(branch) if branch.starts_with(MAGIC_COOKIE) => Some(ServerKey {
                branch: branch.to_owned(),
                sent_by,
                method,
            }),
            // RFC 2543 peers have no unique branch: RFC 3261 17.2.3 matches them on
            // Call-ID, CSeq number, From tag and the top Via instead.
            _ => {
                let headers = &request.headers;
                let call_id = headers.get(&HeaderName::CallId)?;
                let cseq = CSeq::parse(headers.get(&HeaderName::CSeq)?).ok()?;
                let from = NameAddr::parse(headers.get(&HeaderName::From)?).ok()?;
                let from_tag = from.tag().unwrap_or_default();
                Some(ServerKey {
                    branch: format!("rfc2543 {call_id} {} {from_tag} {}", cseq.seq, request.uri),
                    sent_by,
                    method,
                })
            }
        }
    }
}

#[derive(Debug)]
pub enum ServerMachine {
    Invite(InviteServer),
    NonInvite(NonInviteServer),
}

#[derive(Debug)]
pub struct ServerTransaction {
    pub respond_to: Peer,
    pub machine: ServerMachine,
}

#[derive(Debug, Default)]
pub struct ServerTransactions {
    table: HashMap<ServerKey, ServerTransaction>,
}

impl ServerTransactions {
    pub fn get_mut(&mut self, key: &ServerKey) -> Option<&mut ServerTransaction> {
        self.table.get_mut(key)
    }

    pub fn insert(&mut self, key: ServerKey, transaction: ServerTransaction) {
        self.table.insert(key, transaction);
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.table
            .values()
            .filter_map(|t| match &t.machine {
                ServerMachine::Invite(m) => m.poll_timeout(),
                ServerMachine::NonInvite(m) => m.poll_timeout(),
            })
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        for transaction in self.table.values_mut() {
            match &mut transaction.machine {
                ServerMachine::Invite(m) => m.handle_timeout(now),
                ServerMachine::NonInvite(m) => m.handle_timeout(now),
            }
        }
    }

    /// Sends what one transaction produced right away, so responses leave in the order
    /// they were made (a CANCEL's 200 before the INVITE's 487), not in table order.
    pub fn flush(&mut self, key: &ServerKey, transmits: &mut std::collections::VecDeque<Transmit>) {
        let Some(transaction) = self.table.get_mut(key) else {
            return;
        };
        let mut finished = false;
        while let Some(output) = match &mut transaction.machine {
            ServerMachine::Invite(m) => m.poll_output(),
            ServerMachine::NonInvite(m) => m.poll_output(),
        } {
            match output {
                Output::Transmit(bytes) => transmits.push_back(Transmit {
                    to: transaction.respond_to,
                    bytes,
                }),
                Output::Terminated => finished = true,
                _ => {}
            }
        }
        if finished {
            self.table.remove(key);
        }
    }

    /// Collects what the transactions want sent and drops the finished ones.
    pub fn drain(&mut self, transmits: &mut Vec<Transmit>) {
        self.table.retain(|_, transaction| {
            let mut finished = false;
            while let Some(output) = match &mut transaction.machine {
                ServerMachine::Invite(m) => m.poll_output(),
                ServerMachine::NonInvite(m) => m.poll_output(),
            } {
                match output {
                    Output::Transmit(bytes) => transmits.push(Transmit {
                        to: transaction.respond_to,
                        bytes,
                    }),
                    Output::Terminated => finished = true,
                    _ => {}
                }
            }
            !finished
        });
    }
}
