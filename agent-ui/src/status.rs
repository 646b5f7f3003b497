//! The agent's own status: the one the gateway confirmed (or what the
//! routing engine has them doing: ringing, on a call, wrap-up, missed), how
//! long it has held, and the menu to change it: available, not ready with
//! each reason code (`GET /api/v1/reason-codes`), offline. The menu sends
//! `set_status`; the label changes only when `agent_status_updated` comes
//! back. A missed offer shows an alert whose button makes the agent
//! available again (choosing any status acknowledges it).
//!
//! Test ids: `status-current` (`data-status`: the chosen status,
//! `data-activity`, `data-reason`), `status-select` (values `available`,
//! `not_ready`, `not_ready:<code>`, `offline`), `status-missed` with
//! `status-missed-ack`.

use leptos::html;
use leptos::prelude::*;
use shared::codes::DeskCode;
use shared::ws::{AgentActivity, AgentStatus, ClientMsg, ServerMsg};
use ui_kit::format;
use ui_kit::messages::problem_message_key;
use ui_kit::status::{reason_label, status_key};
use ui_kit::{ConnState, PresencePill, WsClient, t};

use crate::presence::MyPresence;

/// A menu value: `available`, `not_ready`, `not_ready:<code>`, `offline`.
fn menu_value(status: AgentStatus, reason: Option<&str>) -> String {
    match (status, reason) {
        (AgentStatus::NotReady, Some(r)) => format!("not_ready:{r}"),
        _ => status.as_str().to_owned(),
    }
}

fn parse_menu(value: &str) -> Option<(AgentStatus, Option<String>)> {
    match value.split_once(':') {
        Some(("not_ready", r)) if !r.is_empty() => Some((AgentStatus::NotReady, Some(r.to_owned()))),
        Some(_) => None,
        None => ui_kit::status::parse_status(value).map(|s| (s, None)),
    }
}

#[component]
pub fn StatusControl() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let confirmed = MyPresence::expect().0;
    // What the agent asked for and the gateway has not confirmed yet.
    let requested = RwSignal::new(None::<AgentStatus>);
    let error = RwSignal::new(None::<&'static str>);
    let select = NodeRef::<html::Select>::new();
    let reasons = LocalResource::new(|| async {
        ui_kit::api::get::<Vec<DeskCode>>("/api/v1/reason-codes").await.unwrap_or_default()
    });

    ws.subscribe(move |msg| {
        if let ServerMsg::Error { code, .. } = msg
            && requested.get_untracked().is_some()
        {
            requested.set(None);
            error.set(Some(problem_message_key(code)));
            // Refused: the menu shows the status that holds.
            if let Some(p) = confirmed.get_untracked() {
                sync_select(select, &menu_value(p.status, p.reason.as_deref()));
            }
        }
    });
    // Every confirmation (ours, another tab's, the engine's) sets the menu.
    Effect::new(move |_| {
        // Again once the reason codes are in the menu.
        reasons.track();
        if let Some(p) = confirmed.get() {
            // Only the status asked for confirms a request (the engine's
            // news about ringing or wrap-up do not).
            if requested.get_untracked() == Some(p.status) {
                requested.set(None);
            }
            sync_select(select, &menu_value(p.status, p.reason.as_deref()));
        }
    });

    let clock = ws.clock();
    let since_secs = move || {
        let since = confirmed
            .with(|c| c.as_ref().and_then(|a| format::parse_time(a.activity_since.as_deref().unwrap_or(&a.since))))?;
        Some(((clock.get() - since) / 1000.0).max(0.0) as u64)
    };
    let current = move || confirmed.get();
    let chosen = move || confirmed.with(|c| c.as_ref().map(|p| menu_value(p.status, p.reason.as_deref())));
    let ws_send = ws.clone();
    let choose = move |status: AgentStatus, reason: Option<String>| {
        crate::alerting::unlock();
        error.set(None);
        if ws_send.send(&ClientMsg::SetStatus { status, reason }) {
            requested.set(Some(status));
        } else {
            error.set(Some("error-network"));
        }
    };
    let on_change = {
        let choose = choose.clone();
        move |ev| {
            if let Some((status, reason)) = parse_menu(&event_target_value(&ev)) {
                choose(status, reason);
            }
        }
    };
    let ack = move |_| choose(AgentStatus::Available, None);
    let disconnected = move || ws.state() != ConnState::Connected;
    let missed = move || confirmed.with(|c| c.as_ref().is_some_and(|p| p.activity == AgentActivity::Missed));

    view! {
        <div class="status-control">
            <div
                class="status-current"
                data-testid="status-current"
                data-status=move || current().map(|p| p.status.as_str()).unwrap_or("unknown")
                data-activity=move || current().map(|p| p.activity.as_str()).unwrap_or("idle")
                data-reason=move || current().and_then(|p| p.reason).unwrap_or_default()
            >
                {move || match current() {
                    Some(p) => view! { <PresencePill presence=p /> }.into_any(),
                    None => view! { <span class="muted">{move || t("status-pending")}</span> }.into_any(),
                }}
            </div>
            <Show when=move || since_secs().is_some()>
                <p class="status-time">
                    <span class="muted">{move || t("status-time")}</span>
                    <span class="timer" dir="ltr">{move || format::duration(since_secs().unwrap_or(0))}</span>
                </p>
            </Show>
            <Show when=missed>
                <div class="alert alert-warn missed-alert" role="alert" data-testid="status-missed">
                    <p>{move || t("status-missed-text")}</p>
                    <button type="button" class="btn btn-primary" data-testid="status-missed-ack" on:click=ack.clone()>
                        {move || t("status-missed-ack")}
                    </button>
                </div>
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
                    <option value="available" prop:selected=move || chosen().as_deref() == Some("available")>
                        {move || t(status_key(AgentStatus::Available))}
                    </option>
                    <option value="not_ready" prop:selected=move || chosen().as_deref() == Some("not_ready")>
                        {move || t(status_key(AgentStatus::NotReady))}
                    </option>
                    {move || {
                        reasons
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|r| {
                                let value = format!("not_ready:{}", r.code);
                                let selected = {
                                    let value = value.clone();
                                    move || chosen().as_deref() == Some(value.as_str())
                                };
                                view! {
                                    <option value=value prop:selected=selected>
                                        {move || {
                                            format!(
                                                "{} · {}",
                                                t(status_key(AgentStatus::NotReady)),
                                                reason_label(&r.code, Some(&r.label)),
                                            )
                                        }}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                    // Set by the engine after missed offers, never chosen.
                    <option
                        value="not_ready:missed"
                        disabled
                        hidden
                        prop:selected=move || chosen().as_deref() == Some("not_ready:missed")
                    >
                        {move || format!("{} · {}", t(status_key(AgentStatus::NotReady)), reason_label("missed", None))}
                    </option>
                    <option value="offline" prop:selected=move || chosen().as_deref() == Some("offline")>
                        {move || t(status_key(AgentStatus::Offline))}
                    </option>
                </select>
            </div>
            <Show when=move || requested.get().is_some()>
                <p class="hint" role="status">{move || t("status-pending")}</p>
            </Show>
            {move || error.get().map(|key| view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> })}
        </div>
    }
}

/// Puts the menu on `value`: after a change confirmed here or elsewhere.
fn sync_select(select: NodeRef<html::Select>, value: &str) {
    if let Some(el) = select.get_untracked() {
        el.set_value(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_values_round_trip() {
        for (s, r) in [
            (AgentStatus::Available, None),
            (AgentStatus::NotReady, None),
            (AgentStatus::NotReady, Some("lunch")),
            (AgentStatus::Offline, None),
        ] {
            assert_eq!(parse_menu(&menu_value(s, r)), Some((s, r.map(str::to_owned))));
        }
        assert_eq!(parse_menu("offline:x"), None);
        assert_eq!(parse_menu("not_ready:"), None);
    }
}
