use crate::fixtures::{actor, org, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

fn attempt(
    reference: &str,
    org: OrganizationId,
    organizer: Option<OrganizerId>,
) -> DialOutAttemptWrite {
    DialOutAttemptWrite {
        reference: reference.into(),
        organization_id: org,
        organizer_id: organizer,
        conference_key: Some("organizer-1".into()),
        purpose: DialOutKind::AddParticipant,
        requested_by: "admin@contoso.example".into(),
        dialed: "+44 20 7946 0000".into(),
        e164: None,
        destination_country: None,
        status: DialOutStatus::Calling,
        reason: None,
    }
}

async fn the_first_write_inserts_and_later_ones_update_the_progress(db: TestDb) {
    let clock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(1_800_000_000));
    let now = clock.clone();
    let store = db
        .store
        .with_clock(move || now.load(std::sync::atomic::Ordering::Relaxed));
    let a = org(&store, "A").await;
    let ann = organizer(&store, a.id, "Ann").await;

    let first = store
        .record_dial_out_attempt(&attempt("00112233aabbccdd", a.id, Some(ann.id)))
        .await
        .unwrap();
    assert_eq!(first.attempt.status, DialOutStatus::Calling);
    assert_eq!(first.organizer_name.as_deref(), Some("Ann"));
    assert_eq!(
        (first.created_at, first.updated_at),
        (1_800_000_000, 1_800_000_000)
    );

    clock.store(1_800_000_030, std::sync::atomic::Ordering::Relaxed);
    let ringing = DialOutAttemptWrite {
        status: DialOutStatus::Ringing,
        e164: Some("+442079460000".into()),
        destination_country: Some("gb".into()),
        ..attempt("00112233aabbccdd", a.id, Some(ann.id))
    };
    store.record_dial_out_attempt(&ringing).await.unwrap();
    clock.store(1_800_000_060, std::sync::atomic::Ordering::Relaxed);
    let busy = DialOutAttemptWrite {
        status: DialOutStatus::Busy,
        reason: Some("486".into()),
        // Not repeated: what was learned before stays.
        e164: None,
        destination_country: None,
        // The key fields of a later write do not rewrite the row.
        dialed: "something else".into(),
        ..attempt("00112233aabbccdd", a.id, Some(ann.id))
    };
    let last = store.record_dial_out_attempt(&busy).await.unwrap();
    assert_eq!(last.id, first.id, "one row per reference");
    assert_eq!(last.attempt.status, DialOutStatus::Busy);
    assert_eq!(last.attempt.reason.as_deref(), Some("486"));
    assert_eq!(last.attempt.e164.as_deref(), Some("+442079460000"));
    assert_eq!(last.attempt.destination_country.as_deref(), Some("GB"));
    assert_eq!(last.attempt.dialed, "+44 20 7946 0000");
    assert_eq!(
        (last.created_at, last.updated_at),
        (1_800_000_000, 1_800_000_060)
    );
    assert_eq!(
        store.dial_out_attempt("00112233aabbccdd").await.unwrap(),
        last
    );
    assert!(matches!(
        store.dial_out_attempt("ffffffffffffffff").await,
        Err(StoreError::NotFound { .. })
    ));

    // A deleted organizer leaves the log, unnamed.
    in_tx!(store, |tx| tx.delete_organizer(&actor(), ann.id)).unwrap();
    let kept = store.dial_out_attempt("00112233aabbccdd").await.unwrap();
    assert_eq!(kept.attempt.organizer_id, None);
    assert_eq!(kept.organizer_name, None);
}

async fn bad_writes_are_refused(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    for bad in [
        attempt("short", a.id, None),
        attempt("00112233AABBCCDD", a.id, None),
        DialOutAttemptWrite {
            e164: Some("020 7946 0000".into()),
            ..attempt("0011223344556677", a.id, None)
        },
        DialOutAttemptWrite {
            destination_country: Some("GBR".into()),
            ..attempt("0011223344556677", a.id, None)
        },
        DialOutAttemptWrite {
            requested_by: " ".into(),
            ..attempt("0011223344556677", a.id, None)
        },
    ] {
        let err = store.record_dial_out_attempt(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
}

async fn the_log_lists_newest_first_filtered_and_goes_with_its_organization(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let ann = organizer(store, a.id, "Ann").await;
    let refs = ["000000000000000a", "000000000000000b", "000000000000000c"];
    store
        .record_dial_out_attempt(&DialOutAttemptWrite {
            status: DialOutStatus::Refused,
            reason: Some("international_not_allowed".into()),
            ..attempt(refs[0], a.id, Some(ann.id))
        })
        .await
        .unwrap();
    store
        .record_dial_out_attempt(&attempt(refs[1], a.id, None))
        .await
        .unwrap();
    store
        .record_dial_out_attempt(&attempt(refs[2], b.id, None))
        .await
        .unwrap();
    let refs_of = |p: Paged<DialOutAttempt>| {
        p.items
            .into_iter()
            .map(|a| a.attempt.reference)
            .collect::<Vec<_>>()
    };
    let all = store
        .list_dial_out_attempts(&DialOutFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(refs_of(all), [refs[2], refs[1], refs[0]], "newest first");
    let of_a = DialOutFilter {
        organization_id: Some(a.id),
        ..DialOutFilter::default()
    };
    assert_eq!(
        refs_of(
            store
                .list_dial_out_attempts(&of_a, Page::default())
                .await
                .unwrap()
        ),
        [refs[1], refs[0]]
    );
    let refused = DialOutFilter {
        status: Some(DialOutStatus::Refused),
        ..of_a.clone()
    };
    assert_eq!(
        refs_of(
            store
                .list_dial_out_attempts(&refused, Page::default())
                .await
                .unwrap()
        ),
        [refs[0]]
    );
    let of_ann = DialOutFilter {
        organizer_id: Some(ann.id),
        ..DialOutFilter::default()
    };
    assert_eq!(
        store
            .list_dial_out_attempts(&of_ann, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    in_tx!(store, |tx| tx.delete_organization(&actor(), b.id)).unwrap();
    assert!(matches!(
        store.dial_out_attempt(refs[2]).await,
        Err(StoreError::NotFound { .. })
    ));
}

backend_tests!(
    the_first_write_inserts_and_later_ones_update_the_progress,
    bad_writes_are_refused,
    the_log_lists_newest_first_filtered_and_goes_with_its_organization
);
