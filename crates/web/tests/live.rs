//! The live meetings page driven with `oneshot`, over a fake provider standing in for the
//! binary's conferences: rosters, the commands' forms, scoping, and the session's SSE.

#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dialbridge_admin::live::LiveCommand;
use dialbridge_admin::services::Caller;
use dialbridge_store::Role;
use dialbridge_web::WebSettings;
use http_body_util::BodyExt;
use std::time::Duration;
use support::{csrf_of, fake_live as fake, fixture, Fixture, ADMIN_EMAIL, PASSWORD};
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    location: Option<String>,
    headers: axum::http::HeaderMap,
    body: String,
}

/// Keeps the session cookie, sends forms.
struct Client {
    app: Router,
    cookie: Option<String>,
}

impl Client {
    async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<Vec<(&str, &str)>>,
    ) -> axum::response::Response {
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
        response
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<Vec<(&str, &str)>>) -> Reply {
        let response = self.request(method, path, form).await;
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            location,
            headers,
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
    let settings = WebSettings::for_public_url("http://dial.example.com/");
    let mut client = Client {
        app: support::app(&f.svc, settings),
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

async fn account(f: &Fixture, email: &str, role: Role) {
    f.svc
        .create_admin_account(
            &Caller::system("test"),
            email,
            PASSWORD,
            role,
            Some(f.org.id),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_page_shows_each_roster_with_who_talks_is_muted_raises_a_hand_or_waits() {
    let f = fixture().await;
    fake(&f);
    let mut client = signed_in(&f, ADMIN_EMAIL).await;
    let page = client.get("/live").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(r#"<a href="/live" aria-current="page">Live meetings</a>"#));
    assert!(body.contains(r#"data-version="5""#));
    assert!(body.contains("Ada Lovelace") && body.contains("Grace Hopper"));
    for shown in [
        "+1415555••02",
        "Organizer",
        "Talking",
        "Hand raised",
        "Muted",
        "In the lobby",
        "3 on the call, <strong>1 in the lobby</strong>",
        "08:00:00 UTC",
        "Locked",
        "Waiting for the organizer",
        r#"action="/live/organizer-1/admit""#,
        r#"action="/live/organizer-1/unmute""#,
        r#"action="/live/organizer-1/admit_all""#,
        r#"action="/live/organizer-99/unlock""#,
        r#"<a href="/live" id="refresh">Refresh</a>"#,
        r#"<script src="/static/live.js" defer></script>"#,
    ] {
        assert!(body.contains(shown), "missing {shown}");
    }
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"));

    let script = client.get("/static/live.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.body.contains("new EventSource(\"/live/events\")"));
}

#[tokio::test]
async fn an_org_admin_sees_and_commands_only_its_organizations_meetings() {
    let f = fixture().await;
    let fake = fake(&f);
    account(&f, "acme@admins.example", Role::OrgAdmin).await;
    let mut client = signed_in(&f, "acme@admins.example").await;
    let page = client.get("/live").await;
    assert!(page.body.contains("Ada Lovelace"));
    assert!(!page.body.contains("Grace Hopper"));
    let csrf = csrf_of(&page.body);

    let reply = client
        .post(
            "/live/organizer-1/mute",
            vec![("csrf", &csrf), ("participant", "2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/live"));
    let page = client.get("/live").await;
    assert!(page.body.contains("The caller was muted."));
    assert!(page.body.contains(r#"data-version="6""#));

    let reply = client
        .post("/live/organizer-99/end", vec![("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        fake.carried_out.lock().unwrap().clone(),
        [(
            "organizer-1".to_owned(),
            LiveCommand::Mute { participant: 2 }
        )]
    );
}

#[tokio::test]
async fn commands_need_the_forms_token_and_a_role_that_may_change_things() {
    let f = fixture().await;
    let fake = fake(&f);
    let mut admin = signed_in(&f, ADMIN_EMAIL).await;
    let reply = admin
        .post("/live/organizer-1/lock", vec![("csrf", "forged")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    account(&f, "reader@admins.example", Role::ReadOnly).await;
    let mut reader = signed_in(&f, "reader@admins.example").await;
    let page = reader.get("/live").await;
    assert!(page.body.contains("Ada Lovelace"));
    assert!(!page.body.contains("/live/organizer-1/mute"));
    let csrf = csrf_of(&page.body);
    let reply = reader
        .post("/live/organizer-1/lock", vec![("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(fake.carried_out.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_command_the_meeting_cannot_do_is_explained_over_the_rosters() {
    let f = fixture().await;
    fake(&f);
    let mut client = signed_in(&f, ADMIN_EMAIL).await;
    let csrf = client.get("/live").await;
    let csrf = csrf_of(&csrf.body);
    let reply = client
        .post(
            "/live/organizer-1/mute",
            vec![("csrf", &csrf), ("participant", "42")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = client.get("/live").await;
    assert!(
        page.body.contains("Not done: participant not found"),
        "{}",
        page.body
    );

    // No participant for a command that needs one, or no such command: no such page.
    let reply = client
        .post("/live/organizer-1/mute", vec![("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = client
        .post("/live/organizer-1/explode", vec![("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_conferences_the_page_says_none_are_running() {
    let f = fixture().await;
    let mut client = signed_in(&f, ADMIN_EMAIL).await;
    let page = client.get("/live").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No meetings are running."));
}

#[tokio::test]
async fn events_stream_the_sessions_rosters_and_need_a_session() {
    let f = fixture().await;
    let fake = fake(&f);
    let mut anonymous = Client {
        app: support::app(
            &f.svc,
            WebSettings::for_public_url("http://dial.example.com/"),
        ),
        cookie: None,
    };
    let reply = anonymous.get("/live/events").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/sign-in"));

    account(&f, "acme@admins.example", Role::OrgAdmin).await;
    let mut client = signed_in(&f, "acme@admins.example").await;
    let response = client.request(Method::GET, "/live/events", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let mut text = String::new();
    let mut events = 0;
    while events < 2 {
        // A guard against a hang, not a speed check.
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
        let seen = text.matches("event: snapshot").count();
        if seen > events {
            events = seen;
            // A roster change after the first event: the stream sends another.
            fake.version.send_modify(|v| *v += 1);
        }
    }
    assert!(text.contains("id: 5"), "{text}");
    assert!(text.contains("\"key\":\"organizer-1\""), "{text}");
    assert!(!text.contains("organizer-99"), "{text}");
}

#[tokio::test]
async fn the_event_stream_ends_once_the_session_is_signed_out() {
    let f = fixture().await;
    let fake = fake(&f);
    let mut client = signed_in(&f, ADMIN_EMAIL).await;
    let csrf = csrf_of(&client.get("/live").await.body);
    let response = client.request(Method::GET, "/live/events", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    // A guard against a hang, not a speed check.
    let wait = Duration::from_secs(10);
    let first = tokio::time::timeout(wait, body.frame()).await.unwrap();
    assert!(first.is_some_and(|frame| frame.is_ok()));

    let reply = client.post("/sign-out", vec![("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    fake.version.send_modify(|v| *v += 1);
    loop {
        match tokio::time::timeout(wait, body.frame()).await.unwrap() {
            None => break,
            Some(frame) => {
                let data = frame.unwrap().into_data().unwrap_or_default();
                let text = std::str::from_utf8(&data).unwrap().to_owned();
                assert!(
                    !text.contains("\"key\""),
                    "a snapshot after sign-out: {text}"
                );
            }
        }
    }
}
