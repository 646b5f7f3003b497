//! Routing configuration: each queue's settings and each agent's skills and
//! queue memberships, as the routing engine loads them and the admin API
//! writes them.
//!
//! A queue is its 0001 `queues` row: the routing name ([`QueueConfig::name`])
//! is the row's `code`, the other settings are the JSON of a `QueueConfig`
//! in `config` (a row without one, such as the demo's, runs on the
//! defaults). Memberships are `queue_agents` rows with their order; skills
//! are `agent_skills` rows. Both go with their queue or user.
//!
//! Every write checks what it stores ([`QueueConfig::validate`],
//! [`AgentProfile::validate`], and that the queues it names exist), so
//! nothing the engine loads can be refused by it later. The check that no
//! queue overflows into a queue being deleted and the delete are two
//! statements: a queue created in between that overflows into the deleted
//! one is left pointing at nothing, and the engine treats an unknown
//! overflow target as hang-up.

use std::collections::{BTreeMap, HashSet};

use shared::routing::{AgentProfile, ConfigError, Membership, Overflow, QueueConfig, Skill};
use sqlx::Row;

use super::{Store, StoreError, is_unique_violation};

/// Why a configuration or customer write was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A value is wrong; the error names its key (an API answers 422).
    #[error("{0}")]
    Invalid(#[from] ConfigError),
    /// Something else still refers to it (an API answers 409).
    #[error("{0}")]
    InUse(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> WriteError {
        WriteError::Store(e.into())
    }
}

/// A queue as stored: its settings and when and by whom they last changed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub id: i64,
    /// The name the desks show (`queues.name`); the routing name is
    /// `config.name`. Queues created through the API have the same in both.
    pub display_name: String,
    pub config: QueueConfig,
    pub created_at: i64,
    /// None until the settings are first written through the API.
    pub updated_at: Option<i64>,
    pub updated_by: Option<i64>,
}

const QUEUE_COLUMNS: &str = "id, code, name, config, created_at, updated_at, updated_by";

fn queue_row(row: &sqlx::any::AnyRow) -> Result<QueueRow, StoreError> {
    let code: String = row.try_get("code")?;
    let json: Option<String> = row.try_get("config")?;
    let mut config = match json {
        Some(json) => serde_json::from_str::<QueueConfig>(&json)
            .map_err(|e| StoreError::Corrupt(format!("settings of queue {code:?}: {e}")))?,
        None => QueueConfig::default(),
    };
    // The column is the truth; the copy inside the JSON is not read.
    config.name = code;
    Ok(QueueRow {
        id: row.try_get("id")?,
        display_name: row.try_get("name")?,
        config,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

fn invalid(key: impl Into<String>, reason: &str) -> WriteError {
    WriteError::Invalid(ConfigError { key: key.into(), reason: reason.to_owned() })
}

/// [`AgentProfile::validate`], and each queue and skill listed once.
pub fn check_profile(profile: &AgentProfile) -> Result<(), ConfigError> {
    profile.validate()?;
    let mut seen = HashSet::new();
    for (i, m) in profile.queues.iter().enumerate() {
        if !seen.insert(m.queue.as_str()) {
            return Err(ConfigError { key: format!("queues[{i}].queue"), reason: "is listed twice".into() });
        }
    }
    let mut seen = HashSet::new();
    for (i, s) in profile.skills.iter().enumerate() {
        if !seen.insert(s.skill.as_str()) {
            return Err(ConfigError { key: format!("skills[{i}].skill"), reason: "is listed twice".into() });
        }
    }
    Ok(())
}

impl Store {
    /// Every queue's settings, in the order they were created: what the
    /// routing engine loads at start (and after a lagged change feed).
    pub async fn list_queues(&self) -> Result<Vec<QueueConfig>, StoreError> {
        Ok(self.queue_rows().await?.into_iter().map(|q| q.config).collect())
    }

    /// Every queue with its display name and history, in creation order.
    pub async fn queue_rows(&self) -> Result<Vec<QueueRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {QUEUE_COLUMNS} FROM queues ORDER BY id")).fetch_all(&self.pool).await?;
        rows.iter().map(queue_row).collect()
    }

    /// One queue by its routing name.
    pub async fn queue_config(&self, name: &str) -> Result<Option<QueueRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {QUEUE_COLUMNS} FROM queues WHERE code = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(queue_row).transpose()
    }

    /// Creates a queue with `config`; its display name is its routing name.
    /// `Store(Conflict)` when the name is taken.
    pub async fn create_queue_config(
        &self,
        config: &QueueConfig,
        by: Option<i64>,
        now_ms: i64,
    ) -> Result<i64, WriteError> {
        self.check_queue(config).await?;
        let r = sqlx::query(
            "INSERT INTO queues (code, name, config, created_at, updated_at, updated_by) \
             VALUES ($1, $1, $2, $3, $3, $4) RETURNING id",
        )
        .bind(&config.name)
        .bind(queue_json(config))
        .bind(now_ms)
        .bind(by)
        .fetch_one(&self.pool)
        .await;
        match r {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("queue").into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the settings of the queue named `config.name`; false when
    /// there is none.
    pub async fn update_queue_config(
        &self,
        config: &QueueConfig,
        by: Option<i64>,
        now_ms: i64,
    ) -> Result<bool, WriteError> {
        self.check_queue(config).await?;
        let r = sqlx::query("UPDATE queues SET config = $1, updated_at = $2, updated_by = $3 WHERE code = $4")
            .bind(queue_json(config))
            .bind(now_ms)
            .bind(by)
            .bind(&config.name)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Deletes a queue with its memberships; false when there is none,
    /// `InUse` while another queue overflows into it.
    pub async fn delete_queue(&self, name: &str) -> Result<bool, WriteError> {
        let queues = self.list_queues().await?;
        if !queues.iter().any(|q| q.name == name) {
            return Ok(false);
        }
        let users: Vec<&str> = queues
            .iter()
            .filter(|q| q.name != name && matches!(&q.overflow, Overflow::Queue(t) if t == name))
            .map(|q| q.name.as_str())
            .collect();
        if !users.is_empty() {
            return Err(WriteError::InUse(format!("queues {} overflow into it", users.join(", "))));
        }
        let r = sqlx::query("DELETE FROM queues WHERE code = $1").bind(name).execute(&self.pool).await?;
        Ok(r.rows_affected() == 1)
    }

    /// What routing knows about one user (empty when nothing is set).
    pub async fn agent_profile(&self, user_id: i64) -> Result<AgentProfile, StoreError> {
        let queues = sqlx::query(
            "SELECT qa.user_id, q.code, qa.ordinal FROM queue_agents qa JOIN queues q ON q.id = qa.queue_id \
             WHERE qa.user_id = $1 ORDER BY qa.ordinal, q.code",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let skills = sqlx::query("SELECT user_id, skill, level FROM agent_skills WHERE user_id = $1 ORDER BY skill")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(profiles(&queues, &skills)?.remove(&user_id).unwrap_or_default())
    }

    /// Every user with a membership or a skill, by id: what the routing
    /// engine loads at start. A user missing here has an empty profile.
    pub async fn agent_profiles(&self) -> Result<Vec<(i64, AgentProfile)>, StoreError> {
        let queues = sqlx::query(
            "SELECT qa.user_id, q.code, qa.ordinal FROM queue_agents qa JOIN queues q ON q.id = qa.queue_id \
             ORDER BY qa.user_id, qa.ordinal, q.code",
        )
        .fetch_all(&self.pool)
        .await?;
        let skills = sqlx::query("SELECT user_id, skill, level FROM agent_skills ORDER BY user_id, skill")
            .fetch_all(&self.pool)
            .await?;
        Ok(profiles(&queues, &skills)?.into_iter().collect())
    }

    /// Replaces a user's skills and memberships, all or nothing. The user
    /// must exist; a membership of an unknown queue is `Invalid`, naming it.
    pub async fn set_agent_profile(&self, user_id: i64, profile: &AgentProfile) -> Result<(), WriteError> {
        check_profile(profile)?;
        let mut tx = self.pool.begin().await?;
        // Writes first: a SQLite transaction that starts by reading cannot
        // always become a writer.
        sqlx::query("DELETE FROM queue_agents WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM agent_skills WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        for (i, m) in profile.queues.iter().enumerate() {
            let queue = sqlx::query("SELECT id FROM queues WHERE code = $1")
                .bind(&m.queue)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| invalid(format!("queues[{i}].queue"), "names no queue"))?;
            let queue_id: i64 = queue.try_get("id")?;
            sqlx::query("INSERT INTO queue_agents (queue_id, user_id, ordinal) VALUES ($1, $2, $3)")
                .bind(queue_id)
                .bind(user_id)
                .bind(i64::from(m.order))
                .execute(&mut *tx)
                .await?;
        }
        for s in &profile.skills {
            sqlx::query("INSERT INTO agent_skills (user_id, skill, level) VALUES ($1, $2, $3)")
                .bind(user_id)
                .bind(&s.skill)
                .bind(i64::from(s.level))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The checks of a queue write: its own values, and that the queue it
    /// overflows into exists.
    async fn check_queue(&self, config: &QueueConfig) -> Result<(), WriteError> {
        config.validate()?;
        if let Overflow::Queue(target) = &config.overflow {
            let found =
                sqlx::query("SELECT id FROM queues WHERE code = $1").bind(target).fetch_optional(&self.pool).await?;
            if found.is_none() {
                return Err(invalid("overflow", "names no queue"));
            }
        }
        Ok(())
    }
}

fn queue_json(config: &QueueConfig) -> String {
    serde_json::to_string(config).expect("a QueueConfig always serializes")
}

/// Profiles from `(user_id, code, ordinal)` and `(user_id, skill, level)` rows.
fn profiles(
    queues: &[sqlx::any::AnyRow],
    skills: &[sqlx::any::AnyRow],
) -> Result<BTreeMap<i64, AgentProfile>, StoreError> {
    let mut out: BTreeMap<i64, AgentProfile> = BTreeMap::new();
    for r in queues {
        let ordinal: i64 = r.try_get("ordinal")?;
        let order = u32::try_from(ordinal).map_err(|_| StoreError::Corrupt(format!("membership order {ordinal}")))?;
        out.entry(r.try_get("user_id")?).or_default().queues.push(Membership { queue: r.try_get("code")?, order });
    }
    for r in skills {
        let level: i64 = r.try_get("level")?;
        let level = u8::try_from(level).map_err(|_| StoreError::Corrupt(format!("skill level {level}")))?;
        out.entry(r.try_get("user_id")?).or_default().skills.push(Skill { skill: r.try_get("skill")?, level });
    }
    Ok(out)
}
