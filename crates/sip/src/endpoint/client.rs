//! Client transactions for the requests we send: our INVITEs and their CANCELs, and
//! requests inside calls (BYE, session refreshes).

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use bytes::Bytes;

use crate::message::Request;
use crate::transaction::{ClientTransactionKey, InviteClient, NonInviteClient, Output};

use super::timers::Timers;
use super::types::{CallHandle, Peer, ReofferMethod, Transmit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientPurpose {
    /// The INVITE of a call we place (`start_call`), or its retry with credentials.
    Invite { call: CallHandle },
    /// Cancelling our INVITE (RFC 3261 9.1); its 200 says nothing: the INVITE's 487 does.
    Cancel,
    /// Ending a call; nobody waits for the answer.
    Bye,
    /// A REGISTER of a registration with a carrier.
    Register {
        registration: super::RegistrationHandle,
    },
    /// A session-timer refresh (RFC 4028) for the call.
    Refresh {
        call: CallHandle,
        method: ReofferMethod,
    },
}

#[derive(Debug)]
pub enum ClientMachine {
    Invite(InviteClient),
    NonInvite(NonInviteClient),
}

#[derive(Debug)]
pub struct ClientTransaction {
    pub to: Peer,
    pub purpose: ClientPurpose,
    pub request: Request,
    pub machine: ClientMachine,
    /// For a re-INVITE: the ACK we sent for its 2xx, re-sent for each retransmitted 2xx.
    pub ack_for_2xx: Option<Bytes>,
    /// Whether the outcome was already reported; retransmitted finals are not news.
    pub reported: bool,
}

/// What finished transactions report back to the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientOutcome {
    /// A final response arrived.
    Final { purpose: ClientPurpose, status: u16 },
    /// No final response in time (Timer B or F), or the transport failed.
    TimedOut { purpose: ClientPurpose },
}

impl ClientTransaction {
    fn poll_timeout(&self) -> Option<Instant> {
        match &self.machine {
            ClientMachine::Invite(m) => m.poll_timeout(),
            ClientMachine::NonInvite(m) => m.poll_timeout(),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        match &mut self.machine {
            ClientMachine::Invite(m) => m.handle_timeout(now),
            ClientMachine::NonInvite(m) => m.handle_timeout(now),
        }
    }

    /// Queues what the machine wants sent and reports a timeout once; true once it has
    /// terminated.
    fn take_output(
        &mut self,
        transmits: &mut VecDeque<Transmit>,
        outcomes: &mut Vec<ClientOutcome>,
    ) -> bool {
        let mut finished = false;
        while let Some(output) = match &mut self.machine {
            ClientMachine::Invite(m) => m.poll_output(),
            ClientMachine::NonInvite(m) => m.poll_output(),
        } {
            match output {
                Output::Transmit(bytes) => transmits.push_back(Transmit { to: self.to, bytes }),
                Output::Timeout(_) | Output::TransportError if !self.reported => {
                    self.reported = true;
                    outcomes.push(ClientOutcome::TimedOut {
                        purpose: self.purpose,
                    })
                }
                Output::Terminated => finished = true,
                _ => {}
            }
        }
        finished
    }
}

/// The client transactions, with their deadlines in a heap and the ones touched since the
/// last `drain` in `dirty`, so that neither a message nor a timer visits the others.
#[derive(Debug, Default)]
pub struct ClientTransactions {
    /// Branch and method (RFC 3261 17.1.3): a CANCEL shares its INVITE's branch.
    by_branch: HashMap<ClientTransactionKey, ClientTransaction>,
    timers: Timers<ClientTransactionKey>,
    /// Touched since the last `drain`, in the order first touched, so their output leaves
    /// in the order it was made; `dirty_set` keeps each key in once.
    dirty: Vec<ClientTransactionKey>,
    dirty_set: HashSet<ClientTransactionKey>,
    /// Whether a transaction was removed since `take_removed`: only then can an outgoing
    /// call have lost its INVITE transaction (`Endpoint::reap_outgoing`).
    removed: bool,
    /// Transactions looked at, for tests that check the work per input stays bounded.
    #[cfg(test)]
    pub visited: std::cell::Cell<u64>,
}

impl ClientTransactions {
    /// Adds a transaction for a request sent with `branch`; the key's method is the
    /// request's own.
    pub fn insert(&mut self, branch: &str, transaction: ClientTransaction) {
        let key = ClientTransactionKey::new(branch, transaction.request.method.as_str());
        self.mark_dirty(&key);
        self.by_branch.insert(key, transaction);
    }

    /// Every mutable access marks the transaction dirty: a response may have changed its
    /// deadline or queued output (an ACK), which `drain` picks up.
    pub fn get_mut(&mut self, key: &ClientTransactionKey) -> Option<&mut ClientTransaction> {
        let transaction = self.by_branch.get_mut(key)?;
        if self.dirty_set.insert(key.clone()) {
            self.dirty.push(key.clone());
        }
        Some(transaction)
    }

    pub fn contains(&self, key: &ClientTransactionKey) -> bool {
        self.by_branch.contains_key(key)
    }

    /// Drops a transaction the TU gave up on (RFC 3261 9.1: no final answer to a CANCELled
    /// INVITE within 64·T1).
    pub fn remove(&mut self, key: &ClientTransactionKey) {
        if self.by_branch.remove(key).is_some() {
            self.removed = true;
        }
        self.timers.schedule(key, None);
    }

    pub fn len(&self) -> usize {
        self.by_branch.len()
    }

    /// Whether any request still waits for its final response (a transaction lingering
    /// in Completed to absorb retransmissions does not count).
    pub fn awaiting_final(&self) -> bool {
        self.by_branch.values().any(|t| !t.reported)
    }

    /// Whether a transaction ended since the last call.
    pub fn take_removed(&mut self) -> bool {
        std::mem::take(&mut self.removed)
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
            .filter_map(|key| self.by_branch.get(key)?.poll_timeout());
        self.timers.next().into_iter().chain(pending).min()
    }

    /// Fires the transactions whose deadline has come, and only those.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(key) = self.timers.pop_due(now) {
            #[cfg(test)]
            self.visited.set(self.visited.get() + 1);
            if let Some(transaction) = self.by_branch.get_mut(&key) {
                transaction.handle_timeout(now);
                self.mark_dirty(&key);
            }
        }
    }

    /// Sends what one transaction produced right away, so that messages leave in the order
    /// they were made (the ACK for a 401 before the retried INVITE), not in table order.
    /// Used right after a response, which never times a transaction out.
    pub fn flush(&mut self, key: &ClientTransactionKey, transmits: &mut VecDeque<Transmit>) {
        let mut ignored = Vec::new();
        self.flush_one(key, transmits, &mut ignored);
    }

    fn flush_one(
        &mut self,
        key: &ClientTransactionKey,
        transmits: &mut VecDeque<Transmit>,
        outcomes: &mut Vec<ClientOutcome>,
    ) {
        #[cfg(test)]
        self.visited.set(self.visited.get() + 1);
        let Some(transaction) = self.by_branch.get_mut(key) else {
            return;
        };
        if transaction.take_output(transmits, outcomes) {
            self.remove(key);
        } else {
            let deadline = transaction.poll_timeout();
            self.timers.schedule(key, deadline);
        }
    }

    /// Collects what the touched transactions want sent, reports timeouts, reschedules
    /// them and drops the finished ones.
    pub fn drain(&mut self, transmits: &mut VecDeque<Transmit>, outcomes: &mut Vec<ClientOutcome>) {
        let dirty = std::mem::take(&mut self.dirty);
        self.dirty_set.clear();
        for key in &dirty {
            self.flush_one(key, transmits, outcomes);
        }
        // Keep the allocation: this runs after every input.
        self.dirty = dirty;
        self.dirty.clear();
    }

    fn mark_dirty(&mut self, key: &ClientTransactionKey) {
        if self.dirty_set.insert(key.clone()) {
            self.dirty.push(key.clone());
        }
    }
}
