use crate::common::*;
use dialbridge_admin::services::*;
use dialbridge_store::*;

/// 2026-03-01T00:00:00Z.
const MARCH: i64 = 1_772_323_200;

fn inbound(called: &str, ended_at: i64, secs: i64) -> CallRecordInput {
    CallRecordInput {
        direction: CallDirection::Inbound,
        trunk: "carrier-a".into(),
        called_number: called.into(),
        caller_number: Some("+12065550100".into()),
        dial_in_number_kind: None,
        country: None,
        organization_id: None,
        organizer_id: None,
        meeting_id: None,
        conference_key: None,
        role: None,
        started_at: ended_at - secs - 3,
        answered_at: Some(ended_at - secs),
        ended_at,
        end_reason: "caller_hangup".into(),
    }
}

#[tokio::test]
async fn record_call_fills_in_from_the_number_and_the_organizer() {
    let f = fixture().await;
    let a = f.org("A").await;
    let b = f.org("B").await;
    f.number("+1 415 555 0123", None).await;
    f.number("+44 20 7183 8750", Some(&a)).await;
    let bob = f.organizer(&b, "Bob").await;

    // A number dedicated to A: kind, country and organization come from it.
    f.svc
        .record_call(inbound("+442071838750", MARCH + 100, 61))
        .await
        .unwrap();
    // A shared number: the organization comes from the organizer the caller reached.
    f.svc
        .record_call(CallRecordInput {
            organizer_id: Some(bob.id),
            role: Some(CallRole::Organizer),
            ..inbound("+14155550123", MARCH + 200, 30)
        })
        .await
        .unwrap();
    // Dial-out: the destination country from the country code; never answered: 0 seconds.
    f.svc
        .record_call(CallRecordInput {
            direction: CallDirection::Outbound,
            organization_id: Some(a.id),
            answered_at: None,
            ..inbound("+33142685300", MARCH + 300, 10)
        })
        .await
        .unwrap();

    let all = f
        .svc
        .list_call_records(&f.platform, &CallRecordQuery::default(), Page::default())
        .await
        .unwrap();
    let got: Vec<_> = all
        .items
        .iter()
        .map(|r| {
            (
                r.call.direction,
                r.call.dial_in_number_kind,
                r.call.country.as_deref(),
                r.call.organization_id,
                r.call.duration_secs,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (CallDirection::Outbound, None, Some("FR"), Some(a.id), 0),
            (
                CallDirection::Inbound,
                Some(NumberKind::Toll),
                Some("US"),
                Some(b.id),
                30
            ),
            (
                CallDirection::Inbound,
                Some(NumberKind::Toll),
                Some("GB"),
                Some(a.id),
                61
            ),
        ]
    );
}

#[tokio::test]
async fn history_and_usage_are_scoped_to_the_callers_organization() {
    let f = fixture().await;
    let a = f.org("A").await;
    let b = f.org("B").await;
    let ann = f.organizer(&a, "Ann").await;
    let bob = f.organizer(&b, "Bob").await;
    for (organizer, secs) in [(&ann, 61), (&ann, 120), (&bob, 5)] {
        f.svc
            .record_call(CallRecordInput {
                organizer_id: Some(organizer.id),
                ..inbound("+14155550123", MARCH + 10, secs)
            })
            .await
            .unwrap();
    }

    for caller in [org_admin(&a), read_only(&a)] {
        let own = f
            .svc
            .list_call_records(&caller, &CallRecordQuery::default(), Page::default())
            .await
            .unwrap();
        assert_eq!(own.total, 2);
        assert!(own
            .items
            .iter()
            .all(|r| r.call.organization_id == Some(a.id)));
        // Another organization's organizer: nothing of theirs comes back.
        let probe = CallRecordQuery {
            organizer_id: Some(bob.id),
            ..CallRecordQuery::default()
        };
        let none = f
            .svc
            .list_call_records(&caller, &probe, Page::default())
            .await
            .unwrap();
        assert_eq!(none.total, 0);
        let other = CallRecordQuery {
            organization_id: Some(b.id),
            ..CallRecordQuery::default()
        };
        assert!(matches!(
            f.svc
                .list_call_records(&caller, &other, Page::default())
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            f.svc
                .usage_report(&caller, Some(b.id), "2026-03", "2026-03")
                .await,
            Err(ServiceError::Forbidden)
        ));
        let usage = f
            .svc
            .usage_report(&caller, None, "2026-03", "2026-03")
            .await
            .unwrap();
        assert_eq!(usage.len(), 1);
        assert_eq!((usage[0].calls, usage[0].minutes), (2, 4));
    }

    let everything = f
        .svc
        .usage_report(&f.platform, None, "2026-01", "2026-12")
        .await
        .unwrap();
    assert_eq!(everything.len(), 2);
    let only_b = f
        .svc
        .usage_report(&f.platform, Some(b.id), "2026-03", "2026-03")
        .await
        .unwrap();
    assert_eq!(only_b[0].organizer_name.as_deref(), Some("Bob"));

    for (from, to) in [
        ("2026-04", "2026-03"),
        ("2026-3", "2026-04"),
        ("2000-01", "2026-01"),
    ] {
        assert!(
            matches!(
                f.svc.usage_report(&f.platform, None, from, to).await,
                Err(ServiceError::Invalid(_))
            ),
            "{from}..{to}"
        );
    }
}

#[tokio::test]
async fn csv_has_the_documented_columns_and_guards_formulas() {
    let f = fixture().await;
    let a = f.org("A").await;
    f.svc
        .record_call(CallRecordInput {
            organization_id: Some(a.id),
            caller_number: Some("=HYPERLINK(\"x\")".into()),
            ..inbound("+14155550123", MARCH + 61, 61)
        })
        .await
        .unwrap();
    let csv = f
        .svc
        .export_call_records(&org_admin(&a), &CallRecordQuery::default())
        .await
        .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), CALL_RECORD_COLUMNS.join(","));
    let row = lines.next().unwrap();
    assert!(row.contains(",\"'=HYPERLINK"), "{row}");
    assert!(
        row.contains(",2026-03-01T00:01:01Z,2026-03,61,2,caller_hangup"),
        "{row}"
    );
    assert_eq!(lines.next(), None);

    let usage = f
        .svc
        .usage_report(&f.platform, None, "2026-03", "2026-03")
        .await
        .unwrap();
    let text = String::from_utf8(usage_csv(&usage).unwrap()).unwrap();
    assert_eq!(
        text,
        format!(
            "{}\r\n2026-03,{},A,,,inbound,,,1,2\r\n",
            USAGE_COLUMNS.join(","),
            a.id
        )
    );
}
