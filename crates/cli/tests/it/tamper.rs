//! `boundary verify` catches changes made to the database behind Boundary's back, and
//! names the first bad event.

use crate::helpers::{spawn_app, TestApp};
use boundary_app::ledger::Receipt;
use boundary_domain::Seq;
use boundary_ledger::tree::stored_hash_count;
use boundary_store::crypto::ad;
use boundary_store::Engine;
use rstest::rstest;

/// A log of 8 events: a case (2 events) and 6 contacts.
async fn eight_events(engine: Engine) -> TestApp {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    app.logged_contacts(&token, 6).await;
    let report = app.app.verify_log(None, None).await.unwrap();
    assert_eq!(
        report.summary().split(", root").next(),
        Some("ok: 8 events, tree size 8")
    );
    app
}

async fn problem(app: &TestApp) -> String {
    let report = app.app.verify_log(None, None).await.unwrap();
    let summary = report.summary();
    report
        .problem
        .unwrap_or_else(|| panic!("verification passed: {summary}"))
}

async fn stored(app: &TestApp, seq: i64) -> boundary_store::StoredEvent {
    app.store
        .events_from(Seq::new(seq).unwrap(), 1)
        .await
        .unwrap()
        .remove(0)
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_edited_event_body_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    // An intruder who also holds the master key decrypts event 5, changes what it says,
    // and seals it again exactly as Boundary would.
    let e = stored(&app, 5).await;
    let key = app.store.data_key(e.key).await.unwrap();
    let (_, bytes) = app.store.open_event(&e, &key).unwrap();
    let edited = String::from_utf8(bytes)
        .unwrap()
        .replace("Message 2", "Message X");
    let sealed = key
        .seal(edited.as_bytes(), &ad("event", &e.case.unwrap(), 5))
        .unwrap();
    app.sql_with_blob("UPDATE events SET sealed = $1 WHERE seq = 5", sealed)
        .await;
    let p = problem(&app).await;
    assert!(
        p.starts_with("event 5:") && p.contains("leaf hash does not match"),
        "{p}"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_edited_leaf_hash_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    app.sql_with_blob(
        "UPDATE events SET leaf_hash = $1 WHERE seq = 6",
        vec![0u8; 32],
    )
    .await;
    let p = problem(&app).await;
    assert!(p.starts_with("event 6:") && p.contains("leaf hash"), "{p}");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_edited_sealed_value_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    let mut sealed = stored(&app, 4).await.sealed;
    sealed[40] ^= 0x01;
    app.sql_with_blob("UPDATE events SET sealed = $1 WHERE seq = 4", sealed)
        .await;
    let p = problem(&app).await;
    assert!(
        p.starts_with("event 4:") && p.contains("does not open"),
        "{p}"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_deleted_event_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    app.sql("DELETE FROM events WHERE seq = 5").await;
    let p = problem(&app).await;
    assert!(p.starts_with("event 5: missing"), "{p}");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_inserted_event_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    app.sql(
        "INSERT INTO events (seq, case_id, key_id, event_type, recorded_at, sealed, leaf_hash) \
         SELECT 9, case_id, key_id, event_type, recorded_at, sealed, leaf_hash FROM events WHERE seq = 8",
    )
    .await;
    let p = problem(&app).await;
    assert!(p.starts_with("event 9:"), "{p}");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_well_sealed_event_added_behind_boundarys_back_is_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    // An intruder with the master key forges a proper event 9, but cannot sign a checkpoint.
    let e = stored(&app, 8).await;
    let key = app.store.data_key(e.key).await.unwrap();
    let (_, bytes) = app.store.open_event(&e, &key).unwrap();
    let sealed = key.seal(&bytes, &ad("event", &e.case.unwrap(), 9)).unwrap();
    app.sql_with_blob(
        "INSERT INTO events (seq, case_id, key_id, event_type, recorded_at, sealed, leaf_hash) \
         SELECT 9, case_id, key_id, event_type, recorded_at, $1, leaf_hash FROM events WHERE seq = 8",
        sealed,
    )
    .await;
    let p = problem(&app).await;
    assert!(p.starts_with("event 9:"), "{p}");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn two_swapped_events_are_named(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    app.sql("UPDATE events SET seq = -4 WHERE seq = 4").await;
    app.sql("UPDATE events SET seq = 4 WHERE seq = 3").await;
    app.sql("UPDATE events SET seq = 3 WHERE seq = -4").await;
    let p = problem(&app).await;
    assert!(
        p.starts_with("event 3:") && p.contains("does not open"),
        "{p}"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_truncated_tail_is_caught_with_or_without_its_checkpoints(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    let held = app.store.latest_checkpoint().await.unwrap().unwrap().note;
    let receipt: Receipt = app.app.receipt_for(Seq::new(8).unwrap()).await.unwrap();

    // The last two events go, their checkpoints stay.
    app.sql("DELETE FROM events WHERE seq > 6").await;
    let p = problem(&app).await;
    assert!(p.starts_with("event 7:"), "{p}");

    // Now their tree hashes and checkpoints go too: the log is consistent with itself...
    app.sql(&format!(
        "DELETE FROM tree_hashes WHERE idx >= {}",
        stored_hash_count(6)
    ))
    .await;
    app.sql("DELETE FROM checkpoints WHERE tree_size > 6").await;
    let report = app.app.verify_log(None, None).await.unwrap();
    assert!(report.ok(), "{}", report.summary());
    // ...but not with a checkpoint or a receipt held elsewhere.
    let r = app.app.verify_log(Some(&held), None).await.unwrap();
    assert!(
        r.problem
            .as_deref()
            .unwrap()
            .starts_with("event 7: missing"),
        "{:?}",
        r.problem
    );
    let r = app.app.verify_log(None, Some(&receipt)).await.unwrap();
    assert!(
        r.problem
            .as_deref()
            .unwrap()
            .starts_with("event 7: missing"),
        "{:?}",
        r.problem
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_older_copy_of_the_database_is_caught_against_a_held_checkpoint(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    let receipt_5 = app.app.receipt_for(Seq::new(5).unwrap()).await.unwrap();
    let held = app.store.latest_checkpoint().await.unwrap().unwrap().note;
    // Put the database back as it was at 5 events, as restoring an older backup would.
    app.sql("DELETE FROM events WHERE seq > 5").await;
    app.sql(&format!(
        "DELETE FROM tree_hashes WHERE idx >= {}",
        stored_hash_count(5)
    ))
    .await;
    app.sql("DELETE FROM checkpoints WHERE tree_size > 5").await;
    for table in ["amendments", "entries", "cases"] {
        app.sql(&format!("DELETE FROM {table}")).await;
    }
    app.app.rebuild().await.unwrap();
    assert!(app.app.verify_log(None, None).await.unwrap().ok());
    assert!(
        app.app
            .verify_log(None, Some(&receipt_5))
            .await
            .unwrap()
            .ok(),
        "an older receipt still verifies"
    );
    let r = app.app.verify_log(Some(&held), None).await.unwrap();
    assert!(
        r.problem.as_deref().unwrap().contains("older copy"),
        "{:?}",
        r.problem
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_checkpoint_signed_by_another_key_is_refused(#[case] engine: Engine) {
    let app = eight_events(engine).await;
    let forged = boundary_store::LogSigner::from_seed(&[9; 32])
        .sign_checkpoint(8, &app.store.tree_root(8).await.unwrap());
    let r = app.app.verify_log(Some(&forged), None).await.unwrap();
    assert!(
        r.problem.as_deref().unwrap().contains("not this log's"),
        "{:?}",
        r.problem
    );
    app.sql(&format!(
        "UPDATE checkpoints SET note = '{}' WHERE tree_size = 8",
        forged.replace('\'', "''")
    ))
    .await;
    let p = problem(&app).await;
    assert!(p.contains("tree size 8 is not validly signed"), "{p}");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn rows_the_pages_read_are_checked_against_the_log(#[case] engine: Engine) {
    for edit in [
        "UPDATE entries SET recorded_at = '2020-01-01T00:00:00.000000Z' WHERE seq = 5",
        "UPDATE cases SET owner_id = '00000000-0000-4000-8000-000000000000'",
        "UPDATE cases SET status = 'closed'",
        "DELETE FROM entries WHERE seq = 6",
    ] {
        let app = eight_events(engine).await;
        assert!(app.app.verify_all(None, None).await.unwrap().ok());
        app.sql(edit).await;
        let report = app.app.verify_all(None, None).await.unwrap();
        let p = report
            .problem
            .unwrap_or_else(|| panic!("not caught: {edit}"));
        assert!(p.contains("tables pages read"), "{edit}: {p}");
        // The log itself is intact, and nothing was changed by looking.
        assert!(app.app.verify_log(None, None).await.unwrap().ok());
        assert!(app
            .app
            .verify_all(None, None)
            .await
            .unwrap()
            .problem
            .is_some());
    }
}
