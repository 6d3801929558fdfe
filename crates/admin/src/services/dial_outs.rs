//! Dial-out asked for in the admin center: "call me at" for the organizer and "add a
//! participant by phone". The admin domain authorizes and resolves the meeting; the binary
//! (`LiveMeetings::dial_out`) checks the policy and places the call.

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use crate::live::{DialOutOrder, DialOutPurpose, DialOutRejected};
use dialbridge_store::OrganizerId;
use rand::Rng;
use std::sync::Arc;

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
        let provider = self.live.get().ok_or_else(|| {
            ServiceError::Unavailable(
                "dial-out is not available: this server runs no conferences".into(),
            )
        })?;
        let order = DialOutOrder {
            reference: self.dial_out_reference(),
            purpose,
            number: number.to_owned(),
            requested_by: caller.actor().label.clone(),
            target: Arc::new(target),
        };
        let reference = order.reference.clone();
        let result = provider.dial_out(order);
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
        result.map_err(|rejected| match rejected {
            DialOutRejected::Refused { reason, message } => {
                ServiceError::DialOutRefused { reason, message }
            }
            DialOutRejected::Unavailable(message) => ServiceError::Unavailable(message),
        })?;
        Ok(reference)
    }

    /// 16 random lower-case hex characters (64 bits: no two attempts share one in practice,
    /// and the store's UNIQUE catches it if they ever do).
    fn dial_out_reference(&self) -> String {
        let value: u64 = self.rng().gen();
        format!("{value:016x}")
    }
}
