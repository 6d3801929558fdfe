//! Every read, on both handles: [`Store`] (a pooled connection) and [`StoreTx`] (inside the
//! transaction, to decide a write on what it will change). Listed once here and generated for
//! both, so the two never drift apart.

use crate::admin_accounts::{AdminAccount, AdminLogin};
use crate::api_tokens::ApiToken;
use crate::audit::{AuditEntry, AuditFilter};
use crate::call_records::{CallRecord, CallRecordFilter, UsageRow};
use crate::conference_ids::{ConferenceOwner, ConferenceTarget};
use crate::db::{Store, StoreTx};
use crate::dial_in_numbers::{DialInNumber, DialInNumberFilter};
use crate::dial_out_attempts::{DialOutAttempt, DialOutFilter};
use crate::ids::*;
use crate::licences::LicencePool;
use crate::mail_outbox::{Mail, MailFilter};
use crate::meeting_records::{MeetingRecord, MeetingRecordFilter};
use crate::meetings::Meeting;
use crate::organizations::Organization;
use crate::organizers::{Organizer, OrganizerFilter, PinState};
use crate::page::{Page, Paged};
use crate::{
    admin_accounts, api_tokens, audit, call_records, conference_ids, dial_in_numbers,
    dial_out_attempts, licences, mail_outbox, meeting_records, meetings, organizations, organizers,
    Result,
};

macro_rules! reads {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $path:path;)*) => {
        impl Store {
            $($(#[$doc])*
            pub async fn $name(&self, $($arg: $ty),*) -> Result<$ret> {
                let mut pc = self.acquire().await?;
                $path(&mut pc.conn(), $($arg),*).await
            })*
        }

        impl StoreTx {
            $($(#[$doc])*
            pub async fn $name(&mut self, $($arg: $ty),*) -> Result<$ret> {
                $path(&mut self.conn(), $($arg),*).await
            })*
        }
    };
}

reads! {
    /// One organization (`NotFound` if absent).
    fn organization(id: OrganizationId) -> Organization = organizations::get;
    /// The organization with this exact name.
    fn organization_by_name(name: &str) -> Option<Organization> = organizations::by_name;
    /// Organizations whose name contains `search`, any case.
    fn list_organizations(search: Option<&str>, page: Page) -> Paged<Organization>
        = organizations::list;

    /// An organization's seats bought and assigned.
    fn licence_pool(id: OrganizationId) -> LicencePool = licences::pool;

    /// One organizer.
    fn organizer(id: OrganizerId) -> Organizer = organizers::get;
    /// The organizer with this email in an organization.
    fn organizer_by_email(organization_id: OrganizationId, email: &str) -> Option<Organizer>
        = organizers::by_email;
    /// Organizers matching a filter, by id.
    fn list_organizers(filter: &OrganizerFilter, page: Page) -> Paged<Organizer>
        = organizers::list;
    /// An organizer's PIN hash and lockout state (for the call path's PIN check).
    fn organizer_pin(id: OrganizerId) -> PinState = organizers::pin;

    /// One dial-in number.
    fn dial_in_number(id: DialInNumberId) -> DialInNumber = dial_in_numbers::get;
    /// The number a call came in on.
    fn dial_in_number_by_e164(e164: &str) -> Option<DialInNumber> = dial_in_numbers::by_e164;
    /// Numbers matching a filter, by country, city and number.
    fn list_dial_in_numbers(filter: &DialInNumberFilter, page: Page) -> Paged<DialInNumber>
        = dial_in_numbers::list;

    /// What a dialed conference ID leads to; `None` for an unknown (or reset) ID.
    fn resolve_conference_id(code: &str) -> Option<ConferenceTarget> = conference_ids::resolve;
    /// The current conference ID of an organizer or meeting.
    fn conference_id_of(owner: ConferenceOwner) -> Option<String> = conference_ids::of;

    /// One scheduled meeting.
    fn meeting(id: MeetingId) -> Meeting = meetings::get;
    /// An organizer's meetings, by start time.
    fn list_meetings(organizer_id: OrganizerId, page: Page) -> Paged<Meeting> = meetings::list;

    /// One admin account.
    fn admin_account(id: AdminAccountId) -> AdminAccount = admin_accounts::get;
    /// An account and its password hash, by email (any case), for a login check.
    fn admin_login(email: &str) -> Option<AdminLogin> = admin_accounts::login;
    /// Accounts of one organization, or every account with `None`.
    fn list_admin_accounts(organization_id: Option<OrganizationId>, page: Page)
        -> Paged<AdminAccount> = admin_accounts::list;

    /// The token with this hash and its account: the API's authentication.
    fn api_token_by_hash(token_hash: &str) -> Option<(ApiToken, AdminAccount)>
        = api_tokens::by_hash;
    /// An account's tokens.
    fn list_api_tokens(account_id: AdminAccountId) -> Vec<ApiToken> = api_tokens::list;

    /// Audit rows matching a filter, newest first.
    fn list_audit(filter: &AuditFilter, page: Page) -> Paged<AuditEntry> = audit::list;

    /// One call detail record.
    fn call_record(id: CallRecordId) -> CallRecord = call_records::get;
    /// Call detail records matching a filter, newest first (by end time).
    fn list_call_records(filter: &CallRecordFilter, page: Page) -> Paged<CallRecord>
        = call_records::list;
    /// Calls and billed minutes per month, `from` to `to` (`YYYY-MM`, inclusive, UTC), of one
    /// organization or all.
    fn usage_report(organization_id: Option<OrganizationId>, from: &str, to: &str)
        -> Vec<UsageRow> = call_records::usage;

    /// One dial-out attempt, by its reference.
    fn dial_out_attempt(reference: &str) -> DialOutAttempt = dial_out_attempts::by_reference;
    /// Dial-out attempts matching a filter, newest first.
    fn list_dial_out_attempts(filter: &DialOutFilter, page: Page) -> Paged<DialOutAttempt>
        = dial_out_attempts::list;

    /// One meeting record.
    fn meeting_record(id: MeetingRecordId) -> MeetingRecord = meeting_records::get;
    /// Meeting records matching a filter, newest first (by end time).
    fn list_meeting_records(filter: &MeetingRecordFilter, page: Page) -> Paged<MeetingRecord>
        = meeting_records::list;

    /// One outbox mail.
    fn mail(id: MailId) -> Mail = mail_outbox::get;
    /// Outbox mails matching a filter, newest first.
    fn list_mail(filter: &MailFilter, page: Page) -> Paged<Mail> = mail_outbox::list;
}
