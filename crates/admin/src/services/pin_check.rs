//! The call path's PIN check: the rules' lockout (`rules::pin_lockout`) kept on the organizer
//! row and applied with a compare-and-swap, so concurrent attempts (two calls, or two nodes on
//! one PostgreSQL) are each counted exactly once.
//!
//! ```text
//!  read PIN state (hash, lockout, version) ── locked? ──► Locked (no hash computed)
//!        │
//!        ▼ argon2 verify on the blocking pool (tens of ms of CPU: kept off the async runtime)
//!  apply success / failure to the lockout ──► UPDATE ... WHERE version = read version
//!        ▲                                          │ another attempt or an admin came first
//!        └──────────── read again, recompute ◄──────┘ (verification reused if the hash is same)
//! ```

use super::call_path::lockout_policy_for;
use super::error::{ServiceError, ServiceResult};
use super::AdminService;
use crate::rules::pin::PinHash;
use crate::rules::pin_lockout::{PinLockout, PinLockoutPolicy};
use dialbridge_store::{OrganizerId, PinLockoutWrite, PinState, Provider};

/// What a PIN entry comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    /// The right PIN; the failure record is wiped.
    Ok,
    /// A wrong PIN, counted. `remaining`: wrong PINs still allowed before PIN entry locks
    /// (the IVR may say it, or not).
    Wrong { remaining: u32 },
    /// PIN entry is locked until `until` (Unix seconds), by this attempt or an earlier one;
    /// the entered PIN was not checked.
    Locked { until: i64 },
    /// The organizer has no dialbridge PIN (none set, or a third-party provider): nobody can
    /// start their meetings as organizer by phone. Nothing is counted.
    NoPin,
}

/// Rounds of read, compute, compare-and-swap before giving up. Each lost round means another
/// attempt was written, so this bounds the wait behind a burst of simultaneous attempts on
/// one organizer, far more than calls can make at once.
const MAX_ROUNDS: u32 = 200;

impl AdminService {
    /// Checks a PIN entered for `organizer_id` at `now` (Unix seconds) and records the
    /// outcome in the organizer's lockout. The dial-in flow calls this; no caller, no audit.
    pub async fn verify_pin(
        &self,
        organizer_id: OrganizerId,
        entered: &str,
        now: i64,
    ) -> ServiceResult<PinCheck> {
        let organizer = self.store.organizer(organizer_id).await?;
        if organizer.provider != Provider::Dialbridge {
            return Ok(PinCheck::NoPin);
        }
        let org = self.store.organization(organizer.organization_id).await?;
        let policy = lockout_policy_for(&org.settings);
        // The verdict for the hash it was computed against; reused across lost rounds unless
        // an admin reset the PIN in between.
        let mut verdict: Option<(String, bool)> = None;
        for _ in 0..MAX_ROUNDS {
            let state = self.store.organizer_pin(organizer_id).await?;
            let mut lockout = parse_lockout(organizer_id, &state)?;
            if let Some(until) = lockout.is_locked(now) {
                return Ok(PinCheck::Locked { until });
            }
            let Some(phc) = state.pin_hash.clone() else {
                return Ok(PinCheck::NoPin);
            };
            let right = match &verdict {
                Some((hashed, right)) if *hashed == phc => *right,
                _ => {
                    let right = self.verify_off_runtime(organizer_id, entered, &phc).await?;
                    verdict = Some((phc, right));
                    right
                }
            };
            let check = if right {
                if lockout == PinLockout::default() {
                    // Nothing to wipe: no write, so good PINs cost no database write.
                    return Ok(PinCheck::Ok);
                }
                lockout.record_success(now);
                PinCheck::Ok
            } else {
                match lockout.record_failure(&policy, now) {
                    Some(until) => PinCheck::Locked { until },
                    None => PinCheck::Wrong {
                        remaining: policy
                            .max_failures()
                            .saturating_sub(lockout.failures_in_window(&policy, now)),
                    },
                }
            };
            let write = lockout_write(&lockout, &policy, now)?;
            if self
                .store
                .save_pin_lockout(organizer_id, state.version, &write)
                .await?
            {
                return Ok(check);
            }
        }
        Err(ServiceError::internal(format!(
            "organizer {organizer_id}: PIN state kept changing for {MAX_ROUNDS} rounds"
        )))
    }

    async fn verify_off_runtime(
        &self,
        organizer_id: OrganizerId,
        entered: &str,
        phc: &str,
    ) -> ServiceResult<bool> {
        let hash = PinHash::from_phc(phc)
            .map_err(|e| ServiceError::internal(format!("organizer {organizer_id}: {e}")))?;
        let hasher = self.hasher.clone();
        let entered = zeroize::Zeroizing::new(entered.to_owned());
        tokio::task::spawn_blocking(move || hasher.verify(&entered, &hash))
            .await
            .map_err(|e| ServiceError::internal(format!("PIN verification task: {e}")))
    }
}

fn parse_lockout(organizer_id: OrganizerId, state: &PinState) -> ServiceResult<PinLockout> {
    match &state.lockout {
        None => Ok(PinLockout::default()),
        Some(json) => serde_json::from_str(json).map_err(|e| {
            ServiceError::internal(format!(
                "organizer {organizer_id}: stored PIN lockout record: {e}"
            ))
        }),
    }
}

fn lockout_write(
    lockout: &PinLockout,
    policy: &PinLockoutPolicy,
    now: i64,
) -> ServiceResult<PinLockoutWrite> {
    let record = if *lockout == PinLockout::default() {
        None
    } else {
        Some(
            serde_json::to_string(lockout)
                .map_err(|e| ServiceError::internal(format!("PIN lockout record: {e}")))?,
        )
    };
    Ok(PinLockoutWrite {
        lockout: record,
        failures: i32::try_from(lockout.failures_in_window(policy, now)).unwrap_or(i32::MAX),
        locked_until: lockout.is_locked(now),
    })
}
