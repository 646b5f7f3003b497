//! After-call work. When the routing engine puts the agent in wrap-up
//! (`agent_status_updated` with activity `wrap_up`, the call and when it
//! ends), this panel opens by itself with a countdown, Extend
//! (`wrap_up_extend`, at most [`WRAP_UP_EXTENSIONS`] times), a required
//! disposition code (`GET /api/v1/dispositions`), notes, and Done, which
//! saves them (`POST /api/v1/interactions/{call_id}/wrap_up`); the gateway
//! then returns the agent to the status they had before. If the time runs
//! out first the agent is back in their status, and the panel stays until
//! the disposition is saved.
//!
//! Test ids: `wrapup` (`data-call`, `data-state` running | overdue),
//! `wrapup-countdown`, `wrapup-extend`, `wrapup-disposition`,
//! `wrapup-notes`, `wrapup-done`, `wrapup-error`.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::DeskCode;
use shared::records::WrapUpRequest;
use shared::ws::{AgentActivity, ClientMsg, WRAP_UP_EXTENSIONS};
use ui_kit::{WsClient, format, t, t_or};

use crate::presence::MyPresence;

#[component]
pub fn WrapUpPanel() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let presence = MyPresence::expect().0;
    // The call whose disposition is still to be saved.
    let pending = RwSignal::new(None::<String>);
    let extended = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let disposition = NodeRef::<html::Select>::new();
    let notes = NodeRef::<html::Textarea>::new();
    let codes = LocalResource::new(|| async {
        ui_kit::api::get::<Vec<DeskCode>>("/api/v1/dispositions").await.unwrap_or_default()
    });

    Effect::new(move |_| {
        let Some(p) = presence.get() else { return };
        if p.activity == AgentActivity::WrapUp
            && let Some(call) = p.wrap_up_call
            && pending.get_untracked().as_deref() != Some(call.as_str())
        {
            pending.set(Some(call));
            extended.set(0);
            error.set(None);
            if let Some(el) = notes.get_untracked() {
                el.set_value("");
            }
            if let Some(el) = disposition.get_untracked() {
                el.set_value("");
            }
        }
    });

    let clock = ws.clock();
    let ends = move || {
        presence.with(|p| {
            p.as_ref()
                .filter(|p| p.activity == AgentActivity::WrapUp)
                .and_then(|p| p.wrap_up_ends.as_deref())
                .and_then(format::parse_time)
        })
    };
    let left_secs = move || ends().map(|e| ((e - clock.get()) / 1000.0).max(0.0).floor() as u64);
    let running = move || ends().is_some();
    let done = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(call) = pending.get_untracked() else { return };
        let code = disposition.get_untracked().map(|el| el.value()).unwrap_or_default();
        if code.is_empty() {
            error.set(Some(t("wrapup-disposition-required")));
            if let Some(el) = disposition.get_untracked() {
                let _ = el.focus();
            }
            return;
        }
        let text = notes.get_untracked().map(|el| el.value()).unwrap_or_default();
        let req = WrapUpRequest { disposition_code: code, notes: Some(text).filter(|n| !n.trim().is_empty()) };
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let path = format!("/api/v1/interactions/{}/wrap_up", js_sys::encode_uri_component(&call));
            let r = ui_kit::api::send_json::<_, shared::records::Interaction>("POST", &path, &req).await;
            saving.set(false);
            match r {
                Ok(_) => {
                    if pending.get_untracked().as_deref() == Some(call.as_str()) {
                        pending.set(None);
                    }
                }
                // Not theirs to wrap up (moved to another agent) or gone:
                // nothing to save, the panel goes.
                Err(ui_kit::api::WriteError { error: ui_kit::api::ApiError::Problem(p), .. })
                    if p.status == 403 || p.status == 404 =>
                {
                    pending.set(None);
                }
                Err(e) => error.set(Some(t(e.error.message_key()))),
            }
        });
    };

    view! {
        <Show when=move || pending.get().is_some()>
            <section
                class="panel wrapup"
                aria-labelledby="wrapup-title"
                data-testid="wrapup"
                data-call=move || pending.get().unwrap_or_default()
                data-state=move || if running() { "running" } else { "overdue" }
            >
                <div class="panel-head">
                    <h2 class="panel-title" id="wrapup-title" data-testid="wrapup-title">{move || t("wrapup-title")}</h2>
                    <Show
                        when=running
                        fallback=move || view! { <span class="pill status-missed">{move || t("wrapup-overdue")}</span> }
                    >
                        <span class="wrapup-countdown" role="timer" aria-live="off">
                            <span class="muted">{move || t("wrapup-left")}</span>
                            " "
                            <span class="timer" dir="ltr" data-testid="wrapup-countdown">
                                {move || format::duration(left_secs().unwrap_or(0))}
                            </span>
                        </span>
                    </Show>
                </div>
                <form class="wrapup-form" on:submit=done novalidate>
                    <div class="field">
                        <label for="wrapup-disposition">{move || t("wrapup-disposition")}</label>
                        <select
                            id="wrapup-disposition"
                            data-testid="wrapup-disposition"
                            node_ref=disposition
                            required
                            aria-invalid=move || error.get().is_some().to_string()
                            aria-describedby="wrapup-error"
                            on:change=move |_| error.set(None)
                        >
                            <option value="">{move || t("wrapup-disposition-choose")}</option>
                            {move || {
                                codes
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| {
                                        let key = format!("disposition-{}", c.code);
                                        view! { <option value=c.code.clone()>{move || t_or(&key, &c.label)}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <div class="field">
                        <label for="wrapup-notes">{move || t("wrapup-notes")}</label>
                        <textarea id="wrapup-notes" data-testid="wrapup-notes" node_ref=notes rows="3" maxlength="4000" />
                    </div>
                    <p
                        class="alert alert-sm"
                        role="alert"
                        id="wrapup-error"
                        data-testid="wrapup-error"
                        hidden=move || error.get().is_none()
                    >
                        {move || error.get().unwrap_or_default()}
                    </p>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary" data-testid="wrapup-done" prop:disabled=move || saving.get()>
                            {move || t("wrapup-done")}
                        </button>
                        <ExtendButton running=Signal::derive(running) extended=extended />
                    </div>
                </form>
            </section>
        </Show>
    }
}

/// Extend: one more stretch of wrap-up time, while there are some left.
#[component]
fn ExtendButton(running: Signal<bool>, extended: RwSignal<u32>) -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let extend = move |_| {
        if ws.send(&ClientMsg::WrapUpExtend) {
            extended.update(|n| *n += 1);
        }
    };
    view! {
        <button
            type="button"
            class="btn"
            data-testid="wrapup-extend"
            hidden=move || !running.get()
            prop:disabled=move || { extended.get() >= WRAP_UP_EXTENSIONS }
            on:click=extend
        >
            {move || t("wrapup-extend")}
        </button>
    }
}
