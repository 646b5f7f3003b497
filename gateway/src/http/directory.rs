//! Agents, queues and customers as the apps read them.

use axum::extract::State;
use serde::Deserialize;
use shared::Role;
use shared::directory::{Agent, Customer, CustomerCard, Queue};

use super::error::{ApiPath, ApiQuery};
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

/// The queues.
#[utoipa::path(
    get, path = "/api/v1/queues", tag = "queues",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = Vec<Queue>), (status = 401, body = shared::Problem))
)]
pub async fn list_queues(
    _: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Queue>>, AppError> {
    Ok(axum::Json(state.store.queues().await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerSearch {
    /// Part of a name, a customer code or a phone number.
    #[serde(default)]
    pub q: String,
    /// Cursor: the last id of the previous page.
    #[serde(default)]
    pub after: i64,
    /// 1 to 100; 20 when absent.
    pub limit: Option<i64>,
}

/// Search customers.
#[utoipa::path(
    get, path = "/api/v1/customers", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(CustomerSearch),
    responses((status = 200, body = Vec<Customer>), (status = 400, body = shared::Problem), (status = 401, body = shared::Problem))
)]
pub async fn search_customers(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CustomerSearch>,
) -> Result<axum::Json<Vec<Customer>>, AppError> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) || q.q.len() > 100 {
        return Err(AppError::BadRequest("limit must be 1 to 100 and q at most 100 bytes".into()));
    }
    Ok(axum::Json(state.store.search_customers(q.q.trim(), q.after, limit).await?))
}

/// A customer with their earlier interactions: the customer card.
#[utoipa::path(
    get, path = "/api/v1/customers/{id}", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The customer's id")),
    responses((status = 200, body = CustomerCard), (status = 401, body = shared::Problem), (status = 404, body = shared::Problem))
)]
pub async fn customer_card(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<CustomerCard>, AppError> {
    let customer = state.store.customer(id).await?.ok_or(AppError::NotFound)?;
    let interactions = state.store.customer_interactions(id, 50).await?;
    Ok(axum::Json(CustomerCard { customer, interactions }))
}
