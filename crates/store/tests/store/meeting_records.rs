use crate::fixtures::{actor, org, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

/// 2026-03-01T00:00:00Z.
const MARCH: i64 = 1_772_323_200;
/// 2026-04-01T00:00:00Z.
const APRIL: i64 = 1_775_001_600;

fn ended(org: Option<OrganizationId>, ended_at: i64) -> NewMeetingRecord {
    NewMeetingRecord {
        organization_id: org,
        organizer_id: None,
        meeting_id: None,
        conference_key: "organizer-1".into(),
        started_at: ended_at - 3600,
        ended_at,
        end_reason: "everyone_left".into(),
        participants_total: 4,
        peak_participants: 3,
        pin_used: true,
    }
}

async fn meeting_records_are_stored_listed_and_filtered(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let b = org(store, "B").await;
    let ann = organizer(store, a.id, "Ann").await;
    let first = store
        .insert_meeting_record(&NewMeetingRecord {
            organizer_id: Some(ann.id),
            ..ended(Some(a.id), MARCH + 100)
        })
        .await
        .unwrap();
    assert_eq!(first.month, "2026-03");
    assert_eq!(first.meeting.organizer_id, Some(ann.id));
    assert!(first.meeting.pin_used);
    assert_eq!(store.meeting_record(first.id).await.unwrap(), first);
    let second = store
        .insert_meeting_record(&ended(Some(a.id), APRIL + 100))
        .await
        .unwrap();
    let other = store
        .insert_meeting_record(&NewMeetingRecord {
            pin_used: false,
            ..ended(Some(b.id), APRIL + 200)
        })
        .await
        .unwrap();
    let direct = store
        .insert_meeting_record(&NewMeetingRecord {
            conference_key: "direct-room".into(),
            ..ended(None, APRIL + 300)
        })
        .await
        .unwrap();

    let ids = |p: Paged<MeetingRecord>| p.items.iter().map(|r| r.id).collect::<Vec<_>>();
    let all = store
        .list_meeting_records(&MeetingRecordFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(ids(all), [direct.id, other.id, second.id, first.id]);
    let a_in_april = MeetingRecordFilter {
        organization_id: Some(a.id),
        month: Some("2026-04".into()),
        ..MeetingRecordFilter::default()
    };
    assert_eq!(
        ids(store
            .list_meeting_records(&a_in_april, Page::default())
            .await
            .unwrap()),
        [second.id]
    );
    let of_ann = MeetingRecordFilter {
        organizer_id: Some(ann.id),
        ..MeetingRecordFilter::default()
    };
    assert_eq!(
        ids(store
            .list_meeting_records(&of_ann, Page::default())
            .await
            .unwrap()),
        [first.id]
    );
    let bad_month = MeetingRecordFilter {
        month: Some("2026-13".into()),
        ..MeetingRecordFilter::default()
    };
    assert!(matches!(
        store
            .list_meeting_records(&bad_month, Page::default())
            .await,
        Err(StoreError::Invalid(_))
    ));

    // A deleted organizer leaves the record; a deleted organization takes its records.
    in_tx!(store, |tx| tx.delete_organizer(&actor(), ann.id)).unwrap();
    assert_eq!(
        store
            .meeting_record(first.id)
            .await
            .unwrap()
            .meeting
            .organizer_id,
        None
    );
    in_tx!(store, |tx| tx.delete_organization(&actor(), b.id)).unwrap();
    assert!(matches!(
        store.meeting_record(other.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn impossible_meeting_records_are_refused(db: TestDb) {
    let store = &db.store;
    for bad in [
        NewMeetingRecord {
            started_at: MARCH + 10,
            ..ended(None, MARCH)
        },
        NewMeetingRecord {
            peak_participants: 5,
            ..ended(None, MARCH)
        },
        NewMeetingRecord {
            participants_total: -1,
            ..ended(None, MARCH)
        },
        NewMeetingRecord {
            conference_key: " ".into(),
            ..ended(None, MARCH)
        },
    ] {
        let err = store.insert_meeting_record(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    // An organization that does not exist (deleted while the meeting ran) is stored as NULL.
    let kept = store
        .insert_meeting_record(&ended(Some(OrganizationId(999)), MARCH))
        .await
        .unwrap();
    assert_eq!(kept.meeting.organization_id, None);
}

backend_tests!(
    meeting_records_are_stored_listed_and_filtered,
    impossible_meeting_records_are_refused
);
