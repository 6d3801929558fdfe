use crate::common::*;
use dialbridge_admin::rules::dial_in_number::NumberKind as RuleKind;
use dialbridge_admin::services::*;
use dialbridge_store::*;

fn new_number(number: &str) -> NewNumber {
    NewNumber {
        number: number.into(),
        default_region: None,
        kind: None,
        city: Some("London".into()),
        primary_language: "en-GB".into(),
        secondary_languages: vec!["fr-fr".into()],
        organization_id: None,
        trunk: "carrier-a".into(),
    }
}

#[tokio::test]
async fn numbers_are_checked_on_the_way_in() {
    let f = fixture().await;
    let added = f
        .svc
        .add_dial_in_number(&f.platform, &new_number("+44 20 7946 0000"))
        .await
        .unwrap();
    let n = &added.number.fields;
    assert_eq!(
        (n.e164.as_str(), n.country.as_str(), n.kind),
        ("+442079460000", "GB", NumberKind::Toll)
    );
    assert_eq!(
        n.secondary_languages,
        vec!["fr-FR".to_owned()],
        "normalized tag"
    );
    assert!(added.warnings.is_empty());

    let declared = NewNumber {
        kind: Some(RuleKind::Toll),
        ..new_number("+1 800 555 0199")
    };
    let added = f
        .svc
        .add_dial_in_number(&f.platform, &declared)
        .await
        .unwrap();
    assert_eq!(added.number.fields.kind, NumberKind::Toll);
    assert_eq!(added.warnings.len(), 1, "the plan says toll-free");

    for bad in [
        "+1 900 555 0199",
        "+1 000 555 0123",
        "12345",
        "+44 20 7946 0000",
    ] {
        let result = f
            .svc
            .add_dial_in_number(&f.platform, &new_number(bad))
            .await;
        assert!(
            matches!(
                result.as_ref().map_err(ServiceError::code),
                Err("invalid" | "conflict")
            ),
            "{bad}: {result:?}"
        );
    }
    let premium = f
        .svc
        .add_dial_in_number(&f.platform, &new_number("+1 900 555 0199"))
        .await
        .unwrap_err();
    assert!(premium.to_string().contains("premium-rate"), "{premium}");
    let langs = NewNumber {
        secondary_languages: vec!["en-GB".into()],
        ..new_number("+33 1 23 45 67 89")
    };
    assert_eq!(
        code(f.svc.add_dial_in_number(&f.platform, &langs).await),
        "invalid"
    );
    let unknown = NewNumber {
        primary_language: "xx-YY".into(),
        ..new_number("+33 1 23 45 67 89")
    };
    assert_eq!(
        code(f.svc.add_dial_in_number(&f.platform, &unknown).await),
        "invalid"
    );
}

#[tokio::test]
async fn who_may_change_numbers() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let shared = f.number("+1 415 555 0123", None).await;
    let own = f.number("+44 20 7946 0000", Some(&org)).await;
    let admin = org_admin(&org);
    assert_eq!(
        code(
            f.svc
                .add_dial_in_number(&admin, &new_number("+33 1 23 45 67 89"))
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(f.svc.remove_dial_in_number(&admin, own.id).await),
        "forbidden"
    );
    let langs = NumberUpdate {
        primary_language: Some("fr-FR".into()),
        secondary_languages: Some(vec!["en-GB".into(), "de-DE".into()]),
        ..Default::default()
    };
    let changed = f
        .svc
        .update_dial_in_number(&admin, own.id, &langs)
        .await
        .unwrap();
    assert_eq!(changed.fields.primary_language, "fr-FR");
    assert_eq!(
        code(f.svc.update_dial_in_number(&admin, shared.id, &langs).await),
        "forbidden"
    );
    let trunk = NumberUpdate {
        trunk: Some("carrier-b".into()),
        ..Default::default()
    };
    assert_eq!(
        code(f.svc.update_dial_in_number(&admin, own.id, &trunk).await),
        "forbidden"
    );
    let changed = f
        .svc
        .update_dial_in_number(&f.platform, own.id, &trunk)
        .await
        .unwrap();
    assert_eq!(changed.fields.trunk, "carrier-b");
    assert_eq!(
        f.svc.dial_in_number(&admin, shared.id).await.unwrap().id,
        shared.id
    );
}

#[tokio::test]
async fn a_number_in_use_is_not_removed_or_retyped() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let toll = f.number("+1 415 555 0123", None).await;
    f.enabled(&org, "Ann").await;
    assert_eq!(
        code(f.svc.remove_dial_in_number(&f.platform, toll.id).await),
        "conflict"
    );
    let retype = NumberUpdate {
        kind: Some(RuleKind::TollFree),
        ..Default::default()
    };
    assert_eq!(
        code(
            f.svc
                .update_dial_in_number(&f.platform, toll.id, &retype)
                .await
        ),
        "conflict"
    );
    let spare = f.number("+1 212 555 0147", None).await;
    f.svc
        .remove_dial_in_number(&f.platform, spare.id)
        .await
        .unwrap();
    assert_eq!(
        code(f.svc.dial_in_number(&f.platform, spare.id).await),
        "not_found"
    );
}

#[tokio::test]
async fn public_page_lists_shared_and_own_numbers() {
    let f = fixture().await;
    let a = f.org("Contoso").await;
    let b = f.org("Fabrikam").await;
    f.number("+1 415 555 0123", None).await;
    f.number("+44 20 7946 0000", Some(&a)).await;
    f.number("+33 1 23 45 67 89", Some(&b)).await;
    let page = f.svc.public_dial_in_numbers(a.id).await.unwrap();
    let listed: Vec<&str> = page.iter().map(|n| n.display.as_str()).collect();
    assert_eq!(listed, ["+44 20 7946 0000", "+1 415 555 0123"]);
    let london = &page[0];
    assert_eq!(
        (london.country.as_str(), london.city.as_deref(), london.kind),
        ("GB", Some("Springfield"), NumberKind::Toll)
    );
    assert_eq!(london.primary_language, "en-US");
    assert_eq!(london.secondary_languages, ["es-ES"]);
    assert_eq!(
        code(f.svc.public_dial_in_numbers(OrganizationId(999)).await),
        "not_found"
    );
}
