//! Health and metrics, for load balancers and Prometheus.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppError, AppState};

/// Liveness and readiness: 200 when the database answers.
#[utoipa::path(
    get, path = "/healthz", tag = "meta",
    responses(
        (status = 200, description = "The gateway and its database answer", body = String),
        (status = 500, description = "The database does not answer", body = shared::Problem),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.store.ping().await?;
    Ok("ok\n")
}

/// Prometheus text exposition. Every name starts with `cc_`; labels are
/// bounded (never a call, an agent or a phone number).
#[utoipa::path(
    get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus text format", body = String))
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = &state.metrics else {
        return (StatusCode::NOT_FOUND, "metrics are off\n").into_response();
    };
    metrics::gauge!("cc_ws_connections").set(crate::http::ws::open_connections() as f64);
    let mut resp = handle.render().into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    resp
}
