use crate::fixtures::{actor, audit_actions, new_organizer, org, org_fields, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

/// A transaction of several writes, the third failing half-way through its own rows (the
/// organizer row is inserted, then its conference ID collides): nothing at all is written,
/// not the organization, not the organizer, not one audit row.
async fn a_failure_mid_way_writes_nothing(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "1111111"
    ))
    .unwrap();
    let audit_before = store
        .list_audit(&AuditFilter::default(), Page::default())
        .await
        .unwrap()
        .total;

    let mut tx = store.begin().await.unwrap();
    let b = tx
        .create_organization(&actor(), &org_fields("B"))
        .await
        .unwrap();
    tx.create_organizer(&actor(), &new_organizer(b.id, "Bob", "bob@example.com"))
        .await
        .unwrap();
    let mut carol = new_organizer(b.id, "Carol", "carol@example.com");
    carol.conference_id = Some("1111111".into());
    let err = tx.create_organizer(&actor(), &carol).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert!(tx.has_failed());
    // Committing anyway is refused and rolls everything back.
    assert!(matches!(tx.commit().await, Err(StoreError::RolledBack)));

    assert_eq!(store.organization_by_name("B").await.unwrap(), None);
    let everyone = store
        .list_organizers(&OrganizerFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(everyone.total, 1, "only Ann");
    let audit_after = store
        .list_audit(&AuditFilter::default(), Page::default())
        .await
        .unwrap()
        .total;
    assert_eq!(audit_after, audit_before);
}

async fn dropping_a_transaction_rolls_it_back(db: TestDb) {
    let store = &db.store;
    {
        let mut tx = store.begin().await.unwrap();
        tx.create_organization(&actor(), &org_fields("Gone"))
            .await
            .unwrap();
        // Reads inside the transaction see its own writes.
        assert!(tx.organization_by_name("Gone").await.unwrap().is_some());
    }
    assert_eq!(store.organization_by_name("Gone").await.unwrap(), None);
    assert_eq!(audit_actions(store, None).await, Vec::<String>::new());
    // The pool's connection came back usable.
    org(store, "Kept").await;
}

async fn several_writes_commit_together_with_their_mail(db: TestDb) {
    let store = db.store.with_clock(|| 5_000);
    let a = org(&store, "A").await;
    let ann = organizer(&store, a.id, "Ann").await;
    let mut tx = store.begin().await.unwrap();
    tx.set_pin_hash(&actor(), ann.id, Some("$argon2id$new"))
        .await
        .unwrap();
    let mail = tx
        .enqueue_mail(&NewMail {
            organization_id: Some(a.id),
            recipient: "ann@example.com".into(),
            subject: "Your new PIN".into(),
            body_text: "PIN: 48213".into(),
            body_html: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(store.organizer(ann.id).await.unwrap().has_pin);
    assert_eq!(store.mail(mail).await.unwrap().status, MailStatus::Queued);
    let entry = &store
        .list_audit(
            &AuditFilter {
                organization_id: Some(a.id),
                action: Some("organizer.pin_reset".into()),
                ..AuditFilter::default()
            },
            Page::default(),
        )
        .await
        .unwrap()
        .items[0];
    assert_eq!(entry.at, 5_000);
    assert_eq!(entry.actor, "system:test");
    assert_eq!(entry.target, format!("organizer:{}", ann.id));
}

async fn audit_rows_carry_who_what_when_and_are_append_only(db: TestDb) {
    let store = db.store.clone().with_clock(|| 42);
    let who = Actor::admin(AdminAccountId(7), "admin@example.com");
    let created = in_tx!(store, |tx| tx.create_organization(&who, &org_fields("A"))).unwrap();
    let log = store
        .list_audit(&AuditFilter::default(), Page::default())
        .await
        .unwrap();
    let entry = &log.items[0];
    assert_eq!(entry.at, 42);
    assert_eq!(entry.actor_account_id, Some(AdminAccountId(7)));
    assert_eq!(entry.actor, "admin@example.com");
    assert_eq!(entry.organization_id, Some(created.id));
    assert_eq!(entry.action, "organization.create");
    assert_eq!(entry.details["after"]["name"], "A");

    // The database itself refuses to rewrite history.
    let url = db.url.clone();
    let refused = if db.is_sqlite() {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
            .await
            .unwrap();
        let update = sqlx::query("UPDATE audit_log SET actor = 'x'")
            .execute(&mut c)
            .await;
        let delete = sqlx::query("DELETE FROM audit_log").execute(&mut c).await;
        update.is_err() && delete.is_err()
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
            .await
            .unwrap();
        let update = sqlx::query("UPDATE audit_log SET actor = 'x'")
            .execute(&mut c)
            .await;
        let delete = sqlx::query("DELETE FROM audit_log").execute(&mut c).await;
        update.is_err() && delete.is_err()
    };
    assert!(refused);
    assert_eq!(
        store
            .list_audit(&AuditFilter::default(), Page::default())
            .await
            .unwrap()
            .total,
        1
    );
}

async fn audit_list_filters_and_pages_newest_first(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    for name in ["Ann", "Bob", "Cat"] {
        organizer(store, a.id, name).await;
    }
    organizer(store, b.id, "Dan").await;
    let only_a = AuditFilter {
        organization_id: Some(a.id),
        action: Some("organizer.create".into()),
        ..AuditFilter::default()
    };
    let page = store.list_audit(&only_a, Page::new(2, 0)).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items.len(), 2);
    assert!(page.items[0].id > page.items[1].id, "newest first");
    assert_eq!(page.items[0].details["after"]["name"], "Cat");

    // By entity kind or one entity, by actor, and since a time.
    let ann = &store
        .list_audit(&only_a, Page::new(1, 2))
        .await
        .unwrap()
        .items[0];
    let by = |f: AuditFilter| async move { store.list_audit(&f, Page::default()).await.unwrap() };
    let kind = by(AuditFilter {
        organization_id: Some(a.id),
        entity: Some("organizer".into()),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(kind.total, 3);
    let one = by(AuditFilter {
        entity: Some(ann.target.clone()),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!((one.total, one.items[0].id), (1, ann.id));
    // LIKE's wildcards in an entity are literal.
    let wild = by(AuditFilter {
        entity: Some("org%".into()),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(wild.total, 0);
    let by_actor = by(AuditFilter {
        actor: Some(ann.actor.clone()),
        ..AuditFilter::default()
    })
    .await;
    assert!(by_actor.total >= 4);
    let nobody = by(AuditFilter {
        actor: Some("someone-else".into()),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(nobody.total, 0);
    let newest = by(AuditFilter::default()).await.items[0].at;
    let later = by(AuditFilter {
        since: Some(newest + 1),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(later.total, 0);
    let from = by(AuditFilter {
        since: Some(ann.at),
        ..AuditFilter::default()
    })
    .await;
    assert!(from.total >= 4);
}

backend_tests!(
    a_failure_mid_way_writes_nothing,
    dropping_a_transaction_rolls_it_back,
    several_writes_commit_together_with_their_mail,
    audit_rows_carry_who_what_when_and_are_append_only,
    audit_list_filters_and_pages_newest_first,
);
