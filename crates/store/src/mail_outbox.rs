//! The mail outbox: mails are queued in the transaction of the change they announce (so a
//! PIN reset and its mail commit together), and a sender loop delivers the due ones with
//! retries and backoff, deciding the next attempt time itself.

use crate::db::{on, Conn, Store, StoreTx};
use crate::ids::{MailId, OrganizationId};
use crate::page::{Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::Serialize;

text_enum! {
    /// Where a mail is in its life.
    MailStatus {
        /// Waiting for its next attempt.
        Queued = "queued",
        Sent = "sent",
        /// Given up on.
        Failed = "failed",
    }
}

/// A mail to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub organization_id: Option<OrganizationId>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
}

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mail {
    pub id: MailId,
    pub organization_id: Option<OrganizationId>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: MailStatus,
    /// Delivery attempts made so far.
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Which mails to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailFilter {
    pub organization_id: Option<OrganizationId>,
    pub status: Option<MailStatus>,
}

const COLUMNS: &str = "id, organization_id, recipient, subject, body_text, body_html, status, \
    attempts, next_attempt_at, last_error, created_at, sent_at";

#[derive(sqlx::FromRow)]
struct MailRow {
    id: i64,
    organization_id: Option<i64>,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: Option<String>,
    status: String,
    attempts: i32,
    next_attempt_at: i64,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
}

impl TryFrom<MailRow> for Mail {
    type Error = StoreError;

    fn try_from(r: MailRow) -> Result<Mail> {
        Ok(Mail {
            id: MailId(r.id),
            organization_id: r.organization_id.map(OrganizationId),
            recipient: r.recipient,
            subject: r.subject,
            body_text: r.body_text,
            body_html: r.body_html,
            status: MailStatus::parse(&r.status)?,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        })
    }
}

fn rows_to_mails(rows: Vec<MailRow>) -> Result<Vec<Mail>> {
    rows.into_iter().map(Mail::try_from).collect()
}

pub(crate) async fn get(c: &mut Conn<'_>, id: MailId) -> Result<Mail> {
    let sql = format!("SELECT {COLUMNS} FROM mail_outbox WHERE id = $1");
    let row: Option<MailRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound { what: "mail" })?.try_into()
}

pub(crate) async fn list(c: &mut Conn<'_>, filter: &MailFilter, page: Page) -> Result<Paged<Mail>> {
    let org = filter.organization_id.map(|id| id.0);
    let status = filter.status.map(MailStatus::as_str);
    let where_sql = "WHERE ($1 IS NULL OR organization_id = $1) AND ($2 IS NULL OR status = $2)";
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_outbox {where_sql} ORDER BY id DESC LIMIT $3 OFFSET $4"
    );
    let count = format!("SELECT COUNT(*) FROM mail_outbox {where_sql}");
    let rows: Vec<MailRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(org)
        .bind(status)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(org)
        .bind(status)
        .fetch_one(c)
        .await)?;
    Ok(Paged {
        items: rows_to_mails(rows)?,
        total,
    })
}

impl StoreTx {
    /// Queues a mail, due at once. Not audited on its own: the change that caused it is.
    pub async fn enqueue_mail(&mut self, mail: &NewMail) -> Result<MailId> {
        let result = async {
            validate::email(&mail.recipient)?;
            let now = self.now();
            let sql = "INSERT INTO mail_outbox (organization_id, recipient, subject, body_text, \
                body_html, status, attempts, next_attempt_at, created_at) \
                VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(sql)
                .bind(mail.organization_id.map(|id| id.0))
                .bind(mail.recipient.trim())
                .bind(&mail.subject)
                .bind(&mail.body_text)
                .bind(mail.body_html.as_deref())
                .bind(now)
                .fetch_one(c)
                .await)?;
            Ok(MailId(id))
        }
        .await;
        self.track(result)
    }
}

impl Store {
    /// Queued mails whose next attempt is at or before `now`, oldest due first (ties by id, so
    /// mails queued together go out in order).
    pub async fn due_mail(&self, now: i64, limit: u32) -> Result<Vec<Mail>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2"
        );
        let limit = Page::first(limit).sql_limit();
        let mut pc = self.acquire().await?;
        let rows: Vec<MailRow> = on!(&mut pc.conn(), |c| sqlx::query_as(&sql)
            .bind(now)
            .bind(limit)
            .fetch_all(c)
            .await)?;
        rows_to_mails(rows)
    }

    /// Marks a queued mail delivered.
    pub async fn mark_mail_sent(&self, id: MailId, now: i64) -> Result<()> {
        // Organizer mails can carry a new PIN in clear, and PINs must otherwise exist only
        // as hashes: once a mail has left (or been given up on) its body is dropped.
        let sql = "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, \
            sent_at = $2, last_error = $3, body_text = '(removed after delivery)', \
            body_html = NULL WHERE id = $1 AND status = 'queued'";
        self.update_queued(sql, id, Some(now), None).await
    }

    /// Records a failed attempt: with `retry_at` the mail stays queued until then; with `None`
    /// it is given up on (status `failed`).
    pub async fn mark_mail_failed(
        &self,
        id: MailId,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<()> {
        let sql = "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $3, \
            status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'queued' END, \
            next_attempt_at = COALESCE($2, next_attempt_at), \
            body_text = CASE WHEN $2 IS NULL THEN '(removed: never delivered)' ELSE body_text END, \
            body_html = CASE WHEN $2 IS NULL THEN NULL ELSE body_html END \
            WHERE id = $1 AND status = 'queued'";
        self.update_queued(sql, id, retry_at, Some(error)).await
    }

    async fn update_queued(
        &self,
        sql: &str,
        id: MailId,
        at: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        let mut pc = self.acquire().await?;
        let n = on!(&mut pc.conn(), |c| sqlx::query(sql)
            .bind(id.0)
            .bind(at)
            .bind(error)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "queued mail",
            });
        }
        Ok(())
    }
}
