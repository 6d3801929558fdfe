//! Domain services: what the REST API, the CLI and the web UI call.
//!
//! ```text
//!  API / CLI / UI ──► AdminService(caller, ...) ──► rules (pure) + StoreTx (one transaction)
//!                                                    └─ change + audit row + outbox mail
//! ```
//!
//! * Every operation takes a [`Caller`] and checks it first (see `caller.rs`); the call path's
//!   [`AdminService::resolve`] and the public numbers page take none.
//! * Every change is one store transaction: the store writes the audit row, and the mail the
//!   change calls for (decided by [`rules::notification`](crate::rules::notification)) is
//!   queued in the same transaction, so a change never commits without its mail or the
//!   reverse.
//! * Randomness (conference IDs, PINs, salts) comes from the [`StdRng`] given at
//!   construction: seeded from the OS in production, from a constant in tests.
//!
//! ## Where the store's defaults and the rules disagree, and who wins
//! * **PIN lockout.** The store's `OrganizationSettings::default()` says 5 failures / 15 min;
//!   the rules' table says 25 failures (for 5-digit PINs) in 30 min / 1 h lock. The services
//!   follow the rules: a new organization gets the table row for its PIN length, and a
//!   settings change that alters the PIN length without naming a lockout moves the lockout
//!   to the new length's row. An organization may still set its own policy, checked by
//!   `PinLockoutPolicy::new` (at least 3 failures, lock 1 min to 7 days).
//! * **Conference ID length.** The store accepts 4 to 15 digits, the rules 5 to 10; the
//!   services accept only the rules' range.

mod accounts;
mod acp_import;
mod call_history;
mod call_path;
mod call_records;
mod called_number;
mod caller;
mod change;
mod convert;
mod default_numbers;
mod dial_in;
mod dial_in_details_mail;
mod dial_outs;
mod error;
mod invitation_preview;
mod invitations;
mod licences;
mod logs;
mod mail_compose;
mod meeting_records;
mod meetings;
mod numbers;
mod one_time_pin;
mod organizations;
mod organizers;
mod pin_check;
mod settings;
mod sign_in;
mod tokens;

pub use accounts::{api_token_hash, API_TOKEN_PREFIX, MIN_PASSWORD_CHARS};
pub use acp_import::AcpImportOutcome;
pub use call_history::number_digits;
pub use call_path::{CallTarget, DialOutSettings, PinEntryState};
pub use call_records::{
    call_records_csv, parse_time, usage_csv, utc, CallRecordInput, CallRecordQuery,
    CALL_RECORD_COLUMNS, MAX_CSV_RECORDS, USAGE_COLUMNS,
};
pub use caller::Caller;
pub use change::DialInOutcome;
pub use default_numbers::DefaultNumbers;
pub use dial_in::{PinChoice, ProviderChoice};
pub use dial_in_details_mail::DIAL_IN_DETAILS_SUBJECT;
pub use dial_outs::{DialOutQuery, DialOutRecord};
pub use error::{ServiceError, ServiceResult};
pub use invitation_preview::{
    check_invitation_customization, InvitationField, InvitationFieldError,
};
pub use invitations::{CalendarEvent, OrganizerInvitation};
pub use logs::{AuditQuery, MailQuery, MailSummary};
pub use mail_compose::sender_address;
pub use meeting_records::{MeetingRecordInput, MeetingRecordQuery};
pub use numbers::{AddedNumber, NewNumber, NumberUpdate, PublicNumber};
pub use one_time_pin::OneTimePin;
pub use organizations::NewOrganization;
pub use organizers::{NewOrganizerInput, OrganizerQuery, ProfileUpdate};
pub use pin_check::PinCheck;
pub use settings::{
    check_dial_out_cap, check_dial_out_countries, check_operator_number, SettingsPatch,
    DIAL_PAD_COMMANDS,
};
pub use sign_in::SignedIn;
pub use tokens::{token_hash, TOKEN_PREFIX};

use crate::rules::pin::PinHasher;
use crate::rules::web_url::WebUrl;
use dialbridge_store::Store;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::sync::{Arc, Mutex, MutexGuard};

/// Service-wide settings the services need from the config file.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Sender of organizer mails when the organization sets none.
    pub default_sender: String,
    /// Where the admin center is reached from outside, e.g. `https://dial.example.com`:
    /// the public dial-in numbers page (invitations' "find a local number") lives under it.
    pub public_base_url: WebUrl,
    /// Host name for iCalendar UIDs (`meeting-12@<host>`).
    pub calendar_host: String,
}

/// The admin domain's operations over one [`Store`].
pub struct AdminService {
    store: Store,
    config: ServiceConfig,
    // Shared with the blocking tasks that verify PINs off the async runtime.
    hasher: Arc<PinHasher>,
    // A std mutex, held only while drawing digits, never across an await.
    rng: Mutex<StdRng>,
    /// Where `.eml` files are written (no SMTP), for the mail list; see `with_eml_dir`.
    eml_dir: Option<std::path::PathBuf>,
    /// The binary's running meetings (`live.rs`); unset where no conferences run.
    pub(crate) live: std::sync::OnceLock<Arc<dyn crate::live::LiveMeetings>>,
}

impl std::fmt::Debug for AdminService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminService")
            .field("store", &self.store)
            .field("config", &self.config)
            .field("hasher", &self.hasher)
            .finish_non_exhaustive()
    }
}

impl AdminService {
    /// Production: randomness seeded from the operating system.
    pub fn new(store: Store, config: ServiceConfig, hasher: PinHasher) -> AdminService {
        AdminService::with_rng(store, config, hasher, StdRng::from_entropy())
    }

    /// Tests: a given (seeded) random source.
    pub fn with_rng(
        store: Store,
        config: ServiceConfig,
        hasher: PinHasher,
        rng: StdRng,
    ) -> AdminService {
        AdminService {
            store,
            config,
            hasher: Arc::new(hasher),
            rng: Mutex::new(rng),
            eml_dir: None,
            live: std::sync::OnceLock::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// The random source. A panic elsewhere while holding it leaves the generator itself
    /// intact, so a poisoned lock is taken over rather than propagated.
    fn rng(&self) -> MutexGuard<'_, StdRng> {
        self.rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
