//! Organizations (tenants) and their dial-in settings.

use crate::audit::{self, Actor, AuditRecord, Deletion};
use crate::db::{on, Conn, StoreTx};
use crate::ids::OrganizationId;
use crate::page::{like_pattern, Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

text_enum! {
    /// What callers hear when someone joins or leaves.
    Announcements {
        Tones = "tones",
        /// The recorded names (needs `record_names`).
        Names = "names",
        Off = "off",
    }
}

/// What an organization adds to its meeting invitations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCustomization {
    pub logo_url: Option<String>,
    pub help_url: Option<String>,
    pub legal_url: Option<String>,
    pub footer: Option<String>,
}

/// An organization's dial-in settings. `Default` gives the service defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSettings {
    /// Mail organizers when their dial-in settings change.
    pub send_emails: bool,
    /// Sender of those mails, instead of the service's.
    pub sender_address: Option<String>,
    /// Whether new organizers let callers start meetings without the PIN.
    pub anonymous_start_default: bool,
    pub announcements: Announcements,
    /// Ask callers to record their name on entry.
    pub record_names: bool,
    /// Show callers' numbers masked (+1 425 XXX XX12) in rosters and logs.
    pub mask_phone_numbers: bool,
    /// Digits of new PINs (4 to 12).
    pub pin_length: i32,
    /// Digits of new conference IDs (4 to 15).
    pub conference_id_length: i32,
    /// Wrong PINs in a row before the PIN is locked.
    pub pin_max_failures: i32,
    /// How long a locked PIN stays locked.
    pub pin_lockout_seconds: i32,
    /// Dial-pad key sequence to command name (`"*6" -> "mute"`); empty means the service's.
    pub dial_pad_keys: BTreeMap<String, String>,
    pub invitation: InvitationCustomization,
    /// Destination countries dial-out may call (ISO 3166-1 alpha-2, stored upper case);
    /// empty allows every country. Each organizer's own policy applies on top.
    pub dial_out_countries: Vec<String>,
    /// Concurrent dial-outs one meeting may have (0: none).
    pub dial_out_max_per_meeting: i32,
    /// Concurrent dial-outs across the organization (0: none).
    pub dial_out_max_per_organization: i32,
    /// Dialed people hear "press 1 to join" before they join.
    pub dial_out_join_confirmation: bool,
    /// E.164 number the `*0` command transfers callers to; `None`: no operator.
    pub operator_number: Option<String>,
}

impl Default for OrganizationSettings {
    fn default() -> Self {
        OrganizationSettings {
            send_emails: true,
            sender_address: None,
            anonymous_start_default: false,
            announcements: Announcements::Tones,
            record_names: false,
            mask_phone_numbers: true,
            pin_length: 5,
            conference_id_length: 7,
            pin_max_failures: 5,
            pin_lockout_seconds: 900,
            dial_pad_keys: BTreeMap::new(),
            invitation: InvitationCustomization::default(),
            dial_out_countries: Vec::new(),
            dial_out_max_per_meeting: 5,
            dial_out_max_per_organization: 20,
            dial_out_join_confirmation: true,
            operator_number: None,
        }
    }
}

/// What an admin sets on an organization (create and update alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationFields {
    pub name: String,
    /// ISO 3166-1 alpha-2; stored uppercased.
    pub country: String,
    pub settings: OrganizationSettings,
}

/// An organization as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub country: String,
    pub settings: OrganizationSettings,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, name, country, send_emails, sender_address, anonymous_start_default, \
    announcements, record_names, mask_phone_numbers, pin_length, conference_id_length, \
    pin_max_failures, pin_lockout_seconds, dial_pad_keys, logo_url, help_url, legal_url, footer, \
    dial_out_countries, dial_out_max_per_meeting, dial_out_max_per_organization, \
    dial_out_join_confirmation, operator_number, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    id: i64,
    name: String,
    country: String,
    send_emails: bool,
    sender_address: Option<String>,
    anonymous_start_default: bool,
    announcements: String,
    record_names: bool,
    mask_phone_numbers: bool,
    pin_length: i32,
    conference_id_length: i32,
    pin_max_failures: i32,
    pin_lockout_seconds: i32,
    dial_pad_keys: String,
    logo_url: Option<String>,
    help_url: Option<String>,
    legal_url: Option<String>,
    footer: Option<String>,
    dial_out_countries: String,
    dial_out_max_per_meeting: i32,
    dial_out_max_per_organization: i32,
    dial_out_join_confirmation: bool,
    operator_number: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = StoreError;

    fn try_from(r: OrganizationRow) -> Result<Organization> {
        Ok(Organization {
            id: OrganizationId(r.id),
            name: r.name,
            country: r.country,
            settings: OrganizationSettings {
                send_emails: r.send_emails,
                sender_address: r.sender_address,
                anonymous_start_default: r.anonymous_start_default,
                announcements: Announcements::parse(&r.announcements)?,
                record_names: r.record_names,
                mask_phone_numbers: r.mask_phone_numbers,
                pin_length: r.pin_length,
                conference_id_length: r.conference_id_length,
                pin_max_failures: r.pin_max_failures,
                pin_lockout_seconds: r.pin_lockout_seconds,
                dial_pad_keys: validate::from_json("dial_pad_keys", &r.dial_pad_keys)?,
                invitation: InvitationCustomization {
                    logo_url: r.logo_url,
                    help_url: r.help_url,
                    legal_url: r.legal_url,
                    footer: r.footer,
                },
                dial_out_countries: validate::from_json(
                    "dial_out_countries",
                    &r.dial_out_countries,
                )?,
                dial_out_max_per_meeting: r.dial_out_max_per_meeting,
                dial_out_max_per_organization: r.dial_out_max_per_organization,
                dial_out_join_confirmation: r.dial_out_join_confirmation,
                operator_number: r.operator_number,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: OrganizationId) -> Result<Organization> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
    let row: Option<OrganizationRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound {
        what: "organization",
    })?
    .try_into()
}

pub(crate) async fn by_name(c: &mut Conn<'_>, name: &str) -> Result<Option<Organization>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE name = $1");
    let row: Option<OrganizationRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(name.trim())
        .fetch_optional(c)
        .await)?;
    row.map(Organization::try_from).transpose()
}

/// Organizations whose name contains `search` (any case), by id.
pub(crate) async fn list(
    c: &mut Conn<'_>,
    search: Option<&str>,
    page: Page,
) -> Result<Paged<Organization>> {
    let pattern = like_pattern(search);
    let filter = "WHERE ($1 IS NULL OR LOWER(name) LIKE $1 ESCAPE '\\')";
    let sql =
        format!("SELECT {COLUMNS} FROM organizations {filter} ORDER BY id LIMIT $2 OFFSET $3");
    let count = format!("SELECT COUNT(*) FROM organizations {filter}");
    let rows: Vec<OrganizationRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(&pattern)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(&pattern)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(Organization::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

/// What an admin typed, checked and normalized into column values.
struct Checked {
    name: String,
    country: String,
    dial_pad_keys: String,
    dial_out_countries: String,
}

fn checked(fields: &OrganizationFields) -> Result<Checked> {
    let s = &fields.settings;
    let name = validate::name("organization name", &fields.name)?;
    let country = validate::country(&fields.country)?;
    let dial_pad_keys = validate::to_json(&s.dial_pad_keys)?;
    let mut countries = Vec::with_capacity(s.dial_out_countries.len());
    for code in &s.dial_out_countries {
        let code = validate::country(code)?;
        if !countries.contains(&code) {
            countries.push(code);
        }
    }
    let dial_out_countries = validate::to_json(&countries)?;
    for (what, cap) in [
        ("dial_out_max_per_meeting", s.dial_out_max_per_meeting),
        (
            "dial_out_max_per_organization",
            s.dial_out_max_per_organization,
        ),
    ] {
        if cap < 0 {
            return Err(StoreError::Invalid(format!(
                "{what} must be 0 or more, got {cap}"
            )));
        }
    }
    if let Some(number) = &s.operator_number {
        validate::e164(number)?;
    }
    Ok(Checked {
        name,
        country,
        dial_pad_keys,
        dial_out_countries,
    })
}

impl StoreTx {
    /// Creates an organization.
    pub async fn create_organization(
        &mut self,
        actor: &Actor,
        fields: &OrganizationFields,
    ) -> Result<Organization> {
        let result = async {
            let c = checked(fields)?;
            let s = &fields.settings;
            let now = self.now();
            let sql = "INSERT INTO organizations (name, country, send_emails, sender_address, \
                anonymous_start_default, announcements, record_names, mask_phone_numbers, \
                pin_length, conference_id_length, pin_max_failures, pin_lockout_seconds, \
                dial_pad_keys, logo_url, help_url, legal_url, footer, dial_out_countries, \
                dial_out_max_per_meeting, dial_out_max_per_organization, \
                dial_out_join_confirmation, operator_number, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |conn| sqlx::query_scalar(sql)
                .bind(&c.name)
                .bind(&c.country)
                .bind(s.send_emails)
                .bind(s.sender_address.as_deref())
                .bind(s.anonymous_start_default)
                .bind(s.announcements.as_str())
                .bind(s.record_names)
                .bind(s.mask_phone_numbers)
                .bind(s.pin_length)
                .bind(s.conference_id_length)
                .bind(s.pin_max_failures)
                .bind(s.pin_lockout_seconds)
                .bind(&c.dial_pad_keys)
                .bind(s.invitation.logo_url.as_deref())
                .bind(s.invitation.help_url.as_deref())
                .bind(s.invitation.legal_url.as_deref())
                .bind(s.invitation.footer.as_deref())
                .bind(&c.dial_out_countries)
                .bind(s.dial_out_max_per_meeting)
                .bind(s.dial_out_max_per_organization)
                .bind(s.dial_out_join_confirmation)
                .bind(s.operator_number.as_deref())
                .bind(now)
                .fetch_one(conn)
                .await)?;
            let id = OrganizationId(id);
            let created = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(id),
                    action: "organization.create",
                    target: format!("organization:{id}"),
                    details: json!({ "after": created }),
                },
            )
            .await?;
            Ok(created)
        }
        .await;
        self.track(result)
    }

    /// Replaces an organization's name, country and settings.
    pub async fn update_organization(
        &mut self,
        actor: &Actor,
        id: OrganizationId,
        fields: &OrganizationFields,
    ) -> Result<Organization> {
        let result = async {
            let c = checked(fields)?;
            let before = get(&mut self.conn(), id).await?;
            let s = &fields.settings;
            let now = self.now();
            let sql = "UPDATE organizations SET name = $2, country = $3, send_emails = $4, \
                sender_address = $5, anonymous_start_default = $6, announcements = $7, \
                record_names = $8, mask_phone_numbers = $9, pin_length = $10, \
                conference_id_length = $11, pin_max_failures = $12, pin_lockout_seconds = $13, \
                dial_pad_keys = $14, logo_url = $15, help_url = $16, legal_url = $17, \
                footer = $18, dial_out_countries = $19, dial_out_max_per_meeting = $20, \
                dial_out_max_per_organization = $21, dial_out_join_confirmation = $22, \
                operator_number = $23, updated_at = $24 WHERE id = $1";
            on!(&mut self.conn(), |conn| sqlx::query(sql)
                .bind(id.0)
                .bind(&c.name)
                .bind(&c.country)
                .bind(s.send_emails)
                .bind(s.sender_address.as_deref())
                .bind(s.anonymous_start_default)
                .bind(s.announcements.as_str())
                .bind(s.record_names)
                .bind(s.mask_phone_numbers)
                .bind(s.pin_length)
                .bind(s.conference_id_length)
                .bind(s.pin_max_failures)
                .bind(s.pin_lockout_seconds)
                .bind(&c.dial_pad_keys)
                .bind(s.invitation.logo_url.as_deref())
                .bind(s.invitation.help_url.as_deref())
                .bind(s.invitation.legal_url.as_deref())
                .bind(s.invitation.footer.as_deref())
                .bind(&c.dial_out_countries)
                .bind(s.dial_out_max_per_meeting)
                .bind(s.dial_out_max_per_organization)
                .bind(s.dial_out_join_confirmation)
                .bind(s.operator_number.as_deref())
                .bind(now)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(id),
                    action: "organization.update",
                    target: format!("organization:{id}"),
                    details: json!({ "before": before, "after": after }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Deletes an organization with its organizers, meetings, conference IDs, licences, admin
    /// accounts and queued mail. Refused (`Conflict { what: "reference" }`) while dial-in
    /// numbers are dedicated to it: those are released on purpose first.
    pub async fn delete_organization(&mut self, actor: &Actor, id: OrganizationId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "organizations",
                    id: id.0,
                    kind: "organization",
                    organization_id: Some(id),
                    before: &before,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }

    pub(crate) async fn audit(&mut self, actor: &Actor, row: AuditRecord<'_>) -> Result<()> {
        let now = self.now();
        audit::record(&mut self.conn(), now, actor, row).await
    }
}
