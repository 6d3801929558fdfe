//! Dial-out in the admin domain: the organization's dial-out settings, what the call path
//! gets for a meeting's dial-outs, and `dial_out` handing a resolved order to the binary.

use crate::common::*;
use dialbridge_admin::live::{
    DialOutOrder, DialOutPurpose, DialOutRejected, LiveCommand, LiveCommandError, LiveMeeting,
    LiveMeetings,
};
use dialbridge_admin::services::*;
use dialbridge_store::*;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

fn dial_out_patch() -> SettingsPatch {
    SettingsPatch {
        dial_out_countries: Some(vec!["gb".into(), "FR".into(), "gb".into()]),
        dial_out_max_per_meeting: Some(2),
        dial_out_max_per_organization: Some(0),
        dial_out_join_confirmation: Some(false),
        // National, read in the organization's country (US).
        operator_number: Some(Some("(415) 555-0199".into())),
        ..SettingsPatch::default()
    }
}

#[tokio::test]
async fn dial_out_settings_are_checked_normalized_and_cleared() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let s = &org.settings;
    assert!(s.dial_out_countries.is_empty());
    assert_eq!(s.dial_out_max_per_meeting, 5);
    assert_eq!(s.dial_out_max_per_organization, 20);
    assert!(s.dial_out_join_confirmation);
    assert_eq!(s.operator_number, None);

    let admin = org_admin(&org);
    let org = f
        .svc
        .update_organization_settings(&admin, org.id, &dial_out_patch())
        .await
        .unwrap();
    let s = &org.settings;
    assert_eq!(s.dial_out_countries, ["GB", "FR"]);
    assert_eq!(s.dial_out_max_per_meeting, 2);
    assert_eq!(s.dial_out_max_per_organization, 0);
    assert!(!s.dial_out_join_confirmation);
    assert_eq!(s.operator_number.as_deref(), Some("+14155550199"));

    for bad in [
        SettingsPatch {
            dial_out_countries: Some(vec!["GBR".into()]),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            dial_out_countries: Some(vec!["ZZ".into()]),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            dial_out_max_per_meeting: Some(u32::MAX),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            // Premium rate (UK 09...): never a place to send callers.
            operator_number: Some(Some("+44 909 876 5432".into())),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            operator_number: Some(Some("call the front desk".into())),
            ..SettingsPatch::default()
        },
    ] {
        let result = f
            .svc
            .update_organization_settings(&admin, org.id, &bad)
            .await;
        assert_eq!(code(result), "invalid", "{bad:?}");
    }

    let cleared = SettingsPatch {
        dial_out_countries: Some(Vec::new()),
        operator_number: Some(None),
        ..SettingsPatch::default()
    };
    let org = f
        .svc
        .update_organization_settings(&admin, org.id, &cleared)
        .await
        .unwrap();
    assert!(org.settings.dial_out_countries.is_empty());
    assert_eq!(org.settings.operator_number, None);
    assert_eq!(
        org.settings.dial_out_max_per_meeting, 2,
        "fields not named stay"
    );
}

#[tokio::test]
async fn the_call_target_carries_the_dial_out_settings() {
    let f = fixture().await;
    let org = f.org_with("Contoso", dial_out_patch()).await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);
    f.svc
        .set_dial_out_policy(&admin, ann.id, DialOutPolicy::International)
        .await
        .unwrap();

    let target = f.svc.organizer_call_target(ann.id).await.unwrap();
    assert_eq!(target.organizer_id, ann.id);
    assert_eq!(target.organization_id, org.id);
    assert_eq!(target.meeting_id, None);
    let expected = DialOutSettings {
        organizer_country: "US".into(),
        policy: DialOutPolicy::International,
        allowed_countries: vec!["GB".into(), "FR".into()],
        max_per_meeting: 2,
        max_per_organization: 0,
        join_confirmation: false,
        // Enabling dial-in gave her the toll number as default: the caller ID.
        organizer_default_number: Some("+14155550123".into()),
        operator_number: Some("+14155550199".into()),
    };
    assert_eq!(target.dial_out, expected);
    assert_eq!(target.dial_out_policy, DialOutPolicy::International);

    // The same meeting as a caller reaches it by its conference ID.
    let code_o = ann.conference_id.clone().unwrap();
    let resolved = f.svc.resolve(&code_o).await.unwrap().unwrap();
    assert_eq!(resolved, target);
}

#[tokio::test]
async fn no_call_target_without_dial_in() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let bob = f.licensed(&org, "Bob").await;
    assert_eq!(code(f.svc.organizer_call_target(bob.id).await), "conflict");
    assert_eq!(
        code(f.svc.organizer_call_target(OrganizerId(999)).await),
        "not_found"
    );
}

/// The binary's dial-out, faked: keeps the orders, refuses numbers starting `+44`.
#[derive(Default)]
struct FakeDialer {
    orders: Mutex<Vec<DialOutOrder>>,
}

impl LiveMeetings for FakeDialer {
    fn snapshot(&self) -> Vec<LiveMeeting> {
        Vec::new()
    }

    fn command(&self, _: &str, _: LiveCommand) -> Result<(), LiveCommandError> {
        Err(LiveCommandError::UnknownMeeting)
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        watch::channel(0).1
    }

    fn dial_out(&self, order: DialOutOrder) -> Result<(), DialOutRejected> {
        if order.number.starts_with("+44") {
            return Err(DialOutRejected::Refused {
                reason: "international_not_allowed".into(),
                message: "calls abroad are not allowed for this organizer".into(),
            });
        }
        self.orders.lock().unwrap().push(order);
        Ok(())
    }
}

/// A provider that leaves `dial_out` as the trait provides it.
struct NoDialer;

impl LiveMeetings for NoDialer {
    fn snapshot(&self) -> Vec<LiveMeeting> {
        Vec::new()
    }

    fn command(&self, _: &str, _: LiveCommand) -> Result<(), LiveCommandError> {
        Err(LiveCommandError::UnknownMeeting)
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        watch::channel(0).1
    }
}

#[tokio::test]
async fn dial_out_hands_the_binary_a_resolved_order() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let admin = org_admin(&org);

    // No conferences in this process: nothing can be dialed.
    let result = f
        .svc
        .dial_out(&admin, ann.id, "+1 206 555 0100", DialOutPurpose::CallMe)
        .await;
    assert_eq!(code(result), "unavailable");
    let log = f
        .svc
        .list_dial_outs(&admin, &DialOutQuery::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(
        log.total, 1,
        "the attempt that could not be placed is logged"
    );
    assert_eq!(log.items[0].attempt.status, DialOutStatus::Failed);
    assert_eq!(log.items[0].attempt.reason.as_deref(), Some("unavailable"));

    let dialer = Arc::new(FakeDialer::default());
    f.svc.set_live_meetings(dialer.clone());
    let reference = f
        .svc
        .dial_out(
            &admin,
            ann.id,
            " +1 206 555 0100 ",
            DialOutPurpose::AddParticipant,
        )
        .await
        .unwrap();
    assert_eq!(reference.len(), 16);
    assert!(reference
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let again = f
        .svc
        .dial_out(&admin, ann.id, "+12065550101", DialOutPurpose::CallMe)
        .await
        .unwrap();
    assert_ne!(again, reference, "each attempt has its own reference");

    let orders = dialer.orders.lock().unwrap().clone();
    assert_eq!(orders.len(), 2);
    let order = &orders[0];
    assert_eq!(order.reference, reference);
    assert_eq!(order.purpose, DialOutPurpose::AddParticipant);
    assert_eq!(order.number, "+1 206 555 0100");
    assert_eq!(order.requested_by, admin.actor().label);
    assert_eq!(
        *order.target,
        f.svc.organizer_call_target(ann.id).await.unwrap()
    );
    assert_eq!(orders[1].purpose, DialOutPurpose::CallMe);

    // Each accepted attempt is in the log under its reference, for the binary to move on.
    let logged = f.svc.dial_out_attempt(&admin, &reference).await.unwrap();
    let row = &logged.attempt;
    assert_eq!(row.status, DialOutStatus::Calling);
    assert_eq!(row.purpose, DialOutKind::AddParticipant);
    assert_eq!(row.dialed, "+1 206 555 0100");
    assert_eq!(row.requested_by, admin.actor().label);
    assert_eq!(row.organizer_id, Some(ann.id));
    assert_eq!(row.conference_key, Some(format!("organizer-{}", ann.id)));
}

#[tokio::test]
async fn dial_out_refusals_and_rights() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let other = f.org("Fabrikam").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    let bob = f.licensed(&org, "Bob").await;
    let dialer = Arc::new(FakeDialer::default());
    f.svc.set_live_meetings(dialer.clone());
    let admin = org_admin(&org);
    let call = |caller: Caller, organizer: OrganizerId, number: &'static str| {
        let svc = &f.svc;
        async move {
            svc.dial_out(&caller, organizer, number, DialOutPurpose::CallMe)
                .await
        }
    };

    let refused = call(admin.clone(), ann.id, "+44 20 7946 0000").await;
    match refused {
        Err(ServiceError::DialOutRefused { reason, message }) => {
            assert_eq!(reason, "international_not_allowed");
            assert_eq!(message, "calls abroad are not allowed for this organizer");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        code(call(read_only(&org), ann.id, "+12065550100").await),
        "forbidden"
    );
    assert_eq!(
        code(call(org_admin(&other), ann.id, "+12065550100").await),
        "forbidden"
    );
    assert_eq!(
        code(call(org_admin(&other), OrganizerId(999), "+12065550100").await),
        "forbidden",
        "a missing organizer looks like another organization's"
    );
    assert_eq!(
        code(call(admin.clone(), bob.id, "+12065550100").await),
        "conflict"
    );
    assert_eq!(code(call(admin.clone(), ann.id, "   ").await), "invalid");
    assert!(
        dialer.orders.lock().unwrap().is_empty(),
        "nothing was placed"
    );
}

#[tokio::test]
async fn a_provider_without_dial_out_answers_unavailable() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let ann = f.enabled(&org, "Ann").await.organizer;
    f.svc.set_live_meetings(Arc::new(NoDialer));
    let result = f
        .svc
        .dial_out(&f.platform, ann.id, "+12065550100", DialOutPurpose::CallMe)
        .await;
    match result {
        Err(ServiceError::Unavailable(message)) => {
            assert_eq!(message, "dial-out is not available on this server")
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

fn record(reference: &str, org: &Organization, status: &str) -> DialOutRecord {
    DialOutRecord {
        reference: reference.into(),
        organization_id: org.id,
        organizer_id: None,
        conference_key: None,
        purpose: "phone".into(),
        requested_by: "system:call-path".into(),
        dialed: "*2 4420 7946 0000".into(),
        e164: None,
        destination_country: None,
        status: status.into(),
        reason: None,
    }
}

#[tokio::test]
async fn the_dial_out_log_takes_known_words_and_is_read_per_organization() {
    let f = fixture().await;
    let org = f.org("Contoso").await;
    let other = f.org("Fabrikam").await;
    f.svc
        .record_dial_out(record("1111111111111111", &org, "refused"))
        .await
        .unwrap();
    f.svc
        .record_dial_out(record("2222222222222222", &org, "no_answer"))
        .await
        .unwrap();
    f.svc
        .record_dial_out(record("3333333333333333", &other, "busy"))
        .await
        .unwrap();
    assert_eq!(
        code(
            f.svc
                .record_dial_out(record("4444444444444444", &org, "exploded"))
                .await
        ),
        "invalid"
    );
    let mut odd_purpose = record("4444444444444444", &org, "busy");
    odd_purpose.purpose = "sales".into();
    assert_eq!(code(f.svc.record_dial_out(odd_purpose).await), "invalid");

    let reader = read_only(&org);
    let all = f
        .svc
        .list_dial_outs(&reader, &DialOutQuery::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    let refused = DialOutQuery {
        refused_only: true,
        ..DialOutQuery::default()
    };
    let refused = f
        .svc
        .list_dial_outs(&reader, &refused, Page::default())
        .await
        .unwrap();
    assert_eq!(refused.items.len(), 1);
    assert_eq!(refused.items[0].attempt.reference, "1111111111111111");
    let contradiction = DialOutQuery {
        refused_only: true,
        status: Some(DialOutStatus::Busy),
        ..DialOutQuery::default()
    };
    assert_eq!(
        code(
            f.svc
                .list_dial_outs(&reader, &contradiction, Page::default())
                .await
        ),
        "invalid"
    );
    let elsewhere = DialOutQuery {
        organization_id: Some(other.id),
        ..DialOutQuery::default()
    };
    assert_eq!(
        code(
            f.svc
                .list_dial_outs(&reader, &elsewhere, Page::default())
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        code(f.svc.dial_out_attempt(&reader, "3333333333333333").await),
        "forbidden"
    );
    assert_eq!(
        f.svc
            .dial_out_attempt(&f.platform, "3333333333333333")
            .await
            .unwrap()
            .attempt
            .status,
        DialOutStatus::Busy
    );
    assert_eq!(
        code(
            f.svc
                .dial_out_attempt(&f.platform, "0000000000000000")
                .await
        ),
        "not_found"
    );
}
