//! What supervisors do to an agent from the agent grid: set their status
//! for them (a forgotten break, an agent who left without signing out) and
//! sign them out (every session ends and their desk returns to the login
//! page). Both are audited with who did it; the agent's desk shows the new
//! status as for any change.

use axum::extract::State;
use axum::http::StatusCode;
use shared::Problem;
use shared::Role;
use shared::directory::ForceStatus;
use shared::ws::AgentStatus;

use super::error::{ApiJson, ApiPath};
use super::session::{Allowed, ClientAddr, Supervisors};
use super::{AppError, AppState};
use crate::store::CodeKind;

/// Sets an agent's status for them. The agent must have the desk open.
#[utoipa::path(
    post, path = "/api/v1/agents/{id}/status", tag = "agents",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The agent's user id")),
    request_body = ForceStatus,
    responses(
        (status = 204, description = "Set; the agent's desk and supervisors hear it"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No such agent", body = Problem),
        (status = 409, description = "The agent's desk is not open", body = Problem),
        (status = 422, description = "Not a listed reason code", body = Problem),
    )
)]
pub async fn force_status(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ForceStatus>,
) -> Result<StatusCode, AppError> {
    let agent = state.store.user(id).await?.filter(|u| u.role == Role::Agent).ok_or(AppError::NotFound)?;
    let reason = match req.reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
        Some(r) if req.status == AgentStatus::NotReady => {
            if !state.store.desk_code_exists(CodeKind::Reason, &r).await? {
                return Err(AppError::Invalid {
                    detail: "reason: not one of GET /api/v1/reason-codes".into(),
                    member: Some(("key", "reason".into())),
                });
            }
            Some(r)
        }
        _ => None,
    };
    let now = state.clock.now_ms();
    let changed = state.change_presence(|p| p.handle_set_status(now, agent.id, req.status, reason.clone()));
    if changed.is_none() {
        return Err(AppError::Conflict("the agent's desk is not open".into()));
    }
    if let Some(calls) = state.calls.get() {
        calls.status_chosen(agent.id, req.status == AgentStatus::Available, reason).await;
    }
    let target = format!("agent:{}:{}", agent.id, req.status.as_str());
    state.audit(&authed, addr, "agent.status_forced", target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs an agent out everywhere: their sessions end and their desks go
/// back to the login page.
#[utoipa::path(
    post, path = "/api/v1/agents/{id}/logout", tag = "agents",
    security(("session" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "The agent's user id")),
    responses(
        (status = 204, description = "Signed out (also when they had no session)"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "No such agent", body = Problem),
    )
)]
pub async fn logout(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let agent = state.store.user(id).await?.filter(|u| u.role == Role::Agent).ok_or(AppError::NotFound)?;
    let hashes = state.store.user_session_hashes(agent.id).await?;
    state.store.delete_user_sessions(agent.id).await?;
    for h in hashes {
        let _ = state.ended_sessions.send(h);
    }
    state.audit(&authed, addr, "agent.logged_out", format!("agent:{}", agent.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
