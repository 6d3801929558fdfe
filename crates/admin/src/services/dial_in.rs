//! The changes that mail the organizer: enable and disable dial-in, reset the conference ID,
//! reset the PIN, change the provider. Each is one transaction ending in `finish_change`.

use super::change::{Before, DialInOutcome};
use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::one_time_pin::OneTimePin;
use super::organizers::for_write;
use super::{AdminService, Caller};
use crate::rules::conference_id::{self, ConferenceId, ConferenceIdLength};
use crate::rules::pin::ChoosePinError;
use crate::rules::provider::AcpDetails;
use dialbridge_store::{
    DialInNumberFilter, NumberKind, Organization, Organizer, OrganizerId, Page, Provider, StoreTx,
};
use std::collections::BTreeSet;

/// How a PIN is reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinChoice {
    /// A random PIN of the organization's length.
    Random,
    /// One the admin chose; refused when trivial or too short (`rules::pin::check_chosen`).
    Chosen(String),
}

/// Which provider an organizer uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderChoice {
    Dialbridge,
    ThirdParty(AcpDetails),
}

/// Whole operations retried when another transaction took the conference ID we drew
/// between our check and our insert (possible on PostgreSQL; SQLite serializes writers).
/// The failed write poisons its transaction, so the retry starts a new one.
const ID_RACE_ATTEMPTS: u32 = 3;

macro_rules! retry_on_id_race {
    ($op:expr) => {{
        let mut attempt = 1;
        loop {
            match $op.await {
                Err(e) if e.is_conference_id_taken() && attempt < ID_RACE_ATTEMPTS => attempt += 1,
                other => break other,
            }
        }
    }};
}

fn needs_dialbridge(organizer: &Organizer) -> ServiceResult<()> {
    match organizer.provider {
        Provider::Dialbridge => Ok(()),
        Provider::Acp(_) => Err(ServiceError::invalid(
            "the organizer uses a third-party provider: their conference ID and passcode are the provider's; change the provider details instead",
        )),
    }
}

impl AdminService {
    /// Turns dial-in on. On dialbridge this needs a licence, and draws a conference ID, a PIN
    /// and a default toll number when the organizer has none (a re-enabled organizer keeps
    /// theirs). The new PIN is in the outcome, once.
    pub async fn enable_dial_in(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<DialInOutcome> {
        retry_on_id_race!(self.enable_once(caller, id))
    }

    async fn enable_once(&self, caller: &Caller, id: OrganizerId) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        let before = self.before_change(&mut tx, organizer).await?;
        let mut new_pin = None;
        if before.organizer.provider == Provider::Dialbridge {
            new_pin = self.make_dialbridge_ready(&mut tx, caller, &before).await?;
        }
        let mut profile = tx.organizer(id).await?.profile;
        profile.dial_in_enabled = true;
        tx.update_organizer(caller.actor(), id, &profile).await?;
        self.finish_change(tx, before, new_pin).await
    }

    /// Turns dial-in off. The conference ID and PIN are kept (and stop resolving), so
    /// turning it back on brings them back unchanged.
    pub async fn disable_dial_in(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        let before = self.before_change(&mut tx, organizer).await?;
        let mut profile = before.organizer.profile.clone();
        profile.dial_in_enabled = false;
        tx.update_organizer(caller.actor(), id, &profile).await?;
        self.finish_change(tx, before, None).await
    }

    /// A new random conference ID; the old one stops resolving when this commits.
    pub async fn reset_conference_id(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<DialInOutcome> {
        retry_on_id_race!(self.reset_id_once(caller, id))
    }

    async fn reset_id_once(
        &self,
        caller: &Caller,
        id: OrganizerId,
    ) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        needs_dialbridge(&organizer)?;
        let before = self.before_change(&mut tx, organizer).await?;
        let code = self
            .free_conference_id(&mut tx, convert::id_length(&before.org.settings)?)
            .await?;
        tx.set_conference_id(caller.actor(), id.into(), code.as_str())
            .await?;
        self.finish_change(tx, before, None).await
    }

    /// A new PIN, random or chosen; clears any lockout. The PIN is in the outcome, once.
    pub async fn reset_pin(
        &self,
        caller: &Caller,
        id: OrganizerId,
        choice: PinChoice,
    ) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        needs_dialbridge(&organizer)?;
        let before = self.before_change(&mut tx, organizer).await?;
        let conference_id = before.dial_in.conference_id.clone();
        let pin = self.new_pin(&before.org, conference_id.as_ref(), &choice)?;
        tx.set_pin_hash(caller.actor(), id, Some(pin.1.as_str()))
            .await?;
        self.finish_change(tx, before, Some(pin.0)).await
    }

    /// Changes the provider. To a third-party ACP: our conference ID, PIN and default
    /// numbers go (the ID stops resolving at once). To dialbridge with dial-in on: needs a
    /// licence, and draws an ID, a PIN and a toll number as enabling does.
    pub async fn set_provider(
        &self,
        caller: &Caller,
        id: OrganizerId,
        choice: ProviderChoice,
    ) -> ServiceResult<DialInOutcome> {
        retry_on_id_race!(self.set_provider_once(caller, id, &choice))
    }

    async fn set_provider_once(
        &self,
        caller: &Caller,
        id: OrganizerId,
        choice: &ProviderChoice,
    ) -> ServiceResult<DialInOutcome> {
        let mut tx = self.store.begin().await?;
        let organizer = for_write(&mut tx, caller, id).await?;
        let before = self.before_change(&mut tx, organizer).await?;
        let mut new_pin = None;
        match choice {
            ProviderChoice::ThirdParty(details) => {
                // The ACP's own conference ID (from an import) stays while the ACP does.
                let kept_id = match &before.organizer.provider {
                    Provider::Acp(old) if old.provider_name == details.provider_name() => {
                        old.conference_id.clone()
                    }
                    _ => None,
                };
                let provider = Provider::Acp(convert::acp_settings(details, kept_id));
                tx.set_provider(caller.actor(), id, &provider).await?;
                let mut profile = tx.organizer(id).await?.profile;
                profile.default_toll_number = None;
                profile.default_toll_free_number = None;
                profile.default_international_number = None;
                tx.update_organizer(caller.actor(), id, &profile).await?;
            }
            ProviderChoice::Dialbridge => {
                tx.set_provider(caller.actor(), id, &Provider::Dialbridge)
                    .await?;
                if before.organizer.profile.dial_in_enabled {
                    new_pin = self.make_dialbridge_ready(&mut tx, caller, &before).await?;
                }
            }
        }
        self.finish_change(tx, before, new_pin).await
    }

    /// Licence check, then whatever of conference ID, PIN and default toll number is missing.
    async fn make_dialbridge_ready(
        &self,
        tx: &mut StoreTx,
        caller: &Caller,
        before: &Before,
    ) -> ServiceResult<Option<OneTimePin>> {
        let organizer = &before.organizer;
        if !organizer.licensed {
            return Err(ServiceError::NotLicensed);
        }
        let settings = &before.org.settings;
        let conference_id = match &organizer.conference_id {
            Some(code) => convert::conference_id(code)?,
            None => {
                let code = self
                    .free_conference_id(tx, convert::id_length(settings)?)
                    .await?;
                tx.set_conference_id(caller.actor(), organizer.id.into(), code.as_str())
                    .await?;
                code
            }
        };
        let mut new_pin = None;
        if !organizer.has_pin {
            let (clear, hash) =
                self.new_pin(&before.org, Some(&conference_id), &PinChoice::Random)?;
            tx.set_pin_hash(caller.actor(), organizer.id, Some(hash.as_str()))
                .await?;
            new_pin = Some(clear);
        }
        if organizer.profile.default_toll_number.is_none() {
            let toll = pick_default_toll(tx, &before.org, organizer).await?;
            let mut profile = tx.organizer(organizer.id).await?.profile;
            profile.default_toll_number = Some(toll);
            tx.update_organizer(caller.actor(), organizer.id, &profile)
                .await?;
        }
        Ok(new_pin)
    }

    /// A random ID no organizer or meeting holds, checked inside `tx` so the insert that
    /// follows is very likely to succeed (see `retry_on_id_race!` for when it is not).
    pub(crate) async fn free_conference_id(
        &self,
        tx: &mut StoreTx,
        length: ConferenceIdLength,
    ) -> ServiceResult<ConferenceId> {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for _ in 0..conference_id::MAX_ATTEMPTS {
            let candidate = {
                let mut rng = self.rng();
                conference_id::generate(&mut *rng, length, |c| taken.contains(c))
            }
            .map_err(|e| ServiceError::IdSpaceExhausted(e.to_string()))?;
            if tx
                .resolve_conference_id(candidate.as_str())
                .await?
                .is_none()
            {
                return Ok(candidate);
            }
            taken.insert(candidate.into());
        }
        Err(ServiceError::IdSpaceExhausted(format!(
            "no free {}-digit conference ID found in {} random draws: the ID space is nearly full; increase the organization's conference ID length",
            length.get(),
            conference_id::MAX_ATTEMPTS
        )))
    }

    /// A PIN for the organization's policy: (clear, for the outcome; PHC hash, for the store).
    fn new_pin(
        &self,
        org: &Organization,
        conference_id: Option<&ConferenceId>,
        choice: &PinChoice,
    ) -> ServiceResult<(OneTimePin, String)> {
        let length = convert::pin_length(&org.settings)?;
        let mut rng = self.rng();
        let pin = match choice {
            PinChoice::Random => self
                .hasher
                .generate(&mut *rng, length, conference_id)
                .map_err(ServiceError::internal)?,
            PinChoice::Chosen(pin) => self
                .hasher
                .choose(&mut *rng, pin.trim(), length, conference_id)
                .map_err(|e| match e {
                    ChoosePinError::Rejected(why) => ServiceError::invalid(why.to_string()),
                    ChoosePinError::Hash(e) => ServiceError::internal(e),
                })?,
        };
        Ok((
            OneTimePin::new(pin.reveal()),
            pin.hash().as_phc_str().to_owned(),
        ))
    }
}

/// The toll number enabling gives an organizer without one: dedicated to their organization
/// and in their country first, then any in their country, then dedicated, then shared.
async fn pick_default_toll(
    tx: &mut StoreTx,
    org: &Organization,
    organizer: &Organizer,
) -> ServiceResult<dialbridge_store::DialInNumberId> {
    let filter = DialInNumberFilter {
        visible_to: Some(org.id),
        kind: Some(NumberKind::Toll),
        country: None,
    };
    let numbers = tx
        .list_dial_in_numbers(&filter, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let rank = |n: &dialbridge_store::DialInNumber| {
        let same_country = n.fields.country == organizer.profile.country;
        let dedicated = n.fields.organization_id == Some(org.id);
        match (same_country, dedicated) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        }
    };
    numbers
        .iter()
        .min_by_key(|n| (rank(n), n.id))
        .map(|n| n.id)
        .ok_or_else(|| {
            ServiceError::invalid(
                "there is no toll dial-in number this organization can use yet; add one first",
            )
        })
}
