//! A PIN reset while dial-in is off still reaches the organizer; meetings' own conference IDs
//! expire 60 days after the meeting ends.

use crate::common::*;
use dialbridge_admin::rules::notification::NotificationKind;
use dialbridge_admin::services::*;
use dialbridge_store::*;

const DAY: i64 = 24 * 60 * 60;

#[tokio::test]
async fn a_pin_reset_while_dial_in_is_off_is_mailed_with_a_note_and_works_once_enabled() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0100", None).await;
    let admin = org_admin(&org);
    let ann = f.enabled(&org, "Ann").await.organizer;
    f.svc.disable_dial_in(&admin, ann.id).await.unwrap();

    let reset = f
        .svc
        .reset_pin(&admin, ann.id, PinChoice::Random)
        .await
        .unwrap();
    assert_eq!(reset.notifications, vec![NotificationKind::PinReset]);
    let pin = reset.new_pin.as_ref().unwrap().reveal().to_owned();
    let [mail_id] = reset.mails[..] else {
        panic!("{:?}", reset.mails)
    };
    let mail = f.svc.store().mail(mail_id).await.unwrap();
    assert_eq!(mail.recipient, ann.profile.email);
    assert!(mail.body_text.contains(&pin), "{}", mail.body_text);
    assert!(
        mail.body_text.contains("turned off for you right now"),
        "{}",
        mail.body_text
    );

    // A conference ID reset while off mails nothing: enabling will carry the ID.
    let id_reset = f.svc.reset_conference_id(&admin, ann.id).await.unwrap();
    assert!(id_reset.notifications.is_empty() && id_reset.mails.is_empty());

    // Enabling keeps that PIN (the mail says it is unchanged) and it works.
    let enabled = f.svc.enable_dial_in(&admin, ann.id).await.unwrap();
    assert!(enabled.new_pin.is_none());
    let enable_mail = f.svc.store().mail(enabled.mails[0]).await.unwrap();
    assert!(enable_mail.body_text.contains("Your PIN is unchanged"));
    assert!(!enable_mail.body_text.contains(&pin));
    assert_eq!(
        f.svc.verify_pin(ann.id, &pin, NOW).await.unwrap(),
        PinCheck::Ok
    );
}

#[tokio::test]
async fn with_mail_off_the_admin_still_sees_the_pin_once() {
    let f = fixture().await;
    let patch = SettingsPatch {
        send_emails: Some(false),
        ..SettingsPatch::default()
    };
    let org = f.org_with("Contoso", patch).await;
    f.number("+1 415 555 0100", None).await;
    let admin = org_admin(&org);
    let ann = f.enabled(&org, "Ann").await.organizer;
    f.svc.disable_dial_in(&admin, ann.id).await.unwrap();
    let reset = f
        .svc
        .reset_pin(&admin, ann.id, PinChoice::Random)
        .await
        .unwrap();
    assert!(reset.new_pin.is_some());
    assert!(reset.mails.is_empty());
    assert!(f.mails(&org).await.is_empty());
}

#[tokio::test]
async fn meeting_ids_stop_resolving_sixty_days_after_the_meeting_ends() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0100", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let fields = MeetingFields {
        subject: "Quarterly review".into(),
        starts_at: NOW - 11 * DAY,
        ends_at: NOW - 10 * DAY,
    };
    let meeting = f
        .svc
        .create_meeting(&org_admin(&org), ann.id, &fields)
        .await
        .unwrap();
    let code = meeting.conference_id.unwrap();
    let expires = fields.ends_at + 60 * DAY;
    let at = |now| f.svc.resolve_at(&code, now);
    assert_eq!(at(NOW).await.unwrap().unwrap().meeting_id, Some(meeting.id));
    assert!(f.svc.resolve(&code).await.unwrap().is_some());
    assert!(at(expires - 1).await.unwrap().is_some());
    assert!(at(expires).await.unwrap().is_none());
    assert!(at(expires + 365 * DAY).await.unwrap().is_none());
    // The organizer's own ID does not expire.
    let own = ann.conference_id.clone().unwrap();
    let own = f
        .svc
        .store()
        .organizer(ann.id)
        .await
        .unwrap()
        .conference_id
        .unwrap_or(own);
    assert!(f
        .svc
        .resolve_at(&own, expires + 365 * DAY)
        .await
        .unwrap()
        .is_some());
}
