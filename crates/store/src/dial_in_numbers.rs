//! Dial-in phone numbers: which trunk they arrive on, the prompt languages, and whether they
//! are shared by every organization or dedicated to one.

use crate::audit::{Actor, AuditRecord, Deletion};
use crate::db::{on, Conn, StoreTx};
use crate::ids::{DialInNumberId, OrganizationId};
use crate::page::{Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How many secondary prompt languages a number can offer besides its primary one.
pub const MAX_SECONDARY_LANGUAGES: usize = 4;

text_enum! {
    /// Who pays for the call.
    NumberKind {
        Toll = "toll",
        TollFree = "toll_free",
    }
}

/// What an admin sets on a dial-in number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialInNumberFields {
    /// `+` and digits; unique across the service. Full validation (`phonenumber`) is the admin
    /// domain's; the store checks the shape.
    pub e164: String,
    pub kind: NumberKind,
    /// ISO 3166-1 alpha-2 of the number's country or region.
    pub country: String,
    pub city: Option<String>,
    /// Prompt language tag, e.g. `en-US`.
    pub primary_language: String,
    /// Up to [`MAX_SECONDARY_LANGUAGES`] more the caller can choose.
    pub secondary_languages: Vec<String>,
    /// `None`: shared by every organization; `Some`: dedicated to that one.
    pub organization_id: Option<OrganizationId>,
    /// Name of the SIP trunk the number arrives on (from the config file).
    pub trunk: String,
}

/// A dial-in number as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DialInNumber {
    pub id: DialInNumberId,
    #[serde(flatten)]
    pub fields: DialInNumberFields,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which numbers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialInNumberFilter {
    /// The numbers an organization's callers can use: the shared ones and its own.
    pub visible_to: Option<OrganizationId>,
    pub kind: Option<NumberKind>,
    pub country: Option<String>,
}

const COLUMNS: &str = "id, e164, kind, country, city, primary_language, secondary_languages, \
    organization_id, trunk, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct NumberRow {
    id: i64,
    e164: String,
    kind: String,
    country: String,
    city: Option<String>,
    primary_language: String,
    secondary_languages: String,
    organization_id: Option<i64>,
    trunk: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<NumberRow> for DialInNumber {
    type Error = StoreError;

    fn try_from(r: NumberRow) -> Result<DialInNumber> {
        Ok(DialInNumber {
            id: DialInNumberId(r.id),
            fields: DialInNumberFields {
                e164: r.e164,
                kind: NumberKind::parse(&r.kind)?,
                country: r.country,
                city: r.city,
                primary_language: r.primary_language,
                secondary_languages: validate::from_json(
                    "secondary_languages",
                    &r.secondary_languages,
                )?,
                organization_id: r.organization_id.map(OrganizationId),
                trunk: r.trunk,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: DialInNumberId) -> Result<DialInNumber> {
    let sql = format!("SELECT {COLUMNS} FROM dial_in_numbers WHERE id = $1");
    let row: Option<NumberRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound {
        what: "dial-in number",
    })?
    .try_into()
}

/// The number a call arrived on (the call path asks this for every INVITE).
pub(crate) async fn by_e164(c: &mut Conn<'_>, e164: &str) -> Result<Option<DialInNumber>> {
    let sql = format!("SELECT {COLUMNS} FROM dial_in_numbers WHERE e164 = $1");
    let row: Option<NumberRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(e164)
        .fetch_optional(c)
        .await)?;
    row.map(DialInNumber::try_from).transpose()
}

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &DialInNumberFilter,
    page: Page,
) -> Result<Paged<DialInNumber>> {
    let org = filter.visible_to.map(|id| id.0);
    let kind = filter.kind.map(NumberKind::as_str);
    let country = filter.country.as_deref().map(str::to_ascii_uppercase);
    let filter_sql = "WHERE ($1 IS NULL OR organization_id IS NULL OR organization_id = $1) \
        AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR country = $3)";
    let sql = format!(
        "SELECT {COLUMNS} FROM dial_in_numbers {filter_sql} \
         ORDER BY country, city, e164 LIMIT $4 OFFSET $5"
    );
    let count = format!("SELECT COUNT(*) FROM dial_in_numbers {filter_sql}");
    let rows: Vec<NumberRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(org)
        .bind(kind)
        .bind(country.as_deref())
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(org)
        .bind(kind)
        .bind(country.as_deref())
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(DialInNumber::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

struct Checked {
    country: String,
    languages: String,
    trunk: String,
}

fn checked(f: &DialInNumberFields) -> Result<Checked> {
    validate::e164(&f.e164)?;
    if f.secondary_languages.len() > MAX_SECONDARY_LANGUAGES {
        return Err(StoreError::Invalid(format!(
            "a number has at most {MAX_SECONDARY_LANGUAGES} secondary languages"
        )));
    }
    validate::name("primary language", &f.primary_language)?;
    Ok(Checked {
        country: validate::country(&f.country)?,
        languages: validate::to_json(&f.secondary_languages)?,
        trunk: validate::name("trunk", &f.trunk)?,
    })
}

impl StoreTx {
    /// Adds a dial-in number (`Conflict { what: "dial_in_number" }` if it exists).
    pub async fn create_dial_in_number(
        &mut self,
        actor: &Actor,
        fields: &DialInNumberFields,
    ) -> Result<DialInNumber> {
        let result = async {
            let ok = checked(fields)?;
            let now = self.now();
            let sql = "INSERT INTO dial_in_numbers (e164, kind, country, city, primary_language, \
                secondary_languages, organization_id, trunk, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(sql)
                .bind(&fields.e164)
                .bind(fields.kind.as_str())
                .bind(&ok.country)
                .bind(fields.city.as_deref())
                .bind(&fields.primary_language)
                .bind(&ok.languages)
                .bind(fields.organization_id.map(|id| id.0))
                .bind(&ok.trunk)
                .bind(now)
                .fetch_one(c)
                .await)?;
            let created = get(&mut self.conn(), DialInNumberId(id)).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: fields.organization_id,
                    action: "dial_in_number.create",
                    target: format!("dial_in_number:{id}"),
                    details: json!({ "after": created }),
                },
            )
            .await?;
            Ok(created)
        }
        .await;
        self.track(result)
    }

    /// Replaces a number's fields.
    pub async fn update_dial_in_number(
        &mut self,
        actor: &Actor,
        id: DialInNumberId,
        fields: &DialInNumberFields,
    ) -> Result<DialInNumber> {
        let result = async {
            let ok = checked(fields)?;
            let before = get(&mut self.conn(), id).await?;
            let now = self.now();
            let sql = "UPDATE dial_in_numbers SET e164 = $2, kind = $3, country = $4, city = $5, \
                primary_language = $6, secondary_languages = $7, organization_id = $8, trunk = $9, \
                updated_at = $10 WHERE id = $1";
            on!(&mut self.conn(), |c| sqlx::query(sql)
                .bind(id.0)
                .bind(&fields.e164)
                .bind(fields.kind.as_str())
                .bind(&ok.country)
                .bind(fields.city.as_deref())
                .bind(&fields.primary_language)
                .bind(&ok.languages)
                .bind(fields.organization_id.map(|id| id.0))
                .bind(&ok.trunk)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: after.fields.organization_id,
                    action: "dial_in_number.update",
                    target: format!("dial_in_number:{id}"),
                    details: json!({ "before": before, "after": after }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Removes a number; organizers that had it as a default lose that default.
    pub async fn delete_dial_in_number(&mut self, actor: &Actor, id: DialInNumberId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "dial_in_numbers",
                    id: id.0,
                    kind: "dial_in_number",
                    organization_id: before.fields.organization_id,
                    before: &before,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }
}
