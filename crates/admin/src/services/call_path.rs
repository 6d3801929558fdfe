//! What the call path needs when a caller keys in a conference ID. No caller: the system
//! asks, on behalf of someone on the phone.

use super::error::{ServiceError, ServiceResult};
use super::settings;
use super::AdminService;
use crate::rules::meeting_expiry::dynamic_id_expired;
use crate::rules::pin::PinHash;
use crate::rules::pin_lockout::PinLockoutPolicy;
use dialbridge_store::{
    Announcements, DialOutPolicy, MeetingId, OrganizationId, OrganizationSettings, OrganizerId,
    Provider,
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
        let pin = self.store.organizer_pin(target.organizer_id).await?;
        let hash = pin
            .pin_hash
            .as_deref()
            .map(PinHash::from_phc)
            .transpose()
            .map_err(|e| ServiceError::internal(format!("organizer {}: {e}", organizer.id)))?;
        let policy = lockout_policy_for(&org.settings);
        Ok(Some(CallTarget {
            organization_id: org.id,
            organizer_id: organizer.id,
            meeting_id: target.meeting_id,
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
        }))
    }
}
