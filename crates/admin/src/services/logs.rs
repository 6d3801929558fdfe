//! What admins read back: the audit log and the mail outbox, scoped to the caller's
//! organization, and API tokens (platform admins).

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use crate::mail::eml_path;
use dialbridge_store::{
    AdminAccountId, ApiToken, AuditEntry, AuditFilter, Mail, MailFilter, MailId, MailStatus,
    OrganizationId, Page, Paged,
};
use serde::{Deserialize, Serialize};

/// Which audit rows to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// A scoped caller's organization is implied; naming another is refused.
    pub organization_id: Option<OrganizationId>,
    pub action: Option<String>,
    /// Exact actor label.
    pub actor: Option<String>,
    /// `organizer` (every organizer) or `organizer:12` (one).
    pub entity: Option<String>,
    /// Unix seconds.
    pub since: Option<i64>,
}

/// Which outbox mails to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MailQuery {
    pub organization_id: Option<OrganizationId>,
    pub status: Option<MailStatus>,
}

/// An outbox mail without its body: a queued body may carry a PIN, which is shown only to
/// the admin who made it, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailSummary {
    pub id: MailId,
    pub organization_id: Option<OrganizationId>,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// Without SMTP: the `.eml` file the mail was written to (`<id>.eml` in the outbox
    /// directory), when it exists.
    pub eml_file: Option<String>,
}

/// The organization a list is scoped to: the caller's own, or what a platform admin asks.
pub(super) fn scope(
    caller: &Caller,
    asked: Option<OrganizationId>,
) -> ServiceResult<Option<OrganizationId>> {
    match (caller.organization_id(), asked) {
        (Some(own), Some(asked)) if own != asked => Err(ServiceError::Forbidden),
        (Some(own), _) => Ok(Some(own)),
        (None, asked) => Ok(asked),
    }
}

fn check_entity(entity: &str) -> ServiceResult<()> {
    let (kind, id) = match entity.split_once(':') {
        Some((kind, id)) => (kind, Some(id)),
        None => (entity, None),
    };
    let kind_ok = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    let id_ok = id.is_none_or(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    if kind_ok && id_ok {
        Ok(())
    } else {
        Err(ServiceError::invalid(format!(
            "entity {entity:?}: a kind like `organizer`, or one thing like `organizer:12`"
        )))
    }
}

impl AdminService {
    /// Where `.eml` files are written when no SMTP is configured, so the mail list can name
    /// them. Unset: mails are listed without files.
    pub fn with_eml_dir(mut self, dir: impl Into<std::path::PathBuf>) -> AdminService {
        self.eml_dir = Some(dir.into());
        self
    }

    pub async fn list_audit(
        &self,
        caller: &Caller,
        query: &AuditQuery,
        page: Page,
    ) -> ServiceResult<Paged<AuditEntry>> {
        let organization_id = scope(caller, query.organization_id)?;
        if let Some(entity) = &query.entity {
            check_entity(entity)?;
        }
        let filter = AuditFilter {
            organization_id,
            action: query.action.clone(),
            actor: query.actor.clone(),
            entity: query.entity.clone(),
            since: query.since,
        };
        Ok(self.store.list_audit(&filter, page).await?)
    }

    pub async fn list_mail(
        &self,
        caller: &Caller,
        query: &MailQuery,
        page: Page,
    ) -> ServiceResult<Paged<MailSummary>> {
        let organization_id = scope(caller, query.organization_id)?;
        let filter = MailFilter {
            organization_id,
            status: query.status,
        };
        let mails = self.store.list_mail(&filter, page).await?;
        let mut items = Vec::with_capacity(mails.items.len());
        for mail in mails.items {
            let eml_file = self.eml_file(mail.id).await;
            items.push(summary(mail, eml_file));
        }
        Ok(Paged {
            items,
            total: mails.total,
        })
    }

    async fn eml_file(&self, id: MailId) -> Option<String> {
        let path = eml_path(self.eml_dir.as_deref()?, id);
        let exists = tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_file());
        exists.then(|| format!("{}.eml", id.0))
    }

    /// An account's API tokens (platform admins).
    pub async fn list_api_tokens(
        &self,
        caller: &Caller,
        account_id: AdminAccountId,
    ) -> ServiceResult<Vec<ApiToken>> {
        caller.must_be_platform_admin()?;
        self.store.admin_account(account_id).await?;
        Ok(self.store.list_api_tokens(account_id).await?)
    }
}

fn summary(mail: Mail, eml_file: Option<String>) -> MailSummary {
    MailSummary {
        id: mail.id,
        organization_id: mail.organization_id,
        recipient: mail.recipient,
        subject: mail.subject,
        status: mail.status,
        attempts: mail.attempts,
        next_attempt_at: mail.next_attempt_at,
        last_error: mail.last_error,
        created_at: mail.created_at,
        sent_at: mail.sent_at,
        eml_file,
    }
}
