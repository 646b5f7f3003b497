//! IVR flows and entry points, for administrators (supervisors may read).
//!
//! A flow's JSON is the document itself: `PUT /ivr_flows/{name}` imports
//! it, `GET` exports it (canonical, defaults written out), and a broken one
//! is answered 422 with the node and the reason (`detail`, and the node id
//! in the extension member `node`). An entry point maps a dialed number or
//! `web:<name>` to a flow. Every write goes to the audit log.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shared::Problem;

use super::error::{ApiJson, ApiPath};
use super::session::{Admins, Allowed, ClientAddr, Supervisors};
use super::{AppError, AppState};
use crate::ivr::{EntryPoint, Flow};
use crate::store::{EntryPointRow, FlowDeleted, rfc3339};

/// A flow in the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlowInfo {
    pub name: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The user who last wrote it, if still there.
    pub updated_by: Option<i64>,
}

/// Every flow, by name.
#[utoipa::path(
    get, path = "/api/v1/ivr_flows", tag = "ivr",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<FlowInfo>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn list(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<FlowInfo>>, AppError> {
    let rows = state.store.flows().await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|f| FlowInfo { name: f.name, updated_at: rfc3339(f.updated_at), updated_by: f.updated_by })
            .collect(),
    ))
}

/// Create a flow (import under a new name).
#[utoipa::path(
    post, path = "/api/v1/ivr_flows", tag = "ivr",
    security(("session" = ["admin"])),
    request_body = Flow,
    responses(
        (status = 201, description = "Stored; the flow as it will be exported", body = Flow),
        (status = 400, description = "Not application/json, or not UTF-8", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "A broken flow: `detail` says why, `node` names the node", body = Problem),
    )
)]
pub async fn create(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Response), AppError> {
    let flow = read_flow(&headers, &body)?;
    let now = state.clock.now_ms();
    state.store.create_flow(&flow, Some(authed.user.id), now).await?;
    state.audit(&authed, addr, "ivr_flow.created", format!("ivr_flow:{}", flow.name)).await?;
    Ok((StatusCode::CREATED, json_response(flow.to_json())))
}

/// Export a flow.
#[utoipa::path(
    get, path = "/api/v1/ivr_flows/{name}", tag = "ivr",
    security(("session" = ["supervisor", "admin"])),
    params(("name" = String, Path, description = "The flow's name")),
    responses(
        (status = 200, body = Flow),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
pub async fn read(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, AppError> {
    let record = state.store.flow_record(&name).await?.ok_or(AppError::NotFound)?;
    Ok(json_response(record.definition))
}

/// Import a flow: create it or replace it. The body's `name` must be the
/// one in the path.
#[utoipa::path(
    put, path = "/api/v1/ivr_flows/{name}", tag = "ivr",
    security(("session" = ["admin"])),
    params(("name" = String, Path, description = "The flow's name")),
    request_body = Flow,
    responses(
        (status = 200, description = "Replaced; the flow as it will be exported", body = Flow),
        (status = 201, description = "Created; the flow as it will be exported", body = Flow),
        (status = 400, description = "Not application/json, or not UTF-8", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "A broken flow: `detail` says why, `node` names the node", body = Problem),
    )
)]
pub async fn import(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(name): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Response), AppError> {
    let flow = read_flow(&headers, &body)?;
    if flow.name != name {
        return Err(AppError::invalid(format!("name {:?} differs from the path's {name:?}", flow.name)));
    }
    let now = state.clock.now_ms();
    let created = state.store.save_flow(&flow, Some(authed.user.id), now).await?;
    let action = if created { "ivr_flow.created" } else { "ivr_flow.updated" };
    state.audit(&authed, addr, action, format!("ivr_flow:{name}")).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, json_response(flow.to_json())))
}

/// Delete a flow no entry point runs.
#[utoipa::path(
    delete, path = "/api/v1/ivr_flows/{name}", tag = "ivr",
    security(("session" = ["admin"])),
    params(("name" = String, Path, description = "The flow's name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Entry points run it", body = Problem),
    )
)]
pub async fn delete(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    match state.store.delete_flow(&name).await? {
        FlowDeleted::Deleted => {}
        FlowDeleted::Missing => return Err(AppError::NotFound),
        FlowDeleted::InUse(entries) => {
            let detail = if entries.is_empty() {
                "entry points run this flow".to_owned()
            } else {
                format!("entry points run this flow: {}", entries.join(", "))
            };
            return Err(AppError::Conflict(detail));
        }
    }
    state.audit(&authed, addr, "ivr_flow.deleted", format!("ivr_flow:{name}")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An entry point and its flow.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryPointInfo {
    /// A dialed number (`+982112345678`) or `web:<name>`.
    pub entry: String,
    /// `phone` or `web`.
    pub kind: String,
    /// The flow's name.
    pub flow: String,
    /// RFC 3339.
    pub updated_at: String,
    pub updated_by: Option<i64>,
}

impl From<EntryPointRow> for EntryPointInfo {
    fn from(r: EntryPointRow) -> EntryPointInfo {
        EntryPointInfo {
            entry: r.entry,
            kind: r.kind,
            flow: r.flow,
            updated_at: rfc3339(r.updated_at),
            updated_by: r.updated_by,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPointRequest {
    /// The name of the flow calls to this entry run.
    pub flow: String,
}

/// Every entry point.
#[utoipa::path(
    get, path = "/api/v1/entry_points", tag = "ivr",
    security(("session" = ["supervisor", "admin"])),
    responses((status = 200, body = Vec<EntryPointInfo>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
pub async fn list_entry_points(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<EntryPointInfo>>, AppError> {
    Ok(axum::Json(state.store.entry_points().await?.into_iter().map(Into::into).collect()))
}

/// One entry point.
#[utoipa::path(
    get, path = "/api/v1/entry_points/{entry}", tag = "ivr",
    security(("session" = ["supervisor", "admin"])),
    params(("entry" = String, Path, description = "A dialed number (separators and Persian digits accepted) or `web:<name>`")),
    responses(
        (status = 200, body = EntryPointInfo),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "Neither a number nor `web:<name>`", body = Problem),
    )
)]
pub async fn read_entry_point(
    _: Allowed<Supervisors>,
    State(state): State<AppState>,
    ApiPath(entry): ApiPath<String>,
) -> Result<axum::Json<EntryPointInfo>, AppError> {
    let entry = EntryPoint::parse(&entry).map_err(AppError::invalid)?;
    let row = state.store.entry_point(&entry).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(row.into()))
}

/// Point an entry at a flow.
#[utoipa::path(
    put, path = "/api/v1/entry_points/{entry}", tag = "ivr",
    security(("session" = ["admin"])),
    params(("entry" = String, Path, description = "A dialed number (separators and Persian digits accepted) or `web:<name>`")),
    request_body = EntryPointRequest,
    responses(
        (status = 200, body = EntryPointInfo),
        (status = 400, description = "Not JSON, or an unknown field", body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "Not an entry, or no such flow", body = Problem),
    )
)]
pub async fn set_entry_point(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(entry): ApiPath<String>,
    ApiJson(req): ApiJson<EntryPointRequest>,
) -> Result<axum::Json<EntryPointInfo>, AppError> {
    let entry = EntryPoint::parse(&entry).map_err(AppError::invalid)?;
    let now = state.clock.now_ms();
    if !state.store.set_entry_point(&entry, &req.flow, Some(authed.user.id), now).await? {
        let flow: String = req.flow.chars().take(64).collect();
        return Err(AppError::invalid(format!("flow: no flow named {flow:?}")));
    }
    state.audit(&authed, addr, "entry_point.updated", format!("entry_point:{entry}")).await?;
    let row = state.store.entry_point(&entry).await?.ok_or(AppError::NotFound)?;
    Ok(axum::Json(row.into()))
}

/// Remove an entry point (its calls run no flow).
#[utoipa::path(
    delete, path = "/api/v1/entry_points/{entry}", tag = "ivr",
    security(("session" = ["admin"])),
    params(("entry" = String, Path, description = "A dialed number or `web:<name>`")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "Neither a number nor `web:<name>`", body = Problem),
    )
)]
pub async fn delete_entry_point(
    authed: Allowed<Admins>,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiPath(entry): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    let entry = EntryPoint::parse(&entry).map_err(AppError::invalid)?;
    if !state.store.delete_entry_point(&entry).await? {
        return Err(AppError::NotFound);
    }
    state.audit(&authed, addr, "entry_point.deleted", format!("entry_point:{entry}")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The flow in a request body: JSON, checked.
fn read_flow(headers: &HeaderMap, body: &[u8]) -> Result<Flow, AppError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(AppError::BadRequest("expected Content-Type: application/json".into()));
    }
    let text = std::str::from_utf8(body).map_err(|_| AppError::BadRequest("the body is not UTF-8".into()))?;
    Ok(Flow::parse(text)?)
}

fn json_response(json: String) -> Response {
    let mut resp = json.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}
