//! Dial-out: asked for in the admin center ("call me at" for the organizer, "add a
//! participant by phone"), and the dial-out log admins read.
//!
//! ```text
//!  API / CLI ──► dial_out(caller, ...) ──► LiveMeetings::dial_out (binary: policy, INVITE)
//!  binary ──► record_dial_out(record)  (refused / calling / ringing / ... by reference)
//!  API / CLI / web ──► list_dial_outs(caller, ...), dial_out_attempt(caller, reference)
//! ```

use super::error::{ServiceError, ServiceResult};
use super::logs::scope;
use super::{AdminService, Caller};
use crate::live::{DialOutOrder, DialOutPurpose, DialOutRejected};
use dialbridge_store::{
    DialOutAttempt, DialOutAttemptWrite, DialOutFilter, DialOutKind, DialOutStatus, OrganizationId,
    OrganizerId, Page, Paged,
};
use rand::Rng;
use serde::Deserialize;
use std::sync::Arc;

/// One write to the dial-out log, as the binary reports an attempt: the first for a
/// reference creates its row, later ones move its status (see [`AdminService::record_dial_out`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialOutRecord {
    pub reference: String,
    pub organization_id: OrganizationId,
    pub organizer_id: Option<OrganizerId>,
    pub conference_key: Option<String>,
    /// "call_me" | "add_participant" | "phone" | "operator"
    pub purpose: String,
    pub requested_by: String,
    pub dialed: String,
    pub e164: Option<String>,
    pub destination_country: Option<String>,
    /// "refused" | "calling" | "ringing" | "answered" | "joined" | "declined_by_callee" |
    /// "busy" | "declined" | "no_answer" | "failed" | "cancelled"
    pub status: String,
    pub reason: Option<String>,
}

/// Which dial-out attempts to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DialOutQuery {
    /// A scoped caller's organization is implied; naming another is refused.
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub status: Option<DialOutStatus>,
    /// Only refusals (the same as `status: refused`).
    pub refused_only: bool,
}

/// Longest number text handed on: 15 digits with generous punctuation and a `+`.
const MAX_NUMBER_CHARS: usize = 40;

impl AdminService {
    /// Asks the binary to call `number` into `organizer`'s static meeting and returns the
    /// attempt's reference (its outcome is recorded under it). Organization admins of the
    /// organizer's organization and platform admins may; read-only admins may not.
    pub async fn dial_out(
        &self,
        caller: &Caller,
        organizer: OrganizerId,
        number: &str,
        purpose: DialOutPurpose,
    ) -> ServiceResult<String> {
        caller.may_write_something()?;
        let found = self
            .store
            .organizer(organizer)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_write(found.organization_id)?;
        let number = number.trim();
        if number.is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
            return Err(ServiceError::invalid(
                "enter the number to call, with its country code, like +44 20 7946 0000",
            ));
        }
        let target = self.organizer_call_target(organizer).await?;
        let order = DialOutOrder {
            reference: self.dial_out_reference(),
            purpose,
            number: number.to_owned(),
            requested_by: caller.actor().label.clone(),
            target: Arc::new(target),
        };
        let reference = order.reference.clone();
        // Logged before anything can be dialed, so no call is placed without its row; the
        // binary moves the same row on (ringing, joined, ...) by the reference.
        let logged = |status: DialOutStatus, reason: Option<String>| DialOutAttemptWrite {
            reference: order.reference.clone(),
            organization_id: found.organization_id,
            organizer_id: Some(organizer),
            conference_key: Some(format!("organizer-{organizer}")),
            purpose: match purpose {
                DialOutPurpose::CallMe => DialOutKind::CallMe,
                DialOutPurpose::AddParticipant => DialOutKind::AddParticipant,
            },
            requested_by: order.requested_by.clone(),
            dialed: order.number.clone(),
            e164: None,
            destination_country: None,
            status,
            reason,
        };
        self.store
            .record_dial_out_attempt(&logged(DialOutStatus::Calling, None))
            .await?;
        let result = match self.live.get() {
            Some(provider) => provider.dial_out(order.clone()),
            None => Err(DialOutRejected::Unavailable(
                "dial-out is not available: this server runs no conferences".into(),
            )),
        };
        // Like live commands, asking is logged under the actor; the outcome is the binary's.
        tracing::info!(
            target: "audit",
            actor = %caller.actor().label,
            organization_id = %found.organization_id,
            organizer_id = %organizer,
            purpose = purpose.as_str(),
            reference = %reference,
            accepted = result.is_ok(),
            "dial-out requested"
        );
        if let Err(rejected) = &result {
            let (status, reason) = match rejected {
                DialOutRejected::Refused { reason, .. } => (DialOutStatus::Refused, reason.clone()),
                DialOutRejected::Unavailable(_) => {
                    (DialOutStatus::Failed, "unavailable".to_owned())
                }
            };
            if let Err(error) = self
                .store
                .record_dial_out_attempt(&logged(status, Some(reason)))
                .await
            {
                tracing::warn!(%reference, %error, "cannot log the dial-out's refusal");
            }
        }
        result.map_err(|rejected| match rejected {
            DialOutRejected::Refused { reason, message } => {
                ServiceError::DialOutRefused { reason, message }
            }
            DialOutRejected::Unavailable(message) => ServiceError::Unavailable(message),
        })?;
        Ok(reference)
    }

    /// Writes one step of an attempt to the dial-out log. No caller: the system reports. The
    /// first write of a reference inserts it; later ones update status, reason, number and
    /// country (a known number or country is never erased) and the update time.
    pub async fn record_dial_out(&self, record: DialOutRecord) -> ServiceResult<()> {
        let purpose = DialOutKind::parse(record.purpose.trim()).map_err(|_| {
            ServiceError::invalid(format!("unknown dial-out purpose {:?}", record.purpose))
        })?;
        let status = DialOutStatus::parse(record.status.trim()).map_err(|_| {
            ServiceError::invalid(format!("unknown dial-out status {:?}", record.status))
        })?;
        let write = DialOutAttemptWrite {
            reference: record.reference,
            organization_id: record.organization_id,
            organizer_id: record.organizer_id,
            conference_key: record.conference_key,
            purpose,
            requested_by: record.requested_by,
            dialed: record.dialed,
            e164: record.e164,
            destination_country: record.destination_country,
            status,
            reason: record.reason,
        };
        self.store.record_dial_out_attempt(&write).await?;
        Ok(())
    }

    /// The dial-out log `caller` may read: its organization's, newest first.
    pub async fn list_dial_outs(
        &self,
        caller: &Caller,
        query: &DialOutQuery,
        page: Page,
    ) -> ServiceResult<Paged<DialOutAttempt>> {
        let status = if query.refused_only {
            if query.status.is_some_and(|s| s != DialOutStatus::Refused) {
                return Err(ServiceError::invalid(
                    "refused only and another status together match nothing; choose one",
                ));
            }
            Some(DialOutStatus::Refused)
        } else {
            query.status
        };
        let filter = DialOutFilter {
            organization_id: scope(caller, query.organization_id)?,
            organizer_id: query.organizer_id,
            status,
        };
        Ok(self.store.list_dial_out_attempts(&filter, page).await?)
    }

    /// One attempt of the log, by its reference. Another organization's answers as a missing
    /// one would for a scoped caller.
    pub async fn dial_out_attempt(
        &self,
        caller: &Caller,
        reference: &str,
    ) -> ServiceResult<DialOutAttempt> {
        let attempt = self
            .store
            .dial_out_attempt(reference.trim())
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_read(attempt.attempt.organization_id)?;
        Ok(attempt)
    }

    /// 16 random lower-case hex characters (64 bits: no two attempts share one in practice,
    /// and the store's UNIQUE catches it if they ever do).
    fn dial_out_reference(&self) -> String {
        let value: u64 = self.rng().gen();
        format!("{value:016x}")
    }
}
