//! Agents as the apps read them. (Queues and customers: `queues.rs`,
//! `customers.rs`.)

use axum::extract::State;
use shared::Role;
use shared::directory::Agent;

use super::error::ApiPath;
use super::session::{Agents, Allowed, Supervisors};
use super::{AppError, AppState};
use crate::store::UserRow;

async fn agent_view(state: &AppState, u: &UserRow) -> Result<Agent, AppError> {
    Ok(Agent {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        language: u.language.clone(),
        queue_ids: state.store.agent_queue_ids(u.id).await?,
    })
}

/// Every agent, for supervisors.
#[utoipa::path(
    get, path = "/api/v1/agents", tag = "agents",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<Agent>), (status = 401, body = shared::Problem), (status = 403, body = shared::Problem))
)]
pub async fn list_agents(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Agent>>, AppError> {
    let mut out = Vec::new();
    for u in state.store.users(Some(Role::Agent)).await? {
        out.push(agent_view(&state, &u).await?);
    }
    Ok(axum::Json(out))
}

/// One agent. An agent may read only their own record.
#[utoipa::path(
    get, path = "/api/v1/agents/{id}", tag = "agents",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The agent's user id")),
    responses(
        (status = 200, body = Agent),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Another agent's record", body = shared::Problem),
        (status = 404, body = shared::Problem),
    )
)]
pub async fn agent(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Agent>, AppError> {
    if authed.user.id != id {
        authed.require(Role::Supervisor).map_err(|_| AppError::Forbidden("another agent's record"))?;
    }
    let user = state.store.user(id).await?.filter(|u| u.role == Role::Agent || u.id == authed.user.id);
    let user = user.ok_or(AppError::NotFound)?;
    Ok(axum::Json(agent_view(&state, &user).await?))
}
