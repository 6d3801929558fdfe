//! Licence seats: platform admins set how many an organization has bought; organization
//! admins assign and remove them. Never over the seats (the store guards the race).

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use dialbridge_store::{LicencePool, OrganizationId, OrganizerId, ProviderKind};

impl AdminService {
    pub async fn licence_pool(
        &self,
        caller: &Caller,
        org: OrganizationId,
    ) -> ServiceResult<LicencePool> {
        caller.may_read(org)?;
        self.store
            .licence_pool(org)
            .await
            .map_err(|e| caller.hide_missing(e.into()))
    }

    /// Sets the seats bought (platform admins: seats are what the operator sells). Refused
    /// below the seats assigned.
    pub async fn set_licence_seats(
        &self,
        caller: &Caller,
        org: OrganizationId,
        seats: u32,
    ) -> ServiceResult<LicencePool> {
        caller.must_be_platform_admin()?;
        let mut tx = self.store.begin().await?;
        let pool = tx.licence_pool(org).await?;
        if i64::from(seats) < pool.seats_assigned {
            return Err(ServiceError::conflict(
                "seats_in_use",
                format!(
                    "{} licences are assigned, so the organization cannot own fewer seats; remove licences first",
                    pool.seats_assigned
                ),
            ));
        }
        let after = tx
            .set_licence_seats(caller.actor(), org, i64::from(seats))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Gives the organizer a seat; `false` if they already hold one.
    pub async fn assign_licence(&self, caller: &Caller, id: OrganizerId) -> ServiceResult<bool> {
        caller.may_write_something()?;
        let mut tx = self.store.begin().await?;
        let organizer = tx
            .organizer(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_write(organizer.organization_id)?;
        let assigned = tx.assign_licence(caller.actor(), id).await?;
        tx.commit().await?;
        Ok(assigned)
    }

    /// Frees the organizer's seat; `false` if they held none. Refused while they use
    /// dialbridge with dial-in on: their meetings would stop working without a word.
    pub async fn remove_licence(&self, caller: &Caller, id: OrganizerId) -> ServiceResult<bool> {
        caller.may_write_something()?;
        let mut tx = self.store.begin().await?;
        let organizer = tx
            .organizer(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_write(organizer.organization_id)?;
        if organizer.profile.dial_in_enabled
            && organizer.provider.kind() == ProviderKind::Dialbridge
        {
            return Err(ServiceError::conflict(
                "licence_in_use",
                "the organizer uses dialbridge for dial-in; disable dial-in or switch them to a third-party provider before removing the licence",
            ));
        }
        let removed = tx.remove_licence(caller.actor(), id).await?;
        tx.commit().await?;
        Ok(removed)
    }
}
