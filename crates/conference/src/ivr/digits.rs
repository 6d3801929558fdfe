//! The keys a caller types for one entry (a conference ID or a PIN).

/// A dial-pad key the IVR reacts to. A to D and anything else are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Digit(char),
    Star,
    Pound,
}

impl Key {
    pub(crate) fn from_char(key: char) -> Option<Self> {
        match key {
            '0'..='9' => Some(Self::Digit(key)),
            '*' => Some(Self::Star),
            '#' => Some(Self::Pound),
            _ => None,
        }
    }
}

/// Digits typed so far, refusing more than `max_len`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigitEntry {
    digits: String,
    max_len: usize,
}

/// Whether a digit fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    Kept,
    /// One digit more than any valid entry: the entry is refused without a lookup.
    TooLong,
}

impl DigitEntry {
    pub(crate) fn new(max_len: usize) -> Self {
        Self {
            digits: String::with_capacity(max_len),
            max_len,
        }
    }

    pub(crate) fn push(&mut self, digit: char) -> Pushed {
        if self.digits.len() >= self.max_len {
            return Pushed::TooLong;
        }
        self.digits.push(digit);
        Pushed::Kept
    }

    pub(crate) fn clear(&mut self) {
        self.digits.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.digits.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.digits.len()
    }

    pub(crate) fn take(&mut self) -> String {
        std::mem::take(&mut self.digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_digit_past_the_maximum() {
        let mut entry = DigitEntry::new(2);
        assert_eq!(entry.push('1'), Pushed::Kept);
        assert_eq!(entry.push('2'), Pushed::Kept);
        assert_eq!(entry.push('3'), Pushed::TooLong);
        assert_eq!(entry.take(), "12");
        assert!(entry.is_empty());
    }

    #[test]
    fn reads_only_dial_pad_keys() {
        assert_eq!(Key::from_char('7'), Some(Key::Digit('7')));
        assert_eq!(Key::from_char('*'), Some(Key::Star));
        assert_eq!(Key::from_char('#'), Some(Key::Pound));
        assert_eq!(Key::from_char('A'), None);
    }
}
