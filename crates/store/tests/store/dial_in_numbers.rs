use crate::fixtures::{actor, audit_actions, number, number_fields, org};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

async fn create_get_update_delete(db: TestDb) {
    let store = &db.store;
    let contoso = org(store, "Contoso").await;
    let n = number(store, "+14255550100", NumberKind::Toll, Some(contoso.id)).await;
    assert_eq!(
        n.fields,
        number_fields("+14255550100", NumberKind::Toll, Some(contoso.id))
    );
    assert_eq!(store.dial_in_number(n.id).await.unwrap(), n);
    assert_eq!(
        store.dial_in_number_by_e164("+14255550100").await.unwrap(),
        Some(n.clone())
    );
    assert_eq!(
        store.dial_in_number_by_e164("+10000000000").await.unwrap(),
        None
    );

    let mut fields = n.fields.clone();
    fields.kind = NumberKind::TollFree;
    fields.city = None;
    fields.secondary_languages = vec![
        "fr-CA".into(),
        "de-DE".into(),
        "ja-JP".into(),
        "es-ES".into(),
    ];
    fields.organization_id = None;
    fields.trunk = "carrier-b".into();
    let updated = in_tx!(store, |tx| tx.update_dial_in_number(
        &actor(),
        n.id,
        &fields
    ))
    .unwrap();
    assert_eq!(updated.fields, fields);

    in_tx!(store, |tx| tx.delete_dial_in_number(&actor(), n.id)).unwrap();
    assert!(matches!(
        store.dial_in_number(n.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let actions = audit_actions(store, None).await;
    assert!(actions.ends_with(&[
        "dial_in_number.create".to_owned(),
        "dial_in_number.update".to_owned(),
        "dial_in_number.delete".to_owned()
    ]));
}

async fn numbers_are_unique_and_checked(db: TestDb) {
    let store = &db.store;
    number(store, "+14255550100", NumberKind::Toll, None).await;
    let err = in_tx!(store, |tx| tx.create_dial_in_number(
        &actor(),
        &number_fields("+14255550100", NumberKind::TollFree, None)
    ))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "dial_in_number"),
        "{err}"
    );

    let err = in_tx!(store, |tx| tx.create_dial_in_number(
        &actor(),
        &number_fields("425 555 0100", NumberKind::Toll, None)
    ))
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");

    let mut five = number_fields("+14255550101", NumberKind::Toll, None);
    five.secondary_languages = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let err = in_tx!(store, |tx| tx.create_dial_in_number(&actor(), &five)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

async fn list_shows_shared_and_own_numbers(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    number(store, "+14255550001", NumberKind::Toll, None).await;
    number(store, "+18005550001", NumberKind::TollFree, None).await;
    number(store, "+14255550002", NumberKind::Toll, Some(a.id)).await;
    number(store, "+14255550003", NumberKind::Toll, Some(b.id)).await;

    let all = store
        .list_dial_in_numbers(&DialInNumberFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 4);
    let for_a = DialInNumberFilter {
        visible_to: Some(a.id),
        ..Default::default()
    };
    let got = store
        .list_dial_in_numbers(&for_a, Page::default())
        .await
        .unwrap();
    let e164s: Vec<_> = got.items.iter().map(|n| n.fields.e164.as_str()).collect();
    assert_eq!(e164s, ["+14255550001", "+14255550002", "+18005550001"]);
    let toll_for_a = DialInNumberFilter {
        kind: Some(NumberKind::Toll),
        country: Some("us".into()),
        ..for_a
    };
    let got = store
        .list_dial_in_numbers(&toll_for_a, Page::new(1, 1))
        .await
        .unwrap();
    assert_eq!(got.total, 2);
    assert_eq!(got.items[0].fields.e164, "+14255550002");
}

async fn dedicated_numbers_block_deleting_their_organization(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let n = number(store, "+14255550002", NumberKind::Toll, Some(a.id)).await;
    let err = in_tx!(store, |tx| tx.delete_organization(&actor(), a.id)).unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "reference"),
        "{err}"
    );
    in_tx!(store, |tx| tx.delete_dial_in_number(&actor(), n.id)).unwrap();
    in_tx!(store, |tx| tx.delete_organization(&actor(), a.id)).unwrap();
}

backend_tests!(
    create_get_update_delete,
    numbers_are_unique_and_checked,
    list_shows_shared_and_own_numbers,
    dedicated_numbers_block_deleting_their_organization,
);
