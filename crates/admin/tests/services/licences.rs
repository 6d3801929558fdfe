use crate::common::*;

#[tokio::test]
async fn licences_never_exceed_the_seats() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let admin = org_admin(&org);
    let ann = f.organizer(&org, "Ann").await;
    let bob = f.organizer(&org, "Bob").await;

    assert_eq!(
        code(f.svc.assign_licence(&admin, ann.id).await),
        "seats_exhausted"
    );
    f.svc
        .set_licence_seats(&f.platform, org.id, 1)
        .await
        .unwrap();
    assert!(f.svc.assign_licence(&admin, ann.id).await.unwrap());
    assert!(
        !f.svc.assign_licence(&admin, ann.id).await.unwrap(),
        "already held"
    );
    assert_eq!(
        code(f.svc.assign_licence(&admin, bob.id).await),
        "seats_exhausted"
    );
    let pool = f.svc.licence_pool(&admin, org.id).await.unwrap();
    assert_eq!((pool.seats_bought, pool.seats_assigned), (1, 1));

    let err = f
        .svc
        .set_licence_seats(&f.platform, org.id, 0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("1 licences are assigned"), "{err}");

    assert!(f.svc.remove_licence(&admin, ann.id).await.unwrap());
    assert!(!f.svc.remove_licence(&admin, ann.id).await.unwrap());
    assert!(f.svc.assign_licence(&admin, bob.id).await.unwrap());
    f.svc
        .set_licence_seats(&f.platform, org.id, 1)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_licence_in_use_is_not_removed_silently() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let err = f
        .svc
        .remove_licence(&org_admin(&org), ann.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    f.svc
        .disable_dial_in(&org_admin(&org), ann.id)
        .await
        .unwrap();
    assert!(f
        .svc
        .remove_licence(&org_admin(&org), ann.id)
        .await
        .unwrap());
}
