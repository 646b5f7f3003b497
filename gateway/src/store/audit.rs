//! The audit log: who did what, when, from where. Rows are only appended.

use sqlx::Row;

use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_id: Option<i64>,
    /// `resource.verb`, e.g. `session.created`, `login.failed`.
    pub action: String,
    pub target: Option<String>,
    pub source_addr: Option<String>,
}

impl Store {
    pub async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, target, source_addr) VALUES ($1, $2, $3, $4, $5)")
            .bind(e.at)
            .bind(e.actor_id)
            .bind(&e.action)
            .bind(e.target.as_deref())
            .bind(e.source_addr.as_deref())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest entries first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT at, actor_id, action, target, source_addr FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    source_addr: r.try_get("source_addr")?,
                })
            })
            .collect()
    }
}
