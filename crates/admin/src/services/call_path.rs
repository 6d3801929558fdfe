//! What the call path needs when a caller keys in a conference ID. No caller: the system
//! asks, on behalf of someone on the phone.

use super::error::{ServiceError, ServiceResult};
use super::settings;
use super::AdminService;
use crate::rules::meeting_expiry::dynamic_id_expired;
use crate::rules::pin::PinHash;
use crate::rules::pin_lockout::PinLockoutPolicy;
use dialbridge_store::{
    Announcements, DialOutPolicy, MeetingId, Organization, OrganizationId, OrganizationSettings,
    Organizer, OrganizerId, Provider, Store,
};

/// Where a dialed conference ID leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTarget {
    pub organization_id: OrganizationId,
    pub organizer_id: OrganizerId,
    /// Set when the ID is a scheduled meeting's own.
    pub meeting_id: Option<MeetingId>,
    pub organizer_name: String,
    /// Callers may start the meeting without the organizer's PIN.
    pub anonymous_start: bool,
    pub pin: PinEntryState,
    pub announcements: Announcements,
    pub record_names: bool,
    pub mask_phone_numbers: bool,
    pub dial_out_policy: DialOutPolicy,
    /// The organization's dial-pad key map: keys (`*6`) to command names (`mute`).
    pub dial_pad_keys: std::collections::BTreeMap<String, String>,
    /// Whom the meeting may call out to, and how.
    pub dial_out: DialOutSettings,
}

/// What the binary needs to check and place a meeting's dial-outs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialOutSettings {
    /// The organizer's country (ISO 3166 alpha-2, upper case): what "domestic" means.
    pub organizer_country: String,
    pub policy: dialbridge_store::DialOutPolicy,
    /// The organization's allowed destination countries; empty allows all.
    pub allowed_countries: Vec<String>,
    pub max_per_meeting: u32,
    pub max_per_organization: u32,
    /// Dialed people hear "press 1 to join" before they join.
    pub join_confirmation: bool,
    /// E.164 of the organizer's default toll number (else toll-free), for caller ID.
    pub organizer_default_number: Option<String>,
    /// The organization's operator number for `*0`, E.164.
    pub operator_number: Option<String>,
}

/// The organizer's PIN and its lockout, for the IVR's PIN prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinEntryState {
    /// `None`: no PIN set, so nobody can start the meeting as organizer by phone.
    pub hash: Option<PinHash>,
    /// Wrong PINs in a row so far.
    pub failures: i32,
    /// Until when (Unix seconds) no PIN is accepted.
    pub locked_until: Option<i64>,
    /// The organization's policy (what [`AdminService::verify_pin`] applies).
    pub policy: PinLockoutPolicy,
}

impl PinEntryState {
    /// Whether PIN entry is locked at `now`.
    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

/// The organization's lockout policy. One whose stored lockout is outside the rules' bounds
/// still gets a working call path: the table row for its PIN length.
pub(crate) fn lockout_policy_for(settings: &OrganizationSettings) -> PinLockoutPolicy {
    settings::lockout_policy(settings).unwrap_or_else(|_| {
        super::convert::pin_length(settings)
            .map(PinLockoutPolicy::for_pin_length)
            .unwrap_or_default()
    })
}

impl AdminService {
    /// The organizer (and meeting) behind a dialed conference ID, or `None` when the ID is
    /// unknown, was reset, is a meeting's that expired (`rules::meeting_expiry`), or its
    /// organizer has dial-in off or uses a third-party provider. The time is the store's.
    pub async fn resolve(&self, conference_id: &str) -> ServiceResult<Option<CallTarget>> {
        self.resolve_at(conference_id, self.store.now()).await
    }

    /// [`resolve`](Self::resolve) at `now` (Unix seconds).
    pub async fn resolve_at(
        &self,
        conference_id: &str,
        now: i64,
    ) -> ServiceResult<Option<CallTarget>> {
        let code = conference_id.trim();
        if code.is_empty() || code.len() > 15 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let Some(target) = self.store.resolve_conference_id(code).await? else {
            return Ok(None);
        };
        if let Some(meeting_id) = target.meeting_id {
            let meeting = self.store.meeting(meeting_id).await?;
            if dynamic_id_expired(meeting.fields.ends_at, now) {
                return Ok(None);
            }
        }
        let organizer = self.store.organizer(target.organizer_id).await?;
        if !organizer.profile.dial_in_enabled || organizer.provider != Provider::Dialbridge {
            return Ok(None);
        }
        let org = self.store.organization(target.organization_id).await?;
        call_target(&self.store, organizer, org, target.meeting_id)
            .await
            .map(Some)
    }

    /// The organizer's static meeting as [`resolve_at`](Self::resolve_at) builds it (no
    /// `meeting_id`), for a dial-out into it. No caller: the system asks. Refused
    /// ([`ServiceError::Conflict`] `dial_in_off`) when the organizer has dial-in off or uses
    /// a third-party provider, since then there is no dialbridge meeting to join.
    pub async fn organizer_call_target(&self, organizer: OrganizerId) -> ServiceResult<CallTarget> {
        let organizer = self.store.organizer(organizer).await?;
        if organizer.provider != Provider::Dialbridge {
            return Err(ServiceError::conflict(
                "dial_in_off",
                "the organizer uses a third-party audio conferencing provider, so has no dialbridge meeting",
            ));
        }
        if !organizer.profile.dial_in_enabled {
            return Err(ServiceError::conflict(
                "dial_in_off",
                "the organizer has dial-in turned off, so has no meeting to call into",
            ));
        }
        let org = self.store.organization(organizer.organization_id).await?;
        call_target(&self.store, organizer, org, None).await
    }
}

/// The call path's view of an organizer's meeting.
async fn call_target(
    store: &Store,
    organizer: Organizer,
    org: Organization,
    meeting_id: Option<MeetingId>,
) -> ServiceResult<CallTarget> {
    let pin = store.organizer_pin(organizer.id).await?;
    let hash = pin
        .pin_hash
        .as_deref()
        .map(PinHash::from_phc)
        .transpose()
        .map_err(|e| ServiceError::internal(format!("organizer {}: {e}", organizer.id)))?;
    let policy = lockout_policy_for(&org.settings);
    let dial_out = dial_out_settings(store, &organizer, &org.settings).await?;
    Ok(CallTarget {
        organization_id: org.id,
        organizer_id: organizer.id,
        meeting_id,
        organizer_name: organizer.profile.name,
        anonymous_start: organizer.profile.anonymous_start,
        pin: PinEntryState {
            hash,
            failures: pin.failures,
            locked_until: pin.locked_until,
            policy,
        },
        announcements: org.settings.announcements,
        record_names: org.settings.record_names,
        mask_phone_numbers: org.settings.mask_phone_numbers,
        dial_out_policy: organizer.profile.dial_out_policy,
        dial_pad_keys: org.settings.dial_pad_keys.clone(),
        dial_out,
    })
}

async fn dial_out_settings(
    store: &Store,
    organizer: &Organizer,
    settings: &OrganizationSettings,
) -> ServiceResult<DialOutSettings> {
    let default_number = organizer
        .profile
        .default_toll_number
        .or(organizer.profile.default_toll_free_number);
    let organizer_default_number = match default_number {
        Some(id) => Some(store.dial_in_number(id).await?.fields.e164),
        None => None,
    };
    // The columns are CHECKed >= 0; a negative one would be a corrupt row, read as "none".
    let cap = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(DialOutSettings {
        organizer_country: organizer.profile.country.to_ascii_uppercase(),
        policy: organizer.profile.dial_out_policy,
        allowed_countries: settings.dial_out_countries.clone(),
        max_per_meeting: cap(settings.dial_out_max_per_meeting),
        max_per_organization: cap(settings.dial_out_max_per_organization),
        join_confirmation: settings.dial_out_join_confirmation,
        organizer_default_number,
        operator_number: settings.operator_number.clone(),
    })
}
