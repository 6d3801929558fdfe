//! The services the web admin center added: the invitation preview, the dial-in details mail
//! on request, the call history number search, and sign-in.

use crate::common::*;
use dialbridge_admin::services::*;
use dialbridge_store::*;

fn customization(footer: &str) -> InvitationCustomization {
    InvitationCustomization {
        footer: Some(footer.to_owned()),
        legal_url: Some("https://acme.example/legal".to_owned()),
        ..InvitationCustomization::default()
    }
}

#[tokio::test]
async fn the_preview_uses_the_organizations_numbers_or_a_sample_and_saves_nothing() {
    let f = fixture().await;
    let a = f.org("A").await;
    let preview = f
        .svc
        .preview_invitation(&org_admin(&a), a.id, &customization("Ask IT"))
        .await
        .unwrap();
    assert!(
        preview.text.contains("Sample Organizer"),
        "{}",
        preview.text
    );
    assert!(
        preview.text.contains("(sample)"),
        "no numbers yet: {}",
        preview.text
    );
    assert!(preview.text.contains("Ask IT"));
    assert!(preview.html.contains("https://acme.example/legal"));
    f.number("+44 20 7183 8750", Some(&a)).await;
    let preview = f
        .svc
        .preview_invitation(&org_admin(&a), a.id, &customization("Ask IT"))
        .await
        .unwrap();
    assert!(
        preview.text.contains("+44 20 7183 8750"),
        "{}",
        preview.text
    );
    assert!(!preview.text.contains("(sample)"));
    let org = f.svc.organization(&f.platform, a.id).await.unwrap();
    assert_eq!(org.settings.invitation, InvitationCustomization::default());
}

#[tokio::test]
async fn the_preview_refuses_bad_fields_and_other_organizations() {
    let f = fixture().await;
    let a = f.org("A").await;
    let b = f.org("B").await;
    let bad = InvitationCustomization {
        logo_url: Some("javascript:alert(1)".into()),
        ..InvitationCustomization::default()
    };
    assert_eq!(
        code(f.svc.preview_invitation(&org_admin(&a), a.id, &bad).await),
        "invalid"
    );
    assert_eq!(
        code(
            f.svc
                .preview_invitation(&org_admin(&a), b.id, &customization("x"))
                .await
        ),
        "forbidden"
    );
}

#[tokio::test]
async fn dial_in_details_are_mailed_on_request_without_a_pin() {
    let f = fixture().await;
    let a = f.org("A").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&a, "Ann").await;
    let before = f.mails(&a).await.len();
    f.svc
        .send_dial_in_details(&org_admin(&a), ann.organizer.id)
        .await
        .unwrap();
    let mails = f.mails(&a).await;
    assert_eq!(mails.len(), before + 1);
    let mail = mails
        .iter()
        .find(|m| m.subject == DIAL_IN_DETAILS_SUBJECT)
        .unwrap();
    let pin = ann.new_pin.as_ref().unwrap().reveal().to_owned();
    assert!(
        !mail.body_text.contains(&format!("PIN: {pin}")),
        "{}",
        mail.body_text
    );
    assert!(mail.body_text.contains("+1 415-555-0123") || mail.body_text.contains("415"));

    assert_eq!(
        code(
            f.svc
                .send_dial_in_details(&read_only(&a), ann.organizer.id)
                .await
        ),
        "forbidden"
    );
    let b = f.org("B").await;
    let other = code(
        f.svc
            .send_dial_in_details(&org_admin(&b), ann.organizer.id)
            .await,
    );
    assert!(matches!(other, "not_found" | "forbidden"), "{other}");
    assert_eq!(f.mails(&a).await.len(), before + 1);
}

#[tokio::test]
async fn call_history_searches_by_number_digits_and_pages_the_result() {
    let f = fixture().await;
    let a = f.org("A").await;
    f.number("+44 20 7183 8750", Some(&a)).await;
    for i in 0..5 {
        let mut call = CallRecordInput {
            direction: CallDirection::Inbound,
            trunk: "carrier-a".into(),
            called_number: "+442071838750".into(),
            caller_number: Some(format!("+1206555010{i}")),
            dial_in_number_kind: None,
            country: None,
            organization_id: None,
            organizer_id: None,
            meeting_id: None,
            conference_key: None,
            role: None,
            started_at: NOW - 100 + i,
            answered_at: Some(NOW - 90 + i),
            ended_at: NOW + i,
            end_reason: "caller_hangup".into(),
        };
        if i == 4 {
            call.called_number = "+441614960000".into();
        }
        f.svc.record_call(call).await.unwrap();
    }
    let query = CallRecordQuery::default();
    let caller = org_admin(&a);
    let london = f
        .svc
        .search_call_records(&caller, &query, Some("+44 20 7183"), Page::new(2, 2))
        .await
        .unwrap();
    assert_eq!(london.total, 4);
    assert_eq!(london.items.len(), 2);
    let one_caller = f
        .svc
        .search_call_records(&caller, &query, Some("(206) 555-0103"), Page::first(10))
        .await
        .unwrap();
    assert_eq!(one_caller.total, 1);
    let any = f
        .svc
        .search_call_records(&caller, &query, Some("  "), Page::first(10))
        .await
        .unwrap();
    assert_eq!(
        any.total, 4,
        "the Manchester number is shared: no organization"
    );
    let csv = f
        .svc
        .export_call_record_search(&f.platform, &query, Some("441614960000"))
        .await
        .unwrap();
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn sign_in_checks_the_password_and_follows_the_account() {
    let f = fixture().await;
    let a = f.org("A").await;
    let account = f
        .svc
        .create_admin_account(
            &f.platform,
            "it@a.example",
            "a long enough password",
            Role::OrgAdmin,
            Some(a.id),
        )
        .await
        .unwrap();
    let who = f
        .svc
        .sign_in("IT@a.example", "a long enough password")
        .await
        .unwrap();
    assert_eq!(who.account_id, account.id);
    assert_eq!(who.caller.organization_id(), Some(a.id));
    assert_eq!(
        code(f.svc.sign_in("it@a.example", "wrong").await),
        "unauthorized"
    );
    assert_eq!(
        code(
            f.svc
                .sign_in("nobody@a.example", "a long enough password")
                .await
        ),
        "unauthorized"
    );
    let mut tx = f.svc.store().begin().await.unwrap();
    tx.set_admin_role(
        &Actor::system("test"),
        account.id,
        Role::ReadOnly,
        Some(a.id),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let now = f.svc.signed_in_account(account.id).await.unwrap();
    assert_eq!(now.caller.role(), Role::ReadOnly);
    let mut tx = f.svc.store().begin().await.unwrap();
    tx.delete_admin_account(&Actor::system("test"), account.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        code(f.svc.signed_in_account(account.id).await),
        "unauthorized"
    );
}
