//! Organizations: create (platform admins), read, list, change settings.

use super::error::ServiceResult;
use super::settings::{self, SettingsPatch};
use super::{AdminService, Caller};
use dialbridge_store::{Organization, OrganizationFields, OrganizationId, Page, Paged};
use serde::Deserialize;

/// A new organization: name, country and any settings differing from the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NewOrganization {
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[serde(default)]
    pub settings: SettingsPatch,
}

impl AdminService {
    /// Creates an organization (platform admins only).
    pub async fn create_organization(
        &self,
        caller: &Caller,
        new: &NewOrganization,
    ) -> ServiceResult<Organization> {
        caller.must_be_platform_admin()?;
        let fields = OrganizationFields {
            name: new.name.clone(),
            country: new.country.clone(),
            settings: settings::apply(&settings::defaults(), &new.settings, &new.country)?,
        };
        let mut tx = self.store.begin().await?;
        let created = tx.create_organization(caller.actor(), &fields).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn organization(
        &self,
        caller: &Caller,
        id: OrganizationId,
    ) -> ServiceResult<Organization> {
        caller.may_read(id)?;
        self.store
            .organization(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))
    }

    /// Organizations the caller may see whose name contains `search`.
    pub async fn list_organizations(
        &self,
        caller: &Caller,
        search: Option<&str>,
        page: Page,
    ) -> ServiceResult<Paged<Organization>> {
        match caller.organization_id() {
            None => Ok(self.store.list_organizations(search, page).await?),
            Some(own) => {
                let org = self.store.organization(own).await?;
                let matches = search
                    .is_none_or(|s| org.name.to_lowercase().contains(&s.trim().to_lowercase()));
                let items: Vec<Organization> = if matches && page.offset == 0 {
                    vec![org]
                } else {
                    Vec::new()
                };
                Ok(Paged {
                    total: i64::from(matches),
                    items,
                })
            }
        }
    }

    /// Changes an organization's settings (send emails, sender, anonymous start default,
    /// announcements, name recording, masking, PIN policy, conference ID length, dial-pad
    /// keys, invitation customization).
    pub async fn update_organization_settings(
        &self,
        caller: &Caller,
        id: OrganizationId,
        patch: &SettingsPatch,
    ) -> ServiceResult<Organization> {
        caller.may_write(id)?;
        let mut tx = self.store.begin().await?;
        let before = tx
            .organization(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        let fields = OrganizationFields {
            name: before.name.clone(),
            country: before.country.clone(),
            settings: settings::apply(&before.settings, patch, &before.country)?,
        };
        let after = tx.update_organization(caller.actor(), id, &fields).await?;
        tx.commit().await?;
        Ok(after)
    }
}
