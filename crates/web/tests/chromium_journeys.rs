//! The admin journeys of issue 7 in real headless Chromium (chromedriver): assign a licence,
//! add a number, customize the invitation and watch the preview follow the typing, import
//! an ACP file with a bad row (every error shown, nothing written) then a good one, and see
//! a PIN reset's mail in the outbox. Saves screenshots of the pages in `docs/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/install-test-deps`).

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_admin::services::CallRecordInput;
use dialbridge_store::{CallDirection, Provider};
use support::browser::{
    browser, clear, click, screenshot, serve, sign_in, start_driver, text_of, type_into,
    wait_for_text,
};
use support::{fixture, Fixture, ADMIN_EMAIL, PASSWORD};

async fn app(f: &Fixture) -> String {
    serve(support::app(
        &f.svc,
        dialbridge_web::WebSettings::for_public_url("http://127.0.0.1/"),
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_a_licence_add_a_number_and_see_a_pin_resets_mail_in_the_outbox() {
    let f = fixture().await;
    let grace = support::new_organizer(&f.svc, &f.org, "Grace Hopper").await;
    let base = app(&f).await;
    let driver = start_driver().await;
    let client = browser(&driver).await;
    sign_in(&client, &base, ADMIN_EMAIL, PASSWORD).await;

    // Assign a licence.
    client
        .goto(&format!("{base}/organizers/{}", grace.id))
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Grace Hopper");
    click(&client, "form[action$='/assign-licence'] button").await;
    wait_for_text(&client, "p.notice", |t| {
        t.contains("A licence was assigned.")
    })
    .await;
    let licensed = f.svc.organizer(&support::system(), grace.id).await.unwrap();
    assert!(licensed.licensed);

    // Add a number.
    client.goto(&format!("{base}/numbers")).await.unwrap();
    type_into(&client, "#number", "+44 161 496 0000").await;
    type_into(&client, "#city", "Manchester").await;
    type_into(&client, "#trunk", "carrier-a").await;
    click(&client, "form[action='/numbers'] button[type=submit]").await;
    wait_for_text(&client, "p.notice", |t| t.contains("Added +441614960000")).await;
    assert!(text_of(&client, "table").await.contains("Manchester"));

    // Reset Ada's PIN and find the mail in the outbox (its body, with the PIN, is not shown).
    client
        .goto(&format!("{base}/organizers/{}", f.organizer.id))
        .await
        .unwrap();
    click(&client, "form[action$='/reset-pin'] button").await;
    let pin = text_of(&client, "#new-pin").await;
    click(&client, "nav a[href='/audit']").await;
    assert_eq!(text_of(&client, "h1").await, "Audit log");
    screenshot(&client, "audit-log").await;
    click(&client, "main a[href='/mail']").await;
    let outbox = text_of(&client, "#outbox").await;
    assert!(outbox.contains("ada.lovelace@acme.example"), "{outbox}");
    assert!(outbox.contains("Your dial-in PIN was reset"), "{outbox}");
    assert!(!outbox.contains(&pin));
    screenshot(&client, "mail-outbox").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customize_the_invitation_and_watch_the_preview_follow() {
    let f = fixture().await;
    let base = app(&f).await;
    let driver = start_driver().await;
    let client = browser(&driver).await;
    sign_in(&client, &base, ADMIN_EMAIL, PASSWORD).await;
    client
        .goto(&format!("{base}/organizations/{}", f.org.id))
        .await
        .unwrap();
    click(
        &client,
        &format!("a[href='/organizations/{}/invitation']", f.org.id),
    )
    .await;
    assert_eq!(text_of(&client, "h1").await, "Invitation of Acme Corp");

    // The preview follows the typing (the script), without a click.
    type_into(&client, "#footer", "Questions? Call the Acme help desk.").await;
    wait_for_text(&client, "#invitation-preview", |t| {
        t.contains("Questions? Call the Acme help desk.")
    })
    .await;
    type_into(&client, "#legal_url", "https://acme.example/legal").await;
    wait_for_text(&client, "#invitation-preview", |t| t.contains("Legal")).await;
    screenshot(&client, "invitation").await;

    // A bad URL: the error is next to its field and nothing is saved.
    // The browser takes any URL; the server takes only http(s).
    type_into(&client, "#logo_url", "ftp://acme.example/logo.png").await;
    click(&client, "#invitation-form button:not(.secondary)").await;
    let error = text_of(&client, "#logo_url-error").await;
    assert!(!error.is_empty());
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(org.settings.invitation, Default::default());
    screenshot(&client, "invitation-error").await;

    clear(&client, "#logo_url").await;
    type_into(&client, "#logo_url", "https://acme.example/logo.png").await;
    click(&client, "#invitation-form button:not(.secondary)").await;
    wait_for_text(&client, "p.notice", |t| {
        t.contains("invitation customization was saved")
    })
    .await;
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(
        org.settings.invitation.footer.as_deref(),
        Some("Questions? Call the Acme help desk.")
    );

    // A phone-sized screen: the form and the preview stack, nothing is cut off sideways.
    client.set_window_size(390, 844).await.unwrap();
    client.refresh().await.unwrap();
    wait_for_text(&client, "#invitation-preview", |t| {
        t.contains("Acme help desk")
    })
    .await;
    let overflow = client
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let [page_width, screen_width]: [u64; 2] = serde_json::from_value(overflow).unwrap();
    assert!(
        page_width <= screen_width,
        "no sideways scrolling: {page_width} > {screen_width}"
    );
    screenshot(&client, "invitation-narrow").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_file_with_a_bad_row_then_a_good_one() {
    let f = fixture().await;
    let grace = support::new_organizer(&f.svc, &f.org, "Grace Hopper").await;
    let base = app(&f).await;
    let dir = tempfile::tempdir().unwrap();
    let header = "email,acp_provider_name,acp_toll_number,acp_toll_free_numbers,acp_participant_passcode,acp_conference_id,acp_url";
    let bad = dir.path().join("acp-bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\nada.lovelace@acme.example,Zoomish,+14155550123,,123456#,,\ngrace.hopper@acme.example,Zoomish,12,,9#,,\n"),
    )
    .unwrap();
    let good = dir.path().join("acp-good.csv");
    std::fs::write(
        &good,
        format!("{header}\nada.lovelace@acme.example,Zoomish,+14155550123,,123456#,,\ngrace.hopper@acme.example,Zoomish,+14155550124,,789#,,\n"),
    )
    .unwrap();
    let driver = start_driver().await;
    let client = browser(&driver).await;
    sign_in(&client, &base, ADMIN_EMAIL, PASSWORD).await;
    client
        .goto(&format!("{base}/organizations/{}", f.org.id))
        .await
        .unwrap();
    click(
        &client,
        &format!("a[href='/organizations/{}/acp']", f.org.id),
    )
    .await;
    assert_eq!(text_of(&client, "h1").await, "ACP export and import");

    type_into(&client, "#file", bad.to_str().unwrap()).await;
    click(&client, "form[action$='/acp/check'] button").await;
    let problems = text_of(&client, "#import-problems").await;
    assert!(
        problems.contains("1 problem(s) found. Nothing was written."),
        "{problems}"
    );
    assert!(text_of(&client, "#row-errors").await.contains('3'));
    screenshot(&client, "acp-import-errors").await;
    let ada = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(ada.provider, Provider::Dialbridge, "nothing written");

    type_into(&client, "#file", good.to_str().unwrap()).await;
    click(&client, "form[action$='/acp/check'] button").await;
    assert_eq!(text_of(&client, "#changes").await, "2");
    screenshot(&client, "acp-import-check").await;
    let ada = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(
        ada.provider,
        Provider::Dialbridge,
        "the check writes nothing"
    );
    click(&client, "form[action$='/acp/import'] button").await;
    wait_for_text(&client, "p.notice", |t| {
        t.contains("2 organizer(s) changed")
    })
    .await;
    for id in [f.organizer.id, grace.id] {
        let o = f.svc.organizer(&support::system(), id).await.unwrap();
        assert!(matches!(o.provider, Provider::Acp(_)));
    }
    client.close().await.unwrap();
}

/// Screenshots of call history and the usage report, with a few calls in them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_history_and_usage_report() {
    let f = fixture().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for (i, (direction, number, secs)) in [
        (CallDirection::Inbound, "+14155550100", 1800),
        (CallDirection::Inbound, "+442071838750", 600),
        (CallDirection::Outbound, "+33142685300", 300),
    ]
    .into_iter()
    .enumerate()
    {
        let ended_at = now - 60 * i as i64;
        f.svc
            .record_call(CallRecordInput {
                direction,
                trunk: "carrier-a".into(),
                called_number: number.into(),
                caller_number: Some("+16505550199".into()),
                dial_in_number_kind: None,
                country: None,
                organization_id: None,
                organizer_id: Some(f.organizer.id),
                meeting_id: None,
                conference_key: None,
                role: None,
                started_at: ended_at - secs - 5,
                answered_at: Some(ended_at - secs),
                ended_at,
                end_reason: "caller_hangup".into(),
            })
            .await
            .unwrap();
    }
    let base = app(&f).await;
    let driver = start_driver().await;
    let client = browser(&driver).await;
    sign_in(&client, &base, ADMIN_EMAIL, PASSWORD).await;
    click(&client, "nav a[href='/calls']").await;
    assert!(text_of(&client, "#count").await.contains("of 3 calls"));
    client
        .find(fantoccini::Locator::Css("#direction"))
        .await
        .unwrap()
        .select_by_value("outbound")
        .await
        .unwrap();
    click(&client, "form.filters button").await;
    wait_for_text(&client, "#count", |t| t.contains("of 1 calls")).await;
    click(&client, "nav a[href='/calls']").await;
    wait_for_text(&client, "#count", |t| t.contains("of 3 calls")).await;
    screenshot(&client, "call-history").await;
    click(&client, "main a[href='/usage']").await;
    assert_eq!(text_of(&client, "h1").await, "Usage report");
    // The calls' months (two when the test runs just after a month began).
    let month = |t: i64| {
        use chrono::Datelike;
        let t = chrono::DateTime::from_timestamp(t, 0).unwrap();
        format!("{:04}-{:02}", t.year(), t.month())
    };
    client
        .goto(&format!(
            "{base}/usage?from={}&to={}",
            month(now - 120),
            month(now)
        ))
        .await
        .unwrap();
    assert!(text_of(&client, "#dial-out").await.contains("FR"));
    screenshot(&client, "usage-report").await;
    client.close().await.unwrap();
}
