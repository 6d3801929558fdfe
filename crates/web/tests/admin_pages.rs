//! The pages added for issue 7 driven with `oneshot` over a real SQLite store: invitation
//! customization with its preview; every page scoped to the admin's organization.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use dialbridge_admin::services::{Caller, NewOrganization};
use dialbridge_store::{Organization, Role};
use support::client::{signed_in, signed_in_as, Client};
use support::{csrf_of, fixture, Fixture, PASSWORD};

/// Another organization with its own org admin, `other@admins.example`.
async fn other_organization(f: &Fixture) -> Organization {
    let system = Caller::system("test");
    let other = f
        .svc
        .create_organization(
            &system,
            &NewOrganization {
                name: "Globex".into(),
                country: "GB".into(),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    f.svc
        .create_admin_account(
            &system,
            "other@admins.example",
            PASSWORD,
            Role::OrgAdmin,
            Some(other.id),
        )
        .await
        .unwrap();
    other
}

async fn acme_admin(f: &Fixture) -> Client {
    f.svc
        .create_admin_account(
            &Caller::system("test"),
            "acme@admins.example",
            PASSWORD,
            Role::OrgAdmin,
            Some(f.org.id),
        )
        .await
        .unwrap();
    signed_in_as(&f.svc, "acme@admins.example").await
}

#[tokio::test]
async fn invitation_preview_follows_the_typed_customization_without_saving() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/invitation", f.org.id);
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Sample Organizer"), "{}", page.body);
    assert!(page.body.contains("<label for=\"footer\">Footer</label>"));
    assert!(page.body.contains("/static/invitation.js"));
    // The logo in the preview may come from the organization's https site; nothing else.
    let policy = page
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("img-src 'self' https:;"), "{policy}");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    let elsewhere = client.get("/").await;
    let strict = elsewhere.headers.get("content-security-policy").unwrap();
    assert!(
        strict.to_str().unwrap().contains("img-src 'self';"),
        "{strict:?}"
    );
    let csrf = csrf_of(&page.body);
    let part = client
        .post(
            &format!("{path}/preview?part=1"),
            vec![
                ("csrf", &csrf),
                ("help_url", "https://help.acme.example/dial-in"),
                ("footer", "Acme <legal> footer"),
            ],
        )
        .await;
    assert_eq!(part.status, StatusCode::OK);
    assert!(part.body.starts_with("<div id=\"invitation-preview\""));
    assert!(!part.body.contains("<html"), "only the preview part");
    assert!(part.body.contains("https://help.acme.example/dial-in"));
    assert!(
        part.body.contains("Acme &lt;legal&gt; footer"),
        "the footer is escaped in the HTML preview: {}",
        part.body
    );
    // Without the script: the Preview button posts the form and gets the whole page.
    let whole = client
        .post(
            &format!("{path}/preview"),
            vec![("csrf", &csrf), ("footer", "Typed, not saved")],
        )
        .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert!(whole.body.contains("<h1>Invitation of Acme Corp</h1>"));
    assert!(whole.body.contains("Typed, not saved"));
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(
        org.settings.invitation,
        Default::default(),
        "a preview saves nothing"
    );
}

#[tokio::test]
async fn invitation_errors_are_shown_next_to_their_fields_and_nothing_is_saved() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/invitation", f.org.id);
    let csrf = client.csrf(&path).await;
    let long_footer = "x".repeat(2001);
    let refused = client
        .post(
            &path,
            vec![
                ("csrf", &csrf),
                ("logo_url", "javascript:alert(1)"),
                ("help_url", "https://help.acme.example/"),
                ("footer", &long_footer),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"logo_url-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"footer-error\""));
    assert!(!refused.body.contains("id=\"help_url-error\""));
    assert!(
        refused
            .body
            .contains("value=\"https://help.acme.example/\""),
        "typed values kept"
    );
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    assert_eq!(org.settings.invitation, Default::default(), "nothing saved");

    let saved = client
        .post(
            &path,
            vec![
                ("csrf", &csrf),
                ("logo_url", "https://acme.example/logo.png"),
                ("legal_url", "https://acme.example/legal"),
                ("footer", "Acme Corp, line one\nline two"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let org = f
        .svc
        .organization(&support::system(), f.org.id)
        .await
        .unwrap();
    let stored = org.settings.invitation;
    assert_eq!(
        stored.logo_url.as_deref(),
        Some("https://acme.example/logo.png")
    );
    assert_eq!(
        stored.legal_url.as_deref(),
        Some("https://acme.example/legal")
    );
    assert_eq!(stored.help_url, None);
    assert_eq!(
        stored.footer.as_deref(),
        Some("Acme Corp, line one\nline two")
    );
    let organizer = client.get(&format!("/organizers/{}", f.organizer.id)).await;
    assert!(
        organizer.body.contains("line two"),
        "organizers' invitations use it"
    );
}

#[tokio::test]
async fn invitation_pages_are_scoped_to_the_admins_organization() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    let mut client = acme_admin(&f).await;
    let own = client
        .get(&format!("/organizations/{}/invitation", f.org.id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let csrf = csrf_of(&own.body);
    let theirs = format!("/organizations/{}/invitation", other.id);
    assert_eq!(client.get(&theirs).await.status, StatusCode::FORBIDDEN);
    let save = client
        .post(&theirs, vec![("csrf", &csrf), ("footer", "hijacked")])
        .await;
    assert_eq!(save.status, StatusCode::FORBIDDEN);
    let part = client
        .post(&format!("{theirs}/preview?part=1"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(part.status, StatusCode::FORBIDDEN);
    let org = f
        .svc
        .organization(&support::system(), other.id)
        .await
        .unwrap();
    assert_eq!(org.settings.invitation.footer, None);
}

const ACP_HEADER: &str = "email,acp_provider_name,acp_toll_number,acp_toll_free_numbers,acp_participant_passcode,acp_conference_id,acp_url";

#[tokio::test]
async fn acp_export_downloads_the_organizations_csv() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let page = client
        .get(&format!("/organizations/{}/acp", f.org.id))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csv = client
        .get(&format!("/organizations/{}/acp/export.csv", f.org.id))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with("organizer_id,name,email"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("ada.lovelace@acme.example"));
}

#[tokio::test]
async fn acp_import_lists_every_row_error_before_writing_then_imports_a_good_file() {
    let f = fixture().await;
    let grace = support::new_organizer(&f.svc, &f.org, "Grace Hopper").await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/acp", f.org.id);
    let csrf = client.csrf(&path).await;
    let good_row = "ada.lovelace@acme.example,Zoomish,+14155550123,,123456#,,";
    let bad = format!(
        "{ACP_HEADER}\n{good_row}\ngrace.hopper@acme.example,Zoomish,not a number,,9#,,\nnobody@acme.example,Zoomish,+14155550123,,1#,,\n"
    );
    let refused = client
        .upload(&format!("{path}/check"), &csrf, "bad.csv", bad.as_bytes())
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("bad.csv cannot be imported"));
    assert!(
        refused.body.contains("2 problem(s) found"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("<td>3</td>") && refused.body.contains("<td>4</td>"));
    // Nothing waits for confirmation and nothing was written.
    let confirm = client
        .post(&format!("{path}/import"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(confirm.status, StatusCode::CONFLICT);
    let ada = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(ada.provider, f.organizer.provider, "nothing written");

    let good = format!("{ACP_HEADER}\n{good_row}\ngrace.hopper@acme.example,,,,,,\n");
    let checked = client
        .upload(&format!("{path}/check"), &csrf, "good.csv", good.as_bytes())
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("<strong id=\"changes\">1</strong>"),
        "{}",
        checked.body
    );
    let ada = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert_eq!(
        ada.provider, f.organizer.provider,
        "the check writes nothing"
    );
    let done = client
        .post(&format!("{path}/import"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = client.get(&path).await;
    assert!(
        after
            .body
            .contains("good.csv imported: 1 organizer(s) changed"),
        "{}",
        after.body
    );
    let ada = f
        .svc
        .organizer(&support::system(), f.organizer.id)
        .await
        .unwrap();
    assert!(matches!(ada.provider, dialbridge_store::Provider::Acp(_)));
    let grace = f.svc.organizer(&support::system(), grace.id).await.unwrap();
    assert_eq!(grace.provider, dialbridge_store::Provider::Dialbridge);
    // The file was used up: confirming again does nothing.
    let again = client
        .post(&format!("{path}/import"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_upload_without_the_sessions_token_is_refused_before_anything_runs() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizations/{}/acp/check", f.org.id);
    let file = format!("{ACP_HEADER}\n");
    let reply = client
        .upload(&path, "forged", "x.csv", file.as_bytes())
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn acp_pages_are_scoped_to_the_admins_organization() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    let mut client = acme_admin(&f).await;
    let own = client
        .get(&format!("/organizations/{}/acp", f.org.id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let csrf = csrf_of(&own.body);
    let theirs = format!("/organizations/{}/acp", other.id);
    assert_eq!(client.get(&theirs).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        client.get(&format!("{theirs}/export.csv")).await.status,
        StatusCode::FORBIDDEN
    );
    let file = format!("{ACP_HEADER}\n");
    let check = client
        .upload(&format!("{theirs}/check"), &csrf, "x.csv", file.as_bytes())
        .await;
    assert_eq!(check.status, StatusCode::FORBIDDEN);
}

/// 2026-03-01 12:00:05 UTC.
const MARCH_FIRST_NOON: i64 = 1_772_366_405;

fn call(
    direction: dialbridge_store::CallDirection,
    called: &str,
    organizer: Option<&dialbridge_store::Organizer>,
    ended_at: i64,
    secs: i64,
) -> dialbridge_admin::services::CallRecordInput {
    dialbridge_admin::services::CallRecordInput {
        direction,
        trunk: "carrier-a".into(),
        called_number: called.into(),
        caller_number: Some("+16505550199".into()),
        dial_in_number_kind: None,
        country: None,
        organization_id: None,
        organizer_id: organizer.map(|o| o.id),
        meeting_id: None,
        conference_key: None,
        role: None,
        started_at: ended_at - secs - 5,
        answered_at: Some(ended_at - secs),
        ended_at,
        end_reason: "caller_hangup".into(),
    }
}

/// Acme: a 61-second dial-in call on March 1st and a 3-minute dial-out to London on March
/// 2nd; Globex: one dial-in call.
async fn calls(f: &Fixture, other: &Organization) {
    use dialbridge_store::CallDirection::{Inbound, Outbound};
    let globex_organizer = support::new_organizer(&f.svc, other, "Globex Person").await;
    for input in [
        call(
            Inbound,
            "+14155550100",
            Some(&f.organizer),
            MARCH_FIRST_NOON,
            61,
        ),
        call(
            Outbound,
            "+442071838751",
            Some(&f.organizer),
            MARCH_FIRST_NOON + 86_400,
            180,
        ),
        call(
            Inbound,
            "+14155550100",
            Some(&globex_organizer),
            MARCH_FIRST_NOON,
            600,
        ),
    ] {
        f.svc.record_call(input).await.unwrap();
    }
}

#[tokio::test]
async fn call_history_filters_by_dates_direction_organizer_and_number() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    calls(&f, &other).await;
    let mut client = signed_in(&f.svc).await;
    let all = client.get("/calls").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.body.contains("1–3 of 3 calls"), "{}", all.body);
    assert!(all.body.contains("2026-03-01 12:00 UTC"));
    let out = client.get("/calls?direction=outbound").await;
    assert!(out.body.contains("1–1 of 1 calls"), "{}", out.body);
    assert!(out.body.contains("+442071838751"));
    let by_number = client.get("/calls?number=%2B44+20+7183").await;
    assert!(
        by_number.body.contains("1–1 of 1 calls"),
        "{}",
        by_number.body
    );
    let by_day = client.get("/calls?from=2026-03-02&to=2026-03-02").await;
    assert!(by_day.body.contains("1–1 of 1 calls"), "{}", by_day.body);
    let by_organizer = client
        .get(&format!("/calls?organizer={}", f.organizer.id))
        .await;
    assert!(
        by_organizer.body.contains("1–2 of 2 calls"),
        "{}",
        by_organizer.body
    );
    let bad = client.get("/calls?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"from-error\""));
    let csv = client.get("/calls.csv?direction=inbound").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with("id,direction,trunk,called_number"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 3, "header and two inbound calls");
}

#[tokio::test]
async fn usage_report_sums_minutes_by_organization_organizer_number_and_destination() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    calls(&f, &other).await;
    let mut client = signed_in(&f.svc).await;
    let report = client.get("/usage?from=2026-03&to=2026-03").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let section = |id: &str| {
        let start = report.body.find(&format!("<table id=\"{id}\"")).unwrap();
        let end = start + report.body[start..].find("</table>").unwrap();
        report.body[start..end].to_owned()
    };
    // 61 s bills 2 minutes; the dial-out 3.
    assert!(
        section("by-organization").contains("<th scope=\"row\">Acme Corp</th><td>2</td><td>5</td>"),
        "{}",
        section("by-organization")
    );
    assert!(
        section("by-organization").contains("<th scope=\"row\">Globex</th><td>1</td><td>10</td>")
    );
    assert!(section("by-organizer").contains("Ada Lovelace (dial-out)</th><td>1</td><td>3</td>"));
    assert!(
        section("by-number").contains("US toll</th><td>2</td><td>12</td>"),
        "{}",
        section("by-number")
    );
    assert!(section("dial-out").contains("GB</th><td>1</td><td>3</td>"));
    let csv = client.get("/usage.csv?from=2026-03&to=2026-03").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("month,organization_id"));
    let backwards = client.get("/usage?from=2026-04&to=2026-03").await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("id=\"usage-error\""));
}

#[tokio::test]
async fn calls_and_usage_are_scoped_to_the_admins_organization() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    calls(&f, &other).await;
    let mut client = acme_admin(&f).await;
    let all = client.get("/calls").await;
    assert!(all.body.contains("1–2 of 2 calls"), "{}", all.body);
    assert!(!all.body.contains("Globex Person"));
    let csv = client.get("/calls.csv").await;
    assert_eq!(csv.body.lines().count(), 3);
    let report = client.get("/usage?from=2026-03&to=2026-03").await;
    assert!(report.body.contains("Acme Corp"));
    assert!(!report.body.contains("Globex"), "{}", report.body);
    let usage_csv = client.get("/usage.csv?from=2026-03&to=2026-03").await;
    assert!(!usage_csv.body.contains("Globex"));
}

#[tokio::test]
async fn a_pin_reset_shows_in_the_audit_log_and_its_mail_in_the_outbox() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let organizer_page = format!("/organizers/{}", f.organizer.id);
    let csrf = client.csrf(&organizer_page).await;
    let reset = client
        .post(
            &format!("{organizer_page}/reset-pin"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let pin = {
        let marker = "<strong id=\"new-pin\">";
        let start = reset.body.find(marker).unwrap() + marker.len();
        let end = start + reset.body[start..].find('<').unwrap();
        reset.body[start..end].to_owned()
    };
    let outbox = client.get("/mail").await;
    assert_eq!(outbox.status, StatusCode::OK, "{}", outbox.body);
    assert!(outbox.body.contains("ada.lovelace@acme.example"));
    assert!(outbox.body.contains("<td>queued</td>"));
    assert!(
        !outbox.body.contains(&pin),
        "mail bodies (with the PIN) are never listed"
    );
    let sent = client.get("/mail?status=sent").await;
    assert!(sent.body.contains("No mail."), "{}", sent.body);
    // Enabling dial-in (the fixture, as the system) set the first PIN.
    let audit = client
        .get("/audit?action=organizer.pin_reset&actor=root%40admins.example")
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    assert!(audit.body.contains("1–1 of 1 entries"), "{}", audit.body);
    assert!(audit.body.contains(support::ADMIN_EMAIL));
    assert!(audit
        .body
        .contains(&format!("organizer:{}", f.organizer.id)));
    let bad = client.get("/audit?entity=Organizer%2012").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"entity-error\""));
    let bad_day = client.get("/audit?since=soon").await;
    assert!(bad_day.body.contains("id=\"since-error\""));
}

#[tokio::test]
async fn audit_log_and_outbox_are_scoped_to_the_admins_organization() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    let globex = support::new_organizer(&f.svc, &other, "Globex Person").await;
    f.svc
        .set_licence_seats(&support::system(), other.id, 1)
        .await
        .unwrap();
    f.svc
        .assign_licence(&support::system(), globex.id)
        .await
        .unwrap();
    f.svc
        .enable_dial_in(&support::system(), globex.id)
        .await
        .unwrap();
    let mut platform = signed_in(&f.svc).await;
    let everything = platform.get("/mail").await;
    assert!(
        everything.body.contains("globex.person@acme.example"),
        "{}",
        everything.body
    );
    let mut client = acme_admin(&f).await;
    let outbox = client.get("/mail").await;
    assert!(
        outbox.body.contains("ada.lovelace@acme.example"),
        "{}",
        outbox.body
    );
    assert!(!outbox.body.contains("globex.person@acme.example"));
    let audit = client.get("/audit").await;
    assert!(audit
        .body
        .contains(&format!("organizer:{}", f.organizer.id)));
    assert!(
        !audit.body.contains(&format!("organizer:{}<", globex.id)),
        "{}",
        audit.body
    );
}

fn figure(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = body.find(&marker).unwrap() + marker.len();
    let end = start + body[start..].find('<').unwrap();
    body[start..end].to_owned()
}

#[tokio::test]
async fn dashboard_counts_live_meetings_calls_today_and_mail_waiting_in_scope() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    support::fake_live(&f);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    calls(&f, &other).await;
    f.svc
        .record_call(call(
            dialbridge_store::CallDirection::Inbound,
            "+14155550100",
            Some(&f.organizer),
            now,
            30,
        ))
        .await
        .unwrap();
    let mut platform = signed_in(&f.svc).await;
    let page = platform.get("/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(figure(&page.body, "live-meetings"), "2");
    assert_eq!(figure(&page.body, "live-callers"), "5");
    assert_eq!(
        figure(&page.body, "calls-today"),
        "1",
        "March's calls are not today's"
    );
    assert_eq!(
        figure(&page.body, "mail-waiting"),
        "1",
        "the dial-in mail of the fixture"
    );
    let mut acme = acme_admin(&f).await;
    let page = acme.get("/").await;
    assert_eq!(figure(&page.body, "live-meetings"), "1");
    assert_eq!(figure(&page.body, "live-callers"), "4");
    assert!(page.body.contains("(1 in the lobby)"));
    assert_eq!(figure(&page.body, "calls-today"), "1");
    let mut globex = signed_in_as(&f.svc, "other@admins.example").await;
    let page = globex.get("/").await;
    assert_eq!(figure(&page.body, "calls-today"), "0");
    assert_eq!(figure(&page.body, "mail-waiting"), "0");
}

#[tokio::test]
async fn the_dial_in_details_are_sent_by_mail_on_request() {
    let f = fixture().await;
    let mut client = signed_in(&f.svc).await;
    let path = format!("/organizers/{}", f.organizer.id);
    let csrf = client.csrf(&path).await;
    let sent = client
        .post(
            &format!("{path}/send-dial-in-details"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mails = f
        .svc
        .store()
        .list_mail(&Default::default(), dialbridge_store::Page::first(10))
        .await
        .unwrap();
    let mail = mails
        .items
        .iter()
        .find(|m| m.subject == dialbridge_admin::services::DIAL_IN_DETAILS_SUBJECT)
        .expect("the details mail is queued");
    assert_eq!(mail.recipient, "ada.lovelace@acme.example");
    let code = f.organizer.conference_id.clone().unwrap();
    let digits: String = mail
        .body_text
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert!(digits.contains(&code), "{}", mail.body_text);
    assert!(mail.body_text.contains("Your PIN is unchanged"));
    let outbox = client.get("/mail").await;
    assert!(outbox.body.contains("Your dial-in conferencing details"));

    // Refused, next to its form, while dial-in is off; nothing queued.
    let off = support::new_organizer(&f.svc, &f.org, "Off Person").await;
    let off_path = format!("/organizers/{}", off.id);
    let refused = client
        .post(
            &format!("{off_path}/send-dial-in-details"),
            vec![("csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"send-details-error\""));
    let after = f
        .svc
        .store()
        .list_mail(&Default::default(), dialbridge_store::Page::first(10))
        .await
        .unwrap();
    assert_eq!(after.total, mails.total);
}

#[tokio::test]
async fn dial_in_details_of_another_organization_are_not_sent() {
    let f = fixture().await;
    let _other = other_organization(&f).await;
    let mut globex = signed_in_as(&f.svc, "other@admins.example").await;
    let csrf = globex.csrf("/").await;
    let before = f
        .svc
        .store()
        .list_mail(&Default::default(), dialbridge_store::Page::first(10))
        .await
        .unwrap()
        .total;
    let reply = globex
        .post(
            &format!("/organizers/{}/send-dial-in-details", f.organizer.id),
            vec![("csrf", &csrf)],
        )
        .await;
    assert!(
        matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        reply.status
    );
    let after = f
        .svc
        .store()
        .list_mail(&Default::default(), dialbridge_store::Page::first(10))
        .await
        .unwrap()
        .total;
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_session_follows_its_accounts_role_and_ends_with_the_account() {
    let f = fixture().await;
    let other = other_organization(&f).await;
    let mut client = acme_admin(&f).await;
    let path = format!("/organizers/{}", f.organizer.id);
    let page = client.get(&path).await;
    assert!(page.body.contains("Reset PIN"), "an org admin may act");
    let account = f
        .svc
        .store()
        .admin_login("acme@admins.example")
        .await
        .unwrap()
        .unwrap()
        .account;
    let actor = dialbridge_store::Actor::system("test");
    let mut tx = f.svc.store().begin().await.unwrap();
    tx.set_admin_role(&actor, account.id, Role::ReadOnly, Some(f.org.id))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Reset PIN"),
        "read-only from the next request on"
    );
    let csrf = csrf_of(&page.body);
    let refused = client
        .post(&format!("{path}/reset-pin"), vec![("csrf", &csrf)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Moved to another organization: Acme's pages are closed to the same session.
    let mut tx = f.svc.store().begin().await.unwrap();
    tx.set_admin_role(&actor, account.id, Role::OrgAdmin, Some(other.id))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_ne!(client.get(&path).await.status, StatusCode::OK);

    let mut tx = f.svc.store().begin().await.unwrap();
    tx.delete_admin_account(&actor, account.id).await.unwrap();
    tx.commit().await.unwrap();
    let gone = client.get("/").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn sign_in_goes_through_the_admin_service() {
    let f = fixture().await;
    let who = f
        .svc
        .sign_in(" root@admins.example ", PASSWORD)
        .await
        .unwrap();
    assert_eq!(who.email, support::ADMIN_EMAIL);
    assert_eq!(who.caller.role(), Role::PlatformAdmin);
    for (email, password) in [
        (support::ADMIN_EMAIL, "wrong password"),
        ("nobody@admins.example", PASSWORD),
    ] {
        assert!(matches!(
            f.svc.sign_in(email, password).await,
            Err(dialbridge_admin::services::ServiceError::Unauthenticated)
        ));
    }
}

#[tokio::test]
async fn large_uploads_are_taken_only_by_the_upload_form_of_a_signed_in_admin() {
    let f = fixture().await;
    let big = vec![b'x'; 200 * 1024];
    // Not signed in: the sign-in form's session may not send a large body.
    let mut anonymous = Client::new(support::app(
        &f.svc,
        dialbridge_web::WebSettings::for_public_url("http://dial.example.com/"),
    ));
    let form = anonymous.get("/sign-in").await;
    let csrf = csrf_of(&form.body);
    let path = format!("/organizations/{}/acp/check", f.org.id);
    let refused = anonymous.upload(&path, &csrf, "big.csv", &big).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Signed in, another form: refused too.
    let mut client = signed_in(&f.svc).await;
    let csrf = client.csrf("/").await;
    let elsewhere = client
        .upload(
            &format!("/organizations/{}/invitation", f.org.id),
            &csrf,
            "big.csv",
            &big,
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The upload form reads it (and refuses the content, not the size).
    let read = client.upload(&path, &csrf, "big.csv", &big).await;
    assert_eq!(
        read.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        read.body
    );
    assert!(read.body.contains("big.csv cannot be imported"));
}

#[tokio::test]
async fn the_live_pages_own_refresh_leaves_the_notice_for_the_page_after_an_action() {
    let f = fixture().await;
    support::fake_live(&f);
    let mut client = signed_in(&f.svc).await;
    let csrf = client.csrf("/live").await;
    let muted = client
        .post(
            "/live/organizer-1/mute",
            vec![("csrf", &csrf), ("participant", "2")],
        )
        .await;
    assert_eq!(muted.status, StatusCode::SEE_OTHER, "{}", muted.body);
    // The old page's script refreshes the rosters before the redirect is followed.
    let refresh = client.get("/live?rosters=1").await;
    assert!(refresh.body.contains("id=\"rosters\""));
    assert!(
        !refresh.body.contains("class=\"notice\""),
        "{}",
        refresh.body
    );
    let page = client.get("/live").await;
    assert!(page.body.contains("The caller was muted."), "{}", page.body);
}
