//! Tickets: agents (and supervisors, admins) open them for a customer
//! during a call, list a customer's, and follow them up (status, due time,
//! notes). Every write is audited; the audit log names tickets by id, and
//! neither subjects nor notes reach the log.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::Problem;
use shared::tickets::{NewTicket, Ticket, TicketPatch, TicketStatus};

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::interactions::page_limit;
use super::session::{Agents, Allowed, ClientAddr};
use super::{AppError, AppState};
use crate::store::{TicketChanges, TicketFields};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// Statuses to list, separated by commas (`open,in_progress` for the
    /// open ones). Absent: every status.
    pub status: Option<String>,
    /// 1 to 200; 100 when absent.
    pub limit: Option<i64>,
}

fn parse_statuses(s: Option<&str>) -> Result<Vec<TicketStatus>, AppError> {
    let Some(s) = s.filter(|s| !s.trim().is_empty()) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for part in s.split(',') {
        let st = TicketStatus::parse(part.trim()).ok_or_else(|| {
            AppError::BadRequest("status: a list of open, in_progress, resolved, closed, separated by commas".into())
        })?;
        if !out.contains(&st) {
            out.push(st);
        }
    }
    Ok(out)
}

/// A customer's tickets, newest first.
#[utoipa::path(
    get, path = "/api/v1/customers/{id}/tickets", tag = "tickets",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The customer's id"), TicketQuery),
    responses(
        (status = 200, body = Vec<Ticket>),
        (status = 400, description = "A bad status or limit", body = Problem),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn for_customer(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<axum::Json<Vec<Ticket>>, AppError> {
    let limit = page_limit(q.limit, 100, 200)?;
    let statuses = parse_statuses(q.status.as_deref())?;
    state.store.customers().by_id(id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(state.store.tickets().for_customer(id, &statuses, limit).await?))
}

/// Open a ticket for a customer, linked to the call it came from.
#[utoipa::path(
    post, path = "/api/v1/tickets", tag = "tickets",
    security(("session" = ["agent", "supervisor", "admin"])),
    request_body = NewTicket,
    responses(
        (status = 201, body = Ticket),
        (status = 400, description = "Not JSON, a missing or unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 422, description = "A value is wrong, or the customer or call does not exist; `key` names it", body = Problem),
    )
)]
pub async fn create(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<NewTicket>,
) -> Result<(StatusCode, axum::Json<Ticket>), AppError> {
    let fields = TicketFields::from_new(&input)?;
    let tickets = state.store.tickets();
    if state.store.customers().by_id(fields.customer_id).await?.is_none() {
        return Err(AppError::Invalid { detail: "customer_id: no such customer".into(), member: key("customer_id") });
    }
    if let Some(call) = &fields.call_id
        && !tickets.call_exists(call).await?
    {
        return Err(AppError::Invalid { detail: "call_id: no such call".into(), member: key("call_id") });
    }
    let ticket = tickets.create(&fields, authed.user.id, state.clock.now_ms()).await?;
    state.audit(&authed, addr, "ticket.created", format!("ticket:{}", ticket.id)).await?;
    Ok((StatusCode::CREATED, axum::Json(ticket)))
}

fn key(name: &str) -> Option<(&'static str, String)> {
    Some(("key", name.to_owned()))
}

/// One ticket.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}", tag = "tickets",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The ticket's id")),
    responses((status = 200, body = Ticket), (status = 401, body = Problem), (status = 404, body = Problem))
)]
pub async fn read(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Ticket>, AppError> {
    Ok(axum::Json(state.store.tickets().by_id(id).await?.ok_or(AppError::NotFound)?))
}

/// Change a ticket: only the fields present change; `"due_at": null`
/// clears the due time.
#[utoipa::path(
    patch, path = "/api/v1/tickets/{id}", tag = "tickets",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The ticket's id")),
    request_body = TicketPatch,
    responses(
        (status = 200, body = Ticket),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "A value is wrong; `key` names it", body = Problem),
    )
)]
pub async fn update(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<TicketPatch>,
) -> Result<axum::Json<Ticket>, AppError> {
    let changes = TicketChanges::from_patch(&patch)?;
    let tickets = state.store.tickets();
    if changes.is_empty() {
        return Ok(axum::Json(tickets.by_id(id).await?.ok_or(AppError::NotFound)?));
    }
    let ticket = tickets.update(id, &changes, state.clock.now_ms()).await?.ok_or(AppError::NotFound)?;
    state.audit(&authed, addr, "ticket.updated", format!("ticket:{id}")).await?;
    Ok(axum::Json(ticket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lists_parse() {
        assert_eq!(parse_statuses(None).unwrap(), vec![]);
        assert_eq!(parse_statuses(Some("")).unwrap(), vec![]);
        assert_eq!(
            parse_statuses(Some("open, in_progress,open")).unwrap(),
            vec![TicketStatus::Open, TicketStatus::InProgress]
        );
        assert!(parse_statuses(Some("open,done")).is_err());
        assert!(parse_statuses(Some("open,")).is_err());
    }
}
