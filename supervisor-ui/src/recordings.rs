//! Recordings: search the recorded calls by period (local days), agent,
//! queue, customer and disposition; play one in the browser (the gateway
//! serves byte ranges, so the player seeks), with the caller's side, the
//! agent's side or both; download it when the gateway says the user may.
//! The gateway audits every search, playback and download.
//!
//! The sides: the file is stereo, caller left and agent right. Choosing
//! one side routes the player through WebAudio (a channel splitter, four
//! gains, a merger), made on that first click so that the browser allows
//! it; until then the player plays the file as it is.

use leptos::html;
use leptos::prelude::*;
use shared::codes::DeskCode;
use shared::recordings::{Recording, RecordingPage};
use ui_kit::recordings::{self as rec, Channel, Search};
use ui_kit::{format, t, t_args, t_or, tr};

use crate::calls_report::{NoValue, agent_label, day_start, local_today, outcome_key, queue_label};
use crate::filters::{AgentSelect, DayField, Paged, QueueSelect, TableFoot, directory};
use crate::live_calls::isolate;

/// Rows per request.
const PAGE: u32 = 50;

/// The request for the form's local days `YYYY-MM-DD` and filters;
/// `None` when the period is not one.
fn search_of(from: &str, to: &str, filters: [String; 4]) -> Option<Search> {
    if to < from {
        return None;
    }
    let [agent, queue, customer, disposition] = filters;
    Some(Search {
        from_ms: Some(day_start(from, 0)?.get_time()),
        to_ms: Some(day_start(to, 1)?.get_time()),
        agent,
        queue,
        customer,
        disposition,
    })
}

/// The WebAudio graph between the player and the speakers.
struct Router {
    _ctx: web_sys::AudioContext,
    gains: [web_sys::GainNode; 4],
}

impl Router {
    /// Splits the player's two channels and sends each to both ears
    /// through its own gains.
    fn new(audio: &web_sys::HtmlMediaElement) -> Result<Router, wasm_bindgen::JsValue> {
        let ctx = web_sys::AudioContext::new()?;
        let source = ctx.create_media_element_source(audio)?;
        let split = ctx.create_channel_splitter_with_number_of_outputs(2)?;
        let merge = ctx.create_channel_merger_with_number_of_inputs(2)?;
        source.connect_with_audio_node(&split)?;
        let gains = [ctx.create_gain()?, ctx.create_gain()?, ctx.create_gain()?, ctx.create_gain()?];
        // left→left, left→right, right→left, right→right.
        for (i, g) in gains.iter().enumerate() {
            let (from, to) = ((i / 2) as u32, (i % 2) as u32);
            split.connect_with_audio_node_and_output(g, from)?;
            g.connect_with_audio_node_and_output_and_input(&merge, 0, to)?;
        }
        merge.connect_with_audio_node(&ctx.destination())?;
        Ok(Router { _ctx: ctx, gains })
    }

    fn set(&self, c: Channel) {
        for (g, v) in self.gains.iter().zip(c.gains()) {
            g.gain().set_value(v);
        }
    }
}

#[component]
pub fn Recordings() -> impl IntoView {
    let today = local_today();
    let (from, to) = (RwSignal::new(today.clone()), RwSignal::new(today));
    let [agent, queue, customer, disposition] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let applied = RwSignal::new(None::<Search>);
    let list = Paged::<Recording>::new();
    let Paged { rows, next, loading, error, .. } = list;
    let playing = RwSignal::new(None::<Recording>);
    let channel = RwSignal::new(Channel::Both);
    let audio_ref = NodeRef::<html::Audio>::new();
    let router = StoredValue::new_local(None::<Router>);

    let (queues, agents) = directory();
    let codes = LocalResource::new(|| async {
        ui_kit::api::get::<Vec<DeskCode>>("/api/v1/dispositions").await.unwrap_or_default()
    });

    let fetch = move |s: Search, cursor: Option<String>| {
        let path = rec::list_path(&s, PAGE, cursor.as_deref());
        if cursor.is_none() {
            applied.set(Some(s));
        }
        list.load(cursor.is_none(), async move {
            ui_kit::api::get::<RecordingPage>(&path).await.map(|p| (p.items, p.next_cursor))
        });
    };
    let current = move || [agent, queue, customer, disposition].map(|s| s.get_untracked());
    let search_now = move || match search_of(&from.get_untracked(), &to.get_untracked(), current()) {
        Some(s) => fetch(s, None),
        None => error.set(Some("report-error-period")),
    };
    search_now();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        search_now();
    };
    let on_more = move || {
        if let (Some(s), Some(c)) = (applied.get_untracked(), next.get_untracked()) {
            fetch(s, Some(c));
        }
    };
    let choose_channel = move |c: Channel| {
        channel.set(c);
        // The graph is made on the first click that needs it.
        if c != Channel::Both && router.with_value(Option::is_none) {
            let made = audio_ref.get_untracked().map(|a| Router::new(&a));
            match made {
                Some(Ok(r)) => router.set_value(Some(r)),
                _ => error.set(Some("rec-channel-error")),
            }
        }
        router.with_value(|r| {
            if let Some(r) = r {
                r.set(c);
            }
        });
    };
    let play = move |r: Recording| {
        playing.set(Some(r));
        request_animation_frame(move || {
            if let Some(a) = audio_ref.get_untracked() {
                let _ = a.play();
                let _ = a.focus();
            }
        });
    };

    let agent_name = move |id: Option<i64>| id.map(|id| agent_label(agents.get().as_deref(), id));
    let queue_name = move |code: Option<String>| code.map(|c| queue_label(queues.get().as_deref(), &c));
    let now_playing = move || {
        playing.get().map(|r| {
            let who = caller_text(&r);
            let when = format::parse_time(&r.started_at).map(format::date_time_short).unwrap_or_default();
            t_args("rec-playing", &[("caller", &who), ("time", &isolate(&when))])
        })
    };

    view! {
        <div class="page report recordings">
            <div class="page-head">
                <h1 class="page-title" id="rec-title" tabindex="-1">{tr("rec-title")}</h1>
            </div>
            <form class="panel report-filters" data-testid="rec-filters" on:submit=on_submit>
                <DayField id="rec-from" testid="rec-from" label_key="report-from" value=from />
                <DayField id="rec-to" testid="rec-to" label_key="report-to" value=to />
                <AgentSelect id="rec-agent" testid="rec-agent" agents=agents value=agent />
                <QueueSelect id="rec-queue" testid="rec-queue" queues=queues value=queue />
                <div class="field">
                    <label for="rec-customer">{tr("rec-customer")}</label>
                    <input id="rec-customer" type="search" data-testid="rec-customer" maxlength="100"
                        prop:value=move || customer.get() on:change=move |ev| customer.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="rec-disposition">{tr("report-col-disposition")}</label>
                    <select id="rec-disposition" data-testid="rec-disposition" on:change=move |ev| disposition.set(event_target_value(&ev))>
                        <option value="">{tr("rec-all-dispositions")}</option>
                        {move || {
                            codes
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|c| {
                                    let label = t_or(&format!("disposition-{}", c.code), &c.label);
                                    let sel = c.code.clone();
                                    view! { <option value=c.code selected=move || disposition.with(|d| *d == sel)>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="rec-search">{tr("rec-search")}</button>
            </form>
            {move || error.get().map(|k| view! { <p class="alert report-alert" role="alert" data-testid="rec-error">{move || t(k)}</p> })}
            <section class="panel rec-player" aria-labelledby="rec-player-title" data-testid="rec-player">
                <h2 class="panel-title" id="rec-player-title">{tr("rec-player")}</h2>
                <p class="muted" data-testid="rec-now-playing" aria-live="polite">
                    {move || match playing.get() {
                        None => view! { <span>{tr("rec-choose")}</span> }.into_any(),
                        Some(r) => {
                            let when = format::parse_time(&r.started_at).map(format::date_time_short).unwrap_or_default();
                            // Markup, not a sentence: browsers keep a number's
                            // order in <bdi dir="ltr"> but not always inside
                            // Unicode isolates.
                            let who = match (r.customer_name, r.caller) {
                                (Some(name), _) => view! { <bdi>{name}</bdi> }.into_any(),
                                (None, Some(n)) => view! { <bdi dir="ltr">{n}</bdi> }.into_any(),
                                (None, None) => view! { <span>{tr("rec-unknown-caller")}</span> }.into_any(),
                            };
                            view! {
                                <span>{tr("rec-selected")}</span>
                                " "
                                {who}
                                " · "
                                <time datetime=r.started_at.clone()>
                                    <bdi>{when}</bdi>
                                </time>
                            }
                                .into_any()
                        }
                    }}
                </p>
                <audio
                    node_ref=audio_ref
                    class="rec-audio"
                    controls
                    preload="metadata"
                    data-testid="rec-audio"
                    aria-label=move || now_playing().unwrap_or_else(|| t("rec-player"))
                    src=move || playing.with(|p| p.as_ref().map(|r| rec::audio_path(&r.id, false)))
                    hidden=move || playing.with(Option::is_none)
                ></audio>
                <div class="rec-player-controls" hidden=move || playing.with(Option::is_none)>
                    <span class="field-label" id="rec-channel-label">{tr("rec-channel")}</span>
                    <div class="segmented" role="group" aria-labelledby="rec-channel-label" data-testid="rec-channel">
                        {Channel::ALL
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-secondary btn-sm btn-toggle seg"
                                        data-channel=c.as_str()
                                        aria-pressed=move || (channel.get() == c).to_string()
                                        on:click=move |_| choose_channel(c)
                                    >
                                        {tr(c.message_key())}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                    {move || {
                        playing
                            .get()
                            .filter(|r| r.can_download)
                            .map(|r| {
                                view! {
                                    <a class="btn btn-secondary btn-sm" data-testid="rec-download" href=rec::audio_path(&r.id, true) download=format!("{}.wav", r.id)>
                                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                            <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
                                        </svg>
                                        <span>{tr("rec-download")}</span>
                                    </a>
                                }
                            })
                    }}
                </div>
            </section>
            <section class="panel panel-flush">
                <div class="table-wrap" role="region" aria-labelledby="rec-caption" tabindex="0">
                    <table class="table report-table" data-testid="rec-table">
                        <caption id="rec-caption" class="report-caption">{tr("rec-caption")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr("report-col-start")}</th>
                                <th scope="col">{tr("report-col-caller")}</th>
                                <th scope="col">{tr("report-col-queue")}</th>
                                <th scope="col">{tr("report-col-agent")}</th>
                                <th scope="col">{tr("rec-col-length")}</th>
                                <th scope="col">{tr("report-col-outcome")}</th>
                                <th scope="col">{tr("report-col-disposition")}</th>
                                <th scope="col"><span class="visually-hidden">{tr("rec-col-actions")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                (rows.with(Vec::is_empty) && !loading.get()).then(|| {
                                    view! { <tr><td colspan="8" class="empty-text" data-testid="rec-empty">{tr("rec-empty")}</td></tr> }
                                })
                            }}
                            <For
                                each=move || rows.get()
                                key=|r| r.id.clone()
                                children=move |r| {
                                    let started = format::parse_time(&r.started_at);
                                    let who = r.customer_name.clone();
                                    let number = r.caller.clone();
                                    let (queue, agent) = (r.queue.clone(), r.agent_id);
                                    let code = r.disposition_code.clone();
                                    let length = r.audio_ms;
                                    let outcome = r.outcome;
                                    let label = {
                                        let r = r.clone();
                                        move || t_args("rec-play-label", &[("caller", &caller_text(&r))])
                                    };
                                    let is_playing = {
                                        let id = r.id.clone();
                                        move || playing.with(|p| p.as_ref().is_some_and(|p| p.id == id))
                                    };
                                    let r2 = r.clone();
                                    view! {
                                        <tr data-testid="rec-row" data-id=r.id.clone() data-call-id=r.call_id.clone()>
                                            <th scope="row" class="report-start">
                                                <time datetime=r.started_at.clone()>
                                                    <bdi>{move || started.map(format::date_time_short).unwrap_or_default()}</bdi>
                                                </time>
                                            </th>
                                            <td class="report-caller">
                                                {who.map(|n| view! { <span class="report-customer"><bdi>{n}</bdi></span> })}
                                                {match number {
                                                    Some(n) => view! { <bdi class="call-number" dir="ltr">{n}</bdi> }.into_any(),
                                                    None => view! { <NoValue /> }.into_any(),
                                                }}
                                            </td>
                                            <td>
                                                {move || match queue_name(queue.clone()) {
                                                    Some(q) => view! { <bdi>{q}</bdi> }.into_any(),
                                                    None => view! { <NoValue /> }.into_any(),
                                                }}
                                            </td>
                                            <td>
                                                {move || match agent_name(agent) {
                                                    Some(a) => view! { <bdi>{a}</bdi> }.into_any(),
                                                    None => view! { <NoValue /> }.into_any(),
                                                }}
                                            </td>
                                            <td>
                                                <span class="timer" dir="ltr">
                                                    {move || format::duration((length.max(0) as u64).div_ceil(1000))}
                                                </span>
                                            </td>
                                            <td>
                                                <span class="pill report-outcome" data-outcome=outcome.map_or("in_progress", |d| d.as_str())>
                                                    {tr(outcome_key(outcome))}
                                                </span>
                                            </td>
                                            <td>
                                                {match code {
                                                    Some(c) => view! { <span>{move || t_or(&format!("disposition-{c}"), &c)}</span> }.into_any(),
                                                    None => view! { <NoValue /> }.into_any(),
                                                }}
                                            </td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="btn btn-secondary btn-sm btn-toggle"
                                                    data-testid="rec-play"
                                                    aria-label=label
                                                    aria-pressed=move || is_playing().to_string()
                                                    on:click=move |_| play(r2.clone())
                                                >
                                                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                                        <path d="M8 5v14l11-7z" />
                                                    </svg>
                                                    <span>{tr("rec-play")}</span>
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
                <TableFoot prefix="rec" loading_key="rec-loading" shown_key="rec-shown" list=list on_more=on_more />
            </section>
        </div>
    }
}

/// Who called, for a sentence in either direction: the customer's name
/// (isolated), else the number kept left to right, else "an unknown caller".
fn caller_text(r: &Recording) -> String {
    match (&r.customer_name, &r.caller) {
        (Some(name), _) => isolate(name),
        (None, Some(number)) => format!("\u{2066}{number}\u{2069}"),
        (None, None) => t("rec-unknown-caller"),
    }
}
