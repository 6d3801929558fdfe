//! Client transactions for the requests we send: our INVITEs and their CANCELs, and
//! requests inside calls (BYE, session refreshes).

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;

use crate::message::Request;
use crate::transaction::{ClientTransactionKey, InviteClient, NonInviteClient, Output};

use super::types::{CallHandle, Peer, ReofferMethod, Transmit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientPurpose {
    /// The INVITE of a call we place (`start_call`), or its retry with credentials.
    Invite { call: CallHandle },
    /// Cancelling our INVITE (RFC 3261 9.1); its 200 says nothing: the INVITE's 487 does.
    Cancel,
    /// Ending a call; nobody waits for the answer.
    Bye,
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

#[derive(Debug, Default)]
pub struct ClientTransactions {
    /// Branch and method (RFC 3261 17.1.3): a CANCEL shares its INVITE's branch.
    by_branch: HashMap<ClientTransactionKey, ClientTransaction>,
}

impl ClientTransactions {
    /// Adds a transaction for a request sent with `branch`; the key's method is the
    /// request's own.
    pub fn insert(&mut self, branch: &str, transaction: ClientTransaction) {
        let key = ClientTransactionKey::new(branch, transaction.request.method.as_str());
        self.by_branch.insert(key, transaction);
    }

    pub fn get_mut(&mut self, key: &ClientTransactionKey) -> Option<&mut ClientTransaction> {
        self.by_branch.get_mut(key)
    }

    pub fn contains(&self, key: &ClientTransactionKey) -> bool {
        self.by_branch.contains_key(key)
    }

    /// Drops a transaction the TU gave up on (RFC 3261 9.1: no final answer to a CANCELled
    /// INVITE within 64·T1).
    pub fn remove(&mut self, key: &ClientTransactionKey) {
        self.by_branch.remove(key);
    }

    pub fn len(&self) -> usize {
        self.by_branch.len()
    }

    /// Whether any request still waits for its final response (a transaction lingering
    /// in Completed to absorb retransmissions does not count).
    pub fn awaiting_final(&self) -> bool {
        self.by_branch.values().any(|t| !t.reported)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.by_branch
            .values()
            .filter_map(|t| match &t.machine {
                ClientMachine::Invite(m) => m.poll_timeout(),
                ClientMachine::NonInvite(m) => m.poll_timeout(),
            })
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        for transaction in self.by_branch.values_mut() {
            match &mut transaction.machine {
                ClientMachine::Invite(m) => m.handle_timeout(now),
                ClientMachine::NonInvite(m) => m.handle_timeout(now),
            }
        }
    }

    /// Sends what one transaction produced right away, so that messages leave in the order
    /// they were made (the ACK for a 401 before the retried INVITE), not in table order.
    /// Used right after a response, which never times a transaction out.
    pub fn flush(&mut self, key: &ClientTransactionKey, transmits: &mut VecDeque<Transmit>) {
        let Some(transaction) = self.by_branch.get_mut(key) else {
            return;
        };
        let mut finished = false;
        while let Some(output) = match &mut transaction.machine {
            ClientMachine::Invite(m) => m.poll_output(),
            ClientMachine::NonInvite(m) => m.poll_output(),
        } {
            match output {
                Output::Transmit(bytes) => transmits.push_back(Transmit {
                    to: transaction.to,
                    bytes,
                }),
                Output::Terminated => finished = true,
                _ => {}
            }
        }
        if finished {
            self.by_branch.remove(key);
        }
    }

    /// Collects what the transactions want sent, reports timeouts, drops the finished ones.
    pub fn drain(&mut self, transmits: &mut Vec<Transmit>, outcomes: &mut Vec<ClientOutcome>) {
        self.by_branch.retain(|_, transaction| {
            let mut finished = false;
            while let Some(output) = match &mut transaction.machine {
                ClientMachine::Invite(m) => m.poll_output(),
                ClientMachine::NonInvite(m) => m.poll_output(),
            } {
                match output {
                    Output::Transmit(bytes) => transmits.push(Transmit {
                        to: transaction.to,
                        bytes,
                    }),
                    Output::Timeout(_) | Output::TransportError if !transaction.reported => {
                        transaction.reported = true;
                        outcomes.push(ClientOutcome::TimedOut {
                            purpose: transaction.purpose,
                        })
                    }
                    Output::Terminated => finished = true,
                    _ => {}
                }
            }
            !finished
        });
    }
}
