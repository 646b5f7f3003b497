//! The agent's own status: the one the gateway confirmed, how long it has
//! held, and the menu to change it. The menu sends `set_status`; the label
//! changes only when `agent_status_updated` comes back.

use leptos::html;
use leptos::prelude::*;
use shared::ws::{AgentPresence, AgentStatus, ClientMsg, ServerMsg};
use ui_kit::format;
use ui_kit::messages::problem_message_key;
use ui_kit::status::{CHOOSABLE, parse_status, status_key};
use ui_kit::{ConnState, Session, StatusPill, WsClient, t};

#[component]
pub fn StatusControl() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let me = Session::expect().user().map(|u| u.id);
    let confirmed = RwSignal::new(None::<AgentPresence>);
    // What the agent asked for and the gateway has not confirmed yet.
    let requested = RwSignal::new(None::<AgentStatus>);
    let error = RwSignal::new(None::<&'static str>);
    let select = NodeRef::<html::Select>::new();

    ws.subscribe(move |msg| match msg {
        ServerMsg::AgentStatusUpdated { agent } if Some(agent.agent_id) == me => {
            requested.set(None);
            error.set(None);
            confirmed.set(Some(agent.clone()));
            sync_select(select, agent.status);
        }
        ServerMsg::Error { code, .. } if requested.get_untracked().is_some() => {
            requested.set(None);
            error.set(Some(problem_message_key(code)));
            if let Some(current) = confirmed.get_untracked() {
                sync_select(select, current.status);
            }
        }
        _ => {}
    });

    let clock = ws.clock();
    let since_secs = move || {
        let since = confirmed.with(|c| c.as_ref().and_then(|a| format::parse_time(&a.since)))?;
        Some(((clock.get() - since) / 1000.0).max(0.0) as u64)
    };
    let current = move || confirmed.with(|c| c.as_ref().map(|a| a.status));
    let ws_for_change = ws.clone();
    let on_change = move |ev| {
        let Some(status) = parse_status(&event_target_value(&ev)) else { return };
        error.set(None);
        if ws_for_change.send(&ClientMsg::SetStatus { status }) {
            requested.set(Some(status));
        } else {
            error.set(Some("error-network"));
        }
    };
    let disconnected = move || ws.state() != ConnState::Connected;

    view! {
        <div class="status-control">
            <div
                class="status-current"
                data-testid="status-current"
                data-status=move || current().map(|s| s.as_str()).unwrap_or("unknown")
            >
                {move || match current() {
                    Some(status) => view! { <StatusPill status=status /> }.into_any(),
                    None => view! { <span class="muted">{move || t("status-pending")}</span> }.into_any(),
                }}
            </div>
            <Show when=move || since_secs().is_some()>
                <p class="status-time">
                    <span class="muted">{move || t("status-time")}</span>
                    <span class="timer" dir="ltr">{move || format::duration(since_secs().unwrap_or(0))}</span>
                </p>
            </Show>
            <div class="field">
                <label for="status-select">{move || t("status-choose")}</label>
                <select
                    id="status-select"
                    data-testid="status-select"
                    node_ref=select
                    prop:disabled=disconnected
                    aria-busy=move || requested.get().is_some().to_string()
                    on:change=on_change
                >
                    <option value="" disabled hidden prop:selected=move || current().is_none()>
                        {move || t("status-choose")}
                    </option>
                    {CHOOSABLE
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() prop:selected=move || current() == Some(s)>
                                    {move || t(status_key(s))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <Show when=move || requested.get().is_some()>
                <p class="hint" role="status">{move || t("status-pending")}</p>
            </Show>
            {move || error.get().map(|key| view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> })}
        </div>
    }
}

/// Puts the menu back on `status`: after a refusal, or when another tab
/// changed it.
fn sync_select(select: NodeRef<html::Select>, status: AgentStatus) {
    if let Some(el) = select.get_untracked() {
        el.set_value(status.as_str());
    }
}
