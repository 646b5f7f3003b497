//! One error type for every route, answered as RFC 9457 problem+json.
//! Server-side failures get a generic body; their detail goes to the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::Problem;
use shared::routing::ConfigError;

use crate::ivr::FlowError;
use crate::store::{StoreError, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("the account cannot use this app")]
    WrongApp,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// A value is wrong: 422, code `invalid`, `detail` says which and why.
    /// `member`, when set, is answered as one more top-level field naming
    /// what to blame, so that a form can mark it (`key` for a setting or a
    /// customer's field, `node` for an IVR flow's node).
    #[error("{detail}")]
    Invalid { detail: String, member: Option<(&'static str, String)> },
    /// The service is not running here (call control without SIP): 503.
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AppError::Conflict(format!("{what} already exists")),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        AppError::Invalid { detail: e.to_string(), member: Some(("key", e.key)) }
    }
}

impl From<FlowError> for AppError {
    fn from(e: FlowError) -> Self {
        AppError::Invalid { detail: e.to_string(), member: e.node.map(|node| ("node", node)) }
    }
}

impl From<WriteError> for AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Invalid(e) => e.into(),
            WriteError::InUse(why) => AppError::Conflict(why),
            WriteError::Store(e) => e.into(),
        }
    }
}

impl AppError {
    /// 422 for a value that is wrong, with nothing more to name than `detail`.
    pub fn invalid(detail: impl Into<String>) -> AppError {
        AppError::Invalid { detail: detail.into(), member: None }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Not signed in"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            AppError::WrongApp => (StatusCode::FORBIDDEN, "wrong_app", "This account cannot use this app"),
            AppError::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, "invalid_credentials", "Wrong username or password")
            }
            AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Too many attempts"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "Not found"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request", "Bad request"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Invalid value"),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, code, title) = self.parts();
        let detail = match self {
            AppError::Forbidden(d) | AppError::Unavailable(d) => Some((*d).to_owned()),
            AppError::BadRequest(d) | AppError::Conflict(d) | AppError::Invalid { detail: d, .. } => Some(d.clone()),
            AppError::RateLimited { retry_after_secs } => Some(format!("Try again in {retry_after_secs} s.")),
            _ => None,
        };
        Problem { type_: "about:blank".into(), title: title.into(), status: status.as_u16(), detail, code: code.into() }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let member = match &self {
            AppError::Invalid { member, .. } => member.as_ref().map(|(name, value)| (*name, value.as_str())),
            _ => None,
        };
        let body = serde_json::to_vec(&WithMember { problem, member: member.into_iter().collect() })
            .expect("a Problem always serializes");
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let AppError::RateLimited { retry_after_secs } = self {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        resp
    }
}

/// A problem+json body with its extension members after the problem's own.
#[derive(Serialize)]
struct WithMember<'a> {
    #[serde(flatten)]
    problem: Problem,
    #[serde(flatten)]
    member: std::collections::BTreeMap<&'static str, &'a str>,
}

/// `axum::Json` whose rejections are problem+json too.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

/// `axum::extract::Path` whose rejections are problem+json too.
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

/// `axum::extract::Query` whose rejections are problem+json too.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::try_from_uri(&parts.uri) {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}
