//! The desks' code lists: disposition codes (`/dispositions`) and reason
//! codes for not ready (`/reason-codes`). Everyone signed in reads them;
//! administrators replace a list whole (422 naming the entry when one is
//! wrong), which is audited. Records keep the codes, so a code taken out of
//! a list stays readable on old calls.

use axum::extract::State;
use shared::Problem;
use shared::codes::{DeskCode, validate};

use super::error::ApiJson;
use super::session::{Admins, Agents, Allowed, ClientAddr};
use super::{AppError, AppState};
use crate::store::CodeKind;

/// The disposition codes, in the desk's order.
#[utoipa::path(
    get, path = "/api/v1/dispositions", tag = "codes",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = Vec<DeskCode>), (status = 401, body = Problem))
)]
pub async fn dispositions(
    _: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<DeskCode>>, AppError> {
    Ok(axum::Json(state.store.desk_codes(CodeKind::Disposition).await?))
}

/// Replaces the disposition codes.
#[utoipa::path(
    put, path = "/api/v1/dispositions", tag = "codes",
    security(("session" = ["admin"])),
    request_body = Vec<DeskCode>,
    responses(
        (status = 200, body = Vec<DeskCode>),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "An entry is wrong; `key` names it", body = Problem),
    )
)]
pub async fn put_dispositions(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(list): ApiJson<Vec<DeskCode>>,
) -> Result<axum::Json<Vec<DeskCode>>, AppError> {
    replace(&state, &authed, addr, CodeKind::Disposition, list).await
}

/// The reason codes for not ready, in the desk's order.
#[utoipa::path(
    get, path = "/api/v1/reason-codes", tag = "codes",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = Vec<DeskCode>), (status = 401, body = Problem))
)]
pub async fn reason_codes(
    _: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<DeskCode>>, AppError> {
    Ok(axum::Json(state.store.desk_codes(CodeKind::Reason).await?))
}

/// Replaces the reason codes.
#[utoipa::path(
    put, path = "/api/v1/reason-codes", tag = "codes",
    security(("session" = ["admin"])),
    request_body = Vec<DeskCode>,
    responses(
        (status = 200, body = Vec<DeskCode>),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "An entry is wrong; `key` names it", body = Problem),
    )
)]
pub async fn put_reason_codes(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(list): ApiJson<Vec<DeskCode>>,
) -> Result<axum::Json<Vec<DeskCode>>, AppError> {
    replace(&state, &authed, addr, CodeKind::Reason, list).await
}

async fn replace(
    state: &AppState,
    authed: &super::session::Authed,
    addr: std::net::IpAddr,
    kind: CodeKind,
    list: Vec<DeskCode>,
) -> Result<axum::Json<Vec<DeskCode>>, AppError> {
    validate(&list)?;
    // A wrap-up needs a disposition: an empty list would leave agents no
    // way to finish one.
    if kind == CodeKind::Disposition && list.is_empty() {
        return Err(
            shared::routing::ConfigError { key: "codes".into(), reason: "at least one disposition".into() }.into()
        );
    }
    state.store.replace_desk_codes(kind, &list).await?;
    state.audit(authed, addr, "codes.replaced", format!("codes:{}", kind.as_str())).await?;
    Ok(axum::Json(state.store.desk_codes(kind).await?))
}
