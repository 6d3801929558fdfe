use crate::common::*;
use dialbridge_admin::rules::conference_id::{self, ConferenceIdLength};
use dialbridge_admin::rules::notification::NotificationKind;
use dialbridge_admin::rules::pin::PinHash;
use dialbridge_admin::rules::provider::AcpDetails;
use dialbridge_admin::services::*;
use dialbridge_store::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

async fn pin_verifies(f: &Fixture, id: OrganizerId, pin: &str) -> bool {
    let state = f.svc.store().organizer_pin(id).await.unwrap();
    let hash = PinHash::from_phc(state.pin_hash.as_deref().unwrap()).unwrap();
    hasher().verify(pin, &hash)
}

#[tokio::test]
async fn enabling_without_a_licence_is_refused() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.organizer(&org, "Ann").await;
    assert_eq!(
        code(f.svc.enable_dial_in(&org_admin(&org), ann.id).await),
        "not_licensed"
    );
    let after = f.svc.organizer(&f.platform, ann.id).await.unwrap();
    assert!(!after.profile.dial_in_enabled);
    assert!(after.conference_id.is_none());
    assert!(!after.has_pin);
}

#[tokio::test]
async fn enabling_draws_id_pin_and_toll_number() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let toll = f.number("+1 415 555 0123", None).await;
    let ann = f.licensed(&org, "Ann").await;
    let out = f
        .svc
        .enable_dial_in(&org_admin(&org), ann.id)
        .await
        .unwrap();

    let o = &out.organizer;
    assert!(o.profile.dial_in_enabled);
    let code = o.conference_id.clone().unwrap();
    assert_eq!(code.len(), 7);
    assert_eq!(o.profile.default_toll_number, Some(toll.id));
    assert!(o.has_pin);
    let pin = out.new_pin.as_ref().unwrap().reveal().to_owned();
    assert_eq!(pin.len(), 5);
    assert!(
        !format!("{:?}", out.new_pin).contains(&pin),
        "Debug redacts the PIN"
    );
    // Stored only as an argon2 hash, which verifies.
    let stored = f
        .svc
        .store()
        .organizer_pin(ann.id)
        .await
        .unwrap()
        .pin_hash
        .unwrap();
    assert!(stored.starts_with("$argon2id$"));
    assert!(!stored.contains(&pin));
    assert!(pin_verifies(&f, ann.id, &pin).await);
    assert_eq!(out.notifications, vec![NotificationKind::DialInEnabled]);
    assert_eq!(out.mails.len(), 1);
    // The new ID resolves.
    let target = f.svc.resolve(&code).await.unwrap().unwrap();
    assert_eq!(target.organizer_id, ann.id);
}

#[tokio::test]
async fn enabling_needs_a_toll_number_to_print() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let ann = f.licensed(&org, "Ann").await;
    let err = f
        .svc
        .enable_dial_in(&org_admin(&org), ann.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("add one first"), "{err}");
    assert!(
        f.svc
            .organizer(&f.platform, ann.id)
            .await
            .unwrap()
            .conference_id
            .is_none(),
        "rolled back"
    );
}

#[tokio::test]
async fn a_taken_id_is_skipped() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    // The first ID the service's seeded generator will draw, already held by someone else.
    let first = conference_id::generate(
        &mut StdRng::seed_from_u64(SEED),
        ConferenceIdLength::DEFAULT,
        |_| false,
    )
    .unwrap();
    // Without the holder, the service draws exactly that ID.
    let fresh = fixture().await;
    let fresh_org = fresh.org("Contoso").await;
    fresh.number("+1 415 555 0123", None).await;
    let fresh_out = fresh.enabled(&fresh_org, "Ann").await;
    assert_eq!(
        fresh_out.organizer.conference_id.as_deref(),
        Some(first.as_str())
    );

    let mut tx = f.svc.store().begin().await.unwrap();
    let holder = NewOrganizer {
        organization_id: org.id,
        profile: OrganizerProfile::new("Holder", "holder@contoso.example", "US"),
        provider: Provider::Dialbridge,
        conference_id: Some(first.to_string()),
    };
    tx.create_organizer(&Actor::system("test"), &holder)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let ann = f.licensed(&org, "Ann").await;
    let out = f.svc.enable_dial_in(&f.platform, ann.id).await.unwrap();
    let got = out.organizer.conference_id.unwrap();
    assert_ne!(got, first.to_string());
    assert_eq!(got.len(), 7);
}

#[tokio::test]
async fn reset_id_stops_the_old_one_at_once() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let old = ann.conference_id.clone().unwrap();
    let out = f
        .svc
        .reset_conference_id(&org_admin(&org), ann.id)
        .await
        .unwrap();
    let new = out.organizer.conference_id.clone().unwrap();
    assert_ne!(old, new);
    assert!(f.svc.resolve(&old).await.unwrap().is_none());
    assert_eq!(
        f.svc.resolve(&new).await.unwrap().unwrap().organizer_id,
        ann.id
    );
    assert_eq!(out.notifications, vec![NotificationKind::ConferenceIdReset]);
    assert!(out.new_pin.is_none());
}

#[tokio::test]
async fn pin_reset_random_and_chosen() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);

    let out = f
        .svc
        .reset_pin(&admin, ann.id, PinChoice::Random)
        .await
        .unwrap();
    let pin = out.new_pin.unwrap().reveal().to_owned();
    assert!(pin_verifies(&f, ann.id, &pin).await);
    assert_eq!(out.notifications, vec![NotificationKind::PinReset]);

    for trivial in ["12345", "11111", "54321", "1212", "123"] {
        let err = f
            .svc
            .reset_pin(&admin, ann.id, PinChoice::Chosen(trivial.into()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{trivial}");
    }
    let id_part = ann.conference_id.clone().unwrap()[..5].to_owned();
    assert_eq!(
        code(
            f.svc
                .reset_pin(&admin, ann.id, PinChoice::Chosen(id_part))
                .await
        ),
        "invalid"
    );
    assert!(
        pin_verifies(&f, ann.id, &pin).await,
        "refused choices keep the PIN"
    );

    let out = f
        .svc
        .reset_pin(&admin, ann.id, PinChoice::Chosen("52817".into()))
        .await
        .unwrap();
    assert_eq!(out.new_pin.unwrap().reveal(), "52817");
    assert!(pin_verifies(&f, ann.id, "52817").await);
    assert!(!pin_verifies(&f, ann.id, &pin).await);
}

#[tokio::test]
async fn disable_keeps_id_and_pin_but_stops_resolving() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let code_before = ann.conference_id.clone().unwrap();
    let out = f
        .svc
        .disable_dial_in(&org_admin(&org), ann.id)
        .await
        .unwrap();
    assert_eq!(out.notifications, vec![NotificationKind::DialInDisabled]);
    assert_eq!(
        out.organizer.conference_id.as_deref(),
        Some(code_before.as_str())
    );
    assert!(f.svc.resolve(&code_before).await.unwrap().is_none());
    // Back on: same ID, same PIN, no new PIN shown.
    let again = f
        .svc
        .enable_dial_in(&org_admin(&org), ann.id)
        .await
        .unwrap();
    assert_eq!(
        again.organizer.conference_id.as_deref(),
        Some(code_before.as_str())
    );
    assert!(again.new_pin.is_none());
    assert!(f.svc.resolve(&code_before).await.unwrap().is_some());
}

fn acp() -> AcpDetails {
    AcpDetails::new(
        "Fabrikam Conferencing",
        "+44 20 7946 0000",
        &["+1 800 555 0199"],
        "918273#",
        Some("https://fabrikam.example/join"),
    )
    .unwrap()
}

#[tokio::test]
async fn switching_to_an_acp_removes_our_id_and_pin() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let old = ann.conference_id.clone().unwrap();
    let admin = org_admin(&org);

    let out = f
        .svc
        .set_provider(&admin, ann.id, ProviderChoice::ThirdParty(acp()))
        .await
        .unwrap();
    let o = &out.organizer;
    assert!(matches!(&o.provider, Provider::Acp(a) if a.provider_name == "Fabrikam Conferencing"));
    assert!(o.conference_id.is_none());
    assert!(!o.has_pin);
    assert!(o.profile.default_toll_number.is_none());
    assert!(f.svc.resolve(&old).await.unwrap().is_none());
    assert_eq!(out.notifications, vec![NotificationKind::ProviderChanged]);
    assert_eq!(
        code(f.svc.reset_pin(&admin, ann.id, PinChoice::Random).await),
        "invalid"
    );
    assert_eq!(
        code(f.svc.reset_conference_id(&admin, ann.id).await),
        "invalid"
    );

    let inv = f.svc.organizer_invitation(&admin, ann.id).await.unwrap();
    assert!(inv.text.contains("Fabrikam Conferencing"), "{}", inv.text);
    assert!(inv.text.contains("918273#"));
    assert!(inv.text.contains("+44 20 7946 0000"));
    assert!(!inv.text.contains(&old));
    assert!(!inv.text.contains("Conference ID"));
    let event = CalendarEvent {
        uid: "abc@contoso.example".into(),
        subject: "Weekly".into(),
        starts_at: NOW,
        ends_at: NOW + 1800,
    };
    let ics = f
        .svc
        .organizer_calendar_invitation(&admin, ann.id, &event)
        .await
        .unwrap()
        .icalendar
        .unwrap();
    assert!(ics.contains("UID:abc@contoso.example\r\n"));
    assert!(ics.contains("918273#"), "{ics}");
    let backwards = CalendarEvent {
        ends_at: NOW - 1,
        ..event
    };
    assert_eq!(
        code(
            f.svc
                .organizer_calendar_invitation(&admin, ann.id, &backwards)
                .await
        ),
        "invalid"
    );

    // Back to dialbridge: licensed, so a fresh ID and PIN.
    let back = f
        .svc
        .set_provider(&admin, ann.id, ProviderChoice::Dialbridge)
        .await
        .unwrap();
    assert!(back.organizer.conference_id.is_some());
    assert!(back.new_pin.is_some());
    assert_eq!(back.notifications, vec![NotificationKind::ProviderChanged]);
}

#[tokio::test]
async fn an_acp_needs_no_licence() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let bob = f.organizer(&org, "Bob").await;
    f.svc
        .set_provider(&f.platform, bob.id, ProviderChoice::ThirdParty(acp()))
        .await
        .unwrap();
    let out = f.svc.enable_dial_in(&f.platform, bob.id).await.unwrap();
    assert!(out.organizer.profile.dial_in_enabled);
    assert!(out.new_pin.is_none());
    // Back to dialbridge while enabled, without a licence: refused.
    assert_eq!(
        code(
            f.svc
                .set_provider(&f.platform, bob.id, ProviderChoice::Dialbridge)
                .await
        ),
        "not_licensed"
    );
}

#[tokio::test]
async fn default_numbers_kinds_must_match() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let other = f.org("Fabrikam").await;
    let toll = f.number("+1 415 555 0123", None).await;
    let free = f.number("+1 800 555 0199", None).await;
    let london = f.number("+44 20 7946 0000", None).await;
    let paris_other = f.number("+33 1 23 45 67 89", Some(&other)).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);
    let set = |toll, toll_free, international| DefaultNumbers {
        toll,
        toll_free,
        international,
    };

    let err = f
        .svc
        .set_default_numbers(&admin, ann.id, set(Some(free.id), None, None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.to_string().contains("toll-free number, not toll"),
        "{err}"
    );
    assert_eq!(
        code(
            f.svc
                .set_default_numbers(&admin, ann.id, set(Some(toll.id), Some(toll.id), None))
                .await
        ),
        "invalid"
    );
    assert_eq!(
        code(
            f.svc
                .set_default_numbers(&admin, ann.id, set(Some(toll.id), Some(free.id), None))
                .await
        ),
        "invalid",
        "toll-free not allowed yet"
    );
    assert_eq!(
        code(
            f.svc
                .set_default_numbers(
                    &admin,
                    ann.id,
                    set(Some(toll.id), None, Some(paris_other.id))
                )
                .await
        ),
        "invalid",
        "another organization's number"
    );
    assert_eq!(
        code(
            f.svc
                .set_default_numbers(&admin, ann.id, set(None, None, None))
                .await
        ),
        "invalid",
        "enabled needs a toll number"
    );

    f.svc
        .set_toll_free_allowed(&admin, ann.id, true)
        .await
        .unwrap();
    let out = f
        .svc
        .set_default_numbers(
            &admin,
            ann.id,
            set(Some(toll.id), Some(free.id), Some(london.id)),
        )
        .await
        .unwrap();
    assert_eq!(
        out.notifications,
        vec![NotificationKind::DefaultNumberChanged]
    );
    let p = &out.organizer.profile;
    assert_eq!(
        (
            p.default_toll_number,
            p.default_toll_free_number,
            p.default_international_number
        ),
        (Some(toll.id), Some(free.id), Some(london.id))
    );
    let inv = f.svc.organizer_invitation(&admin, ann.id).await.unwrap();
    assert!(
        inv.text.contains("+1 800 555 0199 (toll-free"),
        "{}",
        inv.text
    );
    assert!(inv.text.contains("+44 20 7946 0000"));
}

#[tokio::test]
async fn profile_and_call_settings() {
    let f = fixture().await;
    let org = f
        .org_with(
            "Contoso",
            SettingsPatch {
                anonymous_start_default: Some(true),
                ..Default::default()
            },
        )
        .await;
    let admin = org_admin(&org);
    let ann = f.organizer(&org, "Ann").await;
    assert!(ann.profile.anonymous_start, "the organization's default");
    assert_eq!(ann.profile.country, "US");
    let ann = f
        .svc
        .update_organizer_profile(
            &admin,
            ann.id,
            &ProfileUpdate {
                name: Some("Ann Lee".into()),
                email: Some("ANN.LEE@contoso.example".into()),
                country: Some("gb".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            ann.profile.name.as_str(),
            ann.profile.email.as_str(),
            ann.profile.country.as_str()
        ),
        ("Ann Lee", "ann.lee@contoso.example", "GB")
    );
    let ann = f
        .svc
        .set_anonymous_start(&admin, ann.id, false)
        .await
        .unwrap();
    assert!(!ann.profile.anonymous_start);
    let ann = f
        .svc
        .set_dial_out_policy(&admin, ann.id, DialOutPolicy::International)
        .await
        .unwrap();
    assert_eq!(ann.profile.dial_out_policy, DialOutPolicy::International);
    let bob = f.organizer(&org, "Bob").await;
    let dup = ProfileUpdate {
        email: Some("ann.lee@contoso.example".into()),
        ..Default::default()
    };
    assert_eq!(
        code(f.svc.update_organizer_profile(&admin, bob.id, &dup).await),
        "conflict"
    );

    let query = OrganizerQuery {
        search: Some("lee".into()),
        ..Default::default()
    };
    let found = f
        .svc
        .list_organizers(&admin, &query, Page::default())
        .await
        .unwrap();
    assert_eq!(
        found.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![ann.id]
    );
    f.svc
        .set_provider(&admin, bob.id, ProviderChoice::ThirdParty(acp()))
        .await
        .unwrap();
    let acp_only = OrganizerQuery {
        provider: Some(ProviderKind::Acp),
        ..Default::default()
    };
    assert_eq!(
        f.svc
            .list_organizers(&admin, &acp_only, Page::default())
            .await
            .unwrap()
            .total,
        1
    );
    let paged = f
        .svc
        .list_organizers(&admin, &OrganizerQuery::default(), Page::new(1, 1))
        .await
        .unwrap();
    assert_eq!(
        (paged.total, paged.items.len(), paged.items[0].id),
        (2, 1, bob.id)
    );
}
