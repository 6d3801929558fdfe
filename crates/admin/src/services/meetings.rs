//! Scheduled meetings, each with its own random conference ID (the seed's private meetings
//! with dynamic conference IDs), for dialbridge organizers with dial-in on.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::organizers::for_write;
use super::{AdminService, Caller};
use dialbridge_store::{
    Meeting, MeetingFields, MeetingId, NewMeeting, OrganizerId, Page, Paged, Provider, StoreTx,
};

fn check_times(fields: &MeetingFields) -> ServiceResult<()> {
    if fields.ends_at <= fields.starts_at {
        return Err(ServiceError::invalid("a meeting ends after it starts"));
    }
    Ok(())
}

/// A meeting inside `tx` that `caller` may change.
async fn meeting_for_write(
    tx: &mut StoreTx,
    caller: &Caller,
    id: MeetingId,
) -> ServiceResult<Meeting> {
    caller.may_write_something()?;
    let meeting = tx
        .meeting(id)
        .await
        .map_err(|e| caller.hide_missing(e.into()))?;
    caller.may_write(meeting.organization_id)?;
    Ok(meeting)
}

impl AdminService {
    pub async fn create_meeting(
        &self,
        caller: &Caller,
        organizer_id: OrganizerId,
        fields: &MeetingFields,
    ) -> ServiceResult<Meeting> {
        check_times(fields)?;
        let mut attempt = 1;
        loop {
            match self.create_meeting_once(caller, organizer_id, fields).await {
                // Another transaction took the drawn ID first: draw again in a new one.
                Err(e) if e.is_conference_id_taken() && attempt < 3 => attempt += 1,
                other => return other,
            }
        }
    }

    async fn create_meeting_once(
        &self,
        caller: &Caller,
        organizer_id: OrganizerId,
        fields: &MeetingFields,
    ) -> ServiceResult<Meeting> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, organizer_id).await?;
        if organizer.provider != Provider::Dialbridge || !organizer.profile.dial_in_enabled {
            return Err(ServiceError::invalid(
                "meetings with their own conference ID are for organizers using dialbridge with dial-in on",
            ));
        }
        let org = tx.organization(organizer.organization_id).await?;
        let code = self
            .free_conference_id(&mut tx, convert::id_length(&org.settings)?)
            .await?;
        let new = NewMeeting {
            organizer_id,
            fields: fields.clone(),
            conference_id: code.into(),
        };
        let meeting = tx.create_meeting(caller.actor(), &new).await?;
        tx.commit().await?;
        Ok(meeting)
    }

    pub async fn meeting(&self, caller: &Caller, id: MeetingId) -> ServiceResult<Meeting> {
        let meeting = self
            .store
            .meeting(id)
            .await
            .map_err(|e| caller.hide_missing(e.into()))?;
        caller.may_read(meeting.organization_id)?;
        Ok(meeting)
    }

    pub async fn list_meetings(
        &self,
        caller: &Caller,
        organizer_id: OrganizerId,
        page: Page,
    ) -> ServiceResult<Paged<Meeting>> {
        self.organizer(caller, organizer_id).await?;
        Ok(self.store.list_meetings(organizer_id, page).await?)
    }

    /// Changes subject or times; the conference ID stays.
    pub async fn update_meeting(
        &self,
        caller: &Caller,
        id: MeetingId,
        fields: &MeetingFields,
    ) -> ServiceResult<Meeting> {
        check_times(fields)?;
        let mut tx = self.store.begin().await?;
        meeting_for_write(&mut tx, caller, id).await?;
        let after = tx.update_meeting(caller.actor(), id, fields).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Cancels a meeting; its conference ID stops resolving.
    pub async fn delete_meeting(&self, caller: &Caller, id: MeetingId) -> ServiceResult<()> {
        let mut tx = self.store.begin().await?;
        meeting_for_write(&mut tx, caller, id).await?;
        tx.delete_meeting(caller.actor(), id).await?;
        tx.commit().await?;
        Ok(())
    }
}
