//! `boundary bench`: the performance figures the issues name, each printed beside the
//! comparison it is judged against, both measured in this run on this machine.

use boundary_app::cases::OpenCaseInput;
use boundary_app::{Actor, App};
use boundary_domain::event::{Salt, EVENT_VERSION};
use boundary_domain::{
    ContactEntry, EntryId, EntryInput, Event, EventBody, MemberId, Role, Roles, Seq, UserId,
};
use boundary_store::baseline::BareSqlite;
use boundary_store::{DatabaseUrl, LogSigner, MasterKey, Store};
use std::time::{Duration, Instant};

fn app_random_seed() -> [u8; 32] {
    boundary_app::Random::bytes32(&boundary_app::OsRandom)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn per_op(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

/// A contact of a typical size: a pasted message and a few details.
fn sample_entry() -> EntryInput {
    EntryInput {
        channel: Some("text_message".into()),
        platform: Some("WhatsApp".into()),
        what_happened: Some(
            "Sent a long message late at night saying they had been thinking about me all week, \
             that they know I feel the same, that they saw my car outside the surgery and waited, \
             and asking to meet for a drink after my Thursday clinic. Said they would keep trying."
                .repeat(2),
        ),
        location: Some("My personal mobile".into()),
        effect_on_me: Some("Anxious about leaving work alone.".into()),
        my_response: Some("Did not reply. Told the practice manager.".into()),
        ..EntryInput::default()
    }
}

pub(crate) async fn run(entries: usize) -> anyhow::Result<()> {
    let entries = entries.max(10);
    let dir = tempfile::tempdir()?;
    let signer = LogSigner::from_seed(&app_random_seed());
    let store = Store::open(
        &DatabaseUrl::sqlite_in(dir.path()),
        MasterKey::generate(),
        signer,
    )
    .await?;
    let app = App::new(store.clone());
    let org = app.add_org("Bench practice").await?;
    let actor = Actor {
        member: MemberId::from_random([1; 16]),
        user: UserId::from_random([2; 16]),
        org,
        org_name: "Bench practice".into(),
        name: "Bench".into(),
        email: "bench@example.org".into(),
        roles: Roles::new(vec![Role::Clinician]),
        address: None,
        second_factor_due: false,
        via_token: false,
        signed_in_at: None,
    };
    let case = app
        .open_case(
            &actor,
            &OpenCaseInput {
                label: "Patient A".into(),
                ..OpenCaseInput::default()
            },
        )
        .await?;
    let input = sample_entry();
    // Warm up caches and the connection pool before timing.
    for _ in 0..5 {
        app.log_contact(&actor, case.id, &input).await?;
    }
    let row_size = store
        .events_from(Seq::first(), i64::MAX)
        .await?
        .last()
        .map_or(1024, |e| e.sealed.len() + e.leaf_hash.len());

    // The three run in alternating rounds, so that drift in the disk's speed during the
    // run favours none of them.
    let mut bare_db = BareSqlite::create(&dir.path().join("baseline")).await?;
    let (_, key) = store.case_and_key(case.id).await?;
    let contact = ContactEntry::parse(&input, app.now()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut bare, mut through_store, mut through_app) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    // Per-round ratios: their median shrugs off the disk's occasional stalls.
    let (mut store_ratios, mut app_ratios) = (Vec::new(), Vec::new());
    let round = 50;
    let rounds = entries.div_ceil(round);
    for _ in 0..rounds {
        let b = bare_db.insert(round, row_size).await?;
        bare += b;

        let start = Instant::now();
        for _ in 0..round {
            let mut w = store.begin_write().await?;
            let event = Event {
                v: EVENT_VERSION,
                case: Some(case.id),
                actor: actor.member,
                recorded_at: app.now(),
                salt: Salt(boundary_app::Random::bytes16(&boundary_app::OsRandom)),
                body: EventBody::EntryLogged {
                    entry: EntryId::from_random(boundary_app::Random::bytes16(
                        &boundary_app::OsRandom,
                    )),
                    contact: contact.clone(),
                },
            };
            w.append(case.key, &key, &event).await?;
            w.commit().await?;
        }
        through_store += start.elapsed();
        store_ratios.push(start.elapsed().as_secs_f64() / b.as_secs_f64());

        let start = Instant::now();
        for _ in 0..round {
            app.log_contact(&actor, case.id, &input).await?;
        }
        through_app += start.elapsed();
        app_ratios.push(start.elapsed().as_secs_f64() / b.as_secs_f64());
    }
    bare_db.close().await;
    let entries = rounds * round;

    let bare = per_op(bare, entries);
    let ours = per_op(through_store, entries);
    let full = per_op(through_app, entries);
    println!("Logging one contact entry, SQLite in WAL mode with synchronous=FULL, {entries} entries each:");
    println!("  bare SQLite insert:     {bare:>8.1} µs  (one {row_size}-byte row per transaction)");
    println!(
        "  through the store:      {ours:>8.1} µs  (canonicalise, hash, seal, append to log and tree, project, sign checkpoint, commit)  ratio {:.2}x, median per round {:.2}x  (goal: at most 2x)",
        ours / bare,
        median(&mut store_ratios)
    );
    println!(
        "  log_contact, whole:     {full:>8.1} µs  (also: read the case, authorise, validate)  ratio {:.2}x, median per round {:.2}x",
        full / bare,
        median(&mut app_ratios)
    );
    store.close().await;
    Ok(())
}
