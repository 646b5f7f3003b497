//! Queues and their settings: strategy, ring and wrap-up times, limits and
//! overflow, skills and escalation, announcements, the whisper and its
//! prompt, missed-offer limit, scoring weights, service level, callbacks,
//! survey flow, wallboard thresholds and recording retention. The form
//! works on the queue's JSON as the API gives it, one field per setting
//! (the table below), so that every setting is on screen; a refused value
//! is marked where the gateway's `key` names it.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use ui_kit::{t, tr};

use super::{
    Button, CheckField, Failure, Label, Opt, Outcome, SelectField, TextField, encode, load, parsed, write_json,
};
use super::{dyn_text, dynamic};

/// A queue in `GET /api/v1/queues`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct QueueEntry {
    code: String,
    name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A whole number.
    Int,
    /// A whole number or nothing (left out of the JSON).
    OptInt,
    /// A decimal number.
    Num,
    Bool,
    /// Text or nothing.
    OptText,
    Strategy,
    OverflowTo,
    /// `[{skill, min_level}]` as `skill:level, …`.
    Skills,
    /// Any JSON (escalation steps).
    Json,
    /// A flow's name or nothing.
    Flow,
}

/// Every setting: its path in the JSON, its kind and its label.
const FIELDS: &[(&[&str], Kind, &str)] = &[
    (&["strategy"], Kind::Strategy, "cfg-q-strategy"),
    (&["ring_timeout_secs"], Kind::Int, "cfg-q-ring-timeout"),
    (&["ring_step_secs"], Kind::Int, "cfg-q-ring-step"),
    (&["wrap_up_secs"], Kind::Int, "cfg-q-wrap-up"),
    (&["max_wait_secs"], Kind::OptInt, "cfg-q-max-wait"),
    (&["max_len"], Kind::OptInt, "cfg-q-max-len"),
    (&["leave_when_empty"], Kind::Bool, "cfg-q-leave-when-empty"),
    (&["overflow", "to"], Kind::OverflowTo, "cfg-q-overflow"),
    (&["overflow", "target"], Kind::OptText, "cfg-q-overflow-target"),
    (&["skills"], Kind::Skills, "cfg-q-skills"),
    (&["escalation"], Kind::Json, "cfg-q-escalation"),
    (&["announce_every_secs"], Kind::Int, "cfg-q-announce"),
    (&["whisper"], Kind::OptText, "cfg-q-whisper"),
    (&["whisper_prompt"], Kind::OptText, "cfg-q-whisper-prompt"),
    (&["max_missed"], Kind::Int, "cfg-q-max-missed"),
    (&["weights", "idle"], Kind::Num, "cfg-q-weight-idle"),
    (&["weights", "skill"], Kind::Num, "cfg-q-weight-skill"),
    (&["weights", "talk_time"], Kind::Num, "cfg-q-weight-talk"),
    (&["weights", "calls"], Kind::Num, "cfg-q-weight-calls"),
    (&["service_level_secs"], Kind::Int, "cfg-q-service-level"),
    (&["offer_callback"], Kind::Bool, "cfg-q-offer-callback"),
    (&["survey_flow"], Kind::Flow, "cfg-q-survey-flow"),
    (&["wallboard", "service_level_amber"], Kind::Int, "cfg-q-sl-amber"),
    (&["wallboard", "service_level_red"], Kind::Int, "cfg-q-sl-red"),
    (&["wallboard", "wait_amber_secs"], Kind::OptInt, "cfg-q-wait-amber"),
    (&["wallboard", "wait_red_secs"], Kind::OptInt, "cfg-q-wait-red"),
    (&["wallboard", "abandon_amber"], Kind::Int, "cfg-q-abandon-amber"),
    (&["wallboard", "abandon_red"], Kind::Int, "cfg-q-abandon-red"),
    (&["recording_retention_days"], Kind::OptInt, "cfg-q-retention"),
    (&["supervisors_download_recordings"], Kind::Bool, "cfg-q-supervisors-download"),
];

const STRATEGIES: [&str; 11] = [
    "ring_all",
    "longest_idle",
    "round_robin",
    "top_down",
    "least_talk_time",
    "fewest_calls",
    "random",
    "top_three",
    "random_three",
    "progressive",
    "scored",
];

const OVERFLOWS: [&str; 4] = ["hang_up", "queue", "voicemail", "callback"];

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

/// Sets (or with `None` removes) the value at `path`, making objects on
/// the way.
fn set_at(v: &mut Value, path: &[&str], new: Option<Value>) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut cur = v;
    for k in parents {
        if !cur.get(*k).is_some_and(Value::is_object) {
            cur[*k] = json!({});
        }
        cur = &mut cur[*k];
    }
    if let Some(obj) = cur.as_object_mut() {
        match new {
            Some(n) => {
                obj.insert((*last).to_owned(), n);
            }
            None => {
                obj.remove(*last);
            }
        }
    }
}

/// The text a field shows for its value.
fn text_of(v: Option<&Value>, kind: Kind) -> String {
    match (kind, v) {
        (_, None | Some(Value::Null)) => String::new(),
        (Kind::Skills, Some(Value::Array(list))) => list
            .iter()
            .map(|s| {
                format!(
                    "{}:{}",
                    s.get("skill").and_then(Value::as_str).unwrap_or(""),
                    s.get("min_level").and_then(Value::as_u64).unwrap_or(1)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        (Kind::Json, Some(v)) => v.to_string(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(v)) => v.to_string(),
    }
}

/// The JSON value of a field's text; `Err` with the message key when it
/// cannot be one.
fn value_of(text: &str, kind: Kind) -> Result<Option<Value>, &'static str> {
    let text = text.trim();
    let number = |s: &str| -> Result<Value, &'static str> {
        // Persian and Arabic-Indic digits are digits too.
        let ascii: String = s
            .chars()
            .map(|c| match c {
                '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
                '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
                '٫' => '.',
                c => c,
            })
            .collect();
        ascii.parse::<u64>().map(Value::from).or_else(|_| {
            ascii
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or("cfg-not-a-number")
        })
    };
    match kind {
        Kind::Int | Kind::Num => number(text).map(Some),
        Kind::OptInt => {
            if text.is_empty() {
                Ok(None)
            } else {
                number(text).map(Some)
            }
        }
        Kind::OptText | Kind::Flow => Ok((!text.is_empty()).then(|| Value::from(text))),
        Kind::Strategy | Kind::OverflowTo => Ok(Some(Value::from(text))),
        Kind::Bool => Ok(Some(Value::from(text == "true"))),
        Kind::Skills => text
            .split([',', '،'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let (name, level) = s.split_once(':').unwrap_or((s, "1"));
                let level = number(level.trim())?;
                Ok(json!({ "skill": name.trim(), "min_level": level }))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|l| Some(Value::from(l))),
        Kind::Json => {
            if text.is_empty() {
                Ok(Some(json!([])))
            } else {
                serde_json::from_str(text).map(Some).map_err(|_| "cfg-not-json")
            }
        }
    }
}

fn key_of(path: &[&str]) -> String {
    path.join(".")
}

/// The queue pick list: one toggle button per name.
#[component]
pub fn Picker(
    #[prop(into)] items: Signal<Vec<(String, String)>>,
    chosen: RwSignal<Option<String>>,
    prefix: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="cfg-pick" role="list" data-testid=testid>
            {dynamic(move || IntoAny::into_any({
                items
                    .get()
                    .into_iter()
                    .map(|(key, text)| {
                        let k = key.clone();
                        let pressed = move || if chosen.get().as_deref() == Some(k.as_str()) { "true" } else { "false" };
                        let testid = format!("{prefix}{key}");
                        view! {
                            <button type="button" role="listitem" class="btn btn-secondary btn-sm btn-toggle"
                                data-testid=testid aria-pressed=pressed on:click=move |_| chosen.set(Some(key.clone()))>
                                <bdi>{text}</bdi>
                            </button>
                        }
                    })
                    .collect_view()
                    .into_any()
            }))}
        </div>
    }
}

/// The names in a [`load`]ed list of IVR flows.
pub fn flow_names(text: RwSignal<Option<Result<String, Failure>>>) -> Vec<String> {
    parsed::<Vec<Value>>(text)
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

#[component]
pub fn QueuesSettings(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let queues = load("/api/v1/queues".into(), Some(reload));
    let flows_text = load("/api/v1/ivr_flows".into(), None);
    let flows = Signal::derive(move || flow_names(flows_text));
    let chosen = RwSignal::new(None::<String>);
    let new_code = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let create = Callback::new(move |_| {
        let code = new_code.get_untracked().trim().to_owned();
        saved.set(false);
        leptos::task::spawn_local(async move {
            match write_json("POST", "/api/v1/queues", &json!({ "name": code })).await {
                Ok(_) => {
                    failure.set(None);
                    new_code.set(String::new());
                    chosen.set(Some(code));
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    let items = Signal::derive(move || {
        let list = parsed::<Vec<QueueEntry>>(queues).and_then(Result::ok).unwrap_or_default();
        list.into_iter()
            .map(|q| {
                let text = if q.name == q.code { q.name } else { format!("{} ({})", q.name, q.code) };
                (q.code, text)
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section class="panel cfg-panel">
            <h2 class="panel-title">{tr("cfg-sec-queues")}</h2>
            <Picker items=items chosen=chosen prefix="cfg-queue-" testid="cfg-queue-list" />
            {admin.then(|| view! {
                <div class="cfg-inline">
                    <TextField id="cfg-new-queue".into() label=Label::Key("cfg-new-queue") value=new_code ltr=true />
                    <Button label="cfg-create" testid="cfg-new-queue-create" on_click=create />
                </div>
            })}
            <Outcome failure=failure saved=saved testid="cfg-queues-result" />
        </section>
        {dynamic(move || IntoAny::into_any(chosen.get().map(|code| view! { <QueueForm code=code admin=admin flows=flows reload=reload chosen=chosen /> }.into_any())))}
    }
}

/// The chosen queue's settings, read afresh when it is chosen.
#[component]
fn QueueForm(
    code: String,
    admin: bool,
    flows: Signal<Vec<String>>,
    reload: RwSignal<u32>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let config = load(format!("/api/v1/queues/{}", encode(&code)), None);
    dynamic(move || match parsed::<Value>(config) {
        None => view! { <p class="muted">{tr("loading")}</p> }.into_any(),
        Some(Err(f)) => view! { <p class="alert" role="alert">{dyn_text(move || f.text())}</p> }.into_any(),
        Some(Ok(config)) => {
            let code = code.clone();
            view! { <QueueFields code=code config=config admin=admin flows=flows reload=reload chosen=chosen /> }
                .into_any()
        }
    })
}

#[component]
fn QueueFields(
    code: String,
    config: Value,
    admin: bool,
    flows: Signal<Vec<String>>,
    reload: RwSignal<u32>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    // Each field's text (and switch), edited freely and read back on save.
    let texts: Vec<RwSignal<String>> =
        FIELDS.iter().map(|(path, kind, _)| RwSignal::new(text_of(at(&config, path), *kind))).collect();
    let checks: Vec<RwSignal<bool>> = FIELDS
        .iter()
        .map(|(path, _, _)| RwSignal::new(at(&config, path).and_then(Value::as_bool) == Some(true)))
        .collect();
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let base = StoredValue::new(config);
    let path = format!("/api/v1/queues/{}", encode(&code));
    let (t2, c2, p2) = (texts.clone(), checks.clone(), path.clone());
    let save = Callback::new(move |_| {
        saved.set(false);
        let mut body = base.get_value();
        for (i, (path, kind, label)) in FIELDS.iter().enumerate() {
            let text = if *kind == Kind::Bool { c2[i].get_untracked().to_string() } else { t2[i].get_untracked() };
            match value_of(&text, *kind) {
                Ok(v) => set_at(&mut body, path, v),
                Err(why) => {
                    failure.set(Some(Failure {
                        key: why,
                        detail: Some(t(label)),
                        field: Some(key_of(path)),
                        node: None,
                    }));
                    return;
                }
            }
        }
        // Hang-up and callback carry no target.
        if matches!(at(&body, &["overflow", "to"]).and_then(Value::as_str), Some("hang_up" | "callback")) {
            set_at(&mut body, &["overflow", "target"], None);
        }
        let path = p2.clone();
        leptos::task::spawn_local(async move {
            match write_json("PUT", &path, &body).await {
                Ok(text) => {
                    if let Ok(v) = serde_json::from_str::<Value>(&text) {
                        base.set_value(v);
                    }
                    failure.set(None);
                    saved.set(true);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    let delete = Callback::new(move |_| {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match super::write("DELETE", &path, None).await {
                Ok(_) => {
                    chosen.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    let flow_opts = Signal::derive(move || {
        std::iter::once(Opt::key("", "cfg-none"))
            .chain(flows.get().into_iter().map(|f| Opt::plain(f.clone(), f)))
            .collect::<Vec<_>>()
    });
    let fields = FIELDS
        .iter()
        .enumerate()
        .map(|(i, (path, kind, label))| {
            let key = key_of(path);
            let id = format!("cfg-q-{}", key.replace('.', "-"));
            let invalid = Signal::derive(move || {
                failure.with(|f| {
                    f.as_ref().and_then(|f| f.field.as_deref()).is_some_and(|k| k == key || k.starts_with(&format!("{key}[")))
                })
            });
            let label = Label::Key(label);
            let readonly = !admin;
            match kind {
                Kind::Bool => view! { <CheckField id=id label=label value=checks[i] readonly=readonly /> }.into_any(),
                Kind::Strategy | Kind::OverflowTo => {
                    let (list, prefix): (&[&str], &str) =
                        if *kind == Kind::Strategy { (&STRATEGIES, "cfg-strategy-") } else { (&OVERFLOWS, "cfg-overflow-") };
                    let opts: Vec<Opt> =
                        list.iter().map(|o| Opt::key(*o, format!("{prefix}{}", o.replace('_', "-")))).collect();
                    view! { <SelectField id=id label=label value=texts[i] options=opts readonly=readonly invalid=invalid /> }.into_any()
                }
                Kind::Flow => view! { <SelectField id=id label=label value=texts[i] options=flow_opts readonly=readonly invalid=invalid /> }.into_any(),
                Kind::Json => view! { <TextField id=id label=label value=texts[i] readonly=readonly ltr=true rows=2 invalid=invalid /> }.into_any(),
                _ => view! { <TextField id=id label=label value=texts[i] readonly=readonly ltr=true invalid=invalid /> }.into_any(),
            }
        })
        .collect_view();
    let title = code.clone();
    view! {
        <div class="panel cfg-panel cfg-form" data-testid="cfg-queue-form">
            <h2 class="panel-title">{dyn_text(move || ui_kit::t_args("cfg-queue-settings", &[("name", &title)]))}</h2>
            <div class="cfg-fields cfg-fields-wide">{fields}</div>
            <p class="hint">{tr("cfg-q-hint")}</p>
            {admin.then(|| view! {
                <div class="actions cfg-actions">
                    <Button label="cfg-save" testid="cfg-queue-save" class="btn-primary" on_click=save />
                    <Button label="cfg-delete" testid="cfg-queue-delete" class="btn-danger" on_click=delete />
                </div>
            })}
            <Outcome failure=failure saved=saved testid="cfg-queue-result" />
        </div>
    }
}
