//! A full verification is the operator's, holds up nobody's logging and runs one at a
//! time (issue 18, finding 7). It used to be a button for any organisation's admin that
//! replayed the whole log under the append lock, so every entry and every view waited.

use crate::helpers::*;
use crate::ledger::verify_on_the_command_line;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use sqlx::Connection;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn verification_takes_no_append_lock_and_runs_one_at_a_time(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    app.logged_contacts(&owner, 3).await;

    // No page starts one: an admin of any organisation could otherwise stall every server.
    let r = app.submit("/ledger", "/ledger", &[]).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(!boundary_web::route_list()
        .iter()
        .any(|(_, path)| path.contains("verify")));

    // Someone else holds the append lock (a long append, another server's batch): the
    // verification still runs to the end, because it does not need it.
    sqlx::any::install_default_drivers();
    let mut other = sqlx::AnyConnection::connect(app.db.url.expose())
        .await
        .unwrap();
    let mut tx = match engine {
        Engine::Sqlite => other.begin_with("BEGIN IMMEDIATE").await.unwrap(),
        Engine::Postgres => {
            let mut tx = other.begin().await.unwrap();
            sqlx::query("SELECT 1 AS l FROM (SELECT pg_advisory_xact_lock($1)) AS x")
                .bind(0x426f_756e_6461_7279_i64)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx
        }
    };
    sqlx::query("SELECT 1 AS one")
        .execute(&mut *tx)
        .await
        .unwrap();
    let app_ref = &app;
    let o = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::task::spawn_blocking({
            let data = app_ref.db.dir.path().to_owned();
            let url = app_ref.db.url.expose().to_owned();
            move || {
                boundary(
                    &[
                        "verify",
                        "--data",
                        data.to_str().unwrap(),
                        "--database",
                        &url,
                    ],
                    None,
                )
            }
        }),
    )
    .await
    .expect("verification finished while the append lock was held")
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(last_line(&o).starts_with("ok:"), "{}", last_line(&o));
    tx.rollback().await.unwrap();

    // While one verification runs, another is refused with a reason, not queued behind it.
    let running = app.store.verification_lock().await.unwrap();
    let o = verify_on_the_command_line(&app);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("another verification of the log is running"),
        "{}",
        stderr(&o)
    );
    drop(running);
    let o = verify_on_the_command_line(&app);
    assert!(o.status.success(), "{}", stderr(&o));
}
