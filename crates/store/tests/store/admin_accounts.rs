use crate::fixtures::{actor, audit_actions, org};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

fn account(email: &str, role: Role, org: Option<OrganizationId>) -> NewAdminAccount {
    NewAdminAccount {
        email: email.into(),
        password_hash: "$argon2id$secret".into(),
        role,
        organization_id: org,
    }
}

async fn accounts_crud_roles_and_login(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let root = in_tx!(store, |tx| tx.create_admin_account(
        &actor(),
        &account("Root@Example.com", Role::PlatformAdmin, None)
    ))
    .unwrap();
    assert_eq!(root.email, "root@example.com");
    let admin = in_tx!(store, |tx| tx.create_admin_account(
        &actor(),
        &account("it@a.example", Role::OrgAdmin, Some(a.id))
    ))
    .unwrap();
    assert_eq!(store.admin_account(admin.id).await.unwrap(), admin);

    let login = store.admin_login("IT@A.example").await.unwrap().unwrap();
    assert_eq!(login.account, admin);
    assert_eq!(login.password_hash, "$argon2id$secret");
    assert_eq!(store.admin_login("nobody@a.example").await.unwrap(), None);

    let err = in_tx!(store, |tx| tx.create_admin_account(
        &actor(),
        &account("IT@a.example", Role::ReadOnly, None)
    ))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "admin_email"),
        "{err}"
    );
    for bad in [
        account("x@a.example", Role::OrgAdmin, None),
        account("y@a.example", Role::PlatformAdmin, Some(a.id)),
    ] {
        let err = in_tx!(store, |tx| tx.create_admin_account(&actor(), &bad)).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }

    let demoted = in_tx!(store, |tx| tx.set_admin_role(
        &actor(),
        admin.id,
        Role::ReadOnly,
        Some(a.id)
    ))
    .unwrap();
    assert_eq!(demoted.role, Role::ReadOnly);
    in_tx!(store, |tx| tx.set_admin_password_hash(
        &actor(),
        admin.id,
        "$argon2id$new"
    ))
    .unwrap();
    assert_eq!(
        store
            .admin_login("it@a.example")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );

    let in_a = store
        .list_admin_accounts(Some(a.id), Page::default())
        .await
        .unwrap();
    assert_eq!(in_a.total, 1);
    let all = store
        .list_admin_accounts(None, Page::new(1, 1))
        .await
        .unwrap();
    assert_eq!((all.total, all.items[0].id), (2, admin.id));

    in_tx!(store, |tx| tx.delete_admin_account(&actor(), admin.id)).unwrap();
    assert!(matches!(
        store.admin_account(admin.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        audit_actions(store, Some(a.id)).await[1..],
        [
            "admin_account.create",
            "admin_account.role",
            "admin_account.password",
            "admin_account.delete"
        ]
    );
    let everything = store
        .list_audit(&AuditFilter::default(), Page::first(100))
        .await
        .unwrap();
    assert!(everything
        .items
        .iter()
        .all(|e| !e.details.to_string().contains("argon2")));
}

async fn api_tokens_authenticate_and_revoke(db: TestDb) {
    let store = db.store.with_clock(|| 9_000);
    let a = org(&store, "A").await;
    let admin = in_tx!(store, |tx| tx.create_admin_account(
        &actor(),
        &account("it@a.example", Role::OrgAdmin, Some(a.id))
    ))
    .unwrap();
    let token = in_tx!(store, |tx| tx.create_api_token(
        &actor(),
        admin.id,
        "ci",
        "hash-1"
    ))
    .unwrap();
    assert_eq!(
        (token.name.as_str(), token.created_at, token.last_used_at),
        ("ci", 9_000, None)
    );
    let err = in_tx!(store, |tx| tx.create_api_token(
        &actor(),
        admin.id,
        "dup",
        "hash-1"
    ))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "api_token"),
        "{err}"
    );

    let (found, owner) = store.api_token_by_hash("hash-1").await.unwrap().unwrap();
    assert_eq!((found.id, owner.id), (token.id, admin.id));
    assert_eq!(store.api_token_by_hash("hash-2").await.unwrap(), None);
    store.touch_api_token(token.id).await.unwrap();
    assert_eq!(
        store.list_api_tokens(admin.id).await.unwrap()[0].last_used_at,
        Some(9_000)
    );

    in_tx!(store, |tx| tx.delete_api_token(&actor(), token.id)).unwrap();
    assert_eq!(store.api_token_by_hash("hash-1").await.unwrap(), None);

    // Deleting the account takes its tokens with it.
    in_tx!(store, |tx| tx.create_api_token(
        &actor(),
        admin.id,
        "cli",
        "hash-3"
    ))
    .unwrap();
    in_tx!(store, |tx| tx.delete_admin_account(&actor(), admin.id)).unwrap();
    assert_eq!(store.api_token_by_hash("hash-3").await.unwrap(), None);
}

backend_tests!(
    accounts_crud_roles_and_login,
    api_tokens_authenticate_and_revoke
);
