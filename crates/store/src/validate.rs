//! Cheap shape checks done before writing, so bad input is reported as
//! [`StoreError::Invalid`] with a clear message rather than as a bare CHECK failure. Deeper
//! rules (E.164 numbering plans, PIN triviality) belong to the admin domain.

use crate::{Result, StoreError};

/// An ISO 3166-1 alpha-2 code, returned uppercased.
pub(crate) fn country(code: &str) -> Result<String> {
    let code = code.trim();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(StoreError::Invalid(format!(
            "country must be an ISO 3166-1 alpha-2 code, got {code:?}"
        )))
    }
}

/// An email address, trimmed and lowercased so uniqueness ignores case.
pub(crate) fn email(address: &str) -> Result<String> {
    let address = address.trim();
    match address.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            Ok(address.to_lowercase())
        }
        _ => Err(StoreError::Invalid(format!(
            "not an email address: {address:?}"
        ))),
    }
}

/// `+` followed by 1 to 15 digits (E.164's length limit).
pub(crate) fn e164(number: &str) -> Result<()> {
    match number.strip_prefix('+') {
        Some(digits)
            if (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(())
        }
        _ => Err(StoreError::Invalid(format!(
            "not an E.164 number: {number:?}"
        ))),
    }
}

/// A conference ID: 4 to 15 digits.
pub(crate) fn conference_code(code: &str) -> Result<()> {
    if (4..=15).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "a conference ID is 4 to 15 digits, got {code:?}"
        )))
    }
}

/// A non-empty, trimmed name.
pub(crate) fn name(what: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        Err(StoreError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(value.to_owned())
    }
}

/// JSON text written by this crate, read back.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// A value to JSON text for a TEXT column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(e.to_string()))
}
