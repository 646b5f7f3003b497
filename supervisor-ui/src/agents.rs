//! The live view of the team: counts per status, the live calls (see
//! [`crate::live_calls`]) and a table of every agent with their connection,
//! status and time in status. It asks for the list (`watch_agents`) after
//! each Welcome, so a reconnect refreshes it, and applies
//! `agent_status_updated` as it comes.

use leptos::prelude::*;
use shared::ws::{AgentPresence, AgentStatus, ClientMsg, ServerMsg};
use ui_kit::{ConnState, PresencePill, WsClient, format, t};

use crate::live_calls::LiveCallsPanel;

#[component]
pub fn Agents() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    // `None` until the first list arrives.
    let agents = RwSignal::new(None::<Vec<AgentPresence>>);

    let watcher = ws.clone();
    ws.subscribe(move |msg| match msg {
        ServerMsg::Welcome { .. } => {
            watcher.send(&ClientMsg::WatchAgents);
        }
        ServerMsg::Agents { agents: list } => {
            let mut list = list.clone();
            list.sort_by_key(|a| a.display_name.to_lowercase());
            agents.set(Some(list));
        }
        ServerMsg::AgentStatusUpdated { agent } => agents.update(|list| {
            let list = list.get_or_insert_with(Vec::new);
            match list.iter_mut().find(|a| a.agent_id == agent.agent_id) {
                Some(row) => *row = agent.clone(),
                None => {
                    list.push(agent.clone());
                    list.sort_by_key(|a| a.display_name.to_lowercase());
                }
            }
        }),
        _ => {}
    });
    if ws.state_untracked() == ConnState::Connected {
        ws.send(&ClientMsg::WatchAgents);
    }

    let clock = ws.clock();
    let count = move |pred: fn(&AgentPresence) -> bool| {
        agents.with(|l| l.as_ref().map_or(0, |l| l.iter().filter(|a| pred(a)).count() as u64))
    };

    view! {
        <div class="page">
            <div class="page-head">
                <h1 class="page-title">{move || t("agents-title")}</h1>
            </div>
            <section class="tiles" aria-label=move || t("agents-overview")>
                <Tile class="tile-available" label_key="status-available" value=Signal::derive(move || count(|a| a.status == AgentStatus::Available)) />
                <Tile class="tile-not_ready" label_key="status-not-ready" value=Signal::derive(move || count(|a| a.status == AgentStatus::NotReady)) />
                <Tile class="tile-offline" label_key="status-offline" value=Signal::derive(move || count(|a| a.status == AgentStatus::Offline)) />
                <Tile class="tile-connected" label_key="agents-connected" value=Signal::derive(move || count(|a| a.connected)) />
            </section>
            <LiveCallsPanel agents=agents />
            <section class="panel panel-flush" aria-labelledby="agents-table-title">
                <h2 class="visually-hidden" id="agents-table-title">{move || t("agents-title")}</h2>
                <div class="table-wrap">
                    <table class="table" data-testid="agents-table">
                        <thead>
                            <tr>
                                <th scope="col">{move || t("agents-col-name")}</th>
                                <th scope="col">{move || t("agents-col-connection")}</th>
                                <th scope="col">{move || t("agents-col-status")}</th>
                                <th scope="col">{move || t("agents-col-since")}</th>
                                <th scope="col">{move || t("agents-col-actions")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || match agents.with(|l| l.as_ref().map(Vec::is_empty)) {
                                None => Some(view! { <EmptyRow key="agents-loading" /> }.into_any()),
                                Some(true) => Some(view! { <EmptyRow key="agents-empty" /> }.into_any()),
                                Some(false) => None,
                            }}
                            <For
                                each=move || agents.get().unwrap_or_default()
                                key=|a| {
                                    (
                                        a.agent_id,
                                        a.connected,
                                        a.status,
                                        a.since.clone(),
                                        a.display_name.clone(),
                                        a.reason.clone(),
                                        a.activity,
                                        a.activity_since.clone(),
                                    )
                                }
                                children=move |a| view! { <AgentRow agent=a clock=clock /> }
                            />
                        </tbody>
                    </table>
                </div>
            </section>
        </div>
    }
}

#[component]
fn AgentRow(agent: AgentPresence, clock: ReadSignal<f64>) -> impl IntoView {
    // Time in state: in the engine's activity when there is one.
    let since = format::parse_time(agent.activity_since.as_deref().unwrap_or(&agent.since));
    let elapsed = move || since.map(|s| ((clock.get() - s) / 1000.0).max(0.0) as u64);
    let conn_key = if agent.connected { "agents-connected" } else { "agents-disconnected" };
    let conn_state = if agent.connected { "connected" } else { "disconnected" };
    view! {
        <tr data-testid="agent-row" data-agent-name=agent.display_name.clone() data-agent-id=agent.agent_id>
            <th scope="row" class="cell-name">
                <bdi>{agent.display_name.clone()}</bdi>
            </th>
            <td data-testid="agent-connected" data-connected=agent.connected.to_string()>
                <span class="badge conn-badge" data-state=conn_state>
                    <span class="dot" aria-hidden="true"></span>
                    {move || t(conn_key)}
                </span>
            </td>
            <td data-testid="agent-status" data-status=agent.status.as_str() data-activity=agent.activity.as_str()>
                <PresencePill presence=agent.clone() />
            </td>
            <td>
                <span class="timer" dir="ltr" title=move || since.map(format::date_time).unwrap_or_default()>
                    {move || elapsed().map(format::duration).unwrap_or_default()}
                </span>
            </td>
            <td>
                <AgentActions agent_id=agent.agent_id connected=agent.connected name=agent.display_name.clone() />
            </td>
        </tr>
    }
}

/// What a supervisor does to one agent: set their status (while their
/// desk is open) and sign them out. Both are audited by the gateway.
#[component]
fn AgentActions(agent_id: i64, connected: bool, name: String) -> impl IntoView {
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let on_status = move |ev| {
        let value = event_target_value(&ev);
        let Some(status) = ui_kit::status::parse_status(&value) else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = shared::directory::ForceStatus { status, reason: None };
            let path = format!("/api/v1/agents/{agent_id}/status");
            let r = ui_kit::api::send_no_content("POST", &path, Some(&body)).await;
            busy.set(false);
            if let Err(e) = r {
                error.set(Some(e.error.message_key()));
            }
        });
    };
    let on_logout = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/agents/{agent_id}/logout");
            let r = ui_kit::api::send_no_content::<()>("POST", &path, None).await;
            busy.set(false);
            if let Err(e) = r {
                error.set(Some(e.error.message_key()));
            }
        });
    };
    let status_label = {
        let name = name.clone();
        move || ui_kit::t_args("agents-force-status-for", &[("name", &name)])
    };
    let logout_label = move || ui_kit::t_args("agents-logout-for", &[("name", &name)]);
    view! {
        <div class="agent-actions">
            <select
                data-testid="agent-force-status"
                aria-label=status_label
                prop:disabled=move || !connected || busy.get()
                on:change=on_status
            >
                <option value="" selected>{move || t("agents-force-status")}</option>
                {ui_kit::status::CHOOSABLE
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str()>{move || t(ui_kit::status::status_key(s))}</option> })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="btn btn-secondary btn-sm"
                data-testid="agent-logout"
                aria-label=logout_label
                prop:disabled=move || busy.get()
                on:click=on_logout
            >
                {move || t("agents-logout")}
            </button>
            {move || error.get().map(|k| view! { <span class="alert alert-sm" role="alert">{move || t(k)}</span> })}
        </div>
    }
}

#[component]
fn EmptyRow(key: &'static str) -> impl IntoView {
    view! {
        <tr>
            <td colspan="5" class="empty-text">{move || t(key)}</td>
        </tr>
    }
}

/// A count with its label.
#[component]
fn Tile(class: &'static str, label_key: &'static str, value: Signal<u64>) -> impl IntoView {
    view! {
        <div class=format!("tile {class}")>
            <span class="tile-label">
                <span class="dot" aria-hidden="true"></span>
                {move || t(label_key)}
            </span>
            <span class="tile-value">{move || format::int(value.get(), 1)}</span>
        </div>
    }
}
