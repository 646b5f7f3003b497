//! Callbacks: a caller's place kept in a queue (in-queue callback), or a call
//! back at a time the customer chose (scheduled), with retries on busy and
//! no answer. Rows survive a restart: the routing engine reloads
//! [`Store::callbacks_pending`] when it starts.
//!
//! The state moves `pending → dialing → completed | failed`, back to
//! `pending` when an attempt failed and another is due, or `pending →
//! cancelled`. Each step is one guarded `UPDATE`, so a callback cancelled
//! while the engine was deciding is never dialed.

use shared::records::{Callback, CallbackResult, CallbackState};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, rfc3339};

/// A callback to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackRequest {
    /// The queue's code.
    pub queue: String,
    /// E.164.
    pub number: String,
    pub customer_id: Option<i64>,
    /// The call during which the caller asked for it.
    pub call_id: Option<String>,
    pub requested_at: i64,
    /// `None`: as soon as its place comes up; `Some`: not before then.
    pub due_at: Option<i64>,
    /// Its place in the queue: the original call's entry time (for a
    /// scheduled one, usually `due_at`).
    pub position_at: i64,
    pub max_attempts: u32,
    /// The user who scheduled it; `None` when a caller asked in the IVR or queue.
    pub created_by: Option<i64>,
}

/// A stored callback. Times are Unix ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackRow {
    pub id: i64,
    pub queue: String,
    pub number: String,
    pub customer_id: Option<i64>,
    pub call_id: Option<String>,
    pub requested_at: i64,
    pub due_at: Option<i64>,
    pub position_at: i64,
    pub state: CallbackState,
    pub attempts: u32,
    pub max_attempts: u32,
    /// Not before then (the due time, or a retry's time); `None`: now.
    pub next_attempt_at: Option<i64>,
    pub last_result: Option<CallbackResult>,
    pub agent_id: Option<i64>,
    pub created_by: Option<i64>,
    pub updated_at: i64,
}

impl CallbackRow {
    pub fn to_wire(&self) -> Callback {
        Callback {
            id: self.id,
            queue: self.queue.clone(),
            number: self.number.clone(),
            customer_id: self.customer_id,
            call_id: self.call_id.clone(),
            requested_at: rfc3339(self.requested_at),
            due_at: self.due_at.map(rfc3339),
            position_at: rfc3339(self.position_at),
            state: self.state,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            next_attempt_at: self.next_attempt_at.map(rfc3339),
            last_result: self.last_result,
            agent_id: self.agent_id,
            created_by: self.created_by,
            updated_at: rfc3339(self.updated_at),
        }
    }
}

pub(super) const COLUMNS: &str = "id, queue, number, customer_id, call_id, requested_at, due_at, position_at, state, attempts, \
     max_attempts, next_attempt_at, last_result, agent_id, created_by, updated_at";

fn count(row: &AnyRow, col: &str) -> Result<u32, StoreError> {
    let v: i64 = row.try_get(col)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col} {v}")))
}

pub(super) fn from_row(row: &AnyRow) -> Result<CallbackRow, StoreError> {
    let state: String = row.try_get("state")?;
    let last: Option<String> = row.try_get("last_result")?;
    Ok(CallbackRow {
        id: row.try_get("id")?,
        queue: row.try_get("queue")?,
        number: row.try_get("number")?,
        customer_id: row.try_get("customer_id")?,
        call_id: row.try_get("call_id")?,
        requested_at: row.try_get("requested_at")?,
        due_at: row.try_get("due_at")?,
        position_at: row.try_get("position_at")?,
        state: CallbackState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("callback state {state:?}")))?,
        attempts: count(row, "attempts")?,
        max_attempts: count(row, "max_attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_result: last
            .map(|l| CallbackResult::parse(&l).ok_or_else(|| StoreError::Corrupt(format!("callback result {l:?}"))))
            .transpose()?,
        agent_id: row.try_get("agent_id")?,
        created_by: row.try_get("created_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Keeps a new callback, `pending`. Returns its id.
    pub async fn callback_create(&self, c: &CallbackRequest, now_ms: i64) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO callbacks (queue, number, customer_id, call_id, requested_at, due_at, position_at, state, \
             attempts, max_attempts, next_attempt_at, created_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $6, $9, $10) RETURNING id",
        )
        .bind(&c.queue)
        .bind(&c.number)
        .bind(c.customer_id)
        .bind(c.call_id.as_deref())
        .bind(c.requested_at)
        .bind(c.due_at)
        .bind(c.position_at)
        .bind(i64::from(c.max_attempts.max(1)))
        .bind(c.created_by)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    pub async fn callback(&self, id: i64) -> Result<Option<CallbackRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM callbacks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The callback still to be made for `number` in `queue`, if any (a
    /// second request for the same number is the same callback).
    pub async fn callback_pending_for(&self, queue: &str, number: &str) -> Result<Option<CallbackRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM callbacks WHERE queue = $1 AND number = $2 \
             AND state IN ('pending', 'dialing') ORDER BY id LIMIT 1"
        ))
        .bind(queue)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every callback still to be made, in queue order (their places):
    /// what the routing engine reloads after a restart. Those `dialing`
    /// were interrupted by the restart; the engine decides whether to report
    /// a failed attempt ([`Store::callback_attempt_result`]) for them.
    pub async fn callbacks_pending(&self) -> Result<Vec<CallbackRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM callbacks WHERE state IN ('pending', 'dialing') ORDER BY position_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Callbacks, newest first, optionally in one state and queue, with ids
    /// below `before_id` (the cursor).
    pub async fn callbacks(
        &self,
        state: Option<CallbackState>,
        queue: Option<&str>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<CallbackRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM callbacks WHERE ($1 = '' OR state = $1) AND ($2 = '' OR queue = $2) AND id < $3 \
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(state.map(|s| s.as_str()).unwrap_or(""))
        .bind(queue.unwrap_or(""))
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The engine starts dialing a `pending` callback (for `agent`, if one
    /// is reserved for it). Returns false, and changes nothing, if it is no
    /// longer pending (cancelled, already dialing) or out of attempts: then
    /// it must not be dialed.
    pub async fn callback_attempt_started(
        &self,
        id: i64,
        agent_id: Option<i64>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE callbacks SET state = 'dialing', attempts = attempts + 1, agent_id = COALESCE($1, agent_id), \
             updated_at = $2 WHERE id = $3 AND state = 'pending' AND attempts < max_attempts",
        )
        .bind(agent_id)
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// How a `dialing` attempt ended. Answered: `completed`. Otherwise,
    /// with `retry_at` and attempts left: `pending` again, not before
    /// `retry_at`; else `failed`. Returns the new state, or `None` (nothing
    /// changed) if the callback was not dialing.
    pub async fn callback_attempt_result(
        &self,
        id: i64,
        result: CallbackResult,
        retry_at: Option<i64>,
        now_ms: i64,
    ) -> Result<Option<CallbackState>, StoreError> {
        let Some(cb) = self.callback(id).await? else { return Ok(None) };
        if cb.state != CallbackState::Dialing {
            return Ok(None);
        }
        let (state, next) = match (result, retry_at) {
            (CallbackResult::Answered, _) => (CallbackState::Completed, None),
            (_, Some(at)) if cb.attempts < cb.max_attempts => (CallbackState::Pending, Some(at)),
            _ => (CallbackState::Failed, None),
        };
        // Guarded by the attempt it read: a concurrent step wins.
        let r = sqlx::query(
            "UPDATE callbacks SET state = $1, last_result = $2, next_attempt_at = $3, updated_at = $4 \
             WHERE id = $5 AND state = 'dialing' AND attempts = $6",
        )
        .bind(state.as_str())
        .bind(result.as_str())
        .bind(next)
        .bind(now_ms)
        .bind(id)
        .bind(i64::from(cb.attempts))
        .execute(&self.pool)
        .await?;
        Ok((r.rows_affected() > 0).then_some(state))
    }

    /// Cancels a `pending` callback. Returns false (nothing changed) if it
    /// is not pending: being dialed, or already over.
    pub async fn callback_cancel(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE callbacks SET state = 'cancelled', next_attempt_at = NULL, updated_at = $1 \
             WHERE id = $2 AND state = 'pending'",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Whether a queue has this code (checked before scheduling a callback).
    pub async fn records_queue_exists(&self, code: &str) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT 1 AS one FROM queues WHERE code = $1").bind(code).fetch_optional(&self.pool).await?;
        Ok(row.is_some())
    }

    /// Whether a customer has this id.
    pub async fn records_customer_exists(&self, id: i64) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT 1 AS one FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.is_some())
    }
}
