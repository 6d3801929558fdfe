use crate::harness::{backend_tests, TestDb};
use dialbridge_store::*;

async fn migrations_apply_on_empty_db_and_are_idempotent(db: TestDb) {
    assert_eq!(
        db.store.applied_migrations().await.unwrap(),
        vec![1, 2, 3, 4, 5]
    );
    // Running them again, and opening the database again, changes nothing.
    db.store.migrate().await.unwrap();
    let again = db.reopen().await;
    assert_eq!(
        again.applied_migrations().await.unwrap(),
        vec![1, 2, 3, 4, 5]
    );
    let expected = if db.is_sqlite() {
        BackendKind::Sqlite
    } else {
        BackendKind::Postgres
    };
    assert_eq!(again.backend(), expected);
    // And the schema is usable through both handles.
    crate::fixtures::org(&again, "Contoso").await;
    assert!(db
        .store
        .organization_by_name("Contoso")
        .await
        .unwrap()
        .is_some());
}

backend_tests!(migrations_apply_on_empty_db_and_are_idempotent);

#[tokio::test]
async fn open_in_dir_creates_the_embedded_database_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open_in_dir(&data).await.unwrap();
    assert!(data.join(SQLITE_FILE_NAME).is_file());
    crate::fixtures::org(&store, "Fabrikam").await;
    store.close().await;
    // Reopening finds the data and applies nothing new.
    let store = Store::open_in_dir(&data).await.unwrap();
    assert!(store
        .organization_by_name("Fabrikam")
        .await
        .unwrap()
        .is_some());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        data.join(SQLITE_FILE_NAME).display()
    ))
    .await
    .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn unknown_url_schemes_are_refused() {
    let err = Store::connect("mysql://localhost/x").await.unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)), "{err}");
}
