//! Store tests, written once and run on both engines.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use boundary_domain::event::{Salt, EVENT_VERSION};
use boundary_domain::{
    Amendment, AmendmentId, CaseId, ContactEntry, EntryId, EntryInput, Event, EventBody, KeyId,
    MemberId, OrgId, PersonOfConcern, Timestamp,
};
use boundary_store::testing::TestDb;
use boundary_store::{Engine, LogSigner, MasterKey, Store};
use rstest::rstest;
use sqlx::Row;

fn id_bytes(n: u8) -> [u8; 16] {
    [n; 16]
}

fn now() -> Timestamp {
    Timestamp::from_datetime(time::macros::datetime!(2026-11-27 22:00 UTC))
}

fn event(case: CaseId, salt: u8, body: EventBody) -> Event {
    Event {
        v: EVENT_VERSION,
        case: Some(case),
        actor: MemberId::from_random(id_bytes(2)),
        recorded_at: now(),
        salt: Salt([salt; 16]),
        body,
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn appends_project_rebuild_and_stay_sealed(#[case] engine: Engine) {
    let db = TestDb::new(engine).await.unwrap();
    let store = Store::open(
        &db.url,
        MasterKey::generate(),
        LogSigner::from_seed(&[1; 32]),
    )
    .await
    .unwrap();
    let case = CaseId::from_random(id_bytes(1));
    let key_id = KeyId::from_random(id_bytes(9));
    let entry = EntryId::from_random(id_bytes(4));
    let contact = ContactEntry::parse(
        &EntryInput {
            channel: Some("text_message".into()),
            what_happened: Some("MARKER-what-happened".into()),
            ..EntryInput::default()
        },
        now(),
    )
    .unwrap();

    let mut w = store.begin_write().await.unwrap();
    let key = w.new_data_key(key_id, now()).await.unwrap();
    let bodies = [
        EventBody::CaseOpened {
            org: OrgId::from_random(id_bytes(3)),
            owner: MemberId::from_random(id_bytes(2)),
        },
        EventBody::PersonRecorded {
            person: PersonOfConcern::parse("MARKER-label", None, &[]).unwrap(),
        },
        EventBody::EntryLogged { entry, contact },
        EventBody::EntryAmended {
            amendment: AmendmentId::from_random(id_bytes(5)),
            entry,
            correction: Amendment::parse("location", "Car park", "forgot", now()).unwrap(),
        },
    ];
    let mut seqs = Vec::new();
    for (i, b) in bodies.into_iter().enumerate() {
        let a = w
            .append(key_id, &key, &event(case, i as u8, b))
            .await
            .unwrap();
        seqs.push(a.seq.get());
    }
    w.commit().await.unwrap();
    assert_eq!(seqs, [1, 2, 3, 4], "one gapless sequence");

    let before = store.case(case).await.unwrap();
    assert_eq!(before.person.label, "MARKER-label");
    assert_eq!(before.entry_count, 1);
    let entries = store.entries(&before).await.unwrap();
    assert_eq!(entries[0].current().location.as_deref(), Some("Car park"));
    assert_eq!(entries[0].original.location, None);

    assert_eq!(store.rebuild_projections().await.unwrap(), 4);
    let after = store.case(case).await.unwrap();
    assert_eq!(
        format!("{:?}", after.person),
        format!("{:?}", before.person)
    );
    assert_eq!(after.entry_count, 1);
    let again = store.entries(&after).await.unwrap();
    assert_eq!(again[0].current(), entries[0].current());
    assert_eq!(again[0].amendments.len(), 1);

    // An event for a case that does not exist is refused, and nothing of it is kept.
    let mut w = store.begin_write().await.unwrap();
    let ghost = event(
        CaseId::from_random(id_bytes(8)),
        9,
        EventBody::ChaperoneFlagSet { required: true },
    );
    assert!(w.append(key_id, &key, &ghost).await.is_err());
    drop(w);
    assert_eq!(store.event_count().await.unwrap(), 4);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_sealed_value_moved_to_another_row_does_not_open(#[case] engine: Engine) {
    let db = TestDb::new(engine).await.unwrap();
    let store = Store::open(
        &db.url,
        MasterKey::generate(),
        LogSigner::from_seed(&[1; 32]),
    )
    .await
    .unwrap();
    let key_id = KeyId::from_random(id_bytes(9));
    let mut w = store.begin_write().await.unwrap();
    let key = w.new_data_key(key_id, now()).await.unwrap();
    for (n, label) in [(1u8, "First"), (2, "Second")] {
        let case = CaseId::from_random(id_bytes(n));
        let opened = EventBody::CaseOpened {
            org: OrgId::from_random(id_bytes(3)),
            owner: MemberId::from_random(id_bytes(2)),
        };
        w.append(key_id, &key, &event(case, n, opened))
            .await
            .unwrap();
        let person = EventBody::PersonRecorded {
            person: PersonOfConcern::parse(label, None, &[]).unwrap(),
        };
        w.append(key_id, &key, &event(case, n, person))
            .await
            .unwrap();
    }
    w.commit().await.unwrap();

    // Copy the second case's sealed person into the first case's row, behind the store's back.
    let pool = sqlx::AnyPool::connect(db.url.expose()).await.unwrap();
    let second = CaseId::from_random(id_bytes(2)).to_string();
    let first = CaseId::from_random(id_bytes(1)).to_string();
    let r = sqlx::query("SELECT person_sealed FROM cases WHERE id = $1")
        .bind(&second)
        .fetch_one(&pool)
        .await
        .unwrap();
    let sealed: Vec<u8> = r.try_get("person_sealed").unwrap();
    sqlx::query("UPDATE cases SET person_sealed = $1 WHERE id = $2")
        .bind(sealed)
        .bind(&first)
        .execute(&pool)
        .await
        .unwrap();
    let err = store
        .case(CaseId::from_random(id_bytes(1)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("did not open"), "{err}");
    assert_eq!(
        store
            .case(CaseId::from_random(id_bytes(2)))
            .await
            .unwrap()
            .person
            .label,
        "Second"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_two_factor_secret_is_sealed_and_follows_a_key_rotation(#[case] engine: Engine) {
    use boundary_domain::{Email, Role, Roles, UserId};
    use boundary_store::accounts::NewMember;
    let db = TestDb::new(engine).await.unwrap();
    let old = MasterKey::generate();
    let old_hex = old.to_hex();
    let store = Store::open(&db.url, old, LogSigner::from_seed(&[1; 32]))
        .await
        .unwrap();
    let org = OrgId::from_random(id_bytes(1));
    store.create_org(org, "Riverside", now()).await.unwrap();
    let email = Email::parse("ada@example.nhs.uk").unwrap();
    let (user, _) = store
        .add_member(&NewMember {
            member: MemberId::from_random(id_bytes(2)),
            new_user: UserId::from_random(id_bytes(3)),
            org,
            email: &email,
            name: "Ada",
            roles: &Roles::new(vec![Role::Clinician]),
            password_hash: None,
            at: now(),
        })
        .await
        .unwrap();
    let secret = b"MARKER-totp-secret!!".to_vec();
    store
        .begin_totp(user, KeyId::from_random(id_bytes(4)), &secret, now())
        .await
        .unwrap();
    store
        .confirm_totp(user, &["h1".into(), "h2".into()])
        .await
        .unwrap();
    let pool = sqlx::AnyPool::connect(db.url.expose()).await.unwrap();
    let raw: Vec<u8> = sqlx::query("SELECT sealed FROM totp")
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get("sealed")
        .unwrap();
    assert!(!raw.windows(6).any(|w| w == b"MARKER"), "sealed at rest");
    pool.close().await;

    let new = MasterKey::generate();
    let new_hex = new.to_hex();
    store.rewrap_data_keys(&new).await.unwrap();
    store.close().await;
    let reopened = Store::open(
        &db.url,
        MasterKey::from_hex(&new_hex).unwrap(),
        LogSigner::from_seed(&[1; 32]),
    )
    .await
    .unwrap();
    let t = reopened.totp(user).await.unwrap();
    assert_eq!(t.secret, secret);
    assert!(t.confirmed);
    assert_eq!(reopened.recovery_codes_left(user).await.unwrap(), 2);
    reopened.close().await;
    let stale = Store::open(
        &db.url,
        MasterKey::from_hex(&old_hex).unwrap(),
        LogSigner::from_seed(&[1; 32]),
    )
    .await
    .unwrap();
    assert!(stale.totp(user).await.is_err(), "the old key opens nothing");
}
