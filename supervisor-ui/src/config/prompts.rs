//! Voice prompts: every prompt per language (shipped, replaced by an
//! administrator's recording, or added), played here; administrators upload
//! an 8 kHz mono WAV for one and remove their own. Call control loads the
//! catalog again after each change.

use leptos::prelude::*;
use serde::Deserialize;
use ui_kit::tr;

use super::dynamic;
use super::{Button, Failure, Label, Outcome, SelectField, TextField, encode, language_opts, load, parsed, write};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PromptInfo {
    language: String,
    id: String,
    custom: bool,
    shipped: bool,
}

fn audio_path(p: &PromptInfo) -> String {
    format!("/api/v1/prompts/{}/{}", encode(&p.language), encode(&p.id))
}

#[component]
pub fn PromptsSettings(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let prompts = load("/api/v1/prompts".into(), Some(reload));
    let language = RwSignal::new(ui_kit::lang().tag().to_owned());
    let playing = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let upload_id = RwSignal::new(String::new());
    let file_ref = NodeRef::<leptos::html::Input>::new();

    let remove = move |p: PromptInfo| {
        saved.set(false);
        leptos::task::spawn_local(async move {
            match write("DELETE", &audio_path(&p), None).await {
                Ok(_) => {
                    failure.set(None);
                    saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    let upload = Callback::new(move |_| {
        saved.set(false);
        // The chosen file (a Blob), read through JS properties.
        let file = file_ref.get_untracked().and_then(|input| {
            let files = web_sys::js_sys::Reflect::get(&input, &"files".into()).ok()?;
            let first = web_sys::js_sys::Reflect::get(&files, &"0".into()).ok()?;
            (!first.is_undefined() && !first.is_null()).then_some(first)
        });
        let Some(file) = file else {
            failure.set(Some(Failure::local("cfg-prompt-choose-file", "")));
            return;
        };
        let info = PromptInfo {
            language: language.get_untracked(),
            id: upload_id.get_untracked().trim().to_owned(),
            custom: true,
            shipped: false,
        };
        leptos::task::spawn_local(async move {
            match write("PUT", &audio_path(&info), Some((file, "audio/wav"))).await {
                Ok(_) => {
                    failure.set(None);
                    saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    view! {
        <section class="panel panel-flush cfg-panel" aria-labelledby="cfg-prompts-title">
            <h2 class="panel-title" id="cfg-prompts-title">{tr("cfg-sec-prompts")}</h2>
            <div class="cfg-inline cfg-pad">
                <SelectField id="cfg-prompt-lang".into() label=Label::Key("lang-label") value=language options=language_opts() />
            </div>
            {dynamic(move || IntoAny::into_any(playing.get().map(|src| view! {
                <audio class="cfg-audio" controls autoplay src=src data-testid="cfg-prompt-audio"></audio>
            })))}
            <div class="table-wrap">
                <table class="table cfg-table" data-testid="cfg-prompts">
                    <thead>
                        <tr>
                            <th scope="col">{tr("cfg-prompt-id")}</th>
                            <th scope="col">{tr("cfg-prompt-source")}</th>
                            <th scope="col"><span class="visually-hidden">{tr("cfg-actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {dynamic(move || IntoAny::into_any({
                            let lang = language.get();
                            parsed::<Vec<PromptInfo>>(prompts)
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .filter(|p| p.language == lang)
                                .map(|p| {
                                    let source = match (p.custom, p.shipped) {
                                        (true, true) => "cfg-prompt-replaced",
                                        (true, false) => "cfg-prompt-added",
                                        _ => "cfg-prompt-shipped",
                                    };
                                    let src = audio_path(&p);
                                    let del = p.clone();
                                    view! {
                                        <tr>
                                            <td><bdi dir="ltr">{p.id.clone()}</bdi></td>
                                            <td>{tr(source)}</td>
                                            <td class="cfg-row-actions">
                                                <Button label="cfg-play" class="btn-secondary btn-sm"
                                                    on_click=Callback::new(move |_| playing.set(Some(src.clone()))) />
                                                {(admin && p.custom).then(|| view! {
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
            <div class="panel cfg-panel cfg-inline" data-testid="cfg-prompt-upload">
                <TextField id="cfg-prompt-up-id".into() label=Label::Key("cfg-prompt-id") value=upload_id ltr=true />
                <div class="field">
                    <label for="cfg-prompt-file">{tr("cfg-prompt-file")}</label>
                    <input id="cfg-prompt-file" type="file" accept="audio/wav,.wav" node_ref=file_ref />
                </div>
                <Button label="cfg-prompt-upload" class="btn-primary" on_click=upload />
                <p class="hint">{tr("cfg-prompt-hint")}</p>
            </div>
        })}
        <Outcome failure=failure saved=saved testid="cfg-prompts-result" />
    }
}
