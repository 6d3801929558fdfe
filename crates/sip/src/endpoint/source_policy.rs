//! Which sources get a stateful answer at all.
//!
//! Admission (which trunk a call belongs to, digest challenges) is the call logic's job,
//! and it runs after the endpoint has sent 100 Trying and started an INVITE server
//! transaction. For a source no trunk could ever admit, that is an amplifier: a spoofed
//! INVITE earns the spoofed address a 100, then a 403 that Timer G retransmits until
//! Timer H (RFC 3261 17.2.1), a dozen packets for one. The shell therefore tells the
//! endpoint which sources are worth a transaction; everyone else gets one stateless 403
//! (RFC 3261 8.2.7 allows a UAS to answer statelessly when it rejects a request), and
//! learns nothing from it beyond the product name in `Server`.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ipnet::IpNet;

use crate::message::{Method, Request};

use super::types::Peer;
use super::Endpoint;

/// Which sources the endpoint serves statefully; decided by the shell from its trunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePolicy {
    /// Networks a trunk sends from: requests from them are handled as usual.
    pub trusted: Vec<IpNet>,
    /// Whether a source outside `trusted` may still be admitted, by digest credentials (a
    /// credentials-only trunk exists). Then everyone is served statefully, so they can be
    /// challenged with 401 and retry.
    pub challenge_unknown: bool,
}

impl SourcePolicy {
    /// Every source is served statefully: the endpoint's default, for embedders that do
    /// their own filtering and for tests.
    pub fn open() -> Self {
        SourcePolicy {
            trusted: Vec::new(),
            challenge_unknown: true,
        }
    }

    /// Whether requests from `source` deserve a transaction.
    pub fn serves(&self, source: IpAddr) -> bool {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; match them as IPv4,
        // as trunk admission does.
        let source = source.to_canonical();
        self.challenge_unknown || self.trusted.iter().any(|net| net.contains(&source))
    }
}

impl Default for SourcePolicy {
    fn default() -> Self {
        SourcePolicy::open()
    }
}

/// The policy and what it has refused.
#[derive(Debug, Default)]
pub(super) struct SourceFilter {
    policy: SourcePolicy,
    /// Shared so a metrics reader on another thread can watch it without reaching into the
    /// endpoint (the shell owns the endpoint inside its event loop).
    refused: Arc<AtomicU64>,
}

impl Endpoint {
    /// Sets which sources get stateful handling; see [`SourcePolicy`].
    pub fn set_source_policy(&mut self, policy: SourcePolicy) {
        self.source_filter.policy = policy;
    }

    pub fn source_policy(&self) -> &SourcePolicy {
        &self.source_filter.policy
    }

    /// Requests refused with a stateless 403 because their source is not trusted.
    pub fn refused_untrusted(&self) -> u64 {
        self.source_filter.refused.load(Ordering::Relaxed)
    }

    /// The same count as [`Endpoint::refused_untrusted`], as a handle that stays readable
    /// from elsewhere (a health endpoint) after the endpoint has moved into the event loop.
    pub fn refused_untrusted_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.source_filter.refused)
    }

    /// Whether requests from `source` are served rather than refused outright.
    pub(super) fn serves_source(&self, source: Peer) -> bool {
        self.source_filter.policy.serves(source.addr.ip())
    }

    /// Answers a request from an untrusted source with one stateless response and returns
    /// true, or returns false when the request should be handled as usual.
    ///
    /// Only requests that would start something are refused here: `in_dialog` says the
    /// request has a To tag. An in-dialog request from an untrusted source can still belong
    /// to a dialog (a call we placed to someone outside the trunk list), so it goes on;
    /// without a dialog it gets its 481 statelessly too, for the same amplification reason.
    pub(super) fn refuse_untrusted(
        &mut self,
        source: Peer,
        request: &Request,
        in_dialog: bool,
    ) -> bool {
        // ACK is never answered (RFC 3261 17.2.1 and 17.1.1.3).
        if request.method == Method::Ack || self.source_filter.policy.serves(source.addr.ip()) {
            return false;
        }
        if in_dialog {
            if self.call_for_in_dialog(request).is_some() {
                return false;
            }
            self.reply_stateless(source, request, 481, "Call/Transaction Does Not Exist");
            return true;
        }
        tracing::debug!(from = %source.addr, method = %request.method, "untrusted source: stateless 403");
        self.source_filter.refused.fetch_add(1, Ordering::Relaxed);
        self.reply_stateless(source, request, 403, "Forbidden");
        true
    }
}
