//! The REST API end to end: the router driven with `oneshot`, mounted under `/api/v1` as the
//! binary mounts it, over a real SQLite store in a temporary directory.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use base64::Engine;
use dialbridge_admin::api::{self, ApiError};
use dialbridge_admin::rules::pin::PinHasher;
use dialbridge_admin::rules::web_url::WebUrl;
use dialbridge_admin::services::{token_hash, AdminService, ServiceConfig, ServiceError};
use dialbridge_store::{Actor, NewAdminAccount, OrganizationId, Role, Store};
use http_body_util::BodyExt;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

const NOW: i64 = 1_800_000_000;

struct Api {
    _dir: TempDir,
    svc: Arc<AdminService>,
    app: Router,
    /// A platform admin's token.
    platform: String,
}

/// What a request answered.
struct Reply {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text))
    }

    /// The error code of an error reply.
    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap().to_owned()
    }
}

async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path())
        .await
        .unwrap()
        .with_clock(|| NOW);
    let config = ServiceConfig {
        default_sender: "dial-in@dialbridge.example".into(),
        public_base_url: WebUrl::parse("https://dial.example.com/").unwrap(),
        calendar_host: "dial.example.com".into(),
    };
    let hasher = PinHasher::with_params(8, 1, 1).unwrap();
    let svc = Arc::new(AdminService::with_rng(
        store,
        config,
        hasher,
        StdRng::seed_from_u64(7),
    ));
    let app = Router::new().nest("/api/v1", api::router(Arc::clone(&svc)));
    let mut api = Api {
        _dir: dir,
        svc,
        app,
        platform: String::new(),
    };
    api.platform = api.token(Role::PlatformAdmin, None).await;
    api
}

/// A fresh token in the agreed format, different each call.
fn new_token() -> String {
    static NEXT: AtomicU8 = AtomicU8::new(1);
    let bytes = [NEXT.fetch_add(1, Ordering::Relaxed); 32];
    format!(
        "dbt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

impl Api {
    /// An account with `role` and a token for it, written straight to the store.
    async fn token(&self, role: Role, org: Option<i64>) -> String {
        let token = new_token();
        let actor = Actor::system("test");
        let mut tx = self.svc.store().begin().await.unwrap();
        let account = tx
            .create_admin_account(
                &actor,
                &NewAdminAccount {
                    email: format!("{}@admins.example", &token[4..14].to_lowercase()),
                    password_hash: "$argon2id$unused".into(),
                    role,
                    organization_id: org.map(OrganizationId),
                },
            )
            .await
            .unwrap();
        tx.create_api_token(&actor, account.id, "test", &token_hash(&token))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        token
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"));
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            content_type,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A request that must succeed with `expected`; its JSON.
    async fn ok(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expected: StatusCode,
    ) -> Value {
        let reply = self
            .call(method.clone(), path, Some(&self.platform), body)
            .await;
        assert_eq!(reply.status, expected, "{method} {path}: {}", reply.text);
        reply.json()
    }

    async fn org(&self, name: &str) -> i64 {
        let org = self
            .ok(
                Method::POST,
                "/organizations",
                Some(json!({"name": name, "country": "US"})),
                StatusCode::CREATED,
            )
            .await;
        org["id"].as_i64().unwrap()
    }

    async fn number(&self, e164: &str, org: Option<i64>) -> i64 {
        let body = json!({
            "number": e164, "city": "San Francisco", "primary_language": "en-US",
            "secondary_languages": ["es-ES"], "organization_id": org, "trunk": "carrier-a",
        });
        let added = self
            .ok(
                Method::POST,
                "/dial-in-numbers",
                Some(body),
                StatusCode::CREATED,
            )
            .await;
        added["number"]["id"].as_i64().unwrap()
    }

    async fn organizer(&self, org: i64, name: &str) -> i64 {
        let body = json!({
            "organization_id": org, "name": name,
            "email": format!("{}@org{org}.example", name.to_lowercase().replace(' ', ".")),
        });
        let created = self
            .ok(Method::POST, "/organizers", Some(body), StatusCode::CREATED)
            .await;
        created["id"].as_i64().unwrap()
    }

    /// An organizer with a licence and dial-in on.
    async fn enabled(&self, org: i64, name: &str) -> i64 {
        let id = self.organizer(org, name).await;
        let pool = self
            .ok(
                Method::GET,
                &format!("/organizations/{org}/licences"),
                None,
                StatusCode::OK,
            )
            .await;
        let seats = pool["seats_bought"].as_i64().unwrap() + 1;
        self.ok(
            Method::PUT,
            &format!("/organizations/{org}/licences"),
            Some(json!({"seats": seats})),
            StatusCode::OK,
        )
        .await;
        self.ok(
            Method::POST,
            &format!("/organizers/{id}/licence"),
            None,
            StatusCode::OK,
        )
        .await;
        self.ok(
            Method::POST,
            &format!("/organizers/{id}/dial-in/enable"),
            None,
            StatusCode::OK,
        )
        .await;
        id
    }
}

#[tokio::test]
async fn missing_or_invalid_tokens_answer_401_json() {
    let api = api().await;
    let unknown = new_token();
    let cases: Vec<Option<String>> = vec![
        None,
        Some("Basic dXNlcjpwYXNz".into()),
        Some("Bearer".into()),
        Some("Bearer not-a-token".into()),
        Some(format!("Bearer {}", &unknown[..20])),
        Some(format!("Bearer {unknown}")),
    ];
    for auth in cases {
        let mut request = Request::get("/api/v1/organizations");
        if let Some(auth) = &auth {
            request = request.header(header::AUTHORIZATION, auth);
        }
        let reply = api.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(reply.code(), "unauthorized", "{auth:?}");
        assert!(reply.content_type.starts_with("application/json"));
    }
    // The scheme is case-insensitive.
    let request = Request::get("/api/v1/organizations")
        .header(header::AUTHORIZATION, format!("bearer {}", api.platform))
        .body(Body::empty())
        .unwrap();
    assert_eq!(api.send(request).await.status, StatusCode::OK);
    // A good token records its use.
    let tokens = api
        .svc
        .store()
        .list_api_tokens(dialbridge_store::AdminAccountId(1))
        .await
        .unwrap();
    assert_eq!(tokens[0].last_used_at, Some(NOW));
    // Writes are refused before the body is looked at.
    let reply = api
        .call(
            Method::POST,
            "/organizations",
            None,
            Some(json!({"bad": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn public_numbers_need_no_token() {
    let api = api().await;
    let org = api.org("Acme").await;
    let other = api.org("Globex").await;
    api.number("+1 415 555 0123", None).await;
    api.number("+1 212 555 0100", Some(org)).await;
    api.number("+1 312 555 0100", Some(other)).await;
    let reply = api
        .call(
            Method::GET,
            &format!("/public/organizations/{org}/dial-in-numbers"),
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    let e164: BTreeSet<&str> = body["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["e164"].as_str().unwrap())
        .collect();
    assert_eq!(e164, BTreeSet::from(["+14155550123", "+12125550100"]));
    let missing = api
        .call(
            Method::GET,
            "/public/organizations/999/dial-in-numbers",
            None,
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
}

#[tokio::test]
async fn happy_path_from_organization_to_invitation() {
    let api = api().await;
    let org = api.org("Acme").await;
    let number = api.number("+1 415 555 0123", None).await;
    let organizer = api.organizer(org, "Ann Lee").await;

    let pool = api
        .ok(
            Method::PUT,
            &format!("/organizations/{org}/licences"),
            Some(json!({"seats": 1})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(pool["seats_bought"], 1);
    let assigned = api
        .ok(
            Method::POST,
            &format!("/organizers/{organizer}/licence"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(assigned, json!({"changed": true}));

    let reply = api
        .call(
            Method::POST,
            &format!("/organizers/{organizer}/dial-in/enable"),
            Some(&api.platform),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let enabled = reply.json();
    let pin = enabled["new_pin"].as_str().unwrap();
    assert_eq!(pin.len(), 5);
    assert!(pin.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(enabled["organizer"]["dial_in_enabled"], true);
    assert_eq!(enabled["organizer"]["default_toll_number"], number);
    let first_id = enabled["organizer"]["conference_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let reset = api
        .ok(
            Method::POST,
            &format!("/organizers/{organizer}/conference-id/reset"),
            None,
            StatusCode::OK,
        )
        .await;
    let second_id = reset["organizer"]["conference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first_id, second_id);
    assert!(reset.get("new_pin").is_none(), "an ID reset shows no PIN");

    // PIN reset: random without a body, chosen with one.
    let random = api
        .ok(
            Method::POST,
            &format!("/organizers/{organizer}/pin/reset"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(random["new_pin"].as_str().unwrap().len(), 5);
    let chosen = api
        .ok(
            Method::POST,
            &format!("/organizers/{organizer}/pin/reset"),
            Some(json!({"pin": "48213"})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(chosen["new_pin"], "48213");

    let invitation = api
        .ok(
            Method::GET,
            &format!("/organizers/{organizer}/invitation"),
            None,
            StatusCode::OK,
        )
        .await;
    // Invitations group the ID's digits for reading; compare digits only.
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    assert!(digits(invitation["text"].as_str().unwrap()).contains(&second_id));
    assert!(invitation["html"].as_str().unwrap().contains("<"));
    let text = api
        .get(
            &format!("/organizers/{organizer}/invitation?format=text"),
            &api.platform,
        )
        .await;
    assert_eq!(text.status, StatusCode::OK);
    assert!(text.content_type.starts_with("text/plain"));
    assert!(digits(&text.text).contains(&second_id));
    let ics = api
        .get(
            &format!("/organizers/{organizer}/invitation?format=ics&starts_at={NOW}&ends_at={}&subject=Weekly", NOW + 3600),
            &api.platform,
        )
        .await;
    assert_eq!(ics.status, StatusCode::OK, "{}", ics.text);
    assert!(ics.content_type.starts_with("text/calendar"));
    assert!(ics.text.contains("BEGIN:VCALENDAR"));
    let no_times = api
        .get(
            &format!("/organizers/{organizer}/invitation?format=ics"),
            &api.platform,
        )
        .await;
    assert_eq!(no_times.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Disabling keeps the ID; the licence cannot go while dial-in is on.
    let busy = api
        .call(
            Method::DELETE,
            &format!("/organizers/{organizer}/licence"),
            Some(&api.platform),
            None,
        )
        .await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert_eq!(busy.code(), "conflict");
    let disabled = api
        .ok(
            Method::POST,
            &format!("/organizers/{organizer}/dial-in/disable"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(disabled["organizer"]["dial_in_enabled"], false);
    let removed = api
        .ok(
            Method::DELETE,
            &format!("/organizers/{organizer}/licence"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(removed, json!({"changed": true}));

    // Settings and profile.
    let settings = api
        .ok(
            Method::PATCH,
            &format!("/organizations/{org}"),
            Some(json!({"send_emails": false})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(settings["settings"]["send_emails"], false);
    let renamed = api
        .ok(
            Method::PATCH,
            &format!("/organizers/{organizer}"),
            Some(json!({"name": "Ann Smith", "toll_free_allowed": false})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(renamed["name"], "Ann Smith");
    assert_eq!(renamed["toll_free_allowed"], false);
}

#[tokio::test]
async fn provider_and_default_numbers() {
    let api = api().await;
    let org = api.org("Acme").await;
    let toll = api.number("+1 415 555 0123", None).await;
    let organizer = api.enabled(org, "Ann Lee").await;
    let set = api
        .ok(
            Method::PUT,
            &format!("/organizers/{organizer}/default-numbers"),
            Some(json!({"toll": toll})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(set["organizer"]["default_toll_number"], toll);
    let acp = json!({"kind": "acp", "details": {
        "provider_name": "Example ACP", "toll_number": "+1 646 555 0100",
        "participant_passcode": "123456"}});
    let switched = api
        .ok(
            Method::PUT,
            &format!("/organizers/{organizer}/provider"),
            Some(acp),
            StatusCode::OK,
        )
        .await;
    assert!(switched["organizer"]["conference_id"].is_null());
    let listed = api
        .get("/organizers?provider=acp", &api.platform)
        .await
        .json();
    assert_eq!(listed["total"], 1);
    let bad = api
        .call(
            Method::PUT,
            &format!("/organizers/{organizer}/provider"),
            Some(&api.platform),
            Some(json!({"kind": "skype"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.code(), "invalid");
    let back = api
        .ok(
            Method::PUT,
            &format!("/organizers/{organizer}/provider"),
            Some(json!({"kind": "dialbridge"})),
            StatusCode::OK,
        )
        .await;
    assert!(
        back["new_pin"].is_string(),
        "back on dialbridge with dial-in on draws a PIN"
    );
}

#[tokio::test]
async fn an_organization_admin_never_reaches_another_organization() {
    let api = api().await;
    let own = api.org("Acme").await;
    let other = api.org("Globex Secret").await;
    api.number("+1 415 555 0123", None).await;
    let own_number = api.number("+1 212 555 0100", Some(own)).await;
    let other_number = api.number("+1 312 555 0100", Some(other)).await;
    let own_organizer = api.enabled(own, "Ann Lee").await;
    let other_organizer = api.enabled(other, "Zed Hidden").await;
    let admin = api.token(Role::OrgAdmin, Some(own)).await;

    // Their own organization works.
    assert_eq!(
        api.get(&format!("/organizations/{own}"), &admin)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&format!("/organizers/{own_organizer}"), &admin)
            .await
            .status,
        StatusCode::OK
    );

    let o = other_organizer;
    let n = other_number;
    let refused: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/organizations/{other}"), None),
        (
            Method::PATCH,
            format!("/organizations/{other}"),
            Some(json!({"send_emails": false})),
        ),
        (
            Method::GET,
            format!("/organizations/{other}/licences"),
            None,
        ),
        (
            Method::PUT,
            format!("/organizations/{other}/licences"),
            Some(json!({"seats": 9})),
        ),
        (
            Method::GET,
            format!("/organizers?organization_id={other}"),
            None,
        ),
        (
            Method::POST,
            "/organizers".into(),
            Some(json!({"organization_id": other, "name": "X", "email": "x@x.example"})),
        ),
        (Method::GET, format!("/organizers/{o}"), None),
        (
            Method::PATCH,
            format!("/organizers/{o}"),
            Some(json!({"name": "Owned"})),
        ),
        (
            Method::POST,
            format!("/organizers/{o}/dial-in/enable"),
            None,
        ),
        (
            Method::POST,
            format!("/organizers/{o}/dial-in/disable"),
            None,
        ),
        (
            Method::POST,
            format!("/organizers/{o}/conference-id/reset"),
            None,
        ),
        (Method::POST, format!("/organizers/{o}/pin/reset"), None),
        (
            Method::PUT,
            format!("/organizers/{o}/provider"),
            Some(json!({"kind": "dialbridge"})),
        ),
        (
            Method::PUT,
            format!("/organizers/{o}/default-numbers"),
            Some(json!({})),
        ),
        (Method::POST, format!("/organizers/{o}/licence"), None),
        (Method::DELETE, format!("/organizers/{o}/licence"), None),
        (Method::GET, format!("/organizers/{o}/invitation"), None),
        (Method::GET, format!("/dial-in-numbers/{n}"), None),
        (
            Method::PATCH,
            format!("/dial-in-numbers/{n}"),
            Some(json!({"primary_language": "de-DE"})),
        ),
        (Method::DELETE, format!("/dial-in-numbers/{n}"), None),
        (
            Method::GET,
            format!("/dial-in-numbers?organization_id={other}"),
            None,
        ),
        // Ids that do not exist answer like other organizations' ids.
        (Method::GET, "/organizations/9999".into(), None),
        (Method::GET, "/organizers/9999".into(), None),
    ];
    for (method, path, body) in refused {
        let reply = api.call(method.clone(), &path, Some(&admin), body).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "forbidden");
        assert!(
            !reply.text.contains("Globex") && !reply.text.contains("Zed"),
            "{method} {path} leaked: {}",
            reply.text
        );
    }

    // Lists show only their own organization.
    let orgs = api.get("/organizations", &admin).await.json();
    assert_eq!(orgs["total"], 1);
    assert_eq!(orgs["items"][0]["id"], own);
    let organizers = api.get("/organizers", &admin).await;
    assert!(!organizers.text.contains("Zed"));
    assert_eq!(organizers.json()["total"], 1);
    let numbers = api.get("/dial-in-numbers", &admin).await;
    assert_eq!(numbers.status, StatusCode::OK);
    let ids: BTreeSet<i64> = numbers.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&own_number));
    assert!(!ids.contains(&other_number));

    // Nothing of the other organization changed.
    let zed = api
        .ok(
            Method::GET,
            &format!("/organizers/{o}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(zed["name"], "Zed Hidden");
    assert_eq!(zed["dial_in_enabled"], true);
    let globex = api
        .ok(
            Method::GET,
            &format!("/organizations/{other}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(globex["settings"]["send_emails"], true);
}

#[tokio::test]
async fn read_only_admins_read_but_never_write() {
    let api = api().await;
    let org = api.org("Acme").await;
    let organizer = api.organizer(org, "Ann Lee").await;
    let reader = api.token(Role::ReadOnly, Some(org)).await;
    for path in [
        format!("/organizations/{org}"),
        format!("/organizations/{org}/licences"),
        format!("/organizers/{organizer}"),
        "/organizers".to_owned(),
        "/dial-in-numbers".to_owned(),
    ] {
        let reply = api.get(&path, &reader).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    }
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/organizers".into(),
            Some(json!({"organization_id": org, "name": "B", "email": "b@b.example"})),
        ),
        (
            Method::PATCH,
            format!("/organizers/{organizer}"),
            Some(json!({"name": "Changed"})),
        ),
        (
            Method::PATCH,
            format!("/organizations/{org}"),
            Some(json!({"send_emails": false})),
        ),
        (
            Method::POST,
            format!("/organizers/{organizer}/licence"),
            None,
        ),
        (
            Method::POST,
            format!("/organizers/{organizer}/dial-in/enable"),
            None,
        ),
        (
            Method::POST,
            "/organizations".into(),
            Some(json!({"name": "New", "country": "US"})),
        ),
    ];
    for (method, path, body) in writes {
        let reply = api.call(method.clone(), &path, Some(&reader), body).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "forbidden");
    }
    let unchanged = api
        .ok(
            Method::GET,
            &format!("/organizers/{organizer}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(unchanged["name"], "Ann Lee");
}

#[tokio::test]
async fn bad_input_is_a_json_error_with_a_code() {
    let api = api().await;
    let org = api.org("Acme").await;
    let organizer = api.organizer(org, "Ann Lee").await;
    let p = &api.platform;

    let raw = Request::post("/api/v1/organizations")
        .header(header::AUTHORIZATION, format!("Bearer {p}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let cases = vec![
        (
            api.send(raw).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.post("/organizations", p, json!({"name": "No country"}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.post(
                "/organizations",
                p,
                json!({"name": "Bad", "country": "Atlantis"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.post(
                "/organizations",
                p,
                json!({"name": "Acme", "country": "US"}),
            )
            .await,
            StatusCode::CONFLICT,
            "conflict",
        ),
        (
            api.call(
                Method::PATCH,
                &format!("/organizations/{org}"),
                Some(p),
                Some(json!({"no_such_setting": 1})),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.call(
                Method::PATCH,
                &format!("/organizations/{org}"),
                Some(p),
                Some(json!({"pin_length": 2})),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.post(
                "/dial-in-numbers",
                p,
                json!({"number": "12", "primary_language": "en-US", "trunk": "a"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.get("/organizers/abc", p).await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            api.get("/organizers/999", p).await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            api.get("/no-such-route", p).await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            api.call(Method::DELETE, "/organizations", Some(p), None)
                .await,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            api.get("/organizers?limit=many", p).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.get("/organizers?provider=skype", p).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            api.get(&format!("/organizers/{organizer}/invitation?format=pdf"), p)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        // Dial-in on dialbridge needs a licence; the organization has no seats yet.
        (
            api.post(
                &format!("/organizers/{organizer}/dial-in/enable"),
                p,
                json!(null),
            )
            .await,
            StatusCode::CONFLICT,
            "not_licensed",
        ),
        (
            api.post(&format!("/organizers/{organizer}/licence"), p, json!(null))
                .await,
            StatusCode::CONFLICT,
            "seats_exhausted",
        ),
    ];
    for (i, (reply, status, code)) in cases.into_iter().enumerate() {
        assert_eq!(reply.status, status, "case {i}: {}", reply.text);
        assert_eq!(reply.code(), code, "case {i}: {}", reply.text);
        assert!(!reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .is_empty());
    }

    // A trivial chosen PIN is refused with a reason.
    api.number("+1 415 555 0123", None).await;
    let enabled = api.enabled(org, "Bo Chen").await;
    let trivial = api
        .post(
            &format!("/organizers/{enabled}/pin/reset"),
            p,
            json!({"pin": "12345"}),
        )
        .await;
    assert_eq!(
        trivial.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        trivial.text
    );
    assert_eq!(trivial.code(), "invalid");
}

#[test]
fn internal_errors_do_not_leak_their_detail() {
    use axum::response::IntoResponse;
    let response = ApiError(ServiceError::Internal(
        "sqlite: disk I/O error at /secret/path".into(),
    ))
    .into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let bytes = runtime
        .block_on(response.into_body().collect())
        .unwrap()
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "internal");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        !message.contains("secret") && !message.contains("sqlite"),
        "{message}"
    );
}

#[tokio::test]
async fn organizers_page_and_filter() {
    let api = api().await;
    let org = api.org("Acme").await;
    let other = api.org("Globex").await;
    for name in ["Ann Lee", "Bo Chen", "Cy Diaz", "Di Evans", "Ed Fox"] {
        api.organizer(org, name).await;
    }
    api.organizer(other, "Fay Gil").await;
    let p = &api.platform;

    let all = api.get("/organizers", p).await.json();
    assert_eq!(all["total"], 6);
    let page = api
        .get(
            &format!("/organizers?organization_id={org}&limit=2&offset=2"),
            p,
        )
        .await
        .json();
    assert_eq!(page["total"], 5);
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Cy Diaz", "Di Evans"]);
    let last = api
        .get(
            &format!("/organizers?organization_id={org}&limit=2&offset=4"),
            p,
        )
        .await
        .json();
    assert_eq!(last["items"].as_array().unwrap().len(), 1);

    let search = api.get("/organizers?search=EVANS", p).await.json();
    assert_eq!(search["total"], 1);
    assert_eq!(search["items"][0]["name"], "Di Evans");
    let dialbridge = api.get("/organizers?provider=dialbridge", p).await.json();
    assert_eq!(dialbridge["total"], 6);
    let acp = api.get("/organizers?provider=acp", p).await.json();
    assert_eq!(acp["total"], 0);
    let licensed = api.get("/organizers?licensed=true", p).await.json();
    assert_eq!(licensed["total"], 0);

    let orgs = api
        .get("/organizations?search=glo&limit=10", p)
        .await
        .json();
    assert_eq!(orgs["total"], 1);
    assert_eq!(orgs["items"][0]["name"], "Globex");
}

#[tokio::test]
async fn numbers_are_listed_changed_and_removed() {
    let api = api().await;
    let org = api.org("Acme").await;
    let shared = api.number("+1 415 555 0123", None).await;
    let dedicated = api.number("+1 212 555 0100", Some(org)).await;
    let p = &api.platform;
    let all = api.get("/dial-in-numbers", p).await.json();
    assert_eq!(all["total"], 2);
    let toll = api
        .get("/dial-in-numbers?kind=toll&country=US&limit=1", p)
        .await
        .json();
    assert_eq!(toll["total"], 2);
    assert_eq!(toll["items"].as_array().unwrap().len(), 1);

    // An organization admin may change the languages of their dedicated number, not more.
    let admin = api.token(Role::OrgAdmin, Some(org)).await;
    let langs = api
        .call(
            Method::PATCH,
            &format!("/dial-in-numbers/{dedicated}"),
            Some(&admin),
            Some(json!({"primary_language": "es-ES", "secondary_languages": []})),
        )
        .await;
    assert_eq!(langs.status, StatusCode::OK, "{}", langs.text);
    assert_eq!(langs.json()["primary_language"], "es-ES");
    let trunk = api
        .call(
            Method::PATCH,
            &format!("/dial-in-numbers/{dedicated}"),
            Some(&admin),
            Some(json!({"trunk": "other"})),
        )
        .await;
    assert_eq!(trunk.status, StatusCode::FORBIDDEN);
    let removed = api
        .call(
            Method::DELETE,
            &format!("/dial-in-numbers/{shared}"),
            Some(p),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    assert_eq!(
        api.get(&format!("/dial-in-numbers/{shared}"), p)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// The OpenAPI document and the router describe the same routes, both ways.
#[tokio::test]
async fn openapi_document_matches_the_router() {
    let api = api().await;
    let reply = api.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let served: BTreeSet<(String, String)> = api::routes()
        .into_iter()
        .map(|(verb, path)| (verb.as_str().to_owned(), path.to_owned()))
        .collect();
    assert_eq!(
        documented, served,
        "the OpenAPI document and the router disagree"
    );

    // And the router really serves each documented operation (not 404/405 by routing).
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "1");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let reply = api.call(method.clone(), &concrete, None, None).await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        if reply.status == StatusCode::NOT_FOUND {
            // Only the public route answers 404, and then for the missing organization.
            assert!(
                path.starts_with("/public/"),
                "{method} {path} is not routed"
            );
        }
    }
}

impl Api {
    /// A request with a CSV body.
    async fn csv(&self, path: &str, token: &str, csv: &str) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv.to_owned()))
            .unwrap();
        self.send(request).await
    }

    async fn meeting(&self, organizer: i64, token: &str) -> Reply {
        let body = json!({"subject": "Review", "starts_at": NOW + 3600, "ends_at": NOW + 7200});
        self.post(&format!("/organizers/{organizer}/meetings"), token, body)
            .await
    }

    /// The account id behind a token, from the platform's account list.
    async fn token_ids(&self, account_email_part: &str) -> (i64, i64) {
        let store = self.svc.store();
        let all = store
            .list_admin_accounts(None, dialbridge_store::Page::first(100))
            .await
            .unwrap();
        let account = all
            .items
            .iter()
            .find(|a| a.email.starts_with(account_email_part))
            .unwrap();
        let tokens = store.list_api_tokens(account.id).await.unwrap();
        (account.id.0, tokens[0].id.0)
    }
}

const ACP_HEADER: &str = "email,acp_provider_name,acp_toll_number,acp_toll_free_numbers,\
    acp_participant_passcode,acp_conference_id,acp_url\n";

/// Every route of the second slice, by an organization admin of A against B's resources, by
/// A's read-only account for writes, and by A's admin on A's own (which works).
#[tokio::test]
async fn second_slice_routes_keep_organizations_apart_and_readers_read_only() {
    let api = api().await;
    let a = api.org("A").await;
    let b = api.org("B").await;
    api.number("+1 415 555 0123", None).await;
    let ann = api.enabled(a, "Ann").await;
    let bob = api.enabled(b, "Bob").await;
    let admin_a = api.token(Role::OrgAdmin, Some(a)).await;
    let reader_a = api.token(Role::ReadOnly, Some(a)).await;
    let b_meeting = api.meeting(bob, &api.platform).await;
    assert_eq!(b_meeting.status, StatusCode::CREATED, "{}", b_meeting.text);
    let b_meeting = b_meeting.json()["id"].as_i64().unwrap();
    let (b_account, b_token) = api
        .token_ids(&api.token(Role::OrgAdmin, Some(b)).await[4..14].to_lowercase())
        .await;

    let forbidden = |r: Reply, what: &str| {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.text);
        assert_eq!(r.code(), "forbidden", "{what}");
    };
    let meeting_body = json!({"subject": "x", "starts_at": NOW, "ends_at": NOW + 60});
    for token in [&admin_a, &reader_a] {
        forbidden(
            api.get(&format!("/audit?organization_id={b}"), token).await,
            "audit of B",
        );
        forbidden(
            api.get(&format!("/mail?organization_id={b}"), token).await,
            "mail of B",
        );
        forbidden(
            api.get(&format!("/organizations/{b}/acp-export"), token)
                .await,
            "export B",
        );
        forbidden(
            api.csv(&format!("/organizations/{b}/acp-import"), token, ACP_HEADER)
                .await,
            "import B",
        );
        forbidden(
            api.get(&format!("/organizers/{bob}/meetings"), token).await,
            "B meetings",
        );
        forbidden(api.meeting(bob, token).await, "meeting for Bob");
        forbidden(
            api.get(&format!("/meetings/{b_meeting}"), token).await,
            "B meeting",
        );
        forbidden(
            api.call(
                Method::PUT,
                &format!("/meetings/{b_meeting}"),
                Some(token),
                Some(meeting_body.clone()),
            )
            .await,
            "change B meeting",
        );
        forbidden(
            api.call(
                Method::DELETE,
                &format!("/meetings/{b_meeting}"),
                Some(token),
                None,
            )
            .await,
            "cancel B meeting",
        );
        forbidden(
            api.get(&format!("/admin-accounts/{b_account}/tokens"), token)
                .await,
            "B tokens",
        );
        forbidden(
            api.call(
                Method::DELETE,
                &format!("/api-tokens/{b_token}"),
                Some(token),
                None,
            )
            .await,
            "revoke B token",
        );
        // Their own lists hold only their organization's rows.
        for path in ["/audit?limit=500", "/mail?limit=500"] {
            let reply = api.get(path, token).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
            let items = reply.json()["items"].as_array().unwrap().clone();
            assert!(!items.is_empty(), "{path}");
            assert!(
                items.iter().all(|i| i["organization_id"] == json!(a)),
                "{path}"
            );
        }
    }
    // B's meeting is untouched.
    assert_eq!(
        api.ok(
            Method::GET,
            &format!("/meetings/{b_meeting}"),
            None,
            StatusCode::OK
        )
        .await["subject"],
        "Review"
    );

    // The reader reads A's, and writes nothing.
    assert_eq!(
        api.get(&format!("/organizers/{ann}/meetings"), &reader_a)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&format!("/organizations/{a}/acp-export"), &reader_a)
            .await
            .status,
        StatusCode::OK
    );
    forbidden(api.meeting(ann, &reader_a).await, "reader schedules");
    forbidden(
        api.call(
            Method::POST,
            &format!("/organizers/{ann}/pin/unlock"),
            Some(&reader_a),
            None,
        )
        .await,
        "reader unlocks",
    );
    let unlocked = api
        .call(
            Method::POST,
            &format!("/organizers/{ann}/pin/unlock"),
            Some(&admin_a),
            None,
        )
        .await;
    assert_eq!(unlocked.status, StatusCode::OK, "{}", unlocked.text);
    forbidden(
        api.csv(
            &format!("/organizations/{a}/acp-import?dry_run=true"),
            &reader_a,
            ACP_HEADER,
        )
        .await,
        "reader imports",
    );
    let a_meeting = api.meeting(ann, &admin_a).await;
    assert_eq!(a_meeting.status, StatusCode::CREATED, "{}", a_meeting.text);
    let a_meeting = a_meeting.json()["id"].as_i64().unwrap();
    forbidden(
        api.call(
            Method::PUT,
            &format!("/meetings/{a_meeting}"),
            Some(&reader_a),
            Some(meeting_body.clone()),
        )
        .await,
        "reader changes",
    );
    forbidden(
        api.call(
            Method::DELETE,
            &format!("/meetings/{a_meeting}"),
            Some(&reader_a),
            None,
        )
        .await,
        "reader cancels",
    );
}

#[tokio::test]
async fn meetings_acp_records_and_tokens_work_end_to_end() {
    let api = api().await;
    let a = api.org("A").await;
    api.number("+1 415 555 0123", None).await;
    let ann = api.enabled(a, "Ann").await;
    let admin = api.token(Role::OrgAdmin, Some(a)).await;

    // Meetings: create, read, change, list, cancel; the ID expires 60 days after the end.
    let created = api.meeting(ann, &admin).await.json();
    let id = created["id"].as_i64().unwrap();
    let code = created["conference_id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["conference_id_expires_at"],
        json!(NOW + 7200 + 60 * 86_400)
    );
    let changed = api
        .call(
            Method::PUT,
            &format!("/meetings/{id}"),
            Some(&admin),
            Some(json!({"subject": "Renamed", "starts_at": NOW, "ends_at": NOW + 60})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.json()["conference_id"], json!(code));
    let list = api
        .get(&format!("/organizers/{ann}/meetings"), &admin)
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["subject"], "Renamed");
    let gone = api
        .call(
            Method::DELETE,
            &format!("/meetings/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert!(api.svc.resolve(&code).await.unwrap().is_none());

    // ACP: export as CSV; a bad file is refused whole with line-numbered errors; a good one
    // moves Ann and is audited and mailed.
    let export = api
        .get(&format!("/organizations/{a}/acp-export"), &admin)
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export.content_type.starts_with("text/csv"),
        "{}",
        export.content_type
    );
    assert!(export.text.contains("ann@org"), "{}", export.text);
    let email = format!("ann@org{a}.example");
    let good =
        format!("{email},Example ACP,+14155550123,,123456#,98765,https://acp.example/join\n");
    let bad = format!("{ACP_HEADER}{good}nobody@x.example,Example ACP,+14155550123,,12ab,,\n");
    let refused = api
        .csv(&format!("/organizations/{a}/acp-import"), &admin, &bad)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    let body = refused.json();
    assert_eq!(body["error"]["code"], "invalid_file");
    let errors = body["error"]["errors"].as_array().unwrap();
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e["line"] == 3),
        "{errors:?}"
    );
    let dry = api
        .csv(
            &format!("/organizations/{a}/acp-import?dry_run=true"),
            &admin,
            &format!("{ACP_HEADER}{good}"),
        )
        .await
        .json();
    assert_eq!(
        (dry["dry_run"].clone(), dry["summary"]["changes"].clone()),
        (json!(true), json!(1))
    );
    let done = api
        .csv(
            &format!("/organizations/{a}/acp-import"),
            &admin,
            &format!("{ACP_HEADER}{good}"),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.json()["changed"][0]["provider"]["provider"], "acp");

    // Audit: by entity, actor and time, paged.
    let audit = api
        .get(
            &format!("/audit?entity=organizer:{ann}&action=organizer.provider"),
            &admin,
        )
        .await
        .json();
    assert_eq!(audit["total"], 1);
    let actor = audit["items"][0]["actor"].as_str().unwrap().to_owned();
    let by_actor = api
        .get(&format!("/audit?actor={actor}&limit=1"), &admin)
        .await
        .json();
    assert!(by_actor["total"].as_i64().unwrap() >= 1);
    assert_eq!(by_actor["items"].as_array().unwrap().len(), 1);
    let future = api
        .get(&format!("/audit?since={}", NOW + 1), &admin)
        .await
        .json();
    assert_eq!(future["total"], 0);
    let bad_entity = api.get("/audit?entity=organizer%25", &admin).await;
    assert_eq!(bad_entity.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Mail: listed without bodies.
    let mail = api.get("/mail?status=queued", &admin).await.json();
    assert!(mail["total"].as_i64().unwrap() >= 2);
    assert!(mail["items"][0].get("body_text").is_none());
    assert!(mail["items"][0]["eml_file"].is_null());

    // Tokens: platform admins list and revoke; a revoked token stops working.
    let (account, token_id) = api.token_ids(&admin[4..14].to_lowercase()).await;
    let tokens = api
        .get(&format!("/admin-accounts/{account}/tokens"), &api.platform)
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    assert_eq!(tokens.json()[0]["id"], token_id);
    assert!(!tokens.text.contains(&admin));
    forbidden_for_org_admin(&api, &admin, account).await;
    let revoked = api
        .call(
            Method::DELETE,
            &format!("/api-tokens/{token_id}"),
            Some(&api.platform),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get("/mail", &admin).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn forbidden_for_org_admin(api: &Api, admin: &str, account: i64) {
    let own = api
        .get(&format!("/admin-accounts/{account}/tokens"), admin)
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text);
}

/// The HTML page invitations link to, at the site root, beside the JSON: no token needed.
#[tokio::test]
async fn public_numbers_page_is_html_without_login() {
    let api = api().await;
    let a = api.org("A").await;
    let b = api.org("B").await;
    api.number("+1 415 555 0123", None).await;
    api.number("+1 800 555 0199", Some(a)).await;
    api.number("+44 20 7946 0000", Some(b)).await;
    let site = Router::new().merge(api::public_pages(Arc::clone(&api.svc)));
    let get = |path: String| {
        let site = site.clone();
        async move {
            let request = Request::builder().uri(path).body(Body::empty()).unwrap();
            let response = site.oneshot(request).await.unwrap();
            let status = response.status();
            let content_type = response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                content_type,
                String::from_utf8(bytes.to_vec()).unwrap(),
            )
        }
    };
    let (status, content_type, page) = get(format!("/organizations/{a}/dial-in-numbers")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(page.contains("tel:+14155550123"), "{page}");
    assert!(page.contains("tel:+18005550199"), "{page}");
    assert!(page.contains("<td>Toll-free</td>"), "{page}");
    assert!(page.contains("<td>San Francisco</td>"), "{page}");
    assert!(page.contains("en-US, es-ES"), "{page}");
    // B's dedicated number is B's alone.
    assert!(!page.contains("+442079460000"), "{page}");
    let (status, content_type, _) = get("/organizations/999/dial-in-numbers".to_owned()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("application/json"));
    // The JSON beside it lists the same numbers.
    let json = api
        .call(
            Method::GET,
            &format!("/public/organizations/{a}/dial-in-numbers"),
            None,
            None,
        )
        .await;
    assert_eq!(json.json()["numbers"].as_array().unwrap().len(), 2);
}

/// 2026-03-01T00:00:00Z.
const MARCH_2026: i64 = 1_772_323_200;

#[tokio::test]
async fn call_history_and_usage_are_scoped_read_only_and_download_as_csv() {
    use dialbridge_admin::services::CallRecordInput;
    use dialbridge_store::{CallDirection, OrganizerId};
    let api = api().await;
    let a = api.org("A").await;
    let b = api.org("B").await;
    for (org, secs, direction, called) in [
        (a, 61, CallDirection::Inbound, "+14155550123"),
        (a, 10, CallDirection::Outbound, "+442071838750"),
        (b, 300, CallDirection::Inbound, "+14155550123"),
    ] {
        api.svc
            .record_call(CallRecordInput {
                direction,
                trunk: "carrier-a".into(),
                called_number: called.into(),
                caller_number: None,
                dial_in_number_kind: None,
                country: None,
                organization_id: Some(OrganizationId(org)),
                organizer_id: None::<OrganizerId>,
                meeting_id: None,
                conference_key: None,
                role: None,
                started_at: MARCH_2026,
                answered_at: Some(MARCH_2026),
                ended_at: MARCH_2026 + secs,
                end_reason: "caller_hangup".into(),
            })
            .await
            .unwrap();
    }
    let admin_a = api.token(Role::OrgAdmin, Some(a)).await;
    let reader_a = api.token(Role::ReadOnly, Some(a)).await;

    let all = api.get("/call-records", &api.platform).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.json()["total"], 3);
    for token in [&admin_a, &reader_a] {
        let own = api.get("/call-records?limit=10", token).await.json();
        assert_eq!(own["total"], 2);
        assert!(own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["organization_id"] == a));
        let outbound = api
            .get("/call-records?direction=outbound", token)
            .await
            .json();
        assert_eq!(outbound["items"][0]["country"], "GB");
        let other = api
            .get(&format!("/call-records?organization_id={b}"), token)
            .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
        assert_eq!(other.code(), "forbidden");
        let other = api
            .get(
                &format!("/usage?from=2026-03&to=2026-03&organization_id={b}"),
                token,
            )
            .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);

        let usage = api.get("/usage?from=2026-03&to=2026-03", token).await;
        assert_eq!(usage.status, StatusCode::OK, "{}", usage.text);
        let minutes: Vec<_> = usage
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["direction"].as_str().unwrap().to_owned(),
                    r["minutes"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            minutes,
            [("inbound".to_owned(), 2), ("outbound".to_owned(), 1)]
        );

        // Read-only resources: nothing to write.
        let write = api
            .call(Method::POST, "/call-records", Some(token), Some(json!({})))
            .await;
        assert_eq!(write.status, StatusCode::METHOD_NOT_ALLOWED);
    }

    // CSV by Accept header and by ?format=csv.
    let request = Request::builder()
        .uri("/api/v1/call-records")
        .header(header::AUTHORIZATION, format!("Bearer {admin_a}"))
        .header(header::ACCEPT, "text/csv")
        .body(Body::empty())
        .unwrap();
    let csv = api.send(request).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let lines: Vec<_> = csv.text.lines().collect();
    assert!(
        lines[0].starts_with("id,direction,trunk,called_number,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 3, "header and A's two calls: {}", csv.text);
    let usage = api
        .get("/usage?from=2026-03&to=2026-03&format=csv", &api.platform)
        .await;
    assert!(usage.content_type.starts_with("text/csv"));
    assert_eq!(usage.text.lines().count(), 4, "{}", usage.text);
    assert!(
        usage.text.contains(",B,,,inbound,,,1,5\r\n"),
        "{}",
        usage.text
    );

    for bad in [
        "/usage?from=2026-13&to=2026-12",
        "/usage?from=2026-03",
        "/call-records?format=xml",
    ] {
        let reply = api.get(bad, &api.platform).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            reply.text
        );
    }
}

/// The dial-out log and meeting records: written by the system, read by each organization's
/// admins only, filtered as asked.
#[tokio::test]
async fn the_dial_out_log_and_meeting_records_stay_inside_their_organization() {
    use dialbridge_admin::services::{DialOutRecord, MeetingRecordInput};
    use dialbridge_store::OrganizerId;
    let api = api().await;
    let own = api.org("Acme").await;
    let other = api.org("Globex Secret").await;
    api.number("+1 415 555 0123", None).await;
    let ann = api.enabled(own, "Ann Lee").await;
    let zed = api.enabled(other, "Zed Hidden").await;
    let log = |reference: &str, org: i64, organizer: i64, status: &str| DialOutRecord {
        reference: reference.into(),
        organization_id: OrganizationId(org),
        organizer_id: Some(OrganizerId(organizer)),
        conference_key: Some(format!("organizer-{organizer}")),
        purpose: "add_participant".into(),
        requested_by: "system:test".into(),
        dialed: "+44 20 7946 0000".into(),
        e164: Some("+442079460000".into()),
        destination_country: Some("GB".into()),
        status: status.into(),
        reason: (status == "refused").then(|| "international_not_allowed".into()),
    };
    for record in [
        log("aaaaaaaaaaaaaaa1", own, ann, "refused"),
        log("aaaaaaaaaaaaaaa2", own, ann, "calling"),
        log("bbbbbbbbbbbbbbb1", other, zed, "refused"),
    ] {
        api.svc.record_dial_out(record).await.unwrap();
    }
    api.svc
        .record_dial_out(log("aaaaaaaaaaaaaaa2", own, ann, "joined"))
        .await
        .unwrap();
    let meeting = |org: i64, organizer: i64| MeetingRecordInput {
        organization_id: Some(OrganizationId(org)),
        organizer_id: Some(OrganizerId(organizer)),
        meeting_id: None,
        conference_key: format!("organizer-{organizer}"),
        started_at: 1_800_000_000,
        ended_at: 1_800_003_600,
        end_reason: "everyone_left".into(),
        participants_total: 3,
        peak_participants: 2,
        pin_used: true,
    };
    api.svc.record_meeting(meeting(own, ann)).await.unwrap();
    api.svc.record_meeting(meeting(other, zed)).await.unwrap();

    let admin = api.token(Role::ReadOnly, Some(own)).await;
    let listed = api.get("/dial-outs", &admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let listed = listed.json();
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["items"][0]["reference"], "aaaaaaaaaaaaaaa2");
    assert_eq!(listed["items"][0]["status"], "joined", "updated in place");
    assert_eq!(listed["items"][0]["organizer_name"], "Ann Lee");
    let refused = api.get("/dial-outs?refused_only=true", &admin).await.json();
    assert_eq!(refused["total"], 1);
    assert_eq!(refused["items"][0]["reason"], "international_not_allowed");
    let joined = api.get("/dial-outs?status=joined", &admin).await.json();
    assert_eq!(joined["total"], 1);
    let one = api.get("/dial-outs/aaaaaaaaaaaaaaa1", &admin).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json()["purpose"], "add_participant");
    let meetings = api.get("/meeting-records", &admin).await.json();
    assert_eq!(meetings["total"], 1);
    assert_eq!(meetings["items"][0]["organizer_id"], ann);
    assert_eq!(meetings["items"][0]["peak_participants"], 2);
    assert_eq!(meetings["items"][0]["month"], "2027-01");
    let in_month = api
        .get("/meeting-records?month=2027-01", &admin)
        .await
        .json();
    assert_eq!(in_month["total"], 1);
    let bad = api.get("/meeting-records?month=January", &admin).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    for path in [
        "/dial-outs/bbbbbbbbbbbbbbb1".to_owned(),
        "/dial-outs/0000000000000000".to_owned(),
        format!("/dial-outs?organization_id={other}"),
        format!("/meeting-records?organization_id={other}"),
    ] {
        let reply = api.get(&path, &admin).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.text
        );
        assert!(!reply.text.contains("Zed"), "{path} leaked: {}", reply.text);
    }
    // The platform sees both organizations.
    let all = api.get("/dial-outs", &api.platform.clone()).await.json();
    assert_eq!(all["total"], 3);
    let all = api
        .get("/meeting-records", &api.platform.clone())
        .await
        .json();
    assert_eq!(all["total"], 2);
}
