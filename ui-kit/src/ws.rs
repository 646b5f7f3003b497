//! The WebSocket to the gateway at [`shared::WS_PATH`]: JSON text frames of
//! [`ClientMsg`] and [`ServerMsg`]. It pings every 20 s, reconnects by itself
//! (1 s, doubling to 30 s, reset once the gateway welcomes us again), shows
//! its state reactively and hands every server message to the components
//! that subscribed. When the session ends (a `session_ended` message, or an
//! upgrade refused because the session is gone) it stops and returns the app
//! to the login page.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use shared::ws::{ClientMsg, ServerMsg};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::api;
use crate::format;
use crate::session::Session;

const PING_EVERY: Duration = Duration::from_secs(20);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

/// The connection as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Not yet welcomed since the app started.
    Connecting,
    /// Welcomed by the gateway.
    Connected,
    /// Lost after having been connected; retrying.
    Reconnecting,
}

impl ConnState {
    /// The value of `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnState::Connecting => "connecting",
            ConnState::Connected => "connected",
            ConnState::Reconnecting => "reconnecting",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            ConnState::Connecting => "conn-connecting",
            ConnState::Connected => "conn-connected",
            ConnState::Reconnecting => "conn-reconnecting",
        }
    }
}

/// A handle on the connection; cheap to clone, shared as context by the
/// shell. [`WsClient::close`] stops it for good.
#[derive(Clone)]
pub struct WsClient(SendWrapper<Rc<Inner>>);

type Subscriber = Rc<dyn Fn(&ServerMsg)>;

struct Inner {
    session: Session,
    state: ArcRwSignal<ConnState>,
    socket: RefCell<Option<Socket>>,
    /// Whether the current socket got its Welcome.
    welcomed: Cell<bool>,
    subscribers: RefCell<Vec<(u64, Subscriber)>>,
    next_subscriber: Cell<u64>,
    next_retry: Cell<Duration>,
    ping_seq: Cell<u64>,
    ping_timer: Cell<Option<IntervalHandle>>,
    retry_timer: Cell<Option<TimeoutHandle>>,
    stopped: Cell<bool>,
    /// Server clock minus browser clock, from the last Welcome.
    clock_offset_ms: Cell<f64>,
}

/// One WebSocket with the callbacks it holds.
struct Socket {
    ws: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl WsClient {
    /// Opens the connection for the signed-in `session`.
    pub fn connect(session: Session) -> WsClient {
        let inner = Rc::new(Inner {
            session,
            state: ArcRwSignal::new(ConnState::Connecting),
            socket: RefCell::new(None),
            welcomed: Cell::new(false),
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(0),
            next_retry: Cell::new(FIRST_RETRY),
            ping_seq: Cell::new(0),
            ping_timer: Cell::new(None),
            retry_timer: Cell::new(None),
            stopped: Cell::new(false),
            clock_offset_ms: Cell::new(0.0),
        });
        Inner::open(&inner);
        WsClient(SendWrapper::new(inner))
    }

    /// The connection state; reactive.
    pub fn state(&self) -> ConnState {
        self.0.state.get()
    }

    /// The connection state, without subscribing.
    pub fn state_untracked(&self) -> ConnState {
        self.0.state.get_untracked()
    }

    /// Sends a message if connected; returns whether it went out. Callers
    /// disable their controls while not connected, so nothing is queued.
    pub fn send(&self, msg: &ClientMsg) -> bool {
        self.0.send(msg)
    }

    /// Calls `f` with every server message until the calling component is
    /// dropped.
    pub fn subscribe(&self, f: impl Fn(&ServerMsg) + 'static) {
        let id = self.0.next_subscriber.get();
        self.0.next_subscriber.set(id + 1);
        self.0.subscribers.borrow_mut().push((id, Rc::new(f)));
        let weak = SendWrapper::new(Rc::downgrade(&self.0));
        on_cleanup(move || {
            if let Some(inner) = weak.upgrade() {
                inner.subscribers.borrow_mut().retain(|(i, _)| *i != id);
            }
        });
    }

    /// The gateway's clock in milliseconds since the epoch, as well as the
    /// last Welcome lets us tell; for "time in status" timers.
    pub fn server_now_ms(&self) -> f64 {
        format::now_ms() + self.0.clock_offset_ms.get()
    }

    /// The gateway's clock, ticking once a second while the calling
    /// component lives; for timers.
    pub fn clock(&self) -> ReadSignal<f64> {
        let (now, set_now) = signal(self.server_now_ms());
        let this = self.clone();
        if let Ok(timer) = set_interval_with_handle(move || set_now.set(this.server_now_ms()), Duration::from_secs(1)) {
            on_cleanup(move || timer.clear());
        }
        now
    }

    /// Stops for good: no more messages, no reconnects.
    pub fn close(&self) {
        self.0.stop();
    }
}

impl Inner {
    fn open(this: &Rc<Inner>) {
        if this.stopped.get() {
            return;
        }
        this.welcomed.set(false);
        let Some(url) = ws_url() else { return };
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => {
                Inner::retry_later(this);
                return;
            }
        };
        let weak = Rc::downgrade(this);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let (Some(inner), Some(text)) = (weak.upgrade(), ev.data().as_string()) {
                Inner::handle_text(&inner, &text);
            }
        });
        let weak = Rc::downgrade(this);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            if let Some(inner) = weak.upgrade() {
                Inner::handle_close(&inner);
            }
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let old = this.socket.replace(Some(Socket { ws, _on_message: on_message, _on_close: on_close }));
        discard(old);
    }

    fn handle_text(this: &Rc<Inner>, text: &str) {
        let msg: ServerMsg = match serde_json::from_str(text) {
            Ok(msg) => msg,
            Err(e) => {
                web_sys::console::warn_1(&format!("unreadable server message: {e}").into());
                return;
            }
        };
        match &msg {
            ServerMsg::Welcome { session, server_time } => {
                this.welcomed.set(true);
                this.next_retry.set(FIRST_RETRY);
                if let Some(server_ms) = format::parse_time(server_time) {
                    this.clock_offset_ms.set(server_ms - format::now_ms());
                }
                this.session.signed_in(session.clone());
                Inner::start_pings(this);
                this.state.set(ConnState::Connected);
            }
            ServerMsg::SessionEnded => {
                this.stop();
                this.session.ended(Some("login-session-ended"));
            }
            _ => {}
        }
        // Subscribers may subscribe or send while we call them.
        let subscribers: Vec<Subscriber> = this.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in subscribers {
            f(&msg);
        }
    }

    fn handle_close(this: &Rc<Inner>) {
        discard(this.socket.take());
        if let Some(t) = this.ping_timer.take() {
            t.clear();
        }
        if this.stopped.get() {
            return;
        }
        if this.state.get_untracked() == ConnState::Connected {
            this.state.set(ConnState::Reconnecting);
        }
        if this.welcomed.get() {
            Inner::retry_later(this);
            return;
        }
        // Refused before the Welcome. The browser hides the HTTP status of a
        // failed upgrade, so ask whether the session is still there.
        let weak = Rc::downgrade(this);
        leptos::task::spawn_local(async move {
            let answer = api::current_session().await;
            let Some(inner) = weak.upgrade() else { return };
            if inner.stopped.get() {
                return;
            }
            if let Ok(None) = answer {
                inner.stop();
                inner.session.ended(Some("login-session-ended"));
            } else {
                Inner::retry_later(&inner);
            }
        });
    }

    fn retry_later(this: &Rc<Inner>) {
        let delay = this.next_retry.get();
        this.next_retry.set((delay * 2).min(MAX_RETRY));
        let weak = Rc::downgrade(this);
        let timer = set_timeout_with_handle(
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.retry_timer.set(None);
                    Inner::open(&inner);
                }
            },
            delay,
        );
        if let Ok(timer) = timer
            && let Some(old) = this.retry_timer.replace(Some(timer))
        {
            old.clear();
        }
    }

    fn start_pings(this: &Rc<Inner>) {
        let weak = Rc::downgrade(this);
        let timer = set_interval_with_handle(
            move || {
                if let Some(inner) = weak.upgrade() {
                    let seq = inner.ping_seq.get() + 1;
                    inner.ping_seq.set(seq);
                    inner.send(&ClientMsg::Ping { seq });
                }
            },
            PING_EVERY,
        );
        if let Ok(timer) = timer
            && let Some(old) = this.ping_timer.replace(Some(timer))
        {
            old.clear();
        }
    }

    fn send(&self, msg: &ClientMsg) -> bool {
        let socket = self.socket.borrow();
        let Some(socket) = socket.as_ref().filter(|s| s.ws.ready_state() == WebSocket::OPEN) else {
            return false;
        };
        let text = serde_json::to_string(msg).expect("client messages always serialise");
        socket.ws.send_with_str(&text).is_ok()
    }

    fn stop(&self) {
        if self.stopped.replace(true) {
            return;
        }
        if let Some(t) = self.ping_timer.take() {
            t.clear();
        }
        if let Some(t) = self.retry_timer.take() {
            t.clear();
        }
        if let Some(socket) = self.socket.take() {
            socket.ws.set_onmessage(None);
            socket.ws.set_onclose(None);
            let _ = socket.ws.close();
            discard(Some(socket));
        }
        self.subscribers.borrow_mut().clear();
    }
}

/// Drops a socket's callbacks later: one of them may be running right now,
/// and freeing a running wasm-bindgen closure is an error.
fn discard(socket: Option<Socket>) {
    if let Some(socket) = socket {
        leptos::task::spawn_local(async move { drop(socket) });
    }
}

/// `ws://` or `wss://` on the page's own host.
fn ws_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{}", location.host().ok()?, shared::WS_PATH))
}
