//! The desks' code lists (`desk_codes`): disposition codes and reason codes,
//! each replaced whole by an administrator.

use shared::codes::DeskCode;
use sqlx::Row;

use super::{Store, StoreError};

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Disposition,
    Reason,
}

impl CodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Disposition => "disposition",
            CodeKind::Reason => "reason",
        }
    }
}

impl Store {
    /// One list, in the desk's order.
    pub async fn desk_codes(&self, kind: CodeKind) -> Result<Vec<DeskCode>, StoreError> {
        let rows = sqlx::query("SELECT code, label FROM desk_codes WHERE kind = $1 ORDER BY ordinal, code")
            .bind(kind.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(DeskCode { code: r.try_get("code")?, label: r.try_get("label")? })).collect()
    }

    /// Replaces one list with `list` (checked by the caller), in one
    /// transaction.
    pub async fn replace_desk_codes(&self, kind: CodeKind, list: &[DeskCode]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM desk_codes WHERE kind = $1").bind(kind.as_str()).execute(&mut *tx).await?;
        for (i, c) in list.iter().enumerate() {
            sqlx::query("INSERT INTO desk_codes (kind, code, label, ordinal) VALUES ($1, $2, $3, $4)")
                .bind(kind.as_str())
                .bind(&c.code)
                .bind(c.label.trim())
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether `code` is in the list.
    pub async fn desk_code_exists(&self, kind: CodeKind, code: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM desk_codes WHERE kind = $1 AND code = $2")
            .bind(kind.as_str())
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }
}
