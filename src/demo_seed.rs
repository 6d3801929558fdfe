//! The demo's data: one organization with a licensed organizer whose dial-in is on, and
//! a shared dial-in number, created through the same admin services the API will use.
//! A second start reuses them and gives the organizer a fresh PIN, because PINs are
//! stored only as hashes and the banner has to show one.

use anyhow::Context;
use dialbridge_admin::services::{
    AdminService, Caller, NewNumber, NewOrganization, NewOrganizerInput, PinChoice, SettingsPatch,
};
use dialbridge_store::{Actor, Organization};

pub const DEMO_ORGANIZATION: &str = "Demo Organization";
pub const DEMO_ORGANIZER_EMAIL: &str = "demo.organizer@example.com";
/// A number in the 555-01xx block, which North American numbering reserves for fiction.
pub const DEMO_NUMBER: &str = "+14155550100";

pub struct DemoDetails {
    pub number: String,
    pub conference_id: String,
    pub pin: String,
}

pub async fn seed(service: &AdminService) -> anyhow::Result<DemoDetails> {
    let caller = Caller::platform_admin(Actor::system("demo"));
    let store = service.store();
    let organization = match store.organization_by_name(DEMO_ORGANIZATION).await? {
        Some(existing) => existing,
        None => create_world(service, &caller).await?,
    };
    let organizer = store
        .organizer_by_email(organization.id, DEMO_ORGANIZER_EMAIL)
        .await?
        .context(
            "the demo organization has no demo organizer; remove the data dir to start over",
        )?;
    let outcome = if organizer.conference_id.is_some() {
        service
            .reset_pin(&caller, organizer.id, PinChoice::Random)
            .await
    } else {
        service.enable_dial_in(&caller, organizer.id).await
    }
    .map_err(|error| anyhow::anyhow!("demo dial-in: {error}"))?;
    let pin = outcome
        .new_pin
        .as_ref()
        .map(|pin| pin.reveal().to_owned())
        .context("the demo organizer got no PIN")?;
    let conference_id = outcome
        .organizer
        .conference_id
        .clone()
        .context("the demo organizer has no conference ID")?;
    Ok(DemoDetails {
        number: DEMO_NUMBER.to_owned(),
        conference_id,
        pin,
    })
}

async fn create_world(service: &AdminService, caller: &Caller) -> anyhow::Result<Organization> {
    let failed = |what: &'static str| move |error| anyhow::anyhow!("demo {what}: {error}");
    let organization = service
        .create_organization(
            caller,
            &NewOrganization {
                name: DEMO_ORGANIZATION.to_owned(),
                country: "US".to_owned(),
                settings: SettingsPatch::default(),
            },
        )
        .await
        .map_err(failed("organization"))?;
    service
        .add_dial_in_number(
            caller,
            &NewNumber {
                number: DEMO_NUMBER.to_owned(),
                default_region: None,
                kind: None,
                city: Some("San Francisco".to_owned()),
                primary_language: "en-US".to_owned(),
                secondary_languages: vec!["es-ES".to_owned(), "fr-FR".to_owned()],
                organization_id: None,
                trunk: crate::demo::DEMO_TRUNK.to_owned(),
            },
        )
        .await
        .map_err(failed("dial-in number"))?;
    let organizer = service
        .create_organizer(
            caller,
            &NewOrganizerInput {
                organization_id: organization.id,
                name: "Demo Organizer".to_owned(),
                email: DEMO_ORGANIZER_EMAIL.to_owned(),
                country: None,
                anonymous_start: None,
                dial_out_policy: None,
            },
        )
        .await
        .map_err(failed("organizer"))?;
    service
        .set_licence_seats(caller, organization.id, 5)
        .await
        .map_err(failed("licences"))?;
    service
        .assign_licence(caller, organizer.id)
        .await
        .map_err(failed("licence"))?;
    Ok(organization)
}
