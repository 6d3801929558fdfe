use crate::fixtures::{audit_actions, org, organizer};
use crate::harness::{backend_tests, TestDb};
use dialbridge_store::*;

/// 2026-03-01T00:00:00Z.
const MARCH: i64 = 1_772_323_200;
/// 2026-04-01T00:00:00Z.
const APRIL: i64 = 1_775_001_600;

fn inbound(org: Option<OrganizationId>, ended_at: i64, duration_secs: i64) -> NewCallRecord {
    NewCallRecord {
        direction: CallDirection::Inbound,
        trunk: "carrier-a".into(),
        called_number: "+12065550100".into(),
        caller_number: Some("anonymous".into()),
        dial_in_number_kind: Some(NumberKind::Toll),
        country: Some("us".into()),
        organization_id: org,
        organizer_id: None,
        meeting_id: None,
        conference_key: Some("1234567".into()),
        role: Some(CallRole::Attendee),
        started_at: ended_at - duration_secs - 5,
        answered_at: Some(ended_at - duration_secs),
        ended_at,
        duration_secs,
        end_reason: "caller_hangup".into(),
    }
}

async fn records_are_stored_listed_newest_first_and_filtered(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let ann = organizer(store, a.id, "Ann").await;

    let first = store
        .insert_call_record(&NewCallRecord {
            organizer_id: Some(ann.id),
            role: Some(CallRole::Organizer),
            ..inbound(Some(a.id), MARCH + 100, 61)
        })
        .await
        .unwrap();
    assert_eq!(first.call.country.as_deref(), Some("US"), "uppercased");
    assert_eq!(first.month, "2026-03");
    assert_eq!(first.call.organizer_id, Some(ann.id));
    assert_eq!(store.call_record(first.id).await.unwrap(), first);

    let second = store
        .insert_call_record(&inbound(Some(b.id), MARCH + 200, 30))
        .await
        .unwrap();
    let dial_out = store
        .insert_call_record(&NewCallRecord {
            direction: CallDirection::Outbound,
            called_number: "+442071838750".into(),
            caller_number: None,
            dial_in_number_kind: None,
            country: Some("GB".into()),
            role: None,
            ..inbound(Some(a.id), APRIL + 10, 120)
        })
        .await
        .unwrap();

    let ids = |p: Paged<CallRecord>| p.items.iter().map(|r| r.id).collect::<Vec<_>>();
    let all = store
        .list_call_records(&CallRecordFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(ids(all), [dial_out.id, second.id, first.id], "newest first");

    let only_a = CallRecordFilter {
        organization_id: Some(a.id),
        ..CallRecordFilter::default()
    };
    assert_eq!(
        ids(store
            .list_call_records(&only_a, Page::default())
            .await
            .unwrap()),
        [dial_out.id, first.id]
    );
    let page = store
        .list_call_records(&only_a, Page::new(1, 1))
        .await
        .unwrap();
    assert_eq!((page.total, ids(page)), (2, vec![first.id]));

    let filtered = |f: CallRecordFilter| async move {
        ids(store.list_call_records(&f, Page::default()).await.unwrap())
    };
    assert_eq!(
        filtered(CallRecordFilter {
            organizer_id: Some(ann.id),
            ..CallRecordFilter::default()
        })
        .await,
        [first.id]
    );
    assert_eq!(
        filtered(CallRecordFilter {
            direction: Some(CallDirection::Outbound),
            ..CallRecordFilter::default()
        })
        .await,
        [dial_out.id]
    );
    assert_eq!(
        filtered(CallRecordFilter {
            since: Some(MARCH + 200),
            until: Some(APRIL + 10),
            ..CallRecordFilter::default()
        })
        .await,
        [second.id],
        "since inclusive, until exclusive"
    );

    // Not an admin change: no audit rows.
    assert!(audit_actions(store, Some(a.id))
        .await
        .iter()
        .all(|a| !a.starts_with("call")));
}

async fn a_deleted_organizer_leaves_the_record_and_bad_input_is_refused(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    let kept = store
        .insert_call_record(&NewCallRecord {
            organizer_id: Some(ann.id),
            ..inbound(Some(a.id), MARCH, 10)
        })
        .await
        .unwrap();
    crate::in_tx!(store, |tx| tx
        .delete_organizer(&crate::fixtures::actor(), ann.id))
    .unwrap();
    let after = store.call_record(kept.id).await.unwrap();
    assert_eq!(
        (after.call.organizer_id, after.call.organization_id),
        (None, Some(a.id))
    );

    // Ended while the organizer was being deleted: stored without it, not lost.
    let late = store
        .insert_call_record(&NewCallRecord {
            organizer_id: Some(ann.id),
            meeting_id: Some(MeetingId(999)),
            ..inbound(Some(a.id), MARCH + 5, 10)
        })
        .await
        .unwrap();
    assert_eq!((late.call.organizer_id, late.call.meeting_id), (None, None));

    for bad in [
        NewCallRecord {
            called_number: "12065550100".into(),
            ..inbound(None, MARCH, 1)
        },
        NewCallRecord {
            country: Some("USA".into()),
            ..inbound(None, MARCH, 1)
        },
        NewCallRecord {
            duration_secs: -1,
            ..inbound(None, MARCH, 1)
        },
        NewCallRecord {
            started_at: MARCH + 1,
            ..inbound(None, MARCH, 0)
        },
    ] {
        let err = store.insert_call_record(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
}

async fn usage_sums_minutes_rounded_up_per_call_by_month(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let ann = organizer(store, a.id, "Ann").await;
    let call = |org, organizer, ended_at, secs| NewCallRecord {
        organizer_id: organizer,
        ..inbound(Some(org), ended_at, secs)
    };
    for new in [
        call(a.id, Some(ann.id), MARCH + 100, 61), // 2 minutes
        call(a.id, Some(ann.id), MARCH + 200, 60), // 1
        call(a.id, Some(ann.id), MARCH + 300, 0),  // unanswered: 0
        call(a.id, None, MARCH + 400, 1),          // 1, no organizer
        call(b.id, None, MARCH + 500, 600),        // 10, other org
        call(a.id, Some(ann.id), APRIL + 1, 59),   // 1, next month
        NewCallRecord {
            direction: CallDirection::Outbound,
            dial_in_number_kind: None,
            country: Some("GB".into()),
            ..call(a.id, Some(ann.id), MARCH + 600, 121) // 3 dial-out minutes to GB
        },
        NewCallRecord {
            dial_in_number_kind: Some(NumberKind::TollFree),
            ..call(a.id, Some(ann.id), MARCH - 1, 30) // February
        },
    ] {
        store.insert_call_record(&new).await.unwrap();
    }

    let march = store
        .usage_report(Some(a.id), "2026-03", "2026-03")
        .await
        .unwrap();
    let lines: Vec<_> = march
        .iter()
        .map(|r| {
            (
                r.organizer_name.as_deref(),
                r.direction,
                r.dial_in_number_kind,
                r.country.as_deref(),
                r.calls,
                r.minutes,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                Some("Ann"),
                CallDirection::Inbound,
                Some(NumberKind::Toll),
                Some("US"),
                3,
                3
            ),
            (Some("Ann"), CallDirection::Outbound, None, Some("GB"), 1, 3),
            (
                None,
                CallDirection::Inbound,
                Some(NumberKind::Toll),
                Some("US"),
                1,
                1
            ),
        ]
    );
    assert!(march
        .iter()
        .all(|r| r.month == "2026-03" && r.organization_name.as_deref() == Some("A")));

    let all = store
        .usage_report(None, "2026-02", "2026-04")
        .await
        .unwrap();
    let months: Vec<_> = all.iter().map(|r| (r.month.as_str(), r.minutes)).collect();
    assert_eq!(
        months,
        [
            ("2026-02", 1),
            ("2026-03", 3),
            ("2026-03", 3),
            ("2026-03", 1),
            ("2026-03", 10),
            ("2026-04", 1)
        ]
    );
    assert!(matches!(
        store.usage_report(None, "2026-3", "2026-04").await,
        Err(StoreError::Invalid(_))
    ));
}

backend_tests!(
    records_are_stored_listed_newest_first_and_filtered,
    a_deleted_organizer_leaves_the_record_and_bad_input_is_refused,
    usage_sums_minutes_rounded_up_per_call_by_month,
);
