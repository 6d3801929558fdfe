//! The sixteen DTMF keys, shared by RFC 4733 reception and the in-band detector.

/// A DTMF key: 0-9, `*`, `#` and the rarely seen A-D column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DtmfDigit {
    D0,
    D1,
    D2,
    D3,
    D4,
    D5,
    D6,
    D7,
    D8,
    D9,
    Star,
    Hash,
    A,
    B,
    C,
    D,
}

impl DtmfDigit {
    /// All sixteen keys in RFC 4733 event-code order (0-9, *, #, A-D = 0..=15).
    pub const ALL: [DtmfDigit; 16] = [
        Self::D0,
        Self::D1,
        Self::D2,
        Self::D3,
        Self::D4,
        Self::D5,
        Self::D6,
        Self::D7,
        Self::D8,
        Self::D9,
        Self::Star,
        Self::Hash,
        Self::A,
        Self::B,
        Self::C,
        Self::D,
    ];

    /// The key for an RFC 4733 §3.2 event code; `None` for codes other than 0-15
    /// (flash, fax and modem tones are not key presses).
    pub fn from_event_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// The RFC 4733 event code.
    pub fn event_code(self) -> u8 {
        // ALL is in event-code order, so the position is the code.
        Self::ALL.iter().position(|d| *d == self).unwrap_or(0) as u8
    }

    /// The key as the character printed on it.
    pub fn as_char(self) -> char {
        b"0123456789*#ABCD"[usize::from(self.event_code())] as char
    }

    /// The key for a character (`0-9 * # A-D`, case-insensitive letters).
    pub fn from_char(c: char) -> Option<Self> {
        let upper = c.to_ascii_uppercase();
        Self::ALL.iter().copied().find(|d| d.as_char() == upper)
    }

    /// (row, column) on the keypad, as indexes into the Q.23 low and high frequency groups.
    pub fn keypad_position(self) -> (usize, usize) {
        match self {
            Self::D1 => (0, 0),
            Self::D2 => (0, 1),
            Self::D3 => (0, 2),
            Self::A => (0, 3),
            Self::D4 => (1, 0),
            Self::D5 => (1, 1),
            Self::D6 => (1, 2),
            Self::B => (1, 3),
            Self::D7 => (2, 0),
            Self::D8 => (2, 1),
            Self::D9 => (2, 2),
            Self::C => (2, 3),
            Self::Star => (3, 0),
            Self::D0 => (3, 1),
            Self::Hash => (3, 2),
            Self::D => (3, 3),
        }
    }

    /// The key at a keypad (row, column); `None` outside the 4x4 pad.
    pub fn from_keypad_position(row: usize, column: usize) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|d| d.keypad_position() == (row, column))
    }
}

impl std::fmt::Display for DtmfDigit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_chars_and_positions_round_trip() {
        for (code, digit) in DtmfDigit::ALL.iter().enumerate() {
            assert_eq!(usize::from(digit.event_code()), code);
            assert_eq!(DtmfDigit::from_event_code(code as u8), Some(*digit));
            assert_eq!(DtmfDigit::from_char(digit.as_char()), Some(*digit));
            let (r, c) = digit.keypad_position();
            assert_eq!(DtmfDigit::from_keypad_position(r, c), Some(*digit));
        }
        assert_eq!(DtmfDigit::from_event_code(16), None);
        assert_eq!(DtmfDigit::from_char('x'), None);
    }
}
