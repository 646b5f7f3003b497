//! The softphone in the desk's call panel: calls offered to the agent ring
//! here (several may ring at once, each answerable), the agent dials out
//! from here, the active call runs here with its state, talk timer, Hold,
//! Mute and Hang up, and the last call that ended says why. Over the app's
//! WebSocket: `call_ringing`, `call_answer` → `call_answered` (or an error),
//! `call_decline`; `call_dial` → `call_dialing` (or an error), then
//! `call_remote_ringing` and `call_connected`; `call_hold` → `call_held`
//! (or an error); `call_hang_up`, `call_ended`. What the panel shows is
//! [`ui_kit::calls::Calls`].
//!
//! Answering and dialing open the microphone chosen in the audio check
//! (else the system default), offer it to the gateway over WebRTC with
//! every ICE candidate gathered, and play the other party through the
//! panel's `<audio>` on the speaker chosen there. A call's media live in one
//! place ([`CallMedia`]), so the end of the call, a refused answer or dial,
//! signing out or leaving the page releases all of it: peer connection,
//! microphone, player. Mute is local: the track sent to the gateway carries
//! silence.
//!
//! A connected call has a keypad (each key goes out as its own `call_dtmf`;
//! typed digits, `*` and `#` count while a key has focus) and shows the
//! keys sent and the keys the caller pressed (`call_digit`). Its recording
//! state (`call_recording`, which a supervisor may change too) is always on
//! show, with Record, Pause/Resume and Stop (`call_record`).
//!
//! A talking call that is not held can be handed to another agent
//! (`call_transfer`): agents cannot list other agents (the directory and the
//! live agent list are for supervisors), so the agent types the other
//! agent's id. The gateway ends the call here (`call_ended`, `transferred`)
//! or refuses (`target_unavailable`, `wrong_state`).
//!
//! After a page refresh the gateway tells of the agent's call in progress
//! (`call_active`); Take it back opens the microphone and offers it as
//! answering does (`call_rejoin` → `call_answered`).
//!
//! The protocol has no request ids: while an answer, a dial, a hold or a
//! recording request is under way, an `error` is taken as its refusal; an
//! `error` within [`DTMF_REFUSAL_WINDOW`] of a key is taken as the key's.
//!
//! Test ids: `call-panel`, `call-ringing` (`call-answer`, `call-decline`),
//! `call-queue` and `call-whisper` (the queue a call came through and
//! what it tells agents about it, on the ringing call),
//! `call-active` (`data-state` connecting | dialing | ringing | talking,
//! `data-direction`, `data-held`, `data-muted`) with `call-timer`,
//! `call-from` and `call-to` (the call's `from` and `to`: the caller and
//! the number they dialed, or the caller ID and the number the agent
//! dialed), `call-hold`, `call-mute`, `call-hangup`; `call-error`,
//! `call-ended` (`data-reason`); `call-recording` (`data-state` off |
//! recording | paused) with `call-record`, `call-record-pause`
//! (`aria-pressed` while paused) and `call-record-stop` (`data-pending`
//! while the gateway has not answered); `call-keypad` with twelve
//! `call-key` buttons (`data-key`), `call-keys-sent` and
//! `call-digits-heard`; `call-transfer` (opens the transfer form,
//! `aria-expanded`), `call-transfer-queue` (a queue, or empty for an agent), `call-transfer-target` (the agent id),
//! `call-transfer-confirm` (`data-pending` while the gateway has not
//! answered), `call-transfer-error`; `call-active-elsewhere` (the call in
//! progress after a refresh, `data-held`, `data-recording`) with
//! `call-rejoin`; the dial form `dial-number`, `dial-call`,
//! `dial-error` (`data-code`: `empty`, `invalid`, `too_long`, the gateway's
//! code, or `mic_*`, `unsupported`, `connection`, `timeout`, `lost`,
//! `network`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use shared::ws::{
    CallDirection, CallEndKind, CallInfo, ClientMsg, ConsultState, RecordAction, RecordingState, ServerMsg,
    SuperviseMode,
};
use ui_kit::calls::{self, CallPhase, Calls, Dialed, HoldOutcome, KEYPAD, Removed};
use ui_kit::media::{self, MicError};
use ui_kit::recording;
use ui_kit::rtc::{self, Peer};
use ui_kit::{ConnState, RequestError, WsClient, format, t, t_args, tr};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, MediaStream, MediaStreamTrack, RtcPeerConnection, RtcPeerConnectionState, RtcTrackEvent};

/// How long the gateway may take to take an answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the gateway may take to place a dial: it answers once the
/// call's media are ready, before the far end rings.
const DIAL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a hold or resume may take: the gateway answers when the far
/// end has answered its re-INVITE, which gives up after 32 s (RFC 3261
/// Timer B).
const HOLD_TIMEOUT: Duration = Duration::from_secs(40);
/// How long the gateway may take to take or refuse a transfer.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the gateway may take to answer a recording request.
const RECORD_TIMEOUT: Duration = Duration::from_secs(10);
/// The gateway answers a key only to refuse it: an `error` this soon after
/// a key is taken as its refusal.
const DTMF_REFUSAL_WINDOW: Duration = Duration::from_secs(2);

const PHONE_ICON: &str = "M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2";
const PAUSE_ICON: &str = "M9 5v14M15 5v14";
const PLAY_ICON: &str = "M8 5l11 7-11 7z";
const MIC_ICON: &str = "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3";
const MIC_OFF_ICON: &str = "M4 4l16 16";
const STOP_ICON: &str = "M7 7h10v10H7z";
const TRANSFER_ICON: &str = "M4 8h13M13 4l4 4-4 4M20 16H7M11 12l-4 4 4 4";

/// The call panel of the desk.
#[component]
pub fn CallPanel() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let phone = Rc::new(Softphone::new(ws.clone()));
    let ui = phone.ui.clone();
    let phone = SendWrapper::new(phone);
    ws.subscribe({
        let phone = phone.clone();
        move |msg| Softphone::handle(&phone, msg)
    });
    on_cleanup({
        let phone = phone.clone();
        move || Softphone::release(&phone, true)
    });

    let calls = RwSignal::from(ui.calls);
    let error = RwSignal::from(ui.error);
    let dial_error = RwSignal::from(ui.dial_error);
    let number = RwSignal::from(ui.number);
    let announcement = RwSignal::from(ui.announcement);
    let clock = ws.clock();

    let has_active = Memo::new(move |_| calls.with(|c| c.active().is_some()));
    let busy = Memo::new(move |_| calls.with(Calls::busy));
    let idle = move || calls.with(|c| !c.busy() && c.ringing().is_empty() && c.elsewhere().is_none());
    let transfer_open = RwSignal::from(ui.transfer_open.clone());
    let transfer_target = RwSignal::from(ui.transfer_target.clone());
    let transfer_queue = RwSignal::from(ui.transfer_queue.clone());
    let queues = LocalResource::new(|| async {
        ui_kit::api::get::<Vec<shared::directory::Queue>>("/api/v1/queues").await.unwrap_or_default()
    });
    let transfer_invalid = RwSignal::from(ui.transfer_invalid.clone());

    let ringing_view = {
        let phone = phone.clone();
        move |call: CallInfo| {
            let caller = caller_label(&call);
            let started = format::parse_time(&call.started);
            let waited = move || started.map_or(0, |s| ((clock.get() - s) / 1000.0).max(0.0) as u64);
            let on_answer = {
                let phone = phone.clone();
                let id = call.call_id.clone();
                move |_| Softphone::answer(&phone, &id)
            };
            let on_decline = {
                let phone = phone.clone();
                let id = call.call_id.clone();
                move |_| Softphone::decline(&phone, &id)
            };
            let answer_label = {
                let caller = caller.clone();
                move || t_args("call-answer-label", &[("caller", &caller)])
            };
            let decline_label = move || t_args("call-decline-label", &[("caller", &caller)]);
            let call_id = call.call_id.clone();
            view! {
                <li class="call-ringing" data-testid="call-ringing" data-call-id=call_id>
                    <div class="call-card-head">
                        <span class="pill call-pill" data-state="ringing">
                            <svg class="icon ring-icon" viewBox="0 0 24 24" aria-hidden="true">
                                <path d=PHONE_ICON />
                            </svg>
                            {tr("call-incoming")}
                        </span>
                        <span class="call-waited">
                            <span class="muted">{tr("call-waiting")}</span>
                            " "
                            <span class="timer" dir="ltr">{move || format::duration(waited())}</span>
                        </span>
                    </div>
                    <CallerLine call=call.clone() />
                    <CallFacts call=call />
                    <div class="call-actions">
                        <button
                            type="button"
                            class="btn btn-answer"
                            data-testid="call-answer"
                            aria-label=answer_label
                            aria-describedby=move || busy.get().then_some("call-busy-hint")
                            prop:disabled=move || busy.get()
                            on:click=on_answer
                        >
                            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                <path d=PHONE_ICON />
                            </svg>
                            <span>{tr("call-answer")}</span>
                        </button>
                        <button
                            type="button"
                            class="btn btn-decline"
                            data-testid="call-decline"
                            aria-label=decline_label
                            on:click=on_decline
                        >
                            <svg class="icon icon-hang-up" viewBox="0 0 24 24" aria-hidden="true">
                                <path d=PHONE_ICON />
                            </svg>
                            <span>{tr("call-decline")}</span>
                        </button>
                    </div>
                </li>
            }
        }
    };

    // The card stays while the call goes on (its buttons keep the focus);
    // what it shows follows the call, whose id and facts come with
    // `call_dialing` for an outbound one.
    let active_view = {
        let phone = phone.clone();
        let hang_up_button = ui.hang_up_button;
        move || {
            has_active.get().then(|| {
                let consult_phone = phone.clone();
                let start_phone = phone.clone();
                let info = Memo::new(move |_| calls.with(|c| c.active().map(|a| a.info.clone())));
                let phase = Memo::new(move |_| calls.with(|c| c.active().map(|a| a.phase())));
                let held = Memo::new(move |_| calls.with(|c| c.active().is_some_and(|a| a.held())));
                let hold_pending = Memo::new(move |_| calls.with(|c| c.active().and_then(|a| a.hold_pending())));
                let muted = Memo::new(move |_| calls.with(|c| c.active().is_some_and(|a| a.muted())));
                let coached = Memo::new(move |_| calls.with(|c| c.active().and_then(|a| a.coached())));
                let connected = Memo::new(move |_| calls.with(|c| c.active().is_some_and(|a| a.connected())));
                let rec_state = Memo::new(move |_| {
                    calls.with(|c| c.active().map_or(RecordingState::Off, |a| a.recorder().state()))
                });
                let rec_pending = Memo::new(move |_| calls.with(|c| c.active().and_then(|a| a.recorder().pending())));
                let keys_sent = Memo::new(move |_| calls.with(|c| c.active().map(|a| a.keys_sent().to_owned())));
                let digits_heard =
                    Memo::new(move |_| calls.with(|c| c.active().map(|a| a.digits_heard().to_owned())));
                let talk_secs = move || {
                    let now = clock.get();
                    calls.with(|c| c.active().map_or(0, |a| a.talk_secs(now)))
                };
                // When the current hold began (this page's clock), for the hold timer.
                let held_since = RwSignal::new(None::<f64>);
                Effect::new(move |_| {
                    if !held.get() {
                        held_since.set(None);
                    } else if held_since.get_untracked().is_none() {
                        held_since.set(Some(clock.get_untracked()));
                    }
                });
                let hold_secs = move || held_since.get().map(|since| ((clock.get() - since) / 1000.0).max(0.0) as u64);
                let state = move || phase.get().map(CallPhase::as_str);
                let pill_state = move || if held.get() { Some("held") } else { state() };
                let pill_text = move || match phase.get() {
                    _ if held.get() => t("call-state-held"),
                    Some(p) => t(p.message_key()),
                    None => String::new(),
                };
                let call_id = move || info.with(|i| i.as_ref().map(|i| i.call_id.clone()).filter(|id| !id.is_empty()));
                let direction =
                    move || info.with(|i| i.as_ref().map(|i| direction_str(i.direction)));
                let caller = move || info.with(|i| i.as_ref().map(caller_label).unwrap_or_default());
                let talking = move || phase.get() == Some(CallPhase::Talking);
                let transfer_pending = Memo::new(move |_| calls.with(|c| c.active().is_some_and(|a| a.transfer_pending())));
                // While consulting an outside number, hold and transfer wait.
                let consulting = Memo::new(move |_| calls.with(|c| c.active().is_some_and(|a| a.consult().is_some())));
                let can_transfer_now = move || talking() && !held.get() && !consulting.get();
                let to_number = move || transfer_queue.with(|q| q == calls::TRANSFER_TO_NUMBER);
                // The field is for an agent's id or an outside number.
                let typed_target = move || transfer_queue.with(|q| q.is_empty() || q == calls::TRANSFER_TO_NUMBER);
                let on_transfer_open = move |_| {
                    let open = !transfer_open.get_untracked();
                    transfer_open.set(open);
                    transfer_invalid.set(false);
                    if open {
                        request_animation_frame(move || focus_testid("call-transfer-target"));
                    }
                };
                let on_transfer = {
                    let phone = phone.clone();
                    move |ev: SubmitEvent| {
                        ev.prevent_default();
                        Softphone::transfer(&phone);
                    }
                };
                let on_transfer_cancel = move |_| {
                    transfer_open.set(false);
                    transfer_invalid.set(false);
                    request_animation_frame(move || focus_testid("call-transfer"));
                };
                let transfer_label = move || t_args("call-transfer-label", &[("caller", &caller())]);
                let on_hang_up = {
                    let phone = phone.clone();
                    move |_| Softphone::hang_up(&phone)
                };
                let on_hold = {
                    let phone = phone.clone();
                    move |_| Softphone::toggle_hold(&phone)
                };
                let on_mute = {
                    let phone = phone.clone();
                    move |_| Softphone::toggle_mute(&phone)
                };
                let recorder = RecordControls { state: rec_state, pending: rec_pending };
                let keypad_phone = phone.clone();
                let record_phone = phone.clone();
                view! {
                    <div
                        class="call-active"
                        data-testid="call-active"
                        data-call-id=call_id
                        data-state=state
                        data-direction=direction
                        data-held=move || held.get().to_string()
                        data-muted=move || muted.get().to_string()
                    >
                        <div class="call-card-head">
                            // Changes of state are announced; the timer is not.
                            <span class="call-status" role="status">
                                <span class="pill call-pill" data-state=pill_state>
                                    <span class="dot" aria-hidden="true"></span>
                                    {pill_text}
                                </span>
                                <Show when=move || muted.get()>
                                    <span class="pill call-pill" data-state="muted">
                                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                            <path d=MIC_ICON />
                                            <path d=MIC_OFF_ICON />
                                        </svg>
                                        {tr("call-muted")}
                                    </span>
                                </Show>
                                <Show when=move || connected.get()>
                                    <RecordingPill state=rec_state />
                                </Show>
                                {move || coached.get().map(|mode| {
                                    let (name, key) = match mode {
                                        SuperviseMode::Barge => ("barge", "call-coaching-barge"),
                                        _ => ("whisper", "call-coaching-whisper"),
                                    };
                                    view! {
                                        <span class="pill call-pill" data-testid="call-coaching" data-state="coaching" data-mode=name>
                                            {tr(key)}
                                        </span>
                                    }
                                })}
                            </span>
                            <span class="call-talk-time">
                                <span class="muted" id="call-timer-label">{tr("call-talk-time")}</span>
                                " "
                                <span
                                    class="timer call-timer"
                                    data-testid="call-timer"
                                    role="timer"
                                    aria-labelledby="call-timer-label"
                                    dir="ltr"
                                >
                                    {move || format::call_time(talk_secs())}
                                </span>
                                <Show when=move || hold_secs().is_some()>
                                    " · "
                                    <span class="muted" id="call-hold-timer-label">{tr("call-hold-time")}</span>
                                    " "
                                    <span
                                        class="timer call-timer"
                                        data-testid="call-hold-timer"
                                        role="timer"
                                        aria-labelledby="call-hold-timer-label"
                                        dir="ltr"
                                    >
                                        {move || format::call_time(hold_secs().unwrap_or(0))}
                                    </span>
                                </Show>
                            </span>
                        </div>
                        {move || info.get().map(|call| view! { <OtherParty call=call /> })}
                        <div class="call-actions">
                            <Show when=move || talking() && !consulting.get()>
                                <button
                                    type="button"
                                    class="btn btn-secondary btn-toggle"
                                    data-testid="call-hold"
                                    aria-pressed=move || held.get().to_string()
                                    aria-disabled=move || hold_pending.get().is_some().then_some("true")
                                    data-pending=move || hold_pending.get().map(|hold| if hold { "hold" } else { "resume" })
                                    on:click=on_hold.clone()
                                >
                                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                        <path d=move || if held.get() { PLAY_ICON } else { PAUSE_ICON } />
                                    </svg>
                                    <span>{move || t(if held.get() { "call-resume" } else { "call-hold" })}</span>
                                </button>
                            </Show>
                            <Show when=can_transfer_now>
                                <button
                                    type="button"
                                    class="btn btn-secondary"
                                    data-testid="call-transfer"
                                    aria-label=transfer_label
                                    aria-expanded=move || transfer_open.get().to_string()
                                    aria-controls="call-transfer-form"
                                    on:click=on_transfer_open
                                >
                                    <svg class="icon icon-directional" viewBox="0 0 24 24" aria-hidden="true">
                                        <path d=TRANSFER_ICON />
                                    </svg>
                                    <span>{tr("call-transfer")}</span>
                                </button>
                            </Show>
                            <button
                                type="button"
                                class="btn btn-secondary btn-toggle"
                                data-testid="call-mute"
                                aria-pressed=move || muted.get().to_string()
                                on:click=on_mute
                            >
                                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d=MIC_ICON />
                                    <path d=MIC_OFF_ICON class="icon-off" />
                                </svg>
                                <span>{tr("call-mute")}</span>
                            </button>
                            <button
                                type="button"
                                class="btn btn-hang-up"
                                data-testid="call-hangup"
                                node_ref=hang_up_button
                                aria-label=move || t_args("call-hangup-label", &[("caller", &caller())])
                                on:click=on_hang_up
                            >
                                <svg class="icon icon-hang-up" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d=PHONE_ICON />
                                </svg>
                                <span>{tr("call-hangup")}</span>
                            </button>
                        </div>
                        {move || {
                            let (number, state) = calls
                                .with(|c| c.active().and_then(|a| a.consult().map(|(n, s)| (n.to_owned(), s))))?;
                            let key = match state {
                                ConsultState::Dialing => "call-consult-dialing",
                                ConsultState::Connected => "call-consult-connected",
                                ConsultState::Joined => "call-consult-joined",
                                ConsultState::Ended => "call-consult-ended",
                            };
                            let connected = matches!(state, ConsultState::Connected | ConsultState::Joined);
                            let step = {
                                let phone = consult_phone.clone();
                                move |which: &'static str| {
                                    let phone = phone.clone();
                                    move |_| Softphone::consult_step(&phone, which)
                                }
                            };
                            Some(view! {
                                <div class="call-consult" data-testid="call-consult" data-state=state_name(state) role="group" aria-labelledby="call-consult-title">
                                    <p id="call-consult-title">
                                        <strong>{tr(key)}</strong>
                                        " "
                                        <bdi dir="ltr">{number}</bdi>
                                    </p>
                                    <div class="call-actions">
                                        <button type="button" class="btn btn-primary" data-testid="call-consult-complete" prop:disabled=!connected on:click=step("complete")>
                                            {tr("call-consult-complete")}
                                        </button>
                                        <button type="button" class="btn btn-secondary" data-testid="call-consult-join" prop:disabled={!connected || state == ConsultState::Joined} on:click=step("join")>
                                            {tr("call-consult-join")}
                                        </button>
                                        <button type="button" class="btn btn-secondary" data-testid="call-consult-cancel" on:click=step("cancel")>
                                            {tr("call-consult-cancel")}
                                        </button>
                                    </div>
                                </div>
                            })
                        }}
                        <Show when=move || transfer_open.get() && can_transfer_now()>
                            <form
                                class="call-transfer"
                                id="call-transfer-form"
                                aria-labelledby="call-transfer-title"
                                novalidate
                                on:submit=on_transfer.clone()
                            >
                                <h3 class="call-list-title" id="call-transfer-title">{tr("call-transfer-title")}</h3>
                                <label class="field-label" for="call-transfer-queue">{tr("call-transfer-queue")}</label>
                                <select
                                    id="call-transfer-queue"
                                    data-testid="call-transfer-queue"
                                    on:change=move |ev| {
                                        transfer_queue.set(event_target_value(&ev));
                                        transfer_invalid.set(false);
                                    }
                                >
                                    <option value="" selected=move || transfer_queue.with(String::is_empty)>
                                        {tr("call-transfer-to-agent")}
                                    </option>
                                    <option
                                        value=calls::TRANSFER_TO_NUMBER
                                        selected=move || transfer_queue.with(|q| q == calls::TRANSFER_TO_NUMBER)
                                    >
                                        {tr("call-transfer-to-number")}
                                    </option>
                                    {move || {
                                        queues
                                            .get()
                                            .unwrap_or_default()
                                            .into_iter()
                                            .map(|q| {
                                                let code = q.code.clone();
                                                let selected = move || transfer_queue.with(|t| *t == code);
                                                view! {
                                                    <option value=q.code selected=selected>
                                                        {q.name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                </select>
                                <label class="field-label" for="call-transfer-target" hidden=move || !typed_target()>
                                    {move || {
                                        t(
                                            if to_number() {
                                                "call-transfer-number"
                                            } else {
                                                "call-transfer-target"
                                            },
                                        )
                                    }}
                                </label>
                                <div class="dial-row">
                                    <input
                                        hidden=move || !typed_target()
                                        id="call-transfer-target"
                                        class="dial-number"
                                        type=move || if to_number() { "tel" } else { "text" }
                                        inputmode=move || if to_number() { "tel" } else { "numeric" }
                                        dir="ltr"
                                        autocomplete="off"
                                        spellcheck="false"
                                        data-testid="call-transfer-target"
                                        aria-invalid=move || transfer_invalid.get().then_some("true")
                                        aria-describedby="call-transfer-hint call-transfer-error"
                                        prop:value=move || transfer_target.get()
                                        on:input=move |ev| {
                                            transfer_target.set(event_target_value(&ev));
                                            transfer_invalid.set(false);
                                        }
                                    />
                                    <button
                                        type="submit"
                                        class="btn btn-primary"
                                        data-testid="call-transfer-confirm"
                                        aria-disabled=move || transfer_pending.get().then_some("true")
                                        data-pending=move || transfer_pending.get().then_some("true")
                                    >
                                        <span>
                                            {move || {
                                                t(
                                                    if transfer_pending.get() {
                                                        "call-transfer-pending"
                                                    } else {
                                                        "call-transfer-confirm"
                                                    },
                                                )
                                            }}
                                        </span>
                                    </button>
                                    <button
                                        type="button"
                                        class="btn btn-secondary"
                                        data-testid="call-consult-start"
                                        hidden=move || !to_number()
                                        on:click={
                                            let phone = start_phone.clone();
                                            move |_| Softphone::consult(&phone)
                                        }
                                    >
                                        {tr("call-consult-start")}
                                    </button>
                                    <button type="button" class="btn btn-secondary" on:click=on_transfer_cancel>
                                        {tr("call-transfer-cancel")}
                                    </button>
                                </div>
                                <p class="hint" id="call-transfer-hint">
                                    {move || {
                                        t(
                                            if to_number() {
                                                "call-transfer-number-hint"
                                            } else if transfer_queue.with(String::is_empty) {
                                                "call-transfer-hint"
                                            } else {
                                                "call-transfer-queue-hint"
                                            },
                                        )
                                    }}
                                </p>
                                <p
                                    class="alert"
                                    id="call-transfer-error"
                                    data-testid="call-transfer-error"
                                    role="alert"
                                    prop:hidden=move || !transfer_invalid.get()
                                >
                                    {move || t(if to_number() { "call-transfer-number-invalid" } else { "call-transfer-invalid" })}
                                </p>
                            </form>
                        </Show>
                        <Show when=move || connected.get()>
                            <div class="call-tools">
                                <RecordPanel phone=record_phone.clone() controls=recorder />
                                <Keypad phone=keypad_phone.clone() keys_sent=keys_sent digits_heard=digits_heard />
                            </div>
                        </Show>
                    </div>
                }
            })
        }
    };

    // The call in progress after a refresh, until it is taken back.
    let elsewhere = Memo::new(move |_| calls.with(|c| c.elsewhere().filter(|_| !c.busy()).cloned()));
    let elsewhere_view = {
        let phone = phone.clone();
        move || {
            elsewhere.get().map(|e| {
                let caller = caller_label(&e.info);
                let id = e.info.call_id.clone();
                let on_rejoin = {
                    let phone = phone.clone();
                    let id = id.clone();
                    move |_| Softphone::rejoin(&phone, &id)
                };
                let rejoin_label = move || t_args("call-rejoin-label", &[("caller", &caller)]);
                view! {
                    <section
                        class="call-elsewhere"
                        data-testid="call-active-elsewhere"
                        data-call-id=id
                        data-held=e.held.to_string()
                        data-recording=recording::state_str(e.recording)
                        aria-labelledby="call-elsewhere-title"
                    >
                        <div class="call-card-head">
                            <h3 class="call-list-title" id="call-elsewhere-title">{tr("call-elsewhere-title")}</h3>
                            {e.held.then(|| view! {
                                <span class="pill call-pill" data-state="held">
                                    <span class="dot" aria-hidden="true"></span>
                                    {tr("call-elsewhere-held")}
                                </span>
                            })}
                            {(e.recording != RecordingState::Off).then(|| view! {
                                <span class="pill rec-pill" data-state=recording::state_str(e.recording)>
                                    <span class="rec-mark" aria-hidden="true"></span>
                                    {move || t(recording::state_key(e.recording))}
                                </span>
                            })}
                        </div>
                        <p class="call-caller">
                            {e.info.from_name.clone().filter(|n| !n.trim().is_empty()).map(|name| view! { <bdi class="call-name">{name}</bdi> })}
                            <bdi class="call-number" dir="ltr">{calls::other_party(&e.info).to_owned()}</bdi>
                        </p>
                        <CallFacts call=e.info.clone() />
                        <p class="hint">{tr("call-elsewhere-hint")}</p>
                        <div class="call-actions">
                            <button
                                type="button"
                                class="btn btn-answer"
                                data-testid="call-rejoin"
                                aria-label=rejoin_label
                                on:click=on_rejoin
                            >
                                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d=PHONE_ICON />
                                </svg>
                                <span>{tr("call-rejoin")}</span>
                            </button>
                        </div>
                    </section>
                }
            })
        }
    };

    // A memo: the live region changes only when another call ends.
    let last_ended = Memo::new(move |_| calls.with(|c| c.last_ended().cloned()));
    let ended_view = move || {
        last_ended.get().map(|ended| {
            let key = ended.message_key();
            let codes = [
                ended.reason.sip_status.map(|s| ("call-end-sip", "status", s)),
                ended.reason.q850.map(|c| ("call-end-q850", "cause", c)),
            ];
            view! {
                <p class="call-ended" data-testid="call-ended" data-reason=calls::end_kind_str(ended.reason.kind)>
                    <span class="call-ended-title">{tr("call-ended-title")}</span>
                    " "
                    <span>{move || t(key)}</span>
                    " "
                    <span class="muted call-ended-detail">
                        <bdi dir="ltr">{calls::other_party(&ended.info).to_owned()}</bdi>
                    </span>
                    {codes
                        .into_iter()
                        .flatten()
                        .map(|(key, arg, n)| {
                            view! {
                                " "
                                <span class="muted call-ended-detail">
                                    {move || t_args(key, &[(arg, &format::int(u64::from(n), 1))])}
                                </span>
                            }
                        })
                        .collect_view()}
                </p>
            }
        })
    };

    let on_dial = {
        let phone = phone.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            Softphone::dial(&phone);
        }
    };
    let dial_invalid = move || dial_error.with(|e| e.as_ref().is_some_and(|e| e.about_number)).then_some("true");
    // "Call" on a list of the desk (callbacks, voicemails): dial it here,
    // as if typed and sent.
    if let Some(request) = use_context::<ui_kit::dial::DialRequest>() {
        let phone = phone.clone();
        Effect::new(move |_| {
            if request.pending().is_none() {
                return;
            }
            let Some(to) = request.take() else { return };
            number.set(to);
            Softphone::dial(&phone);
            if let Some(input) = ui.number_input.get_untracked() {
                input.scroll_into_view();
            }
        });
    }

    view! {
        <section class="panel panel-tall call-panel" data-testid="call-panel" aria-labelledby="call-title">
            <h2 class="panel-title" id="call-title" tabindex="-1" node_ref=ui.title>
                {tr("desk-call-title")}
            </h2>
            // Incoming calls are announced at once; the timers are not.
            <div class="visually-hidden" aria-live="assertive" aria-atomic="true">
                {move || announcement.get().map(|caller| t_args("call-announce", &[("caller", &caller)]))}
            </div>
            <div class="call-body">
                {elsewhere_view}
                {active_view}
                <p class="alert" data-testid="call-error" role="alert" prop:hidden=move || error.with(Option::is_none)>
                    {move || error.get().map(t)}
                </p>
                <Show when=move || calls.with(|c| !c.ringing().is_empty())>
                    <h3 class="call-list-title" id="call-ringing-title">{tr("call-incoming-list")}</h3>
                    <p class="hint" id="call-busy-hint" prop:hidden=move || !busy.get()>{tr("call-answer-busy")}</p>
                    <ul class="call-ringing-list" aria-labelledby="call-ringing-title">
                        <For
                            each=move || calls.with(|c| c.ringing().to_vec())
                            key=|call| call.call_id.clone()
                            children=ringing_view.clone()
                        />
                    </ul>
                </Show>
                <div class="empty-state" prop:hidden=move || !idle()>
                    <svg class="icon empty-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d=PHONE_ICON />
                    </svg>
                    <p>{tr("desk-call-empty")}</p>
                </div>
                <div class="call-ended-wrap" role="status">{ended_view}</div>
                // Hidden rather than removed during a call: the number typed
                // stays for the next try.
                <form
                    class="dial"
                    data-testid="dial"
                    aria-labelledby="dial-title"
                    novalidate
                    prop:hidden=move || has_active.get()
                    on:submit=on_dial
                >
                    <h3 class="call-list-title" id="dial-title">{tr("dial-title")}</h3>
                    <label class="field-label" for="dial-number">{tr("dial-number")}</label>
                    <div class="dial-row">
                        <input
                            id="dial-number"
                            class="dial-number"
                            type="tel"
                            inputmode="tel"
                            dir="ltr"
                            autocomplete="off"
                            spellcheck="false"
                            data-testid="dial-number"
                            node_ref=ui.number_input
                            aria-invalid=dial_invalid
                            aria-describedby="dial-error dial-hint"
                            prop:value=move || number.get()
                            on:input=move |ev| {
                                number.set(event_target_value(&ev));
                                dial_error.set(None);
                            }
                        />
                        <button
                            type="submit"
                            class="btn btn-answer btn-dial"
                            data-testid="dial-call"
                            aria-disabled=move || busy.get().then_some("true")
                        >
                            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                <path d=PHONE_ICON />
                            </svg>
                            <span>{tr("dial-call")}</span>
                        </button>
                    </div>
                    <CallerIdChoice chosen=RwSignal::from(ui.caller_id.clone()) />
                    <p class="hint" id="dial-hint">{tr("dial-hint")}</p>
                    <p
                        class="alert"
                        id="dial-error"
                        data-testid="dial-error"
                        data-code=move || dial_error.get().map(|e| e.code)
                        role="alert"
                        prop:hidden=move || dial_error.with(Option::is_none)
                    >
                        {move || {
                            dial_error
                                .get()
                                .map(|e| t_args(e.key, &[("max", &format::int(calls::NUMBER_MAX as u64, 1))]))
                        }}
                    </p>
                </form>
            </div>
            <audio data-testid="call-audio" autoplay node_ref=ui.player></audio>
        </section>
    }
}

/// The recording state as a pill: a red dot while recording, a pause mark
/// while paused; always with its words.
#[component]
fn RecordingPill(state: Memo<RecordingState>) -> impl IntoView {
    view! {
        <span
            class="pill rec-pill"
            data-testid="call-recording"
            data-state=move || recording::state_str(state.get())
        >
            <span class="rec-mark" aria-hidden="true"></span>
            {move || t(recording::state_key(state.get()))}
        </span>
    }
}

/// What the recording controls read.
#[derive(Clone, Copy)]
struct RecordControls {
    state: Memo<RecordingState>,
    pending: Memo<Option<RecordAction>>,
}

/// Record when off; Pause (or Resume) and Stop while on. Each button
/// waits (`aria-disabled`, `data-pending`) for the gateway's answer.
#[component]
fn RecordPanel(phone: SendWrapper<Rc<Softphone>>, controls: RecordControls) -> impl IntoView {
    let RecordControls { state, pending } = controls;
    let on = Memo::new(move |_| state.get() != RecordingState::Off);
    let waiting = move || pending.get().is_some().then_some("true");
    let pending_str = move || pending.get().map(recording::action_str);
    let press = move |phone: &Rc<Softphone>, action: Option<RecordAction>| {
        if let Some(action) = action {
            Softphone::record(phone, action);
        }
    };
    let on_start = {
        let phone = phone.clone();
        move |_| press(&phone, Some(RecordAction::Start))
    };
    let on_pause = {
        let phone = phone.clone();
        move |_| press(&phone, recording::pause_action(state.get_untracked()))
    };
    let on_stop = {
        let phone = phone.clone();
        move |_| press(&phone, Some(RecordAction::Stop))
    };
    let paused = move || state.get() == RecordingState::Paused;
    view! {
        <section class="call-tool" aria-labelledby="call-record-title">
            <h3 class="call-list-title" id="call-record-title">{tr("record-title")}</h3>
            <div class="call-actions call-record-actions">
                <Show when=move || !on.get()>
                    <button
                        type="button"
                        class="btn btn-secondary btn-record"
                        data-testid="call-record"
                        aria-disabled=waiting
                        data-pending=pending_str
                        on:click=on_start.clone()
                    >
                        <span class="rec-mark" aria-hidden="true"></span>
                        <span>{tr("record-start")}</span>
                    </button>
                </Show>
                <Show when=move || on.get()>
                    <button
                        type="button"
                        class="btn btn-secondary btn-toggle"
                        data-testid="call-record-pause"
                        aria-pressed=move || paused().to_string()
                        aria-disabled=waiting
                        data-pending=pending_str
                        on:click=on_pause.clone()
                    >
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d=move || if paused() { PLAY_ICON } else { PAUSE_ICON } />
                        </svg>
                        <span>{move || t(if paused() { "record-resume" } else { "record-pause" })}</span>
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="call-record-stop"
                        aria-disabled=waiting
                        data-pending=pending_str
                        on:click=on_stop.clone()
                    >
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d=STOP_ICON />
                        </svg>
                        <span>{tr("record-stop")}</span>
                    </button>
                </Show>
            </div>
            <p class="hint">{tr("record-hint")}</p>
        </section>
    }
}

/// The keypad of a connected call, laid out as a phone's in every
/// language, with the keys sent and the keys the caller pressed.
#[component]
fn Keypad(
    phone: SendWrapper<Rc<Softphone>>,
    keys_sent: Memo<Option<String>>,
    digits_heard: Memo<Option<String>>,
) -> impl IntoView {
    let pad = NodeRef::<html::Div>::new();
    let on_keydown = {
        let phone = phone.clone();
        move |ev: KeyboardEvent| {
            if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
                return;
            }
            let typed = ev.key();
            let mut chars = typed.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else { return };
            let Some(key) = calls::keypad_key(c) else { return };
            ev.prevent_default();
            Softphone::send_key(&phone, key);
            // The key typed looks focused, as if pressed.
            let button = pad
                .get_untracked()
                .and_then(|pad| pad.query_selector(&format!("[data-key=\"{key}\"]")).ok().flatten())
                .and_then(|el| el.dyn_into::<HtmlElement>().ok());
            if let Some(button) = button {
                let _ = button.focus();
            }
        }
    };
    let keys = KEYPAD
        .into_iter()
        .map(|key| {
            let phone = phone.clone();
            let label = match key {
                '*' => Some("call-key-star"),
                '#' => Some("call-key-hash"),
                _ => None,
            };
            view! {
                <button
                    type="button"
                    class="key"
                    data-testid="call-key"
                    data-key=key.to_string()
                    aria-label=move || label.map(t)
                    on:click=move |_| Softphone::send_key(&phone, key)
                >
                    {key.to_string()}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="call-tool" aria-labelledby="call-keypad-title">
            <h3 class="call-list-title" id="call-keypad-title">{tr("call-keypad")}</h3>
            <div
                class="keypad"
                data-testid="call-keypad"
                role="group"
                aria-labelledby="call-keypad-title"
                aria-describedby="call-keypad-hint"
                dir="ltr"
                node_ref=pad
                on:keydown=on_keydown
            >
                {keys}
            </div>
            <p class="hint" id="call-keypad-hint">{tr("call-keypad-hint")}</p>
            <dl class="call-facts keypad-log">
                <div>
                    <dt>{tr("call-keys-sent")}</dt>
                    <dd>
                        <bdi class="keys" dir="ltr" data-testid="call-keys-sent">
                            {move || keys_sent.get().unwrap_or_default()}
                        </bdi>
                    </dd>
                </div>
                <div>
                    <dt>{tr("call-digits-heard")}</dt>
                    <dd aria-live="polite">
                        <bdi class="keys" dir="ltr" data-testid="call-digits-heard">
                            {move || digits_heard.get().unwrap_or_default()}
                        </bdi>
                    </dd>
                </div>
            </dl>
        </section>
    }
}

/// The other party of the active call, the facts below: for an inbound
/// call the caller (`call-from`) and the number they dialed (`call-to`);
/// for an outbound one the number dialed (`call-to`) and, once the gateway
/// placed it, the caller ID it goes out with (`call-from`).
#[component]
fn OtherParty(call: CallInfo) -> impl IntoView {
    match call.direction {
        CallDirection::Inbound => view! {
            <CallerLine call=call.clone() testid="call-from" />
            <CallFacts call=call active=true />
        }
        .into_any(),
        CallDirection::Outbound => view! {
            <p class="call-direction">{tr("call-outgoing")}</p>
            <p class="call-caller" data-testid="call-to">
                <bdi class="call-number" dir="ltr">{call.to.clone()}</bdi>
            </p>
            <CallFacts call=call active=true />
        }
        .into_any(),
    }
}

/// The caller: the name their network sent, if any, and the number.
#[component]
fn CallerLine(call: CallInfo, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    view! {
        <p class="call-caller" data-testid=testid>
            {call.from_name.filter(|n| !n.trim().is_empty()).map(|name| view! { <bdi class="call-name">{name}</bdi> })}
            <bdi class="call-number" dir="ltr">{call.from}</bdi>
        </p>
    }
}

/// The number dialed (inbound) or the caller ID (outbound), and the trunk;
/// what is not known yet is left out. `active`: the active call's, with
/// test ids.
#[component]
fn CallFacts(call: CallInfo, #[prop(optional)] active: bool) -> impl IntoView {
    let (label, number, testid): (&'static str, String, &'static str) = match call.direction {
        CallDirection::Inbound => ("call-to", call.to, "call-to"),
        CallDirection::Outbound => ("call-caller-id", call.from, "call-from"),
    };
    let number = (!number.is_empty()).then(|| {
        view! {
            <div>
                <dt>{tr(label)}</dt>
                <dd data-testid=active.then_some(testid)>
                    <bdi dir="ltr">{number}</bdi>
                </dd>
            </div>
        }
    });
    let trunk = (!call.trunk.is_empty()).then(|| {
        view! {
            <div>
                <dt>{tr("call-trunk")}</dt>
                <dd>
                    <bdi>{call.trunk}</bdi>
                </dd>
            </div>
        }
    });
    let queue = call.queue.map(|q| {
        view! {
            <div>
                <dt>{tr("call-queue")}</dt>
                <dd data-testid="call-queue">
                    <bdi>{q}</bdi>
                </dd>
            </div>
        }
    });
    let whisper = call.whisper.filter(|_| !active).map(|w| {
        view! {
            <p class="call-whisper" data-testid="call-whisper">
                <bdi>{w}</bdi>
            </p>
        }
    });
    let vip = call.vip;
    let customer = call.customer_name.filter(|_| !active).map(|name| {
        view! {
            <div>
                <dt>{tr("call-customer")}</dt>
                <dd data-testid="call-customer">
                    <bdi>{name}</bdi>
                    {vip.then(|| view! { <span class="badge badge-vip">{tr("call-vip")}</span> })}
                </dd>
            </div>
        }
    });
    let waited = call.queued_at.filter(|_| !active).and_then(|at| format::parse_time(&at)).map(|since| {
        view! {
            <div>
                <dt>{tr("call-waited")}</dt>
                <dd>
                    <Waited since=since />
                </dd>
            </div>
        }
    });
    // A web call button's caller: the page they called from.
    let page = call.page.map(|p| {
        view! {
            <div>
                <dt>{tr("call-page")}</dt>
                <dd data-testid="call-page">
                    <bdi dir="ltr">{p}</bdi>
                </dd>
            </div>
        }
    });
    view! {
        {whisper}
        <dl class="call-facts">{customer} {number} {queue} {waited} {page} {trunk}</dl>
    }
}

/// How long the caller has waited since `since` (ms, server clock); live.
#[component]
fn Waited(since: f64) -> impl IntoView {
    let clock = expect_context::<WsClient>().clock();
    view! {
        <span class="timer" dir="ltr" data-testid="call-waited">
            {move || format::duration(((clock.get() - since) / 1000.0).max(0.0) as u64)}
        </span>
    }
}

/// The other party as accessible names say it: "name (number)" or the
/// number.
fn caller_label(call: &CallInfo) -> String {
    match &call.from_name {
        Some(name) if call.direction == CallDirection::Inbound && !name.trim().is_empty() => {
            format!("{name} ({})", call.from)
        }
        _ => calls::other_party(call).to_owned(),
    }
}

/// Which of the trunk's numbers the called party sees, when it has more
/// than one (`GET /api/v1/caller-ids`; the first is the default).
#[component]
fn CallerIdChoice(chosen: RwSignal<String>) -> impl IntoView {
    let ids = LocalResource::new(|| async {
        ui_kit::api::get::<Vec<String>>("/api/v1/caller-ids").await.unwrap_or_default()
    });
    move || {
        let ids = ids.get().unwrap_or_default();
        (ids.len() > 1).then(|| {
            view! {
                <div class="field dial-caller-id">
                    <label class="field-label" for="dial-caller-id">{tr("dial-caller-id")}</label>
                    <select
                        id="dial-caller-id"
                        data-testid="dial-caller-id"
                        dir="ltr"
                        on:change=move |ev| chosen.set(event_target_value(&ev))
                    >
                        {ids
                            .into_iter()
                            .enumerate()
                            .map(|(i, id)| {
                                // The first is the trunk's own: sent as "no choice".
                                let value = if i == 0 { String::new() } else { id.clone() };
                                let selected = value == chosen.get_untracked();
                                view! {
                                    <option value=value selected=selected>
                                        {id}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// A [`CallDirection`] as `data-direction` says it.
fn direction_str(direction: CallDirection) -> &'static str {
    match direction {
        CallDirection::Inbound => "inbound",
        CallDirection::Outbound => "outbound",
    }
}

/// What the panel shows. Reference-counted signals: media callbacks may
/// still fire while the panel is being torn down.
#[derive(Clone)]
struct Ui {
    calls: ArcRwSignal<Calls>,
    /// Why the last answer, hold or resume failed.
    error: ArcRwSignal<Option<&'static str>>,
    /// Why the number cannot be dialed, or the last dial failed.
    dial_error: ArcRwSignal<Option<DialError>>,
    /// What the agent typed into the dial field.
    number: ArcRwSignal<String>,
    /// The caller ID chosen for dialing (`""`: the trunk's default).
    caller_id: ArcRwSignal<String>,
    /// The caller of the newest ringing call, for screen readers.
    announcement: ArcRwSignal<Option<String>>,
    /// The transfer form is open.
    transfer_open: ArcRwSignal<bool>,
    /// What the agent typed as the agent to transfer to.
    transfer_target: ArcRwSignal<String>,
    /// The queue chosen to transfer to (`""`: to the agent typed).
    transfer_queue: ArcRwSignal<String>,
    /// What was typed is not an agent id.
    transfer_invalid: ArcRwSignal<bool>,
    player: NodeRef<html::Audio>,
    title: NodeRef<html::H2>,
    hang_up_button: NodeRef<html::Button>,
    number_input: NodeRef<html::Input>,
}

/// The dial form's error line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DialError {
    key: &'static str,
    /// `data-code`: the gateway's code, or what went wrong here.
    code: String,
    /// The number itself is wrong (the field is marked invalid).
    about_number: bool,
}

impl DialError {
    fn new(key: &'static str, code: &str) -> DialError {
        let about_number = matches!(code, "empty" | "invalid" | "too_long" | "bad_number");
        DialError { key, code: code.to_owned(), about_number }
    }
}

/// The softphone: what the panel shows and the media of the call.
struct Softphone {
    ws: WsClient,
    ui: Ui,
    /// Present from the Answer or Call click until the call ends.
    media: RefCell<Option<CallMedia>>,
    /// Bumped by each answer, each dial and each release: work that
    /// finishes under another number is stale and releases what it got.
    attempt: Cell<u64>,
}

/// The media of the active call.
struct CallMedia {
    attempt: u64,
    /// Empty until the gateway placed an outbound call.
    call_id: String,
    mic: Option<MediaStream>,
    peer: Option<Peer>,
    /// The speaker chosen in the audio check, while present (`""`: default).
    speaker: String,
    /// The answer or dial went to the gateway: ending the call means
    /// hanging up.
    offered: bool,
}

/// Why answering failed, and what becomes of the call.
struct Failure {
    key: &'static str,
    /// The call still rings for the agent: back to the list.
    rings_on: bool,
    /// The gateway may hold the call for us: tell it we hung up.
    hang_up: bool,
}

impl Failure {
    fn rings_on(key: &'static str) -> Failure {
        Failure { key, rings_on: true, hang_up: false }
    }
}

/// Why dialing failed.
struct DialFailure {
    error: DialError,
    /// The gateway placed the call: tell it we hung up.
    hang_up: bool,
}

impl DialFailure {
    fn new(key: &'static str, code: &str, hang_up: bool) -> DialFailure {
        DialFailure { error: DialError::new(key, code), hang_up }
    }
}

/// Why the call's leg (microphone, peer connection, offer) could not be
/// set up.
#[derive(Debug, Clone, Copy)]
enum LegError {
    Mic(MicError),
    /// A peer connection could not be made.
    Unsupported,
    /// Creating the offer failed.
    Offer,
}

impl LegError {
    /// The message; `dialing` says the call was not placed rather than
    /// not answered.
    fn message_key(self, dialing: bool) -> &'static str {
        match (self, dialing) {
            (LegError::Mic(MicError::Denied), false) => "call-mic-denied",
            (LegError::Mic(MicError::Denied), true) => "dial-mic-denied",
            (LegError::Mic(MicError::Missing), false) => "call-mic-missing",
            (LegError::Mic(MicError::Missing), true) => "dial-mic-missing",
            (LegError::Mic(MicError::Busy), false) => "call-mic-busy",
            (LegError::Mic(MicError::Busy), true) => "dial-mic-busy",
            (LegError::Mic(MicError::Unsupported) | LegError::Unsupported, _) => "call-unsupported",
            (LegError::Offer, _) => "call-error-connection",
        }
    }

    /// The dial error line's `data-code`.
    fn code(self) -> &'static str {
        match self {
            LegError::Mic(MicError::Denied) => "mic_denied",
            LegError::Mic(MicError::Missing) => "mic_missing",
            LegError::Mic(MicError::Busy) => "mic_busy",
            LegError::Mic(MicError::Unsupported) | LegError::Unsupported => "unsupported",
            LegError::Offer => "connection",
        }
    }
}

impl Softphone {
    fn new(ws: WsClient) -> Softphone {
        Softphone {
            ws,
            ui: Ui {
                calls: ArcRwSignal::new(Calls::default()),
                error: ArcRwSignal::new(None),
                dial_error: ArcRwSignal::new(None),
                number: ArcRwSignal::new(String::new()),
                caller_id: ArcRwSignal::new(String::new()),
                announcement: ArcRwSignal::new(None),
                transfer_open: ArcRwSignal::new(false),
                transfer_target: ArcRwSignal::new(String::new()),
                transfer_queue: ArcRwSignal::new(String::new()),
                transfer_invalid: ArcRwSignal::new(false),
                player: NodeRef::new(),
                title: NodeRef::new(),
                hang_up_button: NodeRef::new(),
                number_input: NodeRef::new(),
            },
            media: RefCell::new(None),
            attempt: Cell::new(0),
        }
    }

    fn handle(this: &Rc<Softphone>, msg: &ServerMsg) {
        match msg {
            ServerMsg::Welcome { .. } => this.ui.calls.update(Calls::handle_reconnected),
            // The desk is in another tab now: its media go, the call stays.
            ServerMsg::TabState { active: false } => {
                Softphone::release(this, false);
                this.ui.calls.update(Calls::handle_moved_away);
            }
            ServerMsg::CallRinging { call } => {
                let id = call.call_id.clone();
                this.ui.announcement.set(Some(caller_label(call)));
                this.ui.calls.update(|c| c.handle_ringing(call.clone()));
                if !this.ui.calls.with_untracked(Calls::busy) {
                    request_animation_frame(move || focus_answer(&id));
                }
            }
            // The dial's own request takes the answer it awaits; a call
            // placed for nobody (its dial timed out here) is hung up.
            ServerMsg::CallDialing { call, .. } if !this.ui.calls.with_untracked(Calls::awaits_dial_answer) => {
                this.ws.send(&ClientMsg::CallHangUp { call_id: call.call_id.clone() });
            }
            ServerMsg::CallActive { call, held, recording } => {
                this.ui.calls.update(|c| c.handle_call_active(call.clone(), *held, *recording));
            }
            ServerMsg::CallRemoteRinging { call_id } => this.ui.calls.update(|c| c.handle_remote_ringing(call_id)),
            ServerMsg::CallConsult { call_id, state } => this.ui.calls.update(|c| c.handle_consult(call_id, *state)),
            ServerMsg::CallCoaching { call_id, mode } => this.ui.calls.update(|c| c.handle_coaching(call_id, *mode)),
            ServerMsg::CallConnected { call_id } => {
                let now = this.ws.server_now_ms();
                this.ui.calls.update(|c| c.handle_connected(call_id, now));
            }
            ServerMsg::CallDigit { call_id, digit } => this.ui.calls.update(|c| c.handle_digit(call_id, digit)),
            ServerMsg::CallRecording { call_id, state } => {
                this.ui.calls.update(|c| c.handle_recording(call_id, *state));
            }
            ServerMsg::CallHeld { call_id, held } => {
                let outcome = this.ui.calls.try_update(|c| c.handle_held(call_id, *held));
                if let Some(HoldOutcome::Refused { wanted }) = outcome {
                    this.ui.error.set(Some(calls::hold_refused_key(wanted)));
                }
            }
            ServerMsg::CallEnded { call_id, reason } => {
                let removed = this.ui.calls.try_update(|c| c.handle_ended(call_id, *reason));
                if removed == Some(Removed::Active) {
                    Softphone::release(this, false);
                    // A refused hold says nothing about the next call.
                    this.ui.error.set(None);
                    Softphone::focus_title(this);
                }
            }
            _ => {}
        }
    }

    /// The agent answers `call_id`.
    fn answer(this: &Rc<Softphone>, call_id: &str) {
        Softphone::take_call(this, call_id, false);
    }

    /// The agent takes back their call in progress (after a page refresh).
    fn rejoin(this: &Rc<Softphone>, call_id: &str) {
        Softphone::take_call(this, call_id, true);
    }

    /// Answers `call_id`, or with `rejoin` takes it back: the same leg and
    /// offer, `call_answer` or `call_rejoin`.
    fn take_call(this: &Rc<Softphone>, call_id: &str, rejoin: bool) {
        this.ui.error.set(None);
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        let taken = this.ui.calls.try_update(|c| if rejoin { c.rejoin(call_id) } else { c.answer(call_id) });
        if taken.flatten().is_none() {
            return;
        }
        let attempt = Softphone::start_media(this, call_id);
        let this = this.clone();
        let call_id = call_id.to_owned();
        spawn_local(async move {
            if let Err(failure) = Softphone::connect(&this, attempt, &call_id, rejoin).await
                && this.attempt.get() == attempt
            {
                Softphone::release(&this, failure.hang_up);
                this.ui.calls.update(|c| {
                    if rejoin {
                        c.rejoin_failed(&call_id, failure.rings_on)
                    } else {
                        c.answer_failed(&call_id, failure.rings_on)
                    }
                });
                this.ui.error.set(Some(failure.key));
                if failure.rings_on && !rejoin {
                    request_animation_frame(move || focus_answer(&call_id));
                } else if failure.rings_on {
                    request_animation_frame(|| focus_testid("call-rejoin"));
                } else {
                    Softphone::focus_title(&this);
                }
            }
        });
    }

    /// A new call's media, empty for now, and the keyboard on its Hang up
    /// button; the attempt they belong to.
    fn start_media(this: &Softphone, call_id: &str) -> u64 {
        Softphone::release(this, false);
        let attempt = this.attempt.get();
        this.media.replace(Some(CallMedia {
            attempt,
            call_id: call_id.to_owned(),
            mic: None,
            peer: None,
            speaker: String::new(),
            offered: false,
        }));
        let button = this.ui.hang_up_button;
        request_animation_frame(move || {
            if let Some(el) = button.try_get_untracked().flatten() {
                let _ = el.focus();
            }
        });
        attempt
    }

    /// Microphone, peer connection, offer, answer. Ok also when the call
    /// ended meanwhile (nothing left to do).
    async fn connect(this: &Rc<Softphone>, attempt: u64, call_id: &str, rejoin: bool) -> Result<(), Failure> {
        let current = || this.attempt.get() == attempt;
        let leg = Softphone::open_leg(this, attempt).await.map_err(|e| Failure::rings_on(e.message_key(false)))?;
        let Some((pc, sdp)) = leg else { return Ok(()) };
        let id = call_id.to_owned();
        let pick = move |msg: &ServerMsg| match msg {
            ServerMsg::CallAnswered { call_id, sdp } if *call_id == id => Some(Ok(sdp.clone())),
            // The panel's subscriber has taken the call off the desk.
            ServerMsg::CallEnded { call_id, .. } if *call_id == id => Some(Err(None)),
            ServerMsg::Error { code, .. } => Some(Err(Some(code.clone()))),
            _ => None,
        };
        let msg = if rejoin {
            ClientMsg::CallRejoin { call_id: call_id.to_owned(), sdp }
        } else {
            ClientMsg::CallAnswer { call_id: call_id.to_owned(), sdp }
        };
        let answer = this.ws.request(&msg, ANSWER_TIMEOUT, pick).await;
        if !current() {
            return Ok(());
        }
        let sdp = match answer {
            Ok(Ok(sdp)) => sdp,
            Ok(Err(None)) => return Ok(()),
            Ok(Err(Some(code))) => {
                return Err(Failure {
                    key: calls::answer_error_key(&code),
                    rings_on: calls::rings_on_after(&code),
                    hang_up: false,
                });
            }
            Err(RequestError::Timeout) => {
                return Err(Failure { key: "call-error-timeout", rings_on: false, hang_up: true });
            }
            Err(RequestError::NotConnected | RequestError::Closed) => {
                return Err(Failure { key: "call-error-lost", rings_on: false, hang_up: false });
            }
        };
        this.ui.calls.update(|c| c.handle_answered(call_id, this.ws.server_now_ms()));
        rtc::accept_answer(&pc, &sdp).await.map_err(|_| Failure {
            key: "call-error-connection",
            rings_on: false,
            hang_up: true,
        })?;
        Softphone::media_up_if_connected(this, attempt, &pc, call_id);
        Ok(())
    }

    /// Connected before the answer was counted: count it now.
    fn media_up_if_connected(this: &Softphone, attempt: u64, pc: &RtcPeerConnection, call_id: &str) {
        if this.attempt.get() == attempt && pc.connection_state() == RtcPeerConnectionState::Connected {
            this.ui.calls.update(|c| c.media_up(call_id, this.ws.server_now_ms()));
        }
    }

    /// The call's leg: the chosen microphone, a peer connection sending it
    /// (muted if the agent muted already) and its offer, marked as sent.
    /// `Ok(None)` when the attempt ended meanwhile.
    async fn open_leg(this: &Rc<Softphone>, attempt: u64) -> Result<Option<(RtcPeerConnection, String)>, LegError> {
        let current = || this.attempt.get() == attempt;
        let mic = media::open_chosen_microphone().await.map_err(LegError::Mic)?;
        let speaker = media::chosen_speaker().await;
        let track = mic.get_audio_tracks().get(0).dyn_into::<MediaStreamTrack>().ok();
        // Moved, not cloned: `MediaStream::clone` is the browser's, a new
        // stream with new tracks.
        let mut mic = Some(mic);
        if !Softphone::with_media(this, attempt, |m| {
            m.mic = mic.take();
            m.speaker = speaker;
        }) {
            if let Some(mic) = mic {
                media::stop_tracks(&mic);
            }
            return Ok(None);
        }
        let track = track.ok_or(LegError::Mic(MicError::Missing))?;
        let on_track = {
            let weak = Rc::downgrade(this);
            move |ev: RtcTrackEvent| {
                if let Some(phone) = weak.upgrade() {
                    Softphone::handle_track(&phone, attempt, &ev);
                }
            }
        };
        let on_state = {
            let weak = Rc::downgrade(this);
            move || {
                if let Some(phone) = weak.upgrade() {
                    Softphone::handle_connection_state(&phone, attempt);
                }
            }
        };
        let peer = Peer::new(&track, &this.ws.ice_servers(), on_track, on_state).map_err(|_| LegError::Unsupported)?;
        peer.set_muted(this.ui.calls.with_untracked(|c| c.active().is_some_and(|a| a.muted())));
        let pc = peer.pc().clone();
        if !Softphone::with_media(this, attempt, |m| m.peer = Some(peer)) {
            return Ok(None);
        }
        let Some(sdp) = rtc::offer(&pc, current).await.map_err(|_| LegError::Offer)? else {
            return Ok(None);
        };
        Softphone::with_media(this, attempt, |m| m.offered = true);
        Ok(Some((pc, sdp)))
    }

    /// The agent calls the number in the dial field.
    fn dial(this: &Rc<Softphone>) {
        let number = match calls::dialable_number(&this.ui.number.get_untracked()) {
            Ok(number) => number,
            Err(e) => {
                Softphone::show_dial_error(this, DialError::new(e.message_key(), e.as_str()));
                return;
            }
        };
        if this.ws.state_untracked() != ConnState::Connected {
            Softphone::show_dial_error(this, DialError::new("error-network", "network"));
            return;
        }
        if !this.ui.calls.try_update(|c| c.dial(&number)).unwrap_or(false) {
            return;
        }
        this.ui.error.set(None);
        this.ui.dial_error.set(None);
        let attempt = Softphone::start_media(this, "");
        let this = this.clone();
        spawn_local(async move {
            if let Err(failure) = Softphone::place(&this, attempt, number).await
                && this.attempt.get() == attempt
            {
                Softphone::release(&this, failure.hang_up);
                this.ui.calls.update(|c| {
                    c.dial_failed();
                });
                Softphone::show_dial_error(&this, failure.error);
            }
        });
    }

    /// Microphone, peer connection, offer, `call_dial`, the gateway's
    /// answer. Ok also when the call ended or was hung up meanwhile.
    async fn place(this: &Rc<Softphone>, attempt: u64, number: String) -> Result<(), DialFailure> {
        let current = || this.attempt.get() == attempt;
        let leg = Softphone::open_leg(this, attempt)
            .await
            .map_err(|e| DialFailure::new(e.message_key(true), e.code(), false))?;
        let Some((pc, sdp)) = leg else { return Ok(()) };
        let pick = |msg: &ServerMsg| match msg {
            ServerMsg::CallDialing { call, sdp } => Some(Ok((call.clone(), sdp.clone()))),
            ServerMsg::Error { code, .. } => Some(Err(code.clone())),
            _ => None,
        };
        let caller_id = Some(this.ui.caller_id.get_untracked()).filter(|c| !c.is_empty());
        let reply = this.ws.request(&ClientMsg::CallDial { number, sdp, caller_id }, DIAL_TIMEOUT, pick).await;
        if !current() {
            // Hung up (or the desk closed) while the dial was out: what it
            // placed is not wanted.
            match reply {
                Ok(Ok((call, _))) => {
                    let call_id = call.call_id.clone();
                    this.ui.calls.update(|c| {
                        c.handle_dialing(call);
                    });
                    this.ws.send(&ClientMsg::CallHangUp { call_id });
                }
                _ => this.ui.calls.update(Calls::dial_settled),
            }
            return Ok(());
        }
        let (call, sdp) = match reply {
            Ok(Ok(placed)) => placed,
            Ok(Err(code)) => return Err(DialFailure::new(calls::dial_error_key(&code), &code, false)),
            Err(RequestError::Timeout) => return Err(DialFailure::new("dial-error-timeout", "timeout", false)),
            Err(RequestError::NotConnected | RequestError::Closed) => {
                return Err(DialFailure::new("dial-error-lost", "lost", false));
            }
        };
        let call_id = call.call_id.clone();
        Softphone::with_media(this, attempt, |m| m.call_id = call_id.clone());
        if this.ui.calls.try_update(|c| c.handle_dialing(call)) != Some(Dialed::Placed) {
            Softphone::release(this, true);
            return Ok(());
        }
        this.ui.number.set(String::new());
        rtc::accept_answer(&pc, &sdp)
            .await
            .map_err(|_| DialFailure::new("call-error-connection", "connection", true))?;
        Softphone::media_up_if_connected(this, attempt, &pc, &call_id);
        Ok(())
    }

    /// Shows why the number was not dialed and takes the keyboard back to
    /// the dial field.
    fn show_dial_error(this: &Softphone, error: DialError) {
        this.ui.dial_error.set(Some(error));
        let input = this.ui.number_input;
        request_animation_frame(move || {
            if let Some(el) = input.try_get_untracked().flatten() {
                let _ = el.focus();
            }
        });
    }

    /// Runs `f` on the media of `attempt`; false if that attempt is over.
    fn with_media(this: &Softphone, attempt: u64, f: impl FnOnce(&mut CallMedia)) -> bool {
        let mut media = this.media.borrow_mut();
        match media.as_mut().filter(|m| m.attempt == attempt) {
            Some(m) => {
                f(m);
                true
            }
            None => false,
        }
    }

    /// The other party's audio arrives: play it on the chosen speaker.
    fn handle_track(this: &Rc<Softphone>, attempt: u64, ev: &RtcTrackEvent) {
        let Some(stream) = rtc::track_stream(ev) else { return };
        let Some(player) = this.ui.player.try_get_untracked().flatten() else { return };
        Softphone::with_media(this, attempt, |m| rtc::play(&player, &stream, &m.speaker));
    }

    fn handle_connection_state(this: &Rc<Softphone>, attempt: u64) {
        let mut state = None;
        let mut call_id = String::new();
        Softphone::with_media(this, attempt, |m| {
            state = m.peer.as_ref().map(Peer::connection_state);
            call_id = m.call_id.clone();
        });
        match state {
            Some(RtcPeerConnectionState::Connected) => {
                this.ui.calls.update(|c| c.media_up(&call_id, this.ws.server_now_ms()));
            }
            Some(RtcPeerConnectionState::Failed) => {
                let (phase, outbound) =
                    this.ui.calls.with_untracked(|c| c.active().map(|a| (a.phase(), a.outbound()))).unzip();
                Softphone::release(this, true);
                if phase == Some(CallPhase::Talking) {
                    this.ui.calls.update(|c| {
                        c.end_active(&call_id, CallEndKind::Failed);
                    });
                } else if outbound == Some(true) {
                    this.ui.calls.update(|c| {
                        c.dial_failed();
                    });
                    Softphone::show_dial_error(this, DialError::new("call-error-connection", "connection"));
                    return;
                } else {
                    this.ui.calls.update(|c| c.answer_failed(&call_id, false));
                    this.ui.error.set(Some("call-error-connection"));
                }
                Softphone::focus_title(this);
            }
            _ => {}
        }
    }

    /// The agent declines a ringing call.
    fn decline(this: &Rc<Softphone>, call_id: &str) {
        this.ui.error.set(None);
        if this.ws.send(&ClientMsg::CallDecline { call_id: call_id.to_owned() }) {
            this.ui.calls.update(|c| {
                c.decline(call_id);
            });
            Softphone::focus_title(this);
        } else {
            this.ui.error.set(Some("error-network"));
        }
    }

    /// The agent hangs up the active call, whatever its state. An inbound
    /// call whose answer has not gone out still rings at the gateway: that
    /// is declining it. A dial the gateway has not placed yet is hung up
    /// when it is (see [`Softphone::place`]).
    fn hang_up(this: &Rc<Softphone>) {
        let Some((call_id, outbound)) =
            this.ui.calls.with_untracked(|c| c.active().map(|a| (a.id().map(str::to_owned), a.outbound())))
        else {
            return;
        };
        this.ui.error.set(None);
        let offered = this.media.borrow().as_ref().is_some_and(|m| m.offered);
        Softphone::release(this, true);
        match call_id {
            None => this.ui.calls.update(|c| {
                c.abandon_dial(offered);
            }),
            Some(call_id) if offered || outbound => this.ui.calls.update(|c| {
                c.end_active(&call_id, CallEndKind::LocalHangUp);
            }),
            Some(call_id) => {
                this.ws.send(&ClientMsg::CallDecline { call_id: call_id.clone() });
                this.ui.calls.update(|c| {
                    c.answer_failed(&call_id, true);
                    c.decline(&call_id);
                });
            }
        }
        Softphone::focus_title(this);
    }

    /// The agent puts the call on hold or takes it back; the button waits
    /// (`aria-disabled`) for the gateway's `call_held`.
    fn toggle_hold(this: &Rc<Softphone>) {
        let wanted = this.ui.calls.with_untracked(|c| {
            c.active().filter(|a| a.can_hold()).and_then(|a| Some((a.id()?.to_owned(), !a.held())))
        });
        let Some((call_id, hold)) = wanted else { return };
        this.ui.error.set(None);
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        if !this.ui.calls.try_update(|c| c.request_hold(&call_id, hold)).unwrap_or(false) {
            return;
        }
        let this = this.clone();
        spawn_local(async move {
            let id = call_id.clone();
            // `call_held` itself is the panel subscriber's to apply.
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::CallHeld { call_id, .. } | ServerMsg::CallEnded { call_id, .. } if *call_id == id => {
                    Some(true)
                }
                ServerMsg::Error { .. } => Some(false),
                _ => None,
            };
            let msg = ClientMsg::CallHold { call_id: call_id.clone(), hold };
            let answered = this.ws.request(&msg, HOLD_TIMEOUT, pick).await;
            if answered != Ok(true) && this.ui.calls.try_update(|c| c.hold_failed(&call_id)) == Some(true) {
                this.ui.error.set(Some(calls::hold_failed_key(hold)));
            }
        });
    }

    /// The agent hands the call to the agent whose id they typed; the
    /// gateway's `call_ended` (`transferred`) takes it off the desk.
    fn transfer(this: &Rc<Softphone>) {
        let queue = this.ui.transfer_queue.get_untracked();
        let typed = this.ui.transfer_target.get_untracked();
        let to_agent = calls::agent_id_input(&typed);
        let to_number = (queue == calls::TRANSFER_TO_NUMBER).then(|| calls::dialable_number(&typed).ok());
        if (queue.is_empty() && to_agent.is_none()) || matches!(to_number, Some(None)) {
            this.ui.transfer_invalid.set(true);
            request_animation_frame(|| focus_testid("call-transfer-target"));
            return;
        }
        let Some(call_id) = this
            .ui
            .calls
            .with_untracked(|c| c.active().filter(|a| a.can_transfer()).and_then(|a| a.id().map(str::to_owned)))
        else {
            return;
        };
        this.ui.error.set(None);
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        if !this.ui.calls.try_update(|c| c.request_transfer(&call_id)).unwrap_or(false) {
            return;
        }
        let this = this.clone();
        spawn_local(async move {
            let id = call_id.clone();
            // `call_ended` itself is the panel subscriber's to apply.
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::CallEnded { call_id, .. } if *call_id == id => Some(Ok(())),
                ServerMsg::Error { code, .. } => Some(Err(code.clone())),
                _ => None,
            };
            let msg = match to_agent {
                _ if to_number.is_some() => {
                    let number = to_number.flatten().unwrap_or_default();
                    ClientMsg::CallTransferNumber { call_id: call_id.clone(), number }
                }
                _ if !queue.is_empty() => ClientMsg::CallTransferQueue { call_id: call_id.clone(), queue },
                Some(to_agent) => ClientMsg::CallTransfer { call_id: call_id.clone(), to_agent },
                None => return,
            };
            let key = match this.ws.request(&msg, TRANSFER_TIMEOUT, pick).await {
                Ok(Ok(())) => return,
                Ok(Err(code)) => calls::transfer_error_key(&code),
                Err(e) => e.message_key(),
            };
            if this.ui.calls.try_update(|c| c.transfer_failed(&call_id)) == Some(true) {
                this.ui.error.set(Some(key));
                request_animation_frame(|| focus_testid("call-transfer-target"));
            }
        });
    }

    /// The agent consults the number typed in the transfer form first (an
    /// attended transfer): the caller waits with music.
    fn consult(this: &Rc<Softphone>) {
        let Ok(number) = calls::dialable_number(&this.ui.transfer_target.get_untracked()) else {
            this.ui.transfer_invalid.set(true);
            request_animation_frame(|| focus_testid("call-transfer-target"));
            return;
        };
        let Some(call_id) = Softphone::connected_call(this) else { return };
        this.ui.error.set(None);
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        this.ui.calls.update(|c| c.consult_started(&call_id, &number));
        this.ui.transfer_open.set(false);
        let this = this.clone();
        spawn_local(async move {
            // The first `call_consult` says it started; a refusal closes the
            // panel again and says why.
            let id = call_id.clone();
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::CallConsult { call_id, .. } if *call_id == id => Some(Ok(())),
                ServerMsg::Error { code, .. } => Some(Err(code.clone())),
                _ => None,
            };
            let msg = ClientMsg::CallConsult { call_id: call_id.clone(), number };
            let key = match this.ws.request(&msg, TRANSFER_TIMEOUT, pick).await {
                Ok(Ok(())) => return,
                Ok(Err(code)) => calls::transfer_error_key(&code),
                Err(e) => e.message_key(),
            };
            this.ui.calls.update(|c| c.handle_consult(&call_id, ConsultState::Ended));
            this.ui.error.set(Some(key));
        });
    }

    /// A step of the consultation: `complete`, `join` or `cancel`.
    fn consult_step(this: &Rc<Softphone>, which: &'static str) {
        let Some(call_id) = Softphone::connected_call(this) else { return };
        let msg = match which {
            "complete" => ClientMsg::CallConsultComplete { call_id },
            "join" => ClientMsg::CallConsultJoin { call_id },
            _ => ClientMsg::CallConsultCancel { call_id },
        };
        if !this.ws.send(&msg) {
            this.ui.error.set(Some("error-network"));
        }
    }

    /// The id of the active call if it is connected.
    fn connected_call(this: &Softphone) -> Option<String> {
        this.ui.calls.with_untracked(|c| c.active().filter(|a| a.connected()).and_then(|a| a.id().map(str::to_owned)))
    }

    /// The agent presses `key` on the keypad: it goes out at once, as its
    /// own `call_dtmf`. The gateway answers only to refuse it.
    fn send_key(this: &Rc<Softphone>, key: char) {
        let Some(call_id) = Softphone::connected_call(this) else { return };
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        if !this.ui.calls.try_update(|c| c.send_key(&call_id, key)).unwrap_or(false) {
            return;
        }
        let this = this.clone();
        spawn_local(async move {
            let pick = |msg: &ServerMsg| match msg {
                ServerMsg::Error { code, .. } => Some(code.clone()),
                _ => None,
            };
            let msg = ClientMsg::CallDtmf { call_id: call_id.clone(), digits: key.to_string() };
            let refused = this.ws.request(&msg, DTMF_REFUSAL_WINDOW, pick).await;
            let still_on = this.ui.calls.with_untracked(|c| c.active().and_then(|a| a.id()) == Some(call_id.as_str()));
            match refused {
                Ok(code) if still_on => this.ui.error.set(Some(calls::dtmf_error_key(&code))),
                Err(RequestError::NotConnected | RequestError::Closed) if still_on => {
                    this.ui.error.set(Some("error-network"));
                }
                _ => {}
            }
        });
    }

    /// The agent starts, pauses, resumes or stops the recording; the
    /// buttons wait for the gateway's `call_recording`.
    fn record(this: &Rc<Softphone>, action: RecordAction) {
        let Some(call_id) = Softphone::connected_call(this) else { return };
        if this.ws.state_untracked() != ConnState::Connected {
            this.ui.error.set(Some("error-network"));
            return;
        }
        if !this.ui.calls.try_update(|c| c.request_record(&call_id, action)).unwrap_or(false) {
            return;
        }
        this.ui.error.set(None);
        let this = this.clone();
        spawn_local(async move {
            let id = call_id.clone();
            // `call_recording` itself is the panel subscriber's to apply.
            let pick = move |msg: &ServerMsg| match msg {
                ServerMsg::CallRecording { call_id, .. } | ServerMsg::CallEnded { call_id, .. } if *call_id == id => {
                    Some(Ok(()))
                }
                ServerMsg::Error { code, .. } => Some(Err(code.clone())),
                _ => None,
            };
            let msg = ClientMsg::CallRecord { call_id: call_id.clone(), action };
            let key = match this.ws.request(&msg, RECORD_TIMEOUT, pick).await {
                Ok(Ok(())) => {
                    focus_record_controls();
                    return;
                }
                Ok(Err(code)) => recording::error_key(&code),
                Err(e) => e.message_key(),
            };
            if this.ui.calls.try_update(|c| c.record_failed(&call_id)) == Some(true) {
                this.ui.error.set(Some(key));
            }
        });
    }

    /// The agent mutes or unmutes their microphone: the track the gateway
    /// gets carries silence. Nothing goes to the gateway.
    fn toggle_mute(this: &Rc<Softphone>) {
        let Some(muted) = this.ui.calls.with_untracked(|c| c.active().map(|a| !a.muted())) else { return };
        this.ui.calls.update(|c| {
            c.set_muted(muted);
        });
        if let Some(peer) = this.media.borrow().as_ref().and_then(|m| m.peer.as_ref()) {
            peer.set_muted(muted);
        }
    }

    /// Releases the call's media; with `hang_up`, tells the gateway if it
    /// got our answer or placed our dial.
    fn release(this: &Softphone, hang_up: bool) {
        this.attempt.set(this.attempt.get() + 1);
        this.ui.transfer_open.set(false);
        this.ui.transfer_invalid.set(false);
        this.ui.transfer_target.set(String::new());
        let Some(media) = this.media.borrow_mut().take() else { return };
        if hang_up && media.offered && !media.call_id.is_empty() {
            this.ws.send(&ClientMsg::CallHangUp { call_id: media.call_id.clone() });
        }
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

    /// Keeps the keyboard in the panel when the focused button goes away.
    fn focus_title(this: &Softphone) {
        let title = this.ui.title;
        request_animation_frame(move || {
            // A focused element that leaves the page hands focus to <body>.
            let focus_lost = active_element().is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
            if focus_lost && let Some(el) = title.try_get_untracked().flatten() {
                let _ = el.focus();
            }
        });
    }
}

/// Moves the keyboard to the element with test id `testid`, if present.
fn focus_testid(testid: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let el = doc.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten();
    if let Some(el) = el.and_then(|el| el.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.active_element()
}

/// Keeps the keyboard on the recording controls when the button pressed
/// went away (Record becomes Pause and Stop, and back).
fn focus_record_controls() {
    request_animation_frame(|| {
        let focus_lost = active_element().is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        if !focus_lost {
            return;
        }
        let button = ["call-record-pause", "call-record"]
            .into_iter()
            .find_map(|id| doc.query_selector(&format!("[data-testid=\"{id}\"]")).ok().flatten())
            .and_then(|el| el.dyn_into::<HtmlElement>().ok());
        if let Some(button) = button {
            let _ = button.focus();
        }
    });
}

/// Moves the keyboard to the Answer button of `call_id`, unless the agent is
/// typing somewhere.
fn focus_answer(call_id: &str) {
    let typing = active_element().is_some_and(|el| {
        matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select")
            || el.dyn_ref::<HtmlElement>().is_some_and(|h| h.is_content_editable())
    });
    if typing {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(rows) = doc.query_selector_all("[data-testid=\"call-ringing\"]") else { return };
    let button = (0..rows.length())
        .filter_map(|i| rows.item(i)?.dyn_into::<web_sys::Element>().ok())
        .find(|row| row.get_attribute("data-call-id").as_deref() == Some(call_id))
        .and_then(|row| row.query_selector("[data-testid=\"call-answer\"]").ok().flatten())
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        let _ = button.focus();
    }
}

/// A consultation's state as the `data-state` attribute says it.
fn state_name(s: ConsultState) -> &'static str {
    match s {
        ConsultState::Dialing => "dialing",
        ConsultState::Connected => "connected",
        ConsultState::Joined => "joined",
        ConsultState::Ended => "ended",
    }
}
