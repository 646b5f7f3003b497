//! Disposition codes (what agents pick after a call) and reason codes (why
//! an agent is not ready), each list edited and saved whole.

use leptos::prelude::*;
use shared::codes::DeskCode;
use ui_kit::{t_or, tr};

use super::dyn_text;
use super::{Button, Failure, Label, Outcome, TextField, get, write_json};

#[component]
pub fn CodesSettings(admin: bool) -> impl IntoView {
    view! {
        <CodeList admin=admin path="/api/v1/dispositions" title="cfg-dispositions" prefix="disposition" testid="cfg-dispositions" />
        <CodeList admin=admin path="/api/v1/reason-codes" title="cfg-reason-codes" prefix="reason" testid="cfg-reasons" />
    }
}

#[component]
fn CodeList(
    admin: bool,
    path: &'static str,
    title: &'static str,
    prefix: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let rows = RwSignal::new(Vec::<(u32, RwSignal<String>, RwSignal<String>)>::new());
    let next = StoredValue::new(0u32);
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let add = move |code: String, label: String| {
        let n = next.get_value();
        next.set_value(n + 1);
        rows.update(|r| r.push((n, RwSignal::new(code), RwSignal::new(label))));
    };
    leptos::task::spawn_local(async move {
        match get::<Vec<DeskCode>>(path).await {
            Ok(list) => list.into_iter().for_each(|c| add(c.code, c.label)),
            Err(f) => failure.set(Some(f)),
        }
    });
    let save = Callback::new(move |_| {
        saved.set(false);
        let list: Vec<DeskCode> = rows
            .get_untracked()
            .into_iter()
            .map(|(_, c, l)| DeskCode {
                code: c.get_untracked().trim().to_owned(),
                label: l.get_untracked().trim().to_owned(),
            })
            .collect();
        let body = serde_json::to_value(&list).unwrap_or_default();
        leptos::task::spawn_local(async move {
            match write_json("PUT", path, &body).await {
                Ok(_) => {
                    failure.set(None);
                    saved.set(true);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    view! {
        <div class="panel cfg-panel cfg-form" data-testid=testid>
            <h2 class="panel-title">{tr(title)}</h2>
            <ol class="cfg-codes">
                <For each=move || rows.get() key=|r| r.0 let:row>
                    {
                        let (n, code, label) = row;
                        view! {
                            <li class="cfg-inline">
                                <TextField id=format!("{testid}-code-{n}") label=Label::Key("cfg-code") value=code readonly=!admin ltr=true />
                                <TextField id=format!("{testid}-label-{n}") label=Label::Key("cfg-label") value=label readonly=!admin />
                                <span class="muted cfg-code-shown">{dyn_text(move || t_or(&format!("{prefix}-{}", code.get()), &label.get()))}</span>
                                {admin.then(|| view! {
                                    <Button label="cfg-remove" class="btn-ghost btn-sm" on_click=Callback::new(move |_| rows.update(|r| r.retain(|x| x.0 != n))) />
                                })}
                            </li>
                        }
                    }
                </For>
            </ol>
            {admin.then(|| view! {
                <div class="actions cfg-actions">
                    <Button label="cfg-add-code" on_click=Callback::new(move |_| add(String::new(), String::new())) />
                    <Button label="cfg-save" class="btn-primary" on_click=save />
                </div>
            })}
            <Outcome failure=failure saved=saved testid=testid />
        </div>
    }
}
