//! The HTTP face of the gateway (axum): the REST API under `/api/v1`, the
//! WebSocket, health and metrics, and the two browser apps as static files.
//!
//! Every API route is registered through `utoipa_axum`, so a route cannot
//! exist without its entry in the OpenAPI document; each entry names the
//! roles allowed (`security(("session" = [roles]))`) and the test
//! `tests/http_roles.rs` walks the document and checks that the router
//! really refuses everyone else.

mod agent_control;
mod callbacks;
mod campaigns;
mod codes;
mod customers;
mod directory;
mod error;
mod flows;
pub mod forwarded;
mod ice;
mod interactions;
mod me;
mod meta;
mod outbound;
mod prompts;
mod quality;
mod queues;
mod recordings;
pub mod redirect;
mod reports;
pub mod routing_events;
pub mod session;
mod tickets;
mod ui;
mod users;
mod voicemails;
mod widget;
pub use users::check_new_user;
mod ws;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, watch};
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::AppError;

use crate::auth::throttle::{LoginThrottle, ThrottleConfig};
use crate::config::Config;
use crate::presence::{Presence, Tabs};
use crate::store::{AuditEntry, Store, StoreError};

/// The time source. Real in the server; tests move a virtual one forward to
/// check idle and absolute session timeouts without waiting.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> (Instant, SystemTime) + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(|| (Instant::now(), SystemTime::now())))
    }

    /// A clock that starts now and moves only when `advance` says so.
    pub fn manual() -> (Clock, ManualClock) {
        let offset = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (i0, s0) = (Instant::now(), SystemTime::now());
        let o = offset.clone();
        let clock = Clock(Arc::new(move || {
            let d = Duration::from_millis(o.load(std::sync::atomic::Ordering::SeqCst));
            (i0 + d, s0 + d)
        }));
        (clock, ManualClock(offset))
    }

    pub fn now(&self) -> (Instant, SystemTime) {
        (self.0)()
    }

    pub fn now_ms(&self) -> i64 {
        crate::store::unix_ms(self.now().1)
    }
}

/// The handle that moves a [`Clock::manual`].
pub struct ManualClock(Arc<std::sync::atomic::AtomicU64>);

impl ManualClock {
    pub fn advance(&self, d: Duration) {
        self.0.fetch_add(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }
}

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: Config,
    /// Origins allowed to open the WebSocket and send state-changing requests.
    pub origins: Vec<String>,
    pub clock: Clock,
    pub throttle: Mutex<LoginThrottle>,
    pub presence: Mutex<Presence>,
    /// Which of each agent's tabs is their desk.
    pub tabs: Mutex<Tabs>,
    /// (agent, connection): that tab became the agent's desk.
    pub tab_changes: broadcast::Sender<(i64, u64)>,
    /// `agent.status.updated` for every WebSocket that watches agents.
    pub agent_events: broadcast::Sender<shared::ws::AgentPresence>,
    /// Token hashes of sessions that just ended (logout), so that their
    /// WebSockets close at once rather than at their next check.
    pub ended_sessions: broadcast::Sender<String>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Browser media, when the gateway runs it (tests of the API alone do not).
    pub webrtc: Option<crate::drive::webrtc::WebRtcHandle>,
    /// Call control, once started (with SIP).
    pub calls: std::sync::OnceLock<crate::drive::calls::CallsHandle>,
    /// The campaigns' dialer, once started (with call control).
    pub dialer: std::sync::OnceLock<crate::drive::dialer::DialerHandle>,
    /// Call events for agents (`call.ringing`, `call.ended`, …); each socket
    /// takes its own agent's.
    pub call_notices: broadcast::Sender<Arc<crate::drive::calls::Notice>>,
    /// Queue and agent routing settings that changed (see `routing_events.rs`).
    pub routing_changes: broadcast::Sender<routing_events::RoutingChanged>,
    /// Flips to true when the server shuts down; long-lived tasks (WebSockets)
    /// end on it.
    pub shutdown: watch::Receiver<bool>,
    /// Web call buttons' calls and callback requests per source.
    pub widget_limits: Mutex<widget::Limits>,
    /// The supervisors' wallboard, made once for everyone watching.
    pub wallboard: crate::drive::wallboard::Hub,
    /// Recording accesses lately audited (see `recordings.rs`).
    pub recordings_audited: Mutex<recordings::Audited>,
    /// The agent state log's rows, for its writer task (see
    /// `store::write_agent_states`).
    pub state_log: tokio::sync::mpsc::UnboundedSender<crate::presence::StateChange>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        store: Store,
        config: Config,
        bound: SocketAddr,
        clock: Clock,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
        webrtc: Option<crate::drive::webrtc::WebRtcHandle>,
        shutdown: watch::Receiver<bool>,
    ) -> AppState {
        let l = &config.login_limits;
        let throttle = LoginThrottle::new(ThrottleConfig {
            account_failures: l.account_failures,
            account_window: Duration::from_secs(l.account_window_secs),
            address_attempts: l.address_attempts,
            address_window: Duration::from_secs(l.address_window_secs),
        });
        let origins = config.allowed_origins(bound);
        let (state_log, log_rows) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(crate::store::write_agent_states(store.clone(), log_rows, clock.now_ms()));
        AppState(Arc::new(Inner {
            store,
            config,
            origins,
            clock,
            throttle: Mutex::new(throttle),
            presence: Mutex::new(Presence::default()),
            tabs: Mutex::new(Tabs::default()),
            tab_changes: broadcast::channel(64).0,
            agent_events: broadcast::channel(8192).0,
            ended_sessions: broadcast::channel(256).0,
            metrics,
            webrtc,
            calls: std::sync::OnceLock::new(),
            dialer: std::sync::OnceLock::new(),
            call_notices: broadcast::channel(1024).0,
            routing_changes: routing_events::channel(),
            shutdown,
            widget_limits: Mutex::new(widget::Limits::default()),
            recordings_audited: Mutex::new(recordings::Audited::default()),
            wallboard: Default::default(),
            state_log,
        }))
    }

    /// Changes an agent's presence and announces the change while still
    /// holding the lock, so that everyone hears changes in the order they
    /// were made.
    pub fn change_presence(
        &self,
        f: impl FnOnce(&mut Presence) -> Option<shared::ws::AgentPresence>,
    ) -> Option<shared::ws::AgentPresence> {
        let mut presence = self.presence.lock().expect("presence lock");
        let change = f(&mut presence);
        while let Some(row) = presence.poll_log() {
            // The writer ends only with the runtime.
            let _ = self.state_log.send(row);
        }
        if let Some(p) = &change {
            // No receivers is fine: nobody is watching.
            let _ = self.agent_events.send(p.clone());
        }
        change
    }

    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// Writes `action` on `target` by the signed-in user, from `addr`, to
    /// the audit log, timed now.
    pub(crate) async fn audit(
        &self,
        actor: &session::Authed,
        addr: IpAddr,
        action: &str,
        target: String,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            at: self.clock.now_ms(),
            actor_id: Some(actor.user.id),
            action: action.into(),
            target: Some(target),
            source_addr: Some(addr.to_string()),
        };
        self.store.audit(&entry).await
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Contact center gateway",
        description = "REST API of the gateway. Sign in with POST /api/v1/sessions; the session \
                       cookie `cc_session` authenticates every other call. Each operation's \
                       `security` lists the roles allowed. Errors are RFC 9457 problem+json."
    ),
    modifiers(&SessionCookie),
    components(schemas(shared::Problem))
)]
struct ApiDoc;

struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                shared::SESSION_COOKIE,
                "Set by POST /api/v1/sessions. The scopes of each requirement are the roles allowed.",
            ))),
        );
    }
}

/// The API routes and their OpenAPI document, built together.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::healthz))
        .routes(routes!(meta::metrics))
        .routes(routes!(session::login))
        .routes(routes!(session::current, session::logout))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update, users::delete))
        .routes(routes!(users::reset_password))
        .routes(routes!(directory::list_agents))
        .routes(routes!(directory::agent))
        .routes(routes!(queues::list, queues::create))
        .routes(routes!(queues::read, queues::update, queues::delete))
        .routes(routes!(queues::agent_routing, queues::set_agent_routing))
        .routes(routes!(customers::search, customers::create))
        .routes(routes!(customers::read, customers::update, customers::delete))
        .routes(routes!(customers::interactions))
        .routes(routes!(tickets::for_customer))
        .routes(routes!(tickets::create))
        .routes(routes!(tickets::read, tickets::update))
        .routes(routes!(interactions::list))
        .routes(routes!(interactions::detail))
        .routes(routes!(interactions::wrap_up))
        .routes(routes!(codes::dispositions, codes::put_dispositions))
        .routes(routes!(codes::reason_codes, codes::put_reason_codes))
        .routes(routes!(outbound::caller_ids))
        .routes(routes!(agent_control::force_status))
        .routes(routes!(agent_control::logout))
        .routes(routes!(prompts::list))
        .routes(routes!(prompts::audio, prompts::upload, prompts::remove))
        .routes(routes!(callbacks::list, callbacks::create))
        .routes(routes!(campaigns::list, campaigns::create))
        .routes(routes!(campaigns::read, campaigns::update))
        .routes(routes!(campaigns::import_contacts))
        .routes(routes!(campaigns::start))
        .routes(routes!(campaigns::pause))
        .routes(routes!(campaigns::stop))
        .routes(routes!(campaigns::results))
        .routes(routes!(campaigns::results_csv))
        .routes(routes!(campaigns::dial_log))
        .routes(routes!(campaigns::live))
        .routes(routes!(campaigns::disposition))
        .routes(routes!(campaigns::campaign_dnc, campaigns::add_campaign_dnc))
        .routes(routes!(campaigns::remove_campaign_dnc))
        .routes(routes!(campaigns::global_dnc, campaigns::add_global_dnc))
        .routes(routes!(campaigns::remove_global_dnc))
        .routes(routes!(callbacks::cancel))
        .routes(routes!(voicemails::list))
        .routes(routes!(voicemails::get, voicemails::update))
        .routes(routes!(voicemails::audio))
        .routes(routes!(recordings::list))
        .routes(routes!(recordings::audio))
        .routes(routes!(me::callbacks))
        .routes(routes!(me::dashboard))
        .routes(routes!(me::evaluations))
        .routes(routes!(reports::report))
        .routes(routes!(quality::scorecards, quality::create_scorecard))
        .routes(routes!(quality::update_scorecard, quality::delete_scorecard))
        .routes(routes!(quality::evaluations, quality::evaluate))
        .routes(routes!(flows::list, flows::create))
        .routes(routes!(flows::read, flows::import, flows::delete))
        .routes(routes!(flows::list_entry_points))
        .routes(routes!(flows::read_entry_point, flows::set_entry_point, flows::delete_entry_point))
        .routes(routes!(ws::upgrade))
        .routes(routes!(widget::status))
        .routes(routes!(widget::callback))
        .routes(routes!(widget::call))
        .split_for_parts()
}

/// The whole application: API, OpenAPI document, browser apps, and the
/// middleware every response passes through.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let doc = Arc::new(doc);
    let ui_dir = state.config.http.ui_dir.clone();
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
    .route("/api/v1/widgets/{id}/callbacks", axum::routing::options(widget::preflight))
    .route("/widget.js", axum::routing::get(widget::script))
    .route("/demo/widget", axum::routing::get(widget::demo))
    .merge(ui::router(&ui_dir))
    .fallback(|| async { AppError::NotFound })
    .layer(middleware::from_fn_with_state(state.clone(), guard))
    .with_state(state)
}

/// Runs for every request: decides who the client is (see `forwarded.rs`),
/// refuses cross-origin state changes, counts the request, and adds the
/// security headers (HSTS when serving HTTPS).
async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = session::peer(req.extensions());
    let http = &state.config.http;
    if let Some(peer) = peer {
        let client = forwarded::client(&http.trusted_proxies, peer, req.headers(), http.tls.is_some());
        req.extensions_mut().insert(client);
    }
    let method = req.method().clone();
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    // The web call button's callback request comes from other sites'
    // pages: each widget checks its own origins (that route only).
    let widget = req
        .uri()
        .path()
        .strip_prefix("/api/v1/widgets/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(id, tail)| !id.is_empty() && !id.contains('/') && tail == "callbacks");
    if unsafe_method && !widget {
        // Browsers send Origin on every cross-site POST/DELETE; SameSite
        // cookies already stop most forgery, this stops the rest.
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let ok = origin.to_str().map(|o| state.origin_allowed(o)).unwrap_or(false);
            if !ok {
                return AppError::Forbidden("origin not allowed").into_response();
            }
        }
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| route_label(req.uri().path()).to_owned());
    let mut resp = next.run(req).await;
    let status = resp.status().as_u16();
    metrics::counter!(
        "cc_http_requests_total",
        "route" => route,
        "method" => method.as_str().to_owned(),
        "status" => status_class(status)
    )
    .increment(1);
    let h = resp.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if let Some(tls) = &state.config.http.tls
        && tls.hsts_max_age_secs > 0
        && let Ok(v) = HeaderValue::from_str(&format!("max-age={}", tls.hsts_max_age_secs))
    {
        h.insert(header::STRICT_TRANSPORT_SECURITY, v);
    }
    resp
}

/// A bounded label for requests no API route matched.
fn route_label(path: &str) -> &'static str {
    if path.starts_with("/agent") {
        "/agent"
    } else if path.starts_with("/supervisor") {
        "/supervisor"
    } else {
        "other"
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}
