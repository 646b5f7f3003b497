//! What the wallboard reads of the interaction records: every call that
//! entered a queue since a time, with its outcome and durations.

use shared::records::Disposition;
use sqlx::Row;

use super::{Store, StoreError};
use crate::wallboard::QueueCall;

/// How long before entering a queue a call may have started (in the IVR):
/// the query bounds the start too, so that it can use the start's index.
const IVR_LOOKBACK_MS: i64 = 12 * 3_600_000;

impl Store {
    /// Calls that entered a queue at or after `since` (Unix ms), oldest
    /// first.
    pub async fn queue_calls_since(&self, since: i64) -> Result<Vec<QueueCall>, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, enqueued_at, dequeued_at, answered_at, ended_at, disposition, billsec_ms, wrap_up_ms \
             FROM interactions WHERE queue IS NOT NULL AND started_at >= $1 AND enqueued_at >= $2 \
             ORDER BY enqueued_at, id",
        )
        .bind(since - IVR_LOOKBACK_MS)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let disposition: Option<String> = r.try_get("disposition")?;
                let dequeued: Option<i64> = r.try_get("dequeued_at")?;
                let ended: Option<i64> = r.try_get("ended_at")?;
                Ok(QueueCall {
                    queue: r.try_get("queue")?,
                    enqueued_at: r.try_get("enqueued_at")?,
                    answered_at: r.try_get("answered_at")?,
                    left_at: dequeued.or(ended),
                    ended_at: ended,
                    abandoned: disposition.as_deref().and_then(Disposition::parse) == Some(Disposition::Abandoned),
                    billsec_ms: r.try_get("billsec_ms")?,
                    wrap_up_ms: r.try_get("wrap_up_ms")?,
                })
            })
            .collect()
    }
}
