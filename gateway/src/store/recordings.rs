//! Call recordings: one row per file in `media.recordings_dir`, joined with
//! the call's record for the search; the retention sweep's expired files
//! and the mark of their deletion.

use shared::recordings::Recording;
use shared::records::Disposition;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::interactions::{Sets, Val, page};
use super::{Cursor, Store, StoreError, rfc3339};

/// Which recordings [`Store::recordings`] lists. Empty fields match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordingFilter {
    /// Calls started at or after (Unix ms).
    pub from: Option<i64>,
    /// Calls started before (Unix ms).
    pub to: Option<i64>,
    /// Calls the agent took, or had a leg in.
    pub agent_id: Option<i64>,
    /// A queue's code.
    pub queue: Option<String>,
    /// The customer's code, or part of their name or of the caller's number.
    pub customer: Option<String>,
    /// The agent's wrap-up code.
    pub disposition_code: Option<String>,
    pub outcome: Option<Disposition>,
}

const COLUMNS: &str = "r.id AS id, r.rec_id, r.call_id, r.audio_ms, i.started_at AS started_at, \
     i.duration_ms, i.agent_id, i.queue, i.customer_id, i.caller, i.disposition, i.disposition_code, \
     (SELECT c.name FROM customers c WHERE c.id = i.customer_id) AS customer_name";

/// A recording as the API shows it; `can_download` is the caller's to set.
fn row(r: &AnyRow) -> Result<Recording, StoreError> {
    let outcome: Option<String> = r.try_get("disposition")?;
    Ok(Recording {
        id: r.try_get("rec_id")?,
        call_id: r.try_get("call_id")?,
        started_at: rfc3339(r.try_get("started_at")?),
        duration_ms: r.try_get("duration_ms")?,
        audio_ms: r.try_get("audio_ms")?,
        agent_id: r.try_get("agent_id")?,
        queue: r.try_get("queue")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        caller: r.try_get("caller")?,
        outcome: outcome
            .map(|s| Disposition::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("disposition {s:?}"))))
            .transpose()?,
        disposition_code: r.try_get("disposition_code")?,
        can_download: false,
    })
}

/// `text` for a `LIKE … ESCAPE '\'` pattern matching it anywhere.
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// The files already known (deleted ones too), for the indexer.
    pub async fn recording_files(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT file FROM recordings").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get("file")?)).collect()
    }

    /// Adds the recording `rec_id` (file `<rec_id>.wav`) of the first of
    /// `calls` that has a record, and names it on the record when it has
    /// none yet. `false` when none of `calls` has a record; adding a known
    /// file again changes nothing.
    pub async fn recording_add(
        &self,
        rec_id: &str,
        calls: &[&str],
        bytes: i64,
        audio_ms: i64,
        found_at: i64,
    ) -> Result<bool, StoreError> {
        let mut call = None;
        for c in calls {
            if sqlx::query("SELECT 1 AS one FROM interactions WHERE call_id = $1")
                .bind(*c)
                .fetch_optional(&self.pool)
                .await?
                .is_some()
            {
                call = Some(*c);
                break;
            }
        }
        let Some(call_id) = call else { return Ok(false) };
        let file = format!("{rec_id}.wav");
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO recordings (rec_id, file, call_id, bytes, audio_ms, found_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (file) DO NOTHING",
        )
        .bind(rec_id)
        .bind(&file)
        .bind(call_id)
        .bind(bytes)
        .bind(audio_ms)
        .bind(found_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE interactions SET recording = $1 WHERE call_id = $2 AND recording IS NULL")
            .bind(rec_id)
            .bind(call_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Recordings not deleted whose calls match `f`, newest call first,
    /// `limit` at most, after `cursor`.
    pub async fn recordings(
        &self,
        f: &RecordingFilter,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> Result<(Vec<Recording>, Option<String>), StoreError> {
        let mut w = Sets::default();
        w.clauses.push("r.deleted_at IS NULL".to_owned());
        w.cond("i.started_at >= ?", f.from.map(|v| Val::Int(Some(v))));
        w.cond("i.started_at < ?", f.to.map(|v| Val::Int(Some(v))));
        w.cond(
            "(i.agent_id = ? OR EXISTS (SELECT 1 FROM interaction_legs l \
             WHERE l.call_id = i.call_id AND l.agent_id = ?))",
            f.agent_id.map(|v| Val::Int(Some(v))),
        );
        w.cond("i.queue = ?", f.queue.clone().map(|v| Val::Text(Some(v))));
        if let Some(c) = f.customer.as_deref() {
            let (exact, like) = (w.next(), w.next() + 1);
            w.clauses.push(format!(
                "(EXISTS (SELECT 1 FROM customers c WHERE c.id = i.customer_id \
                 AND (LOWER(c.code) = LOWER(${exact}) OR LOWER(c.name) LIKE ${like} ESCAPE '\\')) \
                 OR i.caller LIKE ${like} ESCAPE '\\')"
            ));
            w.vals.push(Val::Text(Some(c.to_owned())));
            w.vals.push(Val::Text(Some(contains_pattern(c))));
        }
        w.cond("i.disposition_code = ?", f.disposition_code.clone().map(|v| Val::Text(Some(v))));
        w.cond("i.disposition = ?", f.outcome.map(|v| Val::Text(Some(v.as_str().to_owned()))));
        if let Some(c) = cursor {
            let (at, id) = (w.next(), w.next() + 1);
            w.clauses.push(format!("(i.started_at < ${at} OR (i.started_at = ${at} AND r.id < ${id}))"));
            w.vals.push(Val::Int(Some(c.at)));
            w.vals.push(Val::Int(Some(c.id)));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM recordings r JOIN interactions i ON i.call_id = r.call_id \
             WHERE {} ORDER BY i.started_at DESC, r.id DESC LIMIT ${}",
            w.clauses.join(" AND "),
            w.next()
        );
        w.vals.push(Val::Int(Some(limit + 1)));
        let rows = w.query(&sql).fetch_all(&self.pool).await?;
        page(&rows, limit, "started_at", row)
    }

    /// One recording, unless deleted.
    pub async fn recording(&self, rec_id: &str) -> Result<Option<Recording>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM recordings r JOIN interactions i ON i.call_id = r.call_id \
             WHERE r.rec_id = $1 AND r.deleted_at IS NULL"
        );
        let r = sqlx::query(&sql).bind(rec_id).fetch_optional(&self.pool).await?;
        r.as_ref().map(row).transpose()
    }

    /// The ids of the recordings not deleted of `queue`'s calls started
    /// before `before` (Unix ms), oldest first, `limit` at most.
    pub async fn recordings_expired(&self, queue: &str, before: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.rec_id FROM recordings r JOIN interactions i ON i.call_id = r.call_id \
             WHERE r.deleted_at IS NULL AND i.queue = $1 AND i.started_at < $2 ORDER BY i.started_at, r.id LIMIT $3",
        )
        .bind(queue)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("rec_id")?)).collect()
    }

    /// Marks the recording deleted at `at` by `by` (e.g. `retention`).
    pub async fn recording_deleted(&self, rec_id: &str, at: i64, by: &str) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE recordings SET deleted_at = $1, deleted_by = $2 WHERE rec_id = $3 AND deleted_at IS NULL",
        )
        .bind(at)
        .bind(by)
        .bind(rec_id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// When the recording was deleted and by what, if it was.
    pub async fn recording_deletion(&self, rec_id: &str) -> Result<Option<(i64, String)>, StoreError> {
        let r =
            sqlx::query("SELECT deleted_at, deleted_by FROM recordings WHERE rec_id = $1 AND deleted_at IS NOT NULL")
                .bind(rec_id)
                .fetch_optional(&self.pool)
                .await?;
        r.map(|r| Ok((r.try_get("deleted_at")?, r.try_get::<Option<String>, _>("deleted_by")?.unwrap_or_default())))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Ali"), "%ali%");
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
