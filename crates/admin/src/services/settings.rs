//! An organization's settings as an admin changes them: a patch (unset fields stay), checked
//! against the rules before it reaches the store.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use crate::rules::conference_id::ConferenceIdLength;
use crate::rules::dial_in_number::DialInNumber;
use crate::rules::pin::PinLength;
use crate::rules::pin_lockout::PinLockoutPolicy;
use dialbridge_store::{Announcements, InvitationCustomization, OrganizationSettings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The window the store's consecutive-failure counter stands in for (the rules' table).
const LOCKOUT_WINDOW_SECS: i64 = 30 * 60;
/// The rules' cap on escalated locks.
const LOCKOUT_MAX_LOCK_SECS: i64 = 24 * 60 * 60;

/// Changes to an organization's settings. `None` keeps the current value; for the optional
/// sender, `Some(None)` clears the override.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsPatch {
    pub send_emails: Option<bool>,
    pub sender_address: Option<Option<String>>,
    pub anonymous_start_default: Option<bool>,
    pub announcements: Option<Announcements>,
    pub record_names: Option<bool>,
    pub mask_phone_numbers: Option<bool>,
    pub pin_length: Option<u8>,
    pub conference_id_length: Option<u8>,
    /// Wrong PINs before the PIN locks. Unset with a new PIN length: the rules' table row.
    pub pin_max_failures: Option<u32>,
    /// How long a lock lasts, in seconds. Unset with a new PIN length: the table row.
    pub pin_lockout_seconds: Option<u32>,
    /// Dial-pad key sequence (`*6`) to command name (`mute`); replaces the whole map.
    pub dial_pad_keys: Option<BTreeMap<String, String>>,
    /// Logo, help and legal URLs and the footer; replaces all four.
    pub invitation: Option<InvitationCustomization>,
    /// Destination countries dial-out may call (ISO 3166-1 alpha-2); replaces the list, and
    /// an empty list allows every country.
    pub dial_out_countries: Option<Vec<String>>,
    /// Concurrent dial-outs one meeting may have (0 turns dial-out off for meetings).
    pub dial_out_max_per_meeting: Option<u32>,
    /// Concurrent dial-outs across the organization (0 turns dial-out off).
    pub dial_out_max_per_organization: Option<u32>,
    /// Dialed people hear "press 1 to join" before they join.
    pub dial_out_join_confirmation: Option<bool>,
    /// The operator's number for `*0`, with its country code (or national, in the
    /// organization's country); `Some(None)` removes it.
    pub operator_number: Option<Option<String>>,
}

/// The service defaults for a new organization: the store's, with the PIN lockout of the
/// rules' table for the default PIN length (see the module doc of `services`).
pub(crate) fn defaults() -> OrganizationSettings {
    let mut settings = OrganizationSettings::default();
    set_lockout_from_table(&mut settings, PinLength::DEFAULT);
    settings
}

fn set_lockout_from_table(settings: &mut OrganizationSettings, length: PinLength) {
    let policy = PinLockoutPolicy::for_pin_length(length);
    settings.pin_max_failures = i32::try_from(policy.max_failures()).unwrap_or(i32::MAX);
    settings.pin_lockout_seconds = i32::try_from(policy.lock_secs()).unwrap_or(i32::MAX);
}

/// `before` with `patch` applied, checked whole. `country` is the organization's: how a
/// national operator number is read.
pub(crate) fn apply(
    before: &OrganizationSettings,
    patch: &SettingsPatch,
    country: &str,
) -> ServiceResult<OrganizationSettings> {
    let mut s = before.clone();
    if let Some(v) = patch.send_emails {
        s.send_emails = v;
    }
    if let Some(v) = &patch.sender_address {
        s.sender_address = v
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(check_sender)
            .transpose()?;
    }
    if let Some(v) = patch.anonymous_start_default {
        s.anonymous_start_default = v;
    }
    if let Some(v) = patch.announcements {
        s.announcements = v;
    }
    if let Some(v) = patch.record_names {
        s.record_names = v;
    }
    if let Some(v) = patch.mask_phone_numbers {
        s.mask_phone_numbers = v;
    }
    if let Some(v) = patch.conference_id_length {
        ConferenceIdLength::new(v).map_err(|e| ServiceError::invalid(e.to_string()))?;
        s.conference_id_length = i32::from(v);
    }
    if let Some(v) = patch.pin_length {
        let length = PinLength::new(v).map_err(|e| ServiceError::invalid(e.to_string()))?;
        let lockout_named = patch.pin_max_failures.is_some() || patch.pin_lockout_seconds.is_some();
        if i32::from(v) != before.pin_length && !lockout_named {
            set_lockout_from_table(&mut s, length);
        }
        s.pin_length = i32::from(v);
    }
    if let Some(v) = patch.pin_max_failures {
        s.pin_max_failures = i32::try_from(v).unwrap_or(i32::MAX);
    }
    if let Some(v) = patch.pin_lockout_seconds {
        s.pin_lockout_seconds = i32::try_from(v).unwrap_or(i32::MAX);
    }
    if let Some(keys) = &patch.dial_pad_keys {
        check_dial_pad_keys(keys)?;
        s.dial_pad_keys = keys.clone();
    }
    if let Some(inv) = &patch.invitation {
        // Checked with the rules the invitation renderer uses, then stored normalized.
        let checked = convert::customization(inv)?;
        s.invitation = InvitationCustomization {
            footer: checked.footer().map(str::to_owned),
            logo_url: checked.logo_url.map(String::from),
            help_url: checked.help_url.map(String::from),
            legal_url: checked.legal_url.map(String::from),
        };
    }
    apply_dial_out(&mut s, patch, country)?;
    check_whole(&s)?;
    Ok(s)
}

/// The dial-out fields and the operator number of `patch`, checked.
fn apply_dial_out(
    s: &mut OrganizationSettings,
    patch: &SettingsPatch,
    country: &str,
) -> ServiceResult<()> {
    if let Some(countries) = &patch.dial_out_countries {
        s.dial_out_countries = check_dial_out_countries(countries)?;
    }
    if let Some(v) = patch.dial_out_max_per_meeting {
        s.dial_out_max_per_meeting = check_dial_out_cap("dial-out limit per meeting", v)?;
    }
    if let Some(v) = patch.dial_out_max_per_organization {
        s.dial_out_max_per_organization = check_dial_out_cap("dial-out limit per organization", v)?;
    }
    if let Some(v) = patch.dial_out_join_confirmation {
        s.dial_out_join_confirmation = v;
    }
    if let Some(number) = &patch.operator_number {
        s.operator_number = number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| check_operator_number(n, country))
            .transpose()?;
    }
    Ok(())
}

/// Upper case, without repeats, each a country libphonenumber knows. Public so forms can
/// tell which field is wrong.
pub fn check_dial_out_countries(countries: &[String]) -> ServiceResult<Vec<String>> {
    let mut checked: Vec<String> = Vec::with_capacity(countries.len());
    for code in countries {
        let code = code.trim().to_ascii_uppercase();
        let known = code.len() == 2
            && code.bytes().all(|b| b.is_ascii_uppercase())
            && phonenumber::country::Id::from_str(&code).is_ok();
        if !known {
            return Err(ServiceError::invalid(format!(
                "dial-out country {code:?} is not an ISO 3166-1 alpha-2 code like GB or FR"
            )));
        }
        if !checked.contains(&code) {
            checked.push(code);
        }
    }
    Ok(checked)
}

/// Concurrent calls are counted in the thousands at most; the column is an i32.
pub fn check_dial_out_cap(what: &str, value: u32) -> ServiceResult<i32> {
    i32::try_from(value)
        .ok()
        .filter(|v| *v <= MAX_DIAL_OUT_CAP)
        .ok_or_else(|| {
            ServiceError::invalid(format!("{what}: 0 to {MAX_DIAL_OUT_CAP}, got {value}"))
        })
}

/// Highest concurrent dial-out cap an organization may set.
const MAX_DIAL_OUT_CAP: i32 = 10_000;

/// Checked as dial-in numbers are (libphonenumber's numbering plan; premium-rate and
/// shared-cost refused), since callers are sent there by `*0`. `country` (the
/// organization's) reads a national number.
pub fn check_operator_number(number: &str, country: &str) -> ServiceResult<String> {
    // A number with its country code needs no region (and an odd stored country must not
    // make it fail).
    let region = (!number.starts_with('+')).then_some(country);
    DialInNumber::parse(number, region)
        .map(|n| n.e164().to_owned())
        .map_err(|e| ServiceError::invalid(format!("operator number: {e}")))
}

/// Rules across fields, checked on the result so no order of patches gets around them.
fn check_whole(s: &OrganizationSettings) -> ServiceResult<()> {
    if s.announcements == Announcements::Names && !s.record_names {
        return Err(ServiceError::invalid(
            "announcing names needs name recording on; turn on name recording or choose tones",
        ));
    }
    convert::pin_length(s)?;
    convert::id_length(s)?;
    lockout_policy(s)?;
    Ok(())
}

/// The organization's lockout as the rules' policy (its bounds are the rules').
pub(crate) fn lockout_policy(s: &OrganizationSettings) -> ServiceResult<PinLockoutPolicy> {
    let failures = u32::try_from(s.pin_max_failures).unwrap_or(0);
    let lock = i64::from(s.pin_lockout_seconds);
    PinLockoutPolicy::new(
        failures,
        LOCKOUT_WINDOW_SECS,
        lock,
        lock.max(LOCKOUT_MAX_LOCK_SECS),
    )
    .map_err(|e| ServiceError::invalid(format!("PIN lockout: {e}")))
}

/// A sender address goes into a mail header: one address, no spaces, no line breaks
/// (a CR/LF would let it add headers of its own).
fn check_sender(address: &str) -> ServiceResult<String> {
    let ok = address.len() <= 254
        && !address.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        })
        && matches!(address.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@')
               && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok {
        Ok(address.to_lowercase())
    } else {
        Err(ServiceError::invalid(format!(
            "sender address {address:?} is not a plain email address like dial-in@example.com"
        )))
    }
}

/// The dial-pad commands a key map may name; the meeting rules
/// (`dialbridge_conference::meeting::Command::name`) use the same names, which a test in the
/// binary checks.
pub const DIAL_PAD_COMMANDS: [&str; 11] = [
    "help",
    "mute",
    "hand",
    "count",
    "mute_all",
    "lock",
    "admit",
    "announcements",
    "operator",
    "dial_out",
    "roll_call",
];

/// Keys are what a caller presses (`*6`, `#`); commands are the names above.
fn check_dial_pad_keys(keys: &BTreeMap<String, String>) -> ServiceResult<()> {
    for (key, command) in keys {
        let key_ok = (1..=4).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#');
        if !key_ok {
            return Err(ServiceError::invalid(format!(
                "dial-pad key {key:?}: 1 to 4 of the keys 0-9, * and #"
            )));
        }
        if !DIAL_PAD_COMMANDS.contains(&command.as_str()) {
            return Err(ServiceError::invalid(format!(
                "dial-pad command {command:?} for {key}: one of {}",
                DIAL_PAD_COMMANDS.join(", ")
            )));
        }
    }
    Ok(())
}
