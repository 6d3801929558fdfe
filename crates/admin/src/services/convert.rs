//! Between the store's rows (plain strings and ids) and the rules' checked values.
//!
//! What the store hands back was checked on the way in, so a value the rules refuse here is
//! a row written around the services (a hand edit, an older version): reported as an error
//! naming the row, never a panic.

use super::error::{ServiceError, ServiceResult};
use crate::rules::conference_id::{ConferenceId, ConferenceIdLength};
use crate::rules::dial_in_number::{self as rule_number, DialInNumber as CheckedNumber};
use crate::rules::invitation::{Customization, ListedNumber};
use crate::rules::pin::PinLength;
use crate::rules::provider::AcpDetails;
use crate::rules::web_url::WebUrl;
use dialbridge_store::{
    AcpSettings, DialInNumber, InvitationCustomization, NumberKind, OrganizationSettings,
};

pub(crate) fn conference_id(code: &str) -> ServiceResult<ConferenceId> {
    code.parse()
        .map_err(|e| ServiceError::internal(format!("stored conference ID {code:?}: {e}")))
}

pub(crate) fn checked_number(number: &DialInNumber) -> ServiceResult<CheckedNumber> {
    CheckedNumber::parse(&number.fields.e164, None)
        .map_err(|e| ServiceError::internal(format!("stored dial-in number {}: {e}", number.id)))
}

/// "San Francisco, US": what a caller reads next to the number.
pub(crate) fn listed(number: &DialInNumber) -> ServiceResult<ListedNumber> {
    let label = match &number.fields.city {
        Some(city) if !city.trim().is_empty() => {
            format!("{}, {}", city.trim(), number.fields.country)
        }
        _ => number.fields.country.clone(),
    };
    Ok(ListedNumber {
        number: checked_number(number)?,
        label: Some(label),
    })
}

pub(crate) fn to_store_kind(kind: rule_number::NumberKind) -> NumberKind {
    match kind {
        rule_number::NumberKind::Toll => NumberKind::Toll,
        rule_number::NumberKind::TollFree => NumberKind::TollFree,
    }
}

pub(crate) fn acp_details(acp: &AcpSettings) -> ServiceResult<AcpDetails> {
    let free: Vec<&str> = acp.toll_free_numbers.iter().map(String::as_str).collect();
    AcpDetails::new(
        &acp.provider_name,
        acp.toll_number.as_deref().unwrap_or(""),
        &free,
        acp.participant_passcode.as_deref().unwrap_or(""),
        acp.url.as_deref(),
    )
    .map_err(|e| {
        ServiceError::invalid(format!(
            "the organizer's third-party provider details are incomplete or wrong ({e}); set the provider again"
        ))
    })
}

/// `conference_id` is the ACP's own ID, if it gave one (kept from an earlier import).
pub(crate) fn acp_settings(details: &AcpDetails, conference_id: Option<String>) -> AcpSettings {
    AcpSettings {
        provider_name: details.provider_name().to_owned(),
        toll_number: Some(details.toll_number().e164().to_owned()),
        toll_free_numbers: details
            .toll_free_numbers()
            .iter()
            .map(|n| n.e164().to_owned())
            .collect(),
        participant_passcode: Some(details.participant_passcode().to_owned()),
        conference_id,
        url: details.url().map(|u| u.as_str().to_owned()),
    }
}

pub(crate) fn pin_length(settings: &OrganizationSettings) -> ServiceResult<PinLength> {
    u8::try_from(settings.pin_length)
        .ok()
        .and_then(|n| PinLength::new(n).ok())
        .ok_or_else(|| {
            ServiceError::invalid(format!(
                "the organization's PIN length {} is outside {} to {}; fix it in the settings",
                settings.pin_length,
                PinLength::MIN,
                PinLength::MAX
            ))
        })
}

pub(crate) fn id_length(settings: &OrganizationSettings) -> ServiceResult<ConferenceIdLength> {
    u8::try_from(settings.conference_id_length)
        .ok()
        .and_then(|n| ConferenceIdLength::new(n).ok())
        .ok_or_else(|| {
            ServiceError::invalid(format!(
                "the organization's conference ID length {} is outside {} to {}; fix it in the settings",
                settings.conference_id_length,
                ConferenceIdLength::MIN,
                ConferenceIdLength::MAX
            ))
        })
}

fn url(what: &str, value: Option<&str>) -> ServiceResult<Option<WebUrl>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| WebUrl::parse(v).map_err(|e| ServiceError::invalid(format!("{what}: {e}"))))
        .transpose()
}

/// The invitation customization, checked (the settings update uses the same check).
pub(crate) fn customization(c: &InvitationCustomization) -> ServiceResult<Customization> {
    Customization::new(
        url("logo URL", c.logo_url.as_deref())?,
        url("help URL", c.help_url.as_deref())?,
        url("legal URL", c.legal_url.as_deref())?,
        c.footer.as_deref(),
    )
    .map_err(|e| ServiceError::invalid(format!("invitation footer: {e}")))
}
