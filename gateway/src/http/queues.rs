//! Queues' routing settings and agents' routing profiles: administrators
//! write them, supervisors read them, an agent reads their own profile. The
//! list of queues stays open to agents (the desk shows an agent's queues),
//! with the settings only for supervisors and administrators.
//!
//! A wrong value is answered 422 ([`AppError::Invalid`]): the key in
//! `detail` (`"ring_timeout_secs: must be 1 to 600"`) and in the extension
//! member `key`, so that a form can mark the field.
//!
//! Every committed write is announced on `AppState::routing_changes` (see
//! `routing_events.rs`) and written to the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use shared::routing::{AgentProfile, ConfigError, QueueConfig};
use shared::{Problem, Role};

use super::error::{ApiJson, ApiPath};
use super::routing_events::RoutingChanged;
use super::session::{Admins, Agents, Allowed, ClientAddr, Supervisors};
use super::{AppError, AppState};

/// A queue in the list: what everyone sees, and its settings for
/// supervisors and administrators.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueEntry {
    pub id: i64,
    /// The routing name (`config.name`), the key of the other queue routes.
    pub code: String,
    /// The name the desks show.
    pub name: String,
    /// Absent for agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<QueueConfig>,
}

/// Every queue; the settings only for supervisors and administrators.
#[utoipa::path(
    get, path = "/api/v1/queues", tag = "queues",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = Vec<QueueEntry>), (status = 401, body = Problem))
)]
pub async fn list(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<QueueEntry>>, AppError> {
    let with_config = authed.require(Role::Supervisor).is_ok();
    let rows = state.store.queue_rows().await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|q| QueueEntry {
                id: q.id,
                code: q.config.name.clone(),
                name: q.display_name,
                config: with_config.then_some(q.config),
            })
            .collect(),
    ))
}

/// Create a queue.
#[utoipa::path(
    post, path = "/api/v1/queues", tag = "queues",
    security(("session" = ["admin"])),
    request_body = QueueConfig,
    responses(
        (status = 201, body = QueueConfig),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "A value is wrong, or `overflow` names no queue; `key` names it", body = Problem),
    )
)]
pub async fn create(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(config): ApiJson<QueueConfig>,
) -> Result<(StatusCode, axum::Json<QueueConfig>), AppError> {
    let now = state.clock.now_ms();
    state.store.create_queue_config(&config, Some(authed.user.id), now).await?;
    state.audit(&authed, addr, "queue.created", format!("queue:{}", config.name)).await?;
    let _ = state.routing_changes.send(RoutingChanged::Queue(config.name.clone()));
    Ok((StatusCode::CREATED, axum::Json(config)))
}

/// One queue's settings.
#[utoipa::path(
    get, path = "/api/v1/queues/{name}", tag = "queues",
    security(("session" = ["supervisor", "admin"])),
    params(("name" = String, Path, description = "The queue's routing name")),
    responses(
        (status = 200, body = QueueConfig),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn read(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<axum::Json<QueueConfig>, AppError> {
    let row = state.store.queue_config(&name).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(row.config))
}

/// Replace a queue's settings. `name` may be left out; when given it must be
/// the queue's (queues are not renamed).
#[utoipa::path(
    put, path = "/api/v1/queues/{name}", tag = "queues",
    security(("session" = ["admin"])),
    params(("name" = String, Path, description = "The queue's routing name")),
    request_body = QueueConfig,
    responses(
        (status = 200, body = QueueConfig),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "A value is wrong, or `overflow` names no queue; `key` names it", body = Problem),
    )
)]
pub async fn update(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(name): ApiPath<String>,
    ApiJson(mut config): ApiJson<QueueConfig>,
) -> Result<axum::Json<QueueConfig>, AppError> {
    if config.name.is_empty() {
        config.name = name.clone();
    } else if config.name != name {
        return Err(ConfigError {
            key: "name".into(),
            reason: "differs from the queue's; queues are not renamed".into(),
        }
        .into());
    }
    let now = state.clock.now_ms();
    if !state.store.update_queue_config(&config, Some(authed.user.id), now).await? {
        return Err(AppError::NotFound);
    }
    state.audit(&authed, addr, "queue.updated", format!("queue:{name}")).await?;
    let _ = state.routing_changes.send(RoutingChanged::Queue(name));
    Ok(axum::Json(config))
}

/// Delete a queue, and every agent's membership of it.
#[utoipa::path(
    delete, path = "/api/v1/queues/{name}", tag = "queues",
    security(("session" = ["admin"])),
    params(("name" = String, Path, description = "The queue's routing name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Another queue overflows into it", body = Problem),
    )
)]
pub async fn delete(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    if !state.store.delete_queue(&name).await? {
        return Err(AppError::NotFound);
    }
    state.audit(&authed, addr, "queue.deleted", format!("queue:{name}")).await?;
    let _ = state.routing_changes.send(RoutingChanged::QueueRemoved(name));
    Ok(StatusCode::NO_CONTENT)
}

/// A user's routing profile: queues (by order) and skills (by name). An
/// agent may read only their own.
#[utoipa::path(
    get, path = "/api/v1/agents/{id}/routing", tag = "agents",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 200, body = AgentProfile),
        (status = 401, body = Problem),
        (status = 403, description = "Another agent's profile", body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn agent_routing(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<AgentProfile>, AppError> {
    if authed.user.id != id {
        authed.require(Role::Supervisor).map_err(|_| AppError::Forbidden("another agent's profile"))?;
    }
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(state.store.agent_profile(id).await?))
}

/// Replace a user's routing profile.
#[utoipa::path(
    put, path = "/api/v1/agents/{id}/routing", tag = "agents",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = AgentProfile,
    responses(
        (status = 200, description = "The profile as stored", body = AgentProfile),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "A value is wrong, or a membership names no queue; `key` names it", body = Problem),
    )
)]
pub async fn set_agent_routing(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(profile): ApiJson<AgentProfile>,
) -> Result<axum::Json<AgentProfile>, AppError> {
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    state.store.set_agent_profile(id, &profile).await?;
    state.audit(&authed, addr, "agent.routing.updated", format!("user:{id}")).await?;
    let _ = state.routing_changes.send(RoutingChanged::Agent(id));
    Ok(axum::Json(state.store.agent_profile(id).await?))
}
