//! Quality: scorecards and the evaluations made with them. An evaluation
//! keeps the criteria as they were when it was made, so that editing a
//! scorecard leaves past evaluations as they were.

use shared::quality::{Criterion, CriterionScore, Evaluation, Scorecard, ScorecardInput};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, is_unique_violation, rfc3339};

/// What [`Store::scorecard_delete`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScorecardDeleted {
    Deleted,
    NotFound,
    /// Evaluations were made with it: make it inactive instead.
    InUse,
}

/// A new evaluation, checked and scored by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvaluation {
    pub call_id: String,
    pub scorecard_id: i64,
    pub agent_id: Option<i64>,
    pub queue: Option<String>,
    pub evaluator_id: i64,
    pub criteria: Vec<CriterionScore>,
    pub score_bp: u32,
    pub comment: Option<String>,
}

/// Which evaluations [`Store::evaluations`] lists; empty fields match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationFilter {
    pub call_id: Option<String>,
    pub agent_id: Option<i64>,
    /// The call started at or after (Unix ms).
    pub from: Option<i64>,
    /// The call started before (Unix ms).
    pub to: Option<i64>,
}

const SCORECARD_COLUMNS: &str = "s.id, s.name, s.queue, s.criteria, s.active, s.updated_at, \
     (SELECT COUNT(*) FROM evaluations e WHERE e.scorecard_id = s.id) AS used";

fn json_err(col: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{col}: {e}"))
}

fn scorecard(r: &AnyRow) -> Result<Scorecard, StoreError> {
    let criteria: String = r.try_get("criteria")?;
    Ok(Scorecard {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        queue: r.try_get("queue")?,
        criteria: serde_json::from_str::<Vec<Criterion>>(&criteria).map_err(|e| json_err("criteria", e))?,
        active: r.try_get::<i64, _>("active")? != 0,
        evaluations: r.try_get("used")?,
        updated_at: rfc3339(r.try_get("updated_at")?),
    })
}

fn evaluation(r: &AnyRow) -> Result<Evaluation, StoreError> {
    let criteria: String = r.try_get("criteria")?;
    let bp: i64 = r.try_get("score_bp")?;
    Ok(Evaluation {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        scorecard_id: r.try_get("scorecard_id")?,
        scorecard_name: r.try_get("scorecard_name")?,
        agent_id: r.try_get("agent_id")?,
        queue: r.try_get("queue")?,
        evaluator_id: r.try_get("evaluator_id")?,
        criteria: serde_json::from_str(&criteria).map_err(|e| json_err("criteria", e))?,
        score_pct: bp as f64 / 100.0,
        comment: r.try_get("comment")?,
        call_started_at: rfc3339(r.try_get("started_at")?),
        created_at: rfc3339(r.try_get("created_at")?),
    })
}

fn criteria_json(c: &[Criterion]) -> String {
    serde_json::to_string(c).expect("criteria serialize")
}

impl Store {
    /// Every scorecard, active ones first, by name.
    pub async fn scorecards(&self) -> Result<Vec<Scorecard>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {SCORECARD_COLUMNS} FROM scorecards s ORDER BY s.active DESC, s.name"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(scorecard).collect()
    }

    pub async fn scorecard(&self, id: i64) -> Result<Option<Scorecard>, StoreError> {
        let row = sqlx::query(&format!("SELECT {SCORECARD_COLUMNS} FROM scorecards s WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(scorecard).transpose()
    }

    /// Adds a (checked) scorecard; `Conflict("scorecard")` if the name is taken.
    pub async fn scorecard_create(&self, s: &ScorecardInput, by: i64, now_ms: i64) -> Result<i64, StoreError> {
        let r = sqlx::query(
            "INSERT INTO scorecards (name, queue, criteria, active, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
        )
        .bind(s.name.trim())
        .bind(s.queue.as_deref())
        .bind(criteria_json(&s.criteria))
        .bind(i64::from(s.active))
        .bind(now_ms)
        .bind(by)
        .fetch_one(&self.pool)
        .await;
        match r {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("scorecard")),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces a scorecard; false if there is none.
    pub async fn scorecard_update(
        &self,
        id: i64,
        s: &ScorecardInput,
        by: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE scorecards SET name = $1, queue = $2, criteria = $3, active = $4, updated_at = $5, \
             updated_by = $6 WHERE id = $7",
        )
        .bind(s.name.trim())
        .bind(s.queue.as_deref())
        .bind(criteria_json(&s.criteria))
        .bind(i64::from(s.active))
        .bind(now_ms)
        .bind(by)
        .bind(id)
        .execute(&self.pool)
        .await;
        match r {
            Ok(r) => Ok(r.rows_affected() > 0),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("scorecard")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn scorecard_delete(&self, id: i64) -> Result<ScorecardDeleted, StoreError> {
        let Some(s) = self.scorecard(id).await? else { return Ok(ScorecardDeleted::NotFound) };
        if s.evaluations > 0 {
            return Ok(ScorecardDeleted::InUse);
        }
        let r = sqlx::query(
            "DELETE FROM scorecards WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM evaluations WHERE scorecard_id = $1)",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(if r.rows_affected() > 0 { ScorecardDeleted::Deleted } else { ScorecardDeleted::InUse })
    }

    /// Stores an evaluation; returns its id.
    pub async fn evaluation_add(&self, e: &NewEvaluation, now_ms: i64) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO evaluations (call_id, scorecard_id, agent_id, queue, evaluator_id, criteria, score_bp, \
             comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&e.call_id)
        .bind(e.scorecard_id)
        .bind(e.agent_id)
        .bind(e.queue.as_deref())
        .bind(e.evaluator_id)
        .bind(serde_json::to_string(&e.criteria).expect("scores serialize"))
        .bind(i64::from(e.score_bp))
        .bind(e.comment.as_deref())
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// Evaluations matching `f`, newest first, `limit` at most.
    pub async fn evaluations(&self, f: &EvaluationFilter, limit: i64) -> Result<Vec<Evaluation>, StoreError> {
        let mut w = super::interactions::Sets::default();
        use super::interactions::Val;
        w.cond("e.call_id = ?", f.call_id.clone().map(|v| Val::Text(Some(v))));
        w.cond("e.agent_id = ?", f.agent_id.map(|v| Val::Int(Some(v))));
        w.cond("i.started_at >= ?", f.from.map(|v| Val::Int(Some(v))));
        w.cond("i.started_at < ?", f.to.map(|v| Val::Int(Some(v))));
        let filter = if w.clauses.is_empty() { String::new() } else { format!("WHERE {}", w.clauses.join(" AND ")) };
        let sql = format!(
            "SELECT e.id, e.call_id, e.scorecard_id, s.name AS scorecard_name, e.agent_id, e.queue, e.evaluator_id, \
             e.criteria, e.score_bp, e.comment, e.created_at, i.started_at FROM evaluations e \
             JOIN scorecards s ON s.id = e.scorecard_id JOIN interactions i ON i.call_id = e.call_id {filter} \
             ORDER BY e.created_at DESC, e.id DESC LIMIT ${}",
            w.next()
        );
        w.vals.push(Val::Int(Some(limit)));
        let rows = w.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(evaluation).collect()
    }

    /// How many evaluations `agent_id`'s calls started in `[from, to)` have,
    /// and their summed score in basis points.
    pub async fn quality_of(&self, agent_id: i64, from: i64, to: i64) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(e.score_bp), 0) AS BIGINT) AS bp FROM evaluations e \
             JOIN interactions i ON i.call_id = e.call_id WHERE e.agent_id = $1 AND i.started_at >= $2 \
             AND i.started_at < $3",
        )
        .bind(agent_id)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get::<Option<i64>, _>("n")?.unwrap_or(0), row.try_get::<Option<i64>, _>("bp")?.unwrap_or(0)))
    }
}
