//! An organization admin never reads or changes another organization; read-only never
//! writes; a missing id looks the same as another organization's to a scoped caller.

use crate::common::*;
use dialbridge_admin::services::*;
use dialbridge_store::*;

#[tokio::test]
async fn org_admin_of_a_cannot_touch_b() {
    let f = fixture().await;
    let a = f.org("Contoso").await;
    let b = f.org("Fabrikam").await;
    f.number("+1 415 555 0123", None).await;
    let b_number = f.number("+44 20 7946 0000", Some(&b)).await;
    let b_person = f.licensed(&b, "Bob").await;
    let b_meeting_owner = f.enabled(&b, "Bea").await.organizer;
    let meeting = f
        .svc
        .create_meeting(
            &f.platform,
            b_meeting_owner.id,
            &MeetingFields {
                subject: "Plan".into(),
                starts_at: NOW,
                ends_at: NOW + 3600,
            },
        )
        .await
        .unwrap();
    let admin_a = org_admin(&a);
    let s = &f.svc;

    assert_eq!(code(s.organization(&admin_a, b.id).await), "forbidden");
    assert_eq!(
        code(
            s.update_organization_settings(&admin_a, b.id, &SettingsPatch::default())
                .await
        ),
        "forbidden"
    );
    assert_eq!(code(s.licence_pool(&admin_a, b.id).await), "forbidden");
    assert_eq!(code(s.organizer(&admin_a, b_person.id).await), "forbidden");
    assert_eq!(
        code(
            s.list_organizers(
                &admin_a,
                &OrganizerQuery {
                    organization_id: Some(b.id),
                    ..Default::default()
                },
                Page::default()
            )
            .await
        ),
        "forbidden"
    );
    let input = NewOrganizerInput {
        organization_id: b.id,
        name: "Eve".into(),
        email: "eve@x.example".into(),
        country: None,
        anonymous_start: None,
        dial_out_policy: None,
    };
    assert_eq!(
        code(s.create_organizer(&admin_a, &input).await),
        "forbidden"
    );
    assert_eq!(
        code(
            s.update_organizer_profile(
                &admin_a,
                b_person.id,
                &ProfileUpdate {
                    name: Some("Eve".into()),
                    ..Default::default()
                }
            )
            .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(s.assign_licence(&admin_a, b_person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.remove_licence(&admin_a, b_person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.enable_dial_in(&admin_a, b_person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.disable_dial_in(&admin_a, b_meeting_owner.id).await),
        "forbidden"
    );
    assert_eq!(
        code(
            s.reset_pin(&admin_a, b_meeting_owner.id, PinChoice::Random)
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(s.reset_conference_id(&admin_a, b_meeting_owner.id).await),
        "forbidden"
    );
    assert_eq!(
        code(
            s.set_provider(&admin_a, b_person.id, ProviderChoice::Dialbridge)
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(
            s.set_default_numbers(&admin_a, b_person.id, DefaultNumbers::default())
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(s.set_anonymous_start(&admin_a, b_person.id, true).await),
        "forbidden"
    );
    assert_eq!(
        code(
            s.set_dial_out_policy(&admin_a, b_person.id, DialOutPolicy::None)
                .await
        ),
        "forbidden"
    );
    assert_eq!(code(s.unlock_pin(&admin_a, b_person.id).await), "forbidden");
    assert_eq!(
        code(s.organizer_invitation(&admin_a, b_meeting_owner.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.dial_in_number(&admin_a, b_number.id).await),
        "forbidden"
    );
    assert_eq!(
        code(
            s.update_dial_in_number(
                &admin_a,
                b_number.id,
                &NumberUpdate {
                    primary_language: Some("fr-FR".into()),
                    ..Default::default()
                }
            )
            .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(
            s.list_dial_in_numbers(&admin_a, Some(b.id), None, None, Page::default())
                .await
        ),
        "forbidden"
    );
    assert_eq!(code(s.meeting(&admin_a, meeting.id).await), "forbidden");
    assert_eq!(
        code(
            s.list_meetings(&admin_a, b_meeting_owner.id, Page::default())
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(s.delete_meeting(&admin_a, meeting.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.meeting_invitation(&admin_a, meeting.id).await),
        "forbidden"
    );

    // A's own view: only A's organizers, and shared numbers without B's dedicated one.
    f.organizer(&a, "Ann").await;
    let listed = s
        .list_organizers(&admin_a, &OrganizerQuery::default(), Page::default())
        .await
        .unwrap();
    assert!(listed.items.iter().all(|o| o.organization_id == a.id));
    assert_eq!(listed.total, 1);
    let numbers = s
        .list_dial_in_numbers(&admin_a, None, None, None, Page::default())
        .await
        .unwrap();
    assert!(numbers.items.iter().all(|n| n.id != b_number.id));
    assert_eq!(numbers.total, 1);

    // Nothing of B changed.
    let after = s.organizer(&f.platform, b_meeting_owner.id).await.unwrap();
    assert!(after.profile.dial_in_enabled);
    assert_eq!(after.conference_id, b_meeting_owner.conference_id);
}

#[tokio::test]
async fn missing_ids_look_like_other_organizations_to_scoped_callers() {
    let f = fixture().await;
    let a = f.org("Contoso").await;
    let missing = OrganizerId(9999);
    assert_eq!(
        code(f.svc.organizer(&org_admin(&a), missing).await),
        "forbidden"
    );
    assert_eq!(
        code(f.svc.enable_dial_in(&org_admin(&a), missing).await),
        "forbidden"
    );
    assert_eq!(
        code(f.svc.organizer(&f.platform, missing).await),
        "not_found"
    );
    let everyone = Caller::read_only(None, Actor::system("auditor"));
    assert_eq!(code(f.svc.organizer(&everyone, missing).await), "not_found");
}

#[tokio::test]
async fn read_only_reads_but_never_writes() {
    let f = fixture().await;
    let a = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let person = f.enabled(&a, "Ann").await.organizer;
    let reader = read_only(&a);
    let s = &f.svc;

    assert_eq!(s.organizer(&reader, person.id).await.unwrap().id, person.id);
    assert_eq!(s.organization(&reader, a.id).await.unwrap().id, a.id);
    assert!(s.organizer_invitation(&reader, person.id).await.is_ok());
    assert_eq!(
        s.list_organizers(&reader, &OrganizerQuery::default(), Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    assert_eq!(
        code(
            s.update_organization_settings(&reader, a.id, &SettingsPatch::default())
                .await
        ),
        "forbidden"
    );
    let input = NewOrganizerInput {
        organization_id: a.id,
        name: "Eve".into(),
        email: "eve@x.example".into(),
        country: None,
        anonymous_start: None,
        dial_out_policy: None,
    };
    assert_eq!(code(s.create_organizer(&reader, &input).await), "forbidden");
    assert_eq!(
        code(s.reset_pin(&reader, person.id, PinChoice::Random).await),
        "forbidden"
    );
    assert_eq!(
        code(s.reset_conference_id(&reader, person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.disable_dial_in(&reader, person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.assign_licence(&reader, person.id).await),
        "forbidden"
    );
    assert_eq!(
        code(s.set_anonymous_start(&reader, person.id, true).await),
        "forbidden"
    );
    assert_eq!(code(s.unlock_pin(&reader, person.id).await), "forbidden");
    assert_eq!(
        code(
            s.create_meeting(
                &reader,
                person.id,
                &MeetingFields {
                    subject: "x".into(),
                    starts_at: NOW,
                    ends_at: NOW + 60
                }
            )
            .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(s.set_licence_seats(&reader, a.id, 10).await),
        "forbidden"
    );
    assert_eq!(
        code(s.set_licence_seats(&org_admin(&a), a.id, 10).await),
        "forbidden"
    );
}
