//! A live meeting: lobby, lock, roles, dial-pad commands, announcements, limits, end rules.
