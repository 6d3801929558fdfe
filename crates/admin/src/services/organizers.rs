//! Organizers: create, read, list, and the profile settings that mail nobody (name, email,
//! country, anonymous start, dial-out policy, toll-free allowed, PIN unlock). Dial-in, provider,
//! conference ID and PIN changes are in `dial_in.rs`; default numbers in `default_numbers.rs`.

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use dialbridge_store::{
    DialOutPolicy, NewOrganizer, OrganizationId, Organizer, OrganizerFilter, OrganizerId,
    OrganizerProfile, Page, Paged, Provider, ProviderKind, StoreTx,
};
use serde::Deserialize;

/// A new organizer. They start on dialbridge with dial-in off: enabling it (with a licence)
/// draws their conference ID and PIN.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NewOrganizerInput {
    pub organization_id: OrganizationId,
    pub name: String,
    pub email: String,
    /// ISO 3166-1 alpha-2; the organization's when absent.
    #[serde(default)]
    pub country: Option<String>,
    /// The organization's default when absent.
    #[serde(default)]
    pub anonymous_start: Option<bool>,
    #[serde(default)]
    pub dial_out_policy: Option<DialOutPolicy>,
}

/// Which organizers to list. A scoped caller's organization is implied; naming another is
/// refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct OrganizerQuery {
    pub organization_id: Option<OrganizationId>,
    pub provider: Option<ProviderKind>,
    /// Part of the name or email.
    pub search: Option<String>,
    pub dial_in_enabled: Option<bool>,
    pub licensed: Option<bool>,
}

/// Name, email and country; unset fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
}

/// Loads an organizer inside `tx` for a change by `caller`, hiding other organizations'.
pub(crate) async fn for_write(
    tx: &mut StoreTx,
    caller: &Caller,
    id: OrganizerId,
) -> ServiceResult<Organizer> {
    caller.may_write_something()?;
    let organizer = tx
        .organizer(id)
        .await
        .map_err(|e| caller.hide_missing(e.into()))?;
    caller.may_write(organizer.organization_id)?;
    Ok(organizer)
}

impl AdminService {
    pub async fn create_organizer(
        &self,
        caller: &Caller,
        input: &NewOrganizerInput,
    ) -> ServiceResult<Organizer> {
        caller.may_write(input.organization_id)?;
        let mut tx = self.store.begin().await?;
        let org = tx
            .organization(input.organization_id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        let country = input.country.clone().unwrap_or_else(|| org.country.clone());
        let mut profile = OrganizerProfile::new(&input.name, &input.email, &country);
        profile.anonymous_start = input
            .anonymous_start
            .unwrap_or(org.settings.anonymous_start_default);
        if let Some(policy) = input.dial_out_policy {
            profile.dial_out_policy = policy;
        }
        let new = NewOrganizer {
            organization_id: org.id,
            profile,
            provider: Provider::Dialbridge,
            conference_id: None,
        };
        let created = tx.create_organizer(caller.actor(), &new).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn organizer(&self, caller: &Caller, id: OrganizerId) -> ServiceResult<Organizer> {
        let organizer = self
            .store
            .organizer(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_read(organizer.organization_id)?;
        Ok(organizer)
    }

    pub async fn list_organizers(
        &self,
        caller: &Caller,
        query: &OrganizerQuery,
        page: Page,
    ) -> ServiceResult<Paged<Organizer>> {
        let organization_id = match (caller.organization_id(), query.organization_id) {
            (Some(own), Some(asked)) if own != asked => return Err(ServiceError::Forbidden),
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        let filter = OrganizerFilter {
            organization_id,
            provider: query.provider,
            search: query.search.clone(),
            dial_in_enabled: query.dial_in_enabled,
            licensed: query.licensed,
        };
        Ok(self.store.list_organizers(&filter, page).await?)
    }

    pub async fn update_organizer_profile(
        &self,
        caller: &Caller,
        id: OrganizerId,
        update: &ProfileUpdate,
    ) -> ServiceResult<Organizer> {
        self.change_profile(caller, id, |p| {
            if let Some(v) = &update.name {
                p.name = v.clone();
            }
            if let Some(v) = &update.email {
                p.email = v.clone();
            }
            if let Some(v) = &update.country {
                p.country = v.clone();
            }
            Ok(())
        })
        .await
    }

    /// Whether callers may start this organizer's meetings without the PIN.
    pub async fn set_anonymous_start(
        &self,
        caller: &Caller,
        id: OrganizerId,
        allowed: bool,
    ) -> ServiceResult<Organizer> {
        self.change_profile(caller, id, |p| {
            p.anonymous_start = allowed;
            Ok(())
        })
        .await
    }

    pub async fn set_dial_out_policy(
        &self,
        caller: &Caller,
        id: OrganizerId,
        policy: DialOutPolicy,
    ) -> ServiceResult<Organizer> {
        self.change_profile(caller, id, |p| {
            p.dial_out_policy = policy;
            Ok(())
        })
        .await
    }

    /// Whether a toll-free number may be this organizer's default. Turning it off also
    /// drops a toll-free default (kept silent: the toll number stays on the invitation).
    pub async fn set_toll_free_allowed(
        &self,
        caller: &Caller,
        id: OrganizerId,
        allowed: bool,
    ) -> ServiceResult<Organizer> {
        self.change_profile(caller, id, |p| {
            p.toll_free_allowed = allowed;
            if !allowed {
                p.default_toll_free_number = None;
            }
            Ok(())
        })
        .await
    }

    /// Lifts a PIN lockout (the PIN stays).
    pub async fn unlock_pin(&self, caller: &Caller, id: OrganizerId) -> ServiceResult<Organizer> {
        let mut tx = self.store.begin().await?;
        for_write(&mut tx, caller, id).await?;
        tx.unlock_pin(caller.actor(), id).await?;
        let after = tx.organizer(id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One profile change in one transaction; `edit` may refuse it.
    async fn change_profile(
        &self,
        caller: &Caller,
        id: OrganizerId,
        edit: impl FnOnce(&mut OrganizerProfile) -> ServiceResult<()>,
    ) -> ServiceResult<Organizer> {
        let mut tx = self.store.begin().await?;
        let before = for_write(&mut tx, caller, id).await?;
        let mut profile = before.profile.clone();
        edit(&mut profile)?;
        let after = tx.update_organizer(caller.actor(), id, &profile).await?;
        tx.commit().await?;
        Ok(after)
    }
}
