//! Who runs an organizer's dial-in conferencing: dialbridge, or a third-party audio
//! conferencing provider (ACP) whose details we only print.
//!
//! As the seed's comparison says: only licensed organizers use our bridge; an organizer
//! with an ACP needs no licence, has no dialbridge conference ID or PIN, and their
//! invitations carry the ACP's numbers, passcode and URL.

use super::dial_in_number::{DialInNumber, DialInNumberError};
use super::web_url::{WebUrl, WebUrlError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An ACP's details for one organizer, as entered or imported from the ACP's file.
/// Deserializing runs the same checks as [`AcpDetails::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AcpDetailsRepr")]
pub struct AcpDetails {
    provider_name: String,
    toll_number: DialInNumber,
    toll_free_numbers: Vec<DialInNumber>,
    participant_passcode: String,
    url: Option<WebUrl>,
}

#[derive(Deserialize)]
struct AcpDetailsRepr {
    provider_name: String,
    toll_number: String,
    #[serde(default)]
    toll_free_numbers: Vec<String>,
    participant_passcode: String,
    #[serde(default)]
    url: Option<String>,
}

impl TryFrom<AcpDetailsRepr> for AcpDetails {
    type Error = AcpError;
    fn try_from(r: AcpDetailsRepr) -> Result<Self, Self::Error> {
        let free: Vec<&str> = r.toll_free_numbers.iter().map(String::as_str).collect();
        Self::new(
            &r.provider_name,
            &r.toll_number,
            &free,
            &r.participant_passcode,
            r.url.as_deref(),
        )
    }
}

/// Why ACP details were refused. Each names the field, for the import's per-line report.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AcpError {
    #[error("provider name: empty or longer than {max} characters", max = AcpDetails::MAX_NAME)]
    ProviderName,
    #[error("toll number: {0}")]
    TollNumber(DialInNumberError),
    #[error("toll number: {0:?} must be in E.164 form, starting with + and the country code")]
    TollNumberNotE164(String),
    #[error("toll-free number {index}: {error}")]
    TollFreeNumber {
        index: usize,
        error: DialInNumberError,
    },
    #[error("at most {max} toll-free numbers", max = AcpDetails::MAX_TOLL_FREE)]
    TooManyTollFree,
    #[error("participant passcode: 1 to {max} keypad characters (0-9, * and #)", max = AcpDetails::MAX_PASSCODE)]
    Passcode,
    #[error("URL: {0}")]
    Url(WebUrlError),
}

impl AcpDetails {
    pub const MAX_NAME: usize = 100;
    pub const MAX_TOLL_FREE: usize = 10;
    pub const MAX_PASSCODE: usize = 32;

    /// Checks every field. Numbers must be given in E.164 (the ACP's file covers many
    /// countries, so a national form would be ambiguous).
    pub fn new(
        provider_name: &str,
        toll_number: &str,
        toll_free_numbers: &[&str],
        participant_passcode: &str,
        url: Option<&str>,
    ) -> Result<Self, AcpError> {
        let provider_name = provider_name.trim();
        if provider_name.is_empty()
            || provider_name.chars().count() > Self::MAX_NAME
            || provider_name.chars().any(char::is_control)
        {
            return Err(AcpError::ProviderName);
        }
        if !toll_number.trim_start().starts_with('+') {
            return Err(AcpError::TollNumberNotE164(toll_number.to_owned()));
        }
        let toll_number = DialInNumber::parse(toll_number, None).map_err(AcpError::TollNumber)?;
        if toll_free_numbers.len() > Self::MAX_TOLL_FREE {
            return Err(AcpError::TooManyTollFree);
        }
        let toll_free_numbers = toll_free_numbers
            .iter()
            .enumerate()
            .map(|(index, n)| {
                DialInNumber::parse(n, None).map_err(|error| AcpError::TollFreeNumber {
                    index: index + 1,
                    error,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let passcode = participant_passcode.trim();
        if passcode.is_empty()
            || passcode.len() > Self::MAX_PASSCODE
            || !passcode
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
        {
            return Err(AcpError::Passcode);
        }
        let url = url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(WebUrl::parse)
            .transpose()
            .map_err(AcpError::Url)?;
        Ok(Self {
            provider_name: provider_name.to_owned(),
            toll_number,
            toll_free_numbers,
            participant_passcode: passcode.to_owned(),
            url,
        })
    }

    pub fn provider_name(&self) -> &str {
        &self.provider_name
    }
    pub fn toll_number(&self) -> &DialInNumber {
        &self.toll_number
    }
    pub fn toll_free_numbers(&self) -> &[DialInNumber] {
        &self.toll_free_numbers
    }
    /// Not a secret: it is printed on every invitation the organizer sends.
    pub fn participant_passcode(&self) -> &str {
        &self.participant_passcode
    }
    pub fn url(&self) -> Option<&WebUrl> {
        self.url.as_ref()
    }
}

/// An organizer's conferencing provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum Provider {
    Dialbridge,
    ThirdParty(AcpDetails),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProviderError {
    #[error("the organizer has no dial-in conferencing licence, so cannot use dialbridge as provider; assign a licence or choose a third-party provider")]
    NotLicensed,
}

impl Provider {
    /// Only a licensed organizer may use our bridge; an ACP needs no licence from us.
    pub fn check_licence(&self, licensed: bool) -> Result<(), ProviderError> {
        match self {
            Self::Dialbridge if !licensed => Err(ProviderError::NotLicensed),
            _ => Ok(()),
        }
    }

    pub fn is_dialbridge(&self) -> bool {
        matches!(self, Self::Dialbridge)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn acp() -> Result<AcpDetails, AcpError> {
        AcpDetails::new(
            "Contoso Audio",
            "+1 415 555 0123",
            &["+1 800 555 0199", "+44 800 890 567"],
            "918273#",
            Some("https://conf.contoso-audio.example/join"),
        )
    }

    #[test]
    fn valid_acp_details() {
        let d = acp().unwrap();
        assert_eq!(d.provider_name(), "Contoso Audio");
        assert_eq!(d.toll_number().e164(), "+14155550123");
        assert_eq!(d.toll_free_numbers().len(), 2);
        assert_eq!(d.participant_passcode(), "918273#");
        assert_eq!(
            d.url().unwrap().as_str(),
            "https://conf.contoso-audio.example/join"
        );
        let no_url = AcpDetails::new("X", "+442079460000", &[], "1234", Some("  ")).unwrap();
        assert_eq!(no_url.url(), None);
    }

    #[test]
    fn each_field_is_checked() {
        let e = |name: &str, toll: &str, free: &[&str], pass: &str, url: Option<&str>| {
            AcpDetails::new(name, toll, free, pass, url).unwrap_err()
        };
        let ok_toll = "+14155550123";
        assert_eq!(e(" ", ok_toll, &[], "1", None), AcpError::ProviderName);
        assert!(matches!(
            e("X", "4155550123", &[], "1", None),
            AcpError::TollNumberNotE164(_)
        ));
        assert!(matches!(
            e("X", "+1 900 555 0199", &[], "1", None),
            AcpError::TollNumber(DialInNumberError::PremiumRate(_))
        ));
        assert!(matches!(
            e("X", ok_toll, &["+18005550199", "nope"], "1", None),
            AcpError::TollFreeNumber { index: 2, .. }
        ));
        assert_eq!(e("X", ok_toll, &[], "12a4", None), AcpError::Passcode);
        assert_eq!(e("X", ok_toll, &[], "", None), AcpError::Passcode);
        assert_eq!(
            e("X", ok_toll, &[], "1", Some("javascript:alert(1)")),
            AcpError::Url(WebUrlError::Scheme)
        );
        assert_eq!(
            e("X", ok_toll, &[], "1", Some("ftp://acp.example")),
            AcpError::Url(WebUrlError::Scheme)
        );
    }

    #[test]
    fn only_licensed_organizers_use_dialbridge() {
        assert_eq!(
            Provider::Dialbridge.check_licence(false),
            Err(ProviderError::NotLicensed)
        );
        assert_eq!(Provider::Dialbridge.check_licence(true), Ok(()));
        let third = Provider::ThirdParty(acp().unwrap());
        assert_eq!(third.check_licence(false), Ok(()));
    }

    #[test]
    fn provider_serializes_with_a_tag() {
        let json = serde_json::to_value(Provider::Dialbridge).unwrap();
        assert_eq!(json, serde_json::json!({"provider": "dialbridge"}));
        let third = Provider::ThirdParty(acp().unwrap());
        let json = serde_json::to_value(&third).unwrap();
        assert_eq!(json["provider"], "third_party");
        assert_eq!(json["toll_number"], "+14155550123");
        let back: Provider = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, third);
        let mut bad = json;
        bad["participant_passcode"] = "abc".into();
        assert!(serde_json::from_value::<Provider>(bad).is_err());
    }
}
