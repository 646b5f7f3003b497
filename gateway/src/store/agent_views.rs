//! What one user sees of their own work: the codes of the queues they
//! serve, the callbacks they should see, and their figures for a day.

use shared::records::OFFER_EXPIRED;
use sqlx::Row;

use super::callbacks::{COLUMNS as CALLBACK_COLUMNS, from_row as callback_row};
use super::{CallbackRow, Store, StoreError};

/// How long a finished callback stays in its user's list.
const FINISHED_KEPT_MS: i64 = 86_400_000;
/// How long before a day's first instant a call with an offer in that day
/// may have started (the offer is looked up through the call's start).
const OFFER_LOOKBACK_MS: i64 = 86_400_000;

/// One user's figures over `[from, to)`; durations in ms. See
/// `shared::me::MyDashboard` for what each means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayFigures {
    pub calls: i64,
    /// Answer to end, summed (talk and hold).
    pub answered_ms: i64,
    pub hold_ms: i64,
    pub wrap_up_ms: i64,
    pub missed_offers: i64,
    pub surveys: i64,
    pub survey_sum: i64,
}

impl Store {
    /// The codes of the queues `user_id` serves.
    pub async fn agent_queue_codes(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.code FROM queues q JOIN queue_agents qa ON qa.queue_id = q.id WHERE qa.user_id = $1 \
             ORDER BY q.code",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("code")?)).collect()
    }

    /// The callbacks `user_id` should see: those still to be made
    /// (`pending`, `dialing`) in a queue they serve, last attempted by them
    /// or scheduled by them, earliest due first; then those last attempted
    /// or scheduled by them that ended (completed, failed, cancelled) in the
    /// 24 hours before `now_ms`, latest first. `limit` at most.
    pub async fn my_callbacks(&self, user_id: i64, now_ms: i64, limit: i64) -> Result<Vec<CallbackRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CALLBACK_COLUMNS} FROM callbacks WHERE \
             (state IN ('pending', 'dialing') AND (agent_id = $1 OR created_by = $1 OR queue IN \
               (SELECT q.code FROM queues q JOIN queue_agents qa ON qa.queue_id = q.id WHERE qa.user_id = $1))) \
             OR (state IN ('completed', 'failed', 'cancelled') AND (agent_id = $1 OR created_by = $1) \
               AND updated_at >= $2) \
             ORDER BY CASE WHEN state IN ('pending', 'dialing') THEN 0 ELSE 1 END, \
             CASE WHEN state IN ('pending', 'dialing') THEN COALESCE(next_attempt_at, position_at) \
               ELSE 0 - updated_at END, id LIMIT $3"
        ))
        .bind(user_id)
        .bind(now_ms - FINISHED_KEPT_MS)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(callback_row).collect()
    }

    /// `user_id`'s figures over `[from_ms, to_ms)`: the calls they had
    /// last, answered in that span and ended; and the offers to them that
    /// expired in it (events `offer.expired` whose data names them as
    /// `agent`, looked up through calls started at most a day before
    /// `from_ms`).
    pub async fn day_figures(&self, user_id: i64, from_ms: i64, to_ms: i64) -> Result<DayFigures, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS calls, \
             CAST(COALESCE(SUM(billsec_ms), 0) AS BIGINT) AS answered_ms, \
             CAST(COALESCE(SUM(hold_ms), 0) AS BIGINT) AS hold_ms, \
             CAST(COALESCE(SUM(wrap_up_ms), 0) AS BIGINT) AS wrap_up_ms, \
             COUNT(survey_score) AS surveys, \
             CAST(COALESCE(SUM(survey_score), 0) AS BIGINT) AS survey_sum \
             FROM interactions WHERE agent_id = $1 AND call_id IS NOT NULL AND answered_at >= $2 \
             AND answered_at < $3 AND ended_at IS NOT NULL",
        )
        .bind(user_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_one(&self.pool)
        .await?;
        let int = |col: &str| -> Result<i64, StoreError> { Ok(row.try_get::<Option<i64>, _>(col)?.unwrap_or(0)) };
        let mut f = DayFigures {
            calls: int("calls")?,
            answered_ms: int("answered_ms")?,
            hold_ms: int("hold_ms")?,
            wrap_up_ms: int("wrap_up_ms")?,
            missed_offers: 0,
            surveys: int("surveys")?,
            survey_sum: int("survey_sum")?,
        };

        // The store writes event data as compact JSON, so the agent's id
        // narrows the rows in SQL; the JSON decides (`"agent":1` is also
        // the start of `"agent":12`).
        let events = sqlx::query(
            "SELECT e.data FROM interactions i JOIN interaction_events e ON e.call_id = i.call_id \
             WHERE i.started_at >= $1 AND i.started_at < $2 AND e.kind = $3 AND e.at >= $4 AND e.at < $2 \
             AND (e.data LIKE $5 OR e.data LIKE $6)",
        )
        .bind(from_ms - OFFER_LOOKBACK_MS)
        .bind(to_ms)
        .bind(OFFER_EXPIRED)
        .bind(from_ms)
        .bind(format!("%\"agent\":{user_id}%"))
        .bind(format!("%\"agent\":\"{user_id}\"%"))
        .fetch_all(&self.pool)
        .await?;
        for e in &events {
            let data: Option<String> = e.try_get("data")?;
            if data.as_deref().is_some_and(|d| names_agent(d, user_id)) {
                f.missed_offers += 1;
            }
        }
        Ok(f)
    }
}

/// Whether event data (JSON) names `user_id` as its `agent`, as a number or
/// a string of one.
fn names_agent(data: &str, user_id: i64) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else { return false };
    match v.get("agent") {
        Some(serde_json::Value::Number(n)) => n.as_i64() == Some(user_id),
        Some(serde_json::Value::String(s)) => s.parse::<i64>().ok() == Some(user_id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_agent_counts() {
        assert!(names_agent(r#"{"agent":12}"#, 12));
        assert!(names_agent(r#"{"queue":"support","agent":"12"}"#, 12));
        assert!(!names_agent(r#"{"agent":123}"#, 12));
        assert!(!names_agent(r#"{"agent":1}"#, 12));
        assert!(!names_agent(r#"{"agents":[12]}"#, 12));
        assert!(!names_agent("not json", 12));
    }
}
