//! Reading an organisation's gift register, opened with the register's key. Who may read
//! it is `app`'s call.

use crate::crypto::{ad, DataKey};
use crate::events::WriteTx;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::advice::Gift;
use boundary_domain::{GiftId, KeyId, MemberId, OrgId, Seq, Timestamp};
use sqlx::Row;
use std::collections::hash_map::{Entry, HashMap};

#[derive(Debug, Clone)]
pub struct GiftRow {
    pub id: GiftId,
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    pub record: Gift,
}

impl Store {
    /// The organisation's gift register, oldest offer first.
    ///
    /// # Errors
    /// Database errors, or a gift that does not open under its register's key.
    pub async fn gifts(&self, org: OrgId) -> Result<Vec<GiftRow>> {
        let rows = sqlx::query(
            "SELECT id, seq, key_id, recorded_at, recorded_by, sealed FROM gifts \
             WHERE org_id = $1 ORDER BY offered_on, seq",
        )
        .bind(org.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut keys: HashMap<KeyId, DataKey> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let key_id: KeyId = get_id(r, "key_id")?;
            let key = match keys.entry(key_id) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => v.insert(self.data_key(key_id).await?),
            };
            let seq: i64 = r.try_get("seq")?;
            let sealed: Vec<u8> = r.try_get("sealed")?;
            let plain = key.open(&sealed, &ad("gift", &org, seq))?;
            let record: Gift = serde_json::from_slice(&plain)
                .map_err(|e| StoreError::Corrupt(format!("gift at event {seq}: {e}")))?;
            out.push(GiftRow {
                id: get_id(r, "id")?,
                seq: Seq::new(seq).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                recorded_at: crate::reads::ts_of(r, "recorded_at")?,
                recorded_by: get_id(r, "recorded_by")?,
                record,
            });
        }
        Ok(out)
    }
}

impl WriteTx<'_> {
    /// The key the organisation's gift register is sealed under, made with the first gift.
    /// Read inside the append lock, so two first gifts cannot make two keys.
    ///
    /// # Errors
    /// Database errors, or a key that does not unwrap.
    pub async fn gift_register_key(
        &mut self,
        org: OrgId,
        new_id: KeyId,
        at: Timestamp,
    ) -> Result<(KeyId, DataKey)> {
        let row = sqlx::query("SELECT key_id FROM gifts WHERE org_id = $1 LIMIT 1")
            .bind(org.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        match row {
            Some(r) => {
                let id: KeyId = get_id(&r, "key_id")?;
                Ok((id, self.store.data_key(id).await?))
            }
            None => Ok((new_id, self.new_data_key(new_id, at).await?)),
        }
    }
}
