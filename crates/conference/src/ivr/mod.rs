//! One caller's way into a meeting: greeting, language menu, conference ID, organizer PIN.
