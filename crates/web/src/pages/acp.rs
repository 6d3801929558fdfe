//! The ACP file round trip as a wizard: export downloads the organization's CSV; import is
//! upload, check (a dry run listing every row error, or the count of organizers that would
//! change; nothing written), then confirm (all rows in one transaction, or none). The
//! checked file waits in the session between the check and the confirmation.

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::session::PendingUpload;
use crate::Web;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dialbridge_admin::acp_csv::{ImportSummary, RowError};
use dialbridge_admin::services::{ServiceError, ServiceResult};
use dialbridge_store::{Organization, OrganizationId, Role};
use serde::Deserialize;

/// Which step the page shows.
enum Step {
    /// The upload form (and the export).
    Start,
    /// The file was refused: every problem, by line.
    Refused {
        file_name: String,
        errors: Vec<RowError>,
    },
    /// The file is good: what confirming will do.
    Checked {
        file_name: String,
        summary: ImportSummary,
    },
}

#[derive(Template)]
#[template(path = "acp.html")]
struct AcpPage {
    layout: Layout,
    id: i64,
    name: String,
    may_write: bool,
    step: Step,
    /// An error no row caused (a stale file, a missing upload).
    failed: Option<String>,
}

impl AcpPage {
    fn at_start(&self) -> bool {
        matches!(self.step, Step::Start)
    }
}

fn purpose(id: OrganizationId) -> String {
    format!("acp-import:{id}")
}

fn parse_id(text: &str) -> Option<OrganizationId> {
    text.parse::<i64>().ok().map(OrganizationId)
}

async fn organization(web: &Web, admin: &Admin, id: OrganizationId) -> ServiceResult<Organization> {
    web.admin().organization(&admin.who.caller, id).await
}

fn page(
    web: &Web,
    admin: &Admin,
    org: Organization,
    status: StatusCode,
    step: Step,
    failed: Option<String>,
) -> Response {
    let page = AcpPage {
        layout: super::layout(
            web,
            admin,
            format!("{}: ACP export and import", org.name),
            "licences",
        ),
        id: org.id.0,
        name: org.name,
        may_write: admin.who.caller.role() != Role::ReadOnly,
        step,
        failed,
    };
    render::page(status, &page)
}

fn whole_page_error(web: &Web, admin: &Admin, error: &ServiceError) -> Response {
    render::service_error(error, super::layout(web, admin, "", "licences"))
}

/// The check or the import refused the file: its row errors on the wizard, a missing right
/// or organization as a whole page, anything else back at the start with the message.
fn import_refused(
    web: &Web,
    admin: &Admin,
    org: Organization,
    file_name: String,
    error: ServiceError,
) -> Response {
    match error {
        ServiceError::InvalidFile(problems) => {
            let step = Step::Refused {
                file_name,
                errors: problems.errors,
            };
            page(
                web,
                admin,
                org,
                StatusCode::UNPROCESSABLE_ENTITY,
                step,
                None,
            )
        }
        error @ (ServiceError::Forbidden | ServiceError::NotFound { .. }) => {
            whole_page_error(web, admin, &error)
        }
        error => {
            let status = render::status_of(&error);
            page(
                web,
                admin,
                org,
                status,
                Step::Start,
                Some(error.to_string()),
            )
        }
    }
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin, Path(id): Path<String>) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    match organization(&web, &admin, id).await {
        Ok(org) => page(&web, &admin, org, StatusCode::OK, Step::Start, None),
        Err(error) => whole_page_error(&web, &admin, &error),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExportOptions {
    /// Present: every organizer, not only those with dial-in on.
    #[serde(default)]
    all: Option<String>,
}

pub(crate) async fn export(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Query(options): Query<ExportOptions>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    match web
        .admin()
        .export_acp(&admin.who.caller, id, options.all.is_some())
        .await
    {
        Ok(csv) => super::csv_download(&format!("acp-organization-{id}.csv"), csv),
        Err(error) => whole_page_error(&web, &admin, &error),
    }
}

/// The `file` field of an upload: its name and bytes. `None`: no file was chosen.
async fn uploaded_file(headers: &HeaderMap, body: Bytes) -> Option<(String, Vec<u8>)> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("the file").to_owned();
            let bytes = field.bytes().await.ok()?;
            return (!bytes.is_empty() || !name.is_empty()).then(|| (name, bytes.to_vec()));
        }
    }
    None
}

/// Step 2: the dry run. Nothing is written whatever the file holds.
pub(crate) async fn check(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    let org = match organization(&web, &admin, id).await {
        Ok(org) => org,
        Err(error) => return whole_page_error(&web, &admin, &error),
    };
    let Some((file_name, bytes)) = uploaded_file(&headers, body).await else {
        return page(
            &web,
            &admin,
            org,
            StatusCode::UNPROCESSABLE_ENTITY,
            Step::Start,
            Some("Choose the CSV file the provider sent back.".to_owned()),
        );
    };
    match web
        .admin()
        .import_acp(&admin.who.caller, id, &bytes, true)
        .await
    {
        Ok(outcome) => {
            web.sessions().keep_upload(
                &admin.session.id,
                PendingUpload {
                    purpose: purpose(id),
                    file_name: file_name.clone(),
                    bytes,
                },
            );
            let step = Step::Checked {
                file_name,
                summary: outcome.summary,
            };
            page(&web, &admin, org, StatusCode::OK, step, None)
        }
        Err(error) => import_refused(&web, &admin, org, file_name, error),
    }
}

/// Step 3: the checked file, applied whole (the services check it again in the same
/// transaction, so a change made since the check refuses it rather than half-applying it).
pub(crate) async fn confirm(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    let org = match organization(&web, &admin, id).await {
        Ok(org) => org,
        Err(error) => return whole_page_error(&web, &admin, &error),
    };
    let pending = web.sessions().take_upload(&admin.session.id, &purpose(id));
    let Some(upload) = pending else {
        return page(
            &web,
            &admin,
            org,
            StatusCode::CONFLICT,
            Step::Start,
            Some("There is no checked file waiting (it was imported or cancelled already). Upload it again.".to_owned()),
        );
    };
    match web
        .admin()
        .import_acp(&admin.who.caller, id, &upload.bytes, false)
        .await
    {
        Ok(outcome) => {
            let notice = format!(
                "{} imported: {} organizer(s) changed, {} mail(s) queued.",
                upload.file_name,
                outcome.changed.len(),
                outcome.mails.len()
            );
            web.sessions().set_notice(&admin.session.id, notice);
            Redirect::to(&format!("/organizations/{id}/acp")).into_response()
        }
        Err(error) => import_refused(&web, &admin, org, upload.file_name, error),
    }
}

/// Drops the checked file.
pub(crate) async fn cancel(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    if web
        .sessions()
        .take_upload(&admin.session.id, &purpose(id))
        .is_some()
    {
        web.sessions().set_notice(
            &admin.session.id,
            "The import was cancelled; nothing was written.".to_owned(),
        );
    }
    Redirect::to(&format!("/organizations/{id}/acp")).into_response()
}
