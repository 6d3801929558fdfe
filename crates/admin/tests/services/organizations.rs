use crate::common::*;
use dialbridge_admin::services::*;
use dialbridge_store::*;

#[tokio::test]
async fn new_organizations_get_the_rules_lockout_not_the_stores() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    // The rules' table for 5-digit PINs: 25 failures, 1 hour.
    assert_eq!(org.settings.pin_length, 5);
    assert_eq!(org.settings.pin_max_failures, 25);
    assert_eq!(org.settings.pin_lockout_seconds, 3600);
    assert!(org.settings.send_emails);
    assert_eq!(org.settings.conference_id_length, 7);
}

#[tokio::test]
async fn only_platform_admins_create_organizations() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let new = NewOrganization {
        name: "Fabrikam".into(),
        country: "GB".into(),
        settings: SettingsPatch::default(),
    };
    assert_eq!(
        code(f.svc.create_organization(&org_admin(&org), &new).await),
        "forbidden"
    );
    assert_eq!(
        code(f.svc.create_organization(&read_only(&org), &new).await),
        "forbidden"
    );
    let dup = NewOrganization {
        name: "Contoso".into(),
        ..new
    };
    assert_eq!(
        code(f.svc.create_organization(&f.platform, &dup).await),
        "conflict"
    );
}

#[tokio::test]
async fn settings_update_checks_every_field() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let admin = org_admin(&org);
    let patch = SettingsPatch {
        send_emails: Some(false),
        sender_address: Some(Some("Dial-In@Contoso.example".into())),
        anonymous_start_default: Some(true),
        announcements: Some(Announcements::Names),
        record_names: Some(true),
        mask_phone_numbers: Some(false),
        pin_length: Some(6),
        conference_id_length: Some(9),
        dial_pad_keys: Some([("*6".to_owned(), "mute".to_owned())].into()),
        invitation: Some(InvitationCustomization {
            logo_url: Some("https://contoso.example/logo.png".into()),
            help_url: Some("https://contoso.example/help".into()),
            legal_url: None,
            footer: Some("Contoso & partners".into()),
        }),
        ..SettingsPatch::default()
    };
    let after = f
        .svc
        .update_organization_settings(&admin, org.id, &patch)
        .await
        .unwrap();
    let s = &after.settings;
    assert!(!s.send_emails);
    assert_eq!(s.sender_address.as_deref(), Some("dial-in@contoso.example"));
    assert!(s.anonymous_start_default);
    assert_eq!(s.pin_length, 6);
    // A new PIN length without a named lockout moves to that length's table row.
    assert_eq!((s.pin_max_failures, s.pin_lockout_seconds), (50, 3600));
    assert_eq!(s.conference_id_length, 9);
    assert_eq!(s.dial_pad_keys.get("*6").map(String::as_str), Some("mute"));
    assert_eq!(s.invitation.footer.as_deref(), Some("Contoso & partners"));

    let bad = [
        SettingsPatch {
            invitation: Some(InvitationCustomization {
                help_url: Some("javascript:alert(1)".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
        SettingsPatch {
            sender_address: Some(Some("a@b.example\r\nBcc: x@y.example".into())),
            ..Default::default()
        },
        SettingsPatch {
            pin_length: Some(3),
            ..Default::default()
        },
        SettingsPatch {
            conference_id_length: Some(4),
            ..Default::default()
        },
        SettingsPatch {
            pin_max_failures: Some(1),
            ..Default::default()
        },
        SettingsPatch {
            record_names: Some(false),
            ..Default::default()
        },
        SettingsPatch {
            dial_pad_keys: Some([("*6x".to_owned(), "mute".to_owned())].into()),
            ..Default::default()
        },
    ];
    for patch in &bad {
        let result = f
            .svc
            .update_organization_settings(&admin, org.id, patch)
            .await;
        assert_eq!(code(result), "invalid", "{patch:?}");
    }
    // Nothing of the refused patches was kept.
    assert_eq!(f.svc.organization(&admin, org.id).await.unwrap(), after);
}

#[tokio::test]
async fn a_scoped_admin_lists_only_their_organization() {
    let f = fixture().await;
    let a = f.org("Contoso").await;
    f.org("Fabrikam").await;
    let all = f
        .svc
        .list_organizations(&f.platform, None, Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    let mine = f
        .svc
        .list_organizations(&org_admin(&a), None, Page::default())
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![a.id]
    );
    let none = f
        .svc
        .list_organizations(&org_admin(&a), Some("fabri"), Page::default())
        .await
        .unwrap();
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn caller_from_account_maps_roles() {
    let account = AdminAccount {
        id: AdminAccountId(3),
        email: "ann@contoso.example".into(),
        role: Role::OrgAdmin,
        organization_id: None,
        created_at: 0,
        updated_at: 0,
    };
    assert_eq!(
        Caller::from_account(&account).unwrap_err().code(),
        "forbidden"
    );
    let org_admin = AdminAccount {
        organization_id: Some(OrganizationId(9)),
        ..account.clone()
    };
    let caller = Caller::from_account(&org_admin).unwrap();
    assert_eq!(caller.role(), Role::OrgAdmin);
    assert_eq!(caller.organization_id(), Some(OrganizationId(9)));
    assert_eq!(caller.actor().label, "ann@contoso.example");
}
