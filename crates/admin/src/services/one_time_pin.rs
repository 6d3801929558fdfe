//! A new PIN in clear, handed back to the admin once.

use zeroize::Zeroizing;

/// The clear digits of a PIN just generated or chosen. Returned by the call that set it
/// (so an admin can pass it on when mail is off), never stored; zeroed when dropped, and
/// redacted in `Debug` so it cannot slip into a log line.
pub struct OneTimePin(Zeroizing<String>);

impl OneTimePin {
    pub(crate) fn new(clear: &str) -> OneTimePin {
        OneTimePin(Zeroizing::new(clear.to_owned()))
    }

    /// The PIN, to show the admin once.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OneTimePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimePin(<redacted>)")
    }
}
