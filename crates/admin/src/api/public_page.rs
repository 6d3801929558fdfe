//! The public dial-in numbers page, as HTML for people: what invitations' "find a local
//! number" link opens (`{public_base_url}/organizations/{id}/dial-in-numbers`). No login. The
//! same list is JSON at `/api/v1/public/organizations/{id}/dial-in-numbers`.
//!
//! The organization's name is left out on purpose: ids are small numbers, and a page anyone
//! can open should not let them list which organizations use the service.

use super::error::ApiResult;
use super::extract::Id;
use super::AppState;
use crate::rules::invitation::escape_html;
use crate::services::PublicNumber;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dialbridge_store::{NumberKind, OrganizationId};

/// The page's path, relative to the site root (not under `/api/v1`).
pub const PUBLIC_NUMBERS_PAGE: &str = "/organizations/{id}/dial-in-numbers";

/// The public HTML pages, to merge at the site root beside `/api/v1`.
pub fn public_pages(service: AppState) -> Router {
    Router::new()
        .route(PUBLIC_NUMBERS_PAGE, get(numbers_page))
        .with_state(service)
}

async fn numbers_page(State(svc): State<AppState>, Id(id): Id) -> ApiResult<Response> {
    let numbers = svc.public_dial_in_numbers(OrganizationId(id)).await?;
    let mut response = Html(render_numbers_page(&numbers)).into_response();
    // Public and unauthenticated: nobody may frame it inside their own page.
    response.headers_mut().insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    Ok(response)
}

/// The page for `numbers`; every value is escaped.
pub fn render_numbers_page(numbers: &[PublicNumber]) -> String {
    let mut rows = String::new();
    for n in numbers {
        let kind = match n.kind {
            NumberKind::Toll => "Toll",
            NumberKind::TollFree => "Toll-free",
        };
        let mut languages = vec![n.primary_language.as_str()];
        languages.extend(n.secondary_languages.iter().map(String::as_str));
        rows.push_str(&format!(
            "<tr><td><a href=\"tel:{tel}\">{display}</a></td><td>{country}</td><td>{city}</td>\
             <td>{kind}</td><td>{languages}</td></tr>\n",
            tel = escape_html(&n.e164),
            display = escape_html(&n.display),
            country = escape_html(&n.country),
            city = escape_html(n.city.as_deref().unwrap_or("")),
            languages = escape_html(&languages.join(", ")),
        ));
    }
    let body = if numbers.is_empty() {
        "<p>No dial-in numbers are listed yet.</p>".to_owned()
    } else {
        format!(
            "<table>\n<thead><tr><th>Number</th><th>Country</th><th>City</th><th>Type</th>\
             <th>Languages</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Dial-in numbers</title>\n</head>\n<body>\n<h1>Dial-in numbers</h1>\n\
         <p>Call the number nearest you, then enter the conference ID from your invitation.</p>\n\
         {body}\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(city: &str, kind: NumberKind) -> PublicNumber {
        PublicNumber {
            display: "+1 415-555-0123".into(),
            e164: "+14155550123".into(),
            country: "US".into(),
            city: Some(city.into()),
            kind,
            primary_language: "en-US".into(),
            secondary_languages: vec!["es-ES".into(), "fr-FR".into()],
        }
    }

    #[test]
    fn every_number_with_country_city_type_and_languages() {
        let page = render_numbers_page(&[
            number("San Francisco", NumberKind::Toll),
            number("Anywhere", NumberKind::TollFree),
        ]);
        assert!(page.contains(
            "<tr><td><a href=\"tel:+14155550123\">+1 415-555-0123</a></td><td>US</td>\
             <td>San Francisco</td><td>Toll</td><td>en-US, es-ES, fr-FR</td></tr>"
        ));
        assert!(page.contains("<td>Anywhere</td><td>Toll-free</td>"));
        assert_eq!(page.matches("<tr><td>").count(), 2);
    }

    #[test]
    fn what_admins_typed_is_escaped() {
        let page = render_numbers_page(&[number(
            "<script>alert(1)</script> & \"Co\"",
            NumberKind::Toll,
        )]);
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    }

    #[test]
    fn an_empty_list_says_so() {
        assert!(render_numbers_page(&[]).contains("No dial-in numbers are listed yet."));
    }
}
