//! Organizers: the people who lead meetings, their dial-in provider (dialbridge or a
//! third-party ACP), default numbers, and PIN state.

use crate::audit::{Actor, AuditRecord, Deletion};
use crate::db::{on, Conn, Store, StoreTx};
use crate::dial_in_numbers::{self, NumberKind};
use crate::ids::{DialInNumberId, OrganizationId, OrganizerId};
use crate::page::{like_pattern, Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

text_enum! {
    /// Which bridge an organizer's meetings use (for filtering lists).
    ProviderKind {
        Dialbridge = "dialbridge",
        /// A third-party audio conferencing provider.
        Acp = "acp",
    }
}

text_enum! {
    /// Whom an organizer's meetings may call out to.
    DialOutPolicy {
        None = "none",
        Domestic = "domestic",
        International = "international",
    }
}

/// What a third-party ACP gave an organizer (entered by hand or imported from the ACP's file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcpSettings {
    pub provider_name: String,
    pub toll_number: Option<String>,
    pub toll_free_numbers: Vec<String>,
    pub participant_passcode: Option<String>,
    /// The ACP's conference ID: shown in invitations, never resolved by dialbridge.
    pub conference_id: Option<String>,
    pub url: Option<String>,
}

/// An organizer's dial-in provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum Provider {
    Dialbridge,
    Acp(AcpSettings),
}

impl Provider {
    pub fn kind(&self) -> ProviderKind {
        match self {
            Provider::Dialbridge => ProviderKind::Dialbridge,
            Provider::Acp(_) => ProviderKind::Acp,
        }
    }
}

/// What an admin sets on an organizer besides provider, licence, conference ID and PIN (each
/// of those has its own call, since each has its own rules, audit action and mail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizerProfile {
    pub name: String,
    /// Stored lowercased; unique within the organization.
    pub email: String,
    pub country: String,
    pub dial_in_enabled: bool,
    /// Default numbers shown in invitations; each must be shared or dedicated to the
    /// organizer's organization, and of the right kind.
    pub default_toll_number: Option<DialInNumberId>,
    pub default_toll_free_number: Option<DialInNumberId>,
    pub default_international_number: Option<DialInNumberId>,
    pub toll_free_allowed: bool,
    /// Callers may start this organizer's meetings without the PIN.
    pub anonymous_start: bool,
    pub dial_out_policy: DialOutPolicy,
}

impl OrganizerProfile {
    /// A profile with the service defaults: dial-in off, no default numbers, domestic dial-out.
    pub fn new(name: &str, email: &str, country: &str) -> OrganizerProfile {
        OrganizerProfile {
            name: name.to_owned(),
            email: email.to_owned(),
            country: country.to_owned(),
            dial_in_enabled: false,
            default_toll_number: None,
            default_toll_free_number: None,
            default_international_number: None,
            toll_free_allowed: false,
            anonymous_start: false,
            dial_out_policy: DialOutPolicy::Domestic,
        }
    }
}

/// A new organizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganizer {
    pub organization_id: OrganizationId,
    pub profile: OrganizerProfile,
    pub provider: Provider,
    /// The static conference ID, if the organizer uses dialbridge (one transaction with the
    /// organizer row: if the ID is taken, no organizer is created).
    pub conference_id: Option<String>,
}

/// An organizer as stored. The PIN hash is not here (see [`Store::organizer_pin`]), so this
/// can be shown and logged freely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organizer {
    pub id: OrganizerId,
    pub organization_id: OrganizationId,
    #[serde(flatten)]
    pub profile: OrganizerProfile,
    pub provider: Provider,
    /// Holds one of the organization's licence seats.
    pub licensed: bool,
    /// The static dialbridge conference ID.
    pub conference_id: Option<String>,
    pub has_pin: bool,
    pub pin_failures: i32,
    pub pin_locked_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An organizer's PIN state, for the call path.
#[derive(Clone, PartialEq, Eq)]
pub struct PinState {
    /// Argon2 hash (PHC string) of the PIN, if one is set.
    pub pin_hash: Option<String>,
    /// Failures that count toward the next lock (as last written by the call path).
    pub failures: i32,
    /// Unix seconds until which no PIN is accepted.
    pub locked_until: Option<i64>,
    /// The call path's lockout record, opaque to the store (the admin rules' `PinLockout`
    /// as JSON); `None` is a clean slate.
    pub lockout: Option<String>,
    /// Bumped by every write of the PIN state; [`Store::save_pin_lockout`] applies only
    /// over the version it was computed from.
    pub version: i64,
}

// A 5-digit PIN's argon2 hash falls to a search of 100,000 values: keep it out of logs.
impl std::fmt::Debug for PinState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinState")
            .field("pin_hash", &self.pin_hash.as_ref().map(|_| "<redacted>"))
            .field("failures", &self.failures)
            .field("locked_until", &self.locked_until)
            .field("lockout", &self.lockout)
            .field("version", &self.version)
            .finish()
    }
}

/// A PIN attempt's outcome as the call path writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinLockoutWrite {
    /// The new lockout record; `None` for a clean slate.
    pub lockout: Option<String>,
    pub failures: i32,
    pub locked_until: Option<i64>,
}

/// Which organizers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizerFilter {
    pub organization_id: Option<OrganizationId>,
    pub provider: Option<ProviderKind>,
    /// Part of the name or email, any case (ASCII case-folding on SQLite).
    pub search: Option<String>,
    pub dial_in_enabled: Option<bool>,
    pub licensed: Option<bool>,
}

const SELECT: &str = "SELECT o.id, o.organization_id, o.name, o.email, o.country, \
    o.dial_in_enabled, o.provider, o.acp_provider_name, o.acp_toll_number, \
    o.acp_toll_free_numbers, o.acp_participant_passcode, o.acp_conference_id, o.acp_url, \
    o.default_toll_number_id, o.default_toll_free_number_id, o.default_international_number_id, \
    o.toll_free_allowed, o.anonymous_start, o.dial_out_policy, \
    o.pin_hash IS NOT NULL AS has_pin, o.pin_failures, o.pin_locked_until, \
    EXISTS (SELECT 1 FROM licences l WHERE l.organizer_id = o.id) AS licensed, \
    ci.code AS conference_id, o.created_at, o.updated_at \
    FROM organizers o LEFT JOIN conference_ids ci ON ci.organizer_id = o.id";

#[derive(sqlx::FromRow)]
struct OrganizerRow {
    id: i64,
    organization_id: i64,
    name: String,
    email: String,
    country: String,
    dial_in_enabled: bool,
    provider: String,
    acp_provider_name: Option<String>,
    acp_toll_number: Option<String>,
    acp_toll_free_numbers: String,
    acp_participant_passcode: Option<String>,
    acp_conference_id: Option<String>,
    acp_url: Option<String>,
    default_toll_number_id: Option<i64>,
    default_toll_free_number_id: Option<i64>,
    default_international_number_id: Option<i64>,
    toll_free_allowed: bool,
    anonymous_start: bool,
    dial_out_policy: String,
    has_pin: bool,
    pin_failures: i32,
    pin_locked_until: Option<i64>,
    licensed: bool,
    conference_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<OrganizerRow> for Organizer {
    type Error = StoreError;

    fn try_from(r: OrganizerRow) -> Result<Organizer> {
        let provider = match ProviderKind::parse(&r.provider)? {
            ProviderKind::Dialbridge => Provider::Dialbridge,
            ProviderKind::Acp => Provider::Acp(AcpSettings {
                provider_name: r.acp_provider_name.unwrap_or_default(),
                toll_number: r.acp_toll_number,
                toll_free_numbers: validate::from_json(
                    "acp_toll_free_numbers",
                    &r.acp_toll_free_numbers,
                )?,
                participant_passcode: r.acp_participant_passcode,
                conference_id: r.acp_conference_id,
                url: r.acp_url,
            }),
        };
        Ok(Organizer {
            id: OrganizerId(r.id),
            organization_id: OrganizationId(r.organization_id),
            profile: OrganizerProfile {
                name: r.name,
                email: r.email,
                country: r.country,
                dial_in_enabled: r.dial_in_enabled,
                default_toll_number: r.default_toll_number_id.map(DialInNumberId),
                default_toll_free_number: r.default_toll_free_number_id.map(DialInNumberId),
                default_international_number: r.default_international_number_id.map(DialInNumberId),
                toll_free_allowed: r.toll_free_allowed,
                anonymous_start: r.anonymous_start,
                dial_out_policy: DialOutPolicy::parse(&r.dial_out_policy)?,
            },
            provider,
            licensed: r.licensed,
            conference_id: r.conference_id,
            has_pin: r.has_pin,
            pin_failures: r.pin_failures,
            pin_locked_until: r.pin_locked_until,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: OrganizerId) -> Result<Organizer> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    let row: Option<OrganizerRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound { what: "organizer" })?
        .try_into()
}

pub(crate) async fn by_email(
    c: &mut Conn<'_>,
    organization_id: OrganizationId,
    email: &str,
) -> Result<Option<Organizer>> {
    let sql = format!("{SELECT} WHERE o.organization_id = $1 AND o.email = $2");
    let row: Option<OrganizerRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(organization_id.0)
        .bind(email.trim().to_lowercase())
        .fetch_optional(c)
        .await)?;
    row.map(Organizer::try_from).transpose()
}

pub(crate) async fn pin(c: &mut Conn<'_>, id: OrganizerId) -> Result<PinState> {
    let sql = "SELECT pin_hash, pin_failures, pin_locked_until, pin_lockout, pin_state_version \
        FROM organizers WHERE id = $1";
    type Row = (Option<String>, i32, Option<i64>, Option<String>, i64);
    let row: Option<Row> = on!(c, |c| sqlx::query_as(sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    let (pin_hash, failures, locked_until, lockout, version) =
        row.ok_or(StoreError::NotFound { what: "organizer" })?;
    Ok(PinState {
        pin_hash,
        failures,
        locked_until,
        lockout,
        version,
    })
}

/// Every admin write of the PIN (reset, clear, unlock, provider change) wipes the lockout
/// record and bumps the version, so an attempt computed before it is not applied after it.
const CLEAR_LOCKOUT: &str = "pin_failures = 0, pin_locked_until = NULL, pin_lockout = NULL, \
    pin_state_version = pin_state_version + 1";

const FILTER: &str = " WHERE ($1 IS NULL OR o.organization_id = $1) \
    AND ($2 IS NULL OR o.provider = $2) \
    AND ($3 IS NULL OR LOWER(o.name) LIKE $3 ESCAPE '\\' OR o.email LIKE $3 ESCAPE '\\') \
    AND ($4 IS NULL OR o.dial_in_enabled = $4) \
    AND ($5 IS NULL OR EXISTS (SELECT 1 FROM licences l WHERE l.organizer_id = o.id) = $5)";

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &OrganizerFilter,
    page: Page,
) -> Result<Paged<Organizer>> {
    let org = filter.organization_id.map(|id| id.0);
    let provider = filter.provider.map(ProviderKind::as_str);
    let pattern = like_pattern(filter.search.as_deref());
    let sql = format!("{SELECT}{FILTER} ORDER BY o.id LIMIT $6 OFFSET $7");
    let count = format!("SELECT COUNT(*) FROM organizers o{FILTER}");
    let rows: Vec<OrganizerRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(org)
        .bind(provider)
        .bind(pattern.as_deref())
        .bind(filter.dial_in_enabled)
        .bind(filter.licensed)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(org)
        .bind(provider)
        .bind(pattern.as_deref())
        .bind(filter.dial_in_enabled)
        .bind(filter.licensed)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(Organizer::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

/// Normalized profile fields, after checking the default numbers belong to the organization.
struct Checked {
    name: String,
    email: String,
    country: String,
}

async fn check_profile(
    c: &mut Conn<'_>,
    organization_id: OrganizationId,
    p: &OrganizerProfile,
) -> Result<Checked> {
    let defaults = [
        (
            "default toll number",
            p.default_toll_number,
            Some(NumberKind::Toll),
        ),
        (
            "default toll-free number",
            p.default_toll_free_number,
            Some(NumberKind::TollFree),
        ),
        (
            "default international number",
            p.default_international_number,
            None,
        ),
    ];
    for (what, id, kind) in defaults {
        let Some(id) = id else { continue };
        let number = match dial_in_numbers::get(c, id).await {
            Err(StoreError::NotFound { .. }) => {
                return Err(StoreError::Invalid(format!(
                    "{what}: no dial-in number {id}"
                )))
            }
            other => other?,
        };
        let visible = number
            .fields
            .organization_id
            .is_none_or(|owner| owner == organization_id);
        if !visible {
            return Err(StoreError::Invalid(format!(
                "{what}: number {id} is dedicated to another organization"
            )));
        }
        if kind.is_some_and(|kind| kind != number.fields.kind) {
            return Err(StoreError::Invalid(format!(
                "{what}: number {id} is a {} number",
                number.fields.kind
            )));
        }
    }
    Ok(Checked {
        name: validate::name("organizer name", &p.name)?,
        email: validate::email(&p.email)?,
        country: validate::country(&p.country)?,
    })
}

/// The provider's columns: (provider, name, toll, toll-free JSON, passcode, conference ID, url).
type ProviderColumns = (
    &'static str,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn provider_columns(provider: &Provider) -> Result<ProviderColumns> {
    Ok(match provider {
        Provider::Dialbridge => ("dialbridge", None, None, "[]".to_owned(), None, None, None),
        Provider::Acp(acp) => (
            "acp",
            Some(validate::name("ACP provider name", &acp.provider_name)?),
            acp.toll_number.clone(),
            validate::to_json(&acp.toll_free_numbers)?,
            acp.participant_passcode.clone(),
            acp.conference_id.clone(),
            acp.url.clone(),
        ),
    })
}

impl StoreTx {
    /// Creates an organizer and, if given, their static conference ID, in this transaction.
    pub async fn create_organizer(
        &mut self,
        actor: &Actor,
        new: &NewOrganizer,
    ) -> Result<Organizer> {
        let result = async {
            if new.conference_id.is_some() && new.provider.kind() == ProviderKind::Acp {
                return Err(StoreError::Invalid(
                    "an organizer on a third-party ACP has no dialbridge conference ID".into(),
                ));
            }
            let ok = check_profile(&mut self.conn(), new.organization_id, &new.profile).await?;
            let (provider, acp_name, acp_toll, acp_free, acp_pass, acp_conf, acp_url) =
                provider_columns(&new.provider)?;
            let p = &new.profile;
            let now = self.now();
            let sql = "INSERT INTO organizers (organization_id, name, email, country, \
                dial_in_enabled, provider, acp_provider_name, acp_toll_number, \
                acp_toll_free_numbers, acp_participant_passcode, acp_conference_id, acp_url, \
                default_toll_number_id, default_toll_free_number_id, \
                default_international_number_id, toll_free_allowed, anonymous_start, \
                dial_out_policy, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(sql)
                .bind(new.organization_id.0)
                .bind(&ok.name)
                .bind(&ok.email)
                .bind(&ok.country)
                .bind(p.dial_in_enabled)
                .bind(provider)
                .bind(&acp_name)
                .bind(&acp_toll)
                .bind(&acp_free)
                .bind(&acp_pass)
                .bind(&acp_conf)
                .bind(&acp_url)
                .bind(p.default_toll_number.map(|id| id.0))
                .bind(p.default_toll_free_number.map(|id| id.0))
                .bind(p.default_international_number.map(|id| id.0))
                .bind(p.toll_free_allowed)
                .bind(p.anonymous_start)
                .bind(p.dial_out_policy.as_str())
                .bind(now)
                .fetch_one(c)
                .await)?;
            let id = OrganizerId(id);
            if let Some(code) = &new.conference_id {
                crate::conference_ids::insert(&mut self.conn(), now, id.into(), code).await?;
            }
            let created = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(new.organization_id),
                    action: "organizer.create",
                    target: format!("organizer:{id}"),
                    details: json!({ "after": created }),
                },
            )
            .await?;
            Ok(created)
        }
        .await;
        self.track(result)
    }

    /// Replaces an organizer's profile.
    pub async fn update_organizer(
        &mut self,
        actor: &Actor,
        id: OrganizerId,
        profile: &OrganizerProfile,
    ) -> Result<Organizer> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            let ok = check_profile(&mut self.conn(), before.organization_id, profile).await?;
            let p = profile;
            let now = self.now();
            let sql = "UPDATE organizers SET name = $2, email = $3, country = $4, \
                dial_in_enabled = $5, default_toll_number_id = $6, \
                default_toll_free_number_id = $7, default_international_number_id = $8, \
                toll_free_allowed = $9, anonymous_start = $10, dial_out_policy = $11, \
                updated_at = $12 WHERE id = $1";
            on!(&mut self.conn(), |c| sqlx::query(sql)
                .bind(id.0)
                .bind(&ok.name)
                .bind(&ok.email)
                .bind(&ok.country)
                .bind(p.dial_in_enabled)
                .bind(p.default_toll_number.map(|id| id.0))
                .bind(p.default_toll_free_number.map(|id| id.0))
                .bind(p.default_international_number.map(|id| id.0))
                .bind(p.toll_free_allowed)
                .bind(p.anonymous_start)
                .bind(p.dial_out_policy.as_str())
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(after.organization_id),
                    action: "organizer.update",
                    target: format!("organizer:{id}"),
                    details: json!({ "before": before, "after": after }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Changes the provider. Moving to an ACP also drops the organizer's dialbridge conference
    /// ID and PIN in the same transaction: an ACP organizer has neither, and the old ID must
    /// stop resolving on this bridge at once.
    pub async fn set_provider(
        &mut self,
        actor: &Actor,
        id: OrganizerId,
        provider: &Provider,
    ) -> Result<Organizer> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            let (kind, acp_name, acp_toll, acp_free, acp_pass, acp_conf, acp_url) =
                provider_columns(provider)?;
            let now = self.now();
            let sql = "UPDATE organizers SET provider = $2, acp_provider_name = $3, \
                acp_toll_number = $4, acp_toll_free_numbers = $5, acp_participant_passcode = $6, \
                acp_conference_id = $7, acp_url = $8, updated_at = $9 WHERE id = $1";
            on!(&mut self.conn(), |c| sqlx::query(sql)
                .bind(id.0)
                .bind(kind)
                .bind(&acp_name)
                .bind(&acp_toll)
                .bind(&acp_free)
                .bind(&acp_pass)
                .bind(&acp_conf)
                .bind(&acp_url)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            if provider.kind() == ProviderKind::Acp {
                let clear_pin =
                    format!("UPDATE organizers SET pin_hash = NULL, {CLEAR_LOCKOUT} WHERE id = $1");
                on!(&mut self.conn(), |c| sqlx::query(&clear_pin)
                    .bind(id.0)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
                on!(&mut self.conn(), |c| sqlx::query(
                    "DELETE FROM conference_ids WHERE organizer_id = $1"
                )
                .bind(id.0)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(after.organization_id),
                    action: "organizer.provider",
                    target: format!("organizer:{id}"),
                    details: json!({ "before": before.provider, "after": after.provider }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Sets (or with `None` clears) the PIN hash and clears failures and lockout. The hash is
    /// made by the caller (argon2); the audit row says that the PIN was reset, not what to.
    pub async fn set_pin_hash(
        &mut self,
        actor: &Actor,
        id: OrganizerId,
        pin_hash: Option<&str>,
    ) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            if pin_hash.is_some() && before.provider.kind() == ProviderKind::Acp {
                return Err(StoreError::Invalid(
                    "an organizer on a third-party ACP has no dialbridge PIN".into(),
                ));
            }
            let now = self.now();
            let sql = format!(
                "UPDATE organizers SET pin_hash = $2, {CLEAR_LOCKOUT}, updated_at = $3 \
                 WHERE id = $1"
            );
            on!(&mut self.conn(), |c| sqlx::query(&sql)
                .bind(id.0)
                .bind(pin_hash)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let action = if pin_hash.is_some() {
                "organizer.pin_reset"
            } else {
                "organizer.pin_clear"
            };
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(before.organization_id),
                    action,
                    target: format!("organizer:{id}"),
                    details: json!({}),
                },
            )
            .await
        }
        .await;
        self.track(result)
    }

    /// Lifts a PIN lockout and zeroes the failure count (keeps the PIN).
    pub async fn unlock_pin(&mut self, actor: &Actor, id: OrganizerId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            let sql = format!("UPDATE organizers SET {CLEAR_LOCKOUT} WHERE id = $1");
            on!(&mut self.conn(), |c| sqlx::query(&sql)
                .bind(id.0)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(before.organization_id),
                    action: "organizer.pin_unlock",
                    target: format!("organizer:{id}"),
                    details: json!({ "failures": before.pin_failures }),
                },
            )
            .await
        }
        .await;
        self.track(result)
    }

    /// Deletes an organizer with their conference ID, meetings and licence (the seat frees up).
    pub async fn delete_organizer(&mut self, actor: &Actor, id: OrganizerId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "organizers",
                    id: id.0,
                    kind: "organizer",
                    organization_id: Some(before.organization_id),
                    before: &before,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }
}

impl Store {
    /// Writes a PIN attempt's outcome if nothing changed the PIN state since `expected_version`
    /// was read (one conditional UPDATE, a compare-and-swap): `Ok(false)` means another
    /// attempt or an admin got there first, and the caller reads again and recomputes. So
    /// concurrent attempts, on one node or several, are each counted exactly once. Call
    /// path, not an admin change: no audit row, `updated_at` untouched.
    pub async fn save_pin_lockout(
        &self,
        id: OrganizerId,
        expected_version: i64,
        write: &PinLockoutWrite,
    ) -> Result<bool> {
        let sql = "UPDATE organizers SET pin_lockout = $3, pin_failures = $4, \
            pin_locked_until = $5, pin_state_version = pin_state_version + 1 \
            WHERE id = $1 AND pin_state_version = $2";
        let mut pc = self.acquire().await?;
        let n = on!(&mut pc.conn(), |c| sqlx::query(sql)
            .bind(id.0)
            .bind(expected_version)
            .bind(write.lockout.as_deref())
            .bind(write.failures)
            .bind(write.locked_until)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            // Absent, or changed under us: tell them apart so a deleted organizer is no loop.
            pin(&mut pc.conn(), id).await?;
        }
        Ok(n == 1)
    }
}

#[cfg(test)]
mod debug_redaction {
    use super::PinState;

    #[test]
    fn pin_state_debug_shows_no_hash() {
        let state = PinState {
            pin_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
            failures: 2,
            locked_until: None,
            lockout: None,
            version: 3,
        };
        let shown = format!("{state:?}");
        assert!(!shown.contains("argon2"), "{shown}");
        assert!(shown.contains("failures: 2"), "{shown}");
    }
}
