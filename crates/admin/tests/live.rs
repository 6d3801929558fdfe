//! Live meetings over the REST API, with a fake provider standing in for the binary's
//! conferences: organization scoping, read-only refusal, stable error codes, and SSE.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use base64::Engine;
use dialbridge_admin::api;
use dialbridge_admin::live::{
    DialOutOrder, DialOutRejected, LiveCommand, LiveCommandError, LiveMeeting, LiveMeetings,
    LiveParticipant, LiveRole,
};
use dialbridge_admin::rules::pin::PinHasher;
use dialbridge_admin::rules::web_url::WebUrl;
use dialbridge_admin::services::{
    token_hash, AdminService, Caller, NewNumber, NewOrganizerInput, ServiceConfig,
};
use dialbridge_store::{Actor, NewAdminAccount, OrganizationId, OrganizerId, Role, Store};
use http_body_util::BodyExt;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::watch;
use tower::ServiceExt;

/// The binary's conferences, faked: rosters in a list, commands applied to them.
struct FakeLive {
    meetings: Mutex<Vec<LiveMeeting>>,
    version: watch::Sender<u64>,
    carried_out: Mutex<Vec<(String, LiveCommand)>>,
    dialed: Mutex<Vec<DialOutOrder>>,
}

impl FakeLive {
    fn new(meetings: Vec<LiveMeeting>) -> Arc<FakeLive> {
        Arc::new(FakeLive {
            meetings: Mutex::new(meetings),
            version: watch::channel(1).0,
            carried_out: Mutex::new(Vec::new()),
            dialed: Mutex::new(Vec::new()),
        })
    }

    fn carried_out(&self) -> Vec<(String, LiveCommand)> {
        self.carried_out.lock().unwrap().clone()
    }
}

impl LiveMeetings for FakeLive {
    fn snapshot(&self) -> Vec<LiveMeeting> {
        self.meetings.lock().unwrap().clone()
    }

    fn command(&self, key: &str, command: LiveCommand) -> Result<(), LiveCommandError> {
        let mut meetings = self.meetings.lock().unwrap();
        let meeting = meetings
            .iter_mut()
            .find(|m| m.key == key)
            .ok_or(LiveCommandError::UnknownMeeting)?;
        fn find(
            meeting: &mut LiveMeeting,
            id: u64,
        ) -> Result<&mut LiveParticipant, LiveCommandError> {
            meeting
                .participants
                .iter_mut()
                .find(|p| p.id == id)
                .ok_or(LiveCommandError::UnknownParticipant)
        }
        match command {
            LiveCommand::Mute { participant } => find(meeting, participant)?.muted = true,
            LiveCommand::Unmute { participant } => find(meeting, participant)?.muted = false,
            LiveCommand::Lock if meeting.locked => {
                return Err(LiveCommandError::Refused("already locked".into()))
            }
            LiveCommand::Lock => meeting.locked = true,
            _ => {}
        }
        self.carried_out
            .lock()
            .unwrap()
            .push((key.to_owned(), command));
        self.version.send_modify(|v| *v += 1);
        Ok(())
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Refuses numbers of premium-rate ranges the way the binary's policy does.
    fn dial_out(&self, order: DialOutOrder) -> Result<(), DialOutRejected> {
        if order.number.starts_with("+44 909") {
            return Err(DialOutRejected::Refused {
                reason: "premium_rate".into(),
                message: "premium-rate numbers are never called".into(),
            });
        }
        self.dialed.lock().unwrap().push(order);
        Ok(())
    }
}

fn participant(id: u64, role: LiveRole, in_lobby: bool) -> LiveParticipant {
    LiveParticipant {
        id,
        number: Some(format!("+1415555••{id:02}")),
        role,
        muted: false,
        hand_raised: id == 2,
        talking: id == 1,
        in_lobby,
        joined_at: 1_800_000_000 + id as i64,
    }
}

fn meeting(key: &str, org: Option<i64>) -> LiveMeeting {
    LiveMeeting {
        key: key.to_owned(),
        organization_id: org.map(OrganizationId),
        organizer_id: org.map(|_| OrganizerId(7)),
        organizer_name: org.map(|_| "Ada Lovelace".to_owned()),
        started: true,
        locked: false,
        participants: vec![
            participant(1, LiveRole::Organizer, false),
            participant(2, LiveRole::Attendee, false),
            participant(3, LiveRole::Attendee, true),
        ],
    }
}

struct Api {
    _dir: TempDir,
    svc: Arc<AdminService>,
    app: Router,
    platform: String,
}

struct Reply {
    status: StatusCode,
    json: Value,
}

fn new_token() -> String {
    static NEXT: AtomicU8 = AtomicU8::new(1);
    let bytes = [NEXT.fetch_add(1, Ordering::Relaxed); 32];
    format!(
        "dbt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).await.unwrap();
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

impl Api {
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

    async fn org(&self, name: &str) -> i64 {
        let reply = self
            .call(
                Method::POST,
                "/organizations",
                &self.platform.clone(),
                Some(json!({"name": name, "country": "US"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
        reply.json["id"].as_i64().unwrap()
    }

    async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, json }
    }

    async fn keys(&self, token: &str) -> Vec<String> {
        let reply = self.call(Method::GET, "/live-meetings", token, None).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["key"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn command(&self, token: &str, key: &str, body: Value) -> Reply {
        self.call(
            Method::POST,
            &format!("/live-meetings/{key}/commands"),
            token,
            Some(body),
        )
        .await
    }
}

/// Two organizations with a meeting each, and a direct conference outside any.
async fn with_meetings() -> (Api, Arc<FakeLive>, i64, i64) {
    let api = api().await;
    let acme = api.org("Acme").await;
    let globex = api.org("Globex").await;
    let fake = FakeLive::new(vec![
        meeting("organizer-1", Some(acme)),
        meeting("meeting-2", Some(globex)),
        meeting("direct-room", None),
    ]);
    api.svc.set_live_meetings(fake.clone());
    (api, fake, acme, globex)
}

#[tokio::test]
async fn each_admin_sees_the_live_meetings_of_its_organization_only() {
    let (api, _fake, acme, _) = with_meetings().await;
    let platform = api.platform.clone();
    assert_eq!(
        api.keys(&platform).await,
        ["direct-room", "meeting-2", "organizer-1"]
    );
    let acme_admin = api.token(Role::OrgAdmin, Some(acme)).await;
    assert_eq!(api.keys(&acme_admin).await, ["organizer-1"]);
    let acme_reader = api.token(Role::ReadOnly, Some(acme)).await;
    assert_eq!(api.keys(&acme_reader).await, ["organizer-1"]);

    let reply = api
        .call(Method::GET, "/live-meetings", &acme_admin, None)
        .await;
    let roster = &reply.json[0]["participants"];
    assert_eq!(roster[0]["role"], "organizer");
    assert_eq!(roster[0]["talking"], true);
    assert_eq!(roster[1]["hand_raised"], true);
    assert_eq!(roster[2]["in_lobby"], true);
    assert_eq!(roster[2]["number"], "+1415555••03");
    assert_eq!(roster[2]["joined_at"], 1_800_000_003);
}

#[tokio::test]
async fn an_org_admin_mutes_in_its_own_meeting_but_not_in_another_organizations() {
    let (api, fake, acme, _) = with_meetings().await;
    let acme_admin = api.token(Role::OrgAdmin, Some(acme)).await;

    let reply = api
        .command(
            &acme_admin,
            "organizer-1",
            json!({"command": "mute", "participant": 2}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let listed = api
        .call(Method::GET, "/live-meetings", &acme_admin, None)
        .await;
    assert_eq!(listed.json[0]["participants"][1]["muted"], true);

    for other in ["meeting-2", "direct-room", "no-such-meeting"] {
        let reply = api
            .command(&acme_admin, other, json!({"command": "end"}))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{other}");
        assert_eq!(reply.json["error"]["code"], "forbidden");
    }
    assert_eq!(
        fake.carried_out(),
        [(
            "organizer-1".to_owned(),
            LiveCommand::Mute { participant: 2 }
        )]
    );
}

#[tokio::test]
async fn a_read_only_admin_cannot_command_a_live_meeting() {
    let (api, fake, acme, _) = with_meetings().await;
    for reader in [
        api.token(Role::ReadOnly, Some(acme)).await,
        api.token(Role::ReadOnly, None).await,
    ] {
        let reply = api
            .command(&reader, "organizer-1", json!({"command": "lock"}))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.json["error"]["code"], "forbidden");
    }
    assert!(fake.carried_out().is_empty());
}

#[tokio::test]
async fn unknown_meetings_and_participants_and_refusals_have_stable_codes() {
    let (api, fake, _, _) = with_meetings().await;
    let platform = api.platform.clone();

    let reply = api
        .command(&platform, "no-such-meeting", json!({"command": "lock"}))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["error"]["code"], "not_found");

    let reply = api
        .command(
            &platform,
            "direct-room",
            json!({"command": "unmute", "participant": 99}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["error"]["code"], "not_found");

    assert_eq!(
        api.command(&platform, "direct-room", json!({"command": "lock"}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let reply = api
        .command(&platform, "direct-room", json!({"command": "lock"}))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json["error"]["code"], "conflict");
    assert_eq!(reply.json["error"]["message"], "already locked");

    let reply = api
        .command(&platform, "direct-room", json!({"command": "mute"}))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json["error"]["code"], "invalid");
    assert_eq!(fake.carried_out().len(), 1);
}

#[tokio::test]
async fn without_conferences_the_list_is_empty_and_commands_say_why() {
    let api = api().await;
    let platform = api.platform.clone();
    assert!(api.keys(&platform).await.is_empty());
    let reply = api
        .command(&platform, "organizer-1", json!({"command": "end"}))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("runs no conferences"));
}

#[tokio::test]
async fn live_meetings_need_a_token() {
    let (api, _, _, _) = with_meetings().await;
    for path in ["/live-meetings", "/live-meetings/events"] {
        let request = Request::get(format!("/api/v1{path}"))
            .body(Body::empty())
            .unwrap();
        let response = api.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

/// The next SSE event's `data:` line, as JSON.
async fn next_snapshot(body: &mut Body) -> Value {
    let mut text = String::new();
    loop {
        // A guard against a hang, not a speed check.
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
        if let Some(end) = text.find("\n\n") {
            let event = &text[..end];
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                assert!(event.contains("event: snapshot"), "{event}");
                return serde_json::from_str(data).unwrap();
            }
            text.drain(..end + 2);
        }
    }
}

#[tokio::test]
async fn events_send_the_callers_rosters_at_once_and_on_every_change() {
    let (api, _fake, acme, _) = with_meetings().await;
    let acme_admin = api.token(Role::OrgAdmin, Some(acme)).await;
    let request = Request::get("/api/v1/live-meetings/events")
        .header(header::AUTHORIZATION, format!("Bearer {acme_admin}"))
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();

    let first = next_snapshot(&mut body).await;
    assert_eq!(first.as_array().unwrap().len(), 1, "only Acme's meeting");
    assert_eq!(first[0]["key"], "organizer-1");
    assert_eq!(first[0]["participants"][1]["muted"], false);

    let reply = api
        .command(
            &acme_admin,
            "organizer-1",
            json!({"command": "mute", "participant": 2}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let second = next_snapshot(&mut body).await;
    assert_eq!(second[0]["participants"][1]["muted"], true);
}

/// An organizer of `org` with dial-in on (a shared toll number, a licence), by the services.
async fn organizer_with_dial_in(api: &Api, org: i64) -> i64 {
    let platform = Caller::system("test");
    let svc = &api.svc;
    let number = NewNumber {
        number: "+1 415 555 0123".into(),
        default_region: None,
        kind: None,
        city: None,
        primary_language: "en-US".into(),
        secondary_languages: Vec::new(),
        organization_id: None,
        trunk: "carrier-a".into(),
    };
    // One shared number serves every organization of the test.
    let _ = svc.add_dial_in_number(&platform, &number).await;
    let organizer = svc
        .create_organizer(
            &platform,
            &NewOrganizerInput {
                organization_id: OrganizationId(org),
                name: "Ada Lovelace".into(),
                email: format!("ada@{org}.example"),
                country: None,
                anonymous_start: None,
                dial_out_policy: None,
            },
        )
        .await
        .unwrap();
    svc.set_licence_seats(&platform, OrganizationId(org), 1)
        .await
        .unwrap();
    svc.assign_licence(&platform, organizer.id).await.unwrap();
    svc.enable_dial_in(&platform, organizer.id).await.unwrap();
    organizer.id.0
}

#[tokio::test]
async fn dial_out_is_accepted_refused_or_unavailable_with_stable_codes() {
    let api = api().await;
    let acme = api.org("Acme").await;
    let globex = api.org("Globex").await;
    let ada = organizer_with_dial_in(&api, acme).await;
    let path = format!("/organizers/{ada}/dial-out");
    let acme_admin = api.token(Role::OrgAdmin, Some(acme)).await;
    let body = json!({"number": "+1 206 555 0100", "purpose": "add_participant"});

    // Before the binary gives its conferences: nothing can dial out.
    let reply = api
        .call(Method::POST, &path, &acme_admin, Some(body.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json["error"]["code"], "unavailable");

    let fake = FakeLive::new(Vec::new());
    api.svc.set_live_meetings(fake.clone());
    let reply = api
        .call(Method::POST, &path, &acme_admin, Some(body.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.json);
    assert_eq!(reply.json["status"], "calling");
    let reference = reply.json["reference"].as_str().unwrap().to_owned();
    assert_eq!(reference.len(), 16);
    let dialed = fake.dialed.lock().unwrap().clone();
    assert_eq!(dialed.len(), 1);
    assert_eq!(dialed[0].reference, reference);
    assert_eq!(dialed[0].number, "+1 206 555 0100");
    assert_eq!(dialed[0].target.organizer_id, OrganizerId(ada));

    let refused = json!({"number": "+44 909 876 5432", "purpose": "call_me"});
    let reply = api
        .call(Method::POST, &path, &acme_admin, Some(refused))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json["error"]["code"], "dial_out_refused");
    assert_eq!(
        reply.json["error"]["message"],
        "premium-rate numbers are never called"
    );

    for token in [
        api.token(Role::ReadOnly, Some(acme)).await,
        api.token(Role::OrgAdmin, Some(globex)).await,
    ] {
        let reply = api
            .call(Method::POST, &path, &token, Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.json["error"]["code"], "forbidden");
    }
    let bad = json!({"number": "+1 206 555 0100", "purpose": "conference"});
    let reply = api.call(Method::POST, &path, &acme_admin, Some(bad)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fake.dialed.lock().unwrap().len(),
        1,
        "only the first was placed"
    );
}
