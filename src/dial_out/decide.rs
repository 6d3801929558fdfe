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
        .and_then(|value| {
            value
                .get("reason")
                .and_then(|r| r.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "refused".to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use dialbridge_admin::services::{DialOutSettings, PinEntryState};
    use dialbridge_dialout::RefusalReason as R;
    use dialbridge_store::{Announcements, OrganizationId, OrganizerId};

    fn target(settings: DialOutSettings) -> CallTarget {
        CallTarget {
            organization_id: OrganizationId(1),
            organizer_id: OrganizerId(1),
            meeting_id: None,
            organizer_name: "Org".to_owned(),
            anonymous_start: false,
            pin: PinEntryState {
                hash: None,
                failures: 0,
                locked_until: None,
                policy: Default::default(),
            },
            announcements: Announcements::Tones,
            record_names: false,
            mask_phone_numbers: true,
            dial_out_policy: settings.policy,
            dial_pad_keys: Default::default(),
            dial_out: settings,
        }
    }

    fn settings() -> DialOutSettings {
        DialOutSettings {
            organizer_country: "US".to_owned(),
            policy: dialbridge_store::DialOutPolicy::Domestic,
            allowed_countries: Vec::new(),
            max_per_meeting: 2,
            max_per_organization: 3,
            join_confirmation: true,
            organizer_default_number: None,
            operator_number: None,
        }
    }

    fn reason(result: Result<Approved, Refusal>) -> Option<R> {
        result.err().map(|refusal| refusal.reason)
    }

    #[test]
    fn a_national_number_is_read_in_the_organizers_country() {
        let load = DialOutLoadBoard::default();
        let approved = decide(&target(settings()), "organizer-1", "201 555 0123", &load).unwrap();
        assert_eq!(approved.e164, "+12015550123");
    }

    #[test]
    fn the_caps_count_live_calls_of_the_meeting_and_the_organization() {
        let load = DialOutLoadBoard::default();
        let target = target(settings());
        load.started("organizer-1", OrganizationId(1));
        assert!(decide(&target, "organizer-1", "+12015550123", &load).is_ok());
        load.started("organizer-1", OrganizationId(1));
        assert_eq!(
            reason(decide(&target, "organizer-1", "+12015550123", &load)),
            Some(R::MeetingLimitReached { limit: 2 })
        );
        // Another meeting of the same organization: its own count is 0, the organization's 2.
        assert!(decide(&target, "organizer-2", "+12015550123", &load).is_ok());
        load.started("organizer-2", OrganizationId(1));
        assert_eq!(
            reason(decide(&target, "organizer-3", "+12015550123", &load)),
            Some(R::OrganizationLimitReached { limit: 3 })
        );
        load.finished("organizer-1", OrganizationId(1));
        assert!(decide(&target, "organizer-3", "+12015550123", &load).is_ok());
    }

    #[test]
    fn settings_the_numbering_plan_cannot_read_refuse_rather_than_allow() {
        let load = DialOutLoadBoard::default();
        let unknown_home = DialOutSettings {
            organizer_country: "XX".to_owned(),
            ..settings()
        };
        assert_eq!(
            reason(decide(&target(unknown_home), "k", "+12015550123", &load)),
            Some(R::DialOutDisabled)
        );
        // An allow-list of only unknown codes must not turn into "every country".
        let unknown_list = DialOutSettings {
            policy: dialbridge_store::DialOutPolicy::International,
            allowed_countries: vec!["XX".to_owned()],
            ..settings()
        };
        assert_eq!(
            reason(decide(&target(unknown_list), "k", "+441212345678", &load)),
            Some(R::DialOutDisabled)
        );
        let listed = DialOutSettings {
            policy: dialbridge_store::DialOutPolicy::International,
            allowed_countries: vec!["GB".to_owned(), "XX".to_owned()],
            ..settings()
        };
        assert!(decide(&target(listed), "k", "+441212345678", &load).is_ok());
    }

    #[test]
    fn the_reason_tag_is_the_policys_machine_name() {
        let load = DialOutLoadBoard::default();
        let refusal = decide(&target(settings()), "k", "+441212345678", &load).unwrap_err();
        assert_eq!(reason_tag(&refusal), "international_not_allowed");
    }
}
