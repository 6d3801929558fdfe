use crate::fixtures::org;
use crate::harness::{backend_tests, TestDb};
use dialbridge_store::*;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

fn mail(org: Option<OrganizationId>, subject: &str) -> NewMail {
    NewMail {
        organization_id: org,
        recipient: "ann@example.com".into(),
        subject: subject.into(),
        body_text: "text".into(),
        body_html: Some("<p>html</p>".into()),
    }
}

async fn enqueue(store: &Store, org: Option<OrganizationId>, subject: &str) -> MailId {
    let mut tx = store.begin().await.unwrap();
    let id = tx.enqueue_mail(&mail(org, subject)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn due_mail_comes_in_order_and_retries_wait(db: TestDb) {
    let clock = Arc::new(AtomicI64::new(100));
    let now = clock.clone();
    let store = db.store.with_clock(move || now.load(Ordering::SeqCst));
    let a = org(&store, "A").await;

    let first = enqueue(&store, Some(a.id), "first").await;
    let second = enqueue(&store, Some(a.id), "second").await;
    clock.store(110, Ordering::SeqCst);
    let third = enqueue(&store, None, "third").await;

    let due: Vec<_> = store
        .due_mail(110, 10)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [first, second, third]);
    assert_eq!(
        store.due_mail(105, 10).await.unwrap().len(),
        2,
        "third not due yet"
    );
    assert_eq!(store.due_mail(110, 1).await.unwrap()[0].id, first, "limit");

    // The first fails and retries at 200; the second is sent; the third fails for good.
    store
        .mark_mail_failed(first, "421 try later", Some(200))
        .await
        .unwrap();
    store.mark_mail_sent(second, 111).await.unwrap();
    store
        .mark_mail_failed(third, "550 no such user", None)
        .await
        .unwrap();

    assert!(store.due_mail(199, 10).await.unwrap().is_empty());
    let retry = store.due_mail(200, 10).await.unwrap();
    assert_eq!(retry.len(), 1);
    let m = &retry[0];
    assert_eq!((m.id, m.attempts, m.next_attempt_at), (first, 1, 200));
    assert_eq!(m.last_error.as_deref(), Some("421 try later"));
    assert_eq!(m.body_html.as_deref(), Some("<p>html</p>"));

    let sent = store.mail(second).await.unwrap();
    assert_eq!(
        (sent.status, sent.sent_at, sent.attempts),
        (MailStatus::Sent, Some(111), 1)
    );
    let failed = store.mail(third).await.unwrap();
    assert_eq!(failed.status, MailStatus::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("550 no such user"));
    // Bodies may carry a PIN in clear: once a mail has left or been given up on, only a
    // placeholder stays; a mail still to be retried keeps its body (checked above).
    for done in [&sent, &failed] {
        assert!(done.body_text.starts_with("(removed"), "{}", done.body_text);
        assert_eq!(done.body_html, None);
    }

    // Only queued mail can be marked.
    assert!(matches!(
        store.mark_mail_sent(second, 300).await,
        Err(StoreError::NotFound { .. })
    ));

    // A retry that lands before a newer mail goes first.
    clock.store(150, Ordering::SeqCst);
    let fourth = enqueue(&store, Some(a.id), "fourth").await;
    store
        .mark_mail_failed(first, "421 again", Some(120))
        .await
        .unwrap();
    let due: Vec<_> = store
        .due_mail(1_000, 10)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [first, fourth]);

    let queued_in_a = MailFilter {
        organization_id: Some(a.id),
        status: Some(MailStatus::Queued),
    };
    let listed = store
        .list_mail(&queued_in_a, Page::default())
        .await
        .unwrap();
    let ids: Vec<_> = listed.items.iter().map(|m| m.id).collect();
    assert_eq!(ids, [fourth, first], "newest first");
    assert_eq!(
        store
            .list_mail(&MailFilter::default(), Page::new(2, 0))
            .await
            .unwrap()
            .total,
        4
    );

    let mut tx = store.begin().await.unwrap();
    let err = tx
        .enqueue_mail(&NewMail {
            recipient: "nobody".into(),
            ..mail(None, "x")
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

backend_tests!(due_mail_comes_in_order_and_retries_wait);
