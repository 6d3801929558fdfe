//! A fresh admin service over SQLite in a temporary directory, an admin account made through
//! the services as the CLI makes it, and an organization with a licensed organizer whose
//! dial-in is on.

#![allow(clippy::unwrap_used, dead_code)]

pub mod browser;
pub mod client;

use axum::Router;
use dialbridge_admin::live::{
    LiveCommand, LiveCommandError, LiveMeeting, LiveMeetings, LiveParticipant, LiveRole,
};
use dialbridge_admin::rules::pin::PinHasher;
use dialbridge_admin::rules::web_url::WebUrl;
use dialbridge_admin::services::{
    AdminService, Caller, NewNumber, NewOrganization, NewOrganizerInput, ServiceConfig,
};
use dialbridge_store::{Organization, OrganizationId, Organizer, Role, Store};
use dialbridge_web::WebSettings;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::sync::Arc;
use std::sync::Mutex;
use tempfile::TempDir;
use tokio::sync::watch;

pub const PASSWORD: &str = "correct horse battery staple";
pub const ADMIN_EMAIL: &str = "root@admins.example";

pub struct Fixture {
    _dir: TempDir,
    pub svc: Arc<AdminService>,
    pub org: Organization,
    /// Licensed, dial-in on (so with a conference ID and a PIN).
    pub organizer: Organizer,
}

pub fn system() -> Caller {
    Caller::system("test")
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).await.unwrap();
    let config = ServiceConfig {
        default_sender: "dial-in@dialbridge.example".into(),
        public_base_url: WebUrl::parse("http://127.0.0.1/").unwrap(),
        calendar_host: "dialbridge.example".into(),
    };
    let hasher = PinHasher::with_params(8, 1, 1).unwrap();
    let svc = Arc::new(AdminService::with_rng(
        store,
        config,
        hasher,
        StdRng::seed_from_u64(7),
    ));
    let caller = system();
    svc.create_admin_account(&caller, ADMIN_EMAIL, PASSWORD, Role::PlatformAdmin, None)
        .await
        .unwrap();
    let org = svc
        .create_organization(
            &caller,
            &NewOrganization {
                name: "Acme Corp".into(),
                country: "US".into(),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    for (number, kind_city) in [
        ("+14155550100", "San Francisco"),
        ("+442071838750", "London"),
    ] {
        svc.add_dial_in_number(
            &caller,
            &NewNumber {
                number: number.into(),
                default_region: None,
                kind: None,
                city: Some(kind_city.into()),
                primary_language: "en-US".into(),
                secondary_languages: vec![],
                organization_id: None,
                trunk: "carrier-a".into(),
            },
        )
        .await
        .unwrap();
    }
    svc.set_licence_seats(&caller, org.id, 3).await.unwrap();
    let organizer = new_organizer(&svc, &org, "Ada Lovelace").await;
    svc.assign_licence(&caller, organizer.id).await.unwrap();
    let organizer = svc
        .enable_dial_in(&caller, organizer.id)
        .await
        .unwrap()
        .organizer;
    Fixture {
        _dir: dir,
        svc,
        org,
        organizer,
    }
}

pub async fn new_organizer(svc: &AdminService, org: &Organization, name: &str) -> Organizer {
    svc.create_organizer(
        &system(),
        &NewOrganizerInput {
            organization_id: org.id,
            name: name.into(),
            email: format!("{}@acme.example", name.to_lowercase().replace(' ', ".")),
            country: None,
            anonymous_start: None,
            dial_out_policy: None,
        },
    )
    .await
    .unwrap()
}

/// The app as the binary mounts it: the REST API under `/api/v1`, the web pages at `/`.
pub fn app(svc: &Arc<AdminService>, settings: WebSettings) -> Router {
    Router::new()
        .nest("/api/v1", dialbridge_admin::api::router(Arc::clone(svc)))
        .merge(dialbridge_web::router(Arc::clone(svc), settings))
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..start + 64].to_owned()
}

/// The binary's conferences, faked: rosters in a list; mute is carried out, every command
/// recorded and the version bumped.
pub struct FakeLive {
    pub meetings: Mutex<Vec<LiveMeeting>>,
    pub version: watch::Sender<u64>,
    pub carried_out: Mutex<Vec<(String, LiveCommand)>>,
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
        if let LiveCommand::Mute { participant } = command {
            meeting
                .participants
                .iter_mut()
                .find(|p| p.id == participant)
                .ok_or(LiveCommandError::UnknownParticipant)?
                .muted = true;
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
}

fn participant(id: u64, number: &str, in_lobby: bool) -> LiveParticipant {
    LiveParticipant {
        id,
        number: Some(number.to_owned()),
        role: if id == 1 {
            LiveRole::Organizer
        } else {
            LiveRole::Attendee
        },
        muted: id == 3,
        hand_raised: id == 2,
        talking: id == 1,
        in_lobby,
        joined_at: 1_800_000_000,
    }
}

/// Acme's meeting with an organizer talking, a raised hand, a muted caller and one in the
/// lobby; another organization's meeting beside it.
pub fn fake_live(f: &Fixture) -> Arc<FakeLive> {
    let acme = LiveMeeting {
        key: "organizer-1".into(),
        organization_id: Some(f.org.id),
        organizer_id: Some(f.organizer.id),
        organizer_name: Some("Ada Lovelace".into()),
        started: true,
        locked: false,
        participants: vec![
            participant(1, "+1415555••01", false),
            participant(2, "+1415555••02", false),
            participant(3, "+1415555••03", false),
            participant(4, "+1415555••04", true),
        ],
    };
    let other = LiveMeeting {
        key: "organizer-99".into(),
        organization_id: Some(OrganizationId(f.org.id.0 + 1000)),
        organizer_id: None,
        organizer_name: Some("Grace Hopper".into()),
        started: false,
        locked: true,
        participants: vec![participant(1, "+4420••••99", true)],
    };
    let fake = Arc::new(FakeLive {
        meetings: Mutex::new(vec![acme, other]),
        version: watch::channel(5).0,
        carried_out: Mutex::new(Vec::new()),
    });
    f.svc.set_live_meetings(fake.clone());
    fake
}
