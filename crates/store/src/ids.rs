//! Typed row ids: an organizer id cannot be passed where a meeting id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type! {
    /// An organization (tenant).
    OrganizationId;
    /// A person who organizes meetings.
    OrganizerId;
    /// A dial-in phone number.
    DialInNumberId;
    /// A scheduled meeting.
    MeetingId;
    /// An admin center login.
    AdminAccountId;
    /// An API token of an admin account.
    ApiTokenId;
    /// A message in the mail outbox.
    MailId;
    /// A row of the audit log.
    AuditId;
    /// A call detail record.
    CallRecordId;
    /// A row of the dial-out log.
    DialOutAttemptId;
    /// A meeting record.
    MeetingRecordId;
}
