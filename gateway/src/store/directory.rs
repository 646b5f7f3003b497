//! Queues, their agents, customers and customers' earlier interactions.

use shared::directory::{Customer, InteractionSummary, Queue};
use sqlx::Row;

use super::{Store, StoreError, is_unique_violation, rfc3339};

#[derive(Debug, Clone)]
pub struct NewCustomer<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// E.164.
    pub phone: Option<&'a str>,
    pub language: &'a str,
    pub vip: bool,
}

const CUSTOMER_COLUMNS: &str = "id, code, name, phone, language, vip";

fn customer(row: &sqlx::any::AnyRow) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        language: row.try_get("language")?,
        vip: row.try_get::<i64, _>("vip")? != 0,
    })
}

impl Store {
    pub async fn create_queue(&self, code: &str, name: &str, now_ms: i64) -> Result<i64, StoreError> {
        let r = sqlx::query("INSERT INTO queues (code, name, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(code)
            .bind(name)
            .bind(now_ms)
            .fetch_one(&self.pool)
            .await;
        match r {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("queue code")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn queues(&self) -> Result<Vec<Queue>, StoreError> {
        let rows = sqlx::query("SELECT id, code, name FROM queues ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(Queue { id: r.try_get("id")?, code: r.try_get("code")?, name: r.try_get("name")? }))
            .collect()
    }

    pub async fn add_queue_agent(&self, queue_id: i64, user_id: i64) -> Result<(), StoreError> {
        let r = sqlx::query("INSERT INTO queue_agents (queue_id, user_id) VALUES ($1, $2)")
            .bind(queue_id)
            .bind(user_id)
            .execute(&self.pool)
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The queues an agent serves.
    pub async fn agent_queue_ids(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT queue_id FROM queue_agents WHERE user_id = $1 ORDER BY queue_id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("queue_id")?)).collect()
    }

    pub async fn create_customer(&self, c: &NewCustomer<'_>, now_ms: i64) -> Result<i64, StoreError> {
        let r = sqlx::query(
            "INSERT INTO customers (code, name, phone, language, vip, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(c.code)
        .bind(c.name)
        .bind(c.phone)
        .bind(c.language)
        .bind(i64::from(c.vip))
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await;
        match r {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("customer code")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn customer(&self, id: i64) -> Result<Option<Customer>, StoreError> {
        let row = sqlx::query(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(customer).transpose()
    }

    pub async fn customer_by_code(&self, code: &str) -> Result<Option<Customer>, StoreError> {
        let row = sqlx::query(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE code = $1"))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(customer).transpose()
    }

    pub async fn customer_by_phone(&self, e164: &str) -> Result<Option<Customer>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE phone = $1 ORDER BY id LIMIT 1"))
                .bind(e164)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(customer).transpose()
    }

    /// Customers whose name, code or number contains `q`, by name, with
    /// cursor pagination on id.
    pub async fn search_customers(&self, q: &str, after_id: i64, limit: i64) -> Result<Vec<Customer>, StoreError> {
        let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers \
             WHERE id > $1 AND (LOWER(name) LIKE LOWER($2) ESCAPE '\\' OR code LIKE $2 ESCAPE '\\' OR phone LIKE $2 ESCAPE '\\') \
             ORDER BY id LIMIT $3"
        ))
        .bind(after_id)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(customer).collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn record_interaction(
        &self,
        customer_id: Option<i64>,
        queue_id: Option<i64>,
        agent_id: Option<i64>,
        initiation: &str,
        started_at: i64,
        ended_at: Option<i64>,
        disposition: Option<&str>,
        notes: Option<&str>,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO interactions (customer_id, queue_id, agent_id, initiation, started_at, answered_at, ended_at, disposition, notes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(customer_id)
        .bind(queue_id)
        .bind(agent_id)
        .bind(initiation)
        .bind(started_at)
        .bind(Some(started_at))
        .bind(ended_at)
        .bind(disposition)
        .bind(notes)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// A customer's interactions, newest first.
    pub async fn customer_interactions(
        &self,
        customer_id: i64,
        limit: i64,
    ) -> Result<Vec<InteractionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.id, i.started_at, i.initiation, i.queue_id, i.agent_id, i.disposition, i.notes, i.call_id, \
             i.disposition_code, q.name AS queue_name, u.display_name AS agent_name FROM interactions i \
             LEFT JOIN queues q ON q.id = i.queue_id LEFT JOIN users u ON u.id = i.agent_id \
             WHERE i.customer_id = $1 ORDER BY i.started_at DESC, i.id DESC LIMIT $2",
        )
        .bind(customer_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InteractionSummary {
                    id: r.try_get("id")?,
                    started_at: rfc3339(r.try_get("started_at")?),
                    initiation: r.try_get("initiation")?,
                    queue_id: r.try_get("queue_id")?,
                    agent_id: r.try_get("agent_id")?,
                    disposition: r.try_get("disposition")?,
                    notes: r.try_get("notes")?,
                    call_id: r.try_get("call_id")?,
                    queue_name: r.try_get("queue_name")?,
                    agent_name: r.try_get("agent_name")?,
                    disposition_code: r.try_get("disposition_code")?,
                })
            })
            .collect()
    }
}
