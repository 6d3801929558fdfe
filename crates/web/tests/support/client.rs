//! A browser in miniature for the oneshot tests: keeps the session cookie, sends forms.

#![allow(clippy::unwrap_used, dead_code)]

use super::csrf_of;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::net::SocketAddr;
use tower::ServiceExt;

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// A browser in miniature: keeps the session cookie, sends forms.
pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
    pub from: Option<SocketAddr>,
}

impl Client {
    pub fn new(app: Router) -> Client {
        Client {
            app,
            cookie: None,
            from: None,
        }
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<Vec<(&str, &str)>>,
    ) -> Reply {
        let body = form.map(|fields| {
            (
                "application/x-www-form-urlencoded".to_owned(),
                serde_urlencoded::to_string(fields).unwrap().into_bytes(),
            )
        });
        self.send_body(method, path, body).await
    }

    /// A file upload as a browser sends it: `csrf` first, then the file in field `file`.
    pub async fn upload(&mut self, path: &str, csrf: &str, file_name: &str, file: &[u8]) -> Reply {
        let boundary = "----dialbridge-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send_body(Method::POST, path, Some((content_type, body)))
            .await
    }

    async fn send_body(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Body::from(bytes)
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).unwrap();
        if let Some(from) = self.from {
            request.extensions_mut().insert(ConnectInfo(from));
        }
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookie: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for cookie in &set_cookie {
            let pair = cookie.split(';').next().unwrap().to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let body = String::from_utf8(
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        Reply {
            status,
            location,
            set_cookie,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: Vec<(&str, &str)>) -> Reply {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Opens the sign-in form and submits it.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = csrf_of(&form.body);
        self.post(
            "/sign-in",
            vec![("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// The CSRF token of a signed-in page.
    pub async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_of(&page.body)
    }
}

/// A client signed in as the fixture's platform admin.
pub async fn signed_in(svc: &std::sync::Arc<dialbridge_admin::services::AdminService>) -> Client {
    signed_in_as(svc, super::ADMIN_EMAIL).await
}

/// A client signed in as `email` (password [`super::PASSWORD`]).
pub async fn signed_in_as(
    svc: &std::sync::Arc<dialbridge_admin::services::AdminService>,
    email: &str,
) -> Client {
    let settings = dialbridge_web::WebSettings::for_public_url("http://dial.example.com/");
    let mut client = Client::new(super::app(svc, settings));
    let reply = client.sign_in(email, super::PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    client
}
