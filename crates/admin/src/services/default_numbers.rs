//! The numbers printed on an organizer's invitations: a toll number, optionally a toll-free
//! one (when allowed), and optionally an international one (the seed's "international
//! dial-in number as default").

use super::change::DialInOutcome;
use super::error::{ServiceError, ServiceResult};
use super::organizers::for_write;
use super::{AdminService, Caller};
use dialbridge_store::{
    DialInNumber, DialInNumberId, NumberKind, OrganizationId, OrganizerId, Provider, StoreError,
    StoreTx,
};
use serde::Deserialize;

/// An organizer's default numbers; all three are replaced (`None` clears).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DefaultNumbers {
    pub toll: Option<DialInNumberId>,
    pub toll_free: Option<DialInNumberId>,
    /// A number from another country than the toll number's.
    pub international: Option<DialInNumberId>,
}

/// A number the organization may use. Another organization's dedicated number gets the same
/// answer as a missing one.
async fn usable(
    tx: &mut StoreTx,
    org: OrganizationId,
    what: &str,
    id: DialInNumberId,
) -> ServiceResult<DialInNumber> {
    let unusable = || {
        ServiceError::invalid(format!(
            "{what}: dial-in number {id} is not available to this organization"
        ))
    };
    let number = match tx.dial_in_number(id).await {
        Err(StoreError::NotFound { .. }) => return Err(unusable()),
        other => other?,
    };
    if number
        .fields
        .organization_id
        .is_some_and(|owner| owner != org)
    {
        return Err(unusable());
    }
    Ok(number)
}

fn kind_must_be(what: &str, number: &DialInNumber, kind: NumberKind) -> ServiceResult<()> {
    if number.fields.kind == kind {
        Ok(())
    } else {
        Err(ServiceError::invalid(format!(
            "{what}: {} is a {} number, not {}",
            number.fields.e164,
            number.fields.kind.as_str().replace('_', "-"),
            kind.as_str().replace('_', "-")
        )))
    }
}

impl AdminService {
    /// Sets the default numbers. The kinds must match (toll for toll, toll-free for
    /// toll-free), toll-free only when the organizer may have one, and the international one
    /// must be from another country than the toll number. Mails the organizer when dial-in is on.
    pub async fn set_default_numbers(
        &self,
        caller: &Caller,
        id: OrganizerId,
        numbers: DefaultNumbers,
    ) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        if matches!(organizer.provider, Provider::Acp(_)) {
            return Err(ServiceError::invalid(
                "the organizer uses a third-party provider, whose numbers come with its details; default numbers are for dialbridge organizers",
            ));
        }
        let org = organizer.organization_id;
        let toll = match numbers.toll {
            Some(n) => Some(usable(&mut tx, org, "default toll number", n).await?),
            None => None,
        };
        if let Some(n) = &toll {
            kind_must_be("default toll number", n, NumberKind::Toll)?;
        }
        if let Some(n) = numbers.toll_free {
            let n = usable(&mut tx, org, "default toll-free number", n).await?;
            kind_must_be("default toll-free number", &n, NumberKind::TollFree)?;
        }
        let free_allowed = organizer.profile.toll_free_allowed;
        if numbers.toll_free.is_some() && !free_allowed {
            return Err(ServiceError::invalid(
                "toll-free numbers are not allowed for this organizer; allow them first",
            ));
        }
        if let Some(n) = numbers.international {
            let n = usable(&mut tx, org, "default international number", n).await?;
            if n.fields.kind == NumberKind::TollFree && !free_allowed {
                return Err(ServiceError::invalid(
                    "default international number: toll-free numbers are not allowed for this organizer",
                ));
            }
            if toll
                .as_ref()
                .is_some_and(|t| t.fields.country == n.fields.country)
            {
                return Err(ServiceError::invalid(
                    "default international number: choose a number from another country than the toll number",
                ));
            }
        }
        let before = self.before_change(&mut tx, organizer).await?;
        let mut profile = before.organizer.profile.clone();
        profile.default_toll_number = numbers.toll;
        profile.default_toll_free_number = numbers.toll_free;
        profile.default_international_number = numbers.international;
        tx.update_organizer(caller.actor(), id, &profile).await?;
        self.finish_change(tx, before, None).await
    }
}
