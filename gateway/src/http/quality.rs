//! Quality: scorecards (administrators manage them; supervisors read them
//! to evaluate) and evaluations of recorded calls (supervisors). An agent
//! reads their own through `/api/v1/me/evaluations` (`me.rs`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::quality::{Evaluation, EvaluationInput, EvaluationList, Invalid, MAX_COMMENT, Scorecard, ScorecardInput};

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::interactions::{check_text, parse_time};
use super::session::{Admins, Allowed, Supervisors};
use super::{AppError, AppState};
use crate::store::{EvaluationFilter, NewEvaluation, ScorecardDeleted};

/// Most evaluations one list gives.
const LIST_MAX: i64 = 500;

fn invalid(e: Invalid) -> AppError {
    AppError::Invalid { detail: format!("{}: {}", e.field, e.message), member: Some(("field", e.field)) }
}

/// A scorecard input checked: its fields, and its queue exists.
async fn checked(state: &AppState, s: &ScorecardInput) -> Result<(), AppError> {
    s.validate().map_err(invalid)?;
    if let Some(q) = &s.queue
        && !state.store.records_queue_exists(q).await?
    {
        return Err(invalid(Invalid { field: "queue".into(), message: "no such queue" }));
    }
    Ok(())
}

/// Every scorecard, active ones first.
#[utoipa::path(
    get, path = "/api/v1/scorecards", tag = "quality",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<Scorecard>), (status = 401, body = shared::Problem), (status = 403, body = shared::Problem))
)]
pub async fn scorecards(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Scorecard>>, AppError> {
    Ok(axum::Json(state.store.scorecards().await?))
}

/// Adds a scorecard: a unique name, an optional queue, 1 to 30 criteria
/// each with a weight and the most points it gives (1 to 100).
#[utoipa::path(
    post, path = "/api/v1/scorecards", tag = "quality",
    security(("session" = ["admin"])),
    request_body = ScorecardInput,
    responses(
        (status = 201, body = Scorecard),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 409, description = "The name is taken", body = shared::Problem),
        (status = 422, description = "A wrong field; `field` names it (`criteria[1].weight`)", body = shared::Problem),
    )
)]
pub async fn create_scorecard(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ScorecardInput>,
) -> Result<(StatusCode, axum::Json<Scorecard>), AppError> {
    checked(&state, &input).await?;
    let id = state.store.scorecard_create(&input, authed.user.id, state.clock.now_ms()).await?;
    let s = state.store.scorecard(id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(s)))
}

/// Replaces a scorecard. Evaluations already made keep the criteria they
/// were made with.
#[utoipa::path(
    put, path = "/api/v1/scorecards/{id}", tag = "quality",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The scorecard's id")),
    request_body = ScorecardInput,
    responses(
        (status = 200, body = Scorecard),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 404, body = shared::Problem),
        (status = 409, description = "The name is taken", body = shared::Problem),
        (status = 422, description = "A wrong field; `field` names it", body = shared::Problem),
    )
)]
pub async fn update_scorecard(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ScorecardInput>,
) -> Result<axum::Json<Scorecard>, AppError> {
    checked(&state, &input).await?;
    if !state.store.scorecard_update(id, &input, authed.user.id, state.clock.now_ms()).await? {
        return Err(AppError::NotFound);
    }
    Ok(axum::Json(state.store.scorecard(id).await?.ok_or(AppError::NotFound)?))
}

/// Deletes a scorecard no evaluation used (409 otherwise: make it
/// inactive instead).
#[utoipa::path(
    delete, path = "/api/v1/scorecards/{id}", tag = "quality",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The scorecard's id")),
    responses(
        (status = 204),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 404, body = shared::Problem),
        (status = 409, description = "Evaluations were made with it", body = shared::Problem),
    )
)]
pub async fn delete_scorecard(
    _: Allowed<Admins>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    match state.store.scorecard_delete(id).await? {
        ScorecardDeleted::Deleted => Ok(StatusCode::NO_CONTENT),
        ScorecardDeleted::NotFound => Err(AppError::NotFound),
        ScorecardDeleted::InUse => {
            Err(AppError::Conflict("evaluations were made with this scorecard: make it inactive instead".into()))
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EvaluationQuery {
    /// One call's evaluations.
    pub call_id: Option<String>,
    /// One agent's evaluations.
    pub agent: Option<i64>,
    /// RFC 3339: calls started at or after.
    pub from: Option<String>,
    /// RFC 3339: calls started before.
    pub to: Option<String>,
}

/// Evaluations, newest first (at most 500).
#[utoipa::path(
    get, path = "/api/v1/evaluations", tag = "quality",
    security(("session" = ["supervisor", "admin"])),
    params(EvaluationQuery),
    responses(
        (status = 200, body = EvaluationList),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
    )
)]
pub async fn evaluations(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<EvaluationQuery>,
) -> Result<axum::Json<EvaluationList>, AppError> {
    if q.call_id.as_ref().is_some_and(|c| c.is_empty() || c.len() > 256) {
        return Err(AppError::BadRequest("call_id: a call's id".into()));
    }
    let f = EvaluationFilter {
        call_id: q.call_id,
        agent_id: q.agent,
        from: q.from.as_deref().map(|t| parse_time(t, "from")).transpose()?,
        to: q.to.as_deref().map(|t| parse_time(t, "to")).transpose()?,
    };
    Ok(axum::Json(EvaluationList { items: state.store.evaluations(&f, LIST_MAX).await? }))
}

/// Evaluates a recorded call with an active scorecard: points per
/// criterion in the scorecard's order, and a comment. The evaluation is
/// for the call's agent and queue.
#[utoipa::path(
    post, path = "/api/v1/evaluations", tag = "quality",
    security(("session" = ["supervisor", "admin"])),
    request_body = EvaluationInput,
    responses(
        (status = 201, body = Evaluation),
        (status = 400, body = shared::Problem),
        (status = 401, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 422, description = "A wrong field (`call_id` not a recorded call with an agent, `scorecard_id`, `scores[2]`, `comment`); `field` names it", body = shared::Problem),
    )
)]
pub async fn evaluate(
    authed: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<(StatusCode, axum::Json<Evaluation>), AppError> {
    let field = |field: &str, message: &'static str| invalid(Invalid { field: field.into(), message });
    if input.call_id.is_empty() || input.call_id.len() > 256 {
        return Err(field("call_id", "a call's id"));
    }
    if let Some(c) = &input.comment {
        check_text(c, "comment", MAX_COMMENT).map_err(|_| field("comment", "at most 4000 characters"))?;
    }
    let call = state.store.interaction_record(&input.call_id).await?.ok_or_else(|| field("call_id", "no such call"))?;
    if call.recording.is_none() {
        return Err(field("call_id", "the call has no recording"));
    }
    let Some(agent) = call.agent_id else { return Err(field("call_id", "no agent took the call")) };
    let card = state
        .store
        .scorecard(input.scorecard_id)
        .await?
        .filter(|s| s.active)
        .ok_or_else(|| field("scorecard_id", "no such active scorecard"))?;
    let (criteria, score_bp) = shared::quality::score(&card.criteria, &input.scores).map_err(invalid)?;
    let e = NewEvaluation {
        call_id: input.call_id.clone(),
        scorecard_id: card.id,
        agent_id: Some(agent),
        queue: call.queue.clone(),
        evaluator_id: authed.user.id,
        criteria,
        score_bp,
        comment: input.comment.filter(|c| !c.trim().is_empty()),
    };
    let id = state.store.evaluation_add(&e, state.clock.now_ms()).await?;
    let f = EvaluationFilter { call_id: Some(input.call_id), ..EvaluationFilter::default() };
    let made =
        state.store.evaluations(&f, LIST_MAX).await?.into_iter().find(|e| e.id == id).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(made)))
}
