//! The toll-fraud gate: may this organizer, in this meeting, call this number now?
//!
//! Every dial-out (admin API, CLI, "call me", the organizer's `*2` keypad command) passes
//! [`check`] before an INVITE is built, and every refusal is logged with its
//! [`RefusalReason`]. The rules, in the order they are applied:
//!
//! 1. The organizer's [`DialOutPolicy`] must not be `None`.
//! 2. The dialed text must be a number libphonenumber can read (keypad digits with an IDD
//!    prefix, `+` and the country code, or a national number read in `national_context`).
//! 3. Its type must be one dial-out calls (see [`NumberType`]; premium rate, shared cost,
//!    personal, UAN, voicemail, pager, short codes and unknown types are refused). The
//!    type is checked before the country so the log names the fraud signal.
//! 4. It must belong to a country (non-geographic +800/+881… codes are refused).
//! 5. `Domestic` allows only the organizer's country. Countries sharing a country code are
//!    distinct: a US organizer's domestic calls exclude Canada and Jamaica (+1 876).
//! 6. A non-empty organization allow-list must contain the destination, whatever the
//!    policy; an empty one allows every country.
//! 7. Toll-free numbers are called only in the organizer's country.
//! 8. The meeting and the organization must be under their concurrent dial-out caps.
//!
//! The decision depends only on the request, so there is no time argument: caps take the
//! live counts the caller passes in.

mod number;
mod refusal;

#[cfg(test)]
mod tests;

pub use number::NumberType;
pub use refusal::{Refusal, RefusalReason};

use crate::Country;
use serde::{Deserialize, Serialize};

/// What an organizer may dial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialOutPolicy {
    /// No dial-out at all: the safe default.
    #[default]
    None,
    /// Only numbers in the organizer's country.
    Domestic,
    /// The organizer's country and abroad (limited by the organization's allow-list).
    International,
}

/// Live dial-out counts and their caps. A count at or above its cap refuses the call, so a
/// cap of 0 disables dial-out for that scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialOutLoad {
    pub meeting_active: u32,
    pub meeting_cap: u32,
    pub organization_active: u32,
    pub organization_cap: u32,
}

/// Everything the decision needs.
#[derive(Debug, Clone, Copy)]
pub struct DialOutRequest<'a> {
    /// The organizer's policy.
    pub policy: DialOutPolicy,
    /// The organizer's country: what `Domestic` means.
    pub organizer_country: Country,
    /// The organization's allowed destination countries; empty allows all.
    pub allowed_countries: &'a [Country],
    /// As typed on a phone keypad (`011 44 20 7946 0000` from the US, `0044…` from Europe,
    /// or a national number) or given to the API (`+44 20 7946 0000`).
    pub dialed: &'a str,
    /// How to read a number without a country code and which IDD prefix applies: usually
    /// the organizer's country for the API, the dialed-in number's country on the phone.
    /// `None` requires a leading `+`.
    pub national_context: Option<Country>,
    pub load: DialOutLoad,
}

/// A number dial-out may call now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approved {
    /// `+442079460000`.
    pub e164: String,
    pub country: Country,
    pub number_type: NumberType,
}

/// Applies the rules in the module documentation, in that order; the first that fails is
/// the refusal's reason.
pub fn check(request: &DialOutRequest<'_>) -> Result<Approved, Refusal> {
    if request.policy == DialOutPolicy::None {
        return Err(Refusal::unparsed(RefusalReason::DialOutDisabled));
    }
    let parsed =
        number::parse(request.dialed, request.national_context).map_err(Refusal::unparsed)?;
    let refuse = |reason| Refusal {
        reason,
        e164: Some(parsed.e164.clone()),
    };
    let number_type = number::classify(parsed.kind).map_err(refuse)?;
    let destination = parsed
        .country
        .ok_or_else(|| refuse(RefusalReason::NoCountry))?;
    let organizer_country = request.organizer_country;
    let domestic = destination == organizer_country;
    if request.policy == DialOutPolicy::Domestic && !domestic {
        return Err(refuse(RefusalReason::InternationalNotAllowed {
            destination,
            organizer_country,
        }));
    }
    if !request.allowed_countries.is_empty() && !request.allowed_countries.contains(&destination) {
        return Err(refuse(RefusalReason::CountryNotAllowed { destination }));
    }
    if number_type == NumberType::TollFree && !domestic {
        return Err(refuse(RefusalReason::TollFreeAbroad {
            destination,
            organizer_country,
        }));
    }
    let load = request.load;
    if load.meeting_active >= load.meeting_cap {
        return Err(refuse(RefusalReason::MeetingLimitReached {
            limit: load.meeting_cap,
        }));
    }
    if load.organization_active >= load.organization_cap {
        return Err(refuse(RefusalReason::OrganizationLimitReached {
            limit: load.organization_cap,
        }));
    }
    Ok(Approved {
        e164: parsed.e164,
        country: destination,
        number_type,
    })
}
