//! "My day": the agent's figures for today in the browser's time zone —
//! calls, talk time, average handle time, missed offers and the callers'
//! survey score — from `GET /api/v1/me/dashboard`. Reloads every 30 s and
//! shortly after each of the agent's calls ends (its record is written
//! just after).
//!
//! Test ids: `dashboard` (`data-day`), `dash-calls`, `dash-talk`,
//! `dash-aht`, `dash-missed`, `dash-csat`, `dash-quality` (the last 30
//! days' evaluations; each with `data-value`: the
//! figure as the API gives it, empty when there is none), `dash-surveys`,
//! `dash-error`.

use std::time::Duration;

use js_sys::{Array, Date, Intl, Object, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::me::MyDashboard;
use shared::ws::ServerMsg;
use ui_kit::{WsClient, api, format, lang, t, tr};
use wasm_bindgen::JsValue;

/// How often the figures reload by themselves.
const REFRESH: Duration = Duration::from_secs(30);
/// How long after a call ends its record is asked for again.
const AFTER_CALL: Duration = Duration::from_secs(2);

#[component]
pub fn Dashboard() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let data = RwSignal::new(None::<MyDashboard>);
    let error = RwSignal::new(None::<&'static str>);
    let load = move || {
        spawn_local(async move {
            let zone = browser_time_zone();
            let mut r = match &zone {
                Some(z) => {
                    let path = format!("/api/v1/me/dashboard?tz={}", String::from(js_sys::encode_uri_component(z)));
                    api::get::<MyDashboard>(&path).await
                }
                None => api::get::<MyDashboard>("/api/v1/me/dashboard").await,
            };
            // A zone the gateway does not know: its day in UTC rather than none.
            if zone.is_some() && matches!(&r, Err(api::ApiError::Problem(p)) if p.status == 400) {
                r = api::get::<MyDashboard>("/api/v1/me/dashboard").await;
            }
            match r {
                Ok(d) => {
                    data.try_set(Some(d));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.message_key()));
                }
            }
        })
    };
    load();
    if let Ok(timer) = set_interval_with_handle(load, REFRESH) {
        on_cleanup(move || timer.clear());
    }
    ws.subscribe(move |msg| {
        if let ServerMsg::CallEnded { .. } = msg {
            set_timeout(load, AFTER_CALL);
        }
    });

    let figure = move |f: fn(&MyDashboard) -> Option<f64>| move || data.with(|d| d.as_ref().and_then(f));
    let calls = figure(|d| Some(d.calls as f64));
    let talk = figure(|d| Some(d.talk_ms as f64));
    let aht = figure(|d| d.average_handle_ms.map(|v| v as f64));
    let missed = figure(|d| Some(d.missed_offers as f64));
    let csat = figure(|d| d.survey_average);
    let quality = figure(|d| d.quality_average_pct);
    let surveys = move || data.with(|d| d.as_ref().map(|d| d.surveys)).unwrap_or(0);
    let count = move |v: Option<f64>| v.map(|v| format::int(v as u64, 1));
    let secs = move |v: Option<f64>| v.map(|ms| format::duration((ms / 1000.0).round() as u64));
    let day = move || data.with(|d| d.as_ref().map(|d| d.day.clone()));

    view! {
        <section
            class="panel dash"
            aria-labelledby="dash-title"
            data-testid="dashboard"
            data-day=move || day().unwrap_or_default()
        >
            <div class="panel-head">
                <h2 class="panel-title" id="dash-title">{tr("dash-title")}</h2>
                <span class="muted dash-day">{move || day().map(|d| day_label(&d)).unwrap_or_default()}</span>
            </div>
            <dl class="dash-tiles">
                <Tile label="dash-calls" testid="dash-calls" value=Signal::derive(calls) text=Signal::derive(move || count(calls())) />
                <Tile label="dash-talk" testid="dash-talk" value=Signal::derive(talk) text=Signal::derive(move || secs(talk())) />
                <Tile label="dash-aht" testid="dash-aht" value=Signal::derive(aht) text=Signal::derive(move || secs(aht())) />
                <Tile
                    label="dash-missed"
                    testid="dash-missed"
                    value=Signal::derive(missed)
                    text=Signal::derive(move || count(missed()))
                    warn=Signal::derive(move || missed().is_some_and(|m| m > 0.0))
                />
                <Tile label="dash-csat" testid="dash-csat" value=Signal::derive(csat) text=Signal::derive(move || csat().map(one_decimal))>
                    <span class="dash-sub" data-testid="dash-surveys">
                        {tr("dash-surveys")}
                        " "
                        <span dir="ltr">{move || format::int(surveys().max(0) as u64, 1)}</span>
                    </span>
                </Tile>
                <Tile label="dash-quality" testid="dash-quality" value=Signal::derive(quality) text=Signal::derive(move || quality().map(|p| format!("{} %", format::decimal(p, 1)))) />
            </dl>
            {move || {
                error
                    .get()
                    .map(|key| {
                        view! {
                            <p class="alert alert-sm" role="alert" data-testid="dash-error">
                                {move || t(key)}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// One figure: its name, its value (a dash while there is none).
#[component]
fn Tile(
    label: &'static str,
    testid: &'static str,
    /// The figure as the API gives it, for tests.
    value: Signal<Option<f64>>,
    text: Signal<Option<String>>,
    #[prop(optional)] warn: Option<Signal<bool>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div
            class="dash-tile"
            data-testid=testid
            data-value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
            data-warn=move || warn.map(|w| w.get()).unwrap_or(false).to_string()
        >
            <dt>{tr(label)}</dt>
            <dd>
                <span class="dash-value" dir="ltr">
                    {move || {
                        match text.get() {
                            Some(t) => t.into_any(),
                            None => {
                                view! {
                                    <span aria-hidden="true">"–"</span>
                                    <span class="visually-hidden">{tr("dash-none")}</span>
                                }
                                    .into_any()
                            }
                        }
                    }}
                </span>
                {children.map(|c| c())}
            </dd>
        </div>
    }
}

/// The browser's IANA time zone, e.g. `Asia/Tehran`.
fn browser_time_zone() -> Option<String> {
    let opts = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&opts, &"timeZone".into()).ok()?.as_string().filter(|z| !z.is_empty())
}

/// `YYYY-MM-DD` as the language writes a date; reactive.
fn day_label(day: &str) -> String {
    let mut parts = day.split('-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else {
        return day.to_owned();
    };
    // Noon of that day here: the same date in every time zone's reading.
    let date = Date::new_with_year_month_day_hr_min(y, m as i32 - 1, d as i32, 12, 0);
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string(lang().tag(), &opts).into()
}

/// A number with one decimal, as the language writes it; reactive.
fn one_decimal(v: f64) -> String {
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"minimumFractionDigits".into(), &1.into());
    let _ = Reflect::set(&opts, &"maximumFractionDigits".into(), &1.into());
    let f = Intl::NumberFormat::new(&Array::of1(&lang().tag().into()), &opts);
    f.format()
        .call1(&JsValue::NULL, &JsValue::from_f64(v))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{v:.1}"))
}
