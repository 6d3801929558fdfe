use crate::common::*;
use dialbridge_admin::rules::conference_id::ConferenceId;
use dialbridge_admin::services::*;
use dialbridge_store::Page;

#[tokio::test]
async fn the_enabled_mail_carries_the_whole_set_once() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let out = f.enabled(&org, "Ann <b>Lee</b>").await;
    let pin = out.new_pin.as_ref().unwrap().reveal().to_owned();
    let code: ConferenceId = out
        .organizer
        .conference_id
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();

    let mails = f.mails(&org).await;
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.id, out.mails[0]);
    assert_eq!(m.recipient, out.organizer.profile.email);
    assert_eq!(m.subject, "Dial-in conferencing is set up for you");
    assert!(
        m.body_text
            .contains(&format!("Conference ID: {}", code.grouped())),
        "{}",
        m.body_text
    );
    assert!(m.body_text.contains(&format!("Your PIN: {pin}")));
    assert!(m
        .body_text
        .contains("Toll: +1 415 555 0123 (Springfield, US)"));
    assert!(
        m.body_text.contains("Join by phone"),
        "the invitation snippet"
    );
    assert!(m
        .body_text
        .contains("https://dial.example.com/organizations/"));
    let html = m.body_html.as_deref().unwrap();
    assert!(html.contains(&format!("<strong>{pin}</strong>")));
    assert!(html.contains("Ann &lt;b&gt;Lee&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>Lee"));
    // The audit log never holds the PIN.
    let audit = f.audit_text(&org).await;
    assert!(audit.contains("organizer.pin_reset"));
    assert!(!audit.contains(&pin), "{audit}");
}

#[tokio::test]
async fn pin_reset_mail_has_the_new_pin_and_audit_does_not() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let out = f
        .svc
        .reset_pin(&org_admin(&org), ann.id, PinChoice::Chosen("52817".into()))
        .await
        .unwrap();
    let mail = f.svc.store().mail(out.mails[0]).await.unwrap();
    assert_eq!(mail.subject, "Your dial-in PIN was reset");
    assert!(mail.body_text.contains("Your PIN: 52817"));
    assert!(mail.body_html.unwrap().contains("52817"));
    assert!(!f.audit_text(&org).await.contains("52817"));
}

#[tokio::test]
async fn each_change_sends_its_mail() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let other_toll = f.number("+1 212 555 0147", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);
    let reset = f.svc.reset_conference_id(&admin, ann.id).await.unwrap();
    let new_code: ConferenceId = reset
        .organizer
        .conference_id
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    f.svc
        .set_default_numbers(
            &admin,
            ann.id,
            DefaultNumbers {
                toll: Some(other_toll.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    f.svc.disable_dial_in(&admin, ann.id).await.unwrap();
    // While off, nothing is mailed but a new PIN (see off_and_expiry.rs).
    let quiet = f
        .svc
        .set_toll_free_allowed(&admin, ann.id, true)
        .await
        .unwrap();
    assert!(quiet.profile.toll_free_allowed);

    let subjects: Vec<String> = f
        .mails(&org)
        .await
        .into_iter()
        .rev()
        .map(|m| m.subject)
        .collect();
    assert_eq!(
        subjects,
        [
            "Dial-in conferencing is set up for you",
            "Your conference ID changed",
            "Your dial-in numbers changed",
            "Dial-in conferencing is turned off for you",
        ]
    );
    let id_mail = f
        .mails(&org)
        .await
        .into_iter()
        .find(|m| m.subject == "Your conference ID changed")
        .unwrap();
    assert!(id_mail.body_text.contains(&new_code.grouped()));
    assert!(!id_mail
        .body_text
        .contains(ann.conference_id.as_deref().unwrap()));
}

#[tokio::test]
async fn emails_off_means_no_mail_but_the_pin_is_returned() {
    let f = fixture().await;
    let org = f
        .org_with(
            "Contoso",
            SettingsPatch {
                send_emails: Some(false),
                ..Default::default()
            },
        )
        .await;
    f.number("+1 415 555 0123", None).await;
    let out = f.enabled(&org, "Ann").await;
    assert!(out.new_pin.is_some());
    assert!(out.mails.is_empty());
    assert_eq!(
        out.notifications.len(),
        1,
        "what would have been sent is still reported"
    );
    let reset = f
        .svc
        .reset_pin(&org_admin(&org), out.organizer.id, PinChoice::Random)
        .await
        .unwrap();
    assert!(reset.new_pin.is_some());
    assert!(f.mails(&org).await.is_empty());
}

#[tokio::test]
async fn sender_is_the_override_or_the_service_default() {
    let f = fixture().await;
    let plain = f.org("Contoso").await;
    let custom = f
        .org_with(
            "Fabrikam",
            SettingsPatch {
                sender_address: Some(Some("calls@fabrikam.example".into())),
                ..Default::default()
            },
        )
        .await;
    let default = &f.svc.config().default_sender;
    assert_eq!(
        sender_address(&plain.settings, default),
        "dial-in@dialbridge.example"
    );
    assert_eq!(
        sender_address(&custom.settings, default),
        "calls@fabrikam.example"
    );
}

#[tokio::test]
async fn the_mail_list_names_written_eml_files_and_keeps_organizations_apart() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let other = f.org("Fabrikam").await;
    f.number("+1 415 555 0100", None).await;
    f.enabled(&org, "Ann").await;
    f.enabled(&other, "Bob").await;
    let dir = tempfile::tempdir().unwrap();
    let svc = f.svc.with_eml_dir(dir.path());
    let query = MailQuery::default();
    let listed = svc
        .list_mail(&org_admin(&org), &query, Page::first(50))
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    let mail = &listed.items[0];
    assert_eq!(mail.organization_id, Some(org.id));
    assert_eq!(mail.eml_file, None);
    std::fs::write(dir.path().join(format!("{}.eml", mail.id.0)), b"x").unwrap();
    let again = svc
        .list_mail(&read_only(&org), &query, Page::first(50))
        .await
        .unwrap();
    assert_eq!(again.items[0].eml_file, Some(format!("{}.eml", mail.id.0)));
    let asked_other = MailQuery {
        organization_id: Some(other.id),
        status: None,
    };
    assert_eq!(
        code(
            svc.list_mail(&org_admin(&org), &asked_other, Page::first(50))
                .await
        ),
        "forbidden"
    );
    let all = svc
        .list_mail(&f.platform, &query, Page::first(50))
        .await
        .unwrap();
    assert_eq!(all.total, 2);
}
