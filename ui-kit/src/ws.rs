//! The WebSocket to the gateway at [`shared::WS_PATH`]: JSON text frames of
//! [`ClientMsg`] and [`ServerMsg`]. It pings every 20 s, reconnects by itself
//! (1 s, doubling to 30 s, reset once the gateway welcomes us again), shows
//! its state reactively and hands every server message to the components
//! that subscribed. When the session ends (a `session_ended` message, or an
//! upgrade refused because the session is gone) it stops and returns the app
//! to the login page.
//!
//! [`WsClient::request`] sends one message and awaits the server message
//! that answers it. The protocol has no request ids: the caller says which
//! message counts as the answer, so only one request of a kind should be
//! under way at a time.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use shared::ws::{ClientMsg, IceServer, ServerMsg};
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

/// Why [`WsClient::request`] got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestError {
    /// Not connected: the request was not sent.
    NotConnected,
    /// No answer in time.
    Timeout,
    /// The connection closed before the answer came.
    Closed,
}

impl RequestError {
    /// The message key to show the user.
    pub fn message_key(self) -> &'static str {
        match self {
            RequestError::NotConnected | RequestError::Closed => "error-network",
            RequestError::Timeout => "error-timeout",
        }
    }
}

/// A handle on the connection; cheap to clone, shared as context by the
/// shell. [`WsClient::close`] stops it for good.
#[derive(Clone)]
pub struct WsClient(SendWrapper<Rc<Inner>>);

/// What subscribers hear: every server message, and each time a socket
/// closes (requests under way can get no answer after that).
#[derive(Clone, Copy)]
enum Event<'a> {
    Message(&'a ServerMsg),
    Closed,
}

type Subscriber = Rc<dyn Fn(Event<'_>)>;

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
    /// The STUN/TURN servers of the last Welcome.
    ice_servers: RefCell<Vec<IceServer>>,
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
            ice_servers: RefCell::new(Vec::new()),
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
        let id = self.0.add_subscriber(Rc::new(move |event| {
            if let Event::Message(msg) = event {
                f(msg)
            }
        }));
        let weak = SendWrapper::new(Rc::downgrade(&self.0));
        on_cleanup(move || {
            if let Some(inner) = weak.upgrade() {
                inner.remove_subscriber(id);
            }
        });
    }

    /// Sends `msg` and waits up to `timeout` for the first server message
    /// that `answer` picks (returns `Some` for). `answer` decides what counts,
    /// errors included, e.g. `Error { .. }` as a refusal. Dropping the future
    /// gives up waiting; it needs no reactive owner.
    pub async fn request<T: 'static>(
        &self,
        msg: &ClientMsg,
        timeout: Duration,
        answer: impl Fn(&ServerMsg) -> Option<T> + 'static,
    ) -> Result<T, RequestError> {
        let slot: Rc<RefCell<Slot<T>>> = Rc::new(RefCell::new(Slot { result: None, waker: None }));
        let listener = {
            let slot = Rc::downgrade(&slot);
            Rc::new(move |event: Event<'_>| {
                let Some(slot) = slot.upgrade() else { return };
                let result = match event {
                    Event::Message(msg) => match answer(msg) {
                        Some(value) => Ok(value),
                        None => return,
                    },
                    Event::Closed => Err(RequestError::Closed),
                };
                Slot::fill(&slot, result);
            })
        };
        // Listen before sending: the answer cannot overtake us.
        let mut pending = Pending {
            inner: Rc::clone(&self.0),
            subscriber: self.0.add_subscriber(listener),
            timer: None,
            slot: Rc::clone(&slot),
        };
        if !self.0.send(msg) {
            return Err(RequestError::NotConnected);
        }
        let weak = Rc::downgrade(&slot);
        let timer = set_timeout_with_handle(
            move || {
                if let Some(slot) = weak.upgrade() {
                    Slot::fill(&slot, Err(RequestError::Timeout));
                }
            },
            timeout,
        );
        pending.timer = timer.ok();
        pending.await
    }

    /// The gateway's clock in milliseconds since the epoch, as well as the
    /// last Welcome lets us tell; for "time in status" timers.
    pub fn server_now_ms(&self) -> f64 {
        format::now_ms() + self.0.clock_offset_ms.get()
    }

    /// The STUN/TURN servers the last Welcome gave, for every WebRTC leg's
    /// `iceServers` (empty: none given).
    pub fn ice_servers(&self) -> Vec<IceServer> {
        self.0.ice_servers.borrow().clone()
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

/// Where a request's answer lands, and who to wake when it does.
struct Slot<T> {
    result: Option<Result<T, RequestError>>,
    waker: Option<Waker>,
}

impl<T> Slot<T> {
    /// Keeps the first result only.
    fn fill(this: &RefCell<Slot<T>>, result: Result<T, RequestError>) {
        let waker = {
            let mut slot = this.borrow_mut();
            if slot.result.is_some() {
                return;
            }
            slot.result = Some(result);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// A request waiting for its answer; unsubscribes and stops its timer when
/// done or dropped.
struct Pending<T> {
    inner: Rc<Inner>,
    subscriber: u64,
    timer: Option<TimeoutHandle>,
    slot: Rc<RefCell<Slot<T>>>,
}

impl<T> Future for Pending<T> {
    type Output = Result<T, RequestError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match slot.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        self.inner.remove_subscriber(self.subscriber);
        if let Some(t) = self.timer.take() {
            t.clear();
        }
    }
}

impl Inner {
    fn add_subscriber(&self, f: Subscriber) -> u64 {
        let id = self.next_subscriber.get();
        self.next_subscriber.set(id + 1);
        self.subscribers.borrow_mut().push((id, f));
        id
    }

    fn remove_subscriber(&self, id: u64) {
        self.subscribers.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// Calls every subscriber; they may subscribe, unsubscribe or send while
    /// we call them.
    fn notify(&self, event: Event<'_>) {
        let subscribers: Vec<Subscriber> = self.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in subscribers {
            f(event);
        }
    }

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
            ServerMsg::Welcome { session, server_time, ice_servers, ice_transport_policy } => {
                crate::rtc::set_relay_only(*ice_transport_policy == shared::ws::IceTransportPolicy::Relay);
                this.welcomed.set(true);
                this.ice_servers.replace(ice_servers.clone());
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
        this.notify(Event::Message(&msg));
    }

    fn handle_close(this: &Rc<Inner>) {
        discard(this.socket.take());
        if let Some(t) = this.ping_timer.take() {
            t.clear();
        }
        this.notify(Event::Closed);
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
        self.notify(Event::Closed);
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
