//! Dialed numbers and `web:` entries, each running a flow. Numbers are
//! kept as the gateway normalises them (digits in any script accepted).

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use ui_kit::tr;

use super::dynamic;
use super::{Button, Failure, Label, Opt, Outcome, SelectField, TextField, encode, load, parsed, write, write_json};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct EntryPoint {
    entry: String,
    kind: String,
    flow: String,
}

#[component]
pub fn NumbersSettings(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let entries = load("/api/v1/entry_points".into(), Some(reload));
    let flows_text = load("/api/v1/ivr_flows".into(), None);
    let flows = move || {
        std::iter::once(Opt::key("", "cfg-choose"))
            .chain(super::queues::flow_names(flows_text).into_iter().map(|n| Opt::plain(n.clone(), n)))
            .collect::<Vec<_>>()
    };
    let entry = RwSignal::new(String::new());
    let flow = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let set = Callback::new(move |_| {
        saved.set(false);
        let path = format!("/api/v1/entry_points/{}", encode(entry.get_untracked().trim()));
        let body = json!({ "flow": flow.get_untracked() });
        leptos::task::spawn_local(async move {
            match write_json("PUT", &path, &body).await {
                Ok(_) => {
                    failure.set(None);
                    saved.set(true);
                    entry.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    let remove = move |e: String| {
        saved.set(false);
        leptos::task::spawn_local(async move {
            match write("DELETE", &format!("/api/v1/entry_points/{}", encode(&e)), None).await {
                Ok(_) => {
                    failure.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    view! {
        <section class="panel panel-flush cfg-panel" aria-labelledby="cfg-numbers-title">
            <h2 class="panel-title" id="cfg-numbers-title">{tr("cfg-sec-numbers")}</h2>
            <div class="table-wrap">
                <table class="table cfg-table" data-testid="cfg-numbers">
                    <thead>
                        <tr>
                            <th scope="col">{tr("cfg-entry")}</th>
                            <th scope="col">{tr("cfg-entry-kind")}</th>
                            <th scope="col">{tr("cfg-flow")}</th>
                            <th scope="col"><span class="visually-hidden">{tr("cfg-actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {dynamic(move || IntoAny::into_any({
                            parsed::<Vec<EntryPoint>>(entries)
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|e| {
                                    let kind = if e.kind == "web" { "cfg-entry-web" } else { "cfg-entry-number" };
                                    let del = e.entry.clone();
                                    view! {
                                        <tr>
                                            <td><bdi dir="ltr" class="call-number">{e.entry.clone()}</bdi></td>
                                            <td>{tr(kind)}</td>
                                            <td><bdi>{e.flow}</bdi></td>
                                            <td>
                                                {admin.then(|| view! {
                                                    <Button label="cfg-remove" class="btn-ghost btn-sm" on_click=Callback::new(move |_| remove(del.clone())) />
                                                })}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }))}
                    </tbody>
                </table>
            </div>
        </section>
        {admin.then(|| view! {
            <div class="panel cfg-panel cfg-inline" data-testid="cfg-number-form">
                <TextField id="cfg-entry".into() label=Label::Key("cfg-entry") value=entry ltr=true />
                <SelectField id="cfg-entry-flow".into() label=Label::Key("cfg-flow") value=flow
                    options=Signal::derive(flows) />
                <Button label="cfg-save" testid="cfg-entry-save" class="btn-primary" on_click=set />
                <p class="hint">{tr("cfg-entry-hint")}</p>
            </div>
        })}
        <Outcome failure=failure saved=saved testid="cfg-numbers-result" />
    }
}
