//! Meeting invitations for an organizer: the dial-in section in text, HTML and iCalendar,
//! from their numbers and conference ID (or their ACP's details) and the organization's
//! customization.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller, ServiceConfig};
use crate::rules::invitation::{self, DialIn, InvitationInput, MeetingEvent};
use crate::rules::web_url::WebUrl;
use dialbridge_store::{
    DialInNumber, DialInNumberId, MeetingId, Organization, Organizer, OrganizerId, Provider, Store,
    StoreTx,
};

/// A rendered invitation section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizerInvitation {
    pub text: String,
    pub html: String,
    /// A whole `VCALENDAR` (RFC 5545), for a scheduled meeting.
    pub icalendar: Option<String>,
}

/// A reservationless meeting an organizer schedules in their own calendar (it uses their
/// static conference ID, so dialbridge keeps no row for it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CalendarEvent {
    /// Stable across updates of the same event; the calendar client's own UID if it has one.
    pub uid: String,
    pub subject: String,
    /// Unix seconds, UTC.
    pub starts_at: i64,
    pub ends_at: i64,
}

/// An organizer's default numbers, as stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct DefaultRows {
    pub toll: Option<DialInNumber>,
    pub toll_free: Option<DialInNumber>,
    pub international: Option<DialInNumber>,
}

// Reads exist on both `Store` and `StoreTx` with the same names but no common trait; one
// macro body serves both.
macro_rules! fetch_rows {
    ($handle:expr, $organizer:expr) => {{
        let p = &$organizer.profile;
        let mut rows = DefaultRows::default();
        let wanted: [(Option<DialInNumberId>, &mut Option<DialInNumber>); 3] = [
            (p.default_toll_number, &mut rows.toll),
            (p.default_toll_free_number, &mut rows.toll_free),
            (p.default_international_number, &mut rows.international),
        ];
        for (id, slot) in wanted {
            if let Some(id) = id {
                *slot = Some($handle.dial_in_number(id).await?);
            }
        }
        rows
    }};
}

pub(crate) async fn default_rows(
    tx: &mut StoreTx,
    organizer: &Organizer,
) -> ServiceResult<DefaultRows> {
    Ok(fetch_rows!(tx, organizer))
}

async fn default_rows_now(store: &Store, organizer: &Organizer) -> ServiceResult<DefaultRows> {
    Ok(fetch_rows!(store, organizer))
}

/// The organization's public dial-in numbers page: the invitation's "find a local number".
pub(crate) fn public_numbers_url(
    config: &ServiceConfig,
    org: &Organization,
) -> ServiceResult<WebUrl> {
    let base = config.public_base_url.as_str().trim_end_matches('/');
    WebUrl::parse(&format!("{base}/organizations/{}/dial-in-numbers", org.id))
        .map_err(ServiceError::internal)
}

/// What the invitation is made from; `None` while a dialbridge organizer lacks a
/// conference ID or a toll number (nothing to dial yet).
pub(crate) fn input(
    config: &ServiceConfig,
    org: &Organization,
    organizer: &Organizer,
    rows: &DefaultRows,
) -> ServiceResult<Option<InvitationInput>> {
    input_with_id(
        config,
        org,
        organizer,
        rows,
        organizer.conference_id.as_deref(),
    )
}

fn input_with_id(
    config: &ServiceConfig,
    org: &Organization,
    organizer: &Organizer,
    rows: &DefaultRows,
    conference_id: Option<&str>,
) -> ServiceResult<Option<InvitationInput>> {
    let customization = convert::customization(&org.settings.invitation)?;
    let dial_in = match &organizer.provider {
        Provider::Acp(acp) => DialIn::ThirdParty(convert::acp_details(acp)?),
        Provider::Dialbridge => {
            let (Some(toll), Some(code)) = (&rows.toll, conference_id) else {
                return Ok(None);
            };
            DialIn::Dialbridge {
                toll: convert::listed(toll)?,
                toll_free: rows.toll_free.as_ref().map(convert::listed).transpose()?,
                international: rows
                    .international
                    .as_ref()
                    .map(convert::listed)
                    .transpose()?,
                conference_id: convert::conference_id(code)?,
                find_local_number_url: public_numbers_url(config, org)?,
                pin_help_url: customization.help_url.clone(),
            }
        }
    };
    Ok(Some(InvitationInput {
        organizer_name: organizer.profile.name.clone(),
        dial_in,
        customization,
    }))
}

fn nothing_to_dial() -> ServiceError {
    ServiceError::invalid(
        "the organizer has no dial-in details yet: enable dial-in (or set a default toll number) first",
    )
}

impl AdminService {
    /// The dial-in section for the organizer's reservationless meetings (their static
    /// conference ID), or their ACP's details.
    pub async fn organizer_invitation(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<OrganizerInvitation> {
        let organizer = self.organizer(caller, id).await?;
        let org = self.store.organization(organizer.organization_id).await?;
        let rows = default_rows_now(&self.store, &organizer).await?;
        let input = input(&self.config, &org, &organizer, &rows)?.ok_or_else(nothing_to_dial)?;
        let rendered = invitation::render(&input);
        Ok(OrganizerInvitation {
            text: rendered.text,
            html: rendered.html,
            icalendar: None,
        })
    }

    /// The organizer's invitation with an iCalendar file for `event`.
    pub async fn organizer_calendar_invitation(
        &self,
        caller: &Caller,
        id: OrganizerId,
        event: &CalendarEvent,
    ) -> ServiceResult<OrganizerInvitation> {
        let mut invitation = self.organizer_invitation(caller, id).await?;
        let organizer = self.store.organizer(id).await?;
        let org = self.store.organization(organizer.organization_id).await?;
        let rows = default_rows_now(&self.store, &organizer).await?;
        let input = input(&self.config, &org, &organizer, &rows)?.ok_or_else(nothing_to_dial)?;
        let event = MeetingEvent {
            uid: event.uid.clone(),
            summary: event.subject.clone(),
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            stamped_at: self.store.now(),
        };
        invitation.icalendar = Some(
            invitation::vcalendar(&input, &event)
                .map_err(|e| ServiceError::invalid(e.to_string()))?,
        );
        Ok(invitation)
    }

    /// The invitation for a scheduled meeting: its own conference ID, plus an iCalendar file.
    pub async fn meeting_invitation(
        &self,
        caller: &Caller,
        id: MeetingId,
    ) -> ServiceResult<OrganizerInvitation> {
        let meeting = self.meeting(caller, id).await?;
        let organizer = self.store.organizer(meeting.organizer_id).await?;
        let org = self.store.organization(organizer.organization_id).await?;
        let rows = default_rows_now(&self.store, &organizer).await?;
        // An ACP organizer's meetings use the ACP's passcode; ours use the meeting's ID.
        let input = input_with_id(
            &self.config,
            &org,
            &organizer,
            &rows,
            meeting.conference_id.as_deref(),
        )?
        .ok_or_else(nothing_to_dial)?;
        let event = MeetingEvent {
            uid: format!("meeting-{}@{}", meeting.id, self.config.calendar_host),
            summary: meeting.fields.subject.clone(),
            starts_at: meeting.fields.starts_at,
            ends_at: meeting.fields.ends_at,
            stamped_at: self.store.now(),
        };
        let rendered = invitation::render(&input);
        let icalendar = invitation::vcalendar(&input, &event)
            .map_err(|e| ServiceError::invalid(e.to_string()))?;
        Ok(OrganizerInvitation {
            text: rendered.text,
            html: rendered.html,
            icalendar: Some(icalendar),
        })
    }
}
