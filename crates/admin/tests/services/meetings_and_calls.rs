use crate::common::*;
use dialbridge_store::*;

fn fields(subject: &str) -> MeetingFields {
    MeetingFields {
        subject: subject.into(),
        starts_at: NOW + 3600,
        ends_at: NOW + 7200,
    }
}

#[tokio::test]
async fn meetings_have_their_own_ids() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);
    let meeting = f
        .svc
        .create_meeting(&admin, ann.id, &fields("Budget"))
        .await
        .unwrap();
    let code_m = meeting.conference_id.clone().unwrap();
    assert_ne!(Some(&code_m), ann.conference_id.as_ref());
    let target = f.svc.resolve(&code_m).await.unwrap().unwrap();
    assert_eq!(
        (target.organizer_id, target.meeting_id),
        (ann.id, Some(meeting.id))
    );

    let updated = f
        .svc
        .update_meeting(&admin, meeting.id, &fields("Budget 2027"))
        .await
        .unwrap();
    assert_eq!(updated.fields.subject, "Budget 2027");
    assert_eq!(updated.conference_id.as_ref(), Some(&code_m));
    let bad = MeetingFields {
        ends_at: NOW,
        ..fields("x")
    };
    assert_eq!(
        code(f.svc.update_meeting(&admin, meeting.id, &bad).await),
        "invalid"
    );
    assert_eq!(
        f.svc
            .list_meetings(&admin, ann.id, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    let inv = f.svc.meeting_invitation(&admin, meeting.id).await.unwrap();
    let ics = inv.icalendar.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.contains(&format!("UID:meeting-{}@dial.example.com", meeting.id)));
    assert!(inv.text.contains(&code_m[..3]));

    f.svc.delete_meeting(&admin, meeting.id).await.unwrap();
    assert!(f.svc.resolve(&code_m).await.unwrap().is_none());

    let bob = f.organizer(&org, "Bob").await;
    assert_eq!(
        code(f.svc.create_meeting(&admin, bob.id, &fields("x")).await),
        "invalid"
    );
}

#[tokio::test]
async fn resolve_gives_the_call_path_what_it_needs() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let out = f.enabled(&org, "Ann").await;
    let code_o = out.organizer.conference_id.clone().unwrap();
    let t = f.svc.resolve(&code_o).await.unwrap().unwrap();
    assert_eq!(t.organization_id, org.id);
    assert_eq!(t.organizer_name, "Ann");
    assert!(!t.anonymous_start);
    assert!(t.meeting_id.is_none());
    assert!(t.pin.hash.is_some());
    assert_eq!(t.pin.policy.max_failures(), 25);
    assert!(!t.pin.is_locked(NOW));
    assert!(hasher().verify(
        out.new_pin.as_ref().unwrap().reveal(),
        t.pin.hash.as_ref().unwrap()
    ));

    let pin = out.new_pin.as_ref().unwrap().reveal();
    let wrong = if pin.starts_with('9') { "8" } else { "9" }.to_owned() + &pin[1..];
    for _ in 0..25 {
        f.svc
            .verify_pin(out.organizer.id, &wrong, NOW)
            .await
            .unwrap();
    }
    let locked = f.svc.resolve(&code_o).await.unwrap().unwrap();
    assert!(locked.pin.is_locked(NOW));
    assert_eq!(locked.pin.locked_until, Some(NOW + 3600));
    f.svc
        .unlock_pin(&org_admin(&org), out.organizer.id)
        .await
        .unwrap();
    assert!(!f
        .svc
        .resolve(&code_o)
        .await
        .unwrap()
        .unwrap()
        .pin
        .is_locked(NOW));

    for junk in ["", "abc", "1234567890123456789", "0000000"] {
        assert!(f.svc.resolve(junk).await.unwrap().is_none(), "{junk}");
    }
}
