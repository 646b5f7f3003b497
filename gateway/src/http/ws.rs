//! The WebSocket both apps keep open: live events out, commands in.
//!
//! The upgrade needs a live session and an allowed `Origin` (browsers send
//! it; a page on another site cannot ride the user's cookie). Each message
//! is checked against its role ([`ClientMsg::min_role`]); a refused or
//! unreadable message gets an error message and the connection stays. The
//! session is re-checked every [`SESSION_CHECK`], so a logout elsewhere or
//! a timeout ends the connection with `session_ended`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use shared::Role;
use shared::ws::{AgentStatus, ClientMsg, ServerMsg};
use tokio::sync::broadcast::error::RecvError;

use super::session::{Authed, authenticate};
use super::{AppError, AppState};
use crate::drive::calls::Audience;
use crate::drive::calls::ConsultStep;
use crate::store::rfc3339;

const SESSION_CHECK: Duration = Duration::from_secs(30);
/// Client messages are small commands; anything bigger is not ours.
const MAX_MESSAGE: usize = 64 * 1024;
/// Each connection's read buffer. tungstenite's default (128 KiB, zeroed
/// up front) was half of an agent's memory on the gateway; our messages are
/// mostly well under a kilobyte and larger ones are read in several chunks.
pub const READ_BUFFER: usize = 8 * 1024;
/// Writes wait for this much before going out; every send flushes anyway.
pub const WRITE_BUFFER: usize = 8 * 1024;

static OPEN: AtomicUsize = AtomicUsize::new(0);

/// WebSockets open now (for `/metrics`).
pub fn open_connections() -> usize {
    OPEN.load(Ordering::Relaxed)
}

/// Open the live connection.
///
/// Messages are JSON text frames of `shared::ws::ClientMsg` and
/// `shared::ws::ServerMsg`; the first server message is `welcome`.
#[utoipa::path(
    get, path = "/api/v1/ws", tag = "live",
    security(("session" = ["agent", "supervisor", "admin"])),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 401, body = shared::Problem),
        (status = 403, description = "Origin not allowed", body = shared::Problem),
    )
)]
pub async fn upgrade(
    authed: Authed,
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if !origin.is_some_and(|o| state.origin_allowed(o)) {
        return Err(AppError::Forbidden("origin not allowed"));
    }
    let ws = ws.map_err(|_| AppError::BadRequest("expected a WebSocket upgrade".into()))?;
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| run(socket, state, authed)))
}

async fn run(mut socket: WebSocket, state: AppState, authed: Authed) {
    OPEN.fetch_add(1, Ordering::Relaxed);
    let user = authed.user.clone();
    let is_agent = user.role == Role::Agent;
    let mut events = state.agent_events.subscribe();
    let mut ended = state.ended_sessions.subscribe();
    let mut calls = state.call_notices.subscribe();
    let mut shutdown = state.shutdown.clone();
    let mut tab_changes = state.tab_changes.subscribe();
    let mut conn = Conn { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), active: true, ..Conn::default() };
    tracing::debug!(user_id = user.id, "websocket opened");

    let now = state.clock.now_ms();
    let ice_servers = super::ice::ice_servers(&state.config.webrtc.ice_servers, user.id, now);
    let welcome = ServerMsg::Welcome {
        session: authed.info(&state),
        server_time: rfc3339(now),
        ice_servers,
        ice_transport_policy: state.config.webrtc.ice_transport_policy,
    };
    let mut ok = send(&mut socket, &welcome).await;
    if ok && is_agent {
        conn.active = state.tabs.lock().expect("tabs lock").open(user.id, conn.id);
        if !conn.active {
            ok = send(&mut socket, &ServerMsg::TabState { active: false }).await;
        }
    }
    if ok && is_agent {
        let now = state.clock.now_ms();
        match state.change_presence(|p| p.handle_connect(now, user.id, &user.display_name)) {
            Some(_) => {}
            None => {
                // A second tab: tell it the status the first one set.
                let p = state.presence.lock().expect("presence lock").agent(user.id, &user.display_name, 0);
                ok = send(&mut socket, &ServerMsg::AgentStatusUpdated { agent: p }).await;
            }
        }
    }
    // Calls ringing for this user and their call in progress (a refreshed
    // page); a tab that is not the desk gets them when it takes over.
    if ok && conn.active {
        ok = send_calls(&mut socket, &state, user.id).await;
    }
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.tick().await;

    while ok {
        tokio::select! {
            msg = socket.recv() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(Message::Binary(_))) => {
                        ok = send(&mut socket, &error("bad_message", "binary frames are not used")).await;
                        continue;
                    }
                    Some(Ok(_)) => continue,
                };
                let msg = match serde_json::from_str::<ClientMsg>(text.as_str()) {
                    Ok(m) => m,
                    Err(e) => {
                        metrics::counter!("cc_ws_messages_rejected_total", "reason" => "bad_message").increment(1);
                        ok = send(&mut socket, &error("bad_message", &e.to_string())).await;
                        continue;
                    }
                };
                if !user.role.at_least(msg.min_role()) {
                    metrics::counter!("cc_ws_messages_rejected_total", "reason" => "forbidden").increment(1);
                    ok = send(&mut socket, &error("forbidden", "your role cannot send this message")).await;
                    continue;
                }
                ok = handle(&mut socket, &state, &authed, msg, &mut conn).await;
            }
            ev = events.recv() => {
                match ev {
                    Ok(p) if conn.watching || p.agent_id == user.id => {
                        ok = send(&mut socket, &ServerMsg::AgentStatusUpdated { agent: p }).await;
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) if conn.watching => {
                        // Too slow to follow every change: send the whole picture again.
                        ok = send_agents(&mut socket, &state).await;
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
            _ = check.tick() => {
                match authenticate(&state, &authed.token_hash).await {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        let _ = send(&mut socket, &ServerMsg::SessionEnded).await;
                        break;
                    }
                    Err(e) => tracing::warn!(error = %e, "session check failed"),
                }
            }
            tab = tab_changes.recv() => match tab {
                // The news says something changed; the table says what is
                // true now (news can arrive out of order).
                Ok((agent, _)) if agent == user.id && is_agent => {
                    ok = sync_tab(&mut socket, &state, user.id, &mut conn).await;
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) if is_agent => ok = sync_tab(&mut socket, &state, user.id, &mut conn).await,
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            notice = calls.recv() => match notice {
                Ok(n) if (n.to == Audience::User(user.id) && conn.active) || (n.to == Audience::Supervisors && conn.watching_calls) => {
                    ok = send(&mut socket, &n.msg).await;
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => tracing::warn!(user_id = user.id, missed = n, "call events missed"),
                Err(RecvError::Closed) => break,
            },
            gone = ended.recv() => {
                let ours = match gone {
                    Ok(hash) => hash == authed.token_hash,
                    // Missed some: look the session up instead.
                    Err(RecvError::Lagged(_)) => !matches!(authenticate(&state, &authed.token_hash).await, Ok(Some(_))),
                    Err(RecvError::Closed) => false,
                };
                if ours {
                    let _ = send(&mut socket, &ServerMsg::SessionEnded).await;
                    break;
                }
            }
            board = crate::drive::wallboard::next(&mut conn.wallboard) => match board {
                Some(board) => ok = send(&mut socket, &board.msg).await,
                None => conn.wallboard = None,
            },
            _ = shutdown.changed() => break,
        }
    }
    let _ = socket.send(Message::Close(None)).await;
    if let (Some(leg), Some(webrtc)) = (conn.echo_leg.take(), &state.webrtc) {
        webrtc.remove_leg(leg);
    }
    if is_agent {
        let next = state.tabs.lock().expect("tabs lock").close(user.id, conn.id);
        if let Some(next) = next {
            let _ = state.tab_changes.send((user.id, next));
        }
        let now = state.clock.now_ms();
        state.change_presence(|p| p.handle_disconnect(now, user.id));
    }
    OPEN.fetch_sub(1, Ordering::Relaxed);
    tracing::debug!(user_id = user.id, "websocket closed");
}

/// A reason code: what `reason_codes` holds (`a-z`, `0-9`, `_`, `-`).
fn valid_reason(r: &str) -> bool {
    (1..=32).contains(&r.len())
        && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Ids of WebSocket connections (tabs), for [`crate::presence::Tabs`].
static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// What one connection has asked for.
#[derive(Default)]
struct Conn {
    id: u64,
    /// An agent's tab that is their desk (always true for other roles).
    active: bool,
    /// Sent agents' changes (a supervisor's watch).
    watching: bool,
    /// Sent live calls' changes (a supervisor's watch).
    watching_calls: bool,
    /// The audio check's leg, ended with the connection.
    echo_leg: Option<crate::media::webrtc::LegId>,
    /// The wallboards to come (a supervisor's watch).
    wallboard: Option<crate::drive::wallboard::Watch>,
}

/// Applies one allowed message. Returns false when the socket is gone.
async fn handle(socket: &mut WebSocket, state: &AppState, authed: &Authed, msg: ClientMsg, conn: &mut Conn) -> bool {
    // Any message is activity: keep the session from idling out.
    if let Err(e) = authenticate(state, &authed.token_hash).await {
        tracing::warn!(error = %e, "session touch failed");
    }
    if !conn.active && needs_desk(&msg) {
        return send(socket, &error("inactive_tab", "your desk is open in another tab")).await;
    }
    match msg {
        ClientMsg::Ping { seq } => send(socket, &ServerMsg::Pong { seq }).await,
        ClientMsg::TakeOver => {
            let user = authed.user.id;
            state.tabs.lock().expect("tabs lock").take_over(user, conn.id);
            let _ = state.tab_changes.send((user, conn.id));
            if conn.active {
                // Already the desk: say so (a tab that missed it shows it).
                return send(socket, &ServerMsg::TabState { active: true }).await;
            }
            sync_tab(socket, state, user, conn).await
        }
        ClientMsg::SetStatus { status, reason } => {
            let reason = match reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
                Some(r) if status == AgentStatus::NotReady => {
                    let listed = valid_reason(&r)
                        && state.store.desk_code_exists(crate::store::CodeKind::Reason, &r).await.unwrap_or(false);
                    if !listed {
                        return send(socket, &error("bad_reason", "reason: one of GET /api/v1/reason-codes")).await;
                    }
                    Some(r)
                }
                _ => None,
            };
            let now = state.clock.now_ms();
            let change = state.change_presence(|p| p.handle_set_status(now, authed.user.id, status, reason.clone()));
            match change {
                Some(_) => {
                    if let Some(calls) = state.calls.get() {
                        calls.status_chosen(authed.user.id, status == AgentStatus::Available, reason).await;
                    }
                    true
                }
                None => send(socket, &error("forbidden", "only agents have a status")).await,
            }
        }
        ClientMsg::WrapUpExtend => {
            let Some(calls) = state.calls.get() else {
                return send(socket, &error("wrong_state", "you are not in wrap-up")).await;
            };
            match calls.extend_wrap_up(authed.user.id).await {
                Ok(()) => true,
                Err(r) => send(socket, &error(r.code, &r.message)).await,
            }
        }
        ClientMsg::WrapUpDone { call_id } if call_id.len() > 256 => {
            send(socket, &error("call_gone", "no such call")).await
        }
        ClientMsg::WrapUpDone { call_id } => {
            // A disposition is required: saved through the REST wrap-up,
            // which ends the wrap-up too. This only ends one already saved.
            let saved = match state.store.interaction_record(&call_id).await {
                Ok(Some(r)) => r.agent_id == Some(authed.user.id) && r.disposition_code.is_some(),
                Ok(None) => false,
                Err(e) => {
                    tracing::warn!(error = %e, "interaction not read");
                    return send(socket, &error("unavailable", "try again")).await;
                }
            };
            if !saved {
                return send(socket, &error("disposition_required", "save a disposition code first")).await;
            }
            let Some(calls) = state.calls.get() else { return true };
            match calls.wrap_up_done(authed.user.id, call_id).await {
                Ok(()) => true,
                Err(r) => send(socket, &error(r.code, &r.message)).await,
            }
        }
        ClientMsg::WatchAgents => {
            conn.watching = true;
            send_agents(socket, state).await
        }
        ClientMsg::EchoTestOffer { sdp } => {
            let Some(webrtc) = &state.webrtc else {
                return send(socket, &error("media_unavailable", "this gateway runs no media")).await;
            };
            // One audio check per connection: a new offer replaces the old.
            if let Some(old) = conn.echo_leg.take() {
                webrtc.remove_leg(old);
            }
            match webrtc.add_leg(sdp, crate::media::webrtc::LegMode::Echo).await {
                Ok((leg, answer)) => {
                    conn.echo_leg = Some(leg);
                    send(socket, &ServerMsg::EchoTestAnswer { sdp: answer }).await
                }
                Err(e) => send(socket, &error("bad_sdp", &e)).await,
            }
        }
        ClientMsg::CallAnswer { call_id, sdp } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.answer(authed.user.id, call_id.clone(), sdp, authed.user.language.clone()).await {
                Ok(sdp) => send(socket, &ServerMsg::CallAnswered { call_id, sdp }).await,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallDecline { call_id } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.decline(authed.user.id, call_id).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallDial { number, sdp, caller_id } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.dial(authed.user.id, number, sdp, caller_id).await {
                Ok((call, sdp)) => send(socket, &ServerMsg::CallDialing { call, sdp }).await,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::WatchCalls => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            conn.watching_calls = true;
            match calls.live_calls().await {
                Ok(calls) => send(socket, &ServerMsg::Calls { calls }).await,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::Supervise { call_id, mode, sdp } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.supervise(authed.user.id, call_id.clone(), mode, sdp).await {
                Ok(sdp) => send(socket, &ServerMsg::SupervisionStarted { call_id, mode, sdp }).await,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::SuperviseMode { call_id, mode } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.supervise_mode(authed.user.id, call_id, mode).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::SuperviseStop { call_id } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.supervise_stop(authed.user.id, call_id).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallRecord { call_id, action } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            let supervisor = authed.user.role.at_least(Role::Supervisor);
            match calls.record(authed.user.id, supervisor, call_id, action).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallDtmf { call_id, digits } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.send_digits(authed.user.id, call_id, digits).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallHold { call_id, hold } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.hold(authed.user.id, call_id, hold).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallTransfer { call_id, to_agent } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.transfer(authed.user.id, call_id, to_agent).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallTransferQueue { call_id, queue } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.transfer_to_queue(authed.user.id, call_id, queue).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallTransferNumber { call_id, number } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.transfer_to_number(authed.user.id, call_id, number).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallConsult { call_id, number } => {
            consult(socket, state, authed, call_id, ConsultStep::Call(number)).await
        }
        ClientMsg::CallConsultComplete { call_id } => {
            consult(socket, state, authed, call_id, ConsultStep::Complete).await
        }
        ClientMsg::CallConsultJoin { call_id } => consult(socket, state, authed, call_id, ConsultStep::Join).await,
        ClientMsg::CallConsultCancel { call_id } => consult(socket, state, authed, call_id, ConsultStep::Cancel).await,
        ClientMsg::CallRejoin { call_id, sdp } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.rejoin(authed.user.id, call_id.clone(), sdp).await {
                Ok(sdp) => send(socket, &ServerMsg::CallAnswered { call_id, sdp }).await,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::CallHangUp { call_id } => {
            let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
            match calls.hang_up(authed.user.id, call_id).await {
                Ok(()) => true,
                Err(e) => send(socket, &error(e.code, &e.message)).await,
            }
        }
        ClientMsg::EchoTestStop => {
            if let (Some(leg), Some(webrtc)) = (conn.echo_leg.take(), &state.webrtc) {
                webrtc.remove_leg(leg);
            }
            true
        }
        ClientMsg::WatchWallboard => {
            let (watch, last) = state.wallboard.watch(state);
            conn.wallboard = Some(watch);
            match last {
                Some(board) => send(socket, &board.msg).await,
                None => true,
            }
        }
        ClientMsg::UnwatchWallboard => {
            conn.wallboard = None;
            true
        }
    }
}

async fn send_agents(socket: &mut WebSocket, state: &AppState) -> bool {
    let agents = match state.store.users(Some(Role::Agent)).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "listing agents failed");
            return send(socket, &error("internal", "try again")).await;
        }
    };
    let now = state.clock.now_ms();
    let list = {
        let presence = state.presence.lock().expect("presence lock");
        agents.iter().map(|a| presence.agent(a.id, &a.display_name, now)).collect()
    };
    send(socket, &ServerMsg::Agents { agents: list }).await
}

/// Brings this tab in line with [`crate::presence::Tabs`]: tells it when
/// it became or stopped being the desk, with the calls when it became it.
async fn sync_tab(socket: &mut WebSocket, state: &AppState, user: i64, conn: &mut Conn) -> bool {
    let now = state.tabs.lock().expect("tabs lock").is_active(user, conn.id);
    if now == conn.active {
        return true;
    }
    conn.active = now;
    send(socket, &ServerMsg::TabState { active: now }).await && (!now || send_calls(socket, state, user).await)
}

/// Messages only the agent's desk tab may send.
fn needs_desk(msg: &ClientMsg) -> bool {
    matches!(
        msg,
        ClientMsg::SetStatus { .. }
            | ClientMsg::WrapUpExtend
            | ClientMsg::WrapUpDone { .. }
            | ClientMsg::CallAnswer { .. }
            | ClientMsg::CallDecline { .. }
            | ClientMsg::CallHangUp { .. }
            | ClientMsg::CallTransfer { .. }
            | ClientMsg::CallTransferQueue { .. }
            | ClientMsg::CallTransferNumber { .. }
            | ClientMsg::CallConsult { .. }
            | ClientMsg::CallConsultComplete { .. }
            | ClientMsg::CallConsultJoin { .. }
            | ClientMsg::CallConsultCancel { .. }
            | ClientMsg::CallRejoin { .. }
            | ClientMsg::CallDtmf { .. }
            | ClientMsg::CallHold { .. }
            | ClientMsg::CallDial { .. }
            | ClientMsg::CallRecord { .. }
    )
}

/// The calls ringing for `user` and their call in progress.
async fn send_calls(socket: &mut WebSocket, state: &AppState, user: i64) -> bool {
    let Some(calls) = state.calls.get() else { return true };
    for msg in calls.snapshot(user).await.unwrap_or_default() {
        if !send(socket, &msg).await {
            return false;
        }
    }
    true
}

/// A step of the agent's consultation (attended transfer, three-way call).
async fn consult(
    socket: &mut WebSocket,
    state: &AppState,
    authed: &Authed,
    call_id: String,
    step: ConsultStep,
) -> bool {
    let Some(calls) = state.calls.get() else { return send(socket, &no_calls()).await };
    match calls.consult(authed.user.id, call_id, step).await {
        Ok(()) => true,
        Err(e) => send(socket, &error(e.code, &e.message)).await,
    }
}

fn no_calls() -> ServerMsg {
    error("calls_unavailable", "this gateway carries no calls")
}

fn error(code: &str, message: &str) -> ServerMsg {
    ServerMsg::Error { code: code.into(), message: message.into() }
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> bool {
    let text = serde_json::to_string(msg).expect("server messages always serialize");
    socket.send(Message::Text(text.into())).await.is_ok()
}
