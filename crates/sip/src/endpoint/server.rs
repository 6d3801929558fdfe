//! Server transactions by key, and the peer their responses go to.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use crate::message::{CSeq, HeaderName, Method, NameAddr, Request, Via};
use crate::transaction::{InviteServer, NonInviteServer, Output};

use super::timers::Timers;
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

impl ServerTransaction {
    fn poll_timeout(&self) -> Option<Instant> {
        match &self.machine {
            ServerMachine::Invite(m) => m.poll_timeout(),
            ServerMachine::NonInvite(m) => m.poll_timeout(),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        match &mut self.machine {
            ServerMachine::Invite(m) => m.handle_timeout(now),
            ServerMachine::NonInvite(m) => m.handle_timeout(now),
        }
    }

    /// Queues what the machine wants sent; true once it has terminated.
    fn take_output(&mut self, transmits: &mut VecDeque<Transmit>) -> bool {
        let mut finished = false;
        while let Some(output) = match &mut self.machine {
            ServerMachine::Invite(m) => m.poll_output(),
            ServerMachine::NonInvite(m) => m.poll_output(),
        } {
            match output {
                Output::Transmit(bytes) => transmits.push_back(Transmit {
                    to: self.respond_to,
                    bytes,
                }),
                Output::Terminated => finished = true,
                _ => {}
            }
        }
        finished
    }
}

/// The server transactions, with their deadlines in a heap and the ones touched since the
/// last `drain` in `dirty`, so that neither a message nor a timer visits the others: a
/// flood of refused INVITEs keeps tens of thousands alive for 32 s (Timer H).
#[derive(Debug, Default)]
pub struct ServerTransactions {
    table: HashMap<ServerKey, ServerTransaction>,
    timers: Timers<ServerKey>,
    /// Touched since the last `drain`, in the order first touched, so their output leaves
    /// in the order it was made; `dirty_set` keeps each key in once.
    dirty: Vec<ServerKey>,
    dirty_set: HashSet<ServerKey>,
    /// Transactions looked at, for tests that check the work per input stays bounded.
    #[cfg(test)]
    pub visited: std::cell::Cell<u64>,
}

impl ServerTransactions {
    /// Every mutable access marks the transaction dirty: whoever changes it (a response
    /// from the call logic, a retransmitted request) may have changed its deadline or
    /// queued output, which `drain` picks up.
    pub fn get_mut(&mut self, key: &ServerKey) -> Option<&mut ServerTransaction> {
        let transaction = self.table.get_mut(key)?;
        if self.dirty_set.insert(key.clone()) {
            self.dirty.push(key.clone());
        }
        Some(transaction)
    }

    pub fn insert(&mut self, key: ServerKey, transaction: ServerTransaction) {
        if self.dirty_set.insert(key.clone()) {
            self.dirty.push(key.clone());
        }
        self.table.insert(key, transaction);
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// The earliest deadline: the heap's top, or a touched transaction not yet drained
    /// (normally none: every input ends with a drain).
    pub fn poll_timeout(&self) -> Option<Instant> {
        #[cfg(test)]
        self.visited
            .set(self.visited.get() + self.dirty.len() as u64);
        let pending = self
            .dirty
            .iter()
            .filter_map(|key| self.table.get(key)?.poll_timeout());
        self.timers.next().into_iter().chain(pending).min()
    }

    /// Fires the transactions whose deadline has come, and only those.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(key) = self.timers.pop_due(now) {
            #[cfg(test)]
            self.visited.set(self.visited.get() + 1);
            if let Some(transaction) = self.table.get_mut(&key) {
                transaction.handle_timeout(now);
                if self.dirty_set.insert(key.clone()) {
                    self.dirty.push(key);
                }
            }
        }
    }

    /// Sends what one transaction produced right away, so responses leave in the order
    /// they were made (a CANCEL's 200 before the INVITE's 487), not in table order.
    pub fn flush(&mut self, key: &ServerKey, transmits: &mut VecDeque<Transmit>) {
        #[cfg(test)]
        self.visited.set(self.visited.get() + 1);
        let Some(transaction) = self.table.get_mut(key) else {
            return;
        };
        if transaction.take_output(transmits) {
            self.table.remove(key);
            self.timers.schedule(key, None);
        } else {
            let deadline = transaction.poll_timeout();
            self.timers.schedule(key, deadline);
        }
    }

    /// Collects what the touched transactions want sent, reschedules them and drops the
    /// finished ones.
    pub fn drain(&mut self, transmits: &mut VecDeque<Transmit>) {
        let dirty = std::mem::take(&mut self.dirty);
        self.dirty_set.clear();
        for key in &dirty {
            self.flush(key, transmits);
        }
        // Keep the allocation: this runs after every input.
        self.dirty = dirty;
        self.dirty.clear();
    }
}
