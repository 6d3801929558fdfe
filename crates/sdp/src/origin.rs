//! The `o=` line across a dialog (RFC 3264 §8, RFC 4566 §5.2).

use crate::answer::{build_answer, Answer};
use crate::offer::{build_offer, Offer};
use crate::write::{write, OutgoingSdp};
use crate::{LocalMedia, NegotiationError};

/// Session id and version as written in `o=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionVersion {
    /// Stays the same for the whole dialog.
    pub id: u64,
    /// Moves by one each time the SDP we send changes.
    pub version: u64,
}

/// The `o=` state a dialog keeps, so that every SDP we send in it (offers and answers alike)
/// carries the same session id and a version that moves by exactly one when, and only when,
/// the body differs from the last one we sent (RFC 3264 §8).
///
/// Every call negotiates afresh from its input: an answer to a re-INVITE is always built
/// from the new offer, never replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOrigin {
    current: SessionVersion,
    last_sent: Option<OutgoingSdp>,
}

impl SessionOrigin {
    /// Start a dialog's origin. The caller supplies the numbers (sans-IO: no clock or
    /// randomness in here); RFC 4566 suggests an NTP timestamp for both.
    pub fn new(session: SessionVersion) -> Self {
        SessionOrigin {
            current: session,
            last_sent: None,
        }
    }

    /// The id and version of the last SDP produced.
    pub fn current(&self) -> SessionVersion {
        self.current
    }

    /// Answer an offer (initial or re-INVITE). `local.session` is ignored.
    pub fn answer(
        &mut self,
        offer: impl AsRef<[u8]>,
        local: &LocalMedia,
    ) -> Result<Answer, NegotiationError> {
        let (outgoing, audio) = build_answer(offer.as_ref(), local)?;
        let session = self.stamp(&outgoing);
        Ok(Answer {
            sdp: write(&outgoing, session),
            audio,
        })
    }

    /// Make an offer (initial, or a re-offer for hold/resume). `local.session` is ignored.
    pub fn offer(&mut self, local: &LocalMedia) -> Offer {
        let (outgoing, offered) = build_offer(local);
        let session = self.stamp(&outgoing);
        Offer {
            sdp: write(&outgoing, session),
            offered,
        }
    }

    fn stamp(&mut self, outgoing: &OutgoingSdp) -> SessionVersion {
        match &self.last_sent {
            Some(last) if last == outgoing => {}
            Some(_) => self.current.version = self.current.version.wrapping_add(1),
            None => {}
        }
        self.last_sent = Some(outgoing.clone());
        self.current
    }
}
