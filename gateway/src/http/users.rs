//! Accounts, for administrators: list, create, change (name, role,
//! language, disabled), delete an account with no history, and set a new
//! password. Every change is audited (`user.*`); disabling, a new role or a
//! new password ends the account's sessions, so it applies at once.
//!
//! A wrong value is answered 422 with the field in `detail` and in the
//! extension member `key`, so that a form can mark it.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shared::{Problem, Role, UserInfo};

use super::error::{ApiJson, ApiPath};
use super::routing_events::RoutingChanged;
use super::session::{Admins, Allowed, ClientAddr, user_info};
use super::{AppError, AppState};
use crate::auth::password;
use crate::store::{AuditEntry, NewUser, UserChange, UserRow};

/// An account as administrators see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The UI and whisper language: en, fa, ar or tr.
    pub language: String,
    /// A disabled account cannot sign in.
    pub disabled: bool,
}

fn account(u: &UserRow) -> Account {
    Account {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        language: u.language.clone(),
        disabled: u.disabled,
    }
}

/// Every account, disabled ones included.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    security(("session" = ["admin"])),
    responses((status = 200, body = Vec<Account>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn list(_: Allowed<Admins>, State(state): State<AppState>) -> Result<axum::Json<Vec<Account>>, AppError> {
    Ok(axum::Json(state.store.users(None).await?.iter().map(account).collect()))
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

/// 422 naming `key`.
fn invalid(key: &str, detail: &str) -> AppError {
    AppError::Invalid { detail: format!("{key}: {detail}"), member: Some(("key", key.to_owned())) }
}

/// The fields to change; those left out stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// en, fa, ar or tr.
    pub language: Option<String>,
    pub disabled: Option<bool>,
}

/// Ends every session of `id` and closes their sockets.
async fn end_sessions(state: &AppState, id: i64) -> Result<(), AppError> {
    let hashes = state.store.user_session_hashes(id).await?;
    state.store.delete_user_sessions(id).await?;
    for h in hashes {
        let _ = state.ended_sessions.send(h);
    }
    Ok(())
}

/// Change an account: display name, role, language, disabled. An
/// administrator cannot demote or disable their own account.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", tag = "users",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = AccountChange,
    responses(
        (status = 200, description = "The account as stored", body = Account),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "A value is wrong; `key` names the field", body = Problem),
    )
)]
pub async fn update(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AccountChange>,
) -> Result<axum::Json<Account>, AppError> {
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    let display_name = req.display_name.as_deref().map(str::trim).unwrap_or(&user.display_name);
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(invalid("display_name", "1 to 100 characters"));
    }
    let language = req.language.as_deref().unwrap_or(&user.language);
    if shared::Lang::parse(language).is_none_or(|l| l.tag() != language) {
        return Err(invalid("language", "one of en, fa, ar, tr"));
    }
    let role = req.role.unwrap_or(user.role);
    let disabled = req.disabled.unwrap_or(user.disabled);
    if id == authed.user.id && role != Role::Admin {
        return Err(invalid("role", "administrators cannot take away their own rights"));
    }
    if id == authed.user.id && disabled {
        return Err(invalid("disabled", "administrators cannot disable their own account"));
    }
    let change = UserChange { display_name, role, language, disabled };
    if !state.store.update_user(id, &change).await? {
        return Err(AppError::NotFound);
    }
    let mut what = Vec::new();
    if display_name != user.display_name {
        what.push("display_name");
    }
    if role != user.role {
        what.push("role");
    }
    if language != user.language {
        what.push("language");
    }
    if disabled != user.disabled {
        what.push(if disabled { "disabled" } else { "enabled" });
    }
    let action = match (disabled, user.disabled) {
        (true, false) => "user.disabled",
        (false, true) => "user.enabled",
        _ => "user.updated",
    };
    state.audit(&authed, addr, action, format!("user:{id}:{}", what.join(","))).await?;
    if (disabled && !user.disabled) || role != user.role {
        end_sessions(&state, id).await?;
    }
    if disabled != user.disabled || role != user.role {
        // An agent's desk no longer takes calls, or takes them again.
        let _ = state.routing_changes.send(RoutingChanged::Agent(id));
    }
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(account(&user)))
}

/// Delete an account that never handled a call nor changed anything;
/// others are disabled instead, so that records keep saying who.
#[utoipa::path(
    delete, path = "/api/v1/users/{id}", tag = "users",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The account has history (calls, changes): disable it", body = Problem),
        (status = 422, description = "The administrator's own account", body = Problem),
    )
)]
pub async fn delete(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    if id == authed.user.id {
        return Err(invalid("id", "administrators cannot delete their own account"));
    }
    if state.store.user_has_history(id).await? {
        return Err(AppError::Conflict("the account has calls or changes on record: disable it instead".into()));
    }
    end_sessions(&state, id).await?;
    if !state.store.delete_user(id).await? {
        return Err(AppError::NotFound);
    }
    state.audit(&authed, addr, "user.deleted", format!("user:{id}:{}", user.username)).await?;
    let _ = state.routing_changes.send(RoutingChanged::Agent(id));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// At least 10 characters.
    pub password: String,
}

/// Set a new password for an account; its sessions end.
#[utoipa::path(
    put, path = "/api/v1/users/{id}/password", tag = "users",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = PasswordReset,
    responses(
        (status = 204, description = "Set; the account's sessions ended"),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "Too short or too long; `key` is `password`", body = Problem),
    )
)]
pub async fn reset_password(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<StatusCode, AppError> {
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    if req.password.chars().count() < 10 || req.password.len() > 1024 {
        return Err(invalid("password", "at least 10 characters"));
    }
    let pass = req.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&pass))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !state.store.set_password_hash(id, &hash).await? {
        return Err(AppError::NotFound);
    }
    if id != authed.user.id {
        end_sessions(&state, id).await?;
    }
    state.audit(&authed, addr, "user.password_reset", format!("user:{id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
