//! Who is acting, and what they may touch.
//!
//! Three roles, as the store keeps them: a platform admin does everything everywhere; an
//! organization admin does everything inside one organization; a read-only admin looks at
//! one organization (or at all of them when the account has none) and changes nothing.
//! Anything outside a scoped caller's organization answers [`ServiceError::Forbidden`],
//! whether it exists or not, so other organizations' ids cannot be probed.

use super::error::{ServiceError, ServiceResult};
use dialbridge_store::{Actor, AdminAccount, OrganizationId, Role};

/// The acting admin (or the service itself), with its role and organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    actor: Actor,
    role: Role,
    organization_id: Option<OrganizationId>,
}

impl Caller {
    /// A platform admin: every organization, every change.
    pub fn platform_admin(actor: Actor) -> Caller {
        Caller {
            actor,
            role: Role::PlatformAdmin,
            organization_id: None,
        }
    }

    /// An organization admin: every change inside `organization_id`, nothing outside.
    pub fn org_admin(organization_id: OrganizationId, actor: Actor) -> Caller {
        Caller {
            actor,
            role: Role::OrgAdmin,
            organization_id: Some(organization_id),
        }
    }

    /// A read-only admin of one organization, or of all with `None`.
    pub fn read_only(organization_id: Option<OrganizationId>, actor: Actor) -> Caller {
        Caller {
            actor,
            role: Role::ReadOnly,
            organization_id,
        }
    }

    /// The operator on the host (CLI, demo seeding): platform rights, logged as `system:..`.
    pub fn system(component: &str) -> Caller {
        Caller::platform_admin(Actor::system(component))
    }

    /// The caller an authenticated account acts as. An organization admin without an
    /// organization (the store refuses to create one) is refused rather than widened.
    pub fn from_account(account: &AdminAccount) -> ServiceResult<Caller> {
        let actor = Actor::admin(account.id, &account.email);
        match (account.role, account.organization_id) {
            (Role::PlatformAdmin, _) => Ok(Caller::platform_admin(actor)),
            (Role::OrgAdmin, Some(org)) => Ok(Caller::org_admin(org, actor)),
            (Role::OrgAdmin, None) => Err(ServiceError::Forbidden),
            (Role::ReadOnly, org) => Ok(Caller::read_only(org, actor)),
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The organization a scoped caller is confined to (`None`: every organization).
    pub fn organization_id(&self) -> Option<OrganizationId> {
        self.organization_id
    }

    /// May see every organization (so learns whether an id exists).
    pub(crate) fn sees_everything(&self) -> bool {
        self.organization_id.is_none()
    }

    pub(crate) fn may_read(&self, org: OrganizationId) -> ServiceResult<()> {
        match self.organization_id {
            None => Ok(()),
            Some(own) if own == org => Ok(()),
            Some(_) => Err(ServiceError::Forbidden),
        }
    }

    pub(crate) fn may_write(&self, org: OrganizationId) -> ServiceResult<()> {
        self.may_write_something()?;
        self.may_read(org)
    }

    /// Checked before any work, so a read-only caller learns nothing from a write attempt.
    pub(crate) fn may_write_something(&self) -> ServiceResult<()> {
        match self.role {
            Role::ReadOnly => Err(ServiceError::Forbidden),
            Role::PlatformAdmin | Role::OrgAdmin => Ok(()),
        }
    }

    pub(crate) fn must_be_platform_admin(&self) -> ServiceResult<()> {
        match self.role {
            Role::PlatformAdmin => Ok(()),
            Role::OrgAdmin | Role::ReadOnly => Err(ServiceError::Forbidden),
        }
    }

    /// A scoped caller asking for a missing id gets the same answer as for another
    /// organization's id.
    pub(crate) fn hide_missing(&self, err: ServiceError) -> ServiceError {
        match err {
            ServiceError::NotFound { .. } if !self.sees_everything() => ServiceError::Forbidden,
            other => other,
        }
    }
}
