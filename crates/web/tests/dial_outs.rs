//! The dial-out pages of the admin center: the dial-out log (refusals with their reasons,
//! outcomes, each organization's own) and the dial-out fields of the organization settings.
#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dialbridge_admin::services::{Caller, DialOutRecord, NewOrganization};
use dialbridge_store::{OrganizerId, Role};
use dialbridge_web::WebSettings;
use http_body_util::BodyExt;
use support::{csrf_of, fixture, Fixture, ADMIN_EMAIL, PASSWORD};
use tower::ServiceExt;

/// A browser in miniature: keeps the session cookie, sends forms.
struct Client {
    app: Router,
    cookie: Option<String>,
}

struct Reply {
    status: StatusCode,
    body: String,
}

impl Client {
    async fn send(&mut self, method: Method, path: &str, form: Option<Vec<(&str, &str)>>) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(fields).unwrap())
            }
            None => Body::empty(),
        };
        let response = self
            .app
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        for cookie in response.headers().get_all(header::SET_COOKIE) {
            let pair = cookie
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: Vec<(&str, &str)>) -> Reply {
        self.send(Method::POST, path, Some(form)).await
    }
}

async fn signed_in(f: &Fixture, email: &str) -> Client {
    let mut client = Client {
        app: support::app(
            &f.svc,
            WebSettings::for_public_url("http://dial.example.com/"),
        ),
        cookie: None,
    };
    let form = client.get("/sign-in").await;
    let csrf = csrf_of(&form.body);
    let reply = client
        .post(
            "/sign-in",
            vec![("csrf", &csrf), ("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    client
}

fn attempt(reference: &str, f: &Fixture, status: &str, reason: Option<&str>) -> DialOutRecord {
    DialOutRecord {
        reference: reference.into(),
        organization_id: f.org.id,
        organizer_id: Some(f.organizer.id),
        conference_key: Some(format!("organizer-{}", f.organizer.id)),
        purpose: "add_participant".into(),
        requested_by: ADMIN_EMAIL.into(),
        dialed: "+44 20 7946 0000".into(),
        e164: Some("+442079460000".into()),
        destination_country: Some("GB".into()),
        status: status.into(),
        reason: reason.map(str::to_owned),
    }
}

#[tokio::test]
async fn the_dial_out_log_lists_refusals_and_outcomes_of_the_admins_organization() {
    let f = fixture().await;
    f.svc
        .record_dial_out(attempt(
            "aaaaaaaaaaaaaaa1",
            &f,
            "refused",
            Some("international_not_allowed"),
        ))
        .await
        .unwrap();
    f.svc
        .record_dial_out(attempt("aaaaaaaaaaaaaaa2", &f, "no_answer", None))
        .await
        .unwrap();
    // Another organization's refusal, which Acme's admin must never see.
    let other = f
        .svc
        .create_organization(
            &Caller::system("test"),
            &NewOrganization {
                name: "Globex Secret".into(),
                country: "US".into(),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    f.svc
        .record_dial_out(DialOutRecord {
            organization_id: other.id,
            organizer_id: None::<OrganizerId>,
            reason: Some("premium_rate_globex".into()),
            ..attempt("bbbbbbbbbbbbbbb1", &f, "refused", None)
        })
        .await
        .unwrap();

    let mut platform = signed_in(&f, ADMIN_EMAIL).await;
    let page = platform.get("/dial-outs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>Dial-out log</h1>"));
    assert!(page
        .body
        .contains("href=\"/dial-outs\" aria-current=\"page\""));
    assert!(page.body.contains("1–3 of 3 attempts"), "{}", page.body);

    f.svc
        .create_admin_account(
            &Caller::system("test"),
            "acme@admins.example",
            PASSWORD,
            Role::ReadOnly,
            Some(f.org.id),
        )
        .await
        .unwrap();
    let mut acme = signed_in(&f, "acme@admins.example").await;
    let page = acme.get("/dial-outs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1–2 of 2 attempts"), "{}", page.body);
    assert!(page.body.contains("Ada Lovelace"));
    assert!(page.body.contains("+442079460000"));
    assert!(page.body.contains("No answer"));
    assert!(page.body.contains("international_not_allowed"));
    assert!(
        !page.body.contains("globex"),
        "another organization's row leaked"
    );

    let refused = acme.get("/dial-outs?refused=on").await;
    assert!(
        refused.body.contains("1–1 of 1 attempts"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("aaaaaaaaaaaaaaa1"));
    assert!(!refused.body.contains("aaaaaaaaaaaaaaa2"));
    assert!(refused
        .body
        .contains("id=\"refused\" name=\"refused\" type=\"checkbox\" value=\"on\" checked"));
    let nonsense = acme.get("/dial-outs?page=zz&refused=").await;
    assert_eq!(nonsense.status, StatusCode::OK);
}

#[tokio::test]
async fn dial_out_settings_errors_show_next_to_their_field() {
    let f = fixture().await;
    let mut client = signed_in(&f, ADMIN_EMAIL).await;
    let path = format!("/organizations/{}", f.org.id);
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"dial_out_max_per_meeting\" name=\"dial_out_max_per_meeting\" inputmode=\"numeric\" size=\"6\" value=\"5\""));
    assert!(page.body.contains("id=\"dial_out_join_confirmation\" name=\"dial_out_join_confirmation\" type=\"checkbox\" value=\"on\" checked"));
    let csrf = csrf_of(&page.body);
    let form = |countries: &'static str, per_meeting: &'static str, operator: &'static str| {
        vec![
            ("announcements", "tones"),
            ("pin_length", "5"),
            ("conference_id_length", "7"),
            ("dial_out_section", "on"),
            ("dial_out_countries", countries),
            ("dial_out_max_per_meeting", per_meeting),
            ("dial_out_max_per_organization", "10"),
            ("operator_number", operator),
        ]
    };
    for (bad, field) in [
        (form("GB, Britain", "2", ""), "dial_out_countries"),
        (form("GB", "two", ""), "dial_out_max_per_meeting"),
        (form("GB", "2", "+44 909 876 5432"), "operator_number"),
    ] {
        let mut bad = bad;
        bad.push(("csrf", &csrf));
        let refused = client.post(&format!("{path}/settings"), bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            refused.body
        );
        assert!(refused
            .body
            .contains(&format!("aria-describedby=\"{field}-error\"")));
    }
    let mut good = form("gb, fr", "2", "(415) 555-0199");
    good.push(("csrf", &csrf));
    let saved = client.post(&format!("{path}/settings"), good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let s = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap()
        .settings;
    assert_eq!(s.dial_out_countries, ["GB", "FR"]);
    assert_eq!(s.dial_out_max_per_meeting, 2);
    assert_eq!(s.dial_out_max_per_organization, 10);
    assert!(!s.dial_out_join_confirmation, "an unticked box is off");
    assert_eq!(s.operator_number.as_deref(), Some("+14155550199"));
    let page = client.get(&path).await;
    assert!(page.body.contains("value=\"GB, FR\""));
    assert!(page.body.contains("value=\"+14155550199\""));
}
