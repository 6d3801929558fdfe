//! The end of every dial-in change: compare the organizer's dial-in settings before and
//! after, check the result is consistent, queue the mails the rules call for (unless the
//! organization turned mail off), and commit, all in the change's transaction.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::invitations::{self, DefaultRows};
use super::mail_compose::{self, MailContext};
use super::one_time_pin::OneTimePin;
use super::AdminService;
use crate::rules::notification::{notifications, NotificationKind};
use crate::rules::organizer::{OrganizerDialIn, OrganizerError};
use crate::rules::provider::{Provider as RuleProvider, ProviderError};
use dialbridge_store::{MailId, Organization, Organizer, Provider, StoreTx};

/// What a dial-in change did: the organizer after it, the new PIN (shown once: whether or
/// not a mail carried it), and the mails it queued.
#[derive(Debug)]
pub struct DialInOutcome {
    pub organizer: Organizer,
    /// Set when this change made a new PIN. Show it to the admin once; it is stored only
    /// as a hash.
    pub new_pin: Option<OneTimePin>,
    /// The mails the change called for (queued only when the organization sends emails).
    pub notifications: Vec<NotificationKind>,
    /// The queued mails.
    pub mails: Vec<MailId>,
}

/// The store keeps no "PIN set at" time; within one change we only need to know whether the
/// PIN was replaced, so an existing PIN is "set at 0" and a new one "set now" (never 0).
pub(crate) fn pin_set_at(organizer: &Organizer, replaced_at: Option<i64>) -> Option<i64> {
    match replaced_at {
        Some(now) if organizer.has_pin => Some(now.max(1)),
        _ => organizer.has_pin.then_some(0),
    }
}

/// The organizer's dial-in settings as the rules see them.
pub(crate) fn snapshot(
    organizer: &Organizer,
    rows: &DefaultRows,
    pin_set_at: Option<i64>,
) -> ServiceResult<OrganizerDialIn> {
    let provider = match &organizer.provider {
        Provider::Dialbridge => RuleProvider::Dialbridge,
        Provider::Acp(acp) => RuleProvider::ThirdParty(convert::acp_details(acp)?),
    };
    let checked = |n: &Option<dialbridge_store::DialInNumber>| {
        n.as_ref().map(convert::checked_number).transpose()
    };
    Ok(OrganizerDialIn {
        dial_in_enabled: organizer.profile.dial_in_enabled,
        licensed: organizer.licensed,
        provider,
        conference_id: organizer
            .conference_id
            .as_deref()
            .map(convert::conference_id)
            .transpose()?,
        pin_set_at,
        default_toll_number: checked(&rows.toll)?,
        default_toll_free_number: checked(&rows.toll_free)?,
        default_international_number: checked(&rows.international)?,
    })
}

fn consistency_error(err: OrganizerError) -> ServiceError {
    match err {
        OrganizerError::Provider(ProviderError::NotLicensed) => ServiceError::NotLicensed,
        OrganizerError::MissingTollNumber => ServiceError::invalid(
            "an organizer with dial-in on needs a default toll number for invitations",
        ),
        other => ServiceError::invalid(other.to_string()),
    }
}

/// The state before a change, taken inside its transaction.
pub(crate) struct Before {
    pub org: Organization,
    pub organizer: Organizer,
    pub dial_in: OrganizerDialIn,
}

impl AdminService {
    pub(crate) async fn before_change(
        &self,
        tx: &mut StoreTx,
        organizer: Organizer,
    ) -> ServiceResult<Before> {
        let org = tx.organization(organizer.organization_id).await?;
        let rows = invitations::default_rows(tx, &organizer).await?;
        let dial_in = snapshot(&organizer, &rows, pin_set_at(&organizer, None))?;
        Ok(Before {
            org,
            organizer,
            dial_in,
        })
    }

    /// Checks the organizer after the change, queues its mails and commits.
    pub(crate) async fn finish_change(
        &self,
        mut tx: StoreTx,
        before: Before,
        new_pin: Option<OneTimePin>,
    ) -> ServiceResult<DialInOutcome> {
        let (organizer, notifications, mails) = self
            .record_change(&mut tx, &before, new_pin.as_ref())
            .await?;
        tx.commit().await?;
        Ok(DialInOutcome {
            organizer,
            new_pin,
            notifications,
            mails,
        })
    }

    /// Checks the organizer after the change and queues its mails, in `tx` (which the caller
    /// commits, with other changes if it makes several).
    pub(crate) async fn record_change(
        &self,
        tx: &mut StoreTx,
        before: &Before,
        new_pin: Option<&OneTimePin>,
    ) -> ServiceResult<(Organizer, Vec<NotificationKind>, Vec<MailId>)> {
        let organizer = tx.organizer(before.organizer.id).await?;
        let rows = invitations::default_rows(tx, &organizer).await?;
        let replaced_at = new_pin.map(|_| tx.now());
        let after = snapshot(&organizer, &rows, pin_set_at(&organizer, replaced_at))?;
        after.check().map_err(consistency_error)?;
        let kinds = notifications(&before.dial_in, &after);
        let mut mails = Vec::new();
        if before.org.settings.send_emails && !kinds.is_empty() {
            let invitation = invitations::input(&self.config, &before.org, &organizer, &rows)?
                .map(|input| crate::rules::invitation::render(&input));
            let ctx = MailContext {
                org: &before.org,
                organizer: &organizer,
                rows: &rows,
                new_pin: new_pin.map(OneTimePin::reveal),
                invitation: invitation.as_ref(),
            };
            for kind in &kinds {
                let mail = mail_compose::compose(*kind, &ctx)?;
                mails.push(tx.enqueue_mail(&mail).await?);
            }
        }
        Ok((organizer, kinds, mails))
    }
}
