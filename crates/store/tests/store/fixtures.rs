//! Small builders shared by the tests.

use dialbridge_store::*;

pub fn actor() -> Actor {
    Actor::system("test")
}

pub fn org_fields(name: &str) -> OrganizationFields {
    OrganizationFields {
        name: name.to_owned(),
        country: "us".to_owned(),
        settings: OrganizationSettings::default(),
    }
}

/// Runs one write in its own transaction and commits it.
#[macro_export]
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut $tx = $store.begin().await.unwrap();
        let out = $body.await;
        match out {
            Ok(value) => {
                $tx.commit().await.unwrap();
                Ok(value)
            }
            Err(e) => {
                $tx.rollback().await.unwrap();
                Err(e)
            }
        }
    }};
}

pub async fn org(store: &Store, name: &str) -> Organization {
    crate::in_tx!(store, |tx| tx
        .create_organization(&actor(), &org_fields(name)))
    .unwrap()
}

pub fn new_organizer(org: OrganizationId, name: &str, email: &str) -> NewOrganizer {
    NewOrganizer {
        organization_id: org,
        profile: OrganizerProfile::new(name, email, "US"),
        provider: Provider::Dialbridge,
        conference_id: None,
    }
}

pub async fn organizer(store: &Store, org: OrganizationId, name: &str) -> Organizer {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    crate::in_tx!(store, |tx| tx
        .create_organizer(&actor(), &new_organizer(org, name, &email)))
    .unwrap()
}

pub fn number_fields(
    e164: &str,
    kind: NumberKind,
    org: Option<OrganizationId>,
) -> DialInNumberFields {
    DialInNumberFields {
        e164: e164.to_owned(),
        kind,
        country: "US".to_owned(),
        city: Some("Seattle".to_owned()),
        primary_language: "en-US".to_owned(),
        secondary_languages: vec!["es-US".to_owned()],
        organization_id: org,
        trunk: "carrier-a".to_owned(),
    }
}

pub async fn number(
    store: &Store,
    e164: &str,
    kind: NumberKind,
    org: Option<OrganizationId>,
) -> DialInNumber {
    crate::in_tx!(store, |tx| tx
        .create_dial_in_number(&actor(), &number_fields(e164, kind, org)))
    .unwrap()
}

pub async fn audit_actions(store: &Store, org: Option<OrganizationId>) -> Vec<String> {
    let filter = AuditFilter {
        organization_id: org,
        action: None,
        ..AuditFilter::default()
    };
    let page = store.list_audit(&filter, Page::first(500)).await.unwrap();
    // Oldest first reads better in assertions.
    page.items.into_iter().rev().map(|e| e.action).collect()
}
