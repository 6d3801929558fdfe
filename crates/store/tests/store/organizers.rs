use crate::fixtures::{actor, audit_actions, new_organizer, number, org, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

fn acp() -> AcpSettings {
    AcpSettings {
        provider_name: "Example ACP".into(),
        toll_number: Some("+14255550100".into()),
        toll_free_numbers: vec!["+18005550100".into(), "+18005550101".into()],
        participant_passcode: Some("123456#".into()),
        conference_id: Some("98765".into()),
        url: Some("https://acp.example/join".into()),
    }
}

async fn create_get_update_delete(db: TestDb) {
    let store = &db.store;
    let contoso = org(store, "Contoso").await;
    let toll = number(store, "+14255550000", NumberKind::Toll, None).await;
    let free = number(
        store,
        "+18005550000",
        NumberKind::TollFree,
        Some(contoso.id),
    )
    .await;
    let intl = number(store, "+442071234567", NumberKind::Toll, None).await;

    let mut new = new_organizer(contoso.id, " Ann Smith ", "Ann.Smith@Contoso.example");
    new.conference_id = Some("1234567".into());
    let ann = in_tx!(store, |tx| tx.create_organizer(&actor(), &new)).unwrap();
    assert_eq!(ann.profile.name, "Ann Smith");
    assert_eq!(ann.profile.email, "ann.smith@contoso.example");
    assert_eq!(ann.conference_id.as_deref(), Some("1234567"));
    assert_eq!(ann.provider, Provider::Dialbridge);
    assert!(!ann.licensed && !ann.has_pin);
    assert_eq!(store.organizer(ann.id).await.unwrap(), ann);
    let by_email = store
        .organizer_by_email(contoso.id, "ANN.SMITH@contoso.example")
        .await
        .unwrap();
    assert_eq!(by_email, Some(ann.clone()));

    let mut profile = ann.profile.clone();
    profile.dial_in_enabled = true;
    profile.default_toll_number = Some(toll.id);
    profile.default_toll_free_number = Some(free.id);
    profile.default_international_number = Some(intl.id);
    profile.toll_free_allowed = true;
    profile.anonymous_start = true;
    profile.dial_out_policy = DialOutPolicy::International;
    let updated = in_tx!(store, |tx| tx.update_organizer(&actor(), ann.id, &profile)).unwrap();
    assert_eq!(updated.profile, profile);
    assert_eq!(updated.conference_id, ann.conference_id);

    // Deleting a default number clears that default, nothing else.
    in_tx!(store, |tx| tx.delete_dial_in_number(&actor(), intl.id)).unwrap();
    let after = store.organizer(ann.id).await.unwrap();
    assert_eq!(after.profile.default_international_number, None);
    assert_eq!(after.profile.default_toll_number, Some(toll.id));

    in_tx!(store, |tx| tx.delete_organizer(&actor(), ann.id)).unwrap();
    assert!(matches!(
        store.organizer(ann.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.resolve_conference_id("1234567").await.unwrap(), None);
    assert_eq!(
        audit_actions(store, Some(contoso.id)).await,
        [
            "organization.create",
            "dial_in_number.create",
            "organizer.create",
            "organizer.update",
            "organizer.delete"
        ]
    );
}

async fn email_is_unique_within_an_organization(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let new = new_organizer(a.id, "Ann", "ann@example.com");
    in_tx!(store, |tx| tx.create_organizer(&actor(), &new)).unwrap();
    let mut again = new_organizer(a.id, "Ann Again", "ANN@example.com");
    let err = in_tx!(store, |tx| tx.create_organizer(&actor(), &again)).unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "organizer_email"),
        "{err}"
    );
    again.organization_id = b.id;
    in_tx!(store, |tx| tx.create_organizer(&actor(), &again)).unwrap();
}

async fn default_numbers_must_be_visible_and_of_the_right_kind(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let bs_number = number(store, "+14255550001", NumberKind::Toll, Some(b.id)).await;
    let free = number(store, "+18005550001", NumberKind::TollFree, None).await;
    let ann = organizer(store, a.id, "Ann").await;

    let mut profile = ann.profile.clone();
    profile.default_toll_number = Some(bs_number.id);
    let err = in_tx!(store, |tx| tx.update_organizer(&actor(), ann.id, &profile)).unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("another organization")),
        "{err}"
    );

    profile.default_toll_number = Some(free.id);
    let err = in_tx!(store, |tx| tx.update_organizer(&actor(), ann.id, &profile)).unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("toll_free")),
        "{err}"
    );

    profile.default_toll_number = Some(DialInNumberId(999_999));
    let err = in_tx!(store, |tx| tx.update_organizer(&actor(), ann.id, &profile)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

async fn switching_to_an_acp_drops_the_dialbridge_id_and_pin(db: TestDb) {
    let store = &db.store;
    let contoso = org(store, "Contoso").await;
    let mut new = new_organizer(contoso.id, "Ann", "ann@example.com");
    new.conference_id = Some("5550001".into());
    let ann = in_tx!(store, |tx| tx.create_organizer(&actor(), &new)).unwrap();
    in_tx!(store, |tx| tx.set_pin_hash(
        &actor(),
        ann.id,
        Some("$argon2id$fake")
    ))
    .unwrap();
    assert!(store.organizer(ann.id).await.unwrap().has_pin);

    let after = in_tx!(store, |tx| tx.set_provider(
        &actor(),
        ann.id,
        &Provider::Acp(acp())
    ))
    .unwrap();
    assert_eq!(after.provider, Provider::Acp(acp()));
    assert_eq!(after.conference_id, None);
    assert!(!after.has_pin);
    assert_eq!(store.organizer_pin(ann.id).await.unwrap().pin_hash, None);
    assert_eq!(store.resolve_conference_id("5550001").await.unwrap(), None);

    // An ACP organizer takes no dialbridge ID or PIN.
    let err = in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "5550002"
    ))
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = in_tx!(store, |tx| tx.set_pin_hash(
        &actor(),
        ann.id,
        Some("$argon2id$x")
    ))
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");

    let back = in_tx!(store, |tx| tx.set_provider(
        &actor(),
        ann.id,
        &Provider::Dialbridge
    ))
    .unwrap();
    assert_eq!(back.provider, Provider::Dialbridge);
    let actions = audit_actions(store, Some(contoso.id)).await;
    assert_eq!(
        actions,
        [
            "organization.create",
            "organizer.create",
            "organizer.pin_reset",
            "organizer.provider",
            "organizer.provider"
        ]
    );
    // The audit trail never holds the PIN hash.
    let log = store
        .list_audit(&AuditFilter::default(), Page::first(100))
        .await
        .unwrap();
    assert!(log
        .items
        .iter()
        .all(|e| !e.details.to_string().contains("argon2")));
}

async fn list_filters_by_provider_and_search_and_pages(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let names = [
        "Ann Smith",
        "Bob Jones",
        "Carol Smith",
        "Dan Brown",
        "Eve Smithers",
    ];
    let mut ids = Vec::new();
    for name in names {
        ids.push(organizer(store, a.id, name).await.id);
    }
    organizer(store, b.id, "Zed Smith").await;
    in_tx!(store, |tx| tx.set_provider(
        &actor(),
        ids[1],
        &Provider::Acp(acp())
    ))
    .unwrap();
    in_tx!(store, |tx| tx.set_provider(
        &actor(),
        ids[3],
        &Provider::Acp(acp())
    ))
    .unwrap();

    let in_a = OrganizerFilter {
        organization_id: Some(a.id),
        ..Default::default()
    };
    let all = store.list_organizers(&in_a, Page::default()).await.unwrap();
    assert_eq!(all.total, 5);

    let acp_only = OrganizerFilter {
        provider: Some(ProviderKind::Acp),
        ..in_a.clone()
    };
    let found = store
        .list_organizers(&acp_only, Page::default())
        .await
        .unwrap();
    let got: Vec<_> = found
        .items
        .iter()
        .map(|o| o.profile.name.as_str())
        .collect();
    assert_eq!(got, ["Bob Jones", "Dan Brown"]);

    let smiths = OrganizerFilter {
        search: Some("SMITH".into()),
        ..in_a.clone()
    };
    let found = store
        .list_organizers(&smiths, Page::new(2, 0))
        .await
        .unwrap();
    assert_eq!(found.total, 3, "search is case-insensitive on name");
    let got: Vec<_> = found
        .items
        .iter()
        .map(|o| o.profile.name.as_str())
        .collect();
    assert_eq!(got, ["Ann Smith", "Carol Smith"]);
    let next = store
        .list_organizers(&smiths, Page::new(2, 2))
        .await
        .unwrap();
    let got: Vec<_> = next.items.iter().map(|o| o.profile.name.as_str()).collect();
    assert_eq!(got, ["Eve Smithers"]);

    let by_email = OrganizerFilter {
        search: Some("bob.jones@".into()),
        ..in_a.clone()
    };
    assert_eq!(
        store
            .list_organizers(&by_email, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    // Across organizations when no organization is given.
    let everywhere = OrganizerFilter {
        search: Some("smith".into()),
        provider: Some(ProviderKind::Dialbridge),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizers(&everywhere, Page::default())
            .await
            .unwrap()
            .total,
        4
    );

    let licensed = OrganizerFilter {
        licensed: Some(true),
        ..in_a.clone()
    };
    assert_eq!(
        store
            .list_organizers(&licensed, Page::default())
            .await
            .unwrap()
            .total,
        0
    );
}

fn lockout(record: &str, failures: i32, locked_until: Option<i64>) -> PinLockoutWrite {
    PinLockoutWrite {
        lockout: Some(record.to_owned()),
        failures,
        locked_until,
    }
}

async fn pin_lockout_is_a_compare_and_swap_that_admin_writes_clear(db: TestDb) {
    let store = &db.store;
    let contoso = org(store, "Contoso").await;
    let ann = organizer(store, contoso.id, "Ann").await;
    in_tx!(store, |tx| tx.set_pin_hash(
        &actor(),
        ann.id,
        Some("$argon2id$h")
    ))
    .unwrap();
    let read = store.organizer_pin(ann.id).await.unwrap();
    assert_eq!(
        (read.failures, read.locked_until, read.lockout.as_deref()),
        (0, None, None)
    );

    // The first write over the version read wins; a second one over the same version loses.
    assert!(store
        .save_pin_lockout(ann.id, read.version, &lockout("one", 1, None))
        .await
        .unwrap());
    assert!(!store
        .save_pin_lockout(ann.id, read.version, &lockout("lost", 1, None))
        .await
        .unwrap());
    let after = store.organizer_pin(ann.id).await.unwrap();
    assert_eq!(after.lockout.as_deref(), Some("one"));
    assert_eq!(after.pin_hash.as_deref(), Some("$argon2id$h"));
    assert!(after.version > read.version);
    assert!(store
        .save_pin_lockout(ann.id, after.version, &lockout("two", 25, Some(4_600)))
        .await
        .unwrap());
    let locked = store.organizer(ann.id).await.unwrap();
    assert_eq!(
        (locked.pin_failures, locked.pin_locked_until),
        (25, Some(4_600))
    );

    // An admin unlock clears the record and bumps the version: an attempt computed before it
    // is not applied after it.
    let before_unlock = store.organizer_pin(ann.id).await.unwrap();
    in_tx!(store, |tx| tx.unlock_pin(&actor(), ann.id)).unwrap();
    let unlocked = store.organizer_pin(ann.id).await.unwrap();
    assert_eq!(
        (unlocked.failures, unlocked.locked_until, unlocked.lockout),
        (0, None, None)
    );
    assert!(!store
        .save_pin_lockout(ann.id, before_unlock.version, &lockout("stale", 26, None))
        .await
        .unwrap());

    // So does a PIN reset.
    store
        .save_pin_lockout(ann.id, unlocked.version, &lockout("three", 3, None))
        .await
        .unwrap();
    in_tx!(store, |tx| tx.set_pin_hash(
        &actor(),
        ann.id,
        Some("$argon2id$new")
    ))
    .unwrap();
    let reset = store.organizer_pin(ann.id).await.unwrap();
    assert_eq!((reset.failures, reset.lockout), (0, None));
    assert_eq!(reset.pin_hash.as_deref(), Some("$argon2id$new"));

    assert!(matches!(
        store
            .save_pin_lockout(OrganizerId(424242), 0, &lockout("x", 1, None))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

backend_tests!(
    create_get_update_delete,
    email_is_unique_within_an_organization,
    default_numbers_must_be_visible_and_of_the_right_kind,
    switching_to_an_acp_drops_the_dialbridge_id_and_pin,
    list_filters_by_provider_and_search_and_pages,
    pin_lockout_is_a_compare_and_swap_that_admin_writes_clear,
);
