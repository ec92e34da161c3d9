//! `boundary bench`: the performance figures the issues name, each printed beside the
//! comparison it is judged against, both measured in this run on this machine.

use boundary_app::cases::OpenCaseInput;
use boundary_app::{Actor, App};
use boundary_domain::{EntryInput, Role, Roles};
use boundary_store::{DatabaseUrl, MasterKey, Store};
use std::time::{Duration, Instant};

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
    let store = Store::open(&DatabaseUrl::sqlite_in(dir.path()), MasterKey::generate()).await?;
    let app = App::new(store.clone());
    let org = app.add_org("Bench practice").await?;
    let actor = Actor {
        member: boundary_domain::MemberId::from_random([1; 16]),
        user: boundary_domain::UserId::from_random([2; 16]),
        org,
        org_name: "Bench practice".into(),
        name: "Bench".into(),
        email: "bench@example.org".into(),
        roles: Roles::new(vec![Role::Clinician]),
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
    let start = Instant::now();
    for _ in 0..entries {
        app.log_contact(&actor, case.id, &input).await?;
    }
    let logged = start.elapsed();

    let sealed_size = store
        .events_from(boundary_domain::Seq::first(), i64::MAX)
        .await?
        .last()
        .map_or(1024, |e| e.sealed.len() + e.leaf_hash.len());
    let bare =
        boundary_store::baseline::bare_sqlite_inserts(dir.path(), entries, sealed_size).await?;

    let ours = per_op(logged, entries);
    let theirs = per_op(bare, entries);
    println!("log one contact entry (SQLite, WAL, synchronous=FULL), {entries} entries:");
    println!("  boundary log_contact: {ours:>9.1} µs/entry  (authorise, validate, canonicalise, hash, seal, append, project, commit)");
    println!("  bare SQLite insert:   {theirs:>9.1} µs/row    (one {sealed_size}-byte row per transaction, same durability)");
    println!(
        "  ratio:                {:>9.2}×   (goal: at most 2×)",
        ours / theirs
    );
    store.close().await;
    Ok(())
}
