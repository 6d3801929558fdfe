//! Transaction matching keys (RFC 3261 17.1.3 and 17.2.3), built from already-parsed
//! header values so this module never parses.

/// RFC 3261 8.1.1.7: branches of RFC 3261 elements start with this.
pub const BRANCH_MAGIC_COOKIE: &str = "z9hG4bK";

/// True if `branch` marks an RFC 3261 sender, whose branch alone identifies a transaction.
pub fn is_rfc3261_branch(branch: &str) -> bool {
    branch
        .get(..BRANCH_MAGIC_COOKIE.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(BRANCH_MAGIC_COOKIE))
}

/// Matches an incoming request to a server transaction (RFC 3261 17.2.3): the top Via's
/// branch and sent-by, and the CSeq method with ACK counted as INVITE.
///
/// Branch and host are compared case-insensitively (tokens and host names, RFC 3261
/// 7.3.1 and 19.1.4); the method case-sensitively (RFC 3261 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerTransactionKey {
    branch: String,
    sent_by_host: String,
    sent_by_port: u16,
    method: String,
}

impl ServerTransactionKey {
    /// The key of a request with this top-Via branch and sent-by, and this CSeq method.
    ///
    /// `sent_by_port` is the port in the Via, or the transport's default (5060, or 5061
    /// for TLS) when the Via has none. An ACK gets the key of the INVITE it acknowledges,
    /// so the non-2xx ACK reaches the INVITE server transaction.
    ///
    /// Returns `None` when the branch lacks the magic cookie: such requests come from
    /// RFC 2543 elements and need the fallback matching of RFC 3261 17.2.3 (Request-URI,
    /// tags, Call-ID, CSeq, Via), which is not a key of this shape.
    pub fn new(branch: &str, sent_by_host: &str, sent_by_port: u16, method: &str) -> Option<Self> {
        if !is_rfc3261_branch(branch) {
            return None;
        }
        let method = if method == "ACK" { "INVITE" } else { method };
        Some(Self {
            branch: branch.to_ascii_lowercase(),
            sent_by_host: sent_by_host.to_ascii_lowercase(),
            sent_by_port,
            method: method.to_owned(),
        })
    }

    /// For a CANCEL's key, the key of the INVITE server transaction it cancels (RFC 3261
    /// 9.2: same matching, with the method taken as INVITE). `None` for other methods.
    ///
    /// The CANCEL itself keeps its own key and its own non-INVITE server transaction.
    pub fn cancelled_invite(&self) -> Option<Self> {
        (self.method == "CANCEL").then(|| Self {
            method: "INVITE".to_owned(),
            ..self.clone()
        })
    }

    /// The branch, lowercased.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The sent-by host, lowercased.
    pub fn sent_by_host(&self) -> &str {
        &self.sent_by_host
    }

    /// The sent-by port.
    pub fn sent_by_port(&self) -> u16 {
        self.sent_by_port
    }

    /// The method the transaction was created for (INVITE for an ACK).
    pub fn method(&self) -> &str {
        &self.method
    }
}

/// Matches an incoming response to a client transaction (RFC 3261 17.1.3): the top Via's
/// branch and the CSeq method. Sent-by is ours and adds nothing.
///
/// No method mapping: a response to a CANCEL carries CSeq method CANCEL and belongs to
/// the CANCEL's own client transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientTransactionKey {
    branch: String,
    method: String,
}

impl ClientTransactionKey {
    /// The key from the top Via branch and CSeq method of a request we sent, or of a
    /// response to it.
    pub fn new(branch: &str, cseq_method: &str) -> Self {
        Self {
            branch: branch.to_ascii_lowercase(),
            method: cseq_method.to_owned(),
        }
    }

    /// The branch, lowercased.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The CSeq method.
    pub fn method(&self) -> &str {
        &self.method
    }
}
