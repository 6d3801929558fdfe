//! `verify_pin`: the rules' lockout kept in the store, on SQLite and on PostgreSQL.

use crate::common::*;
use crate::harness::{backend_tests, TestDb};
use dialbridge_admin::services::*;
use dialbridge_store::*;
use std::collections::BTreeSet;
use std::sync::Arc;

const HOUR: i64 = 3600;

/// A PIN that is certainly wrong: the right one with its last digit changed.
fn wrong(pin: &str) -> String {
    let mut digits: Vec<u8> = pin.bytes().collect();
    let last = digits.last_mut().unwrap();
    *last = if *last == b'9' { b'0' } else { *last + 1 };
    String::from_utf8(digits).unwrap()
}

struct Dialer {
    f: Fixture,
    org: Organization,
    id: OrganizerId,
    pin: String,
}

async fn dialer(db: TestDb) -> Dialer {
    let f = fixture_on(db).await;
    let org = f.org("Contoso").await;
    f.number("+1 415 555 0123", None).await;
    let out = f.enabled(&org, "Ann").await;
    let pin = out.new_pin.unwrap().reveal().to_owned();
    assert_eq!(pin.len(), 5);
    Dialer {
        id: out.organizer.id,
        f,
        org,
        pin,
    }
}

async fn twenty_five_wrong_pins_lock_a_five_digit_pin_for_an_hour(db: TestDb) {
    let d = dialer(db).await;
    let bad = wrong(&d.pin);
    for i in 0..24u32 {
        let now = NOW + i64::from(i) * 60;
        assert_eq!(
            d.f.svc.verify_pin(d.id, &bad, now).await.unwrap(),
            PinCheck::Wrong { remaining: 24 - i },
            "failure {i}"
        );
    }
    let locked_at = NOW + 24 * 60;
    let until = locked_at + HOUR;
    assert_eq!(
        d.f.svc.verify_pin(d.id, &bad, locked_at).await.unwrap(),
        PinCheck::Locked { until }
    );
    // While locked even the right PIN is not checked, and the call path sees the lock.
    assert_eq!(
        d.f.svc.verify_pin(d.id, &d.pin, until - 1).await.unwrap(),
        PinCheck::Locked { until }
    );
    let organizer = d.f.svc.store().organizer(d.id).await.unwrap();
    assert_eq!(organizer.pin_locked_until, Some(until));
    let code = organizer.conference_id.unwrap();
    let target = d.f.svc.resolve(&code).await.unwrap().unwrap();
    assert!(target.pin.is_locked(until - 1));
    // On the hour the right PIN works again.
    assert_eq!(
        d.f.svc.verify_pin(d.id, &d.pin, until).await.unwrap(),
        PinCheck::Ok
    );
}

async fn the_right_pin_clears_the_failures(db: TestDb) {
    let d = dialer(db).await;
    let bad = wrong(&d.pin);
    for _ in 0..20 {
        d.f.svc.verify_pin(d.id, &bad, NOW).await.unwrap();
    }
    assert_eq!(
        d.f.svc.store().organizer(d.id).await.unwrap().pin_failures,
        20
    );
    assert_eq!(
        d.f.svc.verify_pin(d.id, &d.pin, NOW + 1).await.unwrap(),
        PinCheck::Ok
    );
    let state = d.f.svc.store().organizer_pin(d.id).await.unwrap();
    assert_eq!((state.failures, state.lockout), (0, None));
    // A fresh count: 24 more wrong PINs do not lock.
    for _ in 0..24 {
        assert!(matches!(
            d.f.svc.verify_pin(d.id, &bad, NOW + 2).await.unwrap(),
            PinCheck::Wrong { .. }
        ));
    }
}

async fn admin_unlock_and_pin_reset_lift_the_lock(db: TestDb) {
    let d = dialer(db).await;
    let admin = org_admin(&d.org);
    let bad = wrong(&d.pin);
    let lock = |now: i64| {
        let svc = &d.f.svc;
        let bad = bad.clone();
        async move {
            let mut last = None;
            for _ in 0..25 {
                last = Some(svc.verify_pin(d.id, &bad, now).await.unwrap());
            }
            assert!(matches!(last, Some(PinCheck::Locked { .. })), "{last:?}");
        }
    };
    lock(NOW).await;
    d.f.svc.unlock_pin(&admin, d.id).await.unwrap();
    assert_eq!(
        d.f.svc.verify_pin(d.id, &d.pin, NOW + 1).await.unwrap(),
        PinCheck::Ok
    );

    lock(NOW + 2).await;
    let reset =
        d.f.svc
            .reset_pin(&admin, d.id, PinChoice::Random)
            .await
            .unwrap();
    let new_pin = reset.new_pin.unwrap().reveal().to_owned();
    assert_eq!(
        d.f.svc.verify_pin(d.id, &new_pin, NOW + 3).await.unwrap(),
        PinCheck::Ok
    );
    if new_pin != d.pin {
        assert!(matches!(
            d.f.svc.verify_pin(d.id, &d.pin, NOW + 4).await.unwrap(),
            PinCheck::Wrong { remaining: 24 }
        ));
    }
}

/// Simultaneous wrong PINs from many calls: each is counted once, in some order, so the
/// `remaining` answers are every value once and exactly one attempt locks.
async fn concurrent_attempts_are_counted_exactly(db: TestDb) {
    let d = dialer(db).await;
    let svc = Arc::new(d.f.svc);
    let bad = wrong(&d.pin);
    let burst = |n: usize| {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let (svc, bad, id) = (svc.clone(), bad.clone(), d.id);
            set.spawn(async move { svc.verify_pin(id, &bad, NOW).await.unwrap() });
        }
        set.join_all()
    };
    let first = burst(20).await;
    let remaining: BTreeSet<u32> = first
        .iter()
        .map(|c| match c {
            PinCheck::Wrong { remaining } => *remaining,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(remaining, (5..=24).collect::<BTreeSet<u32>>());
    assert_eq!(svc.store().organizer(d.id).await.unwrap().pin_failures, 20);

    let second = burst(5).await;
    let locks = second
        .iter()
        .filter(|c| **c == PinCheck::Locked { until: NOW + HOUR })
        .count();
    let wrongs: BTreeSet<u32> = second
        .iter()
        .filter_map(|c| match c {
            PinCheck::Wrong { remaining } => Some(*remaining),
            _ => None,
        })
        .collect();
    assert_eq!((locks, wrongs), (1, (1..=4).collect()));
    let organizer = svc.store().organizer(d.id).await.unwrap();
    assert_eq!(organizer.pin_locked_until, Some(NOW + HOUR));
}

async fn no_pin_and_third_party_organizers_are_never_counted(db: TestDb) {
    let f = fixture_on(db).await;
    let org = f.org("Contoso").await;
    let bob = f.organizer(&org, "Bob").await;
    assert_eq!(
        f.svc.verify_pin(bob.id, "13579", NOW).await.unwrap(),
        PinCheck::NoPin
    );
    let state = f.svc.store().organizer_pin(bob.id).await.unwrap();
    assert_eq!((state.failures, state.lockout), (0, None));
    assert_eq!(
        code(f.svc.verify_pin(OrganizerId(424_242), "13579", NOW).await),
        "not_found"
    );
}

backend_tests!(
    twenty_five_wrong_pins_lock_a_five_digit_pin_for_an_hour,
    the_right_pin_clears_the_failures,
    admin_unlock_and_pin_reset_lift_the_lock,
    concurrent_attempts_are_counted_exactly,
    no_pin_and_third_party_organizers_are_never_counted,
);
