//! IVR flows and the entry points (dialed numbers, web buttons) that pick
//! them.
//!
//! A flow is stored as the canonical JSON of a checked [`Flow`]; whatever
//! writes it has parsed it first, and whatever reads it parses it again (a
//! row that no longer parses, say after a rule got stricter, reads as
//! [`StoreError::Corrupt`] where a [`Flow`] is wanted, and as its text where
//! an administrator exports it to fix it).

use sqlx::Row;

use super::{Store, StoreError, is_unique_violation};
use crate::ivr::{EntryPoint, Flow};

/// A stored flow as text, for export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRecord {
    pub name: String,
    /// The canonical JSON.
    pub definition: String,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

/// A flow in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSummary {
    pub name: String,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

/// An entry point and the flow it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPointRow {
    /// As [`EntryPoint`] writes it: `+982112345678`, `web:support`.
    pub entry: String,
    /// `phone` or `web`.
    pub kind: String,
    pub flow: String,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

/// What [`Store::delete_flow`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowDeleted {
    Deleted,
    Missing,
    /// Entry points still run it (their keys, at most 20); nothing changed.
    InUse(Vec<String>),
}

impl Store {
    /// Stores `flow`, replacing the one of the same name; true when it is new.
    pub async fn save_flow(&self, flow: &Flow, by: Option<i64>, now_ms: i64) -> Result<bool, StoreError> {
        let json = flow.to_json();
        if self.update_flow(flow, &json, by, now_ms).await? {
            return Ok(false);
        }
        match self.insert_flow(flow, &json, by, now_ms).await {
            Ok(()) => Ok(true),
            // Created by someone else in between: last writer wins, as for an update.
            Err(StoreError::Conflict(_)) => {
                self.update_flow(flow, &json, by, now_ms).await?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Replaces the stored flow of `flow`'s name; false when there is none.
    async fn update_flow(&self, flow: &Flow, json: &str, by: Option<i64>, now_ms: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE ivr_flows SET definition = $1, updated_at = $2, updated_by = $3 WHERE name = $4")
            .bind(json)
            .bind(now_ms)
            .bind(by)
            .bind(&flow.name)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Stores a new flow; [`StoreError::Conflict`] if the name is taken.
    pub async fn create_flow(&self, flow: &Flow, by: Option<i64>, now_ms: i64) -> Result<(), StoreError> {
        self.insert_flow(flow, &flow.to_json(), by, now_ms).await
    }

    async fn insert_flow(&self, flow: &Flow, json: &str, by: Option<i64>, now_ms: i64) -> Result<(), StoreError> {
        let r = sqlx::query("INSERT INTO ivr_flows (name, definition, updated_at, updated_by) VALUES ($1, $2, $3, $4)")
            .bind(&flow.name)
            .bind(json)
            .bind(now_ms)
            .bind(by)
            .execute(&self.pool)
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("flow name")),
            Err(e) => Err(e.into()),
        }
    }

    /// Every flow, by name.
    pub async fn flows(&self) -> Result<Vec<FlowSummary>, StoreError> {
        let rows = sqlx::query("SELECT name, updated_at, updated_by FROM ivr_flows ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FlowSummary {
                    name: r.try_get("name")?,
                    updated_at: r.try_get("updated_at")?,
                    updated_by: r.try_get("updated_by")?,
                })
            })
            .collect()
    }

    /// A flow as stored, for export.
    pub async fn flow_record(&self, name: &str) -> Result<Option<FlowRecord>, StoreError> {
        let row = sqlx::query("SELECT name, definition, updated_at, updated_by FROM ivr_flows WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(FlowRecord {
                name: r.try_get("name")?,
                definition: r.try_get("definition")?,
                updated_at: r.try_get("updated_at")?,
                updated_by: r.try_get("updated_by")?,
            })
        })
        .transpose()
    }

    /// A flow, checked, ready for an [`IvrSession`](crate::ivr::IvrSession).
    pub async fn flow(&self, name: &str) -> Result<Option<Flow>, StoreError> {
        match self.flow_record(name).await? {
            Some(r) => Ok(Some(parse_stored(&r.name, &r.definition)?)),
            None => Ok(None),
        }
    }

    /// Deletes a flow unless an entry point still runs it.
    pub async fn delete_flow(&self, name: &str) -> Result<FlowDeleted, StoreError> {
        let users = sqlx::query(
            "SELECT e.entry FROM ivr_entry_points e JOIN ivr_flows f ON f.id = e.flow_id WHERE f.name = $1 \
             ORDER BY e.entry LIMIT 20",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        if !users.is_empty() {
            let entries = users.iter().map(|r| r.try_get("entry")).collect::<Result<_, _>>()?;
            return Ok(FlowDeleted::InUse(entries));
        }
        // The foreign key refuses the delete if an entry point arrived in
        // between; that reads as in use too.
        let r = sqlx::query("DELETE FROM ivr_flows WHERE name = $1").bind(name).execute(&self.pool).await;
        match r {
            Ok(r) if r.rows_affected() > 0 => Ok(FlowDeleted::Deleted),
            Ok(_) => Ok(FlowDeleted::Missing),
            Err(sqlx::Error::Database(d)) if d.is_foreign_key_violation() => Ok(FlowDeleted::InUse(Vec::new())),
            Err(e) => Err(e.into()),
        }
    }

    /// Points an entry at the flow named `flow`; false (and nothing
    /// written) when there is no such flow.
    pub async fn set_entry_point(
        &self,
        entry: &EntryPoint,
        flow: &str,
        by: Option<i64>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        // The WHERE also keeps SQLite's parser from reading ON CONFLICT as
        // part of the SELECT's join.
        let r = sqlx::query(
            "INSERT INTO ivr_entry_points (entry, kind, flow_id, updated_at, updated_by) \
             SELECT $1, $2, id, $3, $4 FROM ivr_flows WHERE name = $5 \
             ON CONFLICT (entry) DO UPDATE SET kind = excluded.kind, flow_id = excluded.flow_id, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(entry.to_string())
        .bind(entry.kind().as_str())
        .bind(now_ms)
        .bind(by)
        .bind(flow)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Every entry point, by key.
    pub async fn entry_points(&self) -> Result<Vec<EntryPointRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.entry, e.kind, f.name, e.updated_at, e.updated_by FROM ivr_entry_points e \
             JOIN ivr_flows f ON f.id = e.flow_id ORDER BY e.entry",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_row).collect()
    }

    pub async fn entry_point(&self, entry: &EntryPoint) -> Result<Option<EntryPointRow>, StoreError> {
        let row = sqlx::query(
            "SELECT e.entry, e.kind, f.name, e.updated_at, e.updated_by FROM ivr_entry_points e \
             JOIN ivr_flows f ON f.id = e.flow_id WHERE e.entry = $1",
        )
        .bind(entry.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(entry_row).transpose()
    }

    /// True when it existed.
    pub async fn delete_entry_point(&self, entry: &EntryPoint) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM ivr_entry_points WHERE entry = $1")
            .bind(entry.to_string())
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// The flow for a call: `dialed` as the call layer has it (a number in
    /// any of the forms [`EntryPoint::parse`] reads, or `web:<name>`).
    /// `None` when nothing is mapped, or `dialed` is no entry at all.
    pub async fn flow_for_entry(&self, dialed: &str) -> Result<Option<Flow>, StoreError> {
        let Ok(entry) = EntryPoint::parse(dialed) else { return Ok(None) };
        let row = sqlx::query(
            "SELECT f.name, f.definition FROM ivr_entry_points e JOIN ivr_flows f ON f.id = e.flow_id \
             WHERE e.entry = $1",
        )
        .bind(entry.to_string())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => {
                Ok(Some(parse_stored(&r.try_get::<String, _>("name")?, &r.try_get::<String, _>("definition")?)?))
            }
            None => Ok(None),
        }
    }
}

fn entry_row(r: &sqlx::any::AnyRow) -> Result<EntryPointRow, StoreError> {
    Ok(EntryPointRow {
        entry: r.try_get("entry")?,
        kind: r.try_get("kind")?,
        flow: r.try_get("name")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
    })
}

fn parse_stored(name: &str, json: &str) -> Result<Flow, StoreError> {
    Flow::parse(json).map_err(|e| StoreError::Corrupt(format!("IVR flow {name:?}: {e}")))
}
