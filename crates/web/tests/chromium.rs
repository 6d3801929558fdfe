//! The admin center in real headless Chromium, driven over WebDriver (`chromedriver`): sign
//! in, find an organizer, reset their PIN and see it. Saves screenshots of the main pages in
//! `docs/screenshots/`. Everything is on loopback: the router on an ephemeral port inside
//! this test, chromedriver on another.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/install-test-deps`).

#![allow(clippy::unwrap_used)]

mod support;

use fantoccini::Locator;
use std::net::SocketAddr;
use std::time::Duration;
use support::browser::{browser, screenshot, start_driver, text_of};
use support::{fixture, ADMIN_EMAIL, PASSWORD};
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_find_an_organizer_and_reset_their_pin() {
    let f = fixture().await;
    for name in ["Grace Hopper", "Alan Turing", "Edsger Dijkstra"] {
        support::new_organizer(&f.svc, &f.org, name).await;
    }
    let app = support::app(
        &f.svc,
        dialbridge_web::WebSettings::for_public_url("http://127.0.0.1/"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });

    let driver = start_driver().await;
    let client = browser(&driver).await;

    // Not signed in: the dashboard sends us to the sign-in page.
    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/sign-in");
    screenshot(&client, "sign-in").await;
    client
        .find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(ADMIN_EMAIL)
        .await
        .unwrap();
    client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Dashboard");
    screenshot(&client, "dashboard").await;

    // Find the organizer through the Dial-in users search.
    client
        .find(Locator::LinkText("Dial-in users"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys("lovelace")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(text_of(&client, "#count").await.contains("of 1 organizers"));
    screenshot(&client, "dial-in-users").await;
    client
        .find(Locator::LinkText("Ada Lovelace"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Ada Lovelace");
    screenshot(&client, "organizer").await;

    // Reset the PIN: the new one is shown, once.
    client
        .find(Locator::Css("form[action$='/reset-pin'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let pin = text_of(&client, "#new-pin").await;
    assert_eq!(pin.len(), 5, "{pin}");
    assert!(pin.chars().all(|c| c.is_ascii_digit()), "{pin}");
    assert!(text_of(&client, "p.notice")
        .await
        .contains("The PIN was reset."));
    screenshot(&client, "organizer-new-pin").await;

    client
        .find(Locator::LinkText("Dial-in numbers"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Dial-in numbers");
    screenshot(&client, "dial-in-numbers").await;
    client
        .find(Locator::LinkText("Organizations"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Organizations and licences");
    screenshot(&client, "licences").await;

    // Narrow screen: the same page still reads top to bottom.
    client.set_window_size(390, 844).await.unwrap();
    client
        .goto(&format!("{base}/organizers/{}", f.organizer.id))
        .await
        .unwrap();
    assert!(
        client.find(Locator::Css("#new-pin")).await.is_err(),
        "shown only once"
    );
    screenshot(&client, "organizer-narrow").await;

    client.close().await.unwrap();
}

/// The live meetings page in a real browser: the script follows the server-sent events and
/// shows a roster change without a reload, and a form mutes a caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_meetings_update_by_themselves_and_mute_a_caller() {
    let f = fixture().await;
    let fake = support::fake_live(&f);
    let app = support::app(
        &f.svc,
        dialbridge_web::WebSettings::for_public_url("http://127.0.0.1/"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let driver = start_driver().await;
    let client = browser(&driver).await;
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    for (field, value) in [("#email", ADMIN_EMAIL), ("#password", PASSWORD)] {
        client
            .find(Locator::Css(field))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    client
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::LinkText("Live meetings"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&client, "h1").await, "Live meetings");
    assert!(
        text_of(&client, "section[aria-labelledby='meeting-organizer-1']")
            .await
            .contains("In the lobby")
    );
    screenshot(&client, "live-meetings").await;

    // The caller in the lobby is let in by the conference itself: no click, no reload.
    {
        let mut meetings = fake.meetings.lock().unwrap();
        meetings[0].participants[3].in_lobby = false;
    }
    fake.version.send_modify(|v| *v += 1);
    let mut updated = false;
    // A guard against a hang, not a speed check: the page updates after the event arrives.
    for _ in 0..100 {
        let acme = text_of(&client, "section[aria-labelledby='meeting-organizer-1']").await;
        if !acme.contains("In the lobby") {
            updated = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(updated, "the rosters did not update by themselves");
    assert_eq!(client.current_url().await.unwrap().path(), "/live");

    client
        .find(Locator::Css(
            "form[action='/live/organizer-1/mute'] input[name=participant][value='2'] ~ button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(text_of(&client, "p.notice")
        .await
        .contains("The caller was muted."));
    assert_eq!(
        fake.carried_out.lock().unwrap().clone(),
        [(
            "organizer-1".to_owned(),
            dialbridge_admin::live::LiveCommand::Mute { participant: 2 }
        )]
    );
    client.close().await.unwrap();
}
