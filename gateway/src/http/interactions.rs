//! Interaction records: the list (supervisors see every call, agents their
//! own), one call with its legs and timeline, and the agent's wrap-up.

use axum::extract::State;
use serde::Deserialize;
use shared::Role;
use shared::records::{
    CALL_WRAPPED_UP, Disposition, Initiation, Interaction, InteractionDetail, InteractionPage, WrapUpRequest,
};

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::session::{Agents, Allowed, Authed};
use super::{AppError, AppState};
use crate::store::{Cursor, InteractionFilter, WrapUp};

/// Longest call id looked up; the gateway's are far shorter.
const CALL_ID_MAX: usize = 256;

/// Unix ms of an RFC 3339 time; the error names `key`.
pub(super) fn parse_time(s: &str, key: &str) -> Result<i64, AppError> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|_| AppError::BadRequest(format!("{key}: not an RFC 3339 time")))?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| AppError::BadRequest(format!("{key}: out of range")))
}

/// A page size: 1 to `max`, `default` when absent.
pub(super) fn page_limit(limit: Option<i64>, default: i64, max: i64) -> Result<i64, AppError> {
    let limit = limit.unwrap_or(default);
    if (1..=max).contains(&limit) { Ok(limit) } else { Err(AppError::BadRequest(format!("limit: 1 to {max}"))) }
}

pub(super) fn cursor(c: Option<&str>) -> Result<Option<Cursor>, AppError> {
    c.map(|c| Cursor::decode(c).ok_or_else(|| AppError::BadRequest("cursor: not one this API gave".into()))).transpose()
}

/// Free text a user typed: at most `max` characters, no control characters
/// but line breaks and tabs.
pub(super) fn check_text(s: &str, key: &str, max: usize) -> Result<(), AppError> {
    if s.chars().count() > max || s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::BadRequest(format!("{key}: at most {max} characters, no control characters")));
    }
    Ok(())
}

pub(super) fn is_supervisor(authed: &Authed) -> bool {
    authed.user.role.at_least(Role::Supervisor)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InteractionQuery {
    /// RFC 3339: calls started at or after.
    pub from: Option<String>,
    /// RFC 3339: calls started before.
    pub to: Option<String>,
    /// A queue's code.
    pub queue: Option<String>,
    /// Calls the agent took or had a leg in. Agents may give only their own id.
    pub agent_id: Option<i64>,
    pub disposition: Option<Disposition>,
    pub initiation: Option<Initiation>,
    pub customer_id: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
}

/// Interaction records, newest first.
///
/// Supervisors and admins see every call; an agent sees the calls they took
/// or had a leg in. Each record carries its customer's name and the tickets
/// opened on the call (kind, subject, status, due time).
#[utoipa::path(
    get, path = "/api/v1/interactions", tag = "interactions",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(InteractionQuery),
    responses(
        (status = 200, body = InteractionPage),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, description = "An agent asked for another agent's calls", body = shared::Problem),
    )
)]
pub async fn list(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<InteractionQuery>,
) -> Result<axum::Json<InteractionPage>, AppError> {
    let limit = page_limit(q.limit, 50, 200)?;
    let mut f = InteractionFilter {
        from: q.from.as_deref().map(|t| parse_time(t, "from")).transpose()?,
        to: q.to.as_deref().map(|t| parse_time(t, "to")).transpose()?,
        queue: q.queue,
        agent_id: q.agent_id,
        disposition: q.disposition,
        customer_id: q.customer_id,
        initiation: q.initiation,
    };
    if !is_supervisor(&authed) {
        if f.agent_id.is_some_and(|a| a != authed.user.id) {
            return Err(AppError::Forbidden("another agent's calls"));
        }
        f.agent_id = Some(authed.user.id);
    }
    let cursor = cursor(q.cursor.as_deref())?;
    Ok(axum::Json(state.store.interactions(&f, cursor, limit).await?))
}

/// One call's record with its legs and timeline.
#[utoipa::path(
    get, path = "/api/v1/interactions/{call_id}", tag = "interactions",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("call_id" = String, Path, description = "The gateway's id of the call")),
    responses(
        (status = 200, body = InteractionDetail),
        (status = 401, body = shared::Problem),
        (status = 403, description = "An agent asked for a call they had no part in", body = shared::Problem),
        (status = 404, body = shared::Problem),
    )
)]
pub async fn detail(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(call_id): ApiPath<String>,
) -> Result<axum::Json<InteractionDetail>, AppError> {
    if call_id.len() > CALL_ID_MAX {
        return Err(AppError::NotFound);
    }
    let d = state.store.interaction(&call_id).await?.ok_or(AppError::NotFound)?;
    let me = Some(authed.user.id);
    if !is_supervisor(&authed) && d.interaction.agent_id != me && !d.legs.iter().any(|l| l.agent_id == me) {
        return Err(AppError::Forbidden("another agent's call"));
    }
    Ok(axum::Json(d))
}

/// Save the call's wrap-up: the disposition code and notes.
///
/// Only the call's agent may (supervisors and admins may for them). Saving
/// again replaces both. Adds `call.wrapped_up` to the timeline.
#[utoipa::path(
    post, path = "/api/v1/interactions/{call_id}/wrap_up", tag = "interactions",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("call_id" = String, Path, description = "The gateway's id of the call")),
    request_body = WrapUpRequest,
    responses(
        (status = 200, body = Interaction),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Not the call's agent", body = shared::Problem),
        (status = 404, body = shared::Problem),
    )
)]
pub async fn wrap_up(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(call_id): ApiPath<String>,
    ApiJson(req): ApiJson<WrapUpRequest>,
) -> Result<axum::Json<Interaction>, AppError> {
    if call_id.len() > CALL_ID_MAX {
        return Err(AppError::NotFound);
    }
    let code = req.disposition_code.trim();
    if code.is_empty() || code.chars().count() > 64 || code.chars().any(char::is_control) {
        return Err(AppError::BadRequest("disposition_code: 1 to 64 characters".into()));
    }
    if !state.store.desk_code_exists(crate::store::CodeKind::Disposition, code).await? {
        return Err(AppError::Invalid {
            detail: "disposition_code: not one of GET /api/v1/dispositions".into(),
            member: Some(("key", "disposition_code".into())),
        });
    }
    let notes = req.notes.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = notes {
        check_text(n, "notes", 4000)?;
    }
    let now = state.clock.now_ms();
    let by = authed.user.id;
    match state.store.interaction_wrap_up(&call_id, by, is_supervisor(&authed), code, notes, now).await? {
        WrapUp::NoSuchCall => return Err(AppError::NotFound),
        WrapUp::NotTheAgent => return Err(AppError::Forbidden("not your call")),
        WrapUp::Saved => {}
    }
    let data = serde_json::json!({ "by": by, "disposition_code": code });
    state.store.interaction_event(&call_id, now, CALL_WRAPPED_UP, Some(&data)).await?;
    // The agent's own wrap-up is done: back to their status.
    if let Some(calls) = state.calls.get()
        && let Err(r) = calls.wrap_up_done(by, call_id.clone()).await
    {
        tracing::debug!(code = r.code, "wrap-up saved for a call not being wrapped up");
    }
    let record = state.store.interaction_record(&call_id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(record))
}
