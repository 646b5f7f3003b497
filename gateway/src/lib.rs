//! The contact center's gateway: one process that serves the browser apps
//! and their API, and (as the project grows) carries calls between browsers
//! and SIP trunks, runs IVR flows, queues and routing.
//!
//! `main.rs` reads the command line and config and calls into here; see
//! `ARCHITECTURE.md` at the repository root for the map.

pub mod acd;
pub mod auth;
pub mod calls;
pub mod campaign;
pub mod config;
pub mod demo;
pub mod drive;
pub mod http;
pub mod ivr;
pub mod media;
pub mod presence;
pub mod prompts;
pub mod recordings;
pub mod sdp;
pub mod sip;
pub mod store;
pub mod tls;
pub mod wallboard;

use std::future::{Future, IntoFuture};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::http::{AppState, Clock};
use crate::store::Store;

/// How long open connections get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(10);

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed, in which case ours
            // renders nothing; not worth stopping for.
            let _ = metrics::set_global_recorder(recorder);
            metrics::describe_counter!("cc_http_requests_total", "HTTP requests by route, method and status class");
            metrics::describe_counter!("cc_logins_total", "Login attempts by result");
            metrics::describe_gauge!("cc_ws_connections", "Open WebSocket connections");
            metrics::describe_counter!("cc_tls_handshake_failures_total", "TLS handshakes that failed or timed out");
            metrics::describe_counter!("cc_tls_cert_reloads_total", "TLS certificate reloads by result");
            metrics::gauge!("cc_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            handle
        })
        .clone()
}

/// Serves HTTP on `listener`, browser media, and (given `sip` sockets) SIP
/// with call control, until `shutdown` completes; then lets open requests
/// finish (for at most [`DRAIN`]) and trunks unregister.
pub async fn serve(
    config: Config,
    store: Store,
    listener: TcpListener,
    sip: Option<drive::sip::SipSockets>,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let bound = listener.local_addr()?;
    // HTTPS: the certificate must load before anything starts.
    let tls = match &config.http.tls {
        Some(t) => Some((tls::CertStore::load(t)?, t.clone())),
        None => None,
    };
    let redirect = match config.http.tls.as_ref().and_then(|t| t.redirect_listen) {
        Some(addr) => {
            Some(TcpListener::bind(addr).await.with_context(|| format!("binding http.tls.redirect_listen {addr}"))?)
        }
        None => None,
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut drain_rx = stop_rx.clone();
    let webrtc = drive::webrtc::start(&config.webrtc, &config.media, stop_rx.clone()).await?;
    let sip_config = config.sip.clone();
    let state =
        AppState::new(store.clone(), config, bound, clock, Some(metrics_handle()), Some(webrtc.clone()), stop_rx);
    let sip_task = sip.map(|sockets| {
        let outbound = sip_config.trunks.iter().find_map(|t| {
            let o = t.outbound.as_ref()?;
            Some(drive::calls::Outbound {
                trunk: t.name.clone(),
                caller_id: o.caller_id.clone(),
                caller_ids: o.caller_ids.clone(),
            })
        });
        let media = &state.config.media;
        let prompts = match prompts::Catalog::load(&media.prompts_dir, Some(&media.prompts_override_dir)) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                tracing::error!(error = %e, "voice prompts not loaded: the IVR runs silently");
                None
            }
        };
        let engine = drive::calls::Engine {
            store: store.clone(),
            prompts,
            prompt_dirs: (media.prompts_dir.clone(), media.prompts_override_dir.clone()),
            routing: state.routing_changes.subscribe(),
            voicemail_dir: media.voicemail_dir.clone(),
            set_not_ready: {
                let state = state.clone();
                Box::new(move |agent| {
                    let now = state.clock.now_ms();
                    state.change_presence(|p| {
                        p.handle_set_status(
                            now,
                            agent,
                            shared::ws::AgentStatus::NotReady,
                            Some(acd::MISSED_REASON.to_owned()),
                        )
                    });
                })
            },
            on_activity: {
                let state = state.clone();
                Box::new(move |agent, activity| {
                    state.change_presence(|p| p.handle_activity(agent, activity));
                })
            },
        };
        let caller_ids = outbound.as_ref().map(|o| {
            let mut ids = vec![o.caller_id.clone()];
            ids.extend(o.caller_ids.iter().cloned());
            ids
        });
        let (calls, link) = drive::calls::start(
            outbound,
            state.config.media.recordings_dir.clone(),
            webrtc.clone(),
            state.agent_events.subscribe(),
            state.call_notices.clone(),
            engine,
            state.shutdown.clone(),
        );
        let dialer = drive::dialer::start(
            caller_ids,
            store.clone(),
            calls.clone(),
            webrtc,
            state.agent_events.subscribe(),
            state.routing_changes.subscribe(),
            state.shutdown.clone(),
        );
        let _ = state.dialer.set(dialer);
        let _ = state.calls.set(calls);
        let stop = state.shutdown.clone();
        tokio::spawn(async move {
            let status = watch::channel(Vec::new()).0;
            drive::sip::run_linked(&sip_config, sockets, stop, status, Some(link)).await
        })
    });
    let app = http::app(state.clone());
    if let Some(redirect) = redirect {
        tracing::info!(bound = %redirect.local_addr()?, "plain HTTP redirects to HTTPS");
        let mut stop = state.shutdown.clone();
        let router = http::redirect::router(bound.port(), state.config.http.public_url.as_deref());
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            if let Err(e) = serve_on(redirect, router, stopped).await {
                tracing::error!(error = %e, "the HTTP redirect listener stopped");
            }
        });
    }
    tokio::spawn(purge_sessions(state.clone()));
    tokio::spawn(recordings::run(state.clone()));

    let signalled = async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    };
    let server = async move {
        match tls {
            Some((certs, tls_config)) => {
                tracing::info!(%bound, "listening for HTTPS");
                tokio::spawn(tls::watch(certs.clone(), tls_config, state.shutdown.clone()));
                let listener = tls::TlsListener::new(listener, tls::server_config(certs))?;
                serve_on(listener, app, signalled).await
            }
            None => {
                tracing::info!(%bound, "listening for HTTP");
                serve_on(listener, app, signalled).await
            }
        }
    };
    let deadline = async move {
        let _ = drain_rx.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        r = server => r?,
        _ = deadline => tracing::warn!("connections still open after {DRAIN:?}; closing them"),
    }
    // Call control ends its calls with BYEs and the pool waits for borrowed
    // connections; neither may keep the process from exiting.
    if let Some(t) = sip_task
        && tokio::time::timeout(DRAIN, t).await.is_err()
    {
        tracing::warn!("call control did not stop within {DRAIN:?}; leaving it");
    }
    if tokio::time::timeout(DRAIN, store.close()).await.is_err() {
        tracing::warn!("the database pool did not close within {DRAIN:?}; leaving it");
    }
    Ok(())
}

/// Serves `app` on `listener` (plain TCP or TLS) with each request's peer
/// address as `ConnectInfo<SocketAddr>`, until `shutdown` completes and open
/// requests finish.
async fn serve_on<L>(
    listener: L,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
{
    use axum::serve::ListenerExt;
    // `tap_io` is what gives any listener's address to `ConnectInfo`.
    axum::serve(listener.tap_io(|_| {}), app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .into_future()
        .await
}

/// Deletes ended sessions now and then, so the table holds live ones only.
async fn purge_sessions(state: AppState) {
    let mut stop = state.shutdown.clone();
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let idle_ms = state.config.sessions.idle_timeout_secs as i64 * 1000;
        match state.store.purge_sessions(state.clock.now_ms(), idle_ms).await {
            Ok(n) if n > 0 => tracing::debug!(sessions = n, "purged ended sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging sessions failed"),
        }
    }
}
