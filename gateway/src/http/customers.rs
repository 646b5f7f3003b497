//! Customers: agents and supervisors search, read, create and edit them (an
//! agent fixes a customer's data during a call); only administrators delete.
//! Phone numbers arrive as people type them and are stored as E.164; they
//! never reach the log (the audit log names customers by id).

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use shared::Problem;
use shared::customers::{Customer, CustomerInput, CustomerPage};
use shared::directory::InteractionSummary;

use super::error::{ApiJson, ApiPath, ApiQuery};
use super::session::{Admins, Agents, Allowed, ClientAddr};
use super::{AppError, AppState};
use crate::store::CustomerFields;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerSearch {
    /// Part of a name, a customer code or a phone number (digits may be
    /// Persian or Arabic-Indic). Empty: every customer.
    #[serde(default)]
    pub q: String,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100; 20 when absent.
    pub limit: Option<i64>,
}

/// The cursor after the customer with id `id`. Opaque to clients, so that
/// the order behind it may change.
fn cursor_after(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{id}"))
}

fn parse_cursor(cursor: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&raw).ok()?.strip_prefix("c1:")?.parse().ok().filter(|id| *id >= 0)
}

/// Search customers, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/customers", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(CustomerSearch),
    responses(
        (status = 200, body = CustomerPage),
        (status = 400, description = "A bad limit, q or cursor", body = Problem),
        (status = 401, body = Problem),
    )
)]
pub async fn search(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CustomerSearch>,
) -> Result<axum::Json<CustomerPage>, AppError> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) || q.q.chars().count() > 100 {
        return Err(AppError::BadRequest("limit must be 1 to 100 and q at most 100 characters".into()));
    }
    let after = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => parse_cursor(c).ok_or_else(|| AppError::BadRequest("cursor is not one this API gave".into()))?,
    };
    let mut items = state.store.customers().search(&q.q, after, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|c| cursor_after(c.id))
    } else {
        None
    };
    Ok(axum::Json(CustomerPage { items, next_cursor }))
}

/// Create a customer.
#[utoipa::path(
    post, path = "/api/v1/customers", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    request_body = CustomerInput,
    responses(
        (status = 201, body = Customer),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 409, description = "The code or a phone number belongs to another customer", body = Problem),
        (status = 422, description = "A value is wrong; `key` names it (`phones[1]`, `email`, …)", body = Problem),
    )
)]
pub async fn create(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<CustomerInput>,
) -> Result<(StatusCode, axum::Json<Customer>), AppError> {
    let fields = CustomerFields::from_input(&input)?;
    let customer = state.store.customers().create(&fields, state.clock.now_ms()).await?;
    state.audit(&authed, addr, "customer.created", format!("customer:{}", customer.id)).await?;
    Ok((StatusCode::CREATED, axum::Json(customer)))
}

/// One customer.
#[utoipa::path(
    get, path = "/api/v1/customers/{id}", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The customer's id")),
    responses((status = 200, body = Customer), (status = 401, body = Problem), (status = 404, body = Problem))
)]
pub async fn read(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Customer>, AppError> {
    Ok(axum::Json(state.store.customers().by_id(id).await?.ok_or(AppError::NotFound)?))
}

/// Replace a customer's fields (the code stays when left out).
#[utoipa::path(
    put, path = "/api/v1/customers/{id}", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The customer's id")),
    request_body = CustomerInput,
    responses(
        (status = 200, body = Customer),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The code or a phone number belongs to another customer", body = Problem),
        (status = 422, description = "A value is wrong; `key` names it", body = Problem),
    )
)]
pub async fn update(
    authed: Allowed<Agents>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CustomerInput>,
) -> Result<axum::Json<Customer>, AppError> {
    let fields = CustomerFields::from_input(&input)?;
    let customer = state.store.customers().update(id, &fields, state.clock.now_ms()).await?;
    let customer = customer.ok_or(AppError::NotFound)?;
    state.audit(&authed, addr, "customer.updated", format!("customer:{id}")).await?;
    Ok(axum::Json(customer))
}

/// Delete a customer and their numbers; their interactions stay, without
/// the customer.
#[utoipa::path(
    delete, path = "/api/v1/customers/{id}", tag = "customers",
    security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "The customer's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn delete(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    if !state.store.customers().delete(id).await? {
        return Err(AppError::NotFound);
    }
    state.audit(&authed, addr, "customer.deleted", format!("customer:{id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A customer's earlier interactions, newest first (at most 50).
#[utoipa::path(
    get, path = "/api/v1/customers/{id}/interactions", tag = "customers",
    security(("session" = ["agent", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "The customer's id")),
    responses((status = 200, body = Vec<InteractionSummary>), (status = 401, body = Problem), (status = 404, body = Problem))
)]
pub async fn interactions(
    _: Allowed<Agents>,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<InteractionSummary>>, AppError> {
    state.store.customers().by_id(id).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(state.store.customer_interactions(id, 50).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        for id in [0, 1, 42, i64::MAX] {
            assert_eq!(parse_cursor(&cursor_after(id)), Some(id));
        }
        assert_eq!(parse_cursor("42"), None);
        assert_eq!(parse_cursor(&URL_SAFE_NO_PAD.encode("c1:-5")), None);
        assert_eq!(parse_cursor("not base64!"), None);
    }
}
