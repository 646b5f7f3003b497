//! Accounts.

use shared::Role;
use sqlx::Row;

use super::{Store, StoreError, is_unique_violation};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub language: String,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    /// Already hashed (see `auth::password`).
    pub password_hash: &'a str,
    pub language: &'a str,
}

const COLUMNS: &str = "id, username, display_name, role, password_hash, language, disabled";

fn from_row(row: &sqlx::any::AnyRow) -> Result<UserRow, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(UserRow {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        password_hash: row.try_get("password_hash")?,
        language: row.try_get("language")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

impl Store {
    pub async fn create_user(&self, u: &NewUser<'_>, now_ms: i64) -> Result<i64, StoreError> {
        let r = sqlx::query(
            "INSERT INTO users (username, display_name, role, password_hash, language, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(u.language)
        .bind(0_i64)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await;
        match r {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("username")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// All users, or those of one role, by name.
    pub async fn users(&self, role: Option<Role>) -> Result<Vec<UserRow>, StoreError> {
        let rows = match role {
            Some(r) => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE role = $1 ORDER BY display_name, id"))
                    .bind(r.as_str())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY display_name, id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    pub async fn set_password_hash(&self, id: i64, hash: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }
}

/// What an administrator may change on an account (all of it written).
#[derive(Debug, Clone)]
pub struct UserChange<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub language: &'a str,
    pub disabled: bool,
}

impl Store {
    /// Writes an account's name, role, language and disabled flag; `false`
    /// when there is no such account.
    pub async fn update_user(&self, id: i64, c: &UserChange<'_>) -> Result<bool, StoreError> {
        let r =
            sqlx::query("UPDATE users SET display_name = $1, role = $2, language = $3, disabled = $4 WHERE id = $5")
                .bind(c.display_name)
                .bind(c.role.as_str())
                .bind(c.language)
                .bind(i64::from(c.disabled))
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Whether the account has handled calls or changed anything (signing
    /// in and out does not count): such an account is disabled rather than
    /// deleted, so that records and the audit log keep saying who.
    pub async fn user_has_history(&self, id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM interactions WHERE agent_id = $1) \
                  + (SELECT COUNT(*) FROM audit_log WHERE actor_id = $2 \
                     AND action NOT LIKE 'session.%' AND action NOT LIKE 'login.%') AS n",
        )
        .bind(id)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Deletes an account (its sessions, memberships and skills go with
    /// it); `false` when there is no such account.
    pub async fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(r.rows_affected() == 1)
    }
}
