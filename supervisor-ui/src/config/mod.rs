//! Settings: the administrators' configuration screens, in sections kept
//! in the address (`#/settings/agents`, `…/queues`, `…/flows`, `…/numbers`,
//! `…/codes`, `…/prompts`, `…/trunks`). Supervisors see every section
//! read-only (the API lets them read, not write) with a notice saying so;
//! accounts are for administrators alone. Every change goes through the
//! REST API, which audits it and hands routing changes to call control at
//! once (no restart).
//!
//! - [`agents`]: accounts (create, edit, disable, delete, new password) and
//!   each agent's routing profile (skills and queues).
//! - [`queues`]: every queue setting, thresholds and retention included.
//! - [`flows`]: the IVR flows' structured editor, JSON import and export.
//! - [`numbers`]: dialed numbers and `web:` entries → flows.
//! - [`codes`]: disposition and reason codes. [`prompts`]: voice prompts.

mod agents;
mod codes;
mod flows;
mod numbers;
mod prompts;
mod queues;

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shared::Role;
use ui_kit::api::ApiError;
use ui_kit::{Session, t, t_args, tr};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Agents,
    Queues,
    Flows,
    Numbers,
    Codes,
    Prompts,
    Trunks,
}

impl Section {
    const ALL: [Section; 7] = [
        Section::Agents,
        Section::Queues,
        Section::Flows,
        Section::Numbers,
        Section::Codes,
        Section::Prompts,
        Section::Trunks,
    ];

    fn slug(self) -> &'static str {
        match self {
            Section::Agents => "agents",
            Section::Queues => "queues",
            Section::Flows => "flows",
            Section::Numbers => "numbers",
            Section::Codes => "codes",
            Section::Prompts => "prompts",
            Section::Trunks => "trunks",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::Agents => "cfg-sec-agents",
            Section::Queues => "cfg-sec-queues",
            Section::Flows => "cfg-sec-flows",
            Section::Numbers => "cfg-sec-numbers",
            Section::Codes => "cfg-sec-codes",
            Section::Prompts => "cfg-sec-prompts",
            Section::Trunks => "cfg-sec-trunks",
        }
    }

    fn of_hash(hash: &str) -> Section {
        let slug = hash.strip_prefix("#/settings/").unwrap_or("");
        Section::ALL.into_iter().find(|s| s.slug() == slug).unwrap_or(Section::Agents)
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Whether the signed-in user may change settings.
fn is_admin() -> bool {
    Session::expect().user().is_some_and(|u| u.role == Role::Admin)
}

#[component]
pub fn Settings() -> impl IntoView {
    let section = RwSignal::new(Section::of_hash(&current_hash()));
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = current_hash();
        if hash.starts_with("#/settings") {
            section.set(Section::of_hash(&hash));
        }
    });
    on_cleanup(move || listener.remove());
    let admin = is_admin();
    view! {
        <div class="page settings" data-testid="settings">
            <div class="page-head">
                <h1 class="page-title" id="cfg-title" tabindex="-1">{tr("cfg-title")}</h1>
            </div>
            {(!admin).then(|| view! { <p class="notice" role="status" data-testid="cfg-read-only">{tr("cfg-read-only")}</p> })}
            <nav class="tabs cfg-nav" aria-label=tr("cfg-nav-label")>
                {Section::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <a
                                class="tab"
                                href=format!("#/settings/{}", s.slug())
                                data-testid=format!("cfg-tab-{}", s.slug())
                                aria-current=move || (section.get() == s).then_some("page")
                            >
                                {tr(s.label())}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            {move || match section.get() {
                Section::Agents => view! { <agents::AgentsSettings admin=admin /> }.into_any(),
                Section::Queues => view! { <queues::QueuesSettings admin=admin /> }.into_any(),
                Section::Flows => view! { <flows::FlowsSettings admin=admin /> }.into_any(),
                Section::Numbers => view! { <numbers::NumbersSettings admin=admin /> }.into_any(),
                Section::Codes => view! { <codes::CodesSettings admin=admin /> }.into_any(),
                Section::Prompts => view! { <prompts::PromptsSettings admin=admin /> }.into_any(),
                Section::Trunks => view! { <Trunks /> }.into_any(),
            }}
        </div>
    }
}

/// Trunks live in the gateway's TOML file and change only with a restart;
/// the screen says so rather than offering a form that could not apply.
#[component]
fn Trunks() -> impl IntoView {
    view! {
        <section class="panel cfg-panel" data-testid="cfg-trunks">
            <h2 class="panel-title">{tr("cfg-sec-trunks")}</h2>
            <p>{tr("cfg-trunks-text")}</p>
            <p class="muted">{tr("cfg-trunks-restart")}</p>
        </section>
    }
}

/// Why a request failed, shown in the language of the moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The message key.
    pub key: &'static str,
    /// The gateway's own words (which value, why), when it gave them.
    pub detail: Option<String>,
    /// The field a 422 names (`key` member), or the node (`node` member).
    pub field: Option<String>,
    pub node: Option<String>,
}

impl Failure {
    fn of(status: u16, text: &str) -> Failure {
        let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let key = match (status, s("code").as_deref()) {
            (401, _) => "cfg-session-ended",
            (403, _) => "cfg-not-allowed",
            (404, _) => "cfg-not-found",
            (409, _) => "cfg-conflict",
            (400 | 422, _) => "cfg-invalid",
            _ => "error-generic",
        };
        Failure { key, detail: s("detail"), field: s("key"), node: s("node") }
    }

    fn network() -> Failure {
        Failure { key: "error-network", detail: None, field: None, node: None }
    }

    pub fn local(key: &'static str, detail: impl Into<String>) -> Failure {
        Failure { key, detail: Some(detail.into()), field: None, node: None }
    }

    /// The message; reactive.
    pub fn text(&self) -> String {
        match &self.detail {
            Some(d) => t_args("cfg-failure", &[("message", &t(self.key)), ("detail", d)]),
            None => t(self.key),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        match e {
            ApiError::Problem(p) => {
                let mut f = Failure::of(p.status, "");
                f.detail = p.detail;
                f
            }
            ApiError::Network => Failure::network(),
            ApiError::Unexpected(s) => Failure::of(s, ""),
        }
    }
}

/// `GET` of a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    parse(write("GET", path, None).await)
}

fn parse<T: DeserializeOwned>(text: Result<String, Failure>) -> Result<T, Failure> {
    text.and_then(|t| serde_json::from_str(&t).map_err(|_| Failure::of(0, "")))
}

/// The text of `path`, loaded now and again whenever `reload` changes;
/// `None` while loading. Not generic: one copy of the loading code serves
/// every list (read them with [`parsed`]).
pub fn load(path: String, reload: Option<RwSignal<u32>>) -> RwSignal<Option<Result<String, Failure>>> {
    let out = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(r) = reload {
            r.track();
        }
        let path = path.clone();
        leptos::task::spawn_local(async move { out.set(Some(write("GET", &path, None).await)) });
    });
    out
}

/// A [`load`]ed text read as JSON.
pub fn parsed<T: DeserializeOwned>(text: RwSignal<Option<Result<String, Failure>>>) -> Option<Result<T, Failure>> {
    text.get().map(parse)
}

/// A write: `body` as JSON (or as it is, with its type), the answer's text
/// on 2xx, else why.
pub async fn write(method: &str, path: &str, body: Option<(JsValue, &str)>) -> Result<String, Failure> {
    let window = web_sys::window().ok_or_else(Failure::network)?;
    let headers = web_sys::Headers::new().map_err(|_| Failure::network())?;
    let _ = headers.set("accept", "application/json, application/problem+json");
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some((body, content_type)) = body {
        let _ = headers.set("content-type", content_type);
        init.set_body(&body);
    }
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| Failure::network())?
        .dyn_into()
        .map_err(|_| Failure::network())?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    if (200..300).contains(&status) { Ok(text) } else { Err(Failure::of(status, &text)) }
}

/// A JSON write.
pub async fn write_json(method: &str, path: &str, body: &serde_json::Value) -> Result<String, Failure> {
    write(method, path, Some((JsValue::from_str(&body.to_string()), "application/json"))).await
}

/// `s` made safe for a URL's path or query.
pub fn encode(s: &str) -> String {
    web_sys::js_sys::encode_uri_component(s).into()
}

/// A field's label: a message key, or a JSON member's name shown as code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Key(&'static str),
    Code(String),
}

fn label_view(label: Label) -> AnyView {
    match label {
        Label::Key(k) => view! { <span>{tr(k)}</span> }.into_any(),
        Label::Code(c) => view! { <code dir="ltr">{c}</code> }.into_any(),
    }
}

// The fields below are components used everywhere rather than markup
// repeated per form: each `view!` tree and each closure is its own type in
// the WebAssembly, so one text field used a hundred times costs about what
// one costs.

/// A labelled text field (a `textarea` when `rows` > 1) bound to `value`;
/// `id` is also its test id.
#[component]
pub fn TextField(
    id: String,
    label: Label,
    value: RwSignal<String>,
    #[prop(default = false)] readonly: bool,
    /// Left to right (codes, numbers, JSON) whatever the page's direction.
    #[prop(default = false)]
    ltr: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = 1)] rows: u32,
    #[prop(optional, into)] invalid: Option<Signal<bool>>,
    #[prop(default = false)] wide: bool,
) -> impl IntoView {
    let dir = ltr.then_some("ltr");
    let bad = move || invalid.is_some_and(|s| s.get());
    let input = if rows > 1 {
        view! {
            <textarea id=id.clone() data-testid=id.clone() dir=dir rows=rows readonly=readonly
                aria-invalid=move || bad().then_some("true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() data-testid=id.clone() type=kind dir=dir readonly=readonly maxlength="500"
                autocomplete=(kind == "password").then_some("new-password")
                aria-invalid=move || bad().then_some("true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any()
    };
    view! {
        <div class="field cfg-field" class:cfg-field-invalid=bad class:cfg-field-wide=wide>
            <label for=id>{label_view(label)}</label>
            {input}
        </div>
    }
}

/// A labelled checkbox bound to `value`.
#[component]
pub fn CheckField(
    id: String,
    label: Label,
    value: RwSignal<bool>,
    #[prop(default = false)] readonly: bool,
) -> impl IntoView {
    view! {
        <div class="field cfg-field">
            <label for=id.clone()>{label_view(label)}</label>
            <input id=id.clone() data-testid=id type="checkbox" disabled=readonly
                prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
        </div>
    }
}

/// One choice of a [`SelectField`]: its value, and its text (a message key
/// when `key`, else `text` as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub value: String,
    pub key: bool,
    pub text: String,
}

impl Opt {
    pub fn key(value: impl Into<String>, key: impl Into<String>) -> Opt {
        Opt { value: value.into(), key: true, text: key.into() }
    }

    pub fn plain(value: impl Into<String>, text: impl Into<String>) -> Opt {
        Opt { value: value.into(), key: false, text: text.into() }
    }
}

/// A labelled `select` bound to `value`.
#[component]
pub fn SelectField(
    id: String,
    label: Label,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<Opt>>,
    #[prop(default = false)] readonly: bool,
    #[prop(optional, into)] invalid: Option<Signal<bool>>,
) -> impl IntoView {
    let bad = move || invalid.is_some_and(|s| s.get());
    view! {
        <div class="field cfg-field" class:cfg-field-invalid=bad>
            <label for=id.clone()>{label_view(label)}</label>
            <select id=id.clone() data-testid=id disabled=readonly on:change=move |ev| value.set(event_target_value(&ev))>
                {dynamic(move || IntoAny::into_any({
                    options
                        .get()
                        .into_iter()
                        .map(|o| {
                            let text = if o.key { t(&o.text) } else { o.text };
                            let selected = value.get_untracked() == o.value;
                            view! { <option value=o.value selected=selected>{text}</option> }
                        })
                        .collect_view()
                }))}
            </select>
        </div>
    }
}

/// A button; `class` is added to `btn`.
#[component]
pub fn Button(
    label: &'static str,
    #[prop(default = "")] testid: &'static str,
    #[prop(default = "btn-secondary")] class: &'static str,
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button type="button" class=format!("btn {class}") data-testid=testid on:click=move |_| on_click.run(())>
            {tr(label)}
        </button>
    }
}

/// The languages, by their own names.
pub fn language_opts() -> Vec<Opt> {
    shared::Lang::ALL.into_iter().map(|l| Opt::plain(l.tag(), l.native_name())).collect()
}

/// A reactive part of a view. Every caller shares this one closure type,
/// so the renderer of reactive views is compiled once, not once per place
/// (about 2 KB of WebAssembly each).
pub fn dynamic(f: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    let f: Arc<dyn Fn() -> AnyView + Send + Sync> = Arc::new(f);
    move || f()
}

/// A reactive text, shared the same way as [`dynamic`].
pub fn dyn_text(f: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    let f: Arc<dyn Fn() -> String + Send + Sync> = Arc::new(f);
    move || f()
}

/// A failure or a success line under a form.
#[component]
pub fn Outcome(failure: RwSignal<Option<Failure>>, saved: RwSignal<bool>, testid: &'static str) -> impl IntoView {
    view! {
        {dynamic(move || IntoAny::into_any({
            failure.get().map(|f| view! { <p class="alert cfg-alert" role="alert" data-testid=testid>{dyn_text(move || f.text())}</p> })
        }))}
        {dynamic(move || IntoAny::into_any({
            saved.get().then(|| view! { <p class="notice cfg-saved" role="status" data-testid=format!("{testid}-saved")>{tr("cfg-saved")}</p> })
        }))}
    }
}
