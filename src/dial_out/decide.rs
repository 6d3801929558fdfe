//! One decision for every way of dialing out: the organizer's settings from the meeting's
//! [`CallTarget`] turned into the policy's request.

use dialbridge_admin::services::CallTarget;
use dialbridge_dialout::{check, Approved, Country, DialOutLoad, DialOutPolicy, DialOutRequest};
use dialbridge_dialout::{Refusal, RefusalReason};

use super::load::DialOutLoadBoard;

/// May `target`'s meeting (`meeting_key`) call `dialed` now? A number typed without a
/// country code is read in the organizer's country, on the phone and in the API alike.
pub fn decide(
    target: &CallTarget,
    meeting_key: &str,
    dialed: &str,
    load: &DialOutLoadBoard,
) -> Result<Approved, Refusal> {
    let settings = &target.dial_out;
    let policy = match settings.policy {
        dialbridge_store::DialOutPolicy::None => DialOutPolicy::None,
        dialbridge_store::DialOutPolicy::Domestic => DialOutPolicy::Domestic,
        dialbridge_store::DialOutPolicy::International => DialOutPolicy::International,
    };
    // An organizer whose stored country the numbering plan does not know cannot have a
    // "domestic": refuse rather than guess.
    let organizer_country: Country = settings
        .organizer_country
        .parse()
        .map_err(|_| refused(RefusalReason::DialOutDisabled))?;
    // A stored country the numbering plan does not know cannot match any number: it is
    // dropped, and if nothing is left the list would allow everything, so refuse.
    let allowed: Vec<Country> = settings
        .allowed_countries
        .iter()
        .filter_map(|code| code.parse().ok())
        .collect();
    if allowed.is_empty() && !settings.allowed_countries.is_empty() {
        return Err(refused(RefusalReason::DialOutDisabled));
    }
    let counts = load.counts(meeting_key, target.organization_id);
    check(&DialOutRequest {
        policy,
        organizer_country,
        allowed_countries: &allowed,
        dialed,
        national_context: Some(organizer_country),
        load: DialOutLoad {
            meeting_active: counts.meeting,
            meeting_cap: settings.max_per_meeting,
            organization_active: counts.organization,
            organization_cap: settings.max_per_organization,
        },
    })
}

fn refused(reason: RefusalReason) -> Refusal {
    Refusal { reason, e164: None }
}

/// The machine tag of a refusal (`international_not_allowed`), as the API and log show it.
pub fn reason_tag(refusal: &Refusal) -> String {
    serde_json::to_value(&refusal.reason)
        .ok()
        .and_then(|value| value.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "refused".to_owned())
}
