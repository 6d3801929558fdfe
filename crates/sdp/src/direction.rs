//! Media direction attributes (RFC 4566 §6, RFC 3264 §6.1 and §8.4).

use crate::parse::{Attribute, MediaDescription, SessionDescription};

/// Which way media flows, from the point of view of whoever wrote the SDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Send and receive (the default when no attribute is present).
    #[default]
    SendRecv,
    /// Only send: the usual way to put the other side on hold.
    SendOnly,
    /// Only receive.
    RecvOnly,
    /// Neither.
    Inactive,
}

impl Direction {
    fn from_flags(sends: bool, receives: bool) -> Self {
        match (sends, receives) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    /// Whether the writer of the SDP will send media.
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// Whether the writer of the SDP will receive media.
    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The same flow seen from the other end: what they send, we receive.
    pub fn reversed(self) -> Self {
        Direction::from_flags(self.receives(), self.sends())
    }

    /// Both sides' wishes together: media flows only where both allow it.
    pub fn intersect(self, other: Direction) -> Self {
        Direction::from_flags(
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        )
    }

    /// RFC 3264 §8.4: `c=0.0.0.0` asks the other side not to send, so the writer cannot
    /// receive whatever its attribute says.
    pub(crate) fn without_receiving(self) -> Self {
        Direction::from_flags(self.sends(), false)
    }

    /// The attribute name as written in SDP.
    pub fn attribute(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn from_attributes(attributes: &[Attribute]) -> Option<Self> {
        attributes.iter().rev().find_map(|attribute| {
            if attribute.value.is_some() {
                return None;
            }
            match attribute.name.to_ascii_lowercase().as_str() {
                "sendrecv" => Some(Direction::SendRecv),
                "sendonly" => Some(Direction::SendOnly),
                "recvonly" => Some(Direction::RecvOnly),
                "inactive" => Some(Direction::Inactive),
                _ => None,
            }
        })
    }

    /// RFC 4566 §6: a media-level attribute overrides the session-level one; neither means
    /// sendrecv.
    pub(crate) fn of_media(session: &SessionDescription, media: &MediaDescription) -> Self {
        Direction::from_attributes(&media.attributes)
            .or_else(|| Direction::from_attributes(&session.attributes))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Direction::*;

    #[test]
    fn answer_directions_follow_rfc3264_section_6_1() {
        for (offer, answer) in [
            (SendRecv, SendRecv),
            (SendOnly, RecvOnly),
            (RecvOnly, SendOnly),
            (Inactive, Inactive),
        ] {
            assert_eq!(offer.reversed().intersect(SendRecv), answer);
        }
    }

    #[test]
    fn our_own_hold_limits_the_answer() {
        assert_eq!(SendRecv.reversed().intersect(SendOnly), SendOnly);
        assert_eq!(SendOnly.reversed().intersect(SendOnly), Inactive);
    }
}
