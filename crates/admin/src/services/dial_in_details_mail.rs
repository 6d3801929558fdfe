//! "Send the dial-in details by mail": an admin queues, on demand, the mail an organizer gets
//! when dial-in is set up for them (provider, conference ID, numbers, the invitation text;
//! never a PIN, which only exists as a hash), for an organizer who lost it.
//!
//! Sent whatever the organization's "mail organizers when their details change" setting
//! says: that setting is about automatic mails, and this one an admin asked for.

use super::error::{ServiceError, ServiceResult};
use super::invitations::{self, DefaultRows};
use super::mail_compose::{compose, MailContext};
use super::{AdminService, Caller};
use crate::rules::invitation;
use crate::rules::notification::NotificationKind;
use dialbridge_store::{MailId, OrganizerId, Provider};

/// The subject of the on-demand mail (its body is the "dial-in is set up" mail's).
pub const DIAL_IN_DETAILS_SUBJECT: &str = "Your dial-in conferencing details";

impl AdminService {
    /// Queues a mail with the organizer's dial-in details to their address. Refused while
    /// dial-in is off for them, or while they have nothing to dial (no toll number).
    pub async fn send_dial_in_details(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<MailId> {
        let organizer = self.organizer(caller, id).await?;
        caller.may_write(organizer.organization_id)?;
        if !organizer.profile.dial_in_enabled {
            return Err(ServiceError::invalid(
                "dial-in is off for this organizer: enable it first (enabling sends the details)",
            ));
        }
        let mut tx = self.store.begin().await?;
        // Read again in the transaction the mail is queued in, so the mail matches the row.
        let organizer = tx.organizer(id).await?;
        let org = tx.organization(organizer.organization_id).await?;
        let rows: DefaultRows = invitations::default_rows(&mut tx, &organizer).await?;
        let input = invitations::input(&self.config, &org, &organizer, &rows)?;
        if input.is_none() && organizer.provider == Provider::Dialbridge {
            return Err(ServiceError::invalid(
                "the organizer has no dial-in details yet: set a default toll number first",
            ));
        }
        let rendered = input.as_ref().map(invitation::render);
        let ctx = MailContext {
            org: &org,
            organizer: &organizer,
            rows: &rows,
            new_pin: None,
            invitation: rendered.as_ref(),
        };
        let mut mail = compose(NotificationKind::DialInEnabled, &ctx)?;
        mail.subject = DIAL_IN_DETAILS_SUBJECT.to_owned();
        let queued = tx.enqueue_mail(&mail).await?;
        tx.commit().await?;
        Ok(queued)
    }
}
