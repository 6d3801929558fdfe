//! The ACP import through the services: caller checked, default numbers dropped, the
//! "provider changed" mail queued and audit rows naming the caller, all in one transaction.

use crate::common::*;
use dialbridge_admin::services::*;
use dialbridge_store::*;

const HEADER: &str = "email,acp_provider_name,acp_toll_number,acp_toll_free_numbers,\
    acp_participant_passcode,acp_conference_id,acp_url\n";

fn row(email: &str) -> String {
    format!(
        "{email},Example ACP,+14155550123,+18005550100,123456#,98765,https://acp.example/join\n"
    )
}

#[tokio::test]
async fn import_moves_organizers_mails_them_and_audits_the_caller() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0100", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let bob = f.enabled(&org, "Bob").await.organizer;
    let admin = org_admin(&org);
    let mails_before = f.mails(&org).await.len();

    let file = format!("{HEADER}{}", row(&ann.profile.email));
    let dry = f
        .svc
        .import_acp(&admin, org.id, file.as_bytes(), true)
        .await
        .unwrap();
    assert_eq!((dry.summary.changes, dry.changed.len()), (1, 0));
    assert_eq!(f.svc.store().organizer(ann.id).await.unwrap(), ann);

    let done = f
        .svc
        .import_acp(&admin, org.id, file.as_bytes(), false)
        .await
        .unwrap();
    assert_eq!(done.changed.len(), 1);
    let after = f.svc.store().organizer(ann.id).await.unwrap();
    match &after.provider {
        Provider::Acp(acp) => {
            assert_eq!(acp.provider_name, "Example ACP");
            assert_eq!(acp.conference_id.as_deref(), Some("98765"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(after.conference_id, None);
    assert!(!after.has_pin);
    assert_eq!(after.profile.default_toll_number, None);
    assert!(f
        .svc
        .resolve(ann.conference_id.as_deref().unwrap())
        .await
        .unwrap()
        .is_none());
    // Bob was not in the file and keeps dialbridge.
    assert_eq!(
        f.svc.store().organizer(bob.id).await.unwrap().provider,
        Provider::Dialbridge
    );

    let mails = f.mails(&org).await;
    assert_eq!(mails.len(), mails_before + done.mails.len());
    assert!(!done.mails.is_empty());
    for id in &done.mails {
        let mail = f.svc.store().mail(*id).await.unwrap();
        assert_eq!(mail.recipient, ann.profile.email);
        assert!(mail.body_text.contains("Example ACP"), "{}", mail.body_text);
    }
    let audit = f.audit_text(&org).await;
    assert!(audit.contains("organizer.provider"), "{audit}");
    assert!(audit.contains(&format!("admin-of-{}", org.id)), "{audit}");
}

#[tokio::test]
async fn import_is_refused_to_other_organizations_and_readers_and_bad_files_write_nothing() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let other = f.org("Fabrikam").await;
    f.number("+1 415 555 0100", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let file = format!("{HEADER}{}", row(&ann.profile.email));
    for caller in [org_admin(&other), read_only(&org)] {
        assert_eq!(
            code(
                f.svc
                    .import_acp(&caller, org.id, file.as_bytes(), false)
                    .await
            ),
            "forbidden"
        );
        assert_eq!(
            code(
                f.svc
                    .import_acp(&caller, org.id, file.as_bytes(), true)
                    .await
            ),
            "forbidden"
        );
    }
    assert_eq!(
        code(f.svc.export_acp(&org_admin(&other), org.id, true).await),
        "forbidden"
    );
    assert!(f
        .svc
        .export_acp(&read_only(&org), org.id, true)
        .await
        .is_ok());

    // One bad row among good ones: nothing is written, every problem has its line.
    let bad = format!(
        "{HEADER}{}{}",
        row(&ann.profile.email),
        row("nobody@contoso.example").replace("123456#", "12ab")
    );
    let err = f
        .svc
        .import_acp(&org_admin(&org), org.id, bad.as_bytes(), false)
        .await
        .unwrap_err();
    let ServiceError::InvalidFile(errors) = &err else {
        panic!("{err:?}")
    };
    assert!(
        errors.errors.iter().all(|e| e.line == Some(3)),
        "{errors:?}"
    );
    assert_eq!(err.code(), "invalid_file");
    assert_eq!(
        f.svc.store().organizer(ann.id).await.unwrap().provider,
        Provider::Dialbridge
    );
}
