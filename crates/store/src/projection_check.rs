//! Checking the tables pages read against a replay of the log. A snapshot of the
//! projections in plain words — every row, its clear columns and its sealed values opened
//! — is taken from the live database inside one read transaction (so events and tables
//! are of one moment), and again from a scratch SQLite database the log is replayed
//! into. Sealed values carry fresh random nonces, so rows are compared opened, not as
//! bytes. Nothing holds the append lock meanwhile (issue 18, finding 7): a check of a
//! long log never makes the doctor's next entry wait.

use crate::crypto::{ad, DataKey};
use crate::{Engine, Result, Store, StoreError};
use boundary_domain::{KeyId, Seq};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, Row, Transaction};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// Events read from the snapshot at a time.
const BATCH: i64 = 1000;

impl Store {
    /// Replays every event into a scratch database and compares the result with the
    /// tables pages read: they must say exactly what the log says. Returns the first
    /// difference, if any. Appends go on meanwhile; the comparison is of the moment the
    /// check began.
    ///
    /// # Errors
    /// An event that does not open or apply; the scratch database cannot be made.
    pub async fn check_projections(&self) -> Result<Option<String>> {
        let mut read = self.pool().begin().await?;
        if self.engine == Engine::Postgres {
            // One snapshot for every statement; SQLite's read transaction in WAL mode
            // is one already, from its first read.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *read)
                .await?;
        }
        let stored = snapshot(&mut read, self).await?;
        // On disk, not in memory: a long log's tables can be large.
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("replay.db").display()
        );
        let scratch = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&scratch).await?;
        let mut replay = scratch.begin().await?;
        let mut keys: HashMap<KeyId, DataKey> = HashMap::new();
        let mut next = Seq::first();
        loop {
            let rows = sqlx::query(
                "SELECT seq, case_id, key_id, event_type, sealed, leaf_hash FROM events \
                 WHERE seq >= $1 ORDER BY seq LIMIT $2",
            )
            .bind(next.get())
            .bind(BATCH)
            .fetch_all(&mut *read)
            .await?;
            let Some(last) = rows.last() else { break };
            next = crate::events::stored_event(last)?.seq.next();
            for row in &rows {
                let stored = crate::events::stored_event(row)?;
                let key = match keys.entry(stored.key) {
                    Entry::Occupied(o) => o.into_mut(),
                    Entry::Vacant(v) => v.insert(self.data_key(stored.key).await?),
                };
                let (event, _) = self.open_event(&stored, key)?;
                crate::projections::apply(&mut replay, stored.seq, stored.key, key, &event).await?;
            }
        }
        let replayed = snapshot(&mut replay, self).await?;
        drop(replay);
        read.rollback().await?;
        scratch.close().await;
        Ok(first_difference(&stored, &replayed))
    }
}

/// Row name ("entry 3f…") to its contents in words.
pub(crate) type Snapshot = BTreeMap<String, String>;

fn open(key: &DataKey, kind: &str, case: &str, seq: i64, sealed: Option<Vec<u8>>) -> String {
    match sealed {
        None => "(none)".into(),
        Some(bytes) => match key.open(&bytes, &ad(kind, &case, seq)) {
            Ok(plain) => String::from_utf8_lossy(&plain).into_owned(),
            Err(_) => "(does not open)".into(),
        },
    }
}

pub(crate) async fn snapshot(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
) -> Result<Snapshot> {
    let mut keys: HashMap<String, DataKey> = HashMap::new();
    let mut out = Snapshot::new();
    let cases = sqlx::query(
        "SELECT id, org_id, owner_id, key_id, status, chaperone_required, person_sealed, person_seq, \
         opened_at, entry_count, last_contact_key, last_seq FROM cases",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &cases {
        let id: String = r.try_get("id")?;
        let key_id: String = r.try_get("key_id")?;
        if !keys.contains_key(&key_id) {
            let k: KeyId = key_id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("case {id}: key id")))?;
            keys.insert(key_id.clone(), store.data_key(k).await?);
        }
        let key = &keys[&key_id];
        let person_seq: Option<i64> = r.try_get("person_seq")?;
        let person = open(
            key,
            "person",
            &id,
            person_seq.unwrap_or(0),
            r.try_get("person_sealed")?,
        );
        out.insert(
            format!("case {id}"),
            format!(
                "org {} owner {} key {key_id} status {} chaperone {} person {person} at {person_seq:?} opened {} entries {} last contact {:?} last event {}",
                r.try_get::<String, _>("org_id")?,
                r.try_get::<String, _>("owner_id")?,
                r.try_get::<String, _>("status")?,
                r.try_get::<i64, _>("chaperone_required")?,
                r.try_get::<String, _>("opened_at")?,
                r.try_get::<i64, _>("entry_count")?,
                r.try_get::<Option<i64>, _>("last_contact_key")?,
                r.try_get::<i64, _>("last_seq")?,
            ),
        );
    }
    let case_keys: HashMap<String, String> = cases
        .iter()
        .filter_map(|r| {
            Some((
                r.try_get::<String, _>("id").ok()?,
                r.try_get::<String, _>("key_id").ok()?,
            ))
        })
        .collect();
    for (table, kind, extra) in [
        ("entries", "entry", "occurred_key"),
        ("amendments", "amendment", "entry_id"),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT id, case_id, seq, recorded_at, recorded_by, {extra} AS extra, sealed FROM {table}"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let id: String = r.try_get("id")?;
            let case: String = r.try_get("case_id")?;
            let seq: i64 = r.try_get("seq")?;
            let extra = match kind {
                "entry" => r.try_get::<i64, _>("extra")?.to_string(),
                _ => r.try_get::<String, _>("extra")?,
            };
            let body = match case_keys.get(&case).and_then(|k| keys.get(k)) {
                Some(key) => open(key, kind, &case, seq, r.try_get("sealed")?),
                None => "(its case is missing)".into(),
            };
            out.insert(
                format!("{kind} {id}"),
                format!(
                    "case {case} event {seq} recorded {} by {} {extra} {body}",
                    r.try_get::<String, _>("recorded_at")?,
                    r.try_get::<String, _>("recorded_by")?,
                ),
            );
        }
    }
    let attachments = sqlx::query(
        "SELECT id, case_id, entry_id, seq, recorded_at, recorded_by, sealed FROM attachments",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &attachments {
        let case: String = r.try_get("case_id")?;
        let seq: i64 = r.try_get("seq")?;
        let body = match case_keys.get(&case).and_then(|k| keys.get(k)) {
            Some(key) => open(key, "attachment", &case, seq, r.try_get("sealed")?),
            None => "(its case is missing)".into(),
        };
        out.insert(
            format!("attachment {}", r.try_get::<String, _>("id")?),
            format!(
                "case {case} entry {:?} event {seq} recorded {} by {} {body}",
                r.try_get::<Option<String>, _>("entry_id")?,
                r.try_get::<String, _>("recorded_at")?,
                r.try_get::<String, _>("recorded_by")?,
            ),
        );
    }
    let records = sqlx::query(
        "SELECT seq, case_id, kind, recorded_at, recorded_by, sealed FROM case_records",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &records {
        let case: String = r.try_get("case_id")?;
        let seq: i64 = r.try_get("seq")?;
        let body = match case_keys.get(&case).and_then(|k| keys.get(k)) {
            Some(key) => open(key, "record", &case, seq, r.try_get("sealed")?),
            None => "(its case is missing)".into(),
        };
        out.insert(
            format!("record at event {seq}"),
            format!(
                "case {case} {} recorded {} by {} {body}",
                r.try_get::<String, _>("kind")?,
                r.try_get::<String, _>("recorded_at")?,
                r.try_get::<String, _>("recorded_by")?,
            ),
        );
    }
    let audit = sqlx::query(
        "SELECT seq, case_id, org_id, member_id, action, detail, address, at FROM case_audit",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &audit {
        out.insert(
            format!("audit row {}", r.try_get::<i64, _>("seq")?),
            format!(
                "{} {} {} {} {:?} {:?} {}",
                r.try_get::<String, _>("case_id")?,
                r.try_get::<String, _>("org_id")?,
                r.try_get::<String, _>("member_id")?,
                r.try_get::<String, _>("action")?,
                r.try_get::<Option<String>, _>("detail")?,
                r.try_get::<Option<String>, _>("address")?,
                r.try_get::<String, _>("at")?,
            ),
        );
    }
    let gifts = sqlx::query(
        "SELECT id, org_id, seq, key_id, offered_on, recorded_at, recorded_by, sealed FROM gifts",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &gifts {
        let org: String = r.try_get("org_id")?;
        let key_id: String = r.try_get("key_id")?;
        if !keys.contains_key(&key_id) {
            let k: KeyId = key_id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("gift register of {org}: key id")))?;
            keys.insert(key_id.clone(), store.data_key(k).await?);
        }
        let seq: i64 = r.try_get("seq")?;
        let body = open(&keys[&key_id], "gift", &org, seq, r.try_get("sealed")?);
        out.insert(
            format!("gift {}", r.try_get::<String, _>("id")?),
            format!(
                "org {org} event {seq} key {key_id} offered {} recorded {} by {} {body}",
                r.try_get::<String, _>("offered_on")?,
                r.try_get::<String, _>("recorded_at")?,
                r.try_get::<String, _>("recorded_by")?,
            ),
        );
    }
    let shares = sqlx::query("SELECT case_id, member_id, access, seq FROM case_shares")
        .fetch_all(&mut **tx)
        .await?;
    for r in &shares {
        out.insert(
            format!(
                "share of case {} with {}",
                r.try_get::<String, _>("case_id")?,
                r.try_get::<String, _>("member_id")?
            ),
            format!(
                "{} since event {}",
                r.try_get::<String, _>("access")?,
                r.try_get::<i64, _>("seq")?
            ),
        );
    }
    Ok(out)
}

/// The first row that is missing, extra or different, named as a doctor's record.
pub(crate) fn first_difference(stored: &Snapshot, replayed: &Snapshot) -> Option<String> {
    for (name, want) in replayed {
        match stored.get(name) {
            None => return Some(format!("the {name} is missing from the tables pages read")),
            Some(have) if have != want => {
                return Some(format!(
                    "the {name} in the tables pages read differs from the log"
                ))
            }
            Some(_) => {}
        }
    }
    stored
        .keys()
        .find(|name| !replayed.contains_key(*name))
        .map(|name| format!("the {name} in the tables pages read is not in the log"))
}
