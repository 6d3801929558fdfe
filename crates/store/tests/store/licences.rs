use crate::fixtures::{actor, audit_actions, org, organizer};
use crate::harness::{backend_tests, TestDb};
use crate::in_tx;
use dialbridge_store::*;

async fn assign_and_remove_within_the_seats(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let ann = organizer(store, a.id, "Ann").await;
    let bob = organizer(store, a.id, "Bob").await;

    // No seats bought yet.
    let pool = store.licence_pool(a.id).await.unwrap();
    assert_eq!((pool.seats_bought, pool.seats_assigned), (0, 0));
    let err = in_tx!(store, |tx| tx.assign_licence(&actor(), ann.id)).unwrap_err();
    assert!(matches!(err, StoreError::SeatsExhausted), "{err}");

    let pool = in_tx!(store, |tx| tx.set_licence_seats(&actor(), a.id, 1)).unwrap();
    assert_eq!(pool.seats_free(), 1);
    assert!(in_tx!(store, |tx| tx.assign_licence(&actor(), ann.id)).unwrap());
    assert!(
        !in_tx!(store, |tx| tx.assign_licence(&actor(), ann.id)).unwrap(),
        "already held"
    );
    assert!(store.organizer(ann.id).await.unwrap().licensed);
    let err = in_tx!(store, |tx| tx.assign_licence(&actor(), bob.id)).unwrap_err();
    assert!(matches!(err, StoreError::SeatsExhausted), "{err}");

    // Cannot buy fewer seats than are assigned.
    let err = in_tx!(store, |tx| tx.set_licence_seats(&actor(), a.id, 0)).unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what } if what == "seats_in_use"),
        "{err}"
    );

    assert!(in_tx!(store, |tx| tx.remove_licence(&actor(), ann.id)).unwrap());
    assert!(!in_tx!(store, |tx| tx.remove_licence(&actor(), ann.id)).unwrap());
    assert!(in_tx!(store, |tx| tx.assign_licence(&actor(), bob.id)).unwrap());

    // Deleting a licensed organizer frees the seat.
    in_tx!(store, |tx| tx.delete_organizer(&actor(), bob.id)).unwrap();
    assert_eq!(store.licence_pool(a.id).await.unwrap().seats_assigned, 0);

    let licensed = OrganizerFilter {
        organization_id: Some(a.id),
        licensed: Some(false),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_organizers(&licensed, Page::default())
            .await
            .unwrap()
            .total,
        1
    );
    assert!(matches!(
        store.licence_pool(OrganizationId(999)).await,
        Err(StoreError::NotFound { .. })
    ));
    let actions = audit_actions(store, Some(a.id)).await;
    assert_eq!(
        actions[3..],
        [
            "licence_pool.set_seats",
            "licence.assign",
            "licence.remove",
            "licence.assign",
            "organizer.delete"
        ]
    );
}

/// Assigns in a transaction that stays open a little after the seat check, so racing
/// assignments really overlap.
async fn assign_slowly(store: Store, id: OrganizerId) -> Result<bool> {
    let mut tx = store.begin().await?;
    let assigned = tx.assign_licence(&actor(), id).await?;
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    tx.commit().await?;
    Ok(assigned)
}

async fn seats_are_never_exceeded_under_concurrency(db: TestDb) {
    let store = &db.store;
    let a = org(store, "A").await;
    let mut organizers = Vec::new();
    for i in 0..8 {
        organizers.push(organizer(store, a.id, &format!("Person {i}")).await.id);
    }

    // Two assignments race for the last seat, several times over.
    let mut seats = 0;
    for pair in organizers[..6].chunks(2) {
        seats += 1;
        in_tx!(store, |tx| tx.set_licence_seats(&actor(), a.id, seats)).unwrap();
        let (x, y) = tokio::join!(
            assign_slowly(store.clone(), pair[0]),
            assign_slowly(store.clone(), pair[1])
        );
        let won = [&x, &y].iter().filter(|r| matches!(r, Ok(true))).count();
        let refused = [&x, &y]
            .iter()
            .filter(|r| matches!(r, Err(StoreError::SeatsExhausted)))
            .count();
        assert_eq!((won, refused), (1, 1), "{x:?} {y:?}");
        assert_eq!(
            store.licence_pool(a.id).await.unwrap().seats_assigned,
            seats
        );
    }

    // Many at once for two seats.
    in_tx!(store, |tx| tx.set_licence_seats(&actor(), a.id, seats + 2)).unwrap();
    let tasks: Vec<_> = organizers
        .iter()
        .map(|&id| tokio::spawn(assign_slowly(store.clone(), id)))
        .collect();
    let mut newly = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(true) => newly += 1,
            Ok(false) | Err(StoreError::SeatsExhausted) => {}
            Err(other) => panic!("unexpected: {other}"),
        }
    }
    assert_eq!(newly, 2);
    let pool = store.licence_pool(a.id).await.unwrap();
    assert_eq!(
        (pool.seats_bought, pool.seats_assigned),
        (seats + 2, seats + 2)
    );
}

backend_tests!(
    assign_and_remove_within_the_seats,
    seats_are_never_exceeded_under_concurrency,
);
