//! The reports page (`#/reports`): a period of days in the center's time
//! zone, grouped by queue, agent, hour or day, narrowed to a queue or an
//! agent; the period's totals, a bar chart drawn as accessible SVG (the
//! same numbers are in the table), the table with a total line, answered
//! calls by waiting time, and the CSV export (the API's own CSV). The
//! figures' definitions are `shared::reports`'s; the page states the
//! service level and occupancy rules.
//!
//! Test ids: `rp-filters`, `rp-group`, `rp-from`, `rp-to`, `rp-show`,
//! `rp-export`, `rp-chart`, `rp-table`, `rp-row` (`data-key`), cells
//! `rp-{figure}` with `data-value`, `rp-total`, `rp-tz`, `rp-error`.

use leptos::prelude::*;
use shared::reports::{Figures, GroupBy, Report, ReportRow};
use ui_kit::{format, t, t_args, t_or, tr};
use web_sys::js_sys;

use crate::calls_report::{NoValue, local_today};
use crate::filters::{AgentSelect, DayField, QueueSelect, directory};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Filters {
    group: GroupBy,
    from: String,
    to: String,
    queue: String,
    agent: String,
}

/// The API path of a report, `csv` for the file.
fn path(f: &Filters, csv: bool) -> String {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut p = format!("/api/v1/reports/{}?from={}&to={}", f.group.as_str(), enc(&f.from), enc(&f.to));
    if !f.queue.is_empty() {
        p.push_str(&format!("&queue={}", enc(&f.queue)));
    }
    if !f.agent.is_empty() {
        p.push_str(&format!("&agent={}", enc(&f.agent)));
    }
    if csv {
        p.push_str("&format=csv");
    }
    p
}

fn group_key(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Queues => "rp-by-queue",
        GroupBy::Agents => "rp-by-agent",
        GroupBy::Hours => "rp-by-hour",
        GroupBy::Days => "rp-by-day",
    }
}

fn secs(ms: Option<u64>) -> Option<String> {
    ms.map(|ms| format::duration((ms + 500) / 1000))
}

fn pct(p: Option<f64>) -> Option<String> {
    p.map(|p| format!("{} %", format::decimal(p, 1)))
}

fn count(n: u32) -> Option<String> {
    Some(format::int(u64::from(n), 1))
}

/// One column: its message key, its test id, whether agent rows show it,
/// whether traffic rows show it, and the cell's text from the figures.
struct Col {
    key: &'static str,
    id: &'static str,
    traffic: bool,
    agents: bool,
    text: fn(&Figures) -> Option<String>,
    value: fn(&Figures) -> Option<f64>,
}

const COLS: &[Col] = &[
    Col {
        key: "rp-offered",
        id: "offered",
        traffic: true,
        agents: false,
        text: |f| count(f.offered),
        value: |f| Some(f64::from(f.offered)),
    },
    Col {
        key: "rp-answered",
        id: "answered",
        traffic: true,
        agents: false,
        text: |f| count(f.answered),
        value: |f| Some(f64::from(f.answered)),
    },
    Col {
        key: "rp-abandoned",
        id: "abandoned",
        traffic: true,
        agents: false,
        text: |f| count(f.abandoned),
        value: |f| Some(f64::from(f.abandoned)),
    },
    Col {
        key: "rp-abandon-wait",
        id: "abandon-wait",
        traffic: true,
        agents: false,
        text: |f| secs(f.abandon_wait_avg_ms),
        value: |f| f.abandon_wait_avg_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-sl",
        id: "sl",
        traffic: true,
        agents: false,
        text: |f| pct(f.service_level_pct),
        value: |f| f.service_level_pct,
    },
    Col {
        key: "rp-breaches",
        id: "breaches",
        traffic: true,
        agents: false,
        text: |f| count(f.sl_breaches),
        value: |f| Some(f64::from(f.sl_breaches)),
    },
    Col {
        key: "rp-asa",
        id: "asa",
        traffic: true,
        agents: false,
        text: |f| secs(f.asa_ms),
        value: |f| f.asa_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-handled",
        id: "handled",
        traffic: true,
        agents: true,
        text: |f| count(f.handled),
        value: |f| Some(f64::from(f.handled)),
    },
    Col {
        key: "rp-transferred",
        id: "transferred",
        traffic: true,
        agents: true,
        text: |f| count(f.transferred),
        value: |f| Some(f64::from(f.transferred)),
    },
    Col {
        key: "rp-missed",
        id: "missed",
        traffic: false,
        agents: true,
        text: |f| count(f.missed_offers),
        value: |f| Some(f64::from(f.missed_offers)),
    },
    Col {
        key: "rp-talk",
        id: "talk",
        traffic: true,
        agents: true,
        text: |f| secs(f.avg_talk_ms),
        value: |f| f.avg_talk_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-hold",
        id: "hold",
        traffic: true,
        agents: true,
        text: |f| secs(f.avg_hold_ms),
        value: |f| f.avg_hold_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-wrap",
        id: "wrap",
        traffic: true,
        agents: true,
        text: |f| secs(f.avg_wrap_up_ms),
        value: |f| f.avg_wrap_up_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-aht",
        id: "aht",
        traffic: true,
        agents: true,
        text: |f| secs(f.aht_ms),
        value: |f| f.aht_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-logins",
        id: "logins",
        traffic: false,
        agents: true,
        text: |f| count(f.logins),
        value: |f| Some(f64::from(f.logins)),
    },
    Col {
        key: "rp-logged-in",
        id: "logged-in",
        traffic: false,
        agents: true,
        text: |f| secs(Some(f.logged_in_ms)),
        value: |f| Some(f.logged_in_ms as f64),
    },
    Col {
        key: "rp-not-ready",
        id: "not-ready",
        traffic: false,
        agents: true,
        text: |f| not_ready(f),
        value: |f| Some(f.not_ready_ms as f64),
    },
    Col {
        key: "rp-occupancy",
        id: "occupancy",
        traffic: false,
        agents: true,
        text: |f| pct(f.occupancy_pct),
        value: |f| f.occupancy_pct,
    },
    Col {
        key: "rp-callbacks",
        id: "callbacks",
        traffic: true,
        agents: true,
        text: |f| {
            Some(format!(
                "{} / {}",
                format::int(u64::from(f.callbacks_completed), 1),
                format::int(u64::from(f.callbacks_requested), 1)
            ))
        },
        value: |f| Some(f64::from(f.callbacks_completed)),
    },
    Col {
        key: "rp-callback-time",
        id: "callback-time",
        traffic: true,
        agents: true,
        text: |f| secs(f.callback_time_avg_ms),
        value: |f| f.callback_time_avg_ms.map(|v| v as f64),
    },
    Col {
        key: "rp-voicemails",
        id: "voicemails",
        traffic: true,
        agents: true,
        text: |f| count(f.voicemails),
        value: |f| Some(f64::from(f.voicemails)),
    },
    Col {
        key: "rp-survey",
        id: "survey",
        traffic: true,
        agents: true,
        text: |f| f.survey_avg.map(|s| format::decimal(s, 1)),
        value: |f| f.survey_avg,
    },
    Col {
        key: "rp-quality",
        id: "quality",
        traffic: true,
        agents: true,
        text: |f| pct(f.quality_avg_pct),
        value: |f| f.quality_avg_pct,
    },
    Col {
        key: "rp-dispositions",
        id: "dispositions",
        traffic: true,
        agents: true,
        text: dispositions,
        value: |f| Some(f64::from(f.dispositions.iter().map(|c| c.count).sum::<u32>())),
    },
];

/// Not-ready time, with its reasons.
fn not_ready(f: &Figures) -> Option<String> {
    let total = secs(Some(f.not_ready_ms))?;
    if f.not_ready_by_reason.is_empty() {
        return Some(total);
    }
    let parts: Vec<String> = f
        .not_ready_by_reason
        .iter()
        .map(|r| {
            let name =
                if r.reason.is_empty() { t("rp-no-reason") } else { t_or(&format!("reason-{}", r.reason), &r.reason) };
            format!("{name} {}", format::duration((r.ms + 500) / 1000))
        })
        .collect();
    Some(format!("{total} ({})", parts.join(", ")))
}

fn dispositions(f: &Figures) -> Option<String> {
    (!f.dispositions.is_empty()).then(|| {
        f.dispositions
            .iter()
            .take(3)
            .map(|c| {
                format!("{} {}", t_or(&format!("disposition-{}", c.code), &c.code), format::int(u64::from(c.count), 1))
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

fn shown(group: GroupBy, c: &Col) -> bool {
    if group == GroupBy::Agents { c.agents } else { c.traffic || group != GroupBy::Queues && c.agents }
}

#[component]
pub fn Reports() -> impl IntoView {
    let today = local_today();
    let group = RwSignal::new(GroupBy::Queues);
    let from = RwSignal::new(today.clone());
    let to = RwSignal::new(today);
    let queue = RwSignal::new(String::new());
    let agent = RwSignal::new(String::new());
    let report = RwSignal::new(None::<Report>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let applied = RwSignal::new(None::<Filters>);
    let (queues, agents) = directory();

    let load = move || {
        let f = Filters {
            group: group.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            queue: queue.get_untracked(),
            agent: agent.get_untracked(),
        };
        if f.to < f.from {
            error.set(Some("report-error-period"));
            return;
        }
        error.set(None);
        loading.set(true);
        let p = path(&f, false);
        applied.set(Some(f));
        leptos::task::spawn_local(async move {
            let r = ui_kit::api::get::<Report>(&p).await;
            loading.set(false);
            match r {
                Ok(r) => report.set(Some(r)),
                Err(e) => error.set(Some(e.message_key())),
            }
        });
    };
    load();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    let csv_href = move || applied.get().map(|f| path(&f, true)).unwrap_or_default();
    let csv_name = move || {
        applied.get().map(|f| format!("report-{}-{}-{}.csv", f.group.as_str(), f.from, f.to)).unwrap_or_default()
    };
    let total = move |pick: fn(&Figures) -> Option<String>| {
        move || report.with(|r| r.as_ref().and_then(|r| pick(&r.total))).unwrap_or_default()
    };

    view! {
        <div class="page report rp">
            <div class="page-head">
                <h1 class="page-title" id="rp-title" tabindex="-1">{tr("rp-title")}</h1>
                <a
                    class="btn btn-secondary"
                    data-testid="rp-export"
                    href=csv_href
                    download=csv_name
                    aria-disabled=move || report.with(Option::is_none).to_string()
                >
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
                    </svg>
                    <span>{tr("report-export")}</span>
                </a>
            </div>
            <form class="panel report-filters" data-testid="rp-filters" on:submit=on_submit>
                <div class="field">
                    <label for="rp-group">{tr("rp-group")}</label>
                    <select
                        id="rp-group"
                        data-testid="rp-group"
                        on:change=move |ev| {
                            if let Some(g) = GroupBy::parse(&event_target_value(&ev)) {
                                group.set(g);
                            }
                        }
                    >
                        {GroupBy::ALL
                            .into_iter()
                            .map(|g| view! { <option value=g.as_str() selected=move || group.get() == g>{tr(group_key(g))}</option> })
                            .collect_view()}
                    </select>
                </div>
                <DayField id="rp-from" testid="rp-from" label_key="report-from" value=from />
                <DayField id="rp-to" testid="rp-to" label_key="report-to" value=to />
                <QueueSelect id="rp-queue" testid="rp-queue" queues=queues value=queue />
                <AgentSelect id="rp-agent" testid="rp-agent" agents=agents value=agent />
                <button type="submit" class="btn btn-primary" data-testid="rp-show">{tr("report-show")}</button>
            </form>
            {move || error.get().map(|k| view! { <p class="alert report-alert" role="alert" data-testid="rp-error">{move || t(k)}</p> })}
            <p class="muted rp-rules" data-testid="rp-tz">
                {move || report.with(|r| r.as_ref().map(|r| t_args("rp-tz", &[("tz", &r.time_zone)])))}
                " "
                {tr("rp-rules")}
            </p>
            <section class="tiles report-totals" aria-label=tr("rp-totals") data-testid="rp-totals">
                <Tile label="rp-offered" id="offered" text=Signal::derive(total(|f| count(f.offered))) />
                <Tile label="rp-answered" id="answered" text=Signal::derive(total(|f| count(f.answered))) />
                <Tile label="rp-abandoned" id="abandoned" text=Signal::derive(total(|f| count(f.abandoned))) />
                <Tile label="rp-sl" id="sl" text=Signal::derive(total(|f| pct(f.service_level_pct))) />
                <Tile label="rp-asa" id="asa" text=Signal::derive(total(|f| secs(f.asa_ms))) />
                <Tile label="rp-aht" id="aht" text=Signal::derive(total(|f| secs(f.aht_ms))) />
                <Tile label="rp-occupancy" id="occupancy" text=Signal::derive(total(|f| pct(f.occupancy_pct))) />
                <Tile label="rp-quality" id="quality" text=Signal::derive(total(|f| pct(f.quality_avg_pct))) />
            </section>
            {move || report.get().map(|r| view! { <Chart report=r /> })}
            <section class="panel panel-flush">
                <div class="table-wrap" role="region" aria-labelledby="rp-caption" tabindex="0">
                    <table class="table report-table" data-testid="rp-table" aria-busy=move || loading.get().to_string()>
                        <caption id="rp-caption" class="report-caption">
                            {move || report.with(|r| r.as_ref().map(|r| t_args("rp-caption", &[("group", &t(group_key(r.group_by)))])))}
                        </caption>
                        {move || report.get().map(|r| view! { <Table report=r /> })}
                    </table>
                </div>
            </section>
            {move || report.get().filter(|r| r.group_by != GroupBy::Agents).map(|r| view! { <Waits report=r /> })}
        </div>
    }
}

#[component]
fn Tile(label: &'static str, id: &'static str, text: Signal<String>) -> impl IntoView {
    view! {
        <div class="tile report-total" data-testid=format!("rp-total-{id}")>
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

fn cells(group: GroupBy, f: &Figures) -> impl IntoView + use<> {
    COLS.iter()
        .filter(|c| shown(group, c))
        .map(|c| {
            let text = (c.text)(f);
            let value = (c.value)(f).map(|v| v.to_string());
            view! {
                <td data-testid=format!("rp-{}", c.id) data-value=value>
                    {match text {
                        Some(s) => view! { <bdi>{s}</bdi> }.into_any(),
                        None => view! { <NoValue /> }.into_any(),
                    }}
                </td>
            }
        })
        .collect_view()
}

#[component]
fn Table(report: Report) -> impl IntoView {
    let group = report.group_by;
    let head =
        COLS.iter().filter(|c| shown(group, c)).map(|c| view! { <th scope="col">{tr(c.key)}</th> }).collect_view();
    let rows = report
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr data-testid="rp-row" data-key=r.key.clone()>
                    <th scope="row"><bdi>{label(group, r)}</bdi></th>
                    {cells(group, &r.figures)}
                </tr>
            }
        })
        .collect_view();
    let empty = report.rows.is_empty().then(|| {
        view! { <tr><td colspan="30" class="empty-text" data-testid="rp-empty">{tr("rp-empty")}</td></tr> }
    });
    view! {
        <thead>
            <tr>
                <th scope="col">{tr(group_key(group))}</th>
                {head}
            </tr>
        </thead>
        <tbody>{rows}{empty}</tbody>
        <tfoot>
            <tr data-testid="rp-total">
                <th scope="row">{tr("rp-total")}</th>
                {cells(group, &report.total)}
            </tr>
        </tfoot>
    }
}

/// A row's name as the reader knows it: a queue's or agent's name, a day,
/// an hour.
fn label(group: GroupBy, r: &ReportRow) -> String {
    match group {
        GroupBy::Days => day_label(&r.label),
        _ => r.label.clone(),
    }
}

fn day_label(day: &str) -> String {
    crate::calls_report::day_start(day, 0).map(|d| format::date(d.get_time())).unwrap_or_else(|| day.to_owned())
}

/// Answered calls by waiting time: one row per report row.
#[component]
fn Waits(report: Report) -> impl IntoView {
    let limits = report.wait_buckets_secs.clone();
    let mut heads: Vec<String> =
        limits.iter().map(|s| t_args("rp-wait-le", &[("secs", &format::int(u64::from(*s), 1))])).collect();
    let last = limits.last().copied().unwrap_or(0);
    heads.push(t_args("rp-wait-gt", &[("secs", &format::int(u64::from(last), 1))]));
    let group = report.group_by;
    view! {
        <section class="panel panel-flush">
            <div class="table-wrap" role="region" aria-labelledby="rp-waits-caption" tabindex="0">
                <table class="table report-table" data-testid="rp-waits">
                    <caption id="rp-waits-caption" class="report-caption">{tr("rp-waits")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr(group_key(group))}</th>
                            {heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {report
                            .rows
                            .iter()
                            .map(|r| {
                                view! {
                                    <tr>
                                        <th scope="row"><bdi>{label(group, r)}</bdi></th>
                                        {r.figures.answered_by_wait.iter().map(|n| view! { <td>{format::int(u64::from(*n), 1)}</td> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A bar chart of the rows: answered, abandoned and other calls stacked
/// (agents: calls handled). An image with a title and a description for
/// screen readers; the numbers are in the table below.
#[component]
fn Chart(report: Report) -> impl IntoView {
    let agents = report.group_by == GroupBy::Agents;
    let bars: Vec<(String, [u32; 3])> = report
        .rows
        .iter()
        .map(|r| {
            let f = &r.figures;
            let parts = if agents { [f.handled, 0, 0] } else { [f.answered, f.abandoned, f.other] };
            (label(report.group_by, r), parts)
        })
        .collect();
    let max = bars.iter().map(|(_, p)| p.iter().sum::<u32>()).max().unwrap_or(0).max(1);
    let n = bars.len().max(1) as f64;
    let (w, h, top, bottom, left) = (720.0, 220.0, 12.0, 40.0, 36.0);
    let plot = h - top - bottom;
    let slot = (w - left - 8.0) / n;
    let bar = (slot * 0.6).clamp(4.0, 48.0);
    let series = if agents { &["rp-handled"][..] } else { &["rp-answered", "rp-abandoned", "rp-other"][..] };
    let title = t_args("rp-chart-title", &[("group", &t(group_key(report.group_by)))]);
    let desc = bars
        .iter()
        .map(|(l, p)| {
            let parts: Vec<String> =
                series.iter().zip(p).map(|(k, v)| format!("{} {}", t(k), format::int(u64::from(*v), 1))).collect();
            format!("{l}: {}", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let step = (bars.len() / 12).max(1);
    view! {
        <section class="panel rp-chart-panel">
            <svg
                class="rp-chart"
                data-testid="rp-chart"
                role="img"
                aria-labelledby="rp-chart-title rp-chart-desc"
                viewBox=format!("0 0 {w} {h}")
                preserveAspectRatio="xMidYMid meet"
                dir="ltr"
            >
                <title id="rp-chart-title">{title}</title>
                <desc id="rp-chart-desc">{desc}</desc>
                <line class="rp-axis" x1=left y1=h - bottom x2=w - 4.0 y2=h - bottom />
                <text class="rp-tick" x=left - 4.0 y=top + 4.0 text-anchor="end">{format::int(u64::from(max), 1)}</text>
                <text class="rp-tick" x=left - 4.0 y=h - bottom text-anchor="end">"0"</text>
                {bars
                    .iter()
                    .enumerate()
                    .map(|(i, (l, parts))| {
                        let x = left + slot * i as f64 + (slot - bar) / 2.0;
                        let mut y = h - bottom;
                        let rects = parts
                            .iter()
                            .enumerate()
                            .filter(|(_, v)| **v > 0)
                            .map(|(k, v)| {
                                let len = plot * f64::from(*v) / f64::from(max);
                                y -= len;
                                view! { <rect class=format!("rp-bar rp-bar-{k}") x=x y=y width=bar height=len /> }
                            })
                            .collect_view();
                        let tick = (i % step == 0).then(|| {
                            let short: String = l.chars().take(14).collect();
                            view! { <text class="rp-tick" x=x + bar / 2.0 y=h - bottom + 16.0 text-anchor="middle">{short}</text> }
                        });
                        view! { <g>{rects}{tick}</g> }
                    })
                    .collect_view()}
            </svg>
            <ul class="rp-legend" aria-hidden="true">
                {series
                    .iter()
                    .enumerate()
                    .map(|(k, key)| view! { <li><span class=format!("rp-swatch rp-bar-{k}")></span>{tr(key)}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
