//! The import's second half: write a checked plan in one transaction.

use super::error::ApplyError;
use super::plan::{ImportPlan, PlannedChange};
use dialbridge_store::{Actor, OrganizationId, Organizer, Provider, Store, StoreError, StoreTx};
use serde::Serialize;

/// What an import wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub organization_id: OrganizationId,
    /// The organizers as they are now, in file order. The caller queues their "provider
    /// changed" mails (the mail service decides whether the organization sends them).
    pub changed: Vec<Organizer>,
    pub unchanged: usize,
    pub left_blank: usize,
}

/// Writes every change of `plan` in one transaction: all of them or, if any fails, none.
/// Each organizer moved to the ACP loses their dialbridge conference ID and PIN in the same
/// transaction (the store's `set_provider` does that). Refuses with [`ApplyError::Stale`],
/// writing nothing, if an organizer changed after the plan was made, so the admin confirms
/// what really happens.
///
/// Whether `actor` may change `plan.organization_id()` is the caller's check.
pub async fn apply_import(
    store: &Store,
    actor: &Actor,
    plan: &ImportPlan,
) -> Result<ImportReport, ApplyError> {
    let mut report = ImportReport {
        organization_id: plan.organization_id(),
        changed: Vec::with_capacity(plan.changes().len()),
        unchanged: plan.unchanged(),
        left_blank: plan.left_blank(),
    };
    if plan.changes().is_empty() {
        return Ok(report);
    }
    let mut tx = store.begin().await?;
    match write_all(&mut tx, actor, plan).await {
        Ok(changed) => {
            tx.commit().await?;
            report.changed = changed;
            Ok(report)
        }
        Err(e) => {
            // The import's error is the one to report; a failing rollback also ends the
            // transaction (the connection drops it), so nothing is written either way.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

async fn write_all(
    tx: &mut StoreTx,
    actor: &Actor,
    plan: &ImportPlan,
) -> Result<Vec<Organizer>, ApplyError> {
    let mut changed = Vec::with_capacity(plan.changes().len());
    for change in plan.changes() {
        check_current(tx, plan.organization_id(), change).await?;
        let after = tx
            .set_provider(
                actor,
                change.organizer_id,
                &Provider::Acp(change.after.clone()),
            )
            .await?;
        changed.push(after);
    }
    Ok(changed)
}

/// The organizer, read inside the transaction, is still as planned: same organization,
/// provider and last change.
async fn check_current(
    tx: &mut StoreTx,
    organization_id: OrganizationId,
    change: &PlannedChange,
) -> Result<(), ApplyError> {
    let stale = || ApplyError::Stale {
        organizer_id: change.organizer_id,
        line: change.line,
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
    Ok(())
}
