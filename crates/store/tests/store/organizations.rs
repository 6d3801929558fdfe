use crate::fixtures::{actor, audit_actions, org, org_fields};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;
use std::collections::BTreeMap;

async fn create_get_update_delete(db: TestDb) {
    let store = db.store.with_clock(|| 1_700_000_000);
    let created = org(&store, "Contoso").await;
    assert_eq!(created.country, "US", "country is stored uppercased");
    assert_eq!(created.settings, OrganizationSettings::default());
    assert!(created.settings.send_emails, "mails are on by default");
    assert_eq!(created.settings.pin_length, 5);
    assert_eq!(created.settings.conference_id_length, 7);
    assert_eq!(created.created_at, 1_700_000_000);
    assert_eq!(store.organization(created.id).await.unwrap(), created);

    let mut fields = org_fields("Contoso Ltd");
    fields.country = "GB".into();
    let s = &mut fields.settings;
    s.send_emails = false;
    s.sender_address = Some("conferencing@contoso.example".into());
    s.anonymous_start_default = true;
    s.announcements = Announcements::Names;
    s.record_names = true;
    s.mask_phone_numbers = false;
    s.pin_length = 8;
    s.conference_id_length = 9;
    s.pin_max_failures = 3;
    s.pin_lockout_seconds = 60;
    s.dial_pad_keys = BTreeMap::from([("*6".into(), "mute".into()), ("*1".into(), "help".into())]);
    s.invitation = InvitationCustomization {
        logo_url: Some("https://contoso.example/logo.png".into()),
        help_url: Some("https://contoso.example/help".into()),
        legal_url: Some("https://contoso.example/legal".into()),
        footer: Some("Contoso confidential".into()),
    };
    let updated = in_tx!(store, |tx| tx.update_organization(
        &actor(),
        created.id,
        &fields
    ))
    .unwrap();
    assert_eq!(updated.name, "Contoso Ltd");
    assert_eq!(updated.settings, fields.settings);
    assert_eq!(store.organization(created.id).await.unwrap(), updated);

    in_tx!(store, |tx| tx.delete_organization(&actor(), created.id)).unwrap();
    assert!(matches!(
        store.organization(created.id).await,
        Err(StoreError::NotFound {
            what: "organization"
        })
    ));
    assert_eq!(
        audit_actions(&store, Some(created.id)).await,
        [
            "organization.create",
            "organization.update",
            "organization.delete"
        ]
    );
}

async fn names_are_unique_and_fields_checked(db: TestDb) {
    let store = &db.store;
    org(store, "Contoso").await;
    let err = in_tx!(store, |tx| tx
        .create_organization(&actor(), &org_fields("Contoso")))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "organization_name"),
        "{err}"
    );

    let mut bad = org_fields("Fabrikam");
    bad.country = "USA".into();
    let err = in_tx!(store, |tx| tx.create_organization(&actor(), &bad)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");

    // A CHECK constraint of the schema, reported the same way by both backends.
    let mut bad = org_fields("Fabrikam");
    bad.settings.pin_length = 3;
    let err = in_tx!(store, |tx| tx.create_organization(&actor(), &bad)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

async fn list_pages_and_searches(db: TestDb) {
    let store = &db.store;
    for name in ["Alpha", "Beta", "Gamma", "Delta", "alphabet soup"] {
        org(store, name).await;
    }
    let page = store
        .list_organizations(None, Page::new(2, 0))
        .await
        .unwrap();
    assert_eq!(page.total, 5);
    let names: Vec<_> = page.items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "Beta"]);
    let page = store
        .list_organizations(None, Page::new(2, 4))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);

    let found = store
        .list_organizations(Some("ALPHA"), Page::default())
        .await
        .unwrap();
    let names: Vec<_> = found.items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "alphabet soup"]);
    assert_eq!(found.total, 2);
    // LIKE wildcards in the search text match themselves.
    let none = store
        .list_organizations(Some("%"), Page::default())
        .await
        .unwrap();
    assert_eq!(none.total, 0);
}

async fn dial_out_settings_round_trip_and_are_checked(db: TestDb) {
    let store = &db.store;
    let created = org(store, "Contoso").await;
    let s = &created.settings;
    assert!(s.dial_out_countries.is_empty(), "every country by default");
    assert_eq!(
        (s.dial_out_max_per_meeting, s.dial_out_max_per_organization),
        (5, 20)
    );
    assert!(
        s.dial_out_join_confirmation,
        "press 1 to join is on by default"
    );
    assert_eq!(s.operator_number, None);

    let mut fields = org_fields("Contoso");
    let s = &mut fields.settings;
    s.dial_out_countries = vec!["gb".into(), " FR".into(), "GB".into()];
    s.dial_out_max_per_meeting = 0;
    s.dial_out_max_per_organization = 7;
    s.dial_out_join_confirmation = false;
    s.operator_number = Some("+442079460000".into());
    let updated = in_tx!(store, |tx| tx.update_organization(
        &actor(),
        created.id,
        &fields
    ))
    .unwrap();
    let s = &updated.settings;
    assert_eq!(s.dial_out_countries, ["GB", "FR"], "upper case, no repeats");
    assert_eq!(
        (s.dial_out_max_per_meeting, s.dial_out_max_per_organization),
        (0, 7)
    );
    assert!(!s.dial_out_join_confirmation);
    assert_eq!(s.operator_number.as_deref(), Some("+442079460000"));
    assert_eq!(store.organization(created.id).await.unwrap(), updated);

    let refused = |change: fn(&mut OrganizationSettings)| {
        let mut bad = org_fields("Contoso");
        change(&mut bad.settings);
        bad
    };
    for bad in [
        refused(|s| s.dial_out_countries = vec!["GBR".into()]),
        refused(|s| s.dial_out_countries = vec!["1A".into()]),
        refused(|s| s.dial_out_max_per_meeting = -1),
        refused(|s| s.dial_out_max_per_organization = -1),
        refused(|s| s.operator_number = Some("020 7946 0000".into())),
    ] {
        let err = in_tx!(store, |tx| tx.update_organization(
            &actor(),
            created.id,
            &bad
        ))
        .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
}

backend_tests!(
    create_get_update_delete,
    names_are_unique_and_fields_checked,
    list_pages_and_searches,
    dial_out_settings_round_trip_and_are_checked
);
