//! The campaigns page (`#/campaigns`): every outbound campaign with its
//! mode, status and contacts, start / pause / stop, and for the chosen
//! one what the dialer does now (free agents, calls ringing and under way,
//! contacts waiting, the pacing ratio, the rolling abandon rate against its
//! target), the list-dry alert, the results by outcome and disposition, and
//! the results as a CSV file. What is shown is read again every 3 s while
//! the page is open.
//!
//! Test ids: `cp-list`, `cp-row` (`data-id`, `data-status`), `cp-start`,
//! `cp-pause`, `cp-stop`, `cp-open`, `cp-live`, `cp-{figure}` tiles with
//! `data-value`, `cp-alert`, `cp-outcomes`, `cp-dispositions`, `cp-export`,
//! `cp-error`.

use std::time::Duration;

use leptos::prelude::*;
use shared::campaign::{Campaign, CampaignLive, CampaignMode, CampaignResults, CampaignStatus};
use ui_kit::{format, t, t_args, t_or, tr};

use crate::calls_report::NoValue;

/// How often the page reads the campaigns again.
const REFRESH: Duration = Duration::from_secs(3);

fn pct(p: f64) -> String {
    format!("{} %", format::decimal(p, 1))
}

fn count(n: i64) -> String {
    format::int(n.max(0) as u64, 1)
}

/// An RFC 3339 time as the user's local date and time.
fn when(rfc3339: &str) -> String {
    let ms = web_sys::js_sys::Date::parse(rfc3339);
    if ms.is_nan() { rfc3339.to_owned() } else { format::date_time(ms) }
}

#[component]
pub fn Campaigns() -> impl IntoView {
    let campaigns = RwSignal::new(None::<Vec<Campaign>>);
    let chosen = RwSignal::new(None::<i64>);
    let live = RwSignal::new(None::<CampaignLive>);
    let results = RwSignal::new(None::<CampaignResults>);
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);

    let load = move || {
        leptos::task::spawn_local(async move {
            match ui_kit::api::get::<Vec<Campaign>>("/api/v1/campaigns").await {
                Ok(list) => {
                    if chosen.get_untracked().is_none() {
                        // The first running campaign, else the newest.
                        let first = list.iter().find(|c| c.status == CampaignStatus::Running).or(list.first());
                        chosen.set(first.map(|c| c.id));
                    }
                    campaigns.set(Some(list));
                }
                Err(e) => error.set(Some(e.message_key())),
            }
            let Some(id) = chosen.get_untracked() else { return };
            let l = ui_kit::api::get::<CampaignLive>(&format!("/api/v1/campaigns/{id}/live")).await;
            let r = ui_kit::api::get::<CampaignResults>(&format!("/api/v1/campaigns/{id}/results?limit=1")).await;
            // Still the chosen one: a click meanwhile wins.
            if chosen.get_untracked() == Some(id) {
                live.set(l.ok());
                results.set(r.ok());
            }
        });
    };
    load();
    if let Ok(timer) = set_interval_with_handle(load, REFRESH) {
        on_cleanup(move || timer.clear());
    }

    let act = move |id: i64, verb: &'static str| {
        if verb == "stop" {
            let sure = web_sys::window().and_then(|w| w.confirm_with_message(&t("cp-stop-confirm")).ok());
            if sure != Some(true) {
                return;
            }
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/campaigns/{id}/{verb}");
            let r = ui_kit::api::send_json::<_, Campaign>("POST", &path, &serde_json::json!({})).await;
            busy.set(false);
            if let Err(e) = r {
                error.set(Some(e.error.message_key()));
            }
            chosen.set(Some(id));
            load();
        });
    };
    let choose = move |id: i64| {
        chosen.set(Some(id));
        live.set(None);
        results.set(None);
        load();
    };

    view! {
        <div class="page report rp cp">
            <div class="page-head">
                <h1 class="page-title" id="cp-title" tabindex="-1">{tr("cp-title")}</h1>
            </div>
            {move || error.get().map(|k| view! { <p class="alert report-alert" role="alert" data-testid="cp-error">{move || t(k)}</p> })}
            <section class="panel panel-flush">
                <div class="table-wrap" role="region" aria-labelledby="cp-caption" tabindex="0">
                    <table class="table report-table" data-testid="cp-list">
                        <caption id="cp-caption" class="report-caption">{tr("cp-caption")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr("cp-name")}</th>
                                <th scope="col">{tr("cp-mode")}</th>
                                <th scope="col">{tr("cp-status")}</th>
                                <th scope="col">{tr("cp-contacts")}</th>
                                <th scope="col">{tr("cp-actions")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                let list = campaigns.get().unwrap_or_default();
                                if list.is_empty() {
                                    return view! { <tr><td colspan="5" class="report-none">{tr("cp-none")}</td></tr> }.into_any();
                                }
                                list.into_iter()
                                    .map(|c| {
                                        let id = c.id;
                                        let status = c.status;
                                        let startable = matches!(status, CampaignStatus::Draft | CampaignStatus::Paused);
                                        let (done, total) = (count(c.contacts.done), count(c.contacts.total));
                                        let done = move || t_args("cp-done-of", &[("done", &done), ("total", &total)]);
                                        view! {
                                            <tr
                                                data-testid="cp-row"
                                                data-id=id.to_string()
                                                data-status=status.as_str()
                                                data-selected=move || (chosen.get() == Some(id)).to_string()
                                            >
                                                <th scope="row">
                                                    <button type="button" class="btn btn-ghost btn-sm" data-testid="cp-open" on:click=move |_| choose(id)>
                                                        <bdi>{c.name.clone()}</bdi>
                                                    </button>
                                                </th>
                                                <td>{move || t(&format!("cp-mode-{}", c.mode.as_str()))}</td>
                                                <td><span class="pill">{move || t(&format!("cp-status-{}", status.as_str()))}</span></td>
                                                <td>{done}</td>
                                                <td class="cell-actions">
                                                    {startable.then(|| view! {
                                                        <button type="button" class="btn btn-primary btn-sm" data-testid="cp-start"
                                                            disabled=move || busy.get() on:click=move |_| act(id, "start")>
                                                            {tr("cp-start")}
                                                        </button>
                                                    })}
                                                    {(status == CampaignStatus::Running).then(|| view! {
                                                        <button type="button" class="btn btn-secondary btn-sm" data-testid="cp-pause"
                                                            disabled=move || busy.get() on:click=move |_| act(id, "pause")>
                                                            {tr("cp-pause")}
                                                        </button>
                                                    })}
                                                    {(status != CampaignStatus::Stopped).then(|| view! {
                                                        <button type="button" class="btn btn-danger btn-sm" data-testid="cp-stop"
                                                            disabled=move || busy.get() on:click=move |_| act(id, "stop")>
                                                            {tr("cp-stop")}
                                                        </button>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }}
                        </tbody>
                    </table>
                </div>
            </section>
            {move || {
                let id = chosen.get()?;
                let (name, mode) =
                    campaigns.with(|l| l.as_ref()?.iter().find(|c| c.id == id).map(|c| (c.name.clone(), c.mode)))?;
                Some(view! { <Live id=id name=name mode=mode live=live results=results /> })
            }}
        </div>
    }
}

/// The chosen campaign: its live figures, alert, results and export.
#[component]
fn Live(
    id: i64,
    name: String,
    mode: CampaignMode,
    live: RwSignal<Option<CampaignLive>>,
    results: RwSignal<Option<CampaignResults>>,
) -> impl IntoView {
    let figure = move |pick: fn(&CampaignLive) -> Option<String>| {
        Signal::derive(move || live.with(|l| l.as_ref().and_then(pick)).unwrap_or_default())
    };
    let alert = move || {
        let a = live.with(|l| l.as_ref().and_then(|l| l.alert.clone()))?;
        let text = match &a.next_due {
            Some(next) => t_args("cp-dry-next", &[("time", &when(next))]),
            None => t("cp-dry-empty"),
        };
        Some(view! {
            <p class="alert report-alert" role="status" data-testid="cp-alert" data-kind=a.kind.clone()>
                <strong>{tr("cp-dry-title")}</strong>
                " "
                {text}
            </p>
        })
    };
    let tallies = move |pick: fn(&CampaignResults) -> Vec<(String, i64)>, prefix: &'static str| {
        move || {
            let rows = results.with(|r| r.as_ref().map(pick)).unwrap_or_default();
            if rows.is_empty() {
                return view! { <span class="chip muted">{tr("cp-no-results")}</span> }.into_any();
            }
            rows.into_iter()
                .map(|(k, n)| {
                    let label = if prefix.is_empty() { k.clone() } else { t_or(&format!("{prefix}{k}"), &k) };
                    view! {
                        <span class="chip" data-key=k.clone() data-value=n.to_string()>
                            <bdi>{label}</bdi>": "<bdi>{count(n)}</bdi>
                        </span>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let heading = move || t_args("cp-now", &[("name", &name)]);
    view! {
        <section class="panel panel-pad" data-testid="cp-live" aria-labelledby="cp-live-title">
            <div class="page-head">
                <h2 class="panel-title" id="cp-live-title">{heading}</h2>
                <a
                    class="btn btn-secondary"
                    data-testid="cp-export"
                    href=format!("/api/v1/campaigns/{id}/results.csv")
                    download=format!("campaign-{id}-results.csv")
                >
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
                    </svg>
                    <span>{tr("cp-export")}</span>
                </a>
            </div>
            {alert}
            {move || live.with(|l| l.as_ref().is_some_and(|l| !l.dialing && l.status == CampaignStatus::Running))
                .then(|| view! { <p class="muted" data-testid="cp-not-dialing">{tr("cp-not-dialing")}</p> })}
            <div class="tiles report-totals">
                {(mode != CampaignMode::Agentless).then(|| view! {
                    <Tile label="cp-free-agents" id="free" text=figure(|l| Some(count(l.free_agents.into()))) />
                })}
                <Tile label="cp-ringing" id="ringing" text=figure(|l| Some(count(l.ringing.into()))) />
                <Tile label="cp-in-progress" id="in-progress" text=figure(|l| Some(count(l.in_progress.into()))) />
                // Pacing and abandons are the predictive dialer's: the other
                // modes never ring more calls than they can take.
                {(mode == CampaignMode::Predictive).then(|| view! {
                    <Tile label="cp-ratio" id="ratio" text=figure(|l| Some(format::decimal(l.ratio, 2))) />
                    <Tile label="cp-abandon" id="abandon" text=figure(|l| l.abandon_percent.map(pct)) />
                    <Tile label="cp-abandon-target" id="target" text=figure(|l| Some(pct(l.target_abandon_percent))) />
                })}
                <Tile label="cp-left" id="left" text=figure(|l| Some(count(l.contacts.pending + l.contacts.dialing))) />
                <Tile label="cp-done" id="done" text=figure(|l| Some(count(l.contacts.done))) />
                <Tile label="cp-total" id="total" text=figure(|l| Some(count(l.contacts.total))) />
            </div>
            <div class="cp-results">
                <h3 class="panel-title">{tr("cp-outcomes")}</h3>
                <div class="chips" data-testid="cp-outcomes">{tallies(|r| r.outcomes.clone(), "cp-outcome-")}</div>
                <h3 class="panel-title">{tr("cp-dispositions")}</h3>
                <div class="chips" data-testid="cp-dispositions">{tallies(|r| r.dispositions.clone(), "")}</div>
            </div>
        </section>
    }
}

#[component]
fn Tile(label: &'static str, id: &'static str, text: Signal<String>) -> impl IntoView {
    view! {
        <div class="tile report-total" data-testid=format!("cp-{id}") data-value=move || text.get()>
            <span class="tile-label">{tr(label)}</span>
            <span class="tile-value">
                {move || {
                    let v = text.get();
                    if v.is_empty() { view! { <NoValue /> }.into_any() } else { view! { <bdi dir="ltr">{v}</bdi> }.into_any() }
                }}
            </span>
        </div>
    }
}
