#![allow(clippy::unwrap_used)]

use super::*;
use DialOutPolicy::{Domestic, International, None as NoDialOut};

fn c(code: &str) -> Country {
    code.parse().unwrap()
}

const ROOMY: DialOutLoad = DialOutLoad {
    meeting_active: 0,
    meeting_cap: 5,
    organization_active: 0,
    organization_cap: 20,
};

/// A US organizer whose organization allows the US, GB and FR but not DE or JM.
fn us_request<'a>(
    policy: DialOutPolicy,
    allowed: &'a [Country],
    dialed: &'a str,
) -> DialOutRequest<'a> {
    DialOutRequest {
        policy,
        organizer_country: c("US"),
        allowed_countries: allowed,
        dialed,
        national_context: Some(c("US")),
        load: ROOMY,
    }
}

/// What the test expects of one policy.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    Ok(&'static str, NumberType),
    No(RefusalReason),
}
use Want::{No, Ok as Yes};

fn intl_refused(dest: &str) -> Want {
    No(RefusalReason::InternationalNotAllowed {
        destination: c(dest),
        organizer_country: c("US"),
    })
}

fn not_allowed(dest: &str) -> Want {
    No(RefusalReason::CountryNotAllowed {
        destination: c(dest),
    })
}

fn outcome(
    result: Result<Approved, Refusal>,
) -> (Option<(String, NumberType)>, Option<RefusalReason>) {
    match result {
        Ok(a) => (Some((a.e164, a.number_type)), None),
        Err(r) => (None, Some(r.reason)),
    }
}

/// Example numbers from libphonenumber's metadata (PhoneNumberMetadata.xml) for each
/// type, with the expected result under Domestic and International (None always refuses).
fn matrix() -> Vec<(&'static str, &'static str, Want, Want)> {
    use NumberType::*;
    use RefusalReason as R;
    vec![
        // Domestic (US organizer calling the US).
        (
            "US fixed/mobile",
            "+1 201-555-0123",
            Yes("+12015550123", FixedLineOrMobile),
            Yes("+12015550123", FixedLineOrMobile),
        ),
        (
            "US toll-free",
            "+1 800 234 5678",
            Yes("+18002345678", TollFree),
            Yes("+18002345678", TollFree),
        ),
        (
            "US premium 1-900",
            "1-900-234-5678",
            No(R::PremiumRate),
            No(R::PremiumRate),
        ),
        (
            "US personal 500",
            "+1 500 234 5678",
            No(R::PersonalNumber),
            No(R::PersonalNumber),
        ),
        // International, allowed by the organization.
        (
            "GB fixed",
            "+44 121 234 5678",
            intl_refused("GB"),
            Yes("+441212345678", FixedLine),
        ),
        (
            "GB mobile",
            "+44 7400 123456",
            intl_refused("GB"),
            Yes("+447400123456", Mobile),
        ),
        (
            "GB VoIP 056",
            "+44 56 1234 5678",
            intl_refused("GB"),
            Yes("+445612345678", Voip),
        ),
        (
            "GB toll-free",
            "+44 800 123 4567",
            intl_refused("GB"),
            No(R::TollFreeAbroad {
                destination: c("GB"),
                organizer_country: c("US"),
            }),
        ),
        (
            "GB premium 09",
            "+44 901 234 5678",
            No(R::PremiumRate),
            No(R::PremiumRate),
        ),
        (
            "GB personal 070",
            "+44 70 1234 5678",
            No(R::PersonalNumber),
            No(R::PersonalNumber),
        ),
        (
            "GB UAN 055",
            "+44 55 1234 5678",
            No(R::UniversalAccess),
            No(R::UniversalAccess),
        ),
        ("GB pager", "+44 7640 123456", No(R::Pager), No(R::Pager)),
        (
            "FR fixed",
            "+33 1 23 45 67 89",
            intl_refused("FR"),
            Yes("+33123456789", FixedLine),
        ),
        (
            "FR mobile",
            "+33 6 12 34 56 78",
            intl_refused("FR"),
            Yes("+33612345678", Mobile),
        ),
        (
            "FR premium 089x",
            "+33 8 91 12 34 56",
            No(R::PremiumRate),
            No(R::PremiumRate),
        ),
        (
            "FR shared cost",
            "+33 8 84 01 23 45",
            No(R::SharedCost),
            No(R::SharedCost),
        ),
        (
            "FR UAN 0806",
            "+33 8 06 12 34 56",
            No(R::UniversalAccess),
            No(R::UniversalAccess),
        ),
        (
            "FR toll-free",
            "+33 8 01 23 45 67",
            intl_refused("FR"),
            No(R::TollFreeAbroad {
                destination: c("FR"),
                organizer_country: c("US"),
            }),
        ),
        // International, not allowed by the organization.
        (
            "DE fixed",
            "+49 30 123456",
            intl_refused("DE"),
            not_allowed("DE"),
        ),
        (
            "DE mobile",
            "+49 1512 3456789",
            intl_refused("DE"),
            not_allowed("DE"),
        ),
        (
            "DE toll-free",
            "+49 800 1234567890",
            intl_refused("DE"),
            not_allowed("DE"),
        ),
        (
            "DE premium 0900",
            "+49 900 1234567",
            No(R::PremiumRate),
            No(R::PremiumRate),
        ),
        (
            "DE shared cost 0180",
            "+49 180 12345",
            No(R::SharedCost),
            No(R::SharedCost),
        ),
        (
            "DE voicemail",
            "+49 177 991234567",
            No(R::Voicemail),
            No(R::Voicemail),
        ),
        // Same +1 country code, different country: Jamaica is abroad.
        (
            "JM fixed (NANP)",
            "1 876 523 0123",
            intl_refused("JM"),
            not_allowed("JM"),
        ),
    ]
}

#[test]
fn every_policy_country_and_number_type_combination() {
    let allowed = [c("US"), c("GB"), c("FR")];
    for (label, dialed, domestic, international) in matrix() {
        let none = check(&us_request(NoDialOut, &allowed, dialed));
        assert_eq!(
            none.unwrap_err().reason,
            RefusalReason::DialOutDisabled,
            "{label} with policy none"
        );
        for (policy, want) in [(Domestic, &domestic), (International, &international)] {
            let got = outcome(check(&us_request(policy, &allowed, dialed)));
            let expected = match want {
                Yes(e164, kind) => (Some(((*e164).to_owned(), *kind)), None),
                No(reason) => (None, Some(reason.clone())),
            };
            assert_eq!(got, expected, "{label} ({dialed}) with policy {policy:?}");
        }
    }
}

#[test]
fn an_empty_allow_list_allows_every_country_for_international() {
    let approved = check(&us_request(International, &[], "+49 30 123456")).unwrap();
    assert_eq!(approved.country, c("DE"));
    assert_eq!(approved.number_type, NumberType::FixedLine);
    // ...but premium rate stays refused.
    let refused = check(&us_request(International, &[], "+49 900 1234567")).unwrap_err();
    assert_eq!(refused.reason, RefusalReason::PremiumRate);
    assert_eq!(refused.e164.as_deref(), Some("+499001234567"));
}

#[test]
fn the_allow_list_also_binds_domestic_calls() {
    let refused = check(&us_request(Domestic, &[c("GB")], "+1 201 555 0123")).unwrap_err();
    assert_eq!(
        refused.reason,
        RefusalReason::CountryNotAllowed {
            destination: c("US")
        }
    );
}

#[test]
fn keypad_digits_with_an_idd_prefix_reach_abroad() {
    let allowed = [c("GB")];
    let from_us = check(&us_request(International, &allowed, "011441212345678")).unwrap();
    assert_eq!(from_us.e164, "+441212345678");
    let mut from_fr = us_request(International, &[], "0044 121 234 5678");
    from_fr.national_context = Some(c("FR"));
    assert_eq!(check(&from_fr).unwrap().e164, "+441212345678");
}

#[test]
fn national_numbers_are_read_in_the_context_country() {
    let request = DialOutRequest {
        policy: Domestic,
        organizer_country: c("GB"),
        allowed_countries: &[],
        dialed: "0121 234 5678",
        national_context: Some(c("GB")),
        load: ROOMY,
    };
    let approved = check(&request).unwrap();
    assert_eq!(approved.e164, "+441212345678");
    assert_eq!(approved.country, c("GB"));
    // A GB organizer's toll-free call at home is fine.
    let toll_free = DialOutRequest {
        dialed: "0800 123 4567",
        ..request
    };
    assert_eq!(check(&toll_free).unwrap().number_type, NumberType::TollFree);
    // Dialing out of GB with 00 is international.
    let abroad = DialOutRequest {
        dialed: "00 1 201 555 0123",
        ..request
    };
    assert_eq!(
        check(&abroad).unwrap_err().reason,
        RefusalReason::InternationalNotAllowed {
            destination: c("US"),
            organizer_country: c("GB")
        }
    );
}

#[test]
fn a_national_number_without_context_needs_a_country_code() {
    let mut request = us_request(International, &[], "201 555 0123");
    request.national_context = None;
    assert_eq!(
        check(&request).unwrap_err().reason,
        RefusalReason::NeedsCountryCode
    );
}

#[test]
fn malformed_and_service_numbers_are_refused_without_a_number() {
    let cases = [
        ("", RefusalReason::Empty),
        ("   ", RefusalReason::Empty),
        ("call me maybe", RefusalReason::NotANumber),
        ("*2#", RefusalReason::NotANumber),
        ("+44 20 7946 0000;x=1", RefusalReason::HasExtension),
        ("+1 201 555 0123 ext 5", RefusalReason::HasExtension),
        ("+", RefusalReason::NotANumber),
        (
            "1234567890123456789012345678901234567890123",
            RefusalReason::TooLong,
        ),
    ];
    for (dialed, reason) in cases {
        let refused = check(&us_request(International, &[], dialed)).unwrap_err();
        assert_eq!(refused.reason, reason, "{dialed:?}");
        assert_eq!(refused.e164, None, "{dialed:?}");
    }
}

#[test]
fn emergency_and_short_numbers_are_never_dialed() {
    for dialed in ["911", "112", "999", "+1 911", "611"] {
        let result = check(&us_request(International, &[], dialed));
        assert!(result.is_err(), "{dialed} must be refused, got {result:?}");
    }
}

#[test]
fn unknown_and_invalid_numbers_are_refused() {
    let not_in_plan = check(&us_request(International, &[], "+1 999 234 5678")).unwrap_err();
    assert_eq!(not_in_plan.reason, RefusalReason::NotInNumberingPlan);
    let bad_code = check(&us_request(International, &[], "+999 1234 5678")).unwrap_err();
    assert_eq!(bad_code.reason, RefusalReason::InvalidCountryCode);
}

#[test]
fn non_geographic_numbers_are_refused() {
    // +881 is a satellite network (Iridium's range is +881 6/7), a favourite of fraudsters.
    let refused = check(&us_request(International, &[], "+881 6 12345678")).unwrap_err();
    assert!(
        matches!(
            refused.reason,
            RefusalReason::NoCountry | RefusalReason::NotInNumberingPlan
        ),
        "{refused:?}"
    );
    let freephone = check(&us_request(International, &[], "+800 1234 5678")).unwrap_err();
    assert_eq!(freephone.reason, RefusalReason::NoCountry);
}

#[test]
fn concurrency_caps_refuse_at_the_limit() {
    let allowed = [];
    let mut request = us_request(International, &allowed, "+1 201 555 0123");
    request.load.meeting_active = 4;
    assert!(check(&request).is_ok());
    request.load.meeting_active = 5;
    assert_eq!(
        check(&request).unwrap_err().reason,
        RefusalReason::MeetingLimitReached { limit: 5 }
    );
    request.load.meeting_active = 0;
    request.load.organization_active = 20;
    assert_eq!(
        check(&request).unwrap_err().reason,
        RefusalReason::OrganizationLimitReached { limit: 20 }
    );
    request.load.organization_active = 0;
    request.load.meeting_cap = 0;
    assert_eq!(
        check(&request).unwrap_err().reason,
        RefusalReason::MeetingLimitReached { limit: 0 }
    );
}

#[test]
fn refusals_read_well_in_the_admin_log() {
    let refused = check(&us_request(Domestic, &[], "+44 121 234 5678")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "dial-out to +441212345678 refused: the number is in GB, but the organizer may only call numbers in US"
    );
    let json = serde_json_like(&refused.reason);
    assert!(json.contains("international_not_allowed"), "{json}");
    assert_eq!(
        check(&us_request(NoDialOut, &[], "x"))
            .unwrap_err()
            .to_string(),
        "dial-out refused: the organizer may not dial out (their dial-out policy is \"none\")"
    );
}

/// The reason serializes with a `reason` tag (checked through TOML, the dev-dependency we
/// already have).
fn serde_json_like(reason: &RefusalReason) -> String {
    #[derive(Serialize)]
    struct Wrapper<'a> {
        r: &'a RefusalReason,
    }
    toml::to_string(&Wrapper { r: reason }).unwrap()
}

#[test]
fn countries_are_checked_and_case_insensitive() {
    assert_eq!(c("gb"), c("GB"));
    assert!("XX".parse::<Country>().is_err());
    assert!("GBR".parse::<Country>().is_err());
    assert!("".parse::<Country>().is_err());
}
