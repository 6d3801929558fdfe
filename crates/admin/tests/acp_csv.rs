//! ACP export/import on a real SQLite store.

#![allow(clippy::unwrap_used)]

use dialbridge_admin::acp_csv::{
    apply_import, export_organizers, plan_import, ApplyError, Column, ImportErrors, PlanError,
};
use dialbridge_store::{
    AcpSettings, Actor, AuditFilter, NewOrganizer, OrganizationFields, OrganizationId,
    OrganizationSettings, Organizer, OrganizerFilter, OrganizerProfile, Page, Provider, Store,
};
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;

/// Conference IDs for the dialbridge organizers, distinct across the tests of this binary.
static NEXT_ID: AtomicU32 = AtomicU32::new(0);

const MULTI_LINE_NAME: &str = "Zoë \"Z\", Jr.\nSecond line";
const FORMULA_NAME: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

struct World {
    _dir: TempDir,
    store: Store,
    org: OrganizationId,
    ann: Organizer,
    bob: Organizer,
    carol: Organizer,
    dave: Organizer,
    zoe: Organizer,
    mallory: Organizer,
    eve: Organizer,
}

fn actor() -> Actor {
    Actor::system("test")
}

fn acp(name: &str, toll: &str, passcode: &str) -> AcpSettings {
    AcpSettings {
        provider_name: name.to_owned(),
        toll_number: Some(toll.to_owned()),
        toll_free_numbers: vec!["+18005550199".to_owned()],
        participant_passcode: Some(passcode.to_owned()),
        conference_id: Some("5550001".to_owned()),
        url: Some("https://acp.example/join".to_owned()),
    }
}

async fn organization(store: &Store, name: &str) -> OrganizationId {
    let mut tx = store.begin().await.unwrap();
    let fields = OrganizationFields {
        name: name.to_owned(),
        country: "US".to_owned(),
        settings: OrganizationSettings::default(),
    };
    let org = tx.create_organization(&actor(), &fields).await.unwrap();
    tx.set_licence_seats(&actor(), org.id, 10).await.unwrap();
    tx.commit().await.unwrap();
    org.id
}

/// A dial-in organizer; on dialbridge (licensed, with a conference ID and PIN) unless `acp`.
async fn organizer(
    store: &Store,
    org: OrganizationId,
    name: &str,
    email: &str,
    acp: Option<AcpSettings>,
) -> Organizer {
    let mut tx = store.begin().await.unwrap();
    let mut profile = OrganizerProfile::new(name, email, "US");
    profile.dial_in_enabled = true;
    let on_dialbridge = acp.is_none();
    let new = NewOrganizer {
        organization_id: org,
        profile,
        provider: acp.map_or(Provider::Dialbridge, Provider::Acp),
        conference_id: on_dialbridge
            .then(|| (7_301_000 + 7 * NEXT_ID.fetch_add(1, Ordering::Relaxed)).to_string()),
    };
    let created = tx.create_organizer(&actor(), &new).await.unwrap();
    if on_dialbridge {
        tx.assign_licence(&actor(), created.id).await.unwrap();
        tx.set_pin_hash(&actor(), created.id, Some("$argon2id$test"))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    store.organizer(created.id).await.unwrap()
}

async fn world() -> World {
    let dir = TempDir::new().unwrap();
    let store = Store::open_in_dir(dir.path()).await.unwrap();
    let org = organization(&store, "Contoso").await;
    let other = organization(&store, "Fabrikam").await;
    let ann = organizer(&store, org, "Ann Lee", "ann@contoso.example", None).await;
    let bob = organizer(&store, org, "Bob Ray", "bob@contoso.example", None).await;
    let carol_acp = acp("Old Audio", "+14155550100", "1111");
    let carol = organizer(
        &store,
        org,
        "Carol",
        "carol@contoso.example",
        Some(carol_acp),
    )
    .await;
    let dave = organizer(&store, org, "Dave", "dave@contoso.example", None).await;
    let zoe = organizer(&store, org, MULTI_LINE_NAME, "zoe@contoso.example", None).await;
    let mallory = organizer(&store, org, FORMULA_NAME, "mallory@contoso.example", None).await;
    let eve = organizer(&store, other, "Eve", "eve@fabrikam.example", None).await;
    World {
        _dir: dir,
        store,
        org,
        ann,
        bob,
        carol,
        dave,
        zoe,
        mallory,
        eve,
    }
}

async fn everyone(store: &Store) -> Vec<Organizer> {
    store
        .list_organizers(&OrganizerFilter::default(), Page::first(500))
        .await
        .unwrap()
        .items
}

async fn audit_rows(store: &Store) -> i64 {
    store
        .list_audit(&AuditFilter::default(), Page::first(1))
        .await
        .unwrap()
        .total
}

fn rejected(result: Result<impl std::fmt::Debug, PlanError>) -> ImportErrors {
    match result {
        Err(PlanError::Rejected(errors)) => errors,
        other => panic!("expected a rejected file, got {other:?}"),
    }
}

fn lines_and_messages(errors: &ImportErrors) -> Vec<(Option<u64>, String)> {
    errors
        .errors
        .iter()
        .map(|e| (e.line, e.message.clone()))
        .collect()
}

/// The ACP's side: read our export, fill in the ACP columns of some rows, write it back.
fn fill_in(exported: &[u8], fill: &[(&str, [&str; 6])]) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(exported);
    let header = reader.headers().unwrap().clone();
    let col = |c: Column| header.iter().position(|h| h == c.name()).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        let email = cells[col(Column::Email)].clone();
        if let Some((_, values)) = fill.iter().find(|(e, _)| *e == email) {
            for (column, value) in Column::ACP.iter().zip(values) {
                cells[col(*column)] = (*value).to_owned();
            }
        }
        writer.write_record(&cells).unwrap();
    }
    writer.into_inner().unwrap()
}

const HEADER: &str = "organizer_id,name,email,acp_provider_name,acp_toll_number,\
    acp_toll_free_numbers,acp_participant_passcode,acp_conference_id,acp_url";

fn good_acp(email: &str) -> String {
    format!(",,{email},Contoso Audio,+1 415 555 0123,+1 800 555 0199,918273#,4455667,https://acp.example/j")
}

#[tokio::test]
async fn round_trip_export_fill_in_import() {
    let w = world().await;
    let dial_in = OrganizerFilter {
        dial_in_enabled: Some(true),
        // The organization given to the export wins over the filter's.
        organization_id: Some(w.eve.organization_id),
        ..OrganizerFilter::default()
    };
    let exported = export_organizers(&w.store, w.org, &dial_in).await.unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    let first_line = text.split("\r\n").next().unwrap();
    assert_eq!(
        first_line,
        Column::ALL.map(Column::name).join(","),
        "the header is the documented column list"
    );
    assert!(
        !text.contains("eve@"),
        "another organization's organizer was exported"
    );
    assert_eq!(csv::Reader::from_reader(&exported[..]).records().count(), 6);

    let file = fill_in(
        &exported,
        &[
            (
                "ann@contoso.example",
                [
                    "Contoso Audio",
                    "+1 415 555 0123",
                    "+1 800 555 0199;+44 800 890 567",
                    "918273#",
                    "4455 6677",
                    "https://acp.example/join?u=ann",
                ],
            ),
            (
                "bob@contoso.example",
                ["Contoso Audio", "+442079460000", "", "123", "", ""],
            ),
            (
                "carol@contoso.example",
                [
                    "Old Audio",
                    "+14155550100",
                    "+18005550199",
                    "2222",
                    "5550001",
                    "https://acp.example/join",
                ],
            ),
        ],
    );
    let plan = plan_import(&w.store, w.org, &file).await.unwrap();
    let summary = plan.summary();
    assert_eq!(summary.rows, 6);
    assert_eq!(summary.changes, 3);
    assert_eq!(summary.moving_to_acp, 2);
    assert_eq!(summary.acp_updates, 1);
    assert_eq!(summary.left_blank, 3);
    let carol_change = &plan.changes()[2];
    assert_eq!(carol_change.organizer_id, w.carol.id);
    assert_eq!(
        carol_change.changed_fields,
        vec!["acp_participant_passcode"]
    );
    assert!(plan.changes()[0].loses_dialbridge_id_and_pin);
    assert!(plan.changes()[0].changed_fields.contains(&"provider"));
    // What a UI wizard shows before the admin confirms.
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["changes"][0]["email"], "ann@contoso.example");
    assert_eq!(json["changes"][0]["before"]["provider"], "dialbridge");
    assert_eq!(json["changes"][0]["after"]["toll_number"], "+14155550123");
    assert_eq!(
        json["changes"][2]["changed_fields"][0],
        "acp_participant_passcode"
    );
    // The dry run wrote nothing.
    assert_eq!(w.store.organizer(w.ann.id).await.unwrap(), w.ann);

    let report = apply_import(&w.store, &actor(), &plan).await.unwrap();
    assert_eq!(report.changed.len(), 3);

    let ann = w.store.organizer(w.ann.id).await.unwrap();
    let Provider::Acp(got) = &ann.provider else {
        panic!("ann is not on the ACP")
    };
    assert_eq!(got.provider_name, "Contoso Audio");
    assert_eq!(got.toll_number.as_deref(), Some("+14155550123"));
    assert_eq!(got.toll_free_numbers, vec!["+18005550199", "+44800890567"]);
    assert_eq!(got.participant_passcode.as_deref(), Some("918273#"));
    assert_eq!(got.conference_id.as_deref(), Some("44556677"));
    assert_eq!(got.url.as_deref(), Some("https://acp.example/join?u=ann"));
    assert_eq!(
        ann.conference_id, None,
        "an ACP organizer keeps no dialbridge ID"
    );
    assert!(!ann.has_pin, "an ACP organizer keeps no dialbridge PIN");
    assert_eq!(
        w.store
            .resolve_conference_id(w.ann.conference_id.as_deref().unwrap())
            .await
            .unwrap(),
        None
    );
    let bob = w.store.organizer(w.bob.id).await.unwrap();
    assert!(
        matches!(&bob.provider, Provider::Acp(a) if a.url.is_none() && a.conference_id.is_none())
    );
    let carol = w.store.organizer(w.carol.id).await.unwrap();
    assert!(
        matches!(&carol.provider, Provider::Acp(a) if a.participant_passcode.as_deref() == Some("2222"))
    );
    for untouched in [&w.dave, &w.zoe, &w.mallory] {
        assert_eq!(&w.store.organizer(untouched.id).await.unwrap(), untouched);
    }
    let audit = w
        .store
        .list_audit(
            &AuditFilter {
                organization_id: Some(w.org),
                action: Some("organizer.provider".to_owned()),
                ..AuditFilter::default()
            },
            Page::first(50),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 3);

    // Importing the same file again changes nothing.
    let again = plan_import(&w.store, w.org, &file).await.unwrap();
    assert_eq!(again.summary().changes, 0);
    assert_eq!(again.summary().unchanged, 3);
    // And the export now carries what was imported, and reads back as "no change".
    let exported = export_organizers(&w.store, w.org, &OrganizerFilter::default())
        .await
        .unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(text.contains("+18005550199;+44800890567"));
    let replay = plan_import(&w.store, w.org, &exported).await.unwrap();
    assert_eq!(replay.summary().changes, 0);
}

#[tokio::test]
async fn bad_rows_are_all_reported_by_line_and_nothing_is_written() {
    let w = world().await;
    let file = format!(
        "{HEADER}\n\
         {ann}\n\
         {bob_id},\"{zoe_name}\",,Contoso Audio,+14155550123,,1234,,\n\
         {carol}\n\
         {dave_bad}\n\
         {zoe}\n\
         {unknown}\n\
         {mallory}\n",
        ann = good_acp("ann@contoso.example"),
        bob_id = w.bob.id,
        zoe_name = "Bob \"\"B\"\", Sr.\nsecond line\nthird line",
        carol = good_acp("carol@contoso.example"),
        dave_bad = good_acp("dave@contoso.example").replace("+1 415 555 0123", "+1 900 555 0199"),
        zoe = good_acp("zoe@contoso.example"),
        unknown = good_acp("nobody@contoso.example"),
        mallory = good_acp("mallory@contoso.example"),
    );
    // Lines: 1 header, 2 ann, 3-5 bob (a quoted name over three lines), 6 carol, 7 dave,
    // 8 zoe, 9 unknown, 10 mallory.
    let before = everyone(&w.store).await;
    let audit_before = audit_rows(&w.store).await;
    let errors = rejected(plan_import(&w.store, w.org, file.as_bytes()).await);
    let got = lines_and_messages(&errors);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, Some(7));
    assert!(got[0].1.starts_with("acp_toll_number:"), "{}", got[0].1);
    assert!(got[0].1.contains("premium-rate"), "{}", got[0].1);
    assert_eq!(
        got[1],
        (
            Some(9),
            "no organizer with email nobody@contoso.example in this organization".to_owned()
        )
    );
    let shown = errors.to_string();
    assert!(shown.contains("line 7: acp_toll_number"), "{shown}");
    assert!(shown.contains("line 9: no organizer"), "{shown}");
    assert_eq!(everyone(&w.store).await, before);
    assert_eq!(audit_rows(&w.store).await, audit_before);
}

#[tokio::test]
async fn missing_and_unknown_columns_are_reported_on_line_1() {
    let w = world().await;
    let file = "email,acp_provider_name,acp_toll_free_numbers,acp_participant_passcode,\
                acp_conference_id,acp_url,notes\n\
                ann@contoso.example,X,,1234,,,hello\n";
    let got = lines_and_messages(&rejected(
        plan_import(&w.store, w.org, file.as_bytes()).await,
    ));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, Some(1));
    assert!(
        got[0].1.starts_with("unknown column \"notes\""),
        "{}",
        got[0].1
    );
    assert_eq!(
        got[1],
        (Some(1), "missing column \"acp_toll_number\"".to_owned())
    );

    let empty = rejected(plan_import(&w.store, w.org, b"").await);
    assert_eq!(empty.errors[0].line, None);
    assert!(empty.errors[0].message.contains("header row"));
}

#[tokio::test]
async fn an_organizer_may_appear_once() {
    let w = world().await;
    let by_id = good_acp("").replacen(",,", &format!("{},,", w.ann.id), 1);
    let file = format!(
        "{HEADER}\n{by_id}\n{}\n{}\n",
        good_acp("bob@contoso.example"),
        good_acp("ANN@contoso.example")
    );
    let got = lines_and_messages(&rejected(
        plan_import(&w.store, w.org, file.as_bytes()).await,
    ));
    assert_eq!(
        got,
        vec![(
            Some(4),
            "organizer ann@contoso.example is also on line 2; each organizer may appear once"
                .to_owned()
        )]
    );
}

#[tokio::test]
async fn another_organizations_organizer_reads_as_unknown() {
    let w = world().await;
    let row_with_id = |id: i64| good_acp("").replacen(",,", &format!("{id},,"), 1);
    let file = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n",
        row_with_id(w.eve.id.0),
        row_with_id(999_999),
        good_acp("eve@fabrikam.example"),
        good_acp("nobody@fabrikam.example"),
    );
    let before = everyone(&w.store).await;
    let got = lines_and_messages(&rejected(
        plan_import(&w.store, w.org, file.as_bytes()).await,
    ));
    let unknown_id = |id: i64| format!("no organizer with organizer_id {id} in this organization");
    let unknown_email =
        |email: &str| format!("no organizer with email {email} in this organization");
    assert_eq!(
        got,
        vec![
            (Some(2), unknown_id(w.eve.id.0)),
            (Some(3), unknown_id(999_999)),
            (Some(4), unknown_email("eve@fabrikam.example")),
            (Some(5), unknown_email("nobody@fabrikam.example")),
        ]
    );
    // Same shape whether the organizer exists elsewhere or not at all.
    assert_eq!(
        got[0].1.replace(&w.eve.id.to_string(), "N"),
        got[1].1.replace("999999", "N")
    );
    assert_eq!(everyone(&w.store).await, before);
}

#[tokio::test]
async fn export_guards_formulas_but_keeps_phone_numbers_importable() {
    let w = world().await;
    let mut tx = w.store.begin().await.unwrap();
    let mut sneaky = acp("@SUM(1+1)", "+14155550123", "1234");
    sneaky.toll_free_numbers = vec!["+18005550199".into(), "+44800890567".into()];
    tx.set_provider(&actor(), w.dave.id, &Provider::Acp(sneaky))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let exported = export_organizers(&w.store, w.org, &OrganizerFilter::default())
        .await
        .unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&exported[..])
        .records()
        .map(Result::unwrap)
        .collect();
    let row_of = |id: dialbridge_store::OrganizerId| {
        rows.iter()
            .find(|r| r.get(0) == Some(id.to_string().as_str()))
            .unwrap()
            .clone()
    };
    let mallory = row_of(w.mallory.id);
    assert_eq!(mallory.get(1).unwrap(), format!("'{FORMULA_NAME}"));
    let dave = row_of(w.dave.id);
    assert_eq!(dave.get(7).unwrap(), "'@SUM(1+1)");
    assert_eq!(dave.get(8).unwrap(), "+14155550123");
    assert_eq!(dave.get(9).unwrap(), "+18005550199;+44800890567");
    // The multi-line name with a quote and a comma survives RFC 4180 quoting.
    assert_eq!(row_of(w.zoe.id).get(1).unwrap(), MULTI_LINE_NAME);
    assert!(String::from_utf8(exported.clone())
        .unwrap()
        .contains("\"Zoë \"\"Z\"\", Jr.\nSecond line\""));

    // The guarded file comes back as it went out: no change at all.
    let plan = plan_import(&w.store, w.org, &exported).await.unwrap();
    assert_eq!(plan.summary().changes, 0);
    assert_eq!(plan.summary().unchanged, 2);
}

#[tokio::test]
async fn bom_and_crlf_are_accepted() {
    let w = world().await;
    let bad = format!(
        "\u{feff}{HEADER}\r\n{}\r\n\r\n{}\r\n",
        good_acp("ann@contoso.example"),
        good_acp("bob@contoso.example").replace("918273#", "12ab"),
    );
    let got = lines_and_messages(&rejected(
        plan_import(&w.store, w.org, bad.as_bytes()).await,
    ));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, Some(4));
    assert!(got[0].1.starts_with("acp_participant_passcode"));

    let good = bad.replace("12ab", "1234");
    let plan = plan_import(&w.store, w.org, good.as_bytes()).await.unwrap();
    assert_eq!(plan.summary().changes, 2);
    apply_import(&w.store, &actor(), &plan).await.unwrap();
    let bob = w.store.organizer(w.bob.id).await.unwrap();
    assert!(
        matches!(&bob.provider, Provider::Acp(a) if a.participant_passcode.as_deref() == Some("1234"))
    );
}

#[tokio::test]
async fn a_stale_plan_writes_nothing() {
    let w = world().await;
    let file = format!(
        "{HEADER}\n{}\n{}\n",
        good_acp("ann@contoso.example"),
        good_acp("bob@contoso.example"),
    );
    let plan = plan_import(&w.store, w.org, file.as_bytes()).await.unwrap();
    // Bob moves to another ACP by hand between the dry run and the confirmation.
    let mut tx = w.store.begin().await.unwrap();
    tx.set_provider(
        &actor(),
        w.bob.id,
        &Provider::Acp(acp("Hand", "+14155550100", "9")),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before = everyone(&w.store).await;

    let err = apply_import(&w.store, &actor(), &plan).await.unwrap_err();
    assert!(
        matches!(err, ApplyError::Stale { organizer_id, line: 3 } if organizer_id == w.bob.id),
        "{err:?}"
    );
    // Ann's change, written first in the transaction, was rolled back with it.
    assert_eq!(everyone(&w.store).await, before);
}

#[tokio::test]
async fn organizer_id_and_email_must_agree() {
    let w = world().await;
    let row = good_acp("bob@contoso.example").replacen(",,", &format!("{},,", w.ann.id), 1);
    let file = format!("{HEADER}\n{row}\n");
    let got = lines_and_messages(&rejected(
        plan_import(&w.store, w.org, file.as_bytes()).await,
    ));
    assert_eq!(
        got,
        vec![(
            Some(2),
            format!(
                "organizer_id {} is ann@contoso.example, not bob@contoso.example; fix one of the two",
                w.ann.id
            )
        )]
    );
}
