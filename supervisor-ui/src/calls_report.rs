//! The calls report: the interactions of a period (local days, today by
//! default), filtered by queue and agent, newest first and paged with the
//! API's cursor; each with its wait and how it ended, talk and hold time,
//! outcome, the agent's disposition, the survey score and the tickets
//! opened on the call. A totals strip sums the rows loaded, and the rows
//! loaded export as CSV. The arithmetic is `ui_kit::report`'s.

use leptos::prelude::*;
use shared::directory::{Agent, Queue};
use shared::records::{Disposition, Initiation, Interaction, InteractionPage};
use shared::tickets::{TicketBrief, TicketKind};
use ui_kit::report::{self, WaitEnd};
use ui_kit::{format, t, t_args, t_or, tr};
use wasm_bindgen::JsCast;
use web_sys::js_sys;

use crate::filters::{AgentSelect, DayField, Paged, QueueSelect, TableFoot, directory};

/// Rows per request.
const PAGE: u32 = 50;

/// What the table shows: local days `YYYY-MM-DD` (both included), a queue's
/// code and an agent's id (empty: all).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filters {
    from: String,
    to: String,
    queue: String,
    agent: String,
}

#[component]
pub fn CallsReport() -> impl IntoView {
    let today = local_today();
    let from = RwSignal::new(today.clone());
    let to = RwSignal::new(today.clone());
    let queue = RwSignal::new(String::new());
    let agent = RwSignal::new(String::new());
    let applied = RwSignal::new(Filters { from: today.clone(), to: today, queue: String::new(), agent: String::new() });
    let list = Paged::<Interaction>::new();
    let Paged { rows, next, loading, error, .. } = list;
    let (queues, agents) = directory();

    let fetch = move |f: Filters, cursor: Option<String>| {
        let Some(path) = list_path(&f, cursor.as_deref()) else {
            error.set(Some("report-error-period"));
            return;
        };
        if cursor.is_none() {
            applied.set(f);
        }
        list.load(cursor.is_none(), async move {
            ui_kit::api::get::<InteractionPage>(&path).await.map(|p| (p.items, p.next_cursor))
        });
    };
    // The form's values when it is sent (not a reactive dependency).
    let current = move || Filters {
        from: from.get_untracked(),
        to: to.get_untracked(),
        queue: queue.get_untracked(),
        agent: agent.get_untracked(),
    };
    fetch(current(), None);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        fetch(current(), None);
    };
    let on_more = move || {
        if let Some(c) = next.get_untracked() {
            fetch(applied.get_untracked(), Some(c));
        }
    };
    let on_export = move |_| {
        let f = applied.get_untracked();
        let text = rows.with_untracked(|r| {
            queues.with_untracked(|q| agents.with_untracked(|a| csv_text(r, q.as_deref(), a.as_deref())))
        });
        download(&format!("calls-{}-{}.csv", f.from, f.to), &text);
    };

    let totals = Memo::new(move |_| rows.with(|r| report::totals(r)));
    // One day's calls show their time only: the caption says the day.
    let one_day = Memo::new(move |_| applied.with(|f| f.from == f.to));
    let caption = move || {
        let f = applied.get();
        let day = |d: &str| day_start(d, 0).map(|d| format::date(d.get_time())).unwrap_or_default();
        if f.from == f.to {
            t_args("report-caption-day", &[("day", &day(&f.from))])
        } else {
            t_args("report-caption", &[("from", &day(&f.from)), ("to", &day(&f.to))])
        }
    };

    view! {
        <div class="page report">
            <div class="page-head">
                <h1 class="page-title" id="report-title" tabindex="-1">{tr("report-title")}</h1>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="report-export"
                    prop:disabled=move || rows.with(Vec::is_empty)
                    on:click=on_export
                >
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
                    </svg>
                    <span>{tr("report-export")}</span>
                </button>
            </div>
            <form class="panel report-filters" data-testid="report-filters" on:submit=on_submit>
                <DayField id="report-from" testid="report-from" label_key="report-from" value=from />
                <DayField id="report-to" testid="report-to" label_key="report-to" value=to />
                <QueueSelect id="report-queue" testid="report-queue-filter" queues=queues value=queue />
                <AgentSelect id="report-agent" testid="report-agent-filter" agents=agents value=agent />
                <button type="submit" class="btn btn-primary" data-testid="report-show">{tr("report-show")}</button>
            </form>
            {move || {
                error.get().map(|k| view! { <p class="alert report-alert" role="alert" data-testid="report-error">{move || t(k)}</p> })
            }}
            <section class="tiles report-totals" aria-label=tr("report-totals") data-testid="report-totals">
                <Total id="offered" label_key="report-total-offered" value=Signal::derive(move || format::int(totals.get().offered, 1)) />
                <Total id="answered" label_key="report-total-answered" value=Signal::derive(move || format::int(totals.get().answered, 1)) />
                <Total id="abandoned" label_key="report-total-abandoned" value=Signal::derive(move || format::int(totals.get().abandoned, 1)) />
                <Total
                    id="avg-wait"
                    label_key="report-total-avg-wait"
                    value=Signal::derive(move || {
                        totals.get().avg_answered_wait_ms.map(|ms| format::duration((ms / 1000.0).round() as u64)).unwrap_or_default()
                    })
                />
                <Total
                    id="avg-score"
                    label_key="report-total-avg-score"
                    value=Signal::derive(move || totals.get().avg_score.map(|s| format::decimal(s, 1)).unwrap_or_default())
                />
            </section>
            <section class="panel panel-flush">
                <div class="table-wrap" role="region" aria-labelledby="report-caption" tabindex="0">
                    <table class="table report-table" data-testid="report-table">
                        <caption id="report-caption" class="report-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr("report-col-start")}</th>
                                <th scope="col">{tr("report-col-direction")}</th>
                                <th scope="col">{tr("report-col-caller")}</th>
                                <th scope="col">{tr("report-col-queue")}</th>
                                <th scope="col">{tr("report-col-wait")}</th>
                                <th scope="col">{tr("report-col-agent")}</th>
                                <th scope="col">{tr("report-col-talk")}</th>
                                <th scope="col">{tr("report-col-hold")}</th>
                                <th scope="col">{tr("report-col-outcome")}</th>
                                <th scope="col">{tr("report-col-disposition")}</th>
                                <th scope="col">{tr("report-col-score")}</th>
                                <th scope="col">{tr("report-col-tickets")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                (rows.with(Vec::is_empty) && !loading.get()).then(|| {
                                    view! {
                                        <tr>
                                            <td colspan="12" class="empty-text" data-testid="report-empty">{tr("report-empty")}</td>
                                        </tr>
                                    }
                                })
                            }}
                            <For
                                each=move || rows.get()
                                key=|r| r.call_id.clone()
                                children=move |r| view! { <ReportRow call=r one_day=one_day queues=queues agents=agents /> }
                            />
                        </tbody>
                    </table>
                </div>
                <TableFoot prefix="report" loading_key="report-loading" shown_key="report-shown" list=list on_more=on_more />
            </section>
        </div>
    }
}

/// One figure of the totals strip.
#[component]
fn Total(id: &'static str, label_key: &'static str, value: Signal<String>) -> impl IntoView {
    view! {
        <div class="tile report-total" data-testid=format!("report-total-{id}")>
            <span class="tile-label">{move || t(label_key)}</span>
            <span class="tile-value">
                {move || {
                    let v = value.get();
                    if v.is_empty() { view! { <NoValue /> }.into_any() } else { view! { <bdi dir="ltr">{v}</bdi> }.into_any() }
                }}
            </span>
        </div>
    }
}

#[component]
fn ReportRow(
    call: Interaction,
    one_day: Memo<bool>,
    queues: LocalResource<Vec<Queue>>,
    agents: LocalResource<Vec<Agent>>,
) -> impl IntoView {
    let started = report::parse_utc_ms(&call.started_at).map(|ms| ms as f64);
    let wait = report::wait(&call);
    let talk = report::talk_ms(&call);
    let answered = call.answered_at.is_some();
    let queue_code = call.queue.clone();
    let queue_name = move || queue_code.as_deref().map(|c| queue_label(queues.get().as_deref(), c));
    let agent_id = call.agent_id;
    let agent_name = move || agent_id.map(|id| agent_label(agents.get().as_deref(), id));
    let disposition = call.disposition;
    let code = call.disposition_code.clone();
    let number = call.caller.clone();
    let name = call.customer_name.clone();
    let tickets = call.tickets.clone();
    let ticket_count = tickets.len();
    let code_attr = code.clone();
    view! {
        <tr data-testid="report-call" data-call-id=call.call_id.clone()>
            <th scope="row" class="report-start" data-testid="report-start">
                <time datetime=call.started_at.clone()>
                    <bdi>
                        {move || {
                            started
                                .map(|ms| if one_day.get() { format::time_short(ms) } else { format::date_time_short(ms) })
                                .unwrap_or_default()
                        }}
                    </bdi>
                </time>
            </th>
            <td data-testid="report-direction" data-initiation=call.initiation.as_str()>{tr(direction_key(call.initiation))}</td>
            <td class="report-caller" data-testid="report-caller">
                {name.map(|n| view! { <span class="report-customer" data-testid="report-customer"><bdi>{n}</bdi></span> })}
                {match number {
                    Some(n) => view! { <bdi class="call-number" dir="ltr" data-testid="report-number">{n}</bdi> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td data-testid="report-queue">
                {move || match queue_name() {
                    Some(q) => view! { <bdi>{q}</bdi> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td
                class="report-wait"
                data-testid="report-wait"
                data-wait-ms=wait.filter(|w| w.end != WaitEnd::Waiting).map(|w| w.ms.to_string())
                data-wait-end=wait.map(|w| w.end.as_str())
            >
                {match wait {
                    Some(w) => {
                        view! {
                            {(w.end != WaitEnd::Waiting)
                                .then(|| view! { <span class="timer" dir="ltr">{move || format::duration(report::secs(w.ms))}</span> })}
                            <span class="report-wait-end" data-end=w.end.as_str()>{tr(w.end.message_key())}</span>
                        }
                            .into_any()
                    }
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td class="report-agent" data-testid="report-agent">
                {move || match agent_name() {
                    Some(a) => view! { <bdi>{a}</bdi> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td data-testid="report-talk">
                {match talk {
                    Some(ms) => view! { <span class="timer" dir="ltr">{move || format::duration(report::secs(ms))}</span> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td data-testid="report-hold">
                {if answered {
                    let ms = call.hold_ms;
                    view! { <span class="timer" dir="ltr">{move || format::duration(report::secs(ms))}</span> }.into_any()
                } else {
                    view! { <NoValue /> }.into_any()
                }}
            </td>
            <td data-testid="report-outcome" data-outcome=disposition.map(|d| d.as_str())>
                <span class="pill report-outcome" data-outcome=disposition.map_or("in_progress", |d| d.as_str())>
                    {tr(outcome_key(disposition))}
                </span>
            </td>
            <td data-testid="report-disposition" data-code=code_attr>
                {match code {
                    Some(c) => view! { <span>{move || t_or(&format!("disposition-{c}"), &c)}</span> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td class="report-score" data-testid="report-score" data-score=call.survey_score.map(|s| s.to_string())>
                {match call.survey_score {
                    Some(s) => view! { <span class="timer" dir="ltr">{move || format::int(s.max(0) as u64, 1)}</span> }.into_any(),
                    None => view! { <NoValue /> }.into_any(),
                }}
            </td>
            <td class="report-tickets-cell" data-testid="report-tickets" data-count=ticket_count>
                {if tickets.is_empty() {
                    view! { <NoValue /> }.into_any()
                } else {
                    view! {
                        <ul class="report-tickets">
                            {tickets.into_iter().map(|tk| view! { <TicketItem ticket=tk /> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn TicketItem(ticket: TicketBrief) -> impl IntoView {
    let due = ticket.due_at.as_deref().and_then(report::parse_utc_ms).map(|ms| ms as f64);
    view! {
        <li class="report-ticket" data-testid="report-ticket" data-ticket-id=ticket.id data-kind=ticket.kind.as_str()>
            <span class="pill ticket-kind">{tr(kind_key(ticket.kind))}</span>
            <bdi class="report-ticket-subject">{ticket.subject}</bdi>
            {due.map(|ms| {
                view! {
                    <span class="report-ticket-due muted">
                        {tr("ticket-due")} " "
                        <time datetime=ticket.due_at.clone().unwrap_or_default()>
                            <bdi>{move || format::date_time_short(ms)}</bdi>
                        </time>
                    </span>
                }
            })}
        </li>
    }
}

/// An empty cell: a dash to see, a word to hear.
#[component]
pub(crate) fn NoValue() -> impl IntoView {
    view! {
        <span class="report-none">
            <span aria-hidden="true">"—"</span>
            <span class="visually-hidden">{tr("report-none")}</span>
        </span>
    }
}

fn direction_key(i: Initiation) -> &'static str {
    match i {
        Initiation::Inbound => "report-dir-inbound",
        Initiation::Outbound => "report-dir-outbound",
        Initiation::Transfer => "report-dir-transfer",
        Initiation::Callback => "report-dir-callback",
        Initiation::Web => "report-dir-web",
        Initiation::Campaign => "report-dir-campaign",
    }
}

pub(crate) fn outcome_key(d: Option<Disposition>) -> &'static str {
    match d {
        None => "report-outcome-in-progress",
        Some(Disposition::Answered) => "report-outcome-answered",
        Some(Disposition::Abandoned) => "report-outcome-abandoned",
        Some(Disposition::IvrHangUp) => "report-outcome-ivr-hang-up",
        Some(Disposition::Voicemail) => "report-outcome-voicemail",
        Some(Disposition::Callback) => "report-outcome-callback",
        Some(Disposition::Overflow) => "report-outcome-overflow",
        Some(Disposition::Failed) => "report-outcome-failed",
        Some(Disposition::Busy) => "report-outcome-busy",
        Some(Disposition::NoAnswer) => "report-outcome-no-answer",
        Some(Disposition::Transferred) => "report-outcome-transferred",
    }
}

fn kind_key(k: TicketKind) -> &'static str {
    match k {
        TicketKind::Request => "ticket-kind-request",
        TicketKind::Complaint => "ticket-kind-complaint",
        TicketKind::Service => "ticket-kind-service",
        TicketKind::Order => "ticket-kind-order",
    }
}

/// A queue's name, else its code.
pub(crate) fn queue_label(queues: Option<&[Queue]>, code: &str) -> String {
    queues.and_then(|l| l.iter().find(|q| q.code == code)).map_or_else(|| code.to_owned(), |q| q.name.clone())
}

/// An agent's name, else their id.
pub(crate) fn agent_label(agents: Option<&[Agent]>, id: i64) -> String {
    agents.and_then(|l| l.iter().find(|a| a.id == id)).map_or_else(|| format!("#{id}"), |a| a.display_name.clone())
}

/// `GET /api/v1/interactions` for the filters; `None` when the period is
/// not a valid one (a day missing, the end before the start).
fn list_path(f: &Filters, cursor: Option<&str>) -> Option<String> {
    if f.to < f.from {
        return None;
    }
    let from = day_start(&f.from, 0)?;
    let to = day_start(&f.to, 1)?;
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut path = format!(
        "/api/v1/interactions?limit={PAGE}&from={}&to={}",
        enc(&String::from(from.to_iso_string())),
        enc(&String::from(to.to_iso_string()))
    );
    if !f.queue.is_empty() {
        path.push_str(&format!("&queue={}", enc(&f.queue)));
    }
    if !f.agent.is_empty() {
        path.push_str(&format!("&agent_id={}", enc(&f.agent)));
    }
    if let Some(c) = cursor {
        path.push_str(&format!("&cursor={}", enc(c)));
    }
    Some(path)
}

/// Today in the browser's time zone, `YYYY-MM-DD`.
pub(crate) fn local_today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

/// Local midnight starting the day `add_days` after `day` (`YYYY-MM-DD`).
pub(crate) fn day_start(day: &str, add_days: i32) -> Option<js_sys::Date> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + add_days);
    (!date.get_time().is_nan()).then_some(date)
}

/// A time as spreadsheets read it, in the browser's time zone:
/// `2023-11-14 22:13:20`.
fn local_stamp(epoch_ms: f64) -> String {
    let d = js_sys::Date::new(&epoch_ms.into());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// The CSV of the rows loaded: the table's columns, with the customer's
/// name and number apart, durations in whole seconds and the call's id.
fn csv_text(rows: &[Interaction], queues: Option<&[Queue]>, agents: Option<&[Agent]>) -> String {
    let header: Vec<String> = [
        "report-col-start",
        "report-col-direction",
        "report-col-caller",
        "report-col-number",
        "report-col-queue",
        "report-csv-wait",
        "report-csv-wait-end",
        "report-col-agent",
        "report-csv-talk",
        "report-csv-hold",
        "report-col-outcome",
        "report-col-disposition",
        "report-col-score",
        "report-col-tickets",
        "report-col-call-id",
    ]
    .into_iter()
    .map(t)
    .collect();
    let stamp = |s: &str| report::parse_utc_ms(s).map(|ms| local_stamp(ms as f64)).unwrap_or_default();
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let wait = report::wait(r);
            let tickets: Vec<String> = r
                .tickets
                .iter()
                .map(|tk| {
                    let mut s = format!("{}: {}", t(kind_key(tk.kind)), tk.subject);
                    if let Some(due) = tk.due_at.as_deref() {
                        s.push_str(&format!(" ({} {})", t("ticket-due"), stamp(due)));
                    }
                    s
                })
                .collect();
            vec![
                stamp(&r.started_at),
                t(direction_key(r.initiation)),
                r.customer_name.clone().or_else(|| r.caller.clone()).unwrap_or_default(),
                r.caller.clone().unwrap_or_default(),
                r.queue.as_deref().map(|c| queue_label(queues, c)).unwrap_or_default(),
                wait.filter(|w| w.end != WaitEnd::Waiting).map(|w| report::secs(w.ms).to_string()).unwrap_or_default(),
                wait.map(|w| t(w.end.message_key())).unwrap_or_default(),
                r.agent_id.map(|id| agent_label(agents, id)).unwrap_or_default(),
                report::talk_ms(r).map(|ms| report::secs(ms).to_string()).unwrap_or_default(),
                if r.answered_at.is_some() { report::secs(r.hold_ms).to_string() } else { String::new() },
                t(outcome_key(r.disposition)),
                r.disposition_code.as_deref().map(|c| t_or(&format!("disposition-{c}"), c)).unwrap_or_default(),
                r.survey_score.map(|s| s.to_string()).unwrap_or_default(),
                tickets.join("; "),
                r.call_id.clone(),
            ]
        })
        .collect();
    report::csv(&header, &lines)
}

/// Hands `text` to the browser as a CSV file download.
fn download(name: &str, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv;charset=utf-8");
    let parts = js_sys::Array::of1(&text.into());
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The download has started by the time this runs.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(10));
}
