//! The live calls and joining them. After each Welcome the desk asks for
//! the calls (`watch_calls`) and keeps the table current with
//! `live_call_updated` and `live_call_removed` ([`LiveCalls`]). On a
//! connected call the supervisor can start or stop the recording
//! (`call_record`) and join the call: the first press of Listen, Whisper or
//! Barge opens the microphone chosen in the agent desk's audio check (else
//! the system default), offers it to the gateway (`supervise` →
//! `supervision_started`) and plays the call through the section's
//! `<audio>`; another press changes the mode (`supervise_mode` →
//! `supervision_changed`); Leave (`supervise_stop`) or the end of the call
//! (`supervision_ended`) closes the connection and releases the microphone.
//! One call at a time ([`Supervisor`]).
//!
//! The microphone carries sound only while someone may hear it (see
//! [`ui_kit::supervise::Supervision::mic_open`]).
//!
//! The protocol has no request ids: while a join, a change of mode or a
//! recording request is under way, an `error` is taken as its refusal.
//!
//! Test ids: `live-calls` (the table) with a `live-call` row per call
//! (`data-call-id`, `data-state` ringing | connecting | talking | held,
//! `data-recording`), `live-call-record` (`data-pending` while under way),
//! `supervise-listen`, `supervise-whisper`, `supervise-barge`
//! (`aria-pressed`), `supervise-leave`; `supervise-panel` (`data-call-id`,
//! `data-mode`, `data-joining`) while on a call, `supervise-notice` after
//! it, `supervise-error`, `live-calls-error`, `supervise-audio`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use shared::ws::{AgentPresence, CallDirection, ClientMsg, LiveCall, RecordAction, ServerMsg, SuperviseMode};
use ui_kit::live_calls::{self, LiveCalls};
use ui_kit::media::{self, MicError};
use ui_kit::rtc::{self, Peer};
use ui_kit::supervise::{self, MODES, Press, Supervisor};
use ui_kit::{ConnState, RequestError, Session, WsClient, format, recording, t, t_args, tr};
use wasm_bindgen::JsCast;
use web_sys::{MediaStream, MediaStreamTrack, RtcPeerConnection, RtcPeerConnectionState, RtcTrackEvent};

/// How long the gateway may take to put the supervisor on a call.
const JOIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a change of mode or a recording request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

const HEADSET_ICON: &str = "M4 15v-3a8 8 0 0 1 16 0v3M4 15h3v5H5a1 1 0 0 1-1-1zM20 15h-3v5h2a1 1 0 0 0 1-1z";
const STOP_ICON: &str = "M7 7h10v10H7z";
const LEAVE_ICON: &str = "M10 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h4M15 8l4 4-4 4M19 12H9";

/// The agents as the desk knows them (`None` until the first list).
pub type AgentList = RwSignal<Option<Vec<AgentPresence>>>;

/// The live calls section.
#[component]
pub fn LiveCallsPanel(agents: AgentList) -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let me = Session::expect().user().map(|u| u.id);
    let desk = Rc::new(Desk::new(ws.clone()));
    let ui = desk.ui.clone();
    let desk = SendWrapper::new(desk);
    ws.subscribe({
        let desk = desk.clone();
        move |msg| Desk::handle(&desk, msg)
    });
    on_cleanup({
        let desk = desk.clone();
        move || Desk::leave(&desk, false)
    });
    if ws.state_untracked() == ConnState::Connected {
        ws.send(&ClientMsg::WatchCalls);
    }

    let calls = RwSignal::from(ui.calls);
    let sup = RwSignal::from(ui.sup);
    let sup_error = RwSignal::from(ui.sup_error);
    let notice = RwSignal::from(ui.notice);
    let rec_error = RwSignal::from(ui.rec_error);
    let clock = ws.clock();
    let ctx = RowContext { calls, sup, agents, clock, me };

    let ids = Memo::new(move |_| calls.with(|c| c.calls().iter().map(|c| c.call.call_id.clone()).collect::<Vec<_>>()));
    let empty_row = move || match calls.with(|c| (c.loaded(), c.calls().is_empty())) {
        (false, _) => Some(view! { <EmptyRow key="live-calls-loading" /> }.into_any()),
        (true, true) => Some(view! { <EmptyRow key="live-calls-empty" /> }.into_any()),
        (true, false) => None,
    };
    let row = {
        let desk = desk.clone();
        move |id: String| view! { <LiveCallRow call_id=id ctx=ctx desk=desk.clone() /> }
    };

    view! {
        <section class="panel panel-flush live-calls" aria-labelledby="live-calls-title">
            <div class="panel-pad">
                <h2 class="panel-title" id="live-calls-title">{tr("live-calls-title")}</h2>
                <SupervisePanel ctx=ctx />
                // Present while empty, so what appears in it is announced.
                <div class="status-wrap" role="status">
                    {move || {
                        notice
                            .get()
                            .map(|key| view! { <p class="notice" data-testid="supervise-notice">{move || t(key)}</p> })
                    }}
                </div>
                <p
                    class="alert"
                    data-testid="supervise-error"
                    role="alert"
                    prop:hidden=move || sup_error.with(Option::is_none)
                >
                    {move || sup_error.get().map(t)}
                </p>
                <p
                    class="alert"
                    data-testid="live-calls-error"
                    role="alert"
                    prop:hidden=move || rec_error.with(Option::is_none)
                >
                    {move || rec_error.get().map(t)}
                </p>
                <p class="visually-hidden" id="supervise-busy-hint">{tr("supervise-one-at-a-time")}</p>
            </div>
            <div class="table-wrap">
                <table class="table live-table" data-testid="live-calls" aria-labelledby="live-calls-title">
                    <thead>
                        <tr>
                            <th scope="col">{tr("live-col-caller")}</th>
                            <th scope="col">{tr("live-col-to")}</th>
                            <th scope="col">{tr("live-col-state")}</th>
                            <th scope="col">{tr("live-col-agent")}</th>
                            <th scope="col">{tr("live-col-duration")}</th>
                            <th scope="col">{tr("live-col-recording")}</th>
                            <th scope="col">{tr("live-col-supervisors")}</th>
                            <th scope="col">{tr("live-col-supervise")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {empty_row}
                        <For each=move || ids.get() key=|id| id.clone() children=row />
                    </tbody>
                </table>
            </div>
            <audio data-testid="supervise-audio" autoplay node_ref=ui.player></audio>
        </section>
    }
}

/// What every row reads.
#[derive(Clone, Copy)]
struct RowContext {
    calls: RwSignal<LiveCalls>,
    sup: RwSignal<Supervisor>,
    agents: AgentList,
    clock: ReadSignal<f64>,
    /// The signed-in supervisor.
    me: Option<i64>,
}

impl RowContext {
    /// The agent's name, as the agents list has it.
    fn agent_name(&self, agent_id: Option<i64>) -> Option<String> {
        let id = agent_id?;
        self.agents.with(|list| {
            list.as_ref()
                .and_then(|l| l.iter().find(|a| a.agent_id == id))
                .map(|a| a.display_name.clone())
                .or_else(|| Some(t("live-agent-unknown")))
        })
    }
}

/// One call. The row stays while the call lives; what it shows follows
/// the call, so its buttons keep the focus.
#[component]
fn LiveCallRow(call_id: String, ctx: RowContext, desk: SendWrapper<Rc<Desk>>) -> impl IntoView {
    let RowContext { calls, sup, clock, me, .. } = ctx;
    let id = call_id.clone();
    let call = Memo::new(move |_| calls.with(|c| c.get(&id).cloned()));
    let get = move |f: fn(&LiveCall) -> String| call.with(|c| c.as_ref().map(f).unwrap_or_default());
    let state = Memo::new(move |_| call.with(|c| c.as_ref().map(|c| c.state)));
    let state_str = move || state.get().map(live_calls::state_str);
    let rec_state = Memo::new(move |_| call.with(|c| c.as_ref().map(|c| c.recording)));
    let connected = Memo::new(move |_| state.get().is_some_and(live_calls::connected));
    let can_supervise = Memo::new(move |_| call.with(|c| c.as_ref().is_some_and(|c| live_calls::can_supervise(c, me))));
    let started = Memo::new(move |_| call.with(|c| c.as_ref().and_then(|c| format::parse_time(&c.call.started))));
    let elapsed = move || started.get().map(|s| live_calls::elapsed_secs(s, clock.get())).unwrap_or(0);
    let caller = Memo::new(move |_| call.with(|c| c.as_ref().map(|c| caller_label(&c.call)).unwrap_or_default()));
    let name =
        move || call.with(|c| c.as_ref().and_then(|c| c.call.from_name.clone())).filter(|n| !n.trim().is_empty());
    let agent = move || call.with(|c| c.as_ref().map(|c| c.agent_id)).flatten();
    let agent_name = move || ctx.agent_name(agent());
    let direction = move || {
        call.with(|c| c.as_ref().map(|c| c.call.direction)).map(|d| match d {
            CallDirection::Inbound => ("inbound", "live-inbound"),
            CallDirection::Outbound => ("outbound", "live-outbound"),
        })
    };

    let supervisors = move || {
        let ids = call.with(|c| c.as_ref().map(|c| c.supervisors.clone()).unwrap_or_default());
        if ids.is_empty() {
            return view! { <span class="muted">{tr("live-supervisors-none")}</span> }.into_any();
        }
        ids.into_iter()
            .map(|s| {
                let key = if Some(s) == me { "live-supervisor-you" } else { "live-supervisor-other" };
                view! {
                    <span class="chip" data-supervisor-id=s data-me=(Some(s) == me).to_string()>
                        {tr(key)}
                    </span>
                }
            })
            .collect_view()
            .into_any()
    };

    let record_pending = Memo::new({
        let id = call_id.clone();
        move |_| calls.with(|c| c.record_pending(&id))
    });
    let on_record = {
        let desk = desk.clone();
        let id = call_id.clone();
        move |_| Desk::record(&desk, &id)
    };
    let rec_action = move || rec_state.get().map(recording::start_or_stop);
    let rec_label = move || {
        let key =
            if rec_action() == Some(RecordAction::Stop) { "live-record-stop-label" } else { "live-record-start-label" };
        t_args(key, &[("caller", &caller.get())])
    };

    let mode_buttons = {
        let desk = desk.clone();
        let id = call_id.clone();
        move || {
            MODES
                .into_iter()
                .map(|mode| {
                    let desk = desk.clone();
                    let id = id.clone();
                    let on_this = {
                        let id = id.clone();
                        move || sup.with(|s| s.on(&id).map(|s| (s.mode(), s.joining(), s.pending_mode())))
                    };
                    let pressed = {
                        let on_this = on_this.clone();
                        move || on_this().is_some_and(|(m, joining, _)| m == mode && !joining).to_string()
                    };
                    let pending = {
                        let on_this = on_this.clone();
                        move || match on_this() {
                            Some((m, true, _)) if m == mode => Some("join"),
                            Some((_, _, Some(p))) if p == mode => Some("mode"),
                            _ => None,
                        }
                    };
                    let elsewhere = {
                        let id = id.clone();
                        move || sup.with(|s| s.current().is_some_and(|c| c.call_id() != id))
                    };
                    let busy = {
                        let on_this = on_this.clone();
                        let elsewhere = elsewhere.clone();
                        move || {
                            (elsewhere() || on_this().is_some_and(|(_, joining, p)| joining || p.is_some()))
                                .then_some("true")
                        }
                    };
                    let testid = match mode {
                        SuperviseMode::Listen => "supervise-listen",
                        SuperviseMode::Whisper => "supervise-whisper",
                        SuperviseMode::Barge => "supervise-barge",
                    };
                    view! {
                        <button
                            type="button"
                            class="btn btn-sm btn-secondary btn-toggle seg"
                            data-testid=testid
                            data-mode=supervise::mode_str(mode)
                            aria-pressed=pressed
                            aria-disabled=busy
                            aria-describedby=move || elsewhere().then_some("supervise-busy-hint")
                            data-pending=pending
                            title=move || t(supervise::mode_hint_key(mode))
                            on:click=move |_| Desk::press(&desk, &id, mode)
                        >
                            <ModeIcon mode=mode />
                            <span>{move || t(supervise::mode_key(mode))}</span>
                        </button>
                    }
                })
                .collect_view()
        }
    };
    let on_this_call = {
        let id = call_id.clone();
        Memo::new(move |_| sup.with(|s| s.on(&id).is_some()))
    };
    let on_leave = {
        let desk = desk.clone();
        move |_| Desk::leave(&desk, true)
    };

    view! {
        <tr
            data-testid="live-call"
            data-call-id=call_id.clone()
            data-state=state_str
            data-recording=move || rec_state.get().map(recording::state_str)
            data-supervised=move || on_this_call.get().to_string()
        >
            <th scope="row" class="cell-name live-caller">
                {move || {
                    direction()
                        .map(|(dir, key)| {
                            view! {
                                <span class="live-direction" data-direction=dir>
                                    {tr(key)}
                                </span>
                            }
                        })
                }}
                {move || name().map(|name| view! { <bdi class="call-name">{name}</bdi> })}
                <bdi class="call-number" dir="ltr">{move || get(|c| c.call.from.clone())}</bdi>
            </th>
            <td>
                <bdi class="call-number" dir="ltr">{move || get(|c| c.call.to.clone())}</bdi>
                <span class="live-trunk muted">
                    <span class="visually-hidden">{tr("call-trunk")} " "</span>
                    <bdi>{move || get(|c| c.call.trunk.clone())}</bdi>
                </span>
            </td>
            <td>
                <span class="pill call-pill live-pill" data-state=state_str>
                    <span class="dot" aria-hidden="true"></span>
                    {move || state.get().map(|s| t(live_calls::state_key(s)))}
                </span>
            </td>
            <td class="cell-agent">
                {move || match agent_name() {
                    Some(name) => view! { <bdi>{name}</bdi> }.into_any(),
                    None => view! { <span class="muted">{tr("live-no-agent")}</span> }.into_any(),
                }}
            </td>
            <td>
                <span class="timer" dir="ltr">{move || format::call_time(elapsed())}</span>
            </td>
            <td>
                <div class="cell-stack">
                    {move || {
                        rec_state
                            .get()
                            .map(|s| {
                                view! {
                                    <span class="pill rec-pill" data-state=recording::state_str(s)>
                                        <span class="rec-mark" aria-hidden="true"></span>
                                        {move || t(recording::state_key(s))}
                                    </span>
                                }
                            })
                    }}
                    <Show when=move || connected.get()>
                        <button
                            type="button"
                            class="btn btn-sm btn-secondary btn-record"
                            data-testid="live-call-record"
                            data-action=move || rec_action().map(recording::action_str)
                            aria-label=rec_label
                            aria-disabled=move || record_pending.get().is_some().then_some("true")
                            data-pending=move || record_pending.get().map(recording::action_str)
                            on:click=on_record.clone()
                        >
                            {move || {
                                if rec_action() == Some(RecordAction::Stop) {
                                    view! {
                                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                            <path d=STOP_ICON />
                                        </svg>
                                    }
                                        .into_any()
                                } else {
                                    view! { <span class="rec-mark" aria-hidden="true"></span> }.into_any()
                                }
                            }}
                            <span>{move || rec_action().map(|a| t(recording::action_key(a)))}</span>
                        </button>
                    </Show>
                </div>
            </td>
            <td>
                <span class="chips">{supervisors}</span>
            </td>
            <td>
                <div class="cell-actions">
                    <Show when=move || can_supervise.get()>
                        <div
                            class="segmented"
                            role="group"
                            aria-label=move || t_args("supervise-modes-label", &[("caller", &caller.get())])
                        >
                            {mode_buttons.clone()}
                        </div>
                    </Show>
                    <Show when=move || on_this_call.get()>
                        <button
                            type="button"
                            class="btn btn-sm btn-leave"
                            data-testid="supervise-leave"
                            aria-label=move || t_args("supervise-leave-label", &[("caller", &caller.get())])
                            on:click=on_leave.clone()
                        >
                            <svg class="icon icon-directional" viewBox="0 0 24 24" aria-hidden="true">
                                <path d=LEAVE_ICON />
                            </svg>
                            <span>{tr("supervise-leave")}</span>
                        </button>
                    </Show>
                </div>
            </td>
        </tr>
    }
}

/// While the supervisor is on a call (or joining one): which call, the
/// mode and who hears them. Announced as it changes.
#[component]
fn SupervisePanel(ctx: RowContext) -> impl IntoView {
    let RowContext { calls, sup, .. } = ctx;
    let current =
        Memo::new(move |_| sup.with(|s| s.current().map(|s| (s.call_id().to_owned(), s.mode(), s.joining()))));
    let describe = move || {
        let (call_id, _, _) = current.get()?;
        let (caller, agent) = calls.with(|c| c.get(&call_id).map(|c| (caller_label(&c.call), c.agent_id)))?;
        let agent = ctx.agent_name(agent).unwrap_or_default();
        Some(t_args("supervise-call", &[("agent", &isolate(&agent)), ("caller", &isolate(&caller))]))
    };
    view! {
        <div class="supervise-wrap" role="status">
            {move || {
                current
                    .get()
                    .map(|(call_id, mode, joining)| {
                        view! {
                            <div
                                class="supervise-panel"
                                data-testid="supervise-panel"
                                data-call-id=call_id
                                data-mode=supervise::mode_str(mode)
                                data-joining=joining.to_string()
                            >
                                <svg class="icon supervise-icon" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d=HEADSET_ICON />
                                </svg>
                                <div class="supervise-text">
                                    <p class="supervise-title">
                                        <strong>
                                            {move || t(if joining { "supervise-joining" } else { "supervise-title" })}
                                        </strong>
                                        " "
                                        <span class="pill sup-pill" data-mode=supervise::mode_str(mode)>
                                            <ModeIcon mode=mode />
                                            <span class="visually-hidden">{tr("supervise-mode")} ": "</span>
                                            {move || t(supervise::mode_key(mode))}
                                        </span>
                                    </p>
                                    <p class="supervise-call">{describe}</p>
                                    <p class="supervise-hint" data-mode=supervise::mode_str(mode)>
                                        {move || t(supervise::mode_hint_key(mode))}
                                    </p>
                                </div>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// The mode's picture: an ear (listen), a speech bubble (whisper), people
/// (barge).
#[component]
fn ModeIcon(mode: SuperviseMode) -> impl IntoView {
    let d = match mode {
        SuperviseMode::Listen => "M7 10a5 5 0 0 1 10 0c0 3-3 4-3 7a3 3 0 0 1-5 1M10 10a2 2 0 0 1 4 0",
        SuperviseMode::Whisper => "M4 5h16v10H9l-4 4v-4H4z",
        SuperviseMode::Barge => {
            "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20a6 6 0 0 1 12 0M17 11a3 3 0 0 0 0-6M21 20a6 6 0 0 0-4-5.6"
        }
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=d />
        </svg>
    }
}

#[component]
fn EmptyRow(key: &'static str) -> impl IntoView {
    view! {
        <tr>
            <td colspan="8" class="empty-text">{move || t(key)}</td>
        </tr>
    }
}

/// `text` as a unit in a sentence of either direction (Unicode first
/// strong isolate): a Latin name with its number inside Persian text keeps
/// its order.
pub(crate) fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// The caller as accessible names say it: "name (number)" or the number.
fn caller_label(call: &shared::ws::CallInfo) -> String {
    match &call.from_name {
        Some(name) if !name.trim().is_empty() => format!("{name} ({})", call.from),
        _ => call.from.clone(),
    }
}

/// What the section shows. Reference-counted signals: media callbacks may
/// still fire while the section is being torn down.
#[derive(Clone)]
struct Ui {
    calls: ArcRwSignal<LiveCalls>,
    sup: ArcRwSignal<Supervisor>,
    /// Why the last join or change of mode failed.
    sup_error: ArcRwSignal<Option<&'static str>>,
    /// That the supervisor left, or the call they were on ended.
    notice: ArcRwSignal<Option<&'static str>>,
    /// Why the last recording request failed.
    rec_error: ArcRwSignal<Option<&'static str>>,
    player: NodeRef<html::Audio>,
}

/// The live calls, the supervision and its media.
struct Desk {
    ws: WsClient,
    ui: Ui,
    /// Present from the first press until the supervisor is off the call.
    media: RefCell<Option<SuperviseMedia>>,
    /// Bumped by each join and each release: work that finishes under
    /// another number is stale and releases what it got.
    attempt: Cell<u64>,
}

/// The media of the call the supervisor is on.
struct SuperviseMedia {
    attempt: u64,
    mic: Option<MediaStream>,
    peer: Option<Peer>,
    speaker: String,
}

/// Why joining failed: the message to show.
struct JoinError(&'static str);

impl Desk {
    fn new(ws: WsClient) -> Desk {
        Desk {
            ws,
            ui: Ui {
                calls: ArcRwSignal::new(LiveCalls::default()),
                sup: ArcRwSignal::new(Supervisor::default()),
                sup_error: ArcRwSignal::new(None),
                notice: ArcRwSignal::new(None),
                rec_error: ArcRwSignal::new(None),
                player: NodeRef::new(),
            },
            media: RefCell::new(None),
            attempt: Cell::new(0),
        }
    }

    fn handle(this: &Rc<Desk>, msg: &ServerMsg) {
        match msg {
            ServerMsg::Welcome { .. } => {
                this.ws.send(&ClientMsg::WatchCalls);
            }
            ServerMsg::Calls { calls } => {
                this.ui.calls.update(|c| c.handle_calls(calls.clone()));
                // A call that ended while the connection was down.
                let gone = this.ui.sup.with_untracked(|s| {
                    s.current()
                        .filter(|s| !s.joining() && !calls.iter().any(|c| c.call.call_id == s.call_id()))
                        .map(|s| s.call_id().to_owned())
                });
                if let Some(call_id) = gone {
                    Desk::ended(this, &call_id);
                }
            }
            ServerMsg::LiveCallUpdated { call } => this.ui.calls.update(|c| c.handle_updated(call.clone())),
            ServerMsg::LiveCallRemoved { call_id } => {
                this.ui.calls.update(|c| {
                    c.handle_removed(call_id);
                });
                Desk::ended(this, call_id);
            }
            ServerMsg::CallRecording { call_id, state } => {
                this.ui.calls.update(|c| c.handle_recording(call_id, *state));
            }
            ServerMsg::SupervisionChanged { call_id, mode } => {
                this.ui.sup.update(|s| s.handle_changed(call_id, *mode));
                Desk::apply_mic(this);
            }
            ServerMsg::SupervisionEnded { call_id } => Desk::ended(this, call_id),
            _ => {}
        }
    }

    /// The supervisor is off `call_id` (it ended, or the gateway says so):
    /// release the media if it was theirs.
    fn ended(this: &Rc<Desk>, call_id: &str) {
        if this.ui.sup.try_update(|s| s.handle_ended(call_id)) == Some(true) {
            Desk::release(this);
            this.ui.notice.set(Some("supervise-ended"));
        }
    }

    /// The supervisor presses a mode on the row of `call_id`.
    fn press(this: &Rc<Desk>, call_id: &str, mode: SuperviseMode) {
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.sup_error.set(Some("error-network"));
            return;
        }
        let elsewhere = this.ui.sup.with_untracked(|s| s.current().is_some_and(|c| c.call_id() != call_id));
        match this.ui.sup.try_update(|s| s.press(call_id, mode)) {
            Some(Press::Join) => {
                this.ui.sup_error.set(None);
                this.ui.notice.set(None);
                Desk::join(this, call_id.to_owned(), mode);
            }
            Some(Press::Change) => {
                this.ui.sup_error.set(None);
                Desk::apply_mic(this);
                Desk::change_mode(this, call_id.to_owned(), mode);
            }
            _ if elsewhere => this.ui.sup_error.set(Some("supervise-one-at-a-time")),
            _ => {}
        }
    }

    /// Microphone, peer connection, offer, `supervise`, the gateway's
    /// answer.
    fn join(this: &Rc<Desk>, call_id: String, mode: SuperviseMode) {
        Desk::release(this);
        let attempt = this.attempt.get();
        this.media.replace(Some(SuperviseMedia { attempt, mic: None, peer: None, speaker: String::new() }));
        let this = this.clone();
        spawn_local(async move {
            if let Err(JoinError(key)) = Desk::connect(&this, attempt, &call_id, mode).await
                && this.attempt.get() == attempt
            {
                Desk::release(&this);
                // Joined, then the audio failed: off the call.
                let joined = this.ui.sup.try_update(|s| !s.join_failed(&call_id) && s.leave().is_some());
                if joined == Some(true) {
                    this.ws.send(&ClientMsg::SuperviseStop { call_id });
                }
                this.ui.sup_error.set(Some(key));
            }
        });
    }

    async fn connect(this: &Rc<Desk>, attempt: u64, call_id: &str, mode: SuperviseMode) -> Result<(), JoinError> {
        let current = || this.attempt.get() == attempt;
        let mic = media::open_chosen_microphone().await.map_err(|e| JoinError(mic_error_key(e)))?;
        let speaker = media::chosen_speaker().await;
        let track = mic.get_audio_tracks().get(0).dyn_into::<MediaStreamTrack>().ok();
        let mut mic = Some(mic);
        if !Desk::with_media(this, attempt, |m| {
            m.mic = mic.take();
            m.speaker = speaker;
        }) {
            if let Some(mic) = mic {
                media::stop_tracks(&mic);
            }
            return Ok(());
        }
        let track = track.ok_or(JoinError("supervise-mic-missing"))?;
        let on_track = {
            let weak = Rc::downgrade(this);
            move |ev: RtcTrackEvent| {
                if let Some(desk) = weak.upgrade() {
                    Desk::handle_track(&desk, attempt, &ev);
                }
            }
        };
        let on_state = {
            let weak = Rc::downgrade(this);
            move || {
                if let Some(desk) = weak.upgrade() {
                    Desk::handle_connection_state(&desk, attempt);
                }
            }
        };
        let peer = Peer::new(&track, &this.ws.ice_servers(), on_track, on_state)
            .map_err(|_| JoinError("supervise-unsupported"))?;
        let pc: RtcPeerConnection = peer.pc().clone();
        if !Desk::with_media(this, attempt, |m| m.peer = Some(peer)) {
            return Ok(());
        }
        Desk::apply_mic(this);
        let Some(sdp) = rtc::offer(&pc, current).await.map_err(|_| JoinError("supervise-error-connection"))? else {
            return Ok(());
        };
        let id = call_id.to_owned();
        let pick = move |msg: &ServerMsg| match msg {
            ServerMsg::SupervisionStarted { call_id, mode, sdp } if *call_id == id => {
                Some(Ok(Some((*mode, sdp.clone()))))
            }
            ServerMsg::SupervisionEnded { call_id } | ServerMsg::LiveCallRemoved { call_id } if *call_id == id => {
                Some(Ok(None))
            }
            ServerMsg::Error { code, .. } => Some(Err(code.clone())),
            _ => None,
        };
        let msg = ClientMsg::Supervise { call_id: call_id.to_owned(), mode, sdp };
        let reply = this.ws.request(&msg, JOIN_TIMEOUT, pick).await;
        if !current() {
            // Left while joining: what the join set up is not wanted.
            if let Ok(Ok(Some(_))) = reply {
                this.ws.send(&ClientMsg::SuperviseStop { call_id: call_id.to_owned() });
            }
            return Ok(());
        }
        let (mode, sdp) = match reply {
            Ok(Ok(Some(started))) => started,
            Ok(Ok(None)) => return Err(JoinError("supervise-error-gone")),
            Ok(Err(code)) => return Err(JoinError(supervise::error_key(&code))),
            Err(RequestError::Timeout) => {
                // It may still come: tell the gateway we do not want it.
                this.ws.send(&ClientMsg::SuperviseStop { call_id: call_id.to_owned() });
                return Err(JoinError("supervise-error-timeout"));
            }
            Err(RequestError::NotConnected | RequestError::Closed) => return Err(JoinError("supervise-error-lost")),
        };
        if this.ui.sup.try_update(|s| s.handle_started(call_id, mode)) != Some(true) {
            this.ws.send(&ClientMsg::SuperviseStop { call_id: call_id.to_owned() });
            Desk::release(this);
            return Ok(());
        }
        Desk::apply_mic(this);
        rtc::accept_answer(&pc, &sdp).await.map_err(|_| JoinError("supervise-error-connection"))?;
        Ok(())
    }

    /// Asks the gateway for another mode; the buttons wait for
    /// `supervision_changed`.
    fn change_mode(this: &Rc<Desk>, call_id: String, mode: SuperviseMode) {
        let this = this.clone();
        spawn_local(async move {
            let id = call_id.clone();
            // `supervision_changed` itself is the subscriber's to apply.
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::SupervisionChanged { call_id, .. } | ServerMsg::SupervisionEnded { call_id }
                    if *call_id == id =>
                {
                    Some(Ok(()))
                }
                ServerMsg::Error { code, .. } => Some(Err(code.clone())),
                _ => None,
            };
            let msg = ClientMsg::SuperviseMode { call_id: call_id.clone(), mode };
            let key = match this.ws.request(&msg, REQUEST_TIMEOUT, pick).await {
                Ok(Ok(())) => return,
                Ok(Err(code)) => supervise::error_key(&code),
                Err(e) => e.message_key(),
            };
            if this.ui.sup.try_update(|s| s.mode_failed(&call_id)) == Some(true) {
                Desk::apply_mic(&this);
                this.ui.sup_error.set(Some(key));
            }
        });
    }

    /// The supervisor leaves the call (`notice`: say so); also when the
    /// section goes away.
    fn leave(this: &Rc<Desk>, notice: bool) {
        let left = this.ui.sup.try_update(|s| s.leave()).flatten();
        Desk::release(this);
        let Some((call_id, joined)) = left else { return };
        if joined {
            this.ws.send(&ClientMsg::SuperviseStop { call_id });
        }
        if notice {
            this.ui.sup_error.set(None);
            this.ui.notice.set(Some("supervise-left"));
        }
    }

    /// The supervisor starts or stops the recording of `call_id`.
    fn record(this: &Rc<Desk>, call_id: &str) {
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.rec_error.set(Some("error-network"));
            return;
        }
        let Some(action) = this.ui.calls.try_update(|c| c.request_record(call_id)).flatten() else { return };
        this.ui.rec_error.set(None);
        let this = this.clone();
        let call_id = call_id.to_owned();
        spawn_local(async move {
            let id = call_id.clone();
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::CallRecording { call_id, .. } | ServerMsg::LiveCallRemoved { call_id } if *call_id == id => {
                    Some(Ok(()))
                }
                ServerMsg::Error { code, .. } => Some(Err(code.clone())),
                _ => None,
            };
            let msg = ClientMsg::CallRecord { call_id: call_id.clone(), action };
            let key = match this.ws.request(&msg, REQUEST_TIMEOUT, pick).await {
                Ok(Ok(())) => return,
                Ok(Err(code)) => recording::error_key(&code),
                Err(e) => e.message_key(),
            };
            if this.ui.calls.try_update(|c| c.record_failed(&call_id)) == Some(true) {
                this.ui.rec_error.set(Some(key));
            }
        });
    }

    /// The microphone carries sound only in the modes someone hears.
    fn apply_mic(this: &Desk) {
        let open = this.ui.sup.with_untracked(|s| s.current().is_some_and(|s| s.mic_open()));
        if let Some(peer) = this.media.borrow().as_ref().and_then(|m| m.peer.as_ref()) {
            peer.set_muted(!open);
        }
    }

    /// Runs `f` on the media of `attempt`; false if that attempt is over.
    fn with_media(this: &Desk, attempt: u64, f: impl FnOnce(&mut SuperviseMedia)) -> bool {
        let mut media = this.media.borrow_mut();
        match media.as_mut().filter(|m| m.attempt == attempt) {
            Some(m) => {
                f(m);
                true
            }
            None => false,
        }
    }

    /// The call's audio arrives: play it on the chosen speaker.
    fn handle_track(this: &Desk, attempt: u64, ev: &RtcTrackEvent) {
        let Some(stream) = rtc::track_stream(ev) else { return };
        let Some(player) = this.ui.player.try_get_untracked().flatten() else { return };
        Desk::with_media(this, attempt, |m| rtc::play(&player, &stream, &m.speaker));
    }

    /// The audio connection failed: off the call.
    fn handle_connection_state(this: &Rc<Desk>, attempt: u64) {
        let mut state = None;
        Desk::with_media(this, attempt, |m| state = m.peer.as_ref().map(Peer::connection_state));
        if state == Some(RtcPeerConnectionState::Failed) {
            Desk::leave(this, false);
            this.ui.sup_error.set(Some("supervise-error-connection"));
        }
    }

    /// Closes the peer connection, releases the microphone, stops playing.
    fn release(this: &Desk) {
        this.attempt.set(this.attempt.get() + 1);
        let Some(media) = this.media.borrow_mut().take() else { return };
        if let Some(peer) = media.peer {
            peer.close();
        }
        if let Some(mic) = &media.mic {
            media::stop_tracks(mic);
        }
        if let Some(player) = this.ui.player.try_get_untracked().flatten() {
            rtc::stop_playing(&player);
        }
    }
}

fn mic_error_key(e: MicError) -> &'static str {
    match e {
        MicError::Denied => "supervise-mic-denied",
        MicError::Missing => "supervise-mic-missing",
        MicError::Busy => "supervise-mic-busy",
        MicError::Unsupported => "supervise-unsupported",
    }
}
