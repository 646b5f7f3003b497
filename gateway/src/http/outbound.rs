//! What agents may show when they call out: the outbound trunk's caller
//! IDs (its `caller_id` first, the default, then its `caller_ids`).

use axum::extract::State;
use shared::Problem;

use super::session::{Agents, Allowed};
use super::{AppError, AppState};

/// The caller IDs an agent may choose when dialing; empty when no trunk
/// takes outbound calls.
#[utoipa::path(
    get, path = "/api/v1/caller-ids", tag = "calls",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses((status = 200, body = Vec<String>), (status = 401, body = Problem))
)]
pub async fn caller_ids(
    _: Allowed<Agents>,
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<String>>, AppError> {
    let out = state.config.sip.trunks.iter().find_map(|t| t.outbound.as_ref());
    let mut ids: Vec<String> = Vec::new();
    if let Some(o) = out {
        for id in std::iter::once(&o.caller_id).chain(&o.caller_ids) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    Ok(axum::Json(ids))
}
