//! The invitation customization as an admin edits it: each field checked on its own (so a
//! form can show the error next to the field that caused it), and a preview of the
//! invitation with a customization that is not saved yet.

use super::convert;
use super::error::{ServiceError, ServiceResult};
use super::invitations::{public_numbers_url, OrganizerInvitation};
use super::{AdminService, Caller};
use crate::rules::invitation::{self, Customization, DialIn, InvitationInput, ListedNumber};
use crate::rules::web_url::WebUrl;
use dialbridge_store::{InvitationCustomization, NumberKind, OrganizationId, Page};

/// One field of the invitation customization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationField {
    LogoUrl,
    HelpUrl,
    LegalUrl,
    Footer,
}

impl InvitationField {
    /// The field's form name (and the store's field name).
    pub fn name(self) -> &'static str {
        match self {
            InvitationField::LogoUrl => "logo_url",
            InvitationField::HelpUrl => "help_url",
            InvitationField::LegalUrl => "legal_url",
            InvitationField::Footer => "footer",
        }
    }
}

/// Why one field of the customization is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationFieldError {
    pub field: InvitationField,
    pub message: String,
}

/// The organizer name and conference ID a preview shows: made up, and said to be.
const SAMPLE_ORGANIZER: &str = "Sample Organizer";
const SAMPLE_CONFERENCE_ID: &str = "123456789";
/// Shown when the organization has no toll number yet (a reserved fictional number).
const SAMPLE_TOLL_NUMBER: &str = "+12025550123";

fn optional_url(
    field: InvitationField,
    value: Option<&str>,
) -> Result<Option<WebUrl>, InvitationFieldError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            WebUrl::parse(v).map_err(|e| InvitationFieldError {
                field,
                message: e.to_string(),
            })
        })
        .transpose()
}

/// Every field checked with the rules the renderer and the settings update use; every
/// refused field is reported, not only the first.
pub fn check_invitation_customization(
    customization: &InvitationCustomization,
) -> Result<Customization, Vec<InvitationFieldError>> {
    let logo = optional_url(InvitationField::LogoUrl, customization.logo_url.as_deref());
    let help = optional_url(InvitationField::HelpUrl, customization.help_url.as_deref());
    let legal = optional_url(
        InvitationField::LegalUrl,
        customization.legal_url.as_deref(),
    );
    let footer_check = Customization::new(None, None, None, customization.footer.as_deref())
        .map(|_| ())
        .map_err(|e| InvitationFieldError {
            field: InvitationField::Footer,
            message: e.to_string(),
        });
    match (logo, help, legal, footer_check) {
        (Ok(logo), Ok(help), Ok(legal), Ok(())) => {
            Customization::new(logo, help, legal, customization.footer.as_deref()).map_err(|e| {
                vec![InvitationFieldError {
                    field: InvitationField::Footer,
                    message: e.to_string(),
                }]
            })
        }
        (logo, help, legal, footer) => Err([logo.err(), help.err(), legal.err(), footer.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

impl AdminService {
    /// The invitation an organizer of the organization would send with `customization`
    /// (not saved): a sample organizer and conference ID, the organization's first toll and
    /// toll-free numbers (a fictional number while it has none). A refused field is
    /// [`ServiceError::Invalid`] naming it; use [`check_invitation_customization`] to get
    /// every field's error.
    pub async fn preview_invitation(
        &self,
        caller: &Caller,
        organization_id: OrganizationId,
        customization: &InvitationCustomization,
    ) -> ServiceResult<OrganizerInvitation> {
        let org = self.organization(caller, organization_id).await?;
        let customization = check_invitation_customization(customization).map_err(|errors| {
            let message = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.name(), e.message))
                .collect::<Vec<_>>()
                .join("; ");
            ServiceError::invalid(message)
        })?;
        let first = |kind| async move {
            self.list_dial_in_numbers(
                caller,
                Some(organization_id),
                Some(kind),
                None,
                Page::first(1),
            )
            .await
            .map(|page| page.items.into_iter().next())
        };
        let toll = match first(NumberKind::Toll).await? {
            Some(number) => convert::listed(&number)?,
            None => ListedNumber {
                number: crate::rules::dial_in_number::DialInNumber::parse(SAMPLE_TOLL_NUMBER, None)
                    .map_err(ServiceError::internal)?,
                label: Some(format!("{} (sample)", org.country)),
            },
        };
        let toll_free = first(NumberKind::TollFree)
            .await?
            .as_ref()
            .map(convert::listed)
            .transpose()?;
        let input = InvitationInput {
            organizer_name: SAMPLE_ORGANIZER.to_owned(),
            dial_in: DialIn::Dialbridge {
                toll,
                toll_free,
                international: None,
                conference_id: convert::conference_id(SAMPLE_CONFERENCE_ID)?,
                find_local_number_url: public_numbers_url(&self.config, &org)?,
                pin_help_url: customization.help_url.clone(),
            },
            customization,
        };
        let rendered = invitation::render(&input);
        Ok(OrganizerInvitation {
            text: rendered.text,
            html: rendered.html,
            icalendar: None,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn customization(logo: &str, help: &str, footer: &str) -> InvitationCustomization {
        InvitationCustomization {
            logo_url: Some(logo.to_owned()),
            help_url: Some(help.to_owned()),
            legal_url: None,
            footer: Some(footer.to_owned()),
        }
    }

    #[test]
    fn every_refused_field_is_named() {
        let long_footer = "x".repeat(Customization::MAX_FOOTER + 1);
        let errors =
            check_invitation_customization(&customization("ftp://logo", "nope", &long_footer))
                .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                InvitationField::LogoUrl,
                InvitationField::HelpUrl,
                InvitationField::Footer
            ]
        );
    }

    #[test]
    fn good_fields_pass_and_empty_ones_are_unset() {
        let checked = check_invitation_customization(&customization(
            "https://acme.example/logo.png",
            " ",
            "Call us",
        ))
        .unwrap();
        assert!(checked.logo_url.is_some());
        assert!(checked.help_url.is_none());
        assert_eq!(checked.footer(), Some("Call us"));
    }
}
