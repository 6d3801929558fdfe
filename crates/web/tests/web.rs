//! The admin center driven with `oneshot`, mounted beside the REST API as the binary mounts
//! it, over a real SQLite store: sign-in, sessions, CSRF, the sign-in limits, and the
//! organizer actions.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use dialbridge_admin::services::{Caller, OrganizerQuery};
use dialbridge_store::{Page, Role};
use dialbridge_web::WebSettings;
use support::client::Client;
use support::{csrf_of, fixture, Fixture, ADMIN_EMAIL, PASSWORD};

fn http_settings() -> WebSettings {
    WebSettings::for_public_url("http://dial.example.com/")
}

async fn signed_in(f: &Fixture) -> Client {
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    let reply = client.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    client
}

#[tokio::test]
async fn pages_without_a_session_send_to_sign_in() {
    let f = fixture().await;
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    for path in [
        "/",
        "/organizers",
        &format!("/organizers/{}", f.organizer.id),
    ] {
        let reply = client.get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.location.as_deref(), Some("/sign-in"), "{path}");
    }
    // The REST API beside it still answers JSON.
    let api = client.get("/api/v1/organizers").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(api.body.contains("\"unauthorized\""));
}

#[tokio::test]
async fn sign_in_starts_a_new_hardened_session_and_sign_out_ends_it() {
    let f = fixture().await;
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    let form = client.get("/sign-in").await;
    let anonymous = form.set_cookie[0].clone();
    assert!(anonymous.contains("HttpOnly"), "{anonymous}");
    assert!(anonymous.contains("SameSite=Strict"), "{anonymous}");
    assert!(!anonymous.contains("Secure"), "{anonymous}");
    let csrf = csrf_of(&form.body);
    let reply = client
        .post(
            "/sign-in",
            vec![
                ("csrf", &csrf),
                ("email", " ROOT@admins.example "),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location.as_deref(), Some("/"));
    let fresh = reply.set_cookie[0].clone();
    assert_ne!(
        fresh.split(';').next(),
        anonymous.split(';').next(),
        "signing in must not keep the pre-sign-in session id"
    );
    let dashboard = client.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("<h1>Dashboard</h1>"));
    assert!(dashboard.body.contains(ADMIN_EMAIL));

    let session = client.cookie.clone();
    let csrf = csrf_of(&dashboard.body);
    let out = client.post("/sign-out", vec![("csrf", &csrf)]).await;
    assert_eq!(out.location.as_deref(), Some("/sign-in"));
    // The old cookie no longer opens anything, even if the browser kept it.
    client.cookie = session;
    assert_eq!(client.get("/").await.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn cookie_is_secure_when_the_public_url_is_https() {
    let f = fixture().await;
    let settings = WebSettings::for_public_url("HTTPS://dial.example.com/");
    assert!(settings.secure_cookies);
    let mut client = Client::new(support::app(&f.svc, settings));
    let form = client.get("/sign-in").await;
    assert!(form.set_cookie[0].contains("Secure"));
}

#[tokio::test]
async fn posts_without_the_sessions_csrf_token_are_refused() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let path = format!("/organizers/{}/reset-conference-id", f.organizer.id);
    let before = f.organizer.conference_id.clone();
    let missing = client.post(&path, vec![]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = client.post(&path, vec![("csrf", &"0".repeat(64))]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // Another session's token does not do either.
    let mut other = signed_in(&f).await;
    let others = other.csrf("/").await;
    let foreign = client.post(&path, vec![("csrf", &others)]).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let after = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(after.conference_id, before, "nothing may have changed");
    // Sign-in itself needs the form's token.
    let mut stranger = Client::new(support::app(&f.svc, http_settings()));
    let reply = stranger
        .post(
            "/sign-in",
            vec![("email", ADMIN_EMAIL), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // With the token the same action works.
    let csrf = client.csrf("/").await;
    let ok = client.post(&path, vec![("csrf", &csrf)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

#[tokio::test]
async fn six_wrong_passwords_lock_the_account() {
    let f = fixture().await;
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    for attempt in 1..=5 {
        let reply = client.sign_in(ADMIN_EMAIL, "wrong password!").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(reply.body.contains("Wrong email address or password."));
    }
    let sixth = client.sign_in(ADMIN_EMAIL, "wrong password!").await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        sixth.body.contains("Too many failed sign-ins"),
        "{}",
        sixth.body
    );
    assert!(
        sixth.body.contains("try again in 15 minutes"),
        "{}",
        sixth.body
    );
    // Even the right password waits.
    let right = client.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(client.get("/").await.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn five_failures_from_one_address_lock_it_for_every_account() {
    let f = fixture().await;
    let app = support::app(&f.svc, http_settings());
    let mut guesser = Client::new(app.clone());
    guesser.from = Some("192.0.2.10:40000".parse().unwrap());
    for i in 0..5 {
        let email = format!("nobody{i}@admins.example");
        let reply = guesser.sign_in(&email, "whatever-password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let locked = guesser.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    // The real admin elsewhere is not affected.
    let mut admin = Client::new(app);
    admin.from = Some("198.51.100.20:40000".parse().unwrap());
    let reply = admin.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn reset_pin_shows_the_new_pin_once() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let page_path = format!("/organizers/{}", f.organizer.id);
    let csrf = client.csrf(&page_path).await;
    let reply = client
        .post(
            &format!("{page_path}/reset-pin"),
            vec![("csrf", &csrf), ("pin", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let marker = "<strong id=\"new-pin\">";
    let start = reply.body.find(marker).expect("the new PIN is shown") + marker.len();
    let pin: String = reply.body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(pin.len(), 5, "the organization's default PIN length");
    assert!(reply.body.contains("The PIN was reset."));
    // Only in that answer.
    let again = client.get(&page_path).await;
    assert!(!again.body.contains("id=\"new-pin\""));
    assert!(!again.body.contains(&pin));
    // And a mail with it went to the outbox in the same transaction.
    let mails = f
        .svc
        .store()
        .list_mail(&Default::default(), Page::first(50))
        .await
        .unwrap();
    assert!(mails.items.iter().any(|m| m.body_text.contains(&pin)));
}

#[tokio::test]
async fn a_refused_pin_is_explained_next_to_the_field_and_nothing_changes() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let page_path = format!("/organizers/{}", f.organizer.id);
    let csrf = client.csrf(&page_path).await;
    let mails_before = f
        .svc
        .store()
        .list_mail(&Default::default(), Page::first(1))
        .await
        .unwrap()
        .total;
    let reply = client
        .post(
            &format!("{page_path}/reset-pin"),
            vec![("csrf", &csrf), ("pin", "12345")],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("id=\"pin-error\""), "{}", reply.body);
    assert!(reply.body.contains("aria-describedby=\"pin-error\""));
    assert!(!reply.body.contains("id=\"new-pin\""));
    let mails_after = f
        .svc
        .store()
        .list_mail(&Default::default(), Page::first(1))
        .await
        .unwrap()
        .total;
    assert_eq!(mails_before, mails_after, "no half-done reset");
}

#[tokio::test]
async fn organizer_settings_are_saved_by_their_forms() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let page_path = format!("/organizers/{}", f.organizer.id);
    let csrf = client.csrf(&page_path).await;
    let reply = client
        .post(
            &format!("{page_path}/dial-out-policy"),
            vec![("csrf", &csrf), ("dial_out_policy", "international")],
        )
        .await;
    assert_eq!(reply.location.as_deref(), Some(page_path.as_str()));
    let reply = client
        .post(
            &format!("{page_path}/anonymous-start"),
            vec![("csrf", &csrf), ("anonymous_start", "on")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = client.get(&page_path).await;
    assert!(page.body.contains("Anonymous start was saved."));
    let organizer = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert!(organizer.profile.anonymous_start);
    assert_eq!(organizer.profile.dial_out_policy.as_str(), "international");
    // A bad value is explained next to its field.
    let bad = client
        .post(
            &format!("{page_path}/dial-out-policy"),
            vec![("csrf", &csrf), ("dial_out_policy", "moon")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"dial-out-error\""));
    // Disabling dial-in, then the licence.
    let off = client
        .post(
            &format!("{page_path}/disable-dial-in"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(client
        .get(&page_path)
        .await
        .body
        .contains("<dd id=\"dial-in-state\">off</dd>"));
    let removed = client
        .post(
            &format!("{page_path}/remove-licence"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    // Without a licence dialbridge dial-in is refused, next to the dial-in form.
    let refused = client
        .post(
            &format!("{page_path}/enable-dial-in"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"dial-in-error\""));
    assert!(refused.body.contains("no dial-in conferencing licence"));
}

#[tokio::test]
async fn dial_in_users_filter_search_and_pages() {
    let f = fixture().await;
    for i in 0..30 {
        support::new_organizer(&f.svc, &f.org, &format!("Person {i:02}")).await;
    }
    let mut client = signed_in(&f).await;
    let first = client.get("/organizers").await;
    assert!(
        first.body.contains("1–25 of 31 organizers"),
        "{}",
        first.body
    );
    assert!(first.body.contains("href=\"/organizers?page=2\""));
    let second = client.get("/organizers?page=2").await;
    assert!(second.body.contains("26–31 of 31 organizers"));
    assert!(!second.body.contains("rel=\"next\""));
    let search = client.get("/organizers?q=lovelace").await;
    assert!(search.body.contains("1–1 of 1 organizers"));
    assert!(search
        .body
        .contains(&format!("href=\"/organizers/{}\"", f.organizer.id)));
    let acp = client.get("/organizers?provider=acp").await;
    assert!(acp.body.contains("No organizers match."));
    let nonsense = client.get("/organizers?page=abc&provider=zzz").await;
    assert_eq!(nonsense.status, StatusCode::OK);
}

#[tokio::test]
async fn a_read_only_admin_sees_no_actions_and_cannot_act() {
    let f = fixture().await;
    f.svc
        .create_admin_account(
            &Caller::system("test"),
            "reader@admins.example",
            PASSWORD,
            Role::ReadOnly,
            Some(f.org.id),
        )
        .await
        .unwrap();
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    let reply = client.sign_in("reader@admins.example", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page_path = format!("/organizers/{}", f.organizer.id);
    let page = client.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Reset PIN"));
    let csrf = csrf_of(&page.body);
    let reply = client
        .post(&format!("{page_path}/reset-pin"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let listed = f
        .svc
        .list_organizers(
            &support::system(),
            &OrganizerQuery::default(),
            Page::first(5),
        )
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
}

#[tokio::test]
async fn stylesheet_and_unknown_pages() {
    let f = fixture().await;
    let mut client = Client::new(support::app(&f.svc, http_settings()));
    let css = client.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains(":focus-visible"));
    let missing = client.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("There is no page at this address."));
}

#[tokio::test]
async fn dial_in_numbers_are_listed_and_added_with_errors_next_to_the_form() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let list = client.get("/numbers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("2 numbers"));
    assert!(list.body.contains("+442071838750"));
    let csrf = csrf_of(&list.body);
    let bad = client
        .post(
            "/numbers",
            vec![
                ("csrf", &csrf),
                ("number", "+1 555"),
                ("city", "Gotham"),
                ("primary_language", "en-US"),
                ("trunk", "carrier-a"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("id=\"add-error\""));
    assert!(
        bad.body.contains("value=\"Gotham\""),
        "what was typed stays"
    );
    assert!(client.get("/numbers").await.body.contains("2 numbers"));
    let good = client
        .post(
            "/numbers",
            vec![
                ("csrf", &csrf),
                ("number", "+12125550199"),
                ("kind", "toll"),
                ("city", "New York"),
                ("primary_language", "en-US"),
                ("secondary_languages", "es-ES"),
                ("organization", &f.org.id.to_string()),
                ("trunk", "carrier-a"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let list = client.get("/numbers").await;
    assert!(list.body.contains("Added +12125550199."));
    assert!(list.body.contains("3 numbers"));
    assert!(list.body.contains("en-US, es-ES"));
    assert!(list.body.contains("Acme Corp"));
}

#[tokio::test]
async fn a_dial_in_number_is_edited_and_a_number_in_use_is_not_removed() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let toll = f.organizer.profile.default_toll_number.unwrap();
    let path = format!("/numbers/{toll}");
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("value=\"San Francisco\""));
    let csrf = csrf_of(&page.body);
    let form = |secondary: &'static str| {
        vec![
            ("kind", "toll"),
            ("city", "Oakland"),
            ("primary_language", "en-US"),
            ("secondary_languages", secondary),
            ("organization", ""),
            ("trunk", "carrier-a"),
        ]
    };
    let mut bad = form("es-ES, fr-FR, de-DE, it-IT, ja-JP");
    bad.push(("csrf", &csrf));
    let refused = client.post(&path, bad).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"edit-error\""));
    assert!(
        refused.body.contains("value=\"Oakland\""),
        "what was typed stays"
    );
    let unchanged = f
        .svc
        .dial_in_number(&support::system(), toll)
        .await
        .unwrap();
    assert_eq!(unchanged.fields.city.as_deref(), Some("San Francisco"));
    let mut good = form("es-ES, fr-FR");
    good.push(("csrf", &csrf));
    let saved = client.post(&path, good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let changed = f
        .svc
        .dial_in_number(&support::system(), toll)
        .await
        .unwrap();
    assert_eq!(changed.fields.city.as_deref(), Some("Oakland"));
    assert_eq!(changed.fields.secondary_languages, ["es-ES", "fr-FR"]);
    // The organizer's default toll number cannot go.
    let remove = client
        .post(&format!("{path}/remove"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(
        remove.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        remove.body
    );
    assert!(remove.body.contains("id=\"remove-error\""));
}

#[tokio::test]
async fn licence_seats_are_set_and_never_below_those_assigned() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let page = client.get("/licences").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(&page.body);
    let path = format!("/licences/{}", f.org.id);
    let below = client
        .post(&path, vec![("csrf", &csrf), ("seats", "0")])
        .await;
    assert_eq!(
        below.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        below.body
    );
    assert!(below
        .body
        .contains(&format!("id=\"seats-error-{}\"", f.org.id)));
    assert!(
        below.body.contains("1 licences are assigned"),
        "{}",
        below.body
    );
    let garbage = client
        .post(&path, vec![("csrf", &csrf), ("seats", "many")])
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        garbage.body.contains("value=\"many\""),
        "what was typed stays"
    );
    let saved = client
        .post(&path, vec![("csrf", &csrf), ("seats", "7")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let pool = f
        .svc
        .licence_pool(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!((pool.seats_bought, pool.seats_assigned), (7, 1));
}

#[tokio::test]
async fn switching_to_a_third_party_provider_is_checked_first_and_shows_its_details() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let page_path = format!("/organizers/{}", f.organizer.id);
    let page = client.get(&page_path).await;
    assert!(
        page.body.contains("class=\"invitation\""),
        "invitation preview"
    );
    assert!(page
        .body
        .contains(f.organizer.conference_id.as_deref().unwrap()));
    let csrf = csrf_of(&page.body);
    let acp = |toll: &'static str| {
        vec![
            ("provider", "acp"),
            ("acp_name", "TeleConf"),
            ("acp_toll", toll),
            ("acp_toll_free", ""),
            ("acp_passcode", "998877"),
            ("acp_url", "https://teleconf.example/join"),
        ]
    };
    let mut bad = acp("0800 nope");
    bad.push(("csrf", &csrf));
    let refused = client.post(&format!("{page_path}/provider"), bad).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"provider-error\""));
    let still = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(still.conference_id, f.organizer.conference_id);
    let mut good = acp("+14155550123");
    good.push(("csrf", &csrf));
    let saved = client.post(&format!("{page_path}/provider"), good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = client.get(&page_path).await;
    assert!(page.body.contains("TeleConf (third-party)"));
    assert!(page.body.contains("value=\"998877\""));
    let after = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(after.conference_id, None, "our conference ID is gone");
}

#[tokio::test]
async fn organization_settings_are_checked_whole_and_saved() {
    let f = fixture().await;
    let mut client = signed_in(&f).await;
    let path = format!("/organizations/{}", f.org.id);
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(
        "id=\"send_emails\" name=\"send_emails\" type=\"checkbox\" value=\"on\" checked"
    ));
    let csrf = csrf_of(&page.body);
    let form = |pin_length: &'static str| {
        vec![
            ("sender_address", "dial-in@acme.example"),
            ("announcements", "off"),
            ("pin_length", pin_length),
            ("conference_id_length", "8"),
        ]
    };
    let mut typo = form("six");
    typo.push(("csrf", &csrf));
    let refused = client.post(&format!("{path}/settings"), typo).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"pin_length-error\""));
    let mut too_short = form("3");
    too_short.push(("csrf", &csrf));
    let refused = client.post(&format!("{path}/settings"), too_short).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"settings-error\""));
    let unchanged = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert!(unchanged.settings.send_emails, "nothing half-saved");
    let mut good = form("6");
    good.push(("csrf", &csrf));
    let saved = client.post(&format!("{path}/settings"), good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert!(!org.settings.send_emails, "an unticked box is off");
    assert_eq!(org.settings.pin_length, 6);
    assert_eq!(org.settings.conference_id_length, 8);
    assert_eq!(
        org.settings.sender_address.as_deref(),
        Some("dial-in@acme.example")
    );
}
