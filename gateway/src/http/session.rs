//! Signing in and out, and the extractor every protected route starts with.
//!
//! Sessions are server-side rows keyed by the SHA-256 of a 256-bit random
//! token; the browser holds the token in an HttpOnly, SameSite=Strict
//! cookie. A login always makes a new token (and ends the one presented, if
//! any), logout deletes the row, and a session ends after
//! `sessions.idle_timeout_secs` without use or `sessions.absolute_timeout_secs`
//! after login, whichever comes first.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{LoginRequest, Role, SessionInfo, UserInfo};

use super::error::ApiJson;
use super::forwarded::Client;
use super::{AppError, AppState};
use crate::auth::{password, token};
use crate::store::{AuditEntry, SessionRow, UserRow, rfc3339};

/// Sessions are not written back on every request: once a minute is enough
/// to keep the idle timeout honest to within that minute.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A signed-in user, taken from the session cookie. Put it first among a
/// handler's extractors, so that an anonymous request is refused before its
/// body is read.
pub struct Authed {
    pub user: UserRow,
    pub session: SessionRow,
    pub token_hash: String,
}

impl Authed {
    /// Refuses users below `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.user.role.at_least(role) { Ok(()) } else { Err(AppError::Forbidden("role not allowed")) }
    }

    pub fn info(&self, state: &AppState) -> SessionInfo {
        session_info(&self.user, &self.session, state)
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_cookie(&parts.headers).ok_or(AppError::Unauthorized)?;
        let token_hash = token::hash(token).ok_or(AppError::Unauthorized)?;
        authenticate(state, &token_hash).await?.ok_or(AppError::Unauthorized)
    }
}

/// Who may pass an [`Allowed`] extractor: the least role.
pub trait MinRole {
    const ROLE: Role;
}
/// Any signed-in user.
pub struct Agents;
/// Supervisors and admins.
pub struct Supervisors;
/// Admins only.
pub struct Admins;
impl MinRole for Agents {
    const ROLE: Role = Role::Agent;
}
impl MinRole for Supervisors {
    const ROLE: Role = Role::Supervisor;
}
impl MinRole for Admins {
    const ROLE: Role = Role::Admin;
}

/// A signed-in user of at least `R`'s role. Checked while extracting, so a
/// refused request gets its 401 or 403 before any body is read.
pub struct Allowed<R: MinRole>(pub Authed, std::marker::PhantomData<R>);

impl<R: MinRole> std::ops::Deref for Allowed<R> {
    type Target = Authed;
    fn deref(&self) -> &Authed {
        &self.0
    }
}

impl<R: MinRole + Send + Sync> FromRequestParts<AppState> for Allowed<R> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let authed = Authed::from_request_parts(parts, state).await?;
        authed.require(R::ROLE)?;
        Ok(Allowed(authed, std::marker::PhantomData))
    }
}

/// The user of a live session, touching it; `None` (and the row deleted)
/// when it has ended.
pub async fn authenticate(state: &AppState, token_hash: &str) -> Result<Option<Authed>, AppError> {
    let now = state.clock.now_ms();
    let Some(mut session) = state.store.session(token_hash).await? else { return Ok(None) };
    let idle_ms = state.config.sessions.idle_timeout_secs as i64 * 1000;
    if session.expires_at <= now || session.last_seen_at + idle_ms <= now {
        state.store.delete_session(token_hash).await?;
        return Ok(None);
    }
    let Some(user) = state.store.user(session.user_id).await? else { return Ok(None) };
    if user.disabled {
        state.store.delete_session(token_hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY_MS {
        state.store.touch_session(token_hash, now).await?;
        session.last_seen_at = now;
    }
    Ok(Some(Authed { user, session, token_hash: token_hash.to_owned() }))
}

/// The value of our cookie in a `Cookie` header, if present.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == shared::SESSION_COOKIE)
        .map(|(_, v)| v.trim_matches('"'))
}

/// The client's address: the socket's peer, or what a trusted reverse
/// proxy says it is (`forwarded.rs`, applied by the guard).
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_of(parts).addr))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(client_of(parts))
    }
}

/// The guard's decision; the bare peer for a router without the guard.
fn client_of(parts: &Parts) -> Client {
    if let Some(c) = parts.extensions.get::<Client>() {
        return *c;
    }
    let addr = peer(&parts.extensions).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    Client { addr, https: false }
}

/// The socket's peer (`MockConnectInfo` in tests).
pub(crate) fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| extensions.get::<MockConnectInfo<SocketAddr>>().map(|m| m.0))?;
    Some(peer.ip().to_canonical())
}

fn session_info(user: &UserRow, session: &SessionRow, state: &AppState) -> SessionInfo {
    SessionInfo {
        user: user_info(user),
        expires_at: rfc3339(session.expires_at),
        idle_timeout_secs: state.config.sessions.idle_timeout_secs,
    }
}

pub fn user_info(user: &UserRow) -> UserInfo {
    UserInfo {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        language: user.language.clone(),
    }
}

/// The session cookie; `Secure` when configured, when we serve HTTPS, and
/// when a trusted proxy says the browser came over HTTPS.
fn cookie(state: &AppState, https: bool, value: &str, max_age: u64) -> HeaderValue {
    let http = &state.config.http;
    let secure = if http.secure_cookies || http.tls.is_some() || https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        shared::SESSION_COOKIE
    ))
    .expect("cookie values are base64url")
}

/// Sign in.
///
/// Opens a session for `app` if the password is right and the account's
/// role may use that app, and sets the session cookie. Failed logins are
/// limited per account and per source address (429 with Retry-After).
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "sessions",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Signed in; the cookie is set", body = SessionInfo),
        (status = 400, description = "Malformed body", body = shared::Problem),
        (status = 401, description = "Wrong username or password", body = shared::Problem),
        (status = 403, description = "The account's role cannot use this app", body = shared::Problem),
        (status = 429, description = "Too many attempts", body = shared::Problem),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Client { addr, https }: Client,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let (instant, _) = state.clock.now();
    let now = state.clock.now_ms();
    if req.username.len() > 128 || req.password.len() > 1024 {
        return Err(AppError::BadRequest("username or password too long".into()));
    }
    let audit = |action: &str, actor_id: Option<i64>| AuditEntry {
        at: now,
        actor_id,
        action: action.to_owned(),
        target: Some(format!("user:{}", req.username)),
        source_addr: Some(addr.to_string()),
    };
    let attempt = state.throttle.lock().expect("throttle lock").handle_attempt(instant, &req.username, addr);
    if let Err(retry) = attempt {
        metrics::counter!("cc_logins_total", "result" => "throttled").increment(1);
        state.store.audit(&audit("login.throttled", None)).await?;
        return Err(AppError::RateLimited { retry_after_secs: retry.0.as_secs().max(1) });
    }
    let user = state.store.user_by_username(&req.username).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            state.throttle.lock().expect("throttle lock").handle_failure(instant, &req.username);
            metrics::counter!("cc_logins_total", "result" => "failed").increment(1);
            state.store.audit(&audit("login.failed", None)).await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    state.throttle.lock().expect("throttle lock").handle_success(&req.username);
    if !user.role.at_least(req.app.min_role()) {
        metrics::counter!("cc_logins_total", "result" => "wrong_app").increment(1);
        state.store.audit(&audit("login.wrong_app", Some(user.id))).await?;
        return Err(AppError::WrongApp);
    }
    // Rotation: whatever session this browser had ends here.
    if let Some(old) = session_cookie(&headers).and_then(token::hash)
        && state.store.delete_session(&old).await?
    {
        let _ = state.ended_sessions.send(old);
    }
    let token = token::generate();
    let token_hash = token::hash(&token).expect("generated tokens are well-formed");
    let absolute = state.config.sessions.absolute_timeout_secs;
    let session =
        SessionRow { user_id: user.id, created_at: now, last_seen_at: now, expires_at: now + absolute as i64 * 1000 };
    state.store.create_session(&token_hash, user.id, now, session.expires_at).await?;
    state.store.audit(&audit("session.created", Some(user.id))).await?;
    metrics::counter!("cc_logins_total", "result" => "ok").increment(1);
    tracing::info!(user_id = user.id, role = user.role.as_str(), "signed in");
    let info = session_info(&user, &session, &state);
    let mut resp = (StatusCode::CREATED, axum::Json(info)).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie(&state, https, &token, absolute));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The current session.
#[utoipa::path(
    get, path = "/api/v1/sessions/current", tag = "sessions",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses(
        (status = 200, body = SessionInfo),
        (status = 401, body = shared::Problem),
    )
)]
pub async fn current(authed: Authed, State(state): State<AppState>) -> Result<axum::Json<SessionInfo>, AppError> {
    Ok(axum::Json(authed.info(&state)))
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(
    delete, path = "/api/v1/sessions/current", tag = "sessions",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = shared::Problem),
    )
)]
pub async fn logout(
    authed: Authed,
    State(state): State<AppState>,
    Client { addr, https }: Client,
) -> Result<Response, AppError> {
    state.store.delete_session(&authed.token_hash).await?;
    let _ = state.ended_sessions.send(authed.token_hash.clone());
    state
        .store
        .audit(&AuditEntry {
            at: state.clock.now_ms(),
            actor_id: Some(authed.user.id),
            action: "session.deleted".into(),
            target: Some(format!("user:{}", authed.user.username)),
            source_addr: Some(addr.to_string()),
        })
        .await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie(&state, https, "", 0));
    Ok(resp)
}
