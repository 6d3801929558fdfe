//! Dial-in numbers: platform admins add, edit and remove them (they own the trunks);
//! organization admins see the shared ones plus those dedicated to them, and may change the
//! languages of their dedicated ones (the seed's "manage languages for the auto attendant").
//! The public list feeds the numbers page and needs no login.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use crate::rules::dial_in_number::{self as rule_number, NumberWarning};
use crate::rules::language::LanguageSet;
use dialbridge_store::{
    DialInNumber, DialInNumberFields, DialInNumberFilter, DialInNumberId, NumberKind,
    OrganizationId, OrganizerFilter, Page, Paged, StoreTx,
};
use serde::{Deserialize, Serialize};

/// A number to add, as an admin types it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NewNumber {
    /// `+` and the country code, or national form with `default_region`.
    pub number: String,
    #[serde(default)]
    pub default_region: Option<String>,
    /// Toll or toll-free; the numbering plan decides when absent.
    #[serde(default)]
    pub kind: Option<rule_number::NumberKind>,
    #[serde(default)]
    pub city: Option<String>,
    /// A prompt language tag (`en-US`).
    pub primary_language: String,
    #[serde(default)]
    pub secondary_languages: Vec<String>,
    /// Dedicated to one organization; shared by all when absent.
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    /// The SIP trunk calls to this number arrive on.
    pub trunk: String,
}

/// Changes to a number; unset fields stay. Organization admins may set only the languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumberUpdate {
    pub kind: Option<rule_number::NumberKind>,
    pub city: Option<Option<String>>,
    pub primary_language: Option<String>,
    pub secondary_languages: Option<Vec<String>>,
    pub organization_id: Option<Option<OrganizationId>>,
    pub trunk: Option<String>,
}

impl NumberUpdate {
    fn only_languages(&self) -> bool {
        self.kind.is_none()
            && self.city.is_none()
            && self.organization_id.is_none()
            && self.trunk.is_none()
    }
}

/// A number as added, with what the admin should look at (a kind the numbering plan
/// disagrees with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedNumber {
    pub number: DialInNumber,
    pub warnings: Vec<NumberWarning>,
}

/// One line of the public dial-in numbers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicNumber {
    /// For people: `+1 415 555 0123`.
    pub display: String,
    pub e164: String,
    pub country: String,
    pub city: Option<String>,
    /// `toll` or `toll_free`.
    pub kind: NumberKind,
    pub primary_language: String,
    pub secondary_languages: Vec<String>,
}

fn languages(primary: &str, secondary: &[String]) -> ServiceResult<(String, Vec<String>)> {
    let secondary: Vec<&str> = secondary.iter().map(String::as_str).collect();
    let set = LanguageSet::from_tags(primary, &secondary)
        .map_err(|e| ServiceError::invalid(e.to_string()))?;
    Ok((
        set.primary().tag().to_owned(),
        set.secondary().iter().map(|l| l.tag().to_owned()).collect(),
    ))
}

fn clean_city(city: Option<&str>) -> Option<String> {
    city.map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

/// Every organizer with dial-in on who prints this number: changing its kind or owner, or
/// removing it, would silently change their invitations.
async fn organizers_using(tx: &mut StoreTx, number: &DialInNumber) -> ServiceResult<usize> {
    let mut used = 0;
    let mut page = Page::first(Page::MAX_LIMIT);
    loop {
        let filter = OrganizerFilter {
            organization_id: number.fields.organization_id,
            dial_in_enabled: Some(true),
            ..OrganizerFilter::default()
        };
        let batch = tx.list_organizers(&filter, page).await?;
        used += batch
            .items
            .iter()
            .filter(|o| {
                let p = &o.profile;
                [
                    p.default_toll_number,
                    p.default_toll_free_number,
                    p.default_international_number,
                ]
                .contains(&Some(number.id))
            })
            .count();
        if batch.items.len() < Page::MAX_LIMIT as usize {
            return Ok(used);
        }
        page.offset += u64::from(Page::MAX_LIMIT);
    }
}

fn in_use(count: usize) -> ServiceError {
    ServiceError::conflict(
        "reference",
        format!("{count} organizer(s) with dial-in on have this as a default number; give them another default first"),
    )
}

impl AdminService {
    pub async fn add_dial_in_number(
        &self,
        caller: &Caller,
        new: &NewNumber,
    ) -> ServiceResult<AddedNumber> {
        caller.must_be_platform_admin()?;
        let checked = rule_number::check(&new.number, new.default_region.as_deref(), new.kind)
            .map_err(|e| ServiceError::invalid(e.to_string()))?;
        let country = checked
            .number
            .region()
            .map(str::to_owned)
            .or_else(|| new.default_region.clone())
            .ok_or_else(|| {
                ServiceError::invalid(
                    "the number belongs to no country; give its country as the default region",
                )
            })?;
        let (primary, secondary) = languages(&new.primary_language, &new.secondary_languages)?;
        let fields = DialInNumberFields {
            e164: checked.number.e164().to_owned(),
            kind: convert::to_store_kind(checked.kind),
            country,
            city: clean_city(new.city.as_deref()),
            primary_language: primary,
            secondary_languages: secondary,
            organization_id: new.organization_id,
            trunk: new.trunk.clone(),
        };
        let mut tx = self.store.begin().await?;
        if let Some(org) = new.organization_id {
            tx.organization(org).await?;
        }
        let number = tx.create_dial_in_number(caller.actor(), &fields).await?;
        tx.commit().await?;
        Ok(AddedNumber {
            number,
            warnings: checked.warnings,
        })
    }

    pub async fn update_dial_in_number(
        &self,
        caller: &Caller,
        id: DialInNumberId,
        update: &NumberUpdate,
    ) -> ServiceResult<DialInNumber> {
        caller.may_write_something()?;
        let mut tx = self.store.begin().await?;
        let before = tx
            .dial_in_number(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        match before.fields.organization_id {
            _ if caller.must_be_platform_admin().is_ok() => {}
            // An organization admin: their own dedicated number, languages only.
            Some(owner) if caller.may_write(owner).is_ok() && update.only_languages() => {}
            _ => return Err(ServiceError::Forbidden),
        }
        let mut f = before.fields.clone();
        if let Some(kind) = update.kind {
            f.kind = convert::to_store_kind(kind);
        }
        if let Some(city) = &update.city {
            f.city = clean_city(city.as_deref());
        }
        let primary = update
            .primary_language
            .as_deref()
            .unwrap_or(&f.primary_language);
        let secondary = update
            .secondary_languages
            .as_ref()
            .unwrap_or(&f.secondary_languages);
        (f.primary_language, f.secondary_languages) = languages(primary, secondary)?;
        if let Some(org) = update.organization_id {
            if let Some(org) = org {
                tx.organization(org).await?;
            }
            f.organization_id = org;
        }
        if let Some(trunk) = &update.trunk {
            f.trunk = trunk.clone();
        }
        if f.kind != before.fields.kind || f.organization_id != before.fields.organization_id {
            let used = organizers_using(&mut tx, &before).await?;
            if used > 0 {
                return Err(in_use(used));
            }
        }
        let after = tx.update_dial_in_number(caller.actor(), id, &f).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes a number no enabled organizer prints.
    pub async fn remove_dial_in_number(
        &self,
        caller: &Caller,
        id: DialInNumberId,
    ) -> ServiceResult<()> {
        caller.must_be_platform_admin()?;
        let mut tx = self.store.begin().await?;
        let number = tx.dial_in_number(id).await?;
        let used = organizers_using(&mut tx, &number).await?;
        if used > 0 {
            return Err(in_use(used));
        }
        tx.delete_dial_in_number(caller.actor(), id).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn dial_in_number(
        &self,
        caller: &Caller,
        id: DialInNumberId,
    ) -> ServiceResult<DialInNumber> {
        let number = self
            .store
            .dial_in_number(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        if let Some(owner) = number.fields.organization_id {
            caller.may_read(owner)?;
        }
        Ok(number)
    }

    /// Numbers the caller may see: a scoped caller's shared and dedicated ones; a
    /// platform-wide caller's, optionally as `visible_to` one organization sees them.
    pub async fn list_dial_in_numbers(
        &self,
        caller: &Caller,
        visible_to: Option<OrganizationId>,
        kind: Option<NumberKind>,
        country: Option<&str>,
        page: Page,
    ) -> ServiceResult<Paged<DialInNumber>> {
        let visible_to = match (caller.organization_id(), visible_to) {
            (Some(own), Some(asked)) if own != asked => return Err(ServiceError::Forbidden),
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        let filter = DialInNumberFilter {
            visible_to,
            kind,
            country: country.map(str::to_owned),
        };
        Ok(self.store.list_dial_in_numbers(&filter, page).await?)
    }

    /// The public dial-in numbers page of an organization (no login): every number its
    /// callers may use, by country and city.
    pub async fn public_dial_in_numbers(
        &self,
        organization_id: OrganizationId,
    ) -> ServiceResult<Vec<PublicNumber>> {
        self.store.organization(organization_id).await?;
        let filter = DialInNumberFilter {
            visible_to: Some(organization_id),
            ..DialInNumberFilter::default()
        };
        let mut out = Vec::new();
        let mut page = Page::first(Page::MAX_LIMIT);
        loop {
            let batch = self.store.list_dial_in_numbers(&filter, page).await?;
            let done = batch.items.len() < Page::MAX_LIMIT as usize;
            for n in batch.items {
                let display = convert::checked_number(&n)
                    .map(|c| c.display().to_owned())
                    .unwrap_or_else(|_| n.fields.e164.clone());
                out.push(PublicNumber {
                    display,
                    e164: n.fields.e164,
                    country: n.fields.country,
                    city: n.fields.city,
                    kind: n.fields.kind,
                    primary_language: n.fields.primary_language,
                    secondary_languages: n.fields.secondary_languages,
                });
            }
            if done {
                return Ok(out);
            }
            page.offset += u64::from(Page::MAX_LIMIT);
        }
    }
}
