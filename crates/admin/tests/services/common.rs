//! One service over a fresh database in a temporary directory, with a fixed clock, a seeded
//! random source and cheap argon2 parameters.

use dialbridge_admin::rules::pin::PinHasher;
use dialbridge_admin::rules::web_url::WebUrl;
use dialbridge_admin::services::*;
use dialbridge_store::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

pub const NOW: i64 = 1_800_000_000;
pub const SEED: u64 = 7;

pub struct Fixture {
    /// What keeps the database alive (a temp dir, or a PostgreSQL test database).
    _keep: Box<dyn std::any::Any + Send + Sync>,
    pub svc: AdminService,
    pub platform: Caller,
}

pub fn hasher() -> PinHasher {
    PinHasher::with_params(8, 1, 1).unwrap()
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).await.unwrap();
    fixture_with(store, Box::new(dir))
}

/// A fixture on one of the store harness's databases (SQLite or a real PostgreSQL).
pub async fn fixture_on(db: crate::harness::TestDb) -> Fixture {
    let store = db.store.clone();
    fixture_with(store, Box::new(db))
}

fn fixture_with(store: Store, keep: Box<dyn std::any::Any + Send + Sync>) -> Fixture {
    let store = store.with_clock(|| NOW);
    let config = ServiceConfig {
        default_sender: "dial-in@dialbridge.example".into(),
        public_base_url: WebUrl::parse("https://dial.example.com/").unwrap(),
        calendar_host: "dial.example.com".into(),
    };
    let svc = AdminService::with_rng(store, config, hasher(), StdRng::seed_from_u64(SEED));
    Fixture {
        _keep: keep,
        svc,
        platform: Caller::platform_admin(Actor::system("test")),
    }
}

pub fn org_admin(org: &Organization) -> Caller {
    Caller::org_admin(org.id, Actor::system(&format!("admin-of-{}", org.id)))
}

pub fn read_only(org: &Organization) -> Caller {
    Caller::read_only(
        Some(org.id),
        Actor::system(&format!("reader-of-{}", org.id)),
    )
}

impl Fixture {
    pub async fn org(&self, name: &str) -> Organization {
        self.org_with(name, SettingsPatch::default()).await
    }

    pub async fn org_with(&self, name: &str, settings: SettingsPatch) -> Organization {
        let new = NewOrganization {
            name: name.into(),
            country: "US".into(),
            settings,
        };
        self.svc
            .create_organization(&self.platform, &new)
            .await
            .unwrap()
    }

    pub async fn number(&self, e164: &str, org: Option<&Organization>) -> DialInNumber {
        let new = NewNumber {
            number: e164.into(),
            default_region: None,
            kind: None,
            city: Some("Springfield".into()),
            primary_language: "en-US".into(),
            secondary_languages: vec!["es-ES".into()],
            organization_id: org.map(|o| o.id),
            trunk: "carrier-a".into(),
        };
        self.svc
            .add_dial_in_number(&self.platform, &new)
            .await
            .unwrap()
            .number
    }

    pub async fn organizer(&self, org: &Organization, name: &str) -> Organizer {
        let input = NewOrganizerInput {
            organization_id: org.id,
            name: name.into(),
            email: format!(
                "{}@{}.example",
                name.to_lowercase().replace(' ', "."),
                org.id
            ),
            country: None,
            anonymous_start: None,
            dial_out_policy: None,
        };
        self.svc
            .create_organizer(&self.platform, &input)
            .await
            .unwrap()
    }

    /// An organizer holding a licence (seats bought as needed), dial-in still off.
    pub async fn licensed(&self, org: &Organization, name: &str) -> Organizer {
        let organizer = self.organizer(org, name).await;
        let pool = self.svc.licence_pool(&self.platform, org.id).await.unwrap();
        let seats = u32::try_from(pool.seats_bought + 1).unwrap();
        self.svc
            .set_licence_seats(&self.platform, org.id, seats)
            .await
            .unwrap();
        assert!(self
            .svc
            .assign_licence(&self.platform, organizer.id)
            .await
            .unwrap());
        organizer
    }

    /// A licensed organizer with dial-in on, in an organization that has a toll number.
    pub async fn enabled(&self, org: &Organization, name: &str) -> DialInOutcome {
        let organizer = self.licensed(org, name).await;
        self.svc
            .enable_dial_in(&self.platform, organizer.id)
            .await
            .unwrap()
    }

    pub async fn mails(&self, org: &Organization) -> Vec<Mail> {
        let filter = MailFilter {
            organization_id: Some(org.id),
            status: None,
        };
        self.svc
            .store()
            .list_mail(&filter, Page::first(100))
            .await
            .unwrap()
            .items
    }

    pub async fn audit_text(&self, org: &Organization) -> String {
        let filter = AuditFilter {
            organization_id: Some(org.id),
            action: None,
            ..AuditFilter::default()
        };
        let rows = self
            .svc
            .store()
            .list_audit(&filter, Page::first(500))
            .await
            .unwrap();
        serde_json::to_string(&rows.items).unwrap()
    }
}

/// The error's machine code, for compact assertions.
pub fn code<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> &'static str {
    result.expect_err("expected an error").code()
}
