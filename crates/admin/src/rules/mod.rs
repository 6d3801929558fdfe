//! Pure domain rules, one job per module. See the crate README for the decisions behind them.

pub mod conference_id;
pub mod dial_in_number;
mod digits;
pub mod invitation;
pub mod language;
pub mod licence;
pub mod meeting_expiry;
pub mod notification;
pub mod organizer;
pub mod pin;
pub mod pin_lockout;
pub mod provider;
pub mod web_url;
