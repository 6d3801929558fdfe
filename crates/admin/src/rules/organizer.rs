//! An organizer's dial-in settings as one value, and the rules that tie them together.
//!
//! This is the shape the notification diff compares and the services check before they
//! save; the store keeps the same fields in its own rows.

use super::conference_id::ConferenceId;
use super::dial_in_number::DialInNumber;
use super::provider::{Provider, ProviderError};
use thiserror::Error;

/// What an organizer's dial-in experience depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizerDialIn {
    pub dial_in_enabled: bool,
    pub licensed: bool,
    pub provider: Provider,
    /// The static (reservationless) conference ID; `None` for ACP organizers.
    pub conference_id: Option<ConferenceId>,
    /// When the current PIN was set or reset (Unix seconds); `None` when there is no PIN.
    /// A rehash after a parameter upgrade keeps the PIN and so keeps this.
    pub pin_set_at: Option<i64>,
    /// The numbers printed on this organizer's invitations.
    pub default_toll_number: Option<DialInNumber>,
    pub default_toll_free_number: Option<DialInNumber>,
    /// A second toll number from another country (the seed's "international dial-in number
    /// as default").
    pub default_international_number: Option<DialInNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrganizerError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("an organizer using dialbridge needs a conference ID")]
    MissingConferenceId,
    #[error("an organizer using dialbridge needs a PIN")]
    MissingPin,
    #[error("an organizer using dialbridge needs a default toll number for invitations")]
    MissingTollNumber,
    #[error("an organizer with a third-party provider has no dialbridge conference ID, PIN or default numbers")]
    DialbridgeDetailsWithAcp,
}

impl OrganizerDialIn {
    /// The settings are consistent: enabled dialbridge organizers are licensed and have an
    /// ID, a PIN and a toll number; ACP organizers have none of ours. A disabled organizer
    /// may keep their ID and PIN, so turning dial-in back on brings them back unchanged.
    pub fn check(&self) -> Result<(), OrganizerError> {
        match &self.provider {
            Provider::Dialbridge => {
                if !self.dial_in_enabled {
                    return Ok(());
                }
                self.provider.check_licence(self.licensed)?;
                if self.conference_id.is_none() {
                    return Err(OrganizerError::MissingConferenceId);
                }
                if self.pin_set_at.is_none() {
                    return Err(OrganizerError::MissingPin);
                }
                if self.default_toll_number.is_none() {
                    return Err(OrganizerError::MissingTollNumber);
                }
                Ok(())
            }
            Provider::ThirdParty(_) => {
                let ours = self.conference_id.is_some()
                    || self.pin_set_at.is_some()
                    || self.default_toll_number.is_some()
                    || self.default_toll_free_number.is_some()
                    || self.default_international_number.is_some();
                if ours {
                    Err(OrganizerError::DialbridgeDetailsWithAcp)
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rules::provider::AcpDetails;

    pub(crate) fn dialbridge_organizer() -> OrganizerDialIn {
        OrganizerDialIn {
            dial_in_enabled: true,
            licensed: true,
            provider: Provider::Dialbridge,
            conference_id: Some("4829173".parse().unwrap()),
            pin_set_at: Some(1_700_000_000),
            default_toll_number: Some(DialInNumber::parse("+14155550123", None).unwrap()),
            default_toll_free_number: Some(DialInNumber::parse("+18005550199", None).unwrap()),
            default_international_number: None,
        }
    }

    pub(crate) fn acp_organizer() -> OrganizerDialIn {
        OrganizerDialIn {
            dial_in_enabled: true,
            licensed: false,
            provider: Provider::ThirdParty(
                AcpDetails::new("Contoso Audio", "+442079460000", &[], "9182", None).unwrap(),
            ),
            conference_id: None,
            pin_set_at: None,
            default_toll_number: None,
            default_toll_free_number: None,
            default_international_number: None,
        }
    }

    #[test]
    fn consistent_settings_pass() {
        assert_eq!(dialbridge_organizer().check(), Ok(()));
        assert_eq!(acp_organizer().check(), Ok(()));
    }

    #[test]
    fn dialbridge_needs_licence_id_pin_and_number() {
        let mut o = dialbridge_organizer();
        o.licensed = false;
        assert_eq!(
            o.check(),
            Err(OrganizerError::Provider(ProviderError::NotLicensed))
        );
        o.dial_in_enabled = false;
        assert_eq!(o.check(), Ok(()), "disabled organizers may be unlicensed");
        let mut o = dialbridge_organizer();
        o.conference_id = None;
        assert_eq!(o.check(), Err(OrganizerError::MissingConferenceId));
        let mut o = dialbridge_organizer();
        o.pin_set_at = None;
        assert_eq!(o.check(), Err(OrganizerError::MissingPin));
        let mut o = dialbridge_organizer();
        o.default_toll_number = None;
        assert_eq!(o.check(), Err(OrganizerError::MissingTollNumber));
    }

    #[test]
    fn acp_organizers_have_nothing_of_ours() {
        let mut o = acp_organizer();
        o.conference_id = Some("4829173".parse().unwrap());
        assert_eq!(o.check(), Err(OrganizerError::DialbridgeDetailsWithAcp));
        let mut o = acp_organizer();
        o.pin_set_at = Some(1);
        assert_eq!(o.check(), Err(OrganizerError::DialbridgeDetailsWithAcp));
    }
}
