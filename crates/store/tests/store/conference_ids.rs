use crate::fixtures::{actor, audit_actions, new_organizer, org, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

fn meeting(organizer_id: OrganizerId, code: &str) -> NewMeeting {
    NewMeeting {
        organizer_id,
        fields: MeetingFields {
            subject: "Weekly sync".into(),
            starts_at: 1_800_000_000,
            ends_at: 1_800_003_600,
        },
        conference_id: code.into(),
    }
}

async fn ids_are_unique_across_organizers_and_meetings(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let ann = organizer(store, a.id, "Ann").await;
    let bob = organizer(store, b.id, "Bob").await;
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "1111111"
    ))
    .unwrap();

    // Another organizer, even of another organization, cannot take it...
    let err = in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        bob.id.into(),
        "1111111"
    ))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "conference_id"),
        "{err}"
    );
    // ...nor can a meeting, and the meeting is then not created at all.
    let err = in_tx!(store, |tx| tx
        .create_meeting(&actor(), &meeting(bob.id, "1111111")))
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "conference_id"),
        "{err}"
    );
    assert_eq!(
        store
            .list_meetings(bob.id, Page::default())
            .await
            .unwrap()
            .total,
        0
    );

    // A meeting's dynamic ID blocks an organizer's static one the same way.
    let m = in_tx!(store, |tx| tx
        .create_meeting(&actor(), &meeting(bob.id, "2222222")))
    .unwrap();
    let err = in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "2222222"
    ))
    .unwrap_err();
    assert!(matches!(&err, StoreError::Conflict { .. }), "{err}");

    assert_eq!(
        store.resolve_conference_id("1111111").await.unwrap(),
        Some(ConferenceTarget {
            organization_id: a.id,
            organizer_id: ann.id,
            meeting_id: None
        })
    );
    assert_eq!(
        store.resolve_conference_id("2222222").await.unwrap(),
        Some(ConferenceTarget {
            organization_id: b.id,
            organizer_id: bob.id,
            meeting_id: Some(m.id)
        })
    );
    assert_eq!(store.resolve_conference_id("3333333").await.unwrap(), None);

    let err = in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "12a4567"
    ))
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

async fn reset_replaces_the_id_atomically(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    let bob = organizer(store, a.id, "Bob").await;
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "1111111"
    ))
    .unwrap();
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        bob.id.into(),
        "2222222"
    ))
    .unwrap();

    // While a reset is under way (not committed), the old ID still works for everyone else.
    let mut tx = store.begin().await.unwrap();
    tx.set_conference_id(&actor(), ann.id.into(), "4444444")
        .await
        .unwrap();
    assert_eq!(tx.resolve_conference_id("1111111").await.unwrap(), None);
    // (Another connection reads the last commit: MVCC on PostgreSQL, WAL on SQLite.)
    assert!(store
        .resolve_conference_id("1111111")
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.resolve_conference_id("4444444").await.unwrap(), None);
    tx.commit().await.unwrap();
    // Once committed, the old ID stops resolving at once and the new one leads to Ann.
    assert_eq!(store.resolve_conference_id("1111111").await.unwrap(), None);
    let target = store
        .resolve_conference_id("4444444")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(target.organizer_id, ann.id);
    assert_eq!(
        store
            .organizer(ann.id)
            .await
            .unwrap()
            .conference_id
            .as_deref(),
        Some("4444444")
    );

    // A reset to a taken ID changes nothing: Ann keeps hers.
    let err = in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "2222222"
    ))
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert_eq!(
        store
            .conference_id_of(ann.id.into())
            .await
            .unwrap()
            .as_deref(),
        Some("4444444")
    );

    // The freed ID can be given out again.
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        bob.id.into(),
        "1111111"
    ))
    .unwrap();
    assert_eq!(
        store
            .resolve_conference_id("1111111")
            .await
            .unwrap()
            .unwrap()
            .organizer_id,
        bob.id
    );

    assert!(in_tx!(store, |tx| tx.remove_conference_id(&actor(), ann.id.into())).unwrap());
    assert!(!in_tx!(store, |tx| tx.remove_conference_id(&actor(), ann.id.into())).unwrap());
    assert_eq!(store.resolve_conference_id("4444444").await.unwrap(), None);

    let log = store
        .list_audit(
            &AuditFilter {
                organization_id: Some(a.id),
                action: Some("conference_id.reset".into()),
                ..AuditFilter::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(log.total, 2);
    assert_eq!(log.items[1].details["before"], "1111111");
    assert_eq!(log.items[1].details["after"], "4444444");
    assert_eq!(log.items[1].target, format!("organizer:{}", ann.id));
}

async fn meetings_crud_with_their_ids(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    let m = in_tx!(store, |tx| tx
        .create_meeting(&actor(), &meeting(ann.id, "7654321")))
    .unwrap();
    assert_eq!(m.conference_id.as_deref(), Some("7654321"));
    assert_eq!(m.organization_id, a.id);
    assert_eq!(store.meeting(m.id).await.unwrap(), m);

    let fields = MeetingFields {
        subject: "Moved".into(),
        starts_at: 1_700_000_000,
        ends_at: 1_700_001_000,
    };
    let moved = in_tx!(store, |tx| tx.update_meeting(&actor(), m.id, &fields)).unwrap();
    assert_eq!(moved.fields, fields);
    let later = in_tx!(store, |tx| tx
        .create_meeting(&actor(), &meeting(ann.id, "7654322")))
    .unwrap();
    let list = store.list_meetings(ann.id, Page::default()).await.unwrap();
    let ids: Vec<_> = list.items.iter().map(|m| m.id).collect();
    assert_eq!(ids, [m.id, later.id], "by start time");

    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        m.id.into(),
        "7654323"
    ))
    .unwrap();
    assert_eq!(store.resolve_conference_id("7654321").await.unwrap(), None);

    let bad = MeetingFields {
        subject: "Backwards".into(),
        starts_at: 10,
        ends_at: 5,
    };
    let err = in_tx!(store, |tx| tx.update_meeting(&actor(), m.id, &bad)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = in_tx!(store, |tx| tx
        .create_meeting(&actor(), &meeting(OrganizerId(999), "7654329")))
    .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");

    in_tx!(store, |tx| tx.delete_meeting(&actor(), m.id)).unwrap();
    assert_eq!(store.resolve_conference_id("7654323").await.unwrap(), None);
    let actions = audit_actions(store, Some(a.id)).await;
    assert_eq!(
        actions[2..],
        [
            "meeting.create",
            "meeting.update",
            "meeting.create",
            "conference_id.reset",
            "meeting.delete"
        ]
    );
}

async fn organizer_created_with_a_taken_id_is_not_created(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    in_tx!(store, |tx| tx.set_conference_id(
        &actor(),
        ann.id.into(),
        "1111111"
    ))
    .unwrap();
    let mut new = new_organizer(a.id, "Bob", "bob@example.com");
    new.conference_id = Some("1111111".into());
    let err = in_tx!(store, |tx| tx.create_organizer(&actor(), &new)).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert_eq!(
        store
            .organizer_by_email(a.id, "bob@example.com")
            .await
            .unwrap(),
        None
    );
}

backend_tests!(
    ids_are_unique_across_organizers_and_meetings,
    reset_replaces_the_id_atomically,
    meetings_crud_with_their_ids,
    organizer_created_with_a_taken_id_is_not_created,
);
