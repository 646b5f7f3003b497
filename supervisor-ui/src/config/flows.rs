//! IVR flows: a structured editor and JSON import/export. A flow is edited
//! as the JSON document the API imports and exports: its start node,
//! language and description, and each node as a form of its fields (text,
//! numbers and switches as such; lists and maps as small JSON fields). Nodes
//! are added from a template of their type and removed; saving imports the
//! whole flow, and a refusal is shown beside the node the gateway names.
//! Export shows the flow as edited, as JSON to copy or download; import
//! takes pasted JSON.

use leptos::prelude::*;
use serde_json::{Value, json};
use ui_kit::{t, tr};

use super::{
    Button, CheckField, Failure, Label, Opt, Outcome, SelectField, TextField, encode, get, load, write, write_json,
};
use super::{dyn_text, dynamic};

/// Node types, each with the fields a new node starts with.
fn template(kind: &str) -> Value {
    match kind {
        "play" => json!({ "type": "play", "prompts": "", "next": "" }),
        "menu" => json!({ "type": "menu", "prompt": "", "options": { "1": "" }, "on_fail": "" }),
        "collect" => json!({ "type": "collect", "prompt": "", "var": "", "max_digits": 4, "next": "", "on_fail": "" }),
        "hours" => json!({
            "type": "hours", "time_zone": "UTC",
            "weekly": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:00" }],
            "open": "", "closed": ""
        }),
        "set_language" => json!({ "type": "set_language", "language": "en", "next": "" }),
        "set_priority" => json!({ "type": "set_priority", "priority": 5, "next": "" }),
        "set" => json!({ "type": "set", "var": "", "value": "", "next": "" }),
        "switch" => json!({ "type": "switch", "var": "", "cases": {}, "default": "" }),
        "queue" => json!({ "type": "queue", "queue": "" }),
        "voicemail" => json!({ "type": "voicemail", "mailbox": "" }),
        "callback" => json!({ "type": "callback", "queue": "" }),
        _ => json!({ "type": "hang_up" }),
    }
}

const KINDS: [&str; 12] = [
    "play",
    "menu",
    "collect",
    "hours",
    "set_language",
    "set_priority",
    "set",
    "switch",
    "queue",
    "voicemail",
    "callback",
    "hang_up",
];

/// One edited member of a node: where it goes and its field's state.
#[derive(Clone)]
struct Binding {
    node: String,
    field: String,
    /// The JSON kind it was: `"string"`, `"number"`, `"bool"` or `"json"`.
    kind: &'static str,
    text: RwSignal<String>,
    check: RwSignal<bool>,
}

/// The flow as edited: `doc` (nodes and types) with every field's value
/// written in; `Err` names the node and field whose JSON does not parse.
fn assemble(doc: &Value, head: &[(&str, RwSignal<String>)], bindings: &[Binding]) -> Result<Value, Failure> {
    let mut v = doc.clone();
    for (k, sig) in head {
        let text = sig.get_untracked();
        if *k == "description" && text.trim().is_empty() {
            if let Some(o) = v.as_object_mut() {
                o.remove("description");
            }
        } else {
            v[*k] = Value::from(text);
        }
    }
    for b in bindings {
        let Some(node) = v["nodes"].get_mut(&b.node).and_then(Value::as_object_mut) else { continue };
        let text = b.text.get_untracked();
        let value = match b.kind {
            "bool" => Value::from(b.check.get_untracked()),
            "string" => Value::from(text),
            "number" => text.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(text)),
            _ => serde_json::from_str(&text).map_err(|_| Failure {
                key: "cfg-not-json",
                detail: Some(b.field.clone()),
                field: None,
                node: Some(b.node.clone()),
            })?,
        };
        node.insert(b.field.clone(), value);
    }
    Ok(v)
}

#[component]
pub fn FlowsSettings(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let list = load("/api/v1/ivr_flows".into(), Some(reload));
    // The flow being edited, as its JSON; its own fields; each node's fields.
    let doc = RwSignal::new(None::<Value>);
    let start = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let bindings = StoredValue::new(Vec::<Binding>::new());
    let chosen = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let exported = RwSignal::new(None::<String>);
    let import_text = RwSignal::new(String::new());
    // Bumped when a flow is opened or stored: its forms are made anew.
    let version = RwSignal::new(0u32);

    let show = move |v: Value| {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
        start.set(s("start"));
        language.set(s("language"));
        description.set(s("description"));
        chosen.set(Some(s("name")));
        doc.set(Some(v));
        version.update(|n| *n += 1);
    };
    // Opening a flow from the list.
    Effect::new(move |prev: Option<Option<String>>| {
        let name = chosen.get();
        let opened = doc.with_untracked(|d| d.as_ref().and_then(|v| v["name"].as_str().map(str::to_owned)));
        if prev.is_some() && name.is_some() && name != opened {
            let name = name.clone().unwrap_or_default();
            saved.set(false);
            exported.set(None);
            leptos::task::spawn_local(async move {
                match get::<Value>(&format!("/api/v1/ivr_flows/{}", encode(&name))).await {
                    Ok(v) => {
                        failure.set(None);
                        show(v);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        }
        name
    });
    let head = move || [("start", start), ("language", language), ("description", description)];
    let current = move || -> Result<Value, Failure> {
        let d = doc.get_untracked().unwrap_or_default();
        bindings.with_value(|b| assemble(&d, &head(), b))
    };
    // Imports `v` (create or replace, by its name) and shows what was stored.
    let import = move |v: Value| {
        saved.set(false);
        let name = v.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/ivr_flows/{}", encode(&name));
            match write_json("PUT", &path, &v).await {
                Ok(text) => {
                    failure.set(None);
                    saved.set(true);
                    exported.set(None);
                    show(serde_json::from_str(&text).unwrap_or(v));
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    let save = Callback::new(move |_| match current() {
        Ok(v) => import(v),
        Err(f) => failure.set(Some(f)),
    });
    let export = Callback::new(move |_| match current() {
        Ok(v) => exported.set(serde_json::to_string_pretty(&v).ok()),
        Err(f) => failure.set(Some(f)),
    });
    let import_pasted = Callback::new(move |_| match serde_json::from_str::<Value>(&import_text.get_untracked()) {
        Ok(v) if v.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty()) => import(v),
        _ => failure.set(Some(Failure::local("cfg-not-json", t("cfg-flow-import")))),
    });
    let delete = Callback::new(move |_| {
        let Some(name) = chosen.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match write("DELETE", &format!("/api/v1/ivr_flows/{}", encode(&name)), None).await {
                Ok(_) => {
                    doc.set(None);
                    chosen.set(None);
                    failure.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    let items =
        Signal::derive(move || super::queues::flow_names(list).into_iter().map(|n| (n.clone(), n)).collect::<Vec<_>>());
    let node_opts = Signal::derive(move || {
        doc.with(|d| {
            d.as_ref()
                .and_then(|v| v["nodes"].as_object())
                .map(|n| n.keys().map(|k| Opt::plain(k.clone(), k.clone())).collect::<Vec<_>>())
        })
        .unwrap_or_default()
    });
    let title = move || ui_kit::t_args("cfg-flow-editing", &[("name", &chosen.get().unwrap_or_default())]);
    let download = move || exported.get().map(|json| format!("data:application/json;charset=utf-8,{}", encode(&json)));
    let file_name = move || chosen.get().map(|n| format!("{n}.json")).unwrap_or_default();
    let readonly = !admin;

    view! {
        <section class="panel cfg-panel">
            <h2 class="panel-title">{tr("cfg-sec-flows")}</h2>
            <super::queues::Picker items=items chosen=chosen prefix="cfg-flow-" testid="cfg-flow-list" />
            <Outcome failure=failure saved=saved testid="cfg-flow-result" />
        </section>
        {dynamic(move || IntoAny::into_any(doc.with(|d| d.is_some()).then(|| view! {
            <section class="panel cfg-panel cfg-form" data-testid="cfg-flow-editor">
                <h2 class="panel-title">{dyn_text(title)}</h2>
                {dynamic(move || IntoAny::into_any({
                    version.get();
                    bindings.set_value(Vec::new());
                    view! {
                        <div class="cfg-fields">
                            <SelectField id="cfg-flow-start".into() label=Label::Key("cfg-flow-start") value=start options=node_opts readonly=readonly />
                            <SelectField id="cfg-flow-lang".into() label=Label::Key("cfg-flow-language") value=language options=super::language_opts() readonly=readonly />
                            <TextField id="cfg-flow-desc".into() label=Label::Key("cfg-flow-description") value=description readonly=readonly wide=true />
                        </div>
                        <Nodes doc=doc admin=admin failure=failure bindings=bindings />
                    }
                    .into_any()
                }))}
                <div class="actions cfg-actions">
                    {admin.then(|| view! { <Button label="cfg-save" testid="cfg-flow-save" class="btn-primary" on_click=save /> })}
                    <Button label="cfg-flow-export" testid="cfg-flow-export" on_click=export />
                    {admin.then(|| view! { <Button label="cfg-delete" testid="cfg-flow-delete" class="btn-danger" on_click=delete /> })}
                </div>
                {dynamic(move || IntoAny::into_any(exported.get().map(|json| view! {
                    <div class="field">
                        <label for="cfg-flow-json">{tr("cfg-flow-json")}</label>
                        <textarea id="cfg-flow-json" data-testid="cfg-flow-json" dir="ltr" rows="12" readonly prop:value=json></textarea>
                        <a class="btn btn-secondary btn-sm" data-testid="cfg-flow-download" href=download download=file_name>{tr("cfg-flow-download")}</a>
                    </div>
                }.into_any())))}
            </section>
        }.into_any())))}
        {admin.then(|| view! {
            <div class="panel cfg-panel cfg-form" data-testid="cfg-flow-import">
                <h2 class="panel-title">{tr("cfg-flow-import")}</h2>
                <TextField id="cfg-flow-import-text".into() label=Label::Key("cfg-flow-import-label") value=import_text ltr=true rows=8 />
                <Button label="cfg-flow-import-submit" testid="cfg-flow-import-submit" class="btn-primary" on_click=import_pasted />
            </div>
        })}
    }
}

/// Each node as a form; add and remove nodes.
#[component]
fn Nodes(
    doc: RwSignal<Option<Value>>,
    admin: bool,
    failure: RwSignal<Option<Failure>>,
    bindings: StoredValue<Vec<Binding>>,
) -> impl IntoView {
    let new_id = RwSignal::new(String::new());
    let new_kind = RwSignal::new("play".to_owned());
    let add_error = RwSignal::new(None::<&'static str>);
    // The node ids; a node's form is made when it appears.
    let ids = Memo::new(move |_| {
        doc.with(|d| d.as_ref().and_then(|v| v["nodes"].as_object()).map(|n| n.keys().cloned().collect::<Vec<_>>()))
            .unwrap_or_default()
    });
    let add = Callback::new(move |_| {
        let id = new_id.get_untracked().trim().to_owned();
        let valid =
            !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        if !valid {
            add_error.set(Some("cfg-node-id-format"));
            return;
        }
        if ids.get_untracked().contains(&id) {
            add_error.set(Some("cfg-node-exists"));
            return;
        }
        add_error.set(None);
        let node = template(&new_kind.get_untracked());
        doc.update(|d| {
            if let Some(nodes) = d.as_mut().and_then(|v| v["nodes"].as_object_mut()) {
                nodes.insert(id.clone(), node);
            }
        });
        new_id.set(String::new());
    });
    let kind_opts: Vec<Opt> = KINDS.iter().map(|k| Opt::key(*k, format!("cfg-node-{}", k.replace('_', "-")))).collect();
    view! {
        <h3 class="cfg-subtitle">{tr("cfg-flow-nodes")}</h3>
        <ol class="cfg-nodes" data-testid="cfg-nodes">
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <NodeForm id=id doc=doc admin=admin failure=failure bindings=bindings />
            </For>
        </ol>
        {admin.then(|| view! {
            <div class="cfg-inline" data-testid="cfg-node-add">
                <TextField id="cfg-node-new-id".into() label=Label::Key("cfg-node-id") value=new_id ltr=true />
                <SelectField id="cfg-node-new-type".into() label=Label::Key("cfg-node-type") value=new_kind options=kind_opts />
                <Button label="cfg-node-add" testid="cfg-node-add-button" on_click=add />
                {dynamic(move || IntoAny::into_any(add_error.get().map(|k| view! { <p class="alert" role="alert">{tr(k)}</p> })))}
            </div>
        })}
    }
}

/// One node: its type, and a field per member.
#[component]
fn NodeForm(
    id: String,
    doc: RwSignal<Option<Value>>,
    admin: bool,
    failure: RwSignal<Option<Failure>>,
    bindings: StoredValue<Vec<Binding>>,
) -> impl IntoView {
    let node = doc.with_untracked(|d| d.as_ref().map(|v| v["nodes"][&id].clone())).unwrap_or_default();
    let kind = node["type"].as_str().unwrap_or("").replace('_', "-");
    let readonly = !admin;
    let fields = node
        .as_object()
        .map(|o| o.iter().filter(|(k, _)| *k != "type").map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|(field, value)| {
            let (kind, text) = match &value {
                Value::Bool(_) => ("bool", String::new()),
                Value::String(s) => ("string", s.clone()),
                Value::Number(n) => ("number", n.to_string()),
                other => ("json", other.to_string()),
            };
            let b = Binding {
                node: id.clone(),
                field: field.clone(),
                kind,
                text: RwSignal::new(text),
                check: RwSignal::new(value.as_bool() == Some(true)),
            };
            bindings.update_value(|all| all.push(b.clone()));
            let input_id = format!("cfg-n-{id}-{field}");
            let label = Label::Code(field);
            match kind {
                "bool" => view! { <CheckField id=input_id label=label value=b.check readonly=readonly /> }.into_any(),
                "json" => {
                    view! { <TextField id=input_id label=label value=b.text readonly=readonly ltr=true rows=2 /> }
                        .into_any()
                }
                _ => view! { <TextField id=input_id label=label value=b.text readonly=readonly ltr=true /> }.into_any(),
            }
        })
        .collect_view();
    let node_id = StoredValue::new(id.clone());
    let remove = Callback::new(move |_| {
        doc.update(|d| {
            if let Some(nodes) = d.as_mut().and_then(|v| v["nodes"].as_object_mut()) {
                nodes.remove(&node_id.get_value());
            }
        })
    });
    let error = move || {
        failure
            .with(|f| f.as_ref().filter(|f| f.node.as_deref() == Some(node_id.get_value().as_str())).map(|f| f.text()))
    };
    let kind_key = format!("cfg-node-{kind}");
    view! {
        <li class="cfg-node" class:cfg-node-invalid=move || error().is_some() data-testid=format!("cfg-node-{id}")>
            <div class="cfg-node-head">
                <h4 class="cfg-node-title"><bdi dir="ltr">{id.clone()}</bdi>" · "<span>{dyn_text(move || t(&kind_key))}</span></h4>
                {admin.then(|| view! { <Button label="cfg-node-remove" testid="cfg-node-remove" class="btn-ghost btn-sm" on_click=remove /> })}
            </div>
            {dynamic(move || IntoAny::into_any(error().map(|e| view! { <p class="alert" role="alert" data-testid="cfg-node-error">{e}</p> })))}
            <div class="cfg-fields">{fields}</div>
        </li>
    }
}
