//! The pages added for issue 7 driven with `oneshot` over a real SQLite store: invitation
//! customization with its preview; every page scoped to the admin's organization.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use dialbridge_admin::services::{Caller, NewOrganization};
use dialbridge_store::{Organization, Role};
use support::client::{signed_in, signed_in_as, Client};
use support::{csrf_of, fixture, Fixture, PASSWORD};

/// Another organization with its own org admin, `other@admins.example`.
async fn other_organization(f: &Fixture) -> Organization {
    let system = Caller::system("test");
    let other = f
        .svc
        .create_organization(
            &system,
            &NewOrganization {
                name: "Globex".into(),
                country: "GB".into(),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    f.svc
        .create_admin_account(
            &system,
            "other@admins.example",
            PASSWORD,
            Role::OrgAdmin,
            Some(other.id),
        )
        .await
        .unwrap();
    other
}

async fn acme_admin(f: &Fixture) -> Client {
    f.svc
        .create_admin_account(
            &Caller::system("test"),
            "acme@admins.example",
            PASSWORD,
            Role::OrgAdmin,
            Some(f.org.id),
        )
        .await
        .unwrap();
    signed_in_as(&f.svc, "acme@admins.example").await
}

#[tokio::test]
async fn invitation_preview_follows_the_typed_customization_without_saving() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/invitation", f.org.id);
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Sample Organizer"), "{}", page.body);
    assert!(page.body.contains("<label for=\"footer\">Footer</label>"));
    assert!(page.body.contains("/static/invitation.js"));
    let csrf = csrf_of(&page.body);
    let part = client
        .post(
            &format!("{path}/preview?part=1"),
            vec![
                ("csrf", &csrf),
                ("help_url", "https://help.acme.example/dial-in"),
                ("footer", "Acme <legal> footer"),
            ],
        )
        .await;
    assert_eq!(part.status, StatusCode::OK);
    assert!(part.body.starts_with("<div id=\"invitation-preview\""));
    assert!(!part.body.contains("<html"), "only the preview part");
    assert!(part.body.contains("https://help.acme.example/dial-in"));
    assert!(
        part.body.contains("Acme &lt;legal&gt; footer"),
        "the footer is escaped in the HTML preview: {}",
        part.body
    );
    // Without the script: the Preview button posts the form and gets the whole page.
    let whole = client
        .post(
            &format!("{path}/preview"),
            vec![("csrf", &csrf), ("footer", "Typed, not saved")],
        )
        .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert!(whole.body.contains("<h1>Invitation of Acme Corp</h1>"));
    assert!(whole.body.contains("Typed, not saved"));
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(
        org.settings.invitation,
        Default::default(),
        "a preview saves nothing"
    );
}

#[tokio::test]
async fn invitation_errors_are_shown_next_to_their_fields_and_nothing_is_saved() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/invitation", f.org.id);
    let csrf = client.csrf(&path).await;
    let long_footer = "x".repeat(2001);
    let refused = client
        .post(
            &path,
            vec![
                ("csrf", &csrf),
                ("logo_url", "javascript:alert(1)"),
                ("help_url", "https://help.acme.example/"),
                ("footer", &long_footer),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"logo_url-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"footer-error\""));
    assert!(!refused.body.contains("id=\"help_url-error\""));
    assert!(
        refused
            .body
            .contains("value=\"https://help.acme.example/\""),
        "typed values kept"
    );
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(org.settings.invitation, Default::default(), "nothing saved");

    let saved = client
        .post(
            &path,
            vec![
                ("csrf", &csrf),
                ("logo_url", "https://acme.example/logo.png"),
                ("legal_url", "https://acme.example/legal"),
                ("footer", "Acme Corp, line one\nline two"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    let stored = org.settings.invitation;
    assert_eq!(
        stored.logo_url.as_deref(),
        Some("https://acme.example/logo.png")
    );
    assert_eq!(
        stored.legal_url.as_deref(),
        Some("https://acme.example/legal")
    );
    assert_eq!(stored.help_url, None);
    assert_eq!(
        stored.footer.as_deref(),
        Some("Acme Corp, line one\nline two")
    );
    let organizer = client.get(&format!("/organizers/{}", f.organizer.id)).await;
    assert!(
        organizer.body.contains("line two"),
        "organizers' invitations use it"
    );
}

#[tokio::test]
async fn invitation_pages_are_scoped_to_the_admins_organization() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    let mut client = acme_admin(&f).await;
    let own = client
        .get(&format!("/organizations/{}/invitation", f.org.id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let csrf = csrf_of(&own.body);
    let theirs = format!("/organizations/{}/invitation", other.id);
    assert_eq!(client.get(&theirs).await.status, StatusCode::FORBIDDEN);
    let save = client
        .post(&theirs, vec![("csrf", &csrf), ("footer", "hijacked")])
        .await;
    assert_eq!(save.status, StatusCode::FORBIDDEN);
    let part = client
        .post(&format!("{theirs}/preview?part=1"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(part.status, StatusCode::FORBIDDEN);
    let org = f
        .svc
        .organization(&support::system(), other.id)
        .await
        .unwrap();
    assert_eq!(org.settings.invitation.footer, None);
}
