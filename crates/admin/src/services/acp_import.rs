//! The ACP file round trip as admins run it (REST API, CLI): `acp_csv` reads and checks the
//! file; here the caller is checked and every planned change is applied like a provider
//! change made by hand (dialbridge default numbers dropped, the "provider changed" mail
//! queued, audit rows naming the caller), all in one transaction.

use super::change::Before;
use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use crate::acp_csv::{self, ImportSummary, PlanError, PlannedChange};
use dialbridge_store::{
    MailId, OrganizationId, Organizer, OrganizerFilter, Provider, StoreError, StoreTx,
};
use serde::Serialize;

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct AcpImportOutcome {
    pub dry_run: bool,
    pub summary: ImportSummary,
    /// The organizers as they are now, in file order (empty on a dry run).
    pub changed: Vec<Organizer>,
    /// Mails queued for the changed organizers (none when the organization sends none).
    pub mails: Vec<MailId>,
}

impl AdminService {
    /// The organization's organizers as the ACP's CSV file (`docs/acp-csv.md`); only those
    /// with dial-in on unless `all`.
    pub async fn export_acp(
        &self,
        caller: &Caller,
        organization_id: OrganizationId,
        all: bool,
    ) -> ServiceResult<Vec<u8>> {
        self.organization(caller, organization_id).await?;
        let filter = OrganizerFilter {
            dial_in_enabled: if all { None } else { Some(true) },
            ..OrganizerFilter::default()
        };
        acp_csv::export_organizers(&self.store, organization_id, &filter)
            .await
            .map_err(ServiceError::internal)
    }

    /// Checks the ACP's file (every row; [`ServiceError::InvalidFile`] lists each problem by
    /// line) and, unless `dry_run`, applies it: all rows or none.
    pub async fn import_acp(
        &self,
        caller: &Caller,
        organization_id: OrganizationId,
        file: &[u8],
        dry_run: bool,
    ) -> ServiceResult<AcpImportOutcome> {
        caller.may_write(organization_id)?;
        self.organization(caller, organization_id).await?;
        let plan = match acp_csv::plan_import(&self.store, organization_id, file).await {
            Ok(plan) => plan,
            Err(PlanError::Rejected(errors)) => return Err(ServiceError::InvalidFile(errors)),
            Err(PlanError::Store(e)) => return Err(e.into()),
        };
        let mut outcome = AcpImportOutcome {
            dry_run,
            summary: plan.summary(),
            changed: Vec::new(),
            mails: Vec::new(),
        };
        if dry_run || plan.changes().is_empty() {
            return Ok(outcome);
        }
        let mut tx = self.store.begin().await?;
        for change in plan.changes() {
            let (organizer, mails) = self
                .apply_planned(&mut tx, caller, organization_id, change)
                .await?;
            outcome.changed.push(organizer);
            outcome.mails.extend(mails);
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn apply_planned(
        &self,
        tx: &mut StoreTx,
        caller: &Caller,
        organization_id: OrganizationId,
        change: &PlannedChange,
    ) -> ServiceResult<(Organizer, Vec<MailId>)> {
        let stale = || {
            ServiceError::conflict(
                "import_stale",
                format!(
                    "organizer {} (line {}) changed after the file was checked; nothing was imported, check the file again",
                    change.organizer_id, change.line
                ),
            )
        };
        let current = match tx.organizer(change.organizer_id).await {
            Ok(o) => o,
            Err(StoreError::NotFound { .. }) => return Err(stale()),
            Err(e) => return Err(e.into()),
        };
        if current.organization_id != organization_id
            || current.provider != change.before
            || current.updated_at != change.updated_at
        {
            return Err(stale());
        }
        let before: Before = self.before_change(tx, current).await?;
        let id = change.organizer_id;
        tx.set_provider(caller.actor(), id, &Provider::Acp(change.after.clone()))
            .await?;
        let mut profile = tx.organizer(id).await?.profile;
        profile.default_toll_number = None;
        profile.default_toll_free_number = None;
        profile.default_international_number = None;
        if profile != before.organizer.profile {
            tx.update_organizer(caller.actor(), id, &profile).await?;
        }
        let (organizer, _, mails) = self.record_change(tx, &before, None).await?;
        Ok((organizer, mails))
    }
}
