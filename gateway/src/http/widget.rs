//! The web call button: public routes a stranger's page may use, with no
//! session and no cookies.
//!
//! - `GET /widget.js`: the script a site embeds with one tag.
//! - `GET /demo/widget`: a page of ours that embeds it.
//! - `GET /api/v1/widgets/{id}`: open or closed, the wait, whether to offer
//!   a callback.
//! - `POST /api/v1/widgets/{id}/callbacks`: call me back (a scheduled
//!   callback in the widget's queue).
//! - `GET /api/v1/widgets/{id}/call`: the call's WebSocket
//!   ([`WidgetClientMsg`] / [`WidgetServerMsg`]).
//!
//! Safe on a stranger's site: each widget names the origins that may embed
//! it (CORS and the WebSocket's `Origin`), every source address is limited
//! in calls and callback requests, nothing about other customers is ever
//! answered, and a customer token counts only when the site's backend
//! signed it with the widget's secret and it has not expired
//! ([`verify_token`]); any other token is ignored, never trusted.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use shared::widget::{WidgetCallbackAccepted, WidgetCallbackRequest, WidgetClientMsg, WidgetServerMsg, WidgetStatus};
use tokio::sync::mpsc;

use super::error::ApiJson;
use super::session::ClientAddr;
use super::{AppError, AppState};
use crate::config::WidgetConfig;
use crate::drive::calls::{WebCallRequest, WebEvent};

/// The script, built into the binary.
const SCRIPT: &str = include_str!("../../../assets/widget/widget.js");
const DEMO: &str = include_str!("../../../assets/widget/demo.html");
/// The widget's messages are small; an SDP offer is the biggest.
const MAX_MESSAGE: usize = 16 * 1024;
/// How long the widget has to send its call after opening the socket.
const FIRST_MESSAGE: Duration = Duration::from_secs(10);
/// How long a message to the widget may wait for it to read.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest page address kept.
const MAX_PAGE: usize = 512;
/// Callback requests one source may make per hour.
const CALLBACKS_PER_HOUR: usize = 5;
/// Status checks one source may make per minute.
const STATUS_PER_MINUTE: usize = 30;
/// Calls one source may have at once.
const CALLS_PER_SOURCE: u32 = 2;
/// Messages (keys) a call's socket may send per second.
const MESSAGES_PER_SECOND: u32 = 10;
/// How far ahead a customer token may expire: a token for a page view,
/// not a long-lived credential.
const MAX_TOKEN_LIFE_SECS: i64 = 86_400;
/// Sources tracked per kind at most; when full, new ones are refused.
const MAX_SOURCES: usize = 100_000;

/// Where a request comes from, for limits: an IPv4 address, or an IPv6
/// /64 (one subscriber's network; single v6 addresses are free to vary).
fn source(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

/// Calls, callback requests and status checks per source (and per widget),
/// over sliding windows, and calls going on now.
#[derive(Debug, Default)]
pub struct Limits {
    /// By kind: its window and each key's recent hits.
    windows: HashMap<&'static str, HashMap<String, VecDeque<Instant>>>,
    /// Calls going on, by source and by widget.
    active: HashMap<String, u32>,
}

impl Limits {
    /// Counts one `kind` for `key`; false when over `max` in `window`, or
    /// when too many keys are tracked (a flood from many sources).
    fn allow(&mut self, now: Instant, kind: &'static str, key: String, max: usize, window: Duration) -> bool {
        let hits = self.windows.entry(kind).or_default();
        if hits.len() >= MAX_SOURCES && !hits.contains_key(&key) {
            hits.retain(|_, q| q.back().is_some_and(|t| now.saturating_duration_since(*t) < window));
            if hits.len() >= MAX_SOURCES {
                metrics::counter!("cc_widget_limited_total", "what" => kind).increment(1);
                return false;
            }
        }
        let q = hits.entry(key).or_default();
        while q.front().is_some_and(|t| now.saturating_duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= max {
            metrics::counter!("cc_widget_limited_total", "what" => kind).increment(1);
            return false;
        }
        q.push_back(now);
        true
    }

    /// Takes a place for a call from `source` through `widget`; false when
    /// either already has its most.
    fn start_call(&mut self, source: &str, widget: &str, widget_max: u32) -> bool {
        let (s, w) = (format!("s:{source}"), format!("w:{widget}"));
        let busy = |k: &String, max| self.active.get(k).is_some_and(|n| *n >= max);
        if busy(&s, CALLS_PER_SOURCE) || busy(&w, widget_max) {
            metrics::counter!("cc_widget_limited_total", "what" => "concurrent").increment(1);
            return false;
        }
        *self.active.entry(s).or_default() += 1;
        *self.active.entry(w).or_default() += 1;
        true
    }

    fn end_call(&mut self, source: &str, widget: &str) {
        for k in [format!("s:{source}"), format!("w:{widget}")] {
            if let Some(n) = self.active.get_mut(&k) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.active.remove(&k);
                }
            }
        }
    }
}

/// A call's place under the limits; given back when dropped.
struct CallSlot {
    state: AppState,
    source: String,
    widget: String,
}

impl Drop for CallSlot {
    fn drop(&mut self) {
        self.state.widget_limits.lock().expect("widget limits").end_call(&self.source, &self.widget);
    }
}

fn widget<'a>(state: &'a AppState, id: &str) -> Result<&'a WidgetConfig, AppError> {
    state.config.widgets.iter().find(|w| w.id == id).ok_or(AppError::NotFound)
}

/// The page's origin when it may use this widget: one of the widget's, or
/// the gateway's own (the demo page). A request with no `Origin` is not a
/// browser's cross-site call, and is let through (curl, the same page's
/// GET); the WebSocket requires one.
fn origin_ok(state: &AppState, w: &WidgetConfig, headers: &HeaderMap) -> Result<Option<HeaderValue>, AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(None) };
    let text = origin.to_str().map_err(|_| AppError::Forbidden("origin not allowed"))?;
    let listed = w.allowed_origins.iter().any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(text));
    if listed || state.origin_allowed(text) {
        Ok(Some(origin.clone()))
    } else {
        metrics::counter!("cc_widget_refused_total", "reason" => "origin").increment(1);
        Err(AppError::Forbidden("origin not allowed"))
    }
}

/// CORS for an allowed origin (no credentials: the widget uses none), on
/// answers and refusals alike, so that the page can read either.
fn cors(mut resp: Response, origin: Option<HeaderValue>) -> Response {
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    if let Some(o) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
    }
    resp
}

fn answer(r: Result<Response, AppError>, origin: Option<HeaderValue>) -> Response {
    cors(r.unwrap_or_else(IntoResponse::into_response), origin)
}

type HmacSha256 = Hmac<sha2::Sha256>;

/// Reads a customer token: `<payload>.<signature>`, both base64url without
/// padding, the payload JSON `{"customer": "<code>", "exp": <unix s>}`
/// (optionally with `"widget": "<id>"`, which binds the token to that
/// widget: a site with one secret for several buttons should say which)
/// and the signature HMAC-SHA256 of the payload's base64 text with the
/// widget's secret. The customer's code when the signature holds, `exp`
/// is ahead but no more than a day ahead, and a named widget is `widget`;
/// `None` otherwise (the token is ignored).
pub fn verify_token(secret: &[u8], token: &str, now_secs: i64, widget: &str) -> Option<String> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    if token.len() > 1024 {
        return None;
    }
    let (payload, signature) = token.split_once('.')?;
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&b64.decode(signature).ok()?).ok()?;
    #[derive(serde::Deserialize)]
    struct Claims {
        customer: String,
        exp: i64,
        #[serde(default)]
        widget: Option<String>,
    }
    let claims: Claims = serde_json::from_slice(&b64.decode(payload).ok()?).ok()?;
    let code = claims.customer.trim();
    let fresh = claims.exp > now_secs && claims.exp <= now_secs + MAX_TOKEN_LIFE_SECS;
    let ours = claims.widget.is_none_or(|w| w == widget);
    (fresh && ours && !code.is_empty() && code.len() <= 64).then(|| code.to_owned())
}

/// The customer a request's token names, if the widget has a secret and
/// the token holds; counted either way.
fn customer_of(state: &AppState, w: &WidgetConfig, token: Option<&str>) -> Option<String> {
    let token = token.filter(|t| !t.is_empty())?;
    let code =
        w.secret.as_ref().and_then(|s| verify_token(s.expose().as_bytes(), token, state.clock.now_ms() / 1000, &w.id));
    let result = if code.is_some() { "valid" } else { "ignored" };
    metrics::counter!("cc_widget_tokens_total", "result" => result).increment(1);
    code
}

/// The page address as kept: scheme, host and path only (a query or
/// fragment may carry tokens or personal data), no control or bidi marks.
fn page_of(page: Option<String>) -> Option<String> {
    let page = page?;
    let (scheme, rest) = page.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let clean: String = format!("{}://{rest}", scheme.to_ascii_lowercase())
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .take(MAX_PAGE)
        .collect();
    Some(clean)
}

/// The script a site embeds.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        SCRIPT,
    )
        .into_response()
}

/// A page that embeds the widget, for trying it.
pub async fn demo() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], DEMO).into_response()
}

/// Whether to offer a call or a callback now.
#[utoipa::path(
    get, path = "/api/v1/widgets/{id}", tag = "widget",
    params(("id" = String, Path, description = "The widget's id")),
    responses(
        (status = 200, body = WidgetStatus),
        (status = 403, description = "The page's origin may not use this widget", body = shared::Problem),
        (status = 404, body = shared::Problem),
        (status = 429, body = shared::Problem),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let w = match widget(&state, &id) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let origin = match origin_ok(&state, w, &headers) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    answer(widget_status(&state, w, addr).await, origin)
}

async fn widget_status(state: &AppState, w: &WidgetConfig, addr: IpAddr) -> Result<Response, AppError> {
    let allowed = state.widget_limits.lock().expect("widget limits").allow(
        state.clock.now().0,
        "status",
        source(addr).to_string(),
        STATUS_PER_MINUTE,
        Duration::from_secs(60),
    );
    if !allowed {
        return Err(AppError::RateLimited { retry_after_secs: 60 });
    }
    let now = state.clock.now_ms();
    let open = match state.store.flow_for_entry(&w.entry).await? {
        Some(flow) => flow.open_at(now).unwrap_or(true),
        None => true,
    };
    let estimate = match (&w.queue, state.calls.get()) {
        (Some(q), Some(calls)) => calls.wait_estimate(q.clone()).await.ok().flatten(),
        _ => None,
    };
    let wait_secs = estimate.and_then(|e| e.wait_secs);
    let callbacks = w.queue.is_some();
    // No estimate: no call control, or nobody works the queue.
    let long = wait_secs.is_none_or(|s| s > w.callback_after_secs);
    let suggest_callback = callbacks && (!open || long);
    Ok(axum::Json(WidgetStatus { open, wait_secs, callbacks, suggest_callback }).into_response())
}

/// The CORS preflight of a callback request.
pub async fn preflight(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let w = widget(&state, &id)?;
    let origin = origin_ok(&state, w, &headers)?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    Ok(cors(resp, origin))
}

/// Ask for a callback.
///
/// The number is kept as E.164 and never answered back; a widget may
/// limit the numbers to some prefixes. A second request for a number still
/// waiting is the same callback. Each source address may ask a few times an
/// hour, and each widget some more times an hour from everyone.
#[utoipa::path(
    post, path = "/api/v1/widgets/{id}/callbacks", tag = "widget",
    params(("id" = String, Path, description = "The widget's id")),
    request_body = WidgetCallbackRequest,
    responses(
        (status = 201, body = WidgetCallbackAccepted),
        (status = 400, body = shared::Problem),
        (status = 403, body = shared::Problem),
        (status = 404, description = "No such widget, or it takes no callbacks", body = shared::Problem),
        (status = 422, description = "A number this widget does not call", body = shared::Problem),
        (status = 429, body = shared::Problem),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    req: Result<ApiJson<WidgetCallbackRequest>, AppError>,
) -> Response {
    let w = match widget(&state, &id) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let origin = match origin_ok(&state, w, &headers) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    let r = match req {
        Ok(ApiJson(req)) => ask_callback(&state, w, addr, req).await,
        Err(e) => Err(e),
    };
    answer(r, origin)
}

async fn ask_callback(
    state: &AppState,
    w: &WidgetConfig,
    addr: IpAddr,
    req: WidgetCallbackRequest,
) -> Result<Response, AppError> {
    let queue = w.queue.clone().ok_or(AppError::NotFound)?;
    let (now_i, hour) = (state.clock.now().0, Duration::from_secs(3600));
    {
        let mut limits = state.widget_limits.lock().expect("widget limits");
        let key = format!("{}|{}", w.id, source(addr));
        if !limits.allow(now_i, "callback", key, CALLBACKS_PER_HOUR, hour)
            || !limits.allow(now_i, "callback_widget", w.id.clone(), w.callbacks_per_hour as usize, hour)
        {
            return Err(AppError::RateLimited { retry_after_secs: 3600 });
        }
    }
    let now = state.clock.now_ms();
    let number = shared::customers::normalize_phone(&req.number)
        .map_err(|e| AppError::BadRequest(format!("number {}", e.reason())))?;
    if !w.callback_prefixes.is_empty() && !w.callback_prefixes.iter().any(|p| number.starts_with(p.as_str())) {
        return Err(AppError::Invalid {
            detail: "number: not one this service calls back".into(),
            member: Some(("key", "number".into())),
        });
    }
    let due_at = req.due_at.as_deref().map(|t| super::interactions::parse_time(t, "due_at")).transpose()?;
    if due_at.is_some_and(|d| d < now - 5 * 60_000 || d > now + 31 * 86_400_000) {
        return Err(AppError::BadRequest("due_at: from now to a month ahead".into()));
    }
    let due_at = due_at.map(|d| d.max(now));
    if let Some(waiting) = state.store.callback_pending_for(&queue, &number).await? {
        // Asked again: the same callback (not a second call to the number).
        let body = WidgetCallbackAccepted { due_at: waiting.due_at.map(crate::store::rfc3339) };
        return Ok((StatusCode::CREATED, axum::Json(body)).into_response());
    }
    let customer_id = match customer_of(state, w, req.token.as_deref()) {
        Some(code) => state.store.customers().by_code(&code).await?.map(|c| c.id),
        None => None,
    };
    let request = crate::store::CallbackRequest {
        queue,
        number,
        customer_id,
        call_id: None,
        requested_at: now,
        due_at,
        position_at: due_at.unwrap_or(now),
        max_attempts: 3,
        created_by: None,
    };
    state.store.callback_create(&request, now).await?;
    metrics::counter!("cc_widget_callbacks_total").increment(1);
    let body = WidgetCallbackAccepted { due_at: due_at.map(crate::store::rfc3339) };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// The call's WebSocket.
///
/// The gateway sends `ready` with the ICE servers to use; the widget sends
/// `call` with its WebRTC offer (within 10 s), then `digits` and
/// `hang_up`; it hears `answer`, `phase` and `ended`. Closing
/// the socket hangs up. Each source address may start a few calls a minute
/// and have two at once; each widget has its most calls at once.
#[utoipa::path(
    get, path = "/api/v1/widgets/{id}/call", tag = "widget",
    params(("id" = String, Path, description = "The widget's id")),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 403, description = "No Origin, or one not allowed", body = shared::Problem),
        (status = 404, body = shared::Problem),
        (status = 429, body = shared::Problem),
        (status = 503, description = "Calls are not served (no SIP)", body = shared::Problem),
    )
)]
pub async fn call(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let w = widget(&state, &id)?.clone();
    if origin_ok(&state, &w, &headers)?.is_none() {
        return Err(AppError::Forbidden("origin required"));
    }
    let ws = ws.map_err(|_| AppError::BadRequest("expected a WebSocket upgrade".into()))?;
    if state.calls.get().is_none() {
        return Err(AppError::Unavailable("calls are not served here"));
    }
    let from = source(addr).to_string();
    let slot = {
        let mut limits = state.widget_limits.lock().expect("widget limits");
        let key = format!("{}|{from}", w.id);
        if !limits.allow(state.clock.now().0, "call", key, w.calls_per_minute as usize, Duration::from_secs(60))
            || !limits.start_call(&from, &w.id, w.max_calls)
        {
            return Err(AppError::RateLimited { retry_after_secs: 60 });
        }
        CallSlot { state: state.clone(), source: from, widget: w.id.clone() }
    };
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .read_buffer_size(super::ws::READ_BUFFER)
        .write_buffer_size(super::ws::WRITE_BUFFER)
        .on_upgrade(move |socket| run(socket, state, w, slot)))
}

/// Sends `msg`; false when the widget is gone or does not read in time.
async fn send(socket: &mut WebSocket, msg: &WidgetServerMsg) -> bool {
    let text = serde_json::to_string(msg).expect("widget messages serialize");
    matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text.into()))).await, Ok(Ok(())))
}

fn refusal(code: &str, message: impl Into<String>) -> WidgetServerMsg {
    WidgetServerMsg::Error { code: code.into(), message: message.into() }
}

async fn run(mut socket: WebSocket, state: AppState, w: WidgetConfig, _slot: CallSlot) {
    let Some(calls) = state.calls.get().cloned() else { return };
    let ice_servers = super::ice::public_ice_servers(&state.config.webrtc.ice_servers, state.clock.now_ms());
    if !send(&mut socket, &WidgetServerMsg::Ready { ice_servers }).await {
        return;
    }
    // The call first.
    let first = tokio::time::timeout(FIRST_MESSAGE, socket.recv()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else { return };
    let (sdp, page, language, token) = match serde_json::from_str::<WidgetClientMsg>(&text) {
        Ok(WidgetClientMsg::Call { sdp, page, language, token }) => (sdp, page, language, token),
        Ok(_) => {
            let _ = send(&mut socket, &refusal("bad_request", "call first")).await;
            return;
        }
        Err(e) => {
            let _ = send(&mut socket, &refusal("bad_request", e.to_string())).await;
            return;
        }
    };
    let language = language.as_deref().and_then(shared::Lang::parse).map(|l| l.tag().to_owned());
    let customer_code = customer_of(&state, &w, token.as_deref());
    let (events_tx, mut events) = mpsc::channel(16);
    let req = WebCallRequest {
        entry: w.entry.clone(),
        sdp,
        caller: crate::calls::WebCaller { page: page_of(page), language, customer_code },
    };
    let (dialog, answer) = match calls.web_call(req, events_tx).await {
        Ok(x) => x,
        Err(r) => {
            let _ = send(&mut socket, &refusal(r.code, r.message)).await;
            return;
        }
    };
    metrics::gauge!("cc_widget_calls").increment(1.0);
    let mut ok = send(&mut socket, &WidgetServerMsg::Answer { sdp: answer }).await;
    let mut shutdown = state.shutdown.clone();
    let mut ended = false;
    // Messages in the current second, against MESSAGES_PER_SECOND.
    let (mut second, mut in_second) = (tokio::time::Instant::now(), 0u32);
    while ok {
        tokio::select! {
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) => {
                    let now = tokio::time::Instant::now();
                    if now.duration_since(second) >= Duration::from_secs(1) {
                        (second, in_second) = (now, 0);
                    }
                    in_second += 1;
                    if in_second > MESSAGES_PER_SECOND {
                        metrics::counter!("cc_widget_limited_total", "what" => "messages").increment(1);
                        let _ = send(&mut socket, &refusal("rate_limited", "too many messages")).await;
                        break;
                    }
                    match serde_json::from_str::<WidgetClientMsg>(&text) {
                        Ok(WidgetClientMsg::Digits { digits }) => {
                            if let Err(r) = calls.web_digits(dialog, digits).await {
                                ok = send(&mut socket, &refusal(r.code, r.message)).await;
                            }
                        }
                        Ok(WidgetClientMsg::HangUp) => break,
                        Ok(WidgetClientMsg::Call { .. }) => ok = send(&mut socket, &refusal("wrong_state", "one call per socket")).await,
                        Err(e) => ok = send(&mut socket, &refusal("bad_request", e.to_string())).await,
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            ev = events.recv() => match ev {
                Some(WebEvent::Phase(phase)) => ok = send(&mut socket, &WidgetServerMsg::Phase { phase }).await,
                Some(WebEvent::Ended(reason)) => {
                    ended = true;
                    let _ = send(&mut socket, &WidgetServerMsg::Ended { reason: reason.into() }).await;
                    break;
                }
                None => break,
            },
            _ = async { drop(shutdown.wait_for(|s| *s).await) } => break,
        }
    }
    if !ended {
        calls.web_hang_up(dialog).await;
    }
    metrics::gauge!("cc_widget_calls").decrement(1.0);
    let _ = tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Close(None))).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], payload: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let p = b64.encode(payload);
        let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
        mac.update(p.as_bytes());
        format!("{p}.{}", b64.encode(mac.finalize().into_bytes()))
    }

    const KEY: &[u8] = b"a widget secret of 32 characters";

    #[test]
    fn a_token_bound_to_a_widget_works_on_that_widget_only() {
        let t = sign(KEY, r#"{"customer":"C-1001","exp":2000,"widget":"shop"}"#);
        assert_eq!(verify_token(KEY, &t, 1000, "shop").as_deref(), Some("C-1001"));
        assert_eq!(verify_token(KEY, &t, 1000, "support"), None, "another widget with the same secret");
        let unbound = sign(KEY, r#"{"customer":"C-1001","exp":2000}"#);
        assert_eq!(verify_token(KEY, &unbound, 1000, "support").as_deref(), Some("C-1001"), "no widget named");
    }

    #[test]
    fn a_signed_token_names_its_customer_until_it_expires() {
        let t = sign(KEY, r#"{"customer":"C-1001","exp":2000}"#);
        assert_eq!(verify_token(KEY, &t, 1999, "shop").as_deref(), Some("C-1001"));
        assert_eq!(verify_token(KEY, &t, 2000, "shop"), None, "expired");
        assert_eq!(verify_token(KEY, &t, 2000 - MAX_TOKEN_LIFE_SECS - 1, "shop"), None, "too long-lived");
    }

    #[test]
    fn tampered_or_foreign_tokens_are_ignored() {
        let t = sign(KEY, r#"{"customer":"C-1001","exp":2000}"#);
        let (_, sig) = t.split_once('.').unwrap();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let forged = format!("{}.{sig}", b64.encode(r#"{"customer":"C-9999","exp":2000}"#));
        assert_eq!(verify_token(KEY, &forged, 1000, "shop"), None, "another customer under the same signature");
        assert_eq!(verify_token(b"another site's secret, 32 chars.", &t, 1000, "shop"), None, "another key");
        for bad in ["", ".", "abc", "abc.def", "..", &format!("{t}x"), &"a.".repeat(600)] {
            assert_eq!(verify_token(KEY, bad, 1000, "shop"), None, "{bad:?}");
        }
        let unsigned = sign(KEY, r#"{"customer":"","exp":2000}"#);
        assert_eq!(verify_token(KEY, &unsigned, 1000, "shop"), None, "an empty code");
        let not_json = sign(KEY, "customer=C-1");
        assert_eq!(verify_token(KEY, &not_json, 1000, "shop"), None);
    }

    #[test]
    fn the_page_keeps_its_address_without_query_fragment_or_marks() {
        let p = |s: &str| page_of(Some(s.into()));
        assert_eq!(p("https://Shop.example/help?token=abc#x").as_deref(), Some("https://Shop.example/help"));
        assert_eq!(p("HTTP://shop.example/a\u{202E}b\n").as_deref(), Some("http://shop.example/ab"));
        assert_eq!(p("javascript:alert(1)"), None);
        assert_eq!(p("ftp://x/y"), None);
        assert_eq!(p(&format!("https://x/{}", "a".repeat(2000))).map(|s| s.chars().count()), Some(MAX_PAGE));
    }

    #[test]
    fn each_source_is_limited_on_its_own_window() {
        let mut l = Limits::default();
        let t0 = Instant::now();
        let a = || source("192.0.2.1".parse().unwrap()).to_string();
        let minute = Duration::from_secs(60);
        assert!((0..3).all(|_| l.allow(t0, "call", a(), 3, minute)));
        assert!(!l.allow(t0, "call", a(), 3, minute), "the fourth in the minute");
        assert!(l.allow(t0, "call", "192.0.2.2".into(), 3, minute), "another source");
        assert!(l.allow(t0, "callback", a(), 3, minute), "another kind");
        assert!(l.allow(t0 + minute, "call", a(), 3, minute), "the window moved on");
        // One IPv6 network is one source, whatever its addresses.
        let v6 = |s: &str| source(s.parse().unwrap()).to_string();
        assert_eq!(v6("2001:db8:1:2::1"), v6("2001:db8:1:2:ffff::9"));
        assert_ne!(v6("2001:db8:1:2::1"), v6("2001:db8:1:3::1"));
        // Calls at once: two per source, the widget's most overall.
        assert!(l.start_call("s1", "w", 3) && l.start_call("s1", "w", 3));
        assert!(!l.start_call("s1", "w", 3), "a third from one source");
        assert!(l.start_call("s2", "w", 3));
        assert!(!l.start_call("s3", "w", 3), "the widget is full");
        l.end_call("s1", "w");
        assert!(l.start_call("s3", "w", 3), "a place came free");
    }
}
