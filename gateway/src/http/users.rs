//! Accounts, for administrators.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::{Role, UserInfo};

use super::error::ApiJson;
use super::session::{Admins, Allowed, ClientAddr, user_info};
use super::{AppError, AppState};
use crate::auth::password;
use crate::store::{AuditEntry, NewUser};

/// Every account.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    security(("session" = ["admin"])),
    responses((status = 200, body = Vec<UserInfo>), (status = 401, body = shared::Problem), (status = 403, body = shared::Problem))
)]
pub async fn list(_: Allowed<Admins>, State(state): State<AppState>) -> Result<axum::Json<Vec<UserInfo>>, AppError> {
    Ok(axum::Json(state.store.users(None).await?.iter().map(user_info).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// At least 10 characters.
    pub password: String,
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "en".into()
}

/// Checks a new account's fields; shared with `gateway user add`.
pub fn check_new_user(username: &str, display_name: &str, password: &str, language: &str) -> Result<(), String> {
    if username.is_empty()
        || username.len() > 64
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("username: 1 to 64 of a-z, 0-9, '.', '_', '-'".into());
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 100 {
        return Err("display_name: 1 to 100 characters".into());
    }
    if password.chars().count() < 10 || password.len() > 1024 {
        return Err("password: at least 10 characters".into());
    }
    if shared::Lang::parse(language).is_none() {
        return Err("language: one of en, fa, ar, tr".into());
    }
    Ok(())
}

/// Create an account.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users",
    security(("session" = ["admin"])),
    request_body = NewUserRequest,
    responses(
        (status = 201, body = UserInfo),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 409, description = "The username is taken", body = shared::Problem),
    )
)]
pub async fn create(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, axum::Json<UserInfo>), AppError> {
    let username = req.username.to_lowercase();
    check_new_user(&username, &req.display_name, &req.password, &req.language).map_err(AppError::BadRequest)?;
    let pass = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pass))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let now = state.clock.now_ms();
    let id = state
        .store
        .create_user(
            &NewUser {
                username: &username,
                display_name: req.display_name.trim(),
                role: req.role,
                password_hash: &hash,
                language: &req.language,
            },
            now,
        )
        .await?;
    state
        .store
        .audit(&AuditEntry {
            at: now,
            actor_id: Some(authed.user.id),
            action: "user.created".into(),
            target: Some(format!("user:{username}")),
            source_addr: Some(addr.to_string()),
        })
        .await?;
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(user_info(&user))))
}
