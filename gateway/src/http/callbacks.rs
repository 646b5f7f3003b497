//! Callbacks: supervisors list them; agents and supervisors schedule one
//! for a customer and cancel it while it is pending.
//!
//! The routing engine makes the calls; it reloads pending callbacks from the
//! store, and refuses to dial one that was cancelled in between
//! (`Store::callback_attempt_started`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::customers::normalize_phone;
use shared::records::{Callback, CallbackPage, CallbackState, NewCallback};

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::interactions::{cursor, is_supervisor, page_limit, parse_time};
use super::session::{Agents, Allowed, ClientAddr, Supervisors};
use super::{AppError, AppState};
use crate::store::{CallbackRequest, Cursor};

/// How far ahead a callback may be scheduled.
const MAX_AHEAD_MS: i64 = 366 * 86_400_000;
/// A due time this far in the past is taken as "now" (clocks differ a little).
const PAST_SLACK_MS: i64 = 5 * 60_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CallbackQuery {
    pub state: Option<CallbackState>,
    /// A queue's code.
    pub queue: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
}

/// Callbacks, newest first.
#[utoipa::path(
    get, path = "/api/v1/callbacks", tag = "callbacks",
    security(("session" = ["supervisor", "admin"])),
    params(CallbackQuery),
    responses(
        (status = 200, body = CallbackPage),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
    )
)]
pub async fn list(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CallbackQuery>,
) -> Result<axum::Json<CallbackPage>, AppError> {
    let limit = page_limit(q.limit, 50, 200)?;
    let before = cursor(q.cursor.as_deref())?.map(|c| c.id);
    let mut rows = state.store.callbacks(q.state, q.queue.as_deref(), before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows.last().filter(|_| more).map(|r| Cursor { at: 0, id: r.id }.encode());
    Ok(axum::Json(CallbackPage { items: rows.iter().map(|r| r.to_wire()).collect(), next_cursor }))
}

/// Schedule a callback.
///
/// The number is stored as E.164. Without `due_at` the callback takes its
/// place in the queue now; with it, not before then.
#[utoipa::path(
    post, path = "/api/v1/callbacks", tag = "callbacks",
    security(("session" = ["agent", "supervisor", "admin"])),
    request_body = NewCallback,
    responses(
        (status = 201, body = Callback),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
    )
)]
pub async fn create(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<NewCallback>,
) -> Result<(StatusCode, axum::Json<Callback>), AppError> {
    let now = state.clock.now_ms();
    let queue = req.queue.trim();
    if queue.is_empty() || queue.len() > 64 || !state.store.records_queue_exists(queue).await? {
        return Err(AppError::BadRequest("queue: no such queue".into()));
    }
    // The reason only: the number itself stays out of answers and logs.
    let number = normalize_phone(&req.number).map_err(|e| AppError::BadRequest(format!("number {}", e.reason())))?;
    let due_at = req.due_at.as_deref().map(|t| parse_time(t, "due_at")).transpose()?;
    if let Some(due) = due_at
        && (due < now - PAST_SLACK_MS || due > now + MAX_AHEAD_MS)
    {
        return Err(AppError::BadRequest("due_at: from now to a year ahead".into()));
    }
    let due_at = due_at.map(|d| d.max(now));
    let max_attempts = req.max_attempts.unwrap_or(3);
    if !(1..=10).contains(&max_attempts) {
        return Err(AppError::BadRequest("max_attempts: 1 to 10".into()));
    }
    if let Some(c) = req.customer_id
        && !state.store.records_customer_exists(c).await?
    {
        return Err(AppError::BadRequest("customer_id: no such customer".into()));
    }
    let request = CallbackRequest {
        queue: queue.to_owned(),
        number,
        customer_id: req.customer_id,
        call_id: None,
        requested_at: now,
        due_at,
        position_at: due_at.unwrap_or(now),
        max_attempts,
        created_by: Some(authed.user.id),
    };
    let id = state.store.callback_create(&request, now).await?;
    state.audit(&authed, addr, "callback.scheduled", format!("callback:{id}")).await?;
    let row = state.store.callback(id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(row.to_wire())))
}

/// Cancel a pending callback.
///
/// Supervisors and admins may cancel any; an agent only one they scheduled.
#[utoipa::path(
    post, path = "/api/v1/callbacks/{id}/cancel", tag = "callbacks",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The callback's id")),
    responses(
        (status = 200, body = Callback),
        (status = 401, body = shared::Problem),
        (status = 403, description = "An agent's cancel of a callback they did not schedule", body = shared::Problem),
        (status = 404, body = shared::Problem),
        (status = 409, description = "Not pending: being dialed, or already over", body = shared::Problem),
    )
)]
pub async fn cancel(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Callback>, AppError> {
    let row = state.store.callback(id).await?.ok_or(AppError::NotFound)?;
    if !is_supervisor(&authed) && row.created_by != Some(authed.user.id) {
        return Err(AppError::Forbidden("a callback someone else scheduled"));
    }
    let now = state.clock.now_ms();
    if !state.store.callback_cancel(id, now).await? {
        return Err(AppError::Conflict("the callback is not pending".into()));
    }
    state.audit(&authed, addr, "callback.cancelled", format!("callback:{id}")).await?;
    let row = state.store.callback(id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(row.to_wire()))
}
